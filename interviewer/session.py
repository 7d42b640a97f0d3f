"""One interview, owned by one UI-free service: the window and the terminal only adapt it.

`InterviewSession` drives the sans-IO engine (core/engine.py) and does everything around
it that used to be written twice, once in the terminal's loop and once in the window's
controller: it runs the backend calls, dispatches gradings (at most `GRADING_WORKERS` at
a time), saves every turn, grade and draft to the `SessionStore`, meters token usage,
rebuilds an interrupted interview (`resume`), and builds the finished report.

It knows nothing of Qt or of a terminal. Two seams make that possible:

* an `Executor` the front end supplies: `submit(fn, done)` runs `fn` off the caller's
  thread and later calls `done(future)` on the caller's thread (the one that owns the
  session); `call_soon(callback)` hops a callback onto that thread from a worker (the
  streamed text and notices of a model call). The window's executor rides on a Qt
  thread pool and queued signals; `ThreadExecutor` below is a plain thread pool whose
  callbacks the terminal (and the tests) run with `run_pending`.
* plain events (dataclasses below) sent to every listener (`subscribe`), always on the
  owner's thread: a front end renders them and forwards the user's actions back as
  method calls (`submit_answer`, `skip`, `pause`, `end_early`, `cancel`, ...).

Every store write is one small transaction handed to a `StoreWriter`, which runs them one
at a time in the order they were made: inline on the owner's thread in the terminal
(`InlineWriter`), on one background thread in the window (so a slow disk never freezes
it). The interview does not move on (no next question) until the candidate's answer is
committed, and the finished event waits for the report's write; closing flushes what is
pending (`flush_store`). A write that fails is told once (a `Notice`) and never stops the
interview. The model-call log plugs in at
`recorder_for`: given the session id it returns the `CallRecorder` every model call of
that session is handed to (None: no log); by default the store's own `model_calls` rows.

A model's interviewer turn never shows the prompt (core/leaks.py): a streamed turn is
shown sentence by sentence, each sentence only once the text up to it passed the leak
check (the sentence being written is held back, so a tag or an instruction line is never
on screen even half written; the cost is that text appears a sentence at a time). The
first leak stops the call, takes back what was shown, adds a notice turn and falls back
to the app's own words: the question as the bank writes it, a prepared follow-up as
written, or a plain closing line. The raw reply (as far as it came) is logged as one
more `model_calls` row whose error starts with "prompt leak".
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import logging
import queue
import random
import sqlite3
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from interviewer.core import grade_eta
from interviewer.core.content import ContentLibrary, QuestionHistory
from interviewer.core.cost import Price, SessionUsage, Usage, UsageMeter
from interviewer.core.engine import (
    MIN_FOLLOW_UP_SECONDS,
    Finished,
    InterviewEngine,
    NeedAnswer,
    NeedFollowUp,
    NeedGrades,
    NeedTurn,
    Phase,
    QuestionRecord,
)
from interviewer.core.errors import Cancelled, InterviewerError
from interviewer.core.grading.text import stem, words
from interviewer.core.leaks import Leak, StreamGate
from interviewer.core.models import (
    FollowUpDecision,
    Grade,
    Probe,
    Question,
    Rubric,
    Track,
    Turn,
    VoiceDelivery,
)
from interviewer.core.prompts import PromptLibrary
from interviewer.core.report import Report, build_report, now_iso
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.core.speech_text import speaking_cap_seconds
from interviewer.core.summary import SessionSummary, summarize
from interviewer.llm import service
from interviewer.llm.base import Backend, CancelToken, ModelCall, Progress
from interviewer.llm.leak_checks import follow_up_leak_check, turn_leak_check
from interviewer.storage.prices import load_prices_or_defaults
from interviewer.storage.store import (
    Draft,
    SessionLock,
    SessionPlan,
    SessionStore,
    StoredModelCall,
    StoredSession,
    take_session_lock,
)

if TYPE_CHECKING:
    from interviewer.llm.base import CallRecorder

log = logging.getLogger(__name__)

#: Gradings run in the background while the interview goes on; this many at once.
GRADING_WORKERS = 2
#: Threads an executor needs: the gradings, the call the candidate waits for, and up to
#: two cancelled calls that have not returned yet (a thread cannot be interrupted).
EXECUTOR_THREADS = GRADING_WORKERS + 3
#: Shown when a model call raised something that is not one of our errors (a bug).
UNEXPECTED = "Something went wrong inside the app while talking to the model ({name})."
#: What a store write can raise: our own errors, the database's, the disk's.
#: How long a finished model call waits for its session's row before it is logged.
ROW_WAIT_SECONDS = 30.0
STORE_ERRORS: tuple[type[BaseException], ...] = (InterviewerError, sqlite3.Error, OSError)
#: The closing line when the model's own closing words cannot be shown.
WRAP_UP_LINE = (
    "Thank you for your time; that is the end of the interview. "
    "Your feedback report is being prepared."
)

Listener = Callable[["Event"], None]


# --------------------------------------------------------------------------- executors


class Executor(Protocol):
    """Runs work off the owner's thread; brings outcomes back onto it."""

    def submit(self, fn: Callable[[], Any], done: Callable[[Future[Any]], None]) -> None:
        """Run `fn` in the background, then `done(future)` on the owner's thread."""
        ...

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the owner's thread; may be called from any thread."""
        ...


class ThreadExecutor:
    """A plain thread pool; its callbacks run when the owner calls `run_pending`.

    The terminal's loop and the tests are the owner: they call `run_pending(None)` to
    wait for the next outcome (or streamed piece) and handle it on their own thread.
    """

    def __init__(self, max_workers: int = EXECUTOR_THREADS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="interview")
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._running = 0  # submitted jobs whose `done` has not run yet (owner's count)

    def submit(self, fn: Callable[[], Any], done: Callable[[Future[Any]], None]) -> None:
        self._running += 1

        def finished(fut: Future[Any]) -> None:
            def deliver() -> None:
                self._running -= 1
                done(fut)

            self._inbox.put(deliver)

        self._pool.submit(fn).add_done_callback(finished)

    def call_soon(self, callback: Callable[[], None]) -> None:
        self._inbox.put(callback)

    @property
    def idle(self) -> bool:
        """Nothing running and nothing waiting to be delivered."""
        return self._running == 0 and self._inbox.empty()

    def run_pending(self, timeout: float | None = 0.0) -> int:
        """Run the callbacks that arrived; with a timeout (None: no limit), wait for one
        first. Returns how many ran."""
        ran = 0
        if timeout != 0.0:
            try:
                callback = self._inbox.get(timeout=timeout)
            except queue.Empty:
                return 0
            callback()
            ran += 1
        while True:
            try:
                callback = self._inbox.get_nowait()
            except queue.Empty:
                return ran
            callback()
            ran += 1

    def run_until(self, condition: Callable[[], bool], timeout: float = 30.0) -> bool:
        """Deliver outcomes until `condition()` holds (tests); False at the timeout."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.run_pending(min(left, 0.5))
        return True

    def shutdown(self, wait: bool = False) -> None:
        self._pool.shutdown(wait=wait, cancel_futures=True)


# --------------------------------------------------------------------------- store writers

#: What a store writer hands back once a piece of work ran: its result, or what it raised.
WriteDone = Callable[[Any, "BaseException | None"], None]


class StoreWriter(Protocol):
    """Runs the session's store work (writes, and the reads that must follow them) one
    piece at a time, in the order it was handed over."""

    def run(self, work: Callable[[], Any], done: WriteDone) -> None:
        """Run `work` after everything handed over before it, then `done(result, error)`
        on the owner's thread (in the same order)."""
        ...

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every piece handed over has run (closing); False at the timeout."""
        ...


class InlineWriter:
    """Runs each piece at once on the caller's thread: the terminal's writer (a terminal
    waits for its input anyway), and the default."""

    def run(self, work: Callable[[], Any], done: WriteDone) -> None:
        try:
            result = work()
        except Exception as err:  # handed to done(): a store error, or a bug to report
            done(None, err)
            return
        done(result, None)

    def flush(self, timeout: float | None = None) -> bool:
        return True


class SerialWriter:
    """One background thread runs the pieces in order; `done` reaches the owner's thread
    through `call_soon` (an `Executor`'s). For front ends without Qt, and tests."""

    def __init__(self, call_soon: Callable[[Callable[[], None]], None]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="store")
        self._call_soon = call_soon
        self._last: Future[Any] | None = None

    def run(self, work: Callable[[], Any], done: WriteDone) -> None:
        def finished(fut: Future[Any]) -> None:
            error = fut.exception()
            result = None if error is not None else fut.result()
            self._call_soon(lambda: done(result, error))

        fut = self._pool.submit(work)
        fut.add_done_callback(finished)
        self._last = fut

    def flush(self, timeout: float | None = None) -> bool:
        last = self._last
        if last is None:
            return True
        try:
            last.exception(timeout=timeout)  # the pieces run in order: the last is the end
        except TimeoutError:
            return False
        return True

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)


# --------------------------------------------------------------------------- plain data


@dataclass(frozen=True)
class StartOptions:
    """What the candidate chose; None means "the track's default"."""

    track_id: str
    question_count: int | None = None
    minutes: float | None = None
    difficulty: str | None = None
    follow_ups: bool = True
    #: Plain random questions, as if nothing had been practised before (no rotation).
    repeat: bool = False
    #: A track built for this interview (e.g. "practise my weak topics") instead of
    #: `track_id`'s; `track_id` still names the library track it was built from.
    track: Track | None = field(default=None, compare=False)
    #: Adaptive difficulty (core/adaptive.py): each next question's level follows the
    #: last answer's grade (its quick offline grade when the real one is not in yet).
    adaptive: bool = False
    #: The job target this interview practises for (storage/targets.py); saved in the
    #: plan's options, so the target's readiness and history find the session.
    target_id: str | None = None
    #: One coding question (ml-coding) as the last question, for a track that offers it
    #: (`Track.coding_option`, the full loop); off unless the candidate asks.
    include_coding: bool = False


@dataclass(frozen=True)
class ClockState:
    """Everything the two countdowns show; plain data so a view can render it as it likes."""

    question_left: float | None  # None while no answer is being written
    question_limit: float
    interview_left: float
    interview_total: float
    running: bool


