"""The garbage collector: dependents follow their owners (ownerReferences).

Background deletion removes the owner first and its dependents after;
foreground deletion keeps the owner (with the foregroundDeletion finalizer)
until its blocking dependents are gone.
"""

from ..apiserver import FOREGROUND, is_namespaced
from ..store import ANY_KIND
from .base import Controller

# Owners whose deletion this controller hears of (any kind may be a dependent: they are
# found through the store's ownerReferences index). Upstream watches every resource; an
# owner of another kind is looked up before its dependents are judged orphans.
WATCHED_KINDS = (
    "Pod",
    "ReplicaSet",
    "Deployment",
    "EndpointSlice",
    "Service",
    "Job",
    "CronJob",
    "DaemonSet",
    "StatefulSet",
    "Node",  # a node's Lease
)


class GarbageCollector(Controller):
    name = "garbage-collector"

    def __init__(self, ctx):
        super().__init__(ctx)
        self._live_uids: dict[str, tuple[str, str, str]] = {}
        for kind in WATCHED_KINDS:
            ctx.store.watch(kind, self._on_object)
        ctx.store.watch(ANY_KIND, self._on_any_deletion)

    def _on_any_deletion(self, event_type: str, obj: dict) -> None:
        """An owner of a kind not watched above is gone: its dependents are orphans now."""
        uid = obj["metadata"].get("uid")
        if (
            event_type == "DELETED"
            and obj["kind"] not in WATCHED_KINDS
            and uid
            and self.ctx.store.dependents_of(uid)
        ):
            self.enqueue(("orphans-of", uid))

    def _on_object(self, event_type: str, obj: dict) -> None:
        meta = obj["metadata"]
        ident = (obj["kind"], meta.get("namespace", ""), meta["name"])
        if event_type == "DELETED":
            self._live_uids.pop(meta["uid"], None)
            self.enqueue(("orphans-of", meta["uid"]))
        else:
            self._live_uids[meta["uid"]] = ident
            if FOREGROUND in (meta.get("finalizers") or ()):
                self.enqueue(("foreground", ident))
        for ref in meta.get("ownerReferences") or ():
            owner = self._live_uids.get(ref["uid"])
            if owner is None:
                self.enqueue(("orphans-of", ref["uid"]))
            elif event_type == "DELETED":
                self.enqueue(("foreground", owner))

    def _owner_exists(self, ref: dict, dependent_namespace: str) -> bool:
        """attemptToDeleteItem's isDangling: the owner is there if an object of its kind and
        name, in the dependent's namespace unless cluster-scoped, has its uid."""
        if ref["uid"] in self._live_uids:
            return True
        kind = ref.get("kind", "")
        namespace = dependent_namespace if is_namespaced(kind, ref.get("apiVersion", "")) else ""
        owner = self.ctx.store.get(kind, namespace, ref.get("name", ""))
        return owner is not None and owner["metadata"].get("uid") == ref["uid"]

    def reconcile(self, key) -> None:
        action, target = key
        if action == "orphans-of":
            if target in self._live_uids:
                return
            for kind, namespace, name in self.ctx.store.dependents_of(target):
                dependent = self.ctx.store.get(kind, namespace, name)
                if dependent is None or dependent["metadata"].get("deletionTimestamp"):
                    continue
                refs = dependent["metadata"].get("ownerReferences") or []
                if not any(self._owner_exists(ref, namespace) for ref in refs):
                    self.ctx.api.delete(kind, namespace, name)
        else:
            kind, namespace, name = target
            owner = self.ctx.store.get(kind, namespace, name)
            if owner is None or FOREGROUND not in (owner["metadata"].get("finalizers") or ()):
                return
            remaining = self.ctx.store.dependents_of(owner["metadata"]["uid"])
            for dep_kind, dep_ns, dep_name in remaining:
                dependent = self.ctx.store.get(dep_kind, dep_ns, dep_name)
                if dependent is not None and not dependent["metadata"].get("deletionTimestamp"):
                    self.ctx.api.delete(dep_kind, dep_ns, dep_name, propagation="Foreground")
            if not remaining:
                self.ctx.api.remove_finalizer(owner, FOREGROUND)
