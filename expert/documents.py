"""The documents: the internal memo that justifies a recommendation, and the letter or
e-mail to the client, written in the case's language.

Rendering has two stages, so that the prose exists once per language and escaping happens
in one place per format:

1. a content template written natively in each language (memo/<lang>.j2,
   letter/<kind>/<lang>.j2) turns the Assessment into plain text with a tiny line syntax
   (headings, paragraphs, lists, quotes, checkboxes: see `parse_blocks`);
2. a layout per format (memo/layout/*.j2, letter/layout/*.j2) lays those blocks out:
   plain text, Markdown (every value escaped by `finalize`), HTML (jinja2 autoescape) or
   the body of an RFC 5322 e-mail draft built with the standard `email` package.

What the user typed (names, e-mail addresses) only ever enters a template as a variable,
never as template source: a client called `{{ 7*7 }}` or `<script>` is printed as written,
and escaped in HTML. Which letter a recommendation calls for, and how dates are computed,
is data (templates/documents.yaml), not code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from email import policy as email_policy
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from . import typography
from .case import LETTER_DETAILS
from .emails import NotAnAddress, checked
from .errors import InputError, NoLetter, TemplateError, UsageError
from .files import read_document
from .law import add_months, law_for
from .resources import PACKAGE, data_dir
from .typography import Typography, user_text
from .statements import Statements, holds, parse_asserts

if TYPE_CHECKING:
    from .advisor import Assessment

MEMO_FORMATS = ("md", "html", "pdf", "docx")
LETTER_FORMATS = ("text", "md", "html", "eml", "pdf", "docx")
BINARY_FORMATS = ("pdf", "docx")
DELIVERIES = ("post", "email")
NO_LETTER = "none"               # documents.yaml: this outcome calls for no letter
SETTINGS_FILE = "documents.yaml"
NOTES_NEEDED = {"note", "written_memo", "written_letter", "written_eml"}   # in documents.yaml, per language
MEMO_FILE, LETTER_FILE = "memo.md", "letter.txt"   # the names of each client's documents
EXTRA_FORMATS = ("pdf", "docx", "eml")       # what `portfolio --documents` and the interview may add
EXTRA_FILES = {"pdf": "letter.pdf", "docx": "letter.docx", "eml": "letter.eml"}
TYPOGRAPHY_FILE = "typography.yaml"
STATEMENTS_FILE = "letter/statements.yaml"
PART = "\x1e"                     # separates the parts of a letter; user text never holds it
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ue000-\ue0ff]+")  # controls, and our marks
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])|(&(?=#?\w+;))")


def default_templates_dir() -> Path:
    """The shipped templates: inside the installed package, or beside it in a source tree."""
    found = data_dir("templates", SETTINGS_FILE)
    if found is None:
        raise TemplateError(f"{PACKAGE}: the templates (templates/) are missing from this installation")
    return found


@dataclass
class Rendered:
    """A finished document: text (bytes for an e-mail draft), and notes for the user."""

    content: str | bytes
    kind: str | None = None
    notes: list = field(default_factory=list)
    blanks: list = field(default_factory=list)   # the gaps to fill in before sending, as shown: "[montant dû]"


# -- the line syntax of content templates --------------------------------------------------

@dataclass
class Item:
    text: str
    quotes: list = field(default_factory=list)


@dataclass
class Block:
    """kind: title, heading, subheading, lead, meta, para, quote or list (style: bullet,
    steps or checks)."""

    kind: str
    text: str = ""
    style: str = ""
    items: list = field(default_factory=list)
    tight: bool = False     # a list that follows its introducing line without a blank line


LINE_PREFIXES = (("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("= ", "lead"),
                 ("~ ", "meta"), ("> ", "quote"))
LIST_PREFIXES = (("- ", "bullet"), ("+ ", "steps"), ("[ ] ", "checks"))


def parse_blocks(text: str) -> list:
    """Blocks from the content syntax. At the start of a line: `# `, `## `, `### ` headings,
    `= ` a lead line, `~ ` a meta line, `> ` a quotation, `- ` a bullet, `+ ` a numbered step,
    `[ ] ` a checkbox. An indented line continues the item above (`  > ` quotes under it);
    other lines join into paragraphs, which blank lines separate. Items of one kind in a row
    form one list, even with blank lines between them."""
    blocks: list = []
    paragraph: list = []
    blank = True

    def flush():
        if paragraph:
            blocks.append(Block("para", " ".join(paragraph)))
            paragraph.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip()
        if not stripped:
            flush()
            blank = True
            continue
        if line != stripped and not paragraph and blocks and blocks[-1].kind == "list":
            item = blocks[-1].items[-1]
            if stripped.startswith("> "):
                item.quotes.append(stripped[2:].strip())
            else:
                item.text += " " + stripped
            continue
        style = next((s for prefix, s in LIST_PREFIXES if stripped.startswith(prefix)), None)
        if style:
            tight = bool(paragraph)
            flush()
            text_of_item = stripped.split(" ", 1 if style != "checks" else 2)[-1].strip()
            if blocks and blocks[-1].kind == "list" and blocks[-1].style == style:
                blocks[-1].items.append(Item(text_of_item))
            else:
                blocks.append(Block("list", style=style, items=[Item(text_of_item)], tight=tight))
            blank = False
            continue
        kind = next((k for prefix, k in LINE_PREFIXES if stripped.startswith(prefix)), None)
        if kind:
            flush()
            content = stripped.split(" ", 1)[1].strip()
            if kind == "quote" and blocks and blocks[-1].kind == "quote" and not blank:
                blocks[-1].text += " " + content
            else:
                blocks.append(Block(kind, content))
        else:
            paragraph.append(stripped)
        blank = False
    flush()
    return blocks


# -- the documents ---------------------------------------------------------------------------

def documents_for(knowledge) -> "Documents":
    """The documents of a rule base: its own templates/ folder (documents.yaml and content
    templates) when it has one, over the shipped templates (layouts, blocks, phrases).
    Read once per folder: the report and the interview ask for them often."""
    own = Path(knowledge.root) / "templates"
    return _documents_at(own if (own / SETTINGS_FILE).exists() else None)


@lru_cache(maxsize=8)
def _documents_at(templates_dir) -> "Documents":
    return Documents(templates_dir)


class Documents:
    """The templates folder and its settings, read once, rendering any number of documents.

    A templates folder other than the shipped one is searched first, then the shipped one:
    a rule base brings its documents.yaml and content templates and reuses the layouts."""

    def __init__(self, templates_dir=None):
        shipped = default_templates_dir()
        self.root = Path(templates_dir) if templates_dir is not None else shipped
        self.roots = tuple(dict.fromkeys((self.root, shipped)))
        self.settings = _Settings(self.root / SETTINGS_FILE)
        self._typography = None
        self.statements = Statements(self._own_or_shipped(STATEMENTS_FILE))
        for kind in self.settings.kinds:
            if not any((root / "letter" / kind).is_dir() for root in self.roots):
                self.settings._fail(("letters",), f"no folder letter/{kind}/ for the letter kind '{kind}'")
        self._environments: dict = {}
        self._rendered: dict = {}

    def _own_or_shipped(self, name: str) -> Path:
        """A templates file: this folder's own when it has one, else the shipped one."""
        return next((root / name for root in self.roots if (root / name).is_file()), self.root / name)

    @property
    def typography(self) -> Typography:
        if self._typography is None:
            try:
                self._typography = Typography(self._own_or_shipped(TYPOGRAPHY_FILE))
            except InputError as error:
                raise TemplateError(str(error)) from None
        return self._typography

    @property
    def kinds(self) -> tuple:
        """The letters these templates write (documents.yaml's `letters`)."""
        return self.settings.kinds

    # public API ------------------------------------------------------------------------------

    def memo(self, assessment: "Assessment", form: str = "md", today: date | None = None,
             template=None, delivery: str = "post", also: tuple = ()) -> Rendered:
        """The internal memo that justifies the recommendation (md, html, pdf or docx;
        `template`: a .docx of the user's own for docx). It lists the blanks the planned
        letter leaves for the user to fill in. `also`: the other ways the letter is written
        for (email beside post): the memo gives their dates too, the notice running from
        another receipt."""
        if form not in MEMO_FORMATS:
            raise ValueError(f"memo format must be one of {MEMO_FORMATS}")
        today = today or date.today()
        plan = self.planned_kind(assessment)
        context = self._context(assessment, today, plan, "memo", delivery)
        context["also"] = [{"delivery": other, **{key: notice[key] for key in ("receipt", "end")}}
                           for other in dict.fromkeys(also) if other != delivery and plan
                           for notice in (self._delivered(assessment, today, other),)]
        context["letter_blanks"] = self._letter(assessment, "text", plan, today, None, delivery)[1] if plan else []
        content = self._content(f"memo/{assessment.language}.j2", context)
        running = [context["client"]["name"] or context["contact"]["name"],
                   self.settings.format_date(today, assessment.language), context["confidential"]]
        layout = {**context, "blocks": parse_blocks(content), "running": " · ".join(filter(None, running))}
        if form == "docx":
            from .wordprocessing import docx_document
            page = docx_document(template or self._own_or_shipped("memo/layout/memo.docx"), layout)
        elif form == "pdf":
            from .printing import pdf_document
            page = pdf_document(lambda numbered: self._render("pdf", "memo/layout/pdf.j2",
                                                              {**layout, "numbered": numbered}), numbered=True)
        else:
            page = self._render(form, f"memo/layout/{form}.j2", layout)
        return Rendered(page, notes=self._notes(context))

    def client_files(self, assessment: "Assessment", today: date | None = None, extra: tuple = ()) -> tuple:
        """([(file name, content, "memo", "letter" or "letter_pdf"...)], notes): the memo and,
        when the recommendation calls for one, the letter, as text and in each of the `extra`
        formats (pdf, docx, eml); what the interview and `adieu portfolio --out` write for
        each client. An e-mail draft the case cannot have (no address) is left out with a
        note, not an error for the other files."""
        memo = self.memo(assessment, "md", today=today, also=("email",) if "eml" in extra else ())
        files, notes = [(MEMO_FILE, memo.content, "memo")], list(memo.notes)
        if self.planned_kind(assessment) is None:
            return files, notes
        letters = [("text", self.letter(assessment, "text", today=today))]
        for form in extra:
            try:
                letters.append((form, self.letter(assessment, form, today=today)))
            except InputError as error:
                if form != "eml":
                    raise
                notes.append(error.detail)
        for form, letter in letters:
            files.append((EXTRA_FILES.get(form, LETTER_FILE), letter.content, "letter" if form == "text" else f"letter_{form}"))
            notes += [note for note in letter.notes if note not in notes]
        return files, notes

    def say(self, language: str, key: str, **values) -> str:
        """A line for the user about a document, in that language (documents.yaml `notes`)."""
        return self.settings.notes[language][key].format(**values)

    def planned_kind(self, assessment: "Assessment") -> str | None:
        """The letter the recommendation calls for (documents.yaml), None when it calls for none."""
        kind = self.settings.letters.get(assessment.verdict[assessment.primary], NO_LETTER)
        return None if kind == NO_LETTER else kind

    def letter_details(self, assessment: "Assessment") -> tuple:
        """The case details ("contract.date"...) the planned letter uses for this case, in the
        order to ask them (documents.yaml `details`); none when no letter is planned."""
        kind = self.planned_kind(assessment)
        return tuple(name for name, when, languages in self.settings.details.get(kind, ())
                     if (when is None or holds(when, assessment.case.answers))
                     and (languages is None or assessment.language in languages))

    def letter_kind(self, assessment: "Assessment", kind: str = "auto") -> str | None:
        if kind == "auto":
            return self.planned_kind(assessment)
        if kind not in self.kinds:
            raise UsageError(f"--kind must be auto or one of {', '.join(self.kinds)}, got {kind!r}",
                             command="adieu letter")
        return kind

    def no_letter_reason(self, assessment: "Assessment", today: date | None = None) -> str:
        """Why no letter is written for this case, in the case's language; in English when the
        templates map no letter to the outcome at all."""
        value = assessment.verdict[assessment.primary]
        if value not in self.settings.letters:
            return (f"no letter for this outcome ({assessment.primary}: {value}): the templates map no letter "
                    f"to it (documents.yaml, letters); the memo says what to do")
        context = self._context(assessment, today or date.today(), None, "letter", "post")
        return " ".join(typography.plain(self._content(f"letter/none/{assessment.language}.j2", context)).split())

    def letter(self, assessment: "Assessment", form: str = "text", kind: str = "auto",
               today: date | None = None, now: datetime | None = None, delivery: str | None = None,
               template=None, attachment: tuple | None = None, attached: bool = False) -> Rendered:
        """The letter or e-mail draft to the client. Raises NoLetter when `auto` finds none.
        `delivery` is post (a registered letter) or email; an e-mail draft (eml) is e-mail.
        `template`: a .docx of the user's own for docx; `attachment`: (file name, PDF bytes)
        the e-mail draft carries; `attached`: this is that PDF, a letter sent by e-mail."""
        if form not in LETTER_FORMATS:
            raise ValueError(f"letter format must be one of {LETTER_FORMATS}")
        chosen = self.letter_kind(assessment, kind)
        if chosen is None:
            raise NoLetter(self.no_letter_reason(assessment, today))
        if today is None:
            now = now or datetime.now().astimezone()
            today = now.date()
        elif now is None:
            now = datetime.combine(today, time(9, 0), tzinfo=timezone.utc)
        content, blanks, context = self._letter(assessment, form, chosen, today, now, delivery, template, attachment,
                                                attached)
        return Rendered(content, chosen, self._notes(context), list(blanks))

    def _letter(self, assessment, form, chosen, today, now, delivery, template=None, attachment=None,
                attached=False):
        """(content, blanks left, context) of one letter."""
        if delivery is None or form == "eml":
            delivery = "email" if form == "eml" else (delivery or "post")
        if delivery not in DELIVERIES:
            raise ValueError(f"delivery must be one of {DELIVERIES}")
        now = now or datetime.combine(today, time(9, 0), tzinfo=timezone.utc)
        # An e-mail's words (greeting, closing) for an e-mail; a letter's for a letter, also
        # the PDF an e-mail draft carries (`attached`), which is sent by e-mail all the same.
        medium = "email" if delivery == "email" and not attached else "letter"
        context = self._context(assessment, today, chosen, medium, delivery)
        self._require_signature(assessment, context)
        content = self._content(f"letter/{chosen}/{assessment.language}.j2", context)
        parts = _split_parts(content)
        letter = {
            "dateline": parts.get("dateline", ""),
            "sender": _lines(parts.get("sender", "")),
            "recipient": _lines(parts.get("recipient", "")),
            "subject_label": parts.get("subject_label", ""),
            "subject": _joined(parts.get("subject", "")),
            "salutation": parts.get("salutation", ""),
            "blocks": parse_blocks(parts.get("body", "")),
            "closing": _joined(parts.get("closing", "")),
            "mention": _joined(parts.get("mention", "")),
            "signature": _lines(parts.get("signature", "")),
            "signature_space": medium == "letter",
        }
        layout = {**context, "letter": letter}
        if form == "eml":
            body = self._render("text", "letter/layout/eml.j2", layout)
            content = _email_draft(assessment, context, typography.plain(letter["subject"]), body, now, attachment)
        elif form == "docx":
            from .wordprocessing import docx_document
            content = docx_document(template or self._own_or_shipped("letter/layout/letter.docx"), layout)
        elif form == "pdf":
            from .printing import pdf_document
            content = pdf_document(lambda numbered: self._render("pdf", "letter/layout/pdf.j2",
                                                                 {**layout, "numbered": numbered}), numbered=False)
        else:
            content = self._render(form, f"letter/layout/{form}.j2", layout)
        return content, typography.placeholders("\n".join(parts.values())), context

    def attachment_name(self, assessment: "Assessment") -> str:
        """The file name of the PDF letter an e-mail draft carries, in the case's language."""
        return self.settings.formats[assessment.language].get("attachment", "letter") + ".pdf"

    # rendering -------------------------------------------------------------------------------

    def environment(self, form: str) -> jinja2.Environment:
        """One environment per output format: `content` for the content templates (what the
        user typed is marked, so that typography leaves it alone), autoescape for HTML and
        PDF, Markdown escaping for md, nothing for text. Undefined variables are errors,
        never silent blanks."""
        if form not in self._environments:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader([str(root) for root in self.roots]),
                undefined=jinja2.StrictUndefined,
                autoescape=form in ("html", "pdf"),
                finalize={"md": _markdown_escape, "content": typography.protect}.get(form),
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                extensions=["jinja2.ext.do"],
            )
            env.filters["date"] = self._date_filter
            env.filters["number"] = self._number_filter
            env.filters["money"] = self._money_filter
            env.filters["ucfirst"] = _ucfirst
            env.filters["plain"] = typography.plain
            env.globals["part"] = lambda name: PART + name
            env.globals["cite"] = self._cite
            self._environments[form] = env
        return self._environments[form]

    def _content(self, name: str, context: dict) -> str:
        """A content template rendered, with the typography of its language applied to all
        but what the user typed. Superscripts and gaps stay marked for the layout."""
        return self.typography.apply(self._template("content", name).render(context).rstrip() + "\n",
                                     context["lang"])

    def _render(self, form: str, name: str, context: dict) -> str:
        """A layout rendered and made final for its format (typography.finish)."""
        text = self._template(form, name).render(context).rstrip() + "\n"
        return typography.finish(text, "html" if form in ("html", "pdf") else "plain")

    def _template(self, form: str, name: str) -> jinja2.Template:
        try:
            return self.environment(form).get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"{self.root / name}: template missing from this installation") from None
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"{error.filename}:{error.lineno}: template error: {error.message}") from None

    @jinja2.pass_context
    def _date_filter(self, context, value: date) -> str:
        """A date in a document is one unit: no line breaks between its day, month and year
        (a PDF line ended on "le 7", "avril 2027" starting the next)."""
        return self.settings.format_date(value, context["lang"]).replace(" ", "\u00a0")

    @jinja2.pass_context
    def _cite(self, context, source, part=None) -> str:
        """A source as the reader knows it: its title, quoted in the document's language, and
        the part cited (e.g. "step 1"); the rule base's ids are for --explain and JSON."""
        from .messages import messages

        entry = context["source_titles"].get(source)
        if entry is None:
            raise TemplateError(f"{self.root}: a template cites the unknown source '{source}'")
        title = messages(context["lang"]).quote(entry)
        return f"{title}, {part}" if part else title

    @jinja2.pass_context
    def _number_filter(self, context, value) -> str:
        return self.settings.format_number(value, context["lang"])

    @jinja2.pass_context
    def _money_filter(self, context, value) -> str:
        return self.settings.format_money(value, context["jurisdiction"]["currency"], context["lang"])

    # the context the templates see ---------------------------------------------------------

    def _context(self, a: "Assessment", today: date, kind: str | None, medium: str, delivery: str = "post") -> dict:
        """Everything a template may use: the verdict and its reasons, the problems found
        (most severe first), the answers, dates, parties. Ids are kept so that templates can
        choose their wording by finding; labels come from the rule base, in the case's
        language. `kind` is the letter being written (or the memo's plan), `medium` one of
        memo, letter, email."""
        from .messages import messages

        k, lang = a.knowledge, a.language
        e = a.explanation()
        quantity = messages(lang, k.root).quantity
        problems = [{"id": p["finding"], "category": p["category"], "severity": p["severity"],
                     "label": p["label"], "change": p["change"]} for p in e.problems]
        reasons = [{**r, "sources": [{**s, "rendering": self.rendering(s["passage"], lang)} for s in r["sources"]]}
                   for r in e.reasons]
        verdict = e.verdict
        outcomes = {attribute: {**outcome, "conditions": [c["text"] for c in outcome["conditions"]],
                                "condition_findings": [c["finding"] for c in outcome["conditions"]]}
                    for attribute, outcome in e.outcomes.items()}
        answers = dict(a.case.answers)
        law = law_for(k)
        code = law.jurisdiction_of(a.case)
        law.check_date(today, "--date")
        for key in ("date", "warning_date"):     # a letter cannot cite what comes after it
            day = a.case.contract.get(key)
            if day is not None and day > today:
                raise InputError(a.case.source or "the case", f"expected a date on or before the document's "
                                 f"({today.isoformat()}), got {day.isoformat()}", key=f"contract.{key}")
        plan = self.planned_kind(a)
        reassess_days = self.settings.reassess_days.get(kind if kind in self.settings.reassess_days else plan)
        working = lambda day: law.working_day(code, day)  # noqa: E731
        notice = self._delivered(a, today, delivery)
        dates = {
            "today": today,
            "receipt": notice.pop("receipt"),
            "end": notice["end"],
            "reply": working(today + timedelta(days=self.settings.reply_days)),
            "reassess": working(today + timedelta(days=reassess_days)) if reassess_days else None,
            "warning": a.case.contract.get("warning_date"),
            "contract": a.case.contract.get("date"),
        }
        spec = law.jurisdictions[code]
        jurisdiction = {
            "code": code, "given": a.case.jurisdiction is not None, "name": spec["name"][lang],
            "currency": spec.get("currency"),
            "late_payment": {key: spec["late_payment"][key][lang] for key in ("letter", "memo")},
            "late_payment_sources": law.cited(code, "late_payment"),
            "notice_sources": law.cited(code, "notice.reasonable"),
            "immediate_sources": law.cited(code, "notice.immediate"),
        }
        unpaid = {"amount": a.case.unpaid.get("amount"), "invoices": list(a.case.unpaid.get("invoices", ()))}
        changes = [{key: c[key] for key in ("factor", "label", "from", "to", "value", "outcome", "rank")}
                   for c in e.changes]
        return {
            "lang": lang,
            "case_path": _shell_word(a.case.source or "CASE"),
            "medium": medium,
            "kind": kind,
            "plan": plan,
            "primary": e.primary,
            "verdict": verdict,
            "outcomes": outcomes,
            "problems": problems,
            "categories": sorted({p["category"] for p in problems}),
            "findings": [f["finding"] for f in e.findings],
            "says": self.statements.view(answers, [f["finding"] for f in e.findings], lang, code),
            "reasons": reasons,
            "steps": e.steps,
            "source_titles": {name: (entry.get("title", name) if isinstance(entry, dict) else name)
                              for name, entry in k.sources.items()},
            "unknown": [_unknown(k, a, f, lang) for f in a.unknown()],
            "changes": changes,
            "answers": answers,
            "answer_labels": {f: k.factors[f].value_label(v, lang, quantity) for f, v in answers.items()},
            "factor_labels": {f: factor.label(lang) for f, factor in k.factors.items()},
            "policy": a.policy.as_dict(),
            "severity_labels": {s: label(lang) for s, label in k.severity_labels.items()},
            "mitigating": self.settings.mitigating,
            "notice": notice,
            "dates": dates,
            "delivery": delivery,
            "jurisdiction": jurisdiction,
            "unpaid": unpaid,
            "contract": {"reference": _one_line(a.case.contract.get("reference")), "date": dates["contract"]},
            "client": {**_party(a.case.client, ("name", "contact", "email")),
                       "address": _address_lines(a.case.client.get("address"))},
            "provider": {**_party(a.case.provider, ("name", "signatory", "title", "email", "place")),
                         "address": _address_lines(a.case.provider.get("address"))},
            "contact": self.settings.person(_one_line(a.case.client.get("contact"))),
            "confidential": self.settings.formats[lang].get("confidential", ""),
            "blank": blank,
        }

    def _delivered(self, a: "Assessment", today: date, delivery: str) -> dict:
        """The notice of a letter sent today this way (post or email): it runs from the
        receipt, assumed some days later (documents.yaml `receipt_days`)."""
        law = law_for(a.knowledge)
        code = law.jurisdiction_of(a.case)
        working = lambda day: law.working_day(code, day)  # noqa: E731
        return self._notice(law, code, a.case.answers, a.verdict[a.primary], working,
                            working(today + timedelta(days=self.settings.receipt_days[delivery])))

    def _notice(self, law, code, answers, verdict_value, working, receipt) -> dict:
        """The notice the letter gives: the contractual one, or the longer one the law expects
        for the length of the relationship (knowledge/law.yaml); ending without it only when
        the recommendation asks for a prompt end and the case holds a ground for it."""
        settings = self.settings
        terms = law.notice(code, answers.get(settings.notice_factor), answers.get(settings.years_factor))
        grounds = law.grounds(code, answers)
        immediate = verdict_value in settings.immediate
        contract_end = working(receipt + timedelta(days=terms.contract_days)) \
            if terms.contract_days is not None else None
        reasonable_end = working(add_months(receipt, terms.reasonable_months)) if terms.reasonable_months else None
        if immediate and grounds:
            chosen = "contract" if contract_end else "assumed"
        elif reasonable_end and (contract_end is None or reasonable_end > contract_end):
            chosen = "reasonable"
        else:
            chosen = "contract" if contract_end else "assumed"
        assumed_end = working(receipt + timedelta(days=settings.default_notice_days))
        end = {"contract": contract_end, "reasonable": reasonable_end, "assumed": assumed_end}[chosen]
        days = terms.contract_days if terms.contract_days is not None else settings.default_notice_days
        return {
            "chosen": chosen, "end": end, "receipt": receipt,
            "days": days if chosen != "reasonable" else (end - receipt).days,
            "assumed": terms.contract_days is None,
            "contract_days": terms.contract_days, "contract_end": contract_end,
            "reasonable_months": terms.reasonable_months, "reasonable_end": reasonable_end,
            "reasonable_applies": terms.applies, "years_known": terms.years_known,
            # the contractual notice is at least the one the law expects (or none is expected)
            "contract_covers": contract_end is not None and (reasonable_end is None or contract_end >= reasonable_end),
            "immediate": immediate, "grounds": [{"id": g["id"], "label": g.get("label", {})} for g in grounds],
            "default_days": settings.default_notice_days,
        }

    def rendering(self, passage: str, lang: str) -> str | None:
        """An article passage (quoted in French, as written) in `lang`, for a reader of that
        language: the memo, the report and the interview's "why" show it after the passage."""
        return self._renderings(lang).get(_plain_quotes(passage))

    def _renderings(self, lang: str) -> dict:
        """memo/renderings.<lang>.yaml: the article passages (quoted in French) rendered in
        another language."""
        if lang not in self._rendered:
            path = self.root / "memo" / f"renderings.{lang}.yaml"
            data = {}
            if path.is_file():
                try:
                    data = read_document(path).data or {}
                except InputError as error:
                    raise TemplateError(str(error)) from None
            given = data.get("renderings") if isinstance(data, dict) else None
            self._rendered[lang] = {_plain_quotes(k): v for k, v in (given or {}).items()}
        return self._rendered[lang]

    def _notes(self, context: dict) -> list:
        """Notes for the user, in the case's language (documents.yaml `notes`); a language
        without a note's text does not need that note (English letters greet by name)."""
        texts, notes = self.settings.notes.get(context["lang"], {}), []
        notice = context["notice"]
        if notice["assumed"] and notice["chosen"] == "assumed" and context["kind"] == "termination" \
                and "notice_assumed" in texts:
            notes.append(texts["notice_assumed"].format(
                days=notice["days"], end=self.settings.format_date(context["dates"]["end"], context["lang"])))
        contact = context["contact"]
        if context["medium"] != "memo" and contact["written"] and not contact["titles"] and "no_honorific" in texts:
            notes.append(texts["no_honorific"].format(name=contact["name"]))
        return notes

    @staticmethod
    def _require_signature(a: "Assessment", context: dict):
        if not (context["provider"]["name"] or context["provider"]["signatory"]):
            raise InputError(a.case.source or "<case>", "a letter needs someone to sign it: give the provider's "
                             "name or signatory", key="provider.signatory")


