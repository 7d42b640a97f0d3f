"""The feedback page's question cards built ahead while the interview runs (issue 18):
`FeedbackView.prepare` builds the cards of graded answers hidden, and the page after the
last answer takes them, but only when their record is still in the state they show.

Grades here are held at a gate per question, so the test decides when each one lands;
nothing depends on how fast the machine is.
"""

from __future__ import annotations

import copy
import gc
import itertools
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QLayout, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from interviewer.core.engine import Phase, QuestionRecord
from interviewer.core.models import CriterionScore, Grade, GradeDraft, Rubric, Turn
from interviewer.core.requests import GradeRequest
from interviewer.core.summary import summarize
from interviewer.gui import feedback as feedback_module
from interviewer.gui import style
from interviewer.gui.feedback import FeedbackView, QuestionCard
from interviewer.llm.scripted import ScriptedBackend
from tests.factories import question, rubric
from tests.gui_helpers import App, make_app, quoting_grade, small_library, start

ANSWER = "Bias means the model is too simple and underfits; variance means it overfits."
LONG = "Bias means the model is too simple and underfits the data it is trained on. " * 8


# --------------------------------------------------------------------------- helpers


class Gates:
    """Each answer's grade waits until the test lets it through (by question id)."""

    def __init__(self) -> None:
        self.events: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def gate(self, qid: str) -> threading.Event:
        with self.lock:
            return self.events.setdefault(qid, threading.Event())

    def __call__(self, request: GradeRequest) -> GradeDraft:
        self.gate(request.question.id).wait(20)
        return quoting_grade(request)

    def release(self, qid: str) -> None:
        self.gate(qid).set()

    def release_all(self) -> None:
        with self.lock:
            events = list(self.events.values())
        for event in events:
            event.set()


@pytest.fixture
def gates() -> Iterator[Gates]:
    g = Gates()
    yield g
    g.release_all()  # nothing left waiting on a worker when the test ends


def gated_app(qtbot: QtBot, gates: Gates, count: int) -> App:
    backend = ScriptedBackend(
        default_turn=lambda r: "Thanks." if r.question is None else r.question.text,
        default_grade=gates,
        call_deadline=30.0,
    )
    return make_app(qtbot, backend, library=small_library(count=count, limit=0))


def records_of(app: App) -> list[QuestionRecord]:
    engine = app.controller.engine
    assert engine is not None
    return engine.records


def stashed(view: FeedbackView) -> list[QuestionCard]:
    """The question cards the view holds outside any page: the prepared ones (a page's
    cards, and those it replaced and has not deleted yet, are on the page's content)."""
    return [
        c
        for c in view.findChildren(QuestionCard)
        if (parent := c.parentWidget()) is not None and parent.objectName() != "feedbackContent"
    ]


def on_screen(card: QuestionCard, view: FeedbackView) -> bool:
    """Shown where the candidate can see it: on the view, in a window that is on screen
    (a prepared card is shown in the view's stash, a window never put on screen)."""
    window = card.window()
    if window.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen):
        return False
    return card.isVisible() or card.isVisibleTo(view)


def texts(card: QWidget) -> list[tuple[str, bool]]:
    """What a card says: every label's text in order, and whether it is shown."""
    return [(label.text(), label.isVisibleTo(card)) for label in card.findChildren(QLabel)]


def same(a: Sequence[object], b: Sequence[object]) -> bool:
    """The same objects in the same order (records compare equal by value)."""
    return len(a) == len(b) and all(x is y for x, y in zip(a, b, strict=True))


def shown_whole(card: QuestionCard) -> bool:
    """On screen and as tall as its contents need at the width it has."""
    return card.isVisible() and card.height() >= card.heightForWidth(card.width()) - 2


def scratch_texts(
    qtbot: QtBot,
    like: FeedbackView,
    records: list[QuestionRecord],
    rubrics: dict[str, Rubric],
    grading: frozenset[str] = frozenset(),
) -> list[list[tuple[str, bool]]]:
    """The cards' texts of a page built from scratch, nothing prepared, for `records`."""
    page = FeedbackView()
    qtbot.addWidget(page)
    page.audio_dir = like.audio_dir
    page.show_results(records, summarize(records), rubrics, progressive=False, grading=grading)
    assert page.reused_cards == 0
    return [texts(c) for c in page.cards]


def see_it_through(qtbot: QtBot, app: App, gates: Gates) -> None:
    """After the last answer: wait for the page (the last grade still held), then let
    the last grade land and wait for the finished page."""
    window, feedback = app.window, app.window.feedback
    qtbot.waitUntil(lambda: window.stack.currentWidget() is feedback and not feedback.building)
    assert feedback.cards[-1].grading
    gates.release(records_of(app)[-1].question.id)
    qtbot.waitUntil(lambda: app.controller.results is not None and not app.controller.in_interview)
    qtbot.waitUntil(lambda: feedback.export_button.isEnabled() and not feedback.building)


def wait_built(
    qtbot: QtBot, feedback: FeedbackView, rec: QuestionRecord, count: int
) -> list[QuestionCard]:
    """Wait for `rec`'s grade to land and for `count` cards to be built ahead."""
    qtbot.waitUntil(lambda: rec.grade is not None)
    qtbot.waitUntil(lambda: not feedback.preparing and len(stashed(feedback)) == count)
    return stashed(feedback)


