"""The interview, driven through real questionary prompts on a prompt_toolkit pipe input.

Every key a test sends is written to the pipe up front (prompt_toolkit hands the keys one
prompt did not use to the next one). A prompt fed too few keys would wait forever, so each
interview runs in a thread joined with a timeout; on timeout the pipe is closed, which ends
the prompt with EOFError, and the test fails showing what was on screen.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import threading
from dataclasses import dataclass

import pytest
import yaml
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from expert.case import LETTER_DETAILS
from expert.documents import Documents
from expert.errors import InputError
from expert.files import slugify
from expert.interview import InterviewPaused, Terminal, interview_command, load_texts
from expert.messages import locale_language
from expert.interview.planner import Planner, interactions
from expert.interview.session import DEFAULT_NAME, VERSION, Session, load_session

# "j" moves down in a questionary list, like the arrow key; an escape sequence (\x1b[B) could
# be split between two reads of the pipe and taken for a lone Escape.
ENTER, DOWN, CTRL_C = "\r", "j", "\x03"
TIMEOUT = 60
FIRST_DETAILS = ["Dupont SARL", "Atelier Martin"]                  # client and provider: asked first
LAST_DETAILS = ["Marie Dupont", "marie@dupont.example", "Jean Martin", "jean@martin.example"]  # for a letter


@dataclass
class Run:
    result: dict | None
    error: BaseException | None
    screen: str


class ScreenTerminal(Terminal):
    """The questionary terminal, with each text prompt's question copied to the screen (the
    dummy output shows no prompt), so that a test can tell which details were asked."""

    def text(self, message, default="", instruction=None, empty=""):
        self.say(f"? {message}")
        return super().text(message, default=default, instruction=instruction, empty=empty)


def run_interview(keys: str, timeout: float = TIMEOUT, **options) -> Run:
    """Run interview_command on a pipe input holding `keys`; fail if it wants more."""
    screen, outcome = io.StringIO(), {}
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        terminal = ScreenTerminal(input=pipe, output=DummyOutput(), stream=screen)

        def target():
            try:
                outcome["result"] = interview_command(terminal=terminal, **options)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcome["error"] = error

        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        thread.join(timeout)
        if thread.is_alive():
            pipe.close()
            thread.join(10)
            pytest.fail("the interview waited for more answers than the test gave; last output:\n"
                        + screen.getvalue()[-3000:])
    return Run(outcome.get("result"), outcome.get("error"), screen.getvalue())


class Keys:
    """The keys a person would press, named after what they mean."""

    def __init__(self, knowledge):
        self.knowledge, self.parts = knowledge, []

    def __str__(self):
        return "".join(self.parts)

    def type(self, *texts):
        self.parts += [text + ENTER for text in texts]
        return self

    def retype(self, text):
        """Clear what was typed (Ctrl-U), then type again."""
        self.parts.append("\x15" + text + ENTER)
        return self

    def details(self):
        return self.type(*FIRST_DETAILS)

    def letter_details(self):
        """Contact, their e-mail, signatory, our e-mail: asked last, only for a letter."""
        return self.type(*LAST_DETAILS)

    def leave_empty(self, count):
        """Enter alone on `count` optional details (the letter then shows its blanks)."""
        return self.type(*[""] * count)

    def back(self, factor=None):
        """← Back, the last choice: after the values, "I don't know", "why?" and a blank line;
        on a theme's check after yes, no, "why?"; on a text prompt, "<" alone."""
        if factor is None:
            self.parts.append("<" + ENTER)
        elif factor == "gate":
            self.parts.append(DOWN * 3 + ENTER)
        else:
            self.parts.append(DOWN * (len(self.knowledge.factors[factor].values) + 2) + ENTER)
        return self

    def pick(self, factor, value):
        values = list(self.knowledge.factors[factor].values)
        index = next(i for i, v in enumerate(values) if v == value and type(v) is type(value))
        self.parts.append(DOWN * index + ENTER)
        return self

    def dont_know(self, factor):
        self.parts.append(DOWN * len(self.knowledge.factors[factor].values) + ENTER)
        return self

    def why(self, factor):
        self.parts.append(DOWN * (len(self.knowledge.factors[factor].values) + 1) + ENTER)
        return self

    def all_true(self):
        self.parts.append(ENTER)
        return self

    def not_all(self):
        self.parts.append(DOWN + ENTER)
        return self

    def review_pick(self, index):
        """From "see the recommendation" (above "← Back", the last line), down wraps to the first."""
        self.parts.append(DOWN * (2 + index) + ENTER)
        return self

    def confirm(self):
        self.parts.append(ENTER)
        return self

    def finish(self):
        """All correct at the review, then "write the files" under the verdict."""
        return self.confirm().confirm()

    def interrupt(self):
        self.parts.append(CTRL_C)
        return self


@pytest.fixture
def keys(knowledge):
    return Keys(knowledge)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


PLANNED_EXIT = {
    "payment_behaviour": "often_late", "discount_pressure": False, "profitability": "profitable",
    "revenue_share": 12, "abusive_to_staff": "never", "unpaid_extra_work": False, "values_conflict": "none",
    "strategic_fit": "core", "issue_raised": "warned_in_writing", "behaviour_trend": "stable",
    "relationship_years": 4, "client_influence": "low", "notice_period_days": 30, "work_in_progress": True}


def written_case(run: Run) -> dict:
    return yaml.safe_load((run.result["folder"] / "case.yaml").read_text(encoding="utf-8"))


def assert_same_verdict_as_assess(run: Run, advisor):
    assessment = advisor.assess(advisor.load_case(run.result["folder"] / "case.yaml"))
    assert assessment.verdict == run.result["assessment"].verdict


def gates(*themes):
    return [f"gate:{theme}" for theme in themes]


# -- the adaptive path -------------------------------------------------------------------------

def test_good_client_is_done_after_one_check_per_theme(here, keys, knowledge, advisor):
    keys.details().all_true().all_true().all_true().all_true().finish()
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["asked"] == gates("money", "people", "work", "fit")
    assert "Your contact there" not in run.screen     # no letter: no names asked for one
    assert run.result["assessment"].verdict == {"recommendation": "keep", "reconciliation": "open"}
    answers = written_case(run)["answers"]
    assert answers["payment_behaviour"] == "on_time"
    assert "disputes_charges" not in answers      # its ask_when needs late payment
    assert "behaviour_trend" not in answers       # nothing was raised with the client
    assert not (here / DEFAULT_NAME).exists()     # the case file now holds the answers
    assert_same_verdict_as_assess(run, advisor)


