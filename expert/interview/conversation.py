"""The conversation: what the interview asks, in which order, and how it ends.

What to ask next is decided by the planner (the rule base), not here. Every answer is saved
at once to the session file, so Ctrl-C or a closed terminal loses nothing. At every prompt
the user can go back: the previous question comes again with its answer chosen, as many
steps as they like, and the later answers stay as long as their questions still apply. The
names a letter needs (contact, e-mail addresses, signatory) are asked last, and only when a
letter will be written; then the details that letter uses (addresses, contract, unpaid
invoices: the templates' documents.yaml says which, for which answers), each optional.
"""

from __future__ import annotations

import shlex
import time
from datetime import date
from pathlib import Path

from .. import answers, explain
from ..case import MAX_ITEM, MAX_ITEMS, MAX_LINES, MAX_TEXT, NO_SUCH_DATE, case_from_data, detail_from_text, \
    detail_kind, detail_text, misordered
from ..documents import LETTER_FILE, MEMO_FILE, documents_for
from ..errors import InterviewPaused
from ..files import slugify, write_atomic
from ..conditions import CHOICE_TYPES
from ..messages import LANGUAGES, locale_language, messages
from ..wrapping import wrap
from .planner import Planner, Step
from .progress import CELLS
from .session import ASKED_DETAILS, DETAILS, GATE, REVISIT, Session
from .terminal import BACK, SEPARATOR
from .texts import Texts

CASE_FILE = "case.yaml"
FIRST_DETAILS = ("client.name", "provider.name")   # who the interview is about: asked first
LAST_DETAILS = tuple(d for d in ASKED_DETAILS if d not in FIRST_DETAILS)  # only for a letter, just before it
REQUIRED_DETAILS = FIRST_DETAILS                    # the folder is named after one, the memo headed by the other
BACK_TYPED = "<"                                    # typed alone on a text prompt: the previous question
WHY_TYPED = "?"
WHY, UNKNOWN, DONE, MORE, DETAILS_CHOICE = "why", "unknown", "done", "more", "details"


class Back(Exception):
    """The user asked for the previous question."""