def answer_all(qtbot: QtBot, app: App, gates: Gates, count: int) -> dict[str, QuestionCard]:
    """Answer `count` questions; each answer but the last is graded before the next is
    asked. Returns the prepared card of every graded answer, by question id; the last
    answer's grade is still held at its gate."""
    feedback = app.window.feedback
    on_page = [*feedback.cards]  # an earlier interview's, if any
    prepared: dict[str, QuestionCard] = {}
    for i in range(count):
        qtbot.waitUntil(lambda: app.controller.answering)
        records = records_of(app)
        rec = records[i]
        assert rec.status == "answering"
        app.window.interview.answer.setPlainText(f"Answer {i}: {ANSWER}")
        app.window.interview.submit_action.trigger()
        if i == count - 1:
            break
        gates.release(rec.question.id)
        held = wait_built(qtbot, feedback, rec, i + 1)
        # Built ahead for the graded answers only, complete, and the earlier ones kept.
        assert sorted(c.record.question.id for c in held) == sorted(
            r.question.id for r in records[: i + 1]
        )
        assert all(c.complete for c in held)
        for card in held:
            assert prepared.setdefault(card.record.question.id, card) is card
        # Never on screen while the interview runs: the interview page is showing, and
        # the cards would stay hidden even on the feedback page.
        assert app.window.stack.currentWidget() is app.window.interview
        assert not any(on_screen(c, feedback) for c in held)
        assert feedback.cards == on_page
    return prepared


# --------------------------------------------------------------------------- the window


@pytest.mark.parametrize("count", [3, 4])
def test_the_page_after_the_last_answer_takes_the_cards_built_during_the_interview(
    qtbot: QtBot, gates: Gates, count: int
) -> None:
    app = gated_app(qtbot, gates, count)
    window, feedback = app.window, app.window.feedback
    start(qtbot, app)
    prepared = answer_all(qtbot, app, gates, count)
    assert len(prepared) == count - 1
    widths = {qid: card.width() for qid, card in prepared.items()}
    records = records_of(app)
    last = records[-1].question.id

    # The interview is over, the last grade still being written: the page shows.
    qtbot.waitUntil(lambda: window.stack.currentWidget() is feedback and not feedback.building)
    assert feedback.reused_cards == count - 1
    assert same([c.record for c in feedback.cards], records)
    for card in feedback.cards[:-1]:
        assert card is prepared[card.record.question.id]
    assert feedback.cards[-1].grading and feedback.cards[-1] not in prepared.values()
    found = app.controller.session.results_so_far()
    assert found is not None
    rubrics = found.results.rubrics
    grading = frozenset({last})
    assert [texts(c) for c in feedback.cards] == scratch_texts(
        qtbot, feedback, records, rubrics, grading
    )
    # On screen once the page has laid itself out, at the page's width: never squashed.
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in feedback.cards))
    # The width they were measured at ahead is the one the page gives them.
    assert {c.width() for c in feedback.cards} == {widths[qid] for qid in widths}

    # The last grade lands: the page completes in place, the prepared cards stay.
    gates.release(last)
    qtbot.waitUntil(lambda: app.controller.results is not None)
    qtbot.waitUntil(lambda: feedback.export_button.isEnabled() and not feedback.building)
    results = app.controller.results
    assert results is not None
    assert same(results.records, records)
    assert feedback.reused_cards == count - 1
    for card in feedback.cards[:-1]:
        assert card is prepared[card.record.question.id]
    assert not feedback.cards[-1].grading
    assert [texts(c) for c in feedback.cards] == scratch_texts(
        qtbot, feedback, results.records, results.rubrics
    )


