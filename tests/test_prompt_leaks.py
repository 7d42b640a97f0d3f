"""Replies never leak the prompt (issue 15, item 4).

Seen with a real llama-cpp-python server and a small Gemma model: the interviewer's first
turn was the app's own instruction, echoed ("[interview app] Ask question 2 of 2. This is
the closing turn. Start with one or two sentences: greet the candidate, ..."). Such a
reply, one with chat-template tokens or role tags, and one that answers its own question
are never shown: the turn falls back to the app's own words with a notice, and the raw
reply is logged. Normal interviewer turns (the prompts' examples, every question of the
bank asked as a turn, every prepared follow-up, the offline coach's turns, turns written
as a good interviewer would) pass, sentence by sentence as they stream.
"""

from __future__ import annotations

import argparse
import io
import random
from collections.abc import Iterator
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytestqt.qtbot import QtBot

from interviewer.cli import TerminalFrontEnd
from interviewer.core.content import ContentLibrary
from interviewer.core.leaks import (
    REASONS,
    LeakCheck,
    StreamGate,
    app_text,
    find_leak,
    prompt_leak,
    sentences,
)
from interviewer.core.models import FollowUpDecision, Question, Track
from interviewer.core.requests import FollowUpRequest, TurnRequest
from interviewer.llm.base import CallList, ModelResponse
from interviewer.llm.leak_checks import follow_up_leak_check, turn_leak_check
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import (
    WRAP_UP_LINE,
    Event,
    InterviewSession,
    Notice,
    StartOptions,
    StreamReset,
    TextDelta,
    ThreadExecutor,
    TurnAdded,
)
from interviewer.storage.content_files import load_library
from interviewer.storage.prompt_files import default_library
from interviewer.storage.store import SessionStore
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, text
from tests.gui_helpers import quoting_grade, small_library

#: The reply seen from Gemma 3 270M behind llama-cpp-python's server, as the issue quotes it.
ECHO = (
    "[interview app] Ask question 2 of 2. This is the closing turn. Start with one or two "
    "sentences: greet the candidate, say the session has 3 questions over about 40 minutes "
    "and that they will get feedback at the end. Then ask the question."
)
INSTRUCTIONS_NOTICE = (
    "The model's reply repeated the app's instructions, so the question is shown as written."
)


@lru_cache(maxsize=1)
def bank() -> ContentLibrary:
    return load_library()


def bank_questions() -> list[Question]:
    return list(bank().questions.values())


def a_track() -> Track:
    return bank().tracks["ml-technical"]


def turn_check(q: Question, index: int = 0, total: int = 3) -> LeakCheck:
    return turn_leak_check(None, TurnRequest("question", a_track(), q, index, total))


def probe_check(q: Question) -> LeakCheck:
    return follow_up_leak_check(None, FollowUpRequest(a_track(), q, (), 0, 1, 600.0))


def passes_streamed(check: LeakCheck, reply: str) -> None:
    """The reply and every prefix the session checks while it streams pass."""
    assert check.find(reply) is None, (reply, check.find(reply))
    parts = sentences(reply)
    for k in range(1, len(parts) + 1):
        prefix = " ".join(parts[:k])
        assert check.find(prefix) is None, (prefix, check.find(prefix))


# --------------------------------------------------------------------------- what leaks


def test_the_echoed_instruction_from_the_issue_is_caught() -> None:
    q = bank().questions["tech-bias-variance"]
    for index in (0, 1):
        check = turn_check(q, index, 2)
        leak = check.find(ECHO)
        assert leak is not None and leak.kind == "instructions"
        # Garbled and without the app's marker, it is still the app's words.
        assert check.find(ECHO.removeprefix("[interview app] ")) is not None


def test_prompt_leak_returns_the_reason_without_quoting_the_reply() -> None:
    reason = prompt_leak(ECHO, instructions="", question_text="What is X?")
    assert reason == REASONS["instructions"] == "repeated the app's instructions"
    assert prompt_leak("What is X?", instructions="", question_text="What is X?") is None


