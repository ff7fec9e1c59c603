"""The one door to durable-rules: everything Adieu uses of it, private parts included.

Adieu drives durable-rules' C engine, the module `durable_rules_engine`, directly: it creates
the ruleset from its JSON definition (`create_ruleset`, as durable/engine.py's Ruleset does
once it has popped each rule's `run`), asserts facts, takes the activations one at a time and
deletes each case's state. durable-rules' Python layer (durable/engine.py: Host, Ruleset,
Promise, Closure) is not used: its Host polls every ruleset from two timer threads, which took
activations from under our synchronous runs, and it wraps each action in a Closure, two clock
reads, a state update and a JSON round trip, which cost three quarters of an assessment. What
a rule does when it fires is the engine's to decide, from the activation's rule name.

Each part relied on was read in durable-rules 2.0.28 (CHECKED_VERSION), and
tests/test_durable_adapter.py fails when another version is installed, so that these are
read again before anyone relies on them:

- the functions of `durable_rules_engine` (`create_ruleset`, `assert_fact`,
  `start_action_for_state`, `complete_and_start_action`, `delete_state`, `delete_ruleset`),
  whose return codes are read as durable/engine.py reads them;
- the activation's JSON text, `{"RULE":{BINDING:FACT,...}}`, where RULE is the rule's name in
  the ruleset and each fact is the text that was asserted: the rule's name (all of one length,
  compiler.rule_name) and a finding's position are sliced out without decoding;
- how the C engine keys a state's facts (state.c: `calculateId`, `storeMessage`): by a
  32-bit hash of the fact's id, so that two different facts can collide; `assert_anew`;
- how it keeps states (state.c: `createStateNode`, `deleteStateNode`, the pool macros): a
  state's action context is left uninitialised and freed when the state is deleted; see
  `Ruleset._prime`. A state is made and deleted for each case (some 28 µs of the C
  engine's 80: every join's frames are allocated and zeroed). Emptying it with
  `retract_facts` and reasoning the next case in it would save about 20 µs, but durable-rules
  then reads freed memory (valgrind: invalid reads in events.c `deleteMessageFromFrame`; a
  segmentation fault after some 900 cases of a client book), so states are not reused.

A case's run calls the C engine a few dozen times (an assertion per finding, a call per
activation), so `Ruleset.calls` hands the engine these functions bound to the handle, with no
Python layer in between.
"""

from __future__ import annotations

import functools
import json

import durable_rules_engine as _engine

CHECKED_VERSION = "2.0.28"

# Status codes of durable_rules_engine.assert_fact (durable/engine.py reads them the same way).
STORED, NOT_HANDLED, OBSERVED = 0, 1, 2
REFUSED = {NOT_HANDLED: "no rule matches it", OBSERVED: "an identical fact is already stored"}

encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
decode = json.JSONDecoder().scan_once  # json.loads minus two layers of Python wrappers


RETRIES = 3  # fresh ids tried for a fact refused as already stored (one is all it takes)

PRIMER = "adieu.primer"  # the adapter's own rule and fact type (Ruleset._prime)
PRIMED_SLOTS = 7         # the state pool's first slots (state.c: MAX_STATE_NODES 8, slot 0 unused)


def assert_anew(assert_fact, text: str, key: str) -> tuple:
    """Assert again a fact durable-rules refused as "already stored" when it is not: the C
    engine keys a state's facts by a 32-bit FNV-1 hash of their id (for a fact without one,
    "$" and a 64-bit hash of its text, state.c calculateId and storeMessage) and refuses a
    fact whose key is taken. Every fact the engine asserts differs from the others of its
    case, so such a refusal is two ids hashing alike (a case of some twenty facts about once
    in twenty million); the fact is given an id of its own (`key`, unique in its case, and the
    attempt) and asserted again. Returns assert_fact's last (status, state)."""
    for attempt in range(1, RETRIES + 1):
        result = assert_fact(f'{{"id":"{key}~{attempt}",' + text[1:])
        if result[0] != OBSERVED:
            break
    return result


def installed_version() -> str | None:
    from importlib import metadata

    try:
        return metadata.version("durable-rules")
    except metadata.PackageNotFoundError:
        return None


class Ruleset:
    """One compiled ruleset (durable-rules' dict form), run synchronously by its caller.

    A rule's `run` (what durable/engine.py resolves to an action) is left out: the caller
    reads which rule fired from each activation and decides what that means.
    """

    def __init__(self, name: str, definition: dict):
        rules = {rule: {key: value for key, value in body.items() if key != "run"}
                 for rule, body in definition.items()}
        if PRIMER in rules:
            raise ValueError(f"{PRIMER!r} is the adapter's own rule name")
        rules[PRIMER] = {"all": [{"m": {"t": PRIMER}}]}
        self._handle = _engine.create_ruleset(name, json.dumps(rules, ensure_ascii=False))
        try:
            self._prime()
        except BaseException:
            self.close()
            raise

    def _prime(self):
        """Leave every state slot of a new ruleset with a clean action context.

        durable-rules 2.0.28 does not initialise a new state's action context (state.c,
        createStateNode) yet frees it when the state is deleted (deleteStateNode): deleting a
        state that never took an activation (a case stored by a rule that then had nothing to
        fire) frees whatever the memory held, and the process aborts ("free(): invalid
        pointer"). Completing an activation clears the context (events.c, freeActionContext),
        deleting a state clears it too, and a deleted state's slot is the next one used. So a
        state in each of the pool's first slots takes and completes an activation of the
        adapter's own rule, which no other fact matches, and is deleted: from then on every
        slot a case can get (one case at a time) starts clean."""
        sids = [f"{PRIMER}.{slot}" for slot in range(PRIMED_SLOTS)]
        for sid in sids:
            status, state = _engine.assert_fact(self._handle, encode({"t": PRIMER, "sid": sid}))
            if status != STORED:
                raise RuntimeError(f"durable-rules refused the ruleset's primer: {REFUSED.get(status, status)}")
            started = _engine.start_action_for_state(self._handle, state)
            while started:
                started = _engine.complete_and_start_action(self._handle, state)
        for sid in sids:
            _engine.delete_state(self._handle, sid)

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
