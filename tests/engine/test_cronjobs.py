"""CronJobs, checked against kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/
(schedule syntax and macros, concurrencyPolicy Allow/Forbid/Replace, suspend, the
history limits, the `batch.kubernetes.io/cronjob-scheduled-timestamp` annotation, Job
names `<cronjob>-<minutes since the epoch>`) and
/docs/tasks/job/automated-tasks-with-cron-jobs/ (the `hello` example and its output).
Event wording and schedule arithmetic follow pkg/controller/cronjob/cronjob_controllerv2.go
and utils.go; schedule parsing robfig/cron/v3's ParseStandard.
"""

from datetime import UTC, datetime

import pytest
import yaml

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.cron import CronError, parse_standard
from cluster_sim.engine.script import ScriptRunner

HELLO = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""
MONDAY_9AM = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the simulated clock's start


def cronjob(name: str, command: str, job_spec: dict | None = None, **spec) -> str:
    return yaml.safe_dump(
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "metadata": {"name": name},
            "spec": {
                "schedule": "* * * * *",
                **spec,
                "jobTemplate": {
                    "spec": {
                        **(job_spec or {}),
                        "template": {
                            "spec": {
                                "restartPolicy": "Never",
                                "containers": [
                                    {
                                        "name": "c",
                                        "image": "busybox:1.36",
                                        "command": ["sh", "-c", command],
                                    }
                                ],
                            }
                        },
                    }
                },
            },
        }
    )


def session() -> ScriptRunner:
    runner = ScriptRunner(Cluster(seed=2, profile="fast"))
    runner.run_line("sim node add node-1")
    return runner


def jobs(runner) -> list[str]:
    return [j["metadata"]["name"] for j in runner.cluster.store.list("Job", "default")]


def cron_events(runner, name: str) -> list[tuple[str, str]]:
    cj = runner.cluster.api.get("CronJob", "default", name)
    found = sorted(
        runner.cluster.events_for(cj), key=lambda e: (e["firstTimestamp"], e["metadata"]["name"])
    )
    return [(e["reason"], e["message"]) for e in found]


def upcoming(schedule: str, count: int = 3, start: datetime = MONDAY_9AM) -> list[str]:
    parsed, moment, found = parse_standard(schedule), start, []
    for _ in range(count):
        moment = parsed.next(moment)
        found.append(moment.strftime("%a %d %H:%M"))
    return found


def test_schedules_in_cron_syntax():
    assert upcoming("*/15 * * * *") == ["Mon 05 09:15", "Mon 05 09:30", "Mon 05 09:45"]
    assert upcoming("0 0 13 * 5") == ["Fri 09 00:00", "Tue 13 00:00", "Fri 16 00:00"]
    assert upcoming("30 6-16/4 * * MON-fri") == ["Mon 05 10:30", "Mon 05 14:30", "Tue 06 06:30"]
    # 1 January 2026 is past: 1 July 2026, 1 January 2027, 1 July 2027
    assert upcoming("0 3 1 jan,JUL ?") == ["Wed 01 03:00", "Fri 01 03:00", "Thu 01 03:00"]
    assert upcoming("@weekly", 1) == ["Sun 11 00:00"]
    assert upcoming("@hourly", 1) == ["Mon 05 10:00"]
    assert upcoming("@every 90m", 2) == ["Mon 05 10:30", "Mon 05 12:00"]
    assert parse_standard("0 0 30 2 *").next(MONDAY_9AM) is None  # 30 February never comes


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
        ("60 * * * *", "end of range (60) above maximum (59): 60"),
        ("*/0 * * * *", "step of range should be a positive number: */0"),
        ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
        ("* * * * 7", "end of range (7) above maximum (6): 7"),
        ("@fortnightly", "unrecognized descriptor: @fortnightly"),
        ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
    ],
)
def test_unparseable_schedules(schedule, message):
    with pytest.raises(CronError) as error:
        parse_standard(schedule)
    assert str(error.value) == message