def test_written_warning_ignored_leads_to_planned_exit(here, keys, knowledge, advisor):
    (keys.details()
     .not_all().pick("payment_behaviour", "often_late").pick("discount_pressure", False)
     .pick("profitability", "profitable")
     .pick("abusive_to_staff", "never").pick("unpaid_extra_work", False).all_true()
     .pick("issue_raised", "warned_in_writing").pick("behaviour_trend", "stable")
     .type("4", "12").pick("client_influence", "low").type("30 days").pick("work_in_progress", True)
     .finish().letter_details().leave_empty(6))    # title, addresses, contract, warning date
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["asked"] == [
        "gate:money", "payment_behaviour", "discount_pressure", "profitability", "abusive_to_staff",
        "unpaid_extra_work", "gate:fit", "issue_raised", "behaviour_trend", "relationship_years",
        "revenue_share", "client_influence", "notice_period_days", "work_in_progress"]
    assert run.result["assessment"].verdict["recommendation"] == "exit_planned"
    assert written_case(run)["answers"]["notice_period_days"] == 30
    assert_same_verdict_as_assess(run, advisor)


def test_abusive_client_ends_promptly_and_trend_is_not_asked_when_nothing_was_raised(here, keys, advisor):
    (keys.details().all_true().not_all().pick("abusive_to_staff", "abusive")
     .pick("issue_raised", "not_yet").type("2", "5").pick("client_influence", "low").type("0")
     .pick("work_in_progress", False).finish().letter_details().leave_empty(5))  # no warning: no date asked
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    asked = run.result["asked"]
    assert asked[:3] == ["gate:money", "gate:people", "abusive_to_staff"]
    assert "behaviour_trend" not in asked and "gate:work" not in asked
    assert run.result["assessment"].verdict == {"recommendation": "exit_now", "reconciliation": "closed"}
    assert_same_verdict_as_assess(run, advisor)


def test_haggling_client_is_asked_what_could_justify_a_concession(here, keys, advisor):
    (keys.details().not_all().pick("payment_behaviour", "on_time").pick("discount_pressure", True)
     .all_true().all_true().not_all().pick("values_conflict", "none").pick("strategic_fit", "core")
     .pick("brings_referrals", False).type("1").finish().letter_details().leave_empty(3))  # title, addresses
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["asked"][-4:] == ["values_conflict", "strategic_fit", "brings_referrals",
                                        "relationship_years"]
    assert run.result["assessment"].verdict["recommendation"] == "renegotiate"
    assert_same_verdict_as_assess(run, advisor)


def test_planner_asks_what_was_tried_because_of_how_it_went_since(advisor):
    """issue_raised alone changes nothing here; with behaviour_trend it can: a pair."""
    planner = Planner(advisor.engine)
    answers = {"payment_behaviour": "often_late", "discount_pressure": False, "profitability": "profitable",
               "abusive_to_staff": "never", "unpaid_extra_work": False, "values_conflict": "none",
               "strategic_fit": "core"}
    step = planner.next_step(answers, (), ("money", "people", "work", "fit"))
    assert step.factors == ("issue_raised",)
    assert planner.matters("issue_raised", answers) == ("with", "behaviour_trend")


def test_pairs_are_only_searched_where_one_rule_reads_both(advisor):
    partners = interactions(advisor.knowledge, [c.rule for c in advisor.engine.compiled.values()],
                            advisor.engine.policy)
    assert "behaviour_trend" in partners["issue_raised"]          # ask_when and shared rules
    assert "profitability" in partners["discount_pressure"]       # haggling on a thin margin
    assert "work_in_progress" not in partners["scope_changes"]    # no rule reads both


# -- going back --------------------------------------------------------------------------------

def test_back_on_a_choice_asks_the_previous_question_again_with_its_answer(here, keys, advisor):
    keys.details().not_all().pick("payment_behaviour", "often_late")
    keys.back("discount_pressure")                  # at "discounts?": back to payments
    keys.confirm()                                  # often late is chosen already: Enter keeps it
    keys.interrupt()                                # at "discounts?" again
    run = run_interview(str(keys), language="en")
    assert isinstance(run.error, InterviewPaused)
    assert run.result is None
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers == {"payment_behaviour": "often_late"} and saved.at == "discount_pressure"
    assert saved.history[-2:] == ["gate:money", "payment_behaviour"]


def test_back_on_a_text_prompt_and_several_steps_keeps_later_answers(here, keys, advisor):
    # A good client up to the years of relationship... then back twice from the review.
    (keys.details().not_all().pick("payment_behaviour", "often_late").pick("discount_pressure", False)
     .pick("profitability", "profitable").pick("abusive_to_staff", "never").pick("unpaid_extra_work", False)
     .all_true().pick("issue_raised", "warned_in_writing").pick("behaviour_trend", "stable").type("4")
     .back())                                       # "<" on the revenue share: back to the years
    keys.retype("7")                                # the years, corrected
    keys.back()                                     # back again on the share: to the years...
    keys.back()                                     # ...and further back, to how it went since
    keys.pick("behaviour_trend", "stable")          # unchanged (pointer already on it: Enter)
    keys.parts[-1] = ENTER
    keys.confirm()                                  # the years come back with 7: Enter keeps them
    keys.interrupt()                                # at the share again
    run = run_interview(str(keys), language="en")
    assert isinstance(run.error, InterviewPaused), run.screen
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers["relationship_years"] == 7 and saved.answers["behaviour_trend"] == "stable"
    assert saved.answers["issue_raised"] == "warned_in_writing" and saved.at == "revenue_share"


def test_changing_an_earlier_answer_forgets_the_answers_that_no_longer_apply(here, keys, advisor):
    (keys.details().not_all().pick("payment_behaviour", "often_late").pick("discount_pressure", False)
     .pick("profitability", "profitable").pick("abusive_to_staff", "never").pick("unpaid_extra_work", False)
     .all_true().pick("issue_raised", "warned_in_writing").pick("behaviour_trend", "stable"))
    keys.back()                                     # "<" at the years: back to how it went since...
    keys.parts.append(DOWN * 4 + ENTER)             # ...(on "stable": worse, ?, why, ← Back) and back again
    keys.parts.append("k" * 2 + ENTER)              # what was tried: from the written warning up to nothing yet
    keys.interrupt()
    run = run_interview(str(keys), language="en")
    assert isinstance(run.error, InterviewPaused), run.screen
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers["issue_raised"] == "not_yet"
    # How it went since is asked only once something was raised: forgotten, not written.
    assert "behaviour_trend" not in saved.answers and "behaviour_trend" not in saved.history
    assert saved.answers["payment_behaviour"] == "often_late"   # still applies: kept


def test_going_back_to_a_theme_check_answered_yes_then_no_asks_its_questions(here, keys, advisor):
    keys.details().all_true().back("gate")          # at the people check: back to the money check
    keys.parts.append(DOWN + ENTER)                 # "yes" is chosen: one down is "not quite"
    keys.confirm()                                  # payments come back with "on time": keep
    keys.interrupt()
    run = run_interview(str(keys), language="en")
    assert isinstance(run.error, InterviewPaused), run.screen
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.at == "discount_pressure" and saved.queue[:1] == ["discount_pressure"]


def test_back_at_the_first_question_says_there_is_nothing_before(here, keys):
    run = run_interview("\x1b" + ENTER + CTRL_C)    # Escape at the language, then English, then stop
    assert isinstance(run.error, InterviewPaused), run.screen
    assert "there is nothing before it" in run.screen or "il n'y a rien avant" in run.screen


