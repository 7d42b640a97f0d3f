"""The offer, at launch, to carry on an interview that was interrupted (closed, killed, crashed).

Shown inside the window rather than as a dialog (design rule 3): the candidate can read
it, look at History first, or simply start something else, which counts as declining.
The widget only shows the offer and reports the choice; the main window acts on it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from interviewer.gui import style
from interviewer.gui.style import plain_label
from interviewer.gui.widgets import PRIMARY_BUTTON_CSS, format_clock
from interviewer.progress import local_time
from interviewer.session import interview_seconds_left, kept_draft
from interviewer.storage.store import StoredSession


def describe(stored: StoredSession) -> str:
    """One sentence on what was saved: where the interview stopped and what is kept.

    The clock and the draft are the ones a resume will use (`interviewer.session`'s
    rules: a draft saved for another question than the open one is not kept)."""
    row = stored.row
    answered = len({t.question_id for t in stored.turns if t.role == "candidate" and not t.skipped})
    parts = [
        f"{row.track_name}, started {local_time(row.started_at)}",
        f"{answered} of {len(stored.plan.question_ids)} questions answered",
        f"{format_clock(interview_seconds_left(stored))} left on the interview clock",
    ]
    text = " · ".join(parts) + "."
    draft = kept_draft(stored)
    if draft is not None and draft.text.strip():
        words = len(draft.text.split())
        text += f" The answer you were typing ({words} word{'s' if words != 1 else ''}) is saved."
    return text


class ResumeOffer(QFrame):
    """ "Resume" or "Keep in history" for the newest interrupted session."""

    resume_requested = Signal(str)  # session id
    keep_requested = Signal(str)  # session id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resumeOffer")
        self.setAccessibleName("Interrupted interview")
        # Palette, not a style sheet: a style sheet on this frame would restyle its
        # buttons too, and "Keep in history" must look like every other button.
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.session_id: str | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)
        accent = QFrame()
        accent.setObjectName("resumeAccent")
        accent.setFixedWidth(5)
        accent.setStyleSheet(f"QFrame#resumeAccent {{ background-color: {style.INFO}; }}")
        row.addWidget(accent)
        lay = QHBoxLayout()
        lay.setContentsMargins(14, 10, 12, 10)
        lay.setSpacing(12)
        row.addLayout(lay, 1)
        outer.addLayout(row)
        outer.addWidget(style.separator())
        text = QVBoxLayout()
        text.setSpacing(2)
        self.title = plain_label("", wrap=True)
        self.title.setFont(style.scaled_font(self.title.font(), 1.05, bold=True))
        self.detail = plain_label("", wrap=True)
        text.addWidget(self.title)
        text.addWidget(self.detail)
        lay.addLayout(text, 1)
        self.resume_button = QPushButton("&Resume interview")
        self.resume_button.setObjectName("primaryButton")
        self.resume_button.setStyleSheet(PRIMARY_BUTTON_CSS)
        self.resume_button.setAccessibleName("Resume the interrupted interview")
        self.resume_button.setToolTip(
            "Carry on where it stopped: the question, your draft, the clocks"
        )
        self.keep_button = QPushButton("&Keep in history")
        self.keep_button.setAccessibleName("Keep the interrupted interview in history")
        self.keep_button.setToolTip("Do not resume; it stays in History as unfinished")
        for b in (self.resume_button, self.keep_button):
            b.setAutoDefault(False)
            lay.addWidget(b, 0, Qt.AlignmentFlag.AlignVCenter)
        self.resume_button.clicked.connect(self._on_resume_clicked)
        self.keep_button.clicked.connect(self._on_keep_clicked)
        self.setVisible(False)

    def offer(self, stored: StoredSession, problem: str = "", *, busy: bool = False) -> None:
        """Show the offer; with a `problem` the interview cannot resume, only be kept.
        `busy`: it is open in another interviewer process (the `problem` names it), so it
        can be neither resumed nor kept from here."""
        self.session_id = stored.row.id
        if busy:
            self.title.setText("This interview is open in another window or terminal")
            self.detail.setText(problem)
        elif problem:
            self.title.setText("An interrupted interview cannot be resumed")
            self.detail.setText(problem)
        else:
            self.title.setText("Resume your interrupted interview?")
            self.detail.setText(describe(stored))
        self.resume_button.setVisible(not problem)
        self.keep_button.setVisible(not busy)
        self.setAccessibleDescription(f"{self.title.text()} {self.detail.text()}")
        self.setVisible(True)

    def clear(self) -> None:
        self.session_id = None
        self.setVisible(False)

    @property
    def pending(self) -> bool:
        return self.session_id is not None

    def _on_resume_clicked(self) -> None:
        if self.session_id is not None:
            self.resume_requested.emit(self.session_id)

    def _on_keep_clicked(self) -> None:
        if self.session_id is not None:
            self.keep_requested.emit(self.session_id)
