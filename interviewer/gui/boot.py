"""Two-phase start: the window's first frame at once, the app loaded behind it.

Importing the app (pydantic models, content validation, the engine, grading and prompt
code, every screen) and building its window takes several times as long as showing a
window. So `run` shows a `Shell` first: the top-level window, titled and sized as the
main window, holding `Skeleton`, a copy of the home screen's frame with the track names
from the small cached index a normal start writes (`storage.track_index`). This module
imports only Qt, the standard library and a few small modules that import nothing else
(`gui.widgets`, `gui.icon`, `gui.window_state`, `storage.paths`, `storage.track_index`).

Then, on the next turns of the event loop, the real home screen (`gui.home.HomeView`)
takes the skeleton's place in the same frame (`Loader._show_home`): filled from that
index, which also holds each track's options and question ids and the content files'
problems, and from the saved choices read with the standard library (`home.read_choices`),
so nothing of the content, settings or store code, and no pydantic, is loaded before it
(issue 18: "home usable"). Every control on it works; the model card says it is loading,
and Start, History, Progress, a job or Settings wait visibly as on the skeleton.

Then `Loader` loads the rest, in steps that leave the event loop free in between:
settings, content, key store, backend and session store on a worker thread
(`gui.loading.load_parts`: plain data, no Qt), and on that same thread everything the
screens import that does not import Qt (`QT_FREE_MODULES`: the engine, grading, export,
jobs...); then the screens' own modules on the GUI thread, one a step (`SCREEN_MODULES`,
each 1-20 ms once what they import is loaded), and the main window is built
(`gui.app.build_window`) around that same home screen (it is refilled from the loaded
content, with the choices made on it written first) and embedded in the shell in place
of the skeleton's frame. Without a usable index (the first start, content changed) the
skeleton stays until the main window's home screen replaces it.
Neither is ever dead: a click on a track, Start, History, Progress, a job or Settings
is remembered, shown as waiting (a busy cursor and a line saying what opens), and
replayed on the main window's home screen the moment it is there.

The main window embedded as a child keeps all its behaviour; the shell forwards closing
to it (which may ask before quitting an interview) and then saves its own geometry, the
window's, over the child's.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import importlib
import json
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

# Not `Qt`: the first use of PySide6's Qt namespace builds all of its 145 enum classes
# (50-100 ms, a third of a bare window's whole start), so the first frame is made
# without it and the names that need it are looked up after (`_qt()`).
from PySide6.QtCore import QObject, QSize, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMenuBar,
    QPushButton,
    QSizePolicy,
    QStackedLayout,
    QStatusBar,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from interviewer import __version__
from interviewer.gui.window_state import restore_geometry, save_geometry
from interviewer.storage.paths import app_paths
from interviewer.storage.track_index import read_index_and_errors

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from interviewer.gui.home import HomeView
    from interviewer.gui.memory import GuiThreadCollector

#: The same as main_window.APP_NAME, DEFAULT_SIZE and MIN_SIZE (that module is not
#: imported here: it imports every screen); tests/test_boot.py checks they agree.
APP_NAME = "Interviewer"
DEFAULT_SIZE = (1120, 780)
MIN_SIZE = (720, 520)
#: Heights in the main window the skeleton keeps free, so nothing moves when the real
#: screen takes its place: the message banner's slot (widgets.BannerSlot, kept whether
#: or not it shows) and the home screen's options card.
BANNER_HEIGHT = 39
OPTIONS_HEIGHT = 176
#: What the screens import that imports no Qt at all, imported on the loading thread
#: after `load_parts` (with what they import: the engine, grading, export, jobs, voice's
#: plain parts). tests/test_boot.py checks, in fresh interpreters, that these import no
#: PySide6 module and that the screens' modules import nothing else of the app's that
#: could have come from here.
QT_FREE_MODULES = (
    "interviewer.session",
    "interviewer.progress",
    "interviewer.export.view",
    "interviewer.job_plans",
    "interviewer.jobfiles",
    "interviewer.coding.runner",
    "interviewer.llm.discovery",
    "interviewer.llm.first_use",
    "interviewer.storage.secrets",
    "interviewer.voice.base",
)
#: The screens' modules, imported on the GUI thread after the loading thread is done,
#: each in a step of its own, leaves first (each 1-20 ms measured). Not on the loading
#: thread: PySide6 creating a widget class there while the window's thread ran Qt
#: crashed the app (a segmentation fault in `class ResumeOffer(QFrame)`, about one start
#: in 30; issue 18). None of them creates a QObject, QPixmap or other object at import
#: time either (classes, value-type constants such as QColor, and Signals only;
#: tests/test_boot.py checks the modules' globals).
SCREEN_MODULES = (
    "interviewer.gui.style",
    "interviewer.gui.widgets",
    "interviewer.gui.workers",
    "interviewer.gui.controller",
    "interviewer.gui.recorder",
    "interviewer.gui.speech",
    "interviewer.gui.voice_answer",
    "interviewer.gui.code_editor",
    "interviewer.gui.coding_panel",
    "interviewer.gui.home",
    "interviewer.gui.interview",
    "interviewer.gui.replay",
    "interviewer.gui.feedback",
    "interviewer.gui.history",
    "interviewer.gui.jobs",
    "interviewer.gui.progress",
    "interviewer.gui.resume",
    "interviewer.gui.model_check",
    "interviewer.gui.first_check",
    "interviewer.gui.memory",
    "interviewer.gui.voice_settings",
    "interviewer.gui.settings_dialog",
    "interviewer.gui.main_window",
    "interviewer.gui.app",
)
#: The home screen's modules, imported on the GUI thread before the loading thread starts,
#: for the real home screen filled from the cached index (`Loader._show_home`).
HOME_MODULES = ("interviewer.gui.widgets", "interviewer.gui.home")
#: storage.settings.home_choices_file's name, beside settings.json (that module is a
#: pydantic one; tests/test_boot.py checks they agree).
HOME_CHOICES_NAME = "home.json"
#: While the worker imports and parses, the GUI thread gets the interpreter back this
#: often (Python's default is 5 ms).
LOADING_SWITCH_INTERVAL = 0.001
#: With a model backend, how long after the home screen is in place its client is
#: imported (Loader._preload_client): the first frames of the real screen go first.
CLIENT_PRELOAD_DELAY_MS = 100
#: How long loading waits for the shell's first frame before it starts without it.
FIRST_FRAME_WAIT_MS = 200
#: How long closing waits for background store work (gui.app.STORE_CLOSE_WAIT_MS).
STORE_CLOSE_WAIT_MS = 5000
#: What a click on the skeleton opens, for the line that says it is waiting.
WAITING_TEXT = {
    "start": "The interview starts",
    "history": "History opens",
    "progress": "Progress opens",
    "job": "Practise for a job opens",
    "settings": "Settings open",
}


#: What the skeleton says while nothing was clicked.
LOADING_TEXT = "Loading your settings and the interview content…"

#: gui.widgets.PRIMARY_BUTTON_CSS (that module uses the Qt namespace at import).
PRIMARY_BUTTON_CSS = (
    "QPushButton#primaryButton { background: palette(highlight); color: palette(highlighted-text);"
    " border: 1px solid palette(highlight); border-radius: 6px; padding: 6px 18px; }"
    " QPushButton#primaryButton:hover { border: 1px solid palette(highlighted-text); }"
    " QPushButton#primaryButton:focus { border: 2px solid palette(highlighted-text); }"
    " QPushButton#primaryButton:disabled { background: palette(button);"
    " color: palette(mid); border: 1px solid palette(mid); }"
)


def _qt() -> Any:
    from PySide6.QtCore import Qt

    return Qt


def _font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    """gui.widgets.scaled_font."""
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def _card(name: str) -> QFrame:
    """home._card: a rounded panel."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(
        f"QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid);"
        " border-radius: 8px; }"
    )
    return frame


