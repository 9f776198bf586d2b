"""kubectl verbs: each takes the cluster and a parsed Invocation and returns what kubectl prints."""

import copy

from .. import errors, podutil
from ..controllers import deployment_util as du
from ..labels import matches_expressions, parse_selector
from ..timefmt import SECOND, parse_duration, rfc3339
from . import describe as describers
from .apply import apply_documents, create_documents, load
from .args import Invocation, UsageError
from .get import run_get
from .resources import display_type, object_ref, qualified_plural, resolve, split_targets
from .top import run_top

WAIT_LIMIT_MS = 15 * 60 * SECOND


def _namespace(inv: Invocation) -> str:
    return inv.flag("namespace") or "default"


def _read_input(inv: Invocation, read_file) -> tuple[str, str]:
    source = inv.flag("filename")
    if source is None:
        raise UsageError("error: must specify one of -f and -k")
    if source == "-":
        return inv.stdin or "", "STDIN"
    if read_file is None:
        raise UsageError(f'error: the path "{source}" does not exist')
    try:
        return read_file(source), source
    except FileNotFoundError as error:
        raise UsageError(f'error: the path "{source}" does not exist') from error


def apply(cluster, inv: Invocation, read_file=None) -> str:
    text, source = _read_input(inv, read_file)
    documents = load(text, source)
    if not documents:
        return "error: no objects passed to apply"
    return "\n".join(apply_documents(cluster, documents, source, inv.flag("namespace")))


def create(cluster, inv: Invocation, read_file=None) -> str:
    if inv.args and inv.args[0] in ("namespace", "ns") and len(inv.args) == 2:
        obj = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": inv.args[1]}}
        created = cluster.api.create(obj)
        return f"{object_ref(created)} created"
    if inv.args and inv.args[0] in ("deployment", "deploy") and len(inv.args) == 2:
        return _create_deployment(cluster, inv)
    text, source = _read_input(inv, read_file)
    return "\n".join(create_documents(cluster, load(text, source), source, inv.flag("namespace")))


def _create_deployment(cluster, inv: Invocation) -> str:
    name, image = inv.args[1], inv.flag("image")
    if not image:
        raise UsageError('error: required flag(s) "image" not set')
    replicas = int(inv.flag("replicas", 1))
    container = image.rsplit("/", 1)[-1].split(":")[0].split("@")[0]
    obj = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}, "namespace": _namespace(inv)},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": container, "image": image}]},
            },
        },
    }
    if inv.flag("port"):
        obj["spec"]["template"]["spec"]["containers"][0]["ports"] = [
            {"containerPort": int(inv.flag("port"))}
        ]
    created = cluster.api.create(obj)
    cluster.settle()
    return f"{object_ref(created)} created"


def delete(cluster, inv: Invocation, read_file=None) -> str:
    namespace = _namespace(inv)
    grace = inv.flag("grace-period")
    grace_seconds = int(grace) if grace is not None else None
    if inv.flag("now"):
        grace_seconds = 1
    if inv.flag("force") and grace_seconds == 0:
        pass
    cascade = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}.get(
        str(inv.flag("cascade", "background")).lower(), "Background"
    )
    targets: list[tuple[str, str, str]] = []  # (kind, namespace, name)
    if inv.flag("filename"):
        text, source = _read_input(inv, read_file)
        for document in load(text, source):
            ns = document["metadata"].get("namespace") or namespace
            targets.append((document["kind"], ns, document["metadata"]["name"]))
    else:
        for info, names in split_targets(inv.args):
            if names:
                targets.extend((info.kind, namespace, name) for name in names)
            elif inv.flag("selector") or inv.flag("all"):
                expressions = parse_selector(inv.flag("selector") or "")
                for obj in cluster.api.list(info.kind, namespace):
                    if matches_expressions(obj["metadata"].get("labels"), expressions):
                        targets.append((info.kind, namespace, obj["metadata"]["name"]))
            else:
                raise UsageError("error: resource(s) were provided, but no name was specified")
    lines = []
    pending = []
    for kind, ns, name in targets:
        try:
            obj = cluster.api.get(kind, ns, name)
            info = resolve(kind.lower())
            deleted = cluster.api.delete(
                kind, ns, name, grace_seconds=grace_seconds, propagation=cascade
            )
            lines.append(f'{display_type(info)} "{name}" deleted')
            pending.append((kind, ns, name, deleted["metadata"]["uid"]))
            del obj
        except errors.ApiError as error:
            lines.append(f"Error from server ({error.reason}): {error.message}")
    if not targets and not lines:
        return f"No resources found in {namespace} namespace." if not inv.flag("filename") else ""
    cluster.settle()
    if str(inv.flag("wait", "true")).lower() != "false":
        _wait_until_gone(cluster, pending)
    return "\n".join(lines)