@pytest.mark.parametrize("count", [2, 4])
def test_the_last_answers_card_is_built_ahead_once_the_interview_is_over(
    qtbot: QtBot, gates: Gates, count: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last grade lands after the interview is over (its engine is done) while the
    report is written: its card is queued to be built ahead then, at the pace of a page
    filling in (issue 18: built by the page from scratch, the last card was the longest
    part of a 40-question page's wait). The page takes what is built of it by then."""
    from interviewer.gui import main_window

    # No page of results so far: the last grade lands within the delay, as a fast one does.
    monkeypatch.setattr(main_window, "SO_FAR_DELAY_MS", 60_000)
    app = gated_app(qtbot, gates, count)
    window, feedback = app.window, app.window.feedback
    start(qtbot, app)
    prepared = answer_all(qtbot, app, gates, count)
    # While the candidate types, cards are built a small piece at a time, spread out.
    assert feedback._prepare_timer.interval() == feedback_module.PREPARE_GAP_MS
    records = records_of(app)
    last = records[-1]
    # (engine done, queued to be built ahead, the pace) when the last grade's progress
    # has reached the window (connected after the window's own slot).
    seen: list[tuple[bool, bool, int]] = []
    app.controller.grading_progress.connect(
        lambda done, total: seen.append(
            (
                not app.controller.in_interview,
                any(rec is last for _k, _n, rec, _r in feedback._to_prepare),
                feedback._prepare_timer.interval(),
            )
        )
    )
    # The closing turn is in: only the last grade is awaited (as in the benchmarks).
    qtbot.waitUntil(lambda: app.controller.phase is Phase.GRADING)
    gates.release(last.question.id)
    qtbot.waitUntil(lambda: app.controller.results is not None)
    assert seen[-1] == (True, True, feedback_module.PIECE_GAP_MS)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is feedback and not feedback.building)
    assert same([c.record for c in feedback.cards], records)
    for card in feedback.cards[:-1]:
        assert card is prepared[card.record.question.id]
    assert feedback.reused_cards in (count - 1, count)  # the last, if begun in time
    assert feedback.cards[-1] not in prepared.values() and not feedback.cards[-1].grading
    results = app.controller.results
    assert results is not None
    assert [texts(c) for c in feedback.cards] == scratch_texts(
        qtbot, feedback, results.records, results.rubrics
    )


# --------------------------------------------------------------------------- the view


def grade(qid: str, score: float = 70.0, summary: str = "Correct but shallow.") -> Grade:
    return Grade(
        question_id=qid,
        rubric_id="technical",
        overall_score=score,
        criteria=[
            CriterionScore(criterion_id="correctness", score=4, evidence=["Bias means"]),
            CriterionScore(criterion_id="depth", score=3, evidence=[], reasoning="No example."),
        ],
        strengths=["Defines bias."],
        improvements=["Give an example."],
        summary=summary,
    )


def graded(qid: str, answer: str = ANSWER) -> QuestionRecord:
    rec = QuestionRecord(question(qid), status="answered")
    rec.turns = [
        Turn(role="interviewer", kind="question", text="Q", question_id=qid),
        Turn(role="candidate", kind="answer", text=answer, question_id=qid, seconds=60.0),
    ]
    rec.grade = grade(qid)
    return rec


RUBRICS = {"technical": rubric()}


def shown_view(qtbot: QtBot) -> FeedbackView:
    """An empty feedback view on screen."""
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    return view


def page_view(qtbot: QtBot, records: list[QuestionRecord], width: int, height: int) -> FeedbackView:
    """A feedback view of `width` x `height` on screen, showing the page of `records`."""
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show_results(records, summarize(records), RUBRICS)
    view.show()
    qtbot.waitExposed(view)
    return view


def prepared_view(qtbot: QtBot, records: list[QuestionRecord]) -> FeedbackView:
    """A shown view that has built the cards of `records` ahead, and shows no page."""
    view = shown_view(qtbot)
    view.prepare(records, RUBRICS)
    assert view.preparing
    qtbot.waitUntil(lambda: not view.preparing)
    assert len(stashed(view)) == len(records) and all(c.complete for c in stashed(view))
    return view


def show(view: FeedbackView, records: list[QuestionRecord]) -> None:
    view.show_results(records, summarize(records), RUBRICS, progressive=True)


def test_a_page_of_the_same_records_takes_every_prepared_card(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2", LONG), graded("q3")]
    view = prepared_view(qtbot, records)
    held = {c.record.question.id: c for c in stashed(view)}
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.reused_cards == 3
    assert view.cards == [held["q1"], held["q2"], held["q3"]]
    assert stashed(view) == []
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, records, RUBRICS)
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


def _new_grade(records: list[QuestionRecord]) -> list[QuestionRecord]:
    records[1].grade = grade("q2", 35.0, "Regraded: misses the variance half.")
    return records


def _same_grade_copied(records: list[QuestionRecord]) -> list[QuestionRecord]:
    old = records[1].grade
    assert old is not None
    records[1].grade = old.model_copy(update={"summary": "Regraded: same score."})
    return records


def _turn_added(records: list[QuestionRecord]) -> list[QuestionRecord]:
    records[1].turns.append(
        Turn(role="candidate", kind="answer", text="And more data lowers the variance.")
    )
    return records


def _grade_failed(records: list[QuestionRecord]) -> list[QuestionRecord]:
    records[1].grade = None
    records[1].grade_error = "The grader timed out."
    return records


def _renumbered(records: list[QuestionRecord]) -> list[QuestionRecord]:
    return [records[1], records[0], records[2]]  # q2 and q1 swap numbers; q3 stays 3 of 3


def _one_more(records: list[QuestionRecord]) -> list[QuestionRecord]:
    # Another question at the end: the same numbers, a different total.
    return [*records, QuestionRecord(question("q4"), status="unasked")]


@pytest.mark.parametrize(
    ("change", "changed"),
    [
        (_new_grade, {"q2"}),
        (_same_grade_copied, {"q2"}),
        (_turn_added, {"q2"}),
        (_grade_failed, {"q2"}),
        (_renumbered, {"q1", "q2"}),
        (_one_more, {"q1", "q2", "q3"}),
    ],
)
def test_a_card_prepared_for_an_earlier_state_of_its_record_is_built_afresh(
    qtbot: QtBot,
    change: Callable[[list[QuestionRecord]], list[QuestionRecord]],
    changed: set[str],
) -> None:
    records = [graded("q1"), graded("q2"), graded("q3")]
    view = prepared_view(qtbot, records)
    held = {c.record.question.id: c for c in stashed(view)}
    shown = change(records)
    show(view, shown)
    qtbot.waitUntil(lambda: not view.building)
    assert view.reused_cards == 3 - len(changed)
    for card in view.cards:
        qid = card.record.question.id
        assert (card is held[qid]) == (qid not in changed), qid
        assert card.record is next(r for r in shown if r.question.id == qid)
    # What the page says is what a page built from scratch says of the records now.
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, shown, RUBRICS)
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


def test_another_record_of_the_same_question_never_takes_a_prepared_card(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    held = stashed(view)
    # Equal in every field, but another interview's objects.
    twins = [graded("q1"), graded("q2")]
    for twin, rec in zip(twins, records, strict=True):
        twin.grade = rec.grade
    show(view, twins)
    qtbot.waitUntil(lambda: not view.building)
    assert view.reused_cards == 0
    assert not set(map(id, view.cards)) & set(map(id, held))
    assert same([c.record for c in view.cards], twins)


def test_records_prepared_again_after_a_change_give_the_page_the_new_card(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    old = {c.record.question.id: c for c in stashed(view)}
    _new_grade(records)
    view.prepare(records, RUBRICS)  # only q2 is built again
    qtbot.waitUntil(lambda: not view.preparing)
    qtbot.waitUntil(lambda: shiboken6.isValid(old["q2"]) is False)  # the stale one is gone
    held = {c.record.question.id: c for c in stashed(view)}
    assert held["q1"] is old["q1"] and set(held) == {"q1", "q2"}
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.reused_cards == 2
    assert view.cards == [held["q1"], held["q2"]]
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, records, RUBRICS)


def test_only_graded_answers_are_prepared(qtbot: QtBot) -> None:
    waiting = QuestionRecord(question("q2"), status="answered")
    waiting.turns = [Turn(role="candidate", kind="answer", text=ANSWER)]
    records = [graded("q1"), waiting, QuestionRecord(question("q3"), status="unasked")]
    view = FeedbackView()
    qtbot.addWidget(view)
    view.prepare(records, RUBRICS)
    qtbot.waitUntil(lambda: not view.preparing)
    assert same([c.record for c in stashed(view)], [records[0]])
    # The page with the second answer still being graded takes the first card only.
    view.show_results(records, summarize(records), RUBRICS, grading={"q2"})
    assert view.reused_cards == 1
    assert view.cards[1].grading and view.cards[1].record is waiting


# --------------------------------------------------------------------------- forgetting


def test_forget_prepared_drops_the_cards_built_and_the_work_queued(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2"), graded("q3")]
    view = prepared_view(qtbot, records[:2])
    built = stashed(view)
    view.prepare(records, RUBRICS)  # q3 queued, not built yet
    assert view.preparing
    view.forget_prepared()
    assert not view.preparing
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(c) for c in built))
    # The queued work was dropped with them: the page builds every card itself.
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.reused_cards == 0
    assert stashed(view) == []
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, records, RUBRICS)