class TrackLines(QStyledItemDelegate):
    """home.TrackDelegate without the Qt namespace: the name in bold, the line below it
    muted, from an item text "name\\nmeta"."""

    PAD = 8

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.9)
        return bold, small

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:
        bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(small).height() + 2 * self.PAD + 2
        return QSize(200, height)

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the base class paints background and selection; we paint text

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        # Without QStyle's Python type (its enums take 20-30 ms to set up, a tenth of a
        # bare window's start): the style draws the item in C++ (`super().paint`), and
        # the selected row is the list's current one (a single-selection list).
        super().paint(painter, option, index)
        text = str(index.data() or "")
        name, _, meta = text.partition("\n")
        view = self.parent()
        selected = isinstance(view, QListWidget) and view.currentRow() == index.row()
        bold, small = self._fonts(option)
        pal = option.palette
        main = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = main if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        painter.setClipRect(rect)
        top = rect.top()
        _draw_line(painter, rect.left(), top, name, bold, main)
        _draw_line(painter, rect.left(), top + QFontMetrics(bold).height() + 2, meta, small, muted)
        painter.restore()


def _draw_line(painter: QPainter, left: int, top: int, text: str, font: QFont, color: Any) -> None:
    """`text` in one line at (left, top) in `font` and `color`, its baseline one ascent
    below `top` as `QPainter.drawText` puts it. Not with a pen: `setPen`, `setBrush`,
    `QPen(color)` and `QBrush(color)` each make PySide6 set up every enum of the Qt
    namespace (93 enums, 35-45 ms on this machine) the first time they are called, a
    bare window's whole first frame; a rich-text document sets its colour from its
    HTML and touches none of them (issue 18)."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(font)
    rgba = f"rgba({color.red()}, {color.green()}, {color.blue()}, {color.alpha()})"
    doc.setHtml(f'<span style="color: {rgba}; white-space: pre">{_escape(text)}</span>')
    painter.translate(left, top)
    doc.drawContents(painter)
    painter.translate(-left, -top)


def _escape(text: str) -> str:
    """html.escape's, quotes aside (the text is not in an attribute)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plain(text: str) -> str:
    """Text shown as written (the labels' automatic format without the Qt enum)."""
    return f"<p>{_escape(text)}</p>"


