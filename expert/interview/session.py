"""The interview's session file: every answer is saved as soon as it is given.

A session is a small JSON file (written atomically: the old version or the new one, never
half) from which `adieu interview --resume` restores the interview at the question where
it stopped, with the questions answered before it so that the user can still go back. A
file that is not an Adieu session, or is damaged, is refused in one line. Version 1 files
(without `history` and `gates`), version 2 files (without the tick-box screen of a case
file's answers, "revisit", among the questions), version 3 files (without the letter's
details: `contract`, `unpaid`, addresses, title and place), version 4 files (without the
`progress` shown, which then starts again from the questions answered) and version 5 files
(without the case file's `jurisdiction`) are still read.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from ..case import ASKED, DETAILS as SECTIONS, LETTER_DETAILS, PARTIES, case_from_data, detail_data
from ..errors import InputError
from ..files import read_document, write_atomic
from ..knowledge import LANGUAGES, Knowledge
from .progress import Progress

MARKER = "adieu-interview-session"
VERSION = 6
DEFAULT_NAME = "adieu-session.json"
GATE = "gate:"                  # a theme's check in `queue` and `history`: "gate:money"
REVISIT = "revisit"             # the tick-box screen of the answers taken from a case file
ASKED_DETAILS = tuple(f"{party}.{key}" for party, keys in ASKED.items() for key in keys)
DETAILS = ASKED_DETAILS + LETTER_DETAILS    # every detail a session holds, as "section.key"


@dataclass
class Session:
    """Where the interview stands. `client`/`provider`/`contract`/`unpaid` hold the details
    as the case keeps them (a date, a list...), None for one left empty;
    `unknown` the factors answered "I don't know"; `queue` the questions to (re)ask first;
    `history` the questions answered, in the order they were last answered (what "back"
    walks through); `gates` the factors each theme's check covered."""

    path: Path
    language: str | None = None
    jurisdiction: str | None = None  # a case file's, kept as it is; None: the language's default
    client: dict = field(default_factory=dict)
    provider: dict = field(default_factory=dict)
    contract: dict = field(default_factory=dict)
    unpaid: dict = field(default_factory=dict)
    answers: dict = field(default_factory=dict)
    unknown: list = field(default_factory=list)
    checked_themes: list = field(default_factory=list)
    queue: list = field(default_factory=list)
    history: list = field(default_factory=list)
    gates: dict = field(default_factory=dict)
    revisit: bool = False           # offer to revisit answers taken from a case file
    source: str | None = None       # the case file the answers were taken from
    out: str | None = None
    policy: str | None = None
    at: str | None = None           # the question on screen, for the person who reads the file
    progress: Progress = field(default_factory=Progress)  # what the bar showed: it never moves back on --resume

    def detail(self, name: str):
        party, key = name.split(".")
        return getattr(self, party).get(key)

    def has_detail(self, name: str) -> bool:
        party, key = name.split(".")
        return key in getattr(self, party)

    def set_detail(self, name: str, value):
        party, key = name.split(".")
        getattr(self, party)[key] = value

    def answer(self, factor: str, value):
        """Record an answer (None: "I don't know") and forget any earlier one."""
        self.answers.pop(factor, None)
        if factor in self.unknown:
            self.unknown.remove(factor)
        if value is None:
            self.unknown.append(factor)
        else:
            self.answers[factor] = value

    def answered(self, question: str):
        """Note that a question was answered: it becomes the last step "back" returns to."""
        if question in self.history:
            self.history.remove(question)
        self.history.append(question)

    def given(self, factor: str) -> bool:
        return factor in self.answers or factor in self.unknown

    def case_data(self, knowledge: Knowledge) -> dict:
        """The case-file shape; "I don't know" is written as null (unknown)."""
        data = {"language": self.language or LANGUAGES[0]}
        if self.jurisdiction:
            data["jurisdiction"] = self.jurisdiction
        for party in PARTIES:
            given = {k: v for k, v in getattr(self, party).items() if v is not None}
            if given:
                data[party] = given
        data["answers"] = {f: self.answers.get(f) for f in knowledge.factors
                           if f in self.answers or f in self.unknown}
        for section in SECTIONS:
            given = {k: detail_data(v) for k, v in getattr(self, section).items() if v is not None}
            if given:
                data[section] = given
        return data

    def to_json(self) -> dict:
        return {
            "format": MARKER, "version": VERSION,
            "saved": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "language": self.language, "jurisdiction": self.jurisdiction, "client": self.client, "provider": self.provider,
            **{section: {k: None if v is None else detail_data(v) for k, v in getattr(self, section).items()}
               for section in SECTIONS},
            "answers": self.answers, "unknown": self.unknown, "checked_themes": self.checked_themes,
            "queue": self.queue, "history": self.history, "gates": self.gates, "revisit": self.revisit, "source": self.source,
            "out": self.out, "policy": self.policy, "at": self.at,
            "progress": {"share": self.progress.share, "said": self.progress.said},
        }

    def save(self):
        write_atomic(self.path, json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n", force=True)

    def discard(self):
        try:
            os.unlink(self.path)
        except FileNotFoundError:
            pass


def load_session(path, knowledge: Knowledge) -> Session:
    """Read a session file back, checking every field; anything odd is one InputError."""
    path = Path(path)
    data = read_document(path).data

    def fail(message, key=None):
        raise InputError(path, message, key=key)

    if not isinstance(data, dict) or data.get("format") != MARKER:
        fail("not an Adieu interview session (it has no 'format: adieu-interview-session')")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        fail("damaged session: expected a whole number", key="version")
    if version > VERSION:
        fail(f"saved by a newer version of Adieu (session format {version}; this one reads {VERSION})",
             key="version")
    known = set(Session.__dataclass_fields__) - {"path"} | {"format", "version", "saved"}
    for key in data:
        if key not in known:
            fail("damaged session: unknown key", key=key)
    session = Session(path)
    language = data.get("language")
    if language is not None and language not in LANGUAGES:
        fail(f"damaged session: expected one of {', '.join(LANGUAGES)}", key="language")
    session.language = language
    # Details and answers are checked by the rules of the case file itself.
    sections = {**PARTIES, **SECTIONS}
    for section, keys in sections.items():
        given = data.get(section) or {}
        if not isinstance(given, dict):
            fail("damaged session: expected a mapping", key=section)
        for key in given:
            if key not in keys:
                fail("damaged session: unknown key", key=f"{section}.{key}")
    answers = data.get("answers") or {}
    if not isinstance(answers, dict):
        fail("damaged session: expected a mapping", key="answers")
    jurisdiction = data.get("jurisdiction")
    case = case_from_data({**{section: data.get(section) or {} for section in sections}, "answers": answers,
                           **({"jurisdiction": jurisdiction} if jurisdiction is not None else {})},
                          knowledge, str(path))
    session.jurisdiction = case.jurisdiction
    for section in sections:
        given = data.get(section) or {}
        setattr(session, section, {k: getattr(case, section).get(k) for k in given})
    session.answers = case.answers
    session.unknown = _names(data, "unknown", knowledge.factors, fail)
    session.checked_themes = _names(data, "checked_themes", knowledge.themes, fail)
    questions = (set(knowledge.factors) | set(DETAILS) | {"language", REVISIT}
                 | {f"{GATE}{t}" for t in knowledge.themes})
    session.queue = _names(data, "queue", questions, fail)
    session.history = _names(data, "history", questions, fail)
    gates = data.get("gates") or {}
    if not isinstance(gates, dict):
        fail("damaged session: expected a mapping", key="gates")
    for theme, factors in gates.items():
        if theme not in knowledge.themes:
            fail("damaged session: unknown theme", key=f"gates.{theme}")
        session.gates[theme] = _names(gates, theme, knowledge.factors, fail)
    if not isinstance(data.get("revisit", False), bool):
        fail("damaged session: expected true or false", key="revisit")
    session.revisit = data.get("revisit", False)
    for key in ("source", "out", "policy", "at"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            fail("damaged session: expected text", key=key)
        setattr(session, key, value)
    session.progress = _progress(data.get("progress") or {}, fail)
    return session


def _progress(data, fail) -> Progress:
    if not isinstance(data, dict):
        fail("damaged session: expected a mapping", key="progress")
    for key in data:
        if key not in ("share", "said"):
            fail("damaged session: unknown key", key=f"progress.{key}")
    share, said = data.get("share", 0.0), data.get("said")
    if isinstance(share, bool) or not isinstance(share, (int, float)) or not 0 <= share <= 1:
        fail("damaged session: expected a number from 0 to 1", key="progress.share")
    if said is not None and (isinstance(said, bool) or not isinstance(said, int) or said < 1):
        fail("damaged session: expected a whole number", key="progress.said")
    # Not yet shown in this run: the question on screen when the session stopped is asked
    # again and keeps its bar; the next one moves it on.
    return Progress(float(share), said)


def _names(data, key, allowed, fail) -> list:
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) and v in allowed for v in value):
        fail("damaged session: expected a list of known names", key=key)
    return list(dict.fromkeys(value))
