"""The StatefulSet controller, checked against kubernetes.io:

- /docs/concepts/workloads/controllers/statefulset/: stable names `<set>-<ordinal>`, the
  pod-name and pod-index labels, hostname and subdomain (the headless Service gives
  `web-0.nginx.default.svc.cluster.local`), a PersistentVolumeClaim `<template>-<set>-<ordinal>`
  per volumeClaimTemplate, kept on scale-down; OrderedReady creates pods one at a time,
  each once its predecessor is Running and Ready, and deletes from the highest ordinal;
  Parallel does neither; RollingUpdate goes from the highest ordinal down to the partition.
- /docs/tutorials/stateful-application/basic-stateful-set/: the `web` example (nginx headless
  Service, StatefulSet with volumeClaimTemplates `www`) reaching 2/2 with Bound claims; a
  deleted pod comes back with the same name and claim; `kubectl rollout status sts/web`.
"""

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

SERVICE = """apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
"""
WEB = """apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.24
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"""
# The same set without storage, for ordering tests that must not wait on volume binding.
PLAIN = (
    WEB.split("  volumeClaimTemplates:")[0]
    .replace("        volumeMounts:\n        - name: www\n", "")
    .replace("          mountPath: /usr/share/nginx/html\n", "")
)


def session(*nodes: str) -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    for node in nodes or ("node-1", "node-2"):
        runner.run_line(f"sim node add {node}")
    return runner


def pod_names(runner) -> list[str]:
    return [p["metadata"]["name"] for p in runner.cluster.store.list("Pod", "default")]


def ready(runner, name: str) -> bool:
    pod = runner.cluster.store.get("Pod", "default", name)
    conditions = {c["type"]: c["status"] for c in pod["status"].get("conditions") or ()}
    return pod["status"]["phase"] == "Running" and conditions.get("Ready") == "True"


def sts_events(runner, name="web") -> list[tuple[str, str]]:
    sts = runner.cluster.store.get("StatefulSet", "default", name)
    return [(e["reason"], e["message"]) for e in runner.cluster.events_for(sts)]


def test_ordered_creation_waits_for_each_pod_to_be_ready():
    runner = session()
    runner.run_line("kubectl apply -f -", PLAIN.replace("replicas: 2", "replicas: 3"))
    assert pod_names(runner) == ["web-0"]
    seen = []
    for _ in range(40):
        runner.run_line("sim advance 500ms")
        names = pod_names(runner)
        for later in range(1, len(names)):
            # web-N exists only once web-(N-1) is Running and Ready
            assert ready(runner, f"web-{later - 1}")
        if names not in seen:
            seen.append(names)
    assert seen == [["web-0"], ["web-0", "web-1"], ["web-0", "web-1", "web-2"]]
    assert [m for _, m in sts_events(runner)] == [
        "create Pod web-0 in StatefulSet web successful",
        "create Pod web-1 in StatefulSet web successful",
        "create Pod web-2 in StatefulSet web successful",
    ]
    assert runner.run_line("kubectl get sts web").splitlines()[1].split()[:2] == ["web", "3/3"]


def test_pod_identity_labels_hostname_and_subdomain():
    runner = session()
    runner.run_line("kubectl apply -f -", PLAIN)
    runner.run_line("sim advance 20s")
    pod = runner.cluster.store.get("Pod", "default", "web-1")
    sts = runner.cluster.store.get("StatefulSet", "default", "web")
    labels = pod["metadata"]["labels"]
    assert labels["statefulset.kubernetes.io/pod-name"] == "web-1"
    assert labels["apps.kubernetes.io/pod-index"] == "1"
    assert labels["controller-revision-hash"] == sts["status"]["currentRevision"]
    assert labels["controller-revision-hash"].startswith("web-")
    assert (pod["spec"]["hostname"], pod["spec"]["subdomain"]) == ("web-1", "nginx")
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "StatefulSet"