def test_a_resumed_interview_can_go_back_before_the_interruption(here, keys, advisor):
    keys.details().not_all().pick("payment_behaviour", "sometimes_late").interrupt()
    assert isinstance(run_interview(str(keys), language="en").error, InterviewPaused)
    back = Keys(advisor.knowledge).back("discount_pressure").parts[0]
    run = run_interview(back + ENTER + CTRL_C, resume="")     # back, keep "sometimes late", stop
    assert isinstance(run.error, InterviewPaused)
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.at == "discount_pressure"
    assert "payment_behaviour" in saved.history


# -- progress ----------------------------------------------------------------------------------

def test_progress_only_moves_forward_and_says_how_many_questions_are_left(here, keys, advisor):
    (keys.details()
     .not_all().pick("payment_behaviour", "often_late").pick("discount_pressure", False)
     .pick("profitability", "profitable")
     .pick("abusive_to_staff", "never").pick("unpaid_extra_work", False).all_true()
     .pick("issue_raised", "warned_in_writing").pick("behaviour_trend", "stable")
     .type("4", "12").pick("client_influence", "low").type("30").pick("work_in_progress", True)
     .finish().letter_details().leave_empty(6))
    run = run_interview(str(keys), language="en")
    assert run.error is None, run.screen
    bars = [line.count("▰") for line in run.screen.splitlines() if line.startswith("── ")]
    assert len(bars) == len(run.result["asked"]) + 1            # one line per question, and the end
    assert bars == sorted(bars) and bars[-1] > bars[0]          # never backwards
    assert bars[-1] == 10 and bars[-2] < 10                     # full once the questions are over
    assert "about 4 questions left" in run.screen               # the first estimate: a check per theme
    assert "about one question left" in run.screen


def test_planner_estimate_counts_a_theme_check_as_one_question(advisor):
    planner = Planner(advisor.engine)
    first = planner.next_step({}, (), ())
    assert first.kind == "gate" and first.left == 4
    good = {f: advisor.knowledge.factors[f].values[0] for f in first.factors}
    assert planner.next_step(good, (), ("money",)).left == 3


# -- why? and "I don't know" -------------------------------------------------------------------

def test_why_shows_the_reason_the_rules_and_their_passages(here, keys, knowledge):
    keys.details().not_all().why("payment_behaviour").interrupt()
    run = run_interview(str(keys), language="en")
    assert isinstance(run.error, InterviewPaused)
    factor = knowledge.factors["payment_behaviour"]
    screen = " ".join(run.screen.split())   # wrapped to the width of whatever terminal runs the tests
    assert factor.why("en") in screen
    assert "The client often pays late: cash flow suffers." in screen
    assert "ils payent systématiquement leurs factures en retard" in screen
    assert "In English: “they systematically pay their invoices late”" in screen    # the passage's rendering
    assert "Il faut virer les mauvais clients" in screen          # the article's title
    assert "Often late → Address the problems with the client" in screen


def test_dont_know_is_kept_in_the_session_and_written_as_null(here, keys, advisor):
    keys.details().not_all().dont_know("payment_behaviour").interrupt()
    paused = run_interview(str(keys), language="en")
    assert isinstance(paused.error, InterviewPaused)
    saved = json.loads((here / DEFAULT_NAME).read_text(encoding="utf-8"))
    assert saved["unknown"] == ["payment_behaviour"] and "payment_behaviour" not in saved["answers"]

    resumed = Keys(advisor.knowledge).pick("discount_pressure", False).pick("profitability", "profitable")
    resumed.all_true().all_true().all_true().finish()
    run = run_interview(str(resumed), resume="")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert "payment_behaviour" not in run.result["asked"]
    assert written_case(run)["answers"]["payment_behaviour"] is None
    assert_same_verdict_as_assess(run, advisor)


# -- review ------------------------------------------------------------------------------------

def test_changing_an_answer_at_review_asks_what_became_relevant(here, keys, knowledge, advisor):
    # Good client first; at review, payments become "often late" (the first answer line:
    # after the language and the two names, index 3).
    keys.details().all_true().all_true().all_true().all_true()
    keys.review_pick(3).pick("payment_behaviour", "often_late")
    # (warned in writing: for money, after a mere conversation the trend changes nothing)
    keys.pick("issue_raised", "warned_in_writing").pick("behaviour_trend", "improving")
    keys.finish().letter_details().leave_empty(4)    # the address letter: title, addresses, warning date
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    # Disputed charges would change nothing once payments are often late: not asked.
    assert run.result["asked"][4:] == ["payment_behaviour", "issue_raised", "behaviour_trend"]
    assert run.screen.count("No other question could change the recommendation.") == 2   # two reviews
    case = written_case(run)["answers"]
    assert case["payment_behaviour"] == "often_late" and case["behaviour_trend"] == "improving"
    assert run.result["assessment"].verdict["recommendation"] == "address"
    assert_same_verdict_as_assess(run, advisor)


def test_details_are_checked_after_enter_and_asked_again(here, keys):
    keys.type("", "Dupont SARL", "Atelier Martin").interrupt()
    run = run_interview(str(keys), language="fr")
    assert isinstance(run.error, InterviewPaused)
    assert "✗ Une réponse est nécessaire ici" in run.screen
    saved = load_session(here / DEFAULT_NAME, keys.knowledge)
    assert saved.client == {"name": "Dupont SARL"} and saved.provider == {"name": "Atelier Martin"}


def test_names_for_the_letter_are_asked_last_and_checked(here, keys, advisor):
    (here / "last.yaml").write_text(yaml.safe_dump({
        "language": "fr", "client": {"name": "Dupont SARL"}, "provider": {"name": "Atelier Martin"},
        "answers": PLANNED_EXIT,
    }), encoding="utf-8")
    keys.confirm().finish()                          # nothing to revisit, all correct, write
    keys.type("Marie Dupont", "not an address").retype("marie@dupont.example").type("Jean Martin", "").leave_empty(7)
    run = run_interview(str(keys), answers="last.yaml")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    verdict = run.screen.index("Recommandation : Mettre fin à la relation de façon planifiée")
    assert run.screen.index("Pour la lettre, encore quelques renseignements") > verdict
    assert "✗ Il faut une adresse e-mail" in run.screen
    case = written_case(run)
    assert case["client"] == {"name": "Dupont SARL", "contact": "Marie Dupont", "email": "marie@dupont.example"}
    assert case["provider"] == {"name": "Atelier Martin", "signatory": "Jean Martin"}
    assert (run.result["folder"] / "letter.txt").exists()


# -- the letter's details ----------------------------------------------------------------------

UNPAID_EXIT = {**PLANNED_EXIT, "payment_behaviour": "unpaid_invoices"}
NAMES = ["Me Anne Roux", "", "Jean Martin", ""]          # contact, their e-mail, signatory, our e-mail


