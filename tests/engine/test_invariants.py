"""Random sequences of learner actions: the cluster's invariants hold whatever they do.

Commands go through the script runner, so the command log is exactly the text a
learner would type; replaying it on a fresh cluster must rebuild identical state.
"""

import json

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.podutil import TERMINAL_PHASES
from cluster_sim.engine.scheduler.resources import node_allocatable, pod_requests
from cluster_sim.engine.script import ScriptRunner

NODE_NAMES = ["node-1", "node-2", "node-3", "node-4"]
DEPLOYMENTS = ["web", "api", "worker"]
IMAGES = ["nginx:1.25", "busybox:1.36", "clusterlab/serve:1.0", "ngnix:1.25"]


def deployment_manifest(name: str, replicas: int, cpu: str, image: str) -> str:
    command = '\n        command: ["sh", "-c", "sleep 3600"]' if image.startswith("busybox") else ""
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


def snapshot(cluster: Cluster) -> str:
    objects = {kind: cluster.store.list(kind) for kind in cluster.store.kinds()}
    return json.dumps(
        {"objects": objects, "now": cluster.now_ms, "rv": cluster.resource_version}, sort_keys=True
    )


class LearnerSession(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.runner = ScriptRunner(Cluster(seed=7))
        self.log: list[tuple[str, str | None]] = []
        self.nodes: set[str] = set()
        self.killed: set[str] = set()
        self.deployments: set[str] = set()

    def run(self, line: str, stdin: str | None = None) -> str:
        self.log.append((line, stdin))
        return self.runner.run_line(line, stdin)

    @rule(name=st.sampled_from(NODE_NAMES), cpu=st.sampled_from(["1", "2", "4"]))
    def add_node(self, name, cpu):
        self.run(f"sim node add {name} --cpu {cpu} --memory 4Gi")
        self.nodes.add(name)

    @rule(
        name=st.sampled_from(DEPLOYMENTS),
        replicas=st.integers(0, 6),
        cpu=st.sampled_from(["100m", "250m", "500m", "1"]),
        image=st.sampled_from(IMAGES),
    )
    def apply_deployment(self, name, replicas, cpu, image):
        self.run("kubectl apply -f -", deployment_manifest(name, replicas, cpu, image))
        self.deployments.add(name)

    @precondition(lambda self: self.deployments)
    @rule(data=st.data(), replicas=st.integers(0, 8))
    def scale(self, data, replicas):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run(f"kubectl scale deployment {name} --replicas={replicas}")

    @precondition(lambda self: self.deployments)
    @rule(data=st.data())
    def delete_deployment(self, data):
        name = data.draw(st.sampled_from(sorted(self.deployments)))
        self.run(f"kubectl delete deployment {name} --wait=false")
        self.deployments.discard(name)

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

    @rule(seconds=st.sampled_from([1, 5, 30, 60, 400]))
    def advance(self, seconds):
        self.run(f"sim advance {seconds}s")

    @rule(command=st.sampled_from(["kubectl get pods -A", "kubectl get all", "kubectl get nodes"]))
    def look(self, command):
        assert isinstance(self.run(command), str)

    @invariant()
    def no_node_is_overcommitted(self):
        cluster = self.runner.cluster
        for node in cluster.store.list("Node"):
            allocatable = node_allocatable(node)
            used = {"cpu": 0, "memory": 0, "pods": 0}
            for pod in cluster.store.list("Pod"):
                if pod["spec"].get("nodeName") != node["metadata"]["name"]:
                    continue
                if pod["status"].get("phase") in TERMINAL_PHASES:
                    continue
                requests = pod_requests(pod["spec"])
                used["cpu"] += requests.get("cpu", 0)
                used["memory"] += requests.get("memory", 0)
                used["pods"] += 1
            assert used["cpu"] <= allocatable["cpu"], node["metadata"]["name"]
            assert used["memory"] <= allocatable["memory"], node["metadata"]["name"]
            assert used["pods"] <= allocatable["pods"], node["metadata"]["name"]

    def teardown(self):
        replay = ScriptRunner(Cluster(seed=7))
        for line, stdin in self.log:
            replay.run_line(line, stdin)
        assert snapshot(replay.cluster) == snapshot(self.runner.cluster)


TestLearnerSession = LearnerSession.TestCase
TestLearnerSession.settings = settings(
    max_examples=25,
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
