"""The sentences a letter may say about the client, each declaring the answers it asserts
(templates/letter/statements.yaml), so that a letter only ever says what the case holds.

A wording asserts a mapping `factor: value` or `factor: [values]` (and `finding: [ids]`
for what the rule base found); a list of mappings asserts any one of them. A wording may
depend on the case's law rather than its language (`under`: a legal mention). Rendering asks
this module which wordings hold for the case; the truth test asks it which wordings a
finished letter contains, and checks them against the case. Nothing here knows a factor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import AdieuError, InputError
from .files import read_document

GROUPS = ("facts", "asks", "offers", "topics", "sentences")
FINDING_KEY = "finding"
FIELD = re.compile(r"\{(\w+)\}")


class StatementsError(AdieuError):
    """statements.yaml is inconsistent: a bug of the installation."""

    status = 3


@dataclass(frozen=True)
class Statement:
    id: str
    group: str
    findings: tuple          # the problems the wording belongs to (facts, asks, offers, topics)
    asserts: tuple           # alternatives, each a tuple of (key, allowed values)
    texts: dict              # language -> wording
    after: dict              # language -> wording when it follows another fact
    under: dict = None       # jurisdiction -> language -> wording under that law

    def text(self, language: str, jurisdiction: str | None = None) -> str:
        """The wording in this language, under the case's law when it has one of its own."""
        return ((self.under or {}).get(jurisdiction) or {}).get(language, self.texts[language])

    def holds(self, answers: dict, findings) -> bool:
        return holds(self.asserts, answers, findings)

    def pattern(self, language: str) -> list:
        """Regular expressions that find this wording in a letter (fields match any text)."""
        found = []
        under = [wordings.get(language) for wordings in (self.under or {}).values()]
        for text in filter(None, (self.texts.get(language), self.after.get(language), *under)):
            pieces = FIELD.split(text)
            regex = "".join(re.escape(_normal(piece)) if i % 2 == 0 else ".*?" for i, piece in enumerate(pieces))
            found.append(re.compile(regex))
        return found


def parse_asserts(asserts) -> tuple | None:
    """`factor: value` mappings (a list: any one of them) as alternatives of (key, values);
    None when the shape is wrong."""
    alternatives = asserts if isinstance(asserts, list) else [asserts]
    parsed = []
    for alternative in alternatives:
        if not isinstance(alternative, dict) or not alternative:
            return None
        parsed.append(tuple((key, tuple(value) if isinstance(value, list) else (value,))
                            for key, value in alternative.items()))
    return tuple(parsed)


def holds(alternatives, answers: dict, findings=()) -> bool:
    return any(all(_satisfied(key, allowed, answers, findings) for key, allowed in alternative)
               for alternative in alternatives)


def _satisfied(key, allowed, answers, findings) -> bool:
    if key == FINDING_KEY:
        return all(name in findings for name in allowed)
    return key in answers and answers[key] in allowed


def _normal(text: str) -> str:
    """Case, white space (no-break spaces too) and the apostrophe's form do not matter when a
    wording is looked for in a letter: typography changes neither."""
    return " ".join(text.replace("’", "'").split()).casefold()


class Statements:
    """statements.yaml, read once."""

    def __init__(self, path):
        try:
            doc = read_document(path)
        except InputError as error:
            raise StatementsError(str(error)) from None
        self.path = path
        self.all: list = []
        data = doc.data if isinstance(doc.data, dict) else {}
        for group in GROUPS:
            for index, entry in enumerate(data.get(group) or ()):
                self.all.append(self._statement(group, index, entry, doc))
        self.by_id = {(s.group, s.id): s for s in self.all}

    def _statement(self, group, index, entry, doc) -> Statement:
        def fail(message):
            line = doc.line(group, index)
            raise StatementsError(f"{self.path}:{line or '?'}: {group}[{index}]: {message}")

        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            fail("expected a mapping with id, asserts and a wording per language")
        parsed = parse_asserts(entry.get("asserts"))
        if parsed is None:
            fail("asserts: expected factor: value mappings")
        finding = entry.get("finding")
        findings = tuple(finding) if isinstance(finding, list) else ((finding,) if finding else ())
        if group != "sentences" and not findings:
            fail("expected the finding the wording belongs to")
        texts = {k: v for k, v in entry.items() if k in ("fr", "en")}
        after = {k[:-6]: v for k, v in entry.items() if k.endswith("_after")}
        if not texts:
            fail("expected a wording per language")
        under = entry.get("under") or {}
        if not isinstance(under, dict) or not all(
                isinstance(code, str) and isinstance(wordings, dict) and wordings and set(wordings) <= set(texts)
                and all(isinstance(w, str) for w in wordings.values()) for code, wordings in under.items()):
            fail("under: expected a wording per language under each jurisdiction: {FR: {en: ...}}")
        return Statement(entry["id"], group, findings, parsed, texts, after, under)

    def view(self, answers: dict, findings, language: str, jurisdiction: str | None = None) -> "Said":
        return Said(self, dict(answers), set(findings), language, jurisdiction)

    def asserted_in(self, text: str, language: str) -> list:
        """Every wording this letter contains (to check it against the case)."""
        normal = _normal(text)
        return [s for s in self.all if any(p.search(normal) for p in s.pattern(language))]


class Said:
    """What may be said of one case, in its language and under its law: the templates' view
    of statements.yaml."""

    def __init__(self, statements: Statements, answers: dict, findings: set, language: str,
                 jurisdiction: str | None = None):
        self.statements, self.answers, self.findings, self.language = statements, answers, findings, language
        self.jurisdiction = jurisdiction

    def _holding(self, group: str, finding: str) -> list:
        return [s for s in self.statements.all
                if s.group == group and finding in s.findings and s.holds(self.answers, self.findings)]

    def facts(self, finding: str) -> list:
        """The facts of one problem that the case holds, in order."""
        holding = self._holding("facts", finding)
        return [s.after.get(self.language, s.text(self.language, self.jurisdiction)) if i
                else s.text(self.language, self.jurisdiction)
                for i, s in enumerate(holding)]

    def asks(self, finding: str) -> list:
        return [s.text(self.language, self.jurisdiction) for s in self._holding("asks", finding)]

    def offers(self, finding: str) -> list:
        return [s.text(self.language, self.jurisdiction) for s in self._holding("offers", finding)]

    def topic(self, finding: str) -> str:
        holding = self._holding("topics", finding)
        return holding[0].text(self.language, self.jurisdiction) if holding else ""

    def holds(self, name: str) -> bool:
        """Does the case hold what this sentence asserts (to prepare its fields only then)."""
        return self._sentence(name).holds(self.answers, self.findings)

    def _sentence(self, name: str) -> Statement:
        statement = self.statements.by_id.get(("sentences", name))
        if statement is None:
            raise StatementsError(f"{self.statements.path}: no sentence {name!r}")
        return statement

    def sentence(self, name: str, **fields) -> str:
        """The sentence when the case holds what it asserts, otherwise the empty string."""
        statement = self._sentence(name)
        if not statement.holds(self.answers, self.findings):
            return ""
        return statement.text(self.language, self.jurisdiction).format(**fields)
