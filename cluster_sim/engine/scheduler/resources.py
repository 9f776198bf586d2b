"""What a pod asks for, as the scheduler counts it (pkg/api/v1/resource)."""

from ..quantity import resource_amount

# Scoring treats containers without requests as asking for this much
# (pkg/scheduler/util: DefaultMilliCPURequest, DefaultMemoryRequest).
DEFAULT_MILLI_CPU_REQUEST = 100
DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024


def pod_requests(spec: dict) -> dict[str, int]:
    """Sum of app containers' requests, at least the largest init container's."""
    total: dict[str, int] = {}
    for container in spec.get("containers", []):
        for name, value in ((container.get("resources") or {}).get("requests") or {}).items():
            total[name] = total.get(name, 0) + resource_amount(name, value)
    for container in spec.get("initContainers", []):
        for name, value in ((container.get("resources") or {}).get("requests") or {}).items():
            total[name] = max(total.get(name, 0), resource_amount(name, value))
    for name, value in (spec.get("overhead") or {}).items():
        total[name] = total.get(name, 0) + resource_amount(name, value)
    return total


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
