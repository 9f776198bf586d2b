"""Test and demo images: agnhost, pause, the stress tools, hello-world, curl's wrapper."""

import re

from ...quantity import QuantityError, to_bytes
from ..program import Context, Cpu, HttpRequest, HttpResponse, Memory, Program, Sleep
from ..timestamps import strftime
from .common import NOT_FOUND_GO, base, exit_after, glog, option, query, serve
from .web import _go_default_signal, liveness_server

STRESS_ALLOCATION_STEPS = 8
STRESS_STEP_MS = 25


# --- agnhost ---------------------------------------------------------------------------------
def agnhost(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    command = args[0] if args else ""
    ctx.on_signal = _go_default_signal(ctx)
    if command == "pause":
        yield Memory(ctx.info.idle_memory_bytes)
        yield from ctx.say("Paused")
        ctx.on_signal = lambda signal: exit_after(
            1, 0, ctx, lambda ms: ["Shutting down after receiving signal: terminated."]
        )
        yield Sleep(None)
        return 0
    if command == "netexec":
        return (yield from _netexec(ctx, args[1:]))
    if command == "serve-hostname":
        port = int(option(args, "port", "9376"))
        yield Memory(ctx.info.idle_memory_bytes)
        yield from ctx.say(f"Serving on port {port}.")
        hostname = HttpResponse(200, ctx.hostname, 1)
        return (yield from serve(ctx, {port: lambda request: hostname}))
    if command == "liveness":
        return (yield from liveness_server(ctx))
    if command == "test-webserver":
        port = int(option(args, "port", "80"))
        yield Memory(ctx.info.idle_memory_bytes)
        return (yield from serve(ctx, {port: lambda request: HttpResponse(200, "hello\n", 1)}))
    if command in ("", "--help", "help"):
        yield from ctx.say(
            "Usage:\n  agnhost [command]\n\nAvailable Commands:\n  liveness\n"
            "  netexec\n  pause\n  serve-hostname\n  test-webserver"
        )
        return 0
    yield from ctx.say(f'Error: unknown command "{command}" for "agnhost"', "stderr")
    yield from ctx.say("Run 'agnhost --help' for usage.", "stderr")
    return 1


def _netexec(ctx: Context, args: list[str]) -> Program:
    http_port = int(option(args, "http-port", "8080"))
    udp_port = int(option(args, "udp-port", "8081"))
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(max(ctx.ready_after_ms, 1))
    yield from ctx.say(
        glog(ctx.now, "log.go:195", f"Started HTTP server on port {http_port}"), "stderr"
    )
    yield from ctx.say(
        glog(ctx.now, "log.go:195", f"Started UDP server on port  {udp_port}"), "stderr"
    )

    def handle(request: HttpRequest) -> HttpResponse:
        path, params = query(request.path)
        ctx.log_now(glog(request.at_ms, "log.go:195", f"GET {request.path}"))
        if path == "/":
            stamp = strftime(request.at_ms, "%Y-%m-%d %H:%M:%S")
            return HttpResponse(200, f"NOW: {stamp}.{request.at_ms % 1000:03d}000000 +0000 UTC", 1)
        if path in ("/hostname", "/hostName"):
            return HttpResponse(200, ctx.hostname, 1)
        if path == "/echo":
            return HttpResponse(200, params.get("msg", ""), 1)
        if path == "/clientip":
            return HttpResponse(200, f"{request.client}:{40000 + request.at_ms % 20000}", 1)
        if path == "/healthz":
            return HttpResponse(200, "", 1)
        if path == "/header":
            return HttpResponse(200, "", 1)
        return NOT_FOUND_GO

    return (yield from serve(ctx, {http_port: handle, udp_port: None}))


# --- pause -------------------------------------------------------------------------------------
def pause(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    names = {"SIGTERM": "Terminated", "SIGINT": "Interrupt"}
    ctx.on_signal = lambda signal: exit_after(
        1, 0, ctx, lambda ms: [f"Shutting down, got signal: {names.get(signal, signal)}"]
    )
    yield Sleep(None)
    return 0


# --- stress (polinux/stress) -----------------------------------------------------------------
def _stress_bytes(text: str) -> int | None:
    """stress's sizes: B, K, M, G suffixes are powers of 1024 (atoll_b)."""
    match = re.fullmatch(r"(\d+)([bBkKmMgG]?)", text)
    if not match:
        return None
    scale = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[match.group(2).lower()]
    return int(match.group(1)) * scale


def _stress_seconds(text: str) -> int | None:
    match = re.fullmatch(r"(\d+)([smhdy]?)", text)
    if not match:
        return None
    scale = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400, "y": 31536000}[match.group(2)]
    return int(match.group(1)) * scale


def stress(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    if not args or "--help" in args or "-?" in args:
        yield from ctx.say(
            "`stress' imposes certain types of compute stress on your system\n\n"
            "Usage: stress [OPTION [ARG]] ...\n"
            " -?, --help         show this help statement\n"
            " -c, --cpu N        spawn N workers spinning on sqrt()\n"
            " -m, --vm N         spawn N workers spinning on malloc()/free()\n"
            "     --vm-bytes B   malloc B bytes per vm worker (default is 256MB)\n"
            " -t, --timeout N    timeout after N seconds"
        )
        return 0

    def value(*names: str, default: str = "") -> str:
        for k, arg in enumerate(args):
            if arg in names and k + 1 < len(args):
                return args[k + 1]
        return default

    cpu = int(value("-c", "--cpu", default="0") or 0)
    io_workers = int(value("-i", "--io", default="0") or 0)
    vm = int(value("-m", "--vm", default="0") or 0)
    hdd = int(value("-d", "--hdd", default="0") or 0)
    vm_bytes = _stress_bytes(value("--vm-bytes", default="256M"))
    timeout = _stress_seconds(value("-t", "--timeout")) if value("-t", "--timeout") else None
    if vm_bytes is None:
        yield from ctx.say(
            f"stress: FAIL: [1] (586) invalid number: {value('--vm-bytes')}", "stderr"
        )
        return 1
    yield Memory(ctx.info.idle_memory_bytes)
    yield from ctx.say(
        f"stress: info: [1] dispatching hogs: {cpu} cpu, {io_workers} io, {vm} vm, {hdd} hdd"
    )
    if cpu:
        yield Cpu(ctx.cpu_used(cpu))
    total = vm * vm_bytes
    for step in range(1, STRESS_ALLOCATION_STEPS + 1):
        if not total:
            break
        yield Sleep(STRESS_STEP_MS)
        yield Memory(ctx.info.idle_memory_bytes + total * step // STRESS_ALLOCATION_STEPS)
    if timeout is None:
        yield Sleep(None)
        return 0
    yield Sleep(max(timeout * 1000 - ctx.uptime_ms, 1))
    yield Cpu(0)
    yield from ctx.say(f"stress: info: [1] successful run completed in {timeout}s")
    return 0


# --- vish/stress ---------------------------------------------------------------------------------
def vish_stress(ctx: Context, argv: list[str]) -> Program:
    args = argv[1:]
    total_text = option(args, "mem-total", "0")
    step_text = option(args, "mem-alloc-size", "4Ki")
    sleep_text = option(args, "mem-alloc-sleep", "1ms")
    cpus = int(option(args, "cpus", "0") or 0)
    try:
        total, step = to_bytes(total_text), max(to_bytes(step_text), 1)
    except QuantityError:
        yield from ctx.say(
            glog(ctx.now, "main.go:24", "quantities must match the regular expression", level="F"),
            "stderr",
        )
        return 255
    match = re.fullmatch(r"(\d+)(ms|s|m)", sleep_text)
    pause_ms = (
        int(match.group(1)) * {"ms": 1, "s": 1000, "m": 60000}[match.group(2)] if match else 1
    )
    yield Memory(ctx.info.idle_memory_bytes)
    yield from ctx.say(
        glog(
            ctx.now,
            "main.go:26",
            f'Allocating "{total_text}" memory, in '
            f'"{step_text}" chunks, with a {sleep_text} sleep between '
            "allocations",
        ),
        "stderr",
    )
    for _ in range(cpus):
        yield from ctx.say(
            glog(ctx.now, "main.go:39", "Spawning a thread to consume CPU"), "stderr"
        )
    if cpus:
        yield Cpu(ctx.cpu_used(cpus))
    chunks = total // step
    allocated = 0
    batch = max(1, chunks // 40)  # report memory in about 40 steps, not per 4 KiB chunk
    while allocated < chunks:
        count = min(batch, chunks - allocated)
        yield Sleep(max(count * max(pause_ms, 1), 1))
        allocated += count
        yield Memory(ctx.info.idle_memory_bytes + allocated * step)
    yield from ctx.say(glog(ctx.now, "main.go:29", f'Allocated "{total_text}" memory'), "stderr")
    yield Sleep(None)
    return 0


# --- hello-world and the curl image's wrapper -
HELLO_FROM_DOCKER = """
Hello from Docker!
This message shows that your installation appears to be working correctly.

To generate this message, Docker took the following steps:
 1. The Docker client contacted the Docker daemon.
 2. The Docker daemon pulled the "hello-world" image from the Docker Hub.
    (amd64)
 3. The Docker daemon created a new container from that image which runs the
    executable that produces the output you are currently reading.
 4. The Docker daemon streamed that output to the Docker client, which sent it
    to your terminal.

To try something more ambitious, you can run an Ubuntu container with:
 $ docker run -it ubuntu bash

Share images, automate workflows, and more with a free Docker ID:
 https://hub.docker.com/

For more examples and ideas, visit:
 https://docs.docker.com/get-started/
"""


def hello_world(ctx: Context, argv: list[str]) -> Program:
    yield Memory(ctx.info.idle_memory_bytes)
    yield Sleep(5)
    yield from ctx.stdout.write(HELLO_FROM_DOCKER + "\n")
    return 0


def curl_entrypoint(ctx: Context, argv: list[str]) -> Program:
    """curlimages/curl's /entrypoint.sh: options go to curl, anything else is exec'd."""
    rest = argv[1:]
    if base(argv[0]) != "entrypoint.sh":
        rest = argv
    if not rest or rest[0].startswith("-"):
        rest = ["curl", *rest]
    return (yield from ctx.spawn(ctx, rest))


def entrypoint_exec(ctx: Context, argv: list[str]) -> Program:
    """A plain docker-entrypoint.sh (the bash image's): flags go to the shell, else exec."""
    rest = argv[1:]
    if not rest or rest[0].startswith("-"):
        rest = ["bash" if "bash" in ctx.info.tools else "sh", *rest]
    return (yield from ctx.spawn(ctx, rest))


APPS = {
    "shell": entrypoint_exec,
    "agnhost": agnhost,
    "pause": pause,
    "stress": stress,
    "vish-stress": vish_stress,
    "hello-world": hello_world,
    "curl": curl_entrypoint,
}
