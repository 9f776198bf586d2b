"""The pod garbage collector: force-deletes pods bound to nodes that do not exist.

Upstream's gcOrphaned (pkg/controller/podgc/gc_controller.go) runs every 20 s
(gcCheckPeriod). A pass that finds a pod whose spec.nodeName names no Node puts that
name in quarantine for 40 s (quarantineTime); the first pass after it asks the API
server for the node once more and, if it is still missing, marks each of its pods
Failed with a DisruptionTarget condition (reason DeletionByPodGC) and deletes it with
a zero grace period. That covers the pods of a node that was deleted and a pod created
with the name of a node that never existed. PodGC records no event.

The simulation computes when those passes happen rather than running every one: a
Node deletion or a pod bound to a missing node books the collection for that name.
"""

from .. import podutil
from ..timefmt import SECOND

GC_CHECK_PERIOD_MS = 20 * SECOND
QUARANTINE_MS = 40 * SECOND


class PodGarbageCollector:
    name = "pod-garbage-collector"

    def __init__(self, ctx):
        self.ctx = ctx
        self._booked: dict[str, int] = {}  # node name -> when its pods are collected
        ctx.store.watch("Node", self._on_node)
        ctx.store.watch("Pod", self._on_pod)

    def _on_node(self, event_type: str, node: dict) -> None:
        if event_type == "DELETED":
            self._book(node["metadata"]["name"])

    def _on_pod(self, event_type: str, pod: dict) -> None:
        node_name = pod["spec"].get("nodeName")
        if event_type == "DELETED" or not node_name or node_name in self._booked:
            return
        if self.ctx.store.get("Node", "", node_name) is None:
            self._book(node_name)

    def _book(self, node_name: str) -> None:
        """The first gc pass after now sees the orphans; the first one 40 s after that
        finds the quarantine over."""
        if node_name in self._booked:
            return
        first_pass = (self.ctx.now_ms // GC_CHECK_PERIOD_MS + 1) * GC_CHECK_PERIOD_MS
        due = first_pass + QUARANTINE_MS
        self._booked[node_name] = due
        self.ctx.timeline.call_at(due, self._collect, node_name)

    def _collect(self, node_name: str) -> None:
        if self.ctx.store.get("Node", "", node_name) is not None:
            self._booked.pop(node_name, None)
            return
        now = self.ctx.now_ms
        for pod in self.ctx.store.list("Pod"):
            if pod["spec"].get("nodeName") != node_name:
                continue
            # markFailedAndDeletePodWithCondition: Failed first (no kubelet will ever say so)
            if pod["status"].get("phase") not in podutil.TERMINAL_PHASES:
                pod["status"]["phase"] = "Failed"
                podutil.set_condition(
                    pod,
                    "DisruptionTarget",
                    "True",
                    now,
                    "DeletionByPodGC",
                    "PodGC: node no longer exists",
                )
                self.ctx.api.touch(pod)
            namespace, name = podutil.key(pod)
            if self.ctx.store.get("Pod", namespace, name) is pod:
                self.ctx.api.delete("Pod", namespace, name, grace_seconds=0)
        self._booked.pop(node_name, None)
