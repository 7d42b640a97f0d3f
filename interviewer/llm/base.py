"""The one small protocol every backend speaks.

Backends are synchronous and thread-safe enough to be called from one worker at a time
per call; the GUI runs them on QThreadPool workers, the CLI calls them directly.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from interviewer.core.models import FollowUpDecision, GradeDraft
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest

DeltaCallback = Callable[[str], None]


class CancelToken:
    """Set from the GUI thread; backends check it between streamed chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@runtime_checkable
class Backend(Protocol):
    #: Stable machine name stored with results, e.g. "offline", "openai:gpt-4o-mini".
    name: str
    #: Human description for the UI, e.g. "Local server (Ollama) · llama3.1".
    label: str

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> str:
        """Write the interviewer's next turn, calling on_delta with each streamed piece."""
        ...

    def follow_up(self, request: FollowUpRequest) -> FollowUpDecision:
        """Decide whether to ask a follow-up; never more than the request's limit."""
        ...

    def grade(self, request: GradeRequest) -> GradeDraft:
        """Grade an answer; core.grading.finalize turns the draft into a checked Grade."""
        ...
