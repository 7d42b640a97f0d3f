"""Issue 15, item 1: deadlines that follow progress, not the wall clock.

Every call streams (grades and follow-up decisions as JSON text deltas); a call is given
up when the server is silent too long (before the first token: a budget sized to the
prompt and the server's prompt speed; after it: a gap between tokens), never because a
reply that keeps flowing takes long. Driven through the real openai client against the
loopback fake server; times are scaled down (a 1 s gap, a 2 s "time-out").
"""

from __future__ import annotations

import argparse
import io
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import pytest
from pytestqt.qtbot import QtBot

from benchmarks import grading_replay as rp
from interviewer import terminal
from interviewer.core.errors import BackendError, BackendTimeout
from interviewer.core.models import Grade, Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm import service
from interviewer.llm.base import Progress, progress_scope
from interviewer.llm.factory import make_backend
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import DEFAULT_PROMPT_SPEED, FIRST_TOKEN_MARGIN, OpenAIBackend
from interviewer.llm.service import BackendHealth
from interviewer.session import Event, GradeWorking, GradingProgress, StartOptions
from interviewer.storage import fitness_store
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore
from interviewer.terminal import TerminalFrontEnd
from tests import factories
from tests.fake_openai_server import (
    FakeOpenAIServer,
    error,
    hang,
    json_content,
    raw,
    schema_rejected_500,
    slow,
    text,
    trickle,
)
from tests.gui_helpers import make_app, small_library, start

MODEL = "fake-model"
GOOD = factories.draft(score=4, quote="Bias underfits").model_dump()


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake


def make(server: FakeOpenAIServer, **kw: Any) -> OpenAIBackend:
    options: dict[str, Any] = {
        "api_key": None,
        "model": MODEL,
        "base_url": server.base_url,
        "timeout": 2.0,
        "gap_timeout": 1.0,
        "connect_timeout": 1.0,
        "max_retries": 0,
        "provider_label": "Ollama",
    }
    options.update(kw)
    return OpenAIBackend(**options)


def grade_request() -> GradeRequest:
    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )
    return GradeRequest(1, factories.question(), factories.rubric(), exchange)


