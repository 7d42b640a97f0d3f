"""The interview screen does no avoidable work on the GUI thread (issue 18: stalls).

The transcript's bubbles lay the page out only when they must.

Every question Qt asks a bubble from C++ (its height for a width, its size hints) runs
Python, and with gradings running on worker threads each one may wait for the
interpreter. So a streamed piece that keeps the newest bubble's size must not make the
page measure the earlier turns again, and a bubble that grows must not squeeze the
earlier turns for one pass. A clock tick leaves painting to the next frame. Counted,
not timed: the counts do not depend on the machine.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from interviewer.core.models import Turn
from interviewer.gui import interview
from interviewer.gui.interview import Bubble, Transcript
from interviewer.gui.widgets import ClockDisplay
from tests.gui_helpers import Paints

QUESTION = (
    "Welcome! **First question:** explain the bias-variance trade-off, and how you "
    "would detect *high variance* in a model you trained (`cross_val_score` helps). "
) * 2
ANSWER = "I would compare training and validation error as the data grows. " * 5


#: How often the page asked each bubble (by id) for its height.
ASKED: Counter[int] = Counter()


class _CountingBubble(Bubble):
    """A bubble that counts the questions the page asks it."""

    def heightForWidth(self, width: int) -> int:
        ASKED[id(self)] += 1
        return super().heightForWidth(width)

    def sizeHint(self) -> QSize:
        ASKED[id(self)] += 1
        return super().sizeHint()

    def minimumSizeHint(self) -> QSize:
        ASKED[id(self)] += 1
        return super().minimumSizeHint()


def _natural_height(bubble: Bubble) -> int:
    lay = bubble.inside.layout()
    assert lay is not None
    return lay.totalHeightForWidth(bubble.width())


def _space_under_last_turn(view: Transcript) -> int:
    row = view.bubbles[-1].parentWidget()
    inner = view.widget()
    assert row is not None and inner is not None
    return inner.height() - row.geometry().bottom()


def _settle() -> None:
    for _ in range(4):
        QCoreApplication.processEvents()


@pytest.fixture
def transcript(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> Transcript:
    monkeypatch.setattr(interview, "Bubble", _CountingBubble)
    ASKED.clear()
    view = Transcript()
    qtbot.addWidget(view)
    view.resize(640, 420)
    view.show()
    qtbot.waitExposed(view)
    for _ in range(4):
        view.add_turn(Turn(role="interviewer", kind="question", text=QUESTION))
        view.add_turn(Turn(role="candidate", kind="answer", text=ANSWER))
    _settle()
    return view


def _stream(view: Transcript, text: str) -> None:
    """Show `text` as the live turn's streamed text, as the paint timer does."""
    assert view._live is not None
    view._live.text = text
    view._on_paint_stream()
    _settle()


def _earlier_asked(view: Transcript) -> int:
    """Questions asked of the turns before the newest one."""
    newest = view._live or view.bubbles[-1]
    return sum(n for key, n in ASKED.items() if key != id(newest))


def test_a_streamed_piece_that_keeps_the_size_measures_no_earlier_turn(
    transcript: Transcript,
) -> None:
    transcript.start_stream("question")
    _stream(transcript, "Next question: how")
    _stream(transcript, "Next question: how do")  # settle the first piece's layout
    live = transcript._live
    assert live is not None
    height = live.height()
    ASKED.clear()
    _stream(transcript, "Next question: how do you")
    assert live.height() == height  # one short line still
    assert live.body.text() == "Next question: how do you"  # shown
    assert _earlier_asked(transcript) == 0


def test_a_growing_bubble_gets_its_height_and_squeezes_no_earlier_turn(
    transcript: Transcript,
) -> None:
    transcript.start_stream("question")
    _stream(transcript, "Next:")
    live = transcript._live
    assert live is not None
    others = [b for b in transcript.bubbles if b is not live]
    sizes = [b.size() for b in others]
    before = live.height()
    text = "Next:"
    ASKED.clear()
    while live.height() == before:
        text += " and what would you change about the model then"
        _stream(transcript, text)
        assert len(text) < 2000, "the live bubble never grew"
        assert [b.size() for b in others] == sizes
    assert _earlier_asked(transcript) == 0  # the page knew their sizes
    # Its height is what a bubble built with the whole text gets at that width.
    assert live.height() == _natural_height(live)
    assert _space_under_last_turn(transcript) <= 16 + 1  # the margin, no blank space


def test_a_new_turn_is_laid_out_once_at_its_height(transcript: Transcript) -> None:
    ASKED.clear()
    transcript.add_turn(Turn(role="candidate", kind="answer", text=ANSWER))
    _settle()
    new = transcript.bubbles[-1]
    assert new.height() == _natural_height(new)
    assert _earlier_asked(transcript) == 0
    assert _space_under_last_turn(transcript) <= 16 + 1


def test_a_finished_turn_is_shown_as_markdown(transcript: Transcript) -> None:
    transcript.start_stream("question")
    for end in range(10, len(QUESTION), 25):
        _stream(transcript, QUESTION[:end])
    transcript.add_turn(Turn(role="interviewer", kind="question", text=QUESTION))
    _settle()
    bubble = transcript.bubbles[-1]
    assert bubble.text == QUESTION
    assert bubble.body.textFormat() == Qt.TextFormat.MarkdownText


