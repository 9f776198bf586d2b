"""The array-based cycle (batch.py) must decide exactly as the plugin-by-plugin cycle does.

Two identical clusters, one forced onto each path, receive the same random nodes
and pods; every pod's record (chosen node, rejection reasons, evaluated nodes,
scores) must match. 150+ nodes so both keep the same (trimmed) level of detail.
"""

import random

import numpy as np
import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.scheduler import batch

SIZES = [("2", "4Gi"), ("4", "8Gi"), ("8", "32Gi"), ("1", "2Gi")]
TAINTS = [None, [{"key": "dedicated", "value": "gpu", "effect": "NoSchedule"}]]


def build(seed: int, threshold: int, nodes: int, pods: int) -> Cluster:
    cluster = Cluster(seed=seed)
    cluster.scheduler.batch_threshold = threshold
    plan = random.Random(seed)
    for index in range(nodes):
        cpu, memory = plan.choice(SIZES)
        labels = {"disk": plan.choice(["ssd", "hdd"])}
        cluster.add_node(
            f"node-{index:03d}",
            cpu=cpu,
            memory=memory,
            labels=labels,
            taints=plan.choice(TAINTS),
            pods=plan.choice([110, 3]),
        )
    cordoned = cluster.store.get("Node", "", "node-007")
    cordoned["spec"]["unschedulable"] = True
    cluster.api.touch(cordoned)
    for batch_index in range(pods // 25):
        spec = {
            "containers": [
                {
                    "name": "app",
                    "image": plan.choice(["nginx:1.25", "registry.k8s.io/pause:3.10"]),
                    "resources": {
                        "requests": {
                            "cpu": plan.choice(["100m", "500m", "1500m", "3"]),
                            "memory": plan.choice(["64Mi", "1Gi", "6Gi"]),
                        }
                    },
                }
            ]
        }
        if plan.random() < 0.3:
            spec["nodeSelector"] = {"disk": "ssd"}
        if plan.random() < 0.3:
            spec["tolerations"] = [
                {"key": "dedicated", "operator": "Exists", "effect": "NoSchedule"}
            ]
        name = f"app-{batch_index}"
        cluster.api.create(
            {
                "apiVersion": "apps/v1",
                "kind": "Deployment",
                "metadata": {"name": name, "namespace": "default"},
                "spec": {
                    "replicas": 25,
                    "selector": {"matchLabels": {"app": name}},
                    "template": {"metadata": {"labels": {"app": name}}, "spec": spec},
                },
            }
        )
        cluster.settle()
        if batch_index % 3 == 2:
            cluster.advance(20_000)  # images get pulled: ImageLocality starts to count
    return cluster


def records(cluster: Cluster) -> dict:
    result = {}
    for pod in cluster.store.list("Pod", "default"):
        record = cluster.scheduler.records.get(pod["metadata"]["uid"])
        data = record.as_dict() if record else None
        result[pod["metadata"]["name"]] = (pod["spec"].get("nodeName"), data)
    return result


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_batch_cycle_matches_the_plugin_cycle(seed):
    reference = build(seed, threshold=10**9, nodes=150, pods=150)
    batched = build(seed, threshold=0, nodes=150, pods=150)
    expected, actual = records(reference), records(batched)
    assert expected.keys() == actual.keys()
    for name in expected:
        assert actual[name] == expected[name], name
    assert any(data and data["reasonCounts"] for _, data in expected.values())  # failures exercised


@pytest.mark.parametrize("density", [0.0, 0.02, 0.5, 0.97, 1.0])
def test_first_feasible_walks_the_ring_from_start(density):
    plan = random.Random(int(density * 100))
    for _ in range(200):
        total = plan.randint(1, 700)
        feasible = np.array([plan.random() < density for _ in range(total)], dtype=bool)
        start, wanted = plan.randrange(total), plan.randint(1, 120)
        expected, evaluated = [], 0
        for offset in range(total):  # the plugin path's walk
            evaluated += 1
            if feasible[(start + offset) % total]:
                expected.append((start + offset) % total)
                if len(expected) == wanted:
                    break
        candidates, walked = batch._first_feasible(feasible, start, wanted)
        assert candidates.tolist() == expected
        assert walked == evaluated


def test_batch_cycle_matches_with_request_shapes_evicted_and_rebuilt(monkeypatch):
    # 12 request shapes through a cache of 2: shapes are built from the arrays again and again
    monkeypatch.setattr(batch, "SHAPES_KEPT", 2)
    reference = build(4, threshold=10**9, nodes=150, pods=150)
    batched = build(4, threshold=0, nodes=150, pods=150)
    assert records(batched) == records(reference)


def test_nodes_without_pod_capacity_count_as_110_in_the_reasons():
    def cluster(threshold):
        c = Cluster(seed=1)
        c.scheduler.batch_threshold = threshold
        bare = {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "a-node"}}
        bare["status"] = {"allocatable": {"cpu": "4", "memory": "8Gi"}}
        c.api.create(bare)
        taint = [{"key": "k", "value": "v", "effect": "NoSchedule"}]
        for index in range(120):
            c.add_node(f"n{index:03d}", taints=taint if index < 110 else None)
        c.api.create(
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": "p", "namespace": "default"},
                "spec": {"containers": [{"name": "app", "image": "nginx"}]},
            }
        )
        c.settle()
        return c.scheduler.records[c.store.get("Pod", "default", "p")["metadata"]["uid"]]

    assert cluster(0).as_dict() == cluster(10**9).as_dict()
    assert "Too many pods" not in cluster(0).reason_counts
