"""Every condition operator, one table: what it reads, when it holds in Python, and that its
durable-rules form says the same on the same answers; the checker's allowed values follow.

A new operator in expert/conditions.py gets its rows here.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from expert import conditions
from expert.conditions import ANSWER_TESTS, PolicyValue
from expert.errors import InvalidCondition as Invalid
from expert.durable_adapter import Ruleset

LEVEL = SimpleNamespace(id="level", type="choice", values=("low", "mid", "high"), ordered=True)
FLAG = SimpleNamespace(id="flag", type="bool", values=(True, False), ordered=False)
SHARE = SimpleNamespace(id="share", type="number", values=(), ordered=False)
SETTINGS = {"cap": SimpleNamespace(id="cap", type="number")}
POLICY = SimpleNamespace(number={"cap": 10}.__getitem__)

# operator, factor, operand as written, or_unknown, answer (None: unanswered), holds
TABLE = [
    ("is", LEVEL, "mid", False, "mid", True),
    ("is", LEVEL, "mid", False, "high", False),
    ("is", LEVEL, "mid", False, None, False),
    ("is", LEVEL, "mid", True, None, True),
    ("is", FLAG, True, False, True, True),
    ("is", FLAG, True, False, False, False),
    ("in", LEVEL, ["low", "high"], False, "high", True),
    ("in", LEVEL, ["low", "high"], False, "mid", False),
    ("at_least", LEVEL, "mid", False, "high", True),
    ("at_least", LEVEL, "mid", False, "mid", True),
    ("at_least", LEVEL, "mid", False, "low", False),
    ("known", LEVEL, False, False, None, True),
    ("known", LEVEL, False, False, "low", False),
    ("known", SHARE, False, False, 3, False),
    ("gt", SHARE, 5, False, 6, True),
    ("gt", SHARE, 5, False, 5, False),
    ("gt", SHARE, 5, True, None, True),
    ("gte", SHARE, 5, False, 5, True),
    ("gte", SHARE, 5, False, 4.5, False),
    ("lt", SHARE, 5, False, 4, True),
    ("lt", SHARE, 5, False, 5, False),
    ("lte", SHARE, 5, False, 5, True),
    ("lte", SHARE, 5, False, 6, False),
    ("gt", SHARE, {"policy": "cap"}, False, 11, True),
    ("gt", SHARE, {"policy": "cap"}, False, 10, False),
    ("lte", SHARE, {"policy": "cap"}, False, None, False),
]


def _condition(name, factor, operand, or_unknown):
    raw = {"answer": factor.id, name: operand}
    if or_unknown:
        raw["or_unknown"] = True
    return conditions.read_answer(factor, raw, SETTINGS)


@pytest.fixture(scope="module")
def durable():
    """One durable-rules rule per row of the table, each matching the case fact only."""
    definition = {}
    for number, (name, factor, operand, or_unknown, _, _) in enumerate(TABLE):
        test = conditions.durable_test(_condition(name, factor, operand, or_unknown), POLICY)
        definition[f"r{number}"] = {"all": [{"c": {"$and": [{"t": "case"}, {"row": number}, test]}}],
                                    "run": f"r{number}"}
    definition["sink"] = {"all": [{"c": {"t": "case"}}, {"x": {"t": "never"}}], "run": "sink"}
    ruleset = Ruleset("operators", definition)
    yield ruleset
    ruleset.close()


@pytest.mark.parametrize("row", range(len(TABLE)), ids=[f"{r[0]}-{r[4]}-{r[5]}" for r in TABLE])
def test_each_operator_means_the_same_in_python_and_in_durable_rules(row, durable):
    name, factor, operand, or_unknown, answer, expected = TABLE[row]
    condition = _condition(name, factor, operand, or_unknown)
    answers = {} if answer is None else {factor.id: answer}
    assert conditions.holds(condition, answers, POLICY) is expected
    fired = durable.fired({"t": "case", "sid": str(row), "row": row, **answers}, str(row))
    assert (f"r{row}" in fired) is expected, json.dumps(conditions.durable_test(condition, POLICY))


@pytest.mark.parametrize("row", range(len(TABLE)))
def test_the_checker_allows_exactly_the_answers_for_which_a_condition_holds(row):
    name, factor, operand, or_unknown, answer, expected = TABLE[row]
    condition = _condition(name, factor, operand, or_unknown)
    domain = (None,) + (factor.values or (answer if answer is not None else 0,))
    allowed = conditions.allowed(condition, domain, POLICY)
    assert (answer in allowed) is expected or answer not in domain


def test_every_operator_has_rows_in_the_table():
    assert {row[0] for row in TABLE} == set(ANSWER_TESTS)


def test_a_threshold_from_the_policy_is_read_from_the_policy_in_force():
    condition = _condition("gt", SHARE, {"policy": "cap"}, False)
    assert condition.operand == PolicyValue("cap")
    assert conditions.limit(condition, POLICY) == 10
    assert conditions.limit(condition, SimpleNamespace(number={"cap": 20}.__getitem__)) == 20


@pytest.mark.parametrize("name, factor, operand, message", [
    ("is", LEVEL, "top", "'top' is not a value of level (expected one of low, mid, high)"),
    ("in", LEVEL, "low", "'in' takes a list of values"),
    ("at_least", FLAG, True, "'at_least' needs an ordered factor; flag is not"),
    ("known", LEVEL, True, "write 'known: false' to test an unanswered factor"),
    ("gt", LEVEL, 3, "'gt' needs a number factor; level is a choice"),
    ("is", SHARE, 3, "'is' needs a choice or bool factor; share is a number"),
    ("gt", SHARE, {"policy": "nope"}, "'gt' compares with a number or {policy: NAME} (a number setting of policy.yaml)"),
    ("lt", SHARE, "3", "'lt' compares with a number or {policy: NAME}"),
    ("near", SHARE, 3, "unknown test 'near'"),
])
def test_a_condition_written_wrongly_says_what_was_expected(name, factor, operand, message):
    with pytest.raises(Invalid) as error:
        conditions.read_answer(factor, {"answer": factor.id, name: operand}, SETTINGS)
    assert error.value.message.startswith(message)


FINDINGS = {"late": SimpleNamespace(category="payment"), "notice": SimpleNamespace(category="risk")}


@pytest.mark.parametrize("raw, concluded, expected", [
    ({"finding": "late"}, ("late", "high", "payment"), True),
    ({"finding": "late"}, ("rude", "high", "payment"), False),
    ({"finding": "any"}, ("rude", "low", "conduct"), True),
    ({"finding": "any", "at_least": "mid"}, ("rude", "low", "conduct"), False),
    ({"finding": "any", "at_least": "mid"}, ("rude", "high", "conduct"), True),
    ({"finding": "late", "severity": "mid"}, ("late", "high", "payment"), False),
    ({"finding": "any", "category": ["payment", "risk"]}, ("notice", None, "risk"), True),
    ({"finding": "any", "category": "payment"}, ("notice", None, "risk"), False),
])
def test_a_finding_condition_matches_in_python_as_it_compiles(raw, concluded, expected):
    condition = conditions.read_finding(raw, FINDINGS, ("low", "mid", "high"),
                                        {"payment": 0, "risk": 0, "conduct": 0}, ("risk",))
    assert conditions.matches(condition, *concluded) is expected
    name, severity, category = concluded
    definition = {"r": {"all": [{"f": conditions.durable_finding_test(condition, "f")}], "run": "r"},
                  "sink": {"all": [{"f": {"t": "f"}}, {"x": {"t": "never"}}], "run": "sink"}}
    ruleset = Ruleset("findings", definition)
    try:
        fired = ruleset.fired({"t": "f", "sid": "1", "name": name, "severity": severity, "category": category}, "1")
    finally:
        ruleset.close()
    assert ("r" in fired) is expected
