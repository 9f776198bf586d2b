"""The resource quota controller (pkg/controller/resourcequota): keeps each ResourceQuota's
status.hard (its spec) and status.used (what the namespace's objects charge) current.

Event-driven, as upstream's replenishment controller is: only namespaces that have quotas
are followed; each object there is charged once when it changes (quota.charge, the same
function admission uses), and a quota is recounted when a charge in its namespace moved.
A pod that stops counting later (terminating past its deletion grace) gets a timer. The
recount sums the namespace's charges; nothing scans other namespaces or the store.
"""

from ..quantity import Quantity
from ..quota import (
    Charge,
    charge,
    charged_until_ms,
    is_tracked,
    matching_resources,
    scope_matches,
    scope_selectors,
)
from ..quota import add as add_quantity
from ..store import ANY_KIND
from .base import Controller


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        # namespace -> (kind, name) -> charge; only namespaces with at least one quota
        self._charges: dict[str, dict[tuple[str, str], Charge]] = {}
        self._api_versions: dict[str, str] = {}  # kind -> apiVersion (count/<resource>)
        self._timers: set[tuple[str, str, str]] = set()
        ctx.store.watch(ANY_KIND, self._on_change)

    def _on_change(self, event_type: str, obj: dict) -> None:
        meta = obj["metadata"]
        namespace = meta.get("namespace")
        if not namespace:
            return
        if obj["kind"] == "ResourceQuota":
            if namespace not in self._charges and event_type != "DELETED":
                self._follow(namespace)
            self.enqueue((namespace, meta["name"]))
        charges = self._charges.get(namespace)
        if charges is None:
            return
        key = (obj["kind"], meta["name"])
        new = None if event_type == "DELETED" else self._charge(obj)
        if charges.get(key) == new:
            return
        if new is None:
            charges.pop(key, None)
        else:
            charges[key] = new
        self._enqueue_quotas(namespace)

    def _follow(self, namespace: str) -> None:
        """A namespace's first quota: charge what is already there (the informers' list)."""
        store = self.ctx.store
        charges = self._charges[namespace] = {}
        for kind in store.kinds():
            for obj in store.list(kind, namespace):
                charges[(kind, obj["metadata"]["name"])] = self._charge(obj)

    def _charge(self, obj: dict) -> Charge:
        self._api_versions.setdefault(obj["kind"], obj.get("apiVersion", "v1"))
        if obj["kind"] == "Pod":
            until = charged_until_ms(obj)
            if until is not None and until >= self.ctx.now_ms:
                self._recheck_at(until + 1, obj)
        return charge(obj, self.ctx.now_ms)

    def _recheck_at(self, due_ms: int, pod: dict) -> None:
        key = (pod["metadata"]["namespace"], pod["metadata"]["name"], pod["metadata"]["uid"])
        if key not in self._timers:
            self._timers.add(key)
            self.ctx.timeline.call_at(due_ms, self._recheck, key)

    def _recheck(self, key: tuple[str, str, str]) -> None:
        self._timers.discard(key)
        namespace, name, uid = key
        pod = self.ctx.store.get("Pod", namespace, name)
        if pod is not None and pod["metadata"]["uid"] == uid:
            self._on_change("MODIFIED", pod)

    def _enqueue_quotas(self, namespace: str) -> None:
        for quota in self.ctx.store.list("ResourceQuota", namespace):
            self.enqueue((namespace, quota["metadata"]["name"]))

    def reconcile(self, key) -> None:
        """syncResourceQuota: status.hard from the spec, status.used recounted for every
        hard resource some evaluator tracks; written only when it changed."""
        namespace, name = key
        quota = self.ctx.store.get("ResourceQuota", namespace, name)
        if quota is None:
            if not self.ctx.store.list("ResourceQuota", namespace):
                self._charges.pop(namespace, None)
            return
        if namespace not in self._charges:
            self._follow(namespace)
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        used = self.usage(quota, hard)
        status = {"hard": hard, "used": {n: str(amount) for n, amount in used.items()}}
        if quota.get("status") != status:
            quota["status"] = status
            self.ctx.api.touch(quota)

    def usage(self, quota: dict, hard: dict) -> dict[str, Quantity]:
        """quota.CalculateUsage over the namespace's charges, masked to the hard names."""
        tracked = sorted(name for name in hard if is_tracked(name))
        used: dict[str, Quantity] = {name: Quantity.zero() for name in tracked}
        selectors = scope_selectors(quota)
        names_for: dict[str, set[str]] = {}  # kind -> the tracked names it charges
        for (kind, _), item in self._charges[quota["metadata"]["namespace"]].items():
            if selectors and not all(scope_matches(s, item.facts) for s in selectors):
                continue
            names = names_for.get(kind)
            if names is None:
                api_version = self._api_versions.get(kind, "v1")
                names = names_for[kind] = matching_resources(kind, api_version, tracked)
            for name in names:
                amount = item.usage.get(name)
                if amount is not None:
                    used[name] = add_quantity(used[name], amount)
        return used
