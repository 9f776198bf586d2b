"""Random sequences of learner actions: the cluster's invariants hold whatever they do.

Commands go through the script runner, so the command log is exactly the text a
learner would type. The invariants:

1. no node runs pods whose requests exceed its allocatable, pods bound with `spec.nodeName`
   (which never meet the scheduler; only the kubelet's admission check stops them) included;
2. once every node is back and the clock has run on with no fault pending, each Deployment
   has converged to its replicas whenever the nodes have room for them (teardown);
3. replaying the command log on a fresh cluster rebuilds identical state (teardown);
4. nothing raises: every command comes back as text, and no simulated container's runtime
   recorded an internal simulator error (ContainerProcess.internal_error);
5. an autoscaled Deployment stays within its HPA's minReplicas and maxReplicas once the
   autoscaler has synced, and a Job never runs more pods than its parallelism nor counts
   more successes than its completions.

Traffic (`sim traffic`), HPAs and Jobs are part of what a learner does: traffic changes
CPU use, which the HPA reads, which changes the Deployments the other invariants check.
"""

import json
from unittest import mock

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.podutil import TERMINAL_PHASES
from cluster_sim.engine.runtime import ContainerProcess
from cluster_sim.engine.scheduler.resources import node_allocatable, pod_requests
from cluster_sim.engine.script import ScriptRunner

NODE_NAMES = ["node-1", "node-2", "node-3", "node-4"]
DEPLOYMENTS = ["web", "api", "worker"]
PINNED_PODS = ["pinned-1", "pinned-2"]
GOOD_IMAGES = ["nginx:1.25", "busybox:1.36", "clusterlab/serve:1.0"]
IMAGES = [*GOOD_IMAGES, "ngnix:1.25"]  # a typo: ErrImagePull, never available
CPUS = {"100m": 100, "250m": 250, "500m": 500, "1": 1000}
# Long enough for every recovery the profile schedules: a restored kubelet, the 300 s
# unreachable toleration, image pull back-off (capped at 5 min), rollouts.
SETTLE = "20m"


def deployment_manifest(name: str, replicas: int, cpu: str, image: str) -> str:
    # `sleep infinity`: a container that exits (sleep 3600) restarts, and is briefly unavailable
    command = (
        '\n        command: ["sh", "-c", "sleep infinity"]' if image.startswith("busybox") else ""
    )
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
      - name: main
        image: {image}{command}
        resources:
          requests:
            cpu: {cpu}
            memory: 64Mi
"""


def pinned_pod_manifest(name: str, node: str, cpu: str) -> str:
    """A pod created straight onto a node (`spec.nodeName`), as the scheduler never sees it."""
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  nodeName: {node}
  containers:
  - name: main
    image: nginx:1.25
    resources:
      requests:
        cpu: {cpu}
        memory: 64Mi
"""


def service_manifest(name: str) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
  - port: 80
"""


def hpa_manifest(name: str, low: int, high: int) -> str:
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: {low}
  maxReplicas: {high}
  metrics:
  - type: Resource
    resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 50}}}}
"""


def job_manifest(name: str, completions: int, parallelism: int, seconds: int, fail: bool) -> str:
    script = f"sleep {seconds}; exit {1 if fail else 0}"
    return f"""apiVersion: batch/v1
kind: Job
metadata:
  name: {name}
spec:
  completions: {completions}
  parallelism: {parallelism}
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: work
        image: busybox:1.36
        command: ["sh", "-c", "{script}"]
        resources:
          requests:
            cpu: 100m
"""


def snapshot(cluster: Cluster) -> str:
    objects = {kind: cluster.store.list(kind) for kind in cluster.store.kinds()}
    return json.dumps(
        {"objects": objects, "now": cluster.now_ms, "rv": cluster.resource_version}, sort_keys=True
    )


def admitted(pod: dict) -> bool:
    """Placed by the scheduler (which counts every bound pod), or accepted by the kubelet
    (it sets status.startTime when it admits a pod). A pod bound with spec.nodeName to a
    node whose kubelet is down waits, Pending, for the kubelet's verdict: not yet running."""
    status = pod.get("status") or {}
    if status.get("phase") in TERMINAL_PHASES:
        return False
    scheduled = any(
        c.get("type") == "PodScheduled" and c.get("status") == "True"
        for c in status.get("conditions") or ()
    )
    return scheduled or bool(status.get("startTime"))


