"""`kubectl get` tables: the server-side columns of kubernetes pkg/printers/internalversion.

Objects are plain dicts in the API's shape. Every table is built with all columns, the
way the API server builds it (pkg/printers/storage: GenerateOptions{Wide: true}, so e.g. a
LoadBalancer's EXTERNAL-IP is never clipped), and kubectl then drops the priority-1
columns unless `-o wide`, adds NAMESPACE for `-A`, LABELS for `--show-labels` and the
`kind/` prefix for `kubectl get all` (cli-runtime printers/tableprinter.go decorateTable).
Rows come in API list order (etcd key order); kubectl itself sorts nothing, not even events.
"""

from collections.abc import Callable
from dataclasses import dataclass

from ..quantity import Quantity
from ..storage import access_modes_string, claim_class, is_default_class
from ..timefmt import human_duration, parse_rfc3339
from .access_printers import network_policy_cells, role_binding_cells, role_cells
from .policy_printers import limitrange_cells, quota_cells
from .table import render_table

NODE_ROLE_PREFIX = "node-role.kubernetes.io/"
NODE_ROLE_LABEL = "kubernetes.io/role"
LOAD_BALANCER_WIDTH = 16
NODE_UNREACHABLE_POD_REASON = "NodeLost"

# ---------------------------------------------------------------------------
# Small shared formatters (also used by describe.py)


def timestamp_ms(value) -> int | None:
    """An object's RFC 3339 timestamp as simulated milliseconds; None when unset."""
    if not value:
        return None
    return parse_rfc3339(value)


