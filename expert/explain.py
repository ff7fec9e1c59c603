"""Explanations: the reasons, the how-chain from answers to verdict, and what would change it.

All of it reads the trace the engine recorded while the rules fired; "what would change"
re-runs the engine on single-answer variations of the case, so it is exact, not a guess; the
unknowns that matter only in pairs are tried where the rules' alternatives say a pair can
complete a rule.
"""

from __future__ import annotations

import bisect
import weakref
from dataclasses import dataclass

from .conditions import holds, limit
from .engine import Engine, Reasoning
from .knowledge import Knowledge


@dataclass(frozen=True)
class Change:
    """Setting `factor` to `value` (None: unanswered before) would move `attribute` to `outcome`."""

    factor: str
    current: object
    value: object
    attribute: str
    outcome: str
    region: tuple = ()  # a number's place among the thresholds the rules compare it with (`region`)


def primary_attribute(knowledge: Knowledge) -> str:
    """The verdict that matters most: the first outcome declared in outcomes.yaml."""
    return next(iter(knowledge.outcomes))


def reasons(knowledge: Knowledge, reasoning: Reasoning) -> list:
    """Deciding rules first, then problems by severity, then context; each rule once."""
    primary = primary_attribute(knowledge)
    severity_rank = knowledge.severity_rank
    chosen = list(reasoning.deciding_firings(primary))
    findings = reasoning.findings()
    problems = [f for f in findings if f.conclusion.get("severity")]
    chosen += sorted(problems, key=lambda f: (-severity_rank[f.conclusion["severity"]], f.index))
    chosen += [f for f in findings if not f.conclusion.get("severity")]
    for attribute in knowledge.outcomes:
        if attribute != primary:
            chosen += reasoning.deciding_firings(attribute)
    seen, result = set(), []
    for firing in chosen:
        if firing.rule not in seen:
            seen.add(firing.rule)
            result.append(firing)
    return result


def found(knowledge: Knowledge, reasoning: Reasoning, categories=None) -> list:
    """Each finding once, at the highest severity any rule gave it, in trace order."""
    rank = knowledge.severity_rank
    best: dict = {}
    for name, severity, category in reasoning.concluded_findings():
        if categories is not None and category not in categories:
            continue
        if name not in best or (severity and rank[severity] > rank.get(best[name], -1)):
            best[name] = severity
    return list(best.items())


def worst_problems(knowledge: Knowledge, reasoning: Reasoning) -> list:
    """The problems found (finding, severity), the most severe first, ties in trace order."""
    rank = knowledge.severity_rank
    return sorted(found(knowledge, reasoning, knowledge.problem_categories),
                  key=lambda problem: rank.get(problem[1], -1), reverse=True)  # stable: ties keep their order


def conditions(knowledge: Knowledge, reasoning: Reasoning, attribute: str) -> list:
    """The findings the deciding rules for `attribute` matched: what would have to change."""
    names = []
    for firing in reasoning.require_trace().deciding_firings(attribute):
        for index in firing.findings:
            name = reasoning.firings[index].conclusion["finding"]
            if name not in names and knowledge.findings[name].change is not None:
                names.append(name)
    return names


def how(knowledge: Knowledge, reasoning: Reasoning, language: str) -> list:
    """Indented lines: each verdict, the rules that decided it, and what they rested on.

    A rule that fired several times (once per matching finding) is shown once, with the
    union of what its firings matched; a finding already explained is not repeated.
    """
    from .messages import messages

    reasoning.require_trace()
    lines, explained = [], set()
    words = messages(language, knowledge.root)

    def walk(firings, depth):
        first = firings[0]
        lines.append(("  " * depth) + f"{_concluded(knowledge, first, language)}  [{first.rule}]")
        answers = dict.fromkeys(pair for firing in firings for pair in firing.answers)
        for factor, value in answers:
            shown = knowledge.factors[factor].value_label(value, language, words.quantity) if value is not None else "?"
            lines.append(("  " * (depth + 1)) + f"{knowledge.factors[factor].label(language)}{_colon(language)}{shown}")
        for index in dict.fromkeys(i for firing in firings for i in firing.findings):
            if index in explained:
                continue
            explained.add(index)
            walk([reasoning.firings[index]], depth + 1)

    for attribute in knowledge.outcomes:
        explained.clear()
        by_rule: dict = {}
        for firing in reasoning.deciding_firings(attribute):
            by_rule.setdefault(firing.rule, []).append(firing)
        for firings in by_rule.values():
            walk(firings, 0)
    return lines


def _colon(language: str) -> str:
    from .messages import messages

    return messages(language).colon


