"""The interview's two terminals: questionary prompts, and plain numbered lines (--plain).

Both offer the same four calls (say, select, text, checkbox) and know no words of their
own: every text they show is given by the conversation. Whatever reaches into questionary
and prompt_toolkit beyond their documented calls lives here (checked with questionary 2.1
and prompt_toolkit 3.0.5x): lines that wrap instead of being cut (`Window.wrap_lines`,
`get_line_prefix`), the Escape key for "back" (the application's key bindings), the
checkbox's English "done" line and a prompt's hint and choices erased (`erase_when_done`: the
question and its answer are written again, wrapped between words), and a resize that redraws the
prompt on a cleared screen (`Application._on_resize`): the terminal reflows the lines
already drawn, so erasing them from the old cursor position would leave a copy behind. A text
prompt is questionary.text's PromptSession made here, with one space before its hint.

Prompts raise KeyboardInterrupt on Ctrl-C and EOFError on a closed input, so that the
conversation saves and says how to resume.
"""

from __future__ import annotations

import shutil
import sys
import time

from ..wrapping import wrap

SEPARATOR = object()            # a blank line between choices
BACK = object()                 # the user asked for the previous question
WIDTH = (40, 96)                # lines are wrapped to the terminal, within these bounds


def same(a, b) -> bool:
    return a == b and type(a) is type(b)


class _Clock:
    """Seconds from one answer to the next question on screen (the benchmark reads them)."""

    def __init__(self):
        self.waits: list = []
        self._answered = None

    def asked(self):
        if self._answered is not None:
            self.waits.append(time.perf_counter() - self._answered)

    def answered(self):
        self._answered = time.perf_counter()


class Terminal(_Clock):
    """questionary prompts; tests pass a pipe input and a dummy output."""

    plain = False

    def __init__(self, input=None, output=None, stream=None):
        super().__init__()
        self._io = {key: value for key, value in (("input", input), ("output", output)) if value is not None}
        self.stream = stream

    def say(self, text: str = ""):
        stream = self.stream or sys.stdout
        stream.write(text + "\n")
        stream.flush()

    def width(self) -> int:
        return max(WIDTH[0], min(WIDTH[1], _columns() - 1))

    def select(self, message: str, choices: list, default=None, instruction=None):
        """choices: (title, value) pairs; SEPARATOR or ("--", title) for a heading line.
        A choice whose value is BACK, or the Escape key, returns BACK."""
        import questionary

        items, chosen, titles = [], None, {}
        for choice in choices:
            if choice is SEPARATOR:
                items.append(questionary.Separator(" "))
            elif choice[0] == "--":
                items.append(questionary.Separator(choice[1]))
            else:
                item = questionary.Choice(_fit_choice(choice[0]), value=_Value(choice[1]))
                titles[id(item.value)] = choice[0]
                if choice[1] is BACK:
                    titles[id(BACK)] = choice[0]
                if chosen is None and default is not None and same(choice[1], default):
                    chosen = item
                items.append(item)
        shown, instruction = self._fit(message, instruction)
        question = questionary.select(shown, choices=items, default=chosen, instruction=instruction,
                                      erase_when_done=True, **self._io)
        _wrap_choices(question)
        answer = self._ask(question)
        if id(answer) in titles:    # Escape where no choice goes back leaves nothing
            self._echo(message, titles[id(answer)])
        return answer if answer is BACK else answer.value

    def text(self, message: str, default: str = "", instruction=None, empty: str = ""):
        """What was typed, or BACK for the Escape key. Checking it is the caller's job, after
        Enter, so that no message appears from the first keystroke; `empty` is shown as the
        answer when nothing was typed ("not given")."""
        shown, instruction = self._fit(message, instruction)
        question = _text_question(shown, default, instruction, erase_when_done=True, **self._io)
        _wrap_choices(question)
        answer = self._ask(question)
        if answer is not BACK:  # the question and its answer stay on screen, not the hint
            self._echo(message, answer or empty)
        return answer

    def checkbox(self, message: str, choices: list, instruction=None, summary=None, back=False, ticked=()) -> list:
        """Ticked values (those in `ticked` start ticked), or BACK for the Escape key when
        `back`; `summary(count)` is the line left on screen once it is answered."""
        import questionary

        items = [questionary.Choice(_fit_choice(title, CHECKBOX_PREFIX), value=_Value(value),
                                    checked=any(same(value, t) for t in ticked))
                 for title, value in choices]
        shown, instruction = self._fit(message, instruction)
        question = questionary.checkbox(shown, choices=items, instruction=instruction, erase_when_done=True,
                                        **self._io)
        _wrap_choices(question)
        answer = self._ask(question, back=back)
        if answer is BACK:
            return BACK
        values = [item.value for item in answer]
        if summary:
            self._echo(message, summary(len(values)))
        return values

    def _echo(self, message: str, answer: str):
        """What stays on screen once a prompt is answered (prompt_toolkit's own line would be
        cut in the middle of a word at the terminal's edge): the question and its answer,
        wrapped between words, without the hint or the choices. An answer that fits on a line
        is kept whole ("Bristol BS2 0AA", "Nothing has changed"), on the next line if need be."""
        columns = _columns()
        whole = (answer,) if len(answer) <= columns - 2 else ()
        self.say("\n".join(wrap(f"? {message} {answer}", columns, unbroken=whole, subsequent_indent="  ")))

    def _fit(self, message: str, instruction):
        """The question wrapped between words to the terminal, and its hint on a line of its
        own when it does not fit after it (prompt_toolkit would cut words in two)."""
        columns = _columns()
        lines = wrap(message, columns - 2) or [""]
        wrapped = "\n  ".join(lines)
        if instruction and len(lines[-1]) + len(instruction) + 4 > columns:
            instruction = "\n  " + "\n  ".join(wrap(instruction, columns - 2))
        return wrapped, instruction

    def _ask(self, question, back: bool = True):
        if back:
            _escape_goes_back(question)
        self.asked()
        answer = question.unsafe_ask()
        self.answered()
        return answer


