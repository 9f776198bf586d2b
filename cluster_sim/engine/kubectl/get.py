"""`kubectl get`: tables, -o wide|json|yaml|name, -l, --field-selector, -A, --show-labels,
--sort-by, `all`.

The builder lists each resource type in turn (`get all` is the `all` category expanded);
a list the API server refuses, such as a field selector a kind does not support, is an error
for that type only: the other types still print, and the errors follow (get.go Run with a
ContinueOnError builder, then cmdutil.CheckErr on the aggregate).
"""

from .. import errors
from ..labels import SelectorError, matches_expressions, parse_selector
from ..manifests.errors import go_quote
from . import output, printers
from .apply import collect, object_name, read_sources
from .args import Invocation, UsageError
from .kerrors import KError, aggregate, check_err, from_api
from .resources import GET_ALL_KINDS, display_type, kind_info, qualified_plural, select
from .sort_by import relaxed_path, sort_objects

OUTPUTS = ("wide", "json", "yaml", "name")
# Formats kubectl's get accepts that this simulation does not render.
UNSIMULATED_OUTPUTS = (
    "custom-columns", "custom-columns-file", "go-template", "go-template-file", "jsonpath",
    "jsonpath-as-json", "jsonpath-file", "template", "templatefile",
)  # fmt: skip
# Warnings the API server attaches to deprecated resources; kubectl prints them first (stderr).
DEPRECATION_WARNINGS = {
    "endpoints": "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice",
}


def run_get(cluster, inv: Invocation, read_file=None) -> str:
    warnings: list[str] = []
    text = _run_get(cluster, inv, warnings, read_file)
    return "\n".join([*warnings, text]) if warnings else text


def check_output_format(fmt: str | None, allowed: str, simulated=OUTPUTS) -> None:
    """PrintFlags.ToPrinter: a format no printer matches; or one the simulation lacks."""
    if fmt is None or fmt in simulated:
        return
    if fmt.split("=", 1)[0] in UNSIMULATED_OUTPUTS and fmt.split("=", 1)[0] in allowed.split(","):
        raise UsageError(f'error: ClusterLab does not simulate the output format "{fmt}" yet')
    raise UsageError(
        f'error: unable to match a printer suitable for the output format "{fmt}", allowed '
        f"formats are: {allowed}"
    )


GET_FORMATS = (
    "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,"
    "jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"
)


