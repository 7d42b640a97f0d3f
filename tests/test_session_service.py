"""InterviewSession: one service behind the terminal and the window.

The same scripted interview run through both front ends leaves the same thing in the
store; an interrupted interview resumes the same way in both (answer time as asked,
a track whose file is gone rebuilt, a draft saved for another question dropped); and the
service itself, with no front end at all, bounds its gradings, saves drafts only when
they change, tells a failing store once and hands every model call to the call log.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from interviewer.cli import TerminalFrontEnd, _conclude
from interviewer.core.content import ContentLibrary
from interviewer.core.cost import Usage
from interviewer.core.engine import NeedAnswer, Phase
from interviewer.core.errors import InterviewerError
from interviewer.core.models import FollowUpDecision, GradeDraft, Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest
from interviewer.gui.controller import Controller
from interviewer.llm.base import ModelResponse
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import (
    GRADING_WORKERS,
    AnswerNeeded,
    DraftRestored,
    Event,
    GradeReady,
    InterviewFinished,
    InterviewSession,
    Notice,
    StartOptions,
    ThreadExecutor,
    TurnAdded,
)
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionPlan, SessionStore, StoreError
from tests.factories import follow
from tests.gui_helpers import quoting_grade, small_library

ANSWERS = [
    "Bias is error from wrong assumptions; a biased model underfits the data.",
    "Compare training and validation error: a large gap means high variance.",
    "Variance is sensitivity to the sample; an overfit model has high variance.",
    "More data, regularisation or a simpler model reduce the variance.",
]
OPTIONS = StartOptions("t", follow_ups=True, repeat=True)
SEED = 3


def turn_text(request: TurnRequest) -> str:
    if request.purpose == "wrap_up" or request.question is None:
        return "That is all for today, thank you."
    return f"Question {request.index + 1}: {request.question.text}"


def probe(request: FollowUpRequest) -> FollowUpDecision:
    return follow(request.question.follow_ups[0].text)


def scripted(**kw: Any) -> ScriptedBackend:
    return ScriptedBackend(
        default_turn=turn_text, default_follow_up=probe, default_grade=quoting_grade, **kw
    )


def store_contents(path: Path) -> list[dict[str, Any]]:
    """What the store holds about each session, without the wall-clock times."""
    store = SessionStore(path)
    try:
        out = []
        for row in store.list_sessions():
            saved = store.load_session(row.id)
            report = store.get_report(row.id)
            out.append(
                {
                    "row": (row.track_id, row.track_name, row.backend, row.status, row.answers),
                    "plan": saved.plan.model_dump(),
                    "turns": [
                        (t.role, t.kind, t.question_id, t.text, t.timed_out, t.skipped)
                        for t in saved.turns
                    ],
                    "grades": {
                        q: (g.overall_score, [(c.criterion_id, c.score) for c in g.criteria])
                        for q, g in saved.grades.items()
                    },
                    "draft": saved.draft,
                    "summary": None
                    if report is None
                    else (
                        report.summary.overall_score,
                        report.summary.answered,
                        report.summary.skipped,
                        report.summary.signal,
                        [q.status for q in report.summary.questions],
                    ),
                }
            )
        return out
    finally:
        store.close()


# --------------------------------------------------------------------------- front ends


@dataclass
class Run:
    """What a front end showed of one interview: the service's events, in order."""

    events: list[Event] = field(default_factory=list)

    def needs(self) -> list[NeedAnswer]:
        return [e.need for e in self.events if isinstance(e, AnswerNeeded)]

    def drafts(self) -> list[str]:
        return [e.text for e in self.events if isinstance(e, DraftRestored)]


def through_terminal(
    lib: ContentLibrary,
    path: Path,
    begin: Callable[[InterviewSession], None],
    answers: list[str],
    backend: ScriptedBackend,
) -> tuple[Run, str]:
    store = SessionStore(path)
    out = io.StringIO()
    stdin = io.StringIO("".join(f"{a}\n.\n" for a in answers))
    front = TerminalFrontEnd(lib, store, argparse.Namespace(), stdin, out, backends=(backend, None))
    front.session.rng = random.Random(SEED)
    run = Run()
    front.session.subscribe(run.events.append)
    results = front.run(begin)
    _conclude(front, results, argparse.Namespace(report=None))
    store.close()
    return run, out.getvalue()