class _Value:
    """A choice's value, boxed: questionary treats a None or falsy value as "no value"."""

    def __init__(self, value):
        self.value = value


def _escape_goes_back(question):
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    keys = KeyBindings()

    @keys.add("escape", eager=True)
    def _back(event):
        # On a list that offers "← Back", Escape picks it, so that it shows as the answer.
        control = _choices_of(question)
        index = next((i for i, c in enumerate(control.choices if control else ())
                      if isinstance(c.value, _Value) and c.value.value is BACK), None)
        if index is not None:
            control.pointed_at, control.is_answered = index, True
        event.app.exit(result=BACK)

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings, keys]) if app.key_bindings else keys


def _choices_of(question):
    from questionary.prompts.common import InquirerControl

    return next((w.content for w in question.application.layout.find_all_windows()
                 if isinstance(w.content, InquirerControl)), None)


def _text_question(message: str, default: str, instruction, **options):
    """questionary.text, its hint one space after the question as in a select (questionary
    pads the question and the hint with a space each side, which put two between them)."""
    from prompt_toolkit.document import Document
    from prompt_toolkit.lexers import SimpleLexer
    from prompt_toolkit.shortcuts.prompt import PromptSession
    from questionary import Question
    from questionary.constants import DEFAULT_QUESTION_PREFIX
    from questionary.styles import merge_styles_default

    tokens = [("class:qmark", DEFAULT_QUESTION_PREFIX), ("class:question", f" {message} ")]
    if instruction:
        tokens.append(("class:instruction", f"{instruction} "))
    session = PromptSession(tokens, style=merge_styles_default([None]), lexer=SimpleLexer("class:answer"), **options)
    session.default_buffer.reset(Document(default))
    return Question(session.app)


def _wrap_choices(question):
    """Long lines wrap on a narrow terminal (choices under their own text) instead of being
    cut, and a resize redraws the prompt once, on a cleared screen."""
    from questionary.prompts.common import InquirerControl

    app = question.application
    for window in app.layout.find_all_windows():
        window.wrap_lines = _true
        if isinstance(window.content, InquirerControl):
            window.get_line_prefix = _continuation

    def on_resize():
        app.renderer.clear()
        app._redraw()

    app._on_resize = on_resize


CHOICE_PREFIX, CHECKBOX_PREFIX = 3, 5     # " » " before a choice; " » ● " before a tick box


