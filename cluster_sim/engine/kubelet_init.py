"""Init containers and native sidecars: how the kubelet initializes a pod.

kubernetes.io/docs/concepts/workloads/pods/init-containers/: init containers run one at a
time, in order, each to success before the next starts; the app containers start once all
have succeeded. A failed one is restarted with the crash back-off, unless the pod's
restartPolicy is Never: then the pod fails.

kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/: an init container with
`restartPolicy: Always` (a native sidecar) is started in its turn, and the next one starts
once it has started (its startupProbe passed, if any). It keeps running alongside the app
containers, is restarted whenever it exits, counts in READY, and does not keep a finished
pod alive: once the app containers are done for good, the sidecars are stopped, last first.

Upstream: pkg/kubelet/kuberuntime/kuberuntime_container.go (computeInitContainerActions),
kuberuntime_manager.go (computePodActions), pkg/kubelet/kubelet_pods.go (getPhase) and
pkg/kubelet/status/generate.go (GeneratePodInitializedCondition).
"""

import copy

from . import podutil
from .events import NORMAL
from .timefmt import SECOND

# convertToAPIContainerStatuses: the waiting reason of every container of a pod that has
# init containers until it is created (ContainerCreating for the others).
POD_INITIALIZING = "PodInitializing"
MINIMUM_GRACE_S = 2  # kuberuntime minimumGracePeriodInSeconds


def is_sidecar(container_spec: dict) -> bool:
    """podutil.IsRestartableInitContainer: an init container with restartPolicy Always."""
    return container_spec.get("restartPolicy") == "Always"


# --- status, as the kubelet computes it from the container statuses ------------------------


def get_phase(pod: dict, pod_has_initialized: bool) -> str:
    """getPhase (pkg/kubelet/kubelet_pods.go): the pod phase from its containers' statuses.
    Terminated sidecars do not count; a failed regular init container fails a pod whose
    restartPolicy is Never; a pending one keeps it Pending."""
    spec, status = pod["spec"], pod["status"]
    pending_sidecars = pending_init = failed_init = 0
    unknown = running = waiting = stopped = succeeded = 0
    init_specs = spec.get("initContainers")
    if init_specs:
        by_name = {s["name"]: s for s in status.get("initContainerStatuses") or ()}
        for container in init_specs:
            cs = by_name.get(container["name"])
            state = (cs or {}).get("state") or {}
            last = ((cs or {}).get("lastState") or {}).get("terminated")
            if is_sidecar(container):
                if cs is None:
                    unknown += 1
                elif "running" in state:
                    pending_sidecars += not cs.get("started")
                    running += 1
                elif "terminated" in state:
                    pass  # a terminated sidecar does not count for the phase
                elif "waiting" in state:
                    if not last:
                        pending_sidecars += 1
                        waiting += 1
                else:
                    pending_sidecars += 1
                    unknown += 1
            elif "terminated" in state:
                failed_init += state["terminated"].get("exitCode") != 0
            elif "waiting" in state and last:
                failed_init += last.get("exitCode") != 0
            else:  # no status yet, running, or waiting for its first start
                pending_init += 1
    by_name = {s["name"]: s for s in status.get("containerStatuses") or ()}
    for container in spec.get("containers", []):
        cs = by_name.get(container["name"])
        state = (cs or {}).get("state") or {}
        if "running" in state:
            running += 1
        elif "terminated" in state:
            stopped += 1
            succeeded += state["terminated"].get("exitCode") == 0
        elif "waiting" in state:
            # a container waiting to restart after it ran counts as stopped, not waiting: a
            # pod in CrashLoopBackOff is Running even if no instance was ever seen running
            if ((cs or {}).get("lastState") or {}).get("terminated"):
                stopped += 1
            else:
                waiting += 1
        else:
            unknown += 1
    policy = spec.get("restartPolicy", "Always")
    if failed_init and policy == "Never":
        return "Failed"
    if pending_init or (pending_sidecars and not pod_has_initialized) or waiting:
        return "Pending"
    if running and not unknown:
        return "Running"
    if stopped and not unknown:
        if policy == "Always":
            return "Running"  # all containers are in the process of restarting
        if stopped == succeeded:
            return "Succeeded"
        if policy == "Never":
            return "Failed"
        return "Running"  # OnFailure: restarting the failed ones
    return "Pending"


