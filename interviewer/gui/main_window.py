"""The one window: home, interview and feedback screens on a stack, with a message banner.

The window wires screens to the controller and owns what belongs to a desktop window:
menus and shortcuts, the About box, the settings dialog, the remembered geometry, and
asking before an interview in progress is thrown away. It holds no interview logic.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer import __version__
from interviewer.core.errors import InterviewerError
from interviewer.gui.controller import Controller, Results, StartOptions
from interviewer.gui.feedback import FeedbackView
from interviewer.gui.home import HomeView
from interviewer.gui.interview import Confirm, InterviewView
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.gui.widgets import MessageBanner, ask_yes_no
from interviewer.gui.window_state import restore_geometry, save_geometry
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import Settings, save_settings

APP_NAME = "Interviewer"
DEFAULT_SIZE = (1120, 780)
MIN_SIZE = (720, 520)


def about_text() -> str:
    return (
        f"<h3>{APP_NAME} {__version__}</h3>"
        "<p>Timed, rubric-graded mock interviews for machine learning engineer roles, "
        "with OpenAI, a local model server, or the built-in offline coach.</p>"
        "<p>Every answer is graded per rubric criterion with quoted evidence; behavioral "
        "answers also get a STAR breakdown.</p>"
        "<p>Open source under the MIT licence.</p>"
    )


class MainWindow(QMainWindow):
    def __init__(
        self,
        controller: Controller,
        *,
        confirm: Confirm = ask_yes_no,
        settings_file: Path | None = None,
        geometry_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.confirm = confirm
        paths = app_paths()
        self.settings_file = settings_file or paths.settings_file
        self.geometry_file = geometry_file or paths.config_dir / "window.json"
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)

        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self.banner = MessageBanner()
        lay.addWidget(self.banner)
        self.stack = QStackedWidget()
        lay.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        self.home = HomeView()
        self.interview = InterviewView(controller)
        self.interview.confirm = self._confirm
        self.feedback = FeedbackView()
        for page in (self.home, self.interview, self.feedback):
            self.stack.addWidget(page)

        self.settings_dialog: SettingsDialog | None = None
        self.backend_status = QLabel()
        self.backend_status.setAccessibleName("Model in use")
        self.grading_status = QLabel()
        self.statusBar().addWidget(self.grading_status, 1)
        self.statusBar().addPermanentWidget(self.backend_status)

        self._build_menus()

        c = controller
        self.home.start_requested.connect(self._on_start_requested)
        self.home.settings_requested.connect(self.open_settings)
        self.home.set_library(c.library)
        c.interview_started.connect(self._on_interview_started)
        c.finished.connect(self._on_finished)
        c.message.connect(self._on_message)
        c.backend_changed.connect(self._on_backend_changed)
        c.grading_progress.connect(self._on_grading_progress)
        c.state_changed.connect(self._update_actions)
        self.feedback.practise_again.connect(self._on_practise_again)
        self.feedback.back_home.connect(self._on_back_home)
        self.feedback.export_requested.connect(self._on_export_requested)
        self._on_backend_changed(c.backend.label)
        if c.backend_notice and c.backend.name != "offline":
            self.banner.show_message("warning", c.backend_notice)
        self.show_home()
        restore_geometry(self, self.geometry_file)

    # -------------------------------------------------------------- construction

    def _build_menus(self) -> None:
        menu = self.menuBar().addMenu("&Interview")
        self.new_action = QAction("&New interview", self)
        self.new_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_action.setStatusTip("Back to the track picker")
        self.new_action.triggered.connect(self._on_new_interview)
        menu.addAction(self.new_action)
        menu.addSeparator()
        for action in self.interview.actions_list:
            menu.addAction(action)
        menu.addSeparator()
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
        for action in (self.new_action, self.settings_action, self.quit_action, self.about_action):
            self.addAction(action)

    # -------------------------------------------------------------- navigation

    def show_home(self) -> None:
        self.stack.setCurrentWidget(self.home)
        self.home.track_list.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    def _confirm(self, parent: QWidget, title: str, text: str) -> bool:
        return self.confirm(parent, title, text)

    def _on_start_requested(self, options: StartOptions) -> None:
        self.controller.start_interview(options)

    def _on_interview_started(self) -> None:
        if self.banner.level == "error":
            self.banner.dismiss()
        self.grading_status.setText("")
        self.stack.setCurrentWidget(self.interview)
        self._update_actions()

    def _on_finished(self, results: Results) -> None:
        self.feedback.show_results(results.records, results.summary, results.rubrics)
        self.stack.setCurrentWidget(self.feedback)
        self.feedback.practise_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self.grading_status.setText("")
        self._update_actions()

    def _on_practise_again(self) -> None:
        if self.controller.options is not None:
            self.controller.start_interview(self.controller.options)
        else:
            self.show_home()

    def _on_back_home(self) -> None:
        options = self.controller.options
        self.controller.abandon()
        if options is not None:
            self.home.select_track(options.track_id)
        self.show_home()

    def _on_new_interview(self) -> None:
        if self.controller.in_interview and not self._confirm(
            self,
            "Leave this interview?",
            "The interview in progress is discarded: nothing is graded or saved.",
        ):
            return
        self._on_back_home()

    def _on_export_requested(self) -> None:
        self.banner.show_message("info", "Exporting reports is not available in this build yet.")

    def _update_actions(self) -> None:
        on_home = self.stack.currentWidget() is self.home
        self.new_action.setEnabled(not on_home)

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

    # -------------------------------------------------------------- settings and about

    def open_settings(self) -> None:
        dialog = SettingsDialog(self.controller.settings, self.controller.secrets, self)
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
                "info", f"Settings saved. The interviewer now uses {self.controller.backend.label}."
            )

    def show_about(self) -> None:
        QMessageBox.about(self, f"About {APP_NAME}", about_text())

    # -------------------------------------------------------------- closing

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.controller.in_interview and not self._confirm(
            self,
            "Quit during the interview?",
            "The interview in progress is discarded: nothing is graded or saved.",
        ):
            event.ignore()
            return
        save_geometry(self, self.geometry_file)
        # Disappear at once; then give calls in flight a moment to return (a cancelled
        # stream stops at its next chunk; a grading may not, and is simply dropped).
        self.hide()
        self.controller.shutdown(3000)
        event.accept()
