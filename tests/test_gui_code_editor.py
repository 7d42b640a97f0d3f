"""The coding round in the window: the editor, Run examples, submit, feedback, resume.

The editor tests read the formats the highlighter put on a block's layout. The window
tests run the real guarded runner (a child Python per run, about half a second each)
on the real `code-precision-recall` question.
"""

from __future__ import annotations

import html
import random
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontDatabase, QPalette, QTextCursor
from PySide6.QtWidgets import QTableWidget
from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.core.models import Question
from interviewer.gui.code_editor import COLOURS, CodeEditor
from interviewer.gui.controller import Controller, open_store
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.content_files import load_library
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.factories import follow, track
from tests.gui_helpers import Confirmations, FakeClock, quoting_grade, settle

QID = "code-precision-recall"

SAMPLE = '''import numpy as np


@decorated
def f(x, y=3):
    """Docstring with return and for in it,
    over two lines."""
    s = "if while"  # a comment with def
    return x + 42
'''

#: The reference with precision and recall swapped: fails the hidden tests that tell
#: them apart, passes the symmetric ones.
SWAPPED = """import numpy as np


def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true) == 1
    p = np.asarray(y_pred) == 1
    tp = float(np.sum(t & p))

    recall = tp / p.sum() if p.sum() else 0.0
    precision = tp / t.sum() if t.sum() else 0.0
    if precision + recall == 0:
        return 0.0, 0.0, 0.0
    return float(precision), float(recall), 2 * precision * recall / (precision + recall)
"""


# --------------------------------------------------------------------------- the editor


def formats_of(editor: CodeEditor, line: int) -> list[tuple[str, str]]:
    """(text, colour) of every formatted range of one line, as the highlighter left them."""
    block = editor.document().findBlockByNumber(line)
    layout = block.layout()
    assert layout is not None
    return [
        (block.text()[r.start : r.start + r.length], r.format.foreground().color().name())
        for r in layout.formats()
    ]


def colour(kind: str, dark: bool = False) -> str:
    return QColor(COLOURS[kind][1 if dark else 0]).name()


@pytest.fixture
def editor(qtbot: QtBot) -> CodeEditor:
    ed = CodeEditor()
    qtbot.addWidget(ed)
    ed.resize(500, 300)
    ed.show()
    return ed


def test_highlighting_colours_keywords_strings_comments_numbers(editor: CodeEditor) -> None:
    editor.setPlainText(SAMPLE)
    first = formats_of(editor, 0)
    assert ("import", colour("keyword")) in first and ("as", colour("keyword")) in first
    assert ("@decorated", colour("decorator")) in formats_of(editor, 3)
    define = formats_of(editor, 4)
    assert ("def", colour("keyword")) in define and ("f", colour("definition")) in define
    assert ("3", colour("number")) in define
    # A triple-quoted string runs over two lines; the words inside are string, not keyword.
    doc_1, doc_2 = formats_of(editor, 5), formats_of(editor, 6)
    assert doc_1[-1] == ('"""Docstring with return and for in it,', colour("string"))
    assert doc_2 == [('    over two lines."""', colour("string"))]
    assert ("return", colour("keyword")) not in doc_1
    line = formats_of(editor, 7)
    assert ('"if while"', colour("string")) in line
    assert ("# a comment with def", colour("comment")) in line
    assert ("if", colour("keyword")) not in line and ("def", colour("keyword")) not in line
    last = formats_of(editor, 8)
    assert ("return", colour("keyword")) in last and ("42", colour("number")) in last
    # After the string closed, the next lines are code again.
    assert all(c != colour("string") for _t, c in last)


def test_a_dark_window_gets_the_dark_colours(editor: CodeEditor) -> None:
    editor.setPlainText("def f():\n    return 'x'  # c\n")
    assert not editor.highlighter.dark
    pal = QPalette(editor.palette())
    pal.setColor(QPalette.ColorRole.Window, QColor("#1e1e1e"))
    pal.setColor(QPalette.ColorRole.Base, QColor("#161616"))
    editor.setPalette(pal)
    assert editor.highlighter.dark
    line = formats_of(editor, 1)
    assert ("return", colour("keyword", dark=True)) in line
    assert ("'x'", colour("string", dark=True)) in line
    assert ("# c", colour("comment", dark=True)) in line


