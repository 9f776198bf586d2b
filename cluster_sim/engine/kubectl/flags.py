"""kubectl's commands and their flags, as kubectl v1.32 defines them, and pflag's value parsing.

The help texts in `help/` were captured from a real kubectl v1.32.4 client (`kubectl <command>
--help`, which needs no server). They are printed for `--help` and for a bare parent command
(`kubectl rollout`), and each command's flags (name, shorthand, type) are read from their
`Options:` section, so a flag is known exactly where kubectl knows it.

Values are parsed as spf13/pflag parses them: strconv.ParseBool, strconv.ParseInt(s, 0, bits),
time.ParseDuration and encoding/csv for string slices, with Go's error texts.
"""

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..manifests.errors import GO_ESCAPES, go_quote

HELP_DIR = Path(__file__).parent / "help"

# The root command's subcommands in the order cmd.go adds them (cobra's suggestions keep
# that order); `alpha` has no subcommands in v1.32 and `help` is never suggested.
ROOT_COMMANDS = (
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale",
    "autoscale", "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint",
    "describe", "logs", "attach", "exec", "port-forward", "proxy", "cp", "auth", "debug", "events",
    "diff", "apply", "patch", "replace", "wait", "kustomize", "label", "annotate", "completion",
    "config", "plugin", "version", "api-versions", "api-resources", "options",
)  # fmt: skip
# cobra.Command.SuggestFor of kubectl's commands (get.go, delete.go; `wait` as v1.32.4 shows).
SUGGEST_FOR = {"get": ("list", "ps"), "delete": ("rm",), "wait": ("list", "ps")}
# Commands with subcommands; a bare one prints its help (DefaultSubCommandRun).
PARENT_COMMANDS = {
    "rollout": ("history", "pause", "restart", "resume", "status", "undo"),
    "set": ("env", "image", "resources", "selector", "serviceaccount", "subject"),
    "top": ("node", "pod"),
    "create": (
        "clusterrole", "clusterrolebinding", "configmap", "cronjob", "deployment", "ingress",
        "job", "namespace", "poddisruptionbudget", "priorityclass", "quota", "role",
        "rolebinding", "secret", "service", "serviceaccount", "token",
    ),
    "create secret": ("docker-registry", "generic", "tls"),
}  # fmt: skip
# Every command's global flags (`kubectl options`).
GLOBAL_FLAGS_SPEC = (
    ("as", None, "string"), ("as-group", None, "array"), ("as-uid", None, "string"),
    ("cache-dir", None, "string"), ("certificate-authority", None, "string"),
    ("client-certificate", None, "string"), ("client-key", None, "string"),
    ("cluster", None, "string"), ("context", None, "string"),
    ("disable-compression", None, "bool"), ("insecure-skip-tls-verify", None, "bool"),
    ("kubeconfig", None, "string"), ("log-flush-frequency", None, "duration"),
    ("match-server-version", None, "bool"), ("namespace", "n", "string"),
    ("password", None, "string"), ("profile", None, "string"),
    ("profile-output", None, "string"), ("request-timeout", None, "string"),
    ("server", "s", "string"), ("tls-server-name", None, "string"), ("token", None, "string"),
    ("user", None, "string"), ("username", None, "string"), ("v", "v", "int32"),
    ("vmodule", None, "string"), ("warnings-as-errors", None, "bool"),
)  # fmt: skip
# Flags kubectl hides from --help but still parses: (commands, flag, deprecation message).
HIDDEN_FLAGS = (
    (
        ("apply", "create", "scale", "set image", "annotate", "label"),
        "record",
        "--record will be removed in the future",
    ),
)
# Types the help text cannot tell apart from a plain int (Int32Var / Int64Var in kubectl).
INT_BITS = {
    ("create deployment", "replicas"): 32,
    ("create deployment", "port"): 32,
}
# pflag NoOptDefVal: the value a flag takes when given without one.
NO_OPT_DEFAULTS = {"dry-run": "unchanged", "validate": "strict", "cascade": "background"}
# StringArray flags (repeatable, no CSV splitting); other `[]` flags are StringSlice.
ARRAY_FLAGS = {"prune-allowlist", "as-group", "from-literal"}


@dataclass(frozen=True)
class Flag:
    name: str
    shorthand: str | None
    kind: str  # bool | string | int | duration | slice | array
    default: str = ""
    bits: int = 64
    deprecated: str | None = None

    @property
    def no_opt_default(self) -> str | None:
        if self.kind == "bool":
            return "true"
        return NO_OPT_DEFAULTS.get(self.name)

    @property
    def title(self) -> str:
        """How pflag names the flag in `invalid argument ... for "-r, --replicas" flag`."""
        return f"-{self.shorthand}, --{self.name}" if self.shorthand else f"--{self.name}"


class FlagValueError(ValueError):
    """A value pflag cannot parse; str() is the Go error text."""


GLOBAL_FLAGS = {
    name: Flag(name, short, "int" if kind == "int32" else kind, bits=32 if kind == "int32" else 64)
    for name, short, kind in GLOBAL_FLAGS_SPEC
}
HELP_FLAG = Flag("help", "h", "bool", "false")