def test_a_new_interview_drops_the_cards_of_the_last_one(qtbot: QtBot, gates: Gates) -> None:
    app = gated_app(qtbot, gates, 3)
    window, feedback = app.window, app.window.feedback
    start(qtbot, app)
    first_prepared = answer_all(qtbot, app, gates, 3)
    see_it_through(qtbot, app, gates)
    first = app.controller.results
    assert first is not None and feedback.reused_cards == 2
    first_cards = [*feedback.cards]
    # Cards of the first interview still held when the next one starts (prepared for
    # copies of its records: none is prepared for the records the page shows).
    feedback.prepare([copy.copy(r) for r in first.records], first.rubrics)
    qtbot.waitUntil(lambda: not feedback.preparing)
    leftovers = stashed(feedback)
    assert leftovers

    gates.events.clear()
    feedback.practise_button.click()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.interview)
    assert not feedback.preparing
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(c) for c in leftovers))
    second_prepared = answer_all(qtbot, app, gates, 3)
    assert not set(map(id, second_prepared.values())) & set(map(id, first_prepared.values()))
    second_records = records_of(app)
    assert not any(r is f for r in second_records for f in first.records)
    see_it_through(qtbot, app, gates)
    assert app.controller.results is not first
    assert feedback.reused_cards == 2 + 2
    old = {id(c) for c in [*first_cards, *leftovers, *first_prepared.values()]}
    assert not any(id(c) in old for c in feedback.cards)
    assert all(any(c.record is r for r in second_records) for c in feedback.cards)
    assert same([c.record for c in feedback.cards], second_records)


# --------------------------------------------------------------------------- off screen


def test_cards_prepared_while_the_page_shows_stay_off_screen(qtbot: QtBot) -> None:
    shown = [graded("q1")]
    view = page_view(qtbot, shown, 1000, 700)
    on_page = [*view.cards]
    # Grades landing while an earlier page is on screen (another interview's) are built
    # ahead hidden: the page shows what it showed.
    records = [graded("q1"), graded("q2")]
    view.prepare(records, RUBRICS)
    qtbot.waitUntil(lambda: not view.preparing)
    held = stashed(view)
    assert len(held) == 2
    assert view.cards == on_page
    assert not any(on_screen(c, view) for c in held)
    assert all(c.isVisible() for c in on_page)
    # Until a page takes them.
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    by_id = {c.record.question.id: c for c in held}
    assert view.cards == [by_id["q1"], by_id["q2"]] and view.reused_cards == 2
    qtbot.waitUntil(lambda: all(shown_whole(c) for c in view.cards))


# --------------------------------------------------------------------------- size hints


def wrapped_panel(width: int) -> tuple[style.Panel, QVBoxLayout]:
    panel = style.Panel(remember_heights=True)
    panel.inside.setContentsMargins(5, 6, 7, 8)
    lay = QVBoxLayout(panel.inside)
    lay.setContentsMargins(18, 14, 18, 16)
    for i in range(3):
        lay.addWidget(style.plain_label(f"Label {i}: {LONG}"))
    lay.addWidget(style.plain_label("A short line", wrap=False))
    if width:
        panel.resize(width, 100)
    return panel, lay


def test_a_panel_hint_is_the_natural_width_and_the_height_at_its_width(qtbot: QtBot) -> None:
    panel, lay = wrapped_panel(320)
    qtbot.addWidget(panel)
    hint = panel.sizeHint()
    assert hint.width() == lay.totalSizeHint().width()
    assert hint.height() == panel.heightForWidth(320) == lay.totalHeightForWidth(320)
    # The labels wrap at 320: the natural width's height is another (smaller) one.
    assert lay.totalSizeHint().height() < hint.height()
    # No width yet: Qt's whole hint.
    fresh, fresh_lay = wrapped_panel(0)
    qtbot.addWidget(fresh)
    fresh.resize(0, 0)
    assert fresh.sizeHint() == fresh_lay.totalSizeHint()


def test_the_page_hint_is_its_height_at_the_width_it_has(qtbot: QtBot) -> None:
    records = [graded("q1", LONG), graded("q2", LONG)]
    view = page_view(qtbot, records, 700, 600)
    content = view.scroll_area.widget()
    assert isinstance(content, feedback_module._Content)
    lay = content.layout()
    assert lay is not None and content.width() > 0
    hint = content.sizeHint()
    assert hint == QSize(lay.sizeHint().width(), lay.totalHeightForWidth(content.width()))
    # Qt's own hint is the height at the natural width: not the one the page needs.
    assert QWidget.sizeHint(content).height() != hint.height()


# --------------------------------------------------------------------------- known faults
# Found while writing these tests, and fixed.


def test_a_prepared_card_keeps_its_grade_alive_so_no_new_grade_takes_its_address(
    qtbot: QtBot,
) -> None:
    # Cards compare grades by identity (id): the grade a card shows must outlive the
    # record's hold on it, or a new Grade could be put at the same address and match.
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    held = {c.record.question.id: c for c in stashed(view)}
    watch = weakref.ref(records[1].grade)
    records[1].grade = None
    gc.collect()
    assert watch() is not None  # still shown by the prepared card
    new = Grade(question_id="q2", rubric_id="technical", overall_score=20.0, criteria=[])
    records[1].grade = new
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[1] is not held["q2"]
    assert view.cards[1].score_chip.text() == "20/100"


def test_a_card_is_built_for_the_audio_folder_it_was_queued_with(
    qtbot: QtBot, tmp_path: Path
) -> None:
    view = FeedbackView()
    qtbot.addWidget(view)
    first = [graded("q1")]
    view.prepare(first, RUBRICS, audio_dir=tmp_path / "a")
    view.prepare([graded("q2")], RUBRICS, audio_dir=tmp_path / "b")  # before q1 is built
    qtbot.waitUntil(lambda: not view.preparing)
    view.audio_dir = tmp_path / "a"
    show(view, first)
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[0].audio_dir == tmp_path / "a"


