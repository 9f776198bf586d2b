"""Service, Node, Namespace, ConfigMap, Secret and HorizontalPodAutoscaler rules.

Sources: pkg/apis/core/validation/validation.go (ValidateService, validateServicePort,
ValidateNode, ValidateConfigMap, ValidateSecret), the service REST storage's node port
allocator, and pkg/apis/autoscaling/validation/validation.go.
"""

import ipaddress

from . import meta, names
from .autoscaling import validate_metrics_and_behavior
from .errors import FieldError, duplicate, forbidden, invalid, not_supported, required
from .pod import PROTOCOLS, validate_taints

SERVICE_TYPES = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]  # sets.List order
SESSION_AFFINITIES = ["ClientIP", "None"]
NODE_PORT_RANGE = (30000, 32767)  # kube-apiserver --service-node-port-range default


def _headless(spec) -> bool:
    return spec.get("clusterIP") == "None"


def validate_service(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    ports = spec.get("ports") or []
    errs = []
    if not ports and not _headless(spec) and kind != "ExternalName":
        errs.append(required("spec.ports", ""))
    if kind == "ExternalName":
        external = spec.get("externalName") or ""
        if spec.get("clusterIP"):
            errs.append(forbidden("spec.clusterIPs", "may not be set for ExternalName services"))
        if not external:
            errs.append(required("spec.externalName", ""))
        else:
            errs += [
                invalid("spec.externalName", external, m)
                for m in names.dns1123_subdomain(external.rstrip("."))
            ]
    cluster_ip = spec.get("clusterIP") or ""
    if cluster_ip and cluster_ip != "None":
        try:
            ipaddress.ip_address(cluster_ip)
        except ValueError:
            errs.append(
                invalid(
                    "spec.clusterIPs[0]",
                    cluster_ip,
                    "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                )
            )
    seen_names = set()
    for index, port in enumerate(ports):
        errs += _service_port(port or {}, len(ports) > 1, seen_names, f"spec.ports[{index}]")
    errs += meta.validate_labels(spec.get("selector"), "spec.selector")
    affinity = spec.get("sessionAffinity") or "None"
    if affinity not in SESSION_AFFINITIES:
        errs.append(not_supported("spec.sessionAffinity", affinity, SESSION_AFFINITIES))
    if kind not in SERVICE_TYPES:
        errs.append(not_supported("spec.type", kind, SERVICE_TYPES))
    for index, port in enumerate(ports):
        node_port = (port or {}).get("nodePort") or 0
        if not node_port:
            continue
        if kind == "ClusterIP":
            errs.append(
                forbidden(
                    f"spec.ports[{index}].nodePort", "may not be used when `type` is 'ClusterIP'"
                )
            )
        elif not NODE_PORT_RANGE[0] <= node_port <= NODE_PORT_RANGE[1]:
            errs.append(
                invalid(
                    f"spec.ports[{index}].nodePort",
                    node_port,
                    "provided port is not in the valid range. The range of valid "
                    f"ports is {NODE_PORT_RANGE[0]}-{NODE_PORT_RANGE[1]}",
                )
            )
    errs += _duplicate_ports(ports)
    return errs


def _service_port(port, require_name, seen_names, path) -> list[FieldError]:
    errs = []
    name = port.get("name") or ""
    if require_name and not name:
        errs.append(required(f"{path}.name", ""))
    elif name:
        errs += [invalid(f"{path}.name", name, m) for m in names.dns1123_label(name)]
        if name in seen_names:
            errs.append(duplicate(f"{path}.name", name))
        seen_names.add(name)
    number = port.get("port") or 0
    errs += [invalid(f"{path}.port", number, m) for m in names.port_number(number)]
    protocol = port.get("protocol") or "TCP"
    if protocol not in PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, PROTOCOLS))
    target = port.get("targetPort")
    if isinstance(target, str):
        errs += [invalid(f"{path}.targetPort", target, m) for m in names.port_name(target)]
    elif target is not None:
        errs += [invalid(f"{path}.targetPort", target, m) for m in names.port_number(target)]
    return errs


def _duplicate_ports(ports) -> list[FieldError]:
    errs, seen = [], set()
    for index, port in enumerate(ports):
        port = port or {}
        key = (port.get("port") or 0, port.get("protocol") or "TCP")
        if key in seen:
            errs.append(duplicate(f"spec.ports[{index}]", {"port": key[0], "protocol": key[1]}))
        seen.add(key)
    return errs


def validate_node(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = validate_taints(spec.get("taints"), "spec.taints")
    cidr = spec.get("podCIDR") or ""
    if cidr:
        try:
            ipaddress.ip_network(cidr, strict=False)
        except ValueError:
            errs.append(
                invalid(
                    "spec.podCIDR",
                    cidr,
                    "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)",
                )
            )
    return errs


def validate_config_map(obj) -> list[FieldError]:
    errs = []
    data = obj.get("data") or {}
    binary = obj.get("binaryData") or {}
    for key in sorted(data):
        errs += [invalid(f"data[{key}]", key, m) for m in names.config_map_key(key)]
    for key in sorted(binary):
        errs += [invalid(f"binaryData[{key}]", key, m) for m in names.config_map_key(key)]
        if key in data:
            errs.append(invalid(f"binaryData[{key}]", key, "duplicate of key present in data"))
    return errs


def validate_secret(obj) -> list[FieldError]:
    errs = []
    for field in ("data", "stringData"):
        for key in sorted(obj.get(field) or {}):
            errs += [invalid(f"{field}[{key}]", key, m) for m in names.config_map_key(key)]
    return errs


def validate_hpa(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = []
    minimum = spec.get("minReplicas")
    maximum = spec.get("maxReplicas") or 0
    if minimum is not None and minimum < 1:
        errs.append(invalid("spec.minReplicas", minimum, "must be greater than or equal to 1"))
    if maximum < 1:
        errs.append(invalid("spec.maxReplicas", maximum, "must be greater than 0"))
    if minimum is not None and maximum < minimum:
        errs.append(
            invalid("spec.maxReplicas", maximum, "must be greater than or equal to `minReplicas`")
        )
    ref = spec.get("scaleTargetRef") or {}
    if not ref.get("kind"):
        errs.append(required("spec.scaleTargetRef.kind", ""))
    else:
        errs += [
            invalid("spec.scaleTargetRef.kind", ref["kind"], m)
            for m in names.path_segment_name(ref["kind"])
        ]
    if not ref.get("name"):
        errs.append(required("spec.scaleTargetRef.name", ""))
    else:
        errs += [
            invalid("spec.scaleTargetRef.name", ref["name"], m)
            for m in names.path_segment_name(ref["name"])
        ]
    return errs + validate_metrics_and_behavior(obj)
