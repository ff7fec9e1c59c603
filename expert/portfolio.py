"""Review a whole client book at once: cases from a CSV export or a folder, ranked by urgency.

Rows are read, assessed and written one at a time, in one process or spread over N worker
processes (durable-rules is not thread-safe: processes, never threads), so memory stays
flat whatever the size of the input: only a small summary per client is kept, to rank them
at the end, and past RUN_ROWS clients the summaries are ranked in runs on disk (Review). A
bad row is reported with its line number and skipped; the others go on.

The CSV is what a CRM export gives: one row per client, the columns client_name,
client_contact, client_email, provider_name, provider_signatory, provider_email, language
and any factor ids; an empty cell is an unknown answer. Each row becomes the case-file
shape and is validated by case.case_from_data, so its errors read like a case file's.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import gc
import heapq
import io
import itertools
import json
import os
import pickle
import re
import tempfile
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from . import answers
from .case import BOOK_COLUMNS, DATE_ORDER, DETAILS, Case, case_from_data, detail_data, detail_from_text, jurisdiction_of, \
    load_case, misordered, party_detail
from .conditions import PolicyValue
from .errors import AdieuError, EngineError, InputError, OutputExists, ReviewStopped
from .explain import primary_attribute, worst_problems
from .files import check_writable_folder, make_folder, open_regular, printable, refuse_non_text, slugify, terminal_safe, write_atomic
from .knowledge import Knowledge
from .messages import DEFAULT_LANGUAGE, LANGUAGES, messages
from .policy import Policy

HEAD_BYTES = 65536  # what is read to tell text from UTF-16 or binary
CASE_SUFFIXES = (".yaml", ".yml", ".json")
UNDECODED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8 (surrogateescape)
CHUNK = 64                      # rows sent to a worker at a time
IN_FLIGHT_CHUNKS = 4            # chunks per worker read ahead of the output, at most
ENGINE_CACHE = 1024             # reasonings each process keeps for repeated cases (~7 KB each)
VERDICTS = 2048                 # without documents: verdicts kept for repeated answers (~1.5 KB each)
EXIT_ROWS_FAILED = 1            # some rows were skipped (the others were reviewed)
EXIT_ENGINE_FAILED = 3          # the engine failed on some rows


# -- what is kept per client ------------------------------------------------------------

class Summary(NamedTuple):
    """What ranking and the views need of one assessed client; the Assessment is dropped."""

    line: int | None            # CSV line (None for a case file)
    source: str | None          # case file (None for a CSV row: the input's path)
    client: str
    verdict: tuple              # one value per outcome attribute, in outcomes.yaml order
    share: float | None         # the revenue-share answer, None when unknown
    problems: tuple             # finding ids, most severe first (at most three)
    language: str


@dataclass(frozen=True)
class Notice:
    """A message about one row, reported as the rows go: a row skipped (no summary), a
    client whose documents could not be written, or notes on its documents (status 0)."""

    message: str
    status: int
    summary: Summary | None = None


@dataclass(frozen=True)
class _Stop:
    """A problem that ends the whole review (an output file that exists, a broken install)."""

    message: str
    status: int
    exists: str | None = None   # the output file that exists (OutputExists, said again by the CLI)


# -- reading the input -----------------------------------------------------------------

@dataclass(frozen=True)
class Columns:
    """A CSV header: each column is ('language',), (party, field) or ('answers', factor)."""

    path: str
    keys: tuple


def open_input(path, knowledge: Knowledge):
    """(Columns or None, tasks): the header checked up front, then one task per row or file.

    A CSV task is (line, cells); a folder task is (None, case file path). Bad headers,
    missing files and unreadable CSV stop everything (exit 2): no row could be trusted.
    """
    path = Path(path)
    try:
        folder, found = path.is_dir(), path.exists()
    except OSError as error:  # a name too long for the system, say
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    if folder:
        return None, _folder_tasks(path)
    if not found:
        raise InputError(path, "no such file or folder")
    handle = _open_csv(path)
    try:
        if path.name.lower().endswith(CASE_SUFFIXES):
            raise InputError(path, "is a case file, not a client book: give a CSV export or a folder of case "
                                   "files (for one case: adieu assess FILE)")
        lines = _numbered_rows(handle, path)
        first = next(lines, None)
        if first is None:
            raise InputError(path, "empty file (expected a header line: client_name, ..., factor ids)")
        if isinstance(first[1], Unreadable):
            raise InputError(path, first[1].message, line=first[0])
        columns = _header(path, first, knowledge)
    except BaseException:
        handle.close()
        raise
    return columns, _closing(handle, lines)


def _folder_tasks(folder: Path):
    names = sorted(entry.name for entry in os.scandir(folder)
                   if entry.name.lower().endswith(CASE_SUFFIXES) and not entry.name.startswith("."))
    if not names:
        raise InputError(folder, f"no case files ({', '.join('*' + s for s in CASE_SUFFIXES)}) in this folder")
    return ((None, str(folder / name)) for name in names)


def _open_csv(path: Path):
    raw = open_regular(path)  # a named pipe or a device is refused before it can hang the review
    try:
        head = raw.read(HEAD_BYTES)
        refuse_non_text(path, head)  # a spreadsheet's UTF-16 or binary export: say so, not "unknown column"
        raw.seek(0)
        # Undecodable bytes survive as lone surrogates, so the row that holds them is the
        # one reported (not the whole file).
        return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as error:
        raw.close()
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    except BaseException:
        raw.close()
        raise


EXCEL_SEPARATOR = re.compile(r"sep=([,;\t|])", re.IGNORECASE)


class Unreadable(NamedTuple):
    """A row the CSV reader could not split into cells (a cell over the field limit, a stray
    quote): reported and skipped like any bad row, the rows after it still reviewed."""

    message: str


def _numbered_rows(handle, path: Path):
    """(line where the row starts, cells) for each non-blank row, header included; cells is
    an Unreadable for a row that cannot be read. An unreadable header, or a quote left open
    at the end of the file, stops everything: no row after it could be trusted."""
    first = handle.readline()
    skipped = 0
    declared = EXCEL_SEPARATOR.fullmatch(first.rstrip("\r\n"))
    if declared:    # Excel's first line "sep=;" names the delimiter; the header follows
        delimiter, skipped, first = declared.group(1), 1, handle.readline()
    else:
        delimiter = max(",;\t", key=first.count) if first.strip() else ","
    reader = csv.reader(itertools.chain([first], handle), delimiter=delimiter, strict=True)
    previous = skipped
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            start, previous = previous + 1, reader.line_num + skipped
            if start == 1 + skipped or "unexpected end of data" in str(error):
                raise InputError(path, f"unreadable CSV: {error}", line=previous) from None
            yield start, Unreadable(f"unreadable CSV: {error}")
            continue
        start, previous = previous + 1, reader.line_num + skipped
        if any(map(str.strip, cells)):  # not a blank row
            yield start, cells


def _closing(handle, rows):
    with handle:
        yield from rows


def _header(path: Path, first: tuple, knowledge: Knowledge) -> Columns:
    line, cells = first
    known = {**BOOK_COLUMNS, **{factor: ("answers", factor) for factor in knowledge.factors}}
    keys, seen = [], set()
    for number, cell in enumerate(cells, 1):
        name = cell.strip().lower()
        if not name:
            raise InputError(path, f"column {number} has no name (expected client_name, ..., language "
                                   f"or factor ids)", line=line)
        if name in seen:
            raise InputError(path, "column named twice", key=shown_name(name), line=line)
        if name not in known:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"did you mean {close[0]}?" if close else f"expected one of {', '.join(known)}"
            raise InputError(path, f"unknown column {number} ({hint})", key=shown_name(name), line=line)
        seen.add(name)
        keys.append(known[name])
    return Columns(str(path), tuple(keys))


def shown_name(name: str) -> str:
    """A column name as a message shows it: column names are ASCII ids, so anything else (a
    BOM, a zero-width space, a Cyrillic letter that looks Latin) is written as an escape."""
    return printable(name.encode("ascii", "backslashreplace").decode("ascii"))


def row_data(columns: Columns, line: int, cells: list, knowledge: Knowledge) -> dict:
    """The case-file shape of one CSV row: empty cells left out, booleans and numbers read."""

    def fail(key, message):
        raise InputError(columns.path, message, key=_column(key), line=line)

    if isinstance(cells, Unreadable):
        fail(None, cells.message)
    if len(cells) != len(columns.keys):
        fail(None, f"expected {len(columns.keys)} values (one per column), got {len(cells)}")
    if UNDECODED.search("".join(cells)):
        key = next(key for key, cell in zip(columns.keys, cells) if UNDECODED.search(cell))
        fail(key, "not UTF-8 text (save the export as CSV UTF-8)")
    data: dict = {"answers": {}}
    for key, cell in zip(columns.keys, cells):
        value = cell.strip()
        if not value:
            continue
        if key[0] in ("language", "jurisdiction"):
            data[key[0]] = value.lower() if key[0] == "language" else value.upper()
        elif key[0] == "answers":
            data["answers"][key[1]] = answers.from_text(knowledge.factors[key[1]], value,
                                                        lambda message, key=key: fail(key, message))
        elif key[0] in DETAILS:  # typed on one line, as the interview takes it (1 250,50; F-1, F-2)
            data.setdefault(key[0], {})[key[1]] = detail_data(detail_from_text(
                ".".join(key), value, lambda message, key=key: fail(key, message)))
        else:
            data.setdefault(key[0], {})[key[1]] = value
    return data


class RowReader:
    """CSV rows to Cases, each distinct cell text of a column validated once.

    A client book repeats most of its cells (the provider's details on every row, a few
    answers per factor): each column keeps what its texts read as, so a repeated cell costs
    a look-up. Only a row whose every cell reads well is built here, into the Case that
    row_data and case_from_data give; a row with a bad cell goes through them, so that its
    error names its line and column exactly as before.
    """

    CACHED = 2048  # texts kept per column: a column of names, all distinct, stays small

    def __init__(self, columns: Columns, knowledge: Knowledge):
        self.columns, self.knowledge = columns, knowledge
        slots = {"client": 0, "provider": 1, "answers": 2, "language": 3, "jurisdiction": 3, "contract": 4,
                 "unpaid": 5}
        # per column: the part of the case it fills, its texts read (text -> (key, value)), its reader
        self._cells = [(slots[key[0]], {"": _UNKNOWN}, self._reader(key)) for key in columns.keys]

    def case(self, line: int, cells) -> Case:
        """The Case of one row, or the InputError that row_data or case_from_data raise."""
        if cells.__class__ is not list or len(cells) != len(self._cells):
            return self._checked(line, cells)
        parts = ({}, {}, {}, {}, {}, {})  # client, provider, answers, language and jurisdiction, contract, unpaid
        for (slot, known, read), cell in zip(self._cells, cells):
            pair = known.get(cell)
            if pair is None:
                pair = read(cell)
                if len(known) < self.CACHED:
                    known[cell] = pair
            if pair is not _UNKNOWN:
                if pair is _BAD:
                    return self._checked(line, cells)
                parts[slot][pair[0]] = pair[1]
        case = Case(language=parts[3].get("language", DEFAULT_LANGUAGE), client=parts[0], provider=parts[1],
                    answers=parts[2], source=self.columns.path, jurisdiction=parts[3].get("jurisdiction"),
                    contract=parts[4], unpaid=parts[5])
        if parts[4] and misordered(case.detail):     # dates that cannot come in this order: said as case_from_data says it
            return self._checked(line, cells)
        return case

    def _checked(self, line: int, cells) -> Case:
        data = row_data(self.columns, line, cells, self.knowledge)
        return case_from_data(data, self.knowledge, self.columns.path, lambda *keys: line)

    def _reader(self, key: tuple):
        """cell text -> (key, what the case keeps), _UNKNOWN (an empty cell) or _BAD (read the
        row the slow way)."""
        name = key[-1]

        def refuse(message):
            raise _Refused

        if key[0] == "language":
            def value(text):
                if text.lower() not in LANGUAGES:
                    raise _Refused
                return text.lower()
        elif key[0] == "jurisdiction":
            def value(text):
                return jurisdiction_of(text.upper(), self.knowledge, refuse)
        elif key[0] in DETAILS:
            def value(text):
                return detail_from_text(".".join(key), text, refuse)
        elif key[0] == "answers":
            factor = self.knowledge.factors[key[1]]

            def value(text):
                return answers.from_data(factor, answers.from_text(factor, text, refuse), refuse)
        else:
            def value(text):
                return party_detail(key[1], text, refuse)

        def read(cell: str) -> tuple:
            if not cell.isprintable() and UNDECODED.search(cell):  # undecoded bytes are unprintable
                return _BAD
            text = cell.strip()
            if not text:
                return _UNKNOWN
            try:
                return name, value(text)
            except _Refused:
                return _BAD
        return read


class _Refused(Exception):
    """A cell that does not read well: its row is read again by row_data and case_from_data."""


_UNKNOWN, _BAD = (object(), None), (object(), None)  # what an empty cell and a bad one read as


# The other date a misordered date is compared with, as case_from_data names it (only there:
# a value quoted in a message is shown as typed).
EARLIER_KEY = re.compile(r"(?<=on or after )(?:%s)\b" % "|".join(re.escape(earlier) for earlier, _ in DATE_ORDER))


def _column(key) -> str | None:
    """The CSV column of a case-file key path ('answers.revenue_share' -> 'revenue_share')."""
    if not key:
        return None
    parts = key.split(".") if isinstance(key, str) else list(key)
    if parts[0] == "answers" and len(parts) > 1:
        return parts[1]
    return "_".join(parts)


# -- assessing, in this process or in a worker -----------------------------------------

class Reviewer:
    """One process's Advisor (and documents), turning tasks into summaries or notices."""

    def __init__(self, knowledge: Knowledge, policy: Policy, columns: Columns | None,
                 out: str | None = None, force: bool = False, formats: tuple = (), language: str | None = None):
        from .advisor import Advisor
        from .messages import locale_language

        self.language = language or locale_language()   # the user's, for what is said about a row

        self.advisor = Advisor(knowledge=knowledge, policy=policy)
        # Without documents a row needs only its verdict and problems: those are kept per set of
        # answers, small and flat, instead of whole reasonings, which the garbage collector
        # walks again and again (a fifth of the time of a book whose cases are all distinct).
        self.advisor.engine.cache_size = ENGINE_CACHE if out else 0
        self._verdicts: OrderedDict = OrderedDict()  # answers -> (verdict, problems), most recent last
        self.knowledge, self.columns = knowledge, columns
        self.rows = RowReader(columns, knowledge) if columns is not None else None
        self.out, self.force, self.formats = (Path(out) if out else None), force, tuple(formats)
        self.revenue = revenue_factor(knowledge)
        self.primary = primary_attribute(knowledge)
        self._documents = None

    def review(self, task):
        line, item = task
        try:
            if self.columns is not None:
                case = self.rows.case(line, item)
            else:
                case = load_case(item, self.knowledge)
            if self.out is None:
                # The ranking needs neither the unknowns, nor what would change, nor the how-chain.
                return self._summary(line, item, case, self._verdict(case))
            assessment = self.advisor.assess(case)
        except InputError as error:
            return Notice(self._said("row_skipped", self._on_row(error, line)), EXIT_ROWS_FAILED)
        except EngineError as error:
            where = f"{self.columns.path}:{line}" if self.columns is not None else item
            return Notice(self._said("row_skipped", f"{where}: {error}"), EXIT_ENGINE_FAILED)
        summary = self.summarise(line, None if self.columns is not None else item, assessment)
        files = None
        try:
            files, notes = self.documents_of(assessment)
            self.write_documents(files, summary)
        except OutputExists as error:
            return _Stop(str(error), error.status, error.file)
        except InputError as error:
            said = self._on_row(error, line) if files is None else self._on_written(error, line)
            return Notice(self._said("no_documents", said), EXIT_ROWS_FAILED, summary)
        except AdieuError as error:
            return _Stop(str(error), error.status)
        if notes:
            # The notes are in the case's language, as its documents are.
            where = f"{self.columns.path}:{line}" if self.columns is not None else item
            return Notice("\n".join(f"{where}: {self._documents.say(assessment.language, 'note', note=note)}"
                                    for note in notes), 0, summary)
        return summary

    def _said(self, key: str, error) -> str:
        """What happened to a row, in the user's language (`cli` in templates/messages/)."""
        from .messages import error_message, say

        return say(self.language, key, error=error_message(error, self.language) if isinstance(error, AdieuError)
                   else error)

    def _on_row(self, error: InputError, line) -> InputError:
        """A CSV row's error names its line and the CSV column, not the case-file key (in its
        text too: "on or after contract_date")."""
        if self.columns is None:
            return error
        detail = EARLIER_KEY.sub(lambda found: _column(found.group()), error.detail)
        return InputError(error.file, detail, key=_column(error.key), line=line)

    def _on_written(self, error: InputError, line) -> str:
        """A document that could not be written: the row's place, then the file and why."""
        from .messages import error_message

        said = error_message(error, self.language)
        return said if self.columns is None else f"{self.columns.path}:{line}: {said}"

    def summarise(self, line, source, assessment) -> Summary:
        return self._summary(line, source, assessment.case, self._outcome(assessment.reasoning))

    def _verdict(self, case) -> tuple:
        """(verdict, problems) of the case's answers, from the last VERDICTS sets of answers."""
        key = tuple(case.answers.items())
        known = self._verdicts.get(key)
        if known is not None:
            self._verdicts.move_to_end(key)
            return known
        known = self._outcome(self.advisor.engine.reason(case.answers, traced=False))
        self._verdicts[key] = known
        if len(self._verdicts) > VERDICTS:
            self._verdicts.popitem(last=False)
        return known

    def _outcome(self, reasoning) -> tuple:
        """One value per outcome attribute, in outcomes.yaml order, and the three most severe
        problems (Assessment.problems)."""
        return tuple([value for _, value in reasoning.verdict]), \
            tuple([name for name, _ in worst_problems(self.knowledge, reasoning)[:3]])

    def _summary(self, line, item, case, outcome: tuple) -> Summary:
        source = None if self.columns is not None else item
        share = case.answers.get(self.revenue) if self.revenue else None
        client = case.client.get("name") or (Path(source).stem if source else "")  # "": a row without a name
        return Summary(line, source, client, outcome[0], share, outcome[1], case.language)

    def documents_of(self, assessment) -> tuple:
        """A client's memo and letter, and the notes that come with them (e.g. a notice
        period assumed)."""
        from .documents import documents_for

        if self._documents is None:
            self._documents = documents_for(self.knowledge)
        return self._documents.client_files(assessment, extra=self.formats)

    def write_documents(self, files, summary: Summary) -> None:
        """Each client's documents, next to the others in the --out folder."""
        stem = document_stem(summary)
        for name, content, _ in files:
            write_atomic(self.out / f"{stem}.{name}", content, force=self.force)


