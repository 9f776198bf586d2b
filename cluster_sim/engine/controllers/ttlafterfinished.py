"""The TTL-after-finished controller (pkg/controller/ttlafterfinished): a Job that has
finished (its Complete or Failed condition is True) and sets spec.ttlSecondsAfterFinished
is deleted, its pods with it (foreground propagation), that many seconds after it finished.
/docs/concepts/workloads/controllers/ttlafterfinished/
"""

from ..timefmt import SECOND, parse_rfc3339
from .base import Controller


class TTLAfterFinishedController(Controller):
    name = "ttl-after-finished-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Job", self._on_job)

    def _on_job(self, event_type: str, job: dict) -> None:
        if event_type != "DELETED" and _needs_cleanup(job):
            self.enqueue((job["metadata"]["namespace"], job["metadata"]["name"]))

    def reconcile(self, key) -> None:
        job = self.ctx.store.get("Job", *key)
        if job is None or not _needs_cleanup(job):
            return
        expires_ms = _finished_ms(job) + job["spec"]["ttlSecondsAfterFinished"] * SECOND
        remaining = expires_ms - self.ctx.timeline.now_ms
        if remaining > 0:  # processTTL: enqueueAfter the time left
            self.ctx.timeline.call_later(remaining, self.enqueue, key)
            return
        self.ctx.api.delete("Job", *key, propagation="Foreground")


def _needs_cleanup(job: dict) -> bool:
    """needsCleanup: a TTL is set, the Job finished, and it is not being deleted already."""
    return (
        (job.get("spec") or {}).get("ttlSecondsAfterFinished") is not None
        and not job["metadata"].get("deletionTimestamp")
        and _finished_ms(job) is not None
    )


def _finished_ms(job: dict) -> int | None:
    """jobFinishTime: when the Complete or Failed condition became True."""
    for condition in (job.get("status") or {}).get("conditions") or ():
        if condition.get("type") in ("Complete", "Failed") and condition.get("status") == "True":
            return parse_rfc3339(condition["lastTransitionTime"])
    return None
