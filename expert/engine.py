"""Run one case through durable-rules, guard its silent failures and record the trace.

The rule base is compiled into a durable-rules ruleset and driven through its C engine
(durable_adapter): assert the case, take the activations one at a time, in durable-rules'
order, and do what each fired rule's conclusion says, read from a table made once per rule
(`_Consequence`): record the firing, assert its finding. What a firing does is data, not an
action resolved and called by durable-rules' Python layer (durable_adapter says why that layer
is not used). A fact durable-rules refuses is an error, and a run with errors fails loudly.
Each assessment has its own sid, deleted afterwards, so memory stays flat. A ruleset is not
thread-safe: use one Engine per process.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections import OrderedDict
from itertools import compress
from typing import NamedTuple

from . import durable_adapter as durable
from .compiler import CASE, FINDING, GROUP, GROUP_SINK, SINK, compile_rules
from .durable_adapter import NOT_HANDLED, OBSERVED, REFUSED, STORED, encode
from .errors import EngineError
from .knowledge import Knowledge
from .loops import ENGINE_FILE, firing_limit
from .policy import Policy

CACHE_SIZE = 4096
FRAGMENTS = 4096  # answers' texts kept for the case fact (numbers seldom repeat)
_ruleset_numbers = itertools.count(1)


class Firing(NamedTuple):
    """One rule that fired, with what it matched and what it concluded.

    A named tuple, not a dataclass: a case fires some thirty rules, and a frozen dataclass
    took twice as long to build and twice the memory in the cache. The answers it read are
    looked up when asked for: most firings of a portfolio are never shown.
    """

    index: int
    rule: str
    findings: tuple | None  # indexes of the firings whose findings it matched (None: not traced)
    conclusion: dict
    factors: tuple          # the factors the rule read
    case: dict              # the case's answers: factor -> (factor, value), shared by the run

    @property
    def answers(self) -> tuple:
        """(factor, value) pairs the rule read; value None = unanswered."""
        case = self.case
        return tuple([case.get(factor) or (factor, None) for factor in self.factors])

    def as_dict(self) -> dict:
        return {
            "step": self.index,
            "rule": self.rule,
            "matched": {
                "answers": {factor: value for factor, value in self.answers},
                "findings": list(self.findings),
            },
            "concluded": dict(self.conclusion),
        }


class Reasoning:
    """Everything one run of the rules produced, before it is explained or rendered.

    The firings are built when first read: a verdict in bulk reads only the verdict and the
    conclusions, and building a named tuple per firing was a tenth of a case's Python.
    """

    __slots__ = ("answers", "verdict", "deciding", "traced", "_rules", "_links", "_firings")

    def __init__(self, answers: tuple, rules: tuple, links: tuple | None, verdict: tuple, deciding: tuple,
                 traced: bool = True):
        self.answers = answers      # the case's (factor, value) pairs, as given
        self.verdict = verdict      # (attribute, value) per outcome attribute
        self.deciding = deciding    # (attribute, indexes of the firings that decided it)
        self.traced = traced        # False: the firings do not say which findings they joined
        self._rules = rules         # per firing: the engine's record of its rule (Engine._action)
        self._links = links         # per firing: the indexes of the findings it joined (None: not traced)
        self._firings = None

    @property
    def firings(self) -> tuple:
        firings = self._firings
        if firings is None:
            # One (factor, value) pair per answer, shared; each value as durable-rules read it.
            case = {factor: (factor, _engine_number(value)) for factor, value in self.answers}
            links = self._links or itertools.repeat(None)
            firings = self._firings = tuple([Firing(index, record[0], joined, record[1], record[2], case)
                                             for index, (record, joined) in enumerate(zip(self._rules, links))])
        return firings

    def conclusions(self) -> list:
        """What each firing concluded, in firing order (without building the firings)."""
        return [record[1] for record in self._rules]

    def concluded_findings(self) -> list:
        """(finding, severity, category) of each firing that concluded a finding, in firing order."""
        return [record[4] for record in self._rules if record[4] is not None]

    def value(self, attribute: str):
        return dict(self.verdict)[attribute]

    def deciding_firings(self, attribute: str) -> list:
        return [self.firings[i] for i in dict(self.deciding)[attribute]]

    def findings(self) -> list:
        return [f for f in self.firings if "finding" in f.conclusion]

    def require_trace(self) -> "Reasoning":
        """This reasoning, if it recorded which findings each firing joined."""
        if not self.traced:
            raise EngineError("this reasoning was run without its trace (traced=False): "
                              "it cannot explain how the verdict was reached")
        return self


class _Consequence(NamedTuple):
    """What the engine does when one rule fires: durable-rules only says which rule it was."""

    record: tuple          # what the firing holds beyond its position (Engine._consequence)
    decides: bool          # it concludes an outcome attribute
    finding: str | None    # the finding fact's text after its position and sid, None: no finding
    feeds: tuple           # (group, head of the group fact) for each `finding: any` group it joins
    rule_id: str
    keys: tuple            # '"f0":{"n":' per finding bound alone, to read its position back
    bindings: tuple        # the rule's finding bindings (f0, f1...), in order
    groups: tuple          # per binding: the group it joins, None for a finding bound alone
    grouped: bool          # some binding joins a group


class _Run:
    """One case's run: its sid, what fired, what went wrong."""

    __slots__ = ("sid", "links", "fired", "errors", "groups", "deciding", "assert_fact")

    def __init__(self, sid: str, traced: bool, assert_fact):
        self.sid = sid
        self.links = [] if traced else None  # per firing, the findings it joined (None: not traced)
        self.fired: list = []      # per firing: (rule id, conclusion, factors read, decides, finding)
        self.errors: list = []
        self.groups: dict = {}     # group -> indexes of the findings that belong to it, in order
        self.deciding: list = []   # indexes of the firings that concluded an outcome attribute
        self.assert_fact = assert_fact  # durable-rules' assert_fact, bound to the ruleset


