"""The user's own thresholds and red lines (`--policy FILE`), over the rule base's defaults."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError
from .files import printable, read_document
from .knowledge import Knowledge, _show


@dataclass(frozen=True)
class Policy:
    """Number settings by name, and red lines as (factor, first value that crosses it)."""

    numbers: tuple
    red_lines: tuple

    def number(self, name: str) -> float:
        return dict(self.numbers)[name]

    def as_dict(self) -> dict:
        return {**dict(self.numbers), "red_lines": {factor: value for factor, value in self.red_lines}}


def default_policy(knowledge: Knowledge) -> Policy:
    return _build(knowledge, {}, None)


def load_policy(knowledge: Knowledge, path=None) -> Policy:
    """The defaults of policy.yaml, overridden by the user's file when one is given."""
    if path is None:
        return default_policy(knowledge)
    doc = read_document(path)
    if not isinstance(doc.data, dict):
        raise InputError(path, "expected a mapping of settings" + _example(knowledge))
    return _build(knowledge, doc.data, doc)


def _build(knowledge: Knowledge, given: dict, doc) -> Policy:
    def fail(key, message, *keys):
        path = doc.path if doc else knowledge.root / "policy.yaml"  # no doc: a default is wrong
        raise InputError(path, message, key=printable(".".join(map(str, (key,) + keys))),
                         line=doc.line(key, *keys) if doc else None)

    for key in given:
        if key not in knowledge.settings:
            fail(key, f"unknown setting (expected one of {', '.join(knowledge.settings)})")
    numbers, red_lines = [], []
    for setting in knowledge.settings.values():
        value = given.get(setting.id, setting.default)
        if setting.type == "number":
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                fail(setting.id, f"expected a number, got {_quote(value)}")
            if (setting.minimum is not None and value < setting.minimum) or (
                    setting.maximum is not None and value > setting.maximum):
                fail(setting.id, f"expected a number from {setting.minimum:g} to {setting.maximum:g}, got {value:g}")
            numbers.append((setting.id, value))
        else:
            red_lines.extend(_red_lines(knowledge, {} if value is None else value, setting.id, fail))
    return Policy(tuple(numbers), tuple(red_lines))


def _red_lines(knowledge, given, key, fail):
    if not isinstance(given, dict):
        example = knowledge.settings[key].example
        shown = "".join(f" (e.g. {factor}: {_show(value)})" for factor, value in (example or {}).items())
        fail(key, "expected a mapping of factor: the first value you refuse" + shown)
    for factor_id, value in given.items():
        factor = knowledge.factors.get(factor_id)
        if factor is None or not factor.ordered:
            ordered = ", ".join(f.id for f in knowledge.factors.values() if f.ordered)
            fail(key, f"not a factor that can be a red line (expected one of {ordered})", factor_id)
        if value not in factor.values or type(value) is not type(factor.values[0]):
            fail(key, f"expected one of {', '.join(map(_show, factor.values[1:]))}", factor_id)
        if value == factor.values[0]:
            fail(key, f"'{_show(value)}' is the best value of {factor_id}; a red line starts further along "
                      f"({', '.join(map(_show, factor.values[1:]))})", factor_id)
        yield factor_id, value


def _example(knowledge: Knowledge) -> str:
    """' (e.g. SETTING: DEFAULT)' for the first number setting of the rule base."""
    number = next((s for s in knowledge.settings.values() if s.type == "number"), None)
    return f" (e.g. {number.id}: {number.default:g})" if number else ""


def _quote(value) -> str:
    if isinstance(value, str):
        return repr(printable(value, 40))
    if isinstance(value, (dict, list)):
        return "a " + type(value).__name__.replace("dict", "mapping")
    return printable(_show(value), 40)
