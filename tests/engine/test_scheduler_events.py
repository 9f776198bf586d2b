"""kube-scheduler's events go through the events.k8s.io/v1 recorder (client-go tools/events).

Checked against upstream source:
- pkg/scheduler/schedule_one.go: finishBinding records Eventf(assumed, nil, Normal,
  "Scheduled", "Binding", ...) about the pod as queued (before the binding); handleScheduling-
  Failure records Eventf(pod, nil, Warning, "FailedScheduling", "Scheduling", msg), then
  updates the PodScheduled condition;
- client-go tools/events/event_recorder.go makeEvent: eventTime (MicroTime), reporting
  controller and instance, action, no deprecated source/timestamps/count; event_broadcaster.go
  NewRecorder: reportingInstance = controller + "-" + hostname; recordToSink: the first repeat
  of an isomorphic event (same type, action, reason, controller, instance, regarding with its
  resourceVersion, related) becomes a series {count 2, lastObservedTime} at once, later ones
  only count in memory; finishSeries (every 6 min) writes a series idle for 6 min and forgets
  it, forgets a singleton older than 6 min; refreshExistingEventSeries runs every 30 min;
- kubectl: printers.go printEvent (LAST SEEN falls back to eventTime, a series gives LAST SEEN
  and COUNT, SOURCE falls back to reportingController/Instance), describe.go DescribeEvents
  (Age from eventTime and the series, From falls back to reportingController, sorted by
  lastTimestamp so these events come first), get/sorter.go (a null sorts first).
"""

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.event_series import FINISH_TIME_MS, REFRESH_TIME_MS
from cluster_sim.engine.events import EVENT_TTL_MS, object_reference
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import MINUTE, SECOND, parse_rfc3339, rfc3339_micro

BIG_POD = """apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  containers:
  - name: main
    image: nginx
    resources:
      requests:
        cpu: "4"
"""


def session():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add node-1 --cpu 2 --memory 4Gi")
    return runner


def pod_events(runner, name, reason=None):
    return sorted(
        (
            e
            for e in runner.cluster.store.list("Event", "default")
            if e["involvedObject"]["name"] == name and reason in (None, e["reason"])
        ),
        key=lambda e: e["metadata"]["name"],
    )


def test_scheduled_event_has_the_events_api_shape():
    runner = session()
    runner.run_line("sim advance 1500ms")
    runner.run_line("kubectl run web --image=nginx")
    pod = runner.cluster.store.get("Pod", "default", "web")
    [event] = pod_events(runner, "web", "Scheduled")
    assert event["eventTime"] == rfc3339_micro(1500) == "2026-01-05T09:00:01.500000Z"
    assert event["firstTimestamp"] is None and event["lastTimestamp"] is None
    assert "count" not in event and "series" not in event
    assert event["source"] == {}
    assert event["action"] == "Binding"
    assert event["reportingComponent"] == "default-scheduler"
    assert event["reportingInstance"] == "default-scheduler-control-plane"
    assert event["message"] == "Successfully assigned default/web to node-1"
    # about the pod as the scheduler queued it: the binding changed it since
    assert int(event["involvedObject"]["resourceVersion"]) < int(pod["metadata"]["resourceVersion"])
    assert event["metadata"]["name"].startswith("web.")
    yaml = runner.run_line("kubectl get events --field-selector reason=Scheduled -o yaml")
    for line in (
        "- action: Binding",
        '  eventTime: "2026-01-05T09:00:01.500000Z"',
        "  firstTimestamp: null",
        "  lastTimestamp: null",
        "  reportingInstance: default-scheduler-control-plane",
        "  source: {}",
    ):
        assert line in yaml.splitlines()
    assert "count:" not in yaml


def test_failed_scheduling_repeats_become_a_series_after_the_condition_settles():
    runner = session()
    runner.run_line("kubectl apply -f -", BIG_POD)
    [first] = pod_events(runner, "big")
    assert first["action"] == "Scheduling" and first["type"] == "Warning"
    # The failure set the PodScheduled condition: the pod's resourceVersion changed, so the
    # next failure is about another version of it, a new event.
    recorder = runner.cluster.ctx.events
    pod = runner.cluster.store.get("Pod", "default", "big")
    message = first["message"]
    ref = object_reference(pod)

    def fail_again():
        recorder.eventf(
            ref,
            "Warning",
            "FailedScheduling",
            "Scheduling",
            message,
            controller="default-scheduler",
            instance="default-scheduler-control-plane",
        )

    runner.run_line("sim advance 10s")
    fail_again()
    assert len(pod_events(runner, "big")) == 2
    second = pod_events(runner, "big")[1]
    assert "series" not in second
    runner.run_line("sim advance 20s")
    fail_again()  # the first repeat: written at once as a series
    assert second["series"] == {"count": 2, "lastObservedTime": rfc3339_micro(30 * SECOND)}
    runner.run_line("sim advance 30s")
    fail_again()
    fail_again()  # later repeats are only counted in the recorder
    assert second["series"]["count"] == 2
    wide = runner.run_line("kubectl get events --field-selector involvedObject.name=big -o wide")
    assert "default-scheduler, default-scheduler-control-plane" in wide
    assert wide.splitlines()[2].split()[0] == "30s"  # LAST SEEN: the series' lastObservedTime
    described = runner.run_line("kubectl describe pod big")
    assert "  Warning  FailedScheduling  30s (x2 over 50s)  default-scheduler  0/1" in described
    # finishSeries (every 6 min) writes the final count once the series has been idle 6 min
    runner.cluster.advance(2 * FINISH_TIME_MS - runner.cluster.now_ms)
    assert second["series"] == {"count": 4, "lastObservedTime": rfc3339_micro(60 * SECOND)}
    # ... and forgets it: the same failure now starts a new event
    fail_again()
    assert len(pod_events(runner, "big")) == 3


