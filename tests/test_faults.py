"""The fault matrix: the real openai client and our service against a misbehaving server.

Every row drives `OpenAIBackend` + `llm.service` against the loopback fake server with
tiny time-outs and records what the candidate would see: the text on screen, the
notice, whether the offline coach stood in, how many requests reached the server, and
the back-off waits (recorded, never slept). Then a hung server is run through whole
interviews to show it costs one time-out in all, and that the model is tried again.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from interviewer.core.budget import PromptTooLong
from interviewer.core.engine import (
    Finished,
    InterviewEngine,
    NeedAnswer,
    NeedFollowUp,
    NeedGrades,
    NeedTurn,
)
from interviewer.core.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadResponse,
    Cancelled,
    ModelNotFound,
    ServerError,
)
from interviewer.core.models import Grade, Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm import service
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.service import BackendHealth
from tests import factories
from tests.fake_openai_server import (
    FakeOpenAIServer,
    Reply,
    closed_port,
    cut,
    drop,
    error,
    garbled,
    hang,
    json_content,
    raw,
    slow,
    text,
    trickle,
    unfinished,
)

MODEL = "fake-model"
TIMEOUT = 0.4
QUESTION = "Let's start. Explain the bias-variance trade-off in your own words."
GOOD = factories.draft(score=4, quote="Bias underfits").model_dump()
DECISION = {"reason": "vague", "follow_up": True, "question": "How would you detect it?"}


class Clock:
    """Real time plus a manual offset, so a cool-down can pass in no time."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@dataclass
class Harness:
    server: FakeOpenAIServer
    clock: Clock = field(default_factory=Clock)
    waits: list[float] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    screen: list[str] = field(default_factory=list)
    #: What the screen showed each time the service took it back (`on_reset`).
    voided: list[str] = field(default_factory=list)
    backends: list[OpenAIBackend] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.health = BackendHealth(self.clock, self.waits.append, slow_failure=TIMEOUT / 2)
        self.backend = self.make()
        self.offline = OfflineCoach()

    def make(self, **kw: Any) -> OpenAIBackend:
        options: dict[str, Any] = {
            "api_key": None,
            "model": MODEL,
            "base_url": self.server.base_url,
            "timeout": TIMEOUT,
            "connect_timeout": TIMEOUT,
            "max_retries": 1,
            "provider_label": "Ollama",
        }
        options.update(kw)
        backend = OpenAIBackend(**options)
        self.backends.append(backend)
        return backend

    @property
    def shown(self) -> str:
        return "".join(self.screen)

    def reset(self) -> None:
        self.voided.append(self.shown)
        self.screen.clear()

    def turn(self, request: TurnRequest | None = None) -> str:
        return service.interviewer_turn(
            self.backend,
            request or turn_request(),
            self.offline,
            self.screen.append,
            notice=self.notices.append,
            health=self.health,
            on_reset=self.reset,
        )

    def follow_up(self) -> Any:
        return service.follow_up(
            self.backend,
            follow_request(),
            self.offline,
            notice=self.notices.append,
            health=self.health,
        )

    def grade(self) -> Grade:
        return service.grade(self.backend, grade_request(), self.offline, health=self.health)


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=[MODEL]) as fake:
        yield fake
    assert fake.errors == [], "the fake server crashed while answering"


@pytest.fixture
def h(server: FakeOpenAIServer) -> Iterator[Harness]:
    harness = Harness(server)
    yield harness
    for backend in harness.backends:
        backend.close()


def turn_request() -> TurnRequest:
    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def grade_request() -> GradeRequest:
    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )
    return GradeRequest(1, factories.question(), factories.rubric(), exchange)


def follow_request() -> FollowUpRequest:
    return FollowUpRequest(
        factories.track(limit=1), factories.question(), grade_request().exchange, 0, 1
    )


# --------------------------------------------------------------------------- the matrix

BANK = factories.question().text


@dataclass(frozen=True)
class Case:
    replies: tuple[Reply, ...]
    #: "model": the model's words reach the screen; "offline": the coach stood in;
    #: "void": words were shown, then taken back (on_reset), and the coach asked instead.
    outcome: str
    requests: int
    waits: tuple[float, ...] = ()
    notice: str = ""


