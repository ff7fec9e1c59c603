"""The interview: an adaptive questionnaire in the terminal that never loses an answer.

What to ask next is decided by the rule base, not by this file: a question is asked when its
`ask_when` conditions hold and its answer could still change the verdict (the engine is run
on each possible answer; see Planner). Question texts come from factors.yaml, the
interview's own words from knowledge/interview.yaml. Every answer is saved at once to the
session file (session.py), so Ctrl-C or a closed terminal loses nothing.
"""

from __future__ import annotations

import shlex
import shutil
import sys
import textwrap
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import answers, explain
from .case import MAX_TEXT, PARTIES, case_from_data
from .errors import InputError, InterviewPaused, KnowledgeError, UsageError
from .files import read_document, slugify, write_atomic
from .checker import load_checked
from .knowledge import CHOICE_TYPES, LANGUAGES, Knowledge
from .planner import Planner, Step
from .session import DEFAULT_NAME, DETAILS, Session, load_session

CHROME_FILE = "interview.yaml"
CASE_FILE = "case.yaml"
MEMO_FILE = "memo.md"
LETTER_FILE = "letter.txt"
OUTPUTS = (CASE_FILE, MEMO_FILE, LETTER_FILE)


# -- the interview's own words ---------------------------------------------------------------

@dataclass(frozen=True)
class Chrome:
    texts: dict
    needs: tuple

    def __call__(self, key: str, language: str, **values) -> str:
        text = self.texts[key](language)
        return text.format(**values) if values else text


def load_chrome(knowledge: Knowledge) -> Chrome:
    """The interview's words (knowledge/interview.yaml, read with the rule base); a rule base
    without them, or without a text the interview says, is a KnowledgeError."""
    if knowledge.interview is None:
        path, _ = knowledge.place(CHROME_FILE)
        raise KnowledgeError(path, "no such file: the interview needs its texts")
    texts = knowledge.interview.texts
    missing = [key for key in REQUIRED_TEXTS if key not in texts]
    if missing:
        path, line = _place(knowledge, ("texts",))
        raise KnowledgeError(path, f"missing texts: {', '.join(missing)}", line=line)
    return Chrome(texts, knowledge.interview.needs)


def _place(knowledge, keys) -> tuple:
    path, line = knowledge.place(CHROME_FILE, keys)
    return path, line or None


REQUIRED_DETAILS = ("client.name", "provider.name")  # the folder is named after one, the letter signed by the other
REQUIRED_TEXTS = (
    "welcome", "language", "details", *DETAILS, *(f"label.{d}" for d in DETAILS), "label.language",
    *(f"language_name.{lang}" for lang in LANGUAGES), "optional", "required", "bad_email", "bad_text",
    "bad_number", "bad_integer", "number_instruction", "select_instruction", "progress", "dont_know",
    "why", "why_rules", "why_changes", "why_together", "why_documents", "gate", "gate_yes", "gate_no",
    "gate_why", "gate_explained", "review", "review_question", "review_done", "review_more", "review_which", "back",
    "not_given", "nothing_left", "loaded", "revisit", "revisit_instruction", "existing",
    "existing_resume", "existing_new", "unnamed", "resumed", "paused", "out_exists", "written",
    "case_file", "memo_file", "letter_file", "case_header", "folder_taken", "assess_again",
)


# -- the terminal ----------------------------------------------------------------------------

SEPARATOR = object()


