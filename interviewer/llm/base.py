"""The one small protocol every backend speaks, and the response object every call returns.

Backends are synchronous and thread-safe enough to be called from one worker at a time
per call; the GUI runs them on QThreadPool workers, the CLI calls them directly.

Every call returns a `ModelResponse` (anchor: simonw/llm's `Response`): the parsed
result together with what a maintainer needs to audit or replay it: the usage of this
one call (never a difference of a running counter, which misattributes tokens when
calls overlap), the model that answered, the time it took, the structured-output mode
that worked, how many repair rounds it needed, the messages sent and the raw reply.
A call that fails raises a `BackendError` as before; what it got before failing (the
raw reply of a bad JSON answer, say) travels with the error, see `partial_of`.

What a backend can do is declared here too (capabilities), so callers read typed
attributes instead of probing with `getattr`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, Protocol, TypeVar, runtime_checkable

from interviewer.core.cost import Usage
from interviewer.core.models import (
    FollowUpDecision,
    GradeDraft,
    Question,
    Rubric,
    TestSummary,
    Turn,
)
from interviewer.core.prompts import Message
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest

DeltaCallback = Callable[[str], None]
T = TypeVar("T")

#: How a reply was obtained. json_schema / json_object / prompt: the structured-output
#: modes of OpenAI-compatible servers (see openai_backend.py); stream: a streamed text
#: turn; none: no model at all (the offline coach, scripted test replies).
Mode = Literal["json_schema", "json_object", "prompt", "stream", "none"]
MODES: tuple[Mode, ...] = ("json_schema", "json_object", "prompt", "stream", "none")
#: The three things a backend is asked for.
CallKind = Literal["turn", "follow_up", "grade"]


#: Held by whichever thread imports the model client's modules (openai, httpx2 and their
#: parts): the loader's preload thread (`openai_backend.preload_client`), the window's
#: thread warming them before a model call (`gui.workers.warm_up`), a worker importing
#: one on first use. Two threads importing parts of one package at once can each wait
#: for a module the other is initialising; Python then hands one of them the half-made
#: module and its import fails ("cannot import name ... from partially initialized
#: module 'openai._base_client'"), seen when a warm-up ran during the preload.
CLIENT_IMPORT_LOCK = threading.RLock()


class CancelToken:
    """Set from the GUI thread; backends check it between streamed chunks."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass(frozen=True)
class Progress:
    """How far one call has got, as a streaming backend sees it (plain data).

    `silence_limit` is how long the backend will now wait for the next token before it
    gives the call up (the first-token budget while the server reads the prompt, then
    the gap between tokens): a watchdog above it must wait at least that long.
    """

    #: Reply tokens received so far (0 while the server still reads the prompt).
    tokens: int
    #: Seconds since the request went out.
    seconds: float
    #: Estimated seconds until the reply is complete; None when nothing can be said yet.
    left: float | None = None
    #: "waiting" for the first token, "writing" after it.
    phase: Literal["waiting", "writing"] = "waiting"
    silence_limit: float | None = None


ProgressCallback = Callable[[Progress], None]
_progress_sink = threading.local()


@contextlib.contextmanager
def progress_scope(callback: ProgressCallback | None) -> Iterator[None]:
    """Send the progress of backend calls made on this thread to `callback`.

    A scope rather than a parameter of `grade` and `follow_up`, so the Backend protocol
    and every backend that does not stream stay as they are: the service opens a scope
    on the thread that makes the call, a streaming backend reports into it.
    """
    previous = getattr(_progress_sink, "callback", None)
    _progress_sink.callback = callback
    try:
        yield
    finally:
        _progress_sink.callback = previous


def report_progress(progress: Progress) -> None:
    """Tell the scope opened on this thread (if any) how far the call has got.

    The callback may raise (Cancelled when a watchdog gave the call up): the backend
    lets that end the call.
    """
    callback = getattr(_progress_sink, "callback", None)
    if callback is not None:
        callback(progress)


@dataclass(frozen=True)
class ModelResponse(Generic[T]):
    """One backend call's result and its record. Plain data: safe to hand between threads."""

    result: T
    #: The model that answered (the server's name for it when it says one).
    model: str = ""
    mode: Mode = "none"
    #: Tokens of this call alone (all its requests: a format probe, a repair round).
    usage: Usage = field(default_factory=Usage)
    latency_seconds: float = 0.0
    repair_rounds: int = 0
    #: The model's last reply as text, before any parsing.
    raw_reply: str = ""
    #: The messages of the last request sent (a repair round shows the first reply in it).
    messages: tuple[Message, ...] = ()
    #: What went wrong, for a partial response attached to an error ("" when it worked).
    error: str = ""


def attach_partial(err: BaseException, partial: ModelResponse[None]) -> None:
    """Let a failing call's error carry what the call got before it failed."""
    err.__dict__["model_response"] = partial


def partial_of(err: BaseException) -> ModelResponse[None] | None:
    """What a failed call got before failing (raw reply, usage, messages), if known."""
    found = getattr(err, "__dict__", {}).get("model_response")
    return found if isinstance(found, ModelResponse) else None


