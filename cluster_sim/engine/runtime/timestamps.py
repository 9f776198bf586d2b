"""Timestamps as programs print them, from simulated milliseconds (never the host clock).

The container's clock is the cluster's (cluster_sim.engine.timefmt.EPOCH + ms), in UTC.
A small strftime of our own keeps output identical on every platform.
"""

from functools import lru_cache

from ..timefmt import to_datetime

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip
DEFAULT_DATE = "%a %b %e %H:%M:%S UTC %Y"  # date(1) in the C locale


def strftime(ms: int, fmt: str) -> str:
    if "%N" in fmt:
        return _strftime(ms, fmt)
    # Servers stamp every request: many lines share a second, so format each second once.
    return _strftime_second(ms // 1000, fmt)


@lru_cache(maxsize=4096)
def _strftime_second(second: int, fmt: str) -> str:
    return _strftime(second * 1000, fmt)


def _strftime(ms: int, fmt: str) -> str:
    moment = to_datetime(ms)
    values = {
        "Y": f"{moment.year}", "y": f"{moment.year % 100:02d}", "m": f"{moment.month:02d}",
        "d": f"{moment.day:02d}", "e": f"{moment.day:>2}", "H": f"{moment.hour:02d}",
        "I": f"{(moment.hour % 12) or 12:02d}", "M": f"{moment.minute:02d}",
        "S": f"{moment.second:02d}", "p": "AM" if moment.hour < 12 else "PM",
        "a": _DAYS[moment.weekday()][:3], "A": _DAYS[moment.weekday()],
        "b": _MONTHS[moment.month - 1][:3], "h": _MONTHS[moment.month - 1][:3],
        "B": _MONTHS[moment.month - 1], "j": f"{moment.timetuple().tm_yday:03d}",
        "Z": "UTC", "z": "+0000", "s": f"{int(moment.timestamp())}",
        "N": f"{moment.microsecond * 1000:09d}", "n": "\n", "t": "\t", "%": "%",
        "u": f"{moment.isoweekday()}", "w": f"{moment.isoweekday() % 7}",
    }  # fmt: skip
    values["T"] = f"{values['H']}:{values['M']}:{values['S']}"
    values["D"] = f"{values['m']}/{values['d']}/{values['y']}"
    values["F"] = f"{values['Y']}-{values['m']}-{values['d']}"
    values["R"] = f"{values['H']}:{values['M']}"
    out = []
    i = 0
    while i < len(fmt):
        if fmt[i] == "%" and i + 1 < len(fmt):
            key = fmt[i + 1]
            out.append(values.get(key, "%" + key))
            i += 2
        else:
            out.append(fmt[i])
            i += 1
    return "".join(out)


def format_date(ms: int, fmt: str | None = None) -> str:
    return strftime(ms, fmt if fmt is not None else DEFAULT_DATE)


def micros(ms: int) -> str:
    """`.123000`-style fraction derived from ms."""
    return f"{(ms % 1000) * 1000:06d}"
