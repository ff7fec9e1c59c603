"""Portfolio rows and output that a hostile book cannot break: huge numbers, formula cells,
invisible characters in column names, control characters, and SIGTERM mid-review."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_adieu


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("digits", [400, 5000])
def test_a_huge_number_skips_its_row_and_the_review_goes_on(tmp_path, digits):
    book = write(tmp_path / "book.csv", f"client_name,revenue_share\nA,{'9' * digits}\nB,5\n")
    done = run_adieu("portfolio", book, "--format", "csv")
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines() == [f"adieu: {book}:2: revenue_share: expected a number from 0 to 100, got "
                                        f"'{'9' * 37}...' (row skipped)"]
    assert [row["client"] for row in csv.DictReader(io.StringIO(done.stdout))] == ["B"]


def test_csv_output_neutralises_cells_a_spreadsheet_would_run(tmp_path):
    names = ['=HYPERLINK("http://x")', "+cmd", "-2+3", "@SUM(1)", "Plain"]  # input cells are stripped: no tab
    book = write(tmp_path / "book.csv", "client_name,language\n" + "".join(
        f'"{name.replace(chr(34), chr(34) * 2)}",fr\n' for name in names))
    done = run_adieu("portfolio", book, "--format", "csv")
    clients = {row["client"] for row in csv.DictReader(io.StringIO(done.stdout))}
    assert clients == {"'" + name for name in names[:-1]} | {"Plain"}


def test_csv_output_has_its_header_even_when_every_row_was_skipped(tmp_path):
    book = write(tmp_path / "book.csv", "client_name,revenue_share\nA,140\n")
    done = run_adieu("portfolio", book, "--format", "csv")
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("rank,line,source,client,")


@pytest.mark.parametrize("name,shown", [("\u0440ayment_behaviour", "\\u0440ayment_behaviour"),
                                        ("client\u200b_name", "client\\u200b_name"),
                                        ("\ufeffclient_name", "\\ufeffclient_name"),
                                        ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07")])
def test_a_column_name_with_invisible_or_look_alike_characters_is_shown_escaped(tmp_path, name, shown):
    book = write(tmp_path / "book.csv", f"language,{name}\nfr,x\n")
    done = run_adieu("portfolio", book)
    assert done.returncode == 2
    assert done.stderr.startswith(f"adieu: {book}:1: {shown}: unknown column 2 (")
    assert "\x1b" not in done.stderr


def test_a_case_file_named_with_a_control_character_is_escaped_on_the_terminal(tmp_path):
    folder = tmp_path / "book"
    folder.mkdir()
    write(folder / "a\x1b[2Jb.yaml", "answers:\n  revenue_share: 140\n")
    done = run_adieu("portfolio", folder)
    assert "\x1b" not in done.stderr + done.stdout and "a\\x1b[2Jb.yaml" in done.stderr


def test_assess_in_markdown_escapes_the_client_name(tmp_path):
    case = write(tmp_path / "case.yaml", "client:\n  name: <script>alert(1)</script>\n")
    done = run_adieu("assess", case, "--format", "md")
    assert done.returncode == 0
    assert done.stdout.startswith("# \\<script\\>alert(1)\\</script\\> — ")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigterm_during_portfolio_out_ends_with_one_line_and_143(tmp_path, jobs):
    rows = "".join(f"C{i},c{i}@example.com,S,unpaid_invoices,30,fr\n" for i in range(3000))
    book = write(tmp_path / "book.csv", "client_name,client_email,provider_name,payment_behaviour,"
                                        "notice_period_days,language\n" + rows)
    out = tmp_path / "out"
    child = subprocess.Popen([sys.executable, "-m", "expert", "portfolio", str(book), "--out", str(out),
                              "--jobs", jobs], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while (not out.exists() or len(os.listdir(out)) < 20) and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGTERM)
    _, errors = child.communicate(timeout=30)  # a hang raises TimeoutExpired
    assert child.returncode == 143, errors
    assert errors.splitlines() == ["adieu: terminated"]
    for name in os.listdir(out):
        assert not name.endswith(".tmp") or name.startswith("."), name
        if not name.startswith("."):
            assert (out / name).read_text(encoding="utf-8").endswith("\n")
