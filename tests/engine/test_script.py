"""The script runner (README "Running a cluster from the command line"): how lines become
commands, how they are echoed, and the `sim` verbs' own messages.

Lines are split as a POSIX shell splits them (Shell Command Language, 2.2 Quoting and 2.3
Token Recognition: rule 9, a `#` that begins a word starts a comment; the bash manual,
3.1.3 Comments, says the same): checked here against the machine's own /bin/sh.
"""

import subprocess

import pytest

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner, parse_script, split_shell_line
from cluster_sim.engine.timefmt import exact_duration, human_duration, parse_duration

NAMESPACE = """apiVersion: v1
kind: Namespace
metadata:
  name: team-a
"""

# Lines without expansions ($, globs, ~), so that sh's words are exactly the runner's.
SHELL_LINES = [
    "sim node add n1   # the first node",
    "sim node add n1#2 #two",
    "a '#' \"#\" \\#b x#",
    'a \'single "quoted" # x\' "double \'quoted\' \\" \\\\ \\q"',
    "a ''  \"\" b''c",
    "a\tb \\  c",
    "a b\\\nc",
    "a 'multi\nline' b",
    "  # only a comment",
    "kubectl annotate pod web note='a # b'",
]


@pytest.mark.parametrize("line", SHELL_LINES)
def test_words_are_split_as_sh_splits_them(line):
    line = line.replace("sim ", "", 1)
    shell = subprocess.run(
        ["/bin/sh", "-c", "printf '<%s>' sh " + line], capture_output=True, text=True, check=True
    )
    words = ["sh", *split_shell_line(line).words]
    assert "".join(f"<{word}>" for word in words) == shell.stdout


def test_a_hash_that_begins_a_word_starts_a_comment():
    """The comment is no node name (it used to add nodes `#`, `the`, `first`, `node`); a `#`
    inside a word or quoted is an ordinary character."""
    runner = ScriptRunner(Cluster(seed=0))
    out = runner.run(
        "sim node add n1   # the first node\n"
        "kubectl annotate node n1 note=a#b quoted='# kept'  # why\n"
        "kubectl get nodes -o name\n"
    )
    assert out == (
        "$ sim node add n1   # the first node\n"
        "node/n1 created\n"
        "$ kubectl annotate node n1 note=a#b quoted='# kept'  # why\n"
        "node/n1 annotated\n"
        "$ kubectl get nodes -o name\n"
        "node/n1\n"
    )
    annotations = runner.cluster.api.get("Node", "", "n1")["metadata"]["annotations"]
    assert (annotations["note"], annotations["quoted"]) == ("a#b", "# kept")


def test_each_command_is_echoed_exactly_as_written():
    """`$ ` and the command line as typed: a heredoc's `<<EOF` (not its body), continuation
    lines and a quote that spans lines, as a terminal shows what was typed."""
    script = (
        "kubectl apply -f - <<EOF\n"
        f"{NAMESPACE}"
        "EOF\n"
        "kubectl annotate namespace team-a \\\n"
        "    a=1\n"
        "kubectl annotate namespace team-a 'b=line one\n"
        "line two'\n"
    )
    out = ScriptRunner(Cluster(seed=0)).run(script)
    assert out == (
        "$ kubectl apply -f - <<EOF\n"
        "namespace/team-a created\n"
        "$ kubectl annotate namespace team-a \\\n"
        "    a=1\n"
        "namespace/team-a annotated\n"
        "$ kubectl annotate namespace team-a 'b=line one\n"
        "line two'\n"
        "namespace/team-a annotated\n"
    )


def test_heredocs_as_sh_reads_them():
    """2.7.4 Here-Document: the body ends at a line that is exactly the delimiter (quote
    removal applied to it); `<<-` strips leading tabs; a heredoc may be followed by more
    words or a comment. One cut short by the end of the script is still used, with bash's
    warning."""
    tabbed = "".join(f"\t{line}\n" for line in NAMESPACE.splitlines())
    commands = parse_script(
        f"kubectl apply -f - <<-'END' # a comment\n{tabbed}\tEND\n"
        f"kubectl apply <<EOF -f -\n{NAMESPACE} EOF\nEOF\n"
        "kubectl apply -f - <<EOF\nkind: Pod\n"
    )
    assert [(c.line_number, c.text, c.stdin, c.warning) for c in commands] == [
        (1, "kubectl apply -f - <<-'END' # a comment", NAMESPACE, ""),
        (7, "kubectl apply <<EOF -f -", NAMESPACE + " EOF\n", ""),
        (
            14,
            "kubectl apply -f - <<EOF",
            "kind: Pod\n",
            "bash: warning: here-document at line 14 delimited by end-of-file (wanted `EOF')",
        ),
    ]
    # quoted, `<<` is no heredoc: the old regex took the text as one and ate what followed
    assert parse_script("kubectl annotate ns a 'x=<<EOF'\nsim time\n")[1].text == "sim time"


