"""`kubectl apply` and `kubectl create -f`: manifests in, `<type>/<name> created|configured|unchanged` out.

apply keeps the last applied configuration in an annotation and merges three
ways (live, last applied, new), so fields set by others (e.g. `kubectl scale`)
survive an apply that does not mention them, as with real client-side apply.
Lists with a patch merge key in the API (containers and volumes by name, container
ports by containerPort, volumeMounts by mountPath, ...) merge item by item, as a
strategic merge patch does, so what the server added to an item (defaults, the service
account token mount) survives; other lists are replaced whole.
"""

import copy
import json
from dataclasses import dataclass

from .. import defaults, errors
from ..controllers.deployment_util import CHANGE_CAUSE
from ..manifests import ManifestError, check_object, kind_not_found, parse_manifests
from ..manifests.errors import display_source, go_quote
from .args import UsageError
from .kerrors import KError, aggregate, check_err, from_api, from_message, plain
from .resources import kind_info, object_ref, qualified_plural

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# Kinds whose behaviour the engine simulates, or that are plain data nothing acts on.
SIMULATED_OR_DATA = {
    "Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "EndpointSlice", "Namespace",
    "Node", "Event", "ServiceAccount", "ConfigMap", "Secret", "Lease",
    "Job", "CronJob",
    "DaemonSet", "StatefulSet", "ControllerRevision",
    "PersistentVolume", "PersistentVolumeClaim", "StorageClass",
    "ResourceQuota", "LimitRange", "HorizontalPodAutoscaler",
}  # fmt: skip


def record_change_cause(obj: dict, inv) -> None:
    """--record: the command goes into the object's kubernetes.io/change-cause annotation
    (ChangeCauseRecorder), where `rollout history` shows it."""
    cause = inv.change_cause()
    metadata = obj.get("metadata")
    if cause is not None and isinstance(metadata, dict):
        annotations = metadata.get("annotations")
        if not isinstance(annotations, dict):
            annotations = metadata["annotations"] = {}
        annotations[CHANGE_CAUSE] = cause


def not_simulated_warning(kind: str) -> str | None:
    """Said the way the API server's warnings are printed, so output stays kubectl-shaped."""
    if kind in SIMULATED_OR_DATA:
        return None
    return (
        f"Warning: ClusterLab stores {kind} objects but does not simulate them yet: "
        "no controller acts on this one"
    )


USER_FIELDS_SKIPPED = ("status",)
FILE_EXTENSIONS = "[.json .yaml .yml]"


@dataclass
class Loaded:
    """One object read from -f, and the file it came from (`info.Source`)."""

    document: dict
    source: str


class ObjectFailure(Exception):
    def __init__(self, error: KError):
        super().__init__(error.text)
        self.error = error


def read_sources(inv, read_file) -> list[tuple[str, str]]:
    """cli-runtime Builder.FilenameParam: every -f as (source, text), directories expanded.

    The builder's own errors (a missing path, an empty directory) stop the command before
    anything is read; raised as UsageError with CheckErr's wording.
    """
    names = inv.flag("filename") or []
    sources: list[tuple[str, str]] = []
    problems: list[KError] = []
    stdin_used = False
    for name in names:
        if name == "-":
            if stdin_used:
                problems.append(plain("standard input cannot be used for multiple arguments"))
            stdin_used = True
            sources.append(("STDIN", inv.stdin or ""))
            continue
        try:
            if read_file is None:
                raise FileNotFoundError(name)
            found = read_file(name, recursive=True) if inv.flag("recursive") else read_file(name)
        except FileNotFoundError:
            problems.append(plain(f"the path {go_quote(name)} does not exist"))
            continue
        if isinstance(found, str):
            sources.append((name, found))
            continue
        sources.extend(found)
        if not sources and not problems:  # Builder.Path: nothing it could read so far
            problems.append(
                plain(f"error reading [{name}]: recognized file extensions are {FILE_EXTENSIONS}")
            )
    if problems:
        raise UsageError(check_err(aggregate(problems)))
    return sources