def test_defaults_and_status():
    runner = session()
    runner.run_line("kubectl apply -f -", PLAIN)
    runner.run_line("sim advance 20s")
    sts = yaml.safe_load(runner.run_line("kubectl get sts web -o yaml"))
    spec = sts["spec"]
    assert spec["podManagementPolicy"] == "OrderedReady"
    assert spec["updateStrategy"] == {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    revision = sts["status"]["currentRevision"]
    assert sts["status"] == {
        "availableReplicas": 2,
        "collisionCount": 0,
        "currentReplicas": 2,
        "currentRevision": revision,
        "observedGeneration": 1,
        "readyReplicas": 2,
        "replicas": 2,
        "updateRevision": revision,
        "updatedReplicas": 2,
    }


def test_claim_per_replica_created_before_its_pod():
    runner = session()
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("kubectl apply -f -", WEB)
    claim = runner.cluster.store.get("PersistentVolumeClaim", "default", "www-web-0")
    assert claim is not None
    assert claim["metadata"]["labels"] == {"app": "nginx"}
    assert claim["spec"]["resources"]["requests"]["storage"] == "1Gi"
    pod = runner.cluster.store.get("Pod", "default", "web-0")
    assert {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}} in pod["spec"][
        "volumes"
    ]
    assert sts_events(runner)[:2] == [
        ("SuccessfulCreate", "create Claim www-web-0 Pod web-0 in StatefulSet web success"),
        ("SuccessfulCreate", "create Pod web-0 in StatefulSet web successful"),
    ]


def test_web_example_runs_with_bound_claims():
    """The tutorial's `web`: 2/2 Running, each pod on its own Bound claim, and the headless
    Service publishing the pods by hostname."""
    runner = session()
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("kubectl apply -f -", WEB)
    runner.run_line("sim advance 1m")
    assert runner.run_line("kubectl get sts web").splitlines()[1].split()[:2] == ["web", "2/2"]
    assert all(ready(runner, name) for name in ("web-0", "web-1"))
    claims = {
        c["metadata"]["name"]: c["status"].get("phase")
        for c in runner.cluster.store.list("PersistentVolumeClaim", "default")
    }
    assert claims == {"www-web-0": "Bound", "www-web-1": "Bound"}
    endpoints = runner.cluster.store.get("Endpoints", "default", "nginx")
    hostnames = sorted(a["hostname"] for a in endpoints["subsets"][0]["addresses"])
    assert hostnames == ["web-0", "web-1"]
    slices = [
        s
        for s in runner.cluster.store.list("EndpointSlice", "default")
        if s["metadata"]["labels"].get("kubernetes.io/service-name") == "nginx"
    ]
    assert sorted(e["hostname"] for s in slices for e in s["endpoints"]) == ["web-0", "web-1"]


def test_deleted_pod_comes_back_with_same_name_and_claim():
    runner = session()
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("kubectl apply -f -", WEB)
    runner.run_line("sim advance 1m")
    old_uid = runner.cluster.store.get("Pod", "default", "web-0")["metadata"]["uid"]
    runner.run_line("kubectl delete pod web-0")
    runner.run_line("sim advance 1m")
    pod = runner.cluster.store.get("Pod", "default", "web-0")
    assert pod["metadata"]["uid"] != old_uid
    assert {"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}} in pod["spec"][
        "volumes"
    ]
    claims = [c["metadata"]["name"] for c in runner.cluster.store.list("PersistentVolumeClaim")]
    assert claims == ["www-web-0", "www-web-1"]
    assert ready(runner, "web-0")


def test_scale_down_deletes_highest_ordinal_first_and_keeps_claims():
    runner = session()
    runner.run_line("kubectl apply -f -", PLAIN.replace("replicas: 2", "replicas: 3"))
    runner.run_line("sim advance 30s")
    assert runner.run_line("kubectl scale sts web --replicas=1") == "statefulset.apps/web scaled"
    gone = []
    for _ in range(120):
        runner.run_line("sim advance 1s")
        for name in ("web-2", "web-1"):
            pod = runner.cluster.store.get("Pod", "default", name)
            if pod is None and name not in gone:
                gone.append(name)
            if name == "web-1" and pod is not None and pod["metadata"].get("deletionTimestamp"):
                # web-1 is deleted only once web-2 is gone
                assert runner.cluster.store.get("Pod", "default", "web-2") is None
    assert gone == ["web-2", "web-1"]
    assert [m for r, m in sts_events(runner) if r == "SuccessfulDelete"] == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
    ]


def test_scale_down_keeps_claims():
    runner = session()
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("kubectl apply -f -", WEB)
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl scale sts web --replicas=1")
    runner.run_line("sim advance 1m")
    assert pod_names(runner) == ["web-0"]
    claims = [c["metadata"]["name"] for c in runner.cluster.store.list("PersistentVolumeClaim")]
    assert claims == ["www-web-0", "www-web-1"]


