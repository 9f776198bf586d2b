"""`kubectl events` (kubectl v1.32, staging/src/k8s.io/kubectl/pkg/cmd/events).

The expected outputs were checked against the real kubectl v1.32.4 client run against an API
server serving this simulation's events (the same event list, times shifted to the present):
columns, Kind/name objects, the `(xN over T)` interval, the NAMESPACE column with -A, the
order (sort.Sort by series lastObservedTime, lastTimestamp, then eventTime, ties in Go's
pdqsort order), `--for` (kind, apiVersion and name), `--types`, the "No events found"
wording, the errors, `-o json` in Go struct order and `-o name` printing nothing.
"""

import json

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.kubectl.go_sort import go_sort
from cluster_sim.engine.script import ScriptRunner

BIG_POD = """apiVersion: v1
kind: Pod
metadata:
  name: trainer
spec:
  containers:
  - name: train
    image: clusterlab/train:1.0
    resources:
      requests:
        cpu: "2"
"""


@pytest.fixture(scope="module")
def runner():
    runner = ScriptRunner(Cluster(seed=0))
    runner.run_line("sim node add small-1 --cpu 1 --memory 2Gi")
    runner.run_line("kubectl apply -f -", BIG_POD)
    runner.run_line("sim advance 5s")
    runner.run_line("kubectl run a --image=nginx")
    runner.run_line("sim advance 20s")
    runner.run_line("kubectl delete pod a --wait=false")
    runner.run_line("sim advance 60s")
    runner.run_line("kubectl run b --image=nginx")
    return runner


def test_events_are_listed_by_time_with_kind_slash_name(runner):
    lines = runner.run_line("kubectl events").splitlines()
    assert lines[0].split() == ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    assert lines[0].startswith("LAST SEEN           TYPE      REASON ")
    rows = [line.split(None, 4) for line in lines[1:]]
    # the node's boot events share one second; Go's pdqsort leaves them in this order
    assert [row[2] for row in rows[:6]] == [
        "NodeHasNoDiskPressure",
        "FailedScheduling",
        "NodeAllocatableEnforced",
        "NodeHasSufficientPID",
        "Starting",
        "NodeHasSufficientMemory",
    ]
    assert rows[1][3] == "Pod/trainer" and rows[0][3] == "Node/small-1"
    series = next(line for line in lines if "(x2 over" in line)
    assert series.startswith("59s (x2 over 75s)   Warning   FailedScheduling          Pod/trainer")
    assert lines[-1].split()[:4] == ["0s", "Normal", "Scheduled", "Pod/b"]


def test_all_namespaces_adds_a_namespace_column(runner):
    lines = runner.run_line("kubectl events -A").splitlines()
    assert lines[0].startswith("NAMESPACE   LAST SEEN ")
    assert all(line.startswith("default     ") for line in lines[1:])


def test_for_and_types_filter(runner):
    trainer = runner.run_line("kubectl events --for pod/trainer").splitlines()
    assert len(trainer) == 3 and all("Pod/trainer" in line for line in trainer[1:])
    assert runner.run_line("kubectl events --for po/trainer --types warning,NORMAL") == (
        runner.run_line("kubectl events --for pod/trainer")
    )
    warnings = runner.run_line("kubectl events --types Warning --no-headers").splitlines()
    assert len(warnings) == 2 and all("Warning" in line for line in warnings)
    assert runner.run_line("kubectl events --for pod/a --types Warning") == (
        "No events found in default namespace."
    )
    assert runner.run_line("kubectl events --for deploy/a") == (
        "No events found in default namespace."
    )
    assert runner.run_line("kubectl events -n kube-system") == (
        "No events found in kube-system namespace."
    )
    node = runner.run_line("kubectl events --for node/small-1").splitlines()
    assert len(node) == 7


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl events --for trainer", "error: --for must be in resource/name form"),
        (
            "kubectl events --for pod/a/b",
            "error: arguments in resource/name form may not have more than one slash",
        ),
        ("kubectl events --for foo/bar", 'the server doesn\'t have a resource type "foo"'),
        ("kubectl events --types Foo", "error: valid --types are Normal or Warning"),
        (
            "kubectl events -o wide",
            'error: unable to match a printer suitable for the output format "wide", allowed '
            "formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,"
            "jsonpath-file,name,template,templatefile,yaml",
        ),
        (
            "kubectl events -o jsonpath={.items}",
            'error: ClusterLab does not simulate the output format "jsonpath={.items}" yet',
        ),
        (
            "kubectl events --watch",
            'error: ClusterLab does not simulate "kubectl events --watch" yet',
        ),
        ("kubectl events --for node/small-1 -o name", ""),
    ],
)
def test_errors_and_refusals(runner, line, expected):
    assert runner.run_line(line) == expected


