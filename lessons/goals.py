"""Goal checks: hands-on tasks graded on the cluster's state, never on the commands typed.

Each check is `check(cluster_factory, **params) -> GoalResult`. `cluster_factory()` returns
a fresh copy of the learner's cluster (a replay of their command log: the engine is
deterministic, so a copy is a replay), as a `Cluster` or a `(cluster, runner)` pair. A
check may do anything to its copies (kill nodes, send traffic, advance the clock): the
learner's own cluster is never touched.

Fairness rules every check follows: it inspects only the objects the task names, so extra
harmless objects never fail it; it judges what the cluster does (endpoints that answer,
replicas that are ready), so a bypass that only looks right (a hand-written endpoint, a
Deployment scaled by hand instead of autoscaled) does not pass it. Same log, same verdict.
"""

from collections.abc import Callable

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.labels import (
    SelectorError,
    matches_expressions,
    matches_map,
    parse_selector,
)
from cluster_sim.engine.timefmt import MINUTE, SECOND, exact_duration

from .goal_storage import data_survives_pod_replacement
from .goal_support import (
    STEP_MS,
    GoalResult,
    advance_until,
    condition_of,
    fresh_copy,
    run_as_learner,
)

POD_PHASES = ("Pending", "Running", "Succeeded", "Failed", "Unknown")
# Rescheduling after an eviction: the ReplicaSet's new pod is scheduled, pulls its image
# and turns ready. Two minutes covers the course's images; startup_scale shortens it.
RESCHEDULE_MARGIN_MS = 2 * MINUTE
# Before a node is killed the copy gets up to this long to finish what the learner
# started (a scale-up just typed, a rollout): the check judges the settled state.
WARMUP_LIMIT_MS = 3 * MINUTE


def _replaced(cluster_factory, cluster: Cluster, kind: str, namespace: str, name: str) -> str:
    """ "" when the object is the one the task started with (same uid); else why not. The
    factory's `original()` builds the task's starting cluster: deleting the object and
    creating a new one is a bypass, not a fix."""
    original = getattr(cluster_factory, "original", None)
    if original is None:
        return "This check needs the task's starting cluster to compare with."
    before = fresh_copy(original).store.get(kind, namespace, name)
    now = cluster.store.get(kind, namespace, name)
    if before is None or before["metadata"]["uid"] != now["metadata"]["uid"]:
        return f'{kind} "{name}" was deleted and created again; the task asks to fix the one that was there.'
    return ""


def _node_names(cluster: Cluster) -> list[str]:
    return sorted(node["metadata"]["name"] for node in cluster.store.list("Node"))


# --- the Service survives the loss of any one node ------------------------------------------


def _serving_endpoints(cluster: Cluster, service: dict) -> set[str]:
    """Names of the pods behind the Service that can answer now.

    Read from the Service's EndpointSlices (label kubernetes.io/service-name), as kube-proxy
    reads them; an endpoint counts when it is ready (a missing `ready` means ready, per the
    EndpointSlice API), points at a pod the Service selects that is not terminating, and
    that pod's node is powered. The last rule matters right after a node dies: its pods stay
    `ready` in the slice until the node-monitor grace period ends, but requests sent to
    them time out, so they are not counted (kubernetes.io/docs/concepts/services-networking/
    endpoint-slices/#conditions; /docs/concepts/architecture/nodes/#node-controller).
    """
    namespace = service["metadata"]["namespace"]
    name = service["metadata"]["name"]
    selector = service["spec"].get("selector")
    serving = set()
    for endpoint_slice in cluster.store.list("EndpointSlice", namespace):
        labels = endpoint_slice["metadata"].get("labels") or {}
        if labels.get("kubernetes.io/service-name") != name:
            continue
        for endpoint in endpoint_slice.get("endpoints") or ():
            if (endpoint.get("conditions") or {}).get("ready") is False:
                continue
            ref = endpoint.get("targetRef") or {}
            if ref.get("kind") != "Pod":
                continue
            pod = cluster.store.get("Pod", ref.get("namespace") or namespace, ref.get("name", ""))
            if pod is None or pod["metadata"].get("deletionTimestamp"):
                continue
            if not matches_map(pod["metadata"].get("labels"), selector):
                continue
            node = pod["spec"].get("nodeName")
            if node and cluster.node_powered(node):
                serving.add(pod["metadata"]["name"])
    return serving