class LearnerSession(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.runner = ScriptRunner(Cluster(seed=7))
        self.log: list[tuple[str, str | None]] = []
        self.nodes: set[str] = set()
        self.node_cpu: dict[str, int] = {}
        self.killed: set[str] = set()
        self.deployments: dict[str, tuple[int, str, str]] = {}  # name: (replicas, cpu, image)
        self.widest: dict[str, int] = {}  # the largest cpu request each Deployment has had
        self.pinned: set[str] = set()
        self.autoscaled: dict[str, tuple[int, int]] = {}  # Deployment: (min, max)
        self.jobs: dict[str, tuple[int, int]] = {}  # Job: (completions, parallelism)
        # Every container process the kubelets start, to find internal simulator errors
        # (kept on the process rather than raised, so that one bug cannot stop a cluster).
        self.processes: list[ContainerProcess] = []
        original_init = ContainerProcess.__init__
        processes = self.processes

        def recording_init(process, *args, **kwargs):
            original_init(process, *args, **kwargs)
            processes.append(process)

        self._recording = mock.patch.object(ContainerProcess, "__init__", recording_init)
        self._recording.start()

    def run(self, line: str, stdin: str | None = None) -> str:
        self.log.append((line, stdin))
        out = self.runner.run_line(line, stdin)
        assert isinstance(out, str), line
        return out

    @rule(name=st.sampled_from(NODE_NAMES), cpu=st.sampled_from(["1", "2", "4"]))
    def add_node(self, name, cpu):
        self.run(f"sim node add {name} --cpu {cpu} --memory 4Gi")
        self.nodes.add(name)
        self.node_cpu.setdefault(name, int(cpu) * 1000)

    @rule(
        name=st.sampled_from(DEPLOYMENTS),
        replicas=st.integers(0, 6),
        cpu=st.sampled_from(sorted(CPUS)),
        image=st.sampled_from(IMAGES),
    )
    def apply_deployment(self, name, replicas, cpu, image):
        self.run("kubectl apply -f -", deployment_manifest(name, replicas, cpu, image))
        self.deployments[name] = (replicas, cpu, image)
        self.widest[name] = max(self.widest.get(name, 0), CPUS[cpu])

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), replicas=st.integers(0, 8))
    def scale(self, data, replicas):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run(f"kubectl scale deployment {name} --replicas={replicas}")
        _, cpu, image = self.deployments[name]
        self.deployments[name] = (replicas, cpu, image)

    @precondition(lambda self: self.deployments)
    @rule(data=st.data())
    def delete_deployment(self, data):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run(f"kubectl delete deployment {name} --wait=false")
        del self.deployments[name]

    @precondition(lambda self: self.nodes)
    @rule(
        data=st.data(),
        name=st.sampled_from(PINNED_PODS),
        cpu=st.sampled_from(["500m", "1", "2"]),
    )
    def create_pinned_pod(self, data, name, cpu):
        """Invariant 1 for pods the scheduler never placed: only the kubelet's admission
        check (pkg/kubelet/lifecycle/predicate.go) keeps them from over-committing a node;
        a pod that does not fit is rejected (phase Failed, reason OutOfcpu)."""
        node = data.draw(st.sampled_from(sorted(self.nodes)))
        self.run("kubectl apply -f -", pinned_pod_manifest(name, node, cpu))
        self.pinned.add(name)

    @precondition(lambda self: self.pinned)
    @rule(data=st.data())
    def delete_pinned_pod(self, data):
        name = data.draw(st.sampled_from(sorted(self.pinned)))
        self.run(f"kubectl delete pod {name} --wait=false")
        self.pinned.discard(name)

    @precondition(lambda self: self.nodes - self.killed)
    @rule(data=st.data())
    def kill_node(self, data):
        name = data.draw(st.sampled_from(sorted(self.nodes - self.killed)))
        self.run(f"sim node kill {name}")
        self.killed.add(name)

    @precondition(lambda self: self.killed)
    @rule(data=st.data())
    def restore_node(self, data):
        name = data.draw(st.sampled_from(sorted(self.killed)))
        self.run(f"sim node restore {name}")
        self.killed.discard(name)

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), rps=st.sampled_from([0, 5, 50, 500]), ramp=st.sampled_from(["", "30s"]))
    def send_traffic(self, data, rps, ramp):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run("kubectl apply -f -", service_manifest(name))
        self.run(f"sim traffic {name} --rps {rps}" + (f" --ramp {ramp}" if ramp else ""))

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), low=st.integers(1, 2), high=st.integers(2, 5))
    def autoscale(self, data, low, high):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run("kubectl apply -f -", hpa_manifest(name, low, high))
        self.autoscaled[name] = (low, high)

    @rule(
        name=st.sampled_from(["batch-a", "batch-b"]),
        completions=st.integers(1, 4),
        parallelism=st.integers(1, 3),
        seconds=st.sampled_from([1, 20, 90]),
        fail=st.booleans(),
    )
    def run_job(self, name, completions, parallelism, seconds, fail):
        self.run(f"kubectl delete job {name} --ignore-not-found --wait=false")
        self.run("kubectl apply -f -", job_manifest(name, completions, parallelism, seconds, fail))
        self.jobs[name] = (completions, parallelism)

    @rule(seconds=st.sampled_from([1, 5, 30, 60, 400]))
    def advance(self, seconds):
        self.run(f"sim advance {seconds}s")

    @rule(command=st.sampled_from(["kubectl get pods -A", "kubectl get all", "kubectl get nodes"]))
    def look(self, command):
        self.run(command)

    @invariant()
    def no_node_is_overcommitted(self):
        cluster = self.runner.cluster
        for node in cluster.store.list("Node"):
            name = node["metadata"]["name"]
            allocatable = node_allocatable(node)
            used = {"cpu": 0, "memory": 0, "pods": 0}
            for pod in cluster.store.list("Pod"):
                if pod["spec"].get("nodeName") != name or not admitted(pod):
                    continue
                requests = pod_requests(pod["spec"])
                used["cpu"] += requests.get("cpu", 0)
                used["memory"] += requests.get("memory", 0)
                used["pods"] += 1
            for resource, amount in used.items():
                assert amount <= allocatable[resource], (name, resource, amount, allocatable)

    @invariant()
    def jobs_stay_within_their_spec(self):
        cluster = self.runner.cluster
        for name, (completions, parallelism) in self.jobs.items():
            job = cluster.store.get("Job", "default", name)
            if job is None:
                continue
            status = job.get("status") or {}
            assert status.get("active", 0) <= parallelism, (name, status)
            assert status.get("succeeded", 0) <= completions, (name, status)

    @invariant()
    def no_internal_simulator_error(self):
        errors = [p.internal_error for p in self.processes if p.internal_error is not None]
        assert not errors, errors

    def teardown(self):
        try:
            self._check_convergence()
            replay = ScriptRunner(Cluster(seed=7))
            for line, stdin in self.log:
                replay.run_line(line, stdin)
            assert snapshot(replay.cluster) == snapshot(self.runner.cluster)
        finally:
            self._recording.stop()

    def _check_convergence(self):
        """Invariant 2: with no fault pending (every node powered on) and time enough, each
        Deployment running a pullable image has its replicas, all available; or else the
        nodes have no room: one of its pods is Pending and fits on no node.

        Kubernetes never moves a running pod to make room, so a cluster with enough cpu in
        total can still strand a pod (the room is split between nodes, or a rollout's surge
        pod finds none); only a Pending pod that would fit somewhere means a bug.
        """
        for name in sorted(self.killed):
            self.run(f"sim node restore {name}")
        self.killed.clear()
        self.run(f"sim advance {SETTLE}")
        self.no_node_is_overcommitted()
        self.no_internal_simulator_error()
        cluster = self.runner.cluster
        pods = cluster.store.list("Pod", "default")
        for name, (replicas, _, image) in sorted(self.deployments.items()):
            deployment = cluster.api.get("Deployment", "default", name)
            status = deployment.get("status") or {}
            assert status.get("observedGeneration") == deployment["metadata"]["generation"]
            if name in self.autoscaled:
                low, high = self.autoscaled[name]
                wanted = deployment["spec"]["replicas"]
                # the HPA leaves a Deployment scaled to 0 alone (ScalingDisabled)
                assert wanted == 0 or low <= wanted <= high, (name, wanted, low, high)
                replicas = wanted
            if image not in GOOD_IMAGES:
                continue  # its pods never become available; a rollout onto it stalls
            mine = [
                p
                for p in pods
                if (p["metadata"].get("labels") or {}).get("app") == name
                and not p["metadata"].get("deletionTimestamp")
                and p["status"].get("phase") not in TERMINAL_PHASES
            ]
            counts = [
                status.get(f, 0) for f in ("replicas", "updatedReplicas", "availableReplicas")
            ]
            if counts == [replicas] * 3 and len(mine) == replicas:
                event("a Deployment converged")
                continue
            pending = [p for p in mine if not p["spec"].get("nodeName")]
            assert pending, (name, "not converged, yet no pod waits for room", status)
            for pod in pending:
                assert not self._fits_somewhere(pod), (name, pod["metadata"]["name"], status)
            event("a Deployment waits for room")

    def _fits_somewhere(self, pod: dict) -> bool:
        """Would the scheduler's NodeResourcesFit accept the pod on some node? It counts
        every pod bound to a node (terminating or not yet admitted ones too)."""
        cluster = self.runner.cluster
        wanted = pod_requests(pod["spec"])
        bound = [
            p
            for p in cluster.store.list("Pod")
            if p["spec"].get("nodeName") and p["status"].get("phase") not in TERMINAL_PHASES
        ]
        for node in cluster.store.list("Node"):
            free = node_allocatable(node)
            free["pods"] -= 1
            for other in bound:
                if other["spec"]["nodeName"] == node["metadata"]["name"]:
                    free["pods"] -= 1
                    for resource, amount in pod_requests(other["spec"]).items():
                        free[resource] = free.get(resource, 0) - amount
            if free["pods"] >= 0 and all(free.get(r, 0) >= a for r, a in wanted.items()):
                return True
        return False


