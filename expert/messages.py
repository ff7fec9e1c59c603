"""The languages Adieu writes in, and the words of its terminal views, read from data.

templates/messages/<code>.yaml holds, for one language, the headings of `adieu assess` and
`adieu portfolio`, its punctuation (the colon, quotation marks), how numbers and percentages
are written, which counts are singular, the errors about a file the user gave (a case,
a policy, a session) and about the command line in that language, the command's own lines
(`cli`) and its --help (`help`); languages.yaml names the default language and the
language of a locale Adieu does not speak. A rule base may bring its own
templates/messages/<code>.yaml: its words replace the shipped ones key by key. Adding a
language is adding these files (and the language's texts in the rule base and its
templates), not editing Python.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from .errors import InputError, KnowledgeError, OutputExists, TemplateError, UsageError
from .files import read_document
from .resources import PACKAGE, data_dir

FOLDER = "messages"
INDEX = "languages.yaml"


def _folder() -> Path:
    found = data_dir("templates", f"{FOLDER}/{INDEX}")
    if found is None:
        raise TemplateError(f"{PACKAGE}: the templates' messages/{INDEX} is missing from this installation")
    return found / FOLDER


def _languages() -> tuple:
    folder = _folder()
    index = read_document(folder / INDEX).data
    default = index.get("default")
    found = sorted(p.stem for p in folder.glob("*.yaml") if p.name != INDEX)
    if default not in found:
        raise TemplateError(f"{folder / INDEX}: default: expected one of {', '.join(found)}, got {default!r}")
    fallback = index.get("locale_fallback", default)
    return (default,) + tuple(code for code in found if code != default), fallback if fallback in found else default


LANGUAGES, LOCALE_FALLBACK = _languages()       # the default language first
DEFAULT_LANGUAGE = LANGUAGES[0]


class Messages:
    """One language's words for the views; sections are mappings (report, portfolio)."""

    def __init__(self, language: str, data: dict):
        self.language = language
        self.data = data
        self.colon = data["colon"]
        self.decimal_mark = data["decimal_mark"]
        self.report = data["report"]
        self.portfolio = data["portfolio"]

    def quote(self, text: str) -> str:
        return self.data["quote"].format(text=text)

    def number(self, value) -> str:
        return f"{value:g}".replace(".", self.decimal_mark)

    def amount(self, value) -> str:
        """A sum as a person of this language types it, grouped, without its currency:
        4 250,50 in French, 4,250.50 in English (the interview offers it to be edited)."""
        from babel.numbers import format_decimal

        pattern = "#,##0" if round(value) == value else "#,##0.00"
        return format_decimal(value, format=pattern, locale=self.data.get("number_locale", self.language))

    def quantity(self, value, unit: str | None) -> str:
        """A number with its unit as this language writes it: a share by `percent`
        (12,5 % / 12.5%), any other unit after a space (30 jours, 3 years)."""
        if unit == "%":
            return self.data["percent"].format(number=self.number(value))
        return self.number(value) + (f" {unit}" if unit else "")

    def span(self, low, high) -> str:
        """A range of numbers, each bound (written number, included) or None for no bound."""
        words = self.data["span"]
        shown_low = low and words["at_least" if low[1] else "over"].format(value=low[0])
        shown_high = high and words["at_most" if high[1] else "under"].format(value=high[0])
        return words["between"].format(low=shown_low, high=shown_high) if low and high else shown_low or shown_high

    def percent(self, value) -> str:
        shown = f"{value:.2f}".rstrip("0").rstrip(".")
        return self.data["percent"].format(number=shown.replace(".", self.data["decimal_mark"]))

    def plural(self, forms, n: int) -> str:
        """forms: (singular, plural), each with {n}."""
        return forms[0 if n in self.data["singular"] else 1].format(n=n)


@lru_cache(maxsize=16)
def _read(path: Path) -> dict:
    if not path.exists():
        return {}
    data = read_document(path).data
    if not isinstance(data, dict):
        raise TemplateError(f"{path}: expected a mapping")
    return data


@lru_cache(maxsize=16)
def messages(language: str, rule_base: Path | None = None) -> Messages:
    """The words of `language`: the rule base's templates/messages/ over the shipped ones."""
    data = {key: (dict(value) if isinstance(value, dict) else value)
            for key, value in _read(_folder() / f"{language}.yaml").items()}
    if not data:
        raise TemplateError(f"{_folder() / f'{language}.yaml'}: no words for the language '{language}'")
    if rule_base is not None:
        for key, value in _read(Path(rule_base) / "templates" / FOLDER / f"{language}.yaml").items():
            if isinstance(value, dict) and isinstance(data.get(key), dict):
                data[key].update(value)
            else:
                data[key] = value
    return Messages(language, data)


