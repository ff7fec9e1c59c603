"""The languages Adieu writes in, and the words of its terminal views, read from data.

templates/messages/<code>.yaml holds, for one language, the headings of `adieu assess` and
`adieu portfolio`, its punctuation (the colon, quotation marks), how numbers and percentages
are written and which counts are singular; languages.yaml names the default language. A
rule base may bring its own templates/messages/<code>.yaml: its words replace the shipped
ones key by key. Adding a language is adding these files (and the language's texts in the
rule base and its templates), not editing Python.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .errors import TemplateError
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
        self.report = data["report"]
        self.portfolio = data["portfolio"]

    def quote(self, text: str) -> str:
        return self.data["quote"].format(text=text)

    def number(self, value) -> str:
        return f"{value:g}".replace(".", self.data["decimal_mark"])

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


def locale_language(environ) -> str:
    """The language the locale asks for (LC_ALL, LC_MESSAGES or LANG), else languages.yaml's
    locale_fallback."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name)
        if value:
            for language in LANGUAGES:
                if any(value.lower().startswith(p) for p in messages(language).data.get("locale", [language])):
                    return language
            break
    return LOCALE_FALLBACK
