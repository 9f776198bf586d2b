"""A running container, driven entirely by simulated time.

    proc = ContainerProcess(ref.info, command=None, args=None, env={}, started_ms=t,
                            rng=cluster_rng, memory_limit_bytes=None, cpu_limit_millis=None)
    proc.next_event_ms()      # when something next happens by itself (None: never)
    proc.advance(now_ms)      # what happened up to now: [Output(at_ms, kind, ...)]
    proc.exec_probe(["cat", "/tmp/healthy"], now_ms)   # exit status
    proc.http_probe(8080, "/healthz", now_ms)          # status, None if refused
    proc.terminate(now_ms); proc.kill(now_ms)          # stop signal, then SIGKILL

Determinism: the constructor draws exactly one number from the `rng` it is given and
seeds a private generator with it; nothing reads wall time. Queries (logs, probes,
metrics) at a time T first bring the process up to T, then answer; asking the same
questions at the same times always gives the same answers, however the caller slices
its calls to `advance`. Time must not go backwards: calls at an earlier time than one
already seen are treated as happening at that later time.

An `Output` of kind "oom" (exit code 137) means memory use crossed memory_limit_bytes:
the kubelet reports reason OOMKilled. Kind "exit" carries the exit code of a normal end
(reason Completed when 0, else Error).
"""

import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace

from . import apps
from .catalogue import ImageInfo
from .environment import Environment
from .filesystem import Filesystem, FsError, Volume
from .launcher import ContainerStartError, check_start, container_argv, exec_error, spawn
from .network import Network, StubNetwork
from .program import (
    Capture,
    Context,
    Cpu,
    Exit,
    HttpRequest,
    HttpResponse,
    Listen,
    Log,
    LogStream,
    Memory,
    Sleep,
    Sync,
    Unlisten,
)
from .tools import lookup

__all__ = ["ContainerProcess", "ContainerStartError", "ExecResult", "Output"]

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MAX_SILENT_STEPS = 1000  # run-ahead steps without an observable effect before a pause
MAX_LOG_LINES = 10_000  # lines kept for logs(); older ones rotate away like kubelet's
CPU_WINDOW_MS = 10_000  # request CPU is averaged over this window (cAdvisor-like rate)
DEFAULT_EXEC_TIMEOUT_MS = 600_000
EXEC_NOT_RUNNING = "container not running"
FOREVER_MS = 1 << 62


@dataclass(frozen=True)
class Output:
    at_ms: int
    kind: str  # "log" | "exit" | "oom"
    text: str | None = None
    exit_code: int | None = None
    stream: str = "stdout"


@dataclass(frozen=True)
class ExecResult:
    exit_code: int
    output: str  # stdout and stderr, interleaved
    duration_ms: int
    error: str = ""  # set when the command could not start at all (probe "errored")
    timed_out: bool = False


