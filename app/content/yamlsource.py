"""Reading course files: UTF-8 text, and YAML that remembers the line of every key and item."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.content.problems import FileProblems

_BOOL_TAG = "tag:yaml.org,2002:bool"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_REPLACED_TAGS = (_BOOL_TAG, _INT_TAG, _FLOAT_TAG)


class YamlMap(dict[Any, Any]):
    """A YAML mapping that remembers its own line, each key's line and where each text starts."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[Any, int] = {}
        self.text_lines: dict[Any, int] = {}

    def line_of(self, key: Any) -> int:
        """Return the line of `key`, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)

    def text_line_of(self, key: Any) -> int:
        """Return the line where the text value of `key` starts (after a `|` or `>` header)."""
        return self.text_lines.get(key, self.line_of(key))


class YamlList(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item."""

    def __init__(self, line: int = 1) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        """Return the line of item `index`."""
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader with line-keeping containers and YAML 1.2-style scalars.

    YAML 1.1 reads `yes`, `no`, `on` and `off` as booleans (so `text: No` would become
    `False`), `010` as octal 8 and `1:30` as 90. Here only `true` and `false` are
    booleans and only plain decimals are numbers; anything else stays text, which the
    rules then report where a number was wanted.
    """

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag not in _REPLACED_TAGS]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.duplicate_keys: list[tuple[int, Any]] = []


_LineLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_LineLoader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
# A subset of PyYAML's own float syntax, so text it writes unquoted reads back as text.
_LineLoader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(r"^(?:[-+]?[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+][0-9]+)?$"),
    list("-+0123456789."),
)


def _text_start(node: Node) -> int:
    """Return the 1-based line where a scalar's text begins."""
    block = isinstance(node, ScalarNode) and node.style in ("|", ">")
    return node.start_mark.line + (2 if block else 1)


def _construct_map(loader: _LineLoader, node: MappingNode) -> YamlMap:
    """Build a mapping that records its lines, noting repeated keys for the caller."""
    mapping = YamlMap(node.start_mark.line + 1)
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(
                None, None, "found an unhashable key", key_node.start_mark
            ) from None
        if key in mapping:
            loader.duplicate_keys.append((key_node.start_mark.line + 1, key))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
        mapping.text_lines[key] = _text_start(value_node)
    return mapping


def _construct_list(loader: _LineLoader, node: SequenceNode) -> YamlList:
    """Build a list that records the line of each item."""
    items = YamlList(node.start_mark.line + 1)
    for item_node in node.value:
        items.append(loader.construct_object(item_node, deep=True))
        items.item_lines.append(item_node.start_mark.line + 1)
    return items


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_list)


def _construct_timestamp(loader: _LineLoader, node: ScalarNode) -> Any:
    """Read a timestamp, or keep impossible dates such as 2025-02-30 as text for the rules."""
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


if yaml.__with_libyaml__:

    class _FastLineLoader(yaml.CSafeLoader):
        """The same reading through libyaml, about seven times faster on the shipped courses
        (0.03 s against 0.22 s). Scalars resolve and containers build in Python, with the
        resolvers and constructors above, so values and lines are the same."""

        yaml_implicit_resolvers = _LineLoader.yaml_implicit_resolvers
        yaml_constructors = _LineLoader.yaml_constructors

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.duplicate_keys: list[tuple[int, Any]] = []

else:  # PyYAML built without libyaml: the pure loader alone
    _FastLineLoader = None  # type: ignore[assignment,misc]


def _describe(error: yaml.MarkedYAMLError) -> str:
    """Return the parser's complaint, with its context when the complaint alone is unclear."""
    problem = error.problem or error.context or "unreadable"
    if error.context and problem.startswith("but "):
        return f"{error.context}, {problem}"
    return problem


def decode_text(data: bytes, problems: FileProblems) -> str | None:
    """Decode UTF-8 (a BOM is allowed) with `\\n` newlines; report the line of a bad byte."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        problems.add(data[: error.start].count(b"\n") + 1, "not valid UTF-8")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_file(path: Path, problems: FileProblems) -> str | None:
    """Read a course file as text, reporting a file that cannot be read or decoded."""
    try:
        data = path.read_bytes()
    except OSError as error:
        problems.add(1, f"cannot read the file: {error.strerror or error}")
        return None
    return decode_text(data, problems)


#: How deep mappings and lists may nest. The shipped courses reach 5; building a deeper
#: document recurses once a level (libyaml's C composer past about 100,000 levels crashes
#: the process, PyYAML's raises RecursionError past a few hundred).
MAX_NESTING = 50


def load_yaml(text: str, problems: FileProblems) -> tuple[bool, Any]:
    """Parse one YAML document; return (True, value) or report why it is invalid."""
    too_deep = _too_deep_at(text)
    if too_deep is not None:
        problems.add(too_deep, f"invalid YAML: nested more than {MAX_NESTING} levels deep")
        return False, None
    read = _read_fast(text)
    if read is None:
        try:
            read = _read(_LineLoader, text)
        except yaml.reader.ReaderError as error:
            line = text[: error.position].count("\n") + 1
            problems.add(line, "invalid YAML: special characters are not allowed")
            return False, None
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            line = mark.line + 1 if mark else 1
            problems.add(line, f"invalid YAML: {_describe(error)}")
            return False, None
    value, duplicate_keys = read
    for line, key in duplicate_keys:
        problems.add(line, f"duplicate key {key!r}")
    return not duplicate_keys, value


def _too_deep_at(text: str) -> int | None:
    """The line where ``text`` first nests past ``MAX_NESTING``, or None.

    Read as a stream of parser events, which neither parser builds by recursion (about a
    third of the cost of loading through libyaml). A text the parser refuses stops the
    count where it fails; loading it then reports why.
    """
    parser_class = _LineLoader if _FastLineLoader is None else _FastLineLoader
    try:
        parser = parser_class(text)
    except yaml.YAMLError:  # special characters: loading says where
        return None
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_NESTING:
                    return event.start_mark.line + 1 if event.start_mark else 1
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()
    return None


_Read = tuple[Any, list[tuple[int, Any]]]


def _read(loader_class: type[_LineLoader] | type[_FastLineLoader], text: str) -> _Read:
    """The document and the keys it repeats (with their lines)."""
    loader = loader_class(text)
    try:
        return loader.get_single_data(), loader.duplicate_keys
    finally:
        loader.dispose()


def _read_fast(text: str) -> _Read | None:
    """libyaml's reading, or None when it refuses the text or is missing: the pure loader
    then reads it again, to say why in the words the rules were written against."""
    # libyaml skips a BOM anywhere, and takes a tab after a value where PyYAML refuses it.
    if _FastLineLoader is None or "\ufeff" in text or "\t" in text:
        return None
    try:
        return _read(_FastLineLoader, text)
    except yaml.YAMLError:
        return None


def load_mapping(text: str, problems: FileProblems) -> YamlMap | None:
    """Parse a YAML document that must be a mapping of keys; report anything else."""
    ok, value = load_yaml(text, problems)
    if not ok:
        return None
    if value is None:
        problems.add(1, "the file is empty")
        return None
    if not isinstance(value, YamlMap):
        problems.add(1, "expected keys and values (a YAML mapping)")
        return None
    return value
