"""The one window: home, interview, feedback, history and progress screens on a stack.

The window wires screens to the controller and owns what belongs to a desktop window:
menus and shortcuts, the About box, the settings dialog, the remembered geometry, the
message banner, the offer to resume an interrupted interview, asking before anything is
deleted, and the file dialog for exports. It holds no interview logic.

Questions to the user go through `self.confirm` and file choices through
`self.save_file`, so tests answer them without a modal dialog.

Work that waits on the disk or the network runs through `QueryOp` (gui/workers.py):
session store reads and writes, local server discovery and report export (the PDF is
rendered there too). The op gets plain data (the store, a report, a path) and returns
plain data; the window applies it on the GUI thread, and not at all once it is closed.
Store errors arrive as exceptions in the op's failure callback, so the window needs no
sqlite3. The small JSON files beside the settings (settings, home choices, window state)
are still written here, on the GUI thread: each write is a few hundred bytes, and writes
of one file must land in the order they were made, which ops on a pool do not promise.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TypeVar

import shiboken6
from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer import __version__
from interviewer.core.engine import Phase
from interviewer.core.errors import InterviewerError
from interviewer.core.report import Report
from interviewer.gui.controller import Controller, Results, StartOptions
from interviewer.gui.feedback import FeedbackView
from interviewer.gui.first_check import FirstUseCheck
from interviewer.gui.history import HistoryView, feedback_from_report, feedback_from_stored
from interviewer.gui.home import HomeView
from interviewer.gui.interview import Confirm, InterviewView
from interviewer.gui.jobs import JobView, read_readiness
from interviewer.gui.progress import ProgressView, practice_track
from interviewer.gui.resume import ResumeOffer
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.gui.widgets import BannerSlot, MessageBanner, ask_yes_no
from interviewer.gui.window_state import load_state, restore_geometry, save_geometry, save_state
from interviewer.gui.workers import DISCOVERY, EXPORT, QueryOp, user_message
from interviewer.llm.discovery import FoundServer, discover
from interviewer.progress import local_time
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import (
    HomeChoices,
    Settings,
    home_choices_file,
    load_home_choices,
    save_home_choices,
    save_settings,
)
from interviewer.storage.store import (
    SessionBusy,
    SessionRow,
    SessionStore,
    StoredSession,
    session_holder,
)

APP_NAME = "Interviewer"
USAGE_REFRESH_MS = 1000
#: Grades still arriving this long after the last answer: show the feedback page as
#: it stands, filling in as they land (quicker grades show the finished page once).
#: Tried at 0 (issue 18): the page then filled in while the last grade's own Python
#: work ran on its worker, and with the two taking turns at the interpreter lock the
#: window froze for 120-150 ms at a time, for a finished page only 5% sooner.
SO_FAR_DELAY_MS = 700
#: The pause before a feedback page built hidden is put in front: a 1 ms timer, not a
#: zero-delay call (which Qt runs before any timer already due, input and paints
#: included), so that building the page and showing it are two freezes, not one
#: (48 + 23 ms measured as one 72 ms stall after a 40-question interview; issue 18).
IN_FRONT_DELAY_MS = 1
DEFAULT_SIZE = (1120, 780)
MIN_SIZE = (720, 520)

#: (parent, caption, suggested path, filters, preselected filter) -> (chosen path or "",
#: chosen filter); the signature of QFileDialog.getSaveFileName, so tests can stand in
#: for the dialog.
SaveFile = Callable[[QWidget, str, str, str, str], tuple[str, str]]
#: The pause before each lazily built screen: a 1 ms timer rather than a zero-delay one,
#: so timers already due (paints, input, the launch's own steps) run between two builds
#: instead of the window's construction and the first screen's running back to back (a
#: 47 ms freeze measured at launch; issue 18).
LAZY_SCREEN_DELAY_MS = 1
#: The pause before the first of them: the start-up's own last steps (the window put in
#: the shell, the heap frozen; gui/boot.py) are 1 ms timers too, and timers due together
#: run back to back: the interview screen and the window's attaching made one 50-60 ms
#: freeze (issue 18).
LAZY_SCREEN_FIRST_DELAY_MS = 60
#: While an interview runs, the screens it does not need wait: looked at again this often.
LAZY_SCREEN_IDLE_MS = 1000
EXPORT_FILTERS = {
    ".md": "Markdown (*.md)",
    ".html": "HTML page (*.html)",
    ".pdf": "PDF document (*.pdf)",
    ".json": "JSON data (*.json)",
}


def ask_save_file(
    parent: QWidget, caption: str, suggested: str, filters: str, selected: str
) -> tuple[str, str]:
    return QFileDialog.getSaveFileName(parent, caption, suggested, filters, selected)


def export_file_name(report: Report, ext: str = ".md") -> str:
    """`interview-<track>-<date>.md`: sorts by track, then date, in a folder listing."""
    try:
        day = dt.datetime.fromisoformat(report.started_at).astimezone().strftime("%Y-%m-%d")
    except ValueError:
        day = dt.date.today().isoformat()
    slug = re.sub(r"[^a-z0-9]+", "-", report.track_name.lower()).strip("-") or report.track_id
    return f"interview-{slug}-{day}{ext}"


def load_export_choice(path: Path) -> tuple[Path | None, str]:
    """The folder and format (extension) of the last export, from the window's state file.

    Kept beside the window geometry rather than in `Settings`: the Settings dialog writes
    back the whole `Settings` it copied when it opened, which would undo an export made
    while it was open. A folder that no longer exists is forgotten.
    """
    raw = load_state(path).get("export")
    data = raw if isinstance(raw, dict) else {}
    ext = data.get("format")
    folder = data.get("folder")
    where = Path(folder) if isinstance(folder, str) and folder else None
    return (
        where if where is not None and where.is_dir() else None,
        ext if isinstance(ext, str) and ext in EXPORT_FILTERS else ".md",
    )


def save_export_choice(path: Path, folder: Path, ext: str) -> None:
    data = load_state(path)
    data["export"] = {"folder": str(folder), "format": ext}
    save_state(path, data)


def finished_reports(store: SessionStore) -> tuple[list[Report], int]:
    """The finished sessions' reports, and how many could not be read (runs on a worker)."""
    reports: list[Report] = []
    problems = 0
    for row in store.list_sessions("finished"):
        try:
            report = store.get_report(row.id)
        except Exception:  # one unreadable report leaves the others in the charts
            problems += 1
            continue
        if report is not None:
            reports.append(report)
    return reports, problems


