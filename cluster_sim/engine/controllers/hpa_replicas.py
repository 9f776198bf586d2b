"""The HPA's replica calculator for resource metrics (pkg/controller/podautoscaler/
replica_calculator.go, GetResourceReplicas and GetRawResourceReplicas).

desired = ceil(current ready pods x usage / target), unchanged while the ratio is within
the tolerance (10 %). Pods being deleted or failed are ignored; pods not yet ready count
as using nothing when the HPA would scale up; pods without metrics count as using 100 %
of their request when it would scale down and nothing when it would scale up, so that a
missing metric never makes the HPA move further than the known ones justify.
"""

import math
from dataclasses import dataclass

from .. import podutil
from ..quantity import cpu_millis, to_bytes

TOLERANCE = 0.1  # --horizontal-pod-autoscaler-tolerance


class MetricError(Exception):
    """Why a metric could not be computed (the FailedGetResourceMetric message)."""


@dataclass
class Proposal:
    replicas: int
    utilization: int | None  # percent of request (Utilization targets)
    average_milli: int  # average usage per pod, milli-units


def resource_amount(resource: str, value) -> int:
    """A quantity in milli-units for cpu (millicores), bytes x 1000 for memory, so both
    compare the way MilliValue() does upstream."""
    return cpu_millis(value) if resource == "cpu" else to_bytes(value) * 1000


def resource_replicas(
    current_replicas: int,
    pods: list[dict],
    usage: dict[str, int],
    resource: str,
    target_utilization: int | None,
    target_average_milli: int | None,
) -> Proposal:
    """usage: pod name -> milli-units used now (pods missing have no metrics)."""
    if not pods:
        raise MetricError("no pods returned by selector while calculating replica count")
    ready, unready, missing, ignored = _group_pods(pods, usage, resource)
    metrics = {name: usage[name] for name in ready}
    if not metrics and not missing and not unready:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")
    requests = {}
    if target_utilization is not None:
        for pod in pods:
            name = pod["metadata"]["name"]
            if name in ignored:
                continue
            requests[name] = _pod_request(pod, resource)
    if not metrics:
        raise MetricError("did not receive metrics for targeted pods (pods might be unready)")

    def ratio_of(values: dict[str, int]) -> float:
        if target_utilization is not None:
            total_request = sum(requests[name] for name in values)
            utilization = sum(values.values()) * 100 / total_request
            return utilization / target_utilization
        return (sum(values.values()) / len(values)) / target_average_milli

    usage_ratio = ratio_of(metrics)
    utilization = None
    if target_utilization is not None:
        utilization = int(sum(metrics.values()) * 100 // sum(requests[n] for n in metrics))
    average = sum(metrics.values()) // len(metrics)
    scale_up_with_unready = bool(unready) and usage_ratio > 1.0
    if not scale_up_with_unready and not missing:
        if abs(1.0 - usage_ratio) <= TOLERANCE:
            return Proposal(current_replicas, utilization, average)
        return Proposal(math.ceil(usage_ratio * len(metrics)), utilization, average)
    filled = dict(metrics)
    for name in missing:
        if usage_ratio < 1.0:  # scaling down: assume the pod uses all it asked for
            filled[name] = (
                requests.get(name, 0) if target_utilization is not None else target_average_milli
            )
        else:
            filled[name] = 0
    if scale_up_with_unready:
        for name in unready:
            filled[name] = 0
    new_ratio = ratio_of(filled)
    if (
        abs(1.0 - new_ratio) <= TOLERANCE
        or (usage_ratio < 1.0 and new_ratio > 1.0)
        or (usage_ratio > 1.0 and new_ratio < 1.0)
    ):
        return Proposal(current_replicas, utilization, average)
    replicas = math.ceil(new_ratio * len(filled))
    if (new_ratio < 1.0 and replicas > current_replicas) or (
        new_ratio > 1.0 and replicas < current_replicas
    ):
        return Proposal(current_replicas, utilization, average)
    return Proposal(replicas, utilization, average)


def _group_pods(pods, usage, resource):
    """groupPods: (ready with metrics, unready, missing metrics, ignored) pod names."""
    ready, unready, missing, ignored = [], [], [], set()
    for pod in pods:
        name = pod["metadata"]["name"]
        if pod["metadata"].get("deletionTimestamp") or pod["status"].get("phase") == "Failed":
            ignored.add(name)
            continue
        if pod["status"].get("phase") == "Pending":
            unready.append(name)
            continue
        if name not in usage:
            missing.append(name)
            continue
        if resource == "cpu":
            condition = podutil.condition(pod, "Ready")
            if condition is None or condition.get("status") != "True":
                unready.append(name)
                continue
        ready.append(name)
    return ready, unready, missing, ignored


def _pod_request(pod: dict, resource: str) -> int:
    """calculatePodRequests: every container must request the resource."""
    total = 0
    for container in pod["spec"].get("containers", []):
        request = ((container.get("resources") or {}).get("requests") or {}).get(resource)
        if request is None:
            raise MetricError(
                f"missing request for {resource} in container {container['name']} "
                f"of Pod {pod['metadata']['name']}"
            )
        total += resource_amount(resource, request)
    return total
