"""The pvc-protection and pv-protection controllers (pkg/controller/volume/pvcprotection,
pkg/controller/volume/pvprotection).

A claim being deleted keeps its `kubernetes.io/pvc-protection` finalizer, and stays
Terminating, while a pod that is scheduled and not finished uses it. A volume being
deleted keeps `kubernetes.io/pv-protection` while it is Bound.
kubernetes.io/docs/concepts/storage/persistent-volumes/#storage-object-in-use-protection
"""

from ..storage import PV_PROTECTION, PVC_PROTECTION, TERMINAL_PHASES, pod_claim_names
from .base import Controller


class PVCProtectionController(Controller):
    name = "pvc-protection-controller"

    def __init__(self, ctx, storage):
        super().__init__(ctx)
        self.storage = storage
        ctx.store.watch("PersistentVolumeClaim", self._on_claim)
        ctx.store.watch("Pod", self._on_pod)

    def _on_claim(self, event_type: str, claim: dict) -> None:
        if event_type != "DELETED" and claim["metadata"].get("deletionTimestamp"):
            self.enqueue((claim["metadata"]["namespace"], claim["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        if event_type == "DELETED" or pod["status"].get("phase") in TERMINAL_PHASES:
            namespace = pod["metadata"].get("namespace", "default")
            for name in pod_claim_names(pod):
                self.enqueue((namespace, name))

    def reconcile(self, key) -> None:
        namespace, name = key
        claim = self.ctx.store.get("PersistentVolumeClaim", namespace, name)
        if claim is None or not claim["metadata"].get("deletionTimestamp"):
            return
        if PVC_PROTECTION not in (claim["metadata"].get("finalizers") or ()):
            return
        if not self._in_use(namespace, name):
            self.ctx.api.remove_finalizer(claim, PVC_PROTECTION)

    def _in_use(self, namespace: str, name: str) -> bool:
        """podUsesPVC: only scheduled pods count (the kubelet refuses a claim being deleted
        to pods it has not started), and only until they finish."""
        for pod_name in self.storage.claim_users(namespace, name):
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            if (
                pod is not None
                and pod["spec"].get("nodeName")
                and pod["status"].get("phase") not in TERMINAL_PHASES
            ):
                return True
        return False


class PVProtectionController(Controller):
    name = "pv-protection-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("PersistentVolume", self._on_volume)

    def _on_volume(self, event_type: str, volume: dict) -> None:
        if event_type != "DELETED" and volume["metadata"].get("deletionTimestamp"):
            self.enqueue(volume["metadata"]["name"])

    def reconcile(self, name) -> None:
        volume = self.ctx.store.get("PersistentVolume", "", name)
        if volume is None or not volume["metadata"].get("deletionTimestamp"):
            return
        if PV_PROTECTION not in (volume["metadata"].get("finalizers") or ()):
            return
        if volume["status"].get("phase") != "Bound":  # isPVInUse
            self.ctx.api.remove_finalizer(volume, PV_PROTECTION)
