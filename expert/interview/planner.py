"""What the interview asks next, decided by the rule base alone.

A question is worth asking when its `ask_when` conditions hold and some answer to it could
still change the verdict, alone or with one linked question; the engine is run on each
possible answer to find out. No question order or relevance is written in Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from .. import explain
from .. import conditions
from ..conditions import holds
from ..knowledge import Knowledge


@dataclass(frozen=True)
class Step:
    """The next thing to ask: one factor, or a theme's check ("is all of this true?")."""

    kind: str           # "factor" or "gate"
    theme: str
    factors: tuple
    left: int = 1       # questions still to come, this one included (an estimate: see Planner.next_step)


class Planner:
    """Chooses the next question from the rule base alone.

    A factor is worth asking when its `ask_when` conditions hold and some answer to it
    changes the verdict given the answers so far, alone or together with one other open
    question (e.g. "what was tried" matters only with "how it went since"); when the verdict
    is one the documents need more facts for (interview.yaml), a change of those findings
    counts too. Themes come in the order of factors.yaml. A theme with several such
    questions about ordered factors is first offered as one check of their best values
    (ordered values run from the best situation to the worst), so that a client with
    nothing wrong is done in one answer per theme.
    """

    def __init__(self, engine, needs: tuple = ()):
        self.engine = engine
        self.knowledge = k = engine.knowledge
        self.needs = needs
        self.probes = {f: explain.probe_values(engine, f) for f in k.factors}
        themes = list(k.themes)
        self.order = sorted(k.factors, key=lambda f: themes.index(k.factors[f].theme))
        self.partners = interactions(k, [c.rule for c in engine.compiled.values()], engine.policy)

    def asks(self, factor_id: str, answers: dict) -> bool:
        """The factor's `ask_when` conditions hold for these answers."""
        return all(holds(c, answers, self.engine.policy) for c in self.knowledge.factors[factor_id].ask_when)

    def open_factors(self, answers: dict, unknown) -> list:
        return [f for f in self.order if f not in answers and f not in unknown and self.asks(f, answers)]

    def matters(self, factor_id: str, answers: dict, unknown=()):
        """Why the factor is worth asking: ("verdict",), ("documents",), ("with", other), or None."""
        base = self.engine.reason(answers)
        why = self._alone(factor_id, answers, base)
        if why:
            return why
        other = next((g for g in self._quiet(answers, unknown, base) if g in self.partners[factor_id]
                      and self._together(factor_id, g, answers)), None)
        return ("with", other) if other else None

    def _quiet(self, answers: dict, unknown, base) -> list:
        """Open questions (asked or not) whose answer alone would change nothing."""
        return [f for f in self.order if f not in answers and f not in unknown
                and not self._alone(f, answers, base)]

    def _alone(self, factor_id: str, answers: dict, base):
        reason = self.engine.reason
        for value in self.probes[factor_id]:
            why = self._differs(base, reason({**answers, factor_id: value}))
            if why:
                return (why,)
        return None

    def _together(self, factor_id: str, other: str, answers: dict) -> bool:
        """Some answer to both changes the verdict that the other answer alone would give
        (the other question counted only where its own `ask_when` lets it be asked)."""
        reason = self.engine.reason
        for value in self.probes[factor_id]:
            given = {**answers, factor_id: value}
            if not self.asks(other, given):
                continue
            for other_value in self.probes[other]:
                without = {**answers, other: other_value} if self.asks(other, answers) else answers
                if reason({**given, other: other_value}).verdict != reason(without).verdict:
                    return True
        return False

    def _differs(self, base, varied):
        if varied.verdict != base.verdict:
            return "verdict"
        verdict = dict(base.verdict)
        categories = {c for need in self.needs if verdict.get(need.attribute) in need.values for c in need.categories}
        if categories and (set(explain.found(self.knowledge, base, categories))
                           != set(explain.found(self.knowledge, varied, categories))):
            return "documents"
        return None

    def next_step(self, answers: dict, unknown=(), checked_themes=()) -> Step | None:
        """The next question: first those whose answer alone could change the verdict, theme
        by theme; then those that could change it together with one other open question
        (e.g. "what was tried" with "how it went since"). None when neither is left.

        A partner that matters alone will be asked anyway and this factor looked at again
        afterwards, so pairs are only searched once nothing matters alone: the search is
        the costly part, and it then runs about once per interview.

        `left` estimates the questions still to come from what can change the verdict now:
        one per open question that could alone, a theme's check counted as one question;
        once only pairs are left, two (this question and the partner it matters with: the
        search stops at the first pair, and counting every question that has an open partner
        said 13 to 18 where one to three were asked). Answers can open or close others, so
        it is an estimate, never a promise: the interview shows it so that it never rises.
        """
        base = self.engine.reason(answers)
        open_ = self.open_factors(answers, unknown)
        alone = {f: self._alone(f, answers, base) for f in open_}
        steps = []
        for theme in self.knowledge.themes:
            relevant = [f for f in open_ if alone[f] and self.knowledge.factors[f].theme == theme]
            if not relevant:
                continue
            gate = tuple(f for f in relevant if self.knowledge.factors[f].ordered)
            if theme not in checked_themes and len(gate) >= 2:
                steps.append((Step("gate", theme, gate), 1 + len(relevant) - len(gate)))
            else:
                steps.append((Step("factor", theme, (relevant[0],)), len(relevant)))
        if steps:
            step = steps[0][0]
            return Step(step.kind, step.theme, step.factors, sum(count for _, count in steps))
        quiet = self._quiet(answers, unknown, base)
        for factor_id in open_:
            if any(g in self.partners[factor_id] and self._together(factor_id, g, answers) for g in quiet):
                return Step("factor", self.knowledge.factors[factor_id].theme, (factor_id,), 2)
        return None


