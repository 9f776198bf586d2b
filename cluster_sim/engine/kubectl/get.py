"""`kubectl get`: tables, -o wide|json|yaml|name, -l, -A, --show-labels, `get all`."""

from .. import errors
from ..labels import SelectorError, matches_expressions, parse_selector
from . import output, printers
from .args import Invocation, UsageError
from .resources import GET_ALL_KINDS, display_type, qualified_plural, resolve, split_targets

OUTPUTS = ("wide", "json", "yaml", "name")
# Warnings the API server attaches to deprecated resources; kubectl prints them first (stderr).
DEPRECATION_WARNINGS = {
    "endpoints": "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
}


def run_get(cluster, inv: Invocation, read_file=None) -> str:
    warnings: list[str] = []
    text = _run_get(cluster, inv, warnings)
    return "\n".join([*warnings, text]) if warnings else text


def _run_get(cluster, inv: Invocation, warnings: list[str]) -> str:
    fmt = inv.flag("output")
    if fmt is not None and fmt not in OUTPUTS:
        raise UsageError(
            f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
            "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
            "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
        )
    namespace = inv.flag("namespace") or "default"
    all_ns = bool(inv.flag("all-namespaces"))
    expressions = _selector(inv)
    if not inv.args:  # get.go: the hint, then cmdutil.UsageErrorf
        raise UsageError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource '
            "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
        )
    if inv.args and inv.args[0] == "all":
        return _get_all(cluster, inv, namespace, all_ns, expressions, fmt)
    targets = split_targets(inv.args)
    blocks, errors, found = [], [], []
    warnings.extend(
        DEPRECATION_WARNINGS[info.plural]
        for info, _ in targets
        if info.plural in DEPRECATION_WARNINGS
    )
    for info, names in targets:
        objects = []
        if names:
            for name in names:
                obj = cluster.api.find(info.kind, namespace, name)
                if obj is None:
                    errors.append(
                        f'Error from server (NotFound): {qualified_plural(info)} "{name}" not found'
                    )
                else:
                    objects.append(obj)
        else:
            objects = cluster.api.list(info.kind, None if all_ns else namespace)
            objects = [
                o for o in objects if matches_expressions(o["metadata"].get("labels"), expressions)
            ]
            keep = _field_filter(info, inv.flag("field-selector"), inv.flag("selector"))
            if keep is not None:
                objects = [o for o in objects if keep(o)]
        found.extend(objects)
        if objects and fmt not in ("json", "yaml", "name"):
            prefix = display_type(info) if len(targets) > 1 else None
            blocks.append(
                printers.print_get(
                    info.plural,
                    objects,
                    cluster.now_ms,
                    wide=fmt == "wide",
                    all_namespaces=all_ns and info.namespaced,
                    show_labels=bool(inv.flag("show-labels")),
                    kind_prefix=prefix,
                    no_headers=bool(inv.flag("no-headers")),
                )
            )
    if fmt in ("json", "yaml"):
        single = len(found) == 1 and len(targets) == 1 and len(targets[0][1]) == 1
        document = found[0] if single else output.list_wrapper(found)
        text = output.to_json(document) if fmt == "json" else output.to_yaml(document)
        return _join([text.rstrip("\n")] + errors) if found or not errors else _join(errors)
    if fmt == "name":
        lines = [output.to_name([obj], None).rstrip("\n") for obj in found]
        return _join(lines + errors)
    if not found and not errors:
        return printers.no_resources_message(None if all_ns else namespace, all_ns)
    tables = printers.join_get_groups(blocks, no_headers=bool(inv.flag("no-headers")))
    return _join([tables.rstrip("\n")] + errors)


