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

from .. import defaults, errors
from ..manifests import ManifestError, check_object, parse_manifests
from .args import UsageError
from .resources import kind_info, object_ref, qualified_plural

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
# Kinds whose behaviour the engine simulates, or that are plain data nothing acts on.
SIMULATED_OR_DATA = {
    "Pod", "Deployment", "ReplicaSet", "Service", "Endpoints", "EndpointSlice", "Namespace",
    "Node", "Event", "ServiceAccount", "ConfigMap", "Secret", "Lease",
}  # fmt: skip


def not_simulated_warning(kind: str) -> str | None:
    """Said the way the API server's warnings are printed, so output stays kubectl-shaped."""
    if kind in SIMULATED_OR_DATA:
        return None
    return (
        f"Warning: ClusterLab stores {kind} objects but does not simulate them yet: "
        "no controller acts on this one"
    )


USER_FIELDS_SKIPPED = ("status",)


def load(text: str, source: str) -> list[dict]:
    try:
        return parse_manifests(text, source)
    except ManifestError as error:
        raise UsageError(str(error)) from error


def apply_documents(
    cluster, documents: list[dict], source: str, namespace: str | None, dry_run: str | None = None
) -> list[str]:
    lines = []
    for document in documents:
        try:
            lines.append(_apply_one(cluster, document, source, namespace, dry_run))
        except UsageError as error:
            lines.append(str(error))
        except errors.ApiError as error:
            lines.append(_server_error(error, document, source, "creating"))
    return lines


def create_documents(
    cluster, documents: list[dict], source: str, namespace: str | None, dry_run: str | None = None
) -> list[str]:
    lines = []
    for document in documents:
        try:
            if dry_run == "client":  # nothing is sent: kubectl only prints
                obj = copy.deepcopy(document)
                _set_namespace(obj, namespace)
                lines.append(f"{object_ref(obj)} created (dry run)")
                continue
            message = check_object(document, None, source)
            if message:
                lines.append(message)
                continue
            obj = copy.deepcopy(document)
            _set_namespace(obj, namespace)
            if dry_run == "server":
                info = kind_info(obj)
                target_ns = obj["metadata"].get("namespace", "")
                if cluster.api.find(obj["kind"], target_ns, obj["metadata"]["name"]):
                    raise errors.already_exists(qualified_plural(info), obj["metadata"]["name"])
                lines.append(f"{object_ref(obj)} created (server dry run)")
                continue
            created = cluster.api.create(obj)
            warning = not_simulated_warning(created["kind"])
            if warning:
                lines.append(warning)
            lines.append(f"{object_ref(created)} created")
        except errors.ApiError as error:
            lines.append(_server_error(error, document, source, "creating"))
    cluster.settle()
    return lines


def _apply_one(
    cluster, document: dict, source: str, namespace: str | None, dry_run: str | None = None
) -> str:
    """dry_run "client": kubectl still reads the live object to say created, configured
    or unchanged, but sends nothing; "server": the server checks the change, stores nothing."""
    info = kind_info(document)
    message = check_object(document, None, source) if dry_run != "client" else None
    if message:
        return message
    suffix = {"client": " (dry run)", "server": " (server dry run)"}.get(dry_run or "", "")
    name = document["metadata"]["name"]
    target_ns = _target_namespace(document, info, namespace)
    live = cluster.api.find(document["kind"], target_ns, name) if info else None
    last_applied = json.dumps(document, separators=(",", ":"), sort_keys=True)
    if live is None:
        obj = copy.deepcopy(document)
        _set_namespace(obj, namespace)
        if dry_run:
            return f"{object_ref(obj)} created{suffix}"
        obj["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_applied + "\n"
        created = cluster.api.create(obj)
        cluster.settle()
        warning = not_simulated_warning(created["kind"])
        prefix = f"{warning}\n" if warning else ""
        return f"{prefix}{object_ref(created)} created"
    message = check_object(document, live, source) if dry_run != "client" else None
    if message:
        return message
    previous = json.loads(
        (live["metadata"].get("annotations") or {}).get(LAST_APPLIED, "{}") or "{}"
    )
    merged = _merge_object(live, previous, document)
    merged["metadata"].setdefault("annotations", {})[LAST_APPLIED] = last_applied + "\n"
    candidate = copy.deepcopy(merged)
    defaults.default_object(candidate)
    if _desired_state(candidate) == _desired_state(live):
        return f"{object_ref(live)} unchanged{suffix}"
    if dry_run:
        return f"{object_ref(live)} configured{suffix}"
    cluster.api.update(merged)
    cluster.settle()
    return f"{object_ref(live)} configured"


def _merge_object(live: dict, last: dict, new: dict) -> dict:
    result = copy.deepcopy(live)
    for field, value in new.items():
        if field in USER_FIELDS_SKIPPED:
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
        result[key] = _merge_value(key, live.get(key), last.get(key), value)
    return result


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


def _merge_value(field: str, live, last, new):
    if isinstance(new, dict) and isinstance(live, dict):
        return _merge_maps(live, last if isinstance(last, dict) else {}, new)
    if isinstance(new, list) and isinstance(live, list):
        key = _merge_key(field, new + live)
        if key:
            return _merge_lists(key, live, last if isinstance(last, list) else [], new)
    return copy.deepcopy(new)


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
            result.append(copy.deepcopy(item))
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
    return document["metadata"].get("namespace") or namespace or "default"


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


def _server_error(error: errors.ApiError, document: dict, source: str, verb: str) -> str:
    if error.reason == "Invalid":
        return error.message
    info = kind_info(document)
    name = document.get("metadata", {}).get("name", "")
    if error.reason == "AlreadyExists" and info is not None:
        return (
            f'Error from server (AlreadyExists): error when {verb} "{source}": '
            f'{qualified_plural(info)} "{name}" already exists'
        )
    return f'Error from server ({error.reason}): error when {verb} "{source}": {error.message}'
