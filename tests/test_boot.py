"""Two-phase start (issue 18): the shell's first frame shows the cached tracks, loading goes on
behind it, a click made while loading waits visibly and then acts, the cached track index
is rebuilt when the content changes or the file is broken."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.gui import boot
from interviewer.storage.content_files import builtin_content_root
from interviewer.storage.paths import app_paths
from interviewer.storage.track_index import index_path, read_index, write_index
from tests.gui_helpers import fresh_python_json

TRACK_TOML = """id = "{id}"
name = "{name}"
description = "A custom track."
duration_minutes = 20
question_count = 2
categories = ["technical"]
"""


@pytest.fixture(autouse=True)
def _unfreeze() -> Iterator[None]:
    """The loader freezes the heap at the end of start-up (gc.freeze); undo it per test."""
    yield
    gc.unfreeze()


def _started(qtbot: QtBot) -> tuple[boot.Shell, boot.Loader]:
    _app, shell, loader = boot.show_shell(None)
    qtbot.addWidget(shell)
    return shell, loader


def _finish(qtbot: QtBot, shell: boot.Shell, loader: boot.Loader) -> None:
    with qtbot.waitSignal(loader.ready, timeout=60_000):
        pass
    assert shell.main is not None


def _close(loader: boot.Loader) -> None:
    if loader.window is not None:
        loader.window.controller.shutdown(3000)
    loader.close_down()


def test_main_window_constants_agree() -> None:
    from interviewer.gui import main_window

    assert boot.APP_NAME == main_window.APP_NAME
    assert boot.DEFAULT_SIZE == main_window.DEFAULT_SIZE
    assert boot.MIN_SIZE == main_window.MIN_SIZE


def test_first_start_writes_the_index_and_the_next_shows_it(qtbot: QtBot) -> None:
    cache = app_paths().cache_dir
    shell, loader = _started(qtbot)
    # No index yet: the skeleton says the tracks are loading, never an empty list.
    assert shell.skeleton.tracks == []
    assert shell.skeleton.track_list.item(0).text() == "Loading the tracks…"
    _finish(qtbot, shell, loader)
    names = [t["name"] for t in read_index(cache) or []]
    assert "ML Full Loop" in names
    assert shell.main.home.track_list.count() == len(names)
    _close(loader)
    # The next start's first frame lists the tracks before anything else is loaded.
    shell2, loader2 = _started(qtbot)
    shown = [
        shell2.skeleton.track_list.item(i).text().split("\n")[0]
        for i in range(shell2.skeleton.track_list.count())
    ]
    assert shown == names
    _finish(qtbot, shell2, loader2)
    _close(loader2)


def test_a_click_while_loading_waits_visibly_then_acts(qtbot: QtBot) -> None:
    shell, loader = _started(qtbot)
    shell.skeleton.buttons["history"].click()
    # Not dead: the click is remembered and the window says what will open.
    assert shell.pending == ("history", "")
    assert shell.cursor().shape() == Qt.CursorShape.BusyCursor
    assert "History opens" in shell.skeleton.status.text()
    _finish(qtbot, shell, loader)
    # History reads the store in the background, then shows.
    qtbot.waitUntil(lambda: shell.main.stack.currentWidget() is shell.main.history)
    assert shell.pending is None
    assert shell.cursor().shape() != Qt.CursorShape.BusyCursor
    _close(loader)


def test_a_track_picked_while_loading_is_the_one_selected(qtbot: QtBot) -> None:
    cache = app_paths().cache_dir
    shell, loader = _started(qtbot)
    _finish(qtbot, shell, loader)
    _close(loader)
    tracks = read_index(cache) or []
    assert len(tracks) >= 2
    shell, loader = _started(qtbot)
    shell.skeleton.track_list.setCurrentRow(1)
    _finish(qtbot, shell, loader)
    current = shell.main.home.current_track()
    assert current is not None and current.id == tracks[1]["id"]
    _close(loader)


def test_closing_while_loading_closes(qtbot: QtBot) -> None:
    shell, loader = _started(qtbot)
    assert shell.close()
    qtbot.waitUntil(lambda: loader._thread is not None and not loader._thread.is_alive())
    qtbot.wait(50)
    # Nothing more is built for a window that is gone.
    assert loader.window is None and shell.main is None
    _close(loader)


def test_the_index_is_stale_when_content_changes(tmp_path: Path) -> None:
    user = tmp_path / "content"
    (user / "tracks").mkdir(parents=True)
    roots = [builtin_content_root(), user]
    cache = tmp_path / "cache"
    entries = [{"id": "a", "name": "A", "meta": "m", "description": "d"}]
    write_index(cache, roots, entries)
    assert read_index(cache) == entries
    # A new user track makes it stale.
    mine = user / "tracks" / "mine.toml"
    mine.write_text(TRACK_TOML.format(id="mine", name="Mine"), encoding="utf-8")
    assert read_index(cache) is None
    write_index(cache, roots, entries)
    assert read_index(cache) == entries
    # An edited file (size or time) makes it stale.
    mine.write_text(TRACK_TOML.format(id="mine", name="Mine, renamed"), encoding="utf-8")
    assert read_index(cache) is None
    write_index(cache, roots, entries)
    # A removed file too.
    mine.unlink()
    assert read_index(cache) is None


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"version": 99}',
        '{"version": 1, "roots": [], "folders": [], "files": {}, "tracks": [{"id": 1}]}',
    ],
)
def test_a_broken_index_is_ignored(tmp_path: Path, text: str) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    index_path(cache).write_text(text, encoding="utf-8")
    assert read_index(cache) is None


def test_a_broken_index_is_rebuilt_on_start(qtbot: QtBot) -> None:
    cache = app_paths().cache_dir
    cache.mkdir(parents=True, exist_ok=True)
    index_path(cache).write_text("{broken", encoding="utf-8")
    shell, loader = _started(qtbot)
    assert shell.skeleton.tracks == []
    _finish(qtbot, shell, loader)
    assert read_index(cache)
    _close(loader)


def test_a_user_track_added_shows_after_the_next_full_start(qtbot: QtBot) -> None:
    cache = app_paths().cache_dir
    shell, loader = _started(qtbot)
    _finish(qtbot, shell, loader)
    _close(loader)
    user = app_paths().content_dir / "tracks"
    user.mkdir(parents=True)
    (user / "mine.toml").write_text(
        TRACK_TOML.format(id="mine", name="Aaa my track"), encoding="utf-8"
    )
    assert read_index(cache) is None  # stale: the new file is not in it
    shell, loader = _started(qtbot)
    assert shell.skeleton.tracks == []
    _finish(qtbot, shell, loader)
    _close(loader)
    assert "Aaa my track" in [t["name"] for t in read_index(cache) or []]


def test_qt_checked_only_after_a_window_opened(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert not boot.qt_checked()
    boot._remember_qt_checked()
    assert boot.qt_checked()
    # Another platform plugin is checked again by the command line.
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert not boot.qt_checked()
    # And no display at all never takes the fast path.
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    assert not boot.qt_checked()
    assert json.loads(boot.qt_stamp_path().read_text())["plugin"] == "offscreen"


def test_launch_sends_other_commands_to_the_command_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import interviewer.cli as cli
    from interviewer import launch

    seen: list[list[str]] = []

    def cli_main(argv: list[str] | None = None) -> int:
        seen.append(list(argv or []))
        return 0

    monkeypatch.setattr(cli, "main", cli_main)
    monkeypatch.setattr(boot, "run", lambda args=None: pytest.fail("opened the window"))
    assert launch.main(["tracks"]) == 0
    # Not checked yet: even the bare command goes through the command line's checks.
    monkeypatch.setattr(boot, "qt_checked", lambda: False)
    assert launch.main([]) == 0
    assert seen == [["tracks"], []]


def test_qt_free_modules_load_on_the_loading_thread_and_screens_on_the_gui_thread(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loading thread imports only what imports no Qt (PySide6 making a widget class
    there while the window's thread ran Qt crashed the app now and then); the home screen's
    modules come before it and the other screens' after, on the GUI thread, one a step."""
    import threading

    imported: list[tuple[str, str]] = []
    real_import = boot._import

    def recording(module: str) -> None:
        imported.append((module, threading.current_thread().name))
        real_import(module)

    monkeypatch.setattr(boot, "_import", recording)
    shell, loader = _started(qtbot)
    _finish(qtbot, shell, loader)
    main = threading.main_thread().name
    home = [(m, main) for m in boot.HOME_MODULES]
    loading = [(m, "interviewer-load") for m in boot.QT_FREE_MODULES]
    gui = [(m, main) for m in boot.SCREEN_MODULES]
    assert imported == home + loading + gui
    _close(loader)