def document_stem(summary: Summary) -> str:
    """File names that sort like the input and stay unique: line number, or the case file's
    whole name (a.yaml and a.json must not share documents)."""
    if summary.source is not None:
        return Path(summary.source).name
    return f"{summary.line:06d}-{slugify(named(summary), 40)}"


def revenue_factor(knowledge: Knowledge) -> str | None:
    """The factor the rules compare with the revenue limit of policy.yaml, if any."""
    for rule in knowledge.rules:
        for condition in rule.conditions:
            if condition.compares and condition.operand == PolicyValue(knowledge.share_limit):
                return condition.subject
    return None


_worker: Reviewer | None = None


def _start_worker(*arguments):
    """A worker leaves signals to the parent: Ctrl-C is ignored (the parent stops the pool),
    and SIGTERM, from the parent's pool or a kill of the whole group, ends it at once and
    silently. What it was writing is an unnamed file that vanishes with it (write_atomic)."""
    import signal

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _worker = Reviewer(*arguments)


def _review_in_worker(task):
    return _worker.review(task)


def usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def run(tasks, reviewer_arguments: tuple, jobs: int = 1):
    """Results (Summary, Notice or _Stop) in input order, assessed in `jobs` processes.

    Reading runs at most a few chunks ahead of the results, so a huge input never piles
    up in a queue: memory stays flat, and the order is the input's whatever `jobs` is.
    """
    jobs = min(jobs, usable_cpus())  # more processes than CPUs only adds start-up and memory
    if jobs <= 1:
        reviewer = Reviewer(*reviewer_arguments)
        yield from map(reviewer.review, tasks)
        return
    import multiprocessing

    # fork starts a worker in milliseconds with the rule base already read; each worker
    # still compiles its own durable-rules ruleset (Reviewer -> Advisor -> Engine).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    room = threading.Semaphore(jobs * CHUNK * IN_FLIGHT_CHUNKS)
    stopping = threading.Event()

    def throttled():
        for task in tasks:
            room.acquire()
            if stopping.is_set():
                return
            yield task

    with context.Pool(jobs, _start_worker, reviewer_arguments) as pool:
        try:
            for result in pool.imap(_review_in_worker, throttled(), chunksize=CHUNK):
                room.release()
                yield result
        finally:
            # Stopped early (SIGTERM, Ctrl-C, a _Stop): free the pool's feeding thread, which
            # may wait for room, so that terminating the pool does not wait for it forever.
            stopping.set()
            room.release()


