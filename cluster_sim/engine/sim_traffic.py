"""`sim traffic`: start, change, stop and inspect simulated client traffic to Services."""

from .kubectl.args import UsageError
from .kubectl.table import render_table
from .timefmt import exact_duration, parse_duration
from .traffic import Flow, ServiceStats

USAGE = (
    "error: usage: sim traffic SERVICE --rps N [--ramp DURATION | --spike DURATION] "
    "[-n NAMESPACE]\n"
    "       sim traffic [SERVICE] [-n NAMESPACE]   (what the traffic meets now)"
)
MAX_RPS = 1_000_000


def run_traffic(cluster, words: list[str]) -> str:
    options, names = _parse(words)
    namespace = options.get("namespace", "default")
    if len(names) > 1:
        raise UsageError(USAGE)
    if "rps" not in options:
        if options.keys() - {"namespace"}:
            raise UsageError(USAGE)
        if names:
            return _describe_flow(cluster, namespace, names[0])
        return _list_flows(cluster)
    if not names:
        raise UsageError(USAGE)
    if "ramp" in options and "spike" in options:
        raise UsageError("error: --ramp and --spike cannot be combined")
    rps = _rate(options["rps"])
    ramp_ms = _duration("ramp", options.get("ramp"))
    spike_ms = _duration("spike", options.get("spike"))
    if spike_ms and not rps:
        raise UsageError("error: a --spike needs a rate above 0")
    cluster.api.get("Service", namespace, names[0])  # NotFound as kubectl words it
    flow = cluster.traffic.set_rate(namespace, names[0], rps, ramp_ms=ramp_ms, spike_ms=spike_ms)
    target = f"service/{names[0]}"
    if flow is None:
        return f"traffic to {target} stopped"
    if ramp_ms:
        how = f"ramping to {_number(rps)} requests/s over {exact_duration(ramp_ms)}"
    elif spike_ms:
        how = (
            f"a spike of {_number(rps)} requests/s for {exact_duration(spike_ms)}, then "
            f"{_number(flow.shape.after_rps)} requests/s"
        )
    else:
        how = f"{_number(rps)} requests/s"
    note = "" if flow.endpoints else " (no ready endpoints: every request fails)"
    return f"traffic to {target}: {how}{note}"


def _parse(words: list[str]) -> tuple[dict[str, str], list[str]]:
    options: dict[str, str] = {}
    names: list[str] = []
    index = 0
    aliases = {"-n": "namespace", "--namespace": "namespace"}
    while index < len(words):
        word = words[index]
        key, value = word, None
        if word.startswith("--") and "=" in word:
            key, value = word.split("=", 1)
        name = aliases.get(key) or (key[2:] if key in ("--rps", "--ramp", "--spike") else None)
        if name is None:
            if word.startswith("-"):
                raise UsageError(f"error: unknown flag: {word}\n{USAGE}")
            names.append(word)
            index += 1
            continue
        if value is None:
            if index + 1 >= len(words):
                raise UsageError(f"error: flag needs an argument: {key}")
            value = words[index + 1]
            index += 1
        options[name] = value
        index += 1
    return options, names


def _rate(text: str) -> float:
    try:
        rps = float(text)
    except ValueError:
        raise UsageError(
            f'error: --rps must be a number of requests per second, not "{text}"'
        ) from None
    if not 0 <= rps <= MAX_RPS or rps != rps:
        raise UsageError(f"error: --rps must be between 0 and {MAX_RPS:,}")
    return rps


def _duration(flag: str, text: str | None) -> int:
    if text is None:
        return 0
    try:
        duration = parse_duration(text)
    except ValueError as error:
        raise UsageError(f"error: --{flag}: {error}") from error
    if duration <= 0:
        raise UsageError(f"error: --{flag} must be longer than 0s")
    return duration


def _list_flows(cluster) -> str:
    flows = [flow for _, flow in sorted(cluster.traffic.flows.items())]
    if not flows:
        return "No traffic. Start some with: sim traffic SERVICE --rps N"
    rows = [_stats_row(cluster.traffic.service_stats(flow)) for flow in flows]
    header = ["NAMESPACE", "SERVICE", "RATE", "SERVED", "ERRORS", "P50", "P95", "ENDPOINTS"]
    return render_table(header, rows)


def _stats_row(stats: ServiceStats) -> list[str]:
    return [
        stats.namespace,
        stats.service,
        f"{_number(stats.offered_rps)}/s",
        f"{_number(stats.served_rps)}/s",
        _percent(stats.error_rate),
        _latency(stats.p50_ms),
        _latency(stats.p95_ms),
        str(stats.endpoints),
    ]


def _describe_flow(cluster, namespace: str, service: str) -> str:
    flow: Flow | None = cluster.traffic.flows.get((namespace, service))
    if flow is None:
        cluster.api.get("Service", namespace, service)
        return f"No traffic to service/{service}. Start some with: sim traffic {service} --rps N"
    stats = cluster.traffic.service_stats(flow)
    lines = [
        f"service/{service}: {_number(stats.offered_rps)} requests/s offered, "
        f"{_number(stats.served_rps)}/s served, {_percent(stats.error_rate)} failed, "
        f"p50 {_latency(stats.p50_ms)}, p95 {_latency(stats.p95_ms)}, "
        f"{stats.endpoints} ready endpoint{'s' if stats.endpoints != 1 else ''}"
    ]
    if stats.refused:
        lines.append("no ready endpoints: kube-proxy rejects every connection")
        return "\n".join(lines)
    rows = []
    for load in cluster.traffic.loads_of(flow):
        if not load.alive:
            rows.append(
                [load.name, load.node, f"{_number(load.offered)}/s", "0/s", "100%", "-", "-",
                 "-", "not answering (requests time out)"]
            )  # fmt: skip
            continue
        rows.append(
            [
                load.name,
                load.node,
                f"{_number(load.offered)}/s",
                f"{_number(load.served)}/s",
                _percent(load.failed / load.offered if load.offered else 0.0),
                f"{_number(load.capacity)}/s",
                f"{load.cpu_millis}m",
                _latency(load.latency_ms(0.95)),
                "overloaded: queueing" if load.backlog else "",
            ]
        )
    header = ["POD", "NODE", "RATE", "SERVED", "ERRORS", "CAPACITY", "CPU", "P95", "NOTE"]
    return "\n".join(lines) + "\n" + render_table(header, rows)


def _number(value: float) -> str:
    if value >= 100 or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:.1f}"


def _percent(rate: float) -> str:
    if rate == 0:
        return "0%"
    if rate < 0.001:
        return "<0.1%"
    return f"{rate * 100:.1f}%".replace(".0%", "%")


def _latency(ms: float | None) -> str:
    if ms is None:
        return "-"
    if ms >= 1000:
        return f"{ms / 1000:.1f}s"
    if ms >= 10:
        return f"{ms:.0f}ms"
    return f"{ms:.1f}ms"
