"""The API server: create, update, delete and read objects, with upstream semantics.

Defaulting, uid/creationTimestamp/generation, namespace checks, graceful pod
deletion (deletionTimestamp + grace period), finalizers and deletion
propagation. Schema and semantic validation of learner input happen before
this layer (see manifests/); objects made by controllers skip it.
"""

from __future__ import annotations  # methods named `list` shadow the builtin in annotations

import random
from collections.abc import Callable

from . import defaults, errors, ipam
from .admission import admit_pod
from .manifests.kinds import lookup_kind
from .names import generate_name, new_uid
from .store import Store
from .timefmt import rfc3339
from .timeline import Timeline

FOREGROUND = "foregroundDeletion"
ORPHAN = "orphan"
CLUSTER_SCOPED_NAMESPACE = ""


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
        # kube-apiserver --default-not-ready-toleration-seconds and
        # --default-unreachable-toleration-seconds (the DefaultTolerationSeconds admission
        # plugin); the cluster sets it from its timing profile.
        self.default_toleration_seconds = defaults.DEFAULT_TOLERATION_SECONDS
        self.service_ips = ipam.ServiceIPAllocator(rng)
        self.node_ports = ipam.NodePortAllocator(rng)
        self._read_hooks: dict[str, Callable[[dict], None]] = {}

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

    def create(self, obj: dict) -> dict:
        """Store a new object. The caller hands over ownership of `obj`."""
        kind, meta = obj["kind"], obj.setdefault("metadata", {})
        namespaced = is_namespaced(kind, obj.get("apiVersion", ""))
        if namespaced:
            namespace = meta.setdefault("namespace", "default")
            self._check_namespace_open(kind, namespace, meta.get("name", ""))
        else:
            meta.pop("namespace", None)
            namespace = CLUSTER_SCOPED_NAMESPACE
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = self._unique_generated_name(kind, namespace, meta["generateName"])
        name = meta["name"]
        if self.store.get(kind, namespace, name) is not None:
            raise errors.already_exists(resource_name(kind), name)
        meta["uid"] = new_uid(self.rng)
        meta["creationTimestamp"] = rfc3339(self.timeline.now_ms)
        if "spec" in obj and kind not in ("Pod", "Namespace", "Service", "Node") or kind == "Pod":
            meta["generation"] = 1
        defaults.default_object(obj)
        if kind == "Service":
            self._allocate_service(obj)
        elif kind == "Pod":
            defaults.add_default_tolerations(obj["spec"], self.default_toleration_seconds)
            admit_pod(obj, self.rng)
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
        generation = current["metadata"].get("generation")
        if generation is not None:
            changed = obj.get("spec") != current.get("spec")
            meta["generation"] = generation + 1 if changed else generation
        self._replace_in_place(current, obj)
        return self.store.put(current, "MODIFIED")

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

    def _unique_generated_name(self, kind: str, namespace: str, prefix: str) -> str:
        while True:
            name = generate_name(self.rng, prefix)
            if self.store.get(kind, namespace, name) is None:
                return name

    def _allocate_service(self, service: dict) -> None:
        spec = service["spec"]
        try:
            if spec.get("clusterIP") in (None, ""):
                spec["clusterIP"] = self.service_ips.allocate()
            elif spec["clusterIP"] != "None":
                self.service_ips.reserve(spec["clusterIP"])
            spec["clusterIPs"] = [spec["clusterIP"]]
            if spec["type"] in ("NodePort", "LoadBalancer"):
                for port in spec.get("ports", []):
                    if port.get("nodePort"):
                        self.node_ports.reserve(port["nodePort"])
                    else:
                        port["nodePort"] = self.node_ports.allocate()
        except ipam.AllocationError as error:
            name = service["metadata"]["name"]
            raise errors.invalid(
                f'The Service "{name}" is invalid: spec.clusterIPs: Invalid value: '
                f'["{spec.get("clusterIP")}"]: {error}'
            ) from error

    def _keep_service_allocations(self, current: dict, new: dict) -> None:
        old_spec, spec = current["spec"], new["spec"]
        spec["clusterIP"] = old_spec.get("clusterIP")
        spec["clusterIPs"] = old_spec.get("clusterIPs")
        old_ports = {p.get("port"): p.get("nodePort") for p in old_spec.get("ports", [])}
        if spec["type"] in ("NodePort", "LoadBalancer"):
            for port in spec.get("ports", []):
                if not port.get("nodePort"):
                    port["nodePort"] = old_ports.get(port.get("port")) or self.node_ports.allocate()

    @staticmethod
    def _replace_in_place(current: dict, new: dict) -> None:
        """Keep the stored dict's identity (watchers may hold it); take new content."""
        if new is not current:
            current.clear()
            current.update(new)
