"""Practise for a job (issue 17), the window's side: the job screen, the plan view and
the readiness panel the progress screen shows.

Everything that decides anything lives in `interviewer.job_plans` (the terminal's `plan`
and `practice --job` run the same functions): reading and planning run on QueryOp
workers with plain data (the posting and CV as text, the store, the library) and come
back as a `Planned`. The screen only collects the posting, the CV and the candidate's
corrections, and shows what came back.

Privacy: the CV stays on this machine unless the model in use is remote; then, before
the first call, the screen says what will be sent and to whom, and the candidate can go
on, go on offline (bank questions only, nothing sent) or cancel.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.content import ContentLibrary, QuestionHistoryMap
from interviewer.core.errors import InterviewerError
from interviewer.core.jobs import (
    DEFAULT_QUESTIONS,
    DOMAIN_NAMES,
    SENIORITIES,
    NoMLContent,
    Readiness,
    privacy_notice,
)
from interviewer.gui import style
from interviewer.gui.controller import Controller
from interviewer.gui.style import Chip, ScoreBar, plain_label
from interviewer.gui.widgets import PRIMARY_BUTTON_CSS, ask_yes_no
from interviewer.gui.workers import HTTP_STACK, QueryOp, user_message
from interviewer.job_plans import (
    GAP_SCORE,
    Prepared,
    add_generated,
    gap_skills,
    prepare,
    prepare_saved,
    remember_target,
    start_options,
    target_readiness,
    vocabulary,
)
from interviewer.jobfiles import check_text, read_document
from interviewer.llm import jobs as llm_jobs
from interviewer.llm.base import Backend
from interviewer.session import StartOptions
from interviewer.storage.store import SessionStore
from interviewer.storage.targets import (
    Target,
    delete_target,
    get_target,
    list_targets,
    save_target,
)

#: What a worker needs imported on the GUI thread first (QtPdf reads PDFs).
READ_NEEDS: tuple[str, ...] = ("interviewer.jobfiles", "PySide6.QtPdf")
FILE_FILTER = (
    "Job postings and CVs (*.txt *.md *.markdown *.html *.htm *.pdf *.docx);;All files (*)"
)
SENIORITY_NAMES = {
    "junior": "Junior",
    "mid": "Mid-level",
    "senior": "Senior",
    "staff": "Staff / principal",
    "lead": "Lead / manager",
}
GENERATED_COLOUR = style.INFO

#: Asks for a file to open: (parent, caption) -> a path, or None when cancelled.
OpenFile = Callable[[QWidget, str], "str | None"]
Confirm = Callable[[QWidget, str, str], bool]


def ask_open_file(parent: QWidget, caption: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, caption, "", FILE_FILTER)
    return path or None


# --------------------------------------------------------------------------- plain work


@dataclass(frozen=True)
class Planned:
    """A saved target and its plan, as a worker hands them back."""

    target: Target
    prepared: Prepared


def read_file(path: str, what: str) -> str:
    return read_document(path, what)


def plan_new(
    posting: str,
    cv: str,
    source: str,
    library: ContentLibrary,
    backend: Backend | None,
    store: SessionStore,
    count: int = DEFAULT_QUESTIONS,
    cv_source: str = "The pasted CV",
) -> Planned:
    """Check the texts, read and plan the posting, save it as a target (blocking)."""
    posting = check_text(posting, source, "job posting")
    cv = check_text(cv, cv_source, "CV") if cv.strip() else ""
    history = _history(store)
    prepared = prepare(
        posting, library, cv=cv, backend=backend, count=count, history=history, source=source
    )
    target_id = remember_target(store, posting, cv, prepared)
    return Planned(get_target(store, target_id), prepared)


def plan_saved(
    store: SessionStore,
    target_id: str,
    library: ContentLibrary,
    *,
    gaps: bool = False,
    count: int = DEFAULT_QUESTIONS,
) -> Planned:
    """The plan of a saved target (no model call), or only its gaps."""
    target = get_target(store, target_id)
    prepared = prepare_saved(
        store, target, library, count=count, gaps=gaps, history=_history(store)
    )
    return Planned(target, prepared)


def save_corrections(
    store: SessionStore,
    target_id: str,
    library: ContentLibrary,
    *,
    title: str,
    skills: Sequence[str],
    seniority: str,
    count: int = DEFAULT_QUESTIONS,
) -> Planned:
    """Keep the candidate's title, skills and level for the target, and plan again."""
    target = get_target(store, target_id)
    vocab = vocabulary(library)
    chosen = list(dict.fromkeys(vocab.canonical(s) for s in skills if s.strip()))
    profile = target.profile.model_copy(
        update={"skills": chosen, "seniority": seniority, "title": title.strip() or target.title}
    )
    save_target(
        store,
        title=title.strip() or target.title,
        posting=target.posting,
        cv=target.cv,
        skills=chosen,
        profile=profile,
        generated=target.generated,
        target_id=target.id,
        created_at=target.created_at,
    )
    return plan_saved(store, target.id, library, count=count)


def _history(store: SessionStore) -> QuestionHistoryMap | None:
    try:
        return store.question_history()
    except InterviewerError:
        return None


