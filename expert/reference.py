"""The case-format reference, written from the rule base so that it cannot drift from it.

`python -m expert.reference > docs/case-format.md` regenerates the repository's copy; a test
fails when the two differ. Any rule base gets its own reference (`--knowledge DIR`).
"""

from __future__ import annotations

import argparse
import sys

from .case import DETAILS, PARTIES, TOP_LEVEL
from .knowledge import LANGUAGES, Knowledge, load_knowledge
from .resources import data_dir


def render_reference(knowledge: Knowledge) -> str:
    """The reference as Markdown: the case file's keys, every factor and every outcome."""
    import jinja2

    templates = data_dir("templates", "documents.yaml")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(templates)), autoescape=False,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["cell"] = _cell
    env.filters["yaml"] = _yaml
    return env.get_template("reference/case-format.md.j2").render(
        knowledge=knowledge, languages=LANGUAGES, parties=PARTIES, top_level=TOP_LEVEL, details=DETAILS,
        factors=[_factor_view(knowledge, factor) for factor in knowledge.factors.values()])


def _factor_view(knowledge: Knowledge, factor) -> dict:
    if factor.values:
        allowed = " ".join(f"`{_yaml(value)}`" for value in factor.values)
    else:
        bounds = [f"from {_number(factor.minimum)}" if factor.minimum is not None else "",
                  f"to {_number(factor.maximum)}" if factor.maximum is not None else ""]
        allowed = " ".join(filter(None, bounds))
    return {"id": factor.id, "type": factor.type, "allowed": allowed, "factor": factor,
            "theme": knowledge.themes.get(factor.theme, factor.theme)}


def _yaml(value) -> str:
    """A value as it is written in a case file (`true`, not `True`)."""
    return {True: "true", False: "false"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def _number(value) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _cell(text) -> str:
    """Text fit for one Markdown table cell."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m expert.reference", description=__doc__.splitlines()[0])
    parser.add_argument("--knowledge", metavar="DIR", help="another rule base (default: the shipped one)")
    args = parser.parse_args(argv)
    sys.stdout.write(render_reference(load_knowledge(args.knowledge)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
