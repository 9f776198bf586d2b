"""ResourceQuota usage: what an object charges against its namespace's quotas.

The evaluators of pkg/quota/v1/evaluator/core: pods.go (compute resources and `pods`),
services.go (`services`, `services.nodeports`, `services.loadbalancers`),
persistent_volume_claims.go (`persistentvolumeclaims`, `requests.storage`, per storage
class), the legacy object counts (configmaps, secrets, replicationcontrollers,
resourcequotas) and the generic `count/<resource>.<group>` every kind has. Quota scopes
(Terminating, NotTerminating, BestEffort, NotBestEffort, PriorityClass,
CrossNamespacePodAffinity) apply to pods only. The admission plugin (quota_admission.py)
and the resource quota controller both charge through `usage`, so what admission counts is
what the controller reports.
"""

from dataclasses import dataclass

from .defaults import qos_class
from .manifests.kinds import lookup_kind, lookup_resource
from .manifests.policy import COMPUTE_QUOTA_RESOURCES, POD_COMPUTE
from .quantity import Quantity, QuantityError
from .timefmt import parse_rfc3339

STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
# NOTE (pods.go): quota on cpu or memory makes every container specify it. Only these.
VALIDATION_SET = frozenset(POD_COMPUTE)
POD_RESOURCES = frozenset({"count/pods", "pods"} | COMPUTE_QUOTA_RESOURCES)
SERVICE_RESOURCES = frozenset(
    ("count/services", "services", "services.nodeports", "services.loadbalancers")
)
PVC_RESOURCES = frozenset(
    ("count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage")
)
LEGACY_COUNTS = {
    "ConfigMap": "configmaps",
    "Secret": "secrets",
    "ReplicationController": "replicationcontrollers",
    "ResourceQuota": "resourcequotas",
}
POD_LEVEL_RESOURCES = ("cpu", "memory")  # IsSupportedPodLevelResource


@dataclass(frozen=True, slots=True)
class PodFacts:
    """What the pod scopes look at (podMatchesScopeFunc)."""

    terminating: bool
    best_effort: bool
    priority_class: str
    cross_namespace_affinity: bool


@dataclass(frozen=True, slots=True)
class Charge:
    """One object's usage, and for a pod the facts its quota scopes match on."""

    kind: str
    usage: dict
    facts: PodFacts | None = None


# --- quantities --------------------------------------------------------------------------


def add(total: Quantity | None, amount: Quantity) -> Quantity:
    """Quantity.Add: a zero takes the format of what is added to it."""
    if total is None or total.value == 0:
        return Quantity((total.value if total else 0) + amount.value, amount.format)
    return Quantity(total.value + amount.value, total.format)


def add_lists(total: dict, amounts: dict) -> None:
    for name, amount in amounts.items():
        total[name] = add(total.get(name), amount)


def parse(value) -> Quantity | None:
    try:
        return Quantity.parse(value)
    except (QuantityError, ValueError, TypeError):
        return None


def parse_list(values) -> dict[str, Quantity]:
    parsed = {}
    for name, value in (values or {}).items() if isinstance(values, dict) else ():
        quantity = parse(value)
        if quantity is not None:
            parsed[name] = quantity
    return parsed


def pretty(values: dict[str, Quantity]) -> str:
    """prettyPrint: `requests.cpu=2,requests.memory=1Gi`, names sorted."""
    return ",".join(f"{name}={values[name]}" for name in sorted(values))


# --- resource names ----------------------------------------------------------------------


def count_name(kind: str, api_version: str) -> str:
    """generic.ObjectCountQuotaResourceNameFor: `count/pods`, `count/deployments.apps`."""
    info = lookup_kind(api_version, kind)
    if info is None:
        return f"count/{kind.lower()}s"
    return f"count/{info.plural}.{info.group}" if info.group else f"count/{info.plural}"


def is_extended(name: str) -> bool:
    """helper.IsExtendedResourceName: not native (it has a domain, and not kubernetes.io),
    and not already a quota `requests.` name."""
    return "/" in name and "kubernetes.io/" not in name and not name.startswith("requests.")


def is_extended_quota_name(name: str) -> bool:
    """isExtendedResourceNameForQuota: `requests.nvidia.com/gpu`."""
    return "/" in name and "kubernetes.io/" not in name and name.startswith("requests.")


def is_tracked(name: str) -> bool:
    """Does any evaluator count this resource name (CalculateUsage's matchedResources)?"""
    if name in POD_RESOURCES or name in SERVICE_RESOURCES or name in PVC_RESOURCES:
        return True
    if name in LEGACY_COUNTS.values():
        return True
    if name.startswith(("hugepages-", "requests.hugepages-")):
        return True
    if is_extended_quota_name(name):
        return True
    if STORAGE_CLASS_SUFFIX in name:
        return name.endswith(("/requests.storage", "/persistentvolumeclaims"))
    if name.startswith("count/"):
        return lookup_resource(name.removeprefix("count/")) is not None
    return False