def usage_line(report: Report | None) -> str:
    """The report's tokens and cost for the feedback screen ("" when no model was paid)."""
    usage = report.usage if report is not None else None
    return usage.line() if usage is not None and usage.requests else ""


def adaptive_path(report: Report | None) -> str:
    """An adaptive interview's difficulty path in words, as the reports say it ("")."""
    if report is None or not report.adaptive or not report.difficulty_path:
        return ""
    from interviewer.export.view import difficulty_path_text

    return difficulty_path_text(report.difficulty_path, report.difficulty_reasons)


def about_text() -> str:
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Timed, rubric-graded mock interviews for machine learning engineer roles, "
        "with OpenAI, a local model server, or the built-in offline coach.</p>"
        "<p>Every answer is graded per rubric criterion with quoted evidence; behavioral "
        "answers also get a STAR breakdown.</p>"
        "<p>Open source under the MIT licence.</p>"
    )


T = TypeVar("T")


def find_local_servers(ports: dict[str, int] | None) -> list[FoundServer]:
    """Probe the local model servers' usual ports (runs on a worker; bounded, ~0.3 s)."""
    try:
        return discover(ports=ports)
    except Exception:  # a probe problem is never worth a crash; nothing found
        return []


def write_export(report: Report, path: Path) -> Path:
    """Write a report in the format its extension names (runs on a worker).

    The PDF is rendered here too, off the GUI thread: QTextDocument is reentrant, and
    QPainter on a QPdfWriter and on a QImage (the chart) is supported in threads. On a
    QThreadPool thread it prints the same text as on the GUI thread with no Qt warning
    (checked by tests/test_queryop.py); the fonts come from Qt's thread-safe font
    database. A plain Python thread is not enough (QTextDocument's timers need the
    event dispatcher a pool thread has), which is one reason every background job in the
    window goes through QueryOp.
    """
    from interviewer.export import write_report

    return write_report(report, path)