def collect(sources: list[tuple[str, str]], namespace: str | None):
    """The builder's visit: objects in file order, with the errors kubectl collects on the way.

    Returns (objects, visit_errors, stream_errors). A parse or validation error ends its own
    file only (StreamVisitor) and an unknown kind skips its object (infoForData); both are
    gathered by EagerVisitorList. A namespace that contradicts -n is refused by the
    RequireNamespace visitor, whose errors ContinueOnErrorVisitor gathers first.
    """
    objects: list[Loaded] = []
    visit_errors: list[KError] = []
    stream_errors: list[KError] = []
    for source, text in sources:
        failure = None
        try:
            documents = parse_manifests(text, source)
        except ManifestError as error:
            documents, failure = error.documents, error
        for document in documents:
            problem = _metadata_decode_error(document)
            if problem:  # infoForData: the object cannot be decoded, the stream goes on
                stream_errors.append(plain(f"unable to decode {go_quote(source)}: {problem}"))
                continue
            if document.get("metadata") is None:  # `metadata: null` decodes as empty
                document["metadata"] = {}
            info = kind_info(document)
            if info is None:
                metadata = document["metadata"]
                stream_errors.append(
                    plain(
                        kind_not_found(
                            _text(metadata.get("name")),
                            _text(metadata.get("namespace")),
                            source,
                            str(document.get("kind")),
                            str(document.get("apiVersion")),
                        ).removeprefix("error: ")
                    )
                )
                continue
            try:
                _check_namespace(document, info, namespace)
            except ObjectFailure as refused:
                visit_errors.append(refused.error)
                continue
            objects.append(Loaded(document, source))
        if failure is not None:
            stream_errors.append(from_message(failure.message))
    return objects, visit_errors, stream_errors


# ObjectMeta's fields as encoding/json decodes them (the YAML became JSON with sorted keys, so
# the first mistyped field in that order is the one reported).
_META_FIELDS = {
    "annotations": "map[string]string",
    "finalizers": "[]string",
    "generateName": "string",
    "labels": "map[string]string",
    "name": "string",
    "namespace": "string",
    "ownerReferences": "[]v1.OwnerReference",
    "resourceVersion": "string",
    "selfLink": "string",
    "uid": "types.UID",
}


