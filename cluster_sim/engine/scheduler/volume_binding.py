"""The scheduler's volume plugins: VolumeRestrictions and VolumeBinding
(pkg/scheduler/framework/plugins/volumerestrictions, .../volumebinding).

Only pods with persistentVolumeClaim volumes run them (others skip PreFilter and Filter
alike, so the large-cluster array cycle never sees them). PreFilter rejects the whole
pod, with upstream's text and no per-node count: a claim that does not exist or is being
deleted, or an unbound claim of an Immediate class (`pod has unbound immediate
PersistentVolumeClaims`, the PV controller binds it first). Filter checks, per node,
that bound volumes' node affinity admits the node and that a WaitForFirstConsumer claim
can get a volume there (a matching Available volume, or a class with a provisioner).
PreBind (bind_claims) then binds such a claim to the chosen node's volume, or marks the
node for its provisioner (volume.kubernetes.io/selected-node); the pod waits, not yet
bound to the node, until its claims are bound.
"""

from ..storage import (
    ANN_BOUND_BY_CONTROLLER,
    ANN_SELECTED_NODE,
    NO_PROVISIONER,
    TERMINAL_PHASES,
    capacity_bytes,
    claim_class,
    claim_reference,
    is_bound,
    is_delay_binding,
    pod_claim_names,
    requested_bytes,
    volume_class,
)
from .framework import UNRESOLVABLE, UNSCHEDULABLE, CycleState, FilterFailure
from .plugins import _requirement_matches

UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims"
NODE_CONFLICT = "node(s) had volume node affinity conflict"
BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind"
PV_NOT_EXIST = "node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)"
RWOP_CONFLICT = (
    "node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode"
)


def has_claims(pod: dict) -> bool:
    return any(v.get("persistentVolumeClaim") for v in pod["spec"].get("volumes") or ())


class VolumeRestrictions:
    """ReadWriteOncePod: no two pods in the cluster may use such a claim at once."""

    name = "VolumeRestrictions"

    def __init__(self, store, storage):
        self._store = store
        self._storage = storage

    def filter(self, state: CycleState, node) -> FilterFailure | None:
        conflict = state.data.get("rwop_conflict")
        if conflict is None:
            conflict = state.data["rwop_conflict"] = self._conflict(state.pod)
        return FilterFailure(self.name, (RWOP_CONFLICT,), UNSCHEDULABLE) if conflict else None

    def _conflict(self, pod: dict) -> bool:
        namespace, uid = pod["metadata"]["namespace"], pod["metadata"]["uid"]
        for name in pod_claim_names(pod):
            claim = self._store.get("PersistentVolumeClaim", namespace, name)
            if claim is None or "ReadWriteOncePod" not in (claim["spec"].get("accessModes") or ()):
                continue
            for other, other_uid in self._storage.claim_users(namespace, name).items():
                user = self._store.get("Pod", namespace, other)
                if (
                    other_uid != uid
                    and user is not None
                    and user["spec"].get("nodeName")
                    and user["status"].get("phase") not in TERMINAL_PHASES
                ):
                    return True
        return False


class VolumeBinding:
    name = "VolumeBinding"

    def __init__(self, store):
        self._store = store

    def prefilter(self, state: CycleState) -> str | None:
        """The pod's claims, split into bound and to-bind-here; or the reason no node can do."""
        pod = state.pod
        namespace = pod["metadata"]["namespace"]
        bound, delayed = [], []
        unbound_immediate = False
        for name in pod_claim_names(pod):
            claim = self._store.get("PersistentVolumeClaim", namespace, name)
            if claim is None:
                return f'persistentvolumeclaim "{name}" not found'
            if claim["metadata"].get("deletionTimestamp"):
                return f'persistentvolumeclaim "{name}" is being deleted'
            if is_bound(claim):
                bound.append(claim)
            elif is_delay_binding(self._store, claim):
                delayed.append(claim)
            else:
                unbound_immediate = True
        if unbound_immediate:
            return UNBOUND_IMMEDIATE
        state.data["bound_claims"] = bound
        state.data["delayed_claims"] = delayed
        return None

    def filter(self, state: CycleState, node) -> FilterFailure | None:
        labels = node.node["metadata"].get("labels") or {}
        reasons = []
        for claim in state.data.get("bound_claims", ()):
            volume = self._store.get("PersistentVolume", "", claim["spec"]["volumeName"])
            if volume is None:
                reasons.append(PV_NOT_EXIST)
            elif not node_affinity_matches(volume, labels, node.name):
                reasons.append(NODE_CONFLICT)
        taken: set[str] = set()
        for claim in state.data.get("delayed_claims", ()):
            volume = self.find_volume(claim, labels, node.name, taken)
            if volume is not None:
                taken.add(volume["metadata"]["name"])
            elif not self._can_provision(claim):
                reasons.append(BIND_CONFLICT)
        if reasons:
            return FilterFailure(self.name, tuple(dict.fromkeys(reasons)), UNRESOLVABLE)
        return None

    def _can_provision(self, claim: dict) -> bool:
        storage_class = self._store.get("StorageClass", "", claim_class(claim))
        return bool(storage_class and storage_class.get("provisioner") != NO_PROVISIONER)

    def find_volume(self, claim: dict, labels: dict, node_name: str, taken=()) -> dict | None:
        """FindMatchingVolume on the scheduler path: the smallest Available volume of the
        claim's class, big enough, with its access modes, whose node affinity admits the node."""
        requested = requested_bytes(claim)
        modes = set(claim["spec"].get("accessModes") or ())
        best, best_key = None, None
        for volume in self._store.iter_kind("PersistentVolume"):
            name = volume["metadata"]["name"]
            if name in taken or volume["spec"].get("claimRef") is not None:
                continue
            if volume["status"].get("phase") != "Available" or volume_class(volume) != claim_class(
                claim
            ):
                continue
            size = capacity_bytes(volume)
            if size < requested or not modes <= set(volume["spec"].get("accessModes") or ()):
                continue
            if not node_affinity_matches(volume, labels, node_name):
                continue
            key = (size, name)
            if best_key is None or key < best_key:
                best, best_key = volume, key
        return best

    def bind_claims(self, api, state: CycleState, node) -> bool:
        """PreBind: True when every claim is bound, so the pod can be bound to the node now;
        else the claims were handed on (a volume claimRef'd, or the node selected for the
        provisioner) and the pod waits for them."""
        waiting = False
        labels = node.node["metadata"].get("labels") or {}
        for claim in state.data.get("delayed_claims", ()):
            volume = self.find_volume(claim, labels, node.name)
            if volume is not None:
                volume["spec"]["claimRef"] = claim_reference(claim)
                volume["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
                api.touch(volume)
            else:
                annotations = claim["metadata"].setdefault("annotations", {})
                if annotations.get(ANN_SELECTED_NODE) != node.name:
                    annotations[ANN_SELECTED_NODE] = node.name
                    api.touch(claim)
            waiting = True
        return not waiting


def node_affinity_matches(volume: dict, labels: dict, node_name: str) -> bool:
    """CheckNodeAffinity: any term of the volume's required node affinity admits the node."""
    required = ((volume["spec"].get("nodeAffinity") or {}).get("required")) or None
    if required is None:
        return True
    fields = {"metadata.name": node_name}
    for term in required.get("nodeSelectorTerms") or ():
        if all(_requirement_matches(labels, e) for e in term.get("matchExpressions") or ()) and all(
            _requirement_matches(fields, e) for e in term.get("matchFields") or ()
        ):
            return True
    return False
