"""Reading YAML/JSON documents strictly, with line numbers, and writing files atomically.

Users hand us files written by hand or exported from other tools: a typo, a duplicate key or
an alias bomb must end in one clear line that says where, never in a traceback or a hang.
"""

from __future__ import annotations

import codecs
import json
import math
import os
import re
import secrets
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, OutputExists

MAX_BYTES = 1024 * 1024  # case files are a few kB; PyYAML reads about 1 MB a second
MAX_DEPTH = 20
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map",
                                                       "timestamp", "merge")}
MAX_NODES = 20_000  # values and keys in one document: bounds the parsing time of a dense file
MAX_DIGITS = 18  # beyond this an integer is a mistake (and huge ones cost seconds to parse)


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
        with open(path, "rb") as handle:  # bounded: a device or a pipe may never end
            raw = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if len(raw) > max_bytes:
        raise InputError(path, f"file too large (more than {max_bytes:,} bytes)")
    refuse_non_text(path, raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise InputError(path, f"not UTF-8 text (byte 0x{raw[error.start]:02X} is not UTF-8; "
                               f"save the file as UTF-8)", line=line) from None
    if not text.strip():
        raise InputError(path, "empty file")
    return text


def refuse_non_text(path, head: bytes) -> None:
    """Refuse a file whose first bytes show it is not UTF-8 text: UTF-16 (a spreadsheet's
    "Unicode text" export) or binary (NUL bytes). Streaming readers pass the first block."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, "UTF-16 text, expected UTF-8 (save the file as UTF-8)")
    if b"\x00" in head:
        raise InputError(path, "binary file, expected UTF-8 text")


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

    def integer(digits):
        if len(digits.lstrip("-")) > MAX_DIGITS:
            raise InputError(path, f"number too large ({shorten(digits)})")
        return int(digits)

    def real(digits):
        value = float(digits)
        if not math.isfinite(value):
            raise InputError(path, f"number too large ({shorten(digits)})")
        return value

    line = _json_too_deep(text)
    if line:
        raise InputError(path, f"nested deeper than {MAX_DEPTH} levels", line=line)
    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constant,
                          parse_int=integer, parse_float=real)
    except json.JSONDecodeError as error:
        raise _json_error(path, error) from None
    except RecursionError:
        raise InputError(path, "nested too deeply") from None


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_TRAILING_COMMA = re.compile(r",\s*([}\]])")


def _json_too_deep(text: str) -> int:
    """The line where arrays and objects nest deeper than YAML may: checked before parsing,
    since how deep the json module goes before RecursionError depends on the Python."""
    depth = 0
    bare = _JSON_STRING.sub('""', text)  # JSON strings hold no raw line break: lines are kept
    for match in re.finditer(r"[\[\]{}]", bare):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return bare.count("\n", 0, match.start()) + 1
    return 0


def _json_error(path: Path, error: json.JSONDecodeError) -> InputError:
    """The json module's message, except where its wording changed between Pythons (a trailing
    comma: 3.13 names it, earlier ones expect another entry): said the same on every version."""
    start = error.doc.rfind(",", 0, error.pos + 1)
    trailing = _JSON_TRAILING_COMMA.match(error.doc, start) if start >= 0 else None
    if trailing and trailing.start() <= error.pos <= trailing.end() - 1:
        where = "object" if trailing.group(1) == "}" else "array"
        line = error.doc.count("\n", 0, start) + 1
        column = start - error.doc.rfind("\n", 0, start)
        return InputError(path, f"invalid JSON: trailing comma before the end of an {where} (column {column})", line=line)
    return InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno)


def _parse_yaml(path: Path, text: str) -> Document:
    """Parse with libyaml's scanner when PyYAML has it (six times faster: the rule base is
    read at every start), and again in pure Python when that fails, for the exact message."""
    if FastStrictLoader is not None:
        try:
            return _compose_and_build(path, text, FastStrictLoader)
        except Exception:  # whatever went wrong, the pure-Python parser says it as it always has
            pass
    try:
        return _compose_and_build(path, text, StrictLoader)
    except _TooManyNodes as error:
        raise InputError(path, f"too many entries (more than {MAX_NODES:,})", line=error.line) from None
    except yaml.reader.ReaderError as error:  # a control character YAML forbids
        line = text.count("\n", 0, error.position) + 1
        raise InputError(path, f"invalid YAML: character U+{error.character:04X} is not allowed", line=line) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else None
        problem = error.problem or error.context or "syntax error"
        raise InputError(path, f"invalid YAML: {printable(problem, 200)}", line=line) from None
    except yaml.YAMLError as error:
        raise InputError(path, f"invalid YAML: {printable(str(error).splitlines()[0], 200)}") from None
    except RecursionError:
        raise InputError(path, "nested too deeply") from None


def _compose_and_build(path: Path, text: str, loader_class) -> Document:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise InputError(path, "empty document")
        lines: dict = {}
        return Document(str(path), _build(node, loader, path, (), lines, 0), lines)
    finally:
        loader.dispose()


def _build(node, loader, path, keys, lines, depth):
    """Construct plain data from a YAML node, recording the line of every key path."""
    if depth > MAX_DEPTH:
        raise InputError(path, f"nested deeper than {MAX_DEPTH} levels", line=node.start_mark.line + 1)
    if node.tag not in PLAIN_TAGS:  # !!python/..., !!binary, !!set, custom tags: not data we know
        shown = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise InputError(path, f"YAML tag '{printable(shown)}' is not allowed", line=node.start_mark.line + 1)
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
                raise InputError(path, "duplicate key", key=printable(_dotted(keys + (key,))), line=line)
            lines[keys + (key,)] = line
            result[key] = _build(value_node, loader, path, keys + (key,), lines, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[keys + (index,)] = item.start_mark.line + 1
            items.append(_build(item, loader, path, keys + (index,), lines, depth + 1))
        return items
    where = {"key": printable(_dotted(keys)) or None, "line": node.start_mark.line + 1}
    try:
        value = loader.construct_object(node, deep=True)
    except ValueError:  # an integer of thousands of digits: Python refuses to convert it
        raise InputError(path, f"number too large ({shorten(node.value)})", **where) from None
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(path, "not a finite number", **where)
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10 ** MAX_DIGITS:
        raise InputError(path, f"number too large ({shorten(node.value)})", **where)
    if not isinstance(value, (str, int, float, bool, type(None))):
        value = str(value)
    return value


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys)


def printable(text: str, limit: int = 60) -> str:
    """User text fit for a one-line message: invisible characters escaped, length bounded."""
    text = str(text)
    if not text.isprintable():
        text = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shorten(text, limit)


def shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 3] + "..."


class _TooManyNodes(yaml.YAMLError):
    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def _refuse_aliases(self, parent, index):
    if self.check_event(yaml.AliasEvent):
        event = self.peek_event()
        raise yaml.composer.ComposerError(
            None, None, "YAML aliases (*name) are not allowed", event.start_mark)
    self.node_count = getattr(self, "node_count", 0) + 1
    if self.node_count > MAX_NODES:
        raise _TooManyNodes(self.peek_event().start_mark.line + 1)
    return _original_compose_node(self, parent, index)


_original_compose_node = yaml.SafeLoader.compose_node


class StrictLoader(yaml.SafeLoader):
    """SafeLoader without aliases: a case file never needs them, and they allow bombs."""

    compose_node = _refuse_aliases


if yaml.__with_libyaml__:
    class FastStrictLoader(yaml.composer.Composer, yaml.cyaml.CParser, yaml.constructor.SafeConstructor,
                           yaml.resolver.Resolver):
        """StrictLoader on libyaml's scanner and parser: the nodes are still composed in Python,
        one event at a time, so aliases, entry counts and nesting are refused the same way."""

        compose_node = _refuse_aliases

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
else:  # PyYAML built without libyaml: the pure-Python loader does it all
    FastStrictLoader = None


def make_folder(folder) -> Path:
    """The folder, created with its parents if missing, or an InputError that says why not."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(folder, "cannot create this folder: a file of that name is in the way") from None
    except OSError as error:
        raise InputError(folder, f"cannot create this folder: {error.strerror or error}") from None
    return folder


