"""The external provisioner of ClusterLab's simulated CSI disks (`clusterlab.dev/simulated-disk`).

Plays kubernetes-csi/external-provisioner (sig-storage-lib-external-provisioner) for
ClusterLab's own simulated driver: it provisions for the claims the PV controller
annotated with its name (`volume.kubernetes.io/storage-provisioner`), and for a
WaitForFirstConsumer claim only once the scheduler picked a node. After the simulated
CreateVolume call (about a second, a cloud disk's order of magnitude), it creates the
PersistentVolume `pvc-<claim uid>`, pre-bound to the claim, and the PV controller binds
them. A Released volume of its own with reclaim policy Delete is deleted: the disk and
its data first, then the PersistentVolume.
"""

from ..events import NORMAL
from ..storage import (
    ANN_PROVISIONED_BY,
    ANN_SELECTED_NODE,
    ANN_STORAGE_PROVISIONER,
    PROVISIONER,
    PROVISIONER_FINALIZER,
    claim_class,
    claim_reference,
    is_delay_binding,
)
from ..timefmt import EPOCH, SECOND
from .base import Controller

CREATE_VOLUME_MS = 1 * SECOND
DELETE_VOLUME_MS = 1 * SECOND
# Who the provisioner says it is: <driver>_<its pod>_<its process id>, as in real events.
IDENTITY = f"{PROVISIONER}_simulated-disk-controller-0_6c2f1c9e-3b7a-4d5e-9f80-1a2b3c4d5e6f"
# storage.kubernetes.io/csiProvisionerIdentity: <start time in ms>-<random>-<driver>
PROVISIONER_IDENTITY = f"{int(EPOCH.timestamp() * 1000)}-8081-{PROVISIONER}"


