"""The endpoints and EndpointSlice controllers: a Service's selector, resolved to pod IPs.

Ready pods are `addresses`; pods that are not ready go to `notReadyAddresses`
(Endpoints) or have `ready: false` (EndpointSlice). kube-proxy routes only to
ready ones, which is why a Service keeps working while pods come and go.
"""

from .. import podutil
from ..labels import matches_map
from ..timefmt import rfc3339
from .base import Controller

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"


class EndpointsController(Controller):
    name = "endpoint-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Service", self._on_service)
        ctx.store.watch("Pod", self._on_pod)

    def _on_service(self, event_type: str, service: dict) -> None:
        self.enqueue((service["metadata"]["namespace"], service["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        namespace = pod["metadata"]["namespace"]
        labels = pod["metadata"].get("labels")
        for service in self.ctx.store.list("Service", namespace):
            if matches_map(labels, service["spec"].get("selector")):
                self.enqueue((namespace, service["metadata"]["name"]))

    def reconcile(self, key) -> None:
        namespace, name = key
        service = self.ctx.store.get("Service", namespace, name)
        if service is None:
            for kind in ("Endpoints",):
                if self.ctx.store.get(kind, namespace, name):
                    self.ctx.api.delete(kind, namespace, name)
            for kind, ns, slice_name in self._slices(namespace, name):
                self.ctx.api.delete(kind, ns, slice_name)
            return
        selector = service["spec"].get("selector")
        if not selector:
            return  # Services without selectors are managed by hand
        pods = [
            pod
            for pod in self.ctx.store.list("Pod", namespace)
            if pod["status"].get("podIP")
            and pod["status"].get("phase") not in podutil.TERMINAL_PHASES
            and matches_map(pod["metadata"].get("labels"), selector)
        ]
        self._sync_endpoints(service, pods)
        self._sync_slice(service, pods)

    # core/v1 Endpoints -----------------------------------------------------------

    def _sync_endpoints(self, service: dict, pods: list[dict]) -> None:
        namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
        ready, not_ready = [], []
        for pod in sorted(pods, key=lambda p: p["status"]["podIP"]):
            if podutil.is_terminating(pod):
                continue
            address = {
                "ip": pod["status"]["podIP"],
                "nodeName": pod["spec"].get("nodeName"),
                "targetRef": {
                    "kind": "Pod",
                    "name": pod["metadata"]["name"],
                    "namespace": namespace,
                    "uid": pod["metadata"]["uid"],
                },
            }
            (ready if podutil.is_ready(pod) else not_ready).append(address)
        subsets = []
        if ready or not_ready:
            subset: dict = {}
            if ready:
                subset["addresses"] = ready
            if not_ready:
                subset["notReadyAddresses"] = not_ready
            subset["ports"] = [
                _endpoint_port(port, pods) for port in service["spec"].get("ports", [])
            ]
            subsets.append(subset)
        existing = self.ctx.store.get("Endpoints", namespace, name)
        labels = dict(service["metadata"].get("labels") or {})
        labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
        if existing is None:
            endpoints = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": labels,
                    "annotations": {
                        "endpoints.kubernetes.io/last-change-trigger-time": rfc3339(self.ctx.now_ms)
                    },
                },
            }
            if subsets:
                endpoints["subsets"] = subsets
            self.ctx.api.create(endpoints)
        elif existing.get("subsets", []) != subsets:
            if subsets:
                existing["subsets"] = subsets
            else:
                existing.pop("subsets", None)
            existing["metadata"].setdefault("annotations", {})[
                "endpoints.kubernetes.io/last-change-trigger-time"
            ] = rfc3339(self.ctx.now_ms)
            self.ctx.api.touch(existing)

    # discovery.k8s.io/v1 EndpointSlice -------------------------------------------

    def _slices(self, namespace: str, service_name: str):
        return [
            ("EndpointSlice", namespace, s["metadata"]["name"])
            for s in self.ctx.store.list("EndpointSlice", namespace)
            if (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == service_name
        ]

    def _sync_slice(self, service: dict, pods: list[dict]) -> None:
        namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
        endpoints = []
        for pod in sorted(pods, key=lambda p: p["status"]["podIP"]):
            terminating = podutil.is_terminating(pod)
            ready = podutil.is_ready(pod)
            endpoints.append(
                {
                    "addresses": [pod["status"]["podIP"]],
                    "conditions": {
                        "ready": ready and not terminating,
                        "serving": ready,
                        "terminating": terminating,
                    },
                    "nodeName": pod["spec"].get("nodeName"),
                    "targetRef": {
                        "kind": "Pod",
                        "name": pod["metadata"]["name"],
                        "namespace": namespace,
                        "uid": pod["metadata"]["uid"],
                    },
                }
            )
        ports = [
            {
                "name": port.get("name", ""),
                "port": _endpoint_port(port, pods)["port"],
                "protocol": port.get("protocol", "TCP"),
            }
            for port in service["spec"].get("ports", [])
        ]
        existing = self._slices(namespace, name)
        if existing:
            current = self.ctx.store.get(*existing[0])
            if current.get("endpoints") != endpoints or current.get("ports") != ports:
                current["endpoints"] = endpoints
                current["ports"] = ports
                self.ctx.api.touch(current)
            return
        owner = {
            "apiVersion": "v1",
            "blockOwnerDeletion": True,
            "controller": True,
            "kind": "Service",
            "name": name,
            "uid": service["metadata"]["uid"],
        }
        self.ctx.api.create(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "generateName": f"{name}-",
                    "namespace": namespace,
                    "labels": {
                        SERVICE_NAME_LABEL: name,
                        MANAGED_BY_LABEL: "endpointslice-controller.k8s.io",
                    },
                    "ownerReferences": [owner],
                },
                "addressType": "IPv4",
                "endpoints": endpoints,
                "ports": ports,
            }
        )


def _endpoint_port(service_port: dict, pods: list[dict]) -> dict:
    """The target port as a number: named targetPorts resolve through the pods' ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    number = target
    if isinstance(target, str) and not target.isdigit():
        number = None
        for pod in pods:
            for container in pod["spec"].get("containers", []):
                for port in container.get("ports", []):
                    if port.get("name") == target:
                        number = port["containerPort"]
        if number is None:
            number = service_port.get("port")
    port = {"port": int(number), "protocol": service_port.get("protocol", "TCP")}
    if service_port.get("name"):
        port["name"] = service_port["name"]
    return port
