"""`kubectl get` rows of the namespace policy kinds (pkg/printers/internalversion/printers.go):
printResourceQuota (NAME, AGE, REQUEST, LIMIT) and printLimitRange (NAME, CREATED AT)."""

from ..quantity import Quantity
from ..timefmt import human_duration, parse_rfc3339


def quota_cells(quota: dict, now_ms: int) -> list[str]:
    """REQUEST lists every hard resource as `name: used/hard`, LIMIT those named
    `limits.*`; names sorted, a missing status amount printed as a zero Quantity."""
    status = quota.get("status") or {}
    used, hard = status.get("used") or {}, status.get("hard") or {}
    request, limit = [], []
    for name in sorted((quota.get("spec") or {}).get("hard") or {}):
        column = limit if name.split(".")[0] == "limits" and "." in name else request
        column.append(f"{name}: {_quantity(used.get(name))}/{_quantity(hard.get(name))}")
    return [_name(quota), _age(quota, now_ms), ", ".join(request), ", ".join(limit)]


def limitrange_cells(limit_range: dict, now_ms: int) -> list[str]:
    """CREATED AT: the creationTimestamp in RFC 3339, UTC."""
    return [_name(limit_range), (limit_range.get("metadata") or {}).get("creationTimestamp", "")]


def _quantity(value) -> str:
    if value is None:
        return "0"
    try:
        return str(Quantity.parse(value))
    except (ValueError, TypeError):
        return str(value)


def _name(obj: dict) -> str:
    return (obj.get("metadata") or {}).get("name", "")


def _age(obj: dict, now_ms: int) -> str:
    created = (obj.get("metadata") or {}).get("creationTimestamp")
    return "<unknown>" if not created else human_duration(now_ms - parse_rfc3339(created))