def through_window(
    qtbot: QtBot,
    lib: ContentLibrary,
    path: Path,
    begin: Callable[[Controller], bool],
    answers: list[str],
    backend: ScriptedBackend,
) -> tuple[Run, Controller]:
    store = SessionStore(path)
    controller = Controller(
        lib, Settings(), SecretStore(), backend=backend, store=store, rng=random.Random(SEED)
    )
    run = Run()
    controller.session.subscribe(run.events.append)
    queue = list(answers)
    restored: list[str] = []
    controller.draft_restored.connect(restored.append)

    def on_answer_needed(_need: NeedAnswer) -> None:
        # As a person would: after the signal, type (after any restored draft) and submit.
        def submit() -> None:
            prefix = restored.pop() if restored else ""
            text = queue.pop(0) if queue else ""
            controller.submit_answer(f"{prefix}\n{text}" if prefix and text else prefix or text)

        QTimer.singleShot(0, submit)

    controller.answer_needed.connect(on_answer_needed)
    finished: list[object] = []
    controller.finished.connect(finished.append)
    assert begin(controller)
    # Finished is told once the report is on disk (written off the GUI thread).
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert controller.results is not None
    assert controller.flush_writes(5000) and controller.wait_for_workers(5000)
    store.close()
    return run, controller


# --------------------------------------------------------------------------- parity


def test_the_same_interview_leaves_the_same_store_through_both_front_ends(
    qtbot: QtBot, tmp_path: Path
) -> None:
    lib = small_library(count=2, limit=1)
    terminal_db, window_db = tmp_path / "terminal.sqlite3", tmp_path / "window.sqlite3"
    t_backend, w_backend = scripted(), scripted()
    t_run, text = through_terminal(lib, terminal_db, lambda s: s.start(OPTIONS), ANSWERS, t_backend)
    w_run, _ = through_window(
        qtbot, lib, window_db, lambda c: c.start_interview(OPTIONS), ANSWERS, w_backend
    )
    terminal, window = store_contents(terminal_db), store_contents(window_db)
    assert terminal == window
    (session,) = terminal
    assert session["row"][3] == "finished" and session["draft"] is None
    candidate = [t[3] for t in session["turns"] if t[0] == "candidate"]
    assert candidate == ANSWERS  # every answer, in order, once
    assert len(session["grades"]) == 2 and session["summary"][1] == 2
    # Both asked the model the same things, and saw the same events.
    assert [
        (c.kind, c.request.question and c.request.question.id)
        for c in t_backend.calls
        if c.kind != "grade"
    ] == [
        (c.kind, c.request.question and c.request.question.id)
        for c in w_backend.calls
        if c.kind != "grade"
    ]
    kinds = [type(e).__name__ for e in t_run.events if isinstance(e, (TurnAdded, AnswerNeeded))]
    assert kinds == [
        type(e).__name__ for e in w_run.events if isinstance(e, (TurnAdded, AnswerNeeded))
    ]
    assert "Question 1:" in text and "Overall score" in text


# --------------------------------------------------------------------------- resume


@dataclass
class Interrupted:
    """An interview cut off after its first answer, as a killed process leaves it."""

    track_id: str = "t"
    track_name: str = "Test track"
    answer_seconds: dict[str, int] = field(default_factory=dict)
    draft_for: str | None = None  # the question a draft was saved for
    draft_text: str = "half typed words"
    ask_q2: bool = True  # False: killed after the answer, before the next question

    def build(self, path: Path, lib: ContentLibrary) -> str:
        store = SessionStore(path)
        q1, q2 = "q1", "q2"
        sid = store.create_session(
            track_id=self.track_id,
            track_name=self.track_name,
            backend="scripted",
            backend_label="Scripted test backend",
            plan=SessionPlan(
                question_ids=[q1, q2],
                duration_seconds=1800,
                follow_ups=False,
                follow_up_limit=0,
                answer_seconds=self.answer_seconds,
            ),
        )
        store.add_turn(sid, Turn(role="interviewer", kind="question", text="Q1?", question_id=q1))
        store.add_turn(
            sid, Turn(role="candidate", kind="answer", text=ANSWERS[0], question_id=q1, seconds=60)
        )
        if self.draft_for == q1:  # saved for q1 after its answer went in: stale
            store.save_draft(sid, q1, self.draft_text, 30.0, 1000.0)
        if self.ask_q2:
            store.add_turn(
                sid, Turn(role="interviewer", kind="question", text="Q2?", question_id=q2)
            )
        if self.draft_for == q2:
            store.save_draft(sid, q2, self.draft_text, 50.0, 900.0)
        store.close()
        return sid


