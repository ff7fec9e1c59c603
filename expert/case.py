"""Read and validate a case file: the public contract of case-format.md.

A typo must never silently change a recommendation, so every unknown key, wrong type or
out-of-range number is an error that names the file, the key and what was expected.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass, field

from . import answers as answers_
from .answers import quote
from .emails import NotAnAddress, check
from .errors import InputError
from .files import printable, read_document
from .knowledge import Knowledge
from .law import law_for
from .messages import DEFAULT_LANGUAGE, LANGUAGES

PARTIES = {
    "client": ("name", "contact", "email", "address"),
    "provider": ("name", "signatory", "title", "email", "address", "place"),
}
# The party details the interview asks for; the others (addresses, title, place) are written
# in the case file, and a letter shows a visible blank where it needs one that is missing.
ASKED = {"client": ("name", "contact", "email"), "provider": ("name", "signatory", "email")}
# The details a letter needs beyond the answers: value type of each key (see `_detail`).
DETAILS = {
    "contract": {"reference": "text", "date": "date", "warning_date": "date"},
    "unpaid": {"amount": "amount", "invoices": "texts"},
}
MULTI_LINE = ("address",)
# Dates that cannot come in the other order: a written warning under a contract follows it.
DATE_ORDER = (("contract.date", "contract.warning_date"),)
# Every detail beyond the names, as "section.key": what a letter may use; the interview asks
# those its planned letter uses (templates' documents.yaml `details`), just before writing it.
LETTER_DETAILS = tuple(f"{party}.{key}" for party, keys in PARTIES.items() for key in keys
                       if key not in ASKED[party]) + tuple(f"{s}.{k}" for s, keys in DETAILS.items() for k in keys)
DETAIL_KINDS = ("text", "lines", "date", "amount", "texts")   # the value types of the details
LINE_BREAK = " / "          # how a line break of a postal address is typed on one line ("/" is enough)
ITEM_BREAK = re.compile(r"\s*[,;]\s*")   # how the items of a list (invoice numbers) are typed
TOP_LEVEL = ("language", "jurisdiction", "client", "provider", "answers") + tuple(DETAILS)
JURISDICTION = re.compile(r"^[A-Z]{2}$")
# A client book's columns (adieu portfolio's CSV) beyond one per factor: name -> where the
# cell goes in the case ("language", or a section and its key). No factor may take one's name.
BOOK_COLUMNS = {"language": ("language",), "jurisdiction": ("jurisdiction",),
                **{f"{section}_{name}": (section, name)
                   for section, names in (*PARTIES.items(), *DETAILS.items()) for name in names}}
MAX_LINES = 6
MAX_ITEMS, MAX_ITEM = 30, 60
MAX_AMOUNT = 1_000_000_000
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MAX_TEXT = 200
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})$")   # 15/01/2025, 15.01.25
NO_SUCH_DATE = "expected a date that exists"   # how _detail's message for 31/02 begins


@dataclass
class Case:
    """One client relationship under review. `answers` holds only what is known."""

    language: str = DEFAULT_LANGUAGE
    client: dict = field(default_factory=dict)
    provider: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    source: str = ""
    jurisdiction: str | None = None   # None: the language's default (documents.yaml)
    contract: dict = field(default_factory=dict)
    unpaid: dict = field(default_factory=dict)

    def detail(self, name: str):
        """A detail by its name, "section.key" (None when not given)."""
        section, key = name.split(".")
        return getattr(self, section).get(key)

    def to_dict(self) -> dict:
        """The case-file shape, ready to be written as YAML or JSON."""
        data = {"language": self.language}
        if self.jurisdiction:
            data["jurisdiction"] = self.jurisdiction
        for party in PARTIES:
            if getattr(self, party):
                data[party] = dict(getattr(self, party))
        data["answers"] = dict(self.answers)
        for section in DETAILS:
            given = getattr(self, section)
            if given:
                data[section] = {k: detail_data(v) for k, v in given.items()}
        return data


def detail_data(value):
    """A detail as a case file writes it: a date as YYYY-MM-DD, a list as a list."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return list(value) if isinstance(value, tuple) else value


def load_case(path, knowledge: Knowledge) -> Case:
    doc = read_document(path)
    return case_from_data(doc.data, knowledge, str(path), doc.line, doc.text)


