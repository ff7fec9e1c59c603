"""The judgments of the second expert pass, beyond the verdicts their scenarios check: what the
reasons, next steps, unknowns and interview say, and the `count` condition they rely on."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml

from conftest import ROOT
from expert.advisor import Advisor
from expert.errors import KnowledgeError
from expert.knowledge import load_knowledge
from expert.interview.planner import Planner, interactions
from expert.policy import load_policy
from scenario_files import SCENARIOS, load_scenario


def assessed(advisor, name: str, policy=None):
    scenario = load_scenario(SCENARIOS / f"{name}.yaml")
    return advisor.assess(advisor.case(scenario["case"], name))


# -- 1, 2: the last resort, and improvement that counts --------------------------------------

def test_unpaid_invoices_never_raised_call_for_a_written_demand_with_a_deadline(advisor):
    result = assessed(advisor, "unpaid-never-raised")
    assert result.verdict["recommendation"] == "address"
    first = result.reasons()[0]
    rule = advisor.knowledge.rule(first.rule)
    assert "demande de paiement formelle, avec un délai" in rule.statement("fr")
    assert [s.source for s in rule.sources] == ["comment-renvoyer", "code-civil-1226"]
    assert any("demande de paiement écrite" in step for step in result.next_steps())


@pytest.mark.parametrize("tried", ["not_yet", "discussed", None])
def test_no_exit_for_money_before_a_written_demand(advisor, tried):
    answers = {"payment_behaviour": "unpaid_invoices", "disputes_charges": True, "behaviour_trend": "worsening",
               "revenue_share": 30, "client_influence": "high"}
    if tried:
        answers["issue_raised"] = tried
    assert advisor.engine.reason(answers).value("recommendation") == "address"


def test_after_a_written_warning_unpaid_invoices_still_end_the_relationship(advisor):
    answers = {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"}
    for trend, expected in (("stable", "exit_now"), ("worsening", "exit_now"), (None, "exit_now"),
                            ("improving", "address")):
        case = {**answers, "behaviour_trend": trend} if trend else answers
        assert advisor.engine.reason(case).value("recommendation") == expected, trend


def test_improvement_after_a_warning_keeps_a_payment_plan_in_the_next_steps(advisor):
    result = assessed(advisor, "unpaid-warned-improving-dependent")
    assert any("échéancier" in step for step in result.next_steps())


def test_a_payment_step_is_shown_only_to_a_case_with_a_payment_problem(advisor):
    result = advisor.assess(advisor.case({"answers": {"contract_breaches": "repeated", "issue_raised": "not_yet"}}))
    assert result.verdict["recommendation"] == "address"
    assert not any("paiement" in step for step in result.next_steps())


# -- 3: small problems that add up -----------------------------------------------------------

MINORS = {"cancels_last_minute": True, "undermines_expertise": "private", "poor_meeting_conditions": True}
WARNED = {"issue_raised": "warned_in_writing", "behaviour_trend": "stable"}


def test_three_minor_problems_unchanged_after_a_warning_plan_the_exit_two_do_not(advisor):
    assert advisor.engine.reason({**MINORS, **WARNED}).value("recommendation") == "exit_planned"
    two = dict(list(MINORS.items())[:2])
    assert advisor.engine.reason({**two, **WARNED}).value("recommendation") == "address"
    improving = {**WARNED, "behaviour_trend": "improving"}
    assert advisor.engine.reason({**MINORS, **improving}).value("recommendation") == "address"


def test_the_minor_problem_threshold_is_the_policy(advisor, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("minor_problems_to_part: 4\n", encoding="utf-8")
    strict = Advisor(knowledge=advisor.knowledge, policy=load_policy(advisor.knowledge, policy))
    assert strict.engine.reason({**MINORS, **WARNED}).value("recommendation") == "address"
    four = {**MINORS, "excessive_contact": True}
    assert strict.engine.reason({**four, **WARNED}).value("recommendation") == "exit_planned"


def test_counted_findings_are_shown_once_each_in_the_how_chain(advisor):
    reasoning = advisor.engine.reason({**MINORS, "payment_behaviour": "sometimes_late", **WARNED})
    deciding = reasoning.deciding_firings("recommendation")
    assert {f.rule for f in deciding} == {"exit_planned.minor_problems_persist"}
    assert len(deciding) == 4, "one firing per combination of three of the four findings"
    joined = {i for firing in deciding for i in firing.findings}
    counted = [i for i in joined if reasoning.firings[i].conclusion.get("severity") == "minor"]
    assert len(counted) == 4
    result = advisor.assess(advisor.case({"answers": {**MINORS, **WARNED}}), explained=False)
    assert [f.rule for f in result.reasons()].count("exit_planned.minor_problems_persist") == 1


@pytest.fixture
def kb(tmp_path):
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    return tmp_path / "knowledge"


@pytest.mark.parametrize("count, message", [
    ("0", "'count' takes a whole number of at least 1 or {policy: NAME}"),
    ("two", "'count' takes a whole number of at least 1 or {policy: NAME}"),
    ("{policy: no_such_setting}", "'count' takes a whole number or {policy: NAME} (a number setting of policy.yaml)"),
])
def test_a_bad_count_is_one_located_error(kb, count, message):
    path = kb / "rules" / "recommendation.yaml"
    text = path.read_text(encoding="utf-8")
    old = "count: {policy: minor_problems_to_part}"
    assert text.count(old) == 1
    path.write_text(text.replace(old, f"count: {count}"), encoding="utf-8")
    with pytest.raises(KnowledgeError) as error:
        load_knowledge(kb)
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "count:" in text)
    assert str(error.value) == f"knowledge/rules/recommendation.yaml:{line}: {message}"


def test_findings_that_add_up_are_partners_for_the_planner(advisor):
    partners = interactions(advisor.knowledge, [c.rule for c in advisor.engine.compiled.values()],
                            advisor.engine.policy)
    assert "poor_meeting_conditions" in partners["cancels_last_minute"]
    assert "poor_meeting_conditions" not in interactions(
        advisor.knowledge, [r for r in advisor.knowledge.rules if r.id != "exit_planned.minor_problems_persist"],
        advisor.engine.policy)["cancels_last_minute"], "only the count links them"


# -- 4: a legitimate complaint ----------------------------------------------------------------

def test_a_justified_complaint_from_a_core_client_brings_a_repair_plan(advisor):
    result = assessed(advisor, "legitimate-complaint-core-client")
    steps = result.next_steps()
    assert any("plan de réparation" in step and "remercier" in step for step in steps), steps
    assert "disrespect_of_expertise" not in dict(result.problems())
    without = advisor.assess(advisor.case({"answers": {"undermines_expertise": "private", "strategic_fit": "core",
                                                       "legitimate_complaint": False}}))
    assert without.verdict["recommendation"] == "address"
    assert not any("plan de réparation" in step for step in without.next_steps())


def test_a_justified_complaint_keeps_its_repair_plan_beside_the_clients_own_problems(advisor):
    result = assessed(advisor, "legitimate-complaint-and-late-payer")
    assert any("plan to put things right" in step for step in result.next_steps())


def test_the_complaint_question_is_asked_right_after_the_expertise_question(advisor):
    factors = list(advisor.knowledge.factors)
    assert factors.index("legitimate_complaint") == factors.index("undermines_expertise") + 1
    complaint = advisor.knowledge.factors["legitimate_complaint"]
    assert complaint.theme == advisor.knowledge.factors["undermines_expertise"].theme
    assert complaint.question("fr").endswith("?") and complaint.why("en")
    planner = Planner(advisor.engine)
    answers = {"undermines_expertise": "private", "strategic_fit": "core"}
    assert planner.asks("legitimate_complaint", answers)
    assert planner.matters("legitimate_complaint", answers) == ("verdict",)
    assert not planner.asks("legitimate_complaint", {"undermines_expertise": "no"})


# -- 6: no conclusion on nothing --------------------------------------------------------------

def test_a_warning_about_an_unnamed_problem_concludes_nothing_about_the_client(advisor):
    result = assessed(advisor, "warned-worsening-no-problem-named")
    statements = [advisor.knowledge.rule(f.rule).statement("fr") for f in result.reasons()]
    assert not any("rien fait de répréhensible" in s for s in statements), statements
    assert "le problème lui-même reste inconnu" in statements[0]
    problem_factors = {c.subject for r in advisor.knowledge.rules if r.concludes_finding
                       and advisor.knowledge.findings[r.conclusion["finding"]].category in advisor.knowledge.problem_categories
                       for c in r.conditions if c.kind == "answer"}
    assert result.unknown()[0] in problem_factors


# -- 8: unknowns that say what they would move ------------------------------------------------

def test_unknowns_say_what_they_could_change_recommendation_first(adieu, tmp_path):
    scenario = load_scenario(SCENARIOS / "breaches-history-unknown.yaml")
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(scenario["case"], allow_unicode=True), encoding="utf-8")
    done = adieu("assess", case, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    detail = result["unknown_detail"]
    assert all(isinstance(f, str) for f in result["unknown"]), "unknown stays a list of factor ids"
    assert result["unknown"] == list(dict.fromkeys(f for d in detail for f in d["factors"]))
    pair = next(d for d in detail if d["factors"] == ["issue_raised", "behaviour_trend"])
    assert pair == {"factors": ["issue_raised", "behaviour_trend"], "together": True,
                    "could_change": {"recommendation": ["exit_planned"]}}
    moves = ["recommendation" in d["could_change"] for d in detail]
    assert moves == sorted(moves, reverse=True), "those that could change the recommendation come first"


def test_an_unknown_that_only_moves_the_reconciliation_says_so_and_comes_last(advisor):
    answers = {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing",
               "behaviour_trend": "stable", "values_conflict": "none", "revenue_share": 5, "client_influence": "low"}
    result = advisor.assess(advisor.case({"answers": answers}))
    detail = result.to_dict()["unknown_detail"]
    only = [d for d in detail if set(d["could_change"]) == {"reconciliation"}]
    assert only and detail[-len(only):] == only, detail
    text = __import__("expert.report", fromlist=["render"]).render(result, "text")
    assert "(could change: reconciliation)" in text or "(pourrait changer : réconciliation)" in text


def test_the_checker_expands_a_count_into_that_many_distinct_findings(advisor):
    from expert.checker import Conditions
    conditions = Conditions(advisor.knowledge)
    terms = conditions.rule_terms(advisor.knowledge.rule("exit_planned.minor_problems_persist"))
    assert terms, "the rule can fire"
    minor = {c.subject for r in advisor.knowledge.rules if r.conclusion.get("severity") == "minor"
             for c in r.conditions if c.kind == "answer"}
    assert all(len(set(term) & minor) >= 3 for term in terms)
    case = conditions.case_of(terms[0])
    assert advisor.engine.reason(case).value("recommendation") == "exit_planned"


def test_the_memo_counts_a_justified_complaint_as_mitigating_not_as_something_tried(adieu, tmp_path):
    scenario = load_scenario(SCENARIOS / "legitimate-complaint-core-client.yaml")
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(scenario["case"], allow_unicode=True), encoding="utf-8")
    done = adieu("memo", case, "--date", "2025-03-03")
    assert done.returncode == 0, done.stderr
    mitigating = done.stdout.split("## Éléments atténuants")[1].split("## ")[0]
    assert "vrai manquement de votre part" in mitigating
    assert "vrai manquement" not in done.stdout.split("## Ce qui a déjà été tenté")[1].split("## ")[0]


def test_the_memo_says_which_unknowns_matter_only_together(adieu, tmp_path):
    scenario = load_scenario(SCENARIOS / "breaches-history-unknown.yaml")
    case = tmp_path / "case.yaml"
    case.write_text(yaml.safe_dump(scenario["case"], allow_unicode=True), encoding="utf-8")
    done = adieu("memo", case, "--date", "2025-03-03")
    assert done.returncode == 0, done.stderr
    unknowns = done.stdout.split("## What we do not know")[1].split("## ")[0]
    trend = next(line for line in unknowns.splitlines() if line.startswith("- Trend since then"))
    assert trend.endswith("Together with the answer to “Steps already taken”, the recommendation could become: "
                          "end the relationship on a planned timeline."), trend
