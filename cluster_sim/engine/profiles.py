"""Timing profiles. `realistic` uses upstream's defaults; `fast` shortens them for demos.

Every value names the upstream flag or constant it stands for, so the lessons
can say exactly what a real cluster does and how it is tuned.
"""

from dataclasses import dataclass

from .timefmt import MINUTE, SECOND


@dataclass(frozen=True)
class Profile:
    name: str
    # kube-controller-manager --node-monitor-grace-period (default 50s since v1.32)
    node_monitor_grace_ms: int
    # kube-controller-manager --node-monitor-period
    node_monitor_period_ms: int
    # kubelet node lease renewal (nodeLeaseDurationSeconds 40 / 4)
    lease_renew_ms: int
    # kube-apiserver --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds
    default_toleration_seconds: int
    # kubelet container restart back-off: initial and maximum
    crash_backoff_initial_ms: int
    crash_backoff_max_ms: int
    # kubelet crash back-off reset: a container that exits more than this long after its last
    # (re)start begins again at the initial back-off. Upstream hard-codes 600 s
    # (pkg/kubelet/kubelet.go: crashLoopBackOff.HasExpiredFunc, not client-go's 2 x max).
    crash_backoff_reset_ms: int
    # kubelet image pull back-off: initial and maximum
    image_backoff_initial_ms: int
    image_backoff_max_ms: int
    # scales every simulated image pull and container start time
    startup_scale: float
    # kube-controller-manager --horizontal-pod-autoscaler-sync-period
    hpa_sync_period_ms: int
    # kube-controller-manager --horizontal-pod-autoscaler-downscale-stabilization
    hpa_downscale_stabilization_ms: int
    description: str


REALISTIC = Profile(
    name="realistic",
    node_monitor_grace_ms=50 * SECOND,
    node_monitor_period_ms=5 * SECOND,
    lease_renew_ms=10 * SECOND,
    default_toleration_seconds=300,
    crash_backoff_initial_ms=10 * SECOND,
    crash_backoff_max_ms=5 * MINUTE,
    crash_backoff_reset_ms=10 * MINUTE,
    image_backoff_initial_ms=10 * SECOND,
    image_backoff_max_ms=5 * MINUTE,
    startup_scale=1.0,
    hpa_sync_period_ms=15 * SECOND,
    hpa_downscale_stabilization_ms=5 * MINUTE,
    description="Upstream Kubernetes defaults.",
)

FAST = Profile(
    name="fast",
    node_monitor_grace_ms=10 * SECOND,
    node_monitor_period_ms=1 * SECOND,
    lease_renew_ms=2 * SECOND,
    default_toleration_seconds=30,
    crash_backoff_initial_ms=2 * SECOND,
    crash_backoff_max_ms=30 * SECOND,
    crash_backoff_reset_ms=1 * MINUTE,  # scaled as the maximum is: a tenth of upstream's
    image_backoff_initial_ms=2 * SECOND,
    image_backoff_max_ms=30 * SECOND,
    startup_scale=0.25,
    hpa_sync_period_ms=5 * SECOND,
    hpa_downscale_stabilization_ms=1 * MINUTE,
    description=(
        "Shortened for classroom demos: node grace 10s (real 50s), eviction after 30s "
        "(real 300s), back-offs 2s-30s (real 10s-5m), image pulls 4x faster, autoscaler "
        "every 5s with a 1m scale-down window (real 15s and 5m)."
    ),
)

PROFILES = {profile.name: profile for profile in (REALISTIC, FAST)}
