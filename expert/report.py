"""Views of one Assessment: terminal text, Markdown and JSON."""

from __future__ import annotations

import json
import textwrap

from .advisor import Assessment
from .knowledge import _show
from .messages import messages

def render(assessment: Assessment, form: str, explain: bool = False) -> str:
    if form == "json":
        return json.dumps(assessment.to_dict(), ensure_ascii=False, indent=2) + "\n"
    return _Writer(assessment, markdown=(form == "md"), explain=explain).write()


class _Writer:
    def __init__(self, assessment: Assessment, markdown: bool, explain: bool):
        self.a, self.md, self.explain = assessment, markdown, explain
        self.k, self.lang = assessment.knowledge, assessment.language
        self.m = messages(self.lang, self.k.root)
        self.h = self.m.report
        self.lines: list[str] = []

    def write(self) -> str:
        a, k, colon = self.a, self.k, self.m.colon
        e = a.explanation()
        client = a.case.client.get("name")
        primary = e.outcomes[e.primary]
        title = self.h["title"].format(outcome=primary["name"], value=primary["label"])
        if client:
            title = f"{client} — {title}"
        self.lines.append(f"# {title}" if self.md else title)
        for attribute, outcome in e.outcomes.items():
            if attribute == e.primary:
                continue
            line = f"{outcome['name']}{colon}{outcome['label']}"
            wanted = [condition["text"] for condition in outcome["conditions"]]
            if wanted and outcome["value"] != k.outcomes[attribute].values[0]:
                line += f" ({self.h['conditions']}{colon}" + "; ".join(wanted) + ")"
            self.lines.append(line)
        self.section("reasons")
        for reason in e.reasons:
            self.item(f"{reason['statement']} [{reason['rule']}]")
            for source in reason["sources"]:
                self.quote(f"{source['id']}{colon}{self.m.quote(source['passage'])}")
        if a.changes is not None:
            self.section("unknown")
            self.item(", ".join(u["label"] for u in e.unknown) if e.unknown else self.h["none"])
            self.section("changes")
            if not e.changes:
                self.item(self.h["none"])
            for change in e.changes:
                self.item(self.h["if"].format(factor=change["label"].lower(), value=change["to"])
                          + f" → {change['outcome']}")
        self.section("next")
        for number, step in enumerate(e.next_steps, 1):
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
            self.lines.extend(textwrap.wrap(text, 96, initial_indent=indent + prefix,
                                            subsequent_indent=indent + " " * len(prefix)) or [indent + prefix])

    def quote(self, text: str):
        if self.md:
            self.lines.append(f"  > {text}")
        else:
            self.lines.extend(textwrap.wrap(text, 96, initial_indent="      ", subsequent_indent="      "))
