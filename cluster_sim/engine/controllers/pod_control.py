"""Creating pods from a controller, and surviving refusals (pkg/controller/controller_utils.go).

A create can be refused (ResourceQuota, LimitRanger, a namespace being deleted); the
controller must carry on. What upstream's controllers share, for the ReplicaSet, Job and
DaemonSet controllers alike:

- `create_pod`: RealPodControl.createPods: the POST, then `SuccessfulCreate` "Created pod:
  <name>" or a Warning `FailedCreate` "Error creating: <the API error>" on the owner (none
  when the namespace is terminating);
- `slow_start_batch`: creates in batches of 1, 2, 4, ... and stops after the first batch
  with a failure, so a quota that allows 2 more pods costs 3 requests, not 500;
- `replica_failure`: the ReplicaFailure condition calculateStatus sets (FailedCreate or
  FailedDelete, the error as message) and removes once a sync succeeds;
- `FailureBackoff`: the workqueue's per-item rate limiter (DefaultControllerRateLimiter's
  ItemExponentialFailureRateLimiter: 5 ms doubling to 1000 s); a failed sync is retried
  after it, a successful one forgets the failures.
"""

from collections.abc import Callable

from ..errors import ApiError
from ..events import NORMAL, WARNING
from ..timefmt import rfc3339
from ..timeline import Timeline

SLOW_START_INITIAL_BATCH_SIZE = 1
BASE_DELAY_MS = 5
MAX_DELAY_MS = 1000 * 1000
NAMESPACE_TERMINATING = "because it is being terminated"  # v1.NamespaceTerminatingCause


def create_pod(ctx, pod: dict, owner: dict, component: str) -> dict:
    """POST the pod; record the outcome on its owner. Raises the ApiError on refusal."""
    try:
        created = ctx.api.create(pod)
    except ApiError as error:
        if NAMESPACE_TERMINATING not in error.message:
            ctx.events.record(
                owner,
                WARNING,
                "FailedCreate",
                f"Error creating: {error.message}",
                component=component,
            )
        raise
    ctx.events.record(
        owner,
        NORMAL,
        "SuccessfulCreate",
        f"Created pod: {created['metadata']['name']}",
        component=component,
    )
    return created


def slow_start_batch(count: int, create: Callable[[], None]) -> tuple[int, ApiError | None]:
    """slowStartBatch: (how many creates succeeded, the first error). Every create of a
    batch is attempted (upstream runs them in parallel); no batch follows a failure."""
    successes, remaining, batch = 0, count, min(count, SLOW_START_INITIAL_BATCH_SIZE)
    while batch > 0:
        first_error = None
        for _ in range(batch):
            try:
                create()
                successes += 1
            except ApiError as error:
                first_error = first_error or error
        if first_error is not None:
            return successes, first_error
        remaining -= batch
        batch = min(2 * batch, remaining)
    return successes, None


def replica_failure(
    conditions: list[dict] | None, error: ApiError | None, reason: str, now_ms: int
) -> list[dict]:
    """calculateStatus: set ReplicaFailure when a sync fails and none is set; drop it when a
    sync succeeds. `reason` is FailedCreate (too few pods) or FailedDelete."""
    conditions = list(conditions or [])
    current = next((c for c in conditions if c.get("type") == "ReplicaFailure"), None)
    if error is not None and current is None:
        conditions.append(
            {
                "lastTransitionTime": rfc3339(now_ms),
                "message": error.message,
                "reason": reason,
                "status": "True",
                "type": "ReplicaFailure",
            }
        )
    elif error is None and current is not None:
        conditions.remove(current)
    return conditions


class FailureBackoff:
    """Per-key exponential retry: the n-th consecutive failure waits 5 ms * 2^(n-1), at
    most 1000 s. Like the delaying queue, a key already waiting for an earlier retry keeps
    it."""

    def __init__(self, timeline: Timeline, enqueue: Callable):
        self._timeline = timeline
        self._enqueue = enqueue
        self._failures: dict = {}
        self._due: dict = {}

    def failed(self, key) -> int:
        """Schedule the key's retry; returns the delay in ms."""
        failures = self._failures.get(key, 0)
        self._failures[key] = failures + 1
        delay = min(BASE_DELAY_MS * 2**failures, MAX_DELAY_MS)
        due = self._timeline.now_ms + delay
        if key not in self._due or self._due[key] > due:
            self._due[key] = due
            self._timeline.call_at(due, self._fire, key, due)
        return delay

    def forget(self, key) -> None:
        self._failures.pop(key, None)

    def failures(self, key) -> int:
        return self._failures.get(key, 0)

    def _fire(self, key, due: int) -> None:
        if self._due.get(key) == due:
            del self._due[key]
            self._enqueue(key)
