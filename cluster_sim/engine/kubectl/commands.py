"""kubectl verbs: each takes the cluster and a parsed Invocation and returns what kubectl prints."""

import copy
import json

from .. import errors
from ..controllers import deployment_util as du
from ..labels import matches_expressions
from ..manifests import check_object
from ..manifests.errors import FieldError, display_source, go_quote, invalid_message
from ..manifests.meta import selector_matches
from ..manifests.names import label_value, qualified_name
from ..names import random_suffix
from ..timefmt import SECOND, rfc3339
from . import describe as describers
from . import describe_policy, describe_storage, rollout_sets
from .apply import (
    collect,
    object_name,
    read_sources,
    record_change_cause,
    run_apply,
    run_create,
    visit_error,
)
from .args import Invocation, UsageError, parse_int
from .create_batch import build_cronjob, build_job
from .create_data import build_configmap, build_secret
from .create_quota import build_quota
from .describe_batch import describe_cronjob, describe_job
from .describe_hpa import describe_hpa
from .describe_sets import describe_daemonset, describe_statefulset
from .flags import go_parse_bool
from .get import (
    check_output_format,
    field_filter,
    file_selector_filter,
    label_expressions,
    run_get,
)
from .kerrors import aggregate, check_err, from_api, plain
from .logs_selector import logs_by_selector
from .output import to_json, to_yaml
from .resources import (
    NO_RESOURCES,
    display_type,
    kind_info,
    object_ref,
    qualified_plural,
    resolve,
    select,
    split_resource_argument,
)
from .run_pod import build_pod
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


def validation_directive(inv: Invocation) -> str:
    """cmdutil.GetValidationDirective: the request's fieldValidation."""
    value = str(inv.flag("validate", "strict")).lower()
    directive = {"strict": "Strict", "true": "Strict", "warn": "Warn", "ignore": "Ignore"}
    directive["false"] = "Ignore"
    if value not in directive:
        raise UsageError(
            f'error: invalid - validate option "{inv.flag("validate")}"; must be one of: strict '
            "(or true), warn, ignore (or false)"
        )
    return directive[value]


def _dry_run_suffix(strategy: str | None) -> str:
    """PrintFlagsWithDryRunStrategy: what the name printer adds to its operation."""
    return {"client": " (dry run)", "server": " (server dry run)"}.get(strategy or "", "")


def apply(cluster, inv: Invocation, read_file=None) -> str:
    if inv.args:  # apply.go Validate
        raise UsageError(
            f"error: Unexpected args: [{' '.join(inv.args)}]\n"
            "See 'kubectl apply -h' for help and examples"
        )
    strategy = dry_run_strategy(inv)
    if not inv.flag("filename"):
        raise UsageError("error: must specify one of -f and -k")
    return run_apply(cluster, inv, read_file, strategy, validation_directive(inv))


def create(cluster, inv: Invocation, read_file=None) -> str:
    if inv.path == "create namespace":
        return _create_namespace(cluster, inv)
    if inv.path == "create deployment":
        return _create_deployment(cluster, inv)
    if inv.path == "create configmap":
        return _create_keyed_data(cluster, inv, read_file, "configmap", build_configmap)
    if inv.path in ("create job", "create cronjob"):
        return _create_batch(cluster, inv)
    if inv.path == "create secret generic":
        return _create_keyed_data(cluster, inv, read_file, "secret generic", build_secret)
    if inv.path == "create quota":
        return _create_keyed_data(cluster, inv, read_file, "quota", build_quota)
    if inv.args:  # create.go ValidateArgs
        raise UsageError(
            f"error: Unexpected args: [{' '.join(inv.args)}]\n"
            "See 'kubectl create -h' for help and examples"
        )
    strategy = dry_run_strategy(inv)
    directive = validation_directive(inv)
    if not inv.flag("filename"):
        raise UsageError("error: must specify one of -f and -k")
    return run_create(cluster, inv, read_file, strategy, directive)


def _exactly_one_name(inv: Invocation, command: str) -> str:
    """create subcommands' NameFromCommandArgs."""
    dash = inv.dash_at if inv.dash_at is not None else len(inv.args)
    names = inv.args[:dash]
    if len(names) != 1:
        raise UsageError(
            f"error: exactly one NAME is required, got {len(names)}\n"
            f"See 'kubectl create {command} -h' for help and examples"
        )
    return names[0]


def _create_namespace(cluster, inv: Invocation) -> str:
    name = _exactly_one_name(inv, "namespace")
    strategy = dry_run_strategy(inv)
    validation_directive(inv)
    # create_namespace.go: a typed v1.Namespace, fields in struct order
    obj = {
        "kind": "Namespace",
        "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": None},
        "spec": {},
        "status": {},
    }
    return _create_built_object(cluster, inv, obj, strategy)


def _create_batch(cluster, inv: Invocation) -> str:
    """create job / create cronjob (create_job.go, create_cronjob.go): build, then one POST."""
    strategy = dry_run_strategy(inv)
    validation_directive(inv)
    if inv.path == "create cronjob":
        obj = build_cronjob(inv)
    else:
        obj = build_job(inv, lambda name: cluster.api.get("CronJob", _namespace(inv), name))
    return _create_built_object(cluster, inv, obj, strategy)


def _create_keyed_data(cluster, inv: Invocation, read_file, command: str, build) -> str:
    """create configmap / create secret generic: the object from its sources, then one POST."""
    name = _exactly_one_name(inv, command)
    strategy = dry_run_strategy(inv)
    validation_directive(inv)
    obj = build(inv, name, read_file)
    if inv.flag("namespace"):
        obj["metadata"]["namespace"] = inv.flag("namespace")
    return _create_built_object(cluster, inv, obj, strategy)


def _create_deployment(cluster, inv: Invocation) -> str:
    """create_deployment.go: the object the client builds, then one POST."""
    images = inv.flag("image") or []
    name = _exactly_one_name(inv, "deployment")
    strategy = dry_run_strategy(inv)
    validation_directive(inv)
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
    if port >= 0 and containers:
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


def run(cluster, inv: Invocation, read_file=None) -> str:
    """kubectl run (run.go): one Pod, built as BasicPod builds it, then created."""
    strategy = dry_run_strategy(inv)
    pod = build_pod(inv)
    if inv.flag("namespace"):
        pod["metadata"]["namespace"] = inv.flag("namespace")
    return _create_built_object(cluster, inv, pod, strategy)


GENERATOR_OUTPUTS = (
    "go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,"
    "template,templatefile,yaml"
)


