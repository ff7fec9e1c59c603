"""Every scenario written from the articles gets its expected verdict, via the API and the CLI."""

from __future__ import annotations

import json

import pytest
import yaml

from expert.advisor import Advisor
from expert.policy import load_policy
from scenario_files import load_scenario, scenario_paths

PATHS = scenario_paths()


def advisor_for(scenario: dict, base: Advisor, tmp_path) -> Advisor:
    if "policy" not in scenario:
        return base
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(scenario["policy"]), encoding="utf-8")
    return Advisor(knowledge=base.knowledge, policy=load_policy(base.knowledge, policy_file))


def test_there_are_at_least_24_scenarios_each_citing_a_passage(knowledge):
    assert len(PATHS) >= 24
    for path in PATHS:
        scenario = load_scenario(path)
        assert scenario["source"]["source"] in knowledge.sources, path.name
        assert scenario["source"]["passage"].strip(), path.name
        assert set(scenario["expect"]) == set(knowledge.outcomes), path.name


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_scenario_verdict_through_the_python_api(path, advisor, tmp_path):
    scenario = load_scenario(path)
    assessor = advisor_for(scenario, advisor, tmp_path)
    result = assessor.assess(assessor.case(scenario["case"], str(path)))
    assert result.verdict == scenario["expect"]
    assert result.reasons(), "a verdict always comes with reasons"
    check_details(scenario, result)


def check_details(scenario: dict, result):
    """The optional expectations of a scenario, besides its verdict:
    expect_reasons       the rules of the first reasons, in order (the deciding ones first);
    expect_not_reasons   rules that must not be among the reasons;
    expect_unknown_first the first unknowns, in order (those that could change the
                         recommendation come first);
    expect_unknown_together  pairs of unknowns that matter only together."""
    rules = [firing.rule for firing in result.reasons()]
    expected = scenario.get("expect_reasons", [])
    assert rules[:len(expected)] == expected, rules
    assert not set(scenario.get("expect_not_reasons", [])) & set(rules), rules
    first = scenario.get("expect_unknown_first", [])
    assert result.unknown()[:len(first)] == first, result.unknown()
    pairs = [list(u.factors) for u in result.unknowns if len(u.factors) > 1]
    for pair in scenario.get("expect_unknown_together", []):
        assert pair in pairs, pairs


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_scenario_verdict_through_the_cli(path, adieu, tmp_path):
    scenario = load_scenario(path)
    case_file = tmp_path / "case.yaml"
    case_file.write_text(yaml.safe_dump(scenario["case"], allow_unicode=True), encoding="utf-8")
    args = ["assess", case_file, "--format", "json"]
    if "policy" in scenario:
        policy_file = tmp_path / "policy.yaml"
        policy_file.write_text(yaml.safe_dump(scenario["policy"]), encoding="utf-8")
        args += ["--policy", policy_file]
    done = adieu(*args)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert {key: result[key] for key in scenario["expect"]} == scenario["expect"]
    for reason in result["reasons"]:
        assert reason["sources"], f"reason {reason['rule']} cites no article"


def test_every_rule_fires_in_some_scenario(advisor, tmp_path):
    fired = set()
    for path in PATHS:
        scenario = load_scenario(path)
        assessor = advisor_for(scenario, advisor, tmp_path)
        result = assessor.assess(assessor.case(scenario["case"], str(path)), explained=False)
        fired.update(firing.rule for firing in result.reasoning.firings)
    never = sorted(rule.id for rule in advisor.knowledge.rules if rule.id not in fired)
    assert never == [], f"rules no scenario exercises: {never}"
