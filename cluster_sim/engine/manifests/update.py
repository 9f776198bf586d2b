"""Rules that only apply on update: fields that may not change once set.

Sources: apps ValidateDeploymentUpdate / ValidateReplicaSetUpdate / ValidateDaemonSetUpdate /
ValidateStatefulSetUpdate, batch ValidateJobUpdate, core ValidatePodUpdate and
validateUpgradeDowngradeClusterIPs (pkg/apis/*/validation/validation.go).

The stored object carries server defaults and the new one may not, so a field the
new object leaves out counts as unchanged ("new's values must match old's").
"""

import copy

from .errors import FieldError, forbidden, invalid, render_value
from .policy import quota_update_errors

IMMUTABLE = "field is immutable"

POD_UPDATABLE = ",".join(
    [
        "`spec.containers[*].image`",
        "`spec.initContainers[*].image`",
        "`spec.activeDeadlineSeconds`",
        "`spec.tolerations` (only additions to existing tolerations)",
        "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
    ]
)
_STS_UPDATABLE = {
    "replicas",
    "ordinals",
    "template",
    "updateStrategy",
    "persistentVolumeClaimRetentionPolicy",
    "minReadySeconds",
}


def unchanged(new, old) -> bool:
    """True when every value `new` states equals `old`'s (absent keys are unchanged)."""
    if isinstance(new, dict) and isinstance(old, dict):
        return all(
            key in old and unchanged(value, old[key]) or value is None and key not in old
            for key, value in new.items()
        )
    if isinstance(new, list) and isinstance(old, list):
        return len(new) == len(old) and all(unchanged(a, b) for a, b in zip(new, old, strict=True))
    return new == old


def update_errors(group: str, kind: str, new: dict, old: dict) -> list[FieldError]:
    spec = new.get("spec") or {}
    old_spec = old.get("spec") or {}
    errs: list[FieldError] = []
    selector_kinds = {"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job"}
    selector_changed = "selector" in spec and _selector(spec["selector"]) != _selector(
        old_spec.get("selector")
    )
    if group in ("apps", "batch") and kind in selector_kinds and selector_changed:
        errs.append(invalid("spec.selector", spec["selector"], IMMUTABLE))
    if (group, kind) == ("apps", "StatefulSet"):
        changed = [
            key
            for key in spec
            if key not in _STS_UPDATABLE and not unchanged(spec[key], old_spec.get(key))
        ]
        if changed:
            errs.append(
                forbidden(
                    "spec",
                    "updates to statefulset spec for fields other than "
                    "'replicas', 'ordinals', 'template', 'updateStrategy', "
                    "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' "
                    "are forbidden",
                )
            )
    template_changed = "template" in spec and not unchanged(
        spec["template"], old_spec.get("template")
    )
    if (group, kind) == ("batch", "Job") and template_changed:
        errs.append(invalid("spec.template", spec["template"], IMMUTABLE))
    if (group, kind) == ("", "Service"):
        errs += _service_update(spec, old_spec)
    if (group, kind) == ("", "Pod"):
        errs += _pod_update(spec, old_spec)
    if (group, kind) == ("", "ResourceQuota"):
        errs += quota_update_errors(spec, old_spec)
    return errs


def prepare_update(group: str, kind: str, new: dict, old: dict) -> dict:
    """What the strategy's PrepareForUpdate changes before ValidateUpdate sees the object:
    for a Service, dropTypeDependentFields. Returns `new`, or a changed copy."""
    spec, old_spec = new.get("spec"), old.get("spec")
    if (group, kind) != ("", "Service") or not isinstance(spec, dict):
        return new
    if not isinstance(old_spec, dict):
        return new
    spec = copy.deepcopy(spec)
    drop_type_dependent_fields(spec, old_spec)
    return {**new, "spec": spec}


def needs_cluster_ip(spec: dict) -> bool:
    return (spec.get("type") or "ClusterIP") != "ExternalName"


def needs_node_ports(spec: dict) -> bool:
    return spec.get("type") in ("NodePort", "LoadBalancer")


def _externally_accessible(spec: dict) -> bool:
    """service.ExternallyAccessible."""
    kind = spec.get("type") or "ClusterIP"
    return kind in ("NodePort", "LoadBalancer") or (
        kind == "ClusterIP" and bool(spec.get("externalIPs"))
    )


