"""`kubectl describe pv|pvc|storageclass`, laid out as k8s.io/kubectl/pkg/describe/describe.go
does (describePersistentVolume, describePersistentVolumeClaim, describeStorageClass)."""

from ..storage import access_modes_string, claim_class, is_default_class
from .describe import _annotations_multiline, _events, _labels_multiline, _Writer
from .printers import Quantity, format_labels, since


def _finalizers(meta: dict) -> str:
    """Go's %v of a []string: `[a b]`."""
    return "[" + " ".join(meta.get("finalizers") or ()) + "]"


def _status(obj: dict, now_ms: int) -> str:
    deleted = obj["metadata"].get("deletionTimestamp")
    if deleted:
        return f"Terminating (lasts {since(now_ms, deleted)})"
    return (obj.get("status") or {}).get("phase", "")


def _storage(resources: dict | None) -> str:
    amount = (resources or {}).get("storage")
    return str(Quantity.parse(amount)) if amount else "0"


def describe_persistent_volume(pv: dict, events: list[dict] | None, now_ms: int) -> str:
    meta, spec, status = pv["metadata"], pv.get("spec") or {}, pv.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Finalizers:\t{_finalizers(meta)}\n")
    w.write(0, f"StorageClass:\t{claim_class(pv)}\n")
    if spec.get("volumeAttributesClassName"):
        w.write(0, f"VolumeAttributesClass:\t{spec['volumeAttributesClassName']}\n")
    w.write(0, f"Status:\t{_status(pv, now_ms)}\n")
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
    w.write(0, f"Claim:\t{claim}\n")
    w.write(0, f"Reclaim Policy:\t{spec.get('persistentVolumeReclaimPolicy', '')}\n")
    w.write(0, f"Access Modes:\t{access_modes_string(spec.get('accessModes'))}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(0, f"Capacity:\t{_storage(spec.get('capacity'))}\n")
    _node_affinity(w, spec.get("nodeAffinity"))
    w.write(0, f"Message:\t{status.get('message', '')}\n")
    w.write(0, "Source:\n")
    _source(w, spec)
    _events(w, events, now_ms)
    return w.render()


def _node_affinity(w, affinity: dict | None) -> None:
    """printVolumeNodeAffinity."""
    w.write(0, "Node Affinity:\t")
    required = (affinity or {}).get("required")
    if required is None:
        w.write_line("<none>")
        return
    w.write_line("")
    w.write(1, "Required Terms:\t")
    terms = required.get("nodeSelectorTerms") or []
    if not terms:
        w.write_line("<none>")
        return
    w.write_line("")
    for index, term in enumerate(terms):
        w.write(2, f"Term {index}:\t")
        expressions = term.get("matchExpressions") or []
        if not expressions:
            w.write_line("<none>")
            continue
        for position, req in enumerate(expressions):
            if position:
                w.write(2, "\t")
            text = f"{req.get('key', '')} {str(req.get('operator', '')).lower()}"
            if req.get("values"):
                text += f" [{', '.join(req['values'])}]"
            w.write(0, text + "\n")


def _source(w, spec: dict) -> None:
    if spec.get("hostPath") is not None:
        source = spec["hostPath"]
        w.write(
            2,
            "Type:\tHostPath (bare host directory volume)\n"
            f"    Path:\t{source.get('path', '')}\n"
            f"    HostPathType:\t{source.get('type', '<none>')}\n",
        )
    elif spec.get("csi") is not None:
        source = spec["csi"]
        w.write(
            2,
            "Type:\tCSI (a Container Storage Interface (CSI) volume source)\n"
            f"    Driver:\t{source.get('driver', '')}\n"
            f"    FSType:\t{source.get('fsType', '')}\n"
            f"    VolumeHandle:\t{source.get('volumeHandle', '')}\n"
            f"    ReadOnly:\t{'true' if source.get('readOnly') else 'false'}\n",
        )
        attributes = source.get("volumeAttributes") or {}
        w.write(2, "VolumeAttributes:\t")
        if not attributes:
            w.write_line("<none>")
        for index, key in enumerate(sorted(attributes)):
            if index:
                w.write(2, "\t")
            w.write(2, f"{key}={attributes[key]}\n")
    elif spec.get("local") is not None:
        w.write(
            2,
            "Type:\tLocalVolume (a persistent volume backed by local storage on a node)\n"
            f"    Path:\t{spec['local'].get('path', '')}\n",
        )
    elif spec.get("nfs") is not None:
        source = spec["nfs"]
        w.write(
            2,
            "Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n"
            f"    Server:\t{source.get('server', '')}\n"
            f"    Path:\t{source.get('path', '')}\n"
            f"    ReadOnly:\t{'true' if source.get('readOnly') else 'false'}\n",
        )


def describe_persistent_volume_claim(
    pvc: dict, users: list[str], events: list[dict] | None, now_ms: int
) -> str:
    """users: names of the pods whose volumes reference the claim (Used By)."""
    meta, spec, status = pvc["metadata"], pvc.get("spec") or {}, pvc.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"StorageClass:\t{claim_class(pvc)}\n")
    if spec.get("volumeAttributesClassName"):
        w.write(0, f"VolumeAttributesClass:\t{spec['volumeAttributesClassName']}\n")
    w.write(0, f"Status:\t{_status(pvc, now_ms)}\n")
    w.write(0, f"Volume:\t{spec.get('volumeName', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Finalizers:\t{_finalizers(meta)}\n")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        capacity = _storage(status.get("capacity"))
    w.write(0, f"Capacity:\t{capacity}\n")
    w.write(0, f"Access Modes:\t{modes}\n")
    if spec.get("volumeMode"):
        w.write(0, f"VolumeMode:\t{spec['volumeMode']}\n")
    w.write(0, "Used By:\t")
    if not users:
        w.write_line("<none>")
    for index, name in enumerate(sorted(users)):
        if index:
            w.write(0, "\t")
        w.write(0, f"{name}\n")
    _events(w, events, now_ms)
    return w.render()


def describe_storage_class(sc: dict, events: list[dict] | None, now_ms: int) -> str:
    meta = sc["metadata"]
    w = _Writer()
    w.write(0, f"Name:\t{meta['name']}\n")
    w.write(0, f"IsDefaultClass:\t{'Yes' if is_default_class(sc) else 'No'}\n")
    w.write(0, f"Annotations:\t{format_labels(meta.get('annotations'))}\n")
    w.write(0, f"Provisioner:\t{sc.get('provisioner', '')}\n")
    w.write(0, f"Parameters:\t{format_labels(sc.get('parameters'))}\n")
    expansion = sc.get("allowVolumeExpansion")
    w.write(
        0,
        f"AllowVolumeExpansion:\t{'<unset>' if expansion is None else ('True' if expansion else 'False')}\n",
    )
    options = sc.get("mountOptions") or []
    if not options:
        w.write(0, "MountOptions:\t<none>\n")
    else:
        w.write(0, "MountOptions:\n")
        for option in options:
            w.write(1, f"{option}\n")
    if sc.get("reclaimPolicy"):
        w.write(0, f"ReclaimPolicy:\t{sc['reclaimPolicy']}\n")
    if sc.get("volumeBindingMode"):
        w.write(0, f"VolumeBindingMode:\t{sc['volumeBindingMode']}\n")
    _events(w, events, now_ms)
    return w.render()