def from_case_file(here, answers, language="fr"):
    (here / "case.yaml").write_text(yaml.safe_dump({
        "language": language, "client": {"name": "Garage Roux SAS"}, "provider": {"name": "Atelier Martin"},
        "answers": answers}), encoding="utf-8")
    return "case.yaml"


def letter_detail_prompts(knowledge, language):
    texts = load_texts(knowledge)
    return {name: texts(name, language) for name in LETTER_DETAILS}


def test_a_termination_for_unpaid_invoices_asks_their_amount_and_numbers_and_the_letter_states_them(
        here, keys, advisor):
    keys.confirm().finish().type(*NAMES)            # nothing to revisit, all correct, write
    keys.type("Gérant", "Villeurbanne", "4 place Grandclément / 69100 Villeurbanne", "", "CT-2021-07", "",
              "2025-01-15", "beaucoup").retype("4 250,50 €").type("F-2024-118, F-2025-004")
    run = run_interview(str(keys), answers=from_case_file(here, UNPAID_EXIT))
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["assessment"].verdict["recommendation"] in ("exit_planned", "exit_now")
    assert "Le montant total qui reste dû" in run.screen and "Les numéros des factures impayées" in run.screen
    assert "✗ Il faut un montant, par exemple 1 250,50" in run.screen
    case = written_case(run)
    assert case["unpaid"] == {"amount": 4250.5, "invoices": ["F-2024-118", "F-2025-004"]}
    assert case["contract"] == {"reference": "CT-2021-07", "warning_date": "2025-01-15"}
    assert case["provider"] == {"name": "Atelier Martin", "signatory": "Jean Martin", "title": "Gérant",
                                "place": "Villeurbanne", "address": "4 place Grandclément\n69100 Villeurbanne"}
    letter = " ".join((run.result["folder"] / "letter.txt").read_text(encoding="utf-8").split())
    letter = letter.replace("\u202f", " ").replace("\u00a0", " ")
    assert "(factures n° F-2024-118 et F-2025-004, d’un total de 4 250,50 €)" in letter
    assert "Par un précédent courrier du 15 janvier 2025" in letter
    assert "Villeurbanne, le " in letter and "4 place Grandclément 69100 Villeurbanne" in letter
    assert "[adresse postale du client]" in letter          # left empty: the letter shows its blank
    assert_same_verdict_as_assess(run, advisor)


def test_each_answer_stays_on_screen_after_its_question_wrapped_between_words(here, keys, monkeypatch):
    """prompt_toolkit's own answered line was cut mid-word at the edge of a narrow terminal,
    and an empty answer showed nothing."""
    monkeypatch.setenv("COLUMNS", "60")
    keys.confirm().finish().type(*NAMES).interrupt()
    run = run_interview(str(keys), answers=from_case_file(here, UNPAID_EXIT))
    assert isinstance(run.error, InterviewPaused)
    lines = run.screen.splitlines()
    assert "? Son adresse e-mail : non renseigné" in lines          # left empty: said, not blank
    assert "? Votre interlocuteur chez ce client (destinataire de la" in lines
    assert "  lettre) : Me Anne Roux" in lines
    verdict = next(i for i, line in enumerate(lines) if line.startswith("? Et maintenant ?"))
    assert lines[verdict] == "? Et maintenant ? Continuer : écrire les fichiers"   # a choice, echoed


def test_a_themes_summary_keeps_each_answer_whole_on_a_narrow_terminal(here, keys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    keys.details().interrupt()
    run = run_interview(str(keys), language="en")
    lines = run.screen.splitlines()
    assert "  • What margin do you make on this client?" in lines
    assert "    → A fair margin" in lines      # not "→ A fair" with "margin" below it


def test_the_files_written_are_listed_wrapped_between_words_on_a_narrow_terminal(here, keys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "60")
    keys.confirm().finish().type(*NAMES).leave_empty(7).type("", "")
    run = run_interview(str(keys), answers=from_case_file(here, UNPAID_EXIT))
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    lines = run.screen.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Fichiers écrits dans"))
    listed = lines[start + 1:start + 8]
    assert "  garage-roux-sas/letter.txt  (la lettre au client, à" in listed
    assert "    relire avant envoi)" in listed
    assert all(len(line) <= 58 for line in listed)


@pytest.mark.parametrize("typed, refusal, kept", [
    # The documents are dated today: a letter cannot cite a warning sent after it.
    (("", "15/01/2099"), "✗ Cette date est postérieure à aujourd’hui ({today})", {}),
    (("01/09/2021", "15/01/2020"),
     "✗ L’avertissement écrit (15 janvier 2020) ne peut pas être antérieur au contrat (1er septembre 2021)",
     {"date": "2021-09-01"}),
], ids=["after-today", "before-its-contract"])
def test_a_written_warning_date_that_cannot_be_is_asked_again(here, keys, typed, refusal, kept):
    keys.confirm().finish().type(*NAMES)
    keys.type("Gérant", "Villeurbanne", "", "", "", *typed).retype("15/01/2025")
    keys.type("4250,50", "F-2024-118")
    run = run_interview(str(keys), answers=from_case_file(here, UNPAID_EXIT))
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    today = Documents().settings.format_date(datetime.date.today(), "fr")        # « 3 décembre 2026 »
    assert refusal.format(today=today) in run.screen
    assert written_case(run)["contract"] == {**kept, "warning_date": "2025-01-15"}   # typed day first


def test_a_client_to_keep_is_asked_no_detail_for_a_letter(here, keys, knowledge, advisor):
    keys.details().all_true().all_true().all_true().all_true().finish()
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["assessment"].verdict["recommendation"] == "keep"
    assert not any(prompt in run.screen for prompt in letter_detail_prompts(knowledge, "en").values())
    assert not {"contract", "unpaid"} & set(written_case(run))


def test_without_a_written_warning_its_date_is_not_asked(here, keys, knowledge, advisor):
    (keys.details().all_true().not_all().pick("abusive_to_staff", "abusive")
     .pick("issue_raised", "not_yet").type("2", "5").pick("client_influence", "low").type("0")
     .pick("work_in_progress", False).finish().letter_details()
     .type("Director", "10 High Street / Bristol BS1 4DJ", "", "C-12", "2024-02-01"))
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["assessment"].verdict["recommendation"] == "exit_now"
    prompts = letter_detail_prompts(knowledge, "en")
    assert prompts["contract.date"] in run.screen
    for name in ("contract.warning_date", "unpaid.amount", "unpaid.invoices", "provider.place"):
        assert prompts[name] not in run.screen, name      # not warned, nothing unpaid, no place in English
    assert written_case(run)["contract"] == {"reference": "C-12", "date": "2024-02-01"}
    letter = (run.result["folder"] / "letter.txt").read_text(encoding="utf-8")
    assert "10 High Street\nBristol BS1 4DJ" in letter and "Director" in letter
    assert "Termination of contract C-12 dated 1\u00a0February\u00a02024" in letter


def test_going_back_across_the_letter_details_keeps_their_answers(here, keys, advisor):
    keys.confirm().finish().type(*NAMES)
    keys.type("Gérant", "Lyon").back().back()          # back from the address, then from the place
    keys.confirm().confirm()                           # the title, then the place, offered as typed
    keys.type("12 rue des Lilas / 69003 Lyon").back().confirm()    # the address comes back on one line
    keys.leave_empty(4)                                # client's address, contract, warning date
    run = run_interview(str(keys), answers=from_case_file(here, PLANNED_EXIT))
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    provider = written_case(run)["provider"]
    assert (provider["title"], provider["place"], provider["address"]) == ("Gérant", "Lyon",
                                                                           "12 rue des Lilas\n69003 Lyon")


def test_plain_interview_takes_an_address_on_one_line_and_goes_back_with_a_less_than_sign(here, advisor):
    from expert.interview import PlainTerminal

    lines = ["", "", "", *NAMES, "Gérant", "<", "", "Lyon", "12 rue des Lilas / 69003 Lyon", "8 avenue Foch/Lyon",
             "", "", "", "4250", "F-7"]
    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("\n".join(lines) + "\n"), stream=screen)
    result = interview_command(terminal=terminal, answers=from_case_file(here, UNPAID_EXIT))
    case = yaml.safe_load((result["folder"] / "case.yaml").read_text(encoding="utf-8"))
    assert case["provider"]["address"] == "12 rue des Lilas\n69003 Lyon"
    assert case["client"]["address"] == "8 avenue Foch\nLyon"
    assert case["unpaid"] == {"amount": 4250, "invoices": ["F-7"]}
    assert "[Gérant]" in screen.getvalue()             # back to the title: offered again as typed
    assert "séparées par « / »" in screen.getvalue()


