"""OpenAIBackend against a loopback fake server (streams, faults) and httpx2.MockTransport."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx2
import pytest

from interviewer.core.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadResponse,
    Cancelled,
    ModelNotFound,
    RateLimited,
    ServerError,
)
from interviewer.core.models import FollowUpDecision, GradeDraft, Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm import errors_map
from interviewer.llm.base import Backend, CancelToken
from interviewer.llm.openai_backend import OpenAIBackend
from tests import factories
from tests.fake_openai_server import (
    FakeOpenAIServer,
    closed_port,
    cut,
    error,
    hang,
    json_content,
    schema_rejected_500,
    text,
)

MODEL = "fake-model"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=["alpha", MODEL]) as fake:
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


def turn_request() -> TurnRequest:
    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def grade_request() -> GradeRequest:
    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )
    return GradeRequest(1, factories.question(), factories.rubric(), exchange)


def follow_request(asked: int = 0, limit: int = 1) -> FollowUpRequest:
    return FollowUpRequest(
        factories.track(limit=limit), factories.question(), grade_request().exchange, asked, limit
    )


GOOD = factories.draft(score=4, quote="Bias underfits").model_dump()


def last_user(body: dict[str, Any]) -> str:
    content = body["messages"][-1]["content"]
    assert body["messages"][-1]["role"] == "user"
    return str(content)


# --------------------------------------------------------------------------- streaming


def test_is_a_backend(make: Callable[..., OpenAIBackend]) -> None:
    backend = make()
    assert isinstance(backend, Backend)
    assert backend.name == f"ollama:{MODEL}"
    assert backend.label == f"Ollama · {MODEL}"


def test_stream_deltas_arrive_in_order(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    pieces = ["Hel", "lo, I am ", "your interviewer", ". First", " question."]
    server.enqueue(text("".join(pieces), chunks=pieces))
    seen: list[str] = []
    result = make(temperature=0.3).interviewer_turn(turn_request(), seen.append).result
    assert seen == pieces
    assert result == "".join(pieces)
    body = server.chat_bodies[0]
    assert body["stream"] is True
    assert body["model"] == MODEL
    assert body["temperature"] == 0.3
    assert body["messages"][0]["role"] == "system"
    assert "stream_options" not in body  # local servers may reject OpenAI-only options


def test_cancel_mid_stream_raises_and_stops(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    pieces = [f"w{i} " for i in range(8)]
    server.enqueue(text("".join(pieces), chunks=pieces))
    token = CancelToken()
    seen: list[str] = []

    def on_delta(piece: str) -> None:
        seen.append(piece)
        if len(seen) == 2:
            token.cancel()

    with pytest.raises(Cancelled):
        make().interviewer_turn(turn_request(), on_delta, token)
    assert seen == pieces[:2]


def test_cancel_before_start_sends_nothing(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        make().interviewer_turn(turn_request(), None, token)
    assert server.chat_bodies == []


def test_cut_stream_is_a_retryable_drop(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(cut(["Hello", " there"]))
    seen: list[str] = []
    with pytest.raises(ServerError) as info:
        make().interviewer_turn(turn_request(), seen.append)
    assert seen == ["Hello", " there"]
    assert info.value.retryable
    assert "dropped in the middle of a reply" in str(info.value)


def test_empty_stream_is_a_bad_response(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(text("", chunks=[]))
    with pytest.raises(BadResponse, match="empty reply"):
        make().interviewer_turn(turn_request())


def test_usage_totals_add_up(server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]) -> None:
    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "total_tokens": 120,
        "prompt_tokens_details": {"cached_tokens": 64},
    }
    server.enqueue(text("Hi there.", usage=usage), json_content(GOOD, usage=usage))
    backend = make()
    backend.interviewer_turn(turn_request())
    backend.grade(grade_request())
    assert backend.usage_totals == {
        "requests": 2,
        "prompt_tokens": 200,
        "cached_tokens": 128,
        "completion_tokens": 40,
    }


# --------------------------------------------------------------------------- structured output


def test_grade_uses_strict_json_schema_at_temperature_zero(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(json_content(GOOD))
    backend = make()
    draft = backend.grade(grade_request()).result
    assert draft == GradeDraft.model_validate(GOOD)
    body = server.chat_bodies[0]
    assert body["temperature"] == 0.0
    fmt = body["response_format"]
    assert fmt["type"] == "json_schema"
    assert fmt["json_schema"]["strict"] is True
    assert fmt["json_schema"]["name"] == "GradeDraft"
    assert "criteria" in fmt["json_schema"]["schema"]["properties"]
    assert backend.structured_mode == "json_schema"


@pytest.mark.parametrize(
    "rejection",
    [
        error(400, "response_format.type json_schema is not supported"),
        error(422, "unknown field json_schema"),
        schema_rejected_500(),
    ],
    ids=["400", "422", "500"],
)
def test_falls_back_to_json_object_without_burning_retries(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend], rejection: Any
) -> None:
    server.enqueue(rejection, json_content(GOOD))
    backend = make(max_retries=2)
    assert backend.grade(grade_request()).result.criteria[0].score == 4
    bodies = server.chat_bodies
    assert len(bodies) == 2  # one rejected probe, no client retries of it
    assert bodies[1]["response_format"] == {"type": "json_object"}
    assert "JSON Schema" in last_user(bodies[1])  # the shape travels in the prompt instead
    assert backend.structured_mode == "json_object"

    # The mode is remembered: the next call goes straight to json_object.
    server.enqueue(json_content(GOOD))
    backend.grade(grade_request())
    assert server.chat_bodies[2]["response_format"] == {"type": "json_object"}


def test_prompt_only_fallback_parses_json_from_prose(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    reply = "Here is the grade:\n```json\n" + json.dumps(GOOD) + "\n```"
    server.enqueue(error(400, "no json_schema"), error(400, "no json_object"), text(reply))
    backend = make()
    assert backend.grade(grade_request()).result == GradeDraft.model_validate(GOOD)
    third = server.chat_bodies[2]
    assert "response_format" not in third
    assert '"injection_attempt"' in last_user(third)  # the schema is in the prompt
    assert backend.structured_mode == "prompt"


def test_one_repair_then_success(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    bad = json.dumps({"criteria": "all good", "summary": "fine"})
    server.enqueue(text(bad), json_content(GOOD))
    assert make().grade(grade_request()).result.summary == "ok"
    first, repair = server.chat_bodies
    assert repair["messages"][: len(first["messages"])] == first["messages"]
    assert repair["messages"][-2] == {"role": "assistant", "content": bad}
    assert "could not be used" in last_user(repair)
    assert "criteria" in last_user(repair)  # the validation problem is named
    assert repair["response_format"]["type"] == "json_schema"


def test_missing_criterion_triggers_repair(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    partial = dict(GOOD, criteria=GOOD["criteria"][:1])
    server.enqueue(json_content(partial), json_content(GOOD))
    draft = make().grade(grade_request()).result
    assert [c.criterion_id for c in draft.criteria] == ["correctness", "depth"]
    assert "missing: depth" in last_user(server.chat_bodies[1])


def test_failed_repair_is_bad_response(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(text("I think the answer deserves a 4."), text("{not json"))
    with pytest.raises(BadResponse) as info:
        make().grade(grade_request())
    assert info.value.retryable
    assert "even after one correction" in str(info.value)
    assert len(server.chat_bodies) == 2  # exactly one repair


def test_follow_up_decision(server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]) -> None:
    decision = {"reason": "vague", "follow_up": True, "question": "How would you detect it?"}
    server.enqueue(json_content(decision))
    result = make(temperature=0.5).follow_up(follow_request()).result
    assert result == FollowUpDecision.model_validate(decision)
    body = server.chat_bodies[0]
    assert body["response_format"]["json_schema"]["name"] == "FollowUpDecision"
    assert body["temperature"] == 0.5


def test_follow_up_true_without_question_is_repaired(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(
        json_content({"reason": "r", "follow_up": True, "question": ""}),
        json_content({"reason": "r", "follow_up": False, "question": ""}),
    )
    assert make().follow_up(follow_request()).result.follow_up is False
    assert "question is empty" in last_user(server.chat_bodies[1])


def test_follow_up_at_limit_makes_no_call(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    assert make().follow_up(follow_request(asked=2, limit=2)).result.follow_up is False
    assert server.chat_bodies == []


def test_auth_error_during_probe_is_not_a_fallback(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(error(401, "Incorrect API key provided", code="invalid_api_key"))
    with pytest.raises(AuthenticationFailed):
        make().grade(grade_request())
    assert len(server.chat_bodies) == 1


def test_unsupported_temperature_is_dropped_and_remembered(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(
        error(400, "Unsupported value: 'temperature' does not support 0", param="temperature"),
        json_content(GOOD),
        text("Next question."),
    )
    backend = make()
    backend.grade(grade_request())
    backend.interviewer_turn(turn_request())
    first, second, third = server.chat_bodies
    assert first["temperature"] == 0.0
    assert "temperature" not in second and "temperature" not in third
    assert second["response_format"]["type"] == "json_schema"


# --------------------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    ("reply", "cls", "retryable", "message"),
    [
        (
            error(401, "Incorrect API key", code="invalid_api_key"),
            AuthenticationFailed,
            False,
            "The API key was rejected (401). Check it in Settings or OPENAI_API_KEY.",
        ),
        (
            error(404, "model 'fake-model' not found", code="model_not_found"),
            ModelNotFound,
            False,
            "Model 'fake-model' is not available on this server",
        ),
        (
            error(429, "slow down", code="rate_limit_exceeded", headers={"retry-after": "3"}),
            RateLimited,
            True,
            "(429). Wait a moment and try again.",
        ),
        (
            error(429, "You exceeded your quota", code="insufficient_quota"),
            RateLimited,
            False,
            "no quota left",
        ),
        (
            error(500, "boom", type_="server_error"),
            ServerError,
            True,
            "Ollama had an internal error (HTTP 500)",
        ),
        (
            error(400, "too many tokens", code="context_length_exceeded"),
            BackendError,
            False,
            "longer than model 'fake-model' can read",
        ),
        (
            error(400, "bad thing"),
            BackendError,
            False,
            "Ollama rejected the request (400): bad thing",
        ),
    ],
    ids=["401", "404", "429", "429-quota", "500", "400-context", "400"],
)
def test_status_errors_map_to_core_errors(
    server: FakeOpenAIServer,
    make: Callable[..., OpenAIBackend],
    reply: Any,
    cls: type[BackendError],
    retryable: bool,
    message: str,
) -> None:
    server.enqueue(reply)
    with pytest.raises(BackendError) as info:
        make().interviewer_turn(turn_request())
    assert type(info.value) is cls
    assert info.value.retryable is retryable
    assert message in str(info.value)
    if isinstance(info.value, RateLimited) and retryable:
        assert info.value.retry_after == 3.0


def test_connection_refused_says_what_to_do(make: Callable[..., OpenAIBackend]) -> None:
    port = closed_port()
    url = f"http://127.0.0.1:{port}/v1"
    with pytest.raises(BackendUnavailable) as info:
        make(base_url=url).interviewer_turn(turn_request())
    assert info.value.retryable
    assert str(info.value) == (
        f"No server answered at {url}. Is Ollama running? Start it or pick another provider "
        "in Settings."
    )


def test_generic_label_names_the_server(make: Callable[..., OpenAIBackend]) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(BackendUnavailable, match="Is the server running"):
        make(base_url=url, provider_label="Custom server").grade(grade_request())


def test_hanging_server_times_out(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(hang())
    with pytest.raises(BackendTimeout) as info:
        make(timeout=0.2).interviewer_turn(turn_request())
    assert info.value.retryable
    assert "did not answer within 0.2 seconds" in str(info.value)


def test_missing_key_for_openai_is_reported_at_construction() -> None:
    with pytest.raises(AuthenticationFailed, match="OPENAI_API_KEY"):
        OpenAIBackend(api_key=None, model="gpt-4o-mini")


def test_error_table_prefers_the_nearest_class() -> None:
    timeout = errors_map.lookup(["APITimeoutError", "APIConnectionError", "APIError"], None)
    assert timeout.error is BackendTimeout
    dropped = errors_map.lookup(["APIConnectionError", "APIError"], errors_map.MID_STREAM)
    assert dropped.error is ServerError
    assert errors_map.lookup(["SomethingElse"], None) is errors_map.FALLBACK


def test_every_table_message_formats() -> None:
    fields: dict[str, Any] = {
        "provider": "P",
        "model": "m",
        "base_url": "u",
        "status": 500,
        "detail": "d {braces} stay",
        "timeout": "1",
        "reach_hint": "h",
    }
    rows = [*errors_map.ERRORS.values(), *errors_map.BY_CODE.values(), errors_map.FALLBACK]
    for info in rows:
        err = errors_map.build_error(info, **fields)
        assert isinstance(err, info.error)
        assert err.retryable is info.retryable
        assert "{" not in str(err).replace("{braces}", "")


# --------------------------------------------------------------------------- settings helpers


def test_list_models_and_test_connection(make: Callable[..., OpenAIBackend]) -> None:
    backend = make()
    assert backend.list_models() == ["alpha", MODEL]
    assert "Model 'fake-model' is available (2 models in all)" in backend.test_connection()


def test_test_connection_pings_an_unlisted_model(
    server: FakeOpenAIServer, make: Callable[..., OpenAIBackend]
) -> None:
    server.enqueue(text("OK"))
    assert "'other' answered" in make(model="other").test_connection()
    server.enqueue(error(404, "model 'other' not found"))
    with pytest.raises(ModelNotFound, match="It offers: alpha, fake-model"):
        make(model="other").test_connection()


# --------------------------------------------------------------------------- MockTransport


def mock_backend(handler: Callable[[httpx2.Request], httpx2.Response], **kw: Any) -> OpenAIBackend:
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return OpenAIBackend(model="gpt-test", max_retries=0, http_client=client, **kw)


def completion(content: str) -> dict[str, Any]:
    return {
        "id": "c",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-test",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
    }


def test_openai_proper_sends_key_and_asks_for_stream_usage() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        chunk = {
            "id": "c",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": "gpt-test",
            "choices": [{"index": 0, "delta": {"content": "Hi."}, "finish_reason": "stop"}],
        }
        body = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
        return httpx2.Response(
            200, content=body.encode(), headers={"content-type": "text/event-stream"}
        )

    backend = mock_backend(handler, api_key="sk-test")
    try:
        assert backend.interviewer_turn(turn_request()).result == "Hi."
    finally:
        backend.close()
    request = seen[0]
    assert request.url.host == "api.openai.com"
    assert request.headers["authorization"] == "Bearer sk-test"
    assert json.loads(request.content)["stream_options"] == {"include_usage": True}
    assert backend.name == "openai:gpt-test"


def test_local_server_gets_a_placeholder_key() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=completion(json.dumps(GOOD)))

    backend = mock_backend(handler, api_key=None, base_url="http://local.test/v1")
    try:
        backend.grade(grade_request())
    finally:
        backend.close()
    assert seen[0].headers["authorization"] == "Bearer not-needed"
    assert str(seen[0].url) == "http://local.test/v1/chat/completions"


def test_permission_denied_maps_without_network() -> None:
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(403, json={"error": {"message": "no access", "type": "x"}})

    backend = mock_backend(handler, api_key="sk-test")
    try:
        with pytest.raises(AuthenticationFailed, match=r"may not use model 'gpt-test' \(403\)"):
            backend.follow_up(follow_request())
    finally:
        backend.close()