def case_from_data(data, knowledge: Knowledge, source: str = "<case>", line_of=None, text_of=None) -> Case:
    """Validate plain data (from a file, a CSV row or the interview) into a Case.

    `text_of(*keys)` gives a scalar's text as typed in the file, when the parser read it as a
    number or a boolean: a text field takes it as written (a name `0777` is not 777)."""
    line_of = line_of or (lambda *keys: None)
    text_of = text_of or (lambda *keys: None)

    def fail(keys, message):
        raise InputError(source, message, key=printable(".".join(map(str, keys))) or None, line=line_of(*keys))

    if not isinstance(data, dict):
        fail((), "expected a mapping with language, client, provider and answers")
    for key in data:
        if key not in TOP_LEVEL:
            fail((key,), f"unknown key (expected one of {', '.join(TOP_LEVEL)})")
    case = Case(source=source)
    language = data.get("language", DEFAULT_LANGUAGE)
    if language not in LANGUAGES:
        fail(("language",), f"expected one of {', '.join(LANGUAGES)}, got {quote(language)}")
    case.language = language
    jurisdiction = data.get("jurisdiction")
    if jurisdiction is not None:
        case.jurisdiction = jurisdiction_of(jurisdiction, knowledge, lambda message: fail(("jurisdiction",), message))
    for party, fields in PARTIES.items():
        given = data.get(party)
        given = {} if given is None else given
        if not isinstance(given, dict):
            fail((party,), f"expected a mapping with {', '.join(fields)}")
        for key, value in given.items():
            if key not in fields:
                fail((party, key), f"unknown key (expected one of {', '.join(fields)})")
            if value is None:
                continue
            if isinstance(value, (bool, int, float)):
                value = text_of(party, key) or value
            report = (lambda k: lambda message: fail((party, k), message))(key)
            getattr(case, party)[key] = party_detail(key, value, report)
    for section, fields in DETAILS.items():
        given = data.get(section)
        given = {} if given is None else given
        if not isinstance(given, dict):
            fail((section,), f"expected a mapping with {', '.join(fields)}")
        for key, value in given.items():
            if key not in fields:
                fail((section, key), f"unknown key (expected one of {', '.join(fields)})")
            if value is not None:
                report = (lambda k: lambda message: fail((section, k), message))(key)
                getattr(case, section)[key] = _detail(fields[key], value, key, report)
    if (wrong := misordered(case.detail)) is not None:
        earlier, first, later, then = wrong
        fail(tuple(later.split(".")), f"expected a date on or after {earlier} ({first.isoformat()}), "
                                      f"got {then.isoformat()}")
    answers = data.get("answers")
    answers = {} if answers is None else answers
    if not isinstance(answers, dict):
        fail(("answers",), "expected a mapping of factor: answer")
    for factor_id, value in answers.items():
        factor = knowledge.factors.get(factor_id)
        if factor is None:
            fail(("answers", factor_id), f"unknown factor (expected one of {', '.join(knowledge.factors)})")
        if value is None:
            continue
        case.answers[factor_id] = answers_.from_data(factor, value, lambda message: fail(("answers", factor_id), message))
    return case


def misordered(detail_of):
    """The first pair of `DATE_ORDER` in the wrong order, as (earlier name, its date, later
    name, its date), each read with `detail_of(name)`; None when every pair given is in order."""
    for earlier, later in DATE_ORDER:
        first, then = detail_of(earlier), detail_of(later)
        if first is not None and then is not None and then < first:
            return earlier, first, later, then
    return None


def jurisdiction_of(value, knowledge: Knowledge, fail) -> str:
    """A jurisdiction of the rule base's law (FR, GB), or `fail(message)` with the expected ones."""
    known = law_for(knowledge).jurisdictions
    if not isinstance(value, str) or not JURISDICTION.match(value) or value not in known:
        fail(f"expected one of {', '.join(known)}, got {quote(value)}")
    return value


def party_detail(key: str, value, fail) -> str:
    """One detail of a party (its name, e-mail, address...) as the case keeps it, or
    `fail(message)` with what was expected."""
    return _lines(value, fail) if key in MULTI_LINE else _text(value, key, fail)


def detail_kind(name: str) -> str:
    """The value type of a detail "section.key": lines, text, date, amount or texts."""
    section, key = name.split(".")
    if section in PARTIES:
        return "lines" if key in MULTI_LINE else "text"
    return DETAILS[section][key]


def detail_from_text(name: str, text: str, fail):
    """What a person typed on one line for a detail, as the case keeps it, by the case file's
    own rules: address lines separated by "/", a date as YYYY-MM-DD or DD/MM/YYYY, an amount as 1250.50,
    1 250,50, 1,250.50 or 1.250,50 (a currency sign allowed; 1,250 and 1.250 are both 1250),
    list items separated by commas."""
    kind, key = detail_kind(name), name.split(".")[1]
    text = text.strip()
    if kind == "lines":
        return party_detail(key, "\n".join(text.split(LINE_BREAK.strip())), fail)
    if kind == "text":
        return _text(text, key, fail)
    if kind == "amount":
        return _detail(kind, _amount(text), key, fail)
    if kind == "texts":
        return _detail(kind, [item for item in ITEM_BREAK.split(text) if item], key, fail)
    return _detail(kind, text, key, fail)


