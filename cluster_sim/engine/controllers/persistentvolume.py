"""The PersistentVolume controller (pkg/controller/volume/persistentvolume/pv_controller.go).

Binds each claim to a volume: one pre-bound to it, else the smallest Available volume of
its class that offers its access modes, size and selector; with none, it asks the class's
provisioner for one (ExternalProvisioning) or says why it cannot (FailedBinding,
ProvisioningFailed). A claim whose class binds WaitForFirstConsumer waits for the
scheduler to pick a node. When a claim goes, its volume is Released and its reclaim
policy applies: Retain keeps it, Delete deletes it (the provisioner's job for the disks
it made; the in-tree hostPath deleter only for paths under /tmp), Recycle wipes it.

Pending claims are synced again every 15 s (--pvclaimbinder-sync-period), as upstream's
resync does: that is when a volume created after its claim gets bound, and why a waiting
claim's events repeat (`x4 over 45s`).
"""

from ..events import NORMAL, WARNING
from ..labels import matches_selector
from ..storage import (
    ANN_BETA_STORAGE_PROVISIONER,
    ANN_BIND_COMPLETED,
    ANN_BOUND_BY_CONTROLLER,
    ANN_PROVISIONED_BY,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    capacity_bytes,
    claim_class,
    claim_reference,
    default_class,
    is_delay_binding,
    requested_bytes,
    volume_class,
)
from ..timefmt import SECOND, rfc3339
from .base import Controller

COMPONENT = "persistentvolume-controller"
RESYNC_MS = 15 * SECOND


