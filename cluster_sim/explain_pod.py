"""The "Why?" panel of a pod: its status, owners, the scheduler's record, conditions, events.

Everything is read from what the engine recorded (the scheduler's SchedulingRecord, the
pod's status, its Events); nothing is recomputed. The STATUS text is kubectl's own
(printers.pod_summary), ages are kubectl's AGE (HumanDuration).
"""

from cluster_sim.engine.kubectl.describe import event_age, pod_qos_class
from cluster_sim.engine.kubectl.printers import pod_summary, since, timestamp_ms
from cluster_sim.engine.scheduler.plugins import SCORE_WEIGHTS
from cluster_sim.engine.scheduler.record import (
    FULL_DETAIL_NODE_LIMIT,
    SCORE_PLUGINS,
    SchedulingRecord,
)
from cluster_sim.engine.timefmt import exact_duration, human_duration

PENDING_STATUSES = {"Pending", "ContainerCreating", "PodInitializing", "SchedulingGated"}
IMAGE_PULL_FAILURES = {"ErrImagePull", "ImagePullBackOff"}


# --- shared with the Service panel and the topology ------------------------------------


def status_tone(status: str) -> str:
    """A CSS-friendly word for a kubectl STATUS text; the text itself is always shown too."""
    if status in ("Running", "Ready"):
        return "ok"
    if status in PENDING_STATUSES or (status.startswith("Init:") and status[5:6].isdigit()):
        return "pending"
    if status in ("Completed", "Succeeded"):
        return "done"
    if status in ("Terminating", "Unknown", ""):
        return "warn"
    return "error"  # CrashLoopBackOff, ErrImagePull, Error, OOMKilled, a NotReady node, ...


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


# --- the panel ----------------------------------------------------------------------------


def why_pod(cluster, namespace: str, name: str) -> dict | None:
    pod = cluster.store.get("Pod", namespace, name)
    if pod is None:
        return None
    now = cluster.now_ms
    spec, status = pod["spec"], pod.get("status") or {}
    summary = pod_summary(pod, now)
    record = cluster.scheduling_record(namespace, name)
    events = cluster.events_for(pod)
    return {
        "namespace": namespace,
        "name": name,
        "explanation": explain(pod, summary.status, record, events, cluster.profile),
        "phase": status.get("phase") or "Pending",
        "status": summary.status,
        "tone": status_tone(summary.status),
        "ready": summary.ready,
        "restarts": summary.restarts,
        "node": spec.get("nodeName") or "",
        "ip": status.get("podIP") or "",
        "qos": pod_qos_class(pod),
        "owners": [
            {"kind": obj["kind"], "name": obj["metadata"]["name"]}
            for obj in cluster.owner_chain(pod)
        ],
        "scheduling": scheduling(record, spec, events, now),
        "conditions": conditions(status.get("conditions") or [], now),
        "events": newest_first(events, now),
    }


# --- the one-line explanation ------------------------------------------------------------------


def explain(pod: dict, status: str, record, events: list[dict], profile) -> str:
    spec = pod["spec"]
    node = spec.get("nodeName")
    if status == "Terminating":
        return "Terminating: the pod was deleted and the kubelet is stopping its containers."
    if status == "SchedulingGated":
        return "Waiting: the scheduler skips this pod until its schedulingGates are removed."
    if not node:
        return _unscheduled(pod, record)
    waiting = _first_waiting(pod)
    if status in ("ContainerCreating", "PodInitializing"):
        pulling = _pulling_now(events)
        if pulling:  # 'Pulling image "nginx"'
            return f"Scheduled to {node}; the kubelet is {pulling[0].lower()}{pulling[1:]}."
        return f"Scheduled to {node}; the kubelet is creating its containers."
    if status.removeprefix("Init:") in IMAGE_PULL_FAILURES:
        image = f" {waiting['image']}" if waiting and waiting.get("image") else ""
        return (
            f"{status}: the kubelet on {node} cannot pull the image{image}. It keeps "
            f"retrying with a growing back-off ({_backoff(profile, 'image')})."
        )
    if status.removeprefix("Init:") == "InvalidImageName":
        return f"InvalidImageName: the image name is not valid, so the kubelet on {node} cannot pull it."
    if status.endswith("CrashLoopBackOff"):
        return _crash_loop(pod, profile)
    if status == "Running":
        return _running(pod, node)
    if status == "Unknown":
        return f"Unknown: the node {node} stopped reporting, so the pod's state is unknown."
    if status.startswith("Init:") and status[5:6].isdigit():
        return f"Initializing on {node}: init containers run one by one first ({status})."
    if status == "NotReady":
        return f"Running on {node} but not Ready: a container has finished or failed."
    exited = _last_exit(pod)
    if exited:
        return exited
    return f"{status} on {node}."


