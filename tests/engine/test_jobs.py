"""The Job controller, checked against kubernetes.io/docs/concepts/workloads/controllers/job/
(the pi example, parallelism and completions, the pod backoff failure policy with its
10 s doubling delay, activeDeadlineSeconds, restartPolicy OnFailure, pods replaced after
a node failure) and /docs/tasks/job/indexed-parallel-processing-static/ (Indexed Jobs:
JOB_COMPLETION_INDEX, `<job>-<index>-<suffix>` names, the index annotation and label).
Status fields, condition order (SuccessCriteriaMet then Complete; FailureTarget then
Failed), reasons and event wording follow pkg/controller/job/job_controller.go (v1.34);
the defaults SetDefaults_Job and the Job strategy's generateSelector.
"""

import re

import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.controllers.job_util import format_indexes, parse_indexes
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import parse_rfc3339

PI = """apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""


def job_manifest(name: str, command: str, **spec) -> str:
    restart = spec.pop("restart", "Never")
    body = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": name},
        "spec": {
            **spec,
            "template": {
                "spec": {
                    "restartPolicy": restart,
                    "containers": [
                        {"name": "c", "image": "busybox:1.36", "command": ["sh", "-c", command]}
                    ],
                }
            },
        },
    }
    return yaml.safe_dump(body)


def session(nodes=("node-1",)) -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    for node in nodes:
        runner.run_line(f"sim node add {node}")
    return runner


def job(runner, name: str) -> dict:
    return runner.cluster.api.get("Job", "default", name)


def job_pods(runner, name: str) -> list[dict]:
    return [
        p
        for p in runner.cluster.store.list("Pod", "default")
        if (p["metadata"].get("labels") or {}).get("batch.kubernetes.io/job-name") == name
    ]


def events(runner, name: str) -> list[tuple[str, str, str]]:
    found = runner.cluster.events_for(job(runner, name))
    found.sort(key=lambda e: (e["firstTimestamp"], e["metadata"]["name"]))
    return [(e["type"], e["reason"], e["message"]) for e in found]


def test_the_pi_job_is_defaulted_as_the_api_server_stores_it():
    runner = session()
    assert runner.run_line("kubectl apply -f -", PI) == "job.batch/pi created"
    pi = job(runner, "pi")
    uid = pi["metadata"]["uid"]
    generated = {
        "batch.kubernetes.io/controller-uid": uid,
        "batch.kubernetes.io/job-name": "pi",
        "controller-uid": uid,
        "job-name": "pi",
    }
    assert pi["metadata"]["labels"] == generated
    spec = pi["spec"]
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert spec["template"]["metadata"]["labels"] == generated
    assert {k: v for k, v in spec.items() if k not in ("selector", "template")} == {
        "backoffLimit": 4,
        "completionMode": "NonIndexed",
        "completions": 1,
        "manualSelector": False,
        "parallelism": 1,
        "podReplacementPolicy": "TerminatingOrFailed",
        "suspend": False,
    }
    assert spec["template"]["spec"]["dnsPolicy"] == "ClusterFirst"
    default = yaml.safe_load(
        runner.run_line("kubectl create -f -", PI.replace("name: pi\n", "name: pi2\n", 1))
        and runner.run_line("kubectl get job pi2 -o yaml")
    )
    assert default["spec"]["backoffLimit"] == 4


def test_the_pi_job_runs_to_completion_and_prints_its_digits():
    runner = session()
    runner.run_line("kubectl apply -f -", PI)
    (pod,) = job_pods(runner, "pi")
    assert pod["metadata"]["generateName"] == "pi-"
    assert pod["metadata"]["finalizers"] == ["batch.kubernetes.io/job-tracking"]
    assert pod["metadata"]["ownerReferences"][0]["kind"] == "Job"
    assert job(runner, "pi")["status"] == {
        "active": 1,
        "ready": 0,
        "startTime": "2026-01-05T09:00:00Z",
        "terminating": 0,
        "uncountedTerminatedPods": {},
    }
    runner.run_line("sim advance 90s")
    status = job(runner, "pi")["status"]
    assert [(c["type"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("SuccessCriteriaMet", "CompletionsReached", "Reached expected number of succeeded pods"),
        ("Complete", "CompletionsReached", "Reached expected number of succeeded pods"),
    ]
    assert status["succeeded"] == 1 and "active" not in status and "failed" not in status
    assert status["completionTime"] == status["conditions"][1]["lastTransitionTime"]
    assert status["uncountedTerminatedPods"] == {} and status["terminating"] == 0
    name = pod["metadata"]["name"]
    assert events(runner, "pi") == [
        ("Normal", "SuccessfulCreate", f"Created pod: {name}"),
        ("Normal", "Completed", "Job completed"),
    ]
    assert "finalizers" not in pod["metadata"]  # counted: the tracking finalizer is gone
    assert runner.run_line("kubectl logs job/pi").startswith("3.14159265358979323846")
    table = runner.run_line("kubectl get jobs").splitlines()
    assert table[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert table[1].split()[:3] == ["pi", "Complete", "1/1"]
    assert runner.run_line("kubectl get pods").splitlines()[1].split()[2] == "Completed"


def test_describe_job_shows_the_counts_and_the_pod_template():
    runner = session()
    runner.run_line("kubectl apply -f -", PI)
    runner.run_line("sim advance 90s")
    text = runner.run_line("kubectl describe job pi")
    uid = job(runner, "pi")["metadata"]["uid"]
    lines = text.splitlines()
    assert lines[:3] == [
        "Name:             pi",
        "Namespace:        default",
        f"Selector:         batch.kubernetes.io/controller-uid={uid}",
    ]
    for expected in (
        "Parallelism:      1",
        "Completions:      1",
        "Completion Mode:  NonIndexed",
        "Suspend:          false",
        "Backoff Limit:    4",
        "Start Time:       Mon, 05 Jan 2026 09:00:00 +0000",
        "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed",
        "      print bpi(2000)",
    ):
        assert expected in lines
    assert any(line.startswith("Duration:") for line in lines)
    assert "Normal  Completed         " in text and "job-controller  Job completed" in text


def test_parallel_job_keeps_parallelism_active_up_to_the_completions_left():
    runner = session()
    runner.run_line(
        "kubectl apply -f -", job_manifest("par", "sleep 5", completions=5, parallelism=2)
    )
    most_active = 0
    for _ in range(60):
        runner.run_line("sim advance 1s")
        running = [
            p for p in job_pods(runner, "par") if p["status"].get("phase") in ("Pending", "Running")
        ]
        most_active = max(most_active, len(running))
    assert most_active == 2
    status = job(runner, "par")["status"]
    assert status["succeeded"] == 5 and len(job_pods(runner, "par")) == 5
    assert runner.run_line("kubectl get job par").splitlines()[1].split()[1:3] == [
        "Complete",
        "5/5",
    ]


def test_failing_pods_are_retried_with_backoff_until_the_backoff_limit():
    runner = session()
    runner.run_line("kubectl apply -f -", job_manifest("fail", "echo boom; exit 1", backoffLimit=2))
    runner.run_line("sim advance 3m")
    status = job(runner, "fail")["status"]
    assert status["failed"] == 3 and "succeeded" not in status
    assert [(c["type"], c["reason"]) for c in status["conditions"]] == [
        ("FailureTarget", "BackoffLimitExceeded"),
        ("Failed", "BackoffLimitExceeded"),
    ]
    assert "completionTime" not in status
    assert events(runner, "fail")[-1] == (
        "Warning",
        "BackoffLimitExceeded",
        "Job has reached the specified backoff limit",
    )
    created = sorted(
        parse_rfc3339(p["metadata"]["creationTimestamp"]) for p in job_pods(runner, "fail")
    )
    gaps = [b - a for a, b in zip(created, created[1:], strict=False)]
    # each replacement waits 10 s, then 20 s, after the previous pod failed (plus its run)
    assert 10_000 <= gaps[0] < 20_000 and 20_000 <= gaps[1] < 30_000
    assert runner.run_line("kubectl get job fail").splitlines()[1].split()[1:3] == [
        "Failed",
        "0/1",
    ]


def test_active_deadline_seconds_stops_the_job():
    runner = session()
    runner.run_line(
        "kubectl apply -f -", job_manifest("slow", "sleep 600", activeDeadlineSeconds=20)
    )
    runner.run_line("sim advance 19s")
    assert "conditions" not in job(runner, "slow")["status"]
    runner.run_line("sim advance 2s")
    status = job(runner, "slow")["status"]
    assert [(c["type"], c["reason"], c["message"]) for c in status["conditions"]] == [
        ("FailureTarget", "DeadlineExceeded", "Job was active longer than specified deadline")
    ]
    assert status["terminating"] == 1 and status["failed"] == 1
    runner.run_line("sim advance 60s")  # the pod's grace period ends
    status = job(runner, "slow")["status"]
    assert [c["type"] for c in status["conditions"]] == ["FailureTarget", "Failed"]
    assert status["terminating"] == 0 and not job_pods(runner, "slow")
    reasons = [reason for _, reason, _ in events(runner, "slow")]
    assert reasons == ["SuccessfulCreate", "SuccessfulDelete", "DeadlineExceeded"]


def test_restart_policy_on_failure_counts_container_restarts():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        job_manifest("flaky", "exit 1", backoffLimit=2, restart="OnFailure"),
    )
    runner.run_line("sim advance 2m")
    status = job(runner, "flaky")["status"]
    assert [c["type"] for c in status["conditions"]] == ["FailureTarget", "Failed"]
    assert status["conditions"][0]["reason"] == "BackoffLimitExceeded"
    assert len(job_pods(runner, "flaky")) <= 1  # one pod, restarted in place, then deleted


def test_indexed_job_pods_get_their_index():
    runner = session()
    runner.run_line(
        "kubectl apply -f -",
        job_manifest(
            "idx",
            "echo index $JOB_COMPLETION_INDEX on $(hostname)",
            completions=3,
            parallelism=3,
            completionMode="Indexed",
        ),
    )
    pods = sorted(job_pods(runner, "idx"), key=lambda p: p["metadata"]["name"])
    assert [p["metadata"]["generateName"] for p in pods] == ["idx-0-", "idx-1-", "idx-2-"]
    for index, pod in enumerate(pods):
        assert pod["metadata"]["name"].startswith(f"idx-{index}-")
        assert pod["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] == str(
            index
        )
        assert pod["metadata"]["labels"]["batch.kubernetes.io/job-completion-index"] == str(index)
        assert pod["spec"]["hostname"] == f"idx-{index}"
        assert pod["spec"]["containers"][0]["env"][-1] == {
            "name": "JOB_COMPLETION_INDEX",
            "valueFrom": {
                "fieldRef": {
                    "apiVersion": "v1",
                    "fieldPath": "metadata.labels['batch.kubernetes.io/job-completion-index']",
                }
            },
        }
    runner.run_line("sim advance 30s")
    status = job(runner, "idx")["status"]
    assert status["completedIndexes"] == "0-2" and status["succeeded"] == 3
    for index, pod in enumerate(pods):
        assert runner.run_line(f"kubectl logs {pod['metadata']['name']}") == (
            f"index {index} on idx-{index}"
        )
    assert "Completed Indexes:  0-2" in runner.run_line("kubectl describe job idx")


def test_completed_indexes_intervals():
    assert format_indexes({0, 1, 2, 4, 6, 7}) == "0-2,4,6,7"
    assert format_indexes(set()) == ""
    assert parse_indexes("0-2,4,6,7", 7) == {0, 1, 2, 4, 6}


def test_a_pod_lost_with_its_node_is_replaced():
    runner = session(("node-1", "node-2"))
    runner.run_line("kubectl apply -f -", job_manifest("long", "sleep 300"))
    runner.run_line("sim advance 20s")
    (first,) = job_pods(runner, "long")
    lost_node = first["spec"]["nodeName"]
    runner.run_line(f"sim node kill {lost_node}")
    runner.run_line("sim advance 2m")  # NotReady, then the unreachable taint evicts it
    assert first["metadata"].get("deletionTimestamp")  # Terminating: its kubelet is gone
    replacements = [p for p in job_pods(runner, "long") if p is not first]
    assert len(replacements) == 1
    assert replacements[0]["spec"]["nodeName"] != lost_node
    status = job(runner, "long")["status"]
    assert status["failed"] == 1 and status["terminating"] == 1 and status["active"] == 1
    runner.run_line("sim advance 6m")
    # the replacement succeeded, but a pod still terminates: only the interim condition
    status = job(runner, "long")["status"]
    assert [c["type"] for c in status["conditions"]] == ["SuccessCriteriaMet"]
    runner.run_line(f"sim node remove {lost_node}")
    runner.run_line("sim advance 2m")  # PodGC deletes the orphaned pod
    status = job(runner, "long")["status"]
    assert [c["type"] for c in status["conditions"]] == ["SuccessCriteriaMet", "Complete"]
    assert status["succeeded"] == 1 and status["failed"] == 1 and status["terminating"] == 0


def test_deleting_a_job_deletes_its_pods():
    runner = session()
    runner.run_line("kubectl apply -f -", job_manifest("gone", "sleep 300"))
    runner.run_line("sim advance 10s")
    assert job_pods(runner, "gone")
    assert (
        runner.run_line("kubectl delete job gone")
        == 'job.batch "gone" deleted from default namespace'
    )
    runner.run_line("sim advance 60s")
    assert not job_pods(runner, "gone")


def test_pod_failure_policy_fails_the_job_or_ignores_the_failure():
    """kubernetes.io/docs/tasks/job/pod-failure-policy/ and matchPodFailurePolicy
    (pkg/controller/job/pod_failure_policy.go): FailJob ends the Job at the first matching
    exit code with reason PodFailurePolicy; Ignore leaves the failure out of backoffLimit."""
    runner = ScriptRunner(Cluster(seed=5))
    runner.run_line("sim node add --count 2 --prefix node-")
    template = """apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
  completions: 2
  backoffLimit: 0
  podFailurePolicy:
    rules:
    - action: {action}
      onExitCodes: {{operator: In, values: [3]}}
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: main
        image: busybox:1.36
        command: ["sh", "-c", "sleep 5; exit 3"]
"""
    runner.run_line("kubectl apply -f -", template.format(name="fail", action="FailJob"))
    runner.run_line("sim advance 30s")
    job = runner.cluster.store.get("Job", "default", "fail")
    failed = [c for c in job["status"]["conditions"] if c["type"] == "Failed"]
    assert failed and failed[0]["reason"] == "PodFailurePolicy"
    assert re.fullmatch(
        r"Container main for pod default/fail-\w{5} failed with exit code 3 "
        r"matching FailJob rule at index 0",
        failed[0]["message"],
    )
    runner.run_line("kubectl apply -f -", template.format(name="ignore", action="Ignore"))
    runner.run_line("sim advance 40s")
    job = runner.cluster.store.get("Job", "default", "ignore")
    status = job["status"]
    # backoffLimit 0, yet the Job runs on: ignored failures are not counted, pods replaced
    assert "failed" not in status and not any(
        c["type"] == "Failed" for c in status.get("conditions") or ()
    )
    pods = [
        p
        for p in runner.cluster.store.list("Pod", "default")
        if p["metadata"]["name"].startswith("ignore-")
    ]
    assert len(pods) > 2
