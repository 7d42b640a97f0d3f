"""Building blocks for the GUI tests: a small library, a fake clock, a window factory."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt
from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.core.models import GradeDraft
from interviewer.core.requests import GradeRequest
from interviewer.gui.controller import Controller
from interviewer.gui.main_window import MainWindow
from interviewer.gui.workers import running_ops
from interviewer.llm.base import Backend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.factories import draft, question, rubric, track

MAIN_THREAD = threading.main_thread().name


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def small_library(count: int = 2, limit: int = 1, seconds: int = 120) -> ContentLibrary:
    lib = ContentLibrary()
    t = track(limit=limit, minutes=30, count=count)
    lib.tracks[t.id] = t
    lib.rubrics["technical"] = rubric()
    for i in range(count):
        q = question(f"q{i + 1}", seconds=seconds)
        lib.questions[q.id] = q
    return lib


def quoting_grade(request: GradeRequest) -> GradeDraft:
    """A grade whose evidence is a real quote from the answer, so it survives finalize."""
    words = request.answer_text.split()
    return draft(4, quote=" ".join(words[:4]))


@dataclass
class Confirmations:
    """Answers the app's yes/no questions in tests and records what was asked."""

    answers: list[bool] = field(default_factory=list)
    default: bool = True
    asked: list[str] = field(default_factory=list)

    def __call__(self, _parent: object, title: str, _text: str) -> bool:
        self.asked.append(title)
        return self.answers.pop(0) if self.answers else self.default


@dataclass
class App:
    window: MainWindow
    controller: Controller
    backend: ScriptedBackend
    clock: FakeClock
    confirm: Confirmations


def settle(qtbot: QtBot, timeout: int = 10_000) -> None:
    """Wait until every QueryOp has delivered its outcome (store reads, exports...)."""
    qtbot.waitUntil(lambda: running_ops() == 0, timeout=timeout)


def make_app(
    qtbot: QtBot,
    backend: ScriptedBackend | None = None,
    library: ContentLibrary | None = None,
    offline: Backend | None = None,
) -> App:
    backend = backend or ScriptedBackend(default_grade=quoting_grade)
    clock = FakeClock()
    confirm = Confirmations()
    controller = Controller(
        library or small_library(),
        Settings(),
        SecretStore(),
        backend=backend,
        offline=offline,
        clock=clock,
        rng=random.Random(0),
    )
    window = MainWindow(controller, confirm=confirm)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)  # the launch's reads (resume offer, practised questions) have landed
    return App(window, controller, backend, clock, confirm)


def start(qtbot: QtBot, app: App) -> None:
    """Pick the first track and press Start, as a person would."""
    app.window.home.track_list.setCurrentRow(0)
    qtbot.mouseClick(app.window.home.start_button, Qt.MouseButton.LeftButton)
    # At once, or once the practice history read in the background lands.
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.interview)


class Paints(QObject):
    """Counts the paint events a widget gets (install it as the widget's event filter)."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def fresh_python_json(script: str, env: dict[str, str] | None = None) -> Any:
    """Run `script` in a fresh interpreter (`python -c`) and return the JSON its last
    line of output prints; a failing script fails the test with its error output."""
    import json
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])
