"""The bad-input corpus (tests/bad_inputs/): every malformed file gets exit 2 and one clear line.

Each file's command and expected line are in tests/bad_inputs/expected.yaml. Whatever the
input, adieu must answer within the subprocess timeout (no hang), print nothing on stdout,
write no output file and show no traceback.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_adieu
from expert.cli import build_parser
from expert.knowledge import load_knowledge

CORPUS = ROOT / "tests" / "bad_inputs"
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
TIMEOUT = 30
GOOD_CASE = ROOT / "examples" / "late-payer.yaml"


def commands() -> set:
    parser = build_parser()
    return {name for action in parser._subparsers._group_actions for name in action.choices}


def arguments(kind: str, path: str, out: Path) -> list:
    """The command line a file of this kind is given to, writing (if at all) under `out`."""
    if kind == "case":
        return ["assess", path]
    if kind == "policy":
        return ["assess", GOOD_CASE, "--policy", path]
    if kind == "portfolio":
        return ["portfolio", path, "--out", out / "documents"]
    raise AssertionError(f"unknown command kind {kind!r} in expected.yaml")


@functools.lru_cache(maxsize=1)
def factor_lists() -> tuple:
    knowledge = load_knowledge()
    return ", ".join(knowledge.factors), ", ".join(f.id for f in knowledge.factors.values() if f.ordered)


def expected_line(name: str, path: str) -> str:
    factors, red_line_factors = factor_lists()
    return (EXPECTED[name]["stderr"].replace("{file}", path)
            .replace("{factors}", factors).replace("{red_line_factors}", red_line_factors))


def assert_refused(done, expected_line: str, out: Path | None = None) -> None:
    assert done.returncode == 2, f"exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [expected_line]
    if out is not None:
        assert [p for p in out.rglob("*") if not p.is_dir()] == [], "no file may be written for a bad input"


def test_corpus_and_expectations_match():
    files = {p.name for p in CORPUS.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)
    assert len(files) >= 30
    for name, entry in EXPECTED.items():
        assert entry["stderr"].startswith("adieu: {file}") and "\n" not in entry["stderr"], name


@pytest.fixture(scope="module")
def refusals(tmp_path_factory) -> dict:
    """Every corpus file run through its command, a few at a time (each run starts a Python)."""
    available = commands()
    runs = {}
    with ThreadPoolExecutor(max_workers=4) as pool:
        for name, entry in EXPECTED.items():
            if entry["command"] == "portfolio" and "portfolio" not in available:
                continue
            out = tmp_path_factory.mktemp("out")
            path = str((CORPUS / name).relative_to(ROOT))
            future = pool.submit(run_adieu, *arguments(entry["command"], path, out), timeout=TIMEOUT)
            runs[name] = (future, path, out)
    return runs


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_input_gets_exit_2_and_one_clear_line(name, refusals, request):
    entry = EXPECTED[name]
    if name not in refusals:
        pytest.skip("adieu portfolio does not exist yet (issue 5)")
    if entry.get("xfail"):  # a known gap, named in expected.yaml; strict: passing means remove it
        request.applymarker(pytest.mark.xfail(reason=entry["xfail"], strict=True))
    future, path, out = refusals[name]
    done = future.result()  # raises subprocess.TimeoutExpired if adieu hung
    assert_refused(done, expected_line(name, path), out)


CASES_FOR_DOCUMENTS = ["case-yaml-syntax.yaml", "case-email-newline.yaml", "case-alias-bomb.yaml",
                       "case-latin1.yaml", "case-template-language.yaml", "case-huge-integer.json"]


@pytest.mark.parametrize("name", CASES_FOR_DOCUMENTS)
@pytest.mark.parametrize("command", ["memo", "letter"])
def test_documents_of_a_bad_case_are_not_written(command, name, tmp_path):
    if command not in commands():
        pytest.skip(f"adieu {command} does not exist yet (issue 4)")
    path = str((CORPUS / name).relative_to(ROOT))
    out = tmp_path / "out"
    out.mkdir()
    done = run_adieu(command, path, "-o", out / f"{command}.md", timeout=TIMEOUT)
    assert_refused(done, expected_line(name, path), out)


def test_a_file_of_50_mb_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "huge-case.yaml"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write("answers:\n  payment_behaviour: often_late\n")
        chunk = "# " + "x" * 1022 + "\n"
        for _ in range(50 * 1024):
            handle.write(chunk)
    size = big.stat().st_size
    done = run_adieu("assess", big, timeout=TIMEOUT)
    assert_refused(done, f"adieu: {big}: file too large ({size:,} bytes; at most 1,048,576)")


def test_a_policy_of_50_mb_is_refused(tmp_path):
    big = tmp_path / "huge-policy.yaml"
    big.write_bytes(b"max_revenue_share: 10\n" + b"#" * (50 * 1024 * 1024))
    size = big.stat().st_size
    done = run_adieu("assess", GOOD_CASE, "--policy", big, timeout=TIMEOUT)
    assert_refused(done, f"adieu: {big}: file too large ({size:,} bytes; at most 1,048,576)")


def test_a_portfolio_row_of_50_mb_in_one_cell_is_skipped_and_the_review_goes_on(tmp_path):
    big = tmp_path / "huge.csv"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write('client_name,language\n"')
        for _ in range(50):
            handle.write("y" * (1024 * 1024))
        handle.write('",fr\nNext client,en\n')
    done = run_adieu("portfolio", big, "--format", "json", timeout=TIMEOUT)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [f"adieu: {big}:2: unreadable CSV: field larger than field limit (131072) "
                                        f"(row skipped)"]
    import json
    assert [c["client"] for c in json.loads(done.stdout)["clients"]] == ["Next client"]
