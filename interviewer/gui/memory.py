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

Between those moments `GuiThreadCollector` makes sure the collector only ever runs on
the GUI thread. Left automatic, a collection runs on whichever thread happens to
allocate, mostly the graders' workers; a Qt object owned by Python in a garbage cycle
is then deleted on that thread, with its timers ("QObject::killTimer: Timers cannot be
stopped from another thread", then a segmentation fault: seen in the test suite).
Automatic collection is switched off and a timer on the GUI thread collects what the
collector's own thresholds call for (the pattern pyqtgraph and Spyder use).
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


#: How often the GUI thread looks at the collector's counters (a look costs microseconds).
GUI_COLLECT_INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    """Python's cyclic garbage collection on the GUI thread only (see the module docstring).

    `start` switches automatic collection off; every `GUI_COLLECT_INTERVAL_MS` the
    generation the interpreter would have collected by then (by `gc.get_threshold`) is
    collected here; `stop` switches automatic collection back on."""

    def __init__(
        self, parent: QObject | None = None, interval_ms: int = GUI_COLLECT_INTERVAL_MS
    ) -> None:
        super().__init__(parent)
        #: Collections made, by generation.
        self.collections = [0, 0, 0]
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def check(self) -> int | None:
        """Collect the generation that is due by the interpreter's counters: the oldest
        whose counter is over its threshold, once the youngest is. Returns it (or None).
        Unlike the interpreter, a full collection is not put off until the young objects
        are a quarter of the old: what start-up and each quiet moment froze is never
        walked, so a full collection here walks only what was made since."""
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        if thresholds[0] <= 0 or counts[0] <= thresholds[0]:
            return None
        generation = next(g for g in (2, 1, 0) if g == 0 or counts[g] > thresholds[g])
        gc.collect(generation)
        self.collections[generation] += 1
        return generation