def count_tasks(path) -> int:
    """About how many rows or case files `path` holds, for a progress bar: CSV lines after
    the header (a quoted cell over several lines counts more than once), read in chunks."""
    path = Path(path)
    if path.is_dir():
        return sum(1 for entry in os.scandir(path)
                   if entry.name.lower().endswith(CASE_SUFFIXES) and not entry.name.startswith("."))
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return max(0, lines + (last != b"\n") - 1)


def review_portfolio(path, knowledge: Knowledge, policy: Policy, jobs: int = 1, out=None,
                     force: bool = False, report=None, progress=None, formats: tuple = (),
                     language: str | None = None) -> "Review":
    """Assess every client of a CSV export or a folder of case files.

    `report(message)` is called at once for each row that fails (the row is skipped); with
    `out`, each client's memo and letter are written there as the rows go. `progress()` is
    called once per row or file done, whichever worker did it. `formats` (pdf, docx, eml):
    the letter is also written in each. `language`: the user's, for what is said about a
    row (default: the locale's).
    """
    columns, tasks = open_input(path, knowledge)
    if out is not None:
        check_writable_folder(out)
        make_folder(out)
    review = Review(knowledge, policy, str(path))
    with _collector_spared():
        results = run(tasks, (knowledge, policy, columns, None if out is None else str(out), force,
                              tuple(formats), language), jobs)
        try:
            for result in results:
                if progress is not None:
                    progress()
                notice = review.add(result)
                if notice is not None and report is not None:
                    for line in notice.message.splitlines():
                        report(line)
        finally:
            results.close()
    return review