def test_the_loading_threads_modules_import_no_qt_and_leave_the_screens_only_qt() -> None:
    """In a fresh interpreter: what the loading thread imports brings in no PySide6
    module, and after it the screens' modules import none of the app's modules but the
    window's own (a new Qt-free one belongs in QT_FREE_MODULES, named here)."""
    script = """
import importlib, json, sys
from interviewer.gui import boot
from interviewer.gui import loading
qt_before = sorted(m for m in sys.modules if m.startswith("PySide6"))
for module in boot.QT_FREE_MODULES:
    importlib.import_module(module)
qt_after = sorted(m for m in sys.modules if m.startswith("PySide6"))
before = set(sys.modules)
for module in boot.SCREEN_MODULES:
    importlib.import_module(module)
new = sorted(
    m for m in set(sys.modules) - before
    if m.startswith("interviewer") and not m.startswith("interviewer.gui")
)
print(json.dumps([sorted(set(qt_after) - set(qt_before)), new]))
"""
    qt_from_loading, app_from_screens = fresh_python_json(script)
    assert qt_from_loading == []
    assert app_from_screens == []


def test_the_screens_modules_make_no_gui_objects_at_import() -> None:
    """The screens' modules may define widget classes and value constants (QColor), but
    must not create QObjects, pixmaps, icons or fonts at import. Checked in a fresh
    process (objects made later, such as the workers' dispatcher, are made on demand)."""
    script = """
import importlib, json, sys
from PySide6.QtCore import QObject
from PySide6.QtGui import QCursor, QFont, QIcon, QPaintDevice, QPalette
from interviewer.gui import boot
boot.application(icon=False)
for module in boot.SCREEN_MODULES:
    importlib.import_module(module)
gui_types = (QObject, QPaintDevice, QIcon, QFont, QPalette, QCursor)
print(json.dumps(sorted(
    name + "." + key
    for name, mod in list(sys.modules.items())
    if name.startswith("interviewer") and mod is not None
    for key, value in vars(mod).items()
    if isinstance(value, gui_types)
)))
"""
    assert fresh_python_json(script) == []


