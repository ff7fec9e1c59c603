"""The interview's own words, read from knowledge/interview.yaml, one text per language.

The questions about the client live in factors.yaml; every other line the interview and
`adieu interview` say (buttons, hints, headings, errors, punctuation that differs between
languages) is a text here, so that a session in one language never shows a line of another
and no Python branches on the language.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..case import DATE_ORDER, DETAIL_KINDS
from ..errors import KnowledgeError
from ..knowledge import Knowledge
from ..messages import LANGUAGES
from .session import DETAILS

TEXTS_FILE = "interview.yaml"
REQUIRED_TEXTS = (
    "welcome", "language", "details", "details_last", *DETAILS, *(f"label.{d}" for d in DETAILS), "label.language",
    *(f"language_name.{lang}" for lang in LANGUAGES), "optional", "required", "bad_email", "bad_text",
    *(f"{what}_{kind}" for what in ("hint", "bad") for kind in DETAIL_KINDS if kind != "text"),
    "bad_number", "bad_integer", "future_date", "no_such_date", *(f"out_of_order.{later}" for _, later in DATE_ORDER), "number_instruction", "select_instruction",
    "plain_choice", "plain_choice_default", "plain_bad_choice", "checkbox_plain", "checkbox_none", "checkbox_kept", "progress", "progress_last", "progress_done",
    "dont_know", "why", "why_rules", "why_changes", "why_together", "why_documents", "gate", "gate_yes", "gate_no",
    "gate_why", "gate_explained", "go_back", "back_key", "back_key_plain", "nothing_before", "review",
    "review_question", "review_done", "review_more", "review_which", "back", "not_given", "nothing_left",
    "loaded", "revisit", "revisit_instruction", "review_picked", "existing", "existing_resume", "existing_new",
    "unnamed", "resumed", "paused", "out_exists", "written", "case_file", "memo_file", "letter_file", "letter_pdf_file", "letter_docx_file",
    "case_header", "folder_taken", "assess_again", "verdict_question", "verdict_details", "verdict_done",
    "colon", "hint_separator", "quote", "quote_rendering",
    "no_terminal", "resume_and_answers", "no_session", "note",
)


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
    """The interview's words (knowledge/interview.yaml, read with the rule base); a rule base
    without them, or without a text the interview says, is a KnowledgeError."""
    if knowledge.interview is None:
        path, _ = knowledge.place(TEXTS_FILE)
        raise KnowledgeError(path, "no such file: the interview needs its texts")
    texts = knowledge.interview.texts
    if any(key not in texts for key in REQUIRED_TEXTS):
        texts = {**_shipped_texts(knowledge), **texts}
    missing = [key for key in REQUIRED_TEXTS if key not in texts]
    if missing:
        path, line = knowledge.place(TEXTS_FILE, ("texts",))
        raise KnowledgeError(path, f"missing texts: {', '.join(missing)}", line=line or None)
    return Texts(texts, knowledge.interview.needs)


def _shipped_texts(knowledge: Knowledge) -> dict:
    """The shipped interview's words: the buttons, hints and headings a rule base of its own
    does not need to repeat (its questions and documents are its own)."""
    from ..knowledge import default_knowledge_dir, load_knowledge

    if Path(knowledge.root).resolve() == Path(default_knowledge_dir()).resolve():
        return {}
    shipped = load_knowledge().interview
    return dict(shipped.texts) if shipped else {}