class ContainerProcess:
    def __init__(
        self,
        info: ImageInfo,
        command: list[str] | None = None,
        args: list[str] | None = None,
        env: dict[str, str] | None = None,
        started_ms: int = 0,
        rng: random.Random | None = None,
        memory_limit_bytes: int | None = None,
        cpu_limit_millis: int | None = None,
        *,
        hostname: str = "localhost",
        pod_ip: str = "10.244.0.2",
        volumes: dict[str, Volume] | None = None,
        files: dict[str, str] | None = None,
        network: Network | None = None,
        node_cpus: int = 2,
    ):
        self.info = info
        self.argv = container_argv(info, command, args)
        check_start(info, self.argv)
        seed = (rng if rng is not None else random.Random(0)).getrandbits(64)
        self._seed = seed
        private = random.Random(seed)
        self.started_ms = started_ms
        self.memory_limit_bytes = memory_limit_bytes
        self.cpu_limit_millis = cpu_limit_millis
        jitter = private.randint(-info.startup_ms // 5, info.startup_ms // 5)
        self.ready_after_ms = max(0, info.startup_ms + jitter)
        # the container's variables over the image's defaults, without copying them (a
        # pod's Service variables are shared by every container of its namespace)
        defaults = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname, "HOME": "/root"}
        environ = (
            env.with_defaults(defaults)
            if isinstance(env, Environment)
            else Environment(dict(env or {}), None, defaults)
        )
        self.fs = Filesystem(
            files={
                **_base_files(info, hostname, pod_ip),
                **apps.image_files(info),
                **(files or {}),
            },
            mounts=volumes,
        )
        self._clock = started_ms
        self._ctx = Context(
            info=info,
            env=environ,
            fs=self.fs,
            rng=private,
            network=network if network is not None else StubNetwork(),
            clock=lambda: self._clock,
            started_ms=started_ms,
            hostname=hostname,
            pod_ip=pod_ip,
            cpu_limit_millis=cpu_limit_millis,
            memory_limit_bytes=memory_limit_bytes,
            ready_after_ms=self.ready_after_ms,
            node_cpus=node_cpus,
            argv=tuple(self.argv),
            stdout=LogStream("stdout"),
            stderr=LogStream("stderr"),
        )
        self._ctx.spawn = spawn
        self._ctx.log_now = self._log_now
        self._ctx.local_http = self._local_http
        self._ctx.local_tcp = self._local_tcp
        self._program = self._main(self._ctx)
        self._pending: tuple[int | None, object] | None = None
        self._pulling = False  # the program is running (a request to itself must not re-enter)
        # The pod's other containers share its network namespace: localhost reaches their
        # listeners too. The kubelet sets this to find the pod's process on a port.
        self.pod_loopback: Callable[[int, ContainerProcess], ContainerProcess | None] | None = None
        self._applied_ms = started_ms
        self._outputs: list[Output] = []
        # Log lines also come back from advance() unless the caller reads them from the log
        # file only (the kubelet does: a long-running server's probe requests would pile up).
        self.stream_logs = True
        self._logs: deque[tuple[int, str]] = deque(maxlen=MAX_LOG_LINES)
        self._listeners: dict[int, Listen] = {}
        self._memory = 0
        self._cpu = 0
        self._busy: deque[list[int]] = deque()
        self._requests: deque[tuple[int, int]] = deque()
        self._exec_count = 0
        self._now = started_ms  # time of the request being served (for log_now)
        self.exit_code: int | None = None
        self.finished_ms: int | None = None
        self.reason: str | None = None  # Completed | Error | OOMKilled
        self.internal_error: BaseException | None = None  # a simulator bug, kept for tests

    # -- the program ------------------------------------------------------------------
    def _main(self, ctx: Context):
        status = yield from spawn(ctx, self.argv)
        yield from ctx.stdout.flush()
        yield from ctx.stderr.flush()
        yield Exit(status or 0)

    def _pull(self) -> None:
        """Run the program (ahead of the clock, privately) to its next observable effect."""
        self._pulling = True
        try:
            self._pull_program()
        finally:
            self._pulling = False

    def _pull_program(self) -> None:
        steps = 0
        start = self._clock
        while True:
            try:
                item = next(self._program)
            except StopIteration:
                item = Exit(0)
            except Exception as error:  # a simulator bug must not take the cluster down
                self.internal_error = error
                self._program = _crashed()
                line = f"clusterlab: internal simulator error: {type(error).__name__}: {error}"
                self._pending = (self._clock, Log(line, "stderr"))
                return
            if isinstance(item, Sleep):
                if item.ms is None:
                    if item.busy:
                        self._record_busy(self._clock, FOREVER_MS)
                    self._pending = (None, item)
                    return
                ms = max(int(item.ms), 0)
                if item.busy and ms:
                    self._record_busy(self._clock, self._clock + ms)
                self._clock += ms
                steps += 1
                if steps >= MAX_SILENT_STEPS:
                    if self._clock == start:
                        self._clock += 1
                    self._pending = (self._clock, Sync())
                    return
                continue
            self._pending = (self._clock, item)
            return

    def _record_busy(self, start: int, end: int) -> None:
        if self._busy and self._busy[-1][1] >= start:
            self._busy[-1][1] = max(self._busy[-1][1], end)
        else:
            self._busy.append([start, end])

    def _run_until(self, now: int) -> int:
        now = max(now, self._applied_ms)
        while self.exit_code is None:
            if self._pending is None:
                self._pull()
            at, effect = self._pending
            if at is None or at > now:
                break
            self._pending = None
            self._apply(at, effect)
        self._applied_ms = now
        return now

    def _apply(self, at: int, effect: object) -> None:
        if isinstance(effect, Log):
            self._record_log(at, effect.text, effect.stream)
        elif isinstance(effect, Exit):
            self._finish(at, effect.code, "Completed" if effect.code == 0 else "Error")
        elif isinstance(effect, Listen):
            self._listeners[effect.port] = effect
        elif isinstance(effect, Unlisten):
            self._listeners.pop(effect.port, None)
        elif isinstance(effect, Memory):
            self._memory = effect.bytes
            if self.memory_limit_bytes is not None and effect.bytes > self.memory_limit_bytes:
                self._finish(at, 137, "OOMKilled", kind="oom")
        elif isinstance(effect, Cpu):
            self._cpu = effect.millis

    def _record_log(self, at: int, text: str, stream: str = "stdout") -> None:
        self._logs.append((at, text))
        if self.stream_logs:
            self._outputs.append(Output(at, "log", text=text, stream=stream))

    def _finish(self, at: int, code: int, reason: str, kind: str = "exit") -> None:
        if self.exit_code is not None:
            return
        self.exit_code = code
        self.finished_ms = at
        self.reason = reason
        self._listeners.clear()
        self._pending = None
        self._program.close()
        self._outputs.append(Output(at, kind, exit_code=code))
        while self._busy and self._busy[-1][0] >= at:
            self._busy.pop()
        if self._busy and self._busy[-1][1] > at:
            self._busy[-1][1] = at

    # -- the kubelet's API ----------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.exit_code is None

    def next_event_ms(self) -> int | None:
        """When the next output is due. It may be a time already reached when outputs
        are waiting to be collected (a probe or a query brought the process there)."""
        if self._pending is None and self.exit_code is None:
            self._run_until(self._applied_ms)
        if self._outputs:
            return self._outputs[0].at_ms
        if self.exit_code is not None or self._pending is None:
            return None
        return self._pending[0]

    def advance(self, now_ms: int) -> list[Output]:
        self._run_until(now_ms)
        outputs, self._outputs = self._outputs, []
        return outputs

    def logs(self) -> list[tuple[int, str]]:
        """Every log line so far (the last MAX_LOG_LINES), with its time."""
        return list(self._logs)

    def listening_ports(self, now_ms: int) -> set[int]:
        self._run_until(now_ms)
        return set(self._listeners)

    def http_get(
        self,
        port: int,
        path: str,
        now_ms: int,
        client: str = "10.244.0.1",
        user_agent: str = "kube-probe/1.34",
    ) -> HttpResponse | None:
        """An HTTP GET to the container; None when nothing answers HTTP on that port."""
        now = self._run_until(now_ms)
        listener = self._listeners.get(port)
        if listener is None or listener.handler is None:
            return None
        host = f"{self._ctx.pod_ip}:{port}"
        request = HttpRequest(path or "/", "GET", client, user_agent, host, now)
        self._now = now
        response = listener.handler(request)
        if response.cpu_ms:
            self._requests.append((now, response.cpu_ms))
        return response

    def answer_http(
        self, port: int, path: str, now_ms: int, client: str, user_agent: str = "Wget"
    ) -> HttpResponse | None:
        """A request from another pod. A pod reaching itself through a Service arrives while
        its own program is running: its listener answers as it stands (hairpin traffic)."""
        if self._pulling:
            listener = self._listeners.get(port)
            if listener is None or listener.handler is None:
                return None
            return listener.handler(
                HttpRequest(
                    path or "/",
                    "GET",
                    client,
                    user_agent,
                    f"{self._ctx.pod_ip}:{port}",
                    self._clock,
                )
            )
        return self.http_get(port, path, now_ms, client=client, user_agent=user_agent)

    def http_probe(self, port: int, path: str, now_ms: int) -> int | None:
        response = self.http_get(port, path, now_ms)
        return None if response is None else response.status

    def tcp_probe(self, port: int, now_ms: int) -> bool:
        self._run_until(now_ms)
        return port in self._listeners

    def grpc_probe(self, port: int, now_ms: int, service: str = "") -> bool:
        """True when a gRPC health service answers SERVING on the port."""
        self._run_until(now_ms)
        listener = self._listeners.get(port)
        return listener is not None and listener.protocol == "grpc"

    def exec(self, argv: list[str], now_ms: int, timeout_ms: int | None = None) -> ExecResult:
        """Run a command in the container (kubectl exec, exec probes, lifecycle hooks).

        It runs atomically at now_ms against the container's filesystem and environment;
        its own sleeps only lengthen `duration_ms` (capped by timeout_ms)."""
        now = self._run_until(now_ms)
        if self.exit_code is not None:
            return ExecResult(126, "", 0, error=EXEC_NOT_RUNNING)
        if not argv or lookup(self.info, argv[0]) is None:
            message = (
                "OCI runtime exec failed: exec failed: unable to start container process: "
                + exec_error(argv[0] if argv else "")
                + ": unknown"
            )
            return ExecResult(127, message, 0, error=message)
        self._exec_count += 1
        limit = DEFAULT_EXEC_TIMEOUT_MS if timeout_ms is None else timeout_ms
        clock = [now]
        capture = Capture()
        ctx = replace(
            self._ctx,
            clock=lambda: clock[0],
            rng=random.Random(self._seed ^ (now * 1_000_003) ^ self._exec_count),
            stdout=capture,
            stderr=capture,
            on_signal=None,
        )
        program = spawn(ctx, list(argv))
        status, timed_out = 0, False
        try:
            while True:
                item = next(program)
                if isinstance(item, Sleep):
                    if item.ms is None or clock[0] + item.ms - now > limit:
                        timed_out = True
                        clock[0] = now + limit
                        break
                    clock[0] += max(int(item.ms), 0)
                elif isinstance(item, Exit):
                    status = item.code
                    break
        except StopIteration as stop:
            status = stop.value or 0
        except Exception as error:  # a simulator bug: report it, keep the cluster alive
            self.internal_error = error
            status = 1
        finally:
            program.close()
        return ExecResult(
            124 if timed_out else status, capture.text, clock[0] - now, timed_out=timed_out
        )

    def exec_probe(self, argv: list[str], now_ms: int, timeout_ms: int | None = None) -> int:
        return self.exec(argv, now_ms, timeout_ms).exit_code

    def memory_bytes(self, now_ms: int) -> int:
        now = self._run_until(now_ms)
        if self.exit_code is not None:
            return 0
        noise = 1 + (self._noise(now, 1) - 0.5) * 0.03
        value = int(self._memory * noise)
        if self.memory_limit_bytes is not None:
            value = min(value, self.memory_limit_bytes)
        return value

    def cpu_millis(self, now_ms: int) -> int:
        now = self._run_until(now_ms)
        if self.exit_code is not None:
            return 0
        while self._busy and self._busy[0][1] <= now:
            self._busy.popleft()
        busy = 1000 if self._busy and self._busy[0][0] <= now < self._busy[0][1] else 0
        while self._requests and self._requests[0][0] <= now - CPU_WINDOW_MS:
            self._requests.popleft()
        requests = sum(cost for _, cost in self._requests) * 1000 // CPU_WINDOW_MS
        total = self._cpu + busy + requests
        if total > 2:
            total = int(total * (1 + (self._noise(now, 2) - 0.5) * 0.06))
        if self.cpu_limit_millis is not None:
            total = min(total, self.cpu_limit_millis)
        return max(total, 0)

    def read_file(self, path: str) -> str | None:
        """A file's contents now (e.g. /dev/termination-log after exit), None if absent."""
        try:
            return self.fs.read(path)
        except FsError:
            return None

    def terminate(self, now_ms: int) -> None:
        """Deliver the image's stop signal (SIGTERM unless STOPSIGNAL says otherwise).

        Programs that handle it shut down by themselves (see next_event_ms); PID 1
        without a handler ignores it, and the kubelet kills it after the grace period."""
        now = self._run_until(now_ms)
        if self.exit_code is not None or self._ctx.on_signal is None:
            return
        program = self._ctx.on_signal(self.info.stop_signal)
        if program is None:
            return
        self._program.close()
        self._pending = None
        self._clock = now
        while self._busy and self._busy[-1][0] >= now:
            self._busy.pop()
        if self._busy and self._busy[-1][1] > now:
            self._busy[-1][1] = now
        self._program = self._shutdown(program)

    def _shutdown(self, program):
        status = yield from program
        yield from self._ctx.stdout.flush()
        yield from self._ctx.stderr.flush()
        yield Exit(status or 0)

    def kill(self, now_ms: int) -> list[Output]:
        """SIGKILL: the container ends at once with exit code 137."""
        now = self._run_until(now_ms)
        self._finish(now, 137, "Error")
        return self.advance(now)

    # -- internals ------------------------------------------------------------------
    def _noise(self, now: int, channel: int) -> float:
        return random.Random(self._seed * 7919 + channel * 104729 + now // 15_000).random()

    def _log_now(self, text: str) -> None:
        self._record_log(self._now, text)

    def _local_http(self, port: int, path: str) -> HttpResponse | None:
        listener = self._listeners.get(port)
        if listener is None or listener.handler is None:
            peer = self.pod_loopback(port, self) if self.pod_loopback is not None else None
            if peer is None:
                return None
            return peer.answer_http(port, path, self._clock, client="127.0.0.1")
        request = HttpRequest(path, "GET", "127.0.0.1", "Wget", f"localhost:{port}", self._clock)
        saved, self._now = self._now, self._clock
        try:
            return listener.handler(request)
        finally:
            self._now = saved

    def _local_tcp(self, port: int) -> bool:
        if port in self._listeners:
            return True
        return self.pod_loopback is not None and self.pod_loopback(port, self) is not None


def _base_files(info: ImageInfo, hostname: str, pod_ip: str) -> dict[str, str]:
    files = {
        "/etc/hostname": hostname + "\n",
        "/etc/hosts": (
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
            f"::1\tlocalhost ip6-localhost ip6-loopback\n{pod_ip}\t{hostname}\n"
        ),
        "/etc/resolv.conf": (
            "search default.svc.cluster.local svc.cluster.local cluster.local\n"
            "nameserver 10.96.0.10\noptions ndots:5\n"
        ),
        "/dev/termination-log": "",
    }
    if info.userland == "busybox":
        files["/etc/os-release"] = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.22.2\n'
    elif info.userland == "debian":
        files["/etc/os-release"] = (
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
            'VERSION_ID="12"\nID=debian\n'
        )
    return files


def _crashed():
    yield Exit(1)
