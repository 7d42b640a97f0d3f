"""Word-wrapped labels that only ever sit in a column (`WrapLabel.in_column`, issue 18).

Their size hints take no text layout of their own; what a user sees must not change:
the same heights at every width, the same cards, a minimum that still fits the longest
word, and hints that follow a change of text or font.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from interviewer.gui import feedback as feedback_module
from interviewer.gui import style
from tests.test_gui_feedback import records, rubrics


def _column(qtbot: QtBot, label: QWidget, width: int) -> QWidget:
    box = QWidget()
    qtbot.addWidget(box)
    lay = QVBoxLayout(box)
    lay.setContentsMargins(0, 0, 0, 0)
    lay.addWidget(label)
    lay.addStretch(1)
    box.resize(width, 900)
    box.show()
    qtbot.waitUntil(lambda: lay.geometry().width() == box.width() and label.width() > 0)
    return box


def test_a_column_label_never_asks_qlabel_for_its_balanced_size(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    real_hint, real_min = QLabel.sizeHint, QLabel.minimumSizeHint

    def hint(self: QLabel) -> Any:
        asked.append(f"hint {self.objectName()}")
        return real_hint(self)

    def minimum(self: QLabel) -> Any:
        asked.append(f"minimum {self.objectName()}")
        return real_min(self)

    monkeypatch.setattr(QLabel, "sizeHint", hint)
    monkeypatch.setattr(QLabel, "minimumSizeHint", minimum)
    text = "<b>Why:</b> " + "the answer named the trade-off and measured it " * 6
    column = style.rich_label(text, column=True)
    column.setObjectName("column")
    other = style.rich_label(text)
    other.setObjectName("other")
    boxes = [_column(qtbot, column, 420), _column(qtbot, other, 420)]
    assert not [a for a in asked if a.endswith("column")]
    assert [a for a in asked if a.endswith("other")]  # the patch sees the ordinary label
    # Laid out at the height its text takes at that width, as the ordinary label is.
    assert column.height() == QLabel.heightForWidth(column, 420)
    assert column.height() == other.height()
    assert column.sizeHint().height() == column.height()
    assert all(box.isVisible() for box in boxes)


def test_a_column_label_s_minimum_fits_its_longest_word_and_follows_its_font(
    qtbot: QtBot,
) -> None:
    label = style.plain_label("a bb supercalifragilistic cc", column=True)
    metrics = QFontMetrics(label.font())
    longest = metrics.horizontalAdvance("supercalifragilistic")
    minimum = label.minimumSizeHint()
    assert longest <= minimum.width() < metrics.horizontalAdvance(label.text())
    assert minimum.height() == metrics.lineSpacing()

    bigger = QFont(label.font())
    bigger.setPointSizeF(label.font().pointSizeF() * 2)
    label.setFont(bigger)
    assert label.minimumSizeHint().width() >= QFontMetrics(bigger).horizontalAdvance(
        "supercalifragilistic"
    )
    label.setText("short words only")
    assert label.minimumSizeHint().width() < QFontMetrics(bigger).horizontalAdvance(
        "supercalifragilistic"
    )

    # Markup is not a word: a rich label's minimum is its text's.
    rich = style.rich_label("<b>Why:</b> <i>" + "x" * 3 + "</i>", column=True)
    tag_width = QFontMetrics(rich.font()).horizontalAdvance("<b>Why:</b>")
    assert 0 < rich.minimumSizeHint().width() < tag_width


@pytest.mark.parametrize("width", [900, 420])
def test_feedback_cards_look_the_same_with_column_labels(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    def layout(column: bool) -> list[tuple[int, int, list[object]]]:
        if not column:
            monkeypatch.setattr(style.WrapLabel, "in_column", lambda self: None)
        shapes: list[tuple[int, int, list[object]]] = []
        for number, rec in enumerate(records(), start=1):
            card = feedback_module.QuestionCard(
                number, rec, feedback_module._rubric_for(rec, rubrics()), total=5
            )
            box = _column(qtbot, card, width)
            labels = card.findChildren(style.WrapLabel)
            rects: list[object] = [lab.geometry().getRect() for lab in labels]
            shapes.append((card.width(), card.height(), rects))
            box.close()
        monkeypatch.undo()
        return shapes

    first = records()[0]
    card = feedback_module.QuestionCard(1, first, feedback_module._rubric_for(first, rubrics()))
    assert any(lab._in_column for lab in card.findChildren(style.WrapLabel))
    assert layout(True) == layout(False)
