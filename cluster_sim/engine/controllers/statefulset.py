"""The StatefulSet controller (pkg/controller/statefulset): pods with a stable identity.

Pods are named `<set>-<ordinal>`, get hostname `<set>-<ordinal>` and subdomain = the
governing serviceName, and one PersistentVolumeClaim per volumeClaimTemplate
(`<template>-<set>-<ordinal>`, created before the pod and kept after it). With the
default OrderedReady policy a pod is created only once every lower ordinal is Running
and Ready (and available for minReadySeconds), and scale-down deletes the highest
ordinal first, one at a time; Parallel creates and deletes them all at once. A rolling
update replaces pods from the highest ordinal down to the partition. The sync follows
stateful_set_control.go (updateStatefulSet, processReplica, processCondemned).
"""

import re

from .. import errors, podutil
from ..events import NORMAL, WARNING
from ..jsoncopy import clone
from ..manifests.storage import claim_problems, status_text
from ..timefmt import parse_rfc3339
from . import history
from .base import Controller, controller_ref, owner_reference

POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"  # apps.StatefulSetPodNameLabel
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"  # apps.PodIndexLabel (PodIndexLabel, GA)
REVISION_LABEL = history.HASH_LABEL  # apps.StatefulSetRevisionLabel
_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")  # statefulPodRegex