class Engine:
    """The rule base compiled for one policy, ready to reason over many cases in a row."""

    def __init__(self, knowledge: Knowledge, policy: Policy, group_any: bool = True):
        self.knowledge = knowledge
        self.policy = policy
        definition, self.compiled, self.inactive_rules = compile_rules(knowledge, policy, group_any)
        self._name = f"adieu{next(_ruleset_numbers)}"
        self._sids = itertools.count(1)
        self._run: _Run | None = None
        self._cache: OrderedDict = OrderedDict()
        self.cache_size = CACHE_SIZE  # reasonings kept, most recently used first (0: none)
        self.max_firings = firing_limit(knowledge)  # past it, a case is stopped: a loop, not a verdict
        self._fragments: dict = {}  # (factor, value) -> its text in the case fact: '"factor":value'
        # Per rule name in the ruleset, what its firing does; the sinks keep every fact
        # placeable and never fire (not in the table: a firing of theirs is an error).
        self._consequences = {name: self._consequence(rule["run"]) for name, rule in definition.items()
                              if name not in (SINK, GROUP_SINK)}
        try:
            self._ruleset = durable.Ruleset(self._name, definition)
        except Exception as error:  # durable-rules only says a number: name the cause we know
            raise EngineError(f"the rule base could not be compiled into durable-rules: {error}") from None
        names = {len(name) for name in self._consequences}
        self._name_end = 2 + names.pop() if len(names) == 1 else 0  # where a rule's name ends: {"NAME":
        self._calls = self._ruleset.calls()  # None once closed: they would reach freed memory
        self._case_head = '{"t":' + encode(CASE) + ',"sid":"'
        self._attributes = tuple(knowledge.outcomes)

    def reason(self, answers: dict, traced: bool = True) -> Reasoning:
        """Run the rules over these answers (factor -> value, unanswered factors left out).

        `traced=False` leaves out which findings each firing joined, the links of the
        how-chain: a sixth of the engine's time, which a verdict in bulk does not need.
        A traced reasoning serves both kinds of request from the cache."""
        # The answers as given, unsorted: the same answers in the same order make the same key
        # (12.0 and 12 too), and a book's rows share their columns' order; other orders only
        # miss the cache. Numbers are written for durable-rules in _case_fact.
        key = tuple(answers.items())
        if not self.cache_size:
            return self._reason(key, traced)
        cached = self._cache.get(key)
        if cached is not None and (cached.traced or not traced):
            self._cache.move_to_end(key)
            return cached
        reasoning = self._reason(key, traced)
        self._cache[key] = reasoning
        if len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return reasoning

    def _reason(self, key: tuple, traced: bool) -> Reasoning:
        if self._run is not None:
            raise EngineError("the engine is already reasoning (an Engine is not thread-safe)")
        if self._calls is None:
            raise EngineError("the engine was closed")
        sid = str(next(self._sids))
        assert_fact, start, complete, delete = self._calls
        run = self._run = _Run(sid, traced, assert_fact)
        stored = False
        try:
            fact = self._case_fact(sid, key)
            status, state = assert_fact(fact)
            if status == OBSERVED:   # its id hashed like the state's own (durable_adapter.assert_anew)
                status, state = durable.assert_anew(assert_fact, fact, f"{sid}.case")
            stored = status in (STORED, NOT_HANDLED)     # either way durable-rules made a state
            if status == STORED:
                self._fire(run, state, start, complete)
            elif status != NOT_HANDLED:  # not handled: no rule reads this case, reported below
                run.errors.append(f"durable-rules refused the case: {REFUSED.get(status, status)}")
        except Exception as error:
            run.errors.append(f"durable-rules failed on the case: {error}")
        finally:
            self._run = None
        # A case no rule reads has a state too: it is deleted like the others (this crashed
        # durable-rules 2.0.28 until the adapter primed its rulesets: durable_adapter.Ruleset._prime).
        if stored:
            try:
                delete(sid)
            except Exception as error:
                run.errors.append(f"durable-rules could not release the case: {error}")
        if run.errors:
            raise EngineError("the reasoning failed: " + "; ".join(run.errors))
        return Reasoning(key, tuple(run.fired), None if run.links is None else tuple(run.links),
                         *self._decide(run.fired, run.deciding), traced)

    def _case_fact(self, sid: str, key: tuple) -> str:
        """The case as durable-rules reads it, `encode`'s text with its numbers in plain digits
        (_engine_number), from each answer's text, kept: a book repeats its answers (a few
        thousand are kept, numbers seldom repeat)."""
        fragments = self._fragments
        parts = list(map(fragments.get, key))
        try:
            return self._case_head + sid + '"' + "".join(parts) + "}"
        except TypeError:  # an answer not written yet
            for index in compress(range(len(parts)), map(_IS_NONE, parts)):
                factor, value = key[index]
                parts[index] = "," + encode(factor) + ":" + encode(_engine_number(value))
                if len(fragments) < FRAGMENTS:
                    fragments[key[index]] = parts[index]
            return self._case_head + sid + '"' + "".join(parts) + "}"

    def _fire(self, run: _Run, state: int, start, complete):
        """Take the activations one by one, in durable-rules' order, until none is left, and
        do what each fired rule concludes. The loop is the engine's busiest code: each name
        is a local, and a firing's consequence is read from a table, never called."""
        consequences, fired, limit, name_end = self._consequences, run.fired, self.max_firings, self._name_end
        links, deciding, assert_fact, sid = run.links, run.deciding, run.assert_fact, run.sid
        started = start(state)
        activation = started[1] if started else None
        consequence = None  # the firing whose consequence is being drawn, for an error's message
        try:
            while activation:
                index = len(fired)
                if index >= limit:
                    run.errors.append(f"more than {limit:,} rule firings for one case (the limit set in "
                                      f"{ENGINE_FILE}): the rule base loops; 'adieu knowledge check' finds where")
                    return
                # {"r07":{...}}: the compiler's rule names are all of one length (compiler.rule_name);
                # any other is read the slow way.
                consequence = consequences.get(activation[2:name_end]) or self._named(activation)
                record, decides, finding, feeds, _, _, _, _, _ = consequence
                if links is not None:
                    links.append(self._joined(consequence, activation, run))
                fired.append(record)
                if decides:
                    deciding.append(index)
                if finding is not None:
                    fact = f'{{"n":{index},"sid":"{sid}",{finding}'
                    status = assert_fact(fact)[0]
                    if status != STORED:
                        self._refused(run, consequence, fact, f"{sid}.{index}", status, "its finding")
                    if feeds:
                        self._join_groups(run, consequence, index)
                consequence = None
                activation = complete(state)
        except Exception as error:
            if consequence is None:
                raise   # durable-rules' own failure: _reason says so
            run.errors.append(f"rule {consequence.rule_id}: {type(error).__name__}: {error}")

    def _named(self, activation: str) -> _Consequence:
        name = durable.rule_of(activation)
        consequence = self._consequences.get(name)
        if consequence is None:
            raise EngineError(f"durable-rules fired '{name}', which is not a rule of this rule base")
        return consequence

    @staticmethod
    def _refused(run: _Run, consequence: _Consequence, fact: str, key: str, status: int, what: str):
        """A fact of the run refused: asserted again under an id of its own when its id only
        hashed like another's (no fact of a case is another's), otherwise an error."""
        if status == OBSERVED:
            status = durable.assert_anew(run.assert_fact, fact, key)[0]
        if status != STORED:
            run.errors.append(f"rule {consequence.rule_id}: durable-rules refused {what}: "
                              f"{REFUSED.get(status, status)}")

    def _join_groups(self, run: _Run, consequence: _Consequence, index: int):
        """The finding at `index` joins its groups; the first finding of a group asserts it."""
        for group, head in consequence.feeds:
            members = run.groups.get(group)
            if members is not None:
                members.append(index)
                continue
            run.groups[group] = [index]
            fact = f'{head}{run.sid}","t":"{GROUP}"}}'
            status = run.assert_fact(fact)[0]
            if status != STORED:
                self._refused(run, consequence, fact, f"{run.sid}.g{group}", status, "the group of its finding")

    @staticmethod
    def _joined(consequence: _Consequence, activation: str, run: _Run) -> tuple:
        """The positions of the findings a firing joined, for the how-chain: each finding bound
        alone read from the activation, and every finding of each group it joined, in order."""
        _, _, _, _, _, keys, bindings, groups, grouped = consequence
        if not keys:
            findings = ()
        else:
            bound_number = durable.bound_number
            findings = tuple([bound_number(activation, key) for key in keys])
            if None in findings:  # not laid out as expected: decode the whole activation
                matched = durable.bindings(activation, activation[2:activation.find('"', 2)])
                findings = tuple([matched[name]["n"] for name, group in zip(bindings, groups) if group is None])
        if grouped:  # a group joined: every finding of it, in order
            named = iter(findings)
            findings = tuple([i for group in groups
                              for i in ((next(named),) if group is None else run.groups[group])])
        return findings

    def _decide(self, fired: list, deciding: list) -> tuple:
        """Per outcome attribute, the value concluded by the highest-priority rule (`deciding`:
        the indexes of the firings that concluded an attribute, in firing order)."""
        tops: dict = {}  # attribute -> [highest priority, indexes of the firings that concluded it there]
        for index in deciding:
            attribute, priority, _ = fired[index][3]
            top = tops.get(attribute)
            if top is None or priority > top[0]:
                tops[attribute] = [priority, [index]]
            elif priority == top[0]:
                top[1].append(index)
        verdict, chosen = [], []
        for attribute in self._attributes:
            top = tops.get(attribute)
            if top is None:
                raise EngineError(f"no rule concluded the {attribute} for this case")
            priority, winners = top
            if len(winners) == 1:
                value = fired[winners[0]][3][2]
            else:
                values = sorted({fired[i][3][2] for i in winners})
                if len(values) > 1:
                    rules = ", ".join(sorted({fired[i][0] for i in winners}))
                    raise EngineError(f"rules {rules} conclude different {attribute}s "
                                      f"({', '.join(values)}) at the same priority {priority}")
                value = values[0]
            verdict.append((attribute, value))
            chosen.append((attribute, tuple(winners)))
        return tuple(verdict), tuple(chosen)

    def _consequence(self, rule_id: str) -> _Consequence:
        """What a firing of `rule_id` does: the record it adds to the trace, and the finding
        fact it asserts, written once with its position first (only the position and the sid
        vary, and the rules that join it read the position back)."""
        compiled = self.compiled[rule_id]
        finding = self.knowledge.findings.get(compiled.rule.conclusion.get("finding"))
        conclusion = dict(compiled.rule.conclusion)
        decides = conclusion.get("attribute") is not None
        factors = compiled.factors if compiled.case_binding else ()
        groups = compiled.binding_groups
        text = encode({"t": FINDING, "name": finding.id, "severity": conclusion["severity"],
                       "category": finding.category})[1:] if finding else None
        # Beyond its position: rule id, conclusion, factors read, what it decides (attribute,
        # priority, value) and the finding it concludes (finding, severity, category), each
        # None when it does not.
        record = (rule_id, conclusion, factors,
                  (conclusion["attribute"], conclusion["priority"], conclusion["value"]) if decides else None,
                  (finding.id, conclusion.get("severity"), finding.category) if finding else None)
        return _Consequence(
            record, decides, text,
            tuple((group, f'{{"g":{group},"sid":"') for group in compiled.feeds),
            rule_id,
            tuple(f'"{name}":{{"n":' for name, group in zip(compiled.finding_bindings, groups) if group is None),
            compiled.finding_bindings, groups, any(group is not None for group in groups))

    def close(self):
        """Free the compiled ruleset in durable-rules (for tidy long runs and tests)."""
        self._calls = None
        self._ruleset.close()


_IS_NONE = functools.partial(operator.is_, None)


def _engine_number(value):
    """durable-rules' JSON parser rejects exponents (1e-05): numbers are kept to 4 decimals,
    and whole floats become ints, so every number it sees is written in plain digits."""
    if isinstance(value, float):
        value = round(value, 4)
        if value.is_integer():
            return int(value)
    return value
