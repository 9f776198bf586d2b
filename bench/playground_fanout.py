"""Playground benchmark (issue 4), figure 1: one sandbox watched by 500 WebSocket clients.

Target: every client receives every update; p95 from the engine's step to receipt
<= 100 ms. One Daphne process (bench/playground_server.py) serves the default preset's
sandbox; this process opens 500 sockets to it with the visitor's session cookie, all in
one asyncio loop (bench/playground_ws.py), plus one control socket.

Commands: the control socket sends `kubectl scale deployment/web --replicas=N` (N never
the same twice in a row) every 2 s. t0 is taken just before the send; each client
records when the first message containing the Deployment row with N replicas arrives.
receipt - t0 covers the command's trip in, its database append, the engine step, the
render, the fan-out to 500 sockets and this process reading 500 sockets on one core:
an upper bound of "step to receipt". The server-side part (engine + render of the same
commands) is timed apart, replayed in this process on the same preset.

Ticker: while no command runs, every update the ticker sends (the clock each simulated
second, events) is keyed by its text; the spread between its first and its last receipt
is the fan-out's share, and its receipt count shows whether every client got it.

    .venv/bin/python -m bench.playground_fanout
    .venv/bin/python -m bench.playground_fanout --clients 100 --commands 10
    .venv/bin/python -m bench.playground_fanout --trace --speed 20
    .venv/bin/python -m bench.playground_fanout --profile /tmp/server.txt   # py-spy on PATH

--trace serves through bench/playground_traced_daphne.py, which timestamps each step,
delta and publish in the server, so receipts are set against the step itself.
--profile samples the server with py-spy (non-blocking) during the commands and writes
its collapsed stacks; `python -m bench.playground_profile FILE` summarises them.
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import time
from dataclasses import dataclass, field

from bench.common import machine
from bench.playground_server import DaphneServer, Visitor
from bench.playground_traced_daphne import crc
from bench.playground_ws import WebSocket

CONNECT_BATCH = 50
COMMAND_GAP_S = 2.0
TICKER_SECONDS = 20.0
TARGET_MS = 100.0


def scale_line(replicas: int) -> str:
    return f"kubectl scale deployment/web --replicas={replicas}"


def replicas_marker(replicas: int) -> str:
    return f'class="wl-replicas">{replicas}</span>'


def replica_plan(commands: int) -> list[int]:
    return [2 + i % 4 for i in range(commands)]  # 2 3 4 5 2 3 ...: never twice in a row


@dataclass
class Expectation:
    index: int
    marker: str
    t0: float


@dataclass
class Tally:
    """What the viewers saw. One loop, so no locks."""

    clients: int
    expect: Expectation | None = None
    latency: dict[int, dict[int, float]] = field(default_factory=dict)  # command -> client -> s
    recording: bool = False
    seen: dict[int, list] = field(default_factory=dict)  # hash(text) -> [first, last, count, n]
    tracing: bool = False
    receipts: dict[int, list[float]] = field(default_factory=dict)  # crc32(text) -> times

    def on_message(self, client: int, text: str, now: float) -> None:
        if self.tracing:
            self.receipts.setdefault(crc(text), []).append(now)
        expect = self.expect
        if expect is not None and expect.marker in text:
            got = self.latency.setdefault(expect.index, {})
            if client not in got:
                got[client] = now - expect.t0
        if self.recording:
            key = hash(text)
            entry = self.seen.get(key)
            if entry is None:
                self.seen[key] = [now, now, 1, len(text)]
            else:
                entry[1] = now
                entry[2] += 1


async def viewer(index: int, socket: WebSocket, tally: Tally) -> None:
    clock = time.perf_counter
    while True:
        text = await socket.recv()
        if text is None:
            return
        tally.on_message(index, text, clock())


async def open_viewers(host, port, path, headers, count, tally) -> list[WebSocket]:
    sockets: list[WebSocket] = []
    for start in range(0, count, CONNECT_BATCH):
        batch = await asyncio.gather(
            *(
                WebSocket.connect(host, port, path, headers)
                for _ in range(min(CONNECT_BATCH, count - start))
            )
        )
        await asyncio.gather(*(s.recv() for s in batch))  # the full view, first
        sockets.extend(batch)
    for number, socket in enumerate(sockets):
        asyncio.create_task(viewer(number, socket, tally))
    return sockets


async def run_command(control: WebSocket, replies: asyncio.Queue, line: str) -> float:
    """Send a command; seconds until its console entry came back to the control socket."""
    start = time.perf_counter()
    await control.send(json.dumps({"action": "run", "line": line}))
    await asyncio.wait_for(replies.get(), timeout=30)
    return time.perf_counter() - start


async def control_reader(control: WebSocket, replies: asyncio.Queue) -> None:
    while True:
        text = await control.recv()
        if text is None:
            return
        if "console-entry" in text:
            replies.put_nowait(time.perf_counter())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


async def measure(
    server: DaphneServer, clients: int, commands: int, profile: str, speed: int
) -> None:
    visitor = Visitor(server.url)
    sandbox = visitor.open_default()
    headers = {"Origin": server.url, "Cookie": f"sessionid={visitor.cookie('sessionid')}"}
    path = f"/ws/playground/{sandbox}/"
    control = await WebSocket.connect("127.0.0.1", server.port, path, headers)
    await control.recv()
    replies: asyncio.Queue = asyncio.Queue()
    asyncio.create_task(control_reader(control, replies))
    await run_command(control, replies, "kubectl create deployment web --image=nginx:1.27")
    if speed != 1:
        await control.send(json.dumps({"action": "time", "op": "speed", "speed": speed}))

    tally = Tally(clients)
    connect_start = time.perf_counter()
    sockets = await open_viewers("127.0.0.1", server.port, path, headers, clients, tally)
    print(
        f"speed {speed}x; {clients} viewers connected in {time.perf_counter() - connect_start:.1f} s"
    )
    await asyncio.sleep(3)
    tally.tracing = server.trace_path is not None
    trace_from = time.perf_counter()

    # --- the ticker's updates --------------------------------------------------------------
    cpu_start, mine_start = server.cpu_seconds(), own_cpu_seconds()
    tally.recording = True
    await asyncio.sleep(TICKER_SECONDS)
    tally.recording = False
    await asyncio.sleep(2)  # let the last messages land before counting
    server_cpu = (server.cpu_seconds() - cpu_start, own_cpu_seconds() - mine_start)
    report_ticker(tally, clients, server_cpu)

    # --- commands --------------------------------------------------------------------------
    round_trips = []
    spy = start_profiler(server.pid, commands * (COMMAND_GAP_S + 0.2), profile)
    cpu_start, mine_start = server.cpu_seconds(), own_cpu_seconds()
    for index, replicas in enumerate(replica_plan(commands)):
        tally.expect = Expectation(index, replicas_marker(replicas), time.perf_counter())
        round_trips.append(await run_command(control, replies, scale_line(replicas)))
        await asyncio.sleep(COMMAND_GAP_S)
    tally.expect = None
    server_cpu = (server.cpu_seconds() - cpu_start, own_cpu_seconds() - mine_start)
    report_commands(tally, clients, commands, round_trips, server_cpu)
    if spy is not None:
        spy.wait()

    tally.tracing = False
    if server.trace_path is not None:
        await asyncio.sleep(1)
        report_trace(server.trace_path, tally, clients, trace_from, time.perf_counter() - 2)

    # a command that only reads: no database append, no broadcast
    reads = []
    for _ in range(10):
        reads.append(await run_command(control, replies, "kubectl get deployment web"))
        await asyncio.sleep(0.5)
    print(
        f"read-only command round trip (`kubectl get deployment web`): "
        f"p50 {ms(statistics.median(reads))}, max {ms(max(reads))}"
    )

    for socket in sockets:
        await socket.close()
    await control.close()


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cpu_line(cpu: tuple[float, float], seconds: float) -> str:
    server, clients = cpu
    return (
        f"CPU meanwhile: server {server:.2f} s ({server / seconds:.0%} of a core), "
        f"this process's clients {clients:.2f} s ({clients / seconds:.0%})"
    )


def report_ticker(tally: Tally, clients: int, server_cpu: float) -> None:
    entries = list(tally.seen.values())
    complete = [e for e in entries if e[2] == clients]
    spreads = [e[1] - e[0] for e in complete]
    print(f"\n## Ticker updates over {TICKER_SECONDS:.0f} s ({clients} viewers)")
    print(
        f"{len(entries)} distinct updates, {len(complete)} received by all {clients} clients; "
        f"receipt counts seen: {sorted({e[2] for e in entries})}; "
        f"sizes {min(e[3] for e in entries)}-{max(e[3] for e in entries)} chars"
    )
    if spreads:
        print(
            f"spread first->last receipt: p50 {ms(statistics.median(spreads))}, "
            f"p95 {ms(pct(spreads, 0.95))}, max {ms(max(spreads))}"
        )
    print(cpu_line(server_cpu, TICKER_SECONDS))


def report_commands(tally, clients, commands, round_trips, server_cpu) -> None:
    all_latencies = [t for got in tally.latency.values() for t in got.values()]
    missing = sum(clients - len(tally.latency.get(i, {})) for i in range(commands))
    firsts = [min(got.values()) for got in tally.latency.values() if got]
    spreads = [max(got.values()) - min(got.values()) for got in tally.latency.values() if got]
    span = commands * COMMAND_GAP_S
    print(f"\n## Commands: {commands} x `kubectl scale`, {COMMAND_GAP_S:g} s apart")
    print(
        f"(client, update) pairs: {len(all_latencies)} of {commands * clients}; missing {missing}"
    )
    print(
        f"send -> receipt (upper bound of step -> receipt): p50 {ms(statistics.median(all_latencies))}, "
        f"p95 {ms(pct(all_latencies, 0.95))}, max {ms(max(all_latencies))}; "
        f"target p95 <= {TARGET_MS:.0f} ms: "
        f"{'met' if pct(all_latencies, 0.95) * 1000 <= TARGET_MS else 'MISSED'}"
    )
    print(
        f"first client per command: p50 {ms(statistics.median(firsts))}, max {ms(max(firsts))}; "
        f"first->last spread: p50 {ms(statistics.median(spreads))}, max {ms(max(spreads))}"
    )
    print(
        f"control's console reply (sent after the broadcast): p50 "
        f"{ms(statistics.median(round_trips))}, max {ms(max(round_trips))}"
    )
    print(cpu_line(server_cpu, span))


def report_trace(path, tally: Tally, clients: int, since: float, until: float) -> None:
    """Step -> receipt from the server's own timestamps (bench/playground_traced_daphne.py)."""
    steps, deltas, publishes, appends = [], [], {}, []
    for line in path.read_text().splitlines():
        kind, *fields = line.split()
        start, end = float(fields[0]), float(fields[1])
        if start < since - 1 or start > until:
            continue
        if kind in ("advance", "command"):
            steps.append((start, end, kind))
        elif kind == "append":
            appends.append(end - start)
        elif kind == "delta" and fields[2] != "0":
            deltas.append((start, end, int(fields[2])))
        elif kind == "publish":
            publishes.setdefault(int(fields[2]), []).append((start, end, int(fields[3])))
    latencies, incomplete, engine, waits, fanouts = [], 0, [], [], []
    by_kind: dict[str, list[float]] = {"advance": [], "command": []}
    for d_start, d_end, checksum in deltas:
        before = [s for s in steps if s[0] <= d_start]
        if not before or d_start < since or checksum not in publishes:
            continue
        s_start, _, kind = before[-1]
        p_start, p_end, _ = min(publishes[checksum], key=lambda p: abs(p[0] - d_end))
        got = [t for t in tally.receipts.get(checksum, ()) if t >= s_start]
        incomplete += len(got) < clients
        engine.append(d_end - s_start)
        waits.append(p_start - d_end)
        fanouts.append(p_end - p_start)
        latencies.extend(t - s_start for t in got)
        by_kind[kind].extend(t - s_start for t in got)
    print(f"\n## Step -> receipt from the server's timestamps (--trace), {len(engine)} updates")
    print(
        f"(client, update) pairs {len(latencies):,}; updates not received by all {clients}: "
        f"{incomplete}; step -> receipt p50 {ms(statistics.median(latencies))}, "
        f"p95 {ms(pct(latencies, 0.95))}, max {ms(max(latencies))}; target p95 <= "
        f"{TARGET_MS:.0f} ms: {'met' if pct(latencies, 0.95) * 1000 <= TARGET_MS else 'MISSED'}"
    )
    for kind, values in by_kind.items():
        if values:
            print(
                f"  after a {'tick' if kind == 'advance' else 'command'}: p50 "
                f"{ms(statistics.median(values))}, p95 {ms(pct(values, 0.95))}, max {ms(max(values))}"
            )
    for name, values in (
        ("step (engine + delta)", engine),
        ("delta end -> publish start", waits),
        ("publish to all viewers", fanouts),
        ("command's database append", appends),
    ):
        if values:
            print(
                f"  {name}: p50 {ms(statistics.median(values))}, p95 {ms(pct(values, 0.95))}, "
                f"max {ms(max(values))}"
            )


