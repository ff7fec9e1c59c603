"""`adieu knowledge check`: each kind of mistake in a rule base, caught with file:line: message.

Every test copies the shipped knowledge/ to a temporary folder, breaks one thing, and checks the
exact line the checker prints; the CLI refuses to run any command on the broken copy.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_here as run_adieu
from expert.checker import Conditions, check
from expert.engine import Engine
from expert.errors import EngineError
from expert.knowledge import load_knowledge
from expert.policy import default_policy

SAMPLES = "300"
UNPAID = "      - {answer: payment_behaviour, is: unpaid_invoices}\n"
CONTRADICTION = UNPAID + "      - {answer: payment_behaviour, is: on_time}\n"


@pytest.fixture
def kb(tmp_path) -> "RuleBase":
    shutil.copytree(ROOT / "knowledge", tmp_path / "knowledge")
    return RuleBase(tmp_path / "knowledge")


class RuleBase:
    """A copy of the rule base, with helpers to break it one edit at a time."""

    def __init__(self, root: Path):
        self.root = root

    def replace(self, name: str, old: str, new: str) -> None:
        path = self.root / name
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} should appear once in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")

    def sub(self, name: str, pattern: str, replacement: str) -> None:
        path = self.root / name
        text, count = re.subn(pattern, replacement, path.read_text(encoding="utf-8"), count=1, flags=re.DOTALL)
        assert count == 1, f"{pattern!r} should match in {name}"
        path.write_text(text, encoding="utf-8")

    def append(self, name: str, text: str) -> None:
        path = self.root / name
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")

    def line(self, name: str, text: str) -> int:
        """The line where `text` first appears, as a problem would cite it."""
        lines = (self.root / name).read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if text in line)

    def where(self, name: str, text: str) -> str:
        return f"knowledge/{name}:{self.line(name, text)}"

    def check(self):
        return run_adieu("knowledge", "check", self.root, "--samples", SAMPLES)


def problems(done) -> list:
    """The file:line: message lines of a failed check (after the header when there are several)."""
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    lines[0] = lines[0].removeprefix("adieu: ")
    return lines if len(lines) == 1 else lines[1:]


def test_shipped_rule_base_passes_the_check_and_says_what_it_searched():
    done = run_adieu("knowledge", "check", "--samples", SAMPLES)
    assert done.returncode == 0, done.stderr
    assert "no problems" in done.stdout
    assert "every outcome value is reached" in done.stdout
    assert f"cases built from the rules' conditions and {SAMPLES} sampled cases of" in done.stdout


def test_rule_reading_an_unknown_factor_is_located(kb):
    kb.replace("rules/findings.yaml", "{answer: payment_behaviour, is: sometimes_late}",
               "{answer: payment_behavior, is: sometimes_late}")
    where = kb.where("rules/findings.yaml", "answer: payment_behavior,")
    assert problems(kb.check()) == [f"{where}: unknown factor 'payment_behavior'"]


def test_rule_testing_an_unknown_value_names_the_expected_ones(kb):
    kb.replace("rules/findings.yaml", "{answer: payment_behaviour, is: sometimes_late}",
               "{answer: payment_behaviour, is: late}")
    where = kb.where("rules/findings.yaml", "is: late}")
    assert problems(kb.check()) == [
        f"{where}: 'late' is not a value of payment_behaviour "
        "(expected one of on_time, sometimes_late, often_late, unpaid_invoices)"]


def test_rule_concluding_an_unknown_finding_is_located(kb):
    kb.replace("rules/findings.yaml", "then: {finding: payment_risk, severity: minor}",
               "then: {finding: payment_risks, severity: minor}")
    where = kb.where("rules/findings.yaml", "finding: payment_risks")
    assert problems(kb.check()) == [f"{where}: rule 'payment.sometimes_late': unknown finding 'payment_risks'"]


def test_rule_without_sources_is_refused(kb):
    kb.sub("rules/recommendation.yaml",
           r"(then: \{recommendation: keep, priority: 0\}\n)    sources:\n.*?\n\n", r"\1\n")
    where = kb.where("rules/recommendation.yaml", "id: keep.nothing_warrants_action")
    assert problems(kb.check()) == [
        f"{where}: rule 'keep.nothing_warrants_action': no sources (cite the article and passage it encodes)"]


def test_a_legal_source_of_a_law_the_rule_base_does_not_have_is_refused(kb):
    kb.replace("sources.yaml", "    law: FR\n", "    law: FRA\n")
    where = kb.where("sources.yaml", "law: FRA")
    assert problems(kb.check()) == [f"{where}: source 'code-civil-1226': law: expected one of FR, GB, got 'FRA'"]


def test_rule_citing_a_source_missing_from_the_index_names_it(kb):
    kb.replace("rules/recommendation.yaml",
               "    then: {recommendation: keep, priority: 0}\n    sources:\n      - source: comment-renvoyer\n",
               "    then: {recommendation: keep, priority: 0}\n    sources:\n      - source: comment-renvoier\n")
    where = kb.where("rules/recommendation.yaml", "source: comment-renvoier")
    assert problems(kb.check()) == [
        f"{where}: rule 'keep.nothing_warrants_action': unknown source 'comment-renvoier' "
        "(expected one of hyken, sept-motifs, quatre-raisons, comment-renvoyer, virer-mauvais-clients, "
        "code-civil-1226)"]


def test_finding_that_no_rule_concludes_is_reported(kb):
    kb.replace("findings.yaml", "\nfindings:\n",
               "\nfindings:\n  silent_client:\n    category: conduct\n"
               "    label: {fr: \"client silencieux\", en: \"silent client\"}\n")
    where = kb.where("findings.yaml", "  silent_client:")
    assert problems(kb.check()) == [
        f"{where}: finding 'silent_client' is concluded by no rule (no rule has 'then: {{finding: silent_client}}')"]


def test_finding_that_no_rule_uses_is_reported(kb):
    rules = (kb.root / "rules/recommendation.yaml").read_text(encoding="utf-8")
    start = rules.index("  - id: address.established_relationship")
    end = rules.index("  - id:", start + 10)
    kb.replace("rules/recommendation.yaml", rules[start:end], "")
    where = kb.where("findings.yaml", "  established_relationship:")
    assert problems(kb.check()) == [
        f"{where}: finding 'established_relationship' is used by no rule: no condition names it, "
        "nor 'any' finding of category context"]


def test_risk_findings_count_as_used_by_the_documents(kb):
    knowledge = load_knowledge(kb.root)
    risks = [f for f in knowledge.findings.values() if f.category == "risk"]
    unused = [f.id for f in risks if not any(c.subject == f.id for r in knowledge.rules for c in r.conditions)]
    assert unused, "the shipped base has risk findings only the memo and letters use"
    assert check(kb.root, search=False).problems == []


def test_factor_that_no_rule_reads_is_reported(kb):
    kb.replace("factors.yaml", "\nfactors:\n",
               "\nfactors:\n  coffee_quality:\n    theme: people\n    type: bool\n    values: [false, true]\n"
               "    label: {fr: \"Café\", en: \"Coffee\"}\n"
               "    question: {fr: \"Le café est-il bon ?\", en: \"Is the coffee good?\"}\n"
               "    choices:\n      false: {fr: \"Non\", en: \"No\"}\n      true: {fr: \"Oui\", en: \"Yes\"}\n"
               "    why: {fr: \"Pour voir.\", en: \"To see.\"}\n")
    where = kb.where("factors.yaml", "  coffee_quality:")
    assert problems(kb.check()) == [
        f"{where}: factor 'coffee_quality' is read by no rule (no rule's 'when' has 'answer: coffee_quality')"]


def test_factor_named_like_a_client_book_column_is_reported(kb):
    """A CSV column client_email would be both the client's e-mail and this factor's answer."""
    kb.replace("factors.yaml", "\nfactors:\n",
               "\nfactors:\n  client_email:\n    theme: people\n    type: bool\n    values: [false, true]\n"
               "    label: {fr: \"Courriel\", en: \"E-mail\"}\n"
               "    question: {fr: \"Écrit-il ?\", en: \"Does the client write?\"}\n"
               "    choices:\n      false: {fr: \"Non\", en: \"No\"}\n      true: {fr: \"Oui\", en: \"Yes\"}\n"
               "    why: {fr: \"Pour voir.\", en: \"To see.\"}\n")
    where = kb.where("factors.yaml", "  client_email:")
    assert f"{where}: factor 'client_email' has the name of a column of a client book (adieu portfolio), " \
           "which could not tell them apart: rename the factor" in problems(kb.check())


def test_factor_whose_question_can_never_be_asked_is_reported(kb):
    kb.replace("factors.yaml", "    ask_when:\n      - answer: payment_behaviour\n",
               "    ask_when:\n      - answer: payment_behaviour\n        is: on_time\n"
               "      - answer: payment_behaviour\n")
    where = kb.where("factors.yaml", "    ask_when:")
    assert problems(kb.check()) == [f"{where}: factor 'disputes_charges' is never asked: its ask_when cannot hold"]


def test_question_missing_in_english_is_located(kb):
    kb.replace("factors.yaml", '      en: "How does this client pay your invoices?"\n', "")
    where = kb.where("factors.yaml", "    question:")
    assert problems(kb.check()) == [f"{where}: 'factors.payment_behaviour.question' has no text in 'en'"]


def test_rule_whose_conditions_contradict_each_other_is_reported(kb):
    kb.replace("rules/findings.yaml", UNPAID, CONTRADICTION)
    where = kb.where("rules/findings.yaml", "id: payment.unpaid")
    after = kb.where("rules/recommendation.yaml", "id: exit_now.unpaid_after_warning")
    # the one exit that needs unpaid invoices can no longer fire either: both are reported
    assert problems(kb.check()) == [
        f"{where}: rule 'payment.unpaid' can never fire: its conditions contradict each other",
        f"{after}: rule 'exit_now.unpaid_after_warning' can never fire: its conditions contradict each other"]


def test_outcome_value_that_no_rule_concludes_is_reported(kb):
    kb.replace("outcomes.yaml", "values: [open, conditional, closed]", "values: [open, conditional, closed, pending]")
    closed = '      closed: {fr: "Fermée tant que ce comportement dure", en: "Closed while this behaviour lasts"}\n'
    kb.replace("outcomes.yaml", closed, closed + '      pending: {fr: "En attente", en: "Pending"}\n')
    where = kb.where("outcomes.yaml", "values: [open, conditional, closed, pending]")
    assert problems(kb.check()) == [f"{where}: reconciliation 'pending' is concluded by no rule"]


def test_outcome_value_no_case_reaches_is_found_by_the_search(kb):
    # An unconditional `address` above `keep` leaves no case for `keep`, though its rule can fire.
    kb.append("rules/recommendation.yaml",
              "\n  - id: address.always\n    statement: {fr: \"Toujours.\", en: \"Always.\"}\n"
              "    when: []\n    then: {recommendation: address, priority: 5}\n"
              "    sources:\n      - source: hyken\n        passage: \"Toujours.\"\n")
    where = kb.where("outcomes.yaml", "values: [keep, address")
    lines = problems(kb.check())
    assert len(lines) == 1
    assert lines[0].startswith(f"{where}: recommendation 'keep' is never reached: no case concludes it "
                               "(searched ")
    assert f"cases built from the rules' conditions and {SAMPLES} sampled cases of" in lines[0]


def test_same_priority_rules_concluding_different_verdicts_for_one_case_are_a_conflict(kb):
    kb.replace("rules/recommendation.yaml", "then: {recommendation: renegotiate, priority: 20}",
               "then: {recommendation: renegotiate, priority: 18}")
    first = kb.where("rules/recommendation.yaml", "id: address.put_in_writing")
    second = kb.where("rules/recommendation.yaml", "id: renegotiate.economics")
    [line] = problems(kb.check())
    assert line.startswith(f"{second}: rules 'address.put_in_writing' ({first}) and 'renegotiate.economics' both "
                           "have priority 18 and conclude different recommendations (address, renegotiate) "
                           "for the same case, e.g. ")
    assert line.endswith("(decided from their conditions)")


def test_conflict_example_is_a_case_on_which_the_engine_fails(kb):
    kb.replace("rules/recommendation.yaml", "then: {recommendation: renegotiate, priority: 20}",
               "then: {recommendation: renegotiate, priority: 12}")
    knowledge = load_knowledge(kb.root)
    conditions = Conditions(knowledge)
    term = conditions.both_hold(knowledge.rule("address.small_concessions"), knowledge.rule("renegotiate.economics"))
    engine = Engine(knowledge, default_policy(knowledge))
    try:
        with pytest.raises(EngineError, match="conclude different recommendations"):
            engine.reason(conditions.case_of(term))
    finally:
        engine.close()


def test_engine_failure_found_by_the_search_names_the_case(kb):
    # `open` now needs an answer: a case with no problem and no answer gets no reconciliation.
    kb.replace("rules/reconciliation.yaml", "    when: []\n    then: {reconciliation: open, priority: 0}",
               "    when: [{answer: communication, is: good}]\n    then: {reconciliation: open, priority: 0}")
    lines = problems(kb.check())
    assert any(": the engine fails on a case found by the search (" in line
               and "no rule concluded the reconciliation" in line for line in lines), lines


def test_all_problems_are_reported_together(kb):
    kb.replace("findings.yaml", "\nfindings:\n",
               "\nfindings:\n  silent_client:\n    category: conduct\n"
               "    label: {fr: \"client silencieux\", en: \"silent client\"}\n")
    kb.replace("rules/findings.yaml", UNPAID, CONTRADICTION)
    done = kb.check()
    assert done.stderr.startswith(f"adieu: the rule base in {kb.root} has 3 problems:\n")
    assert [line.split(": ", 1)[1].split(" ")[:2] for line in problems(done)] == [
        ["finding", "'silent_client'"], ["rule", "'payment.unpaid'"], ["rule", "'exit_now.unpaid_after_warning'"]]


def test_every_command_refuses_a_broken_rule_base_with_the_same_messages(kb):
    kb.replace("rules/findings.yaml", UNPAID, CONTRADICTION)
    checked = kb.check()
    assessed = run_adieu("--knowledge", kb.root, "assess", ROOT / "examples" / "late-payer.yaml")
    assert assessed.returncode == 2
    assert assessed.stdout == ""
    assert assessed.stderr == checked.stderr


def test_small_answer_space_is_searched_exhaustively(tmp_path):
    root = tmp_path / "knowledge"
    (root / "rules").mkdir(parents=True)
    for name, text in TINY.items():
        (root / name).write_text(text, encoding="utf-8")
    report = check(root)
    assert report.problems == []
    assert report.searched == "searched all 9 cases, default policy"
    assert report.reached == {"verdict": {"fine": 7, "bad": 2}}


TINY = {
    "sources.yaml": "sources:\n  hyken: {title: T, gist: {fr: g, en: g}}\n",
    "factors.yaml": (
        "themes:\n  money: {fr: Argent, en: Money}\nfactors:\n"
        "  late:\n    theme: money\n    type: bool\n    values: [false, true]\n    label: {fr: Retard, en: Late}\n"
        "    question: {fr: \"En retard ?\", en: \"Late?\"}\n    why: {fr: Parce que., en: Because.}\n"
        "    choices:\n      false: {fr: Non, en: \"No\"}\n      true: {fr: Oui, en: \"Yes\"}\n"
        "  share:\n    theme: money\n    type: number\n    min: 0\n    max: 100\n    label: {fr: Part, en: Share}\n"
        "    question: {fr: \"Quelle part ?\", en: \"What share?\"}\n    why: {fr: Parce que., en: Because.}\n"),
    "findings.yaml": (
        "severities:\n  values: [minor, grave]\n  labels:\n    minor: {fr: mineur, en: minor}\n"
        "    grave: {fr: grave, en: grave}\ncategories:\n  conduct: {fr: comportement, en: conduct}\n"
        "findings:\n  pays_late:\n    category: conduct\n    label: {fr: retards, en: late}\n"),
    "outcomes.yaml": (
        "outcomes:\n  verdict:\n    label: {fr: Verdict, en: Verdict}\n    values: [fine, bad]\n"
        "    labels:\n      fine: {fr: Bien, en: Fine}\n      bad: {fr: Mal, en: Bad}\n"),
    "policy.yaml": "settings:\n  cap:\n    type: number\n    min: 0\n    max: 100\n    default: 10\n"
                   "    label: {fr: Plafond, en: Cap}\n",
    "rules/all.yaml": (
        "layer: finding\nrules:\n"
        "  - id: late\n    statement: {fr: Retard., en: Late.}\n    when: [{answer: late, is: true}]\n"
        "    then: {finding: pays_late, severity: minor}\n    sources: [{source: hyken, passage: p}]\n"
        "  - id: fine\n    statement: {fr: Bien., en: Fine.}\n    when: []\n    then: {verdict: fine, priority: 0}\n"
        "    sources: [{source: hyken, passage: p}]\n"
        "  - id: bad\n    statement: {fr: Mal., en: Bad.}\n"
        "    when: [{finding: pays_late}, {answer: share, gt: {policy: cap}, or_unknown: true}]\n"
        "    then: {verdict: bad, priority: 1}\n    sources: [{source: hyken, passage: p}]\n"),
}