def test_a_singleton_is_forgotten_after_six_minutes_and_a_series_refreshed_every_thirty():
    runner = session()
    recorder = runner.cluster.ctx.events
    node = runner.cluster.store.get("Node", "", "node-1")

    def emit():
        return recorder.eventf(
            object_reference(node),
            "Normal",
            "Probe",
            "Testing",
            "same note",
            controller="default-scheduler",
            instance="default-scheduler-control-plane",
        )

    first = emit()
    runner.cluster.advance(2 * FINISH_TIME_MS)  # two finishSeries passes: 6 and 12 min
    assert emit()["metadata"]["name"] != first["metadata"]["name"]
    third = emit()  # a repeat within 6 minutes: a series on the second event
    assert third["series"]["count"] == 2
    for _ in range(3):
        emit()
        runner.cluster.advance(2 * MINUTE)  # never idle 6 min: finishSeries keeps it
    written_before = third["metadata"]["resourceVersion"]
    runner.cluster.advance(REFRESH_TIME_MS - runner.cluster.now_ms)
    assert third["metadata"]["resourceVersion"] != written_before  # refreshed
    assert third["series"]["count"] == 5


def test_events_expire_an_hour_after_their_last_write():
    runner = session()
    runner.run_line("kubectl run web --image=nginx")
    [event] = pod_events(runner, "web", "Scheduled")
    runner.cluster.advance(EVENT_TTL_MS - SECOND)
    assert pod_events(runner, "web", "Scheduled") == [event]
    runner.cluster.advance(SECOND)
    assert pod_events(runner, "web", "Scheduled") == []


def test_kubectl_shows_the_scheduler_events_from_event_time():
    runner = session()
    runner.run_line("sim advance 5s")
    runner.run_line("kubectl run web --image=nginx")
    runner.run_line("sim advance 20s")
    table = runner.run_line("kubectl get events --field-selector involvedObject.name=web")
    scheduled = next(row for row in table.splitlines() if "Scheduled" in row)
    assert scheduled.split()[:4] == ["20s", "Normal", "Scheduled", "pod/web"]
    described = runner.run_line("kubectl describe pod web")
    events = described.split("Events:\n", 1)[1].splitlines()
    assert events[2].split() == [
        "Normal",
        "Scheduled",
        "20s",
        "default-scheduler",
        "Successfully",
        "assigned",
        "default/web",
        "to",
        "node-1",
    ]
    by_source = runner.run_line("kubectl get events --field-selector source=default-scheduler")
    assert "Scheduled" in by_source and "Pulling" not in by_source


def test_sort_by_last_timestamp_puts_the_scheduler_events_first():
    runner = session()
    runner.run_line("sim advance 5s")
    runner.run_line("kubectl run web --image=nginx")
    runner.run_line("sim advance 20s")
    rows = runner.run_line("kubectl get events --sort-by=.lastTimestamp").splitlines()[1:]
    assert rows[0].split()[2] == "Scheduled"
    # a null is a value: sorting only such events is not "no field found"
    only = runner.run_line(
        "kubectl get events --field-selector reason=Scheduled --sort-by=.lastTimestamp"
    )
    assert "Scheduled" in only and "error" not in only


def test_the_taint_eviction_controller_keeps_the_core_recorder():
    """pkg/controller/tainteviction New: record.NewBroadcaster + EventSource{Component}."""
    runner = session()
    runner.run_line("kubectl run web --image=nginx")
    runner.run_line("sim node kill node-1")
    runner.run_line("sim advance 7m")
    [evicted] = pod_events(runner, "web", "TaintManagerEviction")
    assert evicted["source"] == {"component": "taint-eviction-controller"}
    assert evicted["count"] == 1 and evicted["eventTime"] is None
    assert parse_rfc3339(evicted["lastTimestamp"]) > 0
