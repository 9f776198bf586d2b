"""Fidelity: each behaviour checked against the Kubernetes documentation page named in its test.

Timings are the upstream defaults of the `realistic` profile.
"""

from cluster_sim.engine import podutil
from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import SECOND, parse_rfc3339


def session(nodes=3, seed=0, profile="realistic", **node_options):
    runner = ScriptRunner(Cluster(seed=seed, profile=profile))
    options = " ".join(f"--{k} {v}" for k, v in node_options.items())
    for index in range(1, nodes + 1):
        runner.run_line(f"sim node add node-{index} {options}".strip())
    return runner


def pods(cluster, namespace="default"):
    return cluster.store.list("Pod", namespace)


def ready_condition(node):
    return next(c for c in node["status"]["conditions"] if c["type"] == "Ready")


def test_unreachable_node_timeline():
    """kubernetes.io/docs/concepts/architecture/nodes/ (node controller, 50s grace period)
    and kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions
    (tolerationSeconds=300 for node.kubernetes.io/unreachable, added by DefaultTolerationSeconds)."""
    runner = session()
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=3")
    runner.run_line("sim advance 30s")
    cluster = runner.cluster
    victim = next(p for p in pods(cluster) if p["spec"]["nodeName"] == "node-2")
    tolerations = {t["key"]: t for t in victim["spec"]["tolerations"]}
    assert tolerations["node.kubernetes.io/unreachable"]["tolerationSeconds"] == 300
    killed_at = cluster.now_ms
    runner.run_line("sim node kill node-2")

    runner.run_line("sim advance 40s")
    node = cluster.api.get("Node", "", "node-2")
    assert ready_condition(node)["status"] == "True"  # not noticed yet: within the grace period

    runner.run_line("sim advance 25s")
    node = cluster.api.get("Node", "", "node-2")
    ready = ready_condition(node)
    assert ready["status"] == "Unknown"
    assert ready["reason"] == "NodeStatusUnknown"
    assert ready["message"] == "Kubelet stopped posting node status."
    noticed_at = parse_rfc3339(ready["lastTransitionTime"])
    assert 50 * SECOND <= noticed_at - killed_at <= 60 * SECOND
    taints = {(t["key"], t["effect"]) for t in node["spec"]["taints"]}
    assert taints == {
        ("node.kubernetes.io/unreachable", "NoSchedule"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
    }
    victim = cluster.api.get("Pod", "default", victim["metadata"]["name"])
    assert not podutil.is_ready(victim)
    assert "NodeNotReady" in runner.run_line("kubectl get events")

    # 300 s after the taint: evicted, and the ReplicaSet has replaced it elsewhere.
    cluster.advance(noticed_at + 299 * SECOND - cluster.now_ms)
    assert not cluster.api.get("Pod", "default", victim["metadata"]["name"])["metadata"].get(
        "deletionTimestamp"
    )
    cluster.advance(2 * SECOND)
    victim = cluster.api.get("Pod", "default", victim["metadata"]["name"])
    assert victim["metadata"].get("deletionTimestamp")  # stuck Terminating: its kubelet is gone
    runner.run_line("sim advance 30s")
    live = [p for p in pods(cluster) if not p["metadata"].get("deletionTimestamp")]
    assert len(live) == 3
    assert all(p["spec"]["nodeName"] != "node-2" and podutil.is_ready(p) for p in live)
    assert "TaintManagerEviction" in runner.run_line("kubectl get events")


def test_failed_scheduling_message():
    """kubernetes.io/docs/concepts/scheduling-eviction/kube-scheduler/ and the
    'Debug Pods' task: FailedScheduling lists why each node was rejected."""
    runner = session(nodes=2, cpu=1)
    runner.run_line("kubectl cordon node-2")
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: big\nspec:\n  containers:\n"
        "  - name: app\n    image: nginx\n    resources:\n      requests:\n        cpu: '2'\n",
    )
    described = runner.run_line("kubectl describe pod big")
    assert (
        "0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable. "
        "preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, "
        "1 Preemption is not helpful for scheduling."
    ) in described
    assert "FailedScheduling" in described


