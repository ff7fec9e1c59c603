"""Read the rule base in knowledge/ and validate its structure.

The rule base is data written by people who do not program; any mistake in its structure is
reported as `file:line: message` as it is read. The line of every key is kept, so that the
checks that need the whole rule base (checker.py, composed with loading by
`checker.load_checked`) point at the same places without reading the files again.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import conditions
from .conditions import CHOICE_TYPES, NUMBER_TYPES, Condition
from .errors import InvalidCondition as Invalid, KnowledgeError
from .files import Document, read_document
from .messages import LANGUAGES
from .resources import PACKAGE, data_dir

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
RESERVED = ("t", "id", "sid")  # field names durable-rules or the compiled facts use


def default_knowledge_dir() -> Path:
    """The shipped rule base: inside the installed package, or beside it in a source tree."""
    found = data_dir("knowledge", "factors.yaml")
    if found is None:
        raise KnowledgeError(PACKAGE, "the rule base (knowledge/) is missing from this installation")
    return found


class Text:
    """A sentence in every language of the rule base (messages.LANGUAGES)."""

    __slots__ = ("texts",)

    def __init__(self, **texts):
        self.texts = texts

    def __call__(self, language: str) -> str:
        return self.texts[language]

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and self.texts == other.texts

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.texts.items())))

    def __repr__(self) -> str:
        return f"Text({self.texts!r})"


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


    def value_label(self, value, language: str, quantity) -> str:
        """An answer as the user reads it: a choice's label, or a number written by
        `quantity(number, unit)` (Messages.quantity: the language's decimal mark and spacing)."""
        if value in self.choices:
            return self.choices[value](language)
        if isinstance(value, (int, float)):
            return quantity(value, self.unit(language) if self.unit else None)
        return str(value)


class Step(Text):
    """A next step; with `finding`, shown only to a case where that finding was made. With
    `source` (a sources.yaml id) and `part` (e.g. "step 1"), its text holds {source} where
    the view cites it: by title for the user (terminal, memo), by id in --explain and JSON."""

    __slots__ = ("finding", "source", "part")

    def __init__(self, finding: str | None = None, source: str | None = None, part: Text | None = None, **texts):
        super().__init__(**texts)
        self.finding, self.source, self.part = finding, source, part


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
    order: int | None = None      # its file's `order`: earlier layers fire first

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
    example: object = None


@dataclass(frozen=True)
class Need:
    """interview.yaml: when `attribute` concludes one of `values`, findings of `categories`
    matter to the documents too."""

    attribute: str
    values: tuple
    categories: tuple


@dataclass(frozen=True)
class InterviewTexts:
    """knowledge/interview.yaml: the interview's own words, and what the documents need."""

    texts: dict
    needs: tuple


@dataclass(frozen=True)
class Place:
    """A file of the rule base as shown to the user, and the line of each key path in it."""

    path: str
    lines: dict

    def line(self, keys: tuple) -> int:
        """The line of the deepest written part of `keys` (0: the file alone)."""
        for end in range(len(keys), 0, -1):
            found = self.lines.get(tuple(keys[:end]))
            if found:
                return found
        return 0


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
    interview: InterviewTexts | None = None
    unrated: tuple = ()                         # findings.yaml: categories without severity
    shown_by_documents: tuple = ()              # findings.yaml: categories the documents use
    share_limit: str | None = None              # policy.yaml portfolio.share_limit: a number setting
    places: dict = field(default_factory=dict)   # file name (e.g. "findings.yaml") -> Place

    def place(self, name: str, keys: tuple = ()) -> tuple:
        """(file as shown, line) of a key path in one of the rule base's files."""
        place = self.places.get(name)
        if place is None:
            path = self.root / name
            shown = os.path.relpath(path, self.root.parent) if path.is_relative_to(self.root.parent) else str(path)
            return shown, 0
        return place.path, place.line(keys)

    @cached_property
    def severity_rank(self) -> dict:
        """severity -> its rank, the least severe 0 (findings.yaml's order)."""
        return {severity: rank for rank, severity in enumerate(self.severities)}

    @cached_property
    def problem_categories(self) -> tuple:
        """Categories whose findings carry a severity: all but context and risk."""
        return tuple(c for c in self.categories if c not in self.unrated)

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    @cached_property
    def _rules_by_id(self) -> dict:
        return {rule.id: rule for rule in self.rules}


INTERVIEW_FILE = "interview.yaml"


def load_knowledge(root=None) -> Knowledge:
    """Read the rule base in `root` (the shipped one by default), refusing the first mistake
    of structure. The checks that need the whole rule base are checker.py's: use
    `checker.load_checked` for a rule base about to be relied on."""
    root = Path(root) if root is not None else default_knowledge_dir()
    try:
        found = root.is_dir()
    except OSError as error:  # a name too long for the system, say
        raise KnowledgeError(root, f"cannot read: {error.strerror or error}") from None
    if not found:
        raise KnowledgeError(root, "is a file, expected a rule base's folder" if root.exists() else "no such folder")
    return _Reader(root).load()


class _Reader:
    """Turns the YAML files into validated objects; each check names file and line."""

    def __init__(self, root: Path):
        self.root = root
        self.places: dict = {}

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
        self.unrated = self._categories(findings_doc, "unrated")
        self.shown_by_documents = self._categories(findings_doc, "shown_by_documents")
        self.findings = {k: self._finding(findings_doc, k) for k in self._mapping(findings_doc, ("findings",))}
        policy_doc = self._read("policy.yaml")
        self.settings = {k: self._setting(policy_doc, k) for k in self._mapping(policy_doc, ("settings",))}
        share_limit = self._get(policy_doc, ("portfolio", "share_limit"), None)
        if share_limit is not None and getattr(self.settings.get(share_limit), "type", None) != "number":
            self._fail(policy_doc, ("portfolio", "share_limit"), "expected the name of a number setting")
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
            order = self._get(doc, ("order",), None)
            if order is not None and (not isinstance(order, int) or isinstance(order, bool)):
                self._fail(doc, ("order",), "'order' is a whole number (layers fire from the lowest)")
            for index in range(len(self._list(doc, ("rules",)))):
                rule = self._rule(doc, index, layer, order)
                if rule.id in seen:
                    self._fail(doc, ("rules", index, "id"), f"rule id '{rule.id}' already used at {seen[rule.id]}")
                seen[rule.id] = f"{rule.file}:{rule.line}"
                rules.append(rule)
        interview = self._interview() if (self.root / INTERVIEW_FILE).exists() else None
        return Knowledge(self.root, self.sources, themes, self.factors, self.severities, severity_labels,
                         self.categories, self.findings, self.outcomes, self.settings, tuple(rules),
                         interview, self.unrated, self.shown_by_documents, share_limit, self.places)

    def _interview(self) -> InterviewTexts:
        doc = self._read(INTERVIEW_FILE)
        texts = {key: self._text(doc, ("texts", key), keep_spaces=True) for key in self._mapping(doc, ("texts",))}
        needs = []
        for index, raw in enumerate(self._get(doc, ("documents",), None) or []):
            keys = ("documents", index)
            when = raw.get("when") if isinstance(raw, dict) else None
            if not isinstance(when, dict) or len(when) != 1:
                self._fail(doc, keys, "each entry needs 'when: {OUTCOME: [values]}'")
            (attribute, values), = when.items()
            outcome = self.outcomes.get(attribute)
            values = values if isinstance(values, list) else [values]
            if outcome is None or any(v not in outcome.values for v in values):
                self._fail(doc, keys + ("when",), "'when' names an outcome of outcomes.yaml and some of its values")
            categories = raw.get("categories")
            if not isinstance(categories, list) or any(c not in self.categories for c in categories):
                self._fail(doc, keys + ("categories",), "'categories' is a list of categories of findings.yaml")
            needs.append(Need(attribute, tuple(values), tuple(categories)))
        return InterviewTexts(texts, tuple(needs))

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
        self.places[relative] = Place(doc.path, doc.lines)
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

    def _text(self, doc, keys, also=(), keep_spaces=False) -> Text:
        """A text in every language; `keep_spaces` trims only line breaks (": " stays as is)."""
        value = self._get(doc, keys)
        if not isinstance(value, dict):
            self._fail(doc, keys, f"'{_dotted(keys)}' must give the text in {' and '.join(LANGUAGES)}")
        for language in LANGUAGES:
            text = value.get(language)
            if not isinstance(text, str) or not text.strip(" \n" if keep_spaces else None):
                self._fail(doc, keys, f"'{_dotted(keys)}' has no text in '{language}'")
        unknown = set(value) - set(LANGUAGES) - set(also)
        if unknown:
            self._fail(doc, keys + (sorted(map(str, unknown))[0],), f"unknown language '{sorted(map(str, unknown))[0]}'")
        return Text(**{language: value[language].strip("\n" if keep_spaces else None) for language in LANGUAGES})

    # -- pieces ----------------------------------------------------------------------------

    def _categories(self, doc, key) -> tuple:
        names = self._get(doc, (key,), [])
        if not isinstance(names, list) or any(name not in self.categories for name in names):
            self._fail(doc, (key,), f"'{key}' is a list of categories (expected some of {', '.join(self.categories)})")
        return tuple(names)

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
                       self._get(doc, keys + ("min",), None), self._get(doc, keys + ("max",), None),
                       self._get(doc, keys + ("example",), None))

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
        text = self._text(doc, keys, also=("finding", "source", "part"))
        finding = self._get(doc, keys + ("finding",), None)
        if finding is not None and finding not in self.findings:
            self._fail(doc, keys + ("finding",), f"unknown finding '{finding}'")
        source = self._get(doc, keys + ("source",), None)
        if source is not None and source not in self.sources:
            self._fail(doc, keys + ("source",), f"unknown source '{source}' (expected one of {', '.join(self.sources)})")
        part = self._text(doc, keys + ("part",)) if self._get(doc, keys + ("part",), None) is not None else None
        if part is not None and source is None:
            self._fail(doc, keys + ("part",), "'part' is the part of a 'source': name the source too")
        for language, words in text.texts.items():
            if words.count("{source}") != (source is not None) or words.replace("{source}", "").count("{"):
                self._fail(doc, keys + (language,), "a step that names a 'source' says {source} once where it is "
                                                    "cited, and has no other braces" if source else
                                                    "a step has no braces unless it names a 'source'")
        return Step(finding, source, part, **text.texts)

    def _rule(self, doc, index, layer, order=None) -> Rule:
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
            sources=tuple(sources), file=doc.path, line=doc.line(*keys) or 0, order=order,
        )

    def _conclusion(self, doc, keys, rule_id) -> dict:
        then = self._mapping(doc, keys)
        if "finding" in then:
            finding_id = then["finding"]
            finding = self.findings.get(finding_id)
            if finding is None:
                self._fail(doc, keys + ("finding",), f"rule '{rule_id}': unknown finding '{finding_id}'")
            severity = then.get("severity")
            if finding.category in self.unrated:
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
        try:
            return conditions.read_answer(factor, raw, self.settings)
        except Invalid as error:
            self._fail(doc, keys + ((error.key,) if error.key else ()), error.message)

    def _finding_condition(self, doc, keys, raw) -> Condition:
        try:
            return conditions.read_finding(raw, self.findings, self.severities, self.categories, self.unrated,
                                           self.settings)
        except Invalid as error:
            self._fail(doc, keys + ((error.key,) if error.key else ()), error.message)


def _replace(factor: Factor, **changes) -> Factor:
    from dataclasses import replace
    return replace(factor, **changes)


def _dotted(keys) -> str:
    return ".".join(str(k) for k in keys)


def _show(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
