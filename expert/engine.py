"""Run one case through durable-rules, guard its silent failures and record the trace.

The rule base is compiled into a durable-rules ruleset definition and registered with a
Host, which resolves each rule's action by name (`get_action`). The engine then drives the
ruleset's C handle itself: assert the case, take the activations one at a time, in
durable-rules' order, and run each resolved action. The Host's own dispatch (durable/
engine.py) wraps every action in a Closure, two clock reads, a state update and a JSON
round trip, and polls from two timer threads that raced our runs (error 307 in long
portfolio runs): that glue cost three quarters of every assessment (benchmarks/RESULTS.md).
Every action catches its own errors into the run, a fact durable-rules refuses is an error,
and a run with errors fails loudly. Each assessment has its own sid, deleted afterwards,
so memory stays flat. A ruleset is not thread-safe: use one Engine per process.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from . import durable_adapter as durable
from .compiler import CASE, FINDING, GROUP, GROUP_SINK, SINK, compile_rules
from .durable_adapter import NOT_HANDLED, REFUSED, STORED, encode
from .errors import EngineError, UnknownAction
from .knowledge import Knowledge
from .loops import ENGINE_FILE, firing_limit
from .policy import Policy

CACHE_SIZE = 4096
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


@dataclass(frozen=True)
class Reasoning:
    """Everything one run of the rules produced, before it is explained or rendered."""

    answers: tuple
    firings: tuple
    verdict: tuple              # (attribute, value) per outcome attribute
    deciding: tuple             # (attribute, indexes of the firings that decided it)
    traced: bool = True         # False: the firings do not say which findings they joined

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


class _Run:
    """What an action sees (durable-rules calls it `c`): the case, the activation, the trace."""

    __slots__ = ("sid", "answers", "traced", "activation", "firings", "errors", "groups")

    def __init__(self, sid: str, answers: dict, traced: bool):
        self.sid = sid
        self.answers = answers     # factor -> its (factor, value) pair
        self.traced = traced       # record which findings each firing joined
        self.activation = ""       # the JSON durable-rules gave for the rule firing now
        self.firings: list = []
        self.errors: list = []
        self.groups: dict = {}     # group -> indexes of the findings that belong to it, in order


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
        actions = {rule_id: self._action(rule_id) for rule_id in self.compiled}
        actions[SINK] = actions[GROUP_SINK] = _never  # sinks keep every fact placeable; they never fire
        try:
            self._ruleset = durable.Ruleset(self._name, definition, actions)
        except UnknownAction as error:
            raise EngineError(f"the rule base names an action '{error}' the engine does not have") from None
        except Exception as error:  # durable-rules only says a number: name the cause we know
            raise EngineError(f"the rule base could not be compiled into durable-rules: {error}") from None
        self._actions = self._ruleset.actions

    def reason(self, answers: dict, traced: bool = True) -> Reasoning:
        """Run the rules over these answers (factor -> value, unanswered factors left out).

        `traced=False` leaves out which findings each firing joined, the links of the
        how-chain: a sixth of the engine's time, which a verdict in bulk does not need.
        A traced reasoning serves both kinds of request from the cache."""
        key = tuple(sorted([(factor, value) if value.__class__ is not float else (factor, _engine_number(value))
                            for factor, value in answers.items()]))
        cached = self._cache.get(key)
        if cached is not None and (cached.traced or not traced):
            self._cache.move_to_end(key)
            return cached
        reasoning = self._reason(key, traced)
        self._cache[key] = reasoning
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return reasoning

    def _reason(self, key: tuple, traced: bool) -> Reasoning:
        if self._run is not None:
            raise EngineError("the engine is already reasoning (an Engine is not thread-safe)")
        if self._ruleset.closed:
            raise EngineError("the engine was closed")
        sid = str(next(self._sids))
        # Each firing's (factor, value) pairs are taken from here: one tuple per answer, shared.
        run = self._run = _Run(sid, {pair[0]: pair for pair in key}, traced)
        stored = False
        try:
            status, state = self._ruleset.assert_fact(encode({"t": CASE, "sid": sid, **dict(key)}))
            stored = status == STORED
            if stored:
                self._fire(run, state)
            elif status != NOT_HANDLED:  # not handled: no rule reads this case, reported below
                run.errors.append(f"durable-rules refused the case: {REFUSED.get(status, status)}")
        except Exception as error:
            run.errors.append(f"durable-rules failed on the case: {error}")
        finally:
            self._run = None
        # Only a stored case has a state to delete: deleting the state of a refused case
        # crashes durable-rules 2.0.28 (segmentation fault).
        if stored:
            try:
                self._ruleset.delete_state(sid)
            except Exception as error:
                run.errors.append(f"durable-rules could not release the case: {error}")
        if run.errors:
            raise EngineError("the reasoning failed: " + "; ".join(run.errors))
        return Reasoning(key, tuple(run.firings), *self._decide(run.firings), traced)

    def _fire(self, run: _Run, state: int):
        """Run the activations one by one, in durable-rules' order, until none is left."""
        ruleset, actions, rule_of = self._ruleset, self._actions, durable.rule_of
        activation = ruleset.first_activation(state)
        while activation:
            if len(run.firings) >= self.max_firings:
                run.errors.append(f"more than {self.max_firings:,} rule firings for one case (the limit set in "
                                  f"{ENGINE_FILE}): the rule base loops; 'adieu knowledge check' finds where")
                return
            rule_id = rule_of(activation)
            action = actions.get(rule_id) or _unknown(rule_id)
            run.activation = activation
            action(run)
            activation = ruleset.next_activation(state)

    def _decide(self, firings: list) -> tuple:
        """Per outcome attribute, the value concluded by the highest-priority rule."""
        tops: dict = {}  # attribute -> (highest priority, the firings that concluded it at that priority)
        for firing in firings:
            attribute = firing.conclusion.get("attribute")
            if attribute is not None:
                priority = firing.conclusion["priority"]
                top = tops.get(attribute)
                if top is None or priority > top[0]:
                    tops[attribute] = (priority, [firing])
                elif priority == top[0]:
                    top[1].append(firing)
        verdict, deciding = [], []
        for attribute in self.knowledge.outcomes:
            if attribute not in tops:
                raise EngineError(f"no rule concluded the {attribute} for this case")
            top, winners = tops[attribute]
            values = sorted({f.conclusion["value"] for f in winners})
            if len(values) > 1:
                rules = ", ".join(sorted({f.rule for f in winners}))
                raise EngineError(f"rules {rules} conclude different {attribute}s "
                                  f"({', '.join(values)}) at the same priority {top}")
            verdict.append((attribute, values[0]))
            deciding.append((attribute, tuple(f.index for f in winners)))
        return tuple(verdict), tuple(deciding)

    def _action(self, rule_id: str):
        """The action run when `rule_id` fires: record the firing, assert its finding."""
        compiled = self.compiled[rule_id]
        finding = self.knowledge.findings.get(compiled.rule.conclusion.get("finding"))
        conclusion = dict(compiled.rule.conclusion)
        factors = compiled.factors if compiled.case_binding else ()
        groups = compiled.binding_groups
        bindings = tuple(f'"{name}":{{"n":' for name, group in zip(compiled.finding_bindings, groups)
                         if group is None)
        grouped = any(group is not None for group in groups)
        feeds = tuple((group, f'{{"g":{group},"sid":"') for group in compiled.feeds)
        bound_number = durable.bound_number
        # The finding fact, written once with its position in the trace first: only that
        # position and the sid vary, and the rules that join it read the position back.
        rest = encode({"t": FINDING, "name": finding.id, "severity": conclusion["severity"],
                        "category": finding.category})[1:] if finding else None

        def action(run: _Run):
            activation = run.activation
            try:
                if not run.traced:
                    findings = None  # unknown, not empty: reading it fails loudly
                elif bindings:
                    findings = tuple([bound_number(activation, key) for key in bindings])
                else:
                    findings = ()
                if findings and None in findings:  # not laid out as expected: decode the whole activation
                    matched = durable.bindings(activation, rule_id)
                    findings = tuple([matched[name]["n"] for name, group in zip(compiled.finding_bindings, groups)
                                      if group is None])
                if grouped and findings is not None:  # a group joined: every finding of it, in order
                    named = iter(findings)
                    findings = tuple([i for group in groups
                                      for i in ((next(named),) if group is None else run.groups[group])])
                index = len(run.firings)
                # The case fact durable-rules matched is the one asserted from run.answers.
                run.firings.append(Firing(index, rule_id, findings, conclusion, factors, run.answers))
                if rest is not None:
                    status, _ = self._ruleset.assert_fact(f'{{"n":{index},"sid":"{run.sid}",{rest}')
                    if status != STORED:
                        run.errors.append(f"rule {rule_id}: durable-rules refused its finding: "
                                          f"{REFUSED.get(status, status)}")
                    for group, head in feeds:   # the first finding of a group asserts the group
                        members = run.groups.get(group)
                        if members is not None:
                            members.append(index)
                            continue
                        run.groups[group] = [index]
                        status, _ = self._ruleset.assert_fact(f'{head}{run.sid}","t":"{GROUP}"}}')
                        if status != STORED:
                            run.errors.append(f"rule {rule_id}: durable-rules refused the group of its "
                                              f"finding: {REFUSED.get(status, status)}")
            except BaseException as error:  # keep it for the run: never lose an action's failure
                run.errors.append(f"rule {rule_id}: {type(error).__name__}: {error}")

        return action

    def close(self):
        """Free the compiled ruleset in durable-rules (for tidy long runs and tests)."""
        self._ruleset.close()


def _never(c):
    """The sink rule's action: its pattern cannot match, so this never runs."""
    c.errors.append("the sink rule fired, which its pattern forbids")


def _unknown(rule_id):
    raise EngineError(f"durable-rules fired '{rule_id}', which is not a rule of this rule base")


def _engine_number(value):
    """durable-rules' JSON parser rejects exponents (1e-05): numbers are kept to 4 decimals,
    and whole floats become ints, so every number it sees is written in plain digits."""
    if isinstance(value, float):
        value = round(value, 4)
        if value.is_integer():
            return int(value)
    return value
