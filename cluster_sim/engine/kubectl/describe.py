"""`kubectl describe`, laid out as k8s.io/kubectl/pkg/describe/describe.go lays it out.

Each describer writes tab-separated text through a PrefixWriter (two spaces per level)
and the result goes through Go's tabwriter (minwidth 0, padding 2), so labels such as
`Name:` line up per block of consecutive lines. Upstream's quirks are kept on purpose:
`Conditions` rows end in a space ("%v \\t%v \\n"), an empty IP leaves trailing spaces.
Objects are API-shaped dicts; `events` are core/v1 Event dicts for the object (None hides
the Events section, as `--show-events=false` does).
"""

from ..defaults import qos_class
from ..timefmt import describe_time
from .go_sort import go_sort
from .printers import (
    Quantity,
    api_list_order,
    controller_of,
    find_node_roles,
    format_label_selector,
    format_labels,
    int_or_string,
    selector_string,
    since,
    timestamp_ms,
)
from .table import describe_tabwrite, escape_terminal

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_ANNOTATION_LEN = 140
ZERO_TIME = "Mon, 01 Jan 0001 00:00:00 +0000"


class _Writer:
    """describe.go prefixWriter: `level` adds two spaces before the text."""

    def __init__(self):
        self._parts: list[str] = []

    def write(self, level: int, text: str) -> None:
        self._parts.append(escape_terminal("  " * level + text))

    def write_line(self, text: str = "") -> None:
        self._parts.append(escape_terminal(text + "\n"))

    def render(self) -> str:
        return describe_tabwrite("".join(self._parts))


def _time(value) -> str:
    """time.RFC1123Z, as describe prints timestamps; Go's zero time when unset."""
    ms = timestamp_ms(value)
    return ZERO_TIME if ms is None else describe_time(ms)


def _bool(value) -> str:
    return "True" if value else "False"


def _go_bool(value) -> str:
    return "true" if value else "false"


# ---------------------------------------------------------------------------
# Shared blocks


def _labels_multiline(w, title, labels, initial="", inner="\t"):
    """printLabelsMultilineWithIndent."""
    w.write(0, f"{initial}{title}:{inner}")
    if not labels:
        w.write_line("<none>")
        return
    for i, key in enumerate(sorted(labels)):
        if i:
            w.write(0, initial)
            w.write(0, inner)
        w.write(0, f"{key}={labels[key]}\n")


