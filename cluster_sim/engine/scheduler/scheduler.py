"""kube-scheduler's loop: take a pending pod, filter nodes, score them, bind the best.

Pods that fit nowhere wait in the unschedulable set until the cluster changes
in a way that could help (a node added or changed, a pod gone), then retry. As in
upstream's scheduling queue (pkg/scheduler/backend/queue), a pod that failed waits out
its back-off before that retry: 1 s after its first failure, doubling to 10 s. So a
burst of changes (a Job's pods finishing one after another) retries each waiting pod at
most once per back-off, not once per change.
"""

from ..events import NORMAL, WARNING, object_reference
from ..podutil import set_condition
from . import batch, plugins
from .cache import TERMINAL_PHASES, SchedulerCache
from .framework import UNRESOLVABLE, CycleState, FilterFailure
from .record import FULL_DETAIL_NODE_LIMIT, TOP_SCORED_KEPT, SchedulingRecord
from .volume_binding import VolumeBinding, VolumeRestrictions, has_claims

SCHEDULER_NAME = "default-scheduler"
# kube-scheduler runs on the control-plane machine (not a node in this simulation); its
# events.k8s.io recorder reports as `<scheduler name>-<os.Hostname()>`
# (tools/events NewRecorder: reportingInstance = reportingController + "-" + hostname).
CONTROL_PLANE_HOST = "control-plane"
REPORTING_INSTANCE = f"{SCHEDULER_NAME}-{CONTROL_PLANE_HOST}"
# validation.NoteLengthLimit: truncateMessage cuts a FailedScheduling note to this many bytes.
NOTE_LENGTH_LIMIT = 1024
# --pod-initial-backoff-seconds and --pod-max-backoff-seconds (KubeSchedulerConfiguration)
POD_INITIAL_BACKOFF_MS = 1_000
POD_MAX_BACKOFF_MS = 10_000
# numFeasibleNodesToFind (pkg/scheduler/schedule_one.go)
MIN_FEASIBLE_NODES_TO_FIND = 100
MIN_FEASIBLE_NODES_PERCENTAGE = 5