def _run_get(cluster, inv: Invocation, warnings: list[str], read_file=None) -> str:
    fmt = inv.flag("output")
    namespace = inv.flag("namespace") or "default"
    all_ns = bool(inv.flag("all-namespaces"))
    if not inv.args and not inv.flag("filename"):  # get.go: the hint, then UsageErrorf
        raise UsageError(
            'You must specify the type of resource to get. Use "kubectl api-resources" for a '
            "complete list of supported resources.\n\nerror: Required resource not specified.\n"
            'Use "kubectl explain <resource>" for a detailed description of that resource '
            "(e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples"
        )
    if inv.flag("filename"):
        select(inv.args, selector=inv.flag("selector"), paths=True)
        return _get_from_files(cluster, inv, fmt, read_file)
    targets = select(
        inv.args,
        replace_aliases=_expand_all,
        selector=inv.flag("selector"),
        field_selector=inv.flag("field-selector"),
        allow_empty_selector=True,
        all_namespaces=all_ns,
    )
    check_output_format(fmt, GET_FORMATS)
    sort_by = inv.flag("sort-by") or None
    if sort_by:
        relaxed_path(sort_by)  # a malformed path is refused before anything is listed
    warnings.extend(
        DEPRECATION_WARNINGS[info.plural]
        for info, _ in targets
        if info.plural in DEPRECATION_WARNINGS
    )
    blocks: list[str] = []
    problems: list[KError] = []
    found: list[dict] = []
    several = len(targets) > 1
    for info, names in targets:
        objects = []
        if names is not None:
            for name in names:
                obj = cluster.api.find(info.kind, namespace if info.namespaced else "", name)
                if obj is None:
                    problems.append(from_api(errors.not_found(qualified_plural(info), name)))
                else:
                    objects.append(obj)
        else:
            label_text, field_text = inv.flag("selector"), inv.flag("field-selector")
            try:
                expressions = label_expressions(info, label_text, field_text)
                keep = field_filter(info, field_text, label_text)
            except errors.ApiError as error:
                problems.append(from_api(error))
                continue
            objects = cluster.api.list(
                info.kind, None if all_ns or not info.namespaced else namespace
            )
            objects = [
                o
                for o in objects
                if matches_expressions(o["metadata"].get("labels"), expressions) and keep(o)
            ]
        if sort_by:
            objects = sort_objects(printers.api_list_order(objects), sort_by)
        found.extend(objects)
        if objects and fmt not in ("json", "yaml", "name"):
            blocks.append(
                printers.print_get(
                    info.plural,
                    objects,
                    cluster.now_ms,
                    wide=fmt == "wide",
                    all_namespaces=all_ns and info.namespaced,
                    show_labels=bool(inv.flag("show-labels")),
                    kind_prefix=display_type(info) if several else None,
                    no_headers=bool(inv.flag("no-headers")),
                    server_order=not sort_by,
                )
            )
    failure = problems[0] if len(problems) == 1 else aggregate(problems)
    if fmt in ("json", "yaml"):
        # printGeneric: one named object prints as itself; anything else as a v1 List
        single = len(targets) == 1 and targets[0][1] is not None and len(targets[0][1]) == 1
        if single and not found:
            return check_err(failure)
        document = found[0] if single else output.list_wrapper(found)
        text = output.to_json(document) if fmt == "json" else output.to_yaml(document)
        return _join([text.rstrip("\n"), check_err(failure)])
    if fmt == "name":
        lines = [output.to_name([obj], None).rstrip("\n") for obj in found]
        return _join(lines + [check_err(failure)])
    if not found and not problems:  # allResourcesNamespaced starts as !--all-namespaces
        return printers.no_resources_message(None if all_ns else namespace, all_ns)
    tables = printers.join_get_groups(blocks, no_headers=bool(inv.flag("no-headers")))
    return _join([tables.rstrip("\n"), check_err(failure)])


def _get_from_files(cluster, inv: Invocation, fmt: str | None, read_file) -> str:
    """`get -f FILE`: the live objects the files name (RetrieveLatest), in file order."""
    check_output_format(fmt, GET_FORMATS)
    sources = read_sources(inv, read_file)
    selected = file_selector_filter(inv.flag("selector"))
    objects, visit_errors, stream_errors = collect(sources, inv.flag("namespace"))
    problems: list[KError] = list(visit_errors)
    found: list[tuple[object, dict]] = []
    namespace = inv.flag("namespace") or "default"
    for loaded in objects:
        info = kind_info(loaded.document)
        metadata = loaded.document.get("metadata") or {}
        name = object_name(loaded.document)
        ns = (metadata.get("namespace") or namespace) if info.namespaced else ""
        if not name:  # info.Get(): the REST client refuses before sending
            problems.append(KError("resource name may not be empty"))
            continue
        obj = cluster.api.find(info.kind, ns, name)
        if obj is None:
            problems.append(from_api(errors.not_found(qualified_plural(info), name)))
        elif selected(obj):  # FilterByLabelSelector, after RetrieveLatest
            found.append((info, obj))
    if stream_errors:
        problems.append(aggregate(stream_errors))
    failure = problems[0] if len(problems) == 1 else aggregate(problems)
    # singleItemImplied: one file, not standard input
    single = len(sources) == 1 and sources[0][0] != "STDIN" and len(found) == 1
    if fmt in ("json", "yaml"):
        document = found[0][1] if single else output.list_wrapper([obj for _, obj in found])
        text = output.to_json(document) if fmt == "json" else output.to_yaml(document)
        return _join([text.rstrip("\n"), check_err(failure)])
    if fmt == "name":
        return _join(
            [output.to_name([obj], None).rstrip("\n") for _, obj in found] + [check_err(failure)]
        )
    several = len({info.kind for info, _ in found}) > 1  # MustPrintWithKinds
    blocks, group = [], []
    for index, (info, obj) in enumerate(found):
        group.append(obj)
        last = index + 1 == len(found) or found[index + 1][0].kind != info.kind
        if last:
            blocks.append(
                printers.print_get(
                    info.plural,
                    group,
                    cluster.now_ms,
                    wide=fmt == "wide",
                    show_labels=bool(inv.flag("show-labels")),
                    kind_prefix=display_type(info) if several else None,
                    no_headers=bool(inv.flag("no-headers")),
                    server_order=False,
                )
            )
            group = []
    if not found and not problems:
        return printers.no_resources_message(namespace, False)
    tables = printers.join_get_groups(blocks, no_headers=bool(inv.flag("no-headers")))
    return _join([tables.rstrip("\n"), check_err(failure)])


