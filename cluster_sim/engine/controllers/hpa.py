"""The HorizontalPodAutoscaler controller (pkg/controller/podautoscaler/horizontal.go).

Every sync period (15 s; the queue adds each HPA back with that delay, so the first
sync comes one period after the HPA is created) it reads the target's scale, asks the
metrics (metrics-server's role: the simulated pods' CPU and memory use) for the pods
the target selects, proposes a replica count per metric and takes the largest, then
normalizes it:

- without `behavior`: scale-down recommendations are stabilized over the window (the
  highest of the last 5 minutes wins), scale-up is limited to max(2 x current, 4);
- with `behavior`: each direction's stabilization window and rate policies.

It rescales the target through its scale subresource (spec.replicas), records
SuccessfulRescale, and writes status: replicas, current metrics and the conditions
AbleToScale, ScalingActive and ScalingLimited.
"""

import math

from ..events import NORMAL, WARNING
from ..jsoncopy import clone
from ..labels import matches_selector
from ..timefmt import rfc3339
from .base import Controller
from .hpa_replicas import MetricError, resource_amount, resource_replicas

COMPONENT = "horizontal-pod-autoscaler"
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4
# (reason, message) of the AbleToScale and ScalingLimited conditions (horizontal.go)
READY_FOR_NEW_SCALE = ("ReadyForNewScale", "recommended size matches current size")
SCALE_UP_STABILIZED = (
    "ScaleUpStabilized",
    "recent recommendations were lower than current one, applying the lowest recent recommendation",
)
SCALE_DOWN_STABILIZED = (
    "ScaleDownStabilized",
    "recent recommendations were higher than current one, applying the highest recent "
    "recommendation",
)
WITHIN_RANGE = ("DesiredWithinRange", "the desired count is within the acceptable range")
SCALE_UP_LIMIT = (
    "ScaleUpLimit",
    "the desired replica count is increasing faster than the maximum scale rate",
)
SCALE_DOWN_LIMIT = (
    "ScaleDownLimit",
    "the desired replica count is decreasing faster than the maximum scale rate",
)
TOO_MANY_REPLICAS = (
    "TooManyReplicas",
    "the desired replica count is more than the maximum replica count",
)
TOO_FEW_REPLICAS = (
    "TooFewReplicas",
    "the desired replica count is less than the minimum replica count",
)
SCALABLE_KINDS = {
    ("apps", "Deployment"): "deployments.apps",
    ("apps", "ReplicaSet"): "replicasets.apps",
    ("apps", "StatefulSet"): "statefulsets.apps",
    ("", "ReplicationController"): "replicationcontrollers",
}


