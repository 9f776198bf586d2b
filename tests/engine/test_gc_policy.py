"""The collector policy: survivors of a full collection are frozen, and cyclic garbage
among them is still reclaimed by the whole-heap sweep once the frozen set has doubled."""

import gc
import weakref

import pytest

from cluster_sim import gc_policy


class Node:
    def __init__(self):
        self.me = self  # a reference cycle: only the cyclic collector can free it


@pytest.fixture
def policy(monkeypatch):
    monkeypatch.setattr(gc_policy, "SWEEP_FLOOR", 1_000)
    was_enabled = gc.isenabled()
    gc.disable()  # only the explicit collections below run, so each step is known
    callback = gc_policy.install()
    gc.collect()  # the test process's heap is over the floor: unfrozen for a first sweep
    gc.collect()  # the sweep, then frozen: the steady state
    assert gc.get_freeze_count() > 0 and not callback.sweeping
    try:
        yield callback
    finally:
        gc_policy.uninstall()
        if was_enabled:
            gc.enable()
        gc.collect()


def test_install_is_idempotent(policy):
    assert gc_policy.install() is policy
    assert sum(isinstance(c, gc_policy.FreezeAfterFullCollections) for c in gc.callbacks) == 1


def test_a_full_collection_freezes_its_survivors(policy):
    keep = [[index] for index in range(5_000)]
    gc.collect()
    assert gc.get_freeze_count() >= len(keep)
    gc_policy.uninstall()
    assert gc.get_freeze_count() == 0
    assert not any(isinstance(c, gc_policy.FreezeAfterFullCollections) for c in gc.callbacks)


def test_frozen_cyclic_garbage_is_reclaimed_by_the_sweep(policy):
    doomed = Node()
    alive = weakref.ref(doomed)
    gc.collect()  # survives, and is frozen
    del doomed
    gc.collect()
    assert alive() is not None, "frozen: a full collection does not look at it"
    frozen = gc.get_freeze_count()
    growth = [[index] for index in range(2 * frozen + 1_000)]  # the frozen set doubles
    gc.collect()  # frozen, and over the limit: unfrozen for a sweep
    assert policy.sweeping
    gc.collect()  # the sweep walks the whole heap
    assert alive() is None
    assert policy.sweeps == 2 and not policy.sweeping
    assert gc.get_freeze_count() >= len(growth)
