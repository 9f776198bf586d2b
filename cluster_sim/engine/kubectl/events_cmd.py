"""`kubectl events` (kubectl v1.32, staging/src/k8s.io/kubectl/pkg/cmd/events).

It lists core/v1 Events in one namespace (`-n`) or all (`-A`), optionally only those about
one object (`--for TYPE/NAME`: a field selector on involvedObject.kind, .apiVersion and
.name) or of some types (`--types Normal,Warning`, compared case-insensitively), sorted by
time: a series' lastObservedTime, else lastTimestamp, else eventTime (SortableEvents). The
default printer (event_printer.go) writes LAST SEEN (`2m (x3 over 10m)` when repeated),
TYPE, REASON, OBJECT (`Kind/name`) and MESSAGE; `-o json|yaml` print the sorted EventList.

sort.Sort is not stable: events with the same time come out in the order Go's pdqsort leaves
them, which go_sort.py reproduces from the API's order (namespace, then name).
"""

from ..manifests.kinds import lookup_resource
from ..timefmt import parse_rfc3339
from . import output
from .args import Invocation, UsageError
from .describe import event_age
from .get import check_output_format
from .go_sort import go_sort
from .table import GET_MINWIDTH, GET_PADDING, tabwrite

# PrintFlags.AllowedFormats, as the "unable to match a printer" error lists them.
EVENTS_FORMATS = (
    "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,"
    "templatefile,yaml"
)
EVENTS_OUTPUTS = ("json", "yaml", "name")


def run_events(cluster, inv: Invocation, read_file=None) -> str:
    namespace = inv.flag("namespace") or "default"
    all_namespaces = bool(inv.flag("all-namespaces"))
    regarding = _for_object(inv.flag("for") or "")
    fmt = inv.flag("output") or None
    check_output_format(fmt, EVENTS_FORMATS, simulated=EVENTS_OUTPUTS)
    types = inv.flag("types") or []
    if any(t.lower() not in ("normal", "warning") for t in types):  # Validate
        raise UsageError("error: valid --types are Normal or Warning")
    events = cluster.api.list("Event", None if all_namespaces else namespace)
    events = [
        event
        for event in events
        if (regarding is None or _about(event, *regarding))
        and (not types or any(t.lower() == (event.get("type") or "").lower() for t in types))
    ]
    if not events:
        return (
            "No events found." if all_namespaces else f"No events found in {namespace} namespace."
        )
    events.sort(key=lambda e: (e["metadata"]["namespace"], e["metadata"]["name"]))  # etcd order
    go_sort(events, lambda a, b: _sort_time(a) < _sort_time(b))  # sort.Sort(SortableEvents)
    if fmt == "name":
        # NamePrinter refuses a typed list ("list types are not supported by name printing")
        # and events.go ignores PrintObj's error: kubectl v1.32 prints nothing.
        return ""
    if fmt in ("json", "yaml"):
        listed = {
            "kind": "EventList",
            "apiVersion": "v1",
            "metadata": {},
            "items": [typed_event(event) for event in events],
        }
        if fmt == "json":  # a typed EventList: Go's struct order, not sorted keys
            return output.to_json(listed, sort_keys=False).rstrip("\n")
        return output.to_yaml(listed).rstrip("\n")
    return _table(events, cluster.now_ms, all_namespaces, bool(inv.flag("no-headers")))


def _for_object(text: str) -> tuple[str, str, str] | None:
    """decodeResourceTypeName: (kind, apiVersion, name) of `TYPE/NAME`, a type the API server
    knows; Run selects on involvedObject.kind, .apiVersion and .name."""
    if not text:
        return None
    if "/" not in text:
        raise UsageError("error: --for must be in resource/name form")
    parts = text.split("/")
    if len(parts) != 2:
        raise UsageError("error: arguments in resource/name form may not have more than one slash")
    info = lookup_resource(parts[0])
    if info is None:  # the RESTMapper's NoResourceMatchError, worded by CheckErr (no "error: ")
        raise UsageError(f'the server doesn\'t have a resource type "{parts[0]}"')
    return info.kind, info.api_version, parts[1]


