"""parse_manifests: the text of `kubectl apply -f FILE` to a list of objects.

Mirrors kubectl's path: apimachinery util/yaml YAMLOrJSONDecoder (a leading `{`
means a JSON stream, otherwise YAML documents split on `---` lines), sigs.k8s.io/yaml
for each document, then cli-runtime's StreamVisitor checks (validation of
apiVersion/kind) and List flattening. Error texts are kubectl's, `error: ` included.
"""

import json
import re

from .errors import ManifestError, display_source, go_json, go_quote
from .goyaml import MAX_DEPTH, JSONUnsupported, YAMLProblem, load_document

MAX_REQUEST_BYTES = 3 * 1024 * 1024  # the API server's request body limit (3 MiB)
_STOP_VALIDATE = "if you choose to ignore these errors, turn validation off with --validate=false"


def parse_manifests(text: str | bytes, source: str = "-", *, strict_keys: bool = False) -> list:
    """Every object in `text`, in order, `kind: List` expanded; raise ManifestError.

    Duplicate mapping keys keep the last value, as kubectl does (sigs.k8s.io/yaml is not
    strict); `strict_keys=True` refuses them with go-yaml v3's wording instead.
    """
    name = display_source(source)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    size = len(text.encode("utf-8"))
    if size > MAX_REQUEST_BYTES:
        raise ManifestError(
            f"Error from server (RequestEntityTooLarge): error when creating {go_quote(name)}: "
            f"Request entity too large: limit is {MAX_REQUEST_BYTES}"
        )
    if text.lstrip().startswith("{"):
        documents, failure = _collect(_json_stream(text))
        if failure is not None and _looks_like_flow_yaml(str(failure)):
            # Flow-style YAML (`{apiVersion: v1, ...}`) also starts with "{": read it as
            # YAML when it is not JSON, and report the JSON error if it is neither.
            yaml_documents, yaml_failure = _collect(_yaml_stream(text, strict_keys))
            if yaml_failure is None:
                documents, failure = yaml_documents, None
    else:
        documents, failure = _collect(_yaml_stream(text, strict_keys))
    objects: list = []
    try:
        for document in documents:
            if document is None:
                continue  # empty documents and `null` are skipped, as kubectl does
            objects.extend(_objects_in(document, name))
    except _InvalidError as exc:
        raise ManifestError(str(exc), objects) from None
    if failure is not None:
        line, column = failure.line, failure.column
        if line is not None and line > text.count("\n") + 1:  # at the end of the text
            line = text.count("\n") + 1
            column = len(text) - (text.rfind("\n") + 1) + 1
        raise ManifestError(
            f"error: error parsing {name}: {failure}", objects, line=line, column=column
        )
    return objects


class _ParseError(Exception):
    """A syntax error; `line` and `column` (from 1) place it in the whole text, or are None."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.line = line
        self.column = column

    @classmethod
    def at(cls, message: str, text: str, position: int) -> "_ParseError":
        """At a character offset of the text."""
        line = text.count("\n", 0, position) + 1
        return cls(message, line, position - (text.rfind("\n", 0, position) + 1) + 1)


def _looks_like_flow_yaml(json_error: str) -> bool:
    """A JSON error at an unquoted word (`{kind: Pod}`) suggests flow-style YAML."""
    found = re.search(r"invalid character '(.)'", json_error)
    return bool(found) and (found.group(1).isalnum() or found.group(1) in "_-./")


def _collect(documents) -> tuple[list, "_ParseError | None"]:
    """The documents read before the first parse error, and that error (or None)."""
    read = []
    try:
        for document in documents:
            read.append(document)
    except _ParseError as exc:
        return read, exc
    return read, None


class _InvalidError(Exception):
    pass


# --- YAML ---------------------------------------------------------------------------


def _split_documents(text: str):
    """apimachinery YAMLReader.Read: a line starting `---` ends a document.

    Only spaces or a comment may follow the dashes; line numbers in go-yaml's errors
    therefore count from the line after the separator. Yields (document, index of its
    first line in the text).
    """
    buffer: list[str] = []
    first = 0
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for index, line in enumerate(lines):
        line = line.removesuffix("\r")  # bufio.ReadLine drops "\r\n" as well as "\n"
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest and not rest.startswith("#"):
                column = 4 + len(line[3:]) - len(line[3:].lstrip())
                raise _ParseError(f"invalid Yaml document separator: {rest}", index + 1, column)
            if buffer:
                yield "\n".join(buffer) + "\n", first
                buffer = []
            first = index + 1
            continue
        buffer.append(line)
    if buffer:
        yield "\n".join(buffer) + "\n", first


def _yaml_stream(text: str, strict_keys: bool):
    for chunk, first_line in _split_documents(text):
        try:
            yield load_document(chunk, strict_keys=strict_keys)
        except (YAMLProblem, JSONUnsupported) as exc:
            if isinstance(exc, YAMLProblem):
                prefix = "yaml: " if exc.yaml_prefix else ""
                message = f"error converting YAML to JSON: {prefix}{exc.text}"
            else:
                message = f"error converting YAML to JSON: json: unsupported value: {exc}"
            line = column = None
            if exc.mark is not None:  # go-yaml's own line numbers are quirky; these are not
                line, column = first_line + exc.mark[0] + 1, exc.mark[1] + 1
            raise _ParseError(message, line, column) from None


# --- JSON ---------------------------------------------------------------------------


class GoNumber(float):
    """A JSON float that remembers its literal: the API server decodes the literal text."""

    literal: str

    def __new__(cls, literal: str):
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


def _no_constant(name):
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_float=GoNumber, parse_constant=_no_constant)
_JSON_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')
_SPACE = re.compile(r"[ \t\r\n]*")


def _json_depth_ok(text: str, start: int) -> int | None:
    """Index of the first bracket nested deeper than MAX_DEPTH, else None (no recursion)."""
    depth = 0
    for match in _JSON_TOKENS.finditer(text, start):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in "]}":
            depth -= 1
            if depth == 0:
                return None
    return None


def _json_stream(text: str):
    """encoding/json Decoder over a stream of values; errors as YAMLOrJSONDecoder words them."""
    position = _SPACE.match(text, 0).end()
    while position < len(text):
        too_deep = _json_depth_ok(text, position)
        if too_deep is not None:
            offset = len(text[:too_deep].encode("utf-8")) + 1
            raise _ParseError.at(
                f"json: offset {offset}: exceeded max depth of {MAX_DEPTH}", text, too_deep
            )
        try:
            value, position = _DECODER.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise _ParseError.at(*_go_json_error(exc)) from None
        except ValueError:  # NaN / Infinity, which Go's decoder does not accept
            error = json.JSONDecodeError("Expecting value", text, position)
            raise _ParseError.at(*_go_json_error(error)) from None
        yield value
        position = _SPACE.match(text, position).end()


def _quote_char(ch: str) -> str:
    """encoding/json quoteChar."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + go_quote(ch)[1:-1] + "'"


