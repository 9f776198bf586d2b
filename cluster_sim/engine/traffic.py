"""Simulated client traffic to Services (`sim traffic`), and the load it puts on pods.

This is ClusterLab's model, not a Kubernetes component; what it models is how load
meets Kubernetes:

- kube-proxy (iptables mode) picks one of a Service's *ready* endpoints with equal
  probability per connection, so each ready endpoint gets an equal share of the rate.
  The endpoints come from the EndpointSlices, so a pod that died stays in rotation until
  the control plane notices: requests sent to it time out.
- Each pod serves up to a capacity set by its image and CPU: `requests/s = millicores /
  request_cpu_ms` (the image's CPU cost of one request), where a pod's millicores are its
  container's CPU limit, or what it gets of its node's CPU when pods there compete
  (shared in proportion to CPU requests, as the kernel's CPU shares do).
- Below capacity a pod is an M/M/1 queue: response time is the request's own service
  time plus an exponentially distributed wait whose rate is capacity minus load, so
  latency climbs steeply as load nears capacity. Above capacity, requests queue (latency
  grows by the queue's length over the capacity) until the client's timeout, and at most
  1,024 deep (the connections a server holds); what would wait longer fails.
- No ready endpoint: kube-proxy rejects the connection; every request fails.

The model advances in one-second steps on the simulated clock while any traffic flows.
Rates are expected values (no sampling noise), so the same commands give the same
numbers. CPU the requests burn is added to the pod's usage (`kubectl top`, the HPA).
"""

import math
from dataclasses import dataclass, field

from . import podutil
from .kube_proxy import KubeProxy
from .quantity import cpu_millis
from .scheduler.resources import pod_requests
from .timefmt import SECOND
from .traffic_history import TrafficHistory

TICK_MS = 1 * SECOND
CLIENT_TIMEOUT_MS = 10 * SECOND  # a typical load generator's request timeout
# Connections a pod holds open at most (a listen backlog of 511 plus a server's worker
# connections, about 1,000): past it, new connections are refused rather than queued.
MAX_QUEUED_REQUESTS = 1024
NETWORK_MS = 0.5  # a round trip inside the cluster network
IN_FLIGHT_BYTES = 256 * 1024  # memory one in-flight request holds (buffers, a worker's stack)
MIN_CPU_SHARE = 2  # cpu.shares for a container without a CPU request (cgroup minimum)


@dataclass
class Shape:
    """The offered rate over time: steady, a linear ramp, or a spike that ends."""

    rps: float
    from_rps: float = 0.0
    start_ms: int = 0
    ramp_ms: int = 0
    until_ms: int | None = None  # a spike: back to `after_rps` from then on
    after_rps: float = 0.0

    def rate(self, now_ms: int) -> float:
        if self.until_ms is not None and now_ms >= self.until_ms:
            return self.after_rps
        if self.ramp_ms and now_ms < self.start_ms + self.ramp_ms:
            done = max(now_ms - self.start_ms, 0) / self.ramp_ms
            return self.from_rps + (self.rps - self.from_rps) * done
        return self.rps


@dataclass(slots=True)
class PodLoad:
    """One pod's share of the traffic in the last step."""

    namespace: str
    name: str
    node: str
    offered: float = 0.0  # requests/s sent to it
    served: float = 0.0  # requests/s answered
    failed: float = 0.0  # requests/s that failed (timeouts, dropped from a full queue)
    capacity: float = 0.0  # requests/s it could serve
    cpu_millis: int = 0  # CPU the requests burn
    backlog: float = 0.0  # requests waiting
    service_ms: float = 0.0  # one request's own time
    wait_ms: float = 0.0  # the queue's wait ahead of a new request
    alive: bool = True  # False: in the endpoints, but nothing answers there

    def latency_ms(self, quantile: float) -> float:
        """Response time at a quantile: the floor plus the exponential part."""
        floor, rate = self._floor_and_rate()
        if rate <= 0:
            return CLIENT_TIMEOUT_MS
        return min(floor + -math.log(1 - quantile) / rate * 1000, CLIENT_TIMEOUT_MS)

    def _floor_and_rate(self) -> tuple[float, float]:
        """Latency = floor + Exp(rate per second): M/M/1's sojourn time when under capacity,
        the queue's wait plus service when over it."""
        floor = NETWORK_MS + self.service_ms + self.wait_ms
        if self.backlog > 0 or self.offered >= self.capacity:
            return floor, max(self.capacity, 1e-9)
        return floor, self.capacity - self.offered


