"""Decode an object as the API server does: strict JSON into the Go types.

The types come from the OpenAPI schemas kubernetes-validate ships, the set for the
Kubernetes version the cluster reports (versions.KUBERNETES_VERSION). We do not run a
JSON-Schema validator over them: the API server never does for built-in kinds. It decodes
JSON into Go structs (sigs.k8s.io/json, strict), which yields three kinds of failure,
reproduced here in the same order:

* a custom unmarshaller's error (Quantity, Time, IntOrString) aborts at once;
* otherwise the first type mismatch, in request order, wins
  (`json: cannot unmarshal string into Go struct field ... of type int32`);
* otherwise every unknown field, listed `unknown field "spec.replica", ...`.

kubectl sends JSON re-encoded from a map, so "request order" is sorted-key order.
Compiled type nodes are cached, so a Deployment decodes in well under a millisecond.
"""

import base64
import binascii
import json
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from ..versions import KUBERNETES_VERSION
from .errors import FieldError, go_json_float, go_quote, required

_SCHEMA_ROOT = "kubernetes-json-schema"
_SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intorstr",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
}
# Named string types upstream prints in type errors (the schemas only say "string").
_NAMED = {
    ("PodSpec", "restartPolicy"): "v1.RestartPolicy",
    ("PodSpec", "dnsPolicy"): "v1.DNSPolicy",
    ("PodSpec", "preemptionPolicy"): "v1.PreemptionPolicy",
    ("Container", "imagePullPolicy"): "v1.PullPolicy",
    ("Container", "terminationMessagePolicy"): "v1.TerminationMessagePolicy",
    ("ContainerPort", "protocol"): "v1.Protocol",
    ("ServicePort", "protocol"): "v1.Protocol",
    ("ServiceSpec", "type"): "v1.ServiceType",
    ("ServiceSpec", "sessionAffinity"): "v1.ServiceAffinity",
    ("ServiceSpec", "externalTrafficPolicy"): "v1.ServiceExternalTrafficPolicy",
    ("ServiceSpec", "internalTrafficPolicy"): "v1.ServiceInternalTrafficPolicy",
    ("Toleration", "operator"): "v1.TolerationOperator",
    ("Toleration", "effect"): "v1.TaintEffect",
    ("Taint", "effect"): "v1.TaintEffect",
    ("DeploymentStrategy", "type"): "v1.DeploymentStrategyType",
    ("JobSpec", "completionMode"): "v1.CompletionMode",
    ("CronJobSpec", "concurrencyPolicy"): "v1.ConcurrencyPolicy",
}


@dataclass(frozen=True)
class Node:
    """One Go type: kind is struct, map, list, ref, or a scalar kind."""

    kind: str
    gotype: str = ""
    struct: str = ""  # the Go struct's own name, for "Go struct field <Struct>.<path>"
    props: dict = field(default_factory=dict)
    required: tuple = ()
    item: "Node | None" = None
    ref: str = ""


def _schema_dir():
    """The `-local-strict` schema set kubernetes-validate ships for the cluster's version.

    The cluster claims KUBERNETES_VERSION, so a field added later (v1.36's
    `spec.schedulingGroup` of a Pod) must be an unknown field here. The set for the same
    minor version is used (its newest patch); without one, the newest older set; without
    that, the oldest set there is.
    """
    root = resources.files("kubernetes_validate").joinpath(_SCHEMA_ROOT)
    sets = [(version, entry) for entry in root.iterdir() if (version := _set_version(entry.name))]
    return pick_schema_set(sets, KUBERNETES_VERSION)


def _set_version(name: str) -> tuple[int, int, int] | None:
    match = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)-local-strict", name)
    return tuple(int(part) for part in match.groups()) if match else None


def pick_schema_set(sets: list, cluster_version: str):
    """(version, entry) of the set to use among `sets` for `cluster_version` (`v1.34.2`)."""
    wanted = tuple(int(part) for part in re.findall(r"\d+", cluster_version)[:2])
    same_minor = [pair for pair in sets if pair[0][:2] == wanted]
    if same_minor:
        return max(same_minor, key=lambda pair: pair[0])
    older = [pair for pair in sets if pair[0][:2] < wanted]
    if older:
        return max(older, key=lambda pair: pair[0])
    return min(sets, key=lambda pair: pair[0])


@cache
def schema_version() -> str:
    numbers, _ = _schema_dir()
    return "v" + ".".join(str(n) for n in numbers)


@cache
def _definitions() -> dict:
    _, directory = _schema_dir()
    return json.loads(directory.joinpath("_definitions.json").read_text())["$defs"]


@cache
def _gvk_index() -> dict:
    index = {}
    for name, schema in _definitions().items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            index.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return index


def _gotype_of_def(name: str) -> str:
    if name in _SPECIAL:
        return {
            "quantity": "resource.Quantity",
            "intorstr": "intstr.IntOrString",
            "time": "v1.Time",
        }[_SPECIAL[name]]
    package, _, short = name.rpartition(".")
    return f"{package.rpartition('.')[2]}.{short}"


