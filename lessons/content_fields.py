"""Reading YAML mappings field by field while collecting every problem, each at its line.

`Problems` gathers `file:line: message` strings; `Fields` takes a mapping's fields one at a
time (missing and wrongly typed ones are reported) and `finish()` reports the fields nobody
took, so a typo like `explaination:` fails the build instead of vanishing.
"""

import re
from collections.abc import Callable
from pathlib import Path

from cluster_sim.engine.script import parse_script, split_shell_line

from .content_model import Choice
from .content_yaml import LineDict, LineList

IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
MISSING = object()


class Problems:
    def __init__(self, root: Path):
        self.root = root
        self.errors: list[str] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        try:
            shown = path.relative_to(self.root).as_posix()
        except ValueError:
            shown = str(path)
        self.errors.append(f"{shown}:{line}: {message}" if line else f"{shown}: {message}")


class WrongType(Exception):
    """Raised by a check: its text says what the value should have been."""


class Fields:
    def __init__(self, problems: Problems, path: Path, mapping: LineDict, where: str = ""):
        self.problems, self.path, self.mapping = problems, path, mapping
        self.where = f"{where}: " if where else ""
        self.taken: set = set()

    def line(self, key=None) -> int:
        return self.mapping.lines.get(key, self.mapping.line)

    def error(self, message: str, key=None) -> None:
        self.problems.add(self.path, self.line(key), self.where + message)

    def get(self, key: str, check: Callable, default=MISSING):
        """The checked value, or `default` (None when required) after reporting why not."""
        self.taken.add(key)
        if key not in self.mapping:
            if default is MISSING:
                self.error(f"missing field '{key}'")
                return None
            return default
        try:
            return check(self.mapping[key])
        except WrongType as wrong:
            self.error(f"'{key}' must be {wrong}", key)
            return None

    def finish(self) -> None:
        for key in self.mapping:
            if key not in self.taken:
                expected = ", ".join(sorted(self.taken))
                self.error(f"unknown field '{key}' (expected: {expected})", key)


def mapping_of(value, path: Path, problems: Problems, line: int, what: str) -> LineDict | None:
    """`value` when it is a mapping, else None after saying so."""
    if isinstance(value, LineDict):
        return value
    problems.add(path, line, f"{what} must be a mapping of fields, not {_kind(value)}")
    return None


def _kind(value) -> str:
    return "nothing" if value is None else type(value).__name__.replace("Line", "").lower()


# --- checks: value -> converted value, or WrongType ---------------------------------------


def text(value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WrongType(
            f"a non-empty string, not {value!r} (quote it if YAML read it as {_kind(value)})"
        )
    return value.strip()


def ident(value) -> str:
    if not isinstance(value, str) or not IDENT.match(value):
        raise WrongType(f"an id of letters, digits, '-' and '_', not {value!r}")
    return value


def positive_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise WrongType(f"a positive whole number, not {value!r}")
    return value


def number(value) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WrongType(f"a number, not {value!r}")
    return value


def non_negative_number(value) -> int | float:
    value = number(value)
    if value < 0:
        raise WrongType(f"zero or more, not {value!r}")
    return value


def listing(check: Callable, minimum: int = 1, maximum: int | None = None) -> Callable:
    """A check for a list whose items pass `check`, with a length range."""

    def check_list(value) -> tuple:
        if not isinstance(value, list):
            raise WrongType(f"a list, not {_kind(value)}")
        if len(value) < minimum or (maximum is not None and len(value) > maximum):
            span = f"{minimum} to {maximum}" if maximum else f"at least {minimum}"
            raise WrongType(f"a list of {span} items, not {len(value)}")
        items = []
        for index, item in enumerate(value):
            try:
                items.append(check(item))
            except WrongType as wrong:
                raise WrongType(f"a list whose item {index + 1} is {wrong}") from None
        return tuple(items)

    return check_list


def choices(problems: Problems, path: Path, where: str) -> Callable:
    """A check for a list of `{id, text}` mappings with unique ids."""

    def check_choices(value) -> tuple[Choice, ...]:
        if not isinstance(value, LineList) or not value:
            raise WrongType("a non-empty list of {id, text} items")
        found: list[Choice] = []
        for item, line in zip(value, value.lines, strict=True):
            item = mapping_of(item, path, problems, line, f"{where}: each item")
            if item is None:
                continue
            fields = Fields(problems, path, item, where)
            choice = Choice(fields.get("id", ident), fields.get("text", text))
            fields.finish()
            if choice.id in {c.id for c in found}:
                problems.add(path, line, f"{where}: duplicate id '{choice.id}'")
            elif choice.id and choice.text:
                found.append(choice)
        return tuple(found)

    return check_choices


# --- command lines ----------------------------------------------------------------------------


def command_problem(line: str) -> str | None:
    """Why a click-to-run line cannot run as typed in the console, or None."""
    if not line.startswith(("kubectl ", "sim ")):
        return f"command must start with 'kubectl ' or 'sim ': {line!r}"
    shell = split_shell_line(line)
    if shell.error or shell.open_quote or shell.continued:
        return f"command is not one complete shell line: {line!r}"
    if shell.heredocs:
        return f"command must not use a heredoc (use an apply block): {line!r}"
    return None


def script_problem(item: str) -> str | None:
    """Why a setup, run or solution item cannot run, or None: one command line, or one
    `kubectl` command with its heredoc (`kubectl apply -f - <<EOF`, the manifest, `EOF`)."""
    if "\n" not in item:
        return command_problem(item)
    commands = parse_script(item)
    first = item.splitlines()[0]
    if (
        len(commands) != 1
        or not commands[0].text.startswith("kubectl ")
        or commands[0].stdin is None
    ):
        return f"a multi-line item is one kubectl command with a heredoc: {first!r}"
    if commands[0].warning:
        return f"the heredoc is not closed: {first!r}"
    return None


def command(value) -> str:
    """A check for one command line."""
    line = text(value)
    problem = command_problem(line)
    if problem:
        raise WrongType(f"a runnable line: {problem}")
    return line


def command_lines(
    fields: Fields, key: str, default=MISSING, allow_empty: bool = False, heredocs: bool = False
):
    """A list of command lines; each bad one is reported at its own line. With `heredocs`,
    an item may be a kubectl command with a manifest (see script_problem): not for lines a
    learner clicks to run in the console, which takes one line at a time."""
    value = fields.get(key, listing(text, minimum=0), default)
    if value is None or key not in fields.mapping:
        return value
    raw = fields.mapping[key]
    good = []
    for line_text, line in zip(value, raw.lines, strict=True):
        problem = script_problem(line_text) if heredocs else command_problem(line_text)
        if problem:
            fields.problems.add(fields.path, line, f"{fields.where}'{key}': {problem}")
        else:
            good.append(line_text)
    if not value and not allow_empty:
        fields.error(f"'{key}' must list at least one command", key)
    return tuple(good)