def _fit_choice(title: str, prefix: int = CHOICE_PREFIX) -> str:
    """A choice's title broken between words to the terminal, its next lines under its
    first (prompt_toolkit would wrap it in the middle of a word)."""
    return ("\n" + " " * prefix).join(wrap(title, _columns() - prefix) or [title])


def _columns() -> int:
    """The columns a prompt's line may fill: one fewer than the terminal's, whose last
    column would move the cursor to the next line."""
    return shutil.get_terminal_size((100, 24)).columns - 1


def _true():
    return True


def _continuation(line: int, wrap_count: int):
    return "     " if wrap_count else ""


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class PlainTerminal(_Clock):
    """`adieu interview --plain`: numbered choices, one line per prompt, nothing redrawn,
    so that a screen reader, a dumb terminal or a pipe can follow. `words(key, **values)`
    is set by the conversation: the few texts this terminal needs."""

    plain = True

    def __init__(self, input=None, stream=None):
        super().__init__()
        self.input = input or sys.stdin
        self.stream = stream or sys.stdout
        self.words = None
        self._echoes = _isatty(self.input)

    def say(self, text: str = ""):
        self.stream.write(text + "\n")
        self.stream.flush()

    def width(self) -> int:
        return WIDTH[1]

    def _read(self, prompt: str) -> str:
        self.stream.write(prompt)
        self.stream.flush()
        self.asked()
        try:
            line = self.input.readline()
        except KeyboardInterrupt:
            self._end_line()
            raise
        self.answered()
        if not line:
            self._end_line()
            raise EOFError
        if not self._echoes:            # a pipe: show what was read, so the transcript reads well
            self.stream.write(line if line.endswith("\n") else line + "\n")
        return line.strip()

    def _end_line(self):
        """Ctrl-C or the end of input left the cursor after the prompt: what is said next (the
        interview paused, on stderr) starts a line of its own, and wraps as it was wrapped."""
        self.stream.write("\n")
        self.stream.flush()

    def select(self, message: str, choices: list, default=None, instruction=None):
        self.say(message)
        values, shown_default = [], None
        for choice in choices:
            if choice is SEPARATOR:
                continue
            if choice[0] == "--":
                self.say(choice[1])
                continue
            values.append(choice[1])
            self.say(f"  {len(values)}. {choice[0]}")
            if shown_default is None and default is not None and same(choice[1], default):
                shown_default = len(values)
        prompt = (self.words("plain_choice_default", count=len(values), default=shown_default)
                  if shown_default else self.words("plain_choice", count=len(values)))
        while True:
            typed = self._read(prompt + " ")
            if typed == "<" and any(v is BACK for v in values):     # as on a text prompt
                return BACK
            if not typed and shown_default:
                return values[shown_default - 1]
            if typed.isdigit() and 1 <= int(typed) <= len(values):
                return values[int(typed) - 1]
            self.say(self.words("plain_bad_choice", count=len(values)))

    def text(self, message: str, default: str = "", instruction=None, empty: str = ""):
        """The empty line keeps `default`, shown in brackets (the line typed stays on screen:
        `empty` is not needed)."""
        shown = f" [{default}]" if default else ""
        hint = f" {instruction}" if instruction else ""
        typed = self._read(f"{message}{hint}{shown} ")
        return typed or default

    def checkbox(self, message: str, choices: list, instruction=None, summary=None, back=False, ticked=()) -> list:
        """Numbers separated by spaces or commas. An empty line keeps what is `ticked` (none
        at first), 0 ticks nothing, "<" alone is BACK when `back`; `instruction` says so."""
        self.say(message)
        for number, (title, _) in enumerate(choices, 1):
            self.say(f"  {number}. {title}")
        hint = f" {instruction}" if instruction else ""
        while True:
            line = self._read(self.words("checkbox_plain") + hint + " ")
            if back and line == "<":
                return BACK
            if not line:
                return [value for _, value in choices if any(same(value, t) for t in ticked)]
            typed = line.replace(",", " ").split()
            if typed == ["0"]:
                return []
            if all(t.isdigit() and 1 <= int(t) <= len(choices) for t in typed):
                return list(dict.fromkeys(choices[int(t) - 1][1] for t in typed))
            self.say(self.words("plain_bad_choice", count=len(choices)))