CASES = {
    # The plan says 100 s per answer; the bank now says 120 s: the answer keeps 100.
    "answer time as asked": (Interrupted(answer_seconds={"q1": 100, "q2": 100}), 100, 1740),
    # The track's file is gone: rebuilt from the plan, under the name it ran with.
    "track file gone": (Interrupted(track_id="weak-topics", track_name="Weak spots"), 120, 1740),
    # A draft saved for q1 while q2 is open is dropped, with its clocks.
    "draft for another question": (Interrupted(draft_for="q1"), 120, 1740),
    # A draft for the open question is kept, with its clocks.
    "draft for this question": (Interrupted(draft_for="q2"), 50, 900),
    # Killed between an answer and the next question: the next one is asked now.
    "before the next question": (Interrupted(ask_q2=False), 120, 1740),
}


@pytest.mark.parametrize("case", list(CASES))
def test_resume_is_the_same_in_the_terminal_and_the_window(
    qtbot: QtBot, tmp_path: Path, case: str
) -> None:
    interrupted, question_left, interview_left = CASES[case]
    lib = small_library(count=2, limit=0)
    t_db, w_db = tmp_path / "t.sqlite3", tmp_path / "w.sqlite3"
    t_sid, w_sid = interrupted.build(t_db, lib), interrupted.build(w_db, lib)
    last = ["More data and regularisation reduce variance."]
    t_run, text = through_terminal(lib, t_db, lambda s: s.resume(t_sid), last, scripted())
    w_run, controller = through_window(
        qtbot, lib, w_db, lambda c: c.resume_session(w_sid), last, scripted()
    )
    for run in (t_run, w_run):
        need = run.needs()[0]
        assert need.question.id == "q2"
        assert round(need.question_seconds_left) == question_left
        assert round(need.interview_seconds_left) == interview_left
        kept = interrupted.draft_for == "q2"
        assert run.drafts() == ([interrupted.draft_text] if kept else [])
    results = controller.results
    assert results is not None and results.track.name == interrupted.track_name
    (t_saved,), (w_saved,) = store_contents(t_db), store_contents(w_db)
    assert t_saved == w_saved
    assert t_saved["row"][3] == "finished"
    answer = [t for t in t_saved["turns"] if t[0] == "candidate"][-1][3]
    if interrupted.draft_for == "q2":
        assert answer == f"{interrupted.draft_text}\n{last[0]}"
        assert "Your unsent draft for this question was:" in text
    else:
        assert answer == last[0] and "unsent draft" not in text
    # The terminal shows the question it resumes on, once.
    asked = "Interviewer: Q2?" if interrupted.ask_q2 else "Interviewer: Question 2:"
    assert text.count(asked) == 1 and text.count("Interviewer:") == 2  # and the wrap-up


def test_a_question_gone_from_the_bank_cannot_resume_in_either(
    qtbot: QtBot, tmp_path: Path
) -> None:
    lib = small_library(count=2)
    sid = Interrupted().build(tmp_path / "s.sqlite3", lib)
    del lib.questions["q2"]
    store = SessionStore(tmp_path / "s.sqlite3")
    session = InterviewSession(lib, store, ThreadExecutor(), backend=scripted())
    with pytest.raises(InterviewerError, match="q2 is no longer in the question bank"):
        session.resume(sid)
    controller = Controller(lib, Settings(), SecretStore(), backend=scripted(), store=store)
    messages: list[tuple[str, str]] = []
    controller.message.connect(lambda level, text: messages.append((level, text)))
    assert not controller.resume_session(sid)
    assert messages and messages[0][0] == "error" and "q2" in messages[0][1]
    store.close()


# --------------------------------------------------------------------------- the service alone


def headless(
    lib: ContentLibrary, backend: ScriptedBackend, store: SessionStore | None = None, **kw: Any
) -> tuple[InterviewSession, ThreadExecutor, list[Event]]:
    executor = ThreadExecutor()
    session = InterviewSession(
        lib, store or SessionStore.memory(), executor, backend=backend, rng=random.Random(1), **kw
    )
    events: list[Event] = []
    session.subscribe(events.append)
    return session, executor, events


