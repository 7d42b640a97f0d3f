"""The model-call contract (issue 12, part 2): response objects, capabilities, the call log
in `model_calls`, and the `calls` / `regrade` commands."""

from __future__ import annotations

import argparse
import io
import json
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interviewer import commands_calls
from interviewer.core.cost import Usage
from interviewer.core.errors import AuthenticationFailed, InterviewerError, ServerError
from interviewer.core.models import ScoreValue, Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm import service
from interviewer.llm.base import (
    Backend,
    CallList,
    ModelResponse,
    grade_request_from_json,
    grade_request_to_json,
)
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.migrations import migrate
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionPlan, SessionStore
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, error, json_content, text

MODEL = "fake-model"
FAKE_KEY = "sk-test-DO-NOT-STORE-5f2c9a7e1b"
ANSWER = "Bias underfits the data, variance overfits the noise."


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake
    assert fake.errors == [], "the fake server crashed while answering"


@pytest.fixture
def make(server: FakeOpenAIServer) -> Iterator[Callable[..., OpenAIBackend]]:
    made: list[OpenAIBackend] = []

    def factory(**kw: Any) -> OpenAIBackend:
        options: dict[str, Any] = {
            "api_key": None,
            "model": MODEL,
            "base_url": server.base_url,
            "timeout": 2.0,
            "connect_timeout": 1.0,
            "max_retries": 0,
            "provider_label": "Ollama",
        }
        options.update(kw)
        backend = OpenAIBackend(**options)
        made.append(backend)
        return backend

    yield factory
    for backend in made:
        backend.close()


def grade_request(answer: str = ANSWER) -> GradeRequest:
    exchange = (
        Turn(
            role="interviewer", kind="question", text="Explain bias and variance.", question_id="q1"
        ),
        Turn(role="candidate", kind="answer", text=answer, question_id="q1", seconds=42.0),
    )
    return GradeRequest(7, factories.question(), factories.rubric(), exchange, answer_seconds=42.0)


def turn_request() -> TurnRequest:
    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def follow_request() -> FollowUpRequest:
    return FollowUpRequest(
        factories.track(limit=1), factories.question(), grade_request().exchange, 0, 1
    )


def usage(prompt: int, completion: int, cached: int = 0) -> dict[str, Any]:
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": cached},
    }


def draft_json(score: ScoreValue, quote: str = "Bias underfits") -> dict[str, Any]:
    return factories.draft(score=score, quote=quote).model_dump()


# --------------------------------------------------------------------------- responses


def test_every_backend_declares_its_capabilities(make: Callable[..., OpenAIBackend]) -> None:
    model = make()
    for backend in (model, OfflineCoach(), ScriptedBackend()):
        assert isinstance(backend, Backend)
    assert model.model == MODEL and model.base_url is not None and model.is_local
    assert model.supports_streaming and model.max_retries == 0
    assert model.call_deadline is not None and model.call_deadline > model.timeout
    assert model.structured_modes == ("json_schema", "json_object", "prompt")
    assert isinstance(model.usage, Usage)
    offline = OfflineCoach()
    assert offline.is_local and offline.usage is None and offline.call_deadline is None
    assert offline.structured_modes == ("none",)
    assert not OpenAIBackend("sk-x" * 4, "gpt-4o-mini").is_local  # OpenAI itself


