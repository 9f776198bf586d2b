"""Storage: StorageClasses, the defaults and admission of volumes and claims, and their data.

kubernetes.io/docs/concepts/storage/persistent-volumes/ and .../storage-classes/.

The cluster boots with one default StorageClass, `standard`, whose provisioner
`clusterlab.dev/simulated-disk` is ClusterLab's own simulated CSI driver for network
disks (not an upstream driver): it provisions a disk per claim (controllers/
csi_provisioner.py), attaches it to one node at a time and deletes it with its volume.

`StorageState` is what the cluster keeps outside the API: the files on each disk (so data
outlives pods), which node each attachable volume is attached to (ReadWriteOnce: one node;
the attach/detach controller's Multi-Attach error), and which pods use each claim.
"""

import contextlib

from .quantity import Quantity, QuantityError, parse_quantity
from .runtime.filesystem import Volume

PROVISIONER = "clusterlab.dev/simulated-disk"  # ClusterLab's simulated CSI network disk
DEFAULT_CLASS_NAME = "standard"
NO_PROVISIONER = "kubernetes.io/no-provisioner"

# Annotations (k8s.io/component-helpers/storage/volume, pkg/controller/volume/persistentvolume)
ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class"
ANN_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class"
ANN_BETA_CLASS = "volume.beta.kubernetes.io/storage-class"
ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed"
ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller"
ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by"
ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner"
ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner"
ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node"

PVC_PROTECTION = "kubernetes.io/pvc-protection"
PV_PROTECTION = "kubernetes.io/pv-protection"
PROVISIONER_FINALIZER = "external-provisioner.volume.kubernetes.io/finalizer"

WAIT_FOR_FIRST_CONSUMER = "WaitForFirstConsumer"
ATTACH_DETACH = "attachdetach-controller"
TERMINAL_PHASES = ("Succeeded", "Failed")

_MODE_ABBREVIATIONS = (
    ("ReadWriteOnce", "RWO"),
    ("ReadOnlyMany", "ROX"),
    ("ReadWriteMany", "RWX"),
    ("ReadWriteOncePod", "RWOP"),
)


def default_storage_class() -> dict:
    """The StorageClass every ClusterLab cluster boots with (as a kind or minikube cluster
    comes with its `standard` class): Delete, Immediate, expandable."""
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {
            "name": DEFAULT_CLASS_NAME,
            "annotations": {ANN_DEFAULT_CLASS: "true"},
        },
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
        "allowVolumeExpansion": True,
    }


# --- small facts ---------------------------------------------------------------------


def claim_class(claim: dict) -> str:
    """GetPersistentVolumeClaimClass: the beta annotation wins over storageClassName."""
    annotations = claim["metadata"].get("annotations") or {}
    if ANN_BETA_CLASS in annotations:
        return annotations[ANN_BETA_CLASS]
    return (claim.get("spec") or {}).get("storageClassName") or ""


def volume_class(volume: dict) -> str:
    return claim_class(volume)  # same rule for a PersistentVolume


def access_modes_string(modes) -> str:
    """GetAccessModesAsString: RWO,ROX,RWX,RWOP in that order, each once."""
    modes = set(modes or ())
    return ",".join(short for mode, short in _MODE_ABBREVIATIONS if mode in modes)


def storage_bytes(value) -> int:
    try:
        return int(parse_quantity(value)) if value is not None else 0
    except QuantityError:
        return 0


def requested_bytes(claim: dict) -> int:
    requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
    return storage_bytes(requests.get("storage"))


def capacity_bytes(volume: dict) -> int:
    return storage_bytes(((volume.get("spec") or {}).get("capacity") or {}).get("storage"))


def is_default_class(storage_class: dict) -> bool:
    annotations = storage_class["metadata"].get("annotations") or {}
    return (
        annotations.get(ANN_DEFAULT_CLASS) == "true"
        or annotations.get(ANN_BETA_DEFAULT_CLASS) == "true"
    )


def default_class(store) -> dict | None:
    """util.GetDefaultClass: of several default classes, the newest one (then by name)."""
    defaults = [sc for sc in store.iter_kind("StorageClass") if is_default_class(sc)]
    if not defaults:
        return None
    return max(
        defaults,
        key=lambda sc: (sc["metadata"].get("creationTimestamp", ""), sc["metadata"]["name"]),
    )


def is_delay_binding(store, claim: dict) -> bool:
    """IsDelayBindingMode: the claim's class binds WaitForFirstConsumer."""
    name = claim_class(claim)
    storage_class = store.get("StorageClass", "", name) if name else None
    return bool(storage_class and storage_class.get("volumeBindingMode") == WAIT_FOR_FIRST_CONSUMER)


def is_bound(claim: dict) -> bool:
    """The claim names its volume and the controller completed the binding."""
    annotations = claim["metadata"].get("annotations") or {}
    return bool(claim["spec"].get("volumeName")) and ANN_BIND_COMPLETED in annotations


