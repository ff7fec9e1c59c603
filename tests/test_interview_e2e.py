"""The real `python -m expert interview` in a pseudo-terminal, as a person would use it:
answer some questions, press Ctrl-C, resume, finish; then the case file it wrote must give
the same verdict through `adieu assess`. Every wait is bounded by pexpect's timeout."""

from __future__ import annotations

import io
import json
import os
import re
import sys

import pexpect
import pytest
import yaml

from expert.interview.session import DEFAULT_NAME

WAIT = 30                                   # seconds for any one screen to appear
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]")


def spawn(cwd, *args) -> pexpect.spawn:
    env = {**os.environ, "LANG": "en_GB.UTF-8", "TERM": "xterm", "PYTHONWARNINGS": "ignore"}
    env.pop("ADIEU_DEBUG", None)
    env.pop("LC_ALL", None)
    return pexpect.spawn(sys.executable, ["-m", "expert", "interview", *args], cwd=str(cwd), env=env,
                         dimensions=(50, 160), encoding="utf-8", timeout=WAIT)


def answer(child, question: str, keys: str):
    """Wait for a question (its text from factors.yaml or interview.yaml), then press keys."""
    child.expect_exact(question)
    child.send(keys)


def plain(text: str) -> str:
    return ANSI.sub("", text).replace("\r", "")


@pytest.fixture
def questions(knowledge):
    return {factor_id: factor.question("en") for factor_id, factor in knowledge.factors.items()}


def test_interview_goes_back_resumes_and_ends_with_the_verdict_of_assess(tmp_path, questions, adieu):
    child = spawn(tmp_path, "--language", "en")
    answer(child, "Client's name", "Dupont SARL\r")
    answer(child, "Your business's name", "Atelier Mertin\r")            # a typo...
    answer(child, "Is all of this true of this client?", "jjj\r")       # ← Back (a choice prompt)
    answer(child, "Your business's name", "\x15Atelier Martin\r")       # ...corrected
    answer(child, "Is all of this true of this client?", "j\r")          # not quite
    answer(child, questions["payment_behaviour"], "jj\r")                 # often late
    child.expect_exact(questions["discount_pressure"])
    child.send("\x03")                                                    # Ctrl-C
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "adieu interview --resume" in plain(child.before)
    assert (tmp_path / DEFAULT_NAME).exists()

    child = spawn(tmp_path, "--resume")
    child.logfile_read = log = io.StringIO()
    child.expect_exact("Resuming the interview saved in adieu-session.json.")
    answer(child, questions["discount_pressure"], "\r")                   # the same question: no
    answer(child, questions["profitability"], "\r")                       # a fair margin
    answer(child, questions["abusive_to_staff"], "\r")                    # properly
    answer(child, questions["unpaid_extra_work"], "\r")                   # no
    answer(child, "Is all of this true of this client?", "\r")            # values and strategy: yes
    answer(child, questions["issue_raised"], "jj\r")                      # a written warning
    answer(child, questions["behaviour_trend"], "j\r")                    # nothing has changed
    answer(child, questions["relationship_years"], "4\r")
    answer(child, questions["revenue_share"], "\x1b")                      # Escape: back (a text prompt)
    answer(child, questions["relationship_years"], "\x15" + "5\r")      # its answer was there: 4 -> 5
    answer(child, questions["revenue_share"], "12 %\r")
    answer(child, questions["client_influence"], "\r")                    # not much
    answer(child, questions["notice_period_days"], "30 days\r")
    answer(child, questions["work_in_progress"], "j\r")                   # yes
    answer(child, "Is everything right?", "\r")                           # all correct
    answer(child, "What next?", "\r")                                     # write the files
    for prompt, typed in [("Your contact there", "Marie Dupont"), ("Their e-mail", "marie.dupont@example.com"),
                          ("Who will sign", "Jean Martin"), ("Your e-mail", "jean@atelier-martin.example"),
                          ("Your job title", "Director"), ("Your postal address", "1 Mill Lane / Leeds LS1 1AA"),
                          ("The client's postal address", ""), ("The reference of your contract", "C-12"),
                          ("The date of that contract", "1 March 2021")]:
        answer(child, prompt, typed + "\r")
    child.expect_exact("This needs a date, such as 15/01/2025")                  # asked again...
    answer(child, "The date of that contract", "\x15" + "2021-03-01\r")           # ...and corrected
    answer(child, "The date of your written warning", "\r")
    child.expect_exact("To see this verdict again: adieu assess dupont-sarl/case.yaml")
    child.expect(pexpect.EOF)
    child.close()
    screen = plain(log.getvalue())
    assert child.exitstatus == 0, screen

    case = yaml.safe_load((tmp_path / "dupont-sarl" / "case.yaml").read_text(encoding="utf-8"))
    assert case["client"] == {"name": "Dupont SARL", "contact": "Marie Dupont", "email": "marie.dupont@example.com"}
    assert case["provider"]["name"] == "Atelier Martin"
    assert case["provider"]["address"] == "1 Mill Lane\nLeeds LS1 1AA"
    assert case["contract"] == {"reference": "C-12", "date": "2021-03-01"}
    assert case["answers"] == {
        "payment_behaviour": "often_late", "discount_pressure": False, "profitability": "profitable",
        "revenue_share": 12, "abusive_to_staff": "never", "unpaid_extra_work": False, "values_conflict": "none",
        "strategic_fit": "core", "issue_raised": "warned_in_writing", "behaviour_trend": "stable",
        "relationship_years": 5, "client_influence": "low", "notice_period_days": 30, "work_in_progress": True}
    assert not (tmp_path / DEFAULT_NAME).exists()

    assessed = adieu("assess", "dupont-sarl/case.yaml", cwd=tmp_path)
    assert assessed.returncode == 0, assessed.stderr
    verdict = assessed.stdout.split("\n\n")[0]                             # recommendation and outlook
    assert verdict.startswith("Dupont SARL — Recommendation: End the relationship on a planned timeline")
    assert verdict in screen                                              # the very same verdict


