"""The memo and the letters (issue 4): golden files, what must hold for every scenario, and
the `adieu memo` / `adieu letter` commands.

Golden files: the cases are tests/golden/cases/*.yaml; the expected documents, dated
2025-03-03, are tests/golden/<case>.<document>. After a deliberate change to a template or to
the rule base, regenerate them and read the diff before committing:

    UPDATE_GOLDEN=1 python -m pytest tests/test_documents.py -k golden
"""

from __future__ import annotations

import email
import email.policy
import os
import re
from datetime import date, timedelta
from pathlib import Path

import markupsafe
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from expert.advisor import Advisor
from expert.documents import Documents, NoLetter, parse_blocks
from expert.policy import load_policy
from conftest import PARTIES
from scenario_files import load_scenario, scenario_paths

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = date(2025, 3, 3)
KINDS = ("termination", "address", "renegotiate")
MONTHS = {
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre".split(),
    "en": "January February March April May June July August September October November December".split(),
}

# Loaded words a letter never uses, whatever the reasons were (comment-renvoyer, step 2).
FORBIDDEN = re.compile(
    r"\b(toxi\w*|abus\w*|rude\w*|unethical|aggressi\w*|agressi\w*|hostil\w*|insult\w*|disrespect\w*|"
    r"irrespectu\w*|threat\w*|menaç\w*|unacceptable|inacceptable|impoli\w*|grossi[eè]r\w*|injuri\w*|"
    r"contraires? à l['’]éthique|non éthique|mauvais client\w*|bad client\w*)",
    re.IGNORECASE,
)
HANDOVER = {"fr": "travaux en cours", "en": "work in progress"}
RECEIPT = {"fr": "réception du présent courrier", "en": "receive this letter"}


def end_date(documents, assessment, today=TODAY, delivery="post"):
    """The end date the documents compute for this case (receipt, notice, working days)."""
    return documents._context(assessment, today, "termination", "letter", delivery)["dates"]["end"]


def typeset(documents, text: str, lang: str) -> str:
    """A rule-base string as the documents print it, typography applied."""
    from expert.typography import plain

    return plain(documents.typography.apply(text, lang))

# (case, document, format, kind): what each golden case renders. File: <case>.<document>.<ext>
GOLDEN_DOCUMENTS = [
    ("fr-termination-late-payer", "memo", "md", None),
    ("fr-termination-late-payer", "memo", "html", None),
    ("fr-termination-late-payer", "letter", "text", "auto"),
    ("fr-termination-late-payer", "letter", "md", "auto"),
    ("fr-termination-late-payer", "letter", "html", "auto"),
    ("fr-termination-late-payer", "letter", "eml", "auto"),
    ("en-termination-abuse", "memo", "md", None),
    ("en-termination-abuse", "letter", "text", "auto"),
    ("en-termination-abuse", "letter", "eml", "auto"),
    ("fr-termination-strategy", "memo", "md", None),
    ("fr-termination-strategy", "letter", "text", "auto"),
    ("fr-address-not-raised", "memo", "md", None),
    ("fr-address-not-raised", "letter", "text", "auto"),
    ("en-address-improving", "memo", "html", None),
    ("en-address-improving", "letter", "text", "auto"),
    ("en-address-improving", "letter", "html", "auto"),
    ("fr-renegotiate-scope", "memo", "md", None),
    ("fr-renegotiate-scope", "letter", "text", "auto"),
    ("fr-renegotiate-scope", "letter", "eml", "auto"),
    ("en-renegotiate-margin", "memo", "md", None),
    ("en-renegotiate-margin", "letter", "text", "auto"),
    ("en-keep", "memo", "md", None),
    ("en-keep", "letter", "text", "address"),
    ("fr-unpaid-amounts", "memo", "md", None),
    ("fr-unpaid-amounts", "letter", "text", "auto"),
    ("fr-unpaid-amounts", "letter", "text", "address"),
    ("en-unpaid-amounts", "memo", "md", None),
    ("en-unpaid-amounts", "letter", "text", "address"),
    ("en-unpaid-amounts", "letter", "eml", "termination"),
]
EXTENSIONS = {"text": "txt", "md": "md", "html": "html", "eml": "eml"}


