"""Ingress and NetworkPolicy rules: stored, not simulated, but validated as upstream does.

Source: pkg/apis/networking/validation/validation.go (ValidateIngressCreate,
ValidateIngressSpec, validateHTTPIngressPath, validateIngressBackend,
ValidateNetworkPolicySpec, ValidateNetworkPolicyPort, ValidateNetworkPolicyPeer,
ValidateIPBlock), with v1.34's feature gates at their defaults (RelaxedServiceNameValidation
off: a backend Service name is a DNS-1035 label, as ValidateServiceName wants).
"""

import ipaddress
import re

from . import meta, names
from .errors import FieldError, forbidden, invalid, not_supported, required

# supportedPathTypes.List(): a sets.String, so sorted
PATH_TYPES = ["Exact", "ImplementationSpecific", "Prefix"]
_INVALID_PATH_SEQUENCES = ("//", "/./", "/../", "%2f", "%2F")
_INVALID_PATH_SUFFIXES = ("/..", "/.")
INGRESS_CLASS_ANNOTATION = "kubernetes.io/ingress.class"
# ValidateNetworkPolicyPort and ValidateNetworkPolicySpec list these in this order
POLICY_PORT_PROTOCOLS = ["TCP", "UDP", "SCTP"]
POLICY_TYPES = ["Ingress", "Egress"]
CIDR_ERROR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"

_WILDCARD_FMT = "\\*\\." + "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"


def wildcard_dns1123_subdomain(value: str) -> list[str]:
    """validation.IsWildcardDNS1123Subdomain."""
    errs = []
    if len(value) > 253:
        errs.append(names.max_len_error(253))
    if not re.fullmatch(_WILDCARD_FMT, value):
        errs.append(
            names.regex_error(
                "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS "
                "subdomain, which must consist of lower case alphanumeric characters, '-' or "
                "'.' and end with an alphanumeric character",
                _WILDCARD_FMT,
                "*.example.com",
            )
        )
    return errs


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


# --- Ingress ------------------------------------------------------------------------------


def validate_ingress(obj) -> list[FieldError]:
    """ValidateIngressCreate after the metadata: the spec, then the class annotation."""
    errs = validate_ingress_spec(obj)
    annotations = _dict(_dict(obj.get("metadata")).get("annotations"))
    class_name = _dict(obj.get("spec")).get("ingressClassName")
    if INGRESS_CLASS_ANNOTATION in annotations and class_name is not None:
        value = annotations[INGRESS_CLASS_ANNOTATION]
        if value != class_name:
            errs.append(
                invalid(
                    f"annotations.{INGRESS_CLASS_ANNOTATION}",
                    value,
                    "must match `ingressClassName` when both are specified",
                )
            )
    return errs


def validate_ingress_spec(obj) -> list[FieldError]:
    """ValidateIngressSpec (ValidateIngressUpdate checks no annotation)."""
    spec = _dict(obj.get("spec"))
    path = "spec"
    errs = []
    rules = spec.get("rules")
    backend = spec.get("defaultBackend")
    if not rules and backend is None:
        errs.append(invalid(path, rules, "either `defaultBackend` or `rules` must be specified"))
    if backend is not None:
        errs += _backend(_dict(backend), f"{path}.defaultBackend")
    for index, rule in enumerate(rules or []):
        errs += _rule(_dict(rule), f"{path}.rules[{index}]")
    for index, tls in enumerate(spec.get("tls") or []):
        errs += _tls(_dict(tls), f"{path}.tls[{index}]")
    class_name = spec.get("ingressClassName")
    if class_name is not None:
        errs += [
            invalid(f"{path}.ingressClassName", class_name, m)
            for m in names.dns1123_subdomain(class_name)
        ]
    return errs


