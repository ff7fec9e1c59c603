"""Properties that must hold for every valid case, sparse ones included (hypothesis)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.advisor import Advisor
from strategies import answers_of, examples

ADVISOR = Advisor()
KNOWLEDGE = ADVISOR.knowledge
SEVERITY = {value: rank for rank, value in enumerate(KNOWLEDGE.outcomes["recommendation"].values)}
ORDERED = [f for f in KNOWLEDGE.factors.values() if f.ordered]


answers = answers_of(KNOWLEDGE)
SETTINGS = settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(answers)
def test_any_valid_case_gets_exactly_one_verdict_per_outcome(given_answers):
    reasoning = ADVISOR.engine.reason(given_answers)
    for attribute, outcome in KNOWLEDGE.outcomes.items():
        assert reasoning.value(attribute) in outcome.values
    assert [attribute for attribute, _ in reasoning.verdict] == list(KNOWLEDGE.outcomes)


@SETTINGS
@given(answers, st.sampled_from(ORDERED), st.data())
def test_making_one_factor_worse_never_softens_the_recommendation(given_answers, factor, data):
    lower = data.draw(st.integers(0, len(factor.values) - 2), label="from")
    higher = data.draw(st.integers(lower + 1, len(factor.values) - 1), label="to")
    better = ADVISOR.engine.reason({**given_answers, factor.id: factor.values[lower]})
    worse = ADVISOR.engine.reason({**given_answers, factor.id: factor.values[higher]})
    assert SEVERITY[worse.value("recommendation")] >= SEVERITY[better.value("recommendation")], (
        f"{factor.id}: {factor.values[lower]} -> {factor.values[higher]} softened "
        f"{better.value('recommendation')} to {worse.value('recommendation')}")


STEPPED = [f for f in KNOWLEDGE.factors.values() if f.steps_trend]


def test_what_was_tried_is_declared_as_steps_not_as_best_to_worst():
    assert [(f.id, f.steps_trend) for f in STEPPED] == [("issue_raised", "behaviour_trend")]
    assert not KNOWLEDGE.factors["issue_raised"].ordered, "ordered means best to worst"
    assert {f.id for f in ORDERED} == {f.id for f in KNOWLEDGE.factors.values() if f.ordered}


@SETTINGS
@given(answers, st.sampled_from(STEPPED), st.data())
def test_more_attempts_never_soften_a_stalling_case_nor_harden_an_improving_one(given_answers, factor, data):
    # With a stable or worsening trend, more steps taken never make the verdict milder; with
    # an improving trend (the trend's best value), they never make it harsher.
    trend = KNOWLEDGE.factors[factor.steps_trend]
    trend_value = data.draw(st.sampled_from(trend.values), label="trend")
    fewer = data.draw(st.integers(0, len(factor.values) - 2), label="from")
    more = data.draw(st.integers(fewer + 1, len(factor.values) - 1), label="to")
    case = {**given_answers, trend.id: trend_value}
    before = SEVERITY[ADVISOR.engine.reason({**case, factor.id: factor.values[fewer]}).value("recommendation")]
    after = SEVERITY[ADVISOR.engine.reason({**case, factor.id: factor.values[more]}).value("recommendation")]
    shown = f"{factor.id}: {factor.values[fewer]} -> {factor.values[more]} with {trend.id} {trend_value}"
    if trend_value == trend.values[0]:
        assert after <= before, f"{shown} made the recommendation harsher"
    else:
        assert after >= before, f"{shown} made the recommendation milder"


def test_abuse_of_staff_is_never_milder_than_no_abuse_on_a_late_payer():
    base = {"payment_behaviour": "often_late", "issue_raised": "warned_in_writing", "behaviour_trend": "stable"}
    calm = ADVISOR.engine.reason({**base, "abusive_to_staff": "never"}).value("recommendation")
    abusive = ADVISOR.engine.reason({**base, "abusive_to_staff": "abusive"}).value("recommendation")
    assert (calm, abusive) == ("exit_planned", "exit_now")
