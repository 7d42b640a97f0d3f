"""A real backend for tests: queues of replies, a record of every request.

Not a patch of internals (design rule 8, anchor simonw/llm MockModel.enqueue): tests
enqueue what the "model" says, drive the app, then read `calls` to see what was asked.
Latency and faults are injectable so the GUI's busy, cancel and error paths can be tested.

Each call returns a `ModelResponse` with mode "none" and the reply's text as raw reply;
a test that needs a particular usage, mode or raw reply enqueues a ModelResponse itself.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from interviewer.core.cost import Usage
from interviewer.core.errors import BackendError, BadResponse, Cancelled
from interviewer.core.models import FollowUpDecision, GradeDraft
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.base import (
    CancelToken,
    DeltaCallback,
    Mode,
    ModelResponse,
    StructuredRequest,
)

#: str, FollowUpDecision, GradeDraft, a ModelResponse of one, an exception instance, or a
#: callable(request) returning any of these.
Reply = Any


@dataclass
class Call:
    kind: str
    request: Any
    thread: str


@dataclass
class ScriptedBackend:
    name: str = "scripted"
    label: str = "Scripted test backend"
    latency: float = 0.0
    chunk_size: int = 8
    chunk_delay: float = 0.0
    turns: deque[Reply] = field(default_factory=deque)
    follow_ups: deque[Reply] = field(default_factory=deque)
    grades: deque[Reply] = field(default_factory=deque)
    calls: list[Call] = field(default_factory=list)
    #: Used when a queue is empty; None means "raise", so a test notices a missing reply.
    default_turn: Callable[[TurnRequest], str] | None = None
    default_follow_up: Callable[[FollowUpRequest], FollowUpDecision] | None = None
    default_grade: Callable[[GradeRequest], GradeDraft] | None = None
    #: Replies to `structured` calls (a model instance, a dict validated against the
    #: request's model, an exception, or a callable(request) returning one of these).
    structured_replies: deque[Reply] = field(default_factory=deque)
    # Capabilities (llm/base.py Backend): a stand-in for a model on this machine.
    model: str = "scripted"
    base_url: str | None = None
    max_retries: int = 1
    call_deadline: float | None = None
    usage: Usage | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # ------------------------------------------------------------------ scripting

    def enqueue_turn(self, *replies: Reply) -> None:
        self.turns.extend(replies)

    def enqueue_follow_up(self, *replies: Reply) -> None:
        self.follow_ups.extend(replies)

    def enqueue_grade(self, *replies: Reply) -> None:
        self.grades.extend(replies)

    def enqueue_structured(self, *replies: Reply) -> None:
        self.structured_replies.extend(replies)

    def calls_of(self, kind: str) -> list[Call]:
        return [c for c in self.calls if c.kind == kind]

    # ------------------------------------------------------------------ capabilities

    @property
    def is_local(self) -> bool:
        return True

    @property
    def supports_streaming(self) -> bool:
        return True

    @property
    def structured_modes(self) -> tuple[Mode, ...]:
        return ("none",)

    # ------------------------------------------------------------------ protocol

    def interviewer_turn(
        self,
        request: TurnRequest,
        on_delta: DeltaCallback | None = None,
        cancel: CancelToken | None = None,
    ) -> ModelResponse[str]:
        reply = self._next("turn", request, self.turns, self.default_turn)
        scripted = reply if isinstance(reply, ModelResponse) else None
        text = str(reply.result if scripted is not None else reply)
        out = []
        for i in range(0, len(text), self.chunk_size):
            if cancel is not None and cancel.cancelled:
                raise Cancelled("Cancelled.")
            piece = text[i : i + self.chunk_size]
            out.append(piece)
            if on_delta is not None:
                on_delta(piece)
            if self.chunk_delay:
                time.sleep(self.chunk_delay)
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Cancelled.")
        if scripted is not None:
            return scripted
        return self._response("".join(out), "".join(out))

    def follow_up(self, request: FollowUpRequest) -> ModelResponse[FollowUpDecision]:
        reply = self._next("follow_up", request, self.follow_ups, self.default_follow_up)
        if isinstance(reply, ModelResponse) and isinstance(reply.result, FollowUpDecision):
            return reply
        if not isinstance(reply, FollowUpDecision):
            raise TypeError(f"scripted follow-up reply must be a FollowUpDecision, got {reply!r}")
        return self._response(reply, reply.model_dump_json())

    def grade(self, request: GradeRequest) -> ModelResponse[GradeDraft]:
        reply = self._next("grade", request, self.grades, self.default_grade)
        if isinstance(reply, ModelResponse) and isinstance(reply.result, GradeDraft):
            return reply
        if not isinstance(reply, GradeDraft):
            raise TypeError(f"scripted grade reply must be a GradeDraft, got {reply!r}")
        return self._response(reply, reply.model_dump_json())

    def structured(self, request: StructuredRequest) -> ModelResponse[Any]:
        """A structured call (llm/base.py StructuredRequest); a dict reply is validated
        against the request's model, so a test can script a malformed one."""
        reply = self._next(request.kind, request, self.structured_replies, None)
        if isinstance(reply, ModelResponse):
            return reply
        if isinstance(reply, dict):
            from pydantic import ValidationError

            try:
                reply = request.model.model_validate(reply)
            except ValidationError as exc:
                raise BadResponse(f"scripted {request.what} does not validate: {exc}") from None
        if not isinstance(reply, request.model):
            raise TypeError(f"scripted {request.what} must be a {request.model.__name__}")
        return self._response(reply, reply.model_dump_json())

    def _response(self, result: Any, raw: str) -> ModelResponse[Any]:
        return ModelResponse(result, model=self.model, mode="none", raw_reply=raw)

    def _next(self, kind: str, request: Any, queue: deque[Reply], default: Any) -> Any:
        with self._lock:
            self.calls.append(Call(kind, request, threading.current_thread().name))
            reply = queue.popleft() if queue else None
        if self.latency:
            time.sleep(self.latency)
        if reply is None:
            if default is None:
                raise BackendError(f"ScriptedBackend: no {kind} reply queued")
            reply = default(request)
        elif callable(reply) and not isinstance(
            reply, (FollowUpDecision, GradeDraft, ModelResponse)
        ):
            reply = reply(request)
        if isinstance(reply, BaseException):
            raise reply
        return reply
