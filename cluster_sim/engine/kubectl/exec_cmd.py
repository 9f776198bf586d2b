"""`kubectl exec POD [-c CONTAINER] -- COMMAND [ARGS...]` (kubectl's cmd/exec).

The command runs in the simulated container against its filesystem, environment and
network; kubectl waits for it, so the clock moves on by the time it took. ClusterLab's
scripts are not interactive: `-i`/`-t` are accepted for a command that ends on its own,
and an interactive shell with nothing to run is refused with a hint.
"""

import hashlib

from .args import Invocation, UsageError

SEE_HELP = "See 'kubectl exec -h' for help and examples"
SHELLS = {"sh", "bash", "ash", "/bin/sh", "/bin/bash", "/bin/ash", "/usr/bin/bash", "zsh"}


def run_exec(cluster, inv: Invocation, read_file=None) -> str:
    from .commands import _namespace, default_container, pod_for_target

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
    found = pod_for_target(cluster, _namespace(inv), before[0], "attach to")
    if isinstance(found, str):
        return found
    pod, _ = found
    notes: list[str] = []
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
