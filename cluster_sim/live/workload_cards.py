"""The workloads panel's rows: Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, HPAs
and Services, with the numbers `kubectl get` prints for each."""

from cluster_sim.engine.kubectl.printers import format_labels, service_ports

from .cards import dom_id

# The order the panel lists kinds in, with their kubectl resource names.
WORKLOAD_KINDS = {
    "Deployment": "deployment",
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
    "Job": "job",
    "CronJob": "cronjob",
    "HorizontalPodAutoscaler": "hpa",
    "Service": "service",
}
MAX_RPS = 1000
# The panel's headings, by kubectl resource name.
HEADINGS = {
    "deployment": "Deployments",
    "statefulset": "StatefulSets",
    "daemonset": "DaemonSets",
    "job": "Jobs",
    "cronjob": "CronJobs",
    "hpa": "HorizontalPodAutoscalers",
    "service": "Services",
}


def _base(obj: dict) -> dict:
    meta = obj["metadata"]
    kind = obj["kind"]
    return {
        "id": dom_id("wl", WORKLOAD_KINDS[kind], meta["namespace"], meta["name"]),
        "kind": kind,
        "resource": WORKLOAD_KINDS[kind],
        "name": meta["name"],
        "namespace": meta["namespace"],
    }


def _healthy(ready: int, want: int) -> str:
    return "running" if ready >= want else "pending"


def workload_card(obj: dict, traffic=None) -> dict:
    card = _base(obj)
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    kind = obj["kind"]
    if kind in ("Deployment", "StatefulSet"):
        want, ready = spec.get("replicas", 1), status.get("readyReplicas", 0)
        card.update(
            summary=f"{ready}/{want} ready",
            detail=f"{status.get('updatedReplicas', 0)} up to date",
            state=_healthy(ready, want),
            replicas=want,
            scalable=True,
        )
    elif kind == "DaemonSet":
        want, ready = status.get("desiredNumberScheduled", 0), status.get("numberReady", 0)
        card.update(
            summary=f"{ready}/{want} ready", detail="one per node", state=_healthy(ready, want)
        )
    elif kind == "Job":
        conditions = {
            c["type"]: c for c in status.get("conditions") or () if c.get("status") == "True"
        }
        completions = spec.get("completions")
        done = status.get("succeeded", 0)
        state = (
            "completed"
            if "Complete" in conditions
            else "failed"
            if "Failed" in conditions
            else "pending"
        )
        word = {"completed": "Complete", "failed": "Failed"}.get(state, "Running")
        card.update(
            summary=f"{done}/{completions if completions is not None else 1} completions",
            detail=f"{word}; {status.get('active', 0)} active",
            state=state,
        )
    elif kind == "CronJob":
        card.update(
            summary=spec.get("schedule", ""),
            detail="suspended"
            if spec.get("suspend")
            else f"{len(status.get('active') or [])} active",
            state="running",
        )
    elif kind == "HorizontalPodAutoscaler":
        target = spec.get("scaleTargetRef") or {}
        card.update(
            summary=f"{status.get('currentReplicas', 0)} → {status.get('desiredReplicas', 0)} replicas",
            detail=f"{target.get('kind', '')} {target.get('name', '')}, {spec.get('minReplicas', 1)}–{spec.get('maxReplicas', '')}: {_hpa_metrics(spec, status)}",
            state="running",
        )
    elif kind == "Service":
        card.update(
            summary=f"{spec.get('type', 'ClusterIP')} {spec.get('clusterIP', '')}",
            detail=f"{service_ports(spec.get('ports'))}; selector {format_labels(spec.get('selector')) if spec.get('selector') else '<none>'}",
            state="running",
            has_selector=bool(spec.get("selector")),
            traffic=traffic,
            max_rps=MAX_RPS,
        )
    return card


def _hpa_metrics(spec: dict, status: dict) -> str:
    """cpu 42%/50%, as the TARGETS column reads."""
    current = {
        m["resource"]["name"]: m["resource"]["current"]
        for m in status.get("currentMetrics") or ()
        if m.get("type") == "Resource"
    }
    parts = []
    for metric in spec.get("metrics") or ():
        if metric.get("type") != "Resource":
            continue
        name, target = metric["resource"]["name"], metric["resource"]["target"]
        now = current.get(name, {})
        if "averageUtilization" in target:
            value = now.get("averageUtilization")
            shown = f"{value}%" if value is not None else "<unknown>"
            parts.append(f"{name} {shown}/{target['averageUtilization']}%")
        else:
            parts.append(
                f"{name} {now.get('averageValue', '<unknown>')}/{target.get('averageValue')}"
            )
    return ", ".join(parts) or "no metrics"


def traffic_card(stats) -> dict:
    """sim traffic's figures for one Service."""

    def ms(value):
        return "–" if value is None else f"{value:.0f} ms"

    return {
        "offered": round(stats.offered_rps),
        "served": round(stats.served_rps),
        "failed": round(stats.failed_rps),
        "error_percent": round(100 * stats.error_rate, 1),
        "p50": ms(stats.p50_ms),
        "p95": ms(stats.p95_ms),
        "endpoints": stats.endpoints,
        "refused": stats.refused,
    }
