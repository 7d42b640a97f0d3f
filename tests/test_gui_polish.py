"""Small things a candidate notices (issue 11): the keyring notice in words, progress
charts where every line shows and every session has its own label, and the export
dialog that remembers the last format and folder."""

from __future__ import annotations

import re
from pathlib import Path

import keyring
import keyring.errors
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from interviewer.gui.main_window import EXPORT_FILTERS
from interviewer.gui.progress import SERIES_COLOURS, LineChart, Series, session_labels, spread
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.storage.secrets import ENV_KEY, SecretStore, keyring_notice
from interviewer.storage.settings import Settings
from tests.conftest import NoKeyring
from tests.gui_helpers import settle
from tests.test_gui_history import open_window, record, three_sessions

# --------------------------------------------------------------------------- keyring notice

#: What a Python exception class name looks like inside a sentence.
CLASS_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:Error|Exception|Locked)\b")


class LockedKeyring(NoKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("locked")


class BrokenKeyring(NoKeyring):
    """A backend failing with something keyring does not wrap (a D-Bus hiccup, say)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("org.freedesktop.DBus.Error.ServiceUnknown")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise OSError("PasswordSetError: dbus went away")


def _plain(notice: str) -> None:
    assert notice
    assert not CLASS_NAME.search(notice), notice
    for word in ("NoKeyringError", "KeyringError", "Exception", "Traceback", "dbus", "DBus"):
        assert word not in notice, notice
    assert "memory" in notice  # what it means for the key
    assert ENV_KEY in notice and "keyring" in notice  # what to do about it


@pytest.mark.parametrize("ring", [NoKeyring, LockedKeyring, BrokenKeyring])
def test_the_keyring_notice_is_a_plain_sentence(qtbot: QtBot, ring: type) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(ring())
    try:
        secrets = SecretStore()
        assert secrets.get() is None
        _plain(secrets.notice)
        assert secrets.set("sk-typed-key") == "memory"
        _plain(secrets.notice)
        assert secrets.get() == "sk-typed-key" and secrets.source() == "memory"

        dialog = SettingsDialog(Settings(provider="openai"), SecretStore())
        qtbot.addWidget(dialog)
        dialog.show()
        assert dialog.keyring_notice.isVisible()
        _plain(dialog.keyring_notice.text())
    finally:
        keyring.set_keyring(previous)


def test_each_keyring_failure_says_what_happened() -> None:
    none = keyring_notice(keyring.errors.NoKeyringError("x"), storing=False)
    locked = keyring_notice(keyring.errors.KeyringLocked("x"), storing=False)
    refused = keyring_notice(keyring.errors.PasswordSetError("x"), storing=True)
    assert "no system keyring" in none
    assert "locked" in locked
    assert "did not accept" in refused
    for notice in (none, locked, refused):
        _plain(notice)


# --------------------------------------------------------------------------- export memory


def test_the_export_format_and_folder_persist_across_a_restart(
    qtbot: QtBot, tmp_path: Path
) -> None:
    first = open_window(qtbot)
    _old, new, _ = three_sessions(first.store, first.controller.library)
    report = first.store.get_report(new)
    assert report is not None
    out = tmp_path / "reports"
    out.mkdir()
    # The first time: Markdown in the documents folder, as before.
    first.save_file.answer = (str(out / "mine"), EXPORT_FILTERS[".html"])  # no extension typed
    assert first.window.export_report(report) == (out / "mine.html").resolve()
    settle(qtbot)  # written off the GUI thread; the choice is remembered once it is
    assert first.save_file.preselected == [EXPORT_FILTERS[".md"]]
    assert Path(first.save_file.asked[0][1]).suffix == ".md"
    first.window.close()

    second = open_window(qtbot)  # the next launch, over the same INTERVIEWER_HOME
    second.save_file.answer = ("", "")  # look, then cancel
    assert second.window.export_report(report) is None
    assert second.save_file.preselected == [EXPORT_FILTERS[".html"]]
    suggested = Path(second.save_file.asked[0][1])
    assert suggested.suffix == ".html" and suggested.parent == out.resolve()

    # A format chosen by typing its extension is remembered too.
    second.save_file.answer = (str(out / "data.json"), EXPORT_FILTERS[".html"])
    assert second.window.export_report(report) == (out / "data.json").resolve()
    settle(qtbot)
    third = open_window(qtbot)
    third.save_file.answer = ("", "")
    third.window.export_report(report)
    assert third.save_file.preselected == [EXPORT_FILTERS[".json"]]


def test_a_remembered_folder_that_is_gone_is_not_suggested(qtbot: QtBot, tmp_path: Path) -> None:
    first = open_window(qtbot)
    _old, new, _ = three_sessions(first.store, first.controller.library)
    report = first.store.get_report(new)
    assert report is not None
    gone = tmp_path / "gone"
    gone.mkdir()
    first.save_file.answer = (str(gone / "r.md"), EXPORT_FILTERS[".md"])
    assert first.window.export_report(report) is not None
    settle(qtbot)
    (gone / "r.md").unlink()
    gone.rmdir()
    second = open_window(qtbot)
    second.save_file.answer = ("", "")
    second.window.export_report(report)
    assert Path(second.save_file.asked[0][1]).parent != gone


# --------------------------------------------------------------------------- progress charts


def _pixels_in(image: QImage, rect: QRectF, colour: str) -> int:
    """Pixels within `rect` close to `colour`, every other row and column."""
    want = QColor(colour)
    count = 0
    r = rect.toAlignedRect().intersected(image.rect())
    for y in range(r.top(), r.bottom() + 1, 2):
        for x in range(r.left(), r.right() + 1, 2):
            c = image.pixelColor(x, y)
            d = abs(c.red() - want.red()) + abs(c.green() - want.green())
            if d + abs(c.blue() - want.blue()) < 40:
                count += 1
    return count


@pytest.mark.parametrize("bold_first", [False, True])
def test_series_with_equal_values_are_all_visible(qtbot: QtBot, bold_first: bool) -> None:
    chart = LineChart("Scores", 0, 100, 25)
    qtbot.addWidget(chart)
    chart.resize(520, 260)
    a, b = SERIES_COLOURS[0], SERIES_COLOURS[1]
    chart.set_data(
        ["05 Mar 09:00", "05 Mar 14:30", "07 Mar"],
        [
            Series("Overall", a, [60.0, 80.0, 70.0], bold=bold_first),
            Series("Technical", b, [60.0, 80.0, 70.0]),
        ],
    )
    image = chart.grab().toImage()
    plot = chart.plot_rect
    assert plot.width() > 100
    seen_a, seen_b = _pixels_in(image, plot, a), _pixels_in(image, plot, b)
    assert seen_a > 40 and seen_b > 40, (seen_a, seen_b)
    assert min(seen_a, seen_b) > 0.2 * max(seen_a, seen_b)  # neither hides under the other
    # Drawn apart, in their own marker shapes and dashes, at every session.
    for pa, pb in zip(chart.drawn["Overall"], chart.drawn["Technical"], strict=True):
        assert abs(pa.x() - pb.x()) + abs(pa.y() - pb.y()) >= 6
    assert chart.marker(chart.series[0]) != chart.marker(chart.series[1])
    assert chart.dash(chart.series[0]) != chart.dash(chart.series[1])
    # The exact values are in the tooltips, both at a shared point.
    tip = chart._points[0][1]
    assert "Overall: 60" in tip and "Technical: 60" in tip


def test_spread_keeps_the_middle_on_the_value_and_leaves_lone_points() -> None:
    assert spread([100.0, 100.0, None, 40.0]) == [-2.0, 2.0, 0.0, 0.0]
    offsets = spread([50.0, 50.0, 50.0])
    assert sum(offsets) == 0 and len(set(offsets)) == 3


def test_same_day_sessions_get_distinct_x_labels(qtbot: QtBot) -> None:
    # Five minutes apart at noon UTC: the same local day in every time zone.
    same_day = ["2025-03-05T12:00:00+00:00", "2025-03-05T12:05:00+00:00"]
    labels = session_labels(same_day)
    assert len(set(labels)) == 2 and all(":" in lbl for lbl in labels)
    same_minute = session_labels(["2025-03-05T12:00:10+00:00", "2025-03-05T12:00:40+00:00"])
    assert len(set(same_minute)) == 2
    years = session_labels(["2024-03-05T12:00:00+00:00", "2025-03-05T12:00:00+00:00"])
    assert years[0] != years[1] and "2024" in years[0]
    plain = session_labels(["2025-03-01T12:00:00+00:00", "2025-03-09T12:00:00+00:00"])
    assert all(":" not in lbl for lbl in plain)  # no time where the day says enough

    # Through the real screen: two interviews on one day, one category (Overall equals it).
    win = open_window(qtbot)
    lib = win.controller.library
    record(win.store, lib, [("q1", 60.0), ("q2", 60.0)], same_day[0])
    record(win.store, lib, [("q3", 80.0), ("q4", 80.0)], same_day[1])
    win.window.show_progress()
    settle(qtbot)  # the reports are read off the GUI thread
    view = win.window.progress
    view.resize(900, 700)
    for chart in (view.category_chart, view.criterion_chart):
        assert len(set(chart.x_labels)) == len(chart.x_labels) == 2
    chart = view.category_chart
    assert [s.name for s in chart.series] == ["Overall", "Technical"]
    chart.grab()  # paint, so the chart knows where it drew
    for pa, pb in zip(chart.drawn["Overall"], chart.drawn["Technical"], strict=True):
        assert pa != pb