def test_an_echo_of_this_turns_own_instructions_is_caught_without_the_marker() -> None:
    q = bank().questions["tech-regularization"]
    request = TurnRequest("question", a_track(), q, 0, 3)
    chunks = default_library().turn_chunks(request)
    check = turn_check(q, 0, 3)
    request_text = chunks.request[0]["content"].replace("[interview app] ", "")
    for echoed in (
        request_text,
        chunks.system[0]["content"],
        chunks.context[0]["content"].replace("[interview app] ", ""),
        # one instruction sentence copied into an otherwise normal turn
        "Hello. Keep its meaning and scope exactly, you may adjust the wording so it sounds "
        f"natural when spoken. {q.text}",
        "You are a senior machine learning engineer conducting a mock interview for a "
        f"Machine Learning Engineer role. {q.text}",
    ):
        leak = check.find(echoed)
        assert leak is not None and leak.kind == "instructions", echoed


def test_the_follow_up_prompt_echoed_is_caught() -> None:
    q = bank().questions["tech-overfitting"]
    request = FollowUpRequest(a_track(), q, (), 0, 1, 600.0)
    body = default_library().follow_up_chunks(request).request[0]["content"]
    check = probe_check(q)
    assert check.find(body.replace("[interview app] ", "")) is not None
    assert check.find('Reply with a JSON object with three fields: "reason"') is not None


@pytest.mark.parametrize(
    "reply",
    [
        "<start_of_turn>model\nWhat is overfitting?",
        "What is overfitting?<end_of_turn>\n<start_of_turn>user\nIt is when",
        "<|im_start|>assistant\nWhat is overfitting?<|im_end|>",
        "[INST] Ask the next question [/INST] What is overfitting?",
        "<<SYS>>\nYou are an interviewer.\n<</SYS>>\nWhat is overfitting?",
        "What is overfitting?<|eot_id|><|start_header_id|>user<|end_header_id|>",
        "<s>What is overfitting?</s>",
        "What is overfitting?\n</s>",
        "system: You are a senior machine learning engineer.\nWhat is overfitting?",
        "Assistant: What is overfitting?",
        "What is overfitting?\nUser: Overfitting is when the model memorises.",
        "What is overfitting?\n\nuser\n",
        "**User:** overfitting is memorising noise.",
        "<think>The app wants question 2.</think>What is overfitting?",
        "### Instruction:\nAsk question 2.\n### Response:\nWhat is overfitting?",
        "<|endoftext|>What is overfitting?",
    ],
)
def test_template_tokens_and_role_tags_are_caught(reply: str) -> None:
    q = bank().questions["tech-overfitting"]
    leak = turn_check(q, 1).find(reply)
    assert leak is not None and leak.kind == "template", reply


@pytest.mark.parametrize(
    "tail",
    [
        "\n\nAnswer: Overfitting is when a model learns the noise in the training data.",
        "\n\nCandidate: I would use cross-validation and regularisation.",
        "\n**Model answer:** the gap between training and validation error.",
        "\nA: It is when the model memorises the training set.",
        "\nSample answer: compare training and validation curves.",
        " A strong answer would cover the gap between training and validation error.",
        " A good answer should mention regularisation and early stopping.",
        " A complete answer covers the training and validation gap.",
    ],
)
def test_a_reply_that_answers_its_own_question_is_caught(tail: str) -> None:
    q = bank().questions["tech-overfitting"]
    leak = turn_check(q, 1).find(f"Thanks. Next question: {q.text}{tail}")
    assert leak is not None and leak.kind == "answer", tail


