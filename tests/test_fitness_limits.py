"""A remembered fitness check sizes the calls (issue 15, item 2 "sizes the prompt budget
and token limits to it"), and the gap between tokens is its own setting.

The reply limits and the prompt budget of `llm/factory.make_backend` come from the
remembered report's `advice`; the requests a loopback server receives show them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.budget import HISTORY_TOKENS, REPLY_TOKENS
from interviewer.core.errors import ConfigError
from interviewer.llm.factory import make_backend, remembered_advice, seconds_per_grade
from interviewer.llm.fitness import grade_request, material, turn_request
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.storage import fitness_store
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings
from tests.fake_openai_server import FakeOpenAIServer, json_content, text

MODEL = "small-local"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake


def remember_check(base_url: str, model: str = MODEL, **advice: object) -> None:
    report = {
        "server": base_url,
        "model": model,
        "prompt_speed": 200.0,
        "generation_speed": 8.0,
        "grade_seconds": 95.0,
        "advice": advice,
    }
    path = fitness_store.fitness_file(app_paths().settings_file)
    fitness_store.remember(path, base_url, model, report)


def backend_for(url: str, **settings: object) -> OpenAIBackend:
    chosen = Settings(provider="custom", base_url=url, model=MODEL, **settings)  # type: ignore[arg-type]
    backend = make_backend(chosen, SecretStore()).backend
    assert isinstance(backend, OpenAIBackend)
    return backend


# ----------------------------------------------------------------- the advice applied


def test_remembered_advice_sizes_reply_limits_and_the_history_budget() -> None:
    url = "http://127.0.0.1:9/v1"
    remember_check(url, turn_max_tokens=512, grade_max_tokens=1536, prompt_budget_tokens=1280)
    backend = backend_for(url)
    assert backend.reply_limit("grade") == 1536
    assert backend.reply_limit("turn") == 512
    assert backend.reply_limit("follow_up") == REPLY_TOKENS["follow_up"]  # not advised
    assert backend.budget.history_tokens == 640  # half the prompt budget
    assert remembered_advice(url, MODEL)["grade_max_tokens"] == 1536


def test_without_a_remembered_check_the_ceilings_apply() -> None:
    backend = backend_for("http://127.0.0.1:9/v1")
    assert backend.reply_limit("grade") == REPLY_TOKENS["grade"]
    assert backend.reply_limit("turn") == REPLY_TOKENS["turn"]
    assert backend.budget.history_tokens == HISTORY_TOKENS


def test_advice_never_raises_a_limit_above_the_ceiling_or_reads_junk() -> None:
    url = "http://127.0.0.1:9/v1"
    remember_check(url, turn_max_tokens=99_999, grade_max_tokens="lots", prompt_budget_tokens=-4)
    backend = backend_for(url)
    assert backend.reply_limit("turn") == REPLY_TOKENS["turn"]
    assert backend.reply_limit("grade") == REPLY_TOKENS["grade"]
    assert backend.budget.history_tokens == HISTORY_TOKENS


def test_a_check_of_another_model_on_the_same_server_is_not_used() -> None:
    url = "http://127.0.0.1:9/v1"
    remember_check(url, model="other", grade_max_tokens=1024)
    assert backend_for(url).reply_limit("grade") == REPLY_TOKENS["grade"]


def test_the_grade_request_sent_carries_the_advised_limit(server: FakeOpenAIServer) -> None:
    remember_check(server.base_url, grade_max_tokens=1280, turn_max_tokens=448)
    library = load_library()
    m = material(library)

    draft = OfflineCoach().grade(grade_request(m, m.strong)).result
    server.enqueue(text("Hello. What is overfitting?"), json_content(draft.model_dump(mode="json")))
    backend = backend_for(server.base_url)
    backend.interviewer_turn(turn_request(m))
    backend.grade(grade_request(m, m.strong))
    bodies = server.chat_bodies
    assert bodies[0]["max_tokens"] == 448
    assert bodies[-1]["max_tokens"] == 1280


def test_seconds_per_grade_comes_from_the_advice_else_the_measured_grade() -> None:
    url = "http://127.0.0.1:9/v1"
    remember_check(url, seconds_per_grade=70.0)
    assert seconds_per_grade(backend_for(url)) == 70.0
    remember_check(url)  # no advice: the grade the check timed
    assert seconds_per_grade(backend_for(url)) == 95.0
    assert seconds_per_grade(OfflineCoach()) is None
    assert seconds_per_grade(backend_for("http://127.0.0.1:10/v1")) is None


# ----------------------------------------------------------------- the gap setting


def test_gap_timeout_setting_reaches_the_backend() -> None:
    url = "http://127.0.0.1:9/v1"
    assert backend_for(url, request_timeout=40.0, gap_timeout=12.0).gap_timeout == 12.0
    # Not set: the request time-out, as before.
    assert backend_for(url, request_timeout=40.0).gap_timeout == 40.0


@pytest.mark.parametrize("bad", [0, -3, 1000, "soon"])
def test_a_bad_gap_timeout_in_the_file_is_named(tmp_path: Path, bad: object) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"gap_timeout": bad}), encoding="utf-8")
    with pytest.raises(ConfigError, match="gap_timeout"):
        load_settings(path)


def test_settings_dialog_edits_the_gap(qtbot: QtBot) -> None:
    from interviewer.gui.settings_dialog import SettingsDialog

    start = Settings(provider="custom", base_url="http://127.0.0.1:9/v1", model=MODEL)
    dialog = SettingsDialog(start.model_copy(update={"gap_timeout": 20.0}), SecretStore())
    qtbot.addWidget(dialog)
    spin = dialog.gap_spin
    assert spin.value() == 20
    assert spin.isEnabled()
    assert "gives up" in spin.toolTip() and spin.accessibleName()
    saved: list[Settings] = []
    dialog.settings_saved.connect(saved.append)
    spin.setValue(75)
    dialog._on_accepted()
    assert saved and saved[-1].gap_timeout == 75.0
    # Zero reads "Same as request timeout" and stores nothing.
    dialog2 = SettingsDialog(start, SecretStore())
    qtbot.addWidget(dialog2)
    assert dialog2.gap_spin.value() == 0
    assert dialog2.gap_spin.text() == "Same as request timeout"
    dialog2.settings_saved.connect(saved.append)
    dialog2._on_accepted()
    assert saved[-1].gap_timeout is None


def test_a_fresh_check_replaces_the_default_speeds_but_never_measured_ones() -> None:
    backend = OpenAIBackend(None, MODEL, base_url="http://127.0.0.1:9/v1", prompt_speed=50.0)
    backend.use_advice({"grade": 1024}, 2048, prompt_speed=200.0, generation_speed=9.0)
    assert backend.speeds.prompt_speed() == 200.0
    assert backend.speeds.generation_speed() == 9.0
    assert backend.reply_limit("grade") == 1024 and backend.budget.history_tokens == 1024
    # Once the backend timed its own server, a check's figures no longer replace them.
    backend.speeds.learn("turn", 600, 2.0, 40, 4.0, True)
    measured = backend.speeds.prompt_speed(), backend.speeds.generation_speed()
    backend.use_advice({}, None, prompt_speed=1000.0, generation_speed=100.0)
    assert (backend.speeds.prompt_speed(), backend.speeds.generation_speed()) == measured
