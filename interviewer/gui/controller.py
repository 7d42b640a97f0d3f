"""The desktop app's adapter of the interview service (`interviewer/session.py`).

`InterviewSession` owns the interview: the engine, the model calls, gradings, autosave,
usage, resume and the report; the terminal adapts the very same service. This
controller only supplies what is Qt's: an executor on a Qt thread pool whose outcomes
come back on the GUI thread through queued signals (`QtExecutor`), two QTimers (the
clocks are read a few times a second, so a clock that runs out submits the draft the
engine holds; the draft is autosaved every few seconds while it changes), a store
writer that runs the session's store work off the GUI thread in order (`QtStoreWriter`:
QueryOps on a one-thread pool; closing flushes it), and Qt signals that re-emit the
service's plain events for the widgets. What the session would otherwise read from the
store on the GUI thread is read in the background: what was practised (for question
rotation, behind the writes before it) and the interrupted interview the window offers.

Widgets never talk to the engine directly; they call the controller's methods and listen
to its signals (design rule 3: logic reports through signals, never dialogs). That keeps
the widgets free of interview rules, and lets tests drive the controller with no window.

The controller also keeps the window's choice of backends, the interviewer's and the
grader's (Settings can change them between interviews, or mid-interview from the next
model call on).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal, Slot

from interviewer.core.content import ContentLibrary, QuestionHistory
from interviewer.core.cost import SessionUsage, UsageMeter
from interviewer.core.engine import InterviewEngine, Phase
from interviewer.core.errors import Cancelled, InterviewerError
from interviewer.core.models import VoiceDelivery
from interviewer.gui.workers import Progress, QueryOp, TaskRunner
from interviewer.llm.base import Backend
from interviewer.session import (
    EXECUTOR_THREADS,
    GRADING_WORKERS,
    AnswerClosed,
    AnswerNeeded,
    BusyChanged,
    CallFailed,
    ClockChanged,
    ClockState,
    DraftRestored,
    Event,
    GradeWorking,
    GradingEstimate,
    GradingProgress,
    InterviewFinished,
    InterviewSession,
    Notice,
    PausedChanged,
    Results,
    ResultsSoFar,
    Started,
    StartOptions,
    StateChanged,
    StreamReset,
    StreamStarted,
    TextDelta,
    TurnAdded,
    WriteDone,
)
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionStore, StoredSession

if TYPE_CHECKING:
    from interviewer.llm.base import CallRecorder

__all__ = [
    "AUTOSAVE_MS",
    "GRADING_WORKERS",
    "TICK_MS",
    "ClockState",
    "Controller",
    "QtExecutor",
    "QtStoreWriter",
    "Results",
    "StartOptions",
    "default_backend_factory",
    "default_grader_factory",
    "open_store",
]

#: How often the clocks are read (ms). Fast enough for a smooth countdown, cheap enough.
TICK_MS = 250
#: The draft being typed is saved at least this often (ms) while it or its clocks change.
AUTOSAVE_MS = 3000

BackendFactory = Callable[[Settings, SecretStore], tuple[Backend, str]]
#: (settings, secrets, the interviewer's backend) -> (the grader, None when the
#: interviewer grades; a notice).
GraderFactory = Callable[[Settings, SecretStore, Backend], tuple[Backend | None, str]]


def open_store() -> SessionStore:
    """The user's session database; never fails (see `SessionStore.open`)."""
    return SessionStore.open(app_paths().database)


def default_backend_factory(settings: Settings, secrets: SecretStore) -> tuple[Backend, str]:
    from interviewer.llm.factory import make_backend  # imports the offline coach and openai

    choice = make_backend(settings, secrets)
    return choice.backend, choice.notice


def default_grader_factory(
    settings: Settings, secrets: SecretStore, interviewer: Backend
) -> tuple[Backend | None, str]:
    from interviewer.llm.factory import make_grader

    choice = make_grader(settings, interviewer, secrets)
    return (None, "") if choice is None else (choice.backend, choice.notice)


