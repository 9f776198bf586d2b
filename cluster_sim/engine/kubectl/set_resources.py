"""`kubectl set resources`: requests and limits for the containers of a pod template
(kubectl's cmd/set/set_resources.go, HandleResourceRequirementsV1 for the flags)."""

import copy
import fnmatch

from ..quantity import is_valid_quantity
from .args import Invocation, UsageError
from .kerrors import aggregate, check_err, plain
from .resources import object_ref, resolve, select

QUANTITY_PATTERN = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"


def set_resources(cluster, inv: Invocation, read_file=None) -> str:
    from .apply import record_change_cause
    from .commands import _builder_objects, _dry_run_suffix, _pod_spec, dry_run_strategy

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
    lines = []
    for obj in objects:
        updated = copy.deepcopy(obj)
        spec = _pod_spec(updated)
        if spec is None:
            resource = resolve(obj["kind"].lower()).plural
            problems.append(
                plain(
                    f"error: {resource}/{obj['metadata']['name']} the object is not a pod or "
                    f"does not have a pod template: *v1.{obj['kind']}\n"
                )
            )
            continue
        chosen = [
            c
            for c in spec.get("containers") or ()
            if fnmatch.fnmatchcase(c.get("name", ""), selector)
        ]
        if not chosen:
            problems.append(plain(f"error: unable to find container named {selector}"))
            continue
        for container in chosen:
            resources = container.setdefault("resources", {})
            if limits:
                resources.setdefault("limits", {}).update(limits)
            if requests:
                resources.setdefault("requests", {}).update(requests)
        record_change_cause(updated, inv)
        if updated == obj:
            continue  # an empty patch: nothing is sent or printed
        if not strategy:
            cluster.api.update(updated)
        lines.append(f"{object_ref(obj)} resource requirements updated{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(line for line in [*lines, check_err(aggregate(problems))] if line)


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
