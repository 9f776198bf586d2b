"""The DaemonSet controller, checked against kubernetes.io:

- /docs/concepts/workloads/controllers/daemonset/: the fluentd-elasticsearch example runs one
  pod per node, control-plane nodes included through its tolerations; nodes added to the
  cluster get a pod and nodes removed lose theirs; nodeSelector limits the nodes; the
  controller adds the not-ready/unreachable NoExecute tolerations (no tolerationSeconds)
  and the pressure/unschedulable NoSchedule ones, and pins each pod with a
  `metadata.name` matchFields node affinity that the default scheduler binds.
- /docs/tasks/manage-daemon/update-daemon-set/: RollingUpdate (maxUnavailable 1, maxSurge 0
  by default) replaces the pods one node at a time; `kubectl rollout status ds/<name>`.
"""

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

FLUENTD = """apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v5.0.1
        resources:
          limits:
            memory: 200Mi
          requests:
            cpu: 100m
            memory: 200Mi
        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"""
NS = "-n kube-system"
CONTROL_PLANE_TAINT = "node-role.kubernetes.io/control-plane:NoSchedule"


def session(*nodes: str) -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    for node in nodes:
        runner.run_line(f"sim node add {node}")
    return runner


def pods_by_node(runner, namespace="kube-system") -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pod in runner.cluster.store.list("Pod", namespace):
        found.setdefault(pod["spec"].get("nodeName") or "", []).append(pod["metadata"]["name"])
    return found


def test_fluentd_example_runs_one_pod_per_node_control_plane_included():
    runner = session("node-1", "node-2")
    runner.run_line(f"sim node add control-plane --taints {CONTROL_PLANE_TAINT}")
    assert (
        runner.run_line("kubectl apply -f -", FLUENTD)
        == "daemonset.apps/fluentd-elasticsearch created"
    )
    runner.run_line("sim advance 30s")
    placed = pods_by_node(runner)
    assert sorted(placed) == ["control-plane", "node-1", "node-2"]
    assert all(len(names) == 1 for names in placed.values())
    lines = runner.run_line(f"kubectl get ds {NS}").splitlines()
    assert lines[0].split() == [
        "NAME", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "AVAILABLE", "NODE", "SELECTOR", "AGE",
    ]  # fmt: skip
    assert lines[1].split() == ["fluentd-elasticsearch", "3", "3", "3", "3", "3", "<none>", "30s"]