def _get_all(cluster, inv, namespace, all_ns, expressions, fmt) -> str:
    blocks = []
    found = []
    for plural in GET_ALL_KINDS:
        info = resolve(plural)
        objects = cluster.api.list(info.kind, None if all_ns else namespace)
        objects = [
            o for o in objects if matches_expressions(o["metadata"].get("labels"), expressions)
        ]
        if not objects:
            continue
        found.extend(objects)
        blocks.append(
            printers.print_get(
                info.plural,
                objects,
                cluster.now_ms,
                wide=fmt == "wide",
                all_namespaces=all_ns,
                show_labels=bool(inv.flag("show-labels")),
                kind_prefix=display_type(info),
                no_headers=bool(inv.flag("no-headers")),
            )
        )
    if fmt in ("json", "yaml"):
        doc = output.list_wrapper(found)
        return (output.to_json(doc) if fmt == "json" else output.to_yaml(doc)).rstrip("\n")
    if fmt == "name":
        return output.to_name(found).rstrip("\n")
    if not blocks:
        return printers.no_resources_message(None if all_ns else namespace, all_ns)
    return printers.join_get_groups(blocks, no_headers=bool(inv.flag("no-headers"))).rstrip("\n")


# Field labels each resource's registry accepts (GetAttrs / AddFieldLabelConversionFunc);
# metadata.name and metadata.namespace work everywhere.
FIELD_LABELS = {
    "Pod": {
        "spec.nodeName": ("spec", "nodeName"),
        "spec.restartPolicy": ("spec", "restartPolicy"),
        "spec.schedulerName": ("spec", "schedulerName"),
        "spec.serviceAccountName": ("spec", "serviceAccountName"),
        "spec.hostNetwork": ("spec", "hostNetwork"),
        "status.phase": ("status", "phase"),
        "status.podIP": ("status", "podIP"),
        "status.nominatedNodeName": ("status", "nominatedNodeName"),
    },
    "Event": {
        **{
            f"involvedObject.{f}": ("involvedObject", f)
            for f in (
                "kind",
                "namespace",
                "name",
                "uid",
                "apiVersion",
                "resourceVersion",
                "fieldPath",
            )
        },
        "reason": ("reason",),
        "reportingComponent": ("reportingComponent",),
        "source": ("source", "component"),
        "type": ("type",),
    },
    "Node": {"spec.unschedulable": ("spec", "unschedulable")},
    "Namespace": {"status.phase": ("status", "phase")},
    "ReplicaSet": {"status.replicas": ("status", "replicas")},
    "Secret": {"type": ("type",)},
}
_DEFAULT_FIELD_VALUES = {"spec.hostNetwork": "false", "spec.unschedulable": "false"}


def _field_filter(info, text: str | None, label_text: str | None):
    """--field-selector: `field=value`, `field==value`, `field!=value`, comma-separated.
    The API server answers BadRequest for a field the resource does not index."""
    if not text:
        return None
    terms = []
    for term in text.split(","):
        for op in ("!=", "==", "="):
            if op in term:
                field, value = term.split(op, 1)
                terms.append((field.strip(), op != "!=", value.strip()))
                break
        else:
            raise _bad_field_selector(
                info, text, label_text, f"invalid selector: '{text}'; can't understand '{term}'"
            )
    paths = {
        "metadata.name": ("metadata", "name"),
        "metadata.namespace": ("metadata", "namespace"),
        **FIELD_LABELS.get(info.kind, {}),
    }
    for field, _, _ in terms:
        if field not in paths:
            raise _bad_field_selector(info, text, label_text, f"field label not supported: {field}")

    def value_of(obj: dict, field: str) -> str:
        value = obj
        for part in paths[field]:
            value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return _DEFAULT_FIELD_VALUES.get(field, "")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return lambda obj: all((value_of(obj, f) == v) == equal for f, equal, v in terms)


def _bad_field_selector(info, text: str, label_text: str | None, reason: str):
    group_version = f"{info.group}/{info.version}" if info.group else f"/{info.version}"
    return errors.ApiError(
        "BadRequest",
        f'Unable to find "{group_version}, Resource={info.plural}" that match label selector '
        f'"{label_text or ""}", field selector "{text}": {reason}',
        400,
    )


def _selector(inv: Invocation) -> list[dict]:
    text = inv.flag("selector")
    if not text:
        return []
    try:
        return parse_selector(text)
    except SelectorError as error:
        raise UsageError(f"error: {error}") from error


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)
