"""The kubelet's own admission check for pods that never met the scheduler (`spec.nodeName`).

kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#nodename: "If the named
node does not have the resources to accommodate the Pod, the Pod will fail and its reason
will indicate why, for example OutOfmemory or OutOfcpu." The reasons and messages were
checked against pkg/kubelet/lifecycle/predicate.go (predicateAdmitHandler.Admit,
generalFilter, InsufficientResourceError, PredicateFailureError) and Kubelet.rejectPod in
pkg/kubelet/kubelet.go ("Pod was rejected: " + message, a Warning event of the reason).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

OUT_OF_CPU = "Node didn't have enough resource: cpu, requested: 8000, used: 0, capacity: 1000"


def session(*node_lines):
    runner = ScriptRunner(Cluster(seed=0))
    for line in node_lines:
        runner.run_line(line)
    return runner


def pinned_pod(name, node="node-1", resources="", extra=""):
    return (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  nodeName: {node}\n"
        f"{extra}  containers:\n  - name: app\n    image: nginx:1.25\n{resources}"
    )


def cpu(amount):
    return f"    resources:\n      requests:\n        cpu: {amount!r}\n"


def events(runner, name, reason):
    return [
        e
        for e in runner.cluster.store.list("Event", "default")
        if e["involvedObject"]["name"] == name and e["reason"] == reason
    ]


def test_a_pod_bound_by_name_to_a_node_too_small_is_rejected_out_of_cpu():
    runner = session("sim node add node-1 --cpu 1 --memory 2Gi")
    runner.run_line("kubectl apply -f -", pinned_pod("big", resources=cpu("8")))
    runner.run_line("sim advance 1s")
    pod = runner.cluster.api.get("Pod", "default", "big")
    assert pod["status"]["phase"] == "Failed"
    assert pod["status"]["reason"] == "OutOfcpu"
    assert pod["status"]["message"] == f"Pod was rejected: {OUT_OF_CPU}"
    assert pod["status"]["qosClass"] == "Burstable"
    assert "startTime" in pod["status"]
    assert "containerStatuses" not in pod["status"]
    [event] = events(runner, "big", "OutOfcpu")
    assert event["type"] == "Warning"
    assert event["message"] == OUT_OF_CPU
    assert event["source"] == {"component": "kubelet", "host": "node-1"}
    listed = runner.run_line("kubectl get pods")
    assert "big    0/1     OutOfcpu   0          1s" in listed
    described = runner.run_line("kubectl describe pod big")
    assert "Status:           Failed\nReason:           OutOfcpu\n" in described
    assert "  Warning  OutOfcpu  1s    kubelet  " + OUT_OF_CPU in described


def test_used_counts_the_pods_the_kubelet_already_admitted():
    """InsufficientResourceError reports cpu in millicores and memory in bytes; `used` is
    what the pods admitted before it request, `capacity` the node's allocatable."""
    runner = session("sim node add node-1 --cpu 2 --memory 4Gi")
    runner.run_line("kubectl apply -f -", pinned_pod("first", resources=cpu("1500m")))
    runner.run_line("kubectl apply -f -", pinned_pod("second", resources=cpu("1")))
    memory = "    resources:\n      requests:\n        memory: 8Gi\n"
    runner.run_line("kubectl apply -f -", pinned_pod("third", resources=memory))
    runner.run_line("sim advance 20s")
    api = runner.cluster.api
    assert api.get("Pod", "default", "first")["status"]["phase"] == "Running"
    second = api.get("Pod", "default", "second")["status"]
    assert second["reason"] == "OutOfcpu"
    assert second["message"].endswith("cpu, requested: 1000, used: 1500, capacity: 2000")
    third = api.get("Pod", "default", "third")["status"]
    assert third["reason"] == "OutOfmemory"
    # allocatable memory: 4Gi less the 100Mi hard eviction threshold
    assert third["message"] == (
        "Pod was rejected: Node didn't have enough resource: memory, requested: 8589934592, "
        "used: 0, capacity: 4190109696"
    )