TestLearnerSession = LearnerSession.TestCase
TestLearnerSession.settings = settings(
    max_examples=80,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_deployments_converge_when_capacity_allows():
    runner = ScriptRunner(Cluster(seed=3))
    for name in NODE_NAMES[:3]:
        runner.run_line(f"sim node add {name} --cpu 2 --memory 4Gi")
    for name, replicas in (("web", 3), ("api", 2)):
        runner.run_line(
            "kubectl apply -f -", deployment_manifest(name, replicas, "250m", "nginx:1.25")
        )
    runner.run_line("sim node kill node-2")
    runner.run_line("kubectl scale deployment web --replicas=5")
    runner.run_line("sim advance 10m")
    cluster = runner.cluster
    for name, replicas in (("web", 5), ("api", 2)):
        status = cluster.api.get("Deployment", "default", name)["status"]
        assert status.get("availableReplicas") == replicas, (name, status)
    # the dead node's pods were replaced on live nodes
    running = [
        p
        for p in cluster.store.list("Pod", "default")
        if p["status"].get("phase") == "Running" and not p["metadata"].get("deletionTimestamp")
    ]
    assert all(p["spec"]["nodeName"] != "node-2" for p in running)


def test_a_pending_pod_runs_once_the_pod_holding_its_room_is_gone():
    """Found by LearnerSession: a pod pinned to a node whose kubelet is still starting is
    deleted; the kubelet removes it at once (it never ran) while the API server is still
    handing out its MODIFIED (deletionTimestamp) event. The scheduler then saw DELETED before
    MODIFIED and kept a ghost of the pod holding 500m, so the Deployment's pod waited for
    ever. Watch events now reach every watcher in order (store.Store._record)."""
    runner = ScriptRunner(Cluster(seed=7))
    runner.run_line("sim node add node-1 --cpu 1 --memory 4Gi")
    runner.run_line("sim node kill node-1")
    runner.run_line("kubectl apply -f -", pinned_pod_manifest("pinned-1", "node-1", "500m"))
    runner.run_line("sim node restore node-1")
    runner.run_line("kubectl delete pod pinned-1 --wait=false")
    runner.run_line("kubectl apply -f -", deployment_manifest("web", 1, "1", "nginx:1.25"))
    runner.run_line("sim advance 1m")
    pods = runner.cluster.store.list("Pod", "default")
    assert [(p["metadata"]["labels"]["app"], p["status"]["phase"]) for p in pods] == [
        ("web", "Running")
    ]