@cache
def _def_node(name: str) -> Node:
    if name in _SPECIAL:
        return Node(_SPECIAL[name], _gotype_of_def(name))
    schema = _definitions().get(name, {})
    return _compile(schema, _gotype_of_def(name), name.rpartition(".")[2])


def _compile(schema: dict, gotype: str = "", struct: str = "") -> Node:
    ref = schema.get("$ref")
    if ref is None and schema.get("allOf"):
        ref = schema["allOf"][0].get("$ref")
    if ref is not None:
        return Node("ref", ref=ref.rpartition("/")[2])
    types = schema.get("type") or ()
    if isinstance(types, str):
        types = (types,)
    if "object" in types:
        if "properties" in schema:
            props = {key: _compile(value) for key, value in schema["properties"].items()}
            return Node("struct", gotype, struct, props, tuple(schema.get("required", ())), None)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            item = _compile(extra)
            return Node("map", f"map[string]{_type_name(item)}", item=item)
        return Node("any", "map[string]interface {}")
    if "array" in types:
        item = _compile(schema.get("items", {}))
        return Node("list", f"[]{_type_name(item)}", item=item)
    if "string" in types:
        fmt = schema.get("format")
        if fmt == "byte":
            return Node("bytes", "[]uint8")
        return Node("string", "string")
    if "integer" in types:
        return Node(
            "int32" if schema.get("format") == "int32" else "int64",
            "int32" if schema.get("format") == "int32" else "int64",
        )
    if "number" in types:
        return Node("float", "float64")
    if "boolean" in types:
        return Node("bool", "bool")
    return Node("any", "interface {}")


def _resolve(node: Node) -> Node:
    return _def_node(node.ref) if node.kind == "ref" else node


def _type_name(node: Node) -> str:
    if node.kind == "ref":
        if node.ref == "io.k8s.apimachinery.pkg.api.resource.Quantity":
            return "resource.Quantity"
        return _gotype_of_def(node.ref)
    return node.gotype


def object_node(group: str, version: str, kind: str) -> Node | None:
    name = _gvk_index().get((group, version, kind))
    return _def_node(name) if name else None


# --- decoding -----------------------------------------------------------------------


class _Fatal(Exception):
    """A custom unmarshaller's error: the decoder stops at the first one."""


@dataclass
class DecodeResult:
    error: str | None  # the decode error text, as the API server words it
    required: list[FieldError]  # schema-required fields that are missing (generic kinds)
    # unknown fields as (path, the dict holding it, its key): all a strict decode rejects,
    # and what a Warn or Ignore decode drops
    unknown: list[tuple[str, dict, str]] = field(default_factory=list)

    def drop_unknown(self) -> list[str]:
        """Remove the unknown fields from the decoded object; their paths, in order."""
        for _, holder, key in self.unknown:
            holder.pop(key, None)
        return [path for path, _, _ in self.unknown]


def decode(node: Node, obj: dict) -> DecodeResult:
    state = _State()
    try:
        _walk(state, node, obj, (), "", "", node.struct)
    except _Fatal as exc:
        return DecodeResult(str(exc), [])
    if state.type_error:
        return DecodeResult(state.type_error, [])
    if state.unknown:
        listed = ", ".join(f"unknown field {go_quote(path)}" for path, _, _ in state.unknown)
        return DecodeResult(f"strict decoding error: {listed}", state.required, state.unknown)
    return DecodeResult(None, state.required)


class _State:
    __slots__ = ("type_error", "unknown", "required")

    def __init__(self):
        self.type_error = None
        self.unknown = []
        self.required = []


