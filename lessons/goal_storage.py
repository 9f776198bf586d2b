"""A goal check for storage: data a Deployment's pod writes survives the pod's replacement.

It does what a careful reviewer would: write a file under the path in a running pod, cordon
that pod's node so the replacement lands elsewhere when it can, delete the pod, and read
the file from the replacement. It also requires the path to be mounted from a
PersistentVolumeClaim: an emptyDir dies with its pod, and a hostPath stays on one node
(kubernetes.io/docs/concepts/storage/volumes/#hostpath warns against relying on it).
"""

import shlex

from cluster_sim.engine.labels import matches_map
from cluster_sim.engine.timefmt import SECOND

from .goal_support import GoalResult, advance_until, condition_of, fresh_copy, run_as_learner

MARKER_FILE = ".clusterlab-check"
MARKER = "written-before-the-pod-was-replaced"


def _ready_pods(cluster, namespace: str, deployment: dict) -> list[dict]:
    selector = deployment["spec"].get("selector", {}).get("matchLabels") or {}
    return [
        pod
        for pod in cluster.store.list("Pod", namespace)
        if matches_map(pod["metadata"].get("labels"), selector)
        and not pod["metadata"].get("deletionTimestamp")
        and pod["status"].get("phase") == "Running"
        and (condition_of(pod, "Ready") or {}).get("status") == "True"
    ]


def _claim_at(pod: dict, path: str) -> tuple[str, str] | None:
    """(claim, container) when a container of the pod has `path` on a PersistentVolumeClaim:
    mounted there or at a directory above it (the deepest such mount decides)."""
    volumes = {v["name"]: v for v in pod["spec"].get("volumes") or ()}
    target = path.rstrip("/") + "/"
    best = None  # (depth, claim or None, container)
    for container in pod["spec"].get("containers") or ():
        for mount in container.get("volumeMounts") or ():
            mounted = mount.get("mountPath", "").rstrip("/") + "/"
            if target.startswith(mounted) and (best is None or len(mounted) > best[0]):
                volume = volumes.get(mount.get("name"), {})
                claim = (volume.get("persistentVolumeClaim") or {}).get("claimName")
                best = (len(mounted), claim, container["name"])
    if best is None or best[1] is None:
        return None
    return best[1], best[2]


def data_survives_pod_replacement(
    cluster_factory,
    deployment: str,
    path: str,
    namespace: str = "default",
    wait_seconds: int = 180,
) -> GoalResult:
    """A file written under `path` in a ready pod of the Deployment is still there, with the
    same contents, in the pod that replaces it; `path` is mounted from a PersistentVolumeClaim.

    Fair: only the named Deployment's pods are looked at, and waiting lets a rollout the
    learner just started finish. Deleting the Deployment, or leaving it without a ready pod,
    does not pass.
    """
    cluster = fresh_copy(cluster_factory)
    wait_ms = wait_seconds * SECOND
    found = cluster.store.get("Deployment", namespace, deployment)
    if found is None:
        return GoalResult(
            False, f'There is no Deployment "{deployment}" in namespace "{namespace}".'
        )

    def ready() -> list[dict]:
        current = cluster.store.get("Deployment", namespace, deployment)
        return _ready_pods(cluster, namespace, current) if current else []

    if not advance_until(cluster, wait_ms, lambda: bool(ready())):
        return GoalResult(False, f'Deployment "{deployment}" has no ready pod to write to.')
    pod = ready()[0]
    name = pod["metadata"]["name"]
    found = _claim_at(pod, path)
    if found is None:
        return GoalResult(
            False,
            f"Nothing in pod {name} mounts a PersistentVolumeClaim at {path}: "
            "files there live and die with the pod (or stay behind on one node).",
        )
    claim, container = found
    target = f"{path.rstrip('/')}/{MARKER_FILE}"
    # -c: with a sidecar, kubectl would print its "Defaulted container" line
    exec_in = f"kubectl exec {{pod}} -n {namespace} -c {container} -- "
    wrote = run_as_learner(
        cluster,
        exec_in.format(pod=name)
        + "sh -c "
        + shlex.quote(f"mkdir -p {path} && echo {MARKER} > {target}"),
    )
    if wrote.strip():
        return GoalResult(False, f"Writing {target} in pod {name} failed: {wrote.strip()}")
    nodes = [n for n in cluster.store.list("Node") if not n["spec"].get("unschedulable")]
    if len(nodes) > 1:  # the replacement should not simply land on the same node
        run_as_learner(cluster, f"kubectl cordon {pod['spec']['nodeName']}")
    run_as_learner(cluster, f"kubectl delete pod {name} -n {namespace} --wait=false")
    old = pod["metadata"]["uid"]

    def replaced() -> list[dict]:
        return [p for p in ready() if p["metadata"]["uid"] != old]

    if not advance_until(cluster, wait_ms, lambda: bool(replaced())):
        return GoalResult(
            False,
            f"After pod {name} was deleted, no new pod of Deployment {deployment} was ready "
            f"within {wait_seconds} s.",
        )
    new = replaced()[0]["metadata"]["name"]
    read = run_as_learner(cluster, exec_in.format(pod=new) + f"cat {target}").strip()
    if read != MARKER:
        return GoalResult(
            False,
            f"A file written to {path} in pod {name} was not there in its replacement {new}.",
            [f"cat {target} in {new}: {read or '(nothing)'}"],
        )
    return GoalResult(
        True,
        f"A file written to {path} in pod {name} was still there in its replacement {new}, "
        f"on PersistentVolumeClaim {claim}.",
    )