@dataclass(frozen=True)
class TargetReadiness:
    target_id: str
    title: str
    readiness: Readiness
    gaps: list[str]


def read_readiness(store: SessionStore, library: ContentLibrary) -> list[TargetReadiness]:
    """Every saved target with its readiness (for the progress screen), newest first."""
    out: list[TargetReadiness] = []
    for t in list_targets(store):
        r = target_readiness(store, t, library)
        out.append(TargetReadiness(t.id, t.title, r, gap_skills(r)))
    return out


# --------------------------------------------------------------------------- the screen


def _primary(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName("primaryButton")
    button.setStyleSheet(PRIMARY_BUTTON_CSS)
    button.setAccessibleName(name)
    button.setMinimumHeight(36)
    button.setAutoDefault(False)
    return button


class _TextBox(QPlainTextEdit):
    """A text box that asks only for its minimum height: in the input page's scroll area
    it grows with the window (stretch) but never pushes the CV box out of sight."""

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self.minimumHeight() or hint.height())


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(inner)
    return area


def _scroll_page(*, right: int, spacing: int) -> tuple[QWidget, QVBoxLayout, QWidget, QVBoxLayout]:
    """A page of the job screen: what is laid out in `inner` (by `lay`, with `right`
    pixels kept clear and `spacing` between rows) is to scroll, wrapped by the caller in
    `_scrolled` and added to `outer`, under which rows that stay in view can go.
    Returns (page, outer, inner, lay)."""
    page = QWidget()
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.setSpacing(8)
    inner = QWidget()
    lay = QVBoxLayout(inner)
    lay.setContentsMargins(0, 0, right, 0)
    lay.setSpacing(spacing)
    return page, outer, inner, lay


def _file_heading(
    title: str, button_text: str, button_name: str
) -> tuple[QHBoxLayout, QLabel, QLabel, QPushButton]:
    """A text box's heading: its bold title, the name of the file it was read from (its
    width ignored by the layout, so a long name never widens the page) and the button
    that opens one.
    Returns (row, title, file name, button)."""
    head = QHBoxLayout()
    heading = plain_label(title, wrap=False)
    heading.setFont(style.scaled_font(heading.font(), 1.05, bold=True))
    head.addWidget(heading)
    file_label = plain_label("", wrap=False, muted=True)
    file_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    head.addWidget(file_label, 1)
    button = QPushButton(button_text)
    button.setAccessibleName(button_name)
    button.setAutoDefault(False)
    head.addWidget(button)
    return head, heading, file_label, button


