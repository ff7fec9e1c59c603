"""Check a rule base before anyone relies on it, reporting every problem as `file:line: message`.

knowledge.py refuses a rule base whose structure is wrong (an unknown factor, value, finding or
source; a rule without sources; a text missing in one language) and stops at the first such
error. This module adds the checks that need the whole rule base at once, and reports all of
their problems together:

- a finding that no rule concludes, or that no rule's conditions use. Findings of the
  categories findings.yaml lists as `shown_by_documents` (the risks: notice period,
  hand-over...) are exempt from the second test: the memo and the letters show every one
  found, so being used by the documents counts as being used;
- a factor that no rule reads, or whose question is never asked (its ask_when cannot hold);
- a factor named like one of a client book's own columns (client_email, language...), which
  a portfolio CSV could not tell from it;
- a rule whose conditions contradict each other, so that it can never fire;
- an outcome value that no rule concludes, or only rules that can never fire;
- two rules of the same priority that conclude different values of one outcome and can both
  hold for the same case. This is decided from their conditions (see `Conditions`); when the
  conditions are too many to expand, the search below has the last word;
- an outcome value that no case reaches, and any case the engine fails on (`search`). The
  answer space is searched exhaustively when it is small, otherwise through the cases the rules'
  own conditions describe plus a random sample, and the report says which.

Everything but the search takes milliseconds and runs each time a rule base is loaded to be
used (`load_checked`: knowledge.py reads, this module checks); the search runs the engine over
thousands of cases, so only `adieu knowledge check` (and CI) runs it. Thresholds written {policy: NAME} take the
defaults of policy.yaml; a `red_line` condition is taken to hold for any red line a user may set.
"""

from __future__ import annotations

import itertools
import math
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import conditions as meaning
from .case import BOOK_COLUMNS
from .errors import KnowledgeError, RuleBaseProblems
from .files import folder_digest
from .knowledge import CHOICE_TYPES, Knowledge, Rule, _show, default_knowledge_dir, load_knowledge
from .loops import derivation_loops

SAMPLES = 20_000
MAX_SAMPLES = 1_000_000  # minutes of search: a bound, so that a slip of the keyboard cannot run for days
EXHAUSTIVE_LIMIT = 20_000
MAX_TERMS = 20_000
TERMS_PER_RULE = 25


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Report:
    """What `check` found, and what its search covered."""

    root: str
    problems: list = field(default_factory=list)
    searched: str = ""
    reached: dict = field(default_factory=dict)
    counts: str = ""

    def summary(self) -> str:
        """The lines `adieu knowledge check` prints when there is no problem."""
        lines = [f"{self.root}: no problems ({self.counts})"]
        if self.reached:
            shown = "; ".join(f"{attribute}: " + ", ".join(f"{value} {count:,}" for value, count in values.items())
                              for attribute, values in self.reached.items())
            lines.append(f"every outcome value is reached ({shown})")
        if self.searched:
            lines.append(self.searched)
        return "\n".join(lines) + "\n"


def check(root=None, samples: int = SAMPLES, seed: int = 0, search: bool = True) -> Report:
    """Every problem of the rule base in `root` (the shipped one by default)."""
    try:
        knowledge = load_knowledge(root)
    except KnowledgeError as error:
        return Report(str(root or "the shipped rule base"), [Problem(error.file, error.line or 0, error.detail)])
    report = Report(str(knowledge.root), static_problems(knowledge))
    report.counts = ", ".join(_count(len(items), name) for name, items in (
        ("rule", knowledge.rules), ("factor", knowledge.factors), ("finding", knowledge.findings),
        ("outcome", knowledge.outcomes)))
    if search and not report.problems:
        report.problems += search_problems(knowledge, report, samples, seed)
    return report


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def load_checked(root=None) -> Knowledge:
    """The rule base in `root` (the shipped one by default), read and then checked: one that
    fails the fast checks is refused with all their problems (the search is left to `check`).

    A rule base read and checked is kept, keyed by the folder as given and its files' bytes,
    so that loading it again (an Advisor per request, the commands run in one process) takes
    a fraction of a millisecond instead of some forty; a file changed is read anew."""
    key = _checked_key(root)
    knowledge = _CHECKED.get(key) if key is not None else None
    if knowledge is not None:
        return knowledge
    knowledge = load_knowledge(root)
    problems = static_problems(knowledge)
    if problems:
        raise RuleBaseProblems(knowledge.root, problems)
    if key is not None:
        if len(_CHECKED) >= CHECKED_KEPT:
            _CHECKED.pop(next(iter(_CHECKED)))
        _CHECKED[key] = knowledge
    return knowledge


