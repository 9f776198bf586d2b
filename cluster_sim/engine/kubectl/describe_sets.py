"""`kubectl describe daemonset|statefulset`, laid out as describe.go's DaemonSetDescriber
and StatefulSetDescriber lay them out (see describe.py for the shared blocks)."""

from .describe import (
    _annotations_multiline,
    _events,
    _is_owned_by,
    _labels_multiline,
    _pod_template,
    _time,
    _Writer,
)
from .printers import format_label_selector, format_labels


def _pods_status(owner: dict, pods: list[dict]) -> str:
    """getPodStatusForController: the pods it controls, by phase."""
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods:
        phase = (pod.get("status") or {}).get("phase")
        if _is_owned_by(pod, owner) and phase in counts:
            counts[phase] += 1
    return (
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed"
    )


def describe_daemonset(ds: dict, pods: list[dict], events: list[dict] | None, now_ms: int) -> str:
    meta, spec, status = ds.get("metadata", {}), ds.get("spec", {}), ds.get("status") or {}
    template_spec = (spec.get("template") or {}).get("spec") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    w.write(0, f"Node-Selector:\t{format_labels(template_spec.get('nodeSelector'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    for title, field in (
        ("Desired Number of Nodes Scheduled", "desiredNumberScheduled"),
        ("Current Number of Nodes Scheduled", "currentNumberScheduled"),
        ("Number of Nodes Scheduled with Up-to-date Pods", "updatedNumberScheduled"),
        ("Number of Nodes Scheduled with Available Pods", "numberAvailable"),
        ("Number of Nodes Misscheduled", "numberMisscheduled"),
    ):
        w.write(0, f"{title}: {status.get(field, 0)}\n")
    w.write(0, f"Pods Status:\t{_pods_status(ds, pods)}\n")
    _pod_template(w, spec.get("template"))
    _events(w, events, now_ms)
    return w.render()


def describe_statefulset(
    sts: dict, pods: list[dict], events: list[dict] | None, now_ms: int
) -> str:
    meta, spec, status = sts.get("metadata", {}), sts.get("spec", {}), sts.get("status") or {}
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(
        0, f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('replicas', 0)} total\n"
    )
    strategy = spec.get("updateStrategy") or {}
    w.write(0, f"Update Strategy:\t{strategy.get('type', '')}\n")
    rolling = strategy.get("rollingUpdate")
    if rolling is not None and rolling.get("partition") is not None:
        w.write(1, f"Partition:\t{rolling['partition']}\n")
        if rolling.get("maxUnavailable") is not None:
            w.write(1, f"MaxUnavailable:\t{rolling['maxUnavailable']}\n")
    w.write(0, f"Pods Status:\t{_pods_status(sts, pods)}\n")
    _pod_template(w, spec.get("template"))
    _volume_claim_templates(w, spec.get("volumeClaimTemplates") or [])
    _events(w, events, now_ms)
    return w.render()


def _volume_claim_templates(w, templates: list[dict]) -> None:
    """describeVolumeClaimTemplates."""
    if not templates:
        w.write(0, "Volume Claims:\t<none>\n")
        return
    w.write(0, "Volume Claims:\n")
    for claim in templates:
        meta, spec = claim.get("metadata") or {}, claim.get("spec") or {}
        w.write(1, f"Name:\t{meta.get('name', '')}\n")
        w.write(1, f"StorageClass:\t{_claim_class(claim)}\n")
        _labels_multiline(w, "Labels", meta.get("labels"), initial="  ")
        _labels_multiline(w, "Annotations", meta.get("annotations"), initial="  ")
        storage = ((spec.get("resources") or {}).get("requests") or {}).get("storage")
        w.write(1, f"Capacity:\t{storage if storage is not None else '<default>'}\n")
        # Go's %s of a []PersistentVolumeAccessMode
        w.write(1, f"Access Modes:\t[{' '.join(spec.get('accessModes') or [])}]\n")


def _claim_class(claim: dict) -> str:
    """storageutil.GetPersistentVolumeClaimClass: the beta annotation wins over the field."""
    annotations = (claim.get("metadata") or {}).get("annotations") or {}
    beta = annotations.get("volume.beta.kubernetes.io/storage-class")
    if beta is not None:
        return beta
    return (claim.get("spec") or {}).get("storageClassName") or ""
