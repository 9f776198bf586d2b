"""The one layer that changes a live cluster and broadcasts what changed.

Every change holds the sandbox's lock, so a command is logged and applied at the same
simulated instant and no tick slips between them. A command is appended to the
database log (its own transaction) *before* it runs: once a learner sees its output,
a restart replays it.
"""

import asyncio
import logging
import shlex
from concurrent.futures import ThreadPoolExecutor

from channels.db import database_sync_to_async

from . import sandboxes
from .live.commands import CommandRejected, check_line, check_stdin, is_read_only
from .live.hub import hub
from .live.session import LiveSandbox, build_live_cluster, run_logged

log = logging.getLogger(__name__)

SPEEDS = (1, 5, 20)
STEP_MS = 1_000
CLOCK_SAVE_SECONDS = 5.0
CLOCK_ONLY_INTERVAL = 0.9  # wall seconds between clock-only updates when faster than 1x
APPLY_LINE = "kubectl apply -f -"
NODE_SIZES = {
    "small": "--cpu 2 --memory 4Gi",
    "medium": "--cpu 4 --memory 8Gi",
    "large": "--cpu 8 --memory 32Gi",
    "gpu": "--cpu 8 --memory 32Gi --gpus 1",
}


class CommandResult:
    __slots__ = ("line", "output", "seq")

    def __init__(self, line: str, output: str, seq: int | None):
        self.line, self.output, self.seq = line, output, seq


async def run_command(live: LiveSandbox, line: str, stdin: str | None = None) -> CommandResult:
    """Validate, log (unless it only reads), apply, broadcast. Raises CommandRejected."""
    line = check_line(line)
    if stdin is not None:
        stdin = check_stdin(stdin)
    seq = None
    async with live.lock:
        if not is_read_only(line):
            seq = live.next_seq
            await database_sync_to_async(sandboxes.append_command)(
                live.id, live.epoch, seq, live.cluster.now_ms, line, stdin
            )
            live.next_seq += 1
            live.saved_clock_ms = live.cluster.now_ms
        output, update = await _off_loop(_run_and_take_update, live, line, stdin)
    await _broadcast(live, update)
    return CommandResult(line, output, seq)


async def add_node(live: LiveSandbox, size: str) -> CommandResult:
    """`sim node add` with the next free node-N name, as a logged command."""
    flags = NODE_SIZES.get(size)
    if flags is None:
        raise CommandRejected(f"error: unknown node size {size!r}; choose {', '.join(NODE_SIZES)}")
    number = 1
    while live.cluster.store.get("Node", "", f"node-{number}") is not None:
        number += 1
    return await run_command(live, f"sim node add node-{number} {flags}")


async def apply_manifest(live: LiveSandbox, text: object) -> CommandResult:
    if not isinstance(text, str):
        raise CommandRejected("error: the manifest must be text")
    return await run_command(live, APPLY_LINE, text)


async def advance_wall_clock(live: LiveSandbox, elapsed_seconds: float) -> None:
    """The ticker's step: simulated time moves on by the wall time passed × the speed."""
    async with live.lock:
        if live.paused:
            return
        owed = live.carry_ms + elapsed_seconds * 1000 * live.speed
        whole = int(owed)
        live.carry_ms = owed - whole
        update = await _off_loop(_advance_and_take_update, live, whole)
        now = _loop_time()
        fast = live.speed > 1  # at 1x the clock moves once a wall second anyway
        if fast and live.view.clock_only and now - live.clock_sent_at < CLOCK_ONLY_INTERVAL:
            live.view.forget_clock()  # at 20x every tick moves the clock: send it once a second
            update = ("", update[1])
        elif update[0]:
            live.clock_sent_at = now
        save = live.cluster.now_ms != live.saved_clock_ms and (
            now - live.saved_at >= CLOCK_SAVE_SECONDS
        )
        if save:
            live.saved_clock_ms, live.saved_at = live.cluster.now_ms, now
    await _broadcast(live, update)
    if save:
        async with live.lock:
            await _save_runner_state(live)


async def step(live: LiveSandbox, duration_ms: int = STEP_MS) -> None:
    async with live.lock:
        update = await _off_loop(_advance_and_take_update, live, duration_ms)
        await _save_runner_state(live)  # durable before anyone sees it
    await _broadcast(live, update)


async def advance_to_next_event(live: LiveSandbox) -> str:
    """Jump the clock to the next timer the simulation has set (a probe, a pull, a deadline)."""
    async with live.lock:
        due = live.cluster.next_event_ms()
        if due is None:
            message = "nothing is scheduled: the cluster is idle until you act"
        else:
            message = ""
        duration = max(due - live.cluster.now_ms, 0) if due is not None else 0
        update = await _off_loop(_advance_and_take_update, live, duration)
        await _save_runner_state(live)
    await _broadcast(live, update)
    return message


