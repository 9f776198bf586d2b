"""`kubectl set resources`, as kubectl's set_resources.go patches pod templates.

Checked against the kubectl reference for `set resources` (its examples:
`--limits=cpu=200m,memory=512Mi --requests=cpu=100m,memory=256Mi`, `-c=nginx`) and
kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale-walkthrough/ (CPU
requests are what the HPA's utilization is measured against).
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner


@pytest.fixture
def runner():
    runner = ScriptRunner(Cluster(seed=6))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl create deployment nginx --image=nginx")
    runner.run_line("sim advance 20s")
    return runner


def _resources(runner):
    deployment = runner.cluster.store.get("Deployment", "default", "nginx")
    return deployment["spec"]["template"]["spec"]["containers"][0]["resources"]


def test_requests_and_limits_roll_out_a_new_replica_set(runner):
    out = runner.run_line(
        "kubectl set resources deployment nginx --limits=cpu=200m,memory=512Mi "
        "--requests=cpu=100m,memory=256Mi"
    )
    assert out == "deployment.apps/nginx resource requirements updated"
    assert _resources(runner) == {
        "limits": {"cpu": "200m", "memory": "512Mi"},
        "requests": {"cpu": "100m", "memory": "256Mi"},
    }
    runner.run_line("sim advance 30s")
    pods = runner.cluster.store.list("Pod", "default")
    running = [p for p in pods if not p["metadata"].get("deletionTimestamp")]
    assert running and all(
        p["spec"]["containers"][0]["resources"]["requests"]["cpu"] == "100m" for p in running
    )
    assert len(runner.cluster.store.list("ReplicaSet", "default")) == 2


def test_an_unchanged_template_is_not_sent_and_dry_run_changes_nothing(runner):
    runner.run_line("kubectl set resources deployment nginx --requests=cpu=100m")
    assert runner.run_line("kubectl set resources deployment nginx --requests=cpu=100m") == ""
    out = runner.run_line(
        "kubectl set resources deployment nginx --requests=cpu=300m --dry-run=client"
    )
    assert out == "deployment.apps/nginx resource requirements updated (dry run)"
    assert _resources(runner) == {"requests": {"cpu": "100m"}}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl set resources deployment nginx", "error: you must specify an update to requests or limits (in the form of --requests/--limits)"),
        ("kubectl set resources deployment nginx -c=nope --limits=cpu=1", "error: unable to find container named nope"),
        ("kubectl set resources deployment nginx --limits=cpu", "error: Invalid argument syntax cpu, expected <resource>=<value>"),
        ("kubectl set resources deployment nginx --limits=cpu=lots", "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        ("kubectl set resources deployment missing --limits=cpu=1", 'Error from server (NotFound): deployments.apps "missing" not found'),
    ],
)  # fmt: skip
def test_refusals_read_as_kubectls(runner, line, expected):
    assert runner.run_line(line) == expected
