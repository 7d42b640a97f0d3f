"""The history screen: every saved interview, its score, and what can be done with it.

The view lists `SessionRow`s and reports what the candidate asks for (open, export,
delete, delete everything) through signals; the main window asks for confirmation and
talks to the store, off the GUI thread. Widgets only: the cells' texts, the summary line
and the conversion of a stored session back into what the feedback screen shows live
in `interviewer.progress`, where the terminal's commands find them too.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from interviewer.gui import style
from interviewer.gui.style import plain_label
from interviewer.progress import (
    NOT_FINISHED,
    STATUS_TEXT,
    Feedback,
    feedback_from_report,
    feedback_from_stored,
    format_duration,
    history_summary,
    local_time,
    score_text,
    status_text,
)
from interviewer.storage.store import SessionRow

# The conversions stay importable from here for code written before they moved.
__all__ = [
    "NOT_FINISHED",
    "STATUS_TEXT",
    "Feedback",
    "HistoryModel",
    "HistoryView",
    "feedback_from_report",
    "feedback_from_stored",
]

# --------------------------------------------------------------------------- the table

COLUMNS = ("Date", "Track", "Model", "Score", "Answers", "Duration", "Status")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
_NUMERIC = {3, 4, 5}


def recordings_text(n: int) -> str:
    """The marker of a session with `n` recordings of spoken answers ("" for none), in
    its Status cell. Words, not a microphone emoji: many systems have no font for it."""
    if n <= 0:
        return ""
    return f"{n} recording{'' if n == 1 else 's'}"


class HistoryModel(QAbstractTableModel):
    """The sessions as table rows; sorting uses raw values, not the displayed text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[SessionRow] = []

    def set_rows(self, rows: list[SessionRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, col = self.rows[index.row()], index.column()
        if role == ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, col)
        if role == SORT_ROLE:
            return self._key(row, col)
        if role == Qt.ItemDataRole.TextAlignmentRole and col in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 2:
                return row.backend_label
            if col == 1:
                return row.track_name
            if col == 6 and row.damaged:
                return f"Part of this session cannot be read: {row.damaged}."
            if col == 6 and row.status == "in_progress":
                return "Interrupted: the app closed during this interview"
            if col == 6 and row.recordings:
                kept = recordings_text(row.recordings)
                return f"Answered aloud: {kept} kept; open the session to replay them."
        return None

    @staticmethod
    def _text(row: SessionRow, col: int) -> str:
        if col == 0:
            return local_time(row.started_at)
        if col == 1:
            return row.track_name
        if col == 2:
            return row.backend_label
        if col == 3:
            return score_text(row)
        if col == 4:
            return str(row.answers)
        if col == 5:
            return format_duration(row.duration_seconds)
        if row.recordings:
            return f"{status_text(row)} · {recordings_text(row.recordings)}"
        return status_text(row)

    @staticmethod
    def _key(row: SessionRow, col: int) -> Any:
        if col == 0:
            return row.started_at
        if col == 3:
            return -1.0 if row.overall_score is None else row.overall_score
        if col == 4:
            return row.answers
        if col == 5:
            return row.duration_seconds
        return HistoryModel._text(row, col).lower()


class _Table(QTableView):
    """Enter opens the selected session, Delete deletes it (after the window asks)."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class HistoryView(QWidget):
    """Past sessions, newest first. Call `set_rows`; connect the signals."""

    open_requested = Signal(str)  # session id
    export_requested = Signal(str)
    delete_requested = Signal(str)
    delete_all_requested = Signal()
    progress_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("History")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.progress_button = QPushButton("&Progress")
        self.progress_button.setAccessibleName("Show progress")
        self.progress_button.setToolTip("Scores over time and your weakest topics")
        self.back_button = QPushButton("&Back to home")
        self.back_button.setAccessibleName("Back to home")
        outer.addWidget(style.page_bar("History", [self.progress_button, self.back_button]))
        outer.addWidget(style.separator())

        body = QVBoxLayout()
        body.setContentsMargins(18, 12, 18, 14)
        body.setSpacing(10)
        outer.addLayout(body, 1)

        tools = QHBoxLayout()
        tools.setSpacing(8)
        self.summary = plain_label("", wrap=True, muted=True)
        tools.addWidget(self.summary, 1)
        self.open_button = QPushButton("&Open feedback")
        self.open_button.setAccessibleName("Open the selected session's feedback")
        self.export_button = QPushButton("&Export report…")
        self.export_button.setAccessibleName("Export the selected session's report")
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setAccessibleName("Delete the selected session")
        self.delete_all_button = QPushButton("Delete &all data…")
        self.delete_all_button.setAccessibleName("Delete every saved session")
        self.delete_all_button.setToolTip("Delete every saved interview, answer and report")
        for b in (self.open_button, self.export_button, self.delete_button):
            b.setAutoDefault(False)
            tools.addWidget(b)
        tools.addSpacing(16)
        self.delete_all_button.setAutoDefault(False)
        tools.addWidget(self.delete_all_button)
        body.addLayout(tools)

        self.model = HistoryModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = _Table()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Past interviews")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setSortingEnabled(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(60)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.activated.connect(self._on_activated)
        self.table.delete_pressed.connect(self._on_delete_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)

        self.empty = plain_label(
            "No interviews yet. Every interview you start is saved here as you go, "
            "answer by answer.",
            muted=True,
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.table)
        self.pages.addWidget(self.empty)
        body.addWidget(self.pages, 1)

        self.open_button.clicked.connect(self._on_open_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.delete_all_button.clicked.connect(self.delete_all_requested)
        self.progress_button.clicked.connect(self.progress_requested)
        self.back_button.clicked.connect(self.back_requested)
        self.setTabOrder(self.table, self.open_button)
        self._update_buttons()

    # ------------------------------------------------------------------ data in

    def set_rows(self, rows: list[SessionRow]) -> None:
        keep = self.selected_id()
        self.model.set_rows(rows)
        self.pages.setCurrentWidget(self.table if rows else self.empty)
        self.summary.setText(history_summary(rows))
        self.delete_all_button.setEnabled(bool(rows))
        if keep:
            self.select(keep)
        else:
            self._select_row(0)
        self.table.resizeColumnToContents(2)
        self._update_buttons()

    def select(self, session_id: str | None) -> None:
        for r in range(self.proxy.rowCount()):
            if self.proxy.index(r, 0).data(ID_ROLE) == session_id:
                self._select_row(r)
                return
        self._select_row(0)

    def _select_row(self, r: int) -> None:
        if 0 <= r < self.proxy.rowCount():
            self.table.selectRow(r)
        else:
            self.table.clearSelection()

    # ------------------------------------------------------------------ data out

    def selected_row(self) -> SessionRow | None:
        indexes = self.table.selectionModel().selectedRows()
        if not indexes:
            return None
        source = self.proxy.mapToSource(indexes[0])
        return self.model.rows[source.row()] if source.isValid() else None

    def selected_id(self) -> str | None:
        row = self.selected_row()
        return row.id if row is not None else None

    # ------------------------------------------------------------------ slots

    def _update_buttons(self, *_args: object) -> None:
        row = self.selected_row()
        self.open_button.setEnabled(row is not None)
        finished = row is not None and row.status == "finished"
        self.export_button.setEnabled(finished)
        self.export_button.setToolTip(
            "Save this session's report as Markdown, HTML, PDF or JSON"
            if finished
            else "Only a finished interview has a report to export"
        )
        self.delete_button.setEnabled(row is not None)

    def _on_activated(self, _index: QModelIndex) -> None:
        self._on_open_clicked()

    def _on_open_clicked(self) -> None:
        sid = self.selected_id()
        if sid is not None:
            self.open_requested.emit(sid)

    def _on_export_clicked(self) -> None:
        row = self.selected_row()
        if row is not None and row.status == "finished":
            self.export_requested.emit(row.id)

    def _on_delete_clicked(self) -> None:
        sid = self.selected_id()
        if sid is not None:
            self.delete_requested.emit(sid)
