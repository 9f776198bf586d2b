"""The process's live sandboxes, their viewers, and the ticker that advances watched clusters.

One Hub per process (`hub`). A sandbox is loaded (replayed from the database) the first
time a page or socket needs it and evicted after it has had no viewer for a while. The
ticker runs only while some sandbox has a viewer, and advances only those: a cluster
nobody watches does not tick.
"""

import asyncio
import logging
import time

from channels.db import database_sync_to_async
from django.conf import settings

from cluster_sim import sandboxes

from .fanout import LocalFanout
from .session import LiveSandbox, LoggedCommand, rebuild

log = logging.getLogger(__name__)

TICK_SECONDS = 0.25
IDLE_EVICT_SECONDS = 15 * 60
MAX_LIVE_SANDBOXES = 100  # beyond this, sandboxes nobody watches are dropped, oldest first
RECENT_USE_SECONDS = 60


class Hub:
    def __init__(self) -> None:
        self.sandboxes: dict[str, LiveSandbox] = {}
        self.fanout = LocalFanout()
        self._loading: dict[str, asyncio.Lock] = {}
        self._ticker: asyncio.Task | None = None

    async def live(self, sandbox_id: str) -> LiveSandbox | None:
        live = self.sandboxes.get(sandbox_id)
        if live is not None:
            live.last_used = time.monotonic()
            return live
        lock = self._loading.setdefault(sandbox_id, asyncio.Lock())
        async with lock:
            live = self.sandboxes.get(sandbox_id)
            if live is None:
                live = await _load(sandbox_id)
                if live is not None:
                    live.last_used = time.monotonic()
                    self.sandboxes[sandbox_id] = live
                    self._keep_within_limit()
        self._loading.pop(sandbox_id, None)
        return live

    def _keep_within_limit(self) -> None:
        """Memory stays bounded however many sandboxes are opened: unwatched ones are
        dropped (their log is in the database; opening one again replays it)."""
        excess = len(self.sandboxes) - MAX_LIVE_SANDBOXES
        if excess <= 0:
            return
        for sandbox_id in list(self.sandboxes):  # insertion order: the oldest loaded first
            live = self.sandboxes[sandbox_id]
            # one just handed out may be about to get its viewer (a socket between load
            # and subscribe): dropping it would make a second live copy
            recent = time.monotonic() - live.last_used < RECENT_USE_SECONDS
            if (
                excess
                and not recent
                and not self.fanout.count(sandbox_id)
                and not live.lock.locked()
            ):
                del self.sandboxes[sandbox_id]
                excess -= 1

    def forget(self) -> None:
        """Drop every live sandbox (tests; a restart does the same)."""
        self.sandboxes.clear()
        self.fanout = LocalFanout()
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None

    # --- the ticker ------------------------------------------------------------------------
    def ensure_ticking(self) -> None:
        if not getattr(settings, "CLUSTERLAB_TICKER", True):
            return
        loop = asyncio.get_running_loop()
        if self._ticker is None or self._ticker.done() or self._ticker.get_loop() is not loop:
            self._ticker = loop.create_task(self._tick_while_watched(), name="clusterlab-ticker")

    async def _tick_while_watched(self) -> None:
        from cluster_sim import actions  # actions imports the hub

        loop = asyncio.get_running_loop()
        last = loop.time()
        while self.fanout.watched():
            await asyncio.sleep(TICK_SECONDS)
            now = loop.time()
            elapsed, last = now - last, now
            for sandbox_id in self.fanout.watched():
                live = self.sandboxes.get(sandbox_id)
                if live is None or live.paused:
                    continue
                if live.lock.locked():
                    # busy with a long command: it catches up on a later tick (the ticker
                    # never waits for one sandbox while the others are due)
                    live.carry_ms += elapsed * 1000 * live.speed
                else:
                    try:
                        await actions.advance_wall_clock(live, elapsed)
                    except Exception:  # one broken sandbox must not stop the others
                        log.exception("ticking sandbox %s failed", sandbox_id)
            self._evict_idle(now)

    def _evict_idle(self, now: float) -> None:
        for sandbox_id, live in list(self.sandboxes.items()):
            if self.fanout.count(sandbox_id):
                live.idle_since = None
            elif live.idle_since is None:
                live.idle_since = now
            elif now - live.idle_since > IDLE_EVICT_SECONDS and not live.lock.locked():
                del self.sandboxes[sandbox_id]


async def _load(sandbox_id: str) -> LiveSandbox | None:
    loaded = await database_sync_to_async(sandboxes.load_sandbox)(sandbox_id)
    if loaded is None:
        return None
    record, commands = loaded
    log_entries = [LoggedCommand(c.at_ms, c.line, c.stdin) for c in commands]
    # A long log or a big preset takes a while to replay: do it off the event loop, so
    # other sandboxes keep ticking. The new cluster is not shared until it is done.
    cluster, runner = await asyncio.to_thread(
        rebuild,
        record.preset,
        record.seed,
        record.initial_profile,
        log_entries,
        record.clock_ms,
        record.setup or (),
    )
    next_seq = commands[-1].seq + 1 if commands else 0
    return LiveSandbox(record, cluster, runner, next_seq)


hub = Hub()
