"""ResourceQuota and LimitRange rules, from pkg/apis/core/validation/validation.go:
ValidateResourceQuota (ValidateResourceQuotaSpec, ValidateResourceQuotaResourceName,
ValidateResourceQuantityValue, validateResourceQuotaScopes, validateScopeSelector and
validateScopedResourceSelectorRequirement), ValidateResourceQuotaUpdate's immutable scopes,
and ValidateLimitRange (validateLimitRangeTypeName, validateLimitRangeResourceName). The
resource-name sets are pkg/apis/core/helper/helpers.go's.

Upstream ranges over Go maps (`hard`, each limit item's resources), so a real server lists
several errors in a random order; here they come sorted by resource name. The server
validates a LimitRange after SetDefaults_LimitRangeItem, so a Container item's default and
defaultRequest filled in from max, default and min are checked as if written.
"""

import copy
import json
import math
from dataclasses import dataclass

from ..policy_defaults import LIMIT_FIELDS, default_limit_range
from ..quantity import Quantity, QuantityError
from . import names
from .errors import INVALID, FieldError, duplicate, forbidden, invalid, required

IMMUTABLE = "field is immutable"
_REQUESTS_PREFIX = "requests."  # core.DefaultResourceRequestsPrefix
_NATIVE_PREFIX = "kubernetes.io/"  # core.ResourceDefaultNamespacePrefix

# helpers.go standardQuotaResources, standardResources, integerResources.
_COUNTS = {
    "pods",
    "resourcequotas",
    "services",
    "replicationcontrollers",
    "secrets",
    "configmaps",
    "persistentvolumeclaims",
    "services.nodeports",
    "services.loadbalancers",
}
COMPUTE_QUOTA_RESOURCES = {
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
}
STANDARD_QUOTA_RESOURCES = COMPUTE_QUOTA_RESOURCES | _COUNTS | {"requests.storage"}
STANDARD_RESOURCES = STANDARD_QUOTA_RESOURCES | {"storage"}
INTEGER_RESOURCES = _COUNTS
CONTAINER_RESOURCES = {"cpu", "memory", "ephemeral-storage"}
LIMIT_TYPES = {"Pod", "Container", "PersistentVolumeClaim"}