def num_feasible_nodes_to_find(total: int) -> int:
    if total < MIN_FEASIBLE_NODES_TO_FIND:
        return total
    percentage = max(50 - total // 125, MIN_FEASIBLE_NODES_PERCENTAGE)
    return max(total * percentage // 100, MIN_FEASIBLE_NODES_TO_FIND)


class Scheduler:
    name = SCHEDULER_NAME

    def __init__(self, ctx, image_info, batch_threshold: int = FULL_DETAIL_NODE_LIMIT):
        self.ctx = ctx
        self.cache = SchedulerCache()
        self.table = batch.NodeTable(self.cache)
        # Above this many nodes the cycle runs over arrays (batch.py); same decisions.
        self.batch_threshold = batch_threshold
        self.records: dict[str, SchedulingRecord] = {}
        self._active: dict[str, tuple[str, str]] = {}
        self._unschedulable: dict[str, tuple[str, str]] = {}
        # failed attempts per pod, and when the last one was (for the back-off)
        self._attempts: dict[str, tuple[int, int]] = {}
        self._backing_off: dict[str, tuple[str, str]] = {}  # uid -> key, until it is due
        self._flush_due: int | None = None
        self._node_order: list[str] | None = None
        self._next_start = 0
        self._image_nodes: dict[str, int] = {}
        self.filters = [
            plugins.NodeUnschedulable(),
            plugins.NodeName(),
            plugins.TaintToleration(),
            plugins.NodeAffinity(),
            plugins.NodePorts(),
            plugins.NodeResourcesFit(),
        ]
        spread = plugins.PodTopologySpread(self.cache.owner_counts)
        self._spread = spread
        self.scorers = [
            self.filters[2],
            self.filters[3],
            self.filters[5],
            spread,
            plugins.NodeResourcesBalancedAllocation(),
            plugins.ImageLocality(image_info, self._nodes_with_image),
        ]
        # Only pods with persistentVolumeClaim volumes run these (volume_binding.py).
        self.volume_binding = VolumeBinding(ctx.store)
        self.volume_filters = [VolumeRestrictions(ctx.store, ctx.storage), self.volume_binding]
        self._waiting_on_volumes: dict[str, str] = {}  # pod uid -> node PreBind chose
        ctx.store.watch("Node", self._on_node)
        ctx.store.watch("Pod", self._on_pod)
        for kind in ("PersistentVolumeClaim", "PersistentVolume", "StorageClass"):
            ctx.store.watch(kind, self._on_storage)

    # watches ---------------------------------------------------------------

    def _on_node(self, event_type: str, node: dict) -> None:
        self.cache.on_node(event_type, node)
        self.table.node_changed(node["metadata"]["name"], removed=event_type == "DELETED")
        if event_type != "MODIFIED" or self._node_order is None:
            self._node_order = None
        self._recount_images()
        self._retry_unschedulable()

    def _on_pod(self, event_type: str, pod: dict) -> None:
        self.cache.on_pod(event_type, pod)
        if pod["spec"].get("nodeName"):
            self.table.usage_changed(pod["spec"]["nodeName"])
        uid = pod["metadata"]["uid"]
        if event_type == "DELETED" or pod["metadata"].get("deletionTimestamp"):
            self._active.pop(uid, None)
            self._unschedulable.pop(uid, None)
            self._backing_off.pop(uid, None)
            self._attempts.pop(uid, None)
            self._waiting_on_volumes.pop(uid, None)
            if event_type == "DELETED" and pod["spec"].get("nodeName"):
                self.records.pop(uid, None)
                self._retry_unschedulable()
            elif event_type == "DELETED":
                self.records.pop(uid, None)
            return
        if pod["status"].get("phase") in TERMINAL_PHASES and pod["spec"].get("nodeName"):
            self._retry_unschedulable()
        if (
            self._is_pending(pod)
            and uid not in self._unschedulable
            and uid not in self._backing_off
        ):
            self._active[uid] = (pod["metadata"]["namespace"], pod["metadata"]["name"])

    def _on_storage(self, event_type: str, obj: dict) -> None:
        """VolumeBinding's cluster events: a claim, volume or class added or changed may
        let a pod waiting on its volumes go on."""
        if event_type != "DELETED":
            self._retry_unschedulable()

    def _is_pending(self, pod: dict) -> bool:
        return (
            not pod["spec"].get("nodeName")
            and pod["spec"].get("schedulerName", SCHEDULER_NAME) == SCHEDULER_NAME
        )

    def _retry_unschedulable(self) -> None:
        """MoveAllToActiveOrBackoffQueue: pods whose back-off is over go to the active
        queue, the others wait in the back-off queue until it is."""
        if not self._unschedulable:
            return
        now = self.ctx.timeline.now_ms
        for uid, key in self._unschedulable.items():
            if self._backoff_due(uid) <= now:
                self._active[uid] = key
            else:
                self._backing_off[uid] = key
        self._unschedulable.clear()
        self._schedule_flush()

    def _backoff_due(self, uid: str) -> int:
        attempts, last_ms = self._attempts.get(uid, (0, 0))
        if not attempts:
            return 0
        backoff = min(POD_INITIAL_BACKOFF_MS * 2 ** (attempts - 1), POD_MAX_BACKOFF_MS)
        return last_ms + backoff

    def _schedule_flush(self) -> None:
        if not self._backing_off:
            return
        due = min(self._backoff_due(uid) for uid in self._backing_off)
        if self._flush_due is None or due < self._flush_due:
            self._flush_due = due
            self.ctx.timeline.call_at(due, self._flush_backoff, due)

    def _flush_backoff(self, due: int) -> None:
        """flushBackoffQCompleted: pods whose back-off has run out become active."""
        if due != self._flush_due:
            return  # an earlier flush was scheduled since
        self._flush_due = None
        now = self.ctx.timeline.now_ms
        for uid in [uid for uid in self._backing_off if self._backoff_due(uid) <= now]:
            self._active[uid] = self._backing_off.pop(uid)
        self._schedule_flush()

    def _recount_images(self) -> None:
        counts: dict[str, int] = {}
        for info in self.cache.nodes.values():
            for image in info.images:
                counts[image] = counts.get(image, 0) + 1
        self._image_nodes = counts

    def _nodes_with_image(self, image: str) -> int:
        return self._image_nodes.get(image, 0)

    # the loop --------------------------------------------------------------

    def has_work(self) -> bool:
        return bool(self._active)

    def run(self) -> int:
        """Attempt every pod in the active queue once; returns how many were tried."""
        batch = list(self._active.items())
        self._active.clear()
        for uid, (namespace, name) in batch:
            pod = self.ctx.store.get("Pod", namespace, name)
            if pod is None or pod["metadata"]["uid"] != uid or not self._is_pending(pod):
                continue
            if pod["metadata"].get("deletionTimestamp"):
                continue
            self.schedule_one(pod)
        return len(batch)

    def schedule_one(self, pod: dict) -> SchedulingRecord:
        claims = has_claims(pod)
        if (
            len(self.cache.nodes) > self.batch_threshold
            and not batch.wants_host_ports(pod)
            and not claims
        ):
            self.table.ensure()
            if not self.table.has_zones():
                return self._schedule_one_batch(pod)
        uid = pod["metadata"]["uid"]
        nodes = self._ordered_nodes()
        requests, nonzero = self.cache.requests_of(pod)
        state = CycleState(pod=pod, requests=requests, nonzero=nonzero, total_nodes=len(nodes))
        record = SchedulingRecord(
            namespace=pod["metadata"]["namespace"],
            pod_name=pod["metadata"]["name"],
            attempt_ms=self.ctx.timeline.now_ms,
            total_nodes=len(nodes),
        )
        self.records[uid] = record
        if claims:
            rejection = self.volume_binding.prefilter(state)
            if rejection is not None:
                self._fail_prefilter(pod, record, nodes, rejection)
                return record
        feasible = self._find_feasible(state, nodes, record, self.volume_filters if claims else ())
        if not feasible:
            self._fail(pod, record)
            return record
        chosen = self._chosen_before(uid, feasible) or self._pick(state, feasible, record)
        if claims and not self.volume_binding.bind_claims(self.ctx.api, state, chosen):
            # PreBind waits for the claims to be bound; the pod is not bound to a node yet
            self._waiting_on_volumes[uid] = chosen.name
            self._unschedulable[uid] = (record.namespace, record.pod_name)
            return record
        self._waiting_on_volumes.pop(uid, None)
        self._attempts.pop(uid, None)
        self._bind(pod, chosen, record)
        return record

    def _chosen_before(self, uid: str, feasible: list):
        """The node PreBind picked for a pod that waited for its volumes, if still feasible."""
        name = self._waiting_on_volumes.get(uid)
        return next((info for info in feasible if info.name == name), None)

    def _fail_prefilter(self, pod: dict, record: SchedulingRecord, nodes: list, reason: str):
        """A PreFilter rejection (UnschedulableAndUnresolvable) stands for every node."""
        record.prefilter_message = reason
        record.unresolvable_nodes = record.total_nodes
        if record.total_nodes <= FULL_DETAIL_NODE_LIMIT:
            for info in nodes:
                record.rejected[info.name] = ("VolumeBinding", (reason,))
        self._fail(pod, record)

    def _schedule_one_batch(self, pod: dict) -> SchedulingRecord:
        names = self._node_names()
        total = len(names)
        requests, nonzero = self.cache.requests_of(pod)
        state = CycleState(pod=pod, requests=requests, nonzero=nonzero, total_nodes=total)
        record = SchedulingRecord(
            namespace=pod["metadata"]["namespace"],
            pod_name=pod["metadata"]["name"],
            attempt_ms=self.ctx.timeline.now_ms,
            total_nodes=total,
        )
        start = self._next_start % total
        chosen, evaluated = batch.schedule_batch(
            self, state, record, start, num_feasible_nodes_to_find(total)
        )
        self._next_start = (start + evaluated) % total
        self.records[pod["metadata"]["uid"]] = record
        if chosen is None:
            self._fail(pod, record)
        else:
            self._attempts.pop(pod["metadata"]["uid"], None)
            self._bind(pod, self.cache.nodes[chosen], record)
        return record

    # phases ----------------------------------------------------------------

    def _node_names(self) -> list[str]:
        if self._node_order is None:
            self._node_order = sorted(self.cache.nodes)
            self._next_start = 0
        return self._node_order

    def _ordered_nodes(self) -> list:
        return [self.cache.nodes[name] for name in self._node_names()]

    def _find_feasible(
        self, state: CycleState, nodes: list, record: SchedulingRecord, extra=()
    ) -> list:
        total = len(nodes)
        wanted = num_feasible_nodes_to_find(total)
        keep_detail = total <= FULL_DETAIL_NODE_LIMIT
        feasible = []
        evaluated = 0
        start = self._next_start % total if total else 0
        for offset in range(total):
            info = nodes[(start + offset) % total]
            evaluated += 1
            failure = self._run_filters(state, info, extra)
            if failure is None:
                feasible.append(info)
                if len(feasible) >= wanted:
                    break
            else:
                for reason in failure.reasons:
                    record.reason_counts[reason] = record.reason_counts.get(reason, 0) + 1
                if failure.code == UNRESOLVABLE:
                    record.unresolvable_nodes += 1
                if keep_detail:
                    record.rejected[info.name] = (failure.plugin, failure.reasons)
        # Upstream rotates the starting node so sampling spreads over the cluster.
        if total:
            self._next_start = (start + evaluated) % total
        record.evaluated_nodes = evaluated
        record.detail_trimmed = not keep_detail
        return feasible

    def _run_filters(self, state: CycleState, info, extra=()) -> FilterFailure | None:
        for plugin in self.filters:
            failure = plugin.filter(state, info)
            if failure is not None:
                return failure
        for plugin in extra:  # the volume filters, after upstream's resource filters
            failure = plugin.filter(state, info)
            if failure is not None:
                return failure
        return None

    def _pick(self, state: CycleState, feasible: list, record: SchedulingRecord):
        if len(feasible) == 1:
            only = feasible[0]
            record.scores[only.name] = ()
            return only
        self._spread.prepare(state, feasible)
        totals = {info.name: 0 for info in feasible}
        per_node: dict[str, list[int]] = {info.name: [] for info in feasible}
        for plugin in self.scorers:
            raw = {info.name: plugin.score(state, info) for info in feasible}
            weight = plugins.SCORE_WEIGHTS[plugin.name]
            for name, score in plugin.normalize(raw).items():
                per_node[name].append(score * weight)
                totals[name] += score * weight
        best = max(totals.values())
        candidates = [info for info in feasible if totals[info.name] == best]
        # selectHost: a random choice among the best-scoring nodes.
        chosen = (
            candidates[self.ctx.rng.randrange(len(candidates))]
            if len(candidates) > 1
            else candidates[0]
        )
        names = list(per_node)
        if len(names) > TOP_SCORED_KEPT and record.detail_trimmed:
            names = sorted(names, key=lambda n: (-totals[n], n))[:TOP_SCORED_KEPT]
        record.scores = {name: (*per_node[name], totals[name]) for name in names}
        return chosen

    def _bind(self, pod: dict, info, record: SchedulingRecord) -> None:
        record.chosen_node = info.name
        namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
        record.message = f"Successfully assigned {namespace}/{name} to {info.name}"
        # finishBinding's event is about the assumed pod: the version the scheduler had
        # queued, before the binding changed it.
        regarding = object_reference(pod)
        pod["spec"]["nodeName"] = info.name
        set_condition(pod, "PodScheduled", "True", self.ctx.timeline.now_ms)
        self.ctx.api.touch(pod)
        self._event(regarding, NORMAL, "Scheduled", "Binding", record.message)

    def _fail(self, pod: dict, record: SchedulingRecord) -> None:
        record.message = failure_message(record)
        uid = pod["metadata"]["uid"]
        now = self.ctx.timeline.now_ms
        attempts, _ = self._attempts.get(uid, (0, 0))
        self._attempts[uid] = (attempts + 1, now)
        self._unschedulable[uid] = (record.namespace, record.pod_name)
        before = next(
            (
                (c.get("status"), c.get("reason"), c.get("message"))
                for c in pod["status"].get("conditions") or ()
                if c["type"] == "PodScheduled"
            ),
            None,
        )
        # handleSchedulingFailure records the event about the queued pod, then updates its
        # condition (only when it says something new, which changes its resourceVersion: a
        # later failure's event is then not a repeat of this one).
        regarding = object_reference(pod)
        set_condition(pod, "PodScheduled", "False", now, "Unschedulable", record.message)
        if before != ("False", "Unschedulable", record.message):
            self.ctx.api.touch(pod)
        note = truncate_message(record.message)
        self._event(regarding, WARNING, "FailedScheduling", "Scheduling", note)

    def _event(self, regarding: dict, event_type: str, reason: str, action: str, note: str):
        self.ctx.events.eventf(
            regarding,
            event_type,
            reason,
            action,
            note,
            controller=SCHEDULER_NAME,
            instance=REPORTING_INSTANCE,
        )


def truncate_message(message: str) -> str:
    """schedule_one.go truncateMessage: a note longer than NoteLengthLimit bytes ends " ..."."""
    if len(message.encode()) <= NOTE_LENGTH_LIMIT:
        return message
    suffix = " ..."
    return message.encode()[: NOTE_LENGTH_LIMIT - len(suffix)].decode(errors="ignore") + suffix


def failure_message(record: SchedulingRecord) -> str:
    """FitError.Error() plus the preemption post-filter's summary, as kube-scheduler words them."""
    total = record.total_nodes
    if total == 0:
        return "no nodes available to schedule pods"
    histogram = sorted(f"{count} {reason}" for reason, count in record.reason_counts.items())
    message = f"0/{total} nodes are available: {', '.join(histogram)}."
    if record.prefilter_message:  # FitError: PreFilter's message, no per-node histogram
        message = f"0/{total} nodes are available: {record.prefilter_message}."
    unresolvable = record.unresolvable_nodes
    resolvable = total - unresolvable
    parts = []
    if unresolvable:
        parts.append(f"{unresolvable} Preemption is not helpful for scheduling")
    if resolvable:
        parts.append(f"{resolvable} No preemption victims found for incoming pod")
    return f"{message} preemption: 0/{total} nodes are available: {', '.join(sorted(parts))}."