class QtExecutor(QObject):
    """The service's executor in the window: jobs on a Qt thread pool (`TaskRunner`),
    outcomes and streamed pieces delivered on the GUI thread by queued signals."""

    _post = Signal(object)  # a callable to run on the GUI thread

    def __init__(self, max_threads: int = EXECUTOR_THREADS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = TaskRunner(max_threads, self)
        self._done: dict[int, Callable[[Future[Any]], None]] = {}
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self._on_cancelled)
        self._post.connect(self._on_post, Qt.ConnectionType.QueuedConnection)

    def submit(self, fn: Callable[[], Any], done: Callable[[Future[Any]], None]) -> None:
        def work(_progress: Progress) -> Any:
            return fn()

        self._done[self.runner.submit(work)] = done

    def call_soon(self, callback: Callable[[], None]) -> None:
        self._post.emit(callback)

    def wait(self, msecs: int = -1) -> bool:
        return self.runner.wait(msecs)

    @Slot(object)
    def _on_post(self, callback: Callable[[], None]) -> None:
        callback()

    def _deliver(
        self, task_id: int, result: Any = None, error: BaseException | None = None
    ) -> None:
        done = self._done.pop(task_id, None)
        if done is None:
            return
        fut: Future[Any] = Future()
        if error is None:
            fut.set_result(result)
        else:
            fut.set_exception(error)
        done(fut)

    def _on_succeeded(self, task_id: int, result: Any) -> None:
        self._deliver(task_id, result)

    def _on_failed(self, task_id: int, text: str) -> None:
        # TaskRunner already turned the exception into the sentence the user reads.
        self._deliver(task_id, error=InterviewerError(text))

    def _on_cancelled(self, task_id: int) -> None:
        self._deliver(task_id, error=Cancelled("Cancelled."))


def _nothing() -> None:
    return None