def matching_resources(kind: str, api_version: str, names) -> set[str]:
    """Evaluator.MatchingResources for an object of this kind."""
    own_count = count_name(kind, api_version)
    matched = set()
    for name in names:
        if (
            name == own_count
            or name == LEGACY_COUNTS.get(kind)
            or kind == "Pod"
            and (
                name in POD_RESOURCES
                or name.startswith(("hugepages-", "requests.hugepages-"))
                or is_extended_quota_name(name)
            )
            or kind == "Service"
            and name in SERVICE_RESOURCES
            or kind == "PersistentVolumeClaim"
            and (name in PVC_RESOURCES or STORAGE_CLASS_SUFFIX in name)
        ):
            matched.add(name)
    return matched


# --- usage -------------------------------------------------------------------------------


def charge(obj: dict, now_ms: int) -> Charge:
    kind = obj["kind"]
    usage = {count_name(kind, obj.get("apiVersion", "")): Quantity.parse("1")}
    if kind in LEGACY_COUNTS:
        usage[LEGACY_COUNTS[kind]] = Quantity.parse("1")
    if kind == "Pod":
        usage.update(_pod_usage(obj, now_ms))
        return Charge(kind, usage, pod_facts(obj))
    if kind == "Service":
        usage.update(_service_usage(obj))
    elif kind == "PersistentVolumeClaim":
        usage.update(_claim_usage(obj))
    return Charge(kind, usage)


def charged_until_ms(pod: dict) -> int | None:
    """QuotaV1Pod: a pod stuck terminating stops counting once its deletionTimestamp plus
    its grace period has passed (a lost node must not hold the namespace's quota)."""
    meta = pod["metadata"]
    if not meta.get("deletionTimestamp") or meta.get("deletionGracePeriodSeconds") is None:
        return None
    return parse_rfc3339(meta["deletionTimestamp"]) + meta["deletionGracePeriodSeconds"] * 1000


def _pod_usage(pod: dict, now_ms: int) -> dict[str, Quantity]:
    """PodUsageFunc: terminal pods, and pods past their deletion grace, charge nothing but
    their object count."""
    if pod.get("status", {}).get("phase") in ("Succeeded", "Failed"):
        return {}
    until = charged_until_ms(pod)
    if until is not None and now_ms > until:
        return {}
    requests, limits = pod_requests_and_limits(pod["spec"])
    return compute_usage(requests, limits)


def compute_usage(requests: dict, limits: dict) -> dict[str, Quantity]:
    """podComputeUsageHelper."""
    result = {"pods": Quantity.parse("1")}
    for resource in ("cpu", "memory", "ephemeral-storage"):
        if resource in requests:
            result[resource] = requests[resource]
            result[f"requests.{resource}"] = requests[resource]
        if resource in limits:
            result[f"limits.{resource}"] = limits[resource]
    for resource, amount in requests.items():
        if resource.startswith("hugepages-"):
            result[resource] = amount
            result[f"requests.{resource}"] = amount
        elif is_extended(resource):
            result[f"requests.{resource}"] = amount
    return result


def pod_requests_and_limits(spec: dict) -> tuple[dict, dict]:
    """resourcehelper.PodRequests / PodLimits: containers summed, init containers as a
    maximum (restartable sidecars added), pod-level resources for cpu and memory when set,
    overhead on top (limits: only where a limit is set)."""
    result = []
    for kind in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for container in spec.get("containers") or ():
            add_lists(total, _container_list(container, kind))
        sidecars: dict[str, Quantity] = {}
        init_max: dict[str, Quantity] = {}
        for container in spec.get("initContainers") or ():
            values = _container_list(container, kind)
            if container.get("restartPolicy") == "Always":
                add_lists(total, values)
                add_lists(sidecars, values)
                current = dict(sidecars)
            else:
                current = dict(values)
                add_lists(current, sidecars)
            for name, amount in current.items():
                if name not in init_max or amount.value > init_max[name].value:
                    init_max[name] = amount
        for name, amount in init_max.items():
            if name not in total or amount.value > total[name].value:
                total[name] = amount
        pod_level = parse_list((spec.get("resources") or {}).get(kind))
        for name in POD_LEVEL_RESOURCES:
            if name in pod_level:
                total[name] = pod_level[name]
        for name, amount in parse_list(spec.get("overhead")).items():
            if kind == "requests" or name in total:
                total[name] = add(total.get(name), amount)
        result.append(total)
    return result[0], result[1]


def _container_list(container: dict, kind: str) -> dict[str, Quantity]:
    resources = container.get("resources") if isinstance(container, dict) else None
    return parse_list((resources or {}).get(kind)) if isinstance(resources, dict) else {}


def pod_facts(pod: dict) -> PodFacts:
    spec = pod.get("spec") or {}
    deadline = spec.get("activeDeadlineSeconds")
    return PodFacts(
        terminating=isinstance(deadline, int) and deadline >= 0,
        best_effort=qos_class(spec) == "BestEffort",
        priority_class=spec.get("priorityClassName") or "",
        cross_namespace_affinity=_cross_namespace_affinity(spec.get("affinity") or {}),
    )


