"""The network a pod's programs see: cluster DNS, Service virtual IPs and pod IPs.

- DNS (CoreDNS's kubernetes plugin, kubernetes.io/docs/concepts/services-networking/
  dns-pod-service/): a pod's resolv.conf searches `<ns>.svc.cluster.local`,
  `svc.cluster.local` and `cluster.local` with ndots:5. `<svc>.<ns>.svc.cluster.local`
  is the Service's ClusterIP (a headless Service's: a ready endpoint's IP);
  `<hostname>.<subdomain>.<ns>.svc.cluster.local` is a pod behind a headless Service of
  that name (a StatefulSet's `web-0.nginx`); `a-b-c-d.<ns>.pod.cluster.local` is the IP
  a-b-c-d. Names outside the cluster stay on the stand-in network (below).
- A connection to a ClusterIP and Service port goes where kube-proxy sends it: one of
  the ready endpoints, at random (iptables mode), on its target port; none ready: the
  connection is refused (kube-proxy's REJECT rule). A port the Service does not have
  matches no rule and times out.
- A connection to a pod IP reaches the container listening on that port: refused when
  nothing listens, timed out when the pod's node is down or the IP is nobody's.
- The API server answers anonymous requests as it does: 403 Forbidden.
- Anything else (the internet) is a stand-in: a made-up address and a one-line
  `stub response` body, as ClusterLab simulates no world outside the cluster.
"""

import json
import random

from .ipam import API_SERVER_PORT, CONTROL_PLANE_ADDRESS
from .kube_proxy import ready_endpoints_of
from .runtime.network import NetworkFailure, StubNetwork
from .runtime.program import HttpResponse

CLUSTER_DOMAIN = "cluster.local"
NDOTS = 5
API_SERVER_FORBIDDEN = json.dumps(
    {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": 'forbidden: User "system:anonymous" cannot get path "/"',
        "reason": "Forbidden",
        "details": {},
        "code": 403,
    },
    indent=2,
)


