"""Every sentence a letter says about the client is true to the case.

Each wording that states a fact about the client declares, in templates/letter/statements.yaml,
the answers it asserts. These tests render every kind of letter, in both languages and both
deliveries, for every scenario and for generated cases, find every declared wording in the
result, and fail when one asserts an answer the case does not hold.
"""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.advisor import Advisor
from expert.policy import load_policy
from scenario_files import load_scenario, scenario_paths
from strategies import answers_of
from conftest import PARTIES, plain

TODAY = date(2025, 3, 3)
KINDS = ("termination", "address", "renegotiate")
LANGUAGES = ("fr", "en")


def findings_of(assessment) -> set:
    return set(assessment.findings_in(*assessment.knowledge.categories))


def untrue(documents, assessment, text: str) -> list:
    """The declared wordings this text contains whose assertions the case does not hold."""
    findings = findings_of(assessment)
    for value in list(assessment.case.client.values()) + list(assessment.case.provider.values()):
        text = text.replace(str(value), " ")
    return [f"{s.group}/{s.id}" for s in documents.statements.asserted_in(text, assessment.language)
            if not s.holds(assessment.case.answers, findings)]


def every_letter(documents, assessment):
    for kind in KINDS:
        for delivery in ("post", "email"):
            yield kind, delivery, documents.letter(assessment, "text", kind, today=TODAY, delivery=delivery).content


def assessed(advisor, data: dict, language: str, source: str, tmp_path_factory=None):
    case = {**data["case"], "language": language}
    assessor = advisor
    if data.get("policy") is not None:
        policy_file = tmp_path_factory.mktemp("policy") / "policy.yaml"
        policy_file.write_text(yaml.safe_dump(data["policy"]), encoding="utf-8")
        assessor = Advisor(knowledge=advisor.knowledge, policy=load_policy(advisor.knowledge, policy_file))
    return assessor.assess(assessor.case(case, source), explained=False)


SCENARIOS = scenario_paths()


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_letter_of_every_scenario_says_only_what_the_case_holds(path, advisor, documents, tmp_path_factory):
    data = load_scenario(path)
    for language in LANGUAGES:
        assessment = assessed(advisor, data, language, str(path), tmp_path_factory)
        for kind, delivery, text in every_letter(documents, assessment):
            assert not untrue(documents, assessment, text), f"{language} {kind} by {delivery}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_letter_of_any_case_says_only_what_the_case_holds(data, advisor, documents):
    answers = data.draw(answers_of(advisor.knowledge))
    language = data.draw(st.sampled_from(LANGUAGES))
    kind = data.draw(st.sampled_from(KINDS))
    assessment = advisor.assess(advisor.case({"language": language, **PARTIES, "answers": answers}), explained=False)
    text = documents.letter(assessment, "text", kind, today=TODAY).content
    assert not untrue(documents, assessment, text)


def test_the_check_finds_a_wording_the_case_does_not_hold(advisor, documents):
    assessment = advisor.assess(advisor.case({"language": "fr", **PARTIES, "answers": {"profitability": "marginal"}}))
    planted = "Bonjour. Les demandes de remises et de conditions particulières sont fréquentes. Merci."
    assert untrue(documents, assessment, planted) == ["facts/economics.discounts"]


def test_the_check_reads_the_wordings_of_a_typeset_letter(advisor, documents):
    """The letters are typeset (’ and no-break spaces): the check must still find their
    wordings, or every truth test above would pass on an empty list."""
    assessment = advisor.assess(advisor.case({"language": "fr", **PARTIES, "answers": {
        "payment_behaviour": "often_late", "disputes_charges": True, "issue_raised": "warned_in_writing"}}))
    text = documents.letter(assessment, "text", "termination", today=TODAY).content
    assert "’" in text
    found = {f"{s.group}/{s.id}" for s in documents.statements.asserted_in(text, assessment.language)}
    assert {"facts/payment.often_late", "facts/payment.disputed"} <= found


def test_every_declared_assertion_names_a_real_factor_and_value(knowledge, documents):
    for statement in documents.statements.all:
        for alternative in statement.asserts:
            for key, values in alternative:
                if key == "finding":
                    assert set(values) <= set(knowledge.findings), statement.id
                    continue
                assert key in knowledge.factors, f"{statement.id}: unknown factor {key}"
                factor = knowledge.factors[key]
                assert set(values) <= set(factor.values), f"{statement.id}: {key} has no value {values}"
        for finding in statement.findings:
            assert finding in knowledge.findings, statement.id
        assert set(statement.texts) == set(LANGUAGES), statement.id


