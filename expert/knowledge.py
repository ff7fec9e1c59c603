"""Read the rule base in knowledge/ and validate its structure.

The rule base is data written by people who do not program; any mistake in it is reported
as `file:line: message` before the engine is allowed to run on it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .errors import KnowledgeError
from .files import Document, read_document
from .resources import PACKAGE, data_dir

LANGUAGES = ("fr", "en")
CHOICE_TYPES = ("choice", "bool")
NUMBER_TYPES = ("number", "integer")
COMPARISONS = ("gt", "gte", "lt", "lte")
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
RESERVED = ("t", "id", "sid")  # field names durable-rules or the compiled facts use


def default_knowledge_dir() -> Path:
    """The shipped rule base: inside the installed package, or beside it in a source tree."""
    found = data_dir("knowledge", "factors.yaml")
    if found is None:
        raise KnowledgeError(PACKAGE, "the rule base (knowledge/) is missing from this installation")
    return found


@dataclass(frozen=True)
class Text:
    """A sentence in every supported language."""

    fr: str
    en: str

    def __call__(self, language: str) -> str:
        return getattr(self, language)


@dataclass(frozen=True)
class Factor:
    id: str
    theme: str
    type: str
    label: Text
    question: Text
    why: Text
    values: tuple = ()
    choices: dict = field(default_factory=dict)
    ordered: bool = False
    minimum: float | None = None
    maximum: float | None = None
    unit: Text | None = None
    ask_when: tuple = ()
    steps_trend: str | None = None   # `steps: {trend: F}`: values are steps taken, in order


    def value_label(self, value, language: str) -> str:
        if value in self.choices:
            return self.choices[value](language)
        unit = f" {self.unit(language)}" if self.unit else ""
        return f"{value:g}{unit}" if isinstance(value, (int, float)) else str(value)


@dataclass(frozen=True)
class Step(Text):
    """A next step; with `finding`, shown only to a case where that finding was made."""

    finding: str | None = None


@dataclass(frozen=True)
class Condition:
    """One test of a rule. kind is 'answer', 'finding' or 'red_line'.

    answer:  `values` (the allowed values) or `compare` (op, number or ('policy', name)),
             `or_unknown`; a test that only holds when unanswered has `unknown_only`.
    finding: `subject` (a finding id or 'any'), `severities`, `categories`, and `count`:
             at least that many distinct findings match (a number or ('policy', name));
             None means one.
    """

    kind: str
    subject: str = ""
    values: tuple | None = None
    compare: tuple | None = None
    or_unknown: bool = False
    unknown_only: bool = False
    severities: tuple | None = None
    categories: tuple | None = None
    count: object = None


@dataclass(frozen=True)
class Source:
    source: str
    passage: str


@dataclass(frozen=True)
class Rule:
    id: str
    layer: str
    statement: Text
    conditions: tuple
    conclusion: dict
    sources: tuple
    file: str
    line: int

    @property
    def concludes_finding(self) -> bool:
        return "finding" in self.conclusion


@dataclass(frozen=True)
class Finding:
    id: str
    category: str
    label: Text
    change: Text | None = None


@dataclass(frozen=True)
class Outcome:
    attribute: str
    label: Text
    values: tuple
    labels: dict
    next_steps: dict


@dataclass(frozen=True)
class Setting:
    id: str
    type: str
    default: object
    label: Text
    minimum: float | None = None
    maximum: float | None = None


@dataclass
class Knowledge:
    root: Path
    sources: dict
    themes: dict
    factors: dict
    severities: tuple
    severity_labels: dict
    categories: dict
    findings: dict
    outcomes: dict
    settings: dict
    rules: tuple

    @cached_property
    def problem_categories(self) -> tuple:
        """Categories whose findings carry a severity: all but context and risk."""
        return tuple(c for c in self.categories if c not in ("context", "risk"))

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    @cached_property
    def _rules_by_id(self) -> dict:
        return {rule.id: rule for rule in self.rules}


def load_knowledge(root=None, check: bool = True) -> Knowledge:
    """Load and validate the rule base in `root` (the shipped one by default).

    With `check`, the fast checks of checker.py run too, and a rule base that fails them is
    refused with all their problems (`adieu knowledge check` adds the slow search).
    """
    root = Path(root) if root is not None else default_knowledge_dir()
    if not root.is_dir():
        raise KnowledgeError(root, "no such folder")
    reader = _Reader(root)
    knowledge = reader.load()
    if check:
        from .checker import check_at_load
        check_at_load(knowledge)
    return knowledge


class _Reader:
    """Turns the YAML files into validated objects; each check names file and line."""

    def __init__(self, root: Path):
        self.root = root

    def load(self) -> Knowledge:
        sources_doc = self._read("sources.yaml")
        self.sources = self._mapping(sources_doc, ("sources",))
        factors_doc = self._read("factors.yaml")
        themes = {k: self._text(factors_doc, ("themes", k)) for k in self._mapping(factors_doc, ("themes",))}
        findings_doc = self._read("findings.yaml")
        self.severities = tuple(self._list(findings_doc, ("severities", "values")))
        severity_labels = {s: self._text(findings_doc, ("severities", "labels", s)) for s in self.severities}
        self.categories = {k: self._text(findings_doc, ("categories", k))
                           for k in self._mapping(findings_doc, ("categories",))}
        self.findings = {k: self._finding(findings_doc, k) for k in self._mapping(findings_doc, ("findings",))}
        policy_doc = self._read("policy.yaml")
        self.settings = {k: self._setting(policy_doc, k) for k in self._mapping(policy_doc, ("settings",))}
        self.factors = {}
        for factor_id in self._mapping(factors_doc, ("factors",)):
            self.factors[factor_id] = self._factor(factors_doc, factor_id, themes)
        outcomes_doc = self._read("outcomes.yaml")
        self.outcomes = {k: self._outcome(outcomes_doc, k) for k in self._mapping(outcomes_doc, ("outcomes",))}
        # ask_when conditions may refer to any factor: parse them once all factors are known.
        for factor_id, factor in list(self.factors.items()):
            raw = self._get(factors_doc, ("factors", factor_id), {}).get("ask_when")
            if raw is not None:
                conditions = self._conditions(factors_doc, ("factors", factor_id, "ask_when"), answers_only=True)
                self.factors[factor_id] = _replace(factor, ask_when=conditions)
            steps = self._get(factors_doc, ("factors", factor_id), {}).get("steps")
            if steps is not None:
                self.factors[factor_id] = _replace(self.factors[factor_id],
                                                   steps_trend=self._steps(factors_doc, factor_id, steps))
        rules = []
        rule_files = sorted((self.root / "rules").glob("*.yaml"))
        if not rule_files:
            raise KnowledgeError(self.root / "rules", "no rule files (*.yaml)")
        seen = {}
        for path in rule_files:
            doc = self._read(os.path.join("rules", path.name))
            layer = self._get(doc, ("layer",))
            for index in range(len(self._list(doc, ("rules",)))):
                rule = self._rule(doc, index, layer)
                if rule.id in seen:
                    self._fail(doc, ("rules", index, "id"), f"rule id '{rule.id}' already used at {seen[rule.id]}")
                seen[rule.id] = f"{rule.file}:{rule.line}"
                rules.append(rule)
        return Knowledge(self.root, self.sources, themes, self.factors, self.severities, severity_labels,
                         self.categories, self.findings, self.outcomes, self.settings, tuple(rules))

    # -- documents -------------------------------------------------------------------------

    def _read(self, relative: str) -> Document:
        path = self.root / relative
        try:
            doc = read_document(path)
        except KnowledgeError:
            raise
        except Exception as error:  # InputError from the reader: same message, knowledge kind
            raise KnowledgeError(path, getattr(error, "detail", str(error)), line=getattr(error, "line", None)) from None
        doc.path = os.path.relpath(path, self.root.parent) if path.is_relative_to(self.root.parent) else str(path)
        if not isinstance(doc.data, dict):
            raise KnowledgeError(doc.path, "expected a mapping at the top level")
        return doc

    def _fail(self, doc: Document, keys: tuple, message: str):
        line = None
        for end in range(len(keys), -1, -1):
            line = doc.line(*keys[:end])
            if line is not None:
                break
        raise KnowledgeError(doc.path, message, line=line)

    def _get(self, doc: Document, keys: tuple, default=KeyError):
        value = doc.data
        for depth, key in enumerate(keys):
            if isinstance(value, dict) and key in value:
                value = value[key]
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            elif default is KeyError:
                self._fail(doc, keys[:depth], f"missing '{_dotted(keys)}'")
            else:
                return default
        return value

    def _mapping(self, doc, keys) -> dict:
        value = self._get(doc, keys)
        if not isinstance(value, dict):
            self._fail(doc, keys, f"'{_dotted(keys)}' must be a mapping")
        return value

    def _list(self, doc, keys) -> list:
        value = self._get(doc, keys)
        if not isinstance(value, list):
            self._fail(doc, keys, f"'{_dotted(keys)}' must be a list")
        return value

    def _text(self, doc, keys, also=()) -> Text:
        value = self._get(doc, keys)
        if not isinstance(value, dict):
            self._fail(doc, keys, f"'{_dotted(keys)}' must give the text in {' and '.join(LANGUAGES)}")
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip():
                self._fail(doc, keys, f"'{_dotted(keys)}' has no text in '{language}'")
        unknown = set(value) - set(LANGUAGES) - set(also)
        if unknown:
            self._fail(doc, keys + (sorted(map(str, unknown))[0],), f"unknown language '{sorted(map(str, unknown))[0]}'")
        return Text(**{language: value[language].strip() for language in LANGUAGES})

    # -- pieces ----------------------------------------------------------------------------

    def _finding(self, doc, finding_id) -> Finding:
        keys = ("findings", finding_id)
        category = self._get(doc, keys + ("category",))
        if category not in self.categories:
            self._fail(doc, keys + ("category",), f"unknown category '{category}' (expected one of {', '.join(self.categories)})")
        change = self._text(doc, keys + ("change",)) if "change" in self._mapping(doc, keys) else None
        return Finding(finding_id, category, self._text(doc, keys + ("label",)), change)

    def _setting(self, doc, setting_id) -> Setting:
        keys = ("settings", setting_id)
        kind = self._get(doc, keys + ("type",))
        if kind not in ("number", "red_lines"):
            self._fail(doc, keys + ("type",), f"unknown setting type '{kind}' (expected number or red_lines)")
        return Setting(setting_id, kind, self._get(doc, keys + ("default",)), self._text(doc, keys + ("label",)),
                       self._get(doc, keys + ("min",), None), self._get(doc, keys + ("max",), None))

    def _factor(self, doc, factor_id, themes) -> Factor:
        keys = ("factors", factor_id)
        raw = self._mapping(doc, keys)
        if not isinstance(factor_id, str) or not IDENTIFIER.fullmatch(factor_id) or factor_id in RESERVED:
            self._fail(doc, keys, f"factor id '{factor_id}' must be lower_case_with_underscores "
                                  f"and not one of {', '.join(RESERVED)}")
        kind = self._get(doc, keys + ("type",))
        if kind not in CHOICE_TYPES + NUMBER_TYPES:
            self._fail(doc, keys + ("type",), f"unknown type '{kind}' (expected choice, bool, number or integer)")
        theme = self._get(doc, keys + ("theme",))
        if theme not in themes:
            self._fail(doc, keys + ("theme",), f"unknown theme '{theme}'")
        values, choices = (), {}
        if kind in CHOICE_TYPES:
            values = tuple(self._list(doc, keys + ("values",)))
            if kind == "bool" and set(values) != {True, False}:
                self._fail(doc, keys + ("values",), "a bool factor's values are true and false")
            choices = {v: self._text(doc, keys + ("choices", v)) for v in values}
            extra = set(self._mapping(doc, keys + ("choices",))) - set(values)
            if extra:
                self._fail(doc, keys + ("choices",), f"choice '{sorted(map(str, extra))[0]}' is not one of the values")
        return Factor(
            id=factor_id, theme=theme, type=kind, values=values, choices=choices,
            ordered=bool(raw.get("ordered", False)),
            minimum=raw.get("min"), maximum=raw.get("max"),
            label=self._text(doc, keys + ("label",)), question=self._text(doc, keys + ("question",)),
            why=self._text(doc, keys + ("why",)),
            unit=self._text(doc, keys + ("unit",)) if "unit" in raw else None,
        )

    def _steps(self, doc, factor_id, steps) -> str:
        """`steps: {trend: FACTOR}`: the values are steps taken in order (not best to worst);
        whether more of them may make a verdict harsher or milder depends on that trend."""
        keys = ("factors", factor_id, "steps")
        factor = self.factors[factor_id]
        trend = self.factors.get(steps.get("trend")) if isinstance(steps, dict) else None
        if set(steps if isinstance(steps, dict) else ()) != {"trend"} or trend is None or not trend.ordered:
            self._fail(doc, keys, "write 'steps: {trend: FACTOR}', FACTOR an ordered factor")
        if factor.ordered or factor.type not in CHOICE_TYPES:
            self._fail(doc, keys, f"'steps' is for a choice factor that is not 'ordered'; {factor_id} is not one")
        return trend.id

    def _outcome(self, doc, attribute) -> Outcome:
        keys = ("outcomes", attribute)
        values = tuple(self._list(doc, keys + ("values",)))
        labels = {v: self._text(doc, keys + ("labels", v)) for v in values}
        steps = self._get(doc, keys + ("next_steps",), {})
        next_steps = {v: tuple(self._step(doc, keys + ("next_steps", v, i)) for i in range(len(steps.get(v, []))))
                      for v in values}
        return Outcome(attribute, self._text(doc, keys + ("label",)), values, labels, next_steps)

    def _step(self, doc, keys) -> Step:
        text = self._text(doc, keys, also=("finding",))
        finding = self._get(doc, keys + ("finding",), None)
        if finding is not None and finding not in self.findings:
            self._fail(doc, keys + ("finding",), f"unknown finding '{finding}'")
        return Step(text.fr, text.en, finding)

    def _rule(self, doc, index, layer) -> Rule:
        keys = ("rules", index)
        raw = self._mapping(doc, keys)
        rule_id = raw.get("id")
        if not isinstance(rule_id, str) or not rule_id:
            self._fail(doc, keys, "every rule needs an 'id'")
        known = {"id", "statement", "when", "then", "sources"}
        for key in raw:
            if key not in known:
                self._fail(doc, keys + (key,), f"rule '{rule_id}': unknown key '{key}' (expected {', '.join(sorted(known))})")
        sources = []
        for i, item in enumerate(self._get(doc, keys + ("sources",), [])):
            skeys = keys + ("sources", i)
            if not isinstance(item, dict) or not isinstance(item.get("source"), str):
                self._fail(doc, skeys, f"rule '{rule_id}': source must name one of {', '.join(self.sources)}")
            if item["source"] not in self.sources:
                self._fail(doc, skeys, f"rule '{rule_id}': unknown source '{item['source']}' "
                                       f"(expected one of {', '.join(self.sources)})")
            passage = item.get("passage")
            if not isinstance(passage, str) or not passage.strip():
                self._fail(doc, skeys, f"rule '{rule_id}': every source needs the passage it encodes")
            sources.append(Source(item["source"], passage.strip()))
        if not sources:
            self._fail(doc, keys, f"rule '{rule_id}': no sources (cite the article and passage it encodes)")
        return Rule(
            id=rule_id, layer=layer, statement=self._text(doc, keys + ("statement",)),
            conditions=self._conditions(doc, keys + ("when",)),
            conclusion=self._conclusion(doc, keys + ("then",), rule_id),
            sources=tuple(sources), file=doc.path, line=doc.line(*keys) or 0,
        )

    def _conclusion(self, doc, keys, rule_id) -> dict:
        then = self._mapping(doc, keys)
        if "finding" in then:
            finding_id = then["finding"]
            finding = self.findings.get(finding_id)
            if finding is None:
                self._fail(doc, keys + ("finding",), f"rule '{rule_id}': unknown finding '{finding_id}'")
            severity = then.get("severity")
            if finding.category in ("context", "risk"):
                if severity is not None:
                    self._fail(doc, keys + ("severity",), f"rule '{rule_id}': a {finding.category} finding has no severity")
            elif severity not in self.severities:
                self._fail(doc, keys + ("severity",),
                           f"rule '{rule_id}': severity must be one of {', '.join(self.severities)}")
            extra = set(then) - {"finding", "severity"}
            if extra:
                self._fail(doc, keys + (sorted(extra)[0],), f"rule '{rule_id}': unknown key '{sorted(extra)[0]}'")
            return {"finding": finding_id, "severity": severity}
        attributes = [key for key in then if key in self.outcomes]
        if len(attributes) != 1:
            self._fail(doc, keys, f"rule '{rule_id}': 'then' must conclude a finding or one of {', '.join(self.outcomes)}")
        attribute = attributes[0]
        value = then[attribute]
        if value not in self.outcomes[attribute].values:
            self._fail(doc, keys + (attribute,),
                       f"rule '{rule_id}': {attribute} must be one of {', '.join(self.outcomes[attribute].values)}")
        priority = then.get("priority")
        if not isinstance(priority, int) or isinstance(priority, bool):
            self._fail(doc, keys + ("priority",), f"rule '{rule_id}': a verdict needs an integer 'priority'")
        extra = set(then) - {attribute, "priority"}
        if extra:
            self._fail(doc, keys + (sorted(extra)[0],), f"rule '{rule_id}': unknown key '{sorted(extra)[0]}'")
        return {"attribute": attribute, "value": value, "priority": priority}

    def _conditions(self, doc, keys, answers_only=False) -> tuple:
        raw = self._get(doc, keys, [])
        if not isinstance(raw, list):
            self._fail(doc, keys, "conditions must be a list")
        return tuple(self._condition(doc, keys + (i,), answers_only) for i in range(len(raw)))

    def _condition(self, doc, keys, answers_only) -> Condition:
        raw = self._mapping(doc, keys)
        if "answer" in raw:
            return self._answer_condition(doc, keys, raw)
        if answers_only:
            self._fail(doc, keys, "only 'answer' conditions are allowed here")
        if "finding" in raw:
            return self._finding_condition(doc, keys, raw)
        if "red_line" in raw:
            if raw != {"red_line": "crossed"}:
                self._fail(doc, keys, "write the red-line condition as {red_line: crossed}")
            return Condition("red_line")
        self._fail(doc, keys, "a condition starts with 'answer', 'finding' or 'red_line'")

    def _answer_condition(self, doc, keys, raw) -> Condition:
        factor = self.factors.get(raw["answer"])
        if factor is None:
            self._fail(doc, keys + ("answer",), f"unknown factor '{raw['answer']}'")
        tests = [key for key in raw if key not in ("answer", "or_unknown")]
        if len(tests) != 1:
            self._fail(doc, keys, f"an answer condition has exactly one test (is, in, at_least, known, {', '.join(COMPARISONS)})")
        test, operand = tests[0], raw[tests[0]]
        or_unknown = raw.get("or_unknown", False)
        if not isinstance(or_unknown, bool):
            self._fail(doc, keys + ("or_unknown",), "or_unknown is true or false")
        if test == "known":
            if operand is not False:
                self._fail(doc, keys + (test,), "write 'known: false' to test an unanswered factor")
            return Condition("answer", factor.id, unknown_only=True)
        if test in ("is", "in", "at_least"):
            if factor.type not in CHOICE_TYPES:
                self._fail(doc, keys + (test,), f"'{test}' needs a choice or bool factor; {factor.id} is a {factor.type}")
            operands = operand if test == "in" else [operand]
            if test == "in" and not isinstance(operand, list):
                self._fail(doc, keys + (test,), "'in' takes a list of values")
            for value in operands:
                if value not in factor.values or type(value) is not type(factor.values[0]):
                    self._fail(doc, keys + (test,), f"'{value}' is not a value of {factor.id} "
                                                     f"(expected one of {', '.join(map(_show, factor.values))})")
            if test == "at_least":
                if not factor.ordered:
                    self._fail(doc, keys + (test,), f"'at_least' needs an ordered factor; {factor.id} is not")
                operands = factor.values[factor.values.index(operand):]
            return Condition("answer", factor.id, values=tuple(operands), or_unknown=or_unknown)
        if test in COMPARISONS:
            if factor.type not in NUMBER_TYPES:
                self._fail(doc, keys + (test,), f"'{test}' needs a number factor; {factor.id} is a {factor.type}")
            if isinstance(operand, dict):
                setting = self.settings.get(operand.get("policy"))
                if set(operand) != {"policy"} or setting is None or setting.type != "number":
                    self._fail(doc, keys + (test,), f"'{test}' compares with a number or {{policy: NAME}} "
                                                     f"(a number setting of policy.yaml)")
                return Condition("answer", factor.id, compare=(test, ("policy", setting.id)), or_unknown=or_unknown)
            if not isinstance(operand, (int, float)) or isinstance(operand, bool):
                self._fail(doc, keys + (test,), f"'{test}' compares with a number or {{policy: NAME}}")
            return Condition("answer", factor.id, compare=(test, operand), or_unknown=or_unknown)
        self._fail(doc, keys + (test,), f"unknown test '{test}'")

    def _finding_condition(self, doc, keys, raw) -> Condition:
        subject = raw["finding"]
        if subject != "any" and subject not in self.findings:
            self._fail(doc, keys + ("finding",), f"unknown finding '{subject}'")
        extra = set(raw) - {"finding", "severity", "at_least", "category", "count"}
        if extra:
            self._fail(doc, keys + (sorted(extra)[0],), f"unknown key '{sorted(extra)[0]}' in a finding condition")
        severities = None
        if "severity" in raw and "at_least" in raw:
            self._fail(doc, keys, "use 'severity' or 'at_least', not both")
        for test in ("severity", "at_least"):
            if test in raw:
                if raw[test] not in self.severities:
                    self._fail(doc, keys + (test,), f"severity must be one of {', '.join(self.severities)}")
                if subject != "any" and self.findings[subject].category in ("context", "risk"):
                    self._fail(doc, keys + (test,), f"'{subject}' has no severity")
                severities = (raw[test],) if test == "severity" else self.severities[self.severities.index(raw[test]):]
        categories = None
        if "category" in raw:
            categories = raw["category"] if isinstance(raw["category"], list) else [raw["category"]]
            for category in categories:
                if category not in self.categories:
                    self._fail(doc, keys + ("category",), f"unknown category '{category}'")
            categories = tuple(categories)
        count = self._count(doc, keys, raw["count"]) if "count" in raw else None
        return Condition("finding", subject, severities=severities, categories=categories, count=count)

    def _count(self, doc, keys, operand):
        """`count: N` or `count: {policy: NAME}`: at least that many distinct matching findings."""
        if isinstance(operand, dict):
            setting = self.settings.get(operand.get("policy"))
            if set(operand) != {"policy"} or setting is None or setting.type != "number":
                self._fail(doc, keys + ("count",), "'count' takes a whole number or {policy: NAME} "
                                                   "(a number setting of policy.yaml)")
            return ("policy", setting.id)
        if not isinstance(operand, int) or isinstance(operand, bool) or operand < 1:
            self._fail(doc, keys + ("count",), "'count' takes a whole number of at least 1 or {policy: NAME}")
        return operand


def _replace(factor: Factor, **changes) -> Factor:
    from dataclasses import replace
    return replace(factor, **changes)


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
