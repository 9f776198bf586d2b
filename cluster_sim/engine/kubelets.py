"""Every node's kubelet, and the routing of pod changes to the kubelet that runs them."""

from .kubelet import Kubelet


class Kubelets:
    def __init__(self, ctx, network):
        self.ctx = ctx
        self.network = network
        self._by_node: dict[str, Kubelet] = {}
        ctx.store.watch("Pod", self._on_pod)
        ctx.api.on_read("Node", self._refresh_node)

    def get(self, node_name: str) -> Kubelet | None:
        return self._by_node.get(node_name)

    def add(self, node_name: str) -> Kubelet:
        kubelet = Kubelet(self.ctx, node_name, self.network, self.ctx.rng)
        self._by_node[node_name] = kubelet
        return kubelet

    def remove(self, node_name: str) -> None:
        kubelet = self._by_node.pop(node_name, None)
        if kubelet is not None:
            kubelet.power_off()

    def lease(self, node_name: str) -> dict | None:
        """The node's Lease (kube-node-lease/<node>), None when no kubelet ever ran there."""
        kubelet = self._by_node.get(node_name)
        node = self.ctx.store.get("Node", "", node_name)
        return kubelet.lease(node) if kubelet is not None and node is not None else None

    def _refresh_node(self, node: dict) -> None:
        kubelet = self._by_node.get(node["metadata"]["name"])
        if kubelet is not None:
            kubelet.refresh_heartbeat(node)

    def _on_pod(self, event_type: str, pod: dict) -> None:
        if event_type == "DELETED":
            return
        node_name = pod["spec"].get("nodeName")
        kubelet = self._by_node.get(node_name) if node_name else None
        if kubelet is not None:
            kubelet.sync(pod)