@contextlib.contextmanager
def _collector_spared():
    """Every object made before the review (the rule base, its texts) outlives it: frozen,
    the garbage collector stops walking them again every few rows (3 % of a book's time
    when its cases are all distinct), and forked workers leave their pages shared. They are
    thawed after, unless something else had frozen objects before (Python 3.12 starts with
    some): thawing would thaw those too, so what this froze stays frozen with them."""
    before = gc.get_freeze_count()
    gc.freeze()
    try:
        yield
    finally:
        if not before:
            gc.unfreeze()


# -- the review: ranking, totals and warnings ------------------------------------------

RUN_ROWS = 20_000   # summaries kept in memory (~5 MB); past it, ranked runs go to a temporary file
BATCH = 256         # summaries written and read back at a time: a merge holds one batch per run
MAX_RUNS = 64       # runs merged at the end at most; past it, they are first merged into one


class _Runs:
    """Ranked runs of records (tuples of plain values) in one unnamed temporary file, each
    written in pickled batches and read back a batch at a time. The file is ours alone (no
    name, mode 0600) and vanishes with the process, however it ends. It is made in TMPDIR
    (some 50 bytes a client); a folder that cannot take it stops the review with one line."""

    def __init__(self):
        with _temporary_space():
            self._file = tempfile.TemporaryFile(prefix="adieu-")
        self._runs: list = []   # (offset of the first batch, number of batches)

    def __len__(self) -> int:
        return len(self._runs)

    def write(self, records) -> None:
        """Append one run, in the order given."""
        file, records, batches = self._file, iter(records), 0
        with _temporary_space():
            start = file.seek(0, os.SEEK_END)
            while batch := list(itertools.islice(records, BATCH)):
                pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
                batches += 1
            file.flush()
        self._runs.append((start, batches))

    def read(self, run: int):
        """The records of one run. Each batch is read from where the last one ended, so
        several runs of the file can be read side by side (a merge)."""
        file = self._file
        offset, batches = self._runs[run]
        for _ in range(batches):
            with _temporary_space():
                file.seek(offset)
                batch = pickle.load(file)
                offset = file.tell()
            yield from batch

    def merged(self):
        """All runs merged in order: records compare as tuples (rank key first)."""
        return heapq.merge(*(self.read(run) for run in range(len(self._runs))))

    def close(self) -> None:
        self._file.close()