def test_a_case_files_letter_details_and_jurisdiction_are_kept_when_its_prompts_are_left_as_they_are(here, advisor):
    """Every detail a case file holds is offered as it is: Enter keeps it, nothing is dropped."""
    from expert.interview import PlainTerminal

    given = {
        "language": "fr", "jurisdiction": "GB",
        "client": {"name": "Garage Roux SAS", "contact": "Me Anne Roux", "email": "anne@roux.example",
                   "address": "8 avenue Foch\nLyon"},
        "provider": {"name": "Atelier Martin", "signatory": "Jean Martin", "email": "jean@martin.example",
                     "title": "Gérant", "place": "Lyon", "address": "12 rue des Lilas\n69003 Lyon"},
        "answers": UNPAID_EXIT,
        "contract": {"reference": "CT-2021-07", "date": "2021-07-01", "warning_date": "2025-01-15"},
        "unpaid": {"amount": 4250.5, "invoices": ["F-2024-118", "F-2025-004"]},
    }
    (here / "case.yaml").write_text(yaml.safe_dump(given, allow_unicode=True), encoding="utf-8")
    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("\n" * 40), stream=screen)
    result = interview_command(terminal=terminal, answers="case.yaml")
    case = yaml.safe_load((result["folder"] / "case.yaml").read_text(encoding="utf-8"))
    assert {key: case[key] for key in ("jurisdiction", "client", "provider", "contract", "unpaid")} == {
        key: given[key] for key in ("jurisdiction", "client", "provider", "contract", "unpaid")}
    letter = " ".join((result["folder"] / "letter.txt").read_text(encoding="utf-8").split())
    assert "(factures n° F-2024-118 et F-2025-004, d’un total de 4 250,50 £)" in letter     # the UK's pound


def test_going_back_offers_a_date_day_first_and_an_amount_as_the_language_writes_them(here, advisor):
    from expert.interview import PlainTerminal

    lines = ["", "", "", *NAMES, "Gérant", "Lyon", "", "", "", "1/9/2021", "<", "", "15/01/25", "4250,5", "<", "",
             "F-7"]
    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("\n".join(lines) + "\n"), stream=screen)
    result = interview_command(terminal=terminal, answers=from_case_file(here, UNPAID_EXIT))
    assert "[01/09/2021]" in screen.getvalue() and "[4\u202f250,50]" in screen.getvalue()
    case = yaml.safe_load((result["folder"] / "case.yaml").read_text(encoding="utf-8"))
    assert case["contract"] == {"date": "2021-09-01", "warning_date": "2025-01-15"}
    assert case["unpaid"] == {"amount": 4250.5, "invoices": ["F-7"]}


def test_a_date_that_does_not_exist_is_asked_again_saying_so(here, keys):
    keys.confirm().finish().type(*NAMES)
    keys.type("Gérant", "Villeurbanne", "", "", "", "31/02/2021").retype("28/02/2021")
    keys.type("", "4250,50", "F-2024-118")
    run = run_interview(str(keys), answers=from_case_file(here, UNPAID_EXIT))
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert "✗ Cette date n’existe pas : vérifiez le jour et le mois" in run.screen
    assert written_case(run)["contract"] == {"date": "2021-02-28"}


def test_plain_less_than_sign_at_the_first_question_says_there_is_nothing_before_and_asks_again(here, knowledge):
    from expert.interview import PlainTerminal

    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("<\nGarage Roux SAS\n"), stream=screen)
    with pytest.raises(InterviewPaused):
        interview_command(terminal=terminal, language="fr")
    shown = screen.getvalue()
    assert "C’est la première question : il n’y a rien avant." in shown
    assert shown.count("Nom du client") == 2
    assert load_session(here / "adieu-session.json", knowledge).detail("client.name") == "Garage Roux SAS"


def test_going_back_from_our_name_asks_the_clients_name_first(here, knowledge):
    """It asked our name again first, then the client's: the previous question comes first."""
    from expert.interview import PlainTerminal

    screen = io.StringIO()
    typed = "Garage Roux\n<\nGarage Roux SAS\nAtelier Martin\n"
    with pytest.raises(InterviewPaused):
        interview_command(terminal=PlainTerminal(input=io.StringIO(typed), stream=screen), language="fr")
    prompts = [line.split(" :")[0] for line in screen.getvalue().splitlines() if " : " in line and "?" not in line]
    assert [p for p in prompts if p.startswith(("Nom du client", "Le nom de votre"))][:4] == [
        "Nom du client (l’entreprise ou la personne)", "Le nom de votre entreprise",
        "Nom du client (l’entreprise ou la personne)", "Le nom de votre entreprise"]
    session = load_session(here / "adieu-session.json", knowledge)
    assert (session.detail("client.name"), session.detail("provider.name")) == ("Garage Roux SAS", "Atelier Martin")


def test_plain_interview_never_offers_a_refused_value_as_the_empty_lines_answer(here, advisor):
    """In --plain an empty line takes the value in brackets: after a refusal it is still the
    earlier one (here none: the optional amount is left empty), never the refused text."""
    from expert.interview import PlainTerminal

    lines = ["", "", "", *NAMES, "", "", "", "", "", "", "", "beaucoup", "", "F-7"]
    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("\n".join(lines) + "\n"), stream=screen)
    result = interview_command(terminal=terminal, answers=from_case_file(here, UNPAID_EXIT))
    shown = screen.getvalue()
    assert shown.count("✗ Il faut un montant") == 1 and "[beaucoup]" not in shown
    case = yaml.safe_load((result["folder"] / "case.yaml").read_text(encoding="utf-8"))
    assert case["unpaid"] == {"invoices": ["F-7"]}