# Which hard resources each scope may limit (IsResourceQuotaScopeValidForResource).
# cpu and memory quotas: also pods.go's validation set (every container must specify them)
POD_COMPUTE = {"cpu", "memory", "limits.cpu", "limits.memory", "requests.cpu", "requests.memory"}
_POD_SCOPE_RESOURCES = {"pods"} | POD_COMPUTE
SCOPE_RESOURCES = {
    "Terminating": _POD_SCOPE_RESOURCES,
    "NotTerminating": _POD_SCOPE_RESOURCES,
    "NotBestEffort": _POD_SCOPE_RESOURCES,
    "PriorityClass": _POD_SCOPE_RESOURCES,
    "CrossNamespacePodAffinity": _POD_SCOPE_RESOURCES,
    "BestEffort": {"pods"},
    "VolumeAttributesClass": {"persistentvolumeclaims", "requests.storage"},
}
_CONFLICTING_SCOPES = (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating"))
_EXISTS_ONLY_SCOPES = (
    "BestEffort",
    "NotBestEffort",
    "Terminating",
    "NotTerminating",
    "CrossNamespacePodAffinity",
)
_EXISTS_ONLY = (
    "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, "
    "ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, "
    "ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity"
)


@dataclass(frozen=True)
class _StructValueError(FieldError):
    """A field.Invalid whose value is an internal Go struct: encoding/json writes its untagged
    fields by Go name, in declaration order, which `value` holds already rendered."""

    def body(self) -> str:
        return f"{self.type}: {self.value}: {self.detail}"


# --- resource names -----------------------------------------------------------------------


def _is_native(name: str) -> bool:
    return "/" not in name or _NATIVE_PREFIX in name


def _is_extended(name: str) -> bool:
    if _is_native(name) or name.startswith(_REQUESTS_PREFIX):
        return False
    return not names.qualified_name(_REQUESTS_PREFIX + name)


def _is_standard_quota(name: str) -> bool:
    hugepages = name.startswith("hugepages-") or name.startswith("requests.hugepages-")
    return name in STANDARD_QUOTA_RESOURCES or hugepages


def _resource_name(name: str, path: str) -> list[FieldError]:
    """validateResourceName: a qualified name, and a standard one unless prefixed."""
    errs = [invalid(path, name, msg) for msg in names.qualified_name(name)]
    if errs:
        return errs
    standard = name in STANDARD_RESOURCES or _is_standard_quota(name)
    if "/" not in name and not standard:
        return [invalid(path, name, "must be a standard resource type or fully qualified")]
    return []


def quota_resource_name(name: str, path: str) -> list[FieldError]:
    """ValidateResourceQuotaResourceName."""
    errs = _resource_name(name, path)
    if "/" not in name and not _is_standard_quota(name):
        errs.append(invalid(path, name, "must be a standard resource for quota"))
    return errs


def _container_resource_name(name: str, path: str) -> list[FieldError]:
    """validateContainerResourceName."""
    errs = _resource_name(name, path)
    if "/" not in name:
        if name not in CONTAINER_RESOURCES and not name.startswith("hugepages-"):
            errs.append(invalid(path, name, "must be a standard resource for containers"))
    elif not _is_native(name) and not _is_extended(name):
        errs.append(invalid(path, name, "doesn't follow extended resource name standard"))
    return errs


def resource_quantity_value(name: str, amount: Quantity, path: str) -> list[FieldError]:
    """ValidateResourceQuantityValue: not negative; whole for counted and extended resources."""
    errs = []
    if amount.value < 0:
        errs.append(invalid(path, str(amount), names.NEGATIVE_ERROR))
    if (name in INTEGER_RESOURCES or _is_extended(name)) and amount.milli_value() % 1000:
        errs.append(invalid(path, str(amount), "must be an integer"))
    return errs


def _quantity(value) -> Quantity | None:
    try:
        return Quantity.parse(value)
    except (QuantityError, ValueError, TypeError):
        return None  # the schema check reports a malformed quantity


def _mapping(value) -> dict:
    return value if isinstance(value, dict) else {}


# --- ResourceQuota ------------------------------------------------------------------------


def validate_resource_quota(obj) -> list[FieldError]:
    """ValidateResourceQuota's spec part (the status is reset on create)."""
    spec = _mapping(obj.get("spec"))
    hard = _mapping(spec.get("hard"))
    errs = []
    for name in sorted(hard):
        path = f"spec.hard[{name}]"
        errs += quota_resource_name(name, path)
        amount = _quantity(hard[name])
        if amount is not None:
            errs += resource_quantity_value(name, amount, path)
    errs += _scopes(spec, sorted(hard))
    if spec.get("scopeSelector") is not None:
        errs += _scope_selector(spec, sorted(hard))
    return errs


def _scope_fits(scope: str, resource: str) -> bool:
    return not _is_standard_quota(resource) or resource in SCOPE_RESOURCES.get(scope, (resource,))


def _conflicts(scopes) -> list[tuple[str, str]]:
    return [pair for pair in _CONFLICTING_SCOPES if set(pair) <= set(scopes)]


def _scopes(spec: dict, hard: list[str]) -> list[FieldError]:
    """validateResourceQuotaScopes: each error shows the whole `scopes` list."""
    scopes = spec.get("scopes") or []
    path = "spec.scopes"
    errs = []
    for scope in scopes:
        if scope not in SCOPE_RESOURCES:
            errs.append(invalid(path, scopes, "unsupported scope"))
        for resource in hard:
            if not _scope_fits(scope, resource):
                errs.append(invalid(path, scopes, "unsupported scope applied to resource"))
    errs += [invalid(path, scopes, "conflicting scopes") for _ in _conflicts(scopes)]
    return errs


def _scope_selector(spec: dict, hard: list[str]) -> list[FieldError]:
    """validateScopedResourceSelectorRequirement. Its paths carry no index; the whole
    selector it shows is the internal ScopeSelector, marshalled with Go field names."""
    selector = _mapping(spec["scopeSelector"])
    expressions = [_mapping(e) for e in selector.get("matchExpressions") or ()]
    path = "spec.scopeSelector.matchExpressions"
    errs = []
    for requirement in expressions:
        scope = requirement.get("scopeName") or ""
        operator = requirement.get("operator") or ""
        values = requirement.get("values") or []
        if scope not in SCOPE_RESOURCES:
            errs.append(invalid(f"{path}.scopeName", scope, "unsupported scope"))
        for resource in hard:
            if not _scope_fits(scope, resource):
                shown = _internal_selector_json(selector)
                detail = "unsupported scope applied to resource"
                errs.append(_StructValueError(INVALID, path, shown, detail))
        if scope in _EXISTS_ONLY_SCOPES and operator != "Exists":
            errs.append(invalid(f"{path}.operator", operator, _EXISTS_ONLY))
        if operator in ("In", "NotIn"):
            if not values:
                detail = "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"
                errs.append(required(f"{path}.values", detail))
        elif operator in ("Exists", "DoesNotExist"):
            if values:
                detail = "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"
                errs.append(invalid(f"{path}.values", values, detail))
        else:
            errs.append(invalid(f"{path}.operator", operator, "not a valid selector operator"))
    used = [requirement.get("scopeName") or "" for requirement in expressions]
    scopes = spec.get("scopes")
    errs += [invalid(path, scopes, "conflicting scopes") for _ in _conflicts(used)]
    return errs


def _internal_selector_json(selector: dict) -> str:
    """json.Marshal of core.ScopeSelector (no json tags): `{"MatchExpressions":[...]}`."""
    expressions = selector.get("matchExpressions")
    value = {
        "MatchExpressions": None
        if expressions is None
        else [
            {
                "ScopeName": e.get("scopeName") or "",
                "Operator": e.get("operator") or "",
                "Values": e.get("values"),
            }
            for e in map(_mapping, expressions)
        ]
    }
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def quota_update_errors(spec: dict, old_spec: dict) -> list[FieldError]:
    """ValidateResourceQuotaUpdate: the set of scopes may not change."""
    scopes = spec.get("scopes")
    if set(scopes or ()) != set(old_spec.get("scopes") or ()):
        return [invalid("spec.scopes", scopes, IMMUTABLE)]
    return []


# --- LimitRange ---------------------------------------------------------------------------


def validate_limit_range(obj) -> list[FieldError]:
    """ValidateLimitRange's spec part, on the defaulted object."""
    defaulted = copy.deepcopy(obj)
    default_limit_range(defaulted)
    items = _mapping(defaulted.get("spec")).get("limits") or []
    errs = []
    seen = set()
    for index, item in enumerate(items):
        item = _mapping(item)
        path = f"spec.limits[{index}]"
        kind = item.get("type") or ""
        errs += _limit_type(kind, f"{path}.type")
        if kind in seen:
            errs.append(duplicate(f"{path}.type", kind))
        seen.add(kind)
        errs += _limit_item(kind, item, path)
    return errs


def _limit_type(kind: str, path: str) -> list[FieldError]:
    """validateLimitRangeTypeName."""
    errs = [invalid(path, kind, msg) for msg in names.qualified_name(kind)]
    if not errs and "/" not in kind and kind not in LIMIT_TYPES:
        errs.append(invalid(path, kind, "must be a standard limit type or fully qualified"))
    return errs


def _limit_item(kind: str, item: dict, path: str) -> list[FieldError]:
    lists = {field: _mapping(item.get(field)) for field in LIMIT_FIELDS}
    name_rule = _container_resource_name if kind in ("Pod", "Container") else _resource_name
    errs = []
    checked = ["max", "min"]
    if kind == "Pod":
        checked_defaults = []
        for field in ("default", "defaultRequest"):
            if lists[field]:
                errs.append(
                    forbidden(f"{path}.{field}", "may not be specified when `type` is 'Pod'")
                )
    else:
        checked_defaults = ["default", "defaultRequest"]
    for field in checked + checked_defaults:
        for name in sorted(lists[field]):
            errs += name_rule(name, f"{path}.{field}[{name}]")
    no_storage = "storage" not in lists["min"] and "storage" not in lists["max"]
    if kind == "PersistentVolumeClaim" and no_storage:
        detail = "either minimum or maximum storage value is required, but neither was provided"
        errs.append(required(f"{path}.limits", detail))
    for name in sorted(lists["maxLimitRequestRatio"]):
        errs += name_rule(name, f"{path}.maxLimitRequestRatio[{name}]")
    fields = checked + checked_defaults + ["maxLimitRequestRatio"]
    amounts = {field: _amounts(lists[field]) for field in fields}
    keys = sorted({name for field in fields for name in lists[field]})
    for name in keys:
        errs += _bounds(name, {field: amounts[field].get(name) for field in fields}, path)
    return errs


def _amounts(values: dict) -> dict[str, Quantity]:
    parsed = {name: _quantity(value) for name, value in values.items()}
    return {name: amount for name, amount in parsed.items() if amount is not None}


def _bounds(name: str, q: dict, path: str) -> list[FieldError]:
    """ValidateLimitRange's per-resource comparisons, in upstream's order."""
    low, high = q.get("min"), q.get("max")
    default, request, ratio = (
        q.get("default"),
        q.get("defaultRequest"),
        q.get("maxLimitRequestRatio"),
    )
    errs = []
    if low and high and low.value > high.value:
        detail = f"min value {low} is greater than max value {high}"
        errs.append(invalid(f"{path}.min[{name}]", str(low), detail))
    if request and low and low.value > request.value:
        detail = f"min value {low} is greater than default request value {request}"
        errs.append(invalid(f"{path}.defaultRequest[{name}]", str(request), detail))
    if request and high and request.value > high.value:
        detail = f"default request value {request} is greater than max value {high}"
        errs.append(invalid(f"{path}.defaultRequest[{name}]", str(request), detail))
    if request and default and request.value > default.value:
        detail = f"default request value {request} is greater than default limit value {default}"
        errs.append(invalid(f"{path}.defaultRequest[{name}]", str(request), detail))
    if default and low and low.value > default.value:  # upstream shows min as the value
        detail = f"min value {low} is greater than default value {default}"
        errs.append(invalid(f"{path}.default[{name}]", str(low), detail))
    if default and high and default.value > high.value:  # upstream shows max as the value
        detail = f"default value {default} is greater than max value {high}"
        errs.append(invalid(f"{path}.default[{name}]", str(high), detail))
    if ratio and ratio.value < 1:
        errs.append(
            invalid(
                f"{path}.maxLimitRequestRatio[{name}]", str(ratio), f"ratio {ratio} is less than 1"
            )
        )
    if ratio and low and high:
        errs += _ratio_above_max_over_min(name, ratio, low, high, path)
    overcommit = _is_native(name) and not name.startswith("hugepages-")
    if not overcommit and default and request and default.value != request.value:
        detail = f"default value {default} must equal to defaultRequest value {request} in {name}"
        errs.append(invalid(f"{path}.defaultRequest[{name}]", str(request), detail))
    return errs


_MAX_MILLI_VALUE = (2**63 - 1) // 1000  # resource.MaxMilliValue


def _ratio_above_max_over_min(name, ratio, low, high, path) -> list[FieldError]:
    """maxLimitRequestRatio may not exceed max/min, compared in milli-units when they fit."""
    ratio_value, low_value, high_value = float(ratio.int_value()), low.int_value(), high.int_value()
    if max(ratio.int_value(), low_value, high_value) < _MAX_MILLI_VALUE:
        ratio_value = ratio.milli_value() / 1000
        low_value, high_value = low.milli_value(), high.milli_value()
    if low_value:
        limit = high_value / low_value
    else:  # float64 division by zero in Go
        limit = math.copysign(math.inf, high_value) if high_value else math.nan
    if not ratio_value > limit:
        return []
    shown = f"{limit:f}" if math.isfinite(limit) else ("-Inf" if limit < 0 else "+Inf")
    detail = f"ratio {ratio} is greater than max/min = {shown}"
    return [invalid(f"{path}.maxLimitRequestRatio[{name}]", str(ratio), detail)]