def test_daemon_pods_carry_tolerations_labels_and_node_pinning():
    runner = session("node-1")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 20s")
    ds = runner.cluster.store.get("DaemonSet", "kube-system", "fluentd-elasticsearch")
    (pod,) = runner.cluster.store.list("Pod", "kube-system")
    assert pod["metadata"]["name"].startswith("fluentd-elasticsearch-")
    labels = pod["metadata"]["labels"]
    assert labels["pod-template-generation"] == "1"
    revision_name = f"fluentd-elasticsearch-{labels['controller-revision-hash']}"
    revision = runner.cluster.store.get("ControllerRevision", "kube-system", revision_name)
    assert revision["revision"] == 1
    assert revision["data"]["spec"]["template"]["$patch"] == "replace"
    assert ds["metadata"]["annotations"]["deprecated.daemonset.template.generation"] == "1"
    assert pod["spec"]["affinity"] == {
        "nodeAffinity": {
            "requiredDuringSchedulingIgnoredDuringExecution": {
                "nodeSelectorTerms": [
                    {
                        "matchFields": [
                            {"key": "metadata.name", "operator": "In", "values": ["node-1"]}
                        ]
                    }
                ]
            }
        }
    }
    added = [t for t in pod["spec"]["tolerations"] if t["key"].startswith("node.kubernetes.io/")]
    assert added == [
        {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"},
        {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute"},
        {"key": "node.kubernetes.io/disk-pressure", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/memory-pressure", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/pid-pressure", "operator": "Exists", "effect": "NoSchedule"},
        {"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"},
    ]
    events = runner.cluster.events_for(ds)
    assert [(e["reason"], e["message"]) for e in events] == [
        ("SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
    ]
    assert events[0]["source"] == {"component": "daemonset-controller"}


def test_defaults_and_status_fields():
    runner = session("node-1", "node-2")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 30s")
    ds = yaml.safe_load(runner.run_line(f"kubectl get ds fluentd-elasticsearch {NS} -o yaml"))
    assert ds["spec"]["updateStrategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0},
    }
    assert ds["spec"]["revisionHistoryLimit"] == 10
    assert ds["status"] == {
        "currentNumberScheduled": 2,
        "desiredNumberScheduled": 2,
        "numberAvailable": 2,
        "numberMisscheduled": 0,
        "numberReady": 2,
        "observedGeneration": 1,
        "updatedNumberScheduled": 2,
    }


def test_new_node_gets_a_pod_and_removed_node_loses_it():
    runner = session("node-1")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 20s")
    runner.run_line("sim node add node-2")
    runner.run_line("sim advance 20s")
    assert sorted(pods_by_node(runner)) == ["node-1", "node-2"]
    runner.run_line("sim node remove node-1")
    runner.run_line("sim advance 2m")
    assert sorted(pods_by_node(runner)) == ["node-2"]
    lines = runner.run_line(f"kubectl get ds {NS}").splitlines()
    assert lines[1].split()[1:6] == ["1", "1", "1", "1", "1"]


def test_tainted_node_is_skipped_unless_tolerated():
    daemon = FLUENTD.replace(
        "      - key: node-role.kubernetes.io/control-plane\n"
        "        operator: Exists\n"
        "        effect: NoSchedule\n",
        "",
    )
    runner = session("node-1")
    runner.run_line(f"sim node add control-plane --taints {CONTROL_PLANE_TAINT}")
    runner.run_line("kubectl apply -f -", daemon)
    runner.run_line("sim advance 20s")
    assert sorted(pods_by_node(runner)) == ["node-1"]
    runner.run_line("kubectl apply -f -", FLUENTD)  # now tolerating it
    runner.run_line("sim advance 20s")
    assert sorted(pods_by_node(runner)) == ["control-plane", "node-1"]


def test_node_selector_follows_node_labels():
    selective = FLUENTD.replace(
        "      tolerations:\n", "      nodeSelector:\n        logging: 'on'\n      tolerations:\n"
    )
    runner = session("node-1", "node-2")
    runner.run_line("kubectl apply -f -", selective)
    runner.run_line("sim advance 10s")
    assert pods_by_node(runner) == {}
    assert runner.run_line("kubectl label node node-2 logging=on") == "node/node-2 labeled"
    runner.run_line("sim advance 20s")
    assert sorted(pods_by_node(runner)) == ["node-2"]
    runner.run_line("kubectl label node node-2 logging-")
    runner.run_line("sim advance 1m")
    assert pods_by_node(runner) == {}
    (row,) = runner.run_line(f"kubectl get ds {NS}").splitlines()[1:]
    assert row.split()[1:7] == ["0", "0", "0", "0", "0", "logging=on"]


def test_rolling_update_replaces_one_node_at_a_time():
    runner = session("node-1", "node-2", "node-3")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 30s")
    old = {p["metadata"]["name"] for p in runner.cluster.store.list("Pod", "kube-system")}
    runner.run_line(
        f"kubectl set image ds/fluentd-elasticsearch {NS} "
        "fluentd-elasticsearch=quay.io/fluentd_elasticsearch/fluentd:v5.0.1 --record"
    )
    updated = FLUENTD.replace(
        "memory: 200Mi\n          requests", "memory: 300Mi\n          requests"
    )
    runner.run_line("kubectl apply -f -", updated)
    seen_unavailable = []
    for _ in range(40):
        pods = [p for p in runner.cluster.store.list("Pod", "kube-system")]
        live_old = [p for p in pods if p["metadata"]["name"] in old]
        # never more than one node without its daemon (maxUnavailable 1)
        seen_unavailable.append(
            3
            - sum(1 for p in live_old if not p["metadata"].get("deletionTimestamp"))
            - sum(
                1
                for p in pods
                if p["metadata"]["name"] not in old and p["status"].get("phase") == "Running"
            )
        )
        runner.run_line("sim advance 1s")
    assert max(seen_unavailable) == 1
    pods = runner.cluster.store.list("Pod", "kube-system")
    assert len(pods) == 3 and not {p["metadata"]["name"] for p in pods} & old
    assert {p["metadata"]["labels"]["pod-template-generation"] for p in pods} == {"2"}
    assert runner.run_line(f"kubectl rollout status ds/fluentd-elasticsearch {NS}") == (
        'daemon set "fluentd-elasticsearch" successfully rolled out'
    )
    ds = runner.cluster.store.get("DaemonSet", "kube-system", "fluentd-elasticsearch")
    reasons = [e["reason"] for e in runner.cluster.events_for(ds)]
    assert reasons.count("SuccessfulDelete") == 3 and reasons.count("SuccessfulCreate") == 6


def test_rollout_status_waits_then_history_and_undo():
    runner = session("node-1", "node-2")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 30s")
    runner.run_line(
        f"kubectl set image ds/fluentd-elasticsearch {NS} fluentd-elasticsearch=nginx:1.27"
    )
    status = runner.run_line(f"kubectl rollout status ds/fluentd-elasticsearch {NS}").splitlines()
    assert status[0] == (
        'Waiting for daemon set "fluentd-elasticsearch" rollout to finish: 0 out of 2 new pods '
        "have been updated..."
    )
    assert status[-1] == 'daemon set "fluentd-elasticsearch" successfully rolled out'
    history = runner.run_line(f"kubectl rollout history ds/fluentd-elasticsearch {NS}")
    assert history.splitlines() == [
        "daemonset.apps/fluentd-elasticsearch ",
        "REVISION   CHANGE-CAUSE",
        "1          <none>",
        "2          <none>",
    ]
    revisions = runner.run_line(f"kubectl get controllerrevisions {NS}").splitlines()
    assert revisions[0].split() == ["NAME", "CONTROLLER", "REVISION", "AGE"]
    assert revisions[1].split()[1] == "daemonset.apps/fluentd-elasticsearch"
    assert runner.run_line(f"kubectl rollout undo ds/fluentd-elasticsearch {NS}") == (
        "daemonset.apps/fluentd-elasticsearch rolled back"
    )
    runner.run_line("sim advance 1m")
    images = {
        p["spec"]["containers"][0]["image"] for p in runner.cluster.store.list("Pod", "kube-system")
    }
    assert images == {"quay.io/fluentd_elasticsearch/fluentd:v5.0.1"}
    history = runner.run_line(f"kubectl rollout history ds/fluentd-elasticsearch {NS}")
    assert history.splitlines()[2:] == ["2          <none>", "3          <none>"]


def test_on_delete_strategy_waits_for_pods_to_be_deleted():
    on_delete = FLUENTD.replace(
        "spec:\n  selector:", "spec:\n  updateStrategy:\n    type: OnDelete\n  selector:"
    )
    runner = session("node-1")
    runner.run_line("kubectl apply -f -", on_delete)
    runner.run_line("sim advance 20s")
    (first,) = runner.cluster.store.list("Pod", "kube-system")
    runner.run_line(
        f"kubectl set image ds/fluentd-elasticsearch {NS} fluentd-elasticsearch=busybox:1.36"
    )
    runner.run_line("sim advance 20s")
    (still,) = runner.cluster.store.list("Pod", "kube-system")
    assert still["metadata"]["name"] == first["metadata"]["name"]
    runner.run_line(f"kubectl delete pod {first['metadata']['name']} {NS}")
    runner.run_line("sim advance 20s")
    (new,) = runner.cluster.store.list("Pod", "kube-system")
    assert new["spec"]["containers"][0]["image"] == "busybox:1.36"
    assert runner.run_line(f"kubectl rollout status ds/fluentd-elasticsearch {NS}") == (
        "error: rollout status is only available for RollingUpdate strategy type"
    )


def test_describe_daemonset():
    runner = session("node-1", "node-2")
    runner.run_line("kubectl apply -f -", FLUENTD)
    runner.run_line("sim advance 30s")
    text = runner.run_line(f"kubectl describe ds fluentd-elasticsearch {NS}")
    lines = text.splitlines()
    assert lines[:4] == [
        "Name:           fluentd-elasticsearch",
        "Namespace:      kube-system",
        "Selector:       name=fluentd-elasticsearch",
        "Node-Selector:  <none>",
    ]
    for line in (
        "Desired Number of Nodes Scheduled: 2",
        "Current Number of Nodes Scheduled: 2",
        "Number of Nodes Scheduled with Up-to-date Pods: 2",
        "Number of Nodes Scheduled with Available Pods: 2",
        "Number of Nodes Misscheduled: 0",
        "Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed",
    ):
        assert line in lines
    assert "  Normal  SuccessfulCreate  30s   daemonset-controller  Created pod: " in text