def test_a_model_client_is_imported_on_a_background_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With a model backend chosen, its client's modules (openai: imported on first use,
    not with the backend) are imported on a thread of their own once the window is up."""
    import threading

    from interviewer.llm import openai_backend

    seen: list[str] = []
    monkeypatch.setattr(
        openai_backend, "preload_client", lambda: seen.append(threading.current_thread().name)
    )
    thread = boot._preload_model_client()
    assert thread is not None
    thread.join(30)
    assert seen == ["interviewer-client"]


def test_no_model_client_is_imported_for_the_offline_coach(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No OpenAIBackend was built (its module is not imported): nothing is imported."""
    import sys

    monkeypatch.delitem(sys.modules, "interviewer.llm.openai_backend", raising=False)
    assert boot._preload_model_client() is None
    assert "interviewer.llm.openai_backend" not in sys.modules


class _Window:
    """What Loader._after asks of the main window, recorded."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def discover_local_servers(self) -> None:
        self.calls.append("discover")

    def check_models_on_first_use(self) -> bool:
        self.calls.append("check")
        return False


def test_the_first_use_check_waits_for_the_model_client(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first-use check warms the HTTP stack on the window's thread: it starts only
    once the client's import (off that thread) has finished, never waiting on it."""
    import threading

    from interviewer.llm import openai_backend

    release = threading.Event()
    monkeypatch.setattr(openai_backend, "preload_client", lambda: release.wait(30))
    shell = boot.Shell([])
    qtbot.addWidget(shell)
    shell.show()
    loader = boot.Loader(shell)
    window = _Window()
    loader.window = window
    shell.main = window  # what attach sets
    with qtbot.waitSignal(loader.ready, timeout=5000):
        loader._after()
    assert window.calls == ["discover"]
    qtbot.waitUntil(lambda: loader._client_thread is not None, timeout=5000)
    qtbot.wait(200)
    assert window.calls == ["discover"]  # still importing
    release.set()
    qtbot.waitUntil(lambda: window.calls == ["discover", "check"], timeout=10_000)
    shell.main = None


