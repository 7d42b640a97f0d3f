"""Python's garbage collector runs on the GUI thread only (gui/memory.py
`GuiThreadCollector`): left automatic, a collection triggered by a grader's allocations
on a worker thread deleted Qt objects owned by Python on that thread ("Timers cannot be
stopped from another thread", then a segmentation fault)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, QTimer
from pytestqt.qtbot import QtBot

from interviewer.gui.memory import GuiThreadCollector


class _Cycle:
    """A reference cycle holding a Qt object with a timer, as a widget's helper might."""

    def __init__(self, deleted_on: list[int], *, timer: bool = True) -> None:
        self.me = self
        self.qt = QObject()
        if timer:  # deleted on another thread, it warns (and may crash the process)
            self.timer = QTimer(self.qt)
            self.timer.start(60_000)
        self.deleted_on = deleted_on

    def __del__(self) -> None:
        self.deleted_on.append(threading.get_ident())


def _allocate_on_a_worker() -> None:
    """Make enough container objects on another thread to trigger collections there."""

    def work() -> None:
        keep = [[i] for i in range(200_000)]
        del keep

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[GuiThreadCollector]:
    made = GuiThreadCollector(interval_ms=10)
    made.start()
    yield made
    made.stop()


def test_a_garbage_cycle_with_qt_objects_is_freed_on_the_gui_thread(
    qtbot: QtBot, collector: GuiThreadCollector
) -> None:
    assert not gc.isenabled() and collector.active
    deleted_on: list[int] = []
    _Cycle(deleted_on)  # garbage at once: only the collector can free it
    _allocate_on_a_worker()
    assert deleted_on == []  # the worker's allocations collected nothing
    kept = [[i] for i in range(5000)]  # the app goes on making objects: a collection is due
    qtbot.waitUntil(lambda: bool(deleted_on))
    assert len(kept) == 5000
    assert deleted_on == [threading.get_ident()]  # freed here, on the GUI thread


def test_left_automatic_the_same_cycle_is_freed_on_the_worker() -> None:
    # The case the collector exists for (and what makes the test above able to fail);
    # without a running timer, so that the Qt object deleted over there stays harmless.
    gc.collect()
    assert gc.isenabled()
    deleted_on: list[int] = []
    _Cycle(deleted_on, timer=False)
    _allocate_on_a_worker()
    assert deleted_on and deleted_on[0] != threading.get_ident()


def test_the_due_generation_is_collected_as_the_interpreter_would(
    qtbot: QtBot, collector: GuiThreadCollector, monkeypatch: pytest.MonkeyPatch
) -> None:
    collected: list[int] = []

    def collect(generation: int = 2) -> int:
        collected.append(generation)
        return 0

    monkeypatch.setattr(gc, "collect", collect)
    collector.stop()  # checked by hand below
    gc.disable()
    counts = {"value": (0, 0, 0)}
    monkeypatch.setattr(gc, "get_count", lambda: counts["value"])
    monkeypatch.setattr(gc, "get_threshold", lambda: (700, 10, 10))
    for count, due in [
        ((699, 20, 20), None),  # nothing is due until the youngest is over its threshold
        ((701, 3, 0), 0),
        ((701, 11, 0), 1),
        ((701, 11, 11), 2),
        ((701, 3, 11), 2),  # the oldest that is over its threshold
    ]:
        counts["value"] = count
        assert collector.check() == due, count
    assert collected == [0, 1, 2, 2]
    assert collector.collections == [1, 1, 2]


def test_stop_gives_the_collector_back_to_the_interpreter(qtbot: QtBot) -> None:
    made = GuiThreadCollector()
    made.start()
    assert not gc.isenabled() and made.active
    made.stop()
    assert gc.isenabled() and not made.active