class StatefulSetController(Controller):
    name = "statefulset-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("StatefulSet", self._on_set)
        ctx.store.watch("Pod", self._on_pod)

    def _on_set(self, event_type: str, sts: dict) -> None:
        self.enqueue((sts["metadata"]["namespace"], sts["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        ref = controller_ref(pod)
        if ref is not None and ref.get("kind") == "StatefulSet":
            self.enqueue((pod["metadata"]["namespace"], ref["name"]))

    # sync ------------------------------------------------------------------------

    def reconcile(self, key) -> None:
        namespace, name = key
        sts = self.ctx.store.get("StatefulSet", namespace, name)
        if sts is None:
            return
        revisions = history.owned_revisions(self.ctx.store, sts)
        current, update, collisions = self._revisions(sts, revisions)
        status = self._update_set(sts, current, update, collisions)
        self._store_status(sts, status)
        live = {current["metadata"]["name"], update["metadata"]["name"]}
        live |= {_revision_of(p) for p in self._pods(sts)}
        history.truncate(
            self.ctx.api,
            history.owned_revisions(self.ctx.store, sts),
            live,
            sts["spec"].get("revisionHistoryLimit", 10),
        )
        min_ready = sts["spec"].get("minReadySeconds", 0)
        if min_ready and status["availableReplicas"] != sts["spec"].get("replicas", 1):
            self.ctx.timeline.call_later(min_ready * 1000, self.enqueue, key)

    def _pods(self, sts: dict) -> list[dict]:
        """The set's pods: controlled by it and named as its members (isMemberOf)."""
        uid, namespace = sts["metadata"]["uid"], sts["metadata"]["namespace"]
        pods = []
        for kind, _, pod_name in self.ctx.store.dependents_of(uid):
            pod = self.ctx.store.get(kind, namespace, pod_name) if kind == "Pod" else None
            ref = controller_ref(pod) if pod is not None else None
            if ref is not None and ref["uid"] == uid and _parent(pod) == sts["metadata"]["name"]:
                pods.append(pod)
        return sorted(pods, key=_ordinal)

    # revisions ---------------------------------------------------------------------

    def _revisions(self, sts: dict, revisions: list[dict]) -> tuple[dict, dict, int]:
        """getStatefulSetRevisions: the update revision is the current template's (an
        equal older one is renumbered, a rollback); the current one is status.currentRevision."""
        collisions = (sts.get("status") or {}).get("collisionCount", 0)
        patch = history.template_patch(sts)
        number = history.next_revision_number(revisions)
        equal = [r for r in revisions if r.get("data") == patch]
        if equal and revisions[-1] is equal[-1]:
            update = revisions[-1]
        elif equal:
            update = equal[-1]
            history.set_revision_number(self.ctx.api, update, number)
        else:
            update, collisions = self._create_revision(sts, patch, number, collisions)
        current_name = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == current_name), update)
        return current, update, collisions

    def _create_revision(self, sts, patch: dict, number: int, collisions: int) -> tuple[dict, int]:
        """CreateControllerRevision: on a name taken by another template, bump the
        collision count and hash again."""
        labels = dict((sts["spec"]["template"].get("metadata") or {}).get("labels") or {})
        while True:
            hash_value = history.data_hash(patch, collisions)
            revision = history.new_revision(sts, labels, patch, number, hash_value)
            existing = self.ctx.store.get(
                "ControllerRevision", sts["metadata"]["namespace"], revision["metadata"]["name"]
            )
            if existing is None:
                return self.ctx.api.create(revision), collisions
            if existing.get("data") == patch:
                return existing, collisions
            collisions += 1

    # the update ------------------------------------------------------------------------

    def _update_set(self, sts, current, update, collisions) -> dict:
        """updateStatefulSet, then the status of what it leaves behind."""
        status = {
            "observedGeneration": sts["metadata"].get("generation", 1),
            "currentRevision": current["metadata"]["name"],
            "updateRevision": update["metadata"]["name"],
            "collisionCount": collisions,
        }
        if not sts["metadata"].get("deletionTimestamp"):
            self._converge(sts, current, update, self._pods(sts))
        min_ready = sts["spec"].get("minReadySeconds", 0)
        _count(status, self._pods(sts), min_ready, current, update, self.ctx.now_ms)
        return status

    def _converge(self, sts, current, update, pods) -> None:
        """Fill every ordinal in [0, replicas), delete the condemned beyond it, then roll
        pods not at the update revision, highest ordinal first, down to the partition."""
        spec = sts["spec"]
        wanted = spec.get("replicas", 1)
        min_ready = spec.get("minReadySeconds", 0)
        replicas: list[dict | None] = [None] * wanted
        condemned = []
        for pod in pods:
            ordinal = _ordinal(pod)
            if 0 <= ordinal < wanted:
                replicas[ordinal] = pod
            elif ordinal >= 0:
                condemned.append(pod)
        condemned.sort(key=_ordinal, reverse=True)
        for ordinal in range(wanted):
            if replicas[ordinal] is None:
                replicas[ordinal] = self._new_pod(sts, current, update, ordinal)
        monotonic = spec.get("podManagementPolicy", "OrderedReady") != "Parallel"
        first_unhealthy = next((p for p in replicas + condemned[::-1] if not _healthy(p)), None)
        for ordinal in range(wanted):
            if self._process_replica(sts, replicas, ordinal, monotonic, min_ready) and monotonic:
                return
        for pod in condemned:
            stop = self._process_condemned(sts, pod, first_unhealthy, monotonic, min_ready)
            if stop and monotonic:
                return
        strategy = spec.get("updateStrategy") or {}
        if strategy.get("type") == "OnDelete":
            return  # pods are replaced when someone deletes them
        partition = (strategy.get("rollingUpdate") or {}).get("partition", 0)
        for ordinal in range(wanted - 1, partition - 1, -1):
            pod = replicas[ordinal]
            if _revision_of(pod) != update["metadata"]["name"] and not _terminating(pod):
                self._delete_pod(sts, pod)
                return
            if not _available(pod, min_ready, self.ctx.now_ms):
                return  # wait for the updated pod before the next one

    def _process_replica(self, sts, replicas, ordinal, monotonic, min_ready) -> bool:
        """processReplica: True when this replica blocks further progress."""
        pod = replicas[ordinal]
        phase = (pod.get("status") or {}).get("phase")
        if phase in ("Failed", "Succeeded"):
            # a pod that finished (evicted, or stopped by a node reboot) is replaced
            if not _terminating(pod):
                self._delete_pod(sts, pod)
            return True
        if not phase:  # not created yet
            self._create_pod(sts, pod)
            return monotonic
        if phase == "Pending":
            self._create_claims(sts, pod, record_only_new=True)
        if _terminating(pod) and monotonic:
            return True
        if not _running_and_ready(pod) and monotonic:
            return True
        return not _available(pod, min_ready, self.ctx.now_ms) and monotonic

    def _process_condemned(self, sts, pod, first_unhealthy, monotonic, min_ready) -> bool:
        """processCondemned: scale-down, highest ordinal first; in OrderedReady mode only a
        Running and Ready pod (or the first unhealthy one) is deleted, and one at a time."""
        if _terminating(pod):
            return monotonic
        if (
            monotonic
            and pod is not first_unhealthy
            and (not _running_and_ready(pod) or not _available(pod, min_ready, self.ctx.now_ms))
        ):
            return True
        self._delete_pod(sts, pod)
        return True

    # pods and claims --------------------------------------------------------------------

    def _new_pod(self, sts: dict, current: dict, update: dict, ordinal: int) -> dict:
        """newVersionedStatefulSetPod: ordinals below the partition keep the current
        revision; the others get the update revision."""
        strategy = sts["spec"].get("updateStrategy") or {}
        rolling = strategy.get("rollingUpdate")
        use_current = strategy.get("type") == "RollingUpdate" and (
            (rolling is None and ordinal < (sts.get("status") or {}).get("currentReplicas", 0))
            or (rolling is not None and ordinal < rolling.get("partition", 0))
        )
        revision = current if use_current else update
        template = history.revision_template(revision)
        name = f"{sts['metadata']['name']}-{ordinal}"
        meta = clone(template.get("metadata") or {})
        meta.pop("name", None)
        meta["name"] = name
        meta["namespace"] = sts["metadata"]["namespace"]
        meta["ownerReferences"] = [owner_reference(sts)]
        labels = meta.setdefault("labels", {})
        labels[POD_NAME_LABEL] = name
        labels[POD_INDEX_LABEL] = str(ordinal)
        labels[REVISION_LABEL] = revision["metadata"]["name"]
        spec = clone(template.get("spec") or {})
        spec["hostname"] = name
        if sts["spec"].get("serviceName"):
            spec["subdomain"] = sts["spec"]["serviceName"]
        spec["volumes"] = [
            {
                "name": _template_name(claim_template),
                "persistentVolumeClaim": {"claimName": claim},
            }
            for claim_template, claim in _claims_of(sts, ordinal)
        ] + [
            volume
            for volume in spec.get("volumes") or ()
            if volume.get("name") not in _template_names(sts)
        ]
        if not spec["volumes"]:
            del spec["volumes"]
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}

    def _create_pod(self, sts: dict, pod: dict) -> None:
        """CreateStatefulPod: the claims first, then the pod."""
        if not self._create_claims(sts, pod, record_only_new=False):
            return
        try:
            self.ctx.api.create(clone(pod))
        except errors.ApiError as error:
            self._record(sts, pod, "create", error)
            return
        self._record(sts, pod, "create", None)

    def _create_claims(self, sts: dict, pod: dict, record_only_new: bool) -> bool:
        """createPersistentVolumeClaims: each missing claim is created from its template,
        labelled with the set's matchLabels. False if a claim cannot be used yet."""
        namespace = sts["metadata"]["namespace"]
        ok = True
        for template, claim_name in _claims_of(sts, _ordinal(pod)):
            existing = self.ctx.store.get("PersistentVolumeClaim", namespace, claim_name)
            if existing is not None:
                if existing["metadata"].get("deletionTimestamp"):
                    ok = False
                continue
            claim = _claim_from_template(sts, template, claim_name)
            try:
                problems = claim_problems(claim)  # the template is the learner's
                if problems:
                    raise errors.invalid(status_text("PersistentVolumeClaim", claim_name, problems))
                self.ctx.api.create(claim)
            except errors.ApiError as error:
                self._record_claim(sts, pod, claim_name, error)
                ok = False
                continue
            self._record_claim(sts, pod, claim_name, None)
        return ok or record_only_new

    def _delete_pod(self, sts: dict, pod: dict) -> None:
        try:
            self.ctx.api.delete("Pod", *podutil.key(pod))
        except errors.ApiError as error:
            if error.reason != "NotFound":
                self._record(sts, pod, "delete", error)
            return
        self._record(sts, pod, "delete", None)

    def _record(self, sts: dict, pod: dict, verb: str, error) -> None:
        """recordPodEvent (stateful_pod_control.go)."""
        name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        reason = ("Successful" if error is None else "Failed") + verb.capitalize()
        if error is None:
            message = f"{verb} Pod {name} in StatefulSet {set_name} successful"
            self.ctx.events.record(sts, NORMAL, reason, message, component=self.name)
        else:
            message = f"{verb} Pod {name} in StatefulSet {set_name} failed error: {error.message}"
            self.ctx.events.record(sts, WARNING, reason, message, component=self.name)

    def _record_claim(self, sts: dict, pod: dict, claim: str, error) -> None:
        """recordClaimEvent."""
        pod_name, set_name = pod["metadata"]["name"], sts["metadata"]["name"]
        if error is None:
            message = f"create Claim {claim} Pod {pod_name} in StatefulSet {set_name} success"
            self.ctx.events.record(sts, NORMAL, "SuccessfulCreate", message, component=self.name)
        else:
            message = (
                f"create Claim {claim} for Pod {pod_name} in StatefulSet {set_name} "
                f"failed error: {error.message}"
            )
            self.ctx.events.record(sts, WARNING, "FailedCreate", message, component=self.name)

    # status -------------------------------------------------------------------------------

    def _store_status(self, sts: dict, status: dict) -> None:
        """updateStatefulSetStatus: a finished rolling update makes the update revision
        current (completeRollingUpdate); written only when something changed."""
        strategy = sts["spec"].get("updateStrategy") or {}
        if (
            strategy.get("type") == "RollingUpdate"
            and status["updatedReplicas"] == status["replicas"]
            and status["readyReplicas"] == status["replicas"]
        ):
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        # readyReplicas, currentReplicas, updatedReplicas and availableReplicas are
        # omitempty; replicas, collisionCount and the revisions are always written
        new = {
            k: v
            for k, v in status.items()
            if v or k in ("replicas", "collisionCount", "observedGeneration")
        }
        if sts.get("status") != new:
            sts["status"] = new
            self.ctx.api.touch(sts)


