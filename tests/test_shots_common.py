"""The stage the screenshot renderers share (gui/shots_common.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.errors import InterviewerError
from interviewer.gui.screenshots import demo_backend
from interviewer.gui.shots_common import SIZE, Stage, open_stage
from interviewer.storage.content_files import load_library


def test_the_stage_saves_pictures_and_closes_its_window(qtbot: QtBot, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    home = tmp_path / "home"
    home.mkdir()
    with open_stage(out, load_library(), demo_backend(), home) as stage:
        window = stage.window
        assert window.isVisible() and (window.width(), window.height()) == SIZE
        path = stage.shot("home")
    assert stage.written == [path] == [out / "home.png"]
    assert path.stat().st_size > 0
    assert not window.isVisible()
    # Settings and geometry went to the stage's home, not the user's folders.
    assert (home / "window.json").exists()


def test_a_failing_renderer_still_closes_the_window(qtbot: QtBot, tmp_path: Path) -> None:
    seen: list[Stage] = []
    with (
        pytest.raises(InterviewerError, match="Could not write"),
        open_stage(tmp_path, load_library(), demo_backend(), tmp_path) as stage,
    ):
        seen.append(stage)
        stage.save("nowhere/picture", stage.window)  # no such folder: grab().save fails
    assert not seen[0].window.isVisible()
    assert seen[0].written == []