class JobView(QWidget):
    """The job screen: saved targets on the left; on the right the posting and CV to read
    (page "input") or the target's skills and plan (page "plan").

    Needs the window's controller for its store, library and current backend; emits
    `start_requested` with the StartOptions of the plan, like the home screen.
    """

    start_requested = Signal(object)  # StartOptions
    back_requested = Signal()
    #: A posting with no ML content: the candidate chose the general tracks.
    tracks_requested = Signal()
    #: A plan came back (shown, or started for "practise the gaps").
    planned = Signal(object)  # Planned
    #: Something failed while the screen is not showing (e.g. "practise the gaps" from
    #: the progress screen): the window shows it in its banner.
    problem = Signal(str)

    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Practise for a job")
        self.controller = controller
        self.open_file: OpenFile = ask_open_file
        self.confirm: Confirm = ask_yes_no
        self.targets: list[Target] = []
        self.current: Planned | None = None
        self._posting_source = ""
        self._cv_source = ""
        self._loading_list = False
        self._build_ui()

    # ------------------------------------------------------------------ context

    @property
    def store(self) -> SessionStore:
        return self.controller.store

    @property
    def library(self) -> ContentLibrary:
        return self.controller.library

    @property
    def backend(self) -> Backend:
        return self.controller.backend

    # ------------------------------------------------------------------ construction

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.back_button = QPushButton("&Back to home")
        self.back_button.setAccessibleName("Back to home")
        self.back_button.clicked.connect(self.back_requested)
        outer.addWidget(style.page_bar("Practise for a job", [self.back_button]))
        outer.addWidget(style.separator())

        body = QHBoxLayout()
        body.setContentsMargins(18, 14, 18, 14)
        body.setSpacing(16)
        outer.addLayout(body, 1)

        # -- saved targets
        left = QVBoxLayout()
        left.setSpacing(6)
        left.addWidget(style.section_title("Your job targets"))
        self.target_list = QListWidget()
        self.target_list.setAccessibleName("Saved job targets")
        self.target_list.setMinimumWidth(170)
        self.target_list.setMaximumWidth(300)
        self.target_list.setWordWrap(True)
        self.target_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.target_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.target_list.currentRowChanged.connect(self._on_target_picked)
        left.addWidget(self.target_list, 1)
        self.no_targets = plain_label(
            "No saved targets yet. Each posting you plan is saved here with its own history.",
            muted=True,
        )
        self.no_targets.setMaximumWidth(300)
        left.addWidget(self.no_targets)
        row = QHBoxLayout()
        self.new_button = QPushButton("&New posting")
        self.new_button.setAccessibleName("New posting")
        self.new_button.clicked.connect(self.show_input)
        self.rename_button = QPushButton("Rena&me")
        self.rename_button.setAccessibleName("Rename target")
        self.rename_button.setToolTip("Change the target's name (on the plan)")
        self.rename_button.clicked.connect(self._on_rename)
        self.delete_button = QPushButton("&Delete")
        self.delete_button.setAccessibleName("Delete target")
        self.delete_button.setToolTip("Forget this target (its interviews stay in History)")
        self.delete_button.clicked.connect(self._on_delete)
        for b in (self.new_button, self.rename_button, self.delete_button):
            b.setAutoDefault(False)
            row.addWidget(b)
        left.addLayout(row)
        body.addLayout(left, 0)

        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_input())
        self.pages.addWidget(self._build_plan())
        body.addWidget(self.pages, 1)
        self._update_buttons()

    def _build_input(self) -> QWidget:
        # The texts, notes and errors scroll; the plan button's row stays in view. At the
        # window's smallest size the boxes' minimum heights do not fit, and without the
        # scroll area the CV's heading was drawn over the posting box.
        page, outer, inner, lay = _scroll_page(right=0, spacing=8)
        intro = plain_label(
            "Open or paste the job posting, and your CV if you like. The app reads the "
            "role's skills, level and domain, lets you correct them, and plans an interview "
            "that covers them."
        )
        lay.addWidget(intro)

        head, self.posting_title, self.posting_file, self.open_posting_button = _file_heading(
            "Job posting", "&Open posting…", "Open a job posting file"
        )
        self.open_posting_button.setToolTip("Plain text, Markdown, PDF or Word (DOCX)")
        self.open_posting_button.clicked.connect(lambda: self._on_open("posting"))
        lay.addLayout(head)
        self.posting_edit = _TextBox()
        self.posting_edit.setAccessibleName("Job posting text")
        self.posting_edit.setPlaceholderText("Paste the job posting here, or open its file.")
        self.posting_edit.setMinimumHeight(120)
        lay.addWidget(self.posting_edit, 3)

        head, _cv_title, self.cv_file, self.open_cv_button = _file_heading(
            "Your CV (optional)", "Open C&V…", "Open your CV file"
        )
        self.open_cv_button.clicked.connect(lambda: self._on_open("cv"))
        lay.addLayout(head)
        self.cv_edit = _TextBox()
        self.cv_edit.setAccessibleName("CV text")
        self.cv_edit.setPlaceholderText(
            "Paste your CV here to be asked about your own projects (optional)."
        )
        self.cv_edit.setMinimumHeight(70)
        lay.addWidget(self.cv_edit, 2)
        self.cv_note = plain_label(
            "Your CV stays on this machine unless a remote model is in use; you are told "
            "what is sent before anything leaves.",
            muted=True,
        )
        lay.addWidget(self.cv_note)

        # Problems, inline and naming the file; nothing typed above is touched.
        self.error_label = plain_label("", selectable=True)
        self.error_label.setAccessibleName("Problem with the posting")
        style.set_message_colour(self.error_label, "danger")
        self.error_label.hide()
        lay.addWidget(self.error_label)
        self.tracks_button = QPushButton("Pick a &general track instead")
        self.tracks_button.setAccessibleName("Pick a general track instead")
        self.tracks_button.setAutoDefault(False)
        self.tracks_button.clicked.connect(self.tracks_requested)
        self.tracks_button.hide()
        lay.addWidget(self.tracks_button, 0, Qt.AlignmentFlag.AlignLeft)

        # Privacy: what a remote model would be sent, before it is.
        self.privacy_box = style.card(name="privacyCard")
        pl = QVBoxLayout(self.privacy_box)
        pl.setContentsMargins(14, 10, 14, 10)
        self.privacy_label = plain_label("")
        self.privacy_label.setAccessibleName("What will be sent")
        pl.addWidget(self.privacy_label)
        prow = QHBoxLayout()
        self.send_button = QPushButton("&Send and plan")
        self.send_button.setAccessibleName("Send and plan")
        self.offline_button = QPushButton("Plan &offline (send nothing)")
        self.offline_button.setAccessibleName("Plan offline")
        self.cancel_send_button = QPushButton("&Cancel")
        self.cancel_send_button.setAccessibleName("Cancel")
        self.send_button.clicked.connect(lambda: self._run_plan(use_model=True))
        self.offline_button.clicked.connect(lambda: self._run_plan(use_model=False))
        self.cancel_send_button.clicked.connect(self._on_cancel_send)
        for b in (self.send_button, self.offline_button, self.cancel_send_button):
            b.setAutoDefault(False)
            prow.addWidget(b)
        prow.addStretch(1)
        pl.addLayout(prow)
        self.privacy_box.hide()
        lay.addWidget(self.privacy_box)
        self.input_scroll = _scrolled(inner)
        outer.addWidget(self.input_scroll, 1)

        row = QHBoxLayout()
        self.busy_label = plain_label("", muted=True)
        row.addWidget(self.busy_label, 1)
        self.count = self._count_box()
        row.addWidget(plain_label("Questions:", wrap=False))
        row.addWidget(self.count)
        self.plan_button = _primary("&Read the posting and plan", "Read the posting and plan")
        self.plan_button.clicked.connect(self._on_plan_clicked)
        row.addWidget(self.plan_button)
        outer.addLayout(row)
        return page

    def _build_plan(self) -> QWidget:
        page, outer, inner, lay = _scroll_page(right=6, spacing=10)

        # -- what was read, to correct
        profile = style.card(name="profileCard")
        pl = QGridLayout(profile)
        pl.setContentsMargins(14, 10, 14, 12)
        pl.setHorizontalSpacing(10)
        pl.setVerticalSpacing(6)
        pl.addWidget(plain_label("Name:", wrap=False), 0, 0)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName("Target name")
        self.title_edit.textEdited.connect(self._on_edited)
        pl.addWidget(self.title_edit, 0, 1)
        pl.addWidget(plain_label("Level:", wrap=False), 1, 0)
        self.seniority = QComboBox()
        self.seniority.setAccessibleName("Seniority")
        for s in SENIORITIES:
            self.seniority.addItem(SENIORITY_NAMES.get(s, s), s)
        self.seniority.activated.connect(self._on_edited)
        self.domain_label = plain_label("", muted=True)
        self.domain_label.setAccessibleName("Domain")
        level_row = QHBoxLayout()
        level_row.setSpacing(10)
        level_row.addWidget(self.seniority)
        level_row.addWidget(self.domain_label, 1)
        pl.addLayout(level_row, 1, 1)
        pl.addWidget(plain_label("Skills:", wrap=False), 2, 0, Qt.AlignmentFlag.AlignTop)
        self.skill_list = QListWidget()
        self.skill_list.setAccessibleName("Skills of the posting")
        self.skill_list.setFlow(QListWidget.Flow.LeftToRight)
        self.skill_list.setWrapping(True)
        self.skill_list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.skill_list.setSpacing(3)
        self.skill_list.setMaximumHeight(84)
        self.skill_list.itemSelectionChanged.connect(self._update_buttons)
        pl.addWidget(self.skill_list, 2, 1)
        self.skill_edit = QLineEdit()
        self.skill_edit.setAccessibleName("Skill to add")
        self.skill_edit.setPlaceholderText("Add a skill the posting asks for")
        self.skill_edit.returnPressed.connect(self._on_add_skill)
        self.add_skill_button = QPushButton("&Add")
        self.add_skill_button.setAccessibleName("Add skill")
        self.add_skill_button.clicked.connect(self._on_add_skill)
        self.remove_skill_button = QPushButton("Re&move selected")
        self.remove_skill_button.setAccessibleName("Remove selected skill")
        self.remove_skill_button.clicked.connect(self._on_remove_skill)
        edit_row = QHBoxLayout()
        edit_row.addWidget(self.skill_edit, 1)
        edit_row.addWidget(self.add_skill_button)
        edit_row.addWidget(self.remove_skill_button)
        pl.addLayout(edit_row, 3, 1)
        self.replan_button = QPushButton("Save changes and &plan again")
        self.replan_button.setAccessibleName("Save changes and plan again")
        self.replan_button.clicked.connect(self._on_replan)
        pl.addWidget(self.replan_button, 4, 1, Qt.AlignmentFlag.AlignLeft)
        for b in (self.add_skill_button, self.remove_skill_button, self.replan_button):
            b.setAutoDefault(False)
        pl.setColumnStretch(1, 1)
        lay.addWidget(profile)

        # -- the plan
        self.plan_title = style.section_title("The interview plan")
        lay.addWidget(self.plan_title)
        # What the plan leaves out and how it was made, before the questions: the
        # candidate should not have to scroll to learn the plan is bank questions only.
        self.not_covered_label = plain_label("")
        self.not_covered_label.setAccessibleName("Skills not covered")
        lay.addWidget(self.not_covered_label)
        self.notes_label = plain_label("", muted=True)
        self.notes_label.setAccessibleName("Notes on the plan")
        lay.addWidget(self.notes_label)
        self.plan_box = QVBoxLayout()
        self.plan_box.setSpacing(6)
        lay.addLayout(self.plan_box)
        lay.addStretch(1)
        outer.addWidget(_scrolled(inner), 1)

        self.adaptive = QCheckBox("A&daptive difficulty")
        self.adaptive.setAccessibleName("Adaptive difficulty")
        self.adaptive.setToolTip(
            "The next question is harder after a strong answer and easier after a weak one"
        )
        # On its own line: beside the count and the start button it squeezed the button
        # to "tart this intervie" at the window's smallest width.
        outer.addWidget(self.adaptive)
        row = QHBoxLayout()
        self.plan_busy = plain_label("", muted=True)
        row.addWidget(self.plan_busy, 1)
        self.plan_count = self._count_box()
        self.plan_count.valueChanged.connect(self._on_edited)
        # One number for both pages: the next plan, new or corrected, has that many.
        self.count.valueChanged.connect(self.plan_count.setValue)
        self.plan_count.valueChanged.connect(self.count.setValue)
        row.addWidget(plain_label("Questions:", wrap=False))
        row.addWidget(self.plan_count)
        self.start_button = _primary("&Start this interview", "Start this interview")
        self.start_button.clicked.connect(self._on_start)
        row.addWidget(self.start_button)
        outer.addLayout(row)
        return page

    def _count_box(self) -> QSpinBox:
        box = QSpinBox()
        box.setRange(1, 50)
        box.setValue(DEFAULT_QUESTIONS)
        box.setAccessibleName("Number of questions")
        return box

    # ------------------------------------------------------------------ public

    def refresh(self) -> None:
        """Read the saved targets (in the background) and show them."""
        QueryOp(parent=self, op=_lister(self.store), success=self._on_targets_read).failure(
            self._on_failed
        ).run_in_background()

    def show_input(self) -> None:
        self._loading_list = True
        self.target_list.clearSelection()
        self.target_list.setCurrentRow(-1)
        self._loading_list = False
        self.current = None
        self.pages.setCurrentIndex(0)
        self._update_buttons()
        self.posting_edit.setFocus(Qt.FocusReason.OtherFocusReason)

    def load_file(self, which: str, path: str) -> None:
        """Read a posting (`which` "posting") or CV ("cv") file into its box, off the GUI
        thread; a problem is shown inline naming the file, the box left as it was."""
        what = "job posting" if which == "posting" else "CV"
        self._busy(f"Reading {Path(path).name}…")
        (
            QueryOp(
                parent=self,
                op=_reader(path, what),
                success=lambda text: self._on_file_read(which, path, text),
                needs=READ_NEEDS,
            )
            .failure(self._on_failed)
            .run_in_background()
        )

    def practise_gaps(self, target_id: str) -> None:
        """Plan the target's gaps and start at once ("Practise the gaps")."""
        self._busy("Planning the gaps…")
        QueryOp(
            parent=self,
            op=_saved_planner(
                self.store, target_id, self.library, gaps=True, count=self.count.value()
            ),
            success=self._on_gaps_planned,
        ).failure(self._on_failed).run_in_background()

    def open_target(self, target_id: str) -> None:
        self._busy("Planning…")
        QueryOp(
            parent=self,
            op=_saved_planner(self.store, target_id, self.library, count=self.count.value()),
            success=self._on_planned,
        ).failure(self._on_failed).run_in_background()

    def remote_notice(self) -> str:
        """What planning would send to a remote model ("" when nothing leaves)."""
        backend = self.backend
        if not llm_jobs.can_structure(backend):
            return ""
        return privacy_notice(
            backend.label,
            is_local=backend.is_local,
            posting_chars=len(self.posting_edit.toPlainText().strip()),
            cv_chars=len(self.cv_edit.toPlainText().strip()),
        )

    def skills(self) -> list[str]:
        return [self.skill_list.item(i).text() for i in range(self.skill_list.count())]

    def options(self) -> StartOptions | None:
        if self.current is None:
            return None
        p = self.current.prepared
        add_generated(self.library, p.generated)
        return start_options(
            p.plan,
            self.library,
            title=self.current.target.title,
            target_id=self.current.target.id,
            adaptive=self.adaptive.isChecked(),
        )

    # ------------------------------------------------------------------ events

    def _on_open(self, which: str) -> None:
        caption = "Open the job posting" if which == "posting" else "Open your CV"
        path = self.open_file(self, caption)
        if path:
            self.load_file(which, path)

    def _on_file_read(self, which: str, path: str, text: str) -> None:
        self._busy("")
        self._show_error("")
        edit = self.posting_edit if which == "posting" else self.cv_edit
        # Replaced through the cursor, so Ctrl+Z brings back what was there before.
        cursor = edit.textCursor()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        edit.moveCursor(QTextCursor.MoveOperation.Start)
        name = Path(path).name
        if which == "posting":
            self._posting_source = path
            self.posting_file.setText(f"from {name}")
        else:
            self._cv_source = path
            self.cv_file.setText(f"from {name}")

    def _on_plan_clicked(self) -> None:
        self._show_error("")
        if not self.posting_edit.toPlainText().strip():
            self._show_error(
                f"{self._source()}: is empty: paste the job posting or open its file first."
            )
            return
        notice = self.remote_notice()
        if notice:
            self.privacy_label.setText(
                notice + " Send it, plan offline from the question bank (nothing is sent), "
                "or cancel."
            )
            self.privacy_box.show()
            self.plan_button.setEnabled(False)
            self.send_button.setFocus(Qt.FocusReason.OtherFocusReason)
            self._reveal(self.privacy_box)
            return
        self._run_plan(use_model=True)

    def _on_cancel_send(self) -> None:
        self.privacy_box.hide()
        self.plan_button.setEnabled(True)
        self.plan_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _run_plan(self, *, use_model: bool) -> None:
        self.privacy_box.hide()
        backend = self.backend if use_model and llm_jobs.can_structure(self.backend) else None
        self._busy(
            f"Reading the posting with {backend.label}…" if backend else "Reading the posting…"
        )
        (
            QueryOp(
                parent=self,
                op=_new_planner(
                    self.posting_edit.toPlainText(),
                    self.cv_edit.toPlainText(),
                    self._source(),
                    self.library,
                    backend,
                    self.store,
                    self._cv_source or "The pasted CV",
                    self.count.value(),
                ),
                success=self._on_planned,
                needs=HTTP_STACK if backend is not None and not backend.is_local else (),
            )
            .failure(self._on_failed)
            .run_in_background()
        )

    def _source(self) -> str:
        return self._posting_source or "The pasted posting"

    def _on_planned(self, planned: Planned) -> None:
        self._busy("")
        self.current = planned
        self._show_plan(planned)
        self.pages.setCurrentIndex(1)
        self.refresh()
        self.planned.emit(planned)

    def _on_gaps_planned(self, planned: Planned) -> None:
        self._busy("")
        self.current = planned
        self._show_plan(planned)
        self.planned.emit(planned)
        options = self.options()
        if options is not None:
            self.start_requested.emit(options)

    def _on_failed(self, err: Exception) -> None:
        self._busy("")
        if not self.isVisible():
            self.problem.emit(user_message(err))
        self.plan_button.setEnabled(True)
        self._show_error(user_message(err))
        self.tracks_button.setVisible(isinstance(err, NoMLContent))
        self._reveal(self.tracks_button if isinstance(err, NoMLContent) else self.error_label)
        if self.pages.currentIndex() == 1 and self.current is not None:
            self.plan_busy.setText(user_message(err))

    def _on_targets_read(self, targets: list[Target]) -> None:
        self.targets = targets
        keep = self.current.target.id if self.current is not None else None
        self._loading_list = True
        try:
            self.target_list.clear()
            for t in targets:
                n = len(t.skills)
                item = QListWidgetItem(f"{t.title}\n{n} skill{'s' if n != 1 else ''}")
                item.setData(Qt.ItemDataRole.UserRole, t.id)
                item.setToolTip(", ".join(t.skills))
                self.target_list.addItem(item)
                if t.id == keep:
                    self.target_list.setCurrentItem(item)
        finally:
            self._loading_list = False
        self.no_targets.setVisible(not targets)
        self._update_buttons()

    def _on_target_picked(self, row: int) -> None:
        self._update_buttons()
        if self._loading_list or not 0 <= row < len(self.targets):
            return
        self.open_target(self.targets[row].id)

    def _on_rename(self) -> None:
        if self.current is None:
            return
        self.pages.setCurrentIndex(1)
        self.title_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self.title_edit.selectAll()

    def _on_delete(self) -> None:
        row = self.target_list.currentRow()
        if not 0 <= row < len(self.targets):
            return
        target = self.targets[row]
        if not self.confirm(
            self,
            "Delete target",
            f"Forget the target “{target.title}”? Its interviews stay in History.",
        ):
            return
        store = self.store
        QueryOp(
            parent=self,
            op=lambda: delete_target(store, target.id),
            success=lambda _done: self._after_delete(),
        ).failure(self._on_failed).run_in_background()

    def _after_delete(self) -> None:
        self.show_input()
        self.refresh()

    def _on_add_skill(self) -> None:
        text = self.skill_edit.text().strip()
        if not text:
            return
        if text.lower() not in [s.lower() for s in self.skills()]:
            self.skill_list.addItem(text)
            self._on_edited()
        self.skill_edit.clear()

    def _on_remove_skill(self) -> None:
        for item in self.skill_list.selectedItems():
            self.skill_list.takeItem(self.skill_list.row(item))
        self._on_edited()

    def _on_edited(self, *_args: object) -> None:
        self.replan_button.setEnabled(self.current is not None)
        self.plan_busy.setText("Changes not saved: save them to plan again.")

    def _on_replan(self) -> None:
        if self.current is None:
            return
        if not self.skills():
            self.plan_busy.setText("Keep at least one skill to plan for.")
            return
        self._busy("Saving and planning…")
        QueryOp(
            parent=self,
            op=_corrector(
                self.store,
                self.current.target.id,
                self.library,
                self.title_edit.text(),
                self.skills(),
                str(self.seniority.currentData()),
                self.count.value(),
            ),
            success=self._on_planned,
        ).failure(self._on_failed).run_in_background()

    def _on_start(self) -> None:
        options = self.options()
        if options is not None:
            self.start_requested.emit(options)

    # ------------------------------------------------------------------ showing

    def _busy(self, text: str) -> None:
        working = bool(text)
        self.busy_label.setText(text)
        self.plan_busy.setText(text)
        for w in (
            self.plan_button,
            self.open_posting_button,
            self.open_cv_button,
            self.start_button,
            self.replan_button,
        ):
            w.setEnabled(not working)

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.setVisible(bool(text))
        if not text:
            self.tracks_button.hide()
        else:
            self._reveal(self.error_label)

    def _reveal(self, widget: QWidget) -> None:
        """Scroll the input page so `widget` (a problem, the privacy notice) is in view:
        in a short window they sit below the posting and CV boxes. After the event loop
        turn that lays out the widget that just appeared and resizes the scrolled page."""

        def scroll() -> None:
            if self.pages.currentIndex() == 0 and widget.isVisible():
                self.input_scroll.ensureWidgetVisible(widget, 0, 12)

        QTimer.singleShot(0, self, scroll)

    def _show_plan(self, planned: Planned) -> None:
        target, prepared = planned.target, planned.prepared
        profile, plan = prepared.profile, prepared.plan
        self.title_edit.setText(target.title)
        self.seniority.setCurrentIndex(max(0, self.seniority.findData(profile.seniority)))
        how = "read by the model" if profile.source == "model" else "read offline"
        self.domain_label.setText(
            f"Domain: {DOMAIN_NAMES.get(profile.domain, profile.domain)} · {how}"
        )
        self.skill_list.clear()
        for s in target.skills:
            self.skill_list.addItem(s)
        while self.plan_box.count():
            item = self.plan_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        n = len(plan.questions)
        self.plan_title.setText(f"The interview plan: {n} question{'s' if n != 1 else ''}")
        self.plan_rows: list[_PlanRow] = []
        for i, q in enumerate(plan.questions, 1):
            row = _PlanRow(
                i,
                q.text,
                q.skill,
                q.reason,
                q.generated,
                q.category,
                q.difficulty,
                covers=q.skill in plan.skills,
            )
            self.plan_box.addWidget(row)
            self.plan_rows.append(row)
        self.not_covered_label.setText(
            "Not covered by this plan: " + ", ".join(plan.not_covered)
            if plan.not_covered
            else "Every skill of the posting has a question."
        )
        notes = list(dict.fromkeys(plan.notes))
        if plan.offline and not any("bank questions only" in n for n in notes):
            notes.insert(0, "This plan uses bank questions only (no model was used).")
        self.notes_label.setText("\n".join(notes))
        self.notes_label.setVisible(bool(notes))
        self.replan_button.setEnabled(False)
        self.plan_busy.setText("")
        self.start_button.setEnabled(bool(plan.questions))
        self._update_buttons()

    def _update_buttons(self) -> None:
        picked = 0 <= self.target_list.currentRow() < len(self.targets)
        self.delete_button.setEnabled(picked)
        self.rename_button.setEnabled(picked and self.current is not None)
        self.remove_skill_button.setEnabled(bool(self.skill_list.selectedItems()))