@contextlib.contextmanager
def _temporary_space():
    """An OSError on the ranking's temporary file (a full disk, TMPDIR not writable) as one line, exit 2."""
    try:
        yield
    except OSError as error:
        raise InputError(tempfile.gettempdir(), f"cannot write the temporary file that ranks a long client book: "
                                                f"{error.strerror or error} (set TMPDIR to a folder with room)") from None


class _Spool:
    """A list that moves to a temporary file past `limit` items: what a view holds until its
    end (the warnings) stays small in memory however long the book."""

    def __init__(self, limit: int):
        self._items: list = []
        self._runs: _Runs | None = None
        self._limit = limit

    def append(self, item) -> None:
        self._items.append(item)
        if len(self._items) >= self._limit:
            if self._runs is None:
                self._runs = _Runs()
            self._runs.write(self._items)
            self._items = []

    def __bool__(self) -> bool:
        return bool(self._items) or self._runs is not None

    def __iter__(self):
        if self._runs is not None:
            for run in range(len(self._runs)):
                yield from self._runs.read(run)
        yield from self._items


class Review:
    """A portfolio's clients ranked most urgent first, with totals and warnings.

    A client book can hold millions of clients: the totals are counted as the summaries come,
    and the summaries themselves are ranked in runs of RUN_ROWS, each written to a temporary
    file and merged at the end, so that memory stays flat however long the book. A book of
    fewer than RUN_ROWS clients is ranked in memory, as a whole.
    """

    def __init__(self, knowledge: Knowledge, policy: Policy, source: str, run_rows: int | None = None):
        self.knowledge, self.policy, self.source = knowledge, policy, source
        self.primary = primary_attribute(knowledge)
        self.attributes = tuple(knowledge.outcomes)
        self.revenue = revenue_factor(knowledge)
        self.limit = policy.number(knowledge.share_limit) if self.revenue else None
        self.assessed = 0
        self.failures = 0
        self.status = 0
        self.longest_client = 0   # the length of the longest client name, for the text view
        self._position = self.attributes.index(self.primary)
        self._severity = {value: i for i, value in enumerate(knowledge.outcomes[self.primary].values)}
        self._counts, self._shares, self._languages = Counter(), Counter(), Counter()
        self.run_rows = run_rows or RUN_ROWS
        self._pending: list = []  # summaries not yet in a run, in input order
        self._runs: _Runs | None = None
        # Verdicts, problems and languages repeat across clients: each is kept once, and a
        # summary in a run refers to it by number.
        self._shared: dict = {}
        self._values: list = []

    def add(self, result) -> Notice | None:
        """Count and keep a summary; return the notice to report, if any."""
        if isinstance(result, _Stop):
            if result.exists is not None:
                raise OutputExists(result.exists)
            raise ReviewStopped(result.message, result.status)
        notice = None
        if isinstance(result, Notice):
            self.status = max(self.status, result.status)
            notice, result = result, result.summary
            if result is None:
                self.failures += 1
                return notice
        value = result.verdict[self._position]
        self._counts[value] += 1
        self._shares[value] += result.share or 0   # in input order, as the totals always were
        self._languages[result.language] += 1
        self.longest_client = max(self.longest_client, len(named(result)))
        self.assessed += 1
        self._pending.append(result)
        if len(self._pending) >= self.run_rows:
            self._spill()
        return notice

    def _key(self, summary: Summary) -> tuple:
        return (-self._severity[summary.verdict[self._position]],
                -(summary.share if summary.share is not None else -1))

    def _number(self, value) -> int:
        number = self._shared.get(value)
        if number is None:
            number = self._shared[value] = len(self._values)
            self._values.append(value)
        return number

    def _spill(self) -> None:
        """The pending summaries, ranked, as one run on disk: (rank key, input position, the
        summary with its shared values by number). The input position breaks ties, so the
        merge keeps the input order and never compares further."""
        if self._runs is None:
            self._runs = _Runs()
        first, key, number = self.assessed - len(self._pending), self._key, self._number
        records = [(*key(s), first + i, s.line, s.source, s.client, number(s.verdict), s.share,
                    number(s.problems), number(s.language)) for i, s in enumerate(self._pending)]
        self._pending = []
        records.sort()
        self._runs.write(records)
        del records
        if len(self._runs) >= MAX_RUNS:
            runs = _Runs()
            runs.write(self._runs.merged())
            self._runs.close()
            self._runs = runs

    def ranked(self):
        """The summaries, most severe recommendation first, then the largest share of
        revenue; ties keep the input order."""
        if self._runs is None:
            return iter(sorted(self._pending, key=self._key))
        if self._pending:
            self._spill()
        values = self._values
        return (Summary(line, source, client, values[verdict], share, values[problems], values[language])
                for _, _, _, line, source, client, verdict, share, problems, language in self._runs.merged())

    def totals(self) -> list:
        """(value, clients, share of revenue at stake) per recommendation, most severe first."""
        return [(value, self._counts[value], round(self._shares[value], 4))
                for value in reversed(self.knowledge.outcomes[self.primary].values)]

    def above_limit(self, summary: Summary) -> bool:
        return self.limit is not None and summary.share is not None and summary.share > self.limit

    def language(self) -> str:
        """The language most of the clients' cases are written in (the first one on a tie)."""
        counts = self._languages
        return max(LANGUAGES, key=lambda lang: (counts[lang], -LANGUAGES.index(lang)))


