"""What the scheduler decided for a pod, and why: read by `describe` and the UI's why-panels."""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np

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


class KeptScores(Mapping):
    """node -> weighted scores and total for the best nodes, held as one small int array.

    A large cluster keeps a record per pod; as a dict of tuples each would be a dozen
    objects for the garbage collector to walk, as an array it is one.
    """

    __slots__ = ("_nodes", "_rows")

    def __init__(self, nodes: tuple[str, ...], rows: np.ndarray):
        self._nodes = nodes
        self._rows = rows

    def __getitem__(self, node: str) -> tuple[int, ...]:
        try:
            row = self._nodes.index(node)
        except ValueError:
            raise KeyError(node) from None
        return tuple(self._rows[row].tolist())

    def __iter__(self) -> Iterator[str]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


@dataclass(slots=True)
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
    scores: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    reason_counts: dict[str, int] = field(default_factory=dict)
    # nodes rejected for reasons preemption cannot fix (UnschedulableAndUnresolvable)
    unresolvable_nodes: int = 0
    detail_trimmed: bool = False
    # a PreFilter plugin's rejection of the pod (it stands for every node), e.g.
    # VolumeBinding's "pod has unbound immediate PersistentVolumeClaims"
    prefilter_message: str = ""

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
