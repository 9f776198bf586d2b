"""The scheduling cycle over arrays, for clusters too large to walk node by node in Python.

Same semantics as the plugin-by-plugin cycle in scheduler.py (a differential test
holds the two to identical choices, reasons and scores):

- the static filters (NodeUnschedulable, NodeName, TaintToleration, NodeAffinity)
  and the static scores (TaintToleration, NodeAffinity) are computed by the very
  same plugin objects, once per pod *signature* and node, and cached until that
  node's labels, taints or schedulability change;
- NodeResourcesFit's filter and score and BalancedAllocation are computed by the
  plugin objects too, once per request *shape* and node, and recomputed for a node
  only after a pod came or went there (pods of one Deployment share one shape);
- PodTopologySpread counts and ImageLocality are arithmetic over one array slot per
  node, kept up to date as pods come and go.

Only the sampled candidates (numFeasibleNodesToFind of them) are scored. A record
keeps the best ten nodes' scores (KeptScores) for the why-panels; upstream keeps
none once the cycle ends.

Pods that ask for host ports, and nodes with zone labels, take the plugin path.
"""

import json
import math

import numpy as np

from . import plugins
from .framework import MAX_NODE_SCORE, UNRESOLVABLE, CycleState
from .record import TOP_SCORED_KEPT, KeptScores, SchedulingRecord

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
        self.version = -1  # the table's static_version when last brought up to date
        self.failure = np.zeros(size, dtype=np.int32)  # 0 = passes; else index into failures
        self.ok = np.zeros(size, dtype=bool)
        self.taint_raw = np.zeros(size, dtype=np.int64)
        self.affinity_raw = np.zeros(size, dtype=np.int64)
        self.taint_any = self.affinity_any = False
        self.failures: list = [None]
        self.failure_index: dict = {}


class _RequestShape:
    """NodeResourcesFit's filter and the two resource scores for one request shape, per node slot.

    They read only what the pod asks for and the node's allocatable and usage, so
    pods of one shape share them; a slot is recomputed only after its node changed.
    """

    def __init__(self, state: CycleState, table: "NodeTable", fit, balanced):
        # requests and nonzero requests are all these plugins read from the state
        self.state = CycleState(
            pod={}, requests=dict(state.requests), nonzero=state.nonzero, total_nodes=0
        )
        self.fits, self.least, self.balanced = _resource_columns(table, self.state)
        self.weighted_sum = (
            self.least * plugins.SCORE_WEIGHTS[fit.name]
            + self.balanced * plugins.SCORE_WEIGHTS[balanced.name]
        )
        self.stale: set[int] = set()

    def refresh(self, table: "NodeTable", fit, balanced) -> None:
        if not self.stale:
            return
        state, nodes, names = self.state, table.cache.nodes, table.names
        fit_weight = plugins.SCORE_WEIGHTS[fit.name]
        balanced_weight = plugins.SCORE_WEIGHTS[balanced.name]
        for slot in self.stale:
            info = nodes[names[slot]]
            self.fits[slot] = fit.filter(state, info) is None
            least = self.least[slot] = fit.score(state, info)
            even = self.balanced[slot] = balanced.score(state, info)
            self.weighted_sum[slot] = least * fit_weight + even * balanced_weight
        self.stale.clear()


SHAPES_KEPT = 32


def _resource_columns(table: "NodeTable", state: CycleState):
    """NodeResourcesFit's filter and LeastAllocated score and BalancedAllocation's score on
    every node at once, from the table's arrays: a new shape's starting point. The same
    arithmetic as the plugins' (the differential test holds them together)."""
    size = len(table.names)
    zeros = np.zeros(size, dtype=np.int64)
    pods_allowed = table.allocatable.get("pods")
    fits = table.pod_count + 1 <= (pods_allowed if pods_allowed is not None else 110)
    for resource, amount in state.requests.items():
        if amount:
            free = table.allocatable.get(resource, zeros) - table.requested.get(resource, zeros)
            fits &= amount <= free
    cpu, memory = state.nonzero
    cap_cpu = table.allocatable.get("cpu", zeros)
    cap_mem = table.allocatable.get("memory", zeros)
    used_cpu = table.nonzero_cpu + cpu
    used_mem = table.nonzero_memory + memory
    least = (_least(cap_cpu, used_cpu) + _least(cap_mem, used_mem)) // 2
    f_cpu = _fraction(cap_cpu, used_cpu)
    f_mem = _fraction(cap_mem, used_mem)
    balanced = ((1 - np.abs(f_cpu - f_mem) / 2) * MAX_NODE_SCORE).astype(np.int64)
    return fits, least, balanced


