"""check_object: would a real API server accept this object? If not, kubectl's message.

The steps follow the request path: kubectl maps apiVersion/kind to a resource
(cli-runtime mapper), the server decodes strictly (BadRequest), then runs the kind's
validation (422 Invalid, every error at once), plus the update rules when `old` is given.
"""

from . import meta, names, rbac, schema, services, workloads
from .errors import (
    bad_request,
    display_source,
    go_quote,
    invalid_message,
    kind_not_found,
)
from .kinds import KindInfo, lookup_kind
from .loader import _STOP_VALIDATE, _kind_errors
from .update import update_errors

# Object name rules per kind (ValidateServiceName, ValidateNamespaceName, ValidateRBACName...).
_NAME_RULES = {
    ("", "Service"): names.dns1035_label,
    ("", "Namespace"): names.dns1123_label,
    ("rbac.authorization.k8s.io", "Role"): names.path_segment_name,
    ("rbac.authorization.k8s.io", "ClusterRole"): names.path_segment_name,
    ("rbac.authorization.k8s.io", "RoleBinding"): names.path_segment_name,
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): names.path_segment_name,
}

# Kinds with hand-written rules; other kinds get the schema's required fields instead.
_KIND_RULES = {
    ("", "Pod"): workloads.validate_pod,
    ("", "PodTemplate"): workloads.validate_pod_template_object,
    ("", "ReplicationController"): workloads.validate_replication_controller,
    ("", "Service"): services.validate_service,
    ("", "Node"): services.validate_node,
    ("", "ConfigMap"): services.validate_config_map,
    ("", "Secret"): services.validate_secret,
    ("", "Namespace"): lambda obj: [],
    ("apps", "Deployment"): workloads.validate_deployment,
    ("apps", "ReplicaSet"): workloads.validate_replicaset,
    ("apps", "DaemonSet"): workloads.validate_daemonset,
    ("apps", "StatefulSet"): workloads.validate_statefulset,
    ("batch", "Job"): workloads.validate_job,
    ("batch", "CronJob"): workloads.validate_cronjob,
    ("autoscaling", "HorizontalPodAutoscaler"): services.validate_hpa,
    ("rbac.authorization.k8s.io", "RoleBinding"): lambda obj: rbac.validate_binding(obj, True),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): lambda obj: rbac.validate_binding(
        obj, False
    ),
}


def check_object(obj, old: dict | None = None, source: str = "-", *, verb: str | None = None):
    """None when the API server would accept `obj`; else kubectl's complete message.

    `verb` names the operation in BadRequest messages ("creating" by default,
    "replacing" when `old` is given), as kubectl's AddSourceToErr does.
    """
    verb = verb or ("creating" if old is None else "replacing")
    kind_errors = _kind_errors(obj)
    if kind_errors:
        detail = kind_errors[0] if len(kind_errors) == 1 else "[" + ", ".join(kind_errors) + "]"
        return (
            f"error: error validating {go_quote(display_source(source))}: "
            f"error validating data: {detail}; {_STOP_VALIDATE}"
        )
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = metadata.get("name") if isinstance(metadata.get("name"), str) else ""
    info = lookup_kind(obj["apiVersion"], obj["kind"])
    if info is None:
        namespace = metadata.get("namespace") if isinstance(metadata.get("namespace"), str) else ""
        return kind_not_found(name, namespace, source, obj["kind"], obj["apiVersion"])
    node = schema.object_node(info.group, info.version, info.kind)
    required_errors = []
    if node is not None:
        decoded = schema.decode(node, obj)
        if decoded.error:
            return bad_request(info.kind, info.version, decoded.error, source, verb)
        required_errors = [err for err in decoded.required if "." in err.field]
    errors = validate(info, obj, required_errors)
    if old is not None:
        errors += update_errors(info.group, info.kind, obj, old)
    if errors:
        return invalid_message(info.kind, name, errors)
    return None


def validate(info: KindInfo, obj: dict, required_errors=()) -> list:
    """The kind's field errors in upstream's order: metadata first, then the kind's rules."""
    key = (info.group, info.kind)
    name_rule = _NAME_RULES.get(key, names.dns1123_subdomain)
    errors = meta.validate_object_meta(obj.get("metadata"), name_rule)
    rules = _KIND_RULES.get(key)
    if rules is not None:
        errors += rules(obj)
    else:
        errors += list(required_errors)
    return errors
