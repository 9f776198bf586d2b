"""`kubectl exec`: a command run in a simulated container, as kubectl's cmd/exec runs it.

Checked against kubernetes.io/docs/tasks/debug/debug-application/get-shell-running-container/
(`kubectl exec shell-demo -- ls /`, `-- cat /proc/1/mounts`-style one-off commands),
/docs/tasks/inject-data-application/define-environment-variable-container/ (`kubectl exec
... -- printenv`) and kubectl's exec.go for its messages (completed pods, unknown
containers, `command terminated with exit code N`).
"""

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner

TWO_CONTAINERS = """apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - name: app
    image: busybox:1.36
    command: ["sh", "-c", "echo ready > /tmp/state; sleep 3600"]
    env: [{name: GREETING, value: hello}]
  - name: helper
    image: busybox:1.36
    command: ["sleep", "3600"]
"""


@pytest.fixture
def runner():
    runner = ScriptRunner(Cluster(seed=4))
    runner.run_line("sim node add node-1")
    runner.run_line("kubectl apply -f -", TWO_CONTAINERS)
    runner.run_line("kubectl run done --image=busybox:1.36 --restart=Never -- true")
    runner.run_line("sim advance 20s")
    return runner


def test_a_command_sees_the_containers_files_and_environment(runner):
    out = runner.run_line('kubectl exec two -- sh -c "cat /tmp/state; printenv GREETING"')
    assert out == 'Defaulted container "app" out of: app, helper\nready\nhello'
    assert runner.run_line("kubectl exec two -c helper -q -- printenv GREETING") == (
        "command terminated with exit code 1"
    )
    assert runner.run_line("kubectl exec two -c helper -- ls /tmp") == ""


def test_writes_persist_in_the_container(runner):
    runner.run_line('kubectl exec two -c app -- sh -c "echo note > /tmp/note"')
    assert runner.run_line("kubectl exec two -c app -- cat /tmp/note") == "note"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("kubectl exec two -c app -- sh -c 'exit 3'", "command terminated with exit code 3"),
        ("kubectl exec two -c nope -- ls", "error: container nope not found in pod two"),
        ("kubectl exec missing -- ls", 'Error from server (NotFound): pods "missing" not found'),
        ("kubectl exec two", "error: you must specify at least one command for the container"),
        ("kubectl exec done -- ls", "error: cannot exec into a container in a completed pod; current phase is Succeeded"),
        ("kubectl exec two ls", "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples"),
    ],
)  # fmt: skip
def test_refusals_read_as_kubectls(runner, line, expected):
    assert runner.run_line(line) == expected


def test_an_unknown_executable_is_the_runtimes_error(runner):
    out = runner.run_line("kubectl exec two -c app -- nosuchcmd")
    assert out.startswith(
        "error: Internal error occurred: Internal error occurred: error executing"
    )
    assert out.endswith('exec: "nosuchcmd": executable file not found in $PATH: unknown')


def test_an_interactive_shell_is_refused_with_a_hint_and_a_one_off_command_runs(runner):
    assert runner.run_line("kubectl exec -it two -- sh").startswith(
        "error: ClusterLab's scripts are not interactive"
    )
    assert runner.run_line("kubectl exec -it two -c app -- cat /tmp/state") == "ready"


def test_kubectl_waits_for_the_command(runner):
    before = runner.cluster.now_ms
    runner.run_line("kubectl exec two -c app -- sleep 5")
    assert runner.cluster.now_ms - before == 5_000
