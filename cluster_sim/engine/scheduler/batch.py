"""The scheduling cycle over arrays, for clusters too large to walk node by node in Python.

Same semantics as the plugin-by-plugin cycle in scheduler.py (a differential test
holds the two to identical choices, reasons and scores):

- the static filters (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity)
  and the static scores (TaintToleration, NodeAffinity) are computed by the very
  same plugin objects, once per pod *signature* and node, and cached until that
  node's labels, taints or schedulability change;
- what changes with every binding (NodeResourcesFit, LeastAllocated,
  BalancedAllocation, PodTopologySpread counts, ImageLocality) is arithmetic over
  one array slot per node, kept up to date as pods come and go.

Pods that ask for host ports, and nodes with zone labels, take the plugin path.
"""

import json

import numpy as np

from . import plugins
from .framework import MAX_NODE_SCORE, UNRESOLVABLE, CycleState
from .record import TOP_SCORED_KEPT, SchedulingRecord

STATIC_FILTERS = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity")


def pod_signature(pod: dict) -> str:
    # repr, not a canonical JSON dump: pods cloned from one template print identically, and
    # a spec that only orders its keys differently merely gets a cache entry of its own
    spec = pod["spec"]
    return repr(
        (
            spec.get("nodeName"),
            spec.get("nodeSelector"),
            (spec.get("affinity") or {}).get("nodeAffinity"),
            spec.get("tolerations"),
        )
    )


def wants_host_ports(pod: dict) -> bool:
    return any(
        port.get("hostPort")
        for c in pod["spec"].get("containers", [])
        for port in c.get("ports", [])
    )


def _static_key(node: dict) -> str:
    return json.dumps(
        [
            node["metadata"].get("labels"),
            node["spec"].get("taints"),
            node["spec"].get("unschedulable"),
        ],
        sort_keys=True,
    )


class _SignatureCache:
    """Static filter outcome and static raw scores of one pod signature, per node slot."""

    def __init__(self, size: int):
        self.generation = np.full(size, -1, dtype=np.int64)
        self.failure = np.zeros(size, dtype=np.int32)  # 0 = passes; else index into failures
        self.taint_raw = np.zeros(size, dtype=np.int64)
        self.affinity_raw = np.zeros(size, dtype=np.int64)
        self.failures: list = [None]
        self.failure_index: dict = {}


class NodeTable:
    def __init__(self, cache):
        self.cache = cache
        self.dirty = True
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self._static_keys: dict[str, str] = {}
        self._signatures: dict[str, _SignatureCache] = {}
        self._owner_arrays: dict[str, np.ndarray] = {}
        cache.count_listener = self._owner_count_changed

    def _owner_count_changed(self, owner: str, node: str, delta: int) -> None:
        if self.dirty:
            return  # rebuilt from the cache's counts by ensure()
        slot = self.index.get(node)
        if slot is None:
            return
        counts = self._owner_arrays.get(owner)
        if counts is None:
            counts = self._owner_arrays[owner] = np.zeros(len(self.names), dtype=np.int32)
        counts[slot] += delta
        if delta < 0 and not counts.any():
            del self._owner_arrays[owner]

    def owner_counts(self, owner: str) -> np.ndarray | None:
        return self._owner_arrays.get(owner)

    # keeping the arrays current -------------------------------------------------

    def node_changed(self, name: str, removed: bool = False) -> None:
        if removed or name not in self.index:
            self.dirty = True
            self._static_keys.pop(name, None)
            return
        info = self.cache.nodes[name]
        key = _static_key(info.node)
        slot = self.index[name]
        if self._static_keys.get(name) != key:
            self._static_keys[name] = key
            self.static_generation[slot] += 1
        self._load_slot(slot, info)

    def usage_changed(self, name: str) -> None:
        slot = self.index.get(name)
        if slot is not None and not self.dirty:
            self._load_slot(slot, self.cache.nodes[name])

    def has_zones(self) -> bool:
        return self._zones

    def ensure(self) -> None:
        if not self.dirty:
            return
        self.names = sorted(self.cache.nodes)
        self.index = {name: slot for slot, name in enumerate(self.names)}
        size = len(self.names)
        self.static_generation = np.zeros(size, dtype=np.int64)
        self.allocatable: dict[str, np.ndarray] = {}
        self.requested: dict[str, np.ndarray] = {}
        self.pod_count = np.zeros(size, dtype=np.int64)
        self.nonzero_cpu = np.zeros(size, dtype=np.int64)
        self.nonzero_memory = np.zeros(size, dtype=np.int64)
        self._images: dict[str, np.ndarray] = {}
        self._signatures.clear()
        self._zones = False
        self._owner_arrays = {}
        for owner, per_node in self.cache.owner_counts.items():
            counts = np.zeros(size, dtype=np.int32)
            for node, count in per_node.items():
                if node in self.index:
                    counts[self.index[node]] = count
            self._owner_arrays[owner] = counts
        for slot, name in enumerate(self.names):
            info = self.cache.nodes[name]
            self._static_keys[name] = _static_key(info.node)
            self._load_slot(slot, info)
        self.dirty = False

    def _load_slot(self, slot: int, info) -> None:
        size = len(self.names)
        for resource, amount in info.allocatable.items():
            self.allocatable.setdefault(resource, np.zeros(size, dtype=np.int64))[slot] = amount
        for resource in self.allocatable:
            if resource not in info.allocatable:
                self.allocatable[resource][slot] = 0
        for resource, amount in info.requested.items():
            self.requested.setdefault(resource, np.zeros(size, dtype=np.int64))[slot] = amount
        self.pod_count[slot] = info.pod_count
        self.nonzero_cpu[slot] = info.nonzero_cpu
        self.nonzero_memory[slot] = info.nonzero_memory
        for image in info.images:
            self._images.setdefault(image, np.zeros(size, dtype=bool))[slot] = True
        for image, present in self._images.items():
            if present[slot] and image not in info.images:
                present[slot] = False
        if (info.node["metadata"].get("labels") or {}).get(
            plugins.PodTopologySpread.ZONE
        ) is not None:
            self._zones = True

    def image_presence(self, name: str) -> np.ndarray | None:
        return self._images.get(name)

    # static filters and scores, from the plugin objects ---------------------------------

    def signature_cache(self, signature: str, state: CycleState, filters, taint, affinity):
        cached = self._signatures.get(signature)
        if cached is None:
            cached = _SignatureCache(len(self.names))
            self._signatures[signature] = cached
        stale = np.flatnonzero(cached.generation != self.static_generation)
        for slot in stale.tolist():
            info = self.cache.nodes[self.names[slot]]
            failure = None
            for plugin in filters:
                failure = plugin.filter(state, info)
                if failure is not None:
                    break
            if failure is None:
                cached.failure[slot] = 0
            else:
                index = cached.failure_index.get(failure)
                if index is None:
                    index = len(cached.failures)
                    cached.failures.append(failure)
                    cached.failure_index[failure] = index
                cached.failure[slot] = index
            cached.taint_raw[slot] = taint.score(state, info)
            cached.affinity_raw[slot] = affinity.score(state, info)
            cached.generation[slot] = self.static_generation[slot]
        return cached


