"""YAML for content files: plain values that remember the line each key and item is on.

Content is reviewed like code, so errors must point at a line. Mappings load as `LineDict`
and sequences as `LineList`, each with `.line` (where it starts) and `.lines` (per key or
index). Aliases are refused (no content needs them, and they are how YAML bombs work) and
duplicate keys are reported instead of silently overwriting.
"""

import yaml

MAX_BYTES = 256 * 1024  # far above any lesson; a guard, not a style rule


class LineDict(dict):
    line: int = 0
    lines: dict


class LineList(list):
    line: int = 0
    lines: list


class YamlError(Exception):
    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.message = message
        self.line = line


class _Loader(yaml.SafeLoader):
    first_line = 1  # the file line of the text's first line
    duplicates: list

    def file_line(self, node: yaml.Node) -> int:
        return self.first_line + node.start_mark.line

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise YamlError(
                "YAML aliases (*name) are not allowed in content",
                self.first_line + event.start_mark.line,
            )
        return super().compose_node(parent, index)


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)  # merge keys (<<) are refused as aliases anyway
    result = LineDict()
    result.line, result.lines = loader.file_line(node), {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = loader.file_line(key_node)
        if not isinstance(key, str | int | float | bool) or key is None:
            raise YamlError(f"a key must be a plain scalar, not {key!r}", line)
        if key in result:
            loader.duplicates.append((f"duplicate key {key!r}", line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = line
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = loader.file_line(node)
    result.lines = [loader.file_line(child) for child in node.value]
    return result


_Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
_Loader.add_constructor("tag:yaml.org,2002:seq", _sequence)


def load(text: str, first_line: int = 1) -> tuple[object, list[tuple[str, int]]]:
    """One YAML document → (value, [(duplicate-key message, line)]); YamlError when broken."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise YamlError(f"larger than {MAX_BYTES // 1024} KiB", None)
    loader = _Loader(text)
    loader.first_line, loader.duplicates = first_line, []
    try:
        value = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = first_line + mark.line if mark else None
        problem = ", ".join(str(part) for part in (error.context, error.problem) if part)
        raise YamlError(f"YAML error: {problem}", line) from None
    except yaml.YAMLError as error:
        raise YamlError(f"YAML error: {error}", None) from None
    finally:
        loader.dispose()
    return value, loader.duplicates
