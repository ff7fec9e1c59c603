"""The command line driven as a hostile user would drive it (hypothesis): generated commands,
option values and files, each run as a real process with its standard input closed.

Whatever they are, adieu ends within its timeout with an exit status the README documents
(0, 1, 2; 3 when the engine failed on some portfolio rows; 130 interrupted, 143 terminated),
never 70 (an internal error), never a traceback, leaves no process of its own running, and a
named pipe, socket or device node it was pointed at is still one afterwards.

Every path is made in the example's own temporary folder, never a real system path. Each
example starts a Python, so this is the slow tier (pytest -m slow, run by
.ci/run), not `make test`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from expert.knowledge import load_knowledge
from strategies import case_data

pytestmark = pytest.mark.slow

KNOWLEDGE = load_knowledge()
DOCUMENTED = {0, 1, 2, 3, 130, 143}
TIMEOUT = 60
COMMANDS = ("assess", "memo", "letter", "portfolio", "knowledge", "interview")
# Command lines per command; ADIEU_CLI_EXAMPLES=N runs more (or fewer).
EXAMPLES = settings(max_examples=int(os.environ.get("ADIEU_CLI_EXAMPLES", 50)), deadline=None,
                    suppress_health_check=list(HealthCheck))


# -- paths: what is made in the example's folder before the run ------------------------------

@dataclass(frozen=True)
class Spec:
    """A path given on the command line, made in the example's folder just before the run."""

    kind: str                   # file, missing, folder, fifo, socket, device, symlink, dangling, loop
    name: str
    content: bytes = b""
    children: tuple = ()        # a folder's entries, or a symlink's target (one Spec)

    def __repr__(self) -> str:  # a failing example is shown short: the content's first bytes
        content = f", {self.content[:60]!r}{'...' if len(self.content) > 60 else ''}" if self.content else ""
        children = f", {list(self.children)!r}" if self.children else ""
        return f"Spec({self.kind}, {self.name!r}{content}{children})"

    def _repr_pretty_(self, printer, cycle):  # hypothesis prints dataclasses field by field otherwise
        printer.text(repr(self))


NON_REGULAR = ("fifo", "socket", "device")


def make(spec: Spec, folder: Path, keep: list) -> Path:
    """Make `spec` in `folder`; a path that cannot be made (a name too long) stays missing."""
    path = folder / spec.name
    try:
        if spec.kind == "file":
            path.write_bytes(spec.content)
        elif spec.kind == "folder":
            path.mkdir()
            for child in spec.children:
                make(child, path, keep)
        elif spec.kind == "fifo":
            os.mkfifo(path)
        elif spec.kind == "socket":
            server = socket.socket(socket.AF_UNIX)
            server.bind(str(path))
            keep.append(server)
        elif spec.kind == "device":  # a null device of our own: harmless even if written to
            try:
                os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            except PermissionError:
                os.mkfifo(path)
        elif spec.kind == "symlink":
            path.symlink_to(make(spec.children[0], folder, keep))
        elif spec.kind == "dangling":
            path.symlink_to(folder / "nowhere" / spec.name)
        elif spec.kind == "loop":
            path.symlink_to(path)
    except OSError:  # ENAMETOOLONG, a socket path past 108 bytes: given as it is, missing
        pass
    return path


def kinds_of(specs: list, folder: Path) -> dict:
    """The file type of every non-regular path made, to check that none was replaced."""
    found = {}
    for spec in specs:
        path = folder / spec.name
        if spec.kind in NON_REGULAR and os.path.lexists(path):
            found[path] = stat.S_IFMT(os.lstat(path).st_mode)
        for child in spec.children:
            found.update(kinds_of([child], folder if spec.kind == "symlink" else path))
    return found


# -- file contents -----------------------------------------------------------------------------