def test_shell_syntax_the_runner_does_not_simulate_is_refused():
    runner = ScriptRunner(Cluster(seed=0))
    assert runner.run_line("kubectl get pods | grep web") == (
        'error: ClusterLab\'s script runner does not simulate the shell operator "|" yet: '
        "write one command per line"
    )
    assert runner.run_line("kubectl get pods > pods.txt").endswith(
        'operator ">" yet: write one command per line'
    )
    assert runner.run_line("sim time; sim time").endswith(
        'operator ";" yet: write one command per line'
    )
    assert runner.run_line("kubectl get pods 'web") == (
        "bash: unexpected EOF while looking for matching `''"
    )
    assert runner.run_line("kubectl apply -f - <<") == (
        "bash: syntax error near unexpected token `newline'"
    )
    # a refused line still owns its heredoc's body: no line of it runs as a command
    assert runner.run(f"cat <<EOF | kubectl apply -f -\n{NAMESPACE}EOF\nsim time\n") == (
        "$ cat <<EOF | kubectl apply -f -\n"
        'error: ClusterLab\'s script runner does not simulate the shell operator "|" yet: '
        "write one command per line\n"
        "$ sim time\n"
        "0s since start (profile realistic)\n"
    )
    assert runner.run("sim node add n1 'never closed\nsim time\n") == (
        "$ sim node add n1 'never closed\nsim time\n"
        "bash: unexpected EOF while looking for matching `''\n"
    )


def test_sim_node_add_validates_the_node_as_the_api_server_does():
    """pkg/apis/core/validation ValidateNodeName = NameIsDNSSubdomain; the message is
    apimachinery's IsDNS1123Subdomain, printed as kubectl prints a 422 Invalid."""
    runner = ScriptRunner(Cluster(seed=0))
    assert runner.run_line("sim node add BAD_NAME") == (
        'The Node "BAD_NAME" is invalid: metadata.name: Invalid value: "BAD_NAME": '
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
        "'-' or '.', and must start and end with an alphanumeric character "
        "(e.g. 'example.com', regex used for validation is "
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    )
    assert runner.run_line("sim node add ok a..b").startswith(
        'The Node "a..b" is invalid: metadata.name: Invalid value: "a..b": a lowercase RFC 1123'
    )
    assert runner.run_line("sim node add --count 2 --prefix Worker-").startswith(
        'The Node "Worker-1" is invalid: metadata.name: Invalid value: "Worker-1": '
    )
    assert runner.run_line("sim node add ok --labels 'bad key=x'").startswith(
        'The Node "ok" is invalid: metadata.labels: Invalid value: "bad key": name part must'
    )
    assert runner.cluster.store.list("Node") == []  # none joined
    assert runner.run_line("sim node add node-1.example.com") == "node/node-1.example.com created"


def test_sim_advance_and_time_say_exactly_how_much_time_passed():
    """kubectl's HumanDuration (AGE) rounds 11m30s to 11m on purpose; the sim's messages
    are about the clock itself and say it to the millisecond."""
    runner = ScriptRunner(Cluster(seed=0))
    assert runner.run_line("sim advance 11m30s") == "advanced 11m30s (now 11m30s since start)"
    assert runner.run_line("sim advance 250ms") == "advanced 250ms (now 11m30.25s since start)"
    assert runner.run_line("sim advance 1h") == "advanced 1h (now 1h11m30.25s since start)"
    assert runner.run_line("sim time") == "1h11m30.25s since start (profile realistic)"


@pytest.mark.parametrize(
    "text, exact",
    [
        ("0s", "0s"),
        ("59s", "59s"),
        ("90s", "1m30s"),
        ("11m30s", "11m30s"),
        ("1h", "1h"),
        ("1h0m1s", "1h1s"),
        ("26h", "26h"),
        ("1.5s", "1.5s"),
        ("250ms", "250ms"),
        ("1m0.001s", "1m0.001s"),
    ],
)
def test_exact_duration_reads_back(text, exact):
    ms = parse_duration(text)
    assert exact_duration(ms) == exact
    assert parse_duration(exact) == ms
    assert human_duration(parse_duration("11m30s")) == "11m"  # the AGE column stays coarse
