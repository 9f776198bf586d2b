"""The Job controller (pkg/controller/job/job_controller.go): run pods to completion.

Each sync reads the Job's pods and converges: keep `parallelism` pods active (never more
than the completions still missing), count finished pods once, fail the Job past its
backoffLimit or activeDeadlineSeconds, complete it when enough pods succeeded.

Counting uses the `batch.kubernetes.io/job-tracking` finalizer, as upstream: a pod still
carrying it is not counted yet; the sync that counts it removes it, so a pod is counted
exactly once however often the Job is synced. A pod deleted (and gone) before it was
counted is remembered from its last watch event and counted as failed, unless it had
succeeded. Deleted pods count as failed at once (podReplacementPolicy TerminatingOrFailed),
so a pod lost with its node is replaced while it is still Terminating; the Job's terminal
condition waits until no pod terminates (v1.34's delayed terminal condition), and the
interim SuccessCriteriaMet / FailureTarget condition comes first.

Timing as upstream: a Job event syncs at once, a pod event after syncJobBatchPeriod (1 s);
a failed pod delays its replacement by 10 s, doubling per further failure, capped at 10 min
(DefaultJobPodFailureBackOff, MaxJobPodFailureBackOff).

A podFailurePolicy (pod_failure_policy.py) can fail the Job on a failed pod's exit code or
condition, or leave the failure uncounted.

Simplified: no successPolicy or backoffLimitPerIndex (the fields are stored, not acted
on); orphan pods matching a Job's selector are not adopted.
"""

from dataclasses import dataclass

from .. import errors, podutil
from ..events import NORMAL, WARNING
from ..jsoncopy import clone
from ..timefmt import MINUTE, SECOND, parse_rfc3339, rfc3339
from . import job_util as ju
from . import pod_failure_policy
from .base import Controller, controller_ref, owner_reference
from .replicaset import rank_for_deletion

SYNC_BATCH_MS = 1 * SECOND  # syncJobBatchPeriod
POD_FAILURE_BACKOFF_MS = 10 * SECOND  # DefaultJobPodFailureBackOff
MAX_POD_FAILURE_BACKOFF_MS = 10 * MINUTE  # MaxJobPodFailureBackOff
MAX_POD_CREATE_DELETE_PER_SYNC = 500  # MaxPodCreateDeletePerSync
CREATE_RETRY_MS = 1 * SECOND  # the work queue's rate limiter after a failed sync...
MAX_CREATE_RETRY_MS = 1 * MINUTE  # ...doubling up to MaxJobApiBackOff
MAX_GENERATED_NAME_LENGTH = 63 - 5
COMPLETIONS_REACHED = ("CompletionsReached", "Reached expected number of succeeded pods")
BACKOFF_LIMIT_EXCEEDED = ("BackoffLimitExceeded", "Job has reached the specified backoff limit")
DEADLINE_EXCEEDED = ("DeadlineExceeded", "Job was active longer than specified deadline")


@dataclass(slots=True)
class _Vanished:
    """A pod removed from the API before the controller counted it."""

    succeeded: bool
    index: int | None
    finished_ms: int


@dataclass(slots=True)
class _Backoff:
    """backoffRecord: failures since the last success and when the last one happened."""

    failures: int = 0
    last_failure_ms: int | None = None

    def record(self, succeeded: list[int], failed: list[int]) -> None:
        """newBackoffRecord, given the finish times of the pods counted now."""
        if not succeeded:
            if failed:
                self.failures += len(failed)
                self.last_failure_ms = max(failed)
            return
        last_success = max(succeeded)
        later = sorted(t for t in failed if t > last_success)
        self.failures = len(later)
        self.last_failure_ms = later[-1] if later else None

    def remaining_ms(self, now_ms: int) -> int:
        if self.failures == 0 or self.last_failure_ms is None:
            return 0
        delay = POD_FAILURE_BACKOFF_MS
        for _ in range(1, self.failures):
            delay *= 2
            if delay >= MAX_POD_FAILURE_BACKOFF_MS:
                delay = MAX_POD_FAILURE_BACKOFF_MS
                break
        elapsed = now_ms - self.last_failure_ms
        return 0 if delay < elapsed else delay - elapsed


