"""Build Python values from a YAML document the way kubectl's go-yaml v2 path does.

kubectl converts each document to JSON with sigs.k8s.io/yaml (go-yaml v2 rules) before
sending it. We walk PyYAML's event stream (libyaml when available), which never
expands aliases by itself, and build the values with an explicit stack, so that:

* nesting deeper than MAX_DEPTH and alias bombs are refused before any work is done
  (go-yaml's own "excessive aliasing" rule, plus an absolute cap), and a RecursionError
  can never happen;
* scalars resolve as go-yaml v2 resolves them (YAML 1.1 booleans including y/n, no
  sexagesimal ints, `1e3` is a float, timestamps stay strings), and keys become
  strings as sigs.k8s.io/yaml makes them;
* an alias yields a fresh copy, as go-yaml decodes it again, never a shared object.
"""

import base64
import binascii
import math
import re

import yaml

from .errors import go_float

try:  # libyaml: fast, and its problem texts are the ones go-yaml (a port of it) prints
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader

MAX_DEPTH = 100
MAX_ALIAS_NODES = 250_000  # absolute cap on nodes decoded through aliases


class YAMLProblem(Exception):
    """A document go-yaml refuses; `text` is what follows `yaml: ` in its message.

    `mark` is where the problem is, as (line, column) counted from 0 in the document's text
    (PyYAML's problem_mark), or None when it cannot be placed."""

    def __init__(self, text: str, *, yaml_prefix: bool = True, mark=None):
        super().__init__(text)
        self.text = text
        self.yaml_prefix = yaml_prefix
        self.mark = mark


class JSONUnsupported(Exception):
    """A value encoding/json cannot write (NaN, +Inf): `json: unsupported value: ...`."""

    mark = None


_BOOLS = {
    **dict.fromkeys(
        ("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True
    ),
    **dict.fromkeys(
        ("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False
    ),
}
_NULLS = {"", "~", "null", "Null", "NULL"}
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}"
    r"(?:(?:[Tt]|[ ])\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})?)?$"
)
_MERGE = object()
_INT64 = (-(2**63), 2**63 - 1)


def _go_parse_int(text: str) -> int | None:
    """strconv.ParseInt(s, 0, 64) then ParseUint, after go-yaml removed underscores."""
    body, sign = text, 1
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    lower = body.lower()
    try:
        if lower.startswith("0x"):
            value = int(body[2:], 16)
        elif lower.startswith("0o"):
            value = int(body[2:], 8)
        elif lower.startswith("0b"):
            value = int(body[2:], 2)
        elif len(body) > 1 and body[0] == "0":
            value = int(body[1:], 8)
        elif body.isdigit():
            value = int(body)
        else:
            return None
    except ValueError:
        return None
    value *= sign
    if _INT64[0] <= value <= 2**64 - 1 and (value <= _INT64[1] or sign > 0):
        return value
    return value  # go-yaml falls back to big.Int, which JSON writes as a plain number


def resolve_plain(text: str):
    """go-yaml v2 resolve() for an untagged plain scalar."""
    if text in _BOOLS:
        return _BOOLS[text]
    if text in _NULLS:
        return None
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if text == "<<":
        return _MERGE
    first = text[0]
    if first == ".":
        try:
            return float(text)
        except ValueError:
            return text
    if first in "+-0123456789":
        if _TIMESTAMP.match(text):
            return text  # go-yaml keeps timestamps as strings when decoding into interface{}
        plain = text.replace("_", "")
        number = _go_parse_int(plain)
        if number is not None:
            return number
        if _YAML_FLOAT.match(plain):
            return float(plain)
    return text


