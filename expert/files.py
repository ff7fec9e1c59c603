"""Reading YAML/JSON documents strictly, with line numbers, and writing files atomically.

Users hand us files written by hand or exported from other tools: a typo, a duplicate key or
an alias bomb must end in one clear line that says where, never in a traceback or a hang.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, OutputExists

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20


@dataclass
class Document:
    """Parsed data plus the line where each key path was written (YAML only)."""

    path: str
    data: object
    lines: dict = field(default_factory=dict)

    def line(self, *keys) -> int | None:
        return self.lines.get(tuple(keys))


def read_document(path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a YAML or JSON file into plain data, refusing anything ambiguous."""
    path = Path(path)
    text = read_text(path, max_bytes)
    if path.suffix.lower() == ".json":
        return Document(str(path), _parse_json(path, text))
    return _parse_yaml(path, text)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file as UTF-8 text, or an InputError that says why not."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if path.is_dir():
        raise InputError(path, "is a folder, expected a file")
    if size > max_bytes:
        raise InputError(path, f"file too large ({size:,} bytes; at most {max_bytes:,})")
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if b"\x00" in raw:
        raise InputError(path, "binary file, expected UTF-8 text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(path, f"not UTF-8 text (invalid byte at offset {error.start})") from None
    if not text.strip():
        raise InputError(path, "empty file")
    return text


def _parse_json(path: Path, text: str):
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise InputError(path, "duplicate key", key=key)
            seen[key] = value
        return seen

    def no_constant(name):
        raise InputError(path, f"{name} is not a valid number")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant)
    except json.JSONDecodeError as error:
        raise InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno) from None
    except RecursionError:
        raise InputError(path, "nested too deeply") from None


def _parse_yaml(path: Path, text: str) -> Document:
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(path, "empty document")
        lines: dict = {}
        data = _build(node, loader, path, (), lines, 0)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "syntax error"
        raise InputError(path, f"invalid YAML: {problem}", line=line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML: {error}") from None
    except RecursionError:
        raise InputError(path, "nested too deeply") from None
    finally:
        loader.dispose()
    return Document(str(path), data, lines)


def _build(node, loader, path, keys, lines, depth):
    """Construct plain data from a YAML node, recording the line of every key path."""
    if depth > MAX_DEPTH:
        raise InputError(path, f"nested deeper than {MAX_DEPTH} levels", line=node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise InputError(path, "keys must be plain text", line=key_node.start_mark.line + 1)
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise InputError(path, "YAML merge keys (<<) are not allowed", line=key_node.start_mark.line + 1)
            key = loader.construct_object(key_node)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)):
                raise InputError(path, "keys must be plain text", line=line)
            if key in result:
                raise InputError(path, "duplicate key", key=_dotted(keys + (key,)), line=line)
            lines[keys + (key,)] = line
            result[key] = _build(value_node, loader, path, keys + (key,), lines, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[keys + (index,)] = item.start_mark.line + 1
            items.append(_build(item, loader, path, keys + (index,), lines, depth + 1))
        return items
    value = loader.construct_object(node, deep=True)
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(path, "not a finite number", key=_dotted(keys) or None, line=node.start_mark.line + 1)
    if not isinstance(value, (str, int, float, bool, type(None))):
        value = str(value)
    return value


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys)


def _refuse_aliases(self, parent, index):
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        raise yaml.composer.ComposerError(
            None, None, "YAML aliases (*name) are not allowed", event.start_mark)
    return _original_compose_node(self, parent, index)


_original_compose_node = yaml.SafeLoader.compose_node


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases: a case file never needs them, and they allow bombs."""

    compose_node = _refuse_aliases


def write_atomic(path, content: str | bytes, force: bool = False) -> Path:
    """Write through a temporary file and a rename: the old file or the new one, never half.

    Without `force`, an existing file is left alone and OutputExists is raised.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"{path}: already exists (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if not force and path.exists():
            raise OutputExists(f"{path}: already exists (use --force to replace it)")
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except FileNotFoundError:
            pass
        raise
    return path
