"""Pod spec validation: the parts of pkg/apis/core/validation/validation.go that a
learner's manifest meets (ValidatePodSpec, validateContainers, validateContainerPorts,
ValidateResourceRequirements, ValidateTolerations), in upstream's order.

Defaults are applied before validation upstream, so absent fields that have a
default (restartPolicy, dnsPolicy, protocol, imagePullPolicy) are not errors.
"""

import re
from fractions import Fraction

from cluster_sim.engine.quantity import QuantityError, parse_quantity

from . import meta, names
from .errors import FieldError, duplicate, invalid, not_supported, required

RESTART_POLICIES = ["Always", "OnFailure", "Never"]
DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]
PULL_POLICIES = ["Always", "IfNotPresent", "Never"]
PROTOCOLS = ["SCTP", "TCP", "UDP"]  # sets.List: sorted
TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
STANDARD_CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
MAX_INT32 = 2**31 - 1


def validate_pod_spec(spec, path: str) -> list[FieldError]:
    spec = spec or {}
    errs: list[FieldError] = []
    volumes, volume_errs = _volumes(spec.get("volumes"), f"{path}.volumes")
    errs += volume_errs
    errs += _containers(spec.get("containers"), volumes, f"{path}.containers")
    errs += _init_containers(spec, volumes, f"{path}.initContainers")
    policy = spec.get("restartPolicy") or "Always"
    if policy not in RESTART_POLICIES:
        errs.append(not_supported(f"{path}.restartPolicy", policy, RESTART_POLICIES))
    dns = spec.get("dnsPolicy") or "ClusterFirst"
    if dns not in DNS_POLICIES:
        errs.append(not_supported(f"{path}.dnsPolicy", dns, DNS_POLICIES))
    errs += meta.validate_labels(spec.get("nodeSelector"), f"{path}.nodeSelector")
    account = spec.get("serviceAccountName") or ""
    if account:
        errs += [
            invalid(f"{path}.serviceAccountName", account, m)
            for m in names.dns1123_subdomain(account)
        ]
    node_name = spec.get("nodeName") or ""
    if node_name:
        errs += [
            invalid(f"{path}.nodeName", node_name, m) for m in names.dns1123_subdomain(node_name)
        ]
    deadline = spec.get("activeDeadlineSeconds")
    if deadline is not None and not 1 <= deadline <= MAX_INT32:
        errs.append(
            invalid(
                f"{path}.activeDeadlineSeconds", deadline, names.inclusive_range_error(1, MAX_INT32)
            )
        )
    hostname = spec.get("hostname") or ""
    if hostname:
        errs += [invalid(f"{path}.hostname", hostname, m) for m in names.dns1123_label(hostname)]
    errs += validate_tolerations(spec.get("tolerations"), f"{path}.tolerations")
    return errs


def _volumes(volumes, path):
    errs, seen = [], set()
    for index, volume in enumerate(volumes or []):
        volume = volume or {}
        name = volume.get("name") or ""
        vpath = f"{path}[{index}].name"
        if not name:
            errs.append(required(vpath, ""))
        else:
            errs += [invalid(vpath, name, m) for m in names.dns1123_label(name)]
            if name in seen:
                errs.append(duplicate(vpath, name))
        seen.add(name)
    return seen, errs


def _containers(containers, volumes, path) -> list[FieldError]:
    if not containers:
        return [required(path, "")]
    errs, seen = [], set()
    for index, container in enumerate(containers):
        cpath = f"{path}[{index}]"
        container = container or {}
        errs += _container_common(container, volumes, cpath)
        name = container.get("name") or ""
        if name in seen:
            errs.append(duplicate(f"{cpath}.name", name))
        seen.add(name)
        if not container.get("image"):
            errs.append(required(f"{cpath}.image", ""))
    return errs


def _init_containers(spec, volumes, path) -> list[FieldError]:
    errs = []
    regular = {(c or {}).get("name") for c in spec.get("containers") or []}
    seen = set()
    for index, container in enumerate(spec.get("initContainers") or []):
        cpath = f"{path}[{index}]"
        container = container or {}
        errs += _container_common(container, volumes, cpath)
        name = container.get("name") or ""
        if name in seen or name in regular:
            errs.append(duplicate(f"{cpath}.name", name))
        seen.add(name)
        if not container.get("image"):
            errs.append(required(f"{cpath}.image", ""))
    return errs