def letters_for(advisor, documents, answers, language="fr"):
    assessment = advisor.assess(advisor.case({"language": language, **PARTIES, "answers": answers}))
    return {kind: plain(documents.letter(assessment, "text", kind, today=TODAY).content) for kind in KINDS}


# The examples that were seen in letters before each wording declared what it asserts.

def test_thin_margin_without_discount_requests_never_mentions_discounts(advisor, documents):
    for language, word in (("fr", "remise"), ("en", "discount")):
        for text in letters_for(advisor, documents, {"profitability": "marginal", "issue_raised": "discussed"},
                                language).values():
            assert word not in text


def test_strained_morale_alone_does_not_say_the_exchanges_were_tense(advisor, documents):
    letters = letters_for(advisor, documents, {"team_morale_impact": "some", "issue_raised": "warned_in_writing",
                                               "behaviour_trend": "stable"})
    for text in letters.values():
        assert "tendus" not in text and "courtois" not in text and "le ton" not in text


def test_poor_communication_alone_does_not_ask_for_meetings_kept(advisor, documents):
    for language, words in (("fr", "rendez-vous tenus"), ("en", "meetings kept")):
        for text in letters_for(advisor, documents, {"communication": "poor", "issue_raised": "discussed"},
                                language).values():
            assert words not in text


def test_improving_client_let_go_is_not_told_nothing_changed(advisor, documents):
    answers = {"payment_behaviour": "often_late", "issue_raised": "warned_in_writing", "behaviour_trend": "improving"}
    for language, words in (("fr", "n'a pas évolué"), ("fr", "n'ayant pas évolué"), ("en", "not moved on")):
        text = letters_for(advisor, documents, answers, language)["termination"]
        assert words not in text
    assert "efforts faits depuis" in letters_for(advisor, documents, answers)["termination"]


def test_address_letter_to_an_improving_client_does_not_speak_for_the_whole_team(advisor, documents):
    answers = {"payment_behaviour": "sometimes_late", "issue_raised": "discussed", "behaviour_trend": "improving"}
    text = letters_for(advisor, documents, answers)["address"]
    assert "toute l'équipe" not in text and "la situation s'est améliorée" in text


# What a letter needs and the case lacks is a visible blank, listed for the user and in the memo.