def _expand_all(arg: str) -> str:
    """Builder.ReplaceAliases: the `all` category names the resources that belong to it."""
    return ",".join(",".join(GET_ALL_KINDS) if part == "all" else part for part in arg.split(","))


# Field labels each kind's API accepts (AddFieldLabelConversionFunc in pkg/apis/core/v1 and
# pkg/apis/batch/v1); a kind without one accepts only metadata.name and metadata.namespace
# (runtime.DefaultMetaV1FieldSelectorConversion), apps/v1 kinds among them.
FIELD_LABELS = {
    "Pod": {
        "metadata.name": ("metadata", "name"),
        "metadata.namespace": ("metadata", "namespace"),
        "spec.nodeName": ("spec", "nodeName"),
        "spec.host": ("spec", "nodeName"),  # old v1 clients' name for spec.nodeName
        "spec.restartPolicy": ("spec", "restartPolicy"),
        "spec.schedulerName": ("spec", "schedulerName"),
        "spec.serviceAccountName": ("spec", "serviceAccountName"),
        "spec.hostNetwork": ("spec", "hostNetwork"),
        "status.phase": ("status", "phase"),
        "status.podIP": ("status", "podIP"),
        "status.podIPs": None,  # accepted, but not among the pod's selectable fields
        "status.nominatedNodeName": ("status", "nominatedNodeName"),
    },
    "Node": {
        "metadata.name": ("metadata", "name"),
        "spec.unschedulable": ("spec", "unschedulable"),
    },
    "ReplicationController": {
        "metadata.name": ("metadata", "name"),
        "metadata.namespace": ("metadata", "namespace"),
        "status.replicas": ("status", "replicas"),
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
        # pkg/apis/core EventToSelectableFields: source.component, else reportingComponent
        "source": lambda e: (e.get("source") or {}).get("component") or e.get("reportingComponent"),
        "type": ("type",),
        "metadata.namespace": ("metadata", "namespace"),
        "metadata.name": ("metadata", "name"),
    },
    "Namespace": {"status.phase": ("status", "phase"), "metadata.name": ("metadata", "name")},
    "Secret": {
        "type": ("type",),
        "metadata.namespace": ("metadata", "namespace"),
        "metadata.name": ("metadata", "name"),
    },
    "Service": {
        "metadata.namespace": ("metadata", "namespace"),
        "metadata.name": ("metadata", "name"),
        "spec.clusterIP": ("spec", "clusterIP"),
        "spec.type": ("spec", "type"),
    },
    "Job": {
        "metadata.name": ("metadata", "name"),
        "metadata.namespace": ("metadata", "namespace"),
        "status.successful": ("status", "succeeded"),
    },
}
_DEFAULT_FIELDS = {
    "metadata.name": ("metadata", "name"),
    "metadata.namespace": ("metadata", "namespace"),
}
_DEFAULT_FIELD_VALUES = {
    "spec.hostNetwork": "false",
    "spec.unschedulable": "false",
    "status.successful": "0",
    "status.replicas": "0",
}
_OPERATORS = ("!=", "==", "=")


