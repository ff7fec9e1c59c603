"""Read and validate a case file: the public contract of case-format.md.

A typo must never silently change a recommendation, so every unknown key, wrong type or
out-of-range number is an error that names the file, the key and what was expected.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from . import answers as answers_
from .answers import quote
from .errors import InputError
from .files import printable, read_document
from .knowledge import Knowledge
from .messages import DEFAULT_LANGUAGE, LANGUAGES

PARTIES = {
    "client": ("name", "contact", "email"),
    "provider": ("name", "signatory", "email"),
}
TOP_LEVEL = ("language", "client", "provider", "answers")
EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
MAX_TEXT = 200


@dataclass
class Case:
    """One client relationship under review. `answers` holds only what is known."""

    language: str = DEFAULT_LANGUAGE
    client: dict = field(default_factory=dict)
    provider: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    source: str = ""

    def to_dict(self) -> dict:
        """The case-file shape, ready to be written as YAML or JSON."""
        data = {"language": self.language}
        for party in PARTIES:
            if getattr(self, party):
                data[party] = dict(getattr(self, party))
        data["answers"] = dict(self.answers)
        return data


def load_case(path, knowledge: Knowledge) -> Case:
    doc = read_document(path)
    return case_from_data(doc.data, knowledge, str(path), doc.line)


def case_from_data(data, knowledge: Knowledge, source: str = "<case>", line_of=None) -> Case:
    """Validate plain data (from a file, a CSV row or the interview) into a Case."""
    line_of = line_of or (lambda *keys: None)

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
            setattr_value = _text(value, key, lambda message: fail((party, key), message))
            getattr(case, party)[key] = setattr_value
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


def _text(value, key, fail) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        fail(f"expected text, got {quote(value)}")
    value = str(value).strip()
    if CONTROL.search(value):
        fail("must be a single line of text, without control characters")
    # isprintable() is false for every character of those categories: the search is only
    # needed when it fails (a no-break space fails it too, and is allowed).
    invisible = None if value.isprintable() else next(
        (c for c in value if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn")), None)
    if invisible is not None:
        fail(f"must be plain text, without invisible or invalid characters (found U+{ord(invisible):04X})")
    if len(value) > MAX_TEXT:
        fail(f"longer than {MAX_TEXT} characters")
    if key == "email" and not EMAIL.match(value):
        fail(f"expected an e-mail address like name@example.com, got {quote(value)}")
    return value
