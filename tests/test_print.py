"""Print and edit: the PDF and DOCX of every letter and memo, the French typography of every
format, and the commands that write them.

Each PDF is rendered once per test session (`printed`) and read back with pypdf; each DOCX
is read back with python-docx.
"""

from __future__ import annotations

import builtins
import email
import email.policy
import io
import re
import shutil
import subprocess
import sys
from datetime import date

import pytest
from docx import Document as WordDocument
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from expert.documents import Documents
from expert.typography import MARKS, finish, placeholders, plain
from test_documents import CASE, GOLDEN, HOSTILE, KINDS, MONTHS, ROOT, SCENARIOS, TODAY, assess_scenario

IDS = [f"{p.parent.name}/{p.stem}" for p in SCENARIOS]
# A PDF costs a quarter to half a second (WeasyPrint subsets the fonts), so every scenario in
# every document is the slow tier's. The first tier prints one French and one English case in
# the memo and each kind of letter, and the termination letter and the DOCX of every golden case.
BOTH_LANGUAGES = {"cases/fr-termination-late-payer", "cases/en-termination-abuse"}


def tiered(chosen) -> list:
    """SCENARIOS as parameters, those `chosen(id)` rejects marked for the slow tier."""
    return [pytest.param(path, id=name, marks=() if chosen(name) else pytest.mark.slow)
            for path, name in zip(SCENARIOS, IDS)]


PRINTED_CASES = tiered(BOTH_LANGUAGES.__contains__)
GOLDEN_CASES = tiered(lambda name: name.startswith("cases/"))
_printed: dict = {}
DATE = re.compile(r"\b(\d{1,2})(?:er)? ?(" + "|".join(MONTHS["fr"] + MONTHS["en"]) + r") (\d{4})\b")


@pytest.fixture(scope="session")
def documents():
    return Documents()


def printed(path, what, advisor, documents, tmp_path_factory):
    """(assessment, PDF bytes) of a scenario's memo or letter of one kind, rendered once."""
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    if (path, what) not in _printed:
        rendered = (documents.memo(assessment, "pdf", today=TODAY) if what == "memo"
                    else documents.letter(assessment, "pdf", what, today=TODAY))
        _printed[path, what] = rendered.content
    return assessment, _printed[path, what]


def pages(pdf: bytes) -> list:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def squeezed(text: str) -> str:
    """Text without any space: PDF extraction spaces words and superscripts its own way."""
    return "".join(text.split())


def typeset_date(documents, day: date, lang: str) -> str:
    return documents.settings.format_date(day, lang)


# -- PDF -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("what", KINDS + ("memo",))
@pytest.mark.parametrize("path", PRINTED_CASES)
def test_every_document_prints_as_a_pdf_with_its_parties_and_no_browser_artefacts(
        path, what, advisor, documents, tmp_path_factory):
    assessment, pdf = printed(path, what, advisor, documents, tmp_path_factory)
    assert pdf.startswith(b"%PDF-")
    text = "\n".join(pages(pdf))
    flat = squeezed(text)
    client, provider = assessment.case.client, assessment.case.provider
    if what == "memo":
        assert squeezed(client.get("name") or client.get("contact") or "") in flat
    else:
        # the contact by name, the honorific written out (« À l'attention de Madame Marie Dupont »)
        contact = documents.settings.person(client.get("contact"))["name"]
        assert squeezed(contact or client.get("name")) in flat
        assert squeezed(provider.get("signatory") or provider.get("name")) in flat
    context = documents._context(assessment, TODAY, None if what == "memo" else what, "letter")
    if what == "termination" and context["notice"]["days"] > 0:
        assert squeezed(typeset_date(documents, context["dates"]["end"], assessment.language)) in flat
    # No browser stamp: no path, no URL, no date other than the document's own.
    assert "file:" not in text and "about:blank" not in text and "http" not in text
    assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text)
    ours = {d for d in context["dates"].values() if d is not None}
    for day, month, year in DATE.findall(text):
        months = MONTHS[assessment.language]
        assert date(int(year), months.index(month) + 1, int(day)) in ours, f"{day} {month} {year}"
    assert not MARKS.search(text)