def _wait_until_gone(cluster, pending) -> None:
    """kubectl delete waits (--wait=true) until the objects are really gone."""
    deadline = cluster.now_ms + WAIT_LIMIT_MS

    def remaining():
        return [
            p
            for p in pending
            if (
                obj := cluster.store.get(
                    p[0], p[1] if p[0] not in ("Node", "Namespace") else "", p[2]
                )
            )
            and obj["metadata"]["uid"] == p[3]
        ]

    while remaining() and cluster.now_ms < deadline:
        due = cluster.next_event_ms()
        if due is None:
            break
        cluster.advance(max(due - cluster.now_ms, 1))


def describe(cluster, inv: Invocation, read_file=None) -> str:
    namespace = _namespace(inv)
    sections, problems = [], []
    for info, names in split_targets(inv.args):
        if names:
            objects = []
            for name in names:
                obj = cluster.api.find(info.kind, namespace, name)
                if obj is None:
                    problems.append(
                        f'Error from server (NotFound): {qualified_plural(info)} "{name}" not found'
                    )
                else:
                    objects.append(obj)
        else:
            expressions = parse_selector(inv.flag("selector") or "")
            objects = [
                o
                for o in cluster.api.list(info.kind, namespace)
                if matches_expressions(o["metadata"].get("labels"), expressions)
            ]
        for obj in objects:
            sections.append(_describe_one(cluster, obj).rstrip("\n"))
    if not sections and not problems:
        return f"No resources found in {namespace} namespace."
    return "\n\n\n".join(sections) + ("\n" if sections and problems else "") + "\n".join(problems)


def _describe_one(cluster, obj: dict) -> str:
    kind, now = obj["kind"], cluster.now_ms
    events = sorted(
        cluster.events_for(obj), key=lambda e: (e["firstTimestamp"], e["metadata"]["name"])
    )
    store = cluster.store
    if kind == "Pod":
        return describers.describe_pod(obj, events, now)
    if kind == "Node":
        pods = [
            p
            for p in store.list("Pod")
            if p["spec"].get("nodeName") == obj["metadata"]["name"]
            and p["status"].get("phase") not in podutil.TERMINAL_PHASES
        ]
        return describers.describe_node(obj, pods, events, now)
    if kind == "Deployment":
        rss = [
            store.get(k, ns, n)
            for k, ns, n in store.dependents_of(obj["metadata"]["uid"])
            if k == "ReplicaSet"
        ]
        return describers.describe_deployment(obj, [rs for rs in rss if rs], events, now)
    if kind == "ReplicaSet":
        pods = [
            store.get(k, ns, n)
            for k, ns, n in store.dependents_of(obj["metadata"]["uid"])
            if k == "Pod"
        ]
        return describers.describe_replicaset(obj, [p for p in pods if p], events, now)
    if kind == "Service":
        endpoints = store.get("Endpoints", obj["metadata"]["namespace"], obj["metadata"]["name"])
        return describers.describe_service(obj, endpoints, events, now)
    from .output import to_yaml

    return f"Name:         {obj['metadata']['name']}\n" + to_yaml(obj)


def scale(cluster, inv: Invocation, read_file=None) -> str:
    replicas = inv.flag("replicas")
    if replicas is None:
        raise UsageError('error: required flag(s) "replicas" not set')
    try:
        count = int(replicas)
    except ValueError as error:
        raise UsageError(
            f'error: invalid argument "{replicas}" for "--replicas" flag: strconv.ParseInt: parsing "{replicas}": invalid syntax'
        ) from error
    if count < 0:
        raise UsageError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    lines = []
    for info, names in split_targets(inv.args):
        if info.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
            raise UsageError(f"error: cannot scale {info.plural}")
        for name in names:
            obj = cluster.api.get(info.kind, _namespace(inv), name)
            updated = copy.deepcopy(obj)
            updated["spec"]["replicas"] = count
            cluster.api.update(updated)
            lines.append(f"{object_ref(obj)} scaled")
    cluster.settle()
    return "\n".join(lines)