def _json_type(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def _metadata_decode_error(document: dict) -> str | None:
    """encoding/json's UnmarshalTypeError for a metadata kubectl cannot decode
    (`json: cannot unmarshal number into Go struct field ObjectMeta.metadata.name of type
    string`), else None."""
    metadata = document.get("metadata")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        return (
            f"json: cannot unmarshal {_json_type(metadata)} into Go struct field "
            "metadataOnlyObject.metadata of type v1.ObjectMeta"
        )
    for field in sorted(metadata):
        value, expected = metadata[field], _META_FIELDS.get(field)
        if value is None or expected is None:
            continue
        where = f"Go struct field ObjectMeta.metadata.{field}"
        if expected in ("string", "types.UID") and not isinstance(value, str):
            return f"json: cannot unmarshal {_json_type(value)} into {where} of type {expected}"
        if expected == "map[string]string":
            if not isinstance(value, dict):
                return f"json: cannot unmarshal {_json_type(value)} into {where} of type {expected}"
            for key in sorted(value):
                if value[key] is not None and not isinstance(value[key], str):
                    return f"json: cannot unmarshal {_json_type(value[key])} into {where} of type string"
        if expected.startswith("[]") and not isinstance(value, list):
            return f"json: cannot unmarshal {_json_type(value)} into {where} of type {expected}"
        if expected == "[]string":
            for item in value:
                if item is not None and not isinstance(item, str):
                    return f"json: cannot unmarshal {_json_type(item)} into {where} of type string"
    return None


def object_name(document: dict) -> str:
    metadata = document.get("metadata") if isinstance(document.get("metadata"), dict) else {}
    return metadata.get("name") if isinstance(metadata.get("name"), str) else ""


def info_string(document: dict, namespace: str) -> str:
    """cli-runtime Info.String(): the mapping, then name and namespace."""
    info = kind_info(document)
    group = info.group
    return (
        f'Resource: "{group}/{info.version}, Resource={info.plural}", '
        f'GroupVersionKind: "{group}/{info.version}, Kind={info.kind}"\n'
        f"Name: {go_quote(object_name(document))}, Namespace: {go_quote(namespace)}"
    )


def visit_error(errors_in_order: list[KError], stream_errors: list[KError]) -> KError | None:
    """ContinueOnErrorVisitor's result: the callback's errors, then the streams' aggregate;
    one error is returned as itself."""
    items = list(errors_in_order)
    if stream_errors:
        items.append(aggregate(stream_errors))
    if not items:
        return None
    return items[0] if len(items) == 1 else aggregate(items)


def run_apply(
    cluster, inv, read_file, dry_run: str | None, field_validation: str = "Strict"
) -> str:
    """apply.go Run: every object first (GetObjects), then each one applied; errors last."""
    objects, visit_errors, stream_errors = collect(
        read_sources(inv, read_file), inv.flag("namespace")
    )
    errs: list[KError] = []
    gathered = visit_error(visit_errors, stream_errors)
    if gathered is not None:
        errs.append(gathered)
    if not objects and not errs:
        return "error: no objects passed to apply"
    lines = []
    for loaded in objects:
        record_change_cause(loaded.document, inv)
        try:
            lines.append(
                _apply_one(
                    cluster,
                    loaded.document,
                    loaded.source,
                    inv.flag("namespace"),
                    dry_run,
                    field_validation,
                )
            )
        except ObjectFailure as failure:
            errs.append(failure.error)
        except errors.ApiError as error:
            errs.append(from_api(error, display_source(loaded.source), "creating"))
    final = errs[0] if len(errs) == 1 else aggregate(errs)
    return _join(lines + [check_err(final)])


def run_create(
    cluster, inv, read_file, dry_run: str | None, field_validation: str = "Strict"
) -> str:
    """create.go RunCreate: each object is created as the builder visits it."""
    objects, visit_errors, stream_errors = collect(
        read_sources(inv, read_file), inv.flag("namespace")
    )
    lines: list[str] = []
    errors_in_order = list(visit_errors)
    created = 0
    for loaded in objects:
        record_change_cause(loaded.document, inv)
        try:
            lines.extend(
                _create_one(cluster, loaded, inv.flag("namespace"), dry_run, field_validation)
            )
            created += 1
        except ObjectFailure as failure:
            errors_in_order.append(failure.error)
        except errors.ApiError as error:
            errors_in_order.append(from_api(error, display_source(loaded.source), "creating"))
    cluster.settle()
    final = visit_error(errors_in_order, stream_errors)
    if final is None and not created:
        return _join(lines + ["error: no objects passed to create"])
    return _join(lines + [check_err(final)])


def _create_one(
    cluster, loaded: Loaded, namespace: str | None, dry_run: str | None, field_validation: str
) -> list[str]:
    document, source = loaded.document, loaded.source
    if dry_run == "client":  # nothing is sent: kubectl only prints
        obj = copy.deepcopy(document)
        obj.setdefault("metadata", {})
        _set_namespace(obj, namespace)
        return [f"{object_ref(obj)} created (dry run)"]
    warnings: list[str] = []
    message = check_object(
        document, None, source, field_validation=field_validation, warnings=warnings
    )
    if message:
        raise ObjectFailure(from_message(message, display_source(source)))
    notes = [f"Warning: {warning}" for warning in warnings]
    obj = _decoded(document)
    _set_namespace(obj, namespace)
    if dry_run == "server":
        info = kind_info(obj)
        target_ns = obj["metadata"].get("namespace", "")
        if cluster.api.find(obj["kind"], target_ns, obj["metadata"]["name"]):
            raise errors.already_exists(qualified_plural(info), obj["metadata"]["name"])
        return [*notes, f"{object_ref(obj)} created (server dry run)"]
    created = cluster.api.create(obj)
    warning = not_simulated_warning(created["kind"])
    return [*notes, *([warning] if warning else []), f"{object_ref(created)} created"]


def _apply_one(
    cluster,
    document: dict,
    source: str,
    namespace: str | None,
    dry_run: str | None = None,
    field_validation: str = "Strict",
) -> str:
    """dry_run "client": kubectl still reads the live object to say created, configured
    or unchanged, but sends nothing; "server": the server checks the change, stores nothing."""
    info = kind_info(document)
    if not object_name(document):  # apply.go applyOneObject, then info.Get()
        generate_name = (document.get("metadata") or {}).get("generateName")
        if generate_name:
            raise ObjectFailure(plain(f"from {generate_name}: cannot use generate name with apply"))
        target = _target_namespace(document, info, namespace) if info.namespaced else ""
        raise ObjectFailure(
            plain(
                "error when retrieving current configuration of:\n"
                f"{info_string(document, target)}\nfrom server for: "
                f"{go_quote(display_source(source))}: resource name may not be empty"
            )
        )
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run or "", "")
    name = document["metadata"]["name"]
    target_ns = _target_namespace(document, info, namespace)
    live = cluster.api.find(document["kind"], target_ns, name) if info else None
    last_applied = json.dumps(document, separators=(",", ":"), sort_keys=True)
    # the server's warnings (--validate=warn: the unknown fields it dropped) come first
    warnings: list[str] = []
    checks = {"field_validation": field_validation, "warnings": warnings}
    if live is None:  # info.Get found nothing: the object is created (and validated so)
        message = check_object(document, None, source, **checks) if dry_run != "client" else None
        if message:
            raise ObjectFailure(from_message(message, display_source(source)))
        notes = "".join(f"Warning: {warning}\n" for warning in warnings)
        obj = _decoded(document)
        _set_namespace(obj, namespace)
        if dry_run:
            return f"{notes}{object_ref(obj)} created{suffix}"
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_applied + "\n"
        created = cluster.api.create(obj)
        cluster.settle()
        warning = not_simulated_warning(created["kind"])
        prefix = f"{warning}\n" if warning else ""
        return f"{notes}{prefix}{object_ref(created)} created"
    previous = json.loads(
        (live["metadata"].get("annotations") or {}).get(LAST_APPLIED, "{}") or "{}"
    )
    merged = _merge_object(live, previous, document)
    merged["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_applied + "\n"
    # The server patches the live object and validates the result as an update: the
    # object's own errors and the update rules (an immutable selector) come back together.
    message = (
        check_object(document, live, source, merged=merged, **checks)
        if dry_run != "client"
        else None
    )
    if message:
        # a failed patch is reported `error when applying patch:\n<patch>\nto:\n<object>\nfor:
        # "<file>": ...` when several errors are printed; the simulation leaves the dumps out
        raise ObjectFailure(from_message(message, display_source(source), "applying patch to"))
    notes = "".join(f"Warning: {warning}\n" for warning in warnings)
    candidate = copy.deepcopy(merged)
    defaults.default_object(candidate)
    if _desired_state(candidate) == _desired_state(live):
        return f"{notes}{object_ref(live)} unchanged{suffix}"
    if dry_run:
        return f"{notes}{object_ref(live)} configured{suffix}"
    try:
        cluster.api.update(merged)
    except errors.ApiError as error:  # e.g. a node port another Service holds
        raise ObjectFailure(from_api(error, display_source(source), "applying patch to")) from error
    cluster.settle()
    return f"{notes}{object_ref(live)} configured"


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _join(parts: list[str]) -> str:
    return "\n".join(part for part in parts if part)


def _merge_object(live: dict, last: dict, new: dict) -> dict:
    result = copy.deepcopy(live)
    for field, value in new.items():
        if field in USER_FIELDS_SKIPPED:
            continue
        if value is None:  # null deletes the field
            result.pop(field, None)
            continue
        result[field] = _merge_value(field, result.get(field), last.get(field), value)
    for field in last:
        if field not in new and field not in ("apiVersion", "kind", "metadata", "status"):
            result.pop(field, None)
    return result


def _merge_maps(live: dict, last: dict, new: dict) -> dict:
    result = dict(live)
    for key in last:
        if key not in new:
            result.pop(key, None)
    for key, value in new.items():
        if value is None:  # in a strategic merge patch, null deletes the field
            result.pop(key, None)
            continue
        result[key] = _merge_value(key, live.get(key), last.get(key), value)
    return result


def _decoded(document: dict) -> dict:
    """The object as the API server decodes it: a JSON null leaves a Go field at its zero
    value, which is not stored (`strategy: null` is no strategy, then the default one)."""
    if isinstance(document, dict):
        return {key: _decoded(value) for key, value in document.items() if value is not None}
    if isinstance(document, list):
        return [_decoded(item) for item in document]
    return document


# patchMergeKey of the list fields this engine's kinds carry (k8s.io/api struct tags).
_MERGE_KEYS = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "imagePullSecrets": ("name",),
    "hostAliases": ("ip",),
    "ports": ("containerPort", "port"),  # a container's ports, a Service's ports
}