TURN_CASES: dict[str, Case] = {
    "latency within the timeout": Case((slow(text(QUESTION), TIMEOUT / 2),), "model", 1),
    "slow stream, each gap within the timeout": Case(
        (slow(text(QUESTION), chunk_delay=TIMEOUT / 8),), "model", 1
    ),
    "429 with a short Retry-After": Case(
        (error(429, "slow down", headers={"retry-after": "2"}), text(QUESTION)),
        "model",
        2,
        (2.0,),
    ),
    "429 asking for a long wait": Case(
        (error(429, "slow down", headers={"retry-after": "90"}),),
        "offline",
        1,
        notice="limiting how fast requests may be sent (429)",
    ),
    "500 once": Case(
        (error(500, "boom", type_="server_error"), text(QUESTION)), "model", 2, (0.5,)
    ),
    "503 twice": Case(
        (error(503, "loading model"), error(503, "loading model")),
        "offline",
        2,
        (0.5,),
        "overloaded or still starting (HTTP 503)",
    ),
    "401": Case(
        (error(401, "Incorrect API key", code="invalid_api_key"),),
        "offline",
        1,
        notice="The API key was rejected (401)",
    ),
    "connection dropped once": Case((drop(), text(QUESTION)), "model", 2, (0.5,)),
    "connection dropped twice": Case(
        (drop(), drop()), "offline", 2, (0.5,), "closed the connection without answering"
    ),
    "stream cut, the retry says the same": Case(
        (cut(["Let's", " start."]), text(QUESTION)), "model", 2, (0.5,)
    ),
    "stream cut, the retry says something else": Case(
        (cut(["Let's", " start."]), text("Welcome! First question: tell me about bias.")),
        "void",
        2,
        (0.5,),
        "dropped in the middle of a reply",
    ),
    "stream cut twice": Case(
        (cut(["Let's", " start."]), cut(["Let's"])),
        "void",
        2,
        (0.5,),
        "dropped in the middle of a reply",
    ),
    # Cut-offs the client cannot notice: only the finish reason tells (issue 13, item 5).
    "stream ends cleanly without a finish reason, then a whole reply": Case(
        (unfinished(["Let's", " start."]), text(QUESTION)), "model", 2, (0.5,)
    ),
    "stream ends without a finish reason twice": Case(
        (unfinished(["Let's", " start."]), unfinished(["Let's", " start."], done=True)),
        "void",
        2,
        (0.5,),
        "broke off before it was finished",
    ),
    "finish_reason length twice": Case(
        (text("Let's start. Explain", finish="length"),) * 2,
        "void",
        2,
        (0.5,),
        'output limit (finish_reason "length")',
    ),
    "finish_reason content_filter, then a whole reply": Case(
        (text("Let's", finish="content_filter"), text(QUESTION)), "model", 2, (0.5,)
    ),
    "an odd finish_reason twice": Case(
        (text("Let's", finish="\x1b]52;c;aGk=\x07"),) * 2,
        "void",
        2,
        (0.5,),
        'finish_reason "unknown"',
    ),
    "malformed JSON in the stream": Case(
        (garbled(["Let's", " start."]), text(QUESTION)), "model", 2, (0.5,)
    ),
    "schema-invalid stream events": Case(
        (garbled([], junk='{"object": "surprise", "choices": "none"}'), text(QUESTION)),
        "model",
        2,
        (0.5,),
    ),
    "empty reply once": Case((text("", chunks=[]), text(QUESTION)), "model", 2, (0.5,)),
    "empty replies": Case(
        (text("", chunks=[]), text("", chunks=[])), "offline", 2, (0.5,), "empty reply"
    ),
    "hang": Case((hang(),), "offline", 1, notice=f"did not answer within {TIMEOUT:g} seconds"),
    # Keep-alive bytes but no reply: every read succeeds, so only the call deadline ends it.
    "trickle": Case((trickle(0.05),), "offline", 1, notice="kept the connection open"),
}


@pytest.mark.parametrize("case", TURN_CASES.values(), ids=TURN_CASES.keys())
def test_turn_faults(h: Harness, case: Case) -> None:
    h.server.enqueue(*case.replies)
    started = time.monotonic()
    result = h.turn()
    took = time.monotonic() - started

    assert result == h.shown, "the turn's text is exactly what reached the screen"
    if case.outcome == "model":
        assert result == QUESTION
        assert h.notices == []
    elif case.outcome == "offline":
        assert BANK in result and QUESTION not in result
        assert h.notices and "offline coach stands in" in h.notices[0]
    else:
        assert result == OfflineCoach().interviewer_turn(turn_request()).result
        assert h.voided and all(v.startswith("Let's") for v in h.voided)
        assert "offline coach asks this question instead" in h.notices[0]
    assert case.notice in " ".join(h.notices)
    assert len(h.server.chat_bodies) == case.requests
    assert tuple(h.waits) == case.waits
    # Nothing waits longer than one time-out (plus slack), or for a server that never
    # stops sending keep-alive bytes, than one call deadline.
    assert took < max(3 * TIMEOUT + 1.0, h.backend.call_deadline + 0.6)


def test_same_body_is_sent_again_on_retry(h: Harness) -> None:
    h.server.enqueue(error(500, "boom"), text(QUESTION))
    h.turn()
    first, second = h.server.chat_bodies
    assert first == second


