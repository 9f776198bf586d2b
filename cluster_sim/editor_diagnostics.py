"""Editor diagnostics: what `kubectl apply -f -` printed, placed at the lines it is about.

kubectl names an object (kind and name, or only a kind) and field paths in upstream's
wording; we find the document that object came from and the line of the deepest field of
the path present in the text. Syntax errors take the engine's own position
(ManifestError.line), not go-yaml's line number, which counts within a document.

Positions come from a light tree built from PyYAML's event stream (libyaml) with an
explicit stack, so deep nesting cannot recurse and an alias is shared, never copied.
A decode error that names no field (a bad quantity, time or base64 value) is found by
decoding the document's fields one at a time with the engine's own schema decoder.
Nothing here raises: when the output cannot be placed, the diagnostic goes on line 1.
"""

import json
import logging
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import yaml

from cluster_sim.engine.manifests import (
    ManifestError,
    lookup_kind,
    lookup_resource,
    parse_manifests,
    schema,
)
from cluster_sim.engine.manifests.goyaml import MAX_DEPTH, resolve_plain
from cluster_sim.engine.manifests.loader import MAX_REQUEST_BYTES

log = logging.getLogger(__name__)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MAX_EVENTS = 200_000  # far beyond any real manifest; a bigger document is placed by its start
_MAX_SEARCH = 20_000  # nodes decoded alone, in all, to find fields decode errors do not name
_MAX_TRIES = 20  # documents an error without a name is tried against


@dataclass(frozen=True)
class Diagnostic:
    line: int  # 1-based line in the text the learner submitted
    message: str  # kubectl's words for this one error
    severity: str = "error"  # or "warning"

    def as_dict(self) -> dict:
        return {"line": self.line, "message": self.message, "severity": self.severity}


def diagnostics_for(text: str, output: str) -> list[Diagnostic]:
    """One diagnostic per error of `output` (more when a line holds several), in order."""
    try:
        return _Placer(_as_text(text)).run(_as_text(output))
    except Exception:  # a placement bug must not hide the errors: show them all on line 1
        log.exception("could not place kubectl's errors in the editor")
        return _unplaced(output)


def _as_text(value) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else ""


def _unplaced(output) -> list[Diagnostic]:
    lines = _as_text(output).splitlines()
    return [Diagnostic(1, line) for line in lines if line.strip() and not _SUCCESS.match(line)]


# --- positions ------------------------------------------------------------------------


class _Node:
    """A YAML node: a mapping (entries: key, key's line, value), a sequence, or a scalar."""

    __slots__ = ("line", "kind", "value", "entries", "items")

    def __init__(self, line: int, kind: str, value=None):
        self.line = line
        self.kind = kind  # "map" | "seq" | "scalar"
        self.value = value
        self.entries: list[tuple[str, int, _Node]] = []
        self.items: list[_Node] = []

    def entry(self, key: str) -> "tuple[int, _Node] | None":
        """The value under `key` and the key's line; the last one wins, as in kubectl."""
        for name, line, value in reversed(self.entries):
            if name == key:
                return line, value
        for name, _, value in reversed(self.entries):  # go-yaml's `<<` merge keys
            if name == "<<":
                for source in value.items if value.kind == "seq" else [value]:
                    if source.kind == "map" and source is not self:
                        found = source.entry(key)
                        if found is not None:
                            return found
        return None

    def scalar(self, key: str):
        found = self.entry(key) if self.kind == "map" else None
        return found[1].value if found is not None and found[1].kind == "scalar" else None

    def json_type(self) -> str:
        """encoding/json's name for what this node decodes to."""
        if self.kind == "map":
            return "object"
        if self.kind == "seq":
            return "array"
        value = self.value
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int | float):
            return "number"
        return "null" if value is None else "string"


def _scalar_value(event):
    """The value go-yaml gives a scalar: plain ones resolve (`3`, `true`), quoted stay text."""
    tag = event.tag
    if tag is None and not event.style:
        value = resolve_plain(event.value)
    elif tag is None or tag in ("!", "tag:yaml.org,2002:str", "!!str"):
        return event.value
    else:
        value = resolve_plain(event.value)
    return value if value is None or isinstance(value, str | int | float) else event.value