# -- documents.yaml ----------------------------------------------------------------------------

class _Settings:
    """templates/documents.yaml, checked as it is read: each mistake names the key."""

    def __init__(self, path: Path):
        try:
            self.doc = read_document(path)
        except InputError as error:
            raise TemplateError(str(error)) from None
        data = self.doc.data if isinstance(self.doc.data, dict) else self._fail((), "expected a mapping")
        self.path = path
        self.letters = self._mapping(data, ("letters",))
        for value, kind in self.letters.items():
            if not isinstance(kind, str) or not kind.replace("_", "").isalnum():
                self._fail(("letters", value), f"expected a letter kind (a folder of letter/) or {NO_LETTER}, got {kind!r}")
        self.kinds = tuple(dict.fromkeys(k for k in self.letters.values() if k != NO_LETTER))
        notice = self._mapping(data, ("notice",))
        self.notice_factor = self._get(notice, ("notice", "factor"), str)
        # Optional: the length of the relationship (the law's reasonable notice grows with
        # it) and the outcomes that end at once; a rule base without them has neither.
        self.years_factor = self._get(notice, ("notice", "years_factor"), str) if "years_factor" in notice else None
        self.default_notice_days = self._get(notice, ("notice", "default_days"), int)
        self.immediate = tuple(self._get(notice, ("notice", "immediate"), list)) if "immediate" in notice else ()
        timing = self._mapping(data, ("timing",))
        self.reply_days = self._get(timing, ("timing", "reply_days"), int)
        self.receipt_days = self._mapping(timing, ("timing", "receipt_days"))
        if set(self.receipt_days) != set(DELIVERIES) or not all(
                isinstance(v, int) and 0 <= v <= 10 for v in self.receipt_days.values()):
            self._fail(("timing", "receipt_days"), f"expected days (0 to 10) for {', '.join(DELIVERIES)}")
        self.reassess_days = self._mapping(timing, ("timing", "reassess_days"))
        for kind, days in self.reassess_days.items():
            if kind not in self.kinds or not isinstance(days, int) or days < 0:
                self._fail(("timing", "reassess_days", kind), "expected a letter kind and a number of days")
        self.details = self._details(data)
        self.mitigating = tuple(self._get(self._mapping(data, ("memo",)), ("memo", "mitigating"), list))
        self.formats = self._mapping(data, ("formats",))
        for lang, spec in self.formats.items():
            if not isinstance(spec, dict) or not {"locale", "date"} <= set(spec):
                self._fail(("formats", lang), "expected locale and date (first_of_month optional)")
            symbols = spec.get("currency_symbols", {})
            if not isinstance(symbols, dict) or not all(isinstance(v, str) and v for v in symbols.values()):
                self._fail(("formats", lang, "currency_symbols"), "expected a currency code and its symbol")
        self.honorifics = self._mapping(data, ("honorifics",))
        self.notes = self._mapping(data, ("notes",))
        for lang, texts in self.notes.items():
            if (not isinstance(texts, dict) or not all(isinstance(t, str) for t in texts.values())
                    or not NOTES_NEEDED <= set(texts)):
                self._fail(("notes", lang), f"expected texts by name: {', '.join(sorted(NOTES_NEEDED))}, "
                                            f"and notice_assumed, no_honorific where the language needs them")
        for name, spec in self.honorifics.items():
            if not isinstance(spec, dict) or not isinstance(spec.get("written"), list):
                self._fail(("honorifics", name), "expected written (a list), and the title per language")

    def _details(self, data) -> dict:
        """`details`: letter kind -> ((detail, alternatives of answers or None, languages or
        None), ...)."""
        given = self._mapping(data, ("details",)) if "details" in data else {}
        details = {}
        for kind, entries in given.items():
            if kind not in self.kinds or not isinstance(entries, list):
                self._fail(("details", kind), f"expected a letter kind ({', '.join(self.kinds)}) "
                                              f"and a list of details")
            details[kind] = []
            for index, entry in enumerate(entries):
                entry = {"detail": entry} if isinstance(entry, str) else entry
                if not isinstance(entry, dict) or entry.get("detail") not in LETTER_DETAILS \
                        or not set(entry) <= {"detail", "when", "languages"}:
                    self._fail(("details", kind, index), f"expected one of {', '.join(LETTER_DETAILS)}, or "
                                                         f"{{detail: ..., when: {{factor: value}}, languages: [...]}}")
                when = parse_asserts(entry["when"]) if "when" in entry else None
                languages = entry.get("languages")
                if ("when" in entry and when is None) or (languages is not None and not (
                        isinstance(languages, list) and all(isinstance(lang, str) for lang in languages))):
                    self._fail(("details", kind, index), "expected when: {factor: value} and languages: [fr, ...]")
                details[kind].append((entry["detail"], when, tuple(languages) if languages else None))
        return details

    def format_date(self, value: date, lang: str) -> str:
        """A date in the language's pattern (Babel/CLDR), `first_of_month` for the 1st."""
        from babel.dates import format_date

        spec = self.formats[lang]
        pattern = spec.get("first_of_month", spec["date"]) if value.day == 1 else spec["date"]
        return format_date(value, pattern, locale=spec["locale"])

    def format_number(self, value, lang: str) -> str:
        from babel.numbers import format_decimal

        return format_decimal(value, locale=self.formats[lang]["locale"])

    def format_money(self, value, currency: str, lang: str) -> str:
        """A sum in `currency` (the jurisdiction's, knowledge/law.yaml) as the language writes it."""
        from babel.numbers import format_currency, get_currency_symbol

        spec = self.formats[lang]
        written = format_currency(value, currency, locale=spec["locale"])
        symbol = (spec.get("currency_symbols") or {}).get(currency)
        return written.replace(get_currency_symbol(currency, spec["locale"]), symbol) if symbol else written

    def person(self, written: str | None) -> dict:
        """A contact as written ('Mme Marie Dupont'), split into honorific, name and surname;
        `titles` and `to` are documents.yaml's forms of the honorific in each language
        ('Madame', 'de Madame'), `gender` female or male when the honorific tells."""
        empty = {"written": None, "honorific": None, "name": None, "surname": None, "gender": None,
                 "titles": {}, "to": {}}
        if not written:
            return empty
        written = user_text(written)
        words = written.split()
        found, honorific = None, None
        for spec in self.honorifics.values():
            if len(words) > 1 and words[0].lower() in {str(p).lower() for p in spec["written"]}:
                found, honorific, words = spec, words[0], words[1:]
                break
        surname = " ".join(words[1:]) if len(words) > 1 else words[0]
        found = found or {}
        return {**empty, "written": written, "honorific": user_text(honorific), "name": user_text(" ".join(words)),
                "surname": user_text(surname), "gender": found.get("gender"),
                "titles": dict(found.get("title", {})), "to": dict(found.get("to", {}))}

    def _get(self, mapping, keys, kind):
        value = mapping.get(keys[-1]) if isinstance(mapping, dict) else None
        if not isinstance(value, kind) or isinstance(value, bool):
            self._fail(keys, f"expected {kind.__name__}")
        return value

    def _mapping(self, mapping, keys) -> dict:
        return self._get(mapping, keys, dict)

    def _fail(self, keys, message):
        line = None
        for end in range(len(keys), -1, -1):
            line = self.doc.line(*keys[:end])
            if line is not None:
                break
        where = f"{self.doc.path}:{line}" if line else self.doc.path
        key = ".".join(map(str, keys))
        raise TemplateError(f"{where}: {key}: {message}" if key else f"{where}: {message}")


