"""The token budget: prompts fit the window, whole messages only, flat over an interview."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from interviewer.core import budget
from interviewer.core.budget import (
    DEFAULT_CONTEXT_WINDOW,
    PromptBudget,
    PromptTooLong,
    context_window,
    trim_summary,
)
from interviewer.core.engine import (
    Finished,
    InterviewEngine,
    NeedAnswer,
    NeedFollowUp,
    NeedGrades,
    NeedTurn,
)
from interviewer.core.models import FollowUpDecision, Turn
from interviewer.core.prompts import ChatChunks, Message
from interviewer.core.requests import GradeRequest, TurnRequest
from interviewer.core.tokens import count_messages
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.storage.content_files import load_library
from interviewer.storage.prompt_files import default_library
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, json_content, text

MODEL = "fake-model"


# --------------------------------------------------------------------------- windows


@pytest.mark.parametrize(
    ("model", "override", "window"),
    [
        ("gpt-4o-mini", None, 128_000),
        ("gpt-4o-2024-08-06", None, 128_000),
        ("gpt-4-0613", None, 8_192),
        ("gpt-4-turbo-2024-04-09", None, 128_000),
        ("gpt-4.1-mini-2025-04-14", None, 1_047_576),
        ("llama3.1:8b", None, DEFAULT_CONTEXT_WINDOW),
        ("gpt-oss:20b", None, DEFAULT_CONTEXT_WINDOW),
        ("llama3.1:8b", 32_768, 32_768),
    ],
)
def test_context_window_table(model: str, override: int | None, window: int) -> None:
    assert context_window(model, override) == window


def test_summary_keeps_its_newest_lines_and_counts_the_rest() -> None:
    lines = [f"- technical question on topic {i}: answered" for i in range(12)]
    trimmed = trim_summary("\n".join(lines), 8)
    kept = trimmed.splitlines()
    assert kept[0] == "- 4 earlier questions (not listed)"
    assert kept[1:] == lines[4:]
    assert trim_summary("\n".join(lines[:3]), 8) == "\n".join(lines[:3])


# --------------------------------------------------------------------------- fitting


def _chunks(history: list[Message]) -> ChatChunks:
    return ChatChunks(
        system=[{"role": "system", "content": "You are an interviewer. " * 20}],
        context=[{"role": "user", "content": "Context of the session."}],
        history=history,
        request=[{"role": "user", "content": "Ask the next question."}],
    )


def _history(n: int, words: int = 80) -> list[Message]:
    out: list[Message] = []
    for i in range(n):
        role = "assistant" if i % 2 == 0 else "user"
        out.append({"role": role, "content": f"message {i} " + "word " * words})
    return out


def test_history_is_left_out_whole_oldest_first_with_a_note() -> None:
    history = _history(12)
    chunks = _chunks(history)
    fitted = PromptBudget(MODEL, history_tokens=400).fit(chunks)
    assert 0 < fitted.dropped < len(history)
    contents = "\n\n".join(m["content"] for m in fitted.messages)
    for i, msg in enumerate(history):
        if i < fitted.dropped:
            assert f"message {i} " not in contents  # left out entirely...
        else:
            assert msg["content"] in contents  # ...or kept whole
    assert f"{fitted.dropped} earlier messages of this conversation are left out" in contents
    assert fitted.messages[0] == chunks.system[0]  # the stable prefix, untouched
    assert fitted.messages[-1]["content"].endswith(chunks.request[0]["content"])
    assert fitted.tokens == count_messages(fitted.messages, MODEL)
    kept = fitted.tokens - count_messages(PromptBudget(MODEL).fit(_chunks([])).messages)
    assert kept <= 400 + 40  # the cap, plus the note


def test_the_window_wins_over_the_cap_and_the_newest_message_stays() -> None:
    history = _history(6, words=400)
    small = PromptBudget(MODEL, window=2_000, history_tokens=10_000)
    fitted = small.fit(_chunks(history), "follow_up")
    assert fitted.dropped > 0
    assert any(history[-1]["content"] in m["content"] for m in fitted.messages)
    assert fitted.tokens + fitted.reply_room == 2_000
    assert fitted.tokens <= 2_000 - budget.REPLY_TOKENS["follow_up"]


def test_a_prompt_that_cannot_fit_is_refused_not_cut() -> None:
    huge = [{"role": "user", "content": "answer " * 3_000}]
    tiny = PromptBudget(MODEL, window=1_024)
    chunks = ChatChunks(system=[{"role": "system", "content": "Grade."}], request=huge)
    with pytest.raises(PromptTooLong, match="context window of 1,024"):
        tiny.fit(chunks, "grade")


# --------------------------------------------------------------------------- flat per turn


def _interview_turn_tokens(questions: int, *, with_budget: bool) -> list[int]:
    """Prompt tokens of every interviewer turn of a scripted interview, in order."""
    lib = load_library()
    track = lib.track("ml-full-loop")
    # Spoken/typed questions only: a coding question (ml-coding) is not asked by this track.
    pool = sorted((q for q in lib.questions.values() if q.kind == "open"), key=lambda q: q.id)
    chosen = [pool[i % len(pool)] for i in range(questions)]
    # Repeated questions need their own ids for the engine.
    chosen = [q.model_copy(update={"id": f"{q.id}-{i}"}) for i, q in enumerate(chosen)]
    now = [0.0]
    engine = InterviewEngine(
        track, chosen, lib.rubrics, duration_seconds=10**6, clock=lambda: now[0]
    )
    prompts = default_library()
    plan = PromptBudget("gpt-4o-mini")
    tokens: list[int] = []
    engine.start()
    for _ in range(20 * questions):
        need = engine.need()
        if isinstance(need, NeedTurn):
            req = need.request
            if with_budget:
                fitted = plan.fit(prompts.turn_chunks(plan.turn_request(req)), "turn")
                tokens.append(fitted.tokens)
            else:
                tokens.append(count_messages(prompts.build_turn_messages(req)))
            engine.on_interviewer_text(
                f"Question {len(tokens)}: {req.question.text}" if req.question else "Thanks."
            )
        elif isinstance(need, NeedFollowUp):
            ask = engine.index % 2 == 0  # a follow-up on every other question
            engine.on_follow_up(
                FollowUpDecision(
                    reason="r", follow_up=ask, question="Can you give an example?" if ask else ""
                )
            )
        elif isinstance(need, NeedAnswer):
            now[0] += 30  # every answer the same length: only the history design varies
            engine.submit_answer(" ".join(["I would start from the data"] * 25))
        elif isinstance(need, NeedGrades):
            for req in engine.take_grading_requests():
                engine.on_grade_failed(req.request_id, "not graded in this test")
        elif isinstance(need, Finished):
            break
        for req in engine.take_grading_requests():
            engine.on_grade_failed(req.request_id, "not graded in this test")
    assert isinstance(engine.need(), Finished)
    return tokens


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[str, list[int]]]:
    yield {
        "10": _interview_turn_tokens(10, with_budget=True),
        "30": _interview_turn_tokens(30, with_budget=True),
        "30-raw": _interview_turn_tokens(30, with_budget=False),
    }


def test_prompt_tokens_per_turn_are_bounded_by_a_constant(runs: dict[str, list[int]]) -> None:
    ten, thirty = runs["10"], runs["30"]
    assert len(ten) == 11 and len(thirty) == 31  # every question plus the wrap-up
    # A constant from the caps alone (system + context with a capped summary + capped
    # history + request), whatever the number of questions:
    bound = 358 + 62 + 25 * (budget.SUMMARY_LINES + 1) + budget.HISTORY_TOKENS + 400
    assert max(ten) <= bound and max(thirty) <= bound
    # The late turns of a 30-question interview are no bigger than those of a 10-question
    # one (give or take the length of the question being asked)...
    assert max(thirty[10:]) <= max(ten) + 60
    assert max(thirty[20:]) <= max(thirty[10:20]) + 10
    # ...so the cost of an interview grows linearly with its length.
    assert sum(thirty) / len(thirty) <= 1.1 * sum(ten) / len(ten)


def test_without_the_budget_the_summary_would_grow(runs: dict[str, list[int]]) -> None:
    """The check above can fail: the engine's own summary grows one line per question."""
    raw, fitted = runs["30-raw"], runs["30"]
    assert raw[29] > raw[10] + 150
    assert min(raw[25:]) > max(fitted[25:])


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake


