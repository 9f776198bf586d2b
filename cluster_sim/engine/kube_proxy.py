"""kube-proxy: how a request to a Service reaches a pod.

In iptables mode (the default) each Service's rules pick one of its ready
endpoints at random with equal probability for every new connection; pods that
are not ready are left out. These rules are rebuilt from EndpointSlices, so a
pod drops out of rotation once the endpoint controllers have seen it go.
"""

import random

from .controllers.endpoints import SERVICE_NAME_LABEL


class NoEndpoints(Exception):
    pass


class KubeProxy:
    def __init__(self, store, rng: random.Random):
        self._store = store
        self._rng = rng

    def ready_endpoints(self, namespace: str, service_name: str) -> list[tuple[str, str]]:
        """(pod IP, pod name) of every ready endpoint of the Service, from its EndpointSlices."""
        endpoints = []
        for endpoint_slice in self._store.list("EndpointSlice", namespace):
            if (endpoint_slice["metadata"].get("labels") or {}).get(
                SERVICE_NAME_LABEL
            ) != service_name:
                continue
            for endpoint in endpoint_slice.get("endpoints") or ():
                if (endpoint.get("conditions") or {}).get("ready"):
                    pod_name = (endpoint.get("targetRef") or {}).get("name", "")
                    endpoints.extend((address, pod_name) for address in endpoint["addresses"])
        return sorted(endpoints)

    def ready_backends(self, namespace: str, service_name: str) -> list[tuple[str, str, int]]:
        """(pod IP, pod name, target port) of every ready endpoint, for the Service's first
        port: where `sim traffic` sends its requests."""
        service = self._store.get("Service", namespace, service_name)
        ports = (service or {}).get("spec", {}).get("ports") or []
        if not ports:
            return []
        port_name = ports[0].get("name", "")
        backends = []
        for endpoint_slice in self._store.list("EndpointSlice", namespace):
            if (endpoint_slice["metadata"].get("labels") or {}).get(
                SERVICE_NAME_LABEL
            ) != service_name:
                continue
            numbers = [
                p["port"]
                for p in endpoint_slice.get("ports") or ()
                if p.get("name", "") == port_name
            ]
            if not numbers:
                continue
            for endpoint in endpoint_slice.get("endpoints") or ():
                if (endpoint.get("conditions") or {}).get("ready"):
                    pod_name = (endpoint.get("targetRef") or {}).get("name", "")
                    backends.extend(
                        (address, pod_name, numbers[0]) for address in endpoint["addresses"]
                    )
        return sorted(backends)

    def route(self, namespace: str, service_name: str) -> tuple[str, str]:
        """The endpoint one new connection to the Service lands on."""
        endpoints = self.ready_endpoints(namespace, service_name)
        if not endpoints:
            raise NoEndpoints(service_name)
        return endpoints[self._rng.randrange(len(endpoints))]
