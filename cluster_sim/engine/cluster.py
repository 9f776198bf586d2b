"""One simulated Kubernetes cluster: the facade the rest of ClusterLab talks to.

Everything is driven by a simulated clock and one seeded RNG, so the same seed,
profile and commands always give the same cluster. Commands change state at the
current instant; `advance` runs time forward, firing timers (image pulls,
probes, heartbeat deadlines, evictions) and letting controllers converge after each.
"""

import random
from typing import NamedTuple

from . import errors, storage
from .apiserver import APIServer
from .cluster_network import ClusterNetwork
from .context import Context
from .controllers.cronjob import CronJobController
from .controllers.csi_provisioner import SimulatedDiskProvisioner
from .controllers.daemonset import DaemonSetController
from .controllers.daemonset_util import template_generation_strategy
from .controllers.deployment import DeploymentController
from .controllers.endpoints import EndpointsController
from .controllers.garbage_collector import GarbageCollector
from .controllers.hpa import HorizontalPodAutoscalerController
from .controllers.job import JobController
from .controllers.namespace import NamespaceController
from .controllers.node_lifecycle import NodeLifecycleController
from .controllers.persistentvolume import PersistentVolumeController
from .controllers.podgc import PodGarbageCollector
from .controllers.replicaset import ReplicaSetController
from .controllers.resourcequota import ResourceQuotaController
from .controllers.serviceaccounts import ServiceAccountsController
from .controllers.statefulset import StatefulSetController
from .controllers.ttlafterfinished import TTLAfterFinishedController
from .controllers.volume_protection import PVCProtectionController, PVProtectionController
from .events import NORMAL, EventRecorder
from .graph import cluster_graph, owner_chain
from .ipam import API_SERVER_PORT, CONTROL_PLANE_ADDRESS, NodeNetwork
from .kube_proxy import KubeProxy
from .kubelets import Kubelets
from .limitranger import LimitRanger
from .nodes import node_manifest, ready_conditions
from .profiles import PROFILES
from .quota_admission import ResourceQuotaAdmission
from .runtime import ImagePullError, resolve_image
from .scheduler import Scheduler
from .store import Store
from .timefmt import SECOND, rfc3339
from .timeline import Timeline
from .traffic import TrafficModel

BOOT_NAMESPACES = ("default", "kube-node-lease", "kube-public", "kube-system")
MAX_SETTLE_ROUNDS = 10_000
KUBELET_RESTART_MS = 5 * SECOND


class NodeAllocation(NamedTuple):
    allocatable: dict[str, int]
    requested: dict[str, int]
    pods: int


def _install_admission(api: APIServer, store: Store, timeline: Timeline) -> None:
    """kube-apiserver's admission chain, in its order: mutating plugins (the DaemonSet
    strategy's template generation, DefaultStorageClass, StorageObjectInUseProtection,
    LimitRanger), then validating ones (LimitRanger's checks, ResourceQuota last)."""
    limit_ranger = LimitRanger(store)
    api.mutating_admission += [
        template_generation_strategy,
        storage.DefaultStorageClass(store),
        storage.storage_object_in_use_protection,
        limit_ranger.admit,
    ]
    api.validating_admission += [
        limit_ranger.validate,
        ResourceQuotaAdmission(store, api, timeline),
    ]


