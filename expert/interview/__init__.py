"""`adieu interview`: an adaptive questionnaire in the terminal that never loses an answer.

One job per module: planner.py chooses the next question from the rule base alone (and
progress.py shows how much is left, forward only),
conversation.py asks it and concludes, session.py saves every answer, terminal.py draws
the prompts (questionary, or plain numbered lines with --plain), texts.py holds the
interview's own words from knowledge/interview.yaml. This module starts, resumes or
continues an interview.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..case import DETAILS, PARTIES, case_from_data
from ..errors import AdieuError, InputError, UsageError
from ..files import check_writable_folder, read_document
from ..checker import load_checked
from ..knowledge import Knowledge
from ..messages import locale_language
from .conversation import Interview, InterviewPaused, resume_command, shown
from .session import DEFAULT_NAME, Session, load_session
from .terminal import PlainTerminal, Terminal
from .texts import Texts, load_texts

__all__ = ["InterviewPaused", "PlainTerminal", "Terminal", "interview_command", "load_texts", "resume_command"]


def interview_command(knowledge_dir=None, out=None, force=False, resume=None, answers=None, policy=None,
                      language=None, plain=False, terminal=None) -> dict:
    """`adieu interview`: start, resume or continue an interview. `resume` is None (do not),
    "" (the default session file) or a path. An error is said in the interview's language:
    the session's once it is known, else --language, else the locale's."""
    where: dict = {}        # the session, once there is one: its language is the user's
    try:
        return _interview(knowledge_dir, out, force, resume, answers, policy, language, plain, terminal, where)
    except AdieuError as error:
        session = where.get("session")
        error.language = error.language or (session and session.language) or language or locale_language()
        raise


def _interview(knowledge_dir, out, force, resume, answers, policy, language, plain, terminal, where) -> dict:
    from ..advisor import Advisor
    from ..policy import load_policy

    knowledge = load_checked(knowledge_dir)
    texts = load_texts(knowledge)
    said = language or locale_language()
    real_terminal = terminal is None
    if real_terminal and not plain and not sys.stdin.isatty():
        raise UsageError(texts("no_terminal", said))
    if resume is not None and answers:
        raise UsageError(texts("resume_and_answers", said))
    if terminal is None:
        terminal = PlainTerminal() if plain else Terminal()
    terminal.words = lambda key, **values: texts(key, said, **values)
    resumed = False
    if resume is not None:
        path = Path(resume or DEFAULT_NAME)
        try:
            found = path.exists()
        except OSError as error:  # a name too long for the system, say
            raise InputError(path, f"cannot read: {error.strerror or error}") from None
        if not found:
            raise InputError(path, texts("no_session", said))
        session, resumed = load_session(path, knowledge), True
    else:
        path = Path(DEFAULT_NAME)
        session = Session(path)
        if path.exists():
            saved = load_session(path, knowledge)
            if _resume_instead(saved, texts, terminal, language or saved.language or locale_language()):
                session, resumed = saved, True
        if not resumed and answers:
            _start_from_case(session, answers, knowledge)
    if language:
        session.language = language
    where["session"] = session
    if out:
        session.out = str(Path(out).absolute())    # not resolved: a symlink loop is the reader's to report
    if session.out:
        check_writable_folder(session.out)      # now, not after all the questions
    if policy:
        session.policy = str(Path(policy).absolute())
    advisor = Advisor(knowledge=knowledge, policy=load_policy(knowledge, session.policy))
    session.save()
    interview = Interview(advisor, session, texts, terminal, force=force, resumed=resumed)
    if real_terminal:
        _closed_terminal_is_an_interruption()
    return interview.run()


def _closed_terminal_is_an_interruption():
    """A closed terminal (SIGHUP) stops the interview like Ctrl-C: saved, resumable."""
    import signal

    def hang_up(signum, frame):
        raise KeyboardInterrupt

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, hang_up)


def _resume_instead(saved: Session, texts: Texts, terminal, language: str) -> bool:
    """A session is already saved here: resume it, or knowingly discard it."""
    client = saved.detail("client.name") or texts("unnamed", language)
    count = len(saved.answers) + len(saved.unknown)
    choices = [(texts("existing_resume", language), True), (texts("existing_new", language), False)]
    terminal.words = lambda key, **values: texts(key, language, **values)
    while True:     # Escape (back) means nothing here: there is no question before this one
        try:
            answer = terminal.select(texts("existing", language, path=shown(saved.path), client=client, count=count),
                                     choices, instruction=None if terminal.plain else texts("select_instruction", language))
        except (KeyboardInterrupt, EOFError):   # nothing was changed: the saved interview waits
            command, path = resume_command(saved.path), shown(saved.path)
            raise InterviewPaused(texts("paused", language, command=command, path=path),
                                  unbroken=(command, path)) from None
        if isinstance(answer, bool):
            return answer


def _start_from_case(session: Session, path, knowledge: Knowledge):
    """Fill the session from an existing case file; null answers are "I don't know"."""
    doc = read_document(path)
    case = case_from_data(doc.data, knowledge, str(path), doc.line)
    session.language = case.language if "language" in doc.data else None
    session.jurisdiction = case.jurisdiction
    for section in (*PARTIES, *DETAILS):
        getattr(session, section).update(getattr(case, section))
    session.answers = dict(case.answers)
    raw = doc.data.get("answers") or {}
    session.unknown = [f for f in knowledge.factors if f in raw and raw[f] is None]
    session.source = str(path)
    session.revisit = True
