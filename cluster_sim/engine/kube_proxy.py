"""kube-proxy: how a request to a Service reaches a pod.

In iptables mode (the default) each Service's rules pick one of its ready
endpoints at random with equal probability for every new connection; pods that
are not ready are left out. These rules are rebuilt from EndpointSlices, so a
pod drops out of rotation once the endpoint controllers have seen it go.
"""

import random
from dataclasses import dataclass

from .controllers.endpoints import SERVICE_NAME_LABEL


class NoEndpoints(Exception):
    pass


@dataclass(frozen=True, order=True)
class ReadyEndpoint:
    address: str
    pod: str  # the targetRef's name ("" for an endpoint without a pod)
    hostname: str  # set for pods behind a headless Service of their subdomain
    port: int | None  # the number of the port asked for


def ready_endpoints_of(
    store, namespace: str, service_name: str, port_name: str | None = None
) -> list[ReadyEndpoint]:
    """The Service's ready endpoints, from its EndpointSlices, in address order: what
    kube-proxy programs its rules from. With port_name, only slices carrying that port."""
    found = []
    for endpoint_slice in store.list("EndpointSlice", namespace):
        if (endpoint_slice["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) != service_name:
            continue
        number = None
        if port_name is not None:
            numbers = [
                p["port"]
                for p in endpoint_slice.get("ports") or ()
                if p.get("name", "") == port_name
            ]
            if not numbers:
                continue
            number = numbers[0]
        for endpoint in endpoint_slice.get("endpoints") or ():
            if (endpoint.get("conditions") or {}).get("ready"):
                pod = (endpoint.get("targetRef") or {}).get("name", "")
                hostname = endpoint.get("hostname", "")
                found.extend(
                    ReadyEndpoint(address, pod, hostname, number)
                    for address in endpoint["addresses"]
                )
    return sorted(found)


class KubeProxy:
    def __init__(self, store, rng: random.Random):
        self._store = store
        self._rng = rng

    def ready_endpoints(self, namespace: str, service_name: str) -> list[tuple[str, str]]:
        """(pod IP, pod name) of every ready endpoint of the Service."""
        return [
            (e.address, e.pod) for e in ready_endpoints_of(self._store, namespace, service_name)
        ]

    def ready_backends(self, namespace: str, service_name: str) -> list[tuple[str, str, int]]:
        """(pod IP, pod name, target port) of every ready endpoint, for the Service's first
        port: where `sim traffic` sends its requests."""
        service = self._store.get("Service", namespace, service_name)
        ports = (service or {}).get("spec", {}).get("ports") or []
        if not ports:
            return []
        endpoints = ready_endpoints_of(
            self._store, namespace, service_name, ports[0].get("name", "")
        )
        return [(e.address, e.pod, e.port) for e in endpoints]

    def route(self, namespace: str, service_name: str) -> tuple[str, str]:
        """The endpoint one new connection to the Service lands on."""
        endpoints = self.ready_endpoints(namespace, service_name)
        if not endpoints:
            raise NoEndpoints(service_name)
        return endpoints[self._rng.randrange(len(endpoints))]