#: How long a thread runs Python before handing the interpreter lock to a waiting one
#: (seconds; Python's default is 5 ms). Workers grade with the offline coach and load
#: modules in pure Python; every paint, layout or signal of the window that reaches Python
#: code waits for the lock, up to a whole slice each time, and a frame makes dozens of
#: such calls: 5 ms slices froze the window for 130-240 ms while a grade ran (issue 18,
#: docs/performance.md).
GIL_SLICE_S = 0.0005


def share_the_gil() -> None:
    """Let the window's thread get the interpreter lock back quickly from the workers."""
    sys.setswitchinterval(GIL_SLICE_S)


def application(argv: list[str] | None = None, *, icon: bool = True) -> QApplication:
    """The running QApplication, created with the app's names (and icon unless told not
    to: the first frame sets it after, `Loader.start`). High-DPI scale factors are not
    rounded: Qt 6's default (PassThrough), which the app relies on."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    share_the_gil()
    app.setApplicationName("interviewer")
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("interviewer")
    app.setDesktopFileName("io.github.interviewer.Interviewer")
    if icon:
        _set_icon(app)
    return app


def _set_icon(app: QApplication) -> None:
    from interviewer.gui.icon import app_icon

    app.setWindowIcon(app_icon())


class Skeleton(QWidget):
    """The home screen's frame before the app has loaded: headings, the cached track
    names, the buttons. Every click is announced with `requested(kind, track_id)`."""

    requested = Signal(str, str)

    def __init__(self, tracks: list[dict[str, Any]] | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Home (loading)")
        self.tracks = tracks or []
        #: A track the candidate picked here (carried over to the real home screen).
        self.picked = ""
        frame = QVBoxLayout(self)
        frame.setContentsMargins(0, 0, 0, 0)
        frame.setSpacing(0)
        menus = QMenuBar()
        for title in ("&Interview", "&Help"):
            menus.addMenu(title).setEnabled(False)
        frame.addWidget(menus)
        frame.addSpacing(BANNER_HEIGHT)
        centre = QHBoxLayout()
        centre.setContentsMargins(0, 0, 0, 0)
        frame.addLayout(centre, 1)
        status_bar = QStatusBar()
        status_bar.setSizeGripEnabled(False)
        frame.addWidget(status_bar)
        self.status_bar = status_bar
        self._centre = centre
        page = QWidget()
        page.setMaximumWidth(1240)
        centre.addWidget(page)
        self._page = page
        #: The real home screen, once it is shown in the frame (`show_home`).
        self.home: HomeView | None = None
        self._links: list[Any] = []
        outer = QVBoxLayout(page)
        outer.setContentsMargins(20, 16, 20, 14)
        outer.setSpacing(12)

        heading = QLabel("Practise a machine learning engineer interview")
        heading.setFont(_font(self, 1.5, bold=True))
        heading.setWordWrap(True)
        sub = QLabel(
            "Pick a track, answer against the clock, and get every answer graded against "
            "a rubric with quoted evidence."
        )
        sub.setWordWrap(True)
        sub.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        head_row = QHBoxLayout()
        head_row.setSpacing(8)
        head_text = QVBoxLayout()
        head_text.setSpacing(4)
        head_text.addWidget(heading)
        head_text.addWidget(sub)
        head_row.addLayout(head_text, 1)
        head_buttons = QHBoxLayout()
        head_buttons.setSpacing(8)
        head_column = QVBoxLayout()
        head_column.addLayout(head_buttons)
        head_column.addStretch(1)
        head_row.addLayout(head_column)
        self.buttons: dict[str, QPushButton] = {}
        for kind, text in (
            ("job", "Practise for a &job…"),
            ("history", "&History"),
            ("progress", "&Progress"),
        ):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.clicked.connect(lambda _=False, k=kind: self._request(k))
            head_buttons.addWidget(button)
            self.buttons[kind] = button
        outer.addLayout(head_row)

        body = QHBoxLayout()
        body.setSpacing(16)
        outer.addLayout(body, 1)
        left = QVBoxLayout()
        tracks_label = QLabel("&Tracks")
        tracks_label.setFont(_font(self, 1.0, bold=True))
        self.track_list = QListWidget()
        self.track_list.setAccessibleName("Tracks")
        self.track_list.setMinimumWidth(240)
        self.track_list.setItemDelegate(TrackLines(self.track_list))
        tracks_label.setBuddy(self.track_list)
        for t in self.tracks:
            self.track_list.addItem(f"{t['name']}\n{t['meta']}")  # drawn by TrackLines
        if not self.tracks:
            self.track_list.addItem("Loading the tracks…")
        left.addWidget(tracks_label)
        left.addWidget(self.track_list, 1)
        body.addLayout(left, 2)

        right = QVBoxLayout()
        right.setSpacing(12)
        card = _card("trackCard")
        cl = QVBoxLayout(card)
        cl.setContentsMargins(16, 14, 16, 14)
        self.track_name = QLabel()
        self.track_name.setFont(_font(self, 1.25, bold=True))
        self.track_name.setWordWrap(True)
        self.track_meta = QLabel()
        self.track_meta.setWordWrap(True)
        self.track_meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.track_description = QLabel()
        self.track_description.setWordWrap(True)
        for w in (self.track_name, self.track_meta, self.track_description):
            cl.addWidget(w)
        right.addWidget(card)
        # The options' place, saying what is loading (and what a click will open).
        options = _card("optionsCard")
        options.setMinimumHeight(OPTIONS_HEIGHT)
        ol = QVBoxLayout(options)
        ol.setContentsMargins(16, 14, 16, 14)
        self.status = QLabel(LOADING_TEXT)
        self.status.setAccessibleName("Loading")
        self.status.setWordWrap(True)
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        ol.addWidget(self.status)
        ol.addStretch(1)
        right.addWidget(options)
        model = _card("modelCard")
        ml = QHBoxLayout(model)
        ml.setContentsMargins(16, 14, 16, 14)
        model_label = QLabel("Interviewer model: loading…")
        ml.addWidget(model_label, 1)
        settings = QPushButton("Se&ttings…")
        settings.setAutoDefault(False)
        settings.clicked.connect(lambda: self._request("settings"))
        self.buttons["settings"] = settings
        ml.addWidget(settings)
        right.addWidget(model)
        start = QPushButton("&Start interview")
        start.setDefault(True)
        start.setObjectName("primaryButton")
        start.setFont(_font(self, 1.1, bold=True))
        start.setMinimumHeight(40)
        start.setStyleSheet(PRIMARY_BUTTON_CSS)
        start.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        start.clicked.connect(lambda: self._request("start"))
        self.buttons["start"] = start
        right.addWidget(start)
        right.addStretch(1)
        body.addLayout(right, 3)

        self.track_list.currentRowChanged.connect(self._on_row)
        self.track_list.itemActivated.connect(lambda _item: self._request("start"))
        if self.tracks:
            self.track_list.setCurrentRow(0)
        self.picked = ""  # the first row is shown, not picked

    def _on_row(self, row: int) -> None:
        if not 0 <= row < len(self.tracks):
            return
        t = self.tracks[row]
        self.picked = t["id"]
        self.track_name.setText(_plain(t["name"]))
        self.track_meta.setText(_plain(t["meta"]))
        self.track_description.setText(_plain(t["description"]))

    def _request(self, kind: str) -> None:
        self.say(
            f"{WAITING_TEXT.get(kind, 'It opens')} as soon as Interviewer has loaded, in a moment…"
        )
        self.requested.emit(kind, self.picked)

    def say(self, text: str) -> None:
        """What the window is waiting for: on the options' card, or once the real home
        screen is shown (it hides that card), in the status bar."""
        self.status.setText(text)
        if self.home is not None:
            self.status_bar.showMessage(text)

    def show_home(self, home: HomeView) -> None:
        """Show the real home screen (filled from the cached index) in this frame, in
        place of the skeleton's own page; what was picked or clicked here carries over."""
        self.home = home
        if self.picked:
            home.select_track(self.picked)
            self.picked = ""  # the home screen has it now
        self._centre.replaceWidget(self._page, home)
        self._page.hide()
        home.show()  # now: a widget joining a shown layout is shown only a turn later
        pending = self.status.text() if self.status.text() != LOADING_TEXT else ""
        if pending:
            self.status_bar.showMessage(pending)
        self._links = [
            signal.connect(functools.partial(self._request, kind))
            for kind, signal in (
                ("start", home.start_waiting),
                ("history", home.history_requested),
                ("progress", home.progress_requested),
                ("job", home.job_requested),
                ("settings", home.settings_requested),
            )
        ]

    def release_home(self) -> None:
        """The main window takes the home screen over: its clicks are no longer ours."""
        for link in self._links:
            QObject.disconnect(link)
        self._links = []