class HorizontalPodAutoscalerController(Controller):
    name = COMPONENT

    def __init__(self, ctx, pod_usage):
        super().__init__(ctx)
        self._pod_usage = pod_usage  # pod -> (millicores, bytes) | None: the metrics API
        self._scheduled: set[tuple[str, str]] = set()
        self._recommendations: dict[tuple[str, str], list[tuple[int, int]]] = {}
        self._scale_events: dict[tuple[str, str], list[tuple[int, int]]] = {}
        ctx.store.watch("HorizontalPodAutoscaler", self._on_hpa)

    def _on_hpa(self, event_type: str, hpa: dict) -> None:
        key = (hpa["metadata"]["namespace"], hpa["metadata"]["name"])
        if event_type == "DELETED":
            self._recommendations.pop(key, None)
            self._scale_events.pop(key, None)
            return
        if key not in self._scheduled:  # AddRateLimited: a key already waiting is not re-added
            self._scheduled.add(key)
            self.ctx.timeline.call_later(self.ctx.profile.hpa_sync_period_ms, self._due, key)

    def _due(self, key) -> None:
        self._scheduled.discard(key)
        if self.ctx.store.get("HorizontalPodAutoscaler", *key) is None:
            return
        self.enqueue(key)
        self._scheduled.add(key)
        self.ctx.timeline.call_later(self.ctx.profile.hpa_sync_period_ms, self._due, key)

    def reconcile(self, key) -> None:
        hpa = self.ctx.store.get("HorizontalPodAutoscaler", *key)
        if hpa is None:
            return
        before = clone(hpa.get("status") or {})
        status = hpa.setdefault("status", {})
        status.setdefault("conditions", [])
        self._sync(hpa, key)
        if hpa["status"] != before:
            self.ctx.api.touch(hpa)

    # --- one sync ---------------------------------------------------------------------
    def _sync(self, hpa: dict, key) -> None:
        spec = hpa["spec"]
        ref = spec.get("scaleTargetRef") or {}
        target, problem = self._scale_target(hpa["metadata"]["namespace"], ref)
        if target is None:
            self._event(hpa, WARNING, "FailedGetScale", problem)
            self._condition(
                hpa,
                "AbleToScale",
                "False",
                "FailedGetScale",
                f"the HPA controller was unable to get the target's current scale: {problem}",
            )
            return
        self._condition(
            hpa,
            "AbleToScale",
            "True",
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        )
        current = target["spec"].get("replicas", 1)
        self._recommendations.setdefault(key, [(current, self.ctx.now_ms)])
        minimum = spec.get("minReplicas", 1)
        maximum = spec["maxReplicas"]
        statuses: list[dict] = []
        rescale, reason = True, ""
        if current == 0 and minimum != 0:
            desired, rescale = 0, False
            self._condition(
                hpa,
                "ScalingActive",
                "False",
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            )
        elif current > maximum:
            desired, reason = maximum, "Current number of replicas above Spec.MaxReplicas"
        elif current < minimum:
            desired, reason = minimum, "Current number of replicas below Spec.MinReplicas"
        else:
            computed = self._replicas_for_metrics(hpa, target, current, statuses)
            if computed is None:
                self._set_status(hpa, current, hpa["status"].get("desiredReplicas", 0), statuses)
                return
            proposal, metric_name = computed
            desired = proposal
            if desired > current:
                reason = f"{metric_name} above target"
            elif desired < current:
                reason = "All metrics below target"
            if spec.get("behavior") is None:
                desired = self._normalize(hpa, key, current, desired, minimum, maximum)
            else:
                desired = self._normalize_with_behavior(hpa, key, current, desired, minimum)
            rescale = desired != current
        if rescale:
            scaled = clone(target)
            scaled["spec"]["replicas"] = desired
            self.ctx.api.update(scaled)
            self._condition(
                hpa,
                "AbleToScale",
                "True",
                "SucceededRescale",
                f"the HPA controller was able to update the target scale to {desired}",
            )
            self._event(hpa, NORMAL, "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self._scale_events.setdefault(key, []).append((desired - current, self.ctx.now_ms))
            hpa["status"]["lastScaleTime"] = rfc3339(self.ctx.now_ms)
        else:
            desired = current
        self._set_status(hpa, current, desired, statuses)

    def _scale_target(self, namespace: str, ref: dict) -> tuple[dict | None, str]:
        group = (ref.get("apiVersion") or "").rpartition("/")[0]
        kind, name = ref.get("kind", ""), ref.get("name", "")
        resource = SCALABLE_KINDS.get((group, kind))
        if resource is None:
            return None, f'no matches for kind "{kind}" in group "{group}"'
        target = self.ctx.store.get(kind, namespace, name)
        if target is None:
            return None, f'{resource} "{name}" not found'
        return target, ""

    def _replicas_for_metrics(self, hpa, target, current, statuses):
        """computeReplicasForMetrics: the largest proposal over the metrics, or None when
        every metric failed (conditions and events set)."""
        selector = target["spec"].get("selector")
        if not selector:
            self._event(hpa, WARNING, "SelectorRequired", "selector is required")
            self._condition(
                hpa,
                "ScalingActive",
                "False",
                "InvalidSelector",
                "the HPA target's scale is missing a selector",
            )
            return None
        namespace = hpa["metadata"]["namespace"]
        pods = [
            pod
            for pod in self.ctx.store.list("Pod", namespace)
            if matches_selector(pod["metadata"].get("labels"), selector)
        ]
        metrics = hpa["spec"].get("metrics") or []
        best, best_name = 0, ""
        invalid, first_error, first_condition = 0, "", None
        for metric in metrics:
            status: dict = {}
            try:
                proposal, name = self._resource_metric(metric, current, pods, status)
            except MetricError as error:
                invalid += 1
                text, condition = _first_error(metric, error)
                self._event(hpa, WARNING, condition[0], str(error))  # getUnableCompute...
                if first_condition is None:
                    first_error, first_condition = text, condition
                continue
            statuses.append(status)
            if best == 0 or proposal > best:
                best, best_name = proposal, name
        if invalid >= len(metrics):
            reason, message = first_condition or ("InvalidMetricSourceType", "no metrics")
            self._condition(hpa, "ScalingActive", "False", reason, message)
            self._event(
                hpa,
                WARNING,
                "FailedComputeMetricsReplicas",
                f"invalid metrics ({invalid} invalid out of {len(metrics)}), "
                f"first error is: {first_error}",
            )
            return None
        self._condition(
            hpa,
            "ScalingActive",
            "True",
            "ValidMetricFound",
            f"the HPA was able to successfully calculate a replica count from {best_name}",
        )
        return best, best_name

    def _resource_metric(self, metric: dict, current: int, pods, status: dict):
        kind = metric.get("type")
        if kind != "Resource":
            raise MetricError(
                f"ClusterLab simulates Resource metrics only; {kind} metrics have no source"
            )
        source = metric.get("resource") or {}
        resource = source.get("name", "cpu")
        target = source.get("target") or {}
        usage = {}
        for pod in pods:
            used = self._pod_usage(pod)
            if used is not None:
                usage[pod["metadata"]["name"]] = used[0] if resource == "cpu" else used[1] * 1000
        utilization = (
            target.get("averageUtilization") if target.get("type") == "Utilization" else None
        )
        average = None
        if utilization is None:
            average = max(resource_amount(resource, target.get("averageValue", "0")), 1)
        try:
            proposal = resource_replicas(current, pods, usage, resource, utilization, average)
        except MetricError as error:
            what = "utilization" if utilization is not None else "usage"
            raise MetricError(f"failed to get {resource} {what}: {error}") from None
        now = {"averageValue": _milli_quantity(resource, proposal.average_milli)}
        if utilization is not None:
            now = {"averageUtilization": proposal.utilization, **now}
        status.update({"type": kind, "resource": {"name": resource, "current": now}})
        if utilization is not None:
            return proposal.replicas, f"{resource} resource utilization (percentage of request)"
        return proposal.replicas, f"{resource} resource"

    # --- normalization ------------------------------------------------------------------
    def _normalize(self, hpa, key, current, proposed, minimum, maximum) -> int:
        """normalizeDesiredReplicas: stabilize scale-down, cap scale-up, clamp to range."""
        stabilized = self._stabilize(key, proposed)
        stable = SCALE_DOWN_STABILIZED if stabilized != proposed else READY_FOR_NEW_SCALE
        self._condition(hpa, "AbleToScale", "True", *stable)
        rate_limit = max(int(SCALE_UP_LIMIT_FACTOR * current), SCALE_UP_LIMIT_MINIMUM)
        ceiling, *limit = _up_ceiling(maximum, rate_limit)
        desired = stabilized
        if stabilized < minimum:
            desired, limit = minimum, TOO_FEW_REPLICAS
        elif stabilized > ceiling:
            desired = ceiling
        self._limited(hpa, desired != stabilized, limit)
        return desired

    def _stabilize(self, key, proposed: int) -> int:
        """The highest recommendation of the downscale stabilization window."""
        now = self.ctx.now_ms
        cutoff = now - self.ctx.profile.hpa_downscale_stabilization_ms
        kept = [(r, t) for r, t in self._recommendations.get(key, []) if t >= cutoff]
        highest = max([proposed, *(r for r, _ in kept)])
        self._recommendations[key] = [*kept, (proposed, now)]
        return highest

    def _normalize_with_behavior(self, hpa, key, current, proposed, minimum) -> int:
        """normalizeDesiredReplicasWithBehaviors: per-direction windows and rate policies."""
        behavior = hpa["spec"]["behavior"]
        up = behavior.get("scaleUp") or {}
        down = behavior.get("scaleDown") or {}
        up_window = up.get("stabilizationWindowSeconds", 0)
        down_window = down.get(
            "stabilizationWindowSeconds", self.ctx.profile.hpa_downscale_stabilization_ms // 1000
        )
        now = self.ctx.now_ms
        if proposed >= current:
            window, pick, (reason, message) = up_window, min, SCALE_UP_STABILIZED
        else:
            window, pick, (reason, message) = down_window, max, SCALE_DOWN_STABILIZED
        recommendation = proposed
        for value, at in self._recommendations.get(key, []):
            if at > now - window * 1000:
                recommendation = pick(value, recommendation)
        keep_ms = max(up_window, down_window) * 1000
        self._recommendations[key] = [
            (v, t) for v, t in self._recommendations.get(key, []) if t >= now - keep_ms
        ] + [(proposed, now)]
        if recommendation != proposed:
            self._condition(hpa, "AbleToScale", "True", reason, message)
        else:
            self._condition(hpa, "AbleToScale", "True", *READY_FOR_NEW_SCALE)
        maximum = hpa["spec"]["maxReplicas"]
        desired, limit = recommendation, WITHIN_RANGE
        events = self._scale_events.get(key, [])
        if recommendation > current:
            rate_limit = max(_scale_up_limit(current, events, up, now), current)
            ceiling, *why = _up_ceiling(maximum, rate_limit)
            if recommendation > ceiling:
                desired, limit = ceiling, why
        elif recommendation < current:
            rate_limit = min(_scale_down_limit(current, events, down, now), current)
            floor, *why = _down_floor(minimum, rate_limit)
            if recommendation < floor:
                desired, limit = floor, why
        self._limited(hpa, desired != recommendation, limit)
        return desired

    def _limited(self, hpa, limited: bool, limit) -> None:
        """ScalingLimited: True with the limit's reason when the bound moved the count."""
        if limited:
            self._condition(hpa, "ScalingLimited", "True", *limit)
        else:
            self._condition(hpa, "ScalingLimited", "False", *WITHIN_RANGE)

    # --- status ---------------------------------------------------------------------------
    def _set_status(self, hpa, current: int, desired: int, statuses: list[dict]) -> None:
        status = hpa["status"]
        new = {}
        if current:
            new["currentReplicas"] = current
        new["desiredReplicas"] = desired
        if "lastScaleTime" in status:
            new["lastScaleTime"] = status["lastScaleTime"]
        new["currentMetrics"] = statuses or None
        new["conditions"] = status.get("conditions") or []
        hpa["status"] = new

    def _condition(self, hpa, kind: str, value: str, reason: str, message: str) -> None:
        """setCondition: lastTransitionTime moves only when the status flips."""
        conditions = hpa["status"].setdefault("conditions", [])
        for condition in conditions:
            if condition["type"] == kind:
                if condition["status"] != value:
                    condition["lastTransitionTime"] = rfc3339(self.ctx.now_ms)
                condition.update({"status": value, "reason": reason, "message": message})
                return
        conditions.append(
            {
                "type": kind,
                "status": value,
                "lastTransitionTime": rfc3339(self.ctx.now_ms),
                "reason": reason,
                "message": message,
            }
        )
        order = {"AbleToScale": 0, "ScalingActive": 1, "ScalingLimited": 2}
        conditions.sort(key=lambda c: order.get(c["type"], 3))

    def _event(self, hpa, event_type: str, reason: str, message: str) -> None:
        self.ctx.events.record(hpa, event_type, reason, message, component=COMPONENT)


def _up_ceiling(maximum: int, rate_limit: int) -> tuple[int, str, str]:
    """The scale-up bound and why it binds: the rate limit, or maxReplicas."""
    if maximum > rate_limit:
        return rate_limit, *SCALE_UP_LIMIT
    return maximum, *TOO_MANY_REPLICAS


def _down_floor(minimum: int, rate_limit: int) -> tuple[int, str, str]:
    """The scale-down bound and why it binds: the rate limit, or minReplicas."""
    if minimum < rate_limit:
        return rate_limit, *SCALE_DOWN_LIMIT
    return minimum, *TOO_FEW_REPLICAS


def _first_error(metric: dict, error: MetricError) -> tuple[str, tuple[str, str]]:
    """The FailedComputeMetricsReplicas text and the ScalingActive condition for the first
    metric that failed (computeStatusForResourceMetric's FailedGetResourceMetric)."""
    source = metric.get("resource") or metric.get("containerResource") or {}
    name = source.get("name", "cpu")
    kind = metric.get("type")
    if kind in ("Resource", "ContainerResource"):
        reason = (
            "FailedGetResourceMetric" if kind == "Resource" else "FailedGetContainerResourceMetric"
        )
        return (
            f"failed to get {name} resource metric value: {error}",
            (reason, f"the HPA was unable to compute the replica count: {error}"),
        )
    return str(error), (
        "InvalidMetricSourceType",
        f"the HPA was unable to compute the replica count: {error}",
    )


def _changed_within(events, period_s: int, now: int, sign: int) -> int:
    return sum(
        change * sign for change, at in events if at > now - period_s * 1000 and change * sign > 0
    )


def _scale_up_limit(current: int, events, rules: dict, now: int) -> int:
    """calculateScaleUpLimitWithScalingRules (defaults: 4 pods or 100 % per 15 s, Max)."""
    policies = rules.get("policies") or [
        {"type": "Pods", "value": 4, "periodSeconds": 15},
        {"type": "Percent", "value": 100, "periodSeconds": 15},
    ]
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in policies:
        start = current - _changed_within(events, policy["periodSeconds"], now, 1)
        if policy["type"] == "Pods":
            proposals.append(start + policy["value"])
        else:
            proposals.append(math.ceil(start * (1 + policy["value"] / 100)))
    return min(proposals) if select == "Min" else max(proposals)


def _scale_down_limit(current: int, events, rules: dict, now: int) -> int:
    """calculateScaleDownLimitWithBehaviors (default: 100 % per 15 s, Max)."""
    policies = rules.get("policies") or [{"type": "Percent", "value": 100, "periodSeconds": 15}]
    select = rules.get("selectPolicy", "Max")
    if select == "Disabled":
        return current
    proposals = []
    for policy in policies:
        start = current + _changed_within(events, policy["periodSeconds"], now, -1)
        if policy["type"] == "Pods":
            proposals.append(start - policy["value"])
        else:
            proposals.append(int(start * (1 - policy["value"] / 100)))
    return max(proposals) if select == "Min" else min(proposals)


def _milli_quantity(resource: str, milli: int) -> str:
    """resource.NewMilliQuantity(...).String(): `250m`, `1`, memory in plain bytes."""
    if resource != "cpu":
        return str(milli // 1000)
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"