def turn_request() -> TurnRequest:
    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def pieces(content: str, n: int) -> list[str]:
    """`content` in `n` pieces (joined, they are the content again)."""
    size = -(-len(content) // n)
    out = [content[i : i + size] for i in range(0, len(content), size)]
    assert "".join(out) == content and len(out) == n
    return out


def grade_stream(n: int, gap: float) -> Any:
    content = json.dumps(GOOD)
    return slow(text(content, chunks=pieces(content, n)), chunk_delay=gap)


# --------------------------------------------------------------------------- steady streams


def test_a_slow_but_steady_grade_completes_past_every_wall_clock_setting(
    server: FakeOpenAIServer,
) -> None:
    """40 pieces at 0.2 s (8 s in all) with a 2 s time-out, a 3 s gap budget (room for a
    test machine shared by many workers) and the service's watchdog (whose old limit,
    5 s, was a total for a grade): the grade is the model's, finalized, and progress was
    told with growing token counts."""
    server.enqueue(grade_stream(40, 0.2))
    backend = make(server, gap_timeout=3.0)
    seen: list[Progress] = []
    started = time.monotonic()
    grade = service.grade(
        backend,
        grade_request(),
        OfflineCoach(),
        health=BackendHealth(),
        on_progress=seen.append,
    )
    took = time.monotonic() - started
    backend.close()
    assert isinstance(grade, Grade)
    assert "offline_fallback" not in grade.flags, grade.summary
    assert grade.backend == backend.name
    assert took > backend.call_deadline  # longer than any old total limit
    assert took > 7.0
    body = server.chat_bodies[0]
    assert body["stream"] is True and body["response_format"]["type"] == "json_schema"
    writing = [p for p in seen if p.phase == "writing"]
    assert len(writing) >= 5
    counts = [p.tokens for p in writing]
    assert counts == sorted(counts) and counts[-1] > counts[0] > 0
    assert all(p.silence_limit == pytest.approx(3.0) for p in writing)
    assert seen[0].phase == "waiting" and seen[0].tokens == 0
    assert all(p.left is not None and p.left >= 0 for p in writing)
    # The generation speed was learned from the stream (the prompt speed needs a time to
    # the first token long enough to measure: see the measured-prompt-speed test).
    assert backend.speeds.generation_speed() is not None


def test_a_slow_but_steady_turn_streams_to_the_end(server: FakeOpenAIServer) -> None:
    words = " ".join(f"w{i}" for i in range(20)) + "?"
    server.enqueue(slow(text(words), chunk_delay=0.2))
    backend = make(server)
    shown: list[str] = []
    reply = service.interviewer_turn(
        backend, turn_request(), OfflineCoach(), shown.append, health=BackendHealth()
    )
    backend.close()
    assert reply == words == "".join(shown)


# --------------------------------------------------------------------------- silence


def test_first_token_budget_grows_with_the_prompt_and_the_prompt_speed(
    server: FakeOpenAIServer,
) -> None:
    backend = make(server, timeout=2.0, prompt_speed=100.0)
    assert backend.first_token_budget(0) == 2.0
    assert backend.first_token_budget(1000) == pytest.approx(2.0 + FIRST_TOKEN_MARGIN * 10)
    unknown = make(server)
    assert unknown.first_token_budget(1000) == 2.0  # no speed known: the time-out alone
    backend.close()
    unknown.close()


def test_a_server_silent_before_the_first_token_is_abandoned_within_its_budget(
    server: FakeOpenAIServer,
) -> None:
    """No headers at all (a hung server): the socket's read time-out is the budget."""
    server.enqueue(hang())
    backend = make(server, timeout=0.3, gap_timeout=0.3, prompt_speed=1e9)
    started = time.monotonic()
    with pytest.raises(BackendTimeout, match=r"did not answer within 0\.3 seconds"):
        backend.grade(grade_request())
    assert time.monotonic() - started < 3.0
    backend.close()


def test_a_server_that_only_keeps_the_connection_alive_is_abandoned_within_its_budget(
    server: FakeOpenAIServer,
) -> None:
    """Headers, then keep-alive comments (which the SSE client swallows): the watch shuts
    the socket at the first-token budget, sized to the prompt at the given speed."""
    server.enqueue(trickle(0.05))
    backend = make(server, timeout=0.3, prompt_speed=20_000.0)
    started = time.monotonic()
    with pytest.raises(BackendTimeout, match="kept the connection open") as info:
        backend.grade(grade_request())
    took = time.monotonic() - started
    budget = backend.first_token_budget(backend.last_prompt_tokens)
    assert budget > 0.3
    assert f"{round(budget, 1):g} seconds" in str(info.value)
    assert budget - 0.05 < took < budget + 3.0
    backend.close()


def test_a_stream_that_stalls_mid_way_is_abandoned_after_the_gap(
    server: FakeOpenAIServer,
) -> None:
    """The first piece at once, then 20 s of silence: given up about 1 s after it."""
    content = json.dumps(GOOD)
    server.enqueue(slow(text(content, chunks=pieces(content, 2)), chunk_delay=20.0))
    backend = make(server, timeout=2.0, gap_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BackendTimeout, match=r"stopped writing.*within 1 seconds"):
        backend.grade(grade_request())
    took = time.monotonic() - started
    assert 0.9 < took < 5.0
    backend.close()


def test_the_service_falls_back_to_the_coach_after_a_stall_and_says_why(
    server: FakeOpenAIServer,
) -> None:
    content = json.dumps(GOOD)
    server.enqueue(slow(text(content, chunks=pieces(content, 2)), chunk_delay=20.0))
    backend = make(server, timeout=2.0, gap_timeout=0.5)
    grade = service.grade(backend, grade_request(), OfflineCoach(), health=BackendHealth())
    backend.close()
    assert "offline_fallback" in grade.flags
    assert "stopped writing" in grade.summary


# --------------------------------------------------------------------------- structured streams


def test_a_streamed_grade_goes_through_validation_and_the_repair_round(
    server: FakeOpenAIServer,
) -> None:
    """A streamed reply that is not the grade asked for gets the one repair round, also
    streamed; the repaired grade is used."""
    bad: dict[str, Any] = {"criteria": []}
    server.enqueue(json_content(bad), json_content(GOOD))
    backend = make(server)
    response = backend.grade(grade_request())
    backend.close()
    assert response.repair_rounds == 1
    assert [c.criterion_id for c in response.result.criteria] == ["correctness", "depth"]
    assert all(b["stream"] is True for b in server.chat_bodies)


def test_the_mode_walk_still_works_with_streaming(server: FakeOpenAIServer) -> None:
    server.enqueue(schema_rejected_500(), json_content(GOOD))
    backend = make(server)
    response = backend.grade(grade_request())
    assert response.mode == "json_object"
    assert backend.structured_mode == "json_object"
    first, second = server.chat_bodies
    assert first["response_format"]["type"] == "json_schema" and first["stream"] is True
    assert second["response_format"] == {"type": "json_object"} and second["stream"] is True
    backend.close()


def test_a_server_that_refuses_stream_for_structured_calls_is_asked_plainly_from_then_on(
    server: FakeOpenAIServer,
) -> None:
    server.enqueue(
        error(400, "stream is not supported together with response_format"),
        json_content(GOOD),
        json_content(GOOD),
    )
    backend = make(server)
    assert backend.grade(grade_request()).result.criteria
    assert backend.grade(grade_request()).result.criteria
    backend.close()
    bodies = server.chat_bodies
    assert len(bodies) == 3
    assert bodies[0]["stream"] is True
    assert "stream" not in bodies[1] and "stream" not in bodies[2]
    assert bodies[1]["response_format"]["type"] == "json_schema"  # the mode was kept


def test_a_server_that_ignores_stream_and_sends_a_whole_body_is_read(
    server: FakeOpenAIServer,
) -> None:
    completion = {
        "id": "x",
        "object": "chat.completion",
        "created": 1,
        "model": "served-name",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": json.dumps(GOOD)},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }
    server.enqueue(raw(json.dumps(completion).encode()))
    backend = make(server)
    response = backend.grade(grade_request())
    backend.close()
    assert response.result.criteria and response.model == "served-name"
    assert response.usage.completion_tokens == 7


def test_a_streamed_grade_cut_by_the_token_limit_is_cut_off(server: FakeOpenAIServer) -> None:
    content = json.dumps(GOOD)
    server.enqueue(text(content, finish="length"))
    backend = make(server)
    with pytest.raises(BackendError, match=r"(?i)cut off|broke off|limit") as info:
        backend.grade(grade_request())
    backend.close()
    assert info.value.retryable


def test_progress_reaches_a_scope_on_the_calling_thread(server: FakeOpenAIServer) -> None:
    """The backend reports into the scope opened on its thread (what the service does)."""
    server.enqueue(json_content({"reason": "vague", "follow_up": False, "question": ""}))
    backend = make(server)
    seen: list[Progress] = []
    request = FollowUpRequest(
        factories.track(limit=1), factories.question(), grade_request().exchange, 0, 1
    )
    with progress_scope(seen.append):
        decision = backend.follow_up(request)
    backend.close()
    assert decision.result.follow_up is False
    assert seen[0].phase == "waiting" and seen[-1].phase == "writing"
    assert seen[-1].tokens > 0


def test_a_measured_prompt_speed_sizes_the_next_first_token_budget(
    server: FakeOpenAIServer,
) -> None:
    """A server that takes 0.5 s to the first token of an N-token prompt reads about
    2N tokens a second; the next budget allows that reading time twice over."""
    server.enqueue(slow(json_content(GOOD), 0.5))
    backend = make(server, timeout=1.0)
    backend.grade(grade_request())
    tokens = backend.last_prompt_tokens
    speed = backend.speeds.prompt_speed()
    assert speed is not None and speed < tokens / 0.45
    assert backend.first_token_budget(tokens) > 1.0 + FIRST_TOKEN_MARGIN * 0.45
    backend.close()


# --------------------------------------------------------------------------- record / replay


def _completion_body(content: str) -> str:
    return json.dumps(
        {
            "id": "x",
            "object": "chat.completion",
            "created": 1,
            "model": "recorded-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
        }
    )


def _sse_body(content: str) -> str:
    def event(delta: dict[str, Any], finish: str | None = None) -> str:
        chunk = {
            "id": "x",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "recorded-model",
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }
        return f"data: {json.dumps(chunk)}\n\n"

    half = len(content) // 2
    return (
        event({"role": "assistant", "content": content[:half]})
        + event({"content": content[half:]})
        + event({}, "stop")
        + "data: [DONE]\n\n"
    )


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", _completion_body), ("text/event-stream", _sse_body)],
    ids=["old-non-streamed-recording", "streamed-recording"],
)
def test_recorded_grades_replay_whether_recorded_before_or_after_streaming(
    content_type: str, body: Any
) -> None:
    request = grade_request()
    sent: list[dict[str, Any]] = []

    class Spy(rp.ReplayTransport):
        def handle_request(self, req: Any) -> Any:
            sent.append(json.loads(req.content))
            return super().handle_request(req)

    exchange = {
        "path": "/v1/chat/completions",
        "format": "json_schema",
        "body_hash": "filled-below",
        "status": 200,
        "content_type": content_type,
        "body": body(json.dumps(GOOD)),
    }
    record = {"model_requested": MODEL, "max_retries": 0, "exchanges": [exchange]}
    replayed = rp.replay(record, request)
    assert replayed.grade is not None and not replayed.error
    assert "offline_fallback" not in replayed.grade.flags
    assert not replayed.overrun
    # The body hash leaves out how the reply travels, so an old recording of the same
    # request is not counted as answering a changed prompt.
    spy = Spy([dict(exchange)])
    backend = OpenAIBackend(
        None, MODEL, base_url=rp.REPLAY_URL, max_retries=0, http_client=httpx2.Client(transport=spy)
    )
    backend.grade(request)
    backend.close()
    assert sent[0]["stream"] is True
    unstreamed = {k: v for k, v in sent[0].items() if k not in ("stream", "stream_options")}
    assert rp._body_hash(sent[0]) == rp._sha(unstreamed)


# --------------------------------------------------------------------------- speeds at start


def test_make_backend_starts_from_a_remembered_check_else_the_default_prompt_speed() -> None:
    url = "http://127.0.0.1:9/v1"
    fresh = make_backend(Settings(model="m"), SecretStore(), base_url=url).backend
    assert isinstance(fresh, OpenAIBackend)
    assert fresh.speeds.prompt_speed() == DEFAULT_PROMPT_SPEED
    assert fresh.speeds.generation_speed() is None
    fresh.close()
    path = fitness_store.fitness_file(app_paths().settings_file)
    fitness_store.remember(path, url, "m", {"prompt_speed": 120.0, "generation_speed": 8.5})
    known = make_backend(Settings(model="m"), SecretStore(), base_url=url).backend
    assert isinstance(known, OpenAIBackend)
    assert known.speeds.prompt_speed() == 120.0
    assert known.speeds.generation_speed() == 8.5
    assert known.first_token_budget(1200) == pytest.approx(known.timeout + FIRST_TOKEN_MARGIN * 10)
    known.close()


# --------------------------------------------------------------------------- the session


def _kind(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name", "")
    blob = json.dumps(body.get("messages", []))
    if name == "GradeDraft" or "GradeDraft" in blob:
        return "grade"
    if name == "FollowUpDecision" or "FollowUpDecision" in blob:
        return "follow_up"
    return "turn"


def test_the_session_tells_how_a_slow_grade_is_getting_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Through the terminal: a grade streamed over ~3 s reaches the session as
    GradeWorking events (growing tokens, a time left), the terminal's status lines on
    stderr say "grading answer 1: N tokens so far", and the grade is the model's."""
    lib = small_library(count=1)
    events: list[Event] = []
    with FakeOpenAIServer(models=[MODEL]) as server:

        def route(body: dict[str, Any]) -> Any:
            kind = _kind(body)
            if kind == "grade":
                return grade_stream(15, 0.2)
            if kind == "follow_up":
                return json_content({"reason": "ok", "follow_up": False, "question": ""})
            return text("Explain bias and variance?")

        server.router = route
        backend = make(server, timeout=5.0, gap_timeout=3.0)
        store = SessionStore(tmp_path / "s.sqlite3")
        front = TerminalFrontEnd(
            lib,
            store,
            argparse.Namespace(),
            io.StringIO("Bias is error from wrong assumptions.\n.\n"),
            io.StringIO(),
            backends=(backend, OfflineCoach()),
        )
        front.session.subscribe(events.append)
        monkey = pytest.MonkeyPatch()
        monkey.setattr(terminal, "STATUS_EVERY", 0.0)
        try:
            results = front.run(lambda s: s.start(StartOptions("t", follow_ups=False)))
        finally:
            monkey.undo()
            store.close()
            backend.close()
    working = [e for e in events if isinstance(e, GradeWorking)]
    assert working and all(e.answer == 1 for e in working)
    tokens = [e.tokens for e in working]
    assert tokens == sorted(tokens) and tokens[-1] > 0
    assert any(e.left is not None for e in working if e.tokens)
    grade = results.records[0].grade
    assert grade is not None and "offline_fallback" not in grade.flags
    err = capsys.readouterr().err
    assert re.search(r"grading answer 1: \d+ tokens so far, about \d+ s left", err)
    assert GradeWorking("q", 3, 340, 12.0, 40.2).text() == (
        "grading answer 3: 340 tokens so far, about 40 s left"
    )


def test_the_window_shows_how_a_grade_is_getting_on(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    start(qtbot, app)
    app.controller._on_event(GradeWorking("q1", 2, 340, 12.0, 40.0))
    assert app.window.grading_status.text() == (
        "Grading answer 2: 340 tokens so far, about 40 s left"
    )
    app.controller._on_event(GradingProgress(2, 2))
    assert app.window.grading_status.text() == "Graded 2 of 2 answers so far"


def test_a_stall_behind_keep_alive_comments_is_abandoned_after_the_gap(
    server: FakeOpenAIServer,
) -> None:
    """One piece, then only ': ping' comments every 0.1 s (as sse-starlette sends them):
    every read succeeds, yet the watch gives the reply up about 1 s after its last token
    and says it stopped writing."""
    content = json.dumps(GOOD)
    server.enqueue(slow(text(content, chunks=pieces(content, 2)), chunk_delay=20.0, ping=0.1))
    backend = make(server, timeout=2.0, gap_timeout=1.0)
    started = time.monotonic()
    with pytest.raises(BackendTimeout, match=r"stopped writing.*within 1 seconds"):
        backend.grade(grade_request())
    assert 0.9 < time.monotonic() - started < 5.0
    backend.close()


def test_a_steady_stream_with_keep_alive_comments_between_tokens_completes(
    server: FakeOpenAIServer,
) -> None:
    content = json.dumps(GOOD)
    server.enqueue(slow(text(content, chunks=pieces(content, 6)), chunk_delay=0.5, ping=0.1))
    backend = make(server, timeout=1.0, gap_timeout=2.0)
    assert backend.grade(grade_request()).result.criteria
    backend.close()
