"""One exception root; every subclass carries a message a user can act on.

Logic raises these; drivers (CLI, GUI) show `str(err)` as-is, never a traceback.
"""

from __future__ import annotations


class InterviewerError(Exception):
    """Root of every error the app reports to the user."""


class ContentError(InterviewerError):
    """A content file (track, rubric, question bank, prompt) is broken."""

    def __init__(self, path: str, field: str, problem: str) -> None:
        self.path = path
        self.field = field
        self.problem = problem
        where = f"{path}: {field}" if field else path
        super().__init__(f"{where}: {problem}")


class ConfigError(InterviewerError):
    """Settings or command-line options that cannot work together."""


class BackendError(InterviewerError):
    """A model backend failed. `retryable` says whether trying again may help."""

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class BackendUnavailable(BackendError):
    """No server answered at the configured address."""

    retryable = True


class BackendTimeout(BackendError):
    retryable = True


class RateLimited(BackendError):
    retryable = True

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ServerError(BackendError):
    retryable = True


class AuthenticationFailed(BackendError):
    retryable = False


class ModelNotFound(BackendError):
    retryable = False


class BadResponse(BackendError):
    """The model answered, but not in the shape we asked for (even after repair)."""

    retryable = True


class Cancelled(BackendError):
    """The user cancelled the call."""

    retryable = False
