"""Errors worded exactly as the API server and kubectl word them.

Field errors follow k8s.io/apimachinery/pkg/util/validation/field/errors.go
(`<path>: <Type>: <value>: <detail>`); the "is invalid" block follows kubectl's
checkErr/MultilineError (kubectl pkg/cmd/util/helpers.go).
"""

import json
import math
from dataclasses import dataclass

# field.ErrorType.String() values.
REQUIRED = "Required value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
DUPLICATE = "Duplicate value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
NOT_FOUND = "Not found"

# Types whose ErrorBody never prints the value (errors.go, ErrorBody's first cases).
_VALUELESS = {REQUIRED, FORBIDDEN, TOO_LONG}


class ManifestError(Exception):
    """Input kubectl refuses before sending anything; str() is kubectl's whole message.

    `documents` holds the objects parsed before the failure: kubectl still applies those.
    For a YAML or JSON syntax error, `line` and `column` (both from 1, the column in
    characters) place the problem in the text given to parse_manifests, so an editor can
    mark it; kubectl's own message keeps go-yaml's or encoding/json's wording (a document's
    line number, a byte offset). They are None when the error has no place in the text.
    """

    def __init__(
        self,
        message: str,
        documents: list | None = None,
        *,
        line: int | None = None,
        column: int | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.documents = documents or []
        self.line = line
        self.column = column


class Omitted:
    """Marker for a BadValue upstream omits (field.TooMany with an unknown count)."""

    def __repr__(self):
        return "OMIT"


OMIT = Omitted()


def go_quote(text: str) -> str:
    """strconv.Quote: JSON-like escaping, but Go's escapes for control characters."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in GO_ESCAPES:
            out.append(GO_ESCAPES[ch])
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif not ch.isprintable() and code > 0x7F:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


GO_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
}


def go_float(value: float) -> str:
    """%v of a float64: strconv 'g' with shortest digits, exponent form when exp < -4 or >= 6."""
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if math.isnan(value):
        return "NaN"
    if value == 0:
        return "0"
    digits, exp = _shortest(value)
    sign = "-" if value < 0 else ""
    if exp < -4 or exp >= 6:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    return sign + _plain(digits, exp)


def go_json_float(value: float) -> str:
    """encoding/json's literal for a float64: plain form in [1e-6, 1e21), else 'e' form."""
    if value == 0:
        return "0"
    digits, exp = _shortest(value)
    sign = "-" if value < 0 else ""
    if 1e-6 <= abs(value) < 1e21:
        return sign + _plain(digits, exp)
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exp < 0 else '+'}{abs(exp)}"


def _shortest(value: float) -> tuple[str, int]:
    """Shortest round-trip digits and decimal exponent (value = 0.d1d2... * 10**(exp+1))."""
    text = f"{abs(value):.17e}"
    for precision in range(1, 18):
        candidate = f"{abs(value):.{precision - 1}e}"
        if float(candidate) == abs(value):
            text = candidate
            break
    mantissa, exp = text.split("e")
    return mantissa.replace(".", "").rstrip("0") or "0", int(exp)


def _plain(digits: str, exp: int) -> str:
    if exp < 0:
        return "0." + "0" * (-exp - 1) + digits
    if len(digits) <= exp + 1:
        return digits + "0" * (exp + 1 - len(digits))
    return digits[: exp + 1] + "." + digits[exp + 1 :]


def go_json(value) -> str:
    """encoding/json.Marshal: sorted keys, no spaces, HTML-safe escapes."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_value(value) -> str:
    """How ErrorBody renders a bad value: simple types bare, strings %q, the rest as JSON.

    Kubernetes >= 1.34 prints composite values as JSON (`{"app":"web"}`); older
    servers printed Go syntax (`map[string]string{"app":"web"}`).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return go_quote(value)
    return go_json(value)


@dataclass(frozen=True)
class FieldError:
    """One field.Error: the path, its type, the offending value and the detail."""

    type: str
    field: str
    value: object = OMIT
    detail: str = ""

    def body(self) -> str:
        if self.type in _VALUELESS or self.value is OMIT:
            text = self.type
        else:
            text = f"{self.type}: {render_value(self.value)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def required(path: str, detail: str = "") -> FieldError:
    return FieldError(REQUIRED, path, "", detail)


def invalid(path: str, value, detail: str) -> FieldError:
    return FieldError(INVALID, path, value, detail)


def not_supported(path: str, value, valid: list[str]) -> FieldError:
    detail = ""
    if valid:
        detail = "supported values: " + ", ".join(go_quote(v) for v in valid)
    return FieldError(NOT_SUPPORTED, path, value, detail)


def duplicate(path: str, value) -> FieldError:
    return FieldError(DUPLICATE, path, value)


def forbidden(path: str, detail: str) -> FieldError:
    return FieldError(FORBIDDEN, path, "", detail)


def too_long(path: str, max_length: int) -> FieldError:
    return FieldError(TOO_LONG, path, "", f"must have at most {max_length} bytes")


def too_many(path: str, actual: int, maximum: int) -> FieldError:
    return FieldError(TOO_MANY, path, actual, f"must have at most {maximum} items")


def invalid_message(kind: str, name: str, errors: list[FieldError]) -> str:
    """kubectl's text for a 422 Invalid: `The Kind "name" is invalid: ...`.

    checkErr dedupes identical causes and lists several as `\n* cause` lines.
    """
    causes = list(dict.fromkeys(str(err) for err in errors))
    head = f"The {kind} {go_quote(name)} is invalid: "
    if len(causes) == 1:
        return head + causes[0]
    return head + "\n" + "\n".join(f"* {cause}" for cause in causes)


def display_source(source: str) -> str:
    """kubectl names standard input STDIN in its messages (cli-runtime FileVisitorForSTDIN)."""
    return "STDIN" if source in ("-", "") else source


def bad_request(kind: str, version: str, detail: str, source: str, verb: str) -> str:
    """A decode failure: apiserver transformDecodeError wrapped by kubectl AddSourceToErr."""
    where = go_quote(display_source(source))
    return (
        f"Error from server (BadRequest): error when {verb} {where}: "
        f"{kind} in version {go_quote(version)} cannot be handled as a {kind}: {detail}"
    )


# The message for an apiVersion/kind the server does not serve (cli-runtime mapper.go
# infoForData + apimachinery meta.NoKindMatchError). Fill with kind_not_found().
KIND_NOT_FOUND = (
    "error: resource mapping not found for name: {name} namespace: {namespace} "
    "from {source}: no matches for kind {kind} in version {version}\n"
    "ensure CRDs are installed first"
)


def kind_not_found(name: str, namespace: str, source: str, kind: str, api_version: str) -> str:
    return KIND_NOT_FOUND.format(
        name=go_quote(name),
        namespace=go_quote(namespace),
        source=go_quote(display_source(source)),
        kind=go_quote(kind),
        version=go_quote(api_version),
    )
