"""kubectl's command line as cobra and spf13/pflag read it.

cobra finds the command first (`rollout status`, `create deploy`), skipping flags the way its
stripFlags does; pflag then parses that command's flags anywhere on the line (`--flag=value`,
`--flag value`, `-fvalue`, `-abc` for booleans, `--` ends flags). Errors are worded as kubectl
prints them: kubectl's main() hands every cobra error to cmdutil.CheckErr, which adds `error: `
(cmd/kubectl/kubectl.go: cli.RunNoErrOutput + util.CheckErr, kubernetes PR #107044), and the
flag error function adds `See 'kubectl <command> --help' for usage.` (templates.FlagErrorFunc).
"""

from dataclasses import dataclass, field

from ..manifests.errors import go_quote
from . import flags as kflags
from .flags import Flag, FlagValueError


class UsageError(Exception):
    """Printed as-is by the runner, like kubectl's `error: ...` lines."""


class HelpRequested(Exception):
    """`--help` / `-h` / a bare parent command: kubectl prints the command's help."""

    def __init__(self, path: str, prefix: str = ""):
        super().__init__(path)
        self.path = path
        self.prefix = prefix


# What each simulated command does with its flags; a flag kubectl has but the simulation
# does not act on is refused with a plain message rather than silently ignored.
SIMULATED_FLAGS = {
    "apply": {"filename", "recursive", "dry-run", "validate", "record"},
    "create": {"filename", "recursive", "dry-run", "validate", "record", "save-config"},
    "create deployment": {"image", "replicas", "port", "dry-run", "output", "validate", "save-config"},
    "create namespace": {"dry-run", "output", "validate", "save-config"},
    "create job": {"image", "from", "dry-run", "output", "validate", "save-config"},
    "create cronjob": {
        "image", "schedule", "restart", "dry-run", "output", "validate", "save-config",
    },
    "create secret generic": {
        "from-literal", "from-file", "from-env-file", "type", "dry-run", "output", "validate",
        "save-config",
    },
    "create configmap": {
        "from-literal", "from-file", "from-env-file", "dry-run", "output", "validate",
        "save-config",
    },
    "create quota": {"hard", "scopes", "dry-run", "output", "validate", "save-config"},
    "delete": {
        "filename", "recursive", "selector", "field-selector", "all", "grace-period", "force",
        "now", "cascade", "wait", "dry-run", "ignore-not-found", "output",
    },
    "get": {
        "all-namespaces", "selector", "field-selector", "output", "show-labels", "no-headers",
        "filename", "recursive", "sort-by",
    },
    "describe": {"selector"},
    "scale": {"replicas", "dry-run", "record", "selector", "all", "current-replicas"},
    "rollout status": {"timeout", "watch", "selector"},
    "rollout history": {"revision", "selector"},
    "rollout undo": {"to-revision", "dry-run", "selector"},
    "rollout restart": {"selector"},
    "rollout pause": {"selector"},
    "rollout resume": {"selector"},
    "set image": {"dry-run", "record"},
    "set resources": {
        "limits", "requests", "containers", "all", "selector", "dry-run", "record", "filename",
        "recursive",
    },
    "cordon": {"dry-run", "selector"},
    "uncordon": {"dry-run", "selector"},
    "drain": {
        "force", "ignore-daemonsets", "delete-emptydir-data", "dry-run", "grace-period",
        "disable-eviction", "selector",
    },
    "label": {"overwrite", "selector", "all", "dry-run", "record"},
    "annotate": {"overwrite", "selector", "all", "dry-run", "record"},
    "logs": {"container", "previous", "tail", "follow", "selector"},
    "run": {
        "image", "port", "labels", "env", "restart", "command", "dry-run", "output",
        "image-pull-policy", "annotations", "privileged", "save-config",
    },
    "exec": {"container", "stdin", "tty", "quiet"},
    "expose": {
        "port", "target-port", "protocol", "name", "type", "selector", "labels", "cluster-ip",
        "external-ip", "load-balancer-ip", "session-affinity", "dry-run", "output", "filename",
        "recursive",
    },
    "autoscale": {"min", "max", "cpu-percent", "cpu", "memory", "name", "dry-run", "output"},
    "top node": set(),
    "top pod": {"all-namespaces"},
    "events": {"all-namespaces", "for", "types", "output", "no-headers"},
}  # fmt: skip
SIMULATED_PATHS = {*SIMULATED_FLAGS, "rollout", "set", "top", "create", "create secret"}
# Flags that change nothing a simulated cluster could show (client-side plumbing).
NO_OP_FLAGS = {
    "allow-missing-template-keys", "chunk-size", "field-manager", "show-managed-fields",
    "use-protocol-buffers", "server-print", "insecure-skip-tls-verify-backend",
    "pod-running-timeout", "max-log-requests", "ignore-errors", "openapi-patch", "help",
}  # fmt: skip
# cobra's MarkFlagRequired.
REQUIRED_FLAGS = {
    "create cronjob": ("image", "schedule"),
    "create deployment": ("image",),
    "scale": ("replicas",),
    "run": ("image",),
}


