"""What every condition of a rule means, written once.

A rule's `when` is a list of conditions: `answer` conditions test one factor of the case with
an operator (`is`, `in`, `at_least`, `known`, `gt`, `gte`, `lt`, `lte`), `finding` conditions
match a finding concluded by another rule, and `red_line` holds when an answer crosses one of
the user's red lines. Each operator is one entry of ANSWER_TESTS, which says everything the
rest of the package needs: how it is read from YAML, how it holds on plain answers (the
interview's `ask_when`, the checker's reasoning), and how it compiles to a durable-rules test.
The values it allows (the checker) are derived from how it holds, and a threshold written
`{policy: NAME}` is resolved in one place (`limit`), from the policy given (whose defaults are
policy.yaml's). A new operator is one entry here and one row of tests/test_conditions.py.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass
from typing import Callable

from .errors import InvalidCondition as Invalid

CHOICE_TYPES = ("choice", "bool")
NUMBER_TYPES = ("number", "integer")


@dataclass(frozen=True)
class PolicyValue:
    """A threshold written {policy: NAME}: the number setting NAME of the policy in force."""

    name: str


@dataclass(frozen=True)
class Condition:
    """One test of a rule. kind is 'answer', 'finding' or 'red_line'.

    answer:  `subject` (a factor), `test` (a name of ANSWER_TESTS), `operand` (as that test
             read it: a tuple of values, a number or a PolicyValue), `or_unknown`.
    finding: `subject` (a finding id or 'any'), `severities`, `categories`, and `count`:
             at least that many distinct findings match (a number or a PolicyValue; None: one).
    """

    kind: str
    subject: str = ""
    test: str = ""
    operand: object = None
    or_unknown: bool = False
    severities: tuple | None = None
    categories: tuple | None = None
    count: object = None

    @property
    def compares(self) -> bool:
        """An answer condition that compares a number with a threshold."""
        return self.kind == "answer" and ANSWER_TESTS[self.test].threshold

    @property
    def holds_unanswered(self) -> bool:
        """An answer condition that holds when its factor is unanswered."""
        return self.kind == "answer" and (self.or_unknown or ANSWER_TESTS[self.test].unknown)


# -- the answer operators --------------------------------------------------------------------

@dataclass(frozen=True)
class AnswerTest:
    """One operator of answer conditions.

    types:     the factor types it applies to
    read:      (factor, operand as written, number settings) -> the operand kept, or Invalid
    holds:     (answered value, operand) -> bool; never called on an unanswered factor
    durable:   (field, operand) -> the durable-rules test of the case fact
    threshold: the operand is a number to compare with (may be {policy: NAME})
    unknown:   the condition holds only when the factor is unanswered
    """

    types: tuple
    read: Callable
    holds: Callable
    durable: Callable
    threshold: bool = False
    unknown: bool = False


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _same(a, b) -> bool:
    return a == b and type(a) is type(b)


def _check_values(factor, values):
    for value in values:
        if not any(_same(value, v) for v in factor.values):
            raise Invalid(f"'{_show(value)}' is not a value of {factor.id} "
                          f"(expected one of {', '.join(map(_show, factor.values))})")
    return tuple(values)


def _read_is(factor, operand, settings):
    return _check_values(factor, [operand])


def _read_in(factor, operand, settings):
    if not isinstance(operand, list):
        raise Invalid("'in' takes a list of values")
    return _check_values(factor, operand)


def _read_at_least(factor, operand, settings):
    _check_values(factor, [operand])
    if not factor.ordered:
        raise Invalid(f"'at_least' needs an ordered factor; {factor.id} is not")
    return tuple(factor.values[factor.values.index(operand):])


def _read_known(factor, operand, settings):
    if operand is not False:
        raise Invalid("write 'known: false' to test an unanswered factor")
    return False


def _comparison(name: str):
    def read(factor, operand, settings):
        if isinstance(operand, dict):
            setting = settings.get(operand.get("policy"))
            if set(operand) != {"policy"} or setting is None or setting.type != "number":
                raise Invalid(f"'{name}' compares with a number or {{policy: NAME}} "
                              f"(a number setting of policy.yaml)")
            return PolicyValue(setting.id)
        if not isinstance(operand, (int, float)) or isinstance(operand, bool):
            raise Invalid(f"'{name}' compares with a number or {{policy: NAME}}")
        return operand
    return read


def _in_values(value, values) -> bool:
    return any(_same(value, v) for v in values)


def _equal_to_one(field: str, values) -> dict:
    return _any([{field: value} for value in values])


def _compare(name: str, python, durable_name: str) -> AnswerTest:
    return AnswerTest(NUMBER_TYPES, _comparison(name), python,
                      lambda field, limit: {durable_name: {field: limit}}, threshold=True)


ANSWER_TESTS = {
    "is": AnswerTest(CHOICE_TYPES, _read_is, _in_values, _equal_to_one),
    "in": AnswerTest(CHOICE_TYPES, _read_in, _in_values, _equal_to_one),
    "at_least": AnswerTest(CHOICE_TYPES, _read_at_least, _in_values, _equal_to_one),
    "known": AnswerTest(CHOICE_TYPES + NUMBER_TYPES, _read_known, lambda value, operand: False,
                        lambda field, operand: _unanswered(field), unknown=True),
    "gt": _compare("gt", operator.gt, "$gt"),
    "gte": _compare("gte", operator.ge, "$gte"),
    "lt": _compare("lt", operator.lt, "$lt"),
    "lte": _compare("lte", operator.le, "$lte"),
}


def read_answer(factor, raw: dict, settings: dict) -> Condition:
    """An answer condition as written in YAML ({answer: FACTOR, TEST: OPERAND, or_unknown}),
    checked against the factor it tests; raises Invalid (with the key at fault)."""
    tests = [key for key in raw if key not in ("answer", "or_unknown")]
    if len(tests) != 1:
        raise Invalid(f"an answer condition has exactly one test ({', '.join(ANSWER_TESTS)})")
    name = tests[0]
    test = ANSWER_TESTS.get(name)
    if test is None:
        raise Invalid(f"unknown test '{name}' (expected one of {', '.join(ANSWER_TESTS)})", key=name)
    or_unknown = raw.get("or_unknown", False)
    if not isinstance(or_unknown, bool):
        raise Invalid("or_unknown is true or false", key="or_unknown")
    if factor.type not in test.types:
        kinds = " or ".join(sorted({"choice or bool" if t in CHOICE_TYPES else "number" for t in test.types}))
        raise Invalid(f"'{name}' needs a {kinds} factor; {factor.id} is a {factor.type}", key=name)
    try:
        operand = test.read(factor, raw[name], settings)
    except Invalid as error:
        raise Invalid(error.message, key=name) from None
    return Condition("answer", factor.id, name, operand, or_unknown=or_unknown and not test.unknown)


def limit(condition: Condition, policy):
    """The number an answer condition compares with, under this policy (None: no threshold)."""
    if not condition.compares:
        return None
    operand = condition.operand
    return policy.number(operand.name) if isinstance(operand, PolicyValue) else operand


def holds(condition: Condition, answers: dict, policy) -> bool:
    """An answer condition on plain answers (factor -> value; unanswered factors left out):
    the same meaning as its durable-rules form."""
    value = answers.get(condition.subject)
    test = ANSWER_TESTS[condition.test]
    if value is None:
        return test.unknown or condition.or_unknown
    operand = limit(condition, policy) if test.threshold else condition.operand
    return test.holds(value, operand)


def allowed(condition: Condition, domain, policy) -> frozenset:
    """The values of `domain` (None: unanswered) for which the answer condition holds."""
    return frozenset(v for v in domain if holds(condition, {} if v is None else {condition.subject: v}, policy))


def durable_test(condition: Condition, policy) -> dict:
    """The answer condition as a durable-rules test of the case fact."""
    test = ANSWER_TESTS[condition.test]
    operand = limit(condition, policy) if test.threshold else condition.operand
    tests = [test.durable(condition.subject, operand)]
    if condition.or_unknown:
        tests.append(_unanswered(condition.subject))
    return _any(tests)


# -- finding conditions ----------------------------------------------------------------------

FINDING_KEYS = ("finding", "severity", "at_least", "category", "count")


def read_finding(raw: dict, findings: dict, severities: tuple, categories: dict, unrated: tuple,
                 settings: dict | None = None) -> Condition:
    """A finding condition as written ({finding: ID or any, severity | at_least, category,
    count}); `unrated` are the categories whose findings carry no severity, `settings` the
    policy's (for `count: {policy: NAME}`). Raises Invalid."""
    subject = raw["finding"]
    if subject != "any" and subject not in findings:
        raise Invalid(f"unknown finding '{subject}'", key="finding")
    extra = sorted(set(raw) - set(FINDING_KEYS))
    if extra:
        raise Invalid(f"unknown key '{extra[0]}' in a finding condition", key=extra[0])
    if "severity" in raw and "at_least" in raw:
        raise Invalid("use 'severity' or 'at_least', not both")
    chosen = None
    for key in ("severity", "at_least"):
        if key in raw:
            if raw[key] not in severities:
                raise Invalid(f"severity must be one of {', '.join(severities)}", key=key)
            if subject != "any" and findings[subject].category in unrated:
                raise Invalid(f"'{subject}' has no severity", key=key)
            chosen = (raw[key],) if key == "severity" else severities[severities.index(raw[key]):]
    wanted = None
    if "category" in raw:
        wanted = raw["category"] if isinstance(raw["category"], list) else [raw["category"]]
        for category in wanted:
            if category not in categories:
                raise Invalid(f"unknown category '{category}'", key="category")
        wanted = tuple(wanted)
    count = _read_count(raw["count"], settings or {}) if "count" in raw else None
    return Condition("finding", subject, severities=chosen, categories=wanted, count=count)


