"""The desktop app's driver of the interview engine: the GUI twin of `cli.cmd_practice`.

The engine stays on the GUI thread and is the only place interview state lives. The
controller pumps `engine.need()` the way the CLI's loop does, but never waits: each
backend call becomes a task on a worker thread (see `workers.py`) and its result is fed
back to the engine when the task's signal arrives. A QTimer stands in for the CLI's
`select()` deadline: it calls `engine.tick()` a few times a second, so a clock that runs
out submits the draft the engine already holds.

Widgets never talk to the engine directly; they call the controller's methods and listen
to its signals (design rule 3: logic reports through signals, never dialogs). That keeps
the widgets free of interview rules, and lets tests drive the controller with no window.

Only one "interactive" call (an interviewer turn or a follow-up decision) is in flight at
a time; it is the thing the candidate waits for, so it can be cancelled, retried, or
skipped with "continue without the model". Gradings run beside it in a separate pool,
two at a time, from the moment the engine hands them out.

Nothing typed is lost (issue 5): the controller writes the interview to the session store
as it goes. Each transcript turn is committed the moment the engine adds it, each grade
when it arrives, the draft being typed (with both clocks) every few seconds while it
changes and on pause or close, and the report at the end. Store writes are one small
transaction each, so they stay on the GUI thread. `resume_session` rebuilds an
interrupted interview from the store with `InterviewEngine.restore`.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from interviewer.core.content import ContentLibrary, QuestionHistory
from interviewer.core.cost import Price, SessionUsage, UsageMeter, load_prices_or_defaults
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
from interviewer.core.errors import InterviewerError
from interviewer.core.models import FollowUpDecision, Question, Rubric, Track, Turn
from interviewer.core.report import Report, build_report, now_iso
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.core.summary import SessionSummary
from interviewer.gui.workers import Progress, TaskRunner
from interviewer.llm import service
from interviewer.llm.base import Backend, CancelToken
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionPlan, SessionStore, StoredSession

#: Gradings run in the background while the interview goes on; this many at once.
GRADING_WORKERS = 2
#: How often the clocks are read (ms). Fast enough for a smooth countdown, cheap enough.
TICK_MS = 250
#: The draft being typed is saved at least this often (ms) while it or its clocks change.
AUTOSAVE_MS = 3000

BackendFactory = Callable[[Settings, SecretStore], tuple[Backend, str]]


@dataclass(frozen=True)
class StartOptions:
    """What the candidate chose on the home screen; None means "the track's default"."""

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


@dataclass
class _Call:
    """The interactive call the candidate is waiting for."""

    task_id: int
    kind: str  # "turn" or "follow_up"
    token: CancelToken
    purpose: str = ""
    streamed: list[str] = field(default_factory=list)


def open_store() -> SessionStore:
    """The user's session database; never fails (see `SessionStore.open`)."""
    return SessionStore.open(app_paths().database)


