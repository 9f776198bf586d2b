"""The endpoints and EndpointSlice controllers: a Service's selector, resolved to pod IPs.

Ready pods are `addresses`; pods that are not ready go to `notReadyAddresses`
(Endpoints) or have `ready: false` (EndpointSlice). kube-proxy routes only to
ready ones, which is why a Service keeps working while pods come and go. A Service
with `publishNotReadyAddresses: true` (headless Services of StatefulSets use it for
peer discovery) lists every pod as ready, terminating ones included
(ShouldPodBeInEndpoints and podToEndpoint upstream).

Each Service's matching pods are kept from pod watch events, so a pod change costs
the Services that select it, not a pass over the namespace. Limits as upstream:
an Endpoints object holds at most 1,000 addresses (then it is annotated
`endpoints.kubernetes.io/over-capacity: truncated`), and an EndpointSlice at most
100 endpoints (--max-endpoints-per-slice); a Service with more has several slices.
"""

import bisect
import copy

from .. import podutil
from ..labels import matches_map
from ..timefmt import rfc3339
from .base import Controller

SERVICE_NAME_LABEL = "kubernetes.io/service-name"
MANAGED_BY_LABEL = "endpointslice.kubernetes.io/managed-by"
MAX_ENDPOINTS_ADDRESSES = 1000  # pkg/controller/endpoint maxCapacity
MAX_ENDPOINTS_PER_SLICE = 100  # kube-controller-manager --max-endpoints-per-slice
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"

ServiceKey = tuple[str, str]


class _Entry:
    """One selected pod as both APIs show it, and what decides where it goes."""

    __slots__ = ("name", "ip", "listed", "ready", "address", "endpoint", "facts")

    def __init__(self, pod: dict, publish_not_ready: bool, service_name: str = "") -> None:
        self.name = pod["metadata"]["name"]
        self.ip = pod["status"]["podIP"]
        serving = podutil.is_ready(pod)
        terminating = podutil.is_terminating(pod)
        # Endpoints leave out terminating pods, and list a pod under `addresses` when it
        # is ready; a Service that publishes not-ready addresses lists every pod there
        self.listed = publish_not_ready or not terminating
        self.ready = publish_not_ready or serving
        node = pod["spec"].get("nodeName")
        # ShouldSetHostname: a pod with a hostname whose subdomain names this Service (a
        # StatefulSet's pods under their governing Service) is published by that name, so
        # DNS answers <hostname>.<service>.<namespace>.svc.cluster.local
        hostname = pod["spec"].get("hostname") if service_name else None
        if hostname and pod["spec"].get("subdomain") != service_name:
            hostname = None
        self.facts = (self.ip, serving, terminating, node, pod["metadata"]["uid"], hostname)
        self.address = {"ip": self.ip, "nodeName": node, "targetRef": _target_ref(pod)}
        self.endpoint = {
            "addresses": [self.ip],
            "conditions": {
                "ready": publish_not_ready or (serving and not terminating),
                "serving": serving,
                "terminating": terminating,
            },
            "nodeName": node,
            "targetRef": _target_ref(pod),
        }
        if hostname:
            self.address["hostname"] = hostname
            self.endpoint["hostname"] = hostname


class _SortedAddresses:
    """Endpoints addresses in IP order (RepackSubsets sorts by IP string), kept by bisection."""

    def __init__(self) -> None:
        self.keys: list[tuple[str, str]] = []
        self.addresses: list[dict] = []

    def add(self, entry: _Entry) -> None:
        index = bisect.bisect_left(self.keys, (entry.ip, entry.name))
        self.keys.insert(index, (entry.ip, entry.name))
        self.addresses.insert(index, entry.address)

    def remove(self, entry: _Entry) -> None:
        index = bisect.bisect_left(self.keys, (entry.ip, entry.name))
        del self.keys[index]
        del self.addresses[index]


class _Selected:
    """What one Service selects, and where each pod sits in its Endpoints and slices."""

    def __init__(self, selector: dict, publish_not_ready: bool) -> None:
        self.selector = dict(selector)
        self.publish_not_ready = publish_not_ready
        self.entries: dict[str, _Entry] = {}  # pod name -> entry
        self.ready = _SortedAddresses()
        self.not_ready = _SortedAddresses()
        self.slice_of: dict[str, str] = {}  # pod name -> slice name
        self.slice_members: dict[str, dict[str, None]] = {}  # slice name -> pod names
        self.ports: list | None = None  # the Service's ports last rendered

    def put(self, name: str, entry: _Entry | None) -> bool:
        """Record a pod's new entry (None: no longer selected). True if anything shows it."""
        old = self.entries.get(name)
        if old is not None and entry is not None and old.facts == entry.facts:
            return False
        if old is None and entry is None:
            return False
        if old is not None:
            del self.entries[name]
            if old.listed:
                (self.ready if old.ready else self.not_ready).remove(old)
        if entry is not None:
            self.entries[name] = entry
            if entry.listed:
                (self.ready if entry.ready else self.not_ready).add(entry)
        return True


