"""What the scheduler decided for a pod, and why: read by `describe` and the UI's why-panels."""

from dataclasses import dataclass, field

# Above this many evaluated nodes we keep the rejection histogram and the best
# nodes' scores, not every node's line: a 5,000-node cluster would otherwise
# hold millions of entries. Learner-sized clusters keep everything.
FULL_DETAIL_NODE_LIMIT = 100
TOP_SCORED_KEPT = 10
# The score plugins in the order their weighted scores are stored (then the total).
SCORE_PLUGINS = (
    "TaintToleration",
    "NodeAffinity",
    "NodeResourcesFit",
    "PodTopologySpread",
    "NodeResourcesBalancedAllocation",
    "ImageLocality",
)


@dataclass
class SchedulingRecord:
    namespace: str
    pod_name: str
    attempt_ms: int
    total_nodes: int
    evaluated_nodes: int = 0
    chosen_node: str | None = None
    message: str = ""
    # node -> (plugin, reasons) for nodes a filter rejected
    rejected: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)
    # node -> weighted score per SCORE_PLUGINS, then the total; () for a lone
    # feasible node, which upstream does not score at all
    scores: dict[str, tuple[int, ...]] = field(default_factory=dict)
    reason_counts: dict[str, int] = field(default_factory=dict)
    # nodes rejected for reasons preemption cannot fix (UnschedulableAndUnresolvable)
    unresolvable_nodes: int = 0
    detail_trimmed: bool = False

    @property
    def scheduled(self) -> bool:
        return self.chosen_node is not None

    def node_scores(self, node: str) -> dict[str, int]:
        """{plugin: weighted score, ..., "total": sum} for a scored node."""
        values = self.scores[node]
        if not values:
            return {"total": 0}
        return {**dict(zip(SCORE_PLUGINS, values[:-1], strict=True)), "total": values[-1]}

    def as_dict(self) -> dict:
        return {
            "pod": f"{self.namespace}/{self.pod_name}",
            "attemptMs": self.attempt_ms,
            "totalNodes": self.total_nodes,
            "evaluatedNodes": self.evaluated_nodes,
            "chosenNode": self.chosen_node,
            "message": self.message,
            "rejected": {
                node: {"plugin": plugin, "reasons": list(reasons)}
                for node, (plugin, reasons) in sorted(self.rejected.items())
            },
            "scores": {node: self.node_scores(node) for node in sorted(self.scores)},
            "reasonCounts": dict(sorted(self.reason_counts.items())),
            "detailTrimmed": self.detail_trimmed,
        }