class Terminal:
    """questionary prompts and plain lines; tests pass a pipe input and a dummy output.

    Prompts use unsafe_ask(), so Ctrl-C (KeyboardInterrupt) and a closed input (EOFError)
    reach the interview, which saves and says how to resume.
    """

    def __init__(self, input=None, output=None, stream=None):
        self._io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}
        self.stream = stream
        self.waits: list = []       # seconds from one answer to the next question on screen
        self._answered = None

    def _ask(self, question):
        if self._answered is not None:
            self.waits.append(time.perf_counter() - self._answered)
        answer = question.unsafe_ask()
        self._answered = time.perf_counter()
        return answer

    def say(self, text: str = ""):
        stream = self.stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def width(self) -> int:
        return max(40, min(96, shutil.get_terminal_size((100, 24)).columns - 2))

    def select(self, message: str, choices: list, default=None, instruction=None):
        """choices: (title, value) pairs; SEPARATOR or ("--", title) for a heading line."""
        import questionary

        items, chosen = [], None
        for choice in choices:
            if choice is SEPARATOR:
                items.append(questionary.Separator(" "))
            elif choice[0] == "--":
                items.append(questionary.Separator(choice[1]))
            else:
                item = questionary.Choice(choice[0], value=choice[1])
                if chosen is None and default is not None and _same(choice[1], default):
                    chosen = item
                items.append(item)
        return self._ask(questionary.select(message, choices=items, default=chosen, instruction=instruction,
                                            **self._io))

    def text(self, message: str, default: str = "", validate=None, instruction=None) -> str:
        import questionary

        return self._ask(questionary.text(message, default=default, validate=validate, instruction=instruction,
                                          **self._io))

    def checkbox(self, message: str, choices: list, instruction=None) -> list:
        import questionary

        items = [questionary.Choice(title, value=value) for title, value in choices]
        return self._ask(questionary.checkbox(message, choices=items, instruction=instruction, **self._io))


def _same(a, b) -> bool:
    return a == b and type(a) is type(b)


# -- the conversation ------------------------------------------------------------------------

WHY, UNKNOWN, DONE, MORE = "why", "unknown", "done", "more"


