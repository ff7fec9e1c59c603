"""The `adieu` command: parses options, calls the package, maps errors to exit statuses.

Heavy modules (durable-rules, jinja2, questionary) are imported inside the commands so
that `adieu --help` stays fast.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import sys

from .errors import AdieuError, InputError, InterviewPaused, OutputExists, UsageError

EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT
EXIT_TERMINATED = 143   # kill, a service manager stopping us: 128 + SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt: files being
    written are cleaned up on the way out, and the command ends with one line."""


def _terminate(signum, frame):
    raise Terminated


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line and exit status 2 (said in the user's
    language by the catalogue, as file errors are)."""

    def error(self, message):
        raise UsageError(message, command=self.prog, see_help=True)


class _Formatter(argparse.HelpFormatter):
    """argparse's help with its one word of its own, "usage: ", in the user's language."""

    usage = "usage: "

    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, self.usage if prefix is None else prefix)


class _Command:
    """A parser whose options and arguments are listed under headings in the user's
    language, and whose help texts come from the catalogue (`help` in
    templates/messages/<language>.yaml)."""

    def __init__(self, parser, words: dict):
        self.parser, self.words = parser, words
        self.arguments = parser.add_argument_group(words["positionals"])
        self.options = parser.add_argument_group(words["options"])
        self.options.add_argument("-h", "--help", action="help", help=words["help"])

    def add(self, *names, help=None, metavar=None, **settings):
        group = self.options if names[0].startswith("-") else self.arguments
        if metavar is not None:
            settings["metavar"] = self.words["metavars"][metavar]
        return group.add_argument(*names, help=self.words[help] if help else None, **settings)

    def commands(self, dest: str, metavar: str, **settings):
        return self.parser.add_subparsers(dest=dest, metavar=self.words["metavars"][metavar], parser_class=_Parser,
                                          title=self.words["commands"], **settings)

    def command(self, commands, name: str, help: str | None = None) -> "_Command":
        said = self.words[help or name]
        return _Command(commands.add_parser(name, help=said, description=said, add_help=False,
                                            formatter_class=self.parser.formatter_class), self.words)

    def set_defaults(self, **values):
        self.parser.set_defaults(**values)


def build_parser(language: str | None = None) -> argparse.ArgumentParser:
    """The command line, its help in `language` (default: the locale's)."""
    from .messages import locale_language, messages

    words = messages(language or locale_language()).data["help"]
    formatter = type("_Formatter", (_Formatter,), {"usage": words["usage"]})
    adieu = _Command(_Parser(prog="adieu", description=words["adieu"], add_help=False, formatter_class=formatter),
                     words)
    adieu.add("--knowledge", metavar="DIR", help="knowledge_option")
    commands = adieu.commands("command", "COMMAND")

    assess = adieu.command(commands, "assess")
    assess.add("case", metavar="CASE", help="case")
    assess.add("--format", choices=("text", "json", "md"), default="text", help="assess.format")
    assess.add("--policy", metavar="FILE", help="policy")
    assess.add("--explain", action="store_true", help="assess.explain")
    assess.set_defaults(run=run_assess)

    interview = adieu.command(commands, "interview")
    interview.add("--out", metavar="DIR", help="interview.out")
    interview.add("--force", action="store_true", help="force_folder")
    interview.add("--resume", metavar="FILE", nargs="?", const="", help="interview.resume")
    interview.add("--answers", metavar="CASE", help="interview.answers")
    interview.add("--policy", metavar="FILE", help="policy")
    interview.add("--language", choices=_languages(), help="interview.language")
    interview.add("--plain", action="store_true", help="interview.plain")
    interview.set_defaults(run=run_interview)

    memo = adieu.command(commands, "memo")
    letter = adieu.command(commands, "letter")
    for document, name, formats, default in ((memo, "memo", ("md", "html", "pdf", "docx"), "md"),
                                             (letter, "letter", ("text", "md", "html", "eml", "pdf", "docx"), "text")):
        document.add("case", metavar="CASE", help="case")
        document.add("--format", choices=formats, default=default, help=f"{name}.format")
        document.add("-o", "--output", metavar="FILE", help="document.output")
        document.add("--force", action="store_true", help="document.force")
        document.add("--policy", metavar="FILE", help="policy")
        document.add("--date", metavar="DATE", type=_iso_date, help="document.date")
        document.add("--template", metavar="FILE", help="document.template")
        document.add("--delivery", choices=("post", "email"), default=None, help="document.delivery")
    letter.add("--kind", default="auto", metavar="KIND", help="letter.kind")
    letter.add("--attach-pdf", action="store_true", help="letter.attach_pdf")
    memo.set_defaults(run=run_memo)
    letter.set_defaults(run=run_letter)

    portfolio = adieu.command(commands, "portfolio")
    portfolio.add("input", metavar="INPUT", help="portfolio.input")
    portfolio.add("--format", choices=("text", "csv", "json"), default="text", help="portfolio.format")
    portfolio.add("--out", metavar="DIR", help="portfolio.out")
    portfolio.add("--documents", metavar="LIST", default=None, help="portfolio.documents")
    portfolio.add("--force", action="store_true", help="force_folder")
    portfolio.add("--jobs", type=int, default=1, metavar="N", help="portfolio.jobs")
    portfolio.add("--policy", metavar="FILE", help="policy")
    portfolio.add("--quiet", action="store_true", help="portfolio.quiet")
    portfolio.set_defaults(run=run_portfolio)

    knowledge = adieu.command(commands, "knowledge")
    knowledge_check = knowledge.command(knowledge.commands("knowledge_command", "SUBCOMMAND", required=True),
                                        "check", help="knowledge.check")
    knowledge_check.add("dir", nargs="?", metavar="DIR", help="knowledge.dir")
    knowledge_check.add("--samples", type=int, default=None, metavar="N", help="knowledge.samples")
    knowledge_check.add("--seed", type=int, default=0, metavar="N", help="knowledge.seed")
    knowledge_check.set_defaults(run=run_knowledge_check)
    return adieu.parser


def _languages() -> tuple:
    from .messages import LANGUAGES

    return LANGUAGES


def run_assess(args) -> int:
    from .advisor import Advisor
    from .report import render

    advisor = Advisor(args.knowledge, args.policy)
    assessment = advisor.assess(advisor.load_case(args.case))
    more = f"adieu assess {shlex.quote(args.case)} --explain"
    _print(render(assessment, args.format, explain=args.explain, more=more))
    return 0


def run_knowledge_check(args) -> int:
    from .checker import MAX_SAMPLES, SAMPLES, RuleBaseProblems, check

    if args.samples is not None and not 0 <= args.samples <= MAX_SAMPLES:
        raise UsageError(f"--samples must be from 0 to {MAX_SAMPLES:,}", command="adieu knowledge check")
    root = args.dir or args.knowledge
    report = check(root, samples=SAMPLES if args.samples is None else args.samples, seed=args.seed)
    if report.problems:
        raise RuleBaseProblems(report.root, report.problems)
    _print(report.summary())
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
        raise UsageError("--jobs must be 1 or more", command="adieu portfolio")
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
    _print(render(review, args.format))
    return review.status




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
        raise UsageError("--documents needs --out DIR", command="adieu portfolio")
    formats = tuple(dict.fromkeys(f.strip() for f in args.documents.split(",") if f.strip()))
    wrong = [f for f in formats if f not in EXTRA_FORMATS]
    if wrong or not formats:
        raise UsageError(f"--documents takes {', '.join(EXTRA_FORMATS)} separated by commas, "
                         f"got {args.documents!r}", command="adieu portfolio")
    return formats


def _iso_date(text: str):
    """--date: a real calendar date written YYYY-MM-DD, within the years a document can be dated
    (law.DATED_YEARS: its end dates must fall in the years whose holidays are known)."""
    import datetime
    import re

    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        day = datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date as YYYY-MM-DD, got {text[:40]!r}") from None
    from .law import DATED_YEARS

    first, last = f"{DATED_YEARS[0]}-01-01", f"{DATED_YEARS[1]}-12-31"
    if not first <= text <= last:
        raise argparse.ArgumentTypeError(f"expected a date from {first} to {last}, got {text!r}")
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

    if isinstance(rendered.content, bytes) and not args.output and sys.stdout.isatty():
        raise UsageError(f"--format {args.format} is a binary file, not for the terminal: "
                         f"write it with -o FILE", command=f"adieu {args.command}")
    for note in rendered.notes:
        print(terminal_safe(f"adieu: {documents.say(assessment.language, 'note', note=note)}"), file=sys.stderr)
    if args.output:
        write_atomic(args.output, rendered.content, force=args.force)
        print(terminal_safe(f"adieu: {documents.say(assessment.language, f'written_{what}', path=args.output)}"), file=sys.stderr)
    else:
        _print(rendered.content)
    return 0


STANDARD_OUTPUT = "standard output"


def _print(content) -> None:
    """Write a view to standard output: text, bytes (a PDF, a DOCX) or an iterable of lines.
    A full disk or a device error is the user's one line naming the output, not an internal
    error; the stream is then pointed at the null device, so that the interpreter's last
    flush at exit does not fail a second time."""
    from .files import silence_stdout

    try:
        if isinstance(content, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(content)
        elif isinstance(content, str):
            sys.stdout.write(content)
        else:
            sys.stdout.writelines(content)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        silence_stdout()
        raise InputError(STANDARD_OUTPUT, f"cannot write: {error.strerror or error}") from None


def _template(args):
    """--template: only for docx, and checked when the document is rendered."""
    if args.template and args.format != "docx":
        raise UsageError("--template is for --format docx", command=f"adieu {args.command}")
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
        raise UsageError("--attach-pdf is for --format eml", command="adieu letter")
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
    previous = signal.signal(signal.SIGTERM, _terminate)
    args = None
    try:
        parser = build_parser()
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
        message = terminal_safe(said if said.startswith("adieu") else f"adieu: {said}")
        if isinstance(error, InterviewPaused) and sys.stderr.isatty():
            message = wrapped(message, shutil.get_terminal_size().columns, error.unbroken)
        print(message, file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        print(f"adieu: {_said(args, 'interrupted')}", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Terminated:
        print(f"adieu: {_said(args, 'terminated')}", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        from .files import silence_stdout

        silence_stdout()
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


def wrapped(text: str, width: int, unbroken=()) -> str:
    """A message for a person at a terminal, wrapped at word boundaries to its width, what
    `unbroken` names (a command to type, a path) kept whole on one line."""
    from .wrapping import wrap

    return "\n".join(wrap(text, max(width - 1, 20), unbroken))


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