def set_image(cluster, inv: Invocation, read_file=None) -> str:
    if not inv.args or inv.args[0] != "image":
        raise UsageError("error: unknown command; only 'kubectl set image' is simulated")
    targets = [a for a in inv.args[1:] if "=" not in a]
    pairs = dict(a.split("=", 1) for a in inv.args[1:] if "=" in a)
    lines = []
    for info, names in split_targets(targets):
        for name in names:
            obj = copy.deepcopy(cluster.api.get(info.kind, _namespace(inv), name))
            spec = obj["spec"]["template"]["spec"] if "template" in obj["spec"] else obj["spec"]
            containers = {c["name"]: c for c in spec.get("containers", [])}
            for container_name, image in pairs.items():
                if container_name == "*":
                    for container in containers.values():
                        container["image"] = image
                elif container_name not in containers:
                    raise UsageError(f'error: unable to find container named "{container_name}"')
                else:
                    containers[container_name]["image"] = image
            cluster.api.update(obj)
            lines.append(f"{object_ref(obj)} image updated")
    cluster.settle()
    return "\n".join(lines)


def rollout(cluster, inv: Invocation, read_file=None) -> str:
    if not inv.args:
        raise UsageError("error: Required resource not specified.")
    action, rest = inv.args[0], inv.args[1:]
    targets = split_targets(rest)
    info, names = targets[0]
    if info.kind != "Deployment" or not names:
        raise UsageError(f'error: no rollout {action} for "{info.plural}"')
    deployment = cluster.api.get("Deployment", _namespace(inv), names[0])
    if action == "status":
        return _rollout_status(cluster, deployment, inv)
    if action == "history":
        return _rollout_history(cluster, deployment)
    if action == "undo":
        return _rollout_undo(cluster, deployment, inv)
    if action == "restart":
        updated = copy.deepcopy(deployment)
        annotations = (
            updated["spec"]["template"].setdefault("metadata", {}).setdefault("annotations", {})
        )
        annotations["kubectl.kubernetes.io/restartedAt"] = rfc3339(cluster.now_ms)
        cluster.api.update(updated)
        cluster.settle()
        return f"{object_ref(deployment)} restarted"
    if action in ("pause", "resume"):
        updated = copy.deepcopy(deployment)
        paused = action == "pause"
        if bool(updated["spec"].get("paused")) == paused:
            return f"error: {object_ref(deployment)} is already {'paused' if paused else 'resumed'}"
        updated["spec"]["paused"] = paused
        cluster.api.update(updated)
        cluster.settle()
        return f"{object_ref(deployment)} {'paused' if paused else 'resumed'}"
    raise UsageError(f'error: unknown command "{action}" for "kubectl rollout"')


def _rollout_status_line(deployment: dict) -> tuple[str, bool, str | None]:
    """kubectl's DeploymentStatusViewer.Status."""
    name, status = deployment["metadata"]["name"], deployment.get("status") or {}
    if deployment["metadata"].get("generation", 1) > status.get("observedGeneration", 0):
        return "Waiting for deployment spec update to be observed...", False, None
    for condition in status.get("conditions") or ():
        if (
            condition["type"] == "Progressing"
            and condition.get("reason") == "ProgressDeadlineExceeded"
        ):
            return "", False, f'error: deployment "{name}" exceeded its progress deadline'
    replicas = deployment["spec"].get("replicas", 1)
    updated = status.get("updatedReplicas", 0)
    if updated < replicas:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {updated} out of {replicas} new replicas have been updated...',
            False,
            None,
        )
    if status.get("replicas", 0) > updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {status["replicas"] - updated} old replicas are pending termination...',
            False,
            None,
        )
    available = status.get("availableReplicas", 0)
    if available < updated:
        return (
            f'Waiting for deployment "{name}" rollout to finish: {available} of {updated} updated replicas are available...',
            False,
            None,
        )
    return f'deployment "{name}" successfully rolled out', True, None


def _rollout_status(cluster, deployment: dict, inv: Invocation) -> str:
    timeout = inv.flag("timeout")
    limit = parse_duration(timeout) if timeout and timeout != "0s" else WAIT_LIMIT_MS
    deadline = cluster.now_ms + limit
    lines: list[str] = []
    namespace, name = deployment["metadata"]["namespace"], deployment["metadata"]["name"]
    while True:
        current = cluster.api.get("Deployment", namespace, name)
        line, done, error = _rollout_status_line(current)
        if error:
            lines.append(error)
            break
        if not lines or lines[-1] != line:
            lines.append(line)
        if done:
            break
        due = cluster.next_event_ms()
        if due is None or due > deadline:
            lines.append("error: timed out waiting for the condition")
            break
        cluster.advance(max(due - cluster.now_ms, 1))
    return "\n".join(lines)


