"""Compile the rule base into durable-rules ruleset definitions (its dict form).

Facts seen by durable-rules:
  the case:   {"t": "case", FACTOR: VALUE, ...}   one per assessment, answered factors only
  a finding:  {"t": "f", "name", "severity", "category", "n"}   asserted by rule actions;
              `n` (its position in the trace) keeps two identical conclusions distinct,
              since durable-rules rejects a fact equal to one it already holds.
Policy values are substituted here, so a ruleset is compiled once per policy.
A finding condition with `count: N` becomes N finding patterns, each with a larger `n`
than the one before: N distinct findings, matched once per combination rather than once
per ordering.
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

from .knowledge import Condition, Knowledge, Rule
from .policy import Policy

CASE = "case"
FINDING = "f"
SINK = "__every_finding"
NEVER = "__never"      # a fact type that is never asserted
RESERVED = ("t", "sid", "id", "$s")
LAYER_ORDER = {"finding": 1, "context": 2}  # durable `pri`: earlier layers fire first
OPERATORS = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    definition: dict
    case_binding: str | None      # binding name of the case fact, if the rule reads answers
    finding_bindings: tuple       # binding names of the findings it joins, in condition order
    factors: tuple                # the factors its answer conditions read


def compile_rules(knowledge: Knowledge, policy: Policy) -> tuple[dict, dict, tuple]:
    """Return (ruleset definition, compiled rules by id, ids of rules that cannot fire).

    A rule cannot fire under this policy when it tests the policy's red lines and there are
    none; it is left out of the ruleset rather than compiled into an impossible test.
    """
    definition, compiled, inactive = {}, {}, []
    for rule in knowledge.rules:
        piece = compile_rule(rule, knowledge, policy)
        if piece is None:
            inactive.append(rule.id)
            continue
        compiled[rule.id] = piece
        definition[rule.id] = piece.definition
    # Every finding must match some pattern, or durable-rules refuses it. This rule matches
    # every finding but never fires: its second pattern waits for a fact nobody asserts, so
    # a finding costs no extra action (a one-pattern sink fired once per finding).
    definition[SINK] = {"all": [{"m": {"t": FINDING}}, {"never": {"t": NEVER}}], "run": SINK}
    return definition, compiled, tuple(inactive)


def compile_rule(rule: Rule, knowledge: Knowledge, policy: Policy) -> CompiledRule | None:
    case_tests, findings, factors = [], [], []
    for condition in rule.conditions:
        if condition.kind == "answer":
            case_tests.append(answer_test(condition, policy))
            factors.append(condition.subject)
        elif condition.kind == "red_line":
            if not policy.red_lines:
                return None
            case_tests.append(_any([_equals(factor, value) for factor, first in policy.red_lines
                                    for value in knowledge.factors[factor].values[
                                        knowledge.factors[factor].values.index(first):]]))
            factors.extend(factor for factor, _ in policy.red_lines)
        else:
            test = finding_test(condition)
            findings.append(test)
            for _ in range(count_of(condition, policy) - 1):  # each later than the one before
                # The join comes first: durable-rules 2.0.28 ignores a join placed after an
                # `$or` in the same `$and` (measured: every ordering then matched).
                later = {"$gt": {"n": {f"f{len(findings) - 1}": "n"}}}
                findings.append({"$and": [later] + (test["$and"] if "$and" in test else [test])})
    patterns = []
    case_binding = None
    if case_tests or not findings:
        case_binding = "c"
        patterns.append({case_binding: _all([{"t": CASE}] + case_tests)})
    finding_bindings = tuple(f"f{i}" for i in range(len(findings)))
    patterns.extend({name: test} for name, test in zip(finding_bindings, findings))
    definition = {"all": patterns, "run": rule.id}
    if rule.layer in LAYER_ORDER:
        definition["pri"] = LAYER_ORDER[rule.layer]
    else:
        definition["pri"] = max(LAYER_ORDER.values()) + 1
    return CompiledRule(rule, definition, case_binding, finding_bindings, tuple(dict.fromkeys(factors)))


def answer_test(condition: Condition, policy: Policy) -> dict:
    unknown = {"$nex": {condition.subject: 1}}
    if condition.unknown_only:
        return unknown
    if condition.compare is not None:
        op, operand = condition.compare
        if isinstance(operand, tuple):
            operand = policy.number(operand[1])
        tests = [{OPERATORS[op]: {condition.subject: operand}}]
    else:
        tests = [_equals(condition.subject, value) for value in condition.values]
    if condition.or_unknown:
        tests.append(unknown)
    return _any(tests)


def finding_test(condition: Condition) -> dict:
    tests = [{"t": FINDING}]
    if condition.subject != "any":
        tests.append({"name": condition.subject})
    if condition.severities is not None:
        tests.append(_any([{"severity": s} for s in condition.severities]))
    if condition.categories is not None:
        tests.append(_any([{"category": c} for c in condition.categories]))
    return _all(tests)


def count_of(condition: Condition, policy: Policy) -> int:
    """How many distinct findings a finding condition needs (1 without `count`)."""
    count = condition.count
    if isinstance(count, tuple):
        count = policy.number(count[1])
    return max(1, math.ceil(count)) if count is not None else 1


def threshold(condition: Condition, policy: Policy):
    """The number an answer condition compares with, after policy substitution."""
    operand = condition.compare[1]
    return policy.number(operand[1]) if isinstance(operand, tuple) else operand


COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


def holds(condition: Condition, answers: dict, policy: Policy) -> bool:
    """One answer condition, evaluated on plain answers without the engine: the same meaning
    as its compiled form, for the questions' `ask_when` (which the rules never see)."""
    value = answers.get(condition.subject)
    if value is None:
        return condition.unknown_only or condition.or_unknown
    if condition.unknown_only:
        return False
    if condition.compare is not None:
        return COMPARE[condition.compare[0]](value, threshold(condition, policy))
    return any(value == v and type(value) is type(v) for v in condition.values)


def _equals(field: str, value) -> dict:
    return {field: value}


def _any(tests: list) -> dict:
    return tests[0] if len(tests) == 1 else {"$or": tests}


def _all(tests: list) -> dict:
    return tests[0] if len(tests) == 1 else {"$and": tests}