def test_the_review_shows_the_letter_details_given_once_the_user_goes_back_to_it(here, advisor):
    from expert.interview import PlainTerminal

    given = {"language": "fr", "client": {"name": "Garage Roux SAS", "contact": "Me Anne Roux", "email": None},
             "provider": {"name": "Atelier Martin", "signatory": "Jean Martin"}, "answers": UNPAID_EXIT}
    (here / "case.yaml").write_text(yaml.safe_dump(given), encoding="utf-8")
    lines = ["", "", "",                    # nothing to revisit, all correct, write
             "", "",                        # the client's e-mail, ours: left empty
             "Gérant", "<", "<", "<", "<",  # the title; back to it, to both e-mails, to the review
             "", "",                        # all correct, write: what was given is not asked again
             "Lyon", "", "", "", "", "", "4250,5", "F-7"]
    screen = io.StringIO()
    terminal = PlainTerminal(input=io.StringIO("\n".join(lines) + "\n"), stream=screen)
    result = interview_command(terminal=terminal, answers="case.yaml")
    shown = screen.getvalue()
    review = shown.index("Votre fonction : Gérant")          # the review's line for it
    assert "Montant dû" not in shown[:review]                # what is not yet given is not listed
    assert "Votre fonction, écrite sous votre nom" not in shown[review:]     # nor asked again
    case = yaml.safe_load((result["folder"] / "case.yaml").read_text(encoding="utf-8"))
    assert case["provider"]["title"] == "Gérant" and case["unpaid"] == {"amount": 4250.5, "invoices": ["F-7"]}


def test_letter_details_are_saved_and_a_version_3_session_resumes_to_them(here, keys, advisor):
    (here / DEFAULT_NAME).write_text(json.dumps({
        "format": "adieu-interview-session", "version": 3, "language": "fr",
        "client": {"name": "Dupont SARL", "contact": "Marie Dupont", "email": None},
        "provider": {"name": "Atelier Martin", "signatory": "Jean Martin", "email": None},
        "answers": PLANNED_EXIT, "unknown": [], "checked_themes": [], "queue": [], "history": [], "gates": {},
        "revisit": False, "source": None, "out": None, "policy": None, "at": "review"}), encoding="utf-8")
    keys.finish().type("Gérant", "Lyon", "12 rue des Lilas / 69003 Lyon", "", "CT-9", "2021-09-01").interrupt()
    run = run_interview(str(keys), resume="")
    assert isinstance(run.error, InterviewPaused), run.screen
    saved = json.loads((here / DEFAULT_NAME).read_text(encoding="utf-8"))
    assert saved["version"] == VERSION
    assert saved["contract"] == {"reference": "CT-9", "date": "2021-09-01"}
    assert saved["client"] == {"name": "Dupont SARL", "contact": "Marie Dupont", "email": None, "address": None}
    session = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert session.provider["address"] == "12 rue des Lilas\n69003 Lyon"
    assert session.contract["date"] == datetime.date(2021, 9, 1) and session.at == "contract.warning_date"


# -- nothing is lost ---------------------------------------------------------------------------

def test_interrupted_interview_resumes_at_the_same_question(here, keys, advisor):
    keys.details().not_all().pick("payment_behaviour", "sometimes_late").interrupt()
    paused = run_interview(str(keys), language="fr")
    assert isinstance(paused.error, InterviewPaused)
    assert paused.error.status == 130
    assert "adieu interview --resume" in str(paused.error)
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers == {"payment_behaviour": "sometimes_late"} and saved.at == "discount_pressure"

    rest = Keys(advisor.knowledge).pick("discount_pressure", True)
    run = run_interview(str(rest) + CTRL_C, resume="")
    assert isinstance(run.error, InterviewPaused)
    assert "Reprise de l’entretien" in run.screen
    assert load_session(here / DEFAULT_NAME, advisor.knowledge).answers["discount_pressure"] is True


def test_a_saved_session_is_offered_before_starting_anew(here, keys, knowledge):
    keys.details().interrupt()
    assert isinstance(run_interview(str(keys), language="en").error, InterviewPaused)
    # Start again without --resume: choose "start a new one", then stop at the first detail.
    run = run_interview(DOWN + ENTER + CTRL_C, language="en")
    assert isinstance(run.error, InterviewPaused)
    assert load_session(here / DEFAULT_NAME, knowledge).client == {}


@pytest.mark.parametrize("content, message", [
    ("{not json", "invalid JSON"),
    ('{"format": "something-else", "version": 1}', "not an Adieu interview session"),
    ('["a", "list"]', "not an Adieu interview session"),
    ('{"format": "adieu-interview-session", "version": 99}', "saved by a newer version of Adieu"),
    ('{"format": "adieu-interview-session", "version": 1, "answers": {"payment_behaviour": "whenever"}}',
     "answers.payment_behaviour: expected one of on_time"),
    ('{"format": "adieu-interview-session", "version": 1, "unknown": ["no_such_factor"]}',
     "unknown: damaged session"),
])
def test_a_corrupt_or_foreign_session_is_one_clear_error(here, knowledge, content, message):
    (here / "odd.json").write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_session(here / "odd.json", knowledge)
    assert message in str(error.value)
    assert str(error.value).split(":")[0].endswith("odd.json")
    assert "\n" not in str(error.value)


def test_resuming_from_a_foreign_file_is_refused(here):
    (here / "notes.json").write_text('{"hello": "world"}', encoding="utf-8")
    run = run_interview("", resume="notes.json")
    assert isinstance(run.error, InputError) and run.error.status == 2
    assert str(run.error) == ("notes.json: not an Adieu interview session "
                              "(it has no 'format: adieu-interview-session')")


def test_a_session_saved_by_the_previous_version_is_still_resumed(here, keys, advisor):
    (here / DEFAULT_NAME).write_text(json.dumps({
        "format": "adieu-interview-session", "version": 1, "language": "en",
        "client": {"name": "Dupont SARL", "contact": None}, "provider": {"name": "Atelier Martin"},
        "answers": {"payment_behaviour": "on_time"}, "unknown": [], "checked_themes": ["money"],
        "queue": [], "revisit": False, "source": None, "out": None, "policy": None, "at": "discount_pressure"}),
        encoding="utf-8")
    keys.pick("discount_pressure", False).interrupt()
    run = run_interview(str(keys), resume="")
    assert isinstance(run.error, InterviewPaused), run.screen
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers == {"payment_behaviour": "on_time", "discount_pressure": False}
    assert json.loads((here / DEFAULT_NAME).read_text(encoding="utf-8"))["version"] == VERSION