_ROOT_SPEC = {**kflags.GLOBAL_FLAGS, "help": kflags.HELP_FLAG}


@dataclass
class Invocation:
    verb: str
    args: list[str] = field(default_factory=list)
    flags: dict[str, object] = field(default_factory=dict)
    stdin: str | None = None
    dash_at: int | None = None  # how many args came before `--` (cobra's ArgsLenAtDash)
    path: str = ""  # the command path: `get`, `rollout status`, `create deployment`
    notes: list[str] = field(default_factory=list)  # pflag's deprecation lines (stderr)
    # every flag as given, in order: (name, value as typed); --record writes them down
    given: list[tuple[str, str]] = field(default_factory=list)

    def flag(self, name: str, default=None):
        return self.flags.get(name, default)

    def change_cause(self) -> str | None:
        """With --record, the command as kubectl records it in kubernetes.io/change-cause
        (parseCommandArguments: the arguments, then each flag as --name=value in the order
        given); None without."""
        if not self.flag("record"):
            return None
        words = " ".join([*self.path.split(), *self.args])
        return f"kubectl {words}" + "".join(f" --{name}={value}" for name, value in self.given)

    @property
    def sub(self) -> str | None:
        """The subcommand (`status` for `rollout status`), None for a leaf command."""
        return self.path.split(" ", 1)[1] if " " in self.path else None


def parse(words: list[str]) -> Invocation:
    """words excludes the leading `kubectl`."""
    path, rest = find_command(words)
    if not path:
        names = _strip_flags(words, _ROOT_SPEC)
        if names:  # cobra's Find fails (legacyArgs) before any flag is parsed
            _plugin_handler(words)
            raise UsageError(_unknown_command(names[0]))
    if path and path not in SIMULATED_PATHS and path != "help":
        raise UsageError(f'error: ClusterLab does not simulate "kubectl {path}" yet')
    spec = kflags.command_flags(path) if path not in ("", "help") else _ROOT_SPEC
    notes: list[str] = []
    given: list[tuple[str, str]] = []
    positional, values, dash_at, failure = _parse_flags(rest, spec, notes, given)
    if failure:
        raise UsageError(
            "\n".join([*notes, f"error: {failure}\nSee '{_help_command(path)}' for usage."])
        )
    if values.get("help"):
        raise HelpRequested(path, "".join(f"{note}\n" for note in notes))
    verb = path.split(" ", 1)[0]
    if path == "help":  # cobra's help command: `kubectl help rollout status`
        topic, _ = find_command(positional)
        raise HelpRequested(topic if topic in SIMULATED_PATHS else "")
    if not path:
        raise HelpRequested("")
    invocation = Invocation(
        verb=verb,
        args=positional,
        flags=values,
        dash_at=dash_at,
        path=path,
        notes=notes,
        given=given,
    )
    if path in kflags.PARENT_COMMANDS and path != "create":
        # DefaultSubCommandRun: arguments that name no subcommand, else the help text
        if positional:
            raise UsageError(
                "\n".join(
                    [
                        *notes,
                        f"error: unknown command {go_quote(' '.join(positional))}\n"
                        f"See 'kubectl {path} -h' for help and examples",
                    ]
                )
            )
        raise HelpRequested(path, "".join(f"{note}\n" for note in notes))
    for name in REQUIRED_FLAGS.get(path, ()):
        if name not in values:
            raise UsageError("\n".join([*notes, f'error: required flag(s) "{name}" not set']))
    return invocation