def _concluded(knowledge: Knowledge, firing, language: str) -> str:
    conclusion = firing.conclusion
    if "finding" in conclusion:
        finding = knowledge.findings[conclusion["finding"]]
        severity = conclusion.get("severity")
        suffix = f" ({knowledge.severity_labels[severity](language)})" if severity else ""
        return finding.label(language) + suffix
    outcome = knowledge.outcomes[conclusion["attribute"]]
    return f"{outcome.label(language)}{_colon(language)}{outcome.labels[conclusion['value']](language)}"


def thresholds(engine: Engine, factor_id: str) -> tuple:
    """The numbers the rules compare a number factor with, under the engine's policy, in order."""
    return tuple(sorted({limit(condition, engine.policy) for compiled in engine.compiled.values()
                         for condition in compiled.rule.conditions
                         if condition.compares and condition.subject == factor_id}))


def probe_values(engine: Engine, factor_id: str) -> list:
    """The values worth trying for a factor: its choices, or numbers around each threshold."""
    factor = engine.knowledge.factors[factor_id]
    if factor.values:
        return list(factor.values)
    points = {factor.minimum}
    for number in thresholds(engine, factor_id):
        points.update((number - 1, number, number + 1))
    return sorted(p for p in points if factor.minimum <= p <= factor.maximum)


def region(limits: tuple, value) -> tuple:
    """(index, limits): where a number lies among the thresholds: 2i + 1 at the i-th, 2i
    between the (i-1)-th and the i-th (0 below all, 2n above all). Every number of one
    region meets the same conditions, so one probe stands for its whole region."""
    index = bisect.bisect_left(limits, value)
    return (2 * index + 1 if index < len(limits) and limits[index] == value else 2 * index), limits


def spans(changes: list) -> list:
    """The changes in order, those of one number factor that move the same verdict the same
    way over adjacent regions taken together: [(changes, low, high)], a bound being None
    (no bound) or (number, included); a choice is a span of its own, with no bounds."""
    grouped: list = []
    for change in changes:
        if grouped and change.region:
            last = grouped[-1][-1]
            if (last.region and (last.factor, last.attribute, last.outcome) == (change.factor, change.attribute, change.outcome)
                    and change.region[0] - last.region[0] in (0, 1)):
                grouped[-1].append(change)
                continue
        grouped.append([change])
    return [(group, *_bounds(group)) for group in grouped]


