from django.shortcuts import render

from cluster_sim.presets import PRESETS

# The course map until the lessons exist (their own issue links them).
LESSONS = (
    "Why distribute?",
    "Monolith versus microservices",
    "The hard parts of distributed computing",
    "Containers and Docker",
    "Inside Kubernetes",
    "Pods, ReplicaSets and Deployments",
    "Services, kube-proxy and load balancing",
    "Self-healing",
    "Scaling and autoscaling",
    "Storage",
    "Monitoring and debugging",
    "The whole picture",
)


def home(request):
    return render(request, "core/home.html", {"presets": PRESETS.values(), "lessons": LESSONS})
