"""kubectl verbs: each takes the cluster and a parsed Invocation and returns what kubectl prints."""

import copy
import json

from .. import errors, podutil
from ..controllers import deployment_util as du
from ..labels import matches_expressions, parse_selector
from ..manifests import check_object
from ..manifests.errors import FieldError, go_quote, invalid_message
from ..manifests.names import label_value, qualified_name
from ..names import random_suffix
from ..timefmt import SECOND, parse_duration, rfc3339
from . import describe as describers
from .apply import apply_documents, create_documents, load
from .args import Invocation, UsageError, parse_int
from .get import run_get
from .output import to_json, to_yaml
from .resources import (
    NO_RESOURCES,
    display_type,
    object_ref,
    qualified_plural,
    resolve,
    split_targets,
)
from .top import run_top

WAIT_LIMIT_MS = 15 * 60 * SECOND
ROLLBACK_SKIPPED_ANNOTATIONS = {
    "kubectl.kubernetes.io/last-applied-configuration",
    du.REVISION,
    "deployment.kubernetes.io/revision-history",
    du.DESIRED_REPLICAS,
    du.MAX_REPLICAS,
    "deprecated.deployment.rollback.to",
}


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


def dry_run_strategy(inv: Invocation) -> str | None:
    """cmdutil.GetDryRunStrategy: None, "client" or "server"."""
    value = inv.flag("dry-run")
    if value is None or value == "none":
        return None
    if value in ("client", "unchanged"):  # a bare --dry-run is the deprecated client form
        return "client"
    if value == "server":
        return "server"
    raise UsageError(
        f'error: Invalid dry-run value ({value}). Must be "none", "server", or "client".'
    )


def _dry_run_suffix(strategy: str | None) -> str:
    """PrintFlagsWithDryRunStrategy: what the name printer adds to its operation."""
    return {"client": " (dry run)", "server": " (server dry run)"}.get(strategy or "", "")


def apply(cluster, inv: Invocation, read_file=None) -> str:
    strategy = dry_run_strategy(inv)
    text, source = _read_input(inv, read_file)
    documents = load(text, source)
    if not documents:
        return "error: no objects passed to apply"
    return "\n".join(
        apply_documents(cluster, documents, source, inv.flag("namespace"), dry_run=strategy)
    )


def create(cluster, inv: Invocation, read_file=None) -> str:
    if inv.args and inv.args[0] in ("namespace", "ns"):
        return _create_namespace(cluster, inv)
    if inv.args and inv.args[0] in ("deployment", "deploy"):
        return _create_deployment(cluster, inv)
    strategy = dry_run_strategy(inv)
    text, source = _read_input(inv, read_file)
    return "\n".join(
        create_documents(
            cluster, load(text, source), source, inv.flag("namespace"), dry_run=strategy
        )
    )


def _exactly_one_name(inv: Invocation, command: str) -> str:
    """create subcommands' NameFromCommandArgs."""
    dash = inv.dash_at if inv.dash_at is not None else len(inv.args)
    names = inv.args[1:dash]
    if len(names) != 1:
        raise UsageError(
            f"error: exactly one NAME is required, got {len(names)}\n"
            f"See 'kubectl create {command} -h' for help and examples"
        )
    return names[0]


def _create_namespace(cluster, inv: Invocation) -> str:
    name = _exactly_one_name(inv, "namespace")
    strategy = dry_run_strategy(inv)
    # create_namespace.go: a typed v1.Namespace, fields in struct order
    obj = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": None},
        "spec": {},
        "status": {},
    }
    return _create_built_object(cluster, inv, obj, strategy)