def _tree(chunk: str, first_line: int) -> _Node | None:
    """The root of the first YAML document in `chunk`, lines counted from `first_line`.

    None when the chunk is empty or unreadable; a syntax error keeps what was read.
    """
    root = None
    stack: list[_Node] = []
    keys: list = []  # per open mapping: the key waiting for its value, or None
    anchors: dict[str, _Node] = {}
    try:
        for count, event in enumerate(yaml.parse(chunk, Loader=_LOADER)):
            if count > _MAX_EVENTS:
                return None
            kind = type(event)
            line = first_line + event.start_mark.line
            if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                stack.pop()
                keys.pop()
                if not stack:
                    break
                continue
            if kind is yaml.ScalarEvent:
                node = _Node(line, "scalar", _scalar_value(event))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if len(stack) >= MAX_DEPTH:
                    return None
                node = _Node(line, "map" if kind is yaml.MappingStartEvent else "seq")
            elif kind is yaml.AliasEvent:
                node = anchors.get(event.anchor)
                if node is None:
                    return root
            else:
                if kind is yaml.DocumentEndEvent and root is not None:
                    break
                continue
            if kind is not yaml.AliasEvent and event.anchor:
                anchors[event.anchor] = node
            if not stack:
                root = node
            elif stack[-1].kind == "seq":
                stack[-1].items.append(node)
            elif keys[-1] is None:
                keys[-1] = (event.value if kind is yaml.ScalarEvent else "", line)
            else:
                stack[-1].entries.append((*keys[-1], node))
                keys[-1] = None
            if node.kind != "scalar" and kind is not yaml.AliasEvent:
                stack.append(node)
                keys.append(None)
    except Exception:  # a syntax error: the engine's message places it, not this tree
        return root
    return root


# --- documents ------------------------------------------------------------------------


@dataclass
class _Doc:
    """One object of the text: a document, or an item of a `kind: List`."""

    root: _Node | None
    first_line: int
    used: bool = False  # an output line already reported this object

    def get(self, *path: str):
        node = self.root
        for key in path:
            if node is None or node.kind != "map":
                return None
            found = node.entry(key)
            node = found[1] if found else None
        return node.value if node is not None and node.kind == "scalar" else None

    @cached_property
    def kind(self):
        return self.get("kind")

    @cached_property
    def api_version(self):
        return self.get("apiVersion")

    @cached_property
    def name(self):
        return self.get("metadata", "name")

    @cached_property
    def kind_key(self) -> str:
        return self.kind.lower() if _is_text(self.kind) else ""


def _documents(text: str) -> list[_Doc]:
    """The objects of `text` in the engine's order: documents, `kind: List` items after their list."""
    if len(text.encode("utf-8", "replace")) > MAX_REQUEST_BYTES:
        return []  # the engine refuses it whole
    chunks = _json_chunks(text) if text.lstrip().startswith("{") else []
    docs = []
    for chunk, first_line in chunks or _yaml_chunks(text):
        root = _tree(chunk, first_line)
        if root is None:
            content = _first_content_line(chunk)
            if content is not None:
                docs.append(_Doc(None, first_line + content))
            continue
        if root.kind == "scalar" and root.value is None:
            continue  # an empty document: kubectl skips it
        docs.append(_Doc(root, root.line))
        items = root.entry("items") if root.kind == "map" else None
        kind = root.scalar("kind")
        if items and items[1].kind == "seq" and isinstance(kind, str) and kind.endswith("List"):
            docs.extend(_Doc(item, item.line) for item in items[1].items)
    return docs


