"""Pods whose node is gone or cannot be reached.

PodGC (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-garbage-collection:
it cleans up "orphan Pods - bound to a node which no longer exists"), as
pkg/controller/podgc/gc_controller.go gcOrphaned does it: a gc pass every 20 s
(gcCheckPeriod) quarantines the missing node name for 40 s (quarantineTime), then marks
its pods Failed with a DisruptionTarget condition (DeletionByPodGC, "PodGC: node no longer
exists") and deletes them with grace period 0. It records no event.

`kubectl logs` goes through the API server to the kubelet (LogLocation in
pkg/registry/core/pod/strategy.go): a missing node is the Node lookup's NotFound; a node
that is powered off cannot be dialled, and the API server's error carries no reason, so
kubectl prints `Error from server: Get "https://IP:10250/containerLogs/NS/POD/CONTAINER":
dial tcp IP:10250: connect: no route to host` (StandardErrorMessage); while the machine
boots, before its kubelet listens, the dial is refused instead.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

GHOST = """apiVersion: v1
kind: Pod
metadata:
  name: ghost
spec:
  nodeName: node-9
  containers:
  - name: app
    image: nginx:1.25
"""


def session():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add node-1")
    return runner


def test_a_pod_bound_to_a_node_that_does_not_exist_is_collected_after_the_quarantine():
    runner = session()
    runner.run_line("sim advance 5s")
    runner.run_line("kubectl apply -f -", GHOST)  # at 5 s: the gc pass at 20 s sees it
    changes = []
    runner.cluster.store.watch("Pod", lambda kind, pod: changes.append((kind, pod)))
    runner.run_line("sim advance 54s")
    pod = runner.cluster.api.get("Pod", "default", "ghost")
    assert pod["status"]["phase"] == "Pending"
    assert (
        runner.run_line("kubectl logs ghost")
        == 'Error from server (NotFound): nodes "node-9" not found'
    )
    runner.run_line("sim advance 1s")  # 60 s: 20 s + the 40 s quarantine
    assert runner.cluster.store.get("Pod", "default", "ghost") is None
    failed = [pod for kind, pod in changes if kind == "MODIFIED"][-1]
    assert failed["status"]["phase"] == "Failed"
    [condition] = [c for c in failed["status"]["conditions"] if c["type"] == "DisruptionTarget"]
    assert (condition["status"], condition["reason"], condition["message"]) == (
        "True",
        "DeletionByPodGC",
        "PodGC: node no longer exists",
    )
    assert [kind for kind, _ in changes][-1] == "DELETED"


def test_the_pods_of_a_removed_node_are_collected_too():
    runner = session()
    runner.run_line("sim node add node-2")
    runner.run_line(
        "kubectl apply -f -", GHOST.replace("ghost", "pinned").replace("node-9", "node-2")
    )
    runner.run_line("sim advance 30s")
    runner.run_line("sim node remove node-2")
    runner.run_line("sim advance 49s")
    assert runner.cluster.store.get("Pod", "default", "pinned") is not None
    runner.run_line("sim advance 11s")
    assert runner.cluster.store.get("Pod", "default", "pinned") is None


def test_logs_of_a_pod_on_a_powered_off_node_cannot_reach_its_kubelet():
    runner = session()
    runner.run_line("kubectl create deployment web --image=nginx:1.25")
    runner.run_line("sim advance 20s")
    [pod] = runner.cluster.store.list("Pod", "default")
    name = pod["metadata"]["name"]
    assert runner.run_line(f"kubectl logs {name}") != ""
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 5s")
    assert runner.run_line(f"kubectl logs {name} --tail 5 -p") == (
        f'Error from server: Get "https://10.0.0.10:10250/containerLogs/default/{name}/nginx'
        f'?previous=true&tailLines=5": dial tcp 10.0.0.10:10250: connect: no route to host'
    )
    runner.run_line("sim node restore node-1")  # the machine is on; its kubelet starts in 5 s
    assert runner.run_line(f"kubectl logs {name}").endswith(
        "dial tcp 10.0.0.10:10250: connect: connection refused"
    )
    runner.run_line("sim advance 10s")
    assert not runner.run_line(f"kubectl logs {name}").startswith("Error from server")
