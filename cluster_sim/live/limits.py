"""Limits of a playground cluster: memory per sandbox stays bounded.

An admission plugin, as a real API server's: a create past the limit is refused with a
Forbidden error, so `kubectl scale --replicas=100000` succeeds and its ReplicaSet reports
FailedCreate events, as under a ResourceQuota. The message says the limit is the site's,
not Kubernetes'. Installed on every live cluster after its preset (live and replay alike,
so replays stay identical).
"""

from cluster_sim.engine import errors

MAX_PODS = 3_000
MAX_NODES = 500


class PlaygroundLimits:
    def __init__(self, store):
        self.store = store

    def __call__(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        if old is not None:
            return
        kind = obj.get("kind")
        limit = {"Pod": MAX_PODS, "Node": MAX_NODES}.get(kind)
        if limit is None or self.store.count(kind) < limit:
            return
        resource = kind.lower() + "s"
        name = obj.get("metadata", {}).get("name") or obj.get("metadata", {}).get(
            "generateName", ""
        )
        raise errors.forbidden(
            f'{resource} "{name}" is forbidden: this ClusterLab playground holds at most '
            f"{limit:,} {resource} (a limit of the site, not of Kubernetes)"
        )


def install_limits(cluster) -> None:
    cluster.api.validating_admission.append(PlaygroundLimits(cluster.store))