def test_a_grade_response_carries_this_calls_usage_mode_and_raw_reply(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(
        json_content(draft_json(4), usage=usage(1000, 100, 400)),
        json_content(draft_json(2), usage=usage(30, 5)),
    )
    backend = make()
    first = backend.grade(grade_request())
    second = backend.grade(grade_request())
    assert isinstance(first, ModelResponse) and first.result.criteria[0].score == 4
    assert first.mode == "json_schema" and first.repair_rounds == 0
    assert json.loads(first.raw_reply) == draft_json(4)
    assert first.model == MODEL and first.latency_seconds >= 0
    # Usage of each call alone, not a difference of the running total.
    assert (first.usage.requests, first.usage.prompt_tokens, first.usage.cached_tokens) == (
        1,
        1000,
        400,
    )
    assert (second.usage.prompt_tokens, second.usage.completion_tokens) == (30, 5)
    assert backend.usage is not None and backend.usage.prompt_tokens == 1030
    assert [m["role"] for m in first.messages] == [
        m["role"] for m in server.chat_bodies[0]["messages"]
    ]
    assert any(ANSWER in m["content"] for m in first.messages)


def test_a_repaired_reply_counts_its_round_and_both_requests(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(
        text("Sure! Here is my grade: great answer", usage=usage(100, 10)),
        json_content(draft_json(3), usage=usage(150, 20)),
    )
    response = make().grade(grade_request())
    assert response.repair_rounds == 1 and response.result.criteria[0].score == 3
    assert (response.usage.requests, response.usage.prompt_tokens) == (2, 250)
    assert json.loads(response.raw_reply) == draft_json(3)
    # The repair round's request shows the first reply, so the log tells the whole story.
    assert any(
        m["role"] == "assistant" and "great answer" in m["content"] for m in response.messages
    )


def test_streamed_and_offline_turns_say_how_they_were_made(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(text("Hello there. First question?"))
    streamed = make().interviewer_turn(turn_request())
    assert streamed.mode == "stream" and streamed.raw_reply == "Hello there. First question?"
    offline = OfflineCoach().interviewer_turn(turn_request())
    assert offline.mode == "none" and offline.raw_reply == offline.result
    assert factories.question().text in offline.result


def test_a_failed_call_carries_its_raw_reply_on_the_error(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(
        text("not json at all", usage=usage(10, 3)), text("still not json", usage=usage(20, 4))
    )
    log = CallList()
    grade = service.grade(
        make(), grade_request(), OfflineCoach(), health=service.BackendHealth(), recorder=log
    )
    assert "offline_fallback" in grade.flags
    failed, stand_in = log.calls
    assert failed.error.startswith("BadResponse") and failed.raw_reply == "still not json"
    assert failed.repair_rounds == 1 and failed.mode == "json_schema"
    assert failed.usage.requests == 2 and failed.overall_score is None
    assert stand_in.stand_in and stand_in.backend == "offline" and stand_in.mode == "none"
    assert stand_in.overall_score == grade.overall_score


# --------------------------------------------------------------------------- the service log


def test_every_try_and_the_grade_request_are_recorded() -> None:
    backend = ScriptedBackend()
    backend.enqueue_grade(ServerError("The server failed (500)."), factories.draft(4, "Bias"))
    log = CallList()
    request = grade_request()
    grade = service.grade(
        backend,
        request,
        None,
        sleep=lambda _s: None,
        health=service.BackendHealth(),
        recorder=log,
    )
    first, second = log.calls
    assert (first.attempt, second.attempt) == (1, 2)
    assert first.error == "ServerError: The server failed (500)." and not second.error
    assert first.overall_score is None and second.overall_score == grade.overall_score
    assert {c.kind for c in log.calls} == {"grade"} and second.question_id == "q1"
    assert second.request is not None
    assert grade_request_from_json(json.loads(json.dumps(second.request))) == request


def test_turns_follow_ups_and_stand_ins_are_recorded() -> None:
    backend = ScriptedBackend()
    backend.enqueue_turn("Welcome. Question one?")
    backend.enqueue_follow_up(AuthenticationFailed("The API key was rejected (401)."))
    log = CallList()
    health = service.BackendHealth()
    text_ = service.interviewer_turn(
        backend, turn_request(), OfflineCoach(), health=health, recorder=log
    )
    decision = service.follow_up(
        backend, follow_request(), OfflineCoach(), health=health, recorder=log
    )
    assert text_ == "Welcome. Question one?"
    turn, failed, stand_in = log.calls
    assert (turn.kind, turn.raw_reply, turn.backend, turn.model) == (
        "turn",
        text_,
        "scripted",
        "scripted",
    )
    assert failed.kind == "follow_up" and "401" in failed.error and not failed.stand_in
    assert stand_in.stand_in and stand_in.backend == "offline"
    assert json.loads(stand_in.raw_reply)["follow_up"] == decision.follow_up
    # The breaker is open now: the offline coach answers, and that is logged too.
    service.interviewer_turn(backend, turn_request(), OfflineCoach(), health=health, recorder=log)
    assert log.calls[-1].stand_in and log.calls[-1].kind == "turn"


def test_a_failing_recorder_never_stops_the_interview() -> None:
    class Broken:
        def record(self, call: Any) -> None:
            raise RuntimeError("disk on fire")

    backend = ScriptedBackend()
    backend.enqueue_grade(factories.draft(3))
    grade = service.grade(
        backend, grade_request(), None, health=service.BackendHealth(), recorder=Broken()
    )
    assert grade.backend == "scripted"


# --------------------------------------------------------------------------- storage


def new_session(store: SessionStore, question_ids: list[str] | None = None) -> str:
    return store.create_session(
        track_id="ml-technical",
        track_name="ML technical",
        backend="scripted",
        backend_label="Scripted",
        plan=SessionPlan(question_ids=question_ids or ["q1"], duration_seconds=600),
    )


def test_calls_are_stored_in_order_and_go_with_their_session(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite3")
    sid = new_session(store)
    other = new_session(store)
    backend = ScriptedBackend()
    backend.enqueue_turn("Question one?")
    backend.enqueue_grade(factories.draft(4, "Bias"))
    recorder = service.StoreRecorder(store, sid)
    health = service.BackendHealth()
    service.interviewer_turn(backend, turn_request(), None, health=health, recorder=recorder)
    grade = service.grade(backend, grade_request(), None, health=health, recorder=recorder)
    calls = store.model_calls(sid)
    assert [c.kind for c in calls] == ["turn", "grade"] and store.model_calls(other) == []
    assert calls[1].overall_score == grade.overall_score and calls[1].request is not None
    assert grade_request_from_json(calls[1].request) == grade_request()
    assert calls[0].raw_reply == "Question one?" and calls[0].messages == []
    assert [c.kind for c in store.model_calls(sid, "grade")] == ["grade"]
    assert store.delete_session(sid)
    with pytest.raises(InterviewerError):
        store.model_calls(sid)
    rows = store._read(lambda c: c.execute("SELECT COUNT(*) FROM model_calls").fetchone())
    assert rows[0] == 0
    store.close()


def test_a_database_from_before_the_call_log_still_opens(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, target=2) == 2
    conn.execute(
        "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, started_at, "
        "plan) VALUES ('old1', 't', 'T', 'offline', 'Offline', '2025-01-01T00:00:00+00:00', "
        '\'{"question_ids": ["q1"], "duration_seconds": 600}\')'
    )
    conn.close()
    store = SessionStore(db)
    assert store.get_session("old1") is not None and store.model_calls("old1") == []
    store.add_model_call("old1", {"kind": "grade", "backend": "offline", "mode": "none"})
    assert [c.backend for c in store.model_calls("old1")] == ["offline"]
    store.close()


def test_calls_are_listed_in_the_order_they_started(tmp_path: Path) -> None:
    # A grade is written when finished, after a turn that started later.
    store = SessionStore(tmp_path / "s.sqlite3")
    sid = new_session(store)
    store.add_model_call(sid, {"kind": "turn", "backend": "b", "started_at": "2026-01-01T10:00:02"})
    store.add_model_call(
        sid, {"kind": "grade", "backend": "b", "started_at": "2026-01-01T10:00:01"}
    )
    assert [c.kind for c in store.model_calls(sid)] == ["grade", "turn"]
    store.close()


def test_a_record_with_a_secret_looking_field_is_refused(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.sqlite3")
    sid = new_session(store)
    with pytest.raises(InterviewerError, match="api_key"):
        store.add_model_call(sid, {"kind": "grade", "backend": "x", "api_key": FAKE_KEY})
    store.close()


def test_the_api_key_is_nowhere_in_the_database(
    tmp_path: Path, server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    # A server that echoes the key in its error, then ordinary replies.
    server.enqueue(
        error(400, f"Malformed request from key {FAKE_KEY}"),
        text("Welcome. First question?"),
        json_content(draft_json(4)),
    )
    backend = make(api_key=FAKE_KEY)
    db = tmp_path / "s.sqlite3"
    store = SessionStore(db)
    sid = new_session(store)
    recorder = service.StoreRecorder(store, sid)
    health = service.BackendHealth()
    first = service.interviewer_turn(
        backend, turn_request(), OfflineCoach(), health=health, recorder=recorder
    )
    assert factories.question().text in first  # the offline coach stood in
    service.interviewer_turn(backend, turn_request(), None, health=health, recorder=recorder)
    grade = service.grade(backend, grade_request(), None, health=health, recorder=recorder)
    store.save_grade(sid, "q1", grade)
    calls = store.model_calls(sid)
    assert [c.stand_in for c in calls] == [False, True, False, False]
    assert "(400)" in calls[0].error and "[API key]" in calls[0].error
    store.close()
    data = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s.sqlite3"))
    assert b"Malformed request from key" in data  # the error was logged ...
    assert FAKE_KEY.encode() not in data  # ... but never the key
    assert FAKE_KEY[8:].encode() not in data


# --------------------------------------------------------------------------- commands


def calls_args(session_id: str, *, as_json: bool) -> argparse.Namespace:
    return argparse.Namespace(session_id=session_id, json=as_json)


def regrade_args(session_id: str, **kw: Any) -> argparse.Namespace:
    options: dict[str, Any] = {
        "session_id": session_id,
        "backend": None,
        "model": None,
        "base_url": None,
        "json": True,
    }
    options.update(kw)
    return argparse.Namespace(**options)


def logged_session() -> tuple[str, float]:
    """A session in the app's database whose one grade was made by a scripted model."""
    store = SessionStore.open(app_paths().database)
    sid = new_session(store)
    backend = ScriptedBackend(model="scripted-judge")
    backend.enqueue_turn("Explain bias and variance.")
    backend.enqueue_grade(factories.draft(4, "Bias underfits"))
    recorder = service.StoreRecorder(store, sid)
    health = service.BackendHealth()
    service.interviewer_turn(backend, turn_request(), None, health=health, recorder=recorder)
    grade = service.grade(backend, grade_request(), None, health=health, recorder=recorder)
    store.save_grade(sid, "q1", grade)
    store.close()
    return sid, grade.overall_score


def test_calls_lists_the_log_as_json_and_text() -> None:
    sid, score = logged_session()
    out = io.StringIO()
    assert commands_calls.cmd_calls(calls_args(sid, as_json=True), out) == 0
    data = json.loads(out.getvalue())
    assert [c["kind"] for c in data] == ["turn", "grade"]
    for c in data:
        assert {"kind", "model", "mode", "usage", "latency_seconds", "raw_reply", "error"} <= set(c)
        assert c["model"] == "scripted-judge" and c["mode"] == "none" and c["error"] is None
        assert set(c["usage"]) == {
            "requests",
            "prompt_tokens",
            "cached_tokens",
            "completion_tokens",
        }
    assert data[1]["overall_score"] == score and data[1]["request"]["question"]["id"] == "q1"
    out = io.StringIO()
    commands_calls.cmd_calls(calls_args(sid, as_json=False), out)
    lines = out.getvalue().splitlines()
    assert "turn" in lines[0] and "scripted-judge" in lines[0]
    assert any("grade" in line and f"score {score:.0f}" in line for line in lines)
    with pytest.raises(InterviewerError, match="No session 'nope'"):
        commands_calls.cmd_calls(calls_args("nope", as_json=True), io.StringIO())


def test_regrade_replays_the_logged_request_on_another_model(server: FakeOpenAIServer) -> None:
    sid, old = logged_session()
    server.enqueue(json_content(draft_json(1, quote="")))
    out = io.StringIO()
    args = regrade_args(sid, backend="openai", model=MODEL, base_url=server.base_url)
    assert commands_calls.cmd_regrade(args, out) == 0
    (entry,) = json.loads(out.getvalue())
    assert entry["question_id"] == "q1" and entry["source"] == "call_log"
    assert entry["old"]["overall_score"] == entry["old_overall_score"] == old
    assert entry["new"]["overall_score"] == entry["new_overall_score"]
    assert entry["new_overall_score"] < old and entry["error"] is None
    assert entry["call"]["model"] == MODEL and entry["call"]["mode"] == "json_schema"
    (body,) = server.chat_bodies
    assert any(ANSWER in m["content"] for m in body["messages"])  # the candidate's own answer
    # Nothing was written back: the session keeps its grade and its log.
    store = SessionStore.open(app_paths().database)
    assert store.load_session(sid).grades["q1"].overall_score == old
    assert len(store.model_calls(sid)) == 2
    store.close()


def test_regrade_reports_a_failing_model_per_question(server: FakeOpenAIServer) -> None:
    sid, old = logged_session()
    server.enqueue(error(404, "model 'nope' not found", code="model_not_found"))
    out = io.StringIO()
    args = regrade_args(sid, backend="openai", model="nope", base_url=server.base_url)
    commands_calls.cmd_regrade(args, out)
    (entry,) = json.loads(out.getvalue())
    assert entry["old_overall_score"] == old and entry["new_overall_score"] is None
    assert entry["new"] == {"overall_score": None} and "nope" in entry["error"]


def test_regrade_rebuilds_an_unlogged_session_from_its_transcript() -> None:
    lib = commands_calls._library()
    question = lib.question("tech-bias-variance")
    answer = (
        "High bias means the model is too simple and underfits; high variance means it "
        "overfits noise. Regularization or more data trade one against the other."
    )
    turns = [
        Turn(role="interviewer", kind="question", text=question.text, question_id=question.id),
        Turn(role="candidate", kind="answer", text=answer, question_id=question.id, seconds=50.0),
    ]
    request = GradeRequest(1, question, lib.rubric_for(question), tuple(turns), 50.0)
    expected = service.grade(OfflineCoach(), request, None)
    store = SessionStore.open(app_paths().database)
    sid = new_session(store, [question.id, "tech-unanswered"])
    for t in turns:
        store.add_turn(sid, t)
    store.add_turn(
        sid, Turn(role="interviewer", kind="question", text="Next?", question_id="tech-unanswered")
    )
    store.save_grade(sid, question.id, expected.model_copy(update={"overall_score": 12.0}))
    store.close()
    out = io.StringIO()
    commands_calls.cmd_regrade(regrade_args(sid, backend="offline"), out)
    (entry,) = json.loads(out.getvalue())  # the unanswered question is not graded
    assert entry["source"] == "transcript" and entry["question_id"] == question.id
    assert entry["old_overall_score"] == 12.0
    assert entry["new_overall_score"] == expected.overall_score
    out = io.StringIO()
    commands_calls.cmd_regrade(regrade_args(sid, backend="offline", json=False), out)
    assert f"old  12  new {expected.overall_score:>3.0f}" in out.getvalue()


def test_grade_requests_survive_the_json_round_trip() -> None:
    request = grade_request()
    again = grade_request_from_json(json.loads(json.dumps(grade_request_to_json(request))))
    assert again == request
    with pytest.raises(ValueError, match="not a grade request"):
        grade_request_from_json({"question": {}})