def _create_deployment(cluster, inv: Invocation) -> str:
    """create_deployment.go: the object the client builds, then one POST."""
    images = inv.flag("image") or []
    if not images:
        raise UsageError('error: required flag(s) "image" not set')
    name = _exactly_one_name(inv, "deployment")
    strategy = dry_run_strategy(inv)
    dash = inv.dash_at if inv.dash_at is not None else len(inv.args)
    command = inv.args[dash:]
    if len(images) > 1 and command:
        raise UsageError("error: cannot specify multiple --image options and command")
    labels = {"app": name}
    containers = []
    for image in images:
        container_name = image.split("/")[-1].split(":")[0].split("@")[0]
        if "_" in container_name or "." in container_name:
            # sanitizeAndUniquify: DNS-1123 characters plus a random suffix
            container_name = container_name.replace("_", "-").replace(".", "-")
            container_name = f"{container_name}-{random_suffix(cluster.ctx.rng)}"
        container = {"name": container_name, "image": image}
        if command:
            container["command"] = list(command)
        containers.append(container)
    port = parse_int(inv.flag("port", -1))
    if port >= 0:
        containers[0]["ports"] = [{"containerPort": port}]
    for container in containers:
        container["resources"] = {}
    metadata = {"name": name}
    if inv.flag("namespace"):
        metadata["namespace"] = inv.flag("namespace")
    metadata.update({"creationTimestamp": None, "labels": labels})
    obj = {
        "kind": "Deployment",
        "apiVersion": "apps/v1",
        "metadata": metadata,
        "spec": {
            "replicas": parse_int(inv.flag("replicas", 1)),
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"creationTimestamp": None, "labels": dict(labels)},
                "spec": {"containers": containers},
            },
            "strategy": {},
        },
        "status": {},
    }
    return _create_built_object(cluster, inv, obj, strategy)


def _create_built_object(cluster, inv: Invocation, obj: dict, strategy: str | None) -> str:
    """Print (client dry run) or send what a `kubectl create <kind>` generator built."""
    fmt = inv.flag("output")
    if fmt is not None and fmt not in ("json", "yaml", "name"):
        raise UsageError(
            f'error: unable to match a printer suitable for the output format "{fmt}", allowed formats are: '
            "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml"
        )
    if strategy == "client":
        shown = obj
    else:
        request = _without_client_only_fields(obj)
        if request["kind"] != "Namespace":
            request["metadata"].setdefault("namespace", _namespace(inv))
        message = check_object(request, None, "")
        try:
            if message:
                raise errors.invalid(message)
            if strategy == "server":
                if cluster.api.find(request["kind"], _namespace(inv), request["metadata"]["name"]):
                    info = resolve(request["kind"].lower())
                    raise errors.already_exists(qualified_plural(info), request["metadata"]["name"])
                shown = request
            else:
                shown = copy.deepcopy(cluster.api.create(request))  # the POST's response
                shown.setdefault("status", {})
                if shown["kind"] != "Namespace":
                    cluster.settle()
        except errors.ApiError as error:
            if request["kind"] != "Deployment":
                raise
            # create_deployment.go wraps the server's error: fmt.Errorf("failed to create
            # deployment: %v", err), where a 422 reads `Deployment.apps "x" is invalid: ...`
            return f"error: failed to create deployment: {_status_error_text(error)}"
    if fmt == "yaml":
        return to_yaml(shown).rstrip("\n")
    if fmt == "json":
        return to_json(shown, sort_keys=strategy != "client").rstrip("\n")
    suffix = _dry_run_suffix(strategy)
    return (
        f"{object_ref(shown)}{'' if fmt == 'name' else ' created'}{suffix if fmt != 'name' else ''}"
    )


def _status_error_text(error: errors.ApiError) -> str:
    """A StatusError's Error(): for Invalid, `<Kind>.<group> "<name>" is invalid: <causes>`,
    the causes as one errors.Aggregate (`[a, b]` when there are several)."""
    if error.reason != "Invalid":
        return error.message
    head, _, causes = error.message.partition(" is invalid: ")
    kind, _, name = head.removeprefix("The ").partition(" ")
    info = resolve(kind.lower())
    qualified = f"{info.kind}.{info.group}" if info.group else info.kind
    items = [line[2:] for line in causes.splitlines() if line.startswith("* ")] or [causes]
    text = items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"
    return f"{qualified} {name} is invalid: {text}"


def _without_client_only_fields(obj: dict) -> dict:
    """The body sent to the server: null timestamps and empty structs are omitted in JSON."""
    request = copy.deepcopy(obj)
    request["metadata"].pop("creationTimestamp", None)
    request.pop("status", None)
    spec = request.get("spec") or {}
    if spec.get("strategy") == {}:
        spec.pop("strategy")
    if not spec:
        request.pop("spec", None)
    template = spec.get("template")
    if template:
        template["metadata"].pop("creationTimestamp", None)
        for container in template["spec"]["containers"]:
            if container.get("resources") == {}:
                del container["resources"]
    return request


