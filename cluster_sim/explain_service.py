"""The "Why?" panel of a Service: what it selects, its EndpointSlices, where traffic goes.

Endpoints come from the Service's EndpointSlices (what kube-proxy programs its rules
from), not from re-matching the selector; the load per pod is the traffic model's last
step (cluster.traffic), formatted as `sim traffic NAME` prints it.
"""

from cluster_sim.engine.controllers.endpoints import SERVICE_NAME_LABEL
from cluster_sim.engine.kubectl.printers import format_labels, service_ports
from cluster_sim.engine.sim_traffic import _latency, _number, _percent
from cluster_sim.explain_pod import plural

SUGGESTED_RPS = 50  # the rate the panel suggests when no traffic flows


def why_service(cluster, namespace: str, name: str) -> dict | None:
    service = cluster.store.get("Service", namespace, name)
    if service is None:
        return None
    spec = service.get("spec") or {}
    kind = spec.get("type") or "ClusterIP"
    endpoints = _endpoints(cluster.store, namespace, name)
    traffic = _traffic(cluster, namespace, name)
    return {
        "namespace": namespace,
        "name": name,
        "type": kind,
        "cluster_ip": spec.get("clusterIP") or "<none>",
        "external_name": spec.get("externalName") or "",
        "ports_text": service_ports(spec.get("ports")) or "<none>",
        "ports": [_port(port) for port in spec.get("ports") or ()],
        "selector": format_labels(spec.get("selector")),
        "explanation": _explain(kind, spec, endpoints, namespace),
        "endpoints": endpoints,
        "ready_count": sum(1 for e in endpoints if e["ready"]),
        "traffic": traffic,
        # shown when no traffic flows: "set some with the slider or <this command>"
        "traffic_command": f"sim traffic {name} --rps {SUGGESTED_RPS}"
        + (f" -n {namespace}" if namespace != "default" else ""),
    }


def _port(port: dict) -> dict:
    return {
        "name": port.get("name") or "",
        "protocol": port.get("protocol") or "TCP",
        "port": port.get("port"),
        "target_port": str(port.get("targetPort", port.get("port"))),
        "node_port": port.get("nodePort") or "",
    }


def _endpoints(store, namespace: str, name: str) -> list[dict]:
    rows = []
    slices = [
        s
        for s in store.list("EndpointSlice", namespace)
        if (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == name
    ]
    for endpoint_slice in sorted(slices, key=lambda s: s["metadata"]["name"]):
        for endpoint in endpoint_slice.get("endpoints") or ():
            conditions = endpoint.get("conditions") or {}
            target = endpoint.get("targetRef") or {}
            ready = bool(conditions.get("ready"))
            rows.append(
                {
                    "pod": target.get("name", "") if target.get("kind") == "Pod" else "",
                    "node": endpoint.get("nodeName") or "",
                    "ip": ", ".join(endpoint.get("addresses") or ()),
                    "ready": ready,
                    "why": "" if ready else _not_ready_why(store, namespace, target, conditions),
                    "slice": endpoint_slice["metadata"]["name"],
                }
            )
    return sorted(rows, key=lambda row: (row["pod"], row["ip"]))


def _not_ready_why(store, namespace: str, target: dict, conditions: dict) -> str:
    """Why an endpoint is not ready: its pod is terminating, or its Ready condition says."""
    if conditions.get("terminating"):
        return "terminating: the pod is being deleted"
    pod = store.get("Pod", namespace, target["name"]) if target.get("kind") == "Pod" else None
    if pod is None:
        return "not ready"
    ready = next(
        (c for c in (pod.get("status") or {}).get("conditions") or () if c["type"] == "Ready"),
        None,
    )
    if ready is None:
        return "the pod has no Ready condition yet"
    reason, message = ready.get("reason") or "", ready.get("message") or ""
    return f"{reason}: {message}" if reason and message else reason or message or "not ready"


def _explain(kind: str, spec: dict, endpoints: list[dict], namespace: str) -> str:
    if kind == "ExternalName":
        return (
            f"ExternalName: cluster DNS answers with a CNAME to {spec.get('externalName', '')}; "
            "there are no endpoints and kube-proxy does nothing for it."
        )
    ready = sum(1 for e in endpoints if e["ready"])
    if not spec.get("selector"):
        managed = (
            f"{plural(ready, 'ready endpoint')} in its EndpointSlices"
            if endpoints
            else "no endpoints"
        )
        return (
            "No selector: the control plane does not create EndpointSlices for it; whoever "
            f"manages it writes them ({managed})."
        )
    selector = format_labels(spec.get("selector"))
    if not endpoints:
        return (
            f"No endpoints: no pod in namespace {namespace} matches {selector}, so "
            "connections to it are rejected."
        )
    if not ready:
        return (
            f"None of its {plural(len(endpoints), 'endpoint')} is ready, so connections to it "
            "are rejected until a selected pod passes its readiness checks."
        )
    spread = "kube-proxy spreads connections over them at random"
    if ready < len(endpoints):
        return f"{ready} of {len(endpoints)} endpoints are ready: {spread}, leaving the others out."
    return f"{plural(ready, 'ready endpoint')}: {spread}."


def _traffic(cluster, namespace: str, name: str) -> dict | None:
    flow = cluster.traffic.flows.get((namespace, name))
    if flow is None:
        return None
    stats = cluster.traffic.service_stats(flow)
    pods = []
    for load in cluster.traffic.loads_of(flow):
        answering = load.alive
        pods.append(
            {
                "pod": load.name,
                "node": load.node,
                "rate": f"{_number(load.offered)}/s",
                "served": f"{_number(load.served)}/s" if answering else "0/s",
                "errors": _percent(load.failed / load.offered if load.offered else 0.0)
                if answering
                else "100%",
                "capacity": f"{_number(load.capacity)}/s" if answering else "-",
                "cpu": f"{load.cpu_millis}m" if answering else "-",
                "p95": _latency(load.latency_ms(0.95)) if answering else "-",
                "note": _load_note(load),
            }
        )
    return {
        "rate": f"{_number(stats.offered_rps)}/s",
        "served": f"{_number(stats.served_rps)}/s",
        "errors": _percent(stats.error_rate),
        "p50": _latency(stats.p50_ms),
        "p95": _latency(stats.p95_ms),
        "endpoints": stats.endpoints,
        "refused": stats.refused,
        "pods": pods,
    }


def _load_note(load) -> str:
    if not load.alive:
        return "not answering: requests time out"
    if load.backlog:
        return "overloaded: requests queue"
    return ""