class ClusterNetwork:
    def __init__(self, store, kubelets, node_network, rng: random.Random):
        self._store = store
        self._kubelets = kubelets
        self._nodes = node_network
        self._rng = rng  # kube-proxy's random pick of an endpoint per connection
        self._outside = StubNetwork()
        self._service_ips: dict[str, tuple[str, str]] | None = None  # ClusterIP -> (ns, name)
        store.watch("Service", self._services_changed)

    def for_pod(self, namespace: str) -> "PodNetwork":
        return PodNetwork(self, namespace)

    def _services_changed(self, event_type: str, service: dict) -> None:
        self._service_ips = None

    # --- DNS ------------------------------------------------------------------------------
    def resolve(self, name: str, namespace: str) -> str | None:
        name = name.rstrip(".").lower()
        if _is_ip(name):
            return name
        if name.endswith(f".{CLUSTER_DOMAIN}") or name.count(".") < NDOTS:
            candidates = [
                f"{name}.{namespace}.svc.{CLUSTER_DOMAIN}",
                f"{name}.svc.{CLUSTER_DOMAIN}",
                f"{name}.{CLUSTER_DOMAIN}",
                name,
            ]
            for candidate in candidates:
                if candidate.endswith(f".{CLUSTER_DOMAIN}"):
                    found = self._cluster_record(candidate[: -len(CLUSTER_DOMAIN) - 1])
                    if found is not None:
                        return found
            if name.endswith(f".{CLUSTER_DOMAIN}") or "." not in name:
                return None  # the cluster's zone answers NXDOMAIN; a bare name has no world
        return self._outside.resolve(name, 0)

    def _cluster_record(self, name: str) -> str | None:
        """`<svc>.<ns>.svc`, `<host>.<sub>.<ns>.svc` or `a-b-c-d.<ns>.pod`, without the zone."""
        labels = name.split(".")
        if len(labels) == 3 and labels[2] == "pod":
            address = labels[0].replace("-", ".")
            return address if _is_ip(address) else None
        if len(labels) == 3 and labels[2] == "svc":
            service = self._store.get("Service", labels[1], labels[0])
            if service is None:
                return None
            cluster_ip = service["spec"].get("clusterIP")
            if cluster_ip and cluster_ip != "None":
                return cluster_ip
            ready = ready_endpoints_of(self._store, labels[1], labels[0])
            return ready[0].address if ready else None
        if len(labels) == 4 and labels[3] == "svc":
            for endpoint in ready_endpoints_of(self._store, labels[2], labels[1]):
                if endpoint.hostname == labels[0]:
                    return endpoint.address
        return None

    # --- connections ------------------------------------------------------------------------
    def http_get(self, host: str, namespace: str, port: int, path: str, now_ms: int, client: str):
        ip = self.resolve(host, namespace)
        if ip is None:
            return NetworkFailure("dns", host, port)
        if ip == CONTROL_PLANE_ADDRESS or ip == self._kubernetes_service_ip():
            if port in (443, API_SERVER_PORT):
                return HttpResponse(403, API_SERVER_FORBIDDEN + "\n", 2, 0, "application/json")
            return NetworkFailure("timeout", host, port, ip)
        service = self._service_at(ip)
        if service is not None:
            return self._through_service(service, host, ip, port, path, now_ms, client)
        if self._nodes.node_of_pod_ip(ip) is not None:
            return self._to_pod(ip, port, path, now_ms, client, host)
        return self._outside.http_get(host, port, path, now_ms, client)

    def _kubernetes_service_ip(self) -> str | None:
        service = self._store.get("Service", "default", "kubernetes")
        return service["spec"].get("clusterIP") if service else None

    def _service_at(self, ip: str) -> tuple[str, str] | None:
        if self._service_ips is None:
            self._service_ips = {
                service["spec"]["clusterIP"]: (
                    service["metadata"]["namespace"],
                    service["metadata"]["name"],
                )
                for service in self._store.iter_kind("Service")
                if service["spec"].get("clusterIP") not in (None, "", "None")
            }
        return self._service_ips.get(ip)

    def _through_service(self, service_key, host, ip, port, path, now_ms, client):
        namespace, name = service_key
        service = self._store.get("Service", namespace, name)
        ports = [p for p in service["spec"].get("ports") or () if p.get("port") == port]
        if not ports:
            return NetworkFailure("timeout", host, port, ip)  # no rule matches: dropped
        backends = ready_endpoints_of(self._store, namespace, name, ports[0].get("name", ""))
        if not backends:
            return NetworkFailure("refused", host, port, ip)
        chosen = backends[self._rng.randrange(len(backends))]
        return self._to_pod(chosen.address, chosen.port, path, now_ms, client, host)

    def _to_pod(self, ip, port, path, now_ms, client, host):
        node = self._nodes.node_of_pod_ip(ip)
        kubelet = self._kubelets.get(node) if node else None
        if kubelet is None or not kubelet.powered:
            return NetworkFailure("timeout", host, port, ip)
        answer = kubelet.answer_http(ip, port, path, now_ms, client)
        if answer is None:
            return NetworkFailure("refused", host, port, ip)
        return answer


class PodNetwork:
    """The cluster network as one pod sees it (runtime.network.Network): its namespace is
    where short names are searched first."""

    def __init__(self, cluster: ClusterNetwork, namespace: str):
        self._cluster = cluster
        self._namespace = namespace

    def resolve(self, name: str, now_ms: int) -> str | None:
        return self._cluster.resolve(name, self._namespace)

    def http_get(self, host: str, port: int, path: str, now_ms: int, client_ip: str):
        return self._cluster.http_get(host, self._namespace, port, path, now_ms, client_ip)


def _is_ip(name: str) -> bool:
    parts = name.split(".")
    return len(parts) == 4 and all(p.isdigit() and 0 <= int(p) <= 255 for p in parts)
