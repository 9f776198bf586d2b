"""Small facts about pods that several components need (pkg/api/v1/pod, controller utils)."""

from .timefmt import parse_rfc3339, rfc3339

TERMINAL_PHASES = ("Succeeded", "Failed")


def condition(pod: dict, kind: str) -> dict | None:
    for item in pod.get("status", {}).get("conditions") or ():
        if item["type"] == kind:
            return item
    return None


def is_ready(pod: dict) -> bool:
    ready = condition(pod, "Ready")
    return bool(ready and ready["status"] == "True")


def is_available(pod: dict, min_ready_seconds: int, now_ms: int) -> bool:
    """Ready for at least minReadySeconds (podutil.IsPodAvailable)."""
    ready = condition(pod, "Ready")
    if not ready or ready["status"] != "True":
        return False
    if min_ready_seconds == 0:
        return True
    since = parse_rfc3339(ready["lastTransitionTime"])
    return now_ms - since >= min_ready_seconds * 1000


def is_terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_active(pod: dict) -> bool:
    """Neither finished nor being deleted (controller.IsPodActive)."""
    return pod["status"].get("phase") not in TERMINAL_PHASES and not is_terminating(pod)


def set_condition(
    pod: dict, kind: str, status: str, now_ms: int, reason=None, message=None
) -> bool:
    """Set a pod condition; lastTransitionTime moves only when status changes. True if changed."""
    conditions = pod.setdefault("status", {}).setdefault("conditions", [])
    for item in conditions:
        if item["type"] == kind:
            changed = item["status"] != status or item.get("reason") != reason
            if item["status"] != status:
                item["lastTransitionTime"] = rfc3339(now_ms)
            item["status"] = status
            _set_reason(item, reason, message)
            return changed
    item = {
        "lastProbeTime": None,
        "lastTransitionTime": rfc3339(now_ms),
        "status": status,
        "type": kind,
    }
    _set_reason(item, reason, message)
    conditions.append(item)
    return True


def _set_reason(item: dict, reason, message) -> None:
    if reason:
        item["reason"] = reason
        if message:
            item["message"] = message
        else:
            item.pop("message", None)
    else:
        item.pop("reason", None)
        item.pop("message", None)


def key(pod: dict) -> tuple[str, str]:
    return pod["metadata"]["namespace"], pod["metadata"]["name"]