def interactions(knowledge: Knowledge, rules: list, policy) -> dict:
    """For each factor, the factors whose answers could change a verdict together with it
    when neither does alone; every other pair is left out of the planner's search.

    Answering a factor only adds firings, except where a rule reads it with `or_unknown`
    or `known: false`; and a verdict is the value of the highest-priority firing. So two
    answers can only matter together if one rule reads both (through two of its conditions,
    directly or through the findings they match), if one of them is read as unknown, or if
    one decides whether the other is asked (`ask_when`); the findings a `count` condition
    adds up are read together too.
    """
    producers = [r for r in rules if r.concludes_finding]
    memo: dict = {}

    def reads(condition, seen) -> frozenset:
        if condition.kind == "answer":
            return frozenset((condition.subject,))
        if condition.kind == "red_line":
            return frozenset(factor for factor, _ in policy.red_lines)
        found = set()
        for rule in producers:
            name, severity = rule.conclusion["finding"], rule.conclusion.get("severity")
            if (not conditions.matches(condition, name, severity, knowledge.findings[name].category)
                    or rule.id in seen):
                continue
            if rule.id not in memo:
                memo[rule.id] = frozenset().union(*(reads(c, seen | {rule.id}) for c in rule.conditions))
            found |= memo[rule.id]
        return frozenset(found)

    partners = {factor: set() for factor in knowledge.factors}
    for rule in rules:
        sets = [reads(c, frozenset((rule.id,))) for c in rule.conditions]
        for i, first in enumerate(sets):
            for j, second in enumerate(sets):
                if i != j or rule.conditions[i].count is not None:  # `count`: findings that add up
                    for factor in first:
                        partners[factor] |= second
        for condition in rule.conditions:
            if condition.holds_unanswered:
                for factor in partners:
                    partners[factor].add(condition.subject)
                partners[condition.subject] |= set(knowledge.factors)
    for factor in knowledge.factors.values():
        for condition in factor.ask_when:
            partners[factor.id].add(condition.subject)
            partners[condition.subject].add(factor.id)
    for factor, others in partners.items():
        others.discard(factor)
    return partners