def test_a_wider_window_gives_every_bubble_its_new_height(transcript: Transcript) -> None:
    transcript.resize(900, 420)
    _settle()
    for bubble in transcript.bubbles:
        assert bubble.height() == _natural_height(bubble)
    assert _space_under_last_turn(transcript) <= 16 + 1


def test_a_clock_tick_paints_its_bar_with_the_next_frame_not_at_once(qtbot: QtBot) -> None:
    clock = ClockDisplay("This question", 0.25, 60)
    qtbot.addWidget(clock)
    clock.resize(200, 60)
    clock.show()
    qtbot.waitExposed(clock)
    clock.set_time(300, 300, True)
    _settle()
    paints = Paints()
    clock.bar.installEventFilter(paints)
    clock.set_time(150, 300, True)
    assert paints.count == 0  # not painted inside the tick
    assert clock.bar.value() == 500
    qtbot.waitUntil(lambda: paints.count > 0)  # painted with the next frame
    assert clock.bar.updatesEnabled()
    clock.set_time(None, 0, False)
    assert clock.bar.value() == 0


def test_a_streamed_word_too_long_for_the_bubble_widens_the_page(transcript: Transcript) -> None:
    transcript.resize(300, 420)
    _settle()
    transcript.start_stream("question")
    _stream(transcript, "See")
    _stream(transcript, "See https://example.org/" + "a" * 40)
    live = transcript._live
    assert live is not None
    lay = live.inside.layout()
    assert lay is not None
    assert live.width() >= lay.totalMinimumSize().width()  # the page made room
    assert live.height() == _natural_height(live)


# -------------------------------------------------------------- a submitted answer (issue 18)


def _real_narrowest(bubble: Bubble) -> int:
    """How narrow QLabel itself says the text can be (its own, costly, measurement)."""
    return QLabel.minimumSizeHint(bubble.body).width()


@pytest.mark.parametrize(
    "role, text",
    [
        ("candidate", ANSWER),
        ("candidate", "See https://example.org/" + "a" * 40),
        ("interviewer", QUESTION),
        ("interviewer", "Try `cross_validation_score_for_models` on **overfitting**."),
    ],
)
def test_a_bubble_knows_its_widest_word_without_qlabel_measuring_it(
    qtbot: QtBot, role: str, text: str
) -> None:
    bubble = Bubble(role, "You")
    qtbot.addWidget(bubble)
    bubble.set_text(text)
    estimate = bubble.body.minimumSizeHint().width()
    real = _real_narrowest(bubble)
    if role == "candidate":  # plain text: the same words, the same font
        assert abs(estimate - real) <= 2
    else:  # Markdown is drawn in other fonts too: never narrower than QLabel, not far off
        assert real <= estimate <= real * 1.5
    assert bubble.body.sizeHint().width() == estimate  # no natural width worked out


def test_a_new_turn_on_screen_takes_a_bubble_built_ahead(transcript: Transcript) -> None:
    built: list[Bubble] = []
    original = _CountingBubble.__init__

    def counting_init(self: Bubble, *args: object, **kwargs: object) -> None:
        built.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    _wait_until(lambda: set(transcript._spares) == set(interview.SPARE_ROLES))
    spare_row, spare = transcript._spares["candidate"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_CountingBubble, "__init__", counting_init)
        transcript.add_turn(Turn(role="candidate", kind="answer", text=ANSWER))
    assert built == []  # nothing made while the answer lands
    assert transcript.bubbles[-1] is spare and spare.text == ANSWER
    assert not spare_row.isHidden()
    _settle()
    assert spare.height() == _natural_height(spare)
    assert _space_under_last_turn(transcript) <= 16 + 1
    # Another spare is built later, not now.
    assert "candidate" not in transcript._spares
    _wait_until(lambda: "candidate" in transcript._spares)
    assert transcript._spares["candidate"][0].isHidden()  # out of sight, off the page


def test_a_hidden_transcript_builds_its_turns_as_they_come(qtbot: QtBot) -> None:
    view = Transcript()
    qtbot.addWidget(view)
    _wait_until(lambda: set(view._spares) == set(interview.SPARE_ROLES))
    view.add_turn(Turn(role="interviewer", kind="question", text=QUESTION))
    assert (
        view.bubbles[-1] is not view._spares["interviewer"][1]
    )  # spares wait for a page on screen


def _wait_until(condition: Callable[[], bool], timeout_ms: int = 5000) -> None:
    from PySide6.QtTest import QTest

    waited = 0
    while not condition():
        assert waited < timeout_ms, "timed out"
        QTest.qWait(10)
        waited += 10


def test_a_store_write_is_told_in_a_turn_of_its_own_and_in_order(qtbot: QtBot) -> None:
    from interviewer.gui.controller import QtStoreWriter
    from interviewer.gui.workers import running_ops

    writer = QtStoreWriter()
    told: list[int] = []

    def work(n: int) -> Callable[[], int]:
        return lambda: n

    for n in range(5):
        writer.run(work(n), lambda result, _error: told.append(result))
    assert writer.flush(5)
    # The work is done, its outcomes are on their way: still counted as running, so a
    # test's settle() (and closing) waits for them.
    assert running_ops() > 0 and told == []
    QCoreApplication.processEvents()  # the first outcomes come back, and are sent on
    assert told == []
    qtbot.waitUntil(lambda: running_ops() == 0)
    assert told == [0, 1, 2, 3, 4]
