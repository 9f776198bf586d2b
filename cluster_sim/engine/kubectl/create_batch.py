"""The Job `kubectl create job` builds (create_job.go: createJob, createJobFromCronJob) and
the CronJob `kubectl create cronjob` builds (create_cronjob.go), before they are sent,
with each command's Validate errors. Typed objects: fields in struct order, a null
creationTimestamp and `resources: {}` as kubectl v1.32's client dry run prints them."""

import copy

from .args import Invocation, UsageError


def _name_and_command(inv: Invocation, command: str) -> tuple[str, list[str]]:
    """NameFromCommandArgs (exactly one word before `--`); the words after it are the command."""
    dash = inv.dash_at if inv.dash_at is not None else len(inv.args)
    if dash != 1:
        raise UsageError(
            f"error: exactly one NAME is required, got {dash}\n"
            f"See 'kubectl create {command} -h' for help and examples"
        )
    return inv.args[0], list(inv.args[1:])


def _pod_template(name: str, image: str, command: list[str], restart: str) -> dict:
    container = {"name": name, "image": image}
    if command:
        container["command"] = command
    container["resources"] = {}
    return {
        "metadata": {"creationTimestamp": None},
        "spec": {"containers": [container], "restartPolicy": restart},
    }


def build_job(inv: Invocation, read_cronjob) -> dict:
    """create job NAME --image=IMAGE [-- COMMAND...] | create job NAME --from=cronjob/NAME.

    read_cronjob(name) returns the CronJob the builder finds (or raises its error)."""
    name, command = _name_and_command(inv, "job")
    image, source = inv.flag("image") or "", inv.flag("from") or ""
    if bool(image) == bool(source):
        raise UsageError("error: either --image or --from must be specified")
    if command and source:
        raise UsageError("error: cannot specify --from and command")
    metadata: dict = {"name": name}
    if inv.flag("namespace"):
        metadata["namespace"] = inv.flag("namespace")
    if image:
        metadata["creationTimestamp"] = None
        return {
            "kind": "Job",
            "apiVersion": "batch/v1",
            "metadata": metadata,
            "spec": {"template": _pod_template(name, image, command, "Never")},
            "status": {},
        }
    kind, _, cron_name = source.partition("/")
    if (
        kind not in ("cronjob", "cronjobs", "cj", "cronjob.batch", "cronjobs.batch")
        or not cron_name
    ):
        raise UsageError(f'error: the server doesn\'t have a resource type "{kind}"')
    cronjob = read_cronjob(cron_name)
    template = cronjob["spec"].get("jobTemplate") or {}
    template_meta = template.get("metadata") or {}
    annotations = {"cronjob.kubernetes.io/instantiate": "manual"}
    annotations.update(template_meta.get("annotations") or {})
    metadata.update({"creationTimestamp": None, "annotations": annotations})
    if template_meta.get("labels"):
        metadata["labels"] = dict(template_meta["labels"])
    metadata["ownerReferences"] = [
        {
            "apiVersion": "batch/v1",
            "kind": "CronJob",
            "name": cronjob["metadata"]["name"],
            "uid": cronjob["metadata"]["uid"],
        }
    ]
    return {
        "kind": "Job",
        "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": copy.deepcopy(template.get("spec") or {}),
        "status": {},
    }


def build_cronjob(inv: Invocation) -> dict:
    """create cronjob NAME --image=IMAGE --schedule=SCHEDULE [--restart=R] [-- COMMAND...]."""
    name, command = _name_and_command(inv, "cronjob")
    restart = inv.flag("restart") or "OnFailure"
    metadata: dict = {"name": name}
    if inv.flag("namespace"):
        metadata["namespace"] = inv.flag("namespace")
    metadata["creationTimestamp"] = None
    return {
        "kind": "CronJob",
        "apiVersion": "batch/v1",
        "metadata": metadata,
        "spec": {
            "schedule": inv.flag("schedule") or "",
            "jobTemplate": {
                "metadata": {"name": name, "creationTimestamp": None},
                "spec": {
                    "template": _pod_template(name, inv.flag("image") or "", command, restart)
                },
            },
        },
        "status": {},
    }