# -- views: text, CSV and JSON of the same ranked rows ---------------------------------

CLIENT_WIDTH = 32


def render(review: Review, form: str):
    """The review as text, CSV or JSON, piece by piece (a large book is never one string)."""
    return {"text": _text, "csv": _csv, "json": _json}[form](review)


def _text(review: Review):
    k, lang = review.knowledge, review.language()
    m = messages(lang, k.root)
    outcome = k.outcomes[review.primary].label(lang)
    h = {key: (value.replace("{outcome_lower}", outcome.lower()).replace("{outcome}", outcome)
               if isinstance(value, str) else value) for key, value in m.portfolio.items()}
    position = review.attributes.index(review.primary)
    labels = k.outcomes[review.primary].labels
    yield h["title"].format(source=terminal_safe(review.source)) + "\n"
    counts = m.plural(h["assessed"], review.assessed)
    if review.failures:
        counts += ", " + m.plural(h["failed"], review.failures)
    yield counts + "\n\n"
    width = min(CLIENT_WIDTH, max(len(h["client"]), review.longest_client))
    heading = k.outcomes[review.primary].label(lang)
    label_width = max([len(heading)] + [len(label(lang)) for label in labels.values()])
    number_width = max(len(h["rank"]), len(str(review.assessed)))
    shares = review.revenue is not None   # a rule base without a share limit has no share column
    share_width = len(h["share"])
    row = (f"{{:>{number_width}}}  {{:<{width}}}  {{:<{label_width}}}  "
           + (f"{{:>{share_width}}}  " if shares else "{}") + "{}")
    yield row.format(h["rank"], h["client"], heading, h["share"] if shares else "", h["problems"]).rstrip() + "\n"
    warned = _Spool(review.run_rows)  # (rank, client, share): listed after the table, which is ranked in one pass
    for rank, summary in enumerate(review.ranked(), 1):
        client = summary.client or h["nameless"].format(line=summary.line)
        if review.above_limit(summary):
            warned.append((rank, client, summary.share))
        share = m.percent(summary.share) if summary.share is not None else h["unknown"]
        problems = ", ".join(k.findings[name].label(lang) for name in summary.problems)
        yield row.format(rank, _clip(terminal_safe(client), width), labels[summary.verdict[position]](lang),
                         share if shares else "", problems).rstrip() + "\n"
    totals = (f"{{:<{label_width + 2}}}  {{:>{len(h['clients'])}}}"
              + (f"  {{:>{len(h['at_stake'])}}}" if shares else "{}") + "\n")
    yield "\n" + totals.format(h["totals"], h["clients"], h["at_stake"] if shares else "")
    for value, clients, share in review.totals():
        yield totals.format("  " + labels[value](lang), clients, m.percent(share) if shares else "")
    if review.limit is None:
        return
    limit = m.percent(review.limit)
    yield "\n" + h["warnings"].format(limit=limit) + "\n"
    if not warned:
        yield "  " + h["none"].format(limit=limit) + "\n"
    for rank, client, share in warned:
        yield "  ! " + h["warning"].format(client=terminal_safe(client), rank=rank, share=m.percent(share)) + "\n"


