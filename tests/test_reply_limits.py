"""Every request limits its reply to what that kind of call needs (issue 15).

A small local model asked for a grade without a limit wrote 5,431 tokens and never
finished. So each call sends `max_tokens` (local servers) or `max_completion_tokens`
(OpenAI, whose newer models refuse the old name), sized by `core.budget.REPLY_TOKENS`,
and a reply that reaches the limit is treated as cut off.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from interviewer.core.budget import MIN_REPLY_TOKENS, REPLY_TOKENS
from interviewer.core.errors import BackendError
from interviewer.core.models import Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.openai_backend import REASONING_EXTRA_TOKENS, OpenAIBackend
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, error, json_content, text

MODEL = "fake-model"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake
    assert fake.errors == [], "the fake server crashed while answering"


def backend_for(server: FakeOpenAIServer, **kw: Any) -> OpenAIBackend:
    options: dict[str, Any] = {
        "api_key": None,
        "model": MODEL,
        "base_url": server.base_url,
        "timeout": 5.0,
        "connect_timeout": 1.0,
        "max_retries": 0,
        "provider_label": "llama.cpp",
    }
    options.update(kw)
    return OpenAIBackend(**options)


def exchange() -> tuple[Turn, ...]:
    return (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )


def test_each_kind_of_call_sends_its_own_limit(server: FakeOpenAIServer) -> None:
    server.enqueue(
        text("Tell me about bias and variance."),
        json_content(factories.follow().model_dump()),
        json_content(factories.draft(score=3, quote="Bias underfits").model_dump()),
    )
    backend = backend_for(server)
    try:
        backend.interviewer_turn(
            TurnRequest("question", factories.track(), factories.question(), 0, 2)
        )
        backend.follow_up(
            FollowUpRequest(factories.track(), factories.question(), exchange(), 0, 1)
        )
        backend.grade(GradeRequest(1, factories.question(), factories.rubric(), exchange()))
    finally:
        backend.close()
    limits = [body.get("max_tokens") for body in server.chat_bodies]
    assert limits == [REPLY_TOKENS["turn"], REPLY_TOKENS["follow_up"], REPLY_TOKENS["grade"]]
    assert all("max_completion_tokens" not in body for body in server.chat_bodies)


def test_a_grade_cut_at_its_limit_is_an_error_not_a_grade(server: FakeOpenAIServer) -> None:
    server.enqueue(text('{"criteria": [{"criterion_id": "correctness", "evi', finish="length"))
    backend = backend_for(server)
    try:
        with pytest.raises(BackendError, match=r"(?i)cut off|limit|length"):
            backend.grade(GradeRequest(1, factories.question(), factories.rubric(), exchange()))
    finally:
        backend.close()


def test_a_server_that_wants_the_other_name_gets_it_and_keeps_it(
    server: FakeOpenAIServer,
) -> None:
    server.enqueue(
        error(
            400,
            "Unsupported parameter: 'max_tokens'. Use 'max_completion_tokens'.",
            param="max_tokens",
        ),
        text("First question."),
        text("Second question."),
    )
    backend = backend_for(server)
    try:
        request = TurnRequest("question", factories.track(), factories.question(), 0, 2)
        assert backend.interviewer_turn(request).result == "First question."
        assert backend.interviewer_turn(request).result == "Second question."
    finally:
        backend.close()
    bodies = server.chat_bodies
    assert "max_tokens" in bodies[0] and "max_completion_tokens" not in bodies[0]
    assert bodies[1]["max_completion_tokens"] == REPLY_TOKENS["turn"]
    assert bodies[2]["max_completion_tokens"] == REPLY_TOKENS["turn"]
    assert "max_tokens" not in bodies[1] and "max_tokens" not in bodies[2]


def _openai_limits(model: str) -> dict[str, Any]:
    """The body OpenAI itself (no base_url) receives for a grade, through MockTransport."""
    seen: list[dict[str, Any]] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        import json

        seen.append(json.loads(request.content))
        draft = factories.draft(score=3, quote="Bias underfits").model_dump_json()
        body = {
            "id": "x",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": draft},
                    "finish_reason": "stop",
                }
            ],
        }
        return httpx2.Response(200, json=body)

    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    backend = OpenAIBackend(api_key="sk-test-123456789", model=model, http_client=client)
    try:
        backend.grade(GradeRequest(1, factories.question(), factories.rubric(), exchange()))
    finally:
        backend.close()
    return seen[0]


def test_openai_gets_max_completion_tokens_and_reasoning_models_more_room() -> None:
    plain = _openai_limits("gpt-4o-mini")
    assert plain["max_completion_tokens"] == REPLY_TOKENS["grade"]
    assert "max_tokens" not in plain
    thinking = _openai_limits("o4-mini")
    assert thinking["max_completion_tokens"] == REPLY_TOKENS["grade"] + REASONING_EXTRA_TOKENS


def test_the_limit_never_exceeds_what_the_context_window_leaves(
    server: FakeOpenAIServer,
) -> None:
    backend = backend_for(server, context_window=4_096)
    try:
        assert backend.reply_limit("grade", prompt_tokens=3_000) == 1_096
        assert backend.reply_limit("grade", prompt_tokens=100) == REPLY_TOKENS["grade"]
        assert backend.reply_limit("grade", prompt_tokens=4_000) == MIN_REPLY_TOKENS
        assert backend.reply_limit("unknown-kind") == REPLY_TOKENS["turn"]
    finally:
        backend.close()