def test_missing_invoice_details_are_blanks_listed_in_the_notes_and_the_memo(advisor, documents):
    case = {"language": "fr", **PARTIES,
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed", "behaviour_trend": "improving"}}
    assessment = advisor.assess(advisor.case(case))
    rendered = documents.letter(assessment, "text", "address", today=TODAY)
    assert "[numéros des factures]" in rendered.content and "[montant dû]" in rendered.content
    assert "[numéros des factures]" in rendered.blanks
    memo = plain(documents.memo(assessment, "md", today=TODAY).content)
    assert documents.planned_kind(assessment) == "address"
    assert "## À compléter avant l'envoi" in memo and r"\[numéros des factures\]" in memo and r"\[\[" not in memo


def test_given_invoice_details_fill_the_formal_demand(advisor, documents):
    case = {"language": "fr", **PARTIES, "unpaid": {"amount": 4250.5, "invoices": ["F-2025-014", "F-2025-021"]},
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed"}}
    rendered = documents.letter(advisor.assess(advisor.case(case)), "text", "address", today=TODAY)
    text = plain(rendered.content)
    assert "des factures n° F-2025-014 et F-2025-021" in text
    assert "4 250,50 €" in text
    assert "je vous mets en demeure de régler cette somme au plus tard le 18 mars 2025 ; à défaut" in text
    assert "40 euros par facture" in text and "L441-10" in text
    assert "[numéros des factures]" not in text and "Lettre recommandée avec accusé de réception" in text


def test_english_demand_cites_the_late_payment_act(advisor, documents):
    case = {"language": "en", **PARTIES, "unpaid": {"amount": 1200, "invoices": ["INV-7"]},
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed"}}
    text = " ".join(documents.letter(advisor.assess(advisor.case(case)), "text", "address", today=TODAY).content.split())
    assert "invoice INV-7 remains unpaid, for a total of £1,200.00" in text
    assert "Late Payment of Commercial Debts (Interest) Act 1998" in text


def test_a_french_letter_under_english_law_writes_pounds_as_a_french_writer_does(advisor, documents):
    case = {"language": "fr", "jurisdiction": "GB", **PARTIES, "unpaid": {"amount": 1200, "invoices": ["F-7"]},
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed"}}
    text = plain(documents.letter(advisor.assess(advisor.case(case)), "text", "address", today=TODAY).content)
    assert "1 200,00 £" in text and "£GB" not in text   # CLDR's French symbol is "£GB"


@pytest.mark.parametrize("language, jurisdiction, consequence, not_said", [
    # Code civil art. 1226: a mise en demeure says the creditor will be entitled to terminate,
    # in whichever language it is written.
    ("en", "FR", "failing that, we will be entitled to terminate our contract.", "consider ending"),
    ("fr", "FR", "à défaut, nous serons en droit de résilier notre contrat.", "envisager de mettre fin"),
    # English law gives that right only where the contract or a serious breach does.
    ("en", "GB", "failing that, we will have to consider ending our contract.", "entitled to terminate"),
    ("fr", "GB", "à défaut, nous devrons envisager de mettre fin à notre contrat.", "en droit de résilier"),
])
def test_the_formal_demand_states_the_consequence_the_law_of_the_case_gives(
        advisor, documents, language, jurisdiction, consequence, not_said):
    case = {"language": language, "jurisdiction": jurisdiction, **PARTIES,
            "unpaid": {"amount": 1200, "invoices": ["F-7"]},
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "discussed"}}
    text = plain(documents.letter(advisor.assess(advisor.case(case)), "text", "address", today=TODAY).content)
    text = " ".join(text.split())
    assert consequence in text and not_said not in text


def test_the_consequence_under_a_jurisdiction_is_a_declared_wording_of_the_demand(documents, knowledge):
    from expert.law import law_for

    demand = documents.statements.by_id[("sentences", "address.unpaid")]
    assert set(demand.under) <= set(law_for(knowledge).jurisdictions)
    english_under_french_law = "we will be entitled to terminate our contract"
    found = documents.statements.asserted_in(f"As of today, invoice F-7 remains unpaid, for a total of £1. I must "
                                             f"formally ask you to settle this amount by 1 May at the latest; failing "
                                             f"that, {english_under_french_law}.", "en")
    assert demand in found             # the truth test finds the wording under either law


def test_termination_to_a_client_who_owes_money_settles_what_is_owed_first(advisor, documents):
    case = {"language": "fr", **PARTIES, "answers": {"payment_behaviour": "unpaid_invoices", "work_in_progress": True}}
    text = " ".join(documents.letter(advisor.assess(advisor.case(case)), "text", "termination",
                                     today=TODAY).content.split())
    assert "vous sera remboursée" not in text
    assert "une fois les sommes dues réglées" in text and "sera déduite de ce solde" in text


@pytest.mark.parametrize("language,withheld,returned", [
    ("fr", "vous seront remis au plus tard le 7 avril 2025, une fois les sommes dues réglées",
     "les fichiers et documents qui vous reviennent vous seront restitués au plus tard le 7 avril 2025 ;"),
    ("en", "handed over to you by 7 April 2025, once what is owed has been settled",
     "the files and documents that belong to you will be returned to you by 7 April 2025;"),
])
def test_what_belongs_to_a_client_who_owes_money_is_returned_without_waiting_for_payment(
        advisor, documents, language, withheld, returned):
    """Only our own work in progress waits for what is owed: holding back the client's own
    files and documents to force payment is not ours to do."""
    case = {"language": language, **PARTIES,
            "answers": {"payment_behaviour": "unpaid_invoices", "work_in_progress": True, "notice_period_days": 30}}
    text = " ".join(documents.letter(advisor.assess(advisor.case(case)), "text", "termination",
                                     today=TODAY).content.split())
    assert withheld in text and returned in text
    assert text.count("once what is owed has been settled" if language == "en" else "une fois les sommes dues") == 1


@pytest.mark.parametrize("language,checklist", [
    ("fr", "ne remettre les travaux en cours qu'une fois les sommes dues réglées, comme l'annonce la lettre"),
    ("en", "hand over the work in progress once what is owed has been settled, as the letter says"),
])
def test_the_memos_checklist_holds_back_only_what_the_letter_holds_back(advisor, documents, language, checklist):
    """The checklist is what the team follows: it must not hand over before payment what the
    letter holds back, nor hold back what the letter returns."""
    case = {"language": language, **PARTIES,
            "answers": {"payment_behaviour": "unpaid_invoices", "work_in_progress": True, "notice_period_days": 30,
                        "issue_raised": "warned_in_writing", "behaviour_trend": "worsening"}}
    memo = " ".join(documents.memo(advisor.assess(advisor.case(case)), "md", today=TODAY).content.split())
    assert checklist in memo.replace("’", "'")
    assert ("deliverables and work in progress to the client" if language == "en"
            else "livrables et travaux en cours") not in memo


def test_address_letter_after_a_written_warning_says_what_happens_if_nothing_changes(advisor, documents):
    case = {"language": "fr", **PARTIES,
            "answers": {"payment_behaviour": "often_late", "issue_raised": "warned_in_writing", "behaviour_trend": "stable"}}
    assessment = advisor.assess(advisor.case(case))
    text = plain(documents.letter(assessment, "text", "address", today=TODAY).content)
    assert "Si la situation n'a pas évolué d'ici le 2 mai 2025, nous serons amenés à mettre fin à notre collaboration" in text


@pytest.mark.parametrize("language, covers, shorter", [
    ("fr", "couvre au moins", "est plus court que celui qu'attend la loi"),
    ("en", "is at least as long as", "is shorter than the notice the law expects"),
])
def test_a_memo_never_calls_a_contractual_notice_shorter_than_the_law_expects_enough(
        advisor, documents, language, covers, shorter):
    case = {"language": language, "jurisdiction": "FR", **PARTIES,
            "answers": {"abusive_to_staff": "abusive", "team_morale_impact": "severe", "issue_raised": "not_yet",
                        "notice_period_days": 15, "relationship_years": 2, "work_in_progress": True}}
    memo = plain(documents.memo(advisor.assess(advisor.case(case)), "md", today=TODAY).content)
    assert covers not in memo and shorter in memo
    assert "earlier letter amounted" not in memo and "précédent courrier valait" not in memo


@pytest.mark.parametrize("language, said, not_said", [
    ("fr", "Si ces progrès ne se confirment pas", "Si la situation n'a pas évolué"),
    ("en", "If this progress is not kept up", "If the situation has not changed"),
])
def test_a_client_who_improved_after_a_warning_is_not_told_nothing_has_changed(
        advisor, documents, language, said, not_said):
    case = {"language": language, **PARTIES,
            "answers": {"abusive_to_staff": "rude", "issue_raised": "warned_in_writing",
                        "behaviour_trend": "improving"}}
    text = plain(documents.letter(advisor.assess(advisor.case(case)), "text", "address", today=TODAY).content)
    assert said in text and not_said not in text


@pytest.mark.parametrize("language,invoices,letter_says,memo_says", [
    ("fr", ["F-7"], "(facture n° F-7, d'un total de", "(facture F-7)"),
    ("fr", ["F-7", "F-8"], "(factures n° F-7 et F-8, d'un total de", "(factures F-7 et F-8)"),
    ("en", ["INV-7"], "(invoice INV-7, totalling", "(invoice INV-7)"),
    ("en", ["INV-7", "INV-8"], "(invoices INV-7 and INV-8, totalling", "(invoices INV-7 and INV-8)"),
])
def test_a_termination_names_one_unpaid_invoice_in_the_singular(advisor, documents, language, invoices,
                                                                letter_says, memo_says):
    case = {"language": language, **PARTIES, "unpaid": {"amount": 900, "invoices": invoices},
            "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing",
                        "behaviour_trend": "stable"}}
    assessment = advisor.assess(advisor.case(case))
    assert letter_says in plain(documents.letter(assessment, "text", "termination", today=TODAY).content)
    assert memo_says in plain(documents.memo(assessment, "md", today=TODAY).content)


def test_what_the_memo_asks_of_the_client_is_not_written_to_the_client(advisor, documents):
    """The asks are read in the memo too, where "you" is the user: none may say "your team"."""
    for language in ("fr", "en"):
        case = {"language": language, **PARTIES,
                "answers": {"abusive_to_staff": "rude", "team_morale_impact": "some", "issue_raised": "not_yet"}}
        memo = plain(documents.memo(advisor.assess(advisor.case(case)), "md", today=TODAY).content)
        assert ("ménage notre équipe" if language == "fr" else "fair on our team") in memo
        assert "qui vous accompagne" not in memo and "look after you" not in memo