def _bounds(group: list) -> tuple:
    if not group[0].region:
        return None, None
    (first, limits), (last, _) = group[0].region, group[-1].region
    low = None if first == 0 else (limits[first // 2], True) if first % 2 else (limits[first // 2 - 1], False)
    high = None if last == 2 * len(limits) else (limits[last // 2], True) if last % 2 else (limits[last // 2], False)
    return low, high


def changes(engine: Engine, answers: dict, factors=None) -> list:
    """Every single-answer change that moves a verdict, factor by factor."""
    knowledge = engine.knowledge
    base = engine.reason(answers)
    result = []
    for factor_id in factors if factors is not None else knowledge.factors:
        current = answers.get(factor_id)
        if current is None and not may_apply(engine, factor_id, answers):
            continue
        limits = None if knowledge.factors[factor_id].values else thresholds(engine, factor_id)
        for value in probe_values(engine, factor_id):
            if value == current and type(value) is type(current):
                continue
            varied = engine.reason({**answers, factor_id: value})
            for attribute in knowledge.outcomes:
                if varied.value(attribute) != base.value(attribute):
                    result.append(Change(factor_id, current, value, attribute, varied.value(attribute),
                                         region(limits, value) if limits is not None else ()))
    return result


def may_apply(engine: Engine, factor_id: str, answers: dict) -> bool:
    """The factor's question may make sense for this case: no `ask_when` condition is
    contradicted by an answer given (disputed charges do not apply to a client who pays on
    time, so their absence is not a gap worth reporting)."""
    return all(answers.get(c.subject) is None or holds(c, answers, engine.policy)
               for c in engine.knowledge.factors[factor_id].ask_when)


# -- the explanation object: built once per assessment, read by every view -----------------------

@dataclass(frozen=True)
class Explanation:
    """Everything the views show of one assessment, in plain data, in the case's language.

    The text and Markdown report, the JSON result, the memo and the letters are views of it
    (report.py, Assessment.to_dict, documents.py): none of them reads the trace again.

    outcomes:  attribute -> {name, value, label, conditions: [{finding, text}]} (conditions:
               the findings the deciding rules matched that would have to change; none for
               the primary outcome)
    reasons:   [{rule, statement, finding, category, finding_label, severity, attribute,
               sources: [{id, title, passage}]}], deciding rules first (see `reasons`)
    findings:  [{finding, category, severity, label, change}], each once, in trace order
    problems:  the findings of problem categories, most severe first
    unknown:   [{id, label, question}]: unanswered factors that could have changed a verdict,
               alone or with another, those that could change the primary outcome first
    unknown_detail: [{factors, labels, together, could_change: {attribute: [values]},
               could_change_labels}]: what each unknown (or pair) could move, ranked
    changes:   [{factor, label, from, to, from_value, to_value, attribute, value, outcome,
               rank}]: single answers that would move the primary outcome
    next_steps: the verdict's next steps as text, a source named by its id (JSON, --explain)
    steps:     [{text, source, part, title}]: the same steps, `text` with {source} where
               the source is cited, for a view that names it by its title (terminal, memo)
    """

    language: str
    primary: str
    verdict: dict
    outcomes: dict
    reasons: list
    findings: list
    problems: list
    unknown: list
    unknown_detail: list
    changes: list
    next_steps: list
    steps: list = ()


def explain(knowledge: Knowledge, reasoning: Reasoning, language: str, changes_found=None,
            unknowns_found=None, jurisdiction: str | None = None) -> Explanation:
    """The explanation of one reasoning; `changes_found` (explain.changes) adds what would
    change the verdict, `unknowns_found` (explain.unknowns) the unknowns. Under a
    `jurisdiction`, a legal source of another law is not cited (Law.applies)."""
    from .law import law_for

    k, lang = knowledge, language
    law = law_for(k) if jurisdiction is not None else None
    primary = primary_attribute(k)
    verdict = dict(reasoning.verdict)
    outcomes = {attribute: {
        "name": k.outcomes[attribute].label(lang),
        "value": value,
        "label": k.outcomes[attribute].labels[value](lang),
        "conditions": [{"finding": name, "text": k.findings[name].change(lang)}
                       for name in conditions(k, reasoning, attribute)] if attribute != primary else [],
    } for attribute, value in verdict.items()}
    listed = []
    for firing in reasons(k, reasoning):
        rule = k.rule(firing.rule)
        name = firing.conclusion.get("finding")
        listed.append({
            "rule": rule.id, "statement": rule.statement(lang),
            "finding": name, "category": k.findings[name].category if name else None,
            "finding_label": k.findings[name].label(lang) if name else None,
            "severity": firing.conclusion.get("severity"),
            "attribute": firing.conclusion.get("attribute"),
            "sources": [{"id": s.source, "title": _source_title(k, s.source), "passage": s.passage}
                        for s in rule.sources if law is None or law.applies(k.sources.get(s.source), jurisdiction)],
        })
    findings = [{
        "finding": name, "category": k.findings[name].category, "severity": severity,
        "label": k.findings[name].label(lang),
        "change": k.findings[name].change(lang) if k.findings[name].change else None,
    } for name, severity in found(k, reasoning)]
    by_name = {f["finding"]: f for f in findings}
    problems = [by_name[name] for name, _ in worst_problems(k, reasoning)]
    unknown = [{"id": f, "label": k.factors[f].label(lang), "question": k.factors[f].question(lang)}
               for f in dict.fromkeys(f for u in unknowns_found or () for f in u.factors)]
    unknown_detail = [{
        "factors": list(u.factors), "labels": [k.factors[f].label(lang) for f in u.factors],
        "together": len(u.factors) > 1,
        "could_change": {attribute: list(values) for attribute, values in u.moves},
        "could_change_labels": [k.outcomes[attribute].label(lang) for attribute, _ in u.moves],
    } for u in unknowns_found or ()]
    moves = []
    if changes_found is not None:
        from .messages import messages

        words = messages(lang, k.root)
        moves = [{
            "factor": c.factor, "label": k.factors[c.factor].label(lang),
            "from": k.factors[c.factor].value_label(c.current, lang, words.quantity) if c.current is not None else None,
            "to": shown_span(k.factors[c.factor], group, low, high, lang, words),
            "from_value": c.current, "to_value": c.value, "to_values": [each.value for each in group],
            "attribute": c.attribute, "value": c.outcome, "outcome": k.outcomes[c.attribute].labels[c.outcome](lang),
            "rank": k.outcomes[c.attribute].values.index(c.outcome),
        } for group, low, high in spans([c for c in changes_found if c.attribute == primary]) for c in group[:1]]
    made = {f["finding"] for f in findings}
    steps = [{"text": step(lang), "source": step.source, "part": step.part(lang) if step.part else None,
              "title": _source_title(k, step.source) if step.source else None}
             for step in k.outcomes[primary].next_steps.get(verdict[primary], ())
             if step.finding is None or step.finding in made]
    return Explanation(lang, primary, verdict, outcomes, listed, findings, problems, unknown, unknown_detail,
                       moves, [cited(step, step["source"]) for step in steps], steps)


def shown_span(factor, group: list, low, high, language: str, words) -> str:
    """What a span of changes sets the factor to: a choice's label, a number, or the range of
    numbers that all lead there ("at most 10%", "over 3 years and under 5 years")."""
    if low is None and high is None:
        return factor.value_label(group[0].value, language, words.quantity)
    unit = factor.unit(language) if factor.unit else None
    if low is not None and high is not None and low == high:
        return words.quantity(low[0], unit)
    return words.span(low and (words.quantity(low[0], unit), low[1]), high and (words.quantity(high[0], unit), high[1]))


def cited(step: dict, name: str | None) -> str:
    """A next step's text with its source named `name` (an id, or a title for the user)."""
    if not step["source"]:
        return step["text"]
    return step["text"].replace("{source}", f"{name}, {step['part']}" if step["part"] else name)


def _source_title(knowledge: Knowledge, source_id: str) -> str:
    entry = knowledge.sources.get(source_id)
    return entry.get("title", source_id) if isinstance(entry, dict) else source_id


@dataclass(frozen=True)
class Unknown:
    """Unanswered factors some answer to which would move a verdict: one factor, or two that
    matter only together (what was tried and how it went since), with what they could move."""

    factors: tuple
    moves: tuple    # (attribute, outcomes some answer leads to), attributes in outcomes.yaml order


_conditions: "weakref.WeakKeyDictionary" = None


def alternatives(engine: Engine):
    """The checker's alternatives of every rule (which answers make it fire), once per engine."""
    global _conditions
    from .checker import Conditions  # the checker's expansion of conditions, used as is
    if _conditions is None:
        _conditions = weakref.WeakKeyDictionary()
    if engine not in _conditions:
        _conditions[engine] = Conditions(engine.knowledge, engine.policy)
    return _conditions[engine]


def pairs_to_try(engine: Engine, answers: dict, missing: list) -> dict:
    """(first, second) -> (values of first, values of second): the unanswered pairs that a
    verdict rule needs both of, and only them, to fire; with the answers that make it fire.

    Read from the rules' alternatives (checker.Conditions), so the search runs the engine only
    where a pair can complete a rule; a pair whose effect would only be to stop a rule that
    reads an unanswered factor (`or_unknown`) is not looked for."""
    conditions = alternatives(engine)
    order, missing = list(engine.knowledge.factors), set(missing)
    found: dict = {}
    for rule in engine.knowledge.rules:
        if rule.concludes_finding:
            continue
        for term in conditions.rule_terms(rule):
            needed = []
            for factor, allowed in term.items():
                if factor in answers:
                    if conditions.value_class(factor, answers[factor]) not in allowed:
                        break
                elif None not in allowed:
                    needed.append(factor)
            else:
                if len(needed) == 2 and set(needed) <= missing:
                    first, second = sorted(needed, key=order.index)
                    values = found.setdefault((first, second), (set(), set()))
                    values[0].update(term[first])
                    values[1].update(term[second])
    return found


def unknowns(engine: Engine, answers: dict, changes: list) -> list:
    """What each unanswered factor could move, ranked: those that could change the main
    verdict first, then those that could only change the others; single factors before pairs.

    `changes` are the single-answer changes (`changes`). A pair is reported for a verdict
    that neither of its factors moves alone, but some answer to both does (`pairs_to_try`)."""
    knowledge = engine.knowledge
    attributes = list(knowledge.outcomes)
    order = list(knowledge.factors)
    alone: dict = {}  # factor -> attribute -> outcomes
    for change in changes:
        if change.current is None:
            alone.setdefault(change.factor, {}).setdefault(change.attribute, set()).add(change.outcome)
    found = [Unknown((factor,), _moves(knowledge, moved)) for factor, moved in alone.items()]
    missing = [f for f in order if f not in answers and may_apply(engine, f, answers)]
    base = engine.reason(answers)
    for (first, second), (firsts, seconds) in pairs_to_try(engine, answers, missing).items():
        open_ = [a for a in attributes if a not in alone.get(first, {}) and a not in alone.get(second, {})]
        moved: dict = {}
        for one in firsts:
            for other in seconds:
                varied = engine.reason({**answers, first: one, second: other}, traced=False)
                for attribute in open_:
                    if varied.value(attribute) != base.value(attribute):
                        moved.setdefault(attribute, set()).add(varied.value(attribute))
        if moved:
            found.append(Unknown((first, second), _moves(knowledge, moved)))
    primary = primary_attribute(knowledge)
    return sorted(found, key=lambda u: (primary not in dict(u.moves), len(u.factors),
                                        [order.index(f) for f in u.factors]))


def _moves(knowledge: Knowledge, moved: dict) -> tuple:
    return tuple((attribute, tuple(v for v in outcome.values if v in moved[attribute]))
                 for attribute, outcome in knowledge.outcomes.items() if attribute in moved)
