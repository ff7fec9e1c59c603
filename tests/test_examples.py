"""The bundled examples show what their opening comment says: one per outcome, in each language."""

from __future__ import annotations


import pytest

from conftest import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def _declared(path, outcomes) -> str:
    """The recommendation the example's opening comment names, as `(id)`."""
    comment = "".join(line for line in path.read_text(encoding="utf-8").splitlines(keepends=True)
                      if line.startswith("#"))
    named = [value for value in outcomes if f"({value})" in comment]
    assert len(named) == 1, f"{path.name}: the opening comment must name one outcome as (id)"
    return named[0]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_opens_with_a_comment_naming_the_verdict_it_gets(path, advisor, knowledge):
    assert path.read_text(encoding="utf-8").startswith("# ")
    outcomes = knowledge.outcomes["recommendation"].values
    assessment = advisor.assess(advisor.load_case(path), explained=False, traced=False)
    assert assessment.verdict["recommendation"] == _declared(path, outcomes)


def test_every_outcome_has_an_example_in_every_language(knowledge):
    from expert.case import load_case

    shown = {(load_case(path, knowledge).language, _declared(path, knowledge.outcomes["recommendation"].values))
             for path in EXAMPLES}
    languages = {language for language, _ in shown}
    assert languages == {"fr", "en"}
    for outcome in knowledge.outcomes["recommendation"].values:
        for language in languages:
            assert (language, outcome) in shown, f"no {language} example for {outcome}"