def _create_built_object(cluster, inv: Invocation, obj: dict, strategy: str | None) -> str:
    """Print (client dry run) or send what a `kubectl create <kind>` generator built."""
    check_output_format(inv.flag("output"), GENERATOR_OUTPUTS, simulated=("json", "yaml", "name"))
    try:
        shown = send_generated(cluster, inv, obj, strategy)
    except errors.ApiError as error:
        if obj["kind"] not in ("Deployment", "Job", "CronJob"):
            raise
        # create_deployment.go (create_job.go, create_cronjob.go) wraps the server's error:
        # fmt.Errorf("failed to create deployment: %v", err), where a 422 reads
        # `Deployment.apps "x" is invalid: ...`
        kind = obj["kind"].lower()
        return f"error: failed to create {kind}: {_status_error_text(error)}"
    return print_generated(shown, inv.flag("output"), strategy, "created")


def send_generated(cluster, inv: Invocation, obj: dict, strategy: str | None) -> dict:
    """What the server answers for an object a kubectl generator built (create, run,
    expose, autoscale): the object itself on a client dry run, else the POST's response
    (validated first, as the API server does); raises the server's ApiError."""
    if strategy == "client":
        return obj
    request = _without_client_only_fields(obj)
    if request["kind"] != "Namespace":
        request["metadata"].setdefault("namespace", _namespace(inv))
    message = check_object(request, None, "")
    if message:
        raise errors.invalid(message)
    if strategy == "server":
        if cluster.api.find(request["kind"], _namespace(inv), request["metadata"]["name"]):
            info = resolve(request["kind"].lower())
            raise errors.already_exists(qualified_plural(info), request["metadata"]["name"])
        shown = cluster.api.create(copy.deepcopy(request), dry_run=True)
    else:
        shown = copy.deepcopy(cluster.api.create(request))
        if shown["kind"] != "Namespace":
            cluster.settle()
    shown.setdefault("status", {})
    return shown


def print_generated(shown: dict, fmt: str | None, strategy: str | None, operation: str) -> str:
    """PrintFlags with the command's operation (`created`, `exposed`, `autoscaled`)."""
    if fmt == "yaml":
        return to_yaml(shown).rstrip("\n")
    if fmt == "json":
        return to_json(shown, sort_keys=strategy != "client").rstrip("\n")
    if fmt == "name":
        return object_ref(shown)
    return f"{object_ref(shown)} {operation}{_dry_run_suffix(strategy)}"


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
    job_template = spec.get("jobTemplate")
    if job_template:  # a CronJob's: its metadata, then its pod template's
        job_template["metadata"].pop("creationTimestamp", None)
        spec = job_template["spec"]
    template = spec.get("template")
    if template:
        template["metadata"].pop("creationTimestamp", None)
        for container in template["spec"]["containers"]:
            if container.get("resources") == {}:
                del container["resources"]
    return request


def delete(cluster, inv: Invocation, read_file=None) -> str:
    """delete.go: Complete (cascade, grace period, dry run, builder), Validate, DeleteResult."""
    notes: list[str] = []
    try:
        return _delete(cluster, inv, read_file, notes)
    except UsageError as error:
        raise UsageError("\n".join([*notes, str(error)])) from None


def _delete(cluster, inv: Invocation, read_file, notes: list[str]) -> str:
    cascade = _cascading_strategy(str(inv.flag("cascade", "background")), notes)
    grace = parse_int(inv.flag("grace-period", -1))
    force = bool(inv.flag("force"))
    if inv.flag("now"):
        if grace != -1:
            raise UsageError("error: --now and --grace-period cannot be specified together")
        grace = 1
    if grace == 0 and not force:
        grace = 1  # --grace-period=0 means 1 unless --force
    if force and grace < 0:
        grace = 0
    strategy = dry_run_strategy(inv)
    namespace = _namespace(inv)
    selector, field_selector = inv.flag("selector"), inv.flag("field-selector")
    ignore_not_found = bool(inv.flag("ignore-not-found"))
    if (inv.flag("all") or selector or field_selector) and "ignore-not-found" not in inv.flags:
        ignore_not_found = True
    targets: list[tuple[str, str, str, str | None]] = []  # (kind, namespace, name, source)
    visit_errors: list = []
    stream_errors: list = []
    if inv.flag("filename"):
        select(inv.args, selector=selector, select_all=bool(inv.flag("all")), paths=True)
        sources = read_sources(inv, read_file)
        selected = file_selector_filter(selector)  # visitByPaths: kubectl filters the files
        objects, visit_errors, stream_errors = collect(sources, inv.flag("namespace"))
        for loaded in objects:
            if not selected(loaded.document):
                continue
            info = kind_info(loaded.document)
            metadata = loaded.document.get("metadata") or {}
            ns = (metadata.get("namespace") or namespace) if info.namespaced else ""
            targets.append((info.kind, ns, object_name(loaded.document), loaded.source))
    else:
        for info, names in select(
            inv.args,
            selector=selector,
            field_selector=field_selector,
            select_all=bool(inv.flag("all")),
        ):
            ns = namespace if info.namespaced else ""
            if names is not None:
                targets.extend((info.kind, ns, name, None) for name in names)
                continue
            try:  # the list's labelSelector, then its fieldSelector, as the server reads them
                expressions = label_expressions(info, selector, field_selector)
                keep = field_filter(info, field_selector, selector)
            except errors.ApiError as error:
                visit_errors.append(from_api(error))
                continue
            for obj in cluster.api.list(info.kind, ns or None):
                if matches_expressions(obj["metadata"].get("labels"), expressions) and keep(obj):
                    targets.append((info.kind, ns, obj["metadata"]["name"], None))
    # delete.go Validate
    output = inv.flag("output")
    if output and output != "name":
        raise UsageError(f"error: unexpected -o output mode: {output}. We only support '-o name'")
    if force and grace > 0:
        raise UsageError(
            "error: --force and --grace-period greater than 0 cannot be specified together"
        )
    if force and grace == 0:
        notes.append(
            "Warning: Immediate deletion does not wait for confirmation that the running resource "
            "has been terminated. The resource may continue to run on the cluster indefinitely."
        )
    operation = "force deleted" if grace == 0 else "deleted"
    lines = notes
    pending = []
    found = 0
    errors_in_order = list(visit_errors)
    warn_cluster_scope = bool(inv.flag("namespace"))
    for kind, ns, name, source in targets:
        info = resolve(kind.lower())
        if not name and strategy != "client":  # the REST client refuses before sending
            where = f"error when deleting {go_quote(display_source(source))}: " if source else ""
            errors_in_order.append(plain(f"{where}resource name may not be empty"))
            continue
        try:
            if strategy != "client":  # RequireObject(false): a client dry run sends nothing
                cluster.api.get(kind, ns, name)
        except errors.ApiError as error:
            if ignore_not_found and error.reason == "NotFound":
                continue
            errors_in_order.append(
                from_api(error, display_source(source) if source else None, "deleting")
            )
            continue
        found += 1
        if warn_cluster_scope and not info.namespaced:
            lines.append(
                "Warning: deleting cluster-scoped resources, not scoped to the provided namespace"
            )
            warn_cluster_scope = False
        # kubectl names the namespace it deleted a namespaced object from (v1.34 does;
        # kubernetes/kubernetes#126619)
        scope = f" from {ns} namespace" if info.namespaced else ""
        printed = (
            f"{display_type(info)}/{name}"
            if output == "name"
            else f'{display_type(info)} "{name}" {operation}{scope}{_dry_run_suffix(strategy)}'
        )
        try:  # deleteResource: a refused DELETE (admission) is gathered, the visit goes on
            if strategy == "server":
                cluster.api.admit_delete(kind, name)
            if strategy:
                lines.append(printed)
                continue
            deleted = cluster.api.delete(
                kind, ns, name, grace_seconds=grace if grace >= 0 else None, propagation=cascade
            )
        except errors.ApiError as error:
            errors_in_order.append(
                from_api(error, display_source(source) if source else None, "deleting")
            )
            continue
        lines.append(printed)
        pending.append((kind, ns, name, deleted["metadata"]["uid"]))
    cluster.settle()
    failure = visit_error(errors_in_order, stream_errors)
    if failure is not None:
        return "\n".join(lines + [check_err(failure)])
    if not found:
        return "\n".join(lines + ["No resources found"])
    if inv.flag("wait", True) and not strategy:
        _wait_until_gone(cluster, pending)
    return "\n".join(lines)


