"""One scripted interview, shared by the GUI run, the headless run and the prompt-token count.

What the "model" says and what the "candidate" answers are written to be about as long
as the real thing (a welcome and a question of 60 to 120 tokens, answers of 100 to 250
words built from the question's own key points), because every number these benchmarks
report scales with text length. Every question gets exactly one follow-up, so the last
answer of the interview is always a follow-up answer and its grading starts the moment
it is submitted (see `docs/performance.md` for what changes when it is not).

`run_session` drives the interview through `InterviewSession` with no front end at all
(the service's own thread pool, answers given the moment a question opens): the same
service the window and the terminal adapt, so no benchmark keeps a loop of its own.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from interviewer.core.models import FollowUpDecision, GradeDraft, Question
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend

if TYPE_CHECKING:
    from interviewer.core.engine import NeedAnswer
    from interviewer.session import Event, InterviewSession
    from interviewer.storage.store import SessionStore

#: The track the benchmarks interview on, and how many questions a full run asks.
TRACK = "ml-full-loop"
QUESTIONS = 10
SEED = 11
GENERIC_PROBE = "Can you walk me through a concrete case from your own work where this mattered?"

_CATEGORY = {
    "technical": "a technical question",
    "behavioral": "a behavioral question",
    "case_study": "a case study",
}


def turn_text(request: TurnRequest) -> str:
    """The interviewer's turn as a chatty model would write it."""
    if request.purpose == "wrap_up" or request.question is None:
        return (
            "That's all the questions I have for today, thank you for your time. You "
            "explained your reasoning clearly and backed most answers with examples. "
            "Your detailed feedback is being prepared now."
        )
    q = request.question
    kind = _CATEGORY.get(q.category, "a question")
    if request.index == 0:
        lead = (
            "Hi, and thanks for making the time today. I'll be your interviewer for this "
            f"mock loop: we have {request.total} questions covering technical depth, past "
            "experience and system design, and I may ask a follow-up when something is "
            f"worth digging into. Let's start with {kind}."
        )
    else:
        lead = (
            "Thank you, that's helpful. Let's move on to question "
            f"{request.index + 1} of {request.total}, {kind}."
        )
    return f"{lead}\n\n{q.text}\n\nTake a moment to structure your thoughts before you answer."


def probe_for(question: Question) -> str:
    return question.follow_ups[0].text if question.follow_ups else GENERIC_PROBE


def decide(request: FollowUpRequest) -> FollowUpDecision:
    """One follow-up per question, then move on."""
    if request.follow_ups_asked >= request.follow_up_limit:
        return FollowUpDecision(follow_up=False, reason="limit reached")
    return FollowUpDecision(
        follow_up=True, question=probe_for(request.question), reason="probe a key point"
    )


_STORY = (
    "In my last role our fraud model's precision dropped sharply after a holiday release, "
    "and I was the engineer on call for it. My task was to find the cause and restore the "
    "model before the weekend peak, while keeping the risk team informed. I compared the "
    "training and serving feature distributions, found a timezone bug in one aggregate "
    "feature, fixed the pipeline, added a regression test and retrained with a backfill. "
    "As a result precision recovered from 0.71 to 0.88 within two days, and we added "
    "drift alerts so it would not go unnoticed again. I learned to check the data before "
    "touching the model, and to write down what I check so the next person can repeat it."
)


def answer_for(question: Question) -> str:
    """A main answer built from the question's key points (a STAR story if behavioral)."""
    if question.category == "behavioral":
        return _STORY
    points = ". ".join(kp.text.rstrip(".") for kp in question.key_points)
    return (
        "Let me start with the core idea and then the trade-offs. "
        f"{points}. For example, on a churn model I would check this on a held-out month "
        "before trusting it, and weigh the cost of a false positive against a false "
        "negative with the business owner, because the right threshold depends on it."
    )


