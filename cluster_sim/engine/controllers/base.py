"""The shape every controller shares: watches enqueue keys, reconcile(key) converges.

Keys wait in an ordered set, so a key enqueued twice is reconciled once and
the processing order is deterministic. reconcile() reads current state and
must be idempotent: it can be called any number of times for the same key.
"""

from ..context import Context


class Controller:
    name = "controller"

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._queue: dict = {}

    def enqueue(self, key) -> None:
        self._queue[key] = None

    def has_work(self) -> bool:
        return bool(self._queue)

    def run(self) -> int:
        """Reconcile every key queued now; keys queued meanwhile wait for the next run."""
        batch = list(self._queue)
        self._queue.clear()
        for key in batch:
            self.reconcile(key)
        return len(batch)

    def reconcile(self, key) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


def controller_ref(obj: dict) -> dict | None:
    for ref in obj["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref
    return None


def owner_reference(owner: dict, *, block: bool = True) -> dict:
    return {
        "apiVersion": owner["apiVersion"],
        "blockOwnerDeletion": block,
        "controller": True,
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
    }
