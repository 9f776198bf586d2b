"""What the API server fills in for a Pod and for a pod template, and a pod's QoS class.

- SetDefaults_PodSpec (pkg/apis/core/v1/defaults.go) applies to every PodSpec, a pod
  template's included: dnsPolicy, restartPolicy, securityContext,
  terminationGracePeriodSeconds, schedulerName (and the containers' own defaults).
- SetDefaults_Pod applies to Pods only ("we only want this defaulting semantic to take
  place on a v1.Pod and not a v1.PodTemplate"): requests copied from limits and
  enableServiceLinks; the Priority admission plugin, which admits Pods only, sets priority
  and preemptionPolicy. So `kubectl get deploy -o yaml` shows none of those.
- QoS: kubernetes.io/docs/concepts/workloads/pods/pod-qos/ and ComputePodQOS
  (pkg/apis/core/helper/qos/qos.go): only cpu and memory count.
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.defaults import default_pod_spec, qos_class
from cluster_sim.engine.script import ScriptRunner

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.25
        resources:
          limits: {cpu: 500m, memory: 128Mi}
"""


def test_pod_only_defaults_stay_out_of_pod_templates():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl apply -f -", DEPLOYMENT)
    runner.run_line("sim advance 10s")
    api = runner.cluster.api
    templates = [api.get("Deployment", "default", "web")["spec"]["template"]["spec"]]
    templates += [rs["spec"]["template"]["spec"] for rs in api.list("ReplicaSet", "default")]
    for template in templates:
        for field in ("enableServiceLinks", "priority", "preemptionPolicy"):
            assert field not in template
        assert template["containers"][0]["resources"] == {
            "limits": {"cpu": "500m", "memory": "128Mi"}
        }
        assert template["restartPolicy"] == "Always"
        assert template["dnsPolicy"] == "ClusterFirst"
        assert template["schedulerName"] == "default-scheduler"
        assert template["terminationGracePeriodSeconds"] == 30
        assert template["securityContext"] == {}
        assert template["containers"][0]["imagePullPolicy"] == "IfNotPresent"
    [pod] = api.list("Pod", "default")
    spec = pod["spec"]
    assert spec["enableServiceLinks"] is True
    assert spec["priority"] == 0
    assert spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert spec["containers"][0]["resources"]["requests"] == {"cpu": "500m", "memory": "128Mi"}
    assert pod["status"]["qosClass"] == "Guaranteed"
    shown = runner.run_line("kubectl get deploy web -o yaml")
    assert "enableServiceLinks" not in shown and "priority" not in shown


def spec(*resources):
    return {
        "containers": [
            {"name": f"c{i}", "image": "x", "resources": r} for i, r in enumerate(resources)
        ]
    }


def test_qos_counts_only_cpu_and_memory():
    gpu_only = {"limits": {"nvidia.com/gpu": "1"}, "requests": {"nvidia.com/gpu": "1"}}
    assert qos_class(spec(gpu_only)) == "BestEffort"
    storage_only = {"requests": {"ephemeral-storage": "1Gi"}}
    assert qos_class(spec(storage_only)) == "BestEffort"
    both = {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": "1"}
    assert qos_class(spec({"limits": both, "requests": dict(both)})) == "Guaranteed"


def test_qos_compares_amounts_not_spellings_and_ignores_zeros():
    same = {"limits": {"cpu": "1", "memory": "1Gi"}, "requests": {"cpu": "1000m", "memory": "1Gi"}}
    assert qos_class(spec(same)) == "Guaranteed"
    zero = {"requests": {"cpu": "0", "memory": "0"}}
    assert qos_class(spec(zero)) == "BestEffort"
    guaranteed = {
        "limits": {"cpu": "1", "memory": "1Gi"},
        "requests": {"cpu": "1", "memory": "1Gi"},
    }
    assert qos_class(spec(guaranteed, {})) == "Burstable"  # every container must be limited
    cpu_only = {"limits": {"cpu": "1"}, "requests": {"cpu": "1"}}
    assert qos_class(spec(cpu_only)) == "Burstable"


def test_a_gpu_only_pod_is_best_effort_in_its_status():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add gpu-1 --gpus 1")
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: train\nspec:\n  containers:\n"
        "  - name: train\n    image: clusterlab/train:1.0\n    resources:\n      limits:\n"
        "        nvidia.com/gpu: 1\n",
    )
    pod = runner.cluster.api.get("Pod", "default", "train")
    assert pod["status"]["qosClass"] == "BestEffort"
    assert "QoS Class:                   BestEffort" in runner.run_line(
        "kubectl describe pod train"
    )


@pytest.mark.parametrize(
    ("written", "stored"),
    [
        ("1024Mi", "1Gi"),
        (0.5, "500m"),
        (1, "1"),
        (1.0, "1"),
        ("1000m", "1"),
        (True, True),  # not a quantity: left for validation to report
        (["1"], ["1"]),
    ],
)
def test_requests_are_stored_in_canonical_form(written, stored):
    for _ in range(2):  # the second time from the cache
        spec = {
            "containers": [
                {"name": "a", "image": "nginx", "resources": {"requests": {"cpu": written}}}
            ]
        }
        default_pod_spec(spec)
        assert spec["containers"][0]["resources"]["requests"]["cpu"] == stored