CHECKED_KEPT = 8      # rule bases kept by load_checked, the oldest dropped first
_CHECKED: dict = {}   # (folder as given, digest of its files) -> its Knowledge


def _checked_key(root) -> tuple | None:
    """None when the folder cannot be read as a whole: load_knowledge then says why."""
    try:
        folder = Path(root) if root is not None else default_knowledge_dir()
    except KnowledgeError:
        return None
    digest = folder_digest(folder)
    return None if digest is None else (str(folder), digest)


# -- the fast checks -------------------------------------------------------------------------

def static_problems(knowledge: Knowledge) -> list:
    places = _Places(knowledge)
    conditions = Conditions(knowledge)
    problems = []
    problems += _finding_problems(knowledge, places)
    problems += _source_problems(knowledge, places)
    problems += _factor_problems(knowledge, places, conditions)
    problems += _rule_problems(knowledge, conditions)
    problems += _outcome_problems(knowledge, places, conditions)
    problems += _conflicts(knowledge, conditions)
    problems += [Problem(rule.file, rule.line, message) for rule, message in derivation_loops(knowledge)]
    return sorted(problems)


def _finding_problems(knowledge: Knowledge, places) -> list:
    problems = []
    for finding in knowledge.findings.values():
        if not any(r.conclusion.get("finding") == finding.id for r in knowledge.rules):
            problems.append(places.problem("findings.yaml", ("findings", finding.id),
                                           f"finding '{finding.id}' is concluded by no rule "
                                           f"(no rule has 'then: {{finding: {finding.id}}}')"))
        elif finding.category not in knowledge.shown_by_documents and not any(
                _may_match(c, finding, knowledge) for r in knowledge.rules for c in r.conditions
                if c.kind == "finding"):
            problems.append(places.problem("findings.yaml", ("findings", finding.id),
                                           f"finding '{finding.id}' is used by no rule: no condition names it, "
                                           f"nor 'any' finding of category {finding.category}"))
    return problems


def _source_problems(knowledge: Knowledge, places) -> list:
    """A legal source's `law` must be a jurisdiction of the rule base's law.yaml, or the
    source would silently never be cited."""
    from .law import law_for

    known = law_for(knowledge).jurisdictions
    return [places.problem("sources.yaml", ("sources", name, "law"),
                           f"source '{name}': law: expected one of {', '.join(known)}, got {source['law']!r}")
            for name, source in knowledge.sources.items()
            if isinstance(source, dict) and "law" in source and source["law"] not in known]


def _may_match(condition, finding, knowledge: Knowledge) -> bool:
    """Can this finding condition match some conclusion of that finding?"""
    return any(r.conclusion.get("finding") == finding.id
               and meaning.matches(condition, finding.id, r.conclusion.get("severity"), finding.category)
               for r in knowledge.rules)


def _factor_problems(knowledge: Knowledge, places, conditions) -> list:
    problems = []
    read = {c.subject for r in knowledge.rules for c in r.conditions if c.kind == "answer"}
    for factor in knowledge.factors.values():
        keys = ("factors", factor.id)
        if factor.type not in CHOICE_TYPES and (factor.minimum is None or factor.maximum is None):
            problems.append(places.problem("factors.yaml", keys, f"factor '{factor.id}' is a {factor.type} "
                                                                  f"and needs both 'min' and 'max'"))
        if factor.id not in read:
            problems.append(places.problem("factors.yaml", keys, f"factor '{factor.id}' is read by no rule "
                                                                  f"(no rule's 'when' has 'answer: {factor.id}')"))
        if factor.id in BOOK_COLUMNS:
            problems.append(places.problem("factors.yaml", keys, f"factor '{factor.id}' has the name of a column "
                                                                  f"of a client book (adieu portfolio), which "
                                                                  f"could not tell them apart: rename the factor"))
    askable = conditions.askable()
    for factor in knowledge.factors.values():
        if factor.id not in askable:
            problems.append(places.problem("factors.yaml", ("factors", factor.id, "ask_when"),
                                           f"factor '{factor.id}' is never asked: its ask_when cannot hold"))
    return problems


