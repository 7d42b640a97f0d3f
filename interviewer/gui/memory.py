"""When Python's garbage collector may pause the window: only at quiet moments, briefly.

A full collection walks every tracked object, and the app has hundreds of thousands
(modules, the question bank, widgets, the interview so far): 45 to 120 ms on the GUI
thread, at whatever moment the collector's counters say, often in the middle of a
streamed question (measured with `gc.callbacks`, `python -m benchmarks.interview
--profile-stalls`). Start-up already moves what it made out of the collector's sight
(`gc.freeze`); `QuietCollector` does the same at the quiet moments of an interview,
right after an answer is taken (the candidate has just clicked and waits for the next
question anyway) and when the feedback page is up: the young generations are collected
(about a millisecond) and the survivors frozen, so a full collection only ever walks what
was made since the last quiet moment.

The price: a reference cycle that becomes garbage after it was frozen is not freed until
the process ends. The interview's data lives as long as its session anyway; widgets of
an interview the candidate left are few, and Qt frees their C++ side.
"""

from __future__ import annotations

import gc
from typing import Any

from PySide6.QtCore import QObject, QTimer


def settle_young() -> None:
    """Collect the young generations, then freeze every survivor (cheap: no full walk)."""
    gc.collect(1)
    gc.freeze()


class QuietCollector(QObject):
    """Settles memory after each answer is taken and once the interview has finished."""

    def __init__(self, controller: Any) -> None:
        super().__init__(controller)
        self.settled = 0
        controller.answer_closed.connect(self._on_quiet)
        controller.finished.connect(self._on_quiet)

    def _on_quiet(self, *_args: object) -> None:
        # After the handlers of this moment have run (the next question is requested).
        QTimer.singleShot(0, self, self._settle)

    def _settle(self) -> None:
        settle_young()
        self.settled += 1
