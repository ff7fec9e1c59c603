"""Terminal text is broken between words, never at a space that sets a punctuation mark apart."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from expert.report import render
from expert.wrapping import wrap

WORDS = st.sampled_from(["client", "Source", "guide", "12,5", "Comment", "renvoyer", "l’équipe", "n°", "F-7"])
MARKS = st.sampled_from([" :", " ;", " ?", " !", " %", " €", " »"])


@given(st.lists(st.tuples(st.sampled_from(["", "« "]), WORDS, st.one_of(st.just(""), MARKS)), min_size=1, max_size=40),
       st.integers(min_value=8, max_value=60))
def test_no_line_starts_with_a_mark_french_sets_apart_nor_ends_with_an_opening_guillemet(parts, width):
    text = " ".join(opening + word + mark for opening, word, mark in parts)
    lines = wrap(text, width)
    assert " ".join(lines).split() == text.split()      # every word kept, in order
    for line in lines:
        assert not line.startswith((":", ";", "?", "!", "%", "€", "»")), lines
        assert not line.rstrip().endswith("«"), lines


def test_an_arrow_stays_with_the_name_of_its_button():
    text = "Resuming the interview saved in adieu-session.json. “← Back” returns to the questions already asked."
    assert wrap(text, 58)[0] == "Resuming the interview saved in adieu-session.json."


def test_a_short_number_that_closes_a_phrase_stays_with_the_word_before_it():
    text = "(« Comment renvoyer un client ? (guide) », étape 1), puis les étapes 2 et 3."
    for width in range(12, len(text)):
        lines = wrap(text, width)
        assert not any(line.startswith(("1)", "3.")) for line in lines), (width, lines)
    assert wrap("a relationship of 4 years", 20) == ["a relationship of 4", "years"]  # not the end of a phrase


def test_what_must_stay_whole_is_kept_on_one_line():
    lines = wrap("run adieu letter case.yaml --format pdf to print it", 12, unbroken=["adieu letter case.yaml"])
    assert "adieu letter case.yaml" in lines


def test_a_french_report_never_leaves_a_colon_or_question_mark_at_the_start_of_a_line(advisor):
    case = advisor.case({"language": "fr", "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing",
                                                       "behaviour_trend": "worsening"}})
    assessment = advisor.assess(case)
    for width in range(30, 100):
        for line in render(assessment, "text", full=True, width=width).splitlines():
            assert not line.lstrip().startswith((":", "?", ";", "!", "»")), (width, line)
