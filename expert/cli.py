"""The `adieu` command: parses options, calls the package, maps errors to exit statuses.

Heavy modules (durable-rules, jinja2, questionary) are imported inside the commands so
that `adieu --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys

from .errors import AdieuError, OutputExists, UsageError

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_TERMINATED = 143   # kill, a service manager stopping us: 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt: files being
    written are cleaned up on the way out, and the command ends with one line."""


def _terminate(signum, frame):
    raise Terminated


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

    assess = commands.add_parser("assess", help="assess one case file and give a reasoned verdict")
    assess.add_argument("case", metavar="CASE", help="case file (YAML or JSON)")
    assess.add_argument("--format", choices=("text", "json", "md"), default="text")
    assess.add_argument("--policy", metavar="FILE", help="your own thresholds and red lines (YAML or JSON)")
    assess.add_argument("--explain", action="store_true", help="show how the verdict was reached, rule by rule")
    assess.set_defaults(run=run_assess)

    interview = commands.add_parser("interview", help="answer a few questions in the terminal and get a "
                                                      "reasoned verdict, a case file and its documents")
    interview.add_argument("--out", metavar="DIR",
                           help="folder for the case file, memo and letter (default: one named after the client)")
    interview.add_argument("--force", action="store_true", help="replace files that already exist in that folder")
    interview.add_argument("--resume", metavar="FILE", nargs="?", const="",
                           help="pick up an interruption where it stopped (default FILE: adieu-session.json)")
    interview.add_argument("--answers", metavar="CASE",
                           help="start from an existing case file and ask only what is missing")
    interview.add_argument("--policy", metavar="FILE", help="your own thresholds and red lines (YAML or JSON)")
    interview.add_argument("--language", choices=_languages(),
                           help="language of the questions and documents (default: from the locale)")
    interview.add_argument("--plain", action="store_true",
                           help="numbered choices, one line per prompt, nothing redrawn: for a screen reader, "
                                "a dumb terminal or a pipe")
    interview.set_defaults(run=run_interview)

    memo = commands.add_parser("memo", help="write the internal memo that justifies the verdict")
    letter = commands.add_parser("letter", help="write the letter or e-mail draft to the client "
                                                "(termination, problems to address, revised terms)")
    for document, formats, default in ((memo, ("md", "html", "pdf", "docx"), "md"),
                                       (letter, ("text", "md", "html", "eml", "pdf", "docx"), "text")):
        document.add_argument("case", metavar="CASE", help="case file (YAML or JSON)")
        document.add_argument("--format", choices=formats, default=default,
                              help=f"default {default}; pdf is ready to print (A4), docx to edit in a word "
                                   f"processor" + ("; eml is a draft to open in a mail client" if document is letter
                                                   else ""))
        document.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of the terminal")
        document.add_argument("--force", action="store_true", help="replace FILE if it already exists")
        document.add_argument("--policy", metavar="FILE", help="your own thresholds and red lines (YAML or JSON)")
        document.add_argument("--date", metavar="YYYY-MM-DD", type=_iso_date,
                              help="date the document as of this day (default: today); end dates follow from it")
        document.add_argument("--template", metavar="FILE",
                              help="with --format docx: your own letterhead, a .docx made from the shipped one")
        document.add_argument("--delivery", choices=("post", "email"), default=None,
                              help="how the letter is sent: post (a registered letter, the default) or email "
                                   "(implied by --format eml); the notice runs from its receipt")
    letter.add_argument("--kind", default="auto", metavar="KIND",
                        help="auto (default): the letter the verdict calls for, if any; or a kind of the "
                             "templates' documents.yaml (shipped: termination, address, renegotiate)")
    letter.add_argument("--attach-pdf", action="store_true",
                        help="with --format eml: attach the letter as a PDF to the e-mail draft")
    memo.set_defaults(run=run_memo)
    letter.set_defaults(run=run_letter)

    portfolio = commands.add_parser("portfolio", help="review a whole client book (CSV export or folder of "
                                                      "case files), most urgent first")
    portfolio.add_argument("input", metavar="INPUT", help="CSV file (one row per client) or folder of case files")
    portfolio.add_argument("--format", choices=("text", "csv", "json"), default="text")
    portfolio.add_argument("--out", metavar="DIR", help="also write each client's memo and letter in this folder")
    portfolio.add_argument("--documents", metavar="LIST", default=None,
                           help="with --out: the formats to write, among pdf, docx, eml (comma-separated; "
                                "the memo and text letter are always written)")
    portfolio.add_argument("--force", action="store_true", help="replace files that already exist in that folder")
    portfolio.add_argument("--jobs", type=int, default=1, metavar="N",
                           help="spread the work over N processes, at most one per CPU (same output as with 1; default 1)")
    portfolio.add_argument("--policy", metavar="FILE", help="your own thresholds and red lines (YAML or JSON)")
    portfolio.add_argument("--quiet", action="store_true",
                           help="no progress bar on stderr (it is only shown when stderr is a terminal)")
    portfolio.set_defaults(run=run_portfolio)

    knowledge_command = commands.add_parser("knowledge", help="work on a rule base (knowledge/)")
    knowledge_commands = knowledge_command.add_subparsers(dest="knowledge_command", metavar="SUBCOMMAND",
                                                          parser_class=_Parser, required=True)
    knowledge_check = knowledge_commands.add_parser(
        "check", help="check a rule base and report every problem as file:line: message (exit 2 if any)")
    knowledge_check.add_argument("dir", nargs="?", metavar="DIR",
                                 help="the rule base to check (default: --knowledge, or the shipped one)")
    knowledge_check.add_argument("--samples", type=int, default=None, metavar="N",
                                 help="cases to sample when the answer space is too large to search in full "
                                      "(default 20000, at most 1000000)")
    knowledge_check.add_argument("--seed", type=int, default=0, metavar="N", help="seed of the sample (default 0)")
    knowledge_check.set_defaults(run=run_knowledge_check)
    return parser