def follow_up_answer(question: Question) -> str:
    """A shorter answer to the probe, from the key points it targets."""
    probe = question.follow_ups[0] if question.follow_ups else None
    targets = set(probe.targets) if probe is not None else set()
    points = [kp.text.rstrip(".") for kp in question.key_points if kp.id in targets]
    points = points or [question.key_points[-1].text.rstrip(".")]
    body = ". ".join(points)
    return (
        f"Good question. The first thing I would look at is this: {body}. I would confirm "
        "it on a small sample and with a quick offline check before changing anything in "
        "production, and I would tell the team what I found either way."
    )


def answer(need: NeedAnswer) -> str:
    """The candidate's answer to what is open now: a main answer or a follow-up answer."""
    return follow_up_answer(need.question) if need.is_follow_up else answer_for(need.question)


@dataclass
class TimedGrader:
    """The offline coach's grading behind a fixed network-like latency, timed per call.

    `seconds` holds the duration of every call as the worker saw it (sleep plus the
    coach's own work): the reference "latency of one grading call".
    """

    latency: float = 0.5
    coach: OfflineCoach = field(default_factory=OfflineCoach)
    seconds: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, request: GradeRequest) -> GradeDraft:
        start = time.perf_counter()
        time.sleep(self.latency)
        draft = self.coach.grade_draft(request)
        with self._lock:
            self.seconds.append(time.perf_counter() - start)
        return draft


@dataclass
class SlowDecider:
    """Follow-up decisions with a latency, like a short non-streamed model call."""

    latency: float = 0.3

    def __call__(self, request: FollowUpRequest) -> FollowUpDecision:
        time.sleep(self.latency)
        return decide(request)


def scripted_backend(
    *,
    chunk_size: int = 4,
    chunk_delay: float = 0.008,
    grader: TimedGrader | None = None,
    decider: SlowDecider | None = None,
) -> ScriptedBackend:
    """About 100 tokens/s: a 4-character chunk every 8 ms.

    A 4-character chunk every 10 ms is the usual rule of thumb for 100 tokens/s, but this
    English text averages about 4.8 characters per o200k token, so that would stream only
    about 80 tokens/s; 8 ms brings the measured rate (printed by the benchmark) to about
    100 and makes the GUI handle 125 chunks a second, slightly more than a real stream.
    """
    return ScriptedBackend(
        name="scripted",
        label="Scripted benchmark backend (no model)",
        chunk_size=chunk_size,
        chunk_delay=chunk_delay,
        default_turn=turn_text,
        default_follow_up=decider or SlowDecider(),
        default_grade=grader or TimedGrader(),
    )


def run_session(
    questions: int = QUESTIONS,
    seed: int = SEED,
    *,
    backend: ScriptedBackend | None = None,
    store: SessionStore | None = None,
    on_event: Callable[[Event], None] | None = None,
    on_submit: Callable[[], None] | None = None,
) -> InterviewSession:
    """The scripted interview through `InterviewSession` alone; returns the finished session.

    The candidate answers each question the moment it opens (`on_submit` is called just
    before each answer goes in); `on_event` sees every event the service emits. Defaults:
    the built-in content, an in-memory store, the script's backend with no delays.
    """
    from interviewer.session import AnswerNeeded, InterviewSession, StartOptions, ThreadExecutor
    from interviewer.storage.content_files import load_library
    from interviewer.storage.store import SessionStore

    executor = ThreadExecutor()
    session = InterviewSession(
        load_library(None),
        store if store is not None else SessionStore.memory(),
        executor,
        backend=backend or scripted_backend(chunk_delay=0.0, grader=TimedGrader(latency=0.0)),
        rng=random.Random(seed),
    )
    open_answers: list[NeedAnswer] = []

    def on_answer(event: Event) -> None:
        if isinstance(event, AnswerNeeded):
            open_answers.append(event.need)

    session.subscribe(on_answer)
    if on_event is not None:
        session.subscribe(on_event)
    try:
        session.start(StartOptions(TRACK, question_count=questions, repeat=True))
        while session.results is None:
            if open_answers:
                need = open_answers.pop(0)
                if on_submit is not None:
                    on_submit()
                session.submit_answer(answer(need))
            elif executor.idle:
                raise RuntimeError(f"the scripted interview stopped in phase {session.phase}")
            else:
                executor.run_pending(None)
    finally:
        executor.shutdown()
    return session
