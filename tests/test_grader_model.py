"""Separate models for the two jobs (issue 15, item 3): one model runs the conversation,
another model (or the offline coach) grades.

Two loopback servers, one per job, through the real openai client and the real command
line: every turn and follow-up decision goes to the first, every grade to the second.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.llm.factory import make_grader
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import MAIN_ACCOUNT, SecretStore, account_for
from interviewer.storage.settings import GraderSettings, Settings, load_settings, save_settings
from interviewer.storage.store import SessionStore
from tests.conftest import MemoryKeyring
from tests.fake_openai_server import FakeOpenAIServer, Reply, error, json_content, text
from tests.test_cli_openai import ANSWER, QID, _bias_variance_track, _kind, grade_reply

TALKER = "talker-small"
JUDGE = "judge-big"


def cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def practice(base_url: str, *flags: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """`interviewer practice` of one ml-technical question without follow-ups, the
    interviewer being TALKER on `base_url`; `flags` add the grader options under test."""
    return cli(
        "practice",
        "--track",
        "ml-technical",
        "--questions",
        "1",
        "--no-follow-ups",
        "--base-url",
        base_url,
        "--model",
        TALKER,
        *flags,
        stdin=stdin,
    )


def interviewer_route(body: dict[str, Any]) -> Reply:
    """The interviewer's server: turns and follow-up decisions only."""
    kind = _kind(body)
    if kind == "grade":
        return error(418, "the interviewer's server was asked to grade")
    if kind == "follow_up":
        return json_content({"reason": "enough", "follow_up": False, "question": ""})
    if any("wrap" in m.get("content", "").lower() for m in body["messages"][-1:]):
        return text("Thanks, that is the end of our interview.")
    return text("Let's begin. Explain the bias-variance trade-off.")


def grader_route(body: dict[str, Any]) -> Reply:
    """The grader's server: grades only."""
    if _kind(body) != "grade":
        return error(418, "the grader's server was asked for a turn")
    return grade_reply("High bias means the model underfits")


def _session_id(stdout: str) -> str:
    found = re.search(r"session ([0-9a-f]{12})", stdout)
    assert found, stdout
    return found.group(1)


def _calls(sid: str) -> list[tuple[str, str, str]]:
    store = SessionStore.open(app_paths().database)
    try:
        return [(c.kind, c.backend, c.model) for c in store.model_calls(sid)]
    finally:
        store.close()


# --------------------------------------------------------------------------- two servers


def test_two_servers_one_per_job_through_the_cli(interviewer_home: Path) -> None:
    track = _bias_variance_track(interviewer_home)
    report = interviewer_home / "report.json"
    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        talk.router, judge.router = interviewer_route, grader_route
        r = cli(
            "practice",
            "--track",
            track,
            "--base-url",
            talk.base_url,
            "--model",
            TALKER,
            "--grader-base-url",
            judge.base_url,
            "--grader-model",
            JUDGE,
            "--report",
            str(report),
            stdin=f"{ANSWER}\n.\n",
        )
        talk_bodies, judge_bodies = talk.chat_bodies, judge.chat_bodies
    assert r.returncode == 0, r.stderr
    # Every turn and follow-up decision went to the first server, with its model ...
    assert talk_bodies and {_kind(b) for b in talk_bodies} == {"turn", "follow_up"}
    assert {b["model"] for b in talk_bodies} == {TALKER}
    # ... and every grade to the second, with the grader's model.
    assert len(judge_bodies) == 1 and _kind(judge_bodies[0]) == "grade"
    assert judge_bodies[0]["model"] == JUDGE
    assert "score 75/100" in r.stdout
    assert f"(graded by custom-server:{JUDGE})" in r.stdout
    assert "offline" not in r.stdout.lower()
    # The header and the report say who graded.
    assert f"Custom server · {TALKER}; graded by Custom server · {JUDGE}" in r.stdout
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["backend_label"] == f"Custom server · {TALKER}; graded by Custom server · {JUDGE}"
    assert data["questions"][0]["grade"]["backend"] == f"custom-server:{JUDGE}"
    # The call log names the backend (and its configured model) of every call; its
    # model column is what the server says answered (the fake always says fake-model).
    calls = _calls(_session_id(r.stdout))
    assert {k for k, _b, _m in calls} == {"turn", "follow_up", "grade"}
    assert {b for k, b, _m in calls if k == "grade"} == {f"custom-server:{JUDGE}"}
    assert {b for k, b, _m in calls if k != "grade"} == {f"custom-server:{TALKER}"}


