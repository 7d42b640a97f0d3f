"""The coding round's answer area: the function to write, the editor, and example runs.

The interview screen shows a `CodingPanel` instead of its answer box while the open
answer is a coding question's main answer (a follow-up about complexity or edge cases
is answered in the ordinary box). The panel knows nothing about the interview: the
screen gives it the question and a starting text, and forwards `code_changed` to the
controller as the draft, exactly like typing in the answer box, so autosave, the clocks
running out, pause and resume treat code like any other answer.

"Run examples" runs the question's visible example tests in the guarded child process
(`interviewer.coding.runner.run_examples`) on a pool thread through `QueryOp`: the
window never waits for the candidate's code. A result that arrives after the question
changed is dropped (each run carries the generation it was started in). The hidden
tests are not run here: the session runs them when it grades the submitted answer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontDatabase,
    QKeySequence,
    QPalette,
    QResizeEvent,
    QShortcut,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.coding.runner import RunResult, run_examples
from interviewer.core.models import CodingSpec, Question, TestResult
from interviewer.gui import style
from interviewer.gui.code_editor import CodeEditor
from interviewer.gui.workers import QueryOp, user_message

RUN_KEYS = "F5"
#: Rows of results shown before the table scrolls.
VISIBLE_ROWS = 4


def result_rows(results: list[TestResult]) -> list[tuple[str, str, str]]:
    """(test, "passed"/"failed", what happened) for each result, as the table shows them."""
    return [
        (
            r.name,
            "passed" if r.ok else "failed",
            "" if r.ok and r.message == "passed" else r.message,
        )
        for r in results
    ]


def run_summary(result: RunResult) -> str:
    """One line over the table: how many passed, or why the run stopped."""
    if result.status == "ok":
        noun = "example" if result.total == 1 else "examples"
        return f"{result.passed} of {result.total} {noun} passed · {result.seconds:.1f} s"
    return result.message


def printed_text(result: RunResult) -> str:
    """What the code printed during the run (stdout, then stderr), for the output box."""
    parts = []
    if result.stdout.strip():
        parts.append("Printed:\n" + result.stdout.rstrip())
    if result.stderr.strip():
        parts.append("Errors printed:\n" + result.stderr.rstrip())
    return "\n\n".join(parts)


class TestTable(QTableWidget):
    """Test, result, what happened: one row per test (shared with the feedback page)."""

    __test__ = False

    def __init__(self, first: str = "Example", parent: QWidget | None = None) -> None:
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([first, "Result", "What happened"])
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWordWrap(True)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        head = self.horizontalHeader()
        head.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        head.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.setCornerButtonEnabled(False)
        for corner in self.findChildren(QAbstractButton):  # the unused corner button
            corner.setAccessibleName("Table corner")

    def set_results(self, results: list[TestResult]) -> None:
        good = style.message_colour("success", self.palette())
        bad = style.message_colour("danger", self.palette())
        self.setRowCount(len(results))
        for row, (name, verdict, message) in enumerate(result_rows(results)):
            mark = "✓ passed" if verdict == "passed" else "✗ failed"
            cells = [QTableWidgetItem(name), QTableWidgetItem(mark), QTableWidgetItem(message)]
            cells[1].setForeground(QColor(good if verdict == "passed" else bad))
            cells[2].setToolTip(message)
            for col, cell in enumerate(cells):
                self.setItem(row, col, cell)
        self.resizeRowsToContents()

    def fit_height(self, rows: int) -> None:
        """Tall enough for `rows` rows (and the header) before scrolling; when the window
        is short it may shrink to the header and one row (it scrolls), so the rows never
        push the run row over the editor."""
        shown = min(rows, self.rowCount()) or 1
        height = self.horizontalHeader().height() + 2 * self.frameWidth()
        first = height + (self.rowHeight(0) if self.rowCount() else 24)
        for row in range(shown):
            height += self.rowHeight(row) if row < self.rowCount() else 24
        self.setMinimumHeight(min(first, height) + 2)
        self.setMaximumHeight(height + 2)


#: Minimum heights (px) of the editor and the printed-output box.
EDITOR_MIN_HEIGHT = 80
OUTPUT_MIN_HEIGHT = 40


class CodingPanel(QWidget):
    """Signature, editor, "Run examples" and the examples' results (see module doc)."""

    code_changed = Signal(str)
    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Coding answer")
        self.spec: CodingSpec | None = None
        self.question_id = ""
        self._generation = 0
        self._op: QueryOp[RunResult] | None = None
        self.last_result: RunResult | None = None

        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(6)
        self.signature = QLabel()
        self.signature.setAccessibleName("Function to write")
        self.signature.setTextFormat(Qt.TextFormat.RichText)
        self.signature.setWordWrap(True)
        self.signature.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.signature)

        self.editor = CodeEditor()
        # Small minimums (about four lines of code, two of output): at the window's
        # smallest size the editor, the run row and the results must all fit, or the run
        # row is drawn over the editor's last lines. The editor takes any spare height.
        self.editor.setMinimumHeight(EDITOR_MIN_HEIGHT)
        self.editor.textChanged.connect(self._on_text_changed)
        self.editor.submit_requested.connect(self.submit_requested)
        lay.addWidget(self.editor, 1)

        row = QHBoxLayout()
        self.run_button = QPushButton("Run examples")
        self.run_button.setAccessibleName("Run the example tests")
        self.run_button.setToolTip(
            f"Run the visible example tests on your code ({RUN_KEYS}); the hidden tests "
            "run when you submit"
        )
        self.run_button.setAutoDefault(False)
        self.run_button.clicked.connect(self.run_examples)
        self.run_shortcut = QShortcut(QKeySequence(RUN_KEYS), self)
        self.run_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.run_shortcut.activated.connect(self.run_examples)
        self.status = QLabel()
        self.status.setAccessibleName("Example results")
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        row.addWidget(self.run_button)
        row.addWidget(self.status, 1)
        lay.addLayout(row)

        self.table = TestTable("Example")
        self.table.setAccessibleName("Example tests")
        self.table.setVisible(False)
        lay.addWidget(self.table)

        # What the code printed (print-debugging is how many candidates work).
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName("Printed output")
        self.output.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.output.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.output.setMaximumHeight(90)
        self.output.setMinimumHeight(OUTPUT_MIN_HEIGHT)
        self.output.setVisible(False)
        lay.addWidget(self.output)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """A wrapped label's minimum height is its height at this width. Layouts count a
        word-wrapped label as one line when they work out the panel's minimum, so at the
        window's smallest size the splitter gave the panel too little and the run row was
        drawn over the editor's last lines."""
        width = self.width()
        for label in (self.signature, self.status):
            room = width - (self.run_button.sizeHint().width() + 6 if label is self.status else 0)
            need = label.heightForWidth(max(1, room)) if label.text() else 0
            if need > 0 and label.minimumHeight() != need:
                label.setMinimumHeight(need)

    # -------------------------------------------------------------- content

    def set_question(self, question: Question, code: str) -> None:
        """Show `question`'s function and put `code` (the starter, or a draft) in the editor."""
        assert question.coding is not None
        self.spec = question.coding
        self.question_id = question.id
        self._generation += 1
        self._drop_run()
        self.signature.setText(
            f"Write <code style='font-family: monospace'>{style.esc(self.spec.signature)}</code>"
            f"<span style='color: {style.muted_colour(self.palette())}'>"
            " · Python with NumPy and the standard library</span>"
        )
        self.signature.setToolTip(question.text)
        self._fit_labels()
        self.set_code(code)
        self._show_status(self._idle_text())
        self.table.setRowCount(0)
        self.table.setVisible(False)
        self.output.clear()
        self.output.setVisible(False)
        self.last_result = None
        self._update_button()

    def set_code(self, code: str) -> None:
        """Replace the editor's text (a restored draft) and put the cursor at the top."""
        self.editor.setPlainText(code)
        self.editor.moveCursor(QTextCursor.MoveOperation.Start)

    def code(self) -> str:
        return self.editor.toPlainText()

    def clear(self) -> None:
        """The answer closed: forget the question; a run still going reports nowhere."""
        self._generation += 1
        self._drop_run()
        self.spec = None
        self.question_id = ""
        self.editor.blockSignals(True)
        self.editor.clear()
        self.editor.blockSignals(False)
        self.table.setRowCount(0)
        self.table.setVisible(False)
        self.output.clear()
        self.output.setVisible(False)
        self._show_status("")
        self.last_result = None

    def _show_status(self, text: str, kind: str = "") -> None:
        """The line beside the button; `kind` (success, warning, danger) colours it."""
        self.status.setPalette(QPalette())  # back to the window's text colour
        if kind:
            style.set_message_colour(self.status, kind)
        self.status.setText(text)
        self._fit_labels()

    def set_read_only(self, read_only: bool) -> None:
        """Paused (or between answers): no typing and no runs."""
        self.editor.setReadOnly(read_only)
        self._update_button()

    def _idle_text(self) -> str:
        if self.spec is None:
            return ""
        n = len(self.spec.examples)
        return (
            f"{RUN_KEYS} runs the {n} example test{'s' if n != 1 else ''}; the hidden tests "
            f"run when you submit (each run stops after {self.spec.time_limit:g} s)."
        )

    # -------------------------------------------------------------- running

    @property
    def running(self) -> bool:
        return self._op is not None and self._op.running

    def _update_button(self) -> None:
        can = self.spec is not None and not self.editor.isReadOnly() and not self.running
        self.run_button.setEnabled(can)
        self.run_button.setText("Running…" if self.running else "Run examples")

    def run_examples(self) -> bool:
        """Run the example tests on the editor's code off the GUI thread; False if it
        cannot start now (no question, read-only, or a run already going)."""
        spec = self.spec
        if spec is None or self.editor.isReadOnly() or self.running:
            return False
        code = self.code()
        generation = self._generation
        self._show_status(
            f"Running {len(spec.examples)} example tests… (stops after {spec.time_limit:g} s)"
        )

        def op(code: str = code, spec: CodingSpec = spec) -> RunResult:
            return run_examples(code, spec)

        self._op = QueryOp(
            parent=self,
            op=op,
            success=lambda result: self._on_run_done(generation, result),
        ).failure(lambda exc: self._on_run_failed(generation, exc))
        self._op.run_in_background()
        self._update_button()
        return True

    def _drop_run(self) -> None:
        if self._op is not None:
            self._op.cancel()
            self._op = None
        self._update_button()

    def _on_run_done(self, generation: int, result: RunResult) -> None:
        self._op = None
        self._update_button()
        if generation != self._generation:
            return
        self.last_result = result
        kind = "success" if result.status == "ok" and result.passed == result.total else "danger"
        if result.status == "ok" and 0 < result.passed < result.total:
            kind = "warning"
        self._show_status(run_summary(result), kind)
        self.table.set_results(result.results)
        self.table.setVisible(True)
        self.table.fit_height(VISIBLE_ROWS)
        printed = printed_text(result)
        self.output.setPlainText(printed)
        self.output.setVisible(bool(printed))

    def _on_run_failed(self, generation: int, exc: Exception) -> None:
        self._op = None
        self._update_button()
        if generation != self._generation:
            return
        self._show_status(f"The examples could not run: {user_message(exc)}", "danger")

    def _on_text_changed(self) -> None:
        if not self.editor.isReadOnly() and self.spec is not None:
            self.code_changed.emit(self.code())