def test_no_card_is_built_ahead_once_the_page_shows(qtbot: QtBot, gates: Gates) -> None:
    app = gated_app(qtbot, gates, 3)
    window, feedback = app.window, app.window.feedback
    start(qtbot, app)
    for i in range(3):  # only the first answer is graded during the interview
        qtbot.waitUntil(lambda: app.controller.answering)
        app.window.interview.answer.setPlainText(f"Answer {i}: {ANSWER}")
        app.window.interview.submit_action.trigger()
    records = records_of(app)
    gates.release(records[0].question.id)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is feedback and not feedback.building)
    assert any(c.grading for c in feedback.cards)
    gates.release(records[1].question.id)  # a grade lands while the page shows
    qtbot.waitUntil(lambda: not feedback.cards[1].grading)
    qtbot.waitUntil(lambda: not feedback.preparing)
    gates.release(records[2].question.id)
    qtbot.waitUntil(lambda: app.controller.results is not None)
    assert not feedback.preparing
    # The card replacing the one "being graded" is built out of sight, then moved onto
    # the page: nothing is left behind.
    qtbot.waitUntil(lambda: feedback.export_button.isEnabled() and not feedback.building)
    assert stashed(feedback) == []
    assert not any(c.grading for c in feedback.cards)


# --------------------------------------------------------------------------- measured ahead


def test_a_prepared_card_is_measured_at_the_page_width_so_the_page_measures_nothing(
    qtbot: QtBot,
) -> None:
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    width = view._card_width()
    held = stashed(view)
    assert all(c.measured_at == width for c in held)
    # Measured for real: the size it was given is its height at that width.
    assert all(c.width() == width and c.height() == c.heightForWidth(width) for c in held)
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards == held and view.reused_cards == 2
    qtbot.waitUntil(lambda: all(c.width() == width for c in view.cards))


def test_a_card_taken_half_built_is_finished_by_the_page(qtbot: QtBot) -> None:
    # The last answer's grade lands just before the page: its card is being prepared.
    records = [graded("q1"), graded("q2")]
    view = shown_view(qtbot)
    view.prepare(records, RUBRICS)
    view._prepare_timer.stop()  # no step runs but the one below
    view._prepare_step()  # the first card is made, not built
    view._prepare_timer.stop()
    half = stashed(view)[0]
    assert not half.complete
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[0] is half and half.complete
    assert view.reused_cards == 1 and not view.preparing
    assert texts(view.cards[0]) == scratch_texts(qtbot, view, records, RUBRICS)[0]
    assert [c.record for c in view.cards] == records
    assert len(view.cards[0].criteria) == 2


def test_prepared_cards_go_on_the_page_together_and_the_page_is_measured_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [graded(f"q{i}") for i in range(1, 6)]
    view = prepared_view(qtbot, records)
    # Budget enough for all of them (the real budget is a few cards a turn).
    monkeypatch.setattr(feedback_module, "INSERT_BUDGET_MS", 60_000.0)
    monkeypatch.setattr(feedback_module, "BUILD_BUDGET_MS", 60_000.0)
    fits: list[int] = []
    fit = view._fit_page

    def counted_fit() -> None:
        fits.append(len(view.cards))
        fit()

    monkeypatch.setattr(view, "_fit_page", counted_fit)
    show(view, records)
    view._glance_wanted = False  # the index's own turn is not what this test is about
    view._add_next_card(view._generation)
    assert len(view.cards) == 5 and not view.building
    assert fits == [5]  # once, for the whole batch
    content = view._content
    assert content is not None and view._layout is not None
    assert content.height() >= view._layout.totalHeightForWidth(content.width())


def test_a_prepared_card_is_laid_out_out_of_sight(qtbot: QtBot) -> None:
    records = [graded("q1", LONG)]
    view = prepared_view(qtbot, records)
    (card,) = stashed(view)
    assert not on_screen(card, view)
    # Its contents have their places already: showing it lays nothing out anew.
    assert card.inside.geometry() == card.rect()
    box = card.answers[0]
    assert box.width() > 0 and box.geometry().bottom() < card.height()
    assert box.width() <= card.width()


def test_a_label_tells_its_layout_only_of_a_width_nobody_measured(qtbot: QtBot) -> None:
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    label = style.plain_label(LONG)
    lay.addWidget(label)
    host.resize(400, 300)
    host.show()
    qtbot.waitExposed(host)
    requests: list[int] = []

    class Spy(QWidget):
        def eventFilter(self, obj: object, event: object) -> bool:
            from PySide6.QtCore import QEvent

            if obj is host and getattr(event, "type", lambda: None)() == QEvent.Type.LayoutRequest:
                requests.append(1)
            return False

    spy = Spy()
    host.installEventFilter(spy)
    qtbot.wait(50)
    requests.clear()  # whatever showing the host still had queued
    measured = label.heightForWidth(250)
    label.resize(250, measured)  # a width its layout asked about: nothing to tell
    qtbot.wait(20)
    assert requests == []
    label.resize(137, 40)  # nobody knows its height at this width: the layout is told
    qtbot.wait(20)
    assert requests


def test_a_filling_page_keeps_its_scroll_bar_so_its_width_never_changes(qtbot: QtBot) -> None:
    records = [graded(f"q{i}") for i in range(1, 4)]
    view = prepared_view(qtbot, records)
    width = view._card_width()
    show(view, records)
    bar = view.scroll_area.verticalScrollBarPolicy()
    assert bar == Qt.ScrollBarPolicy.ScrollBarAlwaysOn
    qtbot.waitUntil(lambda: not view.building)
    assert view.scroll_area.verticalScrollBarPolicy() == (Qt.ScrollBarPolicy.ScrollBarAsNeeded)
    # Every card was put on the page at the width it was measured at: none measured anew.
    assert all(c.measured_at == width for c in view.cards)


