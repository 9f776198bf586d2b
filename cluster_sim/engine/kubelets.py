"""Every node's kubelet, and the routing of pod changes to the kubelet that runs them."""

from . import errors
from .kubelet import Kubelet
from .kubelet_env import ServiceLinks
from .nodes import NODE_LEASE_NAMESPACE

KUBELET_PORT = 10250


class Kubelets:
    def __init__(self, ctx, network):
        self.ctx = ctx
        self.network = network
        self._by_node: dict[str, Kubelet] = {}
        self.service_links = ServiceLinks(ctx.store)  # shared by every kubelet
        ctx.store.watch("Pod", self._on_pod)
        ctx.store.watch("Node", self._on_node)
        ctx.api.on_read("Node", self._refresh_node)
        ctx.api.on_read("Lease", self._refresh_lease)

    def get(self, node_name: str) -> Kubelet | None:
        return self._by_node.get(node_name)

    def add(self, node_name: str) -> Kubelet:
        """A kubelet for a registered node. Its lease controller creates the node's Lease,
        owned by the Node so that the garbage collector removes it with the node."""
        kubelet = Kubelet(self.ctx, node_name, self.network, self.ctx.rng, self.service_links)
        self._by_node[node_name] = kubelet
        node = self.ctx.store.get("Node", "", node_name)
        if (
            node is not None
            and self.ctx.store.get("Lease", NODE_LEASE_NAMESPACE, node_name) is None
        ):
            self.ctx.api.create(kubelet.lease(node))
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

    def container_logs(
        self, pod: dict, container: str, previous: bool = False, query: dict | None = None
    ) -> list[str] | None:
        """The pod log subresource: the API server finds the pod's node (LogLocation in
        pkg/registry/core/pod/strategy.go) and proxies the request to its kubelet at
        https://<node address>:10250/containerLogs/<namespace>/<pod>/<container>?<query>.
        None: nothing to read (no node yet, or the kubelet has no such instance).

        A node that no longer exists is the API server's NotFound. A node that is powered off
        cannot be dialled: the API server answers with Go's error for the proxied GET and no
        reason, which kubectl prints as `Error from server: Get "https://...": dial tcp
        IP:10250: connect: no route to host`. That is what a machine that is off on the
        node's own network gives; across a routed or cloud network the same request fails
        with `i/o timeout` instead, after the dial timeout. While the machine boots and its
        kubelet has not started yet, the dial is refused (`connect: connection refused`).
        The address is the node's InternalIP, kubeadm's --kubelet-preferred-address-types
        order."""
        node_name = pod["spec"].get("nodeName")
        if not node_name:
            return None
        node = self.ctx.store.get("Node", "", node_name)
        if node is None:
            raise errors.not_found("nodes", node_name)
        kubelet = self._by_node.get(node_name)
        if kubelet is None or not kubelet.running:
            # a machine that is on but whose kubelet has not started refuses the connection
            refused = kubelet is not None and kubelet.powered
            message = _unreachable(node, pod, container, query or {}, refused)
            raise errors.ApiError("", message, 500)
        return kubelet.logs(pod, container, previous)

    def _refresh_node(self, node: dict) -> None:
        kubelet = self._by_node.get(node["metadata"]["name"])
        if kubelet is not None:
            kubelet.refresh_heartbeat(node)

    def _refresh_lease(self, lease: dict) -> None:
        """A node Lease's renewTime, as of now: renewals are computed, not written."""
        meta = lease["metadata"]
        if meta.get("namespace") != NODE_LEASE_NAMESPACE:
            return
        current = self.lease(meta["name"])
        if current is not None:
            lease["spec"] = current["spec"]

    def _on_node(self, event_type: str, node: dict) -> None:
        kubelet = self._by_node.get(node["metadata"]["name"])
        if kubelet is not None and event_type != "DELETED":
            kubelet.node_changed(node)

    def _on_pod(self, event_type: str, pod: dict) -> None:
        node_name = pod["spec"].get("nodeName")
        kubelet = self._by_node.get(node_name) if node_name else None
        if kubelet is None:
            return
        if event_type == "DELETED":
            kubelet.pod_deleted(pod["metadata"]["uid"])
        else:
            kubelet.sync(pod)


def _unreachable(node: dict, pod: dict, container: str, query: dict, refused: bool) -> str:
    addresses = {a["type"]: a["address"] for a in node["status"].get("addresses") or ()}
    host = addresses.get("InternalIP") or addresses.get("Hostname") or node["metadata"]["name"]
    endpoint = (node["status"].get("daemonEndpoints") or {}).get("kubeletEndpoint") or {}
    port = endpoint.get("Port") or KUBELET_PORT
    # url.Values.Encode: keys sorted, only the options that were set
    params = "&".join(
        f"{key}={'true' if value is True else value}"
        for key, value in sorted(query.items())
        if value is not None and value is not False
    )
    namespace, name = pod["metadata"]["namespace"], pod["metadata"]["name"]
    url = f"https://{host}:{port}/containerLogs/{namespace}/{name}/{container}"
    if params:
        url += f"?{params}"
    failure = "connection refused" if refused else "no route to host"
    return f'Get "{url}": dial tcp {host}:{port}: connect: {failure}'
