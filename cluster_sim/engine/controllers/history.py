"""ControllerRevisions: the template history DaemonSets and StatefulSets keep
(pkg/controller/history/controller_history.go, and each controller's getPatch).

A revision stores the patch that restores its owner's pod template
(`{"spec": {"template": {..., "$patch": "replace"}}}`), a revision number, and
labels naming its hash. Rollbacks re-apply that patch; `kubectl rollout history`
lists the revisions by number.
"""

import copy

from ..names import pod_template_hash
from .base import controller_ref, owner_reference

HASH_LABEL = "controller-revision-hash"  # apps.ControllerRevisionHashLabelKey
MAX_PREFIX = 223  # ControllerRevisionName keeps the name a valid DNS subdomain


def template_patch(owner: dict) -> dict:
    """getPatch: the owner's spec.template, marked to replace the whole template."""
    template = copy.deepcopy(owner["spec"]["template"])
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def revision_template(revision: dict) -> dict:
    """The pod template a revision restores (its patch without the directive)."""
    template = copy.deepcopy(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def revision_name(owner_name: str, hash_value: str) -> str:
    return f"{owner_name[:MAX_PREFIX]}-{hash_value}"


def new_revision(owner: dict, labels: dict, data: dict, number: int, hash_value: str) -> dict:
    """NewControllerRevision: named `<owner>-<hash>`, owned by its controller, the owner's
    annotations copied (kubectl's change-cause among them)."""
    meta = {
        "name": revision_name(owner["metadata"]["name"], hash_value),
        "namespace": owner["metadata"]["namespace"],
        "labels": {**labels, HASH_LABEL: hash_value},
        "ownerReferences": [owner_reference(owner)],
    }
    annotations = {
        key: value
        for key, value in (owner["metadata"].get("annotations") or {}).items()
        if key != "kubectl.kubernetes.io/last-applied-configuration"
    }
    if annotations:
        meta["annotations"] = annotations
    return {
        "apiVersion": "apps/v1",
        "kind": "ControllerRevision",
        "metadata": meta,
        "data": data,
        "revision": number,
    }


def data_hash(data: dict, collision_count: int = 0) -> str:
    """HashControllerRevision: FNV-32a of the revision's data (and the collision count)."""
    return pod_template_hash(data, collision_count)


def owned_revisions(store, owner: dict) -> list[dict]:
    """The owner's ControllerRevisions, oldest revision first (SortControllerRevisions)."""
    uid = owner["metadata"]["uid"]
    found = []
    for kind, namespace, name in store.dependents_of(uid):
        if kind != "ControllerRevision":
            continue
        revision = store.get(kind, namespace, name)
        ref = controller_ref(revision) if revision is not None else None
        if ref is not None and ref["uid"] == uid:
            found.append(revision)
    return sorted(
        found,
        key=lambda r: (
            r.get("revision", 0),
            r["metadata"]["creationTimestamp"],
            r["metadata"]["name"],
        ),
    )


def next_revision_number(revisions: list[dict]) -> int:
    return max((r.get("revision", 0) for r in revisions), default=0) + 1


def set_revision_number(api, revision: dict, number: int) -> None:
    """UpdateControllerRevision: a template seen again (a rollback) becomes the newest."""
    if revision.get("revision") != number:
        revision["revision"] = number
        api.touch(revision)


def truncate(api, revisions: list[dict], live: set[str], limit: int) -> None:
    """Delete the oldest revisions no pod uses beyond revisionHistoryLimit."""
    history = [r for r in revisions if r["metadata"]["name"] not in live]
    for revision in history[: max(len(history) - limit, 0)]:
        api.delete(
            "ControllerRevision", revision["metadata"]["namespace"], revision["metadata"]["name"]
        )
