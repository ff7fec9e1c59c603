"""Builds the shipped Word letterheads, templates/letter/layout/letter.docx and
templates/memo/layout/memo.docx: named paragraph styles (restyle them in Word or LibreOffice:
the documents follow) and the jinja2 tags docxtpl fills in, one tag per paragraph. Run it
again after changing this file: `python tools/make_docx_templates.py`.

A user's own letterhead (`--template FILE`) is one of these files restyled: the tags must
stay, everything else (fonts, margins, a logo in the header, colours) is theirs.
"""

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

ROOT = Path(__file__).resolve().parent.parent / "templates"
FONT = "Times New Roman"   # Liberation Serif in LibreOffice, same metrics


def base(margins=(1.6, 2.0, 1.5, 2.0), size=10.5) -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = (Cm(m) for m in margins)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(size)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    body = doc.styles["Body Text"]
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.widow_control = True
    for name in ("List Bullet", "List Number"):
        doc.styles[name].paragraph_format.space_after = Pt(3)
    # The default document holds one empty paragraph: drop it.
    for paragraph in list(doc.paragraphs):
        paragraph._element.getparent().remove(paragraph._element)
    return doc


def style(doc, name, based_on="Normal", **format_):
    """A named paragraph style: font keys (bold, italic, size) or paragraph format keys."""
    new = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    new.base_style = doc.styles[based_on]
    for key, value in format_.items():
        setattr(new.font if key in ("bold", "italic", "size") else new.paragraph_format, key, value)
    return new


def tag(doc, text, style_name="Normal"):
    return doc.add_paragraph(text, style=style_name)


def page_field(paragraph, instruction):
    """A PAGE or NUMPAGES field, computed by the word processor."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {instruction} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def page_numbers(paragraph):
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    page_field(paragraph, "PAGE")
    paragraph.add_run("/")
    page_field(paragraph, "NUMPAGES")


def blocks(doc, name, last_keeps_with_next=False):
    """The paragraphs of documents.parse_blocks, one style per kind of block."""
    keep = "Adieu Last Paragraph" if last_keeps_with_next else "Body Text"
    for line, style_name in (
        (f"{{%p for b in {name} %}}", None),
        ("{%p if b.kind == 'list' %}", None),
        ("{%p for item in b.items %}", None),
        ("{%p if b.style == 'steps' %}", None),
        ("{{r item.text }}", "List Number"),
        ("{%p elif b.style == 'checks' %}", None),
        ("☐ {{r item.text }}", "Adieu Check"),
        ("{%p else %}", None),
        ("{{r item.text }}", "List Bullet"),
        ("{%p endif %}", None),
        ("{%p for quote in item.quotes %}", None),
        ("{{r quote }}", "Quote"),
        ("{%p endfor %}", None),
        ("{%p endfor %}", None),
        ("{%p elif b.kind == 'title' %}", None),
        ("{{r b.text }}", "Title"),
        ("{%p elif b.kind == 'heading' %}", None),
        ("{{r b.text }}", "Heading 1"),
        ("{%p elif b.kind == 'subheading' %}", None),
        ("{{r b.text }}", "Heading 2"),
        ("{%p elif b.kind == 'lead' %}", None),
        ("{{r b.text }}", "Intense Quote"),
        ("{%p elif b.kind == 'meta' %}", None),
        ("{{r b.text }}", "Subtitle"),
        ("{%p elif b.kind == 'quote' %}", None),
        ("{{r b.text }}", "Quote"),
        ("{%p else %}", None),
        ("{{r b.text }}", keep),
        ("{%p endif %}", None),
        ("{%p endfor %}", None),
    ):
        tag(doc, line, style_name or "Normal")


def signing_block(doc):
    """The cell that holds the closing formula and the signature: a borderless one-row table
    whose row cannot split, so that they never part and are never alone on a page. Keep with
    next alone does not do it: LibreOffice (7.4) lets a chain of such paragraphs break at a
    page's end; a row that cannot split, and the paragraph kept with it, it does move."""
    table = doc.add_table(rows=1, cols=1)
    row = table.rows[0]._tr
    row.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    properties = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")  # the text lines up with the paragraphs above it
    for side in ("top", "left", "bottom", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "0")
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    properties.append(margins)
    return table.cell(0, 0)


def letter():
    doc = base()
    style(doc, "Adieu Sender", space_after=Pt(0))
    style(doc, "Adieu Recipient", left_indent=Cm(9.5), space_after=Pt(0))
    style(doc, "Adieu Date", alignment=WD_ALIGN_PARAGRAPH.RIGHT, space_before=Pt(12), space_after=Pt(12))
    style(doc, "Adieu Subject", bold=True, space_after=Pt(10))
    style(doc, "Adieu Mention", space_after=Pt(10))
    style(doc, "Adieu Salutation", space_after=Pt(6))
    style(doc, "Adieu Last Paragraph", "Body Text", keep_with_next=True)
    style(doc, "Adieu Closing", "Body Text", keep_with_next=True)
    style(doc, "Adieu Signature", space_before=Pt(0), keep_with_next=True)
    style(doc, "Adieu Check", left_indent=Cm(0.6), space_after=Pt(3))
    style(doc, "Adieu Spacer", keep_with_next=True, space_after=Pt(10))
    for line, name in (("{%p for line in letter.sender %}", "Normal"), ("{{r line }}", "Adieu Sender"),
                       ("{%p endfor %}", "Normal"), ("", "Adieu Spacer"),
                       ("{%p for line in letter.recipient %}", "Normal"), ("{{r line }}", "Adieu Recipient"),
                       ("{%p endfor %}", "Normal"), ("{{r letter.dateline }}", "Adieu Date"),
                       ("{%p if letter.mention %}", "Normal"), ("{{r letter.mention }}", "Adieu Mention"),
                       ("{%p endif %}", "Normal"),
                       ("{{r letter.subject }}", "Adieu Subject"), ("{{r letter.salutation }}", "Adieu Salutation")):
        tag(doc, line, name)
    blocks(doc, "body")
    blocks(doc, "last", last_keeps_with_next=True)
    cell = signing_block(doc)
    cell.paragraphs[0].text, cell.paragraphs[0].style = "{{r letter.closing }}", doc.styles["Adieu Closing"]
    for line, name in (("", "Adieu Spacer"), ("{%p for line in letter.signature %}", "Normal"),
                       ("{{r line }}", "Adieu Signature"), ("{%p endfor %}", "Normal")):
        cell.add_paragraph(line, style=name)
    # Page numbers from page 2: a letter that fits one page shows none.
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    page_numbers(section.footer.paragraphs[0])
    doc.save(ROOT / "letter" / "layout" / "letter.docx")


def memo():
    doc = base((2.0, 1.8, 1.8, 1.8), size=10)
    style(doc, "Adieu Check", left_indent=Cm(0.6), space_after=Pt(3))
    style(doc, "Adieu Last Paragraph", "Body Text")
    blocks(doc, "blocks")
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.text = "{{r running }}"
    header.runs[0].font.size = Pt(8)
    header.runs[0].font.color.rgb = RGBColor(0x5B, 0x65, 0x70)
    for footer in (section.footer, section.first_page_footer):
        page_numbers(footer.paragraphs[0])
    doc.save(ROOT / "memo" / "layout" / "memo.docx")


if __name__ == "__main__":
    letter()
    memo()