class Shell(QWidget):
    """The top-level window: the skeleton first, then the main window embedded in it."""

    #: The window closed before the main window was in it: loading stops.
    closed_while_loading = Signal()
    #: The first frame has been painted (emitted once, on the turn after that paint).
    first_frame = Signal()

    def __init__(self, tracks: list[dict[str, Any]] | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(*MIN_SIZE)
        self.resize(*DEFAULT_SIZE)
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self.skeleton = Skeleton(tracks)
        self._stack.addWidget(self.skeleton)
        #: The content problems the cached index was written with (`Loader._show_home`).
        self.index_errors: list[str] = []
        self.main: Any = None
        #: The last click made while loading: (kind, track id).
        self.pending: tuple[str, str] | None = None
        self.skeleton.requested.connect(self._on_requested)
        self._painted = False

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self, self.first_frame.emit)

    def _on_requested(self, kind: str, track_id: str) -> None:
        self.pending = (kind, track_id)
        self.setCursor(_qt().CursorShape.BusyCursor)

    def attach(self, window: Any) -> None:
        """Put the built main window in place of the skeleton and replay what was clicked."""
        if self.main is window:
            return
        window.setParent(self, _qt().WindowType.Widget)
        self._stack.addWidget(window)
        self._stack.setCurrentWidget(window)
        self.main = window
        picked, pending = self.skeleton.picked, self.pending
        self._stack.removeWidget(self.skeleton)
        self.skeleton.deleteLater()
        self.unsetCursor()
        home = window.home
        if picked:
            home.select_track(picked)
        if pending is not None:
            kind, track_id = pending
            self.pending = None
            if track_id:
                home.select_track(track_id)
            button = {
                "start": home.start_button,
                "history": home.history_button,
                "progress": home.progress_button,
                "job": home.job_button,
                "settings": home.settings_button,
            }.get(kind)
            if button is not None:
                button.click()

    def closeEvent(self, event: QCloseEvent) -> None:
        # The main window decides (it may ask before quitting an interview) and saves
        # its state; while loading there is nothing to keep.
        if self.main is not None:
            if not self.main.close():
                event.ignore()
                return
            # The main window saved its own geometry, a child's: the window's is ours.
            save_geometry(self, self.main.geometry_file)
        else:
            self.closed_while_loading.emit()
        event.accept()