@pytest.fixture(scope="module")
def documents() -> Documents:
    return Documents()


def golden_name(case: str, document: str, form: str, kind) -> str:
    suffix = f"-{kind}" if kind not in (None, "auto") else ""
    return f"{case}.{document}{suffix}.{EXTENSIONS[form]}"


def render(documents, assessment, document, form, kind="auto"):
    if document == "memo":
        return documents.memo(assessment, form, today=TODAY).content
    return documents.letter(assessment, form, kind, today=TODAY).content


def as_text(content) -> str:
    return content.decode("ascii") if isinstance(content, bytes) else content


# -- golden files -------------------------------------------------------------------------------

def test_golden_files_cover_both_languages_and_every_kind_of_letter(advisor):
    kinds, languages = set(), set()
    for case, document, form, kind in GOLDEN_DOCUMENTS:
        assessment = advisor.assess(advisor.load_case(GOLDEN / "cases" / f"{case}.yaml"))
        languages.add(assessment.language)
        if document == "letter":
            kinds.add(Documents().letter_kind(assessment, kind))
    assert languages == {"fr", "en"}
    assert kinds == set(KINDS)
    assert len({case for case, *_ in GOLDEN_DOCUMENTS}) >= 6


@pytest.mark.parametrize("case,document,form,kind", GOLDEN_DOCUMENTS,
                         ids=[golden_name(*entry) for entry in GOLDEN_DOCUMENTS])
def test_golden_document_is_unchanged(case, document, form, kind, advisor, documents):
    assessment = advisor.assess(advisor.load_case(GOLDEN / "cases" / f"{case}.yaml"))
    content = render(documents, assessment, document, form, kind)
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    path = GOLDEN / golden_name(case, document, form, kind)
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path.name}: run UPDATE_GOLDEN=1 pytest {__file__}"
    assert data == path.read_bytes(), f"{path.name} differs (UPDATE_GOLDEN=1 to regenerate, then read the diff)"


def test_keep_calls_for_no_letter_and_says_why(advisor, documents):
    assessment = advisor.assess(advisor.load_case(GOLDEN / "cases" / "en-keep.yaml"))
    assert documents.letter_kind(assessment) is None
    with pytest.raises(NoLetter) as raised:
        documents.letter(assessment, "text", today=TODAY)
    assert "keep the client" in str(raised.value)
    assert "--kind" in str(raised.value)


# -- every scenario -------------------------------------------------------------------------------

def scenario_sources() -> list:
    """tests/scenarios (read when the tests are collected), the golden cases and the examples."""
    paths = scenario_paths() + sorted((GOLDEN / "cases").glob("*.yaml")) + sorted((ROOT / "examples").glob("*.yaml"))
    return paths


SCENARIOS = scenario_sources()
_assessments: dict = {}


def assess_scenario(path: Path, advisor: Advisor, tmp_path_factory):
    if path not in _assessments:
        data = load_scenario(path) if path.parent.name == "scenarios" else {"case": yaml.safe_load(path.read_text("utf-8"))}
        assessor = advisor
        if data.get("policy") is not None:
            policy_file = tmp_path_factory.mktemp("policy") / "policy.yaml"
            policy_file.write_text(yaml.safe_dump(data["policy"]), encoding="utf-8")
            assessor = Advisor(knowledge=advisor.knowledge, policy=load_policy(advisor.knowledge, policy_file))
        _assessments[path] = assessor.assess(assessor.case(data["case"], str(path)))
    return _assessments[path]


def user_values(assessment) -> list:
    values = list(assessment.case.client.values()) + list(assessment.case.provider.values())
    return sorted((str(v) for v in values if v), key=len, reverse=True)


