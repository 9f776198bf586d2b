"""The collector policy: survivors of a generation-1 collection are frozen, and cyclic
garbage among them is still reclaimed by the whole-heap sweep once the heap has doubled."""

import gc
import sys
import weakref

import pytest

from cluster_sim import gc_policy


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector can free it


INCREMENTAL = sys.version_info >= gc_policy.INCREMENTAL_GC
pytestmark = pytest.mark.skipif(
    INCREMENTAL, reason="the policy stands aside where the collector is incremental"
)


@pytest.fixture
def heap(monkeypatch):
    """The policy installed, with the heap's size under the test's control and only the
    test's explicit collections running, so each step is known."""
    size = {"blocks": gc_policy.SWEEP_FLOOR}
    monkeypatch.setattr(gc_policy, "heap_blocks", lambda: size["blocks"])
    was_enabled = gc.isenabled()
    gc.disable()
    callback = gc_policy.install()
    try:
        yield callback, size
    finally:
        gc_policy.uninstall()
        if was_enabled:
            gc.enable()
        gc.collect()


def test_install_is_idempotent(heap):
    callback, _ = heap
    assert gc_policy.install() is callback
    assert sum(isinstance(c, gc_policy.FreezeSurvivors) for c in gc.callbacks) == 1


def test_survivors_of_a_generation_1_collection_are_frozen(heap):
    keep = [[index] for index in range(5_000)]
    gc.collect(0)
    assert gc.get_freeze_count() == 0, "a young collection freezes nothing"
    gc.collect(1)
    assert gc.get_freeze_count() >= len(keep)
    gc_policy.uninstall()
    assert gc.get_freeze_count() == 0
    assert not any(isinstance(c, gc_policy.FreezeSurvivors) for c in gc.callbacks)


def test_frozen_cyclic_garbage_is_reclaimed_by_the_sweep(heap):
    callback, size = heap
    doomed = Node()
    alive = weakref.ref(doomed)
    gc.collect(1)  # survives, and is frozen
    del doomed
    gc.collect()
    assert alive() is not None, "frozen: not even a full collection looks at it"
    size["blocks"] = 2 * gc_policy.SWEEP_FLOOR + 1  # the heap has doubled
    gc.collect(1)
    assert callback.sweeping and gc.get_freeze_count() == 0
    gc.collect(1)
    assert callback.sweeping, "only a full collection sweeps"
    gc.collect()
    assert alive() is None
    assert callback.sweeps == 1 and not callback.sweeping
    assert callback.swept_at == size["blocks"]
    assert gc.get_freeze_count() > 0
    gc.collect(1)
    assert not callback.sweeping, "the next sweep waits for the heap to double again"


def test_a_steady_heap_is_still_swept_after_enough_allocations(heap):
    callback, size = heap
    freezes_per_sweep = gc_policy.SWEEP_CHURN * size["blocks"] // gc_policy.ALLOCATIONS_PER_FREEZE
    for _ in range(freezes_per_sweep):
        gc.collect(1)
        assert not callback.sweeping
    gc.collect(1)  # one more heap's worth of churn: time to look at everything again
    assert callback.sweeping
    gc.collect()
    assert callback.sweeps == 1 and callback.freezes == 0