def _rule(rule: dict, path: str) -> list[FieldError]:
    """validateIngressRules for one rule."""
    errs = []
    host = rule.get("host") or ""
    if host:
        if _is_ip(host):
            errs.append(invalid(f"{path}.host", host, "must be a DNS name, not an IP address"))
        check = wildcard_dns1123_subdomain if "*" in host else names.dns1123_subdomain
        errs += [invalid(f"{path}.host", host, m) for m in check(host)]
    http = rule.get("http")
    if http is not None:
        http = _dict(http)
        paths = http.get("paths") or []
        if not paths:
            errs.append(required(f"{path}.http.paths"))
        for index, item in enumerate(paths):
            errs += _http_path(_dict(item), f"{path}.http.paths[{index}]")
    return errs


def _http_path(item: dict, path: str) -> list[FieldError]:
    """validateHTTPIngressPath: v1 gives pathType no default, so it must be set."""
    path_type = item.get("pathType")
    if path_type is None:
        return [required(f"{path}.pathType", "pathType must be specified")]
    value = item.get("path") or ""
    errs = []
    if path_type in ("Exact", "Prefix"):
        if not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
        if value:
            errs += [
                invalid(f"{path}.path", value, f"must not contain '{sequence}'")
                for sequence in _INVALID_PATH_SEQUENCES
                if sequence in value
            ]
            errs += [
                invalid(f"{path}.path", value, f"cannot end with '{suffix}'")
                for suffix in _INVALID_PATH_SUFFIXES
                if value.endswith(suffix)
            ]
    elif path_type == "ImplementationSpecific":
        if value and not value.startswith("/"):
            errs.append(invalid(f"{path}.path", value, "must be an absolute path"))
    else:
        errs.append(not_supported(f"{path}.pathType", path_type, PATH_TYPES))
    return errs + _backend(_dict(item.get("backend")), f"{path}.backend")


def _backend(backend: dict, path: str) -> list[FieldError]:
    """validateIngressBackend."""
    resource, service = backend.get("resource"), backend.get("service")
    if resource is not None and service is not None:
        return [invalid(path, "", "cannot set both resource and service backends")]
    if resource is not None:
        return _typed_reference(_dict(resource), f"{path}.resource")
    if service is None:
        return [invalid(path, "", "resource or service backend is required")]
    service = _dict(service)
    errs = []
    name = service.get("name") or ""
    if not name:
        errs.append(required(f"{path}.service.name"))
    else:
        errs += [invalid(f"{path}.service.name", name, m) for m in names.dns1035_label(name)]
    port = _dict(service.get("port"))
    port_name, number = port.get("name") or "", port.get("number") or 0
    if port_name and number:
        errs.append(invalid(path, "", "cannot set both port name & port number"))
    elif port_name:
        errs += [
            invalid(f"{path}.service.port.name", port_name, m) for m in names.port_name(port_name)
        ]
    elif number:
        errs += [
            invalid(f"{path}.service.port.number", number, m) for m in names.port_number(number)
        ]
    else:
        errs.append(required(path, "port name or number is required"))
    return errs


def _typed_reference(ref: dict, path: str) -> list[FieldError]:
    """validateIngressTypedLocalObjectReference."""
    errs = []
    group = ref.get("apiGroup")
    if group is not None:
        errs += [invalid(f"{path}.apiGroup", group, m) for m in names.dns1123_subdomain(group)]
    for field in ("kind", "name"):
        value = ref.get(field) or ""
        if not value:
            errs.append(required(f"{path}.{field}"))
        else:
            errs += [invalid(f"{path}.{field}", value, m) for m in names.path_segment_name(value)]
    return errs


def _tls(tls: dict, path: str) -> list[FieldError]:
    errs = []
    for index, host in enumerate(tls.get("hosts") or []):
        host = host or ""
        check = wildcard_dns1123_subdomain if "*" in host else names.dns1123_subdomain
        errs += [invalid(f"{path}.hosts[{index}]", host, m) for m in check(host)]
    secret = tls.get("secretName") or ""
    if secret:  # validateTLSSecretName: ValidateSecretName
        errs += [invalid(f"{path}.secretName", secret, m) for m in names.dns1123_subdomain(secret)]
    return errs