def drop_type_dependent_fields(spec: dict, old_spec: dict) -> None:
    """pkg/registry/core/service/strategy.go dropTypeDependentFields, in place: a Service whose
    type no longer needs a field loses it, when the user left it as it was (a changed value
    is for validation to refuse). ExternalName gives up its cluster IP and IP families,
    ClusterIP and ExternalName their node ports."""
    if needs_cluster_ip(old_spec) and not needs_cluster_ip(spec):
        if (spec.get("clusterIPs") or None) == (old_spec.get("clusterIPs") or None):
            spec.pop("clusterIP", None)
            spec.pop("clusterIPs", None)
        for field in ("ipFamilies", "ipFamilyPolicy"):
            if spec.get(field) == old_spec.get(field):
                spec.pop(field, None)
    if needs_node_ports(old_spec) and not needs_node_ports(spec):
        old_ports = {p.get("nodePort") for p in old_spec.get("ports") or [] if p.get("nodePort")}
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        if all(p["nodePort"] in old_ports for p in ports if p.get("nodePort")):  # sameNodePorts
            for port in ports:
                port.pop("nodePort", None)
    if old_spec.get("type") == "LoadBalancer" and spec.get("type") != "LoadBalancer":
        allocate = "allocateLoadBalancerNodePorts"
        if spec.get(allocate) is not None and spec.get(allocate) == old_spec.get(allocate):
            spec.pop(allocate)
    if (
        _externally_accessible(old_spec)
        and not _externally_accessible(spec)
        and spec.get("externalTrafficPolicy") == old_spec.get("externalTrafficPolicy")
    ):
        spec.pop("externalTrafficPolicy", None)


def _selector(selector):
    """A label selector compared exactly (an empty list equals an absent one)."""
    selector = selector or {}
    return (selector.get("matchLabels") or {}, selector.get("matchExpressions") or [])


def _service_update(spec, old_spec) -> list[FieldError]:
    new_ip, old_ip = spec.get("clusterIP"), old_spec.get("clusterIP")
    if "ExternalName" in (spec.get("type"), old_spec.get("type")):
        return []
    if new_ip and old_ip and new_ip != old_ip:
        ips = spec.get("clusterIPs")
        if not ips or ips == old_spec.get("clusterIPs"):
            # NormalizeClusterIPs (service strategy PrepareForUpdate): a changed clusterIP with
            # the old clusterIPs (what a patch leaves) becomes clusterIPs [clusterIP]
            ips = [new_ip]
        return [invalid("spec.clusterIPs[0]", ips, "may not change once set")]
    return []


def _pod_update(spec, old_spec) -> list[FieldError]:
    munged = dict(spec)
    for field in ("containers", "initContainers"):
        new_list, old_list = spec.get(field), old_spec.get(field) or []
        if isinstance(new_list, list) and len(new_list) == len(old_list):
            munged[field] = [
                {**(c or {}), "image": (o or {}).get("image")}
                for c, o in zip(new_list, old_list, strict=True)
            ]
    for field in ("activeDeadlineSeconds", "terminationGracePeriodSeconds"):
        if field in munged:
            munged[field] = old_spec.get(field)
    old_tolerations = old_spec.get("tolerations") or []
    new_tolerations = spec.get("tolerations")
    if isinstance(new_tolerations, list) and all(t in new_tolerations for t in old_tolerations):
        munged["tolerations"] = old_tolerations if old_tolerations else None
    if unchanged(munged, old_spec):
        return []
    return [
        forbidden(
            "spec",
            f"pod updates may not change fields other than {POD_UPDATABLE}\n"
            + _spec_diff(munged, old_spec),
        )
    ]


def _spec_diff(new: dict, old: dict) -> str:
    """A short cmp.Diff-like listing of the PodSpec fields that changed."""
    lines = ["  core.PodSpec{"]
    for key in sorted(new):
        if not unchanged(new[key], old.get(key)):
            title = key[:1].upper() + key[1:]
            lines.append(f"- \t{title}: {render_value(old.get(key))},")
            lines.append(f"+ \t{title}: {render_value(new[key])},")
    lines.append("  }")
    return "\n".join(lines) + "\n"