def _least(capacity: np.ndarray, used: np.ndarray) -> np.ndarray:
    ok = (capacity > 0) & (used <= capacity)
    safe = np.where(capacity > 0, capacity, 1)
    return np.where(ok, (capacity - used) * MAX_NODE_SCORE // safe, 0)


def _fraction(capacity: np.ndarray, used: np.ndarray) -> np.ndarray:
    safe = np.where(capacity > 0, capacity, 1)
    return np.where(capacity > 0, np.minimum(used / safe, 1.0), 1.0)


class NodeTable:
    def __init__(self, cache):
        self.cache = cache
        self.dirty = True
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self._static_keys: dict[str, str] = {}
        self._signatures: dict[str, _SignatureCache] = {}
        self._shapes: dict[tuple, _RequestShape] = {}
        self.static_version = 0
        self._spread_raw = np.zeros(0, dtype=np.int64)
        self._spread_scores: dict[tuple[int, int], np.ndarray] = {}
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
            self.static_version += 1
        self._load_slot(slot, info)

    def usage_changed(self, name: str) -> None:
        slot = self.index.get(name)
        if slot is not None and not self.dirty:
            self._load_usage(slot, self.cache.nodes[name])

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
        self._shapes.clear()
        self._spread_raw = np.zeros(0, dtype=np.int64)
        self._spread_scores = {}
        self.static_version += 1
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
            array = self.allocatable.get(resource)
            if array is None:  # nodes without it have none, or NodeResourcesFit's 110 pods
                default = 110 if resource == "pods" else 0
                array = self.allocatable[resource] = np.full(size, default, dtype=np.int64)
            array[slot] = amount
        for resource in self.allocatable:
            if resource not in info.allocatable:
                self.allocatable[resource][slot] = 110 if resource == "pods" else 0
        self._load_usage(slot, info)
        for image in info.images:
            self._images.setdefault(image, np.zeros(size, dtype=bool))[slot] = True
        for image, present in self._images.items():
            if present[slot] and image not in info.images:
                present[slot] = False
        if (info.node["metadata"].get("labels") or {}).get(
            plugins.PodTopologySpread.ZONE
        ) is not None:
            self._zones = True

    def _load_usage(self, slot: int, info) -> None:
        requested = self.requested
        for resource, amount in info.requested.items():
            array = requested.get(resource)
            if array is None:
                array = requested[resource] = np.zeros(len(self.names), dtype=np.int64)
            array[slot] = amount
        self.pod_count[slot] = len(info.pods)
        self.nonzero_cpu[slot] = info.nonzero_cpu
        self.nonzero_memory[slot] = info.nonzero_memory
        for shape in self._shapes.values():
            shape.stale.add(slot)

    def request_shape(self, state: CycleState, fit, balanced) -> _RequestShape:
        key = (tuple(state.requests.items()), state.nonzero)
        shape = self._shapes.pop(key, None)  # re-inserted last: least recently used first
        if shape is None:
            if len(self._shapes) >= SHAPES_KEPT:
                del self._shapes[next(iter(self._shapes))]
            shape = _RequestShape(state, self, fit, balanced)
        self._shapes[key] = shape
        shape.refresh(self, fit, balanced)
        return shape

    def spread_scores(self, most: int, fewest: int) -> np.ndarray:
        """PodTopologySpread's normalized score per sibling count 0..most, for candidates
        whose counts run from `fewest` to `most`: raw = round(count * log(nodes + 2)),
        score = 100 * (highest + lowest - raw) // highest."""
        scores = self._spread_scores.get((most, fewest))
        if scores is None:
            if len(self._spread_raw) <= most:
                size = max(2 * most, 128)
                weight = math.log(len(self.names) + 2)  # the plugin path's very float
                counts = np.arange(size, dtype=np.float64)
                self._spread_raw = np.round(counts * weight).astype(np.int64)
            raw = self._spread_raw[: most + 1]
            # rounding k * weight never decreases as k grows: the extremes are the counts'
            highest, lowest = int(raw[most]), int(raw[fewest])
            scores = MAX_NODE_SCORE * (highest + lowest - raw) // highest
            if len(self._spread_scores) > 1024:
                self._spread_scores.clear()
            self._spread_scores[(most, fewest)] = scores
        return scores

    def image_presence(self, name: str) -> np.ndarray | None:
        return self._images.get(name)

    # static filters and scores, from the plugin objects ---------------------------------

    def signature_cache(self, signature: str, state: CycleState, filters, taint, affinity):
        cached = self._signatures.get(signature)
        if cached is None:
            cached = _SignatureCache(len(self.names))
            self._signatures[signature] = cached
        if cached.version == self.static_version:
            return cached
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
        cached.version = self.static_version
        if len(stale):
            cached.ok = cached.failure == 0
            cached.taint_any = bool(cached.taint_raw.any())
            cached.affinity_any = bool(cached.affinity_raw.any())
        return cached


def schedule_batch(scheduler, state: CycleState, record: SchedulingRecord, start: int, wanted: int):
    """Filter, score and pick over the node arrays. Returns (chosen node name or None, evaluated)."""
    table: NodeTable = scheduler.table
    total = len(table.names)
    static_filters = [p for p in scheduler.filters if p.name in STATIC_FILTERS]
    taint, affinity = scheduler.filters[2], scheduler.filters[3]
    sig = table.signature_cache(pod_signature(state.pod), state, static_filters, taint, affinity)
    shape = table.request_shape(state, scheduler.filters[5], scheduler.scorers[4])
    feasible = sig.ok & shape.fits

    # Evaluate nodes from `start` round the ring, stopping once `wanted` fit.
    candidates, evaluated = _first_feasible(feasible, start, wanted)
    if evaluated - len(candidates):  # some evaluated nodes were rejected: say why
        seen = np.arange(start, start + evaluated) % total
        _count_reasons(record, table, state, sig, seen)
    record.evaluated_nodes = evaluated
    record.detail_trimmed = True
    if len(candidates) == 0:
        return None, evaluated
    if len(candidates) == 1:
        name = table.names[int(candidates[0])]
        record.scores[name] = ()
        return name, evaluated
    return _score_and_pick(scheduler, state, record, sig, shape, candidates), evaluated


def _first_feasible(feasible: np.ndarray, start: int, wanted: int) -> tuple[np.ndarray, int]:
    """Slots of the first `wanted` feasible nodes from `start` round the ring, and how many
    nodes that walk evaluated."""
    total = len(feasible)
    # Mostly every node fits: look a little past `wanted` first, the whole ring if need be.
    window = feasible[start : start + 2 * wanted]
    head = np.flatnonzero(window)
    if len(head) < wanted and start + len(window) < total:
        head = np.flatnonzero(feasible[start:])
    head += start
    if len(head) >= wanted:
        head = head[:wanted]
        return head, int(head[-1]) - start + 1
    tail = np.flatnonzero(feasible[:start])
    needed = wanted - len(head)
    if len(tail) >= needed:
        tail = tail[:needed]
        return np.concatenate((head, tail)), total - start + int(tail[-1]) + 1
    return np.concatenate((head, tail)), total


def _count_reasons(record, table, state, sig, seen) -> None:
    static_codes = sig.failure[seen]
    failed = static_codes[static_codes > 0]
    for code, count in zip(*np.unique(failed, return_counts=True), strict=True):
        failure = sig.failures[int(code)]
        for reason in failure.reasons:
            record.reason_counts[reason] = record.reason_counts.get(reason, 0) + int(count)
        if failure.code == UNRESOLVABLE:
            record.unresolvable_nodes += int(count)
    # NodeResourcesFit's reasons for the nodes that passed the static filters
    dynamic = seen[sig.ok[seen]]
    pods_allowed = table.allocatable.get("pods")
    allowed = pods_allowed[dynamic] if pods_allowed is not None else 110
    many = int((table.pod_count[dynamic] + 1 > allowed).sum())
    if many:
        record.reason_counts["Too many pods"] = record.reason_counts.get("Too many pods", 0) + many
    for resource, amount in state.requests.items():
        if amount == 0:
            continue
        allocatable = table.allocatable.get(resource)
        requested = table.requested.get(resource)
        free = (allocatable[dynamic] if allocatable is not None else 0) - (
            requested[dynamic] if requested is not None else 0
        )
        count = int((amount > free).sum())
        if count:
            reason = f"Insufficient {resource}"
            record.reason_counts[reason] = record.reason_counts.get(reason, 0) + count


def _score_and_pick(scheduler, state, record, sig, shape, candidates) -> str:
    """Each score plugin's weighted column (an array over the candidates, or one number when
    every candidate scores the same), summed; a random pick among the best, as selectHost
    does. The record keeps each plugin's score for the best ten."""
    table: NodeTable = scheduler.table
    names = table.names
    weights = plugins.SCORE_WEIGHTS
    others = {
        "TaintToleration": _normalized_static(sig.taint_raw, sig.taint_any, candidates, True),
        "NodeAffinity": _normalized_static(sig.affinity_raw, sig.affinity_any, candidates, False),
        "PodTopologySpread": _spread(table, state, candidates),
        "ImageLocality": _image_locality(scheduler, state, candidates, len(names)),
    }
    totals = shape.weighted_sum[candidates]  # NodeResourcesFit and BalancedAllocation
    constant = 0
    for name, column in others.items():
        if isinstance(column, np.ndarray):
            totals += column * weights[name]
        else:
            constant += column * weights[name]
    if constant:
        totals += constant
    best = totals.max()
    winners = np.flatnonzero(totals == best)
    pick = (
        int(winners[scheduler.ctx.rng.randrange(len(winners))])
        if len(winners) > 1
        else int(winners[0])
    )

    if len(candidates) > TOP_SCORED_KEPT:  # the best, ties by node order
        order = candidates - totals * len(names)
        keep = np.argpartition(order, TOP_SCORED_KEPT - 1)[:TOP_SCORED_KEPT]
        keep = keep[np.argsort(order[keep])]
    else:
        keep = np.arange(len(candidates))
    kept_slots = candidates[keep]
    columns = {
        "NodeResourcesFit": shape.least[kept_slots],
        "NodeResourcesBalancedAllocation": shape.balanced[kept_slots],
        **{
            name: column[keep] if isinstance(column, np.ndarray) else column
            for name, column in others.items()
        },
    }
    rows = np.empty((len(keep), len(scheduler.scorers) + 1), dtype=np.int32)
    for index, plugin in enumerate(scheduler.scorers):
        rows[:, index] = columns[plugin.name] * weights[plugin.name]
    rows[:, -1] = totals[keep]
    record.scores = KeptScores(tuple(names[slot] for slot in kept_slots.tolist()), rows)
    return names[int(candidates[pick])]


def _normalized_static(raw: np.ndarray, any_nonzero: bool, candidates, reverse: bool):
    if not any_nonzero:  # zero on every node: DefaultNormalizeScore's constant
        return MAX_NODE_SCORE if reverse else 0
    return _normalize_default(raw[candidates], reverse)


def _normalize_default(raw: np.ndarray, reverse: bool) -> np.ndarray:
    highest = raw.max() if len(raw) else 0
    if highest == 0:
        return np.full(len(raw), MAX_NODE_SCORE if reverse else 0, dtype=np.int64)
    score = MAX_NODE_SCORE * raw // highest
    return MAX_NODE_SCORE - score if reverse else score


def _spread(table, state, candidates):
    owner = plugins._controller_uid(state.pod)
    owner_counts = table.owner_counts(owner) if owner else None
    if owner_counts is None:
        return MAX_NODE_SCORE  # no siblings placed yet: every node scores the same
    counts = owner_counts[candidates]
    most = int(counts.max())
    if most == 0:
        return MAX_NODE_SCORE
    return table.spread_scores(most, int(counts.min()))[counts]


def _image_locality(scheduler, state, candidates, total_nodes):
    locality = scheduler.scorers[-1]
    containers = state.pod["spec"].get("containers", [])
    present = []
    for container in containers:
        info = locality._image_info(container.get("image", ""))
        if info is None:
            continue
        presence = scheduler.table.image_presence(info[0])
        if presence is None:
            continue
        spread = scheduler._nodes_with_image(info[0]) / max(total_nodes, 1)
        present.append((presence, int(info[1] * spread)))
    low = plugins.ImageLocality.MIN_THRESHOLD
    high = plugins.ImageLocality.MAX_CONTAINER_THRESHOLD * max(len(containers), 1)
    if sum(size for _, size in present) <= low:
        return 0  # below the threshold on every node
    sums = np.zeros(len(candidates), dtype=np.int64)
    for presence, size in present:
        sums += np.where(presence[candidates], size, 0)
    clamped = np.minimum(np.maximum(sums, low), high)
    return MAX_NODE_SCORE * (clamped - low) // (high - low)