class _PlanRow(QFrame):
    """One planned question: its number, text, the skill it covers and why it is there."""

    def __init__(
        self,
        number: int,
        text: str,
        skill: str,
        reason: str,
        generated: bool,
        category: str,
        difficulty: str,
        *,
        covers: bool = True,
    ) -> None:
        super().__init__()
        self.generated = generated
        self.skill = skill
        self.reason = reason
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 4, 0, 4)
        lay.setHorizontalSpacing(8)
        lay.setVerticalSpacing(2)
        num = plain_label(f"{number}.", wrap=False)
        num.setFont(style.scaled_font(num.font(), 1.0, bold=True))
        lay.addWidget(num, 0, 0, Qt.AlignmentFlag.AlignTop)
        self.text_label = plain_label(text)
        lay.addWidget(self.text_label, 0, 1)
        chips = QHBoxLayout()
        chips.setSpacing(6)
        if covers:
            chips.addWidget(Chip(skill, style.NEUTRAL, tooltip=f"Covers the skill: {skill}"))
        else:  # a place filled for the level's balance: on a topic the posting did not name
            chips.addWidget(plain_label(f"on {skill}", wrap=False, muted=True))
        if generated:
            chips.addWidget(
                Chip("generated", GENERATED_COLOUR, tooltip="Written by the model for this job")
            )
        kind = " · ".join(x.replace("_", " ") for x in (category, difficulty) if x)
        if kind:
            chips.addWidget(plain_label(kind, wrap=False, muted=True))
        chips.addStretch(1)
        lay.addLayout(chips, 1, 1)
        self.reason_label = plain_label(f"Why: {reason}", muted=True)
        lay.addWidget(self.reason_label, 2, 1)
        lay.setColumnStretch(1, 1)
        self.setAccessibleName(
            f"Question {number}{' (generated)' if generated else ''}: covers {skill}. {reason}"
        )


