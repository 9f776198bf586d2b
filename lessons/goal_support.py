"""What every goal check shares: its result, a fresh copy of the learner's cluster, a
command run as a learner types it, and waiting on the simulated clock."""

from collections.abc import Callable
from dataclasses import dataclass, field

from cluster_sim.engine.cluster import Cluster
from cluster_sim.engine.script import ScriptRunner
from cluster_sim.engine.timefmt import SECOND

STEP_MS = 1 * SECOND  # how finely a check watches the clock: "every second"


@dataclass(frozen=True)
class GoalResult:
    passed: bool
    message: str
    details: list[str] = field(default_factory=list)


def fresh_copy(cluster_factory) -> Cluster:
    made = cluster_factory()
    return made[0] if isinstance(made, tuple) else made


def run_as_learner(cluster: Cluster, line: str) -> str:
    """A command as a learner would type it, so the copy takes the learner's code path."""
    return ScriptRunner(cluster).run_line(line)


def advance_until(cluster: Cluster, limit_ms: int, done: Callable[[], bool]) -> bool:
    """Step the clock a second at a time until `done()` or `limit_ms` has passed."""
    waited = 0
    while not done():
        if waited >= limit_ms:
            return False
        cluster.advance(STEP_MS)
        waited += STEP_MS
    return True


def condition_of(obj: dict, kind: str) -> dict | None:
    for item in obj.get("status", {}).get("conditions") or ():
        if item.get("type") == kind:
            return item
    return None
