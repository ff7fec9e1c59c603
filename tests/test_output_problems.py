"""Where the output cannot go: a full disk behind standard output, a binary document asked for
on a terminal, a folder name given for a file, a folder documents cannot be written to. Each
is one line naming the output, said before any work is lost, never an internal error."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

CASE = ROOT / "examples" / "late-payer.yaml"
BOOK = ROOT / "examples" / "portfolio.csv"
FULL = Path("/dev/full")


def run_into_full_disk(*args, lang="C.UTF-8"):
    env = {**os.environ, "LANG": lang, "PYTHONWARNINGS": "ignore",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.pop("ADIEU_DEBUG", None)
    with FULL.open("w") as full:
        return subprocess.run([sys.executable, "-m", "expert", *map(str, args)], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=60, env=env)


needs_full = pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")


@needs_full
@pytest.mark.parametrize("args", [("assess", CASE), ("portfolio", BOOK), ("letter", CASE, "--format", "pdf")])
def test_a_full_disk_behind_standard_output_is_one_line_and_exit_2(args):
    done = run_into_full_disk(*args)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == "adieu: standard output: cannot write: No space left on device"
    assert "internal error" not in done.stderr and "Exception ignored" not in done.stderr


@needs_full
def test_a_full_disk_is_said_in_french_under_a_french_locale():
    done = run_into_full_disk("assess", CASE, lang="fr_FR.UTF-8")
    assert done.returncode == 2
    assert done.stderr == "adieu: sortie standard: écriture impossible : plus de place sur le disque\n"


class TerminalOutput(io.TextIOWrapper):
    """Standard output that says it is a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("command,extension", [("letter", "pdf"), ("memo", "pdf"), ("letter", "docx")])
def test_a_binary_document_is_not_printed_on_a_terminal(capsys, command, extension):
    from expert.cli import main

    screen = TerminalOutput(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(screen):
        status = main([command, str(CASE), "--format", extension])
    screen.flush()
    assert status == 2 and screen.buffer.getvalue() == b""
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"adieu {command}: --format {extension} is a binary file, not for the terminal: write it with -o FILE")


def test_a_binary_document_still_goes_to_a_pipe(adieu):
    done = subprocess.run([sys.executable, "-m", "expert", "letter", str(CASE), "--format", "pdf"],
                          capture_output=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0 and done.stdout.startswith(b"%PDF-")


@pytest.mark.parametrize("command", ["memo", "letter"])
def test_an_output_named_like_a_folder_is_refused_and_nothing_is_written(adieu, tmp_path, command):
    done = adieu(command, CASE, "-o", "documents/", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == ("adieu: documents/: names a folder (it ends with a slash): "
                                            "expected the file's name")
    assert list(tmp_path.iterdir()) == []


def test_an_interview_into_a_file_is_refused_before_the_first_question(adieu, tmp_path):
    (tmp_path / "taken").write_text("mine\n", encoding="utf-8")
    done = adieu("interview", "--plain", "--out", "taken", cwd=tmp_path, input="1\n")
    assert done.returncode == 2
    assert done.stderr == f"adieu: {tmp_path / 'taken'}: exists and is not a folder (--out takes a folder)\n"
    assert done.stdout == "", "no question was asked"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"], "no session was saved for nothing"


def unwritable(folder: Path) -> Path:
    """A folder nobody may write to (immutable for root, who ignores permissions)."""
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a folder immutable here")
    else:
        folder.chmod(0o555)
    return folder


@pytest.fixture
def locked(tmp_path):
    folder = unwritable(tmp_path / "locked")
    yield folder
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
    else:
        folder.chmod(0o755)


def test_a_client_book_into_an_unwritable_folder_is_refused_once_before_any_row(adieu, locked):
    done = adieu("portfolio", BOOK, "--out", locked / "documents")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"adieu: {locked / 'documents'}: cannot write: ")


def test_an_interview_into_an_unwritable_folder_is_refused_before_the_first_question(adieu, locked):
    done = adieu("interview", "--plain", "--out", locked, cwd=locked.parent, input="1\n")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(f"adieu: {locked}: cannot write: ")


def test_a_document_that_cannot_be_written_names_the_row_then_the_file(adieu, tmp_path):
    out = tmp_path / "out"
    (out / "000002-boulangerie-durand.memo.md").mkdir(parents=True)
    done = adieu("portfolio", BOOK, "--out", out, "--format", "csv")
    assert done.returncode == 1
    first = done.stderr.splitlines()[0]
    assert first == (f"adieu: {BOOK}:2: {out / '000002-boulangerie-durand.memo.md'}: is a folder, not a regular "
                     f"file: documents are written to regular files only (or, without -o, to the terminal) "
                     f"(no documents written for this client)")
