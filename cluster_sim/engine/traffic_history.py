"""What simulated traffic did over time, for charts: every few simulated seconds while
traffic flows, each Service's offered and served rate and ready endpoints, and each
HorizontalPodAutoscaler's replicas and CPU utilisation.

ClusterLab's record, not a Kubernetes API: on a real cluster these series come from a
monitoring system (Prometheus scraping metrics-server, kube-state-metrics, the app's own
request counters). Samples are taken on the traffic model's one-second steps and when an
autoscaler's status changes, so the history adds no timer of its own (the clock's "next
event" still stops only at real events) and a scale-down after the traffic stopped is
still charted. Bounded: the last MAX_SAMPLES samples, at most MAX_SERIES Services and
autoscalers each."""

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .timefmt import SECOND

SAMPLE_MS = 5 * SECOND
MAX_SAMPLES = 720  # an hour at one sample every 5 s
MAX_SERIES = 20


@dataclass(frozen=True)
class ServicePoint:
    namespace: str
    name: str
    offered: float  # requests/s the clients sent
    served: float  # requests/s answered
    endpoints: int  # ready endpoints kube-proxy sent traffic to


@dataclass(frozen=True)
class AutoscalerPoint:
    namespace: str
    name: str
    current: int  # status.currentReplicas
    desired: int  # status.desiredReplicas
    utilization: int | None  # average CPU utilisation, % of requests (None: not known yet)
    target: int | None  # the target utilisation, %


@dataclass(frozen=True)
class Sample:
    at_ms: int
    services: tuple[ServicePoint, ...]
    autoscalers: tuple[AutoscalerPoint, ...]


class TrafficHistory:
    def __init__(self, ctx, flows: Callable[[], Iterable]) -> None:
        self._ctx = ctx
        self._store = ctx.store
        self._flows = flows  # the traffic model's flows now
        self.samples: deque[Sample] = deque(maxlen=MAX_SAMPLES)
        ctx.store.watch("HorizontalPodAutoscaler", self._on_autoscaler)

    def _on_autoscaler(self, event_type: str, hpa: dict) -> None:
        if self.samples or any(True for _ in self._flows()):  # only once there is a chart
            self.record(self._ctx.now_ms, self._flows(), force=True)

    def record(self, now_ms: int, flows, force: bool = False) -> None:
        """A sample, when SAMPLE_MS has passed since the last one (or `force`: the rate
        just changed, so the chart shows the step where it happened)."""
        if self.samples and not force and now_ms - self.samples[-1].at_ms < SAMPLE_MS:
            return
        services = tuple(
            ServicePoint(f.namespace, f.service, f.offered, f.served, f.endpoints)
            for f in sorted(flows, key=lambda f: (f.namespace, f.service))[:MAX_SERIES]
        )
        sample = Sample(now_ms, services, self._autoscalers())
        if self.samples and self.samples[-1].at_ms == now_ms:
            self.samples[-1] = sample  # one sample per instant: the latest state wins
        else:
            self.samples.append(sample)

    def _autoscalers(self) -> tuple[AutoscalerPoint, ...]:
        points = []
        for hpa in self._store.list("HorizontalPodAutoscaler")[:MAX_SERIES]:
            status = hpa.get("status") or {}
            points.append(
                AutoscalerPoint(
                    hpa["metadata"].get("namespace", "default"),
                    hpa["metadata"]["name"],
                    status.get("currentReplicas", 0),
                    status.get("desiredReplicas", 0),
                    _cpu(status.get("currentMetrics") or [], "current"),
                    _cpu(hpa["spec"].get("metrics") or [], "target"),
                )
            )
        return tuple(points)


def _cpu(metrics: list, key: str) -> int | None:
    """The averageUtilization of the CPU resource metric in a spec's or a status's list."""
    for metric in metrics:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            return (resource.get(key) or {}).get("averageUtilization")
    return None
