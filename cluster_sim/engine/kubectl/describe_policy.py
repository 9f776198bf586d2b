"""`kubectl describe` for ResourceQuota, LimitRange and Namespace, laid out as
k8s.io/kubectl/pkg/describe/describe.go does (describeQuota, describeLimitRange,
describeNamespace with DescribeResourceQuotas and DescribeLimitRanges).

One liberty: describeLimitRangeSpec ranges over a Go map, so a real kubectl prints an
item's resources in random order; here they are sorted, to stay deterministic.
"""

from fractions import Fraction

from ..quantity import Quantity
from .describe import _annotations_multiline, _labels_multiline, _time, _Writer

LIMIT_HEADER = (
    "Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n",
    "----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n",
)
SCOPE_HELP = {
    "Terminating": "Matches all pods that have an active deadline. These pods have a limited "
    "lifespan on a node before being actively terminated by the system.",
    "NotTerminating": "Matches all pods that do not have an active deadline. These pods usually "
    "include long running pods whose container command is not expected to terminate.",
    "BestEffort": "Matches all pods that do not have resource requirements set. These pods have "
    "a best effort quality of service.",
    "NotBestEffort": "Matches all pods that have at least one resource requirement set. These "
    "pods have a burstable or guaranteed quality of service.",
}


def describe_quota(quota: dict) -> str:
    """describeQuota: a used amount in another format than its hard amount is shown as an
    integer in the hard amount's format (resource.NewQuantity(used.Value(), hard.Format))."""
    meta, status = quota.get("metadata") or {}, quota.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _scopes(w, 0, quota, " * ")
    w.write(0, "Resource\tUsed\tHard\n")
    w.write(0, "--------\t----\t----\n")
    used_amounts = status.get("used") or {}
    for name in sorted(status.get("hard") or {}):
        hard = _parse(status["hard"][name])
        used = _parse(used_amounts.get(name, "0"))
        if hard.format != used.format:
            used = Quantity(Fraction(used.int_value()), hard.format)
        w.write(0, f"{name}\t{used}\t{hard}\n")
    return w.render()


def describe_limitrange(limit_range: dict) -> str:
    meta = limit_range.get("metadata") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, LIMIT_HEADER[0])
    w.write(0, LIMIT_HEADER[1])
    _limit_rows(w, limit_range, "")
    return w.render()


def describe_namespace(namespace: dict, quotas: list[dict], limit_ranges: list[dict]) -> str:
    meta, status = namespace.get("metadata") or {}, namespace.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Status:\t{status.get('phase', '')}\n")
    conditions = status.get("conditions") or []
    if conditions:
        w.write(0, "Conditions:\n")
        w.write(1, "Type\tStatus\tLastTransitionTime\tReason\tMessage\n")
        w.write(1, "----\t------\t------------------\t------\t-------\n")
        for c in conditions:
            w.write(
                1,
                f"{c.get('type', '')}\t{c.get('status', '')}\t"
                f"{_time(c.get('lastTransitionTime'))}\t{c.get('reason', '')}\t"
                f"{c.get('message', '')}\n",
            )
    w.write(0, "\n")
    _resource_quotas(w, quotas)
    w.write(0, "\n")
    _limit_ranges(w, limit_ranges)
    return w.render()


def _resource_quotas(w: _Writer, quotas: list[dict]) -> None:
    """DescribeResourceQuotas: every quota of the namespace, by name."""
    if not quotas:
        w.write(0, "No resource quota.\n")
        return
    w.write(0, "Resource Quotas\n")
    for quota in sorted(quotas, key=lambda q: q["metadata"]["name"]):
        status = quota.get("status") or {}
        w.write(1, f"Name:\t{quota['metadata']['name']}\n")
        _scopes(w, 1, quota, "* ")
        w.write(1, "Resource\tUsed\tHard\n")
        w.write(1, "--------\t---\t---\n")
        used = status.get("used") or {}
        for name in sorted(status.get("hard") or {}):
            hard = _parse(status["hard"][name])
            w.write(1, f"{name}\t{_parse(used.get(name, '0'))}\t{hard}\n")


def _limit_ranges(w: _Writer, limit_ranges: list[dict]) -> None:
    """DescribeLimitRanges: one merged table, each row prefixed with a space."""
    if not limit_ranges:
        w.write(0, "No LimitRange resource.\n")
        return
    w.write(0, "Resource Limits\n " + LIMIT_HEADER[0])
    w.write(0, " " + LIMIT_HEADER[1])
    for limit_range in limit_ranges:
        _limit_rows(w, limit_range, " ")


def _scopes(w: _Writer, level: int, quota: dict, bullet: str) -> None:
    scopes = sorted((quota.get("spec") or {}).get("scopes") or [])
    if not scopes:
        return
    w.write(level, f"Scopes:\t{', '.join(scopes)}\n")
    for scope in scopes:
        if scope in SCOPE_HELP:
            w.write(level, f"{bullet}{SCOPE_HELP[scope]}\n")


def _limit_rows(w: _Writer, limit_range: dict, prefix: str) -> None:
    """describeLimitRangeSpec: a row per item and resource, `-` where a bound is unset."""
    fields = ("min", "max", "defaultRequest", "default", "maxLimitRequestRatio")
    for item in (limit_range.get("spec") or {}).get("limits") or []:
        names = sorted({name for field in fields for name in (item.get(field) or {})})
        for name in names:
            cells = [
                str(_parse((item.get(field) or {})[name]))
                if name in (item.get(field) or {})
                else "-"
                for field in fields
            ]
            w.write(0, f"{prefix}{item.get('type', '')}\t{name}\t" + "\t".join(cells) + "\n")


def _parse(value) -> Quantity:
    try:
        return Quantity.parse(value)
    except (ValueError, TypeError):
        return Quantity.zero()
