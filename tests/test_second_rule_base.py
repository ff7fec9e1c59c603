"""A second, small rule base ("should I accept this project?", tests/fixtures/accept-project)
runs through every command with no Python change: the engine, the views and the documents
are generic. Its own templates (documents.yaml, memo, a `decline` letter) sit in its folder;
`accept` has no letter mapped, so `letter` says so and exits 0.

Run in-process through cli.main(argv), as a user's command line would be.
"""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest
import yaml
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from expert.cli import main
from expert.interview import Terminal, interview_command

BASE = Path(__file__).resolve().parent / "fixtures" / "accept-project"
DECLINE, ACCEPT, BOOK = BASE / "decline.yaml", BASE / "accept.yaml", BASE / "book.csv"


def adieu(capsys, *args) -> tuple:
    """(exit status, stdout, stderr) of `adieu --knowledge BASE ARGS`, run in this process."""
    status = main(["--knowledge", str(BASE), *map(str, args)])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_second_rule_base_passes_the_knowledge_check(capsys):
    status, out, err = adieu(capsys, "knowledge", "check", BASE)
    assert status == 0, err
    assert "no problems (6 rules, 3 factors, 3 findings, 1 outcome)" in out
    assert "decision: accept" in out and "decline" in out


def test_assess_speaks_the_second_rule_base_in_every_format(capsys):
    status, text, err = adieu(capsys, "assess", DECLINE)
    assert status == 0, err
    assert text.startswith("Northwind Ltd — Decision: Decline the project\n")
    assert "What would change the decision" in text and "recommendation" not in text.lower()
    status, markdown, _ = adieu(capsys, "assess", DECLINE, "--format", "md", "--explain")
    assert markdown.startswith("# Northwind Ltd — Decision: Decline the project")
    assert "[budget.low]" in markdown and "Rules fired, in order" in markdown
    status, data, _ = adieu(capsys, "assess", DECLINE, "--format", "json")
    result = json.loads(data)
    assert result["decision"] == "decline"
    assert [r["rule"] for r in result["reasons"]] == ["decision.decline", "budget.low"]
    assert result["what_would_change"] == [{"factor": "budget_fits", "from": False, "to": True, "decision": "accept"}]
    status, french, _ = adieu(capsys, "assess", ACCEPT)
    assert french.startswith("Atelier Sud — Décision : Accepter le projet\n")


def test_the_memo_comes_from_the_rule_base_own_templates(capsys):
    status, memo, err = adieu(capsys, "memo", DECLINE, "--date", "2026-03-02")
    assert status == 0, err
    assert memo.startswith("# Project memo: Northwind Ltd\n")
    assert "- Budget fits: Yes → Accept the project" in memo
    status, page, _ = adieu(capsys, "memo", ACCEPT, "--format", "html", "--date", "2026-03-02")
    assert status == 0 and '<html lang="fr">' in page and "Note sur le projet" in page


def test_a_declined_project_gets_its_letter_on_the_shipped_frame(capsys):
    status, letter, err = adieu(capsys, "letter", DECLINE, "--date", "2026-03-02")
    assert status == 0, err
    assert "Subject: Your project" in letter and "Dear Ms Lane," in letter
    assert "we are not able to take it on: budget too low." in letter
    status, letter, _ = adieu(capsys, "letter", DECLINE, "--kind", "decline", "--format", "md", "--date", "2026-03-02")
    assert status == 0 and "Your project" in letter


def test_an_outcome_without_a_letter_says_so_and_exits_0(capsys):
    status, out, err = adieu(capsys, "letter", ACCEPT)
    assert (status, out) == (0, "")
    assert err == ("adieu: no letter for this outcome (decision: accept): the templates map no letter to it "
                   "(documents.yaml, letters); the memo says what to do\n")
    status, _, err = adieu(capsys, "letter", ACCEPT, "--kind", "termination")
    assert status == 2 and "--kind must be auto or one of decline" in err


def test_the_portfolio_ranks_the_second_rule_base_without_a_share_column(capsys, tmp_path):
    status, text, err = adieu(capsys, "portfolio", BOOK, "--out", tmp_path / "out")
    assert status == 0, err
    lines = text.splitlines()
    assert lines[3].split() == ["#", "Client", "Decision", "Main", "problems"]
    assert [line.split("  ")[1].strip() for line in lines[4:7]] == ["Northwind Ltd", "Blue Door", "Atelier Sud"]
    assert "Revenue" not in text and "Part du CA" not in text
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == ["000002-northwind-ltd.letter.txt", "000002-northwind-ltd.memo.md",
                       "000003-atelier-sud.memo.md", "000004-blue-door.letter.txt", "000004-blue-door.memo.md"]
    status, data, _ = adieu(capsys, "portfolio", BOOK, "--format", "json")
    result = json.loads(data)
    assert [c["decision"] for c in result["clients"]] == ["decline", "decline", "accept"]
    status, table, _ = adieu(capsys, "portfolio", BOOK, "--format", "csv")
    assert table.splitlines()[0] == "rank,line,source,client,decision,problems"


def test_the_interview_runs_on_the_second_rule_base_from_a_case_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    screen = io.StringIO()
    outcome = {}
    with create_pipe_input() as pipe:
        pipe.send_text("\r\r\r")  # nothing to revisit; the review is done; done with the verdict
        terminal = Terminal(input=pipe, output=DummyOutput(), stream=screen)

        def run():
            try:
                outcome["result"] = interview_command(str(BASE), answers=str(DECLINE), out="folder",
                                                      terminal=terminal)
            except BaseException as error:  # noqa: BLE001 - handed to the test
                outcome["error"] = error

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(60)
        if thread.is_alive():
            pipe.close()
            thread.join(10)
            pytest.fail("the interview asked more than expected:\n" + screen.getvalue()[-2000:])
    assert "error" not in outcome, f"{outcome.get('error')!r}\n{screen.getvalue()}"
    assert "Decision: Decline the project" in screen.getvalue()
    folder = tmp_path / "folder"
    assert sorted(p.name for p in folder.iterdir()) == ["case.yaml", "letter.docx", "letter.pdf", "letter.txt", "memo.md"]
    assert yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))["answers"] == {
        "budget_fits": False, "deadline_weeks": 8, "client_known": "new"}