def test_a_turn_that_asks_and_then_explains_is_caught() -> None:
    q = bank().questions["tech-bias-variance"]
    explained = (
        f"{q.text}\n\nThe bias-variance trade-off is the balance between error from overly "
        "simple assumptions and error from sensitivity to the training sample. When you build "
        "models you start simple, check training and validation error, and add capacity only "
        "while validation error keeps dropping."
    )
    leak = turn_check(q, 1).find(explained)
    assert leak is not None and leak.kind == "answer"
    # A short word of encouragement, or a clarifying question, after it is fine.
    passes_streamed(turn_check(q, 1), f"{q.text} Take your time, and feel free to think aloud.")
    passes_streamed(
        turn_check(q, 1),
        f"{q.text} Would you like me to narrow the scope to one kind of model? If not, go ahead.",
    )


@pytest.mark.parametrize("q", bank_questions(), ids=lambda q: q.id)
def test_a_turn_that_goes_on_to_state_the_key_points_is_caught(q: Question) -> None:
    solution = " ".join(k.text for k in q.key_points)
    leak = turn_check(q, 1).find(f"Let's move on. {q.text}\n\n{solution}")
    assert leak is not None and leak.kind == "answer"


# --------------------------------------------------------------------------- what does not


GOOD_OPENINGS = [
    "Hello, and welcome. This session has {n} questions over about {m} minutes, and you "
    "will get feedback at the end. Let's begin. {q}",
    "Hi, thanks for joining. The session has {n} questions over about {m} minutes and "
    "you'll get feedback at the end. {q}",
    "Good morning! I'll ask you {n} questions over the next {m} minutes or so; feedback "
    "comes at the end. To start: {q}",
    "Welcome to the {t} interview. We have {n} questions and about {m} minutes. Here is "
    "the first one.\n\n{q}",
    "Hello. This session has {n} questions over about {m} minutes, and that you will get "
    "feedback at the end. {q}",
]
GOOD_LATER = [
    "Thanks. Let's move on to the next one. {q}",
    "Understood. Next question: {q}",
    "Thank you. Moving on. {q}",
    "Okay, thanks for that. Now for something different.\n\n{q}",
    "Thanks. Question 2 of 3: {q}",
    "Understood. Let's switch gears a little. {q} Take your time.",
    "### System design\n\nThanks. {q}",
    "Got it, thank you. Here's the next one: {q} Feel free to state your assumptions.",
]
GOOD_TURNS = [
    "Thanks.",
    "Understood.",
    "That will be covered in the feedback at the end. Let's keep going.",
    "I can't share the answer during the interview, but the feedback report will cover it.",
    "Sure, I can narrow it down: focus on a single model you have trained yourself.",
    "Let me restate it: how would you tell whether a model is overfitting?",
    "You mentioned regularisation. How would you choose its strength in practice?",
    "Could you walk me through the specific metric you used and why?",
    "What trade-off did you weigh when you picked that approach?",
    "Thank you for your time today. Your graded feedback report is being prepared now.",
    "That's the end of our session. Thanks for taking part; your feedback report is on its way.",
    "Thanks for your answers. That brings us to the end of the interview; your graded "
    "feedback will be ready shortly.",
    "Tell me about one concrete example from your own work.",
    "There is no single right answer here, so talk me through how you would reason about it.",
    "Take a moment if you need it. When you're ready, start with the data you would collect.",
    "Let's say the dataset has 10 million rows and 2% positives. How would you start?",
    "In about two minutes, explain how you would evaluate it before launch.",
]


@pytest.mark.parametrize("q", bank_questions(), ids=lambda q: q.id)
def test_every_bank_question_asked_as_a_turn_passes(q: Question) -> None:
    track = a_track()
    opening, later = turn_check(q, 0, 3), turn_check(q, 1, 3)
    passes_streamed(opening, q.text)
    passes_streamed(later, q.text)
    for template in GOOD_OPENINGS:
        minutes = track.duration_minutes
        passes_streamed(opening, template.format(n=3, m=minutes, q=q.text, t=track.name))
    for template in GOOD_LATER:
        passes_streamed(later, template.format(q=q.text))
    for good in GOOD_TURNS:
        passes_streamed(later, good)


@pytest.mark.parametrize("q", bank_questions(), ids=lambda q: q.id)
def test_every_prepared_follow_up_passes(q: Question) -> None:
    check = probe_check(q)
    for probe in q.follow_ups:
        for said in (probe.text, f"Thanks. {probe.text}", f"You touched on that. {probe.text}"):
            passes_streamed(check, said)