GRADE_CASES: dict[str, Case] = {
    "malformed JSON, repaired": Case((text("{not json"), json_content(GOOD)), "model", 2),
    "schema-invalid JSON, repaired": Case(
        (json_content({"criteria": "all good"}), json_content(GOOD)), "model", 2
    ),
    "body is not JSON at all": Case(
        (raw(b'{"id": "x", "choices": [tru'), json_content(GOOD)), "model", 2, (0.5,)
    ),
    "completion of the wrong shape": Case(
        (raw(json.dumps({"unexpected": True}).encode()), json_content(GOOD)), "model", 2
    ),
    "empty replies, then good": Case((text(""), text(""), json_content(GOOD)), "model", 3, (0.5,)),
    "500 twice": Case((error(500, "boom"), error(500, "boom")), "offline", 2, (0.5,)),
    "401": Case((error(401, "bad key"),), "offline", 1),
    "hang": Case((hang(),), "offline", 1),
    "trickle": Case((trickle(0.05),), "offline", 1),
    "dropped, then good": Case((drop(), json_content(GOOD)), "model", 2, (0.5,)),
    "latency": Case((slow(json_content(GOOD), TIMEOUT / 2),), "model", 1),
}


@pytest.mark.parametrize("case", GRADE_CASES.values(), ids=GRADE_CASES.keys())
def test_grade_faults(h: Harness, case: Case) -> None:
    h.server.enqueue(*case.replies)
    grade = h.grade()
    if case.outcome == "model":
        assert grade.backend == f"ollama:{MODEL}"
        assert "offline_fallback" not in grade.flags
    else:
        assert grade.backend == "offline"
        assert "offline_fallback" in grade.flags
        assert "Graded by the offline coach because the model failed" in grade.summary
    assert len(h.server.chat_bodies) == case.requests
    assert tuple(h.waits) == case.waits


@pytest.mark.parametrize(
    ("replies", "by_model"),
    [
        ((error(503, "busy"), json_content(DECISION)), True),
        ((hang(),), False),
        ((trickle(0.05),), False),
        ((text("no JSON here"), text("still none")), False),
    ],
    ids=["503 then good", "hang", "trickle", "never JSON"],
)
def test_follow_up_faults(h: Harness, replies: tuple[Reply, ...], by_model: bool) -> None:
    h.server.enqueue(*replies)
    decision = h.follow_up()
    if by_model:
        assert decision.question == DECISION["question"] and h.notices == []
    else:
        assert "offline coach chose the follow-up" in h.notices[0]


def test_nothing_listening_is_retried_once_then_the_coach_stands_in(h: Harness) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    h.backend = h.make(base_url=url)
    result = h.turn()
    assert BANK in result
    assert h.waits == [0.5]
    assert h.notices[0].startswith(f"No server answered at {url}. Is Ollama running?")


# --------------------------------------------------------------------------- the breaker


def test_a_hung_server_costs_one_timeout_then_the_coach_takes_over(h: Harness) -> None:
    h.server.router = lambda body: hang()
    started = time.monotonic()
    first = h.turn()
    for _ in range(3):
        h.follow_up()
        h.grade()
        h.turn()
    took = time.monotonic() - started
    assert BANK in first
    assert len(h.server.chat_bodies) == 1  # everything after the time-out went offline
    assert took < 2 * TIMEOUT + 1.0
    assert "until the model answers again" in h.notices[-1]


def test_after_the_cool_down_a_grading_probes_and_the_model_is_back(h: Harness) -> None:
    h.server.router = lambda body: hang()
    h.turn()
    h.clock.advance(service.COOL_DOWN + 1)
    # A slow failure: the candidate's next question is not used to probe...
    h.turn()
    assert len(h.server.chat_bodies) == 1
    # ...a background grading is; the server has recovered.
    h.server.router = lambda body: (
        json_content(GOOD) if body.get("response_format") else text(QUESTION)
    )
    assert h.grade().backend == f"ollama:{MODEL}"
    assert h.turn().endswith(QUESTION)
    assert len(h.server.chat_bodies) == 3
    assert h.health.down(h.backend) == ""


def test_a_failed_probe_rests_twice_as_long(h: Harness) -> None:
    h.server.router = lambda body: hang()
    h.grade()
    first = h.health.retry_in(h.backend)
    assert first is not None and first == pytest.approx(service.COOL_DOWN, abs=1)
    h.clock.advance(service.COOL_DOWN + 1)
    assert "offline_fallback" in h.grade().flags  # the probe hung too
    second = h.health.retry_in(h.backend)
    assert second is not None and second == pytest.approx(2 * service.COOL_DOWN, abs=1)
    assert len(h.server.chat_bodies) == 2