def _go_json_error(exc: json.JSONDecodeError) -> tuple[str, str, int]:
    """(encoding/json's message, the text, the offset of the character it is about)."""
    text, pos, msg = exc.doc, exc.pos, exc.msg
    if pos >= len(text) or msg.startswith("Unterminated string"):
        return "unexpected EOF", text, pos
    if msg.startswith("Illegal trailing comma"):  # Python 3.13 words `{"a": 1,}` so
        pos = _SPACE.match(text, pos + 1).end()
        msg = "Expecting property name" if msg.endswith("object") else "Expecting value"
    ch = text[pos]
    offset = len(text[:pos].encode("utf-8")) + 1
    if msg.startswith("Expecting property name"):
        context = "looking for beginning of object key string"
    elif msg.startswith("Expecting ':'"):
        context = "after object key"
    elif msg.startswith("Expecting ','"):
        context = (
            "after object key:value pair" if _inside_object(text, pos) else "after array element"
        )
    elif msg.startswith("Invalid control character"):
        context = "in string literal"
    elif msg.startswith("Invalid \\escape") or msg.startswith("Invalid \\u"):
        context = "in string escape code"
    else:
        context = "looking for beginning of value"
    return f"json: offset {offset}: invalid character {_quote_char(ch)} {context}", text, pos


def _inside_object(text: str, pos: int) -> bool:
    stack = []
    for match in _JSON_TOKENS.finditer(text, 0, pos):
        token = match.group()
        if token in "[{":
            stack.append(token)
        elif token in "]}" and stack:
            stack.pop()
    return bool(stack) and stack[-1] == "{"


# --- objects --------------------------------------------------------------------------


def _objects_in(document, name: str) -> list:
    """cli-runtime's checks on one decoded document, then List flattening."""
    errors = _kind_errors(document)
    if errors:
        detail = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
        raise _InvalidError(
            f"error: error validating {go_quote(name)}: error validating data: "
            f"{detail}; {_STOP_VALIDATE}"
        )
    if _is_list(document):
        items = document.get("items") or []
        if not isinstance(items, list):
            raise _InvalidError(
                f"error: unable to decode {go_quote(name)}: "
                "json: cannot unmarshal object into Go struct field UnstructuredList.items "
                "of type []interface {}"
            )
        flat = []
        for item in items:
            if not isinstance(item, dict) or not item.get("kind"):
                raise _InvalidError(
                    f"error: unable to decode {go_quote(name)}: "
                    f"Object 'Kind' is missing in '{go_json(item)}'"
                )
            flat.extend(_objects_in(item, name))
        return flat
    if not document.get("kind"):
        raise _InvalidError(
            f"error: unable to decode {go_quote(name)}: "
            f"Object 'Kind' is missing in '{go_json(document)}'"
        )
    return [document]


def _kind_errors(document) -> list[str]:
    """kubectl validation getObjectKind: what a document must carry to be sent at all."""
    if not isinstance(document, dict):
        return ["invalid object to validate"]
    errors = []
    api_version = document.get("apiVersion")
    if api_version is None:
        errors.append("apiVersion not set")
    elif not isinstance(api_version, str):
        errors.append("apiVersion isn't string type")
    elif api_version.count("/") > 1:
        errors.append(f"unexpected GroupVersion string: {api_version}")
    kind = document.get("kind")
    if kind is None:
        errors.append("kind not set")
    elif not isinstance(kind, str):
        errors.append("kind isn't string type")
    return errors


def _is_list(document: dict) -> bool:
    """unstructured decoding treats any object with `items` as a list (List, PodList, ...)."""
    return document.get("items") is not None and str(document.get("kind", "")).endswith("List")
