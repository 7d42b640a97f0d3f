"""The model check once on first use (issue 15, item 2): llm/first_use.py, the window's
FirstUseCheck and `interviewer practice`'s note.

Every model here is the loopback fake server (tests/fake_openai_server.py) or a scripted
double: nothing leaves the machine. The check's result is remembered under the temporary
INTERVIEWER_HOME the autouse fixture sets.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from interviewer.commands_fitness import first_use_note
from interviewer.core.budget import REPLY_TOKENS
from interviewer.core.content import ContentLibrary
from interviewer.llm.first_use import remembered_line, targets, unchecked
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage import fitness_store
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from tests.fake_openai_server import FakeOpenAIServer, hang, json_content, text
from tests.gui_helpers import make_app
from tests.test_cli import run
from tests.test_fitness import GOOD_TURN, grade_json

MODEL = "fake-model"


@pytest.fixture(scope="module")
def library() -> ContentLibrary:
    return load_library()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake


def local(server: FakeOpenAIServer, model: str = MODEL) -> OpenAIBackend:
    return OpenAIBackend(
        None, model, base_url=server.base_url, timeout=10, max_retries=0, provider_label="Ollama"
    )


def good_model(server: FakeOpenAIServer, library: ContentLibrary) -> None:
    server.enqueue(text(GOOD_TURN), json_content(grade_json(library)))


def remembered(server: FakeOpenAIServer, model: str = MODEL) -> dict[str, object] | None:
    path = fitness_store.fitness_file(app_paths().settings_file)
    return fitness_store.recall(path, server.base_url, model)


# --------------------------------------------------------------------------- which models


def test_only_local_servers_are_checked_never_the_coach_a_double_or_a_hosted_model(
    server: FakeOpenAIServer,
) -> None:
    model = local(server)
    double = ScriptedBackend(name="openai:look-alike", base_url=server.base_url)
    hosted = OpenAIBackend("sk-test-key-123", "gpt-4o-mini", timeout=5)
    public = OpenAIBackend(None, "m", base_url="https://api.example.com/v1", timeout=5)
    assert targets(OfflineCoach(), double, hosted, public) == []
    found = targets(model, local(server))  # interviewer and grader on the same model
    assert [(t.base_url, t.model, t.label) for t in found] == [(server.base_url, MODEL, "Ollama")]
    # A grader of its own on the same server is a second model to check.
    assert len(targets(model, local(server, "judge"))) == 2


def test_a_remembered_check_is_not_run_again_and_is_said_in_one_line(
    server: FakeOpenAIServer,
) -> None:
    path = fitness_store.fitness_file(app_paths().settings_file)
    report = {
        "server": server.base_url,
        "model": MODEL,
        "generation_speed": 20.0,
        "checked_at": "2026-12-01T10:00:00+00:00",
        "interviewer": "good",
        "grader": "not reliable",
    }
    fitness_store.remember(path, server.base_url, MODEL, report)
    assert unchecked(local(server)) == []
    line = remembered_line(targets(local(server))[0])
    assert line.startswith(f"{MODEL} on {server.base_url}: writes about 20 tokens a second")
    assert "good as interviewer, not reliable as grader" in line and "2026-12-01" in line


# --------------------------------------------------------------------------- the terminal


def test_practice_note_checks_a_new_model_once_on_stderr_only(
    server: FakeOpenAIServer, library: ContentLibrary, capsys: pytest.CaptureFixture[str]
) -> None:
    good_model(server, library)
    err = io.StringIO()
    in_use = local(server)
    assert in_use.reply_limit("grade") == REPLY_TOKENS["grade"]
    first_use_note(in_use, None, check=True, err=err)
    said = err.getvalue()
    assert "Checking what fake-model can do" in said
    assert "Step 1 of 2" in said and "Step 2 of 2" in said
    assert f"note: {MODEL} on {server.base_url}: " in said and "as grader" in said
    assert capsys.readouterr().out == ""  # stdout (a --json contract) untouched
    saved = remembered(server)
    assert saved is not None and saved["interviewer"] == "good"
    # The interview about to start is sized to the check already.
    advice = saved["advice"]
    assert isinstance(advice, dict)
    assert in_use.reply_limit("grade") == advice["grade_max_tokens"] < REPLY_TOKENS["grade"]
    assert in_use.reply_limit("turn") == advice["turn_max_tokens"] < REPLY_TOKENS["turn"]
    # Next time: the line from memory, no request at all.
    before = len(server.chat_bodies)
    again = io.StringIO()
    first_use_note(local(server), None, check=True, err=again)
    assert len(server.chat_bodies) == before
    assert again.getvalue().startswith(f"note: {MODEL} on {server.base_url}: ")


def test_without_a_keyboard_practice_only_says_how_to_check(
    server: FakeOpenAIServer,
) -> None:
    err = io.StringIO()
    first_use_note(local(server), None, check=False, err=err)
    assert "has not been checked yet" in err.getvalue()
    assert "interviewer check-model --base-url" in err.getvalue()
    assert server.chat_bodies == [] and remembered(server) is None


def practise_one(*flags: str) -> subprocess.CompletedProcess[str]:
    """`interviewer practice` of one ml-technical question, no follow-ups, stdin empty."""
    return run("practice", "--track", "ml-technical", "--questions", "1", "--no-follow-ups", *flags)


def test_practice_through_a_pipe_runs_no_check(server: FakeOpenAIServer) -> None:
    server.router = lambda body: text("Tell me about bias and variance?")
    r = practise_one("--backend", "offline")
    assert r.returncode == 0, r.stderr
    assert "checked" not in r.stderr  # the offline coach is no model to check
    r = practise_one("--base-url", server.base_url, "--model", MODEL, "--grader-backend", "offline")
    assert r.returncode == 0, r.stderr
    assert f"note: {MODEL} on {server.base_url} has not been checked yet" in r.stderr
    assert remembered(server) is None


# --------------------------------------------------------------------------- the window


def test_the_window_checks_a_new_local_model_in_the_background(
    qtbot: QtBot, server: FakeOpenAIServer, library: ContentLibrary
) -> None:
    good_model(server, library)
    app = make_app(qtbot, local(server))  # type: ignore[arg-type]
    window = app.window
    with qtbot.waitSignal(window.first_check.checked, timeout=30_000) as done:
        assert window.check_models_on_first_use()
        assert window.banner.isVisibleTo(window) and "Checking what fake-model" in (
            window.banner.text.text()
        )
    report, text_shown = done.args
    assert report.interviewer == "good" and text_shown
    # The model in use is sized to it from its next call on.
    backend = app.controller.backend
    assert isinstance(backend, OpenAIBackend)
    assert backend.reply_limit("grade") == report.advice.grade_max_tokens < REPLY_TOKENS["grade"]
    assert "fake-model: writes about" in window.banner.text.text() or (
        "fake-model:" in window.banner.text.text()
    )
    assert remembered(server) is not None
    # Settings shows it from then on; a second call checks nothing again.
    window.open_settings()
    dialog = window.settings_dialog
    assert dialog is not None
    assert not window.check_models_on_first_use()
    dialog.reject()


def test_a_scripted_backend_or_the_coach_is_never_checked(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    assert not app.window.check_models_on_first_use()
    coach = make_app(qtbot, OfflineCoach())  # type: ignore[arg-type]
    assert not coach.window.check_models_on_first_use()


def test_the_check_can_be_stopped_and_then_remembers_nothing(
    qtbot: QtBot, server: FakeOpenAIServer
) -> None:
    server.enqueue(hang())
    app = make_app(qtbot, local(server))  # type: ignore[arg-type]
    window = app.window
    assert window.check_models_on_first_use()
    qtbot.waitUntil(lambda: len(server.chat_bodies) == 1, timeout=10_000)
    assert window.banner.action.text() == "Stop check"
    window.banner.action.click()
    assert not window.first_check.running
    qtbot.wait(300)
    assert remembered(server) is None


def test_settings_says_what_the_graders_own_model_can_do(qtbot: QtBot) -> None:
    from interviewer.gui.settings_dialog import SettingsDialog
    from interviewer.storage.secrets import SecretStore
    from interviewer.storage.settings import GraderSettings, Settings

    url = "http://127.0.0.1:11434/v1"
    path = fitness_store.fitness_file(app_paths().settings_file)
    report = {
        "server": url,
        "model": "judge",
        "generation_speed": 6.0,
        "grader": "good",
        "checked_at": "2026-12-02T09:00:00+00:00",
    }
    fitness_store.remember(path, url, "judge", report)
    grader = GraderSettings(kind="model", provider="ollama", model="judge")
    dialog = SettingsDialog(Settings(provider="offline", grader=grader), SecretStore())
    qtbot.addWidget(dialog)
    hint = dialog.grader_hint.text()
    assert "Last check (2026-12-02)" in hint and "Writes about 6 tokens a second" in hint
    assert "good as grader" in hint
    # Another grader model, never checked: only the usual hint.
    other = GraderSettings(kind="model", provider="ollama", model="unknown")
    dialog2 = SettingsDialog(Settings(provider="offline", grader=other), SecretStore())
    qtbot.addWidget(dialog2)
    assert "Last check" not in dialog2.grader_hint.text()


def test_an_interview_pauses_the_check_and_it_runs_again_after(
    qtbot: QtBot, server: FakeOpenAIServer
) -> None:
    from interviewer.llm.first_use import Target
    from tests.gui_helpers import quoting_grade, small_library, start

    server.router = lambda body: hang()
    interviewer = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    app = make_app(qtbot, interviewer, library=small_library(count=1, limit=0))
    window = app.window
    target = Target(server.base_url, MODEL, "Ollama", 10.0, 2.0)
    assert window.first_check.start([target], lambda url: None)
    qtbot.waitUntil(lambda: len(server.chat_bodies) == 1, timeout=10_000)
    start(qtbot, app)
    # The interview has the server to itself: the check stops, nothing is remembered.
    assert not window.first_check.running and window.first_check.paused
    qtbot.waitUntil(lambda: app.controller.answering)
    window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    window.interview.submit_action.trigger()
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.feedback)
    # Over: the check runs again (its first request reaches the server anew).
    qtbot.waitUntil(lambda: window.first_check.running)
    assert not window.first_check.paused
    qtbot.waitUntil(lambda: len(server.chat_bodies) == 2, timeout=10_000)
    window.first_check.cancel()
    assert remembered(server) is None