class Loader(QObject):
    """Loads the app behind the shell in steps; `ready` once the main window is in it."""

    ready = Signal()
    failed = Signal(str)
    #: The real home screen is in place: filled from the cached index in the shell's
    #: frame (`_show_home`), or, without a usable index, the main window's.
    home_ready = Signal()

    def __init__(self, shell: Shell, args: Any = None) -> None:
        super().__init__(shell)
        self.shell = shell
        self.args = args
        self.parts: Any = None
        self.window: Any = None
        #: The real home screen shown before the window (`_show_home`), which it adopts.
        self.home: HomeView | None = None
        self.home_shown = False
        self.error = ""
        self._thread: threading.Thread | None = None
        self._switch = sys.getswitchinterval()
        self._poll = QTimer(self)
        self._poll.setInterval(5)
        self._poll.timeout.connect(self._on_poll)
        self._steps: list[Callable[[], None]] = []
        #: A step is queued (`_next`): steps added now run after it.
        self._stepping = False
        self._client_thread: threading.Thread | None = None
        #: Python's collector, on this thread only once loaded (gui/memory.py).
        self.collector: GuiThreadCollector | None = None
        self._client_poll = QTimer(self)
        self._client_poll.setInterval(50)
        self._client_poll.timeout.connect(self._on_client_poll)
        self.cancelled = False
        self._started = False
        #: The window's home screen built ahead when none came from the index.
        self._new_home: HomeView | None = None
        shell.closed_while_loading.connect(self._on_cancelled)

    def _on_cancelled(self) -> None:
        self.cancelled = True
        self._steps.clear()
        gc.enable()

    def start_after_first_frame(self) -> None:
        """`start` once the shell's first frame is painted, or after FIRST_FRAME_WAIT_MS
        if none comes (a window opened minimized is not painted). Started on the first
        turn instead, its first step (importing the home screen's widgets, 30-40 ms) came
        before that frame's paint, which waited for it (issue 18: "first window")."""
        self.shell.first_frame.connect(self.start)
        QTimer.singleShot(FIRST_FRAME_WAIT_MS, self, self.start)

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        # No automatic collection while loading: a full one walks everything imported so
        # far (80-120 ms measured, whichever thread triggers it holds the interpreter);
        # start-up makes little garbage, and `_after` freezes what it made.
        gc.disable()
        imports = [functools.partial(_import, module) for module in HOME_MODULES]
        # The loading thread starts once the home screen is on screen: started first, it
        # shared the interpreter with the screen's construction and the home screen came
        # 0.15-0.2 s later (benchmarks.startup: 1.5-1.7x a bare window -> 2.6-2.7x), for
        # everything loaded 0.1-0.2 s sooner.
        self._steps = [_qt_namespace, *imports, self._show_home, self._start_loading, self._icon]
        self._next()

    def _show_home(self) -> None:
        """The real home screen, filled from the cached index and the saved choices (plain
        data: no content, settings or store code is loaded yet), in the shell's frame."""
        tracks = self.shell.skeleton.tracks
        if not tracks:
            return  # no index: the main window's is the first real home screen
        from interviewer.gui.home import HomeView, read_choices

        home = HomeView()
        choices = read_choices(app_paths().settings_file.with_name(HOME_CHOICES_NAME))
        if not home.set_index(tracks, self.shell.index_errors, choices):
            home.deleteLater()
            return
        home.backend_label.setText("Interviewer model: loading…")
        self.shell.skeleton.show_home(home)
        self.home = home
        self._home_in_place()

    def _home_in_place(self) -> None:
        if not self.home_shown:
            self.home_shown = True
            self.home_ready.emit()

    def _start_loading(self) -> None:
        quiet_media_probe()
        sys.setswitchinterval(LOADING_SWITCH_INTERVAL)
        self._thread = threading.Thread(target=self._load, name="interviewer-load", daemon=True)
        self._thread.start()
        self._poll.start()

    def _icon(self) -> None:
        _set_icon(application())

    def _load(self) -> None:
        try:
            from interviewer.gui.loading import load_parts

            self.parts = load_parts(self.args)
            for module in QT_FREE_MODULES:
                if self.cancelled:
                    return
                _import(module)
            _compile_patterns()
            _compile_prompts()
            _preload_multimedia()
        except BaseException:  # shown in the window, never lost
            self.error = traceback.format_exc()

    def _on_poll(self) -> None:
        if self._thread is None or self._thread.is_alive():
            return
        self._poll.stop()
        sys.setswitchinterval(self._switch)
        if self.cancelled:
            return
        if self.error:
            print(self.error, file=sys.stderr)
            self.shell.skeleton.say(
                "Interviewer could not load: " + self.error.strip().splitlines()[-1]
            )
            self.shell.unsetCursor()
            gc.enable()
            self.failed.emit(self.error)
            return
        imports: list[Callable[[], None]] = [
            functools.partial(_import, module) for module in SCREEN_MODULES
        ]
        self._steps.extend(
            [
                *imports,
                _import_multimedia,
                _warm_media,
                _warm_widgets,
                self._home_ahead,
                self._build,
                self._attach,
                self._after,
            ]
        )
        if not self._stepping:
            self._next()

    def _next(self) -> None:
        self._stepping = bool(self._steps)
        if not self._steps:
            return
        step = self._steps.pop(0)
        step()
        # A 1 ms timer rather than a zero-delay one: paints and input go first.
        QTimer.singleShot(1, self._next)

    def _home_ahead(self) -> None:
        """Without a home screen from the index (a first start, changed content), the
        window's own is built in a turn of its own before the window: 15-20 ms of the
        window's 40-45, which with the loading thread still finishing made a 50 ms
        freeze (issue 18)."""
        if self.home is None:
            from interviewer.gui.home import HomeView

            self._new_home = HomeView()

    def _build(self) -> None:
        from interviewer.gui.app import build_window

        home = self.home
        if home is None:
            fresh, self._new_home = self._new_home, None
            self.window = build_window(self.args, self.parts, settle=False, home=fresh)
            return
        # The window takes over the home screen shown from the index: the choices made
        # on it are written first (the window reads them back from their file), and the
        # window is put in the shell in this same turn (the screen has left its frame).
        self.shell.skeleton.release_home()
        adaptive = home.adaptive.isChecked()  # not kept in the file (load_home_choices)
        if home.unsaved:
            from interviewer.storage.settings import home_choices_file, save_home_choices

            save_home_choices(home.choices(), home_choices_file(app_paths().settings_file))
            home.unsaved = False
        self.window = build_window(self.args, self.parts, settle=False, home=home)
        home.adaptive.setChecked(adaptive)
        self._attach()

    def _attach(self) -> None:
        self.shell.attach(self.window)
        self._home_in_place()

    def _after(self) -> None:
        # Everything start-up made lives as long as the app: out of the collector's
        # sight (a full collection here would be a long stall; see gui.app.settle_memory).
        # Not even a young collection: with collection off while loading, everything
        # start-up made is in the youngest generation (a collection walked it for up to
        # 180 ms). The few reference cycles start-up left behind stay, frozen.
        gc.freeze()
        # From now on the collector runs on this thread only (gui/memory.py): left
        # automatic, it deleted Qt objects on the graders' threads.
        from interviewer.gui.memory import GuiThreadCollector

        self.collector = GuiThreadCollector(self)
        self.collector.start()
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.collector.stop)
        self.window.discover_local_servers()
        if "interviewer.llm.openai_backend" in sys.modules:
            # A model backend: its client is imported first, off this thread, and the
            # first-use check (which warms the rest of the HTTP stack on this thread,
            # gui.workers.warm_up) waits for it; it would otherwise wait here.
            QTimer.singleShot(CLIENT_PRELOAD_DELAY_MS, self._preload_client)
        else:
            self.window.check_models_on_first_use()
        self.ready.emit()

    def _preload_client(self) -> None:
        if self.cancelled or self.shell.main is None:
            return
        self._client_thread = _preload_model_client()
        self._client_poll.start()

    def _on_client_poll(self) -> None:
        thread = self._client_thread
        if thread is not None and thread.is_alive():
            return
        self._client_poll.stop()
        if self.shell.main is not None and self.shell.isVisible():
            self.window.check_models_on_first_use()

    def close_down(self) -> None:
        """After the event loop: let background store work end, then close the store."""
        window = self.window
        if window is not None:
            window.controller.flush_writes(STORE_CLOSE_WAIT_MS)
            from PySide6.QtCore import QThreadPool

            QThreadPool.globalInstance().waitForDone(STORE_CLOSE_WAIT_MS)
            window.controller.store.close()
        elif self.parts is not None:
            self.parts.store.close()


