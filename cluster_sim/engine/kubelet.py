"""The kubelet: runs the pods bound to its node and reports their status.

Per container: image pull (cached per node, serialised as kubelet's default
serializeImagePulls), create, start, probes, exit, restart with back-off.
Events and status use the kubelet's reasons and messages. Init containers run first,
one at a time, and native sidecars alongside the app containers (kubelet_init).
A powered-off node's kubelet does nothing: its timers are dropped and the API keeps
the last status it reported, exactly what the control plane sees of a dead machine.
"""

import copy
import random
from types import SimpleNamespace

from . import podutil
from .events import NORMAL, WARNING
from .kubelet_admission import AdmittedPods, admission_failure
from .kubelet_claims import ClaimMounter
from .kubelet_env import ContainerConfigError, container_environment, expand_command
from .kubelet_init import (
    POD_INITIALIZING,
    InitContainerActions,
    get_phase,
    is_sidecar,
    restarts_after_exit,
    set_initialized_condition,
)
from .kubelet_volumes import (
    MOUNT_RETRY_INITIAL_MS,
    MOUNT_RETRY_MAX_MS,
    MountError,
    container_mounts,
    pod_volumes,
)
from .nodes import NODE_LEASE_NAMESPACE, NODE_STATUS_UPDATE_MS, Heartbeats
from .quantity import cpu_millis, to_bytes
from .runtime import ContainerProcess, ContainerStartError, ImagePullError, resolve_image
from .runtime.program import HttpResponse
from .scheduler.resources import pod_requests
from .storage import ATTACH_DETACH, MultiAttachError
from .timefmt import SECOND, rfc3339, rfc3339_micro

SANDBOX_START_MS = 400
CONTAINER_CREATE_MS = 150
CONTAINER_START_MS = 100
REGISTRY_ROUND_TRIP_MS = 1500
PLEG_RELIST_MS = 1 * SECOND  # the kubelet's pod lifecycle event generator relists every second
NEXT_SYNC_AFTER_ERROR_MS = 8 * SECOND
# The status manager's write of a status the kubelet set reaches the API server (a GET and a
# PATCH after SetPodStatus); used where the kubelet sets a status without running anything.
STATUS_WRITE_MS = 100
# PodConditionByKubelet (pkg/kubelet/types/pod_status.go): the conditions the kubelet owns.
KUBELET_CONDITIONS = ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady")
COMPONENT = "kubelet"


class ContainerRuntime:
    """What the kubelet tracks for one container of one pod."""

    # Class-level defaults, set on the instance only for init containers (kubelet_init):
    # the many pods without any pay nothing for them.
    init = False  # one of spec.initContainers
    sidecar = False  # a restartable init container

    def __init__(self, spec: dict, init: bool = False):
        self.spec = spec
        self.name = spec["name"]
        if init:
            self.init = True
            self.sidecar = is_sidecar(spec)
        self.process: ContainerProcess | None = None
        self.container_id = ""
        self.restart_count = 0
        # The crash back-off entry (client-go flowcontrol.Backoff, keyed per container): its
        # current back-off (0: no entry) and its lastUpdate, when the kubelet last let the
        # container (re)start after an exit (Backoff.Next).
        self.backoff_ms = 0
        self.backoff_updated_ms: int | None = None
        self.last_finished_ms: int | None = None
        self.image_backoff_ms = 0
        self.ready = False
        self.started = False
        self.reported_running = False  # status says running (set at the PLEG relist)
        self.last_process: ContainerProcess | None = None  # the current or last instance, for logs
        self.previous_process: ContainerProcess | None = None  # the instance before it
        self.started_ms = 0
        self.image_id = ""
        self.probe_failures = {"liveness": 0, "startup": 0}
        # The readiness worker's lastResult and resultRun (pkg/kubelet/prober/worker.go): the
        # worker lives as long as the pod, so they carry over a restart of the container.
        self.readiness_last: bool | None = None
        self.readiness_run = 0
        self.generation = 0  # bumps on every (re)start, invalidating older timers
        self.env: dict[str, str] = {}  # resolved at creation (kubelet_env)
        self.restart_after_kill = False  # killed by a failed probe: restart even on exit 0
        # The way to a (re)start: image pull, its back-offs, the crash back-off, create, start.
        # `attempt` tags each timer on that way; bumping it voids them all (a new image).
        self.attempt = 0
        self.start_pending = False  # the kubelet wants this container started; not yet done
        self.restart_pending = False  # waiting out the crash back-off before a restart
        self.lost_in_power_off = False  # it was running when the machine lost power


class PodRuntime:
    # Init container state (kubelet_init), class-level defaults for the many pods without
    # init containers; set on the instance only for pods that have some.
    init_containers: list[ContainerRuntime] | tuple = ()
    sidecars: list[ContainerRuntime] | tuple = ()
    next_init = 0  # the init container whose turn it is
    app_to_start: list | None = None  # after a reboot: the app containers to restart
    finishing = False  # the app containers are done: the sidecars are being stopped
    finish_started_ms = 0
    signalled: set[str] | None = None  # sidecars sent their stop signal on deletion

    def __init__(self, pod: dict):
        self.uid = pod["metadata"]["uid"]
        self.namespace, self.name = podutil.key(pod)
        self.containers = [ContainerRuntime(c) for c in pod["spec"].get("containers", [])]
        inits = pod["spec"].get("initContainers")
        if inits:
            self.init_containers = [ContainerRuntime(c, init=True) for c in inits]
            self.sidecars = [c for c in self.init_containers if c.sidecar]
        self.terminating = False
        self.ip: str | None = None
        self.ip_released = False  # the sandbox of a finished pod is gone, its IP reusable
        self.volumes: dict | None = None  # set up before the sandbox (kubelet_volumes)
        self.attach_error_reported = False  # FailedAttachVolume is reported once
        self.mount_backoff_ms = 0

    @property
    def all_containers(self) -> list[ContainerRuntime]:
        """Init containers (sidecars among them) and app containers, in definition order."""
        return self.init_containers + self.containers if self.init_containers else self.containers