def _cascading_strategy(value: str, notes: list[str]) -> str:
    """delete_flags.go parseCascadingFlag."""
    named = {"orphan": "Orphan", "foreground": "Foreground", "background": "Background"}
    if value in named:
        return named[value]
    try:
        boolean = go_parse_bool(value)
    except ValueError:
        raise UsageError(
            f'error: invalid cascade value ({value}). Must be "background", "foreground", or "orphan"'
        ) from None
    replacement = "background" if boolean else "orphan"
    notes.append(
        f"warning: --cascade={value} is deprecated (boolean value) and can be replaced with "
        f"--cascade={replacement}."
    )
    return "Background" if boolean else "Orphan"


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
    """describe.go Run: the builder's objects described in order, errors after them."""
    if not inv.args:
        raise UsageError(
            'error: You must specify the type of resource to describe. Use "kubectl '
            'api-resources" for a complete list of supported resources.'
        )
    namespace = _namespace(inv)
    targets = select(inv.args, selector=inv.flag("selector"), allow_empty_selector=True)
    sections, problems = [], []
    for info, names in targets:
        ns = namespace if info.namespaced else ""
        if names is None:
            try:
                expressions = label_expressions(info, inv.flag("selector"))
            except errors.ApiError as error:
                problems.append(f"Error from server ({error.reason}): {error.message}")
                continue
            objects = [
                o
                for o in cluster.api.list(info.kind, ns or None)
                if matches_expressions(o["metadata"].get("labels"), expressions)
            ]
        else:
            objects = []
            for name in names:
                obj = cluster.api.find(info.kind, ns, name)
                if obj is None:
                    problems.append(
                        f'Error from server (NotFound): {qualified_plural(info)} "{name}" not found'
                    )
                else:
                    objects.append(obj)
        for obj in objects:
            sections.append(_describe_one(cluster, obj).rstrip("\n"))
    if len(problems) == 1 and not sections and len(inv.args) == 2:
        # DescribeMatchingResources: `describe pods web` describes the pods named web*
        info = targets[0][0]
        ns = namespace if info.namespaced else ""
        matching = [
            o
            for o in cluster.api.list(info.kind, ns or None)
            if o["metadata"]["name"].startswith(inv.args[1])
        ]
        if matching:
            return "\n\n".join(_describe_one(cluster, o).rstrip("\n") for o in matching)
    if not sections and not problems:
        return f"No resources found in {namespace} namespace."
    return "\n\n\n".join(sections) + ("\n" if sections and problems else "") + "\n".join(problems)


def _describe_one(cluster, obj: dict) -> str:
    kind, now = obj["kind"], cluster.now_ms
    # searchEvents lists them in etcd key order, by name: `<object>.<creation time in hex>`
    events = sorted(cluster.events_for(obj), key=lambda e: e["metadata"]["name"])
    store = cluster.store
    if kind == "Pod":
        return describers.describe_pod(obj, events, now)
    if kind == "PersistentVolume":
        return describe_storage.describe_persistent_volume(obj, events, now)
    if kind == "PersistentVolumeClaim":
        meta = obj["metadata"]
        users = list(cluster.ctx.storage.claim_users(meta["namespace"], meta["name"]))
        return describe_storage.describe_persistent_volume_claim(obj, users, events, now)
    if kind == "StorageClass":
        return describe_storage.describe_storage_class(obj, events, now)
    if kind == "Node":
        pods = [
            p
            for p in store.list("Pod")
            if p["spec"].get("nodeName") == obj["metadata"]["name"]
            and p["status"].get("phase") not in ("Succeeded", "Failed")
        ]
        lease = cluster.node_lease(obj["metadata"]["name"])  # kube-node-lease/<node>
        return describers.describe_node(obj, pods, events, now, lease=lease)
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
    if kind in ("DaemonSet", "StatefulSet"):
        pods = [
            store.get(k, ns, n)
            for k, ns, n in store.dependents_of(obj["metadata"]["uid"])
            if k == "Pod"
        ]
        describer = describe_daemonset if kind == "DaemonSet" else describe_statefulset
        return describer(obj, [p for p in pods if p], events, now)
    if kind == "Service":
        endpoints = store.get("Endpoints", obj["metadata"]["namespace"], obj["metadata"]["name"])
        return describers.describe_service(obj, endpoints, events, now)
    if kind == "HorizontalPodAutoscaler":
        return describe_hpa(obj, events, now)
    if kind == "Job":
        return describe_job(obj, events, now)
    if kind == "CronJob":
        return describe_cronjob(obj, events, now)
    if kind == "ResourceQuota":
        return describe_policy.describe_quota(obj)
    if kind == "LimitRange":
        return describe_policy.describe_limitrange(obj)
    if kind == "Namespace":
        name = obj["metadata"]["name"]
        quotas, limits = store.list("ResourceQuota", name), store.list("LimitRange", name)
        return describe_policy.describe_namespace(obj, quotas, limits)
    from .output import to_yaml

    return f"Name:         {obj['metadata']['name']}\n" + to_yaml(obj)


