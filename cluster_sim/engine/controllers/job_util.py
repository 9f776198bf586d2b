"""Small facts about Jobs and their pods that the Job controller and kubectl share.

From pkg/controller/job: isPodFailed, getFinishedTime (backoff_utils.go), the completion
index helpers and the `0-2,4` interval strings of status.completedIndexes
(indexed_job_utils.go), and the finished conditions (util.IsJobFinished).
"""

from .. import podutil
from ..timefmt import parse_rfc3339

JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
COMPLETION_INDEX = "batch.kubernetes.io/job-completion-index"
COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX"


def condition(job: dict, kind: str) -> dict | None:
    for item in (job.get("status") or {}).get("conditions") or ():
        if item.get("type") == kind and item.get("status") == "True":
            return item
    return None


def finished_type(job: dict) -> str | None:
    """`Complete` or `Failed` once the Job has that condition (IsJobFinished), else None."""
    for item in (job.get("status") or {}).get("conditions") or ():
        if item.get("type") in ("Complete", "Failed") and item.get("status") == "True":
            return item["type"]
    return None


def is_indexed(job: dict) -> bool:
    return (job.get("spec") or {}).get("completionMode") == "Indexed"


def only_replace_failed_pods(job: dict) -> bool:
    spec = job.get("spec") or {}
    return spec.get("podReplacementPolicy") == "Failed" or bool(spec.get("podFailurePolicy"))


def is_pod_failed(pod: dict, job: dict) -> bool:
    """isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it
    succeeded: an orphan on a lost node never gets the chance to reach Failed."""
    phase = pod["status"].get("phase")
    if phase == "Failed":
        return True
    if only_replace_failed_pods(job):
        return False
    return podutil.is_terminating(pod) and phase != "Succeeded"


def has_tracking_finalizer(pod: dict) -> bool:
    return JOB_TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or ())


def completion_index(pod: dict) -> int | None:
    """getCompletionIndex: the annotation as a non-negative integer, else None."""
    value = (pod["metadata"].get("annotations") or {}).get(COMPLETION_INDEX)
    if value is None or not value.isdigit():
        return None
    return int(value)


def finished_ms(pod: dict) -> int:
    """getFinishedTime: the last container's finishedAt when all finished, else the Ready
    condition's turn to False, else deletionTimestamp minus the grace period, else creation."""
    statuses = pod["status"].get("containerStatuses") or []
    ends = [((s.get("state") or {}).get("terminated") or {}).get("finishedAt") for s in statuses]
    if statuses and all(ends):
        return max(parse_rfc3339(end) for end in ends)
    ready = podutil.condition(pod, "Ready")
    if ready is not None and ready["status"] == "False" and ready.get("lastTransitionTime"):
        return parse_rfc3339(ready["lastTransitionTime"])
    meta = pod["metadata"]
    if meta.get("deletionTimestamp"):
        grace = meta.get("deletionGracePeriodSeconds") or 0
        return parse_rfc3339(meta["deletionTimestamp"]) - grace * 1000
    return parse_rfc3339(meta["creationTimestamp"])


def parse_indexes(text: str | None, completions: int) -> set[int]:
    """parseIndexesFromString: `1,3-5` -> {1, 3, 4, 5}, indexes at or past completions dropped."""
    found: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        low, _, high = part.partition("-")
        if not low.isdigit() or (high and not high.isdigit()):
            continue
        found.update(range(int(low), min(int(high or low), completions - 1) + 1))
    return found


def format_indexes(indexes) -> str:
    """orderedIntervals.String: runs of three or more as `first-last`, pairs as `a,b`."""
    parts: list[str] = []
    ordered = sorted(indexes)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        if i == j:
            parts.append(str(ordered[i]))
        else:
            parts.append(f"{ordered[i]}{',' if j == i + 1 else '-'}{ordered[j]}")
        i = j + 1
    return ",".join(parts)