def test_a_rate_limit_rests_for_as_long_as_the_server_asked(h: Harness) -> None:
    h.server.enqueue(error(429, "slow down", headers={"retry-after": "45"}))
    h.turn()
    assert h.health.retry_in(h.backend) == pytest.approx(45, abs=1)
    h.clock.advance(46)
    h.server.enqueue(text(QUESTION))
    assert h.turn().endswith(QUESTION)  # a quick failure: the next turn may probe


def test_a_hung_server_holds_a_whole_interview_up_once(h: Harness) -> None:
    """Engine, service and backend together: answers all kept, all graded, one stall."""
    h.server.router = lambda body: hang()
    track = factories.track(limit=1, count=4)
    questions = [factories.question(f"q{i}") for i in range(4)]
    engine = InterviewEngine(track, questions, {"technical": factories.rubric()}, clock=h.clock)
    answers = [f"Answer {i}: bias underfits and variance overfits." for i in range(4)]
    engine.start()
    started = time.monotonic()
    given = 0
    for _ in range(100):
        need = engine.need()
        if isinstance(need, NeedTurn):
            engine.on_interviewer_text(h.turn(need.request))
        elif isinstance(need, NeedFollowUp):
            engine.on_follow_up(
                service.follow_up(h.backend, need.request, h.offline, health=h.health)
            )
        elif isinstance(need, NeedAnswer):
            engine.submit_answer(answers[given % 4])
            given += 1
        elif isinstance(need, NeedGrades):
            for req in engine.take_grading_requests():
                engine.on_grade(
                    req.request_id, service.grade(h.backend, req, h.offline, health=h.health)
                )
        elif isinstance(need, Finished):
            break
        for req in engine.take_grading_requests():
            engine.on_grade(
                req.request_id, service.grade(h.backend, req, h.offline, health=h.health)
            )
    took = time.monotonic() - started
    assert isinstance(engine.need(), Finished)
    assert took < 2 * TIMEOUT + 1.0
    assert len(h.server.chat_bodies) == 1
    said = [t.text for t in engine.transcript if t.role == "candidate"]
    assert all(any(a == s for s in said) for a in answers)  # no answer lost
    graded = [r.grade for r in engine.records]
    assert all(g is not None and "offline_fallback" in g.flags for g in graded)


# --------------------------------------------------------------------------- health alone


class _Named:
    name = "x"
    label = "x"


def test_concurrent_failures_do_not_stack_the_cool_down() -> None:
    now = [0.0]
    health = BackendHealth(lambda: now[0])
    backend: Any = _Named()
    health.failed(backend, BackendTimeout("t"), took=30)
    health.failed(backend, ServerError("s"))  # a call that was already under way
    assert health.retry_in(backend) == service.COOL_DOWN
    assert health.admit(backend, interactive=False) == ("t", False)
    now[0] = service.COOL_DOWN
    assert health.admit(backend, interactive=True) == ("t", False)  # slow: not interactive
    assert health.admit(backend, interactive=False) == ("", True)  # the probe
    assert health.admit(backend, interactive=False) == ("t", False)  # one probe at a time
    health.release(backend)
    assert health.admit(backend, interactive=False) == ("", True)
    health.ok(backend)
    assert health.admit(backend, interactive=True) == ("", False)


@pytest.mark.parametrize(
    ("err", "trips"),
    [
        (BadResponse("b"), False),
        (Cancelled("c"), False),
        (PromptTooLong("p"), False),
        (BackendError("400: bad request"), False),
        (ModelNotFound("m"), True),
        (AuthenticationFailed("a"), True),
        (BackendUnavailable("u"), True),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v),
)
def test_which_failures_open_the_breaker(err: BackendError, trips: bool) -> None:
    health = BackendHealth(lambda: 0.0)
    backend: Any = _Named()
    health.settle(backend, err)
    assert bool(health.down(backend)) is trips


def test_no_retry_starts_past_the_stall_budget() -> None:
    now = [0.0]
    calls: list[float] = []

    def call() -> str:
        calls.append(now[0])
        now[0] += 50  # each attempt takes 50 s
        raise ServerError("slow 500")

    with pytest.raises(ServerError):
        service._retrying(call, 5, lambda s: None, clock=lambda: now[0], budget=75)
    assert len(calls) == 1  # 50 + 0.5 + 50 > 75: the candidate would wait too long


def test_cancel_is_noticed_while_the_server_is_silent(h: Harness) -> None:
    from interviewer.core.errors import Cancelled
    from interviewer.llm.base import CancelToken

    h.server.enqueue(trickle(0.05))
    token = CancelToken()
    timer = threading.Timer(0.2, token.cancel)
    timer.start()
    started = time.monotonic()
    with pytest.raises(Cancelled):
        service.interviewer_turn(
            h.backend, turn_request(), h.offline, h.screen.append, token, health=h.health
        )
    assert time.monotonic() - started < 0.8  # not the call deadline
    assert h.shown == ""