class PersistentVolumeController(Controller):
    name = COMPONENT

    def __init__(self, ctx, storage):
        super().__init__(ctx)
        self.storage = storage
        self._pending: dict[tuple[str, str], None] = {}  # claims waiting for a volume
        self._resync_due: int | None = None
        ctx.store.watch("PersistentVolumeClaim", self._on_claim)
        ctx.store.watch("PersistentVolume", self._on_volume)
        ctx.store.watch("StorageClass", self._on_class)

    # watches ------------------------------------------------------------------------

    def _on_claim(self, event_type: str, claim: dict) -> None:
        key = (claim["metadata"]["namespace"], claim["metadata"]["name"])
        if event_type == "DELETED":
            self._pending.pop(key, None)
            volume_name = claim["spec"].get("volumeName")
            if volume_name:
                self.enqueue(("volume", volume_name))
            return
        self.enqueue(("claim", *key))

    def _on_volume(self, event_type: str, volume: dict) -> None:
        if event_type != "DELETED":
            self.enqueue(("volume", volume["metadata"]["name"]))
        if event_type != "DELETED" and volume["status"].get("phase") == "Available":
            self._schedule_resync()  # upstream binds such a volume at its next resync

    def _on_class(self, event_type: str, storage_class: dict) -> None:
        if event_type == "ADDED":
            self._schedule_resync()

    def _schedule_resync(self) -> None:
        if not self._pending or self._resync_due is not None:
            return
        now = self.ctx.now_ms
        self._resync_due = (now // RESYNC_MS + 1) * RESYNC_MS
        self.ctx.timeline.call_at(self._resync_due, self._resync)

    def _resync(self) -> None:
        self._resync_due = None
        for namespace, name in list(self._pending):
            self.enqueue(("claim", namespace, name))
        self._schedule_resync()

    def reconcile(self, key) -> None:
        if key[0] == "claim":
            claim = self.ctx.store.get("PersistentVolumeClaim", key[1], key[2])
            if claim is None:
                self._pending.pop(key[1:], None)
                return
            self._sync_claim(claim)
        else:
            volume = self.ctx.store.get("PersistentVolume", "", key[1])
            if volume is not None:
                self._sync_volume(volume)

    # claims -------------------------------------------------------------------------

    def _sync_claim(self, claim: dict) -> None:
        key = (claim["metadata"]["namespace"], claim["metadata"]["name"])
        if ANN_BIND_COMPLETED in (claim["metadata"].get("annotations") or {}):
            self._pending.pop(key, None)
            self._sync_bound_claim(claim)
            return
        self._pending[key] = None
        self._schedule_resync()
        self._sync_unbound_claim(claim)

    def _sync_unbound_claim(self, claim: dict) -> None:
        wanted = claim["spec"].get("volumeName")
        if not wanted:
            delay = is_delay_binding(self.ctx.store, claim)
            volume = self._best_match(claim, delay)
            if volume is not None:
                self._bind(volume, claim)
                return
            if self._assign_default_class(claim):
                return  # the update brings the claim back
            annotations = claim["metadata"].get("annotations") or {}
            if delay and ANN_SELECTED_NODE not in annotations:
                self._wait_for_first_consumer(claim)
            elif claim_class(claim):
                self._provision(claim)
                return
            else:
                self._event(
                    claim,
                    NORMAL,
                    "FailedBinding",
                    "no persistent volumes available for this claim and no storage class is set",
                )
            self._claim_status(claim, "Pending", None)
            return
        volume = self.ctx.store.get("PersistentVolume", "", wanted)
        if volume is None:
            self._claim_status(claim, "Pending", None)  # retried at the next resync
            return
        ref = volume["spec"].get("claimRef")
        if ref is None:
            problem = _unsatisfied(volume, claim)
            if problem:
                self._event(
                    claim,
                    WARNING,
                    "VolumeMismatch",
                    f'Cannot bind to requested volume "{wanted}": {problem}',
                )
                self._claim_status(claim, "Pending", None)
            else:
                self._bind(volume, claim)
        elif _bound_to(volume, claim):
            self._bind(volume, claim)
        else:
            self._event(
                claim,
                WARNING,
                "FailedBinding",
                f'volume "{wanted}" already bound to a different claim.',
            )
            self._claim_status(claim, "Pending", None)

    def _sync_bound_claim(self, claim: dict) -> None:
        name = claim["spec"].get("volumeName")
        volume = self.ctx.store.get("PersistentVolume", "", name) if name else None
        if not name:
            self._lost(
                claim,
                "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!",
            )
        elif volume is None:
            self._lost(
                claim, "Bound claim has lost its PersistentVolume. Data on the volume is lost!"
            )
        elif volume["spec"].get("claimRef") is None or _bound_to(volume, claim):
            self._bind(volume, claim)
        else:
            self._lost(
                claim,
                "Two claims are bound to the same volume, this one is bound incorrectly",
                reason="ClaimMisbound",
            )

    def _lost(self, claim: dict, message: str, reason: str = "ClaimLost") -> None:
        if claim["status"].get("phase") != "Lost":
            self._claim_status(claim, "Lost", None)
            self._event(claim, WARNING, reason, message)

    def _assign_default_class(self, claim: dict) -> bool:
        """assignDefaultStorageClass: a claim created before any default class existed gets
        one retroactively."""
        spec = claim["spec"]
        if "storageClassName" in spec or claim_class(claim):
            return False
        storage_class = default_class(self.ctx.store)
        if storage_class is None:
            return False
        spec["storageClassName"] = storage_class["metadata"]["name"]
        self.ctx.api.touch(claim)
        return True

    def _wait_for_first_consumer(self, claim: dict) -> None:
        """emitEventForUnboundDelayBindingClaim."""
        namespace = claim["metadata"]["namespace"]
        waiting = [
            name
            for name in sorted(self.storage.claim_users(namespace, claim["metadata"]["name"]))
            if _unscheduled(self.ctx.store.get("Pod", namespace, name))
        ]
        if not waiting:
            self._event(
                claim,
                NORMAL,
                "WaitForFirstConsumer",
                "waiting for first consumer to be created before binding",
            )
        elif len(waiting) == 1:
            self._event(
                claim,
                NORMAL,
                "WaitForPodScheduled",
                f"waiting for pod {waiting[0]} to be scheduled",
            )
        else:
            self._event(
                claim,
                NORMAL,
                "WaitForPodScheduled",
                f"waiting for pods {','.join(waiting)} to be scheduled",
            )

    def _provision(self, claim: dict) -> None:
        """provisionClaim: find the class's provisioner; an external one (any name outside
        kubernetes.io/) is told by the claim's storage-provisioner annotations."""
        name = claim_class(claim)
        storage_class = self.ctx.store.get("StorageClass", "", name)
        if storage_class is None:
            self._event(
                claim,
                WARNING,
                "ProvisioningFailed",
                f'storageclass.storage.k8s.io "{name}" not found',
            )
            self._claim_status(claim, "Pending", None)
            return
        provisioner = storage_class.get("provisioner", "")
        if provisioner.startswith("kubernetes.io/"):
            # no in-tree provisioner is simulated (kubernetes.io/no-provisioner has none)
            self._event(
                claim,
                WARNING,
                "ProvisioningFailed",
                f"no volume plugin matched name: {provisioner}",
            )
            self._claim_status(claim, "Pending", None)
            return
        annotations = claim["metadata"].setdefault("annotations", {})
        if annotations.get(ANN_STORAGE_PROVISIONER) != provisioner:
            annotations[ANN_BETA_STORAGE_PROVISIONER] = provisioner  # setClaimProvisioner
            annotations[ANN_STORAGE_PROVISIONER] = provisioner
            self.ctx.api.touch(claim)
        self._event(
            claim,
            NORMAL,
            "ExternalProvisioning",
            f"Waiting for a volume to be created either by the external provisioner "
            f"'{provisioner}' or manually by the system administrator. If volume creation is "
            "delayed, please verify that the provisioner is running and correctly registered.",
        )
        self._claim_status(claim, "Pending", None)

    def _best_match(self, claim: dict, delay: bool) -> dict | None:
        """findByClaim + FindMatchingVolume: a volume pre-bound to the claim, else the
        smallest Available one of its class whose access modes include the claim's (fewest
        modes first), big enough, of its volume mode, matching its selector."""
        requested = requested_bytes(claim)
        wanted_modes = set(claim["spec"].get("accessModes") or ())
        wanted_class = claim_class(claim)
        selector = claim["spec"].get("selector")
        best, best_key = None, None
        for volume in self.ctx.store.iter_kind("PersistentVolume"):
            spec = volume["spec"]
            ref = spec.get("claimRef")
            if ref is not None and not _bound_to(volume, claim):
                continue
            modes = set(spec.get("accessModes") or ())
            size = capacity_bytes(volume)
            if size < requested or not wanted_modes <= modes:
                continue
            if spec.get("volumeMode", "Filesystem") != claim["spec"].get(
                "volumeMode", "Filesystem"
            ):
                continue
            if volume["metadata"].get("deletionTimestamp"):
                continue
            if ref is not None:
                return volume  # pre-bound to this claim (or provisioned for it)
            if delay or volume["status"].get("phase") != "Available":
                continue
            if selector is not None and not matches_selector(
                volume["metadata"].get("labels"), selector
            ):
                continue
            if volume_class(volume) != wanted_class:
                continue
            key = (len(modes), size, volume["metadata"]["name"])
            if best_key is None or key < best_key:
                best, best_key = volume, key
        return best

    # binding ------------------------------------------------------------------------

    def _bind(self, volume: dict, claim: dict) -> None:
        """bind: the volume's claimRef and phase first, then the claim's volumeName,
        annotations and status (phase, access modes, capacity)."""
        ref = volume["spec"].get("claimRef")
        by_controller = not _bound_to(volume, claim)  # not pre-bound by its creator
        if ref is None or by_controller or ref.get("uid") != claim["metadata"]["uid"]:
            volume["spec"]["claimRef"] = claim_reference(claim)
            if by_controller:
                volume["metadata"].setdefault("annotations", {})[ANN_BOUND_BY_CONTROLLER] = "yes"
            self.ctx.api.touch(volume)
        self._volume_phase(volume, "Bound")
        annotations = claim["metadata"].setdefault("annotations", {})
        changed = False
        if claim["spec"].get("volumeName") != volume["metadata"]["name"]:
            claim["spec"]["volumeName"] = volume["metadata"]["name"]
            annotations.setdefault(ANN_BOUND_BY_CONTROLLER, "yes")
            changed = True
        if ANN_BIND_COMPLETED not in annotations:
            annotations[ANN_BIND_COMPLETED] = "yes"
            changed = True
        if changed:
            self.ctx.api.touch(claim)
        self._claim_status(claim, "Bound", volume)
        self._pending.pop((claim["metadata"]["namespace"], claim["metadata"]["name"]), None)

    def _claim_status(self, claim: dict, phase: str, volume: dict | None) -> None:
        """updateClaimStatus: capacity is copied only as the claim becomes Bound."""
        status = claim.setdefault("status", {})
        old = dict(status)
        becoming = status.get("phase") != phase
        status["phase"] = phase
        if volume is None:
            status.pop("accessModes", None)
            status.pop("capacity", None)
        else:
            status["accessModes"] = list(volume["spec"].get("accessModes") or ())
            if becoming:
                status["capacity"] = dict(volume["spec"].get("capacity") or {})
        if status != old:
            self.ctx.api.touch(claim)

    def _volume_phase(self, volume: dict, phase: str, message: str = "") -> None:
        """updateVolumePhase, with lastPhaseTransitionTime (PersistentVolumeLastPhaseTransitionTime)."""
        status = volume.setdefault("status", {})
        if status.get("phase") == phase:
            return
        status["phase"] = phase
        status["lastPhaseTransitionTime"] = rfc3339(self.ctx.now_ms)
        if message:
            status["message"] = message
        else:
            status.pop("message", None)
        self.ctx.api.touch(volume)

    # volumes ------------------------------------------------------------------------

    def _sync_volume(self, volume: dict) -> None:
        ref = volume["spec"].get("claimRef")
        if ref is None or not ref.get("uid"):
            self._volume_phase(volume, "Available")  # unused, or pre-bound and waiting
            return
        claim = self.ctx.store.get(
            "PersistentVolumeClaim", ref.get("namespace", ""), ref.get("name", "")
        )
        if claim is not None and claim["metadata"]["uid"] != ref.get("uid"):
            claim = None  # deleted and created again under the same name
        if claim is None:
            if volume["status"].get("phase") not in ("Released", "Failed"):
                self._volume_phase(volume, "Released")
            self._reclaim(volume)
        elif not claim["spec"].get("volumeName"):
            self.enqueue(("claim", claim["metadata"]["namespace"], claim["metadata"]["name"]))
        elif claim["spec"]["volumeName"] == volume["metadata"]["name"]:
            self._volume_phase(volume, "Bound")
        elif (
            ANN_PROVISIONED_BY in (volume["metadata"].get("annotations") or {})
            and volume["spec"].get("persistentVolumeReclaimPolicy") == "Delete"
        ):
            if volume["status"].get("phase") not in ("Released", "Failed"):
                self._volume_phase(volume, "Released")
            self._reclaim(volume)
        else:
            self._unbind(volume)

    def _unbind(self, volume: dict) -> None:
        annotations = volume["metadata"].get("annotations") or {}
        if ANN_BOUND_BY_CONTROLLER in annotations:
            volume["spec"].pop("claimRef", None)
            del annotations[ANN_BOUND_BY_CONTROLLER]
            if not annotations:
                volume["metadata"].pop("annotations", None)
        else:
            volume["spec"]["claimRef"].pop("uid", None)
        self.ctx.api.touch(volume)
        self._volume_phase(volume, "Available")

    def _reclaim(self, volume: dict) -> None:
        """reclaimVolume. Volumes an external provisioner made are its to delete."""
        policy = volume["spec"].get("persistentVolumeReclaimPolicy")
        if policy == "Retain" or volume["metadata"].get("deletionTimestamp"):
            return
        if policy == "Recycle":
            self._recycle(volume)
        elif policy == "Delete":
            provisioner = (volume["metadata"].get("annotations") or {}).get(ANN_PROVISIONED_BY, "")
            if (provisioner and not provisioner.startswith("kubernetes.io/")) or "csi" in volume[
                "spec"
            ]:
                return  # doDeleteVolume: external deleter requested
            self._delete_in_tree(volume)
        else:
            self._failed(
                volume,
                "VolumeUnknownReclaimPolicy",
                "Volume has unrecognized PersistentVolumeReclaimPolicy",
            )

    def _delete_in_tree(self, volume: dict) -> None:
        """The in-tree hostPath deleter removes directories under /tmp only; other volume
        sources have no deleter here."""
        name = volume["metadata"]["name"]
        host_path = volume["spec"].get("hostPath")
        if host_path is None:
            self._failed(
                volume,
                "VolumeFailedDelete",
                f'error getting deleter volume plugin for volume "{name}": no deletable volume '
                "plugin matched",
            )
            return
        path = host_path.get("path", "")
        if not path.startswith("/tmp/") or path == "/tmp/":
            self._failed(
                volume,
                "VolumeFailedDelete",
                f"host_path deleter only supports /tmp/.+ but received provided {path}",
            )
            return
        self.storage.erase(volume)
        self.ctx.api.delete("PersistentVolume", "", name)

    def _recycle(self, volume: dict) -> None:
        """recycleVolumeOperation: hostPath and NFS volumes are scrubbed (`rm -rf` by a
        recycler pod) and made Available again; other sources cannot be recycled."""
        if "hostPath" not in volume["spec"] and "nfs" not in volume["spec"]:
            self._failed(volume, "VolumeFailedRecycle", "No recycler plugin found for the volume!")
            return
        self.storage.erase(volume)
        self._event(volume, NORMAL, "VolumeRecycled", "Volume recycled")
        self._unbind(volume)

    def _failed(self, volume: dict, reason: str, message: str) -> None:
        if volume["status"].get("phase") != "Failed":
            self._volume_phase(volume, "Failed", message)
            self._event(volume, WARNING, reason, message)

    def _event(self, obj: dict, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(obj, event_type, reason, message, component=COMPONENT)


def _bound_to(volume: dict, claim: dict) -> bool:
    """IsVolumeBoundToClaim: the claimRef names the claim (and its uid, if it has one)."""
    ref = volume["spec"].get("claimRef")
    meta = claim["metadata"]
    if ref is None or ref.get("name") != meta["name"] or ref.get("namespace") != meta["namespace"]:
        return False
    return not ref.get("uid") or ref["uid"] == meta["uid"]


def _unsatisfied(volume: dict, claim: dict) -> str:
    """checkVolumeSatisfyClaim's complaint, or ''."""
    if volume["metadata"].get("deletionTimestamp"):
        return f'the volume is marked for deletion "{volume["metadata"]["name"]}"'
    if capacity_bytes(volume) < requested_bytes(claim):
        return "requested PV is too small"
    if volume_class(volume) != claim_class(claim):
        return "storageClassName does not match"
    if volume["spec"].get("volumeMode", "Filesystem") != claim["spec"].get(
        "volumeMode", "Filesystem"
    ):
        return "incompatible volumeMode"
    if not set(claim["spec"].get("accessModes") or ()) <= set(
        volume["spec"].get("accessModes") or ()
    ):
        return "incompatible accessMode"
    return ""


def _unscheduled(pod: dict | None) -> bool:
    return (
        pod is not None
        and not pod["spec"].get("nodeName")
        and pod["status"].get("phase") not in ("Succeeded", "Failed")
    )