def unsimulated_flag(inv: Invocation) -> str | None:
    """The first flag on the line that kubectl has but this simulation does not act on."""
    simulated = SIMULATED_FLAGS.get(inv.path)
    if simulated is None:
        return None
    spec = kflags.command_flags(inv.path)
    for name, value in inv.flags.items():
        if name in simulated or name in NO_OP_FLAGS or name in kflags.GLOBAL_FLAGS:
            continue
        flag = spec.get(name)
        if flag is None or value == _default_value(flag):
            continue
        return f'error: ClusterLab does not simulate "kubectl {inv.path} --{name}" yet'

    return None


def _plugin_handler(words: list[str]) -> None:
    """kubectl's cmd.go: a line cobra cannot place goes to the plugin handler first, which
    refuses flags before the plugin name (printed by kubectl itself, `Error: `)."""
    name = next((word for word in words if not word.startswith("-")), "")
    if name != "help" and words[0].startswith("-"):
        raise UsageError(f"Error: flags cannot be placed before plugin name: {words[0]}")


def find_command(words: list[str]) -> tuple[str, list[str]]:
    """cobra's Find: the command path and the words left for its flag parsing.

    Each level strips flags with the flags it knows; an unknown `--flag` is assumed to take a
    value (stripFlags). The first remaining word names the command; kubectl commands the
    simulation does not have are reported by the runner.
    """
    root_spec = _ROOT_SPEC
    names = _strip_flags(words, root_spec)
    if not names or names[0] not in (*kflags.ROOT_COMMANDS, "help"):
        return "", words
    path = names[0]
    rest = _args_minus_first(words, path, root_spec)
    while path in kflags.PARENT_COMMANDS:  # `create secret generic`: parents nest
        level_spec = kflags.command_flags(path)
        inner = _strip_flags(rest, level_spec)
        sub = kflags.subcommand(path, inner[0]) if inner else None
        if sub is None:
            break
        rest = _args_minus_first(rest, inner[0], level_spec)
        path = f"{path} {sub}"
    return path, rest


def _strip_flags(args: list[str], spec: dict[str, Flag]) -> list[str]:
    commands = []
    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if word == "--":
            break
        if word.startswith("--") and "=" not in word and not _long_has_no_opt(word[2:], spec):
            index += 1
            continue
        if (
            word.startswith("-")
            and "=" not in word
            and len(word) == 2
            and not _short_has_no_opt(word[1:], spec)
        ):
            index += 1
            continue
        if word and not word.startswith("-"):
            commands.append(word)
    return commands


def _args_minus_first(args: list[str], name: str, spec: dict[str, Flag]) -> list[str]:
    index = 0
    while index < len(args):
        word = args[index]
        if word == "--":
            break
        if (word.startswith("--") and "=" not in word and not _long_has_no_opt(word[2:], spec)) or (
            word.startswith("-")
            and "=" not in word
            and len(word) == 2
            and not _short_has_no_opt(word[1:], spec)
        ):
            index += 2
            continue
        if not word.startswith("-") and word == name:
            return args[:index] + args[index + 1 :]
        index += 1
    return args


def _long_has_no_opt(name: str, spec: dict[str, Flag]) -> bool:
    flag = spec.get(name)
    return flag is not None and flag.no_opt_default is not None


def _short_has_no_opt(short: str, spec: dict[str, Flag]) -> bool:
    flag = next((f for f in spec.values() if f.shorthand == short), None)
    return flag is not None and flag.no_opt_default is not None


