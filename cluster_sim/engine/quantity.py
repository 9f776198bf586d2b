"""Kubernetes resource quantities: `500m`, `2`, `1Gi`, `128M`, `1e3`.

Same grammar and suffixes as k8s.io/apimachinery/pkg/api/resource (Quantity):
binary suffixes Ki..Ei, decimal suffixes n u m k M G T P E, and decimal exponents.
Values are kept exact with Fraction so `0.1` cpu is exactly 100 millicores.
"""

import re
from fractions import Fraction
from functools import lru_cache

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_QUANTITY = re.compile(
    r"^(?P<sign>[+-]?)(?P<number>\d+(?:\.\d*)?|\.\d+)"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE](?P<exp>[+-]?\d+))?$"
)

# The API server's own error text for an unparsable quantity.
QUANTITY_ERROR = (
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
)


class QuantityError(ValueError):
    pass


def parse_quantity(value) -> Fraction:
    """Parse a quantity (str, int or float) into an exact Fraction of base units."""
    if isinstance(value, bool):
        raise QuantityError(QUANTITY_ERROR)
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(str(value))
    if not isinstance(value, str):
        raise QuantityError(QUANTITY_ERROR)
    match = _QUANTITY.match(value.strip())
    if not match:
        raise QuantityError(QUANTITY_ERROR)
    number = Fraction(match["number"])
    if match["sign"] == "-":
        number = -number
    if match["exp"] is not None:
        return number * Fraction(10) ** int(match["exp"])
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    return number * _DECIMAL[suffix]


def is_valid_quantity(value) -> bool:
    try:
        parse_quantity(value)
    except QuantityError:
        return False
    return True


def cpu_millis(value) -> int:
    """CPU in millicores, rounded up as the API server does (0.0001 cpu -> 1m)."""
    exact = parse_quantity(value) * 1000
    return -((-exact.numerator) // exact.denominator)


def to_bytes(value) -> int:
    """Memory (or any integer resource) in base units, rounded up."""
    exact = parse_quantity(value)
    return -((-exact.numerator) // exact.denominator)


def resource_amount(resource: str, value) -> int:
    """The integer unit the scheduler counts in: millicores for cpu, else base units."""
    if isinstance(value, str):
        return _cached_amount(resource == "cpu", value)
    return cpu_millis(value) if resource == "cpu" else to_bytes(value)


@lru_cache(maxsize=4096)
def _cached_amount(is_cpu: bool, value: str) -> int:
    return cpu_millis(value) if is_cpu else to_bytes(value)


def format_cpu(millis: int) -> str:
    """`1500` -> `1500m`, `2000` -> `2`, as kubectl prints canonical cpu."""
    return str(millis // 1000) if millis % 1000 == 0 else f"{millis}m"


def format_bytes(amount: int) -> str:
    """Canonical binary form when exact (`1Gi`, `512Mi`), else plain bytes."""
    if amount == 0:
        return "0"
    for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki"):
        unit = _BINARY[suffix]
        if amount % unit == 0:
            return f"{amount // unit}{suffix}"
    return str(amount)


def format_resource(resource: str, amount: int) -> str:
    return format_cpu(amount) if resource == "cpu" else format_bytes(amount)
