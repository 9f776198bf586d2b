"""Cron schedules as the CronJob controller reads them: robfig/cron/v3's ParseStandard.

Five fields (minute, hour, day of month, month, day of week) of lists, ranges, steps
(`*/15`, `1-30/5`, `5/10` meaning 5-max/10), `*` or `?`, and month and weekday names
(JAN-DEC, SUN-SAT, any case); or a descriptor: @yearly, @annually, @monthly, @weekly,
@daily, @midnight, @hourly and `@every <duration>`. When both day fields are restricted a
day matches either (cron's rule); when one is `*` both must match. Error texts are the
library's, which the controller and validation quote.

Time zones: a schedule is read on the wall clock of its zone (the CronJob's `timeZone`,
or a `CRON_TZ=`/`TZ=` prefix), any IANA zone (zoneinfo, the tzdata package as a fallback),
daylight saving included; without one, UTC (the simulated controller manager's zone).
"""

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_NAMES = ("UTC", "Etc/UTC", "Etc/Universal", "Universal", "Zulu", "Etc/Zulu")
MONTHS = {
    n: i
    for i, n in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
WEEKDAYS = {n: i for i, n in enumerate(["sun", "mon", "tue", "wed", "thu", "fri", "sat"])}
# name, min, max, names
_BOUNDS = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("dom", 1, 31, {}),
    ("month", 1, 12, MONTHS),
    ("dow", 0, 6, WEEKDAYS),
)
_DESCRIPTORS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
YEARS_SEARCHED = 5  # SpecSchedule.Next gives up after five years (a 30 Feb schedule)


class CronError(ValueError):
    """A schedule robfig/cron cannot parse; str() is the library's message."""


@dataclass(frozen=True)
class Field:
    values: frozenset[int]
    star: bool  # `*` or `?` (starBit): for the day fields, it changes how they combine


@dataclass(frozen=True)
class SpecSchedule:
    minute: Field
    hour: Field
    dom: Field
    month: Field
    dow: Field
    zone: tzinfo = UTC

    def next(self, after: datetime) -> datetime | None:
        """The first matching minute strictly after `after` (SpecSchedule.Next), on the
        zone's wall clock; None if none comes within five years. UTC out."""
        found = self._next_local(after.astimezone(self.zone).replace(tzinfo=None))
        if found is None:
            return None
        return found.replace(tzinfo=self.zone).astimezone(UTC)

    def _next_local(self, after: datetime) -> datetime | None:
        t = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
        limit = t.year + YEARS_SEARCHED
        while t.year <= limit:
            if t.month not in self.month.values:
                t = (t.replace(day=1, hour=0, minute=0) + timedelta(days=32)).replace(day=1)
                continue
            if not self._day_matches(t):
                t = t.replace(hour=0, minute=0) + timedelta(days=1)
                continue
            if t.hour not in self.hour.values:
                t = t.replace(minute=0) + timedelta(hours=1)
                continue
            if t.minute not in self.minute.values:
                t += timedelta(minutes=1)
                continue
            return t
        return None

    def _day_matches(self, t: datetime) -> bool:
        dom = t.day in self.dom.values
        dow = (t.weekday() + 1) % 7 in self.dow.values  # Go counts Sunday as 0
        if self.dom.star or self.dow.star:
            return dom and dow
        return dom or dow


@dataclass(frozen=True)
class EverySchedule:
    """`@every 90m`: ConstantDelaySchedule, whole seconds, at least one."""

    seconds: int

    def next(self, after: datetime) -> datetime:
        return after.replace(microsecond=0) + timedelta(seconds=self.seconds)


def parse_standard(spec: str, zone: tzinfo | None = None):
    """cron.ParseStandard: a SpecSchedule or an EverySchedule, or CronError. `zone`: the
    CronJob's timeZone (the controller prefixes CRON_TZ=<zone>); a prefix in the
    schedule itself wins, as it would in the text the controller parses."""
    if not spec:
        raise CronError("empty spec string")
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        space = spec.find(" ")
        name = spec[spec.index("=") + 1 : space if space >= 0 else len(spec)]
        zone = load_time_zone(name, f"provided bad location {name}: ")
        spec = spec[space:].strip() if space >= 0 else ""
    if spec.startswith("@"):
        schedule = _descriptor(spec)
    else:
        fields = spec.split()
        if len(fields) != 5:
            raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
        schedule = SpecSchedule(
            *[_field(text, bounds) for text, bounds in zip(fields, _BOUNDS, strict=True)]
        )
    if zone is not None and isinstance(schedule, SpecSchedule):
        schedule = replace(schedule, zone=zone)
    return schedule


def load_time_zone(name: str, prefix: str = "") -> tzinfo:
    """time.LoadLocation: "" and UTC are UTC; Local is the controller manager's zone,
    UTC here; anything else must be an IANA zone name."""
    if name in ("", "Local", *UTC_NAMES):
        return UTC
    try:
        if name.startswith("/") or ".." in name:
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CronError(f"{prefix}unknown time zone {name}") from None


def check_time_zone(zone: str, prefix: str = "") -> None:
    load_time_zone(zone, prefix)


def _descriptor(spec: str):
    if spec in _DESCRIPTORS:
        return parse_standard(_DESCRIPTORS[spec])
    if spec.startswith("@every "):
        text = spec[len("@every ") :]
        seconds = go_duration_seconds(text)
        if seconds is None:
            raise CronError(f'failed to parse duration {spec}: time: invalid duration "{text}"')
        return EverySchedule(max(1, int(seconds)))
    raise CronError(f"unrecognized descriptor: {spec}")


_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "s": 1,
    "m": 60,
    "h": 3600,
}


def go_duration_seconds(text: str) -> float | None:
    """time.ParseDuration for non-negative durations (`1h30m`, `90s`, `1.5h`)."""
    body = text.lstrip("+")
    if body == "0":
        return 0.0
    total, position = 0.0, 0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None:
            return None
        total += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    return total if body else None


def _field(text: str, bounds) -> Field:
    values: set[int] = set()
    star = False
    for expr in text.split(","):
        found, is_star = _range(expr, bounds)
        values |= found
        star = star or is_star
    return Field(frozenset(values), star)


def _range(expr: str, bounds) -> tuple[set[int], bool]:
    """getRange: `*`, `?`, `N`, `N-M`, each with an optional `/step`."""
    _, low, high, names = bounds
    range_and_step = expr.split("/")
    low_and_high = range_and_step[0].split("-")
    single = len(low_and_high) == 1
    star = False
    if low_and_high[0] in ("*", "?"):
        start, end, star = low, high, True
    else:
        start = _int_or_name(low_and_high[0], names)
        if len(low_and_high) == 1:
            end = start
        elif len(low_and_high) == 2:
            end = _int_or_name(low_and_high[1], names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    if len(range_and_step) == 1:
        step = 1
    elif len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if single:  # "N/step" means "N-max/step"
            end = high
        if step > 1:
            star = False
    else:
        raise CronError(f"too many slashes: {expr}")
    if start < low:
        raise CronError(f"beginning of range ({start}) below minimum ({low}): {expr}")
    if end > high:
        raise CronError(f"end of range ({end}) above maximum ({high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return set(range(start, end + 1, step)), star


def _int_or_name(text: str, names: dict) -> int:
    if text.lower() in names:
        return names[text.lower()]
    return _int(text)


def _int(text: str) -> int:
    """mustParseInt (strconv.Atoi, then no negatives)."""
    if not re.fullmatch(r"[+-]?\d+", text):
        raise CronError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
        )
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number