# -- helpers -------------------------------------------------------------------------------------

def _shell_word(text: str) -> str:
    """A path as it would be typed in a command the user is told to run."""
    import shlex

    return shlex.quote(text)


def _one_line(value) -> str | None:
    """User text as one clean line: no control character can reach a header or a layout."""
    if value is None:
        return None
    text = UNSAFE.sub(" ", str(value)).strip()
    return text or None


def _plain_quotes(text: str) -> str:
    """A passage with typographic apostrophes as plain ones: how renderings are keyed."""
    return str(text).replace("\u2019", "'")


def _joined(text: str) -> str:
    """One line from a template's lines; no-break spaces (typography's) stay as they are."""
    return " ".join(re.split(r"[ \t\r\n]+", text.strip(" \t\r\n")))


def blank(label: str) -> str:
    """What a letter needs and the case lacks, as a visible gap: [numéro de facture]. The
    typography rule for gaps marks it, and `typography.placeholders` lists it."""
    return f"[{label}]"


def _address_lines(value) -> list:
    return [line for line in (_one_line(part) for part in str(value or "").splitlines()) if line]


def _party(given: dict, fields: tuple) -> dict:
    """A party's details as the user wrote them: no typography rule ever touches them."""
    return {name: user_text(_one_line(given.get(name))) for name in fields}