@dataclass(frozen=True)
class Results:
    track: Track
    records: list[QuestionRecord]
    summary: SessionSummary
    rubrics: dict[str, Rubric]
    ended_early: bool
    report: Report | None = None


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Started:
    """An interview began (or was resumed); the front end shows its interview screen."""

    resumed: bool


@dataclass(frozen=True)
class TurnAdded:
    """A finished turn, in transcript order; `restored` ones were saved before a resume."""

    turn: Turn
    restored: bool = False


@dataclass(frozen=True)
class StreamStarted:
    purpose: str  # "question" or "wrap_up"


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class StreamReset:
    """What was streamed is void (the call was cancelled or failed)."""


@dataclass(frozen=True)
class AnswerNeeded:
    need: NeedAnswer


@dataclass(frozen=True)
class AnswerClosed:
    """The engine took the answer (submitted, timed out, skipped, ended)."""


@dataclass(frozen=True)
class DraftRestored:
    """A resumed interview's saved draft, for the answer box."""

    text: str


@dataclass(frozen=True)
class BusyChanged:
    text: str  # what the interview waits for; "" when idle


@dataclass(frozen=True)
class CallFailed:
    """A model call failed for good: retry it or continue without the model."""

    text: str


@dataclass(frozen=True)
class ClockChanged:
    state: ClockState


@dataclass(frozen=True)
class PausedChanged:
    paused: bool


@dataclass(frozen=True)
class StateChanged:
    """Anything the front end's actions depend on may have changed."""


@dataclass(frozen=True)
class Notice:
    level: str  # "info", "warning", "error"
    text: str
    #: "model" for what a model call reports (a stand-in took over, a retry), "store" for
    #: what the session store reports (kept in memory, written back), "interview" for
    #: everything else; a terminal prints them differently.
    source: str = "interview"


@dataclass(frozen=True)
class GradingProgress:
    graded: int
    handed_out: int


@dataclass(frozen=True)
class GradeWorking:
    """How far a grade a model is writing has got (at most twice a second per grade).

    `answer` counts the answers handed out for grading (1 for the first); `left` is the
    backend's estimate of the seconds still needed (None when it cannot say yet).
    """

    question_id: str
    answer: int
    tokens: int
    seconds: float
    left: float | None

    def text(self) -> str:
        """ "grading answer 3: 340 tokens so far, about 40 s left" """
        if self.tokens == 0:
            head = f"grading answer {self.answer}: the model is reading it"
        else:
            head = f"grading answer {self.answer}: {self.tokens} tokens so far"
        if self.left is None:
            return head
        left = round(self.left)
        when = f"about {left} s left" if left < 120 else f"about {round(left / 60)} min left"
        return f"{head}, {when}"


@dataclass(frozen=True)
class GradeReady:
    """One answer's grading ended: a grade, or the error that stopped it."""

    question_id: str
    grade: Grade | None
    error: str = ""


@dataclass(frozen=True)
class GradingEstimate:
    """How many grades are in and when the rest should be (issue 15: the feedback page
    fills in as grades land, with an estimate of when it will be complete).

    Sent whenever a grade lands and as running grades report progress; `seconds_left`
    is None when nothing honest can be said yet (`core/grade_eta.py`). `text()` is ""
    once every grade is in: the front end hides its line then.
    """

    graded: int
    total: int
    seconds_left: float | None

    def text(self) -> str:
        """ "3 of 5 grades in; the rest in about 1 min 20 s" """
        return grade_eta.eta_text(self.graded, self.total, self.seconds_left)


@dataclass(frozen=True)
class ResultsSoFar:
    """The interview is over but grades are still arriving: the results as they stand
    (no report yet; answers still being graded have no grade and are listed in
    `grading`). Sent when the waiting starts and again as each grade lands."""

    results: Results
    #: Question ids whose grade is still being written or waits its turn.
    grading: frozenset[str]


@dataclass(frozen=True)
class InterviewFinished:
    results: Results


Event = (
    Started
    | TurnAdded
    | StreamStarted
    | TextDelta
    | StreamReset
    | AnswerNeeded
    | AnswerClosed
    | DraftRestored
    | BusyChanged
    | CallFailed
    | ClockChanged
    | PausedChanged
    | StateChanged
    | Notice
    | GradingProgress
    | GradeWorking
    | GradeReady
    | GradingEstimate
    | ResultsSoFar
    | InterviewFinished
)


@dataclass
class _Call:
    """The interactive call the candidate is waiting for."""

    call_id: int
    kind: str  # "turn" or "follow_up"
    token: CancelToken
    purpose: str = ""
    streamed: list[str] = field(default_factory=list)
    question_id: str | None = None
    #: What of the reply may be shown yet: a turn is checked for prompt leaks sentence
    #: by sentence before it is shown (core/leaks.py). Its check is built on the worker
    #: before the call starts (it renders the prompt), so it is in place before any text.
    gate: StreamGate = field(default_factory=lambda: StreamGate(None))


# --------------------------------------------------------------------------- prompt leaks


def prepared_probe(record: QuestionRecord, leaked: str) -> Probe | None:
    """The prepared follow-up to ask instead of a leaked one: of those not asked yet, the
    one closest in words to what the model meant to ask (else the first)."""
    asked = {t.text.strip().lower() for t in record.turns if t.kind == "follow_up"}
    left = [p for p in record.question.follow_ups if p.text.strip().lower() not in asked]
    if not left:
        return None
    meant = {stem(w) for w in words(leaked)}

    def overlap(probe: Probe) -> int:
        return len(meant & {stem(w) for w in words(probe.text)})

    return max(left, key=lambda p: (overlap(p), -left.index(p)))


# --------------------------------------------------------------------------- resume rules