@pytest.mark.parametrize("q", bank_questions(), ids=lambda q: q.id)
def test_the_offline_coachs_turns_pass(q: Question) -> None:
    coach = OfflineCoach()
    for index in (0, 1, 2):
        request = TurnRequest("question", a_track(), q, index, 3)
        said = coach.interviewer_turn(request).result
        passes_streamed(turn_leak_check(None, request), said)
    wrap = TurnRequest("wrap_up", a_track(), None, 3, 3)
    passes_streamed(turn_leak_check(None, wrap), coach.interviewer_turn(wrap).result)


def test_the_prompts_own_examples_pass() -> None:
    q = bank().questions["tech-overfitting"]
    check = turn_check(q, 1)
    system = default_library().render("persona.md.j2", "system")
    quoted = [part for part in system.split('"')[1::2] if part.strip()]
    assert "Thanks." in quoted and "Understood." in quoted
    for example in quoted:
        passes_streamed(check, example)
    passes_streamed(check, f"Thanks. {q.text}")


def test_the_wrap_up_and_the_plain_closing_line_pass() -> None:
    request = TurnRequest("wrap_up", a_track(), None, 3, 3)
    check = turn_leak_check(None, request)
    passes_streamed(check, WRAP_UP_LINE)
    passes_streamed(
        check,
        "Thank you for your time. That is the end of the interview, and your graded feedback "
        "report is being prepared.",
    )


WORDS = st.sampled_from(
    ["Thanks.", "Understood.", "Okay.", "Good.", "Let's continue.", "Next one.", "Right."]
)


@settings(max_examples=150, deadline=None)
@given(
    q=st.sampled_from(bank_questions()),
    lead=st.lists(WORDS, max_size=3),
    opening=st.booleans(),
    n=st.integers(1, 12),
    m=st.integers(1, 120),
)
def test_property_good_turns_built_from_pieces_pass(
    q: Question, lead: list[str], opening: bool, n: int, m: int
) -> None:
    greeting = (
        f"Hello. This session has {n} questions over about {m} minutes, and you will get "
        "feedback at the end."
        if opening
        else ""
    )
    reply = " ".join([*lead, greeting, q.text]).strip()
    passes_streamed(turn_check(q, 0 if opening else 1, n), reply)


TOKENS = st.sampled_from(
    ["<start_of_turn>", "<|im_start|>", "[INST]", "<<SYS>>", "<|eot_id|>", "</s>", "<s>"]
)


@settings(max_examples=100, deadline=None)
@given(q=st.sampled_from(bank_questions()), token=TOKENS, at=st.integers(0, 400))
def test_property_a_template_token_anywhere_is_caught(q: Question, token: str, at: int) -> None:
    said = f"Thanks. {q.text}"
    cut = min(at, len(said))
    leak = turn_check(q, 1).find(said[:cut] + token + said[cut:])
    assert leak is not None and leak.kind == "template"


# --------------------------------------------------------------------------- streaming gate


def test_the_gate_holds_each_sentence_until_it_is_checked() -> None:
    q = bank().questions["tech-overfitting"]
    gate = StreamGate(turn_check(q, 1))
    assert gate.feed("Thanks. Next") == "Thanks. "
    assert gate.feed(" question") == ""
    assert gate.feed(f": {q.text}") == "Next question: "
    assert gate.finish(f"Thanks. Next question: {q.text}") == q.text


def test_the_gate_shows_nothing_of_a_leak_and_stops() -> None:
    q = bank().questions["tech-overfitting"]
    gate = StreamGate(turn_check(q, 1))
    shown = "".join(gate.feed(piece) for piece in ECHO.split(" ") for piece in (piece, " "))
    assert shown == "" and gate.leak is not None
    assert gate.finish(ECHO) is None


