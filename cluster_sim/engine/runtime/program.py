"""What a simulated program is: a generator of effects, run against a `Context`.

Programs (the shell, nginx, the pi Job...) are Python generators. They yield:

- `Sleep(ms)`: simulated time passes (`busy=True` when the CPU is burning meanwhile;
  `ms=None` sleeps forever);
- an observable effect (`Log`, `Listen`, `Unlisten`, `Memory`, `Cpu`, `Exit`), or
  `SYNC`, a point where the program is about to touch state shared with the outside
  (the filesystem, the network).

Between two yields a program only changes private state (its variables), so the
process may run it ahead of the clock; it applies each yielded effect, and resumes
the program after it, only when simulated time reaches that moment. A probe that reads
a file therefore sees exactly what the program had done by then.
"""

import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field

from .catalogue import ImageInfo
from .filesystem import Filesystem

MAX_LINE_CHARS = 16 * 1024  # the CRI splits longer lines (kubelet's 16 KiB log line limit)
MAX_CAPTURE_CHARS = 1_000_000


# --- effects -------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Sleep:
    ms: int | None  # None: forever
    busy: bool = False


@dataclass(frozen=True, slots=True)
class Log:
    text: str
    stream: str = "stdout"


@dataclass(frozen=True, slots=True)
class Exit:
    code: int


@dataclass(frozen=True, slots=True)
class Listen:
    port: int
    handler: "Callable[[HttpRequest], HttpResponse] | None" = None  # None: not HTTP
    protocol: str = "http"  # http | tcp | grpc


@dataclass(frozen=True, slots=True)
class Unlisten:
    port: int


@dataclass(frozen=True, slots=True)
class Memory:
    bytes: int  # the program's memory use from now on (the image's idle use included)


@dataclass(frozen=True, slots=True)
class Cpu:
    millis: int  # the program's steady CPU use from now on


@dataclass(frozen=True, slots=True)
class Sync:
    pass


SYNC = Sync()
Effect = Sleep | Log | Exit | Listen | Unlisten | Memory | Cpu | Sync
Program = Generator[Effect, None, int | None]


class Watch:
    """Runs a sub-generator and notes what it yielded: sleeps (busy or idle) or effects.

    Loops use it to spot a fixed point: an iteration with no observable effect that
    leaves the program's state unchanged will repeat identically forever."""

    def __init__(self) -> None:
        self.effects = False
        self.busy_ms = 0
        self.idle_ms = 0

    def run(self, gen: Generator):
        try:
            item = next(gen)
        except StopIteration as stop:
            return stop.value
        while True:
            if isinstance(item, Sleep) and item.ms is not None:
                if item.busy:
                    self.busy_ms += item.ms
                else:
                    self.idle_ms += item.ms
            else:
                self.effects = True
            try:
                item = gen.send((yield item))
            except StopIteration as stop:
                return stop.value

    def forever(self) -> list | None:
        """Effects equivalent to repeating this (effect-free) iteration forever."""
        total = self.busy_ms + self.idle_ms
        if self.effects or total <= 0:
            return None
        if not self.idle_ms:
            return [Sleep(None, busy=True)]
        if not self.busy_ms:
            return [Sleep(None)]
        return [Cpu(round(1000 * self.busy_ms / total)), Sleep(None)]


# --- HTTP, as servers see it --------------------------------------------------------
@dataclass(frozen=True)
class HttpRequest:
    path: str = "/"
    method: str = "GET"
    client: str = "10.244.0.1"
    user_agent: str = "kube-probe/1.34"
    host: str = ""
    at_ms: int = 0


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: str = ""
    duration_ms: int = 1  # time to answer (grows when the CPU limit throttles)
    cpu_ms: int = 0  # CPU the request cost (drives `kubectl top` and the HPA)
    content_type: str = "text/plain; charset=utf-8"

    @property
    def reason(self) -> str:
        return HTTP_REASONS.get(self.status, "")


HTTP_REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


