"""HorizontalPodAutoscaler metrics and behavior rules (pkg/apis/autoscaling/validation:
validateMetrics, validateMetricSpec, validateMetricTarget and the source checks,
validateBehavior, validateScalingRules, validateScalingPolicy).

The API server validates the internal object, after an autoscaling/v1
targetCPUUtilizationPercentage became a cpu Utilization metric and after defaulting
filled in empty behavior policies and selectPolicy: those are not reported as missing.
"""

from fractions import Fraction

from ..quantity import QuantityError, parse_quantity
from . import names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .pod import canonical_quantity

METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"]
TARGET_TYPES = ("Utilization", "Value", "AverageValue")
SELECT_POLICIES = ["Disabled", "Max", "Min"]
POLICY_TYPES = ["Percent", "Pods"]
MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
_SOURCE_FIELDS = ("object", "external", "pods", "resource", "containerResource")


def validate_metrics_and_behavior(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    metrics = spec.get("metrics") or []
    percent = spec.get("targetCPUUtilizationPercentage")
    if obj.get("apiVersion") == "autoscaling/v1" and percent is not None:
        target = {"type": "Utilization", "averageUtilization": percent}
        metrics = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    errs = []
    for index, metric in enumerate(metrics):
        errs += _metric_spec(metric or {}, f"spec.metrics[{index}]")
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        for direction in ("scaleUp", "scaleDown"):
            rules = behavior.get(direction)
            if isinstance(rules, dict):
                errs += _scaling_rules(rules, f"spec.behavior.{direction}")
    return errs


def _metric_spec(metric: dict, path: str) -> list[FieldError]:
    errs = []
    kind = metric.get("type") or ""
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric source type"))
    if kind not in METRIC_SOURCE_TYPES:
        errs.append(not_supported(f"{path}.type", kind, METRIC_SOURCE_TYPES))
    present = [name for name in _SOURCE_FIELDS if metric.get(name) is not None]
    if present:
        first = present[0]  # validateMetricSpec checks the first source it finds
        errs += _SOURCE_CHECKS[first](metric[first] or {}, f"{path}.{first}")
    expected = kind[:1].lower() + kind[1:]
    if kind in METRIC_SOURCE_TYPES:
        if metric.get(expected) is None:
            detail = "must populate information for the given metric source"
            errs.append(required(f"{path}.{expected}", detail))
    else:
        errs.append(not_supported(f"{path}.type", kind, METRIC_SOURCE_TYPES))
    if len(present) > 1:
        for name in present:
            if name != expected:
                errs.append(
                    forbidden(f"{path}.{name}", "must populate the given metric source only")
                )
    return errs


def _object_source(source: dict, path: str) -> list[FieldError]:
    errs = _reference(source.get("describedObject") or {}, f"{path}.describedObject")
    errs += _identifier(source.get("metric") or {}, f"{path}.metric")
    target = source.get("target") or {}
    errs += _target(target, f"{path}.target")
    if target.get("value") is None and target.get("averageValue") is None:
        detail = "must set either a target value or averageValue"
        errs.append(required(f"{path}.target.averageValue", detail))
    return errs


def _external_source(source: dict, path: str) -> list[FieldError]:
    errs = _identifier(source.get("metric") or {}, f"{path}.metric")
    target = source.get("target") or {}
    errs += _target(target, f"{path}.target")
    value, average = target.get("value"), target.get("averageValue")
    if value is None and average is None:
        detail = "must set either a target value for metric or a per-pod target"
        errs.append(required(f"{path}.target.averageValue", detail))
    if value is not None and average is not None:
        detail = "may not set both a target value for metric and a per-pod target"
        errs.append(forbidden(f"{path}.target.value", detail))
    return errs


def _pods_source(source: dict, path: str) -> list[FieldError]:
    errs = _identifier(source.get("metric") or {}, f"{path}.metric")
    target = source.get("target") or {}
    errs += _target(target, f"{path}.target")
    if target.get("averageValue") is None:
        detail = "must specify a positive target averageValue"
        errs.append(required(f"{path}.target.averageValue", detail))
    return errs


def _resource_source(source: dict, path: str) -> list[FieldError]:
    errs = []
    if not source.get("name"):
        errs.append(required(f"{path}.name", "must specify a resource name"))
    return errs + _utilization_or_value(source.get("target") or {}, f"{path}.target")


def _container_resource_source(source: dict, path: str) -> list[FieldError]:
    errs = []
    if not source.get("name"):
        errs.append(required(f"{path}.name", "must specify a resource name"))
    container = source.get("container") or ""
    if not container:
        errs.append(required(f"{path}.container", "must specify a container"))
    else:
        errs += [invalid(f"{path}.container", container, m) for m in names.dns1123_label(container)]
    return errs + _utilization_or_value(source.get("target") or {}, f"{path}.target")


def _utilization_or_value(target: dict, path: str) -> list[FieldError]:
    errs = _target(target, path)
    utilization, average = target.get("averageUtilization"), target.get("averageValue")
    if utilization is None and average is None:
        detail = "must set either a target raw value or a target utilization"
        errs.append(required(f"{path}.averageUtilization", detail))
    if utilization is not None and average is not None:
        detail = "may not set both a target raw value and a target utilization"
        errs.append(forbidden(f"{path}.averageValue", detail))
    return errs


def _target(target: dict, path: str) -> list[FieldError]:
    """validateMetricTarget."""
    errs = []
    kind = target.get("type") or ""
    if not kind:
        errs.append(required(f"{path}.type", "must specify a metric target type"))
    if kind not in TARGET_TYPES:
        detail = "must be either Utilization, Value, or AverageValue"
        errs.append(invalid(f"{path}.type", kind, detail))
    for field in ("value", "averageValue"):
        amount = _quantity(target.get(field))
        if amount is not None and amount <= 0:
            shown = canonical_quantity(target[field])
            errs.append(invalid(f"{path}.{field}", shown, "must be positive"))
    utilization = target.get("averageUtilization")
    if isinstance(utilization, int) and utilization < 1:
        errs.append(invalid(f"{path}.averageUtilization", utilization, "must be greater than 0"))
    return errs


def _identifier(metric: dict, path: str) -> list[FieldError]:
    name = metric.get("name") or ""
    if not name:
        return [required(f"{path}.name", "must specify a metric name")]
    return [invalid(f"{path}.name", name, m) for m in names.path_segment_name(name)]


def _reference(ref: dict, path: str) -> list[FieldError]:
    """ValidateCrossVersionObjectReference."""
    errs = []
    for field in ("kind", "name"):
        value = ref.get(field) or ""
        if not value:
            errs.append(required(f"{path}.{field}", ""))
        else:
            errs += [invalid(f"{path}.{field}", value, m) for m in names.path_segment_name(value)]
    return errs


def _quantity(value) -> Fraction | None:
    if value is None:
        return None
    try:
        return parse_quantity(value)
    except (QuantityError, ValueError):
        return None  # the schema check reports a malformed quantity


def _scaling_rules(rules: dict, path: str) -> list[FieldError]:
    errs = []
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int) and window < 0:
        detail = "must be greater than or equal to zero"
        errs.append(invalid(f"{path}.stabilizationWindowSeconds", window, detail))
    if isinstance(window, int) and window > MAX_STABILIZATION_WINDOW_SECONDS:
        detail = f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}"
        errs.append(invalid(f"{path}.stabilizationWindowSeconds", window, detail))
    select = rules.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        errs.append(not_supported(f"{path}.selectPolicy", select, SELECT_POLICIES))
    for index, policy in enumerate(rules.get("policies") or ()):
        errs += _scaling_policy(policy or {}, f"{path}.policies[{index}]")
    return errs


def _scaling_policy(policy: dict, path: str) -> list[FieldError]:
    errs = []
    kind = policy.get("type") or ""
    if kind not in POLICY_TYPES:
        errs.append(not_supported(f"{path}.type", kind, POLICY_TYPES))
    value, period = policy.get("value") or 0, policy.get("periodSeconds") or 0
    if isinstance(value, int) and value <= 0:
        errs.append(invalid(f"{path}.value", value, "must be greater than zero"))
    if isinstance(period, int) and period <= 0:
        errs.append(invalid(f"{path}.periodSeconds", period, "must be greater than zero"))
    if isinstance(period, int) and period > MAX_PERIOD_SECONDS:
        detail = f"must be less than or equal to {MAX_PERIOD_SECONDS}"
        errs.append(invalid(f"{path}.periodSeconds", period, detail))
    return errs


_SOURCE_CHECKS = {
    "object": _object_source,
    "external": _external_source,
    "pods": _pods_source,
    "resource": _resource_source,
    "containerResource": _container_resource_source,
}
