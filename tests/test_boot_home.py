"""The real home screen before the app has loaded (issue 18): on a start after a first one,
the home screen is filled from the cached track index and the saved choices in the shell's
frame, with no content, settings or store code loaded yet; its clicks wait visibly and act
once the main window has taken the very same screen over; what the candidate chose on it
and the content problems it names carry over."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.gui import boot
from interviewer.gui.home import HomeView, Picks, TrackPicks, read_choices
from interviewer.storage.content_files import builtin_content_root
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import home_choices_file, load_home_choices
from interviewer.storage.track_index import read_index, read_index_and_errors, write_index
from tests.gui_helpers import fresh_python_json
from tests.test_boot import _close, _finish, _started, _unfreeze  # noqa: F401  (_unfreeze: autouse)


def _first_start(qtbot: QtBot) -> None:
    """A full start, which writes the index the next start's home screen is filled from."""
    shell, loader = _started(qtbot)
    _finish(qtbot, shell, loader)
    _close(loader)


def _home_shown(qtbot: QtBot) -> tuple[boot.Shell, boot.Loader, HomeView]:
    shell, loader = _started(qtbot)
    with qtbot.waitSignal(loader.home_ready, timeout=30_000):
        pass
    home = shell.skeleton.home
    assert home is not None and home.from_index
    assert shell.main is None  # the app is still loading behind it
    return shell, loader, home


def _names(home: HomeView) -> list[str]:
    return [home.track_list.item(r).text() for r in range(home.track_list.count())]


def test_the_next_start_shows_the_real_home_screen_and_the_window_takes_it_over(
    qtbot: QtBot,
) -> None:
    _first_start(qtbot)
    index = read_index(app_paths().cache_dir) or []
    shell, loader, home = _home_shown(qtbot)
    assert _names(home) == [t["name"] for t in index]
    assert home.isVisible() and not shell.skeleton.track_list.isVisible()
    assert home.start_button.isEnabled() and home.count.isEnabled()
    current = home.current_track()
    assert current is not None
    assert home.count.value() == current.question_count
    assert home.minutes.value() == current.duration_minutes
    assert "questions in the bank" in home.track_bank.text()
    assert "loading" in home.backend_label.text()
    _finish(qtbot, shell, loader)
    # The same screen, now filled from the content, in the main window; the same track
    # shown, and nothing chosen for the candidate (no choices written).
    assert shell.main.home is home
    assert not home.from_index and home.library is not None
    assert _names(home) == [t["name"] for t in index]
    after = home.current_track()
    assert after is not None and after.id == current.id
    assert not home_choices_file(app_paths().settings_file).exists()
    assert "loading" not in home.backend_label.text()
    _close(loader)


def test_the_home_screen_comes_before_any_content_settings_or_store_code() -> None:
    """In a fresh interpreter, as a user's start: when the home screen is in place, no
    pydantic, no core module, no settings, store or controller module is loaded."""
    script = """
import json, sys
from interviewer.gui import boot
app, shell, loader = boot.show_shell(None)
seen = {}
def at_home():
    seen["from_index"] = loader.home is not None and loader.home.from_index
    seen["loaded"] = sorted(
        m for m in sys.modules
        if m.split(".")[0] == "pydantic"
        or m.startswith(("interviewer.core", "interviewer.storage.settings",
                         "interviewer.storage.store", "interviewer.gui.controller",
                         "interviewer.session", "keyring"))
    )
loader.home_ready.connect(at_home)
loader.ready.connect(app.quit)
app.exec()
loader.window.controller.shutdown(3000)
loader.close_down()
print(json.dumps(seen))
"""
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    first, second = (fresh_python_json(script, env) for _ in range(2))
    assert not first["from_index"]  # no index yet: the main window's home screen
    assert second["from_index"]
    assert second["loaded"] == []


def test_start_clicked_on_the_home_screen_waits_visibly_then_starts(qtbot: QtBot) -> None:
    _first_start(qtbot)
    shell, loader, home = _home_shown(qtbot)
    home.start_button.click()
    assert shell.pending == ("start", "")
    assert shell.cursor().shape() == Qt.CursorShape.BusyCursor
    assert "The interview starts" in shell.skeleton.status_bar.currentMessage()
    _finish(qtbot, shell, loader)
    qtbot.waitUntil(lambda: shell.main.controller.in_interview, timeout=10_000)
    assert shell.main.stack.currentWidget() is shell.main.interview
    assert shell.pending is None and shell.cursor().shape() != Qt.CursorShape.BusyCursor
    _close(loader)


def test_history_clicked_on_the_home_screen_opens_once_loaded(qtbot: QtBot) -> None:
    _first_start(qtbot)
    shell, loader, home = _home_shown(qtbot)
    home.history_button.click()
    assert shell.pending == ("history", "")
    assert "History opens" in shell.skeleton.status_bar.currentMessage()
    _finish(qtbot, shell, loader)
    qtbot.waitUntil(lambda: shell.main.stack.currentWidget() is shell.main.history)
    # The window took the screen's clicks over: nothing is remembered by the shell now.
    shell.main.show_home()
    home.history_button.click()
    assert shell.pending is None
    _close(loader)


