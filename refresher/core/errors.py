"""The error types the core raises; the CLI turns each into one line on stderr and exit 1."""


class RefresherError(Exception):
    """A user's mistake or an environment problem, reported without a traceback."""


class BankError(RefresherError):
    """A bank file is malformed. `problems` holds every `FILE:LINE: ID: message` line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


class InputError(RefresherError):
    """A value the user typed (an option or an answer) cannot be used."""


class StoreError(RefresherError):
    """The history database cannot be opened, read or written."""


class UsageError(RefresherError):
    """A command was called without something it needs; exit code 2, as for Typer's own."""

    exit_code = 2
