"""The model check once on first use, in the window (issue 15, item 2).

When the interviewer's or the grader's model is on a local OpenAI-compatible server and
was never checked (`llm/first_use.unchecked`), `FirstUseCheck` runs the speed and
fitness check for it in the background, one model after the other, through the same
`ModelCheck` as Settings' "Test connection" (a QueryOp: never on the GUI thread,
cancellable, nothing delivered after its owner closed). The result is remembered, so
Settings shows it from then on and the calls are sized to it; the window shows a short
notice. Each server and model is tried at most once per run of the app, so a server
that is down is not asked again and again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from interviewer.gui.model_check import CheckParams, ModelCheck
from interviewer.llm.first_use import Target

#: Given a server's address, the API key to send it (None: none).
KeyFor = Callable[[str], str | None]


class FirstUseCheck(QObject):
    #: A short sentence for the window's banner: (level, text).
    notice = Signal(str, str)
    #: One model's check ended: (FitnessReport, the text Settings shows).
    checked = Signal(object, str)
    #: A sentence about the running check (its step, the tokens written so far).
    progress = Signal(str)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._check = ModelCheck(self)
        self._check.progress.connect(self.progress)
        self._check.finished.connect(self._on_finished)
        self._check.failed.connect(self._on_failed)
        self._queue: list[tuple[Target, str | None]] = []
        self._tried: set[tuple[str, str]] = set()
        self._current: Target | None = None
        self._current_key: str | None = None
        #: Checks stopped for an interview (`pause`), to run again after it (`resume`).
        self._paused: list[tuple[Target, str | None]] = []

    @property
    def running(self) -> bool:
        return self._current is not None

    @property
    def current(self) -> Target | None:
        return self._current

    def start(self, targets: list[Target], key_for: KeyFor) -> bool:
        """Queue the targets not tried yet in this run; True when a check started or
        was already running."""
        for target in targets:
            key = (target.base_url, target.model)
            if key in self._tried:
                continue
            self._tried.add(key)
            self._queue.append((target, key_for(target.base_url)))
        if self._current is None:
            self._next()
        return self._current is not None

    def cancel(self) -> None:
        """Stop the running check (nothing is remembered) and forget the queue."""
        self._queue.clear()
        self._paused.clear()
        if self._current is not None:
            self._current = None
            self._check.cancel()

    def pause(self) -> bool:
        """An interview starts: stop checking (two jobs on one local server would slow
        the interview and give the check wrong speeds to remember) and keep what was
        left for `resume`. True when a check was stopped."""
        if self._current is None:
            return False
        self._paused = [(self._current, self._current_key), *self._queue]
        self._queue.clear()
        self._current = None
        self._check.cancel()
        return True

    @property
    def paused(self) -> bool:
        return bool(self._paused)

    def resume(self) -> bool:
        """The interview ended: run the stopped checks again. True when one started."""
        if not self._paused or self._current is not None:
            return self._current is not None
        self._queue, self._paused = [*self._paused, *self._queue], []
        self._next()
        return self._current is not None

    def _next(self) -> None:
        if not self._queue:
            self._current = None
            return
        target, key = self._queue.pop(0)
        self._current, self._current_key = target, key
        self.notice.emit(
            "info",
            f"Checking what {target.model} can do on {target.label}: its speed, and "
            "whether it asks and grades as it should. This runs once, in the background "
            "(a minute or more for a local model); an interview you start meanwhile "
            "pauses it until the interview ends.",
        )
        self._check.start(
            CheckParams(
                target.base_url,
                target.model,
                key,
                target.timeout,
                target.connect_timeout,
                target.label,
            )
        )

    def _on_finished(self, report: Any, text: str) -> None:
        target, self._current = self._current, None
        if target is None:
            return  # cancelled meanwhile
        summary = report.summary() if hasattr(report, "summary") else ""
        self.notice.emit(
            "info",
            f"{target.model}: {summary}. The details are in Settings, and the app now sizes "
            "its replies and waits to this model.",
        )
        self.checked.emit(report, text)
        self._next()

    def _on_failed(self, text: str) -> None:
        target, self._current = self._current, None
        if target is not None:
            self.notice.emit("warning", text)
        self._next()
