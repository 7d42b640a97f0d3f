"""The command line: the same engine and backends as the app, driven from a terminal.

`interviewer` with no arguments opens the desktop app; the subcommands list content,
run a whole timed interview in the terminal (answers from stdin, so it can be scripted
through a pipe) and grade single answers.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import json
import os
import select
import shlex
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from interviewer import __version__
from interviewer.core.content import ContentLibrary
from interviewer.core.engine import NeedAnswer, Phase, QuestionRecord
from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade, Turn
from interviewer.core.requests import GradeRequest
from interviewer.core.summary import SessionSummary
from interviewer.export import check_report_path, write_report
from interviewer.export.view import score_note
from interviewer.llm import service
from interviewer.llm.base import Backend
from interviewer.llm.factory import make_backend
from interviewer.llm.offline import OfflineCoach
from interviewer.session import (
    GRADING_WORKERS,
    AnswerNeeded,
    CallFailed,
    DraftRestored,
    Event,
    InterviewSession,
    Notice,
    Results,
    Started,
    StartOptions,
    StreamReset,
    TextDelta,
    ThreadExecutor,
    TurnAdded,
)
from interviewer.storage import store as store_module
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings
from interviewer.storage.store import SessionStore, StoreError
from interviewer.textsafety import terminal_streams, terminal_writer

END_MARK = "."
#: Exit status of `practice` and `resume` when something typed could not be saved to disk.
EXIT_UNSAVED = 3
#: Items per list in the terminal summary; the full lists go into the report.
LIST_LIMIT = 3
__all__ = ["GRADING_WORKERS", "AnswerReader", "TerminalFrontEnd", "build_parser", "main"]

EPILOG = """\
examples:
  interviewer                                  open the desktop app
  interviewer tracks
  interviewer practice --track ml-technical --backend offline
  printf 'my answer\\n.\\n' | interviewer practice --track ml-full-loop --questions 2
  interviewer practice --track ml-technical --report report.html
  interviewer grade --question tech-bias-variance --answer "High bias means ..." --json
  interviewer sessions                         past and interrupted sessions
  interviewer progress                         scores over time, weakest topics
  interviewer resume SESSION_ID                carry on where an interview stopped
  interviewer report SESSION_ID -o report.pdf  report of a finished session
  interviewer calls SESSION_ID --json          the model calls a session made
  interviewer regrade SESSION_ID --backend offline   its answers graded again

answers: type your answer, then a line holding only '.' to submit it. End of input
(Ctrl+D) ends the interview early and still prints the graded summary.