class Interview:
    """One interview: asks, saves after every answer, reviews, then concludes."""

    def __init__(self, advisor, session: Session, texts: Texts, terminal, force: bool = False,
                 resumed: bool = False):
        self.advisor, self.session, self.texts, self.terminal = advisor, session, texts, terminal
        self.knowledge = advisor.knowledge
        self.planner = Planner(advisor.engine, texts.needs)
        self.force, self.resumed = force, resumed
        self.timings: list = []         # seconds to choose each next question
        self.asked: list = []           # what was put on screen, in order (factor ids, "gate:THEME")
        self.progress = session.progress  # what is shown of how much is left: it only moves forward
        terminal.words = self.t

    @property
    def language(self) -> str:
        return self.session.language or locale_language()

    def t(self, key: str, **values) -> str:
        return self.texts(key, self.language, **values)

    def run(self) -> dict:
        """The whole interview; returns what was written. Ctrl-C raises InterviewPaused."""
        try:
            while True:
                try:
                    self._converse()
                    result = self._conclude()
                except Back:            # from a prompt outside the questions' loop
                    self._go_back()
                    continue
                if result is not None:
                    return result
        except (KeyboardInterrupt, EOFError):
            self.session.save()
            command, path = resume_command(self.session.path), shown(self.session.path)
            raise InterviewPaused(self.t("paused", command=command, path=path), unbroken=(command, path)) from None
        except BaseException:
            self.session.save()         # whatever failed, the answers given so far are kept
            raise

    # -- the flow --------------------------------------------------------------------------

    def _converse(self):
        """Ask until nothing could change the verdict and the user confirms the review."""
        session = self.session
        if session.language is None:
            self._ask_language()
        if not self.asked:
            self._say_wrapped(self.t("resumed", path=shown(session.path)) if self.resumed
                              else self.t("welcome", session=shown(session.path)))
        while True:
            try:
                if session.queue:       # first: going back queues what was before (a name, the tick-box screen)
                    self._ask_queued(session.queue[0])
                    continue
                if not all(session.has_detail(name) for name in FIRST_DETAILS):
                    self._first_details()
                if session.revisit:
                    self._offer_revisit()
                    continue
                started = time.perf_counter()
                step = self.planner.next_step(session.answers, session.unknown, session.checked_themes)
                self.timings.append(time.perf_counter() - started)
                if step is not None:
                    self._ask_step(step)
                    continue
                self._progress_done()
                if self._review():
                    return
            except Back:
                self._go_back()

    def _first_details(self):
        self.terminal.say()
        self.terminal.say(self.t("details"))
        for name in FIRST_DETAILS:
            if not self.session.has_detail(name):
                self._ask_detail(name)

    def _go_back(self):
        """The previous question comes first again; the one on screen (if queued) after it."""
        session = self.session
        if not session.history:
            self.terminal.say(self.t("nothing_before"))
            return
        previous = session.history.pop()
        session.queue.insert(0, previous)
        session.save()

    def _ask_queued(self, name: str):
        session = self.session
        if name == "language":
            self._ask_language()
        elif name == REVISIT:
            self._offer_revisit(again=True)
        elif name in DETAILS:
            self._ask_detail(name)
        elif name.startswith(GATE):
            theme = name[len(GATE):]
            factors = tuple(f for f in session.gates.get(theme, ()) if self.planner.asks(f, session.answers))
            if factors:
                self._ask_step(Step("gate", theme, factors), again=True)
        elif self.planner.asks(name, session.answers):
            self._set(name, self._ask_factor(name, session.answers.get(name)))
            session.answered(name)
        if session.queue and session.queue[0] == name:
            session.queue.pop(0)
        session.save()

    def _ask_step(self, step: Step, again: bool = False):
        session = self.session
        if not again:
            self._progress(step)
        if step.kind == "gate":
            settled = self._ask_gate(step)
            name = f"{GATE}{step.theme}"
            session.gates[step.theme] = list(step.factors)
            if settled:
                for factor_id in step.factors:
                    self._set(factor_id, self.knowledge.factors[factor_id].values[0])
            elif again:
                # Answered "not quite" on a second look: the answers it had set come back one by one.
                given = [f for f in step.factors if session.given(f) and f not in session.queue]
                session.queue[1:1] = given
            if step.theme not in session.checked_themes:
                session.checked_themes.append(step.theme)
            session.answered(name)
        else:
            factor_id = step.factors[0]
            self._set(factor_id, self._ask_factor(factor_id, None))
            session.answered(factor_id)
        session.save()

    def _set(self, factor_id: str, value):
        """Record an answer; when it changes an earlier one, the answers whose questions no
        longer apply (their `ask_when` fails) are forgotten."""
        session = self.session
        changed = session.given(factor_id) and (session.answers.get(factor_id) != value
                                                or (value is None) != (factor_id in session.unknown))
        session.answer(factor_id, value)
        while changed:
            stale = [f for f in self.knowledge.factors if session.given(f) and not self.planner.asks(f, session.answers)]
            for f in stale:
                session.answers.pop(f, None)
                if f in session.unknown:
                    session.unknown.remove(f)
                if f in session.history:
                    session.history.remove(f)
            changed = bool(stale)

    # -- questions -------------------------------------------------------------------------

    def _back_choice(self) -> list:
        return [(self.t("go_back"), BACK)] if self.session.history else []

    def _select(self, message: str, choices: list, default=None, instruction=None):
        """A choice prompt with "← Back" last (when there is something to go back to)."""
        back = self._back_choice()
        if back:
            choices = [*choices, *([] if choices and choices[-1] is SEPARATOR else [SEPARATOR]), *back]
        if instruction is None and not self.terminal.plain:
            instruction = self.t("select_instruction")
        answer = self.terminal.select(message, choices, default=default, instruction=instruction)
        if answer is BACK:
            raise Back
        return answer

    def _text(self, message: str, default: str = "", hint: str = "", check=None, empty: str = "") -> str:
        """A text prompt: `check(text)` returns an error message or None, shown after Enter,
        and the same text is offered again to edit (in --plain, where an empty line would take
        it as it is, the earlier default stays). Escape (or "<" alone) goes back. `empty`:
        what an empty answer means, left on screen after the question."""
        back = ""
        if self.session.history:
            back = self.t("back_key_plain" if self.terminal.plain else "back_key")
        instruction = self.t("hint_separator").join(part for part in (hint, back) if part)
        if instruction:
            instruction = f"({instruction})"
        while True:
            typed = self.terminal.text(message, default=default, instruction=instruction or None, empty=empty)
            if typed is BACK or _typed_back(typed, default):
                raise Back  # at the first question, _go_back says there is nothing before it
            typed = typed.strip()
            problem = check(typed) if check else None
            if not problem:
                return typed
            self.terminal.say(f"  ✗ {problem}")
            if not self.terminal.plain:
                default = typed

    def _ask_language(self):
        self._at("language")
        choices = [(self.t(f"language_name.{lang}"), lang) for lang in LANGUAGES]
        language = self._select(self.t("language"), choices, default=self.language)
        self.session.language = language
        self.session.answered("language")
        self.session.save()

    def _ask_detail(self, name: str):
        """One detail, read as the case file reads it (case.detail_from_text); a bad value is
        said after Enter and asked again; an empty one leaves an optional detail empty."""
        kind, key = detail_kind(name), name.split(".")[1]
        required = name in REQUIRED_DETAILS
        self._at(name)

        def fail(message):
            raise ValueError(message)

        def check(text):
            if not text:
                return self.t("required") if required else None
            try:
                value = detail_from_text(name, text, fail)
            except ValueError as refused:
                if str(refused).startswith(NO_SUCH_DATE):
                    return self.t("no_such_date")
                if kind == "text":
                    return self.t("bad_email") if key == "email" else self.t("bad_text", max=MAX_TEXT)
                return self.t(f"bad_{kind}", max=MAX_TEXT, lines=MAX_LINES, items=MAX_ITEMS, item=MAX_ITEM)
            if kind != "date":
                return None
            day = lambda value: documents_for(self.knowledge).settings.format_date(value, self.language)  # noqa: E731
            if value > date.today():   # the documents are dated today
                return self.t("future_date", today=day(date.today()))
            if (wrong := misordered(lambda other: value if other == name else self.session.detail(other))):
                _, first, later, then = wrong
                return self.t(f"out_of_order.{later}", earlier=day(first), later=day(then))
            return None

        current = self.session.detail(name)
        hint = self.t("hint_separator").join(
            part for part in ("" if required else self.t("optional"), self.t(f"hint_{kind}") if kind != "text" else "")
            if part)
        value = self._text(self.t(name), default="" if current is None else self._detail_text(name, current),
                           hint=hint, check=check, empty=self.t("not_given"))
        self.session.set_detail(name, detail_from_text(name, value, fail) if value else None)
        self.session.answered(name)
        self.session.save()

    def _detail_text(self, name: str, value) -> str:
        """A detail as the user would type it: an amount as the language writes it, a date day first."""
        return self._words().amount(value) if detail_kind(name) == "amount" else detail_text(name, value)

    def _ask_factor(self, factor_id: str, current):
        """Ask one factor until it is answered; returns the value, or None for "I don't know"."""
        factor = self.knowledge.factors[factor_id]
        self._at(factor_id)
        self.asked.append(factor_id)
        dont_know = current is None and factor_id in self.session.unknown
        while True:
            if factor.type in CHOICE_TYPES:
                choices = [(factor.choices[v](self.language), ("answer", v)) for v in factor.values]
                choices += [SEPARATOR, (self.t("dont_know"), (UNKNOWN,)), (self.t("why"), (WHY,))]
                default = (UNKNOWN,) if dont_know else ("answer", current) if current is not None else None
                answer = self._select(factor.question(self.language), choices, default=default)
            else:
                answer = self._ask_number(factor, current)
            if answer[0] == WHY:
                self._why(factor)
                continue
            return answer[1] if answer[0] == "answer" else None

    def _ask_number(self, factor, current):
        def check(text):
            if text in ("", WHY_TYPED):
                return None
            try:
                self._number(factor, text)
            except ValueError:
                key = "bad_integer" if factor.type == "integer" else "bad_number"
                return self.t(key, min=self._number_text(factor.minimum), max=self._number_text(factor.maximum))
            return None

        default = "" if current is None else self._number_text(current)
        text = self._text(factor.question(self.language), default=default, hint=self.t("number_instruction"),
                          check=check, empty=self.t("dont_know"))
        if text == WHY_TYPED:
            return (WHY,)
        if not text:
            return (UNKNOWN,)
        return ("answer", self._number(factor, text))

    def _number(self, factor, text: str):
        """What was typed ("12", "12,5", "12 %", "30 jours") as the factor's number, or ValueError
        (answers.from_text reads it, as it reads a CSV cell)."""
        def fail(message):
            raise ValueError(message)

        return answers.from_text(factor, text, fail)

    def _ask_gate(self, step: Step) -> bool:
        """One check for a theme: is each of these at its best? True = yes, all of them."""
        name = f"{GATE}{step.theme}"
        self._at(name)
        self.asked.append(name)
        while True:
            for factor_id in step.factors:
                factor = self.knowledge.factors[factor_id]
                best = factor.value_label(factor.values[0], self.language, self._words().quantity)
                self._say_wrapped(f"{factor.question(self.language)} → {best}", indent="  • ", then="    ",
                                  unbroken=[f"→ {best}"])   # the answer kept whole, as a prompt's is
            choices = [(self.t("gate_yes"), True), (self.t("gate_no"), False), SEPARATOR, (self.t("gate_why"), WHY)]
            settled = all(self.session.answers.get(f) == self.knowledge.factors[f].values[0] for f in step.factors)
            answer = self._select(self.t("gate"), choices, default=settled if name in self.session.history else None)
            if answer != WHY:
                return answer
            self.terminal.say()
            self._say_wrapped(self.t("gate_explained"), indent="  ")
            for factor_id in step.factors:
                factor = self.knowledge.factors[factor_id]
                self._say_wrapped(f"{factor.label(self.language)}{self.t('colon')}{factor.why(self.language)}",
                                  indent="  - ", then="    ")
            self.terminal.say()

    def _offer_revisit(self, again: bool = False):
        """The answers taken from a case file, to tick those to ask again. It goes back like
        any question; coming back to it (`again`), the ticks not yet asked are still ticked,
        and what is unticked then is no longer asked."""
        session = self.session
        given = self._revisit_choices()
        if not again:
            self.terminal.say()
            self._say_wrapped(self.t("loaded", path=session.source or "", count=len(given)))
        if given:
            choices = [(self._answer_line(f), f) for f in given]
            waiting = [f for f in session.queue if f in given] if again else []
            back = bool(session.history)
            self._at(REVISIT)
            chosen = self.terminal.checkbox(self.t("revisit"), choices, instruction=self._tick_hint(waiting, back),
                                            summary=lambda count: self.t("review_picked", count=count),
                                            back=back, ticked=waiting)
            if chosen is BACK:
                raise Back
            session.queue = [f for f in session.queue if f not in given or f in chosen]
            session.queue.extend(f for f in chosen if f not in session.queue)
            session.answered(REVISIT)
        session.revisit = False
        session.save()

    def _tick_hint(self, ticked: list, back: bool) -> str:
        """The tick-box screen's keys: Space and Enter (with --plain: numbers, Enter to keep
        the ticks, 0 for none), and the way back when there is a question before it."""
        if self.terminal.plain:
            numbers = " ".join(str(i) for i, f in enumerate(self._revisit_choices(), 1) if f in ticked)
            keys = [self.t("checkbox_kept", ticked=numbers) if ticked else self.t("checkbox_none")]
        else:
            keys = [self.t("revisit_instruction")]
        if back:
            keys.append(self.t("back_key_plain" if self.terminal.plain else "back_key"))
        return f"({self.t('hint_separator').join(keys)})"

    def _revisit_choices(self) -> list:
        return [f for f in self.knowledge.factors if self.session.given(f)]

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
            for group, low, high in explain.spans(changes):
                say(f"    {explain.shown_span(factor, group, low, high, lang, self._words())} → "
                    f"{outcome.labels[group[0].outcome](lang)}")
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
                    title = (k.sources.get(source.source) or {}).get("title") or source.source
                    self._say_wrapped(self.t("quote", passage=source.passage, title=title), indent="      ")
                    if rendering := documents_for(k).rendering(source.passage, lang):
                        self._say_wrapped(self.t("quote_rendering", rendering=rendering), indent="      ")
        say()

    # -- review ----------------------------------------------------------------------------

    def _review(self) -> bool:
        """List every answer; True when the user confirms, else what to change is queued."""
        session, k, lang = self.session, self.knowledge, self.language
        self._at("review")
        self.terminal.say()
        self._say_wrapped(self.t("nothing_left"))
        self.terminal.say()
        colon = self.t("colon")
        choices = [("--", f"── {self.t('review')}"),
                   (f"{self.t('label.language')}{colon}{self.t(f'language_name.{lang}')}", "language")]
        for name in DETAILS:
            if name in FIRST_DETAILS or session.has_detail(name):
                value = session.detail(name)
                value = self.t("not_given") if value is None else self._detail_text(name, value)
                choices.append((f"{self.t(f'label.{name}')}{colon}{value}", name))
        for theme, title in k.themes.items():
            lines = [(self._answer_line(f), f) for f in k.factors if k.factors[f].theme == theme and session.given(f)]
            if lines:
                choices.append(("--", f"── {title(lang)}"))
                choices.extend(lines)
        more = self._unasked()
        choices.append(SEPARATOR)
        if more:
            choices.append((self.t("review_more", count=len(more)), MORE))
        choices.append((self.t("review_done"), DONE))
        answer = self._select(self.t("review_question"), choices, default=DONE)
        if answer == DONE:
            return True
        if answer == MORE:
            choices = [(k.factors[f].question(lang), f) for f in more] + [SEPARATOR, (self.t("back"), DONE)]
            answer = self.terminal.select(self.t("review_which"), choices,
                                          instruction=None if self.terminal.plain else self.t("select_instruction"))
            if answer in (DONE, BACK):
                return False
        session.queue.append(answer)
        session.save()
        return False

    def _unasked(self) -> list:
        session = self.session
        return [f for f in self.planner.order if not session.given(f) and self.planner.asks(f, session.answers)]

    def _answer_line(self, factor_id: str) -> str:
        factor = self.knowledge.factors[factor_id]
        value = self.session.answers.get(factor_id)
        if value is None:
            shown_value = self.t("dont_know")
        else:
            shown_value = factor.value_label(value, self.language, self._words().quantity)
        return f"{factor.label(self.language)}{self.t('colon')}{shown_value}"

    def _number_text(self, value) -> str:
        return self._words().number(value)

    def _words(self):
        """The views' words in the interview's language (chosen by the first question): how
        a number and its unit are written."""
        return messages(self.language, self.knowledge.root)

    # -- the end ---------------------------------------------------------------------------

    def _conclude(self) -> dict | None:
        """The verdict, then the names a letter needs, then the files. None: the user went
        back to the review."""
        from ..documents import documents_for
        from ..report import render

        session, k = self.session, self.knowledge
        case = case_from_data(session.case_data(k), k, source=str(session.path))
        assessment = self.advisor.assess(case)
        self.terminal.say()
        self.terminal.say(render(assessment, "text", width=self.terminal.width()).rstrip("\n"))
        documents = documents_for(k)
        self._at("verdict")
        while True:
            self.terminal.say()
            choices = [(self.t("verdict_done"), DONE), (self.t("verdict_details"), DETAILS_CHOICE),
                       SEPARATOR, (self.t("go_back"), BACK)]
            answer = self.terminal.select(self.t("verdict_question"), choices, default=DONE,
                                          instruction=None if self.terminal.plain else self.t("select_instruction"))
            if answer is BACK:
                return None
            if answer == DONE:
                break
            self.terminal.say()
            self.terminal.say(render(assessment, "text", full=True, width=self.terminal.width()).rstrip("\n"))
        if documents.planned_kind(assessment) is not None and \
                not self._last_details(documents.letter_details(assessment)):
            return None
        data = session.case_data(k)
        folder = self._folder()
        # The documents' notes name the case file as it will be written (e.g. in a command).
        assessment = self.advisor.assess(case_from_data(data, k, source=shown(folder / CASE_FILE)))
        # Everything is rendered before anything is written: a failure leaves no half folder.
        header = self.t("case_header", date=date.today().isoformat())
        files = [(CASE_FILE, case_yaml(data, header), "case_file")]
        rendered, notes = documents.client_files(assessment, extra=LETTER_FORMATS)
        if documents.planned_kind(assessment) is None:
            notes.append(documents.no_letter_reason(assessment))
        files += [(name, content, f"{what}_file") for name, content, what in rendered]
        written = [(write_atomic(folder / name, content, force=self.force), what) for name, content, what in files]
        session.discard()
        self.terminal.say()
        self._say_wrapped(self.t("written", folder=shown(folder)), unbroken=(shown(folder),))
        for path, what in written:     # a path is never broken, its description wraps under it
            self._say_wrapped(f"{shown(path)}  ({self.t(what)})", indent="  ", then="    ", unbroken=(shown(path),))
        for note in notes:
            self._say_wrapped(self.t("note", note=note))
        command = shlex.quote(shown(folder / CASE_FILE))
        self._say_wrapped(self.t("assess_again", path=command), unbroken=(f"adieu assess {command}",))
        return {"folder": folder, "files": [path for path, _ in written], "assessment": assessment,
                "asked": list(self.asked), "timings": list(self.timings), "waits": list(self.terminal.waits)}

    def _last_details(self, letter_details: tuple) -> bool:
        """The contact, e-mail addresses and signatory, then the `letter_details` the letter
        about to be written uses. False when the user goes back from the first of them (to
        the verdict's review)."""
        session = self.session
        missing = [name for name in LAST_DETAILS + tuple(letter_details) if not session.has_detail(name)]
        if not missing:
            return True
        self.terminal.say()
        self._say_wrapped(self.t("details_last"))
        index = 0
        while index < len(missing):
            try:
                self._ask_detail(missing[index])
                index += 1
            except Back:
                if index == 0:
                    return False
                index -= 1
        return True

    def _folder(self) -> Path:
        """The output folder: --out, or one named after the client; never one that would be
        overwritten without --force (the user is asked for another)."""
        session = self.session
        folder = Path(session.out) if session.out else Path(slugify(session.detail("client.name") or ""))
        if self.force or not occupied(folder):
            return folder

        def check(text):
            if not text:
                return self.t("required")
            if occupied(Path(text)):
                return self.t("folder_taken")
            return None

        self._at("out")
        taken = ", ".join(sorted(p.name for p in folder.iterdir() if p.name in OUTPUTS))
        chosen = self._text(self.t("out_exists", path=shown(folder), files=taken),
                            default=str(free_folder(folder)), check=check)
        session.out = str(Path(chosen).resolve())
        session.save()
        return Path(chosen)

    # -- small helpers ---------------------------------------------------------------------

    def _at(self, question: str):
        """Note the question on screen; it is saved with the next answer, or on Ctrl-C."""
        self.session.at = question

    def _progress(self, step: Step):
        """The theme, a bar that only moves forward and, when it has not risen, the
        planner's estimate of the questions left (progress.py)."""
        done = sum(1 for name in self.session.history if name in self.knowledge.factors or name.startswith(GATE))
        cells, left = self.progress.show(done, step.left)
        bar = "▰" * cells + "▱" * (CELLS - cells)
        count = "" if left is None else " " + self.t("progress_last" if left == 1 else "progress", left=left)
        theme = self.knowledge.themes[step.theme](self.language)
        self.terminal.say()
        self._say_wrapped(f"── {theme} {bar}{count}", then="   ")

    def _progress_done(self):
        """The questions are over: the bar reaches its end."""
        if self.progress.finish():
            self.terminal.say()
            self._say_wrapped(f"── {self.t('progress_done')} {'▰' * CELLS}", then="   ")

    def _say_wrapped(self, text: str, indent: str = "", then: str | None = None, unbroken=()):
        width = self.terminal.width()
        for line in wrap(text, width, unbroken, initial_indent=indent,
                         subsequent_indent=then if then is not None else indent) or [""]:
            self.terminal.say(line)


