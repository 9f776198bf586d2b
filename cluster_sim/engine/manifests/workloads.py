"""Workload validation: Pod, PodTemplate, ReplicationController and the apps/batch kinds.

Sources: pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
ValidateReplicaSetSpec, ValidateDaemonSetSpec, ValidateStatefulSetSpec,
ValidatePodTemplateSpecForReplicaSet) and pkg/apis/batch/validation/validation.go.
"""

import re

from ..cron import CronError, load_time_zone, parse_standard
from . import meta, names
from .errors import FieldError, forbidden, invalid, not_supported, required
from .pod import validate_pod_spec

_MISMATCH = "`selector` does not match template `labels`"


def _nonnegative(value, path) -> list[FieldError]:
    if isinstance(value, int) and value < 0:
        return [invalid(path, value, names.NEGATIVE_ERROR)]
    return []


def validate_pod_template(template, path) -> list[FieldError]:
    """ValidatePodTemplateSpec: template labels/annotations, then the pod spec."""
    template = template or {}
    return meta.validate_template_meta(template.get("metadata"), f"{path}.metadata") + (
        validate_pod_spec(template.get("spec"), f"{path}.spec")
    )


def _template_labels(template):
    return ((template or {}).get("metadata") or {}).get("labels")


def _restart_always(template, path) -> list[FieldError]:
    policy = ((template or {}).get("spec") or {}).get("restartPolicy") or "Always"
    errs = []
    if policy != "Always":
        errs.append(not_supported(f"{path}.spec.restartPolicy", policy, ["Always"]))
    deadline = ((template or {}).get("spec") or {}).get("activeDeadlineSeconds")
    if deadline is not None:
        errs.append(
            invalid(
                f"{path}.spec.activeDeadlineSeconds",
                deadline,
                "activeDeadlineSeconds in ReplicaSet is not Supported",
            )
        )
    return errs


def _selector_block(spec, path, what: str) -> list[FieldError]:
    """Selector required (apps/v1), valid, and not empty."""
    selector = spec.get("selector")
    if selector is None:
        return [required(f"{path}.selector", "")]
    errs = meta.validate_label_selector(selector, f"{path}.selector")
    if meta.selector_is_empty(selector):
        errs.append(invalid(f"{path}.selector", selector, f"empty selector is invalid for {what}"))
    return errs


def _template_for_replicaset(spec, path) -> list[FieldError]:
    """ValidatePodTemplateSpecForReplicaSet (a nil selector matches nothing)."""
    selector = spec.get("selector")
    if not meta.selector_is_valid(selector):
        return [invalid(f"{path}.selector", selector, "invalid label selector")]
    template = spec.get("template")
    tpath = f"{path}.template"
    errs = []
    if selector is None or not meta.selector_is_empty(selector):
        labels = _template_labels(template)
        if not meta.selector_matches(selector, labels):
            errs.append(invalid(f"{tpath}.metadata.labels", labels, _MISMATCH))
    errs += validate_pod_template(template, tpath)
    errs += _restart_always(template, tpath)
    return errs