def _unknown(k, a: "Assessment", factor_id: str, lang: str) -> dict:
    """An unknown for the memo; `with` and `with_outcome` when it matters only together with
    another unknown (the label of that one, and the most severe main verdict the two could
    lead to, None if they could only change the other verdicts)."""
    entry = {"id": factor_id, "label": k.factors[factor_id].label(lang),
             "question": k.factors[factor_id].question(lang), "with": None, "with_outcome": None}
    if any(u.factors == (factor_id,) and a.primary in dict(u.moves) for u in a.unknowns or ()):
        return entry
    pair = next((u for u in a.unknowns or () if factor_id in u.factors and len(u.factors) > 1
                 and a.primary in dict(u.moves)), None)
    if pair is not None:
        other = next(f for f in pair.factors if f != factor_id)
        entry["with"] = k.factors[other].label(lang)
        values = dict(pair.moves).get(a.primary)
        if values:
            entry["with_outcome"] = k.outcomes[a.primary].labels[values[-1]](lang)
    return entry


def _ucfirst(text) -> str:
    text = str(text)
    return text[:1].upper() + text[1:]


def _markdown_escape(value):
    """finalize for Markdown: every printed value shows as written, never as markup."""
    if value is None:
        return ""
    return MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(0), str(value))


def _split_parts(text: str) -> dict:
    parts = {}
    for chunk in text.split(PART)[1:]:
        name, _, body = chunk.partition("\n")
        parts[name.strip()] = body.strip()
    return parts