def _languages() -> tuple:
    from .messages import LANGUAGES

    return LANGUAGES


def run_assess(args) -> int:
    from .advisor import Advisor
    from .report import render

    advisor = Advisor(args.knowledge, args.policy)
    assessment = advisor.assess(advisor.load_case(args.case))
    more = f"adieu assess {shlex.quote(args.case)} --explain"
    sys.stdout.write(render(assessment, args.format, explain=args.explain, more=more))
    return 0


def run_knowledge_check(args) -> int:
    from .checker import MAX_SAMPLES, SAMPLES, RuleBaseProblems, check

    if args.samples is not None and not 0 <= args.samples <= MAX_SAMPLES:
        raise UsageError(f"adieu knowledge check: --samples must be from 0 to {MAX_SAMPLES:,}")
    root = args.dir or args.knowledge
    report = check(root, samples=SAMPLES if args.samples is None else args.samples, seed=args.seed)
    if report.problems:
        raise RuleBaseProblems(report.root, report.problems)
    sys.stdout.write(report.summary())
    return 0


def run_interview(args) -> int:
    from .interview import interview_command

    interview_command(args.knowledge, out=args.out, force=args.force, resume=args.resume, answers=args.answers,
                      policy=args.policy, language=args.language, plain=args.plain)
    return 0


def run_portfolio(args) -> int:
    """Exit 0, or 1 when some rows were skipped (3 when the engine failed on some)."""
    from .checker import load_checked
    from .files import terminal_safe
    from .policy import load_policy
    from .portfolio import render, review_portfolio

    if args.jobs < 1:
        raise UsageError("adieu portfolio: --jobs must be 1 or more")
    knowledge = load_checked(args.knowledge)
    policy = load_policy(knowledge, args.policy)
    formats = _document_formats(args)
    bar = None
    if not args.quiet and sys.stderr.isatty():
        bar = _progress_bar(args.input)

    def report(message):
        (bar.write if bar is not None else lambda line: print(line, file=sys.stderr))(terminal_safe(f"adieu: {message}"))

    try:
        review = review_portfolio(args.input, knowledge, policy, jobs=args.jobs, out=args.out, force=args.force,
                                  report=report, progress=bar.update if bar is not None else None,
                                  formats=formats)
    finally:
        if bar is not None:
            bar.close()
    sys.stdout.writelines(render(review, args.format))
    return review.status


FIRST_DATE, LAST_DATE = "1900-01-01", "2999-12-31"  # documents date their end a few years on, at most


def _progress_bar(path):
    """Rows done of the total, rate and time left on stderr, redrawn at most four times a
    second; tqdm is imported only here, so that start-up stays fast."""
    from tqdm import tqdm

    from .portfolio import count_tasks

    try:
        total = count_tasks(path)
    except OSError:
        total = None        # review_portfolio says what is wrong with the input
    return tqdm(total=total, file=sys.stderr, unit=" clients", mininterval=0.25, dynamic_ncols=True, leave=False)


def _document_formats(args) -> tuple:
    """--documents pdf,docx,eml: the letter's formats beside the memo and text letter."""
    if args.documents is None:
        return ()
    from .documents import EXTRA_FORMATS

    if args.out is None:
        raise UsageError("adieu portfolio: --documents needs --out DIR")
    formats = tuple(dict.fromkeys(f.strip() for f in args.documents.split(",") if f.strip()))
    wrong = [f for f in formats if f not in EXTRA_FORMATS]
    if wrong or not formats:
        raise UsageError(f"adieu portfolio: --documents takes {', '.join(EXTRA_FORMATS)} separated by commas, "
                         f"got {args.documents!r}")
    return formats


def _iso_date(text: str):
    """--date: a real calendar date written YYYY-MM-DD, within the years a document can be dated
    (the end dates computed from it must stay real dates too)."""
    import datetime
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text[:40]!r}") from None
    if not FIRST_DATE <= text <= LAST_DATE:
        raise argparse.ArgumentTypeError(f"expected a date from {FIRST_DATE} to {LAST_DATE}, got {text!r}")
    return day


