"""The engine is generic and never fails silently, whatever durable-rules does underneath."""

from __future__ import annotations

import itertools
import json
import resource
import shutil
import threading
from pathlib import Path

import pytest

from expert.advisor import Advisor
from expert.compiler import compile_rules
from expert.engine import Engine
from expert.errors import EngineError
from expert.knowledge import load_knowledge

TINY = Path(__file__).resolve().parent / "fixtures" / "tiny-knowledge"


def test_another_rule_base_runs_on_the_same_engine():
    advisor = Advisor(TINY)
    assert advisor.engine.reason({"frost": True}).verdict == (("advice", "wait"),)
    assert advisor.engine.reason({"frost": False}).verdict == (("advice", "sow"),)
    assert advisor.engine.reason({}).verdict == (("advice", "sow"),)


def test_trace_records_rules_in_firing_order_with_what_they_matched():
    reasoning = Advisor(TINY).engine.reason({"frost": True})
    assert [f.rule for f in reasoning.firings] == ["cold.frost", "advice.sow", "advice.wait"]
    wait = reasoning.firings[2]
    assert wait.findings == (0,), "advice.wait matched the finding concluded at step 0"
    assert reasoning.firings[0].answers == (("frost", True),)


def test_an_exception_inside_an_action_fails_the_assessment():
    """durable-rules would swallow it into its state; the engine must not. Here asserting the
    finding that cold.frost concludes raises (the case itself is asserted as usual)."""
    engine = Advisor(TINY).engine
    assert_fact, start, complete, delete = engine._calls
    calls = []

    def exploding_after_the_case(text):
        calls.append(text)
        if len(calls) > 1:
            raise RuntimeError("boom")
        return assert_fact(text)

    engine._calls = (exploding_after_the_case, start, complete, delete)
    with pytest.raises(EngineError, match=r"rule cold.frost: RuntimeError: boom"):
        engine.reason({"frost": True})