def _import(module: str) -> None:
    importlib.import_module(module)


def _qt_namespace() -> None:
    """Have PySide6 set up the Qt namespace's enums (all 93 at its first use, 35-45 ms
    here) in a turn of their own. The first frame uses none of them (`_draw_line`); left
    to the first module that imports `Qt` (gui.widgets), they made that module's turn a
    55-60 ms freeze just after the first frame (issue 18)."""
    _qt()


def _compile_patterns() -> None:
    """Compile the injection detector's patterns on the loading thread (about 0.1 s), so
    the first answer checked on the window's thread does not pay for them. Not at import
    (0.2 s that came before the home screen), and not on a thread of their own once the
    window is up: that thread shared the interpreter with the window's thread just when
    it built its other screens and a Start could come, and doubled what each took
    (the jobs screen 20 -> 33-42 ms, a paint 3 -> 8-14 ms; issue 18)."""
    injection = sys.modules.get("interviewer.core.injection")
    if injection is not None:
        injection._injection_patterns()


def _compile_prompts() -> None:
    """Compile the shipped prompt templates on the loading thread (Jinja, about 30 ms).
    The offline coach and the scripted model need them only for the leak check of the
    first streamed question, which compiled them on the model's thread just as the
    interview screen first showed: the window's thread waited for the interpreter, one
    of the 43-83 ms stalls at the first Start of a fresh install (issue 18). A broken
    prompts folder is reported where it is used, as before."""
    from interviewer.core.errors import ContentError
    from interviewer.storage.prompt_files import default_library

    with contextlib.suppress(ContentError):
        default_library()