def pod_claim_names(pod: dict) -> list[str]:
    """Names of the PersistentVolumeClaims a pod's volumes use, in volume order."""
    names = []
    for volume in pod["spec"].get("volumes") or ():
        source = volume.get("persistentVolumeClaim")
        if source is not None and source.get("claimName"):
            names.append(source["claimName"])
    return names


def is_attachable(volume: dict) -> bool:
    """Volumes the attach/detach controller attaches to a node first: CSI disks. A hostPath
    or NFS volume is mounted straight away, on any number of nodes."""
    return "csi" in volume["spec"]


def allows_multi_attach(volume: dict) -> bool:
    """isMultiAttachAllowed (attachdetach reconciler): ReadWriteMany or ReadOnlyMany."""
    modes = volume["spec"].get("accessModes") or ()
    return "ReadWriteMany" in modes or "ReadOnlyMany" in modes


# --- defaulting (pkg/apis/core/v1/defaults.go, pkg/apis/storage/v1/defaults.go) -------


def default_persistent_volume(volume: dict) -> None:
    spec = volume.setdefault("spec", {})
    spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
    spec.setdefault("volumeMode", "Filesystem")
    if spec.get("hostPath") is not None:
        spec["hostPath"].setdefault("type", "")  # HostPathUnset
    _canonical_storage(spec.get("capacity"))
    volume.setdefault("status", {}).setdefault("phase", "Pending")


def default_persistent_volume_claim(claim: dict) -> None:
    spec = claim.setdefault("spec", {})
    spec.setdefault("volumeMode", "Filesystem")
    _canonical_storage((spec.get("resources") or {}).get("requests"))
    _canonical_storage((spec.get("resources") or {}).get("limits"))
    claim.setdefault("status", {}).setdefault("phase", "Pending")


def default_storage_class_fields(storage_class: dict) -> None:
    storage_class.setdefault("reclaimPolicy", "Delete")
    storage_class.setdefault("volumeBindingMode", "Immediate")


def _canonical_storage(resources: dict | None) -> None:
    if not resources or "storage" not in resources:
        return
    with contextlib.suppress(QuantityError, ValueError, TypeError):  # validation's business
        resources["storage"] = str(Quantity.parse(resources["storage"]))


# --- admission -------------------------------------------------------------------------


