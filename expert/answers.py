"""Typed answers, parsed in one place: from a case file's data, and from text typed in the
terminal or held in a CSV cell.

`from_data` is the contract of case-format.md (a YAML or JSON value of the factor's type);
`from_text` reads what a person writes ("12,5 %", "oui") and then applies the same contract,
so an answer means the same whichever way it came in. Both call `fail(message)` with what was
expected; the caller adds the file, line and key.
"""

from __future__ import annotations

import math
import re

from .conditions import NUMBER_TYPES
from .files import MAX_DIGITS, printable
from .messages import LANGUAGES, messages

# Yes/no words a spreadsheet may hold, in every language (templates/messages/<lang>.yaml).
TRUE_WORDS = tuple(dict.fromkeys(w for lang in LANGUAGES for w in messages(lang).data.get("yes_words", ()))) + ("1",)
FALSE_WORDS = tuple(dict.fromkeys(w for lang in LANGUAGES for w in messages(lang).data.get("no_words", ()))) + ("0",)
NUMBER = re.compile(r"^([+-]?\d+)(?:[.,](\d+))?%?$")   # 12  12.5  12,5  12 %  (spaces removed)
SPACES = re.compile(r"[\s\u00a0\u202f]+")               # a thousands separator or before the %


def from_data(factor, value, fail, shown: str | None = None):
    """The answer converted to the factor's type, or `fail(message)` with what was expected;
    `shown`: the value as the user wrote it, when it was read from text."""
    if factor.type == "bool":
        if isinstance(value, bool):
            return value
        fail(f"expected true or false, got {shown or quote(value)}")
    if factor.type == "choice":
        if isinstance(value, bool) and not any(isinstance(v, bool) for v in factor.values):
            # YAML 1.1 reads a bare `no` or `yes` as a boolean.
            value = {False: "no", True: "yes"}[value]
        if isinstance(value, str) and value in factor.values:
            return value
        fail(f"expected one of {', '.join(map(show, factor.values))}, got {shown or quote(value)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fail(f"expected a number from {factor.minimum:g} to {factor.maximum:g}, got {shown or quote(value)}")
    if factor.type == "integer":
        if value != int(value):
            fail(f"expected a whole number from {factor.minimum:g} to {factor.maximum:g}, got {shown or quote(value)}")
        value = int(value)
    if not factor.minimum <= value <= factor.maximum:
        fail(f"expected a number from {factor.minimum:g} to {factor.maximum:g}, got {shown or quote(value)}")
    return value


def from_text(factor, text: str, fail):
    """What a person typed or a cell holds ("12,5 %", "oui", "on_time"), as the factor's answer;
    a refusal shows the text as typed, not the number read from it."""
    text = text.strip()
    if factor.type == "bool":
        word = text.lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        fail(f"expected true or false ({', '.join(TRUE_WORDS)} / {', '.join(FALSE_WORDS)}), got {text[:40]!r}")
    value = text
    if factor.type in NUMBER_TYPES:
        number = NUMBER.match(SPACES.sub("", text)) or NUMBER.match(SPACES.sub("", _without_unit(factor, text)))
        # Beyond MAX_DIGITS a number is a mistake (and 5,000 digits cannot even be converted):
        # it stays text, which from_data refuses with the range the factor expects.
        if number and len(number.group(1).lstrip("+-0")) <= MAX_DIGITS:
            whole, decimals = number.groups()
            value = float(f"{whole}.{decimals[:MAX_DIGITS]}") if decimals else int(whole)
            return from_data(factor, value, fail, shown=quote(text))
    return from_data(factor, value, fail)


def _without_unit(factor, text: str) -> str:
    """ "30 jours", "30 days": the factor's unit, in any language, may follow the number."""
    for unit in sorted({factor.unit(lang) for lang in LANGUAGES} if factor.unit else (), key=len, reverse=True):
        if unit and text.lower().endswith(unit.lower()):
            return text[:-len(unit)]
    return text


def show(value) -> str:
    """A value as written in YAML (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def quote(value) -> str:
    """A value in an error message: short, quoted when it is text."""
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return repr(shown)
    if isinstance(value, (dict, list)):
        return "a " + type(value).__name__.replace("dict", "mapping")
    if isinstance(value, float):
        shown = repr(value)     # as written: 1250.505, not 1250.51; 1000000.0, not 1e+06
        return shown if len(shown) <= 20 else f"{value:.6g}"
    return printable(show(value), 40)