def _parse_flags(
    args: list[str], spec: dict[str, Flag], notes: list[str], given: list[tuple[str, str]]
):
    """pflag FlagSet.Parse with interspersed flags: (positional, values, dash_at, failure).
    Each flag set is appended to `given` as (name, value as typed)."""
    shorthands = {f.shorthand: f for f in spec.values() if f.shorthand}
    values: dict[str, object] = {}
    positional: list[str] = []
    dash_at = None

    def set_value(flag: Flag, value: str) -> str | None:
        try:
            parsed = kflags.parse_value(flag, value)
        except FlagValueError as error:
            return f"invalid argument {go_quote(value)} for {go_quote(flag.title)} flag: {error}"
        if flag.kind in ("slice", "array") and flag.name in values:
            values[flag.name] = [*values[flag.name], *parsed]
        else:
            values[flag.name] = parsed
        if flag.deprecated:
            notes.append(f"Flag --{flag.name} has been deprecated, {flag.deprecated}")
        given.append((flag.name, value))
        return None

    index = 0
    while index < len(args):
        word = args[index]
        index += 1
        if len(word) < 2 or word[0] != "-":
            positional.append(word)
            continue
        if word == "--":
            dash_at = len(positional)
            positional.extend(args[index:])
            break
        if word.startswith("--"):
            name = word[2:]
            if not name or name[0] in "-=":
                return positional, values, dash_at, f"bad flag syntax: {word}"
            name, has_value, value = name.partition("=")
            flag = spec.get(name.replace("_", "-"))  # kubectl's WordSepNormalizeFunc
            if flag is None:
                return positional, values, dash_at, f"unknown flag: --{name}"
            if not has_value:
                if flag.no_opt_default is not None:
                    value = flag.no_opt_default
                elif index < len(args):
                    value = args[index]
                    index += 1
                else:
                    return positional, values, dash_at, f"flag needs an argument: {word}"
            problem = set_value(flag, value)
            if problem:
                return positional, values, dash_at, problem
            continue
        # one or more shorthands: -A, -oyaml, -o=yaml, -Al app=web
        letters = word[1:]
        while letters:
            char = letters[0]
            raw = char.encode("utf-8", "surrogatepass")
            flag = shorthands.get(char) if len(raw) == 1 else None  # pflag reads one byte
            if flag is None:
                return (
                    positional,
                    values,
                    dash_at,
                    f"unknown shorthand flag: {kflags.go_quote_byte(raw[0])} in -{letters}",
                )
            remaining = letters[1:]
            if len(letters) > 2 and letters[1] == "=":
                value, remaining = letters[2:], ""
            elif flag.no_opt_default is not None:
                value = flag.no_opt_default
            elif len(letters) > 1:
                value, remaining = letters[1:], ""
            elif index < len(args):
                value = args[index]
                index += 1
            else:
                return (
                    positional,
                    values,
                    dash_at,
                    f"flag needs an argument: {kflags.go_quote_byte(raw[0])} in -{letters}",
                )
            problem = set_value(flag, value)
            if problem:
                return positional, values, dash_at, problem
            letters = remaining
    return positional, values, dash_at, None


def _default_value(flag: Flag):
    try:
        if flag.kind in ("slice", "array"):
            return []
        return kflags.parse_value(flag, flag.default)
    except FlagValueError:
        return flag.default


def _unknown_command(word: str) -> str:
    """cobra legacyArgs with findSuggestions, printed by CheckErr."""
    found = kflags.suggestions(word)
    text = f'error: unknown command {go_quote(word)} for "kubectl"'
    if found:
        text += "\n\nDid you mean this?\n" + "".join(f"\t{name}\n" for name in found)
    return text.rstrip("\n")


def parse_int(value) -> int:
    """A flag value as an int: the parser already turned int flags into ints."""
    if isinstance(value, int):
        return value
    return kflags.go_parse_int(str(value))


def _help_command(path: str) -> str:
    return f"kubectl {path} --help" if path else "kubectl --help"
