"""The scheduler's view of each node: allocatable, what is already requested, which pods.

Kept up to date from Node and Pod watches, like kube-scheduler's cache, so a
scheduling cycle never walks every pod in the cluster.
"""

from .resources import node_allocatable, pod_host_ports, pod_nonzero_requests, pod_requests

TERMINAL_PHASES = ("Succeeded", "Failed")


class NodeInfo:
    __slots__ = (
        "name",
        "node",
        "allocatable",
        "requested",
        "nonzero_cpu",
        "nonzero_memory",
        "pods",
        "host_ports",
        "images",
    )

    def __init__(self, node: dict):
        self.name = node["metadata"]["name"]
        self.requested: dict[str, int] = {}
        self.nonzero_cpu = 0
        self.nonzero_memory = 0
        self.pods: dict[str, dict] = {}
        self.host_ports: set[tuple[str, int]] = set()
        self.set_node(node)

    def set_node(self, node: dict) -> None:
        self.node = node
        self.allocatable = node_allocatable(node)
        self.images = {
            name
            for image in (node.get("status") or {}).get("images") or []
            for name in image.get("names", [])
        }

    @property
    def pod_count(self) -> int:
        return len(self.pods)

    def add_pod(
        self, uid: str, pod: dict, requests: dict[str, int], nonzero: tuple[int, int]
    ) -> None:
        self.pods[uid] = pod
        for name, amount in requests.items():
            self.requested[name] = self.requested.get(name, 0) + amount
        self.nonzero_cpu += nonzero[0]
        self.nonzero_memory += nonzero[1]
        self.host_ports.update(pod_host_ports(pod))

    def remove_pod(self, uid: str, requests: dict[str, int], nonzero: tuple[int, int]) -> None:
        pod = self.pods.pop(uid, None)
        if pod is None:
            return
        for name, amount in requests.items():
            self.requested[name] = self.requested.get(name, 0) - amount
        self.nonzero_cpu -= nonzero[0]
        self.nonzero_memory -= nonzero[1]
        self.host_ports.difference_update(pod_host_ports(pod))


class SchedulerCache:
    def __init__(self) -> None:
        self.nodes: dict[str, NodeInfo] = {}
        # Pods bound to a node, by node name, even while that node is gone: a node
        # that comes back (same name) still carries them.
        self._placed: dict[str, str] = {}
        self._placed_by_node: dict[str, dict[str, dict]] = {}
        self._requests: dict[str, tuple[dict[str, int], tuple[int, int]]] = {}
        # owner uid -> node -> how many of its pods (not terminating) sit there: what
        # default topology spreading counts, kept incrementally instead of scanning pods.
        self.owner_counts: dict[str, dict[str, int]] = {}
        self._counted: dict[str, tuple[str, str]] = {}
        self.count_listener = (
            None  # called (owner, node, delta) so the node table can mirror counts
        )

    def requests_of(self, pod: dict) -> tuple[dict[str, int], tuple[int, int]]:
        uid = pod["metadata"]["uid"]
        cached = self._requests.get(uid)
        if cached is None:
            cached = (pod_requests(pod["spec"]), pod_nonzero_requests(pod["spec"]))
            self._requests[uid] = cached
        return cached

    def on_node(self, event_type: str, node: dict) -> None:
        name = node["metadata"]["name"]
        if event_type == "DELETED":
            self.nodes.pop(name, None)
        elif name in self.nodes:
            self.nodes[name].set_node(node)
        else:
            info = NodeInfo(node)
            self.nodes[name] = info
            for uid, pod in self._placed_by_node.get(name, {}).items():
                info.add_pod(uid, pod, *self.requests_of(pod))

    def on_pod(self, event_type: str, pod: dict) -> None:
        uid = pod["metadata"]["uid"]
        node_name = pod["spec"].get("nodeName")
        occupies = bool(
            event_type != "DELETED"
            and node_name
            and pod["status"].get("phase") not in TERMINAL_PHASES
        )
        placed_on = self._placed.get(uid)
        if placed_on is not None and (not occupies or placed_on != node_name):
            info = self.nodes.get(placed_on)
            if info:
                info.remove_pod(uid, *self.requests_of(pod))
            del self._placed[uid]
            self._placed_by_node[placed_on].pop(uid, None)
            placed_on = None
        if occupies and placed_on is None:
            self._placed[uid] = node_name
            self._placed_by_node.setdefault(node_name, {})[uid] = pod
            info = self.nodes.get(node_name)
            if info:
                info.add_pod(uid, pod, *self.requests_of(pod))
        if event_type == "DELETED":
            self._requests.pop(uid, None)
        self._count_for_spreading(
            uid, pod, occupies and not pod["metadata"].get("deletionTimestamp")
        )

    def _count_for_spreading(self, uid: str, pod: dict, counts: bool) -> None:
        previous = self._counted.get(uid)
        current = None
        if counts:
            owner = _controller_uid(pod)
            if owner is not None:
                current = (owner, pod["spec"]["nodeName"])
        if previous == current:
            return
        if previous is not None:
            owner, node = previous
            per_node = self.owner_counts[owner]
            per_node[node] -= 1
            if self.count_listener:
                self.count_listener(owner, node, -1)
            if not per_node[node]:
                del per_node[node]
                if not per_node:
                    del self.owner_counts[owner]
            del self._counted[uid]
        if current is not None:
            owner, node = current
            per_node = self.owner_counts.setdefault(owner, {})
            per_node[node] = per_node.get(node, 0) + 1
            self._counted[uid] = current
            if self.count_listener:
                self.count_listener(owner, node, 1)


def _controller_uid(pod: dict) -> str | None:
    for ref in pod["metadata"].get("ownerReferences") or ():
        if ref.get("controller"):
            return ref["uid"]
    return None
