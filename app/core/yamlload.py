"""Strict, safe YAML loading that remembers the line of every key.

Only plain YAML data is accepted: no object-construction tags, no anchors/aliases (which make
"billion laughs" expansion possible), no duplicate keys, and a size cap.

libyaml's C parser is used when PyYAML was built with it (about ten times faster); the checks
above run on its events and nodes exactly as on the pure-Python parser's. PyYAML is imported on
first use, so a start-up served from the compiled-rule cache never loads it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml

MAX_RULE_FILE_BYTES = 2_000_000
#: Deepest nesting of lists and mappings; real rule files use five or six levels. PyYAML's composer
#: recurses per level, so without this a 2 KB file of brackets raises RecursionError.
MAX_NESTING = 40
_ALLOWED_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}

Loc = tuple[str | int, ...]


class YamlError(Exception):
    def __init__(self, message: str, line: int | None, key: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.key = key


class LineMap:
    """Maps a location path such as ('rules', 3, 'terms') to the 1-based line that holds it."""

    def __init__(self) -> None:
        self._lines: dict[Loc, int] = {}

    def set(self, loc: Loc, line: int) -> None:
        self._lines[loc] = line

    def line_for(self, loc: Loc) -> int | None:
        """The line of the deepest known prefix of `loc`."""
        for cut in range(len(loc), -1, -1):
            line = self._lines.get(tuple(loc[:cut]))
            if line is not None:
                return line
        return None


def load_yaml_text(text: str) -> tuple[Any, LineMap]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RULE_FILE_BYTES:
        raise YamlError(f"file is larger than {MAX_RULE_FILE_BYTES // 1_000_000} MB", None)
    import yaml

    safe_loader = _safe_loader()
    try:
        depth = 0
        for event in yaml.parse(text, Loader=safe_loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    mark = event.start_mark
                    raise YamlError(
                        f"lists and mappings nest more than {MAX_NESTING} levels deep",
                        mark.line + 1 if mark is not None else None,
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise YamlError(
                    "anchors and aliases (&, *) are not allowed in rule files",
                    mark.line + 1 if mark is not None else None,
                )
        loader = safe_loader(text)
        try:
            node = loader.get_single_node()
            lines = LineMap()
            data = _convert(loader, node, (), lines) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise YamlError(f"invalid YAML: {exc.problem or exc.context}", line) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"invalid YAML: {exc}", None) from None
    return data, lines


def _safe_loader() -> type[yaml.SafeLoader] | type[yaml.CSafeLoader]:
    import yaml

    return yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def load_yaml_file(path: Path) -> tuple[Any, LineMap]:
    """Read a regular file of at most MAX_RULE_FILE_BYTES (counted while reading: /dev/zero and
    FIFOs are refused, not read forever) and parse it."""
    from app.textio import TextInputError, read_bounded

    try:
        raw = read_bounded(path, MAX_RULE_FILE_BYTES, "rule file")
    except TextInputError as exc:
        message = str(exc).removeprefix(f"cannot read {path}: ")
        raise YamlError(f"cannot read file: {message}", None) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlError(f"not UTF-8 text (byte {exc.start})", None) from None
    return load_yaml_text(text)


def _convert(
    loader: yaml.SafeLoader | yaml.CSafeLoader, node: yaml.Node, loc: Loc, lines: LineMap
) -> Any:
    import yaml

    lines.set(loc, node.start_mark.line + 1)
    if node.tag not in _ALLOWED_TAGS:
        raise YamlError(f"tag {node.tag!r} is not allowed", node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError("mapping keys must be plain text", key_node.start_mark.line + 1)
            key = loader.construct_object(key_node)
            if not isinstance(key, str | int):
                key = str(key)
            if key in result:
                raise YamlError("duplicate key", key_node.start_mark.line + 1, str(key))
            result[key] = _convert(loader, value_node, (*loc, key), lines)
            lines.set((*loc, key), key_node.start_mark.line + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(loader, child, (*loc, index), lines) for index, child in enumerate(node.value)
        ]
    value = loader.construct_object(node)
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)
    return value