# patchStrategy "retainKeys" (k8s.io/api): DeploymentSpec.strategy, and each item of
# PodSpec.volumes. When the patch changes such a map, kubectl sends `$retainKeys` with the
# keys the manifest sets and the server clears the others, so `type: Recreate` drops the
# defaulted `rollingUpdate` and a volume changed from configMap to secret loses configMap.
_RETAIN_KEYS = {"strategy"}
_RETAIN_KEYS_ITEMS = {"volumes"}


def _merge_value(field: str, live, last, new):
    if isinstance(new, dict) and isinstance(live, dict):
        merged = _merge_maps(live, last if isinstance(last, dict) else {}, new)
        if field in _RETAIN_KEYS:
            merged = _retain_keys(merged, live, new)
        return merged
    if isinstance(new, list) and isinstance(live, list):
        key = _merge_key(field, new + live)
        if key:
            merged = _merge_lists(key, live, last if isinstance(last, list) else [], new)
            if field in _RETAIN_KEYS_ITEMS:
                live_by = {item[key]: item for item in live}
                new_by = {item[key]: item for item in new}
                merged = [
                    _retain_keys(item, live_by.get(item[key]), new_by[item[key]])
                    if item[key] in new_by
                    else item
                    for item in merged
                ]
            return merged
    return _decoded(new)


