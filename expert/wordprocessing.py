"""DOCX: the letter and the memo as Word documents a user can edit, filled in by docxtpl
from a .docx letterhead (templates/*/layout/*.docx, or the user's own with --template).

The letterhead holds the layout: one paragraph per line of the document, each in a named
style (restyle it and the documents follow). This module only hands it the same parts and
blocks the other layouts get, each line as runs (typography.spans) so that « 1er » is raised
and a gap to fill in is highlighted. docxtpl is imported only when a DOCX is asked for.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

from . import typography
from .errors import InputError
from .files import file_kind

GAP_SHADING = "FFE866"  # a gap's background, as in the HTML; w:shd takes hex (a name shows black)


def docx_document(template, layout: dict) -> bytes:
    """The DOCX of a letter (layout has `letter`) or a memo (layout has `blocks`) from the
    .docx letterhead `template`. A broken letterhead is an InputError naming it."""
    import jinja2
    from docx.opc.exceptions import PackageNotFoundError
    from docxtpl import DocxTemplate

    path = Path(template)
    if not path.is_file():
        kind = file_kind(path.stat().st_mode) if path.exists() else None
        raise InputError(path, f"is {kind}, expected a regular file" if kind else "no such .docx letterhead")
    context = _context(layout)
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    try:
        document = DocxTemplate(str(path))
        document.render(context, jinja_env=env, autoescape=True)
        out = io.BytesIO()
        document.save(out)
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError):
        raise InputError(path, "not a Word document (.docx)") from None
    except jinja2.TemplateSyntaxError as error:
        raise InputError(path, _said(error, "broken template tag")) from None
    except jinja2.UndefinedError as error:
        raise InputError(path, _said(error, "the letterhead asks for something Adieu does not provide")) from None
    except Exception as error:  # lxml and docx errors on a damaged file: still the file's fault
        raise InputError(path, f"not a usable .docx letterhead (detail: \"{type(error).__name__}: {error}\")") from None
    return out.getvalue()


# What jinja2 says of a letterhead, as a sentence of ours with the name it holds; any other
# detail is kept, quoted, after our sentence (it is the library's English, not ours).
_NAMED = (
    (re.compile(r"'([^']+)' is undefined"), "the letterhead asks for '{name}', which Adieu does not provide"),
    (re.compile(r".* has no attribute '([^']+)'"), "the letterhead asks for '{name}', which Adieu does not provide"),
    (re.compile(r"No filter named '([^']+)'\.?"), "the letterhead uses the filter '{name}', which does not exist"),
    (re.compile(r"No test named '([^']+)'\.?"), "the letterhead uses the test '{name}', which does not exist"),
)


def _said(error, sentence: str) -> str:
    message = str(error.message or "")
    for pattern, said in _NAMED:
        match = pattern.fullmatch(message)
        if match:
            return said.format(name=match.group(1))
    return f"{sentence} (detail: \"{message}\")" if message else sentence


def _context(layout: dict) -> dict:
    context = {"lang": layout["lang"]}
    if "letter" in layout:
        letter = layout["letter"]
        blocks = [_block(b) for b in letter["blocks"]]
        context.update({
            "letter": {
                "sender": [_rich(line) for line in letter["sender"]],
                "recipient": [_rich(line) for line in letter["recipient"]],
                "dateline": _rich(letter["dateline"]),
                "mention": _rich(letter["mention"]) if letter.get("mention") else "",
                "subject": _rich(f"{letter['subject_label']} {letter['subject']}".strip()),
                "salutation": _rich(letter["salutation"]),
                "closing": _rich(letter["closing"]),
                "signature": [_rich(line) for line in letter["signature"]],
            },
            "body": blocks[:-1], "last": blocks[-1:],
        })
    else:
        context["blocks"] = [_block(b) for b in layout["blocks"]]
        context["running"] = _rich(layout["running"])
    return context


def _block(block) -> SimpleNamespace:
    """A block with its lines as runs (attributes, as jinja2 reads `b.items` on a dict as dict.items)."""
    return SimpleNamespace(kind=block.kind, style=block.style, text=_rich(block.text),
                           items=[SimpleNamespace(text=_rich(item.text), quotes=[_rich(q) for q in item.quotes])
                                  for item in block.items])


def _rich(text: str):
    """A line as docxtpl runs: plain, raised (superscript) or highlighted (a gap)."""
    from docxtpl import RichText

    rich = RichText()
    for piece, style in typography.spans(str(text)):
        if style == "superscript":
            rich.add(piece, superscript=True)
        elif style == "placeholder":
            rich.add(piece, highlight=GAP_SHADING)
        else:
            rich.add(piece)
    return rich
