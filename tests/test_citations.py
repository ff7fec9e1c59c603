"""Citations support their reasons: every passage quoted from the five articles is in the
article it names, word for word, and no exit is argued with the concessions an established
relationship deserves. Legal sources are cited by article number and are not quoted here.

The articles are the project's shared sources (`../shared/sources` beside the repository,
listed in its INDEX.md); without them the verbatim check is skipped, and says so.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings

from expert.advisor import Advisor
from scenario_files import load_scenario, scenario_paths
from strategies import answers_of, examples

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLES = SHARED / "sources"
LAW = SHARED / "notes" / "law.md"
CUT = "[...]"   # a passage may leave out words, written [...]

ADVISOR = Advisor()
KNOWLEDGE = ADVISOR.knowledge
CONCESSIONS = "relation établie"   # the quatre-raisons passage on concessions ends so


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def articles() -> dict:
    """Short id -> the article's text, from the table of INDEX.md."""
    if not (ARTICLES / "INDEX.md").is_file():
        pytest.skip(f"the five articles are not beside the repository ({ARTICLES})")
    found = {}
    for line in (ARTICLES / "INDEX.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].startswith("`") and cells[1].endswith(".txt"):
            found[cells[0].strip("`")] = normalised((ARTICLES / cells[1]).read_text(encoding="utf-8"))
    return found


def quoted_in(passage: str, article: str) -> bool:
    """The passage's pieces (between [...] cuts) appear in the article, in order."""
    at = 0
    for piece in passage.split(CUT):
        piece = normalised(piece)
        if not piece:
            continue
        at = article.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


def citations() -> list:
    """(where, source id, passage) for every passage the project quotes: the rules, the
    policy settings and the scenarios."""
    cited = [(f"rule {rule.id}", s.source, s.passage) for rule in KNOWLEDGE.rules for s in rule.sources]
    policy = yaml.safe_load((KNOWLEDGE.root / "policy.yaml").read_text(encoding="utf-8"))
    cited += [(f"policy.yaml {name}", setting["source"]["source"], setting["source"]["passage"])
              for name, setting in policy["settings"].items() if "source" in setting]
    for path in scenario_paths():
        source = load_scenario(path)["source"]
        cited.append((f"scenario {path.name}", source["source"], source["passage"]))
    return cited


def is_law(source_id: str) -> bool:
    return KNOWLEDGE.sources[source_id].get("kind") == "law"


def test_every_passage_from_the_five_articles_is_quoted_verbatim():
    texts = articles()
    assert set(texts) == {s for s in KNOWLEDGE.sources if not is_law(s)}, "one article per source id"
    wrong = [f"{where}: {source}: {passage!r}" for where, source, passage in citations()
             if not is_law(source) and not quoted_in(passage, texts[source])]
    assert wrong == [], "passages not found in the article they name:\n" + "\n".join(wrong)


def test_legal_sources_are_cited_by_article_number_from_the_law_notes():
    law = LAW.read_text(encoding="utf-8") if LAW.is_file() else None
    laws = [s for s in KNOWLEDGE.sources if is_law(s)]
    assert laws, "the rule base cites at least one legal source"
    for source_id in laws:
        title = KNOWLEDGE.sources[source_id]["title"]
        number = re.search(r"article (\S+)$", title)
        assert number, f"{source_id}: its title names the article number ({title!r})"
        assert number.group(1) in source_id
        if law is not None:
            assert f"art. {number.group(1)}" in law, f"{source_id}: not among the legal notes"


def test_a_cut_passage_must_keep_its_pieces_in_order():
    article = normalised("Un premier point. Puis un second.")
    assert quoted_in("Un premier [...] second.", article)
    assert not quoted_in("un second [...] premier", article)
    assert not quoted_in("Un premier point, puis", article)


def established_kind(rule_id: str) -> bool:
    """A reason that argues for the concessions an established relationship deserves."""
    rule = KNOWLEDGE.rule(rule_id)
    reads = any(c.kind == "finding" and c.subject == "established_relationship" for c in rule.conditions)
    cites = any(s.passage.endswith(CONCESSIONS + ".") for s in rule.sources)
    return reads or cites


def test_the_concessions_reason_is_recognised():
    assert established_kind("address.established_relationship")
    assert not established_kind("relationship.established"), "the fact alone argues for nothing"


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answers_of(KNOWLEDGE))
def test_no_exit_now_is_argued_with_concessions_for_an_established_relationship(answers):
    result = ADVISOR.assess(ADVISOR.case({"answers": {**answers, "relationship_years": 10}}), explained=False)
    if result.verdict["recommendation"] == "exit_now":
        assert [f.rule for f in result.reasons() if established_kind(f.rule)] == []


def test_an_established_client_who_abuses_the_team_gets_no_concessions_reason():
    case = ADVISOR.case({"answers": {"abusive_to_staff": "abusive", "relationship_years": 8,
                                     "discount_pressure": True}})
    result = ADVISOR.assess(case, explained=False)
    assert result.verdict["recommendation"] == "exit_now"
    assert "relationship.established" in [f.rule for f in result.reasons()]
    assert not any(established_kind(f.rule) for f in result.reasons())
    assert all("concession" not in KNOWLEDGE.rule(f.rule).statement("fr") for f in result.reasons())