def test_session_round_trips_every_field(here, knowledge):
    session = Session(here / "s.json", language="en", jurisdiction="FR", client={"name": "X", "email": None},
                      answers={"revenue_share": 12.5, "brings_referrals": False}, unknown=["profitability"],
                      checked_themes=["money"], queue=["client.email"], history=["language", "gate:money"],
                      gates={"money": ["payment_behaviour", "profitability"]}, out="/somewhere", at="revenue_share")
    session.save()
    back = load_session(here / "s.json", knowledge)
    for name in ("language", "jurisdiction", "client", "answers", "unknown", "checked_themes", "queue", "history", "gates", "out",
                 "at"):
        assert getattr(back, name) == getattr(session, name)


# -- starting from a case file -----------------------------------------------------------------

def test_answers_file_asks_only_what_is_missing(here, keys, advisor):
    (here / "last.yaml").write_text(yaml.safe_dump({
        "language": "en", "client": {"name": "Dupont SARL"},
        "provider": {"name": "Atelier Martin", "signatory": "Jean Martin"},
        "answers": {"payment_behaviour": "on_time", "discount_pressure": False, "profitability": "profitable",
                    "abusive_to_staff": "never", "team_morale_impact": "none", "undermines_expertise": "no",
                    "client_influence": None},
    }), encoding="utf-8")
    # Nothing to revisit, then the rest; a client to keep gets no letter: no names asked.
    keys.confirm().all_true().all_true().finish()
    run = run_interview(str(keys), answers="last.yaml")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert run.result["asked"] == gates("work", "fit")
    assert "Answers taken from last.yaml: 7." in run.screen
    assert written_case(run)["answers"]["client_influence"] is None
    assert_same_verdict_as_assess(run, advisor)


def test_revisiting_an_answer_from_a_case_file_asks_it_again(here, keys, advisor):
    (here / "last.yaml").write_text(yaml.safe_dump({
        "language": "en", "client": {"name": "Dupont SARL", "contact": "M", "email": "m@d.example"},
        "provider": {"name": "Atelier Martin", "signatory": "J", "email": "j@m.example"},
        "answers": {"payment_behaviour": "on_time", "discount_pressure": False},
    }), encoding="utf-8")
    # Tick the first answer (payments), then answer it "often late".
    keys.parts.append(" " + ENTER)
    keys.pick("payment_behaviour", "often_late").interrupt()
    run = run_interview(str(keys), answers="last.yaml")
    assert isinstance(run.error, InterviewPaused)
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers["payment_behaviour"] == "often_late" and saved.queue == []


def test_the_tick_box_screen_goes_back_and_keeps_its_ticks_when_come_back_to(here, keys, advisor):
    """Escape on the tick-box screen returns to the question before it; going back to it
    from the first question it queued shows the ticks still waiting to be asked."""
    (here / "mine.yaml").write_text(yaml.safe_dump({
        "language": "en", "answers": {"payment_behaviour": "on_time", "discount_pressure": False}}), encoding="utf-8")
    keys.details()                      # the names, missing from the case file, come first
    keys.parts.append("\x1b")           # Escape on the tick-box screen: back to the business's name
    keys.confirm()                      # Enter keeps the name
    keys.parts.append(" " + ENTER)      # tick "Payments" and go on
    keys.parts.append("\x1b")           # back from the payments question to the tick-box screen
    keys.confirm()                      # Enter: "Payments" is still ticked
    keys.pick("payment_behaviour", "often_late").interrupt()
    run = run_interview(str(keys), answers="mine.yaml")
    assert isinstance(run.error, InterviewPaused), run.screen
    assert run.screen.count("Answers taken from mine.yaml: 2.") == 2
    assert run.screen.count("Which of these answers do you want to revisit? 1 to revisit") == 2
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.provider["name"] == "Atelier Martin"
    assert saved.answers["payment_behaviour"] == "often_late"
    assert saved.history[-2:] == ["revisit", "payment_behaviour"]


def test_plain_tick_box_screen_goes_back_keeps_its_ticks_and_unticks(here, adieu, advisor):
    (here / "mine.yaml").write_text(yaml.safe_dump({
        "language": "en", "answers": {"payment_behaviour": "on_time", "abusive_to_staff": "rude",
                                      "issue_raised": "not_yet"}}), encoding="utf-8")
    back = str(len(advisor.knowledge.factors["payment_behaviour"].values) + 3)   # after "I don't know", "why?"
    lines = ["Dupont SARL", "Atelier Martin",
             "<", "",                   # back from the tick-box screen to the business's name, kept
             "1 3",                     # tick payments and steps taken
             back, "",                  # back from payments: Enter keeps both ticks
             "<", "1",                  # back again ("<" as on a text prompt): tick payments only
             "3"]                       # payments: often late; then stop
    done = adieu("interview", "--plain", "--answers", "mine.yaml", cwd=here, input="\n".join(lines) + "\n")
    assert done.returncode == 130, done.stdout[-2000:] + done.stderr
    hint = "Numbers separated by spaces: (Enter alone{}; < for the previous question)"
    assert done.stdout.count(hint.format(" for none")) == 2
    assert done.stdout.count(hint.format(" keeps 1 3; 0 for none")) == 2
    saved = load_session(here / DEFAULT_NAME, advisor.knowledge)
    assert saved.answers["payment_behaviour"] == "often_late"
    assert "issue_raised" not in saved.queue        # unticked on the last look: not asked again


def test_input_closed_at_the_offer_to_resume_keeps_the_saved_interview(here, adieu):
    """Ctrl-D (or a pipe that ends) at "resume or start again?" is a pause, not an error."""
    session = Session(here / DEFAULT_NAME, language="fr", client={"name": "Dupont SARL"},
                      answers={"payment_behaviour": "on_time"})
    session.save()
    saved = (here / DEFAULT_NAME).read_text(encoding="utf-8")
    done = adieu("interview", "--plain", cwd=here, input="")
    assert done.returncode == 130, done.stderr
    assert done.stderr == ("adieu: entretien interrompu ; vos réponses sont enregistrées dans adieu-session.json. "
                           "Pour reprendre là où vous en étiez : adieu interview --resume\n")
    assert (here / DEFAULT_NAME).read_text(encoding="utf-8") == saved


# -- output ------------------------------------------------------------------------------------

def test_existing_files_are_never_overwritten_without_force(here, keys, advisor):
    (here / "dupont-sarl").mkdir()
    (here / "dupont-sarl" / "case.yaml").write_text("# mine\n", encoding="utf-8")
    keys.details().all_true().all_true().all_true().all_true().finish().retype("elsewhere")
    run = run_interview(str(keys), language="en")
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert (here / "dupont-sarl" / "case.yaml").read_text(encoding="utf-8") == "# mine\n"
    assert (here / "elsewhere" / "case.yaml").exists()

    again = Keys(advisor.knowledge).details().all_true().all_true().all_true().all_true().finish()
    run = run_interview(str(again), language="en", force=True)
    assert run.error is None, f"{run.error!r}\n{run.screen}"
    assert (here / "dupont-sarl" / "case.yaml").read_text(encoding="utf-8").startswith("# Case file written")


def test_no_terminal_says_so_and_points_to_assess(adieu, tmp_path):
    result = adieu("interview", cwd=tmp_path, input="")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "not" in result.stderr and "adieu assess CASE" in result.stderr


