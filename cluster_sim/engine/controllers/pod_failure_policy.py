"""A Job's podFailurePolicy (pkg/controller/job/pod_failure_policy.go matchPodFailurePolicy).

Rules are tried in order against a failed pod; the first that matches decides:
FailJob fails the whole Job at once (reason PodFailurePolicy), Ignore does not count the
failure against backoffLimit, Count counts it as usual. A rule matches on a container's
non-zero exit code (onExitCodes, In or NotIn its values, optionally one container) or on
a pod condition (onPodConditions, e.g. DisruptionTarget for a pod evicted or lost with its
node). No rule matching: the failure counts.
"""


def match(policy: dict, pod: dict) -> tuple[str | None, bool, str | None]:
    """(FailJob's message, whether the failure counts, the action that matched)."""
    namespace, name = pod["metadata"].get("namespace", "default"), pod["metadata"]["name"]
    for index, rule in enumerate(policy.get("rules") or ()):
        action = rule.get("action", "")
        if rule.get("onExitCodes") is not None:
            found = _exit_code_match(rule["onExitCodes"], pod)
            if found is None:
                continue
            container, code = found
            message = (
                f"Container {container} for pod {namespace}/{name} failed with exit code "
                f"{code} matching {action} rule at index {index}"
            )
        elif rule.get("onPodConditions"):
            kind = _condition_match(rule["onPodConditions"], pod)
            if kind is None:
                continue
            message = f"Pod {namespace}/{name} has condition {kind} matching {action} rule at index {index}"
        else:
            continue
        if action == "Ignore":
            return None, False, action
        if action == "FailJob":
            return message, True, action
        return None, True, action  # Count (FailIndex needs backoffLimitPerIndex: counted)
    return None, True, None


def _exit_code_match(requirement: dict, pod: dict) -> tuple[str, int] | None:
    """matchOnExitCodes: the first terminated container (app, then init) with a non-zero
    exit code the requirement selects."""
    values = set(requirement.get("values") or ())
    operator = requirement.get("operator")
    wanted = requirement.get("containerName")
    statuses = (pod["status"].get("containerStatuses") or []) + (
        pod["status"].get("initContainerStatuses") or []
    )
    for status in statuses:
        terminated = (status.get("state") or {}).get("terminated")
        if not terminated or terminated.get("exitCode", 0) == 0:
            continue
        if wanted is not None and status.get("name") != wanted:
            continue
        code = terminated["exitCode"]
        if (operator == "In" and code in values) or (operator == "NotIn" and code not in values):
            return status.get("name", ""), code
    return None


def _condition_match(patterns: list[dict], pod: dict) -> str | None:
    for condition in pod["status"].get("conditions") or ():
        for pattern in patterns:
            if condition.get("type") == pattern.get("type") and condition.get(
                "status"
            ) == pattern.get("status", "True"):
                return condition["type"]
    return None
