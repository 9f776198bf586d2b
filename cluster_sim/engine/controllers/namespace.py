"""The namespace controller: a namespace being deleted empties itself, then goes.

Like upstream's, it deletes everything in the namespace and checks again until
nothing is left (pods may take their grace period to go), then removes the
namespace's `kubernetes` finalizer and the namespace with it.
"""

from ..timefmt import SECOND
from .base import Controller

RECHECK_MS = 1 * SECOND
CLUSTER_SCOPED = ("Namespace", "Node")


class NamespaceController(Controller):
    name = "namespace-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Namespace", self._on_namespace)

    def _on_namespace(self, event_type: str, namespace: dict) -> None:
        if event_type != "DELETED" and namespace["metadata"].get("deletionTimestamp"):
            self.enqueue(namespace["metadata"]["name"])

    def reconcile(self, name) -> None:
        namespace = self.ctx.store.get("Namespace", "", name)
        if namespace is None or not namespace["metadata"].get("deletionTimestamp"):
            return
        remaining = 0
        for kind in self.ctx.store.kinds():
            if kind in CLUSTER_SCOPED:
                continue
            for obj in self.ctx.store.list(kind, name):
                remaining += 1
                if not obj["metadata"].get("deletionTimestamp"):
                    self.ctx.api.delete(kind, name, obj["metadata"]["name"])
        if remaining:
            self.ctx.timeline.call_later(RECHECK_MS, self.enqueue, name)
        else:
            self.ctx.api.finish_namespace(namespace)