def named(summary) -> str:
    """The client's name, or for a CSV row without one "line N", as the machine-readable
    views and the documents' file names have always said (the text view says it in its
    language: messages' portfolio.nameless)."""
    return summary.client or f"line {summary.line}"


def _fields(review: Review) -> list:
    """The columns of the machine-readable views, in the order of `_rows`."""
    fields = ["rank", "line", "source", "client", *review.attributes]
    if review.revenue:
        fields += [review.revenue, "above_limit"]
    return fields + ["problems"]


def _rows(review: Review):
    """The rows of the machine-readable views, ranked, as tuples in `_fields` order (the
    problems a tuple of finding ids)."""
    source, revenue, above_limit = review.source, review.revenue, review.above_limit
    for rank, summary in enumerate(review.ranked(), 1):
        head = (rank, summary.line, summary.source or source, named(summary), *summary.verdict)
        if revenue:
            yield (*head, summary.share, above_limit(summary), summary.problems)
        else:
            yield (*head, summary.problems)


def _records(review: Review):
    """The rows of the machine-readable views, ranked, as mappings."""
    fields = _fields(review)
    for row in _rows(review):
        record = dict(zip(fields, row))
        record["problems"] = list(record["problems"])
        yield record


CSV_ROWS = 256  # rows written at a time: a large book is never one string


