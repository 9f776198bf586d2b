"""`kubectl rollout status|history|undo|restart` for DaemonSets and StatefulSets.

kubectl's polymorphichelpers: DaemonSetStatusViewer / StatefulSetStatusViewer
(rollout_status.go), DaemonSetHistoryViewer / StatefulSetHistoryViewer (history.go:
revisions are the set's ControllerRevisions), DaemonSetRollbacker / StatefulSetRollbacker
(rollback.go: the revision's patch is applied to the set) and the object restarter.
"""

import copy

from ..controllers import history
from ..timefmt import rfc3339
from . import describe as describers
from .resources import object_ref
from .table import render_table

RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"
CHANGE_CAUSE = "kubernetes.io/change-cause"


def status_line(obj: dict) -> tuple[str, bool, str | None]:
    """(message, done, error) as the status viewer words it."""
    spec, status = obj["spec"], obj.get("status") or {}
    name = obj["metadata"]["name"]
    if (spec.get("updateStrategy") or {}).get("type") != "RollingUpdate":
        return "", True, "error: rollout status is only available for RollingUpdate strategy type"
    generation = obj["metadata"].get("generation", 1)
    if obj["kind"] == "DaemonSet":
        if generation > status.get("observedGeneration", 0):
            return "Waiting for daemon set spec update to be observed...", False, None
        desired = status.get("desiredNumberScheduled", 0)
        updated = status.get("updatedNumberScheduled", 0)
        if updated < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {updated} out of '
                f"{desired} new pods have been updated...",
                False,
                None,
            )
        available = status.get("numberAvailable", 0)
        if available < desired:
            return (
                f'Waiting for daemon set "{name}" rollout to finish: {available} of '
                f"{desired} updated pods are available...",
                False,
                None,
            )
        return f'daemon set "{name}" successfully rolled out', True, None
    observed = status.get("observedGeneration", 0)
    if observed == 0 or generation > observed:
        return "Waiting for statefulset spec update to be observed...", False, None
    replicas = spec.get("replicas", 1)
    ready = status.get("readyReplicas", 0)
    if ready < replicas:
        return f"Waiting for {replicas - ready} pods to be ready...", False, None
    rolling = spec["updateStrategy"].get("rollingUpdate")
    updated = status.get("updatedReplicas", 0)
    if rolling is not None:
        partition = rolling.get("partition")
        if partition is not None and updated < replicas - partition:
            return (
                f"Waiting for partitioned roll out to finish: {updated} out of "
                f"{replicas - partition} new pods have been updated...",
                False,
                None,
            )
        return f"partitioned roll out complete: {updated} new pods have been updated...", True, None
    if status.get("updateRevision") != status.get("currentRevision"):
        return (
            f"waiting for statefulset rolling update to complete {updated} pods at revision "
            f"{status.get('updateRevision')}...",
            False,
            None,
        )
    return (
        f"statefulset rolling update complete {status.get('currentReplicas', 0)} pods at "
        f"revision {status.get('currentRevision')}...",
        True,
        None,
    )


def _revisions(cluster, obj: dict) -> dict[int, dict]:
    return {r.get("revision", 0): r for r in history.owned_revisions(cluster.store, obj)}


def rollout_history(cluster, obj: dict, revision: int) -> str:
    """printHistory: a table of revisions and their change-cause, or one revision's template."""
    if revision < 0:
        return f"error: revision must be a positive integer: {revision}"
    revisions = _revisions(cluster, obj)
    if not revisions:
        return f"{object_ref(obj)} \nNo rollout history found."
    if revision:
        if revision not in revisions:
            return "error: unable to find the specified revision"
        template = history.revision_template(revisions[revision])
        return f"{object_ref(obj)} with revision #{revision}\n" + describers.describe_pod_template(
            template
        ).rstrip("\n")
    rows = [
        [str(number), (r["metadata"].get("annotations") or {}).get(CHANGE_CAUSE) or "<none>"]
        for number, r in sorted(revisions.items())
    ]
    return (
        f"{object_ref(obj)} \n"
        + render_table(["REVISION", "CHANGE-CAUSE"], rows).rstrip("\n")
        + "\n"
    )


def rollout_undo(cluster, obj: dict, to_revision: int, strategy: str | None, suffix: str) -> str:
    """DaemonSetRollbacker / StatefulSetRollbacker.Rollback."""
    if to_revision < 0:
        return f"error: unable to find specified revision {to_revision} in history"
    revisions = sorted(_revisions(cluster, obj).items())
    if to_revision == 0 and len(revisions) <= 1:
        return "error: no last revision to roll back to"
    if to_revision == 0:
        target = revisions[-2][1]  # findHistory: the second highest revision
    else:
        target = dict(revisions).get(to_revision)
        if target is None:
            return f"error: unable to find specified revision {to_revision} in history"
    template = history.revision_template(target)
    if strategy == "client":
        return f"{object_ref(obj)} " + describers.describe_pod_template(template) + suffix
    if history.template_patch(obj) == target.get("data"):
        # upstream words it with the revision asked for, 0 when none was
        return (
            f"{object_ref(obj)} skipped rollback (current template already matches revision "
            f"{to_revision}){suffix}"
        )
    if strategy != "server":
        updated = copy.deepcopy(obj)
        updated["spec"]["template"] = template
        cluster.api.update(updated)
        cluster.settle()
    return f"{object_ref(obj)} rolled back{suffix}"


def rollout_restart(cluster, obj: dict) -> str:
    """The object restarter: a restartedAt annotation on the pod template."""
    updated = copy.deepcopy(obj)
    meta = updated["spec"]["template"].setdefault("metadata", {})
    meta.setdefault("annotations", {})[RESTARTED_AT] = rfc3339(cluster.now_ms)
    cluster.api.update(updated)
    cluster.settle()
    return f"{object_ref(obj)} restarted"
