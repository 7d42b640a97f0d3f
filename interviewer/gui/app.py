"""Start the desktop app: one QApplication, one main window, the event loop.

Everything that can go wrong at start-up (a broken settings file, a backend that cannot
be built, content files that do not load) is shown inside the window in plain words;
the app still opens, with the offline coach if need be.
"""

from __future__ import annotations

import argparse
import gc
import sys
from typing import Any

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from interviewer import __version__
from interviewer.core.errors import InterviewerError
from interviewer.gui.controller import Controller, open_store
from interviewer.gui.icon import app_icon
from interviewer.gui.main_window import APP_NAME, MainWindow
from interviewer.llm.base import Backend
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings

#: How long closing waits for background store work (a slow disk, a busy database).
STORE_CLOSE_WAIT_MS = 5000


def application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, created with the app's names and high-DPI policy."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("interviewer")
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("interviewer")
    app.setDesktopFileName("io.github.interviewer.Interviewer")
    app.setWindowIcon(app_icon())
    return app


def build_window(args: argparse.Namespace | Any = None) -> MainWindow:
    """Load settings, content and backend, and build the window around them."""
    from interviewer.llm.factory import make_backend
    from interviewer.llm.offline import OfflineCoach

    paths = app_paths()
    problems: list[str] = []
    try:
        settings = load_settings(paths.settings_file)
    except InterviewerError as err:
        problems.append(str(err))
        settings = Settings()
    problems.extend(settings.notes)  # a grader entry that was ignored
    secrets = SecretStore()
    library = load_library(paths.content_dir)
    offline: Backend = OfflineCoach()
    backend: Backend | None = None
    notice = ""
    overrides = {
        "backend": getattr(args, "backend", None),
        "model": getattr(args, "model", None),
        "base_url": getattr(args, "base_url", None),
    }
    try:
        choice = make_backend(settings, secrets, **overrides)
        backend, notice = choice.backend, choice.notice
    except InterviewerError as err:
        problems.append(f"{err} The offline coach runs until this is fixed in Settings.")
        backend = offline
    # The session database: interviews are saved as they happen and resumed after a crash.
    store = open_store()
    controller = Controller(
        library, settings, secrets, backend=backend, offline=offline, store=store
    )
    controller.backend_notice = notice
    window = MainWindow(controller)
    if problems:
        window.banner.show_message("error", " ".join([*problems, store.notice]).strip())
    settle_memory()
    return window


def settle_memory() -> None:
    """Move everything start-up created out of the garbage collector's sight.

    Modules, the question bank, the widgets: hundreds of thousands of objects that live
    as long as the app. Python's full collection walks all of them, which froze the
    window for 60 ms at a time in the middle of a streamed question; frozen, they are
    never walked again (gc.freeze, Python 3.7+).
    """
    gc.collect()
    gc.freeze()


def run(args: argparse.Namespace | Any = None) -> int:
    app = application()
    window = build_window(args)
    window.show()
    window.discover_local_servers()
    window.check_models_on_first_use()  # a local model never checked: once, in the background
    try:
        return int(app.exec())
    finally:
        # The window's background work (QueryOp) runs on the global pool, and the
        # interview's store writes on the controller's own one-thread pool (closing the
        # window already flushed it; a write handed over since lands here): let every
        # store read or write finish before the store closes under it. Their callbacks
        # are not run: the window is closed.
        window.controller.flush_writes(STORE_CLOSE_WAIT_MS)
        QThreadPool.globalInstance().waitForDone(STORE_CLOSE_WAIT_MS)
        window.controller.store.close()