def _selected_pods(cluster: Cluster, service: dict) -> list[dict]:
    """The Service's live pods: selected, not finished, not being deleted."""
    return [
        pod
        for pod in cluster.store.list("Pod", service["metadata"]["namespace"])
        if matches_map(pod["metadata"].get("labels"), service["spec"].get("selector"))
        and not pod["metadata"].get("deletionTimestamp")
        and pod["status"].get("phase") not in ("Succeeded", "Failed")
    ]


def _backing_pods_settled(cluster: Cluster, service: dict) -> bool:
    """Every live pod the Service selects is ready: what the learner started has finished."""
    pods = _selected_pods(cluster, service)
    return bool(pods) and all(
        (condition_of(pod, "Ready") or {}).get("status") == "True" for pod in pods
    )


def _outages(counts: list[int]) -> list[tuple[int, int]]:
    """(start second, length in seconds) of each run of zeros in a per-second series."""
    runs, start = [], None
    for second, count in enumerate(counts):
        if count == 0 and start is None:
            start = second
        elif count and start is not None:
            runs.append((start, second - start))
            start = None
    if start is not None:
        runs.append((start, len(counts) - start))
    return runs


def _too_few(min_ready: int) -> str:
    return "no ready endpoint" if min_ready == 1 else f"fewer than {min_ready} ready endpoints"


def _enough(min_ready: int) -> str:
    return "a ready endpoint" if min_ready == 1 else f"at least {min_ready} ready endpoints"


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _selects_other_pods(cluster_factory, service: dict) -> str:
    """ "" when the Service selects what it selected in the task's starting cluster (or the
    task started without it); else why not. Pointing the name at other pods (a new Service
    over the UI, an edited selector) is a bypass: the pods that had to survive still fail."""
    original = getattr(cluster_factory, "original", None)
    if original is None:
        return ""
    meta = service["metadata"]
    before = fresh_copy(original).store.get(
        "Service", meta.get("namespace", "default"), meta["name"]
    )
    if before is None or before["spec"].get("selector") == service["spec"].get("selector"):
        return ""
    return (
        f'Service "{meta["name"]}" now selects {_labels(service)} instead of '
        f"{_labels(before)}: the task is about the pods it selected, which still need to survive."
    )


def _labels(service: dict) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(service["spec"]["selector"].items())) or "nothing"


