"""Cards going on a feedback page below what the candidate sees paint nothing of what
is on screen (issue 18): each batch of cards added had the whole visible page painted
again (10-12 ms, eight times for a 40-question page), because the page repainted all of
itself when it grew and a card appeared over its top left before the layout moved it."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.summary import summarize
from interviewer.gui import feedback as feedback_module
from interviewer.gui.feedback import FeedbackView
from tests.gui_helpers import Paints
from tests.test_feedback_prepare import RUBRICS, graded


@pytest.mark.parametrize("prepared", [True, False])
def test_cards_added_below_the_fold_do_not_repaint_the_overview(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, prepared: bool
) -> None:
    monkeypatch.setattr(feedback_module, "INSERT_BUDGET_MS", 0.0)  # a card per batch
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(1000, 520)
    view.show()
    qtbot.waitExposed(view)
    records = [graded(f"q{i}") for i in range(10)]
    if prepared:
        view.prepare(records, RUBRICS)
        qtbot.waitUntil(lambda: not view.preparing, timeout=30_000)
    view.show_results(records, summarize(records), RUBRICS, progressive=True)
    overview = view._overview_box
    assert overview is not None
    counter = Paints()
    overview.installEventFilter(counter)
    qtbot.waitUntil(lambda: counter.count > 0)  # the page's first frame
    first = counter.count
    qtbot.waitUntil(lambda: not view.building, timeout=30_000)
    qtbot.wait(100)  # any paint the last batches asked for
    assert len(view.cards) == 10
    if prepared:
        assert view.reused_cards == 10
    # The index of 10 questions fills the window below the overview: every card went
    # on the page out of sight, and the overview was not painted once per card.
    assert counter.count - first <= 1, counter.count