def since(now_ms: int, value) -> str:
    """translateTimestampSince: HumanDuration of now - t, `<unknown>` when unset."""
    then = timestamp_ms(value)
    return "<unknown>" if then is None else human_duration(now_ms - then)


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted `k=v` joined by commas, `<none>` when empty."""
    if not labels:
        return "<none>"
    return ",".join(f"{k}={labels[k]}" for k in sorted(labels))


def selector_string(selector: dict | None) -> str:
    """metav1.LabelSelectorAsSelector(s).String(); the empty selector prints ''."""
    if not selector:
        return ""
    requirements = []
    for key, value in (selector.get("matchLabels") or {}).items():
        requirements.append((key, f"{key}={value}"))
    for expr in selector.get("matchExpressions") or []:
        key, op = expr["key"], expr["operator"]
        values = ",".join(sorted(expr.get("values") or []))
        text = {
            "In": f"{key} in ({values})",
            "NotIn": f"{key} notin ({values})",
            "Exists": key,
            "DoesNotExist": f"!{key}",
        }[op]
        requirements.append((key, text))
    requirements.sort(key=lambda item: item[0])
    return ",".join(text for _, text in requirements)


def format_label_selector(selector: dict | None) -> str:
    """metav1.FormatLabelSelector: like selector_string but `<none>` when empty."""
    return selector_string(selector) or "<none>"


def controller_of(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the ownerReference with controller: true."""
    for ref in obj.get("metadata", {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


def find_node_roles(node: dict) -> list[str]:
    """findNodeRoles: node-role.kubernetes.io/<role> keys and kubernetes.io/role values."""
    roles = set()
    for key, value in (node.get("metadata", {}).get("labels") or {}).items():
        if key.startswith(NODE_ROLE_PREFIX) and key[len(NODE_ROLE_PREFIX) :]:
            roles.add(key[len(NODE_ROLE_PREFIX) :])
        elif key == NODE_ROLE_LABEL and value:
            roles.add(value)
    return sorted(roles)


def int_or_string(value) -> str:
    """intstr.IntOrString.String()."""
    return str(value)


def api_list_order(objects: list[dict]) -> list[dict]:
    """The order an API list returns: etcd key order, i.e. `<namespace>/<name>` bytewise."""

    def key(obj):
        meta = obj.get("metadata", {})
        prefix = f"{meta['namespace']}/" if meta.get("namespace") else ""
        return (prefix + meta.get("name", "")).encode()

    return sorted(objects, key=key)


# ---------------------------------------------------------------------------
# Pods


@dataclass(frozen=True)
class PodSummary:
    ready: str
    status: str
    restarts: str


def _is_restartable_init(container: dict | None) -> bool:
    return bool(container) and container.get("restartPolicy") == "Always"


def _condition_true(conditions, kind: str) -> bool:
    return any(c.get("type") == kind and c.get("status") == "True" for c in conditions or [])


def _later(current: int | None, state: dict | None) -> int | None:
    finished = timestamp_ms(((state or {}).get("terminated") or {}).get("finishedAt"))
    if finished is None:
        return current
    return finished if current is None or finished > current else current


def pod_summary(pod: dict, now_ms: int) -> PodSummary:
    """printPod's READY, STATUS and RESTARTS cells."""
    spec, status = pod.get("spec", {}), pod.get("status", {})
    phase = status.get("phase") or ""
    reason = status.get("reason") or phase
    for condition in status.get("conditions") or []:
        if condition.get("type") == "PodScheduled" and condition.get("reason") == "SchedulingGated":
            reason = "SchedulingGated"

    init_specs = {c["name"]: c for c in spec.get("initContainers") or []}
    total = len(spec.get("containers") or []) + sum(
        1 for c in init_specs.values() if _is_restartable_init(c)
    )
    ready = restarts = sidecar_restarts = 0
    last_restart = sidecar_last_restart = None

    initializing = False
    init_statuses = status.get("initContainerStatuses") or []
    for index, cs in enumerate(init_statuses):
        restarts += cs.get("restartCount", 0)
        last_restart = _later(last_restart, cs.get("lastState"))
        sidecar = _is_restartable_init(init_specs.get(cs.get("name")))
        if sidecar:
            sidecar_restarts += cs.get("restartCount", 0)
            sidecar_last_restart = _later(sidecar_last_restart, cs.get("lastState"))
        state = cs.get("state") or {}
        terminated, waiting = state.get("terminated"), state.get("waiting")
        if terminated is not None and terminated.get("exitCode", 0) == 0:
            continue
        if sidecar and cs.get("started"):
            if cs.get("ready"):
                ready += 1
            continue
        if terminated is not None:
            if not terminated.get("reason"):
                if terminated.get("signal"):
                    reason = f"Init:Signal:{terminated['signal']}"
                else:
                    reason = f"Init:ExitCode:{terminated.get('exitCode', 0)}"
            else:
                reason = "Init:" + terminated["reason"]
        elif (
            waiting is not None and waiting.get("reason") and waiting["reason"] != "PodInitializing"
        ):
            reason = "Init:" + waiting["reason"]
        else:
            reason = f"Init:{index}/{len(init_specs)}"
        initializing = True
        break

    if not initializing or _condition_true(status.get("conditions"), "Initialized"):
        restarts, last_restart = sidecar_restarts, sidecar_last_restart
        has_running = False
        for cs in reversed(status.get("containerStatuses") or []):
            restarts += cs.get("restartCount", 0)
            last_restart = _later(last_restart, cs.get("lastState"))
            state = cs.get("state") or {}
            waiting, terminated = state.get("waiting"), state.get("terminated")
            if waiting is not None and waiting.get("reason"):
                reason = waiting["reason"]
            elif terminated is not None and terminated.get("reason"):
                reason = terminated["reason"]
            elif terminated is not None:
                if terminated.get("signal"):
                    reason = f"Signal:{terminated['signal']}"
                else:
                    reason = f"ExitCode:{terminated.get('exitCode', 0)}"
            elif cs.get("ready") and state.get("running") is not None:
                has_running = True
                ready += 1
        if reason == "Completed" and has_running:
            ready_condition = _condition_true(status.get("conditions"), "Ready")
            reason = "Running" if ready_condition else "NotReady"

    if pod.get("metadata", {}).get("deletionTimestamp"):
        if status.get("reason") == NODE_UNREACHABLE_POD_REASON:
            reason = "Unknown"
        elif phase not in ("Succeeded", "Failed"):
            reason = "Terminating"

    restarts_text = str(restarts)
    if restarts and last_restart is not None:
        restarts_text = f"{restarts} ({human_duration(now_ms - last_restart)} ago)"
    return PodSummary(f"{ready}/{total}", reason, restarts_text)


def _pod_cells(pod: dict, now_ms: int) -> list[str]:
    spec, status = pod.get("spec", {}), pod.get("status", {})
    summary = pod_summary(pod, now_ms)
    ips = status.get("podIPs") or []
    pod_ip = (ips[0].get("ip") if ips else "") or "<none>"
    gates = spec.get("readinessGates") or []
    gates_text = "<none>"
    if gates:
        conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
        true = sum(1 for g in gates if conditions.get(g.get("conditionType")) == "True")
        gates_text = f"{true}/{len(gates)}"
    return [
        _name(pod),
        summary.ready,
        summary.status,
        summary.restarts,
        _age(pod, now_ms),
        pod_ip,
        spec.get("nodeName") or "<none>",
        status.get("nominatedNodeName") or "<none>",
        gates_text,
    ]


# ---------------------------------------------------------------------------
# Nodes


def node_status(node: dict) -> str:
    """printNode STATUS: the Ready condition, then SchedulingDisabled when cordoned."""
    parts = []
    for condition in node.get("status", {}).get("conditions") or []:
        if condition.get("type") == "Ready":
            parts = ["Ready" if condition.get("status") == "True" else "NotReady"]
    if not parts:
        parts = ["Unknown"]
    if node.get("spec", {}).get("unschedulable"):
        parts.append("SchedulingDisabled")
    return ",".join(parts)


def _node_address(node: dict, kind: str) -> str:
    for address in node.get("status", {}).get("addresses") or []:
        if address.get("type") == kind:
            return address.get("address", "")
    return "<none>"


def _node_cells(node: dict, now_ms: int) -> list[str]:
    info = node.get("status", {}).get("nodeInfo") or {}
    return [
        _name(node),
        node_status(node),
        ",".join(find_node_roles(node)) or "<none>",
        _age(node, now_ms),
        info.get("kubeletVersion", ""),
        _node_address(node, "InternalIP"),
        _node_address(node, "ExternalIP"),
        info.get("osImage") or "<unknown>",
        info.get("kernelVersion") or "<unknown>",
        info.get("containerRuntimeVersion") or "<unknown>",
    ]


# ---------------------------------------------------------------------------
# Workloads


def _containers_and_images(template_spec: dict) -> list[str]:
    """layoutContainerCells."""
    containers = template_spec.get("containers") or []
    return [
        ",".join(c.get("name", "") for c in containers),
        ",".join(c.get("image", "") for c in containers),
    ]


def _template_spec(obj: dict) -> dict:
    return obj.get("spec", {}).get("template", {}).get("spec") or {}


def _deployment_cells(d: dict, now_ms: int) -> list[str]:
    spec, status = d.get("spec", {}), d.get("status", {})
    return [
        _name(d),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        str(status.get("updatedReplicas", 0)),
        str(status.get("availableReplicas", 0)),
        _age(d, now_ms),
        *_containers_and_images(_template_spec(d)),
        selector_string(spec.get("selector")),
    ]


def _replicaset_cells(rs: dict, now_ms: int) -> list[str]:
    spec, status = rs.get("spec", {}), rs.get("status", {})
    return [
        _name(rs),
        str(spec.get("replicas", 1)),
        str(status.get("replicas", 0)),
        str(status.get("readyReplicas", 0)),
        _age(rs, now_ms),
        *_containers_and_images(_template_spec(rs)),
        format_label_selector(spec.get("selector")),
    ]


def _statefulset_cells(sts: dict, now_ms: int) -> list[str]:
    spec, status = sts.get("spec", {}), sts.get("status", {})
    return [
        _name(sts),
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        _age(sts, now_ms),
        *_containers_and_images(_template_spec(sts)),
    ]


def _daemonset_cells(ds: dict, now_ms: int) -> list[str]:
    status = ds.get("status", {})
    return [
        _name(ds),
        *(
            str(status.get(field, 0))
            for field in (
                "desiredNumberScheduled",
                "currentNumberScheduled",
                "numberReady",
                "updatedNumberScheduled",
                "numberAvailable",
            )
        ),
        format_labels(_template_spec(ds).get("nodeSelector")),
        _age(ds, now_ms),
        *_containers_and_images(_template_spec(ds)),
        format_label_selector(ds.get("spec", {}).get("selector")),
    ]


def _job_condition(job: dict, kind: str) -> bool:
    for condition in job.get("status", {}).get("conditions") or []:
        if condition.get("type") == kind:
            return condition.get("status") == "True"
    return False


def _job_cells(job: dict, now_ms: int) -> list[str]:
    spec, status = job.get("spec", {}), job.get("status", {})
    succeeded = status.get("succeeded", 0)
    if spec.get("completions") is not None:
        completions = f"{succeeded}/{spec['completions']}"
    elif (spec.get("parallelism") or 0) > 1:
        completions = f"{succeeded}/1 of {spec['parallelism']}"
    else:
        completions = f"{succeeded}/1"
    start, end = timestamp_ms(status.get("startTime")), timestamp_ms(status.get("completionTime"))
    duration = "" if start is None else human_duration((now_ms if end is None else end) - start)
    if _job_condition(job, "Complete"):
        state = "Complete"
    elif _job_condition(job, "Failed"):
        state = "Failed"
    elif job.get("metadata", {}).get("deletionTimestamp"):
        state = "Terminating"
    elif _job_condition(job, "Suspended"):
        state = "Suspended"
    elif _job_condition(job, "FailureTarget"):
        state = "FailureTarget"
    elif _job_condition(job, "SuccessCriteriaMet"):
        # v1.34's printJob (kubernetes#132832): met, waiting for its pods to terminate
        state = "SuccessCriteriaMet"
    else:
        state = "Running"
    return [
        _name(job),
        state,
        completions,
        duration,
        _age(job, now_ms),
        *_containers_and_images(_template_spec(job)),
        format_label_selector(spec.get("selector")),
    ]


def _cronjob_cells(cronjob: dict, now_ms: int) -> list[str]:
    """printCronJob: SUSPEND is printBoolPtr; the wide columns read the job template."""
    spec, status = cronjob.get("spec") or {}, cronjob.get("status") or {}
    last = timestamp_ms(status.get("lastScheduleTime"))
    suspend = spec.get("suspend")
    job_spec = (spec.get("jobTemplate") or {}).get("spec") or {}
    return [
        _name(cronjob),
        spec.get("schedule", ""),
        spec.get("timeZone") or "<none>",
        "<unset>" if suspend is None else ("True" if suspend else "False"),
        str(len(status.get("active") or [])),
        "<none>" if last is None else human_duration(now_ms - last),
        _age(cronjob, now_ms),
        *_containers_and_images((job_spec.get("template") or {}).get("spec") or {}),
        format_label_selector(job_spec.get("selector")),
    ]


def _hpa_metric(spec: dict, status: dict | None) -> str:
    kind = spec.get("type")
    source_key = {
        "Resource": "resource",
        "ContainerResource": "containerResource",
        "Pods": "pods",
        "Object": "object",
        "External": "external",
    }.get(kind)
    if source_key is None:
        return "<unknown type>"
    source = spec.get(source_key) or {}
    target = source.get("target") or {}
    current = ((status or {}).get(source_key) or {}).get("current") or {}
    if kind in ("Resource", "ContainerResource"):
        name = source.get("name", "")
        if target.get("averageValue") is not None:
            now = _quantity(current.get("averageValue"))
            return f"{name}: {now}/{_quantity(target['averageValue'])}"
        now = current.get("averageUtilization")
        now_text = "<unknown>" if now is None else f"{now}%"
        goal = target.get("averageUtilization")
        goal_text = "<auto>" if goal is None else f"{goal}%"
        return f"{name}: {now_text}/{goal_text}"
    if kind == "Pods":
        return f"{_quantity(current.get('averageValue'))}/{_quantity(target.get('averageValue'))}"
    if target.get("averageValue") is not None:
        now = _quantity(current.get("averageValue"))
        return f"{now}/{_quantity(target['averageValue'])} (avg)"
    return f"{_quantity(current.get('value'))}/{_quantity(target.get('value'))}"


def _quantity(value) -> str:
    return "<unknown>" if value is None else str(Quantity.parse(value))


def _hpa_cells(hpa: dict, now_ms: int) -> list[str]:
    """printHorizontalPodAutoscaler with formatHPAMetrics (at most two metrics shown)."""
    spec, status = hpa.get("spec", {}), hpa.get("status", {})
    ref = spec.get("scaleTargetRef") or {}
    metrics = spec.get("metrics") or []
    statuses = status.get("currentMetrics") or []
    if not metrics:
        targets = "<none>"
    else:
        shown = [
            _hpa_metric(m, statuses[i] if i < len(statuses) else None)
            for i, m in enumerate(metrics)
        ]
        targets = ", ".join(shown[:2])
        if len(shown) > 2:
            targets += f" + {len(shown) - 2} more..."
    min_pods = spec.get("minReplicas")
    return [
        _name(hpa),
        f"{ref.get('kind', '')}/{ref.get('name', '')}",
        targets,
        "<unset>" if min_pods is None else str(min_pods),
        str(spec.get("maxReplicas", 0)),
        str(status.get("currentReplicas", 0)),
        _age(hpa, now_ms),
    ]


# ---------------------------------------------------------------------------
# Services and networking


def _lb_ingress(status: dict, wide: bool) -> str:
    """loadBalancerStatusStringer: sorted unique IPs/hostnames, clipped to 16 unless wide."""
    found = set()
    for ingress in (status.get("loadBalancer") or {}).get("ingress") or []:
        if ingress.get("ip"):
            found.add(ingress["ip"])
        elif ingress.get("hostname"):
            found.add(ingress["hostname"])
    text = ",".join(sorted(found))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[: LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def service_external_ip(service: dict, wide: bool) -> str:
    """getServiceExternalIP."""
    spec = service.get("spec", {})
    kind = spec.get("type") or "ClusterIP"
    external = spec.get("externalIPs") or []
    if kind in ("ClusterIP", "NodePort"):
        return ",".join(external) if external else "<none>"
    if kind == "LoadBalancer":
        lb = _lb_ingress(service.get("status", {}), wide)
        if external:
            return ",".join(([*lb.split(",")] if lb else []) + external)
        return lb or "<pending>"
    if kind == "ExternalName":
        return spec.get("externalName", "")
    return "<unknown>"


def service_ports(ports: list[dict] | None) -> str:
    """makePortString: `80/TCP`, `80:30080/TCP`."""
    pieces = []
    for port in ports or []:
        protocol = port.get("protocol", "TCP")
        if port.get("nodePort"):
            pieces.append(f"{port['port']}:{port['nodePort']}/{protocol}")
        else:
            pieces.append(f"{port['port']}/{protocol}")
    return ",".join(pieces)


def _service_cells(svc: dict, now_ms: int) -> list[str]:
    spec = svc.get("spec", {})
    cluster_ips = spec.get("clusterIPs") or ([spec["clusterIP"]] if spec.get("clusterIP") else [])
    return [
        _name(svc),
        spec.get("type") or "ClusterIP",
        cluster_ips[0] if cluster_ips else "<none>",
        service_external_ip(svc, wide=True),  # the API server renders tables with Wide: true
        service_ports(spec.get("ports")) or "<none>",
        _age(svc, now_ms),
        format_labels(spec.get("selector")),
    ]


def _host_port(ip: str, port) -> str:
    """net.JoinHostPort: IPv6 addresses get brackets."""
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def format_endpoints(endpoints: dict, port_names: set[str] | None = None) -> str:
    """formatEndpoints: at most three `ip:port`, then `+ N more...`; `<none>` without subsets."""
    subsets = endpoints.get("subsets") or []
    if not subsets:
        return "<none>"
    shown: list[str] = []
    limit, more, count = 3, False, 0
    for subset in subsets:
        addresses = subset.get("addresses") or []
        ports = subset.get("ports") or []
        if not ports:
            count += len(addresses)
            for address in addresses:
                if len(shown) == limit:
                    more = True
                    break
                shown.append(address["ip"])
            continue
        for port in ports:
            if port_names is None or port.get("name", "") in port_names:
                count += len(addresses)
                for address in addresses:
                    if len(shown) == limit:
                        more = True
                        break
                    shown.append(_host_port(address["ip"], port["port"]))
    text = ",".join(shown)
    return f"{text} + {count - limit} more..." if more else text


def _list_with_more(items: list[str]) -> str:
    """listWithMoreString with max 3; `<unset>` when empty."""
    if len(items) > 3:
        return f"{','.join(items[:3])} + {len(items) - 3} more..."
    return ",".join(items) or "<unset>"


def _endpoints_cells(ep: dict, now_ms: int) -> list[str]:
    return [_name(ep), format_endpoints(ep), _age(ep, now_ms)]


def _endpointslice_cells(eps: dict, now_ms: int) -> list[str]:
    ports = []
    for port in eps.get("ports") or []:
        if port.get("port") is not None:
            ports.append(str(port["port"]))
        elif port.get("name") is not None:
            ports.append(port["name"])
        else:
            ports.append("*")
    addresses = [
        a for endpoint in eps.get("endpoints") or [] for a in endpoint.get("addresses") or []
    ]
    return [
        _name(eps),
        eps.get("addressType", ""),
        _list_with_more(ports),
        _list_with_more(addresses),
        _age(eps, now_ms),
    ]


def _ingress_cells(ing: dict, now_ms: int) -> list[str]:
    spec = ing.get("spec", {})
    rules = spec.get("rules") or []
    hosts = []
    more = False
    for rule in rules:
        if len(hosts) == 3:
            more = True
        if not more and rule.get("host"):
            hosts.append(rule["host"])
    hosts_text = ",".join(hosts) or "*"
    if hosts and more:
        hosts_text += f" + {len(rules) - 3} more..."
    return [
        _name(ing),
        spec.get("ingressClassName") or "<none>",
        hosts_text,
        _lb_ingress(ing.get("status", {}), wide=True),
        "80, 443" if spec.get("tls") else "80",
        _age(ing, now_ms),
    ]


# ---------------------------------------------------------------------------
# Everything else


def _event_cells(event: dict, now_ms: int) -> list[str]:
    """printEvent, wide cells included."""
    first = since(now_ms, event.get("firstTimestamp"))
    if not event.get("firstTimestamp"):
        first = since(now_ms, event.get("eventTime"))
    last = since(now_ms, event.get("lastTimestamp")) if event.get("lastTimestamp") else first
    count = event.get("count") or 0
    series = event.get("series")
    if series:
        last = since(now_ms, series.get("lastObservedTime"))
        count = series.get("count", 0)
    elif count == 0:
        count = 1
    involved = event.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved['name']}" if involved.get("name") else kind
    source = event.get("source") or {}
    component = source.get("component") or event.get("reportingComponent") or ""
    host = source.get("host") or event.get("reportingInstance") or ""
    return [
        last,
        event.get("type", ""),
        event.get("reason", ""),
        target,
        involved.get("fieldPath", ""),
        f"{component}, {host}" if host else component,
        (event.get("message") or "").strip(),
        first,
        str(count),
        _name(event),
    ]


def _namespace_cells(ns: dict, now_ms: int) -> list[str]:
    return [_name(ns), ns.get("status", {}).get("phase", ""), _age(ns, now_ms)]


def _configmap_cells(cm: dict, now_ms: int) -> list[str]:
    data = len(cm.get("data") or {}) + len(cm.get("binaryData") or {})
    return [_name(cm), str(data), _age(cm, now_ms)]


def _secret_cells(secret: dict, now_ms: int) -> list[str]:
    kind = secret.get("type", "Opaque")
    return [_name(secret), kind, str(len(secret.get("data") or {})), _age(secret, now_ms)]


def _serviceaccount_cells(sa: dict, now_ms: int) -> list[str]:
    return [_name(sa), str(len(sa.get("secrets") or [])), _age(sa, now_ms)]


def _lease_cells(lease: dict, now_ms: int) -> list[str]:
    """printLease: who holds it."""
    holder = (lease.get("spec") or {}).get("holderIdentity") or "<unknown>"
    return [_name(lease), holder, _age(lease, now_ms)]


def _controllerrevision_cells(revision: dict, now_ms: int) -> list[str]:
    """printControllerRevision: the controller as `<kind>.<group>/<name>`."""
    ref = controller_of(revision)
    controller = "<none>"
    if ref is not None:
        group = (ref.get("apiVersion") or "").rpartition("/")[0]
        kind = ref.get("kind", "").lower() + (f".{group}" if group else "")
        controller = f"{kind}/{ref.get('name', '')}"
    return [_name(revision), controller, str(revision.get("revision", 0)), _age(revision, now_ms)]


def _persistent_volume_cells(pv: dict, now_ms: int) -> list[str]:
    """printPersistentVolume; VOLUMEMODE is the wide column."""
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    ref = spec.get("claimRef")
    claim = f"{ref.get('namespace', '')}/{ref.get('name', '')}" if ref else ""
    phase = "Terminating" if pv["metadata"].get("deletionTimestamp") else status.get("phase", "")
    capacity = (spec.get("capacity") or {}).get("storage")
    return [
        _name(pv),
        str(Quantity.parse(capacity)) if capacity else "0",
        access_modes_string(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", ""),
        phase,
        claim,
        claim_class(pv),
        spec.get("volumeAttributesClassName") or "<unset>",
        status.get("reason", ""),
        _age(pv, now_ms),
        spec.get("volumeMode") or "<unset>",
    ]


def _persistent_volume_claim_cells(pvc: dict, now_ms: int) -> list[str]:
    """printPersistentVolumeClaim: capacity and access modes once bound to a volume."""
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    phase = "Terminating" if pvc["metadata"].get("deletionTimestamp") else status.get("phase", "")
    capacity = modes = ""
    if spec.get("volumeName"):
        modes = access_modes_string(status.get("accessModes"))
        amount = (status.get("capacity") or {}).get("storage")
        capacity = str(Quantity.parse(amount)) if amount else "0"
    return [
        _name(pvc),
        phase,
        spec.get("volumeName", ""),
        capacity,
        modes,
        claim_class(pvc),
        spec.get("volumeAttributesClassName") or "<unset>",
        _age(pvc, now_ms),
        spec.get("volumeMode") or "<unset>",
    ]


def _storage_class_cells(sc: dict, now_ms: int) -> list[str]:
    """printStorageClass: the default class is named `standard (default)`."""
    name = _name(sc) + (" (default)" if is_default_class(sc) else "")
    expansion = "true" if sc.get("allowVolumeExpansion") else "false"
    return [
        name,
        sc.get("provisioner", ""),
        sc.get("reclaimPolicy") or "Delete",
        sc.get("volumeBindingMode") or "Immediate",
        expansion,
        _age(sc, now_ms),
    ]


def _generic_cells(obj: dict, now_ms: int) -> list[str]:
    """printObjectMeta, the default for kinds without a table handler."""
    return [_name(obj), _age(obj, now_ms)]


def _name(obj: dict) -> str:
    return obj.get("metadata", {}).get("name", "")


def _age(obj: dict, now_ms: int) -> str:
    return since(now_ms, obj.get("metadata", {}).get("creationTimestamp"))


# ---------------------------------------------------------------------------
# Tables


@dataclass(frozen=True)
class Column:
    name: str
    wide_only: bool = False
    is_name: bool = False


def _columns(spec: str) -> tuple[Column, ...]:
    """`NAME*,READY,IP+`: `*` marks the name column, `+` a wide-only (priority 1) column."""
    cols = []
    for word in spec.split(","):
        name = word.rstrip("*+")
        cols.append(
            Column(name, wide_only="+" in word[len(name) :], is_name="*" in word[len(name) :])
        )
    return tuple(cols)


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]
    cells: Callable[[dict, int], list[str]]


TABLES: dict[str, TableSpec] = {
    "pods": TableSpec(
        _columns("NAME*,READY,STATUS,RESTARTS,AGE,IP+,NODE+,NOMINATED NODE+,READINESS GATES+"),
        _pod_cells,
    ),
    "nodes": TableSpec(
        _columns(
            "NAME*,STATUS,ROLES,AGE,VERSION,INTERNAL-IP+,EXTERNAL-IP+,OS-IMAGE+,KERNEL-VERSION+,"
            "CONTAINER-RUNTIME+"
        ),
        _node_cells,
    ),
    "deployments": TableSpec(
        _columns("NAME*,READY,UP-TO-DATE,AVAILABLE,AGE,CONTAINERS+,IMAGES+,SELECTOR+"),
        _deployment_cells,
    ),
    "replicasets": TableSpec(
        _columns("NAME*,DESIRED,CURRENT,READY,AGE,CONTAINERS+,IMAGES+,SELECTOR+"),
        _replicaset_cells,
    ),
    "statefulsets": TableSpec(_columns("NAME*,READY,AGE,CONTAINERS+,IMAGES+"), _statefulset_cells),
    "daemonsets": TableSpec(
        _columns(
            "NAME*,DESIRED,CURRENT,READY,UP-TO-DATE,AVAILABLE,NODE SELECTOR,AGE,"
            "CONTAINERS+,IMAGES+,SELECTOR+"
        ),
        _daemonset_cells,
    ),
    "jobs": TableSpec(
        _columns("NAME*,STATUS,COMPLETIONS,DURATION,AGE,CONTAINERS+,IMAGES+,SELECTOR+"), _job_cells
    ),
    "cronjobs": TableSpec(
        _columns(
            "NAME*,SCHEDULE,TIMEZONE,SUSPEND,ACTIVE,LAST SCHEDULE,AGE,CONTAINERS+,IMAGES+,SELECTOR+"
        ),
        _cronjob_cells,
    ),
    "horizontalpodautoscalers": TableSpec(
        _columns("NAME*,REFERENCE,TARGETS,MINPODS,MAXPODS,REPLICAS,AGE"), _hpa_cells
    ),
    "services": TableSpec(
        _columns("NAME*,TYPE,CLUSTER-IP,EXTERNAL-IP,PORT(S),AGE,SELECTOR+"), _service_cells
    ),
    "endpoints": TableSpec(_columns("NAME*,ENDPOINTS,AGE"), _endpoints_cells),
    "endpointslices": TableSpec(
        _columns("NAME*,ADDRESSTYPE,PORTS,ENDPOINTS,AGE"), _endpointslice_cells
    ),
    "ingresses": TableSpec(_columns("NAME*,CLASS,HOSTS,ADDRESS,PORTS,AGE"), _ingress_cells),
    "events": TableSpec(
        _columns(
            "LAST SEEN,TYPE,REASON,OBJECT,SUBOBJECT+,SOURCE+,MESSAGE,FIRST SEEN+,COUNT+,NAME*+"
        ),
        _event_cells,
    ),
    "namespaces": TableSpec(_columns("NAME*,STATUS,AGE"), _namespace_cells),
    "configmaps": TableSpec(_columns("NAME*,DATA,AGE"), _configmap_cells),
    "secrets": TableSpec(_columns("NAME*,TYPE,DATA,AGE"), _secret_cells),
    "serviceaccounts": TableSpec(_columns("NAME*,SECRETS,AGE"), _serviceaccount_cells),
    "leases": TableSpec(_columns("NAME*,HOLDER,AGE"), _lease_cells),
    "persistentvolumes": TableSpec(
        _columns(
            "NAME*,CAPACITY,ACCESS MODES,RECLAIM POLICY,STATUS,CLAIM,STORAGECLASS,"
            "VOLUMEATTRIBUTESCLASS,REASON,AGE,VOLUMEMODE+"
        ),
        _persistent_volume_cells,
    ),
    "persistentvolumeclaims": TableSpec(
        _columns(
            "NAME*,STATUS,VOLUME,CAPACITY,ACCESS MODES,STORAGECLASS,VOLUMEATTRIBUTESCLASS,AGE,"
            "VOLUMEMODE+"
        ),
        _persistent_volume_claim_cells,
    ),
    "storageclasses": TableSpec(
        _columns("NAME*,PROVISIONER,RECLAIMPOLICY,VOLUMEBINDINGMODE,ALLOWVOLUMEEXPANSION,AGE"),
        _storage_class_cells,
    ),
    "controllerrevisions": TableSpec(
        _columns("NAME*,CONTROLLER,REVISION,AGE"), _controllerrevision_cells
    ),
    "resourcequotas": TableSpec(_columns("NAME*,AGE,REQUEST,LIMIT"), quota_cells),
    "limitranges": TableSpec(_columns("NAME*,CREATED AT"), limitrange_cells),
    "networkpolicies": TableSpec(_columns("NAME*,POD-SELECTOR,AGE"), network_policy_cells),
    "roles": TableSpec(_columns("NAME*,CREATED AT"), role_cells),
    "clusterroles": TableSpec(_columns("NAME*,CREATED AT"), role_cells),
    "rolebindings": TableSpec(
        _columns("NAME*,ROLE,AGE,USERS+,GROUPS+,SERVICEACCOUNTS+"), role_binding_cells
    ),
    "clusterrolebindings": TableSpec(
        _columns("NAME*,ROLE,AGE,USERS+,GROUPS+,SERVICEACCOUNTS+"), role_binding_cells
    ),
}
GENERIC_TABLE = TableSpec(_columns("NAME*,AGE"), _generic_cells)

ALIASES = {
    "po": "pods",
    "pod": "pods",
    "no": "nodes",
    "node": "nodes",
    "deploy": "deployments",
    "deployment": "deployments",
    "rs": "replicasets",
    "replicaset": "replicasets",
    "sts": "statefulsets",
    "statefulset": "statefulsets",
    "ds": "daemonsets",
    "daemonset": "daemonsets",
    "job": "jobs",
    "cj": "cronjobs",
    "cronjob": "cronjobs",
    "hpa": "horizontalpodautoscalers",
    "horizontalpodautoscaler": "horizontalpodautoscalers",
    "svc": "services",
    "service": "services",
    "ep": "endpoints",
    "endpointslice": "endpointslices",
    "ing": "ingresses",
    "ingress": "ingresses",
    "ev": "events",
    "event": "events",
    "ns": "namespaces",
    "namespace": "namespaces",
    "cm": "configmaps",
    "configmap": "configmaps",
    "secret": "secrets",
    "sa": "serviceaccounts",
    "serviceaccount": "serviceaccounts",
    "lease": "leases",
    "pv": "persistentvolumes",
    "persistentvolume": "persistentvolumes",
    "pvc": "persistentvolumeclaims",
    "persistentvolumeclaim": "persistentvolumeclaims",
    "sc": "storageclasses",
    "storageclass": "storageclasses",
    "quota": "resourcequotas",
    "resourcequota": "resourcequotas",
    "limits": "limitranges",
    "limitrange": "limitranges",
    "netpol": "networkpolicies",
    "networkpolicy": "networkpolicies",
    "role": "roles",
    "clusterrole": "clusterroles",
    "rolebinding": "rolebindings",
    "clusterrolebinding": "clusterrolebindings",
}


def table_for(resource: str) -> TableSpec:
    resource = resource.split(".")[0].lower()
    return TABLES.get(ALIASES.get(resource, resource), GENERIC_TABLE)


def print_get(
    resource: str,
    objects: list[dict],
    now_ms: int,
    *,
    wide: bool = False,
    all_namespaces: bool = False,
    show_labels: bool = False,
    kind_prefix: str | None = None,
    no_headers: bool = False,
    server_order: bool = True,
) -> str:
    """`kubectl get <resource>` for one resource type; '' when there is nothing to print.

    kind_prefix ("pod", "deployment.apps") names rows `kind/name`, as `kubectl get all` does.
    With server_order the objects are first put in API list order (namespace, then name);
    pass False to keep the caller's order (e.g. after --sort-by).
    """
    if not objects:
        return ""  # printTable prints nothing, not even headers, for an empty table
    table = table_for(resource)
    if server_order:
        objects = api_list_order(objects)
    keep = [i for i, col in enumerate(table.columns) if wide or not col.wide_only]
    name_index = next((i for i, col in enumerate(table.columns) if col.is_name), None)
    headers = [table.columns[i].name for i in keep]
    if all_namespaces:
        headers.insert(0, "NAMESPACE")
    if show_labels:
        headers.append("LABELS")
    rows = []
    for obj in objects:
        cells = table.cells(obj, now_ms)
        if kind_prefix and name_index is not None:
            cells[name_index] = f"{kind_prefix}/{cells[name_index]}"
        row = [cells[i] for i in keep]
        if all_namespaces:
            row.insert(0, obj.get("metadata", {}).get("namespace", ""))
        if show_labels:
            row.append(format_labels(obj.get("metadata", {}).get("labels")))
        rows.append(row)
    return render_table(headers, rows, no_headers=no_headers)


def join_get_groups(outputs: list[str], *, no_headers: bool = False) -> str:
    """Several resource types in one `kubectl get` (e.g. `get all`): a blank line between
    groups that printed something, unless --no-headers (get.go separatorWriterWrapper)."""
    printed = [text for text in outputs if text]
    return ("" if no_headers else "\n").join(printed)


def no_resources_message(namespace: str | None, all_namespaces: bool) -> str:
    """What kubectl get writes to stderr when nothing matched (no trailing newline)."""
    if all_namespaces or not namespace:
        return "No resources found"
    return f"No resources found in {namespace} namespace."