def test_grader_model_alone_grades_on_the_interviewers_server() -> None:
    with FakeOpenAIServer() as server:

        def route(body: dict[str, Any]) -> Reply:
            if _kind(body) == "grade":
                return grader_route(body)
            return interviewer_route(body)

        server.router = route
        r = practice(
            server.base_url,
            "--grader-model",
            JUDGE,
            stdin=f"{ANSWER}\n.\n",
        )
        bodies = server.chat_bodies
    assert r.returncode == 0, r.stderr
    assert {b["model"] for b in bodies if _kind(b) == "grade"} == {JUDGE}
    assert {b["model"] for b in bodies if _kind(b) != "grade"} == {TALKER}
    assert f"graded by custom-server:{JUDGE}" in r.stdout


def test_no_grader_flags_is_as_before_one_model_for_both_jobs() -> None:
    with FakeOpenAIServer() as server:
        server.router = lambda body: (
            grader_route(body) if _kind(body) == "grade" else interviewer_route(body)
        )
        r = practice(
            server.base_url,
            stdin=f"{ANSWER}\n.\n",
        )
        bodies = server.chat_bodies
    assert r.returncode == 0, r.stderr
    assert any(_kind(b) == "grade" for b in bodies)
    assert {b["model"] for b in bodies} == {TALKER}
    assert "graded by Custom" not in r.stdout  # the header names one backend


def test_a_failing_grader_falls_back_on_its_own_the_interviewer_goes_on() -> None:
    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        talk.router = interviewer_route
        judge.router = lambda body: error(401, "bad key")
        r = cli(
            "practice",
            "--track",
            "ml-technical",
            "--questions",
            "2",
            "--no-follow-ups",
            "--base-url",
            talk.base_url,
            "--model",
            TALKER,
            "--grader-base-url",
            judge.base_url,
            "--grader-model",
            JUDGE,
            stdin=f"{ANSWER}\n.\n{ANSWER}\n.\n",
        )
        talk_bodies = talk.chat_bodies
    assert r.returncode == 0, r.stderr
    assert "offline_fallback" in r.stdout  # the grades: from the coach, marked so
    assert "stands in" not in r.stderr  # the turns: still from the interviewer's model
    assert len([b for b in talk_bodies if _kind(b) == "turn"]) >= 3  # 2 questions, wrap-up
    assert "Let's begin." in r.stdout


def test_offline_grader_with_a_model_interviewer(interviewer_home: Path) -> None:
    """The settings' grader is the offline coach: the model only talks."""
    save_settings(Settings(grader=GraderSettings(kind="offline")), app_paths().settings_file)
    with FakeOpenAIServer() as talk:
        talk.router = interviewer_route
        r = cli(
            "practice",
            "--track",
            "ml-technical",
            "--questions",
            "1",
            "--base-url",
            talk.base_url,
            "--model",
            TALKER,
            stdin=f"{ANSWER}\n.\n",
        )
        bodies = talk.chat_bodies
    assert r.returncode == 0, r.stderr
    assert bodies and all(_kind(b) != "grade" for b in bodies)
    assert "(graded by offline)" in r.stdout
    assert "offline_fallback" not in r.stdout
    assert f"Custom server · {TALKER}; graded by Offline coach" in r.stdout