def _count(status, pods: list[dict], min_ready: int, current, update, now_ms: int) -> None:
    """updateStatus / computeReplicaStatus."""
    counts = dict.fromkeys(
        ("replicas", "readyReplicas", "availableReplicas", "currentReplicas", "updatedReplicas"),
        0,
    )
    for pod in pods:
        if not (pod.get("status") or {}).get("phase"):
            continue
        counts["replicas"] += 1
        if _running_and_ready(pod):
            counts["readyReplicas"] += 1
            if _available(pod, min_ready, now_ms):
                counts["availableReplicas"] += 1
        if not _terminating(pod):
            revision = _revision_of(pod)
            counts["currentReplicas"] += revision == current["metadata"]["name"]
            counts["updatedReplicas"] += revision == update["metadata"]["name"]
    status.update(counts)


def _claims_of(sts: dict, ordinal: int) -> list[tuple[dict, str]]:
    """getPersistentVolumeClaims: (template, claim name `<template>-<set>-<ordinal>`)."""
    name = sts["metadata"]["name"]
    return [
        (template, f"{_template_name(template)}-{name}-{ordinal}")
        for template in sts["spec"].get("volumeClaimTemplates") or ()
    ]


def _template_name(template: dict) -> str:
    """A template without a name is not refused (upstream validates no claim template):
    its claims, `-<set>-<ordinal>`, are then refused by the API server."""
    return (template.get("metadata") or {}).get("name") or ""


