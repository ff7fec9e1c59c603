"""Views of one Assessment: terminal text, Markdown and JSON.

The terminal text fits a screen: the recommendation, the next steps, the three strongest
reasons with the title of the article they rest on, and the few changes that would move
the recommendation, grouped by where they lead. `full` shows every reason (with its passage)
and every change; `explain` adds the rule and source ids, the how-chain and the trace.
"""

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
        "would_become": "Deviendrait « {outcome} »", "or": " ou ", "then": " ; ", "source": "Source : {title}",
        "more": "{count} autres éléments (raisons, changements) :",
    },
    "en": {
        "recommendation": "Recommendation", "reasons": "Reasons", "unknown": "Unknowns that would have mattered",
        "changes": "What would change the recommendation", "next": "Next steps",
        "how": "How this verdict was reached", "trace": "Rules fired, in order",
        "if": "if {factor} were: {value}", "unanswered": "unanswered", "none": "none",
        "client": "Client", "conditions": "provided we see",
        "together": "{first} and {second} together", "moves": "could change: {what}",
        "would_become": "Would become “{outcome}”", "or": " or ", "then": "; ", "source": "Source: {title}",
        "more": "{count} more (reasons, changes):",
    },
}


BRIEF_REASONS = 3              # reasons on the terminal's first screen
BRIEF_OUTCOMES = 3             # outcomes shown under "what would change", and
BRIEF_CHANGES = 2              # changes shown for each of them


def render(assessment: Assessment, form: str, explain: bool = False, full: bool = False, more: str | None = None,
           width: int = 96) -> str:
    """`more`: the command that shows what the brief text leaves out (named in its last line);
    `width`: the text's lines (the interview's is its terminal's)."""
    if form == "json":
        return json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return _Writer(assessment, markdown=(form == "md"), explain=explain, full=full, more=more, width=width).write()


class _Writer:
    def __init__(self, assessment: Assessment, markdown: bool, explain: bool, full: bool = False, more=None,
                 width: int = 96):
        self.a, self.md, self.explain, self.width = assessment, markdown, explain, width
        self.brief = not (markdown or explain or full)
        self.more, self.hidden = more, 0
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
        if self.brief:
            self.next_steps()
        self.section("reasons")
        reasons = a.reasons()
        if self.brief:
            self.hidden += max(0, len(reasons) - BRIEF_REASONS)
            reasons = reasons[:BRIEF_REASONS]
        for firing in reasons:
            rule = k.rule(firing.rule)
            self.item(f"{rule.statement(lang)} [{rule.id}]" if self.explain else rule.statement(lang))
            titles = []
            for source in rule.sources:
                title = (k.sources.get(source.source) or {}).get("title") or source.source
                if self.brief:
                    titles.append(title) if title not in titles else None
                elif self.explain:
                    self.quote(f"{source.source} : « {source.passage} »" if lang == "fr"
                               else f"{source.source}: “{source.passage}”")
                else:
                    self.quote(f"« {source.passage} » — {title}" if lang == "fr" else f"“{source.passage}” — {title}")
            for title in titles:
                self.quote(self.h["source"].format(title=title))
        if a.changes is not None:
            if self.brief:
                self.changes()
            unknowns = a.unknowns or ()
            if unknowns or not self.brief:      # the brief text leaves out an empty list
                self.section("unknown")
                if not unknowns:
                    self.item(self.h["none"])
                for unknown in unknowns:
                    labels = [k.factors[f].label(lang) for f in unknown.factors]
                    name = labels[0] if len(labels) == 1 else self.h["together"].format(first=labels[0], second=labels[1])
                    what = ", ".join(k.outcomes[attribute].label(lang).lower() for attribute, _ in unknown.moves)
                    self.item(f"{name} ({self.h['moves'].format(what=what)})")
            if not self.brief:
                self.changes()
        if not self.brief:
            self.next_steps()
        if self.brief and self.hidden and self.more:
            self.lines.append("")
            self.lines.append(self.h["more"].format(count=self.hidden))
            self.lines.append(f"  {self.more}")
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

    def next_steps(self):
        self.section("next")
        for number, step in enumerate(self.a.next_steps(), 1):
            self.item(step, bullet=f"{number}.")

    def changes(self):
        """Grouped by the recommendation they would lead to; the brief text keeps the few
        outcomes that come first (outcomes.yaml order, most severe last) and two changes each."""
        k, lang = self.k, self.lang
        self.section("changes")
        changes = self.a.what_would_change()
        if not changes:
            self.item(self.h["none"])
        groups: dict = {}
        for change in changes:
            groups.setdefault(change.outcome, []).append(change)
        shown_groups = list(groups.items())
        if self.brief:
            self.hidden += sum(len(g) for _, g in shown_groups[BRIEF_OUTCOMES:])
            shown_groups = shown_groups[:BRIEF_OUTCOMES]
        for outcome, group in shown_groups:
            label = k.outcomes[group[0].attribute].labels[outcome](lang)
            if self.brief:
                self.hidden += max(0, len(group) - BRIEF_CHANGES)
                group = group[:BRIEF_CHANGES]
            values: dict = {}
            for change in group:
                factor = k.factors[change.factor]
                values.setdefault(factor.id, []).append(factor.value_label(change.value, lang))
            items = [self.h["if"].format(factor=k.factors[f].label(lang).lower(), value=self.h["or"].join(shown))
                     for f, shown in values.items()]
            self.item(self.h["would_become"].format(outcome=label) + (" : " if lang == "fr" else ": ")
                      + self.h["then"].join(items))

    def section(self, key: str):
        self.lines.append("")
        self.lines.append(f"## {self.h[key]}" if self.md else self.h[key])

    def item(self, text: str, bullet: str = "-"):
        prefix = f"{bullet} " if bullet else ""
        indent = "  " if not self.md else ""
        if self.md:
            self.lines.append(f"{prefix or '- '}{text}")
        else:
            self.lines.extend(textwrap.wrap(text, self.width, initial_indent=indent + prefix,
                                            subsequent_indent=indent + " " * len(prefix)) or [indent + prefix])

    def quote(self, text: str):
        if self.md:
            self.lines.append(f"  > {text}")
        else:
            self.lines.extend(textwrap.wrap(text, self.width, initial_indent="      ", subsequent_indent="      "))
