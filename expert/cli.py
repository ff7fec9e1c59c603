"""The `adieu` command: parses options, calls the package, maps errors to exit statuses.

Heavy modules (durable-rules, jinja2, questionary) are imported inside the commands so
that `adieu --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from .errors import AdieuError, UsageError

EXIT_INTERNAL = 70


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2."""

    def error(self, message):
        raise UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="adieu",
        description="Decide whether to part with a difficult client, and do it well.",
    )
    parser.add_argument("--knowledge", metavar="DIR", help="use another rule base (default: the shipped one)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    assess = commands.add_parser("assess", help="assess one case file and give a reasoned recommendation")
    assess.add_argument("case", metavar="CASE", help="case file (YAML or JSON)")
    assess.add_argument("--format", choices=("text", "json", "md"), default="text")
    assess.add_argument("--policy", metavar="FILE", help="your own thresholds and red lines (YAML or JSON)")
    assess.add_argument("--explain", action="store_true", help="show how the verdict was reached, rule by rule")
    assess.set_defaults(run=run_assess)

    # -- interview (issue 3) --
    # -- memo and letter (issue 4) --
    # -- portfolio (issue 5) --
    # -- knowledge check (issue 6) --
    return parser


def run_assess(args) -> int:
    from .advisor import Advisor
    from .report import render

    advisor = Advisor(args.knowledge, args.policy)
    assessment = advisor.assess(advisor.load_case(args.case))
    sys.stdout.write(render(assessment, args.format, explain=args.explain))
    return 0


# -- command functions of later issues go above this line --


def main(argv=None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.run(args)
    except AdieuError as error:
        print(f"adieu: {error}" if not str(error).startswith("adieu") else str(error), file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print("adieu: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug of ours: one line, unless debugging
        if os.environ.get("ADIEU_DEBUG"):
            raise
        print(f"adieu: internal error: {type(error).__name__}: {error} (set ADIEU_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
