"""`kubectl get -o json|yaml|name`, byte for byte.

kubectl prints unstructured objects (maps), so keys always come out sorted.
JSON: cli-runtime printers/json.go, i.e. Go's json.MarshalIndent(obj, "", "    ") plus a
newline, with Go's string escaping (`<`, `>`, `&` become \\u003c, \\u003e, \\u0026).
YAML: cli-runtime printers/yaml.go, i.e. sigs.k8s.io/yaml (JSON, then go-yaml v2's emitter
with line wrapping off): block style, two-space indent, sequences not indented under their
key, a string quoted only when it would otherwise read back as another type or is not
plain-safe ("80", "true", "2026-01-05T09:00:00Z", "" are double-quoted; ': x' or '*' get
single quotes), multi-line strings as `|` blocks, and no `---` before the first document.
"""

import math
import re
import unicodedata
from decimal import Decimal
from functools import cmp_to_key

# ---------------------------------------------------------------------------
# -o name and list wrapping


def list_wrapper(items: list[dict]) -> dict:
    """The v1 List kubectl prints for -o json|yaml of several objects."""
    return {
        "apiVersion": "v1",
        "items": list(items),
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    }


def kind_prefix_of(obj: dict) -> str:
    """`pod`, `deployment.apps`: lower-case kind, dot, API group (none for the core group)."""
    api_version = obj.get("apiVersion", "v1")
    group = api_version.split("/")[0] if "/" in api_version else ""
    kind = obj.get("kind", "").lower()
    return f"{kind}.{group}" if group else kind


def to_name(objects: list[dict], kind_prefix: str | None = None) -> str:
    """-o name: one `kind.group/name` line per object."""
    lines = []
    for obj in objects:
        prefix = kind_prefix or kind_prefix_of(obj)
        lines.append(f"{prefix}/{obj.get('metadata', {}).get('name', '')}\n")
    return "".join(lines)


# ---------------------------------------------------------------------------
# JSON

_JSON_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_JSON_SPECIAL = re.compile('["\\\\\x00-\x1f<>&\u2028\u2029]')


def _json_string(text: str) -> str:
    def escape(match):
        ch = match.group()
        return _JSON_ESCAPES.get(ch) or f"\\u{ord(ch):04x}"

    return '"' + _JSON_SPECIAL.sub(escape, text) + '"'


def _shortest(value: float) -> tuple[str, str, int]:
    """(sign, digits, exponent) with value = sign 0.digits x 10^exponent, shortest round-trip."""
    sign, digits, exponent = Decimal(repr(value)).normalize().as_tuple()
    text = "".join(map(str, digits))
    return ("-" if sign else ""), text, len(text) + exponent


def _fixed(sign: str, digits: str, point: int) -> str:
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return f"{sign}{digits[:point]}.{digits[point:]}"


def _scientific(sign: str, digits: str, point: int) -> str:
    mantissa = digits[0] + (f".{digits[1:]}" if len(digits) > 1 else "")
    exponent = point - 1
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def go_json_float(value: float) -> str:
    """encoding/json's float64: %f style, %e below 1e-6 or from 1e21 (e-07 becomes e-7)."""
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"json: unsupported value: {value!r}")
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, point = _shortest(value)
    if abs(value) < 1e-6 or abs(value) >= 1e21:
        return re.sub(r"e([-+])0(\d)$", r"e\1\2", _scientific(sign, digits, point))
    return _fixed(sign, digits, point)


def go_format_g(value: float) -> str:
    """strconv.FormatFloat(f, 'g', -1, 64), as go-yaml writes floats."""
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign, digits, point = _shortest(value)
    exponent = point - 1
    if exponent < -4 or exponent >= 6:  # shortest precision: %e decided against 6
        return _scientific(sign, digits, point)
    return _fixed(sign, digits, point)


