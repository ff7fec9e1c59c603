"""The notice and the dates a termination gives (knowledge/law.yaml): the longer of the
contractual notice and the one the law expects for the length of the relationship, counted
from receipt, moved to the next working day of the jurisdiction; a prompt exit without
notice only on the grounds the law accepts, otherwise the memo warns."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from expert.advisor import Advisor
from expert.law import Law, add_months
from expert.policy import load_policy
from scenario_files import load_scenario
from conftest import PARTIES, plain

TODAY = date(2025, 3, 3)          # a Monday: a registered letter is received on Thursday 6 March
SCENARIOS = Path(__file__).resolve().parent / "scenarios"
BASE = {"payment_behaviour": "often_late", "issue_raised": "warned_in_writing", "behaviour_trend": "stable"}


@pytest.fixture(scope="module")
def law() -> Law:
    return Law()


def termination(advisor, documents, language, answers, jurisdiction=None, today=TODAY):
    data = {"language": language, **PARTIES, "answers": {**BASE, **answers}}
    if jurisdiction:
        data["jurisdiction"] = jurisdiction
    assessment = advisor.assess(advisor.case(data))
    context = documents._context(assessment, today, "termination", "letter", "post")
    memo = plain(documents.memo(assessment, "md", today=today).content)
    letter = plain(documents.letter(assessment, "text", "termination", today=today).content)
    return context["notice"], memo, letter


# (language, relationship years, contractual days) -> (notice chosen, end date, words in the memo)
NOTICE_TABLE = [
    ("fr", 4, 30, "reasonable", date(2025, 7, 7), "La lettre propose donc 4 mois"),
    ("fr", 4, None, "reasonable", date(2025, 7, 7), "Le contrat ne fixe pas de préavis connu"),
    ("fr", 2, 90, "contract", date(2025, 6, 4), "couvre au moins le préavis qu'attend la loi"),
    ("fr", 30, 30, "reasonable", date(2026, 9, 7), "La lettre propose donc 18 mois"),
    ("fr", 0.5, 30, "contract", date(2025, 4, 7), "couvre au moins le préavis"),
    ("fr", None, 30, "contract", date(2025, 4, 7), "la durée de la relation n'est pas renseignée"),
    ("fr", None, None, "assumed", date(2025, 4, 7), "la lettre retient 30 jours"),
    ("en", 4, 30, "contract", date(2025, 4, 7), "The letter keeps to the contractual notice"),
    ("en", 4, None, "reasonable", date(2025, 7, 7), "then expects reasonable notice"),
    ("en", 20, None, "reasonable", date(2026, 3, 6), "The letter gives 12 months"),
    ("en", None, None, "assumed", date(2025, 4, 7), "the letter assumes 30 days"),
]


@pytest.mark.parametrize("language,years,days,chosen,end,memo_words", NOTICE_TABLE)
def test_notice_is_the_longer_of_the_contract_and_the_law_and_the_memo_explains(
        language, years, days, chosen, end, memo_words, advisor, documents):
    answers = {}
    if years is not None:
        answers["relationship_years"] = years
    if days is not None:
        answers["notice_period_days"] = days
    notice, memo, letter = termination(advisor, documents, language, answers)
    assert (notice["chosen"], notice["end"]) == (chosen, end)
    assert memo_words in memo
    months = {"fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
                     "octobre", "novembre", "décembre"],
              "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September",
                     "October", "November", "December"]}[language]
    assert f"{end.day} {months[end.month - 1]} {end.year}" in letter
    assert {"fr": "à compter de la réception du présent courrier", "en": "from the date you receive this letter"
            }[language] in letter


def test_jurisdiction_is_not_the_language(advisor, documents):
    """A French letter under English law: notice only when the contract is silent."""
    notice, memo, _ = termination(advisor, documents, "fr", {"relationship_years": 4, "notice_period_days": 30},
                                  jurisdiction="GB")
    assert notice["chosen"] == "contract"
    assert "Droit applicable : droit anglais." in memo


def test_prompt_exit_keeps_to_the_contract_only_on_a_ground_the_law_accepts(advisor, documents):
    notice, memo, letter = termination(advisor, documents, "fr", {
        "abusive_to_staff": "abusive", "relationship_years": 6, "notice_period_days": 15})
    assert notice["immediate"] and notice["chosen"] == "contract"
    assert "propos agressifs ou blessants envers l'équipe" in memo and "Code civil, art. 1226" in memo


def test_prompt_exit_without_a_ground_gives_full_notice_and_the_memo_warns(advisor, documents, tmp_path):
    data = load_scenario(SCENARIOS / "red-line-crossed-after-warning.yaml")
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(data["policy"]), encoding="utf-8")
    assessor = Advisor(knowledge=advisor.knowledge, policy=load_policy(advisor.knowledge, policy_file))
    case = {**data["case"], "answers": {**data["case"]["answers"], "relationship_years": 5}}
    assessment = assessor.assess(assessor.case(case))
    assert assessment.verdict["recommendation"] == "exit_now"
    memo = plain(documents.memo(assessment, "md", today=TODAY).content)
    notice = documents._context(assessment, TODAY, "termination", "letter", "post")["notice"]
    assert notice["chosen"] == "reasonable" and notice["reasonable_months"] == 5
    warning = {"fr": "rien dans le dossier ne justifie une rupture sans préavis",
               "en": "nothing in the case justifies ending it without notice"}[assessment.language]
    assert warning in memo


@pytest.mark.parametrize("code,day,expected", [
    ("FR", date(2026, 1, 1), date(2026, 1, 2)),      # New Year's Day, a Thursday
    ("FR", date(2026, 7, 14), date(2026, 7, 15)),    # Bastille Day, a Tuesday
    ("FR", date(2026, 12, 25), date(2026, 12, 28)),  # Christmas, a Friday: then the weekend
    ("FR", date(2026, 3, 7), date(2026, 3, 9)),      # a Saturday
    ("GB", date(2026, 12, 25), date(2026, 12, 29)),  # Christmas, then Boxing Day observed on Monday
    ("GB", date(2026, 7, 14), date(2026, 7, 14)),    # not a holiday in England
    ("FR", date(2026, 3, 10), date(2026, 3, 10)),    # an ordinary Tuesday
])
def test_end_dates_move_to_the_next_working_day_of_the_jurisdiction(code, day, expected, law):
    assert law.working_day(code, day) == expected


def test_an_end_date_on_14_july_moves_to_the_day_after_in_the_letter(advisor, documents):
    # posted Thursday 11 June 2026: received Monday 15 June, 29 days later is 14 July
    notice, _, letter = termination(advisor, documents, "fr", {"notice_period_days": 29}, today=date(2026, 6, 11))
    assert notice["end"] == date(2026, 7, 15)
    assert "15 juillet 2026" in letter


def test_months_are_added_on_the_calendar():
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2025, 11, 15), 18) == date(2027, 5, 15)


def test_dates_outside_the_calendar_bounds_are_refused(advisor, documents):
    from expert.errors import InputError
    assessment = advisor.assess(advisor.case({"language": "fr", **PARTIES, "answers": BASE}))
    with pytest.raises(InputError):
        documents.letter(assessment, "text", "termination", today=date(2999, 1, 1))


# A client who has not paid and has only been spoken to: the reason for a formal demand first
# cites the French Code civil under French law only.
NOT_YET_WRITTEN = {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed", "behaviour_trend": "stable"}


@pytest.mark.parametrize("language,jurisdiction,cited", [
    ("fr", None, True), ("en", "FR", True), ("en", None, False), ("fr", "GB", False)])
def test_the_french_code_civil_is_cited_only_under_french_law(advisor, documents, language, jurisdiction, cited):
    data = {"language": language, **PARTIES, "answers": NOT_YET_WRITTEN}
    if jurisdiction:
        data["jurisdiction"] = jurisdiction
    assessment = advisor.assess(advisor.case(data))
    reason = next(r for r in assessment.explanation().reasons if r["rule"] == "address.formal_demand_first")
    assert ("code-civil-1226" in [s["id"] for s in reason["sources"]]) is cited
    assert "comment-renvoyer" in [s["id"] for s in reason["sources"]], "the article's reason still stands"
    memo = documents.memo(assessment, "md", today=TODAY).content
    assert ("1226" in memo) is cited


def test_a_legal_rule_without_a_text_to_quote_is_summarised_in_each_language(law):
    """A French memo under English law read the English summary with French spacing."""
    from expert.messages import LANGUAGES

    summarised = {name: s["summary"] for name, s in law.sources.items() if "summary" in s}
    assert summarised, "English law has no single text to quote"
    for name, summary in summarised.items():
        assert set(summary) == set(LANGUAGES), name
