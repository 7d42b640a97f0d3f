"""Small things a candidate notices (issue 11): the keyring notice in words, progress
charts where every line shows and every session has its own label, and the export
dialog that remembers the last format and folder."""

from __future__ import annotations

import re

import keyring
import keyring.errors
import pytest
from pytestqt.qtbot import QtBot

from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.storage.secrets import ENV_KEY, SecretStore, keyring_notice
from interviewer.storage.settings import Settings
from tests.conftest import NoKeyring

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