def restore_engine(
    library: ContentLibrary,
    stored: StoredSession,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> InterviewEngine:
    """Rebuild an interrupted interview exactly as it was asked. The rules (one place, so
    the window and the terminal resume alike):

    * every question must still be in the bank (else InterviewerError: it can only be
      kept in history);
    * each question keeps the answer time it was asked with (the saved plan), even if
      the content file changed since;
    * the track is the library's (renamed as it ran, e.g. a weak-topics practice), or,
      when its file has gone, one rebuilt from the saved plan;
    * a draft saved for another question than the one now open is dropped, with its
      clocks (they were read before later answers): it is never put under this one.
    """
    plan, row = stored.plan, stored.row
    ids = adaptive_order(stored) if plan.options.get("adaptive") else plan.question_ids
    missing = [qid for qid in ids if qid not in library.questions]
    if missing:
        many = len(missing) > 1
        raise InterviewerError(
            f"The interrupted interview on {row.track_name!r} cannot be resumed: "
            f"question{'s' if many else ''} {', '.join(missing)} "
            f"{'are' if many else 'is'} no longer in the question bank. "
            "It can stay in your history as unfinished."
        )
    questions: list[Question] = []
    for qid in ids:
        q = library.questions[qid]
        seconds = plan.answer_seconds.get(qid)
        if seconds and seconds != q.answer_seconds:
            q = q.model_copy(update={"answer_seconds": seconds})  # the limit as asked
        questions.append(q)
    track = resumed_track(library, stored, questions)
    draft = kept_draft(stored)
    try:
        engine = InterviewEngine.restore(
            track,
            questions,
            library.rubrics,
            stored.turns,
            grades=stored.grades,
            draft=draft.text if draft is not None else "",
            interview_seconds_left=interview_seconds_left(stored),
            question_seconds_left=draft.question_seconds_left if draft is not None else None,
            follow_ups=plan.follow_ups,
            follow_up_limit=plan.follow_up_limit,
            duration_seconds=plan.duration_seconds,
            clock=clock,
        )
    except InterviewerError as err:
        raise InterviewerError(
            f"The interrupted interview on {row.track_name!r} cannot be resumed: {err} "
            "It can stay in your history as unfinished."
        ) from err
    current = engine.current
    if draft is not None and (current is None or current.question.id != draft.question_id):
        engine.draft = ""
    return engine


def kept_draft(stored: StoredSession) -> Draft | None:
    """The saved draft if it belongs to the question the turns leave open, else None."""
    draft = stored.draft
    return draft if draft is not None and draft.question_id == _open_question(stored) else None


def interview_seconds_left(stored: StoredSession) -> float:
    """The interview clock a resume starts from: the kept draft's reading, else the
    duration minus the answers' time."""
    draft = kept_draft(stored)
    if draft is not None:
        return draft.interview_seconds_left
    used = sum(t.seconds or 0.0 for t in stored.turns if t.role == "candidate")
    return max(0.0, stored.plan.duration_seconds - used)


def _open_question(stored: StoredSession) -> str | None:
    """The question the saved turns leave open for an answer (None if none is)."""
    for turn in reversed(stored.turns):
        if turn.role == "candidate":
            return None
        if turn.role == "interviewer" and turn.kind in ("question", "follow_up"):
            return turn.question_id
    return None


def resumed_track(
    library: ContentLibrary, stored: StoredSession, questions: list[Question]
) -> Track:
    """The track the interview ran on: the library's (renamed as it was, e.g. a weak-topics
    practice), or, if the track file is gone, one rebuilt from the saved plan."""
    row, plan = stored.row, stored.plan
    base = library.tracks.get(row.track_id)
    if base is not None:
        if row.track_name and base.name != row.track_name:
            return base.model_copy(
                update={"name": row.track_name, "questions": list(plan.question_ids)}
            )
        return base
    categories = list(dict.fromkeys(q.category for q in questions))
    fields = {
        "name": row.track_name or "Resumed interview",
        "description": f"{row.track_name or 'An interview'}, resumed.",
        "duration_minutes": max(1, min(480, round(plan.duration_seconds / 60))),
        "question_count": max(1, min(50, len(questions))),
        "categories": categories,
        "follow_up_limit": max(0, min(5, plan.follow_up_limit or 0)),
        "selection": "ordered",
        "questions": [q.id for q in questions],
    }
    try:
        return Track.model_validate({"id": row.track_id, **fields})
    except ValueError:
        return Track.model_validate({"id": "resumed", **fields})


def _plan_options(options: StartOptions) -> dict[str, str | int | float | bool | None]:
    """What a resume needs beyond the questions: adaptivity and the job target."""
    out: dict[str, str | int | float | bool | None] = {}
    if options.adaptive:
        out["adaptive"] = True
    if options.target_id:
        out["target_id"] = options.target_id
    return out


def adaptive_order(stored: StoredSession) -> list[str]:
    """An adaptive interview's questions in the order they were asked (its saved plan
    holds the first pick; swaps changed it): the asked ones, then the rest as planned,
    as many as the plan had."""
    asked = list(
        dict.fromkeys(
            t.question_id
            for t in stored.turns
            if t.question_id and t.role == "interviewer" and t.kind == "question"
        )
    )
    rest = [q for q in stored.plan.question_ids if q not in asked]
    return (asked + rest)[: max(len(stored.plan.question_ids), len(asked))]


def answer_limit(need: NeedAnswer) -> float:
    """The full time allowed for this answer (a resumed one may have less of it left)."""
    seconds = need.question.answer_seconds
    return float(max(MIN_FOLLOW_UP_SECONDS, seconds // 2) if need.is_follow_up else seconds)


@dataclass(eq=False)
class _EarlyGrade:
    """The last answer's grade, started while the interviewer decides on a follow-up.

    Taken as the grade when the question ends with exactly this exchange (no follow-up
    was asked), so the report after the last answer waits for one grading call, not for
    the decision and then the grading; dropped (and its call cancelled) otherwise."""

    question_id: str
    exchange: tuple[Turn, ...]
    token: CancelToken
    started: float
    #: The finished call, once it is done, and when (grade_clock) it was.
    fut: Future[Any] | None = None
    done_at: float | None = None
    #: The grading job it became, once a handed-out request took it.
    job: int | None = None
    #: Set under `lock`: the request that took it (its worker then saves the grade the
    #: moment it lands, as every grade is).
    request_id: int | None = None
    #: Once taken: the progress callback of the request that took it.
    working: Callable[[Progress], None] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def early_grading_allowed(backend: Backend, interviewer: Backend) -> bool:
    """Whether the last answer may be graded while the follow-up is being decided.

    Not when one model server on this machine or network does both: such a server often
    runs one call at a time, and a follow-up question would wait behind the grade."""
    url = backend.base_url
    shared = (
        backend is interviewer
        or backend.name == interviewer.name
        or (bool(url) and _same_server(url, interviewer.base_url))
    )
    return not (shared and backend.is_local and url)


def _same_server(a: str | None, b: str | None) -> bool:
    """Two base URLs of one server (another model on it runs on the same machine)."""
    if not a or not b:
        return False
    from urllib.parse import urlsplit

    one, two = urlsplit(a), urlsplit(b)
    return (one.hostname, one.port) == (two.hostname, two.port)


# --------------------------------------------------------------------------- the service


class InterviewSession:
    """One interview at a time: start or resume it, forward the candidate's actions, listen.

    Not thread-safe by design: every method is called, and every event delivered, on the
    owner's thread (the GUI thread, or the terminal's main thread); only the model calls
    run elsewhere, through the executor.
    """

    def __init__(
        self,
        library: ContentLibrary,
        store: SessionStore,
        executor: Executor,
        *,
        backend: Backend,
        offline: Backend | None = None,
        grader: Backend | None = None,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        recorder_for: Callable[[str], CallRecorder | None] | None = None,
        writer: StoreWriter | None = None,
        front_end: str = "window",
        prompts: PromptLibrary | None = None,
    ) -> None:
        self.library = library
        #: The templates a model's turns are checked against for prompt leaks: the ones
        #: the backend renders (None: the shipped prompts, which every backend uses
        #: unless it was built with its own library).
        self.prompts = prompts
        #: Named in the one-writer lock, so another program can say who holds a session.
        self.front_end = front_end
        self._lock: SessionLock | None = None
        self.store = store
        self.executor = executor
        self.backend = backend
        self.offline = offline
        #: The backend that grades when it is not the interviewer's (another model, or
        #: the offline coach); None: `backend` grades. Each job falls back to `offline`
        #: on its own, and the call log names the model of every call.
        self.grader = grader
        self.clock = clock
        self.rng = rng
        #: The model-call log: session id -> the recorder every call of it is handed to.
        #: By default each call goes to the session's own rows in the store
        #: (`interviewer calls SESSION_ID`); `lambda sid: None` turns the log off.
        self.recorder_for: Callable[[str], CallRecorder | None] = (
            recorder_for if recorder_for is not None else self._store_recorder
        )
        #: Runs every store write, in order (the window's runs them off the GUI thread).
        self.writer: StoreWriter = writer if writer is not None else InlineWriter()
        self._listeners: list[Listener] = []

        self.engine: InterviewEngine | None = None
        self.options: StartOptions | None = None
        self.results: Results | None = None
        self.session_id: str | None = None
        self.started_at = ""
        self.backend_used = ("", "")  # (name, label) the report names
        #: Tokens and cost of the interview, across every backend it used.
        self.usage_meter = UsageMeter()
        self._prices: dict[str, Price] | None = None
        self._recorder: CallRecorder | None = None
        #: How many times a model grader grades each answer (the `grade_samples` setting;
        #: llm.service.grade takes the median); front ends set it from the settings.
        self.grade_samples = 1

        self._ids = itertools.count(1)
        self._generation = 0  # bumped when an interview is dropped: late outcomes are ignored
        self._call: _Call | None = None
        self._failure = ""
        self._busy = ""
        self._shown = 0  # transcript turns already announced
        self._restored = 0  # of which saved before a resume
        self._saved_turns = 0  # transcript turns already in the store
        self._answer_key: tuple[int, int] | None = None
        self._question_limit = 0.0
        self._draft_saved: tuple[tuple[int, int], str, float] | None = None
        self._grade_queue: deque[GradeRequest] = deque()
        self._grade_jobs: dict[int, int] = {}  # job id -> request id
        self._grade_questions: dict[int, str] = {}  # request id -> question id
        self._grade_numbers: dict[int, int] = {}  # request id -> answer number (1, 2, ...)
        self._graded = 0
        self._handed_out = 0
        #: Seconds one grade is expected to take (the grading model's remembered fitness
        #: check, `llm/factory.seconds_per_grade`); front ends set it. Until a grade of
        #: this session is measured, the estimate of the feedback page rests on it.
        self.expected_grade_seconds: float | None = None
        #: Times grades (real seconds, whatever clock the engine runs on).
        self.grade_clock: Callable[[], float] = time.monotonic
        self._grade_tokens: dict[int, CancelToken] = {}  # request id -> its cancel token
        self._grade_started: dict[int, float] = {}  # request id -> grade_clock at dispatch
        self._grade_progress: dict[int, Progress] = {}  # request id -> its last report
        self._grade_seconds: list[float] = []  # how long the model's grades took
        self._estimate: tuple[int, int, float | None] | None = None
        self._so_far_told = False
        self._store_warned = False
        # Store work handed to the writer, and done: pieces are numbered in order. The
        # interview does not move on (no model call starts) while a piece numbered up to
        # `_barrier` (the new session, an answer) is not on disk yet.
        self._queued = 0
        self._written = 0
        self._barrier = 0
        self._barrier_text = ""
        self._waiting: deque[tuple[int, int, Callable[[], None]]] = deque()
        self._pump_waiting = False
        #: (session id, request id) of grades a worker saved: request ids start again
        #: with every interview, and a left interview's worker may still save one.
        self._grades_saved: set[tuple[str, int]] = set()
        #: The last answer's grade started early (see `_EarlyGrade`), if any.
        self._early: _EarlyGrade | None = None
        #: Whether the last answer may be graded during the follow-up decision.
        self.grade_early = True
        # Questions read aloud (see `hold_for_delivery`): when the held answer clock is
        # started anyway, because the speech never said it was done.
        self._hold_for_delivery = False
        self._hold_deadline: float | None = None
        self._hold_rate = 0.0
        # Whatever the store tells (kept in memory, busy, written back) reaches every
        # front end as a Notice, on the owner thread.
        store.add_notice_listener(self._on_store_notice)

    def _take_lock(self, session_id: str) -> SessionLock:
        """One writer per session: raises SessionBusy (an InterviewerError naming the
        process that holds it) when another program or window has it open."""
        if self._lock is not None and self._lock.held and self._lock.session_id == session_id:
            return self._lock
        return take_session_lock(self.store.path, session_id, self.front_end, owner=self.store)

    def _release_lock(self) -> None:
        """Let go of the session once the writes handed over before now are done (the
        writer runs pieces in order), so a second writer never sees a half-saved state."""
        lock, self._lock = self._lock, None
        if lock is not None:
            self.writer.run(lambda: None, lambda _result, _error: lock.release())

    def _on_store_notice(self, text: str) -> None:
        level = "warning" if self.store.in_memory else "info"
        self.executor.call_soon(lambda: self._emit(Notice(level, text, source="store")))

    @property
    def grading_backend(self) -> Backend:
        """The backend the next grading goes to."""
        return self.grader if self.grader is not None else self.backend

    def backend_text(self) -> tuple[str, str]:
        """(name, label) of the backends running the interview, as the report names
        them: the interviewer's, and the grader's when another one grades."""
        backend, grader = self.backend, self.grader
        if grader is None or grader is backend or grader.name == backend.name:
            return backend.name, backend.label
        return backend.name, f"{backend.label}; graded by {grader.label}"

    def _store_recorder(self, session_id: str) -> CallRecorder:
        return service.StoreRecorder(self.store, session_id)

    # ------------------------------------------------------------------ listeners

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener; returns the function that removes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, event: Event) -> None:
        for listener in list(self._listeners):
            listener(event)

    # ------------------------------------------------------------------ queries

    @property
    def phase(self) -> Phase | None:
        return self.engine.phase if self.engine is not None else None

    @property
    def in_interview(self) -> bool:
        return self.engine is not None and self.engine.phase is not Phase.DONE

    @property
    def paused(self) -> bool:
        return self.engine is not None and self.engine.paused

    @property
    def answering(self) -> bool:
        return self.phase is Phase.ANSWERING

    @property
    def can_submit(self) -> bool:
        return self.answering and not self.paused

    @property
    def can_skip(self) -> bool:
        return self.phase in (Phase.ANSWERING, Phase.DECIDING) and not self.paused

    @property
    def can_pause(self) -> bool:
        return self.phase in (Phase.ASKING, Phase.ANSWERING, Phase.DECIDING)

    @property
    def can_end(self) -> bool:
        return self.phase in (Phase.ASKING, Phase.ANSWERING, Phase.DECIDING)

    @property
    def can_cancel(self) -> bool:
        return self._call is not None or (
            self.phase is Phase.GRADING and bool(self._grade_jobs or self._grade_queue)
        )

    @property
    def waiting_for_model(self) -> bool:
        """An interviewer turn or follow-up decision is in flight."""
        return self._call is not None

    @property
    def busy_text(self) -> str:
        return self._busy

    @property
    def failure(self) -> str:
        return self._failure

    @property
    def pending_grades(self) -> int:
        return len(self._grade_queue) + len(self._grade_jobs)

    def clock_state(self) -> ClockState:
        eng = self.engine
        if eng is None:
            return ClockState(None, 0.0, 0.0, 0.0, False)
        answering = eng.phase is Phase.ANSWERING
        return ClockState(
            question_left=eng.question_seconds_left() if answering else None,
            question_limit=self._question_limit,
            interview_left=eng.interview_seconds_left(),
            interview_total=eng.duration,
            running=answering and not eng.paused and not eng.held,
        )

    def time_is_up(self) -> bool:
        """The answer's or the interview's clock has run out (the engine's reading)."""
        eng = self.engine
        if eng is None or eng.phase is not Phase.ANSWERING:
            return False
        return eng.question_seconds_left() <= 0 or eng.interview_seconds_left() <= 0

    def session_usage(self) -> SessionUsage | None:
        """Tokens and estimated cost of the interview, or None when no model that counts
        tokens was called."""
        if self._prices is None:
            self._prices, _ = load_prices_or_defaults()
        found = self.usage_meter.session(self._prices)
        return found if found is not None and found.requests else None

    def question_history(self) -> dict[str, QuestionHistory]:
        """What the candidate has practised, for question rotation; empty if unreadable
        (the pick is then plain random, which is never worth stopping an interview for)."""
        try:
            return self.store.question_history()
        except STORE_ERRORS:
            return {}

    # ------------------------------------------------------------------ starting

    def build(
        self, options: StartOptions, history: dict[str, QuestionHistory] | None = None
    ) -> InterviewEngine:
        """The engine for these options (questions picked, clock scaled); raises
        InterviewerError when the track cannot be run. `history` is what was practised (a
        front end that read it in the background passes it); None reads it here."""
        track = options.track or self.library.track(options.track_id)
        if options.repeat:
            history = None
        elif history is None:
            try:
                history = self.store.question_history()
            except STORE_ERRORS as err:
                self._emit(
                    Notice(
                        "warning",
                        f"past practice could not be read ({err}); questions are random.",
                    )
                )
                history = {}
        questions = self.library.select_questions(
            track,
            options.question_count,
            rng=self.rng,
            difficulty=options.difficulty,
            history=history,
            include_coding=options.include_coding,
        )
        if not questions:
            raise InterviewerError(f"The track {track.name!r} has no questions to ask.")
        duration = options.minutes * 60 if options.minutes else None
        if (
            duration is None
            and options.question_count
            and options.question_count != track.question_count
        ):
            # Scale the interview clock with the number of questions asked.
            duration = track.duration_minutes * 60 * len(questions) / track.question_count
        if options.adaptive:
            pool = self._adaptive_pool(track, history)
            nearby, bank = self._adaptive_wider(track, pool, history)
            return InterviewEngine(
                track,
                questions,
                self.library.rubrics,
                follow_ups=options.follow_ups,
                duration_seconds=duration,
                clock=self.clock,
                adaptive=True,
                pool=pool,
                quick_score=self._quick_score,
                nearby=nearby,
                bank=bank,
            )
        return InterviewEngine(
            track,
            questions,
            self.library.rubrics,
            follow_ups=options.follow_ups,
            duration_seconds=duration,
            clock=self.clock,
        )

    def _adaptive_pool(
        self, track: Track, history: dict[str, QuestionHistory] | None
    ) -> list[Question]:
        """Questions an adaptive interview may swap in: the track's (every level), least
        practised first, so a level change still brings a question not seen before."""
        from interviewer.core.content import rotation_rank

        base = track.model_copy(update={"difficulty": "mixed"})
        pool = self.library.questions_for(base)
        if not pool:
            pool = list(self.library.questions.values())
        # Coding questions (issue 19) are never swapped in for spoken ones.
        pool = [q for q in pool if getattr(q, "kind", "") != "coding"]
        hist = history or {}
        return sorted(pool, key=lambda q: (rotation_rank(q, hist), q.id))

    def _adaptive_wider(
        self,
        track: Track,
        pool: list[Question],
        history: dict[str, QuestionHistory] | None,
    ) -> tuple[list[Question], list[Question]]:
        """Where an adaptive interview looks when its pool has no question at the wanted
        level (a posting's few topics rarely have easy ones): questions sharing a topic
        with the pool's questions, then every spoken question in the bank. The engine
        takes only ones of the planned category; least practised first, as the pool."""
        from interviewer.core.content import rotation_rank

        hist = history or {}
        seen = {q.id for q in pool} | set(track.questions)
        spoken = [
            q
            for q in self.library.questions.values()
            if getattr(q, "kind", "") != "coding" and q.id not in seen
        ]
        spoken.sort(key=lambda q: (rotation_rank(q, hist), q.id))
        near_topics = {t.lower() for q in pool for t in q.topics}
        nearby = [q for q in spoken if near_topics & {t.lower() for t in q.topics}]
        ids = {q.id for q in nearby}
        return nearby, [q for q in spoken if q.id not in ids]

    def _quick_score(self, request: GradeRequest) -> float | None:
        """The offline coach's grade of a finished answer, at once (no model): what an
        adaptive interview picks the next level from when the real grade is not in."""
        from interviewer.llm.offline import OfflineCoach

        coach = self.offline if self.offline is not None else OfflineCoach()
        try:
            return service.grade(coach, request, None).overall_score
        except Exception:  # never stop an interview for the level of its next question
            log.warning("quick grade failed", exc_info=True)
            return None

    def start(
        self, options: StartOptions, history: dict[str, QuestionHistory] | None = None
    ) -> None:
        """Start a fresh interview; raises InterviewerError (nothing changed) if it cannot.
        `history`: see `build`."""
        engine = self.build(options, history)
        self.leave()
        self._adopt(engine, options)
        self._open_session(engine, options)
        engine.start()
        self._emit(Started(resumed=False))
        self._pump()
        self._emit(ClockChanged(self.clock_state()))

    def _add_target_questions(self, stored: StoredSession) -> None:
        """Questions a model wrote for the session's job target are not in the bank: put
        the target's saved ones in the library so the interview resumes with them."""
        target_id = stored.plan.options.get("target_id")
        if not target_id:
            return
        from interviewer.storage.targets import get_target

        try:
            target = get_target(self.store, str(target_id))
        except STORE_ERRORS:
            return  # the resume then names the missing questions
        for q in target.generated:
            self.library.questions.setdefault(q.id, q)

    def resume_problem(self, stored: StoredSession) -> str:
        """Why this saved interview cannot be resumed with the content loaded now ("" if it can)."""
        self._add_target_questions(stored)
        try:
            restore_engine(self.library, stored, clock=self.clock)
        except InterviewerError as err:
            return str(err)
        return ""

    def resume(self, session_id: str, stored: StoredSession | None = None) -> None:
        """Carry on an interrupted interview exactly where it stopped: the question, the
        draft and both clocks. Raises InterviewerError (nothing changed) if it cannot.

        `stored` is the saved interview if the front end already read it in the background
        (the window's resume offer did); None reads it here."""
        if stored is None or stored.row.id != session_id:
            try:
                stored = self.store.load_session(session_id)  # our own errors pass through
            except (sqlite3.Error, OSError) as err:
                raise InterviewerError(f"The saved interview could not be read ({err}).") from err
        if stored.row.status == "finished":
            raise InterviewerError(f"The interview {session_id} is already finished.")
        self._add_target_questions(stored)
        engine = restore_engine(self.library, stored, clock=self.clock)
        if stored.plan.options.get("adaptive"):
            engine.adaptive = True
            engine.pool = [
                q
                for q in self._adaptive_pool(engine.track, None)
                if q.id not in {r.question.id for r in engine.records}
            ]
            engine.quick_score = self._quick_score
            engine.nearby, engine.bank = (
                [q for q in ring if q.id not in {r.question.id for r in engine.records}]
                for ring in self._adaptive_wider(engine.track, engine.pool, None)
            )
        lock = self._take_lock(session_id)  # before anything changes: refused as it is
        if lock is self._lock:
            self._lock = None  # leave() must not let go of the session being resumed
        self.leave()
        self._lock = lock
        row, plan = stored.row, stored.plan
        base = self.library.tracks.get(row.track_id)
        options = StartOptions(
            track_id=row.track_id,
            question_count=len(plan.question_ids),
            minutes=plan.duration_seconds / 60,
            difficulty=plan.difficulty,
            follow_ups=plan.follow_ups,
            track=None if base is not None and base == engine.track else engine.track,
            adaptive=bool(plan.options.get("adaptive")),
            target_id=str(plan.options["target_id"]) if plan.options.get("target_id") else None,
        )
        self._adopt(engine, options)
        self.session_id = session_id
        self._recorder = self.recorder_for(session_id)
        self.started_at = row.started_at
        name, label = self.backend_text()
        if row.backend != name or row.backend_label != label:
            label = f"{row.backend_label}, then {label}"
        else:
            label = row.backend_label
        self.backend_used = (name, label)
        self._begin_usage()
        self._carry_over_usage(session_id)  # the tokens spent before the interruption
        self._saved_turns = self._restored = len(engine.transcript)
        draft = engine.draft
        self._emit(Started(resumed=True))
        self._pump()
        if draft and self.answering:
            # The answer box went blank when the answer opened; put the draft back.
            engine.update_draft(draft)
            self._emit(DraftRestored(draft))
        self._emit(ClockChanged(self.clock_state()))

    def _adopt(self, engine: InterviewEngine, options: StartOptions) -> None:
        self.engine = engine
        engine.hold_answers = self._hold_for_delivery
        self._hold_deadline = None
        self.options = options
        self.results = None
        self._shown = self._restored = self._saved_turns = 0
        self._draft_saved = None
        self._answer_key = None
        self._store_warned = False

    def _begin_usage(self) -> None:
        self.usage_meter.reset()
        self._prices, warning = load_prices_or_defaults()
        if warning:
            self._emit(Notice("warning", warning))

    def _open_session(self, engine: InterviewEngine, options: StartOptions) -> None:
        self.started_at = now_iso()
        self.backend_used = self.backend_text()
        self._begin_usage()
        questions = [r.question for r in engine.records]
        plan = SessionPlan(
            question_ids=[q.id for q in questions],
            duration_seconds=engine.duration,
            follow_ups=options.follow_ups,
            follow_up_limit=engine.follow_up_limit,
            difficulty=options.difficulty,
            answer_seconds={q.id: q.answer_seconds for q in questions},
            options=_plan_options(options),
        )
        # The id is made here, so the interview goes on while its row is being written; a
        # model call that ends before the row is on disk waits for it to log the call.
        sid = uuid.uuid4().hex[:12]
        self._lock = self._take_lock(sid)
        self.session_id = sid
        written = threading.Event()
        recorder = self.recorder_for(sid)
        self._recorder = None if recorder is None else _AfterRow(recorder, written)
        store, track_name = self.store, engine.track.name
        (name, label), started = self.backend_used, self.started_at

        def create() -> str:
            try:
                return store.create_session(
                    track_id=options.track_id,
                    track_name=track_name,
                    backend=name,
                    backend_label=label,
                    plan=plan,
                    started_at=started,
                    session_id=sid,
                )
            finally:
                written.set()

        self._store_work("this interview", create)

    # ------------------------------------------------------------------ the candidate

    def update_draft(self, text: str) -> None:
        if self.engine is not None and self.engine.phase is Phase.ANSWERING:
            self.engine.update_draft(text)

    def submit_answer(
        self,
        text: str | None = None,
        *,
        timed_out: bool = False,
        audio: str | None = None,
        voice: VoiceDelivery | None = None,
    ) -> bool:
        """True when the engine took the answer; on False the caller keeps the text.

        `timed_out` marks an answer the front end cut off at its own deadline. A spoken
        answer brings `audio` (its recording, relative to the session's folder, see
        storage.session_files) and `voice` (core.voice_delivery's measures of it); both
        are saved with the turn and the grade's delivery shows the voice."""
        eng = self.engine
        if eng is None:
            return False
        try:
            if text is not None:
                eng.update_draft(text)
            eng.submit_answer(text, timed_out=timed_out, audio=audio, voice=voice)
        except InterviewerError as err:
            self._emit(Notice("warning", str(err)))
            return False
        self._pump()
        return True

    def skip(self) -> None:
        eng = self.engine
        if eng is None or not self.can_skip:
            return
        self._drop_call()
        try:
            eng.skip()
        except InterviewerError as err:
            self._emit(Notice("warning", str(err)))
        self._pump()

    def pause(self) -> None:
        if self.engine is None or not self.can_pause or self.engine.paused:
            return
        self.engine.pause()
        self.save_draft()
        self._emit(PausedChanged(True))
        self._emit(ClockChanged(self.clock_state()))
        self._emit(StateChanged())

    def resume_clocks(self) -> None:
        if self.engine is None or not self.engine.paused:
            return
        self.engine.resume()
        self._emit(PausedChanged(False))
        self._emit(ClockChanged(self.clock_state()))
        self._emit(StateChanged())

    def end_early(self) -> None:
        """Stop asking; the answer being written is kept. Confirmation is the front end's."""
        eng = self.engine
        if eng is None or not self.can_end:
            return
        was_paused = eng.paused
        self._drop_call()
        eng.end_early()
        if was_paused:
            self._emit(PausedChanged(False))
        self._pump()

    def cancel(self) -> None:
        """Stop waiting for the model and carry on without it."""
        if self._call is not None:
            self._drop_call()
            self._emit(Notice("info", "Cancelled. The interview goes on without that reply."))
            self._continue_without_model()
        elif self.phase is Phase.GRADING:
            self._cancel_gradings("Grading was cancelled before it finished.")
        self._pump()

    def retry(self) -> None:
        """Try the failed call again."""
        self._failure = ""
        self._pump()

    def continue_without_model(self) -> None:
        """After a failure: use the question as written, or skip the follow-up."""
        self._failure = ""
        self._drop_call()
        self._continue_without_model()
        self._pump()

    def tick(self) -> None:
        """Read the clocks: an expired one submits the draft the engine holds."""
        eng = self.engine
        if eng is None or eng.phase is Phase.DONE:
            return
        if eng.phase is Phase.GRADING:
            self._tell_estimate()  # counts down between the grades' own reports
        deadline = self._hold_deadline
        if eng.held and not eng.paused and deadline is not None and self.clock() >= deadline:
            self._release_hold()
            self._emit(
                Notice(
                    "info",
                    "Reading the question aloud took longer than it should, so your "
                    "answer clock has started.",
                )
            )
        try:
            events = eng.tick()
        except InterviewerError as err:  # pragma: no cover - the engine guards its phases
            self._emit(Notice("error", str(err)))
            events = []
        if events:
            if "interview_timeout" in events:
                text = "The interview time is up. Your answer was submitted as written."
            else:
                text = "Time is up for this answer. It was submitted as written."
            self._emit(Notice("info", text))
            self._pump()
        self._emit(ClockChanged(self.clock_state()))

    # ------------------------------------------------------------------ read aloud

    @property
    def hold_for_delivery(self) -> bool:
        """Each new answer's clocks wait until the front end says the question was
        delivered (`question_delivered`): the window sets this while it reads questions
        aloud. Off (the terminal, a muted or text-only window): clocks start as the
        question is shown. Turning it off releases a held clock at once."""
        return self._hold_for_delivery

    @hold_for_delivery.setter
    def hold_for_delivery(self, hold: bool) -> None:
        self._hold_for_delivery = hold
        if self.engine is not None:
            self.engine.hold_answers = hold
            if not hold:
                self._release_hold()

    def set_speaking_rate(self, rate: float) -> None:
        """The voice's rate (-1 slow .. 1 fast): a slower voice is waited for longer."""
        self._hold_rate = rate

    @property
    def answer_clock_held(self) -> bool:
        """The answer is open but its clocks wait for the question to be delivered."""
        eng = self.engine
        return eng is not None and eng.phase is Phase.ANSWERING and eng.held

    def question_delivered(self) -> None:
        """The question has been read aloud (or the reading was stopped): start the
        answer clocks that waited for it. Safe to call at any time."""
        self._release_hold()

    def _release_hold(self) -> None:
        eng = self.engine
        self._hold_deadline = None
        if eng is None or not eng.held:
            return
        eng.release_answer_clock()
        self._emit(ClockChanged(self.clock_state()))
        self._emit(StateChanged())

    # ------------------------------------------------------------------ leaving

    def abandon(self) -> None:
        """Forget the current interview (and ignore whatever its calls still return).

        The store is left as it is: an unfinished session stays in progress, so it is
        offered for resuming later. `leave` marks it unfinished.
        """
        self._generation += 1
        self._pump_waiting = False
        self._drop_call()
        self._grade_queue.clear()
        self._grade_jobs.clear()
        self._grade_questions.clear()
        self._drop_early()
        self._stop_grades()  # running grades end now; their answers stay ungraded
        self._grade_seconds.clear()
        self._estimate = None
        self._so_far_told = False
        self._graded = self._handed_out = 0
        self._failure = ""
        self._shown = self._restored = 0
        self._answer_key = None
        self.engine = None
        self.session_id = None
        self._recorder = None
        self._saved_turns = 0
        self._draft_saved = None
        self._release_lock()
        self._set_busy("")
        self._emit(StateChanged())

    def leave(self) -> None:
        """The candidate walked away from an unfinished interview: it stays in history as
        unfinished (with the draft), and is not offered for resuming."""
        sid = self.session_id
        if sid is not None and self.in_interview:
            self.save_draft(force=True)
            self._persist("the interview's status", lambda: self.store.mark_abandoned(sid))
        self.abandon()

    def suspend(self) -> None:
        """The front end closes mid-interview: save the draft and both clocks, and leave the
        session in progress so it can be resumed."""
        if self.in_interview:
            if self.engine is not None and not self.engine.paused:
                self.engine.pause()  # banks the clocks up to this moment
            self.save_draft(force=True)
        self.abandon()

    # ------------------------------------------------------------------ the store

    def save_draft(self, force: bool = False) -> bool:
        """Save the answer being typed and both clocks; unless forced, only if they changed
        (the clocks count as a change once they moved a second). Returns whether it wrote."""
        eng, sid = self.engine, self.session_id
        if eng is None or sid is None or eng.phase is not Phase.ANSWERING:
            return False
        rec = eng.current
        if rec is None:
            return False
        key, q_left = self._key(eng), eng.question_seconds_left()
        last = self._draft_saved
        if (
            not force
            and last is not None
            and last[0] == key
            and last[1] == eng.draft
            and abs(last[2] - q_left) < 1.0
        ):
            return False
        i_left = eng.interview_seconds_left()
        text = eng.draft
        self._draft_saved = (key, text, q_left)
        return self._persist(
            "the answer you are typing",
            lambda: self.store.save_draft(sid, rec.question.id, text, q_left, i_left),
        )

    def _persist(self, what: str, write: Callable[[], object], *, barrier: str = "") -> bool:
        """Hand one store write to the writer; a failure is told once and never stops the
        interview. False when it failed at once (an inline writer), else True."""
        return self._store_work(what, write, barrier=barrier)

    def _store_work(
        self,
        what: str,
        work: Callable[[], Any],
        then: Callable[[Any], None] | None = None,
        *,
        barrier: str = "",
        quiet: bool = False,
    ) -> bool:
        """Hand `work` to the writer (in order); `then(result)` runs on the owner's thread
        once it did, if the interview is still the same. With `barrier`, the interview does
        not move on until it is done (`barrier` says what it waits for meanwhile). False when
        it already failed."""
        self._queued += 1
        seq, generation = self._queued, self._generation
        if barrier:
            self._barrier, self._barrier_text = seq, barrier
        failed: list[bool] = []

        def done(result: Any, error: BaseException | None) -> None:
            self._written = max(self._written, seq)
            if error is not None:
                failed.append(True)
                if not quiet:
                    self._store_failed(what, error, generation)
                else:
                    log.info("could not read %s: %s", what, error)
            elif then is not None and generation == self._generation:
                then(result)
            self._release_waiting()

        self.writer.run(work, done)
        return not failed

    def _store_failed(self, what: str, err: BaseException, generation: int) -> None:
        if not isinstance(err, STORE_ERRORS):
            log.error("a store write failed", exc_info=err)
        if what == "this interview" and generation == self._generation:
            # The session's row could not be written: nothing more is tried for it.
            self.session_id = None
            self._recorder = None
            self._store_warned = True
            self._emit(
                Notice(
                    "warning",
                    f"This interview cannot be saved ({err}). It goes on; export the report "
                    "at the end to keep it.",
                )
            )
            return
        if self._store_warned:
            return
        self._store_warned = True
        self._emit(
            Notice(
                "warning",
                f"Could not save {what} ({err}). The interview goes on; export the "
                "report at the end to keep it.",
            )
        )

    def _after_writes(self, callback: Callable[[], None], upto: int | None = None) -> None:
        """Run `callback` once the store work handed over so far (or up to `upto`) is
        done, if the interview is still the same; at once when it is."""
        seq = self._queued if upto is None else upto
        if self._written >= seq:
            callback()
            return
        self._waiting.append((seq, self._generation, callback))

    def _release_waiting(self) -> None:
        while self._waiting and self._waiting[0][0] <= self._written:
            _seq, generation, callback = self._waiting.popleft()
            if generation == self._generation:
                callback()

    @property
    def saving(self) -> bool:
        """Store work handed over has not finished yet."""
        return self._written < self._queued

    def flush_store(self, timeout: float | None = None) -> bool:
        """Block until every store write handed over is on disk (closing the front end)."""
        return self.writer.flush(timeout)

    def _save_new_turns(self) -> None:
        eng, sid = self.engine, self.session_id
        if eng is None:
            return
        new = eng.transcript[self._saved_turns :]
        self._saved_turns = len(eng.transcript)
        if sid is None:
            return
        for turn in new:

            def write(t: Turn = turn, sid: str = sid, store: SessionStore = self.store) -> int:
                return store.add_turn(sid, t)

            # An answer is on disk before the interview moves on (the next question is
            # the candidate's sign that it was saved, as in the terminal).
            if turn.role == "candidate":
                self._persist("your answer", write, barrier="Saving your answer…")
            else:
                self._persist("the transcript", write)

    # ------------------------------------------------------------------ the pump

    def _pump(self) -> None:
        """Do whatever the engine needs next; called after every change to the engine."""
        eng = self.engine
        if eng is None:
            return
        self._save_new_turns()  # first: a submitted answer is on disk before anything else
        self._announce_turns()
        if self._answer_key is not None and (
            eng.phase is not Phase.ANSWERING or self._answer_key != self._key(eng)
        ):
            self._answer_key = None
            self._emit(AnswerClosed())
        if self._written < self._barrier:
            # The answer (or the new session) is still being written: carry on once it is.
            if not self._pump_waiting:
                self._pump_waiting = True
                self._set_busy(self._barrier_text)
                self._after_writes(self._on_barrier_passed, self._barrier)
            self._emit(StateChanged())
            return
        self._dispatch_gradings()
        if self.engine is not eng:  # a listener left the interview
            return
        self._grade_last_answer_early(eng)
        if self._call is None and not self._failure:
            need = eng.need()
            if isinstance(need, NeedTurn):
                self._start_turn(need.request)
            elif isinstance(need, NeedFollowUp):
                self._start_follow_up(need.request)
            elif isinstance(need, NeedAnswer):
                self._set_busy("")
                key = self._key(eng)
                if key != self._answer_key:
                    self._answer_key = key
                    self._question_limit = max(need.question_seconds_left, answer_limit(need))
                    self._hold_deadline = (
                        self.clock() + speaking_cap_seconds(need.prompt, self._hold_rate)
                        if eng.held
                        else None
                    )
                    self._emit(AnswerNeeded(need))
            elif isinstance(need, NeedGrades):
                self._set_busy(self._grading_text())
                if not self._so_far_told:
                    self._so_far_told = True
                    self._tell_results_so_far()
                    self._tell_estimate(force=True)
            elif isinstance(need, Finished):
                self._finish()
        self._emit(StateChanged())

    def _on_barrier_passed(self) -> None:
        self._pump_waiting = False
        self._pump()

    @staticmethod
    def _key(eng: InterviewEngine) -> tuple[int, int]:
        rec = eng.current
        return (eng.index, len(rec.turns) if rec is not None else 0)

    def _announce_turns(self) -> None:
        eng = self.engine
        if eng is None:
            return
        start = self._shown
        new: list[Turn] = eng.transcript[start:]
        self._shown = len(eng.transcript)
        for i, turn in enumerate(new, start):
            self._emit(TurnAdded(turn, restored=i < self._restored))

    def _set_busy(self, text: str) -> None:
        if text != self._busy:
            self._busy = text
            self._emit(BusyChanged(text))

    def _finish(self) -> None:
        eng = self.engine
        if eng is None or self.results is not None:
            return
        self._set_busy("")
        name, label = self.backend_used
        now_name, now_label = self.backend_text()
        report = build_report(
            eng,
            backend=name or now_name,
            backend_label=label or now_label,
            started_at=self.started_at or now_iso(),
            session_id=self.session_id,
            usage=self.session_usage(),
        )
        sid, store = self.session_id, self.store
        if sid is not None:
            self._persist("the report", lambda: store.finish_session(sid, report))
        self.results = Results(
            track=eng.track,
            records=list(eng.records),
            summary=report.summary,
            rubrics=dict(eng.rubrics),
            ended_early=eng.ended_early,
            report=report,
        )
        results = self.results
        self._emit(ClockChanged(self.clock_state()))
        lock = self._lock

        def done() -> None:
            if lock is not None and lock is self._lock:
                self._release_lock()  # the report is on disk: nothing more to write
            self._emit(InterviewFinished(results))

        # Finished is told once the report is on disk: History then shows it as it is.
        self._after_writes(done)

    # ------------------------------------------------------------------ model calls

    def _llm_options(self, backend: Backend, offline: Backend | None) -> dict[str, Any]:
        """Extra keyword arguments of every `llm.service` call: the recorder that meters
        each call's own usage and hands the call on to the log."""
        recorder = _MeteredRecorder(
            self.usage_meter,
            self.usage_meter.epoch,
            self._recorder,
            local=backend.is_local,
            stand_in_local=offline.is_local if offline is not None else True,
        )
        return {"recorder": recorder}

    def _carry_over_usage(self, session_id: str) -> None:
        """Count what a resumed interview used before it was interrupted, from its call
        log. A logged call's server is known only by its backend's name: the current
        backend's or the offline coach's name says whether it bills; any other is priced
        by its model (its cost reads "unknown" when the model has no price)."""
        store, epoch = self.store, self.usage_meter.epoch
        # Read in the background, maybe after this interview's first calls were logged
        # (and counted live): only calls that started before now are the old ones.
        before = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")

        def counted(calls: list[StoredModelCall]) -> None:
            self._count_saved_usage([c for c in calls if c.started_at < before], epoch)

        self._store_work(
            "the usage before the interruption",
            lambda: store.model_calls(session_id),
            counted,
            quiet=True,
        )

    def _count_saved_usage(self, calls: list[StoredModelCall], epoch: int) -> None:
        local_of = {self.backend.name: self.backend.is_local}
        if self.grader is not None:
            local_of.setdefault(self.grader.name, self.grader.is_local)
        if self.offline is not None:
            local_of[self.offline.name] = self.offline.is_local
        for call in calls:
            usage = Usage(**{k: max(0, int(v)) for k, v in dict(call.usage).items()})
            local = local_of.get(call.backend, False)
            self.usage_meter.record(call.model, usage, local=local, epoch=epoch)

    def _run(self, work: Callable[[], Any], done: Callable[[Future[Any]], None]) -> None:
        generation = self._generation

        def deliver(fut: Future[Any]) -> None:
            if generation == self._generation:
                done(fut)

        self.executor.submit(work, deliver)

    def _start_turn(self, request: TurnRequest) -> None:
        backend, offline, token = self.backend, self.offline, CancelToken()
        qid = request.question.id if request.question is not None else None
        call = _Call(next(self._ids), "turn", token, request.purpose, question_id=qid)
        options = self._llm_options(backend, offline)
        # The offline coach's words are the app's own: nothing to check.
        checked, prompts = backend.name != "offline", self.prompts

        def on_delta(piece: str) -> None:
            self.executor.call_soon(lambda: self._on_delta(call, piece))

        def on_notice(text: str) -> None:
            self.executor.call_soon(lambda: self._on_call_notice(call, text))

        def on_reset() -> None:
            self.executor.call_soon(lambda: self._on_stream_void(call))

        def work() -> str:
            if checked:
                call.gate.check = turn_leak_check(prompts, request)
            return service.interviewer_turn(
                backend,
                request,
                offline,
                on_delta,
                token,
                notice=on_notice,
                on_reset=on_reset,
                **options,
            )

        self._call = call
        self._emit(StreamStarted(request.purpose))
        if request.purpose == "wrap_up":
            self._set_busy("The interviewer is wrapping up…")
        else:
            self._set_busy("The interviewer is writing…")
        self._run(work, lambda fut: self._on_call_done(call, fut))

    def _start_follow_up(self, request: FollowUpRequest) -> None:
        backend, offline, token = self.backend, self.offline, CancelToken()
        call = _Call(next(self._ids), "follow_up", token, question_id=request.question.id)
        options = self._llm_options(backend, offline)
        checked, prompts = backend.name != "offline", self.prompts

        def on_notice(text: str) -> None:
            self.executor.call_soon(lambda: self._on_call_notice(call, text))

        def work() -> FollowUpDecision:
            if checked:
                call.gate.check = follow_up_leak_check(prompts, request)
            return service.follow_up(backend, request, offline, notice=on_notice, **options)

        self._call = call
        self._set_busy("The interviewer is considering a follow-up…")
        self._run(work, lambda fut: self._on_call_done(call, fut))

    def _drop_call(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.token.cancel()
            if call.kind == "turn":
                self._emit(StreamReset())

    def _on_delta(self, call: _Call, piece: str) -> None:
        """A streamed piece: shown once the sentences it completes pass the leak check.

        Held back until then, so leaked text never reaches the screen, not even for a
        moment; the first leak stops the call and the turn falls back (`_on_leak`)."""
        if self._call is not call:
            return
        shown = call.gate.feed(piece)
        if shown:
            call.streamed.append(shown)
            self._emit(TextDelta(shown))
        elif call.gate.leak is not None:
            self._on_leak(call, call.gate.leak, call.gate.received)

    def _on_stream_void(self, call: _Call) -> None:
        """The text streamed so far broke off and is not the question: the front end takes
        it back, and the stand-in's text streams anew."""
        if self._call is call:
            call.streamed.clear()
            call.gate.reset()
            self._emit(StreamReset())
            self._emit(StreamStarted(call.purpose))

    def _on_call_notice(self, call: _Call, text: str) -> None:
        if self._call is call:
            self._emit(Notice("warning", text, source="model"))

    def _on_call_done(self, call: _Call, fut: Future[Any]) -> None:
        eng = self.engine
        if self._call is not call or eng is None:
            return  # cancelled, or overtaken by the interview ending
        result, error, cancelled = _outcome(fut)
        if cancelled:
            # Cancelled by someone other than us: carry on without the reply.
            self._drop_call()
            self._continue_without_model()
            self._pump()
            return
        self._call = None
        if error:
            if call.kind == "turn":
                self._emit(StreamReset())
            self._failure = error
            self._set_busy("")
            self._emit(CallFailed(error))
            self._emit(StateChanged())
            return
        try:
            if call.kind == "turn":
                text = str(result)
                rest = call.gate.finish(text)
                if rest is None and call.gate.leak is not None:
                    self._call = call  # for _on_leak, which drops it
                    self._on_leak(call, call.gate.leak, text)
                    return
                if rest is None:  # not a continuation of what was shown: show it whole
                    self._emit(StreamReset())
                elif rest:
                    call.streamed.append(rest)
                    self._emit(TextDelta(rest))
                eng.on_interviewer_text(text)
            else:
                decision: FollowUpDecision = result
                check = call.gate.check
                leak = (
                    check.find(decision.question)
                    if check is not None and decision.follow_up
                    else None
                )
                if leak is not None:
                    self._call = call
                    self._on_leak(call, leak, decision.model_dump_json())
                    return
                eng.on_follow_up(decision)
        except InterviewerError as err:
            self._emit(Notice("error", str(err)))
        self._pump()

    def _on_leak(self, call: _Call, leak: Leak, raw: str) -> None:
        """The model's turn leaked its prompt: it is not shown (what was streamed of it is
        taken back, the rest of the call is stopped), the raw reply goes to the call log,
        and the turn falls back to the app's own words with a notice: the question as the
        bank writes it, a prepared follow-up as written, or a plain closing line."""
        eng = self.engine
        self._drop_call()
        log.warning("a model turn was not shown: the reply %s", leak.reason)
        if eng is None:
            return
        try:
            if call.kind == "turn" and eng.phase is Phase.WRAP_UP:
                notice = (
                    f"The model's closing words {leak.reason}, so the interview closes "
                    "with a plain line."
                )
                self._record_leak(call, leak, raw, "a plain closing line")
                self._tell_leak(eng, notice)
                eng.on_interviewer_text(WRAP_UP_LINE)
            elif call.kind == "turn" and eng.phase is Phase.ASKING:
                notice = f"The model's reply {leak.reason}, so the question is shown as written."
                self._record_leak(call, leak, raw, "the question as written in the bank")
                self._tell_leak(eng, notice)
                eng.on_interviewer_text("")  # the question in the bank's own words
            elif call.kind == "follow_up" and eng.phase is Phase.DECIDING:
                rec = eng.current
                probe = prepared_probe(rec, raw) if rec is not None else None
                if probe is None:
                    notice = f"The model's follow-up {leak.reason}, so the interview moves on."
                    self._record_leak(call, leak, raw, "no follow-up")
                    self._tell_leak(eng, notice)
                    eng.on_follow_up(FollowUpDecision(follow_up=False, reason="prompt leak"))
                else:
                    notice = (
                        f"The model's follow-up {leak.reason}, so a prepared follow-up is "
                        "asked as written."
                    )
                    self._record_leak(call, leak, raw, "a prepared follow-up as written")
                    self._tell_leak(eng, notice)
                    eng.on_follow_up(
                        FollowUpDecision(
                            follow_up=True, question=probe.text, reason="prompt leak: prepared"
                        )
                    )
        except InterviewerError as err:  # pragma: no cover - guarded by the phase checks
            self._emit(Notice("error", str(err)))
        self._pump()

    def _tell_leak(self, eng: InterviewEngine, notice: str) -> None:
        """The notice as a turn of the transcript (the window shows it as a note, reports
        keep it) and as a model notice (the terminal prints it)."""
        eng.add_notice(notice)
        self._emit(Notice("warning", notice, source="model"))

    def _record_leak(self, call: _Call, leak: Leak, raw: str, instead: str) -> None:
        """Log the event with the raw reply, as one more row of the model-call log (the
        call itself is logged by llm/service.py as it ran)."""
        recorder = self._recorder
        if recorder is None:
            return
        backend = self.backend
        record = ModelCall(
            kind="turn" if call.kind == "turn" else "follow_up",
            backend=backend.name,
            model=backend.model,
            mode="stream" if call.kind == "turn" else "none",
            raw_reply=raw,
            started_at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"),
            error=(
                f"prompt leak: not shown, the reply {leak.reason} "
                f"(found: {leak.evidence[:200]!r}); shown instead: {instead}"
            ),
            question_id=call.question_id,
        )
        self._persist("the model-call log", lambda: recorder.record(record))

    def _continue_without_model(self) -> None:
        eng = self.engine
        if eng is None:
            return
        try:
            if eng.phase in (Phase.ASKING, Phase.WRAP_UP):
                eng.on_interviewer_text("")  # the question as written in the bank
            elif eng.phase is Phase.DECIDING:
                eng.on_follow_up(FollowUpDecision(follow_up=False, reason="skipped"))
        except InterviewerError as err:  # pragma: no cover - guarded by the phase checks
            self._emit(Notice("error", str(err)))

    # ------------------------------------------------------------------ gradings

    def _grading_text(self) -> str:
        return f"Grading your answers ({self._graded} of {self._handed_out} done)…"

    def _dispatch_gradings(self) -> None:
        eng = self.engine
        if eng is None:
            return
        fresh = eng.take_grading_requests()
        if fresh:
            for n, request in enumerate(fresh, self._handed_out + 1):
                self._grade_questions[request.request_id] = request.question.id
                self._grade_numbers[request.request_id] = n
            self._grade_queue.extend(fresh)
            self._handed_out += len(fresh)
            self._emit(GradingProgress(self._graded, self._handed_out))
        # The grader's job: its own backend (when one is set), its own fallback to the
        # offline coach, and its calls logged under its own model.
        backend, offline = self.grading_backend, self.offline
        options = self._llm_options(backend, offline)
        options["samples"] = self.grade_samples
        self._adopt_early_grade()
        while self._grade_queue and len(self._grade_jobs) < GRADING_WORKERS:
            request = self._grade_queue.popleft()
            job = next(self._ids)
            self._grade_jobs[job] = request.request_id
            token = self._grade_tokens[request.request_id] = CancelToken()
            self._grade_started[request.request_id] = self.grade_clock()

            working = self._grade_working(request)

            def work(
                request: GradeRequest = request,
                sid: str | None = self.session_id,
                working: Callable[[Progress], None] = working,
                token: CancelToken = token,
            ) -> Grade:
                if request.question.kind == "coding":  # its hidden tests: a child process
                    from interviewer.commands_coding import with_tests

                    request = with_tests(request)
                grade = service.grade(
                    backend, request, offline, on_progress=working, cancel=token, **options
                )
                # A cancel (closed, abandoned) gives the model call up at once: it raises
                # Cancelled above and nothing is saved. A grade that came back whole is
                # saved even so, as issue 13 wants: a resume must not pay for it again.
                if sid is not None:
                    # Saved the moment it arrives, here on the worker: killed before the
                    # owner thread collects it, a resume must not pay for it again.
                    try:
                        self.store.save_grade(sid, request.question.id, grade)
                    except STORE_ERRORS:
                        pass  # the owner thread tries again and tells the user
                    else:
                        self._grades_saved.add((sid, request.request_id))
                return grade

            def done(fut: Future[Any], job: int = job) -> None:
                self._on_grade_done(job, fut)

            self._run(work, done)

    def _grade_last_answer_early(self, eng: InterviewEngine) -> None:
        """While the interviewer decides on a follow-up to the interview's last answer,
        grade that answer already: the candidate waits for the report right after it,
        and a "no follow-up" would otherwise start the grading only then (issue 18). The
        grade is kept only if the question ends with this very exchange."""
        early = self._early
        request = eng.grade_request_now() if eng.on_last_question else None
        if early is not None and early.job is None:
            if request is not None and early.exchange == request.exchange:
                return  # already under way for this exchange
            self._drop_early()
        if request is None or self._early is not None or not self.grade_early:
            return
        if len(self._grade_jobs) >= GRADING_WORKERS:
            return  # the bound on gradings at once holds; tried again as one ends
        backend, offline = self.grading_backend, self.offline
        if not early_grading_allowed(backend, self.backend):
            return
        options = self._llm_options(backend, offline)
        options["samples"] = self.grade_samples
        token = CancelToken()
        early = self._early = _EarlyGrade(
            request.question.id, request.exchange, token, self.grade_clock()
        )

        def work(request: GradeRequest = request, sid: str | None = self.session_id) -> Grade:
            if request.question.kind == "coding":  # its hidden tests: a child process
                from interviewer.commands_coding import with_tests

                request = with_tests(request)

            def progress(p: Progress) -> None:
                working = early.working  # told only once a handed-out request took it
                if working is not None:
                    working(p)

            grade = service.grade(
                backend, request, offline, on_progress=progress, cancel=token, **options
            )
            # Saved here only once a handed-out request took it (the question ended with
            # this exchange): then it is the question's grade, saved the moment it lands
            # even if the window is gone. Taken later, the owner thread saves it.
            with early.lock:
                rid = early.request_id
            if rid is not None and sid is not None:
                try:
                    self.store.save_grade(sid, request.question.id, grade)
                except STORE_ERRORS:
                    pass  # the owner thread tries again and tells the user
                else:
                    self._grades_saved.add((sid, rid))
            return grade

        def done(fut: Future[Any]) -> None:
            early.fut = fut
            early.done_at = self.grade_clock()
            if early.job is not None:
                self._on_grade_done(early.job, fut)

        self._run(work, done)

    def _adopt_early_grade(self) -> None:
        """A handed-out request whose exchange the early grade graded takes it over (its
        result, or the call still running) instead of grading the answer again."""
        early = self._early
        if early is None or early.job is not None:
            return
        for request in self._grade_queue:
            if request.question.id != early.question_id:
                continue
            failed = early.fut is not None and _outcome(early.fut)[0] is None
            if request.exchange != early.exchange or failed or early.token.cancelled:
                self._drop_early()  # something was added since, or it failed: grade anew
                return
            self._grade_queue.remove(request)
            rid = request.request_id
            with early.lock:
                early.request_id = rid
            early.working = self._grade_working(request)
            job = early.job = next(self._ids)
            self._grade_jobs[job] = rid
            self._grade_tokens[rid] = early.token
            # Timed as long as it ran: taken after a long decision, it is not that slow.
            ran = early.done_at - early.started if early.done_at is not None else None
            self._grade_started[rid] = early.started if ran is None else self.grade_clock() - ran
            self._early = None
            fut = early.fut
            if fut is not None:  # already graded: taken on the next turn, like any grade
                self.executor.call_soon(functools.partial(self._on_grade_done, job, fut))
            return

    def _drop_early(self) -> None:
        early, self._early = self._early, None
        if early is not None and early.job is None:
            early.token.cancel()

    def _grade_working(self, request: GradeRequest) -> Callable[[Progress], None]:
        """The progress callback of one grading (called on its worker thread): hops each
        report onto the owner thread as a GradeWorking event, and while the interview
        waits for its grades, into the busy text."""
        qid = request.question.id
        number = self._grade_numbers.get(request.request_id, 0)

        def tell(p: Progress) -> None:
            event = GradeWorking(qid, number, p.tokens, p.seconds, p.left)

            def emit() -> None:
                if request.request_id not in self._grade_jobs.values():
                    return  # finished or cancelled meanwhile
                self._grade_progress[request.request_id] = p
                self._emit(event)
                self._tell_estimate()
                if self.phase is Phase.GRADING:
                    self._set_busy(
                        f"{self._grading_text()} {event.text()[:1].upper()}{event.text()[1:]}."
                    )

            self.executor.call_soon(emit)

        return tell

    def _on_grade_done(self, job: int, fut: Future[Any]) -> None:
        request_id = self._grade_jobs.pop(job, None)
        eng = self.engine
        if request_id is None or eng is None:
            return
        grade, error, cancelled = _outcome(fut)
        self._grade_numbers.pop(request_id, None)
        self._grade_tokens.pop(request_id, None)
        self._grade_progress.pop(request_id, None)
        started = self._grade_started.pop(request_id, None)
        if grade is not None and started is not None and self.grading_backend.name != "offline":
            # Measured on this machine under this load: what the estimate trusts first.
            self._grade_seconds.append(max(0.0, self.grade_clock() - started))
        qid, sid = self._grade_questions.pop(request_id, None), self.session_id
        if cancelled:
            error = "Grading was cancelled."
        if error:
            eng.on_grade_failed(request_id, error)
            self._emit(Notice("warning", f"An answer could not be graded: {error}"))
            if qid is not None:
                self._emit(GradeReady(qid, None, error))
        else:
            eng.on_grade(request_id, grade)
            if sid is not None and (sid, request_id) in self._grades_saved:
                self._grades_saved.discard((sid, request_id))
            elif qid is not None and sid is not None:
                self._persist("a grade", lambda: self.store.save_grade(sid, qid, grade))
            if qid is not None:
                self._emit(GradeReady(qid, grade))
        self._graded += 1
        self._emit(GradingProgress(self._graded, self._handed_out))
        if self.phase is Phase.GRADING:
            self._set_busy(self._grading_text())
        self._pump()
        if self.engine is eng and eng.phase is Phase.GRADING:
            self._tell_results_so_far()
        self._tell_estimate()

    def _cancel_gradings(self, text: str) -> None:
        eng = self.engine
        if eng is None:
            return
        ids = [r.request_id for r in self._grade_queue] + list(self._grade_jobs.values())
        self._grade_queue.clear()
        self._grade_jobs.clear()
        self._drop_early()
        self._stop_grades()
        for request_id in ids:
            eng.on_grade_failed(request_id, text)
            self._grade_questions.pop(request_id, None)
            self._graded += 1
        self._emit(GradingProgress(self._graded, self._handed_out))

    def _stop_grades(self) -> None:
        """Cancel every running grade: each gives its model call up within a tenth of a
        second and returns without saving anything (see `_dispatch_gradings`)."""
        for token in self._grade_tokens.values():
            token.cancel()
        self._grade_tokens.clear()
        self._grade_started.clear()
        self._grade_progress.clear()

    def grading_estimate(self) -> GradingEstimate:
        """How many grades are in, and the seconds until the rest are (None: unknown)."""
        running: list[grade_eta.Running] = []
        for rid in self._grade_jobs.values():
            p, started = self._grade_progress.get(rid), self._grade_started.get(rid)
            # A report can be old (a server reading a long prompt sends nothing): the
            # time since the grade was handed out counts when it is longer.
            ran = self.grade_clock() - started if started is not None else 0.0
            if p is not None:
                running.append(grade_eta.Running(max(p.seconds, ran), p.left))
            elif started is not None:
                running.append(grade_eta.Running(ran))
        left = grade_eta.seconds_left(
            running,
            len(self._grade_queue),
            finished=self._grade_seconds,
            expected=self.expected_grade_seconds,
            workers=GRADING_WORKERS,
        )
        return GradingEstimate(self._graded, self._handed_out, left)

    def _tell_estimate(self, *, force: bool = False) -> None:
        """Emit the estimate when it changed (the count, or the seconds by a few)."""
        if self.engine is None or not self._handed_out:
            return
        est = self.grading_estimate()
        key = (est.graded, est.total, est.seconds_left)
        old = self._estimate
        if not force and old is not None and old[:2] == key[:2]:
            a, b = old[2], key[2]
            if (a is None) == (b is None) and (a is None or abs(a - (b or 0.0)) < 2.0):
                return
        self._estimate = key
        self._emit(est)

    def results_so_far(self) -> ResultsSoFar | None:
        """The results as they stand while grades are still arriving (None: no interview)."""
        eng = self.engine
        if eng is None:
            return None
        records = list(eng.records)
        results = Results(
            track=eng.track,
            records=records,
            summary=summarize(records),
            rubrics=dict(eng.rubrics),
            ended_early=eng.ended_early,
        )
        waiting = {r.question.id for r in self._grade_queue}
        for rid in self._grade_jobs.values():
            if rid in self._grade_questions:
                waiting.add(self._grade_questions[rid])
        return ResultsSoFar(results, frozenset(waiting))

    def _tell_results_so_far(self) -> None:
        found = self.results_so_far()
        if found is not None and found.grading:
            self._emit(found)


class _AfterRow:
    """A call log that waits (on the worker) until the session's row is written."""

    def __init__(self, inner: CallRecorder, written: threading.Event) -> None:
        self.inner = inner
        self.written = written

    def record(self, call: ModelCall) -> None:
        self.written.wait(ROW_WAIT_SECONDS)
        self.inner.record(call)


class _MeteredRecorder:
    """The recorder of one dispatch: counts each call's own usage on the meter (plain
    numbers: the model that answered, whether its server bills), then hands the call on
    to the call log, if there is one. Runs on the worker that made the call."""

    def __init__(
        self,
        meter: UsageMeter,
        epoch: int,
        inner: CallRecorder | None,
        *,
        local: bool,
        stand_in_local: bool,
    ) -> None:
        self.meter = meter
        self.epoch = epoch
        self.inner = inner
        self.local = local
        self.stand_in_local = stand_in_local

    def record(self, call: ModelCall) -> None:
        local = self.stand_in_local if call.stand_in else self.local
        self.meter.record(call.model, call.usage, local=local, epoch=self.epoch)
        if self.inner is not None:
            self.inner.record(call)


def _outcome(fut: Future[Any]) -> tuple[Any, str, bool]:
    """(result, error message, cancelled) of a finished job."""
    if fut.cancelled():
        return None, "", True
    try:
        return fut.result(), "", False
    except Cancelled:
        return None, "", True
    except InterviewerError as err:
        return None, str(err), False
    except Exception as exc:  # a bug in a backend must not take the interview down
        log.error("a model call failed", exc_info=exc)
        return None, UNEXPECTED.format(name=type(exc).__name__), False


__all__ = [
    "GRADING_WORKERS",
    "ClockState",
    "Event",
    "Executor",
    "InterviewSession",
    "Results",
    "StartOptions",
    "ThreadExecutor",
    "restore_engine",
]
