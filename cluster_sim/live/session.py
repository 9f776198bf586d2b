"""A sandbox held live in this process: its cluster, its script runner and its view.

`rebuild` is the replay: the preset, then every logged command at the simulated
instant it ran, then the clock as last saved. The live path runs commands through the
same `run_logged`, so live and replayed clusters take identical steps.
"""

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from cluster_sim.engine.script import parse_script
from cluster_sim.presets import build_cluster

from .limits import install_limits
from .view import Controls, PlaygroundView

log = logging.getLogger(__name__)

INTERNAL_ERROR = (
    "error: the simulator failed on this command. This is a bug in ClusterLab, not in your "
    "command; it has been logged. Your cluster is unchanged as far as the simulator knows."
)


@dataclass(frozen=True)
class LoggedCommand:
    at_ms: int
    line: str
    stdin: str | None = None


def run_logged(runner, line: str, stdin: str | None) -> str:
    """One command through the script runner; an engine bug becomes a message, not a 500."""
    try:
        return runner.run_line(line, stdin)
    except Exception:
        log.exception("engine failure on %r", line)
        return INTERNAL_ERROR


def build_live_cluster(preset: str, seed: int, profile: str, setup=()):
    """A preset's cluster as the playground runs it: a lesson's setup lines on top, then
    the site's limits."""
    cluster, runner = build_cluster(preset, seed, profile)
    for item in setup:  # a line, or a kubectl command with its manifest in a heredoc
        for command in parse_script(item)[:1]:
            run_logged(runner, command.text, command.stdin)
    install_limits(cluster)
    return cluster, runner


def rebuild(
    preset: str,
    seed: int,
    profile: str,
    commands: Iterable[LoggedCommand],
    clock_ms: int,
    setup=(),
):
    cluster, runner = build_live_cluster(preset, seed, profile, setup)
    for command in commands:
        if command.at_ms > cluster.now_ms:
            cluster.advance(command.at_ms - cluster.now_ms)
        run_logged(runner, command.line, command.stdin)
    if clock_ms > cluster.now_ms:
        cluster.advance(clock_ms - cluster.now_ms)
    return cluster, runner


class LiveSandbox:
    """Mutated only by cluster_sim.actions and the ticker, both holding `lock`."""

    def __init__(self, record, cluster, runner, next_seq: int):
        self.id = record.id
        self.preset = record.preset
        self.seed = record.seed
        self.initial_profile = record.initial_profile
        self.setup = tuple(record.setup or ())
        self.epoch = record.epoch
        self.cluster = cluster
        self.runner = runner
        self.next_seq = next_seq
        self.speed = record.speed
        self.paused = record.paused
        self.view = PlaygroundView(cluster, Controls(record.speed, record.paused))
        self.lock = asyncio.Lock()
        self.carry_ms = 0.0  # simulated time owed to the clock, below one millisecond
        self.saved_clock_ms = cluster.now_ms
        self.saved_at = 0.0  # loop time of the last clock save
        self.clock_sent_at = 0.0  # loop time of the last update sent by the ticker
        self.idle_since: float | None = None  # loop time the last viewer left
        self.last_used = 0.0  # time.monotonic() of the last hub.live() that returned it

    def replace_cluster(self, cluster, runner) -> None:
        self.cluster = cluster
        self.runner = runner
        version = self.view.version  # versions only grow: viewers compare against them
        self.view = PlaygroundView(cluster, Controls(self.speed, self.paused), version=version)
        self.carry_ms = 0.0
        self.saved_clock_ms = cluster.now_ms

    def set_controls(self, *, speed: int | None = None, paused: bool | None = None) -> None:
        if speed is not None:
            self.speed = speed
        if paused is not None:
            self.paused = paused
        self.view.set_controls(self.speed, self.paused)