def _long_turn_request(turns: int) -> TurnRequest:
    history = []
    for i in range(turns):
        history.append(Turn(role="interviewer", kind="question", text=f"Question {i}?"))
        history.append(
            Turn(role="candidate", kind="answer", text=f"Answer {i}. " + "detail " * 300)
        )
    return TurnRequest(
        "question",
        factories.track(),
        factories.question(),
        turns,
        turns + 1,
        history=tuple(history),
    )


def test_backend_fits_each_request_and_reports_its_size(server: FakeOpenAIServer) -> None:
    server.enqueue(text("Next question."))
    backend = OpenAIBackend(
        None, MODEL, base_url=server.base_url, max_retries=0, context_window=2_500
    )
    try:
        assert backend.context_window == 2_500
        backend.interviewer_turn(_long_turn_request(6))
    finally:
        backend.close()
    (body,) = server.chat_bodies
    sent = body["messages"]
    assert backend.last_prompt_tokens == count_messages(sent, MODEL)
    assert backend.last_prompt_tokens <= 2_500 - budget.MIN_REPLY_TOKENS
    assert sent[0]["role"] == "system"
    joined = "\n".join(m["content"] for m in sent)
    assert "Answer 5." in joined and "Answer 0." not in joined  # oldest left out, newest kept
    assert "left out to keep the prompt short" in joined


def test_backend_does_not_send_what_cannot_fit(server: FakeOpenAIServer) -> None:
    server.enqueue(json_content(factories.draft(4, "x").model_dump()))
    backend = OpenAIBackend(
        None, MODEL, base_url=server.base_url, max_retries=0, context_window=1_200
    )
    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias."),
        Turn(role="candidate", kind="answer", text="bias " * 3_000),
    )
    try:
        with pytest.raises(PromptTooLong):
            backend.grade(GradeRequest(1, factories.question(), factories.rubric(), exchange))
    finally:
        backend.close()
    assert server.chat_bodies == []