def _lines(text: str) -> list:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _email_draft(a: "Assessment", context: dict, subject: str, body: str, now: datetime,
                 attachment: tuple | None = None) -> bytes:
    """An RFC 5322 draft (X-Unsent: 1): mail clients open it ready to review and send; with
    `attachment` (file name, PDF bytes), the printable letter travels with it.

    The standard library decodes RFC 2047 encoded words (=?utf-8?q?...?=) when it parses or
    folds a header, so a name written as one could become a line break and a header of its
    own. Headers that carry user text are therefore built here, whole, and stored as header
    objects that the policy writes as they are, never parsing them."""
    client, provider, source = context["client"], context["provider"], a.case.source or "<case>"
    if not client["email"]:
        raise InputError(source, "an e-mail draft needs the client's e-mail address", key="client.email")
    if not provider["email"]:
        raise InputError(source, "an e-mail draft needs your e-mail address", key="provider.email")
    message = EmailMessage(policy=email_policy.SMTP)
    message["From"] = _address("From", provider["signatory"] or provider["name"], provider["email"], source,
                               "provider.email")
    message["To"] = _address("To", client["contact"] or client["name"], client["email"], source, "client.email")
    subject = _one_line(subject) or ""
    message["Subject"] = _BuiltHeader("Subject", _encoded(subject)) if ENCODED_WORD in subject else subject
    message["Date"] = format_datetime(now)
    message["X-Unsent"] = "1"
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    return message.as_bytes()


