"""The Settings dialog: the key goes to the keyring (never a file), presets, and the
connection test against a real loopback server, run off the GUI thread."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SERVICE, SecretStore
from interviewer.storage.settings import PROVIDER_URLS, Settings, save_settings
from tests.conftest import MemoryKeyring

KEY = "sk-test-5ecret-KEY-0123456789"


# --------------------------------------------------------------------------- fake server


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    models: list[str]
    required_key: str | None
    gate: threading.Event | None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        if self.server.gate is not None:
            self.server.gate.wait(10)  # hold the answer until the test lets it go
        want = self.server.required_key
        if want is None or self.headers.get("Authorization") == f"Bearer {want}":
            return True
        self._send(
            401,
            {"error": {"message": "Incorrect API key", "type": "invalid_request_error",
                       "code": "invalid_api_key"}},
        )  # fmt: skip
        return False

    def do_GET(self) -> None:
        if not self._authorised():
            return
        if self.path.rstrip("/") != "/v1/models":
            self._send(404, {"error": {"message": "no such route"}})
            return
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "me"} for m in self.server.models
        ]
        self._send(200, {"object": "list", "data": data})  # fmt: skip

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        if not self._authorised():
            return
        model = body.get("model")
        if model not in self.server.models:
            self._send(
                404,
                {"error": {"message": f"model '{model}' not found", "type": "invalid_request_error",
                           "code": "model_not_found"}},
            )  # fmt: skip
            return
        self._send(
            200,
            {"id": "c1", "object": "chat.completion", "created": 0, "model": model,
             "choices": [{"index": 0, "finish_reason": "stop",
                          "message": {"role": "assistant", "content": "OK"}}]},
        )  # fmt: skip


@pytest.fixture
def server() -> Iterator[_Server]:
    srv = _Server(("127.0.0.1", 0), _Handler)
    srv.models = ["alpha-model", "fake-model"]
    srv.required_key = None
    srv.gate = None
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    if srv.gate is not None:
        srv.gate.set()
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def base_url(srv: _Server) -> str:
    return f"http://127.0.0.1:{srv.server_address[1]}/v1"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(autouse=True)
def _drain_pool() -> Iterator[None]:
    """No worker may outlive its test (it would report into the next one)."""
    yield
    assert QThreadPool.globalInstance().waitForDone(15_000)


# --------------------------------------------------------------------------- helpers


def make_dialog(qtbot: QtBot, settings: Settings | None = None) -> SettingsDialog:
    dialog = SettingsDialog(settings or Settings(), SecretStore())
    qtbot.addWidget(dialog)
    return dialog


def choose(dialog: SettingsDialog, provider: str) -> None:
    index = dialog.provider_combo.findData(provider)
    assert index >= 0, provider
    dialog.provider_combo.setCurrentIndex(index)


def point_at(dialog: SettingsDialog, url: str, model: str = "fake-model") -> None:
    choose(dialog, "custom")
    dialog.base_url_edit.setText(url)
    dialog.model_combo.setEditText(model)


def run_test(qtbot: QtBot, dialog: SettingsDialog) -> tuple[bool, str]:
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    ok, text = blocker.args
    assert text == dialog.status_text()
    return bool(ok), str(text)


# --------------------------------------------------------------------------- the key


def test_key_is_stored_in_the_keyring_and_in_no_file(
    qtbot: QtBot, memory_keyring: MemoryKeyring, interviewer_home: Path
) -> None:
    dialog = make_dialog(qtbot)
    choose(dialog, "openai")
    assert dialog.key_edit.echoMode() == dialog.key_edit.EchoMode.Password
    qtbot.keyClicks(dialog.key_edit, KEY)
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    saved = blocker.args[0]
    assert isinstance(saved, Settings)
    assert saved.provider == "openai"
    assert memory_keyring.store[(SERVICE, "openai")] == KEY
    assert dialog.key_edit.text() == ""  # the widget does not keep it either

    save_settings(saved, app_paths().settings_file)
    files = [p for p in interviewer_home.rglob("*") if p.is_file()]
    assert app_paths().settings_file in files
    for path in files:
        assert KEY.encode() not in path.read_bytes(), path


def test_saved_key_is_reported_and_can_be_forgotten(
    qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    SecretStore().set(KEY)
    dialog = make_dialog(qtbot, Settings(provider="openai"))
    assert "keyring" in dialog.key_source_label.text()
    assert dialog.key_edit.text() == ""  # the saved key is never loaded into the widget
    assert dialog.forget_key_button.isEnabled()
    qtbot.mouseClick(dialog.forget_key_button, Qt.MouseButton.LeftButton)
    assert (SERVICE, "openai") in memory_keyring.store  # nothing happens before OK
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert (SERVICE, "openai") not in memory_keyring.store


def test_cancel_stores_nothing(qtbot: QtBot, memory_keyring: MemoryKeyring) -> None:
    dialog = make_dialog(qtbot)
    qtbot.keyClicks(dialog.key_edit, KEY)
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.reject()
    assert memory_keyring.store == {}


def test_without_a_keyring_the_notice_is_shown_and_the_key_kept_in_memory(
    qtbot: QtBot, no_keyring: None, interviewer_home: Path
) -> None:
    secrets = SecretStore()
    dialog = SettingsDialog(Settings(provider="openai"), secrets)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.keyring_notice.isVisible()
    assert "in memory for this session" in dialog.keyring_notice.text()
    qtbot.keyClicks(dialog.key_edit, KEY)
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert secrets.get() == KEY
    assert secrets.source() == "memory"
    save_settings(blocker.args[0], app_paths().settings_file)
    for path in interviewer_home.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes()


def test_with_a_keyring_there_is_no_notice(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    dialog.show()
    assert not dialog.keyring_notice.isVisible()
    assert "No API key" in dialog.key_source_label.text()


def test_key_from_the_environment_is_named(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    dialog = make_dialog(qtbot)
    assert "OPENAI_API_KEY" in dialog.key_source_label.text()
    assert dialog.provider == "openai"  # no provider saved + a key: OpenAI is what runs
    assert not dialog.forget_key_button.isEnabled()


# --------------------------------------------------------------------------- presets


def test_automatic_provider_stays_automatic_unless_changed(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, Settings(provider=None))
    assert dialog.provider == "offline"  # what runs without a key or a server
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].provider is None
    dialog = make_dialog(qtbot, Settings(provider=None))
    choose(dialog, "ollama")
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].provider == "ollama"


def test_openai_without_a_key_says_so_without_a_request(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, Settings(provider="openai"))
    ok, text = run_test(qtbot, dialog)
    assert not ok
    assert "No API key" in text and "OPENAI_API_KEY" in text
    assert not dialog.busy()


@pytest.mark.parametrize("provider", sorted(PROVIDER_URLS))
def test_local_presets_fill_the_base_url(qtbot: QtBot, provider: str) -> None:
    dialog = make_dialog(qtbot, Settings(provider="openai"))
    assert dialog.base_url_edit.text() == ""
    choose(dialog, provider)
    assert dialog.base_url_edit.text() == PROVIDER_URLS[provider]
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    saved = blocker.args[0]
    assert saved.provider == provider
    assert saved.effective_base_url() == PROVIDER_URLS[provider]


def test_openai_preset_clears_the_url_and_offline_disables_server_fields(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot, Settings(provider="ollama", model="llama3.1"))
    assert dialog.base_url_edit.text() == PROVIDER_URLS["ollama"]
    choose(dialog, "openai")
    assert dialog.base_url_edit.text() == ""
    assert "api.openai.com" in dialog.base_url_edit.placeholderText()
    choose(dialog, "offline")
    assert not dialog.base_url_edit.isEnabled()
    assert not dialog.model_combo.isEnabled()
    assert not dialog.refresh_button.isEnabled()
    ok, text = run_test(qtbot, dialog)
    assert ok and "no connection" in text
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].provider == "offline"
    assert blocker.args[0].model == "llama3.1"  # kept for when the user switches back


def test_custom_url_is_required_and_checked(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    choose(dialog, "custom")
    dialog.base_url_edit.clear()
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.ok_button.click()
    assert "base URL" in dialog.status_text()
    dialog.base_url_edit.setText("localhost:9999/v1")
    with qtbot.assertNotEmitted(dialog.settings_saved):
        dialog.ok_button.click()
    assert "http://" in dialog.status_text()
    dialog.base_url_edit.setText("http://10.0.0.5:9999/v1")
    dialog.temperature_spin.setValue(0.3)
    dialog.timeout_spin.setValue(120)
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    saved = blocker.args[0]
    assert (saved.provider, saved.base_url) == ("custom", "http://10.0.0.5:9999/v1")
    assert (saved.temperature, saved.request_timeout) == (0.3, 120.0)


def test_controls_have_accessible_names_and_mnemonic_buddies(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    for control in (
        dialog.provider_combo,
        dialog.base_url_edit,
        dialog.model_combo,
        dialog.refresh_button,
        dialog.temperature_spin,
        dialog.timeout_spin,
        dialog.key_edit,
        dialog.test_button,
    ):
        assert control.accessibleName(), control
    # Tab walks the fields in reading order.
    expected: list[QWidget] = [
        dialog.provider_combo,
        dialog.base_url_edit,
        dialog.model_combo,
        dialog.refresh_button,
        dialog.temperature_spin,
        dialog.timeout_spin,
        dialog.key_edit,
        dialog.show_key_check,
        dialog.forget_key_button,
        dialog.test_button,
        dialog.ok_button,
    ]
    order: list[object] = []
    w: QWidget | None = dialog.provider_combo.nextInFocusChain()
    while w is not None and w is not dialog.provider_combo and len(order) < 200:
        if w in expected and w not in order:
            order.append(w)
        w = w.nextInFocusChain()
    assert order == expected[1:]
    # Labels carry mnemonics that focus their field.
    assert dialog.key_edit is _buddy_of(dialog, "API &key:")
    assert dialog.model_combo is _buddy_of(dialog, "&Model:")


def _buddy_of(dialog: SettingsDialog, text: str) -> object:
    for label in dialog.findChildren(QLabel):
        if label.text() == text:
            return label.buddy()
    raise AssertionError(f"no label {text!r}")


# --------------------------------------------------------------------------- connection


def test_connection_success_against_a_loopback_server(qtbot: QtBot, server: _Server) -> None:
    dialog = make_dialog(qtbot)
    point_at(dialog, base_url(server))
    ok, text = run_test(qtbot, dialog)
    assert ok, text
    assert "Connected" in text and "fake-model" in text
    assert dialog.test_button.isEnabled()


def test_closed_port_reports_no_server(qtbot: QtBot) -> None:
    dialog = make_dialog(qtbot)
    url = f"http://127.0.0.1:{closed_port()}/v1"
    point_at(dialog, url)
    ok, text = run_test(qtbot, dialog)
    assert not ok
    assert "no server" in text.lower()
    assert url in text


def test_wrong_key_is_reported(qtbot: QtBot, server: _Server) -> None:
    server.required_key = "sk-right"
    dialog = make_dialog(qtbot)
    point_at(dialog, base_url(server))
    qtbot.keyClicks(dialog.key_edit, "sk-wrong")
    ok, text = run_test(qtbot, dialog)
    assert not ok
    assert "API key" in text and "not accepted" in text
    dialog.key_edit.setText("sk-right")
    ok, text = run_test(qtbot, dialog)
    assert ok, text


def test_unknown_model_is_reported_with_the_models_offered(qtbot: QtBot, server: _Server) -> None:
    dialog = make_dialog(qtbot)
    point_at(dialog, base_url(server), model="no-such-model")
    ok, text = run_test(qtbot, dialog)
    assert not ok
    assert "Unknown model" in text
    assert "no-such-model" in text and "fake-model" in text


def test_refresh_lists_the_servers_models(qtbot: QtBot, server: _Server) -> None:
    dialog = make_dialog(qtbot)
    point_at(dialog, base_url(server), model="")
    with qtbot.waitSignal(dialog.models_refreshed, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == ["alpha-model", "fake-model"]
    items = [dialog.model_combo.itemText(i) for i in range(dialog.model_combo.count())]
    assert items == ["alpha-model", "fake-model"]
    assert dialog.model_combo.currentText() == "alpha-model"


def test_the_test_runs_off_the_gui_thread(qtbot: QtBot, server: _Server) -> None:
    """The server holds its answer; the dialog must stay live and show it is busy."""
    server.gate = threading.Event()
    dialog = make_dialog(qtbot)
    point_at(dialog, base_url(server))
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    # Had the call run on the GUI thread, the click above would not have returned.
    assert dialog.busy()
    assert not dialog.test_button.isEnabled()
    assert "Testing" in dialog.status_text()
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as blocker:
        server.gate.set()
    assert blocker.args[0] is True
    assert not dialog.busy()


def test_closing_the_dialog_mid_test_is_safe(qtbot: QtBot, server: _Server) -> None:
    server.gate = threading.Event()
    dialog = SettingsDialog(Settings(), SecretStore())
    point_at(dialog, base_url(server))
    results: list[object] = []
    dialog.connection_tested.connect(lambda ok, text: results.append(ok))
    dialog.test_button.click()
    dialog.deleteLater()
    qtbot.wait_until(lambda: not shiboken6.isValid(dialog))
    server.gate.set()
    assert QThreadPool.globalInstance().waitForDone(15_000)
    QApplication.processEvents()  # deliver the queued result to nobody; must not raise
    assert results == []


def test_context_window_is_automatic_or_the_number_given(qtbot: QtBot) -> None:
    from interviewer.llm.factory import make_backend
    from interviewer.storage.settings import Settings as S

    dialog = make_dialog(qtbot, Settings(provider="ollama", model="llama3.1:8b"))
    assert dialog.context_spin.text() == "Automatic"
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    assert blocker.args[0].context_window is None

    dialog = make_dialog(qtbot, Settings(provider="ollama", model="llama3.1:8b"))
    dialog.context_spin.setValue(32768)
    with qtbot.waitSignal(dialog.settings_saved) as blocker:
        dialog.ok_button.click()
    saved: S = blocker.args[0]
    assert saved.context_window == 32768
    backend = make_backend(saved, SecretStore()).backend
    assert backend.context_window == 32768  # type: ignore[attr-defined]
    auto = make_backend(Settings(provider="ollama", model="llama3.1:8b"), SecretStore()).backend
    assert auto.context_window == 8192  # type: ignore[attr-defined]
