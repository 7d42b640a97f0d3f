"""Small things a candidate notices (issue 11): the keyring notice in words, progress
charts where every line shows and every session has its own label, and the export
dialog that remembers the last format and folder."""

from __future__ import annotations

import re
from pathlib import Path

import keyring
import keyring.errors
import pytest
from pytestqt.qtbot import QtBot

from interviewer.gui.main_window import EXPORT_FILTERS
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.storage.secrets import ENV_KEY, SecretStore, keyring_notice
from interviewer.storage.settings import Settings
from tests.conftest import NoKeyring
from tests.test_gui_history import open_window, three_sessions

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
    (gone / "r.md").unlink()
    gone.rmdir()
    second = open_window(qtbot)
    second.save_file.answer = ("", "")
    second.window.export_report(report)
    assert Path(second.save_file.asked[0][1]).parent != gone