def _yaml_chunks(text: str) -> list[tuple[str, int]]:
    """apimachinery's YAMLReader: a line starting `---` ends a document (loader.py does the same)."""
    chunks, buffer, first = [], [], 0
    for index, line in enumerate(text.split("\n")):
        line = line.removesuffix("\r")
        if line.startswith("---"):
            if buffer:
                chunks.append(("\n".join(buffer) + "\n", first))
            buffer, first = [], index + 1
            continue
        buffer.append(line)
    if buffer:
        chunks.append(("\n".join(buffer) + "\n", first))
    return [(chunk, first + 1) for chunk, first in chunks]


def _json_chunks(text: str) -> list[tuple[str, int]]:
    """A JSON stream's values as (text, first line); [] when the text is not JSON."""
    decoder, chunks, position = json.JSONDecoder(), [], 0
    space = re.compile(r"\s*")
    position = space.match(text, position).end()
    while position < len(text):
        try:
            _, end = decoder.raw_decode(text, position)
        except (ValueError, RecursionError):
            break
        chunks.append((text[position:end], text.count("\n", 0, position) + 1))
        position = space.match(text, end).end()
    return chunks


def _first_content_line(chunk: str) -> int | None:
    """Offset of the chunk's first line that is neither blank nor a comment."""
    for offset, line in enumerate(chunk.split("\n")):
        if line.strip() and not line.lstrip().startswith("#"):
            return offset
    return None


# --- paths ----------------------------------------------------------------------------

_SEGMENT = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")
_GO_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _segments(path: str) -> list:
    """field.Path text to steps: `spec.containers[0].ports` -> spec, containers, 0, ports."""
    steps = []
    for match in _SEGMENT.finditer(path):
        if match.group(2) is not None:
            steps.append(match.group(2))
        else:
            inside = match.group(1)
            steps.append(int(inside) if inside.isdigit() else inside)
    return steps


def _step(node: _Node, step) -> tuple[int, _Node] | None:
    if node.kind == "map":
        return node.entry(str(step))
    if node.kind == "seq" and isinstance(step, int) and 0 <= step < len(node.items):
        item = node.items[step]
        return item.line, item
    return None


@dataclass(frozen=True)
class _Spot:
    """Where an error goes in one document: a line, and whether the whole path was there."""

    line: int | None
    exact: bool = False

    def score(self) -> int:
        return 2 if self.exact else 1 if self.line is not None else 0


def _field_spot(root: _Node | None, path: str, hint=None) -> _Spot:
    """The line of the deepest field of `path` in the text; a bad value inside a mapping
    (a label, a data key) at its own line when `hint` names it."""
    node, line, steps = root, None, _segments(path)
    matched = 0
    while node is not None and matched < len(steps):
        found = _step(node, steps[matched])
        if found is None:
            break
        line, node = found
        matched += 1
    exact = matched == len(steps) and bool(steps)
    if exact and hint is not None and node is not None:
        line = _child_line(node, lambda key, child: key == hint or _holds(child, hint)) or line
    return _Spot(line, exact)


def _child_line(node: _Node, wanted) -> int | None:
    if node.kind == "map":
        for key, line, child in node.entries:
            if wanted(key, child):
                return line
    elif node.kind == "seq":
        for item in node.items:
            if wanted(None, item):
                return item.line
    return None


def _holds(node: _Node, text: str) -> bool:
    """Is this the scalar an error quotes? The API server quotes numbers too (`"2"` for a
    quantity written `2`)."""
    if node.kind != "scalar" or node.value is None or isinstance(node.value, bool):
        return False
    return node.value == text or str(node.value) == text


def _go_field_spot(root: _Node | None, path: str, found: str) -> _Spot:
    """encoding/json's field path (`spec.template.spec.containers.image`, no indexes): the
    first node there of the JSON type that could not be decoded (`found`)."""
    frontier = [(None, root)] if root is not None else []
    matched = False
    for name in path.split("."):
        following = []
        for _, node in frontier:
            for holder in node.items if node.kind == "seq" else [node]:
                entry = holder.entry(name) if holder.kind == "map" else None
                if entry is not None and len(following) < _MAX_SEARCH:
                    following.append(entry)
        if not following:
            break
        frontier, matched = following, True
    if not matched:
        return _Spot(None)
    for line, node in frontier:
        if node.json_type() == found:
            return _Spot(line, True)
    for _, node in frontier:  # a map of strings holding a number: the entry itself
        line = _child_line(node, lambda key, child: child.json_type() == found)
        if line is not None:
            return _Spot(line, True)
    return _Spot(frontier[0][0])


