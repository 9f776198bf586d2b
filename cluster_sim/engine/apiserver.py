"""The API server: create, update, delete and read objects, with upstream semantics.

Defaulting, uid/creationTimestamp/generation, namespace checks, graceful pod
deletion (deletionTimestamp + grace period), finalizers and deletion
propagation. Schema and semantic validation of learner input happen before
this layer (see manifests/); objects made by controllers skip it.
"""

from __future__ import annotations  # methods named `list` shadow the builtin in annotations

import copy
import random
from collections.abc import Callable

from . import defaults, errors, ipam
from .admission import admit_pod
from .manifests.errors import FieldError, invalid_message
from .manifests.errors import invalid as invalid_field
from .manifests.kinds import lookup_kind
from .manifests.update import drop_type_dependent_fields, needs_cluster_ip, needs_node_ports
from .names import generate_name, new_uid
from .store import Store
from .timefmt import rfc3339
from .timeline import Timeline

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
CLUSTER_SCOPED_NAMESPACE = ""
# The NamespaceLifecycle admission plugin's immortal namespaces (metav1.NamespaceDefault,
# NamespaceSystem, NamespacePublic; apiserver pkg/admission/plugin/namespace/lifecycle).
IMMORTAL_NAMESPACES = ("default", "kube-system", "kube-public")


def resource_name(kind: str, api_version: str = "") -> str:
    """`pods`, `deployments.apps`: how the API names a kind in its messages."""
    info = lookup_kind(api_version, kind) if api_version else None
    info = info or lookup_kind(_DEFAULT_API_VERSION.get(kind, "v1"), kind)
    if info is None:
        return kind.lower() + "s"
    return f"{info.plural}.{info.group}" if info.group else info.plural


def is_namespaced(kind: str, api_version: str = "") -> bool:
    info = lookup_kind(api_version or _DEFAULT_API_VERSION.get(kind, "v1"), kind)
    return True if info is None else info.namespaced


def _copy_of(rng: random.Random) -> random.Random:
    copy_rng = random.Random()
    copy_rng.setstate(rng.getstate())
    return copy_rng


AdmissionPlugin = Callable[[dict, "dict | None", bool], None]

_DEFAULT_API_VERSION = {
    "Deployment": "apps/v1",
    "ReplicaSet": "apps/v1",
    "StatefulSet": "apps/v1",
    "DaemonSet": "apps/v1",
    "Job": "batch/v1",
    "CronJob": "batch/v1",
    "EndpointSlice": "discovery.k8s.io/v1",
    "HorizontalPodAutoscaler": "autoscaling/v2",
    "Lease": "coordination.k8s.io/v1",
}


