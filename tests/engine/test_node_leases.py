"""Node Leases in kube-node-lease.

kubernetes.io/docs/concepts/architecture/leases/#node-heartbeats: "each Node has a
corresponding Lease object in the kube-node-lease namespace. Under the hood, every
kubelet heartbeat is an update request to this Lease object, updating the
spec.renewTime field for the Lease." The kubelet renews every 10 s (a quarter of the
40 s leaseDurationSeconds); the Lease is owned by its Node, so it goes with the node.
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


def lease(runner, name):
    return runner.cluster.api.find("Lease", "kube-node-lease", name)


def test_each_node_has_a_lease_held_by_its_kubelet():
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add --count 2 --prefix node-")
    runner.run_line("sim advance 25s")
    assert runner.run_line("kubectl get leases -n kube-node-lease").splitlines() == [
        "NAME     HOLDER   AGE",
        "node-1   node-1   25s",
        "node-2   node-2   25s",
    ]
    held = lease(runner, "node-1")
    node = runner.cluster.api.get("Node", "", "node-1")
    assert held["spec"] == {
        "holderIdentity": "node-1",
        "leaseDurationSeconds": 40,
        "renewTime": "2026-01-05T09:00:20.000000Z",
    }
    assert held["metadata"]["ownerReferences"] == [
        {"apiVersion": "v1", "kind": "Node", "name": "node-1", "uid": node["metadata"]["uid"]}
    ]
    assert "generation" not in held["metadata"]


def test_renewals_stop_when_the_node_is_off_and_the_lease_goes_with_the_node():
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add --count 2 --prefix node-")
    runner.run_line("sim advance 15s")
    runner.run_line("sim node kill node-2")
    runner.run_line("sim advance 2m")
    assert lease(runner, "node-1")["spec"]["renewTime"] == "2026-01-05T09:02:10.000000Z"
    assert lease(runner, "node-2")["spec"]["renewTime"] == "2026-01-05T09:00:10.000000Z"
    runner.run_line("sim node remove node-2")
    runner.run_line("sim advance 5s")
    assert lease(runner, "node-2") is None  # garbage-collected with its owner
    assert lease(runner, "node-1") is not None


def test_an_owner_of_a_kind_the_collector_does_not_watch_still_keeps_its_dependents():
    """kubernetes.io/docs/concepts/architecture/garbage-collection/#owners-dependents:
    a dependent is collected when its owner is gone, not when the owner is of another kind."""
    runner = ScriptRunner(Cluster(seed=1))
    runner.run_line("sim node add node-1")
    runner.run_line(
        "kubectl apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n"
    )
    uid = runner.cluster.api.get("ConfigMap", "default", "cfg")["metadata"]["uid"]
    pod = (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: owned\n  ownerReferences:\n"
        f"  - {{apiVersion: v1, kind: ConfigMap, name: cfg, uid: {uid}}}\n"
        "spec:\n  containers:\n  - {name: app, image: nginx}\n"
    )
    runner.run_line("kubectl apply -f -", pod)
    runner.run_line("sim advance 5s")
    assert runner.cluster.api.find("Pod", "default", "owned") is not None
    runner.run_line("kubectl delete configmap cfg")
    runner.cluster.settle()  # no pod event needed: the owner's deletion is enough
    assert runner.cluster.api.get("Pod", "default", "owned")["metadata"]["deletionTimestamp"]
