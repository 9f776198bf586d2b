"""A container's environment, as the kubelet builds it before creating the container
(makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go).

`envFrom` first (each ConfigMap's or Secret's keys, with an optional prefix), then `env`
in order, later names replacing earlier ones. A literal value may refer to variables
defined before it as `$(NAME)`. `valueFrom` reads a ConfigMap or Secret key, a field of
the pod (the downward API) or a container's resources. A source that is missing fails the
container with CreateContainerConfigError unless it is marked `optional`. The kubelet
tries again at its next sync; a ConfigMap created meanwhile is then found.
"""

import base64
import binascii
import math

from .quantity import resource_amount
from .runtime import expand_kubernetes_references


class ContainerConfigError(Exception):
    """The kubelet's error text (the container's waiting message; the event adds `Error: `)."""


def container_environment(pod: dict, spec: dict, store) -> dict[str, str]:
    """The environment of container `spec` of `pod`, whose sandbox is up (its IPs known)."""
    namespace = pod["metadata"].get("namespace", "default")
    env: dict[str, str] = {}
    for source in spec.get("envFrom") or ():
        prefix = source.get("prefix", "")
        for kind, ref_field in (("ConfigMap", "configMapRef"), ("Secret", "secretRef")):
            ref = source.get(ref_field)
            if ref is None:
                continue
            data = source_data(store, kind, namespace, ref)
            for key, value in (data or {}).items():
                env[prefix + key] = value
    for var in spec.get("env") or ():
        name = var.get("name", "")
        source = var.get("valueFrom")
        if source is None:
            env[name] = expand_kubernetes_references(var.get("value", ""), env)
            continue
        value = _value_from(source, pod, spec, store, namespace)
        if value is not None:
            env[name] = value
    return env


def expand_command(words: list[str] | None, env: dict[str, str]) -> list[str] | None:
    """ExpandContainerCommandAndArgs: `$(NAME)` in command and args, from the environment."""
    if words is None:
        return None
    return [expand_kubernetes_references(word, env) for word in words]


def source_data(
    store, kind: str, namespace: str, ref: dict, error: type[Exception] = ContainerConfigError
) -> dict[str, str] | None:
    """A ConfigMap's or Secret's data as strings (Secret values decoded); None when it is
    missing but optional. Missing and required: `error` with the kubelet's words."""
    name = ref.get("name", "")
    obj = store.get(kind, namespace, name)
    if obj is None:
        if ref.get("optional"):
            return None
        raise error(f'{kind.lower()} "{name}" not found')
    if kind == "ConfigMap":
        return dict(obj.get("data") or {})
    return {key: _decoded(value) for key, value in (obj.get("data") or {}).items()}


def _decoded(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8", errors="replace")
    except (binascii.Error, ValueError):
        return value


def _value_from(source, pod, spec, store, namespace) -> str | None:
    for kind, ref_field in (("ConfigMap", "configMapKeyRef"), ("Secret", "secretKeyRef")):
        ref = source.get(ref_field)
        if ref is None:
            continue
        data = source_data(store, kind, namespace, ref)
        if data is None:
            return None
        key = ref.get("key", "")
        if key not in data:
            if ref.get("optional"):
                return None
            raise ContainerConfigError(
                f"couldn't find key {key} in {kind} {namespace}/{ref.get('name', '')}"
            )
        return data[key]
    if source.get("fieldRef") is not None:
        return _field(pod, source["fieldRef"].get("fieldPath", ""))
    if source.get("resourceFieldRef") is not None:
        return _resource(source["resourceFieldRef"], pod, spec)
    return None


def _field(pod: dict, path: str) -> str:
    """podFieldSelectorRuntimeValue and ExtractFieldPathAsString."""
    meta, pod_spec, status = pod["metadata"], pod["spec"], pod["status"]
    node_ip, pod_ip = status.get("hostIP", ""), status.get("podIP", "")
    simple = {
        "metadata.name": meta.get("name", ""),
        "metadata.namespace": meta.get("namespace", ""),
        "metadata.uid": meta.get("uid", ""),
        "spec.nodeName": pod_spec.get("nodeName", ""),
        "spec.serviceAccountName": pod_spec.get("serviceAccountName", ""),
        "status.hostIP": node_ip,
        "status.hostIPs": node_ip,
        "status.podIP": pod_ip,
        "status.podIPs": pod_ip,
    }
    if path in simple:
        return simple[path]
    for field in ("labels", "annotations"):
        start = f"metadata.{field}['"
        if path.startswith(start) and path.endswith("']"):
            return (meta.get(field) or {}).get(path[len(start) : -2], "")
    return ""


def _resource(ref: dict, pod: dict, spec: dict) -> str:
    """ExtractContainerResourceValue: the amount over the divisor, rounded up; a limit that
    is not set reads as unlimited, which the kubelet reports as the node's allocatable
    (not simulated: the request, or 0)."""
    resource = ref.get("resource", "")
    kind, _, name = resource.partition(".")
    container_name = ref.get("containerName") or spec.get("name")
    container = next(
        (c for c in pod["spec"].get("containers", []) if c.get("name") == container_name), spec
    )
    resources = container.get("resources") or {}
    value = (resources.get(kind) or {}).get(name)
    if value is None and kind == "limits":
        value = (resources.get("requests") or {}).get(name)
    amount = resource_amount(name, value) if value is not None else 0
    divisor = resource_amount(name, ref.get("divisor", "1"))
    return str(math.ceil(amount / divisor)) if divisor else "0"