class _Budget:
    """Work left for one call: a hostile text must not make the search slow."""

    def __init__(self, amount: int):
        self.left = amount

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


def _decode_spot(doc: _Doc, detail: str, budget: _Budget) -> _Spot:
    """The field a decode error without a path is about (a bad quantity, time or base64).

    The API server decodes keys in sorted order and stops at the first such value; each
    node is decoded alone (its path, itself emptied) until one gives the same error.
    """
    info = lookup_kind(doc.api_version or "", doc.kind or "") if _is_text(doc.kind) else None
    node_type = schema.object_node(info.group, info.version, info.kind) if info else None
    if node_type is None or doc.root is None or doc.root.kind != "map":
        return _Spot(None)
    work = [(doc.root, ())]
    while work and budget.take():
        node, path = work.pop()
        if path:
            trial = _skeleton(path, node)
            trial.update(apiVersion=doc.api_version, kind=doc.kind)
            if schema.decode(node_type, trial).error == detail:
                return _Spot(path[-1][2], True)
        if node.kind == "map":
            latest = {key: (line, child) for key, line, child in node.entries}
            for key in sorted(latest, reverse=True):
                line, child = latest[key]
                work.append((child, (*path, ("map", key, line))))
        elif node.kind == "seq":
            for item in reversed(node.items):
                work.append((item, (*path, ("seq", None, item.line))))
    return _Spot(None)


def _skeleton(path: tuple, node: _Node) -> dict:
    """The object with only `path` in it, ending at `node` emptied (its own type, no content)."""
    value = {} if node.kind == "map" else [] if node.kind == "seq" else node.value
    for container, key, _ in reversed(path):
        value = {key: value} if container == "map" else [value]
    return value


def _is_text(value) -> bool:
    return isinstance(value, str) and bool(value)


# --- kubectl's output -----------------------------------------------------------------

_SUCCESS = re.compile(
    r"^(?P<type>[a-z0-9-]+(?:\.[a-z0-9.-]+)?)/(?P<name>\S+) "
    r"(?:created|configured|unchanged)(?: \((?:server )?dry run\))?$"
)
# Lines that continue the error above them (kubectl prints some errors over several lines).
_CONTINUATION = re.compile(
    r'^(?:\* |ensure CRDs are installed first|Resource: "|Name: "|from server for: )'
)
_FROM_SERVER = re.compile(r"^Error from server \((?P<reason>[^)]*)\): (?P<body>.*)$", re.S)
_WHEN = re.compile(r'^error when [a-z ]+ "(?:[^"\\]|\\.)*": (?P<body>.*)$', re.S)
_QUOTED = r'"(?P<name>(?:[^"\\]|\\.)*)"'
_INVALID = re.compile(
    rf"^(?P<head>(?:The )?(?P<kind>[A-Za-z0-9.]+) {_QUOTED} is invalid: )(?P<rest>.*)$", re.S
)
_CANNOT_HANDLE = re.compile(
    r'^(?P<head>(?P<kind>\w+) in version "[^"]*" cannot be handled as a \w+: )(?P<detail>.*)$', re.S
)


