"""The built-in kinds a Kubernetes API server serves, with upstream's resource names.

Plurals, short names and scope are as `kubectl api-resources` prints them for a
v1.34 cluster. The order matters where names collide: kubectl prefers the core
group (`events`/`ev` mean core/v1 Event, not events.k8s.io).
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class KindInfo:
    kind: str
    group: str  # "" for the core group
    version: str
    plural: str
    singular: str
    short_names: tuple[str, ...]
    namespaced: bool

    @property
    def api_version(self) -> str:
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def group_kind(self) -> str:
        """`Deployment.apps`, as the API server names a kind in "is invalid" statuses."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


# (group, version, kind, plural, short names, namespaced)
_TABLE = [
    ("", "v1", "Binding", "bindings", "", True),
    ("", "v1", "ComponentStatus", "componentstatuses", "cs", False),
    ("", "v1", "ConfigMap", "configmaps", "cm", True),
    ("", "v1", "Endpoints", "endpoints", "ep", True),
    ("", "v1", "Event", "events", "ev", True),
    ("", "v1", "LimitRange", "limitranges", "limits", True),
    ("", "v1", "Namespace", "namespaces", "ns", False),
    ("", "v1", "Node", "nodes", "no", False),
    ("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", "pvc", True),
    ("", "v1", "PersistentVolume", "persistentvolumes", "pv", False),
    ("", "v1", "Pod", "pods", "po", True),
    ("", "v1", "PodTemplate", "podtemplates", "", True),
    ("", "v1", "ReplicationController", "replicationcontrollers", "rc", True),
    ("", "v1", "ResourceQuota", "resourcequotas", "quota", True),
    ("", "v1", "Secret", "secrets", "", True),
    ("", "v1", "ServiceAccount", "serviceaccounts", "sa", True),
    ("", "v1", "Service", "services", "svc", True),
    (
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        "",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicy",
        "validatingadmissionpolicies",
        "",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingAdmissionPolicyBinding",
        "validatingadmissionpolicybindings",
        "",
        False,
    ),
    (
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        "",
        False,
    ),
    (
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        "crd,crds",
        False,
    ),
    ("apiregistration.k8s.io", "v1", "APIService", "apiservices", "", False),
    ("apps", "v1", "ControllerRevision", "controllerrevisions", "", True),
    ("apps", "v1", "DaemonSet", "daemonsets", "ds", True),
    ("apps", "v1", "Deployment", "deployments", "deploy", True),
    ("apps", "v1", "ReplicaSet", "replicasets", "rs", True),
    ("apps", "v1", "StatefulSet", "statefulsets", "sts", True),
    ("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", "", False),
    ("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", "", False),
    (
        "authorization.k8s.io",
        "v1",
        "LocalSubjectAccessReview",
        "localsubjectaccessreviews",
        "",
        True,
    ),
    (
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        "",
        False,
    ),
    ("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", "", False),
    ("authorization.k8s.io", "v1", "SubjectAccessReview", "subjectaccessreviews", "", False),
    ("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa", True),
    ("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", "hpa", True),
    ("batch", "v1", "CronJob", "cronjobs", "cj", True),
    ("batch", "v1", "Job", "jobs", "", True),
    (
        "certificates.k8s.io",
        "v1",
        "CertificateSigningRequest",
        "certificatesigningrequests",
        "csr",
        False,
    ),
    ("coordination.k8s.io", "v1", "Lease", "leases", "", True),
    ("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", "", True),
    ("events.k8s.io", "v1", "Event", "events", "ev", True),
    ("flowcontrol.apiserver.k8s.io", "v1", "FlowSchema", "flowschemas", "", False),
    (
        "flowcontrol.apiserver.k8s.io",
        "v1",
        "PriorityLevelConfiguration",
        "prioritylevelconfigurations",
        "",
        False,
    ),
    ("networking.k8s.io", "v1", "IngressClass", "ingressclasses", "", False),
    ("networking.k8s.io", "v1", "Ingress", "ingresses", "ing", True),
    ("networking.k8s.io", "v1", "IPAddress", "ipaddresses", "ip", False),
    ("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", "netpol", True),
    ("networking.k8s.io", "v1", "ServiceCIDR", "servicecidrs", "", False),
    ("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", "", False),
    ("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", "pdb", True),
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", "", False),
    ("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", "", False),
    ("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", "", True),
    ("rbac.authorization.k8s.io", "v1", "Role", "roles", "", True),
    ("resource.k8s.io", "v1", "DeviceClass", "deviceclasses", "", False),
    ("resource.k8s.io", "v1", "ResourceClaim", "resourceclaims", "", True),
    ("resource.k8s.io", "v1", "ResourceClaimTemplate", "resourceclaimtemplates", "", True),
    ("resource.k8s.io", "v1", "ResourceSlice", "resourceslices", "", False),
    ("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", "pc", False),
    ("storage.k8s.io", "v1", "CSIDriver", "csidrivers", "", False),
    ("storage.k8s.io", "v1", "CSINode", "csinodes", "", False),
    ("storage.k8s.io", "v1", "CSIStorageCapacity", "csistoragecapacities", "", True),
    ("storage.k8s.io", "v1", "StorageClass", "storageclasses", "sc", False),
    ("storage.k8s.io", "v1", "VolumeAttachment", "volumeattachments", "", False),
    ("storage.k8s.io", "v1", "VolumeAttributesClass", "volumeattributesclasses", "vac", False),
]

KINDS: tuple[KindInfo, ...] = tuple(
    KindInfo(
        kind=kind,
        group=group,
        version=version,
        plural=plural,
        singular=kind.lower(),
        short_names=tuple(s for s in shorts.split(",") if s),
        namespaced=namespaced,
    )
    for group, version, kind, plural, shorts, namespaced in _TABLE
)

_BY_GVK = {(k.group, k.version, k.kind): k for k in KINDS}


def split_api_version(api_version: str) -> tuple[str, str] | None:
    """schema.ParseGroupVersion: `apps/v1` -> ("apps", "v1"), `v1` -> ("", "v1")."""
    if api_version.count("/") > 1:
        return None
    group, _, version = api_version.rpartition("/")
    return group, version


def lookup_kind(api_version: str, kind: str) -> KindInfo | None:
    """The served kind for an object's apiVersion and kind (case-sensitive, as upstream)."""
    parts = split_api_version(api_version or "")
    if parts is None:
        return None
    return _BY_GVK.get((parts[0], parts[1], kind))


def lookup_resource(name: str) -> KindInfo | None:
    """Resolve a kubectl resource argument: `po`, `pods`, `Pod`, `deployments.apps`,
    `deploy.v1.apps`. Preferred versions come first (autoscaling/v2 before v1)."""
    text = name.strip().lower()
    if not text:
        return None
    resource, group, version = text, None, None
    if "." in text:
        resource, _, rest = text.partition(".")
        group = rest
        head, _, tail = rest.partition(".")
        # `deployments.v1.apps`: a version segment before the group.
        if tail and head.startswith("v") and head[1:2].isdigit():
            version, group = head, tail
        elif not tail and head.startswith("v") and head[1:2].isdigit():
            version, group = head, ""  # `pods.v1` names the core group
    for info in KINDS:
        if group is not None and info.group != group:
            continue
        if version is not None and info.version != version:
            continue
        names = (info.plural, info.singular, *info.short_names)
        if resource in names:
            return info
    return None