def _read_count(operand, settings: dict):
    """`count: N` or `count: {policy: NAME}`: at least that many distinct matching findings."""
    if isinstance(operand, dict):
        setting = settings.get(operand.get("policy"))
        if set(operand) != {"policy"} or setting is None or setting.type != "number":
            raise Invalid("'count' takes a whole number or {policy: NAME} (a number setting of policy.yaml)",
                          key="count")
        return PolicyValue(setting.id)
    if not isinstance(operand, int) or isinstance(operand, bool) or operand < 1:
        raise Invalid("'count' takes a whole number of at least 1 or {policy: NAME}", key="count")
    return operand


def count_of(condition: Condition, policy) -> int:
    """How many distinct findings a finding condition needs under this policy (1 without `count`)."""
    count = condition.count
    if isinstance(count, PolicyValue):
        count = policy.number(count.name)
    return max(1, math.ceil(count)) if count is not None else 1


def matches(condition: Condition, name: str, severity, category: str) -> bool:
    """Does a finding concluded as (name, severity, category) satisfy this finding condition?"""
    return (condition.subject in ("any", name)
            and (condition.severities is None or severity in condition.severities)
            and (condition.categories is None or category in condition.categories))


def durable_finding_test(condition: Condition, fact_type: str) -> dict:
    """The finding condition as a durable-rules test of a finding fact (the same as `matches`)."""
    tests = [{"t": fact_type}]
    if condition.subject != "any":
        tests.append({"name": condition.subject})
    if condition.severities is not None:
        tests.append(_any([{"severity": s} for s in condition.severities]))
    if condition.categories is not None:
        tests.append(_any([{"category": c} for c in condition.categories]))
    return _all(tests)


# -- red lines -------------------------------------------------------------------------------

def crossing(factors: dict, red_lines) -> list:
    """(factor, values that cross the line) for each red line (factor, first value refused)."""
    return [(factor, tuple(factors[factor].values[factors[factor].values.index(first):]))
            for factor, first in red_lines]


def any_crossing(factors: dict) -> list:
    """What a red line a user may set can refuse: any value past the best of an ordered factor."""
    return [(factor.id, tuple(factor.values[1:])) for factor in factors.values() if factor.ordered]


def durable_red_line(factors: dict, red_lines) -> dict | None:
    """The red-line condition as a durable-rules test of the case fact (None: no red lines)."""
    tests = [{factor: value} for factor, values in crossing(factors, red_lines) for value in values]
    return _any(tests) if tests else None


# -- durable-rules' dict form ----------------------------------------------------------------

def _unanswered(field: str) -> dict:
    return {"$nex": {field: 1}}


def _any(tests: list) -> dict:
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _all(tests: list) -> dict:
    return tests[0] if len(tests) == 1 else {"$and": tests}
