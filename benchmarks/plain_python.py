"""The rule base evaluated in plain Python, without durable-rules: the practical limit of the
engine's speed, measured by run.py (reported, not a target).

It reads the rules as the compiler compiled them (the same conditions, the same policy, the same
grouping of `finding: any`) and forward-chains to a fixpoint: a rule fires once per new
combination of the findings it joins, as durable-rules fires it, and each firing that concludes
a finding adds one; at the fixpoint each outcome attribute takes the value of the highest
priority. Only the verdict is produced: no trace, no record of what joined what.
"""

from __future__ import annotations

import itertools
import operator

from expert import conditions

_COMPARE = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}


class PlainRules:
    """The compiled rules of an Engine, as plain Python tests."""

    def __init__(self, engine):
        knowledge, policy = engine.knowledge, engine.policy
        self.attributes = tuple(knowledge.outcomes)
        self.case_rules, self.joining_rules = [], []
        for rule_id, compiled in engine.compiled.items():
            rule = compiled.rule
            tests = [self._answer_test(c, knowledge, policy) for c in rule.conditions if c.kind != "finding"]
            slots = []   # per finding binding: ((finding, severities, categories) or None for any; group
            #              or None; the slot whose finding it must follow, for `count`)
            groups = iter(compiled.binding_groups)
            for condition in (c for c in rule.conditions if c.kind == "finding"):
                group = next(groups)
                matches = (None if condition.subject == "any" else condition.subject,
                           None if condition.severities is None else frozenset(condition.severities),
                           None if condition.categories is None else frozenset(condition.categories))
                if group is not None:
                    slots.append((matches, group, None))
                    continue
                slots.append((matches, None, None))
                for _ in range(conditions.count_of(condition, policy) - 1):
                    next(groups)
                    slots.append((matches, None, len(slots) - 1))
            conclusion = rule.conclusion
            finding = None
            if "finding" in conclusion:
                finding = (conclusion["finding"], conclusion.get("severity"),
                           knowledge.findings[conclusion["finding"]].category)
            decides = (conclusion["attribute"], conclusion["priority"], conclusion["value"]) \
                if "attribute" in conclusion else None
            entry = (rule_id, tests, tuple(slots), finding, decides, rule.order if rule.order is not None else 1 << 30)
            (self.joining_rules if slots else self.case_rules).append(entry)
        self.joining_rules.sort(key=lambda entry: entry[5])   # durable-rules' order: earlier layers first

    @staticmethod
    def _answer_test(condition, knowledge, policy):
        """answers -> bool, the condition's meaning (conditions.holds) with its operand resolved."""
        if condition.kind == "red_line":
            crossing = [(factor, frozenset(values)) for factor, values in
                        conditions.crossing(knowledge.factors, policy.red_lines)]
            return lambda answers: any(answers.get(factor) in values for factor, values in crossing)
        factor, test = condition.subject, conditions.ANSWER_TESTS[condition.test]
        if test.unknown:
            return lambda answers: factor not in answers
        unknown = condition.or_unknown
        if test.threshold:
            compare, limit = _COMPARE[condition.test], conditions.limit(condition, policy)

            def compared(answers):
                value = answers.get(factor)
                return unknown if value is None else compare(value, limit)
            return compared
        allowed = frozenset(condition.operand) | ({None} if unknown else set())
        return lambda answers: answers.get(factor) in allowed

    def verdict(self, answers: dict) -> tuple:
        """(attribute, value) per outcome attribute, as Engine.reason(answers).verdict."""
        findings = []       # (name, severity, category), in the order they were concluded
        tops = {}

        def fire(finding, decides):
            if finding is not None:
                findings.append(finding)
            if decides is not None:
                attribute, priority, value = decides
                if attribute not in tops or priority > tops[attribute][0]:
                    tops[attribute] = (priority, value)

        for _, tests, _, finding, decides, _ in self.case_rules:
            if all(test(answers) for test in tests):
                fire(finding, decides)
        # Per joining rule whose answers hold: the combinations fired, the findings seen, and per
        # slot the indexes of the findings it matches (extended as findings are concluded).
        joining = [(entry, set(), [0], [[] for _ in entry[2]]) for entry in self.joining_rules
                   if all(test(answers) for test in entry[1])]
        changed = True
        while changed:
            changed = False
            for (_, _, slots, finding, decides, _), done, seen, matching in joining:
                if seen[0] == len(findings):
                    continue
                for ((wanted, severities, categories), _, _), lists in zip(slots, matching):
                    for index in range(seen[0], len(findings)):
                        name, severity, category = findings[index]
                        if ((wanted is None or name == wanted) and (severities is None or severity in severities)
                                and (categories is None or category in categories)):
                            lists.append(index)
                seen[0] = len(findings)
                for combination in self._combinations(slots, matching):
                    if combination not in done:
                        done.add(combination)
                        fire(finding, decides)
                        changed = True
        return tuple((attribute, tops[attribute][1]) for attribute in self.attributes)

    @staticmethod
    def _combinations(slots, matching):
        """The bindings of a rule's finding slots: a group slot is bound once (to its group) when
        any finding matches; the slots of a `count` condition take ever later findings."""
        choices = []
        for (_, group, _), indexes in zip(slots, matching):
            if not indexes:
                return ()
            choices.append(("group",) if group is not None else indexes)
        if len(choices) == 1:
            return [(choice,) for choice in choices[0]]
        return [combination for combination in itertools.product(*choices)
                if all(after is None or combination[position] > combination[after]
                       for position, (_, _, after) in enumerate(slots))]
