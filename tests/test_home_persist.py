"""The home screen remembers its choices between launches (issue 11): per track the number
of questions, the length, the difficulty and follow-ups; the track last used; and whether to
repeat practised questions. A restart is a new controller and window over the same
INTERVIEWER_HOME."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.gui.home import HomeView
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import (
    HomeChoices,
    TrackChoices,
    home_choices_file,
    load_home_choices,
    save_home_choices,
)
from tests.factories import question, rubric, track
from tests.gui_helpers import App, make_app


def _library() -> ContentLibrary:
    """Two tracks over six questions: 'Test track' (t, 2 questions, 30 min, follow-ups)
    and 'Other track' (u, 3 questions, 45 min)."""
    lib = ContentLibrary()
    lib.rubrics["technical"] = rubric()
    for i in range(1, 7):
        lib.questions[f"q{i}"] = question(f"q{i}")
    t = track(count=2, minutes=30, limit=1)
    u = t.model_copy(update={"id": "u", "name": "Other track", "question_count": 3})
    u = u.model_copy(update={"duration_minutes": 45})
    lib.tracks = {t.id: t, u.id: u}
    return lib


def _launch(qtbot: QtBot) -> App:
    return make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?"), library=_library())


def _select(home: HomeView, track_id: str) -> None:
    for row in range(home.track_list.count()):
        if home.track_list.item(row).data(0x0100) == track_id:  # Qt.UserRole
            home.track_list.setCurrentRow(row)
            return
    raise AssertionError(track_id)


def _state(home: HomeView) -> tuple[str, int, int, str, bool, bool]:
    t = home.current_track()
    assert t is not None
    return (
        t.id,
        home.count.value(),
        home.minutes.value(),
        home.difficulty.currentData(),
        home.follow_ups.isChecked(),
        home.repeat.isChecked(),
    )


def test_choices_survive_a_restart_per_track(qtbot: QtBot) -> None:
    first = _launch(qtbot)
    home = first.window.home
    assert _state(home) == ("u", 3, 45, "", True, False)  # sorted by name: Other, Test
    # Track t: fewer questions, a longer interview, hard, no follow-ups.
    _select(home, "t")
    assert _state(home) == ("t", 2, 30, "", True, False)
    home.count.setValue(1)
    home.minutes.setValue(25)
    home.difficulty.setCurrentIndex(home.difficulty.findData("hard"))
    home.follow_ups.setChecked(False)
    # Track u: more time only; and repeat practised questions (one choice for all tracks).
    _select(home, "u")
    assert _state(home) == ("u", 3, 45, "", True, False)  # t's choices stay with t
    home.minutes.setValue(50)
    home.repeat.setChecked(True)
    first.window.close()

    second = _launch(qtbot)  # a new window and controller over the same INTERVIEWER_HOME
    home2 = second.window.home
    assert home2 is not home
    assert _state(home2) == ("u", 3, 50, "", True, True)  # the last track, as left
    _select(home2, "t")
    assert _state(home2) == ("t", 1, 25, "hard", False, True)
    options = home2.options()
    assert options is not None
    assert (options.question_count, options.minutes, options.difficulty) == (1, 25.0, "hard")
    assert options.follow_ups is False and options.repeat is True

    # Starting an interview from there uses exactly what is shown.
    home2.start_button.click()
    engine = second.controller.engine
    assert engine is not None and len(engine.records) == 1 and engine.duration == 25 * 60
    assert engine.follow_up_limit == 0


def test_only_the_candidates_own_changes_are_written(qtbot: QtBot) -> None:
    app = _launch(qtbot)
    path = home_choices_file(app.window.settings_file)
    assert path == app_paths().config_dir / "home.json"
    assert not path.exists()  # opening and showing defaults writes nothing
    _select(app.window.home, "t")  # choosing a track is remembered
    assert json.loads(path.read_text(encoding="utf-8"))["track_id"] == "t"
    assert load_home_choices(path).tracks == {}
    app.window.home.repeat.setChecked(True)  # one choice for all tracks, nothing per track
    assert load_home_choices(path) == HomeChoices(track_id="t", repeat=True)
    app.window.home.count.setValue(1)
    saved = load_home_choices(path).tracks["t"]
    assert saved == TrackChoices(questions=1, minutes=15, difficulty="", follow_ups=True)


def test_saved_choices_that_no_longer_fit_are_clamped_or_ignored(
    qtbot: QtBot, interviewer_home: Path
) -> None:
    path = home_choices_file(app_paths().settings_file)
    save_home_choices(
        HomeChoices(
            track_id="gone",  # a track removed since: the first track is selected
            tracks={"t": TrackChoices(questions=40, minutes=20), "gone": TrackChoices()},
        ),
        path,
    )
    app = _launch(qtbot)
    home = app.window.home
    assert home.current_track() is not None and home.current_track().id == "u"  # type: ignore[union-attr]
    _select(home, "t")
    assert home.count.value() == 6  # only six questions in the bank
    assert home.minutes.value() == 20


def test_a_broken_choices_file_gives_the_defaults(qtbot: QtBot) -> None:
    path = home_choices_file(app_paths().settings_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    for text in ("{not json", "[1, 2]", '{"repeat": "yes", "tracks": {"t": {"questions": 0}}}'):
        path.write_text(text, encoding="utf-8")
        assert load_home_choices(path) == HomeChoices()
    path.write_text(
        '{"track_id": "t", "tracks": {"t": {"questions": 1, "minutes": "x"}, '
        '"u": {"questions": 2, "future_key": 1}}, "future": true}',
        encoding="utf-8",
    )
    choices = load_home_choices(path)
    assert choices.track_id == "t" and set(choices.tracks) == {"u"}  # bad entry dropped
    app = _launch(qtbot)
    assert _state(app.window.home) == ("t", 2, 30, "", True, False)


def test_an_unwritable_config_dir_only_means_nothing_is_remembered(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    save_home_choices(HomeChoices(track_id="t"), blocker / "home.json")  # no exception
    assert list(tmp_path.iterdir()) == [blocker]
