"""Honest progress that only moves forward: over generated answer sequences, through the real
planner, the bar never goes back and moves on at every question, it is full only once the
questions are over, and every count of questions left it says is the planner's estimate,
never higher than a count said before."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.interview import load_texts
from expert.interview.planner import Planner
from expert.interview.progress import CELLS, Progress
from strategies import examples

ESTIMATES = st.lists(st.integers(1, 30), min_size=1, max_size=40)


@pytest.fixture(scope="module")
def planner(advisor):
    return Planner(advisor.engine, load_texts(advisor.knowledge).needs)


def walk(planner, draw_choice) -> list:
    """The steps an interview would ask, answering as `draw_choice(options)` picks: a theme's
    check "yes" or "not quite", a question any of its values or "I don't know"."""
    answers, unknown, checked, estimates = {}, [], [], []
    while (step := planner.next_step(answers, unknown, checked)) is not None:
        estimates.append(step.left)
        if step.kind == "gate":
            checked.append(step.theme)
            if draw_choice([True, False]):
                answers.update({f: planner.knowledge.factors[f].values[0] for f in step.factors})
        else:
            factor = step.factors[0]
            value = draw_choice([*planner.probes[factor], None])
            (unknown.append(factor) if value is None else answers.__setitem__(factor, value))
        assert len(estimates) < 60, "an interview ends"
    return estimates


def assert_forward_only(estimates: list, answered_before: int = 0):
    progress, cells, shares, said = Progress(), [], [], []
    for done, left in enumerate(estimates, answered_before):
        filled, count = progress.show(done, left)
        cells.append(filled)
        shares.append(progress.share)
        if count is not None:
            assert count == left, "a count said is the planner's estimate"
            said.append(count)
    assert cells == sorted(cells), f"the bar went back: {cells} for {estimates}"
    assert all(a < b for a, b in zip(shares, shares[1:])), "the bar moves on at every question"
    assert all(c < CELLS for c in cells), "the bar is full only once the questions are over"
    assert said == sorted(said, reverse=True), f"a count rose: {said} for {estimates}"
    assert said and said[0] == estimates[0], "the first question says the estimate"
    return cells, said


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_progress_only_moves_forward_over_generated_interviews(planner, data):
    estimates = walk(planner, lambda options: data.draw(st.sampled_from(options)))
    assert_forward_only(estimates)


@given(ESTIMATES, st.integers(0, 20))
def test_progress_only_moves_forward_whatever_the_estimates(estimates, answered_before):
    """Any estimates at all, and a resumed interview that starts with answers given."""
    assert_forward_only(estimates, answered_before)


def test_a_risen_estimate_is_not_said_until_it_comes_back_down():
    progress = Progress()
    said = [progress.show(done, left)[1] for done, left in enumerate([4, 6, 5, 4, 3, 5, 2, 1])]
    assert said == [4, None, None, 4, 3, None, 2, 1]


def test_steady_estimates_fill_the_bar_evenly():
    progress = Progress()
    assert [progress.show(done, left)[0] for done, left in enumerate([5, 4, 3, 2, 1])] == [0, 2, 4, 6, 8]


def test_the_interview_shows_the_progress_it_computes(adieu, tmp_path):
    """A French client answered "not quite" at the first theme: the estimate rises from 4 to
    6, and the transcript's counts never do."""
    lines = ["Dupont SARL", "Atelier Martin", "2", "3", "1", "1", "1", "1", "1", "3", "2"]
    done = adieu("interview", "--plain", "--language", "fr", cwd=tmp_path, input="\n".join(lines) + "\n")
    shown = re.findall(r"^── .*? ([▰▱]{10})(?: environ (\d+|une) questions? restantes?)?$", done.stdout, re.M)
    assert len(shown) >= 6, done.stdout
    cells = [bar.count("▰") for bar, _ in shown]
    counts = [1 if n == "une" else int(n) for _, n in shown if n]
    assert cells == sorted(cells) and counts == sorted(counts, reverse=True), shown
    assert shown[1][1] == "", "the risen estimate (6 after 4) is not said"


def test_once_only_pairs_are_left_the_estimate_is_the_pair(planner):
    """"What was tried" matters only with "how it went since": two questions, not every
    open question that has a partner (that said 17 here, and one or two were asked)."""
    answers = {"payment_behaviour": "often_late", "discount_pressure": False, "profitability": "profitable",
               "abusive_to_staff": "never", "unpaid_extra_work": False, "values_conflict": "none",
               "strategic_fit": "core"}
    step = planner.next_step(answers, (), ("money", "people", "work", "fit"))
    assert (step.factors, step.left) == (("issue_raised",), 2)


@given(ESTIMATES)
def test_the_bar_reaches_its_end_when_the_questions_are_over_and_stays_there(estimates):
    progress = Progress()
    for done, left in enumerate(estimates):
        progress.show(done, left)
    assert progress.finish() and not progress.finish(), "shown full once"
    assert progress.show(len(estimates), 3)[0] == CELLS, "going back after the end does not empty it"


def test_the_interview_ends_its_bar_full_once_the_questions_are_over(adieu, tmp_path):
    """A client to part with (a letter is written): the bar, at most nine cells while
    questions are asked, is shown full once they are over, before the review."""
    from test_interview_language import LINES

    done = adieu("interview", "--plain", "--language", "en", cwd=tmp_path, input="\n".join(LINES) + "\n")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    bars = re.findall(r"^── (.*?) ([▰▱]{10})", done.stdout, re.M)
    cells = [bar.count("▰") for _, bar in bars]
    assert cells == sorted(cells) and max(cells[:-1]) < CELLS, bars
    assert bars[-1] == ("Questions done", "▰" * CELLS), bars


def test_a_resumed_interview_shows_the_question_on_screen_with_the_bar_it_had(adieu, tmp_path):
    """Stopped (here by the end of input) and resumed twice: the question asked again keeps
    its bar, neither emptier (it restarted from the answers alone) nor fuller."""
    lines = ["Dupont SARL", "Atelier Martin", "2", "3", "1", "1", "1"]
    pattern = r"^── .*? ([▰▱]{10})"
    runs = [adieu("interview", "--plain", "--language", "fr", cwd=tmp_path, input="\n".join(lines) + "\n")]
    runs += [adieu("interview", "--plain", "--resume", cwd=tmp_path, input="") for _ in range(2)]
    last = [re.findall(pattern, run.stdout, re.M)[-1] for run in runs]
    assert last[0].count("▰") > 0 and last == [last[0]] * 3, last


def test_the_bar_is_saved_with_the_session(knowledge, tmp_path):
    from expert.interview.session import Session, load_session

    session = Session(tmp_path / "s.json")
    session.progress = Progress(share=0.6, said=3, shown=True)
    session.save()
    restored = load_session(tmp_path / "s.json", knowledge).progress
    assert (restored.share, restored.said) == (0.6, 3)
    assert restored.show(2, 5) == (6, None)  # from the answers alone: 2 cells, and "5 left" after "3 left"