@pytest.mark.parametrize("flags", [["--grader-model", "offline"], ["--grader-backend", "offline"]])
def test_grader_offline_flags(flags: list[str]) -> None:
    with FakeOpenAIServer() as talk:
        talk.router = interviewer_route
        r = practice(
            talk.base_url,
            *flags,
            stdin=f"{ANSWER}\n.\n",
        )
        bodies = talk.chat_bodies
    assert r.returncode == 0, r.stderr
    assert bodies and all(_kind(b) != "grade" for b in bodies)
    assert "(graded by offline)" in r.stdout


# --------------------------------------------------------------------------- grade


def test_grade_with_grader_flags_grades_with_the_grader_model() -> None:
    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        talk.router, judge.router = interviewer_route, grader_route
        r = cli(
            "grade",
            "--question",
            QID,
            "--answer",
            ANSWER,
            "--json",
            "--base-url",
            talk.base_url,
            "--model",
            TALKER,
            "--grader-base-url",
            judge.base_url,
            "--grader-model",
            JUDGE,
        )
        talk_bodies, judge_bodies = talk.chat_bodies, judge.chat_bodies
    assert r.returncode == 0, r.stderr
    assert talk_bodies == []
    assert [b["model"] for b in judge_bodies] == [JUDGE]
    data = json.loads(r.stdout)
    assert data["backend"] == f"custom-server:{JUDGE}"
    assert "offline_fallback" not in data["flags"]


def test_grade_backend_offline_is_still_the_coach_and_model_flags_as_before() -> None:
    with FakeOpenAIServer() as server:
        server.router = grader_route
        coach = cli(
            "grade", "--question", QID, "--answer", ANSWER, "--json", "--backend", "offline"
        )
        model = cli(
            "grade",
            "--question",
            QID,
            "--answer",
            ANSWER,
            "--json",
            "--base-url",
            server.base_url,
            "--model",
            TALKER,
        )
        bodies = server.chat_bodies
    assert coach.returncode == 0 and model.returncode == 0, coach.stderr + model.stderr
    assert json.loads(coach.stdout)["backend"] == "offline"
    assert json.loads(model.stdout)["backend"] == f"custom-server:{TALKER}"
    assert [b["model"] for b in bodies] == [TALKER]


def test_grade_uses_the_settings_grader_when_no_backend_flag(interviewer_home: Path) -> None:
    with FakeOpenAIServer() as judge:
        judge.router = grader_route
        save_settings(
            Settings(
                provider="custom",
                base_url="http://127.0.0.1:9/v1",  # the interviewer's: never asked to grade
                model=TALKER,
                grader=GraderSettings(
                    kind="model", provider="custom", base_url=judge.base_url, model=JUDGE
                ),
            ),
            app_paths().settings_file,
        )
        r = cli("grade", "--question", QID, "--answer", ANSWER, "--json")
        bodies = judge.chat_bodies
    assert r.returncode == 0, r.stderr
    assert [b["model"] for b in bodies] == [JUDGE]
    assert json.loads(r.stdout)["backend"] == f"custom-server:{JUDGE}"


def test_resume_takes_the_grader_flags() -> None:
    from interviewer.cli import build_parser

    args = build_parser().parse_args(
        ["resume", "abc", "--grader-model", JUDGE, "--grader-base-url", "http://h:1/v1"]
    )
    assert (args.grader_model, args.grader_base_url) == (JUDGE, "http://h:1/v1")
    args = build_parser().parse_args(["practice", "--track", "t"])
    assert (args.grader_model, args.grader_base_url, args.grader_backend) == (None, None, None)


# --------------------------------------------------------------------------- settings


def test_settings_round_trip_with_a_grader(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    grader = GraderSettings(kind="model", provider="ollama", model="qwen2.5:14b")
    save_settings(Settings(model="llama3.2:1b", grader=grader), path)
    loaded = load_settings(path)
    assert loaded.grader == grader
    assert loaded.grader.effective_base_url() == "http://127.0.0.1:11434/v1"
    assert loaded.model == "llama3.2:1b" and loaded.notes == []
    assert json.loads(path.read_text(encoding="utf-8"))["grader"]["kind"] == "model"


def test_old_settings_without_a_grader_load_as_same(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"provider": "ollama", "model": "llama3.1"}), encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.grader == GraderSettings() and loaded.grader.kind == "same"
    assert loaded.notes == []