class JobController(Controller):
    name = "job-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Job", self._on_job)
        ctx.store.watch("Pod", self._on_pod)
        self._batched: set = set()  # keys with a batched sync booked
        self._wakeups: dict = {}  # key -> when a timer will sync it (deadline, backoff)
        self._generation: dict = {}  # key -> the generation last seen
        self._backoff: dict[tuple[str, str], _Backoff] = {}
        self._vanished: dict[tuple[str, str], dict[str, _Vanished]] = {}
        self._create_retry: dict = {}  # key -> the next retry delay after a failed create

    # watches -------------------------------------------------------------------

    def _on_job(self, event_type: str, job: dict) -> None:
        key = (job["metadata"]["namespace"], job["metadata"]["name"])
        generation = job["metadata"].get("generation")
        if event_type == "MODIFIED" and self._generation.get(key) == generation:
            self._enqueue_batched(key)  # a status update: updateJob batches it
        else:
            self.enqueue(key)
        self._generation[key] = generation

    def _on_pod(self, event_type: str, pod: dict) -> None:
        ref = controller_ref(pod)
        if ref is None or ref.get("kind") != "Job":
            return
        key = (pod["metadata"]["namespace"], ref["name"])
        if event_type == "DELETED" and ju.has_tracking_finalizer(pod):
            self._vanished.setdefault(key, {})[pod["metadata"]["uid"]] = _Vanished(
                pod["status"].get("phase") == "Succeeded",
                ju.completion_index(pod),
                ju.finished_ms(pod),
            )
        self._enqueue_batched(key)

    def _enqueue_batched(self, key) -> None:
        """enqueueSyncJobBatched: AddAfter(key, 1s); a key already waiting keeps its time."""
        if key in self._batched:
            return
        self._batched.add(key)
        self.ctx.timeline.call_later(SYNC_BATCH_MS, self._batched_due, key)

    def _batched_due(self, key) -> None:
        self._batched.discard(key)
        self.enqueue(key)

    def _wake_at(self, key, due_ms: int) -> None:
        if self._wakeups.get(key) == due_ms:
            return
        self._wakeups[key] = due_ms
        self.ctx.timeline.call_at(due_ms, self._wake, key, due_ms)

    def _wake(self, key, due_ms: int) -> None:
        if self._wakeups.get(key) == due_ms:
            del self._wakeups[key]
        self.enqueue(key)

    # sync ----------------------------------------------------------------------

    def reconcile(self, key) -> None:
        namespace, name = key
        job = self.ctx.store.get("Job", namespace, name)
        if job is None:
            for table in (self._backoff, self._vanished, self._generation, self._create_retry):
                table.pop(key, None)
            return
        if ju.finished_type(job):
            self._backoff.pop(key, None)
            self._vanished.pop(key, None)
            return
        _Sync(self, key, job).run()

    def pods_of(self, job: dict) -> list[dict]:
        uid = job["metadata"]["uid"]
        pods = []
        for kind, namespace, name in self.ctx.store.dependents_of(uid):
            pod = self.ctx.store.get(kind, namespace, name) if kind == "Pod" else None
            ref = controller_ref(pod) if pod is not None else None
            if ref is not None and ref["uid"] == uid:
                pods.append(pod)
        return sorted(pods, key=lambda p: p["metadata"]["name"])

    def backoff(self, key) -> _Backoff:
        return self._backoff.setdefault(key, _Backoff())

    def event(self, job: dict, kind: str, reason: str, message: str) -> None:
        self.ctx.events.record(job, kind, reason, message, component=self.name)


