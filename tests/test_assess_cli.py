"""`adieu assess` as a user meets it: the verdict, its formats, and one-line errors."""

from __future__ import annotations

import json
import re

import pytest

from conftest import ROOT
from expert.explain import may_apply

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_example_gets_a_verdict_whose_reasons_cite_the_articles(path, adieu, knowledge):
    done = adieu("assess", path, "--format", "json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["recommendation"] in knowledge.outcomes["recommendation"].values
    assert result["reasons"]
    for reason in result["reasons"]:
        assert {"rule", "text", "sources"} <= set(reason)
        assert all(source["source"] in knowledge.sources for source in reason["sources"])


def test_json_result_carries_the_contract_fields(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--format", "json")
    result = json.loads(done.stdout)
    assert {"recommendation", "reconciliation", "reasons", "unknown", "trace"} <= set(result)
    assert result["recommendation"] == "exit_planned"
    assert result["trace"][0]["rule"] == "payment.often_late"
    assert result["trace"][0]["matched"]["answers"] == {"payment_behaviour": "often_late"}


def test_text_verdict_fits_a_screen_next_steps_first_and_names_sources_by_title(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml")
    assert done.returncode == 0
    text = done.stdout
    assert "Mettre fin à la relation de façon planifiée" in text
    assert text.index("Prochaines étapes") < text.index("Raisons") < text.index("Ce qui changerait")
    assert "[exit_planned." not in text and "virer-mauvais-clients" not in text     # no ids
    assert "Source : Il faut virer les mauvais clients !" in text
    assert text.count("\n") <= 40
    assert text.rstrip().endswith(f"adieu assess {ROOT / 'examples' / 'late-payer.yaml'} --explain")


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_next_steps_name_their_article_by_title_for_the_user_and_by_id_for_a_programmer(path, advisor, knowledge):
    """The terminal (brief or full) and Markdown name an article by its title; --explain,
    the JSON result (and so the memo) keep its id, as they keep the rule ids."""
    from expert.report import render

    assessment = advisor.assess(advisor.load_case(path))
    steps = assessment.explanation().steps
    cited = [step for step in steps if step["source"]]
    for form, options in (("text", {}), ("text", {"full": True}), ("md", {})):
        shown = _flat(render(assessment, form, **options))
        assert not [s for s in knowledge.sources if s in shown], (form, options)
        for step in cited:
            assert _flat(step["text"].split("{source}")[0]) in shown and step["title"] in shown
            assert "{source}" not in shown
    explained = _flat(render(assessment, "text", explain=True))
    data = assessment.to_dict()["next_steps"]
    for step, text in zip(steps, data):
        assert "{" not in text
        if step["source"]:
            named = f"{step['source']}, {step['part']}" if step["part"] else step["source"]
            assert f"({named})" in text and f"({named})" in explained


def test_every_next_step_that_cites_an_article_names_a_known_source(knowledge):
    steps = [s for outcome in knowledge.outcomes.values() for values in outcome.next_steps.values() for s in values]
    assert sum(1 for s in steps if s.source) >= 10
    for step in steps:
        for language, text in step.texts.items():
            assert ("{source}" in text) == (step.source is not None), (language, text)
            assert not [s for s in knowledge.sources if s in text.replace("{source}", "")], text


@pytest.mark.parametrize("change, problem", [
    (lambda step: step.pop("source"), "has no braces unless it names a 'source'"),
    (lambda step: step.update(source="nowhere"), "unknown source 'nowhere'"),
    (lambda step: step.update(en=step["en"].replace(" ({source})", "")), "says {source} once"),
])
def test_a_next_step_that_cites_wrongly_is_refused_where_it_is_written(change, problem, tmp_path):
    import shutil

    import yaml

    from expert.errors import KnowledgeError
    from expert.knowledge import load_knowledge

    root = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", root)
    data = yaml.safe_load((root / "outcomes.yaml").read_text(encoding="utf-8"))
    step = next(s for s in data["outcomes"]["recommendation"]["next_steps"]["keep"] if "source" in s)
    change(step)
    (root / "outcomes.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=re.escape(problem)) as refused:
        load_knowledge(root)
    assert refused.value.file.endswith("outcomes.yaml") and refused.value.line


def test_explain_keeps_the_rule_ids_and_every_reason(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--explain")
    assert "[exit_planned.warning_ignored]" in done.stdout.split("Comment ce verdict")[0]


def test_explain_shows_the_how_chain_from_answers_to_verdict(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--explain")
    how = done.stdout.split("Comment ce verdict a été établi")[1]
    assert "[exit_planned.warning_ignored]" in how
    assert "Paiements : Souvent en retard" in how
    assert "Règles déclenchées, dans l’ordre" in done.stdout


def test_markdown_format_has_headings(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--format", "md")
    assert done.stdout.startswith("# Dupont SARL")
    assert "\n## Raisons\n" in done.stdout


def test_what_would_change_names_single_changes_that_move_the_verdict(advisor):
    case = advisor.case({"answers": {"payment_behaviour": "often_late", "issue_raised": "warned_in_writing",
                                     "behaviour_trend": "stable"}})
    changes = {(c.factor, c.value): c.outcome for c in advisor.assess(case).what_would_change()}
    assert changes[("payment_behaviour", "on_time")] == "keep"
    assert changes[("payment_behaviour", "unpaid_invoices")] == "exit_now"
    assert changes[("behaviour_trend", "improving")] == "address"
    assert changes[("abusive_to_staff", "abusive")] == "exit_now"
    assert ("revenue_share", 11) not in changes, "dependency alone does not soften a non-grave exit"


def test_unknown_lists_only_unanswered_factors_that_could_change_the_verdict(advisor):
    case = advisor.case({"answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing"}})
    unknown = advisor.assess(case).unknown()
    assert "revenue_share" in unknown and "client_influence" in unknown
    assert "payment_behaviour" not in unknown
    assert "notice_period_days" not in unknown, "the notice period never changes the verdict"


def test_a_question_that_does_not_apply_is_not_reported_as_a_gap(advisor):
    # disputes_charges is asked only of late payers (ask_when): for a client who pays on
    # time its absence is no gap, although asserting it would move the verdict.
    answers = {"payment_behaviour": "on_time", "scope_changes": "rare", "strategic_fit": "core",
               "behaviour_trend": "worsening"}
    with_dispute = advisor.engine.reason({**answers, "disputes_charges": True}).value("recommendation")
    assert with_dispute != advisor.engine.reason(answers).value("recommendation")
    assessment = advisor.assess(advisor.case({"answers": answers}))
    assert "disputes_charges" not in assessment.unknown()
    assert all(c.factor != "disputes_charges" for c in assessment.what_would_change())
    assert may_apply(advisor.engine, "disputes_charges", {"payment_behaviour": "often_late"})
    assert may_apply(advisor.engine, "disputes_charges", {}), "payment unknown: it may apply"


def test_a_user_policy_changes_the_revenue_threshold(adieu, tmp_path):
    case = tmp_path / "case.yaml"
    case.write_text("answers:\n  payment_behaviour: unpaid_invoices\n  issue_raised: warned_in_writing\n"
                    "  revenue_share: 12\n", encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text("max_revenue_share: 15\n", encoding="utf-8")
    default = json.loads(adieu("assess", case, "--format", "json").stdout)
    relaxed = json.loads(adieu("assess", case, "--format", "json", "--policy", policy).stdout)
    assert (default["recommendation"], relaxed["recommendation"]) == ("exit_planned", "exit_now")


BAD_CASES = [
    ("unknown-key", "answers:\n  payment_behavior: on_time\n",
     "case.yaml:2: answers.payment_behavior: unknown factor (expected one of payment_behaviour,"),
    ("bad-value", "answers:\n  payment_behaviour: late\n",
     "case.yaml:2: answers.payment_behaviour: expected one of on_time, sometimes_late, often_late, "
     "unpaid_invoices, got 'late'"),
    ("wrong-type", "answers:\n  disputes_charges: maybe\n",
     "case.yaml:2: answers.disputes_charges: expected true or false, got 'maybe'"),
    ("out-of-range", "answers:\n  revenue_share: 140\n",
     "case.yaml:2: answers.revenue_share: expected a number from 0 to 100, got 140"),
    ("negative", "answers:\n  notice_period_days: -5\n",
     "case.yaml:2: answers.notice_period_days: expected a number from 0 to 3650, got -5"),
    ("syntax", "answers:\n  payment_behaviour: [on_time\n",
     "case.yaml:3: invalid YAML:"),
    ("top-level", "langage: fr\n",
     "case.yaml:1: langage: unknown key (expected one of language, jurisdiction, client, provider, answers, contract, unpaid)"),
    ("language", "language: de\n", "case.yaml:1: language: expected one of fr, en, got 'de'"),
    ("empty", "\n", "case.yaml: empty file"),
]


@pytest.mark.parametrize("name,text,message", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_case_file_gets_one_line_and_exit_status_2(name, text, message, adieu, tmp_path):
    (tmp_path / "case.yaml").write_text(text, encoding="utf-8")
    done = adieu("assess", "case.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith(f"adieu: {message}"), done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_missing_case_file_is_named(adieu, tmp_path):
    done = adieu("assess", "nowhere.yaml", cwd=tmp_path)
    assert (done.returncode, done.stderr) == (2, "adieu: nowhere.yaml: no such file\n")


def test_bad_policy_names_the_setting(adieu, tmp_path):
    (tmp_path / "policy.yaml").write_text("red_lines:\n  abusive_to_staff: shouting\n", encoding="utf-8")
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--policy", "policy.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == ("adieu: policy.yaml:2: red_lines.abusive_to_staff: expected one of rude, abusive\n")


def test_unknown_option_is_a_one_line_usage_error(adieu):
    done = adieu("assess", "x.yaml", "--format", "pdf")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "invalid choice: 'pdf'" in done.stderr


def test_python_dash_m_and_help_work(adieu):
    done = adieu("--help")
    assert done.returncode == 0 and "assess" in done.stdout


def test_the_console_script_and_python_m_expert_are_the_same_program():
    """Installed as `adieu` (pyproject's console script) and runnable as `python -m expert`."""
    import subprocess
    import sys
    from pathlib import Path

    from conftest import run_adieu

    script = Path(sys.executable).parent / "adieu"
    case = ROOT / "examples" / "late-payer.yaml"
    installed = subprocess.run([str(script), "assess", case, "--format", "json"], capture_output=True, text=True,
                               timeout=60)
    module = run_adieu("assess", case, "--format", "json")
    assert installed.returncode == module.returncode == 0, installed.stderr + module.stderr
    assert json.loads(installed.stdout) == json.loads(module.stdout)


def test_an_english_report_renders_each_french_passage_in_english_as_its_own_paragraph(adieu):
    case = ROOT / "examples" / "rude-never-told.en.yaml"
    text = " ".join(adieu("assess", case, "--explain").stdout.split())
    assert ("“ils étaient aussi si impolis que notre personnel de bureau a commencé à éviter de répondre à leurs "
            "appels” In English: “they were also so rude that our office staff began avoiding their calls”") in text
    markdown = adieu("assess", case, "--format", "md").stdout
    assert ("  > “ils étaient aussi si impolis que notre personnel de bureau a commencé à éviter de répondre à leurs "
            "appels” — 4 raisons légitimes de licencier un client toxique (2017)\n  >\n  > In English: “they were "
            "also so rude that our office staff began avoiding their calls”\n  >\n  > “ne laissez") in markdown
    french = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--explain").stdout
    assert "En français" not in french and "In English" not in french


def test_changes_leading_to_one_outcome_read_as_alternatives_each_value_quoted(adieu):
    done = adieu("assess", ROOT / "examples" / "late-payer.yaml", "--explain")
    changes = " ".join(done.stdout.split("Ce qui changerait la recommandation")[1].split())
    assert ("Deviendrait « Aborder les difficultés avec le client » : si démarches déjà faites : « Rien encore » ou "
            "« Nous en avons parlé » ; ou si évolution depuis : « Elle s’améliore »") in changes
