"""Defaulting for batch/v1 Job and CronJob, as the API server stores them.

SetDefaults_Job and SetDefaults_CronJob (pkg/apis/batch/v1/defaults.go), and the Job
strategy's generateSelector (pkg/registry/batch/job/strategy.go): unless manualSelector
is true, the template gets the labels `batch.kubernetes.io/controller-uid` and
`batch.kubernetes.io/job-name` plus their legacy unprefixed twins, and the selector
matches the prefixed uid label. The defaulters run again when an object is read back
from etcd, which is how a Job without labels shows its template's (generated) labels.
"""

from .defaults import default_pod_spec

MAX_INT32 = 2**31 - 1
CONTROLLER_UID_LABEL = "batch.kubernetes.io/controller-uid"
JOB_NAME_LABEL = "batch.kubernetes.io/job-name"
LEGACY_CONTROLLER_UID_LABEL = "controller-uid"
LEGACY_JOB_NAME_LABEL = "job-name"


def default_job(job: dict) -> None:
    spec = job.setdefault("spec", {})
    _default_job_spec(spec)
    if not spec["manualSelector"]:
        _generate_selector(job)
    labels = (spec["template"].get("metadata") or {}).get("labels")
    if labels and not job["metadata"].get("labels"):
        job["metadata"]["labels"] = dict(labels)


def _default_job_spec(spec: dict) -> None:
    """SetDefaults_Job on a JobSpec (a Job's, or a CronJob's job template's)."""
    if spec.get("completions") is None and spec.get("parallelism") is None:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    if spec.get("backoffLimit") is None:
        spec["backoffLimit"] = MAX_INT32 if spec.get("backoffLimitPerIndex") is not None else 6
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    # JobPodReplacementPolicy is on (GA in v1.34)
    spec.setdefault(
        "podReplacementPolicy", "Failed" if spec.get("podFailurePolicy") else "TerminatingOrFailed"
    )
    spec.setdefault("manualSelector", False)
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_spec(template.setdefault("spec", {}))


def _generate_selector(job: dict) -> None:
    meta, spec = job["metadata"], job["spec"]
    labels = spec["template"]["metadata"].setdefault("labels", {})
    for key in (LEGACY_JOB_NAME_LABEL, JOB_NAME_LABEL):
        labels.setdefault(key, meta["name"])
    for key in (LEGACY_CONTROLLER_UID_LABEL, CONTROLLER_UID_LABEL):
        labels.setdefault(key, meta["uid"])
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        selector = spec["selector"] = {}
    match = selector.get("matchLabels")
    if not isinstance(match, dict):
        match = selector["matchLabels"] = {}
    match.setdefault(CONTROLLER_UID_LABEL, meta["uid"])


def default_cronjob(cronjob: dict) -> None:
    spec = cronjob.setdefault("spec", {})
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    # SetDefaults_Job takes a Job, not a JobSpec: a job template gets only its pod
    # template's defaults; each Job the controller creates from it is defaulted in full.
    job_template = spec.setdefault("jobTemplate", {})
    job_template.setdefault("metadata", {})
    template = job_template.setdefault("spec", {}).setdefault("template", {})
    template.setdefault("metadata", {})
    default_pod_spec(template.setdefault("spec", {}))