# QueryOp takes plain functions on plain data (never a widget's method): these build them.


def _lister(store: SessionStore) -> Callable[[], list[Target]]:
    return lambda: list_targets(store)


def _reader(path: str, what: str) -> Callable[[], str]:
    return lambda: read_file(path, what)


def _new_planner(
    posting: str,
    cv: str,
    source: str,
    library: ContentLibrary,
    backend: Backend | None,
    store: SessionStore,
    cv_source: str,
    count: int,
) -> Callable[[], Planned]:
    return lambda: plan_new(
        posting, cv, source, library, backend, store, count=count, cv_source=cv_source
    )


def _saved_planner(
    store: SessionStore,
    target_id: str,
    library: ContentLibrary,
    *,
    gaps: bool = False,
    count: int = DEFAULT_QUESTIONS,
) -> Callable[[], Planned]:
    return lambda: plan_saved(store, target_id, library, gaps=gaps, count=count)


def _corrector(
    store: SessionStore,
    target_id: str,
    library: ContentLibrary,
    title: str,
    skills: list[str],
    seniority: str,
    count: int,
) -> Callable[[], Planned]:
    return lambda: save_corrections(
        store, target_id, library, title=title, skills=skills, seniority=seniority, count=count
    )


# --------------------------------------------------------------------------- readiness