# Scalars written as they are, unquoted, where a value goes: YAML 1.1 surprises, tags, e-mail
# header injection, terminal escapes, numbers too large, invalid JSON.
YAML_RAW = ["060", "1:30", "0777", "2024-01-01", "2001-12-14t21:59:43.10-05:00", "0x1F", "0o17", "0b101",
            "1e999", ".nan", "-.inf", "~", "yes", "off", "!!timestamp x", "!!int twelve", "!!bool maybe",
            "!!float 1e999", "!!binary aGk=", "!!set {a}", "!!python/name:os.system", "*undefined", "&a [1, 2]",
            "'unterminated", "[1, 2", "{a: 1}", "12,5", "1_000", "9" * 400, "-" + "9" * 5000,
            "'=?utf-8?q?evil=0D=0ABcc:_x@evil.example?='", "a@example..com", "a@.example.com", "a@example.com..",
            '"\\u202eevil"', '"\\e]0;owned\\a"', '"\\u200b"', '"x\\ny"', '"\\0"', "|\n  two\n  lines", "[]", "{}"]
JSON_RAW = ["060", "-0", "1e999", "NaN", "Infinity", "9" * 400, "0x1F", "true", "null", "[]", "{}", "[[[[[[]]]]]]",
            '"=?utf-8?q?evil=0D=0ABcc:_x@evil.example?="', '"a@.example.com"', '"\\u001b]0;owned\\u0007"',
            '"\\ud800"', '"x\\u0000y"', "'single'", '"\\u202e"', '"' + "x" * 300 + '"']
PLACEHOLDER = "RAWVALUE{}"


def positions(data: dict) -> list:
    """Where a value can go in case-like data: every leaf, and new keys beside them."""
    found = [("language",), ("client",), ("answers",), ("typo",), ("answers", "typo"), ("client", "phone")]
    for key, value in data.items():
        if isinstance(value, dict):
            found += [(key, inner) for inner in value]
    return found + [("answers", factor) for factor in KNOWLEDGE.factors]


@st.composite
def raw_values(draw, data: dict, form: str, hostile: bool = True) -> str:
    """`data` serialised as YAML or JSON; if hostile, up to three values replaced by raw scalars."""
    data = json.loads(json.dumps(data))
    raws = {}
    for number in range(draw(st.integers(0, 3)) if hostile else 0):
        where = draw(st.sampled_from(positions(data)))
        node = data
        for key in where[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[where[-1]] = PLACEHOLDER.format(number)
        raws[number] = draw(st.sampled_from(YAML_RAW if form == "yaml" else JSON_RAW))
    if form == "yaml":
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)
        for number, raw in raws.items():
            text = text.replace(PLACEHOLDER.format(number), raw)
    else:
        text = json.dumps(data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2])))
        for number, raw in raws.items():
            text = text.replace(json.dumps(PLACEHOLDER.format(number)), raw)
    return text


@st.composite
def mutated(draw, text: str, hostile: bool = True) -> bytes:
    """The text's bytes; if hostile, sometimes damaged: cut, spliced, a line repeated, a BOM,
    another encoding, a NUL or an invalid UTF-8 byte."""
    raw = text.encode("utf-8", "surrogatepass")
    for _ in range(draw(st.integers(0, 2)) if hostile else 0):
        operation = draw(st.sampled_from(["cut", "insert", "repeat", "bom", "utf16", "latin1", "nul", "byte"]))
        at = draw(st.integers(0, len(raw)))
        if operation == "cut":
            raw = raw[:at]
        elif operation == "insert":
            raw = raw[:at] + draw(st.sampled_from([b":", b"- ", b"\n", b"\t", b'"', b"[", b"{", b"#", b"&x ", b"*x",
                                                   b"\r", b"---\n", b"\xe2\x80\xae", b"\x1b[2J"])) + raw[at:]
        elif operation == "repeat":
            lines = raw.split(b"\n")
            index = at % len(lines)
            raw = b"\n".join(lines[:index + 1] + lines[index:])
        elif operation == "bom":
            raw = b"\xef\xbb\xbf" + raw
        elif operation == "utf16":
            raw = raw.decode("utf-8", "replace").encode("utf-16")
        elif operation == "latin1":
            raw = raw.decode("utf-8", "replace").encode("latin-1", "replace")
        elif operation == "nul":
            raw = raw[:at] + b"\x00" + raw[at:]
        else:
            raw = raw[:at] + b"\xff" + raw[at + 1:]
    return raw


NAMES = ["case", "with space", "é-ü", "-dash", "new\nline", "\x1b[31mred", "x" * 300, "..", "a:b"]