def _resolve_tagged(tag: str, text: str):
    """An explicitly tagged scalar (`!!int "3"`); unknown tags leave the text as a string."""
    short = tag.replace("tag:yaml.org,2002:", "!!")
    if short in ("!!str", "!", "!!timestamp") or not short.startswith("!!"):
        return text
    if short == "!!binary":
        try:
            return base64.b64decode("".join(text.split()), validate=True).decode("utf-8", "replace")
        except (binascii.Error, ValueError) as exc:
            raise YAMLProblem(f"!!binary value contains invalid base64 data: {exc}") from None
    value = resolve_plain(text) if text else None
    kind = {bool: "!!bool", int: "!!int", float: "!!float", type(None): "!!null"}.get(
        type(value), "!!str"
    )
    if short == kind or (short == "!!float" and kind == "!!int"):
        return float(value) if short == "!!float" else value
    raise YAMLProblem(f"cannot decode {kind} `{text}` as a {short}")


def key_string(key) -> str:
    """sigs.k8s.io/yaml convertToJSONableObject: map keys become strings."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if isinstance(key, int):
        return str(key)
    if isinstance(key, float):
        if math.isnan(key):
            return ".nan"
        if math.isinf(key):
            return ".inf" if key > 0 else "-.inf"
        return go_float(key).replace("e+0", "e+").replace("e-0", "e-")
    if key is None:
        raise YAMLProblem("unsupported map key of type: %!s(<nil>), key: <nil>", yaml_prefix=False)
    raise YAMLProblem(f"invalid map key: {key!r}")


class _Frame:
    __slots__ = ("value", "is_map", "key", "has_key", "anchor", "line", "nodes", "height")

    def __init__(self, is_map: bool, anchor, line: int):
        self.value = {} if is_map else []
        self.is_map = is_map
        self.key = None
        self.has_key = False
        self.anchor = anchor
        self.line = line
        self.nodes = 1  # nodes this collection decodes to, aliases expanded
        self.height = 1


def _allowed_alias_ratio(decoded: int) -> float:
    """go-yaml v2 decode.go allowedAliasRatio."""
    low, high = 400_000, 4_000_000
    if decoded <= low:
        return 0.99
    if decoded >= high:
        return 0.10
    return 0.99 - 0.89 * ((decoded - low) / (high - low))


def _copy(value):
    """A fresh copy of a built value, iteratively (aliases are bounded, depth is checked)."""
    if not isinstance(value, dict | list):
        return value
    root = {} if isinstance(value, dict) else []
    work = [(value, root)]
    while work:
        source, target = work.pop()
        items = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in items:
            if isinstance(item, dict | list):
                child = {} if isinstance(item, dict) else []
                work.append((item, child))
                item = child
            if isinstance(target, dict):
                target[key] = item
            else:
                target.append(item)
    return root


def load_document(text: str, *, strict_keys: bool = False):
    """One document's value (None when empty), or YAMLProblem / JSONUnsupported."""
    loader = _Loader(text)
    try:
        return _build(loader, strict_keys)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = (mark.line, mark.column) if mark is not None else None
        raise YAMLProblem(_go_yaml_text(exc), mark=where) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        raise YAMLProblem(str(exc).split("\n")[0], mark=_mark_at(text, exc.position)) from None
    except yaml.YAMLError as exc:
        raise YAMLProblem(str(exc).split("\n")[0]) from None
    finally:
        loader.dispose()


def _mark_at(text: str, position: int) -> tuple[int, int]:
    """(line, column) from 0 of a character offset."""
    line = text.count("\n", 0, position)
    return line, position - (text.rfind("\n", 0, position) + 1)


def _go_yaml_text(exc: yaml.MarkedYAMLError) -> str:
    """go-yaml v2 parser.fail(): the problem text and its (quirky) line number.

    Scanner errors report problem_mark.line + 1; parser errors report problem_mark.line
    as is (so one less than the 1-based line), falling back to context_mark.
    """
    problem = exc.problem or "unknown problem parsing YAML content"
    line = 0
    problem_line = exc.problem_mark.line if exc.problem_mark else 0
    if problem_line != 0:
        line = problem_line + (1 if isinstance(exc, yaml.scanner.ScannerError) else 0)
    elif exc.context_mark is not None and exc.context_mark.line != 0:
        line = exc.context_mark.line
    if isinstance(exc, yaml.composer.ComposerError) and "undefined alias" in problem:
        anchor = problem.rsplit(" ", 1)[-1].strip("'\"")
        return f"unknown anchor '{anchor}' referenced"
    problem = _PYYAML_TO_GO.get(problem, problem)
    return f"line {line}: {problem}" if line else problem


