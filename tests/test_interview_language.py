"""One language per session: the complete transcript of a French interview (stdout and
stderr: questions, hints, progress, review, verdict, notes on the documents) holds no text
of the English catalogue, and the reverse. `--plain` is used so that every prompt is in the
transcript; the questionary prompts draw the same texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from expert.interview import load_texts
from expert.messages import messages

ROOT_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
SHORTEST = 12           # shorter fragments ("Client", "%") are shared by both languages


def catalogue(knowledge, language: str, other: str) -> set:
    """Every fragment of text the program may say in `language` that `other` does not say
    the same way: the interview's texts, the questions, the verdict's words, the notes."""
    pairs = [(t(language), t(other)) for t in load_texts(knowledge).texts.values()]
    for factor in knowledge.factors.values():
        pairs += [(factor.question(language), factor.question(other)), (factor.label(language), factor.label(other))]
        pairs += [(c(language), c(other)) for c in factor.choices.values()]
    pairs += [(t(language), t(other)) for t in knowledge.themes.values()]
    for outcome in knowledge.outcomes.values():
        pairs += [(t(language), t(other)) for t in outcome.labels.values()]
        pairs += [(s(language), s(other)) for steps in outcome.next_steps.values() for s in steps]
    headings, others = messages(language).report, messages(other).report
    pairs += [(headings[key], others[key]) for key in headings if isinstance(headings[key], str)]
    notes = yaml.safe_load((ROOT_TEMPLATES / "documents.yaml").read_text(encoding="utf-8"))["notes"]
    pairs += [(text, notes[other].get(key, "")) for key, text in notes[language].items()]
    fragments = set()
    for text, translation in pairs:
        for fragment in PLACEHOLDER.split(text):
            fragment = fragment.strip(" :;,.()\n")
            if len(fragment) >= SHORTEST and fragment not in translation:
                fragments.add(fragment)
    return fragments


# A client to end the relationship with, in a planned way: the letter is written, with no
# notice period given (a note says what is assumed) and a contact without an honorific (the
# French letter's note says how to greet them directly).
LINES = ["Dupont SARL", "Atelier Martin",
         "2", "3", "1", "1",        # money: not quite; often late, no haggling, a fair margin
         "1", "1",                  # the team treated properly; no unpaid extra work
         "1",                       # values and strategy: yes
         "3", "2",                  # a written warning; nothing has changed
         "4", "12", "1", "", "2",   # years, share, influence, notice unknown, work in progress
         "", "2", "",               # review: all correct; every detail of the verdict; then write
         "Marie Dupont", "marie@dupont.example", "Jean Martin", ""]


@pytest.mark.parametrize("language, other", [("fr", "en"), ("en", "fr")])
def test_a_session_never_says_a_line_of_the_other_language(tmp_path, adieu, knowledge, language, other):
    done = adieu("interview", "--plain", "--language", language, cwd=tmp_path, input="\n".join(LINES) + "\n")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    transcript = done.stdout + done.stderr
    assert (tmp_path / "dupont-sarl" / "letter.txt").exists()
    own = catalogue(knowledge, language, other)
    assert sum(fragment in transcript for fragment in own) > 40       # the transcript is really in `language`
    leaks = sorted(fragment for fragment in catalogue(knowledge, other, language) if fragment in transcript)
    assert not leaks, leaks
