"""The CronJob controller (pkg/controller/cronjob/cronjob_controllerv2.go and utils.go).

A sync reads one CronJob and the Jobs it controls: it deletes finished Jobs beyond the
history limits, notices Jobs that finished or went missing, and, when a scheduled time has
come, creates the Job `<cronjob>-<scheduled time in minutes since the Unix epoch>` (after
applying concurrencyPolicy and startingDeadlineSeconds). Then it books its own next sync
at the next scheduled time plus 100 ms (nextScheduleTimeDuration) on the simulated clock:
no periodic scan. Schedules are parsed by cron.py (robfig/cron's ParseStandard) and read
on the wall clock of spec.timeZone (UTC when unset).
"""

from datetime import datetime, timedelta

from .. import errors
from ..cron import CronError, load_time_zone, parse_standard
from ..events import NORMAL, WARNING
from ..jsoncopy import clone
from ..timefmt import EPOCH, describe_time, parse_rfc3339, rfc3339, to_datetime
from . import job_util as ju
from .base import Controller, controller_ref, owner_reference

NEXT_SCHEDULE_DELTA_MS = 100  # nextScheduleDelta
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=EPOCH.tzinfo)
TOO_MANY_MISSED = 100


class CronJobController(Controller):
    name = "cronjob-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("CronJob", self._on_cronjob)
        ctx.store.watch("Job", self._on_job)
        self._wakeups: dict = {}  # key -> when its booked sync is due

    def _on_cronjob(self, event_type: str, cronjob: dict) -> None:
        if event_type != "DELETED":
            self.enqueue((cronjob["metadata"]["namespace"], cronjob["metadata"]["name"]))

    def _on_job(self, event_type: str, job: dict) -> None:
        ref = controller_ref(job)
        if ref is not None and ref.get("kind") == "CronJob":
            self.enqueue((job["metadata"]["namespace"], ref["name"]))

    def _requeue_after(self, key, delay_ms: int) -> None:
        """AddAfter: a key already waiting for an earlier time keeps it."""
        due = self.ctx.now_ms + max(delay_ms, 0)
        booked = self._wakeups.get(key)
        if booked is not None and booked <= due:
            return
        self._wakeups[key] = due
        self.ctx.timeline.call_at(due, self._wake, key, due)

    def _wake(self, key, due: int) -> None:
        if self._wakeups.get(key) == due:
            del self._wakeups[key]
            self.enqueue(key)

    def reconcile(self, key) -> None:
        namespace, name = key
        cronjob = self.ctx.store.get("CronJob", namespace, name)
        if cronjob is None:
            self._wakeups.pop(key, None)
            return
        jobs = self._jobs_of(cronjob)
        status = clone(cronjob.get("status") or {})
        _CronSync(self, cronjob, status, jobs).run(key)

    def _jobs_of(self, cronjob: dict) -> list[dict]:
        """getJobsToBeReconciled: the Jobs whose controller is this CronJob."""
        found = []
        for kind, namespace, name in self.ctx.store.dependents_of(cronjob["metadata"]["uid"]):
            job = self.ctx.store.get(kind, namespace, name) if kind == "Job" else None
            ref = controller_ref(job) if job is not None else None
            if ref is not None and ref["name"] == cronjob["metadata"]["name"]:
                found.append(job)
        return sorted(found, key=lambda j: j["metadata"]["name"])

    def event(self, cronjob: dict, kind: str, reason: str, message: str) -> None:
        self.ctx.events.record(cronjob, kind, reason, message, component=self.name)


