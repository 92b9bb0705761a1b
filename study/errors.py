"""The one error type a user ever sees."""


class StudyError(Exception):
    """A mistake the user can fix: the CLI prints `study: <message>` and exits non-zero.

    The message says what went wrong and, where it can, what to do about it.
    """

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def one_line(error: BaseException) -> tuple[str, int] | None:
    """What the CLI prints for `error` and the exit code, or None for a bug (a traceback).

    Besides a StudyError: corruption found past the checks at open (or a lock held past the
    busy timeout) surfaces as sqlite3's error, possibly wrapped by SQLAlchemy.
    """
    if isinstance(error, StudyError):
        return f"study: {error}", error.exit_code
    import sqlite3

    cause = getattr(error, "orig", error)
    if isinstance(cause, sqlite3.DatabaseError):
        return f"study: database error: {cause}; nothing more was written", 1
    return None