def _csv(review: Review):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_fields(review))
    yield buffer.getvalue()  # the header, even when no row was reviewed
    # The rule base's values (outcomes, finding ids) repeat from row to row: each verdict and
    # each list of problems is made inert once.
    verdicts, problems, shares, end = {}, {}, bool(review.revenue), 4 + len(review.attributes)
    rows = _rows(review)
    while batch := list(itertools.islice(rows, CSV_ROWS)):
        buffer.seek(0)
        buffer.truncate()
        for row in batch:
            values = row[4:end]
            verdict = verdicts.get(values)
            if verdict is None:
                verdict = verdicts[values] = [_inert_cell(value) for value in values]
            found = problems.get(row[-1])
            if found is None:
                found = problems[row[-1]] = _inert_cell(";".join(row[-1]))
            share = (row[-3], "true" if row[-2] else "false") if shares else ()
            writer.writerow([row[0], row[1], _inert_cell(row[2]), _inert_cell(row[3]), *verdict, *share, found])
        yield buffer.getvalue()


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _inert_cell(value):
    """A cell a spreadsheet shows as text, never runs: text starting like a formula gets a
    leading apostrophe (OWASP's rule against CSV injection). Numbers are left as numbers."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _json(review: Review):
    def dump(value):
        return json.dumps(value, ensure_ascii=False)

    head = {"input": review.source, "assessed": review.assessed, "failed": review.failures}
    if review.revenue:
        head[review.knowledge.share_limit] = review.limit
    yield dump(head)[:-1] + ', "clients": ['
    warnings = _Spool(review.run_rows)  # each warning as JSON: they follow the clients, ranked in one pass
    for index, record in enumerate(_records(review)):
        yield ("\n  " if index == 0 else ",\n  ") + dump(record)
        if record.get("above_limit"):
            warnings.append(dump({key: record[key] for key in ("rank", "line", "source", "client", review.revenue)}))
    totals = [{review.primary: value, "clients": clients, **({review.revenue: share} if review.revenue else {})}
              for value, clients, share in review.totals()]
    yield "\n], " + f'"totals": {dump(totals)}, "warnings": ['
    for index, warning in enumerate(warnings):  # what json.dumps of the list would write
        yield (", " if index else "") + warning
    yield "]}\n"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"
