"""The script runner: lines of `kubectl …` and `sim …`, printed as a terminal session would show them.

Each command is echoed as `$ <command line as written>` followed by exactly what it prints.
A failing command does not stop the script, like a shell script without `set -e`.

Lines are read as a POSIX shell reads them (Shell Command Language, 2.2 Quoting and 2.3
Token Recognition), without expansions: blanks separate words; single quotes, double quotes
and backslashes quote; a backslash-newline joins the next line and a quote left open carries
on to the next one; a `#` that begins a word starts a comment to the end of the line (`a#b`
stays one word); `<<WORD` / `<<-WORD` heredocs feed standard input, the body ending at a line
that is exactly WORD. Other shell operators (`|`, `;`, `&&`, `>`, ...) are refused rather
than passed to kubectl as words.
"""

import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from .cluster import Cluster
from .kubectl.run import run_kubectl
from .sim_commands import run_sim

_BLANKS = " \t"
_OPERATOR_CHARS = "|&;<>()"
# longest first, as the shell's token recognition takes the longest operator (2.3 rule 2)
_OPERATORS = ("<<<", "<<-", "&&", "||", ";;", "<<", ">>", "<&", ">&", "<>", ">|")
_DOUBLE_QUOTE_ESCAPES = '$`"\\\n'


@dataclass
class Heredoc:
    delimiter: str
    strip_tabs: bool  # `<<-`: leading tabs are removed from the body and the delimiter line


@dataclass
class ShellLine:
    """One command line split into words as sh would split it (no expansions)."""

    words: list[str] = field(default_factory=list)
    heredocs: list[Heredoc] = field(default_factory=list)
    open_quote: str = ""  # a quote still open at the end: the command goes on on the next line
    continued: bool = False  # ends with a backslash-newline (a backslash at the very end)
    error: str = ""  # what bash (or the runner) says instead of running the line


def split_shell_line(text: str) -> ShellLine:
    line = ShellLine()
    word: list[str] = []
    in_word = False
    i, n = 0, len(text)

    def finish() -> None:
        nonlocal in_word
        if in_word:
            line.words.append("".join(word))
            word.clear()
            in_word = False

    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 >= n:
                line.continued = True  # the next line continues this one
                i += 1
            elif text[i + 1] == "\n":
                i += 2  # backslash-newline is removed (2.2.1)
            else:
                word.append(text[i + 1])
                in_word = True
                i += 2
        elif c == "'":
            end = text.find("'", i + 1)
            if end < 0:
                line.open_quote = "'"
                return line
            word.append(text[i + 1 : end])
            in_word = True
            i = end + 1
        elif c == '"':
            i += 1
            in_word = True
            while True:
                if i >= n:
                    line.open_quote = '"'
                    return line
                c = text[i]
                if c == '"':
                    i += 1
                    break
                if c == "\\" and i + 1 < n and text[i + 1] in _DOUBLE_QUOTE_ESCAPES:
                    if text[i + 1] != "\n":
                        word.append(text[i + 1])
                    i += 2
                    continue
                word.append(c)
                i += 1
        elif c in _BLANKS:
            finish()
            i += 1
        elif c == "#" and not in_word:
            end = text.find("\n", i)
            i = n if end < 0 else end  # a comment, to the end of the line (2.3 rule 9)
        elif c == "\n" or c in _OPERATOR_CHARS:
            finish()
            op = next((o for o in _OPERATORS if text.startswith(o, i)), c)
            if op in ("<<", "<<-"):
                i, heredoc = _heredoc_word(text, i + len(op), op == "<<-")
                if heredoc is None:
                    token = text[i] if i < n and text[i] != "\n" else "newline"
                    line.error = line.error or f"bash: syntax error near unexpected token `{token}'"
                    return line
                line.heredocs.append(heredoc)
                continue
            shown = "newline" if op == "\n" else op
            line.error = line.error or (
                f'error: ClusterLab\'s script runner does not simulate the shell operator "{shown}" '
                "yet: write one command per line"
            )
            i += len(op)  # read on: a heredoc further along still owns the lines below
        else:
            word.append(c)
            in_word = True
            i += 1
    finish()
    return line


def _heredoc_word(text: str, i: int, strip_tabs: bool) -> tuple[int, Heredoc | None]:
    """Read the delimiter after `<<`: a word, quote removal applied (2.7.4); None if none."""
    while i < len(text) and text[i] in _BLANKS:
        i += 1
    start = i
    while i < len(text) and text[i] not in _BLANKS and text[i] not in _OPERATOR_CHARS + "\n":
        if text[i] in "'\"":
            end = text.find(text[i], i + 1)
            i = len(text) if end < 0 else end + 1
        else:
            i += 2 if text[i] == "\\" else 1
    raw = text[start:i]
    if not raw:
        return i, None
    parsed = split_shell_line(raw)
    delimiter = "".join(parsed.words) if not parsed.open_quote else raw
    return i, Heredoc(delimiter, strip_tabs)


