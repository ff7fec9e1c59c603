"""The documentation stays true: the case-format reference is the rule base's, every relative
link resolves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT
from expert.reference import render_reference

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def test_case_format_reference_is_generated_from_the_rule_base(knowledge):
    written = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
    assert written == render_reference(knowledge), (
        "docs/case-format.md drifted from knowledge/: regenerate it with "
        "`.venv/bin/python -m expert.reference > docs/case-format.md`")


def test_reference_documents_every_factor_and_outcome_value(knowledge):
    reference = render_reference(knowledge)
    for factor in knowledge.factors:
        assert f"\n### {factor}\n" in reference
    for outcome in knowledge.outcomes.values():
        for value in outcome.values:
            assert f"| `{value}` |" in reference


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_relative_link_resolves(doc: Path):
    text = doc.read_text(encoding="utf-8")
    anchors = {_anchor(heading) for heading in re.findall(r"^#+ (.+)$", text, re.M)}
    for target in LINK.findall(text):
        if re.match(r"[a-z]+:", target):
            continue  # an absolute URL: not checked offline
        path, _, anchor = target.partition("#")
        if path:
            assert (doc.parent / path).exists(), f"{doc.name}: broken link {target}"
        elif anchor:
            assert anchor in anchors, f"{doc.name}: no heading for #{anchor}"


def _anchor(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule, enough for our headings)."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