def test_the_gate_takes_a_late_leak_back() -> None:
    q = bank().questions["tech-overfitting"]
    gate = StreamGate(turn_check(q, 1))
    reply = f"Thanks. {q.text}\n<end_of_turn>"
    shown = "".join(gate.feed(c) for c in reply)
    assert "<end_of_turn>" not in shown
    assert gate.finish(reply) is None and gate.leak is not None


def test_app_text_leaves_out_the_candidates_words_and_the_models_turns() -> None:
    messages = [
        {"role": "system", "content": "You are an interviewer."},
        {"role": "assistant", "content": "What is overfitting?"},
        {"role": "user", "content": "<candidate_answer>\nMy answer.\n</candidate_answer>"},
        {"role": "user", "content": "[interview app] Ask question 2 of 3."},
    ]
    assert app_text(messages) == ["You are an interviewer.", "[interview app] Ask question 2 of 3."]


def test_find_leak_keeps_the_evidence_for_the_log() -> None:
    leak = find_leak("Hi <|im_start|>", instructions="")
    assert leak is not None and leak.evidence == "<|im_start|>"


# --------------------------------------------------------------------------- in the session


def session_for(
    backend: ScriptedBackend | OpenAIBackend, count: int = 1, limit: int = 0
) -> tuple[InterviewSession, ThreadExecutor, list[Event], CallList]:
    lib = small_library(count=count, limit=limit)
    calls = CallList()
    executor = ThreadExecutor()
    session = InterviewSession(
        lib,
        SessionStore.memory(),
        executor,
        backend=backend,
        rng=random.Random(1),
        recorder_for=lambda _sid: calls,
    )
    events: list[Event] = []
    session.subscribe(events.append)
    return session, executor, events, calls


def shown_text(events: list[Event]) -> str:
    """Everything the candidate saw of interviewer turns: streamed pieces and turns."""
    parts = [e.text for e in events if isinstance(e, TextDelta)]
    parts += [e.turn.text for e in events if isinstance(e, TurnAdded)]
    return "\n".join(parts)


def turns(events: list[Event]) -> list[tuple[str, str, str]]:
    return [(e.turn.role, e.turn.kind, e.turn.text) for e in events if isinstance(e, TurnAdded)]


def notices(events: list[Event]) -> list[str]:
    return [e.text for e in events if isinstance(e, Notice)]


@pytest.fixture
def closing() -> Iterator[list[ThreadExecutor]]:
    executors: list[ThreadExecutor] = []
    yield executors
    for ex in executors:
        ex.shutdown()


def scripted(*turn_replies: object) -> ScriptedBackend:
    backend = ScriptedBackend(
        default_turn=lambda r: "Thank you, that is all." if r.question is None else r.question.text,
        default_grade=quoting_grade,
        chunk_size=5,
    )
    backend.enqueue_turn(*turn_replies)
    return backend


def test_the_echo_is_not_shown_and_the_bank_question_is_asked_with_a_notice(
    closing: list[ThreadExecutor],
) -> None:
    session, executor, events, calls = session_for(scripted(ECHO))
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    question = factories.question("q1").text
    assert turns(events) == [
        ("system", "notice", INSTRUCTIONS_NOTICE),
        ("interviewer", "question", question),
    ]
    assert INSTRUCTIONS_NOTICE in notices(events)
    seen = shown_text(events)
    for piece in ("interview app", "Ask question", "greet the candidate", "40 minutes"):
        assert piece not in seen
    assert session.engine is not None and session.engine.need().prompt == question  # type: ignore[union-attr]
    logged = [c for c in calls.calls if c.error.startswith("prompt leak")]
    assert len(logged) == 1
    assert logged[0].kind == "turn" and logged[0].question_id == "q1"
    assert ECHO.startswith(logged[0].raw_reply) and "[interview app]" in logged[0].raw_reply
    assert "repeated the app's instructions" in logged[0].error
    session.abandon()