class Interview:
    """One interview: asks, saves after every answer, reviews, then concludes."""

    def __init__(self, advisor, session: Session, chrome: Chrome, terminal: Terminal,
                 force: bool = False, resumed: bool = False):
        self.advisor, self.session, self.chrome, self.terminal = advisor, session, chrome, terminal
        self.knowledge = advisor.knowledge
        self.planner = Planner(advisor.engine, chrome.needs)
        self.force, self.resumed = force, resumed
        self.timings: list = []         # seconds to choose each next question
        self.asked: list = []           # what was put on screen, in order (factor ids, "gate:THEME")
        self._theme_shown = None

    @property
    def language(self) -> str:
        return self.session.language or default_language()

    def t(self, key: str, **values) -> str:
        return self.chrome(key, self.language, **values)

    def run(self) -> dict:
        """The whole interview; returns what was written. Ctrl-C raises InterviewPaused."""
        try:
            self._converse()
            return self._conclude()
        except (KeyboardInterrupt, EOFError):
            self.session.save()
            raise InterviewPaused(self.t("paused", command=resume_command(self.session.path),
                                         path=_shown(self.session.path))) from None
        except BaseException:
            self.session.save()         # whatever failed, the answers given so far are kept
            raise

    # -- the flow --------------------------------------------------------------------------

    def _converse(self):
        session = self.session
        if session.language is None:
            self._ask_language()
        self._say_wrapped(self.t("resumed", path=_shown(session.path)) if self.resumed
                          else self.t("welcome", session=_shown(session.path)))
        if not all(session.has_detail(name) for name in DETAILS):
            self.terminal.say()
            self.terminal.say(self.t("details"))
            for name in DETAILS:
                if not session.has_detail(name):
                    self._ask_detail(name)
        if session.revisit:
            self._offer_revisit()
        while True:
            if session.queue:
                self._ask_queued(session.queue[0])
                continue
            started = time.perf_counter()
            step = self.planner.next_step(session.answers, session.unknown, session.checked_themes)
            self.timings.append(time.perf_counter() - started)
            if step is not None:
                self._ask_step(step)
                continue
            if self._review():
                return

    def _ask_queued(self, name: str):
        session = self.session
        if name == "language":
            self._ask_language()
        elif name in DETAILS:
            self._ask_detail(name)
        else:
            value = self._ask_factor(name, session.answers.get(name))
            session.answer(name, value)
        session.queue.pop(0)
        session.save()

    def _ask_step(self, step: Step):
        session = self.session
        if step.kind == "gate":
            if self._ask_gate(step):
                for factor_id in step.factors:
                    session.answer(factor_id, self.knowledge.factors[factor_id].values[0])
            session.checked_themes.append(step.theme)
        else:
            factor_id = step.factors[0]
            session.answer(factor_id, self._ask_factor(factor_id, None))
        session.save()

    # -- questions -------------------------------------------------------------------------

    def _ask_language(self):
        self._at("language")
        choices = [(self.t(f"language_name.{lang}"), lang) for lang in LANGUAGES]
        self.session.language = self.terminal.select(self.t("language"), choices, default=self.language,
                                                     instruction=self.t("select_instruction"))
        self.session.save()

    def _ask_detail(self, name: str):
        party, key = name.split(".")
        required = name in REQUIRED_DETAILS
        self._at(name)

        def validate(text):
            text = text.strip()
            if not text:
                return self.t("required") if required else True
            try:
                case_from_data({party: {key: text}}, self.knowledge)
            except InputError:
                return self.t("bad_email") if key == "email" else self.t("bad_text", max=MAX_TEXT)
            return True

        current = self.session.detail(name) or ""
        value = self.terminal.text(self.t(name), default=current, validate=validate,
                                   instruction=None if required else self.t("optional")).strip()
        if value:
            value = getattr(case_from_data({party: {key: value}}, self.knowledge), party)[key]
        self.session.set_detail(name, value or None)
        self.session.save()

    def _ask_factor(self, factor_id: str, current):
        """Ask one factor until it is answered; returns the value, or None for "I don't know"."""
        factor = self.knowledge.factors[factor_id]
        self._progress(factor.theme)
        self._at(factor_id)
        self.asked.append(factor_id)
        dont_know = current is None and factor_id in self.session.unknown
        while True:
            if factor.type in CHOICE_TYPES:
                choices = [(factor.choices[v](self.language), ("answer", v)) for v in factor.values]
                choices += [SEPARATOR, (self.t("dont_know"), (UNKNOWN,)), (self.t("why"), (WHY,))]
                default = (UNKNOWN,) if dont_know else ("answer", current) if current is not None else None
                answer = self.terminal.select(factor.question(self.language), choices, default=default,
                                              instruction=self.t("select_instruction"))
            else:
                answer = self._ask_number(factor, current)
            if answer[0] == WHY:
                self._why(factor)
                continue
            return answer[1] if answer[0] == "answer" else None

    def _ask_number(self, factor, current):
        def validate(text):
            text = text.strip()
            if text in ("", "?"):
                return True
            try:
                _number(factor, text)
            except ValueError:
                key = "bad_integer" if factor.type == "integer" else "bad_number"
                return self.t(key, min=f"{factor.minimum:g}", max=f"{factor.maximum:g}")
            return True

        default = "" if current is None else self._number_text(current)
        text = self.terminal.text(factor.question(self.language), default=default, validate=validate,
                                  instruction=self.t("number_instruction")).strip()
        if text == "?":
            return (WHY,)
        if not text:
            return (UNKNOWN,)
        return ("answer", _number(factor, text))

    def _ask_gate(self, step: Step) -> bool:
        """One check for a theme: is each of these at its best? True = yes, all of them."""
        self._progress(step.theme)
        self._at(f"gate:{step.theme}")
        self.asked.append(f"gate:{step.theme}")
        while True:
            for factor_id in step.factors:
                factor = self.knowledge.factors[factor_id]
                best = factor.value_label(factor.values[0], self.language)
                self._say_wrapped(f"{factor.question(self.language)} → {best}", indent="  • ", then="    ")
            choices = [(self.t("gate_yes"), True), (self.t("gate_no"), False), SEPARATOR, (self.t("gate_why"), WHY)]
            answer = self.terminal.select(self.t("gate"), choices, instruction=self.t("select_instruction"))
            if answer != WHY:
                return answer
            self.terminal.say()
            self._say_wrapped(self.t("gate_explained"), indent="  ")
            for factor_id in step.factors:
                factor = self.knowledge.factors[factor_id]
                self._say_wrapped(f"{factor.label(self.language)}{self._colon()}{factor.why(self.language)}",
                                  indent="  - ", then="    ")
            self.terminal.say()

    def _offer_revisit(self):
        session, k = self.session, self.knowledge
        given = [f for f in k.factors if f in session.answers or f in session.unknown]
        self.terminal.say()
        self._say_wrapped(self.t("loaded", path=session.source or "", count=len(given)))
        if given:
            choices = [(self._answer_line(f), f) for f in given]
            self._at("revisit")
            chosen = self.terminal.checkbox(self.t("revisit"), choices, instruction=self.t("revisit_instruction"))
            session.queue.extend(f for f in chosen if f not in session.queue)
        session.revisit = False
        session.save()

    # -- why? ------------------------------------------------------------------------------

    def _why(self, factor):
        k, lang, say = self.knowledge, self.language, self.terminal.say
        say()
        self._say_wrapped(factor.why(lang), indent="  ")
        answers = self.session.answers
        primary = explain.primary_attribute(k)
        changes = [c for c in explain.changes(self.advisor.engine, answers, [factor.id]) if c.attribute == primary]
        outcome = k.outcomes[primary]
        if changes:
            say()
            say("  " + self.t("why_changes"))
            for change in changes:
                say(f"    {factor.value_label(change.value, lang)} → {outcome.labels[change.outcome](lang)}")
        elif factor.id not in answers:
            why = self.planner.matters(factor.id, answers, self.session.unknown)
            if why and why[0] == "with":
                say()
                other = k.factors[why[1]]
                self._say_wrapped(self.t("why_together", other=other.question(lang)), indent="  ")
            elif why and why[0] == "documents":
                say()
                self._say_wrapped(self.t("why_documents"), indent="  ")
        readers = [c.rule for c in self.advisor.engine.compiled.values() if factor.id in c.factors]
        if readers:
            say()
            say("  " + self.t("why_rules"))
            for rule in readers:
                self._say_wrapped(rule.statement(lang), indent="  - ", then="    ")
                for source in rule.sources:
                    quoted = f"« {source.passage} »" if lang == "fr" else f"“{source.passage}”"
                    title = (k.sources.get(source.source) or {}).get("title") or source.source
                    self._say_wrapped(f"{quoted} — {title}", indent="      ")
        say()

    # -- review ----------------------------------------------------------------------------

    def _review(self) -> bool:
        """List every answer; True when the user confirms, else what to change is queued."""
        session, k, lang = self.session, self.knowledge, self.language
        self._at("review")
        self.terminal.say()
        self._say_wrapped(self.t("nothing_left"))
        self.terminal.say()
        choices = [("--", f"── {self.t('review')}"),
                   (f"{self.t('label.language')}{self._colon()}{self.t(f'language_name.{lang}')}", "language")]
        for name in DETAILS:
            value = session.detail(name) or self.t("not_given")
            choices.append((f"{self.t(f'label.{name}')}{self._colon()}{value}", name))
        for theme, title in k.themes.items():
            lines = [(self._answer_line(f), f) for f in k.factors
                     if k.factors[f].theme == theme and (f in session.answers or f in session.unknown)]
            if lines:
                choices.append(("--", f"── {title(lang)}"))
                choices.extend(lines)
        more = self._unasked()
        choices.append(SEPARATOR)
        if more:
            choices.append((self.t("review_more", count=len(more)), MORE))
        choices.append((self.t("review_done"), DONE))
        answer = self.terminal.select(self.t("review_question"), choices, default=DONE,
                                      instruction=self.t("select_instruction"))
        if answer == DONE:
            return True
        if answer == MORE:
            choices = [(k.factors[f].question(lang), f) for f in more] + [SEPARATOR, (self.t("back"), DONE)]
            answer = self.terminal.select(self.t("review_which"), choices, instruction=self.t("select_instruction"))
            if answer == DONE:
                return False
        session.queue.append(answer)
        session.save()
        return False

    def _unasked(self) -> list:
        session = self.session
        return [f for f in self.planner.order if f not in session.answers and f not in session.unknown
                and self.planner.asks(f, session.answers)]

    def _answer_line(self, factor_id: str) -> str:
        factor = self.knowledge.factors[factor_id]
        value = self.session.answers.get(factor_id)
        if value is None:
            shown = self.t("dont_know")
        elif factor.values:
            shown = factor.value_label(value, self.language)
        else:
            unit = f" {factor.unit(self.language)}" if factor.unit else ""
            shown = self._number_text(value) + unit
        return f"{factor.label(self.language)}{self._colon()}{shown}"

    def _number_text(self, value) -> str:
        text = f"{value:g}"
        return text.replace(".", ",") if self.language == "fr" else text

    # -- the end ---------------------------------------------------------------------------

    def _conclude(self) -> dict:
        from .report import render

        session, k = self.session, self.knowledge
        data = session.case_data(k)
        case = case_from_data(data, k, source=str(session.path))
        assessment = self.advisor.assess(case)
        self.terminal.say()
        self.terminal.say(render(assessment, "text").rstrip("\n"))
        # Everything is rendered before anything is written: a failure leaves no half folder.
        header = self.t("case_header", date=date.today().isoformat())
        files = [(CASE_FILE, _case_yaml(data, header), "case_file")]
        documents, notes = render_documents(assessment)
        files += documents
        folder = self._folder()
        written = [(write_atomic(folder / name, content, force=self.force), what) for name, content, what in files]
        session.discard()
        self.terminal.say()
        self.terminal.say(self.t("written", folder=_shown(folder)))
        for path, what in written:
            self.terminal.say(f"  {_shown(path)}  ({self.t(what)})")
        for note in notes:
            self._say_wrapped(note)
        self.terminal.say(self.t("assess_again", path=shlex.quote(_shown(folder / CASE_FILE))))
        return {"folder": folder, "files": [path for path, _ in written], "assessment": assessment,
                "asked": list(self.asked), "timings": list(self.timings), "waits": list(self.terminal.waits)}

    def _folder(self) -> Path:
        """The output folder: --out, or one named after the client; never one that would be
        overwritten without --force (the user is asked for another)."""
        session = self.session
        folder = Path(session.out) if session.out else Path(slugify(session.detail("client.name") or ""))
        if self.force or not _occupied(folder):
            return folder

        def validate(text):
            text = text.strip()
            if not text:
                return self.t("required")
            if _occupied(Path(text)):
                return self.t("folder_taken")
            return True

        suggestion = _free_folder(folder)
        self._at("out")
        taken = ", ".join(name for name in OUTPUTS if (folder / name).exists())
        chosen = self.terminal.text(self.t("out_exists", path=_shown(folder), files=taken),
                                    default=str(suggestion), validate=validate).strip()
        session.out = str(Path(chosen).resolve())
        session.save()
        return Path(chosen)

    # -- small helpers ---------------------------------------------------------------------

    def _at(self, question: str):
        """Note the question on screen; it is saved with the next answer, or on Ctrl-C."""
        self.session.at = question

    def _progress(self, theme: str):
        if theme == self._theme_shown:
            return
        self._theme_shown = theme
        themes = list(self.knowledge.themes)
        count = len(self.session.answers) + len(self.session.unknown)
        self.terminal.say()
        self.terminal.say("── " + self.t("progress", theme=self.knowledge.themes[theme](self.language),
                                              index=themes.index(theme) + 1, total=len(themes), count=count))

    def _colon(self) -> str:
        return " : " if self.language == "fr" else ": "

    def _say_wrapped(self, text: str, indent: str = "", then: str | None = None):
        width = self.terminal.width()
        for line in textwrap.wrap(text, width, initial_indent=indent,
                                  subsequent_indent=then if then is not None else indent) or [""]:
            self.terminal.say(line)