@pytest.mark.parametrize("path", GOLDEN_CASES)
def test_a_termination_letter_fits_one_page_without_page_number(path, advisor, documents, tmp_path_factory):
    _, pdf = printed(path, "termination", advisor, documents, tmp_path_factory)
    [page] = pages(pdf)
    assert "1/1" not in page


def test_the_memo_numbers_its_pages_and_heads_them_from_page_two(advisor, documents, tmp_path_factory):
    path = GOLDEN / "cases" / "fr-termination-late-payer.yaml"
    assessment, pdf = printed(path, "memo", advisor, documents, tmp_path_factory)
    texts = pages(pdf)
    assert len(texts) >= 2
    for number, text in enumerate(texts, 1):
        assert f"{number}/{len(texts)}" in text
    header = f"{assessment.case.client['name']} · {typeset_date(documents, TODAY, 'fr')} · confidentiel"
    assert squeezed(header) not in squeezed(texts[0])
    assert all(squeezed(header) in squeezed(text) for text in texts[1:])


@pytest.fixture(scope="module")
def long_letter(tmp_path_factory, advisor):
    """A termination letter twice as long as any the rule base writes: the shipped templates
    with the body said twice, so that it must run onto a second page."""
    root = tmp_path_factory.mktemp("templates") / "templates"
    shutil.copytree(ROOT / "templates", root)
    kind = root / "letter" / "termination"
    (kind / "fr.j2").rename(kind / "short.fr.j2")
    (kind / "fr.j2").write_text('{% extends "letter/termination/short.fr.j2" %}\n'
                                '{% block body %}{{ super() }}\n\n{{ super() }}{% endblock %}\n', "utf-8")
    assessment = advisor.assess(advisor.load_case(CASE))
    documents = Documents(root)
    return documents.letter(assessment, "pdf", today=TODAY).content, documents.letter(assessment, "text", today=TODAY)


def test_a_long_letter_keeps_its_closing_with_the_last_paragraph_and_numbers_its_pages(long_letter):
    pdf, text = long_letter
    texts = pages(pdf)
    assert len(texts) == 2
    assert "1/2" in texts[0] and "2/2" in texts[1]
    paragraphs = [line for line in text.content.split("\n\n") if line.strip()]
    closing, signature = paragraphs[-2], paragraphs[-1]
    last_paragraph = paragraphs[-3]
    assert squeezed(closing) in squeezed(texts[1]) and squeezed(closing) not in squeezed(texts[0])
    assert squeezed(signature) in squeezed(texts[1])
    assert squeezed(last_paragraph) in squeezed(texts[1])   # the last page holds more than the signature


def test_pdf_embeds_a_serif_font(advisor, documents, tmp_path_factory):
    _, pdf = printed(CASE, "termination", advisor, documents, tmp_path_factory)
    reader = PdfReader(io.BytesIO(pdf))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert any("Serif" in name for name in names)
    descendants = [font.get_object()["/DescendantFonts"][0].get_object() for font in fonts.values()]
    assert all("/FontFile2" in d["/FontDescriptor"] or "/FontFile3" in d["/FontDescriptor"] for d in descendants)


def test_a_missing_system_library_is_one_line_not_a_traceback(monkeypatch, advisor, documents, capsys):
    from expert import cli

    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': No such file")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_pango)
    status = cli.main(["letter", str(CASE), "--format", "pdf", "--date", "2025-03-03"])
    error = capsys.readouterr().err.strip().splitlines()
    assert status == 3
    assert len(error) == 1 and "cannot write a PDF" in error[0] and "libpango" in error[0]


