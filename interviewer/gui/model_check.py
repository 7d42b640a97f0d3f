"""The speed and fitness check in the window (issue 15, item 2), for Settings.

`ModelCheck` runs `interviewer.llm.fitness.check_and_remember` on a `QueryOp` (design
rule 2): the worker gets frozen connection values and builds its own backend; its
progress sentences come back through a signal (emitted from the check's threads, queued
to the GUI thread), and so does the report, at most once, never after the owner closed.
`cancel()` stops the check between steps and gives up a running step within a tenth of
a second; a cancelled check remembers nothing.

`remembered_text` is what Settings shows before anything runs: the last check of that
server and model, from the small fitness.json beside settings.json.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Signal

from interviewer.gui.workers import HTTP_STACK, QueryOp, user_message
from interviewer.llm.base import CancelToken

#: What the check's worker imports (QueryOp imports them on the GUI thread first).
NEEDS: tuple[str, ...] = (
    *HTTP_STACK,
    "interviewer.llm.fitness",
    "interviewer.session",
    "interviewer.storage.content_files",
    "interviewer.storage.fitness_store",
)


@dataclass(frozen=True)
class CheckParams:
    """How to reach the model: plain values, never widgets."""

    base_url: str | None
    model: str
    api_key: str | None
    timeout: float
    connect_timeout: float
    label: str


def run_check(params: CheckParams, cancel: CancelToken, progress: Any) -> tuple[Any, str]:
    """Runs on a worker: the check with these values, remembered. Returns the
    FitnessReport and a sentence when it could not be remembered ("" when it was)."""
    from interviewer.llm.fitness import Budgets, check_and_remember
    from interviewer.llm.openai_backend import OpenAIBackend

    budgets = Budgets()
    backend = OpenAIBackend(
        api_key=params.api_key,
        model=params.model,
        base_url=params.base_url,
        # the check's budgets give a step up; the read time-out must not come first
        timeout=max(params.timeout, budgets.turn, budgets.grade),
        connect_timeout=params.connect_timeout,
        max_retries=0,  # report the problem now, not after back-off
        provider_label=params.label,
    )
    try:
        return check_and_remember(
            backend,
            budgets=budgets,
            progress=progress,
            cancel=cancel,
            context_window=backend.context_window,
        )
    finally:
        if not cancel.cancelled:  # a given-up step may still be using the connection
            backend.close()


def remembered_text(base_url: str | None, model: str) -> str:
    """The last check of this server and model in words ("" when never checked)."""
    from interviewer.llm.fitness import remembered
    from interviewer.storage.fitness_store import fitness_file
    from interviewer.storage.paths import app_paths

    report, _problem = remembered(fitness_file(app_paths().settings_file), base_url, model)
    if report is None:
        return ""
    return f"Last check ({report.checked_at[:10]}): {report.text()}"


class ModelCheck(QObject):
    """One check at a time for its owner; a new `start` cancels the one running."""

    #: A sentence about the running check (its step, the tokens written so far).
    progress = Signal(str)
    #: The check finished: the FitnessReport, and the text to show.
    finished = Signal(object, str)
    #: The check itself broke (a bug, not the model): the sentence to show.
    failed = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._op: QueryOp[tuple[Any, str]] | None = None
        self._relay = _Relay(self)
        self._relay.text.connect(self._on_progress)

    @property
    def running(self) -> bool:
        return self._op is not None and self._op.running

    def start(self, params: CheckParams) -> None:
        self.cancel()
        relay = self._relay

        def progress(text: str) -> None:  # runs on the check's threads
            with contextlib.suppress(RuntimeError):  # the owner was deleted meanwhile
                if shiboken6.isValid(relay):
                    relay.text.emit(text)

        token = CancelToken()
        self._op = QueryOp(
            parent=self,
            op=lambda: run_check(params, token, progress),
            success=self._on_done,
            cancel=token,
            needs=NEEDS,
        ).failure(self._on_failed)
        self.progress.emit("Checking what the model can do (a minute or more for a local model)…")
        self._op.run_in_background()

    def cancel(self) -> None:
        if self._op is not None:
            self._op.cancel()

    def _on_progress(self, text: str) -> None:
        if self.running:
            self.progress.emit(text)

    def _on_done(self, outcome: tuple[Any, str]) -> None:
        report, problem = outcome
        text = f"{report.label}: {report.text()}" + (f"\n{problem}" if problem else "")
        self.finished.emit(report, text)

    def _on_failed(self, exc: Exception) -> None:
        self.failed.emit(f"The model check failed: {user_message(exc)}")


class _Relay(QObject):
    """Carries progress sentences from the check's threads to the GUI thread."""

    text = Signal(str)
