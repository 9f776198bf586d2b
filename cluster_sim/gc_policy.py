"""How a process holding a large simulated cluster uses Python's cyclic garbage collector.

A 5,000-node cluster is millions of long-lived dicts and lists. CPython's collector
walks all of them in every full collection (one each time the old generation grows
by a quarter), and each walk is a pause of seconds that finds almost nothing: the
engine's objects are trees that reference counting frees.

The policy: after each full collection, freeze what survived it (gc.freeze moves it
out of the collector's view), so the next full collections walk only what is new.
Cyclic garbage among frozen objects (a stopped container process and its log
streams form cycles) would never be found, so once the frozen set has doubled since
the last sweep, it is unfrozen and the next full collection walks everything once.
The pauses shrink; the heap stays within about twice what is live.

Processes opt in (the ASGI application, the script runner, the benchmarks); the
engine itself never touches the collector.
"""

import gc

# Unfreeze for a whole-heap sweep once the frozen set has grown this many times over.
SWEEP_GROWTH = 2
# Below this many frozen objects a sweep costs too little to bother waiting for.
SWEEP_FLOOR = 100_000


class FreezeAfterFullCollections:
    """A gc.callbacks entry carrying out the policy."""

    def __init__(self) -> None:
        self.swept_at = SWEEP_FLOOR  # frozen objects right after the last whole-heap sweep
        self.sweeping = False  # unfrozen: the next full collection walks everything
        self.sweeps = 0

    def __call__(self, phase: str, info: dict) -> None:
        if phase != "stop" or info["generation"] != 2:
            return
        gc.freeze()
        frozen = gc.get_freeze_count()
        if self.sweeping:
            self.sweeping = False
            self.sweeps += 1
            self.swept_at = max(frozen, SWEEP_FLOOR)
        elif frozen > SWEEP_GROWTH * self.swept_at:
            gc.unfreeze()
            self.sweeping = True


def install() -> FreezeAfterFullCollections:
    """Adopt the policy for this process (idempotent); returns the active callback."""
    for callback in gc.callbacks:
        if isinstance(callback, FreezeAfterFullCollections):
            return callback
    callback = FreezeAfterFullCollections()
    gc.callbacks.append(callback)
    return callback


def uninstall() -> None:
    """Back to CPython's default behaviour, everything visible to the collector again."""
    gc.callbacks[:] = [c for c in gc.callbacks if not isinstance(c, FreezeAfterFullCollections)]
    gc.unfreeze()