def has_any_regular_container_started(pod: dict) -> bool:
    """HasAnyRegularContainerStarted: an app container runs or ran, so the pod initialized."""
    for cs in pod["status"].get("containerStatuses") or ():
        state = cs.get("state") or {}
        if "running" in state or "terminated" in state:
            return True
    return False


def initialized_condition(pod: dict) -> tuple[str, str | None, str | None]:
    """GeneratePodInitializedCondition: (status, reason, message) of `Initialized`. A regular
    init container counts once it succeeded (its status `ready`), a sidecar once `started`."""
    status = pod["status"]
    by_name = {s["name"]: s for s in status.get("initContainerStatuses") or ()}
    unknown: list[str] = []
    incomplete: list[str] = []
    for container in pod["spec"].get("initContainers") or ():
        cs = by_name.get(container["name"])
        if cs is None:
            unknown.append(container["name"])
        elif not cs.get("started" if is_sidecar(container) else "ready"):
            incomplete.append(container["name"])
    if status.get("phase") == "Succeeded" and not unknown:
        return "True", "PodCompleted", None
    if has_any_regular_container_started(pod):
        return "True", None, None
    messages = []
    if unknown:
        messages.append(f"containers with unknown status: [{' '.join(unknown)}]")
    if incomplete:
        messages.append(f"containers with incomplete status: [{' '.join(incomplete)}]")
    if messages:
        return "False", "ContainersNotInitialized", ", ".join(messages)
    return "True", None, None


def set_initialized_condition(pod: dict, now_ms: int) -> None:
    status, reason, message = initialized_condition(pod)
    podutil.set_condition(pod, "Initialized", status, now_ms, reason, message)


def restarts_after_exit(pod: dict, container, exit_code: int, finishing: bool) -> bool:
    """Whether an init container that exited is started again: a sidecar always, unless the
    pod is being finished; a regular one only after a failure, and not under restartPolicy
    Never (computeInitContainerActions, shouldRestartOnFailure)."""
    if container.sidecar:
        return not finishing
    return exit_code != 0 and pod["spec"].get("restartPolicy", "Always") != "Never"


# --- the kubelet's actions ------------------------------------------------------------------