class _Sync:
    """One syncJob: the counts it reads, the pods it creates or deletes, the status it writes."""

    def __init__(self, controller: JobController, key, job: dict):
        self.c = controller
        self.ctx = controller.ctx
        self.key = key
        self.job = job
        self.spec = job["spec"]
        self.status = job.get("status") or {}
        self.now = self.ctx.now_ms
        self.indexed = ju.is_indexed(job)
        self.completions = self.spec.get("completions")
        self.vanished = controller._vanished.pop(key, {})
        self.pods = controller.pods_of(job)
        self.active_pods = [p for p in self.pods if podutil.is_active(p)]
        self.terminating = sum(1 for p in self.pods if _is_terminating(p))
        self.ready = sum(1 for p in self.active_pods if podutil.is_ready(p))
        self.conditions = [dict(c) for c in self.status.get("conditions") or ()]

    def valid_index(self, index: int | None) -> bool:
        return not self.indexed or (index is not None and index < (self.completions or 0))

    def run(self) -> None:
        job, spec, status = self.job, self.spec, self.status
        uncounted = [p for p in self.pods if ju.has_tracking_finalizer(p)]
        new_succeeded = [
            p
            for p in uncounted
            if p["status"].get("phase") == "Succeeded" and self.valid_index(ju.completion_index(p))
        ]
        new_failed = [
            p
            for p in uncounted
            if ju.is_pod_failed(p, job) and self.valid_index(ju.completion_index(p))
        ]
        self.ignored: set[str] = set()
        self.policy_failure: str | None = None
        policy = spec.get("podFailurePolicy")
        if policy:  # getNewFinishedPods with matchPodFailurePolicy
            for pod in new_failed:
                message, counts, _ = pod_failure_policy.match(policy, pod)
                if message is not None and self.policy_failure is None:
                    self.policy_failure = message
                if not counts:
                    self.ignored.add(pod["metadata"]["uid"])
            new_failed = [p for p in new_failed if p["metadata"]["uid"] not in self.ignored]
        vanished = [v for v in self.vanished.values() if self.valid_index(v.index)]
        succeeded = (
            status.get("succeeded", 0)
            + len(new_succeeded)
            + sum(1 for v in vanished if v.succeeded)
        )
        failed = (
            status.get("failed", 0) + len(new_failed) + sum(1 for v in vanished if not v.succeeded)
        )
        suspended = bool(spec.get("suspend"))
        self.start_time = status.get("startTime")
        if self.start_time is None and not suspended:
            self.start_time = rfc3339(self.now)
        self.c.backoff(self.key).record(
            [ju.finished_ms(p) for p in new_succeeded]
            + [v.finished_ms for v in vanished if v.succeeded],
            [ju.finished_ms(p) for p in new_failed]
            + [v.finished_ms for v in vanished if not v.succeeded],
        )

        finished = self._finished_condition(failed, suspended)
        self.succeeded_indexes: set[int] = set()
        if self.indexed:
            self.succeeded_indexes = ju.parse_indexes(
                status.get("completedIndexes"), self.completions or 0
            )
            for pod in self.pods:
                index = ju.completion_index(pod)
                if pod["status"].get("phase") == "Succeeded" and self.valid_index(index):
                    self.succeeded_indexes.add(index)
            self.succeeded_indexes.update(
                v.index for v in vanished if v.succeeded and v.index is not None
            )
            succeeded = len(self.succeeded_indexes)
        active = len(self.active_pods)
        if finished is not None:
            deleted = self._delete_pods(self.active_pods)
            active -= deleted
            self.terminating += deleted
        else:
            if not job["metadata"].get("deletionTimestamp"):
                active = self._manage(active, succeeded, suspended)
            if self.completions is None:
                complete = succeeded > 0 and active == 0
            else:
                complete = succeeded >= self.completions and active == 0
            if complete:
                finished = ("SuccessCriteriaMet", *COMPLETIONS_REACHED)
            else:
                self._suspend_condition(suspended)
        self._track_and_write(active, finished)

    # the verdict ------------------------------------------------------------------

    def _finished_condition(self, failed: int, suspended: bool):
        """(type, reason, message) of the interim or final condition this sync sets, or None."""
        met = self._condition("SuccessCriteriaMet")
        if met is not None:
            return ("SuccessCriteriaMet", met.get("reason", ""), met.get("message", ""))
        target = self._condition("FailureTarget")
        if target is not None:
            return ("FailureTarget", target.get("reason", ""), target.get("message", ""))
        if self.policy_failure is not None:
            return ("FailureTarget", "PodFailurePolicy", self.policy_failure)
        if failed > self.spec.get("backoffLimit", 6) or self._past_backoff_limit_on_failure():
            return ("FailureTarget", *BACKOFF_LIMIT_EXCEEDED)
        deadline = self.spec.get("activeDeadlineSeconds")
        if deadline is not None and self.start_time is not None and not suspended:
            due = parse_rfc3339(self.start_time) + deadline * SECOND
            if self.now >= due:
                return ("FailureTarget", *DEADLINE_EXCEEDED)
            self.c._wake_at(self.key, due)
        return None

    def _past_backoff_limit_on_failure(self) -> bool:
        """pastBackoffLimitOnFailure: with restartPolicy OnFailure, container restarts in
        pods still Pending or Running count towards backoffLimit."""
        template_spec = (self.spec.get("template") or {}).get("spec") or {}
        if template_spec.get("restartPolicy") != "OnFailure":
            return False
        restarts = 0
        for pod in self.pods:
            if pod["status"].get("phase") in ("Pending", "Running"):
                for status in (pod["status"].get("initContainerStatuses") or []) + (
                    pod["status"].get("containerStatuses") or []
                ):
                    restarts += status.get("restartCount", 0)
        limit = self.spec.get("backoffLimit", 6)
        return restarts > 0 if limit == 0 else restarts >= limit

    def _condition(self, kind: str) -> dict | None:
        for item in self.conditions:
            if item["type"] == kind and item["status"] == "True":
                return item
        return None

    # pods ---------------------------------------------------------------------

    def _manage(self, active: int, succeeded: int, suspended: bool) -> int:
        """manageJob: delete what is too much, create what is missing (after the back-off)."""
        if suspended:
            deleted = self._delete_pods(self.active_pods)
            self.terminating += deleted
            return active - deleted
        parallelism = self.spec.get("parallelism", 1)
        if self.completions is None:
            want = active if succeeded > 0 else parallelism
        else:
            want = max(min(self.completions - succeeded, parallelism), 0)
        excess = self._pods_for_removal(max(active - want, 0))[:MAX_POD_CREATE_DELETE_PER_SYNC]
        if excess:
            deleted = self._delete_pods(excess)
            self.terminating += deleted
            return active - deleted
        terminating = self.terminating if ju.only_replace_failed_pods(self.job) else 0
        missing = want - terminating - active
        if missing <= 0:
            return active
        remaining = self.c.backoff(self.key).remaining_ms(self.now)
        if remaining > 0:
            self.c._wake_at(self.key, self.now + max(remaining, SYNC_BATCH_MS))
            return active
        missing = min(missing, MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int | None] = [None] * missing
        if self.indexed:
            indexes = self._first_pending_indexes(missing)
        return active + self._create_pods(indexes)

    def _first_pending_indexes(self, count: int) -> list[int]:
        taken = set(self.succeeded_indexes)
        taken.update(ju.completion_index(p) for p in self.active_pods)
        pending = (i for i in range(self.completions or 0) if i not in taken)
        return [index for index, _ in zip(pending, range(count), strict=False)]

    def _pods_for_removal(self, count: int) -> list[dict]:
        """activePodsForRemoval: for an Indexed Job, pods with no valid index and duplicates
        of an index first; then the least valuable (controller.ActivePods order)."""
        if count <= 0 and not self.indexed:
            return []
        remove: list[dict] = []
        left = list(self.active_pods)
        if self.indexed:
            by_index: dict[int, list[dict]] = {}
            left = []
            for pod in self.active_pods:
                index = ju.completion_index(pod)
                if not self.valid_index(index):
                    remove.append(pod)
                else:
                    by_index.setdefault(index, []).append(pod)
            for index in sorted(by_index):
                ranked = rank_for_deletion(by_index[index], {})
                remove.extend(ranked[:-1])
                left.append(ranked[-1])
        if len(remove) < count:
            remove.extend(rank_for_deletion(left, {})[: count - len(remove)])
        return remove

    def _create_pods(self, indexes: list[int | None]) -> int:
        job = self.job
        template = self.spec.get("template") or {}
        created = 0
        for index in indexes:
            meta = clone(template.get("metadata") or {})
            meta.pop("name", None)
            meta.pop("creationTimestamp", None)
            pod_spec = clone(template.get("spec") or {})
            finalizers = list(meta.get("finalizers") or [])
            if ju.JOB_TRACKING_FINALIZER not in finalizers:
                finalizers.append(ju.JOB_TRACKING_FINALIZER)
            meta["finalizers"] = finalizers
            if index is None:
                meta["generateName"] = f"{job['metadata']['name']}-"
            else:
                _add_index_env(pod_spec)
                meta.setdefault("annotations", {})[ju.COMPLETION_INDEX] = str(index)
                meta.setdefault("labels", {})[ju.COMPLETION_INDEX] = str(index)
                pod_spec["hostname"] = f"{job['metadata']['name']}-{index}"
                meta["generateName"] = _generate_name_with_index(job["metadata"]["name"], index)
            meta["namespace"] = job["metadata"]["namespace"]
            meta["ownerReferences"] = [owner_reference(job)]
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod_spec}
            try:
                pod = self.ctx.api.create(pod)
            except errors.ApiError as error:
                # RealPodControl's FailedCreate; the sync fails and is retried rate-limited
                self.c.event(job, WARNING, "FailedCreate", f"Error creating: {error.message}")
                delay = self.c._create_retry.get(self.key, CREATE_RETRY_MS)
                self.c._create_retry[self.key] = min(delay * 2, MAX_CREATE_RETRY_MS)
                self.c._wake_at(self.key, self.now + delay)
                break
            self.c._create_retry.pop(self.key, None)
            created += 1
            self.c.event(job, NORMAL, "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}")
        return created

    def _delete_pods(self, pods: list[dict]) -> int:
        deleted = 0
        for pod in pods:
            namespace, name = podutil.key(pod)
            if self.ctx.store.get("Pod", namespace, name) is not pod:
                continue
            if podutil.is_ready(pod):
                self.ready -= 1
            self.ctx.api.delete("Pod", namespace, name)
            deleted += 1
            self.c.event(self.job, NORMAL, "SuccessfulDelete", f"Deleted pod: {name}")
        return deleted

    # status -------------------------------------------------------------------

    def _suspend_condition(self, suspended: bool) -> None:
        if suspended:
            if self._ensure_condition("Suspended", "True", "JobSuspended", "Job suspended"):
                self.c.event(self.job, NORMAL, "Suspended", "Job suspended")
        elif self._ensure_condition("Suspended", "False", "JobResumed", "Job resumed"):
            self.c.event(self.job, NORMAL, "Resumed", "Job resumed")
            self.start_time = rfc3339(self.now)  # a resumed Job's deadline starts again

    def _ensure_condition(self, kind: str, status: str, reason: str, message: str) -> bool:
        """ensureJobConditionStatus: add or update; a False condition is never added."""
        new = {
            "lastProbeTime": rfc3339(self.now),
            "lastTransitionTime": rfc3339(self.now),
            "message": message,
            "reason": reason,
            "status": status,
            "type": kind,
        }
        for i, item in enumerate(self.conditions):
            if item["type"] == kind:
                if (item["status"], item.get("reason"), item.get("message")) == (
                    status,
                    reason,
                    message,
                ):
                    return False
                self.conditions[i] = new
                return True
        if status == "False":
            return False
        self.conditions.append(new)
        return True

    def _track_and_write(self, active: int, finished) -> None:
        """trackJobStatusAndRemoveFinalizers and enactJobFinished: count the finished pods
        (removing their finalizers), add the interim then the final condition."""
        job, status = self.job, self.status
        succeeded, failed = status.get("succeeded", 0), status.get("failed", 0)
        failing = finished is not None and finished[0] == "FailureTarget"
        for record in self.vanished.values():
            if self.valid_index(record.index):
                if record.succeeded:
                    succeeded += 1
                else:
                    failed += 1
        vanished_later = self.c._vanished.get(self.key, {})
        for pod in self.pods:
            if not ju.has_tracking_finalizer(pod):
                continue
            pod_failed = ju.is_pod_failed(pod, job)
            phase = pod["status"].get("phase")
            if not (
                job["metadata"].get("deletionTimestamp")
                or finished is not None
                or phase == "Succeeded"
                or pod_failed
            ):
                continue
            if phase == "Succeeded":
                succeeded += 1
            elif (
                (pod_failed or failing)
                and self.valid_index(ju.completion_index(pod))
                and pod["metadata"]["uid"] not in self.ignored
            ):
                failed += 1
            self._remove_finalizer(pod)
            vanished_later.pop(pod["metadata"]["uid"], None)
        if self.indexed:
            succeeded = len(self.succeeded_indexes)
        completion_time = status.get("completionTime")
        if finished is not None:
            kind, reason, message = finished
            if self._condition(kind) is None:
                self._ensure_condition(kind, "True", reason, message)
            final = "Complete" if kind == "SuccessCriteriaMet" else "Failed"
            if self.terminating == 0 and self._ensure_condition(final, "True", reason, message):
                if final == "Complete":
                    completion_time = rfc3339(self.now)
                self._record_finished(final, reason, message, succeeded)
        new = {}
        if active:
            new["active"] = active
        if self.indexed and self.succeeded_indexes:
            new["completedIndexes"] = ju.format_indexes(self.succeeded_indexes)
        if completion_time:
            new["completionTime"] = completion_time
        if self.conditions:
            new["conditions"] = self.conditions
        if failed:
            new["failed"] = failed
        new["ready"] = max(self.ready, 0)
        if self.start_time:
            new["startTime"] = self.start_time
        if succeeded:
            new["succeeded"] = succeeded
        new["terminating"] = self.terminating
        new["uncountedTerminatedPods"] = {}
        if new != job.get("status"):
            job["status"] = new
            self.ctx.api.touch(job)

    def _record_finished(self, final: str, reason: str, message: str, succeeded: int) -> None:
        job = self.job
        if final == "Complete":
            if self.completions is not None and succeeded > self.completions:
                self.c.event(
                    job,
                    WARNING,
                    "TooManySucceededPods",
                    "Too many succeeded pods running after completion count reached",
                )
            self.c.event(job, NORMAL, "Completed", "Job completed")
        else:
            self.c.event(job, WARNING, reason, message)

    def _remove_finalizer(self, pod: dict) -> None:
        namespace, name = podutil.key(pod)
        finalizers = [
            f for f in pod["metadata"].get("finalizers") or () if f != ju.JOB_TRACKING_FINALIZER
        ]
        if finalizers:
            pod["metadata"]["finalizers"] = finalizers
        else:
            pod["metadata"].pop("finalizers", None)
        if self.ctx.store.get("Pod", namespace, name) is pod:
            self.ctx.api.touch(pod)


