"""The ReplicaSet controller (pkg/controller/replicaset): keep N active pods matching a selector.

Adopts matching orphans, releases pods whose labels stop matching, creates pods
from the template with generated names, deletes the least valuable pods first,
and reports replicas / ready / available in status.
"""

from .. import podutil
from ..events import NORMAL
from ..jsoncopy import clone
from ..labels import matches_selector
from ..timefmt import parse_rfc3339
from .base import Controller, controller_ref, owner_reference

BURST_REPLICAS = 500  # --concurrent-replicaset-syncs' companion: at most this many per sync


class ReplicaSetController(Controller):
    name = "replicaset-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("ReplicaSet", self._on_replicaset)
        ctx.store.watch("Pod", self._on_pod)
        self._orphans: dict[str, dict[str, None]] = {}  # namespace -> orphan pod names

    def _on_replicaset(self, event_type: str, rs: dict) -> None:
        self.enqueue((rs["metadata"]["namespace"], rs["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        namespace, name = podutil.key(pod)
        ref = controller_ref(pod)
        if ref is not None:
            self._orphans.get(namespace, {}).pop(name, None)
            if ref["kind"] == "ReplicaSet":
                self.enqueue((namespace, ref["name"]))
            return
        if event_type == "DELETED":
            self._orphans.get(namespace, {}).pop(name, None)
            return
        self._orphans.setdefault(namespace, {})[name] = None
        for rs in self.ctx.store.list("ReplicaSet", namespace):
            if matches_selector(pod["metadata"].get("labels"), rs["spec"].get("selector")):
                self.enqueue((namespace, rs["metadata"]["name"]))

    def reconcile(self, key) -> None:
        namespace, name = key
        rs = self.ctx.store.get("ReplicaSet", namespace, name)
        if rs is None or rs["metadata"].get("deletionTimestamp"):
            return
        pods = self._claim_pods(rs)
        active = [pod for pod in pods if podutil.is_active(pod)]
        wanted = rs["spec"].get("replicas", 1)
        diff = len(active) - wanted
        if diff < 0:
            self._create_pods(rs, min(-diff, BURST_REPLICAS))
        elif diff > 0:
            self._delete_pods(rs, active, min(diff, BURST_REPLICAS))
        self._update_status(rs)

    # pods ------------------------------------------------------------------

    def owned_pods(self, rs: dict) -> list[dict]:
        uid = rs["metadata"]["uid"]
        pods = []
        for kind, namespace, name in self.ctx.store.dependents_of(uid):
            if kind != "Pod":
                continue
            pod = self.ctx.store.get("Pod", namespace, name)
            ref = controller_ref(pod) if pod else None
            if ref and ref["uid"] == uid:
                pods.append(pod)
        pods.sort(key=lambda p: p["metadata"]["name"])
        return pods

    def _claim_pods(self, rs: dict) -> list[dict]:
        """ControllerRefManager: adopt matching orphans, release non-matching pods."""
        selector = rs["spec"].get("selector")
        namespace = rs["metadata"]["namespace"]
        owned = []
        for pod in self.owned_pods(rs):
            if matches_selector(pod["metadata"].get("labels"), selector):
                owned.append(pod)
            else:
                refs = [
                    r
                    for r in pod["metadata"]["ownerReferences"]
                    if r["uid"] != rs["metadata"]["uid"]
                ]
                if refs:
                    pod["metadata"]["ownerReferences"] = refs
                else:
                    pod["metadata"].pop("ownerReferences")
                self.ctx.api.touch(pod)
        for pod_name in list(self._orphans.get(namespace, {})):
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            if pod is None or controller_ref(pod) is not None:
                self._orphans[namespace].pop(pod_name, None)
                continue
            if podutil.is_active(pod) and matches_selector(pod["metadata"].get("labels"), selector):
                pod["metadata"].setdefault("ownerReferences", []).append(owner_reference(rs))
                self._orphans[namespace].pop(pod_name, None)
                self.ctx.api.touch(pod)
                owned.append(pod)
        return owned

    def _create_pods(self, rs: dict, count: int) -> None:
        template = rs["spec"]["template"]
        for _ in range(count):
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
            created = self.ctx.api.create(pod)
            self.ctx.events.record(
                rs,
                NORMAL,
                "SuccessfulCreate",
                f"Created pod: {created['metadata']['name']}",
                component=self.name,
            )

    def _delete_pods(self, rs: dict, active: list[dict], count: int) -> None:
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

    def _update_status(self, rs: dict) -> None:
        pods = [pod for pod in self.owned_pods(rs) if podutil.is_active(pod)]
        labels = (rs["spec"]["template"].get("metadata") or {}).get("labels") or {}
        min_ready = rs["spec"].get("minReadySeconds", 0)
        now = self.ctx.now_ms
        status = {
            "availableReplicas": sum(1 for p in pods if podutil.is_available(p, min_ready, now)),
            "fullyLabeledReplicas": sum(
                1 for p in pods if labels.items() <= (p["metadata"].get("labels") or {}).items()
            ),
            "observedGeneration": rs["metadata"].get("generation", 1),
            "readyReplicas": sum(1 for p in pods if podutil.is_ready(p)),
            "replicas": len(pods),
        }
        # Upstream omits zero counts (omitempty) except replicas.
        status = {k: v for k, v in status.items() if v or k == "replicas"}
        if min_ready:
            self._recheck_availability(rs, pods, min_ready)
        old = rs.get("status") or {}
        if {k: v for k, v in old.items() if k != "conditions"} != status:
            if old.get("conditions"):
                status["conditions"] = old["conditions"]
            rs["status"] = status
            self.ctx.api.touch(rs)

    def _recheck_availability(self, rs: dict, pods: list[dict], min_ready: int) -> None:
        """Pods ready but not yet available: look again when minReadySeconds have passed."""
        now = self.ctx.now_ms
        for pod in pods:
            ready = podutil.condition(pod, "Ready")
            if (
                ready
                and ready["status"] == "True"
                and not podutil.is_available(pod, min_ready, now)
            ):
                due = parse_rfc3339(ready["lastTransitionTime"]) + min_ready * 1000
                key = (rs["metadata"]["namespace"], rs["metadata"]["name"])
                self.ctx.timeline.call_at(due, self.enqueue, key)


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
