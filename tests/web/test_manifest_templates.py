"""The YAML editor's starter templates: well-formed, idiomatic, and each one applies cleanly to
a fresh 3-node cluster and settles without failing pods (the GPU one waits for a GPU node)."""

import json
import re

import pytest
import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.manifest_templates import TEMPLATES, ManifestTemplate

GPU_KEY = "gpu-deployment"
REQUIRED_KINDS = {
    "Deployment",
    "Service",
    "Pod",
    "Job",
    "CronJob",
    "HorizontalPodAutoscaler",
    "PersistentVolumeClaim",
    "ConfigMap",
    "StatefulSet",
    "DaemonSet",
    "Namespace",
    "ResourceQuota",
}
BAD_WAITING_REASONS = {
    "CrashLoopBackOff",
    "ImagePullBackOff",
    "ErrImagePull",
    "CreateContainerConfigError",
}


def documents(template: ManifestTemplate) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(template.yaml) if doc]


def pod_spec(doc: dict) -> dict | None:
    spec = doc.get("spec") or {}
    if doc["kind"] == "Pod":
        return spec
    if doc["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]["spec"]
    if "template" in spec:
        return spec["template"]["spec"]
    return None


def fresh_runner() -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line("sim node add --count 3 --prefix node-")
    return runner


def items(runner: ScriptRunner, what: str) -> list[dict]:
    return json.loads(runner.run_line(f"kubectl get {what} -A -o json"))["items"]


@pytest.fixture(scope="module")
def applied() -> dict[str, tuple[ScriptRunner, str]]:
    """Each template applied to its own fresh cluster, then run for 2 simulated minutes."""
    results = {}
    for key, template in TEMPLATES.items():
        runner = fresh_runner()
        output = runner.run_line("kubectl apply -f -", template.yaml)
        runner.run_line("sim advance 2m")
        results[key] = (runner, output)
    return results


# --- the registry ------------------------------------------------------------------------


def test_keys_are_unique_url_safe_and_match_their_template():
    assert len(TEMPLATES) >= 14
    assert len({t.key for t in TEMPLATES.values()}) == len(TEMPLATES)
    for key, template in TEMPLATES.items():
        assert isinstance(template, ManifestTemplate)
        assert template.key == key
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key), key
        assert template.title.strip()


def test_display_order_starts_with_the_basics():
    assert list(TEMPLATES)[:3] == ["deployment", "service", "deployment-service"]


def test_the_templates_cover_the_kinds_the_editor_offers():
    kinds = {doc["kind"] for t in TEMPLATES.values() for doc in documents(t)}
    assert kinds >= REQUIRED_KINDS


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_each_opens_with_a_comment_that_says_what_to_try(key):
    text = TEMPLATES[key].yaml
    assert text.startswith("# ")
    header = text.split("\napiVersion:")[0]
    assert "# Try: " in header
    assert text.endswith("\n")


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_container_requests_cpu_and_memory_and_workloads_carry_an_app_label(key):
    for doc in documents(TEMPLATES[key]):
        spec = pod_spec(doc)
        if spec is None:
            continue
        assert "app" in doc["metadata"].get("labels", {}), doc["metadata"]["name"]
        for container in spec["containers"]:
            requests = container["resources"]["requests"]
            assert {"cpu", "memory"} <= set(requests), container["name"]


def test_the_service_selects_the_deployments_pods():
    deployment, service = documents(TEMPLATES["deployment-service"])
    assert (deployment["kind"], service["kind"]) == ("Deployment", "Service")
    assert service["spec"]["type"] == "ClusterIP"
    pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= pod_labels.items()
    assert documents(TEMPLATES["service"]) == [service]
    assert documents(TEMPLATES["deployment"]) == [deployment]