def render_documents(assessment) -> tuple:
    """The memo and, when the recommendation calls for one, the letter (documents.py), as
    ([(file name, content, what)], notes for the user): the same files `adieu portfolio
    --out` writes for each client."""
    from .documents import NoLetter, documents_for

    documents = documents_for(assessment.knowledge)
    memo = documents.memo(assessment, "md")
    files, notes = [(MEMO_FILE, memo.content, "memo_file")], list(memo.notes)
    try:
        letter = documents.letter(assessment, "text")
        files.append((LETTER_FILE, letter.content, "letter_file"))
        notes += [n for n in letter.notes if n not in notes]
    except NoLetter as no_letter:
        notes.append(str(no_letter))
    return files, notes


# -- entry point -----------------------------------------------------------------------------

def interview_command(knowledge_dir=None, out=None, force=False, resume=None, answers=None, policy=None,
                      language=None, terminal: Terminal | None = None) -> dict:
    """`adieu interview`: start, resume or continue an interview. `resume` is None (do not),
    "" (the default session file) or a path."""
    from .advisor import Advisor
    from .policy import load_policy

    real_terminal = terminal is None
    if real_terminal and not sys.stdin.isatty():
        raise UsageError("adieu interview asks its questions in a terminal, and stdin is not one; "
                         "to assess a case file without questions, run: adieu assess CASE")
    if resume is not None and answers:
        raise UsageError("adieu interview: --resume and --answers cannot be used together "
                         "(a saved interview already holds its answers)")
    knowledge = load_checked(knowledge_dir)
    chrome = load_chrome(knowledge)
    terminal = terminal or Terminal()
    resumed = False
    if resume is not None:
        path = Path(resume or DEFAULT_NAME)
        if not path.exists():
            raise InputError(path, "no saved interview here (start one with: adieu interview)")
        session, resumed = load_session(path, knowledge), True
    else:
        path = Path(DEFAULT_NAME)
        session = Session(path)
        if path.exists():
            saved = load_session(path, knowledge)
            if _resume_instead(saved, chrome, terminal, language or saved.language or default_language()):
                session, resumed = saved, True
        if not resumed and answers:
            _start_from_case(session, answers, knowledge)
    if language:
        session.language = language
    if out:
        session.out = str(Path(out).resolve())
    if policy:
        session.policy = str(Path(policy).resolve())
    advisor = Advisor(knowledge=knowledge, policy=load_policy(knowledge, session.policy))
    session.save()
    interview = Interview(advisor, session, chrome, terminal, force=force, resumed=resumed)
    if real_terminal:
        _closed_terminal_is_an_interruption()
    return interview.run()