def _unscheduled(pod: dict, record: SchedulingRecord | None) -> str:
    if record is None:
        return "Pending: waiting for the scheduler to pick a node."
    if record.total_nodes == 0:
        return "Pending: the cluster has no nodes to run it on."
    if record.prefilter_message:
        return f"Pending: no node fits, because the {record.prefilter_message}."
    phrases = [
        _reason_phrase(reason, count, pod["spec"])
        for reason, count in sorted(record.reason_counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return f"Pending: no node fits. {'; '.join(phrases)}."


def _reason_phrase(reason: str, count: int, spec: dict) -> str:
    """Upstream's reason in plain words, the reason itself in brackets."""
    nodes, one = plural(count, "node"), count == 1
    if reason.startswith("Insufficient "):
        resource = reason.removeprefix("Insufficient ")
        lack = "lacks" if one else "lack"
        return (
            f"{nodes} {lack} enough unrequested {resource} for its "
            f"request{_requested(spec, resource)} ({reason})"
        )
    if reason == "Too many pods":
        runs = "runs" if one else "run"
        return f"{nodes} already {runs} as many pods as allowed ({reason})"
    if "untolerated taint" in reason:
        taint = reason.partition("untolerated taint ")[2]
        has = "has" if one else "have"
        return f"{nodes} {has} a taint {taint} the pod does not tolerate (TaintToleration)"
    if "node affinity/selector" in reason:
        pairs = sorted((spec.get("nodeSelector") or {}).items())
        selector = ",".join(f"{k}={v}" for k, v in pairs)
        wanted = f"nodeSelector {selector}" if selector else "required node affinity"
        lack = "lacks" if one else "lack"
        return f"{nodes} {lack} the labels its {wanted} asks for (NodeAffinity: {reason})"
    if reason == "node(s) were unschedulable":
        are = "is" if one else "are"
        return f"{nodes} {are} cordoned (NodeUnschedulable)"
    return f"{nodes}: {reason}"


def _requested(spec: dict, resource: str) -> str:
    """` of 2` (the containers' requests), when no init container complicates the sum."""
    if any(
        resource in ((c.get("resources") or {}).get("requests") or {})
        for c in spec.get("initContainers") or ()
    ):
        return ""
    values = [
        ((c.get("resources") or {}).get("requests") or {}).get(resource)
        for c in spec.get("containers") or ()
    ]
    values = [str(v) for v in values if v is not None]
    return f" of {' + '.join(values)}" if values else ""


def _first_waiting(pod: dict) -> dict | None:
    """The first container waiting, with its image (init containers first)."""
    status = pod.get("status") or {}
    images = {
        c["name"]: c.get("image", "")
        for c in (pod["spec"].get("initContainers") or []) + (pod["spec"].get("containers") or [])
    }
    for cs in (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or []):
        waiting = (cs.get("state") or {}).get("waiting")
        if waiting is not None:
            return {**waiting, "name": cs.get("name"), "image": images.get(cs.get("name"), "")}
    return None


def _pulling_now(events: list[dict]) -> str:
    """The message of a Pulling event not yet followed by Pulled for that container."""
    last: dict[str, dict] = {}
    for event in sorted(events, key=_last_seen_key):
        if event.get("reason") in ("Pulling", "Pulled", "Failed", "BackOff"):
            last[(event.get("involvedObject") or {}).get("fieldPath", "")] = event
    pulling = [e for e in last.values() if e.get("reason") == "Pulling"]
    return (pulling[0].get("message") or "").strip() if pulling else ""


def _crash_loop(pod: dict, profile) -> str:
    status = pod.get("status") or {}
    statuses = (status.get("initContainerStatuses") or []) + (status.get("containerStatuses") or [])
    for cs in statuses:
        waiting = (cs.get("state") or {}).get("waiting") or {}
        if waiting.get("reason") != "CrashLoopBackOff":
            continue
        last = (cs.get("lastState") or {}).get("terminated") or {}
        how = f"exit code {last.get('exitCode', '?')}"
        if last.get("reason"):
            how = f"{last['reason']}, {how}"
        return (
            f"CrashLoopBackOff: container {cs.get('name')} keeps exiting ({how}; "
            f"{plural(cs.get('restartCount', 0), 'restart')}). The kubelet restarts it after a "
            f"back-off that grows with each crash ({_backoff(profile, 'crash')})."
        )
    return "CrashLoopBackOff: a container keeps exiting and the kubelet backs off restarting it."


def _last_exit(pod: dict) -> str:
    """A container that exited and is not (yet) back: what it said, what happens next."""
    spec, status = pod["spec"], pod.get("status") or {}
    failed_init = [  # an init container that finished with 0 is done, not a problem
        cs
        for cs in status.get("initContainerStatuses") or ()
        if ((cs.get("state") or {}).get("terminated") or {}).get("exitCode", 0) != 0
    ]
    for cs in failed_init + (status.get("containerStatuses") or []):
        terminated = (cs.get("state") or {}).get("terminated")
        if terminated is None:
            continue
        code = terminated.get("exitCode", 0)
        how = f"{terminated.get('reason') or 'exited'}, exit code {code}"
        policy = spec.get("restartPolicy") or "Always"
        if status.get("phase") in ("Succeeded", "Failed"):
            return (
                f"{status['phase']}: container {cs.get('name')} ended ({how}); the pod is "
                f"finished, so with restartPolicy {policy} nothing restarts."
            )
        again = policy == "Always" or (policy == "OnFailure" and code != 0)
        then = "the kubelet will restart it" if again else "it will not be restarted"
        return f"Container {cs.get('name')} exited ({how}); with restartPolicy {policy} {then}."
    return ""


def _backoff(profile, kind: str) -> str:
    """Back-off bounds of the cluster's timing profile: upstream's 10s doubling to 5m
    (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#restart-policy, and
    /docs/concepts/containers/images/#imagepullbackoff), shorter under `fast`."""
    initial = getattr(profile, f"{kind}_backoff_initial_ms")
    maximum = getattr(profile, f"{kind}_backoff_max_ms")
    return f"{exact_duration(initial)}, doubling up to {exact_duration(maximum)}"


def _running(pod: dict, node: str) -> str:
    ready = next(
        (c for c in pod["status"].get("conditions") or () if c.get("type") == "Ready"), None
    )
    if ready is not None and ready.get("status") == "True":
        return f"Running on {node} and Ready: a Service that selects it would send it traffic."
    detail = (ready or {}).get("message") or (ready or {}).get("reason") or "not Ready yet"
    return (
        f"Running on {node} but not Ready ({detail}): Services leave it out of their "
        "endpoints until its readiness checks pass."
    )


# --- the scheduler's record ---------------------------------------------------------------


def scheduling(record: SchedulingRecord | None, spec: dict, events: list[dict], now: int):
    """The record as tables: the feasible nodes' scores and the filtered-out nodes."""
    if record is None:
        scheduled_elsewhere = spec.get("nodeName") and not any(
            e.get("reason") == "Scheduled" for e in events
        )
        return {
            "kept": False,
            "note": (
                "The pod named its node in spec.nodeName, so the scheduler never placed it."
                if scheduled_elsewhere
                else "The scheduler has no record for this pod yet."
            ),
        }
    chosen = record.chosen_node
    scored = [_scored_row(record, node, chosen) for node in record.scores]
    scored.sort(key=lambda row: (not row["chosen"], -row["total"], row["node"]))
    rejected = [
        {"node": node, "plugin": plugin, "reasons": list(reasons)}
        for node, (plugin, reasons) in sorted(record.rejected.items())
    ]
    return {
        "kept": True,
        "scheduled": chosen is not None,
        "chosen_node": chosen or "",
        "message": record.message,
        "attempt_age": human_duration(now - record.attempt_ms),
        "total_nodes": record.total_nodes,
        "evaluated_nodes": record.evaluated_nodes,
        "plugins": [{"name": p, "weight": SCORE_WEIGHTS[p]} for p in SCORE_PLUGINS],
        "scored": scored,
        "unscored_single": bool(chosen) and record.scores.get(chosen) == (),
        "rejected": rejected,
        "histogram": [
            {"reason": reason, "count": count}
            for reason, count in sorted(
                record.reason_counts.items(), key=lambda kv: (-kv[1], kv[0])
            )
        ],
        "trimmed": record.detail_trimmed,
        "trimmed_note": _trimmed_note(record) if record.detail_trimmed else "",
        "sampled_note": _sampled_note(record),
        "prefilter_message": record.prefilter_message,
    }


def _scored_row(record: SchedulingRecord, node: str, chosen: str | None) -> dict:
    values = record.node_scores(node)
    return {
        "node": node,
        "chosen": node == chosen,
        "scores": [values.get(plugin) for plugin in SCORE_PLUGINS] if len(values) > 1 else [],
        "total": values["total"],
    }


def _trimmed_note(record: SchedulingRecord) -> str:
    return (
        f"This cluster has more than {FULL_DETAIL_NODE_LIMIT} nodes, so the record keeps only "
        f"how many nodes each reason rejected and the scores of the best "
        f"{plural(len(record.scores), 'node')}, not every node's line."
    )


def _sampled_note(record: SchedulingRecord) -> str:
    if not record.evaluated_nodes or record.evaluated_nodes >= record.total_nodes:
        return ""
    return (
        f"The scheduler checked {record.evaluated_nodes} of {record.total_nodes} nodes: in a "
        "large cluster it stops once it has found enough feasible nodes "
        "(percentageOfNodesToScore)."
    )


# --- conditions and events, as kubectl describe shows them ------------------------------------


def conditions(items: list[dict], now: int) -> list[dict]:
    return [
        {
            "type": c.get("type", ""),
            "status": c.get("status", ""),
            "reason": c.get("reason") or "",
            "message": c.get("message") or "",
            "age": since(now, c.get("lastTransitionTime")),
        }
        for c in items
    ]


def newest_first(events: list[dict], now: int) -> list[dict]:
    """Events newest first, each cell as `kubectl describe`'s Events table prints it."""
    return [
        {
            "type": event.get("type", ""),
            "reason": event.get("reason", ""),
            "age": event_age(event, now),
            "from": (event.get("source") or {}).get("component")
            or event.get("reportingComponent", ""),
            "message": (event.get("message") or "").strip(),
        }
        for event in sorted(events, key=_last_seen_key, reverse=True)
    ]


def _last_seen_key(event: dict) -> tuple[int, int]:
    series = event.get("series") or {}
    seen = (
        timestamp_ms(series.get("lastObservedTime"))
        or timestamp_ms(event.get("lastTimestamp"))
        or timestamp_ms(event.get("eventTime"))
        or 0
    )
    return seen, int(event["metadata"].get("resourceVersion") or 0)
