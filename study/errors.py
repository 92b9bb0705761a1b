"""The one error type a user ever sees."""


class StudyError(Exception):
    """A mistake the user can fix: the CLI prints `study: <message>` and exits non-zero.

    The message says what went wrong and, where it can, what to do about it.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class NoCollectionYet(StudyError):
    """The database named exists but holds no collection (an empty server database): what only
    shows (the settings, the bare `study`) shows the defaults instead, as for a missing file."""