def _owned_replica_sets(cluster, deployment: dict) -> list[dict]:
    store = cluster.store
    found = [
        store.get(kind, ns, name)
        for kind, ns, name in store.dependents_of(deployment["metadata"]["uid"])
        if kind == "ReplicaSet"
    ]
    return sorted((rs for rs in found if rs), key=du.revision)


def _rollout_history(cluster, deployment: dict) -> str:
    rows = [("REVISION", "CHANGE-CAUSE")]
    for rs in _owned_replica_sets(cluster, deployment):
        cause = (rs["metadata"].get("annotations") or {}).get(du.CHANGE_CAUSE, "<none>")
        rows.append((str(du.revision(rs)), cause))
    from .table import render_table

    return (
        f"{object_ref(deployment)} \n"
        + render_table(list(rows[0]), [list(r) for r in rows[1:]]).rstrip("\n")
        + "\n"
    )


def _rollout_undo(cluster, deployment: dict, inv: Invocation) -> str:
    replica_sets = _owned_replica_sets(cluster, deployment)
    to_revision = int(inv.flag("to-revision", 0))
    current = du.revision(deployment)
    if to_revision:
        target = next((rs for rs in replica_sets if du.revision(rs) == to_revision), None)
        if target is None:
            return f"error: unable to find specified revision {to_revision} in history"
    else:
        previous = [rs for rs in replica_sets if du.revision(rs) < current]
        if not previous:
            return (
                f'error: no rollout history found for deployment "{deployment["metadata"]["name"]}"'
            )
        target = previous[-1]
    if du.templates_equal_ignoring_hash(target["spec"]["template"], deployment["spec"]["template"]):
        return f"{object_ref(deployment)} skipped rollback (current template already matches revision {du.revision(target)})"
    updated = copy.deepcopy(deployment)
    updated["spec"]["template"] = du.template_without_hash(target["spec"]["template"])
    cluster.api.update(updated)
    cluster.settle()
    return f"{object_ref(deployment)} rolled back"


def cordon(cluster, inv: Invocation, read_file=None, unschedulable: bool = True) -> str:
    lines = []
    verb = "cordoned" if unschedulable else "uncordoned"
    for name in inv.args:
        node = cluster.api.get("Node", "", name)
        if bool(node["spec"].get("unschedulable")) == unschedulable:
            lines.append(f"node/{name} already {verb}")
            continue
        _set_unschedulable(cluster, node, unschedulable)
        lines.append(f"node/{name} {verb}")
    cluster.settle()
    return "\n".join(lines)


def uncordon(cluster, inv: Invocation, read_file=None) -> str:
    return cordon(cluster, inv, read_file, unschedulable=False)


def _set_unschedulable(cluster, node: dict, unschedulable: bool) -> None:
    taint_key = "node.kubernetes.io/unschedulable"
    taints = [t for t in node["spec"].get("taints") or () if t["key"] != taint_key]
    if unschedulable:
        node["spec"]["unschedulable"] = True
        taints.append(
            {"effect": "NoSchedule", "key": taint_key, "timeAdded": rfc3339(cluster.now_ms)}
        )
    else:
        node["spec"].pop("unschedulable", None)
    if taints:
        node["spec"]["taints"] = taints
    else:
        node["spec"].pop("taints", None)
    cluster.api.touch(node)


