"""Simulated time and how kubectl prints it.

The simulated clock counts integer milliseconds from EPOCH. Formats follow
k8s.io/apimachinery/pkg/util/duration (HumanDuration) and kubectl describe
(RFC 1123 with numeric zone).
"""

import re
from datetime import UTC, datetime, timedelta
from functools import lru_cache

EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE


def to_datetime(ms: int) -> datetime:
    return EPOCH + timedelta(milliseconds=ms)


@lru_cache(maxsize=8192)
def rfc3339(ms: int) -> str:
    """`2026-01-05T09:00:00Z`: the API's metav1.Time (second precision)."""
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_micro(ms: int) -> str:
    """`2026-01-05T09:00:00.123000Z`: metav1.MicroTime, used by eventTime and leases."""
    return to_datetime(ms).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_rfc3339(text: str) -> int:
    """Milliseconds since EPOCH for a timestamp this module printed."""
    fmt = "%Y-%m-%dT%H:%M:%S.%fZ" if "." in text else "%Y-%m-%dT%H:%M:%SZ"
    moment = datetime.strptime(text, fmt).replace(tzinfo=UTC)
    return int((moment - EPOCH) / timedelta(milliseconds=1))


def describe_time(ms: int) -> str:
    """`Mon, 05 Jan 2026 09:00:00 +0000`, as kubectl describe prints times."""
    return to_datetime(ms).strftime("%a, %d %b %Y %H:%M:%S +0000")


def human_duration(ms: int) -> str:
    """kubectl's AGE column: duration.HumanDuration."""
    seconds = ms // SECOND if ms >= 0 else -((-ms) // SECOND)
    if seconds < -1:
        return "<invalid>"
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        rest = seconds % 60
        return f"{minutes}m" if rest == 0 else f"{minutes}m{rest}s"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        rest = minutes % 60
        return f"{hours}h" if rest == 0 else f"{hours}h{rest}m"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        rest = hours % 24
        return f"{hours // 24}d" if rest == 0 else f"{hours // 24}d{rest}h"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        rest = (hours // 24) % 365
        years = hours // 24 // 365
        return f"{years}y" if rest == 0 else f"{years}y{rest}d"
    return f"{hours // 24 // 365}y"


def exact_duration(ms: int) -> str:
    """A duration to the millisecond, as `sim advance` takes it: `11m30s`, `1h`, `1m0.5s`, `250ms`.

    Go's time.Duration.String() without its zero units (`1h` rather than `1h0m0s`), so
    `parse_duration` reads it back. human_duration is kubectl's deliberately coarse AGE
    (11m30s shows as `11m`); the sim's own messages say exactly how much time passed.
    """
    if ms == 0:
        return "0s"
    sign, ms = ("-", -ms) if ms < 0 else ("", ms)
    if ms < SECOND:
        return f"{sign}{ms}ms"
    hours, rest = divmod(ms, HOUR)
    minutes, rest = divmod(rest, MINUTE)
    seconds, millis = divmod(rest, SECOND)
    text = f"{hours}h" if hours else ""
    text += f"{minutes}m" if minutes else ""
    if seconds or millis:
        fraction = f".{millis:03d}".rstrip("0") if millis else ""
        text += f"{seconds}{fraction}s"
    return sign + text


def age(now_ms: int, then_ms: int | None) -> str:
    return "<unknown>" if then_ms is None else human_duration(now_ms - then_ms)


_UNITS = {"ms": 1, "s": SECOND, "m": MINUTE, "h": HOUR}


def parse_duration(text: str) -> int:
    """Go-style durations as kubectl and `sim advance` accept: `30s`, `5m`, `1h30m`, `250ms`."""
    text = text.strip()
    if text.isdigit():
        return int(text) * SECOND
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f'time: invalid duration "{text}"')
    return int(sum(float(n) * _UNITS[u] for n, u in parts))