def test_choices_made_on_the_home_screen_carry_over_and_are_saved(qtbot: QtBot) -> None:
    _first_start(qtbot)
    index = read_index(app_paths().cache_dir) or []
    assert len(index) >= 2
    shell, loader, home = _home_shown(qtbot)
    home.track_list.setCurrentRow(1)
    home.count.setValue(1)
    home.difficulty.setCurrentIndex(home.difficulty.findData("hard"))
    home.adaptive.setChecked(True)
    assert home.unsaved
    _finish(qtbot, shell, loader)
    current = home.current_track()
    assert current is not None and current.id == index[1]["id"]
    assert home.count.value() == 1
    assert home.difficulty.currentData() == "hard"
    assert home.adaptive.isChecked()
    assert not home.unsaved  # written before the window took the screen over
    saved = load_home_choices(home_choices_file(app_paths().settings_file))
    assert saved.track_id == index[1]["id"]
    assert saved.tracks[index[1]["id"]].questions == 1
    assert saved.tracks[index[1]["id"]].difficulty == "hard"
    _close(loader)


def test_saved_choices_are_shown_on_the_home_screen(qtbot: QtBot) -> None:
    _first_start(qtbot)
    index = read_index(app_paths().cache_dir) or []
    second = index[1]["id"]
    path = home_choices_file(app_paths().settings_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps({"track_id": second, "repeat": True, "tracks": {second: {"questions": 1}}}),
        encoding="utf-8",
    )
    shell, loader, home = _home_shown(qtbot)
    current = home.current_track()
    assert current is not None and current.id == second
    assert home.count.value() == 1 and home.repeat.isChecked()
    assert not home.unsaved
    _finish(qtbot, shell, loader)
    assert home.count.value() == 1 and home.repeat.isChecked()
    _close(loader)


def test_a_broken_content_file_is_named_on_the_home_screen(qtbot: QtBot) -> None:
    tracks = app_paths().content_dir / "tracks"
    tracks.mkdir(parents=True)
    (tracks / "broken.toml").write_text('id = "broken"\nname = [', encoding="utf-8")
    _first_start(qtbot)
    found = read_index_and_errors(app_paths().cache_dir)
    assert found is not None and any("broken.toml" in e for e in found[1])
    shell, loader, home = _home_shown(qtbot)
    assert home.errors_widget.isVisibleTo(home)
    assert "broken.toml" in home.errors_box.toPlainText()
    _finish(qtbot, shell, loader)
    assert home.errors_widget.isVisibleTo(home)
    assert "broken.toml" in home.errors_box.toPlainText()
    _close(loader)


def test_an_index_without_the_home_screens_fields_leaves_it_to_the_window(
    qtbot: QtBot,
) -> None:
    """An index of the skeleton's four fields only: the skeleton lists the tracks, and the
    main window's home screen is the first real one."""
    roots = [builtin_content_root(), app_paths().content_dir]
    entries = [{"id": "a", "name": "Aaa", "meta": "m", "description": "d"}]
    write_index(app_paths().cache_dir, roots, entries)
    shell, loader = _started(qtbot)
    assert shell.skeleton.tracks == entries
    with qtbot.waitSignal(loader.home_ready, timeout=60_000):
        pass
    assert shell.skeleton.home is None and shell.main is not None
    _finish(qtbot, shell, loader)
    _close(loader)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "{broken",
        "[]",
        '{"track_id": 3, "repeat": "yes"}',
        '{"track_id": "t", "repeat": true, "adaptive": true}',
        '{"tracks": {"t": {"questions": 4, "minutes": 20, "difficulty": "hard",'
        ' "follow_ups": false, "other": 1}}}',
        '{"tracks": {"a": {"questions": 0}, "b": {"minutes": 2000}, "c": {"difficulty": "x"},'
        ' "d": {"follow_ups": "no"}, "e": [], "f": {"questions": 500, "minutes": 1440}}}',
        '{"tracks": {"a": {"questions": "5"}, "b": {"minutes": 5.0}, "c": {"questions": 5.5},'
        ' "d": {"follow_ups": 1}, "e": {"follow_ups": 2}, "f": {"questions": true},'
        ' "g": {"follow_ups": "YES"}, "h": {"follow_ups": "true "}, "i": {"minutes": "2.0"},'
        ' "j": {"difficulty": null}, "k": {"questions": " 7"}, "l": {"minutes": "x"}}}',
    ],
)
def test_the_plain_choices_reader_agrees_with_the_settings_one(tmp_path: Path, text: str) -> None:
    path = tmp_path / "home.json"
    path.write_text(text, encoding="utf-8")
    assert read_choices(path) == Picks.of(load_home_choices(path))
    assert read_choices(path).choices() == load_home_choices(path)


def test_the_choices_file_name_agrees() -> None:
    settings = app_paths().settings_file
    assert settings.with_name(boot.HOME_CHOICES_NAME) == home_choices_file(settings)


def test_picks_round_trip() -> None:
    picks = Picks("t", True, True, {"t": TrackPicks(3, 15, "easy", False)})
    assert Picks.of(picks.choices()) == picks