def test_crash_loop_back_off_doubles_to_five_minutes():
    """kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts:
    restarts back off exponentially (10s, 20s, 40s, ...) capped at 300s."""
    runner = session(nodes=1)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: crash\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.36\n    command: ['sh', '-c', 'exit 1']\n",
    )
    cluster = runner.cluster
    first_seen: dict[int, int] = {}  # restartCount -> second it was first seen
    for _ in range(1500):
        runner.run_line("sim advance 1s")
        statuses = cluster.api.get("Pod", "default", "crash")["status"].get("containerStatuses")
        if statuses:
            first_seen.setdefault(statuses[0]["restartCount"], cluster.now_ms // SECOND)
    assert first_seen.get(1, 99) <= 2  # the first crash is restarted at once
    counts = sorted(count for count in first_seen if count >= 1)
    gaps = [first_seen[b] - first_seen[a] for a, b in zip(counts, counts[1:], strict=False)]
    # first restart at once, then 10 s, 20 s, 40 s, 80 s, 160 s, then the 300 s ceiling
    expected = [10, 20, 40, 80, 160, 300, 300]
    assert len(gaps) >= len(expected)
    for gap, want in zip(gaps, expected, strict=False):
        assert want <= gap <= want + 2, (gaps, expected)
    assert "CrashLoopBackOff" in runner.run_line("kubectl get pods")


def test_rolling_update_keeps_within_max_surge_and_max_unavailable():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#updating-a-deployment:
    at least 75% of the desired pods available and at most 125% created (25%/25% defaults)."""
    runner = session(nodes=3)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=4")
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl set image deployment/web nginx=nginx:1.26")
    cluster = runner.cluster
    for _ in range(120):
        active = [p for p in pods(cluster) if podutil.is_active(p)]
        ready = [p for p in active if podutil.is_ready(p)]
        assert len(active) <= 5  # 4 + 25 % surge
        assert len(ready) >= 3  # 4 - 25 % unavailable
        runner.run_line("sim advance 1s")
    images = {p["spec"]["containers"][0]["image"] for p in pods(cluster) if podutil.is_active(p)}
    assert images == {"nginx:1.26"}
    events = runner.run_line("kubectl describe deployment web")
    assert "Scaled up replica set web-" in events and "Scaled down replica set web-" in events


def test_service_endpoints_list_only_ready_pods():
    """kubernetes.io/docs/concepts/services-networking/service/ and the
    'Configure Liveness, Readiness and Startup Probes' task: a pod that is not
    ready is removed from Service endpoints."""
    runner = session(nodes=1)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
        "  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n"
        "        app: web\n    spec:\n      containers:\n      - name: web\n"
        "        image: registry.k8s.io/liveness\n        args: [/server]\n"
        "        readinessProbe:\n          httpGet:\n            path: /healthz\n            port: 8080\n"
        "          periodSeconds: 3\n",
    )
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n"
        "  ports:\n  - port: 80\n    targetPort: 8080\n",
    )
    cluster = runner.cluster
    runner.run_line("sim advance 8s")
    endpoints = cluster.api.get("Endpoints", "default", "web")
    assert "addresses" in endpoints["subsets"][0]
    runner.run_line("sim advance 30s")  # the liveness server fails /healthz after 10 s
    endpoints = cluster.api.get("Endpoints", "default", "web")
    assert "addresses" not in endpoints["subsets"][0]
    assert endpoints["subsets"][0]["notReadyAddresses"]


def test_graceful_termination_waits_for_the_grace_period():
    """kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination:
    deleted pods are Terminating until their containers stop, at most
    terminationGracePeriodSeconds (30 s) after SIGTERM."""
    runner = session(nodes=1)
    runner.run_line(
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: sleeper\nspec:\n  containers:\n"
        "  - name: app\n    image: busybox:1.36\n    command: ['sleep', '3600']\n",
    )
    runner.run_line("sim advance 10s")
    cluster = runner.cluster
    before = cluster.now_ms
    assert (
        runner.run_line("kubectl delete pod sleeper")
        == 'pod "sleeper" deleted from default namespace'
    )
    assert cluster.api.find("Pod", "default", "sleeper") is None
    # sleep as PID 1 ignores SIGTERM, so the kubelet waits the full grace period
    assert 30 * SECOND <= cluster.now_ms - before <= 31 * SECOND


def test_deleting_a_deployment_collects_its_replicasets_and_pods():
    """kubernetes.io/docs/concepts/architecture/garbage-collection/ (background cascading deletion)."""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("sim advance 20s")
    runner.run_line("kubectl delete deployment web")
    runner.run_line("sim advance 40s")
    cluster = runner.cluster
    assert cluster.store.list("ReplicaSet", "default") == []
    assert pods(cluster) == []


def test_orphan_cascade_leaves_the_pods():
    """kubernetes.io/docs/tasks/administer-cluster/use-cascading-deletion/#set-orphan-deletion-policy"""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=2")
    runner.run_line("sim advance 20s")
    runner.run_line("kubectl delete replicaset -l app=web --cascade=orphan")
    runner.run_line("sim advance 5s")
    cluster = runner.cluster
    # the Deployment makes a new ReplicaSet, which adopts the orphaned pods
    assert len([p for p in pods(cluster) if podutil.is_active(p)]) == 2


def test_pod_template_hash_names():
    """kubernetes.io/docs/concepts/workloads/controllers/deployment/#pod-template-hash-label"""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment web --image=nginx:1.25 --replicas=1")
    cluster = runner.cluster
    rs = cluster.store.list("ReplicaSet", "default")[0]
    hash_value = rs["metadata"]["labels"]["pod-template-hash"]
    assert rs["metadata"]["name"] == f"web-{hash_value}"
    pod = pods(cluster)[0]
    assert pod["metadata"]["name"].startswith(f"web-{hash_value}-")
    assert len(pod["metadata"]["name"]) == len(f"web-{hash_value}-") + 5
    assert pod["metadata"]["labels"]["pod-template-hash"] == hash_value


def test_image_pull_back_off():
    """kubernetes.io/docs/concepts/containers/images/#imagepullbackoff"""
    runner = session(nodes=1)
    runner.run_line("kubectl create deployment typo --image=ngnix:1.25")
    runner.run_line("sim advance 3s")
    assert "ErrImagePull" in runner.run_line("kubectl get pods")
    runner.run_line("sim advance 7s")
    assert "ImagePullBackOff" in runner.run_line("kubectl get pods")
    described = runner.run_line("kubectl describe pods -l app=typo")
    assert 'Failed to pull image "ngnix:1.25"' in described
    assert 'Back-off pulling image "ngnix:1.25"' in described


def test_namespace_deletion_removes_its_contents():
    """kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/"""
    runner = session(nodes=1)
    runner.run_line("kubectl create namespace team-a")
    runner.run_line("kubectl create deployment api --image=nginx:1.25 -n team-a")
    runner.run_line("sim advance 20s")
    runner.run_line("kubectl delete namespace team-a")
    cluster = runner.cluster
    assert cluster.api.find("Namespace", "", "team-a") is None
    assert pods(cluster, "team-a") == []


def test_same_script_and_seed_give_identical_output():
    script = (
        "sim node add --count 3 --prefix n-\n"
        "kubectl create deployment web --image=nginx:1.25 --replicas=5\n"
        "sim advance 30s\nsim node kill n-1\nsim advance 7m\n"
        "kubectl get pods -o wide\nkubectl get events -A\n"
    )
    from cluster_sim.engine.script import run_script

    first = run_script(script, seed=42)
    assert first == run_script(script, seed=42)
    assert first != run_script(script, seed=43)