# --- output streams -----------------------------------------------------------------
class Stream:
    """Where a program writes. `write` is a generator: writing may yield effects."""

    def write(self, text: str) -> Generator[Effect, None, None]:
        return
        yield

    def flush(self) -> Generator[Effect, None, None]:
        return
        yield


class LogStream(Stream):
    """The container log: complete lines become Log effects, partial ones wait."""

    def __init__(self, stream: str = "stdout"):
        self.stream = stream
        self.partial = ""

    def write(self, text: str) -> Generator[Effect, None, None]:
        data = self.partial + text
        *lines, self.partial = data.split("\n")
        for line in lines:
            yield Log(line, self.stream)
        while len(self.partial) > MAX_LINE_CHARS:
            yield Log(self.partial[:MAX_LINE_CHARS], self.stream)
            self.partial = self.partial[MAX_LINE_CHARS:]

    def flush(self) -> Generator[Effect, None, None]:
        if self.partial:
            line, self.partial = self.partial, ""
            yield Log(line, self.stream)


class Capture(Stream):
    """Collects output (command substitution, pipes, kubectl exec)."""

    def __init__(self):
        self.parts: list[str] = []
        self.size = 0

    def write(self, text: str) -> Generator[Effect, None, None]:
        if self.size < MAX_CAPTURE_CHARS:
            self.parts.append(text[: MAX_CAPTURE_CHARS - self.size])
            self.size += len(text)
        return
        yield

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Discard(Stream):
    pass


# --- the context a program runs in ------------------------------------------------
@dataclass
class Context:
    info: ImageInfo
    env: dict[str, str]
    fs: Filesystem
    rng: random.Random  # private to this container: never the cluster's RNG
    network: object  # runtime.network.Network
    clock: Callable[[], int]  # the program's simulated now, in ms
    started_ms: int = 0
    hostname: str = "localhost"
    pod_ip: str = "10.244.0.2"
    cpu_limit_millis: int | None = None
    memory_limit_bytes: int | None = None
    ready_after_ms: int = 0
    stdout: Stream = field(default_factory=LogStream)
    stderr: Stream = field(default_factory=lambda: LogStream("stderr"))
    argv: tuple[str, ...] = ()  # the container's command line (PID 1)
    node_cpus: int = 2  # what nproc and nginx's `worker_processes auto` see
    # wired by the process:
    log_now: Callable[[str], None] = lambda text: None  # log a line now (request handlers)
    spawn: "Callable[[Context, list[str]], Program] | None" = None  # exec argv in this image
    local_http: "Callable[[int, str], HttpResponse | None] | None" = None  # GET localhost:port
    local_tcp: Callable[[int], bool] = lambda port: False  # is localhost:port listening?
    # set by the program running as PID 1: what it does on a signal (None: ignore it)
    on_signal: "Callable[[str], Program | None] | None" = None

    @property
    def now(self) -> int:
        return self.clock()

    @property
    def uptime_ms(self) -> int:
        return self.now - self.started_ms

    def cpu_bound(self, ms_on_one_core: int, cores: float = 1.0) -> int:
        """Wall time of work needing `ms_on_one_core` on `cores` cores, under the limit."""
        available = cores * 1000
        if self.cpu_limit_millis is not None:
            available = min(available, self.cpu_limit_millis)
        available = max(available, 1)
        return max(1, round(ms_on_one_core * cores * 1000 / available))

    def cpu_used(self, cores: float = 1.0) -> int:
        """Millicores a program burning `cores` cores really gets under the limit."""
        wanted = round(cores * 1000)
        if self.cpu_limit_millis is not None:
            wanted = min(wanted, self.cpu_limit_millis)
        return wanted

    def say(self, text: str, stream: str = "stdout") -> Generator[Effect, None, None]:
        """Write `text` plus a newline to stdout (or stderr)."""
        target = self.stdout if stream == "stdout" else self.stderr
        yield from target.write(text + "\n")