def _cross_namespace_affinity(affinity: dict) -> bool:
    for kind in ("podAffinity", "podAntiAffinity"):
        rules = affinity.get(kind) or {}
        terms = list(rules.get("requiredDuringSchedulingIgnoredDuringExecution") or [])
        terms += [
            weighted.get("podAffinityTerm") or {}
            for weighted in rules.get("preferredDuringSchedulingIgnoredDuringExecution") or []
        ]
        if any(t.get("namespaces") or t.get("namespaceSelector") is not None for t in terms):
            return True
    return False


def _service_usage(service: dict) -> dict[str, Quantity]:
    spec = service.get("spec") or {}
    ports = spec.get("ports") or []
    usage = {
        "services": Quantity.parse("1"),
        "services.loadbalancers": Quantity.zero(),
        "services.nodeports": Quantity.zero(),
    }
    kind = spec.get("type") or "ClusterIP"
    if kind == "NodePort":
        usage["services.nodeports"] = Quantity.parse(str(len(ports)))
    elif kind == "LoadBalancer":
        # nodeports are not allocated yet at admission: count the intent
        if spec.get("allocateLoadBalancerNodePorts") is False:
            count = sum(1 for port in ports if port.get("nodePort"))
        else:
            count = len(ports)
        usage["services.nodeports"] = Quantity.parse(str(count))
        usage["services.loadbalancers"] = Quantity.parse("1")
    return usage


def _claim_usage(claim: dict) -> dict[str, Quantity]:
    spec = claim.get("spec") or {}
    usage = {"persistentvolumeclaims": Quantity.parse("1")}
    storage_class = spec.get("storageClassName") or (
        claim["metadata"].get("annotations") or {}
    ).get("volume.beta.kubernetes.io/storage-class", "")
    if storage_class:
        usage[f"{storage_class}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"] = Quantity.parse("1")
    requested = parse(((spec.get("resources") or {}).get("requests") or {}).get("storage"))
    allocated = parse(((claim.get("status") or {}).get("allocatedResources") or {}).get("storage"))
    if allocated is not None and (requested is None or allocated.value > requested.value):
        requested = allocated  # an expansion in progress is charged at the larger size
    if requested is not None:
        usage["requests.storage"] = requested
        if storage_class:
            usage[f"{storage_class}{STORAGE_CLASS_SUFFIX}requests.storage"] = requested
    return usage


# --- scopes ------------------------------------------------------------------------------


def scope_selectors(quota: dict) -> list[dict]:
    """getScopeSelectorsFromQuota: spec.scopes as Exists, then spec.scopeSelector."""
    spec = quota.get("spec") or {}
    selectors = [{"scopeName": s, "operator": "Exists"} for s in spec.get("scopes") or ()]
    selectors += list((spec.get("scopeSelector") or {}).get("matchExpressions") or ())
    return selectors


def scope_matches(selector: dict, facts: PodFacts | None) -> bool:
    """podMatchesScopeFunc; objects other than pods match no scope (MatchesNoScopeFunc)."""
    if facts is None:
        return False
    name = selector.get("scopeName")
    if name == "Terminating":
        return facts.terminating
    if name == "NotTerminating":
        return not facts.terminating
    if name == "BestEffort":
        return facts.best_effort
    if name == "NotBestEffort":
        return not facts.best_effort
    if name == "CrossNamespacePodAffinity":
        return facts.cross_namespace_affinity
    if name == "PriorityClass":
        operator, values = selector.get("operator"), selector.get("values") or []
        if operator == "Exists":
            return bool(facts.priority_class)
        if operator == "DoesNotExist":
            return not facts.priority_class
        if operator == "In":
            return bool(facts.priority_class) and facts.priority_class in values
        if operator == "NotIn":
            return not facts.priority_class or facts.priority_class not in values
    return False


def quota_matches(quota: dict, item: Charge, api_version: str) -> bool:
    """generic.Matches: the quota limits something this kind uses, and every scope holds."""
    hard = (quota.get("status") or {}).get("hard") or {}
    if not matching_resources(item.kind, api_version, hard):
        return False
    return all(scope_matches(selector, item.facts) for selector in scope_selectors(quota))


def missing_requirements(required, pod: dict) -> str | None:
    """podEvaluator.Constraints: `must specify limits.cpu for: nginx; limits.memory for:
    nginx` when a quota on cpu or memory meets a container that does not set it."""
    required = set(required) & VALIDATION_SET
    if not required:
        return None
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        own = compute_usage(
            _container_list(container, "requests"), _container_list(container, "limits")
        )
        for name in sorted(required - set(own)):
            missing.setdefault(name, set()).add(container.get("name", ""))
    if not missing:
        return None
    parts = [f"{name} for: {','.join(sorted(missing[name]))}" for name in sorted(missing)]
    return "must specify " + "; ".join(parts)
