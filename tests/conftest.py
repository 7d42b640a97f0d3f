"""Shared fixtures: every test runs with its own INTERVIEWER_HOME and an in-memory keyring.

Tests never touch the real home directory (design rule 9, anchors simonw/llm env_setup and
qutebrowser's fixtures): the autouse fixture below points every user file at tmp_path.
"""

from __future__ import annotations

import gc
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

# The core reads no files: these loaders hand it the question bank and the tokenizer files
# when imported, as `interviewer.llm` does in the app, so a test of core alone grades and
# counts exactly as the app does.
import interviewer.storage.content_files
import interviewer.storage.tokenizer  # noqa: F401

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Tests press Ctrl+C on real `interviewer` processes. A suite started in the background by
# a non-interactive shell (`cmd &`) inherits SIGINT *ignored*, and an ignored signal stays
# ignored in every child, so Ctrl+C would do nothing there. Catching it here resets it to
# the default in children (exec resets caught signals), as in a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if (service, username) not in self.store:
            raise keyring.errors.PasswordDeleteError(username)
        del self.store[(service, username)]


class NoKeyring(keyring.backend.KeyringBackend):
    """Behaves like a headless Linux machine: every call raises NoKeyringError."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.NoKeyringError("no backend")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.NoKeyringError("no backend")


@pytest.fixture(autouse=True)
def interviewer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "interviewer-home"
    monkeypatch.setenv("INTERVIEWER_HOME", str(home))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    yield home


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


#: How long a test's leftover background work may take to settle after it ends.
SETTLE_SECONDS = 30.0


@pytest.fixture(autouse=True)
def automatic_collection_back_on() -> Iterator[None]:
    """A test that loads the whole app leaves Python's collector to a timer of its
    loader (gui/memory.py `GuiThreadCollector`); the next test starts with it automatic."""
    yield
    if not gc.isenabled():
        gc.enable()


@pytest.fixture(autouse=True)
def background_work_settles(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a Qt test, wait until every QueryOp it started has been delivered.

    Otherwise an op's callback could run inside the next test (a late history read
    filling a window of another test's making), or a worker could still be using a
    store whose temporary folder is being removed. Ops whose window the test closed are
    delivered as "dropped"; an op still running after SETTLE_SECONDS fails the test.
    """
    yield
    if not {"qtbot", "qapp"} & set(request.fixturenames):
        return
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from interviewer.gui.workers import running_ops

    if not running_ops():
        return
    wake = QTimer()  # the loop below wakes at least this often to check the deadline
    wake.start(50)
    deadline = time.monotonic() + SETTLE_SECONDS
    try:
        while running_ops() and time.monotonic() < deadline:
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        wake.stop()
    assert not running_ops(), f"{running_ops()} background op(s) still running after the test"


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    yield
    keyring.set_keyring(previous)