def _is_terminating(pod: dict) -> bool:
    """controller.CountTerminatingPods: deleted, not yet in a terminal phase."""
    return podutil.is_terminating(pod) and pod["status"].get("phase") not in (
        podutil.TERMINAL_PHASES
    )


def _add_index_env(pod_spec: dict) -> None:
    """addCompletionIndexEnvVariables: JOB_COMPLETION_INDEX from the pod's index label
    (PodIndexLabel, GA since v1.32), appended to every container that lacks it."""
    for container in pod_spec.get("initContainers", []) + pod_spec.get("containers", []):
        env = container.setdefault("env", [])
        if any(var.get("name") == ju.COMPLETION_INDEX_ENV for var in env):
            continue
        env.append(
            {
                "name": ju.COMPLETION_INDEX_ENV,
                "valueFrom": {
                    "fieldRef": {
                        "apiVersion": "v1",
                        "fieldPath": f"metadata.labels['{ju.COMPLETION_INDEX}']",
                    }
                },
            }
        )


def _generate_name_with_index(job_name: str, index: int) -> str:
    """podGenerateNameWithIndex: `<job>-<index>-`, the job name cut to fit."""
    suffix = f"-{index}-"
    prefix = job_name + suffix
    if len(prefix) > MAX_GENERATED_NAME_LENGTH:
        prefix = job_name[: MAX_GENERATED_NAME_LENGTH - len(suffix)] + suffix
    return prefix