def default_backend_factory(settings: Settings, secrets: SecretStore) -> tuple[Backend, str]:
    from interviewer.llm.factory import make_backend  # imports the offline coach and openai

    choice = make_backend(settings, secrets)
    return choice.backend, choice.notice


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
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        store: SessionStore | None = None,
        parent: QObject | None = None,
    ) -> None:
        """`store` defaults to an in-memory one, so a controller built for a test or for
        the screenshots never touches the user's database; the app passes `open_store()`."""
        super().__init__(parent)
        self.library = library
        self.settings = settings
        self.secrets = secrets
        self.offline = offline
        self.clock = clock
        self.rng = rng
        self._backend_factory = backend_factory
        self.backend_notice = ""
        if backend is None:
            backend = self._build_backend(settings)
        self.backend: Backend = backend
        self.engine: InterviewEngine | None = None
        self.options: StartOptions | None = None
        self.results: Results | None = None

        self._interactive = TaskRunner(3, self)
        self._grading = TaskRunner(GRADING_WORKERS, self)
        self._interactive.delta.connect(self._on_delta)
        self._interactive.notice.connect(self._on_notice)
        self._interactive.succeeded.connect(self._on_call_succeeded)
        self._interactive.failed.connect(self._on_call_failed)
        self._interactive.cancelled.connect(self._on_call_cancelled)
        self._grading.succeeded.connect(self._on_grade_succeeded)
        self._grading.failed.connect(self._on_grade_failed)
        self._grading.cancelled.connect(self._on_grade_cancelled)

        self._call: _Call | None = None
        self._failure = ""
        self._busy = ""
        self._shown = 0  # transcript turns already emitted
        self._answer_key: tuple[int, int] | None = None
        self._question_limit = 0.0
        self._grade_queue: deque[GradeRequest] = deque()
        self._grade_tasks: dict[int, int] = {}  # task id -> request id
        self._graded = 0
        self._handed_out = 0

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.tick)

        self.store = store if store is not None else SessionStore.memory()
        self.store.on_notice = self._on_store_notice
        self.session_id: str | None = None
        self._started_at = ""
        self._session_backend = ("", "")
        #: Tokens and cost of the interview on screen, across every backend it used.
        self.usage_meter = UsageMeter()
        self._prices: dict[str, Price] | None = None
        self._saved_turns = 0  # transcript turns already in the store
        self._draft_saved: tuple[tuple[int, int], str, float] | None = None
        self._grade_questions: dict[int, str] = {}  # request id -> question id
        self._store_warned = False
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(AUTOSAVE_MS)
        self.autosave_timer.timeout.connect(self._on_autosave)

    # ------------------------------------------------------------------ backend

    def _build_backend(self, settings: Settings) -> Backend:
        try:
            backend, notice = self._backend_factory(settings, self.secrets)
        except InterviewerError as err:
            fallback = self.offline or getattr(self, "backend", None)
            if fallback is None:
                raise
            self.backend_notice = f"{err} Until that is fixed in Settings, {fallback.label} runs."
            return fallback
        self.backend_notice = notice
        return backend

    def apply_settings(self, settings: Settings) -> None:
        """Use new settings from the next model call on (a call in flight finishes as is)."""
        self.settings = settings
        self.backend = self._build_backend(settings)
        if self.backend_notice:
            self.message.emit("warning", self.backend_notice)
        self.backend_changed.emit(self.backend.label)

    def set_backend(self, backend: Backend) -> None:
        self.backend = backend
        self.backend_notice = ""
        self.backend_changed.emit(backend.label)

    # ------------------------------------------------------------------ queries

    def session_usage(self) -> SessionUsage | None:
        """Tokens and estimated cost of the current (or last) interview, or None when no
        model that counts tokens was called."""
        if self._prices is None:
            self._prices, _ = load_prices_or_defaults()
        found = self.usage_meter.session(self._prices)
        return found if found is not None and found.requests else None

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
            self.phase is Phase.GRADING and bool(self._grade_tasks or self._grade_queue)
        )

    @property
    def busy_text(self) -> str:
        return self._busy

    @property
    def failure(self) -> str:
        return self._failure

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
        eng = self.engine
        if eng is None:
            return ClockState(None, 0.0, 0.0, 0.0, False)
        answering = eng.phase is Phase.ANSWERING
        return ClockState(
            question_left=eng.question_seconds_left() if answering else None,
            question_limit=self._question_limit,
            interview_left=eng.interview_seconds_left(),
            interview_total=eng.duration,
            running=answering and not eng.paused,
        )

    # ------------------------------------------------------------------ commands

    def start_interview(self, options: StartOptions) -> bool:
        """Build a fresh engine from the options; False (and a message) if that fails."""
        try:
            track = options.track or self.library.track(options.track_id)
            questions = self.library.select_questions(
                track,
                options.question_count,
                rng=self.rng,
                difficulty=options.difficulty,
                history=None if options.repeat else self.question_history(),
            )
            if not questions:
                raise InterviewerError(f"The track {track.name!r} has no questions to ask.")
            duration = options.minutes * 60 if options.minutes else None
            if (
                duration is None
                and options.question_count
                and options.question_count != track.question_count
            ):
                duration = track.duration_minutes * 60 * len(questions) / track.question_count
            engine = InterviewEngine(
                track,
                questions,
                self.library.rubrics,
                follow_ups=options.follow_ups,
                duration_seconds=duration,
                clock=self.clock,
            )
        except InterviewerError as err:
            self.message.emit("error", str(err))
            return False
        self.leave_interview()
        self.engine = engine
        self.options = options
        self.results = None
        self._open_session(engine, options)
        engine.start()
        self.interview_started.emit()
        self._timer.start()
        self.autosave_timer.start()
        self._pump()
        self.clocks_changed.emit(self.clock_state())
        return True

    def question_history(self) -> dict[str, QuestionHistory]:
        """What the candidate has practised, for question rotation; empty if unreadable
        (the pick is then plain random, which is never worth stopping an interview for)."""
        try:
            return self.store.question_history()
        except (InterviewerError, sqlite3.Error, OSError):
            return {}

    def resume_problem(self, stored: StoredSession) -> str:
        """Why this saved interview cannot be resumed with the content loaded now ("" if it can)."""
        try:
            self._restore_engine(stored)
        except InterviewerError as err:
            return str(err)
        return ""

    def resume_session(self, session_id: str) -> bool:
        """Carry on an interrupted interview exactly where it stopped: the question, the
        draft and both clocks. False (and a message) when it cannot be rebuilt."""
        try:
            stored = self.store.load_session(session_id)
            engine = self._restore_engine(stored)
        except InterviewerError as err:
            self.message.emit("error", str(err))
            return False
        except (sqlite3.Error, OSError) as err:
            self.message.emit("error", f"The saved interview could not be read ({err}).")
            return False
        self.leave_interview()
        row, plan = stored.row, stored.plan
        base = self.library.tracks.get(row.track_id)
        self.engine = engine
        self.options = StartOptions(
            track_id=row.track_id,
            question_count=len(plan.question_ids),
            minutes=plan.duration_seconds / 60,
            difficulty=plan.difficulty,
            follow_ups=plan.follow_ups,
            track=None if base is not None and base == engine.track else engine.track,
        )
        self.results = None
        self.session_id = session_id
        self._started_at = row.started_at
        label = row.backend_label
        if row.backend != self.backend.name or row.backend_label != self.backend.label:
            label = f"{row.backend_label}, then {self.backend.label}"
        self._session_backend = (self.backend.name, label)
        self._begin_usage()  # tokens spent before the interruption are not known any more
        self._saved_turns = len(engine.transcript)
        self._draft_saved = None
        draft = engine.draft
        self.interview_started.emit()
        self._timer.start()
        self.autosave_timer.start()
        self._pump()
        if draft and self.answering:
            # The answer box went blank when the answer opened; put the draft back in it
            # (the view hands it on to the engine like any typing).
            engine.update_draft(draft)
            self.draft_restored.emit(draft)
        self.clocks_changed.emit(self.clock_state())
        return True

    def _restore_engine(self, stored: StoredSession) -> InterviewEngine:
        plan, row = stored.plan, stored.row
        missing = [qid for qid in plan.question_ids if qid not in self.library.questions]
        if missing:
            many = len(missing) > 1
            raise InterviewerError(
                f"The interrupted interview on {row.track_name!r} cannot be resumed: "
                f"question{'s' if many else ''} {', '.join(missing)} "
                f"{'are' if many else 'is'} no longer in the question bank. "
                "It can stay in your history as unfinished."
            )
        questions: list[Question] = []
        for qid in plan.question_ids:
            q = self.library.questions[qid]
            seconds = plan.answer_seconds.get(qid)
            if seconds and seconds != q.answer_seconds:
                q = q.model_copy(update={"answer_seconds": seconds})  # the limit as asked
            questions.append(q)
        track = self._track_for(stored, questions)
        draft = stored.draft
        try:
            engine = InterviewEngine.restore(
                track,
                questions,
                self.library.rubrics,
                stored.turns,
                grades=stored.grades,
                draft=draft.text if draft is not None else "",
                interview_seconds_left=stored.interview_seconds_left,
                question_seconds_left=stored.question_seconds_left,
                follow_ups=plan.follow_ups,
                follow_up_limit=plan.follow_up_limit,
                duration_seconds=plan.duration_seconds,
                clock=self.clock,
            )
        except InterviewerError as err:
            raise InterviewerError(
                f"The interrupted interview on {row.track_name!r} cannot be resumed: {err} "
                "It can stay in your history as unfinished."
            ) from err
        current = engine.current
        if draft is not None and (current is None or current.question.id != draft.question_id):
            engine.draft = ""  # saved for another question: never put it under this one
        return engine

    def _track_for(self, stored: StoredSession, questions: list[Question]) -> Track:
        """The track the interview ran on: the library's (renamed as it was, e.g. a weak-topics
        practice), or, if the track file is gone, one rebuilt from the saved plan."""
        row, plan = stored.row, stored.plan
        base = self.library.tracks.get(row.track_id)
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

    def update_draft(self, text: str) -> None:
        if self.engine is not None and self.engine.phase is Phase.ANSWERING:
            self.engine.update_draft(text)

    def submit_answer(self, text: str) -> bool:
        """True when the engine took the answer; on False the caller keeps the text."""
        eng = self.engine
        if eng is None:
            return False
        try:
            eng.update_draft(text)
            eng.submit_answer(text)
        except InterviewerError as err:
            self.message.emit("warning", str(err))
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
            self.message.emit("warning", str(err))
        self._pump()

    def pause(self) -> None:
        if self.engine is None or not self.can_pause or self.engine.paused:
            return
        self.engine.pause()
        self.save_draft()
        self.paused_changed.emit(True)
        self.clocks_changed.emit(self.clock_state())
        self.state_changed.emit()

    def resume(self) -> None:
        if self.engine is None or not self.engine.paused:
            return
        self.engine.resume()
        self.paused_changed.emit(False)
        self.clocks_changed.emit(self.clock_state())
        self.state_changed.emit()

    def toggle_pause(self) -> None:
        if self.paused:
            self.resume()
        else:
            self.pause()

    def end_interview(self) -> None:
        """Stop asking; the answer being written is kept. Confirmation is the view's job."""
        eng = self.engine
        if eng is None or not self.can_end:
            return
        was_paused = eng.paused
        self._drop_call()
        eng.end_early()
        if was_paused:
            self.paused_changed.emit(False)
        self._pump()

    def cancel(self) -> None:
        """Stop waiting for the model and carry on without it (the app stays usable)."""
        if self._call is not None:
            self._drop_call()
            self.message.emit("info", "Cancelled. The interview goes on without that reply.")
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

    def abandon(self) -> None:
        """Forget the current interview (and ignore whatever its tasks still return).

        The store is left as it is: an unfinished session stays in progress, so it is
        offered for resuming at the next launch. `leave_interview` marks it unfinished.
        """
        self._timer.stop()
        self.autosave_timer.stop()
        self._drop_call()
        self._grade_queue.clear()
        self._grade_tasks.clear()
        self._grade_questions.clear()
        self._graded = self._handed_out = 0
        self._failure = ""
        self._shown = 0
        self._answer_key = None
        self.engine = None
        self.session_id = None
        self._saved_turns = 0
        self._draft_saved = None
        self._set_busy("")
        self.state_changed.emit()

    def leave_interview(self) -> None:
        """The candidate walked away from an unfinished interview: it stays in history as
        unfinished (with the draft), and is not offered for resuming."""
        sid = self.session_id
        if sid is not None and self.in_interview:
            self.save_draft(force=True)
            self._persist("the interview's status", lambda: self.store.mark_abandoned(sid))
        self.abandon()

    def suspend(self) -> None:
        """The window closes mid-interview: save the draft and both clocks, and leave the
        session in progress so the next launch offers to resume it."""
        if self.in_interview:
            if self.engine is not None and not self.engine.paused:
                self.engine.pause()  # banks the clocks up to this moment
            self.save_draft(force=True)
        self.abandon()

    def shutdown(self, msecs: int = 5000) -> None:
        """Closing the window: save, cancel what can be cancelled, let the workers return."""
        self.suspend()
        self.wait_for_workers(msecs)

    def wait_for_workers(self, msecs: int = 5000) -> bool:
        """Block until every background call has returned (tests, and closing)."""
        return self._interactive.wait(msecs) and self._grading.wait(msecs)

    # ------------------------------------------------------------------ the store

    def save_draft(self, force: bool = False) -> bool:
        """Save the answer being typed and both clocks; unless forced, only if they changed.

        Returns whether a write was made. Cheap (one upsert), so the autosave timer calls
        it every few seconds; the clocks count as a change once they moved a second.
        """
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

    def _on_autosave(self) -> None:
        self.save_draft()

    def _on_store_notice(self, notice: str) -> None:
        self.message.emit("warning", notice)

    def _persist(self, what: str, write: Callable[[], object]) -> bool:
        """Run one store write; a failure is told once and never stops the interview."""
        try:
            write()
        except (InterviewerError, sqlite3.Error, OSError) as err:
            if not self._store_warned:
                self._store_warned = True
                self.message.emit(
                    "warning",
                    f"Could not save {what} ({err}). The interview goes on; export the "
                    "report at the end to keep it.",
                )
            return False
        return True

    def _begin_usage(self) -> None:
        self.usage_meter.reset()
        self.usage_meter.watch(self.backend)
        self._prices, warning = load_prices_or_defaults()
        if warning:
            self.message.emit("warning", warning)

    def _open_session(self, engine: InterviewEngine, options: StartOptions) -> None:
        self._started_at = now_iso()
        self._session_backend = (self.backend.name, self.backend.label)
        self._begin_usage()
        self._saved_turns = 0
        self._draft_saved = None
        questions = [r.question for r in engine.records]
        plan = SessionPlan(
            question_ids=[q.id for q in questions],
            duration_seconds=engine.duration,
            follow_ups=options.follow_ups,
            follow_up_limit=engine.follow_up_limit,
            difficulty=options.difficulty,
            answer_seconds={q.id: q.answer_seconds for q in questions},
        )
        self.session_id = None
        try:
            self.session_id = self.store.create_session(
                track_id=options.track_id,
                track_name=engine.track.name,
                backend=self.backend.name,
                backend_label=self.backend.label,
                plan=plan,
                started_at=self._started_at,
            )
        except (InterviewerError, sqlite3.Error, OSError) as err:
            self.message.emit(
                "warning",
                f"This interview cannot be saved ({err}). It goes on; export the report at "
                "the end to keep it.",
            )

    def _save_new_turns(self) -> None:
        eng, sid = self.engine, self.session_id
        if eng is None:
            return
        new = eng.transcript[self._saved_turns :]
        self._saved_turns = len(eng.transcript)
        if sid is None:
            return
        for turn in new:

            def write(t: Turn = turn, sid: str = sid) -> int:
                return self.store.add_turn(sid, t)

            self._persist("your answer", write)

    def tick(self) -> None:
        eng = self.engine
        if eng is None or eng.phase is Phase.DONE:
            self._timer.stop()
            return
        try:
            events = eng.tick()
        except InterviewerError as err:  # pragma: no cover - the engine guards its phases
            self.message.emit("error", str(err))
            events = []
        if events:
            if "interview_timeout" in events:
                text = "The interview time is up. Your answer was submitted as written."
            else:
                text = "Time is up for this answer. It was submitted as written."
            self.message.emit("info", text)
            self._pump()
        self.clocks_changed.emit(self.clock_state())

    # ------------------------------------------------------------------ the pump

    def _pump(self) -> None:
        """Do whatever the engine needs next; called after every change to the engine."""
        eng = self.engine
        if eng is None:
            return
        self._save_new_turns()  # first: a submitted answer is on disk before anything else
        self._sync_transcript()
        if self._answer_key is not None and (
            eng.phase is not Phase.ANSWERING or self._answer_key != self._key(eng)
        ):
            self._answer_key = None
            self.answer_closed.emit()
        self._dispatch_gradings()
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
                    self._question_limit = max(need.question_seconds_left, _answer_limit(need))
                    self.answer_needed.emit(need)
            elif isinstance(need, NeedGrades):
                self._set_busy(self._grading_text())
            elif isinstance(need, Finished):
                self._finish()
        self.state_changed.emit()

    @staticmethod
    def _key(eng: InterviewEngine) -> tuple[int, int]:
        rec = eng.current
        return (eng.index, len(rec.turns) if rec is not None else 0)

    def _sync_transcript(self) -> None:
        eng = self.engine
        if eng is None:
            return
        new: list[Turn] = eng.transcript[self._shown :]
        self._shown = len(eng.transcript)
        for turn in new:
            self.turn_added.emit(turn)

    def _set_busy(self, text: str) -> None:
        if text != self._busy:
            self._busy = text
            self.busy_changed.emit(text)

    def _finish(self) -> None:
        eng = self.engine
        if eng is None or self.results is not None:
            return
        self._timer.stop()
        self.autosave_timer.stop()
        self._set_busy("")
        name, label = self._session_backend
        report = build_report(
            eng,
            backend=name or self.backend.name,
            backend_label=label or self.backend.label,
            started_at=self._started_at or now_iso(),
            session_id=self.session_id,
            usage=self.session_usage(),
        )
        sid = self.session_id
        if sid is not None:
            self._persist("the report", lambda: self.store.finish_session(sid, report))
        self.results = Results(
            track=eng.track,
            records=list(eng.records),
            summary=report.summary,
            rubrics=dict(eng.rubrics),
            ended_early=eng.ended_early,
            report=report,
        )
        self.clocks_changed.emit(self.clock_state())
        self.finished.emit(self.results)

    # ------------------------------------------------------------------ interactive calls

    def _start_turn(self, request: TurnRequest) -> None:
        backend, offline, token = self.backend, self.offline, CancelToken()
        self.usage_meter.watch(backend)

        def work(progress: Progress) -> str:
            return service.interviewer_turn(
                backend, request, offline, progress.delta, token, notice=progress.notice
            )

        task = self._interactive.submit(work, token)
        self._call = _Call(task, "turn", token, request.purpose)
        self.stream_started.emit(request.purpose)
        if request.purpose == "wrap_up":
            self._set_busy("The interviewer is wrapping up…")
        else:
            self._set_busy("The interviewer is writing…")

    def _start_follow_up(self, request: FollowUpRequest) -> None:
        backend, offline, token = self.backend, self.offline, CancelToken()
        self.usage_meter.watch(backend)

        def work(progress: Progress) -> FollowUpDecision:
            return service.follow_up(backend, request, offline, notice=progress.notice)

        task = self._interactive.submit(work, token)
        self._call = _Call(task, "follow_up", token)
        self._set_busy("The interviewer is considering a follow-up…")

    def _drop_call(self) -> None:
        call, self._call = self._call, None
        if call is not None:
            call.token.cancel()
            if call.kind == "turn":
                self.stream_reset.emit()

    def _current(self, task_id: int) -> _Call | None:
        call = self._call
        return call if call is not None and call.task_id == task_id else None

    def _on_delta(self, task_id: int, piece: str) -> None:
        call = self._current(task_id)
        if call is not None:
            call.streamed.append(piece)
            self.stream_delta.emit(piece)

    def _on_notice(self, task_id: int, text: str) -> None:
        if self._current(task_id) is not None:
            self.message.emit("warning", text)

    def _on_call_succeeded(self, task_id: int, result: Any) -> None:
        call = self._current(task_id)
        eng = self.engine
        if call is None or eng is None:
            return
        self._call = None
        try:
            if call.kind == "turn":
                eng.on_interviewer_text(str(result))
            else:
                eng.on_follow_up(result)
        except InterviewerError as err:
            self.message.emit("error", str(err))
        self._pump()

    def _on_call_failed(self, task_id: int, text: str) -> None:
        call = self._current(task_id)
        if call is None:
            return
        self._call = None
        if call.kind == "turn":
            self.stream_reset.emit()
        self._failure = text
        self._set_busy("")
        self.call_failed.emit(text)
        self.state_changed.emit()

    def _on_call_cancelled(self, task_id: int) -> None:
        if self._current(task_id) is not None:  # cancelled by someone other than us
            self._drop_call()
            self._continue_without_model()
            self._pump()

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
            self.message.emit("error", str(err))

    # ------------------------------------------------------------------ gradings

    def _grading_text(self) -> str:
        return f"Grading your answers ({self._graded} of {self._handed_out} done)…"

    def _dispatch_gradings(self) -> None:
        eng = self.engine
        if eng is None:
            return
        fresh = eng.take_grading_requests()
        if fresh:
            for request in fresh:
                self._grade_questions[request.request_id] = request.question.id
            self._grade_queue.extend(fresh)
            self._handed_out += len(fresh)
            self.grading_progress.emit(self._graded, self._handed_out)
        backend, offline = self.backend, self.offline
        self.usage_meter.watch(backend)
        while self._grade_queue and len(self._grade_tasks) < GRADING_WORKERS:
            request = self._grade_queue.popleft()

            def work(_progress: Progress, request: GradeRequest = request) -> Any:
                return service.grade(backend, request, offline)

            self._grade_tasks[self._grading.submit(work)] = request.request_id

    def _graded_one(self) -> None:
        self._graded += 1
        self.grading_progress.emit(self._graded, self._handed_out)
        if self.phase is Phase.GRADING:
            self._set_busy(self._grading_text())
        self._pump()

    def _on_grade_succeeded(self, task_id: int, grade: Any) -> None:
        request_id = self._grade_tasks.pop(task_id, None)
        if request_id is None or self.engine is None:
            return
        self.engine.on_grade(request_id, grade)
        qid, sid = self._grade_questions.pop(request_id, None), self.session_id
        if qid is not None and sid is not None:
            self._persist("a grade", lambda: self.store.save_grade(sid, qid, grade))
        self._graded_one()

    def _on_grade_failed(self, task_id: int, text: str) -> None:
        request_id = self._grade_tasks.pop(task_id, None)
        if request_id is None or self.engine is None:
            return
        self.engine.on_grade_failed(request_id, text)
        self.message.emit("warning", f"An answer could not be graded: {text}")
        self._graded_one()

    def _on_grade_cancelled(self, task_id: int) -> None:
        self._on_grade_failed(task_id, "Grading was cancelled.")

    def _cancel_gradings(self, text: str) -> None:
        eng = self.engine
        if eng is None:
            return
        ids = [r.request_id for r in self._grade_queue] + list(self._grade_tasks.values())
        self._grade_queue.clear()
        self._grade_tasks.clear()
        for request_id in ids:
            eng.on_grade_failed(request_id, text)
            self._graded += 1
        self.grading_progress.emit(self._graded, self._handed_out)


def _answer_limit(need: NeedAnswer) -> float:
    """The full time allowed for this answer (a resumed one may have less of it left)."""
    seconds = need.question.answer_seconds
    return float(max(MIN_FOLLOW_UP_SECONDS, seconds // 2) if need.is_follow_up else seconds)