def _json(value, level: int, out: list[str], sort: bool = True) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(str(value))
    elif isinstance(value, float):
        out.append(go_json_float(value))
    elif isinstance(value, str):
        out.append(_json_string(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        for i, key in enumerate(sorted(value) if sort else value):
            out.append(
                ("," if i else "") + "\n" + "    " * (level + 1) + _json_string(str(key)) + ": "
            )
            _json(value[key], level + 1, out, sort)
        out.append("\n" + "    " * level + "}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        out.append("[")
        for i, item in enumerate(value):
            out.append(("," if i else "") + "\n" + "    " * (level + 1))
            _json(item, level + 1, out, sort)
        out.append("\n" + "    " * level + "]")
    else:
        raise TypeError(f"json: unsupported type: {type(value).__name__}")


def to_json(obj, sort_keys: bool = True) -> str:
    """kubectl get -o json. Objects kubectl builds itself (`create --dry-run=client`) are
    typed Go structs and keep their fields in struct order: pass sort_keys=False."""
    out: list[str] = []
    _json(obj, 0, out, sort_keys)
    return "".join(out) + "\n"


# ---------------------------------------------------------------------------
# YAML: when a string needs quotes (go-yaml v2 resolve.go and encode.go stringv)

_WORDS = "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF"
_SPECIAL = "~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF"
# resolve.go resolveMap: the plain scalars that read back as bools, nulls and special floats.
_BOOL_NULL_WORDS = frozenset(_WORDS.split(" ")) | frozenset(_SPECIAL.split(" ")) | {""}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_LEADING_DOT_FLOAT = re.compile(r"^\.[0-9]+([eE][-+]?[0-9]+)?$")
_BASE60 = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_GO_INT = re.compile(r"^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$")
_TIMESTAMP = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))"
    r"|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$"
)


_MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _valid_date_time(match) -> bool:
    year, month, day = (int(match.group(i)) for i in (1, 2, 3))
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = 29 if month == 2 and leap else _MONTH_DAYS[month - 1]
    if not 1 <= day <= days:
        return False
    clock = [g for g in match.groups()[3:] if g is not None]
    return not clock or (int(clock[0]) < 24 and int(clock[1]) < 60 and int(clock[2]) < 60)


def _resolves_to_non_string(text: str) -> bool:
    """go-yaml v2 resolve(): would this plain scalar read back as bool/int/float/null/time?"""
    if text in _BOOL_NULL_WORDS:
        return True
    first = text[0]
    if first == ".":
        return bool(_LEADING_DOT_FLOAT.match(text))
    if first not in "+-0123456789":
        return False
    match = _TIMESTAMP.match(text)
    if match and _valid_date_time(match):
        return True
    plain = text.replace("_", "")
    if _GO_INT.match(plain):
        return True
    if _YAML_FLOAT.match(plain):
        return not math.isinf(float(plain))
    return plain.startswith(("0b", "-0b")) and bool(re.fullmatch(r"-?0b[01]+", plain))


# ---------------------------------------------------------------------------
# YAML: the emitter's scalar analysis (emitterc.go yaml_emitter_analyze_scalar)

_BREAKS = "\r\n\x85\u2028\u2029"


def _printable(ch: str) -> bool:
    c = ord(ch)
    return (
        c == 0x0A
        or 0x20 <= c <= 0x7E
        or 0xA0 <= c <= 0xD7FF
        or (0xE000 <= c <= 0xFFFD and c != 0xFEFF)
    )


def _analyze(value: str) -> dict:
    if not value:
        return {"multiline": False, "block_plain": True, "single": True, "block": False}
    block_ind = value.startswith(("---", "..."))
    line_breaks = special = False
    leading_space = leading_break = trailing_space = trailing_break = False
    break_space = space_break = previous_space = previous_break = False
    preceded_by_ws = True
    last = len(value) - 1
    for i, ch in enumerate(value):
        followed_by_ws = i == last or value[i + 1] in " \t"
        if i == 0:
            if ch in "#,[]{}&*!|>'\"%@`" or (ch in "?:-" and followed_by_ws):
                block_ind = True
        elif (ch == ":" and followed_by_ws) or (ch == "#" and preceded_by_ws):
            block_ind = True
        if not _printable(ch):
            special = True
        if ch == " ":
            leading_space = leading_space or i == 0
            trailing_space = trailing_space or i == last
            break_space = break_space or previous_break
            previous_space, previous_break = True, False
        elif ch in _BREAKS:
            line_breaks = True
            leading_break = leading_break or i == 0
            trailing_break = trailing_break or i == last
            space_break = space_break or previous_space
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_ws = ch in " \t" or ch in _BREAKS
    block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        block_plain = False
    if trailing_space:
        block = False
    if break_space:
        block_plain = single = False
    if space_break or special:
        block_plain = single = block = False
    if line_breaks or block_ind:
        block_plain = False
    return {"multiline": line_breaks, "block_plain": block_plain, "single": single, "block": block}


_DOUBLE_ESCAPES = {
    "\x00": "0", "\x07": "a", "\x08": "b", "\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f",
    "\r": "r", "\x1b": "e", '"': '"', "\\": "\\", "\x85": "N", "\xa0": "_", "\u2028": "L",
    "\u2029": "P",
}  # fmt: skip


def _double_quoted(value: str) -> str:
    out = ['"']
    for ch in value:
        if not _printable(ch) or ch == "\ufeff" or ch in _BREAKS or ch in '"\\':
            code = ord(ch)
            if ch in _DOUBLE_ESCAPES:
                out.append("\\" + _DOUBLE_ESCAPES[ch])
            elif code <= 0xFF:
                out.append(f"\\x{code:02X}")
            elif code <= 0xFFFF:
                out.append(f"\\u{code:04X}")
            else:
                out.append(f"\\U{code:08X}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _scalar_style(value: str, is_key: bool) -> tuple[str, dict]:
    """encode.go stringv + emitterc.go yaml_emitter_select_scalar_style."""
    facts = _analyze(value)
    if "\n" in value:
        style = "literal"
    elif _resolves_to_non_string(value) or (value[:1] in "+-0123456789" and _BASE60.match(value)):
        style = "double"
    else:
        style = "plain"
    if is_key and facts["multiline"]:
        style = "double"
    if style == "plain" and (not facts["block_plain"] or (not value and is_key)):
        style = "single"
    if style == "single" and not facts["single"]:
        style = "double"
    if style == "literal" and (not facts["block"] or is_key):
        style = "double"
    if style == "single" and ("\u2028" in value or "\u2029" in value):
        style = "double"  # single-quoted line folding is not modelled; keep it on one line
    return style, facts


def _literal(value: str, indent: int) -> list[str]:
    """A `|` block scalar: hints for leading space and chomping, content at `indent`."""
    hints = "2" if value[:1] == " " or value[:1] in _BREAKS else ""
    if not value.endswith("\n"):
        hints += "-"
    elif len(value) == 1 or value[-2] in _BREAKS:
        hints += "+"
    body = value[:-1] if value.endswith("\n") else value
    lines = ["|" + hints]
    for line in body.split("\n"):
        lines.append(" " * indent + line if line else "")
    return lines


def _scalar_lines(value: str, indent: int, is_key: bool = False) -> list[str]:
    style, _ = _scalar_style(value, is_key)
    if style == "plain":
        return [value]
    if style == "single":
        return ["'" + value.replace("'", "''") + "'"]
    if style == "literal":
        return _literal(value, indent)
    return [_double_quoted(value)]


def _yaml_scalar(value, indent: int) -> list[str]:
    if value is None:
        return ["null"]
    if value is True:
        return ["true"]
    if value is False:
        return ["false"]
    if isinstance(value, int):
        return [str(value)]
    if isinstance(value, float):
        # JSON first, then go-yaml reads it back: an int64/uint64-sized integer stays an int.
        text = go_json_float(value)
        if _GO_INT.match(text) and -(2**63) <= int(text) < 2**64:
            return [str(int(text))]
        return [go_format_g(value)]
    return _scalar_lines(str(value), indent)


# ---------------------------------------------------------------------------
# YAML: key order (go-yaml v2 sorter.go keyList.Less) and block layout


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch).startswith("L")


def _is_digit(ch: str) -> bool:
    return unicodedata.category(ch) == "Nd"


def _key_compare(a: str, b: str) -> int:
    """Letters after other runes, digit runs compared as numbers (`a9` before `a10`)."""
    for i in range(min(len(a), len(b))):
        if a[i] == b[i]:
            continue
        a_letter, b_letter = _is_letter(a[i]), _is_letter(b[i])
        if a_letter and b_letter:
            return -1 if a[i] < b[i] else 1
        if a_letter or b_letter:
            return -1 if b_letter else 1
        a_num = b_num = 0
        if a[i] == "0" or b[i] == "0":
            j = i - 1
            while j >= 0 and _is_digit(a[j]):
                if a[j] != "0":
                    a_num = b_num = 1
                    break
                j -= 1
        a_end = i
        while a_end < len(a) and _is_digit(a[a_end]):
            a_num = a_num * 10 + unicodedata.digit(a[a_end])
            a_end += 1
        b_end = i
        while b_end < len(b) and _is_digit(b[b_end]):
            b_num = b_num * 10 + unicodedata.digit(b[b_end])
            b_end += 1
        if a_num != b_num:
            return -1 if a_num < b_num else 1
        if a_end != b_end:
            return -1 if a_end < b_end else 1
        return -1 if a[i] < b[i] else 1
    return (len(a) > len(b)) - (len(a) < len(b))


def _is_block(value) -> bool:
    return isinstance(value, dict | list | tuple) and len(value) > 0


def _empty_collection(value) -> str | None:
    if isinstance(value, dict) and not value:
        return "{}"
    if isinstance(value, list | tuple) and not value:
        return "[]"
    return None


def _value_lines(value, indent: int) -> list[str]:
    """A scalar or empty collection written after `key: ` or `- `, block scalars at indent."""
    empty = _empty_collection(value)
    return [empty] if empty is not None else _yaml_scalar(value, indent)


def _inline(prefix: str, lines: list[str], indent: int) -> list[str]:
    """Put a nested block's first line right after `- ` (or `: `) at the parent's indent."""
    first = lines[0]
    return [" " * indent + prefix + first[indent + len(prefix) :], *lines[1:]]


def _block_lines(value, indent: int) -> list[str]:
    lines: list[str] = []
    pad = " " * indent
    if isinstance(value, dict):
        for key in sorted(value, key=cmp_to_key(_key_compare)):
            key_text = str(key)
            item = value[key]
            style, facts = _scalar_style(key_text, is_key=True)
            key_lines = _scalar_lines(key_text, indent + 2, is_key=True)
            simple = not facts["multiline"] and len(key_text.encode()) <= 128
            if simple:
                head = pad + key_lines[0] + ":"
                if isinstance(item, dict) and item:
                    lines.append(head)
                    lines.extend(_block_lines(item, indent + 2))
                elif isinstance(item, list | tuple) and item:
                    lines.append(head)
                    lines.extend(_block_lines(item, indent))  # sequences are not indented
                else:
                    scalar = _value_lines(item, indent + 2)
                    lines.append(head + " " + scalar[0])
                    lines.extend(scalar[1:])
            else:  # a complex key: `? key` then `: value`
                lines.append(pad + "? " + key_lines[0])
                lines.extend(key_lines[1:])
                if _is_block(item):
                    lines.extend(_inline(": ", _block_lines(item, indent + 2), indent))
                else:
                    scalar = _value_lines(item, indent + 2)
                    lines.append(pad + ": " + scalar[0])
                    lines.extend(scalar[1:])
    else:
        for item in value:
            if _is_block(item):
                lines.extend(_inline("- ", _block_lines(item, indent + 2), indent))
            else:
                scalar = _value_lines(item, indent + 2)
                lines.append(pad + "- " + scalar[0])
                lines.extend(scalar[1:])
    return lines


def to_yaml(obj) -> str:
    """kubectl get -o yaml (one document, no `---`)."""
    if _is_block(obj):
        lines = _block_lines(obj, 0)
    else:
        lines = _value_lines(obj, 2)
    return "\n".join(lines) + "\n"