def schedule_batch(scheduler, state: CycleState, record: SchedulingRecord, start: int, wanted: int):
    """Filter, score and pick over the node arrays. Returns (chosen node name or None, evaluated)."""
    table: NodeTable = scheduler.table
    total = len(table.names)
    static_filters = [p for p in scheduler.filters if p.name in STATIC_FILTERS]
    taint, affinity = scheduler.filters[2], scheduler.filters[3]
    sig = table.signature_cache(pod_signature(state.pod), state, static_filters, taint, affinity)

    # NodeResourcesFit's filter, for every node at once
    pods_allowed = table.allocatable.get("pods")
    too_many = table.pod_count + 1 > (pods_allowed if pods_allowed is not None else 110)
    insufficient = []
    for resource, amount in state.requests.items():
        if amount == 0:
            continue
        allocatable = table.allocatable.get(resource)
        requested = table.requested.get(resource)
        free = (allocatable if allocatable is not None else 0) - (
            requested if requested is not None else 0
        )
        insufficient.append((f"Insufficient {resource}", amount > free))
    fit_fails = too_many
    for _, mask in insufficient:
        fit_fails = fit_fails | mask
    static_ok = sig.failure == 0
    feasible = static_ok & ~fit_fails

    # Evaluate nodes from `start` round the ring, stopping once `wanted` fit.
    rotated = np.concatenate((feasible[start:], feasible[:start])) if start else feasible
    positions = np.flatnonzero(rotated)
    if len(positions) >= wanted:
        evaluated = int(positions[wanted - 1]) + 1
        positions = positions[:wanted]
    else:
        evaluated = total
    if evaluated - len(positions):  # some evaluated nodes were rejected: say why
        seen = np.arange(start, start + evaluated) % total
        _count_reasons(record, sig, seen, static_ok, too_many, insufficient)
    candidates = (positions + start) % total if start else positions
    record.evaluated_nodes = evaluated
    record.detail_trimmed = True
    if len(candidates) == 0:
        return None, evaluated
    if len(candidates) == 1:
        name = table.names[int(candidates[0])]
        record.scores[name] = ()
        return name, evaluated
    return _score_and_pick(scheduler, state, record, sig, candidates), evaluated


def _count_reasons(record, sig, seen, static_ok, too_many, insufficient) -> None:
    static_codes = sig.failure[seen]
    failed = static_codes[static_codes > 0]
    for code, count in zip(*np.unique(failed, return_counts=True), strict=True):
        failure = sig.failures[int(code)]
        for reason in failure.reasons:
            record.reason_counts[reason] = record.reason_counts.get(reason, 0) + int(count)
        if failure.code == UNRESOLVABLE:
            record.unresolvable_nodes += int(count)
    dynamic = seen[static_ok[seen]]
    many = int(too_many[dynamic].sum())
    if many:
        record.reason_counts["Too many pods"] = record.reason_counts.get("Too many pods", 0) + many
    for reason, mask in insufficient:
        count = int(mask[dynamic].sum())
        if count:
            record.reason_counts[reason] = record.reason_counts.get(reason, 0) + count