def test_a_full_node_rejects_the_next_pod_out_of_pods():
    runner = session("sim node add node-1 --pods 1")
    runner.run_line("kubectl apply -f -", pinned_pod("one"))
    runner.run_line("kubectl apply -f -", pinned_pod("two"))
    runner.run_line("sim advance 1s")
    status = runner.cluster.api.get("Pod", "default", "two")["status"]
    assert status["reason"] == "OutOfpods"
    assert status["message"] == (
        "Pod was rejected: Node didn't have enough resource: pods, requested: 1, used: 1, "
        "capacity: 1"
    )


def test_node_selector_mismatch_is_rejected_node_affinity():
    runner = session("sim node add node-1")
    runner.run_line(
        "kubectl apply -f -", pinned_pod("picky", extra="  nodeSelector:\n    disk: ssd\n")
    )
    runner.run_line("sim advance 1s")
    status = runner.cluster.api.get("Pod", "default", "picky")["status"]
    assert status["phase"] == "Failed"
    assert status["reason"] == "NodeAffinity"
    assert status["message"] == (
        "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node "
        "affinity/selector"
    )
    assert "picky   0/1     NodeAffinity   0" in runner.run_line("kubectl get pods")


def test_only_an_untolerated_no_execute_taint_stops_a_bound_pod():
    """generalFilter checks taints whose effect is NoExecute only: a NoSchedule taint keeps the
    scheduler away but not a pod that names the node itself."""
    runner = session(
        "sim node add soft --taints dedicated=gpu:NoSchedule",
        "sim node add hard --taints dedicated=gpu:NoExecute",
    )
    runner.run_line("kubectl apply -f -", pinned_pod("on-soft", node="soft"))
    runner.run_line("kubectl apply -f -", pinned_pod("on-hard", node="hard"))
    runner.run_line("sim advance 20s")
    api = runner.cluster.api
    assert api.get("Pod", "default", "on-soft")["status"]["phase"] == "Running"
    status = api.get("Pod", "default", "on-hard")["status"]
    assert status["reason"] == "TaintToleration"
    assert status["message"] == (
        "Pod was rejected: Predicate TaintToleration failed: node(s) had taints that the pod "
        "didn't tolerate"
    )


def test_an_extended_resource_the_node_does_not_have_is_not_checked():
    """removeMissingExtendedResources: upstream's documented caveat for manually bound pods."""
    runner = session("sim node add node-1")
    gpu = "    resources:\n      limits:\n        nvidia.com/gpu: 1\n"
    runner.run_line("kubectl apply -f -", pinned_pod("gpu", resources=gpu))
    runner.run_line("sim advance 20s")
    assert runner.cluster.api.get("Pod", "default", "gpu")["status"]["phase"] == "Running"


PINNED_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: pinned
spec:
  replicas: 1
  selector:
    matchLabels: {app: pinned}
  template:
    metadata:
      labels: {app: pinned}
    spec:
      nodeName: node-1
      containers:
      - name: app
        image: nginx:1.25
        resources:
          requests: {cpu: "3"}
"""


def test_a_controller_keeps_replacing_the_pods_the_kubelet_rejects():
    """A Failed pod is not active (controller.IsPodActive), so a ReplicaSet whose template
    pins an over-sized pod to a node replaces each rejected pod, as upstream does."""
    runner = session("sim node add node-1 --cpu 2")
    runner.run_line("kubectl apply -f -", PINNED_DEPLOYMENT)
    runner.run_line("sim advance 1s")
    pods = runner.cluster.store.list("Pod", "default")
    rejected = [p for p in pods if p["status"].get("reason") == "OutOfcpu"]
    assert len(rejected) >= 3
    assert all(p["status"]["phase"] == "Failed" for p in rejected)
    assert len(pods) - len(rejected) == 1  # the latest replacement, not yet rejected