class InitContainerActions:
    """The kubelet's init container steps (a mixin of kubelet.Kubelet, whose helpers it uses):
    start the init containers in turn, then the app containers; keep sidecars running; stop
    them when the pod is done."""

    def _start_initialization(self, pod: dict, runtime, restarted: bool, to_start) -> None:
        """computePodActions on a new sandbox: only the first init container starts. A sandbox
        re-created after a reboot runs every init container again, then `to_start`."""
        status = pod["status"]
        runtime.next_init = 0
        runtime.finishing = False
        runtime.app_to_start = to_start
        if not restarted:
            status["initContainerStatuses"] = [
                self._waiting_status(c, POD_INITIALIZING) for c in runtime.init_containers
            ]
            status["containerStatuses"] = [
                self._waiting_status(c, POD_INITIALIZING) for c in runtime.containers
            ]
        self._update_phase(pod, runtime)
        self._update_readiness(pod, runtime)
        self.ctx.api.touch(pod)
        self._start_init(runtime, 0)

    def _start_init(self, runtime, index: int) -> None:
        container = runtime.init_containers[index]
        if container.process is not None:
            return  # a sidecar still running from before (nothing to start)
        if container.container_id and not container.restart_pending:
            container.restart_count += 1  # ran in the sandbox before: this is a new attempt
        container.start_pending, container.restart_pending = True, False
        self._pull_then_start(runtime, container)

    def _init_container_initialized(self, runtime, container) -> None:
        """The init container succeeded (a sidecar: started). The pod's next sync starts the
        next one, or the app containers after the last. A sidecar that restarts after the pod
        initialized starts nothing new ("!isPreviouslyInitialized")."""
        index = runtime.init_containers.index(container)
        if index != runtime.next_init:
            return
        runtime.next_init = index + 1
        self._later(1, self._continue_initialization, runtime, runtime.next_init)

    def _continue_initialization(self, runtime, index: int) -> None:
        pod = self._pod(runtime)
        if pod is None or runtime.terminating or runtime.finishing:
            return
        if pod["status"].get("phase") in podutil.TERMINAL_PHASES:
            return
        if index < len(runtime.init_containers):
            self._start_init(runtime, index)
            return
        restarted = runtime.app_to_start is not None
        self._start_app_containers(pod, runtime, restarted, runtime.app_to_start, POD_INITIALIZING)

    @staticmethod
    def _initialized(runtime) -> bool:
        """Every init container has succeeded (sidecars: started) in this sandbox."""
        return runtime.next_init >= len(runtime.init_containers)

    def _after_init_pod_exit(self, pod: dict, runtime, container, exit_code: int) -> None:
        """A container of a pod with init containers exited (its status is written)."""
        if container.init and not container.sidecar and exit_code == 0:
            self._init_container_initialized(runtime, container)
        if runtime.terminating:
            return
        if runtime.finishing:
            if container.sidecar:
                self._stop_next_sidecar(pod, runtime)
            return
        if not any(c.process is not None or c.restart_pending for c in runtime.sidecars):
            return
        initialized = self._initialized(runtime)
        done = get_phase(pod, initialized) in podutil.TERMINAL_PHASES or (
            initialized
            and all(c.process is None and not c.start_pending for c in runtime.containers)
        )
        if done:
            self._finish_pod(pod, runtime)

    def _finish_pod(self, pod: dict, runtime) -> None:
        """computePodActions' KillPod: the app containers are done for good (or initialization
        failed under restartPolicy Never), so the sidecars must not keep the pod alive: they
        stop, in the reverse order of their definition (kuberuntime_termination_order.go).

        killContainer records "Stopping container X" for each of them at once; each then
        waits for its turn, which the pod's grace period bounds (waitForTurn)."""
        runtime.finishing = True
        runtime.finish_started_ms = self.ctx.now_ms
        for container in runtime.sidecars:
            if container.process is not None:
                self._event(
                    pod, NORMAL, "Killing", f"Stopping container {container.name}", container.name
                )
            elif container.start_pending:
                container.attempt += 1  # its pending restart is called off
                container.start_pending = container.restart_pending = False
        if not self._stop_next_sidecar(pod, runtime):
            self._update_phase(pod, runtime)  # no sidecar runs: the pod is done now
            self._update_readiness(pod, runtime)
            self.ctx.api.touch(pod)

    def _stop_next_sidecar(self, pod: dict, runtime) -> bool:
        """The stop signal to the last sidecar still running, SIGKILL after what is left of
        the grace period (in whole seconds, at least minimumGracePeriodInSeconds); its exit
        stops the one before it. False: none runs."""
        for container in reversed(runtime.sidecars):
            if container.process is not None:
                waited_s = (self.ctx.now_ms - runtime.finish_started_ms) // SECOND
                grace_s = pod["spec"].get("terminationGracePeriodSeconds", 30) - waited_s
                self._stop_for_restart(runtime, container, max(grace_s, MINIMUM_GRACE_S))
                return True
        return False

    def _check_init_definitions(self, pod: dict, runtime) -> None:
        """An update of an init container's image: a sidecar that runs is killed and started
        from the new image ("Init container X definition changed"); a container on its way
        to a start takes the new image at once; a finished one keeps its old run."""
        specs = {c["name"]: c for c in pod["spec"].get("initContainers") or ()}
        for container in runtime.init_containers:
            spec = specs.get(container.name)
            if spec is None or spec.get("image") == container.spec.get("image"):
                continue
            container.spec = copy.deepcopy(spec)
            container.backoff_ms = container.image_backoff_ms = 0
            if container.process is None:
                if container.start_pending and not runtime.terminating:
                    self._start_new_image(runtime, container)
            elif container.sidecar:
                self._event(
                    pod,
                    NORMAL,
                    "Killing",
                    f"Init container {container.name} definition changed",
                    container.name,
                )
                container.restart_after_kill = True
                self._stop_for_restart(
                    runtime, container, pod["spec"].get("terminationGracePeriodSeconds", 30)
                )

    def _signal_next_sidecar(self, runtime, running: list) -> None:
        """Pod deletion: the sidecars get their stop signal only once the other containers
        have stopped, the last sidecar first (kubernetes.io sidecar-containers: "shut down
        in the opposite order of their appearance in the Pod specification")."""
        if not running or any(not c.sidecar for c in running):
            return
        last = running[-1]  # `running` is in the order of the pod's definition
        signalled = runtime.signalled if runtime.signalled is not None else set()
        runtime.signalled = signalled
        if last.name in signalled:
            return
        signalled.add(last.name)
        last.process.terminate(self.ctx.now_ms)