def test_text_commands_do_not_load_the_pdf_and_docx_libraries():
    code = ("import sys, io, contextlib; from expert.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['letter', {str(CASE)!r}])\n"
            "print(sorted(m for m in ('weasyprint', 'docxtpl', 'docx') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "[]", result.stderr


# -- DOCX ----------------------------------------------------------------------------------------

def text_paragraphs(text: str) -> list:
    """The lines of the text letter, list markers removed: what Word shows as paragraphs."""
    return [re.sub(r"^(- |\d+\. |\[ \] )", "", line) for line in text.splitlines() if line.strip()]


def every_paragraph(word) -> list:
    """The document's paragraphs in reading order, those inside a table too (python-docx's
    `paragraphs` leaves out the signing block's cell)."""
    return [Paragraph(element, word) for element in word.element.body.iter(qn("w:p"))]


@pytest.mark.parametrize("path", GOLDEN_CASES)
def test_docx_letter_has_the_text_letters_paragraphs_in_named_styles(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    kind = documents.letter_kind(assessment) or "address"
    text = documents.letter(assessment, "text", kind, today=TODAY).content
    word = WordDocument(io.BytesIO(documents.letter(assessment, "docx", kind, today=TODAY).content))
    paragraphs = [p for p in every_paragraph(word) if p.text.strip()]
    assert [p.text for p in paragraphs] == text_paragraphs(text)
    styles = {p.style.name for p in paragraphs}
    assert {"Adieu Sender", "Adieu Date", "Adieu Subject", "Adieu Closing", "Adieu Signature", "Body Text"} <= styles
    signature = [p.text for p in paragraphs if p.style.name == "Adieu Signature"]
    assert (assessment.case.provider.get("signatory") or assessment.case.provider["name"]) in signature
    contact = documents.settings.person(assessment.case.client.get("contact"))["name"] or assessment.case.client["name"]
    assert any(contact in p.text for p in paragraphs if p.style.name == "Adieu Recipient")
    assert not any(MARKS.search(p.text) for p in paragraphs)


def test_docx_letter_keeps_the_closing_and_signature_together_with_the_last_paragraph(advisor, documents):
    """Word and LibreOffice move a row that cannot split to the next page whole, and the
    paragraph kept with it too: the signature is never alone on a page, never parted from the
    closing formula (a chain of keep-with-next paragraphs alone LibreOffice lets break)."""
    assessment = advisor.assess(advisor.load_case(CASE))
    word = WordDocument(io.BytesIO(documents.letter(assessment, "docx", "termination", today=TODAY).content))
    [table] = word.tables
    [row] = table.rows
    assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    cell = [p.style.name for p in row.cells[0].paragraphs if p.text.strip()]
    assert cell[0] == "Adieu Closing" and set(cell[1:]) == {"Adieu Signature"} and len(cell) >= 2
    before = table._tbl.getprevious()
    last = Paragraph(before, word)
    assert last.text.strip() and last.style.paragraph_format.keep_with_next
    assert table._tbl.getnext() is None or table._tbl.getnext().tag == qn("w:sectPr")


def test_docx_raises_the_ordinal_and_memo_has_headings_and_running_header(advisor, documents):
    assessment = advisor.assess(advisor.load_case(CASE))
    word = WordDocument(io.BytesIO(documents.letter(assessment, "docx", today=date(2025, 3, 1)).content))
    [dateline] = [p for p in word.paragraphs if p.style.name == "Adieu Date"]
    assert dateline.text == "[lieu d’écriture], le 1er\u00a0mars\u00a02025"   # the case names no place of writing
    assert [(r.text, r.font.superscript) for r in dateline.runs if r.font.superscript] == [("er", True)]
    [gap] = [r for r in dateline.runs if r.text == "[lieu d’écriture]"]
    shading = gap._r.rPr.find(qn("w:shd")).get(qn("w:fill"))
    assert re.fullmatch("[0-9A-F]{6}", shading), "a colour name is no w:fill: LibreOffice shows the gap black"
    memo = WordDocument(io.BytesIO(documents.memo(assessment, "docx", today=TODAY).content))
    styles = [p.style.name for p in memo.paragraphs if p.text.strip()]
    assert styles[0] == "Title" and "Heading 1" in styles and "List Bullet" in styles and "Quote" in styles
    section = memo.sections[0]
    assert section.different_first_page_header_footer
    assert section.header.paragraphs[0].text == "Dupont SARL · 3 mars 2025 · confidentiel"


def test_a_users_own_letterhead_is_used_and_a_broken_one_is_one_line(adieu, tmp_path):
    mine = tmp_path / "mine.docx"
    word = WordDocument(ROOT / "templates" / "letter" / "layout" / "letter.docx")
    word.styles["Adieu Closing"].font.italic = True
    word.sections[0].header.paragraphs[0].text = "Atelier Martin — 12 rue des Lilas, Lyon"
    word.save(mine)
    out = tmp_path / "lettre.docx"
    result = adieu("letter", CASE, "--format", "docx", "--template", mine, "-o", out, "--date", "2025-03-03")
    assert result.returncode == 0, result.stderr
    written = WordDocument(out)
    assert written.styles["Adieu Closing"].font.italic
    assert written.sections[0].header.paragraphs[0].text.startswith("Atelier Martin — 12 rue")
    broken = tmp_path / "broken.docx"
    word = WordDocument(mine)
    word.add_paragraph("{{ letter.closing ")
    word.save(broken)
    for bad in (broken, tmp_path / "absent.docx", CASE):
        result = adieu("letter", CASE, "--format", "docx", "--template", bad, "-o", tmp_path / "x.docx")
        assert result.returncode == 2
        assert result.stderr.count("\n") == 1 and str(bad) in result.stderr and "Traceback" not in result.stderr
        assert not (tmp_path / "x.docx").exists()


# -- typography ----------------------------------------------------------------------------------

TYPOGRAPHY = [
    # (language, as written in a template, as printed)
    ("fr", "Objet : fin", "Objet\u00a0: fin"),
    ("fr", "Objet: fin", "Objet\u00a0: fin"),
    ("fr", "Pourquoi ? Parce que ! Ensuite ; enfin", "Pourquoi\u202f? Parce que\u202f! Ensuite\u202f; enfin"),
    ("fr", "Vraiment?!", "Vraiment\u202f?!"),
    ("fr", "« bonjour »", "«\u202fbonjour\u202f»"),
    ("fr", "«bonjour»", "«\u202fbonjour\u202f»"),
    ("fr", "un préavis de 30 jours", "un préavis de 30\u00a0jours"),
    ("fr", "1 250 €", "1\u202f250\u00a0€"),
    ("fr", "12 % du chiffre", "12\u00a0% du chiffre"),
    ("fr", "l'équipe d'aujourd'hui", "l’équipe d’aujourd’hui"),
    ("fr", "le 1er mars, la 2e fois", "le 1\ue002er\ue003 mars, la 2\ue002e\ue003 fois"),
    ("fr", "à 10:30, voir http://exemple.fr", "à 10:30, voir http://exemple.fr"),
    ("fr", "[numéro de facture]", "\ue004[numéro de facture]\ue005"),
    ("fr", "[ ] case à cocher", "[ ] case à cocher"),
    ("fr", "la durée de la relation [...]. En cas", "la durée de la relation [...]. En cas"),
    ("fr", "l’indemnité […] est fixée", "l’indemnité […] est fixée"),
    ("fr", "déjà\u00a0:", "déjà\u00a0:"),
    ("en", "don't stop: now ; here", "don’t stop: now ; here"),
    ("en", "the 1st of March", "the 1st of March"),
    ("en", "two months' notice, 30 days'.", "two months’ notice, 30 days’."),
    ("en", "[invoice number] and [...] cut", "\ue004[invoice number]\ue005 and [...] cut"),
]


@pytest.mark.parametrize("lang, written, printed_as", TYPOGRAPHY)
def test_typography_rules(documents, lang, written, printed_as):
    assert documents.typography.apply(written, lang) == printed_as


def test_typography_is_idempotent(documents):
    for lang, written, _ in TYPOGRAPHY:
        once = documents.typography.apply(written, lang)
        assert plain(documents.typography.apply(plain(once), lang)) == plain(once)


def test_marks_become_tags_in_html_and_vanish_elsewhere(documents):
    text = documents.typography.apply("le 1er mars : [référence]", "fr")
    assert finish(text, "html") == 'le 1<sup>er</sup> mars\u00a0: <mark class="placeholder">[référence]</mark>'
    assert finish(text, "plain") == "le 1er mars\u00a0: [référence]"
    assert placeholders(text) == ["[référence]"]


def test_what_the_user_typed_is_printed_as_written(advisor, documents):
    case = {**HOSTILE, "language": "fr",
            "client": {"name": "L'Atelier : bis ; « ter »", "contact": "Mme O'Hara", "email": "o.hara@example.com"},
            "provider": {"name": "Studio 30 jours", "signatory": "Jean d'Ormesson", "email": "j@example.com"}}
    assessment = advisor.assess(advisor.case(case))
    for form in ("text", "md", "html"):
        letter = documents.letter(assessment, form, "termination", today=TODAY).content
        assert "L'Atelier : bis ; « ter »" in letter.replace("&#39;", "'").replace("\\", "")
        assert "Jean d'Ormesson" in letter.replace("&#39;", "'")
        assert "Studio 30 jours" in letter
        assert "à l’attention de" in letter.lower()  # and the template's own text is typeset
    word = WordDocument(io.BytesIO(documents.letter(assessment, "docx", "termination", today=TODAY).content))
    assert "Jean d'Ormesson" in [p.text for p in every_paragraph(word)]
    raw = documents.letter(assessment, "eml", "termination", today=TODAY).content
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert message["To"].addresses[0].addr_spec == "o.hara@example.com"


FRENCH = [p for p in SCENARIOS if "language: en" not in p.read_text("utf-8")]
LOOSE = re.compile(r"[^\S\n\u00a0\u202f][:;!?»]|«[^\S\n\u00a0\u202f]|(?<=[^\W\d_])'(?=\w)")


@pytest.mark.parametrize("path", FRENCH, ids=[f"{p.parent.name}/{p.stem}" for p in FRENCH])
def test_french_text_has_no_plain_space_before_colon_in_any_format(path, advisor, documents, tmp_path_factory):
    assessment = assess_scenario(path, advisor, tmp_path_factory)
    if assessment.language != "fr":
        pytest.skip("an English case")
    outputs = {f"memo.{form}": documents.memo(assessment, form, today=TODAY).content for form in ("md", "html")}
    for kind in KINDS:
        for form in ("text", "md", "html", "eml"):
            try:
                content = documents.letter(assessment, form, kind, today=TODAY).content
            except Exception as error:  # an e-mail draft needs addresses the case may lack
                assert form == "eml", error
                continue
            if isinstance(content, bytes):
                content = email.message_from_bytes(content, policy=email.policy.default).get_content()
            outputs[f"{kind}.{form}"] = content
    for name, content in outputs.items():
        if name.endswith("html"):
            content = re.sub(r"<style>.*?</style>|<[^>]+>", "", content, flags=re.S)
        assert not LOOSE.search(content), f"{name}: {LOOSE.search(content).group(0)!r} in " \
            f"{content[max(0, LOOSE.search(content).start() - 40):LOOSE.search(content).end() + 20]!r}"
        assert not MARKS.search(content), name


# -- the commands --------------------------------------------------------------------------------

def test_email_draft_carries_the_pdf_letter_when_asked(adieu, tmp_path):
    out = tmp_path / "lettre.eml"
    result = adieu("letter", CASE, "--format", "eml", "--attach-pdf", "--date", "2025-03-03", "-o", out)
    assert result.returncode == 0, result.stderr
    message = email.message_from_bytes(out.read_bytes(), policy=email.policy.default)
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf" and attachment.get_filename() == "lettre.pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    assert message.get_body(("plain",)).get_content().startswith("Bonjour Madame Dupont,")
    assert "Je vous prie d’agréer" in "".join(pages(attachment.get_content()))   # the formal letter
    refused = adieu("letter", CASE, "--format", "text", "--attach-pdf")
    assert refused.returncode == 2 and "--format eml" in refused.stderr


def test_portfolio_writes_the_documents_asked_for(adieu, tmp_path):
    # The example book's first four clients: one kept, French letters and an English one (the
    # whole book prints eleven letters, each in PDF and DOCX, to show no more than that).
    book = tmp_path / "book.csv"
    book.write_text("".join((ROOT / "examples" / "portfolio.csv").read_text("utf-8").splitlines(True)[:5]), "utf-8")
    out = tmp_path / "out"
    result = adieu("portfolio", book, "--out", out, "--documents", "pdf,docx")
    assert result.returncode in (0, 1), result.stderr
    names = sorted(p.name for p in out.iterdir())
    letters = [n for n in names if n.endswith(".letter.txt")]
    assert letters
    for name in letters:
        stem = name[: -len(".letter.txt")]
        assert (out / f"{stem}.letter.pdf").read_bytes().startswith(b"%PDF-")
        WordDocument(out / f"{stem}.letter.docx")
        assert not (out / f"{stem}.letter.eml").exists()
    default = adieu("portfolio", book, "--out", tmp_path / "plain")
    assert {p.suffix for p in (tmp_path / "plain").iterdir()} == {".md", ".txt"}, default.stderr
    wrong = adieu("portfolio", book, "--out", tmp_path / "w", "--documents", "pdf,odt")
    assert wrong.returncode == 2 and "--documents" in wrong.stderr