def _preload_model_client() -> threading.Thread | None:
    """With a model backend chosen, import its client (openai, httpx2) on a thread of its
    own, started and returned; None for the offline coach. The backend imports them on
    its first call, not when built (`llm.openai_backend`), so they were left out of the
    loading thread's work and the home screen comes first: 0.65 s sooner. This is the
    import the loading thread made before, off the window's thread as it was."""
    backend = sys.modules.get("interviewer.llm.openai_backend")
    if backend is None:
        return None
    thread = threading.Thread(target=backend.preload_client, name="interviewer-client", daemon=True)
    thread.start()
    return thread


#: Qt Multimedia's back end looks for optional libraries (VA-API, PipeWire) when it is
#: loaded and warns on stderr for each one missing: ten lines in the terminal of every
#: launch on a machine without them, none of which concerns recording an answer.
MEDIA_PROBE_RULES = "qt.multimedia.symbolsresolver.warning=false"


def quiet_media_probe() -> None:
    """Silence those warnings before the loading thread loads the back end
    (`_preload_multimedia`). A filter rule rather than the message handler that
    `recorder.quiet_multimedia` installs around a device query: a handler called on the
    loading thread would make PySide6 set up types there. Rules in QT_LOGGING_RULES
    still win, so QT_LOGGING_RULES="qt.multimedia.*=true" shows them again."""
    from PySide6.QtCore import QLoggingCategory

    QLoggingCategory.setFilterRules(MEDIA_PROBE_RULES)