@dataclass
class Flow:
    """Traffic to one Service, and what became of it in the last step."""

    namespace: str
    service: str
    shape: Shape
    offered: float = 0.0
    served: float = 0.0
    failed: float = 0.0
    refused: bool = False  # no ready endpoints: kube-proxy rejected every connection
    endpoints: int = 0
    uids: list[str] = field(default_factory=list)  # the pods it reached (uids)


@dataclass(frozen=True)
class ServiceStats:
    namespace: str
    service: str
    offered_rps: float
    served_rps: float
    failed_rps: float
    error_rate: float
    p50_ms: float | None
    p95_ms: float | None
    endpoints: int
    refused: bool


class TrafficModel:
    def __init__(self, ctx, kubelets, kube_proxy: KubeProxy):
        self.ctx = ctx
        self._kubelets = kubelets
        self._kube_proxy = kube_proxy
        self.flows: dict[tuple[str, str], Flow] = {}
        self.pods: dict[str, PodLoad] = {}  # pod uid -> its load in the last step
        self._backlog: dict[str, float] = {}  # pod uid -> requests queued
        self._ticking = False
        # kube-proxy's rules only change with EndpointSlices and Services: keep each flow's
        # backends until one of its namespace's changes (what rebuilding iptables costs).
        self._backends: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        self._weights: dict[str, int] = {}  # pod uid -> CPU shares (its CPU requests)
        self._node_cpu: dict[str, int] = {}  # node -> capacity in millicores
        ctx.store.watch("EndpointSlice", self._on_endpoints)
        ctx.store.watch("Service", self._on_endpoints)
        ctx.store.watch("Node", self._on_node)
        ctx.store.watch("Pod", self._on_pod)
        self._inputs_changed = True  # something a step reads changed since the last one
        self._last_rates: tuple = ()
        # for charts: load and replicas over time
        self.history = TrafficHistory(ctx, lambda: self.flows.values())

    def _on_pod(self, event_type: str, pod: dict) -> None:
        if pod["metadata"]["uid"] in self.pods:
            self._inputs_changed = True

    def _on_endpoints(self, event_type: str, obj: dict) -> None:
        self._inputs_changed = True
        if self._backends:
            namespace = obj["metadata"].get("namespace", "default")
            for key in [key for key in self._backends if key[0] == namespace]:
                del self._backends[key]

    def _on_node(self, event_type: str, node: dict) -> None:
        self._node_cpu.pop(node["metadata"]["name"], None)

    # --- commands ------------------------------------------------------------------
    def set_rate(
        self,
        namespace: str,
        service: str,
        rps: float,
        *,
        ramp_ms: int = 0,
        spike_ms: int = 0,
    ) -> Flow | None:
        """Send `rps` requests/s to the Service from now on (0 stops): at once, ramping
        linearly over ramp_ms, or as a spike lasting spike_ms before the rate before it
        returns."""
        key = (namespace, service)
        now = self.ctx.now_ms
        flow = self.flows.get(key)
        current = flow.shape.rate(now) if flow is not None else 0.0
        shape = Shape(rps, from_rps=current, start_ms=now, ramp_ms=ramp_ms)
        if spike_ms:
            shape = Shape(rps, start_ms=now, until_ms=now + spike_ms, after_rps=current)
        if rps <= 0 and not ramp_ms:
            self.flows.pop(key, None)
            if flow is not None:  # the chart shows the rate dropping to zero
                flow.offered = flow.served = 0.0
                self.history.record(now, [*self.flows.values(), flow], force=True)
            self._step()
            return None
        if flow is None:
            flow = self.flows[key] = Flow(namespace, service, shape)
        flow.shape = shape
        self._step()
        self.history.record(now, self.flows.values(), force=True)
        if not self._ticking:
            self._ticking = True
            self.ctx.timeline.call_later(TICK_MS, self._tick)
        return flow

    # --- reads -------------------------------------------------------------------------
    def pod_usage(self, uid: str) -> tuple[int, int]:
        """(millicores, bytes) the traffic adds to a pod's own use."""
        load = self.pods.get(uid)
        if load is None or not load.alive:
            return 0, 0
        in_flight = load.served * (load.latency_ms(0.5) / 1000) + load.backlog
        return load.cpu_millis, int(in_flight * IN_FLIGHT_BYTES)

    def service_stats(self, flow: Flow) -> ServiceStats:
        loads = [self.pods[uid] for uid in dict.fromkeys(flow.uids) if self.pods[uid].alive]
        p50 = _mixture_quantile(loads, 0.5)
        p95 = _mixture_quantile(loads, 0.95)
        return ServiceStats(
            flow.namespace,
            flow.service,
            flow.offered,
            flow.served,
            flow.failed,
            flow.failed / flow.offered if flow.offered else 0.0,
            p50,
            p95,
            flow.endpoints,
            flow.refused,
        )

    def loads_of(self, flow: Flow) -> list[PodLoad]:
        return sorted(
            (self.pods[uid] for uid in dict.fromkeys(flow.uids)), key=lambda load: load.name
        )

    # --- the model -----------------------------------------------------------------------
    def _tick(self) -> None:
        if not self.flows:
            self._ticking = False
            self.pods.clear()
            self._backlog.clear()
            self._backends.clear()
            return
        if not self._steady():  # a steady second repeats the last one: nothing to compute
            self._step()
        self.history.record(self.ctx.now_ms, self.flows.values())
        self.ctx.timeline.call_later(TICK_MS, self._tick)

    def _steady(self) -> bool:
        """Would this step repeat the last one? Only when the rates, the endpoints and the
        loaded pods are unchanged, their nodes still run and no queue is draining. (A
        container that dies changes its pod's status at the kubelet's next relist.)"""
        now = self.ctx.now_ms
        rates = tuple(flow.shape.rate(now) for flow in self.flows.values())
        if self._inputs_changed or rates != self._last_rates or self._backlog:
            return False
        return all(
            load.alive
            and (kubelet := self._kubelets.get(load.node)) is not None
            and kubelet.powered
            for load in self.pods.values()
        )

    def _step(self) -> None:
        """One second of traffic: split each flow over its ready endpoints, share each
        node's CPU among the pods loaded on it, then serve, queue or fail."""
        now = self.ctx.now_ms
        offered: dict[str, float] = {}  # pod uid -> requests/s
        targets: dict[str, tuple[dict, object]] = {}  # pod uid -> (pod, serving process)
        per_flow: dict[tuple[str, str], list[str]] = {}
        for key, flow in sorted(self.flows.items()):
            flow.offered = flow.shape.rate(now)
            backends = self._backends.get(key)
            if backends is None:
                backends = self._backends[key] = self._kube_proxy.ready_backends(*key)
            flow.endpoints = len(backends)
            flow.refused = not backends
            uids = []
            for _ip, pod_name, port in backends:
                pod = self.ctx.store.get("Pod", flow.namespace, pod_name)
                if pod is None:
                    continue
                uid = pod["metadata"]["uid"]
                share = flow.offered / len(backends)
                offered[uid] = offered.get(uid, 0.0) + share
                if uid not in targets:
                    targets[uid] = (pod, self._serving_process(pod, port))
                uids.append(uid)
            per_flow[key] = flow.uids = uids
        loads = self._serve(offered, targets)
        self.pods = loads
        self._inputs_changed = False
        self._last_rates = tuple(flow.offered for flow in self.flows.values())
        self._backlog = {uid: b for uid, b in self._backlog.items() if b > 0}
        for key, flow in self.flows.items():
            uids = per_flow.get(key, [])
            served = failed = 0.0
            for uid in uids:
                load = loads[uid]
                share = (flow.offered / flow.endpoints) / load.offered if load.offered else 0.0
                served += load.served * share
                failed += load.failed * share
            if flow.refused:
                failed = flow.offered
            flow.served, flow.failed = served, failed

    def _serving_process(self, pod: dict, port: int):
        node = pod["spec"].get("nodeName")
        kubelet = self._kubelets.get(node) if node else None
        return kubelet.serving_process(pod, port) if kubelet is not None else None

    def _serve(self, offered: dict[str, float], targets: dict) -> dict[str, PodLoad]:
        by_node: dict[str, list[str]] = {}
        for uid in offered:
            pod, process = targets[uid]
            if process is not None:
                by_node.setdefault(pod["spec"]["nodeName"], []).append(uid)
        cpu: dict[str, tuple[float, float]] = {}  # uid -> (millicores given, ceiling)
        for node_name, uids in by_node.items():
            cpu.update(self._share_node_cpu(node_name, uids, offered, targets))
        loads: dict[str, PodLoad] = {}
        for uid, rate in offered.items():
            pod, process = targets[uid]
            namespace, name = podutil.key(pod)
            load = loads[uid] = PodLoad(namespace, name, pod["spec"].get("nodeName") or "")
            load.offered = rate
            if process is None:
                load.alive = False
                load.failed = rate  # nothing answers at the endpoint: connections time out
                self._backlog.pop(uid, None)
                continue
            _serve_pod(load, process.info.request_cpu_ms, cpu[uid][1], self._backlog, uid)
        for uid in list(self._backlog):
            if uid not in offered:
                del self._backlog[uid]
        if len(self._weights) > 2 * len(offered) + 64:
            self._weights = {uid: w for uid, w in self._weights.items() if uid in offered}
        return loads

    def _share_node_cpu(self, node_name: str, uids: list[str], offered, targets) -> dict:
        """Millicores each loaded pod gets: what it wants, up to its limit; when the node
        runs short, shares in proportion to CPU requests (water-filling)."""
        capacity = self._node_cpu.get(node_name)
        if capacity is None:
            node = self.ctx.store.get("Node", "", node_name) or {}
            capacity = cpu_millis(node.get("status", {}).get("capacity", {}).get("cpu", "1"))
            self._node_cpu[node_name] = capacity
        wants, weights = {}, {}
        for uid in uids:
            pod, process = targets[uid]
            limit = _request_limit(process)
            demand = offered[uid] * process.info.request_cpu_ms
            wants[uid] = demand if limit is None else min(demand, limit)
            weight = self._weights.get(uid)
            if weight is None:
                weight = max(pod_requests(pod["spec"]).get("cpu", 0), MIN_CPU_SHARE)
                self._weights[uid] = weight
            weights[uid] = weight
        if sum(wants.values()) <= capacity:
            given = dict(wants)
        else:
            given, left, open_uids = {}, float(capacity), sorted(uids)
            while open_uids:
                total_weight = sum(weights[u] for u in open_uids)
                satisfied = [u for u in open_uids if wants[u] <= left * weights[u] / total_weight]
                if not satisfied:
                    for u in open_uids:
                        given[u] = left * weights[u] / total_weight
                    break
                for u in satisfied:
                    given[u] = wants[u]
                    left -= wants[u]
                    open_uids.remove(u)
        # Capacity: what the pod could use if it wanted more (its limit, or the node's idle
        # CPU on top of its share), so an idle pod's capacity is not zero.
        spare = max(capacity - sum(given.values()), 0)
        result = {}
        for uid in uids:
            process = targets[uid][1]
            limit = _request_limit(process)
            ceiling = given[uid] + spare
            result[uid] = (given[uid], ceiling if limit is None else min(limit, ceiling))
        return result