def _template_names(sts: dict) -> set[str]:
    return {_template_name(t) for t in sts["spec"].get("volumeClaimTemplates") or ()}


def _claim_from_template(sts: dict, template: dict, claim_name: str) -> dict:
    claim = clone(template)
    meta = claim.setdefault("metadata", {})
    meta["name"] = claim_name
    meta["namespace"] = sts["metadata"]["namespace"]
    match_labels = (sts["spec"].get("selector") or {}).get("matchLabels") or {}
    meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
    if not meta["labels"]:
        del meta["labels"]
    claim.pop("status", None)
    claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
    return claim


def _parent(pod: dict) -> str | None:
    match = _ORDINAL.match(pod["metadata"]["name"])
    return match.group(1) if match else None


def _ordinal(pod: dict) -> int:
    match = _ORDINAL.match(pod["metadata"]["name"])
    return int(match.group(2)) if match else -1


def _revision_of(pod: dict) -> str | None:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL)


def _terminating(pod: dict) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def _running_and_ready(pod: dict) -> bool:
    return (pod.get("status") or {}).get("phase") == "Running" and podutil.is_ready(pod)


def _healthy(pod: dict) -> bool:
    return _running_and_ready(pod) and not _terminating(pod)


def _available(pod: dict, min_ready: int, now_ms: int) -> bool:
    """isRunningAndAvailable."""
    if not _running_and_ready(pod):
        return False
    if not min_ready:
        return True
    ready = podutil.condition(pod, "Ready")
    return now_ms - parse_rfc3339(ready["lastTransitionTime"]) >= min_ready * 1000
