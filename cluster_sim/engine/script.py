"""The script runner: lines of `kubectl …` and `sim …`, printed as a terminal session would show them.

Each command is echoed as `$ <command>` followed by exactly what it prints.
A failing command does not stop the script, like a shell script without `set -e`.
Heredocs (`kubectl apply -f - <<EOF` … `EOF`) feed standard input.
"""

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

from .cluster import Cluster
from .kubectl.args import UsageError, split_command
from .kubectl.run import run_kubectl
from .sim_commands import run_sim

HEREDOC = re.compile(r"<<-?\s*['\"]?(\w+)['\"]?\s*$")


@dataclass
class Command:
    line_number: int
    text: str
    stdin: str | None = None


def parse_script(text: str) -> list[Command]:
    commands: list[Command] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        raw = lines[index]
        index += 1
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        number = index
        while stripped.endswith("\\") and index < len(lines):
            stripped = stripped[:-1].rstrip() + " " + lines[index].strip()
            index += 1
        match = HEREDOC.search(stripped)
        stdin = None
        if match:
            marker = match.group(1)
            body = []
            while index < len(lines) and lines[index].strip() != marker:
                body.append(lines[index])
                index += 1
            index += 1  # the closing marker
            stdin = "\n".join(body) + "\n"
            stripped = stripped[: match.start()].rstrip()
        commands.append(Command(number, stripped, stdin))
    return commands


class ScriptRunner:
    def __init__(self, cluster: Cluster | None = None, seed: int = 0, base_dir: Path | None = None):
        self.cluster = cluster or Cluster(seed=seed)
        self.base_dir = base_dir

    def run_line(self, text: str, stdin: str | None = None) -> str:
        try:
            words = split_command(text)
        except UsageError as error:
            return str(error)
        if not words:
            return ""
        if words[0] == "kubectl":
            return run_kubectl(self.cluster, words[1:], stdin, self._read_file)
        if words[0] == "sim":
            return run_sim(self.cluster, words[1:])
        return f"bash: {words[0]}: command not found"

    def run(self, text: str) -> str:
        out = []
        for command in parse_script(text):
            out.append(f"$ {command.text}")
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