_STRICT = re.compile(r'(?:unknown|duplicate) field "((?:[^"\\]|\\.)*)"')
_UNMARSHAL = re.compile(
    r"json: cannot unmarshal (?P<found>\w+)(?: [^ ]+)? into Go struct field "
    r"(?P<struct>\w+)\.(?P<path>\S+) of type"
)
_MAPPING = re.compile(
    rf"^resource mapping not found for name: {_QUOTED} namespace: \"[^\"]*\" from \"[^\"]*\": "
    r'no matches for kind "(?P<kind>[^"]*)" in version "(?P<version>[^"]*)"'
)
_OBJECT = re.compile(rf"(?P<resource>[a-z][a-z0-9.-]*) {_QUOTED}")
_NAMESPACE = re.compile(
    r'^(?:namespaces "(?P<ns>(?:[^"\\]|\\.)*)" not found'
    r'|the namespace from the provided object "(?P<object_ns>(?:[^"\\]|\\.)*)")'
)
_GVK = re.compile(r'GroupVersionKind: "[^"]*, Kind=(?P<kind>[^"]*)"')
_FIELD_TYPES = (
    "Required value|Invalid value|Unsupported value|Duplicate value|Forbidden|Too long|"
    "Too many|Not found|Internal error"
)
_PATH = r"[A-Za-z0-9_$-]+(?:\[[^\]]*\])*(?:\.[A-Za-z0-9_$/-]+(?:\[[^\]]*\])*)*"
_CAUSE = re.compile(rf"^(?P<path>{_PATH}): (?P<type>{_FIELD_TYPES})(?:: (?P<rest>.*))?$", re.S)
_CAUSE_SPLIT = re.compile(rf", (?={_PATH}: (?:{_FIELD_TYPES}))")
_VALIDATION_ERROR = re.compile(r"ValidationError\((?P<path>[^)]*)\): (?P<problem>.*)$", re.S)


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """The output's errors and warnings: (index of the first line, the error's lines)."""
    blocks: list[tuple[int, list[str]]] = []
    for index, line in enumerate(lines):
        if not line.strip() or _SUCCESS.match(line):
            continue
        if blocks and _CONTINUATION.match(line) and not line.startswith("Warning: "):
            blocks[-1][1].append(line)
        else:
            blocks.append((index, [line]))
    return blocks