def _preload_multimedia() -> None:
    """On the loading thread: load Qt Multimedia's backend plugins' libraries, so the
    device query that must run on the window's thread (`_warm_media`) finds them in
    memory. Loading a library does not make a Qt object or a Python type; anything
    missing is left to that query, which reports it the usual way."""
    import ctypes

    import PySide6

    folder = Path(PySide6.__file__).parent / "Qt" / "plugins" / "multimedia"
    for plugin in sorted(folder.glob("*.so")) if folder.is_dir() else ():
        try:
            ctypes.CDLL(str(plugin))
        except OSError:
            continue  # a missing system library: the device query says what is wrong


def _import_multimedia() -> None:
    """Qt Multimedia's Python module (its enums took most of the first device query's
    40-85 ms), in a step of its own on the GUI thread (15-20 ms): PySide6 sets up its
    types, which is not safe on the loading thread (`SCREEN_MODULES`)."""
    with contextlib.suppress(ImportError):  # the device query reports what is missing
        import PySide6.QtMultimedia  # noqa: F401


def _warm_media() -> None:
    """Qt Multimedia's first device query loads its backends (40-60 ms, more on a busy
    machine); the answer box asks for the microphones while the window is built, so ask
    once in a turn of its own first."""
    from interviewer.gui.recorder import audio_inputs

    audio_inputs()


def _warm_widgets() -> None:
    """The first `viewport()` of a scroll area makes PySide6 set up the Python types of
    every scroll-area class and their enums (8-15 ms); the main window's construction
    asks for one, so do it once in a turn of its own first."""
    from PySide6.QtWidgets import QScrollArea

    area = QScrollArea()
    area.viewport()
    area.deleteLater()


# --------------------------------------------------------------------------- Qt checked


def qt_stamp_path() -> Path:
    return app_paths().cache_dir / "qt-checked.json"


def qt_stamp() -> dict[str, str]:
    """What the last check of Qt's libraries saw: the platform plugin and the install."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    where = list(spec.submodule_search_locations or []) if spec else []
    base = where[0] if where else ""
    try:
        mtime = str(os.stat(base).st_mtime_ns) if base else ""
    except OSError:
        mtime = ""
    env = os.environ
    plugin = env.get("QT_QPA_PLATFORM", "").split(":")[0] or (
        "wayland" if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY") else "xcb"
    )
    return {"python": sys.executable, "pyside6": base, "mtime": mtime, "plugin": plugin}


def qt_checked() -> bool:
    """True when a display is set and Qt opened a window here before with this same
    install and platform plugin: the command line's library check can be skipped."""
    env = os.environ
    if not (env.get("QT_QPA_PLATFORM") or env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        return False
    try:
        seen = json.loads(qt_stamp_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(seen == qt_stamp())


def _remember_qt_checked() -> None:
    path = qt_stamp_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(qt_stamp()), encoding="utf-8")
    except OSError:
        pass


# --------------------------------------------------------------------------- run


def show_shell(args: Any = None) -> tuple[QApplication, Shell, Loader]:
    """The first frame: application, shell with the skeleton, shown; loading queued."""
    app = application(icon=False)
    paths = app_paths()
    tracks, errors = read_index_and_errors(paths.cache_dir) or (None, [])
    shell = Shell(tracks)
    shell.index_errors = errors
    restore_geometry(shell, paths.config_dir / "window.json")
    loader = Loader(shell, args)
    shell.show()
    loader.start_after_first_frame()
    return app, shell, loader


def run(args: Any = None) -> int:
    """The desktop app, started in two phases (see the module's doc)."""
    app, _shell, loader = show_shell(args)
    QTimer.singleShot(0, _remember_qt_checked)
    try:
        return int(app.exec())
    finally:
        loader.close_down()
