"""'Download as YAML': the export rebuilds the learner's objects on a fresh cluster, leaves
out what the cluster made and what the server set, and reads back exactly as written."""

import json
import re

import pytest
import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.export import EXPORTED_KINDS, export_yaml, exported_objects
from cluster_sim.manifest_templates import TEMPLATES

HEADER_START = "# Exported from a ClusterLab playground at "
NODES = "sim node add --count 3 --prefix node-"
# Strings a YAML 1.1 / go-yaml reader turns into booleans, numbers or null when unquoted.
TRICKY_SCALARS = (
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "1e3", "0x1f",
    "0o17", "012", "1_000", ".5", "-1", "+1", "1.0", "2026-01-05", ".inf", "-.inf", ".nan",
)  # fmt: skip
LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")  # API validation
CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
TRICKY_TEXT = (
    "line one\n---\n# not a comment\nkey: value\n",
    "  leading and trailing spaces  ",
    "tab\there, 'single' and \"double\" quotes, back\\slash",
    "*alias &anchor !tag %percent @at `tick {flow} [list] | > ? : -",
    "ünïcödé ✓ 雪",
    "trailing newline without others\n",
    "no trailing newline\nsecond line",
    "",
)


def fresh_runner() -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run_line(NODES)
    return runner


def apply(runner: ScriptRunner, text: str) -> str:
    return runner.run_line("kubectl apply -f -", text)


def body(export: str) -> str:
    """The export without its header comment (which names the simulated time)."""
    return export.split("\n---\n", 1)[1] if "\n---\n" in export else ""


def keys(store) -> list[tuple[str, str, str]]:
    return [
        (obj["kind"], obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        for obj in exported_objects(store)
    ]


def build_workshop() -> ScriptRunner:
    """A Deployment + Service, an HPA (with its own Deployment and Service), a PVC with a
    bare Pod that mounts it, a Job, a StatefulSet and a CronJob, settled for 2 minutes."""
    runner = fresh_runner()
    for key in ("deployment-service", "hpa", "pvc", "job", "statefulset", "cronjob"):
        apply(runner, TEMPLATES[key].yaml)
    runner.run_line("sim advance 2m")
    return runner


@pytest.fixture(scope="module")
def workshop() -> ScriptRunner:
    return build_workshop()


@pytest.fixture(scope="module")
def exported(workshop) -> str:
    return export_yaml(workshop.cluster)


@pytest.fixture(scope="module")
def rebuilt(exported) -> tuple[ScriptRunner, str]:
    runner = fresh_runner()
    output = apply(runner, exported)
    return runner, output


# --- round trip ------------------------------------------------------------------------------


def test_the_file_starts_with_the_header_and_holds_one_document_per_object(workshop, exported):
    assert exported.startswith(HEADER_START + "2026-01-05T09:02:00Z")
    assert "apply with kubectl apply -f <file>" in exported.splitlines()[0]
    docs = list(yaml.safe_load_all(exported))
    assert [
        (d["kind"], d["metadata"].get("namespace", ""), d["metadata"]["name"]) for d in docs
    ] == (keys(workshop.cluster.store))


def test_applying_the_export_to_a_fresh_cluster_only_creates(exported, rebuilt):
    _, output = rebuilt
    lines = output.splitlines()
    assert len(lines) == len(list(yaml.safe_load_all(exported)))
    assert all(line.endswith(" created") for line in lines), output


def test_the_rebuilt_cluster_has_the_same_top_level_objects(workshop, rebuilt):
    runner, _ = rebuilt
    original = keys(workshop.cluster.store)
    assert keys(runner.cluster.store) == original
    kinds = {kind for kind, _, _ in original}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PersistentVolumeClaim"} <= kinds
    assert {"Pod", "Job", "StatefulSet", "CronJob"} <= kinds


def test_deployments_keep_their_replicas_and_pod_template(workshop, rebuilt):
    runner, _ = rebuilt
    for before in workshop.cluster.store.list("Deployment"):
        meta = before["metadata"]
        after = runner.cluster.store.get("Deployment", meta["namespace"], meta["name"])
        assert after["spec"]["replicas"] == before["spec"]["replicas"]
        assert after["spec"]["template"] == before["spec"]["template"]


def test_the_rebuilt_cluster_settles_and_exports_the_same_file(exported, rebuilt):
    runner, _ = rebuilt
    runner.run_line("sim advance 2m")
    pods = json.loads(runner.run_line("kubectl get pods -o json"))["items"]
    assert {p["status"]["phase"] for p in pods} <= {"Running", "Succeeded"}
    assert export_yaml(runner.cluster) == exported


# --- what is left out ------------------------------------------------------------------------


def test_only_the_learners_objects_are_exported(workshop):
    exported = keys(workshop.cluster.store)
    assert all(kind in EXPORTED_KINDS for kind, _, _ in exported)
    names = {(kind, name) for kind, _, name in exported}
    assert ("Pod", "notes") in names  # the bare pod
    assert ("Job", "pi") in names
    assert ("Service", "kubernetes") not in names
    assert ("ConfigMap", "kube-root-ca.crt") not in names
    assert not {ns for _, ns, _ in exported} & {"kube-system", "kube-public", "kube-node-lease"}
    assert not [name for kind, name in names if kind == "Namespace"]  # only built-in ones here
    # made by controllers: ReplicaSets' and StatefulSets' pods, CronJob's Jobs, claim templates
    pods = {name for kind, name in names if kind == "Pod"}
    assert pods == {"notes"}
    jobs = {name for kind, name in names if kind == "Job"}
    assert jobs == {"pi"}
    assert workshop.cluster.store.count("Job") > 1  # the CronJob has run
    claims = {name for kind, name in names if kind == "PersistentVolumeClaim"}
    assert claims == {"data"}


def test_server_set_fields_are_stripped(exported):
    docs = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(exported)}
    for doc in docs.values():
        assert "status" not in doc
        meta = doc["metadata"]
        for field in ("uid", "resourceVersion", "generation", "creationTimestamp", "managedFields"):
            assert field not in meta
        assert "kubectl.kubernetes.io/last-applied-configuration" not in meta.get("annotations", {})
        assert "deployment.kubernetes.io/revision" not in meta.get("annotations", {})
    service = docs[("Service", "nginx")]["spec"]
    assert "clusterIP" not in service and "clusterIPs" not in service
    headless = docs[("Service", "nginx-headless")]["spec"]
    assert headless["clusterIP"] == "None"  # the learner's choice, kept
    pod = docs[("Pod", "notes")]["spec"]
    assert "nodeName" not in pod
    assert [v["name"] for v in pod["volumes"]] == ["data"]  # no kube-api-access-* volume
    assert "volumeName" not in docs[("PersistentVolumeClaim", "data")]["spec"]
    job = docs[("Job", "pi")]
    assert "selector" not in job["spec"]
    assert job["spec"]["template"]["metadata"]["labels"] == {"app": "pi"}
    # defaulted fields stay, as kubectl get -o yaml shows them
    deployment = docs[("Deployment", "nginx-deployment")]["spec"]
    assert deployment["strategy"]["type"] == "RollingUpdate"
    assert deployment["template"]["spec"]["containers"][0]["imagePullPolicy"] == "IfNotPresent"