class EndpointsController(Controller):
    name = "endpoint-controller"

    def __init__(self, ctx):
        super().__init__(ctx)
        ctx.store.watch("Service", self._on_service)
        ctx.store.watch("Pod", self._on_pod)
        self._selected: dict[ServiceKey, _Selected] = {}
        self._changed: dict[ServiceKey, dict[str, None]] = {}  # service -> pod names
        self._services_of: dict[tuple[str, str], tuple[str, ...]] = {}  # pod -> services

    def _on_service(self, event_type: str, service: dict) -> None:
        self.enqueue((service["metadata"]["namespace"], service["metadata"]["name"]))

    def _on_pod(self, event_type: str, pod: dict) -> None:
        namespace, name = pod_key = podutil.key(pod)
        labels = pod["metadata"].get("labels")
        now_selecting: tuple[str, ...] = ()
        if event_type != "DELETED":
            now_selecting = tuple(
                service["metadata"]["name"]
                for service in self.ctx.store.list("Service", namespace)
                if matches_map(labels, service["spec"].get("selector"))
            )
        before = self._services_of.get(pod_key, ())
        if now_selecting:
            self._services_of[pod_key] = now_selecting
        else:
            self._services_of.pop(pod_key, None)
        for service_name in dict.fromkeys(before + now_selecting):
            key = (namespace, service_name)
            self._changed.setdefault(key, {})[name] = None
            self.enqueue(key)

    def reconcile(self, key) -> None:
        namespace, name = key
        changed = self._changed.pop(key, {})
        service = self.ctx.store.get("Service", namespace, name)
        if service is None:
            self._selected.pop(key, None)
            if self.ctx.store.get("Endpoints", namespace, name):
                self.ctx.api.delete("Endpoints", namespace, name)
            for kind, _, slice_name in self._slice_keys(namespace, name):
                self.ctx.api.delete(kind, namespace, slice_name)
            return
        selector = service["spec"].get("selector")
        if not selector:
            self._selected.pop(key, None)
            return  # Services without selectors are managed by hand
        publish = bool(service["spec"].get("publishNotReadyAddresses"))
        selected = self._selected.get(key)
        if (
            selected is None
            or selected.selector != selector
            or selected.publish_not_ready != publish
        ):
            selected = self._selected[key] = _Selected(selector, publish)
            changed = {}
        ports_changed = selected.ports != service["spec"].get("ports")
        if not selected.entries or ports_changed:  # named target ports resolve per pod
            changed = {
                pod["metadata"]["name"]: None for pod in self.ctx.store.list("Pod", namespace)
            }
        moved = []
        ports = service["spec"].get("ports") or []
        for pod_name in changed:
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            entry = (
                _Entry(pod, publish, name)
                if pod is not None and _serves(pod, selector) and _has_a_target_port(pod, ports)
                else None
            )
            if selected.put(pod_name, entry):
                moved.append(pod_name)
        selected.ports = copy.deepcopy(service["spec"].get("ports"))
        self._sync_endpoints(service, selected, force=bool(moved) or ports_changed)
        if service["spec"].get("type") == "ExternalName":
            # the EndpointSlice controller gives ExternalName Services no slices
            # (pkg/controller/endpointslice syncService; kubernetes/kubernetes#105986)
            for kind, _, slice_name in self._slice_keys(namespace, name):
                self.ctx.api.delete(kind, namespace, slice_name)
            selected.slice_of.clear()
            selected.slice_members.clear()
            return
        self._sync_slices(service, selected, moved, ports_changed)

    # core/v1 Endpoints -----------------------------------------------------------

    def _sync_endpoints(self, service: dict, selected: _Selected, force: bool) -> None:
        namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
        existing = self.ctx.store.get("Endpoints", namespace, name)
        if existing is not None and not force:
            return
        ready = selected.ready.addresses[:MAX_ENDPOINTS_ADDRESSES]
        room = MAX_ENDPOINTS_ADDRESSES - len(ready)
        not_ready = selected.not_ready.addresses[:room]
        truncated = len(selected.ready.addresses) + len(selected.not_ready.addresses) > len(
            ready
        ) + len(not_ready)
        subsets = []
        if ready or not_ready:
            subset: dict = {}
            if ready:
                subset["addresses"] = ready
            if not_ready:
                subset["notReadyAddresses"] = not_ready
            subset["ports"] = [
                _endpoint_port(port, self._pods(namespace, selected))
                for port in service["spec"].get("ports", [])
            ]
            subsets.append(subset)
        if existing is None:
            labels = dict(service["metadata"].get("labels") or {})
            labels["endpoints.kubernetes.io/managed-by"] = "endpoint-controller"
            endpoints = {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {
                    "name": name,
                    "namespace": namespace,
                    "labels": labels,
                    "annotations": {TRIGGER_TIME: rfc3339(self.ctx.now_ms)},
                },
            }
            if truncated:
                endpoints["metadata"]["annotations"][OVER_CAPACITY] = "truncated"
            if subsets:
                endpoints["subsets"] = subsets
            self.ctx.api.create(endpoints)
            return
        annotations = existing["metadata"].setdefault("annotations", {})
        was_truncated = annotations.get(OVER_CAPACITY) == "truncated"
        if existing.get("subsets", []) == subsets and was_truncated == truncated:
            return
        if subsets:
            existing["subsets"] = subsets
        else:
            existing.pop("subsets", None)
        if truncated:
            annotations[OVER_CAPACITY] = "truncated"
        else:
            annotations.pop(OVER_CAPACITY, None)
        annotations[TRIGGER_TIME] = rfc3339(self.ctx.now_ms)
        self.ctx.api.touch(existing)

    def _pods(self, namespace: str, selected: _Selected):
        """The selected pods, in name order, read lazily (named target ports need them)."""
        for pod_name in sorted(selected.entries):
            pod = self.ctx.store.get("Pod", namespace, pod_name)
            if pod is not None:
                yield pod

    # discovery.k8s.io/v1 EndpointSlice -------------------------------------------

    def _slice_keys(self, namespace: str, service_name: str) -> list[tuple[str, str, str]]:
        service = self.ctx.store.get("Service", namespace, service_name)
        if service is not None:
            return [
                dependent
                for dependent in self.ctx.store.dependents_of(service["metadata"]["uid"])
                if dependent[0] == "EndpointSlice"
            ]
        return [
            ("EndpointSlice", namespace, s["metadata"]["name"])
            for s in self.ctx.store.list("EndpointSlice", namespace)
            if (s["metadata"].get("labels") or {}).get(SERVICE_NAME_LABEL) == service_name
        ]

    def _sync_slices(
        self, service: dict, selected: _Selected, moved: list[str], ports_changed: bool
    ) -> None:
        """The slice reconciler: an endpoint stays in its slice; new ones fill slices with
        room, oldest first, then new slices; a slice left empty is deleted unless it is the
        Service's only one (the placeholder)."""
        namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
        stored = {key[2] for key in self._slice_keys(namespace, name)}
        if stored != set(selected.slice_members):
            # first sync, or someone changed the slices: adopt what is stored
            self._adopt_slices(namespace, selected, stored)
            moved = list(selected.entries) + moved
            ports_changed = True
        touched: dict[str, None] = {}
        unplaced = []
        for pod_name in dict.fromkeys(moved):
            slice_name = selected.slice_of.get(pod_name)
            if pod_name in selected.entries:
                if slice_name is None:
                    unplaced.append(pod_name)
                else:
                    touched[slice_name] = None
            elif slice_name is not None:
                del selected.slice_of[pod_name]
                selected.slice_members[slice_name].pop(pod_name, None)
                touched[slice_name] = None
        for slice_name, members in selected.slice_members.items():
            room = MAX_ENDPOINTS_PER_SLICE - len(members)
            if room > 0 and unplaced:
                for pod_name in unplaced[:room]:
                    members[pod_name] = None
                    selected.slice_of[pod_name] = slice_name
                unplaced = unplaced[room:]
                touched[slice_name] = None
        ports = [
            {
                "name": port.get("name", ""),
                "port": _endpoint_port(port, self._pods(namespace, selected))["port"],
                "protocol": port.get("protocol", "TCP"),
            }
            for port in service["spec"].get("ports", [])
        ]
        if ports_changed:
            touched.update(dict.fromkeys(selected.slice_members))
        for slice_name in touched:
            members = selected.slice_members[slice_name]
            if not members and (len(selected.slice_members) > 1 or unplaced):
                del selected.slice_members[slice_name]
                self.ctx.api.delete("EndpointSlice", namespace, slice_name)
                continue
            slice_obj = self.ctx.store.get("EndpointSlice", namespace, slice_name)
            endpoints = sorted(
                (selected.entries[pod_name].endpoint for pod_name in members),
                key=lambda e: e["addresses"][0],
            )
            if slice_obj.get("endpoints") != endpoints or slice_obj.get("ports") != ports:
                slice_obj["endpoints"] = endpoints
                slice_obj["ports"] = ports
                self.ctx.api.touch(slice_obj)
        while unplaced or not selected.slice_members:
            chunk = unplaced[:MAX_ENDPOINTS_PER_SLICE]
            unplaced = unplaced[MAX_ENDPOINTS_PER_SLICE:]
            endpoints = sorted(
                (selected.entries[pod_name].endpoint for pod_name in chunk),
                key=lambda e: e["addresses"][0],
            )
            created = self._create_slice(service, endpoints, ports)
            slice_name = created["metadata"]["name"]
            selected.slice_members[slice_name] = dict.fromkeys(chunk)
            for pod_name in chunk:
                selected.slice_of[pod_name] = slice_name

    def _adopt_slices(self, namespace: str, selected: _Selected, stored: set[str]) -> None:
        """Rebuild the slice map from the stored slices, oldest first."""
        slices = [self.ctx.store.get("EndpointSlice", namespace, name) for name in stored]
        slices.sort(
            key=lambda s: (s["metadata"].get("creationTimestamp", ""), s["metadata"]["name"])
        )
        selected.slice_of.clear()
        selected.slice_members = {}
        for slice_obj in slices:
            members: dict[str, None] = {}
            for endpoint in slice_obj.get("endpoints") or ():
                pod_name = (endpoint.get("targetRef") or {}).get("name")
                if pod_name in selected.entries and pod_name not in selected.slice_of:
                    members[pod_name] = None
                    selected.slice_of[pod_name] = slice_obj["metadata"]["name"]
            selected.slice_members[slice_obj["metadata"]["name"]] = members

    def _create_slice(self, service: dict, endpoints: list[dict], ports: list[dict]) -> dict:
        namespace, name = service["metadata"]["namespace"], service["metadata"]["name"]
        owner = {
            "apiVersion": "v1",
            "blockOwnerDeletion": True,
            "controller": True,
            "kind": "Service",
            "name": name,
            "uid": service["metadata"]["uid"],
        }
        return self.ctx.api.create(
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


def _serves(pod: dict, selector: dict) -> bool:
    """Has an IP, has not finished, and carries the selector's labels."""
    return (
        bool(pod["status"].get("podIP"))
        and pod["status"].get("phase") not in podutil.TERMINAL_PHASES
        and matches_map(pod["metadata"].get("labels"), selector)
    )


def _has_a_target_port(pod: dict, service_ports: list) -> bool:
    """False when every port of the Service targets a port name the pod does not declare:
    the controllers' FindPort fails for each, so the pod is left out (the Endpoints
    controller skips it; the EndpointSlice controller lists it without ports, which
    kube-proxy routes nothing to). A numeric targetPort always resolves."""
    if not service_ports:
        return True
    declared = {
        port.get("name")
        for container in pod["spec"].get("containers", [])
        for port in container.get("ports") or ()
    }
    for service_port in service_ports:
        target = service_port.get("targetPort", service_port.get("port"))
        if not isinstance(target, str) or target.isdigit() or target in declared:
            return True
    return False


def _target_ref(pod: dict) -> dict:
    return {
        "kind": "Pod",
        "name": pod["metadata"]["name"],
        "namespace": pod["metadata"]["namespace"],
        "uid": pod["metadata"]["uid"],
    }


def _endpoint_port(service_port: dict, pods) -> dict:
    """The target port as a number: named targetPorts resolve through the pods' ports."""
    target = service_port.get("targetPort", service_port.get("port"))
    number = target
    if isinstance(target, str) and not target.isdigit():
        number = None
        for pod in pods:
            for container in pod["spec"].get("containers", []):
                for port in container.get("ports", []):
                    if port.get("name") == target and number is None:
                        number = port["containerPort"]
            if number is not None:
                break
        if number is None:
            number = service_port.get("port")
    port = {"port": int(number), "protocol": service_port.get("protocol", "TCP")}
    if service_port.get("name"):
        port["name"] = service_port["name"]
    return port
