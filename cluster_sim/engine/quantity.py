"""Kubernetes resource quantities: `500m`, `2`, `1Gi`, `128M`, `1e3`.

Same grammar and suffixes as k8s.io/apimachinery/pkg/api/resource (Quantity):
binary suffixes Ki..Ei, decimal suffixes n u m k M G T P E, and decimal exponents.
Values are kept exact with Fraction so `0.1` cpu is exactly 100 millicores.
"""

import math
import re
from dataclasses import dataclass
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


# Quantities as kubectl prints them: resource.Quantity.String() (CanonicalizeBytes)

_QUANTITY_FORM = re.compile(r"^[+-]?[0-9.]+(?:(?P<bin>[KMGTPE]i)|(?P<exp>[eE][+-]?[0-9]+))?")
_BINARY_SUFFIXES = ("", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei")
_DECIMAL_SUFFIXES = {
    -9: "n",
    -6: "u",
    -3: "m",
    0: "",
    3: "k",
    6: "M",
    9: "G",
    12: "T",
    15: "P",
    18: "E",
}
_NANO = 10**9


@dataclass(frozen=True)
class Quantity:
    """An exact amount plus the format family it was written in, like resource.Quantity.

    `str()` gives the canonical form kubectl prints: `500m`, `2`, `128Mi`, `1Gi` for
    `1024Mi`, `1k` for `1000`, `1e3` stays `1e3`. Sums keep the left operand's format.
    """

    value: Fraction
    format: str = "DecimalSI"  # or "BinarySI", "DecimalExponent"

    @classmethod
    def parse(cls, text) -> "Quantity":
        value = Fraction(parse_quantity(text))
        form = "DecimalSI"
        match = _QUANTITY_FORM.match(text.strip()) if isinstance(text, str) else None
        if match and match["bin"]:
            form = "BinarySI"
        elif match and match["exp"]:
            form = "DecimalExponent"
        nanos = value * _NANO
        if nanos.denominator != 1:  # ParseQuantity rounds up (away from zero) to nano units
            nanos = Fraction(math.ceil(nanos) if nanos > 0 else math.floor(nanos))
        return cls(nanos / _NANO, form)

    @classmethod
    def zero(cls) -> "Quantity":
        return cls(Fraction(0))

    def __add__(self, other: "Quantity") -> "Quantity":
        return Quantity(self.value + other.value, self.format)

    def milli_value(self) -> int:
        return math.ceil(self.value * 1000)

    def int_value(self) -> int:
        return math.ceil(self.value)

    def __str__(self) -> str:
        value = self.value
        if value == 0:
            return "0"
        form = self.format
        if form == "BinarySI" and (-1024 < value < 1024 or value.denominator != 1):
            form = "DecimalSI"  # avoid rounding: show the exact decimal amount
        sign = "-" if value < 0 else ""
        if form == "BinarySI":
            number, power = abs(value.numerator), 0
            while power < 6 and number % 1024 == 0:
                number, power = number // 1024, power + 1
            return f"{sign}{number}{_BINARY_SUFFIXES[power]}"
        mantissa, exponent = int(abs(value) * _NANO), -9
        while exponent < 18 and mantissa % 1000 == 0:
            mantissa, exponent = mantissa // 1000, exponent + 3
        if form == "DecimalExponent":
            suffix = f"e{exponent}" if exponent else ""
        else:
            suffix = _DECIMAL_SUFFIXES[exponent]
        return f"{sign}{mantissa}{suffix}"
