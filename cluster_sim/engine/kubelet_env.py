"""A container's environment, as the kubelet builds it before creating the container
(makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go).

`envFrom` first (each ConfigMap's or Secret's keys, with an optional prefix), then `env`
in order, later names replacing earlier ones. A literal value may refer to variables
defined before it as `$(NAME)`. `valueFrom` reads a ConfigMap or Secret key, a field of
the pod (the downward API) or a container's resources. A source that is missing fails the
container with CreateContainerConfigError unless it is marked `optional`. The kubelet
tries again at its next sync; a ConfigMap created meanwhile is then found. The Services'
variables (KUBERNETES_SERVICE_HOST, ...) come after the container's own and may be referred to.
"""

import base64
import binascii
import math
from collections.abc import Mapping
from types import MappingProxyType

from .quantity import resource_amount
from .runtime import expand_kubernetes_references
from .runtime.environment import Environment


class ContainerConfigError(Exception):
    """The kubelet's error text (the container's waiting message; the event adds `Error: `)."""


def container_environment(pod: dict, spec: dict, store, links: "ServiceLinks") -> Mapping[str, str]:
    """The environment of container `spec` of `pod`, whose sandbox is up (its IPs known):
    its own variables over the Services' (runtime.environment: the Services' block is
    computed once per namespace and shared by every container)."""
    namespace = pod["metadata"].get("namespace", "default")
    services = links.variables(namespace, pod["spec"].get("enableServiceLinks", True))
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
            env[name] = expand_kubernetes_references(
                var.get("value", ""), Environment(env, services)
            )
            continue
        value = _value_from(source, pod, spec, store, namespace)
        if value is not None:
            env[name] = value
    return Environment(env, services)  # the Services' variables come after its own


class ServiceLinks:
    """service_environment per namespace, kept until a Service changes (the kubelets'
    Service lister): one block every container of the namespace shares."""

    def __init__(self, store):
        self._store = store
        self._cache: dict[tuple[str, bool], Mapping[str, str]] = {}
        store.watch("Service", self._forget)

    def _forget(self, event_type: str, service: dict) -> None:
        self._cache.clear()

    def variables(self, namespace: str, enabled: bool) -> Mapping[str, str]:
        key = (namespace, bool(enabled))
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = MappingProxyType(
                service_environment(self._store, namespace, bool(enabled))
            )
        return found


def service_environment(store, namespace: str, service_links: bool) -> dict[str, str]:
    """getServiceEnvVarMap: the variables of the `kubernetes` Service of the default
    namespace always, and of every Service of the pod's namespace with enableServiceLinks;
    headless Services (no ClusterIP) have none. Services by name, as envvars.FromServices
    writes them: NAME_SERVICE_HOST, NAME_SERVICE_PORT (+ _<PORT NAME>) and Docker's links,
    NAME_PORT and NAME_PORT_<port>_<PROTO>{,_PROTO,_PORT,_ADDR}."""
    services = {}
    kubernetes = store.get("Service", "default", "kubernetes")
    if kubernetes is not None:
        services["kubernetes"] = kubernetes
    if service_links:
        for service in store.list("Service", namespace):
            services.setdefault(service["metadata"]["name"], service)
    env: dict[str, str] = {}
    for name in sorted(services):
        spec = services[name].get("spec") or {}
        ip, ports = spec.get("clusterIP"), spec.get("ports") or []
        if not ip or ip == "None" or not ports:
            continue
        prefix = name.upper().replace("-", "_")
        env[f"{prefix}_SERVICE_HOST"] = ip
        env[f"{prefix}_SERVICE_PORT"] = str(ports[0].get("port"))
        for port in ports:
            if port.get("name"):
                env[f"{prefix}_SERVICE_PORT_{port['name'].upper().replace('-', '_')}"] = str(
                    port.get("port")
                )
        for index, port in enumerate(ports):
            protocol = port.get("protocol") or "TCP"
            address = f"{protocol.lower()}://{ip}:{port.get('port')}"
            if index == 0:
                env[f"{prefix}_PORT"] = address
            port_prefix = f"{prefix}_PORT_{port.get('port')}_{protocol.upper()}"
            env[port_prefix] = address
            env[f"{port_prefix}_PROTO"] = protocol.lower()
            env[f"{port_prefix}_PORT"] = str(port.get("port"))
            env[f"{port_prefix}_ADDR"] = ip
    return env


def expand_command(words: list[str] | None, env: Mapping[str, str]) -> list[str] | None:
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
        return pod_field(pod, source["fieldRef"].get("fieldPath", ""))
    if source.get("resourceFieldRef") is not None:
        return container_resource(source["resourceFieldRef"], pod, spec)
    return None


def pod_field(pod: dict, path: str) -> str:
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


def container_resource(ref: dict, pod: dict, spec: dict) -> str:
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
