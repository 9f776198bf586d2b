"""The scheduling framework's contracts (pkg/scheduler/framework/interface.go).

A filter plugin answers, per node, whether the pod may run there and, if not,
why (upstream's reason text). A score plugin rates each feasible node 0-100
after normalisation; the profile weights and sums the scores.
"""

from dataclasses import dataclass, field

MAX_NODE_SCORE = 100

# Status codes: preemption can only help with UNSCHEDULABLE, never with UNRESOLVABLE.
UNSCHEDULABLE = "Unschedulable"
UNRESOLVABLE = "UnschedulableAndUnresolvable"


@dataclass(frozen=True)
class FilterFailure:
    plugin: str
    reasons: tuple[str, ...]
    code: str = UNSCHEDULABLE


@dataclass
class CycleState:
    """Per-pod data computed once (PreFilter/PreScore) and read for every node."""

    pod: dict
    requests: dict[str, int]
    nonzero: tuple[int, int]
    total_nodes: int
    data: dict = field(default_factory=dict)


def default_normalize(scores: dict[str, int], reverse: bool = False) -> dict[str, int]:
    """helper.DefaultNormalizeScore: scale to 0..100 by the maximum (optionally reversed)."""
    highest = max(scores.values(), default=0)
    if highest == 0:
        return {name: MAX_NODE_SCORE if reverse else 0 for name in scores}
    result = {}
    for name, value in scores.items():
        score = MAX_NODE_SCORE * value // highest
        result[name] = MAX_NODE_SCORE - score if reverse else score
    return result