def field_filter(info, text: str | None, label_text: str | None):
    """--field-selector, as the API server reads it (fields.ParseSelector, then the kind's
    field label conversion); a refusal is a BadRequest for this kind's list only."""
    if not text or not text.strip():
        return lambda obj: True
    terms = []
    for part in sorted(_split_terms(text)):  # parseSelector sorts the terms
        if not part:
            continue
        split = _split_term(part)
        if split is None:
            raise _bad_list_selector(
                info, text, label_text, f"invalid selector: '{text}'; can't understand '{part}'"
            )
        field, operator, value = split
        try:
            terms.append((field, operator != "!=", _unescape(value)))
        except ValueError as problem:
            raise _bad_list_selector(info, text, label_text, str(problem)) from None
    known = FIELD_LABELS.get(info.kind)
    for field, _, _ in terms:
        if info.kind == "Job" and field not in known:  # pkg/apis/batch/v1/conversion.go
            raise _bad_list_selector(
                info, text, label_text, f'field label "{field}" not supported for Job'
            )
        if known is None:
            if field not in _DEFAULT_FIELDS:
                reason = (
                    f'"{field}" is not a known field selector: only "metadata.name", '
                    '"metadata.namespace"'
                )
                raise _bad_list_selector(info, text, label_text, reason)
        elif field not in known:
            raise _bad_list_selector(info, text, label_text, f"field label not supported: {field}")
    paths = known if known is not None else _DEFAULT_FIELDS

    def value_of(obj: dict, field: str) -> str:
        path = paths.get(field)
        if path is None:
            return ""
        if callable(path):
            value = path(obj)
        else:
            value = obj
            for part in path:
                value = value.get(part) if isinstance(value, dict) else None
        if value is None:
            return _DEFAULT_FIELD_VALUES.get(field, "")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    return lambda obj: all((value_of(obj, f) == v) == equal for f, equal, v in terms)


def _split_terms(text: str) -> list[str]:
    """fields.splitTerms: commas separate terms unless escaped with a backslash."""
    terms, current, escaped = [], [], False
    for ch in text:
        if escaped:
            current.append(ch)
            escaped = False
        elif ch == "\\":
            current.append(ch)
            escaped = True
        elif ch == ",":
            terms.append("".join(current))
            current = []
        else:
            current.append(ch)
    terms.append("".join(current))
    return terms


def _split_term(term: str):
    """fields.splitTerm: the first position where `!=`, `==` or `=` begins."""
    for index in range(len(term)):
        for operator in _OPERATORS:
            if term.startswith(operator, index):
                return term[:index], operator, term[index + len(operator) :]
    return None


def _unescape(value: str) -> str:
    r"""fields.UnescapeValue: `\\`, `\,` and `\=` escapes; a bare `,` or `=` is refused
    (its error prints the rune as a number, Go's %v of a rune)."""
    out, escaped = [], False
    for ch in value:
        if escaped:
            if ch not in "\\,=":
                raise ValueError(f"invalid field selector: invalid escape sequence: \\{ch}")
            out.append(ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in ",=":
            raise ValueError(f"invalid field selector: unescaped character in value: {ord(ch)}")
        else:
            out.append(ch)
    if escaped:
        raise ValueError("invalid field selector: invalid escape sequence: \\")
    return "".join(out)


def _bad_list_selector(info, text: str | None, label_text: str | None, reason: str):
    """The list's BadRequest, as kubectl's EnhanceListError words it (both selectors %q,
    trimmed as the builder's LabelSelectorParam / FieldSelectorParam send them)."""
    group_version = f"{info.group}/{info.version}" if info.group else f"/{info.version}"
    return errors.ApiError(
        "BadRequest",
        f'Unable to find "{group_version}, Resource={info.plural}" that match label selector '
        f"{go_quote((label_text or '').strip())}, field selector "
        f"{go_quote((text or '').strip())}: {reason}",
        400,
    )


def label_expressions(info, label_text: str | None, field_text: str | None = None) -> list[dict]:
    """-l for a list the API server answers: it parses labelSelector (labels.Parse) before
    anything else, and a bad one is a BadRequest for this kind's list."""
    try:
        return parse_selector(label_text or "")
    except SelectorError as error:
        raise _bad_list_selector(info, field_text, label_text, str(error)) from None


def file_selector_filter(label_text: str | None):
    """-l with -f: the builder filters what the files name itself (visitByPaths), so a bad
    selector is kubectl's own error."""
    text = (label_text or "").strip()
    if not text:
        return lambda obj: True
    try:
        expressions = parse_selector(text)
    except SelectorError as error:
        raise UsageError(
            f"error: the provided selector {go_quote(text)} is not valid: {error}"
        ) from None
    return lambda obj: matches_expressions((obj.get("metadata") or {}).get("labels"), expressions)


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)