def test_objects_come_in_kind_order_then_namespace_and_name():
    runner = fresh_runner()
    apply(runner, TEMPLATES["resourcequota"].yaml)  # Namespace team-a, quota, Deployment api
    apply(runner, TEMPLATES["deployment"].yaml)
    apply(runner, TEMPLATES["namespace"].yaml)
    docs = list(yaml.safe_load_all(export_yaml(runner.cluster)))
    assert [(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in docs] == [
        ("Namespace", None, "dev"),
        ("Namespace", None, "team-a"),
        ("Deployment", "default", "nginx-deployment"),
        ("Deployment", "team-a", "api"),
        ("ResourceQuota", "team-a", "compute-resources"),
    ]


# --- edge cases ------------------------------------------------------------------------------


def test_an_empty_cluster_exports_only_the_header():
    text = export_yaml(fresh_runner().cluster)
    assert text.startswith(HEADER_START)
    assert all(line.startswith("#") for line in text.splitlines())
    assert list(yaml.safe_load_all(text)) == []
    assert (
        fresh_runner().run_line("kubectl apply -f -", text).startswith("error: no objects passed")
    )


def tricky_manifests() -> list[dict]:
    """ConfigMaps and a Pod whose names, labels, annotations and data read as other types
    or break naive YAML (document markers, comment signs, quotes, unicode)."""
    label_values = [v for v in TRICKY_SCALARS if LABEL_VALUE.fullmatch(v)]
    labels = {f"k{i}": value for i, value in enumerate(label_values)}
    labels["y"] = "n"  # a key that reads as a boolean too
    annotations = {f"note-{i}": text for i, text in enumerate(TRICKY_TEXT + TRICKY_SCALARS)}
    manifests = [
        {
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": {"name": name, "labels": labels, "annotations": annotations},
            "data": {
                **{value: value for value in TRICKY_SCALARS if CONFIG_KEY.fullmatch(value)},
                **{f"text-{i}": text for i, text in enumerate(TRICKY_TEXT)},
            },
        }
        for name in ("y", "1e3", "0x1f", "true", "null", "012", "1.0")
    ]
    manifests.append(
        {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "on", "labels": {"app": "yes", "version": "1.10"}},
            "spec": {
                "containers": [
                    {
                        "name": "shell",
                        "image": "busybox:1.36",
                        "command": ["sh", "-c", "echo 'a: b'\n# c\nsleep 3600"],
                        "env": [{"name": "FLAG", "value": "off"}, {"name": "N", "value": "012"}],
                        "resources": {"requests": {"cpu": "10m", "memory": "8Mi"}},
                    }
                ]
            },
        }
    )
    return manifests


