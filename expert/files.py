"""Reading YAML/JSON documents strictly, with line numbers, and writing files atomically.

Users hand us files written by hand or exported from other tools: a typo, a duplicate key or
an alias bomb must end in one clear line that says where, never in a traceback or a hang.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import math
import os
import re
import secrets
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError, OutputExists

MAX_BYTES = 1024 * 1024  # case files are a few kB; PyYAML reads about 1 MB a second
MAX_DEPTH = 20
YAML = "tag:yaml.org,2002:"
PLAIN_TAGS = {YAML + name for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge")}
MAX_NODES = 20_000  # values and keys in one document: bounds the parsing time of a dense file
MAX_DIGITS = 18  # beyond this an integer is a mistake (and huge ones cost seconds to parse)


@dataclass
class Document:
    """Parsed data plus the line where each key path was written (YAML only), and the text of
    every scalar read as a number or a boolean, exactly as typed (a name `0777` stays 0777)."""

    path: str
    data: object
    lines: dict = field(default_factory=dict)
    texts: dict = field(default_factory=dict)

    def line(self, *keys) -> int | None:
        return self.lines.get(tuple(keys))

    def text(self, *keys) -> str | None:
        return self.texts.get(tuple(keys))


def read_document(path, max_bytes: int = MAX_BYTES) -> Document:
    """Read a YAML or JSON file into plain data, refusing anything ambiguous."""
    path = Path(path)
    text = read_text(path, max_bytes)
    if path.suffix.lower() == ".json":
        return Document(str(path), _parse_json(path, text), _json_lines(text))
    return _parse_yaml(path, text)


def _json_lines(text: str) -> dict:
    """The line of every key path of a JSON document, so that its errors name a line as a
    YAML file's do."""
    lines: dict = {}
    for place, line, _ in _json_places(text):
        lines.setdefault(place, line)
    return lines


def _json_duplicate(text: str) -> tuple | None:
    """(key path, line) of the first key a JSON object repeats; None where YAML cannot say."""
    repeated = [(place, line) for place, line, again in _json_places(text) if again]
    return min(repeated, key=lambda found: found[1]) if repeated else None  # paths of mixed kinds never compared


def _json_places(text: str) -> list:
    """(key path, line, whether its object had that key already) for every key and item of
    a JSON document. JSON is written in YAML's flow style, so YAML's composer places its
    nodes; where it cannot (a JSON oddity YAML refuses), there are none."""
    loader = (FastStrictLoader or StrictLoader)(text)
    places: list = []
    try:
        pending = [((), loader.get_single_node())]
        while pending:
            keys, node = pending.pop()
            if isinstance(node, yaml.MappingNode):
                seen: set = set()
                for key, value in node.value:
                    if isinstance(key, yaml.ScalarNode):
                        places.append((keys + (key.value,), key.start_mark.line + 1, key.value in seen))
                        seen.add(key.value)
                        pending.append((keys + (key.value,), value))
            elif isinstance(node, yaml.SequenceNode):
                for index, item in enumerate(node.value):
                    places.append((keys + (index,), item.start_mark.line + 1, False))
                    pending.append((keys + (index,), item))
    except Exception:
        return []
    finally:
        loader.dispose()
    return places


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The file as UTF-8 text, or an InputError that says why not."""
    with open_regular(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > max_bytes:
            raise InputError(path, f"file too large ({size:,} bytes; at most {max_bytes:,})")
        try:
            raw = handle.read(max_bytes + 1)  # bounded: the file may grow while it is read
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


def file_kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words (None for a regular file)."""
    if stat.S_ISREG(mode):
        return None
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a disk device")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path):
    """A binary handle on `path`, which must be a regular file: a named pipe, a device or a
    socket may never end (or never start), so it is refused before anything is read. The
    file is opened without blocking and checked on the handle itself, so a pipe put in its
    place after a check cannot hang us either."""
    path = Path(path)
    try:
        kind = file_kind(path.stat().st_mode)
        if kind is None:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
            kind = file_kind(os.fstat(fd).st_mode)
            if kind is None:
                return os.fdopen(fd, "rb")
            os.close(fd)
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    raise InputError(path, f"is {kind}, expected a regular file")