def test_a_leak_late_in_a_stream_is_taken_back_before_it_shows(
    closing: list[ThreadExecutor],
) -> None:
    question = factories.question("q1").text
    reply = f"Thanks for joining. {question}\n<end_of_turn>\n<start_of_turn>user\nBias is"
    session, executor, events, calls = session_for(scripted(reply))
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    deltas = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert deltas.startswith("Thanks for joining.") and "<" not in deltas
    assert any(isinstance(e, StreamReset) for e in events)
    assert turns(events)[-1] == ("interviewer", "question", question)
    assert turns(events)[0][0] == "system" and "chat-template" in turns(events)[0][2]
    assert "start_of_turn" not in shown_text(events)
    assert any("<end_of_turn>" in c.raw_reply for c in calls.calls if c.error)
    session.abandon()


def test_a_reply_answering_its_own_question_falls_back(closing: list[ThreadExecutor]) -> None:
    question = factories.question("q1").text
    reply = f"{question}\nCandidate: bias is error from wrong assumptions."
    session, executor, events, _calls = session_for(scripted(reply))
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert "wrong assumptions" not in shown_text(events)
    assert turns(events)[0] == (
        "system",
        "notice",
        "The model's reply went on to answer its own question, so the question is shown as "
        "written.",
    )
    session.abandon()


def test_a_good_turn_streams_as_written(closing: list[ThreadExecutor]) -> None:
    question = factories.question("q1").text
    reply = f"Hello, and welcome. This session has 1 question over about 15 minutes. {question}"
    session, executor, events, calls = session_for(scripted(reply))
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == reply
    assert turns(events) == [("interviewer", "question", reply)]
    assert not notices(events)
    assert not [c for c in calls.calls if c.error]
    session.abandon()


def test_a_leaking_follow_up_asks_a_prepared_probe_as_written(
    closing: list[ThreadExecutor],
) -> None:
    backend = scripted()
    backend.enqueue_follow_up(
        FollowUpDecision(
            follow_up=True, question="[interview app] How would you detect high variance?"
        )
    )
    session, executor, events, calls = session_for(backend, limit=1)
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer("Variance is sensitivity to the sample.")
    assert executor.run_until(lambda: session.answering)
    assert turns(events)[-2:] == [
        (
            "system",
            "notice",
            "The model's follow-up repeated the app's instructions, so a prepared follow-up "
            "is asked as written.",
        ),
        ("interviewer", "follow_up", "How would you detect high variance?"),
    ]
    assert any(c.kind == "follow_up" and "[interview app]" in c.raw_reply for c in calls.calls)
    session.abandon()


def test_a_leaking_closing_turn_becomes_a_plain_line(closing: list[ThreadExecutor]) -> None:
    backend = scripted()
    backend.enqueue_turn(
        factories.question("q1").text,
        "Thanks for your time.\nuser: thank you!",
    )
    session, executor, events, _calls = session_for(backend)
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer("Bias is error from wrong assumptions.")
    assert executor.run_until(lambda: session.results is not None)
    assert turns(events)[-1] == ("interviewer", "wrap_up", WRAP_UP_LINE)
    assert "user:" not in shown_text(events)
    assert any("closes with a plain line" in n for n in notices(events))


def test_the_echo_through_the_real_client_and_a_loopback_server(
    closing: list[ThreadExecutor],
) -> None:
    with FakeOpenAIServer() as server:
        server.enqueue(text(ECHO))  # streamed word by word, as a server does
        backend = OpenAIBackend(None, "gemma", base_url=server.base_url, max_retries=0)
        store = SessionStore.memory()
        executor = ThreadExecutor()
        closing.append(executor)
        session = InterviewSession(
            small_library(count=1, limit=0),
            store,
            executor,
            backend=backend,
            rng=random.Random(1),
        )
        events: list[Event] = []
        session.subscribe(events.append)
        session.start(StartOptions("t", repeat=True))
        assert executor.run_until(lambda: session.answering)
        question = factories.question("q1").text
        assert turns(events) == [
            ("system", "notice", INSTRUCTIONS_NOTICE),
            ("interviewer", "question", question),
        ]
        assert "interview app" not in shown_text(events)
        assert session.session_id is not None
        sid = session.session_id
        assert executor.run_until(
            lambda: any(c.error.startswith("prompt leak") for c in store.model_calls(sid))
        )
        leak = next(c for c in store.model_calls(sid) if c.error.startswith("prompt leak"))
        assert leak.raw_reply.startswith("[interview app] Ask question 2 of 2.")
        assert leak.model == "gemma"
        saved = store.load_session(sid).turns
        assert [(t.role, t.kind) for t in saved] == [
            ("system", "notice"),
            ("interviewer", "question"),
        ]
        session.abandon()


