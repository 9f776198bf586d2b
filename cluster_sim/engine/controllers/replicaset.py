"""The ReplicaSet controller (pkg/controller/replicaset): keep N active pods matching a selector.

Adopts matching orphans, releases pods whose labels stop matching, creates pods
from the template with generated names, deletes the least valuable pods first,
and reports replicas / ready / available in status.
"""

from dataclasses import dataclass

from .. import podutil
from ..events import NORMAL
from ..jsoncopy import clone
from ..labels import matches_selector
from ..timefmt import parse_rfc3339
from .base import Controller, controller_ref, owner_reference
from .pod_control import FailureBackoff, create_pod, replica_failure, slow_start_batch

BURST_REPLICAS = 500  # --concurrent-replicaset-syncs' companion: at most this many per sync


@dataclass(slots=True)
class _PodFacts:
    """What a ReplicaSet's status needs to know about one of its active pods."""

    ready: bool
    labeled: bool  # carries every label of the template (fullyLabeledReplicas)


class _OwnedPods:
    """One ReplicaSet's active pods and the counts its status reports.

    Kept up to date from pod watch events, so a sync costs what changed since the last
    one rather than a pass over every replica (upstream re-lists from its informer
    cache; at 5,000 replicas per ReplicaSet that pass is what would dominate).
    """

    def __init__(self, uid: str, template_labels: dict, min_ready_seconds: int) -> None:
        self.uid = uid
        self.template_labels = template_labels
        self.min_ready_seconds = min_ready_seconds
        self.active: dict[str, _PodFacts] = {}  # pod name -> facts
        self.ready = 0
        self.labeled = 0
        # ready pods still inside minReadySeconds: pod name -> when they become available
        self.not_yet_available: dict[str, int] = {}

    def matches(self, rs: dict) -> bool:
        return (
            self.uid == rs["metadata"]["uid"]
            and self.template_labels == _template_labels(rs)
            and self.min_ready_seconds == rs["spec"].get("minReadySeconds", 0)
        )

    def discard(self, name: str) -> None:
        facts = self.active.pop(name, None)
        if facts is not None:
            self.ready -= facts.ready
            self.labeled -= facts.labeled
        self.not_yet_available.pop(name, None)

    def add(self, name: str, facts: _PodFacts) -> None:
        self.active[name] = facts
        self.ready += facts.ready
        self.labeled += facts.labeled

    def available(self, now_ms: int) -> int:
        for name, due in list(self.not_yet_available.items()):
            if due <= now_ms:
                del self.not_yet_available[name]
        return self.ready - len(self.not_yet_available)


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("ReplicaSet", self._on_replicaset)
        ctx.store.watch("Pod", self._on_pod)
        self._orphans: dict[str, dict[str, None]] = {}  # namespace -> orphan pod names
        self._owned: dict[tuple[str, str], _OwnedPods] = {}  # ReplicaSet key -> its pods
        self._changed: dict[tuple[str, str], dict[str, None]] = {}  # key -> pod names
        self._owner_of: dict[tuple[str, str], tuple[str, str]] = {}  # pod key -> RS key
        # a sync whose creates were refused (quota, limits) is retried with backoff
        self._backoff = FailureBackoff(ctx.timeline, self.enqueue)

    def _on_replicaset(self, event_type: str, rs: dict) -> None:
        self.enqueue((rs["metadata"]["namespace"], rs["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        namespace, name = pod_key = podutil.key(pod)
        ref = controller_ref(pod)
        owner = (
            (namespace, ref["name"]) if ref is not None and ref["kind"] == "ReplicaSet" else None
        )
        previous = self._owner_of.get(pod_key)
        if previous is not None and previous != owner:
            self._pod_changed(previous, name)  # released, or handed to another owner
        if owner is not None and event_type != "DELETED":
            self._owner_of[pod_key] = owner
        else:
            self._owner_of.pop(pod_key, None)
        if ref is not None:
            self._orphans.get(namespace, {}).pop(name, None)
            if owner is not None:
                self._pod_changed(owner, name)
            return
        if event_type == "DELETED":
            self._orphans.get(namespace, {}).pop(name, None)
            return
        self._orphans.setdefault(namespace, {})[name] = None
        for rs in self.ctx.store.list("ReplicaSet", namespace):
            if matches_selector(pod["metadata"].get("labels"), rs["spec"].get("selector")):
                self.enqueue((namespace, rs["metadata"]["name"]))

    def _pod_changed(self, rs_key: tuple[str, str], pod_name: str) -> None:
        self._changed.setdefault(rs_key, {})[pod_name] = None
        self.enqueue(rs_key)

    def reconcile(self, key) -> None:
        namespace, name = key
        rs = self.ctx.store.get("ReplicaSet", namespace, name)
        changed = self._changed.pop(key, {})
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            self._owned.pop(key, None)
            return
        owned = self._owned.get(key)
        if owned is None or not owned.matches(rs):
            owned = self._owned[key] = _OwnedPods(
                rs["metadata"]["uid"], _template_labels(rs), rs["spec"].get("minReadySeconds", 0)
            )
            changed = {
                pod_name: None
                for kind, _, pod_name in self.ctx.store.dependents_of(owned.uid)
                if kind == "Pod"
            }
        for pod_name in sorted(changed):
            self._refresh(rs, owned, pod_name)
        self._adopt_orphans(rs, owned)
        wanted = rs["spec"].get("replicas", 1)
        diff = len(owned.active) - wanted
        error = None
        if diff < 0:
            error = self._create_pods(rs, min(-diff, BURST_REPLICAS))
        elif diff > 0:
            self._delete_pods(rs, owned, min(diff, BURST_REPLICAS))
        failure = "FailedCreate" if diff < 0 else "FailedDelete"
        self._update_status(rs, owned, error, failure)
        # processNextWorkItem: a failed sync is requeued rate-limited, a good one forgotten
        if error is None:
            self._backoff.forget(key)
        else:
            self._backoff.failed(key)

    # pods ------------------------------------------------------------------

    def _refresh(self, rs: dict, owned: _OwnedPods, pod_name: str) -> None:
        """Re-read one pod: count it, drop it, or release it if its labels stopped matching."""
        owned.discard(pod_name)
        pod = self.ctx.store.get("Pod", rs["metadata"]["namespace"], pod_name)
        ref = controller_ref(pod) if pod is not None else None
        if ref is None or ref["uid"] != owned.uid:
            return
        if not matches_selector(pod["metadata"].get("labels"), rs["spec"].get("selector")):
            self._release(rs, pod)  # ControllerRefManager: release pods that no longer match
            return
        if podutil.is_active(pod):
            self._count(rs, owned, pod)

    def _count(self, rs: dict, owned: _OwnedPods, pod: dict) -> None:
        name = pod["metadata"]["name"]
        labels = pod["metadata"].get("labels") or {}
        ready = podutil.condition(pod, "Ready")
        is_ready = bool(ready and ready["status"] == "True")
        owned.add(name, _PodFacts(is_ready, owned.template_labels.items() <= labels.items()))
        if is_ready and owned.min_ready_seconds:
            due = parse_rfc3339(ready["lastTransitionTime"]) + owned.min_ready_seconds * 1000
            if due > self.ctx.now_ms:
                # ready, not yet available: look again when minReadySeconds have passed
                owned.not_yet_available[name] = due
                key = (rs["metadata"]["namespace"], rs["metadata"]["name"])
                self.ctx.timeline.call_at(due, self.enqueue, key)

    def _release(self, rs: dict, pod: dict) -> None:
        refs = [r for r in pod["metadata"]["ownerReferences"] if r["uid"] != rs["metadata"]["uid"]]
        if refs:
            pod["metadata"]["ownerReferences"] = refs
        else:
            pod["metadata"].pop("ownerReferences")
        self.ctx.api.touch(pod)

    def _adopt_orphans(self, rs: dict, owned: _OwnedPods) -> None:
        """ControllerRefManager: adopt active orphans that match the selector."""
        namespace = rs["metadata"]["namespace"]
        selector = rs["spec"].get("selector")
        for pod_name in list(self._orphans.get(namespace, {})):
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            if pod is None or controller_ref(pod) is not None:
                self._orphans[namespace].pop(pod_name, None)
                continue
            if podutil.is_active(pod) and matches_selector(pod["metadata"].get("labels"), selector):
                pod["metadata"].setdefault("ownerReferences", []).append(owner_reference(rs))
                self._orphans[namespace].pop(pod_name, None)
                self.ctx.api.touch(pod)
                self._changed.get((namespace, rs["metadata"]["name"]), {}).pop(pod_name, None)
                self._count(rs, owned, pod)

    def _create_pods(self, rs: dict, count: int):
        """manageReplicas: slow-start batches; returns the first refusal, if any."""
        template = rs["spec"]["template"]

        def create_one() -> None:
            meta = clone(template.get("metadata") or {})
            meta.pop("name", None)
            meta["generateName"] = rs["metadata"]["name"] + "-"
            meta["namespace"] = rs["metadata"]["namespace"]
            meta["ownerReferences"] = [owner_reference(rs)]
            pod = {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": meta,
                "spec": clone(template.get("spec") or {}),
            }
            create_pod(self.ctx, pod, rs, self.name)

        _, error = slow_start_batch(count, create_one)
        return error

    def _delete_pods(self, rs: dict, owned: _OwnedPods, count: int) -> None:
        namespace = rs["metadata"]["namespace"]
        active = [self.ctx.store.get("Pod", namespace, name) for name in sorted(owned.active)]
        for pod in rank_for_deletion(active, self._pods_per_node(active))[:count]:
            self.ctx.api.delete("Pod", *podutil.key(pod))
            self.ctx.events.record(
                rs,
                NORMAL,
                "SuccessfulDelete",
                f"Deleted pod: {pod['metadata']['name']}",
                component=self.name,
            )

    @staticmethod
    def _pods_per_node(pods: list[dict]) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pod in pods:
            node = pod["spec"].get("nodeName")
            if node:
                counts[node] = counts.get(node, 0) + 1
        return counts

    # status ----------------------------------------------------------------

    def _update_status(self, rs: dict, owned: _OwnedPods, error=None, failure="") -> None:
        # A deletion above was seen through the watch: fold it in before counting.
        for pod_name in sorted(
            self._changed.pop((rs["metadata"]["namespace"], rs["metadata"]["name"]), {})
        ):
            self._refresh(rs, owned, pod_name)
        status = {
            "availableReplicas": owned.available(self.ctx.now_ms),
            "fullyLabeledReplicas": owned.labeled,
            "observedGeneration": rs["metadata"].get("generation", 1),
            "readyReplicas": owned.ready,
            "replicas": len(owned.active),
        }
        # Upstream omits zero counts (omitempty) except replicas.
        status = {k: v for k, v in status.items() if v or k == "replicas"}
        old = rs.get("status") or {}
        conditions = replica_failure(old.get("conditions"), error, failure, self.ctx.now_ms)
        if conditions:
            status["conditions"] = conditions
        if old != status:
            rs["status"] = status
            self.ctx.api.touch(rs)


def _template_labels(rs: dict) -> dict:
    return dict((rs["spec"]["template"].get("metadata") or {}).get("labels") or {})


def rank_for_deletion(pods: list[dict], per_node: dict[str, int]) -> list[dict]:
    """Pods to delete first come first (controller.ActivePodsWithRanks ordering)."""
    phase_rank = {"Pending": 0, "Unknown": 1, "Running": 2}

    def sort_key(pod: dict):
        node = pod["spec"].get("nodeName")
        statuses = pod["status"].get("containerStatuses") or []
        restarts = max((s.get("restartCount", 0) for s in statuses), default=0)
        return (
            1 if node else 0,
            phase_rank.get(pod["status"].get("phase"), 0),
            1 if podutil.is_ready(pod) else 0,
            -per_node.get(node, 0),
            -restarts,
            # newer pods go first; names break ties deterministically
            _negated(pod["metadata"].get("creationTimestamp", "")),
            pod["metadata"]["name"],
        )

    return sorted(pods, key=sort_key)


def _negated(timestamp: str) -> tuple:
    return tuple(-ord(ch) for ch in timestamp)