class Kubelet(InitContainerActions):
    def __init__(self, ctx, node_name: str, network, rng: random.Random, service_links):
        self.ctx = ctx
        self.node_name = node_name
        self.network = network
        self.service_links = service_links  # the Services' variables, shared (kubelet_env)
        self.rng = rng
        self.powered = True
        self.epoch = 0
        self.image_cache: dict[str, int] = {}  # image name -> size
        self.pods: dict[str, PodRuntime] = {}  # the pods it admitted
        self._shared_volumes: dict = {}  # kube-api-access volumes, per namespace and account
        self.admitted = AdmittedPods()  # what those not yet terminated request
        self._rejected: set[str] = set()  # uids rejected, their status not written yet
        self.last_unschedulable = False  # lastNodeUnschedulable
        self._schedulable_check_due: int | None = None
        self._pull_free_at = 0
        self._pulls_in_flight: dict[str, int] = {}
        self.heartbeats: Heartbeats
        self.start_heartbeats()

    # scheduling helpers --------------------------------------------------------

    def _later(self, delay_ms: int, callback, *args) -> None:
        self.ctx.timeline.call_later(delay_ms, self._guarded, self.epoch, callback, args)

    def _guarded(self, epoch: int, callback, args) -> None:
        if self.powered and epoch == self.epoch:
            callback(*args)

    def _later_for(self, container: "ContainerRuntime", delay_ms: int, callback, *args) -> None:
        """A step on the container's way to a (re)start: void once that way is abandoned."""
        self._later(delay_ms, self._if_attempt, container, container.attempt, callback, args)

    @staticmethod
    def _if_attempt(container: "ContainerRuntime", attempt: int, callback, args) -> None:
        if container.attempt == attempt:
            callback(*args)

    def _scaled(self, ms: int) -> int:
        return max(1, int(ms * self.ctx.profile.startup_scale))

    def _pod(self, runtime: PodRuntime) -> dict | None:
        pod = self.ctx.store.get("Pod", runtime.namespace, runtime.name)
        if pod is None or pod["metadata"]["uid"] != runtime.uid:
            self._forget(runtime.uid)
            return None
        return pod

    def _forget(self, uid: str) -> None:
        self.pods.pop(uid, None)
        self.admitted.discard(uid)

    def pod_deleted(self, uid: str) -> None:
        """The pod is gone from the API: the pod manager drops it, so it no longer counts
        against new pods, even while its containers are still being stopped. Its sandbox goes
        with it (HandlePodRemoves), the CNI plugin's DEL freeing the IP for new pods."""
        self.admitted.discard(uid)
        runtime = self.pods.get(uid)
        if runtime is not None:
            self._release_ip(runtime)

    def _event(
        self, pod: dict, event_type: str, reason: str, message: str, container: str | None = None
    ):
        field_path = None
        if container:
            group = "initContainers" if _is_init_container(pod, container) else "containers"
            field_path = f"spec.{group}{{{container}}}"
        self.ctx.events.record(
            pod,
            event_type,
            reason,
            message,
            component=COMPONENT,
            host=self.node_name,
            field_path=field_path,
        )

    # heartbeats ------------------------------------------------------------------

    def start_heartbeats(self) -> None:
        """The kubelet (re)started: it posts its node status and renews its Lease from now."""
        now = self.ctx.now_ms
        self.heartbeats = Heartbeats(started_ms=now, reported_ms=now)
        self.heartbeats.posted(now, self._heartbeat_seed())

    def _heartbeat_seed(self) -> str:
        node = self.ctx.store.get("Node", "", self.node_name)
        return node["metadata"]["uid"] if node else self.node_name

    def refresh_heartbeat(self, node: dict) -> None:
        """Bring the conditions' lastHeartbeatTime to the kubelet's last status post. The API
        server's reads call this instead of the kubelet writing every periodic report: such a
        report changes nothing but the heartbeat, which the scheduler's node-update filter
        ignores, and the node lifecycle controller's health check is already kept alive by
        the more frequent Lease renewals (see node_lifecycle.py)."""
        posted = rfc3339(self.heartbeats.status_reported_ms(self.ctx.now_ms))
        for condition in node["status"].get("conditions") or ():
            condition["lastHeartbeatTime"] = posted

    def lease(self, node: dict) -> dict:
        """The node's Lease in kube-node-lease as the kubelet keeps it (component-helpers
        apimachinery/lease controller.go newLease: holder and duration set, renewTime on every
        renewal, no acquireTime), renewed every leaseDurationSeconds / 4."""
        renew_ms = self.ctx.profile.lease_renew_ms
        renewed = self.heartbeats.lease_renewed_ms(self.ctx.now_ms, renew_ms)
        meta = node["metadata"]
        return {
            "apiVersion": "coordination.k8s.io/v1",
            "kind": "Lease",
            "metadata": {
                "name": self.node_name,
                "namespace": NODE_LEASE_NAMESPACE,
                "creationTimestamp": meta.get("creationTimestamp"),
                "ownerReferences": [
                    {"apiVersion": "v1", "kind": "Node", "name": meta["name"], "uid": meta["uid"]}
                ],
            },
            "spec": {
                "holderIdentity": self.node_name,
                "leaseDurationSeconds": renew_ms * 4 // SECOND,
                "renewTime": rfc3339_micro(renewed),
            },
        }

    # node status events ------------------------------------------------------------

    def node_changed(self, node: dict) -> None:
        """The Node object changed. The kubelet notices a cordon or an uncordon on its next
        node status sync (every nodeStatusUpdateFrequency, 10 s, from its start), where
        recordNodeSchedulableEvent compares spec.unschedulable with what it last saw."""
        if not self.running:
            return  # off, or still booting: the kubelet's first status sync will look
        if bool(node["spec"].get("unschedulable")) == self.last_unschedulable:
            return
        started = self.heartbeats.started_ms
        due = started + ((self.ctx.now_ms - started) // NODE_STATUS_UPDATE_MS + 1) * (
            NODE_STATUS_UPDATE_MS
        )
        if self._schedulable_check_due == due:
            return
        self._schedulable_check_due = due
        self.ctx.timeline.call_at(due, self._guarded, self.epoch, self.record_schedulable_event, ())

    def record_schedulable_event(self) -> None:
        """recordNodeSchedulableEvent: `Node NAME status is now: NodeNotSchedulable` (or
        NodeSchedulable) when spec.unschedulable differs from the last status sync's."""
        self._schedulable_check_due = None
        node = self.ctx.store.get("Node", "", self.node_name)
        if node is None:
            return
        unschedulable = bool(node["spec"].get("unschedulable"))
        if unschedulable == self.last_unschedulable:
            return
        self.last_unschedulable = unschedulable
        self.node_status_event(node, "NodeNotSchedulable" if unschedulable else "NodeSchedulable")

    def node_status_event(self, node: dict, event: str) -> None:
        """recordNodeStatusEvent (pkg/kubelet/kubelet_node_status.go)."""
        self.ctx.events.record(
            node,
            NORMAL,
            event,
            f"Node {self.node_name} status is now: {event}",
            component=COMPONENT,
            host=self.node_name,
        )

    # power --------------------------------------------------------------------

    def power_off(self) -> None:
        self.powered = False
        self.epoch += 1
        self.heartbeats.stopped_ms = self.ctx.now_ms
        self._rejected.clear()
        for runtime in self.pods.values():
            for container in runtime.all_containers:
                # containerd finds the task gone when the machine boots again (see _reboot_pod)
                container.lost_in_power_off = container.process is not None
                container.process = None

    def power_on(self) -> None:
        self.powered = True
        self.epoch += 1
        self._pull_free_at = self.ctx.now_ms
        self.last_unschedulable = False  # a new kubelet process (recordNodeSchedulableEvent)

    def resync(self) -> None:
        """After a reboot: the kubelet is handed every pod bound here (HandlePodAdditions),
        oldest first, admits each again against those admitted before it, and syncs them:
        deletions are finished, the surviving pods' sandboxes re-created."""
        pods = [
            p for p in self.ctx.store.list("Pod") if p["spec"].get("nodeName") == self.node_name
        ]
        pods.sort(
            key=lambda p: (p["metadata"].get("creationTimestamp") or "", p["metadata"]["name"])
        )
        self.admitted = AdmittedPods()
        for pod in pods:
            self.sync(pod, rebooted=True)

    # pod sync -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """The kubelet process runs: the machine is on and the kubelet has started (a booting
        machine's kubelet acts on nothing until then, see Cluster.restore_node)."""
        return self.powered and self.heartbeats.stopped_ms is None

    def sync(self, pod: dict, rebooted: bool = False) -> None:
        if not self.running:
            return
        uid = pod["metadata"]["uid"]
        runtime = self.pods.get(uid)
        if podutil.is_terminating(pod):
            if rebooted and runtime is not None:
                self._finish_termination(runtime)
            elif runtime is None:
                # Nothing ever ran: the pod worker finishes at once and the status manager
                # deletes the pod (grace 0). Not from inside this watch callback, though:
                # the other watchers have yet to see the change that brought the kubelet here.
                runtime = PodRuntime(pod)
                runtime.terminating = True
                self.pods[uid] = runtime
                self._later(STATUS_WRITE_MS, self._finish_termination, runtime)
            elif not runtime.terminating:
                self._start_termination(pod, runtime)
            return
        if pod["status"].get("phase") in podutil.TERMINAL_PHASES or uid in self._rejected:
            return
        if runtime is None or rebooted:
            requests = pod_requests(pod["spec"])
            failure = self._admission_failure(pod, requests)
            if failure is not None:
                self._forget(uid)
                self._reject(pod, *failure)
                return
            self.admitted.add(pod, requests)
        if runtime is None:
            runtime = PodRuntime(pod)
            self.pods[uid] = runtime
            self._later(self._scaled(SANDBOX_START_MS), self._start_sandbox, runtime)
        elif rebooted:
            self._reboot_pod(pod, runtime)
        else:
            self._check_definitions(pod, runtime)

    # admission ------------------------------------------------------------------

    def _admission_failure(self, pod: dict, requests: dict[str, int]) -> tuple[str, str] | None:
        node = self.ctx.store.get("Node", "", self.node_name)
        if node is None:
            return "InvalidNodeInfo", "Kubelet cannot get node info."
        return admission_failure(pod, node, self.admitted, requests)

    def _reject(self, pod: dict, reason: str, message: str) -> None:
        """Kubelet.rejectPod: a Warning event now; the status manager then writes phase
        Failed, the reason and "Pod was rejected: <message>" (kubectl's STATUS shows the
        reason). The write reaches the API server a moment later (STATUS_WRITE_MS)."""
        uid = pod["metadata"]["uid"]
        self._rejected.add(uid)
        self._event(pod, WARNING, reason, message)
        namespace, name = podutil.key(pod)
        self._later(STATUS_WRITE_MS, self._write_rejection, namespace, name, uid, reason, message)

    def _write_rejection(self, namespace, name, uid, reason, message) -> None:
        self._rejected.discard(uid)
        pod = self.ctx.store.get("Pod", namespace, name)
        if pod is None or pod["metadata"]["uid"] != uid:
            return
        old = pod["status"]
        # SetPodStatus replaces the kubelet's part of the status; mergePodStatus keeps the
        # conditions other components own (PodScheduled); the start time is set once.
        status = {
            "phase": "Failed",
            "reason": reason,
            "message": f"Pod was rejected: {message}",
            "qosClass": old.get("qosClass"),
            "startTime": old.get("startTime") or rfc3339(self.ctx.now_ms),
        }
        kept = [c for c in old.get("conditions") or () if c["type"] not in KUBELET_CONDITIONS]
        if kept:
            status["conditions"] = kept
        if old.get("podIP"):
            self.network.release_pod_ip(self.node_name, old["podIP"])
        pod["status"] = {k: v for k, v in status.items() if v is not None}
        self.ctx.api.touch(pod)

    # reboot ---------------------------------------------------------------------

    def _reboot_pod(self, pod: dict, runtime: PodRuntime) -> None:
        """A pod whose containers died with the machine. containerd recovers each container
        whose task is gone as exited, exit code 255, reason Unknown (its CRI recovery), and
        the kubelet's in-memory back-offs are gone. computePodActions then finds the sandbox
        not ready: unless the restart policy keeps the pod down (Never, or OnFailure with
        every container succeeded), the sandbox is killed and re-created (SandboxChanged,
        a new pod IP) and the containers are started again, each restart counted."""
        now = self.ctx.now_ms
        by_name = {s["name"]: s for s in pod["status"].get("containerStatuses") or ()}
        if runtime.init_containers:
            by_name.update((s["name"], s) for s in pod["status"].get("initContainerStatuses") or ())
        for container in runtime.all_containers:
            container.process = None
            container.ready = container.reported_running = False
            container.generation += 1
            container.attempt += 1
            container.start_pending = container.restart_pending = False
            container.backoff_ms = container.image_backoff_ms = 0
            container.backoff_updated_ms = None
            status = by_name.get(container.name)
            if container.lost_in_power_off and status is not None:
                container.last_finished_ms = now
                status["state"] = {
                    "terminated": {
                        "containerID": container.container_id,
                        "exitCode": 255,
                        "finishedAt": rfc3339(now),
                        "reason": "Unknown",
                        "startedAt": rfc3339(container.started_ms),
                    }
                }
                status["ready"] = status["started"] = False
            container.lost_in_power_off = False
        policy = pod["spec"].get("restartPolicy", "Always")
        if policy == "Always":
            to_start = list(runtime.containers)
        elif policy == "OnFailure":
            to_start = [c for c in runtime.containers if not _succeeded(by_name.get(c.name))]
        else:  # Never: only a pod none of whose containers was ever created starts again
            ran = any(c.container_id for c in runtime.all_containers)
            to_start = [] if ran else list(runtime.containers)
        if to_start:
            if runtime.ip is not None:  # a sandbox was made before the power went
                self._event(
                    pod,
                    NORMAL,
                    "SandboxChanged",
                    "Pod sandbox changed, it will be killed and re-created.",
                )
            podutil.set_condition(pod, "PodReadyToStartContainers", "False", now)
            self._later(
                self._scaled(SANDBOX_START_MS), self._start_sandbox, runtime, True, to_start
            )
        self._update_phase(pod, runtime)
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)

    def _check_definitions(self, pod: dict, runtime: PodRuntime) -> None:
        """computePodActions' containerChanged: a new image (the one field of a running pod's
        container an update may change) gets the container killed and started again,
        whatever the restart policy, without back-off.

        The back-off keys carry the container's spec hash (kuberuntime getStableKey) and the
        image (the image puller's back-off key), so a new image starts with a clean slate:
        a container waiting out a CrashLoopBackOff or an ImagePullBackOff of the old image
        is started from the new one at once, on the sync the pod update triggers."""
        if runtime.init_containers:
            self._check_init_definitions(pod, runtime)
        specs = {c["name"]: c for c in pod["spec"].get("containers", [])}
        for container in runtime.containers:
            spec = specs.get(container.name)
            if spec is None or spec.get("image") == container.spec.get("image"):
                continue
            container.spec = copy.deepcopy(spec)
            container.backoff_ms = 0
            container.image_backoff_ms = 0
            if container.process is None:
                if container.start_pending and not runtime.terminating:
                    self._start_new_image(runtime, container)
                continue
            self._event(
                pod,
                NORMAL,
                "Killing",
                f"Container {container.name} definition changed, will be restarted",
                container.name,
            )
            container.restart_after_kill = True
            self._stop_for_restart(
                runtime, container, pod["spec"].get("terminationGracePeriodSeconds", 30)
            )

    def _start_sandbox(
        self, runtime: PodRuntime, restarted: bool = False, to_start: list | None = None
    ) -> None:
        """The pod's sandbox is up: its IP, then every container's way to a start. A sandbox
        re-created after a reboot gets a new IP (the old one is released with the old
        sandbox) and starts only `to_start`, each a new attempt of a container that ran."""
        pod = self._pod(runtime)
        if pod is None or podutil.is_terminating(pod):
            return
        if runtime.volumes is None:  # WaitForAttachAndMount comes before the sandbox
            claims = ClaimMounter(self.ctx, self.node_name) if self.ctx.storage else None
            try:
                runtime.volumes = pod_volumes(pod, self.ctx.store, self._shared_volumes, claims)
            except MountError as error:
                self._mount_failed(pod, runtime, str(error))
                return
            except MultiAttachError as error:
                self._attach_blocked(pod, runtime, error)
                return
        now = self.ctx.now_ms
        status = pod["status"]
        node = self.ctx.store.get("Node", "", self.node_name)
        host_ip = _internal_ip(node) if node else ""
        if restarted:
            self.network.release_pod_ip(self.node_name, runtime.ip or status.get("podIP"))
            runtime.ip = self.network.allocate_pod_ip(self.node_name)
        elif runtime.ip is None:
            runtime.ip = status.get("podIP") or self.network.allocate_pod_ip(self.node_name)
        status.update(
            {
                "hostIP": host_ip,
                "hostIPs": [{"ip": host_ip}],
                "podIP": runtime.ip,
                "podIPs": [{"ip": runtime.ip}],
            }
        )
        status.setdefault("startTime", rfc3339(now))
        podutil.set_condition(pod, "PodReadyToStartContainers", "True", now)
        if runtime.init_containers:  # the app containers wait for them (kubelet_init)
            self._start_initialization(pod, runtime, restarted, to_start)
            return
        podutil.set_condition(pod, "Initialized", "True", now)
        self._start_app_containers(pod, runtime, restarted, to_start, "ContainerCreating")

    def _start_app_containers(
        self, pod: dict, runtime: PodRuntime, restarted: bool, to_start, waiting_reason: str
    ) -> None:
        """Every app container's way to a start (after a reboot, only `to_start`'s)."""
        status = pod["status"]
        statuses = status.get("containerStatuses") or []
        by_name = {s["name"]: s for s in statuses}
        starting = runtime.containers if to_start is None else to_start
        if not restarted:
            status["containerStatuses"] = [
                self._waiting_status(c, waiting_reason, previous=by_name.get(c.name))
                for c in runtime.containers
            ]
        else:
            # A container whose last instance exited shows it terminated until the new one runs.
            for container in starting:
                previous = by_name.get(container.name)
                if previous is None or "terminated" not in (previous.get("state") or {}):
                    self._replace_container_status(
                        pod, self._waiting_status(container, waiting_reason, previous)
                    )
                if container.container_id:
                    container.restart_count += 1
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)
        for container in starting:
            container.start_pending, container.restart_pending = True, False
            self._pull_then_start(runtime, container)

    def _start_new_image(self, runtime: PodRuntime, container: ContainerRuntime) -> None:
        """Leave the way to a start of the old image (a back-off to wait out, a pull under
        way) and take the new image's at once. doBackOff finds nothing under the new key and
        records the start there (flowcontrol.Backoff.Next), so should the new image crash
        too, its next restart waits the initial back-off."""
        container.attempt += 1
        if container.last_finished_ms is not None:
            container.backoff_ms = self.ctx.profile.crash_backoff_initial_ms
            container.backoff_updated_ms = self.ctx.now_ms
        if container.restart_pending:
            self._restart_container(runtime, container)
        else:
            self._pull_then_start(runtime, container)

    # images ---------------------------------------------------------------------

    def _pull_then_start(self, runtime: PodRuntime, container: ContainerRuntime) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        image = container.spec.get("image", "")
        try:
            ref = resolve_image(image)
        except ImagePullError as error:
            if error.reason == "InvalidImageName":
                self._image_failed(pod, runtime, container, image, error)
            else:
                # The registry has to answer before the pull can fail.
                self._event(pod, NORMAL, "Pulling", f'Pulling image "{image}"', container.name)
                container.image_backoff_ms = 0
                self._later_for(
                    container,
                    self._scaled(REGISTRY_ROUND_TRIP_MS),
                    self._pull_failed,
                    runtime,
                    container,
                    error,
                )
            return
        policy = container.spec.get("imagePullPolicy", "IfNotPresent")
        cached = ref.name in self.image_cache
        if policy == "Never" and not cached:
            message = f'Container image "{image}" is not present with pull policy of Never'
            self._set_waiting(pod, container, "ErrImageNeverPull", message)
            self._event(pod, WARNING, "ErrImageNeverPull", message, container.name)
            return
        if cached and policy != "Always":
            self._event(
                pod,
                NORMAL,
                "Pulled",
                f'Container image "{image}" already present on machine',
                container.name,
            )
            self._create_after_pull(runtime, container, ref)
            return
        self._event(pod, NORMAL, "Pulling", f'Pulling image "{image}"', container.name)
        now = self.ctx.now_ms
        in_flight = self._pulls_in_flight.get(ref.name)
        if in_flight is not None and in_flight > now:
            # The same image is already being pulled: this request finishes with it,
            # and containerd only has to confirm what it already fetched.
            duration = self._scaled(150)
            finished = in_flight + duration
        else:
            # Pulls are serial per node (kubelet serializeImagePulls: true).
            start = max(now, self._pull_free_at)
            duration = self._scaled(ref.pull_ms if not cached else 600)
            duration = int(duration * self.rng.uniform(0.85, 1.15))
            finished = start + duration
            self._pull_free_at = finished
            self._pulls_in_flight[ref.name] = finished
        waited = finished - now
        self._later_for(container, waited, self._pulled, runtime, container, ref, duration, waited)

    def _create_after_pull(self, runtime, container, ref) -> None:
        """The image is there: the runtime creates the container a moment later."""
        self._later_for(
            container,
            self._scaled(CONTAINER_CREATE_MS),
            self._create_container,
            runtime,
            container,
            ref,
        )

    def _pulled(self, runtime, container, ref, duration, waited) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        self.image_cache[ref.name] = ref.size_bytes
        self._refresh_node_images()
        image = container.spec.get("image", "")
        self._event(
            pod,
            NORMAL,
            "Pulled",
            f'Successfully pulled image "{image}" in {_go_seconds(duration)} '
            f"({_go_seconds(waited)} including waiting). Image size: {ref.size_bytes} bytes.",
            container.name,
        )
        container.image_backoff_ms = 0
        self._create_after_pull(runtime, container, ref)

    def _pull_failed(self, runtime, container, error) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        self._image_failed(pod, runtime, container, container.spec.get("image", ""), error)

    def _image_failed(self, pod, runtime, container, image, error) -> None:
        reason = getattr(error, "reason", "ErrImagePull")
        if reason == "InvalidImageName":
            self._set_waiting(pod, container, "InvalidImageName", error.message)
            self._event(pod, WARNING, "InspectFailed", error.message, container.name)
            self._event(pod, WARNING, "Failed", "Error: InvalidImageName", container.name)
            return
        first = container.image_backoff_ms == 0
        self._event(pod, WARNING, "Failed", error.event_message(image), container.name)
        self._event(pod, WARNING, "Failed", "Error: ErrImagePull", container.name)
        cri_error = f"rpc error: code = {error.grpc_code} desc = {error.message}"
        self._set_waiting(pod, container, "ErrImagePull", cri_error)
        profile = self.ctx.profile
        container.image_backoff_ms = (
            profile.image_backoff_initial_ms
            if first
            else min(container.image_backoff_ms * 2, profile.image_backoff_max_ms)
        )
        # The pod's next sync finds the image in back-off.
        self._later_for(
            container,
            NEXT_SYNC_AFTER_ERROR_MS,
            self._image_backoff,
            runtime,
            container,
            image,
            cri_error,
        )

    def _image_backoff(self, runtime, container, image, error_text) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        self._event(pod, NORMAL, "BackOff", f'Back-off pulling image "{image}"', container.name)
        self._event(pod, WARNING, "Failed", "Error: ImagePullBackOff", container.name)
        self._set_waiting(
            pod,
            container,
            "ImagePullBackOff",
            f'Back-off pulling image "{image}": ErrImagePull: {error_text}',
        )
        delay = container.image_backoff_ms - NEXT_SYNC_AFTER_ERROR_MS
        self._later_for(container, max(delay, 1), self._retry_pull, runtime, container)

    def _retry_pull(self, runtime, container) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        image = container.spec.get("image", "")
        self._event(pod, NORMAL, "Pulling", f'Pulling image "{image}"', container.name)
        try:
            ref = resolve_image(image)
        except ImagePullError as error:
            self._later_for(
                container,
                self._scaled(REGISTRY_ROUND_TRIP_MS),
                self._pull_failed,
                runtime,
                container,
                error,
            )
            return
        self._later_for(
            container,
            self._scaled(ref.pull_ms),
            self._pulled,
            runtime,
            container,
            ref,
            ref.pull_ms,
            ref.pull_ms,
        )

    def _refresh_node_images(self) -> None:
        node = self.ctx.store.get("Node", "", self.node_name)
        if node is None:
            return
        images = [
            {"names": [name], "sizeBytes": size} for name, size in sorted(self.image_cache.items())
        ]
        if images == node["status"].get("images"):
            return
        node["status"]["images"] = images
        # A changed status is posted at once, heartbeat included (tryUpdateNodeStatus).
        self.heartbeats.posted(self.ctx.now_ms, self._heartbeat_seed())
        self.refresh_heartbeat(node)
        self.ctx.api.touch(node)

    # containers -----------------------------------------------------------------

    def _create_container(self, runtime, container, ref) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        try:  # generateContainerConfig, before the runtime is asked for anything
            container.env = container_environment(
                pod, container.spec, self.ctx.store, self.service_links
            )
        except ContainerConfigError as error:
            self._config_failed(pod, runtime, container, str(error))
            return
        self._event(pod, NORMAL, "Created", f"Created container: {container.name}", container.name)
        self._later_for(
            container, CONTAINER_START_MS, self._start_container, runtime, container, ref
        )

    def _start_container(self, runtime, container, ref) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        now = self.ctx.now_ms
        spec = container.spec
        limits = (spec.get("resources") or {}).get("limits") or {}
        container.start_pending = False
        container.generation += 1
        container.container_id = f"containerd://{self.rng.getrandbits(256):064x}"
        container.image_id = ref.image_id
        try:
            container.process = ContainerProcess(
                ref.info,
                command=expand_command(spec.get("command"), container.env),
                args=expand_command(spec.get("args"), container.env),
                env=container.env,
                volumes=container_mounts(spec, runtime.volumes or {}),
                started_ms=now,
                rng=random.Random(self.rng.getrandbits(64)),
                memory_limit_bytes=to_bytes(limits["memory"]) if "memory" in limits else None,
                cpu_limit_millis=cpu_millis(limits["cpu"]) if "cpu" in limits else None,
                # GeneratePodHostNameAndDomain: spec.hostname (an Indexed Job's `<job>-<i>`)
                hostname=pod["spec"].get("hostname") or pod["metadata"]["name"],
                pod_ip=runtime.ip or "",
                network=(
                    self.ctx.cluster_network.for_pod(runtime.namespace)
                    if self.ctx.cluster_network is not None
                    else None
                ),
            )
        except ContainerStartError as error:
            self._start_failed(pod, runtime, container, error)
            return
        container.process.stream_logs = False  # `kubectl logs` reads the log file
        container.process.pod_loopback = lambda port, asking, runtime=runtime: self._listener_in(
            runtime, port, asking
        )
        container.previous_process = container.last_process
        container.last_process = container.process
        container.started_ms = now
        container.probe_failures = {"liveness": 0, "startup": 0}
        # a startup probe holds back `started`, readiness and the other probes until it passes
        container.started = "startupProbe" not in spec
        container.ready = "readinessProbe" not in spec and container.started
        if container.init and not container.sidecar:
            container.ready = False  # an init container is ready once it has succeeded
        self._event(pod, NORMAL, "Started", f"Started container {container.name}", container.name)
        self._schedule_process(runtime, container)
        self._schedule_probes(runtime, container)
        # The kubelet learns that the container runs at its next PLEG relist.
        self._later(PLEG_RELIST_MS, self._report_running, runtime, container, container.generation)

    def _report_running(self, runtime, container, generation) -> None:
        if container.generation != generation or container.process is None:
            return  # it already exited: it never showed as running
        pod = self._pod(runtime)
        if pod is None:
            return
        container.reported_running = True
        status = self._container_status(pod, container.name)
        previous_state = status.get("state", {}) if status else {}
        last_state = status.get("lastState", {}) if status else {}
        if "terminated" in previous_state:
            last_state = {"terminated": previous_state["terminated"]}
        self._replace_container_status(
            pod,
            {
                "containerID": container.container_id,
                "image": container.spec.get("image", ""),
                "imageID": container.image_id,
                "lastState": last_state,
                "name": container.name,
                "ready": container.ready,
                "restartCount": container.restart_count,
                "started": container.started,
                "state": {"running": {"startedAt": rfc3339(container.started_ms)}},
            },
        )
        self._update_phase(pod, runtime)
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)
        if container.sidecar and container.started:
            self._init_container_initialized(runtime, container)

    def _start_failed(self, pod, runtime, container, error) -> None:
        """runc could not start the process: StartError, exit code 128, then the restart policy."""
        message = (
            "failed to create containerd task: failed to create shim task: OCI runtime create "
            "failed: runc create failed: unable to start container process: error during "
            f"container init: {error.message}: unknown"
        )
        self._event(pod, WARNING, "Failed", f"Error: {message}", container.name)
        container.started_ms = self.ctx.now_ms
        output = SimpleNamespace(kind="start-error", exit_code=error.exit_code, text=message)
        self._container_exited(pod, runtime, container, output)

    def _schedule_process(self, runtime, container) -> None:
        process = container.process
        if process is None:
            return
        due = process.next_event_ms()
        if due is not None:
            self.ctx.timeline.call_at(
                due,
                self._guarded,
                self.epoch,
                self._process_tick,
                (runtime, container, container.generation),
            )

    def _process_tick(self, runtime, container, generation) -> None:
        if container.generation != generation or container.process is None:
            return
        pod = self._pod(runtime)
        if pod is None:
            return
        for output in container.process.advance(self.ctx.now_ms):
            if output.kind in ("exit", "oom"):
                self._container_exited(pod, runtime, container, output)
                return
        self._schedule_process(runtime, container)

    def _container_exited(self, pod, runtime, container, output) -> None:
        now = self.ctx.now_ms
        code = output.exit_code if output.exit_code is not None else 1
        if output.kind == "oom":
            reason, code = "OOMKilled", 137
        elif output.kind == "start-error":
            reason = "StartError"
        else:
            reason = "Completed" if code == 0 else "Error"
        container.process = None
        container.ready = False
        container.reported_running = False
        container.last_finished_ms = now
        status = self._container_status(pod, container.name)
        if status is None:
            status = self._waiting_status(container, "ContainerCreating")
            self._replace_container_status(pod, status)
        status.update({"containerID": container.container_id, "imageID": container.image_id})
        started_at = rfc3339(container.started_ms)
        terminated = {
            "containerID": container.container_id,
            "exitCode": code,
            "finishedAt": rfc3339(now),
            "reason": reason,
            "startedAt": started_at,
        }
        if output.kind == "start-error":
            terminated["message"] = output.text
            terminated["startedAt"] = "1970-01-01T00:00:00Z"
        status["state"] = {"terminated": terminated}
        status["restartCount"] = container.restart_count
        status["ready"] = False
        status["started"] = False
        if container.init:
            # prober manager UpdatePodStatus: an init container that succeeded is ready
            status["ready"] = not container.sidecar and code == 0
            restarts = container.restart_after_kill or restarts_after_exit(
                pod, container, code, runtime.finishing
            )
        else:
            restart_policy = pod["spec"].get("restartPolicy", "Always")
            restarts = (
                restart_policy == "Always"
                or (restart_policy == "OnFailure" and code != 0)
                or container.restart_after_kill
            )
        container.restart_after_kill = False
        if restarts and not runtime.terminating:
            container.start_pending = container.restart_pending = True
            delay = self._next_backoff(container, now)
            if delay > 0:
                self._later_for(container, 1, self._enter_crashloop, runtime, container, delay)
            self._later_for(container, max(delay, 1), self._restart_container, runtime, container)
        self._update_phase(pod, runtime, restarting=restarts and not runtime.terminating)
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)
        if runtime.init_containers:
            self._after_init_pod_exit(pod, runtime, container, code)

    def _next_backoff(self, container, finished_ms: int) -> int:
        """How long the container waits before its restart (kuberuntime doBackOff with the
        kubelet's flowcontrol.Backoff): the first restart at once, then 10 s doubling to 5 min.

        IsInBackOffSince(key, finishedAt) treats the entry as expired, and Next starts it
        afresh, when the container finished more than 10 minutes after the entry's lastUpdate
        (the kubelet's HasExpiredFunc: eventTime.Sub(lastUpdate) > 600*time.Second); so a
        container that ran that long before crashing restarts at once, its back-off reset."""
        profile = self.ctx.profile
        updated = container.backoff_updated_ms
        expired = updated is not None and finished_ms - updated > profile.crash_backoff_reset_ms
        if container.backoff_ms == 0 or expired:
            container.backoff_ms = profile.crash_backoff_initial_ms
            container.backoff_updated_ms = finished_ms
            return 0
        delay = container.backoff_ms
        container.backoff_ms = min(container.backoff_ms * 2, profile.crash_backoff_max_ms)
        container.backoff_updated_ms = finished_ms + delay  # Next runs when the wait is over
        return delay

    def _enter_crashloop(self, runtime, container, delay) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating or container.process is not None:
            return
        status = self._container_status(pod, container.name)
        if status is None:
            return
        pod_ref = (
            f"{pod['metadata']['name']}_{pod['metadata']['namespace']}({pod['metadata']['uid']})"
        )
        message = f"back-off {_go_duration(delay)} restarting failed container={container.name} pod={pod_ref}"
        status["lastState"] = {"terminated": status["state"].get("terminated", {})}
        status["state"] = {"waiting": {"message": message, "reason": "CrashLoopBackOff"}}
        self._event(
            pod,
            WARNING,
            "BackOff",
            f"Back-off restarting failed container {container.name} in pod {pod_ref}",
            container.name,
        )
        self.ctx.api.touch(pod)

    def _attach_blocked(self, pod, runtime, error) -> None:
        """The attach/detach controller cannot attach a ReadWriteOnce disk used on another
        node: FailedAttachVolume (once), and the pod waits, ContainerCreating, until the
        disk is detached from there (its pods gone)."""
        if not runtime.attach_error_reported:
            runtime.attach_error_reported = True
            self.ctx.events.record(
                pod, WARNING, "FailedAttachVolume", str(error), component=ATTACH_DETACH
            )
        self._waiting_for_volumes(pod, runtime)
        self.ctx.storage.when_detached(
            error.volume_name, lambda: self._later(STATUS_WRITE_MS, self._start_sandbox, runtime)
        )

    def _mount_failed(self, pod, runtime, message: str) -> None:
        """FailedMount, and another try after the operation's back-off; meanwhile the
        containers wait as ContainerCreating."""
        self._event(pod, WARNING, "FailedMount", message)
        self._waiting_for_volumes(pod, runtime)
        runtime.mount_backoff_ms = min(
            max(runtime.mount_backoff_ms * 2, MOUNT_RETRY_INITIAL_MS), MOUNT_RETRY_MAX_MS
        )
        self._later(runtime.mount_backoff_ms, self._start_sandbox, runtime)

    def _waiting_for_volumes(self, pod, runtime) -> None:
        """The kubelet's first status for a pod whose volumes are not ready: containers
        ContainerCreating, PodReadyToStartContainers False."""
        status = pod["status"]
        if not status.get("containerStatuses"):  # the kubelet's first status for the pod
            now = self.ctx.now_ms
            node = self.ctx.store.get("Node", "", self.node_name)
            host_ip = _internal_ip(node) if node else ""
            status.update({"hostIP": host_ip, "hostIPs": [{"ip": host_ip}]})
            status.setdefault("startTime", rfc3339(now))
            podutil.set_condition(pod, "PodReadyToStartContainers", "False", now)
            waiting = "ContainerCreating"
            if runtime.init_containers:
                waiting = POD_INITIALIZING
                status["initContainerStatuses"] = [
                    self._waiting_status(c, waiting) for c in runtime.init_containers
                ]
            else:
                podutil.set_condition(pod, "Initialized", "True", now)
            status["containerStatuses"] = [
                self._waiting_status(c, waiting) for c in runtime.containers
            ]
            self._update_readiness(pod, runtime)
            self.ctx.api.touch(pod)

    def _config_failed(self, pod, runtime, container, message: str) -> None:
        """CreateContainerConfigError: a Failed event and the waiting reason; the pod's next
        sync (after an error, the pod worker's back-off) tries again."""
        self._event(pod, WARNING, "Failed", f"Error: {message}", container.name)
        self._set_waiting(pod, container, "CreateContainerConfigError", message)
        self._later_for(container, NEXT_SYNC_AFTER_ERROR_MS, self._retry_config, runtime, container)

    def _retry_config(self, runtime, container) -> None:
        """The pod's next sync goes the whole way again, from EnsureImageExists."""
        if container.process is None:
            self._pull_then_start(runtime, container)

    def _restart_container(self, runtime, container) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating or container.process is not None:
            return
        container.restart_pending = False
        container.restart_count += 1
        status = self._container_status(pod, container.name)
        if status is not None:
            status["restartCount"] = container.restart_count
            self.ctx.api.touch(pod)
        # EnsureImageExists runs before every start: the image is there, or pulled again
        # (Always, or an image the pod was updated to), as on the first start.
        self._pull_then_start(runtime, container)

    # probes ------------------------------------------------------------------

    def _schedule_probes(self, runtime, container) -> None:
        kinds = ("startup",) if not container.started else ("liveness", "readiness")
        for kind in kinds:
            probe = container.spec.get(f"{kind}Probe")
            if probe:
                delay = probe.get("initialDelaySeconds", 0) * SECOND
                first = max(delay, 1)
                self.ctx.timeline.call_later(
                    first,
                    self._guarded,
                    self.epoch,
                    self._probe,
                    (runtime, container, kind, container.generation),
                )

    def _probe(self, runtime, container, kind, generation) -> None:
        if container.generation != generation or container.process is None:
            return
        pod = self._pod(runtime)
        if pod is None:
            return
        if runtime.terminating:
            # worker.doProbe: on graceful deletion the liveness and startup workers stop (their
            # last result set to Success), while readiness is probed until the container stops,
            # so the pod's Ready condition and its endpoints' `serving` stay truthful.
            if kind != "readiness":
                return
            container.process.advance(self.ctx.now_ms)  # the termination loop collects exits
            if not container.process.running:
                # "Non-running container probed": Failure, with no event
                if container.ready:
                    container.ready = False
                    self._readiness_changed(pod, runtime, container)
                return
        if not container.reported_running:
            # the prober skips a container whose status is not Running yet (worker.doProbe)
            wait = container.started_ms + PLEG_RELIST_MS - self.ctx.now_ms
            self.ctx.timeline.call_later(
                max(wait, 1),
                self._guarded,
                self.epoch,
                self._probe,
                (runtime, container, kind, generation),
            )
            return
        probe = container.spec[f"{kind}Probe"]
        ok, failure = self._run_probe(runtime, container, probe)
        threshold = probe.get("failureThreshold", 3)
        changed = False
        if ok and kind == "startup":
            # started: the startup probe stops; liveness and readiness probes begin
            container.started = True
            container.ready = "readinessProbe" not in container.spec
            status = self._container_status(pod, container.name)
            if status is not None and "running" in status.get("state", {}):
                status["started"] = True
                status["ready"] = container.ready
            self._update_readiness(pod, runtime)
            self.ctx.api.touch(pod)
            self._schedule_probes(runtime, container)
            if container.sidecar:
                self._init_container_initialized(runtime, container)
            return
        if not ok:
            label = kind.capitalize()
            self._event(
                pod, WARNING, "Unhealthy", f"{label} probe failed: {failure}", container.name
            )
        if kind == "readiness":
            changed = self._readiness_result(container, ok, probe)
        elif ok:
            container.probe_failures[kind] = 0
        else:
            container.probe_failures[kind] += 1
            if container.probe_failures[kind] >= threshold:
                # kuberuntime computePodActions: restarted unless restartPolicy is Never
                # (shouldRestartOnFailure), and the message says so
                restart = pod["spec"].get("restartPolicy", "Always") != "Never"
                message = f"Container {container.name} failed {kind} probe" + (
                    ", will be restarted" if restart else ""
                )
                if container.sidecar:  # computeInitContainerActions: always restarted
                    restart, message = True, f"Init container {container.name} failed {kind} probe"
                self._event(pod, NORMAL, "Killing", message, container.name)
                container.restart_after_kill = restart
                self._kill_for_restart(pod, runtime, container, probe)
                return
        if changed:
            self._readiness_changed(pod, runtime, container)
        period = probe.get("periodSeconds", 10) * SECOND
        self.ctx.timeline.call_later(
            period, self._guarded, self.epoch, self._probe, (runtime, container, kind, generation)
        )

    @staticmethod
    def _readiness_result(container, ok: bool, probe: dict) -> bool:
        """worker.doProbe's thresholds: the container's readiness changes only after
        successThreshold consecutive successes or failureThreshold consecutive failures
        (kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/
        #configure-probes). True if its readiness changed."""
        if container.readiness_last == ok:
            container.readiness_run += 1
        else:
            container.readiness_last, container.readiness_run = ok, 1
        threshold = probe.get("successThreshold", 1) if ok else probe.get("failureThreshold", 3)
        if container.readiness_run < threshold or container.ready == ok:
            return False
        container.ready = ok
        return True

    def _readiness_changed(self, pod, runtime, container) -> None:
        status = self._container_status(pod, container.name)
        if status is not None:
            status["ready"] = container.ready
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)

    def _run_probe(self, runtime, container, probe) -> tuple[bool, str]:
        """One probe, worded as pkg/probe words a failure (the event adds "<Kind> probe failed: ")."""
        process, now = container.process, self.ctx.now_ms
        if "exec" in probe:
            command = probe["exec"].get("command") or []
            timeout_ms = probe.get("timeoutSeconds", 1) * SECOND
            result = process.exec(command, now, timeout_ms)
            if result.timed_out:
                # pkg/kubelet/prober: exec.NewTimeoutError(fmt.Errorf("command %q timed out", ...))
                return False, f"command {_go_quote(' '.join(command))} timed out"
            if result.exit_code == 0:
                return True, ""
            # pkg/probe/exec: a non-zero exit is a failure whose message is the command's
            # combined output, e.g. "cat: can't open '/tmp/healthy': No such file or directory".
            return False, result.output
        ip = runtime.ip or ""
        if "httpGet" in probe:
            get = probe["httpGet"]
            port = _port_number(container.spec, get.get("port"))
            status = process.http_probe(port, get.get("path", "/"), now)
            if status is None:
                # net/http's error for a refused connection, as pkg/probe/http returns it
                return (
                    False,
                    f'Get "http://{ip}:{port}{get.get("path", "/")}": dial tcp {ip}:{port}: connect: connection refused',
                )
            if 200 <= status < 400:
                return True, ""
            return False, f"HTTP probe failed with statuscode: {status}"
        if "tcpSocket" in probe:
            port = _port_number(container.spec, probe["tcpSocket"].get("port"))
            if process.tcp_probe(port, now):
                return True, ""
            return False, f"dial tcp {ip}:{port}: connect: connection refused"
        return True, ""

    def _kill_for_restart(self, pod, runtime, container, probe) -> None:
        """killContainer after a failed liveness or startup probe: the stop signal, then SIGKILL when the
        grace period (the probe's terminationGracePeriodSeconds, else the pod's) runs out.

        `sh` or `sleep` as PID 1 ignores SIGTERM, so the docs' busybox example is restarted
        30 s after the Killing event; a server that handles the signal exits at once."""
        grace_s = probe.get("terminationGracePeriodSeconds")
        if grace_s is None:
            grace_s = pod["spec"].get("terminationGracePeriodSeconds", 30)
        self._stop_for_restart(runtime, container, grace_s)

    def _stop_for_restart(self, runtime, container, grace_s: int) -> None:
        """The image's stop signal now, SIGKILL if it still runs after grace_s seconds."""
        now = self.ctx.now_ms
        container.generation += 1  # stops this instance's probes and process timers
        container.process.terminate(now)
        self._schedule_process(runtime, container)
        self._later(
            max(grace_s * SECOND, 1),
            self._liveness_deadline,
            runtime,
            container,
            container.generation,
        )

    def _liveness_deadline(self, runtime, container, generation) -> None:
        if container.generation != generation or container.process is None:
            return  # it stopped by itself within the grace period
        pod = self._pod(runtime)
        if pod is None or runtime.terminating:
            return
        container.process.kill(self.ctx.now_ms)
        self._container_exited(pod, runtime, container, SimpleNamespace(kind="exit", exit_code=137))

    # readiness and phase -------------------------------------------------------------

    def _update_readiness(self, pod: dict, runtime: PodRuntime) -> None:
        now = self.ctx.now_ms
        if pod["status"].get("phase") in podutil.TERMINAL_PHASES:
            # pkg/kubelet/status generate.go: a terminal pod is not ready, reason PodCompleted;
            # its sandbox is gone, so PodReadyToStartContainers turns False too.
            podutil.set_condition(pod, "PodReadyToStartContainers", "False", now)
            podutil.set_condition(pod, "ContainersReady", "False", now, "PodCompleted")
            podutil.set_condition(pod, "Ready", "False", now, "PodCompleted")
            if runtime.init_containers:
                set_initialized_condition(pod, now)
            self._sort_conditions(pod)
            return
        containers = runtime.containers
        if runtime.init_containers:
            set_initialized_condition(pod, now)
            containers = runtime.sidecars + containers  # GenerateContainersReadyCondition
        unready = [
            c.name
            for c in containers
            if not (c.ready and c.process is not None and c.reported_running)
        ]
        if unready:
            message = f"containers with unready status: [{' '.join(unready)}]"
            podutil.set_condition(
                pod, "ContainersReady", "False", now, "ContainersNotReady", message
            )
            podutil.set_condition(pod, "Ready", "False", now, "ContainersNotReady", message)
        else:
            podutil.set_condition(pod, "ContainersReady", "True", now)
            podutil.set_condition(pod, "Ready", "True", now)
        self._sort_conditions(pod)

    @staticmethod
    def _sort_conditions(pod: dict) -> None:
        order = [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled",
        ]
        pod["status"]["conditions"].sort(
            key=lambda c: order.index(c["type"]) if c["type"] in order else 99
        )

    def _update_phase(self, pod: dict, runtime: PodRuntime, restarting: bool = False) -> None:
        """The kubelet's getPhase (pkg/kubelet/kubelet_pods.go, in kubelet_init)."""
        if pod["status"].get("phase") in podutil.TERMINAL_PHASES:
            return  # pods never leave a terminal phase
        # HasAnyActiveRegularContainerStarted: the app containers' turn came in this sandbox
        phase = get_phase(pod, runtime.next_init >= len(runtime.init_containers))
        if phase in podutil.TERMINAL_PHASES and (
            restarting or (runtime.sidecars and any(c.process for c in runtime.sidecars))
        ):
            # the status manager keeps the old phase while containers may still run
            # (mergePodStatus, couldHaveRunningContainers): a container about to restart is
            # one of them, and so is a sidecar not stopped yet
            return
        pod["status"]["phase"] = phase
        if phase in podutil.TERMINAL_PHASES:
            self.admitted.discard(runtime.uid)  # filterOutInactivePods
            # A finished pod's sandbox is killed, the CNI plugin's DEL frees its IP; the
            # status keeps podIP (a Job's completed pods would otherwise fill the range).
            self._release_ip(runtime)

    def _release_ip(self, runtime: PodRuntime) -> None:
        if runtime.ip is not None and not runtime.ip_released:
            self.network.release_pod_ip(self.node_name, runtime.ip)
            runtime.ip_released = True

    # termination ---------------------------------------------------------------------

    def _start_termination(self, pod: dict, runtime: PodRuntime) -> None:
        """SIGTERM every container; whatever still runs when the grace period ends gets SIGKILL."""
        runtime.terminating = True
        grace_ms = pod["metadata"].get("deletionGracePeriodSeconds", 30) * SECOND
        now = self.ctx.now_ms
        for container in runtime.all_containers:
            if container.process is None:
                continue
            self._event(
                pod, NORMAL, "Killing", f"Stopping container {container.name}", container.name
            )
            if not container.sidecar:  # sidecars wait for their turn (kubelet_init)
                container.process.terminate(now)
        self._later(1, self._await_stop, runtime, now + grace_ms)

    def _await_stop(self, runtime: PodRuntime, deadline_ms: int) -> None:
        now = self.ctx.now_ms
        running = []
        for container in runtime.all_containers:
            process = container.process
            if process is None:
                continue
            process.advance(now)
            if process.exit_code is None:
                running.append(container)
        if runtime.sidecars and running:
            self._signal_next_sidecar(runtime, running)
        if not running:
            self._finish_termination(runtime)
            return
        if now >= deadline_ms:
            for container in running:
                container.process.kill(now)
            self._finish_termination(runtime)
            return
        due = min((c.process.next_event_ms() or deadline_ms) for c in running)
        self._later(max(min(due, deadline_ms) - now, 1), self._await_stop, runtime, deadline_ms)

    def _finish_termination(self, runtime: PodRuntime) -> None:
        pod = self._pod(runtime)
        self._forget(runtime.uid)
        if pod is None:
            return
        if not runtime.ip_released:
            self.network.release_pod_ip(self.node_name, pod["status"].get("podIP"))
        self.ctx.api.delete("Pod", runtime.namespace, runtime.name, grace_seconds=0)

    # status helpers -------------------------------------------------------------------

    def _waiting_status(self, container: ContainerRuntime, reason: str, previous=None) -> dict:
        status = {
            "image": container.spec.get("image", ""),
            "imageID": "",
            "lastState": (previous or {}).get("lastState", {}),
            "name": container.name,
            "ready": False,
            "restartCount": container.restart_count,
            "started": False,
            "state": {"waiting": {"reason": reason}},
        }
        return status

    def _container_status(self, pod: dict, name: str) -> dict | None:
        for status in pod["status"].get("containerStatuses") or ():
            if status["name"] == name:
                return status
        for status in pod["status"].get("initContainerStatuses") or ():
            if status["name"] == name:
                return status
        return None

    def _replace_container_status(self, pod: dict, new_status: dict) -> None:
        field = (
            "initContainerStatuses"
            if _is_init_container(pod, new_status["name"])
            else "containerStatuses"
        )
        statuses = pod["status"].setdefault(field, [])
        for index, status in enumerate(statuses):
            if status["name"] == new_status["name"]:
                statuses[index] = new_status
                return
        statuses.append(new_status)

    def _set_waiting(
        self, pod: dict, container: ContainerRuntime, reason: str, message: str
    ) -> None:
        status = self._container_status(pod, container.name)
        if status is None:
            status = self._waiting_status(container, reason)
            self._replace_container_status(pod, status)
        status["state"] = {"waiting": {"message": message, "reason": reason}}
        self.ctx.api.touch(pod)

    # reads for kubectl --------------------------------------------------------------

    def usage(self, pod: dict) -> tuple[int, int] | None:
        runtime = self.pods.get(pod["metadata"]["uid"])
        if runtime is None:
            return None
        running = [
            c.process
            for c in runtime.all_containers
            if c.process is not None and c.reported_running
        ]
        if not running:
            return None
        now = self.ctx.now_ms
        return sum(p.cpu_millis(now) for p in running), sum(p.memory_bytes(now) for p in running)

    def _listener_in(self, runtime, port: int, asking) -> ContainerProcess | None:
        """Another running container of the pod listening on `port`: the pod's containers
        share one network namespace, so localhost reaches them too."""
        now = self.ctx.now_ms
        for container in runtime.all_containers:
            process = container.process
            if (
                process is not None
                and process is not asking
                and process.exit_code is None
                and port in process.listening_ports(now)
            ):
                return process
        return None

    def serving_process(self, pod: dict, port: int) -> ContainerProcess | None:
        """The running container process of the pod that listens on `port`, if any: where
        a connection kube-proxy sends to the pod's IP and port lands."""
        if not self.powered:
            return None
        runtime = self.pods.get(pod["metadata"]["uid"])
        if runtime is None:
            return None
        now = self.ctx.now_ms
        for container in runtime.all_containers:
            process = container.process
            if (
                process is not None
                and process.exit_code is None
                and port in process.listening_ports(now)
            ):
                return process
        return None

    def answer_http(
        self, ip: str, port: int, path: str, now_ms: int, client: str
    ) -> HttpResponse | None:
        """A connection from another pod to one of this node's pod IPs; None: refused."""
        if not self.powered:
            return None
        for runtime in self.pods.values():
            if runtime.ip != ip or runtime.ip_released:
                continue
            for container in runtime.all_containers:
                process = container.process
                if process is not None and process.exit_code is None:
                    answer = process.answer_http(port, path, now_ms, client)
                    if answer is not None:
                        return answer
            return None
        return None

    def logs(self, pod: dict, container_name: str, previous: bool = False) -> list[str] | None:
        """Log lines of the container's current (or last) instance, or of the one before it.

        None when there is no such instance (never started, or the node lost it)."""
        runtime = self.pods.get(pod["metadata"]["uid"])
        if runtime is None:
            return None
        for container in runtime.all_containers:
            if container.name == container_name:
                process = container.previous_process if previous else container.last_process
                return None if process is None else [line for _, line in process.logs()]
        return None


