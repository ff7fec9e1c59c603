"""Views of one Assessment: terminal text, Markdown and JSON."""

from __future__ import annotations

import json
import textwrap

from .advisor import Assessment
from .knowledge import _show

HEADINGS = {
    "fr": {
        "recommendation": "Recommandation", "reasons": "Raisons", "unknown": "Inconnues qui auraient compté",
        "changes": "Ce qui changerait la recommandation", "next": "Prochaines étapes",
        "how": "Comment ce verdict a été établi", "trace": "Règles déclenchées, dans l'ordre",
        "if": "si {factor} : {value}", "unanswered": "sans réponse", "none": "aucune",
        "client": "Client", "conditions": "à condition d'obtenir",
        "together": "{first} et {second}, ensemble", "moves": "pourrait changer : {what}",
    },
    "en": {
        "recommendation": "Recommendation", "reasons": "Reasons", "unknown": "Unknowns that would have mattered",
        "changes": "What would change the recommendation", "next": "Next steps",
        "how": "How this verdict was reached", "trace": "Rules fired, in order",
        "if": "if {factor} were: {value}", "unanswered": "unanswered", "none": "none",
        "client": "Client", "conditions": "provided we see",
        "together": "{first} and {second} together", "moves": "could change: {what}",
    },
}


def render(assessment: Assessment, form: str, explain: bool = False) -> str:
    if form == "json":
        return json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return _Writer(assessment, markdown=(form == "md"), explain=explain).write()


class _Writer:
    def __init__(self, assessment: Assessment, markdown: bool, explain: bool):
        self.a, self.md, self.explain = assessment, markdown, explain
        self.k, self.lang = assessment.knowledge, assessment.language
        self.h = HEADINGS[self.lang]
        self.lines: list[str] = []

    def write(self) -> str:
        a, k, lang = self.a, self.k, self.lang
        client = a.case.client.get("name")
        title = f"{self.h['recommendation']}: " if lang == "en" else f"{self.h['recommendation']} : "
        title += k.outcomes[a.primary].labels[a.verdict[a.primary]](lang)
        if client:
            if self.md:  # the client's name shows as written, never as markup (as in the memo)
                from .documents import _markdown_escape
                client = _markdown_escape(client)
            title = f"{client} — {title}"
        self.lines.append(f"# {title}" if self.md else title)
        for attribute in k.outcomes:
            if attribute == a.primary:
                continue
            outcome = k.outcomes[attribute]
            line = f"{outcome.label(lang)}{' :' if lang == 'fr' else ':'} {outcome.labels[a.verdict[attribute]](lang)}"
            wanted = [k.findings[name].change(lang) for name in a.conditions(attribute)]
            if wanted and a.verdict[attribute] != outcome.values[0]:
                line += f" ({self.h['conditions']} : " if lang == "fr" else f" ({self.h['conditions']}: "
                line += "; ".join(wanted) + ")"
            self.lines.append(line)
        self.section("reasons")
        for firing in a.reasons():
            rule = k.rule(firing.rule)
            self.item(f"{rule.statement(lang)} [{rule.id}]")
            for source in rule.sources:
                self.quote(f"{source.source} : « {source.passage} »" if lang == "fr"
                           else f"{source.source}: “{source.passage}”")
        if a.changes is not None:
            self.section("unknown")
            if not a.unknowns:
                self.item(self.h["none"])
            for unknown in a.unknowns or ():
                labels = [k.factors[f].label(lang) for f in unknown.factors]
                name = labels[0] if len(labels) == 1 else self.h["together"].format(first=labels[0], second=labels[1])
                what = ", ".join(k.outcomes[attribute].label(lang).lower() for attribute, _ in unknown.moves)
                self.item(f"{name} ({self.h['moves'].format(what=what)})")
            self.section("changes")
            changes = a.what_would_change()
            if not changes:
                self.item(self.h["none"])
            for change in changes:
                factor = k.factors[change.factor]
                value = factor.value_label(change.value, lang)
                outcome = k.outcomes[change.attribute].labels[change.outcome](lang)
                self.item(self.h["if"].format(factor=factor.label(lang).lower(), value=value) + f" → {outcome}")
        self.section("next")
        for number, step in enumerate(a.next_steps(), 1):
            self.item(step, bullet=f"{number}.")
        if self.explain:
            self.section("how")
            if self.md:
                self.lines.append("```")
            self.lines.extend(("  " if not self.md else "") + line for line in a.how())
            if self.md:
                self.lines.append("```")
            self.section("trace")
            for firing in a.reasoning.require_trace().firings:
                answers = ", ".join(f"{f}={_show(v) if v is not None else '?'}" for f, v in firing.answers)
                used = ", ".join(f"#{i}" for i in firing.findings)
                matched = "; ".join(part for part in (answers, used) if part)
                self.item(f"#{firing.index} {firing.rule}" + (f" ({matched})" if matched else ""), bullet="")
        return "\n".join(self.lines) + "\n"

    def section(self, key: str):
        self.lines.append("")
        self.lines.append(f"## {self.h[key]}" if self.md else self.h[key])

    def item(self, text: str, bullet: str = "-"):
        prefix = f"{bullet} " if bullet else ""
        indent = "  " if not self.md else ""
        if self.md:
            self.lines.append(f"{prefix or '- '}{text}")
        else:
            self.lines.extend(textwrap.wrap(text, 96, initial_indent=indent + prefix,
                                            subsequent_indent=indent + " " * len(prefix)) or [indent + prefix])

    def quote(self, text: str):
        if self.md:
            self.lines.append(f"  > {text}")
        else:
            self.lines.extend(textwrap.wrap(text, 96, initial_indent="      ", subsequent_indent="      "))