@runtime_checkable
class Backend(Protocol):
    """What every backend is and can do; the service and the drivers rely on nothing else."""

    #: Stable machine name stored with results, e.g. "offline", "openai:gpt-4o-mini".
    name: str
    #: Human description for the UI, e.g. "Local server (Ollama) · llama3.1".
    label: str

    @property
    def model(self) -> str:
        """The configured model name ("" for backends without one)."""
        ...

    @property
    def base_url(self) -> str | None:
        """The server's address; None for OpenAI itself and for backends with no server."""
        ...

    @property
    def is_local(self) -> bool:
        """Runs on this machine or network: no data leaves it and nobody bills tokens."""
        ...

    @property
    def supports_streaming(self) -> bool:
        """Whether `interviewer_turn` sends its text piece by piece as it is written."""
        ...

    @property
    def structured_modes(self) -> tuple[Mode, ...]:
        """The structured-output modes it may use for follow-ups and grades, best first."""
        ...

    @property
    def max_retries(self) -> int:
        """How often llm/service.py may try a failed call again."""
        ...

    @property
    def call_deadline(self) -> float | None:
        """Seconds a call may go without progress; None for backends that cannot hang."""
        ...

    @property
    def usage(self) -> Usage | None:
        """Running token count since the backend was built; None when it uses no tokens.

        For meters that watch a backend; a single call's usage is on its response.
        """
        ...

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ModelResponse[str]:
        """Write the interviewer's next turn, calling on_delta with each streamed piece."""
        ...

    def follow_up(self, request: FollowUpRequest) -> ModelResponse[FollowUpDecision]:
        """Decide whether to ask a follow-up; never more than the request's limit."""
        ...

    def grade(self, request: GradeRequest) -> ModelResponse[GradeDraft]:
        """Grade an answer; core.grading.finalize turns the draft into a checked Grade."""
        ...


# ---------------------------------------------------------------------- the call log


@dataclass(frozen=True)
class ModelCall:
    """One backend call as the call log keeps it (one row of `model_calls`).

    The service writes one for every call it makes: each retry, and the offline coach
    standing in. A grade's carries its request as JSON (`grade_request_to_json`), so the
    grade can be re-run later by another grader. Holds no API key.
    """

    kind: CallKind
    backend: str
    model: str
    mode: Mode
    messages: tuple[Message, ...] = ()
    raw_reply: str = ""
    usage: Usage = field(default_factory=Usage)
    #: Wall-clock start (ISO 8601, UTC) and how long the call took, retries apart.
    started_at: str = ""
    latency_seconds: float = 0.0
    repair_rounds: int = 0
    #: 1 for the first try of a service call, 2 for its first retry, and so on.
    attempt: int = 1
    #: The offline coach did this call because the model failed or rests.
    stand_in: bool = False
    error: str = ""
    question_id: str | None = None
    #: For grades: the request needed to replay it (see `grade_request_to_json`).
    request: dict[str, Any] | None = None
    #: For grades: the finished grade's overall score, once known.
    overall_score: float | None = None


class CallRecorder(Protocol):
    """Where the service writes each ModelCall (the store, a list in tests)."""

    def record(self, call: ModelCall) -> None: ...


class CallList:
    """A CallRecorder that keeps the calls in memory (tests, the regrade command)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.calls: list[ModelCall] = []

    def record(self, call: ModelCall) -> None:
        with self._lock:
            self.calls.append(call)


def grade_request_to_json(request: GradeRequest) -> dict[str, Any]:
    """A GradeRequest as plain JSON data: what `model_calls.request` holds for a grade."""
    return {
        "request_id": request.request_id,
        "question": request.question.model_dump(mode="json"),
        "rubric": request.rubric.model_dump(mode="json"),
        "exchange": [t.model_dump(mode="json") for t in request.exchange],
        "answer_seconds": request.answer_seconds,
        "meta": dict(request.meta),
        # A coding answer's hidden-test results: a regrade reuses them, never reruns code.
        "tests": None if request.tests is None else request.tests.model_dump(mode="json"),
    }


def grade_request_from_json(data: dict[str, Any]) -> GradeRequest:
    """The inverse of `grade_request_to_json`; raises ValueError for data it cannot read."""
    try:
        return GradeRequest(
            request_id=int(data.get("request_id", 0)),
            question=Question.model_validate(data["question"]),
            rubric=Rubric.model_validate(data["rubric"]),
            exchange=tuple(Turn.model_validate(t) for t in data.get("exchange", [])),
            answer_seconds=float(data.get("answer_seconds") or 0.0),
            meta={str(k): str(v) for k, v in dict(data.get("meta") or {}).items()},
            tests=TestSummary.model_validate(data["tests"]) if data.get("tests") else None,
        )
    except (KeyError, TypeError, ValueError) as exc:  # pydantic's ValidationError is one
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ValueError(f"not a grade request ({first})") from None


# ---------------------------------------------------------------------- other structured calls


@dataclass(frozen=True)
class StructuredRequest:
    """A structured-output call outside the interview (issue 17: read a job posting,
    write tailored questions): the messages, the pydantic model the reply must match,
    and what the call is, for error messages ("a job profile"). Backends that can answer
    it have a `structured(request)` method (see `StructuredBackend`); the rest (the
    offline coach) cannot, and callers fall back to their offline path."""

    kind: str
    chunks: Any  # core.prompts.ChatChunks
    model: type[Any]
    what: str


@runtime_checkable
class StructuredBackend(Protocol):
    """A backend that answers a `StructuredRequest` with a validated model instance."""

    def structured(self, request: StructuredRequest) -> ModelResponse[Any]: ...
