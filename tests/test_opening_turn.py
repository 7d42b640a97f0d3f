"""The opening turn announces the session's real length and number of questions.

Seen with a real local model: a 2-question practice of a 30-minute, 3-question track ran
a 10:00 clock while the opening turn said "about 30 minutes" (the track file's length).
The engine now hands every model request the track as the session runs it (its own clock,
the questions picked), so the model's prompt, the offline coach's opening and a resumed
session all say the same numbers as the clock.
"""

from __future__ import annotations

import random

import pytest

from interviewer.core.engine import InterviewEngine, NeedFollowUp, NeedTurn, session_minutes
from interviewer.core.requests import TurnRequest
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
from interviewer.storage.prompt_files import default_library
from interviewer.storage.store import SessionStore
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, text
from tests.gui_helpers import quoting_grade, small_library


def opening_request(engine: InterviewEngine) -> TurnRequest:
    engine.start()
    need = engine.need()
    assert isinstance(need, NeedTurn) and need.request.index == 0
    return need.request


def prompt_text(request: TurnRequest) -> str:
    return "\n".join(m["content"] for m in default_library().build_turn_messages(request))


def test_session_minutes_rounds_to_whole_minutes_never_below_one() -> None:
    assert session_minutes(600) == 10
    assert session_minutes(629) == 10
    assert session_minutes(630) == 11
    assert session_minutes(20) == 1
    assert session_minutes(0) == 1


def test_a_scaled_session_tells_its_own_length_not_the_tracks() -> None:
    track = factories.track(minutes=30, count=3)
    questions = [factories.question("q1"), factories.question("q2")]
    engine = InterviewEngine(
        track, questions, {"technical": factories.rubric()}, duration_seconds=600
    )
    request = opening_request(engine)
    assert request.total == 2
    assert request.track.duration_minutes == 10
    assert request.track.question_count == 2
    assert engine.track.duration_minutes == 30  # the library's track is left as it is
    prompt = prompt_text(request)
    assert "This session has 2 questions over about 10 minutes" in prompt
    assert "Planned length: about 10 minutes and 2 questions." in prompt
    assert "30 minutes" not in prompt


def test_one_question_in_one_minute_is_said_in_the_singular() -> None:
    track = factories.track(minutes=30, count=3)
    engine = InterviewEngine(
        track, [factories.question("q1")], {"technical": factories.rubric()}, duration_seconds=60
    )
    prompt = prompt_text(opening_request(engine))
    assert "This session has 1 question over about 1 minute," in prompt
    assert "Planned length: about 1 minute and 1 question." in prompt


def test_the_default_length_is_the_tracks_when_nothing_was_chosen() -> None:
    track = factories.track(minutes=30, count=2)
    questions = [factories.question("q1"), factories.question("q2")]
    engine = InterviewEngine(track, questions, {"technical": factories.rubric()})
    assert "2 questions over about 30 minutes" in prompt_text(opening_request(engine))


def test_follow_up_requests_carry_the_session_length_too() -> None:
    track = factories.track(minutes=30, count=3, limit=1)
    engine = InterviewEngine(
        track, [factories.question("q1")], {"technical": factories.rubric()}, duration_seconds=300
    )
    engine.start()
    engine.on_interviewer_text("Explain it.")
    engine.submit_answer("Bias is error from wrong assumptions.")
    need = engine.need()
    assert isinstance(need, NeedFollowUp)
    request = need.request
    assert request.track.duration_minutes == 5
    messages = default_library().build_follow_up_messages(request)
    assert "Planned length: about 5 minutes." in "\n".join(m["content"] for m in messages)


def test_the_offline_coachs_opening_tells_the_real_numbers() -> None:
    track = factories.track(minutes=30, count=3)
    questions = [factories.question("q1"), factories.question("q2")]
    engine = InterviewEngine(
        track, questions, {"technical": factories.rubric()}, duration_seconds=600
    )
    reply = OfflineCoach().interviewer_turn(opening_request(engine)).result
    assert "This session has 2 questions over about 10 minutes" in reply
    assert "30 minutes" not in reply
    # Later turns do not repeat it.
    later = TurnRequest("question", engine.session_track, questions[1], 1, 2)
    assert "minutes" not in OfflineCoach().interviewer_turn(later).result


@pytest.mark.parametrize(
    ("options", "minutes", "count"),
    [
        (StartOptions("t", minutes=10, repeat=True), 10, 2),  # the candidate chose 10:00
        (StartOptions("t", question_count=1, repeat=True), 15, 1),  # scaled with the count
        (StartOptions("t", repeat=True), 30, 2),  # the track's own length
    ],
)
def test_the_session_opening_matches_its_clock(
    options: StartOptions, minutes: int, count: int
) -> None:
    lib = small_library(count=2)
    backend = ScriptedBackend(
        default_turn=lambda r: r.question.text if r.question else "Thanks.",
        default_grade=quoting_grade,
    )
    executor = ThreadExecutor()
    session = InterviewSession(
        lib, SessionStore.memory(), executor, backend=backend, rng=random.Random(1)
    )
    session.start(options)
    assert executor.run_until(lambda: session.answering)
    request = backend.calls_of("turn")[0].request
    assert session.clock_state().interview_total == minutes * 60
    assert request.track.duration_minutes == minutes
    assert request.total == count
    s = "s" if count != 1 else ""
    assert f"This session has {count} question{s} over about {minutes} minutes" in prompt_text(
        request
    )
    session.abandon()
    executor.shutdown()


def test_a_real_client_sends_the_sessions_length_to_the_server() -> None:
    lib = small_library(count=2)
    with FakeOpenAIServer() as server:
        server.enqueue(text("Hello. This session has 2 questions over about 10 minutes. Go."))
        backend = OpenAIBackend(None, "fake-model", base_url=server.base_url, max_retries=0)
        executor = ThreadExecutor()
        session = InterviewSession(
            lib, SessionStore.memory(), executor, backend=backend, rng=random.Random(1)
        )
        session.start(StartOptions("t", minutes=10, repeat=True))
        assert executor.run_until(lambda: session.answering)
        body = server.chat_bodies[0]
        sent = "\n".join(m["content"] for m in body["messages"])
        assert "This session has 2 questions over about 10 minutes" in sent
        assert "about 30 minutes" not in sent
        session.abandon()
        executor.shutdown()