class MainWindow(QMainWindow):
    #: The local model servers found running (a list of FoundServer), after discovery.
    local_servers_found = Signal(object)
    #: An export ended: the path written (None when it failed) and the message shown.
    export_finished = Signal(object, str)

    def __init__(
        self,
        controller: Controller,
        *,
        confirm: Confirm = ask_yes_no,
        save_file: SaveFile = ask_save_file,
        settings_file: Path | None = None,
        geometry_file: Path | None = None,
        parent: QWidget | None = None,
        home: HomeView | None = None,
    ) -> None:
        """`home`: a home screen already on screen to take over (gui/boot.py shows one
        filled from the cached track index while the app loads); a new one otherwise."""
        super().__init__(parent)
        self.controller = controller
        self.confirm = confirm
        self.save_file = save_file
        self._shown_report: Report | None = None  # what Export on the feedback screen saves
        paths = app_paths()
        self.settings_file = settings_file or paths.settings_file
        self.geometry_file = geometry_file or paths.config_dir / "window.json"
        # Where the last export went and in which format, remembered between launches.
        self.export_dir, self.export_format = load_export_choice(self.geometry_file)
        self.home_file = home_choices_file(self.settings_file)
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.banner = MessageBanner()
        self.resume_offer = ResumeOffer()
        # The banner's place is kept whether or not it shows, and the resume offer's
        # until the page changes, so neither moves the page under the pointer.
        self.banner_slot = BannerSlot(self.banner, [self.resume_offer])
        lay.addWidget(self.banner_slot)
        self.stack = QStackedWidget()
        self.stack.currentChanged.connect(self._on_page_changed)
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.home = home if home is not None else HomeView()
        self.stack.addWidget(self.home)
        # The other screens are built on first use or on the next turns of the event
        # loop, one a turn (issue 18: no step over 50 ms), see `_build_next_screen`.
        self._screens: dict[str, QWidget] = {}

        self.settings_dialog: SettingsDialog | None = None
        self.local_servers: list[FoundServer] = []
        self._discovery: QueryOp[list[FoundServer]] | None = None
        self._banner_action: Callable[[], None] | None = None
        self.banner.action_triggered.connect(self._on_banner_action)
        self.backend_status = QLabel()
        self.backend_status.setAccessibleName("Model in use")
        self.grading_status = QLabel()
        self.statusBar().addWidget(self.grading_status, 1)
        self.usage_status = QLabel()
        self.usage_status.setAccessibleName("Tokens used and estimated cost")
        self.usage_status.hide()
        self.statusBar().addPermanentWidget(self.usage_status)
        self.statusBar().addPermanentWidget(self.backend_status)
        # Token usage arrives from worker threads; a cheap poll keeps the count live.
        self._usage_timer = QTimer(self)
        self._usage_timer.setInterval(USAGE_REFRESH_MS)
        self._usage_timer.timeout.connect(self.refresh_usage)

        self._build_menus()

        c = controller
        self.home.start_requested.connect(self._on_start_requested)
        self.home.settings_requested.connect(self.open_settings)
        self.home.history_requested.connect(self.show_history)
        self.home.progress_requested.connect(self.show_progress)
        self.home.set_library(c.library)
        self.home.set_choices(load_home_choices(self.home_file))
        self.home.choices_changed.connect(self._on_home_choices_changed)
        c.interview_started.connect(self._on_interview_started)
        c.finished.connect(self._on_finished)
        c.message.connect(self._on_message)
        c.backend_changed.connect(self._on_backend_changed)
        c.grading_progress.connect(self._on_grading_progress)
        c.grade_working.connect(self._on_grade_working)
        c.results_so_far.connect(self._on_results_so_far)
        self._so_far: tuple[Results, frozenset[str]] | None = None
        #: A Start waiting for the practice history (`start_interview`).
        self._start_after_history: StartOptions | None = None
        self._so_far_timer = QTimer(self)
        self._so_far_timer.setSingleShot(True)
        self._so_far_timer.setInterval(SO_FAR_DELAY_MS)
        self._so_far_timer.timeout.connect(self._show_so_far)
        c.grading_estimate.connect(self._on_grading_estimate)
        c.state_changed.connect(self._update_actions)
        c.draft_restored.connect(self._on_draft_restored)
        self.home.job_requested.connect(self.show_jobs)
        self.resume_offer.resume_requested.connect(self._on_resume_requested)
        self.resume_offer.keep_requested.connect(self._on_keep_requested)
        self._on_backend_changed(c.backend_label)
        notices = [c.grader_notice, c.store.notice]
        if c.backend_notice and c.backend.name != "offline":
            notices.insert(0, c.backend_notice)
        if any(notices):
            self.banner.show_message("warning", " ".join(n for n in notices if n))
        # The model check once on first use (issue 15): started by the app after the
        # window shows, and after new settings (`check_models_on_first_use`).
        self.first_check = FirstUseCheck(self)
        self.first_check.notice.connect(self._on_first_check_notice)
        self.first_check.checked.connect(self._on_first_check_done)
        self.show_home()
        restore_geometry(self, self.geometry_file)
        self.offer_resume()
        self.banner_slot.settle()
        QTimer.singleShot(LAZY_SCREEN_FIRST_DELAY_MS, self, self._build_next_screen)

    # -------------------------------------------------------------- screens, built lazily

    #: The screens built after the home screen, in the order the idle turns build them.
    LAZY_SCREENS = ("interview", "feedback", "jobs", "history", "progress")

    def _build_next_screen(self) -> None:
        """Build one screen not built yet, then queue the next on a later turn. Not
        while an interview runs: a screen takes 50-140 ms to build, a stall in the
        middle of a streamed question (the interview and feedback screens it needs are
        the first two built, or built at once when it starts); nor while a Start waits
        for the practice history (it would land in the interview's first turns)."""
        for name in self.LAZY_SCREENS:
            if name not in self._screens:
                busy = self.controller.in_interview or self._start_after_history is not None
                if busy and name not in ("interview", "feedback"):
                    QTimer.singleShot(LAZY_SCREEN_IDLE_MS, self, self._build_next_screen)
                    return
                self._screen(name)
                QTimer.singleShot(LAZY_SCREEN_DELAY_MS, self, self._build_next_screen)
                return

    def screens_built(self) -> tuple[str, ...]:
        """The lazily built screens that exist now (the home screen always does)."""
        return tuple(name for name in self.LAZY_SCREENS if name in self._screens)

    def _screen(self, name: str) -> QWidget:
        page = self._screens.get(name)
        if page is None:
            page = getattr(self, f"_build_{name}")()
            self._screens[name] = page
            self.stack.addWidget(page)
        return page

    @property
    def interview(self) -> InterviewView:
        page = self._screen("interview")
        assert isinstance(page, InterviewView)
        return page

    @property
    def feedback(self) -> FeedbackView:
        page = self._screen("feedback")
        assert isinstance(page, FeedbackView)
        return page

    @property
    def history(self) -> HistoryView:
        page = self._screen("history")
        assert isinstance(page, HistoryView)
        return page

    @property
    def progress(self) -> ProgressView:
        page = self._screen("progress")
        assert isinstance(page, ProgressView)
        return page

    @property
    def jobs(self) -> JobView:
        page = self._screen("jobs")
        assert isinstance(page, JobView)
        return page

    def _build_interview(self) -> InterviewView:
        view = InterviewView(self.controller)
        view.confirm = self._confirm
        self._interview_menu.insertActions(self._interview_slot, view.actions_list)
        return view

    def _build_feedback(self) -> FeedbackView:
        view = FeedbackView()
        view.practise_again.connect(self._on_practise_again)
        view.back_home.connect(self._on_back_home)
        view.export_requested.connect(self._on_export_requested)
        return view

    def _build_history(self) -> HistoryView:
        view = HistoryView()
        view.open_requested.connect(self._on_history_open)
        view.export_requested.connect(self._on_history_export)
        view.delete_requested.connect(self._on_history_delete)
        view.delete_all_requested.connect(self._on_delete_all)
        view.progress_requested.connect(self.show_progress)
        view.back_requested.connect(self.show_home)
        return view

    def _build_progress(self) -> ProgressView:
        view = ProgressView()
        view.practise_requested.connect(self._on_practise_topics)
        view.history_requested.connect(self.show_history)
        view.back_requested.connect(self.show_home)
        view.readiness.gaps_requested.connect(self._on_gaps_requested)
        return view

    def _on_gaps_requested(self, target_id: str) -> None:
        self.jobs.practise_gaps(target_id)

    def _build_jobs(self) -> JobView:
        # "Practise for a job" (issue 17): postings, targets and their plans.
        view = JobView(self.controller)
        view.confirm = self._confirm
        view.start_requested.connect(self._on_start_requested)
        view.back_requested.connect(self.show_home)
        view.tracks_requested.connect(self.show_home)
        view.problem.connect(lambda text: self.banner.show_message("error", text))
        # One adaptive-difficulty choice for the tracks and the job plans.
        view.adaptive.setChecked(self.home.adaptive.isChecked())
        self.home.adaptive.toggled.connect(view.adaptive.setChecked)
        view.adaptive.toggled.connect(self.home.adaptive.setChecked)
        return view

    # -------------------------------------------------------------- construction

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&Interview")
        self.new_action = QAction("&New interview", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setStatusTip("Back to the track picker")
        self.new_action.triggered.connect(self._on_new_interview)
        menu.addAction(self.new_action)
        self.history_action = QAction("&History", self)
        self.history_action.setShortcut(QKeySequence("Ctrl+H"))
        self.history_action.setStatusTip("Past interviews: open, export or delete them")
        self.history_action.triggered.connect(self.show_history)
        menu.addAction(self.history_action)
        self.progress_action = QAction("P&rogress", self)
        self.progress_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.progress_action.setStatusTip("Scores over time and your weakest topics")
        self.progress_action.triggered.connect(self.show_progress)
        menu.addAction(self.progress_action)
        menu.addSeparator()
        # The interview screen's actions go here when it is built (`_build_interview`).
        self._interview_menu = menu
        self._interview_slot = menu.addSeparator()
        self.settings_action = QAction("&Settings…", self)
        self.settings_action.setShortcut(QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        menu.addAction(self.settings_action)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.quit_action)

        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.setShortcut(QKeySequence("F1"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)
        about_qt = QAction("About &Qt", self)
        about_qt.setMenuRole(QAction.MenuRole.AboutQtRole)
        about_qt.triggered.connect(QApplication.aboutQt)
        help_menu.addAction(about_qt)
        for action in (
            self.new_action,
            self.history_action,
            self.progress_action,
            self.settings_action,
            self.quit_action,
            self.about_action,
        ):
            self.addAction(action)

    # -------------------------------------------------------------- background work

    def _in_background(
        self,
        op: Callable[[], T],
        success: Callable[[T], None],
        *,
        problem: str = "",
        failed: Callable[[Exception], None] | None = None,
        needs: tuple[str, ...] = (),
    ) -> QueryOp[T]:
        """Run `op` (plain work on plain data: the store, files, the network) off the GUI
        thread; `success` runs on the GUI thread, and nothing runs after the window closed.

        A failure shows "`problem`: the reason" in the banner, or goes to `failed`.
        """

        def on_failure(err: Exception) -> None:
            if failed is not None:
                failed(err)
            elif problem:
                self.banner.show_message("error", f"{problem}: {err}")

        return (
            QueryOp(parent=self, op=op, success=success, needs=needs)
            .failure(on_failure)
            .run_in_background()
        )

    # -------------------------------------------------------------- navigation

    def show_home(self) -> None:
        # What was practised, for the home screen's count: the controller's copy, read
        # off the GUI thread (the same read a Start waits for), shown when it arrives;
        # read again unless a read is on its way (an interview in the terminal counts).
        self.controller.reread_history(unless_reading=True)
        self.controller.when_history_known(self.home.set_history, owner=self.home)
        self.stack.setCurrentWidget(self.home)
        self.home.track_list.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    def _on_home_choices_changed(self, choices: HomeChoices) -> None:
        save_home_choices(choices, self.home_file)

    def _on_page_changed(self, _index: int) -> None:
        self.banner_slot.settle()  # the page is new: an offer's kept room can go now

    def _confirm(self, parent: QWidget, title: str, text: str) -> bool:
        return self.confirm(parent, title, text)

    def _on_start_requested(self, options: StartOptions) -> None:
        self.start_interview(options)

    def start_interview(self, options: StartOptions) -> bool:
        """Start a new interview; an interrupted one still on offer is kept as unfinished.

        While what was practised is still being read (just after launch, or right after
        an interview), the start waits for it with a busy cursor rather than reading the
        store on this thread: that read waited for the background one and froze the
        window for 70-210 ms at the Start click (issue 18). True then means "starting"."""
        if not options.repeat and self.controller.known_history() is None:
            first = self._start_after_history is None
            self._start_after_history = options  # a second click: its options count
            if first:
                QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
                self.controller.when_history_known(self._on_history_for_start, owner=self)
            return True
        self._drop_waiting_start()  # a repeat Start: it starts now, in its place
        pending = self.resume_offer.session_id
        if not self.controller.start_interview(options):
            return False
        if pending is not None:
            self._keep(pending, quiet=True)
            self.banner_slot.settle()  # the interview page is showing: give the room back
        return True

    def _on_history_for_start(self, _history: object) -> None:
        options = self._start_after_history
        self._drop_waiting_start()
        if options is not None and self.isVisible():
            self.start_interview(options)

    def _drop_waiting_start(self) -> None:
        """Forget a Start that waits for the history (another interview began, the
        candidate went elsewhere, or the window closed), and its busy cursor."""
        if self._start_after_history is not None:
            self._start_after_history = None
            QApplication.restoreOverrideCursor()

    def _on_interview_started(self) -> None:
        self._drop_waiting_start()  # resumed, or started another way: one interview
        # The interview has the server to itself; a running check runs again after it.
        if self.first_check.pause() and self.banner.action.text() == "Stop check":
            self.banner.dismiss()
        if self.banner.level == "error":
            self.banner.dismiss()
        self.grading_status.setText("")
        self.feedback.forget_prepared()  # cards built ahead for an earlier interview
        self.stack.setCurrentWidget(self.interview)
        self._usage_timer.start()
        self.refresh_usage()
        self._update_actions()

    def refresh_usage(self) -> None:
        """Show the interview's tokens and estimated cost; hidden while none are used."""
        usage = self.controller.session_usage()
        text = usage.short() if usage is not None else ""
        if text != self.usage_status.text():
            self.usage_status.setText(text)
            if usage is not None:
                self.usage_status.setToolTip(f"This interview: {usage.long()}")
        self.usage_status.setVisible(bool(text))

    def _on_draft_restored(self, text: str) -> None:
        answer = self.interview.answer
        answer.setPlainText(text)  # the view hands it on to the controller like typing
        answer.moveCursor(QTextCursor.MoveOperation.End)

    def _on_results_so_far(self, results: Results, grading: frozenset[str]) -> None:
        """The interview is over and grades are still arriving: the feedback page shows
        what is in and fills in as the rest land (issue 15). Not at once: grades that
        land within SO_FAR_DELAY_MS (the offline coach, a fast model) go straight to
        the finished page, which then appears once instead of twice."""
        self._so_far = (results, grading)
        if self.stack.currentWidget() is not self.feedback:
            self._so_far_timer.start()
            return
        self._show_so_far()

    def _show_so_far(self) -> None:
        found, self._so_far = self._so_far, None
        if found is None or self.controller.phase is not Phase.GRADING:
            return
        results, grading = found
        self._shown_report = None  # nothing to export until the report is written
        self.feedback.audio_dir = self._audio_dir(self.controller.session_id)
        self.feedback.difficulty_path = ""  # said with the report, when it is written
        if self.stack.currentWidget() is self.feedback:
            self.feedback.update_results(
                results.records, results.summary, results.rubrics, grading=grading
            )
        else:
            self.feedback.show_results(
                results.records,
                results.summary,
                results.rubrics,
                progressive=True,
                grading=grading,
            )
            # In front on the next turn, as in `_on_finished`: not in the turn that
            # built it.
            was = self.stack.currentWidget()
            self.feedback.hold_for_first_frame()
            QTimer.singleShot(IN_FRONT_DELAY_MS, self, lambda: self._so_far_in_front(was))
        self.feedback.export_button.setEnabled(False)

    def _so_far_in_front(self, was: QWidget | None) -> None:
        if self.stack.currentWidget() is was and self.controller.phase is Phase.GRADING:
            self.stack.setCurrentWidget(self.feedback)

    def _on_grading_estimate(self, text: str) -> None:
        """ "3 of 5 grades in; the rest in about 1 min 20 s" on the feedback page (once
        the interview is over; grades landing during it have the status bar)."""
        if not text or self.controller.phase is Phase.GRADING:
            self.feedback.set_grading_note(text)

    def _on_finished(self, results: Results) -> None:
        self._so_far_timer.stop()
        self._so_far = None
        self._shown_report = results.report
        self.feedback.set_grading_note("")
        self.feedback.audio_dir = self._audio_dir(self.controller.session_id)
        self.feedback.difficulty_path = adaptive_path(results.report)
        # A page that showed these grades as they landed (in front or about to be) has
        # the last ones filled in, in place; any other page is built afresh.
        self.feedback.update_results(
            results.records,
            results.summary,
            results.rubrics,
            usage=usage_line(results.report),
        )
        self.feedback.export_button.setEnabled(results.report is not None)
        self.grading_status.setText("")
        self._usage_timer.stop()
        self.refresh_usage()
        if self.stack.currentWidget() is self.feedback:
            self._feedback_in_front()
        else:
            # The page is built while hidden, and put in front on the next turn: its
            # show, polish and layout came in the same turn as building it, the longest
            # freeze left at the end of an interview (35-52 ms; issue 18).
            was = self.stack.currentWidget()
            self.feedback.hold_for_first_frame()
            QTimer.singleShot(IN_FRONT_DELAY_MS, self, lambda: self._feedback_in_front(was))
        self.first_check.resume()  # a check stopped for the interview runs now

    def _feedback_in_front(self, was: QWidget | None = None) -> None:
        if was is not None and self.stack.currentWidget() is not was:
            return  # another page was asked for meanwhile
        self.stack.setCurrentWidget(self.feedback)
        self.feedback.practise_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    def _on_practise_again(self) -> None:
        if not self._grades_may_go():
            return
        options = self.controller.options
        report = self._shown_report
        if report is not None and (options is None or report is not self._results_report()):
            # Feedback opened from history: practise that session's track.
            if report.track_id in self.controller.library.tracks:
                self.start_interview(StartOptions(report.track_id))
                return
            self.home.select_track(report.track_id)
            self.show_home()
            return
        if options is not None:
            self.start_interview(options)
        else:
            self.show_home()

    def _results_report(self) -> Report | None:
        results = self.controller.results
        return results.report if results is not None else None

    def _grades_may_go(self) -> bool:
        """On the feedback page while grades still arrive: leaving stops them, so ask."""
        pending = self.controller.session.pending_grades
        if not pending or self.controller.phase is not Phase.GRADING:
            return True
        return self._confirm(
            self,
            "Leave before every grade is in?",
            f"{pending} answer{'s are' if pending != 1 else ' is'} still being graded. "
            "If you leave now, they stay ungraded in History.",
        )

    def _on_back_home(self) -> None:
        if self._grades_may_go():
            self._go_home()

    def _go_home(self) -> None:
        self._drop_waiting_start()
        options = self.controller.options
        self.controller.leave_interview()
        if options is not None:
            self.home.select_track(options.track_id)
        self.show_home()
        self.first_check.resume()  # a check stopped for the interview runs now

    def _on_new_interview(self) -> None:
        if self.controller.in_interview and not self._confirm(
            self,
            "Leave this interview?",
            "The interview stops here and is not graded. Your answers so far stay in "
            "History as an unfinished interview.",
        ):
            return
        self._go_home()  # asked once, above

    def _update_actions(self) -> None:
        on_home = self.stack.currentWidget() is self.home
        self.new_action.setEnabled(not on_home)
        # History and Progress are for between interviews: nothing there may change the
        # session being written, and leaving the interview screen would hide the clocks.
        free = not self.controller.in_interview
        self.history_action.setEnabled(free)
        self.progress_action.setEnabled(free)
        self.home.history_button.setEnabled(free)
        self.home.progress_button.setEnabled(free)

    # -------------------------------------------------------------- resume

    def offer_resume(self) -> None:
        """At launch: offer the newest interrupted interview; older ones become unfinished.

        Read off the GUI thread in two steps; the interview the candidate may have
        started meanwhile is never offered or touched, and an offer that arrives after a
        new interview started is kept as unfinished, as `start_interview` does.
        """
        store = self.controller.store
        self._in_background(
            store.interrupted_sessions,
            self._on_interrupted_read,
            problem="Saved interviews could not be read",
        )

    def _on_interrupted_read(self, rows: list[SessionRow]) -> None:
        current = self.controller.session_id
        interrupted = [r for r in rows if r.id != current]
        if not interrupted:
            self.resume_offer.clear()
            return
        newest, older = interrupted[0].id, [r.id for r in interrupted[1:]]
        if self.controller.in_interview:
            older.append(newest)  # started meanwhile: all of them become unfinished
        store = self.controller.store

        def settle() -> tuple[StoredSession, str] | None:
            # One writer per session: an interview open in another interviewer process
            # (a terminal, another window) is neither marked unfinished nor resumed here.
            for sid in older:
                if session_holder(store.path, sid, owner=store) is None:
                    store.mark_abandoned(sid)
            if newest in older:
                return None
            holder = session_holder(store.path, newest, owner=store)
            busy = "" if holder is None else str(SessionBusy(newest, holder))
            return store.load_session(newest), busy

        self._in_background(
            settle, self._on_interrupted_loaded, problem="Saved interviews could not be read"
        )

    def _on_interrupted_loaded(self, found: tuple[StoredSession, str] | None) -> None:
        if found is None:
            return
        stored, busy = found
        if busy:
            if not self.controller.in_interview:
                self.resume_offer.offer(stored, busy, busy=True)
            return
        if self.controller.in_interview:
            self._keep(stored.row.id, quiet=True)
            return
        self.resume_offer.offer(stored, self.controller.resume_problem(stored))

    def _on_resume_requested(self, session_id: str) -> None:
        if self.controller.resume_session(session_id):
            self.resume_offer.clear()
            self.banner.show_message(
                "info", "Resumed where you stopped: your draft and both clocks are back."
            )

    def _on_keep_requested(self, session_id: str) -> None:
        self._keep(session_id)

    def _keep(self, session_id: str, quiet: bool = False) -> None:
        if self.resume_offer.session_id == session_id:
            self.resume_offer.clear()
        store = self.controller.store

        def kept(_: None) -> None:
            if not quiet:
                self.banner.show_message(
                    "info",
                    "The interrupted interview is kept in History as unfinished (Ctrl+H).",
                )

        self._in_background(
            lambda: store.mark_abandoned(session_id),
            kept,
            problem="The interrupted interview could not be updated",
        )

    # -------------------------------------------------------------- history and progress

    def show_history(self) -> None:
        """Read the sessions off the GUI thread, then show them (not mid-interview)."""
        if self.controller.in_interview:
            return
        self.refresh_history(show=True)

    def refresh_history(self, *, show: bool = False) -> None:
        def shown(rows: list[SessionRow]) -> None:
            self.history.set_rows(rows)
            if show and not self.controller.in_interview:
                self.stack.setCurrentWidget(self.history)
                self.history.table.setFocus(Qt.FocusReason.OtherFocusReason)
                self._update_actions()

        self._in_background(
            self.controller.store.list_sessions,
            shown,
            problem="Your history could not be read",
        )

    def show_jobs(self) -> None:
        """The job screen: saved targets, a posting to read, a plan to start."""
        if self.controller.in_interview:
            return
        self.jobs.refresh()
        self.stack.setCurrentWidget(self.jobs)
        self._update_actions()

    def show_progress(self) -> None:
        if self.controller.in_interview:
            return
        # Readiness per job target, beside the charts (hidden when it cannot be read).
        self._in_background(
            partial(read_readiness, self.controller.store, self.controller.library),
            self.progress.readiness.set_targets,
            failed=lambda _err: self.progress.readiness.set_targets([]),
        )
        self._in_background(
            partial(finished_reports, self.controller.store),
            self._on_progress_read,
            problem="Your history could not be read",
        )

    def _on_progress_read(self, read: tuple[list[Report], int]) -> None:
        if self.controller.in_interview:
            return
        reports, problems = read
        if problems:
            many = problems != 1
            self.banner.show_message(
                "warning",
                f"{problems} saved report{'s' if many else ''} could not be read and "
                f"{'are' if many else 'is'} left out of the charts.",
            )
        self.progress.set_reports(reports)
        self.stack.setCurrentWidget(self.progress)
        self._update_actions()

    def _audio_dir(self, session_id: str | None) -> Path | None:
        """The session's folder, where its spoken answers' recordings are replayed from."""
        if not session_id:
            return None
        try:
            return self.controller.store.session_dir(session_id)
        except InterviewerError:
            return None

    def _on_history_open(self, session_id: str) -> None:
        store = self.controller.store

        def read() -> tuple[Report | None, StoredSession | None]:
            report = store.get_report(session_id)
            return report, (store.load_session(session_id) if report is None else None)

        self._in_background(read, self._on_history_read, problem="This session could not be opened")

    def _on_history_read(self, read: tuple[Report | None, StoredSession | None]) -> None:
        report, stored = read
        library = self.controller.library
        try:
            if report is not None:
                records, summary, rubrics = feedback_from_report(report, library)
            elif stored is not None:
                records, summary, rubrics = feedback_from_stored(stored, library)
            else:
                return
        except InterviewerError as err:
            self.banner.show_message("error", f"This session could not be opened: {err}")
            return
        self._shown_report = report
        shown_id = report.session_id if report is not None else stored.row.id if stored else None
        self.feedback.audio_dir = self._audio_dir(shown_id)
        self.feedback.difficulty_path = adaptive_path(report)
        self.feedback.show_results(records, summary, rubrics, usage=usage_line(report))
        self.feedback.export_button.setEnabled(report is not None)
        self.stack.setCurrentWidget(self.feedback)
        self._update_actions()
        if report is None:
            self.banner.show_message(
                "info",
                "This interview was not finished: you see the answers it saved, with the "
                "grades that arrived before it stopped.",
            )

    def _on_history_export(self, session_id: str) -> None:
        store = self.controller.store

        def got(report: Report | None) -> None:
            if report is None:
                self.banner.show_message("warning", "Only a finished interview has a report.")
                return
            self.export_report(report)

        self._in_background(
            lambda: store.get_report(session_id),
            got,
            problem="This session's report could not be read",
        )

    def _on_history_delete(self, session_id: str) -> None:
        row = next((r for r in self.history.model.rows if r.id == session_id), None)
        what = (
            f"the {row.track_name} interview of {local_time(row.started_at)}"
            if row is not None
            else "this interview"
        )
        if not self._confirm(
            self,
            "Delete this interview?",
            f"Delete {what}, with its answers and report? This cannot be undone.",
        ):
            return
        store = self.controller.store

        def deleted(_: bool) -> None:
            if self.resume_offer.session_id == session_id:
                self.resume_offer.clear()
            if self._shown_report is not None and self._shown_report.session_id == session_id:
                self._shown_report = None
            self.refresh_history()
            self.controller.reread_history()  # the home screen's count
            self.banner.show_message("info", "The interview was deleted.")

        self._in_background(
            lambda: store.delete_session(session_id),
            deleted,
            problem="The interview could not be deleted",
        )

    def _on_delete_all(self) -> None:
        if not self._confirm(
            self,
            "Delete all data?",
            "Delete every saved interview, with all answers, grades and reports? "
            "This cannot be undone. Settings and your API key are kept.",
        ):
            return

        def deleted(count: int) -> None:
            self.resume_offer.clear()
            self._shown_report = None
            self.refresh_history()
            self.controller.reread_history()  # the home screen's count
            self.banner.show_message(
                "info", f"Deleted {count} interview{'s' if count != 1 else ''}. History is empty."
            )

        self._in_background(
            self.controller.store.delete_all,
            deleted,
            problem="Your data could not be deleted",
        )

    def _on_practise_topics(self, topics: list[str]) -> None:
        track = practice_track(self.controller.library, topics, self.progress.data)
        if track is None:
            self.banner.show_message(
                "warning",
                f"No question in the bank covers {', '.join(topics)}. Pick a track instead.",
            )
            return
        self.start_interview(
            StartOptions(
                track_id=track.id,
                question_count=len(track.questions),
                minutes=float(track.duration_minutes),
                follow_ups=track.follow_up_limit > 0,
                track=track,
            )
        )

    # -------------------------------------------------------------- export

    def _on_export_requested(self) -> None:
        if self._shown_report is None:
            self.banner.show_message("warning", "There is no finished report to export here.")
            return
        self.export_report(self._shown_report)

    def export_report(self, report: Report) -> Path | None:
        """Ask where to save the report, then write it, off the GUI thread, in the format
        its extension names. Returns the path that will be written (None if the dialog
        was cancelled); `export_finished` and the banner tell how the write went."""
        folder = self.export_dir
        if folder is None or not folder.is_dir():
            docs = QStandardPaths.writableLocation(
                QStandardPaths.StandardLocation.DocumentsLocation
            )
            folder = Path(docs) if docs and Path(docs).is_dir() else Path.home()
        ext = self.export_format if self.export_format in EXPORT_FILTERS else ".md"
        suggested = str(folder / export_file_name(report, ext))
        chosen, selected = self.save_file(
            self,
            "Export report",
            suggested,
            ";;".join(EXPORT_FILTERS.values()),
            EXPORT_FILTERS[ext],
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() not in EXPORT_FILTERS:
            # No (or an unknown) extension typed: take the one of the chosen file type.
            typed = next((e for e, f in EXPORT_FILTERS.items() if f == selected), ext)
            path = path.with_name(path.name + typed)
        path = path.expanduser().resolve()
        self._in_background(
            partial(write_export, report, path),
            self._on_exported,
            failed=self._on_export_failed,
            needs=EXPORT,
        )
        return path

    def _on_exported(self, written: Path) -> None:
        self.export_dir = written.parent
        self.export_format = written.suffix.lower()
        save_export_choice(self.geometry_file, self.export_dir, self.export_format)
        message = f"Report saved to {written}."
        self.banner.show_message("info", message)
        self.export_finished.emit(written, message)

    def _on_export_failed(self, err: Exception) -> None:
        message = user_message(err)
        self.banner.show_message("error", message)
        self.export_finished.emit(None, message)

    # -------------------------------------------------------------- messages and backend

    def _on_message(self, level: str, text: str) -> None:
        self.banner.show_message(level, text)

    def _on_backend_changed(self, label: str) -> None:
        backend = self.controller.backend
        notice = self.controller.backend_notice if backend.name != "offline" else ""
        self.home.set_backend(label, backend.name, notice)
        self.backend_status.setText(label)
        self.backend_status.setToolTip(f"Model in use: {label}")

    def _on_grading_progress(self, done: int, total: int) -> None:
        if total and self.controller.in_interview:
            self.grading_status.setText(f"Graded {done} of {total} answers so far")
        else:
            self.grading_status.setText("")
        # The last grade lands after the interview is over (the engine is done), while
        # the report is written: its card is built ahead then too, in the 15-25 ms
        # before the page asks for it (built from scratch by the page, it was the
        # longest part of a 40-question page's wait; issue 18).
        ending = self.controller.in_interview or self.controller.results is None
        if done and ending and self.stack.currentWidget() is not self.feedback:
            self._prepare_feedback()  # not once the page shows: it builds what it needs

    def _prepare_feedback(self) -> None:
        """Build the feedback cards of the answers graded so far while the interview
        runs, hidden (FeedbackView.prepare): the page after the last answer is then
        complete about as soon as the last grade lands (issue 18)."""
        found = self.controller.session.results_so_far()
        if found is None:
            return
        results = found.results
        self.feedback.prepare(
            results.records,
            results.rubrics,
            audio_dir=self._audio_dir(self.controller.session_id),
            over=self.controller.phase in (Phase.GRADING, Phase.DONE),
        )

    def _on_grade_working(self, text: str) -> None:
        """A model writing a grade says how far it has got (until the grade lands)."""
        if self.controller.in_interview:
            self.grading_status.setText(text[:1].upper() + text[1:])

    # -------------------------------------------------------------- settings and about

    def discover_local_servers(self, ports: dict[str, int] | None = None) -> None:
        """Look for Ollama, LM Studio, llama.cpp and vLLM on this machine, off the GUI
        thread; what is found fills the Settings dialog and, while the offline coach is
        in use, is offered in the banner."""
        self._discovery = self._in_background(
            partial(find_local_servers, ports), self._on_servers_found, needs=DISCOVERY
        )

    def _on_servers_found(self, found: list[FoundServer]) -> None:
        self._discovery = None
        self.local_servers = list(found)
        self.local_servers_found.emit(self.local_servers)
        if not found or self.controller.backend.name != "offline" or self.banner.isVisible():
            return
        first = found[0]
        names = first.models[:3]
        more = len(first.models) - len(names)
        listed = ", ".join(names) + (f" and {more} more" if more else "")
        count = len(first.models)
        what = f" with {count} model{'s' if count != 1 else ''} ({listed})" if names else ""
        others = f", and {len(found) - 1} more local server" if len(found) > 1 else ""
        self._banner_action = self.open_settings
        self.banner.show_message(
            "info",
            f"{first.name} is running on this computer{what}{others}. The offline coach "
            "is in use: choose the local model in Settings to interview with it.",
            action="Open Settings",
        )

    def _on_banner_action(self) -> None:
        act, self._banner_action = self._banner_action, None
        self.banner.dismiss()
        if act is not None:
            act()

    def open_settings(self) -> None:
        dialog = SettingsDialog(
            self.controller.settings, self.controller.secrets, self, found=self.local_servers
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.settings_saved.connect(self.apply_settings)
        self.settings_dialog = dialog
        dialog.open()

    def apply_settings(self, settings: Settings) -> None:
        """Persist the new settings and switch the backend (from the next model call on)."""
        try:
            save_settings(settings, self.settings_file)
        except OSError as exc:
            self.banner.show_message(
                "error",
                f"The settings could not be saved to {self.settings_file} "
                f"({exc.strerror or exc}). They apply for this session only.",
            )
        try:
            self.controller.apply_settings(settings)
        except InterviewerError as err:
            self.banner.show_message("error", str(err))
            return
        if self.banner.level != "warning":
            self.banner.show_message(
                "info", f"Settings saved. The interviewer now uses {self.controller.backend_label}."
            )
        self.check_models_on_first_use()

    def check_models_on_first_use(self) -> bool:
        """Check, in the background, each local model in use (interviewer, grader) that
        was never checked; True when a check runs. Never the offline coach, a hosted
        model (it would bill the check) or a test double (`llm/first_use.py`)."""
        from interviewer.llm.first_use import unchecked
        from interviewer.storage.secrets import store_for

        c = self.controller
        found = unchecked(c.backend, c.grader)
        if not found:
            return self.first_check.running
        home = c.backend.base_url

        def key_for(url: str) -> str | None:
            return store_for(c.secrets, url, home).get()

        return self.first_check.start(found, key_for)

    def _on_first_check_notice(self, level: str, text: str) -> None:
        if self.banner.isVisible() and self.banner.level == "error":
            return  # an error the candidate must see first
        if self.first_check.running:
            self._banner_action = self.first_check.cancel
            self.banner.show_message(level, text, action="Stop check")
        else:
            self._banner_action = None
            self.banner.show_message(level, text)

    def _on_first_check_done(self, report: object, text: str) -> None:
        """The models in use are sized to the check from their next call on; Settings,
        if open, shows the result at once (it reads it when it opens)."""
        from interviewer.llm.first_use import adopt

        c = self.controller
        adopt(report, c.backend, c.grader)
        c.expect_grade_seconds()
        dialog = self.settings_dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.check_label.setText(text)
            dialog.check_label.setAccessibleDescription(text)
            dialog.check_label.setVisible(bool(text))

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", about_text())

    # -------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.store.in_memory:
            kept = (
                "Sessions cannot be saved on this computer right now, so the interview in "
                "progress is lost when the app closes."
            )
        else:
            kept = (
                "Your answers so far and the one you are typing are saved, with both "
                "clocks: the next time you open Interviewer you can resume where you stopped."
            )
        if self.controller.in_interview and not self._confirm(
            self, "Quit during the interview?", kept
        ):
            event.ignore()
            return
        save_geometry(self, self.geometry_file)
        self._drop_waiting_start()
        self.first_check.cancel()
        # Disappear at once; then give calls in flight a moment to return (a cancelled
        # stream stops at its next chunk; a grading may not, and is simply dropped).
        self.hide()
        self.controller.shutdown(3000)  # saves the draft; the session stays resumable
        event.accept()