@pytest.mark.parametrize(
    ("grader", "field"),
    [
        ({"kind": "judge"}, "grader.kind"),
        ({"kind": "model", "provider": "nope"}, "grader.provider"),
        ("offline", "grader"),
        ({"kind": "model", "model": 7}, "grader.model"),
    ],
)
def test_a_corrupt_grader_is_reported_and_ignored(tmp_path: Path, grader: Any, field: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(
        json.dumps({"provider": "ollama", "model": "llama3.1", "grader": grader}), encoding="utf-8"
    )
    loaded = load_settings(path)
    assert loaded.provider == "ollama" and loaded.model == "llama3.1"  # the rest is kept
    assert loaded.grader.kind == "same"
    assert len(loaded.notes) == 1 and f"({field}:" in loaded.notes[0]
    assert str(path) in loaded.notes[0]


def test_the_terminal_says_a_corrupt_grader_once(interviewer_home: Path) -> None:
    app_paths().settings_file.parent.mkdir(parents=True, exist_ok=True)
    app_paths().settings_file.write_text(json.dumps({"grader": {"kind": 3}}), encoding="utf-8")
    r = cli("grade", "--question", QID, "--answer", ANSWER, "--backend", "offline")
    assert r.returncode == 0, r.stderr
    assert r.stderr.count("The grader in settings file") == 1
    assert "graded by offline" in r.stdout


# --------------------------------------------------------------------------- factory


def test_make_grader_choices() -> None:
    coach = OfflineCoach()
    same = make_grader(Settings(), coach, SecretStore())
    assert same is None
    offline = make_grader(Settings(grader=GraderSettings(kind="offline")), coach, SecretStore())
    assert offline is not None and offline.backend.name == "offline"
    flagged = make_grader(Settings(), coach, SecretStore(), model="offline")
    assert flagged is not None and flagged.backend.name == "offline"
    ollama = make_grader(
        Settings(grader=GraderSettings(kind="model", provider="ollama", model="qwen")),
        coach,
        SecretStore(),
    )
    assert ollama is not None
    assert ollama.backend.label == "Ollama · qwen"
    assert ollama.backend.base_url == "http://127.0.0.1:11434/v1"


def test_account_for_keys_per_host() -> None:
    assert account_for(None) == MAIN_ACCOUNT
    assert account_for("https://api.openai.com/v1") == MAIN_ACCOUNT
    assert account_for("http://127.0.0.1:11434/v1") == "server:127.0.0.1:11434"
    assert account_for("https://API.example.com/v1") == "server:api.example.com"


def test_a_grader_on_another_host_uses_its_own_saved_key(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        judge.router = grader_route
        SecretStore().set("main-key")
        SecretStore(account_for(judge.base_url)).set("judge-key")
        interviewer = make_grader(
            Settings(),
            OfflineCoach(),
            SecretStore(),
            model=TALKER,
            base_url=talk.base_url,
        )
        assert interviewer is not None
        choice = make_grader(
            Settings(), interviewer.backend, SecretStore(), model=JUDGE, base_url=judge.base_url
        )
        assert choice is not None
        choice.backend.grade(_grade_request())
        headers = [r.headers for r in judge.requests if r.path.endswith("/chat/completions")]
    assert headers and all(
        h.get("Authorization", h.get("authorization")) == "Bearer judge-key" for h in headers
    )


def _grade_request() -> Any:
    from interviewer.core.models import Turn
    from interviewer.core.requests import GradeRequest
    from interviewer.storage.content_files import load_library

    lib = load_library(None)
    question = lib.question(QID)
    return GradeRequest(
        request_id=1,
        question=question,
        rubric=lib.rubric_for(question),
        exchange=(
            Turn(role="interviewer", kind="question", text=question.text, question_id=QID),
            Turn(role="candidate", kind="answer", text=ANSWER, question_id=QID),
        ),
    )


# --------------------------------------------------------------------------- the window


def _dialog(qtbot: QtBot, settings: Settings) -> SettingsDialog:
    dialog = SettingsDialog(settings, SecretStore())
    qtbot.addWidget(dialog)
    return dialog


def _pick(combo: Any, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def test_dialog_shows_the_grader_and_its_rows_only_for_another_model(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, Settings(provider="ollama", model="llama3.2:1b"))
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.grader_combo.currentText() == "Same as interviewer"
    rows = (dialog.grader_provider_combo, dialog.grader_url_edit, dialog.grader_model_combo)
    assert not any(w.isVisible() for w in rows)
    assert dialog.samples_spin.isEnabled()  # the interviewer's model grades
    short = dialog.height()
    _pick(dialog.grader_combo, "model")
    assert all(w.isVisible() for w in rows) and dialog.grader_key_edit.isVisible()
    assert dialog.height() > short  # grown to fit the rows, not squeezed
    assert "its own" in dialog.grader_hint.text()
    _pick(dialog.grader_combo, "offline")
    assert not any(w.isVisible() for w in rows)
    assert not dialog.samples_spin.isEnabled()  # the coach grades once
    assert "offline coach" in dialog.grader_hint.text().lower()


def test_dialog_rows_fit_at_the_default_size_and_resized(qtbot: QtBot) -> None:
    grader = GraderSettings(kind="model", provider="custom", base_url="http://h:1/v1", model="m")
    dialog = _dialog(qtbot, Settings(provider="ollama", grader=grader))
    dialog.show()
    qtbot.waitExposed(dialog)
    for size in (None, (900, 900)):
        if size is not None:
            dialog.resize(*size)
            QApplication.processEvents()
        for label in (dialog.grader_hint, dialog.provider_hint):
            # A wrapped hint is as tall as its text needs at its width: nothing cut off.
            need = label.heightForWidth(label.width())
            assert label.height() >= need, (size, label.text(), label.height(), need)
        fields = [dialog.grader_combo, dialog.grader_url_edit, dialog.grader_model_combo]
        tops = [w.mapTo(dialog, w.rect().topLeft()).y() for w in fields]
        assert tops == sorted(tops) and len(set(tops)) == len(tops)  # no overlap
        bottom = dialog.buttons.mapTo(dialog, dialog.buttons.rect().bottomLeft()).y()
        assert bottom <= dialog.height()


def test_dialog_saves_the_grader_and_its_key_under_its_server(
    qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    dialog = _dialog(qtbot, Settings(provider="ollama", model="llama3.2:1b"))
    saved: list[Settings] = []
    dialog.settings_saved.connect(saved.append)
    _pick(dialog.grader_combo, "model")
    _pick(dialog.grader_provider_combo, "custom")
    dialog.grader_url_edit.setText("https://grader.example.com/v1")
    dialog.grader_model_combo.setEditText(JUDGE)
    dialog.grader_key_edit.setText("grader-key")
    dialog.ok_button.click()
    assert len(saved) == 1
    assert saved[0].grader == GraderSettings(
        kind="model", provider="custom", base_url="https://grader.example.com/v1", model=JUDGE
    )
    assert saved[0].model == "llama3.2:1b"
    assert SecretStore("server:grader.example.com").get() == "grader-key"
    assert SecretStore().get() is None  # the main key is untouched
    # It opens again as saved, key not shown.
    again = _dialog(qtbot, saved[0])
    assert again.grader_kind == "model" and again.grader_model_combo.currentText() == JUDGE
    assert again.grader_key_edit.text() == ""
    assert "saved" in again.grader_key_edit.placeholderText()


def test_dialog_refuses_another_model_without_a_name(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, Settings(provider="ollama"))
    saved: list[Settings] = []
    dialog.settings_saved.connect(saved.append)
    _pick(dialog.grader_combo, "model")
    _pick(dialog.grader_provider_combo, "lmstudio")
    assert dialog.grader_url_edit.text() == "http://127.0.0.1:1234/v1"
    dialog.ok_button.click()
    assert saved == []
    assert "model that grades" in dialog.status_text()
    dialog.grader_model_combo.setEditText("qwen")
    dialog.ok_button.click()
    assert saved and saved[0].grader.provider == "lmstudio"
    assert saved[0].grader.base_url == ""  # the preset's address: follows the default


def test_the_controller_runs_the_two_jobs_on_two_servers(qtbot: QtBot) -> None:
    from interviewer.gui.controller import Controller
    from interviewer.session import StartOptions
    from interviewer.storage.content_files import load_library

    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        talk.router, judge.router = interviewer_route, grader_route
        settings = Settings(
            provider="custom",
            base_url=talk.base_url,
            model=TALKER,
            grader=GraderSettings(
                kind="model", provider="custom", base_url=judge.base_url, model=JUDGE
            ),
        )
        controller = Controller(load_library(), settings, SecretStore(), offline=OfflineCoach())
        assert controller.grader is not None and controller.grader.model == JUDGE
        assert controller.backend.model == TALKER
        assert controller.backend_label.endswith(f"graded by Custom server · {JUDGE}")
        controller.start_interview(StartOptions("ml-technical", question_count=1, follow_ups=False))
        qtbot.waitUntil(lambda: controller.answering, timeout=20_000)
        controller.submit_answer(ANSWER)
        qtbot.waitUntil(lambda: controller.results is not None, timeout=30_000)
        talk_bodies, judge_bodies = talk.chat_bodies, judge.chat_bodies
        # New settings: the interviewer's model grades again.
        controller.apply_settings(settings.model_copy(update={"grader": GraderSettings()}))
        assert controller.grader is None
        controller.writer.flush()
    assert talk_bodies and all(_kind(b) != "grade" for b in talk_bodies)
    assert {b["model"] for b in talk_bodies} == {TALKER}
    assert [b["model"] for b in judge_bodies] == [JUDGE]
    results = controller.results
    assert results is not None and results.records[0].grade is not None
    assert results.records[0].grade.backend == f"custom-server:{JUDGE}"


def test_the_controller_says_when_the_grader_cannot_be_built(qtbot: QtBot) -> None:
    from interviewer.gui.controller import Controller
    from interviewer.llm.scripted import ScriptedBackend
    from tests.gui_helpers import small_library

    settings = Settings(grader=GraderSettings(kind="model", provider="openai", model="gpt-4o"))
    controller = Controller(
        small_library(), settings, SecretStore(), backend=ScriptedBackend(), offline=None
    )
    assert controller.grader is None  # no OpenAI key: the interviewer's model grades
    assert "The grader (gpt-4o)" in controller.grader_notice
    assert "interviewer's model grades" in controller.grader_notice


def test_regrade_takes_the_grader_flags() -> None:
    import io

    from interviewer import commands_calls
    from tests.test_model_calls import draft_json, logged_session, regrade_args

    sid, _old = logged_session()
    with FakeOpenAIServer() as talk, FakeOpenAIServer() as judge:
        judge.enqueue(json_content(draft_json(2)))
        out = io.StringIO()
        args = regrade_args(
            sid,
            base_url=talk.base_url,
            model=TALKER,
            grader_model=JUDGE,
            grader_base_url=judge.base_url,
            grader_backend=None,
        )
        assert commands_calls.cmd_regrade(args, out) == 0
        talk_bodies, judge_bodies = talk.chat_bodies, judge.chat_bodies
    (entry,) = json.loads(out.getvalue())
    assert entry["error"] is None and entry["new"]["backend"] == f"custom-server:{JUDGE}"
    assert talk_bodies == [] and [b["model"] for b in judge_bodies] == [JUDGE]


def test_grade_needs_only_the_grader_not_a_usable_interviewer(interviewer_home: Path) -> None:
    """OpenAI as the interviewer with no key cannot run an interview, but a settings'
    grader on a local server can still grade one answer."""
    with FakeOpenAIServer() as judge:
        judge.router = grader_route
        grader = GraderSettings(
            kind="model", provider="custom", base_url=judge.base_url, model=JUDGE
        )
        save_settings(Settings(provider="openai", grader=grader), app_paths().settings_file)
        r = cli("grade", "--question", QID, "--answer", ANSWER, "--json")
        bodies = judge.chat_bodies
    assert r.returncode == 0, r.stderr
    assert [b["model"] for b in bodies] == [JUDGE]
    assert "offline coach runs" not in r.stderr


def test_a_settings_grader_without_its_key_warns_and_the_interviewer_grades(
    interviewer_home: Path,
) -> None:
    grader = GraderSettings(kind="model", provider="openai", model="gpt-4o")
    save_settings(Settings(grader=grader), app_paths().settings_file)
    with FakeOpenAIServer() as talk:
        talk.router = lambda body: (
            grader_route(body) if _kind(body) == "grade" else interviewer_route(body)
        )
        args = ["--track", "ml-technical", "--questions", "1", "--no-follow-ups"]
        args += ["--base-url", talk.base_url, "--model", TALKER]
        r = cli("practice", *args, stdin=f"{ANSWER}\n.\n")
        flagged = cli("practice", *args, "--grader-backend", "openai")
        bodies = talk.chat_bodies
    assert r.returncode == 0, r.stderr
    assert "The grader (gpt-4o)" in r.stderr and "interviewer's model grades" in r.stderr
    assert {b["model"] for b in bodies if _kind(b) == "grade"} == {TALKER}
    # Asked for on the command line, the same problem stops the command before it starts.
    assert flagged.returncode == 1 and "The grader (gpt-4o)" in flagged.stderr


def _test_grader(qtbot: QtBot, dialog: SettingsDialog) -> tuple[bool, str]:
    with qtbot.waitSignal(dialog.grader_tested, timeout=20_000) as blocker:
        dialog.grader_test_button.click()
    ok, text = blocker.args or (False, "")
    return bool(ok), str(text)


def test_test_grader_asks_the_graders_server_not_the_interviewers(
    qtbot: QtBot, memory_keyring: MemoryKeyring
) -> None:
    with FakeOpenAIServer(models=[TALKER]) as talk, FakeOpenAIServer(models=[JUDGE]) as judge:
        SecretStore(account_for(judge.base_url)).set("judge-key")
        dialog = _dialog(qtbot, Settings(provider="custom", base_url=talk.base_url, model=TALKER))
        _pick(dialog.grader_combo, "model")
        _pick(dialog.grader_provider_combo, "custom")
        dialog.grader_url_edit.setText(judge.base_url)
        dialog.grader_model_combo.setEditText(JUDGE)
        ok, text = _test_grader(qtbot, dialog)
        assert ok, text
        assert "Grader connected" in text and JUDGE in text
        assert dialog.grader_test_button.isEnabled()
        assert talk.requests == [] and judge.requests
        auth = {
            r.headers.get("Authorization", r.headers.get("authorization")) for r in judge.requests
        }
        assert auth == {"Bearer judge-key"}
        # A model the grader's server does not have is reported as the grader's problem.
        dialog.grader_model_combo.setEditText(TALKER)
        judge.router = lambda body: error(404, "no such model", code="model_not_found")
        ok, text = _test_grader(qtbot, dialog)
    assert not ok and text.startswith("Grader:")


def test_test_grader_needs_a_model_name_first(qtbot: QtBot) -> None:
    dialog = _dialog(qtbot, Settings(provider="ollama"))
    _pick(dialog.grader_combo, "model")
    _pick(dialog.grader_provider_combo, "custom")
    dialog.grader_url_edit.setText("http://127.0.0.1:9/v1")
    ok, text = _test_grader(qtbot, dialog)
    assert not ok and "model that grades" in text