def test_hello_cronjob_runs_every_minute():
    runner = session()
    assert runner.run_line("kubectl apply -f -", HELLO) == "cronjob.batch/hello created"
    runner.run_line("sim advance 59s")
    assert jobs(runner) == []
    runner.run_line("sim advance 2s")
    # 2026-01-05T09:01:00Z is 29460061 minutes after the Unix epoch
    assert jobs(runner) == ["hello-29460061"]
    job = runner.cluster.api.get("Job", "default", "hello-29460061")
    assert job["metadata"]["annotations"] == {
        "batch.kubernetes.io/cronjob-scheduled-timestamp": "2026-01-05T09:01:00Z"
    }
    ref = job["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["name"], ref["controller"]) == ("CronJob", "hello", True)
    cj = runner.cluster.api.get("CronJob", "default", "hello")
    assert cj["status"]["lastScheduleTime"] == "2026-01-05T09:01:00Z"
    assert [a["name"] for a in cj["status"]["active"]] == ["hello-29460061"]
    runner.run_line("sim advance 30s")
    cj = runner.cluster.api.get("CronJob", "default", "hello")
    assert "active" not in cj["status"] and cj["status"]["lastSuccessfulTime"]
    assert cron_events(runner, "hello") == [
        ("SuccessfulCreate", "Created job hello-29460061"),
        ("SawCompletedJob", "Saw completed job: hello-29460061, status: Complete"),
    ]
    pod = runner.cluster.store.list("Pod", "default")[0]
    assert runner.run_line(f"kubectl logs {pod['metadata']['name']}").endswith(
        "Hello from the Kubernetes cluster"
    )
    table = runner.run_line("kubectl get cronjob hello").splitlines()
    assert table[0].split() == [
        "NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"
    ]  # fmt: skip
    assert table[1].split()[:6] == ["hello", "*", "*", "*", "*", "*"]
    assert table[1].split()[6:9] == ["<none>", "False", "0"]


def test_history_limits_keep_the_newest_finished_jobs():
    runner = session()
    runner.run_line("kubectl apply -f -", cronjob("tick", "true", failedJobsHistoryLimit=1))
    runner.run_line("sim advance 6m30s")
    assert jobs(runner) == ["tick-29460064", "tick-29460065", "tick-29460066"]
    deleted = [m for r, m in cron_events(runner, "tick") if r == "SuccessfulDelete"]
    assert deleted == ["Deleted job tick-29460061", "Deleted job tick-29460062", "Deleted job tick-29460063"]  # fmt: skip
    runner.run_line(
        "kubectl apply -f -",
        cronjob("boom", "exit 1", {"backoffLimit": 0}, failedJobsHistoryLimit=1),
    )
    runner.run_line("sim advance 3m30s")  # boom-29460067..69 ran and failed
    assert [j for j in jobs(runner) if j.startswith("boom-")] == ["boom-29460069"]


def test_forbid_skips_a_run_while_the_previous_one_is_active():
    runner = session()
    runner.run_line("kubectl apply -f -", cronjob("solo", "sleep 150", concurrencyPolicy="Forbid"))
    runner.run_line("sim advance 3m30s")
    assert jobs(runner) == ["solo-29460061"]
    cj = runner.cluster.api.get("CronJob", "default", "solo")
    (skipped,) = [e for e in runner.cluster.events_for(cj) if e["reason"] == "JobAlreadyActive"]
    assert skipped["count"] == 2  # at 09:02 and 09:03, one event counted twice
    assert skipped["message"] == (
        "Not starting job because prior execution is running and concurrency policy is Forbid"
    )


def test_replace_deletes_the_running_job_for_the_new_one():
    runner = session()
    runner.run_line("kubectl apply -f -", cronjob("swap", "sleep 600", concurrencyPolicy="Replace"))
    runner.run_line("sim advance 2m30s")
    assert jobs(runner) == ["swap-29460062"]
    assert cron_events(runner, "swap") == [
        ("SuccessfulCreate", "Created job swap-29460061"),
        ("SuccessfulDelete", "Deleted job swap-29460061"),
        ("SuccessfulCreate", "Created job swap-29460062"),
    ]


def test_a_suspended_cronjob_creates_nothing():
    runner = session()
    runner.run_line("kubectl apply -f -", cronjob("paused", "true", suspend=True))
    runner.run_line("sim advance 5m")
    assert jobs(runner) == []
    assert "True" in runner.run_line("kubectl get cj paused").splitlines()[1].split()


def test_kubectl_create_cronjob_builds_what_kubectl_sends():
    runner = session()
    out = runner.run_line(
        "kubectl create cronjob hello --image=busybox:1.28 --schedule='*/1 * * * *' "
        "--dry-run=client -o yaml -- date"
    )
    assert out == (
        "apiVersion: batch/v1\n"
        "kind: CronJob\n"
        "metadata:\n"
        "  creationTimestamp: null\n"
        "  name: hello\n"
        "spec:\n"
        "  jobTemplate:\n"
        "    metadata:\n"
        "      creationTimestamp: null\n"
        "      name: hello\n"
        "    spec:\n"
        "      template:\n"
        "        metadata:\n"
        "          creationTimestamp: null\n"
        "        spec:\n"
        "          containers:\n"
        "          - command:\n"
        "            - date\n"
        "            image: busybox:1.28\n"
        "            name: hello\n"
        "            resources: {}\n"
        "          restartPolicy: OnFailure\n"
        "  schedule: '*/1 * * * *'\n"
        "status: {}"
    )
    assert runner.run_line("kubectl create cronjob x --image=busybox") == (
        'error: required flag(s) "schedule" not set'
    )
    assert (
        runner.run_line(
            "kubectl create cronjob hello --image=busybox:1.28 --schedule='*/1 * * * *' -- date"
        )
        == "cronjob.batch/hello created"
    )
    described = runner.run_line("kubectl describe cronjob hello").splitlines()
    for line in (
        "Schedule:                      */1 * * * *",
        "Concurrency Policy:            Allow",
        "Suspend:                       False",
        "Successful Job History Limit:  3",
        "Failed Job History Limit:      1",
        "Starting Deadline Seconds:     <unset>",
        "Last Schedule Time:  <unset>",
        "Active Jobs:         <none>",
    ):
        assert line in described


def test_kubectl_create_job_builds_what_kubectl_sends():
    runner = session()
    out = runner.run_line(
        "kubectl create job pi --image=perl:5.34.0 --dry-run=client -o yaml -- "
        "perl -Mbignum=bpi -wle 'print bpi(2000)'"
    )
    assert out == (
        "apiVersion: batch/v1\n"
        "kind: Job\n"
        "metadata:\n"
        "  creationTimestamp: null\n"
        "  name: pi\n"
        "spec:\n"
        "  template:\n"
        "    metadata:\n"
        "      creationTimestamp: null\n"
        "    spec:\n"
        "      containers:\n"
        "      - command:\n"
        "        - perl\n"
        "        - -Mbignum=bpi\n"
        "        - -wle\n"
        "        - print bpi(2000)\n"
        "        image: perl:5.34.0\n"
        "        name: pi\n"
        "        resources: {}\n"
        "      restartPolicy: Never\n"
        "status: {}"
    )
    assert runner.run_line("kubectl create job a") == (
        "error: either --image or --from must be specified"
    )
    assert runner.run_line("kubectl create job a --from=cronjob/x -- date") == (
        "error: cannot specify --from and command"
    )


def test_create_job_from_a_cronjob():
    runner = session()
    runner.run_line("kubectl apply -f -", HELLO)
    assert runner.run_line("kubectl create job manual --from=cronjob/hello") == (
        "job.batch/manual created"
    )
    job = runner.cluster.api.get("Job", "default", "manual")
    cj = runner.cluster.api.get("CronJob", "default", "hello")
    assert job["metadata"]["annotations"] == {"cronjob.kubernetes.io/instantiate": "manual"}
    assert job["metadata"]["ownerReferences"] == [
        {"apiVersion": "batch/v1", "kind": "CronJob", "name": "hello", "uid": cj["metadata"]["uid"]}
    ]
    runner.run_line("sim advance 20s")
    assert runner.cluster.api.get("Job", "default", "manual")["status"]["succeeded"] == 1
    assert cron_events(runner, "hello") == []  # not the controller's Job: not its business


def test_schedules_are_validated_as_the_api_server_does():
    """validateScheduleFormat (pkg/apis/batch/validation): robfig/cron's ParseStandard
    errors, and TZ/CRON_TZ refused in the schedule of a new CronJob."""
    runner = ScriptRunner(Cluster(seed=2))
    cases = {
        "*/0 * * * *": "step of range should be a positive number: */0",
        "61 * * * *": "end of range (61) above maximum (59): 61",
        "TZ=UTC 0 * * * *": "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
        "* * *": "expected exactly 5 fields, found 3: [* * *]",
    }
    for index, (schedule, problem) in enumerate(cases.items()):
        out = runner.run_line(
            f'kubectl create cronjob c{index} --image=busybox --schedule="{schedule}"'
        )
        assert out == (
            f'error: failed to create cronjob: CronJob.batch "c{index}" is invalid: '
            f'spec.schedule: Invalid value: "{schedule}": {problem}'
        )
    assert runner.run_line('kubectl create cronjob ok --image=busybox --schedule="@every 1h"') == (
        "cronjob.batch/ok created"
    )


def test_a_time_zone_moves_the_schedule_to_its_wall_clock():
    """kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#time-zones: spec.timeZone
    takes any IANA zone; `0 9 * * *` in America/New_York fires at 14:00 UTC in January.
    validateTimeZone refuses an unknown zone and Local."""
    runner = ScriptRunner(Cluster(seed=2))
    runner.run_line("sim node add node-1")
    manifest = """apiVersion: batch/v1
kind: CronJob
metadata: {name: morning}
spec:
  schedule: "0 9 * * *"
  timeZone: %s
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: hello, image: busybox:1.36, command: ["date"]}]
"""
    assert runner.run_line("kubectl apply -f -", manifest % "America/New_York") == (
        "cronjob.batch/morning created"
    )
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the simulated clock's first instant
    fires = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
    hours = int((fires - start).total_seconds() // 3600)
    runner.run_line(f"sim advance {hours}h")
    assert runner.cluster.store.list("Job", "default") == []
    runner.run_line("sim advance 1m")
    jobs = runner.cluster.store.list("Job", "default")
    minutes = int(fires.timestamp() // 60)
    assert [j["metadata"]["name"] for j in jobs] == [f"morning-{minutes}"]
    assert runner.run_line(
        "kubectl apply -f -", manifest.replace("morning", "bad") % "Mars/Olympus"
    ) == (
        'The CronJob "bad" is invalid: spec.timeZone: Invalid value: "Mars/Olympus": '
        "unknown time zone Mars/Olympus"
    )
    assert "timeZone must be an explicit time zone" in runner.run_line(
        "kubectl apply -f -", manifest.replace("morning", "local") % "Local"
    )
