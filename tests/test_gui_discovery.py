"""Local model servers found at startup: offered in the banner, listed in Settings."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from interviewer.llm.offline import OfflineCoach
from tests.fake_openai_server import FakeOpenAIServer, closed_port
from tests.gui_helpers import make_app


def test_found_servers_fill_settings_and_are_offered_while_offline(qtbot: QtBot) -> None:
    app = make_app(qtbot, backend=OfflineCoach())  # type: ignore[arg-type]
    with FakeOpenAIServer(models=["llama3.1:8b", "qwen2.5:7b"]) as ollama:
        ports = {"ollama": ollama.port, "lmstudio": closed_port(), "vllm": closed_port()}
        with qtbot.waitSignal(app.window.local_servers_found, timeout=5000) as got:
            app.window.discover_local_servers(ports)
    (server,) = got.args[0]
    assert server.provider == "ollama" and server.models == ["llama3.1:8b", "qwen2.5:7b"]
    banner = app.window.banner
    assert banner.isVisible() and "Ollama is running" in banner.text.text()
    assert "2 models (llama3.1:8b, qwen2.5:7b)" in banner.text.text()
    assert not banner._timer.isActive()  # an offer to act does not fade away
    assert banner.action.isVisible() and banner.action.text() == "Open Settings"

    banner.action.click()  # opens Settings with the found models, no Refresh needed
    dialog = app.window.settings_dialog
    assert dialog is not None and dialog.isVisible()
    index = dialog.provider_combo.findData("ollama")
    assert "running, 2 models" in dialog.provider_combo.itemText(index)
    dialog.provider_combo.setCurrentIndex(index)
    items = [dialog.model_combo.itemText(i) for i in range(dialog.model_combo.count())]
    assert items == ["llama3.1:8b", "qwen2.5:7b"]
    assert dialog.model_combo.currentText() == "llama3.1:8b"
    assert "Running on this computer with 2 models" in dialog.provider_hint.text()
    dialog.reject()


def test_nothing_found_says_nothing_and_a_model_in_use_is_not_interrupted(qtbot: QtBot) -> None:
    app = make_app(qtbot)  # a scripted "model" is in use, not the offline coach
    with (
        FakeOpenAIServer(models=["llama3.1:8b"]) as ollama,
        qtbot.waitSignal(app.window.local_servers_found, timeout=5000),
    ):
        app.window.discover_local_servers({"ollama": ollama.port})
    assert len(app.window.local_servers) == 1
    assert not app.window.banner.isVisible()

    offline = make_app(qtbot, backend=OfflineCoach())  # type: ignore[arg-type]
    with qtbot.waitSignal(offline.window.local_servers_found, timeout=5000) as got:
        offline.window.discover_local_servers({"ollama": closed_port()})
    assert got.args[0] == []
    assert not offline.window.banner.isVisible()
