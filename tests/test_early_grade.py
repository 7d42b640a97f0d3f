"""The last answer is graded while the interviewer decides on a follow-up (issue 18).

After the last answer the candidate waits for the report. Graded only once the decision
"no follow-up" is in, that wait was the decision plus the grading; graded early, it is
one grading call. The early grade is kept only when the question ends with exactly the
exchange it graded: a follow-up drops it (its call is cancelled) and the whole exchange
is graded as before. A model server on this machine that also runs the interviewer is
left alone (it often runs one call at a time: the follow-up would wait behind the grade).
"""

from __future__ import annotations

import random
import threading
from typing import Any

from interviewer.core.engine import Phase
from interviewer.core.errors import BackendError
from interviewer.core.models import FollowUpDecision, GradeDraft
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import (
    GradeReady,
    InterviewSession,
    StartOptions,
    ThreadExecutor,
    early_grading_allowed,
)
from interviewer.storage.store import SessionStore
from tests.factories import draft, follow
from tests.gui_helpers import small_library

FIRST = "Bias is error from wrong assumptions; a biased model underfits the data."
SECOND = "Regularisation and more data reduce the variance of an overfit model."


def turn_text(request: TurnRequest) -> str:
    if request.purpose == "wrap_up" or request.question is None:
        return "That is all for today, thank you."
    return f"Question {request.index + 1}: {request.question.text}"


class Script:
    """A backend whose follow-up decisions wait for the test, and whose grades record
    what they graded (the candidate's answers, in order)."""

    def __init__(self, follow_ups: list[str], *, base_url: str | None = None) -> None:
        self.decide = threading.Event()
        self.deciding = threading.Event()
        self.follow_ups = list(follow_ups)
        self.graded: list[tuple[str, ...]] = []
        self.grade_started = threading.Event()
        self.fail_first_grade = False
        self.lock = threading.Lock()
        self.backend = ScriptedBackend(
            default_turn=turn_text,
            default_follow_up=self._follow_up,
            default_grade=self._grade,
            base_url=base_url,
        )

    def _follow_up(self, _request: FollowUpRequest) -> FollowUpDecision:
        self.deciding.set()
        assert self.decide.wait(10), "the test never let the decision through"
        return follow(self.follow_ups.pop(0) if self.follow_ups else "")

    def _grade(self, request: GradeRequest) -> GradeDraft:
        with self.lock:
            self.graded.append(tuple(t.text for t in request.answers))
            fail = self.fail_first_grade
            self.fail_first_grade = False
        self.grade_started.set()
        if fail:
            raise BackendError("the grader is down")
        # Quotes the last answer's first words: which answers were graded shows.
        return draft(4, quote=" ".join(request.answers[-1].text.split()[:4]))