def test_enter_keeps_the_indent_and_adds_four_after_a_colon(
    qtbot: QtBot, editor: CodeEditor
) -> None:
    editor.setFocus()
    qtbot.keyClicks(editor, "def f(x):")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "if x:  # positive")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "return 1")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.keyClicks(editor, "y = 2")
    assert editor.toPlainText() == (
        "def f(x):\n    if x:  # positive\n        return 1\n        y = 2"
    )
    # Backspace in the indent goes back four columns at once.
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
    cursor.movePosition(QTextCursor.MoveOperation.Right, n=8)  # the end of the indent
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Backspace)
    assert editor.toPlainText().endswith("\n    y = 2")


def test_tab_indents_and_shift_tab_dedents(qtbot: QtBot, editor: CodeEditor) -> None:
    editor.setPlainText("x = 1\ny = 2\nz = 3")
    editor.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "    x = 1\ny = 2\nz = 3"
    assert editor.hasFocus() or not editor.tabChangesFocus()
    qtbot.keyClick(editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == "x = 1\ny = 2\nz = 3"
    # A selection over two lines indents both, and Shift+Tab takes both back.
    cursor = editor.textCursor()
    cursor.setPosition(0)
    cursor.setPosition(8, QTextCursor.MoveMode.KeepAnchor)  # into line 2
    editor.setTextCursor(cursor)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)
    assert editor.toPlainText() == "    x = 1\n    y = 2\nz = 3"
    qtbot.keyClick(editor, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert editor.toPlainText() == "x = 1\ny = 2\nz = 3"


def test_the_line_number_gutter_grows_with_the_line_count(editor: CodeEditor) -> None:
    editor.setPlainText("\n".join(f"x{i} = {i}" for i in range(5)))
    narrow = editor.line_number_width()
    assert editor.viewportMargins().left() == narrow and narrow > 0
    editor.setPlainText("\n".join(f"x{i} = {i}" for i in range(150)))
    wide = editor.line_number_width()
    assert wide > narrow
    assert editor.viewportMargins().left() == wide
    assert editor.gutter.width() == wide


# --------------------------------------------------------------------------- the window


def coding_library(
    time_limit: float | None = None, follow_ups: int = 0
) -> tuple[ContentLibrary, Question]:
    full = load_library(Path("/nonexistent-user-dir"))
    q = full.questions[QID]
    if time_limit is not None:
        assert q.coding is not None
        q = q.model_copy(update={"coding": q.coding.model_copy(update={"time_limit": time_limit})})
    lib = ContentLibrary()
    t = track(limit=follow_ups, count=1).model_copy(update={"kinds": ["coding"], "name": "Coding"})
    lib.tracks[t.id] = t
    lib.rubrics["coding"] = full.rubrics["coding"]
    lib.questions[q.id] = q
    return lib, q


def launch(
    qtbot: QtBot,
    lib: ContentLibrary,
    clock: FakeClock | None = None,
    backend: ScriptedBackend | None = None,
) -> MainWindow:
    backend = backend or ScriptedBackend(
        default_turn=lambda r: r.question.text if r.question else "Thanks, bye.",
        default_grade=quoting_grade,
    )
    controller = Controller(
        lib,
        Settings(),
        SecretStore(),
        backend=backend,
        clock=clock or FakeClock(),
        rng=random.Random(0),
        store=open_store(),
    )
    window = MainWindow(controller, confirm=Confirmations())
    qtbot.addWidget(window)
    window.resize(1100, 800)
    window.show()
    settle(qtbot)
    return window


def begin(qtbot: QtBot, window: MainWindow) -> None:
    window.home.track_list.setCurrentRow(0)
    qtbot.mouseClick(window.home.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.answering)


def cell(table: QTableWidget, row: int, column: int) -> str:
    item = table.item(row, column)
    assert item is not None
    return item.text()


def run_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    panel = window.interview.coding
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.running and not panel.run_button.isEnabled()
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)


