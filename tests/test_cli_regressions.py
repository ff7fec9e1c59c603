"""What the command-line fuzz test (test_cli_fuzz.py) found, kept here as fast tests.

- Standard streams that are closed or end at once: `adieu interview <&-` ended in exit 70
  (sys.stdin is None), and so did `adieu interview --plain < /dev/null` when a saved
  interview was waiting in the folder (end of input at the resume-or-start question).
- `knowledge check --samples` had no upper bound: a mistyped count ran for days.
- `portfolio --out` on a CSV row whose documents cannot be written named the case-file key
  (provider.signatory) and no line, where every other row message names the line and column.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT

CASE = ROOT / "examples" / "late-payer.yaml"


def run(*args, cwd, stdin="closed", stdout=subprocess.PIPE):
    """adieu ARGS with stdin closed (not merely empty), or at end of file (stdin="empty")."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("ADIEU_DEBUG", None)
    closed = stdin == "closed"
    return subprocess.run([sys.executable, "-m", "expert", *map(str, args)], cwd=cwd, env=env, timeout=60,
                          stdin=None if closed else subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                          text=True, preexec_fn=(lambda: os.close(0)) if closed else None)


def test_an_interview_with_stdin_closed_says_it_needs_a_terminal(tmp_path):
    done = run("interview", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "internal error" not in done.stderr
    assert len(done.stderr.splitlines()) == 1 and "adieu interview --plain" in done.stderr


def test_a_plain_interview_with_stdin_closed_is_paused_and_saved(tmp_path):
    done = run("interview", "--plain", "--language", "en", cwd=tmp_path)
    assert done.returncode == 130, done.stderr
    assert done.stderr.splitlines()[-1].startswith("adieu: interview paused; your answers are saved in "
                                                   "adieu-session.json")
    assert (tmp_path / "adieu-session.json").is_file()


def test_input_that_ends_at_the_resume_question_leaves_the_saved_interview_as_it_was(tmp_path):
    first = run("interview", "--plain", "--answers", CASE, cwd=tmp_path, stdin="empty")
    assert first.returncode == 130, first.stderr
    saved = (tmp_path / "adieu-session.json").read_bytes()
    for stdin in ("empty", "closed"):
        again = run("interview", "--plain", cwd=tmp_path, stdin=stdin)
        assert again.returncode == 130, again.stderr
        assert "internal error" not in again.stderr and "Traceback" not in again.stderr
        assert again.stderr.splitlines()[-1] == ("adieu: entretien interrompu ; vos réponses sont enregistrées "
                                                 "dans adieu-session.json. Pour reprendre là où vous en étiez : "
                                                 "adieu interview --resume")  # the saved case is in French
        assert (tmp_path / "adieu-session.json").read_bytes() == saved


def test_a_command_whose_stdout_is_closed_ends_normally(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "expert", "assess", str(CASE)], cwd=tmp_path, env=env,
                          stderr=subprocess.PIPE, text=True, timeout=60, preexec_fn=lambda: os.close(1))
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""


def test_a_sample_count_past_the_bound_is_refused_at_once(tmp_path):
    for samples in ("1000001", "9" * 30):
        done = run("knowledge", "check", "--samples", samples, cwd=tmp_path)
        assert done.returncode == 2, done.stderr
        assert done.stderr == "adieu knowledge check: --samples must be from 0 to 1,000,000\n"


def test_a_row_whose_documents_cannot_be_written_is_named_by_its_line_and_column(tmp_path):
    book = tmp_path / "book.csv"
    book.write_text("client_name,client_email,provider_email,payment_behaviour,issue_raised\n"
                    "Dupont,a@dupont.example,c@moi.example,unpaid_invoices,warned_in_writing\n", encoding="utf-8")
    done = run("portfolio", book, "--out", tmp_path / "out", "--format", "csv", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [
        f"adieu: {book}:2: provider_signatory: a letter needs someone to sign it: give the provider's name or "
        f"signatory (no documents written for this client)"]
    assert done.stdout.splitlines()[1].startswith("1,2,"), "the client is still reviewed and ranked"


def test_an_interview_policy_that_is_a_symlink_loop_is_refused_in_one_line(adieu, tmp_path):
    """The interview no longer resolves the path itself (pathlib raises RuntimeError on a
    loop): the policy's reader says what is wrong with the file."""
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    done = adieu("interview", "--plain", "--policy", "loop.yaml", cwd=tmp_path, input="\n")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[-1] == f"adieu: {tmp_path / 'loop.yaml'}: cannot read: Too many levels of symbolic links"


TOO_LONG = "x" * 300  # longer than a file name may be (255 bytes on Linux)


@pytest.mark.parametrize("args,expected", [
    (("portfolio", f"{TOO_LONG}.csv"), "cannot read: File name too long"),
    (("portfolio", str(ROOT / "examples" / "portfolio.csv"), "--out", TOO_LONG),
     "cannot create this folder: File name too long"),
    (("knowledge", "check", TOO_LONG), "cannot read: File name too long"),
    (("interview", "--plain", "--resume", f"{TOO_LONG}.json"), "cannot read: File name too long"),
])
def test_a_name_too_long_for_the_system_is_one_line_and_exit_2(adieu, tmp_path, args, expected):
    done = adieu(*args, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.endswith(f": {expected}\n") and "internal error" not in done.stderr


@pytest.mark.parametrize("day,accepted", [("2000-01-01", True), ("2098-12-31", True),
                                          ("1999-12-31", False), ("2099-01-01", False), ("1900-01-01", False)])
def test_a_date_the_command_line_accepts_is_one_a_document_can_be_dated(adieu, day, accepted):
    """--date had its own bounds (1900 to 2999), wider than the documents' (2000 to 2098)."""
    done = adieu("memo", CASE, "--date", day)
    if accepted:
        assert done.returncode == 0, done.stderr
    else:
        assert done.returncode == 2
        assert done.stderr == (f"adieu memo: argument --date: expected a date from 2000-01-01 to 2098-12-31, "
                               f"got '{day}' (see 'adieu memo --help')\n")


def test_a_folder_given_as_a_letterhead_is_said_to_be_a_folder(adieu, tmp_path):
    (tmp_path / "letterheads").mkdir()
    done = adieu("letter", CASE, "--format", "docx", "--template", "letterheads", "-o", "letter.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "adieu: letterheads: is a folder, expected a regular file\n"


def test_a_file_given_as_the_rule_base_is_said_to_be_a_file(adieu):
    done = adieu("--knowledge", CASE, "assess", CASE)
    assert done.returncode == 2
    assert done.stderr == f"adieu: {CASE}: is a file, expected a rule base's folder\n"
