"""What the playground shows of each object: small dicts the fragment templates render.

Status words are kubectl's (the STATUS column of `kubectl get pods` / `get nodes`), so
what a learner reads here is what a real cluster prints; the CSS class only adds colour.
"""

import zlib

from cluster_sim.engine.kubectl.printers import node_status, pod_summary, timestamp_ms
from cluster_sim.engine.timefmt import exact_duration

# kubectl STATUS words -> the colour family the page uses (text always shows the word).
_FAILED = {
    "CrashLoopBackOff",
    "Error",
    "ImagePullBackOff",
    "ErrImagePull",
    "InvalidImageName",
    "OOMKilled",
    "Failed",
    "Evicted",
    "CreateContainerConfigError",
    "CreateContainerError",
    "RunContainerError",
    "ContainerStatusUnknown",
    "Unknown",
    "OutOfcpu",
    "OutOfmemory",
    "NodeAffinity",
}
_CREATING = {"ContainerCreating", "PodInitializing", "Pending"}
ROLE_LABEL_PREFIX = "node-role.kubernetes.io/"
PRESSURE_CONDITIONS = ("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable")


def dom_id(prefix: str, *parts: str) -> str:
    """A stable DOM id. Kubernetes names never contain `_`, so mapping `.` (legal in
    DNS-subdomain names, awkward in CSS selectors) to `_` and joining namespace and name
    with `__` cannot collide."""
    return prefix + "-" + "__".join(part.replace(".", "_") for part in parts)


def pod_status_class(status: str, ready: str) -> str:
    if status == "Running":
        have, want = ready.split("/")
        return "running" if have == want else "notready"
    if status == "Completed" or status == "Succeeded":
        return "completed"
    if status == "Terminating":
        return "terminating"
    if status in _CREATING or status.startswith("Init:") and status[5:].split("/")[0].isdigit():
        return "pending"
    if status in _FAILED or status.startswith(("Init:", "ExitCode:", "Signal:")):
        return "failed"
    return "pending"


def owner_of(store, pod: dict) -> tuple[str, str] | None:
    """(kind, name) of the workload a learner thinks of: a Deployment rather than its
    ReplicaSet, a CronJob rather than its Job."""
    for ref in pod["metadata"].get("ownerReferences") or ():
        if not ref.get("controller"):
            continue
        kind, name = ref["kind"], ref["name"]
        if kind in ("ReplicaSet", "Job"):
            parent = store.get(kind, pod["metadata"]["namespace"], name)
            for parent_ref in (parent or {}).get("metadata", {}).get("ownerReferences") or ():
                if parent_ref.get("controller"):
                    return parent_ref["kind"], parent_ref["name"]
        return kind, name
    return None


def owner_hue(owner: tuple[str, str] | None) -> int:
    """A stable hue per owner, so one Deployment's pods share a tint across nodes."""
    if owner is None:
        return 0
    return zlib.crc32(f"{owner[0]}/{owner[1]}".encode()) % 360


def pod_card(store, pod: dict, now_ms: int) -> dict:
    meta, status = pod["metadata"], pod.get("status") or {}
    summary = pod_summary(pod, now_ms)
    owner = owner_of(store, pod)
    reason = ""
    if not pod["spec"].get("nodeName"):
        for condition in status.get("conditions") or ():
            if condition.get("type") == "PodScheduled" and condition.get("status") == "False":
                reason = condition.get("message") or condition.get("reason") or ""
    return {
        "id": dom_id("pod", meta["uid"]),
        "name": meta["name"],
        "namespace": meta["namespace"],
        "status": summary.status,
        "status_class": pod_status_class(summary.status, summary.ready),
        "ready": summary.ready,
        # the count only: "(5s ago)" would change every second without the pod changing
        "restarts": summary.restarts.split(" ", 1)[0],
        "owner": f"{owner[0]} {owner[1]}" if owner else "",
        "hue": owner_hue(owner),
        "reason": reason,
        "sort_key": (owner or ("", ""), meta["namespace"], meta["name"]),
    }