def test_a_coding_question_opens_the_editor_with_the_starter(qtbot: QtBot) -> None:
    lib, q = coding_library()
    window = launch(qtbot, lib)
    window.interview.voice.set_problem("")  # as if a microphone and an engine were there
    begin(qtbot, window)
    view = window.interview
    assert q.coding is not None
    assert view.coding.isVisibleTo(window) and not view.answer.isVisibleTo(window)
    assert view.coding.code() == q.coding.starter
    assert html.escape(q.coding.signature) in view.coding.signature.text()
    assert window.controller.engine is not None
    assert window.controller.engine.draft == q.coding.starter  # the code is the draft
    assert view.coding.editor.hasFocus()
    assert not view.voice.record_action.isEnabled()  # code is typed, not spoken
    assert not view.voice_bar.isVisibleTo(window)
    # Pausing makes the editor read-only and stops runs; resuming gives it back.
    window.controller.toggle_pause()
    assert view.coding.editor.isReadOnly() and not view.coding.run_button.isEnabled()
    assert not view.coding.run_examples()
    window.controller.toggle_pause()
    assert not view.coding.editor.isReadOnly() and view.coding.run_button.isEnabled()


def test_run_examples_runs_the_real_tests_off_the_gui_thread(qtbot: QtBot) -> None:
    lib, q = coding_library()
    assert q.coding is not None
    window = launch(qtbot, lib)
    begin(qtbot, window)
    panel = window.interview.coding

    assert "# your code here" in panel.code()
    panel.set_code(panel.code().replace("# your code here", "print('looking at', y_true)"))
    run_and_wait(qtbot, window)  # the starter returns zeros: both examples fail
    assert panel.status.text().startswith("0 of 2 examples passed")
    assert panel.table.isVisibleTo(window) and panel.table.rowCount() == 2
    names = [cell(panel.table, r, 0) for r in range(2)]
    assert names == [t.name for t in q.coding.examples]
    assert all("failed" in cell(panel.table, r, 1) for r in range(2))
    assert "got (0.0, 0.0, 0.0)" in cell(panel.table, 0, 2)
    # What the code printed is shown under the table.
    assert panel.output.isVisibleTo(window)
    assert "looking at [1, 0, 1, 1]" in panel.output.toPlainText()

    panel.set_code(q.coding.reference)
    run_and_wait(qtbot, window)
    assert panel.status.text().startswith("2 of 2 examples passed")
    assert all("passed" in cell(panel.table, r, 1) for r in range(2))
    assert not panel.output.isVisibleTo(window)  # nothing printed this time
    assert window.controller.engine is not None
    assert window.controller.engine.draft == q.coding.reference


def test_an_endless_loop_times_out_and_the_window_stays_responsive(qtbot: QtBot) -> None:
    lib, _q = coding_library(time_limit=1.5)
    window = launch(qtbot, lib)
    begin(qtbot, window)
    panel = window.interview.coding
    panel.set_code("def precision_recall_f1(y_true, y_pred):\n    while True:\n        pass\n")
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    assert panel.running
    # The GUI thread is free while the child spins: typing lands in the editor at once.
    panel.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(panel.editor, "# still typing")
    assert panel.code().endswith("# still typing") and panel.running
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)
    assert "timed out after 1.5 s" in panel.status.text()
    assert panel.table.rowCount() == 2


def test_submit_runs_the_hidden_tests_and_the_feedback_shows_them(qtbot: QtBot) -> None:
    lib, q = coding_library()
    assert q.coding is not None
    window = launch(qtbot, lib)
    begin(qtbot, window)
    window.interview.coding.set_code(SWAPPED)
    window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            window.stack.currentWidget() is window.feedback
            and window.controller.results is not None
        ),
        timeout=30_000,
    )
    settle(qtbot)
    # The overview shows at once; the question cards follow in small pieces.
    qtbot.waitUntil(lambda: not window.feedback.building)
    cards = window.feedback.cards
    assert len(cards) == 1
    card = cards[0]
    card.finish()
    grade = card.record.grade
    assert grade is not None and grade.tests is not None
    assert 0 < grade.tests.passed < grade.tests.total == len(q.coding.hidden)
    # The table: every hidden test, by name, with its result and what happened.
    assert [name for name, _r, _m in card.test_rows] == [t.name for t in q.coding.hidden]
    failed = {name for name, result, _m in card.test_rows if result == "failed"}
    assert "precision and recall differ" in failed
    assert "no predicted positives" not in failed
    # The code as written (indentation and the blank line kept) and the reference.
    assert card.code_view is not None and card.code_view.toPlainText() == SWAPPED.strip("\n")
    assert card.reference_view is not None
    assert card.reference_view.toPlainText() == q.coding.reference.strip("\n")
    assert card.code_view.font().fixedPitch()


