"""The ConfigMap `kubectl create configmap` builds (create_configmap.go) and the Secret
`kubectl create secret generic` builds (create_secret.go), before they are sent: keys from
--from-literal, --from-file and --from-env-file, checked as each command checks them."""

import base64
import posixpath
import re

from .args import Invocation, UsageError

_CONFIG_KEY = re.compile(r"^[-._a-zA-Z0-9]+$")
_KEY_MESSAGE = (
    "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. "
    "'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is "
    "'[-._a-zA-Z0-9]+')"
)


def build_configmap(inv: Invocation, name: str, read_file) -> dict:
    return _keyed_object("ConfigMap", name, _collect(inv, name, read_file, _add_to_configmap))


def build_secret(inv: Invocation, name: str, read_file) -> dict:
    data = _collect(inv, name, read_file, _add_to_secret)
    encoded = {key: base64.b64encode(value.encode()).decode("ascii") for key, value in data.items()}
    secret = _keyed_object("Secret", name, encoded)
    if inv.flag("type"):
        secret["type"] = inv.flag("type")
    return secret


def _keyed_object(kind: str, name: str, data: dict[str, str]) -> dict:
    obj: dict = {
        "kind": kind,
        "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": None},
    }
    if data:  # an empty map is omitted, as Go's omitempty does
        obj["data"] = data
    return obj


def _collect(inv: Invocation, name: str, read_file, add) -> dict[str, str]:
    """Files first, then literals, then env files, as both commands handle their sources."""
    env_files = inv.flag("from-env-file") or []
    if env_files and (inv.flag("from-file") or inv.flag("from-literal")):  # Validate
        raise UsageError("error: from-env-file cannot be combined with from-file or from-literal")
    data: dict[str, str] = {}
    for source in inv.flag("from-file") or []:
        key, path = _file_source(source)
        data_key = key or posixpath.basename(path.rstrip("/"))
        add(data, data_key, _read(path, read_file), name)
    for literal in inv.flag("from-literal") or []:
        key, sep, value = literal.partition("=")
        if not sep:  # parseLiteralSource
            raise UsageError(f"error: invalid literal source {literal}, expected key=value")
        add(data, key, value, name)
    for path in env_files:
        for key, value in _env_file(_read(path, read_file)):
            add(data, key, value, name)
    return data


_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_ENV_NAME_MESSAGE = (
    "a valid environment variable name must consist of alphabetic characters, digits, '_', "
    "'-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  "
    "or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')"
)


def _env_file(text: str) -> list[tuple[str, str]]:
    """cmdutil.AddFromEnvFile: KEY=VALUE lines; blank lines and `#` comments skipped; a key
    without `=` takes its value from kubectl's environment (empty here)."""
    pairs = []
    for number, raw in enumerate(text.split("\n")):
        raw = raw.removesuffix("\r")  # bufio.ScanLines drops a CR before the LF
        line = raw.removeprefix("\ufeff") if number == 0 else raw
        line = line.lstrip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        if not _ENV_NAME.match(key):
            raise UsageError(f'error: "{key}" is not a valid key name: {_ENV_NAME_MESSAGE}')
        pairs.append((key, value if sep else ""))
    return pairs


def _file_source(source: str) -> tuple[str, str]:
    """parseFileSource: `[key=]path`."""
    key, sep, path = source.partition("=")
    if not sep:
        return "", source
    if not key:
        raise UsageError(f"error: key name for file path {path} missing")
    if not path:
        raise UsageError(f"error: file path for key name {key} missing")
    return key, path


def _read(path: str, read_file) -> str:
    try:
        if read_file is None:
            raise FileNotFoundError(path)
        text = read_file(path)
    except FileNotFoundError:
        raise UsageError(f"error: error reading {path}: no such file or directory") from None
    if not isinstance(text, str):  # a directory: every file in it becomes a key upstream
        raise UsageError(
            f'error: ClusterLab does not simulate "--from-file" with a directory ({path}) yet'
        )
    return text


def _key_problems(key: str) -> list[str]:
    """validation.IsConfigMapKey (Secrets use the same rules)."""
    problems = []
    if len(key) > 253:
        problems.append("must be no more than 253 characters")
    if not _CONFIG_KEY.match(key):
        problems.append(_KEY_MESSAGE)
    if key == ".":
        problems.append("must not be '.'")
    elif key == "..":
        problems.append("must not be '..'")
    elif key.startswith(".."):
        problems.append("must not start with '..'")
    return problems


def _add_to_configmap(data: dict[str, str], key: str, value: str, name: str) -> None:
    """validateNewConfigMap."""
    problems = _key_problems(key)
    if problems:
        raise UsageError(
            f'error: "{key}" is not a valid key name for a ConfigMap: {",".join(problems)}'
        )
    if key in data:
        raise UsageError(
            f'error: cannot add key "{key}", another key by that name already exists in Data '
            f'for ConfigMap "{name}"'
        )
    data[key] = value


def _add_to_secret(data: dict[str, str], key: str, value: str, name: str) -> None:
    """addKeyFromLiteralToSecret."""
    problems = _key_problems(key)
    if problems:
        raise UsageError(f'error: "{key}" is not valid key name for a Secret {";".join(problems)}')
    if key in data:
        raise UsageError(f"error: cannot add key {key}, another key by that name already exists")
    data[key] = value
