"""Deployment arithmetic shared by the controller and kubectl (pkg/controller/deployment/util)."""

import copy
import math

from ..names import pod_template_hash

REVISION = "deployment.kubernetes.io/revision"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
HASH_LABEL = "pod-template-hash"
CHANGE_CAUSE = "kubernetes.io/change-cause"


def resolve_fenceposts(deployment: dict) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as absolute numbers; percentages round up / down."""
    spec = deployment["spec"]
    replicas = spec.get("replicas", 1)
    if spec.get("strategy", {}).get("type") != "RollingUpdate":
        return 0, 0
    rolling = spec["strategy"].get("rollingUpdate") or {}
    surge = _scaled(rolling.get("maxSurge", "25%"), replicas, round_up=True)
    unavailable = _scaled(rolling.get("maxUnavailable", "25%"), replicas, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1  # validation forbids both zero; upstream guards anyway
    return surge, unavailable


def _scaled(value, total: int, round_up: bool) -> int:
    if isinstance(value, int):
        return value
    text = str(value)
    if text.endswith("%"):
        exact = int(text[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return int(text)


def template_without_hash(template: dict) -> dict:
    clean = copy.deepcopy(template)
    labels = (clean.get("metadata") or {}).get("labels")
    if labels:
        labels.pop(HASH_LABEL, None)
    return clean


def templates_equal_ignoring_hash(a: dict, b: dict) -> bool:
    return template_without_hash(a) == template_without_hash(b)


def template_hash(template: dict, collision_count: int = 0) -> str:
    return pod_template_hash(template_without_hash(template), collision_count)


def revision(obj: dict) -> int:
    try:
        return int((obj["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def replicas_of(replica_sets: list[dict]) -> int:
    return sum(rs["spec"].get("replicas", 0) for rs in replica_sets)


def available_of(replica_sets: list[dict]) -> int:
    return sum((rs.get("status") or {}).get("availableReplicas", 0) for rs in replica_sets)


def is_complete(deployment: dict) -> bool:
    """DeploymentComplete: every replica updated and available, latest generation observed."""
    spec, status = deployment["spec"], deployment.get("status") or {}
    replicas = spec.get("replicas", 1)
    return (
        status.get("updatedReplicas", 0) == replicas
        and status.get("replicas", 0) == replicas
        and status.get("availableReplicas", 0) == replicas
        and status.get("observedGeneration", 0) >= deployment["metadata"].get("generation", 1)
    )
