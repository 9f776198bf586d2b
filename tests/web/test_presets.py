"""The playground's cluster presets: each builds cleanly, reproducibly, and settles into the
state it promises. State is read back through kubectl -o json, as a learner would see it."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cluster_sim.presets import (
    DEFAULT_PRESET,
    PRESETS,
    Preset,
    build_cluster,
    build_with_transcript,
)

SEED = 42
PROFILES = ("realistic", "fast")
ERROR_MARKERS = ("error", "command not found", "invalid", "warning:")
GPU = "nvidia.com/gpu"


def items(runner, what: str) -> list[dict]:
    return json.loads(runner.run_line(f"kubectl get {what} -o json"))["items"]


def by_name(objects: list[dict]) -> dict[str, dict]:
    return {obj["metadata"]["name"]: obj for obj in objects}


def settled(key: str, profile: str):
    """The preset built with SEED and run for 5 simulated minutes."""
    _, runner = build_cluster(key, SEED, profile)
    runner.run_line("sim advance 5m")
    return runner


@pytest.fixture(scope="module", params=PROFILES)
def ml(request):
    return settled("ml-recsys", request.param)


@pytest.fixture(scope="module", params=PROFILES)
def mixed(request):
    return settled("mixed", request.param)


@pytest.fixture(scope="module", params=PROFILES)
def hundred(request):
    return settled("nodes-100", request.param)


# --- the registry ------------------------------------------------------------------------


def test_registry_lists_the_presets_in_display_order_with_the_default_first():
    assert list(PRESETS)[:4] == ["empty-3", "ml-recsys", "mixed", "nodes-100"]
    assert DEFAULT_PRESET == "empty-3"
    for key, preset in PRESETS.items():
        assert isinstance(preset, Preset)
        assert preset.key == key
        assert key.replace("-", "").isalnum() and key == key.lower()  # url-safe
        assert preset.title and preset.summary.endswith(".")
        assert preset.script.strip()


def test_unknown_preset_raises_key_error():
    with pytest.raises(KeyError):
        build_cluster("no-such-preset", SEED)


# --- every preset ------------------------------------------------------------------------


@pytest.mark.parametrize("key", list(PRESETS))
def test_script_runs_without_error_lines(key):
    _, _, transcript = build_with_transcript(key, SEED)
    output = [line for line in transcript.splitlines() if not line.startswith("$ ")]
    assert output, "the script printed nothing"
    bad = [line for line in output if any(m in line.lower() for m in ERROR_MARKERS)]
    assert bad == []


@pytest.mark.parametrize("key", list(PRESETS))
def test_build_starts_at_time_zero_with_the_requested_profile(key):
    cluster, runner = build_cluster(key, SEED, "fast")
    assert cluster.now_ms == 0
    assert cluster.profile.name == "fast"
    assert runner.cluster is cluster


@pytest.mark.parametrize("key", list(PRESETS))
def test_same_seed_builds_identical_clusters(key):
    def snapshot(runner) -> list[str]:
        # JSON rather than YAML: the same objects, printed five times faster
        return [
            runner.run_line("kubectl get all -A -o json"),
            runner.run_line("kubectl get nodes -o json"),
            runner.run_line("kubectl get pvc,pv,events -A -o json"),
        ]

    first, second = build_cluster(key, SEED)[1], build_cluster(key, SEED)[1]
    assert snapshot(first) == snapshot(second)
    for runner in (first, second):
        runner.run_line("sim advance 2m")
    assert snapshot(first) == snapshot(second)


REPLAY = """
import hashlib, sys
from cluster_sim.presets import build_cluster
runner = build_cluster(sys.argv[1], int(sys.argv[2]))[1]
runner.run_line("sim advance 5m")
state = runner.run_line("kubectl get all,nodes,pvc,events -A -o json")
print(hashlib.sha256(state.encode()).hexdigest())
"""


def test_a_restarted_server_rebuilds_the_same_cluster():
    """Sandboxes are restored by replay in a new process, whose string hashing (and so
    set and dict-of-set order) is salted differently: the state must not depend on it."""
    runner = build_cluster("ml-recsys", SEED)[1]
    runner.run_line("sim advance 5m")
    state = runner.run_line("kubectl get all,nodes,pvc,events -A -o json")
    here = hashlib.sha256(state.encode()).hexdigest()
    root = Path(__file__).resolve().parents[2]
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(root)}
        done = subprocess.run(
            [sys.executable, "-c", REPLAY, "ml-recsys", str(SEED)],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert done.stdout.strip() == here


def test_another_seed_builds_another_cluster():
    """The comparison above is not vacuous: the seed reaches the objects (UIDs, names)."""
    one, other = build_cluster("ml-recsys", 1)[1], build_cluster("ml-recsys", 2)[1]
    assert one.run_line("kubectl get all -o yaml") != other.run_line("kubectl get all -o yaml")


# --- empty-3 -----------------------------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_empty_3_is_three_identical_ready_workers_and_nothing_else(profile):
    runner = settled("empty-3", profile)
    nodes = items(runner, "nodes")
    assert [n["metadata"]["name"] for n in nodes] == ["worker-1", "worker-2", "worker-3"]
    assert {n["status"]["capacity"]["cpu"] for n in nodes} == {"4"}
    assert {n["status"]["capacity"]["memory"] for n in nodes} == {f"{8 * 1024 * 1024}Ki"}
    assert all(not n["spec"].get("taints") for n in nodes)
    assert all(ready(n) for n in nodes)
    assert items(runner, "pods -A") == []
    assert items(runner, "deployments,jobs,pvc -A") == []


# --- ml-recsys ---------------------------------------------------------------------------


def test_ml_has_three_workers_and_one_tainted_gpu_node(ml):
    nodes = by_name(items(ml, "nodes"))
    assert sorted(nodes) == ["gpu-1", "worker-1", "worker-2", "worker-3"]
    gpu = nodes["gpu-1"]
    assert gpu["status"]["allocatable"][GPU] == "1"
    assert gpu["spec"]["taints"] == [{"effect": "NoSchedule", "key": GPU, "value": "present"}]
    assert gpu["metadata"]["labels"]["accelerator"] == "nvidia-t4"
    assert all(GPU not in nodes[name]["status"]["capacity"] for name in nodes if name != "gpu-1")
    assert all(ready(n) for n in nodes.values())


def test_ml_deployments_are_fully_available(ml):
    deployments = by_name(items(ml, "deployments"))
    assert sorted(deployments) == ["ingest", "serve", "ui"]
    for deployment in deployments.values():
        replicas = deployment["spec"]["replicas"]
        assert deployment["status"].get("availableReplicas") == replicas, deployment["metadata"]
        assert deployment["status"].get("updatedReplicas") == replicas
    assert deployments["serve"]["spec"]["replicas"] == 2
    assert deployments["ui"]["spec"]["replicas"] == 2


def test_ml_jobs_complete(ml):
    jobs = by_name(items(ml, "jobs"))
    assert sorted(jobs) == ["features", "train"]
    for job in jobs.values():
        conditions = {c["type"]: c["status"] for c in job["status"].get("conditions", [])}
        assert conditions.get("Complete") == "True", job["status"]
        assert job["status"].get("succeeded") == 1
        assert not job["status"].get("failed")


def test_ml_training_runs_on_the_gpu_node_and_nothing_else_does(ml):
    pods = items(ml, "pods")
    on_gpu = [p["metadata"]["name"] for p in pods if p["spec"].get("nodeName") == "gpu-1"]
    assert len(on_gpu) == 1 and on_gpu[0].startswith("train-")
    train = next(p for p in pods if p["metadata"]["name"] == on_gpu[0])
    assert train["spec"]["containers"][0]["resources"]["limits"][GPU] == "1"


def test_ml_pods_are_healthy(ml):
    pods = items(ml, "pods")
    assert len(pods) == 7  # ingest, 2 serve, 2 ui, features, train
    for pod in pods:
        name, phase = pod["metadata"]["name"], pod["status"]["phase"]
        batch = name.startswith(("features-", "train-"))
        assert phase == ("Succeeded" if batch else "Running"), (name, phase)
        for status in pod["status"].get("containerStatuses", []):
            assert status["restartCount"] == 0, name
            assert "waiting" not in status["state"], (name, status["state"])
            assert status["ready"] or phase == "Succeeded", name


def test_ml_data_flows_through_the_pipeline(ml):
    """Each stage read the previous stage's output, not the sample bundled in its image."""
    features = ml.run_line("kubectl logs job/features")
    assert "reading /data/raw/ratings.parquet" in features and "WARNING" not in features
    train = ml.run_line("kubectl logs job/train")
    assert "loading features from /data/features" in train
    assert "training complete" in train and "WARNING" not in train
    serve = ml.run_line("kubectl logs deployment/serve")
    assert "loading model /models/recsys-v1.pkl" in serve
    assert "listening on 0.0.0.0:8080" in serve
    assert "poll:" in ml.run_line("kubectl logs deployment/ingest")  # still following


