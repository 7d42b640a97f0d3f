"""Garbage collection at quiet moments (issue 18): after an answer is taken and when the
interview has finished, the young generations are collected and the survivors frozen, so
a full collection never walks the whole heap in the middle of a streamed question."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject, Signal
from pytestqt.qtbot import QtBot

from interviewer.gui.memory import QuietCollector, settle_young


class FakeController(QObject):
    answer_closed = Signal()
    finished = Signal(object)


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_settle_young_freezes_the_survivors() -> None:
    kept = [[i] for i in range(1000)]
    before = gc.get_freeze_count()
    settle_young()
    assert gc.get_freeze_count() >= before + len(kept)
    assert gc.get_count()[0] < 700  # the youngest generation starts again


def test_an_answer_taken_and_the_end_are_quiet_moments(qtbot: QtBot) -> None:
    controller = FakeController()
    collector = QuietCollector(controller)
    controller.answer_closed.emit()
    assert collector.settled == 0  # after the moment's own handlers, not inside them
    qtbot.waitUntil(lambda: collector.settled == 1)
    made = [[i] for i in range(500)]
    frozen = gc.get_freeze_count()
    controller.finished.emit(object())
    qtbot.waitUntil(lambda: collector.settled == 2)
    assert gc.get_freeze_count() >= frozen + len(made)