def _percent(used: int, total: int) -> int:
    return min(100, round(100 * used / total)) if total > 0 else 0


def _cpu(millis: int) -> str:
    return f"{millis / 1000:g}" if millis % 1000 == 0 else f"{millis}m"


def _memory(amount: int) -> str:
    gib, mib = 1024**3, 1024**2
    if amount >= gib:
        return f"{amount / gib:.1f}Gi".replace(".0Gi", "Gi")
    return f"{round(amount / mib)}Mi"


def node_card(cluster, node: dict) -> dict:
    meta, spec, status = node["metadata"], node.get("spec") or {}, node.get("status") or {}
    name = meta["name"]
    allocation = cluster.node_allocation(name)
    allocatable = allocation.allocatable if allocation else {}
    requested = allocation.requested if allocation else {}
    cpu_total, cpu_used = allocatable.get("cpu", 0), requested.get("cpu", 0)
    mem_total, mem_used = allocatable.get("memory", 0), requested.get("memory", 0)
    pods_total, pods_used = allocatable.get("pods", 0), allocation.pods if allocation else 0
    status_text = node_status(node)
    ready = status_text.split(",")[0]
    labels = meta.get("labels") or {}
    roles = sorted(
        key[len(ROLE_LABEL_PREFIX) :] for key in labels if key.startswith(ROLE_LABEL_PREFIX)
    )
    gpus = allocatable.get("nvidia.com/gpu", 0)
    return {
        "id": dom_id("node", name),
        "pods_id": dom_id("pods", name),
        "name": name,
        "status": status_text,
        "state_class": {"Ready": "ready", "NotReady": "notready"}.get(ready, "unknown"),
        "powered": cluster.node_powered(name),
        "cordoned": bool(spec.get("unschedulable")),
        # (key=value, effect): drawn with a line-break opportunity before ":Effect"
        "taints": [
            (f"{t.get('key')}{'=' + t['value'] if t.get('value') else ''}", t.get("effect"))
            for t in spec.get("taints") or ()
        ],
        "roles": roles,
        "pressures": [
            c["type"]
            for c in status.get("conditions") or ()
            if c.get("type") in PRESSURE_CONDITIONS and c.get("status") == "True"
        ],
        "gpus": gpus,
        "cpu": {
            "used": _cpu(cpu_used),
            "total": _cpu(cpu_total),
            "percent": _percent(cpu_used, cpu_total),
        },
        "memory": {
            "used": _memory(mem_used),
            "total": _memory(mem_total),
            "percent": _percent(mem_used, mem_total),
        },
        "pods": {"used": pods_used, "total": pods_total},
        # the compact grid's single number: the busier of cpu and memory, in tenths
        "heat": max(_percent(cpu_used, cpu_total), _percent(mem_used, mem_total)) // 10,
    }


def clock_text(now_ms: int) -> str:
    return exact_duration(now_ms - now_ms % 1000) if now_ms >= 1000 else "0s"


def event_card(event: dict) -> dict:
    involved = event.get("involvedObject") or {}
    kind = (involved.get("kind") or "").lower()
    target = f"{kind}/{involved.get('name', '')}"
    source = event.get("source") or {}
    count = (event.get("series") or {}).get("count") or event.get("count") or 1
    last = (
        (event.get("series") or {}).get("lastObservedTime")
        or event.get("lastTimestamp")
        or event.get("eventTime")
    )
    at_ms = timestamp_ms(last) or 0
    return {
        # 48 random bits of the uid are plenty among the events a page holds, and the id
        # goes out twice each time an event is updated
        "id": dom_id("ev", event["metadata"]["uid"].replace("-", "")[:12]),
        "type": event.get("type", ""),
        "reason": event.get("reason", ""),
        "object": target,
        "namespace": involved.get("namespace") or event["metadata"].get("namespace", ""),
        "message": (event.get("message") or "").strip(),
        "source": source.get("component") or event.get("reportingComponent") or "",
        "count": count,
        "at": clock_text(at_ms),  # on the simulated clock, as the toolbar shows it
    }
