"""Run one case through durable-rules, guard its silent failures and record the trace.

The rule base is compiled into a durable-rules ruleset definition and registered with a
Host, which resolves each rule's action by name (`get_action`). The engine then drives the
ruleset's C handle itself: assert the case, take the activations one at a time, in
durable-rules' order, and run each resolved action. The Host's own dispatch (durable/
engine.py) wraps every action in a Closure, two clock reads, a state update and a JSON
round trip, and polls from two timer threads that raced our runs (error 307 in long
portfolio runs): that glue cost three quarters of every assessment (benchmarks/RESULTS.md).
Every action catches its own errors into the run, a fact durable-rules refuses is an error,
and a run with errors fails loudly. The cases of an Engine share one sid: after a case, the
facts it asserted are retracted, which leaves the state as it was and costs a fifth less than
deleting the state and creating the next one (durable-rules sets up every node of a new
state); a case that went wrong deletes its state, and the next one starts on a new sid. So
memory stays flat. A ruleset is not thread-safe: use one Engine per process.
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
from .durable_adapter import NOT_HANDLED, REFUSED, STORED, encode
from .errors import EngineError, UnknownAction
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


class _Run:
    """What an action sees (durable-rules calls it `c`): the case, the activation, the trace."""

    __slots__ = ("sid", "links", "activation", "fired", "errors", "groups", "deciding", "assert_fact", "asserted")

    def __init__(self, sid: str, traced: bool, assert_fact):
        self.sid = sid
        self.links = [] if traced else None  # per firing, the findings it joined (None: not traced)
        self.activation = ""       # the JSON durable-rules gave for the rule firing now
        self.fired: list = []      # per firing: (rule id, conclusion, factors read)
        self.errors: list = []
        self.groups: dict = {}     # group -> indexes of the findings that belong to it, in order
        self.deciding: list = []   # indexes of the firings that concluded an outcome attribute
        self.assert_fact = assert_fact  # durable-rules' assert_fact, bound to the ruleset
        self.asserted: list = []   # the texts of the facts the actions asserted, retracted after the case


class Engine:
    """The rule base compiled for one policy, ready to reason over many cases in a row."""

    def __init__(self, knowledge: Knowledge, policy: Policy, group_any: bool = True):
        self.knowledge = knowledge
        self.policy = policy
        definition, self.compiled, self.inactive_rules = compile_rules(knowledge, policy, group_any)
        self._name = f"adieu{next(_ruleset_numbers)}"
        self._sids = itertools.count(1)
        self._sid = str(next(self._sids))  # the state every case runs in, while cases leave it clean
        self._run: _Run | None = None
        self._cache: OrderedDict = OrderedDict()
        self.cache_size = CACHE_SIZE  # reasonings kept, most recently used first (0: none)
        self.max_firings = firing_limit(knowledge)  # past it, a case is stopped: a loop, not a verdict
        self._fragments: dict = {}  # (factor, value) -> its text in the case fact: '"factor":value'
        actions = {rule_id: self._action(rule_id) for rule_id in self.compiled}
        actions[SINK] = actions[GROUP_SINK] = _never  # sinks keep every fact placeable; they never fire
        try:
            self._ruleset = durable.Ruleset(self._name, definition, actions)
        except UnknownAction as error:
            raise EngineError(f"the rule base names an action '{error}' the engine does not have") from None
        except Exception as error:  # durable-rules only says a number: name the cause we know
            raise EngineError(f"the rule base could not be compiled into durable-rules: {error}") from None
        self._actions = self._ruleset.actions
        names = {len(name) for name in definition if name not in (SINK, GROUP_SINK)}
        self._name_end = 2 + names.pop() if len(names) == 1 else 0  # where a rule's name ends: {"NAME":
        self._calls = self._ruleset.calls()  # None once closed: they would reach freed memory
        self._retract = self._ruleset.retract_call()
        self._case_head = '{"t":' + encode(CASE) + ',"sid":"'
        self._attributes = tuple(knowledge.outcomes)

    def reason(self, answers: dict, traced: bool = True) -> Reasoning:
        """Run the rules over these answers (factor -> value, unanswered factors left out).

        `traced=False` leaves out which findings each firing joined, the links of the
        how-chain: a sixth of the engine's time, which a verdict in bulk does not need.
        A traced reasoning serves both kinds of request from the cache."""
        # The answers as given: equal answers make equal keys whatever their order (12.0 and 12
        # too); numbers are written for durable-rules in _case_fact.
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
        sid = self._sid
        assert_fact, start, complete, delete = self._calls
        run = self._run = _Run(sid, traced, assert_fact)
        stored = False
        try:
            case = self._case_fact(sid, key)
            status, state = assert_fact(case)
            stored = status == STORED
            if stored:
                self._fire(run, state, start, complete)
            elif status != NOT_HANDLED:  # not handled: no rule reads this case, reported below
                run.errors.append(f"durable-rules refused the case: {REFUSED.get(status, status)}")
        except Exception as error:
            run.errors.append(f"durable-rules failed on the case: {error}")
        finally:
            self._run = None
        # Only a stored case has facts to retract or a state to delete: deleting the state of
        # a refused case crashes durable-rules 2.0.28 (segmentation fault).
        if stored:
            try:
                if run.errors or not self._retracted(run.asserted, case):
                    # Something may be left in the state (a fact, an activation not taken):
                    # it goes, and the next case starts on a new sid.
                    self._sid = str(next(self._sids))
                    delete(sid)
            except Exception as error:
                run.errors.append(f"durable-rules could not release the case: {error}")
        if run.errors:
            raise EngineError("the reasoning failed: " + "; ".join(run.errors))
        return Reasoning(key, tuple(run.fired), None if run.links is None else tuple(run.links),
                         *self._decide(run.fired, run.deciding), traced)

    def _retracted(self, asserted: list, case: str) -> bool:
        """Retract a case's facts, its findings and groups last asserted first; False when
        durable-rules refuses one."""
        retract = self._retract
        for text in reversed(asserted):
            if retract(text)[0] != STORED:
                return False
        return retract(case)[0] == STORED

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
        """Run the activations one by one, in durable-rules' order, until none is left."""
        actions, fired, limit, name_end = self._actions, run.fired, self.max_firings, self._name_end
        started = start(state)
        activation = started[1] if started else None
        while activation:
            if len(fired) >= limit:
                run.errors.append(f"more than {limit:,} rule firings for one case (the limit set in "
                                  f"{ENGINE_FILE}): the rule base loops; 'adieu knowledge check' finds where")
                return
            # {"r07":{...}}: the compiler's rule names are all of one length (compiler.rule_name);
            # any other is read the slow way.
            action = actions.get(activation[2:name_end])
            if action is None:
                name = durable.rule_of(activation)
                action = actions.get(name) or _unknown(name)
            run.activation = activation
            action(run)
            activation = complete(state)

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

    def _action(self, rule_id: str):
        """The action run when `rule_id` fires: record the firing, assert its finding."""
        compiled = self.compiled[rule_id]
        finding = self.knowledge.findings.get(compiled.rule.conclusion.get("finding"))
        conclusion = dict(compiled.rule.conclusion)
        decides = conclusion.get("attribute") is not None
        factors = compiled.factors if compiled.case_binding else ()
        groups = compiled.binding_groups
        bindings = tuple(f'"{name}":{{"n":' for name, group in zip(compiled.finding_bindings, groups)
                         if group is None)
        grouped = any(group is not None for group in groups)
        feeds = tuple((group, f'{{"g":{group},"sid":"') for group in compiled.feeds) or None
        bound_number = durable.bound_number
        # The finding fact, written once with its position in the trace first: only that
        # position and the sid vary, and the rules that join it read the position back.
        rest = encode({"t": FINDING, "name": finding.id, "severity": conclusion["severity"],
                        "category": finding.category})[1:] if finding else None

        # What a firing of this rule holds beyond its position: rule id, conclusion, factors read,
        # what it decides (attribute, priority, value) and the finding it concludes
        # (finding, severity, category), each None when it does not.
        record = (rule_id, conclusion, factors,
                  (conclusion["attribute"], conclusion["priority"], conclusion["value"]) if decides else None,
                  (finding.id, conclusion.get("severity"), finding.category) if finding else None)

        # The action is chosen here by what the rule concludes, so that a firing runs only
        # what its rule needs: most firings of a portfolio are untraced, concluding a finding
        # with no group to feed, or only an outcome.
        def linked(run: _Run) -> tuple:
            """Which findings this firing joined (traced runs only)."""
            activation = run.activation
            findings = tuple([bound_number(activation, key) for key in bindings]) if bindings else ()
            if findings and None in findings:  # not laid out as expected: decode the whole activation
                matched = durable.bindings(activation, rule_id)
                findings = tuple([matched[name]["n"] for name, group
                                  in zip(compiled.finding_bindings, groups) if group is None])
            if grouped:  # a group joined: every finding of it, in order
                named = iter(findings)
                findings = tuple([i for group in groups
                                  for i in ((next(named),) if group is None else run.groups[group])])
            return findings

        def feed(run: _Run, index: int):
            """The first finding of a group asserts the group; the others join its members."""
            for group, head in feeds:
                members = run.groups.get(group)
                if members is not None:
                    members.append(index)
                    continue
                run.groups[group] = [index]
                text = f'{head}{run.sid}","t":"{GROUP}"}}'
                status = run.assert_fact(text)[0]
                run.asserted.append(text)
                if status != STORED:
                    run.errors.append(f"rule {rule_id}: durable-rules refused the group of its "
                                      f"finding: {REFUSED.get(status, status)}")

        if rest is not None and not decides and feeds is None:
            def action(run: _Run):
                try:
                    if run.links is not None:
                        run.links.append(linked(run))
                    fired = run.fired
                    index = len(fired)
                    fired.append(record)
                    text = f'{{"n":{index},"sid":"{run.sid}",{rest}'
                    status = run.assert_fact(text)[0]
                    run.asserted.append(text)
                    if status != STORED:
                        run.errors.append(f"rule {rule_id}: durable-rules refused its finding: "
                                          f"{REFUSED.get(status, status)}")
                except BaseException as error:  # keep it for the run: never lose an action's failure
                    run.errors.append(f"rule {rule_id}: {type(error).__name__}: {error}")
        elif rest is None and decides:
            def action(run: _Run):
                try:
                    if run.links is not None:
                        run.links.append(linked(run))
                    fired = run.fired
                    run.deciding.append(len(fired))
                    fired.append(record)
                except BaseException as error:
                    run.errors.append(f"rule {rule_id}: {type(error).__name__}: {error}")
        else:
            def action(run: _Run):
                try:
                    if run.links is not None:
                        run.links.append(linked(run))
                    fired = run.fired
                    index = len(fired)
                    fired.append(record)
                    if decides:
                        run.deciding.append(index)
                    if rest is not None:
                        text = f'{{"n":{index},"sid":"{run.sid}",{rest}'
                        status = run.assert_fact(text)[0]
                        run.asserted.append(text)
                        if status != STORED:
                            run.errors.append(f"rule {rule_id}: durable-rules refused its finding: "
                                              f"{REFUSED.get(status, status)}")
                        if feeds is not None:
                            feed(run, index)
                except BaseException as error:
                    run.errors.append(f"rule {rule_id}: {type(error).__name__}: {error}")

        return action

    def close(self):
        """Free the compiled ruleset in durable-rules (for tidy long runs and tests)."""
        self._calls = None
        self._ruleset.close()


def _never(c):
    """The sink rule's action: its pattern cannot match, so this never runs."""
    c.errors.append("the sink rule fired, which its pattern forbids")


_IS_NONE = functools.partial(operator.is_, None)


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
