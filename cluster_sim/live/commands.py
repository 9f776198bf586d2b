"""What a learner may send as a command, and which commands need not be logged.

Every line goes to the engine's script runner exactly as a terminal would pass it, so
errors come back in kubectl's (or bash's) words. Only the limits that protect the
server are checked here.
"""

from cluster_sim.engine.script import split_shell_line
from cluster_sim.engine.timefmt import HOUR, parse_duration

from .limits import MAX_NODES

MAX_LINE_CHARS = 4_096
MAX_STDIN_BYTES = 256 * 1024  # a few hundred YAML documents; kubectl itself has no limit
MAX_ADVANCE_MS = 24 * HOUR  # one `sim advance` at most: a day of a busy cluster takes seconds

# `kubectl VERB` that only read: they change nothing, so replay does not need them.
READ_ONLY_KUBECTL = {
    "get",
    "describe",
    "logs",
    "top",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "events",
    "help",
}
READ_ONLY_SIM = {"time", "help"}


class CommandRejected(Exception):
    """The server refuses the line before it reaches the engine."""


def check_line(line: object) -> str:
    if not isinstance(line, str):
        raise CommandRejected("error: a command must be text")
    line = line.strip()
    if not line:
        raise CommandRejected("error: type a command, e.g. kubectl get pods (or help)")
    if len(line) > MAX_LINE_CHARS:
        raise CommandRejected(
            f"error: the command is {len(line):,} characters long; the console takes at most "
            f"{MAX_LINE_CHARS:,}. Put long manifests in the YAML editor."
        )
    if "\n" in line or "\r" in line:
        raise CommandRejected("error: one command per line; use the YAML editor for manifests")
    if "\x00" in line:
        raise CommandRejected("error: the command contains a NUL character")
    _require_utf8(line)
    _check_playground_limits(split_shell_line(line).words)
    return line


def _require_utf8(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise CommandRejected(
            "error: the text contains characters that are not valid Unicode"
        ) from error


def _check_playground_limits(words: list[str]) -> None:
    """Commands whose cost has no bound in the engine: refused before they run."""
    if words[:2] == ["sim", "advance"] and len(words) == 3:
        try:
            duration = parse_duration(words[2])
        except ValueError:
            return  # sim advance prints its own error
        if duration > MAX_ADVANCE_MS:
            raise CommandRejected(
                "error: the playground advances at most 24h per command "
                "(a limit of this site: run sim advance again to go further)"
            )
    if words[:3] == ["sim", "node", "add"]:
        for index, word in enumerate(words):
            count = word.split("=", 1)[1] if word.startswith("--count=") else None
            if word == "--count" and index + 1 < len(words):
                count = words[index + 1]
            if count is not None and count.isdigit() and int(count) > MAX_NODES:
                raise CommandRejected(
                    f"error: a playground cluster holds at most {MAX_NODES:,} nodes "
                    "(a limit of this site, not of Kubernetes)"
                )


def check_stdin(text: object) -> str:
    if not isinstance(text, str):
        raise CommandRejected("error: the manifest must be text")
    size = len(text.encode("utf-8", "surrogatepass"))  # before the strict check: say the size
    if size > MAX_STDIN_BYTES:
        raise CommandRejected(
            f"error: the manifest is {size // 1024:,} KiB; the playground takes at most "
            f"{MAX_STDIN_BYTES // 1024:,} KiB at once"
        )
    if "\x00" in text:
        raise CommandRejected("error: the manifest contains a NUL character")
    _require_utf8(text)
    return text


def is_read_only(line: str) -> bool:
    """True only for lines that certainly change nothing (kubectl get …, sim time …)."""
    words = split_shell_line(line).words
    if len(words) < 2:
        return True  # nothing, a bare `kubectl` or `sim` (usage), or an unknown command
    if words[0] == "kubectl":
        return words[1] in READ_ONLY_KUBECTL and "--watch" not in words and "-w" not in words
    if words[0] == "sim":
        if words[1] in READ_ONLY_SIM:
            return True
        # `sim traffic [SERVICE]` prints figures; with --rps it sets a load
        if words[1] == "traffic":
            return not any(w.startswith("--rps") for w in words)
        return words[1] == "profile" and len(words) == 2
    return True  # not a command the runner knows: bash's "command not found"