@dataclass
class Command:
    line_number: int
    text: str  # the command line as written (more than one line when continued)
    stdin: str | None = None
    warning: str = ""  # bash's warning about a heredoc that ran into the end of the script


def parse_script(text: str) -> list[Command]:
    commands: list[Command] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        command_text = lines[index]
        index += 1
        if not command_text.strip():
            continue
        number = index
        line = split_shell_line(command_text)
        while (line.open_quote or line.continued) and index < len(lines):
            command_text += "\n" + lines[index]
            index += 1
            line = split_shell_line(command_text)
        if not (line.words or line.heredocs or line.error or line.open_quote):
            continue  # a comment
        stdin, warning = None, ""
        for heredoc in line.heredocs:  # read even when the line is refused
            body = []
            while index < len(lines):
                body_line = lines[index]
                index += 1
                if heredoc.strip_tabs:
                    body_line = body_line.lstrip("\t")
                if body_line == heredoc.delimiter:
                    break
                body.append(body_line)
            else:
                warning = (
                    f"bash: warning: here-document at line {number} delimited by end-of-file "
                    f"(wanted `{heredoc.delimiter}')"
                )
            stdin = "".join(f"{body_line}\n" for body_line in body)
        commands.append(Command(number, command_text.strip(), stdin, warning))
    return commands


class ScriptRunner:
    def __init__(self, cluster: Cluster | None = None, seed: int = 0, base_dir: Path | None = None):
        self.cluster = cluster or Cluster(seed=seed)
        self.base_dir = base_dir

    def run_line(self, text: str, stdin: str | None = None) -> str:
        """One command line; `stdin` is its standard input (a heredoc's body)."""
        line = split_shell_line(text)
        if line.error:
            return line.error
        if line.open_quote:
            return f"bash: unexpected EOF while looking for matching `{line.open_quote}'"
        if line.heredocs and stdin is None:
            stdin = ""
        words = line.words
        if not words:
            return ""
        if words[0] == "kubectl":
            return run_kubectl(self.cluster, words[1:], stdin, self._read_file)
        if words[0] == "sim":
            return run_sim(self.cluster, words[1:])
        return f"bash: {words[0]}: command not found"

    def run_command(self, text: str) -> str:
        """One command as written: a line, or a command and its heredoc (a lesson's setup
        item that applies a manifest); only the first command of `text` runs."""
        commands = parse_script(text)
        if not commands:
            return ""
        return self.run_line(commands[0].text, commands[0].stdin)

    def run(self, text: str) -> str:
        out = []
        for command in parse_script(text):
            out.append(f"$ {command.text}")
            if command.warning:
                out.append(command.warning)
            result = self.run_line(command.text, command.stdin)
            if result:
                out.append(result.rstrip("\n"))
        return "\n".join(out) + "\n"

    def _read_file(self, name: str, recursive: bool = False) -> str | list[tuple[str, str]]:
        """A file's text; for a directory, its manifests as (name, text) pairs.

        kubectl -f DIR visits the directory's .json, .yaml and .yml files in lexical order
        (cli-runtime ExpandPathsToFileVisitors over filepath.Walk; subdirectories only with
        -R), each named `DIR/file.yaml` in its messages (filepath.Join).
        """
        if self.base_dir is None or not name:
            raise FileNotFoundError(name)
        try:
            base = self.base_dir.resolve()
            path = self._inside(base, name)
            if path.is_dir():
                found: list[tuple[str, str]] = []
                self._walk(base, path, name, recursive, found)
                return found
            return _read_text(path)
        except (OSError, ValueError) as error:  # unreadable, or a name no file can have
            raise FileNotFoundError(name) from error

    def _inside(self, base: Path, name: str) -> Path:
        path = (self.base_dir / name).resolve()
        if base not in path.parents and path != base:
            raise FileNotFoundError(name)
        return path

    def _walk(self, base: Path, path: Path, shown: str, recursive: bool, found: list):
        for entry in sorted(
            path.iterdir(), key=lambda p: p.name.encode("utf-8", "surrogateescape")
        ):
            child = posixpath.normpath(posixpath.join(shown, entry.name))
            resolved = entry.resolve()
            if base not in resolved.parents:
                continue  # nothing outside the script's directory is read
            if resolved.is_dir():
                if recursive and not entry.is_symlink():  # filepath.Walk follows no links
                    self._walk(base, resolved, child, recursive, found)
            elif _go_ext(entry.name) in (".json", ".yaml", ".yml") and resolved.is_file():
                found.append((child, _read_text(resolved)))


def _go_ext(name: str) -> str:
    """filepath.Ext: from the last dot (`.yaml` for a file named `.yaml`)."""
    dot = name.rfind(".")
    return name[dot:] if dot >= 0 else ""


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        # bytes that are not UTF-8 reach the YAML parser, which refuses them
        return path.read_bytes().decode("utf-8", errors="replace")


def run_script(
    text: str, seed: int = 0, base_dir: Path | None = None, profile: str = "realistic"
) -> str:
    return ScriptRunner(Cluster(seed=seed, profile=profile), base_dir=base_dir).run(text)
