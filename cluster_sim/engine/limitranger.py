"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go).

Mutating, on Pod create: containers (and init containers) that lack a limit or a request
for a resource get the namespace's `type: Container` `default` / `defaultRequest`, and the
pod is annotated `kubernetes.io/limit-ranger: LimitRanger plugin set: cpu, memory request
for container nginx; cpu, memory limit for container nginx`. The pod's QoS class is
worked out after these defaults (the registry's PrepareForCreate runs after mutating
admission), so a pod that gets them is Burstable or Guaranteed, not BestEffort.

Validating, on Pod create and PersistentVolumeClaim create or update: min, max and
maxLimitRequestRatio per Container, per Pod and per PersistentVolumeClaim. Every violation
is reported, as one errors.Aggregate: `pods "x" is forbidden: maximum cpu usage per
Container is 800m, but limit is 1500m`, or `[a, b]` for several.
"""

from . import errors
from .defaults import qos_class
from .manifests.errors import invalid_message
from .manifests.pod import validate_resources
from .quantity import Quantity
from .quota import add as add_quantity
from .quota import parse_list
from .store import Store

ANNOTATION = "kubernetes.io/limit-ranger"


class LimitRanger:
    def __init__(self, store: Store):
        self._store = store

    def _limit_ranges(self, obj: dict, old: dict | None) -> list[dict]:
        namespace = obj["metadata"].get("namespace")
        if not namespace or (old is not None and old["metadata"].get("deletionTimestamp")):
            return []  # objects being deleted are left alone
        return self._store.list("LimitRange", namespace)

    def admit(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        """PodMutateLimitFunc for every LimitRange of the namespace (pods on create only:
        their containers' resources cannot change afterwards)."""
        if obj["kind"] != "Pod" or old is not None:
            return
        changed = False
        for limit_range in self._limit_ranges(obj, old):
            changed |= _merge_defaults(obj, _container_defaults(limit_range))
        if changed:
            obj.setdefault("status", {})["qosClass"] = qos_class(obj["spec"])
            _validate_defaulted(obj)

    def validate(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        kind = obj["kind"]
        if not (kind == "Pod" and old is None or kind == "PersistentVolumeClaim"):
            return
        for limit_range in self._limit_ranges(obj, old):
            problems = (
                _pod_problems(limit_range, obj)
                if kind == "Pod"
                else _claim_problems(limit_range, obj)
            )
            if problems:
                resource = "pods" if kind == "Pod" else "persistentvolumeclaims"
                name = obj["metadata"].get("name") or obj["metadata"].get("generateName")
                raise errors.forbidden(f'{resource} "{name}" is forbidden: {_aggregate(problems)}')


# --- defaults ------------------------------------------------------------------------------


def _items(limit_range: dict, kind: str) -> list[dict]:
    return [
        item
        for item in (limit_range.get("spec") or {}).get("limits") or ()
        if isinstance(item, dict) and item.get("type") == kind
    ]


def _container_defaults(limit_range: dict) -> tuple[dict, dict]:
    """defaultContainerResourceRequirements: (limits, requests), later items winning."""
    limits, requests = {}, {}
    for item in _items(limit_range, "Container"):
        requests.update(item.get("defaultRequest") or {})
        limits.update(item.get("default") or {})
    return limits, requests


def _merge_defaults(pod: dict, defaults: tuple[dict, dict]) -> bool:
    """mergePodResourceRequirements; True if anything was set."""
    limits, requests = defaults
    notes = []
    spec = pod["spec"]
    for prefix, containers in (
        ("container", spec.get("containers") or []),
        ("init container", spec.get("initContainers") or []),
    ):
        for container in containers:
            resources = container.setdefault("resources", {})
            set_limits = _fill(resources, "limits", limits)
            set_requests = _fill(resources, "requests", requests)
            if set_requests:
                notes.append(f"{', '.join(set_requests)} request for {prefix} {container['name']}")
            if set_limits:
                notes.append(f"{', '.join(set_limits)} limit for {prefix} {container['name']}")
    if notes:
        annotations = pod["metadata"].setdefault("annotations", {})
        annotations[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)
    return bool(notes)


def _validate_defaulted(pod: dict) -> None:
    """The registry validates the pod after mutating admission (ValidatePod), so a default
    limit below the container's own request is a 422: `spec.containers[0].resources.requests:
    Invalid value: "700m": must be less than or equal to cpu limit of 500m`
    (/docs/concepts/policy/limit-range/#constraints-on-resource-limits-and-requests)."""
    problems = []
    for field in ("containers", "initContainers"):  # ValidatePodSpec's order
        for index, container in enumerate(pod["spec"].get(field) or ()):
            path = f"spec.{field}[{index}].resources"
            problems += validate_resources(container.get("resources"), path)
    if problems:
        name = pod["metadata"].get("name") or pod["metadata"].get("generateName", "")
        raise errors.invalid(invalid_message("Pod", name, problems))


def _fill(resources: dict, kind: str, defaults: dict) -> list[str]:
    current = resources.get(kind) or {}
    missing = sorted(name for name in defaults if name not in current)
    if missing:
        resources[kind] = {**current, **{name: defaults[name] for name in missing}}
    return missing


# --- constraints -----------------------------------------------------------------------------


def _aggregate(problems: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): duplicates dropped, `[a, b]` when several."""
    unique = list(dict.fromkeys(problems))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


def _min(kind: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> str | None:
    request, limit = requests.get(name), limits.get(name)
    if request is None:
        return f"minimum {name} usage per {kind} is {enforced}.  No request is specified"
    if request.milli_value() < enforced.milli_value():
        return f"minimum {name} usage per {kind} is {enforced}, but request is {request}"
    if limit is not None and limit.milli_value() < enforced.milli_value():
        return f"minimum {name} usage per {kind} is {enforced}, but limit is {limit}"
    return None


def _max(kind: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> str | None:
    request, limit = requests.get(name), limits.get(name)
    if limit is None:
        return f"maximum {name} usage per {kind} is {enforced}.  No limit is specified"
    if limit.milli_value() > enforced.milli_value():
        return f"maximum {name} usage per {kind} is {enforced}, but limit is {limit}"
    if request is not None and request.milli_value() > enforced.milli_value():
        return f"maximum {name} usage per {kind} is {enforced}, but request is {request}"
    return None


def _max_request(kind: str, name: str, enforced: Quantity, requests: dict) -> str | None:
    """maxRequestConstraint: claims have no limits, their request is checked."""
    request = requests.get(name)
    if request is None:
        return f"maximum {name} usage per {kind} is {enforced}.  No request is specified"
    if request.milli_value() > enforced.milli_value():
        return f"maximum {name} usage per {kind} is {enforced}, but request is {request}"
    return None


def _ratio(kind: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> str | None:
    request, limit = requests.get(name), limits.get(name)
    if request is None or request.milli_value() == 0:
        return (
            f"{name} max limit to request ratio per {kind} is {enforced}, but no request is "
            "specified or request is 0"
        )
    if limit is None or limit.milli_value() == 0:
        return (
            f"{name} max limit to request ratio per {kind} is {enforced}, but no limit is "
            "specified or limit is 0"
        )
    observed = limit.milli_value() / request.milli_value()
    if observed * 1000 > enforced.milli_value():
        return (
            f"{name} max limit to request ratio per {kind} is {enforced}, but provided ratio "
            f"is {observed:f}"
        )
    return None


def _check(item: dict, kind: str, requests: dict, limits: dict) -> list[str]:
    """min, then max, then maxLimitRequestRatio; resources in name order (Go ranges over
    the maps in random order: sorting keeps the simulation deterministic)."""
    problems = []
    for field, check in (("min", _min), ("max", _max), ("maxLimitRequestRatio", _ratio)):
        bounds = parse_list(item.get(field))
        for name in sorted(bounds):
            problem = check(kind, name, bounds[name], requests, limits)
            if problem:
                problems.append(problem)
    return problems


def _pod_problems(limit_range: dict, pod: dict) -> list[str]:
    """PodValidateLimitFunc."""
    spec = pod["spec"]
    containers = (spec.get("containers") or []) + (spec.get("initContainers") or [])
    problems = []
    for item in (limit_range.get("spec") or {}).get("limits") or ():
        if not isinstance(item, dict):
            continue
        if item.get("type") == "Container":
            for container in containers:
                resources = container.get("resources") or {}
                requests = parse_list(resources.get("requests"))
                limits = parse_list(resources.get("limits"))
                problems += _check(item, "Container", requests, limits)
        elif item.get("type") == "Pod":
            requests, limits = _pod_totals(spec)
            problems += _check(item, "Pod", requests, limits)
    return problems


def _pod_totals(spec: dict) -> tuple[dict, dict]:
    """The plugin's podRequests / podLimits: containers summed, init containers as a maximum
    with restartable sidecars added; no overhead, no pod-level resources."""
    result = []
    for kind in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for container in spec.get("containers") or ():
            for name, amount in parse_list((container.get("resources") or {}).get(kind)).items():
                total[name] = add_quantity(total.get(name), amount)
        sidecars: dict[str, Quantity] = {}
        init_max: dict[str, Quantity] = {}
        for container in spec.get("initContainers") or ():
            values = parse_list((container.get("resources") or {}).get(kind))
            if container.get("restartPolicy") == "Always":
                for name, amount in values.items():
                    total[name] = add_quantity(total.get(name), amount)
                    sidecars[name] = add_quantity(sidecars.get(name), amount)
                current = dict(sidecars)
            else:
                current = dict(values)
                for name, amount in sidecars.items():
                    current[name] = add_quantity(current.get(name), amount)
            for name, amount in current.items():
                if name not in init_max or amount.value > init_max[name].value:
                    init_max[name] = amount
        for name, amount in init_max.items():
            if name not in total or amount.value > total[name].value:
                total[name] = amount
        result.append(total)
    return result[0], result[1]


def _claim_problems(limit_range: dict, claim: dict) -> list[str]:
    """PersistentVolumeClaimValidateLimitFunc: min and max on spec.resources.requests."""
    requests = parse_list(((claim.get("spec") or {}).get("resources") or {}).get("requests"))
    problems = []
    for item in _items(limit_range, "PersistentVolumeClaim"):
        minimums, maximums = parse_list(item.get("min")), parse_list(item.get("max"))
        for name in sorted(minimums):
            problem = _min("PersistentVolumeClaim", name, minimums[name], requests, {})
            if problem:
                problems.append(problem)
        for name in sorted(maximums):
            problem = _max_request("PersistentVolumeClaim", name, maximums[name], requests)
            if problem:
                problems.append(problem)
    return problems
