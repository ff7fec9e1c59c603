"""Typography as a language writes it (French: no-break spaces before ; ! ? and :, inside
« », in 30 jours; 1er raised; typographic apostrophes), applied to what Adieu writes and
never to what the user typed.

The rules are data (templates/typography.yaml); this module only runs them. What the user
typed enters the documents as `UserText`: the content environment wraps each printed
`UserText` in PROTECT marks, `Typography.apply` hides the marked spans from the rules and
then drops the marks. A rule may raise part of a match (SUP marks) or flag a gap to fill in
(GAP marks): those marks travel with the text to the layout, where `finish` turns them into
<sup>/<mark> for HTML and PDF, drops them for plain formats, and `spans` cuts a line into
runs for DOCX. The marks are private-use characters; user text never holds them (`UNSAFE`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .errors import AdieuError
from .files import read_document

PROTECT, UNPROTECT = "\ue000", "\ue001"
SUP, UNSUP = "\ue002", "\ue003"
GAP, UNGAP = "\ue004", "\ue005"
MARKS = re.compile("[\ue000-\ue005]")
PROTECTED = re.compile(f"{PROTECT}(.*?){UNPROTECT}", re.S)
HIDDEN = "\ue006"                    # stands for one protected span while the rules run
HTML_MARKS = {SUP: "<sup>", UNSUP: "</sup>", GAP: '<mark class="placeholder">', UNGAP: "</mark>"}
SPAN = re.compile(f"({SUP}|{GAP})(.*?)({UNSUP}|{UNGAP})", re.S)


class UserText(str):
    """A string the user typed (a name, an address, an e-mail): printed as written."""


def user_text(value):
    return None if value is None else UserText(value)


def protect(value):
    """finalize for the content environment: user text is marked so that no rule touches it."""
    if value is None:
        return ""
    if isinstance(value, UserText):
        return f"{PROTECT}{value}{UNPROTECT}"
    return value


@dataclass(frozen=True)
class Rule:
    name: str
    find: re.Pattern
    put: str | None = None
    superscript: int | None = None
    placeholder: bool = False

    def apply(self, text: str) -> str:
        if self.placeholder:
            return self.find.sub(lambda m: f"{GAP}{m.group(0)}{UNGAP}", text)
        if self.superscript is not None:
            group = self.superscript

            def raise_group(m):
                start, end = m.start(group) - m.start(0), m.end(group) - m.start(0)
                whole = m.group(0)
                return f"{whole[:start]}{SUP}{whole[start:end]}{UNSUP}{whole[end:]}"
            return self.find.sub(raise_group, text)
        return self.find.sub(self.put, text)


class Typography:
    """The rules of templates/typography.yaml, by language."""

    def __init__(self, path: Path):
        doc = read_document(path)
        data = doc.data if isinstance(doc.data, dict) else {}
        self.rules: dict = {}
        for lang, rules in data.items():
            self.rules[lang] = []
            for index, spec in enumerate(rules if isinstance(rules, list) else [None]):
                where = f"{path}:{doc.line(lang, index) or doc.line(lang) or 1}: {lang}[{index}]"
                if not isinstance(spec, dict) or not isinstance(spec.get("find"), str) or \
                        sum(k in spec for k in ("put", "superscript", "placeholder")) != 1:
                    raise TypographyError(f"{where}: expected find and one of put, superscript, placeholder")
                try:
                    find = re.compile(spec["find"])
                    rule = Rule(spec.get("name", ""), find, spec.get("put"), spec.get("superscript"),
                                bool(spec.get("placeholder")))
                    rule.apply("1 ")
                except (re.error, IndexError, TypeError) as error:
                    raise TypographyError(f"{where}: not a usable rule ({error})") from None
                self.rules[lang].append(rule)

    def apply(self, text: str, lang: str) -> str:
        """The rules of `lang` over `text`, except its PROTECT-marked spans, whose marks go."""
        hidden = PROTECTED.findall(text)
        text = PROTECTED.sub(HIDDEN, text)
        for rule in self.rules.get(lang, ()):
            text = rule.apply(text)
        pieces = iter(hidden)
        return re.sub(HIDDEN, lambda _: next(pieces), text)


class TypographyError(AdieuError):
    """templates/typography.yaml is broken: a bug of the installation."""

    status = 3


def plain(text) -> str:
    """Without marks: for plain text, Markdown, e-mail headers, titles."""
    return MARKS.sub("", str(text))


def finish(text: str, form: str) -> str:
    """A rendered layout made final: marks become tags in HTML, disappear elsewhere. The
    marks come from our rules only, so the tags they become are balanced and safe."""
    if form == "html":
        return MARKS.sub(lambda m: HTML_MARKS.get(m.group(0), ""), text)
    return plain(text)


def spans(text: str) -> list:
    """A line as (text, style) runs, style None, 'superscript' or 'placeholder': for DOCX."""
    runs, at = [], 0
    text = PROTECTED.sub(r"\1", text)
    for m in SPAN.finditer(text):
        if m.start() > at:
            runs.append((text[at:m.start()], None))
        runs.append((plain(m.group(2)), "superscript" if m.group(1) == SUP else "placeholder"))
        at = m.end()
    if at < len(text):
        runs.append((plain(text[at:]), None))
    return runs


def placeholders(text: str) -> list:
    """The gaps to fill in, in order, each once."""
    found = re.findall(f"{GAP}(.*?){UNGAP}", text, re.S)
    return list(dict.fromkeys(plain(gap) for gap in found))

