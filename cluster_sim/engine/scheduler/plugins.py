"""Filter and score plugins of the default profile, named and worded as upstream's.

Each reason string is the one kube-scheduler reports (pkg/scheduler/framework/plugins).
"""

import math

from .cache import NodeInfo
from .framework import (
    MAX_NODE_SCORE,
    UNRESOLVABLE,
    UNSCHEDULABLE,
    CycleState,
    FilterFailure,
    default_normalize,
)

# --- filters ------------------------------------------------------------------


class NodeUnschedulable:
    name = "NodeUnschedulable"
    REASON = "node(s) were unschedulable"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        if not node.node["spec"].get("unschedulable"):
            return None
        if _tolerates(
            state.pod, {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"}
        ):
            return None
        return FilterFailure(self.name, (self.REASON,), UNRESOLVABLE)


class NodeName:
    name = "NodeName"
    REASON = "node(s) didn't match the requested node name"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        wanted = state.pod["spec"].get("nodeName")
        if wanted and wanted != node.name:
            return FilterFailure(self.name, (self.REASON,), UNRESOLVABLE)
        return None


class TaintToleration:
    name = "TaintToleration"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        for taint in node.node["spec"].get("taints") or ():
            if taint.get("effect") in ("NoSchedule", "NoExecute") and not _tolerates(
                state.pod, taint
            ):
                value = taint.get("value", "")
                reason = f"node(s) had untolerated taint {{{taint['key']}: {value}}}"
                return FilterFailure(self.name, (reason,), UNRESOLVABLE)
        return None

    def score(self, state: CycleState, node: NodeInfo) -> int:
        return sum(
            1
            for taint in node.node["spec"].get("taints") or ()
            if taint.get("effect") == "PreferNoSchedule" and not _tolerates(state.pod, taint)
        )

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize(scores, reverse=True)


class NodeAffinity:
    name = "NodeAffinity"
    REASON = "node(s) didn't match Pod's node affinity/selector"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        labels = node.node["metadata"].get("labels") or {}
        spec = state.pod["spec"]
        for key, value in (spec.get("nodeSelector") or {}).items():
            if labels.get(key) != value:
                return FilterFailure(self.name, (self.REASON,), UNRESOLVABLE)
        required = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
            "requiredDuringSchedulingIgnoredDuringExecution"
        )
        if required:
            terms = required.get("nodeSelectorTerms") or []
            if not any(_node_selector_term_matches(term, node) for term in terms):
                return FilterFailure(self.name, (self.REASON,), UNRESOLVABLE)
        return None

    def score(self, state: CycleState, node: NodeInfo) -> int:
        preferred = (
            ((state.pod["spec"].get("affinity") or {}).get("nodeAffinity") or {}).get(
                "preferredDuringSchedulingIgnoredDuringExecution"
            )
        ) or []
        return sum(
            term.get("weight", 0)
            for term in preferred
            if _node_selector_term_matches(term.get("preference") or {}, node)
        )

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return default_normalize(scores)


class NodePorts:
    name = "NodePorts"
    REASON = "node(s) didn't have free ports for the requested pod ports"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        for container in state.pod["spec"].get("containers", []):
            for port in container.get("ports", []):
                if (
                    port.get("hostPort")
                    and (port.get("protocol", "TCP"), port["hostPort"]) in node.host_ports
                ):
                    return FilterFailure(self.name, (self.REASON,))
        return None


class NodeResourcesFit:
    """Filter: requests fit in allocatable minus what is requested; Score: LeastAllocated."""

    name = "NodeResourcesFit"

    def filter(self, state: CycleState, node: NodeInfo) -> FilterFailure | None:
        reasons = []
        allocatable = node.allocatable
        if node.pod_count + 1 > allocatable.get("pods", 110):
            reasons.append("Too many pods")
        for resource, amount in state.requests.items():
            if amount == 0:
                continue
            free = allocatable.get(resource, 0) - node.requested.get(resource, 0)
            if amount > free:
                reasons.append(f"Insufficient {resource}")
        return FilterFailure(self.name, tuple(reasons)) if reasons else None

    def score(self, state: CycleState, node: NodeInfo) -> int:
        cpu, memory = state.nonzero
        total = 0
        for capacity, used in (
            (node.allocatable.get("cpu", 0), node.nonzero_cpu + cpu),
            (node.allocatable.get("memory", 0), node.nonzero_memory + memory),
        ):
            if capacity == 0 or used > capacity:
                continue
            total += (capacity - used) * MAX_NODE_SCORE // capacity
        return total // 2

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return scores


class NodeResourcesBalancedAllocation:
    name = "NodeResourcesBalancedAllocation"

    def score(self, state: CycleState, node: NodeInfo) -> int:
        cpu, memory = state.nonzero
        fractions = []
        for capacity, used in (
            (node.allocatable.get("cpu", 0), node.nonzero_cpu + cpu),
            (node.allocatable.get("memory", 0), node.nonzero_memory + memory),
        ):
            fractions.append(min(used / capacity, 1.0) if capacity else 1.0)
        # Two resources: the standard deviation is half their difference.
        std = abs(fractions[0] - fractions[1]) / 2
        return int((1 - std) * MAX_NODE_SCORE)

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return scores