LETTER_FORMATS = ("pdf", "docx")   # beside the text letter: to print and sign, to edit
OUTPUTS = (CASE_FILE, MEMO_FILE, LETTER_FILE, "letter.pdf", "letter.docx")


def _typed_back(typed: str, default: str) -> bool:
    """"<" alone, or after the answer already there (a prompt that offers one starts with it)."""
    typed = typed.strip()
    return typed.endswith(BACK_TYPED) and typed[:-1].strip() in ("", default.strip())


def occupied(folder: Path) -> bool:
    return any((folder / name).exists() for name in OUTPUTS)


def free_folder(folder: Path) -> Path:
    base = folder.with_name(f"{folder.name}-{date.today().isoformat()}")
    candidate, n = base, 2
    while occupied(candidate):
        candidate, n = base.with_name(f"{base.name}-{n}"), n + 1
    return candidate


def case_yaml(data: dict, header: str) -> str:
    """The case file as a person would write it: a postal address as a block of lines."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper, value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)

    Dumper.add_representer(str, text)
    body = yaml.dump(data, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body


def resume_command(path) -> str:
    """What to type to resume: short when the session is the default one, here."""
    from .session import DEFAULT_NAME

    where = shown(path)
    return "adieu interview --resume" + ("" if where == DEFAULT_NAME else f" {shlex.quote(where)}")


def shown(path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