def _score_and_pick(scheduler, state, record, sig, candidates) -> str:
    table: NodeTable = scheduler.table
    names = table.names
    total_nodes = len(names)
    scores: dict[str, np.ndarray] = {}

    scores["TaintToleration"] = _normalize_default(sig.taint_raw[candidates], reverse=True)
    scores["NodeAffinity"] = _normalize_default(sig.affinity_raw[candidates], reverse=False)

    cpu, memory = state.nonzero
    zeros = np.zeros(len(candidates), dtype=np.int64)
    cap_cpu = (
        table.allocatable.get("cpu", zeros)[candidates] if "cpu" in table.allocatable else zeros
    )
    cap_mem = (
        table.allocatable.get("memory", zeros)[candidates]
        if "memory" in table.allocatable
        else zeros
    )
    used_cpu = table.nonzero_cpu[candidates] + cpu
    used_mem = table.nonzero_memory[candidates] + memory
    scores["NodeResourcesFit"] = (_least(cap_cpu, used_cpu) + _least(cap_mem, used_mem)) // 2

    owner = plugins._controller_uid(state.pod)
    owner_counts = table.owner_counts(owner) if owner else None
    if owner_counts is None:
        raw_spread = zeros  # no siblings placed yet: every node scores the same
    else:
        counts = owner_counts[candidates].astype(np.float64)
        raw_spread = np.round(counts * np.log(total_nodes + 2)).astype(np.int64)
    scores["PodTopologySpread"] = _normalize_spread(raw_spread)

    f_cpu = np.where(
        cap_cpu > 0, np.minimum(used_cpu / np.where(cap_cpu > 0, cap_cpu, 1), 1.0), 1.0
    )
    f_mem = np.where(
        cap_mem > 0, np.minimum(used_mem / np.where(cap_mem > 0, cap_mem, 1), 1.0), 1.0
    )
    std = np.abs(f_cpu - f_mem) / 2
    scores["NodeResourcesBalancedAllocation"] = ((1 - std) * MAX_NODE_SCORE).astype(np.int64)

    scores["ImageLocality"] = _image_locality(scheduler, state, candidates, total_nodes)

    totals = np.zeros(len(candidates), dtype=np.int64)
    weighted = {}
    for plugin in scheduler.scorers:
        value = scores[plugin.name] * plugins.SCORE_WEIGHTS[plugin.name]
        weighted[plugin.name] = value
        totals += value
    best = totals.max()
    winners = np.flatnonzero(totals == best)
    pick = (
        int(winners[scheduler.ctx.rng.randrange(len(winners))])
        if len(winners) > 1
        else int(winners[0])
    )

    keep = np.arange(len(candidates))
    if len(candidates) > TOP_SCORED_KEPT:
        keep = np.lexsort((candidates, -totals))[:TOP_SCORED_KEPT]
    columns = [weighted[plugin.name] for plugin in scheduler.scorers]
    rows = np.column_stack((*columns, totals))[keep].tolist()
    for node_slot, row in zip(candidates[keep].tolist(), rows, strict=True):
        record.scores[names[node_slot]] = tuple(row)
    return names[int(candidates[pick])]


def _least(capacity: np.ndarray, used: np.ndarray) -> np.ndarray:
    ok = (capacity > 0) & (used <= capacity)
    safe = np.where(capacity > 0, capacity, 1)
    return np.where(ok, (capacity - used) * MAX_NODE_SCORE // safe, 0)


def _normalize_default(raw: np.ndarray, reverse: bool) -> np.ndarray:
    highest = raw.max() if len(raw) else 0
    if highest == 0:
        return np.full(len(raw), MAX_NODE_SCORE if reverse else 0, dtype=np.int64)
    score = MAX_NODE_SCORE * raw // highest
    return MAX_NODE_SCORE - score if reverse else score


def _normalize_spread(raw: np.ndarray) -> np.ndarray:
    highest, lowest = raw.max(), raw.min()
    if highest == 0:
        return np.full(len(raw), MAX_NODE_SCORE, dtype=np.int64)
    return MAX_NODE_SCORE * (highest + lowest - raw) // highest


def _image_locality(scheduler, state, candidates, total_nodes) -> np.ndarray:
    locality = scheduler.scorers[-1]
    containers = state.pod["spec"].get("containers", [])
    sums = np.zeros(len(candidates), dtype=np.int64)
    for container in containers:
        info = locality._image_info(container.get("image", ""))
        if info is None:
            continue
        presence = scheduler.table.image_presence(info[0])
        if presence is None:
            continue
        spread = scheduler._nodes_with_image(info[0]) / max(total_nodes, 1)
        sums += np.where(presence[candidates], int(info[1] * spread), 0)
    low = plugins.ImageLocality.MIN_THRESHOLD
    high = plugins.ImageLocality.MAX_CONTAINER_THRESHOLD * max(len(containers), 1)
    clamped = np.minimum(np.maximum(sums, low), high)
    return MAX_NODE_SCORE * (clamped - low) // (high - low)
