"""Charts of load and replicas over simulated time, from the traffic history
(cluster_sim.engine.traffic_history): per Service, the requests/s offered and served and
its ready endpoints; per HorizontalPodAutoscaler, its current and desired replicas. Each
chart is an SVG line drawing with a text summary and the numbers as a table, so it reads
without sight and without colour (the second line of a chart is dashed)."""

from dataclasses import dataclass

from cluster_sim.engine.timefmt import exact_duration

WIDTH, HEIGHT = 560, 180
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28  # margins for the axes' labels
MAX_TABLE_ROWS = 40
MAX_CHARTED = 10  # Services, and autoscalers, each: the ones seen most recently
# What the empty Charts tab suggests trying: an autoscaled Service under a ramp of traffic.
EXAMPLE = (
    "kubectl create deployment web --image=registry.k8s.io/hpa-example",
    "kubectl set resources deployment web --requests=cpu=200m",
    "kubectl expose deployment web --port=80",
    "kubectl autoscale deployment web --cpu-percent=50 --min=1 --max=5",
    "sim traffic web --rps 40 --ramp 30s",
)


@dataclass(frozen=True)
class Line:
    label: str
    style: str  # "solid" or "dashed"
    path: str  # SVG path data
    last: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str
    anchor: str = "end"  # SVG text-anchor: labels at the ends stay inside the drawing


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str
    summary: str  # what the chart shows, in words (the SVG's accessible name)
    lines: tuple[Line, ...]
    y_ticks: tuple[Tick, ...]
    x_ticks: tuple[Tick, ...]
    columns: tuple[str, ...]  # the table: time, then one column per line
    rows: tuple[tuple[str, ...], ...]


def charts(history) -> list[Chart]:
    """The charts the history supports: one per Service, then one per autoscaler."""
    samples = list(history.samples)
    if not samples:
        return []
    start, end = samples[0].at_ms, max(samples[-1].at_ms, samples[0].at_ms + 1)
    found = []
    for namespace, name in _names(s.services for s in samples):
        points = [(s.at_ms, _find(s.services, namespace, name)) for s in samples]
        points = [(t, p) for t, p in points if p is not None]
        where = _where(namespace, name, "service")
        found.append(
            _chart(
                f"Load on {where}",
                "requests/s",
                start,
                end,
                [
                    ("offered", "solid", [(t, p.offered) for t, p in points]),
                    ("served", "dashed", [(t, p.served) for t, p in points]),
                ],
            )
        )
        found.append(
            _chart(
                f"Ready endpoints of {where}",
                "endpoints",
                start,
                end,
                [("ready endpoints", "solid", [(t, p.endpoints) for t, p in points])],
            )
        )
    for namespace, name in _names(s.autoscalers for s in samples):
        points = [(s.at_ms, _find(s.autoscalers, namespace, name)) for s in samples]
        points = [(t, p) for t, p in points if p is not None]
        found.append(
            _chart(
                f"Replicas of {_where(namespace, name, 'horizontalpodautoscaler')}",
                "replicas",
                start,
                end,
                [
                    ("current", "solid", [(t, p.current) for t, p in points]),
                    ("desired", "dashed", [(t, p.desired) for t, p in points]),
                ],
            )
        )
    return found


def _names(groups) -> list[tuple[str, str]]:
    """The series to chart: the MAX_CHARTED seen most recently (a visitor who sends traffic
    to Service after Service must not make the tab draw thousands), in name order."""
    last_seen: dict[tuple[str, str], int] = {}
    for index, group in enumerate(groups):
        for point in group:
            last_seen[(point.namespace, point.name)] = index
    recent = sorted(last_seen, key=lambda name: last_seen[name], reverse=True)[:MAX_CHARTED]
    return sorted(recent)


def _find(points, namespace: str, name: str):
    return next((p for p in points if p.namespace == namespace and p.name == name), None)


def _where(namespace: str, name: str, kind: str) -> str:
    return f"{kind}/{name}" if namespace == "default" else f"{kind}/{name} (-n {namespace})"


def _chart(title, unit, start, end, series) -> Chart:
    top = max((value for _, _, points in series for _, value in points), default=0)
    y_max = _nice_ceiling(top)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: int) -> float:
        return LEFT + (t - start) / (end - start) * plot_w

    def y(value: float) -> float:
        return TOP + plot_h - value / y_max * plot_h

    lines = tuple(
        Line(label, style, _step_path(points, x, y), points[-1][1] if points else 0)
        for label, style, points in series
    )
    y_ticks = tuple(Tick(round(y(v), 1), _number(v)) for v in (0, y_max / 2, y_max))
    x_ticks = (
        Tick(round(x(start), 1), _time(start), "start"),
        Tick(round(x((start + end) // 2), 1), _time((start + end) // 2), "middle"),
        Tick(round(x(end), 1), _time(end), "end"),
    )
    return Chart(
        title,
        unit,
        _summary(title, unit, series, start, end),
        lines,
        y_ticks,
        x_ticks,
        ("time", *(label for label, _, _ in series)),
        _rows(series),
    )


def _step_path(points, x, y) -> str:
    """A value holds until the next sample: draw steps, not slopes between samples."""
    if not points:
        return ""
    parts = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
    for (_, before), (t, value) in zip(points, points[1:], strict=False):
        parts.append(f"H{x(t):.1f}")
        if value != before:
            parts.append(f"V{y(value):.1f}")
    return "".join(parts)


def _summary(title, unit, series, start, end) -> str:
    told = []
    for label, _, points in series:
        if points:
            values = [v for _, v in points]
            told.append(
                f"{label} from {_number(values[0])} to {_number(values[-1])}, "
                f"at most {_number(max(values))} {unit}"
            )
    span = f"from {_time(start)} to {_time(end)} of simulated time"
    return f"{title}, {span}: " + "; ".join(told) + "."


def _rows(series) -> tuple[tuple[str, ...], ...]:
    times = sorted({t for _, _, points in series for t, _ in points})
    if len(times) > MAX_TABLE_ROWS:  # evenly spaced rows, always with the last one
        step = len(times) / MAX_TABLE_ROWS
        times = [times[int(i * step)] for i in range(MAX_TABLE_ROWS - 1)] + [times[-1]]
    lookup = [dict(points) for _, _, points in series]
    return tuple(
        (_time(t), *(_number(values[t]) if t in values else "" for values in lookup)) for t in times
    )


def _time(ms: int) -> str:
    """Simulated time since the start, to the second (the live clock runs in odd ms)."""
    return exact_duration(round(ms / 1000) * 1000)


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 5, 10, 20, 50 … at or above `value` (at least 1)."""
    nice = 1.0
    while nice < value:
        for factor in (2, 2.5, 2):  # 1 → 2 → 5 → 10
            nice *= factor
            if nice >= value:
                break
    return nice


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