def _rule_problems(knowledge: Knowledge, conditions) -> list:
    return [Problem(r.file, r.line, f"rule '{r.id}' can never fire: its conditions contradict each other")
            for r in knowledge.rules if conditions.never_holds(r)]


def _outcome_problems(knowledge: Knowledge, places, conditions) -> list:
    problems = []
    for attribute, outcome in knowledge.outcomes.items():
        for index, value in enumerate(outcome.values):
            rules = [r for r in knowledge.rules
                     if r.conclusion.get("attribute") == attribute and r.conclusion.get("value") == value]
            where = ("outcomes", attribute, "values", index)
            if not rules:
                problems.append(places.problem("outcomes.yaml", where,
                                               f"{attribute} '{value}' is concluded by no rule"))
            elif all(conditions.never_holds(r) for r in rules):
                problems.append(places.problem("outcomes.yaml", where,
                                               f"{attribute} '{value}' is never reached: every rule that concludes "
                                               f"it ({', '.join(r.id for r in rules)}) can never fire"))
    return problems


def _conflicts(knowledge: Knowledge, conditions) -> list:
    problems = []
    deciding = [r for r in knowledge.rules if "attribute" in r.conclusion]
    for first, second in itertools.combinations(deciding, 2):
        a, b = first.conclusion, second.conclusion
        if a["attribute"] != b["attribute"] or a["priority"] != b["priority"] or a["value"] == b["value"]:
            continue
        witness = conditions.both_hold(first, second)
        if witness is None:
            continue
        problems.append(Problem(second.file, second.line,
                                f"rules '{first.id}' ({first.file}:{first.line}) and '{second.id}' both have "
                                f"priority {a['priority']} and conclude different {a['attribute']}s "
                                f"({a['value']}, {b['value']}) for the same case, e.g. "
                                f"{conditions.describe(witness)} (decided from their conditions)"))
    return problems


# -- satisfiability of conditions --------------------------------------------------------------

