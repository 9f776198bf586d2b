"""The kinds registry: upstream's plurals, short names and scope, kubectl's name lookup."""

import pytest

from cluster_sim.engine.manifests import lookup_kind, lookup_resource
from cluster_sim.engine.manifests.kinds import KINDS
from cluster_sim.engine.manifests.schema import object_node


@pytest.mark.parametrize(
    ("name", "kind", "group"),
    [
        ("po", "Pod", ""),
        ("pods", "Pod", ""),
        ("pod", "Pod", ""),
        ("Pod", "Pod", ""),
        ("deploy", "Deployment", "apps"),
        ("deployments.apps", "Deployment", "apps"),
        ("deployment.v1.apps", "Deployment", "apps"),
        ("rs", "ReplicaSet", "apps"),
        ("svc", "Service", ""),
        ("ep", "Endpoints", ""),
        ("ev", "Event", ""),  # the core group wins, as in kubectl
        ("events.events.k8s.io", "Event", "events.k8s.io"),
        ("ns", "Namespace", ""),
        ("no", "Node", ""),
        ("nodes", "Node", ""),
        ("cm", "ConfigMap", ""),
        ("hpa", "HorizontalPodAutoscaler", "autoscaling"),
        ("pvc", "PersistentVolumeClaim", ""),
        ("pv", "PersistentVolume", ""),
        ("sts", "StatefulSet", "apps"),
        ("ds", "DaemonSet", "apps"),
        ("cj", "CronJob", "batch"),
        ("jobs", "Job", "batch"),
        ("ing", "Ingress", "networking.k8s.io"),
        ("netpol", "NetworkPolicy", "networking.k8s.io"),
        ("sa", "ServiceAccount", ""),
        ("quota", "ResourceQuota", ""),
        ("limits", "LimitRange", ""),
        ("pdb", "PodDisruptionBudget", "policy"),
        ("sc", "StorageClass", "storage.k8s.io"),
        ("endpointslices", "EndpointSlice", "discovery.k8s.io"),
        ("crd", "CustomResourceDefinition", "apiextensions.k8s.io"),
        ("pc", "PriorityClass", "scheduling.k8s.io"),
        ("leases", "Lease", "coordination.k8s.io"),
        ("clusterrolebindings", "ClusterRoleBinding", "rbac.authorization.k8s.io"),
    ],
)
def test_lookup_resource(name, kind, group):
    info = lookup_resource(name)
    assert (info.kind, info.group) == (kind, group)


def test_unknown_resource():
    assert lookup_resource("foos") is None
    assert lookup_resource("pods.apps") is None


def test_lookup_kind_is_exact():
    info = lookup_kind("apps/v1", "Deployment")
    assert (info.plural, info.short_names, info.namespaced) == ("deployments", ("deploy",), True)
    assert lookup_kind("apps/v1", "deployment") is None
    assert lookup_kind("extensions/v1beta1", "Deployment") is None
    assert lookup_kind("autoscaling/v1", "HorizontalPodAutoscaler").version == "v1"
    assert lookup_kind("v1", "Node").namespaced is False


def test_preferred_version_first():
    assert lookup_resource("hpa").version == "v2"


def test_every_registered_kind_has_a_schema():
    missing = [k.kind for k in KINDS if object_node(k.group, k.version, k.kind) is None]
    assert missing == []
