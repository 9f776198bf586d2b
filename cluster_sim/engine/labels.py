"""Label selectors: API-shaped (matchLabels/matchExpressions) and kubectl's `-l` syntax."""

import re


class SelectorError(ValueError):
    pass


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
    key, operator, values = expr["key"], expr["operator"], expr.get("values") or []
    if operator == "In":
        return key in labels and labels[key] in values
    if operator == "NotIn":
        return key not in labels or labels[key] not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    raise SelectorError(f"{operator!r} is not a valid label selector operator")


_TERM = re.compile(
    r"^\s*(?:(?P<not>!)\s*(?P<nkey>[^\s!=,()]+)"
    r"|(?P<key>[^\s!=,()]+)\s*(?:(?P<op>==|=|!=)\s*(?P<value>[^\s,()]*)"
    r"|\s+(?P<setop>in|notin)\s*\((?P<values>[^)]*)\))?)\s*$"
)


def parse_selector(text: str) -> list[dict]:
    """kubectl `-l` syntax into matchExpressions-like dicts (labels.Parse)."""
    expressions = []
    for term in _split_terms(text):
        match = _TERM.match(term)
        if not match:
            raise SelectorError(f"unable to parse requirement: {term.strip()!r}")
        if match["not"]:
            expressions.append({"key": match["nkey"], "operator": "DoesNotExist"})
        elif match["op"]:
            operator = "NotIn" if match["op"] == "!=" else "In"
            expressions.append(
                {"key": match["key"], "operator": operator, "values": [match["value"]]}
            )
        elif match["setop"]:
            values = [v.strip() for v in match["values"].split(",") if v.strip()]
            operator = "In" if match["setop"] == "in" else "NotIn"
            expressions.append({"key": match["key"], "operator": operator, "values": values})
        else:
            expressions.append({"key": match["key"], "operator": "Exists"})
    return expressions


def _split_terms(text: str) -> list[str]:
    terms, depth, current = [], 0, ""
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append(current)
            current = ""
        else:
            current += char
    if current.strip():
        terms.append(current)
    return terms


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
        else:
            parts.append(f"{key} {op.lower()} ({','.join(expr.get('values') or [])})")
    return ",".join(parts)