def test_cards_put_on_the_page_are_in_their_places_at_the_end_of_the_turn(
    qtbot: QtBot,
) -> None:
    records = [graded(f"q{i}") for i in range(1, 5)]
    view = prepared_view(qtbot, records)
    show(view, records)
    overview = view._overview_box
    assert overview is not None
    generation = view._generation
    content = view._content
    assert content is not None
    content.resize(content.width(), 100_000)  # tall already: growing it lays out nothing
    while view.building:
        view._add_next_card(generation)  # one turn, no event loop in between
        boxes = [c.geometry() for c in view.cards]
        # Not left at the top of the page (over the overview) or on top of one another
        # until a later layout.
        assert all(box.top() > overview.geometry().bottom() for box in boxes)
        assert all(a.bottom() < b.top() for a, b in itertools.pairwise(boxes))


def test_a_selectable_label_becomes_selectable_when_the_pointer_is_over_it(
    qtbot: QtBot,
) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication

    label = style.plain_label(LONG, selectable=True)
    assert isinstance(label, style.WrapLabel)
    qtbot.addWidget(label)
    label.resize(300, 200)
    heights = [label.heightForWidth(w) for w in (180, 333, 517)]
    # No text document yet (half a feedback card's memory): nothing to select from.
    assert not label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert label.cursor().shape() == Qt.CursorShape.IBeamCursor
    enter = QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5))
    QApplication.sendEvent(label, enter)
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    label.setSelection(0, 4)
    assert label.selectedText() == LONG[:4]
    label._forget()  # measured again, through its text document now: the same heights
    assert [label.heightForWidth(w) for w in (180, 333, 517)] == heights
    plain = style.plain_label(LONG)
    assert plain.cursor().shape() != Qt.CursorShape.IBeamCursor


def _index_rows(view: FeedbackView) -> list[str]:
    """The rows of the question index: on the page, or still being built off it."""
    box = view._glance_box or view._glance_building
    assert box is not None
    return [b.full_text for b in box.findChildren(feedback_module._ElidedButton)]


