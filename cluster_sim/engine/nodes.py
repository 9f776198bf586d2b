"""Node objects as a kubelet registers them: capacity, allocatable, labels, addresses, info."""

from .quantity import cpu_millis, format_bytes, format_cpu, to_bytes
from .versions import CONTAINER_RUNTIME, KERNEL_VERSION, KUBERNETES_VERSION, OS_IMAGE

# kubelet's default hard eviction threshold memory.available<100Mi comes off allocatable.
EVICTION_HARD_MEMORY = 100 * 1024 * 1024
DEFAULT_EPHEMERAL_STORAGE = 100 * 1024**3


def node_manifest(
    name: str,
    *,
    cpu: str = "4",
    memory: str = "8Gi",
    pods: int = 110,
    labels: dict | None = None,
    taints: list[dict] | None = None,
    extended: dict[str, str] | None = None,
) -> dict:
    memory_bytes = to_bytes(memory)
    cpu_text = format_cpu(cpu_millis(cpu))
    capacity = {
        "cpu": cpu_text,
        "ephemeral-storage": f"{DEFAULT_EPHEMERAL_STORAGE // 1024}Ki",
        "hugepages-1Gi": "0",
        "hugepages-2Mi": "0",
        "memory": f"{memory_bytes // 1024}Ki",
        "pods": str(pods),
    }
    allocatable = dict(capacity)
    allocatable["memory"] = f"{(memory_bytes - EVICTION_HARD_MEMORY) // 1024}Ki"
    allocatable["ephemeral-storage"] = str(DEFAULT_EPHEMERAL_STORAGE * 9 // 10)
    for resource, amount in (extended or {}).items():
        capacity[resource] = amount
        allocatable[resource] = amount
    node_labels = {
        "beta.kubernetes.io/arch": "amd64",
        "beta.kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
    }
    node_labels.update(labels or {})
    spec: dict = {}
    if taints:
        spec["taints"] = taints
    return {
        "apiVersion": "v1",
        "kind": "Node",
        "metadata": {
            "name": name,
            "labels": node_labels,
            "annotations": {
                "node.alpha.kubernetes.io/ttl": "0",
                "volumes.kubernetes.io/controller-managed-attach-detach": "true",
            },
        },
        "spec": spec,
        "status": {
            "capacity": capacity,
            "allocatable": allocatable,
            "conditions": [],
            "addresses": [],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": "",
                "containerRuntimeVersion": CONTAINER_RUNTIME,
                "kernelVersion": KERNEL_VERSION,
                "kubeProxyVersion": KUBERNETES_VERSION,
                "kubeletVersion": KUBERNETES_VERSION,
                "machineID": "",
                "operatingSystem": "linux",
                "osImage": OS_IMAGE,
                "systemUUID": "",
            },
            "images": [],
        },
    }


def ready_conditions(now: str) -> list[dict]:
    """What a healthy kubelet reports (pkg/kubelet/nodestatus/setters.go)."""

    def item(kind, status, reason, message):
        return {
            "lastHeartbeatTime": now,
            "lastTransitionTime": now,
            "message": message,
            "reason": reason,
            "status": status,
            "type": kind,
        }

    return [
        item(
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        item("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        item(
            "PIDPressure",
            "False",
            "KubeletHasSufficientPID",
            "kubelet has sufficient PID available",
        ),
        item("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    ]


def node_condition(node: dict, kind: str) -> dict | None:
    for item in node["status"].get("conditions") or ():
        if item["type"] == kind:
            return item
    return None


def is_node_ready(node: dict) -> bool:
    ready = node_condition(node, "Ready")
    return bool(ready and ready["status"] == "True")


__all__ = ["format_bytes", "node_manifest", "ready_conditions", "node_condition", "is_node_ready"]