class DefaultStorageClass:
    """The DefaultStorageClass admission plugin (plugin/pkg/admission/storage/storageclass/
    setdefault): a new claim that names no class (storageClassName unset, not "") gets the
    default class's name."""

    def __init__(self, store):
        self._store = store

    def __call__(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        if obj["kind"] != "PersistentVolumeClaim" or old is not None:
            return
        spec = obj.setdefault("spec", {})
        annotations = obj["metadata"].get("annotations") or {}
        if "storageClassName" in spec or ANN_BETA_CLASS in annotations:
            return
        storage_class = default_class(self._store)
        if storage_class is not None:
            spec["storageClassName"] = storage_class["metadata"]["name"]


def storage_object_in_use_protection(obj: dict, old: dict | None, dry_run: bool) -> None:
    """The StorageObjectInUseProtection admission plugin: every new claim and volume carries
    the finalizer that keeps it while in use (plugin/pkg/admission/storage/
    storageobjectinuseprotection)."""
    if old is not None:
        return
    finalizer = {"PersistentVolumeClaim": PVC_PROTECTION, "PersistentVolume": PV_PROTECTION}.get(
        obj["kind"]
    )
    if finalizer is None:
        return
    finalizers = obj["metadata"].setdefault("finalizers", [])
    if finalizer not in finalizers:
        finalizers.append(finalizer)


# --- what lives outside the API --------------------------------------------------------


class MultiAttachError(Exception):
    """The attach/detach controller's FailedAttachVolume message, for the volume named."""

    def __init__(self, message: str, volume_name: str):
        super().__init__(message)
        self.volume_name = volume_name


class StorageState:
    """Disk contents, attachments and claim users of one cluster."""

    def __init__(self, store):
        self._store = store
        self._disks: dict[tuple, Volume] = {}
        # volume name -> node -> uids of the pods there that use it
        self._attached: dict[str, dict[str, set[str]]] = {}
        self._pod_attachments: dict[str, list[tuple[str, str]]] = {}  # pod uid -> (pv, node)
        self._pod_keys: dict[str, tuple[str, str]] = {}  # pod uid -> (namespace, name)
        self._waiters: dict[str, list] = {}  # volume name -> callbacks after a detach
        # (namespace, claim) -> {pod name: uid} of pods that reference it
        self._claim_users: dict[tuple[str, str], dict[str, str]] = {}
        store.watch("Pod", self._on_pod)

    # data ----------------------------------------------------------------------------

    def disk(self, volume: dict, node_name: str) -> Volume:
        """The files of a volume's backing storage: a CSI disk by its handle, a hostPath
        directory on its node, anything else by the volume itself."""
        key = _disk_key(volume, node_name)
        disk = self._disks.get(key)
        if disk is None:
            disk = self._disks[key] = Volume()
        return disk

    def erase(self, volume: dict, node_name: str | None = None) -> None:
        """The backing storage is deleted (a disk) or wiped (a recycled directory)."""
        if "hostPath" in volume["spec"]:
            path = volume["spec"]["hostPath"].get("path", "")
            for key in [k for k in self._disks if k[0] == "hostPath" and k[2] == path]:
                del self._disks[key]
            return
        self._disks.pop(_disk_key(volume, node_name or ""), None)

    # attachments ---------------------------------------------------------------------

    def attach(self, volume: dict, node_name: str, pod: dict) -> bool:
        """Attach an attachable volume to the pod's node for the pod. True when this made a
        new attachment (SuccessfulAttachVolume). Raises MultiAttachError when a volume that
        allows one node is attached to another node for pods that still need it."""
        name = volume["metadata"]["name"]
        nodes = self._attached.setdefault(name, {})
        others = [node for node, pods in nodes.items() if node != node_name and pods]
        if others and not allows_multi_attach(volume):
            raise MultiAttachError(self._multi_attach_message(name, others, pod), name)
        uid = pod["metadata"]["uid"]
        new = not nodes.get(node_name)
        nodes.setdefault(node_name, set()).add(uid)
        self._pod_attachments.setdefault(uid, []).append((name, node_name))
        self._pod_keys[uid] = (pod["metadata"].get("namespace", "default"), pod["metadata"]["name"])
        return new

    def when_detached(self, volume_name: str, callback) -> None:
        self._waiters.setdefault(volume_name, []).append(callback)

    def _multi_attach_message(self, volume_name: str, nodes: list[str], pod: dict) -> str:
        """reportMultiAttachError: the blocking pods of the pod's namespace by name, the
        others counted."""
        namespace = pod["metadata"].get("namespace", "default")
        local, others = [], 0
        for node in nodes:
            for uid in sorted(self._attached[volume_name][node]):
                owner = self._pod_keys.get(uid)
                if owner is None:
                    continue
                if owner[0] == namespace:
                    local.append(owner[1])
                else:
                    others += 1
        if local:
            message = f"Volume is already used by pod(s) {', '.join(sorted(local))}"
            if others:
                message += f" and {others} pod(s) in different namespaces"
        elif others:
            message = f"Volume is already used by {others} pod(s) in different namespaces"
        else:
            message = "Volume is already exclusively attached to one node and can't be attached to another"
        return f'Multi-Attach error for volume "{volume_name}" {message}'

    def _detach_pod(self, uid: str) -> None:
        self._pod_keys.pop(uid, None)
        for volume_name, node in self._pod_attachments.pop(uid, ()):
            pods = self._attached.get(volume_name, {}).get(node)
            if pods is None:
                continue
            pods.discard(uid)
            if not pods:
                del self._attached[volume_name][node]
                for callback in self._waiters.pop(volume_name, ()):
                    callback()

    # claim users ---------------------------------------------------------------------

    def claim_users(self, namespace: str, claim_name: str) -> dict[str, str]:
        """{pod name: uid} of the pods whose volumes reference the claim."""
        return self._claim_users.get((namespace, claim_name), {})

    def _on_pod(self, event_type: str, pod: dict) -> None:
        meta = pod["metadata"]
        namespace, name, uid = meta.get("namespace", "default"), meta["name"], meta["uid"]
        gone = event_type == "DELETED"
        if gone or pod["status"].get("phase") in TERMINAL_PHASES:
            self._detach_pod(uid)  # the kubelet unmounts, the controller detaches
        for claim in pod_claim_names(pod):
            users = self._claim_users.setdefault((namespace, claim), {})
            if gone:
                users.pop(name, None)
                if not users:
                    del self._claim_users[(namespace, claim)]
            else:
                users[name] = uid


def _disk_key(volume: dict, node_name: str) -> tuple:
    spec = volume["spec"]
    if "csi" in spec:
        return ("csi", spec["csi"].get("driver", ""), spec["csi"].get("volumeHandle", ""))
    if "hostPath" in spec:
        return ("hostPath", node_name, spec["hostPath"].get("path", ""))
    if "local" in spec:
        return ("hostPath", node_name, spec["local"].get("path", ""))
    if "nfs" in spec:
        return ("nfs", spec["nfs"].get("server", ""), spec["nfs"].get("path", ""))
    return ("volume", volume["metadata"]["name"], volume["metadata"].get("uid", ""))


def claim_reference(claim: dict) -> dict:
    """ref.GetReference for a claim: what a volume's claimRef holds."""
    meta = claim["metadata"]
    return {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "name": meta["name"],
        "namespace": meta["namespace"],
        "resourceVersion": meta.get("resourceVersion", ""),
        "uid": meta["uid"],
    }
