"""`kubectl logs -l SELECTOR`: the logs of every pod the selector matches (logs.go).

Complete: a selector goes with no POD argument ("only a selector (-l) or a POD name is
allowed"), and --tail defaults to 10 lines per pod (selectorTail). LogsForObject then asks
for each pod of the list, defaulting each one's container as for a single pod (the
"Defaulted container" notes go to stderr as the requests are made, before any log line),
and the requests are read one after the other; the first error ends the output.
"""

from .. import errors
from ..labels import matches_expressions
from .args import UsageError, parse_int
from .get import label_expressions
from .kerrors import check_err, from_api
from .resources import resolve

SELECTOR_TAIL = 10  # logs.go selectorTail


def logs_by_selector(cluster, inv, namespace: str, pod_log_lines) -> str:
    if inv.args:
        raise UsageError(
            "error: only a selector (-l) or a POD name is allowed\n"
            "See 'kubectl logs -h' for help and examples"
        )
    try:  # the pod list request's labelSelector, which the API server parses
        expressions = label_expressions(resolve("pods"), inv.flag("selector"))
    except errors.ApiError as error:
        return check_err(from_api(error))
    tail = parse_int(inv.flag("tail", -1))
    if tail < -1:
        raise UsageError("error: --tail must be greater than or equal to -1")
    if tail == -1:
        tail = SELECTOR_TAIL
    pods = [
        pod
        for pod in cluster.api.list("Pod", namespace)
        if matches_expressions(pod["metadata"].get("labels"), expressions)
    ]
    if not pods:
        return f"No resources found in {namespace} namespace."
    container = inv.flag("container")
    notes: list[str] = []
    output: list[str] = []
    for pod in sorted(pods, key=lambda p: p["metadata"]["name"]):
        pod_notes, lines = pod_log_lines(cluster, inv, pod, container, tail)
        notes.extend(pod_notes)
        output.extend(lines)
        if lines and lines[-1].startswith("Error from server"):
            break  # sequentialConsumeRequest returns the first error
    return "\n".join([*notes, *output])