def answer_all(session: InterviewSession, executor: ThreadExecutor) -> None:
    """Answer every question as soon as it is open, until the wrap-up."""
    n = 0
    while session.phase not in (Phase.GRADING, Phase.DONE):
        assert executor.run_until(
            lambda: session.answering or session.phase in (Phase.GRADING, Phase.DONE)
        )
        if session.answering:
            assert session.submit_answer(f"{ANSWERS[n % len(ANSWERS)]} ({n})")
            n += 1


def test_gradings_run_at_most_two_at_a_time_and_all_finish() -> None:
    lock = threading.Lock()
    running, most = [0], [0]
    release = threading.Event()

    def slow_grade(request: GradeRequest) -> GradeDraft:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        release.wait(10)
        with lock:
            running[0] -= 1
        return quoting_grade(request)

    lib = small_library(count=5, limit=0)
    session, executor, events = headless(lib, scripted())
    session.backend = ScriptedBackend(default_turn=turn_text, default_grade=slow_grade)
    session.start(StartOptions("t", question_count=5, follow_ups=False, repeat=True))
    answer_all(session, executor)
    assert executor.run_until(lambda: session.phase is Phase.GRADING)
    assert session.pending_grades == 5
    assert executor.run_until(lambda: running[0] == GRADING_WORKERS)
    release.set()
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert most[0] == GRADING_WORKERS
    ready = [e for e in events if isinstance(e, GradeReady)]
    assert len(ready) == 5 and all(e.grade is not None for e in ready)
    assert [e for e in events if isinstance(e, InterviewFinished)]


def test_a_draft_is_saved_only_when_it_changed() -> None:
    store = SessionStore.memory()
    session, executor, _ = headless(small_library(), scripted(), store)
    session.start(OPTIONS)
    assert executor.run_until(lambda: session.answering)
    sid = session.session_id
    assert sid is not None
    assert session.save_draft()  # the first save of this answer writes the clocks
    assert not session.save_draft()  # nothing changed since
    session.update_draft("first words")
    assert session.save_draft()
    assert not session.save_draft()  # unchanged
    session.update_draft("first words and more")
    assert session.save_draft()
    saved = store.load_session(sid).draft
    assert saved is not None and saved.text == "first words and more"
    session.suspend()
    executor.shutdown()


def test_a_store_that_fails_is_told_once_and_the_interview_goes_on() -> None:
    store = SessionStore.memory()
    calls = [0]

    def broken_add_turn(_sid: str, _turn: Turn) -> int:
        calls[0] += 1
        raise StoreError("disk full")

    store.add_turn = broken_add_turn  # type: ignore[method-assign,assignment]
    session, executor, events = headless(small_library(), scripted(), store)
    session.start(StartOptions("t", follow_ups=False, repeat=True))
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    warnings = [e for e in events if isinstance(e, Notice) and "disk full" in e.text]
    assert len(warnings) == 1 and calls[0] > 2
    assert session.results is not None and session.results.summary.answered == 2


def test_late_results_of_a_left_interview_are_ignored() -> None:
    backend = scripted(latency=0.05)
    session, executor, events = headless(small_library(), backend)
    session.start(OPTIONS)
    assert session.waiting_for_model
    session.leave()
    assert executor.run_until(lambda: executor.idle)
    assert session.engine is None
    assert not [e for e in events if isinstance(e, (TurnAdded, AnswerNeeded))]
    executor.shutdown()


def test_every_model_call_is_handed_to_the_sessions_recorder() -> None:
    records: dict[str, list[Any]] = {}

    class Recorder:
        def __init__(self, sid: str) -> None:
            self.sid = sid

        def record(self, call: Any) -> None:
            records.setdefault(self.sid, []).append(call)

    session, executor, _ = headless(small_library(), scripted(), recorder_for=Recorder)
    session.start(OPTIONS)
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    sid = session.results.report.session_id if session.results and session.results.report else None
    assert sid is not None and list(records) == [sid]
    kinds = [getattr(c, "kind", None) for c in records[sid]]
    assert {"turn", "follow_up", "grade"} <= set(kinds)


def test_a_failed_call_in_the_terminal_says_how_to_resume(tmp_path: Path) -> None:
    from interviewer.core.errors import BackendError

    backend = scripted()
    backend.enqueue_turn(BackendError("The model is down."))
    store = SessionStore(tmp_path / "s.sqlite3")
    front = TerminalFrontEnd(
        small_library(),
        store,
        argparse.Namespace(),
        io.StringIO(""),
        io.StringIO(),
        backends=(backend, None),
    )
    with pytest.raises(InterviewerError, match=r"The model is down\..*interviewer resume"):
        front.run(lambda s: s.start(OPTIONS))
    (row,) = store.list_sessions()
    assert row.status == "in_progress"  # offered for resuming, nothing lost
    store.close()