def test_the_hpa_is_autoscaling_v2_on_cpu_50_percent_of_its_deployment():
    docs = {doc["kind"]: doc for doc in documents(TEMPLATES["hpa"])}
    hpa, deployment = docs["HorizontalPodAutoscaler"], docs["Deployment"]
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    (metric,) = hpa["spec"]["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"] == {"type": "Utilization", "averageUtilization": 50}


def test_the_statefulset_names_its_headless_service():
    docs = {doc["kind"]: doc for doc in documents(TEMPLATES["statefulset"])}
    service, statefulset = docs["Service"], docs["StatefulSet"]
    assert service["spec"]["clusterIP"] == "None"
    assert statefulset["spec"]["serviceName"] == service["metadata"]["name"]
    assert statefulset["spec"]["volumeClaimTemplates"]


def test_the_pvc_template_mounts_its_claim():
    docs = {doc["kind"]: doc for doc in documents(TEMPLATES["pvc"])}
    (volume,) = docs["Pod"]["spec"]["volumes"]
    assert (
        volume["persistentVolumeClaim"]["claimName"]
        == docs["PersistentVolumeClaim"]["metadata"]["name"]
    )


def test_the_gpu_template_asks_for_one_gpu_in_limits_and_tolerates_gpu_nodes():
    (deployment,) = documents(TEMPLATES[GPU_KEY])
    spec = deployment["spec"]["template"]["spec"]
    (container,) = spec["containers"]
    # kubernetes.io/docs/tasks/manage-gpus/scheduling-gpus/: GPUs go in limits
    assert container["resources"]["limits"]["nvidia.com/gpu"] == 1
    assert {"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"} in spec[
        "tolerations"
    ]


# --- applied to a cluster ------------------------------------------------------------------


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_applies_cleanly_with_one_created_line_per_document(applied, key):
    _, output = applied[key]
    lines = output.splitlines()
    assert len(lines) == len(documents(TEMPLATES[key]))
    assert all(re.fullmatch(r"[a-z.]+/[a-z0-9-]+ created", line) for line in lines), output


@pytest.mark.parametrize("key", [key for key in TEMPLATES if key != GPU_KEY])
def test_settles_without_failing_pods(applied, key):
    runner, _ = applied[key]
    pods = [p for p in items(runner, "pods") if p["metadata"]["namespace"] != "kube-system"]
    for pod in pods:
        name = pod["metadata"]["name"]
        assert pod["status"]["phase"] in ("Running", "Succeeded"), name
        for status in pod["status"].get("containerStatuses", []):
            waiting = status["state"].get("waiting") or {}
            assert waiting.get("reason") not in BAD_WAITING_REASONS, name
            assert status["restartCount"] == 0, name
    for claim in items(runner, "pvc"):
        assert claim["status"]["phase"] == "Bound", claim["metadata"]["name"]
    for job in items(runner, "jobs"):
        assert job["status"].get("failed", 0) == 0, job["metadata"]["name"]


def test_workload_templates_start_pods(applied):
    for key in ("deployment", "pod", "hpa", "statefulset", "daemonset", "resourcequota"):
        runner, _ = applied[key]
        running = [p for p in items(runner, "pods") if p["status"]["phase"] == "Running"]
        assert running, key


def test_the_gpu_pod_waits_for_a_gpu_then_runs_on_the_gpu_node(applied):
    runner, _ = applied[GPU_KEY]
    (pod,) = items(runner, "pods")
    assert pod["status"]["phase"] == "Pending"
    (scheduled,) = [c for c in pod["status"]["conditions"] if c["type"] == "PodScheduled"]
    assert scheduled["reason"] == "Unschedulable"
    assert "3 Insufficient nvidia.com/gpu" in scheduled["message"]

    runner.run_line("sim node add gpu-1 --gpus 1")
    runner.run_line("sim advance 2m")
    (pod,) = items(runner, "pods")
    assert pod["spec"]["nodeName"] == "gpu-1"
    assert pod["status"]["phase"] == "Running"
    assert all(s["ready"] for s in pod["status"]["containerStatuses"])