def _succeeded(status: dict | None) -> bool:
    """containerSucceeded: the container's last instance exited 0."""
    terminated = ((status or {}).get("state") or {}).get("terminated")
    if terminated is None:
        terminated = ((status or {}).get("lastState") or {}).get("terminated")
    return bool(terminated) and terminated.get("exitCode") == 0


def _is_init_container(pod: dict, name: str) -> bool:
    """Container names are unique across a pod's init and app containers."""
    inits = pod["spec"].get("initContainers")
    return bool(inits) and any(c["name"] == name for c in inits)


def _internal_ip(node: dict) -> str:
    for address in node["status"].get("addresses") or ():
        if address["type"] == "InternalIP":
            return address["address"]
    return ""


def _port_number(container_spec: dict, port) -> int:
    if isinstance(port, int):
        return port
    for item in container_spec.get("ports", []):
        if item.get("name") == port:
            return item["containerPort"]
    try:
        return int(port)
    except (TypeError, ValueError):
        return 0


def _go_quote(text: str) -> str:
    """Go's %q for the plain strings probe messages quote."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _go_seconds(ms: int) -> str:
    """Go's time.Duration String for the pull message: `3.2s`, `512ms`."""
    return _go_duration(ms)


def _go_duration(ms: int) -> str:
    if ms < 1000:
        return f"{ms}ms"
    seconds = ms / 1000
    if seconds < 60:
        text = f"{seconds:.3f}".rstrip("0").rstrip(".")
        return f"{text}s"
    minutes, rest = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{rest}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes}m{rest}s"
