"""kubectl's command line: flags anywhere, `--flag=value` or `--flag value`, pflag's errors."""

import shlex
from dataclasses import dataclass, field


class UsageError(Exception):
    """Printed as-is by the runner, like kubectl's `error: ...` lines."""


# flag -> (canonical name, takes a value)
FLAGS = {
    "-n": ("namespace", True),
    "--namespace": ("namespace", True),
    "-A": ("all-namespaces", False),
    "--all-namespaces": ("all-namespaces", False),
    "-o": ("output", True),
    "--output": ("output", True),
    "-l": ("selector", True),
    "--selector": ("selector", True),
    "-f": ("filename", True),
    "--filename": ("filename", True),
    "--show-labels": ("show-labels", False),
    "--no-headers": ("no-headers", False),
    "--replicas": ("replicas", True),
    "--force": ("force", False),
    "--grace-period": ("grace-period", True),
    "--cascade": ("cascade", True),
    "--ignore-daemonsets": ("ignore-daemonsets", False),
    "--delete-emptydir-data": ("delete-emptydir-data", False),
    "--timeout": ("timeout", True),
    "--to-revision": ("to-revision", True),
    "--revision": ("revision", True),
    "--previous": ("previous", False),
    "-p": ("previous", False),
    "--tail": ("tail", True),
    "-c": ("container", True),
    "--container": ("container", True),
    "--overwrite": ("overwrite", False),
    "--all": ("all", False),
    "--image": ("image", True),
    "--port": ("port", True),
    "--dry-run": ("dry-run", True),
    "--record": ("record", False),
    "--watch": ("watch", False),
    "-w": ("watch", False),
    "--wait": ("wait", True),
    "--now": ("now", False),
    "--sort-by": ("sort-by", True),
    "--field-selector": ("field-selector", True),
    "--current-replicas": ("current-replicas", True),
    "--type": ("type", True),
    "--target-port": ("target-port", True),
    "--name": ("name", True),
    "--containers": ("containers", True),
    "--validate": ("validate", True),
}
BOOLEAN_VALUES = {"true": True, "false": False}


@dataclass
class Invocation:
    verb: str
    args: list[str] = field(default_factory=list)
    flags: dict[str, object] = field(default_factory=dict)
    stdin: str | None = None

    def flag(self, name: str, default=None):
        return self.flags.get(name, default)


def split_command(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as error:
        raise UsageError(f"error: {error}") from error


def parse(words: list[str]) -> Invocation:
    """words excludes the leading `kubectl`."""
    positional: list[str] = []
    flags: dict[str, object] = {}
    index = 0
    verb = None
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            positional.extend(words[index:])
            break
        if word.startswith("-") and word != "-":
            name, value, has_inline = word, None, False
            if word.startswith("--") and "=" in word:
                name, value = word.split("=", 1)
                has_inline = True
            elif not word.startswith("--") and len(word) > 2:
                name, value, has_inline = word[:2], word[2:].lstrip("="), True
            if name not in FLAGS:
                command = verb or "kubectl"
                if name.startswith("--"):
                    raise UsageError(
                        f"Error: unknown flag: {name}\nSee '{_help(command)}' for usage."
                    )
                raise UsageError(
                    f"Error: unknown shorthand flag: '{name[1:]}' in {word}\nSee '{_help(command)}' for usage."
                )
            canonical, takes_value = FLAGS[name]
            if takes_value:
                if not has_inline:
                    if index >= len(words):
                        raise UsageError(
                            f"Error: flag needs an argument: {_flag_display(name)}\n"
                            f"See '{_help(verb or 'kubectl')}' for usage."
                        )
                    value = words[index]
                    index += 1
                flags[canonical] = value
            else:
                if has_inline:
                    if value not in BOOLEAN_VALUES:
                        raise UsageError(
                            f'Error: invalid argument "{value}" for "{name}" flag: '
                            f'strconv.ParseBool: parsing "{value}": invalid syntax'
                        )
                    flags[canonical] = BOOLEAN_VALUES[value]
                else:
                    flags[canonical] = True
        elif verb is None:
            verb = word
        else:
            positional.append(word)
    if verb is None:
        raise UsageError("error: you must specify a command; try 'kubectl help'")
    return Invocation(verb=verb, args=positional, flags=flags)


def _flag_display(name: str) -> str:
    return name if name.startswith("--") else f"'{name[1:]}' in {name}"


def _help(command: str) -> str:
    return "kubectl --help" if command == "kubectl" else f"kubectl {command} --help"
