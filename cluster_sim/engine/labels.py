"""Label selectors: what API-shaped selectors (matchLabels/matchExpressions) and parsed
kubectl `-l` selectors (selector_syntax.py) match."""

from .selector_syntax import SelectorError, parse_int64
from .selector_syntax import parse_selector as parse_selector  # kubectl's `-l`, re-exported


def matches_selector(labels: dict | None, selector: dict | None) -> bool:
    """metav1.LabelSelector semantics; an empty selector matches everything."""
    labels = labels or {}
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    return all(_expression_matches(labels, expr) for expr in selector.get("matchExpressions") or [])


def matches_map(labels: dict | None, selector_map: dict | None) -> bool:
    """A Service's plain map selector. Upstream: an empty map selects nothing."""
    if not selector_map:
        return False
    labels = labels or {}
    return all(labels.get(k) == v for k, v in selector_map.items())


def _expression_matches(labels: dict, expr: dict) -> bool:
    """labels.Requirement.Matches."""
    key, operator, values = expr["key"], expr["operator"], expr.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    if operator in ("Gt", "Lt"):
        # Both sides strconv.ParseInt(_, 10, 64); absent or non-integer never matches.
        if key not in labels or len(values) != 1:
            return False
        have, want = parse_int64(labels[key]), parse_int64(values[0])
        if have is None or want is None:
            return False
        return have > want if operator == "Gt" else have < want
    raise SelectorError(f"{operator!r} is not a valid label selector operator")


def matches_expressions(labels: dict | None, expressions: list[dict]) -> bool:
    labels = labels or {}
    return all(_expression_matches(labels, expr) for expr in expressions)


def selector_to_string(selector: dict | None) -> str:
    """`app=web,tier in (front)`: how kubectl prints a LabelSelector."""
    if not selector:
        return "<none>"
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        op, key = expr["operator"], expr["key"]
        if op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
        elif op in ("Gt", "Lt"):
            parts.append(f"{key}{'>' if op == 'Gt' else '<'}{(expr.get('values') or [''])[0]}")
        else:
            parts.append(f"{key} {op.lower()} ({','.join(expr.get('values') or [])})")
    return ",".join(parts)
