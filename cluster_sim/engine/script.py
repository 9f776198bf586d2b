"""The script runner: lines of `kubectl …` and `sim …`, printed as a terminal session would show them.

Each command is echoed as `$ <command>` followed by exactly what it prints.
A failing command does not stop the script, like a shell script without `set -e`.
Heredocs (`kubectl apply -f - <<EOF` … `EOF`) feed standard input.
"""

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

    def _read_file(self, name: str) -> str:
        if self.base_dir is None:
            raise FileNotFoundError(name)
        path = (self.base_dir / name).resolve()
        if self.base_dir.resolve() not in path.parents and path != self.base_dir.resolve():
            raise FileNotFoundError(name)
        if path.is_dir():
            # kubectl -f DIR reads the directory's .json, .yaml and .yml files (not recursive);
            # simplification: they are read as one multi-document stream named after DIR
            files = sorted(
                p for p in path.iterdir() if p.is_file() and p.suffix in (".json", ".yaml", ".yml")
            )
            return "\n---\n".join(_read_text(p) for p in files)
        return _read_text(path)


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
