"""History, progress and export screens over a real session database.

Sessions are written the way the app writes them: an InterviewEngine fed answers and
grades, the turns and grades saved as they happen, `build_report` at the end. The file
dialog and the yes/no questions are injected, so nothing here opens a modal window.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.core.engine import InterviewEngine
from interviewer.core.models import CriterionScore, Grade
from interviewer.core.report import Report, build_report
from interviewer.gui.controller import Controller, open_store
from interviewer.gui.history import feedback_from_report
from interviewer.gui.main_window import EXPORT_FILTERS, MainWindow, export_file_name
from interviewer.gui.progress import (
    SERIES_COLOURS,
    LineChart,
    ProgressView,
    Series,
    practice_track,
    progress_data,
)
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionPlan, SessionStore
from tests.factories import question, rubric, track
from tests.gui_helpers import Confirmations, FakeClock, quoting_grade, settle

TOPICS = {
    "q1": ["bias-variance"],
    "q2": ["regularization"],
    "q3": ["clustering"],
    "q4": ["regularization", "overfitting"],
    "q5": ["evaluation metrics"],
}


def library() -> ContentLibrary:
    lib = ContentLibrary()
    t = track(limit=0, minutes=30, count=2)
    lib.tracks[t.id] = t
    lib.rubrics["technical"] = rubric()
    for qid, topics in TOPICS.items():
        lib.questions[qid] = question(qid).model_copy(update={"topics": topics})
    return lib


def a_grade(qid: str, score: float) -> Grade:
    level = max(1, min(5, round(score / 20)))
    return Grade(
        question_id=qid,
        rubric_id="technical",
        criteria=[
            CriterionScore(criterion_id="correctness", evidence=["bias"], score=level),
            CriterionScore(criterion_id="depth", evidence=[], score=max(1, level - 2)),
        ],
        overall_score=score,
        backend="test",
    )


def answer_text(qid: str) -> str:
    return f"My answer on {qid}: bias and variance pull against each other."


def record(
    store: SessionStore,
    lib: ContentLibrary,
    scores: list[tuple[str, float | None]],
    started_at: str,
    *,
    finish: bool = True,
    draft: str = "",
) -> str:
    """One session: each (question, score) answered and graded, or skipped when None."""
    t = lib.track("t")
    qs = [lib.questions[qid] for qid, _ in scores]
    clock = FakeClock()
    eng = InterviewEngine(t, qs, lib.rubrics, follow_ups=False, clock=clock)
    sid = store.create_session(
        track_id=t.id,
        track_name=t.name,
        backend="scripted",
        backend_label="Scripted test backend",
        plan=SessionPlan(question_ids=[q.id for q in qs], duration_seconds=eng.duration),
        started_at=started_at,
    )
    eng.start()
    for i, (qid, score) in enumerate(scores):
        eng.on_interviewer_text("")
        clock.advance(60)
        if not finish and i == len(scores) - 1:
            break  # interrupted while typing this answer
        if score is None:
            eng.skip()
        else:
            eng.submit_answer(answer_text(qid))
    for turn in eng.transcript:
        store.add_turn(sid, turn)
    if not finish:
        qid = scores[-1][0]
        store.save_draft(sid, qid, draft, 60, eng.interview_seconds_left())
        return sid
    eng.on_interviewer_text("")  # the wrap-up
    by_id = dict(scores)
    for req in eng.take_grading_requests():
        score = by_id[req.question.id]
        assert score is not None
        g = a_grade(req.question.id, score)
        store.save_grade(sid, req.question.id, g)
        eng.on_grade(req.request_id, g)
    report = build_report(
        eng,
        backend="scripted",
        backend_label="Scripted test backend",
        started_at=started_at,
        session_id=sid,
    )
    store.finish_session(sid, report)
    return sid


@dataclass
class SaveFile:
    """Answers the export file dialog and records what it was shown."""

    answer: tuple[str, str] = ("", "")
    asked: list[tuple[str, str, str]] = field(default_factory=list)
    preselected: list[str] = field(default_factory=list)  # the file type shown first

    def __call__(
        self, _parent: object, caption: str, suggested: str, filters: str, selected: str = ""
    ) -> tuple[str, str]:
        self.asked.append((caption, suggested, filters))
        self.preselected.append(selected)
        return self.answer


@dataclass
class Win:
    window: MainWindow
    controller: Controller
    confirm: Confirmations
    save_file: SaveFile
    store: SessionStore


def open_window(qtbot: QtBot, lib: ContentLibrary | None = None) -> Win:
    confirm, save_file = Confirmations(), SaveFile()
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    store = open_store()
    controller = Controller(
        lib or library(),
        Settings(),
        SecretStore(),
        backend=backend,
        clock=FakeClock(),
        rng=random.Random(0),
        store=store,
    )
    window = MainWindow(controller, confirm=confirm, save_file=save_file)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    return Win(window, controller, confirm, save_file, store)


def three_sessions(store: SessionStore, lib: ContentLibrary) -> tuple[str, str, str]:
    old = record(store, lib, [("q1", 80.0), ("q2", 40.0)], "2025-03-01T09:00:00+00:00")
    new = record(store, lib, [("q3", 30.0), ("q4", None)], "2025-03-05T09:00:00+00:00")
    open_ = record(
        store,
        lib,
        [("q5", 70.0), ("q1", None)],
        "2025-03-06T09:00:00+00:00",
        finish=False,
        draft="A draft never submitted",
    )
    store.mark_abandoned(open_)
    return old, new, open_


def cell(win: Win, row: int, col: int) -> str:
    proxy = win.window.history.proxy
    return str(proxy.index(row, col).data())


# --------------------------------------------------------------------------- history


def test_history_lists_sessions_newest_first(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    old, new, unfinished = three_sessions(win.store, win.controller.library)
    win.window.history_action.trigger()
    settle(qtbot)
    h = win.window.history
    assert win.window.stack.currentWidget() is h
    assert [r.id for r in h.model.rows] == [unfinished, new, old]
    assert [cell(win, r, 6) for r in range(3)] == ["Unfinished", "Finished", "Finished"]
    assert [cell(win, r, 3) for r in range(3)] == ["—", "15", "60"]  # a skip counts 0
    assert cell(win, 1, 1) == "Test track" and cell(win, 1, 2) == "Scripted test backend"
    assert cell(win, 1, 5) == "2:00" and cell(win, 1, 4) == "1"
    assert h.summary.text() == "3 interviews · 2 finished · average score 38"
    # The newest is selected; an unfinished session opens but has no report to export.
    assert h.selected_id() == unfinished
    assert h.open_button.isEnabled() and not h.export_button.isEnabled()
    h.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # by score, as numbers
    assert [cell(win, r, 3) for r in range(3)] == ["60", "15", "—"]
    h.select(new)
    assert h.export_button.isEnabled()


def test_history_is_reachable_from_home_but_not_mid_interview(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    qtbot.mouseClick(win.window.home.history_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert win.window.stack.currentWidget() is win.window.history
    assert win.window.history.pages.currentWidget() is win.window.history.empty
    win.window.history.back_button.click()
    win.window.home.start_button.click()
    qtbot.waitUntil(lambda: win.controller.answering)
    assert not win.window.history_action.isEnabled()
    assert not win.window.home.progress_button.isEnabled()
    win.window.show_history()
    settle(qtbot)
    assert win.window.stack.currentWidget() is win.window.interview


def test_open_a_finished_and_an_unfinished_session(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    _old, new, unfinished = three_sessions(win.store, win.controller.library)
    win.window.show_history()
    settle(qtbot)
    win.window.history.select(new)
    win.window.history.open_button.click()
    settle(qtbot)
    fb = win.window.feedback
    assert win.window.stack.currentWidget() is fb
    assert fb.overall_label is not None
    assert fb.overall_label.accessibleName() == "Overall score 15 out of 100"
    assert len(fb.cards) == 2 and fb.export_button.isEnabled()
    assert fb.cards[0].answers[0].full_text == answer_text("q3")
    assert fb.cards[0].criteria[0].level_text == "level 2 description"  # rubric from report
    assert fb.cards[1].record.status == "skipped"

    win.window.show_history()
    settle(qtbot)
    win.window.history.select(unfinished)
    qtbot.keyClick(win.window.history.table, Qt.Key.Key_Return)
    settle(qtbot)
    assert win.window.stack.currentWidget() is fb
    assert not fb.export_button.isEnabled()  # an unfinished session has no report
    assert win.window.banner.level == "info" and "not finished" in win.window.banner.text.text()


def test_unfinished_session_shows_its_draft(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    sid = record(
        win.store,
        win.controller.library,
        [("q5", 70.0), ("q1", None)],
        "2025-03-06T09:00:00+00:00",
        finish=False,
        draft="A draft never submitted",
    )
    win.store.mark_abandoned(sid)
    win.window.show_history()
    settle(qtbot)
    win.window.history.open_button.click()
    settle(qtbot)
    fb = win.window.feedback
    texts = [box.full_text for c in fb.cards for box in c.answers]
    assert texts == [answer_text("q5"), "A draft never submitted"]
    assert all(c.record.grade is None for c in fb.cards)


def test_delete_one_and_delete_all_ask_first(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    old, new, unfinished = three_sessions(win.store, win.controller.library)
    win.window.show_history()
    settle(qtbot)
    h = win.window.history
    h.select(new)
    win.confirm.answers = [False]
    h.delete_button.click()
    settle(qtbot)
    assert win.confirm.asked == ["Delete this interview?"]
    assert win.store.get_session(new) is not None and len(h.model.rows) == 3

    win.confirm.answers = [True]
    qtbot.keyClick(h.table, Qt.Key.Key_Delete)
    settle(qtbot)
    assert win.store.get_session(new) is None
    assert [r.id for r in h.model.rows] == [unfinished, old]

    win.confirm.answers = [False]
    h.delete_all_button.click()
    settle(qtbot)
    assert len(win.store.list_sessions()) == 2
    win.confirm.answers = [True]
    h.delete_all_button.click()
    settle(qtbot)
    assert win.confirm.asked[-1] == "Delete all data?"
    assert win.store.list_sessions() == [] and h.model.rows == []
    assert h.pages.currentWidget() is h.empty and not h.delete_all_button.isEnabled()
    assert "Deleted 2 interviews" in win.window.banner.text.text()


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("ext", [".md", ".html", ".pdf", ".json"])
def test_export_writes_each_format_through_the_file_dialog(
    qtbot: QtBot, tmp_path: Path, ext: str
) -> None:
    win = open_window(qtbot)
    _old, new, _ = three_sessions(win.store, win.controller.library)
    win.window.show_history()
    settle(qtbot)
    win.window.history.select(new)
    target = tmp_path / "out" / f"my report{ext}"
    win.save_file.answer = (str(target), EXPORT_FILTERS[ext])
    win.window.history.export_button.click()
    settle(qtbot)
    (caption, suggested, filters) = win.save_file.asked[0]
    assert caption == "Export report"
    assert Path(suggested).name == "interview-test-track-2025-03-05.md"
    assert filters.split(";;") == list(EXPORT_FILTERS.values())
    assert target.is_file()
    data = target.read_bytes()
    if ext == ".pdf":
        assert data.startswith(b"%PDF")
    elif ext == ".json":
        loaded = json.loads(data)
        assert loaded["session_id"] == new and loaded["schema_version"] >= 1
    else:
        assert answer_text("q3") in data.decode("utf-8")
    assert win.window.banner.level == "info" and str(target) in win.window.banner.text.text()
    assert win.window.export_dir == target.parent


def test_export_adds_the_chosen_type_and_reports_failures(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot)
    _old, new, _ = three_sessions(win.store, win.controller.library)
    report = win.store.get_report(new)
    assert report is not None
    win.save_file.answer = (str(tmp_path / "plain"), EXPORT_FILTERS[".json"])
    # The file is written off the GUI thread; export_finished says how it went.
    with qtbot.waitSignal(win.window.export_finished) as done:
        assert win.window.export_report(report) == (tmp_path / "plain.json").resolve()
    assert done.args is not None and done.args[0] == (tmp_path / "plain.json").resolve()
    assert json.loads((tmp_path / "plain.json").read_text(encoding="utf-8"))["session_id"] == new

    win.save_file.answer = ("", "")  # cancelled
    assert win.window.export_report(report) is None
    assert win.save_file.asked[-1][1].startswith(str(tmp_path))  # the last folder is kept

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    win.save_file.answer = (str(blocker / "r.md"), EXPORT_FILTERS[".md"])
    with qtbot.waitSignal(win.window.export_finished) as failed:
        win.window.export_report(report)
    assert failed.args is not None and failed.args[0] is None
    assert win.window.banner.level == "error"
    assert "Choose another folder" in win.window.banner.text.text()


def test_export_from_the_feedback_screen_after_an_interview(qtbot: QtBot, tmp_path: Path) -> None:
    win = open_window(qtbot)
    win.window.home.count.setValue(1)
    win.window.home.start_button.click()
    qtbot.waitUntil(lambda: win.controller.answering)
    win.window.interview.answer.setPlainText("Regularization shrinks weights to cut variance.")
    win.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            win.window.stack.currentWidget() is win.window.feedback
            and win.controller.results is not None
        )
    )
    win.save_file.answer = (str(tmp_path / "r.md"), EXPORT_FILTERS[".md"])
    win.window.feedback.export_button.click()
    settle(qtbot)
    text = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert "Regularization shrinks weights to cut variance." in text
    results = win.controller.results
    assert results is not None and results.report is not None
    assert win.store.get_report(results.report.session_id) == results.report


def test_export_file_name_uses_track_and_local_date(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    _old, new, _ = three_sessions(win.store, win.controller.library)
    report = win.store.get_report(new)
    assert report is not None
    renamed = report.model_copy(update={"track_name": "ML Full Loop / Onsite!"})
    assert export_file_name(renamed, ".pdf") == "interview-ml-full-loop-onsite-2025-03-05.pdf"


def test_feedback_from_a_report_needs_no_content_files(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    _old, new, _ = three_sessions(win.store, win.controller.library)
    report = win.store.get_report(new)
    assert report is not None
    gone = report.model_copy(
        update={
            "questions": [q.model_copy(update={"question_id": "gone"}) for q in report.questions]
        }
    )
    records, summary, rubrics = feedback_from_report(gone, ContentLibrary())
    assert [r.status for r in records] == ["answered", "skipped"]
    assert records[0].question.text == report.questions[0].text
    assert rubrics["technical"].criterion("depth").levels[1] == "level 1 description"
    assert summary == report.summary
    win.window.feedback.show_results(records, summary, rubrics)
    assert len(win.window.feedback.cards) == 2


# --------------------------------------------------------------------------- progress


def reports(store: SessionStore) -> list[Report]:
    out = []
    for row in store.list_sessions("finished"):
        r = store.get_report(row.id)
        assert r is not None
        out.append(r)
    return out


def test_progress_numbers_from_reports(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    old, new, _ = three_sessions(win.store, win.controller.library)
    data = progress_data(reports(win.store))
    assert [p.session_id for p in data.points] == [old, new]  # oldest first
    assert [p.overall for p in data.points] == [60.0, 15.0]
    assert data.points[0].per_category == {"technical": 60.0}
    assert data.points[0].per_criterion["technical"] == {"correctness": 3.0, "depth": 1.5}
    topics = [(t.topic, t.average, t.answers) for t in data.weak_topics]
    assert topics == [
        ("overfitting", 0.0, 1),  # q4 was skipped: counts as 0
        ("regularization", 20.0, 2),  # q2 40 and q4 0
        ("clustering", 30.0, 1),
        ("bias-variance", 80.0, 1),
    ]
    assert [c.criterion_id for c in data.weak_criteria] == ["depth", "correctness"]
    assert data.weak_criteria[0].name == "Depth" and data.weak_criteria[0].count == 3
    assert round(data.weak_criteria[0].average, 2) == 1.33  # 2, 1 and 1 (the skip has none)
    assert data.last_scores == {"q1": 80.0, "q2": 40.0, "q3": 30.0, "q4": 0.0}
    # Only recent sessions decide the weak topics.
    assert [t.topic for t in progress_data(reports(win.store), recent=1).weak_topics] == [
        "overfitting",
        "regularization",
        "clustering",
    ]


def test_practice_track_covers_each_weak_topic_first() -> None:
    lib = library()
    lib.questions["q6"] = question("q6").model_copy(update={"topics": ["clustering"]})
    data = progress_data([])
    data.last_scores.update({"q2": 40.0, "q4": 0.0, "q3": 30.0})
    t = practice_track(lib, ["regularization", "clustering"], data, count=3)
    assert t is not None
    # One per topic first; unseen questions before seen ones; then the lowest scored.
    assert t.questions == ["q4", "q6", "q2"]
    assert t.id == "t" and t.name == "Weak topics: regularization, clustering"
    assert t.question_count == 3 and t.selection == "ordered" and t.duration_minutes == 45
    chosen = lib.select_questions(t, t.question_count)
    assert [q.id for q in chosen] == t.questions
    assert practice_track(lib, ["no such topic"], data) is None


def test_progress_screen_and_practise_my_weak_topics(qtbot: QtBot) -> None:
    win = open_window(qtbot)
    three_sessions(win.store, win.controller.library)
    win.window.progress_action.trigger()
    settle(qtbot)
    p = win.window.progress
    assert win.window.stack.currentWidget() is p
    assert p.topics == ["overfitting", "regularization", "clustering"]
    assert p.headline.text() == "Weakest topics: overfitting, regularization, clustering"
    assert not p.category_chart.empty and not p.criterion_chart.empty
    assert [s.name for s in p.category_chart.series] == ["Overall", "Technical"]
    assert [s.name for s in p.criterion_chart.series] == ["Correctness", "Depth"]
    assert [lbl.text() for lbl in p.topic_rows][:2] == ["overfitting", "regularization"]
    assert p.criterion_rows[0].text() == "Depth"

    qtbot.mouseClick(p.practise_button, Qt.MouseButton.LeftButton)
    assert win.window.stack.currentWidget() is win.window.interview
    engine = win.controller.engine
    assert engine is not None
    asked = [r.question.id for r in engine.records]
    assert asked[0] == "q4" and set(asked) <= {"q2", "q3", "q4"}
    assert engine.track.name.startswith("Weak topics: overfitting")
    sid = win.controller.session_id
    row = win.store.get_session(sid or "")
    assert row is not None and row.track_name == engine.track.name and row.track_id == "t"


def _pixels(image: QImage, colour: str) -> int:
    want = QColor(colour)
    count = 0
    for y in range(0, image.height(), 2):
        for x in range(0, image.width(), 2):
            c = image.pixelColor(x, y)
            if (
                abs(c.red() - want.red())
                + abs(c.green() - want.green())
                + abs(c.blue() - want.blue())
                < 30
            ):
                count += 1
    return count


def test_line_chart_draws_data_and_says_when_there_is_none(qtbot: QtBot) -> None:
    chart = LineChart("Scores", 0, 100, 25)
    qtbot.addWidget(chart)
    chart.resize(420, 220)
    assert chart.empty and chart.accessibleDescription() == "No finished interviews yet."
    empty = chart.grab().toImage()
    assert not empty.isNull() and _pixels(empty, SERIES_COLOURS[1]) == 0

    chart.set_data(
        ["01 Mar", "05 Mar", "09 Mar"],
        [
            Series("Technical", SERIES_COLOURS[1], [40.0, None, 70.0]),
            Series("None", "#000", [None] * 3),
        ],
    )
    assert not chart.empty and [s.name for s in chart.series] == ["Technical"]  # all-None dropped
    assert "Technical: latest 70, first 40, 2 sessions" in chart.accessibleDescription()
    drawn = chart.grab().toImage()
    assert _pixels(drawn, SERIES_COLOURS[1]) > 40
    # Tooltips know where each point is.
    tips = [tip for _pt, tip in chart._points]
    assert tips == ["Technical: 40 · 01 Mar", "Technical: 70 · 09 Mar"]
    chart.resize(250, 170)  # the smallest size still paints without error
    assert not chart.grab().toImage().isNull()


def test_progress_view_with_no_sessions(qtbot: QtBot) -> None:
    view = ProgressView()
    qtbot.addWidget(view)
    view.resize(760, 540)
    view.show()
    assert view.category_chart.empty and view.criterion_chart.empty
    assert not view.practise_button.isEnabled()
    assert "after your first interview" in view.headline.text()
    assert not view.grab().toImage().isNull()


def test_history_marks_the_sessions_that_have_recordings(qtbot: QtBot) -> None:
    from interviewer.gui.history import SORT_ROLE

    win = open_window(qtbot)
    old, new, unfinished = three_sessions(win.store, win.controller.library)
    for sid, names in ((new, ["q3-0.wav", "q4-0.wav"]), (unfinished, ["q5-0.wav"])):
        folder = win.store.session_dir(sid)
        assert folder is not None
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            (folder / name).write_bytes(b"RIFF....WAVE")
        (folder / "q5-0.wav.json").write_text("{}")  # a transcript beside it is no recording
    win.window.history_action.trigger()
    settle(qtbot)
    h = win.window.history
    assert [r.id for r in h.model.rows] == [unfinished, new, old]
    assert [cell(win, r, 6) for r in range(3)] == [
        "Unfinished · 1 recording",
        "Finished · 2 recordings",
        "Finished",
    ]
    tip = h.proxy.index(1, 6).data(Qt.ItemDataRole.ToolTipRole)
    assert tip == "Answered aloud: 2 recordings kept; open the session to replay them."
    assert h.proxy.index(2, 6).data(Qt.ItemDataRole.ToolTipRole) is None
    assert h.proxy.index(1, 6).data(SORT_ROLE).startswith("finished")
    # Deleting the recordings' session folder takes the marker away on the next read.
    win.store.delete_session(new)
    assert [r.recordings for r in win.store.list_sessions()] == [1, 0]
