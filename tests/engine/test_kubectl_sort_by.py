"""`kubectl get --sort-by`: kubectl's sorter (numbers as numbers, strings in natural order,
missing fields first, a field no object has is an error) and its path syntax."""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.kubectl.args import UsageError
from cluster_sim.engine.kubectl.sort_by import relaxed_path, sort_objects
from cluster_sim.engine.script import ScriptRunner


def named(name: str, **fields) -> dict:
    return {"metadata": {"name": name}, **fields}


def names(objects) -> list[str]:
    return [o["metadata"]["name"] for o in objects]


@pytest.mark.parametrize(
    "written", [".metadata.name", "metadata.name", "{.metadata.name}", "{metadata.name}"]
)
def test_the_path_is_relaxed_as_kubectl_relaxes_it(written):
    assert relaxed_path(written) == "{.metadata.name}"


def test_strings_sort_naturally_and_numbers_numerically():
    pods = [named(n) for n in ("pod-10", "pod-2", "pod-1")]
    assert names(sort_objects(pods, ".metadata.name")) == ["pod-1", "pod-2", "pod-10"]
    restarts = [named(n, status={"containerStatuses": [{"restartCount": c}]}) for n, c in
                (("a", 12), ("b", 3), ("c", 0))]  # fmt: skip
    ordered = sort_objects(restarts, ".status.containerStatuses[0].restartCount")
    assert names(ordered) == ["c", "b", "a"]


def test_an_object_without_the_field_sorts_first_and_a_field_nobody_has_is_an_error():
    pods = [
        named("a", spec={"nodeName": "n2"}),
        named("b", spec={}),
        named("c", spec={"nodeName": "n1"}),
    ]
    assert names(sort_objects(pods, ".spec.nodeName")) == ["b", "c", "a"]
    with pytest.raises(UsageError, match=r'couldn\'t find any field with path "\{\.spec\.nope\}"'):
        sort_objects(pods, ".spec.nope")
    with pytest.raises(UsageError, match="unexpected path string"):
        sort_objects(pods, "{{x}}")


def test_get_sorts_pods_by_restarts_through_kubectl():
    runner = ScriptRunner(Cluster(seed=1, profile="fast"))
    runner.run(
        "sim node add n1\n"
        "kubectl run crash --image=busybox -- sh -c 'exit 1'\n"
        "kubectl run web --image=nginx\n"
        "sim advance 2m\n"
    )
    table = runner.run_line("kubectl get pods --sort-by=.status.containerStatuses[0].restartCount")
    rows = [line.split()[0] for line in table.splitlines()[1:]]
    assert rows == ["web", "crash"]  # 0 restarts before many; the API order would say crash first
    events = runner.run_line("kubectl get events --sort-by=.lastTimestamp").splitlines()
    assert events[0].startswith("LAST SEEN") and len(events) > 5
