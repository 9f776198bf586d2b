"""How a process holding a large simulated cluster uses Python's cyclic garbage collector.

A 5,000-node cluster is millions of long-lived dicts and lists. CPython's collector
traverses each surviving object three times (in generations 0, 1 and 2), and walks
the whole old generation again every time it grows by a quarter: pauses of seconds
that find almost nothing, because the engine's objects are trees that reference
counting frees. In this heap a traversal costs about a microsecond per object.

The policy: whatever survives a generation-1 collection is frozen (gc.freeze moves it
out of the collector's view), so an object is traversed twice and never again.
Cyclic garbage among frozen objects (a stopped container process and its log
streams form cycles) would never be found, so everything is unfrozen and the next full
collection walks it all once when the heap has doubled since the last sweep, or when
about four heaps' worth of allocations have gone by (a steady heap still gets swept).
Pauses shrink and get rarer; the heap stays within about twice what is live, and a full
sweep costs a constant share of the allocations that paid for it.

Python 3.14's incremental collector already spreads the old generation's work over
young collections, and reports its generations differently: there the policy stands
aside.

Processes opt in (the ASGI application, the script runner, the benchmarks); the
engine itself never touches the collector.
"""

import gc
import sys

# Unfreeze for a whole-heap sweep once the heap has grown this many times over.
SWEEP_GROWTH = 2
# Heaps below this many allocated blocks are too small for a sweep to be worth delaying.
SWEEP_FLOOR = 1_000_000
# Sweep also once this many heaps' worth of objects were allocated since the last sweep.
SWEEP_CHURN = 4
# Roughly how many allocations one generation-1 collection stands for (the default
# thresholds: 2,000 per young collection, 10 young per generation-1 collection).
ALLOCATIONS_PER_FREEZE = 20_000
# Where the incremental collector makes the policy unnecessary.
INCREMENTAL_GC = (3, 14)


def heap_blocks() -> int:
    """The interpreter's allocated memory blocks: a cheap measure of the heap's size
    (gc.get_freeze_count walks the whole frozen list)."""
    return sys.getallocatedblocks()


class FreezeSurvivors:
    """A gc.callbacks entry carrying out the policy."""

    def __init__(self) -> None:
        self.swept_at = SWEEP_FLOOR  # heap blocks right after the last whole-heap sweep
        self.sweeping = False  # unfrozen: the next full collection walks everything
        self.sweeps = 0
        self.freezes = 0  # since the last sweep

    def __call__(self, phase: str, info: dict) -> None:
        generation = info["generation"]
        if phase != "stop" or generation == 0:
            return
        if self.sweeping:
            if generation < 2:
                return  # keep everything in view until the full collection has run
            self.sweeping = False
            self.sweeps += 1
            self.freezes = 0
            self.swept_at = max(heap_blocks(), SWEEP_FLOOR)
            gc.freeze()
            return
        gc.freeze()
        self.freezes += 1
        churned = self.freezes * ALLOCATIONS_PER_FREEZE > SWEEP_CHURN * self.swept_at
        if churned or heap_blocks() > SWEEP_GROWTH * self.swept_at:
            gc.unfreeze()
            self.sweeping = True


def install() -> FreezeSurvivors | None:
    """Adopt the policy for this process (idempotent); returns the active callback, or
    None on an interpreter with an incremental collector."""
    if sys.version_info >= INCREMENTAL_GC:
        return None
    for callback in gc.callbacks:
        if isinstance(callback, FreezeSurvivors):
            return callback
    callback = FreezeSurvivors()
    gc.callbacks.append(callback)
    return callback


def uninstall() -> None:
    """Back to CPython's default behaviour, everything visible to the collector again."""
    gc.callbacks[:] = [c for c in gc.callbacks if not isinstance(c, FreezeSurvivors)]
    gc.unfreeze()