_OPTION = re.compile(r"^    (?:-(\S), )?--([\w-]+)=(.*):$", re.M)


def help_text(path: str) -> str | None:
    """What `kubectl <path> --help` prints (path "" is the root command)."""
    name = path.replace(" ", "_") or "kubectl"
    file = HELP_DIR / f"{name}.txt"
    return file.read_text(encoding="utf-8").rstrip("\n") if file.is_file() else None


@cache
def command_flags(path: str) -> dict[str, Flag]:
    """The flags of `kubectl <path>`: its own, the hidden ones, the global ones and --help."""
    flags: dict[str, Flag] = dict(GLOBAL_FLAGS)
    text = help_text(path) or ""
    options = (
        text.split("\nOptions:\n", 1)[1].split("\nUsage:\n", 1)[0] if "\nOptions:\n" in text else ""
    )
    for short, name, default in _OPTION.findall(options):
        flags[name] = Flag(
            name,
            short or None,
            _kind_of(name, default),
            default.strip("'"),
            bits=INT_BITS.get((path, name), 64),
        )
    for commands, name, message in HIDDEN_FLAGS:
        if path in commands:
            flags[name] = Flag(name, None, "bool", "false", deprecated=message)
    flags["help"] = HELP_FLAG
    return flags


@cache
def aliases(path: str) -> tuple[str, ...]:
    """A subcommand's names (`node, nodes, no`), from its help text's `Aliases:`."""
    text = help_text(path) or ""
    found = re.search(r"\nAliases:\n(.+)\n", text)
    if found:
        return tuple(name.strip() for name in found.group(1).split(","))
    return (path.rsplit(" ", 1)[-1],)


def subcommand(parent: str, word: str) -> str | None:
    """The subcommand of `parent` that `word` names (aliases included), else None."""
    for name in PARENT_COMMANDS.get(parent, ()):
        if word == name or word in aliases(f"{parent} {name}"):
            return name
    return None


def _kind_of(name: str, default: str) -> str:
    if default in ("true", "false"):
        return "bool"
    if default == "[]":
        return "array" if name in ARRAY_FLAGS else "slice"
    if default.startswith("'"):
        return "string"
    if re.fullmatch(r"-?\d+", default):
        return "int"
    return "duration"


# --- pflag values --------------------------------------------------------------------------


def parse_value(flag: Flag, value: str):
    """The typed value, or FlagValueError with pflag's text for the `invalid argument` message."""
    if flag.kind == "bool":
        return go_parse_bool(value)
    if flag.kind == "int":
        return go_parse_int(value, flag.bits)
    if flag.kind == "duration":
        return go_parse_duration(value)
    if flag.kind == "slice":
        return go_read_csv(value)
    if flag.kind == "array":
        return [value]
    return value


def go_parse_bool(value: str) -> bool:
    if value in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if value in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise FlagValueError(f"strconv.ParseBool: parsing {go_quote(value)}: invalid syntax")


def go_parse_int(value: str, bits: int = 64) -> int:
    """strconv.ParseInt(value, 0, bits): sign, 0x/0o/0b/0 prefixes, underscores between digits."""
    syntax = FlagValueError(f"strconv.ParseInt: parsing {go_quote(value)}: invalid syntax")
    out_of_range = FlagValueError(
        f"strconv.ParseInt: parsing {go_quote(value)}: value out of range"
    )
    text = value
    if not text:
        raise syntax
    negative = text[0] == "-"
    if text[0] in "+-":
        text = text[1:]
        if not text:
            raise syntax
    base, digits = 10, text
    if text[0] == "0":
        prefix = text[1:2].lower()
        if len(text) >= 3 and prefix in ("b", "o", "x"):
            base, digits = {"b": 2, "o": 8, "x": 16}[prefix], text[2:]
        else:
            base, digits = 8, text[1:]
    max_unsigned = (1 << bits) - 1
    number, underscores = 0, False
    for ch in digits:
        if ch == "_":
            underscores = True
            continue
        if "0" <= ch <= "9":
            digit = ord(ch) - ord("0")
        elif "a" <= ch.lower() <= "z" and ch.isascii():
            digit = ord(ch.lower()) - ord("a") + 10
        else:
            raise syntax
        if digit >= base:
            raise syntax
        number = number * base + digit
        if number > max_unsigned:
            raise out_of_range
    if underscores and not _underscores_ok(text):
        raise syntax
    cutoff = 1 << (bits - 1)
    if (not negative and number >= cutoff) or (negative and number > cutoff):
        raise out_of_range
    return -number if negative else number


def _underscores_ok(text: str) -> bool:
    """strconv.underscoreOK: underscores only between digits or after a base prefix."""
    saw = "^"
    i = 0
    hexadecimal = False
    if len(text) >= 2 and text[0] == "0" and text[1].lower() in "box":
        hexadecimal = text[1].lower() == "x"
        i = 2
        saw = "0"
    while i < len(text):
        ch = text[i]
        if "0" <= ch <= "9" or (hexadecimal and "a" <= ch.lower() <= "f"):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}