def service_keeps_endpoint_when_any_node_fails(
    cluster_factory, service: str, namespace: str = "default", min_ready: int = 1
) -> GoalResult:
    """For each node, on its own fresh copy: power the node off (`sim node kill`), then watch
    the Service every second through the node-monitor grace period, the NoExecute
    toleration (taint-based eviction) and the rescheduling that follows, with the cluster's
    own profile timings plus a margin. It passes when, for every node, the Service had at
    least `min_ready` serving endpoints (see `_serving_endpoints`) at every one of those
    seconds: a gap of one second is an outage, even if the end state looks fine. Once the
    Service's pods have settled, a node that runs none of them is not replayed: its loss
    cannot take an endpoint away.

    Fair: only this Service's endpoints are inspected, so other objects change nothing.
    Bypasses fail: a deleted Service; a Service without a selector whose endpoints were
    written by hand (nothing keeps them in step with the pods, and the endpoints counted
    must be pods the Service selects); a Service of that name selecting other pods than at
    the task's start (when the factory has `original()`); one replica; three replicas
    pinned to one node.
    """
    first = fresh_copy(cluster_factory)
    found = first.store.get("Service", namespace, service)
    if found is None:
        return GoalResult(False, f'There is no Service "{service}" in namespace "{namespace}".')
    if not found["spec"].get("selector"):
        return GoalResult(
            False,
            f'Service "{service}" has no selector: its endpoints are not kept in step with '
            "any pods, so nothing replaces them when a node fails.",
        )
    redirected = _selects_other_pods(cluster_factory, found)
    if redirected:
        return GoalResult(False, redirected)
    warmup_start = first.now_ms
    settled = advance_until(first, WARMUP_LIMIT_MS, lambda: _backing_pods_settled(first, found))
    warmup_ms = first.now_ms - warmup_start
    if len(_serving_endpoints(first, found)) < min_ready:
        return GoalResult(
            False,
            f'Service "{service}" has {_too_few(min_ready)} even before any node fails.',
        )
    profile = first.profile
    window_ms = (
        profile.node_monitor_grace_ms
        + profile.default_toleration_seconds * SECOND
        + int(RESCHEDULE_MARGIN_MS * profile.startup_scale)
    )
    hosts = {pod["spec"].get("nodeName") for pod in _selected_pods(first, found)}
    details, failed_nodes = [], []
    for node in _node_names(first):
        if not first.node_powered(node):
            continue  # already down in the learner's cluster: the state above includes it
        if settled and node not in hosts:
            # Settled, so no pod of the Service is on its way to this node: losing it can
            # take no endpoint away (its other pods are evicted, not the Service's). Skipping
            # the replay keeps a 100-node cluster's check to the nodes that matter.
            details.append(f"{node} down: runs none of the Service's pods")
            continue
        cluster = fresh_copy(cluster_factory)
        cluster.advance(warmup_ms)
        live = cluster.store.get("Service", namespace, service)
        run_as_learner(cluster, f"sim node kill {node}")
        counts = [len(_serving_endpoints(cluster, live))]
        for _ in range(window_ms // STEP_MS):
            cluster.advance(STEP_MS)
            counts.append(len(_serving_endpoints(cluster, live)))
        short = _outages([int(count >= min_ready) for count in counts])
        if short:
            failed_nodes.append(node)
            start, length = short[0]
            details.append(
                f"{node} down: {_too_few(min_ready)} for {length}s, "
                f"from {start}s after the node failed"
            )
        else:
            lowest = min(counts)
            details.append(
                f"{node} down: at least {lowest} ready endpoint{'' if lowest == 1 else 's'} "
                "throughout"
            )
    window = exact_duration(window_ms)
    if failed_nodes:
        return GoalResult(
            False,
            f'Service "{service}" has {_too_few(min_ready)} for a while when '
            f"{_either(failed_nodes)} fails (watched for {window} after each failure).",
            details,
        )
    return GoalResult(
        True,
        f'Service "{service}" kept {_enough(min_ready)} through the loss of each node '
        f"(watched for {window} after each failure).",
        details,
    )


# --- workloads --------------------------------------------------------------------------------


def deployment_available(
    cluster_factory,
    name: str,
    namespace: str = "default",
    replicas: int | None = None,
    image: str | None = None,
    wait_seconds: int = 120,
    same_object: bool = False,
) -> GoalResult:
    """The Deployment exists, its Available condition is True and it has `replicas` ready
    replicas (when given; otherwise at least one), within `wait_seconds` of simulated time.
    With `image`, a container of its pod template runs that image and the rollout to that
    template has finished (every replica is updated), so the ready pods are the new ones.

    With `same_object`, it must be the Deployment the task started with (same uid): the
    factory's `original()` builds that starting cluster.

    Reads the Deployment's own status, which its controller computes from its pods
    (kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status).
    Fair: waiting lets a rollout the learner just started finish. "At least one" when no
    count is given, because a Deployment scaled to 0 reports Available too yet serves nothing.
    """
    cluster = fresh_copy(cluster_factory)
    if cluster.store.get("Deployment", namespace, name) is None:
        return GoalResult(False, f'There is no Deployment "{name}" in namespace "{namespace}".')
    if same_object:
        replaced = _replaced(cluster_factory, cluster, "Deployment", namespace, name)
        if replaced:
            return GoalResult(False, replaced)

    def facts() -> dict:
        deployment = cluster.store.get("Deployment", namespace, name) or {}
        status, spec = deployment.get("status", {}), deployment.get("spec", {})
        containers = spec.get("template", {}).get("spec", {}).get("containers") or ()
        return {
            "Available condition": (condition_of(deployment, "Available") or {}).get("status")
            == "True",
            "ready replicas": status.get("readyReplicas", 0),
            "rolled out": status.get("observedGeneration", 0)
            >= deployment.get("metadata", {}).get("generation", 0)
            and status.get("updatedReplicas", 0) == spec.get("replicas", 1),
            "images": sorted({c.get("image", "") for c in containers}),
        }

    def done() -> bool:
        now = facts()
        ready = now["ready replicas"]
        enough = ready == replicas if replicas is not None else ready >= 1
        if image is not None and (image not in now["images"] or not now["rolled out"]):
            return False
        return now["Available condition"] and enough

    if advance_until(cluster, wait_seconds * SECOND, done):
        ready = facts()["ready replicas"]
        return GoalResult(True, f'Deployment "{name}" is available with {ready} ready.')
    now = facts()
    want = replicas if replicas is not None else "at least 1"
    details = [
        f"Available condition: {now['Available condition']}",
        f"ready replicas: {now['ready replicas']} (want {want})",
    ]
    if image is not None:
        details += [f"images: {', '.join(now['images'])} (want {image})"]
        # "rolled out" alone read as success beside 0 ready replicas: say what it means
        replaced = "yes" if now["rolled out"] else "not yet"
        details += [f"every replica created from the current template: {replaced}"]
    return GoalResult(
        False, f'Deployment "{name}" is not available as asked after {wait_seconds}s.', details
    )


def pod_count(
    cluster_factory, selector: str, phase: str, count: int, namespace: str = "default"
) -> GoalResult:
    """Exactly `count` pods matching the label selector (kubectl's `-l` syntax) are in
    `phase` now, not counting pods being deleted (they are on their way out).

    Fair: pods the selector does not match are ignored, so extra objects do not fail it.
    """
    if phase not in POD_PHASES:
        return GoalResult(False, f"Unknown pod phase {phase!r}: one of {', '.join(POD_PHASES)}.")
    try:
        requirements = parse_selector(selector)
    except SelectorError as error:
        return GoalResult(False, f"The selector {selector!r} is not valid: {error}")
    cluster = fresh_copy(cluster_factory)
    matching = sorted(
        pod["metadata"]["name"]
        for pod in cluster.store.list("Pod", namespace)
        if matches_expressions(pod["metadata"].get("labels"), requirements)
        and pod["status"].get("phase") == phase
        and not pod["metadata"].get("deletionTimestamp")
    )
    message = f"{len(matching)} pod(s) matching {selector} are {phase} (want {count})."
    return GoalResult(len(matching) == count, message, matching)


def job_complete(
    cluster_factory, name: str, namespace: str = "default", wait_seconds: int = 300
) -> GoalResult:
    """The Job has its Complete condition True, within `wait_seconds` of simulated time (a
    Job still running is given time to finish; one that Failed stops the wait).

    Reads the condition the job controller sets once `completions` pods succeeded
    (kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup).
    """
    cluster = fresh_copy(cluster_factory)
    if cluster.store.get("Job", namespace, name) is None:
        return GoalResult(False, f'There is no Job "{name}" in namespace "{namespace}".')

    def finished(kind: str) -> bool:
        job = cluster.store.get("Job", namespace, name)
        return job is not None and (condition_of(job, kind) or {}).get("status") == "True"

    advance_until(
        cluster, wait_seconds * SECOND, lambda: finished("Complete") or finished("Failed")
    )
    job = cluster.store.get("Job", namespace, name) or {}
    status = job.get("status", {})
    details = [f"succeeded: {status.get('succeeded', 0)}", f"failed: {status.get('failed', 0)}"]
    if finished("Complete"):
        return GoalResult(True, f'Job "{name}" completed.', details)
    if finished("Failed"):
        reason = (condition_of(job, "Failed") or {}).get("reason", "")
        return GoalResult(False, f'Job "{name}" failed ({reason}).', details)
    return GoalResult(False, f'Job "{name}" has not completed after {wait_seconds}s.', details)


# --- autoscaling ------------------------------------------------------------------------------


def _hpas_for(cluster: Cluster, namespace: str, deployment: str) -> list[dict]:
    return [
        hpa
        for hpa in cluster.store.list("HorizontalPodAutoscaler", namespace)
        if (ref := hpa["spec"].get("scaleTargetRef") or {}).get("kind") == "Deployment"
        and ref.get("name") == deployment
    ]


def _service_for(cluster: Cluster, namespace: str, deployment: dict) -> str | None:
    labels = deployment["spec"]["template"]["metadata"].get("labels")
    names = sorted(
        svc["metadata"]["name"]
        for svc in cluster.store.list("Service", namespace)
        if matches_map(labels, svc["spec"].get("selector"))
    )
    return names[0] if names else None


def hpa_scales(
    cluster_factory,
    deployment: str,
    min_replicas: int,
    max_replicas: int,
    namespace: str = "default",
    rps: int = 50,
) -> GoalResult:
    """A HorizontalPodAutoscaler targets the Deployment with exactly these bounds, and it
    works: with `rps` requests/s sent to a Service in front of the Deployment's pods
    (`sim traffic`), the Deployment's replicas rise above `min_replicas` within a few HPA
    sync periods; once the traffic stops, they return to `min_replicas` after the
    scale-down stabilization window; they never exceed `max_replicas`. Timings are the
    cluster profile's (kubernetes.io/docs/concepts/workloads/autoscaling/
    horizontal-pod-autoscale/: the sync period and the 300 s default window).

    Fair: it judges the replica count the autoscaler sets, not the HPA's text, so a
    Deployment scaled by hand, or an HPA without a usable metric (no CPU request), fails.
    """
    cluster = fresh_copy(cluster_factory)
    target = cluster.store.get("Deployment", namespace, deployment)
    if target is None:
        return GoalResult(False, f'There is no Deployment "{deployment}" in "{namespace}".')
    hpas = _hpas_for(cluster, namespace, deployment)
    if not hpas:
        return GoalResult(False, f'No HorizontalPodAutoscaler targets Deployment "{deployment}".')
    if len(hpas) > 1:
        names = ", ".join(sorted(h["metadata"]["name"] for h in hpas))
        return GoalResult(False, f"Several autoscalers target {deployment} ({names}): keep one.")
    spec = hpas[0]["spec"]
    bounds = (spec.get("minReplicas", 1), spec.get("maxReplicas"))
    if bounds != (min_replicas, max_replicas):
        return GoalResult(
            False,
            f"The autoscaler's bounds are {bounds[0]}..{bounds[1]}; the task asks for "
            f"{min_replicas}..{max_replicas}.",
        )
    service = _service_for(cluster, namespace, target)
    if service is None:
        return GoalResult(False, f"No Service sends traffic to {deployment}'s pods.")

    peak = [0]

    def replicas() -> int:
        current = cluster.store.get("Deployment", namespace, deployment)
        count = current["spec"].get("replicas", 1) if current else 0
        peak[0] = max(peak[0], count)
        return count

    profile = cluster.profile
    scale_up_ms = 6 * profile.hpa_sync_period_ms
    scale_down_ms = profile.hpa_downscale_stabilization_ms + 6 * profile.hpa_sync_period_ms
    # At rest first: the check sends the only traffic to this Service, and a rise only
    # proves the autoscaler if it starts from the floor (not from a hand-set count).
    run_as_learner(cluster, f"sim traffic {service} --rps 0 -n {namespace}")
    rested = advance_until(cluster, scale_down_ms, lambda: replicas() == min_replicas)
    peak[0] = 0
    run_as_learner(cluster, f"sim traffic {service} --rps {rps} -n {namespace}")
    rose = rested and advance_until(cluster, scale_up_ms, lambda: replicas() > min_replicas)
    advance_until(cluster, scale_up_ms, lambda: replicas() > max_replicas)  # the ceiling holds
    run_as_learner(cluster, f"sim traffic {service} --rps 0 -n {namespace}")
    fell = advance_until(
        cluster, scale_down_ms, lambda: replicas() == min_replicas or peak[0] > max_replicas
    )
    details = [
        f"peak replicas under {rps} requests/s: {peak[0]}",
        f"replicas after the load stopped: {replicas()}",
    ]
    if not rested:
        return GoalResult(
            False,
            f"Without load, {deployment} did not settle at {min_replicas} replica(s) within "
            f"{exact_duration(scale_down_ms)}: is the autoscaler able to read a metric?",
            details,
        )
    if not rose:
        return GoalResult(
            False,
            f"Under load, {deployment} stayed at {min_replicas} replica(s) for "
            f"{exact_duration(scale_up_ms)}: the autoscaler did not scale it.",
            details,
        )
    if peak[0] > max_replicas:
        return GoalResult(False, f"{deployment} went above {max_replicas} replicas.", details)
    if not fell:
        return GoalResult(
            False,
            f"After the load stopped, {deployment} did not return to {min_replicas} "
            f"replica(s) within {exact_duration(scale_down_ms)}.",
            details,
        )
    return GoalResult(True, f"{deployment} scaled out under load and back in after.", details)


GOAL_CHECKS: dict[str, Callable[..., GoalResult]] = {
    check.__name__: check
    for check in (
        service_keeps_endpoint_when_any_node_fails,
        deployment_available,
        pod_count,
        job_complete,
        hpa_scales,
        data_survives_pod_replacement,
    )
}