def test_ml_services_have_every_ready_pod_as_endpoint(ml):
    slices = items(ml, "endpointslices")
    for name in ("serve", "ui"):
        endpoints = [
            endpoint
            for piece in slices
            if piece["metadata"]["labels"]["kubernetes.io/service-name"] == name
            for endpoint in piece.get("endpoints") or []
        ]
        assert len(endpoints) == 2, name
        assert all(e["conditions"]["ready"] for e in endpoints), name


def test_ml_workloads_carry_app_and_tier_labels_and_resources(ml):
    for kind in ("deployments", "jobs"):
        for workload in items(ml, kind):
            template = workload["spec"]["template"]
            assert {"app", "tier"} <= set(template["metadata"]["labels"]), workload["metadata"]
            for container in template["spec"]["containers"]:
                resources = container["resources"]
                assert {"cpu", "memory"} <= set(resources["requests"]), container["name"]
                assert "memory" in resources["limits"], container["name"]
    serve = by_name(items(ml, "deployments"))["serve"]
    probe = serve["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]
    assert probe["httpGet"]["path"] == "/readyz"


def test_ml_ui_gets_recommendations_from_serve_through_its_service(ml):
    answer = ml.run_line(
        "kubectl exec deploy/ui -- wget -qO- http://localhost:8080/api/recommend?user=7"
    )
    assert json.loads(answer)["model"] == "recsys-v1"
    assert "GET /recommend?user=7 200" in ml.run_line("kubectl logs -l app=serve")


# --- mixed -------------------------------------------------------------------------------

MIXED_NODES = {
    "small-1": "small",
    "small-2": "small",
    "medium-1": "medium",
    "medium-2": "medium",
    "large-1": "large",
    "gpu-1": "gpu",
    "batch-1": "large",
}
TAINTED = {"gpu-1": f"{GPU}=present:NoSchedule", "batch-1": "dedicated=batch:NoSchedule"}


def test_mixed_nodes_have_their_sizes_labels_and_taints(mixed):
    nodes = by_name(items(mixed, "nodes"))
    assert sorted(nodes) == sorted(MIXED_NODES)
    for name, node in nodes.items():
        labels = node["metadata"]["labels"]
        assert labels["node.kubernetes.io/instance-type"] == MIXED_NODES[name]
        assert labels["disktype"] in ("ssd", "hdd")
        assert labels["topology.kubernetes.io/zone"] in ("zone-a", "zone-b")
        taints = [f"{t['key']}={t['value']}:{t['effect']}" for t in node["spec"].get("taints", [])]
        assert taints == ([TAINTED[name]] if name in TAINTED else []), name
        assert ready(node)
    cpus = {int(node["status"]["capacity"]["cpu"]) for node in nodes.values()}
    assert min(cpus) == 2 and max(cpus) == 16
    assert nodes["gpu-1"]["status"]["allocatable"][GPU] == "2"
    assert nodes["batch-1"]["metadata"]["labels"]["dedicated"] == "batch"


def test_mixed_workloads_run_on_untainted_nodes_and_the_cache_on_ssd(mixed):
    deployments = by_name(items(mixed, "deployments"))
    assert sorted(deployments) == ["cache", "web"]
    for deployment in deployments.values():
        assert deployment["status"].get("availableReplicas") == deployment["spec"]["replicas"]
    nodes = by_name(items(mixed, "nodes"))
    pods = items(mixed, "pods")
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert not {p["spec"]["nodeName"] for p in pods} & set(TAINTED)
    cache_nodes = {p["spec"]["nodeName"] for p in pods if p["metadata"]["labels"]["app"] == "cache"}
    assert {nodes[n]["metadata"]["labels"]["disktype"] for n in cache_nodes} == {"ssd"}


# --- nodes-100 ---------------------------------------------------------------------------


def test_hundred_nodes_in_four_zones(hundred):
    nodes = items(hundred, "nodes")
    assert len(nodes) == 100
    assert {n["metadata"]["name"] for n in nodes} == {f"node-{i}" for i in range(1, 101)}
    zones = [n["metadata"]["labels"]["topology.kubernetes.io/zone"] for n in nodes]
    assert {zone: zones.count(zone) for zone in set(zones)} == {
        "zone-a": 25,
        "zone-b": 25,
        "zone-c": 25,
        "zone-d": 25,
    }
    assert all(ready(n) for n in nodes)


def test_hundred_nodes_run_a_few_hundred_pods_spread_wide(hundred):
    deployments = items(hundred, "deployments")
    assert all(d["status"].get("availableReplicas") == d["spec"]["replicas"] for d in deployments)
    pods = items(hundred, "pods")
    assert 200 <= len(pods) <= 400
    assert all(p["status"]["phase"] == "Running" for p in pods)
    assert len({p["spec"]["nodeName"] for p in pods}) >= 90


def ready(node: dict) -> bool:
    return any(c["type"] == "Ready" and c["status"] == "True" for c in node["status"]["conditions"])
