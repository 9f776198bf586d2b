"""check_object: would a real API server accept this object? If not, kubectl's message.

The steps follow the request path: kubectl maps apiVersion/kind to a resource
(cli-runtime mapper), the server decodes strictly (BadRequest), then runs the kind's
validation (422 Invalid, every error at once), plus the update rules when `old` is given.
"""

from . import meta, names, networking, policy, rbac, schema, services, storage, workloads
from .errors import (
    bad_request,
    display_source,
    go_quote,
    invalid_message,
    kind_not_found,
)
from .kinds import KindInfo, lookup_kind
from .loader import _STOP_VALIDATE, _kind_errors
from .update import prepare_update, update_errors

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
    ("", "PersistentVolumeClaim"): storage.validate_pvc,
    ("", "ResourceQuota"): policy.validate_resource_quota,
    ("", "LimitRange"): policy.validate_limit_range,
    ("apps", "Deployment"): workloads.validate_deployment,
    ("apps", "ReplicaSet"): workloads.validate_replicaset,
    ("apps", "DaemonSet"): workloads.validate_daemonset,
    ("apps", "StatefulSet"): workloads.validate_statefulset,
    ("batch", "Job"): workloads.validate_job,
    ("batch", "CronJob"): workloads.validate_cronjob,
    ("autoscaling", "HorizontalPodAutoscaler"): services.validate_hpa,
    ("networking.k8s.io", "Ingress"): networking.validate_ingress,
    ("networking.k8s.io", "NetworkPolicy"): networking.validate_network_policy,
    ("rbac.authorization.k8s.io", "RoleBinding"): lambda obj: rbac.validate_binding(obj, True),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): lambda obj: rbac.validate_binding(
        obj, False
    ),
}


def check_object(
    obj,
    old: dict | None = None,
    source: str = "-",
    *,
    verb: str | None = None,
    merged=None,
    field_validation: str = "Strict",
    warnings: list[str] | None = None,
):
    """None when the API server would accept `obj`; else kubectl's complete message.

    `field_validation` is the request's fieldValidation (kubectl --validate): Strict
    rejects unknown fields; Warn and Ignore drop them from `obj` and `merged`, Warn
    adding `unknown field "<path>"` to `warnings` as the server's warning headers do.

    `verb` names the operation in BadRequest messages ("creating" by default,
    "replacing" when `old` is given), as kubectl's AddSourceToErr does.

    On update (`old` given) the server decodes the request, then validates the object it
    would store: `merged`, the live object with the change applied (a patch), or `obj`
    itself (a replace). Its strategy's ValidateUpdate reports the object's errors and the
    update rules (immutable fields) together, in one 422.
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
    target = obj if merged is None else merged
    if old is not None:
        target = prepare_update(info.group, info.kind, target, old)
    required_errors = []
    if node is not None:
        decoded = schema.decode(node, obj)
        if decoded.unknown and field_validation != "Strict":
            dropped = decoded.drop_unknown()
            if merged is not None:
                schema.decode(node, merged).drop_unknown()
                target = (
                    merged if old is None else prepare_update(info.group, info.kind, merged, old)
                )
            if field_validation == "Warn" and warnings is not None:
                warnings.extend(f"unknown field {go_quote(path)}" for path in dropped)
            decoded = schema.decode(node, obj)
        if decoded.error:
            return bad_request(info.kind, info.version, decoded.error, source, verb)
        if target is not obj and (info.group, info.kind) not in _KIND_RULES:
            decoded_target = schema.decode(node, target)  # its required fields are the rules
            if decoded_target.error is None:
                decoded = decoded_target
        required_errors = [err for err in decoded.required if "." in err.field]
    if old is None:
        errors = validate(info, target, required_errors)
    else:
        errors = validate_update(info, target, old, required_errors)
    if errors:
        return invalid_message(info.kind, name, errors)
    return None


def validate(info: KindInfo, obj: dict, required_errors=()) -> list:
    """The kind's field errors in upstream's order: metadata first, then the kind's rules."""
    key = (info.group, info.kind)
    name_rule = _NAME_RULES.get(key, names.dns1123_subdomain)
    return meta.validate_object_meta(obj.get("metadata"), name_rule) + _kind_errors_of(
        info, obj, required_errors
    )


# Where a kind's update validates the object differently from its create.
_UPDATE_RULES = {
    # ValidateIngressUpdate: no `kubernetes.io/ingress.class` annotation check
    ("networking.k8s.io", "Ingress"): networking.validate_ingress_spec,
}


def _kind_errors_of(info: KindInfo, obj: dict, required_errors, update: bool = False) -> list:
    key = (info.group, info.kind)
    rules = (_UPDATE_RULES.get(key) if update else None) or _KIND_RULES.get(key)
    return rules(obj) if rules is not None else list(required_errors)


def validate_update(info: KindInfo, new: dict, old: dict, required_errors=()) -> list:
    """The strategy's ValidateUpdate, all errors together, in upstream's order.

    Most kinds: ValidateObjectMetaUpdate, the object's own rules, then the update rules
    (ValidateDeploymentUpdate, with the selector's immutability appended by the deployment
    strategy's ValidateUpdate; likewise ReplicaSet, DaemonSet, ValidateJobSpecUpdate).
    Service checks the cluster IP before ValidateService (ValidateServiceUpdate);
    ValidateStatefulSetUpdate validates the spec before the metadata.
    """
    metadata = meta.validate_object_meta(new.get("metadata"), lambda name: [])
    own = _kind_errors_of(info, new, required_errors, update=True)
    changes = update_errors(info.group, info.kind, new, old)
    if (info.group, info.kind) == ("", "Service"):
        return metadata + changes + own
    if (info.group, info.kind) == ("apps", "StatefulSet"):
        return own + metadata + changes
    return metadata + own + changes