def _about(event: dict, kind: str, api_version: str, name: str) -> bool:
    involved = event.get("involvedObject") or {}
    return (
        involved.get("kind") == kind
        and involved.get("apiVersion") == api_version
        and involved.get("name") == name
    )


def _sort_time(event: dict) -> int:
    """SortableEvents' eventTime(): series.lastObservedTime, lastTimestamp, then eventTime."""
    series = event.get("series")
    if series and series.get("lastObservedTime"):
        return parse_rfc3339(series["lastObservedTime"])
    for field in ("lastTimestamp", "eventTime"):
        if event.get(field):
            return parse_rfc3339(event[field])
    return -(10**15)  # the zero time: before everything


def _table(events: list[dict], now_ms: int, all_namespaces: bool, no_headers: bool) -> str:
    lines = []
    if not no_headers:
        lines.append(
            ("NAMESPACE\t" if all_namespaces else "") + "LAST SEEN\tTYPE\tREASON\tOBJECT\tMESSAGE"
        )
    for event in events:
        involved = event.get("involvedObject") or {}
        # v1.32's printOneEvent writes the fields as they are (no escaping, no cutting at a
        # newline: a multi-line message continues on the next lines).
        cells = [
            event_age(event, now_ms),
            event.get("type") or "",
            event.get("reason") or "",
            f"{involved.get('kind') or ''}/{involved.get('name') or ''}",
            (event.get("message") or "").strip(),
        ]
        if all_namespaces:
            cells.insert(0, event["metadata"]["namespace"])
        lines.append("\t".join(cells))
    text = "\n".join(lines) + "\n"
    return tabwrite(text, minwidth=GET_MINWIDTH, padding=GET_PADDING).rstrip("\n")


# --- the typed v1.Event kubectl decodes and prints (field order and omitempty as in Go) ---

_META_FIELDS = (
    "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "labels",
    "annotations", "ownerReferences", "finalizers",
)  # fmt: skip
_REFERENCE_FIELDS = (
    "kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath",
)  # fmt: skip


def typed_event(event: dict) -> dict:
    """A core/v1 Event as k8s.io/api/core/v1.Event marshals it: struct field order, empty
    omitempty fields left out, zero times as null. managedFields are dropped (kubectl's
    --show-managed-fields=false)."""
    typed: dict = {"kind": "Event", "apiVersion": "v1"}
    meta = event.get("metadata") or {}
    typed["metadata"] = {
        field: meta[field]
        for field in _META_FIELDS
        if meta.get(field) not in (None, "", 0, [], {}) or field == "creationTimestamp"
    }
    typed["metadata"].setdefault("creationTimestamp", None)
    typed["involvedObject"] = _reference(event.get("involvedObject") or {})
    for field in ("reason", "message"):
        if event.get(field):
            typed[field] = event[field]
    source = event.get("source") or {}
    typed["source"] = {f: source[f] for f in ("component", "host") if source.get(f)}
    typed["firstTimestamp"] = event.get("firstTimestamp") or None
    typed["lastTimestamp"] = event.get("lastTimestamp") or None
    if event.get("count"):
        typed["count"] = event["count"]
    if event.get("type"):
        typed["type"] = event["type"]
    typed["eventTime"] = event.get("eventTime") or None
    series = event.get("series")
    if series is not None:
        typed["series"] = {"count": series["count"], "lastObservedTime": series["lastObservedTime"]}
    if event.get("action"):
        typed["action"] = event["action"]
    if event.get("related"):
        typed["related"] = _reference(event["related"])
    typed["reportingComponent"] = event.get("reportingComponent") or ""
    typed["reportingInstance"] = event.get("reportingInstance") or ""
    return typed


def _reference(ref: dict) -> dict:
    return {field: ref[field] for field in _REFERENCE_FIELDS if ref.get(field)}