# Pure-Python PyYAML words a few problems differently from libyaml/go-yaml.
_PYYAML_TO_GO = {
    "mapping values are not allowed here": "mapping values are not allowed in this context",
    # libyaml 0.2.5 added this check; go-yaml v2 (kubectl's) still says the older text.
    "found a tab character that violates indentation": "found character that cannot start any token",
}


def _build(loader, strict_keys: bool):
    anchors: dict[str, tuple[object, int, int]] = {}  # name -> (value, nodes, height)
    stack: list[_Frame] = []
    decoded = 0
    aliased = 0
    result = None
    done = False

    def attach(value, nodes: int, height: int, line: int):
        nonlocal result, done
        if not stack:
            result, done = value, True
            return
        frame = stack[-1]
        frame.nodes += nodes
        frame.height = max(frame.height, height + 1)
        if not frame.is_map:
            frame.value.append(value)
        elif not frame.has_key:
            frame.key, frame.has_key = value, True
        else:
            key, frame.has_key = frame.key, False
            if key is _MERGE:
                _merge(frame.value, value)
                return
            name = key_string(key)
            if strict_keys and name in frame.value:
                raise YAMLProblem(f'line {line}: mapping key "{name}" already defined')
            frame.value[name] = value

    def check_depth(extra: int, line: int):
        if len(stack) + extra > MAX_DEPTH:
            raise YAMLProblem(f"line {line}: exceeded max depth of {MAX_DEPTH}")

    event = None
    try:
        while not done:
            event = loader.get_event()
            kind = type(event)
            line = event.start_mark.line + 1 if event.start_mark else 0
            if kind is yaml.ScalarEvent:
                decoded += 1
                if event.tag is None:  # untagged: plain scalars resolve, quoted ones are strings
                    value = resolve_plain(event.value) if event.implicit[0] else event.value
                else:
                    value = _resolve_tagged(event.tag, event.value)
                if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
                    in_key_position = stack and stack[-1].is_map and not stack[-1].has_key
                    if not in_key_position:
                        raise JSONUnsupported(go_float(value))
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, 0)
                attach(value, 1, 0, line)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                decoded += 1
                check_depth(1, line)
                stack.append(_Frame(kind is yaml.MappingStartEvent, event.anchor, line))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.value, frame.nodes, frame.height)
                attach(frame.value, frame.nodes, frame.height, frame.line)
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    raise YAMLProblem(f"unknown anchor '{event.anchor}' referenced")
                value, nodes, height = anchors[event.anchor]
                decoded += 1 + nodes
                aliased += nodes
                check_depth(height, line)
                if aliased > MAX_ALIAS_NODES or (
                    aliased > 100
                    and decoded > 1000
                    and aliased / decoded > _allowed_alias_ratio(decoded)
                ):
                    raise YAMLProblem("document contains excessive aliasing")
                attach(_copy(value), nodes, height, line)
            elif kind is yaml.StreamEndEvent:
                done = True
            # StreamStart, DocumentStart/End carry nothing we keep.
    except (YAMLProblem, JSONUnsupported) as exc:  # place the problem at its event
        if exc.mark is None and event is not None and event.start_mark is not None:
            exc.mark = (event.start_mark.line, event.start_mark.column)
        raise
    return result


def _merge(target: dict, value):
    """go-yaml v2 merge: `<<: *a` or `<<: [*a, *b]` (earlier entries win in a list)."""
    if isinstance(value, dict):
        target.update(value)
        return
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        for item in reversed(value):
            target.update(item)
        return
    raise YAMLProblem("map merge requires map or sequence of maps as the value")