def test_code_with_indentation_and_blank_lines_survives_a_resume(qtbot: QtBot) -> None:
    lib, _q = coding_library()
    first = launch(qtbot, lib)
    begin(qtbot, first)
    sid = first.controller.session_id
    code = SWAPPED + "\n\n    \n# trailing comment, after blank and space-only lines\n"
    first.interview.coding.set_code(code)
    first.controller.autosave_timer.timeout.emit()
    qtbot.waitUntil(lambda: not first.controller.session.saving)
    first.controller.abandon()  # a kill: nothing more is written

    second = launch(qtbot, lib)
    offer = second.resume_offer
    assert offer.session_id == sid
    qtbot.mouseClick(offer.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.controller.answering)
    view = second.interview
    assert view.coding.isVisibleTo(second) and not view.answer.isVisibleTo(second)
    assert view.coding.code() == code
    assert second.controller.engine is not None and second.controller.engine.draft == code


def test_time_out_submits_the_code_and_a_follow_up_is_typed_in_the_answer_box(
    qtbot: QtBot,
) -> None:
    lib, q = coding_library(follow_ups=1)
    clock = FakeClock()
    backend = ScriptedBackend(
        default_turn=lambda r: r.question.text if r.question else "Thanks, bye.",
        default_grade=quoting_grade,
    )
    backend.enqueue_follow_up(follow("What is the time complexity of your function?"))
    window = launch(qtbot, lib, clock, backend)
    begin(qtbot, window)
    view = window.interview
    view.coding.set_code(SWAPPED)
    clock.advance(q.answer_seconds + 1)  # the window's clock timer notices
    engine = window.controller.engine
    assert engine is not None
    record = engine.records[0]
    qtbot.waitUntil(lambda: any(t.role == "candidate" for t in record.turns))
    answer = next(t for t in record.turns if t.role == "candidate")
    assert answer.text == SWAPPED and answer.timed_out  # the code exactly as written
    code_bubble = view.transcript.bubbles[-1]
    assert code_bubble.role == "candidate" and code_bubble.text == SWAPPED
    mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
    assert code_bubble.body.font().family() == mono  # shown as code
    # The follow-up is answered in words, in the ordinary answer box.
    qtbot.waitUntil(lambda: window.controller.answering, timeout=20_000)
    assert view.answer.isVisibleTo(window) and not view.answer.isReadOnly()
    assert not view.coding.isVisibleTo(window) and not view.coding_active
    assert view.answer.toPlainText() == ""
    qtbot.keyClicks(view.answer, "Linear in n.")
    assert engine.draft == "Linear in n."


# --------------------------------------------------------------------------- home


def test_home_lists_ml_coding_and_offers_a_coding_question_in_the_full_loop(
    qtbot: QtBot,
) -> None:
    full = load_library(Path("/nonexistent-user-dir"))
    window = launch(qtbot, full)
    home = window.home
    names = [home.track_list.item(r).text() for r in range(home.track_list.count())]
    assert full.tracks["ml-coding"].name in names  # listed like any track
    home.select_track("ml-coding")
    chosen = home.current_track()
    assert chosen is not None and chosen.id == "ml-coding"
    assert not home.include_coding.isVisibleTo(window)  # every question is coding there

    home.select_track("ml-technical")
    assert not home.include_coding.isVisibleTo(window)
    options = home.options()
    assert options is not None and not options.include_coding

    home.select_track("ml-full-loop")
    assert home.include_coding.isVisibleTo(window) and not home.include_coding.isChecked()
    options = home.options()
    assert options is not None and not options.include_coding  # off by default
    home.include_coding.setChecked(True)
    options = home.options()
    assert options is not None and options.include_coding

    qtbot.mouseClick(home.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.controller.answering)
    engine = window.controller.engine
    assert engine is not None
    kinds = [r.question.kind for r in engine.records]
    assert kinds[-1] == "coding" and kinds.count("coding") == 1