def detail_text(name: str, value) -> str:
    """A detail as it is typed on one line (the inverse of `detail_from_text`)."""
    kind = detail_kind(name)
    if kind == "lines":
        return LINE_BREAK.join(str(value).splitlines())
    if kind == "date":      # day first, as France and the UK write it
        return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else str(value)
    if kind == "texts":
        return ", ".join(value)
    if kind == "amount":
        return f"{value:.2f}" if round(value) != value else f"{value:.0f}"
    return str(value)


AMOUNT = re.compile(r"^\d+(?:\.\d+)?$")
CURRENCY = re.compile(r"(?i)^(?:€|£|\$|eur|gbp|euros?)|(?:€|£|\$|eur|gbp|euros?)$")
THOUSANDS = re.compile(r"[1-9]\d{0,2}([.,])\d{3}(?:\1\d{3})*")  # 1,250  1.250  1.250.000


def _amount(text: str):
    """An amount as typed, as a number (left as text when it is not one: `_detail` says so).
    One sign alone before groups of three digits separates the thousands (1,250 in English,
    1.250 in French: both 1250, as money is written); otherwise the last sign is the decimal
    one."""
    cleaned = CURRENCY.sub("", answers_.SPACES.sub("", text))
    if "," in cleaned and "." in cleaned:       # 1,250.50 or 1.250,50
        thousands = "," if cleaned.rindex(".") > cleaned.rindex(",") else "."
        cleaned = cleaned.replace(thousands, "")
    elif grouped := THOUSANDS.fullmatch(cleaned):
        cleaned = cleaned.replace(grouped.group(1), "")
    cleaned = cleaned.replace(",", ".")         # 1250,50
    if not AMOUNT.match(cleaned) or len(cleaned) > 20:
        return text
    return float(cleaned) if "." in cleaned else int(cleaned)


def _detail(kind: str, value, key, fail):
    """A letter detail: text (one line), date (YYYY-MM-DD, or DD/MM/YYYY as France and the UK
    write it, DD/MM/YY for a year of this century), amount (a sum of money), texts
    (a list of short one-line texts, such as invoice numbers)."""
    if kind == "text":
        return _text(value, key, fail)
    if kind == "date":
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        text = value.strip() if isinstance(value, str) else ""
        day_first = DAY_FIRST.match(text)  # 15/01/2025, as France and the UK write it (and their exports)
        if day_first:
            day, month, year = day_first.groups()
            text = f"{year if len(year) == 4 else '20' + year}-{month:0>2}-{day:0>2}"   # 15/01/25: this century
        if DATE.match(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                fail(f"expected a date that exists (check the day and the month), got {quote(value)}")
        fail(f"expected a date as YYYY-MM-DD or DD/MM/YYYY, got {quote(value)}")
    if kind == "amount":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
                or not 0 <= value <= MAX_AMOUNT:
            fail(f"expected an amount from 0 to {MAX_AMOUNT}, such as 1250.50, got {quote(value)}")
        if round(value, 2) != value:
            fail(f"expected an amount with at most two decimals, got {quote(value)}")
        return value
    if not isinstance(value, list) or not value:
        fail(f"expected a list of texts, such as [F-2026-014, F-2026-021], got {quote(value)}")
    if len(value) > MAX_ITEMS:
        fail(f"expected at most {MAX_ITEMS} items, got {len(value)}")
    items = []
    for item in value:
        text = _text(item, key, fail)
        if not text or len(text) > MAX_ITEM:
            fail(f"expected each item to be a text of 1 to {MAX_ITEM} characters, got {quote(text)}")
        items.append(text)
    return tuple(items)


def _lines(value, fail) -> str:
    """Multi-line text (a postal address): each line checked as a one-line text."""
    if not isinstance(value, str):
        fail(f"expected text, one line per line of the address, got {quote(value)}")
    lines = [line.strip() for line in value.strip().splitlines()]
    if len(lines) > MAX_LINES:
        fail(f"expected at most {MAX_LINES} lines, got {len(lines)}")
    return "\n".join(_text(line, "address", fail) for line in lines if line)


def _text(value, key, fail) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        fail(f"expected text, got {quote(value)}")
    value = str(value).strip()
    # isprintable() is false for every character refused here: the searches are only needed
    # when it fails (a no-break space fails it too, and is allowed).
    if not value.isprintable():
        if CONTROL.search(value):
            fail("must be a single line of text, without control characters")
        invisible = next((c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
        if invisible is not None:
            fail(f"must be plain text, without invisible or invalid characters (found U+{ord(invisible):04X})")
    if len(value) > MAX_TEXT:
        fail(f"longer than {MAX_TEXT} characters")
    if key == "email":
        try:
            check(value)
        except NotAnAddress as why:
            fail(f"expected an e-mail address like name@example.com, got {quote(value)} ({_lower_first(str(why))})")
    return value


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