async def set_controls(live: LiveSandbox, *, speed: int | None = None, paused: bool | None = None):
    if speed is not None and speed not in SPEEDS:
        raise ValueError(f"speed must be one of {', '.join(map(str, SPEEDS))}")
    async with live.lock:
        live.set_controls(speed=speed, paused=paused)
        live.carry_ms = 0.0
        update = _take_update(live)
        await _save_runner_state(live)
    await _broadcast(live, update)


async def reset(live: LiveSandbox) -> None:
    """Back to the preset at time 0; the old log is kept under its epoch."""
    async with live.lock:
        epoch = await database_sync_to_async(sandboxes.start_new_epoch)(live.id)
        cluster, runner = await asyncio.to_thread(
            build_live_cluster, live.preset, live.seed, live.initial_profile, live.setup
        )
        live.epoch, live.next_seq = epoch, 0
        live.replace_cluster(cluster, runner)
        full = await _off_loop(live.view.full_as_oob)
        version = live.view.version
    await hub.fanout.publish(live.id, full, version)


async def snapshot(live: LiveSandbox) -> dict:
    """The whole view for a page load: viewers first get what changed, so the shared
    baseline the next delta compares with stays true for them."""
    async with live.lock:
        update = _take_update(live)
        await _broadcast(live, update)
        return await _off_loop(live.view.full)


async def in_engine_thread(work, *args):
    """CPU-heavy work that touches no live cluster (e.g. mapping errors to lines)."""
    return await _off_loop(work, *args)


async def read(live: LiveSandbox, reader, *args):
    """`reader(*args)` under the sandbox's lock: engine work may be going on in a worker
    thread (see _off_loop), and a reader must not see it half done."""
    async with live.lock:
        return await _off_loop(reader, *args)


def describe(live: LiveSandbox, resource: str, namespace: str, name: str) -> str:
    """`kubectl describe` of one object (it only reads: not logged). Call it through read()."""
    return run_logged(
        live.runner, shlex.join(["kubectl", "describe", resource, name, "-n", namespace]), None
    )


async def attach(live: LiveSandbox, viewer) -> None:
    """Send a socket the whole view, then subscribe it to every change after that."""
    async with live.lock:
        update = _take_update(live)  # others get what changed before the newcomer's baseline
        await _broadcast(live, update)
        full = await _off_loop(live.view.full_as_oob)  # a 500-node view takes a while
        await viewer.deliver(full)  # before any later delta reaches it
        viewer.baseline = live.view.version
        hub.fanout.subscribe(live.id, viewer)
    hub.ensure_ticking()


async def detach(live: LiveSandbox, viewer) -> None:
    if hub.fanout.unsubscribe(live.id, viewer) == 0:
        async with live.lock:  # not in the middle of a reset or a command
            await _save_runner_state(live)  # nobody watches: the clock stops here


# --- internals -------------------------------------------------------------------------------
def _advance(live: LiveSandbox, duration_ms: int) -> None:
    try:
        live.cluster.advance(duration_ms)
    except Exception:
        log.exception("advancing sandbox %s failed", live.id)
        live.set_controls(paused=True)  # stop ticking into the same failure every 250 ms


# Two engine threads: CPU-bound work shares the GIL with the event loop, so more threads
# would leave the loop (every other socket) a smaller share.
ENGINE_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="engine")


async def _off_loop(work, *args):
    """Engine work runs in a worker thread: a heavy command (scaling to thousands of pods,
    `sim advance 24h`) holds only its own sandbox (its lock), while the event loop goes on
    serving every other socket. Whatever reads a live cluster holds the same lock."""
    return await asyncio.get_running_loop().run_in_executor(ENGINE_THREADS, work, *args)


def _run_and_take_update(live: LiveSandbox, line: str, stdin: str | None):
    output = run_logged(live.runner, line, stdin)
    return output, _take_update(live)


def _advance_and_take_update(live: LiveSandbox, duration_ms: int) -> tuple[str, int]:
    if duration_ms:
        _advance(live, duration_ms)
    return _take_update(live)


def _take_update(live: LiveSandbox) -> tuple[str, int]:
    """What changed since the last update, and the view version it brings viewers to."""
    delta = live.view.delta()
    return delta, live.view.version


async def _broadcast(live: LiveSandbox, update: tuple[str, int]) -> None:
    delta, version = update
    if delta:
        await hub.fanout.publish(live.id, delta, version)


async def _save_runner_state(live: LiveSandbox) -> None:
    """Call with the sandbox's lock held: the clock belongs to the epoch being saved."""
    await database_sync_to_async(sandboxes.save_runner_state)(
        live.id, live.epoch, live.cluster.now_ms, live.speed, live.paused
    )
    live.saved_clock_ms = live.cluster.now_ms


def _loop_time() -> float:
    return asyncio.get_running_loop().time()