def _json_kind(value) -> str:
    """UnmarshalTypeError.Value: what JSON kind was found."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "number"


def _literal(value) -> str:
    literal = getattr(value, "literal", None)
    if literal is not None:
        return literal
    if isinstance(value, float):
        return go_json_float(value)
    return str(value)


def _type_error(stack, struct, found: str, gotype: str) -> str:
    if stack:
        return (
            f"json: cannot unmarshal {found} into Go struct field "
            f"{struct}.{'.'.join(stack)} of type {gotype}"
        )
    return f"json: cannot unmarshal {found} into Go value of type {gotype}"


def _int_problem(value, bits: int) -> str | None:
    """None when a JSON number fits the Go integer, else the `number <literal>` text."""
    literal = _literal(value)
    if not re.fullmatch(r"-?\d+", literal):
        return f"number {literal}"
    number = int(literal)
    if not -(2 ** (bits - 1)) <= number < 2 ** (bits - 1):
        return f"number {literal}"
    return None


def _walk(state, node, value, stack, spath, fpath, struct):
    """stack: Go FieldStack (json names, no indices); spath: strict-error path;
    fpath: field.Path text for Required errors; struct: innermost Go struct name."""
    if value is None:
        return  # JSON null leaves the Go zero value: never a decode error
    node = _resolve(node)
    kind = node.kind
    if kind == "struct":
        if not isinstance(value, dict):
            _save(state, _type_error(stack, struct, _json_kind(value), node.gotype))
            return
        props = node.props
        for key in sorted(value):
            child = props.get(key)
            child_spath = f"{spath}.{key}" if spath else key
            if child is None:
                state.unknown.append((child_spath, value, key))
                continue
            gotype_override = _NAMED.get((node.struct, key))
            if gotype_override and value[key] is not None and not isinstance(value[key], str):
                found = _json_kind(value[key])
                _save(state, _type_error((*stack, key), node.struct, found, gotype_override))
                continue
            _walk(
                state,
                child,
                value[key],
                (*stack, key),
                child_spath,
                f"{fpath}.{key}" if fpath else key,
                node.struct,
            )
        for name in node.required:
            if name not in value:
                state.required.append(required(f"{fpath}.{name}" if fpath else name))
        return
    if kind == "map":
        if not isinstance(value, dict):
            _save(state, _type_error(stack, struct, _json_kind(value), _map_type(node)))
            return
        for key in sorted(value):
            _walk(state, node.item, value[key], stack, f"{spath}.{key}", f"{fpath}[{key}]", struct)
        return
    if kind == "list":
        if not isinstance(value, list):
            _save(state, _type_error(stack, struct, _json_kind(value), node.gotype))
            return
        for index, item in enumerate(value):
            _walk(state, node.item, item, stack, f"{spath}[{index}]", f"{fpath}[{index}]", struct)
        return
    problem = _SCALARS[kind](value)
    if problem is None:
        return
    if kind == "quantity":
        raise _Fatal(problem)
    if kind == "time":
        if isinstance(value, str):
            raise _Fatal(problem)
        raise _Fatal(_type_error(stack, struct, _json_kind(value), "string"))
    if kind == "intorstr":
        raise _Fatal(_type_error(stack, struct, problem, "int32"))
    if kind == "bytes" and isinstance(value, str):
        _save(state, problem)
        return
    _save(state, _type_error(stack, struct, problem, node.gotype))


def _map_type(node: Node) -> str:
    item = _resolve(node.item) if node.item else None
    if item is not None and item.kind == "quantity":
        return "v1.ResourceList"
    return node.gotype


def _save(state, message: str):
    if state.type_error is None:
        state.type_error = message


def _check_string(value):
    return None if isinstance(value, str) else _json_kind(value)


def _check_int(bits):
    def check(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return _json_kind(value)
        return _int_problem(value, bits)

    return check


def _check_float(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _json_kind(value)
    return None


def _check_bool(value):
    return None if isinstance(value, bool) else _json_kind(value)


def _check_intorstr(value):
    if isinstance(value, str):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _json_kind(value)
    return _int_problem(value, 32)


def _check_quantity(value):
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, int | float):
        text = _literal(value)
    else:
        text = json.dumps(value)
    return quantity_problem(text)


def _check_time(value):
    if not isinstance(value, str):
        return "type"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})", value):
        return None
    layout = '"2006-01-02T15:04:05Z07:00"'
    return f'parsing time {go_quote(value)} as {layout}: cannot parse {go_quote(value)} as "2006"'


def _check_bytes(value):
    if not isinstance(value, str):
        return _json_kind(value)
    data = value.replace("\r", "").replace("\n", "")
    for index, ch in enumerate(data):
        if not (ch.isascii() and (ch.isalnum() or ch in "+/=")):
            return f"illegal base64 data at input byte {index}"
    try:
        base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return f"illegal base64 data at input byte {max(len(data) - len(data) % 4, 0)}"
    return None


_SCALARS = {
    "string": _check_string,
    "int32": _check_int(32),
    "int64": _check_int(64),
    "float": _check_float,
    "bool": _check_bool,
    "intorstr": _check_intorstr,
    "quantity": _check_quantity,
    "time": _check_time,
    "bytes": _check_bytes,
    "any": lambda value: None,
}

# apimachinery resource.ErrFormatWrong / ErrSuffix (pkg/api/resource/quantity.go).
QUANTITY_FORMAT_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)
QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix"
_SUFFIXES = {"Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "n", "u", "m", "", "k", "M", "G", "T", "P", "E"}


def quantity_problem(text: str) -> str | None:
    """resource.ParseQuantity's verdict on a string: None, or its error text."""
    match = re.fullmatch(r"[+-]?(\d*)(?:\.(\d*))?([eEinumkKMGTP]*)([-+]?\d*)", text)
    if not text or not match or not (match.group(1) or match.group(2) is not None):
        return QUANTITY_FORMAT_ERROR
    suffix = match.group(3) + match.group(4)
    if suffix in _SUFFIXES:
        return None
    if re.fullmatch(r"[eE][-+]?\d+", suffix):
        return None
    return QUANTITY_SUFFIX_ERROR