class APIServer:
    def __init__(self, store: Store, timeline: Timeline, rng: random.Random):
        self.store = store
        self.timeline = timeline
        self.rng = rng
        # UIDs come from a stream of their own, seeded from the cluster's: an object more or
        # less (a Lease per node) then shifts no generated name, IP or timing after it.
        self._uid_rng = random.Random(rng.getrandbits(64))
        # kube-apiserver --default-not-ready-toleration-seconds and
        # --default-unreachable-toleration-seconds (the DefaultTolerationSeconds admission
        # plugin); the cluster sets it from its timing profile.
        self.default_toleration_seconds = defaults.DEFAULT_TOLERATION_SECONDS
        self.service_ips = ipam.ServiceIPAllocator(rng)
        self.node_ports = ipam.NodePortAllocator(rng)
        self._read_hooks: dict[str, Callable[[dict], None]] = {}
        # Admission plugins run on every create and update, the API server's own writes for
        # controllers included (a ReplicaSet's pods meet ResourceQuota too). Mutating ones
        # (LimitRanger, DefaultStorageClass) run first, then validating ones (ResourceQuota):
        # plugin(obj, old, dry_run) changes obj or raises an ApiError; old is None on create.
        self.mutating_admission: list[AdmissionPlugin] = []
        self.validating_admission: list[AdmissionPlugin] = []

    def on_read(self, kind: str, hook: Callable[[dict], None]) -> None:
        """Fields that change on a schedule nothing reacts to (a node's status heartbeat) are
        brought up to date when a client reads the object, not written at every change."""
        self._read_hooks[kind] = hook

    # reads -----------------------------------------------------------------

    def get(self, kind: str, namespace: str, name: str) -> dict:
        obj = self.find(kind, namespace, name)
        if obj is None:
            raise errors.not_found(resource_name(kind), name)
        return obj

    def find(self, kind: str, namespace: str, name: str) -> dict | None:
        obj = self.store.get(kind, namespace if is_namespaced(kind) else "", name)
        hook = self._read_hooks.get(kind)
        if hook is not None and obj is not None:
            hook(obj)
        return obj

    def list(self, kind: str, namespace: str | None = None) -> list[dict]:
        objects = self.store.list(kind, namespace if is_namespaced(kind) else None)
        hook = self._read_hooks.get(kind)
        if hook is not None:
            for obj in objects:
                hook(obj)
        return objects

    # writes ----------------------------------------------------------------

    def create(self, obj: dict, dry_run: bool = False) -> dict:
        """Store a new object. The caller hands over ownership of `obj`.

        dry_run (?dryRun=All): everything a create does to the object (defaulting,
        admission, uid and timestamp) and nothing it does to the cluster, its random draws
        included: they come from copies, so a dry run changes no later name."""
        rng, uid_rng = (
            (_copy_of(self.rng), _copy_of(self._uid_rng))
            if dry_run
            else (
                self.rng,
                self._uid_rng,
            )
        )
        kind, meta = obj["kind"], obj.setdefault("metadata", {})
        namespaced = is_namespaced(kind, obj.get("apiVersion", ""))
        if namespaced:
            namespace = meta.setdefault("namespace", "default")
            self._check_namespace_open(kind, namespace, meta.get("name", ""))
        else:
            meta.pop("namespace", None)
            namespace = CLUSTER_SCOPED_NAMESPACE
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self._unique_generated_name(kind, namespace, meta["generateName"], rng)
        name = meta["name"]
        if self.store.get(kind, namespace, name) is not None:
            raise errors.already_exists(resource_name(kind), name)
        meta["uid"] = new_uid(uid_rng)
        meta["creationTimestamp"] = rfc3339(self.timeline.now_ms)
        if (
            "spec" in obj
            and kind
            not in (
                "Pod",
                "Namespace",
                "Service",
                "Node",
                "Lease",
                "PersistentVolume",
                "PersistentVolumeClaim",
                "ResourceQuota",
                "LimitRange",
            )
            or kind == "Pod"
        ):
            meta["generation"] = 1
        defaults.default_object(obj)
        if kind == "Service" and not dry_run:
            self._allocate_service(obj)
        elif kind == "Pod":
            defaults.add_default_tolerations(obj["spec"], self.default_toleration_seconds)
            admit_pod(obj, rng)
        try:
            self._admit(obj, None, dry_run)
        except errors.ApiError:
            if kind == "Service" and not dry_run:  # refused (a quota): the allocation reverts
                self.service_ips.release(obj["spec"].get("clusterIP"))
                for port in obj["spec"].get("ports", []):
                    self.node_ports.release(port.get("nodePort"))
            raise
        if dry_run:
            return obj
        return self.store.put(obj, "ADDED")

    def update(self, obj: dict) -> dict:
        """Replace an object's desired state (metadata and spec); status is kept."""
        kind, meta = obj["kind"], obj["metadata"]
        current = self.get(kind, meta.get("namespace", "default"), meta["name"])
        for field in (
            "uid",
            "creationTimestamp",
            "deletionTimestamp",
            "deletionGracePeriodSeconds",
        ):
            if field in current["metadata"]:
                meta[field] = current["metadata"][field]
            else:
                meta.pop(field, None)
        if is_namespaced(kind):
            meta["namespace"] = current["metadata"]["namespace"]
        if "status" in current:
            obj["status"] = current["status"]
        defaults.default_object(obj)
        if kind == "Service":
            self._keep_service_allocations(current, obj)
        self._admit(obj, current, False)
        generation = current["metadata"].get("generation")
        if generation is not None:
            changed = obj.get("spec") != current.get("spec")
            meta["generation"] = generation + 1 if changed else generation
        self._replace_in_place(current, obj)
        return self.store.put(current, "MODIFIED")

    def _admit(self, obj: dict, old: dict | None, dry_run: bool) -> None:
        for plugin in self.mutating_admission:
            plugin(obj, old, dry_run)
        for plugin in self.validating_admission:
            plugin(obj, old, dry_run)

    def touch(self, obj: dict) -> dict:
        """Record an in-place change (status or metadata) made by a controller or kubelet."""
        return self.store.put(obj, "MODIFIED")

    def delete(
        self,
        kind: str,
        namespace: str,
        name: str,
        *,
        grace_seconds: int | None = None,
        propagation: str = "Background",
    ) -> dict:
        """Delete as the API server does; returns the object (possibly now Terminating)."""
        obj = self.get(kind, namespace, name)
        self.admit_delete(kind, name)
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            if kind == "Pod" and grace_seconds == 0:
                return self._remove(obj)
            return obj
        if kind == "Pod":
            return self._delete_pod(obj, grace_seconds)
        if kind == "Namespace":
            meta["deletionTimestamp"] = rfc3339(self.timeline.now_ms)
            obj["status"]["phase"] = "Terminating"
            return self.touch(obj)
        if propagation == "Foreground":
            self._add_finalizer(obj, FOREGROUND)
        elif propagation == "Orphan":
            self._orphan_dependents(obj)
        if meta.get("finalizers"):
            meta["deletionTimestamp"] = rfc3339(self.timeline.now_ms)
            meta["deletionGracePeriodSeconds"] = 0
            return self.touch(obj)
        return self._remove(obj)

    def admit_delete(self, kind: str, name: str) -> None:
        """Admission for a DELETE (a server-side dry run is admitted too). NamespaceLifecycle
        refuses to delete default, kube-system and kube-public: errors.NewForbidden(
        namespaces, name, "this namespace may not be deleted")."""
        if kind == "Namespace" and name in IMMORTAL_NAMESPACES:
            raise errors.forbidden(
                f'namespaces "{name}" is forbidden: this namespace may not be deleted'
            )

    def remove_finalizer(self, obj: dict, finalizer: str) -> None:
        meta = obj["metadata"]
        remaining = [f for f in meta.get("finalizers") or [] if f != finalizer]
        if remaining:
            meta["finalizers"] = remaining
        else:
            meta.pop("finalizers", None)
        if meta.get("deletionTimestamp") and not remaining:
            self._remove(obj)
        else:
            self.touch(obj)

    def finish_namespace(self, namespace: dict) -> None:
        self._remove(namespace)

    # internals -------------------------------------------------------------

    def _delete_pod(self, pod: dict, grace_seconds: int | None) -> dict:
        spec, meta = pod["spec"], pod["metadata"]
        grace = (
            spec.get("terminationGracePeriodSeconds", 30)
            if grace_seconds is None
            else grace_seconds
        )
        running_on_node = spec.get("nodeName") and pod["status"].get("phase") not in (
            "Succeeded",
            "Failed",
        )
        if grace > 0 and running_on_node:
            # The kubelet stops the containers and then removes the pod for good.
            meta["deletionTimestamp"] = rfc3339(self.timeline.now_ms + grace * 1000)
            meta["deletionGracePeriodSeconds"] = grace
            return self.touch(pod)
        return self._remove(pod)

    def _remove(self, obj: dict) -> dict:
        meta = obj["metadata"]
        if obj["kind"] == "Service":
            self.service_ips.release(obj["spec"].get("clusterIP"))
            for port in obj["spec"].get("ports", []):
                self.node_ports.release(port.get("nodePort"))
        self.store.remove(obj["kind"], meta.get("namespace", ""), meta["name"])
        return obj

    def _add_finalizer(self, obj: dict, finalizer: str) -> None:
        finalizers = obj["metadata"].setdefault("finalizers", [])
        if finalizer not in finalizers:
            finalizers.append(finalizer)

    def _orphan_dependents(self, owner: dict) -> None:
        uid = owner["metadata"]["uid"]
        for kind, namespace, name in self.store.dependents_of(uid):
            dependent = self.store.get(kind, namespace, name)
            if dependent is None:
                continue
            refs = [r for r in dependent["metadata"]["ownerReferences"] if r["uid"] != uid]
            if refs:
                dependent["metadata"]["ownerReferences"] = refs
            else:
                dependent["metadata"].pop("ownerReferences")
            self.touch(dependent)

    def _check_namespace_open(self, kind: str, namespace: str, name: str) -> None:
        ns = self.store.get("Namespace", "", namespace)
        if ns is None:
            raise errors.not_found("namespaces", namespace)
        if ns["metadata"].get("deletionTimestamp"):
            raise errors.forbidden(
                f'{resource_name(kind)} "{name}" is forbidden: unable to create new content in '
                f"namespace {namespace} because it is being terminated"
            )

    def _unique_generated_name(
        self, kind: str, namespace: str, prefix: str, rng: random.Random
    ) -> str:
        while True:
            name = generate_name(rng, prefix)
            if self.store.get(kind, namespace, name) is None:
                return name

    # Services: pkg/registry/core/service/storage/alloc.go. Cluster IPs are allocated first,
    # then node ports, in one transaction: when a node port fails, the cluster IP (and any
    # node port already taken) is released again.

    def _allocate_service(self, service: dict) -> None:
        spec = service["spec"]
        if not needs_cluster_ip(spec):
            # ExternalName: no cluster IP, no IP families (initIPFamilyFields returns early)
            for field in ("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"):
                spec.pop(field, None)
            return
        ip = self._allocate_cluster_ip(service)
        try:
            self._allocate_node_ports(service)
        except errors.ApiError:
            self.service_ips.release(ip)
            raise

    def _allocate_cluster_ip(self, service: dict) -> str | None:
        """allocIPs; returns the address this call took, or None."""
        spec = service["spec"]
        requested = spec.get("clusterIP") or (spec.get("clusterIPs") or [""])[0]
        if requested == "None":
            spec["clusterIP"], spec["clusterIPs"] = "None", ["None"]
            return None
        if not requested:
            try:
                ip = self.service_ips.allocate()
            except ipam.AllocationError as error:
                raise errors.internal(f"failed to allocate a serviceIP: {error}") from error
        else:
            spec["clusterIPs"] = spec.get("clusterIPs") or [requested]  # NormalizeClusterIPs
            try:
                self.service_ips.reserve(requested)
            except ipam.AllocationError as error:
                raise _service_invalid(
                    service,
                    invalid_field(
                        "spec.clusterIPs",
                        spec["clusterIPs"],
                        f"failed to allocate IP {requested}: {error}",
                    ),
                ) from error
            ip = requested
        spec["clusterIP"], spec["clusterIPs"] = ip, [ip]
        return ip

    def _allocate_node_ports(self, service: dict) -> None:
        """initNodePorts: entries with the same `port` share one node port (TCP and UDP 53),
        the first one requested for that port if any. On failure every port taken here is
        released (the allocation transaction is reverted)."""
        spec = service["spec"]
        ports = spec.get("ports") or []
        by_service_port: dict = {}
        taken: list[int] = []
        try:
            for index, port in enumerate(ports):
                if not port.get("nodePort") and not _should_allocate_node_ports(spec):
                    continue  # don't allocate new ports, but do respect specific requests
                shared = by_service_port.get(port.get("port"), 0)
                if not shared:
                    requested = _requested_node_port(ports, port.get("port"))
                    if requested:
                        self._reserve_node_port(service, index, requested, taken)
                        port["nodePort"] = requested
                    else:
                        port["nodePort"] = self._next_node_port(taken)
                    by_service_port[port.get("port")] = port["nodePort"]
                elif port.get("nodePort") != shared:
                    if not port.get("nodePort"):
                        port["nodePort"] = shared
                    else:
                        self._reserve_node_port(service, index, port["nodePort"], taken)
        except errors.ApiError:
            for number in taken:
                self.node_ports.release(number)
            raise

    def _update_node_ports(self, service: dict, old_spec: dict) -> None:
        """patchAllocatedValues (a port left without a node port keeps the one its name had),
        then updateNodePorts: new requests are reserved, ports no longer used are released."""
        spec = service["spec"]
        ports = spec.get("ports") or []
        old_ports = old_spec.get("ports") or []
        old_numbers = [p["nodePort"] for p in old_ports if p.get("nodePort")]
        if needs_node_ports(old_spec) and needs_node_ports(spec):
            used = {p.get("nodePort") for p in ports} & set(old_numbers)
            by_name = {p.get("name", ""): p.get("nodePort") for p in old_ports}
            for port in ports:
                previous = by_name.get(port.get("name", ""))
                if not port.get("nodePort") and previous and previous not in used:
                    port["nodePort"] = previous
        taken: list[int] = []
        try:
            for index, port in enumerate(ports):
                if not port.get("nodePort") and not _should_allocate_node_ports(spec):
                    continue
                if not port.get("nodePort"):
                    port["nodePort"] = self._next_node_port(taken)
                elif port["nodePort"] not in old_numbers and port["nodePort"] not in taken:
                    self._reserve_node_port(service, index, port["nodePort"], taken)
        except errors.ApiError:
            for number in taken:
                self.node_ports.release(number)
            raise
        kept = {p.get("nodePort") for p in ports}
        for number in old_numbers:
            if number not in kept:
                self.node_ports.release(number)

    def _reserve_node_port(self, service: dict, index: int, number: int, taken: list) -> None:
        try:
            self.node_ports.reserve(number)
        except ipam.AllocationError as error:
            raise _service_invalid(
                service, invalid_field(f"spec.ports[{index}].nodePort", number, str(error))
            ) from error
        taken.append(number)

    def _next_node_port(self, taken: list) -> int:
        try:
            number = self.node_ports.allocate()
        except ipam.AllocationError as error:
            raise errors.internal(f"failed to allocate a nodePort: {error}") from error
        taken.append(number)
        return number

    def _keep_service_allocations(self, current: dict, new: dict) -> None:
        """An update's allocations (alloc.go allocateUpdate; strategy.go PrepareForUpdate):
        the cluster IP stays; a Service that becomes ExternalName gives it back, one that
        stops being ExternalName gets one."""
        old_spec = current["spec"]
        new["spec"] = spec = copy.deepcopy(new["spec"])  # it may share ports with current
        drop_type_dependent_fields(spec, old_spec)
        if not needs_cluster_ip(spec):
            self._update_node_ports(new, old_spec)
            self.service_ips.release(old_spec.get("clusterIP"))
            return
        if not needs_cluster_ip(old_spec):
            taken = self._allocate_cluster_ip(new)
            try:
                self._update_node_ports(new, old_spec)
            except errors.ApiError:
                self.service_ips.release(taken)
                raise
            return
        spec["clusterIP"] = old_spec.get("clusterIP")
        spec["clusterIPs"] = old_spec.get("clusterIPs")
        self._update_node_ports(new, old_spec)

    @staticmethod
    def _replace_in_place(current: dict, new: dict) -> None:
        """Keep the stored dict's identity (watchers may hold it); take new content."""
        if new is not current:
            current.clear()
            current.update(new)


def _should_allocate_node_ports(spec: dict) -> bool:
    """shouldAllocateNodePorts: NodePort always, LoadBalancer unless
    allocateLoadBalancerNodePorts is false."""
    kind = spec.get("type") or "ClusterIP"
    if kind == "NodePort":
        return True
    return kind == "LoadBalancer" and spec.get("allocateLoadBalancerNodePorts") is not False


def _requested_node_port(ports: list, number) -> int:
    """findRequestedNodePort: the first node port asked for by an entry with this port."""
    for port in ports:
        if port.get("port") == number and port.get("nodePort"):
            return port["nodePort"]
    return 0


def _service_invalid(service: dict, error: FieldError) -> errors.ApiError:
    """errors.NewInvalid(api.Kind("Service"), name, field.ErrorList{error})."""
    return errors.invalid(invalid_message("Service", service["metadata"]["name"], [error]))