@st.composite
def case_file(draw, hostile: bool, name: str | None = None) -> Spec:
    form = draw(st.sampled_from(["yaml", "json"]))
    data = draw(case_data(KNOWLEDGE))
    if name is None:
        suffixes = [".yaml", ".yml", ".json"] + ([".txt", ""] if hostile else [])
        name = draw(st.sampled_from(NAMES if hostile else NAMES[:3])) + draw(st.sampled_from(suffixes))
    return Spec("file", name, draw(mutated(draw(raw_values(data, form, hostile)), hostile)))


@st.composite
def policy_file(draw, hostile: bool) -> Spec:
    form = draw(st.sampled_from(["yaml", "json"]))
    data = draw(st.fixed_dictionaries({}, optional={
        "max_revenue_share": st.sampled_from([0, 5, 10, 15.5, 100, -1, 101]),
        "established_years": st.sampled_from([0, 3, 100]),
        "minor_problems_to_part": st.sampled_from([1, 2, 3, 10, 11]),
        "red_lines": st.dictionaries(st.sampled_from(list(KNOWLEDGE.factors)[:8] + ["typo"]),
                                     st.sampled_from(["rude", "abusive", "often_late", "never", True, 3]), max_size=3),
        "typo": st.just(1),
    }))
    if not hostile:
        data = {key: value for key, value in data.items() if key in ("max_revenue_share", "established_years")}
        data.setdefault("max_revenue_share", 15)
    text = draw(raw_values(data, form, hostile)) if data else draw(st.sampled_from(["", "{}", "[]", "# nothing\n"]))
    return Spec("file", f"policy.{form}", draw(mutated(text, hostile)))


COLUMNS = (["client_name", "client_contact", "client_email", "provider_name", "provider_signatory",
            "provider_email", "language"] + list(KNOWLEDGE.factors))
ODD_COLUMNS = ["typo", "\ufeffclient_name", "client\u200b_name", "", "\x1b]0;owned\x07", "\u0440ayment_behaviour",
               "client_name"]
CELLS = ["060", "12,5", "12.5", "1e999", "9" * 400, "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)", "\x1b]0;owned\x07",
         "\ufeffx", "oui", "NON", "true", "maybe", "", " ", "\u200b", 'a"b', "a\nb", "nan", "inf", "-0", "1:30",
         "a@example..com", "x@example.com", "=?utf-8?q?evil=0D=0ABcc:_x@evil.example?=", "fr", "en", "de",
         "Dupont SARL", "\u202eevil"]


def cell_of(column: str, hostile: bool):
    factor = KNOWLEDGE.factors.get(column.strip())
    if column.endswith("email"):
        valid = ["", "x@example.com", "contact@dupont.example"]
    elif column == "language":
        valid = ["", "fr", "en", "FR"]
    elif factor is None:
        valid = ["", "Dupont SARL", "Zoë Ørsted", "O'Brien & Fils"]
    elif factor.values:
        valid = [""] + [str(v).lower() for v in factor.values] + (["oui", "non"] if factor.type == "bool" else [])
    else:
        valid = ["", "3", "12", "40,5", "0.5"]
    return st.sampled_from(valid + (CELLS if hostile else []))