def _annotations_multiline(w, title, annotations):
    """printAnnotationsMultiline: last-applied-configuration hidden, long values wrapped."""
    w.write(0, f"{title}:\t")
    keys = sorted(k for k in (annotations or {}) if k != LAST_APPLIED)
    if not keys:
        w.write_line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = annotations[key].removesuffix("\n")
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for line in value.split("\n"):
                if len(line) > MAX_ANNOTATION_LEN - 2:
                    line = line[: MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {line}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def _taint(taint: dict) -> str:
    """Taint.ToString."""
    if taint.get("value"):
        return f"{taint['key']}={taint['value']}:{taint.get('effect', '')}"
    return f"{taint['key']}:{taint.get('effect', '')}"


def _taints_multiline(w, title, taints):
    w.write(0, f"{title}:\t")
    if not taints:
        w.write_line("<none>")
        return
    ordered = sorted(taints, key=lambda t: f"{t.get('effect', '')},{t['key']}")
    for i, taint in enumerate(ordered):
        if i:
            w.write(0, "\t")
        w.write(0, _taint(taint) + "\n")


def _tolerations_multiline(w, title, tolerations):
    """printTolerationsMultilineWithIndent: `key=value:Effect op=Exists for 300s`."""
    w.write(0, f"{title}:\t")
    if not tolerations:
        w.write_line("<none>")
        return
    for i, tol in enumerate(sorted(tolerations, key=lambda t: t.get("key", ""))):
        if i:
            w.write(0, "\t")
        key, value, effect = tol.get("key", ""), tol.get("value", ""), tol.get("effect", "")
        text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
        if tol.get("operator") == "Exists" and not value:
            text += " op=Exists" if key or effect else "op=Exists"
        if tol.get("tolerationSeconds") is not None:
            text += f" for {tol['tolerationSeconds']}s"
        w.write(0, text + "\n")


def _events(w, events, now_ms):
    """DescribeEvents: oldest lastTimestamp first; Age is `2m (x3 over 5m)` when repeated."""
    if events is None:
        return
    if not events:
        w.write(0, "Events:\t<none>\n")
        return

    def last_seen(event):
        ms = timestamp_ms(event.get("lastTimestamp"))
        return (0, 0) if ms is None else (1, ms)

    # sort.Sort(SortableEvents): by lastTimestamp, unstable; an events.k8s.io event (the
    # scheduler's) has none, so it sorts first.
    events = list(events)
    go_sort(events, lambda a, b: last_seen(a) < last_seen(b))
    w.write(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
    w.write(1, "----\t------\t----\t----\t-------\n")
    for event in events:
        interval = event_age(event, now_ms)
        source = (event.get("source") or {}).get("component") or event.get("reportingComponent", "")
        message = (event.get("message") or "").strip()
        w.write(
            1,
            f"{event.get('type', '')}\t{event.get('reason', '')}\t{interval}\t{source}\t{message}\n",
        )


def event_age(event: dict, now_ms: int) -> str:
    """DescribeEvents' Age cell: `61s`, or `5s (x2 over 62s)` for a repeated event."""
    if event.get("eventTime"):
        first = since(now_ms, event["eventTime"])
    else:
        first = since(now_ms, event.get("firstTimestamp"))
    series, count = event.get("series"), event.get("count") or 0
    if series:
        return f"{since(now_ms, series.get('lastObservedTime'))} (x{series.get('count', 0)} over {first})"
    if count > 1:
        return f"{since(now_ms, event.get('lastTimestamp'))} (x{count} over {first})"
    return first


def describe_events(events: list[dict], now_ms: int) -> str:
    """Just the Events section of a describe; `Events:  <none>` when empty."""
    w = _Writer()
    _events(w, events or [], now_ms)
    return w.render()


def _resources(w, resources, level):
    """describeResources: Limits then Requests, resource names sorted."""
    if not resources:
        return
    for title in ("limits", "requests"):
        values = resources.get(title) or {}
        if values:
            w.write(level, f"{title.capitalize()}:\n")
        for name in sorted(values):
            w.write(level + 1, f"{name}:\t{Quantity.parse(values[name])}\n")


def _conditions_table(w, conditions):
    """Type/Status/Reason as deployments and replica sets print them."""
    if not conditions:
        return
    w.write(0, "Conditions:\n  Type\tStatus\tReason\n")
    w.write(1, "----\t------\t------\n")
    for c in conditions:
        w.write(1, f"{c.get('type', '')} \t{c.get('status', '')}\t{c.get('reason', '')}\n")


# ---------------------------------------------------------------------------
# Containers and pod templates


def _probe(probe: dict) -> str:
    """DescribeProbe, with the API server's probe defaults."""
    attrs = (
        f"delay={probe.get('initialDelaySeconds', 0)}s timeout={probe.get('timeoutSeconds', 1)}s "
        f"period={probe.get('periodSeconds', 10)}s #success={probe.get('successThreshold', 1)} "
        f"#failure={probe.get('failureThreshold', 3)}"
    )
    if probe.get("exec") is not None:
        return f"exec [{' '.join(probe['exec'].get('command') or [])}] {attrs}"
    if probe.get("httpGet") is not None:
        get = probe["httpGet"]
        scheme = (get.get("scheme") or "HTTP").lower()
        host, port = get.get("host", ""), get.get("port")
        hostport = host if port is None else _join_host_port(host, int_or_string(port))
        return f"http-get {scheme}://{hostport}{get.get('path', '')} {attrs}"
    if probe.get("tcpSocket") is not None:
        tcp = probe["tcpSocket"]
        return f"tcp-socket {tcp.get('host', '')}:{int_or_string(tcp.get('port'))} {attrs}"
    if probe.get("grpc") is not None:
        grpc = probe["grpc"]
        return f"grpc <pod>:{grpc.get('port')} {grpc.get('service', '')} {attrs}"
    return f"unknown {attrs}"


def _join_host_port(host: str, port: str) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


_FIELD_PATHS = {
    "metadata.name": lambda pod: pod.get("metadata", {}).get("name", ""),
    "metadata.namespace": lambda pod: pod.get("metadata", {}).get("namespace", ""),
    "metadata.uid": lambda pod: pod.get("metadata", {}).get("uid", ""),
    "spec.nodeName": lambda pod: pod.get("spec", {}).get("nodeName", ""),
    "spec.serviceAccountName": lambda pod: pod.get("spec", {}).get("serviceAccountName", ""),
    "status.hostIP": lambda pod: pod.get("status", {}).get("hostIP", ""),
    "status.podIP": lambda pod: pod.get("status", {}).get("podIP", ""),
}


def _resource_field_value(ref: dict, container: dict) -> str:
    """resourcehelper.ExtractContainerResourceValue for cpu/memory limits and requests."""
    kind, _, name = ref.get("resource", "").partition(".")
    amount = ((container.get("resources") or {}).get(kind) or {}).get(name)
    divisor = Quantity.parse(ref.get("divisor") or "1")
    if name == "cpu":
        millis = Quantity.parse(amount).milli_value() if amount is not None else 0
        return str(-(-millis // max(divisor.milli_value(), 1)))
    if name in ("memory", "ephemeral-storage"):
        value = Quantity.parse(amount).int_value() if amount is not None else 0
        return str(-(-value // max(divisor.int_value(), 1)))
    return ""


def _env(w, container, pod):
    """describeContainerEnvVars; `pod` resolves fieldRefs (None inside pod templates)."""
    env = container.get("env") or []
    w.write(2, "Environment:" + ("" if env else "\t<none>") + "\n")
    for var in env:
        name, source = var.get("name", ""), var.get("valueFrom")
        if source is None:
            for i, line in enumerate((var.get("value") or "").split("\n")):
                w.write(3, f"{name}:\t{line}\n" if i == 0 else f"\t{line}\n")
        elif source.get("fieldRef") is not None:
            ref = source["fieldRef"]
            resolve = _FIELD_PATHS.get(ref.get("fieldPath", ""))
            value = resolve(pod) if pod is not None and resolve else ""
            version = ref.get("apiVersion", "v1")
            w.write(3, f"{name}:\t{value} ({version}:{ref.get('fieldPath', '')})\n")
        elif source.get("resourceFieldRef") is not None:
            ref = source["resourceFieldRef"]
            value = _resource_field_value(ref, container)
            if value == "0" and ref.get("resource") in ("limits.cpu", "limits.memory"):
                value = "node allocatable"
            w.write(3, f"{name}:\t{value} ({ref.get('resource', '')})\n")
        elif source.get("secretKeyRef") is not None:
            ref = source["secretKeyRef"]
            optional = _go_bool(ref.get("optional"))
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' in secret '{ref.get('name', '')}'>"
                f"\tOptional: {optional}\n",
            )
        elif source.get("configMapKeyRef") is not None:
            ref = source["configMapKeyRef"]
            optional = _go_bool(ref.get("optional"))
            w.write(
                3,
                f"{name}:\t<set to the key '{ref.get('key', '')}' of config map "
                f"'{ref.get('name', '')}'>\tOptional: {optional}\n",
            )


def _env_from(w, container):
    sources = container.get("envFrom") or []
    if not sources:
        return
    w.write(2, "Environment Variables from:\n")
    for source in sources:
        if source.get("configMapRef") is not None:
            kind, ref = "ConfigMap", source["configMapRef"]
        else:
            kind, ref = "Secret", source.get("secretRef") or {}
        optional = _go_bool(ref.get("optional"))
        prefix = source.get("prefix")
        kind_text = f"{kind} with prefix '{prefix}'" if prefix else kind
        w.write(3, f"{ref.get('name', '')}\t{kind_text}\tOptional: {optional}\n")


def _container_state(w, title, state):
    """describeStatus."""
    state = state or {}
    if state.get("running") is not None:
        w.write(2, f"{title}:\tRunning\n")
        w.write(3, f"Started:\t{_time(state['running'].get('startedAt'))}\n")
    elif state.get("waiting") is not None:
        w.write(2, f"{title}:\tWaiting\n")
        if state["waiting"].get("reason"):
            w.write(3, f"Reason:\t{state['waiting']['reason']}\n")
    elif state.get("terminated") is not None:
        t = state["terminated"]
        w.write(2, f"{title}:\tTerminated\n")
        if t.get("reason"):
            w.write(3, f"Reason:\t{t['reason']}\n")
        if t.get("message"):
            w.write(3, f"Message:\t{t['message']}\n")
        w.write(3, f"Exit Code:\t{t.get('exitCode', 0)}\n")
        if (t.get("signal") or 0) > 0:
            w.write(3, f"Signal:\t{t['signal']}\n")
        w.write(3, f"Started:\t{_time(t.get('startedAt'))}\n")
        w.write(3, f"Finished:\t{_time(t.get('finishedAt'))}\n")
    else:
        w.write(2, f"{title}:\tWaiting\n")


def _container_ports(ports, field) -> str:
    return ", ".join(f"{p.get(field, 0)}/{p.get('protocol', 'TCP')}" for p in ports or [])


def _containers(w, label, containers, statuses, pod, space=""):
    """describeContainers: one block per container, status details when known."""
    by_name = {s.get("name"): s for s in statuses or []}
    w.write(0, f"{space}{label}:{'' if containers else ' <none>'}\n")
    name_indent = " " if space else ""
    for container in containers:
        status = by_name.get(container.get("name"))
        w.write(1, f"{name_indent}{container.get('name', '')}:\n")
        if status is not None:
            w.write(2, f"Container ID:\t{status.get('containerID', '')}\n")
        w.write(2, f"Image:\t{container.get('image', '')}\n")
        if status is not None:
            w.write(2, f"Image ID:\t{status.get('imageID', '')}\n")
        ports = _container_ports(container.get("ports"), "containerPort")
        host_ports = _container_ports(container.get("ports"), "hostPort")
        w.write(2, f"Ports:\t{ports}\n" if "," in ports else f"Port:\t{ports or '<none>'}\n")
        if "," in host_ports:
            w.write(2, f"Host Ports:\t{host_ports}\n")
        else:
            w.write(2, f"Host Port:\t{host_ports or '<none>'}\n")
        for title, field in (("Command", "command"), ("Args", "args")):
            if container.get(field):
                w.write(2, f"{title}:\n")
                for item in container[field]:
                    for line in item.split("\n"):
                        w.write(3, f"{line}\n")
        if status is not None:
            _container_state(w, "State", status.get("state"))
            last = status.get("lastState") or {}
            if last.get("terminated") is not None:
                _container_state(w, "Last State", last)
            w.write(2, f"Ready:\t{_bool(status.get('ready'))}\n")
            w.write(2, f"Restart Count:\t{status.get('restartCount', 0)}\n")
        _resources(w, container.get("resources"), 2)
        for title, field in (("Liveness", "livenessProbe"), ("Readiness", "readinessProbe")):
            if container.get(field) is not None:
                w.write(2, f"{title}:\t{_probe(container[field])}\n")
        if container.get("startupProbe") is not None:
            w.write(2, f"Startup:\t{_probe(container['startupProbe'])}\n")
        _env_from(w, container)
        _env(w, container, pod)
        mounts = sorted(container.get("volumeMounts") or [], key=lambda m: m.get("mountPath", ""))
        w.write(2, "Mounts:" + ("" if mounts else "\t<none>") + "\n")
        for mount in mounts:
            flags = ["ro" if mount.get("readOnly") else "rw"]
            if mount.get("subPath"):
                flags.append(f'path="{mount["subPath"]}"')
            w.write(
                3,
                f"{mount.get('mountPath', '')} from {mount.get('name', '')} ({','.join(flags)})\n",
            )


def _volumes(w, volumes, space=""):
    """describeVolumes for the volume types a simulated cluster uses."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    name_indent = " " if space else ""
    for volume in volumes:
        w.write(1, f"{name_indent}{volume.get('name', '')}:\n")
        if volume.get("hostPath") is not None:
            source = volume["hostPath"]
            w.write(
                2,
                "Type:\tHostPath (bare host directory volume)\n"
                f"    Path:\t{source.get('path', '')}\n"
                f"    HostPathType:\t{source.get('type') or '<none>'}\n",
            )
        elif volume.get("emptyDir") is not None:
            source = volume["emptyDir"]
            size = source.get("sizeLimit")
            limit = (
                str(Quantity.parse(size)) if size and Quantity.parse(size).value > 0 else "<unset>"
            )
            w.write(
                2,
                "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
                f"    Medium:\t{source.get('medium', '')}\n"
                f"    SizeLimit:\t{limit}\n",
            )
        elif volume.get("secret") is not None:
            source = volume["secret"]
            w.write(
                2,
                "Type:\tSecret (a volume populated by a Secret)\n"
                f"    SecretName:\t{source.get('secretName', '')}\n"
                f"    Optional:\t{_go_bool(source.get('optional'))}\n",
            )
        elif volume.get("configMap") is not None:
            source = volume["configMap"]
            w.write(
                2,
                "Type:\tConfigMap (a volume populated by a ConfigMap)\n"
                f"    Name:\t{source.get('name', '')}\n"
                f"    Optional:\t{_go_bool(source.get('optional'))}\n",
            )
        elif volume.get("persistentVolumeClaim") is not None:
            source = volume["persistentVolumeClaim"]
            w.write(
                2,
                "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the "
                "same namespace)\n"
                f"    ClaimName:\t{source.get('claimName', '')}\n"
                f"    ReadOnly:\t{_go_bool(source.get('readOnly'))}\n",
            )
        elif volume.get("projected") is not None:
            _projected_volume(w, volume["projected"])
        elif volume.get("downwardAPI") is not None:
            w.write(
                2,
                "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n",
            )
            for item in volume["downwardAPI"].get("items") or []:
                if item.get("fieldRef") is not None:
                    w.write(
                        3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n"
                    )
                if item.get("resourceFieldRef") is not None:
                    w.write(
                        3,
                        f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n",
                    )
        else:
            w.write(1, "<unknown>\n")


def _projected_volume(w, projected):
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for source in projected.get("sources") or []:
        if source.get("secret") is not None:
            secret = source["secret"]
            w.write(
                2,
                f"SecretName:\t{secret.get('name', '')}\n    Optional:\t{_go_bool(secret.get('optional'))}\n",
            )
        elif source.get("downwardAPI") is not None:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif source.get("configMap") is not None:
            cm = source["configMap"]
            w.write(
                2,
                f"ConfigMapName:\t{cm.get('name', '')}\n    Optional:\t{_go_bool(cm.get('optional'))}\n",
            )
        elif source.get("serviceAccountToken") is not None:
            seconds = source["serviceAccountToken"].get("expirationSeconds", 3600)
            w.write(2, f"TokenExpirationSeconds:\t{seconds}\n")


def _topology_spread(w, constraints, space=""):
    if not constraints:
        return
    w.write(0, f"{space}Topology Spread Constraints:\t")
    for i, c in enumerate(sorted(constraints, key=lambda c: c.get("topologyKey", ""))):
        if i:
            w.write(0, space)
            w.write(0, "\t")
        text = (
            f"{c.get('topologyKey', '')}:{c.get('whenUnsatisfiable', '')} "
            f"when max skew {c.get('maxSkew', 0)} is exceeded"
        )
        if c.get("labelSelector") is not None:
            text += f" for selector {format_label_selector(c['labelSelector'])}"
        w.write(0, text + "\n")


def _pod_template(w, template):
    """DescribePodTemplate (deployments, replica sets)."""
    w.write(0, "Pod Template:\n")
    if template is None:
        w.write(1, "<unset>")
        return
    meta, spec = template.get("metadata") or {}, template.get("spec") or {}
    _labels_multiline(w, "  Labels", meta.get("labels"))
    if meta.get("annotations"):
        _annotations_multiline(w, "  Annotations", meta["annotations"])
    if spec.get("serviceAccountName"):
        w.write(1, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("initContainers"):
        _containers(w, "Init Containers", spec["initContainers"], None, None, "  ")
    _containers(w, "Containers", spec.get("containers") or [], None, None, "  ")
    _volumes(w, spec.get("volumes"), "  ")
    _topology_spread(w, spec.get("topologySpreadConstraints"), "  ")
    if spec.get("priorityClassName"):
        w.write(1, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    _labels_multiline(w, "  Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "  Tolerations", spec.get("tolerations"))


def describe_pod_template(template: dict | None) -> str:
    """DescribePodTemplate on its own, as `kubectl rollout history --revision=N` prints it.

    history.go printTemplate writes through a PrefixWriter straight into a buffer, with no
    tabwriter: the tabs stay in the output (a terminal expands them to its tab stops)."""
    w = _Writer()
    _pod_template(w, template)
    return "".join(w._parts)


# ---------------------------------------------------------------------------
# Pods


def pod_qos_class(pod: dict) -> str:
    """qos.GetPodQOS: status.qosClass when set, else computed from cpu/memory resources."""
    return pod.get("status", {}).get("qosClass") or qos_class(pod.get("spec", {}))


def describe_pod(pod: dict, events: list[dict] | None, now_ms: int) -> str:
    """describePod."""
    meta, spec, status = pod.get("metadata", {}), pod.get("spec", {}), pod.get("status", {})
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    if spec.get("priority") is not None:
        w.write(0, f"Priority:\t{spec['priority']}\n")
    if spec.get("priorityClassName"):
        w.write(0, f"Priority Class Name:\t{spec['priorityClassName']}\n")
    if spec.get("runtimeClassName"):
        w.write(0, f"Runtime Class Name:\t{spec['runtimeClassName']}\n")
    if spec.get("serviceAccountName"):
        w.write(0, f"Service Account:\t{spec['serviceAccountName']}\n")
    if spec.get("nodeName"):
        w.write(0, f"Node:\t{spec['nodeName']}/{status.get('hostIP', '')}\n")
    else:
        w.write(0, "Node:\t<none>\n")
    if status.get("startTime"):
        w.write(0, f"Start Time:\t{_time(status['startTime'])}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    phase = status.get("phase", "")
    if meta.get("deletionTimestamp") and phase not in ("Failed", "Succeeded"):
        w.write(0, f"Status:\tTerminating (lasts {since(now_ms, meta['deletionTimestamp'])})\n")
        grace = meta.get(
            "deletionGracePeriodSeconds", spec.get("terminationGracePeriodSeconds", 30)
        )
        w.write(0, f"Termination Grace Period:\t{grace}s\n")
    else:
        w.write(0, f"Status:\t{phase}\n")
    if status.get("reason"):
        w.write(0, f"Reason:\t{status['reason']}\n")
    if status.get("message"):
        w.write(0, f"Message:\t{status['message']}\n")
    w.write(0, f"IP:\t{status.get('podIP', '')}\n")
    pod_ips = status.get("podIPs") or []
    if not pod_ips:
        w.write(0, "IPs:\t<none>\n")
    else:
        w.write(0, "IPs:\n")
        for entry in pod_ips:
            w.write(1, f"IP:\t{entry.get('ip', '')}\n")
    owner = controller_of(pod)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    if status.get("nominatedNodeName"):
        w.write(0, f"NominatedNodeName:\t{status['nominatedNodeName']}\n")
    if spec.get("resources") is not None:
        w.write(0, "Resources:\n")
        _resources(w, spec["resources"], 1)
    if spec.get("initContainers"):
        _containers(
            w, "Init Containers", spec["initContainers"], status.get("initContainerStatuses"), pod
        )
    _containers(w, "Containers", spec.get("containers") or [], status.get("containerStatuses"), pod)
    conditions = status.get("conditions") or []
    if spec.get("readinessGates"):
        w.write(0, "Readiness Gates:\n  Type\tStatus\n")
        for gate in spec["readinessGates"]:
            kind = gate.get("conditionType", "")
            state = next((c.get("status") for c in conditions if c.get("type") == kind), "<none>")
            w.write(1, f"{kind} \t{state} \n")
    if conditions:
        w.write(0, "Conditions:\n  Type\tStatus\n")
        for c in conditions:
            w.write(1, f"{c.get('type', '')} \t{c.get('status', '')} \n")
    _volumes(w, spec.get("volumes"))
    w.write(0, f"QoS Class:\t{pod_qos_class(pod)}\n")
    _labels_multiline(w, "Node-Selectors", spec.get("nodeSelector"))
    _tolerations_multiline(w, "Tolerations", spec.get("tolerations"))
    _topology_spread(w, spec.get("topologySpreadConstraints"))
    _events(w, events, now_ms)
    return w.render()


# ---------------------------------------------------------------------------
# Nodes


def _pod_requests_and_limits(pod: dict) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """resourcehelper.PodRequestsAndLimits: containers summed, init containers as a max,
    restartable (sidecar) init containers added, pod overhead on top."""

    def add(total, values):
        for name, raw in (values or {}).items():
            q = Quantity.parse(raw)
            total[name] = total[name] + q if name in total else q

    def maximum(total, values):
        for name, q in values.items():
            if name not in total or q.value > total[name].value:
                total[name] = q

    spec = pod.get("spec", {})
    result = []
    for kind in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for container in spec.get("containers") or []:
            add(total, (container.get("resources") or {}).get(kind))
        sidecars: dict[str, Quantity] = {}
        init_max: dict[str, Quantity] = {}
        for container in spec.get("initContainers") or []:
            values = (container.get("resources") or {}).get(kind)
            if container.get("restartPolicy") == "Always":
                add(total, values)
                add(sidecars, values)
                current = dict(sidecars)
            else:
                current = {}
                add(current, values)
                for name, q in sidecars.items():
                    current[name] = current[name] + q if name in current else q
            maximum(init_max, current)
        maximum(total, init_max)
        overhead = spec.get("overhead") or {}
        if kind == "requests":
            add(total, overhead)
        else:
            for name, raw in overhead.items():
                if name in total:
                    total[name] = total[name] + Quantity.parse(raw)
        result.append(total)
    return result[0], result[1]


def _percent(part: Quantity, whole: Quantity, milli: bool) -> int:
    if milli:
        denominator = whole.milli_value()
        return int(float(part.milli_value()) / float(denominator) * 100) if denominator else 0
    denominator = whole.int_value()
    return int(float(part.int_value()) / float(denominator) * 100) if denominator else 0


def _node_resources(w, pods, node, now_ms):
    """describeNodeResource: the Non-terminated Pods table and Allocated resources."""
    w.write(0, f"Non-terminated Pods:\t({len(pods)} in total)\n")
    w.write(1, "Namespace\tName\t\tCPU Requests\tCPU Limits\tMemory Requests\tMemory Limits\tAge\n")
    w.write(1, "---------\t----\t\t------------\t----------\t---------------\t-------------\t---\n")
    status = node.get("status", {})
    allocatable = {
        name: Quantity.parse(raw)
        for name, raw in (status.get("allocatable") or status.get("capacity") or {}).items()
    }
    zero = Quantity.zero()
    cpu_total, mem_total = allocatable.get("cpu", zero), allocatable.get("memory", zero)
    for pod in pods:
        req, lim = _pod_requests_and_limits(pod)
        cells = []
        for values in (req, lim):
            cpu = values.get("cpu", zero)
            cells.append(f"{cpu} ({_percent(cpu, cpu_total, True)}%)")
        for values in (req, lim):
            memory = values.get("memory", zero)
            cells.append(f"{memory} ({_percent(memory, mem_total, False)}%)")
        cpu_req, cpu_lim, mem_req, mem_lim = cells
        meta = pod.get("metadata", {})
        age = since(now_ms, meta.get("creationTimestamp"))
        w.write(
            1,
            f"{meta.get('namespace', '')}\t{meta.get('name', '')}\t\t{cpu_req}\t{cpu_lim}\t"
            f"{mem_req}\t{mem_lim}\t{age}\n",
        )
    w.write(
        0, "Allocated resources:\n  (Total limits may be over 100 percent, i.e., overcommitted.)\n"
    )
    w.write(1, "Resource\tRequests\tLimits\n")
    w.write(1, "--------\t--------\t------\n")
    reqs: dict[str, Quantity] = {}
    limits: dict[str, Quantity] = {}
    for pod in pods:
        req, lim = _pod_requests_and_limits(pod)
        for total, values in ((reqs, req), (limits, lim)):
            for name, q in values.items():
                total[name] = total[name] + q if name in total else q
    for name, milli in (("cpu", True), ("memory", False), ("ephemeral-storage", False)):
        whole = allocatable.get(name, zero)
        request, limit = reqs.get(name, zero), limits.get(name, zero)
        w.write(
            1,
            f"{name}\t{request} ({_percent(request, whole, milli)}%)\t"
            f"{limit} ({_percent(limit, whole, milli)}%)\n",
        )
    huge_pages = sorted(name for name in allocatable if name.startswith("hugepages-"))
    extended = sorted(
        name
        for name in allocatable
        if name not in ("cpu", "memory", "ephemeral-storage", "pods")
        and not name.startswith("hugepages-")
    )
    for name in huge_pages:
        whole, request, limit = allocatable[name], reqs.get(name, zero), limits.get(name, zero)
        w.write(
            1,
            f"{name}\t{request} ({_percent(request, whole, False)}%)\t"
            f"{limit} ({_percent(limit, whole, False)}%)\n",
        )
    for name in extended:
        w.write(1, f"{name}\t{reqs.get(name, zero)}\t{limits.get(name, zero)}\n")


def describe_node(
    node: dict,
    pods_on_node: list[dict],
    events: list[dict] | None,
    now_ms: int,
    *,
    lease: dict | None = None,
) -> str:
    """describeNode. `pods_on_node` may include finished pods; like kubectl's field selector
    only non-terminated ones are listed. `lease` is the node's Lease in kube-node-lease, which
    kubectl fetches separately; without one (no kubelet ever ran there) every field of the
    Lease section is <unset>, as kubectl prints a Lease it could not find. Its renewTime is
    the kubelet's 10 s heartbeat, distinct from the conditions' lastHeartbeatTime (the last
    node status post, every 5 min when nothing changes)."""
    meta, spec, status = node.get("metadata", {}), node.get("spec", {}), node.get("status", {})
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Roles:\t{','.join(find_node_roles(node)) or '<none>'}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    _taints_multiline(w, "Taints", spec.get("taints"))
    w.write(0, f"Unschedulable:\t{_go_bool(spec.get('unschedulable'))}\n")
    lease_spec = (lease or {}).get("spec") or {}
    w.write(0, "Lease:\n")
    w.write(1, f"HolderIdentity:\t{lease_spec.get('holderIdentity') or '<unset>'}\n")
    for title, field in (("AcquireTime", "acquireTime"), ("RenewTime", "renewTime")):
        value = lease_spec.get(field)
        w.write(1, f"{title}:\t{_time(value) if value else '<unset>'}\n")
    if status.get("conditions"):
        w.write(
            0,
            "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n",
        )
        w.write(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
        for c in status["conditions"]:
            w.write(
                1,
                f"{c.get('type', '')} \t{c.get('status', '')} \t{_time(c.get('lastHeartbeatTime'))} \t"
                f"{_time(c.get('lastTransitionTime'))} \t{c.get('reason', '')} \t{c.get('message', '')}\n",
            )
    w.write(0, "Addresses:\n")
    for address in status.get("addresses") or []:
        w.write(1, f"{address.get('type', '')}:\t{address.get('address', '')}\n")
    for title, field in (("Capacity", "capacity"), ("Allocatable", "allocatable")):
        values = status.get(field) or {}
        if values:
            w.write(0, f"{title}:\n")
            for name in sorted(values):
                w.write(0, f"  {name}:\t{Quantity.parse(values[name])}\n")
    info = status.get("nodeInfo") or {}
    w.write(0, "System Info:\n")
    for title, field in (
        ("Machine ID", "machineID"),
        ("System UUID", "systemUUID"),
        ("Boot ID", "bootID"),
        ("Kernel Version", "kernelVersion"),
        ("OS Image", "osImage"),
        ("Operating System", "operatingSystem"),
        ("Architecture", "architecture"),
        ("Container Runtime Version", "containerRuntimeVersion"),
        ("Kubelet Version", "kubeletVersion"),
        ("Kube-Proxy Version", "kubeProxyVersion"),
    ):
        w.write(0, f"  {title}:\t{info.get(field, '')}\n")
    if spec.get("podCIDR"):
        w.write(0, f"PodCIDR:\t{spec['podCIDR']}\n")
    if spec.get("podCIDRs"):
        w.write(0, f"PodCIDRs:\t{','.join(spec['podCIDRs'])}\n")
    if spec.get("providerID"):
        w.write(0, f"ProviderID:\t{spec['providerID']}\n")
    running = [
        p
        for p in pods_on_node or []
        if p.get("status", {}).get("phase") not in ("Succeeded", "Failed")
    ]
    _node_resources(w, api_list_order(running), node, now_ms)
    _events(w, events, now_ms)
    return w.render()


# ---------------------------------------------------------------------------
# Deployments and replica sets


def _template_without_hash(template: dict | None) -> dict:
    template = dict(template or {})
    meta = dict(template.get("metadata") or {})
    labels = dict(meta.get("labels") or {})
    labels.pop("pod-template-hash", None)
    meta["labels"] = labels
    template["metadata"] = meta
    return template


def _is_owned_by(obj: dict, owner: dict) -> bool:
    ref = controller_of(obj)
    if ref is None:
        return False
    owner_meta = owner.get("metadata", {})
    if ref.get("uid") and owner_meta.get("uid"):
        return ref["uid"] == owner_meta["uid"]
    return ref.get("kind") == owner.get("kind") and ref.get("name") == owner_meta.get("name")


def split_replicasets(deployment: dict, replicasets: list[dict]) -> tuple[list[dict], dict | None]:
    """deploymentutil.GetAllReplicaSets: (all old ReplicaSets, the new one or None).

    The new ReplicaSet is the oldest one whose pod template equals the Deployment's,
    ignoring the pod-template-hash label (EqualIgnoreHash).
    """
    owned = [rs for rs in replicasets if _is_owned_by(rs, deployment)]
    owned.sort(
        key=lambda rs: (
            timestamp_ms(rs.get("metadata", {}).get("creationTimestamp")) or 0,
            rs.get("metadata", {}).get("name", ""),
        )
    )
    wanted = _template_without_hash(deployment.get("spec", {}).get("template"))
    new = next(
        (
            rs
            for rs in owned
            if _template_without_hash(rs.get("spec", {}).get("template")) == wanted
        ),
        None,
    )
    return [rs for rs in owned if rs is not new], new


def _replicasets_text(replicasets: list[dict]) -> str:
    """printReplicaSetsByLabels."""
    texts = [
        f"{rs['metadata']['name']} ({rs.get('status', {}).get('replicas', 0)}/"
        f"{rs.get('spec', {}).get('replicas', 1)} replicas created)"
        for rs in replicasets
    ]
    return ", ".join(texts) or "<none>"


def describe_deployment(
    deployment: dict, replicasets: list[dict], events: list[dict] | None, now_ms: int
) -> str:
    """describeDeployment. `replicasets` may be all ReplicaSets in the namespace: only those
    the Deployment controls are used, split into OldReplicaSets and NewReplicaSet."""
    meta, spec, status = (
        deployment.get("metadata", {}),
        deployment.get("spec", {}),
        deployment.get("status", {}),
    )
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"CreationTimestamp:\t{_time(meta.get('creationTimestamp'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{selector_string(spec.get('selector'))}\n")
    w.write(
        0,
        f"Replicas:\t{spec.get('replicas', 1)} desired | {status.get('updatedReplicas', 0)} updated | "
        f"{status.get('replicas', 0)} total | {status.get('availableReplicas', 0)} available | "
        f"{status.get('unavailableReplicas', 0)} unavailable\n",
    )
    strategy = spec.get("strategy") or {}
    kind = strategy.get("type", "RollingUpdate")
    w.write(0, f"StrategyType:\t{kind}\n")
    w.write(0, f"MinReadySeconds:\t{spec.get('minReadySeconds', 0)}\n")
    if kind == "RollingUpdate":
        rolling = strategy.get("rollingUpdate") or {}
        unavailable = int_or_string(rolling.get("maxUnavailable", "25%"))
        surge = int_or_string(rolling.get("maxSurge", "25%"))
        w.write(0, f"RollingUpdateStrategy:\t{unavailable} max unavailable, {surge} max surge\n")
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions"))
    old, new = split_replicasets(deployment, replicasets or [])
    if old or new:
        w.write(0, f"OldReplicaSets:\t{_replicasets_text(old)}\n")
        w.write(0, f"NewReplicaSet:\t{_replicasets_text([new] if new else [])}\n")
    _events(w, events, now_ms)
    return w.render()


def describe_replicaset(rs: dict, pods: list[dict], events: list[dict] | None, now_ms: int) -> str:
    """describeReplicaSet; Pods Status counts the pods this ReplicaSet controls, by phase."""
    meta, spec, status = rs.get("metadata", {}), rs.get("spec", {}), rs.get("status", {})
    counts = {"Running": 0, "Pending": 0, "Succeeded": 0, "Failed": 0}
    for pod in pods or []:
        phase = pod.get("status", {}).get("phase")
        if _is_owned_by(pod, rs) and phase in counts:
            counts[phase] += 1
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    w.write(0, f"Selector:\t{format_label_selector(spec.get('selector'))}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    owner = controller_of(rs)
    if owner:
        w.write(0, f"Controlled By:\t{owner.get('kind', '')}/{owner.get('name', '')}\n")
    w.write(
        0, f"Replicas:\t{status.get('replicas', 0)} current / {spec.get('replicas', 1)} desired\n"
    )
    w.write(0, "Pods Status:\t")
    w.write(
        0,
        f"{counts['Running']} Running / {counts['Pending']} Waiting / "
        f"{counts['Succeeded']} Succeeded / {counts['Failed']} Failed\n",
    )
    _pod_template(w, spec.get("template"))
    _conditions_table(w, status.get("conditions"))
    _events(w, events, now_ms)
    return w.render()


# ---------------------------------------------------------------------------
# Services


def _as_endpoint_slices(endpoints) -> list[dict]:
    """Accept EndpointSlices (what kubectl reads) or a v1 Endpoints object."""
    if endpoints is None:
        return []
    if isinstance(endpoints, list):
        return endpoints
    slices = []
    for subset in endpoints.get("subsets") or []:
        addresses = [
            {"addresses": [a["ip"]], "conditions": {"ready": True}}
            for a in subset.get("addresses") or []
        ]
        addresses += [
            {"addresses": [a["ip"]], "conditions": {"ready": False}}
            for a in subset.get("notReadyAddresses") or []
        ]
        slices.append({"ports": subset.get("ports") or [], "endpoints": addresses})
    return slices


def format_endpoint_slices(slices: list[dict], port_name: str) -> str:
    """formatEndpointSlices for one service port: three ready `ip:port`, then `+ N more...`."""
    if not slices:
        return "<none>"
    shown: list[str] = []
    more, count = False, 0
    for eps in slices:
        ports = eps.get("ports") or []
        endpoints = eps.get("endpoints") or []
        if not ports:
            for endpoint in endpoints:
                if len(shown) == 3:
                    more = True
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    shown.append(endpoint["addresses"][0])
                count += 1
            continue
        for port in ports:
            if (port.get("name") or "") != port_name:
                continue
            for endpoint in endpoints:
                if len(shown) == 3:
                    more = True
                if (endpoint.get("conditions") or {}).get("ready") is False:
                    continue
                if not more:
                    address = endpoint["addresses"][0]
                    shown.append(
                        f"[{address}]:{port['port']}"
                        if ":" in address
                        else f"{address}:{port['port']}"
                    )
                count += 1
    text = ",".join(shown)
    return f"{text} + {count - 3} more..." if more else text


def describe_service(service: dict, endpoints, events: list[dict] | None, now_ms: int) -> str:
    """describeService. `endpoints`: the Service's EndpointSlices (a list), its v1 Endpoints
    object, or None when there are none."""
    meta, spec, status = (
        service.get("metadata", {}),
        service.get("spec", {}),
        service.get("status", {}),
    )
    slices = _as_endpoint_slices(endpoints)
    w = _Writer()
    w.write(0, f"Name:\t{meta.get('name', '')}\n")
    w.write(0, f"Namespace:\t{meta.get('namespace', '')}\n")
    _labels_multiline(w, "Labels", meta.get("labels"))
    _annotations_multiline(w, "Annotations", meta.get("annotations"))
    w.write(0, f"Selector:\t{format_labels(spec.get('selector'))}\n")
    w.write(0, f"Type:\t{spec.get('type') or 'ClusterIP'}\n")
    if spec.get("ipFamilyPolicy"):
        w.write(0, f"IP Family Policy:\t{spec['ipFamilyPolicy']}\n")
    w.write(0, f"IP Families:\t{','.join(spec.get('ipFamilies') or []) or '<none>'}\n")
    w.write(0, f"IP:\t{spec.get('clusterIP', '')}\n")
    w.write(0, f"IPs:\t{','.join(spec.get('clusterIPs') or []) or '<none>'}\n")
    if spec.get("externalIPs"):
        w.write(0, f"External IPs:\t{','.join(spec['externalIPs'])}\n")
    if spec.get("loadBalancerIP"):
        w.write(0, f"Desired LoadBalancer IP:\t{spec['loadBalancerIP']}\n")
    if spec.get("externalName"):
        w.write(0, f"External Name:\t{spec['externalName']}\n")
    ingress = (status.get("loadBalancer") or {}).get("ingress") or []
    if ingress:
        texts = []
        for entry in ingress:
            if entry.get("ip"):
                mode = f" ({entry['ipMode']})" if entry.get("ipMode") else ""
                texts.append(entry["ip"] + mode)
            else:
                texts.append(entry.get("hostname", ""))
        w.write(0, f"LoadBalancer Ingress:\t{', '.join(texts)}\n")
    for port in spec.get("ports") or []:
        name = port.get("name") or "<unset>"
        protocol = port.get("protocol", "TCP")
        w.write(0, f"Port:\t{name}\t{port.get('port')}/{protocol}\n")
        target = port.get("targetPort", port.get("port"))
        w.write(0, f"TargetPort:\t{target}/{protocol}\n")
        if port.get("nodePort"):
            w.write(0, f"NodePort:\t{name}\t{port['nodePort']}/{protocol}\n")
        w.write(0, f"Endpoints:\t{format_endpoint_slices(slices, port.get('name') or '')}\n")
    w.write(0, f"Session Affinity:\t{spec.get('sessionAffinity', 'None')}\n")
    if spec.get("externalTrafficPolicy"):
        w.write(0, f"External Traffic Policy:\t{spec['externalTrafficPolicy']}\n")
    if spec.get("internalTrafficPolicy"):
        w.write(0, f"Internal Traffic Policy:\t{spec['internalTrafficPolicy']}\n")
    if spec.get("healthCheckNodePort"):
        w.write(0, f"HealthCheck NodePort:\t{spec['healthCheckNodePort']}\n")
    if spec.get("loadBalancerSourceRanges"):
        w.write(0, f"LoadBalancer Source Ranges:\t{','.join(spec['loadBalancerSourceRanges'])}\n")
    _events(w, events, now_ms)
    return w.render()