def run_to_decision(
    script: Script, store: SessionStore | None = None
) -> tuple[InterviewSession, ThreadExecutor, list[Any]]:
    """A one-question interview, answered; the interviewer is deciding on a follow-up."""
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=1, limit=1),
        store or SessionStore.memory(),
        executor,
        backend=script.backend,
        rng=random.Random(1),
    )
    events: list[Any] = []
    session.subscribe(events.append)
    session.start(StartOptions("t", question_count=1, follow_ups=True, repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(FIRST)
    assert executor.run_until(script.deciding.is_set)
    return session, executor, events


def finish(session: InterviewSession, executor: ThreadExecutor, script: Script) -> None:
    script.decide.set()
    while session.results is None:
        assert executor.run_until(lambda: session.answering or session.results is not None)
        if session.answering:
            assert session.submit_answer(SECOND)


def test_the_last_answer_is_graded_while_the_follow_up_is_decided() -> None:
    script = Script([])
    session, executor, events = run_to_decision(script)
    # The decision is still out, and the grading has already run.
    assert session.phase is Phase.DECIDING
    assert script.grade_started.wait(5)
    assert script.graded == [(FIRST,)]
    finish(session, executor, script)
    executor.shutdown()
    # Taken as the grade: not graded a second time.
    assert script.graded == [(FIRST,)]
    assert session.results is not None
    record = session.results.records[0]
    assert record.grade is not None and record.grade.criteria
    assert [e.question_id for e in events if isinstance(e, GradeReady)] == [record.question.id]


def test_a_follow_up_drops_the_early_grade_and_the_whole_exchange_is_graded() -> None:
    script = Script(["And how would you measure the variance?"])
    store = SessionStore.memory()
    session, executor, _events = run_to_decision(script, store)
    assert script.grade_started.wait(5)
    early = session._early
    assert early is not None and early.exchange[-1].text == FIRST
    finish(session, executor, script)
    executor.shutdown()
    assert early.token.cancelled  # the early call was given up when the follow-up came
    # The grade that counts is of both answers, the first one alone was thrown away.
    assert script.graded[-1] == (FIRST, SECOND)
    assert session.results is not None
    grade = session.results.records[0].grade
    assert grade is not None
    quotes = [q for c in grade.criteria for q in c.evidence]
    assert quotes and all(q.startswith("Regularisation and more") for q in quotes)
    assert session.session_id is not None
    saved = store.load_session(session.session_id).grades
    assert list(saved.values()) == [grade]
    # The dropped call was made, and the call log says so.
    kinds = [c.kind for c in store.model_calls(session.session_id)]
    assert kinds.count("grade") == 2


def test_an_early_grade_that_failed_is_not_taken_the_answer_is_graded_again() -> None:
    script = Script([])
    script.fail_first_grade = True
    session, executor, _events = run_to_decision(script)
    assert script.grade_started.wait(5)
    assert executor.run_until(lambda: session._early is not None and session._early.fut is not None)
    finish(session, executor, script)
    executor.shutdown()
    assert script.graded == [(FIRST,), (FIRST,)]
    assert session.results is not None
    assert session.results.records[0].grade is not None


def test_leaving_during_the_decision_cancels_the_early_grade_and_saves_nothing() -> None:
    script = Script([])
    store = SessionStore.memory()
    session, executor, _events = run_to_decision(script, store)
    early = session._early
    assert early is not None
    sid = session.session_id
    assert sid is not None
    session.leave()
    script.decide.set()
    executor.run_until(lambda: executor.idle, timeout=5)
    executor.shutdown()
    assert early.token.cancelled
    assert store.load_session(sid).grades == {}


def test_a_local_model_server_that_also_interviews_is_not_asked_to_grade_early() -> None:
    script = Script([], base_url="http://127.0.0.1:8080/v1")
    session, executor, _events = run_to_decision(script)
    assert session._early is None and script.graded == []
    finish(session, executor, script)
    executor.shutdown()
    assert script.graded == [(FIRST,)]


def test_who_may_grade_early() -> None:
    here = ScriptedBackend(base_url="http://localhost:11434/v1")
    other = ScriptedBackend(name="other", base_url="http://localhost:1234/v1")
    remote = ScriptedBackend(name="remote")
    assert not early_grading_allowed(here, here)
    assert early_grading_allowed(other, here)  # another server grades: no queue to wait in
    assert early_grading_allowed(remote, remote)  # no local server (the offline coach, ...)


def test_only_the_last_question_is_graded_early() -> None:
    script = Script([])
    script.decide.set()
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=2, limit=1),
        SessionStore.memory(),
        executor,
        backend=script.backend,
        rng=random.Random(1),
    )
    session.start(StartOptions("t", question_count=2, follow_ups=True, repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(FIRST)
    assert executor.run_until(lambda: session.answering)
    # The first question's answer was graded once, after its decision: never early.
    assert session._early is None
    assert session.submit_answer(SECOND)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert sorted(script.graded) == [(FIRST,), (SECOND,)]