def delete(cluster, inv: Invocation, read_file=None) -> str:
    namespace = _namespace(inv)
    grace = inv.flag("grace-period")
    grace_seconds = parse_int(grace) if grace is not None else None
    if inv.flag("now"):
        grace_seconds = 1
    if inv.flag("force") and grace_seconds == 0:
        pass
    cascade = {"background": "Background", "foreground": "Foreground", "orphan": "Orphan"}.get(
        str(inv.flag("cascade", "background")).lower(), "Background"
    )
    targets: list[tuple[str, str, str]] = []  # (kind, namespace, name)
    source = None
    if inv.flag("filename"):
        text, source = _read_input(inv, read_file)
        for document in load(text, source):
            ns = document["metadata"].get("namespace") or namespace
            targets.append((document["kind"], ns, document["metadata"]["name"]))
    else:
        if not inv.args:
            raise UsageError(NO_RESOURCES)
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
    strategy = dry_run_strategy(inv)
    lines = []
    pending = []
    for kind, ns, name in targets:
        try:
            obj = cluster.api.get(kind, ns, name)
            info = resolve(kind.lower())
            if strategy:  # delete.go PrintObj: `<kind> "<name>" deleted (dry run)`
                lines.append(f'{display_type(info)} "{name}" deleted{_dry_run_suffix(strategy)}')
                continue
            deleted = cluster.api.delete(
                kind, ns, name, grace_seconds=grace_seconds, propagation=cascade
            )
            lines.append(f'{display_type(info)} "{name}" deleted')
            pending.append((kind, ns, name, deleted["metadata"]["uid"]))
            del obj
        except errors.ApiError as error:
            # cmdutil.AddSourceToErr names the file the object came from
            where = f'error when deleting "{source}": ' if source else ""
            lines.append(f"Error from server ({error.reason}): {where}{error.message}")
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
    if not inv.args:
        raise UsageError(
            'error: You must specify the type of resource to describe. Use "kubectl '
            'api-resources" for a complete list of supported resources.'
        )
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
    count = parse_int(replicas)  # the parser already refused what pflag refuses
    if count < 0:
        raise UsageError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    strategy = dry_run_strategy(inv)
    if not inv.args:
        raise UsageError(NO_RESOURCES)
    lines = []
    for info, names in split_targets(inv.args):
        if info.kind not in ("Deployment", "ReplicaSet", "StatefulSet"):
            raise UsageError(f"error: cannot scale {info.plural}")
        for name in names:
            obj = cluster.api.get(info.kind, _namespace(inv), name)
            if strategy:
                lines.append(f"{object_ref(obj)} scaled{_dry_run_suffix(strategy)}")
                continue
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
    strategy = dry_run_strategy(inv)
    if not targets:
        raise UsageError(NO_RESOURCES)
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
            if not strategy:
                cluster.api.update(obj)
            lines.append(f"{object_ref(obj)} image updated{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(lines)


def rollout(cluster, inv: Invocation, read_file=None) -> str:
    if not inv.args:
        raise UsageError("error: Required resource not specified.")
    action, rest = inv.args[0], inv.args[1:]
    if not rest and action in ("status", "history", "undo", "restart", "pause", "resume"):
        raise UsageError("error: required resource not specified")
    targets = split_targets(rest)
    info, names = targets[0]
    if info.kind != "Deployment" or not names:
        raise UsageError(f'error: no rollout {action} for "{info.plural}"')
    deployment = cluster.api.get("Deployment", _namespace(inv), names[0])
    if action == "status":
        return _rollout_status(cluster, deployment, inv)
    if action == "history":
        return _rollout_history(cluster, deployment, inv)
    if action == "undo":
        return _rollout_undo(cluster, deployment, inv)
    name = deployment["metadata"]["name"]
    suffix = _dry_run_suffix(dry_run_strategy(inv))
    if action == "restart":
        if deployment["spec"].get("paused"):
            # objectrestarter.go, worded by rollout_restart.go
            return (
                f'error: deployments.apps "{name}" can\'t restart paused deployment '
                "(run rollout resume first)"
            )
        updated = copy.deepcopy(deployment)
        annotations = (
            updated["spec"]["template"].setdefault("metadata", {}).setdefault("annotations", {})
        )
        annotations["kubectl.kubernetes.io/restartedAt"] = rfc3339(cluster.now_ms)
        if not suffix:
            cluster.api.update(updated)
            cluster.settle()
        return f"{object_ref(deployment)} restarted{suffix}"
    if action in ("pause", "resume"):
        updated = copy.deepcopy(deployment)
        paused = action == "pause"
        if bool(updated["spec"].get("paused")) == paused:
            # objectpauser.go / objectresumer.go, worded by rollout_pause.go / rollout_resume.go
            return f'error: deployments.apps "{name}" is {"already paused" if paused else "not paused"}'
        if paused:
            updated["spec"]["paused"] = True
        else:  # the resume patch is {"spec":{"paused":null}}: the field goes (omitempty)
            updated["spec"].pop("paused", None)
        if not suffix:
            cluster.api.update(updated)
            cluster.settle()
        return f"{object_ref(deployment)} {'paused' if paused else 'resumed'}{suffix}"
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


def _rollout_history(cluster, deployment: dict, inv: Invocation) -> str:
    """rollout_history.go and DeploymentHistoryViewer (polymorphichelpers/history.go)."""
    revision = parse_int(inv.flag("revision", 0))
    if revision < 0:
        return f"error: revision must be a positive integer: {revision}"
    history = {}
    for rs in _owned_replica_sets(cluster, deployment):
        template = copy.deepcopy(rs["spec"]["template"])
        cause = (rs["metadata"].get("annotations") or {}).get(du.CHANGE_CAUSE)
        if cause:
            template.setdefault("metadata", {}).setdefault("annotations", {})[du.CHANGE_CAUSE] = (
                cause
            )
        history[du.revision(rs)] = template
    if not history:
        return f"{object_ref(deployment)} \nNo rollout history found."
    if revision:
        if revision not in history:
            return "error: unable to find the specified revision"
        return (
            f"{object_ref(deployment)} with revision #{revision}\n"
            + describers.describe_pod_template(history[revision]).rstrip("\n")
        )
    from .table import render_table

    rows = [
        [
            str(number),
            ((template.get("metadata") or {}).get("annotations") or {}).get(
                du.CHANGE_CAUSE, "<none>"
            ),
        ]
        for number, template in sorted(history.items())
    ]
    return (
        f"{object_ref(deployment)} \n"
        + render_table(["REVISION", "CHANGE-CAUSE"], rows).rstrip("\n")
        + "\n"
    )


def _rollout_undo(cluster, deployment: dict, inv: Invocation) -> str:
    if deployment["spec"].get("paused"):  # kubectl/pkg/polymorphichelpers/rollback.go
        return (
            "error: you cannot rollback a paused deployment; resume it first with "
            "'kubectl rollout resume' and try again"
        )
    replica_sets = _owned_replica_sets(cluster, deployment)
    to_revision = parse_int(inv.flag("to-revision", 0))
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
    strategy = dry_run_strategy(inv)
    suffix = _dry_run_suffix(strategy)
    if du.templates_equal_ignoring_hash(target["spec"]["template"], deployment["spec"]["template"]):
        return f"{object_ref(deployment)} skipped rollback (current template already matches revision {du.revision(target)}){suffix}"
    if strategy == "client":
        # rollback.go returns the revision's template, and the name printer adds " (dry run)"
        template = describers.describe_pod_template(target["spec"]["template"])
        return f"{object_ref(deployment)} {template}{suffix}"
    if strategy == "server":
        return f"{object_ref(deployment)} rolled back{suffix}"
    updated = copy.deepcopy(deployment)
    updated["spec"]["template"] = du.template_without_hash(target["spec"]["template"])
    # rollback.go: the deployment takes the revision's annotations (its change-cause among
    # them), keeping only its own bookkeeping ones (annotationsToSkip)
    annotations = {
        key: value
        for key, value in (deployment["metadata"].get("annotations") or {}).items()
        if key in ROLLBACK_SKIPPED_ANNOTATIONS
    }
    for key, value in (target["metadata"].get("annotations") or {}).items():
        if key not in ROLLBACK_SKIPPED_ANNOTATIONS:
            annotations[key] = value
    if annotations:
        updated["metadata"]["annotations"] = annotations
    else:
        updated["metadata"].pop("annotations", None)
    cluster.api.update(updated)
    cluster.settle()
    return f"{object_ref(deployment)} rolled back"


def cordon(cluster, inv: Invocation, read_file=None, unschedulable: bool = True) -> str:
    lines = []
    verb = "cordoned" if unschedulable else "uncordoned"
    if not inv.args:
        command = "cordon" if unschedulable else "uncordon"
        raise UsageError(
            f"error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        )
    suffix = _dry_run_suffix(dry_run_strategy(inv))
    for name in inv.args:
        node = cluster.api.get("Node", "", name)
        if bool(node["spec"].get("unschedulable")) == unschedulable:
            lines.append(f"node/{name} already {verb}{suffix}")
            continue
        if not suffix:
            _set_unschedulable(cluster, node, unschedulable)
        lines.append(f"node/{name} {verb}{suffix}")
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
    strategy = dry_run_strategy(inv)
    suffix = _dry_run_suffix(strategy)
    lines = []
    if node["spec"].get("unschedulable"):
        lines.append(f"node/{name} already cordoned{suffix}")
    else:
        if not strategy:
            _set_unschedulable(cluster, node, True)
        lines.append(f"node/{name} cordoned{suffix}")
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
    if strategy:  # drain.go: list what would go, evict nothing
        for pod in pods:
            lines.append(
                f"evicting pod {pod['metadata']['namespace']}/{pod['metadata']['name']}{suffix}"
            )
        lines.append(f"node/{name} drained{suffix}")
        return "\n".join(lines)
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


def _resources_and_pairs(args: list[str], pair_type: str) -> tuple[list[str], list[str]]:
    """cmdutil.GetResourcesAndPairs: resources first, then key=value / key- changes."""
    resources, pairs = [], []
    for arg in args:
        is_pair = ("=" in arg and not arg.startswith("=")) or (arg.endswith("-") and arg != "-")
        if is_pair:
            pairs.append(arg)
        elif pairs:
            raise UsageError(
                f"error: all resources must be specified before {pair_type} changes: {arg}"
            )
        else:
            resources.append(arg)
    return resources, pairs


def _parse_labels(pairs: list[str]) -> tuple[dict, list[str]]:
    """label.go parseLabels."""
    new, remove = {}, []
    for spec in pairs:
        if "=" in spec:
            parts = spec.split("=")
            if len(parts) != 2:
                raise UsageError(f"error: invalid label spec: {spec}")
            problems = label_value(parts[1])
            if problems:
                raise UsageError(
                    f"error: invalid label value: {go_quote(spec)}: {';'.join(problems)}"
                )
            new[parts[0]] = parts[1]
        else:
            remove.append(spec[:-1])
    if any(key in new for key in remove):
        raise UsageError("error: can not both modify and remove a label in the same command")
    return new, remove


def _parse_annotations(pairs: list[str]) -> tuple[dict, list[str]]:
    """cmdutil.ParsePairs(..., "annotation", true) and annotate.go validateAnnotations."""
    new, remove = {}, []
    for spec in pairs:
        if "=" in spec:
            key, value = spec.split("=", 1)
            if not key:
                raise UsageError(f"error: invalid annotation format: {spec}")
            new[key] = value
        else:
            remove.append(spec[:-1])
    both = [key for key in remove if key in new]
    if both:
        raise UsageError(
            "error: can not both modify and remove the following annotation(s) in the same "
            f"command: {', '.join(both)}"
        )
    return new, remove


def _select_objects(cluster, inv: Invocation, resources: list[str]) -> list[dict]:
    """The builder's ResourceTypeOrNameArgs with -l / --all: the objects a command acts on."""
    namespace = _namespace(inv)
    objects = []
    for info, names in split_targets(resources):
        if names:
            objects.extend(cluster.api.get(info.kind, namespace, name) for name in names)
        elif inv.flag("selector") or inv.flag("all"):
            expressions = parse_selector(inv.flag("selector") or "")
            objects.extend(
                obj
                for obj in cluster.api.list(info.kind, namespace)
                if matches_expressions(obj["metadata"].get("labels"), expressions)
            )
        else:
            raise UsageError("error: resource(s) were provided, but no name was specified")
    return objects


def _invalid_keys(obj: dict, field: str, keys) -> str | None:
    """The API server's ValidateLabels / ValidateAnnotations on the keys a command adds."""
    problems = [
        FieldError("Invalid value", f"metadata.{field}", key, msg)
        for key in sorted(keys)
        for msg in qualified_name(key.lower() if field == "annotations" else key)
    ]
    if not problems:
        return None
    return invalid_message(obj["kind"], obj["metadata"]["name"], problems)


def _visit_errors(errors_seen: list[str]) -> list[str]:
    """ContinueOnError visiting, then CheckErr: one error gets `error: `, several do not."""
    if len(errors_seen) == 1:
        message = errors_seen[0]
        return [message if message.startswith(("error: ", "The ")) else f"error: {message}"]
    return errors_seen


def label(cluster, inv: Invocation, read_file=None) -> str:
    """kubectl label (label.go): add key=value, overwrite with --overwrite, remove with key-."""
    resources, pairs = _resources_and_pairs(inv.args, "label")
    new, remove = _parse_labels(pairs)
    if not resources:
        raise UsageError(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not new and not remove:
        raise UsageError("error: at least one label update is required")
    strategy = dry_run_strategy(inv)
    overwrite = bool(inv.flag("overwrite"))
    lines, failures = [], []
    for obj in _select_objects(cluster, inv, resources):
        labels = dict(obj["metadata"].get("labels") or {})
        if not strategy:
            lines.extend(f"label {go_quote(key)} not found." for key in remove if key not in labels)
        if not overwrite:
            taken = [
                f"'{key}' already has a value ({labels[key]}), and --overwrite is false"
                for key in new
                if key in labels
            ]
            if taken:
                failures.append(taken[0] if len(taken) == 1 else "\n".join(taken))
                continue
        problem = _invalid_keys(obj, "labels", new)
        if problem and strategy != "client":
            failures.append(problem)
            continue
        updated = {**labels, **new}
        for key in remove:
            updated.pop(key, None)
        before = json.dumps(obj, sort_keys=True)
        after_obj = copy.deepcopy(obj)
        after_obj["metadata"]["labels"] = updated
        if not updated:
            after_obj["metadata"].pop("labels")
        after = json.dumps(after_obj, sort_keys=True)
        # label.go updateDataChangeMsg
        message = "not labeled"
        if before != after:
            message = "unlabeled" if not overwrite and len(after) < len(before) else "labeled"
        if not strategy and before != after:
            obj["metadata"]["labels"] = updated
            if not updated:
                obj["metadata"].pop("labels")
            cluster.api.touch(obj)
        lines.append(f"{object_ref(obj)} {message}{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(lines + _visit_errors(failures))


def annotate(cluster, inv: Invocation, read_file=None) -> str:
    """kubectl annotate (annotate.go); kubernetes.io/change-cause may always be overwritten."""
    resources, pairs = _resources_and_pairs(inv.args, "annotation")
    new, remove = _parse_annotations(pairs)
    if not resources:
        raise UsageError(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not new and not remove:
        raise UsageError("error: at least one annotation update is required")
    strategy = dry_run_strategy(inv)
    lines, failures = [], []
    for obj in _select_objects(cluster, inv, resources):
        annotations = dict(obj["metadata"].get("annotations") or {})
        if not inv.flag("overwrite"):
            taken = [
                f"'{key}' already has a value ({annotations[key]})"
                for key in new
                if key in annotations and key != du.CHANGE_CAUSE
            ]
            if taken:
                failures.append(
                    "--overwrite is false but found the following declared annotation(s): "
                    + "; ".join(taken)
                )
                continue
        problem = _invalid_keys(obj, "annotations", new)
        if problem and strategy != "client":
            failures.append(problem)
            continue
        if not strategy:
            annotations.update(new)
            for key in remove:
                annotations.pop(key, None)
            if annotations:
                obj["metadata"]["annotations"] = annotations
            else:
                obj["metadata"].pop("annotations", None)
            cluster.api.touch(obj)
        lines.append(f"{object_ref(obj)} annotated{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(lines + _visit_errors(failures))


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
    if tail is not None and parse_int(tail) >= 0:
        lines = lines[-parse_int(tail) :] if parse_int(tail) else []
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
    "annotate": annotate,
    "logs": logs,
    "top": run_top,
}