def refuse_non_text(path, head: bytes) -> None:
    """Refuse a file whose first bytes show it is not UTF-8 text: UTF-16 (a spreadsheet's
    "Unicode text" export) or binary (NUL bytes). Streaming readers pass the first block."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(path, "UTF-16 text, expected UTF-8 (save the file as UTF-8)")
    if b"\x00" in head:
        raise InputError(path, "binary file, expected UTF-8 text")


class _DuplicateKey(Exception):
    """A JSON object that names a key twice (json.loads keeps the last one silently)."""


def _parse_json(path: Path, text: str):
    def no_duplicates(pairs):
        seen = {}
        for key, value in pairs:
            if key in seen:
                raise _DuplicateKey(key)
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
    except _DuplicateKey as error:  # the hook sees an object's pairs, not where they are
        place = _json_duplicate(text)
        if place is None:
            raise InputError(path, "duplicate key", key=printable(str(error))) from None
        raise InputError(path, "duplicate key", key=printable(_dotted(place[0])), line=place[1]) from None
    except json.JSONDecodeError as error:
        raise _json_error(path, error) from None
    except ValueError:  # an integer of thousands of digits, before our own hook sees it
        raise InputError(path, "number too large") from None
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


_JSON_LEADING_ZERO = re.compile(r"-?0\d+(?:\.\d+)?")


def _json_error(path: Path, error: json.JSONDecodeError) -> InputError:
    """The json module's message, except where its wording changed between Pythons (a trailing
    comma: 3.13 names it, earlier ones expect another entry): said the same on every version.
    A number written with a leading zero (060) is refused by JSON itself: say why."""
    number_start = error.pos - 1 if error.pos > 0 and error.doc[error.pos - 1].isdigit() else error.pos
    while number_start > 0 and error.doc[number_start - 1] in "0123456789-":
        number_start -= 1
    leading = _JSON_LEADING_ZERO.match(error.doc, number_start)
    if leading:
        line = error.doc.count("\n", 0, number_start) + 1
        shown = leading.group()
        sign, digits = ("-", shown[1:]) if shown.startswith("-") else ("", shown)
        return InputError(path, f"invalid JSON: a number may not start with 0 ({shown}); write "
                                f"{sign}{digits.lstrip('0') or '0'} for a number, or put it in quotes for text",
                          line=line)
    start = error.doc.rfind(",", 0, error.pos + 1)
    trailing = _JSON_TRAILING_COMMA.match(error.doc, start) if start >= 0 else None
    if trailing and trailing.start() <= error.pos <= trailing.end() - 1:
        where = "object" if trailing.group(1) == "}" else "array"
        line = error.doc.count("\n", 0, start) + 1
        column = start - error.doc.rfind("\n", 0, start)
        return InputError(path, f"invalid JSON: trailing comma before the end of an {where} (column {column})", line=line)
    return InputError(path, f"invalid JSON: {error.msg} (column {error.colno})", line=error.lineno)


DIGEST_FILES, DIGEST_BYTES = 100, 8 * MAX_BYTES   # beyond them a folder is not a rule base worth keeping


def folder_digest(folder: Path) -> bytes | None:
    """A digest of every regular file under `folder`, names and bytes: two equal digests are
    the same files. None when the folder or one of them cannot be read, when it holds anything
    but folders and regular files (a pipe is never opened: it could wait forever; a linked
    folder is not walked), or more than a rule base could (a home folder given by mistake is
    not read through)."""
    digest = hashlib.blake2b(digest_size=32)
    files = size = 0
    try:
        for where, folders, names in os.walk(folder, onerror=_raise):
            if any(os.path.islink(os.path.join(where, name)) for name in folders):
                return None
            folders.sort()
            for name in sorted(names):
                path = os.path.join(where, name)
                status = os.stat(path)
                files, size = files + 1, size + status.st_size
                if not stat.S_ISREG(status.st_mode) or files > DIGEST_FILES or size > DIGEST_BYTES:
                    return None
                with open(path, "rb") as handle:
                    content = handle.read()
                digest.update(f"{os.path.relpath(path, folder)}\0{len(content)}\0".encode("utf-8", "surrogateescape"))
                digest.update(content)
    except (OSError, ValueError):
        return None
    return digest.digest()


def _raise(error: OSError):
    raise error


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
        texts: dict = {}
        return Document(str(path), _build(node, loader, path, (), lines, texts, 0), lines, texts)
    finally:
        loader.dispose()


def _build(node, loader, path, keys, lines, texts, depth):
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
            line = key_node.start_mark.line + 1
            key = _scalar(key_node, path, {"key": printable(_dotted(keys)) or None, "line": line})
            if not isinstance(key, (str, int, float, bool)):
                raise InputError(path, "keys must be plain text", line=line)
            if key in result:
                raise InputError(path, "duplicate key", key=printable(_dotted(keys + (key,))), line=line)
            lines[keys + (key,)] = line
            result[key] = _build(value_node, loader, path, keys + (key,), lines, texts, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[keys + (index,)] = item.start_mark.line + 1
            items.append(_build(item, loader, path, keys + (index,), lines, texts, depth + 1))
        return items
    where = {"key": printable(_dotted(keys)) or None, "line": node.start_mark.line + 1}
    value = _scalar(node, path, where)
    if value is not None and not isinstance(value, str):
        texts[keys] = node.value  # as typed: a text field keeps 0777 or 12.50 as written
    return value


def _scalar(node, path, where):
    """A scalar as the YAML 1.2 core schema reads it (the CSV's meaning: numbers are decimal,
    no octal without 0o, no base 60, no timestamps), explicit tags checked against the text."""
    text, tag = node.value, node.tag
    if tag == YAML + "str":
        return text
    if tag == YAML + "timestamp":  # !!timestamp: kept as the text of the date, if it is one
        if not _TIMESTAMP.fullmatch(text):
            raise InputError(path, f"'{printable(text, 40)}' is not a date (!!timestamp expects YYYY-MM-DD)", **where)
        return text
    if tag == YAML + "null":
        if not _NULL.fullmatch(text):
            raise InputError(path, f"'{printable(text, 40)}' is not a valid !!null (expected null, ~ or nothing)", **where)
        return None
    if tag == YAML + "bool":
        if not _BOOL.fullmatch(text):
            raise InputError(path, f"'{printable(text, 40)}' is not a valid !!bool (expected true or false)", **where)
        return text.lower() == "true"
    if tag == YAML + "int":
        if not _INT.fullmatch(text):
            raise InputError(path, f"'{printable(text, 40)}' is not a valid !!int (expected a whole number)", **where)
        return _integer(text, path, where)
    if tag == YAML + "float":
        if _INT.fullmatch(text) and not text.lower().startswith(("0x", "0o", "+0x", "-0x", "+0o", "-0o")):
            text = text + ".0"
        if not _FLOAT.fullmatch(text):
            raise InputError(path, f"'{printable(text, 40)}' is not a valid !!float (expected a number)", **where)
        digits = text.lstrip("+-").split(".")[0].split("e")[0].split("E")[0]
        if len(digits.lstrip("0")) > MAX_DIGITS:
            raise InputError(path, f"number too large ({shorten(node.value)})", **where)
        value = float(text.replace(".inf", "inf").replace(".Inf", "inf").replace(".INF", "inf")
                      .replace(".nan", "nan").replace(".NaN", "nan").replace(".NAN", "nan"))
        if not math.isfinite(value):
            raise InputError(path, "not a finite number", **where)
        return value
    raise InputError(path, f"YAML tag '{printable(tag.replace(YAML, '!!'))}' is not allowed", **where)


def _integer(text: str, path, where) -> int:
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    base = 16 if body[:2].lower() == "0x" else 8 if body[:2].lower() == "0o" else 10
    digits = body[2:] if base != 10 else body
    if len(digits.lstrip("0")) > MAX_DIGITS:
        raise InputError(path, f"number too large ({shorten(text)})", **where)
    value = sign * int(digits, base)
    if abs(value) >= 10 ** MAX_DIGITS:
        raise InputError(path, f"number too large ({shorten(text)})", **where)
    return value


# The YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3.2), for plain scalars and explicit tags.
_NULL = re.compile(r"null|Null|NULL|~|")
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|[-+]?0o[0-7]+|[-+]?0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)")
_TIMESTAMP = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|[ \t]+)\d{1,2}:\d{2}:\d{2}(?:\.\d*)?"
                        r"(?:[ \t]*(?:Z|[-+]\d{1,2}(?::\d{2})?))?)?")


class CoreSchemaResolver(yaml.resolver.BaseResolver):
    """Implicit tags of the YAML 1.2 core schema, instead of PyYAML's YAML 1.1 ones (where 060
    is 48, 1:30 is 90, yes is true and 2024-01-01 a date). `<<` is still seen as a merge key,
    to be refused by name."""


for _tag, _pattern, _first in (
        ("null", _NULL, ["~", "n", "N", ""]),
        ("bool", _BOOL, list("tTfF")),
        ("int", _INT, list("-+0123456789")),
        ("float", _FLOAT, list("-+.0123456789")),
        ("merge", re.compile(r"<<"), ["<"])):
    CoreSchemaResolver.add_implicit_resolver(YAML + _tag, re.compile(rf"^(?:{_pattern.pattern})$"), _first)
# An empty plain scalar has no first character: PyYAML looks it up under None.
CoreSchemaResolver.add_implicit_resolver(YAML + "null", re.compile(r"^$"), [None])


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys)


def printable(text: str, limit: int = 60) -> str:
    """User text fit for a one-line message: invisible characters escaped, length bounded."""
    text = str(text)
    if not text.isprintable():
        text = text.encode("unicode_escape", "backslashreplace").decode("ascii")
    return shorten(text, limit)


def terminal_safe(text: str) -> str:
    """Text fit for the terminal: every control or invisible character (an ESC sequence that
    would set the title or move the cursor, a bidi override) written as an escape; line
    breaks kept, since a message may hold several lines."""
    text = str(text)
    if all(line.isprintable() for line in text.split("\n")):
        return text
    return "\n".join(line if line.isprintable() else "".join(
        c if c.isprintable() or c in SPACES else c.encode("unicode_escape", "backslashreplace").decode("ascii")
        for c in line) for line in text.split("\n"))


SPACES = "\u00a0\u202f"   # no-break spaces, which French numbers and punctuation need: shown as is


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


_original_compose_node = yaml.composer.Composer.compose_node


class StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                   CoreSchemaResolver):
    """PyYAML's pure-Python parser and composer, with the core schema and without aliases (a
    case file never needs them, and they allow bombs). Scalars are built by `_scalar`."""

    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        CoreSchemaResolver.__init__(self)

    compose_node = _refuse_aliases


if yaml.__with_libyaml__:
    class FastStrictLoader(yaml.composer.Composer, yaml.cyaml.CParser, CoreSchemaResolver):
        """StrictLoader on libyaml's scanner and parser: the nodes are still composed in Python,
        one event at a time, so aliases, entry counts and nesting are refused the same way."""

        compose_node = _refuse_aliases

        def __init__(self, stream):
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            CoreSchemaResolver.__init__(self)
else:  # PyYAML built without libyaml: the pure-Python loader does it all
    FastStrictLoader = None


def slugify(name: str, limit: int = 60) -> str:
    """A file or folder name from a client's name: "Société Dupont & fils" -> "societe-dupont-fils"."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return slug[:limit].rstrip("-") or "client"


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