class QtStoreWriter(QObject):
    """The session's store writer in the window: every write is a QueryOp on a pool of
    one thread, so writes run off the GUI thread in the order they were made, and their
    outcomes come back on the GUI thread in that order. `flush` (closing) waits for them.

    Each outcome is handed on in a turn of the event loop of its own, never in the turn
    that delivers it (issue 18): a submitted answer's write
    often lands while the window lays out and paints the answer just sent, and the
    interview's next step (the next question's turn, the gradings handed out) then ran in
    that same turn, one stall of 55-70 ms with gradings running."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # one thread: the order of writes is kept

    def run(self, work: Callable[[], Any], done: WriteDone) -> None:
        def later(result: Any, error: BaseException | None) -> None:
            # Through the writer's thread once more: the outcomes stay in order, and
            # come back in a later turn (a QueryOp that tests' settle() waits for).
            QueryOp(
                parent=self, op=_nothing, success=lambda _: done(result, error), pool=self.pool
            ).run_in_background()

        QueryOp(
            parent=self,
            op=work,
            success=lambda result: later(result, None),
            pool=self.pool,
        ).failure(lambda err: later(None, err)).run_in_background()

    def flush(self, timeout: float | None = None) -> bool:
        return bool(self.pool.waitForDone(-1 if timeout is None else int(timeout * 1000)))


class Controller(QObject):
    backend_changed = Signal(str)  # the backend's label
    interview_started = Signal()
    turn_added = Signal(object)  # a finished Turn, in transcript order
    stream_started = Signal(str)  # the interviewer starts writing ("question"/"wrap_up")
    stream_delta = Signal(str)
    stream_reset = Signal()  # what was streamed is void (cancelled or failed)
    answer_needed = Signal(object)  # NeedAnswer: the answer box opens
    answer_closed = Signal()  # the engine took the answer (submitted, timed out, skipped)
    busy_changed = Signal(str)  # what the app is waiting for; "" when idle
    call_failed = Signal(str)  # a model call failed for good: offer retry / continue
    clocks_changed = Signal(object)  # ClockState
    paused_changed = Signal(bool)
    state_changed = Signal()  # anything the action buttons depend on may have changed
    message = Signal(str, str)  # level ("info", "warning", "error"), text
    grading_progress = Signal(int, int)  # graded, handed out
    #: How far a grade being written has got ("grading answer 3: 340 tokens so far, ...").
    grade_working = Signal(str)
    #: "3 of 5 grades in; the rest in about 1 min 20 s" ("" once every grade is in).
    grading_estimate = Signal(str)
    #: The interview is over, grades still arriving: (Results without a report, the
    #: question ids still being graded). Sent again as each grade lands.
    results_so_far = Signal(object, object)
    finished = Signal(object)  # Results
    draft_restored = Signal(str)  # a resumed interview's saved draft, for the answer box

    def __init__(
        self,
        library: ContentLibrary,
        settings: Settings,
        secrets: SecretStore,
        *,
        backend: Backend | None = None,
        offline: Backend | None = None,
        backend_factory: BackendFactory = default_backend_factory,
        grader_factory: GraderFactory = default_grader_factory,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        store: SessionStore | None = None,
        recorder_for: Callable[[str], CallRecorder | None] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`store` defaults to an in-memory one, so a controller built for a test or for
        the screenshots never touches the user's database; the app passes `open_store()`.
        `recorder_for` is handed to the session (the model-call log)."""
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.secrets = secrets
        self.offline = offline
        self.clock = clock
        self._backend_factory = backend_factory
        self._grader_factory = grader_factory
        self.backend_notice = ""
        #: Why the settings' grader is not used (it could not be built), or "".
        self.grader_notice = ""
        if backend is None:
            backend = self._build_backend(settings)
        grader = self._build_grader(settings, backend)
        self.executor = QtExecutor(parent=self)
        self.writer = QtStoreWriter(self)
        store = store if store is not None else SessionStore.memory()
        # The store's notices (kept in memory, written back) arrive as the session's
        # Notice events, on this thread: see _on_event.
        self.session = InterviewSession(
            library,
            store,
            self.executor,
            backend=backend,
            offline=offline,
            grader=grader,
            clock=clock,
            rng=rng,
            recorder_for=recorder_for,
            writer=self.writer,
        )
        self.session.grade_samples = settings.grade_samples
        self.expect_grade_seconds()
        self.session.subscribe(self._on_event)
        #: What was practised, for question rotation: read in the background, after the
        #: store writes before it, so a start never reads the store on the GUI thread.
        #: None while a fresh copy is on its way.
        self._history: dict[str, QuestionHistory] | None = None
        #: Called with the history once a read under way lands (`when_history_known`).
        self._history_waiters: list[
            tuple[Callable[[dict[str, QuestionHistory]], None], QObject | None]
        ] = []
        self._history_reads = 0  # reads under way
        #: The interrupted interview the window offered (read in the background), so
        #: resuming it reads nothing on the GUI thread.
        self._offered: StoredSession | None = None
        self._read_history()

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self._on_autosave)
        #: Asked when a clock has run out, before the draft is submitted: True means the
        #: front end submits the answer itself (the window's spoken answers, see
        #: gui/voice_answer.py); False (or no hook) lets the clock submit the draft.
        self.timeout_hook: Callable[[], bool] | None = None

    # ------------------------------------------------------------------ the session's state

    @property
    def backend(self) -> Backend:
        """The backend of the next model call (Settings may change it mid-interview)."""
        return self.session.backend

    @backend.setter
    def backend(self, backend: Backend) -> None:
        self.session.backend = backend

    @property
    def grader(self) -> Backend | None:
        """The backend of the next grading when it is not the interviewer's (None)."""
        return self.session.grader

    @property
    def backend_label(self) -> str:
        """The interviewer's backend, and the grader's when another one grades."""
        return self.session.backend_text()[1]

    @property
    def store(self) -> SessionStore:
        return self.session.store

    @property
    def rng(self) -> random.Random | None:
        return self.session.rng

    @rng.setter
    def rng(self, rng: random.Random | None) -> None:
        self.session.rng = rng

    @property
    def engine(self) -> InterviewEngine | None:
        return self.session.engine

    @property
    def options(self) -> StartOptions | None:
        return self.session.options

    @property
    def results(self) -> Results | None:
        return self.session.results

    @property
    def session_id(self) -> str | None:
        return self.session.session_id

    @property
    def usage_meter(self) -> UsageMeter:
        return self.session.usage_meter

    # ------------------------------------------------------------------ backend

    def _build_backend(self, settings: Settings) -> Backend:
        try:
            backend, notice = self._backend_factory(settings, self.secrets)
        except InterviewerError as err:
            current = getattr(self, "session", None)
            fallback = self.offline or (current.backend if current is not None else None)
            if fallback is None:
                raise
            self.backend_notice = f"{err} Until that is fixed in Settings, {fallback.label} runs."
            return fallback
        self.backend_notice = notice
        return backend

    def _build_grader(self, settings: Settings, interviewer: Backend) -> Backend | None:
        """The settings' grader; when it cannot be built (no key for its server), the
        interviewer's model grades and `grader_notice` says why."""
        self.grader_notice = ""
        try:
            grader, notice = self._grader_factory(settings, self.secrets, interviewer)
        except InterviewerError as err:
            self.grader_notice = (
                f"{err} Until that is fixed in Settings, the interviewer's model grades."
            )
            return None
        self.grader_notice = notice
        return grader

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings from the next model call on (a call in flight finishes as is)."""
        self.settings = settings
        self.backend = self._build_backend(settings)
        self.session.grader = self._build_grader(settings, self.backend)
        self.session.grade_samples = settings.grade_samples
        self.expect_grade_seconds()
        for notice in (self.backend_notice, self.grader_notice):
            if notice:
                self.message.emit("warning", notice)
        self.backend_changed.emit(self.backend_label)

    def expect_grade_seconds(self) -> None:
        """How long the grading model's grades take, from its remembered fitness check
        (a small JSON file), for the feedback page's estimate until grades are timed."""
        from interviewer.llm.factory import seconds_per_grade

        try:
            self.session.expected_grade_seconds = seconds_per_grade(self.session.grading_backend)
        except Exception:  # an estimate is not worth failing for
            self.session.expected_grade_seconds = None

    def set_backend(self, backend: Backend) -> None:
        self.backend = backend
        self.backend_notice = ""
        self.expect_grade_seconds()
        self.backend_changed.emit(self.backend_label)

    # ------------------------------------------------------------------ queries

    def session_usage(self) -> SessionUsage | None:
        """Tokens and estimated cost of the current (or last) interview, or None when no
        model that counts tokens was called."""
        return self.session.session_usage()

    @property
    def phase(self) -> Phase | None:
        return self.session.phase

    @property
    def in_interview(self) -> bool:
        return self.session.in_interview

    @property
    def paused(self) -> bool:
        return self.session.paused

    @property
    def answering(self) -> bool:
        return self.session.answering

    @property
    def can_submit(self) -> bool:
        return self.session.can_submit

    @property
    def can_skip(self) -> bool:
        return self.session.can_skip

    @property
    def can_pause(self) -> bool:
        return self.session.can_pause

    @property
    def can_end(self) -> bool:
        return self.session.can_end

    @property
    def can_cancel(self) -> bool:
        return self.session.can_cancel

    @property
    def busy_text(self) -> str:
        return self.session.busy_text

    @property
    def failure(self) -> str:
        return self.session.failure

    def progress_text(self) -> str:
        eng = self.engine
        if eng is None:
            return ""
        total = len(eng.records)
        if eng.phase is Phase.WRAP_UP:
            return "Wrapping up"
        if eng.phase in (Phase.GRADING, Phase.DONE):
            return "Grading your answers"
        rec = eng.current
        if rec is None:
            return ""
        category = rec.question.category.replace("_", " ").capitalize()
        text = f"Question {eng.index + 1} of {total} · {category}"
        last = rec.turns[-1] if rec.turns else None
        if eng.phase is Phase.ANSWERING and last is not None and last.kind == "follow_up":
            text += " · follow-up"
        return text

    def clock_state(self) -> ClockState:
        return self.session.clock_state()

    def question_history(self) -> dict[str, QuestionHistory]:
        """What the candidate has practised, for question rotation; empty if unreadable."""
        if self._history is not None:
            return dict(self._history)
        return self.session.question_history()

    def known_history(self) -> dict[str, QuestionHistory] | None:
        """What was practised, if the copy read in the background is current (else None:
        a read is on its way, or an interview is changing it)."""
        return None if self._history is None else dict(self._history)

    def when_history_known(
        self,
        then: Callable[[dict[str, QuestionHistory]], None],
        owner: QObject | None = None,
    ) -> None:
        """Call `then` with what was practised: now if it is known, else once the read
        under way lands (one is started if none is), never reading on the GUI thread.
        The home screen's count and a Start made while the read runs share that read.
        With an `owner` (the widget `then` belongs to), `then` is dropped if the owner
        has been deleted by the time the read lands (a window closed meanwhile)."""
        if self._history is not None:
            then(dict(self._history))
            return
        self._history_waiters.append((then, owner))
        if not self._history_reads:
            self._read_history()

    def reread_history(self, *, unless_reading: bool = False) -> None:
        """Read what was practised again (something else changed the store: a delete,
        an interview in the terminal); with `unless_reading`, not if a read is on its way."""
        if not (unless_reading and self._history_reads):
            self._read_history()

    def _read_history(self) -> None:
        """Read what was practised off the GUI thread, behind the writes made so far."""
        self._history = None
        self._history_reads += 1
        store = self.store

        def read() -> dict[str, QuestionHistory]:
            return store.question_history()

        def done(result: Any, error: BaseException | None) -> None:
            self._history_reads -= 1
            if self._history_reads:
                return  # a later read (behind a later write) is on its way: it counts
            # Unreadable means "nothing known": rotation is then plain random.
            history = {} if error is not None else dict(result)
            self._history = history
            waiters, self._history_waiters = self._history_waiters, []
            for then, owner in waiters:  # one may start an interview (forgets the copy)
                if owner is None or shiboken6.isValid(owner):
                    then(dict(history))

        self.writer.run(read, done)

    def resume_problem(self, stored: StoredSession) -> str:
        """Why this saved interview cannot be resumed with the content loaded now ("" if it can)."""
        self._offered = stored  # what a resume of it will use
        return self.session.resume_problem(stored)

    # ------------------------------------------------------------------ commands

    def start_interview(self, options: StartOptions) -> bool:
        """Start a fresh interview; False (and a message) if that fails."""
        history = None if options.repeat else self._history  # None: read now (not ready)
        try:
            self.session.start(options, history)
        except InterviewerError as err:
            self.message.emit("error", str(err))
            return False
        return True

    def resume_session(self, session_id: str) -> bool:
        """Carry on an interrupted interview exactly where it stopped: the question, the
        draft and both clocks. False (and a message) when it cannot be rebuilt."""
        offered, self._offered = self._offered, None
        stored = offered if offered is not None and offered.row.id == session_id else None
        try:
            self.session.resume(session_id, stored)
        except InterviewerError as err:
            self.message.emit("error", str(err))
            return False
        return True

    def update_draft(self, text: str) -> None:
        self.session.update_draft(text)

    def submit_answer(
        self,
        text: str,
        *,
        timed_out: bool = False,
        audio: str | None = None,
        voice: VoiceDelivery | None = None,
    ) -> bool:
        """True when the engine took the answer; on False the caller keeps the text. A
        spoken answer brings its recording (`audio`) and measured delivery (`voice`)."""
        return self.session.submit_answer(text, timed_out=timed_out, audio=audio, voice=voice)

    def skip(self) -> None:
        self.session.skip()

    def pause(self) -> None:
        self.session.pause()

    def resume(self) -> None:
        self.session.resume_clocks()

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def end_interview(self) -> None:
        """Stop asking; the answer being written is kept. Confirmation is the view's job."""
        self.session.end_early()

    def cancel(self) -> None:
        """Stop waiting for the model and carry on without it (the app stays usable)."""
        self.session.cancel()

    def retry(self) -> None:
        """Try the failed call again."""
        self.session.retry()

    def continue_without_model(self) -> None:
        """After a failure: use the question as written, or skip the follow-up."""
        self.session.continue_without_model()

    def abandon(self) -> None:
        """Forget the current interview; the store keeps it in progress (see the service)."""
        self._stop_timers()
        self.session.abandon()
        self._read_history()

    def leave_interview(self) -> None:
        """The candidate walked away from an unfinished interview: it stays in history as
        unfinished (with the draft), and is not offered for resuming."""
        self._stop_timers()
        self.session.leave()
        self._read_history()

    def suspend(self) -> None:
        """The window closes mid-interview: save the draft and both clocks, and leave the
        session in progress so the next launch offers to resume it."""
        self._stop_timers()
        self.session.suspend()

    def shutdown(self, msecs: int = 5000) -> None:
        """Closing the window: save, cancel what can be cancelled, let the workers return.
        Every store write handed over (the draft just saved among them) lands first."""
        self.suspend()
        self.flush_writes(msecs)
        self.wait_for_workers(msecs)

    def flush_writes(self, msecs: int = 5000) -> bool:
        """Block until every store write handed over is on disk (closing, and tests)."""
        return self.session.flush_store(msecs / 1000)

    def wait_for_workers(self, msecs: int = 5000) -> bool:
        """Block until every background call has returned (tests, and closing)."""
        return self.executor.wait(msecs)

    def save_draft(self, force: bool = False) -> bool:
        """Save the answer being typed and both clocks (see `InterviewSession.save_draft`)."""
        return self.session.save_draft(force)

    def tick(self) -> None:
        if not self.in_interview:
            self._timer.stop()
        hook = self.timeout_hook
        if hook is not None and self.session.time_is_up() and hook():
            # The front end submits this answer itself (a spoken answer's last phrase is
            # still being transcribed); the clocks keep showing 0 until it does.
            self.clocks_changed.emit(self.clock_state())
            return
        self.session.tick()

    # ------------------------------------------------------------------ events -> signals

    def _stop_timers(self) -> None:
        self._timer.stop()
        self.autosave_timer.stop()

    def _on_autosave(self) -> None:
        self.session.save_draft()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, TurnAdded):
            self.turn_added.emit(event.turn)
        elif isinstance(event, TextDelta):
            self.stream_delta.emit(event.text)
        elif isinstance(event, StateChanged):
            self.state_changed.emit()
        elif isinstance(event, ClockChanged):
            self.clocks_changed.emit(event.state)
        elif isinstance(event, StreamStarted):
            self.stream_started.emit(event.purpose)
        elif isinstance(event, StreamReset):
            self.stream_reset.emit()
        elif isinstance(event, AnswerNeeded):
            self.answer_needed.emit(event.need)
        elif isinstance(event, AnswerClosed):
            self.answer_closed.emit()
        elif isinstance(event, BusyChanged):
            self.busy_changed.emit(event.text)
        elif isinstance(event, CallFailed):
            self.call_failed.emit(event.text)
        elif isinstance(event, PausedChanged):
            self.paused_changed.emit(event.paused)
        elif isinstance(event, Notice):
            self.message.emit(event.level, event.text)
        elif isinstance(event, GradingProgress):
            self.grading_progress.emit(event.graded, event.handed_out)
        elif isinstance(event, GradeWorking):
            self.grade_working.emit(event.text())
        elif isinstance(event, GradingEstimate):
            self.grading_estimate.emit(event.text())
        elif isinstance(event, ResultsSoFar):
            self.results_so_far.emit(event.results, event.grading)
        elif isinstance(event, DraftRestored):
            self.draft_restored.emit(event.text)
        elif isinstance(event, Started):
            self._history = None  # this interview changes it: read again when it ends
            self.interview_started.emit()
            self._timer.start()
            self.autosave_timer.start()
        elif isinstance(event, InterviewFinished):
            self._stop_timers()
            self._read_history()  # behind the report's write: the next start rotates on it
            self.finished.emit(event.results)