class ImageLocality:
    name = "ImageLocality"
    MIN_THRESHOLD = 23 * 1024 * 1024
    MAX_CONTAINER_THRESHOLD = 1000 * 1024 * 1024

    def __init__(self, image_info, nodes_with_image):
        self._image_info = image_info  # image as written -> (name as nodes list it, size) or None
        self._nodes_with_image = nodes_with_image

    def score(self, state: CycleState, node: NodeInfo) -> int:
        containers = state.pod["spec"].get("containers", [])
        total = 0
        for container in containers:
            info = self._image_info(container.get("image", ""))
            if info is not None and info[0] in node.images:
                spread = self._nodes_with_image(info[0]) / max(state.total_nodes, 1)
                total += int(info[1] * spread)
        max_threshold = self.MAX_CONTAINER_THRESHOLD * max(len(containers), 1)
        total = min(max(total, self.MIN_THRESHOLD), max_threshold)
        return MAX_NODE_SCORE * (total - self.MIN_THRESHOLD) // (max_threshold - self.MIN_THRESHOLD)

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        return scores


class PodTopologySpread:
    """Default constraints: spread a workload's pods across hostnames and zones (ScheduleAnyway).

    The system default constraints select a pod's siblings with its controller's
    selector; for a ReplicaSet's pods that is exactly the pods it owns, which the
    scheduler cache counts per node as they come and go.
    """

    name = "PodTopologySpread"
    ZONE = "topology.kubernetes.io/zone"

    def __init__(self, owner_counts):
        self._owner_counts = owner_counts

    def prepare(self, state: CycleState, nodes: list[NodeInfo]) -> None:
        owner = _controller_uid(state.pod)
        per_node = self._owner_counts.get(owner, {}) if owner else None
        state.data["spread_counts"] = per_node
        if per_node is None:
            return
        zones: dict[str, int] = {}
        for info in nodes:
            zone = (info.node["metadata"].get("labels") or {}).get(self.ZONE)
            if zone is not None:
                zones[zone] = zones.get(zone, 0) + per_node.get(info.name, 0)
        state.data["spread_zones"] = zones
        # Upstream weighs each constraint by log(number of domains + 2).
        state.data["spread_weight"] = math.log(state.total_nodes + 2)
        state.data["zone_weight"] = math.log(len(zones) + 2) if zones else 0.0

    def score(self, state: CycleState, node: NodeInfo) -> int:
        per_node = state.data.get("spread_counts")
        if per_node is None:
            return 0
        score = per_node.get(node.name, 0) * state.data["spread_weight"]
        zones = state.data["spread_zones"]
        if zones:
            zone = (node.node["metadata"].get("labels") or {}).get(self.ZONE)
            score += zones.get(zone, 0) * state.data["zone_weight"]
        return round(score)

    def normalize(self, scores: dict[str, int]) -> dict[str, int]:
        if not scores:
            return scores
        highest, lowest = max(scores.values()), min(scores.values())
        if highest == 0:
            return {name: MAX_NODE_SCORE for name in scores}
        return {
            name: MAX_NODE_SCORE * (highest + lowest - s) // highest for name, s in scores.items()
        }


def _controller_uid(pod: dict) -> str | None:
    for ref in pod["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref["uid"]
    return None


# --- shared helpers -------------------------------------------------------------


def _tolerates(pod: dict, taint: dict) -> bool:
    return any(_toleration_matches(t, taint) for t in pod["spec"].get("tolerations") or ())


def _toleration_matches(toleration: dict, taint: dict) -> bool:
    effect = toleration.get("effect")
    if effect and effect != taint.get("effect"):
        return False
    key = toleration.get("key")
    if key and key != taint.get("key"):
        return False
    operator = toleration.get("operator", "Equal")
    if operator == "Exists":
        return True  # an empty key with Exists tolerates everything
    return toleration.get("value", "") == taint.get("value", "") and bool(key)


def tolerates_taint(pod: dict, taint: dict) -> bool:
    return _tolerates(pod, taint)


def _node_selector_term_matches(term: dict, node: NodeInfo) -> bool:
    labels = node.node["metadata"].get("labels") or {}
    for expr in term.get("matchExpressions") or ():
        if not _requirement_matches(labels, expr):
            return False
    fields = {"metadata.name": node.name}
    for expr in term.get("matchFields") or ():
        if not _requirement_matches(fields, expr):
            return False
    return bool(term.get("matchExpressions") or term.get("matchFields"))


def _requirement_matches(labels: dict, expr: dict) -> bool:
    key, operator, values = expr["key"], expr["operator"], expr.get("values") or []
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    if operator in ("Gt", "Lt") and key in labels and values:
        try:
            actual, bound = int(labels[key]), int(values[0])
        except ValueError:
            return False
        return actual > bound if operator == "Gt" else actual < bound
    return False


FILTER_ORDER = (
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodePorts",
    "NodeResourcesFit",
)
# Weights of the default profile (pkg/scheduler/apis/config/v1/default_plugins.go).
SCORE_WEIGHTS = {
    "TaintToleration": 3,
    "NodeAffinity": 2,
    "NodeResourcesFit": 1,
    "PodTopologySpread": 2,
    "NodeResourcesBalancedAllocation": 1,
    "ImageLocality": 1,
}

__all__ = ["UNSCHEDULABLE", "tolerates_taint"]
