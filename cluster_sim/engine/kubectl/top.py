"""`kubectl top nodes|pods`: resource use as metrics-server would report it.

Simplification (stated in the README): usage is read from the simulated
containers at this instant rather than averaged over metrics-server's 15 s
scrape window, and each node adds a fixed overhead for its OS, kubelet and
container runtime.
"""

from .. import podutil
from ..scheduler.resources import node_allocatable
from .args import Invocation, UsageError
from .table import render_table

NODE_OVERHEAD_MILLICPU = 60
NODE_OVERHEAD_MEMORY = 550 * 1024 * 1024
MIB = 1024 * 1024


def run_top(cluster, inv: Invocation, read_file=None) -> str:
    if len(inv.args) > 1:  # top_node.go / top_pod.go Complete
        kind = "node" if inv.path == "top node" else "pod"
        raise UsageError(
            f"error: {kind} [NAME | -l label]\nSee 'kubectl top {kind} -h' for help and examples"
        )
    if inv.path == "top node":
        return _top_nodes(cluster, inv.args)
    return _top_pods(cluster, inv)


def _top_nodes(cluster, names: list[str]) -> str:
    rows = []
    nodes = [cluster.api.get("Node", "", n) for n in names] if names else cluster.store.list("Node")
    pods_by_node: dict[str, list[dict]] = {}
    for pod in cluster.store.list("Pod"):
        if pod["spec"].get("nodeName") and podutil.is_active(pod):
            pods_by_node.setdefault(pod["spec"]["nodeName"], []).append(pod)
    for node in nodes:
        name = node["metadata"]["name"]
        kubelet = cluster.kubelets.get(name)
        if kubelet is None or not kubelet.powered:
            rows.append([name, "<unknown>", "<unknown>", "<unknown>", "<unknown>"])
            continue
        cpu, memory = NODE_OVERHEAD_MILLICPU, NODE_OVERHEAD_MEMORY
        for pod in pods_by_node.get(name, []):
            usage = cluster.pod_usage(pod)
            if usage:
                cpu += usage[0]
                memory += usage[1]
        # kubectl top computes percentages against allocatable, not capacity.
        allocatable = node_allocatable(node)
        capacity_cpu = allocatable.get("cpu", 1)
        capacity_memory = allocatable.get("memory", 1)
        rows.append(
            [
                name,
                f"{cpu}m",
                f"{cpu * 100 // max(capacity_cpu, 1)}%",
                f"{memory // MIB}Mi",
                f"{memory * 100 // max(capacity_memory, 1)}%",
            ]
        )
    return render_table(
        ["NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)"], rows
    ).rstrip("\n")


def _top_pods(cluster, inv: Invocation) -> str:
    namespace = inv.flag("namespace") or "default"
    all_ns = bool(inv.flag("all-namespaces"))
    pods = cluster.store.list("Pod", None if all_ns else namespace)
    names = inv.args
    if names:
        pods = [p for p in pods if p["metadata"]["name"] in names]
    rows = []
    for pod in pods:
        usage = cluster.pod_usage(pod)
        if usage is None:
            continue
        row = [pod["metadata"]["name"], f"{usage[0]}m", f"{usage[1] // MIB}Mi"]
        rows.append([pod["metadata"]["namespace"], *row] if all_ns else row)
    if not rows:
        if names:
            return f"error: Metrics not available for pod {namespace}/{names[0]}, age: 0s"
        return (
            f"No resources found in {namespace} namespace." if not all_ns else "No resources found"
        )
    headers = ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    if all_ns:
        headers = ["NAMESPACE", *headers]
    return render_table(headers, rows).rstrip("\n")
