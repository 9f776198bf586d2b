"""The pod garbage collector: force-deletes pods bound to nodes that no longer exist.

Upstream checks every 20 s (gcCheckPeriod) and waits a 40 s quarantine after a
node disappears before deleting its pods (pkg/controller/podgc).
"""

from ..timefmt import SECOND

GC_CHECK_PERIOD_MS = 20 * SECOND
QUARANTINE_MS = 40 * SECOND


class PodGarbageCollector:
    name = "pod-garbage-collector"

    def __init__(self, ctx):
        self.ctx = ctx
        ctx.store.watch("Node", self._on_node)

    def _on_node(self, event_type: str, node: dict) -> None:
        if event_type == "DELETED":
            now = self.ctx.now_ms
            due = ((now + QUARANTINE_MS) // GC_CHECK_PERIOD_MS + 1) * GC_CHECK_PERIOD_MS
            self.ctx.timeline.call_at(due, self._collect, node["metadata"]["name"])

    def _collect(self, node_name: str) -> None:
        if self.ctx.store.get("Node", "", node_name) is not None:
            return
        for pod in self.ctx.store.list("Pod"):
            if pod["spec"].get("nodeName") == node_name:
                self.ctx.api.delete(
                    "Pod", pod["metadata"]["namespace"], pod["metadata"]["name"], grace_seconds=0
                )