def test_the_offline_coach_is_checked_at_once(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.delitem(sys.modules, "interviewer.llm.openai_backend", raising=False)
    shell = boot.Shell([])
    qtbot.addWidget(shell)
    loader = boot.Loader(shell)
    window = _Window()
    loader.window = window
    loader._after()
    assert window.calls == ["discover", "check"]


def test_once_loaded_the_collector_runs_on_the_gui_thread_only(qtbot: QtBot) -> None:
    # Left automatic, a collection triggered on a grader's thread deleted Qt objects
    # there (gui/memory.py); from the end of start-up the loader's timer collects.
    shell, loader = _started(qtbot)
    _finish(qtbot, shell, loader)
    assert loader.collector is not None and loader.collector.active
    assert not gc.isenabled()
    _close(loader)


def _track_rows(delegate_kind: str, rows: list[tuple[str, str]], current: int) -> object:
    """A track list of `rows` drawn by the skeleton's delegate or the home screen's,
    grabbed at one size with row `current` selected."""
    from PySide6.QtWidgets import QListWidget, QListWidgetItem

    from interviewer.gui import home

    view = QListWidget()
    view.resize(300, 260)
    if delegate_kind == "skeleton":
        view.setItemDelegate(boot.TrackLines(view))
        for name, meta in rows:
            view.addItem(f"{name}\n{meta}")
    else:
        view.setItemDelegate(home.TrackDelegate(view))
        for name, meta in rows:
            item = QListWidgetItem(name)
            item.setData(home.NAME_ROLE, name)
            item.setData(home.META_ROLE, meta)
            view.addItem(item)
    view.setCurrentRow(current)
    view.show()
    image = view.grab().toImage()
    view.close()
    return image


def test_the_skeletons_track_rows_look_like_the_home_screens(qtbot: QtBot) -> None:
    """Nothing moves or changes colour when the real home screen takes the skeleton's
    place: its rows (drawn without a pen, see boot._draw_line) match the home screen's
    delegate pixel for pixel, selected and muted lines included, and text that looks
    like markup is shown as written."""
    rows = [
        ("ML Technical", "30 min · 6 questions · Technical"),
        ("<b>A & B</b>", "45 min · 2 questions · Case study"),
        ("Systems", "60 min · 7 questions · Technical, Behavioral"),
    ]
    for current in (0, 1):
        skeleton = _track_rows("skeleton", rows, current)
        real = _track_rows("home", rows, current)
        assert skeleton == real, f"row {current} selected: the skeleton's rows differ"


def test_the_first_frame_sets_up_none_of_the_qt_namespaces_enums() -> None:
    """PySide6 builds the Python enums of the Qt namespace (93 of them, 35-45 ms here)
    the first time any is needed; a pen or brush from a colour needs them. The shell's
    first frame, tracks drawn, needs none (issue 18: first window). In a fresh
    interpreter, with the enums PySide6 creates recorded."""
    import tempfile

    script = """
import enum, json, sys
made = []
create = enum.EnumType._create_
def recorded(cls, name, *args, **kwargs):
    made.append(name)
    return create(cls, name, *args, **kwargs)
enum.EnumType._create_ = recorded
from PySide6.QtCore import QTimer
from interviewer.gui import boot
from interviewer.storage.paths import app_paths
from interviewer.storage.track_index import write_index
tracks = [
    {"id": f"t{i}", "name": f"Track {i}", "meta": "30 min", "description": "A track."}
    for i in range(4)
]
write_index(app_paths().cache_dir, [], tracks)
app = boot.application(icon=False)
made.clear()
app, shell, loader = boot.show_shell(None)
shell.skeleton.track_list.setCurrentRow(1)
shell.grab()  # every widget painted, the tracks by the skeleton's delegate
first_frame = list(made)
made.clear()
loader.start()  # runs the first loading step now, the others on later turns
print(json.dumps([len(shell.skeleton.tracks), first_frame, made,
                  "interviewer.gui.widgets" in sys.modules]))
loader.close_down()
"""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "INTERVIEWER_HOME": home}
        tracks, made, first_step, widgets_imported = fresh_python_json(script, env)
    assert tracks == 4  # the tracks were drawn from the index
    assert "GlobalColor" not in made and "AlignmentFlag" not in made, made
    # Then the first loading step sets them up (35-45 ms), on its own: not in the turn
    # that imports the home screen's widgets (together, a 55-60 ms freeze).
    assert "GlobalColor" in first_step and "AlignmentFlag" in first_step
    assert not widgets_imported


def test_a_first_start_builds_the_home_screen_a_turn_before_the_window(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No index (a first start): the window's home screen is built in a loading step of
    its own and the window takes it, and the window's other screens wait until the
    window is in the shell and start-up is over (each step a turn of its own, no two
    run back to back: together they froze the window for 50-60 ms)."""
    from interviewer.gui.main_window import MainWindow

    order: list[str] = []
    built: list[object] = []
    home_ahead = boot.Loader._home_ahead

    def recorded_home_ahead(self: boot.Loader) -> None:
        home_ahead(self)
        built.append(self._new_home)
        order.append("home")

    def recorded(name: str, step: Callable[[Any], None]) -> Callable[[Any], None]:
        def run(self: Any) -> None:
            order.append(name)
            step(self)

        return run

    for name in ("_build", "_attach", "_after"):
        monkeypatch.setattr(boot.Loader, name, recorded(name, getattr(boot.Loader, name)))
    monkeypatch.setattr(boot.Loader, "_home_ahead", recorded_home_ahead)
    screen = MainWindow._build_next_screen
    monkeypatch.setattr(MainWindow, "_build_next_screen", recorded("screen", screen))
    shell, loader = _started(qtbot)
    assert shell.skeleton.tracks == []  # no index yet
    _finish(qtbot, shell, loader)
    qtbot.waitUntil(lambda: "screen" in order, timeout=10_000)
    assert order[:4] == ["home", "_build", "_attach", "_after"], order
    assert built and built[0] is not None and shell.main is not None
    assert shell.main.home is built[0]
    _close(loader)