def _closed_terminal_is_an_interruption():
    """A closed terminal (SIGHUP) stops the interview like Ctrl-C: saved, resumable."""
    import signal

    def hang_up(signum, frame):
        raise KeyboardInterrupt

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, hang_up)


def _resume_instead(saved: Session, chrome: Chrome, terminal: Terminal, language: str) -> bool:
    """A session is already saved here: resume it, or knowingly discard it."""
    client = saved.detail("client.name") or chrome("unnamed", language)
    count = len(saved.answers) + len(saved.unknown)
    choices = [(chrome("existing_resume", language), True), (chrome("existing_new", language), False)]
    return terminal.select(chrome("existing", language, path=_shown(saved.path), client=client, count=count),
                           choices, instruction=chrome("select_instruction", language))


def _start_from_case(session: Session, path, knowledge: Knowledge):
    """Fill the session from an existing case file; null answers are "I don't know"."""
    doc = read_document(path)
    case = case_from_data(doc.data, knowledge, str(path), doc.line)
    session.language = case.language if "language" in doc.data else None
    for party in PARTIES:
        getattr(session, party).update(getattr(case, party))
    session.answers = dict(case.answers)
    raw = doc.data.get("answers") or {}
    session.unknown = [f for f in knowledge.factors if f in raw and raw[f] is None]
    session.source = str(path)
    session.revisit = True


def resume_command(path) -> str:
    """What to type to resume: short when the session is the default one, here."""
    shown = _shown(path)
    return "adieu interview --resume" + ("" if shown == DEFAULT_NAME else f" {shlex.quote(shown)}")


def default_language() -> str:
    """From the locale: French if LC_ALL, LC_MESSAGES or LANG starts with fr, else English."""
    import os

    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def _number(factor, text: str):
    """Parse what was typed ("12", "12,5", "12 %") as the factor's number, or ValueError."""
    def fail(message):
        raise ValueError(message)

    return answers.from_text(factor, text, fail)


def _occupied(folder: Path) -> bool:
    return any((folder / name).exists() for name in OUTPUTS)


def _free_folder(folder: Path) -> Path:
    base = folder.with_name(f"{folder.name}-{date.today().isoformat()}")
    candidate, n = base, 2
    while _occupied(candidate):
        candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
    return candidate


def _case_yaml(data: dict, header: str) -> str:
    import yaml

    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body


def _shown(path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
