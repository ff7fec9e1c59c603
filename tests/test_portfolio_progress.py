"""`adieu portfolio` shows its progress on a terminal's stderr, and nowhere else."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect

ROOT = Path(__file__).resolve().parent.parent
ROWS = 3000


def client_book(folder: Path) -> Path:
    """The example client book, repeated to ROWS rows: long enough to be seen going."""
    header, *rows = (ROOT / "examples" / "portfolio.csv").read_text(encoding="utf-8").splitlines()
    path = folder / "book.csv"
    path.write_text("\n".join([header] + [rows[i % len(rows)] for i in range(ROWS)]) + "\n", encoding="utf-8")
    return path


def run_in_terminal(folder: Path, *args) -> str:
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "TERM": "xterm"}
    child = pexpect.spawn(sys.executable, ["-m", "expert", "portfolio", "book.csv", "--format", "csv", *args],
                          cwd=str(folder), env=env, encoding="utf-8", timeout=120, dimensions=(24, 120))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before[-2000:]
    return child.before


def test_progress_shows_rows_done_of_the_total_rate_and_time_left_on_a_terminal(tmp_path):
    client_book(tmp_path)
    screen = run_in_terminal(tmp_path, "--jobs", "2")
    assert f"/{ROWS} [" in screen                     # rows done of the total, with every worker
    assert "clients/s]" in screen and "<" in screen   # the rate and the time left


def test_no_progress_with_quiet_or_when_stderr_is_not_a_terminal(tmp_path, adieu):
    client_book(tmp_path)
    assert f"/{ROWS} [" not in run_in_terminal(tmp_path, "--quiet")
    piped = adieu("portfolio", "book.csv", "--format", "csv", cwd=tmp_path)
    assert piped.returncode == 0 and piped.stderr == ""


def test_progress_library_is_not_imported_without_a_terminal():
    import subprocess

    code = ("import sys; from expert.cli import main; "
            "main(['portfolio', 'examples/portfolio.csv', '--format', 'csv']); print('tqdm' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "False", done.stderr
