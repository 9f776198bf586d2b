"""The DaemonSet controller (pkg/controller/daemon): one pod per eligible node.

Each sync snapshots the pod template as a ControllerRevision (`<ds>-<hash>`), creates a
pod, pinned by node affinity, on every node that should run one and has none, deletes
pods from nodes that should not, then rolls out a changed template: with the default
maxSurge 0 it deletes old pods while no more than maxUnavailable nodes lack an available
pod, and the next sync creates their replacements. Events and status fields are
upstream's (daemon_controller.go, update.go).
"""

from .. import errors, podutil
from ..events import NORMAL, WARNING
from ..jsoncopy import clone
from ..labels import matches_selector
from ..names import pod_template_hash
from ..timefmt import parse_rfc3339
from . import daemonset_util as du
from . import history
from .base import Controller, controller_ref, owner_reference

BURST_REPLICAS = 250  # daemon_controller.go BurstReplicas
# failedPodsBackoff: flowcontrol.NewBackOff(1s, 15min) in kube-controller-manager
FAILED_POD_BACKOFF_MS = 1000
FAILED_POD_BACKOFF_MAX_MS = 15 * 60 * 1000


class DaemonSetController(Controller):
    name = "daemonset-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("DaemonSet", self._on_daemonset)
        ctx.store.watch("Pod", self._on_pod)
        ctx.store.watch("Node", self._on_node)
        self._node_facts: dict[str, tuple] = {}  # what placement depends on, per node
        self._orphans: dict[tuple[str, str], dict[str, None]] = {}  # DS key -> pod names
        self._backoff: dict[str, tuple[int, int]] = {}  # key -> (delay ms, last update ms)

    # watches ---------------------------------------------------------------------

    def _on_daemonset(self, event_type: str, ds: dict) -> None:
        self.enqueue((ds["metadata"]["namespace"], ds["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        namespace = pod["metadata"]["namespace"]
        ref = controller_ref(pod)
        if ref is not None:
            if ref.get("kind") == "DaemonSet":
                self.enqueue((namespace, ref["name"]))
            return
        if event_type == "DELETED":
            return
        for ds in self.ctx.store.list("DaemonSet", namespace):
            selector = ds["spec"].get("selector")
            if selector and matches_selector(pod["metadata"].get("labels"), selector):
                key = (namespace, ds["metadata"]["name"])
                self._orphans.setdefault(key, {})[pod["metadata"]["name"]] = None
                self.enqueue(key)

    def _on_node(self, event_type: str, node: dict) -> None:
        """updateNode: only a change to what placement reads (labels, taints) matters; the
        kubelet's status heartbeats do not."""
        name = node["metadata"]["name"]
        if event_type == "DELETED":
            self._node_facts.pop(name, None)
        else:
            facts = (
                tuple(sorted((node["metadata"].get("labels") or {}).items())),
                repr(node["spec"].get("taints")),
            )
            if self._node_facts.get(name) == facts:
                return
            self._node_facts[name] = facts
        for ds in self.ctx.store.iter_kind("DaemonSet"):
            self.enqueue((ds["metadata"]["namespace"], ds["metadata"]["name"]))

    # reconcile -------------------------------------------------------------------

    def reconcile(self, key) -> None:
        namespace, name = key
        ds = self.ctx.store.get("DaemonSet", namespace, name)
        orphans = self._orphans.pop(key, {})
        if ds is None or ds["metadata"].get("deletionTimestamp"):
            return
        if not _selector_selects_something(ds["spec"].get("selector")):
            self.ctx.events.record(
                ds,
                WARNING,
                "SelectingAll",
                "This daemon set is selecting all pods. A non-empty selector is required.",
                component=self.name,
            )
            return
        current, old = self._construct_history(ds)
        hash_value = current["metadata"]["labels"][history.HASH_LABEL]
        nodes = self.ctx.store.list("Node")
        placement = du.Placement(ds)
        wanted = {node["metadata"]["name"]: placement.should_run(node) for node in nodes}
        by_node = self._claim_pods(ds, orphans)
        changed = self._manage(ds, nodes, wanted, by_node, hash_value)
        if not changed and ds["spec"]["updateStrategy"].get("type") == "RollingUpdate":
            # upstream rolls only once the creations and deletions above were observed
            self._rolling_update(ds, wanted, self._claim_pods(ds, {}), hash_value)
        self._cleanup_history(ds, old)
        self._update_status(ds, wanted, self._claim_pods(ds, {}), hash_value)

    # pods --------------------------------------------------------------------------

    def _claim_pods(self, ds: dict, orphans: dict) -> dict[str, list[dict]]:
        """getNodesToDaemonPods: the DaemonSet's pods by target node, after the
        ControllerRefManager adopted matching orphans and released pods that stopped
        matching."""
        uid, namespace = ds["metadata"]["uid"], ds["metadata"]["namespace"]
        selector = ds["spec"].get("selector")
        pods = []
        for kind, _, pod_name in self.ctx.store.dependents_of(uid):
            pod = self.ctx.store.get(kind, namespace, pod_name) if kind == "Pod" else None
            ref = controller_ref(pod) if pod is not None else None
            if ref is None or ref["uid"] != uid:
                continue
            if not matches_selector(pod["metadata"].get("labels"), selector):
                _release(self.ctx.api, pod, uid)
                continue
            pods.append(pod)
        for pod_name in sorted(orphans):
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            if (
                pod is None
                or controller_ref(pod) is not None
                or not podutil.is_active(pod)
                or not matches_selector(pod["metadata"].get("labels"), selector)
            ):
                continue
            pod["metadata"].setdefault("ownerReferences", []).append(owner_reference(ds))
            self.ctx.api.touch(pod)
            pods.append(pod)
        by_node: dict[str, list[dict]] = {}
        for pod in pods:
            node = du.target_node(pod)
            if node is not None:
                by_node.setdefault(node, []).append(pod)
        for node_pods in by_node.values():
            node_pods.sort(key=_by_creation_and_phase)
        return by_node

    def _manage(self, ds, nodes, wanted, by_node, hash_value) -> bool:
        """manage: create and delete so that each node runs the pods it should."""
        to_create: list[str] = []
        to_delete: list[dict] = []
        for node in nodes:
            node_name = node["metadata"]["name"]
            create, delete = self._pods_should_be_on_node(
                ds, node_name, wanted[node_name], by_node.get(node_name, []), hash_value
            )
            to_create += create
            to_delete += delete
        # getUnscheduledPodsWithoutNode: pods pinned to a node that is gone never schedule,
        # and the pod GC only collects pods bound to one.
        for node_name in sorted(set(by_node) - set(wanted)):
            to_delete += [p for p in by_node[node_name] if not p["spec"].get("nodeName")]
        self._sync_nodes(ds, to_delete, to_create, hash_value)
        return bool(to_create or to_delete)

    def _pods_should_be_on_node(self, ds, node_name, should, pods, hash_value):
        """podsShouldBeOnNode: (nodes needing a pod, pods to delete) for one node."""
        should_run, should_continue = should
        if should_run and not pods:
            return [node_name], []
        if not should_continue:
            return [], [p for p in pods if not p["metadata"].get("deletionTimestamp")]
        to_delete, running = [], []
        for pod in pods:
            if pod["metadata"].get("deletionTimestamp"):
                continue
            phase = pod["status"].get("phase")
            if phase == "Failed":
                if self._in_backoff(ds, node_name):
                    continue
                message = (
                    f"Found failed daemon pod {pod['metadata']['namespace']}/"
                    f"{pod['metadata']['name']} on node {node_name}, will try to kill it"
                )
                self.ctx.events.record(ds, WARNING, "FailedDaemonPod", message, component=self.name)
                to_delete.append(pod)
            elif phase == "Succeeded":
                message = (
                    f"Found succeeded daemon pod {pod['metadata']['namespace']}/"
                    f"{pod['metadata']['name']} on node {node_name}, will try to delete it"
                )
                self.ctx.events.record(
                    ds, NORMAL, "SucceededDaemonPod", message, component=self.name
                )
                to_delete.append(pod)
            else:
                running.append(pod)
        surge, _ = du.surge_and_unavailable(ds, 1)
        if not surge or ds["spec"]["updateStrategy"].get("type") != "RollingUpdate":
            # without surge, more than one running pod: keep the oldest
            return [], to_delete + running[1:]
        if len(running) <= 1:
            needs = [node_name] if not running and should_run else []
            return needs, to_delete
        # surging: keep the oldest new pod and, while it is not yet available, the oldest
        # old one that is still ready
        generation = du.template_generation(ds)
        newest = oldest_old = None
        for pod in running:
            if du.is_pod_updated(pod, hash_value, generation):
                if newest is None:
                    newest = pod
                    continue
            elif oldest_old is None:
                oldest_old = pod
                continue
            to_delete.append(pod)
        if newest is not None and oldest_old is not None:
            min_ready = ds["spec"].get("minReadySeconds", 0)
            if not podutil.is_ready(oldest_old) or podutil.is_available(
                newest, min_ready, self.ctx.now_ms
            ):
                to_delete.append(oldest_old)
        return [], to_delete

    def _in_backoff(self, ds: dict, node_name: str) -> bool:
        """failedPodsBackoff: deleting a failed daemon pod on a node waits 1 s, doubling up
        to 15 min, so a kubelet that keeps rejecting it is not fought in a hot loop."""
        key = f"{ds['metadata']['uid']}/{(ds.get('status') or {}).get('observedGeneration', 0)}/{node_name}"
        now = self.ctx.now_ms
        entry = self._backoff.get(key)
        if entry is not None and now - entry[1] < entry[0]:
            due = entry[1] + entry[0]
            ds_key = (ds["metadata"]["namespace"], ds["metadata"]["name"])
            self.ctx.timeline.call_at(due, self.enqueue, ds_key)
            return True
        if entry is None or now - entry[1] > 2 * FAILED_POD_BACKOFF_MAX_MS:
            delay = FAILED_POD_BACKOFF_MS
        else:
            delay = min(entry[0] * 2, FAILED_POD_BACKOFF_MAX_MS)
        self._backoff[key] = (delay, now)
        return False

    def _sync_nodes(self, ds, to_delete: list[dict], to_create: list[str], hash_value) -> None:
        """syncNodes: at most BurstReplicas creations and deletions per sync."""
        template = du.pod_template(ds, hash_value)
        namespace = ds["metadata"]["namespace"]
        for node_name in to_create[:BURST_REPLICAS]:
            meta = clone(template.get("metadata") or {})
            meta.pop("name", None)
            meta["generateName"] = ds["metadata"]["name"] + "-"
            meta["namespace"] = namespace
            meta["ownerReferences"] = [owner_reference(ds)]
            spec = clone(template.get("spec") or {})
            du.pin_to_node(spec, node_name)
            pod = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
            try:
                created = self.ctx.api.create(pod)
            except errors.ApiError as error:
                # RealPodControl: FailedCreate, and the next sync tries again
                self.ctx.events.record(
                    ds,
                    WARNING,
                    "FailedCreate",
                    f"Error creating: {error.message}",
                    component=self.name,
                )
                break
            self.ctx.events.record(
                ds,
                NORMAL,
                "SuccessfulCreate",
                f"Created pod: {created['metadata']['name']}",
                component=self.name,
            )
        for pod in to_delete[:BURST_REPLICAS]:
            if self.ctx.store.get("Pod", namespace, pod["metadata"]["name"]) is None:
                continue
            self.ctx.api.delete("Pod", namespace, pod["metadata"]["name"])
            self.ctx.events.record(
                ds,
                NORMAL,
                "SuccessfulDelete",
                f"Deleted pod: {pod['metadata']['name']}",
                component=self.name,
            )

    # rolling update ------------------------------------------------------------------

    def _rolling_update(self, ds, wanted, by_node, hash_value) -> None:
        """rollingUpdate (update.go)."""
        desired = [name for name, (run, _) in wanted.items() if run]
        surge, max_unavailable = du.surge_and_unavailable(ds, len(desired))
        for name in desired:
            by_node.setdefault(name, [])
        generation = du.template_generation(ds)
        min_ready = ds["spec"].get("minReadySeconds", 0)
        now = self.ctx.now_ms
        if surge == 0:
            unavailable = 0
            replace_now: list[dict] = []
            candidates: list[dict] = []
            for node_name in sorted(by_node):
                found = _new_and_old(by_node[node_name], hash_value, generation)
                if found is None:
                    unavailable += 1  # the manage loop tidies this node up
                    continue
                new_pod, old_pod = found
                if (new_pod is None) == (old_pod is None):
                    unavailable += 1
                elif new_pod is not None:
                    if not podutil.is_available(new_pod, min_ready, now):
                        unavailable += 1
                elif not podutil.is_available(old_pod, min_ready, now):
                    replace_now.append(old_pod)
                elif unavailable < max_unavailable:
                    candidates.append(old_pod)
            room = min(max(max_unavailable - unavailable, 0), len(candidates))
            self._sync_nodes(ds, replace_now + candidates[:room], [], hash_value)
            return
        surging = 0
        allowed: list[str] = []
        candidate_nodes: list[str] = []
        old_to_delete: list[dict] = []
        for node_name in sorted(by_node):
            found = _new_and_old(by_node[node_name], hash_value, generation)
            if found is None:
                surging += 1
                continue
            new_pod, old_pod = found
            if old_pod is None:
                continue
            should_run = wanted.get(node_name, (False, False))[0]
            if new_pod is None:
                if not podutil.is_available(old_pod, min_ready, now):
                    if should_run:
                        allowed.append(node_name)
                    else:
                        old_to_delete.append(old_pod)
                elif should_run and surging < surge:
                    candidate_nodes.append(node_name)
            elif not podutil.is_available(new_pod, min_ready, now):
                surging += 1
            else:
                old_to_delete.append(old_pod)
        room = min(max(surge - surging, 0), len(candidate_nodes))
        self._sync_nodes(ds, old_to_delete, allowed + candidate_nodes[:room], hash_value)

    # history ---------------------------------------------------------------------------

    def _construct_history(self, ds: dict) -> tuple[dict, list[dict]]:
        """constructHistory: the revision matching the template (created if new, renumbered
        to the newest if it is an old one come back) and the others."""
        revisions = history.owned_revisions(self.ctx.store, ds)
        patch = history.template_patch(ds)
        current = [r for r in revisions if r.get("data") == patch]
        old = [r for r in revisions if r.get("data") != patch]
        number = history.next_revision_number(old)
        if current:
            cur = current[-1]
            for duplicate in current[:-1]:
                self.ctx.api.delete("ControllerRevision", *_key(duplicate))
            history.set_revision_number(self.ctx.api, cur, max(cur.get("revision", 0), number))
            return cur, old
        status = ds.setdefault("status", {})
        collisions = status.get("collisionCount", 0)
        while True:
            hash_value = _template_hash(ds, collisions)
            name = history.revision_name(ds["metadata"]["name"], hash_value)
            existing = self.ctx.store.get("ControllerRevision", ds["metadata"]["namespace"], name)
            if existing is None:
                break
            collisions += 1  # a different template under the same name: bump and retry
            status["collisionCount"] = collisions
        labels = dict((ds["spec"]["template"].get("metadata") or {}).get("labels") or {})
        revision = history.new_revision(ds, labels, patch, number, hash_value)
        return self.ctx.api.create(revision), old

    def _cleanup_history(self, ds: dict, old: list[dict]) -> None:
        """cleanupHistory: beyond revisionHistoryLimit, delete the oldest revisions no pod
        still carries the hash of."""
        limit = ds["spec"].get("revisionHistoryLimit", 10)
        if len(old) <= limit:
            return
        live = set()
        for pods in self._claim_pods(ds, {}).values():
            for pod in pods:
                live.add((pod["metadata"].get("labels") or {}).get(du.HASH_LABEL))
        live_names = {
            r["metadata"]["name"]
            for r in old
            if r["metadata"]["labels"].get(history.HASH_LABEL) in live
        }
        history.truncate(self.ctx.api, old, live_names, limit)

    # status --------------------------------------------------------------------------

    def _update_status(self, ds, wanted, by_node, hash_value) -> None:
        """updateDaemonSetStatus: counted over existing nodes, from each node's oldest pod."""
        desired = current = misscheduled = ready = updated = available = 0
        generation = du.template_generation(ds)
        min_ready = ds["spec"].get("minReadySeconds", 0)
        now = self.ctx.now_ms
        next_available = None
        for node_name, (should_run, _) in wanted.items():
            pods = by_node.get(node_name)
            if not should_run:
                misscheduled += bool(pods)
                continue
            desired += 1
            if not pods:
                continue
            current += 1
            pod = pods[0]
            if podutil.is_ready(pod):
                ready += 1
                if podutil.is_available(pod, min_ready, now):
                    available += 1
                else:
                    since = parse_rfc3339(podutil.condition(pod, "Ready")["lastTransitionTime"])
                    due = since + min_ready * 1000
                    next_available = due if next_available is None else min(next_available, due)
            updated += du.is_pod_updated(pod, hash_value, generation)
        status = ds.setdefault("status", {})
        new = {
            "currentNumberScheduled": current,
            "desiredNumberScheduled": desired,
            "numberMisscheduled": misscheduled,
            "numberReady": ready,
            "observedGeneration": ds["metadata"].get("generation", 1),
            "updatedNumberScheduled": updated,
            "numberAvailable": available,
            "numberUnavailable": desired - available,
        }
        if status.get("collisionCount"):
            new["collisionCount"] = status["collisionCount"]
        # numberAvailable, numberUnavailable and updatedNumberScheduled are omitempty
        new = {k: v for k, v in new.items() if v or k not in _OMITTED_WHEN_ZERO}
        if new != status:
            ds["status"] = new
            self.ctx.api.touch(ds)
        if next_available is not None:
            # resync once minReadySeconds have passed (enqueueDaemonSetAfter)
            key = (ds["metadata"]["namespace"], ds["metadata"]["name"])
            self.ctx.timeline.call_at(next_available, self.enqueue, key)


_OMITTED_WHEN_ZERO = ("updatedNumberScheduled", "numberAvailable", "numberUnavailable")


def _template_hash(ds: dict, collisions: int) -> str:
    """controller.ComputeHash(&ds.Spec.Template, ds.Status.CollisionCount)."""
    return pod_template_hash(ds["spec"]["template"], collisions)


def _new_and_old(pods: list[dict], hash_value: str, generation) -> tuple | None:
    """findUpdatedPodsOnNode: (new pod, old pod) of a node, None if it has two of a kind."""
    new_pod = old_pod = None
    for pod in pods:
        if pod["metadata"].get("deletionTimestamp"):
            continue
        if du.is_pod_updated(pod, hash_value, generation):
            if new_pod is not None:
                return None
            new_pod = pod
        else:
            if old_pod is not None:
                return None
            old_pod = pod
    return new_pod, old_pod


def _by_creation_and_phase(pod: dict):
    """podByCreationTimestampAndPhase: scheduled pods first, then the oldest."""
    return (
        0 if pod["spec"].get("nodeName") else 1,
        pod["metadata"].get("creationTimestamp", ""),
        pod["metadata"]["name"],
    )


def _selector_selects_something(selector) -> bool:
    return bool(selector) and bool(selector.get("matchLabels") or selector.get("matchExpressions"))


def _release(api, pod: dict, owner_uid: str) -> None:
    """ControllerRefManager: a pod whose labels stopped matching is let go."""
    refs = [r for r in pod["metadata"]["ownerReferences"] if r["uid"] != owner_uid]
    if refs:
        pod["metadata"]["ownerReferences"] = refs
    else:
        del pod["metadata"]["ownerReferences"]
    api.touch(pod)


def _key(obj: dict) -> tuple[str, str]:
    return obj["metadata"]["namespace"], obj["metadata"]["name"]
