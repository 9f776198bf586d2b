from django.shortcuts import render

from cluster_sim.presets import PRESETS
from lessons.course_cache import course

# The course's twelve lessons, in order (issue 5); written ones link to their pages.
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
    """The course map: written lessons link to their pages, the others are listed as coming."""
    written = {lesson.order: lesson for lesson in course().lessons}
    lessons = [
        {"title": written[n].title if n in written else title, "lesson": written.get(n)}
        for n, title in enumerate(LESSONS, start=1)
    ]
    return render(request, "core/home.html", {"presets": PRESETS.values(), "lessons": lessons})
