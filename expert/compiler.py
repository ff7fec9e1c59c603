"""Compile the rule base into durable-rules ruleset definitions (its dict form).

Facts seen by durable-rules:
  the case:   {"t": "case", FACTOR: VALUE, ...}   one per assessment, answered factors only
  a finding:  {"t": "f", "name", "severity", "category", "n"}   asserted by rule actions;
              `n` (its position in the trace) keeps two identical conclusions distinct,
              since durable-rules rejects a fact equal to one it already holds.
  a group:    {"t": "g", "g": K}   asserted once per case by the engine, with the first
              finding that matches the K-th distinct `finding: any` condition of the rule base.
              A rule joins the group, not each finding: it fires once per case, not once per
              matching finding; the engine records every matching finding in its trace.
Policy values are substituted here, so a ruleset is compiled once per policy.
A finding condition with `count: N` becomes N finding patterns, each with a larger `n`
than the one before: N distinct findings, matched once per combination rather than once
per ordering.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import conditions
from .knowledge import Knowledge, Rule
from .policy import Policy

CASE = "case"
FINDING = "f"
GROUP = "g"
SINK = "__every_finding"
GROUP_SINK = "__every_group"
NEVER = "__never"      # a fact type that is never asserted
RESERVED = ("t", "sid", "id", "$s")


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    definition: dict
    case_binding: str | None      # binding name of the case fact, if the rule reads answers
    finding_bindings: tuple       # binding names of the findings it joins, in condition order
    factors: tuple                # the factors its answer conditions read
    binding_groups: tuple = ()    # per finding binding: the group it joins (None: one finding)
    feeds: tuple = ()             # the groups the finding it concludes belongs to


def compile_rules(knowledge: Knowledge, policy: Policy, group_any: bool = True) -> tuple[dict, dict, tuple]:
    """Return (ruleset definition, compiled rules by id, ids of rules that cannot fire).

    A rule cannot fire under this policy when it tests the policy's red lines and there are
    none; it is left out of the ruleset rather than compiled into an impossible test.
    `group_any=False` joins each matching finding instead of its group (one firing per
    finding): kept to measure the difference.
    """
    groups = {}
    if group_any:
        for rule in knowledge.rules:
            for condition in rule.conditions:
                if condition.kind == "finding" and condition.subject == "any" and condition.count is None:
                    groups.setdefault(_group_key(condition), len(groups))
    definition, compiled, inactive = {}, {}, []
    width = len(str(max(len(knowledge.rules) - 1, 0)))
    for number, rule in enumerate(knowledge.rules):
        piece = compile_rule(rule, knowledge, policy, groups)
        if piece is None:
            inactive.append(rule.id)
            continue
        compiled[rule.id] = piece
        definition[rule_name(number, width)] = piece.definition
    # Every finding must match some pattern, or durable-rules refuses it. This rule matches
    # every finding but never fires: its second pattern waits for a fact nobody asserts, so
    # a finding costs no extra action (a one-pattern sink fired once per finding).
    definition[SINK] = {"all": [{"m": {"t": FINDING}}, {"never": {"t": NEVER}}], "run": SINK}
    if groups:
        definition[GROUP_SINK] = {"all": [{"m": {"t": GROUP}}, {"never": {"t": NEVER}}], "run": GROUP_SINK}
    return definition, compiled, tuple(inactive)


def rule_name(number: int, width: int) -> str:
    """A rule's name in the ruleset: `r` and its position, all of one length, so that the rule
    an activation fires is read from it at a fixed place ({"r07":{...}}). Its action is still
    found by the rule's id (`run`)."""
    return f"r{number:0{width}d}"


def _group_key(condition) -> tuple:
    return (condition.severities, condition.categories)


def compile_rule(rule: Rule, knowledge: Knowledge, policy: Policy, groups: dict | None = None) -> CompiledRule | None:
    groups = groups or {}
    case_tests, findings, factors, joined = [], [], [], []
    for condition in rule.conditions:
        if condition.kind == "answer":
            case_tests.append(conditions.durable_test(condition, policy))
            factors.append(condition.subject)
        elif condition.kind == "red_line":
            test = conditions.durable_red_line(knowledge.factors, policy.red_lines)
            if test is None:
                return None
            case_tests.append(test)
            factors.extend(factor for factor, _ in policy.red_lines)
        elif condition.subject == "any" and condition.count is None and _group_key(condition) in groups:
            group = groups[_group_key(condition)]
            findings.append({"$and": [{"t": GROUP}, {"g": group}]})
            joined.append(group)
        else:
            needed = conditions.count_of(condition, policy)
            test = conditions.durable_finding_test(condition, FINDING)
            findings.append(test)
            joined.append(None)
            for _ in range(needed - 1):  # `count: N`: each later than the one before
                # The join comes first: durable-rules 2.0.28 ignores a join placed after an
                # `$or` in the same `$and` (measured: every ordering then matched).
                later = {"$gt": {"n": {f"f{len(findings) - 1}": "n"}}}
                findings.append({"$and": [later] + (test["$and"] if "$and" in test else [test])})
                joined.append(None)
    patterns = []
    case_binding = None
    if case_tests or not findings:
        case_binding = "c"
        patterns.append({case_binding: _all([{"t": CASE}] + case_tests)})
    finding_bindings = tuple(f"f{i}" for i in range(len(findings)))
    patterns.extend({name: test} for name, test in zip(finding_bindings, findings))
    definition = {"all": patterns, "run": rule.id}
    # durable `pri`: earlier layers (the rule file's `order`) fire first; no order, last.
    definition["pri"] = rule.order if rule.order is not None else last_order(knowledge) + 1
    feeds = ()
    name = rule.conclusion.get("finding")
    if name is not None:
        severity, category = rule.conclusion.get("severity"), knowledge.findings[name].category
        feeds = tuple(group for (severities, categories), group in groups.items()
                      if conditions.matches(conditions.Condition("finding", "any", severities=severities,
                                                                 categories=categories), name, severity, category))
    return CompiledRule(rule, definition, case_binding, finding_bindings, tuple(dict.fromkeys(factors)),
                        tuple(joined), feeds)


def last_order(knowledge: Knowledge) -> int:
    return max([r.order for r in knowledge.rules if r.order is not None], default=0)


def _all(tests: list) -> dict:
    return tests[0] if len(tests) == 1 else {"$and": tests}