def _assess_for_document(args):
    from .advisor import Advisor
    from .documents import documents_for

    advisor = Advisor(args.knowledge, args.policy)
    return advisor.assess(advisor.load_case(args.case)), documents_for(advisor.knowledge)


def _deliver(args, rendered, what: str, assessment, documents) -> int:
    """Print the document, or write it atomically to --output (never over a file without
    --force); the notes on stderr are in the case's language."""
    from .files import terminal_safe, write_atomic

    for note in rendered.notes:
        print(terminal_safe(f"adieu: {documents.say(assessment.language, 'note', note=note)}"), file=sys.stderr)
    if args.output:
        write_atomic(args.output, rendered.content, force=args.force)
        print(terminal_safe(f"adieu: {documents.say(assessment.language, f'written_{what}', path=args.output)}"), file=sys.stderr)
    elif isinstance(rendered.content, bytes):
        sys.stdout.flush()
        sys.stdout.buffer.write(rendered.content)
    else:
        sys.stdout.write(rendered.content)
    return 0


def _template(args):
    """--template: only for docx, and checked when the document is rendered."""
    if args.template and args.format != "docx":
        raise UsageError(f"adieu {args.command}: --template is for --format docx")
    return args.template


def run_memo(args) -> int:
    template = _template(args)
    assessment, documents = _assess_for_document(args)
    return _deliver(args, documents.memo(assessment, args.format, today=args.date, template=template,
                                         delivery=args.delivery or "post"), "memo", assessment, documents)


def run_letter(args) -> int:
    """Exit 0 without writing anything when the recommendation calls for no letter: that is an
    answer, not an error; the message on stderr says why and how to write one anyway."""
    template = _template(args)
    if args.attach_pdf and args.format != "eml":
        raise UsageError("adieu letter: --attach-pdf is for --format eml")
    assessment, documents = _assess_for_document(args)
    if documents.letter_kind(assessment, args.kind) is None:
        print(f"adieu: {documents.no_letter_reason(assessment, today=args.date)}", file=sys.stderr)
        return 0
    attachment = None
    if args.attach_pdf:
        pdf = documents.letter(assessment, "pdf", args.kind, today=args.date, delivery="email", attached=True)
        attachment = (documents.attachment_name(assessment), pdf.content)
    rendered = documents.letter(assessment, args.format, args.kind, today=args.date, delivery=args.delivery,
                                template=template, attachment=attachment)
    blanks_note = documents.settings.notes.get(assessment.language, {}).get("blanks")
    if rendered.blanks and blanks_note:
        rendered.notes.append(blanks_note.format(blanks=", ".join(rendered.blanks)))
    return _deliver(args, rendered, "eml" if args.format == "eml" else "letter", assessment, documents)


def main(argv=None) -> int:
    import signal

    from .files import reopen_closed_streams

    reopen_closed_streams()
    parser = build_parser()
    previous = signal.signal(signal.SIGTERM, _terminate)
    args = None
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 2
        return args.run(args)
    except AdieuError as error:
        from .files import terminal_safe

        if isinstance(error, OutputExists) and error.command is None:
            error = _with_force(error, sys.argv[1:] if argv is None else argv)
        said = _in_language(error, args)
        message = said if said.startswith("adieu") else f"adieu: {said}"
        print(terminal_safe(message), file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"adieu: {_said(args, 'interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print(f"adieu: {_said(args, 'terminated')}", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        return 0
    except Exception as error:  # a bug of ours: one line, unless debugging
        if os.environ.get("ADIEU_DEBUG"):
            raise
        from .files import terminal_safe

        print(terminal_safe(f"adieu: internal error: {type(error).__name__}: {error} (set ADIEU_DEBUG=1 for details)"),
              file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        signal.signal(signal.SIGTERM, previous)


def _with_force(error: OutputExists, argv) -> OutputExists:
    """The refusal to replace a file, with the whole command that would: the user's own, and
    --force (a hint names the command, not just the flag)."""
    words = ["adieu", *map(str, argv)]
    command = shlex.join(words if "--force" in words else words + ["--force"])
    said = OutputExists(error.file, command)
    said.language = error.language
    return said


def _language(args, error=None) -> str:
    """The language the user reads: the one the error was said in (an interview's), the
    --language asked for, else the locale's (LANG), English by default."""
    from .messages import locale_language

    return getattr(error, "language", None) or getattr(args, "language", None) or locale_language()


def _in_language(error, args) -> str:
    """The error in the user's language; as written when the words cannot be read (a broken
    installation must still say what went wrong)."""
    try:
        from .messages import error_message

        return error_message(error, _language(args, error))
    except Exception:
        return str(error)


def _said(args, key: str) -> str:
    try:
        from .messages import say

        return say(_language(args), key)
    except Exception:
        return key


if __name__ == "__main__":
    sys.exit(main())
