"""Settings' "Test connection" goes on with the speed and fitness check (issue 15, item 2):
on a worker, with its progress and its words in the dialog, remembered per server and
model, stopped when the dialog closes. Against the loopback server, real openai client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from interviewer.core.models import CriterionDraft, GradeDraft
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.llm.fitness import FitnessReport, material, remember, remembered
from interviewer.storage.content_files import load_library
from interviewer.storage.fitness_store import fitness_file
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.fake_openai_server import FakeOpenAIServer, hang, json_content, slow, text

MODEL = "fake-model"
GOOD_TURN = (
    "Welcome. This session has 1 question over about 5 minutes. What is the bias-variance "
    "trade-off, and how does it guide the way you build and debug models?"
)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake
    assert fake.errors == []


@pytest.fixture(autouse=True)
def _drain_pool() -> Iterator[None]:
    yield
    assert QThreadPool.globalInstance().waitForDone(15_000)


def grade_json() -> dict[str, Any]:
    rubric = material(load_library()).rubric
    draft = GradeDraft(
        criteria=[
            CriterionDraft(criterion_id=c.id, evidence=[], reasoning="r", score=4)
            for c in rubric.criteria
        ],
        star=[],
        missing_key_points=[],
        strengths=[],
        improvements=[],
        strong_answer=[],
        injection_attempt=False,
        summary="ok",
    )
    return draft.model_dump(mode="json")


def dialog_at(qtbot: QtBot, server: FakeOpenAIServer) -> SettingsDialog:
    dialog = SettingsDialog(Settings(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("custom"))
    dialog.base_url_edit.setText(server.base_url)
    dialog.model_combo.setEditText(MODEL)
    return dialog


def test_test_connection_runs_the_model_check_and_shows_its_words(
    qtbot: QtBot, server: FakeOpenAIServer
) -> None:
    server.enqueue(slow(text(GOOD_TURN), 0.3, chunk_delay=0.02), json_content(grade_json()))
    dialog = dialog_at(qtbot, server)
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as tested:
        dialog.test_button.click()
    assert tested.args[0] is True
    # The GUI thread is free while the model works: the dialog says it is checking.
    assert dialog.model_check.running
    assert "Checking what the model can do" in dialog.check_text() or "Step" in dialog.check_text()
    with qtbot.waitSignal(dialog.model_checked, timeout=30_000) as checked:
        pass
    report = checked.args[0]
    assert isinstance(report, FitnessReport)
    assert "good as interviewer, good as grader" in dialog.check_text()
    assert "Writes about" in dialog.check_text()
    assert dialog.check_label.isVisible()
    assert not dialog.model_check.running
    # Remembered for this server and model.
    back, problem = remembered(fitness_file(app_paths().settings_file), server.base_url, MODEL)
    assert problem == "" and back is not None
    assert back.summary() == report.summary()


def test_progress_reaches_the_dialog(qtbot: QtBot, server: FakeOpenAIServer) -> None:
    server.enqueue(slow(text(GOOD_TURN), 1.0), json_content(grade_json()))
    dialog = dialog_at(qtbot, server)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "Step 1 of 2" in dialog.check_text(), timeout=15_000)
    with qtbot.waitSignal(dialog.model_checked, timeout=30_000):
        pass


def test_closing_the_dialog_stops_the_check_and_remembers_nothing(
    qtbot: QtBot, server: FakeOpenAIServer
) -> None:
    server.enqueue(hang())
    dialog = SettingsDialog(Settings(), SecretStore())
    dialog.show()
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("custom"))
    dialog.base_url_edit.setText(server.base_url)
    dialog.model_combo.setEditText(MODEL)
    checked: list[object] = []
    dialog.model_checked.connect(checked.append)
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000):
        dialog.test_button.click()
    qtbot.waitUntil(lambda: len(server.chat_bodies) == 1, timeout=15_000)
    dialog.reject()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog))
    # The check's worker sees the cancel within its polling interval, not the budget.
    assert QThreadPool.globalInstance().waitForDone(10_000)
    QApplication.processEvents()
    assert checked == []
    assert not fitness_file(app_paths().settings_file).exists()


def test_a_failed_connection_test_runs_no_check(qtbot: QtBot) -> None:
    from tests.fake_openai_server import closed_port

    dialog = SettingsDialog(Settings(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("custom"))
    dialog.base_url_edit.setText(f"http://127.0.0.1:{closed_port()}/v1")
    dialog.model_combo.setEditText(MODEL)
    with qtbot.waitSignal(dialog.connection_tested, timeout=15_000) as tested:
        dialog.test_button.click()
    assert tested.args[0] is False
    assert not dialog.model_check.running and dialog.check_text() == ""
    assert not dialog.check_label.isVisible()


def test_the_remembered_file_holds_plain_json(qtbot: QtBot, server: FakeOpenAIServer) -> None:
    server.enqueue(text(GOOD_TURN), json_content(grade_json()))
    dialog = dialog_at(qtbot, server)
    with qtbot.waitSignal(dialog.model_checked, timeout=30_000):
        dialog.test_button.click()
    data = json.loads(fitness_file(app_paths().settings_file).read_text())
    (entry,) = data["reports"].values()
    assert entry["model"] == MODEL and entry["interviewer"] == "good"


def test_the_last_check_is_shown_when_settings_open(qtbot: QtBot) -> None:
    url = "http://127.0.0.1:11434/v1"
    report = FitnessReport(
        server=url,
        model="llama3.1",
        checked_at="2026-12-01T10:00:00+00:00",
        generation_speed=20.0,
        prompt_speed=300.0,
        grade_seconds=40.0,
        interviewer="good",
        grader="not reliable",
    )
    remember(fitness_file(app_paths().settings_file), report)
    dialog = SettingsDialog(Settings(provider="ollama", model="llama3.1"), SecretStore())
    qtbot.addWidget(dialog)
    assert dialog.check_text().startswith("Last check (2026-12-01): Writes about 20 tokens")
    assert "good as interviewer, not reliable as grader" in dialog.check_text()
    other = SettingsDialog(Settings(provider="ollama", model="qwen2.5"), SecretStore())
    qtbot.addWidget(other)
    assert other.check_text() == ""