def check_writable_folder(folder) -> None:
    """Refuse at once a folder documents could not be written to (a file in its place, a
    read-only disk, no permission), before any work is done for it: otherwise the failure
    comes once per client, or at the end of an interview. A missing folder is judged by its
    nearest existing parent, and not created here."""
    folder = present = Path(folder)
    try:
        while not present.exists() and present.parent != present:
            present = present.parent
        is_folder = present.is_dir()
    except OSError as error:    # a name too long for the system, say
        raise InputError(folder, f"cannot create this folder: {error.strerror or error}") from None
    if not is_folder:
        raise InputError(folder, "exists and is not a folder (--out takes a folder)" if present == folder
                         else "cannot create this folder: a file of that name is in the way")
    try:
        with tempfile.TemporaryFile(dir=present):
            pass
    except OSError as error:
        raise InputError(folder, f"cannot write: {error.strerror or error}") from None


def write_atomic(path, content: str | bytes, force: bool = False) -> Path:
    """Write through a temporary file and a rename: the old file or the new one, never half.

    Without `force`, an existing file is left alone and OutputExists is raised. On Linux the
    data goes first into an unnamed file (O_TMPFILE) that gets its name only once complete,
    so even a kill -9 mid-write leaves no partial file behind; elsewhere a hidden temporary
    file (.NAME.*.tmp) is used and removed on any error or Ctrl-C. Only a regular file is
    ever replaced (see _write_through).
    """
    if isinstance(path, str) and path.endswith(("/", os.sep)):
        raise InputError(path, "names a folder (it ends with a slash): expected the file's name")
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    target = _existing_target(path)
    if target is not None and target != path:  # a symlink to a regular file: the file is replaced, not the link
        path = target
    elif target is None and _write_through(path, data):
        return path
    if path.exists() and not force:
        raise OutputExists(path)
    make_folder(path.parent)
    remove_stale_temporaries(path.parent)
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