class SimulatedDiskProvisioner(Controller):
    name = "csi-provisioner"

    def __init__(self, ctx, storage):
        super().__init__(ctx)
        self.storage = storage
        self._in_flight: set[str] = set()  # claim uids / volume names being worked on
        ctx.store.watch("PersistentVolumeClaim", self._on_claim)
        ctx.store.watch("PersistentVolume", self._on_volume)

    def _on_claim(self, event_type: str, claim: dict) -> None:
        annotations = claim["metadata"].get("annotations") or {}
        if event_type != "DELETED" and annotations.get(ANN_STORAGE_PROVISIONER) == PROVISIONER:
            self.enqueue(("claim", claim["metadata"]["namespace"], claim["metadata"]["name"]))

    def _on_volume(self, event_type: str, volume: dict) -> None:
        if event_type != "DELETED" and volume["status"].get("phase") == "Released":
            self.enqueue(("volume", volume["metadata"]["name"]))

    def reconcile(self, key) -> None:
        if key[0] == "claim":
            claim = self.ctx.store.get("PersistentVolumeClaim", key[1], key[2])
            if claim is not None and self._should_provision(claim):
                self._start_provisioning(claim)
        else:
            volume = self.ctx.store.get("PersistentVolume", "", key[1])
            if volume is not None and self._should_delete(volume):
                self._in_flight.add(volume["metadata"]["name"])
                self.ctx.timeline.call_later(DELETE_VOLUME_MS, self._delete, key[1])

    # provisioning ------------------------------------------------------------------

    def _should_provision(self, claim: dict) -> bool:
        uid = claim["metadata"]["uid"]
        if claim["spec"].get("volumeName") or uid in self._in_flight:
            return False
        if claim["metadata"].get("deletionTimestamp"):
            return False
        annotations = claim["metadata"].get("annotations") or {}
        if is_delay_binding(self.ctx.store, claim) and ANN_SELECTED_NODE not in annotations:
            return False
        return self.ctx.store.get("PersistentVolume", "", f"pvc-{uid}") is None

    def _start_provisioning(self, claim: dict) -> None:
        meta = claim["metadata"]
        self._in_flight.add(meta["uid"])
        self.ctx.events.record(
            claim,
            NORMAL,
            "Provisioning",
            f'External provisioner is provisioning volume for claim "{meta["namespace"]}/{meta["name"]}"',
            component=IDENTITY,
        )
        self.ctx.timeline.call_later(
            CREATE_VOLUME_MS, self._provisioned, meta["namespace"], meta["name"], meta["uid"]
        )

    def _provisioned(self, namespace: str, name: str, uid: str) -> None:
        self._in_flight.discard(uid)
        claim = self.ctx.store.get("PersistentVolumeClaim", namespace, name)
        if claim is None or claim["metadata"]["uid"] != uid or claim["spec"].get("volumeName"):
            return
        storage_class = self.ctx.store.get("StorageClass", "", claim_class(claim))
        if storage_class is None:
            return
        volume = self._volume_for(claim, storage_class)
        self.ctx.api.create(volume)
        self.ctx.events.record(
            claim,
            NORMAL,
            "ProvisioningSucceeded",
            f"Successfully provisioned volume {volume['metadata']['name']}",
            component=IDENTITY,
        )

    def _volume_for(self, claim: dict, storage_class: dict) -> dict:
        uid = claim["metadata"]["uid"]
        requests = (claim["spec"].get("resources") or {}).get("requests") or {}
        spec = {
            "accessModes": list(claim["spec"].get("accessModes") or ()),
            "capacity": {"storage": requests.get("storage", "0")},
            "claimRef": claim_reference(claim),
            "csi": {
                "driver": PROVISIONER,
                "fsType": (storage_class.get("parameters") or {}).get(
                    "csi.storage.k8s.io/fstype", "ext4"
                ),
                "volumeAttributes": {
                    "storage.kubernetes.io/csiProvisionerIdentity": PROVISIONER_IDENTITY
                },
                "volumeHandle": "disk-" + uid.replace("-", "")[:17],
            },
            "persistentVolumeReclaimPolicy": storage_class.get("reclaimPolicy", "Delete"),
            "storageClassName": claim_class(claim),
            "volumeMode": claim["spec"].get("volumeMode", "Filesystem"),
        }
        if storage_class.get("mountOptions"):
            spec["mountOptions"] = list(storage_class["mountOptions"])
        metadata = {
            "name": f"pvc-{uid}",
            "annotations": {
                ANN_PROVISIONED_BY: PROVISIONER,
                "volume.kubernetes.io/provisioner-deletion-secret-name": "",
                "volume.kubernetes.io/provisioner-deletion-secret-namespace": "",
            },
        }
        if spec["persistentVolumeReclaimPolicy"] == "Delete":
            metadata["finalizers"] = [PROVISIONER_FINALIZER]
        return {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": metadata, "spec": spec}

    # deletion -----------------------------------------------------------------------

    def _should_delete(self, volume: dict) -> bool:
        annotations = volume["metadata"].get("annotations") or {}
        return (
            annotations.get(ANN_PROVISIONED_BY) == PROVISIONER
            and volume["spec"].get("persistentVolumeReclaimPolicy") == "Delete"
            and volume["metadata"]["name"] not in self._in_flight
            and not volume["metadata"].get("deletionTimestamp")
        )

    def _delete(self, name: str) -> None:
        """DeleteVolume, then the PersistentVolume goes: deleted, and the provisioner's
        finalizer removed (pv-protection lets it go: it is no longer Bound)."""
        self._in_flight.discard(name)
        volume = self.ctx.store.get("PersistentVolume", "", name)
        if volume is None or volume["status"].get("phase") != "Released":
            return
        self.storage.erase(volume)
        self.ctx.api.delete("PersistentVolume", "", name)
        volume = self.ctx.store.get("PersistentVolume", "", name)
        if volume is not None and PROVISIONER_FINALIZER in (
            volume["metadata"].get("finalizers") or ()
        ):
            self.ctx.api.remove_finalizer(volume, PROVISIONER_FINALIZER)