def test_the_benchmark_script_runs_through_the_service_alone() -> None:
    from benchmarks import script

    store = SessionStore.memory()
    events: list[Event] = []
    session = script.run_session(2, store=store, on_event=events.append)
    results = session.results
    assert results is not None and results.summary.answered == 2
    assert all(r.grade is not None for r in results.records)
    # Every question got its follow-up, and the store holds what the service said.
    (row,) = store.list_sessions()
    saved = store.load_session(row.id)
    assert sum(1 for t in saved.turns if t.kind == "follow_up") == 2
    assert row.status == "finished" and len(saved.grades) == 2
    assert any(isinstance(e, InterviewFinished) for e in events)


def test_by_default_every_model_call_is_logged_in_the_store() -> None:
    store = SessionStore.memory()
    session, executor, _ = headless(small_library(), scripted(), store)
    # The last answer gets a follow-up: a grade started early (and then dropped) would
    # be logged too, or not, depending on when the decision came (test_early_grade.py).
    session.grade_early = False
    session.start(OPTIONS)
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    report = session.results.report if session.results else None
    assert report is not None and report.session_id is not None
    kinds = [c.kind for c in store.model_calls(report.session_id)]
    assert kinds.count("grade") == 2 and kinds.count("follow_up") == 2
    assert kinds.count("turn") == 3  # two questions and the wrap-up


def test_the_service_is_ui_free_and_the_controller_catches_no_sqlite3() -> None:
    import ast
    import subprocess
    import sys

    import interviewer.gui.controller as controller_module

    code = (
        "import sys, interviewer.session, interviewer.cli; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')); "
        "print(bad)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert r.stdout.strip() == "[]"
    source = Path(str(controller_module.__file__)).read_text(encoding="utf-8")
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0]
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
    }
    assert "sqlite3" not in imported and "PySide6" in imported


@pytest.mark.parametrize("draft_for", ["q1", "q2"])
def test_the_resume_offer_describes_what_a_resume_will_use(
    qtbot: QtBot, tmp_path: Path, draft_for: str
) -> None:
    from interviewer.gui.resume import describe

    lib = small_library(count=2)
    path = tmp_path / "s.sqlite3"
    sid = Interrupted(draft_for=draft_for).build(path, lib)
    with SessionStore(path) as store:
        stored = store.load_session(sid)
    text = describe(stored)
    if draft_for == "q2":  # the open question's draft, with its clock
        assert "The answer you were typing (3 words) is saved." in text
        assert "15:00 left" in text
    else:  # a draft for an answered question is not offered, nor its stale clock
        assert "typing" not in text
        assert "29:00 left" in text


# --------------------------------------------------------------------------- usage


@dataclass
class MeteredBackend(ScriptedBackend):
    """A priced model whose every call reports its own usage on its response, as an API
    does: turns and follow-ups 100 in / 10 out; each grade the usage `grade_usage` gives
    its question. Its running counter is deliberately shared with others (see the test)."""

    model: str = "gpt-4o-mini"
    grade_usage: dict[str, Usage] = field(default_factory=dict)

    @property
    def is_local(self) -> bool:
        return False

    def _response(self, result: Any, raw: str) -> ModelResponse[Any]:
        one = Usage(requests=1, prompt_tokens=100, completion_tokens=10)
        return ModelResponse(result, model=self.model, raw_reply=raw, usage=one)

    def grade(self, request: GradeRequest) -> ModelResponse[GradeDraft]:
        draft = super().grade(request).result
        one = self.grade_usage[request.question.id]
        return ModelResponse(draft, model=self.model, raw_reply="{}", usage=one)


