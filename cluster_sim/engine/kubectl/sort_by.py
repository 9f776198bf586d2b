"""`kubectl get --sort-by=<jsonpath>`: objects ordered by one field, as kubectl's sorter.go
does it: the path is relaxed to `{.a.b}` (get.go's RelaxedJSONPathExpression), numbers
compare as numbers and strings in natural order ("pod-2" before "pod-10"; timestamps in
RFC 3339 sort by time), an object without the field sorts first, and a field no object has
is an error (a field present with a null value counts as found).

The JSONPath subset is what --sort-by is used with: dotted fields and list indexes
(`.status.containerStatuses[0].restartCount`, `.metadata.labels['app']`).
"""

import re

from .args import UsageError

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$")
_STEP = re.compile(r"\.([^.\[\]]+)|\[(\d+)\]|\['([^']*)'\]|\[\"([^\"]*)\"\]")
_CHUNK = re.compile(r"(\d+)|(\D+)")


def relaxed_path(expression: str) -> str:
    """kubectl's RelaxedJSONPathExpression: `.a.b`, `a.b`, `{a.b}` all become `{.a.b}`."""
    match = _RELAXED.match(expression)
    if match is None:
        raise UsageError(
            "error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
            "'{name1.name2}' or '{.name1.name2}'"
        )
    return "{." + (match.group(1) or match.group(2)) + "}"


def _steps(path: str) -> list:
    body, steps, at = path[1:-1], [], 0
    while at < len(body):
        match = _STEP.match(body, at)
        if match is None:
            raise UsageError(f"error: unrecognized identifier {body[at:]}")
        field, index = match.group(1) or match.group(3) or match.group(4), match.group(2)
        steps.append(int(index) if index is not None else field)
        at = match.end()
    return steps


_MISSING = object()


def _value(obj, steps):
    """The field's value (None for a JSON null), or _MISSING when the object lacks it."""
    for step in steps:
        if obj is None:
            return _MISSING  # the jsonpath walk stops at a null (template.Indirect)
        if isinstance(step, int):
            if not isinstance(obj, list) or step >= len(obj):
                return _MISSING
            obj = obj[step]
        elif isinstance(obj, dict) and step in obj:
            obj = obj[step]
        else:
            return _MISSING
    return obj


def _natural_key(text: str) -> tuple:
    """sortorder.NaturalLess: runs of digits compare as numbers, the rest as text."""
    return tuple(
        (0, int(digits), "") if digits else (1, 0, other) for digits, other in _CHUNK.findall(text)
    )


def _key(value) -> tuple:
    # sorter.go: an object without the field, or with a null there (a core/v1 view of an
    # events.k8s.io Event has `lastTimestamp: null`), is less than any with a value
    if value is None or value is _MISSING:
        return (0,)
    if isinstance(value, bool):
        return (1, int(value))
    if isinstance(value, int | float):
        return (2, value)
    if isinstance(value, str):
        return (3, _natural_key(value))
    return (4, str(value))


def sort_objects(objects: list[dict], expression: str) -> list[dict]:
    """The objects in --sort-by order (stable: equal keys keep the API's order)."""
    path = relaxed_path(expression)
    steps = _steps(path)
    values = [_value(obj, steps) for obj in objects]
    if objects and all(value is _MISSING for value in values):
        raise UsageError(
            f'error: couldn\'t find any field with path "{path}" in the list of objects'
        )
    order = sorted(range(len(objects)), key=lambda i: _key(values[i]))
    return [objects[i] for i in order]