def _existing_target(path: Path) -> Path | None:
    """The regular file a name designates (itself, or where its symlink points); None when
    nothing is there or what is there is not a regular file (see _write_through)."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():   # a link to nothing: neither replaced nor written through
            raise InputError(path, "is a broken symbolic link, not a regular file: remove it or write to "
                                   "another name") from None
        return path
    except OSError as error:
        raise InputError(path, f"cannot write: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return path.resolve() if path.is_symlink() else path
    return None


def _write_through(path: Path, data: bytes) -> bool:
    """A name that is not a regular file is never replaced. The terminal and the null device
    are written through, as a shell redirection would; anything else (a named pipe, a socket,
    a folder, another device) is refused, with or without --force. Returns True if written."""
    mode = path.stat().st_mode
    kind = file_kind(mode)
    if stat.S_ISCHR(mode):
        try:
            fd = os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError as error:
            raise InputError(path, f"cannot write: {error.strerror or error}") from None
        try:
            if os.isatty(fd) or os.fstat(fd).st_rdev == os.stat(os.devnull).st_rdev:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                return True
        except OSError as error:
            raise InputError(path, f"cannot write: {error.strerror or error}") from None
        finally:
            os.close(fd)
    raise InputError(path, f"is {kind}, not a regular file: documents are written to regular files only "
                           f"(or, without -o, to the terminal)")


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
    """Write into an O_TMPFILE file and link it in place; False if the system cannot.

    The unnamed file is linked through its /proc/self/fd link, which must be followed:
    os.link calls plain link(2) unless a dir_fd is given (or follow_symlinks is False), and
    link(2) links the /proc symlink itself, across file systems (EXDEV). Naming the folder
    by a descriptor makes os.link call linkat(2) with AT_SYMLINK_FOLLOW."""
    if not hasattr(os, "O_TMPFILE") or os.link not in os.supports_dir_fd:
        return False
    try:
        fd = os.open(path.parent, os.O_TMPFILE | os.O_WRONLY, 0o600)
    except OSError:
        return False  # not Linux, or a file system without O_TMPFILE
    try:
        folder = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        os.close(fd)
        return False
    try:
        _write_all(fd, data, mode)
        handle = f"/proc/self/fd/{fd}"
        if not force:
            try:  # appears complete, or not at all
                os.link(handle, path.name, dst_dir_fd=folder, follow_symlinks=True)
            except FileExistsError:
                raise OutputExists(path) from None
            except OSError:
                return False  # no /proc or no hard links here
            return True
        temporary = _temporary_name(path)
        try:
            os.link(handle, temporary.name, dst_dir_fd=folder, follow_symlinks=True)
        except OSError:
            return False
        _replace(temporary, path)
        return True
    finally:
        os.close(folder)
        os.close(fd)


def _write_named(path: Path, data: bytes, mode: int, force: bool) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
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
        raise OutputExists(path) from None
    except OSError:  # no hard links on this file system: check, then rename
        if path.exists():
            _unlink(temporary)
            raise OutputExists(path) from None
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
    return path.parent / f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp"


# .NAME.PID-RANDOM.tmp: the temporary files above, named after the process that writes them.
_OUR_TEMPORARY = re.compile(r"\..+\.([0-9]+)-[A-Za-z0-9_]+\.tmp")
_swept: set = set()


def remove_stale_temporaries(folder: Path) -> list:
    """Remove the temporary files a killed writer left in `folder` (kill -9 between writing and
    renaming): ours by their name, and stale because the process named in it is gone. Done once
    per folder and process, at the first write there. Returns the names removed."""
    key = (os.getpid(), str(folder))
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _OUR_TEMPORARY.fullmatch(entry.name)
        if match is None or int(match.group(1)) == os.getpid() or _alive(int(match.group(1))):
            continue
        try:
            if entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a process number we can test: keep the file
    return True


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


def silence_stdout() -> None:
    """What is left in stdout's buffer goes nowhere (the reader has gone, or the disk is full),
    so that the interpreter's last flush at exit does not fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def reopen_closed_streams() -> None:
    """A standard stream the caller closed (`adieu interview <&-`) is opened on the null device,
    as `< /dev/null` or `> /dev/null` would: reading it gives end of file and the command says
    what it needs, instead of failing on a missing stream; and no file opened later can take
    its descriptor, where stray writes to it would land."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)
        if null != fd:
            os.dup2(null, fd)
            os.close(null)
        setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", errors="backslashreplace",
                                closefd=False))
