"""What every command-line tool shares: its signature, output helpers, argument and
input handling (files, or stdin for "-"), and BusyBox-or-GNU error wording."""

from collections.abc import Callable, Generator

from .filesystem import FsError
from .program import SYNC, Effect
from .shell import IO, Shell

Gen = Generator[Effect, None, int]


Tool = Callable[[Shell, list[str], IO], Gen]


def out(io: IO, text: str) -> Generator[Effect, None, None]:
    yield from io.stdout.write(text)


def err(io: IO, text: str) -> Generator[Effect, None, None]:
    yield from io.stderr.write(text + "\n")


def parse_flags(args: list[str], known: str) -> tuple[set[str], list[str]]:
    """Split leading short flags (`-rf`) from operands."""
    flags: set[str] = set()
    rest = list(args)
    while rest and rest[0].startswith("-") and len(rest[0]) > 1 and rest[0] != "--":
        if not set(rest[0][1:]) <= set(known):
            break
        flags.update(rest.pop(0)[1:])
    if rest and rest[0] == "--":
        rest.pop(0)
    return flags, rest


def read_file(sh: Shell, io: IO, tool: str, name: str) -> Generator[Effect, None, str | None]:
    """File contents (or stdin for "-"), reporting errors the way `tool` would."""
    if name == "-":
        return io.stdin or ""
    yield SYNC
    try:
        return sh.ctx.fs.read(sh.path(name))
    except FsError as error:
        if sh.gnu:
            yield from err(io, f"{tool}: {name}: {error.reason}")
        elif tool == "cat" and error.reason == "Is a directory":
            yield from err(io, "cat: read error: Is a directory")
        else:
            yield from err(io, f"{tool}: can't open '{name}': {error.reason}")
        return None


def read_inputs(sh, io, tool, names) -> Generator[Effect, None, tuple[list[tuple[str, str]], int]]:
    if not names:
        return [("-", io.stdin or "")], 0
    found, status = [], 0
    for name in names:
        text = yield from read_file(sh, io, tool, name)
        if text is None:
            status = 1 if tool != "grep" else 2
        else:
            found.append((name, text))
    return found, status


def split_lines(text: str) -> list[str]:
    return text.splitlines()
