"""The kubelet's pod admission (pkg/kubelet/lifecycle/predicate.go, predicateAdmitHandler).

A pod bound by the scheduler already fits its node, but one created with `spec.nodeName`
set never met the scheduler: the kubelet's own check is all that stands between it and
an over-committed node. The kubelet runs it for every pod it is handed (and again for
each of its pods when it restarts), against the pods it already admitted, and rejects a
pod that does not fit: phase Failed, the reason (`OutOfcpu`, `NodeAffinity`, ...) and
`Pod was rejected: <message>` in its status, and a Warning event of that reason
(Kubelet.rejectPod in pkg/kubelet/kubelet.go).

The checks, in upstream's order; the first failure is the one reported:
- `kubernetes.io/os` pod label / `spec.os.name` against the node's OS (linux);
- scheduler.AdmissionCheck: noderesources.Fits (pods, cpu, memory, ephemeral-storage,
  then the other resources), then the required node affinity and nodeSelector, the node
  name and the host ports;
- the node's NoExecute taints (generalFilter; NoSchedule taints do not stop a pod that is
  already bound).
Extended resources the node does not advertise are dropped from the requests first
(removeMissingExtendedResources), so such a pod is admitted: upstream's documented caveat.
"""

from collections import Counter
from types import SimpleNamespace

from .scheduler.plugins import NodeAffinity, NodePorts, tolerates_taint
from .scheduler.resources import node_allocatable, pod_host_ports, pod_requests

NODE_OS = "linux"
OS_LABEL = "kubernetes.io/os"
# Resources noderesources.fitsRequest checks first, in its order; the rest follow sorted
# (upstream ranges over a map).
FIRST_RESOURCES = ("cpu", "memory", "ephemeral-storage")
# The reasons predicate.go names (OutOfCPU = "OutOfcpu", ...); others are "OutOf" + name.
INSUFFICIENT_RESOURCE_PREFIX = "OutOf"


class AdmittedPods:
    """What the kubelet's admitted pods that are still active ask of its node, kept as pods
    come and go (upstream rebuilds a NodeInfo from them for every admission; a running
    tally costs the same whatever the number of pods)."""

    def __init__(self) -> None:
        self._members: dict[str, tuple[dict[str, int], set]] = {}
        self.requested: dict[str, int] = {}
        self.host_ports: Counter = Counter()
        self._allocatable_source: dict | None = None
        self._allocatable: dict[str, int] = {}

    def allocatable(self, node: dict) -> dict[str, int]:
        """The node's allocatable, parsed once for as long as the kubelet reports the same."""
        source = (node.get("status") or {}).get("allocatable")
        if source is None or source is not self._allocatable_source:
            self._allocatable_source = source
            self._allocatable = node_allocatable(node)
        return self._allocatable

    @property
    def count(self) -> int:
        return len(self._members)

    def add(self, pod: dict, requests: dict[str, int] | None = None) -> None:
        uid = pod["metadata"]["uid"]
        if uid in self._members:
            return
        if requests is None:
            requests = pod_requests(pod["spec"])
        ports = pod_host_ports(pod)
        self._members[uid] = (requests, ports)
        for name, amount in requests.items():
            self.requested[name] = self.requested.get(name, 0) + amount
        self.host_ports.update(ports)

    def discard(self, uid: str) -> None:
        member = self._members.pop(uid, None)
        if member is None:
            return
        requests, ports = member
        for name, amount in requests.items():
            self.requested[name] -= amount
        self.host_ports.subtract(ports)


def admission_failure(
    pod: dict, node: dict, admitted: AdmittedPods, requests: dict[str, int]
) -> tuple[str, str] | None:
    """(reason, message) if the kubelet rejects `pod` (asking for `requests`, pod_requests)
    on `node`, given the pods it already admitted there; None if it admits the pod."""
    labels = pod["metadata"].get("labels") or {}
    if OS_LABEL in labels and labels[OS_LABEL] != NODE_OS:
        return (
            "PodOSSelectorNodeLabelDoesNotMatch",
            "Failed to admit pod as the `kubernetes.io/os` label doesn't match node label",
        )
    os_name = (pod["spec"].get("os") or {}).get("name")
    if os_name and os_name != NODE_OS:
        return "PodOSNotSupported", "Failed to admit pod as the OS field doesn't match node OS"
    failure = _insufficient_resource(requests, admitted.allocatable(node), admitted)
    if failure is not None:
        return failure
    spec = pod["spec"]
    if spec.get("nodeSelector") or spec.get("affinity") or pod_host_ports(pod):
        # What the NodeAffinity and NodePorts filters read of a scheduler NodeInfo.
        info = SimpleNamespace(
            node=node,
            name=node["metadata"]["name"],
            host_ports={port for port, users in admitted.host_ports.items() if users > 0},
        )
        state = SimpleNamespace(pod=pod)
        for plugin in (NodeAffinity(), NodePorts()):
            filtered = plugin.filter(state, info)
            if filtered is not None:
                return _predicate_failure(plugin.name, filtered.reasons[0])
    for taint in node["spec"].get("taints") or ():
        if taint.get("effect") == "NoExecute" and not tolerates_taint(pod, taint):
            return _predicate_failure(
                "TaintToleration", "node(s) had taints that the pod didn't tolerate"
            )
    return None


def _predicate_failure(name: str, reason: str) -> tuple[str, str]:
    """PredicateFailureError: the reason is the plugin's name."""
    return name, f"Predicate {name} failed: {reason}"


def _insufficient_resource(
    wanted: dict[str, int], allocatable: dict[str, int], admitted: AdmittedPods
) -> tuple[str, str] | None:
    """noderesources.Fits, reported as an InsufficientResourceError of its first resource."""
    if admitted.count + 1 > allocatable.get("pods", 0):
        return _out_of("pods", 1, admitted.count, allocatable.get("pods", 0))
    requests = {
        name: amount
        for name, amount in wanted.items()
        if amount and (not _is_extended(name) or name in allocatable)
    }
    others = sorted(name for name in requests if name not in FIRST_RESOURCES)
    for name in (*FIRST_RESOURCES, *others):
        amount = requests.get(name, 0)
        if not amount:
            continue
        capacity = allocatable.get(name, 0)
        used = admitted.requested.get(name, 0)
        if amount > capacity - used:
            return _out_of(name, amount, used, capacity)
    return None


def _out_of(resource: str, requested: int, used: int, capacity: int) -> tuple[str, str]:
    """InsufficientResourceError.Error(): cpu in millicores, memory and storage in bytes."""
    return (
        f"{INSUFFICIENT_RESOURCE_PREFIX}{resource}",
        f"Node didn't have enough resource: {resource}, requested: {requested}, "
        f"used: {used}, capacity: {capacity}",
    )


def _is_extended(name: str) -> bool:
    """v1helper.IsExtendedResourceName: namespaced outside kubernetes.io, not a quota name."""
    native = "/" not in name or "kubernetes.io/" in name
    return not native and not name.startswith("requests.")


__all__ = ["AdmittedPods", "admission_failure"]
