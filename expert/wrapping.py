"""Text for a terminal, broken into lines between words.

Never inside what must stay whole (a command to type, a path), nor at a space that only sets
a punctuation mark apart: French writes "client ?", "Source : ...", "« guide »" and "12,5 %",
and a line that starts with "?" or ends with "«" is a typesetting fault (so is an arrow
left alone at the end of a line: "← Back" names one button, and a number alone at the start
of one: "étape 1)"). The terminal keeps
plain spaces (the documents use no-break spaces, templates/typography.yaml): the wrap alone
treats those spaces as part of the word.
"""

from __future__ import annotations

import re
import textwrap

GLUE = "\x00"  # stands for a space that does not break while the text is wrapped
# a space that sets a mark apart, the one after an arrow ("← Back" is one button's name), and
# the one before a short number that closes a phrase ("étape 1)", "steps 2 and 3)")
_SETS_APART = re.compile(r" (?=[:;!?»%€])|(?<=[«←]) |(?<=\w) (?=\d{1,3}(?:[),.;:]|$))")


def wrap(text: str, width: int, unbroken=(), **options) -> list:
    """The lines of `text` at most `width` long (textwrap's options: indents...), words and
    `unbroken` kept whole: a word longer than the line overflows it rather than be cut."""
    for whole in sorted(unbroken, key=len, reverse=True):
        if whole:
            text = text.replace(whole, whole.replace(" ", GLUE))
    text = _SETS_APART.sub(GLUE, text)
    options.setdefault("break_on_hyphens", False)
    options.setdefault("break_long_words", False)
    return [line.replace(GLUE, " ") for line in textwrap.wrap(text, width, **options)]