# --- NetworkPolicy ------------------------------------------------------------------------


def validate_network_policy(obj) -> list[FieldError]:
    """ValidateNetworkPolicySpec."""
    spec = _dict(obj.get("spec"))
    errs = meta.validate_label_selector(spec.get("podSelector"), "spec.podSelector")
    for direction, peers_field in (("ingress", "from"), ("egress", "to")):
        for index, rule in enumerate(spec.get(direction) or []):
            rule = _dict(rule)
            rule_path = f"spec.{direction}[{index}]"
            for number, port in enumerate(rule.get("ports") or []):
                errs += _policy_port(_dict(port), f"{rule_path}.ports[{number}]")
            for number, peer in enumerate(rule.get(peers_field) or []):
                errs += _policy_peer(_dict(peer), f"{rule_path}.{peers_field}[{number}]")
    types = spec.get("policyTypes") or []
    if len(types) > len(POLICY_TYPES):
        errs.append(invalid("spec.policyTypes", types, "may not specify more than two policyTypes"))
        return errs
    for index, policy_type in enumerate(types):
        if policy_type not in POLICY_TYPES:
            errs.append(not_supported(f"spec.policyTypes[{index}]", policy_type, POLICY_TYPES))
    return errs


def _policy_port(port: dict, path: str) -> list[FieldError]:
    errs = []
    protocol = port.get("protocol")
    if protocol is not None and protocol not in POLICY_PORT_PROTOCOLS:
        errs.append(not_supported(f"{path}.protocol", protocol, POLICY_PORT_PROTOCOLS))
    number, end = port.get("port"), port.get("endPort")
    if number is None:
        if end is not None:
            errs.append(
                invalid(f"{path}.endPort", end, "may not be specified when `port` is not specified")
            )
    elif isinstance(number, str):
        if end is not None:
            errs.append(
                invalid(f"{path}.endPort", end, "may not be specified when `port` is non-numeric")
            )
        errs += [invalid(f"{path}.port", number, m) for m in names.port_name(number)]
    else:
        errs += [invalid(f"{path}.port", number, m) for m in names.port_number(number)]
        if end is not None:
            if end < number:
                errs.append(
                    invalid(f"{path}.endPort", end, "must be greater than or equal to `port`")
                )
            errs += [invalid(f"{path}.endPort", end, m) for m in names.port_number(end)]
    return errs


def _policy_peer(peer: dict, path: str) -> list[FieldError]:
    errs = []
    count = 0
    for field in ("podSelector", "namespaceSelector"):
        if peer.get(field) is not None:
            count += 1
            errs += meta.validate_label_selector(peer[field], f"{path}.{field}")
    if peer.get("ipBlock") is not None:
        count += 1
        errs += _ip_block(_dict(peer["ipBlock"]), f"{path}.ipBlock")
    if count == 0:
        errs.append(required(path, "must specify a peer"))
    elif count > 1 and peer.get("ipBlock") is not None:
        errs.append(forbidden(path, "may not specify both ipBlock and another peer"))
    return errs


def _network(text: str):
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _ip_block(block: dict, path: str) -> list[FieldError]:
    """ValidateIPBlock (IsValidCIDRForLegacyField with StrictIPCIDRValidation off)."""
    cidr = block.get("cidr") or ""
    if not cidr:
        return [required(f"{path}.cidr")]
    network = _network(cidr)
    if network is None:
        return [invalid(f"{path}.cidr", cidr, CIDR_ERROR)]
    errs = []
    for index, text in enumerate(block.get("except") or []):
        except_path = f"{path}.except[{index}]"
        excluded = _network(text or "")
        if excluded is None:
            errs.append(invalid(except_path, text, CIDR_ERROR))
            continue
        if (
            excluded.version != network.version
            or excluded.network_address not in network
            or network.prefixlen >= excluded.prefixlen
        ):
            errs.append(invalid(except_path, text, "must be a strict subset of `cidr`"))
    return errs
