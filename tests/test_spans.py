"""What would change a verdict, for a number: the range of values that lead there, not the
few values tried ("at most 10%", not "0% or 9% or 10%")."""

from __future__ import annotations

import pytest

from expert.explain import Change, region, spans
from expert.messages import messages

LIMITS = (5, 10)


def changes(*values, outcome="exit_now"):
    return [Change("share", None, value, "recommendation", outcome, region(LIMITS, value)) for value in values]


@pytest.mark.parametrize("values, low, high", [
    ((0, 4), None, (5, False)),                      # below the lowest threshold
    ((0, 4, 5), None, (5, True)),
    ((6, 9), (5, False), (10, False)),               # between two thresholds
    ((5, 6, 9, 10), (5, True), (10, True)),
    ((11,), (10, False), None),                      # above the highest
    ((10, 11), (10, True), None),
    ((10,), (10, True), (10, True)),                 # exactly a threshold
])
def test_adjacent_regions_that_lead_to_the_same_verdict_make_one_range(values, low, high):
    [(group, found_low, found_high)] = spans(changes(*values))
    assert [c.value for c in group] == list(values) and (found_low, found_high) == (low, high)


def test_a_region_between_them_that_does_not_move_the_verdict_splits_the_range():
    assert [[c.value for c in group] for group, _, _ in spans(changes(0, 4) + changes(11))] == [[0, 4], [11]]


def test_another_verdict_or_a_choice_is_a_range_of_its_own():
    choice = Change("payment_behaviour", None, "on_time", "recommendation", "keep")
    found = spans(changes(0, 4) + changes(6, outcome="address") + [choice])
    assert [(len(group), low, high) for group, low, high in found] == [
        (2, None, (5, False)), (1, (5, False), (10, False)), (1, None, None)]


@pytest.mark.parametrize("language, low, high, shown", [
    ("fr", None, ("10 %", True), "au plus 10 %"),
    ("fr", ("3 ans", False), ("5 ans", False), "plus de 3 ans et moins de 5 ans"),
    ("en", ("10%", True), None, "at least 10%"),
    ("en", None, ("10%", False), "under 10%"),
])
def test_a_range_is_written_in_the_language_of_the_case(language, low, high, shown):
    assert messages(language).span(low, high) == shown


def test_every_number_in_the_range_shown_leads_to_the_verdict_it_names_and_the_json_keeps_each_value_tried(advisor):
    answers = {"payment_behaviour": "unpaid_invoices", "revenue_share": 12.5, "issue_raised": "warned_in_writing",
               "behaviour_trend": "stable"}
    assessment = advisor.assess(advisor.case({"language": "en", "answers": answers}))
    [share] = [c for c in assessment.explanation().changes if c["factor"] == "revenue_share"]
    assert share["to"] == "at most 10%" and share["value"] == "exit_now"
    for value in (0, 0.5, 4, 7.25, 9.99, 10):
        assert advisor.engine.reason({**answers, "revenue_share": value}).value("recommendation") == "exit_now", value
    assert advisor.engine.reason({**answers, "revenue_share": 10.01}).value("recommendation") != "exit_now"
    tried = [c["to"] for c in assessment.to_dict()["what_would_change"] if c["factor"] == "revenue_share"]
    assert tried == share["to_values"] and len(tried) > 1
