"""Defaulting of the namespace policy kinds, LimitRange and ResourceQuota
(SetDefaults_LimitRangeItem in pkg/apis/core/v1/defaults.go).

Their quantities are stored canonical, as every resource.Quantity is (`2048Mi` -> `2Gi`).
"""

from .quantity import Quantity

LIMIT_FIELDS = ("max", "min", "default", "defaultRequest", "maxLimitRequestRatio")


def default_limit_range(obj: dict) -> None:
    """A `type: Container` item's default limit falls back to its max, its default request
    to its default limit, then to its min."""
    for item in (obj.get("spec") or {}).get("limits") or ():
        if not isinstance(item, dict):
            continue
        for field in LIMIT_FIELDS:
            if isinstance(item.get(field), dict):
                item[field] = _canonical_list(item[field])
        if item.get("type") != "Container":
            continue
        default = dict(item.get("default") or {})
        request = dict(item.get("defaultRequest") or {})
        for name, value in (item.get("max") or {}).items():
            default.setdefault(name, value)
        for name, value in default.items():
            request.setdefault(name, value)
        for name, value in (item.get("min") or {}).items():
            request.setdefault(name, value)
        if default:  # an empty ResourceList is omitted (omitempty)
            item["default"] = default
        if request:
            item["defaultRequest"] = request


def default_resource_quota(obj: dict) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict) and isinstance(spec.get("hard"), dict):
        spec["hard"] = _canonical_list(spec["hard"])


def _canonical_list(values: dict) -> dict:
    result = {}
    for name, value in values.items():
        try:
            result[name] = str(Quantity.parse(value))
        except (ValueError, TypeError):
            result[name] = value  # validation reports it
    return result
