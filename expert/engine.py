"""Run one case through durable-rules, guard its silent failures and record the trace.

durable-rules swallows exceptions raised in actions and refuses facts it cannot place;
every action here catches its own errors into the run, and a run with errors fails loudly.
Each assessment has its own sid, deleted afterwards, so memory stays flat. A Host is not
thread-safe: use one Engine per process.
"""

from __future__ import annotations

import copy
import itertools
import warnings
from collections import OrderedDict
from dataclasses import dataclass, field

from .compiler import CASE, SINK, compile_rules
from .errors import EngineError
from .knowledge import Knowledge
from .policy import Policy

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from durable import engine as durable_engine

CACHE_SIZE = 4096
_ruleset_numbers = itertools.count(1)


@dataclass(frozen=True)
class Firing:
    """One rule that fired, with what it matched and what it concluded."""

    index: int
    rule: str
    answers: tuple          # (factor, value) pairs the rule read; value None = unanswered
    findings: tuple         # indexes of the firings whose findings it matched
    conclusion: dict

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

    def value(self, attribute: str):
        return dict(self.verdict)[attribute]

    def deciding_firings(self, attribute: str) -> list:
        return [self.firings[i] for i in dict(self.deciding)[attribute]]

    def findings(self) -> list:
        return [f for f in self.firings if "finding" in f.conclusion]


@dataclass
class _Run:
    sid: str
    firings: list = field(default_factory=list)
    errors: list = field(default_factory=list)


class _Host(durable_engine.Host):
    """A Host that resolves action names to the engine's generic actions."""

    def __init__(self, actions: dict):
        self._actions = actions
        super().__init__()

    def get_action(self, action_name):
        return self._actions[action_name]


class Engine:
    """The rule base compiled for one policy, ready to reason over many cases in a row."""

    def __init__(self, knowledge: Knowledge, policy: Policy):
        self.knowledge = knowledge
        self.policy = policy
        definition, self.compiled, self.inactive_rules = compile_rules(knowledge, policy)
        self._name = f"adieu{next(_ruleset_numbers)}"
        self._sids = itertools.count(1)
        self._run: _Run | None = None
        self._cache: OrderedDict = OrderedDict()
        actions = {rule_id: self._action(rule_id) for rule_id in self.compiled}
        actions[SINK] = _ignore
        self._host = _Host(actions)
        try:
            self._host.register_rulesets({self._name: copy.deepcopy(definition)})
        except Exception as error:  # durable-rules only says a number: name the cause we know
            raise EngineError(f"the rule base could not be compiled into durable-rules: {error}") from None
        # The Host's two timer threads also run actions; racing our synchronous runs they made
        # rare cases fail in long portfolio runs (error 307). Stop them before they first fire.
        self.close()

    def reason(self, answers: dict) -> Reasoning:
        """Run the rules over these answers (factor -> value, unanswered factors left out)."""
        key = tuple(sorted((factor, _engine_number(value)) for factor, value in answers.items()))
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        reasoning = self._reason(key)
        self._cache[key] = reasoning
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return reasoning

    def _reason(self, key: tuple) -> Reasoning:
        if self._run is not None:
            raise EngineError("the engine is already reasoning (an Engine is not thread-safe)")
        sid = str(next(self._sids))
        run = self._run = _Run(sid)
        stored = False
        try:
            self._host.assert_fact(self._name, {"t": CASE, "sid": sid, **dict(key)})
            stored = True
        except durable_engine.MessageNotHandledException:
            pass  # no rule reads this case: reported below as a missing verdict
        except Exception as error:
            run.errors.append(f"durable-rules refused the case: {error}")
        finally:
            self._run = None
        # Only a stored case has a state to delete: deleting the state of a refused case
        # crashes durable-rules 2.0.28 (segmentation fault).
        if stored:
            try:
                self._host.delete_state(self._name, sid)
            except Exception as error:
                run.errors.append(f"durable-rules could not release the case: {error}")
        if run.errors:
            raise EngineError("the reasoning failed: " + "; ".join(run.errors))
        return Reasoning(key, tuple(run.firings), *self._decide(run.firings))

    def _decide(self, firings: list) -> tuple:
        """Per outcome attribute, the value concluded by the highest-priority rule."""
        verdict, deciding = [], []
        for attribute in self.knowledge.outcomes:
            candidates = [f for f in firings if f.conclusion.get("attribute") == attribute]
            if not candidates:
                raise EngineError(f"no rule concluded the {attribute} for this case")
            top = max(f.conclusion["priority"] for f in candidates)
            winners = [f for f in candidates if f.conclusion["priority"] == top]
            values = sorted({f.conclusion["value"] for f in winners})
            if len(values) > 1:
                rules = ", ".join(sorted({f.rule for f in winners}))
                raise EngineError(f"rules {rules} conclude different {attribute}s "
                                  f"({', '.join(values)}) at the same priority {top}")
            verdict.append((attribute, values[0]))
            deciding.append((attribute, tuple(f.index for f in winners)))
        return tuple(verdict), tuple(deciding)

    def _action(self, rule_id: str):
        compiled = self.compiled[rule_id]
        finding = self.knowledge.findings.get(compiled.rule.conclusion.get("finding"))
        conclusion = dict(compiled.rule.conclusion)

        def action(c):
            run = self._run
            if run is None:  # durable-rules ran an action outside assess(): should not happen
                return
            try:
                matched = c._m
                case = matched.get(compiled.case_binding) if compiled.case_binding else None
                answers = tuple((factor, case.get(factor)) for factor in compiled.factors) if case else ()
                findings = tuple(matched[name]["n"] for name in compiled.finding_bindings)
                firing = Firing(len(run.firings), rule_id, answers, findings, conclusion)
                run.firings.append(firing)
                if finding is not None:
                    c.assert_fact({"t": "f", "name": finding.id, "severity": conclusion["severity"],
                                   "category": finding.category, "n": firing.index})
            except BaseException as error:  # durable-rules would swallow it: keep it for the run
                run.errors.append(f"rule {rule_id}: {type(error).__name__}: {error}")

        return action

    def close(self):
        """Stop the Host's timer threads (they are daemons; this is for tidy long runs)."""
        for timer_name in ("_d_timer", "_t_timer"):
            timer = getattr(self._host, timer_name, None)
            if timer is not None:
                timer.cancel()


def _engine_number(value):
    """durable-rules' JSON parser rejects exponents (1e-05): numbers are kept to 4 decimals,
    and whole floats become ints, so every number it sees is written in plain digits."""
    if isinstance(value, float):
        value = round(value, 4)
        if value.is_integer():
            return int(value)
    return value


def _ignore(c):
    """The sink rule's action: the finding is already in the trace."""
