"""Calls into a backend with retries, a circuit breaker, and the offline coach as stand-in.

An interview must never stall or lose work because a model is down. Three mechanisms:

* Retries, in this layer only (the openai client is built with `max_retries=0`, see
  openai_backend.py): a failure whose `retryable` flag says trying again may help is
  retried up to the backend's `max_retries` (ATTEMPTS - 1 for backends without one),
  with exponential back-off or the server's Retry-After. A retry is never started when
  it would push the call past STALL_BUDGET seconds in all, or when the server asks for
  a longer wait than MAX_RETRY_AFTER. Time-outs are not retried at all: a server that
  let one request hang will most likely let the next hang too, and the candidate would
  sit through both.
* A circuit breaker (`BackendHealth`): after a failure that says the backend itself is
  in trouble (no answer, time-out, 5xx, rate limit, key or model rejected), calls go
  straight to the offline coach for a cool-down, so a hung server costs the interview
  one time-out, not one per call. Then one call is let through as a probe; success
  closes the breaker, failure opens it again for twice as long. A probe may cost a whole
  time-out, so after a slow failure only background calls (gradings) probe, never the
  candidate's next question.
* The stand-in: if a call still fails, the offline coach does that one job, marked as
  such (a grade gets the `offline_fallback` flag; a turn gets a notice).

A streamed turn that breaks off after text reached the screen (the connection dropped,
or the reply was cut off: see `errors_map.cut_off`) is retried without showing anything
twice: the retry is streamed silently until it has passed what the screen shows, and
only the new part is shown. If the retry fails too, or writes something different
(models sample), the words on screen are void: the front end is told to take them back
(`on_reset`), and the offline coach asks the question instead, with a notice. A broken
half of a question is never returned, so it is never stored, graded or put in a report.

The call log: every public function takes an optional `recorder` (llm/base.py
CallRecorder; `StoreRecorder` writes to the session database) and hands it one
`ModelCall` per backend call it makes: each try and retry, and the offline coach when it
stands in. A failed try is recorded with its error and whatever the backend got before
failing. A grade's record holds its request, so `interviewer regrade` can replay it. A
recorder that fails is ignored: the interview matters more than its log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from interviewer.core.budget import PromptTooLong
from interviewer.core.errors import (
    AuthenticationFailed,
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    Cancelled,
    ModelNotFound,
    RateLimited,
    ServerError,
)
from interviewer.core.grading import finalize, sanitize_request
from interviewer.core.models import (
    CriterionDraft,
    FollowUpDecision,
    Grade,
    GradeDraft,
    RedFlagDraft,
)
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.llm.base import (
    Backend,
    CallKind,
    CallRecorder,
    CancelToken,
    DeltaCallback,
    ModelCall,
    ModelResponse,
    Progress,
    ProgressCallback,
    grade_request_to_json,
    partial_of,
    progress_scope,
)

if TYPE_CHECKING:
    from interviewer.storage.store import SessionStore

T = TypeVar("T")
Notice = Callable[[str], None]
Clock = Callable[[], float]
Sleep = Callable[[float], None]

#: Attempts per call (the first try plus retries) for a backend without `max_retries`.
ATTEMPTS = 2
#: Longest pause between attempts.
MAX_BACKOFF = 8.0
#: A server asking for a longer pause than this (Retry-After) is not waited for: the
#: offline coach does the call and the backend rests for as long as the server asked.
MAX_RETRY_AFTER = 10.0
#: No retry is started that would make one call, all attempts together, take longer.
STALL_BUDGET = 75.0
#: How long a failed backend rests before a probe; doubled after each failed probe.
COOL_DOWN = 120.0
MAX_COOL_DOWN = 960.0
#: A failure that took longer than this (in seconds) makes probing expensive: only
#: background calls probe after it.
SLOW_FAILURE = 5.0
#: Characters of an answer that are graded (about 3,000 words, far past any spoken
#: answer). Longer text is kept in full in the transcript, graded on its start, and
#: flagged `too_long`, so a pasted book cannot stall grading or run up a model bill.
MAX_GRADED_CHARS = 20_000
#: The watchdog waits this much longer than the silence a backend says it allows.
WATCH_SLACK = 5.0
#: Progress reaches a listener at most this often (seconds).
PROGRESS_EVERY = 0.5
#: Failures that say the backend, not this one request, is in trouble.
_BACKEND_DOWN = (
    BackendTimeout,
    BackendUnavailable,
    ServerError,
    RateLimited,
    AuthenticationFailed,
    ModelNotFound,
)
#: Failures that say nothing about the backend's health (nothing, or not all, was asked).
_NO_VERDICT = (Cancelled, PromptTooLong)


class BackendResting(BackendError):
    """The breaker is open: the backend is not called until its cool-down is over."""

    retryable = False


class _Diverged(BackendError):
    """A retried stream wrote something other than what the screen already shows."""

    retryable = False


@dataclass
class _Rest:
    backend: Backend
    until: float
    reason: str
    strikes: int
    slow: bool
    probing: bool = False


class BackendHealth:
    """Whether a backend is worth calling right now: a small circuit breaker.

    One per session is the intent (the GUI and CLI may also share the module's HEALTH);
    it is keyed by backend identity, so a backend rebuilt after a settings change starts
    healthy. Thread-safe: gradings run on worker threads beside the interactive calls.
    `clock` and `sleep` are injectable so tests run in no time.
    """

    def __init__(
        self,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        *,
        cool_down: float = COOL_DOWN,
        stall_budget: float = STALL_BUDGET,
        slow_failure: float = SLOW_FAILURE,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.cool_down = cool_down
        self.stall_budget = stall_budget
        self.slow_failure = slow_failure
        self._lock = threading.Lock()
        # Keyed by id(), holding the backend itself so a reused id cannot match.
        self._rests: dict[int, _Rest] = {}

    def _get(self, backend: Backend) -> _Rest | None:
        rest = self._rests.get(id(backend))
        return rest if rest is not None and rest.backend is backend else None

    def down(self, backend: Backend) -> str:
        """The reason it is resting (cool-down running or a probe out), or "" if callable."""
        with self._lock:
            rest = self._get(backend)
            if rest is None or (self.clock() >= rest.until and not rest.probing):
                return ""
            return rest.reason

    def retry_in(self, backend: Backend) -> float | None:
        """Seconds until the next probe may go out; None when the backend is healthy."""
        with self._lock:
            rest = self._get(backend)
            return None if rest is None else max(0.0, rest.until - self.clock())

    def admit(self, backend: Backend, *, interactive: bool = False) -> tuple[str, bool]:
        """(reason to skip the backend or "", whether this call is the breaker's probe)."""
        with self._lock:
            rest = self._get(backend)
            if rest is None:
                return "", False
            if self.clock() < rest.until or rest.probing or (interactive and rest.slow):
                return rest.reason, False
            rest.probing = True
            return "", True

    def failed(
        self, backend: Backend, err: BackendError, *, took: float = 0.0, probe: bool = False
    ) -> None:
        """Record a failure; one that says the backend is in trouble opens the breaker."""
        if not isinstance(err, _BACKEND_DOWN):
            return
        with self._lock:
            rest = self._get(backend)
            if rest is not None and not probe:
                return  # a call that was already under way when the breaker opened
            strikes = 1 if rest is None else rest.strikes + 1
            pause = min(MAX_COOL_DOWN, self.cool_down * 2 ** (strikes - 1))
            if isinstance(err, RateLimited) and err.retry_after:
                pause = max(err.retry_after, 1.0)
            self._rests[id(backend)] = _Rest(
                backend, self.clock() + pause, str(err), strikes, slow=took > self.slow_failure
            )

    def ok(self, backend: Backend) -> None:
        """The backend answered: close the breaker."""
        with self._lock:
            if self._get(backend) is not None:
                del self._rests[id(backend)]

    def release(self, backend: Backend) -> None:
        """A probe ended without a verdict (cancelled, never sent): let another one go."""
        with self._lock:
            rest = self._get(backend)
            if rest is not None:
                rest.probing = False

    def settle(
        self, backend: Backend, err: BackendError, *, took: float = 0.0, probe: bool = False
    ) -> None:
        """Judge a failed call: the backend is down, alive (it answered), or unknown."""
        if isinstance(err, _NO_VERDICT):
            if probe:
                self.release(backend)
        elif isinstance(err, _BACKEND_DOWN):
            self.failed(backend, err, took=took, probe=probe)
        else:
            self.ok(backend)  # it answered, just not usefully (e.g. bad JSON)

    def reset(self) -> None:
        """Forget every failure, e.g. when the user asks to try the model again now."""
        with self._lock:
            self._rests.clear()


#: Kept for callers that knew the breaker by its first name.
Health = BackendHealth
#: Shared by every call in the process unless a caller passes its own (tests, sessions).
HEALTH = BackendHealth()


def _attempts(backend: Backend) -> int:
    return 1 + max(0, int(backend.max_retries))


def _retrying(
    call: Callable[[], T],
    attempts: int = ATTEMPTS,
    sleep: Sleep = time.sleep,
    *,
    clock: Clock = time.monotonic,
    budget: float = STALL_BUDGET,
    stop: Callable[[], bool] | None = None,
) -> T:
    """Call, and try again while that may help and the stall budget allows."""
    last: BackendError | None = None
    start = clock()
    for attempt in range(attempts):
        began = clock()
        try:
            return call()
        except Cancelled:
            raise
        except BackendError as err:
            last = err
            if not err.retryable or isinstance(err, BackendTimeout) or attempt == attempts - 1:
                break
            wait = min(MAX_BACKOFF, 0.5 * 2**attempt)
            if isinstance(err, RateLimited) and err.retry_after is not None:
                if err.retry_after > MAX_RETRY_AFTER:
                    break
                wait = err.retry_after
            now = clock()
            if (now - start) + wait + (now - began) > budget:
                break
            if stop is not None and stop():
                break  # another call found the backend down meanwhile
            sleep(wait)
    assert last is not None
    raise last


def _deadline(backend: Backend) -> float | None:
    """How long one call may go without progress (`call_deadline` on the backend), or
    None for backends that cannot hang (the offline coach, scripted ones)."""
    value = backend.call_deadline
    return float(value) if value is not None and value > 0 else None


# --------------------------------------------------------------------------- call log


class StoreRecorder:
    """A CallRecorder that writes each call to one session's `model_calls` rows."""

    def __init__(self, store: SessionStore, session_id: str) -> None:
        self.store = store
        self.session_id = session_id

    def record(self, call: ModelCall) -> None:
        self.store.add_model_call(self.session_id, call_record(call))


def call_record(call: ModelCall) -> dict[str, Any]:
    """A ModelCall as the plain data `SessionStore.add_model_call` takes."""
    data = asdict(call)
    data["messages"] = [dict(m) for m in call.messages]
    data["usage"] = call.usage.totals()
    return data


class _Log:
    """The records of one service call: one ModelCall per backend call it makes."""

    def __init__(
        self,
        recorder: CallRecorder | None,
        kind: CallKind,
        question_id: str | None = None,
        request: dict[str, Any] | None = None,
    ) -> None:
        self.recorder = recorder
        self.kind: CallKind = kind
        self.question_id = question_id
        self.request = request
        self.attempt = 0
        #: Successful grade records wait here for the finished grade's score.
        self.held: list[ModelCall] = []

    def call(
        self,
        backend: Backend,
        invoke: Callable[[], ModelResponse[T]],
        *,
        stand_in: bool = False,
        hold: bool = False,
    ) -> ModelResponse[T]:
        """Make the backend call `invoke`, recording it whatever happens."""
        if self.recorder is None:
            return invoke()
        self.attempt += 1
        started_at = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")
        began = time.monotonic()
        try:
            response = invoke()
        except BaseException as err:
            partial = partial_of(err)
            self._write(
                self._record(
                    backend,
                    partial,
                    started_at=started_at,
                    took=time.monotonic() - began,
                    stand_in=stand_in,
                    error=f"{type(err).__name__}: {err}",
                )
            )
            raise
        record = self._record(
            backend,
            response,
            started_at=started_at,
            took=time.monotonic() - began,
            stand_in=stand_in,
            error="",
        )
        if hold:
            self.held.append(record)
        else:
            self._write(record)
        return response

    def _record(
        self,
        backend: Backend,
        response: ModelResponse[Any] | None,
        *,
        started_at: str,
        took: float,
        stand_in: bool,
        error: str,
    ) -> ModelCall:
        base = response if response is not None else ModelResponse(None)
        return ModelCall(
            kind=self.kind,
            backend=backend.name,
            model=base.model or backend.model,
            mode=base.mode,
            messages=base.messages,
            raw_reply=base.raw_reply,
            usage=base.usage,
            started_at=started_at,
            latency_seconds=took,
            repair_rounds=base.repair_rounds,
            attempt=self.attempt,
            stand_in=stand_in,
            error=error,
            question_id=self.question_id,
            request=self.request,
        )

    def release(self, overall_score: float | None) -> None:
        """Write the held grade records with the score the grade ended with."""
        held, self.held = self.held, []
        for record in held:
            self._write(replace(record, overall_score=overall_score))

    def _write(self, record: ModelCall) -> None:
        if self.recorder is None:
            return
        try:
            self.recorder.record(record)
        except Exception:  # the log must never stop an interview
            return


class _Watched:
    """Progress of one call running on a watchdog thread.

    A backend that reports progress (`base.Progress`) also says how long it will now
    wait for the next token (`silence_limit`: the first-token budget, then the gap);
    the watchdog then waits that long plus WATCH_SLACK, so the backend's own time-out,
    which ends the request and says why, comes first.
    """

    def __init__(self, on_progress: ProgressCallback | None = None) -> None:
        self.last = time.monotonic()
        self.abandoned = threading.Event()
        #: The silence the watchdog allows now; None: the limit it was given.
        self.limit: float | None = None
        self.on_progress = on_progress
        self._told = 0.0
        self._phase = ""

    def progress(self) -> None:
        self.last = time.monotonic()

    def report(self, p: Progress) -> None:
        """A progress report from the backend, on the call's thread."""
        if self.abandoned.is_set():
            raise Cancelled("The call was given up.")
        self.last = time.monotonic()
        if p.silence_limit is not None:
            self.limit = p.silence_limit + WATCH_SLACK
        if self.on_progress is None:
            return
        # At most every PROGRESS_EVERY seconds, and whenever the phase changes.
        if p.phase != self._phase or self.last - self._told >= PROGRESS_EVERY:
            self._told, self._phase = self.last, p.phase
            with contextlib.suppress(Exception):  # a listener must not fail the call
                self.on_progress(p)


def _watchdog(
    call: Callable[[_Watched], T],
    limit: float | None,
    label: str,
    cancel: CancelToken | None = None,
    on_progress: ProgressCallback | None = None,
) -> T:
    """Run `call` on its own thread and stop waiting after `limit` seconds without progress.

    A read time-out cannot catch a server that keeps a connection alive with a byte now
    and then (keep-alive comments, a stuck proxy) but never finishes a reply; this does.
    The abandoned call finishes or fails on its own later; its results are dropped (its
    `abandoned` event is set, and a streamed turn stops showing text at once). A cancel
    is noticed within a tenth of a second even while the call is blocked in a read.

    Progress is what the backend reports on the call's thread (`base.progress_scope`):
    each streamed token, and the silence it allows next (`_Watched.report`), so a slow
    but steady reply is never given up for taking long, only for going silent.
    `on_progress` hears those reports (throttled).
    """
    watched = _Watched(on_progress)
    if limit is None:
        with progress_scope(watched.report):
            return call(watched)
    box: dict[str, object] = {}
    done = threading.Event()

    def run() -> None:
        try:
            with progress_scope(watched.report):
                box["value"] = call(watched)
        except BaseException as exc:  # handed to the waiting thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="model-call", daemon=True).start()
    while not done.wait(0.1):
        if cancel is not None and cancel.cancelled:
            watched.abandoned.set()
            raise Cancelled("Cancelled.")
        allowed = watched.limit if watched.limit is not None else limit
        if time.monotonic() - watched.last > allowed:
            watched.abandoned.set()
            raise BackendTimeout(
                f"{label} kept the connection open but sent no reply within {allowed:g} seconds."
            )
    error = box.get("error")
    if isinstance(error, BaseException):
        raise error
    return box["value"]  # type: ignore[return-value]


def _is_offline(backend: Backend) -> bool:
    return backend.name == "offline"


def _run(
    backend: Backend,
    call: Callable[[], T],
    health: BackendHealth,
    *,
    guarded: bool,
    interactive: bool,
    sleep: Sleep | None = None,
) -> T:
    """One call under the breaker (if `guarded`) with retries; BackendResting if open."""
    probe = False
    if guarded:
        resting, probe = health.admit(backend, interactive=interactive)
        if resting:
            raise BackendResting(resting)
    started = health.clock()
    try:
        result = _retrying(
            call,
            1 if probe else _attempts(backend),
            sleep or health.sleep,
            clock=health.clock,
            budget=health.stall_budget,
            stop=(lambda: bool(health.down(backend))) if guarded else None,
        )
    except BackendError as err:
        health.settle(backend, err, took=health.clock() - started, probe=probe)
        raise
    except BaseException:
        if probe:  # a bug, not a verdict on the backend: do not leave the probe out
            health.release(backend)
        raise
    health.ok(backend)
    return result


def _tell(notice: Notice | None, text: str) -> None:
    if notice is not None:
        notice(text)


class _Screen:
    """One turn's text as the user has seen it, so a retried stream never repeats it."""

    def __init__(self, on_delta: DeltaCallback | None) -> None:
        self.on_delta = on_delta
        self.shown = ""
        #: The retry's text while it is still behind the screen; None: stream straight on.
        self._replay: str | None = None
        self.first_error: BackendError | None = None

    def begin(self) -> None:
        self._replay = "" if self.shown else None

    def _show(self, piece: str) -> None:
        self.shown += piece
        if self.on_delta is not None:
            self.on_delta(piece)

    def delta(self, piece: str) -> None:
        if self._replay is None:
            self._show(piece)
            return
        self._replay += piece
        if len(self._replay) <= len(self.shown):
            if not self.shown.startswith(self._replay):
                raise _Diverged("The reply broke off, and the model wrote another one.")
            return
        if not self._replay.startswith(self.shown):
            raise _Diverged("The reply broke off, and the model wrote another one.")
        rest, self._replay = self._replay[len(self.shown) :], None
        self._show(rest)

    def done(self, text: str) -> str:
        """A finished attempt: a retry must at least have caught up with the screen."""
        if self._replay is not None and self._replay != self.shown:
            raise _Diverged("The reply broke off, and the retry ended early.")
        self._replay = None
        return text

    def void(self, on_reset: Callable[[], None] | None) -> None:
        """What the screen shows is not a reply: tell the front end to take it back."""
        if self.shown and on_reset is not None:
            on_reset()
        self.shown = ""
        self._replay = None


def interviewer_turn(
    backend: Backend,
    request: TurnRequest,
    offline: Backend | None,
    on_delta: DeltaCallback | None = None,
    cancel: CancelToken | None = None,
    notice: Notice | None = None,
    *,
    health: BackendHealth = HEALTH,
    recorder: CallRecorder | None = None,
    on_reset: Callable[[], None] | None = None,
) -> str:
    """Stream the turn; if the model fails, the offline coach asks the question instead.

    Whatever happens, the text returned is exactly the text shown through `on_delta`
    since the last `on_reset`, each word once. `on_reset` is called when what was shown
    is void (a reply that broke off and could not be completed); a front end removes it
    or marks it as not part of the interview.
    """
    guarded = offline is not None and not _is_offline(backend)
    screen = _Screen(on_delta)
    log = _Log(recorder, "turn", request.question.id if request.question is not None else None)

    def stream(watched: _Watched) -> ModelResponse[str]:
        def delta(piece: str) -> None:
            if watched.abandoned.is_set():
                raise Cancelled("The call was given up.")
            watched.progress()
            screen.delta(piece)

        return backend.interviewer_turn(request, delta, cancel)

    def attempt() -> str:
        screen.begin()
        try:
            response = log.call(
                backend, lambda: _watchdog(stream, _deadline(backend), backend.label, cancel)
            )
            return screen.done(response.result)
        except _Diverged:
            raise
        except BackendError as err:
            if screen.first_error is None:
                screen.first_error = err
            raise

    def stand_in() -> str:
        assert offline is not None
        return log.call(
            offline, lambda: offline.interviewer_turn(request, on_delta, cancel), stand_in=True
        ).result

    try:
        return _run(backend, attempt, health, guarded=guarded, interactive=True)
    except Cancelled:
        raise
    except BackendResting as err:
        _tell(notice, f"{err} The offline coach stands in until the model answers again.")
        return stand_in()
    except BackendError as err:
        if not guarded or offline is None:
            raise
        if screen.shown:
            cause = screen.first_error if isinstance(err, _Diverged) else err
            screen.void(on_reset)
            _tell(notice, f"{cause or err} The offline coach asks this question instead.")
            return stand_in()
        _tell(notice, f"{err} The offline coach stands in for this turn.")
        return stand_in()


def follow_up(
    backend: Backend,
    request: FollowUpRequest,
    offline: Backend | None,
    notice: Notice | None = None,
    *,
    health: BackendHealth = HEALTH,
    recorder: CallRecorder | None = None,
    on_progress: ProgressCallback | None = None,
) -> FollowUpDecision:
    guarded = offline is not None and not _is_offline(backend)
    log = _Log(recorder, "follow_up", request.question.id)

    def stand_in() -> FollowUpDecision:
        assert offline is not None
        return log.call(offline, lambda: offline.follow_up(request), stand_in=True).result

    try:
        return _run(
            backend,
            lambda: (
                log.call(
                    backend,
                    lambda: _watchdog(
                        lambda _w: backend.follow_up(request),
                        _deadline(backend),
                        backend.label,
                        on_progress=on_progress,
                    ),
                ).result
            ),
            health,
            guarded=guarded,
            interactive=True,
        )
    except BackendResting:
        return stand_in()
    except Cancelled:
        raise
    except BackendError as err:
        if not guarded or offline is None:
            raise
        _tell(notice, f"{err} The offline coach chose the follow-up.")
        return stand_in()


def grade(
    backend: Backend,
    request: GradeRequest,
    offline: Backend | None,
    sleep: Sleep | None = None,
    *,
    health: BackendHealth = HEALTH,
    recorder: CallRecorder | None = None,
    samples: int = 1,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Grade:
    """Grade with retries; if the model still fails, the offline coach grades, marked so.

    A `cancel` token (the window closed, the interview was abandoned) ends the grade
    with Cancelled: a running model call is given up within a tenth of a second, no
    further sample, retry or offline stand-in starts, and nothing is returned to save.

    A streaming backend reports how far each try has got to `on_progress` (tokens so far,
    seconds, an estimate of the time left; `base.Progress`), at most every
    PROGRESS_EVERY seconds, on the grading's own thread; a try that keeps writing is
    never given up for its length, only for going silent (`_watchdog`).

    Gradings run in the background, so they are the calls that probe a resting backend.
    With a `recorder`, each call is logged with the request (as given, before planted
    instructions are cut out) so `interviewer regrade` can run it again.

    With `samples` > 1 a model grader (never the offline coach, which would only say the
    same thing again) is asked that many times, one after the other, and the drafts are
    combined (`combine_drafts`: the median score per criterion) before the one `finalize`
    every grade goes through; a criterion the samples disagreed on by more than one level
    is marked `uncertain`. A failed sample ends the sampling and the ones that came back
    are used; when none did, the offline coach stands in as for a single grade.
    """
    log = _Log(
        recorder,
        "grade",
        request.question.id,
        grade_request_to_json(request) if recorder is not None else None,
    )
    result: Grade | None = None
    try:
        result = _grade(backend, request, offline, sleep, health, log, samples, on_progress, cancel)
        return result
    finally:
        log.release(None if result is None else result.overall_score)


def _grade(
    backend: Backend,
    request: GradeRequest,
    offline: Backend | None,
    sleep: Sleep | None,
    health: BackendHealth,
    log: _Log,
    samples: int = 1,
    on_progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
) -> Grade:
    # Graders see the answer with known planted instructions cut out, so they cannot be
    # fooled by them; finalize still sees the original and flags the attempt.
    request, too_long = _bounded(request)
    clean = sanitize_request(request)
    guarded = offline is not None and not _is_offline(backend)
    wanted = 1 if _is_offline(backend) else max(1, min(MAX_SAMPLES, int(samples)))
    if wanted > 1:
        # Samples at temperature 0 would repeat one another: the request says how many
        # are asked for, and a model grader samples at SAMPLE_TEMPERATURE for them.
        clean = replace(clean, meta={**clean.meta, "samples": str(wanted)})

    def stop_if_cancelled() -> None:
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Grading was cancelled.")

    def one() -> GradeDraft:
        stop_if_cancelled()
        return _run(
            backend,
            lambda: (
                log.call(
                    backend,
                    lambda: _watchdog(
                        lambda _w: backend.grade(clean),
                        _deadline(backend),
                        backend.label,
                        cancel,
                        on_progress=on_progress,
                    ),
                    hold=True,
                ).result
            ),
            health,
            guarded=guarded,
            interactive=False,
            sleep=sleep,
        )

    drafts: list[GradeDraft] = []
    failure = ""
    for _ in range(wanted):
        try:
            drafts.append(one())
        except Cancelled:
            raise
        except BackendError as err:
            if drafts:
                break  # use the samples that came back
            if not guarded or offline is None:
                raise
            failure = str(err)
            break
    if drafts:
        if len(drafts) == 1:
            return _mark_long(finalize(drafts[0], request, backend.name), too_long)
        combined = combine_drafts(drafts)
        result = finalize(combined.draft, request, backend.name)
        return _mark_long(mark_uncertain(result, combined), too_long)
    assert offline is not None  # no sample came back, and the failure was not re-raised
    stop_if_cancelled()  # a failure caused by the cancel is no reason for a stand-in
    stand_in = log.call(offline, lambda: offline.grade(clean), stand_in=True, hold=True)
    result = finalize(stand_in.result, request, offline.name)
    flags = [*result.flags, "offline_fallback"]
    summary = (
        f"Graded by the offline coach because the model failed ({failure}). {result.summary}"
    ).strip()
    return _mark_long(result.model_copy(update={"flags": flags, "summary": summary}), too_long)


# --------------------------------------------------------------------------- samples

#: At most this many grading samples per answer (the Settings' `grade_samples` range).
MAX_SAMPLES = 5
#: Samples whose scores for a criterion differ by more than this many levels make the
#: criterion uncertain.
UNCERTAIN_SPREAD = 1
#: At most this many improvements are kept when the samples' advice is pooled.
MAX_POOLED_IMPROVEMENTS = 8


@dataclass(frozen=True)
class Combined:
    """Several graders' drafts as one, and what the samples said per criterion."""

    draft: GradeDraft
    #: criterion id -> the score each sample gave it, in sample order.
    scores: dict[str, list[int]]
    samples: int

    def uncertain(self, criterion_id: str) -> bool:
        given = self.scores.get(criterion_id, [])
        return len(given) > 1 and max(given) - min(given) > UNCERTAIN_SPREAD


def median_score(scores: list[int]) -> int:
    """The median, a half rounded down (2 and 3 give 2): a tie never raises a score."""
    ordered = sorted(scores)
    n = len(ordered)
    return (ordered[(n - 1) // 2] + ordered[n // 2]) // 2


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _pooled(lists: list[list[str]], limit: int) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for items in lists:
        for item in items:
            key = _key(item)
            if key and key not in seen:
                seen.add(key)
                out.append(item)
    return out[:limit]


def combine_drafts(drafts: list[GradeDraft]) -> Combined:
    """One draft from several samples of the same grader, for `finalize` to check.

    Per criterion: the median score (half rounded down), with the evidence and reasoning
    of the first sample that gave exactly that score, or else the closest lower one.
    The story around the scores (summary, strengths, missing key points, STAR, outline)
    comes from one whole sample, the one closest to the medians (ties: the lower scores,
    then the earlier sample), so it reads as one verdict; advice is pooled from every
    sample (each item once). A red flag or an injection attempt counts when at least
    half the samples report it: the same conservative tie as the median.
    """
    if not drafts:
        raise ValueError("combine_drafts needs at least one draft")
    n = len(drafts)
    order: list[str] = []
    scores: dict[str, list[int]] = {}
    for draft in drafts:
        seen: set[str] = set()
        for cd in draft.criteria:
            if cd.criterion_id in seen:
                continue  # finalize keeps a criterion's first score; so do the samples
            seen.add(cd.criterion_id)
            if cd.criterion_id not in scores:
                order.append(cd.criterion_id)
                scores[cd.criterion_id] = []
            scores[cd.criterion_id].append(int(cd.score))
    medians = {cid: median_score(scores[cid]) for cid in order}

    criteria: list[CriterionDraft] = []
    for cid in order:
        median = medians[cid]
        given = [
            next(cd for cd in d.criteria if cd.criterion_id == cid)
            for d in drafts
            if any(cd.criterion_id == cid for cd in d.criteria)
        ]
        chosen = min(
            given, key=lambda cd: (abs(cd.score - median), cd.score > median, given.index(cd))
        )
        reasoning = chosen.reasoning.strip()
        if len(set(scores[cid])) > 1:
            listed = ", ".join(str(v) for v in scores[cid])
            reasoning = f"{reasoning} (Samples: {listed}; median {median}.)".strip()
        criteria.append(
            chosen.model_copy(update={"score": median, "reasoning": reasoning}, deep=True)
        )

    def distance(i: int) -> tuple[int, int, int]:
        own = {cd.criterion_id: int(cd.score) for cd in drafts[i].criteria}
        off = sum(abs(own.get(cid, medians[cid]) - medians[cid]) for cid in order)
        return off, sum(own.values()), i

    middle = drafts[min(range(n), key=distance)]

    flag_counts: dict[str, int] = {}
    flag_first: dict[str, RedFlagDraft] = {}
    for draft in drafts:
        for key in {_key(r.red_flag) for r in draft.red_flags if _key(r.red_flag)}:
            flag_counts[key] = flag_counts.get(key, 0) + 1
        for r in draft.red_flags:
            flag_first.setdefault(_key(r.red_flag), r)
    red_flags = [
        r.model_copy() for key, r in flag_first.items() if key and flag_counts[key] * 2 >= n
    ]
    injection = sum(d.injection_attempt for d in drafts) * 2 >= n
    improvements = _pooled(
        [middle.improvements, *(d.improvements for d in drafts if d is not middle)],
        max(MAX_POOLED_IMPROVEMENTS, len(middle.improvements)),
    )
    draft = middle.model_copy(
        update={
            "criteria": criteria,
            "improvements": improvements,
            "red_flags": red_flags,
            "injection_attempt": injection,
        },
        deep=True,
    )
    return Combined(draft, scores, n)


def mark_uncertain(grade: Grade, combined: Combined) -> Grade:
    """Mark each criterion whose samples disagreed by more than one level."""
    if not any(combined.uncertain(c.criterion_id) for c in grade.criteria):
        return grade
    criteria = [
        c.model_copy(update={"uncertain": True}) if combined.uncertain(c.criterion_id) else c
        for c in grade.criteria
    ]
    return grade.model_copy(update={"criteria": criteria})


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
