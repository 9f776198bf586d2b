"""`kubectl set resources`: requests and limits for the containers of a pod template
(kubectl's cmd/set/set_resources.go, HandleResourceRequirementsV1 for the flags)."""

import fnmatch

from ..quantity import is_valid_quantity
from .args import Invocation, UsageError
from .kerrors import aggregate, check_err, plain
from .resources import select

QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"


def set_resources(cluster, inv: Invocation, read_file=None) -> str:
    from .commands import _builder_objects, dry_run_strategy, update_pod_templates

    strategy = dry_run_strategy(inv)
    limits_text, requests_text = inv.flag("limits") or "", inv.flag("requests") or ""
    if inv.flag("all") and inv.flag("selector"):
        raise UsageError("error: cannot set --all and --selector at the same time")
    if not limits_text and not requests_text:
        raise UsageError(
            "error: you must specify an update to requests or limits (in the form of "
            "--requests/--limits)"
        )
    limits, requests = _resource_list(limits_text), _resource_list(requests_text)
    selector = inv.flag("containers") or "*"
    targets = select(
        inv.args, selector=inv.flag("selector"), allow_empty_selector=bool(inv.flag("all"))
    )
    objects, problems = _builder_objects(cluster, inv, targets)
    if problems:
        return check_err(problems[0] if len(problems) == 1 else aggregate(problems))

    def set_requirements(spec: dict) -> list:
        chosen = [
            c
            for c in spec.get("containers") or ()
            if fnmatch.fnmatchcase(c.get("name", ""), selector)
        ]
        if not chosen:
            return [plain(f"error: unable to find container named {selector}")]
        for container in chosen:
            resources = container.setdefault("resources", {})
            if limits:
                resources.setdefault("limits", {}).update(limits)
            if requests:
                resources.setdefault("requests", {}).update(requests)
        return []

    return update_pod_templates(
        cluster, inv, objects, strategy, set_requirements, "resource requirements updated"
    )


def _resource_list(text: str) -> dict[str, str]:
    """populateResourceListV1: `cpu=100m,memory=256Mi`."""
    if not text:
        return {}
    result = {}
    for statement in text.split(","):
        parts = statement.split("=")
        if len(parts) != 2:
            raise UsageError(
                f"error: Invalid argument syntax {statement}, expected <resource>=<value>"
            )
        if not is_valid_quantity(parts[1]):
            raise UsageError(
                f"error: quantities must match the regular expression '{QUANTITY_PATTERN}'"
            )
        result[parts[0]] = parts[1]
    return result