def locale_language(environ=None) -> str:
    """The language the locale asks for: the first of LC_ALL, LC_MESSAGES, LANG that is set,
    when it starts with one of a language's `locale` prefixes; else languages.yaml's
    locale_fallback. The one place that reads the locale (the interview and the errors)."""
    import os

    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            for language in LANGUAGES:
                if any(value.lower().startswith(p) for p in messages(language).data.get("locale", [language])):
                    return language
            break
    return LOCALE_FALLBACK


# -- errors in the user's language ------------------------------------------------------------
#
# The program writes its errors in English; a language's `errors` section says each of them
# in that language: `messages` maps the English message, with {name} for what the message
# fills in, to its translation; `words` translates what some of them fill in (the YAML and
# JSON readers' and the e-mail check's reasons, "a mapping"), "*" standing for any other.
# Whatever the catalogue does not know stays as the program wrote it.

PLACE = re.compile(r"\{([a-z_]+)\}")


def _pattern(english: str, flags=0):
    """The English message as a regular expression: each {name} matches what it was filled with."""
    parts, names, end = [], [], 0
    for match in PLACE.finditer(english):
        parts.append(re.escape(english[end:match.start()]))
        parts.append(f"(?P<{match.group(1)}>.+?)")
        names.append(match.group(1))
        end = match.end()
    parts.append(re.escape(english[end:]))
    return re.compile("".join(parts), re.DOTALL | flags), tuple(names)


def _compiled(entries: dict, flags=0) -> tuple:
    """(pattern, names, translation), the most specific message first (the most words of its
    own), so that "invalid YAML: character U+{code} ..." wins over "invalid YAML: {problem}"."""
    if not isinstance(entries, dict):
        return ()
    found = sorted((english for english, text in entries.items()
                    if isinstance(english, str) and isinstance(text, str) and english != "*"),
                   key=lambda english: -len(PLACE.sub("", english)))
    return tuple((*_pattern(english, flags), entries[english]) for english in found)


@lru_cache(maxsize=8)
def _error_catalogue(language: str) -> tuple:
    errors = messages(language).data.get("errors") or {}
    words = errors.get("words") or {}
    # A reason is matched whatever the case of its first letter (some messages lower it).
    return _compiled(errors.get("messages")), {name: (_compiled(entries, re.IGNORECASE), entries.get("*"))
                                                 for name, entries in words.items() if isinstance(entries, dict)}


def translate(text: str, language: str) -> str:
    """One of the program's English messages in `language`; unchanged when the catalogue
    does not have it (and in English)."""
    found = _match(_error_catalogue(language)[0], text)
    if found is None:
        return text
    translation, fills = found
    words = _error_catalogue(language)[1]
    for name, value in fills.items():
        if name in words:
            said = _match(words[name][0], value)
            fills[name] = said[0].format(**said[1]) if said else words[name][1] or value
        elif GROUPED.fullmatch(value):
            fills[name] = whole_number(int(value.replace(",", "")), language)
    return translation.format(**fills)


GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+")     # a whole number as the English messages write it


def whole_number(value: int, language: str) -> str:
    """A whole number as the language writes it (Babel, CLDR: 1,000,000 in English, 1 000 000
    with narrow no-break spaces in French); `number_locale` in the language's file."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=messages(language).data.get("number_locale", language))


def _match(catalogue: tuple, text: str):
    for pattern, names, translation in catalogue:
        match = pattern.fullmatch(text)
        if match:
            return translation, {name: match.group(name) for name in names}
    return None


def error_message(error, language: str) -> str:
    """An error as the user reads it: one line (file, line, key, what was expected) in their
    language for a file they gave; the rule base's errors, meant for its authors, stay as
    written, and so does any error whose text is already the user's language."""
    if isinstance(error, InputError) and not isinstance(error, KnowledgeError):
        detail, file = translate(error.detail, language), translate(error.file, language)
        if (detail, file) != (error.detail, error.file):
            return str(InputError(file, detail, key=error.key, line=error.line))
    if isinstance(error, OutputExists):
        return str(InputError(error.file, translate(error.detail, language)))
    if isinstance(error, UsageError) and error.command:
        said = f"{error.command}: {translate(error.detail, language)}"
        hint = translate(f"(see '{error.command} --help')", language)
        return f"{said} {hint}" if error.see_help else said
    return str(error)


def say(language: str, key: str, **values) -> str:
    """A line of the command itself (`cli` in templates/messages/<language>.yaml)."""
    return messages(language).data["cli"][key].format(**values)
