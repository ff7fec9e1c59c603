"""The errors Adieu raises. Only the CLI turns them into one line and an exit status."""


class AdieuError(Exception):
    """A problem the user can act on; `status` is the process exit status."""

    status = 1

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
    """The command line asks for something impossible."""

    status = 2


class EngineError(AdieuError):
    """The inference engine failed while reasoning; the assessment is not to be trusted."""

    status = 3


class OutputExists(AdieuError):
    """Writing would overwrite a file the user did not ask us to replace."""

    status = 2
