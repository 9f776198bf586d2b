"""The ReplicaSet controller keeps its counts from pod events: they must match a recount.

kubernetes.io/docs/concepts/workloads/controllers/replicaset/ ("Isolating Pods from a
ReplicaSet": relabelled pods are released and replaced; "Non-Template Pod acquisitions":
matching bare pods are adopted) and Deployment's minReadySeconds
(kubernetes.io/docs/concepts/workloads/controllers/deployment/#min-ready-seconds).
"""

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.controllers.base import controller_ref
from cluster_sim.engine.script import ScriptRunner

BARE_POD = """apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
"""

REPLICA_SET = """apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web
spec:
  replicas: 3
  minReadySeconds: 20
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
        tier: front
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"""


def session():
    runner = ScriptRunner(Cluster(seed=3))
    runner.run_line("sim node add node-1")
    runner.run_line("sim node add node-2")
    return runner


def recount(cluster, rs):
    """What the status must say, counted the slow way over the store."""
    uid = rs["metadata"]["uid"]
    owned = [
        p
        for p in cluster.store.list("Pod", "default")
        if (controller_ref(p) or {}).get("uid") == uid and podutil.is_active(p)
    ]
    min_ready = rs["spec"].get("minReadySeconds", 0)
    status = {
        "replicas": len(owned),
        "readyReplicas": sum(podutil.is_ready(p) for p in owned),
        "availableReplicas": sum(podutil.is_available(p, min_ready, cluster.now_ms) for p in owned),
        "fullyLabeledReplicas": sum(p["metadata"]["labels"].get("tier") == "front" for p in owned),
    }
    return {k: v for k, v in status.items() if v or k == "replicas"}


def status_counts(rs):
    return {k: v for k, v in rs["status"].items() if k not in ("conditions", "observedGeneration")}


def test_available_waits_for_min_ready_seconds_and_matches_a_recount():
    runner = session()
    runner.run_line("kubectl apply -f -", REPLICA_SET)
    cluster = runner.cluster
    seen_ready_not_available = False
    for _ in range(40):
        runner.run_line("sim advance 1s")
        rs = cluster.store.get("ReplicaSet", "default", "web")
        assert status_counts(rs) == recount(cluster, rs)
        counts = status_counts(rs)
        if counts.get("readyReplicas", 0) > counts.get("availableReplicas", 0):
            seen_ready_not_available = True
    assert seen_ready_not_available
    assert status_counts(rs) == {
        "replicas": 3,
        "readyReplicas": 3,
        "availableReplicas": 3,
        "fullyLabeledReplicas": 3,
    }


def test_relabelled_pod_is_released_and_replaced():
    runner = session()
    runner.run_line("kubectl apply -f -", REPLICA_SET)
    runner.run_line("sim advance 30s")
    cluster = runner.cluster
    victim = cluster.store.list("Pod", "default")[0]["metadata"]["name"]
    runner.run_line(f"kubectl label pod {victim} app=debug --overwrite")
    runner.run_line("sim advance 30s")
    released = cluster.store.get("Pod", "default", victim)
    assert controller_ref(released) is None  # kept running, no longer owned
    rs = cluster.store.get("ReplicaSet", "default", "web")
    assert status_counts(rs) == recount(cluster, rs)
    assert rs["status"]["replicas"] == 3
    assert len(cluster.store.list("Pod", "default")) == 4


def test_matching_bare_pod_is_adopted_and_an_extra_replica_removed():
    runner = session()
    runner.run_line("kubectl apply -f -", REPLICA_SET)
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl apply -f -", BARE_POD)
    runner.run_line("sim advance 40s")
    cluster = runner.cluster
    rs = cluster.store.get("ReplicaSet", "default", "web")
    stray = cluster.store.get("Pod", "default", "stray")
    # the stray pod is adopted; four pods for three replicas, so one is deleted
    active = [p for p in cluster.store.list("Pod", "default") if podutil.is_active(p)]
    assert len(active) == 3
    if stray is not None and podutil.is_active(stray):
        assert controller_ref(stray)["uid"] == rs["metadata"]["uid"]
    assert status_counts(rs) == recount(cluster, rs)
    events = runner.run_line("kubectl get events --field-selector reason=SuccessfulDelete")
    assert "Deleted pod:" in events