def test_parallel_policy_creates_all_at_once():
    parallel = PLAIN.replace("replicas: 2", "replicas: 3\n  podManagementPolicy: Parallel")
    runner = session()
    runner.run_line("kubectl apply -f -", parallel)
    assert pod_names(runner) == ["web-0", "web-1", "web-2"]
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl scale sts web --replicas=0")
    terminating = [
        p["metadata"]["name"]
        for p in runner.cluster.store.list("Pod", "default")
        if p["metadata"].get("deletionTimestamp")
    ]
    assert terminating == ["web-0", "web-1", "web-2"]


def partitioned(partition: int) -> str:
    return (
        PLAIN.replace("replicas: 2", "replicas: 3")
        .replace("nginx-slim:0.24", "nginx-slim:0.21")
        .replace(
            "  serviceName:",
            f"  updateStrategy:\n    rollingUpdate:\n      partition: {partition}\n  serviceName:",
        )
    )


def test_partitioned_rolling_update():
    runner = session()
    runner.run_line("kubectl apply -f -", PLAIN.replace("replicas: 2", "replicas: 3"))
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl apply -f -", partitioned(2))
    runner.run_line("sim advance 1m")

    def image(name):
        return runner.cluster.store.get("Pod", "default", name)["spec"]["containers"][0]["image"]

    assert [image(f"web-{i}") for i in range(3)] == [
        "registry.k8s.io/nginx-slim:0.24",
        "registry.k8s.io/nginx-slim:0.24",
        "registry.k8s.io/nginx-slim:0.21",
    ]
    assert runner.run_line("kubectl rollout status sts/web") == (
        "partitioned roll out complete: 1 new pods have been updated..."
    )
    runner.run_line("kubectl apply -f -", partitioned(0))
    status = runner.run_line("kubectl rollout status sts/web").splitlines()
    assert (
        status[0]
        == "Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated..."
    )
    assert status[-1] == "partitioned roll out complete: 3 new pods have been updated..."
    assert [image(f"web-{i}") for i in range(3)] == ["registry.k8s.io/nginx-slim:0.21"] * 3
    deletions = [m for r, m in sts_events(runner) if r == "SuccessfulDelete"]
    assert deletions == [
        "delete Pod web-2 in StatefulSet web successful",
        "delete Pod web-1 in StatefulSet web successful",
        "delete Pod web-0 in StatefulSet web successful",
    ]
    sts = runner.cluster.store.get("StatefulSet", "default", "web")
    assert sts["status"]["currentRevision"] == sts["status"]["updateRevision"]
    history = runner.run_line("kubectl rollout history sts/web").splitlines()
    assert history[0] == "statefulset.apps/web "
    assert [line.split()[0] for line in history[2:]] == ["1", "2"]


def test_on_delete_updates_only_deleted_pods():
    on_delete = PLAIN.replace(
        "  serviceName:", "  updateStrategy:\n    type: OnDelete\n  serviceName:"
    )
    runner = session()
    runner.run_line("kubectl apply -f -", on_delete)
    runner.run_line("sim advance 30s")
    runner.run_line("kubectl set image sts/web nginx=registry.k8s.io/nginx-slim:0.21")
    runner.run_line("sim advance 30s")
    images = {p["spec"]["containers"][0]["image"] for p in runner.cluster.store.list("Pod")}
    assert images == {"registry.k8s.io/nginx-slim:0.24"}
    runner.run_line("kubectl delete pod web-1")
    runner.run_line("sim advance 1m")
    pod = runner.cluster.store.get("Pod", "default", "web-1")
    assert pod["spec"]["containers"][0]["image"] == "registry.k8s.io/nginx-slim:0.21"


def test_describe_statefulset():
    runner = session()
    runner.run_line("kubectl apply -f -", SERVICE)
    runner.run_line("kubectl apply -f -", WEB)
    runner.run_line("sim advance 1m")
    lines = runner.run_line("kubectl describe sts web").splitlines()
    assert lines[0] == "Name:               web"
    assert lines[1] == "Namespace:          default"
    assert lines[2].startswith("CreationTimestamp:  ")
    for line in (
        "Selector:           app=nginx",
        "Replicas:           2 desired | 2 total",
        "Update Strategy:    RollingUpdate",
        "  Partition:        0",
        "Pods Status:        2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
        "Volume Claims:",
        "  Name:          www",
        "  Capacity:      1Gi",
        "  Access Modes:  [ReadWriteOnce]",
    ):
        assert line in lines
    assert any("create Claim www-web-1 Pod web-1 in StatefulSet web success" in x for x in lines)