def test_json_is_a_typed_event_list_in_struct_order(runner):
    text = runner.run_line("kubectl events --for pod/trainer -o json")
    listed = json.loads(text)
    assert list(listed) == ["kind", "apiVersion", "metadata", "items"]
    assert listed["kind"] == "EventList" and listed["metadata"] == {}
    first, second = listed["items"]
    assert list(first) == [
        "kind",
        "apiVersion",
        "metadata",
        "involvedObject",
        "reason",
        "message",
        "source",
        "firstTimestamp",
        "lastTimestamp",
        "type",
        "eventTime",
        "action",
        "reportingComponent",
        "reportingInstance",
    ]
    assert list(first["involvedObject"]) == [
        "kind",
        "namespace",
        "name",
        "uid",
        "apiVersion",
        "resourceVersion",
    ]
    assert second["series"]["count"] == 2
    assert list(second)[list(second).index("eventTime") + 1] == "series"


def test_yaml_prints_the_same_list(runner):
    text = runner.run_line("kubectl events --for pod/a -o yaml")
    assert text.startswith("apiVersion: v1\nitems:\n- action: Binding\n")
    assert text.endswith("kind: EventList\nmetadata: {}")
    assert "  count: 1\n  eventTime: null\n" in text  # the kubelet's core/v1 events


def test_help_is_kubectls():
    runner = ScriptRunner(Cluster(seed=0))
    text = runner.run_line("kubectl events --help")
    assert text.startswith("Display events.")
    assert "kubectl events [(-o|--output=)json|yaml|name|go-template" in text
    assert runner.run_line("kubectl events") == "No events found in default namespace."
    assert runner.run_line("kubectl events -A") == "No events found."


# Orders kubectl v1.32.4 (Go 1.23.8) printed for events whose times are given by index.
GO_ORDERS = {
    "a": (
        [(i * 7) % 5 for i in range(60)],
        [40, 30, 55, 10, 20, 5, 50, 0, 35, 45, 15, 25, 38, 13, 58, 23, 8, 33, 18, 48, 53, 43, 28, 3,
         31, 36, 26, 1, 56, 51, 21, 6, 46, 11, 41, 16, 49, 24, 14, 39, 59, 34, 54, 4, 44, 9, 29, 19,
         47, 7, 37, 32, 52, 17, 42, 2, 22, 57, 27, 12],
    ),
    "b": (
        [(i * i) % 11 for i in range(120)],
        [11, 55, 66, 44, 77, 33, 88, 110, 0, 22, 99, 89, 67, 1, 100, 10, 56, 65, 98, 45, 43, 21, 12,
         23, 109, 54, 76, 111, 78, 87, 34, 32, 105, 83, 93, 28, 27, 6, 38, 39, 115, 71, 104, 5, 72,
         94, 116, 17, 61, 49, 50, 60, 16, 82, 90, 35, 119, 57, 2, 112, 108, 9, 13, 101, 64, 97, 46,
         42, 68, 20, 24, 53, 86, 31, 79, 75, 29, 18, 37, 117, 114, 81, 73, 59, 84, 4, 40, 7, 26, 51,
         70, 106, 92, 48, 62, 95, 103, 15, 47, 8, 14, 63, 102, 96, 19, 69, 91, 107, 25, 36, 41, 85,
         30, 113, 80, 3, 58, 74, 118, 52],
    ),
    "sorted": ([i // 4 for i in range(40)], list(range(40))),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(GO_ORDERS))
def test_go_sort_leaves_ties_where_go_does(case):
    times, expected = GO_ORDERS[case]
    indexes = list(range(len(times)))
    go_sort(indexes, lambda a, b: times[a] < times[b])
    assert indexes == expected
