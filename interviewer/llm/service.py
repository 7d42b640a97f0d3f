"""Calls into a backend with retries and the offline coach as the stand-in.

An interview must never stall or lose work because a model is down: each call is tried
again where that can help, and if it still fails the offline coach does that one job,
marked as such (a grade gets the `offline_fallback` flag; a turn gets a notice).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from interviewer.core.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    Cancelled,
    RateLimited,
)
from interviewer.core.grading import finalize, sanitize_request
from interviewer.core.models import FollowUpDecision, Grade
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.base import Backend, CancelToken, DeltaCallback

T = TypeVar("T")
Notice = Callable[[str], None]

#: Attempts per call (the first try plus retries) and the longest pause between them.
ATTEMPTS = 2
MAX_BACKOFF = 8.0
#: After a server times out or cannot be reached, calls go straight to the offline coach
#: for this long, so a hung server costs the interview one time-out, not one per call;
#: then the model is tried again.
COOL_DOWN = 120.0
#: Characters of an answer that are graded (about 3,000 words, far past any spoken
#: answer). Longer text is kept in full in the transcript, graded on its start, and
#: flagged `too_long`, so a pasted book cannot stall grading or run up a model bill.
MAX_GRADED_CHARS = 20_000
#: Failures the client has already retried itself: retrying again here would only
#: multiply the wait.
_NOT_AGAIN = (BackendTimeout, BackendUnavailable)


class Health:
    """Whether a backend is worth calling right now (a small circuit breaker)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        # Keyed by id(), holding the backend itself so a reused id cannot match.
        self._down: dict[int, tuple[Backend, float, str]] = {}

    def down(self, backend: Backend) -> str:
        """The reason it is resting, or "" when it may be called."""
        entry = self._down.get(id(backend))
        if entry is None or entry[0] is not backend or self.clock() >= entry[1]:
            return ""
        return entry[2]

    def failed(self, backend: Backend, err: BackendError) -> None:
        if isinstance(err, _NOT_AGAIN):
            self._down[id(backend)] = (backend, self.clock() + COOL_DOWN, str(err))

    def ok(self, backend: Backend) -> None:
        self._down.pop(id(backend), None)


#: Shared by every call in the process; tests pass their own.
HEALTH = Health()


def _resting(backend: Backend, offline: Backend | None, health: Health) -> str:
    if offline is None or _is_offline(backend):
        return ""
    return health.down(backend)


def _retrying(
    call: Callable[[], T], attempts: int = ATTEMPTS, sleep: Callable[[float], None] = time.sleep
) -> T:
    last: BackendError | None = None
    for attempt in range(attempts):
        try:
            return call()
        except Cancelled:
            raise
        except BackendError as err:
            last = err
            if not err.retryable or isinstance(err, _NOT_AGAIN) or attempt == attempts - 1:
                break
            wait = min(MAX_BACKOFF, 0.5 * 2**attempt)
            if isinstance(err, RateLimited) and err.retry_after:
                wait = min(MAX_BACKOFF, err.retry_after)
            sleep(wait)
    assert last is not None
    raise last


def _is_offline(backend: Backend) -> bool:
    return backend.name == "offline"


def interviewer_turn(
    backend: Backend,
    request: TurnRequest,
    offline: Backend | None,
    on_delta: DeltaCallback | None = None,
    cancel: CancelToken | None = None,
    notice: Notice | None = None,
    *,
    health: Health = HEALTH,
) -> str:
    """Streams are not retried once text has been shown: the stand-in would repeat it."""
    resting = _resting(backend, offline, health)
    if resting and offline is not None:
        if notice is not None:
            notice(f"{resting} The offline coach stands in until the model answers again.")
        return offline.interviewer_turn(request, on_delta, cancel)
    shown: list[str] = []

    def delta(piece: str) -> None:
        shown.append(piece)
        if on_delta is not None:
            on_delta(piece)

    def attempt() -> str:
        if shown:  # a stream cut midway: do not stream the same words twice
            raise BackendError("The stream was cut off.", retryable=False)
        return backend.interviewer_turn(request, delta, cancel)

    try:
        text = _retrying(attempt)
    except Cancelled:
        raise
    except BackendError as err:
        health.failed(backend, err)
        if offline is None or _is_offline(backend):
            raise
        if notice is not None:
            notice(f"{err} The offline coach stands in for this turn.")
        if shown:
            # Keep what was already shown and let the coach finish with the plain question.
            rest = request.question.text if request.question is not None else ""
            text = "".join(shown).rstrip()
            if rest and rest not in text:
                extra = f"\n\n{rest}"
                if on_delta is not None:
                    on_delta(extra)
                text += extra
            return text
        return offline.interviewer_turn(request, on_delta, cancel)
    health.ok(backend)
    return text


def follow_up(
    backend: Backend,
    request: FollowUpRequest,
    offline: Backend | None,
    notice: Notice | None = None,
    *,
    health: Health = HEALTH,
) -> FollowUpDecision:
    if _resting(backend, offline, health) and offline is not None:
        return offline.follow_up(request)
    try:
        decision = _retrying(lambda: backend.follow_up(request))
    except BackendError as err:
        health.failed(backend, err)
        if offline is None or _is_offline(backend):
            raise
        if notice is not None:
            notice(f"{err} The offline coach chose the follow-up.")
        return offline.follow_up(request)
    health.ok(backend)
    return decision


def grade(
    backend: Backend,
    request: GradeRequest,
    offline: Backend | None,
    sleep: Callable[[float], None] = time.sleep,
    *,
    health: Health = HEALTH,
) -> Grade:
    """Grade with retries; if the model still fails, the offline coach grades, marked so."""
    # Graders see the answer with known planted instructions cut out, so they cannot be
    # fooled by them; finalize still sees the original and flags the attempt.
    request, too_long = _bounded(request)
    clean = sanitize_request(request)
    failure = _resting(backend, offline, health)
    if not failure:
        try:
            draft = _retrying(lambda: backend.grade(clean), sleep=sleep)
        except Cancelled:
            raise
        except BackendError as err:
            health.failed(backend, err)
            if offline is None or _is_offline(backend):
                raise
            failure = str(err)
        else:
            health.ok(backend)
            return _mark_long(finalize(draft, request, backend.name), too_long)
    assert offline is not None
    result = finalize(offline.grade(clean), request, offline.name)
    flags = [*result.flags, "offline_fallback"]
    summary = (
        f"Graded by the offline coach because the model failed ({failure}). {result.summary}"
    ).strip()
    return _mark_long(result.model_copy(update={"flags": flags, "summary": summary}), too_long)


def _bounded(request: GradeRequest) -> tuple[GradeRequest, bool]:
    """The request with each answer cut to what is graded, and whether anything was cut."""
    budget = MAX_GRADED_CHARS
    turns = []
    cut = False
    for t in request.exchange:
        if t.role == "candidate":
            keep = t.text[: max(0, budget)]
            budget -= len(keep)
            if len(keep) < len(t.text):
                cut = True
                t = t.model_copy(update={"text": keep})
        turns.append(t)
    if not cut:
        return request, False
    return replace(request, exchange=tuple(turns)), True


def _mark_long(grade: Grade, too_long: bool) -> Grade:
    if not too_long:
        return grade
    note = (
        f"Only the first {MAX_GRADED_CHARS:,} characters were graded; "
        "a spoken answer is far shorter."
    )
    return grade.model_copy(
        update={"flags": [*grade.flags, "too_long"], "summary": f"{grade.summary} {note}".strip()}
    )