def _quoted(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text.strip('"')


@lru_cache(maxsize=1024)
def _kind_key(word: str) -> str:
    """The kind a kubectl word names, lowercase: `Deployment`, `Deployment.apps`,
    `deployments.apps` and `deployment.apps` all name `deployment`."""
    info = lookup_resource(word)
    return info.kind.lower() if info is not None else word.partition(".")[0].lower()


def _of_kind(word: str):
    return lambda doc: doc.kind_key == _kind_key(word)


def _named(kind_word: str, name: str):
    return lambda doc: doc.kind_key == _kind_key(kind_word) and (doc.name or "") == name


def _safely(function, doc, default):
    """A check on a document of odd shape is a miss, not a failure."""
    try:
        return function(doc)
    except Exception:
        return default


class _Placer:
    """Places one output's errors in one text: each error block is read, its document and
    line are found, and that document is marked used (the next error of the same kind
    without a name then goes to the next document of that kind, as kubectl reports them
    in file order)."""

    def __init__(self, text: str):
        self.text = text
        self.docs = _documents(text)
        self.owners: dict[int, _Doc] = {}  # output line index -> the object it reports
        self.budget = _Budget(_MAX_SEARCH)
        self.by_kind: dict[str, list[_Doc]] = {}
        self.by_name: dict[tuple[str, str], list[_Doc]] = {}
        for doc in self.docs:
            name = doc.name if isinstance(doc.name, str) else ""
            self.by_kind.setdefault(doc.kind_key, []).append(doc)
            self.by_name.setdefault((doc.kind_key, name), []).append(doc)

    def kind_pool(self, word: str) -> list[_Doc]:
        return self.by_kind.get(_kind_key(word), [])

    def name_pool(self, word: str, name: str) -> list[_Doc]:
        return self.by_name.get((_kind_key(word), name), [])

    def run(self, output: str) -> list[Diagnostic]:
        lines = output.splitlines()
        self._claim_successes(lines)
        result: list[Diagnostic] = []
        for start, block in _blocks(lines):
            placed = self._block(block, self._next_owner(lines, start))
            result.extend(placed or [Diagnostic(1, "\n".join(block))])
        return result

    def _claim_successes(self, lines: list[str]) -> None:
        for index, line in enumerate(lines):
            match = _SUCCESS.match(line)
            if match is None:
                continue
            kind_word, name = match.group("type"), match.group("name")
            doc = self._choose(_named(kind_word, name), pool=self.name_pool(kind_word, name))[0]
            if doc is not None:
                self.owners[index] = doc

    def _next_owner(self, lines: list[str], start: int) -> _Doc | None:
        """A warning is printed just before the line of its object."""
        for index in range(start + 1, len(lines)):
            if index in self.owners:
                return self.owners[index]
            if not lines[index].startswith("Warning: "):
                return None
        return None

    def _choose(self, match, locate=None, pool=None) -> tuple[_Doc | None, _Spot]:
        """The document `match` accepts where `locate` finds the most, unused ones first;
        it is marked used. `pool` narrows the search to an index's documents."""
        docs = self.docs if pool is None else pool
        best, best_spot, tries = None, _Spot(None), 0
        for used in (False, True):
            for doc in docs:
                if doc.used != used or not _safely(match, doc, False):
                    continue
                tries += 1
                spot = _safely(locate, doc, _Spot(None)) if locate and tries <= _MAX_TRIES else None
                spot = spot or _Spot(None)
                if best is None or spot.score() > best_spot.score():
                    best, best_spot = doc, spot
                if best_spot.exact or tries >= _MAX_TRIES:
                    break
            if best_spot.exact or tries >= _MAX_TRIES:
                break
        if best is not None:
            best.used = True
        return best, best_spot

    def _at(self, message, match, locate=None, pool=None) -> Diagnostic:
        doc, spot = self._choose(match, locate, pool)
        line = spot.line if spot.line is not None else doc.first_line if doc else 1
        return Diagnostic(line, message)

    # --- one block ---

    def _block(self, block: list[str], owner: _Doc | None) -> list[Diagnostic]:
        message = "\n".join(block)
        if block[0].startswith("Warning: "):
            return [self._warning(block[0], owner)]
        body = block[0].removeprefix("error: ")
        server = _FROM_SERVER.match(body)
        if server:
            body = server.group("body")
        when = _WHEN.match(body)
        if when:
            body = when.group("body")
        prefix = block[0][: len(block[0]) - len(body)]
        if body.startswith("error parsing "):
            return [Diagnostic(self._syntax_line(), message)]
        for pattern, handler in (
            (_INVALID, self._invalid),
            (_CANNOT_HANDLE, self._cannot_handle),
            (_MAPPING, self._mapping),
        ):
            found = pattern.match(body)
            if found:
                return handler(found, prefix, block)
        if body.startswith("error validating "):
            return self._validating(body, prefix, message)
        if body.startswith("unable to decode "):
            return [self._undecodable(body, message)]
        return [self._other(body, message)]

    def _warning(self, line: str, owner: _Doc | None) -> Diagnostic:
        unknown = _STRICT.search(line)
        if owner is None:
            return Diagnostic(1, line, "warning")
        spot = _field_spot(owner.root, _quoted(f'"{unknown.group(1)}"')) if unknown else None
        return Diagnostic(spot.line if spot and spot.line else owner.first_line, line, "warning")

    def _syntax_line(self) -> int:
        try:
            parse_manifests(self.text, "STDIN")
        except ManifestError as error:
            return error.line or 1
        except Exception:
            return 1
        return 1

    def _invalid(self, found, prefix: str, block: list[str]) -> list[Diagnostic]:
        """`The Deployment "web" is invalid: a` / `...: \n* a\n* b` / `...apps "web" is invalid: [a, b]`."""
        kind, name = found.group("kind"), _quoted(f'"{found.group("name")}"')
        head, rest = prefix + found.group("head"), found.group("rest").strip()
        if not rest:
            causes = [line[2:] for line in block[1:] if line.startswith("* ")]
        elif rest.startswith("[") and rest.endswith("]"):
            causes = _CAUSE_SPLIT.split(rest[1:-1])
        else:
            causes = [rest]
        doc, _ = self._choose(_named(kind, name), pool=self.name_pool(kind, name))
        root = doc.root if doc else None
        diagnostics = []
        for cause in causes or [rest]:
            spot = _cause_spot(root, cause)
            line = spot.line if spot.line is not None else doc.first_line if doc else 1
            diagnostics.append(Diagnostic(line, head.rstrip() + " " + cause))
        return diagnostics

    def _cannot_handle(self, found, prefix: str, block: list[str]) -> list[Diagnostic]:
        """A BadRequest decode error: the kind but no name, so the first unused document of
        that kind where the error's field is found."""
        kind, detail = found.group("kind"), found.group("detail")
        head = prefix + found.group("head")
        same_kind, pool = _of_kind(kind), self.kind_pool(kind)
        unknown = list(_STRICT.finditer(detail))
        if detail.startswith("strict decoding error: ") and unknown:
            paths = [_quoted(f'"{match.group(1)}"') for match in unknown]
            doc, _ = self._choose(same_kind, lambda d: _all_there(d, paths), pool)
            head += "strict decoding error: "
            return [
                Diagnostic(
                    self._line(doc, _field_spot(doc and doc.root, path)), head + match.group()
                )
                for path, match in zip(paths, unknown, strict=True)
            ]
        unmarshal = _UNMARSHAL.search(detail)

        def locate(doc: _Doc) -> _Spot:
            spot = _decode_spot(doc, detail, self.budget)
            if spot.line is None and unmarshal:
                spot = _go_field_spot(doc.root, unmarshal.group("path"), unmarshal.group("found"))
            return spot

        doc, spot = self._choose(same_kind, locate, pool)
        return [Diagnostic(self._line(doc, spot), "\n".join(block))]

    def _mapping(self, found, prefix: str, block: list[str]) -> list[Diagnostic]:
        """No matches for kind "Deploymnt" in version "apps/v1": at `kind:`, or at
        `apiVersion:` when the kind exists and its version is the mistake."""
        kind, version = found.group("kind"), found.group("version")
        name = _quoted(f'"{found.group("name")}"')
        served = lookup_resource(kind)
        key = "apiVersion" if served is not None and served.kind == kind else "kind"
        return [
            self._at(
                "\n".join(block),
                lambda d: d.kind == kind and d.api_version == version,
                lambda d: _field_spot(d.root, key),
                self.name_pool(kind, name),
            )
        ]

    def _validating(self, body: str, prefix: str, message: str) -> list[Diagnostic]:
        """kubectl's own checks: `kind not set`, `apiVersion not set`, or the older
        client-side `[ValidationError(Deployment.spec): unknown field "replica" in ...]`,
        which lists the problems of one document."""
        head, _, detail = body.partition("error validating data: ")
        detail, stop, advice = detail.partition("; if you choose")
        inner = detail[1:-1] if detail.startswith("[") and detail.endswith("]") else detail
        problems = re.split(r", (?=ValidationError\()", inner)
        paths = [_validation_path(problem) for problem in problems]
        if None in paths:
            return [self._at(message, lambda d: bool(_kind_problems(d)), _kind_problem_spot)]
        kind = paths[0][0]
        doc, _ = self._choose(
            _of_kind(kind),
            lambda d: _all_there(d, [path for _, path in paths]),
            self.kind_pool(kind),
        )
        return [
            Diagnostic(
                self._line(doc, _field_spot(doc and doc.root, path)),
                f"{prefix}{head}error validating data: {problem}{stop}{advice}",
            )
            for problem, (_, path) in zip(problems, paths, strict=True)
        ]

    def _undecodable(self, body: str, message: str) -> Diagnostic:
        """kubectl could not read an object's kind or metadata."""
        if "Object 'Kind' is missing" in body:
            return self._at(message, lambda d: not _is_text(d.kind))
        unmarshal = _UNMARSHAL.search(body)
        if unmarshal:
            path, found = unmarshal.group("path"), unmarshal.group("found")

            def wrong(doc: _Doc) -> _Spot:
                spot = _go_field_spot(doc.root, path, found)
                return spot if spot.exact else _Spot(None)

            return self._at(message, lambda d: wrong(d).line is not None, wrong)
        return self._at(message, lambda d: True, lambda d: _Spot(None))

    def _other(self, body: str, message: str) -> Diagnostic:
        """Errors about a whole object (quota, a missing namespace, a missing name)."""
        if body.startswith("from ") and ": cannot use generate name with apply" in body:
            generate = body[len("from ") :].partition(": cannot use generate name")[0]
            return self._at(
                message,
                lambda d: d.get("metadata", "generateName") == generate,
                lambda d: _field_spot(d.root, "metadata.generateName"),
            )
        if body.startswith("error when retrieving current configuration of:"):
            gvk = _GVK.search(message)
            kind = gvk.group("kind") if gvk else ""
            return self._at(
                message,
                lambda d: d.kind == kind,
                lambda d: _field_spot(d.root, "metadata.name"),
                self.name_pool(kind, ""),
            )
        namespace = _NAMESPACE.match(body)
        if namespace:
            wanted = _quoted(f'"{namespace.group("ns") or namespace.group("object_ns")}"')
            return self._at(
                message,
                lambda d: d.get("metadata", "namespace") == wanted,
                lambda d: _field_spot(d.root, "metadata.namespace"),
            )
        named = _OBJECT.match(body)
        if named and lookup_resource(named.group("resource")) is not None:
            resource, name = named.group("resource"), _quoted(f'"{named.group("name")}"')
            return self._at(message, _named(resource, name), pool=self.name_pool(resource, name))
        return Diagnostic(1, message)

    def _line(self, doc: _Doc | None, spot: _Spot) -> int:
        if spot.line is not None:
            return spot.line
        return doc.first_line if doc is not None else 1


def _all_there(doc: _Doc, paths: list[str]) -> _Spot:
    """Exact when every path is in the document: the document these unknown fields are from."""
    spots = [_field_spot(doc.root, path) for path in paths]
    return spots[0] if all(spot.exact for spot in spots) else _Spot(spots[0].line)


def _validation_path(problem: str) -> tuple[str, str] | None:
    """`ValidationError(Pod.spec): unknown field "x" in ...` -> ("Pod", "spec.x"); a missing
    field -> its parent's path."""
    found = _VALIDATION_ERROR.match(problem)
    if found is None:
        return None
    kind, _, path = found.group("path").partition(".")
    unknown = re.match(r'unknown field "([^"]*)"', found.group("problem"))
    if unknown:
        path = f"{path}.{unknown.group(1)}" if path else unknown.group(1)
    return kind, path


def _cause_spot(root: _Node | None, cause: str) -> _Spot:
    """A field.Error (`spec.replicas: Invalid value: -1: ...`): its field, or the deepest
    parent there is (a missing required field)."""
    found = _CAUSE.match(cause)
    if found is None:
        return _Spot(None)
    hint = None
    rest = found.group("rest") or ""
    if found.group("type") in ("Invalid value", "Unsupported value", "Duplicate value"):
        quoted = _GO_STRING.match(rest)
        if quoted:
            hint = _quoted(quoted.group())
    return _field_spot(root, found.group("path"), hint)


def _kind_problems(doc: _Doc) -> list[str]:
    """What kubectl's getObjectKind finds missing or wrong in a document."""
    root = doc.root
    if root is None or root.kind != "map":
        return ["object"]
    problems = []
    for key in ("apiVersion", "kind"):
        found = root.entry(key)
        value = found[1].value if found is not None and found[1].kind == "scalar" else 0
        if not isinstance(value, str) or key == "apiVersion" and value.count("/") > 1:
            problems.append(key)
    return problems


def _kind_problem_spot(doc: _Doc) -> _Spot:
    """A wrong apiVersion or kind at its key; a missing one at the document's start."""
    root = doc.root
    for key in _kind_problems(doc):
        if root is not None and root.kind == "map" and root.entry(key) is not None:
            return _field_spot(root, key)
    return _Spot(None)
