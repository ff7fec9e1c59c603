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
from datetime import date, datetime, time, timedelta, timezone
from email import policy as email_policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

from .errors import InputError, NoLetter, TemplateError, UsageError
from .files import read_document
from .resources import PACKAGE, data_dir

if TYPE_CHECKING:
    from .advisor import Assessment

MEMO_FORMATS = ("md", "html")
LETTER_FORMATS = ("text", "md", "html", "eml")
NO_LETTER = "none"               # documents.yaml: this outcome calls for no letter
SETTINGS_FILE = "documents.yaml"
PART = "\x1e"                     # separates the parts of a letter; user text never holds it
UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
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
    templates) when it has one, over the shipped templates (layouts, blocks, phrases)."""
    own = Path(knowledge.root) / "templates"
    return Documents(own) if (own / SETTINGS_FILE).exists() else Documents()


class Documents:
    """The templates folder and its settings, read once, rendering any number of documents.

    A templates folder other than the shipped one is searched first, then the shipped one:
    a rule base brings its documents.yaml and content templates and reuses the layouts."""

    def __init__(self, templates_dir=None):
        shipped = default_templates_dir()
        self.root = Path(templates_dir) if templates_dir is not None else shipped
        self.roots = tuple(dict.fromkeys((self.root, shipped)))
        self.settings = _Settings(self.root / SETTINGS_FILE)
        for kind in self.settings.kinds:
            if not any((root / "letter" / kind).is_dir() for root in self.roots):
                self.settings._fail(("letters",), f"no folder letter/{kind}/ for the letter kind '{kind}'")
        self._environments: dict = {}

    @property
    def kinds(self) -> tuple:
        """The letters these templates write (documents.yaml's `letters`)."""
        return self.settings.kinds

    # public API ------------------------------------------------------------------------------

    def memo(self, assessment: "Assessment", form: str = "md", today: date | None = None) -> Rendered:
        """The internal memo that justifies the recommendation (md or html)."""
        if form not in MEMO_FORMATS:
            raise ValueError(f"memo format must be one of {MEMO_FORMATS}")
        today = today or date.today()
        context = self._context(assessment, today, self.planned_kind(assessment), "memo")
        content = self._render("text", f"memo/{assessment.language}.j2", context)
        page = self._render(form, f"memo/layout/{form}.j2", {**context, "blocks": parse_blocks(content)})
        return Rendered(page, notes=self._notes(context))

    def planned_kind(self, assessment: "Assessment") -> str | None:
        """The letter the recommendation calls for (documents.yaml), None when it calls for none."""
        kind = self.settings.letters.get(assessment.verdict[assessment.primary], NO_LETTER)
        return None if kind == NO_LETTER else kind

    def letter_kind(self, assessment: "Assessment", kind: str = "auto") -> str | None:
        if kind == "auto":
            return self.planned_kind(assessment)
        if kind not in self.kinds:
            raise UsageError(f"adieu letter: --kind must be auto or one of {', '.join(self.kinds)}, got {kind!r}")
        return kind

    def no_letter_reason(self, assessment: "Assessment", today: date | None = None) -> str:
        """Why no letter is written for this case, in the case's language; in English when the
        templates map no letter to the outcome at all."""
        value = assessment.verdict[assessment.primary]
        if value not in self.settings.letters:
            return (f"no letter for this outcome ({assessment.primary}: {value}): the templates map no letter "
                    f"to it (documents.yaml, letters); the memo says what to do")
        context = self._context(assessment, today or date.today(), None, "letter")
        return " ".join(self._render("text", f"letter/none/{assessment.language}.j2", context).split())

    def letter(self, assessment: "Assessment", form: str = "text", kind: str = "auto",
               today: date | None = None, now: datetime | None = None) -> Rendered:
        """The letter or e-mail draft to the client. Raises NoLetter when `auto` finds none."""
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
        medium = "email" if form == "eml" else "letter"
        context = self._context(assessment, today, chosen, medium)
        self._require_signature(assessment, context)
        parts = _split_parts(self._render("text", f"letter/{chosen}/{assessment.language}.j2", context))
        letter = {
            "dateline": parts.get("dateline", ""),
            "sender": _lines(parts.get("sender", "")),
            "recipient": _lines(parts.get("recipient", "")),
            "subject_label": parts.get("subject_label", ""),
            "subject": " ".join(parts.get("subject", "").split()),
            "salutation": parts.get("salutation", ""),
            "blocks": parse_blocks(parts.get("body", "")),
            "closing": " ".join(parts.get("closing", "").split()),
            "signature": _lines(parts.get("signature", "")),
        }
        layout = {**context, "letter": letter}
        if form == "eml":
            body = self._render("text", "letter/layout/eml.j2", layout)
            content = _email_draft(assessment, context, letter["subject"], body, now)
        else:
            content = self._render(form, f"letter/layout/{form}.j2", layout)
        return Rendered(content, chosen, self._notes(context))

    # rendering -------------------------------------------------------------------------------

    def environment(self, form: str) -> jinja2.Environment:
        """One environment per output format: autoescape for HTML, Markdown escaping for md,
        nothing for text. Undefined variables are errors, never silent blanks."""
        if form not in self._environments:
            env = jinja2.Environment(
                loader=jinja2.FileSystemLoader([str(root) for root in self.roots]),
                undefined=jinja2.StrictUndefined,
                autoescape=(form == "html"),
                finalize=_markdown_escape if form == "md" else None,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                extensions=["jinja2.ext.do"],
            )
            env.filters["date"] = self._date_filter
            env.filters["number"] = self._number_filter
            env.filters["ucfirst"] = _ucfirst
            env.globals["part"] = lambda name: PART + name
            self._environments[form] = env
        return self._environments[form]

    def _render(self, form: str, name: str, context: dict) -> str:
        try:
            template = self.environment(form).get_template(name)
        except jinja2.TemplateNotFound:
            raise TemplateError(f"{self.root / name}: template missing from this installation") from None
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"{error.filename}:{error.lineno}: template error: {error.message}") from None
        return template.render(context).rstrip() + "\n"

    @jinja2.pass_context
    def _date_filter(self, context, value: date) -> str:
        return self.settings.format_date(value, context["lang"])

    @jinja2.pass_context
    def _number_filter(self, context, value) -> str:
        return self.settings.format_number(value, context["lang"])

    # the context the templates see ---------------------------------------------------------

    def _context(self, a: "Assessment", today: date, kind: str | None, medium: str) -> dict:
        """Everything a template may use: the verdict and its reasons, the problems found
        (most severe first), the answers, dates, parties. Ids are kept so that templates can
        choose their wording by finding; labels come from the rule base, in the case's
        language. `kind` is the letter being written (or the memo's plan), `medium` one of
        memo, letter, email."""
        k, lang = a.knowledge, a.language
        e = a.explanation()
        problems = [{"id": p["finding"], "category": p["category"], "severity": p["severity"],
                     "label": p["label"], "change": p["change"]} for p in e.problems]
        reasons = e.reasons
        verdict = e.verdict
        outcomes = {attribute: {**outcome, "conditions": [c["text"] for c in outcome["conditions"]]}
                    for attribute, outcome in e.outcomes.items()}
        answers = dict(a.case.answers)
        notice_days = answers.get(self.settings.notice_factor)
        assumed = notice_days is None
        if assumed:
            notice_days = self.settings.default_notice_days
        plan = self.planned_kind(a)
        reassess_days = self.settings.reassess_days.get(kind if kind in self.settings.reassess_days else plan)
        dates = {
            "today": today,
            "end": today + timedelta(days=int(notice_days)),
            "reply": _weekday(today + timedelta(days=self.settings.reply_days)),
            "reassess": _weekday(today + timedelta(days=reassess_days)) if reassess_days else None,
        }
        changes = [{key: c[key] for key in ("factor", "label", "from", "to", "value", "outcome", "rank")}
                   for c in e.changes]
        return {
            "lang": lang,
            "medium": medium,
            "kind": kind,
            "plan": plan,
            "primary": e.primary,
            "verdict": verdict,
            "outcomes": outcomes,
            "problems": problems,
            "categories": sorted({p["category"] for p in problems}),
            "findings": [f["finding"] for f in e.findings],
            "reasons": reasons,
            "next_steps": e.next_steps,
            "unknown": e.unknown,
            "changes": changes,
            "answers": answers,
            "answer_labels": {f: k.factors[f].value_label(v, lang) for f, v in answers.items()},
            "factor_labels": {f: factor.label(lang) for f, factor in k.factors.items()},
            "policy": a.policy.as_dict(),
            "severity_labels": {s: label(lang) for s, label in k.severity_labels.items()},
            "mitigating": self.settings.mitigating,
            "notice": {"days": int(notice_days), "assumed": assumed},
            "dates": dates,
            "client": _party(a.case.client, ("name", "contact", "email")),
            "provider": _party(a.case.provider, ("name", "signatory", "email")),
            "contact": self.settings.person(_one_line(a.case.client.get("contact"))),
        }

    def _notes(self, context: dict) -> list:
        notes = []
        if context["notice"]["assumed"] and context["kind"] == "termination":
            notes.append(f"the case gives no notice period: the end date assumes {context['notice']['days']} "
                         f"days ({context['dates']['end'].isoformat()}); check the contract")
        contact = context["contact"]
        if context["medium"] != "memo" and context["lang"] == "fr" and contact["written"] and not contact["gender"]:
            notes.append(f"the letter greets the contact as « Madame, Monsieur » because client.contact has no "
                         f"honorific; write it as « Mme {contact['name']} » or « M. {contact['name']} » "
                         f"to address them directly")
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
        self.default_notice_days = self._get(notice, ("notice", "default_days"), int)
        timing = self._mapping(data, ("timing",))
        self.reply_days = self._get(timing, ("timing", "reply_days"), int)
        self.reassess_days = self._mapping(timing, ("timing", "reassess_days"))
        for kind, days in self.reassess_days.items():
            if kind not in self.kinds or not isinstance(days, int) or days < 0:
                self._fail(("timing", "reassess_days", kind), "expected a letter kind and a number of days")
        self.mitigating = tuple(self._get(self._mapping(data, ("memo",)), ("memo", "mitigating"), list))
        self.formats = self._mapping(data, ("formats",))
        for lang, spec in self.formats.items():
            months = spec.get("months") if isinstance(spec, dict) else None
            if not isinstance(months, list) or len(months) != 12 or not {"date", "decimal_mark"} <= set(spec):
                self._fail(("formats", lang), "expected date, first_day, months (twelve) and decimal_mark")
        self.honorifics = self._mapping(data, ("honorifics",))

    def format_date(self, value: date, lang: str) -> str:
        spec = self.formats[lang]
        day = spec.get("first_day", "1") if value.day == 1 else str(value.day)
        return spec["date"].format(day=day, month=spec["months"][value.month - 1], year=value.year)

    def format_number(self, value, lang: str) -> str:
        return f"{value:g}".replace(".", self.formats[lang]["decimal_mark"])

    def person(self, written: str | None) -> dict:
        """A contact as written ('Mme Marie Dupont'), split into honorific, name and surname."""
        if not written:
            return {"written": None, "honorific": None, "name": None, "surname": None, "gender": None}
        words = written.split()
        gender = honorific = None
        for candidate, prefixes in self.honorifics.items():
            if len(words) > 1 and words[0].lower() in {str(p).lower() for p in prefixes}:
                gender = candidate if candidate in ("female", "male") else None
                honorific, words = words[0], words[1:]
                break
        surname = " ".join(words[1:]) if len(words) > 1 else words[0]
        return {"written": written, "honorific": honorific, "name": " ".join(words), "surname": surname,
                "gender": gender}

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

