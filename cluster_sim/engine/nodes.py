"""Node objects as a kubelet registers them: capacity, allocatable, labels, addresses, info;
and the kubelet's two heartbeats, computed rather than sent one by one."""

import random
from dataclasses import dataclass

from .quantity import cpu_millis, format_bytes, format_cpu, to_bytes
from .timefmt import MINUTE, SECOND
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


# KubeletConfiguration defaults: the kubelet computes its node status every
# nodeStatusUpdateFrequency and posts it when it changed, or else once nodeStatusReportFrequency
# has passed since the last post (kubernetes.io/docs/concepts/architecture/nodes/#heartbeats).
NODE_STATUS_UPDATE_MS = 10 * SECOND
NODE_STATUS_REPORT_MS = 5 * MINUTE
NODE_LEASE_NAMESPACE = "kube-node-lease"


@dataclass
class Heartbeats:
    """When one kubelet last renewed its Lease and last posted its node status, at any instant.

    - Lease: renewed every renew_ms from the kubelet's start (the lease controller's
      wait.JitterUntil loop, here without its 4 % jitter), never after it stopped.
    - Node status: posted when it changes (registration, a restart, new images) and otherwise
      on the first status sync (every NODE_STATUS_UPDATE_MS from the start) once
      NODE_STATUS_REPORT_MS have passed since the last post. The first such report after a
      change also waits a one-time random delayAfterNodeStatusChange, uniform over
      +-NODE_STATUS_REPORT_MS/2 (pkg/kubelet/kubelet.go), so nodes do not report in step.
      The conditions' lastHeartbeatTime is the time of the last post.
    """

    started_ms: int
    reported_ms: int
    delay_ms: int = 0
    stopped_ms: int | None = None

    def _until(self, now_ms: int) -> int:
        return now_ms if self.stopped_ms is None else min(now_ms, self.stopped_ms)

    def lease_renewed_ms(self, now_ms: int, renew_ms: int) -> int:
        elapsed = max(self._until(now_ms) - self.started_ms, 0)
        return self.started_ms + elapsed // renew_ms * renew_ms

    def status_reported_ms(self, now_ms: int) -> int:
        until = self._until(now_ms)
        due = self.reported_ms + NODE_STATUS_REPORT_MS + self.delay_ms
        ticks = -(-(due - self.started_ms) // NODE_STATUS_UPDATE_MS)  # the first sync at or after
        first = self.started_ms + max(ticks, 0) * NODE_STATUS_UPDATE_MS
        if until < first:
            return self.reported_ms
        return first + (until - first) // NODE_STATUS_REPORT_MS * NODE_STATUS_REPORT_MS

    def posted(self, now_ms: int, seed: str) -> None:
        """A status post that carried a change: the periodic reports count from here, after a
        new random delay (drawn from `seed`, so the cluster's own RNG sequence is untouched)."""
        self.reported_ms = now_ms
        fraction = random.Random(f"{seed}/{now_ms}").random() - 0.5
        self.delay_ms = int(NODE_STATUS_REPORT_MS * fraction)


def node_condition(node: dict, kind: str) -> dict | None:
    for item in node["status"].get("conditions") or ():
        if item["type"] == kind:
            return item
    return None


def is_node_ready(node: dict) -> bool:
    ready = node_condition(node, "Ready")
    return bool(ready and ready["status"] == "True")


__all__ = [
    "Heartbeats",
    "format_bytes",
    "node_manifest",
    "ready_conditions",
    "node_condition",
    "is_node_ready",
]