def write_atomic(path, content: str | bytes, force: bool = False) -> Path:
    """Write through a temporary file and a rename: the old file or the new one, never half.

    Without `force`, an existing file is left alone and OutputExists is raised. On Linux the
    data goes first into an unnamed file (O_TMPFILE) that gets its name only once complete,
    so even a kill -9 mid-write leaves no partial file behind; elsewhere a hidden temporary
    file (.NAME.*.tmp) is used and removed on any error or Ctrl-C.
    """
    path = Path(path)
    if path.exists() and not force:
        raise OutputExists(f"{path}: already exists (use --force to replace it)")
    data = content.encode("utf-8") if isinstance(content, str) else content
    make_folder(path.parent)
    try:
        mode = _mode_for(path)
        if not _write_unnamed(path, data, mode, force):
            _write_named(path, data, mode, force)
        _sync_folder(path.parent)
    except OutputExists:
        raise
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None
    return path


def _mode_for(path: Path) -> int:
    """An existing file keeps its permissions; a new one gets the usual 0666 minus the umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _write_all(fd: int, data: bytes, mode: int) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
    os.fchmod(fd, mode)
    os.fsync(fd)


def _write_unnamed(path: Path, data: bytes, mode: int, force: bool) -> bool:
    """Write into an O_TMPFILE file and link it in place; False if the system cannot."""
    if not hasattr(os, "O_TMPFILE"):
        return False
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError:
        return False  # not Linux, or a file system without O_TMPFILE
    try:
        _write_all(fd, data, mode)
        handle = f"/proc/self/fd/{fd}"
        if not force:
            try:
                os.link(handle, path, follow_symlinks=True)  # appears complete, or not at all
            except FileExistsError:
                raise OutputExists(f"{path}: already exists (use --force to replace it)") from None
            except OSError:
                return False  # no /proc or no hard links here
            return True
        temporary = _temporary_name(path)
        try:
            os.link(handle, temporary, follow_symlinks=True)
        except OSError:
            return False
        _replace(temporary, path)
        return True
    finally:
        os.close(fd)


def _write_named(path: Path, data: bytes, mode: int, force: bool) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _write_all(fd, data, mode)
    except BaseException:
        os.close(fd)
        _unlink(temporary)
        raise
    os.close(fd)
    if force:
        _replace(temporary, path)
        return
    try:
        os.link(temporary, path)  # atomic: fails if the file appeared meanwhile
    except FileExistsError:
        _unlink(temporary)
        raise OutputExists(f"{path}: already exists (use --force to replace it)") from None
    except OSError:  # no hard links on this file system: check, then rename
        if path.exists():
            _unlink(temporary)
            raise OutputExists(f"{path}: already exists (use --force to replace it)") from None
        _replace(temporary, path)
        return
    _unlink(temporary)


def _replace(temporary, path: Path) -> None:
    try:
        os.replace(temporary, path)
    except BaseException:
        _unlink(temporary)
        raise


def _temporary_name(path: Path) -> Path:
    return path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"


def _unlink(name) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the new name itself durable (a crash right after must not lose the rename)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def slugify(name: str, length: int = 60) -> str:
    """A file or folder name from a client's name: "Société Dupont & fils" -> "societe-dupont-fils"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:length].rstrip("-") or "client"
