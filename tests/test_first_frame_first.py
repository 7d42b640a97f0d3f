"""Issue 18, "first window": loading starts once the shell's first frame is painted, not on
the turn after `show` (its first step, importing the home screen's widgets, came before
that paint and delayed it 30-40 ms); and the model client's modules are imported by one
thread at a time (a warm-up on the window's thread during the loader's preload failed
with "cannot import name ... from partially initialized module 'openai._base_client'")."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QEvent, QObject
from pytestqt.qtbot import QtBot

from interviewer.gui import boot, workers
from interviewer.llm import base, openai_backend


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    yield
    gc.unfreeze()
    gc.enable()


class _Order(QObject):
    """Records the shell's first paint and the loader's first step, in order."""

    def __init__(self, log: list[str]) -> None:
        super().__init__()
        self.log = log

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and "paint" not in self.log:
            self.log.append("paint")
        return False


def test_loading_starts_after_the_first_frame_is_painted(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    log: list[str] = []
    real_start = boot.Loader.start

    def start(self: boot.Loader) -> None:
        log.append("start")
        real_start(self)

    monkeypatch.setattr(boot.Loader, "start", start)
    monkeypatch.setattr(boot, "FIRST_FRAME_WAIT_MS", 60_000)  # only the paint can start it
    order = _Order(log)
    real_show = boot.Shell.show

    def show(self: boot.Shell) -> None:
        self.installEventFilter(order)
        real_show(self)

    monkeypatch.setattr(boot.Shell, "show", show)
    _app, shell, loader = boot.show_shell(None)
    qtbot.addWidget(shell)
    with qtbot.waitSignal(loader.ready, timeout=60_000):
        pass
    assert log[:2] == ["paint", "start"]
    assert log.count("start") == 1  # the fallback timer does not start it again
    loader.window.controller.shutdown(3000)
    loader.close_down()


def test_loading_starts_without_a_frame_when_none_comes(qtbot: QtBot) -> None:
    """A window that is never painted (opened minimised) still loads."""
    shell = boot.Shell([])
    qtbot.addWidget(shell)  # never shown: no paint
    loader = boot.Loader(shell)
    started: list[bool] = []
    loader.start = lambda: started.append(True)  # type: ignore[method-assign]
    loader.start_after_first_frame()
    qtbot.wait(50)
    assert not started
    qtbot.waitUntil(lambda: started == [True], timeout=boot.FIRST_FRAME_WAIT_MS + 2000)


def test_a_second_start_does_nothing(qtbot: QtBot) -> None:
    shell = boot.Shell([])
    qtbot.addWidget(shell)
    loader = boot.Loader(shell)
    steps: list[str] = []
    loader._next = lambda: steps.append("next")  # type: ignore[method-assign]
    loader.start()
    loader.start()
    assert steps == ["next"]
    gc.enable()


def _holds_the_lock_elsewhere() -> tuple[threading.Event, threading.Event, threading.Thread]:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with base.CLIENT_IMPORT_LOCK:
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert held.wait(10)
    return held, release, thread


def test_the_client_preload_waits_for_another_threads_client_import() -> None:
    _held, release, holder = _holds_the_lock_elsewhere()
    done = threading.Event()

    def preload() -> None:
        openai_backend.preload_client()
        done.set()

    threading.Thread(target=preload, daemon=True).start()
    assert not done.wait(0.3)  # waits for the lock
    release.set()
    holder.join(10)
    assert done.wait(60)


def test_the_window_threads_warm_up_takes_the_same_lock(monkeypatch: pytest.MonkeyPatch) -> None:
    assert workers._warm_lock is base.CLIENT_IMPORT_LOCK
    monkeypatch.setattr(workers, "_warmed", set())
    _held, release, holder = _holds_the_lock_elsewhere()
    done = threading.Event()

    def warm() -> None:
        workers.warm_up(("json",))
        done.set()

    threading.Thread(target=warm, daemon=True).start()
    assert not done.wait(0.3)
    release.set()
    holder.join(10)
    assert done.wait(10)


def test_a_client_module_used_first_on_a_worker_is_imported_under_the_lock() -> None:
    lazy = type(openai_backend.httpx2)("json")  # type: ignore[attr-defined]  # the same on-first-use wrapper, for json
    _held, release, holder = _holds_the_lock_elsewhere()
    got: list[object] = []
    user = threading.Thread(target=lambda: got.append(lazy.dumps([1])), daemon=True)
    user.start()
    user.join(0.3)
    assert got == []  # waits for the lock
    release.set()
    holder.join(10)
    user.join(10)
    assert got == ["[1]"]


def test_app_paths_is_a_read_only_value() -> None:
    from pathlib import Path

    from interviewer.storage.paths import AppPaths

    a = AppPaths(Path("c"), Path("d"), Path("k"))
    assert a == AppPaths(Path("c"), Path("d"), Path("k")) and hash(a) == hash(
        AppPaths(Path("c"), Path("d"), Path("k"))
    )
    assert a != AppPaths(Path("c"), Path("d"), Path("other"))
    assert (a.config_dir, a.data_dir, a.cache_dir) == (Path("c"), Path("d"), Path("k"))
    assert a.settings_file == Path("c") / "settings.json"
    with pytest.raises(AttributeError, match="read-only"):
        a.data_dir = Path("x")
    assert "cache_dir=" in repr(a)


def test_the_first_frames_module_leaves_dataclasses_and_pydantic_unloaded() -> None:
    """What `gui.boot` imports before the first frame stays small (issue 18)."""
    import json
    import subprocess
    import sys

    code = (
        "import sys, json, interviewer.gui.boot; "
        "print(json.dumps([m for m in ('dataclasses', 'pydantic', 'jinja2', 'openai')"
        " if m in sys.modules]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