def start_profiler(pid: int, seconds: float, out: str) -> subprocess.Popen | None:
    if not out:
        return None
    spy = shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy on PATH")
    return subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "250"]
        + ["--nonblocking", "--format", "raw", "--output", out],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def replay_server_steps(commands: int) -> None:
    """The server's share: the same commands on the same preset, engine + render timed here."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterlab.settings.test")
    import django

    django.setup()
    from cluster_sim.live.view import PlaygroundView
    from cluster_sim.presets import build_cluster

    cluster, runner = build_cluster("empty-3", 1)
    runner.run_line("kubectl create deployment web --image=nginx:1.27", None)
    view = PlaygroundView(cluster)
    view.full()
    cluster.advance(30_000)
    view.delta()
    steps = []
    for replicas in replica_plan(commands):
        start = time.thread_time()
        runner.run_line(scale_line(replicas), None)
        view.delta()
        steps.append((time.thread_time() - start) * 1000)
        cluster.advance(int(COMMAND_GAP_S * 1000))
        view.delta()
    print(
        f"\nserver-side step for the same commands (run_line + delta, CPU, replayed here): "
        f"p50 {statistics.median(steps):.2f} ms, p95 {pct(steps, 0.95):.2f} ms, max {max(steps):.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--commands", type=int, default=30)
    parser.add_argument("--speed", type=int, default=1, choices=(1, 5, 20))
    parser.add_argument("--profile", default="", help="write py-spy's collapsed stacks here")
    parser.add_argument(
        "--trace", action="store_true", help="time the steps in the server too (see module doc)"
    )
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.clients)), hard))
    print(f"machine: {machine()}; load average {os.getloadavg()[0]:.2f}")
    with DaphneServer(trace=args.trace) as server:
        asyncio.run(measure(server, args.clients, args.commands, args.profile, args.speed))
    replay_server_steps(args.commands)
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