def validate_deployment(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    path = "spec"
    errs = _nonnegative(spec.get("replicas"), f"{path}.replicas")
    errs += _selector_block(spec, path, "deployment")
    errs += _template_for_replicaset(spec, path)
    errs += _strategy(spec.get("strategy") or {}, f"{path}.strategy")
    min_ready = spec.get("minReadySeconds") or 0
    errs += _nonnegative(min_ready, f"{path}.minReadySeconds")
    errs += _nonnegative(spec.get("revisionHistoryLimit"), f"{path}.revisionHistoryLimit")
    deadline = spec.get("progressDeadlineSeconds")
    if deadline is not None:
        errs += _nonnegative(deadline, f"{path}.progressDeadlineSeconds")
        if deadline <= min_ready:
            errs.append(
                invalid(
                    f"{path}.progressDeadlineSeconds",
                    deadline,
                    "must be greater than minReadySeconds",
                )
            )
    return errs


def _int_or_percent(value, path) -> list[FieldError]:
    if isinstance(value, str):
        return [invalid(path, value, m) for m in names.percent(value)]
    return _nonnegative(value, path)


def _int_or_percent_value(value) -> int:
    if isinstance(value, str):
        return int(value[:-1]) if re.fullmatch(r"[0-9]+%", value) else 0
    return value or 0


def _strategy(strategy, path) -> list[FieldError]:
    kind = strategy.get("type") or "RollingUpdate"
    if kind == "Recreate":
        if strategy.get("rollingUpdate") is not None:
            return [
                forbidden(
                    f"{path}.rollingUpdate",
                    "may not be specified when strategy `type` is 'Recreate'",
                )
            ]
        return []
    if kind != "RollingUpdate":
        return [not_supported(path, strategy, ["Recreate", "RollingUpdate"])]
    rolling = strategy.get("rollingUpdate") or {}
    unavailable = rolling.get("maxUnavailable", "25%")
    surge = rolling.get("maxSurge", "25%")
    rpath = f"{path}.rollingUpdate"
    errs = _int_or_percent(unavailable, f"{rpath}.maxUnavailable")
    errs += _int_or_percent(surge, f"{rpath}.maxSurge")
    if _int_or_percent_value(unavailable) == 0 and _int_or_percent_value(surge) == 0:
        errs.append(
            invalid(f"{rpath}.maxUnavailable", unavailable, "may not be 0 when `maxSurge` is 0")
        )
    if isinstance(unavailable, str) and _int_or_percent_value(unavailable) > 100:
        errs.append(
            invalid(f"{rpath}.maxUnavailable", unavailable, "must not be greater than 100%")
        )
    return errs


def validate_replicaset(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _selector_block(spec, "spec", "deployment")  # sic: upstream's wording
    errs += _template_for_replicaset(spec, "spec")
    return errs


def validate_replication_controller(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = _nonnegative(spec.get("replicas"), "spec.replicas")
    selector = spec.get("selector")
    template = spec.get("template")
    labels = _template_labels(template)
    if not selector:
        selector = labels  # defaulted from the template labels
    if not selector:
        errs.append(required("spec.selector", ""))
    else:
        errs += meta.validate_labels(selector, "spec.selector")
    if template is None:
        errs.append(required("spec.template", ""))
        return errs
    if selector and any((labels or {}).get(k) != v for k, v in selector.items()):
        errs.append(
            invalid(
                "spec.template.metadata.labels",
                labels,
                "`selector` does not match template `labels`",
            )
        )
    errs += validate_pod_template(template, "spec.template")
    errs += _restart_always(template, "spec.template")
    return errs


def validate_daemonset(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    selector = spec.get("selector")
    errs = [] if selector is not None else [required("spec.selector", "")]
    errs += meta.validate_label_selector(selector, "spec.selector")
    template = spec.get("template")
    if meta.selector_is_valid(selector) and not meta.selector_matches(
        selector, _template_labels(template)
    ):
        errs.append(invalid("spec.template.metadata.labels", _template_labels(template), _MISMATCH))
    if selector is not None and meta.selector_is_empty(selector):
        errs.append(invalid("spec.selector", selector, "empty selector is invalid for daemonset"))
    errs += validate_pod_template(template, "spec.template")
    errs += _restart_always(template, "spec.template")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    return errs


def validate_statefulset(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = []
    policy = spec.get("podManagementPolicy") or "OrderedReady"
    if policy not in ("OrderedReady", "Parallel"):
        errs.append(
            invalid("spec.podManagementPolicy", policy, "must be 'OrderedReady' or 'Parallel'")
        )
    errs += _nonnegative(spec.get("replicas"), "spec.replicas")
    errs += _nonnegative(spec.get("minReadySeconds"), "spec.minReadySeconds")
    errs += _selector_block(spec, "spec", "statefulset")
    selector = spec.get("selector")
    template = spec.get("template")
    if meta.selector_is_valid(selector):
        if selector is None or not meta.selector_is_empty(selector):
            labels = _template_labels(template)
            if not meta.selector_matches(selector, labels):
                errs.append(invalid("spec.template.metadata.labels", labels, _MISMATCH))
        # Upstream leaves the pod spec to pod creation (volumeClaimTemplates add volumes):
        # ValidatePodTemplateSpecForStatefulSet checks labels and annotations only.
        template_meta = (template or {}).get("metadata") or {}
        errs += meta.validate_labels(template_meta.get("labels"), "spec.template.labels")
        errs += meta.validate_annotations(
            template_meta.get("annotations"), "spec.template.annotations"
        )
    errs += _restart_always(template, "spec.template")
    return errs


def validate_job_spec(spec, path) -> list[FieldError]:
    spec = spec or {}
    errs = []
    for field in ("parallelism", "completions", "backoffLimit"):
        errs += _nonnegative(spec.get(field), f"{path}.{field}")
    deadline = spec.get("activeDeadlineSeconds")
    if isinstance(deadline, int) and deadline <= 0:
        errs.append(invalid(f"{path}.activeDeadlineSeconds", deadline, "must be greater than 0"))
    template = spec.get("template")
    errs += validate_pod_template(template, f"{path}.template")
    policy = ((template or {}).get("spec") or {}).get("restartPolicy") or "Always"
    if policy not in ("OnFailure", "Never"):
        errs.append(
            not_supported(f"{path}.template.spec.restartPolicy", policy, ["OnFailure", "Never"])
        )
    return errs


def validate_job(obj) -> list[FieldError]:
    return validate_job_spec(obj.get("spec"), "spec")


def cron_schedule_problems(schedule: str) -> list[str]:
    """validateScheduleFormat (pkg/apis/batch/validation): robfig/cron ParseStandard's
    complaint, and TZ or CRON_TZ in the schedule (new objects must use spec.timeZone)."""
    problems = []
    try:
        parse_standard(schedule)
    except CronError as error:
        problems.append(str(error))
    if "TZ" in schedule:
        problems.append("cannot use TZ or CRON_TZ in schedule, use timeZone field instead")
    return problems


def _time_zone(zone) -> list[FieldError]:
    """validateTimeZone (pkg/apis/batch/validation)."""
    if zone is None:
        return []
    if zone == "":
        return [invalid("spec.timeZone", zone, "timeZone must be nil or non-empty string")]
    errs = []
    if zone.lower() == "local":
        errs.append(
            invalid(
                "spec.timeZone",
                zone,
                "timeZone must be an explicit time zone as defined in "
                "https://www.iana.org/time-zones",
            )
        )
    try:
        load_time_zone(zone)
    except CronError as error:
        errs.append(invalid("spec.timeZone", zone, str(error)))
    return errs


def validate_cronjob(obj) -> list[FieldError]:
    spec = obj.get("spec") or {}
    errs = []
    name = (obj.get("metadata") or {}).get("name") or ""
    if len(name) > 52:
        errs.append(invalid("metadata.name", name, "must be no more than 52 characters"))
    schedule = spec.get("schedule") or ""
    if not schedule:
        errs.append(required("spec.schedule", ""))
    else:
        for problem in cron_schedule_problems(schedule):
            errs.append(invalid("spec.schedule", schedule, problem))
    policy = spec.get("concurrencyPolicy") or "Allow"
    if policy not in ("Allow", "Forbid", "Replace"):
        errs.append(not_supported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"]))
    errs += _time_zone(spec.get("timeZone"))
    job_template = spec.get("jobTemplate") or {}
    errs += meta.validate_template_meta(job_template.get("metadata"), "spec.jobTemplate.metadata")
    errs += validate_job_spec(job_template.get("spec"), "spec.jobTemplate.spec")
    return errs


def validate_pod(obj) -> list[FieldError]:
    return validate_pod_spec(obj.get("spec"), "spec")


def validate_pod_template_object(obj) -> list[FieldError]:
    return validate_pod_template(obj.get("template"), "template")
