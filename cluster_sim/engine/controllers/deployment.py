"""The Deployment controller (pkg/controller/deployment): ReplicaSets per template revision.

RollingUpdate scales the new ReplicaSet up and the old ones down within
maxSurge / maxUnavailable; Recreate scales old ones to zero, waits for their
pods to go, then scales the new one up. Status and the Available/Progressing
conditions use upstream's reasons and messages.
"""

import copy

from .. import podutil
from ..events import NORMAL
from ..labels import matches_selector
from ..timefmt import parse_rfc3339, rfc3339
from . import deployment_util as du
from .base import Controller, controller_ref, owner_reference


class DeploymentController(Controller):
    name = "deployment-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Deployment", self._on_deployment)
        ctx.store.watch("ReplicaSet", self._on_replicaset)
        ctx.store.watch("Pod", self._on_pod)

    def _on_deployment(self, event_type: str, deployment: dict) -> None:
        self.enqueue((deployment["metadata"]["namespace"], deployment["metadata"]["name"]))

    def _on_replicaset(self, event_type: str, rs: dict) -> None:
        ref = controller_ref(rs)
        if ref and ref["kind"] == "Deployment":
            self.enqueue((rs["metadata"]["namespace"], ref["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        # Recreate waits for old pods to disappear; a deleted pod may unblock it.
        if event_type != "DELETED":
            return
        ref = controller_ref(pod)
        if ref and ref["kind"] == "ReplicaSet":
            rs = self.ctx.store.get("ReplicaSet", pod["metadata"]["namespace"], ref["name"])
            if rs:
                self._on_replicaset("MODIFIED", rs)

    # reconcile -------------------------------------------------------------

    def reconcile(self, key) -> None:
        namespace, name = key
        deployment = self.ctx.store.get("Deployment", namespace, name)
        if deployment is None or deployment["metadata"].get("deletionTimestamp"):
            return
        replica_sets = self._claim_replica_sets(deployment)
        self._check_paused_conditions(deployment)
        if deployment["spec"].get("paused"):
            self._sync_paused(deployment, replica_sets)
        elif deployment["spec"]["strategy"]["type"] == "Recreate":
            self._rollout_recreate(deployment, replica_sets)
        else:
            self._rollout_rolling(deployment, replica_sets)

    def _claim_replica_sets(self, deployment: dict) -> list[dict]:
        uid = deployment["metadata"]["uid"]
        namespace = deployment["metadata"]["namespace"]
        owned = []
        for kind, ns, name in self.ctx.store.dependents_of(uid):
            rs = self.ctx.store.get(kind, ns, name) if kind == "ReplicaSet" else None
            ref = controller_ref(rs) if rs else None
            if ref and ref["uid"] == uid:
                owned.append(rs)
        selector = deployment["spec"].get("selector")
        for rs in self.ctx.store.list("ReplicaSet", namespace):
            orphan = controller_ref(rs) is None and not rs["metadata"].get("deletionTimestamp")
            if orphan and matches_selector(rs["metadata"].get("labels") or {}, selector):
                rs["metadata"].setdefault("ownerReferences", []).append(owner_reference(deployment))
                self.ctx.api.touch(rs)
                owned.append(rs)
        owned.sort(key=lambda rs: (rs["metadata"]["creationTimestamp"], rs["metadata"]["name"]))
        return owned

    # strategies ------------------------------------------------------------

    def _rollout_rolling(self, deployment: dict, replica_sets: list[dict]) -> None:
        new_rs, old_rss = self._new_and_old(deployment, replica_sets, create=True)
        all_rss = old_rss + [new_rs]
        if self._reconcile_new(deployment, all_rss, new_rs):
            self._sync_status(deployment, all_rss, new_rs)
            return
        if self._reconcile_old(deployment, all_rss, old_rss, new_rs):
            self._sync_status(deployment, all_rss, new_rs)
            return
        self._sync_status(deployment, all_rss, new_rs)
        if du.is_complete(deployment):
            self._cleanup(deployment, old_rss)

    def _rollout_recreate(self, deployment: dict, replica_sets: list[dict]) -> None:
        new_rs, old_rss = self._new_and_old(deployment, replica_sets, create=False)
        all_rss = old_rss + ([new_rs] if new_rs else [])
        scaled = False
        for rs in old_rss:
            if rs["spec"].get("replicas", 0) > 0:
                self._scale(rs, 0, deployment)
                scaled = True
        if scaled or self._old_pods_running(old_rss):
            self._sync_status(deployment, all_rss, new_rs)
            return
        if new_rs is None:
            new_rs, old_rss = self._new_and_old(deployment, replica_sets, create=True)
            all_rss = old_rss + [new_rs]
        if new_rs["spec"].get("replicas", 0) != deployment["spec"].get("replicas", 1):
            self._scale(new_rs, deployment["spec"].get("replicas", 1), deployment)
        self._sync_status(deployment, all_rss, new_rs)
        if du.is_complete(deployment):
            self._cleanup(deployment, old_rss)

    def _sync_paused(self, deployment: dict, replica_sets: list[dict]) -> None:
        """sync(): status only; a paused rollout neither progresses nor times out."""
        new_rs, old_rss = self._new_and_old(deployment, replica_sets, create=False)
        all_rss = old_rss + ([new_rs] if new_rs else [])
        self._sync_status(deployment, all_rss, new_rs, progress=False)

    def _check_paused_conditions(self, deployment: dict) -> None:
        """checkPausedConditions: Progressing is Unknown while paused, and says so on resume."""
        if deployment["spec"].get("progressDeadlineSeconds") is None:
            return
        current = _condition(deployment, "Progressing")
        if current is not None and current.get("reason") == "ProgressDeadlineExceeded":
            return
        paused_condition = current is not None and current.get("reason") == "DeploymentPaused"
        if deployment["spec"].get("paused") and not paused_condition:
            self._set_progressing(deployment, "Unknown", "DeploymentPaused", "Deployment is paused")
        elif not deployment["spec"].get("paused") and paused_condition:
            self._set_progressing(
                deployment, "Unknown", "DeploymentResumed", "Deployment is resumed"
            )
        else:
            return
        self.ctx.api.touch(deployment)

    # new and old ReplicaSets ---------------------------------------------------

    def _new_and_old(self, deployment: dict, replica_sets: list[dict], create: bool):
        template = deployment["spec"]["template"]
        new_rs = next(
            (
                rs
                for rs in replica_sets
                if du.templates_equal_ignoring_hash(rs["spec"]["template"], template)
            ),
            None,
        )
        old_rss = [rs for rs in replica_sets if rs is not new_rs]
        max_old_revision = max((du.revision(rs) for rs in old_rss), default=0)
        new_revision = str(max_old_revision + 1)
        if new_rs is not None:
            self._stamp_annotations(deployment, new_rs, new_revision)
        elif create:
            new_rs = self._create_new_rs(deployment, replica_sets, new_revision)
        self._set_deployment_revision(deployment, new_rs)
        return new_rs, old_rss

    def _create_new_rs(self, deployment: dict, all_rss: list[dict], new_revision: str) -> dict:
        template = copy.deepcopy(deployment["spec"]["template"])
        status = deployment.setdefault("status", {})
        collisions = status.get("collisionCount", 0)
        while True:
            hash_value = du.template_hash(template, collisions)
            name = f"{deployment['metadata']['name']}-{hash_value}"
            existing = self.ctx.store.get("ReplicaSet", deployment["metadata"]["namespace"], name)
            if existing is None:
                break
            collisions += 1
            status["collisionCount"] = collisions
        template.setdefault("metadata", {}).setdefault("labels", {})[du.HASH_LABEL] = hash_value
        selector = copy.deepcopy(deployment["spec"]["selector"])
        selector.setdefault("matchLabels", {})[du.HASH_LABEL] = hash_value
        surge, _ = du.resolve_fenceposts(deployment)
        replicas = deployment["spec"].get("replicas", 1)
        annotations = dict(_copyable_annotations(deployment))
        annotations.update(
            {
                du.REVISION: new_revision,
                du.DESIRED_REPLICAS: str(replicas),
                du.MAX_REPLICAS: str(replicas + surge),
            }
        )
        initial = 0
        if deployment["spec"]["strategy"]["type"] == "RollingUpdate":
            initial = self._new_rs_replicas(deployment, all_rss, None)
        rs = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": deployment["metadata"]["namespace"],
                "labels": dict(template["metadata"]["labels"]),
                "annotations": annotations,
                "ownerReferences": [owner_reference(deployment)],
            },
            "spec": {
                "replicas": initial,
                "minReadySeconds": deployment["spec"].get("minReadySeconds", 0),
                "selector": selector,
                "template": template,
            },
        }
        if not rs["spec"]["minReadySeconds"]:
            del rs["spec"]["minReadySeconds"]
        created = self.ctx.api.create(rs)
        if initial > 0:
            self._scale_event(deployment, created, 0, initial)
        self._set_progressing(
            deployment, "True", "NewReplicaSetCreated", f'Created new replica set "{name}"'
        )
        return created

    def _stamp_annotations(self, deployment: dict, rs: dict, new_revision: str) -> None:
        """SetNewReplicaSetAnnotations: a template seen before (a rollback) becomes the newest."""
        annotations = rs["metadata"].setdefault("annotations", {})
        changed = False
        if du.revision(rs) < int(new_revision):
            annotations[du.REVISION] = new_revision
            changed = True
        for key, value in _copyable_annotations(deployment):
            if annotations.get(key) != value:
                annotations[key] = value
                changed = True
        if changed:
            self.ctx.api.touch(rs)

    def _set_deployment_revision(self, deployment: dict, new_rs: dict | None) -> None:
        if new_rs is None:
            return
        annotations = deployment["metadata"].setdefault("annotations", {})
        wanted = new_rs["metadata"]["annotations"].get(du.REVISION)
        if wanted and annotations.get(du.REVISION) != wanted:
            annotations[du.REVISION] = wanted
            self.ctx.api.touch(deployment)

    # rolling update arithmetic -----------------------------------------------

    def _new_rs_replicas(self, deployment: dict, all_rss: list[dict], new_rs: dict | None) -> int:
        """NewRSNewReplicas: scale the new RS up as far as maxSurge allows."""
        replicas = deployment["spec"].get("replicas", 1)
        current_new = new_rs["spec"].get("replicas", 0) if new_rs else 0
        surge, _ = du.resolve_fenceposts(deployment)
        current_total = du.replicas_of(all_rss)
        max_total = replicas + surge
        if current_total >= max_total:
            return current_new
        scale_up = min(max_total - current_total, replicas - current_new)
        return current_new + max(scale_up, 0)

    def _reconcile_new(self, deployment: dict, all_rss: list[dict], new_rs: dict) -> bool:
        replicas = deployment["spec"].get("replicas", 1)
        current = new_rs["spec"].get("replicas", 0)
        if current == replicas:
            return False
        if current > replicas:
            return self._scale(new_rs, replicas, deployment)
        return self._scale(new_rs, self._new_rs_replicas(deployment, all_rss, new_rs), deployment)

    def _reconcile_old(self, deployment: dict, all_rss, old_rss, new_rs) -> bool:
        if du.replicas_of(old_rss) == 0:
            return False
        replicas = deployment["spec"].get("replicas", 1)
        _, max_unavailable = du.resolve_fenceposts(deployment)
        min_available = replicas - max_unavailable
        new_unavailable = new_rs["spec"].get("replicas", 0) - (new_rs.get("status") or {}).get(
            "availableReplicas", 0
        )
        max_scaled_down = du.replicas_of(all_rss) - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        cleaned = self._cleanup_unhealthy(deployment, old_rss, max_scaled_down)
        scaled = self._scale_down_old(deployment, all_rss, old_rss, min_available)
        return cleaned + scaled > 0

    def _cleanup_unhealthy(self, deployment: dict, old_rss: list[dict], max_cleanup: int) -> int:
        total = 0
        for rs in sorted(old_rss, key=_creation):
            if total >= max_cleanup:
                break
            replicas = rs["spec"].get("replicas", 0)
            available = (rs.get("status") or {}).get("availableReplicas", 0)
            if replicas == 0 or replicas == available:
                continue
            count = min(max_cleanup - total, replicas - available)
            self._scale(rs, replicas - count, deployment)
            total += count
        return total

    def _scale_down_old(self, deployment: dict, all_rss, old_rss, min_available: int) -> int:
        available = du.available_of(all_rss)
        if available <= min_available:
            return 0
        target = available - min_available
        total = 0
        for rs in sorted(old_rss, key=_creation):
            if total >= target:
                break
            replicas = rs["spec"].get("replicas", 0)
            if replicas == 0:
                continue
            count = min(replicas, target - total)
            self._scale(rs, replicas - count, deployment)
            total += count
        return total

    def _scale(self, rs: dict, replicas: int, deployment: dict) -> bool:
        old = rs["spec"].get("replicas", 0)
        surge, _ = du.resolve_fenceposts(deployment)
        desired = deployment["spec"].get("replicas", 1)
        annotations = rs["metadata"].setdefault("annotations", {})
        annotations_changed = annotations.get(du.DESIRED_REPLICAS) != str(desired)
        annotations[du.DESIRED_REPLICAS] = str(desired)
        annotations[du.MAX_REPLICAS] = str(desired + surge)
        if old == replicas and not annotations_changed:
            return False
        rs["spec"]["replicas"] = replicas
        rs["metadata"]["generation"] = rs["metadata"].get("generation", 1) + (old != replicas)
        self.ctx.api.touch(rs)
        if old != replicas:
            self._scale_event(deployment, rs, old, replicas)
        return old != replicas

    def _scale_event(self, deployment: dict, rs: dict, old: int, new: int) -> None:
        direction = "up" if new > old else "down"
        self.ctx.events.record(
            deployment,
            NORMAL,
            "ScalingReplicaSet",
            f"Scaled {direction} replica set {rs['metadata']['name']} from {old} to {new}",
            component=self.name,
        )

    def _old_pods_running(self, old_rss: list[dict]) -> bool:
        for rs in old_rss:
            for kind, namespace, name in self.ctx.store.dependents_of(rs["metadata"]["uid"]):
                pod = self.ctx.store.get(kind, namespace, name) if kind == "Pod" else None
                if pod and pod["status"].get("phase") not in podutil.TERMINAL_PHASES:
                    return True
        return False

    def _cleanup(self, deployment: dict, old_rss: list[dict]) -> None:
        limit = deployment["spec"].get("revisionHistoryLimit", 10)
        removable = [
            rs
            for rs in sorted(old_rss, key=lambda r: (du.revision(r), _creation(r)))
            if rs["spec"].get("replicas", 0) == 0
            and (rs.get("status") or {}).get("replicas", 0) == 0
            and not rs["metadata"].get("deletionTimestamp")
        ]
        for rs in removable[: max(len(removable) - limit, 0)]:
            self.ctx.api.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])

    # status ------------------------------------------------------------------

    def _sync_status(
        self, deployment: dict, all_rss: list[dict], new_rs: dict | None, progress: bool = True
    ) -> None:
        all_rss = [rs for rs in all_rss if rs is not None]
        replicas = deployment["spec"].get("replicas", 1)
        _, max_unavailable = du.resolve_fenceposts(deployment)
        available = du.available_of(all_rss)
        total = sum((rs.get("status") or {}).get("replicas", 0) for rs in all_rss)
        status = deployment.setdefault("status", {})
        old_snapshot = copy.deepcopy(status)
        new_status = {
            "observedGeneration": deployment["metadata"].get("generation", 1),
            "replicas": total,
            "updatedReplicas": (new_rs.get("status") or {}).get("replicas", 0) if new_rs else 0,
            "readyReplicas": sum(
                (rs.get("status") or {}).get("readyReplicas", 0) for rs in all_rss
            ),
            "availableReplicas": available,
            "unavailableReplicas": max(total - available, replicas - available, 0),
        }
        for field, value in new_status.items():
            if value or field == "observedGeneration":
                status[field] = value
            else:
                status.pop(field, None)
        if available >= replicas - max_unavailable:
            self._set_condition(
                deployment,
                "Available",
                "True",
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        else:
            self._set_condition(
                deployment,
                "Available",
                "False",
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        if new_rs is not None and progress:
            self._sync_progress(deployment, old_snapshot, new_rs)
            self._sync_replica_failure(deployment, all_rss, new_rs)
        if status != old_snapshot:
            self.ctx.api.touch(deployment)

    def _sync_progress(self, deployment: dict, old_status: dict, new_rs: dict) -> None:
        """syncRolloutStatus (pkg/controller/deployment/progress.go): once the Progressing
        condition says NewReplicaSetAvailable and every replica is updated, a resync (a
        scale, a pod replaced) estimates no progress; otherwise complete, progressing or
        timed out, in that order."""
        rs_name = new_rs["metadata"]["name"]
        status = deployment["status"]
        current = _condition(deployment, "Progressing")
        if (
            status.get("replicas", 0) == status.get("updatedReplicas", 0)
            and current is not None
            and current.get("reason") == "NewReplicaSetAvailable"
        ):
            return
        if du.is_complete(deployment):
            self._set_progressing(
                deployment,
                "True",
                "NewReplicaSetAvailable",
                f'ReplicaSet "{rs_name}" has successfully progressed.',
            )
            return
        if _progressed(old_status, status):
            # Progressing is replaced even when its reason stays ReplicaSetUpdated, so that
            # lastUpdateTime records the latest progress (the deadline counts from it).
            self._replace_condition(
                deployment,
                "Progressing",
                "True",
                "ReplicaSetUpdated",
                f'ReplicaSet "{rs_name}" is progressing.',
                keep_transition=current is not None and current["status"] == "True",
            )
            current = _condition(deployment, "Progressing")
        deadline_s = deployment["spec"].get("progressDeadlineSeconds")
        if (
            deadline_s is None
            or current is None
            or current.get("reason") == "ProgressDeadlineExceeded"
        ):
            return
        due = parse_rfc3339(current["lastUpdateTime"]) + deadline_s * 1000
        if self.ctx.now_ms >= due:
            self._set_progressing(
                deployment,
                "False",
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{rs_name}" has timed out progressing.',
            )
            self.ctx.api.touch(deployment)
        else:
            key = (deployment["metadata"]["namespace"], deployment["metadata"]["name"])
            self.ctx.timeline.call_at(due, self.enqueue, key)

    def _sync_replica_failure(self, deployment: dict, all_rss: list[dict], new_rs: dict) -> None:
        """syncRolloutStatus moves a ReplicaSet's ReplicaFailure condition (pods it could not
        create: a quota, a LimitRange) onto the Deployment, the new ReplicaSet's first
        (getReplicaFailures, ReplicaSetToDeploymentCondition), and drops it once none has one."""
        failure = None
        for rs in [new_rs, *(rs for rs in all_rss if rs is not new_rs)]:
            failure = next(
                (
                    c
                    for c in (rs.get("status") or {}).get("conditions") or ()
                    if c.get("type") == "ReplicaFailure"
                ),
                None,
            )
            if failure is not None:
                break
        conditions = deployment["status"].setdefault("conditions", [])
        current = _condition(deployment, "ReplicaFailure")
        if failure is None:
            conditions[:] = [c for c in conditions if c["type"] != "ReplicaFailure"]
            return
        if current is not None and (current["status"], current["reason"]) == (
            failure["status"],
            failure.get("reason"),
        ):
            return
        conditions[:] = [c for c in conditions if c["type"] != "ReplicaFailure"]
        conditions.append(
            {
                "lastTransitionTime": failure.get("lastTransitionTime"),
                "lastUpdateTime": failure.get("lastTransitionTime"),
                "message": failure.get("message", ""),
                "reason": failure.get("reason", ""),
                "status": failure["status"],
                "type": "ReplicaFailure",
            }
        )

    def _set_progressing(self, deployment: dict, status: str, reason: str, message: str) -> None:
        self._set_condition(deployment, "Progressing", status, reason, message)

    def _set_condition(self, deployment, kind, status, reason, message) -> None:
        """SetDeploymentCondition (pkg/controller/deployment/util/deployment_util.go).

        Nothing changes while status and reason stay the same (not even the message).
        Otherwise the old condition is filtered out and the new one appended, keeping
        lastTransitionTime when only the reason changed. Conditions so end up in the order
        they last changed: a finished rollout describes as Available, then Progressing, as
        on kubernetes.io's Deployments page (concepts/workloads/controllers/deployment).
        """
        current = _condition(deployment, kind)
        if current is not None and current["status"] == status and current["reason"] == reason:
            return
        keep = current is not None and current["status"] == status
        self._replace_condition(deployment, kind, status, reason, message, keep_transition=keep)

    def _replace_condition(
        self, deployment, kind, status, reason, message, *, keep_transition: bool
    ) -> None:
        """filterOutCondition + append: the condition moves to the end of the list."""
        now = rfc3339(self.ctx.now_ms)
        current = _condition(deployment, kind)
        transition = current["lastTransitionTime"] if current and keep_transition else now
        conditions = deployment.setdefault("status", {}).setdefault("conditions", [])
        conditions[:] = [c for c in conditions if c["type"] != kind]
        conditions.append(
            {
                "lastTransitionTime": transition,
                "lastUpdateTime": now,
                "message": message,
                "reason": reason,
                "status": status,
                "type": kind,
            }
        )


def _progressed(old: dict, new: dict) -> bool:
    """DeploymentProgressing (deployment_util.go): more updated, ready or available replicas,
    or fewer old ones (replicas not yet updated) than the status the sync started from."""
    old_old = old.get("replicas", 0) - old.get("updatedReplicas", 0)
    new_old = new.get("replicas", 0) - new.get("updatedReplicas", 0)
    return (
        new.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or new_old < old_old
        or new.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or new.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def _condition(obj: dict, kind: str) -> dict | None:
    for item in (obj.get("status") or {}).get("conditions") or ():
        if item["type"] == kind:
            return item
    return None


def _creation(rs: dict):
    return rs["metadata"]["creationTimestamp"], rs["metadata"]["name"]


def _copyable_annotations(deployment: dict):
    """Deployment annotations copied onto its ReplicaSets (skipping kubectl's bookkeeping)."""
    skip = ("kubectl.kubernetes.io/last-applied-configuration", du.REVISION)
    for key, value in sorted((deployment["metadata"].get("annotations") or {}).items()):
        if key not in skip:
            yield key, value
