"""The simulated shell: the sh subset of Kubernetes examples, lazily, on simulated time."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster_sim.engine.runtime import (
    ContainerProcess,
    ContainerStartError,
    expand_kubernetes_references,
    resolve_image,
)
from cluster_sim.engine.runtime.shell import BUSY_ITERATION_MS

SECOND = 1000


def start(script, image="busybox", shell="sh", env=None, **options):
    info = resolve_image(image).info
    return ContainerProcess(
        info,
        command=[shell, "-c", script],
        env=env if env is not None else {},
        rng=random.Random(5),
        hostname="web-0",
        **options,
    )


def run(script, until=60 * SECOND, **options):
    process = start(script, **options)
    outputs = process.advance(until)
    assert process.internal_error is None
    return process, outputs


def lines(outputs):
    return [o.text for o in outputs if o.kind == "log"]


def exit_code(outputs):
    ends = [o for o in outputs if o.kind in ("exit", "oom")]
    return ends[-1].exit_code if ends else None


# --- words and expansion -------------------------------------------------------------
def test_echo_with_quotes_and_variables():
    _, outputs = run(
        'echo "a  b" $GREETING "$GREETING" \'$GREETING\' ${NOPE:-fallback} ${#GREETING}',
        env={"GREETING": "hello world"},
    )
    assert lines(outputs) == ["a  b hello world hello world $GREETING fallback 11"]
    assert exit_code(outputs) == 0


def test_kubernetes_expands_parenthesised_variables_before_the_shell_runs():
    env = {"MY_VAR": "hi"}
    assert expand_kubernetes_references("echo $(MY_VAR) $OTHER $(UNSET) $$(MY_VAR)", env) == (
        "echo hi $OTHER $(UNSET) $(MY_VAR)"
    )
    _, outputs = run(expand_kubernetes_references("echo $(MY_VAR) $MY_VAR", env), env=env)
    assert lines(outputs) == ["hi hi"]


def test_command_substitution_and_arithmetic():
    _, outputs = run(
        'x=$(echo hi | tr a-z A-Z); echo "got $x" `echo back`; a=1; b=2; '
        "echo $((a + b * 3)) $(( (a+b)*3 )) $((a++)) $a $((2**10)) $((7%3)) $((-7/2))"
    )
    assert lines(outputs) == ["got HI back", "7 9 1 2 1024 1 -3"]


def test_pipes_and_redirections():
    _, outputs = run(
        "echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f; seq 1 5 | wc -l; "
        "echo hidden > /dev/null; ls /nope 2>&1 | head -1; echo to-stderr >&2"
    )
    assert lines(outputs) == [
        "one",
        "two",
        "5",
        "ls: /nope: No such file or directory",
        "to-stderr",
    ]


# --- commands -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("image", "shell", "message"),
    [
        ("busybox", "sh", "sh: foo: not found"),
        ("alpine", "/bin/sh", "/bin/sh: foo: not found"),
        ("ubuntu", "sh", "sh: 1: foo: not found"),
        ("debian", "bash", "bash: line 1: foo: command not found"),
    ],
)
def test_unknown_commands_are_not_found_with_status_127(image, shell, message):
    _, outputs = run("foo", image=image, shell=shell)
    assert lines(outputs) == [message]
    assert exit_code(outputs) == 127


def test_and_or_lists_and_exit_status():
    _, outputs = run("true && echo yes || echo no; false && echo yes || echo no; exit 3")
    assert lines(outputs) == ["yes", "no"]
    assert exit_code(outputs) == 3


def test_exit_status_wraps_at_256():
    assert exit_code(run("exit 300")[1]) == 44


def test_sleep_takes_simulated_time():
    process, outputs = run("echo start; sleep 2.5; echo end", until=10 * SECOND)
    assert [(o.at_ms, o.text) for o in outputs if o.kind == "log"] == [
        (0, "start"),
        (2500, "end"),
    ]
    assert outputs[-1].kind == "exit" and outputs[-1].at_ms == 2500


@pytest.mark.parametrize("forever", ["sleep infinity", "sleep inf", "tail -f /dev/null"])
def test_sleeping_forever_has_no_next_event(forever):
    process, outputs = run(f"echo up; {forever}; echo never", until=3600 * SECOND)
    assert lines(outputs) == ["up"]
    assert process.running and process.next_event_ms() is None


def test_while_true_unrolls_lazily():
    process = start("while true; do echo tick; sleep 5; done")
    assert lines(process.advance(0)) == ["tick"]
    assert process.next_event_ms() == 5 * SECOND
    outputs = process.advance(3600 * SECOND)
    assert len(lines(outputs)) == 720
    assert process.next_event_ms() == 3605 * SECOND


def test_for_and_counting_loops():
    _, outputs = run(
        "for i in 1 2 3; do echo item $i; done; "
        "i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo count=$i; "
        "until [ $i -le 0 ]; do i=$((i-2)); done; echo now=$i"
    )
    assert lines(outputs) == ["item 1", "item 2", "item 3", "count=5", "now=-1"]


def test_files_and_tests():
    _, outputs = run(
        "[ -f /tmp/x ] && echo exists || echo missing; touch /tmp/x; test -f /tmp/x && echo now; "
        "rm -f /tmp/x; cat /tmp/x; echo status=$?; [ 2 -gt 1 -a abc = abc ] && echo both"
    )
    assert lines(outputs) == [
        "missing",
        "now",
        "cat: can't open '/tmp/x': No such file or directory",
        "status=1",
        "both",
    ]


def test_printf_hostname_and_date_follow_the_simulated_clock():
    _, outputs = run(
        "printf '%s=%d\\n' a 1 b 2; printf '%5.2f|%-4s|%x\\n' 3.14159 ab 255; "
        "hostname; sleep 10; date; date +%Y-%m-%dT%H:%M:%S"
    )
    assert lines(outputs) == [
        "a=1",
        "b=2",
        " 3.14|ab  |ff",
        "web-0",
        "Mon Jan  5 09:00:10 UTC 2026",
        "2026-01-05T09:00:10",
    ]


def test_wget_without_cluster_networking_gets_a_stub_answer():
    _, outputs = run("wget -q -O- http://php-apache; echo; wget -q -O- http://localhost:81")
    assert lines(outputs) == [
        "stub response from http://php-apache/",
        "",
        "wget: can't connect to remote host (127.0.0.1): Connection refused",
    ]


def test_set_e_stops_at_the_first_failure():
    _, outputs = run("set -e; echo a; false; echo b")
    assert lines(outputs) == ["a"]
    assert exit_code(outputs) == 1


@pytest.mark.parametrize(
    ("image", "shell", "message"),
    [
        ("busybox", "sh", 'sh: syntax error: unexpected end of file (expecting "done")'),
        ("ubuntu", "sh", 'sh: 1: Syntax error: end of file unexpected (expecting "done")'),
        ("ubuntu", "bash", "bash: -c: line 1: syntax error: unexpected end of file"),
    ],
)
def test_syntax_errors_exit_2(image, shell, message):
    _, outputs = run("while true; do echo x", image=image, shell=shell)
    assert lines(outputs) == [message]
    assert exit_code(outputs) == 2


def test_dash_echo_interprets_escapes_and_ash_needs_e():
    assert lines(run("echo -en 'a\\n'")[1]) == ["a"]
    assert lines(run("echo -en 'a\\n'", image="ubuntu")[1]) == ["-en a", ""]


def test_bash_arrays_for_the_indexed_job_example():
    _, outputs = run(
        "items=(foo bar baz qux xyz); echo ${items[$JOB_COMPLETION_INDEX]} > /input/data.txt; "
        "cat /input/data.txt",
        image="docker.io/library/bash",
        shell="bash",
        env={"JOB_COMPLETION_INDEX": "2"},
        files={"/input/.keep": ""},
    )
    assert lines(outputs) == ["baz"]


# --- documented examples ----------------------------------------------------------------
def test_cronjob_hello_example():
    _, outputs = run("date; echo Hello from the Kubernetes cluster")
    assert lines(outputs) == ["Mon Jan  5 09:00:00 UTC 2026", "Hello from the Kubernetes cluster"]
    assert exit_code(outputs) == 0


def test_counter_example_writes_two_log_files():
    script = (
        'i=0; while true; do\n  echo "$i: $(date)" >> /var/log/1.log;\n'
        '  echo "$(date) INFO $i" >> /var/log/2.log;\n  i=$((i+1));\n  sleep 1;\ndone\n'
    )
    process, _ = run(script, image="busybox:1.28", until=2 * SECOND)
    assert process.read_file("/var/log/1.log") == (
        "0: Mon Jan  5 09:00:00 UTC 2026\n1: Mon Jan  5 09:00:01 UTC 2026\n"
        "2: Mon Jan  5 09:00:02 UTC 2026\n"
    )
    assert (
        process.read_file("/var/log/2.log").splitlines()[0] == "Mon Jan  5 09:00:00 UTC 2026 INFO 0"
    )


def test_downward_api_printenv_loop():
    env = {"MY_NODE_NAME": "node-1", "MY_POD_NAME": "dapi", "MY_POD_NAMESPACE": "default"}
    script = (
        "while true; do echo -en '\\n'; printenv MY_NODE_NAME MY_POD_NAME MY_POD_NAMESPACE; "
        "sleep 10; done;"
    )
    _, outputs = run(script, image="registry.k8s.io/busybox:1.27.2", env=env, until=10 * SECOND)
    assert lines(outputs) == ["", "node-1", "dapi", "default"] * 2


def test_commands_without_a_shell_run_directly():
    info = resolve_image("busybox").info
    sleeper = ContainerProcess(info, command=["sleep", "3600"], rng=random.Random(1))
    assert sleeper.advance(3599 * SECOND) == []
    assert sleeper.next_event_ms() == 3600 * SECOND
    assert exit_code(sleeper.advance(3600 * SECOND)) == 0
    debian = resolve_image("debian").info
    printer = ContainerProcess(debian, command=["printenv"], args=["HOSTNAME"], hostname="cmd")
    assert lines(printer.advance(0)) == ["cmd"]


def test_a_command_missing_from_the_image_fails_to_start():
    with pytest.raises(ContainerStartError) as caught:
        ContainerProcess(resolve_image("busybox").info, command=["foo"])
    assert caught.value.reason == "StartError" and caught.value.exit_code == 128
    assert caught.value.message == (
        "failed to create containerd task: failed to create shim task: OCI runtime create "
        "failed: runc create failed: unable to start container process: error during container "
        'init: exec: "foo": executable file not found in $PATH: unknown'
    )
    with pytest.raises(ContainerStartError, match=r'exec: "/bin/bash": stat /bin/bash: no such'):
        ContainerProcess(resolve_image("alpine").info, command=["/bin/bash", "-c", "true"])


# --- busy loops and time -------------------------------------------------------------------
def test_a_busy_loop_burns_a_core_and_never_stalls():
    process = start("while true; do :; done", cpu_limit_millis=500)
    assert process.advance(60 * SECOND) == []
    assert process.next_event_ms() is None  # a fixed point: it would spin like this forever
    assert process.cpu_millis(60 * SECOND) == 500


def test_a_counting_busy_loop_keeps_time_moving():
    process = start("i=0; while true; do i=$((i+1)); done")
    moments = []
    for _ in range(5):
        moment = process.next_event_ms()
        process.advance(moment)
        moments.append(moment)
    assert moments == sorted(set(moments)) and moments[0] > 0
    assert process.cpu_millis(moments[-1]) > 900


def test_a_chatty_loop_costs_time_per_iteration():
    _, outputs = run("while true; do echo y; done", until=100)
    assert [o.at_ms for o in outputs] == list(range(0, 101, BUSY_ITERATION_MS))


def test_sleep_loops_without_output_cost_nothing():
    process = start("while true; do sleep 3600; done")
    process.advance(0)
    assert process.next_event_ms() is None
    assert process.cpu_millis(10 * SECOND) == 0


# --- property: arbitrary small scripts ---------------------------------------------------------
WORDS = ["hi", "$x", '"$x y"', "'q'", "${x:-d}", "$((x+1))", "$(echo a)", "$?", "${#x}", "/tmp/a",
         "-n", "3", "$1", "~"]  # fmt: skip
COMMANDS = ["echo", "printf '%s\\n'", "touch", "rm -f", "cat", "sleep 0.2", "sleep 1", "x=1",
            "x=$((x+1))", "true", "false", ":", "test -f", "wget -qO-", "seq 1", "grep a", "wc -l",
            "date", "tr a-z A-Z", "exit", "break", "continue", "cd", "ls", "read x", "printenv",
            "set -e", "eval echo", "sh -c 'echo in'", "head -1", "expr 1 +", "foo", "kill 1",
            "[ $x -lt 3 ]"]  # fmt: skip


@st.composite
def scripts(draw, depth=0):
    def simple():
        command = draw(st.sampled_from(COMMANDS))
        args = " ".join(draw(st.lists(st.sampled_from(WORDS), max_size=2)))
        redirect = draw(st.sampled_from(["", "", " > /tmp/o", " >> /tmp/o", " 2>&1", " < /tmp/a"]))
        return f"{command} {args}".strip() + redirect

    statements = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["simple", "simple", "pipe", "while", "for", "if", "group"]))
        if depth >= 2 or kind == "simple":
            statements.append(simple())
        elif kind == "pipe":
            statements.append(f"{simple()} {draw(st.sampled_from(['|', '&&', '||']))} {simple()}")
        elif kind == "while":
            condition = draw(st.sampled_from(["true", "false", "[ $x -lt 3 ]", "sleep 0.1"]))
            statements.append(f"while {condition}; do {draw(scripts(depth + 1))}; done")
        elif kind == "for":
            statements.append(f"for i in 1 2 $x; do {draw(scripts(depth + 1))}; done")
        elif kind == "if":
            statements.append(f"if {simple()}; then {draw(scripts(depth + 1))}; fi")
        else:
            statements.append(f"( {draw(scripts(depth + 1))} )")
    script = "; ".join(statements)
    if depth == 0 and draw(st.booleans()) and draw(st.booleans()):
        cut = draw(st.integers(0, len(script)))
        script = (
            script[:cut] + draw(st.sampled_from(['"', "'", "(", "do", "$((", "`"])) + script[cut:]
        )
    return script


def drive(process, steps=40):
    """Follow next_event_ms like the kubelet; returns every output, checking time moves on."""
    outputs, last = [], -1
    for _ in range(steps):
        due = process.next_event_ms()
        if due is None:
            break
        batch = process.advance(due)
        assert due > last or batch, "no progress: the same instant again with nothing to show"
        last = max(last, due)
        outputs += batch
    return outputs


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(script=scripts(), image=st.sampled_from(["busybox", "ubuntu", "docker.io/library/bash"]))
def test_random_scripts_run_deterministically_and_always_progress(script, image):
    runs = []
    for _ in range(2):
        process = start(script, image=image, env={"x": "1"})
        outputs = drive(process)
        result = process.exec(["sh", "-c", script], process.next_event_ms() or 0, timeout_ms=5000)
        assert process.internal_error is None
        runs.append((outputs, process.logs(), result))
    assert runs[0] == runs[1]