class Cluster:
    def __init__(self, seed: int = 0, profile: str = "realistic"):
        if profile not in PROFILES:
            raise ValueError(f"unknown profile {profile!r}; choose one of: {', '.join(PROFILES)}")
        self.seed = seed
        store, timeline, rng = Store(), Timeline(), random.Random(seed)
        api = APIServer(store, timeline, rng)
        api.default_toleration_seconds = PROFILES[profile].default_toleration_seconds
        self.ctx = Context(
            store=store,
            api=api,
            timeline=timeline,
            events=EventRecorder(api, timeline),
            rng=rng,
            profile=PROFILES[profile],
        )
        self.ctx.storage = storage.StorageState(store)
        _install_admission(api, store, timeline)
        self.network = NodeNetwork()
        self.kubelets = Kubelets(self.ctx, self.network)
        self.ctx.cluster_network = ClusterNetwork(
            store, self.kubelets, self.network, random.Random(seed ^ 0xD115)
        )
        self.scheduler = Scheduler(self.ctx, _image_info)
        self.node_lifecycle = NodeLifecycleController(self.ctx, self.kubelets)
        self.kube_proxy = KubeProxy(store, random.Random(seed ^ 0x5EED))
        self.traffic = TrafficModel(self.ctx, self.kubelets, self.kube_proxy)
        ctx = self.ctx
        self.controllers = [
            # first: a new quota's status is written before other controllers create pods
            ResourceQuotaController(ctx),
            DeploymentController(ctx),
            ReplicaSetController(ctx),
            JobController(ctx),
            CronJobController(ctx),
            TTLAfterFinishedController(ctx),
            EndpointsController(ctx),
            GarbageCollector(ctx),
            NamespaceController(ctx),
            ServiceAccountsController(ctx),
            self.node_lifecycle,
            PersistentVolumeController(ctx, ctx.storage),
            SimulatedDiskProvisioner(ctx, ctx.storage),
            PVCProtectionController(ctx, ctx.storage),
            PVProtectionController(ctx),
            DaemonSetController(ctx),
            StatefulSetController(ctx),
            HorizontalPodAutoscalerController(ctx, self.pod_usage),  # metrics: pod_usage
        ]
        self.pod_gc = PodGarbageCollector(ctx)
        self._boot()

    # --- the facade ----------------------------------------------------------

    @property
    def api(self) -> APIServer:
        return self.ctx.api

    @property
    def store(self) -> Store:
        return self.ctx.store

    @property
    def now_ms(self) -> int:
        return self.ctx.timeline.now_ms

    @property
    def profile(self):
        return self.ctx.profile

    @property
    def resource_version(self) -> int:
        return self.ctx.store.resource_version

    def set_profile(self, name: str) -> None:
        if name not in PROFILES:
            raise ValueError(f'unknown profile "{name}"; choose one of: {", ".join(PROFILES)}')
        self.ctx.profile = PROFILES[name]
        self.ctx.api.default_toleration_seconds = self.ctx.profile.default_toleration_seconds

    def advance(self, duration_ms: int) -> None:
        """Run simulated time forward, firing every timer due on the way."""
        target = self.now_ms + max(duration_ms, 0)
        self.settle()
        timeline = self.ctx.timeline
        while (timer := timeline.pop_due(target)) is not None:
            timer.callback(*timer.args)
            self.settle()
        timeline.now_ms = target

    def next_event_ms(self) -> int | None:
        """When something a learner would notice is next due (housekeeping timers skipped)."""
        return self.ctx.timeline.next_visible_due_ms()

    def settle(self) -> None:
        """Let the scheduler and controllers work until nothing is queued (same instant)."""
        for _ in range(MAX_SETTLE_ROUNDS):
            busy = False
            if self.scheduler.has_work():
                self.scheduler.run()
                busy = True
            for controller in self.controllers:
                if controller.has_work():
                    controller.run()
                    busy = True
            if not busy:
                return
        raise RuntimeError("controllers did not settle; a reconcile loop keeps requeuing itself")

    def changes_since(self, resource_version: int):
        return self.ctx.store.changes_since(resource_version)

    # --- nodes -----------------------------------------------------------------

    def add_node(
        self,
        name: str,
        *,
        cpu: str = "4",
        memory: str = "8Gi",
        pods: int = 110,
        labels: dict | None = None,
        taints: list[dict] | None = None,
        extended: dict[str, str] | None = None,
    ) -> dict:
        if self.ctx.store.get("Node", "", name) is not None:
            raise errors.already_exists("nodes", name)
        node = node_manifest(
            name, cpu=cpu, memory=memory, pods=pods, labels=labels, taints=taints, extended=extended
        )
        address, pod_cidr = self.network.add_node(name)
        node["spec"]["podCIDR"] = pod_cidr
        node["spec"]["podCIDRs"] = [pod_cidr]
        node["status"]["addresses"] = [
            {"address": address, "type": "InternalIP"},
            {"address": name, "type": "Hostname"},
        ]
        node["status"]["conditions"] = self._kubelet_conditions(node)
        created = self.api.create(node)
        self.kubelets.add(name)
        self._node_boot_events(created, previous=[])
        self.settle()
        return created

    def kill_node(self, name: str) -> None:
        self.api.get("Node", "", name)
        kubelet = self.kubelets.get(name)
        if kubelet is None or not kubelet.powered:
            return
        kubelet.power_off()
        self.node_lifecycle.kubelet_stopped(name, kubelet.heartbeats)
        self.settle()

    def restore_node(self, name: str) -> None:
        self.api.get("Node", "", name)
        kubelet = self.kubelets.get(name)
        if kubelet is None or kubelet.powered:
            return
        kubelet.power_on()
        self.ctx.timeline.call_later(KUBELET_RESTART_MS, self._kubelet_back, name, kubelet.epoch)
        self.settle()

    def remove_node(self, name: str) -> None:
        self.api.delete("Node", "", name)
        self.kubelets.remove(name)
        self.network.remove_node(name)
        self.settle()

    def _kubelet_back(self, name: str, epoch: int) -> None:
        kubelet = self.kubelets.get(name)
        node = self.ctx.store.get("Node", "", name)
        if kubelet is None or node is None or kubelet.epoch != epoch or not kubelet.powered:
            return
        kubelet.start_heartbeats()
        self.ctx.events.restarted("kubelet", name)
        previous = node["status"].get("conditions") or []
        node["status"]["conditions"] = self._kubelet_conditions(node)
        self.api.touch(node)
        self._node_boot_events(node, previous)
        period = self.ctx.profile.node_monitor_period_ms
        noticed = (self.now_ms // period + 1) * period
        self.ctx.timeline.call_at(noticed, self.node_lifecycle.kubelet_ready, name)
        kubelet.resync()

    def _kubelet_conditions(self, node: dict) -> list[dict]:
        """The conditions of the kubelet's status post: a condition whose status does not
        change keeps its lastTransitionTime (pkg/kubelet/nodestatus/setters.go)."""
        old = {c["type"]: c for c in node["status"].get("conditions") or ()}
        conditions = ready_conditions(rfc3339(self.now_ms))
        for condition in conditions:
            previous = old.get(condition["type"])
            if previous is not None and previous["status"] == condition["status"]:
                condition["lastTransitionTime"] = previous["lastTransitionTime"]
        return conditions

    def _node_boot_events(self, node: dict, previous: list[dict]) -> None:
        """A kubelet starts: `Starting kubelet.`, then its first node status post, whose
        condition setters (pkg/kubelet/nodestatus/setters.go) record an event for each
        condition whose status changes. A node just registered has no conditions yet:
        the pressure conditions go from Unknown to False (NodeHasSufficientMemory, ...),
        while a Ready condition that did not exist is added without an event. A kubelet
        back after the node controller marked its node Unknown records them all again,
        NodeReady included; one back before that records none of them.

        The simulation registers a node Ready at once, skipping the few seconds a real
        node spends NotReady (container runtime and network starting), so a new node has
        no NodeReady event here. RegisteredNode is the node controller's (its next pass)."""
        name = node["metadata"]["name"]
        kubelet = self.kubelets.get(name)
        old = {c["type"]: c["status"] for c in previous}
        changed = [
            c["type"]
            for c in node["status"]["conditions"]
            if old.get(c["type"], "Unknown" if c["type"] != "Ready" else c["status"]) != c["status"]
        ]
        self.ctx.events.record(
            node, NORMAL, "Starting", "Starting kubelet.", component="kubelet", host=name
        )
        for kind, event in (
            ("MemoryPressure", "NodeHasSufficientMemory"),
            ("DiskPressure", "NodeHasNoDiskPressure"),
            ("PIDPressure", "NodeHasSufficientPID"),
        ):
            if kind in changed:
                kubelet.node_status_event(node, event)
        self.ctx.events.record(
            node,
            NORMAL,
            "NodeAllocatableEnforced",
            "Updated Node Allocatable limit across pods",
            component="kubelet",
            host=name,
        )
        if "Ready" in changed:
            kubelet.node_status_event(node, "NodeReady")
        kubelet.record_schedulable_event()

    # --- explanations --------------------------------------------------------------

    def scheduling_record(self, namespace: str, pod_name: str):
        pod = self.ctx.store.get("Pod", namespace, pod_name)
        return self.scheduler.records.get(pod["metadata"]["uid"]) if pod else None

    def graph(self, namespace: str | None = None):
        """networkx DiGraph of nodes, workloads, pods and services (see graph.py)."""
        return cluster_graph(self.ctx.store, namespace)

    def owner_chain(self, obj: dict) -> list[dict]:
        return owner_chain(self.ctx.store, obj)

    def node_allocation(self, name: str) -> NodeAllocation | None:
        """What the scheduler counts on a node: allocatable, the sum of its pods' requests
        (millicores for cpu, bytes for memory) and how many pods are bound there."""
        info = self.scheduler.cache.nodes.get(name)
        if info is None:
            return None
        return NodeAllocation(dict(info.allocatable), dict(info.requested), info.pod_count)

    def node_powered(self, name: str) -> bool:
        """False for a node `sim node kill` switched off (the control plane only finds out
        when its heartbeats stop); True for a running node."""
        kubelet = self.kubelets.get(name)
        return kubelet is not None and kubelet.powered

    def pod_usage(self, pod: dict) -> tuple[int, int] | None:
        """(milli-cpu, memory bytes) the pod's running containers use now; None if none run."""
        node_name = pod["spec"].get("nodeName")
        kubelet = self.kubelets.get(node_name) if node_name else None
        usage = kubelet.usage(pod) if kubelet is not None and kubelet.powered else None
        if usage is None:
            return None
        cpu, memory = self.traffic.pod_usage(pod["metadata"]["uid"])  # what requests add
        return usage[0] + cpu, usage[1] + memory

    def exec_in(self, pod: dict, container: str, argv: list[str]):
        """Run a command in a running container (kubectl exec): its ExecResult, or None when
        the container is not running on a live node. The clock moves on by the time the
        command took, as kubectl waits for it."""
        node_name = pod["spec"].get("nodeName")
        kubelet = self.kubelets.get(node_name) if node_name else None
        if kubelet is None or not kubelet.powered:
            return None
        runtime = kubelet.pods.get(pod["metadata"]["uid"])
        for candidate in runtime.all_containers if runtime is not None else ():
            process = candidate.process
            if candidate.name == container and process is not None and process.exit_code is None:
                result = process.exec(argv, self.now_ms)
                self.advance(result.duration_ms)
                return result
        return None

    def node_lease(self, node_name: str) -> dict | None:
        """The node's Lease in kube-node-lease, renewTime as of now (None if no kubelet runs
        there): kubectl describe node reads it for its Lease section."""
        return self.kubelets.lease(node_name)

    def events_for(self, obj: dict) -> list[dict]:
        uid = obj["metadata"].get("uid")
        namespace = obj["metadata"].get("namespace") or "default"
        return [
            event
            for event in self.ctx.store.list("Event", namespace)
            if event["involvedObject"].get("uid") == uid
        ]

    # --- internals -----------------------------------------------------------------

    def _boot(self) -> None:
        for name in BOOT_NAMESPACES:
            self.api.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})
        self.api.create(
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"component": "apiserver", "provider": "kubernetes"},
                },
                "spec": {
                    "clusterIP": "10.96.0.1",
                    "ports": [
                        {
                            "name": "https",
                            "port": 443,
                            "protocol": "TCP",
                            "targetPort": API_SERVER_PORT,
                        }
                    ],
                },
            }
        )
        self._publish_api_server_endpoints()
        self.api.create(storage.default_storage_class())  # ClusterLab's `standard` (default)
        self.settle()

    def _publish_api_server_endpoints(self) -> None:
        """The API server's own endpoint reconciler keeps the `kubernetes` Service's
        Endpoints (marked so the mirroring controller skips it) and EndpointSlice."""
        port = {"name": "https", "port": API_SERVER_PORT, "protocol": "TCP"}
        self.api.create(
            {
                "apiVersion": "v1",
                "kind": "Endpoints",
                "metadata": {
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"endpointslice.kubernetes.io/skip-mirror": "true"},
                },
                "subsets": [{"addresses": [{"ip": CONTROL_PLANE_ADDRESS}], "ports": [port]}],
            }
        )
        self.api.create(
            {
                "apiVersion": "discovery.k8s.io/v1",
                "kind": "EndpointSlice",
                "metadata": {
                    "name": "kubernetes",
                    "namespace": "default",
                    "labels": {"kubernetes.io/service-name": "kubernetes"},
                },
                "addressType": "IPv4",
                "endpoints": [
                    {"addresses": [CONTROL_PLANE_ADDRESS], "conditions": {"ready": True}}
                ],
                "ports": [dict(port)],
            }
        )


def _image_info(image: str) -> tuple[str, int] | None:
    """(the name a node lists the image under, its size), or None for an image that cannot exist."""
    try:
        ref = resolve_image(image)
    except ImagePullError:
        return None
    return ref.name, ref.size_bytes
