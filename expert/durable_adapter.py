"""The one door to durable-rules: everything Adieu uses of it, private parts included.

durable-rules' public extension points are `Host.get_action` (resolve an action name) and
`Host.register_rulesets`. Adieu reaches further, for speed and for control over its runs;
each private part it relies on was read in durable-rules 2.0.28 (CHECKED_VERSION), and
tests/test_durable_adapter.py fails when another version is installed, so that these are
read again before anyone relies on them:

- `Host._run`: started by `Host.__init__`, it polls every ruleset from two timer threads
  (dispatch and timers, every 0.2 s). Overridden to do nothing: the rule base uses no async
  action or timer, and those threads took activations from under our synchronous runs.
- `Ruleset._actions` (rule name -> Promise) and `Promise._func`: the action each name
  resolved to at registration. Called directly: the Promise/Closure glue around it (two
  clock reads, a state update and a JSON round trip per action) cost three quarters of an
  assessment.
- `Ruleset._handle`: the C ruleset, driven with the module `durable_rules_engine`
  (`assert_fact`, `start_action_for_state`, `complete_and_start_action`, `retract_fact`,
  `delete_state`, `delete_ruleset`), whose return codes are read as durable/engine.py reads
  them. A case's facts are retracted, not its state deleted: the compiler writes no negated
  pattern, so a retraction only removes what the fact had joined, and adds no activation.
- the activation's JSON text, `{"RULE":{BINDING:FACT,...}}`, where RULE is the rule's name in
  the ruleset and each fact is the text that was asserted: the rule's name (all of one length,
  compiler.rule_name) and a finding's position are sliced out without decoding.

A case's run calls the C engine a few dozen times (an assertion per finding, a call per
activation), so `Ruleset.calls` hands the engine these functions bound to the handle, with no
Python layer in between.
"""

from __future__ import annotations

import copy
import functools
import json
import warnings

import durable_rules_engine as _engine

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    from durable import engine as _durable_engine

from .errors import UnknownAction

CHECKED_VERSION = "2.0.28"

# Status codes of durable_rules_engine.assert_fact (durable/engine.py reads them the same way).
STORED, NOT_HANDLED, OBSERVED = 0, 1, 2
REFUSED = {NOT_HANDLED: "no rule matches it", OBSERVED: "an identical fact is already stored"}

encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
decode = json.JSONDecoder().scan_once  # json.loads minus two layers of Python wrappers


def installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("durable-rules")
    except metadata.PackageNotFoundError:
        return None


class _Host(_durable_engine.Host):
    """A Host that resolves action names from a dict and starts no threads."""

    def __init__(self, actions: dict):
        self._adieu_actions = actions
        super().__init__()

    def get_action(self, action_name):
        try:
            return self._adieu_actions[action_name]
        except KeyError:
            raise UnknownAction(action_name) from None

    def _run(self):
        """No dispatch threads: the caller takes every activation itself."""


class Ruleset:
    """One compiled ruleset (durable-rules' dict form), run synchronously by its caller.

    `actions` maps each rule's `run` name to a plain function of one argument (durable-rules
    inspects its argument count: a functools.partial is refused).
    """

    def __init__(self, name: str, definition: dict, actions: dict):
        self._host = _Host(actions)
        # register_rulesets pops each rule's `run`: it gets a copy.
        self._host.register_rulesets({name: copy.deepcopy(definition)})
        ruleset = self._host.get_ruleset(name)
        self.actions = {rule: promise._func for rule, promise in ruleset._actions.items()}
        self._handle = ruleset._handle

    @property
    def closed(self) -> bool:
        return self._handle is None

    def calls(self) -> tuple:
        """(assert_fact, start_action_for_state, complete_and_start_action, delete_state) of
        durable_rules_engine, bound to this ruleset: assert_fact(text) -> (status, state);
        start(state) -> None or a tuple whose second item is the first activation;
        complete(state) -> the next activation or None; delete(sid). Only while the ruleset is
        open: after `close` they would reach freed memory."""
        if self._handle is None:
            raise ValueError("the ruleset is closed")
        return tuple(functools.partial(call, self._handle) for call in
                     (_engine.assert_fact, _engine.start_action_for_state, _engine.complete_and_start_action,
                      _engine.delete_state))

    def retract_call(self):
        """durable_rules_engine.retract_fact bound to this ruleset: retract(text) -> (status,
        state), status 0 when the fact (the text it was asserted with) is gone. Only while the
        ruleset is open."""
        if self._handle is None:
            raise ValueError("the ruleset is closed")
        return functools.partial(_engine.retract_fact, self._handle)

    def assert_fact(self, text: str) -> tuple:
        """(status, state) for a fact given as JSON text with its `sid`."""
        return _engine.assert_fact(self._handle, text)

    def first_activation(self, state) -> str | None:
        started = _engine.start_action_for_state(self._handle, state)
        return started[1] if started else None

    def next_activation(self, state) -> str | None:
        """Completes the activation taken last and returns the next one (None when done)."""
        return _engine.complete_and_start_action(self._handle, state)

    def delete_state(self, sid: str):
        _engine.delete_state(self._handle, sid)

    def close(self):
        if self._handle is not None:
            handle, self._handle = self._handle, None
            _engine.delete_ruleset(handle)

    def fired(self, fact: dict, sid: str) -> list:
        """The rules one fact activates, in order, without running their actions (for tests
        and checks of single conditions)."""
        status, state = self.assert_fact(encode(fact))
        if status != STORED:
            return []
        fired, activation = [], self.first_activation(state)
        while activation:
            fired.append(rule_of(activation))
            activation = self.next_activation(state)
        self.delete_state(sid)
        return fired


def rule_of(activation: str) -> str:
    """The rule an activation fires: sliced out of {"RULE":{...}}, decoded only when the id
    holds a quote or backslash."""
    end = activation.find('"', 2)
    rule = activation[2:end]
    if "\\" in rule or activation[end:end + 2] != '":':
        rule = next(iter(decode(activation, 0)[0]))
    return rule


def bound_number(activation: str, key: str):
    """The number that follows `key` (e.g. '"f0":{"n":') in an activation, read without
    decoding it; None when the text is laid out otherwise (then decode the activation).

    durable-rules hands back each fact as the text asserted. A key inside a string value
    would have its quotes escaped, so the first match is the binding."""
    at = activation.find(key)
    if at < 0:
        return None
    start = at + len(key)
    digits = activation[start:activation.find(",", start)]
    return int(digits) if digits.isdigit() and digits.isascii() else None


def bindings(activation: str, rule: str) -> dict:
    """The facts an activation bound, decoded: binding name -> fact."""
    return decode(activation, 0)[0][rule]
