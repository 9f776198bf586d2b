"""A pod's persistentVolumeClaim volumes, as the kubelet's volume manager mounts them.

The claim must be bound; its PersistentVolume's storage is what the container sees, kept
in storage.StorageState, so files written there outlive the pod. A CSI disk is attached to
the node first (the attach/detach controller's work, reported on the pod as
SuccessfulAttachVolume); a ReadWriteOnce disk attached to another node for pods that still
need it cannot be: storage.MultiAttachError.
"""

from .events import NORMAL
from .kubelet_volumes import UnprocessedVolume
from .runtime.filesystem import Volume
from .storage import ATTACH_DETACH, is_attachable, is_bound


class ClaimMounter:
    def __init__(self, ctx, node_name: str):
        self.ctx = ctx
        self.node_name = node_name

    def __call__(self, pod: dict, claim_name: str) -> Volume:
        store, storage = self.ctx.store, self.ctx.storage
        namespace = pod["metadata"].get("namespace", "default")
        claim = store.get("PersistentVolumeClaim", namespace, claim_name)
        if claim is None:
            problem = (
                "failed to fetch PVC from API server: "
                f'persistentvolumeclaims "{claim_name}" not found'
            )
        elif claim["metadata"].get("deletionTimestamp"):
            problem = "PVC is being deleted"  # a pod must not start with it
        elif not is_bound(claim):
            problem = "PVC is not bound"
        else:
            problem = ""
        volume = (
            store.get("PersistentVolume", "", claim["spec"]["volumeName"]) if not problem else None
        )
        if not problem and volume is None:
            problem = (
                f"failed to fetch PV {claim['spec']['volumeName']} from API server: "
                f'persistentvolumes "{claim["spec"]["volumeName"]}" not found'
            )
        if problem:
            raise UnprocessedVolume(
                _unable(
                    pod, claim_name, f"error processing PVC {namespace}/{claim_name}: {problem}"
                )
            )
        if is_attachable(volume) and storage.attach(volume, self.node_name, pod):
            self.ctx.events.record(
                pod,
                NORMAL,
                "SuccessfulAttachVolume",
                f'AttachVolume.Attach succeeded for volume "{volume["metadata"]["name"]}" ',
                component=ATTACH_DETACH,
            )
        return storage.disk(volume, self.node_name)


def _unable(pod: dict, claim_name: str, error: str) -> str:
    """The kubelet's FailedMount after WaitForAttachAndMount: the pod's volumes that claim
    feeds, unmounted and not in the desired state of the world."""
    names = [
        v["name"]
        for v in pod["spec"].get("volumes") or ()
        if (v.get("persistentVolumeClaim") or {}).get("claimName") == claim_name
    ]
    listed = " ".join(names)
    return (
        f"Unable to attach or mount volumes: unmounted volumes=[{listed}], unattached "
        f"volumes=[], failed to process volumes=[{listed}]: {error}"
    )