def own_words(text: str, assessment) -> str:
    """The letter without what the user typed (a client may well be called 'Abusive Ltd')."""
    for value in user_values(assessment):
        text = text.replace(value, " ")
    return text


def formatted(day: date, language: str) -> str:
    """A date as a document writes it: kept on one line by no-break spaces (typography.yaml)."""
    first = "1er" if language == "fr" else "1"
    return f"{first if day.day == 1 else day.day}\u00a0{MONTHS[language][day.month - 1]}\u00a0{day.year}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_no_letter_uses_a_loaded_word(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    for kind in KINDS:
        text = documents.letter(assessment, "text", kind, today=TODAY).content
        found = FORBIDDEN.findall(own_words(text, assessment))
        assert not found, f"{kind} letter uses {found}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_termination_letter_names_contact_is_signed_states_end_date_and_hand_over(
        path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    case, language = assessment.case, assessment.language
    text = documents.letter(assessment, "text", "termination", today=TODAY).content
    if case.client.get("contact"):
        assert documents.settings.person(case.client["contact"])["name"] in text
    signature = text.rstrip().splitlines()[-3:]
    for value in (case.provider.get("signatory"), case.provider.get("name")):
        if value:
            assert value in signature, f"not signed by {value}: {signature}"
    context_end = end_date(documents, assessment)
    assert formatted(context_end, language) in text or RECEIPT[language] in text
    assert RECEIPT[language] in text, "the notice runs from receipt"
    if case.answers.get("work_in_progress"):
        assert HANDOVER[language] in text


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_auto_letter_follows_the_recommendation(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    recommendation = assessment.verdict["recommendation"]
    expected = {"keep": None, "address": "address", "renegotiate": "renegotiate",
                "exit_planned": "termination", "exit_now": "termination"}[recommendation]
    assert documents.letter_kind(assessment) == expected
    if expected is None:
        with pytest.raises(NoLetter):
            documents.letter(assessment, "text", today=TODAY)
    else:
        assert documents.letter(assessment, "text", today=TODAY).kind == expected


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_door_is_left_open_only_when_reconciliation_is_open(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    text = documents.letter(assessment, "text", "termination", today=TODAY).content
    open_door = {"fr": "Notre porte vous reste ouverte", "en": "Our door remains open"}[assessment.language]
    assert (open_door in text) == (assessment.verdict["reconciliation"] == "open")
    said = documents.statements.view(assessment.case.answers, assessment.findings_in(*assessment.knowledge.categories),
                                     assessment.language)
    asks = [ask for finding in assessment.conditions("reconciliation") for ask in said.asks(finding)]
    again = {"fr": "retravailler ensemble", "en": "working together again"}[assessment.language]
    if assessment.verdict["reconciliation"] == "conditional" and asks:
        assert again in text
        for ask in asks:
            assert typeset(documents, ask, assessment.language) in text
    if assessment.verdict["reconciliation"] == "closed":
        assert again not in text


def quotes_by_point(memo: str) -> list:
    """Per point of the memo (a line "- ..."), the quotations under it ("  > ...")."""
    points = []
    for line in memo.splitlines():
        if line.startswith("- "):
            points.append([])
        elif line.startswith("  > ") and points:
            points[-1].append(line)
    return points


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_memo_quotes_a_passage_once_per_point(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    memo = documents.memo(assessment, "md", today=TODAY).content
    for quotes in quotes_by_point(memo):
        assert len(quotes) == len(set(quotes)), [q for q in quotes if quotes.count(q) > 1][0]

@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_memo_cites_its_articles_by_title_never_by_id(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    memo = documents.memo(assessment, "md", today=TODAY).content
    sources = assessment.knowledge.sources
    assert not [name for name in sources if re.search(rf"\b{re.escape(name)}\b", memo)]
    steps = assessment.explanation().steps
    for step in (s for s in steps if s["source"]):
        assert typeset(documents, step["title"], assessment.language) in memo


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_email_draft_parses_as_an_unsent_rfc5322_message(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    kind = documents.letter_kind(assessment) or "address"
    raw = documents.letter(assessment, "eml", kind, today=TODAY).content
    assert isinstance(raw, bytes) and b"\r\n" in raw
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].addr_spec == assessment.case.client["email"]
    assert message["From"].addresses[0].addr_spec == assessment.case.provider["email"]
    assert message["Subject"].strip()
    assert message["Date"].datetime.date() == TODAY
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    body = message.get_content()
    assert body.strip().splitlines()[-1] in (assessment.case.provider.get("name"), assessment.case.provider.get("signatory"))
    assert not message.defects


@pytest.mark.parametrize("path", SCENARIOS, ids=[f"{p.parent.name}/{p.stem}" for p in SCENARIOS])
def test_memo_renders_in_markdown_and_html_with_its_sections(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    markdown = documents.memo(assessment, "md", today=TODAY).content
    page = documents.memo(assessment, "html", today=TODAY).content
    label = assessment.knowledge.outcomes["recommendation"].labels[assessment.verdict["recommendation"]]
    assert label(assessment.language) in markdown
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert not re.search(r"""(src|href)=["']?https?:""", page), "the page must be self-contained"
    plan = documents.planned_kind(assessment)
    checklist = {"fr": "## Liste de clôture", "en": "## Off-boarding checklist"}[assessment.language]
    repair = {"fr": "## Plan de redressement", "en": "## Repair plan"}[assessment.language]
    assert (checklist in markdown) == (plan == "termination")
    assert (repair in markdown) == (plan in ("address", "renegotiate"))
    if plan in ("address", "renegotiate"):
        reassess = {"address": 60, "renegotiate": 45}[plan]
        day = TODAY + timedelta(days=reassess)
        day += timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else timedelta()
        assert formatted(day, assessment.language) in markdown  # no public holiday falls then


# -- user data is data ----------------------------------------------------------------------------

HOSTILE = {
    "language": "en",
    "client": {"name": "<script>alert(1)</script> & Co", "contact": "{{ 7*7 }}",
               "email": "x@example.com"},
    "provider": {"name": "{% raw %}*Bold* _Studio_ [link](http://x)", "signatory": "Ann \"Q\" O'Neil",
                 "email": "ann@example.com"},
    "answers": {"payment_behaviour": "unpaid_invoices", "issue_raised": "warned_in_writing",
                "notice_period_days": 30, "work_in_progress": True},
}


def test_template_syntax_in_user_data_is_printed_verbatim(advisor, documents):
    assessment = advisor.assess(advisor.case(HOSTILE))
    for form in ("text",):
        text = documents.letter(assessment, form, "termination", today=TODAY).content
        assert "{{ 7*7 }}" in text and "{% raw %}*Bold*" in text
        assert "49" not in text
    body = email.message_from_bytes(documents.letter(assessment, "eml", "termination", today=TODAY).content,
                                    policy=email.policy.default)
    assert body["To"].addresses[0].display_name == "{{ 7*7 }}"
    assert "{{ 7*7 }}" in body.get_content()


def test_html_escapes_user_data_in_letters_and_memos(advisor, documents):
    assessment = advisor.assess(advisor.case(HOSTILE))
    for page in (documents.letter(assessment, "html", "termination", today=TODAY).content,
                 documents.memo(assessment, "html", today=TODAY).content):
        assert "<script>" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in page
    letter = documents.letter(assessment, "html", "termination", today=TODAY).content
    assert "Ann &#34;Q&#34; O&#39;Neil" in letter and "{{ 7*7 }}" in letter


def test_markdown_escapes_user_data_so_it_renders_as_written(advisor, documents):
    assessment = advisor.assess(advisor.case(HOSTILE))
    text = documents.letter(assessment, "md", "termination", today=TODAY).content
    assert r"\*Bold\* \_Studio\_ \[link\](http://x)" in text
    assert r"\<script\>alert(1)\</script\>" in text
    assert "{{ 7\\*7 }}" in text


NAMES = st.text(st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")), min_size=1, max_size=40) \
    .filter(lambda s: s.strip() == s and s.strip())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(client=NAMES, contact=NAMES)
def test_any_name_comes_out_as_written_escaped_in_html_and_intact_in_the_email(client, contact, advisor, documents):
    case = {**HOSTILE, "client": {"name": client, "contact": contact, "email": "x@example.com"}}
    assessment = advisor.assess(advisor.case(case), explained=False)
    text = documents.letter(assessment, "text", "termination", today=TODAY).content
    assert client in text and contact in text
    page = documents.letter(assessment, "html", "termination", today=TODAY).content
    assert str(markupsafe.escape(contact)) in page
    raw = documents.letter(assessment, "eml", "termination", today=TODAY).content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    # Header folding may change the white space of a long encoded name (RFC 2047 words are
    # split and rejoined); every other character survives.
    assert "".join(message["To"].addresses[0].display_name.split()) == "".join(contact.split())
    assert all("\n" not in value and "\r" not in value for value in message.values())


def test_no_header_carries_a_newline_from_user_data(advisor, documents):
    assessment = advisor.assess(advisor.case(HOSTILE))
    assessment.case.client["contact"] = "Eve\r\nBcc: victim@example.com"  # past validation, on purpose
    raw = documents.letter(assessment, "eml", "termination", today=TODAY).content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["Bcc"] is None
    assert "victim@example.com" not in str(message["To"].addresses[0].addr_spec)


# -- dates, wording, structure ------------------------------------------------------------------

def test_end_date_runs_from_receipt_of_the_letter(advisor, documents):
    case = {**HOSTILE, "answers": {**HOSTILE["answers"], "notice_period_days": 45}}
    assessment = advisor.assess(advisor.case(case))
    text = documents.letter(assessment, "text", "termination", today=date(2025, 12, 19)).content
    # posted Friday 19 December, received Monday 22 (three days, then the next working day),
    # 45 days later is Thursday 5 February 2026
    assert "5\u00a0February\u00a02026" in text and "19\u00a0December\u00a02025" in text


def test_an_email_says_its_notice_runs_from_receipt_of_the_email_not_of_a_letter(advisor, documents):
    for language, said, unsaid in (("en", "receive this e-mail", "this letter"),
                                   ("fr", "réception du présent message", "présent courrier")):
        assessment = advisor.assess(advisor.case({**HOSTILE, "language": language}))
        text = documents.letter(assessment, "text", "termination", today=TODAY, delivery="email").content
        assert said in text and unsaid not in text, language


def test_a_memo_written_beside_an_email_draft_gives_the_email_end_date_too(advisor, documents):
    """The memo assumes a registered letter; the e-mail draft written with it is received
    sooner, so its notice ends sooner: the memo gives both, the draft's as the draft does."""
    case = {**HOSTILE, "answers": {**HOSTILE["answers"], "notice_period_days": 30}}
    assessment = advisor.assess(advisor.case(case))
    files, _ = documents.client_files(assessment, today=TODAY, extra=("eml",))
    memo = next(content for name, content, role in files if role == "memo")
    draft = email.message_from_bytes(next(content for name, content, role in files if role == "letter_eml"),
                                     policy=email.policy.default).get_body(("plain",)).get_content()
    posted, emailed = end_date(documents, assessment), end_date(documents, assessment, delivery="email")
    assert posted != emailed and formatted(emailed, "en") in draft
    assert formatted(posted, "en") in memo and f"by e-mail: ending on {formatted(emailed, 'en')}" in memo
    alone = documents.client_files(assessment, today=TODAY)[0][0][1]
    assert "e-mail" not in alone.split("## Notice")[1].split("##")[0] and formatted(emailed, "en") not in alone

@pytest.mark.parametrize("language, shown, wrong", [("fr", "« 12,5 % »", "12.5"), ("en", "“12.5%”", "12.5 %")])
def test_a_number_in_the_memo_is_written_as_its_language_writes_it(advisor, documents, language, shown, wrong):
    case = {"language": language, **PARTIES, "answers": {"payment_behaviour": "unpaid_invoices", "revenue_share": 12.5,
                                              "issue_raised": "warned_in_writing", "behaviour_trend": "stable"}}
    assessment = advisor.assess(advisor.case(case))
    memo = documents.memo(assessment, "md", today=TODAY).content.replace("\u202f", " ").replace("\u00a0", " ")
    assert shown in memo and wrong not in memo
    assert all(wrong not in line for line in assessment.how())

def test_missing_notice_period_assumes_the_default_and_says_so(advisor, documents):
    case = {**HOSTILE, "answers": {"payment_behaviour": "unpaid_invoices"}}
    rendered = documents.letter(advisor.assess(advisor.case(case)), "text", "termination", today=TODAY)
    assert "7\u00a0April\u00a02025" in rendered.content     # received 6 March, 30 days later is a Saturday
    assert any("no notice period" in note for note in rendered.notes)


def test_french_dates_write_the_first_of_the_month_as_1er(advisor, documents):
    case = {**HOSTILE, "language": "fr", "answers": {**HOSTILE["answers"], "notice_period_days": 26}}
    text = documents.letter(advisor.assess(advisor.case(case)), "text", "termination", today=TODAY).content
    assert "1er\u00a0avril\u00a02025" in text


def test_french_letter_greets_by_honorific_and_e_mail_says_bonjour(advisor, documents):
    case = {**HOSTILE, "language": "fr", "client": {"name": "Dupont SARL", "contact": "Mme Marie Dupont",
                                                    "email": "marie@example.com"}}
    assessment = advisor.assess(advisor.case(case))
    letter = documents.letter(assessment, "text", "termination", today=TODAY).content
    assert "\nMadame,\n" in letter and "À l’attention de Madame Marie Dupont" in letter
    assert "Je vous prie d’agréer, Madame, l’expression de mes salutations distinguées." in letter
    draft = email.message_from_bytes(documents.letter(assessment, "eml", "termination", today=TODAY).content,
                                     policy=email.policy.default).get_content()
    assert draft.startswith("Bonjour Madame Dupont,")


def test_two_different_cases_do_not_read_the_same(advisor, documents):
    late = advisor.assess(advisor.load_case(GOLDEN / "cases" / "fr-termination-late-payer.yaml"))
    strategy = advisor.assess(advisor.load_case(GOLDEN / "cases" / "fr-termination-strategy.yaml"))
    first = documents.letter(late, "text", today=TODAY).content
    second = documents.letter(strategy, "text", today=TODAY).content
    assert "règlement de nos factures" in first and "règlement de nos factures" not in second
    assert "recentre" in second and "recentre" not in first


def test_every_problem_the_rule_base_can_find_has_its_own_neutral_wording(knowledge, documents):
    for finding_id, finding in knowledge.findings.items():
        if finding.category in ("context", "risk"):
            continue
        facts = [s for s in documents.statements.all if s.group == "facts" and finding_id in s.findings]
        assert facts, f"no wording for {finding_id}"
        for statement in facts:
            for language in ("fr", "en"):
                assert statement.texts[language] and not FORBIDDEN.search(statement.texts[language])


def test_every_passage_the_rule_base_quotes_has_an_english_rendering(knowledge, documents):
    renderings = documents._renderings("en")
    missing = sorted({s.passage.replace("\u2019", "'") for rule in knowledge.rules for s in rule.sources}
                     - set(renderings))
    assert not missing, f"memo/renderings.en.yaml lacks: {missing}"


def test_block_syntax_reads_headings_lists_quotes_and_paragraphs():
    blocks = parse_blocks("# T\n\nIntro :\n- a\n  > q\n- b\n\n+ one\n[ ] check\nline one\nline two\n")
    assert [b.kind for b in blocks] == ["title", "para", "list", "list", "list", "para"]
    assert blocks[2].tight and [i.text for i in blocks[2].items] == ["a", "b"]
    assert blocks[2].items[0].quotes == ["q"]
    assert blocks[3].style == "steps" and blocks[4].style == "checks"
    assert blocks[5].text == "line one line two"


# -- the commands --------------------------------------------------------------------------------

CASE = GOLDEN / "cases" / "fr-termination-late-payer.yaml"


def test_memo_command_prints_the_golden_memo(adieu):
    result = adieu("memo", CASE, "--date", "2025-03-03")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN / "fr-termination-late-payer.memo.md").read_text("utf-8")


def test_letter_command_writes_a_file_and_refuses_to_overwrite_it_without_force(adieu, tmp_path):
    target = tmp_path / "lettre.eml"
    first = adieu("letter", CASE, "--format", "eml", "--date", "2025-03-03", "-o", target)
    assert first.returncode == 0, first.stderr
    assert target.read_bytes() == (GOLDEN / "fr-termination-late-payer.letter.eml").read_bytes()
    target.write_text("my own edits", encoding="utf-8")
    again = adieu("letter", CASE, "--format", "eml", "-o", target)
    assert again.returncode == 2
    assert "already exists" in again.stderr and "--force" in again.stderr
    assert target.read_text(encoding="utf-8") == "my own edits"
    forced = adieu("letter", CASE, "--format", "eml", "--date", "2025-03-03", "-o", target, "--force")
    assert forced.returncode == 0
    assert target.read_bytes().startswith(b"From: ")


def test_letter_command_for_a_client_to_keep_writes_nothing_and_says_why(adieu, tmp_path):
    target = tmp_path / "letter.txt"
    result = adieu("letter", GOLDEN / "cases" / "en-keep.yaml", "-o", target)
    assert result.returncode == 0
    assert result.stdout == "" and not target.exists()
    assert "No letter to write" in result.stderr and "--kind" in result.stderr


def test_letter_command_writes_the_kind_asked_for_even_against_the_recommendation(adieu):
    result = adieu("letter", GOLDEN / "cases" / "en-keep.yaml", "--kind", "termination", "--date", "2025-03-03")
    assert result.returncode == 0, result.stderr
    assert "Termination of our services" in result.stdout


@pytest.mark.parametrize("args,expected", [
    (("memo", CASE, "--date", "2025-02-30"), "expected a date as YYYY-MM-DD"),
    (("memo", CASE, "--date", "03/03/2025"), "expected a date as YYYY-MM-DD"),
    (("letter", CASE, "--kind", "goodbye"), "--kind must be auto or one of address, renegotiate, termination"),
    (("memo", CASE, "--format", "eml"), "invalid choice"),
    (("memo", ROOT / "no-such-case.yaml"), "no such file"),
])
def test_bad_command_line_is_one_line_and_exit_status_2(adieu, args, expected):
    result = adieu(*args)
    assert result.returncode == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_email_draft_without_the_client_address_is_refused_naming_the_key(adieu, tmp_path):
    case = yaml.safe_load(CASE.read_text("utf-8"))
    del case["client"]["email"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = adieu("letter", path, "--format", "eml")
    assert result.returncode == 2
    assert "client.email" in result.stderr and "Traceback" not in result.stderr


def test_missing_notice_period_is_noted_on_stderr(adieu, tmp_path):
    case = yaml.safe_load(CASE.read_text("utf-8"))
    del case["answers"]["notice_period_days"], case["answers"]["relationship_years"]
    path = tmp_path / "case.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    result = adieu("letter", path, "--date", "2025-03-03")
    assert result.returncode == 0
    assert "adieu: remarque : aucun préavis n’est indiqué dans le dossier" in result.stderr
    assert "7\u00a0avril\u00a02025" in result.stdout