def test_the_terminal_never_prints_the_echo(capsys: pytest.CaptureFixture[str]) -> None:
    lib = small_library(count=1, limit=0)
    store = SessionStore.memory()
    out = io.StringIO()
    stdin = io.StringIO("Bias is error from wrong assumptions.\n.\n")
    backend = scripted(ECHO)
    front = TerminalFrontEnd(lib, store, argparse.Namespace(), stdin, out, backends=(backend, None))
    front.session.rng = random.Random(1)
    front.run(lambda s: s.start(StartOptions("t", repeat=True)))
    printed = out.getvalue()
    assert "interview app" not in printed and "greet the candidate" not in printed
    assert f"Interviewer: {factories.question('q1').text}" in printed
    assert INSTRUCTIONS_NOTICE in capsys.readouterr().err


def test_a_resumed_interview_keeps_the_notice_out_of_the_question() -> None:
    # The notice sits before the question it explains: the answer is still for that
    # question, and the engine rebuilt from the saved turns is in the same state.
    from interviewer.core.engine import InterviewEngine, NeedAnswer

    track = factories.track(count=1)
    q = factories.question("q1")
    engine = InterviewEngine(track, [q], {"technical": factories.rubric()})
    engine.start()
    engine.add_notice(INSTRUCTIONS_NOTICE)
    engine.on_interviewer_text("")
    need = engine.need()
    assert isinstance(need, NeedAnswer) and need.prompt == q.text
    again = InterviewEngine.restore(
        track, [q], {"technical": factories.rubric()}, list(engine.transcript)
    )
    need = again.need()
    assert isinstance(need, NeedAnswer) and need.prompt == q.text
    assert [t.role for t in again.records[0].turns] == ["system", "interviewer"]


def test_model_responses_are_checked_not_just_strings(closing: list[ThreadExecutor]) -> None:
    # A scripted ModelResponse (as a recorded reply would be) goes through the same gate.
    session, executor, events, _calls = session_for(
        scripted(ModelResponse("<|im_start|>assistant\nHello", raw_reply="x"))
    )
    closing.append(executor)
    session.start(StartOptions("t", repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert "im_start" not in shown_text(events)
    session.abandon()


def test_the_window_never_shows_the_echo(qtbot: QtBot) -> None:
    from interviewer.gui.controller import Controller
    from interviewer.gui.interview import InterviewView
    from interviewer.storage.secrets import SecretStore
    from interviewer.storage.settings import Settings

    controller = Controller(
        small_library(count=1, limit=0),
        Settings(),
        SecretStore(),
        backend=scripted(ECHO),
        store=SessionStore.memory(),
        rng=random.Random(1),
    )
    view = InterviewView(controller)
    qtbot.addWidget(view)
    deltas: list[str] = []
    controller.stream_delta.connect(deltas.append)
    needs: list[object] = []
    controller.answer_needed.connect(needs.append)
    assert controller.start_interview(StartOptions("t", repeat=True))
    qtbot.waitUntil(lambda: bool(needs), timeout=10_000)
    assert "".join(deltas) == ""
    assert [(b.role, b.text) for b in view.transcript.bubbles] == [
        ("system", INSTRUCTIONS_NOTICE),
        ("interviewer", factories.question("q1").text),
    ]
    controller.session.abandon()
    assert controller.wait_for_workers(5000)