def _retain_keys(merged: dict, live, new: dict) -> dict:
    if merged == live:
        return merged  # unchanged: not in the patch, nothing is cleared
    return {key: value for key, value in merged.items() if key in new}


def _merge_key(field: str, items: list) -> str | None:
    if not items or not all(isinstance(item, dict) for item in items):
        return None
    for key in _MERGE_KEYS.get(field, ()):
        if all(key in item for item in items):
            return key
    return None


def _merge_lists(key: str, live: list, last: list, new: list) -> list:
    """Strategic merge of a keyed list: the manifest's items in its order, each merged with
    the live item of the same key; live items the manifest never named are kept, items the
    last applied configuration named and this one drops are deleted."""
    live_by = {item[key]: item for item in live}
    last_by = {item[key]: item for item in last if isinstance(item, dict) and key in item}
    result = []
    for item in new:
        if item[key] in live_by:
            result.append(_merge_maps(live_by[item[key]], last_by.get(item[key], {}), item))
        else:
            result.append(_decoded(item))
    named = {item[key] for item in new}
    for item in live:
        if item[key] not in named and item[key] not in last_by:
            result.append(copy.deepcopy(item))
    return result


def _desired_state(obj: dict) -> dict:
    meta = obj["metadata"]
    return {
        "labels": meta.get("labels") or {},
        "annotations": meta.get("annotations") or {},
        **{k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")},
    }


def _target_namespace(document: dict, info, namespace: str | None) -> str:
    if info is not None and not info.namespaced:
        return ""
    return (document.get("metadata") or {}).get("namespace") or namespace or "default"


def _check_namespace(document: dict, info, namespace: str | None) -> None:
    """cli-runtime RequireNamespace, when -n was given."""
    if not namespace or not info.namespaced:
        return
    explicit = (document.get("metadata") or {}).get("namespace")
    if explicit and explicit != namespace:
        raise ObjectFailure(
            plain(
                f"the namespace from the provided object {go_quote(explicit)} does not match "
                f"the namespace {go_quote(namespace)}. You must pass '--namespace={explicit}' "
                "to perform this operation."
            )
        )


def _set_namespace(obj: dict, namespace: str | None) -> None:
    info = kind_info(obj)
    if info is not None and not info.namespaced:
        return
    explicit = obj["metadata"].get("namespace")
    if explicit and namespace and explicit != namespace:
        raise UsageError(
            "error: the namespace from the provided object "
            f'"{explicit}" does not match the namespace "{namespace}". You must pass '
            "'--namespace=" + explicit + "' to perform this operation."
        )
    obj["metadata"]["namespace"] = explicit or namespace or "default"