def test_tricky_names_labels_and_text_survive_the_round_trip():
    source = fresh_runner()
    manifests = tricky_manifests()
    # JSON is YAML: the source objects go in exactly as written
    output = apply(source, "\n---\n".join(json.dumps(m) for m in manifests))
    assert output.count(" created") == len(manifests), output
    text = export_yaml(source.cluster)
    assert "'y': 'n'" in text  # quoted so that go-yaml reads strings, not booleans

    target = fresh_runner()
    output = apply(target, text)
    assert output.count(" created") == len(manifests), output
    for manifest in manifests:
        kind, name = manifest["kind"], manifest["metadata"]["name"]
        before = source.cluster.store.get(kind, "default", name)
        after = target.cluster.store.get(kind, "default", name)
        assert after is not None, name
        assert after["metadata"]["labels"] == manifest["metadata"]["labels"]
        expected_annotations = manifest["metadata"].get("annotations", {})
        annotations = after["metadata"].get("annotations", {})
        assert {k: annotations[k] for k in expected_annotations} == expected_annotations
        if kind == "ConfigMap":
            assert after["data"] == before["data"] == manifest["data"]
        else:
            assert (
                after["spec"]["containers"][0]["command"]
                == manifest["spec"]["containers"][0]["command"]
            )
            assert after["spec"]["containers"][0]["env"] == manifest["spec"]["containers"][0]["env"]


def test_export_is_deterministic():
    first, second = build_workshop(), build_workshop()
    assert export_yaml(first.cluster) == export_yaml(second.cluster)
    assert export_yaml(first.cluster) == export_yaml(first.cluster)


def test_the_export_does_not_change_the_cluster(workshop):
    version = workshop.cluster.resource_version
    before = json.dumps(workshop.cluster.store.list("Pod"), sort_keys=True)
    export_yaml(workshop.cluster)
    assert workshop.cluster.resource_version == version
    assert json.dumps(workshop.cluster.store.list("Pod"), sort_keys=True) == before


def test_a_namespace_being_deleted_and_its_objects_are_left_out():
    runner = fresh_runner()
    apply(runner, TEMPLATES["resourcequota"].yaml)
    apply(runner, TEMPLATES["deployment"].yaml)
    runner.run_line("kubectl delete namespace team-a --wait=false")
    names = [name for _, _, name in keys(runner.cluster.store)]
    assert names == ["nginx-deployment"]


def test_a_bare_pod_deleted_gracefully_is_left_out():
    runner = fresh_runner()
    apply(runner, TEMPLATES["pod"].yaml)
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl delete pod hello --wait=false")
    pod = runner.cluster.store.get("Pod", "default", "hello")
    if pod is None:
        pytest.skip("the simulator removed the pod at once")
    assert keys(runner.cluster.store) == []


def test_secrets_limit_ranges_and_node_ports_survive_and_pods_take_the_new_clusters_defaults():
    source = fresh_runner()  # the "fast" profile: pods tolerate unreachable nodes for 30 s
    source.run_line("kubectl create secret generic db --from-literal=password=y")
    source.run_line("kubectl create deployment web --image=nginx --replicas=2")
    source.run_line("kubectl expose deployment web --port 80 --type NodePort")
    apply(source, TEMPLATES["daemonset"].yaml)
    apply(
        source,
        "apiVersion: v1\nkind: LimitRange\nmetadata:\n  name: defaults\nspec:\n  limits:\n"
        "  - type: Container\n    defaultRequest:\n      cpu: 100m\n",
    )
    source.run_line("kubectl run solo --image=busybox -- sleep 1000")
    source.run_line("sim advance 1m")
    text = export_yaml(source.cluster)
    assert "kubernetes.io/limit-ranger" not in text  # LimitRanger's note on the pod

    target = ScriptRunner(Cluster(seed=2, profile="realistic"))
    target.run_line(NODES)
    output = apply(target, text)
    assert all(line.endswith(" created") for line in output.splitlines()), output
    assert keys(target.cluster.store) == keys(source.cluster.store)
    store = target.cluster.store
    assert store.get("Secret", "default", "db")["data"] == {"password": "eQ=="}
    service, before = store.get("Service", "default", "web"), source.cluster.store
    assert service["spec"]["ports"] == before.get("Service", "default", "web")["spec"]["ports"]
    tolerations = store.get("Pod", "default", "solo")["spec"]["tolerations"]
    assert {t["tolerationSeconds"] for t in tolerations} == {300}  # upstream's default
