"""The Python API: load the rule base once, assess cases, get a plain result object.

    advisor = Advisor()                      # shipped rule base, default policy
    result = advisor.assess(advisor.load_case("case.yaml"))
    result.verdict["recommendation"], result.to_dict()

Renderers (report.py, documents) are views of the Assessment; nothing here formats text
for a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import explain
from .case import Case, case_from_data, load_case
from .engine import Engine, Reasoning
from .checker import load_checked
from .knowledge import Knowledge
from .policy import Policy, load_policy


class Advisor:
    """A rule base and a policy, compiled once, assessing any number of cases."""

    def __init__(self, knowledge_dir=None, policy_file=None, *, knowledge: Knowledge | None = None,
                 policy: Policy | None = None):
        self.knowledge = knowledge or load_checked(knowledge_dir)
        self.policy = policy or load_policy(self.knowledge, policy_file)
        self.engine = Engine(self.knowledge, self.policy)

    def load_case(self, path) -> Case:
        return load_case(path, self.knowledge)

    def case(self, data: dict, source: str = "<case>") -> Case:
        return case_from_data(data, self.knowledge, source)

    def assess(self, case: Case, explained: bool = True, traced: bool = True) -> "Assessment":
        """Reason over the case. `explained` adds the unknowns and what would change the
        verdict (a few dozen extra runs); without it only the verdict and its reasons.
        `traced=False` (verdicts in bulk) leaves the how-chain's links out of the trace."""
        reasoning = self.engine.reason(case.answers, traced)
        changes = explain.changes(self.engine, case.answers) if explained else None
        unknowns = explain.unknowns(self.engine, case.answers, changes) if explained else None
        return Assessment(self.knowledge, self.policy, case, reasoning, changes, unknowns)


@dataclass
class Assessment:
    knowledge: Knowledge
    policy: Policy
    case: Case
    reasoning: Reasoning
    changes: list | None = None
    unknowns: list | None = None     # explain.Unknown, ranked: what each unknown could move
    language: str = field(init=False)
    _explanation: explain.Explanation | None = field(default=None, init=False, repr=False)

    def __post_init__(self):
        self.language = self.case.language

    @property
    def verdict(self) -> dict:
        return dict(self.reasoning.verdict)

    @property
    def primary(self) -> str:
        return explain.primary_attribute(self.knowledge)

    def reasons(self) -> list:
        return explain.reasons(self.knowledge, self.reasoning)

    def problems(self) -> list:
        """(finding, severity) for each problem found, at its highest severity."""
        return explain.found(self.knowledge, self.reasoning, self.knowledge.problem_categories)

    def findings_in(self, *categories) -> list:
        return [name for name, _ in explain.found(self.knowledge, self.reasoning, categories)]

    def conditions(self, attribute: str) -> list:
        return explain.conditions(self.knowledge, self.reasoning, attribute)

    def unknown(self) -> list:
        """Unanswered factors that could have changed a verdict, alone or with another,
        those that could change the main verdict first (needs `explained`)."""
        return [u["id"] for u in self.explanation().unknown]

    def what_would_change(self) -> list:
        return [c for c in self.changes or [] if c.attribute == self.primary]

    def next_steps(self) -> list:
        """The verdict's next steps; a step tied to a finding only when the case has it."""
        return self.explanation().next_steps

    def explanation(self) -> explain.Explanation:
        """The plain explanation every view reads (built once, on first use)."""
        if self._explanation is None:
            from .law import law_for

            self._explanation = explain.explain(self.knowledge, self.reasoning, self.language, self.changes,
                                                self.unknowns, law_for(self.knowledge).jurisdiction_of(self.case))
        return self._explanation

    def how(self) -> list:
        return explain.how(self.knowledge, self.reasoning, self.language)

    def to_dict(self) -> dict:
        """The machine-readable result of case-format.md (assess --format json): a view of
        the explanation, plus the trace and the policy."""
        e = self.explanation()
        result = {"language": e.language}
        result.update(e.verdict)
        result["reasons"] = [{"rule": r["rule"], "text": r["statement"],
                              "sources": [{"source": s["id"], "passage": s["passage"]} for s in r["sources"]]}
                             for r in e.reasons]
        result["findings"] = [{key: f[key] for key in ("finding", "category", "severity", "label")}
                              for f in e.findings]
        result["conditions"] = {attribute: outcome["conditions"]
                                for attribute, outcome in e.outcomes.items() if attribute != e.primary}
        result["unknown"] = [u["id"] for u in e.unknown]
        result["unknown_detail"] = [{key: u[key] for key in ("factors", "together", "could_change")}
                                    for u in e.unknown_detail]
        result["what_would_change"] = [{"factor": c["factor"], "from": c["from_value"], "to": value,
                                        c["attribute"]: c["value"]} for c in e.changes for value in c["to_values"]]
        result["next_steps"] = e.next_steps
        result["trace"] = [firing.as_dict() for firing in self.reasoning.require_trace().firings]
        result["policy"] = self.policy.as_dict()
        return result