environment:
  OPENAI_API_KEY     key for the OpenAI backend (or save one in the app's Settings)
  INTERVIEWER_HOME   root folder for every file the app reads or writes
"""


# --------------------------------------------------------------------------- helpers


def _library() -> ContentLibrary:
    lib = load_library(app_paths().content_dir)
    for err in lib.errors:
        print(f"warning: skipped broken content: {err}", file=sys.stderr)
    return lib


def _backend(args: argparse.Namespace) -> tuple[Backend, OfflineCoach]:
    paths = app_paths()
    try:
        settings = load_settings(paths.settings_file)
    except InterviewerError as err:
        # The interview matters more than the settings file: say so and use defaults.
        print(f"warning: {err} Using the default settings for now.", file=sys.stderr)
        settings = Settings()
    choice = make_backend(
        settings,
        SecretStore(),
        backend=getattr(args, "backend", None),
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
    )
    if choice.notice:
        print(f"note: {choice.notice}", file=sys.stderr)
    return choice.backend, OfflineCoach()


def _clock_text(seconds: float) -> str:
    seconds = max(0, int(seconds + 0.5))
    return f"{seconds // 60}:{seconds % 60:02d}"


#: Input is read from the file descriptor in pieces of at most this many bytes.
READ_CHUNK = 65536
#: The answer being typed is saved at most this often (and when input pauses, and on
#: submit): a long paste is not re-saved line by line.
DRAFT_SAVE_SECONDS = 2.0


class AnswerReader:
    """Reads answers line by line; stops at a '.' line, at end of input or at a deadline.

    Where select() works on the input (a terminal or a pipe on POSIX), the raw file
    descriptor is read into our own buffer in pieces of READ_CHUNK bytes, so the deadline
    is honoured while the candidate is typing and whatever was written so far, even half
    a line, is submitted and never dropped. (Mixing select() with Python's buffered
    readline() would hang on input that arrives several lines at a time.) Lines are cut
    from the current piece by position and a long line is kept as a list of pieces, so
    a multi-megabyte paste is read in time linear in its size.
    """

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.eof = False
        self._buffer = ""  # the piece being cut into lines
        self._pos = 0  # where its unread text starts
        self._partial: list[str] = []  # a line that has not ended yet, in pieces
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        try:
            self._fd: int | None = stream.fileno()
            select.select([self._fd], [], [], 0)
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            self._fd = None

    def _take_partial(self) -> str:
        rest = "".join(self._partial) + self._buffer[self._pos :]
        self._partial, self._buffer, self._pos = [], "", 0
        return rest.rstrip("\r")

    def _next_line(
        self, seconds_left: Callable[[], float], on_idle: Callable[[], None] | None = None
    ) -> str | None:
        """A line without its newline; None at a deadline; "" plus eof at end of input.
        `on_idle` is called while no input arrives."""
        if self._fd is None:
            line = self.stream.readline()
            if not line:
                self.eof = True
            return line.rstrip("\r\n") if line else ""
        while True:
            end = self._buffer.find("\n", self._pos)
            if end >= 0:
                piece = self._buffer[self._pos : end]
                self._pos = end + 1
                if self._partial:
                    self._partial.append(piece)
                    piece = "".join(self._partial)
                    self._partial = []
                return piece.rstrip("\r")
            if self._pos < len(self._buffer):
                self._partial.append(self._buffer[self._pos :])
            self._buffer, self._pos = "", 0
            if self.eof:
                return self._take_partial()
            remaining = seconds_left()
            if remaining <= 0:
                return None
            ready, _, _ = select.select([self._fd], [], [], min(remaining, 1.0))
            if not ready:
                if on_idle is not None:
                    on_idle()
                continue
            chunk = os.read(self._fd, READ_CHUNK)
            if not chunk:
                self.eof = True
                self._buffer = self._decoder.decode(b"", final=True)
            else:
                self._buffer = self._decoder.decode(chunk)

    def read(
        self,
        seconds_left: Callable[[], float],
        on_line: Callable[[str], None] | None = None,
        *,
        every: float = DRAFT_SAVE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> tuple[str, bool]:
        """Returns (text, timed_out). `on_line` gets the text so far (to save it as a
        draft): after the first line, then at most every `every` seconds while lines
        come, and when the input pauses; never once per line of a paste."""
        lines: list[str] = []
        saved_at: float | None = None
        dirty = False

        def save() -> None:
            nonlocal saved_at, dirty
            if on_line is not None and dirty:
                on_line("\n".join(lines))
                saved_at, dirty = clock(), False

        while True:
            line = self._next_line(seconds_left, save)
            if line is None:
                # Time is up: keep the half-typed line too.
                partial = self._take_partial()
                if partial:
                    lines.append(partial)
                return "\n".join(lines), True
            if line.strip() == END_MARK:
                return "\n".join(lines), False
            if self.eof and not line:
                return "\n".join(lines), False
            lines.append(line)
            dirty = True
            if saved_at is None or clock() - saved_at >= every:
                save()
            if self.eof and not self._partial and self._pos >= len(self._buffer):
                return "\n".join(lines), False


# --------------------------------------------------------------------------- commands


def cmd_tracks(args: argparse.Namespace) -> int:
    lib = _library()
    tracks = sorted(lib.tracks.values(), key=lambda t: t.id)
    if args.json:
        data = [
            {
                "id": t.id,
                "name": t.name,
                "description": t.description,
                "categories": list(t.categories),
                "duration_minutes": t.duration_minutes,
                "question_count": t.question_count,
                "difficulty": t.difficulty,
                "follow_up_limit": t.follow_up_limit,
                "available_questions": len(lib.questions_for(t)),
            }
            for t in tracks
        ]
        print(json.dumps(data, indent=2))
        return 0
    for t in tracks:
        cats = ", ".join(c.replace("_", " ") for c in t.categories)
        print(f"{t.id:<16} {t.name}")
        print(f"{'':<16} {t.question_count} questions · {t.duration_minutes} min · {cats}")
        print(f"{'':<16} {t.description}\n")
    return 0


def cmd_questions(args: argparse.Namespace) -> int:
    lib = _library()
    if args.track:
        questions = lib.questions_for(lib.track(args.track))
    else:
        questions = sorted(lib.questions.values(), key=lambda q: (q.category, q.id))
    if args.json:
        data = [
            {
                "id": q.id,
                "category": q.category,
                "text": q.text,
                "rubric": q.rubric,
                "topics": list(q.topics),
                "difficulty": q.difficulty,
                "answer_seconds": q.answer_seconds,
            }
            for q in questions
        ]
        print(json.dumps(data, indent=2))
        return 0
    for q in questions:
        print(f"{q.id:<28} [{q.category}, {q.difficulty}] {q.text}")
    return 0


def _print_grade(grade: Grade, lib: ContentLibrary, out: IO[str]) -> None:
    rubric = lib.rubrics.get(grade.rubric_id)
    print(f"  score {grade.overall_score:.0f}/100  (graded by {grade.backend})", file=out)
    if grade.flags:
        print(f"  flags: {', '.join(grade.flags)}", file=out)
    for c in grade.criteria:
        name = c.criterion_id
        if rubric is not None:
            with contextlib.suppress(KeyError):
                name = rubric.criterion(c.criterion_id).name
        print(f"  - {name}: {c.score}/5", file=out)
        for quote in c.evidence[:2]:
            print(f'      "{quote}"', file=out)
    for star in grade.star:
        print(f"  STAR {star.component}: {star.status}", file=out)
    for title, items in (
        ("strengths", grade.strengths),
        ("to improve", grade.improvements),
        ("missed key points", grade.missing_key_points),
    ):
        if items:
            print(f"  {title}:", file=out)
            for item in items[:LIST_LIMIT]:
                print(f"    * {item}", file=out)
            if len(items) > LIST_LIMIT:
                print(f"    (+{len(items) - LIST_LIMIT} more in the report)", file=out)
    if grade.summary:
        print(f"  {grade.summary}", file=out)


def _print_summary(
    records: Sequence[QuestionRecord], summary: SessionSummary, lib: ContentLibrary, out: IO[str]
) -> None:
    print("\n" + "=" * 60, file=out)
    print("Graded summary", file=out)
    print("=" * 60, file=out)
    for rec, res in zip(records, summary.questions, strict=True):
        if res.status == "unasked":
            continue
        print(f"\n{rec.question.text}", file=out)
        if rec.grade is not None:
            _print_grade(rec.grade, lib, out)
        elif res.status == "skipped":
            print("  skipped (counts as 0)", file=out)
        else:
            print(f"  not graded: {rec.grade_error or 'grading did not finish'}", file=out)
    print("", file=out)
    if summary.overall_score is None:
        print("Overall: no answers were graded.", file=out)
    else:
        print(f"Overall score: {summary.overall_score:.0f}/100", file=out)
        for cat, score in summary.per_category.items():
            print(f"  {cat.replace('_', ' ')}: {score:.0f}/100", file=out)
        print(f"Signal: {summary.signal}. {summary.signal_reason}", file=out)
        note = score_note(summary)
        if note:
            print(note, file=out)
    print(
        f"Answered {summary.answered}, skipped {summary.skipped}, not reached {summary.unasked}.",
        file=out,
    )


def _open_store(read_only: bool = False) -> SessionStore:
    """The user's database; `read_only` commands read the file even when it refuses
    writes (a full disk, a lock) and never write to it."""
    store = SessionStore.open(app_paths().database, read_only=read_only)
    if store.notice:
        print(f"warning: {store.notice}", file=sys.stderr)
    return store


class TerminalFrontEnd:
    """The terminal's adapter of `InterviewSession`: prints its events, reads answers.

    The session runs the model calls on a plain thread pool (`ThreadExecutor`); this loop
    is the session's owner thread: it waits for the next outcome with `run_pending`, and
    when an answer is needed it reads one from the input (with the engine's deadline) and
    hands it back. Everything else (saving, grading, resume rules, the report) is the
    session's, exactly as in the window.
    """

    def __init__(
        self,
        lib: ContentLibrary,
        store: SessionStore,
        args: argparse.Namespace,
        stdin: IO[str] | None,
        out: IO[str] | None,
        *,
        backends: tuple[Backend, Backend | None] | None = None,
    ) -> None:
        """`backends` (the model and its offline stand-in) replace the ones the settings
        and `args` choose; tests and benchmarks pass their own."""
        self.lib = lib
        # Model text and the candidate's own quotes are shown, never obeyed (textsafety).
        self.out = terminal_writer(out or sys.stdout)
        self.reader = AnswerReader(stdin or sys.stdin)
        backend, offline = backends if backends is not None else _backend(args)
        self.executor = ThreadExecutor()
        self.session = InterviewSession(
            lib, store, self.executor, backend=backend, offline=offline, front_end="terminal"
        )
        self.session.subscribe(self._on_event)
        self._pending: NeedAnswer | None = None
        self._failure = ""
        self._streaming = False
        self._resumed = False
        self._told_grading = False

    # ------------------------------------------------------------------ events

    def _on_event(self, event: Event) -> None:
        out = self.out
        if isinstance(event, TextDelta):
            self._resumed = False  # the question is being asked now: no need to repeat it
            if not self._streaming:
                print("Interviewer: ", end="", file=out)
                self._streaming = True
            out.write(event.text)
            out.flush()
        elif isinstance(event, TurnAdded):
            turn = event.turn
            if event.restored or turn.role != "interviewer":
                return
            self._resumed = False
            if self._streaming:
                self._end_stream()
            elif turn.kind == "follow_up" or turn.text:
                print(f"Interviewer: {turn.text}\n", file=out)
        elif isinstance(event, StreamReset):
            if self._streaming:
                # A terminal cannot take printed text back: mark it as not part of it.
                out.write(" [discarded: not part of the interview]")
                self._end_stream()
        elif isinstance(event, AnswerNeeded):
            if self._resumed:
                # Resumed: show the question the answer is for before its draft.
                self._resumed = False
                print(f"Interviewer: {event.need.prompt}\n", file=out)
            self._pending = event.need
        elif isinstance(event, DraftRestored):
            print("Your unsent draft for this question was:\n" + event.text, file=out)
            print("(It is kept: whatever you type now is added after it.)\n", file=out)
        elif isinstance(event, Started):
            self._header(resumed=event.resumed)
        elif isinstance(event, Notice):
            if event.source == "model":
                print(f"\nnote: {event.text}", file=sys.stderr)
            elif event.source == "store" and event.level == "info":
                print(f"note: {event.text}", file=sys.stderr)  # e.g. written back to disk
            else:
                print(
                    f"{'error' if event.level == 'error' else 'warning'}: {event.text}",
                    file=sys.stderr,
                )
        elif isinstance(event, CallFailed):
            self._failure = event.text

    def _end_stream(self) -> None:
        print("\n", file=self.out)
        self.out.flush()
        self._streaming = False

    def _header(self, *, resumed: bool) -> None:
        session, out = self.session, self.out
        engine = session.engine
        assert engine is not None
        sid = session.session_id
        print(
            f"{engine.track.name} · {len(engine.records)} question(s) · "
            f"{_clock_text(engine.interview_seconds_left())} · {session.backend.label} · "
            f"session {sid or '(not saved)'}",
            file=out,
        )
        later = f" Resume later with `interviewer resume {sid}`." if sid else ""
        print(
            f"Type each answer, then a line with only '{END_MARK}' to submit. "
            f"Ctrl+D ends the interview.{later}\n",
            file=out,
        )
        self._resumed = resumed

    # ------------------------------------------------------------------ the loop

    def run(self, begin: Callable[[InterviewSession], None]) -> Results:
        """Start (or resume) with `begin`, then drive the interview to its report."""
        session = self.session
        try:
            begin(session)
            while session.results is None:
                if self._failure:
                    sid = session.session_id
                    again = (
                        f" It is saved: carry on with `interviewer resume {sid}`." if sid else ""
                    )
                    raise InterviewerError(f"{self._failure}{again}")
                if self._pending is not None:
                    need, self._pending = self._pending, None
                    self._answer(need)
                    continue
                if session.phase is Phase.GRADING and not self._told_grading:
                    self._told_grading = True
                    print(f"Grading {session.pending_grades} answer(s)...", file=self.out)
                    self.out.flush()
                if self.executor.idle:  # pragma: no cover - a bug, not a user's mistake
                    raise InterviewerError(
                        f"The interview stopped in phase {session.phase}: nothing is running."
                    )
                self.executor.run_pending(None)
        except KeyboardInterrupt:
            # Ctrl+C: keep the draft and clocks, and say how to carry on (main() prints it).
            sid = session.session_id  # before suspend(), which lets the session go
            on_disk = not session.store.in_memory
            session.suspend()
            if sid and on_disk:
                raise KeyboardInterrupt(
                    f"Your answers so far are saved: carry on with `interviewer resume {sid}`."
                ) from None
            if sid:  # the storage verdict that follows says what reached the disk
                raise KeyboardInterrupt(
                    f"If session {sid} reached the disk (see above), carry on with "
                    f"`interviewer resume {sid}`."
                ) from None
            raise
        except BaseException:
            # Interrupted (a failed call): keep the draft and clocks for `resume`.
            session.suspend()
            raise
        finally:
            self.executor.shutdown(wait=False)
        return session.results

    def _answer(self, need: NeedAnswer) -> None:
        session, out, reader = self.session, self.out, self.reader
        engine = session.engine
        assert engine is not None
        if reader.eof:
            session.end_early()
            return
        print(
            f"[{_clock_text(need.question_seconds_left)} for this answer · "
            f"{_clock_text(need.interview_seconds_left)} left in the interview]",
            file=out,
        )
        out.flush()  # the question and its clocks are on screen before the wait for input
        prefix = engine.draft
        saving = 0.0  # seconds spent saving drafts: given back to the reader's deadline

        def on_line(so_far: str) -> None:
            nonlocal saving
            began = time.monotonic()
            session.update_draft(_join(prefix, so_far))
            session.save_draft()
            self.executor.run_pending()  # gradings finished meanwhile are saved now
            saving += time.monotonic() - began

        text, timed_out = reader.read(
            lambda: min(engine.question_seconds_left(), engine.interview_seconds_left()) + saving,
            on_line=on_line,
        )
        text = _join(prefix, text)
        session.update_draft(text)
        if reader.eof and not text.strip():
            print("\n(end of input: ending the interview)", file=out)
            session.end_early()
        elif timed_out or (
            # The same deadline the reader kept: the clock, plus the time spent saving.
            session.time_is_up()
            and min(engine.question_seconds_left(), engine.interview_seconds_left()) + saving <= 0
        ):
            print("\n(time is up: your answer was submitted as written)", file=out)
            session.submit_answer(text, timed_out=True)
        else:
            session.submit_answer(text)
            if reader.eof:
                session.end_early()
        print("", file=out)


def _practice_options(args: argparse.Namespace, track_id: str) -> StartOptions:
    return StartOptions(
        track_id,
        question_count=args.questions,
        minutes=args.minutes,
        difficulty=args.difficulty,
        follow_ups=not args.no_follow_ups,
        repeat=args.repeat,
    )


def cmd_practice(
    args: argparse.Namespace, stdin: IO[str] | None = None, out: IO[str] | None = None
) -> int:
    lib = _library()
    track = lib.track(args.track)
    if args.questions is not None and args.questions < 1:
        raise InterviewerError("--questions must be at least 1.")
    _check_report(args.report)
    store = _open_store()
    front = TerminalFrontEnd(lib, store, args, stdin, out)
    options = _practice_options(args, track.id)
    return _run_to_end(front, lambda session: session.start(options), args)


def cmd_resume(
    args: argparse.Namespace, stdin: IO[str] | None = None, out: IO[str] | None = None
) -> int:
    lib = _library()
    store = _open_store()
    stored = store.load_session(args.session_id)
    if stored.row.status == "finished":
        raise InterviewerError(
            f"Session {args.session_id} is already finished; see its report with "
            f"`interviewer report {args.session_id} -o report.md`."
        )
    _check_report(args.report)
    front = TerminalFrontEnd(lib, store, args, stdin, out)
    problem = front.session.resume_problem(stored)
    if problem:
        raise InterviewerError(problem)
    return _run_to_end(front, lambda session: session.resume(args.session_id), args)


def _run_to_end(
    front: TerminalFrontEnd, begin: Callable[[InterviewSession], None], args: argparse.Namespace
) -> int:
    """Run the interview and its summary, then say whether everything reached the disk."""
    try:
        code = _conclude(front, front.run(begin), args)
    except BaseException:
        _storage_verdict(front, args)
        raise
    return code if _storage_verdict(front, args) else EXIT_UNSAVED


def _storage_verdict(front: TerminalFrontEnd, args: argparse.Namespace) -> bool:
    """Write back what the store kept in memory; if it cannot, say what was kept where.

    Told at the end as well as when it happened: the warning mid-interview has long
    scrolled away. Returns whether everything typed is on disk.
    """
    session = front.session
    store, sid = session.store, session.session_id
    if sid is None or not store.in_memory:
        return True
    had = store.unsaved
    # A lock held by another program may go any moment: give it the retry budget.
    if store.flush(wait=store_module.RETRY_SECONDS):
        if had:
            print(f"note: {store.notice}", file=sys.stderr)
        return True
    where = store.path or app_paths().database
    if store.unsaved:
        lost = (
            f"{store.unsaved} change{'s' if store.unsaved != 1 else ''} to session {sid} "
            f"(answers, drafts, grades or its report) could not be written to {where}"
        )
    else:
        lost = f"Session {sid} could not be saved to {where} at all"
    report = getattr(args, "report", None)
    kept = (
        f"The report written to {report} and the summary above hold what was kept."
        if report and Path(report).exists()
        else "The summary above is all that is kept; next time pass --report FILE to "
        "keep a copy elsewhere."
    )
    print(
        f"warning: {lost}. They were kept in memory only and are lost when this program "
        f"ends. {kept} ({store.notice})",
        file=sys.stderr,
    )
    return False


def _conclude(front: TerminalFrontEnd, results: Results, args: argparse.Namespace) -> int:
    """The graded summary, the usage line and the report file."""
    report, out = results.report, front.out
    assert report is not None
    _print_summary(results.records, report.summary, front.lib, out)
    if report.usage is not None:
        print(report.usage.line(), file=out)
    if args.report:
        path = write_report(report, Path(args.report))
        print(f"\nReport written to {path}", file=out)
    return 0


def _check_report(path: str | None) -> None:
    """Fail before the interview, not after forty minutes of answers."""
    if path:
        check_report_path(Path(path))


def _join(prefix: str, text: str) -> str:
    if prefix and text:
        return f"{prefix}\n{text}"
    return prefix or text


def cmd_sessions(args: argparse.Namespace) -> int:
    """Past and interrupted sessions, with the History screen's summary line."""
    from interviewer import commands_progress

    store = _open_store(read_only=True)
    rows = store.list_sessions()
    commands_progress.write_sessions(rows, args.json, sys.stdout)
    if not args.json:
        for r in rows:
            if r.damaged:
                print(f"damaged: session {r.id}: {r.damaged}.", file=sys.stdout)
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    _check_report(args.output)
    store = _open_store(read_only=True)
    row = store.get_session(args.session_id)
    if row is None:
        raise InterviewerError(
            f"No session {args.session_id!r}. See `interviewer sessions` for the ids."
        )
    try:
        report = store.get_report(args.session_id)
    except StoreError as err:
        kept = f" ({row.damaged})" if row.damaged else ""
        raise InterviewerError(
            f"{err} Session {args.session_id}{kept} stays in the database; the other "
            "sessions are not affected."
        ) from err
    if report is None:
        raise InterviewerError(
            f"Session {args.session_id} is not finished ({row.status}); resume it with "
            f"`interviewer resume {args.session_id}` to get a report."
        )
    path = write_report(report, Path(args.output))
    print(f"Report written to {path}")
    return 0


def cmd_grade(args: argparse.Namespace) -> int:
    lib = _library()
    question = lib.question(args.question)
    if args.answer_file:
        try:
            with open(args.answer_file, encoding="utf-8", errors="replace") as fh:
                answer = fh.read()
        except OSError as exc:
            raise InterviewerError(
                f"Cannot read {args.answer_file}: {exc.strerror or exc}"
            ) from None
    else:
        answer = args.answer
    backend, offline = _backend(args)
    request = GradeRequest(
        request_id=1,
        question=question,
        rubric=lib.rubric_for(question),
        exchange=(
            Turn(role="interviewer", kind="question", text=question.text, question_id=question.id),
            Turn(
                role="candidate",
                kind="answer",
                text=answer,
                question_id=question.id,
                seconds=args.seconds,
            ),
        ),
        answer_seconds=args.seconds or 0.0,
    )
    grade = service.grade(backend, request, offline)
    if args.json:
        print(json.dumps(_grade_json(grade), indent=2))
    else:
        print(question.text)
        _print_grade(grade, lib, sys.stdout)
    return 0


def _grade_json(grade: Grade) -> dict[str, Any]:
    data = grade.model_dump(mode="json")
    data["criteria"] = [
        {"id": c.criterion_id, "score": c.score, "evidence": c.evidence, "reasoning": c.reasoning}
        for c in grade.criteria
    ]
    return data


def display_problem(
    environ: dict[str, str] | None = None,
    platform: str | None = None,
    missing: Callable[[str], list[str]] | None = None,
) -> str:
    """Why Qt could not open a window here, or "" when it can.

    Qt aborts the whole process (no exception to catch) when it finds no display or its
    xcb plugin cannot load, and its hint names one library, often not the missing one.
    So ask the dynamic loader about Qt's own files first and name every library it
    cannot find, with the command that installs them. `missing` maps a platform
    ("xcb", "offscreen") to the sonames not found; tests pass their own.
    """
    env = os.environ if environ is None else environ
    platform = platform or sys.platform
    if not platform.startswith("linux") or getattr(sys, "frozen", False):
        return ""  # a frozen bundle ships its own copies of these libraries
    forced = env.get("QT_QPA_PLATFORM", "")
    if not forced and not env.get("DISPLAY") and not env.get("WAYLAND_DISPLAY"):
        return (
            "No graphical display was found (DISPLAY and WAYLAND_DISPLAY are not set), so "
            "the desktop app cannot open a window here. Run an interview in the terminal "
            "instead:\n  interviewer practice --track ml-technical\n"
            "or start the app inside a desktop session (or under xvfb-run)."
        )
    if forced:
        plugin = forced.split(":")[0]
    else:
        plugin = "wayland" if env.get("WAYLAND_DISPLAY") and not env.get("DISPLAY") else "xcb"
    sonames = (missing or _missing_qt_libraries)(plugin)
    if not sonames:
        return ""
    from interviewer import syslibs

    result = syslibs.Check(family=syslibs.distro_family(), missing_libraries=sonames)
    result.packages = syslibs.packages_for(result)
    cmd = syslibs.install_command(result.family, result.packages, root=os.geteuid() == 0)
    how = (
        f"Install them with:\n  {shlex.join(cmd)}\nthen start the app again."
        if cmd
        else "Install the packages that provide them with your system's package manager, "
        "then start the app again."
    )
    return (
        f"Qt cannot open a window: {len(sonames)} system "
        f"librar{'y is' if len(sonames) == 1 else 'ies are'} missing: "
        f"{', '.join(sonames)}.\n{how}\n"
        "(./run.sh installs them for you when it can.) Meanwhile the terminal works:\n"
        "  interviewer practice --track ml-technical"
    )


def _missing_qt_libraries(plugin: str) -> list[str]:
    """Sonames the loader cannot find for Qt's modules and the given platform plugin."""
    from interviewer import syslibs

    base = syslibs.pyside_dir()
    if base is None:
        return []
    files = [base / name for name in ("QtCore.abi3.so", "QtGui.abi3.so", "QtWidgets.abi3.so")]
    files.append(base / "Qt" / "plugins" / "platforms" / f"libq{plugin}.so")
    libs, _problem = syslibs.missing_libraries(files)
    return libs


def cmd_gui(args: argparse.Namespace) -> int:
    problem = display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from interviewer.gui.app import run

    return int(run(args))


def cmd_screenshots(args: argparse.Namespace) -> int:
    """Render every main screen offscreen with the scripted backend (for the README)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from interviewer.gui.screenshots import render_all

    for path in render_all(Path(args.dir)):
        print(path)
    return 0


# --------------------------------------------------------------------------- parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interviewer",
        description="Timed, rubric-graded mock interviews for Machine Learning Engineer roles. "
        "With no command, opens the desktop app.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"interviewer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("tracks", help="list the interview tracks")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_tracks)

    p = sub.add_parser("questions", help="list the question bank")
    p.add_argument("--track", metavar="ID", help="only the questions this track can ask")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_questions)

    def backend_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--backend",
            choices=["offline", "openai"],
            help="offline: the built-in coach, no network; openai: OpenAI or any "
            "OpenAI-compatible server (default: from settings; offline without a key or server)",
        )
        p.add_argument("--model", metavar="M", help="model name (default: from settings)")
        p.add_argument(
            "--base-url",
            metavar="URL",
            help="OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 for Ollama",
        )

    p = sub.add_parser(
        "practice",
        help="run a timed interview in the terminal",
        description="Run a complete timed interview in the terminal. Answers come from stdin; "
        "end each with a line holding only '.'. End of input ends the interview early "
        "and still prints the graded summary.",
    )
    p.add_argument(
        "--track", required=True, metavar="ID", help="track id (see `interviewer tracks`)"
    )
    p.add_argument(
        "--questions", type=int, metavar="N", help="number of questions (default: the track's)"
    )
    p.add_argument("--no-follow-ups", action="store_true", help="never ask follow-up questions")
    p.add_argument(
        "--difficulty",
        choices=["easy", "medium", "hard", "mixed"],
        help="prefer questions of this level",
    )
    p.add_argument(
        "--minutes", type=float, metavar="M", help="interview length (default: the track's)"
    )
    p.add_argument(
        "--repeat",
        action="store_true",
        help="pick questions at random, including ones already practised (by default, "
        "questions not practised yet come first, then the ones scored lowest)",
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help="write the report at the end; format from the extension (.md, .html, .pdf, .json)",
    )
    backend_options(p)
    p.set_defaults(func=cmd_practice)

    p = sub.add_parser(
        "resume",
        help="resume an interrupted interview where it stopped",
        description="Resume an interrupted interview: the same questions, the saved "
        "draft and the time left on both clocks.",
    )
    p.add_argument("session_id", metavar="SESSION_ID", help="see `interviewer sessions`")
    p.add_argument(
        "--report", metavar="FILE", help="write the report at the end (.md/.html/.pdf/.json)"
    )
    backend_options(p)
    p.set_defaults(func=cmd_resume)

    p = sub.add_parser("sessions", help="list past and interrupted sessions")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=cmd_sessions)

    from interviewer import commands_progress

    commands_progress.register(sub)

    p = sub.add_parser("report", help="write the report of a finished session")
    p.add_argument("session_id", metavar="SESSION_ID", help="see `interviewer sessions`")
    p.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="FILE",
        help="report file: .md, .html, .pdf or .json",
    )
    p.set_defaults(func=cmd_report)

    from interviewer import commands_calls

    p = sub.add_parser(
        "calls",
        help="the model calls a session made (prompts, raw replies, usage, timing)",
        description="List every backend call a session made, oldest first: kind, model, "
        "structured-output mode, usage, latency, raw reply and error.",
    )
    p.add_argument("session_id", metavar="SESSION_ID", help="see `interviewer sessions`")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=lambda a: commands_calls.cmd_calls(a))

    p = sub.add_parser(
        "regrade",
        help="grade a session's answers again, e.g. with another backend",
        description="Re-run each answered question's grade from its logged request (or "
        "from the transcript for older sessions) and print the old and new overall score.",
    )
    p.add_argument("session_id", metavar="SESSION_ID", help="see `interviewer sessions`")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    backend_options(p)
    p.set_defaults(func=lambda a: commands_calls.cmd_regrade(a))

    p = sub.add_parser("grade", help="grade one answer to one question")
    p.add_argument(
        "--question", required=True, metavar="ID", help="question id (see `interviewer questions`)"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer-file", metavar="FILE", help="read the answer from FILE")
    src.add_argument("--answer", metavar="TEXT", help="the answer text")
    p.add_argument(
        "--seconds", type=float, default=0.0, help="seconds the answer took (for delivery metrics)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    backend_options(p)
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("screenshots", help="render every main screen to PNG files in DIR")
    p.add_argument("dir", metavar="DIR", help="folder for the PNG files (created if needed)")
    p.set_defaults(func=cmd_screenshots)

    p = sub.add_parser("gui", help="open the desktop app (the default)")
    p.set_defaults(func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command. Whatever it prints (model replies, answers, file names from the
    user's content) passes the terminal sanitiser: escape sequences are shown, not obeyed."""
    with terminal_streams():
        return _run_command(argv)


def _run_command(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", cmd_gui)
    try:
        return int(func(args))
    except InterviewerError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as interrupt:
        hint = str(interrupt)  # how to resume, when an interview was interrupted
        print(f"\ninterrupted{'. ' + hint if hint else ''}", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # Output piped into e.g. `head`: exit quietly like other command-line tools.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
