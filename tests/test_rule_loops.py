"""Rule-base loops: the checker names them, and the engine bounds the firings of one case.

A rule that concludes a finding its own conditions need (or two rules that need each other's
findings) used to make every command loop forever while memory grew.
"""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT, run_adieu
from expert.checker import check
from expert.engine import Engine
from expert.errors import EngineError
from expert.knowledge import load_knowledge
from expert.policy import default_policy

RULE = """
  - id: {id}
    statement: {{fr: "Boucle.", en: "Loop."}}
    when:
      - {{finding: {needs}}}
    then: {{finding: {concludes}, severity: minor}}
    sources:
      - source: virer-mauvais-clients
        passage: "ils annulent les rendez-vous au dernier moment"
"""


def rule_base(tmp_path, *rules, limit=None):
    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    with open(root / "rules" / "findings.yaml", "a", encoding="utf-8") as handle:
        for rule_id, needs, concludes in rules:
            handle.write(RULE.format(id=rule_id, needs=needs, concludes=concludes))
    if limit is not None:
        (root / "engine.yaml").write_text(f"max_firings_per_case: {limit}\n", encoding="utf-8")
    return root


def test_a_rule_that_needs_its_own_finding_is_a_self_loop(tmp_path):
    root = rule_base(tmp_path, ("loop.itself", "payment_risk", "payment_risk"))
    problems = [str(p) for p in check(root, search=False).problems]
    assert len(problems) == 1
    assert problems[0].startswith("knowledge/rules/findings.yaml:")
    assert "rule 'loop.itself' concludes finding 'payment_risk', which its own conditions need" in problems[0]


def test_two_rules_that_need_each_other_are_named_with_their_places(tmp_path):
    root = rule_base(tmp_path, ("loop.first", "poor_collaboration", "disrespect_of_expertise"),
                     ("loop.second", "disrespect_of_expertise", "poor_collaboration"))
    problems = [str(p) for p in check(root, search=False).problems]
    loops = [p for p in problems if "in a loop" in p]
    assert len(loops) == 1, problems
    assert "'loop.first' (knowledge/rules/findings.yaml:" in loops[0]
    assert "'loop.second' (knowledge/rules/findings.yaml:" in loops[0]
    assert "needed by 'loop.second'" in loops[0] and "needed by 'loop.first'" in loops[0]


def test_knowledge_check_and_every_command_refuse_a_looping_rule_base_at_once(tmp_path):
    root = rule_base(tmp_path, ("loop.itself", "payment_risk", "payment_risk"))
    for command in (["knowledge", "check", root], ["--knowledge", root, "assess", ROOT / "examples" / "late-payer.yaml"]):
        done = run_adieu(*command, timeout=60)
        assert done.returncode == 2, done.stderr
        assert "which its own conditions need: it would fire forever" in done.stderr
        assert "Traceback" not in done.stderr


def test_the_shipped_rule_base_has_no_loop():
    assert not [p for p in check(search=False).problems if "fire forever" in p.message]


@pytest.mark.parametrize("limit", [5, 100])
def test_the_engine_stops_a_case_past_the_firing_limit_of_the_data(tmp_path, limit):
    root = rule_base(tmp_path, ("loop.itself", "payment_risk", "payment_risk"), limit=limit)
    knowledge = load_knowledge(root)  # loading does not check: the loop reaches the engine on purpose
    engine = Engine(knowledge, default_policy(knowledge))
    assert engine.max_firings == limit
    with pytest.raises(EngineError) as stopped:
        engine.reason({"payment_behaviour": "sometimes_late"})
    assert f"more than {limit:,} rule firings for one case (the limit set in engine.yaml)" in str(stopped.value)


def test_a_normal_case_stays_far_below_the_shipped_limit():
    knowledge = load_knowledge()
    engine = Engine(knowledge, default_policy(knowledge))
    reasoning = engine.reason({"payment_behaviour": "unpaid_invoices", "abusive_to_staff": "abusive"})
    assert len(reasoning.firings) < engine.max_firings / 10


def test_a_bad_firing_limit_is_refused_with_its_line(tmp_path):
    root = rule_base(tmp_path)
    (root / "engine.yaml").write_text("# limit\nmax_firings_per_case: 0\n", encoding="utf-8")
    done = run_adieu("--knowledge", root, "assess", ROOT / "examples" / "late-payer.yaml", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().endswith("engine.yaml:2: max_firings_per_case: expected a whole number from 1 to "
                                        "1,000,000 (the most rule firings one case may take)")