def _container_common(container, volumes, path) -> list[FieldError]:
    errs = []
    name = container.get("name") or ""
    if not name:
        errs.append(required(f"{path}.name", ""))
    else:
        errs += [invalid(f"{path}.name", name, m) for m in names.dns1123_label(name)]
    image = container.get("image") or ""
    if image != image.strip():
        errs.append(invalid(f"{path}.image", image, "must not have leading or trailing whitespace"))
    errs += _container_ports(container.get("ports"), f"{path}.ports")
    errs += _env(container.get("env"), f"{path}.env")
    errs += _volume_mounts(container.get("volumeMounts"), volumes, f"{path}.volumeMounts")
    pull = container.get("imagePullPolicy")
    if pull and pull not in PULL_POLICIES:
        errs.append(not_supported(f"{path}.imagePullPolicy", pull, PULL_POLICIES))
    errs += validate_resources(container.get("resources"), f"{path}.resources")
    return errs


def _container_ports(ports, path) -> list[FieldError]:
    errs, seen = [], set()
    for index, port in enumerate(ports or []):
        port = port or {}
        ppath = f"{path}[{index}]"
        name = port.get("name") or ""
        if name:
            problems = names.port_name(name)
            if problems:
                errs += [invalid(f"{ppath}.name", name, m) for m in problems]
            elif name in seen:
                errs.append(duplicate(f"{ppath}.name", name))
            seen.add(name)
        number = port.get("containerPort") or 0
        if number == 0:
            errs.append(required(f"{ppath}.containerPort", ""))
        else:
            errs += [
                invalid(f"{ppath}.containerPort", number, m) for m in names.port_number(number)
            ]
        host = port.get("hostPort") or 0
        if host:
            errs += [invalid(f"{ppath}.hostPort", host, m) for m in names.port_number(host)]
        protocol = port.get("protocol") or "TCP"
        if protocol not in PROTOCOLS:
            errs.append(not_supported(f"{ppath}.protocol", protocol, PROTOCOLS))
    return errs


def _env(env, path) -> list[FieldError]:
    errs = []
    for index, var in enumerate(env or []):
        var = var or {}
        name = var.get("name") or ""
        npath = f"{path}[{index}].name"
        if not name:
            errs.append(required(npath, ""))
        else:
            errs += [invalid(npath, name, m) for m in names.env_var_name(name)]
    return errs


def _volume_mounts(mounts, volumes, path) -> list[FieldError]:
    errs, mount_points = [], set()
    for index, mount in enumerate(mounts or []):
        mount = mount or {}
        mpath = f"{path}[{index}]"
        name = mount.get("name") or ""
        if not name:
            errs.append(required(f"{mpath}.name", ""))
        elif name not in volumes:
            errs.append(FieldError("Not found", f"{mpath}.name", name))
        mount_path = mount.get("mountPath") or ""
        if not mount_path:
            errs.append(required(f"{mpath}.mountPath", ""))
        elif mount_path in mount_points:
            errs.append(invalid(f"{mpath}.mountPath", mount_path, "must be unique"))
        mount_points.add(mount_path)
    return errs


# --- resources ------------------------------------------------------------------------

_SUFFIX = re.compile(r"^[+-]?[0-9.]*(?P<suffix>.*)$")


