"""One language per session: the complete transcript of a French interview (stdout and
stderr: questions, hints, progress, review, verdict, notes on the documents, the tick-box
screen of a case file's answers, the pause, the errors about a file and about the command
line) holds no text of the English catalogue, and the reverse. `--plain` is used so that every prompt is in the
transcript; the questionary prompts draw the same texts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from conftest import PARTIES
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
        for step in (s for steps in outcome.next_steps.values() for s in steps):
            pairs += [(step(language), step(other))] + ([(step.part(language), step.part(other))] if step.part else [])
    headings, others = messages(language).report, messages(other).report
    pairs += [(headings[key], others[key]) for key in headings if isinstance(headings[key], str)]
    notes = yaml.safe_load((ROOT_TEMPLATES / "documents.yaml").read_text(encoding="utf-8"))["notes"]
    pairs += [(text, notes[other].get(key, "")) for key, text in notes[language].items()]
    # The errors about a file: the program writes them in English, and a language's file says
    # each of them in its words (the English is the key).
    errors = {lang: messages(lang).data.get("errors", {}).get("messages", {}) for lang in (language, other)}
    if errors[language]:
        pairs += [(said, english) for english, said in errors[language].items()]
    else:
        pairs += [(english, said) for english, said in errors[other].items()]
    said, others_said = messages(language).data["cli"], messages(other).data["cli"]
    pairs += [(said[key], others_said[key]) for key in said]
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
         "Marie Dupont", "marie@dupont.example", "Jean Martin", "",
         *[""] * 7]                 # the letter's details (title, place, addresses, contract...): left empty


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


# From a case file without names: the tick-box screen, back from it and back to it, then the
# input ends (the interview pauses); then a case file that cannot be read.
FROM_CASE = ["Dupont SARL", "Atelier Martin",
             "<", "",                   # back from the tick-box screen to the business's name, kept
             "1 3",                     # tick payments and what was tried
             "<", "",                   # back from payments to the tick-box screen: keep both
             "3", "2", "1"]             # payments often late, and on; then the input ends


@pytest.mark.parametrize("language, other", [("fr", "en"), ("en", "fr")])
def test_a_session_from_a_case_file_and_its_errors_are_in_one_language(tmp_path, adieu, knowledge, monkeypatch,
                                                                      language, other):
    monkeypatch.setenv("LANG", {"fr": "fr_FR.UTF-8", "en": "en_GB.UTF-8"}[language])
    (tmp_path / "case.yaml").write_text(yaml.safe_dump({"language": language, "answers": {
        "payment_behaviour": "on_time", "abusive_to_staff": "rude", "issue_raised": "not_yet"}}), encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    bad = tmp_path / "elsewhere" / "bad.yaml"
    bad.write_text("answers:\n  payment_behaviour: late\n  payment_behaviour: late\n", encoding="utf-8")
    paused = adieu("interview", "--plain", "--answers", "case.yaml", cwd=tmp_path, input="\n".join(FROM_CASE) + "\n")
    assert paused.returncode == 130, paused.stdout[-3000:] + paused.stderr
    refused = adieu("interview", "--plain", "--answers", "bad.yaml", cwd=bad.parent, input="")
    assessed = adieu("assess", bad)
    assert refused.returncode == assessed.returncode == 2
    assert refused.stderr.startswith("adieu: bad.yaml:3: answers.payment_behaviour: ")
    # The command line's own errors: an unknown option, a file that would be replaced.
    (tmp_path / "signed.yaml").write_text(yaml.safe_dump({"language": language, **PARTIES, "answers": {
        "payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"}}), encoding="utf-8")
    mistyped = adieu("interview", "--plain", "--bogus", "case.yaml", cwd=tmp_path)
    kept = adieu("memo", "signed.yaml", "-o", "signed.yaml", cwd=tmp_path)
    assert mistyped.returncode == kept.returncode == 2, kept.stderr
    assert "adieu memo signed.yaml -o signed.yaml --force" in kept.stderr
    transcript = (paused.stdout + paused.stderr + refused.stderr + assessed.stderr + mistyped.stderr
                  + kept.stderr)
    own = catalogue(knowledge, language, other)
    assert sum(fragment in transcript for fragment in own) > 15, transcript
    leaks = sorted(fragment for fragment in catalogue(knowledge, other, language) if fragment in transcript)
    assert not leaks, leaks