class Conditions:
    """Which cases satisfy a rule's conditions, as a list of alternatives (terms).

    A term maps factors to the set of answers it allows (None: unanswered); a factor it does not
    name is free. Numbers are reduced to one representative per range between the thresholds the
    rules compare them with, so the reasoning is exact. A finding condition holds when one of the
    rules that conclude a matching finding fires (with `count: N`, when N different such rules
    fire: exact while each rule concludes its finding once per case, as rules that read only
    answers do); conditions never negate, so expanding each finding into the alternatives of
    its rules decides whether two rules can fire together.
    """

    def __init__(self, knowledge: Knowledge, policy=None):
        from .policy import default_policy

        self.knowledge = knowledge
        self.policy = policy or default_policy(knowledge)
        self.domains = {f: self._domain(f) for f in knowledge.factors}
        self._terms: dict = {}
        self._busy: set = set()
        self.complete = True  # False once an expansion was cut at MAX_TERMS

    def _comparisons(self, factor_id: str) -> list:
        """The conditions that compare this factor with a threshold."""
        conditions = [c for r in self.knowledge.rules for c in r.conditions]
        conditions += [c for f in self.knowledge.factors.values() for c in f.ask_when]
        return [c for c in conditions if c.compares and c.subject == factor_id]

    def _domain(self, factor_id: str) -> tuple:
        factor = self.knowledge.factors[factor_id]
        if factor.values:
            return (None,) + tuple(factor.values)
        comparisons = self._comparisons(factor_id)
        limits = sorted({meaning.limit(c, self.policy) for c in comparisons})
        candidates = set(limits)
        for low, high in zip(limits, limits[1:]):
            candidates.add((low + high) / 2)
        if limits:
            candidates.update((limits[0] - 1, limits[-1] + 1))
        lowest = factor.minimum if factor.minimum is not None else (limits[0] - 1 if limits else 0)
        highest = factor.maximum if factor.maximum is not None else (limits[-1] + 1 if limits else 0)
        candidates.update((lowest, highest))
        if factor.type == "integer":
            candidates = {int(math.floor(v)) for v in candidates} | {int(math.ceil(v)) for v in candidates}
        classes = {}
        for value in sorted(v for v in candidates if lowest <= v <= highest):
            value = int(value) if float(value).is_integer() else value
            classes.setdefault(tuple(meaning.holds(c, {factor_id: value}, self.policy) for c in comparisons), value)
        return (None,) + tuple(classes.values())

    # terms ---------------------------------------------------------------------------------

    def condition_terms(self, condition) -> list:
        if condition.kind == "answer":
            return [{condition.subject: self.allowed(condition)}]
        if condition.kind == "red_line":  # any red line a user may set
            return [{factor: frozenset(values)} for factor, values in meaning.any_crossing(self.knowledge.factors)]
        producers = [rule for rule in self.knowledge.rules if self._concludes_match(rule, condition)]
        needed = meaning.count_of(condition, self.policy)
        if needed > 1:  # `count: N`: N of the producers fire together (each counted once)
            terms = []
            for group in itertools.combinations(producers, needed):
                joint = [{}]
                for rule in group:
                    joint = self.conjoin(joint, self.rule_terms(rule))
                terms.extend(joint)
            return terms
        terms = []
        for rule in producers:
            terms.extend(self.rule_terms(rule))
        return terms

    def allowed(self, condition) -> frozenset:
        return meaning.allowed(condition, self.domains[condition.subject], self.policy)

    def _concludes_match(self, rule: Rule, condition) -> bool:
        name = rule.conclusion.get("finding")
        return name is not None and meaning.matches(condition, name, rule.conclusion.get("severity"),
                                                    self.knowledge.findings[name].category)

    def rule_terms(self, rule: Rule) -> list:
        """The alternatives under which the rule fires ([] if it never can)."""
        if rule.id in self._terms:
            return self._terms[rule.id]
        if rule.id in self._busy:  # a rule that needs its own conclusion first never fires that way
            return []
        self._busy.add(rule.id)
        try:
            terms = [{}]
            for condition in rule.conditions:
                terms = self.conjoin(terms, self.condition_terms(condition))
                if not terms:
                    break
        finally:
            self._busy.discard(rule.id)
        self._terms[rule.id] = terms
        return terms

    def conjoin(self, left: list, right: list) -> list:
        result, seen = [], set()
        for a in left:
            for b in right:
                term = self._and(a, b)
                if term is None:
                    continue
                key = frozenset(term.items())
                if key in seen:
                    continue
                seen.add(key)
                result.append(term)
                if len(result) >= MAX_TERMS:
                    self.complete = False
                    return result
        return result

    def _and(self, a: dict, b: dict):
        term = dict(a)
        for factor, values in b.items():
            if factor in term:
                values = term[factor] & values
            if not values:
                return None
            if len(values) == len(self.domains[factor]):
                term.pop(factor, None)
            else:
                term[factor] = values
        return term

    # questions -------------------------------------------------------------------------------

    def never_holds(self, rule: Rule) -> bool:
        return self.complete and not self.rule_terms(rule)

    def both_hold(self, first: Rule, second: Rule):
        """A term under which both rules fire, or None."""
        for a in self.rule_terms(first):
            for b in self.rule_terms(second):
                term = self._and(a, b)
                if term is not None:
                    return term
        return None

    def askable(self) -> set:
        """Factors whose question can be asked: ask_when holds with answers to askable questions."""
        factors = self.knowledge.factors.values()
        askable: set = set()
        changed = True
        while changed:
            changed = False
            for factor in factors:
                if factor.id in askable:
                    continue
                term = {}
                for condition in factor.ask_when:
                    term = self._and(term, {condition.subject: self.allowed(condition)})
                    if term is None:
                        break
                if term is not None and all(
                        (values if f in askable and f != factor.id else values & {None})
                        for f, values in term.items()):
                    askable.add(factor.id)
                    changed = True
        return askable

    def value_class(self, factor_id: str, value):
        """The value of the factor's domain that stands for this answer (numbers: the one
        on the same side of every threshold)."""
        factor = self.knowledge.factors[factor_id]
        if factor.values or value is None:
            return next((v for v in self.domains[factor_id] if v == value and type(v) is type(value)), value)
        comparisons = self._comparisons(factor_id)

        def side(number):
            return tuple(meaning.holds(c, {factor_id: number}, self.policy) for c in comparisons)

        return next((v for v in self.domains[factor_id] if v is not None and side(v) == side(value)), value)

    def case_of(self, term: dict) -> dict:
        """The smallest case of a term: each named factor at its first allowed answer."""
        answers = {}
        for factor, values in term.items():
            if None in values:
                continue
            answers[factor] = next(v for v in self.domains[factor] if v in values and v is not None)
        return answers

    def describe(self, term: dict) -> str:
        answers = self.case_of(term)
        shown = [f"{f}: {_show(v)}" for f, v in answers.items()]
        shown += [f"{f} unanswered" for f, values in term.items() if values == {None}]
        return ", ".join(shown) or "any case"

    def size(self) -> int:
        return math.prod(len(d) for d in self.domains.values())