def drain(cluster, inv: Invocation, read_file=None) -> str:
    if not inv.args:
        raise UsageError(
            "error: USAGE: drain NODE [flags]\nSee 'kubectl drain -h' for help and examples"
        )
    name = inv.args[0]
    node = cluster.api.get("Node", "", name)
    lines = []
    if node["spec"].get("unschedulable"):
        lines.append(f"node/{name} already cordoned")
    else:
        _set_unschedulable(cluster, node, True)
        lines.append(f"node/{name} cordoned")
    pods = [
        p
        for p in cluster.store.list("Pod")
        if p["spec"].get("nodeName") == name and podutil.is_active(p)
    ]
    bare = [p for p in pods if not p["metadata"].get("ownerReferences")]
    if bare and not inv.flag("force"):
        names = ", ".join(f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in bare)
        lines.append(
            f'error: unable to drain node "{name}" due to error: cannot delete Pods that declare no controller '
            f"(use --force to override): {names}, continuing command...\n"
            f"There are pending nodes to be drained:\n {name}\n"
            f"cannot delete Pods that declare no controller (use --force to override): {names}"
        )
        cluster.settle()
        return "\n".join(lines)
    if bare:
        names = ", ".join(f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in bare)
        lines.append(f"Warning: deleting Pods that declare no controller: {names}")
    pending = []
    for pod in pods:
        lines.append(f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']}")
        deleted = cluster.api.delete("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        pending.append(
            (
                "Pod",
                pod["metadata"]["namespace"],
                pod["metadata"]["name"],
                deleted["metadata"]["uid"],
            )
        )
    cluster.settle()
    _wait_until_gone(cluster, pending)
    for pod in pods:
        lines.append(f"pod/{pod['metadata']['name']} evicted")
    lines.append(f"node/{name} drained")
    return "\n".join(lines)


def label(cluster, inv: Invocation, read_file=None) -> str:
    changes = [a for a in inv.args if "=" in a or a.endswith("-")]
    target_words = [a for a in inv.args if a not in changes]
    lines = []
    for info, names in split_targets(target_words):
        for name in names:
            obj = cluster.api.get(info.kind, _namespace(inv), name)
            labels = obj["metadata"].setdefault("labels", {})
            removed_any = False
            for change in changes:
                if change.endswith("-") and "=" not in change:
                    removed_any = labels.pop(change[:-1], None) is not None or removed_any
                    continue
                key, value = change.split("=", 1)
                if key in labels and labels[key] != value and not inv.flag("overwrite"):
                    return f"error: '{key}' already has a value ({labels[key]}), and --overwrite is false"
                labels[key] = value
            if not labels:
                obj["metadata"].pop("labels")
            cluster.api.touch(obj)
            verb = (
                "unlabeled" if removed_any and all(c.endswith("-") for c in changes) else "labeled"
            )
            lines.append(f"{object_ref(obj)} {verb}")
    cluster.settle()
    return "\n".join(lines)


def logs(cluster, inv: Invocation, read_file=None) -> str:
    if not inv.args:
        raise UsageError(
            "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples"
        )
    namespace = _namespace(inv)
    target = inv.args[0]
    if "/" in target and not target.startswith("pod/"):
        kind_name, name = target.split("/", 1)
        info = resolve(kind_name)
        owner = cluster.api.get(info.kind, namespace, name)
        pods = _pods_of(cluster, owner)
        if not pods:
            return "error: timed out waiting for the condition"
        pod = pods[0]
    else:
        pod = cluster.api.get("Pod", namespace, target.split("/", 1)[-1])
    containers = [c["name"] for c in pod["spec"].get("containers", [])]
    container = inv.flag("container") or containers[0]
    prefix = ""
    if not inv.flag("container") and len(containers) > 1:
        prefix = f'Defaulted container "{container}" out of: {", ".join(containers)}\n'
    if container not in containers:
        return f"error: container {container} is not valid for pod {pod['metadata']['name']}"
    node = pod["spec"].get("nodeName")
    kubelet = cluster.kubelets.get(node) if node else None
    previous = bool(inv.flag("previous"))
    lines = kubelet.logs(pod, container, previous) if kubelet else None
    if lines is None and previous:
        return (
            f'Error from server (BadRequest): previous terminated container "{container}" in pod '
            f'"{pod["metadata"]["name"]}" not found'
        )
    if lines is None:
        status = next(
            (s for s in pod["status"].get("containerStatuses") or () if s["name"] == container),
            None,
        )
        reason = ((status or {}).get("state", {}).get("waiting") or {}).get(
            "reason", "ContainerCreating"
        )
        return (
            f'Error from server (BadRequest): container "{container}" in pod "{pod["metadata"]["name"]}" '
            f"is waiting to start: {reason}"
        )
    tail = inv.flag("tail")
    if tail is not None and int(tail) >= 0:
        lines = lines[-int(tail) :] if int(tail) else []
    return prefix + "\n".join(lines)


def _pods_of(cluster, owner: dict) -> list[dict]:
    store = cluster.store
    result = []
    for kind, ns, name in store.dependents_of(owner["metadata"]["uid"]):
        obj = store.get(kind, ns, name)
        if obj is None:
            continue
        if kind == "Pod":
            result.append(obj)
        elif kind == "ReplicaSet" and (obj["spec"].get("replicas") or 0) > 0:
            result.extend(_pods_of(cluster, obj))
    return sorted(result, key=lambda p: p["metadata"]["name"])


VERBS = {
    "apply": apply,
    "create": create,
    "delete": delete,
    "get": run_get,
    "describe": describe,
    "scale": scale,
    "set": set_image,
    "rollout": rollout,
    "cordon": cordon,
    "uncordon": uncordon,
    "drain": drain,
    "label": label,
    "logs": logs,
    "top": run_top,
}
