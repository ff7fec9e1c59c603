"""One explanation per assessment: the text and Markdown report, the JSON result, the memo
and the letter are views of it, and none of them reads the trace again."""

from __future__ import annotations

from datetime import date

from conftest import ROOT
from expert import explain, typography
from expert.documents import documents_for
from expert.report import render


def test_every_view_reads_the_one_explanation_built_for_the_assessment(advisor, monkeypatch):
    built = []
    real = explain.explain
    monkeypatch.setattr(explain, "explain", lambda *args: built.append(1) or real(*args))
    trace_reads = []
    for name in ("reasons", "found", "conditions"):
        original = getattr(explain, name)
        monkeypatch.setattr(explain, name, lambda *args, _o=original, _n=name: trace_reads.append(_n) or _o(*args))
    assessment = advisor.assess(advisor.load_case(ROOT / "examples" / "late-payer.yaml"))
    documents = documents_for(advisor.knowledge)
    text, markdown, data = render(assessment, "text"), render(assessment, "md"), assessment.to_dict()
    memo = documents.memo(assessment, "md", today=date(2026, 3, 2)).content
    letter = documents.letter(assessment, "text", today=date(2026, 3, 2)).content
    assert built == [1], "the explanation is built once, on first use"
    reads_while_building = list(trace_reads)
    documents.memo(assessment, "html", today=date(2026, 3, 2))
    render(assessment, "md")
    assert trace_reads == reads_while_building, "views read the explanation, not the trace"
    explanation = assessment.explanation()
    first = explanation.reasons[0]
    assert first["statement"] in text.replace("\n      ", " ").replace("\n    ", " ") and first["statement"] in markdown
    assert data["reasons"][0] == {"rule": first["rule"], "text": first["statement"],
                                  "sources": [{"source": s["id"], "passage": s["passage"]} for s in first["sources"]]}
    typeset = typography.plain(documents.typography.apply(first["statement"], assessment.language))
    assert typeset in memo, "the memo prints the statement with the language's typography"
    assert [c["factor"] for c in explanation.changes] == [c["factor"] for c in data["what_would_change"]]
    assert letter