def scale(cluster, inv: Invocation, read_file=None) -> str:
    """scale.go: Validate, then the builder's objects scaled one by one."""
    strategy = dry_run_strategy(inv)
    count = parse_int(inv.flag("replicas"))
    if count < 0:
        raise UsageError(
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0"
        )
    current = parse_int(inv.flag("current-replicas", -1))
    if current < -1:
        raise UsageError("error: The --current-replicas must specify an integer of -1 or greater")
    objects, problems = _builder_objects(
        cluster,
        inv,
        select(inv.args, selector=inv.flag("selector"), allow_empty_selector=bool(inv.flag("all"))),
    )
    if not objects:
        return check_err(aggregate(problems)) or "error: no objects passed to scale"
    lines = []
    for obj in objects:
        if strategy == "client":
            lines.append(f"{object_ref(obj)} scaled (dry run)")
            continue
        if obj["kind"] not in ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"):
            # no scale subresource: the PATCH of <resource>/<name>/scale is a 404
            lines.append(
                "Error from server (NotFound): the server could not find the requested resource"
            )
            return "\n".join(lines)
        if current != -1 and (obj["spec"].get("replicas", 1)) != current:
            lines.append(
                f"error: Expected replicas to be {current}, was {obj['spec'].get('replicas', 1)}"
            )
            return "\n".join(lines)
        if strategy != "server":
            updated = copy.deepcopy(obj)
            updated["spec"]["replicas"] = count
            record_change_cause(updated, inv)
            cluster.api.update(updated)
        lines.append(f"{object_ref(obj)} scaled{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join([*lines, check_err(aggregate(problems))]).rstrip("\n")


def _builder_objects(cluster, inv: Invocation, targets) -> tuple[list[dict], list]:
    """The objects a ContinueOnError builder visits (Latest: each one fetched), and the
    errors met on the way."""
    visited = _builder_visit(cluster, inv, targets)
    return (
        [item for item in visited if isinstance(item, dict)],
        [item for item in visited if not isinstance(item, dict)],
    )


def _builder_visit(cluster, inv: Invocation, targets) -> list:
    """What the builder visits, in order: objects, and KErrors for names that are not there."""
    namespace = _namespace(inv)
    visited: list = []
    for info, names in targets:
        ns = namespace if info.namespaced else ""
        if names is None:
            try:
                expressions = label_expressions(info, inv.flag("selector"))
            except errors.ApiError as error:  # the list's BadRequest
                visited.append(from_api(error))
                continue
            visited.extend(
                obj
                for obj in cluster.api.list(info.kind, ns or None)
                if matches_expressions(obj["metadata"].get("labels"), expressions)
            )
            continue
        for name in names:
            try:
                visited.append(cluster.api.get(info.kind, ns, name))
            except errors.ApiError as error:
                visited.append(from_api(error))
    return visited


def set_image(cluster, inv: Invocation, read_file=None) -> str:
    """set_image.go: resources, then CONTAINER=IMAGE pairs; every object patched that changes."""
    strategy = dry_run_strategy(inv)
    resources, pairs = _resources_and_pairs(inv.args, "image")
    images, invalid = {}, []
    for pair in pairs:  # cmdutil.ParsePairs(..., "image", false)
        if "=" in pair and not pair.startswith("="):
            key, value = pair.split("=", 1)
            images[key] = value
        else:
            invalid.append(pair)
    if invalid:
        raise UsageError(f"error: invalid image format: {', '.join(invalid)}")
    targets = select(
        resources, selector=inv.flag("selector"), allow_empty_selector=bool(inv.flag("all"))
    )
    objects, problems = _builder_objects(cluster, inv, targets)
    if problems:
        return check_err(problems[0] if len(problems) == 1 else aggregate(problems))
    validation = []
    if inv.flag("all") and inv.flag("selector"):
        validation.append(plain("cannot set --all and --selector at the same time"))
    if not images:
        validation.append(plain("at least one image update is required"))
    elif len(images) > 1 and "*" in images:
        validation.append(
            plain(
                "all containers are already specified by *, but saw more than one "
                "container_name=container_image pairs"
            )
        )
    if validation:
        return check_err(aggregate(validation))

    def set_images(spec: dict) -> list:
        failures = []
        for name, image in images.items():
            found = False
            for group in ("initContainers", "containers"):
                for container in spec.get(group) or ():
                    if name in ("*", container.get("name")):
                        container["image"] = image
                        found = True
            if not found:
                failures.append(plain(f"error: unable to find container named {go_quote(name)}"))
        return failures

    return update_pod_templates(cluster, inv, objects, strategy, set_images, "image updated")


def update_pod_templates(cluster, inv: Invocation, objects, strategy, change, operation) -> str:
    """The `kubectl set` loop: change each object's pod spec (change(spec) returns its
    errors), send the objects that changed (an empty patch is neither sent nor printed)."""
    lines, failures = [], []
    for obj in objects:
        updated = copy.deepcopy(obj)
        spec = _pod_spec(updated)
        if spec is None:
            resource = resolve(obj["kind"].lower()).plural
            failures.append(
                plain(
                    f"error: {resource}/{obj['metadata']['name']} the object is not a pod or does "
                    f"not have a pod template: *v1.{obj['kind']}\n"
                )
            )
            continue
        failures += change(spec)
        record_change_cause(updated, inv)  # for rollout history
        if updated == obj:
            continue
        if not strategy:
            cluster.api.update(updated)
        lines.append(f"{object_ref(obj)} {operation}{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(line for line in [*lines, check_err(aggregate(failures))] if line)


def _pod_spec(obj: dict) -> dict | None:
    """polymorphichelpers.UpdatePodSpecForObjectFn: the pod spec a kind carries."""
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if kind == "Pod":
        return spec
    if kind in (
        "Deployment",
        "ReplicaSet",
        "DaemonSet",
        "StatefulSet",
        "Job",
        "ReplicationController",
    ):
        return (spec.get("template") or {}).get("spec")
    if kind == "CronJob":
        return (((spec.get("jobTemplate") or {}).get("spec") or {}).get("template") or {}).get(
            "spec"
        )
    return None


ROLLOUT_VIEWERS = {
    # polymorphichelpers: StatusViewerFor, HistoryViewerFor, RollbackerFor, ObjectRestarterFn,
    # ObjectPauserFn, ObjectResumerFn (DaemonSets and StatefulSets too, which this simulation
    # stores but does not roll out)
    "status": lambda kind: f"no status viewer has been implemented for {kind}",
    "history": lambda kind: f"no history viewer has been implemented for {kind}",
    "undo": lambda kind: f'no rollbacker has been implemented for "{kind}"',
    "restart": lambda kind: "restarting is not supported",
    "pause": lambda kind: "pausing is not supported",
    "resume": lambda kind: "resuming is not supported",
}


def rollout(cluster, inv: Invocation, read_file=None) -> str:
    action = inv.sub
    strategy = dry_run_strategy(inv) if action == "undo" else None
    if action == "status":
        revision = parse_int(inv.flag("revision", 0))
        if revision < 0:
            raise UsageError(f"error: revision must be a positive integer: {revision}")
    if not inv.args:
        raise UsageError("error: required resource not specified")
    targets = select(inv.args, selector=inv.flag("selector"), allow_empty_selector=True)
    objects, problems = _builder_objects(cluster, inv, targets)
    out: list[str] = []
    failures = list(problems)
    for obj in objects:
        info = resolve(obj["kind"].lower())
        group_kind = f"{info.kind}.{info.group}" if info.group else info.kind
        if obj["kind"] in ("DaemonSet", "StatefulSet") and action not in ("pause", "resume"):
            result = _rollout_set(cluster, obj, inv, action, strategy)
            if result.startswith("error: ") and "\n" not in result:
                failures.append(plain(result))
            else:
                out.append(result)
            continue
        if obj["kind"] != "Deployment":
            message = ROLLOUT_VIEWERS[action](group_kind)
            if action in ("restart", "pause", "resume"):
                message = (
                    f"error: {qualified_plural(info)} {go_quote(obj['metadata']['name'])} {message}"
                )
            failures.append(plain(message))
            continue
        result = _rollout_one(cluster, obj, inv, action, strategy)
        if result.startswith("error: ") and "\n" not in result:
            failures.append(plain(result))
            continue
        out.append(result)
    if not objects and not problems:
        return f"No resources found in {_namespace(inv)} namespace."
    return "\n".join(part for part in [*out, check_err(aggregate(failures))] if part)


def _rollout_one(cluster, deployment: dict, inv: Invocation, action: str, strategy) -> str:
    if action == "status":
        return _rollout_status(cluster, deployment, inv)
    if action == "history":
        return _rollout_history(cluster, deployment, inv)
    if action == "undo":
        return _rollout_undo(cluster, deployment, inv)
    name = deployment["metadata"]["name"]
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
        cluster.api.update(updated)
        cluster.settle()
        return f"{object_ref(deployment)} restarted"
    updated = copy.deepcopy(deployment)
    paused = action == "pause"
    if bool(updated["spec"].get("paused")) == paused:
        # objectpauser.go / objectresumer.go, worded by rollout_pause.go / rollout_resume.go
        return f'error: deployments.apps "{name}" is {"already paused" if paused else "not paused"}'
    if paused:
        updated["spec"]["paused"] = True
    else:  # the resume patch is {"spec":{"paused":null}}: the field goes (omitempty)
        updated["spec"].pop("paused", None)
    cluster.api.update(updated)
    cluster.settle()
    return f"{object_ref(deployment)} {'paused' if paused else 'resumed'}"


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


def _rollout_set(cluster, obj: dict, inv: Invocation, action: str, strategy) -> str:
    """DaemonSets and StatefulSets: their viewers, rollbacker and restarter."""
    if action == "status":
        return _rollout_status(cluster, obj, inv, rollout_sets.status_line)
    if action == "history":
        return rollout_sets.rollout_history(cluster, obj, parse_int(inv.flag("revision", 0)))
    if action == "undo":
        to_revision = parse_int(inv.flag("to-revision", 0))
        return rollout_sets.rollout_undo(
            cluster, obj, to_revision, strategy, _dry_run_suffix(strategy)
        )
    return rollout_sets.rollout_restart(cluster, obj)


def _rollout_status(cluster, deployment: dict, inv: Invocation, status_line=None) -> str:
    status_line = status_line or _rollout_status_line
    timeout_ns = inv.flag("timeout", 0)  # zero (or negative) waits without a limit
    limit = timeout_ns // 1_000_000 if timeout_ns > 0 else WAIT_LIMIT_MS
    deadline = cluster.now_ms + limit
    lines: list[str] = []
    namespace, name = deployment["metadata"]["namespace"], deployment["metadata"]["name"]
    if not inv.flag("watch", True):  # --watch=false: the status once
        return status_line(deployment)[2] or status_line(deployment)[0]
    while True:
        current = cluster.api.get(deployment["kind"], namespace, name)
        line, done, error = status_line(current)
        if error:
            lines.append(error)
            break
        if not lines or lines[-1] != line:
            lines.append(line)
        if done:
            break
        due = cluster.next_event_ms()
        if due is None or due > deadline:
            # kubectl waited out its --timeout: the cluster's clock has moved on as much.
            # (Without one kubectl would wait for ever; the simulation stops waiting.)
            if timeout_ns > 0 and deadline > cluster.now_ms:
                cluster.advance(deadline - cluster.now_ms)
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
    nodes = _drain_nodes(cluster, inv)
    suffix = _dry_run_suffix(dry_run_strategy(inv))
    for node in nodes:
        name = node["metadata"]["name"]
        if bool(node["spec"].get("unschedulable")) == unschedulable:
            lines.append(f"node/{name} already {verb}{suffix}")
            continue
        if not suffix:
            _set_unschedulable(cluster, node, unschedulable)
        lines.append(f"node/{name} {verb}{suffix}")
    cluster.settle()
    return "\n".join(lines)


def _drain_nodes(cluster, inv: Invocation) -> list[dict]:
    """drain.go Complete (cordon, uncordon and drain share it): NODE names or -l."""
    if not inv.args and "selector" not in inv.flags:
        command = inv.path
        raise UsageError(
            f"error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"
        )
    selector = inv.flag("selector") or ""
    if inv.args and selector:
        raise UsageError(
            "error: cannot specify both a node name and a --selector option\n"
            f"See 'kubectl {inv.path} -h' for help and examples"
        )
    dry_run_strategy(inv)
    if not inv.args:
        if not selector.strip():
            raise UsageError(NO_RESOURCES)
        # LabelSelectorParam + ResourceTypes("nodes"): the server parses it; the first error
        # ends the command (no ContinueOnError)
        expressions = label_expressions(resolve("nodes"), selector)
        return [
            node
            for node in cluster.api.list("Node", None)
            if matches_expressions(node["metadata"].get("labels"), expressions)
        ]
    return _nodes_named(cluster, inv.args)


def _nodes_named(cluster, args: list[str]) -> list[dict]:
    """drain.go Complete: ResourceNames("nodes", args...), every node fetched before any is
    touched; the first error ends the command (this builder does not continue on error)."""
    infos = []
    for arg in args:
        if "/" in arg:
            parts = arg.split("/")
            if len(parts) != 2:
                raise UsageError(
                    "error: arguments in resource/name form may not have more than one slash"
                )
            if not parts[0] or not parts[1] or len(split_resource_argument(parts[0])) != 1:
                raise UsageError(
                    "error: arguments in resource/name form must have a single resource and name"
                )
            infos.append((resolve(parts[0]), parts[1]))
        else:
            infos.append((resolve("nodes"), arg))
    nodes = []
    for info, name in infos:
        obj = cluster.api.get(info.kind, "default" if info.namespaced else "", name)
        if info.kind != "Node":
            group = f"{info.group}/{info.version}" if info.group else f"/{info.version}"
            raise UsageError(
                f'error: expected resource of type node, got "{group}, Resource={info.plural}"'
            )
        nodes.append(obj)
    return nodes


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


# k8s.io/kubectl/pkg/drain/filters.go
DAEMONSET_FATAL = "DaemonSet-managed Pods (use --ignore-daemonsets to ignore)"
DAEMONSET_WARNING = "ignoring DaemonSet-managed Pods"
LOCAL_STORAGE_FATAL = "Pods with local storage (use --delete-emptydir-data to override)"
LOCAL_STORAGE_WARNING = "deleting Pods with local storage"
UNMANAGED_FATAL = "cannot delete Pods that declare no controller (use --force to override)"
UNMANAGED_WARNING = "deleting Pods that declare no controller"
MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


def drain(cluster, inv: Invocation, read_file=None) -> str:
    """drain.go RunDrain: cordon every node, then each node's pods through drain.Helper's
    filters (DaemonSet, mirror, local storage, unreplicated), evicted or refused."""
    nodes = _drain_nodes(cluster, inv)
    strategy = dry_run_strategy(inv)
    suffix = _dry_run_suffix(strategy)
    lines = []
    for node in nodes:  # RunCordonOrUncordon(true)
        name = node["metadata"]["name"]
        if node["spec"].get("unschedulable"):
            lines.append(f"node/{name} already cordoned{suffix}")
        else:
            if not strategy:
                _set_unschedulable(cluster, node, True)
            lines.append(f"node/{name} cordoned{suffix}")
    fatal, remaining = [], []
    for node in nodes:
        name = node["metadata"]["name"]
        deletable, warnings, refusals = _pods_for_deletion(cluster, name, inv)
        if refusals:
            detail = refusals[0] if len(refusals) == 1 else "[" + ", ".join(refusals) + "]"
            lines.append(
                f'error: unable to drain node "{name}" due to error: {detail}, continuing command...'
            )
            fatal.append(refusals)
            remaining.append(name)
            continue
        if warnings:
            lines.append(f"Warning: {'; '.join(warnings)}")
        lines.extend(_evict(cluster, deletable, inv, strategy))
        lines.append(f"node/{name} drained{suffix}")
    cluster.settle()
    if remaining:
        lines.append("There are pending nodes to be drained:")
        lines.extend(f" {name}" for name in remaining)
        # utilerrors.NewAggregate(fatal), each node's errors an aggregate of their own
        if len(fatal) == 1:
            lines.extend(fatal[0])
        else:
            lines.extend(
                refusals[0] if len(refusals) == 1 else "[" + ", ".join(refusals) + "]"
                for refusals in fatal
            )
    return "\n".join(lines)


def _pods_for_deletion(cluster, node_name: str, inv: Invocation):
    """drain.Helper.GetPodsForDeletion: (pods to evict, warnings, errors), messages grouped
    as PodDeleteList.Warnings() and errors() word them."""
    force = bool(inv.flag("force"))
    pods = [p for p in cluster.store.list("Pod") if p["spec"].get("nodeName") == node_name]
    deletable, warned, refused = [], {}, {}
    for pod in pods:
        status = ("okay", None, True)
        for check in (
            _daemonset_filter,
            _mirror_filter,
            _local_storage_filter,
            _unreplicated_filter,
        ):
            status = check(cluster, pod, inv, force)
            if not status[2]:  # filterPods: the first filter that keeps the pod decides
                break
        kind, message = status[0], status[1]
        ref = f"{pod['metadata']['namespace']}/{pod['metadata']['name']}"
        if kind == "error":
            refused.setdefault(message, []).append(ref)
            continue
        if kind == "warning":
            warned.setdefault(message, []).append(ref)
            if not status[2]:
                continue
        if kind != "skip":
            deletable.append(pod)
    warnings = [f"{message}: {', '.join(refs)}" for message, refs in warned.items()]
    refusals = [
        f"{message}: {', '.join(refs)}"
        if message.lower().startswith("cannot delete")
        else f"cannot delete {message}: {', '.join(refs)}"
        for message, refs in refused.items()
    ]
    return deletable, warnings, refusals


def _controller_of(pod: dict) -> dict | None:
    """metav1.GetControllerOf."""
    return next(
        (ref for ref in pod["metadata"].get("ownerReferences") or () if ref.get("controller")),
        None,
    )


def _finished(pod: dict) -> bool:
    return pod["status"].get("phase") in ("Succeeded", "Failed")


def _daemonset_filter(cluster, pod, inv, force):
    ref = _controller_of(pod)
    if ref is None or ref.get("kind") != "DaemonSet" or _finished(pod):
        return ("okay", None, True)
    if cluster.api.find("DaemonSet", pod["metadata"]["namespace"], ref.get("name", "")) is None:
        message = f'daemonsets.apps "{ref.get("name", "")}" not found'
        return ("warning", message, True) if force else ("error", message, False)
    if not inv.flag("ignore-daemonsets"):
        return ("error", DAEMONSET_FATAL, False)
    return ("warning", DAEMONSET_WARNING, False)


def _mirror_filter(cluster, pod, inv, force):
    if MIRROR_ANNOTATION in (pod["metadata"].get("annotations") or {}):
        return ("skip", None, False)
    return ("okay", None, True)


def _local_storage_filter(cluster, pod, inv, force):
    if not any("emptyDir" in volume for volume in pod["spec"].get("volumes") or ()):
        return ("okay", None, True)
    if _finished(pod):
        return ("okay", None, True)
    if not inv.flag("delete-emptydir-data"):
        return ("error", LOCAL_STORAGE_FATAL, False)
    return ("warning", LOCAL_STORAGE_WARNING, True)


def _unreplicated_filter(cluster, pod, inv, force):
    if _finished(pod) or _controller_of(pod) is not None:
        return ("okay", None, True)
    if force:
        return ("warning", UNMANAGED_WARNING, True)
    return ("error", UNMANAGED_FATAL, False)


def _evict(cluster, pods: list[dict], inv: Invocation, strategy) -> list[str]:
    """drain.Helper.DeleteOrEvictPods: each pod evicted (or deleted with --disable-eviction),
    then waited for until it is gone."""
    refs = [f"{p['metadata']['namespace']}/{p['metadata']['name']}" for p in pods]
    if strategy:
        return [f"evicting pod {ref}{_dry_run_suffix(strategy)}" for ref in refs]
    evicting = not inv.flag("disable-eviction")
    lines = [f"evicting pod {ref}" for ref in refs] if evicting else []
    grace = parse_int(inv.flag("grace-period", -1))
    pending = []
    for pod in pods:
        deleted = cluster.api.delete(
            "Pod",
            pod["metadata"]["namespace"],
            pod["metadata"]["name"],
            grace_seconds=grace if grace >= 0 else None,
        )
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
    done = "evicted" if evicting else "deleted"
    return lines + [f"pod/{pod['metadata']['name']} {done}" for pod in pods]


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


def _select_objects(cluster, inv: Invocation, resources: list[str]) -> list:
    """The builder's ResourceTypeOrNameArgs with -l / --all: the objects a command acts on,
    and (as strings, in visit order) the errors for names that are not there."""
    targets = select(
        resources, selector=inv.flag("selector"), allow_empty_selector=bool(inv.flag("all"))
    )
    return [
        item if isinstance(item, dict) else f"Error from server ({item.reason}): {item.text}"
        for item in _builder_visit(cluster, inv, targets)
    ]


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
        if message.startswith(("error: ", "The ", "Error from server (")):
            return [message]
        return [f"error: {message}"]
    return errors_seen


def _metadata_update_args(inv: Invocation, noun: str, parse_pairs):
    """label.go / annotate.go Complete and Validate: (resources, new pairs, keys to remove)."""
    resources, pairs = _resources_and_pairs(inv.args, noun)
    new, remove = parse_pairs(pairs)
    if inv.flag("all") and inv.flag("selector"):
        raise UsageError("error: cannot set --all and --selector at the same time")
    if not resources:
        raise UsageError(
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"
        )
    if not new and not remove:
        raise UsageError(f"error: at least one {noun} update is required")
    return resources, new, remove


def label(cluster, inv: Invocation, read_file=None) -> str:
    """kubectl label (label.go): add key=value, overwrite with --overwrite, remove with key-."""
    strategy = dry_run_strategy(inv)
    resources, new, remove = _metadata_update_args(inv, "label", _parse_labels)
    overwrite = bool(inv.flag("overwrite"))
    lines, failures = [], []
    for obj in _select_objects(cluster, inv, resources):
        if isinstance(obj, str):
            failures.append(obj)
            continue
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
        record_change_cause(after_obj, inv)  # part of the same patch
        after = json.dumps(after_obj, sort_keys=True)
        # label.go updateDataChangeMsg
        message = "not labeled"
        if before != after:
            message = "unlabeled" if not overwrite and len(after) < len(before) else "labeled"
        if not strategy and before != after:
            for field in ("labels", "annotations"):
                if field in after_obj["metadata"]:
                    obj["metadata"][field] = after_obj["metadata"][field]
                else:
                    obj["metadata"].pop(field, None)
            cluster.api.touch(obj)
        lines.append(f"{object_ref(obj)} {message}{_dry_run_suffix(strategy)}")
    cluster.settle()
    return "\n".join(lines + _visit_errors(failures))


def annotate(cluster, inv: Invocation, read_file=None) -> str:
    """kubectl annotate (annotate.go); kubernetes.io/change-cause may always be overwritten."""
    strategy = dry_run_strategy(inv)
    resources, new, remove = _metadata_update_args(inv, "annotation", _parse_annotations)
    lines, failures = [], []
    for obj in _select_objects(cluster, inv, resources):
        if isinstance(obj, str):
            failures.append(obj)
            continue
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
            cause = inv.change_cause()
            if cause is not None:  # annotate.go records first: the user's own words win
                annotations[du.CHANGE_CAUSE] = cause
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


LOGS_USAGE = (
    "expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a "
    "required argument for the logs command"
)
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"
WAITING_LOG_REASONS = {
    "ErrImagePull": "image can't be pulled",
    "ImagePullBackOff": "trying and failing to pull image",
}


def logs(cluster, inv: Invocation, read_file=None) -> str:
    """logs.go: Complete, Validate, then LogsForObject (polymorphichelpers/logsforobject.go).

    Simplification: `-f` prints what the container has logged so far and returns, since a
    script cannot stream."""
    if inv.flag("selector"):  # -l: every matching pod's logs (kubectl/logs_selector.py)
        return logs_by_selector(cluster, inv, _namespace(inv), _pod_log_lines)
    if not 1 <= len(inv.args) <= 2:
        raise UsageError(f"error: {LOGS_USAGE}\nSee 'kubectl logs -h' for help and examples")
    container_flag = inv.flag("container")
    if container_flag is not None and len(inv.args) == 2:
        raise UsageError("error: only one of -c or an inline [CONTAINER] arg is allowed")
    tail = parse_int(inv.flag("tail", -1))
    if tail < -1:
        raise UsageError("error: --tail must be greater than or equal to -1")
    wanted = inv.args[1] if len(inv.args) == 2 else container_flag
    found = pod_for_target(cluster, _namespace(inv), inv.args[0], "get the logs from")
    if isinstance(found, str):
        return found
    pod, count = found
    notes = [f"Found {count} pods, using pod/{pod['metadata']['name']}"] if count > 1 else []
    pod_notes, lines = _pod_log_lines(cluster, inv, pod, wanted, tail)
    return "\n".join([*notes, *pod_notes, *lines])


def _pod_log_lines(cluster, inv: Invocation, pod: dict, wanted, tail: int):
    """One pod's log request: (kubectl's notes on stderr, the log lines or the error)."""
    notes, container = default_container(pod, wanted)
    if container is None:
        return notes, [
            "Error from server (BadRequest): a container name must be specified for pod "
            f"{pod['metadata']['name']}"
        ]
    spec = pod["spec"]
    every = (
        [c["name"] for c in spec.get("containers") or ()]
        + [c["name"] for c in spec.get("initContainers") or ()]
        + [c["name"] for c in spec.get("ephemeralContainers") or ()]
    )
    if container not in every:  # the API server's pod log REST (ValidateContainer)
        return notes, [
            f"Error from server (BadRequest): container {container} is not valid for pod "
            f"{pod['metadata']['name']}"
        ]
    previous = bool(inv.flag("previous"))
    query = {
        "follow": bool(inv.flag("follow")),
        "previous": previous,
        "tailLines": tail if tail >= 0 else None,
    }
    try:
        lines = cluster.kubelets.container_logs(pod, container, previous, query)
    except errors.ApiError as error:
        # StandardErrorMessage: a status without a reason is "Error from server: <message>"
        reason = f" ({error.reason})" if error.reason else ""
        return notes, [f"Error from server{reason}: {error.message}"]
    if lines is None and previous:
        return notes, [
            f'Error from server (BadRequest): previous terminated container "{container}" in '
            f'pod "{pod["metadata"]["name"]}" not found'
        ]
    if lines is None:
        status = next(
            (
                s
                for s in (pod["status"].get("containerStatuses") or [])
                + (pod["status"].get("initContainerStatuses") or [])
                if s["name"] == container
            ),
            None,
        )
        reason = ((status or {}).get("state", {}).get("waiting") or {}).get(
            "reason", "ContainerCreating"
        )
        # the kubelet's validateContainerLogStatus words the two pull failures itself
        reason = WAITING_LOG_REASONS.get(reason, reason)
        return notes, [
            f'Error from server (BadRequest): container "{container}" in pod '
            f'"{pod["metadata"]["name"]}" is waiting to start: {reason}'
        ]
    if tail >= 0:
        lines = lines[-tail:] if tail else []
    return notes, lines


def default_container(pod: dict, wanted: str | None) -> tuple[list[str], str | None]:
    """podcmd.FindOrDefaultContainerByName: the container asked for, else the
    kubectl.kubernetes.io/default-container annotation's, else the first, saying so when
    the pod has others; (kubectl's notes, the name or None when the pod has none)."""
    notes: list[str] = []
    spec = pod["spec"]
    containers = [c["name"] for c in spec.get("containers") or ()]
    every = (
        containers
        + [c["name"] for c in spec.get("initContainers") or ()]
        + [c["name"] for c in spec.get("ephemeralContainers") or ()]
    )
    container = wanted
    if not container:
        default = (pod["metadata"].get("annotations") or {}).get(DEFAULT_CONTAINER_ANNOTATION)
        if default:
            if default in every:
                container = default
            else:
                notes.append(
                    f'Default container name "{default}" not found in pod {pod["metadata"]["name"]}'
                )
    if not container:
        if not containers:
            return notes, None
        container = containers[0]
        if len(every) > 1:  # podcmd.AllContainerNames
            names = (
                containers
                + [f"{c['name']} (ephem)" for c in spec.get("ephemeralContainers") or ()]
                + [f"{c['name']} (init)" for c in spec.get("initContainers") or ()]
            )
            notes.append(f'Defaulted container "{container}" out of: {", ".join(names)}')
    return notes, container


def pod_for_target(cluster, namespace: str, target: str, action: str):
    """The pod a POD or TYPE/NAME argument stands for (logs, exec): the pod itself, or the
    first of the object's pods as GetFirstPod ranks them; (pod, how many matched), or
    kubectl's error text. action words the error: "get the logs from", "attach to"."""
    if "/" in target:
        ((info, names),) = _logs_target(target)
        obj = cluster.api.get(info.kind, namespace if info.namespaced else "", names[0])
    else:
        obj = cluster.api.get("Pod", namespace, target)
    if obj["kind"] == "Pod":
        return obj, 1
    selector = _selector_of(obj)
    if selector is None:
        kind = obj["kind"]
        return f"error: cannot {action} *v1.{kind}: selector for *v1.{kind} not implemented"
    pods = [
        p
        for p in cluster.api.list("Pod", obj["metadata"].get("namespace") or namespace)
        if selector(p["metadata"].get("labels") or {})
    ]
    if not pods:  # GetFirstPod waits --pod-running-timeout for one
        return "error: timed out waiting for the condition"
    return sorted(pods, key=_logging_rank)[0], len(pods)


def _logs_target(target: str):
    """ResourceNames("pods", NAME): TYPE/NAME names its own type."""
    parts = target.split("/")
    if len(parts) != 2:
        raise UsageError("error: arguments in resource/name form may not have more than one slash")
    if not parts[0] or not parts[1] or len(split_resource_argument(parts[0])) != 1:
        raise UsageError(
            "error: arguments in resource/name form must have a single resource and name"
        )
    return [(resolve(parts[0]), [parts[1]])]


def _selector_of(obj: dict):
    """polymorphichelpers.SelectorsForObject: a matcher for the pods an object selects."""
    spec = obj.get("spec") or {}
    if obj["kind"] in ("Service", "ReplicationController"):
        selector = spec.get("selector") or {}
        if not selector:
            return None
        return lambda labels: all(labels.get(k) == v for k, v in selector.items())
    if obj["kind"] in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"):
        selector = spec.get("selector")
        return lambda labels: selector_matches(selector, labels)
    return None


def _logging_rank(pod: dict):
    """sort.Reverse(podutils.ActivePods): assigned, running, ready (longest), fewest
    restarts, oldest first; the name settles ties."""
    status = pod.get("status") or {}
    phase = {"Pending": 0, "Unknown": 1, "Running": 2}.get(status.get("phase"), 0)
    ready = next((c for c in status.get("conditions") or () if c.get("type") == "Ready"), None)
    is_ready = bool(ready and ready.get("status") == "True")
    ready_since = (ready or {}).get("lastTransitionTime") or ""
    restarts = max(
        (c.get("restartCount", 0) for c in status.get("containerStatuses") or ()), default=0
    )
    return (
        not pod["spec"].get("nodeName"),
        -phase,
        not is_ready,
        ready_since if is_ready else "",
        restarts,
        pod["metadata"].get("creationTimestamp") or "",
        pod["metadata"]["name"],
    )


from .autoscale import autoscale  # noqa: E402  (these use the helpers above)
from .events_cmd import run_events  # noqa: E402
from .exec_cmd import run_exec  # noqa: E402
from .expose import expose  # noqa: E402
from .set_resources import set_resources  # noqa: E402


def run_set(cluster, inv: Invocation, read_file=None) -> str:
    """`kubectl set image|resources`."""
    if inv.path == "set resources":
        return set_resources(cluster, inv, read_file)
    return set_image(cluster, inv, read_file)


VERBS = {
    "run": run,
    "apply": apply,
    "create": create,
    "delete": delete,
    "get": run_get,
    "describe": describe,
    "scale": scale,
    "set": run_set,
    "rollout": rollout,
    "cordon": cordon,
    "uncordon": uncordon,
    "drain": drain,
    "label": label,
    "annotate": annotate,
    "logs": logs,
    "top": run_top,
    "autoscale": autoscale,
    "expose": expose,
    "exec": run_exec,
    "events": run_events,
}