def test_plain_interview_from_a_pipe_writes_the_same_case(tmp_path, adieu, knowledge):
    """--plain reads numbered answers line by line: here from a pipe, not a terminal."""
    lines = ["Dupont SARL", "Atelier Martin",
             "2",                       # money: not quite
             "3", "1", "1",             # often late, no haggling, a fair margin
             "1", "1",                  # the team treated properly; no unpaid extra work
             "1",                       # values and strategy: yes, all of it
             "3", "2",                  # a written warning; nothing has changed
             "<",                       # back, on the next (text) prompt...
             "3",                       # ...to how it went since: now getting worse
             "4", "12 %", "1", "30 days", "2",  # years, share, influence, notice, work in progress
             "", "",                    # review: all correct; then write the files
             "Marie Dupont", "marie@dupont.example", "Jean Martin", "",
             "", "10 High Street / Bristol BS1 4DJ", "", "", "", ""]   # the letter's details: one address
    done = adieu("interview", "--plain", "--language", "en", cwd=tmp_path, input="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "\x1b[" not in done.stdout                                     # nothing redrawn
    assert "  1. Yes, all of it" in done.stdout and "Your choice (1 to" in done.stdout
    case = yaml.safe_load((tmp_path / "dupont-sarl" / "case.yaml").read_text(encoding="utf-8"))
    assert case["answers"]["issue_raised"] == "warned_in_writing"
    assert case["answers"]["behaviour_trend"] == "worsening"
    assert case["answers"]["revenue_share"] == 12 and case["answers"]["notice_period_days"] == 30
    assert "Your contact there" in done.stdout
    assert case["provider"]["address"] == "10 High Street\nBristol BS1 4DJ"
    assessed = adieu("assess", "dupont-sarl/case.yaml", cwd=tmp_path)
    assert assessed.stdout.split("\n\n")[0] in done.stdout


def test_closing_the_terminal_keeps_every_answer(tmp_path, questions):
    child = spawn(tmp_path, "--language", "en")
    answer(child, "Client's name", "Dupont SARL\r")
    answer(child, "Your business's name", "Atelier Martin\r")
    answer(child, "Is all of this true of this client?", "j\r")
    answer(child, questions["payment_behaviour"], "j\r")                  # sometimes late
    child.expect_exact(questions["discount_pressure"])
    child.close(force=True)                                               # the window is closed: SIGHUP
    saved = json.loads((tmp_path / DEFAULT_NAME).read_text(encoding="utf-8"))
    assert saved["answers"] == {"payment_behaviour": "sometimes_late"}
    assert saved["at"] == "discount_pressure"