def index_page(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> tuple[FeedbackView, list[QuestionRecord]]:
    """A page of five questions filling in, its index two rows a turn."""
    monkeypatch.setattr(feedback_module, "GLANCE_ROWS_PER_TURN", 2)
    records = [graded(f"q{i}") for i in range(1, 6)]
    view = shown_view(qtbot)
    show(view, records)
    return view, records


def test_a_long_question_index_is_added_a_few_rows_a_turn(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    view, records = index_page(qtbot, monkeypatch)
    generation = view._generation
    view._add_next_card(generation)  # the index and its first rows, no card yet
    assert len(_index_rows(view)) == 2 and view.cards == [] and view.building
    assert view._glance_box is None  # off the page until it is whole
    view._add_next_card(generation)
    assert len(_index_rows(view)) == 4
    view._add_next_card(generation)
    assert view._glance_box is not None and len(_index_rows(view)) == 5
    qtbot.waitUntil(lambda: not view.building)
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(records, 1)]
    assert len(view.cards) == 5


def test_grades_landing_while_the_index_is_added_give_one_whole_index(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    view, records = index_page(qtbot, monkeypatch)
    view._add_next_card(view._generation)
    assert len(_index_rows(view)) == 2
    records[4].grade = grade("q5", score=20.0)
    view.update_results(records, summarize(records), RUBRICS)
    qtbot.waitUntil(lambda: not view.building)
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(records, 1)]
    view.finish_pending()
    assert len(_index_rows(view)) == 5


def test_prepared_cards_are_shown_in_a_window_never_on_screen(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2")]
    view = prepared_view(qtbot, records)
    stash = view._stash
    # Shown once (polished and laid out during the interview), in a window no one sees,
    # that takes no focus and does not keep the app open after the main window closes;
    # then hidden, so that moving it to the page sends no Hide event to its widgets.
    cards = stashed(view)
    assert cards and all(c.window() is stash for c in cards)
    assert all(c.testAttribute(Qt.WidgetAttribute.WA_WState_Polished) for c in cards)
    assert all(c.isHidden() and c.measured_at is not None for c in cards)
    assert all(
        lbl.testAttribute(Qt.WidgetAttribute.WA_WState_Polished)
        for c in cards
        for lbl in c.findChildren(QLabel)
    )
    assert stash.isWindow() and stash.testAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
    assert not stash.testAttribute(Qt.WidgetAttribute.WA_QuitOnClose)
    assert stash.width() <= 1 and stash.height() <= 1
    assert stash.font() == view.font() and stash.palette() == view.palette()
    show(view, records)
    qtbot.waitUntil(lambda: not view.building)
    assert all(c.window() is view and c.isVisible() for c in view.cards)


def test_a_card_is_measured_in_small_steps_each_criterion_in_its_own(qtbot: QtBot) -> None:
    view = shown_view(qtbot)
    rec = graded("q1", LONG)
    card = QuestionCard(1, rec, RUBRICS["technical"], view._stash, total=1)
    width = view._card_width()
    top = card.inside.layout()
    assert top is not None
    items = [top.itemAt(i) for i in range(top.count())]
    pieces = len([item for item in items if item is not None and not item.isEmpty()])
    steps = sum(1 for _ in feedback_module._measure_steps(card, width))
    # More steps than the card has top-level pieces: the criteria section is measured a
    # criterion (and a label) at a time, not in one long step.
    assert steps > pieces + 2 * len(card.criteria)
    # And it comes to the height the card has when measured in one go.
    measured = card.height()
    card.forget_heights()
    for lay in card.inside.findChildren(QLayout):
        lay.invalidate()
    assert card.width() == width and measured == card.heightForWidth(width)


# --------------------------------------------------------------------------- grades landing


def grading_page(qtbot: QtBot) -> tuple[FeedbackView, list[QuestionRecord]]:
    """A whole page of three answers, the last still being graded."""
    records = [graded("q1"), graded("q2"), graded("q3")]
    records[2].grade = None
    view = shown_view(qtbot)
    view.show_results(
        records, summarize(records), RUBRICS, progressive=True, grading=frozenset({"q3"})
    )
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[2].grading
    return view, records


def test_a_landing_grade_builds_its_card_again_out_of_sight_then_swaps_it_in(
    qtbot: QtBot,
) -> None:
    view, records = grading_page(qtbot)
    old = view.cards[2]
    kept = view.cards[:2]
    records[2].grade = grade("q3", score=40.0)
    view.update_results(records, summarize(records), RUBRICS)
    # Nothing is built in the turn the grade lands: the old card stays on the page,
    # and its replacement is started in the stash, off the page.
    assert view.cards[2] is old and view.building
    fresh = [c for c in stashed(view) if c.record is records[2]]
    assert len(fresh) == 1 and not fresh[0].complete
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[2] is fresh[0] and fresh[0].complete and not fresh[0].grading
    assert view.cards[2].score_chip.text() == "40/100"
    assert view.cards[:2] == kept  # the cards whose grade did not change stay
    assert stashed(view) == []
    assert shiboken6.isValid(old) is False or not old.isVisible()
    # The page holds what a page built from scratch for these records holds.
    assert [texts(c) for c in view.cards] == scratch_texts(qtbot, view, records, RUBRICS)


def test_a_grade_landing_again_before_the_swap_builds_the_newest_only(qtbot: QtBot) -> None:
    view, records = grading_page(qtbot)
    records[2].grade = grade("q3", score=40.0)
    view.update_results(records, summarize(records), RUBRICS)
    first = [c for c in stashed(view) if c.record is records[2]]
    records[2].grade = grade("q3", score=90.0)
    view.update_results(records, summarize(records), RUBRICS)
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[2] is not first[0]
    assert view.cards[2].score_chip.text() == "90/100"
    assert len(view.cards) == 3 and stashed(view) == []


def test_finish_pending_swaps_in_a_replacement_at_once(qtbot: QtBot) -> None:
    view, records = grading_page(qtbot)
    records[2].grade = grade("q3", score=40.0)
    view.update_results(records, summarize(records), RUBRICS)
    view.finish_pending()
    assert not view.building
    assert view.cards[2].score_chip.text() == "40/100" and view.cards[2].complete


def test_a_landing_grade_rebuilds_its_row_of_the_index_only(qtbot: QtBot) -> None:
    view, records = grading_page(qtbot)
    box = view._glance_box
    assert box is not None
    rows = {n: w for n, (w, _state) in view._glance_shown.items()}
    records[2].grade = grade("q3", score=40.0)
    view.update_results(records, summarize(records), RUBRICS)
    assert view._glance_box is box  # the same index, one row new
    assert view._glance_shown[1][0] is rows[1] and view._glance_shown[2][0] is rows[2]
    row = view._glance_shown[3][0]
    assert row is not rows[3]
    chips = [c.text() for c in row.findChildren(style.Chip)]
    assert chips == ["40/100"]
    qtbot.waitUntil(lambda: len(_index_rows(view)) == 3)  # the old row deleted
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(records, 1)]


def test_the_question_index_is_built_ahead_and_taken_by_the_page(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2"), graded("q3")]
    records[2].grade = None  # the last answer's grade lands after the interview
    view = shown_view(qtbot)
    view.prepare(records, RUBRICS)
    ahead = view._glance_ahead
    assert ahead is not None and ahead.window() is view._stash and ahead.isVisible()
    ahead_rows = {n: row for n, (row, _s, _r) in view._glance_ahead_rows.items()}
    assert sorted(ahead_rows) == [1, 2]  # the graded answers only
    records[2].grade = grade("q3", score=40.0)
    show(view, records)
    # On the page in the turn the page is shown: no turns of its own while it fills.
    assert view._glance_box is ahead and not view._glance_wanted
    assert view._glance_ahead is None
    assert view._glance_shown[1][0] is ahead_rows[1] and view._glance_shown[2][0] is ahead_rows[2]
    qtbot.waitUntil(lambda: not view.building)
    assert ahead.window() is view.window() and ahead.isVisible()
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(records, 1)]
    assert [c.text() for c in view._glance_shown[3][0].findChildren(style.Chip)] == ["40/100"]


def test_a_row_built_ahead_for_an_older_grade_is_built_again(qtbot: QtBot) -> None:
    records = [graded("q1"), graded("q2")]
    view = shown_view(qtbot)
    view.prepare(records, RUBRICS)
    old_row = view._glance_ahead_rows[2][0]
    records[1].grade = grade("q2", score=15.0)  # graded again after the row was built
    show(view, records)
    row = view._glance_shown[2][0]
    assert row is not old_row
    assert [c.text() for c in row.findChildren(style.Chip)] == ["15/100"]
    qtbot.waitUntil(lambda: len(_index_rows(view)) == 2)
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(records, 1)]


def test_an_index_built_ahead_for_another_interview_is_not_taken(qtbot: QtBot) -> None:
    view = shown_view(qtbot)
    view.prepare([graded("q1"), graded("q2")], RUBRICS)
    ahead = view._glance_ahead
    others = [graded("q1"), graded("q2")]  # equal records, not the same ones
    show(view, others)
    assert view._glance_box is not ahead
    qtbot.waitUntil(lambda: not view.building)
    assert _index_rows(view) == [f"{i}. {r.question.text}" for i, r in enumerate(others, 1)]
    rows = view._glance_box.findChildren(feedback_module._ElidedButton) if view._glance_box else []
    assert len(rows) == 2


def test_a_replacement_for_a_state_the_card_went_back_from_is_dropped(qtbot: QtBot) -> None:
    view, records = grading_page(qtbot)  # the last card: "being graded"
    old = view.cards[2]
    view.update_results(records, summarize(records), RUBRICS, grading=())  # "not graded"
    assert view._replacing
    view.update_results(records, summarize(records), RUBRICS, grading=frozenset({"q3"}))
    assert not view._replacing  # back to what the card shows: nothing to replace
    qtbot.waitUntil(lambda: not view.building)
    assert view.cards[2] is old and old.grading
    qtbot.waitUntil(lambda: stashed(view) == [])