def _request_limit(process) -> int | None:
    """The CPU limit left for requests: the container's own idle use counts against it."""
    limit = process.cpu_limit_millis
    return None if limit is None else max(limit - process.info.idle_cpu_millis, 1)


def _serve_pod(load: PodLoad, cost_ms: float, ceiling: float, backlogs, uid) -> None:
    """One second of one pod: serve up to capacity (`ceiling` millicores' worth), queue
    the rest up to the client's timeout, drop what would wait longer."""
    cost_ms = max(cost_ms, 0.01)
    capacity = max(ceiling, 1.0) / cost_ms  # requests/s
    backlog = backlogs.get(uid, 0.0)
    waiting = backlog + load.offered
    served = min(waiting, capacity)
    backlog = waiting - served
    max_backlog = min(capacity * CLIENT_TIMEOUT_MS / 1000, MAX_QUEUED_REQUESTS)
    dropped = max(backlog - max_backlog, 0.0)
    backlog -= dropped
    if backlog < 1e-6:
        backlog = 0.0
    backlogs[uid] = backlog
    load.capacity = capacity
    load.served = served
    load.failed = dropped
    load.backlog = backlog
    load.cpu_millis = round(served * cost_ms)
    # one request runs on one core at most, and slower under a limit below one core
    load.service_ms = cost_ms * max(1.0, 1000 / max(ceiling, 1.0))
    load.wait_ms = backlog / capacity * 1000


def _mixture_quantile(loads: list[PodLoad], quantile: float) -> float | None:
    """The quantile of response times across pods, each weighted by what it served."""
    weighted = [(load.served, *load._floor_and_rate()) for load in loads if load.served > 0]
    total = sum(weight for weight, _, _ in weighted)
    if not total:
        return None

    def share_faster(t_ms: float) -> float:
        done = 0.0
        for weight, floor, rate in weighted:
            if t_ms > floor:
                done += weight * (1 - math.exp(-rate * (t_ms - floor) / 1000))
        return done / total

    low, high = 0.0, float(CLIENT_TIMEOUT_MS)
    if share_faster(high) < quantile:
        return high
    for _ in range(40):
        middle = (low + high) / 2
        if share_faster(middle) < quantile:
            low = middle
        else:
            high = middle
    return high
