"""Every error of the package. Only the CLI turns them into one line and an exit status.

    AdieuError (1)                  a problem the user can act on
      InputError (2)                a file the user gave is wrong: file, line, key, expected
        KnowledgeError (2)          the rule base's structure is wrong
          RuleBaseProblems (2)      the rule base failed its checks: every problem, one a line
      UsageError (2)                the command line asks for something impossible
      OutputExists (2)              writing would replace a file without --force
      EngineError (3)               the inference engine failed
      TemplateError (3)             the templates are missing or inconsistent
      ReviewStopped (worker's)      a portfolio review stopped in a worker
      InterviewPaused (130)         Ctrl-C or end of input: the session is saved
      NoLetter (0)                  the verdict calls for no letter: an answer, not a failure
    InvalidCondition                a rule's condition written wrongly (the loader places it)
"""


class AdieuError(Exception):
    """A problem the user can act on; `status` is the process exit status."""

    status = 1
    language = None     # the language the user was reading when it happened, if known

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(AdieuError):
    """A file the user gave us is missing, unreadable or not what the contract says."""

    status = 2

    def __init__(self, file, message: str, key: str | None = None, line: int | None = None):
        self.file, self.key, self.line, self.detail = str(file), key, line, message
        where = self.file if line is None else f"{self.file}:{line}"
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


class KnowledgeError(InputError):
    """The rule base itself is inconsistent: it must not be used."""


class UsageError(AdieuError):
    """The command line asks for something impossible: `command` (e.g. "adieu portfolio")
    and what is wrong with it, the detail that the catalogue translates; `see_help` adds
    where to read how the command is used."""

    status = 2

    def __init__(self, message: str, command: str | None = None, see_help: bool = False):
        self.command, self.detail, self.see_help = command, message, see_help
        said = f"{command}: {message}" if command else message
        super().__init__(f"{said} (see '{command} --help')" if see_help else said)


class EngineError(AdieuError):
    """The inference engine failed while reasoning; the assessment is not to be trusted."""

    status = 3


class OutputExists(AdieuError):
    """Writing would overwrite a file the user did not ask us to replace. `command` is the
    whole command line that would replace it (with --force), when the CLI knows it."""

    status = 2

    def __init__(self, file, command: str | None = None):
        self.file, self.command = str(file), command
        self.detail = (f"already exists (to replace it: {command})" if command
                       else "already exists (use --force to replace it)")
        super().__init__(f"{self.file}: {self.detail}")


class RuleBaseProblems(KnowledgeError):
    """The rule base failed the check: every problem (file, line, message), one per line."""

    def __init__(self, root, problems: list):
        self.problems = sorted(problems)
        first = self.problems[0]
        super().__init__(first.file, first.message, line=first.line or None)
        if len(self.problems) > 1:
            self.message = "\n".join([f"the rule base in {root} has {len(self.problems)} problems:"]
                                     + [str(p) for p in self.problems])
            self.args = (self.message,)


class TemplateError(AdieuError):
    """The templates folder is missing or inconsistent: a bug of the installation."""

    status = 3


class NoLetter(AdieuError):
    """The recommendation calls for no letter (`--kind auto`): an answer, not a failure, so
    its status is 0; the message says why and how to write one anyway."""

    status = 0


class InterviewPaused(AdieuError):
    """Ctrl-C or end of input: the session is saved and the message says how to resume.
    `unbroken`: what the message holds that a terminal's wrapping must not split (the
    command to type, the session's path)."""

    status = 130

    def __init__(self, message: str, unbroken: tuple = ()):
        super().__init__(message)
        self.unbroken = tuple(unbroken)


class ReviewStopped(AdieuError):
    """A portfolio worker's problem that ends the whole review, with the worker's exit status."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.status = status


class InvalidCondition(Exception):
    """A rule's condition written wrongly; the loader adds the file, line and key."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.message, self.key = message, key
