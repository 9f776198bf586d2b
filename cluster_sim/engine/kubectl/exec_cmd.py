"""`kubectl exec POD [-c CONTAINER] -- COMMAND [ARGS...]` (kubectl's cmd/exec).

The command runs in the simulated container against its filesystem, environment and
network; kubectl waits for it, so the clock moves on by the time it took. ClusterLab's
scripts are not interactive: `-i`/`-t` are accepted for a command that ends on its own,
and an interactive shell with nothing to run is refused with a hint.
"""

import hashlib

from .args import Invocation, UsageError
from .resources import split_resource_argument

SEE_HELP = "See 'kubectl exec -h' for help and examples"
SHELLS = {"sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/bash", "zsh"}


def run_exec(cluster, inv: Invocation, read_file=None) -> str:
    from .commands import (
        _logging_rank,
        _logs_target,
        _namespace,
        _selector_of,
        default_container,
    )

    dash = inv.dash_at if inv.dash_at is not None else len(inv.args)
    before, command = inv.args[:dash], inv.args[dash:]
    if not before:
        raise UsageError(
            "error: expected 'exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]'.\n"
            "POD or TYPE/NAME is a required argument for the exec command\n" + SEE_HELP
        )
    if len(before) > 1:  # the old `exec POD COMMAND` form is gone
        raise UsageError(
            "error: exec [POD] [COMMAND] is not supported anymore. "
            "Use exec [POD] -- [COMMAND] instead\n" + SEE_HELP
        )
    if not command:
        raise UsageError("error: you must specify at least one command for the container")
    if (inv.flag("stdin") or inv.flag("tty")) and len(command) == 1 and command[0] in SHELLS:
        return (
            "error: ClusterLab's scripts are not interactive: give the shell something to run, "
            f'e.g. kubectl exec {before[0]} -- {command[0]} -c "ls /"'
        )
    namespace = _namespace(inv)
    target = before[0]
    notes: list[str] = []
    if "/" in target and len(split_resource_argument(target.split("/")[0])) == 1:
        ((info, names),) = _logs_target(target)
        obj = cluster.api.get(info.kind, namespace if info.namespaced else "", names[0])
    else:
        obj = cluster.api.get("Pod", namespace, target)
    if obj["kind"] == "Pod":
        pod = obj
    else:  # AttachablePodForObject: the first of its pods, as logs picks one
        selector = _selector_of(obj)
        if selector is None:
            return f"error: cannot attach to *v1.{obj['kind']}: selector for *v1.{obj['kind']} not implemented"
        pods = [
            p
            for p in cluster.api.list("Pod", namespace)
            if selector(p["metadata"].get("labels") or {})
        ]
        if not pods:
            return "error: timed out waiting for the condition"
        pod = sorted(pods, key=_logging_rank)[0]
    phase = pod["status"].get("phase")
    if phase in ("Succeeded", "Failed"):
        return f"error: cannot exec into a container in a completed pod; current phase is {phase}"
    defaulted, container = default_container(pod, inv.flag("container"))
    if not inv.flag("quiet"):
        notes += defaulted
    names = [
        c["name"]
        for key in ("containers", "initContainers", "ephemeralContainers")
        for c in pod["spec"].get(key) or ()
    ]
    if container is None or container not in names:
        return "\n".join(
            [*notes, f"error: container {container} not found in pod {pod['metadata']['name']}"]
        )
    result = cluster.exec_in(pod, container, list(command))
    if result is None:
        return "\n".join(
            [*notes, f'error: unable to upgrade connection: container not found ("{container}")']
        )
    lines = notes + ([result.output.rstrip("\n")] if result.output else [])
    if result.error:
        exec_id = hashlib.sha256(f"{pod['metadata']['uid']}/{cluster.now_ms}".encode()).hexdigest()
        return "\n".join(
            [
                *notes,
                "error: Internal error occurred: Internal error occurred: error executing command "
                f'in container: failed to exec in container: failed to start exec "{exec_id}": '
                f"{result.error}",
            ]
        )
    if result.exit_code:
        lines.append(f"command terminated with exit code {result.exit_code}")
    return "\n".join(lines)