def go_parse_duration(value: str) -> int:
    """time.ParseDuration, in nanoseconds."""
    invalid = FlagValueError(f"time: invalid duration {_time_quote(value)}")
    text = value
    negative = False
    if text and text[0] in "+-":
        negative = text[0] == "-"
        text = text[1:]
    if text == "0":
        return 0
    if not text:
        raise invalid
    total = 0
    while text:
        if not (text[0] == "." or "0" <= text[0] <= "9"):
            raise invalid
        match = re.match(r"[0-9]*", text)
        whole_digits = match.group()
        text = text[len(whole_digits) :]
        fraction_digits = ""
        if text.startswith("."):
            fraction_digits = re.match(r"[0-9]*", text[1:]).group()
            text = text[1 + len(fraction_digits) :]
        if not whole_digits and not fraction_digits:
            raise invalid
        whole = int(whole_digits or "0")
        if whole > (1 << 63):
            raise invalid
        unit_match = re.match(r"[^0-9.]*", text)
        unit = unit_match.group()
        if not unit:
            raise FlagValueError(f"time: missing unit in duration {_time_quote(value)}")
        text = text[len(unit) :]
        if unit not in _DURATION_UNITS:
            raise FlagValueError(
                f"time: unknown unit {_time_quote(unit)} in duration {_time_quote(value)}"
            )
        scale = _DURATION_UNITS[unit]
        if whole > (1 << 63) // scale:
            raise invalid
        amount = whole * scale
        if fraction_digits:
            amount += int(
                int(fraction_digits[:18] or "0") * (scale / 10 ** len(fraction_digits[:18]))
            )
        total += amount
        if total > (1 << 63):
            raise invalid
    if not negative and total > (1 << 63) - 1:
        raise invalid
    return -total if negative else total


def _time_quote(text: str) -> str:
    """The time package's own quote(): `\\xNN` for bytes outside printable ASCII."""
    out = ['"']
    for ch in text:
        if ord(ch) < 0x20 or ord(ch) >= 0x80:
            out.extend(f"\\x{byte:02x}" for byte in ch.encode("utf-8", "surrogatepass"))
        else:
            if ch in '"\\':
                out.append("\\")
            out.append(ch)
    out.append('"')
    return "".join(out)


def go_read_csv(value: str) -> list[str]:
    """pflag readAsCSV: the first record of encoding/csv (quoted fields, `""` escapes)."""
    if value == "":
        return []
    line = value.split("\n", 1)[0].removesuffix("\r")
    fields: list[str] = []
    i = 0
    while True:
        if i < len(line) and line[i] == '"':
            start = i
            i += 1
            field = []
            while True:
                quote = line.find('"', i)
                if quote < 0:
                    column = len(line[:start].encode()) + 1 + len(line[start:].encode())
                    raise FlagValueError(
                        f'parse error on line 1, column {column}: extraneous or missing " in quoted-field'
                    )
                field.append(line[i:quote])
                i = quote + 1
                if i < len(line) and line[i] == '"':
                    field.append('"')
                    i += 1
                    continue
                if i < len(line) and line[i] != ",":  # the closing quote's column
                    column = len(line[: i - 1].encode()) + 1
                    raise FlagValueError(
                        f'parse error on line 1, column {column}: extraneous or missing " in quoted-field'
                    )
                break
            fields.append("".join(field))
        else:
            end = line.find(",", i)
            field = line[i:] if end < 0 else line[i:end]
            if '"' in field:
                column = len(line[: i + field.index('"')].encode()) + 1
                raise FlagValueError(
                    f'parse error on line 1, column {column}: bare " in non-quoted-field'
                )
            fields.append(field)
            i = len(line) if end < 0 else end
        if i >= len(line):
            break
        i += 1  # the comma
        if i == len(line):
            fields.append("")
            break
    return fields


def go_quote_byte(byte: int) -> str:
    """fmt's %q of a byte: a Go character literal (`'z'`, `'\\x00'`, `'Ã'`)."""
    ch = chr(byte)
    escapes = GO_ESCAPES
    if ch == "'":
        return "'\\''"
    if ch == "\\":
        return "'\\\\'"
    if ch in escapes:
        return f"'{escapes[ch]}'"
    if byte < 0x20 or byte == 0x7F:
        return f"'\\x{byte:02x}'"
    if 0x80 <= byte <= 0xA0 or byte == 0xAD:
        return f"'\\u{byte:04x}'"
    return f"'{ch}'"


def levenshtein(a: str, b: str) -> int:
    """cobra's ld(s, t, ignoreCase=true), over bytes as Go indexes strings."""
    a, b = a.lower().encode("utf-8", "surrogatepass"), b.lower().encode()
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggestions(typed: str) -> list[str]:
    """cobra's SuggestionsFor on kubectl's root command (minimum distance 2)."""
    found = []
    for name in ROOT_COMMANDS:
        if levenshtein(typed, name) <= 2 or name.lower().startswith(typed.lower()):
            found.append(name)
        for explicit in SUGGEST_FOR.get(name, ()):
            if explicit.lower() == typed.lower():
                found.append(name)
    return found
