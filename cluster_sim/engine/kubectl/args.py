"""kubectl's command line: flags anywhere, `--flag=value` or `--flag value`, pflag's errors."""

import shlex
from dataclasses import dataclass, field

from ..timefmt import parse_duration


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
# Flags only some commands have (pflag: unknown elsewhere).
VERB_FLAGS = {"create": {"-r": ("replicas", True)}}
# Flags that may stand alone and then take this value (pflag's NoOptDefVal).
OPTIONAL_VALUES = {"dry-run": "unchanged"}
# Flags that may be repeated, collecting every value (pflag's string slices).
REPEATABLE = {"image"}
# Typed flags and how pflag words a value it cannot parse.
INTEGER_FLAGS = {
    "replicas",
    "port",
    "grace-period",
    "tail",
    "to-revision",
    "revision",
    "current-replicas",
}
DURATION_FLAGS = {"timeout"}
# How cobra names a subcommand in "See 'kubectl <path> --help'" (aliases resolved).
SUBCOMMANDS = {
    "create": {"deployment": "deployment", "deploy": "deployment", "namespace": "namespace", "ns": "namespace"},
    "rollout": {v: v for v in ("status", "history", "undo", "restart", "pause", "resume")},
    "set": {"image": "image"},
}  # fmt: skip


@dataclass
class Invocation:
    verb: str
    args: list[str] = field(default_factory=list)
    flags: dict[str, object] = field(default_factory=dict)
    stdin: str | None = None
    dash_at: int | None = None  # how many args came before `--` (cobra's ArgsLenAtDash)

    def flag(self, name: str, default=None):
        return self.flags.get(name, default)

    @property
    def command_path(self) -> str:
        """`scale`, `rollout undo`, `create deployment`: what `kubectl <path> --help` names."""
        return command_path(self.verb, self.args)


def command_path(verb: str | None, args: list[str]) -> str:
    if verb is None:
        return ""
    sub = SUBCOMMANDS.get(verb, {}).get(args[0]) if args else None
    return f"{verb} {sub}" if sub else verb


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
    dash_at = None
    failure = None  # pflag stops at the first bad flag; the message needs the command path
    while index < len(words):
        word = words[index]
        index += 1
        if word == "--":
            dash_at = len(positional)
            positional.extend(words[index:])
            break
        if word.startswith("-") and word != "-":
            name, value, has_inline = word, None, False
            if word.startswith("--") and "=" in word:
                name, value = word.split("=", 1)
                has_inline = True
            elif not word.startswith("--") and len(word) > 2:
                name, value, has_inline = word[:2], word[2:].lstrip("="), True
            known = {**FLAGS, **VERB_FLAGS.get(verb or "", {})}
            if name not in known:
                if name.startswith("--"):
                    failure = f"Error: unknown flag: {name}"
                else:
                    failure = f"Error: unknown shorthand flag: '{name[1:]}' in {word}"
                break
            canonical, takes_value = known[name]
            if takes_value:
                if not has_inline:
                    if canonical in OPTIONAL_VALUES:
                        value = OPTIONAL_VALUES[canonical]
                    elif index >= len(words):
                        failure = f"Error: flag needs an argument: {_flag_display(name)}"
                        break
                    else:
                        value = words[index]
                        index += 1
                problem = _typed_value_error(canonical, value)
                if problem:
                    failure = f'Error: invalid argument "{value}" for "{_flag_title(canonical, known)}" flag: {problem}'
                    break
                if canonical in REPEATABLE:
                    flags.setdefault(canonical, []).append(value)
                else:
                    flags[canonical] = value
            else:
                if has_inline:
                    if value not in BOOLEAN_VALUES:
                        failure = (
                            f'Error: invalid argument "{value}" for "{_flag_title(canonical, known)}" flag: '
                            f'strconv.ParseBool: parsing "{value}": invalid syntax'
                        )
                        break
                    flags[canonical] = BOOLEAN_VALUES[value]
                else:
                    flags[canonical] = True
        elif verb is None:
            verb = word
        else:
            positional.append(word)
    if failure:
        path = command_path(verb, positional) or "kubectl"
        raise UsageError(f"{failure}\nSee '{_help(path)}' for usage.")
    if verb is None:
        raise UsageError("error: you must specify a command; try 'kubectl help'")
    return Invocation(verb=verb, args=positional, flags=flags, dash_at=dash_at)


def parse_int(value) -> int:
    """strconv.ParseInt(value, 0, 64) as pflag's int flags use it (0x.., 0o.., 0b.. too)."""
    if isinstance(value, int):
        return value
    text = value.strip("+-")
    return int(value, 0) if text[1:2] in ("x", "X", "o", "O", "b", "B") else int(value)


def _typed_value_error(canonical: str, value: str) -> str | None:
    """pflag's parse error for an int or duration flag, None when the value parses."""
    if canonical in INTEGER_FLAGS:
        try:
            parse_int(value)
        except ValueError:
            return f'strconv.ParseInt: parsing "{value}": invalid syntax'
    if canonical in DURATION_FLAGS:
        try:
            parse_duration(value)
        except ValueError:
            return f'time: invalid duration "{value}"'
    return None


def _flag_title(canonical: str, known: dict) -> str:
    """`--replicas`, or `-r, --replicas` when the command gives it a shorthand too."""
    short = next(
        (f for f, (c, _) in known.items() if c == canonical and not f.startswith("--")), None
    )
    return f"{short}, --{canonical}" if short else f"--{canonical}"


def _flag_display(name: str) -> str:
    return name if name.startswith("--") else f"'{name[1:]}' in {name}"


def _help(command: str) -> str:
    return "kubectl --help" if command in ("kubectl", "") else f"kubectl {command} --help"