def test_overlapping_gradings_on_one_backend_are_counted_exactly() -> None:
    both = threading.Barrier(2, timeout=10)
    backend = MeteredBackend(default_turn=turn_text, usage=Usage())

    def overlapping(request: GradeRequest) -> GradeDraft:
        both.wait()  # neither grading returns before the other has started
        # Another user of the same backend object (a connection test, the next
        # interview) moves its running counter meanwhile: none of it is this interview's.
        assert backend.usage is not None
        backend.usage.record(prompt_tokens=99_999, completion_tokens=9_999)
        return quoting_grade(request)

    backend.default_grade = overlapping
    lib = small_library(count=2, limit=0)
    backend.grade_usage = {
        "q1": Usage(requests=1, prompt_tokens=5000, cached_tokens=1000, completion_tokens=700),
        "q2": Usage(requests=2, prompt_tokens=3000, cached_tokens=0, completion_tokens=300),
    }
    store = SessionStore.memory()
    session, executor, _ = headless(lib, backend, store)
    session.start(StartOptions("t", question_count=2, follow_ups=False, repeat=True))
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    turns = len(backend.calls_of("turn"))
    assert turns == 3 and len(backend.calls_of("grade")) == 2
    usage = session.session_usage()
    assert usage is not None
    assert usage.requests == turns + 1 + 2
    assert usage.prompt_tokens == 100 * turns + 5000 + 3000
    assert usage.cached_tokens == 1000
    assert usage.completion_tokens == 10 * turns + 700 + 300
    # gpt-4o-mini: 0.15 $/M input, 0.075 $/M cached, 0.60 $/M output
    prompt = 100 * turns + 5000 + 3000
    expected = ((prompt - 1000) * 0.15 + 1000 * 0.075 + (10 * turns + 1000) * 0.60) / 1e6
    assert usage.estimated_cost_usd == pytest.approx(expected)
    report = session.results.report if session.results else None
    assert report is not None
    data = json.loads(report.model_dump_json())["usage"]
    assert (data["requests"], data["prompt_tokens"], data["completion_tokens"]) == (
        turns + 3,
        prompt,
        10 * turns + 1000,
    )
    # Each grade's own usage is in the call log too, with its question.
    sid = report.session_id or ""
    logged = {c.question_id: c.usage for c in store.model_calls(sid, "grade")}
    assert logged["q1"]["prompt_tokens"] == 5000 and logged["q2"]["prompt_tokens"] == 3000


def test_a_backend_swapped_mid_interview_is_counted() -> None:
    first = MeteredBackend(default_turn=turn_text, default_grade=quoting_grade)
    second = MeteredBackend(
        default_turn=turn_text, default_grade=quoting_grade, model="my-own-model"
    )
    lib = small_library(count=2, limit=0)
    first.grade_usage = second.grade_usage = {
        q: Usage(requests=1, prompt_tokens=1000, completion_tokens=100) for q in ("q1", "q2")
    }
    session, executor, _ = headless(lib, first)
    session.start(StartOptions("t", question_count=2, follow_ups=False, repeat=True))
    assert executor.run_until(lambda: session.answering)
    session.backend = second  # Settings changed it: from the next call on
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    usage = session.session_usage()
    assert usage is not None
    calls = len(first.calls) + len(second.calls)
    assert len(first.calls) == 1 and usage.requests == calls
    assert usage.model == "gpt-4o-mini, my-own-model"
    assert usage.estimated_cost_usd is None  # my-own-model has no price


def test_a_resumed_interview_keeps_the_usage_spent_before(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite3"
    lib = small_library(count=2, limit=0)
    usage = {q: Usage(requests=1, prompt_tokens=1000, completion_tokens=100) for q in ("q1", "q2")}
    backend = MeteredBackend(default_turn=turn_text, default_grade=quoting_grade, grade_usage=usage)
    store = SessionStore(path)
    session, executor, _ = headless(lib, backend, store)
    session.start(StartOptions("t", question_count=2, follow_ups=False, repeat=True))
    assert executor.run_until(lambda: session.answering)
    assert session.submit_answer(ANSWERS[0])
    assert executor.run_until(lambda: session.answering and session.pending_grades == 0)
    before = session.session_usage()
    sid = session.session_id
    assert before is not None and sid is not None and before.requests == 3  # 2 turns, 1 grade
    session.abandon()  # killed
    executor.shutdown()
    store.close()

    again = MeteredBackend(default_turn=turn_text, default_grade=quoting_grade, grade_usage=usage)
    store = SessionStore(path)
    session, executor, _ = headless(lib, again, store)
    session.resume(sid)
    answer_all(session, executor)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    after = session.results.report.usage if session.results and session.results.report else None
    assert after is not None
    assert after.requests == before.requests + len(again.calls)
    assert after.prompt_tokens == before.prompt_tokens + 1000 * len(
        again.calls_of("grade")
    ) + 100 * len(again.calls_of("turn"))
    store.close()