# -- the search ----------------------------------------------------------------------------------

def search_problems(knowledge: Knowledge, report: Report, samples: int = SAMPLES, seed: int = 0,
                    policy=None) -> list:
    """Run the engine over the answer space; report unreached outcome values and failures."""
    from .engine import Engine
    from .errors import EngineError
    from .policy import default_policy

    policy = policy or default_policy(knowledge)
    conditions = Conditions(knowledge, policy)
    engine = Engine(knowledge, policy)
    places = _Places(knowledge)
    reached = {attribute: {} for attribute in knowledge.outcomes}
    failures: dict = {}
    size = conditions.size()
    try:
        for answers in _cases(conditions, size, samples, seed, report):
            try:
                reasoning = engine.reason(answers)
            except EngineError as error:
                failures.setdefault(str(error), answers)
                continue
            for attribute, value in reasoning.verdict:
                reached[attribute][value] = reached[attribute].get(value, 0) + 1
    finally:
        engine.close()
    report.reached = reached
    problems = []
    for message, answers in failures.items():
        shown = ", ".join(f"{f}: {_show(v)}" for f, v in answers.items()) or "no answers"
        text = f"the engine fails on a case found by the search ({shown}): {message}"
        rule = next((r for r in knowledge.rules if _names(message, r.id)), None)
        if rule is not None:
            problems.append(Problem(rule.file, rule.line, text))
        else:
            attribute = next((a for a in knowledge.outcomes if _names(message, a)), None)
            keys = ("outcomes", attribute) if attribute else ("outcomes",)
            problems.append(places.problem("outcomes.yaml", keys, text))
    for attribute, outcome in knowledge.outcomes.items():
        for index, value in enumerate(outcome.values):
            if value not in reached[attribute]:
                problems.append(places.problem("outcomes.yaml", ("outcomes", attribute, "values", index),
                                               f"{attribute} '{value}' is never reached: no case concludes it "
                                               f"({report.searched})"))
    return problems


def _names(message: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w.])", message) is not None


def _cases(conditions: Conditions, size: int, samples: int, seed: int, report: Report):
    factors = list(conditions.domains)
    if size <= EXHAUSTIVE_LIMIT:
        report.searched = f"searched all {size:,} cases, default policy"
        for values in itertools.product(*(conditions.domains[f] for f in factors)):
            yield {f: v for f, v in zip(factors, values) if v is not None}
        return
    built = []
    for rule in conditions.knowledge.rules:
        if "attribute" in rule.conclusion:
            built += [conditions.case_of(term) for term in conditions.rule_terms(rule)[:TERMS_PER_RULE]]
    report.searched = (f"searched {len(built):,} cases built from the rules' conditions and {samples:,} "
                       f"sampled cases of {_magnitude(size)}, default policy, seed {seed}")
    yield from built
    rng = random.Random(seed)
    for _ in range(samples):
        yield {f: v for f in factors if (v := rng.choice(conditions.domains[f])) is not None}


def _magnitude(size: int) -> str:
    exponent = int(math.log10(size))
    mantissa = size / 10 ** exponent
    return f"{mantissa:.1f} × 10^{exponent}"


# -- where things are written ---------------------------------------------------------------------

class _Places:
    """Problems placed at the file:line where the loader saw a key path."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge

    def problem(self, name: str, keys: tuple, message: str) -> Problem:
        return Problem(*self.knowledge.place(name, keys), message)