def test_nothing_is_prepared_for_the_records_a_page_already_shows(qtbot: QtBot) -> None:
    view, records = grading_page(qtbot)  # a page of results so far
    view.prepare(records, RUBRICS)  # a grade landed while another screen was in front
    assert not view.preparing and view._glance_ahead is None
    assert stashed(view) == []
    view.prepare([graded("q1"), graded("q2")], RUBRICS)  # another interview's records
    assert view.preparing and view._glance_ahead is not None


# --------------------------------------------------------------------------- one pass


def test_a_batch_of_cards_takes_only_what_a_prepared_piece_left_of_its_pass(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both timers due at once run in one pass of the event loop, with no paint between:
    # the page's batch counts the prepared piece that ran just before it.
    records = [graded(f"q{i}") for i in range(1, 6)]
    view = prepared_view(qtbot, records)
    monkeypatch.setattr(feedback_module, "INSERT_BUDGET_MS", 1000.0)
    monkeypatch.setattr(feedback_module, "BUILD_BUDGET_MS", 1000.0)
    monkeypatch.setattr(feedback_module, "SAME_PASS_S", 60.0)  # "just before", however slow
    show(view, records)
    view._glance_wanted = False  # the index's own turn is not what this test is about
    added = []
    for _turn in range(20):  # each turn in a pass already spent: one piece, no more
        view._pass_end, view._pass_by, view._pass_ms = time.perf_counter(), "prepare", 1000.0
        before = len(view.cards)
        view._add_next_card(view._generation)
        added.append(len(view.cards) - before)
        assert view._pass_ms >= 1000.0  # the pass's work so far, this batch's included
        if len(view.cards) == 3:
            break
    assert added[-1] == 1 and max(added) == 1  # a card at a time, and still progress
    view._pass_end = -1e9  # a paint came between: a new pass, the whole budget
    view._add_next_card(view._generation)
    assert len(view.cards) == 5 and not view.building


def test_the_pages_own_batches_do_not_shrink_one_another(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its batches are 1 ms apart: each runs in a pass of its own, with the whole budget.
    records = [graded(f"q{i}") for i in range(1, 6)]
    view = prepared_view(qtbot, records)
    monkeypatch.setattr(feedback_module, "INSERT_BUDGET_MS", 1000.0)
    monkeypatch.setattr(feedback_module, "BUILD_BUDGET_MS", 1000.0)
    monkeypatch.setattr(feedback_module, "SAME_PASS_S", 60.0)
    show(view, records)
    view._glance_wanted = False
    view._pass_end, view._pass_by, view._pass_ms = time.perf_counter(), "page", 1000.0
    view._add_next_card(view._generation)
    assert len(view.cards) == 5 and not view.building


def test_a_prepared_piece_takes_only_what_the_page_left_of_its_pass(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [graded("q1"), graded("q2")]
    view = shown_view(qtbot)
    view.prepare(records, RUBRICS)
    view._prepare_timer.stop()  # only the steps below run
    view._prepare_step()  # the first card is made, not built yet
    view._prepare_timer.stop()
    card = stashed(view)[0]
    pieces: list[int] = []
    step = QuestionCard.build_step

    def counted(self: QuestionCard) -> bool:
        pieces.append(1)
        return step(self)

    monkeypatch.setattr(QuestionCard, "build_step", counted)
    monkeypatch.setattr(feedback_module, "SAME_PASS_S", 60.0)
    view._prepare_budget = 1000.0  # enough to build the whole card in one step
    # A batch of the page used the pass up.
    view._pass_end, view._pass_by, view._pass_ms = time.perf_counter(), "page", 1000.0
    view._prepare_step()
    view._prepare_timer.stop()
    assert len(pieces) == 1 and not card.complete
    view._pass_end = -1e9  # a new pass: the step builds on within its budget
    view._prepare_step()
    view._prepare_timer.stop()
    assert len(pieces) > 1 and card.complete


# ------------------------------------------------- the first frame is a pass of its own


def test_a_page_on_its_way_to_the_front_waits_for_its_first_frame(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bringing the page to the front and painting it is one pass of the event loop;
    a batch of cards or a prepared piece due in the same pass made a 40-50 ms freeze.
    Held, nothing is built or added until the page's first frame is painted."""
    monkeypatch.setattr(feedback_module, "FIRST_FRAME_WAIT_S", 30.0)  # only a paint ends it
    records = [graded("q1"), graded("q2", LONG), graded("q3")]
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.prepare(records, RUBRICS)
    view.hold_for_first_frame()
    show(view, records)
    qtbot.wait(300)  # several card gaps and preparation ticks
    assert view.cards == [] and view.building
    assert not any(c.complete for c in stashed(view))
    painted: list[float] = []
    added: list[float] = []
    insert = view._insert

    def timed_insert(card: QuestionCard, **kwargs: bool) -> None:
        added.append(time.perf_counter())
        insert(card, **kwargs)

    monkeypatch.setattr(view, "_insert", timed_insert)
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.perf_counter())
            return False

    paints = Paints()
    view.installEventFilter(paints)
    view.show()
    qtbot.waitUntil(lambda: not view.building, timeout=5000)
    assert painted and added and min(added) > painted[0]
    assert [c.record.question.id for c in view.cards] == ["q1", "q2", "q3"]


def test_a_held_page_that_never_comes_to_the_front_is_still_completed(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another page was asked for before this one came in front: no frame of it is
    painted, and the hold ends after `FIRST_FRAME_WAIT_S`, not never."""
    monkeypatch.setattr(feedback_module, "FIRST_FRAME_WAIT_S", 0.2)
    records = [graded("q1"), graded("q2")]
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.hold_for_first_frame()
    show(view, records)
    qtbot.wait(100)
    assert view.cards == []
    qtbot.waitUntil(lambda: not view.building, timeout=5000)
    assert not view.isVisible()
    assert [c.record.question.id for c in view.cards] == ["q1", "q2"]
