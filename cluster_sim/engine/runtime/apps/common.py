"""Helpers shared by the simulated applications: log timestamp styles, HTTP bits."""

from collections.abc import Callable
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from ...timefmt import to_datetime
from ..program import Context, Cpu, HttpRequest, HttpResponse, Listen, Program, Sleep
from ..timestamps import strftime

Handler = Callable[[HttpRequest], HttpResponse]


def base(name: str) -> str:
    return name.rsplit("/", 1)[-1]


def go_log(ms: int) -> str:
    """Go's log package: `2026/01/05 09:00:00`."""
    return strftime(ms, "%Y/%m/%d %H:%M:%S")


def glog(ms: int, where: str, message: str, level: str = "I", pid: int = 1) -> str:
    """klog/glog header: `I0105 09:00:00.123456       1 main.go:26] message`."""
    moment = to_datetime(ms)
    stamp = strftime(ms, "%m%d %H:%M:%S") + f".{moment.microsecond:06d}"
    return f"{level}{stamp} {pid:>7} {where}] {message}"


def clf(ms: int) -> str:
    """Common Log Format time: `05/Jan/2026:09:00:05 +0000`."""
    return strftime(ms, "%d/%b/%Y:%H:%M:%S +0000")


def apache_time(ms: int) -> str:
    """`Mon Jan 05 09:00:01.234000 2026`."""
    return strftime(ms, "%a %b %d %H:%M:%S") + f".{(ms % 1000) * 1000:06d} " + strftime(ms, "%Y")


def iso(ms: int) -> str:
    """`2026-01-05T09:00:00.123Z` (JavaScript's toISOString)."""
    return strftime(ms, "%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def py_log(ms: int) -> str:
    """Python logging's asctime: `2026-01-05 09:00:01,234`."""
    return strftime(ms, "%Y-%m-%d %H:%M:%S") + f",{ms % 1000:03d}"


def query(path: str) -> tuple[str, dict[str, str]]:
    route, values = _split_query(path)
    return route, dict(values)


@lru_cache(maxsize=1024)
def _split_query(path: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    # probes ask for the same path every period: parse each path once
    parts = urlsplit(path)
    values = tuple((k, v[0]) for k, v in parse_qs(parts.query).items())
    return parts.path or "/", values


def env_int(ctx: Context, name: str, default: int) -> int:
    try:
        return int(ctx.env.get(name, default))
    except ValueError:
        return default


def option(argv: list[str], name: str, default: str = "") -> str:
    """`--name=value`, `--name value`, `-name value` forms."""
    for k, arg in enumerate(argv):
        for prefix in (f"--{name}", f"-{name}"):
            if arg == prefix and k + 1 < len(argv):
                return argv[k + 1]
            if arg.startswith(prefix + "="):
                return arg.split("=", 1)[1]
    return default


def serve(ctx: Context, ports: dict[int, Handler | None], protocol: str = "http") -> Program:
    """Listen on the ports, then idle forever (at the image's idle CPU use)."""
    yield Cpu(ctx.info.idle_cpu_millis)
    for port, handler in ports.items():
        yield Listen(port, handler, protocol if handler is not None else "tcp")
    yield Sleep(None)


def exit_after(
    ms: int, code: int, ctx: Context, lines: Callable[[int], list[str]] | None = None
) -> Program:
    """A shutdown: after ms, print lines(now) and exit with code."""
    if ms:
        yield Sleep(ms)
    for line in lines(ctx.now) if lines else []:
        yield from ctx.say(line)
    return code


NOT_FOUND_GO = HttpResponse(404, "404 page not found\n")