# -- small pieces ------------------------------------------------------------------------------

def test_every_interview_text_exists_in_both_languages(knowledge):
    texts = load_texts(knowledge)
    for key, text in texts.texts.items():
        assert text("fr") and text("en"), key


def test_every_text_the_interview_says_is_checked_when_interview_yaml_is_loaded():
    """A text the code uses but interview.yaml lacks must fail at load, not mid-interview."""
    import re
    from pathlib import Path

    import expert.interview as package
    from expert.interview.texts import REQUIRED_TEXTS

    source = "".join(path.read_text(encoding="utf-8") for path in Path(package.__file__).parent.glob("*.py"))
    used = set(re.findall(r'(?:self\.t|texts|self\.words|words)\("([a-z_.]+)"', source))
    assert len(used) > 40 and used <= set(REQUIRED_TEXTS), used - set(REQUIRED_TEXTS)


@pytest.mark.parametrize("environment, expected", [
    ({"LANG": "fr_FR.UTF-8"}, "fr"), ({"LANG": "en_GB.UTF-8"}, "en"), ({"LC_ALL": "fr_CA.UTF-8", "LANG": "C"}, "fr"),
    ({"LANG": "C.UTF-8"}, "en"), ({}, "en"),
])
def test_default_language_follows_the_locale(monkeypatch, environment, expected):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert locale_language() == expected


def test_folder_is_named_after_the_client():
    assert slugify("Société Dupont & Fils") == "societe-dupont-fils"
    assert slugify("???") == "client"


@pytest.mark.parametrize("language, width", [("fr", 40), ("en", 40), ("fr", 72), ("en", 25)])
def test_the_pause_line_wraps_at_words_and_never_splits_the_command(language, width, knowledge, monkeypatch, tmp_path):
    """At a terminal the pause message is wrapped to its width, at word boundaries, the
    command to type and the session's path each whole on one line; through a pipe it is one line."""
    import contextlib
    import io

    import expert.cli as cli
    from expert.interview import load_texts

    path = "mes dossiers/adieu-session.json"
    command = f"adieu interview --resume '{path}'"
    said = load_texts(knowledge)("paused", language, command=command, path=path)

    def paused(args):
        raise InterviewPaused(said, unbroken=(command, path))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(cli, "run_interview", paused)
    monkeypatch.setenv("COLUMNS", str(width))
    for stderr, at_terminal in ((Terminal(), True), (io.StringIO(), False)):
        with contextlib.redirect_stderr(stderr):
            assert cli.main(["interview"]) == 130
        lines = stderr.getvalue().splitlines()
        # Broken at spaces only (a word cut in two would not join back), the command and path whole.
        assert " ".join(lines) == f"adieu: {said}", lines
        assert any(command in line for line in lines) and any(path in line for line in lines), lines
        if at_terminal:
            assert len(lines) > 1
            assert all(len(line) < width or line.strip(" .;:") in (command, path) for line in lines), lines
        else:
            assert len(lines) == 1


class _Interrupted(io.StringIO):
    def readline(self, *args):
        raise KeyboardInterrupt


@pytest.mark.parametrize("typed", [_Interrupted(), io.StringIO("")], ids=["ctrl-c", "end-of-input"])
def test_a_plain_prompt_left_by_ctrl_c_or_end_of_input_ends_its_line(typed):
    """The paused message that follows (on stderr) must start a line of its own: written
    after the prompt, a terminal wrapped it again, splitting the session's path."""
    from expert.interview.terminal import PlainTerminal

    shown = io.StringIO()
    terminal = PlainTerminal(input=typed, stream=shown)
    with pytest.raises((KeyboardInterrupt, EOFError)):
        terminal.text("Client's name:")
    assert shown.getvalue().endswith("\n") and "Client's name:" in shown.getvalue()


def test_an_answer_that_fits_on_a_line_is_left_on_screen_whole(monkeypatch):
    """A postcode cut in two ("Bristol BS2 / 0AA") misreads an address being checked."""
    monkeypatch.setenv("COLUMNS", "80")
    shown = io.StringIO()
    Terminal(stream=shown)._echo("The client's postal address:", "Carter Logistics Ltd / 2 Dock Road / Bristol BS2 0AA")
    assert shown.getvalue().splitlines() == ["? The client's postal address:",
                                             "  Carter Logistics Ltd / 2 Dock Road / Bristol BS2 0AA"]
    shown = io.StringIO()
    Terminal(stream=shown)._echo("Address:", " ".join(["word"] * 30))      # longer than a line: wrapped
    assert len(shown.getvalue().splitlines()) == 3


@pytest.mark.parametrize("prompt", ["text", "select"])
def test_a_prompts_hint_stands_one_space_after_its_question(prompt, monkeypatch):
    """questionary's text prompt pads the question and the hint with a space each: two between."""
    from prompt_toolkit.data_structures import Size
    from prompt_toolkit.output.vt100 import Vt100_Output

    monkeypatch.setenv("COLUMNS", "80")
    screen = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text("Ann\r" if prompt == "text" else "\r")
        terminal = Terminal(input=pipe, output=Vt100_Output(screen, lambda: Size(rows=24, columns=80)),
                            stream=io.StringIO())
        if prompt == "text":
            assert terminal.text("Client's name:", instruction="(Esc: previous question)") == "Ann"
        else:
            assert terminal.select("Client's name:", [("Ann", "ann")], instruction="(Esc: previous question)") == "ann"
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen.getvalue())
    assert "? Client's name: (Esc: previous question)" in shown, repr(shown)


def test_a_long_choice_breaks_between_words_under_its_own_first_line(monkeypatch):
    """prompt_toolkit wraps a choice at the terminal's edge, in the middle of a word."""
    from expert.interview import terminal as terminals

    monkeypatch.setenv("COLUMNS", "60")
    shown = []
    wrap_choices = terminals._wrap_choices
    monkeypatch.setattr(terminals, "_wrap_choices", lambda question: (shown.append(question), wrap_choices(question)))
    title = "See every reason and everything that would change the recommendation"
    with create_pipe_input() as pipe:
        pipe.send_text("\r")
        chosen = Terminal(input=pipe, output=DummyOutput(), stream=io.StringIO()).select(
            "What next?", [("Go on: write the files", "done"), (title, "more")])
    assert chosen == "done"
    titles = [choice.title for choice in terminals._choices_of(shown[0]).choices]
    assert titles == ["Go on: write the files",
                      "See every reason and everything that would change the\n   recommendation"]


def test_every_refusal_reads_as_one_line_without_a_final_full_stop(knowledge):
    """Said after "✗", each says what is expected in the same way: no sentence's full stop."""
    texts = load_texts(knowledge)
    refusals = [key for key in texts.texts
                if key.startswith(("bad_", "out_of_order.")) or key in ("required", "future_date", "no_such_date")]
    assert len(refusals) >= 10
    for key in refusals:
        for language in ("fr", "en"):
            assert not texts(key, language).rstrip().endswith("."), (key, language)