class ReadinessPanel(QFrame):
    """Readiness per job target, for the progress screen: which of the posting's skills
    were practised, the latest grade on each, those never asked, and "Practise the gaps"."""

    gaps_requested = Signal(str)  # target id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readinessPanel")
        self.rows: list[TargetReadiness] = []
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.card = style.card(name="readinessCard")
        lay.addWidget(self.card)
        cl = QVBoxLayout(self.card)
        cl.setContentsMargins(18, 14, 18, 16)
        cl.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(10)
        text = QVBoxLayout()
        text.setSpacing(2)
        title = style.section_title("Readiness for your job targets")
        text.addWidget(title)
        self.headline = plain_label("")
        self.headline.setFont(style.scaled_font(self.headline.font(), 1.1, bold=True))
        self.headline.setAccessibleName("Readiness")
        text.addWidget(self.headline)
        head.addLayout(text, 1)
        self.target_combo = QComboBox()
        self.target_combo.setAccessibleName("Job target")
        # A posting's title can be long: the combo box was as wide as the longest and
        # pushed the progress page past a small window (the buttons cut off). It shows
        # about 24 characters and the full title in its list and tooltip.
        self.target_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.target_combo.setMinimumContentsLength(24)
        self.target_combo.currentIndexChanged.connect(self._on_target_changed)
        head.addWidget(self.target_combo, 0, Qt.AlignmentFlag.AlignVCenter)
        self.gaps_button = _primary("Practise the &gaps", "Practise the gaps")
        self.gaps_button.clicked.connect(self._on_gaps_clicked)
        head.addWidget(self.gaps_button, 0, Qt.AlignmentFlag.AlignVCenter)
        cl.addLayout(head)
        self.skills_box = QGridLayout()
        self.skills_box.setHorizontalSpacing(10)
        self.skills_box.setVerticalSpacing(4)
        cl.addLayout(self.skills_box)
        self.never_label = plain_label("")
        self.never_label.setAccessibleName("Skills never asked yet")
        cl.addWidget(self.never_label)
        self.set_targets([])

    def set_targets(self, rows: Sequence[TargetReadiness]) -> None:
        self.rows = list(rows)
        current = self.target_combo.currentData()
        self.target_combo.blockSignals(True)
        self.target_combo.clear()
        for r in self.rows:
            self.target_combo.addItem(r.title, r.target_id)
        index = self.target_combo.findData(current)
        self.target_combo.setCurrentIndex(max(0, index) if self.rows else -1)
        self.target_combo.setVisible(len(self.rows) > 1)
        self.target_combo.blockSignals(False)
        self.setVisible(bool(self.rows))
        self._on_target_changed()

    def shown(self) -> TargetReadiness | None:
        i = self.target_combo.currentIndex()
        return self.rows[i] if 0 <= i < len(self.rows) else None

    def _on_target_changed(self, *_args: object) -> None:
        while self.skills_box.count():
            item = self.skills_box.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()
                w.deleteLater()
        self.skill_labels: dict[str, QLabel] = {}
        row = self.shown()
        if row is None:
            self.headline.setText("")
            self.never_label.setText("")
            self.gaps_button.setEnabled(False)
            return
        r = row.readiness
        self.target_combo.setToolTip(row.title)
        total = len(r.skills)
        done = len(r.practised)
        s = "s" if r.sessions != 1 else ""
        self.headline.setText(
            f"{row.title}: {done} of {total} skills practised over {r.sessions} interview{s}"
        )
        line = 0
        for sk in r.skills:
            if not sk.asked:
                continue
            label = plain_label(sk.skill, wrap=False)
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            label.setMinimumWidth(80)
            score = sk.latest_score or 0.0
            bar = ScoreBar(
                score,
                100,
                style.percent_colour(score),
                accessible_name=f"{sk.skill}: latest grade {score:.0f} of 100",
            )
            bar.setFixedWidth(110)
            number = plain_label(f"{score:.0f}", wrap=False)
            number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            asked = plain_label(f"asked {sk.asked}×", wrap=False, muted=True)
            asked.setToolTip(
                "How often this target's interviews asked about it; the bar is the latest grade"
            )
            self.skills_box.addWidget(label, line, 0)
            self.skills_box.addWidget(bar, line, 1)
            self.skills_box.addWidget(number, line, 2)
            self.skills_box.addWidget(asked, line, 3)
            self.skill_labels[sk.skill] = label
            line += 1
        self.skills_box.setColumnStretch(0, 1)
        never = r.never_asked
        self.never_label.setText(
            "Never asked yet: " + ", ".join(never)
            if never
            else "Every skill of the posting has been asked at least once."
        )
        self.gaps_button.setEnabled(bool(row.gaps))
        self.gaps_button.setToolTip(
            "Start an interview on: " + ", ".join(row.gaps)
            if row.gaps
            else f"No gaps: every skill asked and last graded {GAP_SCORE:.0f} or more"
        )

    def _on_gaps_clicked(self) -> None:
        row = self.shown()
        if row is not None and row.gaps:
            self.gaps_requested.emit(row.target_id)
