"""Copying API objects: JSON-shaped data (dicts, lists, scalars) only, several times faster than deepcopy."""


def clone(value):
    if isinstance(value, dict):
        return {key: clone(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clone(item) for item in value]
    return value