def _one_line(value) -> str | None:
    """User text as one clean line: no control character can reach a header or a layout."""
    if value is None:
        return None
    text = UNSAFE.sub(" ", str(value)).strip()
    return text or None


def _party(given: dict, fields: tuple) -> dict:
    return {name: _one_line(given.get(name)) for name in fields}


def _weekday(day: date) -> date:
    """A reply or review date: a weekend moves to the Monday after."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


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


def _email_draft(a: "Assessment", context: dict, subject: str, body: str, now: datetime) -> bytes:
    """An RFC 5322 draft (X-Unsent: 1): mail clients open it ready to review and send."""
    client, provider, source = context["client"], context["provider"], a.case.source or "<case>"
    if not client["email"]:
        raise InputError(source, "an e-mail draft needs the client's e-mail address", key="client.email")
    if not provider["email"]:
        raise InputError(source, "an e-mail draft needs your e-mail address", key="provider.email")
    message = EmailMessage(policy=email_policy.SMTP)
    message["From"] = _address(provider["signatory"] or provider["name"], provider["email"], source, "provider.email")
    message["To"] = _address(client["contact"] or client["name"], client["email"], source, "client.email")
    message["Subject"] = _one_line(subject) or ""
    message["Date"] = format_datetime(now)
    message["X-Unsent"] = "1"
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def _address(name: str | None, email: str, source: str, key: str) -> Address:
    try:
        return Address(display_name=_one_line(name) or "", addr_spec=email)
    except (ValueError, IndexError, TypeError) as error:
        raise InputError(source, f"not an e-mail address this draft can use ({error})", key=key) from None

