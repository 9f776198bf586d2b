"""The object store: etcd's role in the simulation.

Holds every API object by kind, namespace and name; stamps a cluster-wide
resourceVersion on each write; notifies watchers (controllers' informers) and
keeps a bounded change log for "what changed since version N".
"""

from __future__ import annotations  # methods named `list` shadow the builtin in annotations

from collections import deque
from collections.abc import Callable

Key = tuple[str, str]  # (namespace, name); namespace "" for cluster-scoped kinds
WatchHandler = Callable[[str, dict], None]  # (event type ADDED/MODIFIED/DELETED, object)

CHANGE_LOG_LIMIT = 50_000


ANY_KIND = "*"  # watch() every kind


class Store:
    def __init__(self) -> None:
        self.resource_version = 0
        self._objects: dict[str, dict[Key, dict]] = {}
        self._by_namespace: dict[str, dict[str, dict[str, dict]]] = {}
        self._dependents: dict[str, dict[tuple[str, str, str], None]] = {}
        # What each object's ownerReferences said when last indexed: objects are
        # changed in place, so the old owners cannot be read back from them.
        self._owners_of: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._watchers: dict[str, list[WatchHandler]] = {}
        self._changes: deque[tuple[int, str, str, str, str]] = deque(maxlen=CHANGE_LOG_LIMIT)
        # Every watcher sees a kind's events in resourceVersion order, as an informer does:
        # an event written by a handler waits until the one being handed out reached them all
        # (else a watcher after the kubelet would see a pod DELETED, then MODIFIED: a ghost).
        self._undelivered: deque[tuple[str, str, dict]] = deque()
        self._delivering = False

    # reads -----------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> dict | None:
        return self._objects.get(kind, {}).get((namespace, name))

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        """Objects of a kind (in one namespace, or all), sorted by namespace and name."""
        if namespace is None:
            table = self._objects.get(kind, {})
            return [table[key] for key in sorted(table)]
        table = self._by_namespace.get(kind, {}).get(namespace, {})
        return [table[name] for name in sorted(table)]

    def iter_kind(self, kind: str):
        """Unsorted, for internal passes that do not depend on order."""
        return self._objects.get(kind, {}).values()

    def count(self, kind: str) -> int:
        return len(self._objects.get(kind, {}))

    def kinds(self) -> list[str]:
        return sorted(kind for kind, table in self._objects.items() if table)

    def dependents_of(self, owner_uid: str) -> list[tuple[str, str, str]]:
        """(kind, namespace, name) of objects whose ownerReferences name this uid."""
        return list(self._dependents.get(owner_uid, {}))

    # writes ----------------------------------------------------------------

    def put(self, obj: dict, event_type: str) -> dict:
        """Store a new or changed object, bump resourceVersion, notify watchers."""
        kind, meta = obj["kind"], obj["metadata"]
        namespace, name = meta.get("namespace", ""), meta["name"]
        self._reindex_owners(kind, namespace, name, obj)
        self.resource_version += 1
        meta["resourceVersion"] = str(self.resource_version)
        self._objects.setdefault(kind, {})[(namespace, name)] = obj
        self._by_namespace.setdefault(kind, {}).setdefault(namespace, {})[name] = obj
        self._record(event_type, kind, namespace, name)
        return obj

    def remove(self, kind: str, namespace: str, name: str) -> dict | None:
        obj = self._objects.get(kind, {}).pop((namespace, name), None)
        if obj is None:
            return None
        self._by_namespace[kind][namespace].pop(name, None)
        self._reindex_owners(kind, namespace, name, None)
        self.resource_version += 1
        self._record("DELETED", kind, namespace, name, obj)
        return obj

    def watch(self, kind: str, handler: WatchHandler) -> None:
        """Call handler(event_type, obj) for every change to objects of `kind` (ANY_KIND:
        every kind), in resourceVersion order."""
        self._watchers.setdefault(kind, []).append(handler)

    def changes_since(self, resource_version: int) -> list[tuple[int, str, str, str, str]] | None:
        """(rv, event type, kind, namespace, name) after resource_version, oldest first.

        None when the log no longer reaches that far back: the caller must resync.
        """
        if self._changes and self._changes[0][0] > resource_version + 1:
            return None
        return [change for change in self._changes if change[0] > resource_version]

    # internals -------------------------------------------------------------

    def _record(self, event_type: str, kind: str, namespace: str, name: str, obj=None) -> None:
        self._changes.append((self.resource_version, event_type, kind, namespace, name))
        target = obj if obj is not None else self._objects[kind][(namespace, name)]
        self._undelivered.append((event_type, kind, target))
        if self._delivering:
            return  # a handler wrote: every watcher first gets the event being handed out
        self._delivering = True
        try:
            while self._undelivered:
                event_type, kind, target = self._undelivered.popleft()
                for handler in self._watchers.get(kind, ()):
                    handler(event_type, target)
                for handler in self._watchers.get(ANY_KIND, ()):
                    handler(event_type, target)
        finally:
            self._delivering = False

    def _reindex_owners(self, kind: str, namespace: str, name: str, obj: dict | None) -> None:
        key = (kind, namespace, name)
        new_uids = (
            tuple(ref["uid"] for ref in obj["metadata"].get("ownerReferences") or ())
            if obj is not None
            else ()
        )
        old_uids = self._owners_of.get(key, ())
        if new_uids == old_uids:
            return
        for uid in old_uids:
            deps = self._dependents.get(uid)
            if deps is not None:
                deps.pop(key, None)
                if not deps:
                    del self._dependents[uid]
        for uid in new_uids:
            self._dependents.setdefault(uid, {})[key] = None
        if new_uids:
            self._owners_of[key] = new_uids
        else:
            self._owners_of.pop(key, None)
