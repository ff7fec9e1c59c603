"""The ranking of a long client book: past Review.run_rows summaries it is done in runs on
disk, merged at the end, and must give exactly what ranking everything in memory gives.

The books here are small, with a tiny run size (and few runs merged at once), so that the
on-disk path, its merges of merges and its spooled warnings all run in a fraction of a second.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import ROOT
from expert import portfolio
from expert.policy import load_policy
from expert.portfolio import Notice, Review, Summary, render, review_portfolio
from strategies import examples

EXAMPLE = ROOT / "examples" / "portfolio.csv"


@pytest.fixture(scope="module")
def policy(knowledge):
    return load_policy(knowledge, None)


def views(review) -> dict:
    return {form: "".join(render(review, form)) for form in ("text", "csv", "json")}


@pytest.mark.parametrize("run_rows,max_runs", [(1, 64), (3, 64), (2, 2), (5, 3)])
def test_the_example_book_ranked_on_disk_gives_the_same_views_as_in_memory(
        knowledge, policy, monkeypatch, run_rows, max_runs):
    expected = views(review_portfolio(EXAMPLE, knowledge, policy))
    monkeypatch.setattr(portfolio, "RUN_ROWS", run_rows)
    monkeypatch.setattr(portfolio, "MAX_RUNS", max_runs)
    on_disk = review_portfolio(EXAMPLE, knowledge, policy)
    assert on_disk._runs is not None, "the book must have gone through the on-disk path"
    assert views(on_disk) == expected


def reference_order(knowledge, summaries: list) -> list:
    """The ranking as it is specified: most severe recommendation first, then the largest
    share (unknown last), ties in input order (Python's sort is stable)."""
    severity = knowledge.outcomes["recommendation"].values
    position = list(knowledge.outcomes).index("recommendation")
    return sorted(summaries, key=lambda s: (-severity.index(s.verdict[position]),
                                            -(s.share if s.share is not None else -1)))


@st.composite
def summaries(draw, knowledge):
    """Summaries with many ties: few verdicts, few shares (and unknown ones), rows skipped."""
    outcomes = list(knowledge.outcomes.values())
    findings = list(knowledge.findings)
    count = draw(st.integers(0, 60))
    result = []
    for line in range(2, count + 2):
        verdict = tuple(draw(st.sampled_from(outcome.values)) for outcome in outcomes)
        share = draw(st.one_of(st.none(), st.sampled_from([0, 2, 10, 10.5, 12, 40.25, 100])))
        problems = tuple(draw(st.lists(st.sampled_from(findings), max_size=3, unique=True)))
        result.append(Summary(line, None, f"Client {line}", verdict, share, problems,
                              draw(st.sampled_from(["fr", "en"]))))
    return result


@settings(max_examples=examples(150), deadline=None)
@given(data=st.data(), run_rows=st.integers(1, 8), max_runs=st.integers(2, 4))
def test_any_book_ranked_in_runs_keeps_the_order_totals_and_views_of_one_sort(
        knowledge, policy, data, run_rows, max_runs):
    rows = data.draw(summaries(knowledge))
    skipped = data.draw(st.sets(st.integers(0, max(0, len(rows) - 1)), max_size=3)) if rows else set()
    whole, runs = Review(knowledge, policy, "book.csv", run_rows=10**6), Review(knowledge, policy, "book.csv",
                                                                                  run_rows=run_rows)
    for review in (whole, runs):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(portfolio, "MAX_RUNS", max_runs)
            for index, summary in enumerate(rows):
                if index in skipped:
                    review.add(Notice("book.csv: bad row (row skipped)", 1))
                review.add(summary)
            assert list(review.ranked()) == reference_order(knowledge, rows)
    assert runs._runs is not None or len(rows) < run_rows
    assert (runs.totals(), runs.language(), runs.assessed, runs.failures, runs.longest_client) == (
        whole.totals(), whole.language(), whole.assessed, whole.failures, whole.longest_client)
    assert views(runs) == views(whole)


def test_no_room_for_the_ranking_on_disk_is_one_clear_line(knowledge, policy, monkeypatch):
    import errno
    import tempfile

    from expert.errors import InputError

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(portfolio, "RUN_ROWS", 2)
    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    with pytest.raises(InputError) as raised:
        review_portfolio(EXAMPLE, knowledge, policy)
    assert str(raised.value) == (f"{tempfile.gettempdir()}: cannot write the temporary file that ranks a long "
                                 f"client book: No space left on device (set TMPDIR to a folder with room)")
    assert raised.value.status == 2


def test_with_documents_written_the_ranking_on_disk_gives_the_same_views(knowledge, policy, monkeypatch, tmp_path):
    expected = views(review_portfolio(EXAMPLE, knowledge, policy, out=tmp_path / "memory"))
    monkeypatch.setattr(portfolio, "RUN_ROWS", 2)
    on_disk = review_portfolio(EXAMPLE, knowledge, policy, out=tmp_path / "disk")
    assert on_disk._runs is not None
    assert views(on_disk) == expected
    assert sorted(p.name for p in (tmp_path / "disk").iterdir()) == sorted(p.name for p in (tmp_path / "memory").iterdir())