ENCODED_WORD = "=?"  # how an RFC 2047 encoded word starts


class _BuiltHeader(str):
    """A header line written by us. Having a `name`, it is a header object to the email
    policy, which stores it and writes it unchanged (email.policy.EmailPolicy.fold)."""

    def __new__(cls, name: str, value: str):
        header = super().__new__(cls, value)
        header.name = name
        return header

    def fold(self, *, policy) -> str:
        return f"{self.name}: {self.replace(chr(10), policy.linesep)}{policy.linesep}"


def _encoded(text: str) -> str:
    """Text as RFC 2047 encoded words, every one of them: a reader decodes them back to the
    text as written, =? included, and nothing in it is read as a header's syntax."""
    return Header(text, "utf-8", maxlinelen=76).encode(linesep="\n")


def _address(header: str, name: str | None, email: str, source: str, key: str) -> _BuiltHeader:
    try:
        address = checked(email)
    except NotAnAddress as why:
        raise InputError(source, f"not an e-mail address this draft can use ({why})", key=key) from None
    if address is None:
        raise InputError(source, "not an e-mail address this draft can use (a name with accents before "
                                 "the @ needs a mail server that accepts them; write it in ASCII)", key=key)
    name = _one_line(name) or ""
    if name.isascii() and ENCODED_WORD not in name:
        return _BuiltHeader(header, formataddr((name, address)))  # quoted where RFC 5322 needs it
    return _BuiltHeader(header, f"{_encoded(name)} <{address}>")

