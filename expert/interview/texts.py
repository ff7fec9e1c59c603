"""The interview's own words, read from knowledge/interview.yaml, one text per language.

The questions about the client live in factors.yaml; every other line the interview and
`adieu interview` say (buttons, hints, headings, errors, punctuation that differs between
languages) is a text here, so that a session in one language never shows a line of another
and no Python branches on the language.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, KnowledgeError
from ..files import read_document
from ..knowledge import LANGUAGES, Knowledge, Text
from .session import DETAILS

TEXTS_FILE = "interview.yaml"
REQUIRED_TEXTS = (
    "welcome", "language", "details", "details_last", *DETAILS, *(f"label.{d}" for d in DETAILS), "label.language",
    *(f"language_name.{lang}" for lang in LANGUAGES), "optional", "required", "bad_email", "bad_text",
    "bad_number", "bad_integer", "number_instruction", "select_instruction",
    "plain_choice", "plain_choice_default", "plain_bad_choice", "checkbox_plain", "progress", "progress_last",
    "dont_know", "why", "why_rules", "why_changes", "why_together", "why_documents", "gate", "gate_yes", "gate_no",
    "gate_why", "gate_explained", "go_back", "back_key", "back_key_plain", "nothing_before", "review",
    "review_question", "review_done", "review_more", "review_which", "back", "not_given", "nothing_left",
    "loaded", "revisit", "revisit_instruction", "review_picked", "existing", "existing_resume", "existing_new",
    "unnamed", "resumed", "paused", "out_exists", "written", "case_file", "memo_file", "letter_file", "letter_pdf_file", "letter_docx_file",
    "case_header", "folder_taken", "assess_again", "verdict_question", "verdict_details", "verdict_done",
    "colon", "hint_separator", "quote",
    "decimal_mark", "no_terminal", "resume_and_answers", "no_session", "note",
)


@dataclass(frozen=True)
class Need:
    """When `attribute` concludes one of `values`, findings of `categories` matter too."""

    attribute: str
    values: tuple
    categories: tuple


@dataclass(frozen=True)
class Texts:
    """`texts(key, language, name=value)`: the text in that language, filled in."""

    texts: dict
    needs: tuple

    def __call__(self, key: str, language: str, **values) -> str:
        text = self.texts[key](language)
        return text.format(**values) if values else text

    def catalogue(self, language: str) -> list:
        """Every text in one language (tests check a session never shows another's)."""
        return [text(language) for text in self.texts.values()]


def load_texts(knowledge: Knowledge) -> Texts:
    """Read knowledge/interview.yaml; a missing text or a wrong name is a KnowledgeError."""
    path = Path(knowledge.root) / TEXTS_FILE
    try:
        doc = read_document(path)
    except InputError as error:
        raise KnowledgeError(path, error.detail, line=error.line) from None
    data = doc.data if isinstance(doc.data, dict) else {}

    def fail(message, *keys):
        raise KnowledgeError(path, message, line=doc.line(*keys) or doc.line(*keys[:1]))

    texts = {}
    raw_texts = data.get("texts")
    if not isinstance(raw_texts, dict):
        fail("expected a mapping 'texts' of name: {fr, en}", "texts")
    for key, value in raw_texts.items():
        if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip(" \n")
                                              for lang in LANGUAGES):
            fail(f"text '{key}' needs a non-empty text in each of {', '.join(LANGUAGES)}", "texts", key)
        # Only line breaks are trimmed: a text such as ": " keeps its spaces.
        texts[key] = Text(**{lang: value[lang].strip("\n") for lang in LANGUAGES})
    missing = [key for key in REQUIRED_TEXTS if key not in texts]
    if missing:
        fail(f"missing texts: {', '.join(missing)}", "texts")
    needs = []
    for index, raw in enumerate(data.get("documents") or []):
        when = raw.get("when") if isinstance(raw, dict) else None
        if not isinstance(when, dict) or len(when) != 1:
            fail("each entry needs 'when: {OUTCOME: [values]}'", "documents", index)
        (attribute, values), = when.items()
        outcome = knowledge.outcomes.get(attribute)
        values = values if isinstance(values, list) else [values]
        if outcome is None or any(v not in outcome.values for v in values):
            fail("'when' names an outcome of outcomes.yaml and some of its values", "documents", index)
        categories = raw.get("categories")
        if not isinstance(categories, list) or any(c not in knowledge.categories for c in categories):
            fail("'categories' is a list of categories of findings.yaml", "documents", index)
        needs.append(Need(attribute, tuple(values), tuple(categories)))
    return Texts(texts, tuple(needs))


def default_language() -> str:
    """From the locale: the language the first of LC_ALL, LC_MESSAGES, LANG that is set
    starts with, when Adieu speaks it; English otherwise."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return next((lang for lang in LANGUAGES if value.lower().startswith(lang)), "en")
    return "en"