def test_equal_priorities_with_different_verdicts_are_a_reported_conflict(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(TINY, root)
    rules = root / "rules" / "garden.yaml"
    rules.write_text(rules.read_text().replace("then: {advice: wait, priority: 10}",
                                               "then: {advice: wait, priority: 0}"))
    # The checker refuses such a rule base at load; a user policy can still create one at run time.
    with pytest.raises(EngineError, match="advice.sow, advice.wait conclude different advices .* priority 0"):
        Advisor(knowledge=load_knowledge(root)).engine.reason({"frost": True})


def test_a_case_no_rule_concludes_is_an_error_not_a_silent_default(tmp_path):
    root = tmp_path / "kb"
    shutil.copytree(TINY, root)
    rules = root / "rules" / "garden.yaml"
    rules.write_text(rules.read_text().replace("    when: []\n", "    when:\n      - {answer: frost, is: false}\n"))
    with pytest.raises(EngineError, match="no rule concluded the advice"):
        Advisor(knowledge=load_knowledge(root)).engine.reason({})


def test_tiny_exponent_numbers_reach_durable_rules_in_plain_digits(advisor):
    assert advisor.engine.reason({"revenue_share": 1e-05}).value("recommendation") == "keep"


def test_many_cases_in_a_row_keep_memory_flat(advisor):
    engine = Engine(advisor.knowledge, advisor.policy)

    def run(count, offset):
        for i in range(count):  # distinct answers, so the cache does not hide the engine
            engine.reason({"revenue_share": (offset + i) % 10_000 / 100, "payment_behaviour": "often_late",
                           "issue_raised": "warned_in_writing", "behaviour_trend": "stable"})

    run(3000, 0)  # beyond durable-rules' 1,024 live sids: states are deleted after each case
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run(6000, 3000)
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 20_000, f"peak memory grew by {grown_kib} KiB over 6,000 more cases"


def test_every_firing_is_an_activation_durable_rules_gave(advisor):
    """The trace is durable-rules' own order of activations, each read back to its rule."""
    engine = Engine(advisor.knowledge, advisor.policy)
    assert_fact, start, complete, delete = engine._calls
    taken = []

    def starting(state):
        started = start(state)
        taken.append(started[1] if started else None)
        return started

    def completing(state):
        taken.append(complete(state))
        return taken[-1]

    engine._calls = (assert_fact, starting, completing, delete)
    reasoning = engine.reason({"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"})
    names = [json.loads(activation).popitem()[0] for activation in taken if activation]
    rule_ids = {name: rule["run"] for name, rule in compile_rules(advisor.knowledge, advisor.policy)[0].items()}
    assert [firing.rule for firing in reasoning.firings] == [rule_ids[name] for name in names]
    assert len(names) > 5 and taken[-1] is None, "every activation taken, until none was left"


def test_an_activation_of_a_rule_the_engine_does_not_know_is_an_error(advisor):
    engine = Engine(advisor.knowledge, advisor.policy)
    assert_fact, start, complete, delete = engine._calls

    def forged(state):
        start(state)
        return (0, '{"stranger":{"c":{"t":"case"}}}')

    engine._calls = (assert_fact, forged, complete, delete)
    with pytest.raises(EngineError, match="durable-rules fired 'stranger', which is not a rule of this rule base"):
        engine.reason({"payment_behaviour": "unpaid_invoices"})


def test_the_engine_starts_no_thread(advisor):
    threads = threading.active_count()
    Engine(advisor.knowledge, advisor.policy).reason({"payment_behaviour": "unpaid_invoices"})
    assert threading.active_count() == threads, "durable-rules' Host timer threads would race the engine"


def test_an_untraced_reasoning_gives_the_same_verdict_and_refuses_to_explain(advisor):
    engine = Engine(advisor.knowledge, advisor.policy)
    answers = {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"}
    lean = engine.reason(answers, traced=False)
    assert not lean.traced and all(f.findings is None for f in lean.firings)
    full = engine.reason(answers)
    assert full.traced, "an untraced reasoning in the cache does not answer a traced request"
    assert (lean.verdict, [f.rule for f in lean.firings]) == (full.verdict, [f.rule for f in full.firings])
    assert engine.reason(answers, traced=False) is full, "a traced reasoning serves both"
    with pytest.raises(EngineError, match="without its trace"):
        lean.require_trace()


def test_a_closed_engine_refuses_to_reason_instead_of_crashing(advisor):
    engine = Engine(advisor.knowledge, advisor.policy)
    engine.close()
    with pytest.raises(EngineError, match="closed"):
        engine.reason({"payment_behaviour": "unpaid"})


def test_the_shipped_rule_base_loads_from_the_package_fallback():
    knowledge = load_knowledge()
    assert knowledge.root.name == "knowledge"
    assert len(knowledge.rules) >= 40


def test_a_rule_joining_any_finding_fires_once_per_case_and_records_every_finding(advisor):
    """`finding: any` joins a group asserted once per case, not each finding: one firing,
    whose trace names every matching finding (it used to fire once per finding)."""
    answers = {"payment_behaviour": "often_late", "abusive_to_staff": "rude", "contract_breaches": "minor",
               "issue_raised": "not_yet"}
    answers = advisor.case({"answers": answers}).answers   # a valid case
    grouped = Engine(advisor.knowledge, advisor.policy).reason(answers)
    per_finding = Engine(advisor.knowledge, advisor.policy, group_any=False).reason(answers)
    assert grouped.verdict == per_finding.verdict
    assert {f.rule for f in grouped.firings} == {f.rule for f in per_finding.firings}
    joiners = [r.id for r in advisor.knowledge.rules
               if any(c.kind == "finding" and c.subject == "any" for c in r.conditions)]
    fired = [f for f in grouped.firings if f.rule in joiners]
    assert fired and len({f.rule for f in fired}) == len(fired), "each such rule fires once"
    assert len(per_finding.firings) > len(grouped.firings)
    for firing in fired:
        before = {i for f in per_finding.firings if f.rule == firing.rule for i in f.findings}
        names = lambda reasoning, indexes: {reasoning.firings[i].conclusion["finding"] for i in indexes}
        assert names(grouped, firing.findings) == names(per_finding, before)


# A case of the generated million-client book whose fourth finding durable-rules refused as
# "already stored" under session id 463144 (its facts all differ: two of their ids hashed
# alike in the C engine's 32-bit index). Found by benchmarks/memory.py.
COLLIDING = {"payment_behaviour": "often_late", "disputes_charges": True, "discount_pressure": True,
             "abusive_to_staff": "rude", "team_morale_impact": "severe", "undermines_expertise": "private",
             "legitimate_complaint": False, "communication": "poor", "cancels_last_minute": False,
             "unrealistic_deadlines": False, "poor_meeting_conditions": True, "unpaid_extra_work": False,
             "contract_breaches": "minor", "values_conflict": "different_goals", "brings_referrals": True,
             "issue_raised": "not_yet", "client_influence": "high", "notice_period_days": 366,
             "work_in_progress": False, "revenue_share": 11.43, "relationship_years": 53}


def test_a_fact_whose_id_hashes_like_another_is_still_stored(advisor):
    """The same verdict whatever the session id: a hash collision is not the case's fault."""
    engine = Engine(advisor.knowledge, advisor.policy)
    try:
        engine.cache_size = 0
        expected = engine.reason(COLLIDING, traced=True)
        engine._sids = itertools.count(463144)   # the session id under which it collided
        collided = engine.reason(COLLIDING, traced=True)
        assert collided.verdict == expected.verdict
        assert [f.rule for f in collided.firings] == [f.rule for f in expected.firings]
    finally:
        engine.close()


def test_a_refused_fact_is_asserted_again_under_an_id_of_its_own():
    from expert import durable_adapter as durable

    seen = []

    def assert_fact(text):   # the C engine's answer: the first key taken, the next one free
        seen.append(text)
        return (durable.OBSERVED if len(seen) == 1 else durable.STORED, 0)

    assert durable.assert_anew(assert_fact, '{"n":3,"sid":"7"}', "7.3") == (durable.STORED, 0)
    assert seen == ['{"id":"7.3~1","n":3,"sid":"7"}', '{"id":"7.3~2","n":3,"sid":"7"}']


def test_cases_no_rule_reads_leave_no_state_behind(tmp_path):
    """durable-rules keeps at most 1,024 states: a case no rule reads (here: frost unknown,
    when every rule asks about it) has one too, and was never deleted, so a long review of such
    cases ran out of states."""
    from expert.policy import default_policy

    root = tmp_path / "kb"
    shutil.copytree(TINY, root)
    rules = root / "rules" / "garden.yaml"
    rules.write_text(rules.read_text().replace("    when: []\n", "    when:\n      - {answer: frost, is: false}\n"))
    knowledge = load_knowledge(root)
    engine = Engine(knowledge, default_policy(knowledge))
    for _ in range(1_100):
        with pytest.raises(EngineError, match="no rule concluded the advice"):
            engine.reason({})
    assert engine.reason({"frost": True}).verdict == (("advice", "wait"),)
