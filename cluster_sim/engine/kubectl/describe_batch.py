"""`kubectl describe job` and `kubectl describe cronjob` (describe.go describeJob,
describeCronJob, describeJobTemplate, printActiveJobs), through the same prefix writer
and tabwriter as the other describers."""

from ..timefmt import human_duration
from .describe import _annotations_multiline, _events, _labels_multiline, _pod_template, _time
from .describe import _Writer as Writer
from .printers import controller_of, format_label_selector, timestamp_ms


def describe_job(job: dict, events: list[dict] | None, now_ms: int) -> str:
    meta, spec, status = job.get("metadata", {}), job.get("spec", {}), job.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{_selector(spec.get('selector'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    owner = controller_of(job)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    if spec.get("parallelism") is not None:
        w.write(0, f"Parallelism:\t{spec['parallelism']}\n")
    if spec.get("completions") is not None:
        w.write(0, f"Completions:\t{spec['completions']}\n")
    else:
        w.write(0, "Completions:\t<unset>\n")
    if spec.get("completionMode"):
        w.write(0, f"Completion Mode:\t{spec['completionMode']}\n")
    if spec.get("suspend") is not None:
        w.write(0, f"Suspend:\t{'true' if spec['suspend'] else 'false'}\n")
    if spec.get("backoffLimit") is not None:
        w.write(0, f"Backoff Limit:\t{spec['backoffLimit']}\n")
    if spec.get("ttlSecondsAfterFinished") is not None:
        w.write(0, f"TTL Seconds After Finished:\t{spec['ttlSecondsAfterFinished']}\n")
    start, end = status.get("startTime"), status.get("completionTime")
    if start:
        w.write(0, f"Start Time:\t{_time(start)}\n")
    if end:
        w.write(0, f"Completed At:\t{_time(end)}\n")
    if start and end:
        w.write(0, f"Duration:\t{human_duration(timestamp_ms(end) - timestamp_ms(start))}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    counts = (status.get("active", 0), status.get("succeeded", 0), status.get("failed", 0))
    if status.get("ready") is None:
        w.write(
            0, f"Pods Statuses:\t{counts[0]} Active / {counts[1]} Succeeded / {counts[2]} Failed\n"
        )
    else:
        w.write(
            0,
            f"Pods Statuses:\t{counts[0]} Active ({status['ready']} Ready) / {counts[1]} "
            f"Succeeded / {counts[2]} Failed\n",
        )
    if spec.get("completionMode") == "Indexed":
        w.write(0, f"Completed Indexes:\t{_cap_indexes(status.get('completedIndexes') or '')}\n")
    _pod_template(w, spec.get("template"))
    _events(w, events, now_ms)
    return w.render()


def describe_cronjob(cronjob: dict, events: list[dict] | None, now_ms: int) -> str:
    meta, spec = cronjob.get("metadata", {}), cronjob.get("spec", {})
    status = cronjob.get("status") or {}
    w = Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Schedule:\t{spec.get('schedule', '')}\n")
    w.write(0, f"Concurrency Policy:\t{spec.get('concurrencyPolicy', '')}\n")
    suspend = spec.get("suspend")
    w.write(0, f"Suspend:\t{'<unset>' if suspend is None else ('True' if suspend else 'False')}\n")
    for title, field in (
        ("Successful Job History Limit", "successfulJobsHistoryLimit"),
        ("Failed Job History Limit", "failedJobsHistoryLimit"),
    ):
        value = spec.get(field)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    deadline = spec.get("startingDeadlineSeconds")
    w.write(0, f"Starting Deadline Seconds:\t{'<unset>' if deadline is None else f'{deadline}s'}\n")
    _job_template(w, spec.get("jobTemplate") or {})
    last = status.get("lastScheduleTime")
    w.write(0, f"Last Schedule Time:\t{_time(last) if last else '<unset>'}\n")
    active = [ref.get("name", "") for ref in status.get("active") or ()]
    w.write(0, f"Active Jobs:\t{', '.join(active) if active else '<none>'}\n")
    _events(w, events, now_ms)
    return w.render()


def _job_template(w, job_template: dict) -> None:
    """describeJobTemplate."""
    spec = job_template.get("spec") or {}
    selector = spec.get("selector")
    w.write(0, f"Selector:\t{'<unset>' if selector is None else _selector(selector)}\n")
    for title, field in (("Parallelism", "parallelism"), ("Completions", "completions")):
        value = spec.get(field)
        w.write(0, f"{title}:\t{'<unset>' if value is None else value}\n")
    if spec.get("activeDeadlineSeconds") is not None:
        w.write(0, f"Active Deadline Seconds:\t{spec['activeDeadlineSeconds']}s\n")
    _pod_template(w, spec.get("template"))


def _selector(selector) -> str:
    """LabelSelectorAsSelector(...).String(): empty for a selector with no requirements."""
    text = format_label_selector(selector)
    return "" if text == "<none>" else text


def _cap_indexes(indexes: str, soft_limit: int = 50) -> str:
    """capIndexesListOrNone: cut after the first comma past 50 characters, then `...`."""
    if not indexes:
        return "<none>"
    cut = indexes.find(",", soft_limit)
    return indexes if cut < 0 else indexes[: cut + 1] + "..."