def canonical_quantity(value) -> str:
    """resource.Quantity.String(): `0.5` -> `500m`, `1024Mi` -> `1Gi`, `1000` -> `1k`."""
    text = str(value).strip() if not isinstance(value, float) else repr(value)
    amount = parse_quantity(text)
    if amount == 0:
        return "0"
    suffix = _SUFFIX.match(text)["suffix"]
    binary = suffix in ("Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
    exponent_form = suffix[:1] in ("e", "E") and len(suffix) > 1
    if binary and abs(amount) >= 1024 and amount.denominator == 1:
        number, power = int(amount), 0
        while number % 1024 == 0 and power < 6:
            number //= 1024
            power += 1
        return f"{number}{['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'][power]}"
    # Decimal: round up to nano units, strip factors of ten, align the exponent to 3.
    scaled = amount * 10**9
    nanos = -(-scaled.numerator // scaled.denominator)  # Quantity rounds up to nano units
    exponent = -9
    while nanos != 0 and nanos % 10 == 0:
        nanos //= 10
        exponent += 1
    while exponent % 3:
        nanos *= 10
        exponent -= 1
    if exponent_form:
        return f"{nanos}e{exponent}" if exponent else str(nanos)
    suffixes = {-9: "n", -6: "u", -3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T", 15: "P", 18: "E"}
    if exponent in suffixes:
        return f"{nanos}{suffixes[exponent]}"
    return f"{nanos}e{exponent}"


def _amount(value) -> Fraction | None:
    try:
        return parse_quantity(value)
    except QuantityError:
        return None


def _resource_name_errors(name: str, path: str) -> list[FieldError]:
    if "/" not in name:
        if name in STANDARD_CONTAINER_RESOURCES or name.startswith("hugepages-"):
            return []
        return [invalid(path, name, "must be a standard resource for containers")]
    return [invalid(path, name, m) for m in names.qualified_name(name)]


def validate_resources(resources, path) -> list[FieldError]:
    resources = resources or {}
    limits = resources.get("limits") or {}
    requests = resources.get("requests") or {}
    errs = []
    for name in sorted(limits):
        rpath = f"{path}.limits[{name}]"
        errs += _resource_name_errors(name, rpath)
        amount = _amount(limits[name])
        if amount is not None and amount < 0:
            errs.append(invalid(rpath, canonical_quantity(limits[name]), names.NEGATIVE_ERROR))
    for name in sorted(requests):
        rpath = f"{path}.requests[{name}]"
        errs += _resource_name_errors(name, rpath)
        amount = _amount(requests[name])
        if amount is None:
            continue
        if amount < 0:
            errs.append(invalid(rpath, canonical_quantity(requests[name]), names.NEGATIVE_ERROR))
        if name in limits:
            limit = _amount(limits[name])
            if limit is None:
                continue
            shown = canonical_quantity(requests[name])
            limit_text = canonical_quantity(limits[name])
            overcommit = not name.startswith("hugepages-") and "/" not in name
            if not overcommit and amount != limit:
                errs.append(
                    invalid(
                        f"{path}.requests", shown, f"must be equal to {name} limit of {limit_text}"
                    )
                )
            elif amount > limit:
                errs.append(
                    invalid(
                        f"{path}.requests",
                        shown,
                        f"must be less than or equal to {name} limit of {limit_text}",
                    )
                )
    return errs


# --- tolerations ------------------------------------------------------------------------


def validate_tolerations(tolerations, path) -> list[FieldError]:
    errs = []
    for index, toleration in enumerate(tolerations or []):
        toleration = toleration or {}
        tpath = f"{path}[{index}]"
        key = toleration.get("key") or ""
        operator = toleration.get("operator") or ""
        if key:
            errs += [invalid(f"{tpath}.key", key, m) for m in names.qualified_name(key)]
        elif operator != "Exists":
            errs.append(
                invalid(
                    f"{tpath}.operator",
                    operator,
                    "operator must be Exists when `key` is empty, which means "
                    '"match all values and all keys"',
                )
            )
        effect = toleration.get("effect") or ""
        if toleration.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.append(
                invalid(
                    f"{tpath}.effect",
                    effect,
                    "effect must be 'NoExecute' when `tolerationSeconds` is set",
                )
            )
        value = toleration.get("value") or ""
        if operator in ("", "Equal"):
            errs += [invalid(f"{tpath}.value", value, m) for m in names.label_value(value)]
        elif operator == "Exists":
            if value:
                errs.append(
                    invalid(
                        f"{tpath}.operator",
                        toleration,
                        "value must be empty when `operator` is 'Exists'",
                    )
                )
        else:
            errs.append(not_supported(f"{tpath}.operator", operator, ["Equal", "Exists"]))
        if effect and effect not in TAINT_EFFECTS:
            errs.append(not_supported(f"{tpath}.effect", effect, TAINT_EFFECTS))
    return errs


def validate_taints(taints, path) -> list[FieldError]:
    """ValidateTaints for Node.spec.taints."""
    errs, seen = [], set()
    for index, taint in enumerate(taints or []):
        taint = taint or {}
        tpath = f"{path}[{index}]"
        key = taint.get("key") or ""
        errs += [invalid(f"{tpath}.key", key, m) for m in names.qualified_name(key)]
        value = taint.get("value") or ""
        errs += [invalid(f"{tpath}.value", value, m) for m in names.label_value(value)]
        effect = taint.get("effect") or ""
        if not effect:
            errs.append(required(f"{tpath}.effect", ""))
        elif effect not in TAINT_EFFECTS:
            errs.append(not_supported(f"{tpath}.effect", effect, TAINT_EFFECTS))
        if (key, effect) in seen:
            errs.append(duplicate(tpath, taint))
        seen.add((key, effect))
    return errs