class _CronSync:
    def __init__(self, controller: CronJobController, cronjob: dict, status: dict, jobs):
        self.c = controller
        self.ctx = controller.ctx
        self.cronjob = cronjob
        self.spec = cronjob.get("spec") or {}
        self.status = status
        self.jobs = jobs
        self.now = to_datetime(self.ctx.now_ms)

    def run(self, key) -> None:
        self._cleanup_finished_jobs()
        requeue_ms = self._sync()
        if self.status != (self.cronjob.get("status") or {}):
            self.cronjob["status"] = self.status
            self.ctx.api.touch(self.cronjob)
        if requeue_ms is not None:
            self.c._requeue_after(key, requeue_ms)

    # history ------------------------------------------------------------------

    def _cleanup_finished_jobs(self) -> None:
        succeeded = [j for j in self.jobs if ju.finished_type(j) == "Complete"]
        failed = [j for j in self.jobs if ju.finished_type(j) == "Failed"]
        for jobs, limit in (
            (succeeded, self.spec.get("successfulJobsHistoryLimit")),
            (failed, self.spec.get("failedJobsHistoryLimit")),
        ):
            if limit is None or len(jobs) <= limit:
                continue
            for job in sorted(jobs, key=_start_time_order)[: len(jobs) - limit]:
                self._delete_job(job)

    def _delete_job(self, job: dict) -> bool:
        """deleteJob: the Job (its pods follow in the background), then its active entry."""
        namespace, name = job["metadata"]["namespace"], job["metadata"]["name"]
        try:
            self.ctx.api.delete("Job", namespace, name, propagation="Background")
        except errors.ApiError as error:
            self.c.event(self.cronjob, WARNING, "FailedDelete", f"Deleted job: {error.message}")
            return False
        self._drop_active(job["metadata"]["uid"])
        self.c.event(self.cronjob, NORMAL, "SuccessfulDelete", f"Deleted job {name}")
        return True

    def _drop_active(self, uid: str) -> None:
        active = [ref for ref in self.status.get("active") or () if ref.get("uid") != uid]
        if active:
            self.status["active"] = active
        else:
            self.status.pop("active", None)

    # syncCronJob ----------------------------------------------------------------

    def _sync(self) -> int | None:
        cronjob, status = self.cronjob, self.status
        children = set()
        for job in self.jobs:
            uid = job["metadata"]["uid"]
            children.add(uid)
            active = any(ref.get("uid") == uid for ref in status.get("active") or ())
            finished = ju.finished_type(job)
            if not active and not finished:
                self.c.event(
                    cronjob,
                    WARNING,
                    "UnexpectedJob",
                    f"Saw a job that the controller did not create or forgot: "
                    f"{job['metadata']['name']}",
                )
            elif active and finished:
                self._drop_active(uid)
                self.c.event(
                    cronjob,
                    NORMAL,
                    "SawCompletedJob",
                    f"Saw completed job: {job['metadata']['name']}, status: {finished}",
                )
            elif finished == "Complete":
                completed = (job.get("status") or {}).get("completionTime")
                last = status.get("lastSuccessfulTime")
                if completed and (last is None or parse_rfc3339(completed) > parse_rfc3339(last)):
                    status["lastSuccessfulTime"] = completed
        for ref in list(status.get("active") or ()):
            if ref.get("uid") in children:
                continue
            if self.ctx.store.get("Job", ref.get("namespace", ""), ref.get("name", "")) is None:
                self.c.event(
                    cronjob, NORMAL, "MissingJob", f"Active job went missing: {ref.get('name')}"
                )
                self._drop_active(ref.get("uid"))
        if cronjob["metadata"].get("deletionTimestamp"):
            return None
        zone = self.spec.get("timeZone")
        location = None
        if zone is not None:
            try:
                location = load_time_zone(zone)
            except CronError as error:
                self.c.event(
                    cronjob, WARNING, "UnknownTimeZone", f'invalid timeZone: "{zone}": {error}'
                )
                return None
        if self.spec.get("suspend"):
            return None
        schedule_text = self.spec.get("schedule") or ""
        if "TZ" in schedule_text:
            self.c.event(
                cronjob,
                WARNING,
                "UnsupportedSchedule",
                f'CRON_TZ or TZ used in schedule "{schedule_text}" is not officially supported, '
                "see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for "
                "more details",
            )
        try:
            self.schedule = parse_standard(schedule_text, location)
        except CronError as error:
            self.c.event(
                cronjob,
                WARNING,
                "UnparseableSchedule",
                f'unparseable schedule: "{schedule_text}" : {error}',
            )
            return None
        try:
            scheduled = self._next_schedule_time()
        except CronError as error:
            self.c.event(
                cronjob, WARNING, "InvalidSchedule", f"invalid schedule: {schedule_text} : {error}"
            )
            return None
        if scheduled is None:
            return self._next_schedule_delay()
        deadline = self.spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + timedelta(seconds=deadline) < self.now:
            self.c.event(
                cronjob,
                WARNING,
                "MissSchedule",
                f"Missed scheduled time to start a job: {describe_time(_ms(scheduled))}",
            )
            return self._next_schedule_delay()
        job_name = f"{cronjob['metadata']['name']}-{_minutes_since_unix_epoch(scheduled)}"
        if any(ref.get("name") == job_name for ref in status.get("active") or ()) or status.get(
            "lastScheduleTime"
        ) == rfc3339(_ms(scheduled)):
            return self._next_schedule_delay()
        policy = self.spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and status.get("active"):
            self.c.event(
                cronjob,
                NORMAL,
                "JobAlreadyActive",
                "Not starting job because prior execution is running and concurrency policy "
                "is Forbid",
            )
            return self._next_schedule_delay()
        if policy == "Replace":
            for ref in list(status.get("active") or ()):
                job = self.ctx.store.get("Job", ref.get("namespace", ""), ref.get("name", ""))
                if job is None:
                    name = ref.get("name")
                    self.c.event(
                        cronjob,
                        WARNING,
                        "FailedGet",
                        f'Get job: jobs.batch "{name}" not found',
                    )
                    return None
                self._delete_job(job)
        return self._create_job(job_name, scheduled)

    def _create_job(self, job_name: str, scheduled: datetime) -> int | None:
        cronjob = self.cronjob
        template = self.spec.get("jobTemplate") or {}
        template_meta = template.get("metadata") or {}
        annotations = dict(template_meta.get("annotations") or {})
        annotations[SCHEDULED_TIMESTAMP] = scheduled.strftime("%Y-%m-%dT%H:%M:%SZ")
        job = {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {
                "name": job_name,
                "namespace": cronjob["metadata"]["namespace"],
                "labels": dict(template_meta.get("labels") or {}),
                "annotations": annotations,
                "ownerReferences": [owner_reference(cronjob)],
            },
            "spec": clone(template.get("spec") or {}),
        }
        try:
            created = self.ctx.api.create(job)
        except errors.ApiError as error:
            if error.reason != "AlreadyExists":
                self.c.event(
                    cronjob, WARNING, "FailedCreate", f"Error creating job: {error.message}"
                )
                return None
            created = self.ctx.store.get("Job", cronjob["metadata"]["namespace"], job_name)
            ref = controller_ref(created) if created is not None else None
            if ref is None or ref.get("uid") != cronjob["metadata"]["uid"]:
                return None
            if any(
                r.get("uid") == created["metadata"]["uid"] for r in self.status.get("active") or ()
            ):
                return None
        else:
            self.c.event(cronjob, NORMAL, "SuccessfulCreate", f"Created job {job_name}")
        self.status.setdefault("active", []).append(
            {
                "apiVersion": "batch/v1",
                "kind": "Job",
                "name": created["metadata"]["name"],
                "namespace": created["metadata"]["namespace"],
                "resourceVersion": created["metadata"].get("resourceVersion", ""),
                "uid": created["metadata"]["uid"],
            }
        )
        self.status["lastScheduleTime"] = rfc3339(_ms(scheduled))
        return self._next_schedule_delay()

    # schedule arithmetic (utils.go) ------------------------------------------------

    def _most_recent(self, with_deadline: bool):
        """mostRecentScheduleTime: (earliest, the latest time due at or before now or None,
        missed count)."""
        earliest = to_datetime(parse_rfc3339(self.cronjob["metadata"]["creationTimestamp"]))
        if self.status.get("lastScheduleTime"):
            earliest = to_datetime(parse_rfc3339(self.status["lastScheduleTime"]))
        deadline = self.spec.get("startingDeadlineSeconds")
        if with_deadline and deadline is not None:
            earliest = max(earliest, self.now - timedelta(seconds=deadline))
        t1 = self.schedule.next(earliest)
        t2 = self.schedule.next(t1) if t1 is not None else None
        if t1 is None or self.now < t1:
            return earliest, None, 0
        if t2 is None or self.now < t2:
            return earliest, t1, 0
        between = round((t2 - t1).total_seconds())
        if between < 1:
            raise CronError("time difference between two schedules is less than 1 second")
        missed = int((self.now - t1).total_seconds()) // between + 1
        most_recent = None
        t = self.schedule.next(t1 + timedelta(seconds=(missed - 2) * between))
        while t is not None and t <= self.now:
            most_recent = t
            t = self.schedule.next(t)
        return earliest, most_recent, missed

    def _next_schedule_time(self) -> datetime | None:
        _, most_recent, missed = self._most_recent(with_deadline=True)
        if most_recent is None or most_recent > self.now:
            return None
        if missed > TOO_MANY_MISSED:
            self.c.event(
                self.cronjob,
                WARNING,
                "TooManyMissedTimes",
                "too many missed start times. Set or decrease .spec.startingDeadlineSeconds or "
                "check clock skew",
            )
        return most_recent

    def _next_schedule_delay(self) -> int | None:
        """nextScheduleTimeDuration: until the next scheduled time, plus 100 ms."""
        try:
            earliest, most_recent, missed = self._most_recent(with_deadline=False)
        except CronError:
            earliest, most_recent, missed = self.now, self.now, 0
        if most_recent is None:
            most_recent = earliest if missed == 0 else self.now
        following = self.schedule.next(most_recent)
        if following is None:
            return None
        return _ms(following) + NEXT_SCHEDULE_DELTA_MS - self.ctx.now_ms


def _ms(moment: datetime) -> int:
    return int((moment - EPOCH) / timedelta(milliseconds=1))


def _minutes_since_unix_epoch(moment: datetime) -> int:
    """getTimeHashInMinutes: scheduledTime.Unix() / 60."""
    return int((moment - UNIX_EPOCH).total_seconds()) // 60


def _start_time_order(job: dict):
    """byJobStartTime: by status.startTime (unset last), then name."""
    start = (job.get("status") or {}).get("startTime")
    return (start is None, parse_rfc3339(start) if start else 0, job["metadata"]["name"])
