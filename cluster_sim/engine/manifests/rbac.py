"""RoleBinding and ClusterRoleBinding rules (pkg/apis/rbac/validation/validation.go)."""

from . import names
from .errors import FieldError, invalid, not_supported, required

RBAC_GROUP = "rbac.authorization.k8s.io"


def validate_binding(obj, namespaced: bool) -> list[FieldError]:
    ref = obj.get("roleRef") or {}
    errs = []
    if (ref.get("apiGroup") or "") != RBAC_GROUP:
        errs.append(not_supported("roleRef.apiGroup", ref.get("apiGroup") or "", [RBAC_GROUP]))
    if ref.get("kind") not in ("Role", "ClusterRole"):
        errs.append(not_supported("roleRef.kind", ref.get("kind") or "", ["Role", "ClusterRole"]))
    name = ref.get("name") or ""
    if not name:
        errs.append(required("roleRef.name", ""))
    else:
        errs += [invalid("roleRef.name", name, m) for m in names.path_segment_name(name)]
    for index, subject in enumerate(obj.get("subjects") or []):
        errs += _subject(subject or {}, namespaced, f"subjects[{index}]")
    return errs


def _subject(subject, namespaced, path) -> list[FieldError]:
    errs = []
    name = subject.get("name") or ""
    group = subject.get("apiGroup") or ""
    if not name:
        errs.append(required(f"{path}.name", ""))
    kind = subject.get("kind") or ""
    if kind == "ServiceAccount":
        if name:
            errs += [invalid(f"{path}.name", name, m) for m in names.dns1123_subdomain(name)]
        if group:
            errs.append(not_supported(f"{path}.apiGroup", group, [""]))
        if not namespaced and not subject.get("namespace"):
            errs.append(required(f"{path}.namespace", ""))
    elif kind in ("User", "Group"):
        if group != RBAC_GROUP:
            errs.append(not_supported(f"{path}.apiGroup", group, [RBAC_GROUP]))
    else:
        errs.append(not_supported(f"{path}.kind", kind, ["ServiceAccount", "User", "Group"]))
    return errs
