"""What a pod asks for, as the scheduler counts it (pkg/api/v1/resource)."""

from ..quantity import resource_amount

# Scoring treats containers without requests as asking for this much
# (pkg/scheduler/util: DefaultMilliCPURequest, DefaultMemoryRequest).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


def pod_requests(spec: dict) -> dict[str, int]:
    """Sum of app containers' requests, at least the largest init container's.

    Sidecars (init containers with restartPolicy Always) keep running: their requests add to
    the app containers', and to those of every init container that starts after them
    (AggregateContainerRequests in k8s.io/component-helpers/resource)."""
    total: dict[str, int] = {}
    for container in spec.get("containers", []):
        for name, value in ((container.get("resources") or {}).get("requests") or {}).items():
            total[name] = total.get(name, 0) + resource_amount(name, value)
    inits = spec.get("initContainers")
    if inits:
        _add_init_requests(total, inits)
    for name, value in (spec.get("overhead") or {}).items():
        total[name] = total.get(name, 0) + resource_amount(name, value)
    return total


def _add_init_requests(total: dict[str, int], inits: list[dict]) -> None:
    sidecars: dict[str, int] = {}
    peak: dict[str, int] = {}
    for container in inits:
        requests = {
            name: resource_amount(name, value)
            for name, value in ((container.get("resources") or {}).get("requests") or {}).items()
        }
        if container.get("restartPolicy") == "Always":
            for name, amount in requests.items():
                total[name] = total.get(name, 0) + amount
                sidecars[name] = sidecars.get(name, 0) + amount
            requests = dict(sidecars)
        else:
            for name, amount in sidecars.items():
                requests[name] = requests.get(name, 0) + amount
        for name, amount in requests.items():
            peak[name] = max(peak.get(name, 0), amount)
    for name, amount in peak.items():
        total[name] = max(total.get(name, 0), amount)


def pod_nonzero_requests(spec: dict) -> tuple[int, int]:
    """(milli-cpu, memory) for scoring, with upstream's defaults for unset requests."""
    cpu = memory = 0
    for container in spec.get("containers", []):
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += (
            resource_amount("cpu", requests["cpu"])
            if "cpu" in requests
            else DEFAULT_MILLI_CPU_REQUEST
        )
        memory += (
            resource_amount("memory", requests["memory"])
            if "memory" in requests
            else DEFAULT_MEMORY_REQUEST
        )
    return cpu, memory


def node_allocatable(node: dict) -> dict[str, int]:
    status = node.get("status") or {}
    source = status.get("allocatable") or status.get("capacity") or {}
    return {name: resource_amount(name, value) for name, value in source.items()}


def pod_host_ports(pod: dict) -> set[tuple[str, int]]:
    """(protocol, hostPort) of the pod's containers: what NodePorts and the kubelet check."""
    return {
        (port.get("protocol", "TCP"), port["hostPort"])
        for container in pod["spec"].get("containers", [])
        for port in container.get("ports", [])
        if port.get("hostPort")
    }
