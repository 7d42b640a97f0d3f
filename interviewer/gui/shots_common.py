"""The stage every screenshot is taken on, set up once for all the renderers.

`screenshots.py`, `job_screenshots.py` and `voice_screenshots.py` each tell a different
story (an interview, practising for a job, a spoken answer), but they photograph it the
same way: the real main window on a temporary home (settings and window geometry go
there, never to the user's files), a key store that lives in memory (no keyring
prompt), the scripted backend, a clock that only moves when told to and a seeded
random generator, so every run draws the same pictures. This module owns that set-up
and the grab-and-save; the renderers keep only what differs.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.gui.controller import Controller
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore

SIZE = (1100, 760)
SEED = 7


class FrozenClock:
    """A clock that only moves when told to, so the pictures show the same times."""

    def __init__(self) -> None:
        self.now = 10_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class MemorySecrets(SecretStore):
    """A key store that never reaches the system keyring (no unlock prompt, nothing saved)."""

    def get(self) -> str | None:
        return self._memory

    def set(self, value: str) -> str:
        self._memory = value.strip() or None
        return "memory"


def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    """Run the event loop until `condition` holds (the workers report through it)."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not condition():
        if time.monotonic() > deadline:
            raise InterviewerError("Rendering the screenshots took too long.")
        QTimer.singleShot(10, loop.quit)
        loop.exec()


def settle(widget: QWidget) -> None:
    """Let layouts, word-wrapping and deferred deletes finish before grabbing."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents()
        QCoreApplication.processEvents()
        widget.updateGeometry()


def start_app() -> QApplication:
    """The app's QApplication, offscreen unless the caller chose another platform."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from interviewer.gui.app import application

    return application()


@contextmanager
def temporary_home() -> Iterator[Path]:
    """A folder for one renderer's files, gone when it is done. A renderer that has
    files to open in the window (a posting, a recording) writes them here before the
    stage is built on it."""
    with tempfile.TemporaryDirectory(prefix="interviewer-shots-") as tmp:
        yield Path(tmp)


@dataclass
class Stage:
    """The running window of one renderer, and the pictures it has taken so far."""

    app: QApplication
    controller: Controller
    window: MainWindow
    clock: FrozenClock
    out_dir: Path
    written: list[Path] = field(default_factory=list)

    def shot(self, name: str, widget: QWidget | None = None) -> Path:
        """Settle `widget` (the window unless given) and save it as NAME.png."""
        target = widget or self.window
        settle(target)
        return self.save(name, target)

    def save(self, name: str, widget: QWidget) -> Path:
        """Save `widget` as NAME.png as it is now: for a caller that settled it itself."""
        path = self.out_dir / f"{name}.png"
        if not widget.grab().save(str(path)):
            raise InterviewerError(f"Could not write {path}.")
        self.written.append(path)
        return path


@contextmanager
def open_stage(
    out_dir: Path,
    library: ContentLibrary,
    backend: ScriptedBackend,
    home: Path,
    *,
    size: tuple[int, int] = SIZE,
    store: SessionStore | None = None,
) -> Iterator[Stage]:
    """The main window on `home`, driven by `backend`, shown at `size`; closed on exit.
    `store` is the session database (an in-memory one unless given)."""
    app = start_app()
    out_dir.mkdir(parents=True, exist_ok=True)
    clock = FrozenClock()
    controller = Controller(
        library,
        Settings(),
        MemorySecrets(),
        backend=backend,
        offline=None,
        clock=clock,
        rng=random.Random(SEED),
        store=store,
    )
    window = MainWindow(
        controller,
        confirm=lambda *_: True,
        settings_file=home / "settings.json",
        geometry_file=home / "window.json",
    )
    window.resize(*size)
    window.show()
    app.processEvents()
    try:
        yield Stage(app, controller, window, clock, out_dir)
    finally:
        window.close()
        window.deleteLater()
        app.processEvents()
