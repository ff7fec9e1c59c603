"""Views of one Assessment: terminal text, Markdown and JSON.

The terminal text fits a screen: the recommendation, the next steps, the three strongest
reasons with the title of the article they rest on, and the few changes that would move
the recommendation, grouped by where they lead. `full` shows every reason (with its passage)
and every change; `explain` adds the rule and source ids, the how-chain and the trace.
"""

from __future__ import annotations

import json
from functools import cached_property

from .advisor import Assessment
from .knowledge import _show
from .messages import messages
from .wrapping import wrap as _wrap

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
        self.m = messages(self.lang, self.k.root)
        self.h = self.m.report
        self.lines: list[str] = []

    @cached_property
    def documents(self):
        """The templates, for the passages' renderings in the report's language."""
        from .documents import documents_for

        return documents_for(self.k)

    def write(self) -> str:
        a, k, colon = self.a, self.k, self.m.colon
        e = a.explanation()
        client = a.case.client.get("name")
        primary = e.outcomes[e.primary]
        title = self.h["title"].format(outcome=primary["name"], value=primary["label"])
        if client:
            if self.md:  # the client's name shows as written, never as markup (as in the memo)
                from .documents import _markdown_escape
                client = _markdown_escape(client)
            title = f"{client} — {title}"
        self.lines.append(f"# {title}" if self.md else title)
        for attribute, outcome in e.outcomes.items():
            if attribute == e.primary:
                continue
            line = f"{outcome['name']}{colon}{outcome['label']}"
            wanted = [condition["text"] for condition in outcome["conditions"]]
            if wanted and outcome["value"] != k.outcomes[attribute].values[0]:
                line += f" ({self.h['conditions']}{colon}" + self.h["each"].join(wanted) + ")"
            # Wrapped between words, as the items are: a terminal would cut a word in two.
            self.lines.extend([line] if self.md else _wrap(line, self.width, subsequent_indent="  "))
        if self.brief:
            self.next_steps()
        self.section("reasons")
        reasons = e.reasons
        if self.brief:
            self.hidden += max(0, len(reasons) - BRIEF_REASONS)
            reasons = reasons[:BRIEF_REASONS]
        for reason in reasons:
            self.item(f"{reason['statement']} [{reason['rule']}]" if self.explain else reason["statement"])
            titles = []
            for source in reason["sources"]:
                if self.brief:
                    titles.append(source["title"]) if source["title"] not in titles else None
                else:
                    if self.explain:
                        self.quote(f"{source['id']}{colon}{self.m.quote(source['passage'])}")
                    else:
                        self.quote(self.h["passage"].format(passage=self.m.quote(source["passage"]),
                                                            title=source["title"]))
                    if rendering := self.documents.rendering(source["passage"], self.lang):
                        self.quote(self.h["rendering"].format(rendering=self.m.quote(rendering)))
            for title in titles:
                self.quote(self.h["source"].format(title=title))
        if a.changes is not None:
            if self.brief:
                self.changes()
            if e.unknown_detail or not self.brief:      # the brief text leaves out an empty list
                self.section("unknown")
                if not e.unknown_detail:
                    self.item(self.h["none"])
                for unknown in e.unknown_detail:
                    labels = unknown["labels"]
                    name = labels[0] if len(labels) == 1 else self.h["together"].format(first=labels[0], second=labels[1])
                    what = ", ".join(label.lower() for label in unknown["could_change_labels"])
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
        """A step's source by its title; by its id with --explain, beside the rule ids."""
        from .explain import cited

        self.section("next")
        for number, step in enumerate(self.a.explanation().steps, 1):
            name = step["source"] if self.explain else self.m.quote(step["title"] or "")
            self.item(cited(step, name), bullet=f"{number}.")

    def changes(self):
        """Grouped by the recommendation they would lead to; the brief text keeps the few
        outcomes that come first (outcomes.yaml order, most severe last) and two changes each."""
        self.section("changes")
        changes = self.a.explanation().changes
        if not changes:
            self.item(self.h["none"])
        groups: dict = {}
        for change in changes:
            groups.setdefault(change["outcome"], []).append(change)
        shown_groups = list(groups.items())
        if self.brief:
            self.hidden += sum(len(g) for _, g in shown_groups[BRIEF_OUTCOMES:])
            shown_groups = shown_groups[:BRIEF_OUTCOMES]
        for label, group in shown_groups:
            if self.brief:
                self.hidden += max(0, len(group) - BRIEF_CHANGES)
                group = group[:BRIEF_CHANGES]
            values: dict = {}
            for change in group:
                values.setdefault(change["label"], []).append(change["to"])
            # Each value quoted: a choice's own words may hold an "or" ("Impolitely or curtly").
            items = [self.h["if"].format(factor=factor.lower(), value=self.h["or"].join(map(self.m.quote, shown)))
                     for factor, shown in values.items()]
            self.item(self.h["would_become"].format(outcome=label) + self.m.colon + self.h["either"].join(items))

    def section(self, key: str):
        label = self.k.outcomes[self.a.primary].label(self.lang)
        heading = self.h[key].format(outcome=label, outcome_lower=label.lower())
        self.lines.append("")
        self.lines.append(f"## {heading}" if self.md else heading)

    def item(self, text: str, bullet: str = "-"):
        prefix = f"{bullet} " if bullet else ""
        indent = "  " if not self.md else ""
        if self.md:
            self.lines.append(f"{prefix or '- '}{text}")
        else:
            self.lines.extend(_wrap(text, self.width, initial_indent=indent + prefix,
                                            subsequent_indent=indent + " " * len(prefix)) or [indent + prefix])

    def quote(self, text: str):
        if self.md:     # a quote after a quote is its own paragraph, not joined to the first
            self.lines.extend(["  >", f"  > {text}"] if self.lines[-1].startswith("  > ") else [f"  > {text}"])
        else:
            self.lines.extend(_wrap(text, self.width, initial_indent="      ", subsequent_indent="      "))