@st.composite
def csv_file(draw, hostile: bool) -> Spec:
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=10, unique=True))
    if hostile and draw(st.integers(0, 4)) == 0:
        header.insert(draw(st.integers(0, len(header))), draw(st.sampled_from(ODD_COLUMNS)))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows = draw(st.lists(st.tuples(*(cell_of(column, hostile) for column in header)), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if hostile and draw(st.integers(0, 9)) == 0:  # a cell over the CSV field limit
        text += delimiter.join(['"' + "y" * 140_000 + '"'] + [""] * (len(header) - 1)) + "\n"
    names = ["book.csv"] + (["book.txt", "book"] if hostile else [])
    return Spec("file", draw(st.sampled_from(names)), draw(mutated(text, hostile)))


@st.composite
def case_folder(draw, hostile: bool) -> Spec:
    children = [draw(case_file(hostile, name)) for name in draw(st.lists(
        st.sampled_from(["a.yaml", "b.json", "c.yml", "A.YAML", "d.txt"]), min_size=1, max_size=4, unique=True))]
    strays = [(".hidden.yaml", "file"), ("pipe.yaml", "fifo"), ("sub.yaml", "folder"), ("link.yaml", "dangling"),
              ("loop.json", "loop")]
    for name, kind in draw(st.lists(st.sampled_from(strays), max_size=2, unique=True)) if hostile else []:
        children.append(Spec(kind, name, b"answers: {}\n"))
    return Spec("folder", "cases", children=tuple(children))


SESSION = {"format": "adieu-interview-session", "version": 1, "language": "fr", "client": {"name": "Dupont"},
           "provider": {}, "answers": {"payment_behaviour": "often_late"}, "unknown": [], "checked_themes": [],
           "queue": [], "history": ["payment_behaviour"], "gates": {}, "revisit": False, "source": None,
           "out": None, "policy": None, "at": None}


@st.composite
def session_file(draw, hostile: bool) -> Spec:
    data = dict(SESSION)
    if hostile and draw(st.booleans()):
        data["version"] = draw(st.sampled_from([0, 2, 99, "1", True, None]))
    if hostile and draw(st.booleans()):
        data[draw(st.sampled_from(list(SESSION) + ["typo"]))] = draw(st.sampled_from(
            [None, [], {}, "x", 3, ["payment_behaviour", "typo"], {"money": ["typo"]}, "../../etc"]))
    return Spec("file", "adieu-session.json", draw(mutated(draw(raw_values(data, "json", hostile)), hostile)))


LETTERHEAD = (ROOT / "templates" / "letter" / "layout" / "letter.docx").read_bytes()


@st.composite
def template_file(draw, hostile: bool) -> Spec:
    content = draw(st.sampled_from(["as shipped", "cut", "garbage", "case"] if hostile else ["as shipped"]))
    raw = {"as shipped": LETTERHEAD, "cut": LETTERHEAD[:len(LETTERHEAD) // 2], "garbage": b"PK\x03\x04" + b"\0" * 64,
           "case": b"answers: {}\n"}[content]
    return Spec("file", draw(st.sampled_from(["letterhead.docx", "letterhead.dotx", "letterhead"])), raw)


KNOWLEDGE_FILES = sorted(p.relative_to(ROOT / "knowledge") for p in (ROOT / "knowledge").rglob("*.yaml"))


@st.composite
def knowledge_folder(draw, hostile: bool) -> Spec:
    """A copy of the shipped rule base; if hostile, one of its files damaged (or missing)."""
    damaged = draw(st.one_of(st.none(), st.sampled_from(KNOWLEDGE_FILES))) if hostile else None
    files = {}
    for relative in KNOWLEDGE_FILES:
        text = (ROOT / "knowledge" / relative).read_text(encoding="utf-8")
        if relative == damaged:
            if draw(st.integers(0, 5)) == 0:
                continue
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines[index] = draw(st.sampled_from([lines[index].replace(": ", ": " + raw + " #", 1)
                                                 for raw in ("060", "!!int x", "~", "[", "*a", "1e999")]
                                                + ["", lines[index] * 2, "  " + lines[index]]))
            text = "\n".join(lines)
        files.setdefault(str(relative.parent), []).append(Spec("file", relative.name, text.encode("utf-8")))
    top = files.pop(".", [])
    children = top + [Spec("folder", folder, children=tuple(entries)) for folder, entries in files.items()]
    return Spec("folder", "knowledge", children=tuple(children))


def output_path(suffix: str, hostile: bool):
    """Where -o or --out may point: new, existing, a folder, a pipe, a device, links."""
    existing = Spec("file", "existing" + suffix, b"already here\n")
    if not hostile:
        return st.sampled_from([Spec("missing", "out" + suffix), Spec("missing", "new/out" + suffix)]
                               + ([Spec("folder", "folder")] if not suffix else []))
    return st.sampled_from([
        Spec("missing", "out" + suffix), Spec("missing", "out"), existing, Spec("folder", "folder"),
        Spec("fifo", "pipe" + suffix), Spec("socket", "sock"), Spec("device", "null" + suffix),
        Spec("symlink", "link" + suffix, children=(existing,)), Spec("symlink", "link-to-pipe",
                                                                      children=(Spec("fifo", "pipe2"),)),
        Spec("dangling", "dangling" + suffix), Spec("loop", "loop" + suffix),
        Spec("missing", "no/such/folder/out" + suffix), Spec("missing", "x" * 300 + suffix),
    ])


def odd_path():
    """A path that is not what the option wants."""
    return st.sampled_from([Spec("missing", "missing.yaml"), Spec("folder", "folder"), Spec("fifo", "pipe.yaml"),
                            Spec("socket", "sock.yaml"), Spec("device", "null.yaml"), Spec("dangling", "gone.yaml"),
                            Spec("loop", "loop.yaml"), Spec("file", "empty.yaml"),
                            Spec("file", "binary.yaml", bytes(range(256)))])


# -- command lines -------------------------------------------------------------------------------

DATES = ["2025-03-14", "1900-01-01", "2999-12-31", "1899-12-31", "3000-01-01", "9999-12-25", "2024-02-29",
         "2023-02-29", "2024-13-01", "20240101", "", "\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661",
         "2024-01-01T00:00", "0000-01-01", "-2024-01-01"]
JOBS = ["1", "2", "3", "0", "-1", "1000000", "x", "2.5", "", "9" * 40]
SAMPLES = ["0", "1", "50", "300", "-1", "x", "1e3", "9" * 30, "1000000000"]
SEEDS = ["0", "1", "-5", "9" * 30, "x"]
JUNK = ["--", "-", "", "--nope", "-x", "--format=", "--force=yes", "\x1b[2J"]


def option(flag: str, value_strategy):
    return st.one_of(st.just([]), st.builds(lambda value: [flag, value], value_strategy))


def flag(name: str):
    return st.sampled_from([[], [name]])


@st.composite
def command_line(draw, command: str) -> list:
    """One invocation: the command, its arguments and options in any order; paths are Specs.

    Half the examples are hostile (odd values, odd paths, damaged files, now and then a stray
    argument); the other half are well-formed, so that the deep paths run too (a review to its
    end, documents written)."""
    hostile = draw(st.booleans())

    def pick(valid: list, odd: list):
        return st.sampled_from(valid + odd if hostile else valid)

    def path(strategy):
        return st.one_of(strategy, odd_path()) if hostile else strategy

    case, policy = path(case_file(hostile)), path(policy_file(hostile))
    options: list = []
    if command == "assess":
        head = ["assess", draw(case)]
        options += [draw(option("--format", pick(["text", "json", "md"], ["pdf", "TEXT", ""]))),
                    draw(option("--policy", policy)), draw(flag("--explain"))]
    elif command in ("memo", "letter"):
        formats = ["md", "html", "pdf", "docx"] + (["text", "eml"] if command == "letter" else [])
        form = draw(pick(formats, ["exe", ""]))
        head = [command, draw(case)]
        options += [["--format", form], draw(option("-o", output_path("." + form, hostile))), draw(flag("--force")),
                    draw(option("--policy", policy)), draw(option("--date", pick(DATES[:3], DATES[3:])))]
        if hostile or form == "docx":
            options.append(draw(option("--template", path(template_file(hostile)))))
        if command == "letter":
            options.append(draw(option("--kind", pick(["auto", "termination", "address", "renegotiate"],
                                                      ["none", "Auto"]))))
            if hostile or form == "eml":
                options.append(draw(flag("--attach-pdf")))
    elif command == "portfolio":
        head = ["portfolio", draw(path(st.one_of(csv_file(hostile), csv_file(hostile), case_folder(hostile))))]
        out = draw(option("--out", output_path("", hostile)))
        options += [draw(option("--format", pick(["text", "csv", "json"], ["md"]))), out, draw(flag("--force")),
                    draw(option("--jobs", pick(JOBS[:3], JOBS[3:]))), draw(option("--policy", policy)),
                    draw(flag("--quiet"))]
        if hostile or out:
            options.append(draw(option("--documents", pick(["pdf", "docx", "eml", "pdf,docx,eml"],
                                                           ["", ",", "xls", "pdf,pdf", " eml "]))))
    elif command == "knowledge":
        where = draw(st.sampled_from(["shipped", "copy"] + (["odd"] if hostile else [])))
        head = ["knowledge", "check"] + {"shipped": [], "copy": [draw(knowledge_folder(hostile))],
                                         "odd": [draw(odd_path())]}[where]
        options += [draw(option("--samples", pick(SAMPLES[:5], SAMPLES[5:]))),
                    draw(option("--seed", pick(SEEDS[:3], SEEDS[3:])))]
    else:
        head = ["interview"]
        resume = draw(st.one_of(st.just([]), st.just(["--resume"]),
                                st.builds(lambda spec: ["--resume", spec], path(session_file(hostile)))))
        options += [draw(option("--out", output_path("", hostile))), draw(flag("--force")),
                    draw(st.sampled_from([["--plain"], ["--plain"], []])), resume, draw(option("--policy", policy)),
                    draw(option("--language", pick(["fr", "en"], ["de", ""])))]
        if hostile or not resume:
            options.append(draw(option("--answers", case)))
    options = draw(st.permutations([part for part in options if part]))
    line = head + [item for part in options for item in part]
    if command != "knowledge" and draw(st.integers(0, 5)) == 0:  # a global option: before the command
        line = ["--knowledge", draw(path(knowledge_folder(hostile)))] + line
    if hostile and draw(st.integers(0, 4)) == 0:
        line.insert(draw(st.integers(1, len(line))), draw(st.sampled_from(JUNK)))
    return line


# -- running one -----------------------------------------------------------------------------------

def materialise(line: list, folder: Path, keep: list) -> tuple:
    """The argument strings, each Spec made under its own numbered subfolder (names may repeat)."""
    arguments, specs = [], []
    for index, item in enumerate(line):
        if isinstance(item, Spec):
            home = folder / f"arg{index}"
            home.mkdir()
            arguments.append(str(make(item, home, keep)))
            specs.append((home, item))
        else:
            arguments.append(item)
    return arguments, specs


def process_group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run(arguments: list, cwd: Path, close_stdin: bool):
    """adieu ARGUMENTS in its own process group, stdin closed (or at end of file), killed with
    its group past TIMEOUT. Returns (status, stderr, whether a process of the group remained)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    env.pop("ADIEU_DEBUG", None)
    process = subprocess.Popen([sys.executable, "-m", "expert", *arguments], cwd=cwd,
                               stdin=None if close_stdin else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, start_new_session=True,
                               preexec_fn=(lambda: os.close(0)) if close_stdin else None)
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"still running after {TIMEOUT} s: adieu {arguments}")
    deadline = time.monotonic() + 2  # workers that closed their pipes may take a moment to exit
    while process_group_alive(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = process_group_alive(process.pid)
    if left:
        os.killpg(process.pid, signal.SIGKILL)
    return process.returncode, stderr.decode("utf-8", "backslashreplace"), left


@pytest.mark.parametrize("command", COMMANDS)
@EXAMPLES
@given(data=st.data(), close_stdin=st.booleans())
def test_any_command_line_ends_in_time_with_a_documented_status_and_no_traceback(command, data, close_stdin):
    line = data.draw(command_line(command), label="command line")
    with tempfile.TemporaryDirectory(prefix="adieu-cli-fuzz-") as name:
        folder = Path(name)
        keep: list = []
        try:
            arguments, specs = materialise(line, folder, keep)
            kinds = {}
            for home, spec in specs:
                kinds.update(kinds_of([spec], home))
            status, stderr, left = run(arguments, folder, close_stdin)
        finally:
            for server in keep:
                server.close()
        shown = f"adieu {' '.join(map(repr, arguments))}\nexit {status}\n{stderr[-3000:]}"
        assert status in DOCUMENTED, shown
        assert "Traceback" not in stderr, shown
        assert "internal error" not in stderr, shown
        assert not left, f"a process of adieu was still running after it ended\n{shown}"
        for path, kind in kinds.items():
            assert os.path.lexists(path) and stat.S_IFMT(os.lstat(path).st_mode) == kind, \
                f"{path} was replaced\n{shown}"
