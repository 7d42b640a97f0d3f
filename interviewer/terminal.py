"""The terminal front end: reads answers, prints an interview's events and its summary.

The adapter of `InterviewSession` for a terminal (`cli.py` parses the arguments and
calls into this). Every string printed here goes through the text sanitiser the
command line installs on its streams.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import io
import os
import select
import sys
import time
from collections.abc import Callable, Sequence
from typing import IO

from interviewer.core.content import ContentLibrary
from interviewer.core.engine import NeedAnswer, Phase, QuestionRecord
from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade
from interviewer.core.summary import SessionSummary
from interviewer.export.view import UNCERTAIN, UNCERTAIN_NOTE, score_note
from interviewer.llm.base import Backend
from interviewer.llm.factory import make_backend, make_grader
from interviewer.llm.offline import OfflineCoach
from interviewer.session import (
    AnswerNeeded,
    CallFailed,
    DraftRestored,
    Event,
    GradeReady,
    GradeWorking,
    GradingEstimate,
    InterviewSession,
    Notice,
    Results,
    Started,
    StreamReset,
    TextDelta,
    ThreadExecutor,
    TurnAdded,
)
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings
from interviewer.storage.store import SessionStore
from interviewer.textsafety import terminal_writer

END_MARK = "."

#: Seconds between two grading status lines when stderr is not a terminal (a log).
STATUS_EVERY = 10.0

#: Items per list in the terminal summary; the full lists go into the report.
LIST_LIMIT = 3


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
        uncertain = f" ({UNCERTAIN}: {UNCERTAIN_NOTE})" if c.uncertain else ""
        print(f"  - {name}: {c.score}/5{uncertain}", file=out)
        for quote in c.evidence[:2]:
            print(f'      "{quote}"', file=out)
    for star in grade.star:
        print(f"  STAR {star.component}: {star.status}", file=out)
    for found in grade.red_flags_found:
        print(f"  Red flag: {found.red_flag}", file=out)
        print(f'      "{found.quote}"', file=out)
        if found.correction:
            print(f"      instead: {found.correction}", file=out)
    # The red flags' advice ("Red flag: ... - correction") was just printed in full.
    shown = tuple(f"Red flag: {f.red_flag.rstrip('. ')}" for f in grade.red_flags_found)
    improvements = [i for i in grade.improvements if not (shown and i.startswith(shown))]
    for title, items in (
        ("strengths", grade.strengths),
        ("to improve", improvements),
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
    if grade.tests is not None:  # a coding question: its tests, then the reference
        from interviewer.commands_coding import print_tests

        print_tests(grade, out)


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


def grading_status(event: GradeWorking, estimate: GradingEstimate) -> str:
    """The terminal's status line while grades are written: how this grade is getting
    on, and, while others wait too, when all of them should be in ("grading answer 2:
    340 tokens so far, about 40 s left (1 of 3 grades in; the rest in about 2 min)")."""
    if estimate.total - estimate.graded > 1:
        return f"{event.text()} ({estimate.text()})"
    return event.text()


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
        grader: Backend | None = None,
    ) -> None:
        """`backends` (the model and its offline stand-in) and `grader` (the model that
        grades, None: the interviewer's) replace the ones the settings and `args`
        choose; tests and benchmarks pass their own."""
        self.lib = lib
        # Model text and the candidate's own quotes are shown, never obeyed (textsafety).
        self.out = terminal_writer(out or sys.stdout)
        self.reader = AnswerReader(stdin or sys.stdin)
        if backends is not None:
            backend, offline = backends
        else:
            backend, grader, offline = backends_for(args)
        self.executor = ThreadExecutor()
        self.session = InterviewSession(
            lib,
            store,
            self.executor,
            backend=backend,
            offline=offline,
            grader=grader,
            front_end="terminal",
        )
        self.session.grade_samples = grade_samples_for(args, settings=backends is None)
        self.session.subscribe(self._on_event)
        self._pending: NeedAnswer | None = None
        self._failure = ""
        self._streaming = False
        self._resumed = False
        self._told_grading = False
        self._status_at = -STATUS_EVERY
        self._status_shown = False

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
            if event.need.question.coding is not None and not event.need.is_follow_up:
                from interviewer.commands_coding import coding_prompt

                print(coding_prompt(event.need.question), file=out)
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
        elif isinstance(event, GradeWorking):
            self._grade_status(event)
        elif isinstance(event, GradeReady) and self._status_shown:
            sys.stderr.write("\r\x1b[K")  # the next status, or the report, takes the line
            self._status_shown = False

    def _grade_status(self, event: GradeWorking) -> None:
        """The status line while the interview waits for its grades ("grading answer 3:
        340 tokens so far, about 40 s left"), on stderr: rewritten in place on a
        terminal, a line every STATUS_EVERY seconds in a log. Silent while the candidate
        is still answering (grades then finish in the background)."""
        if self.session.phase is not Phase.GRADING:
            return
        err = sys.stderr
        line = grading_status(event, self.session.grading_estimate())
        if err.isatty():
            err.write("\r" + line + "\x1b[K")
            err.flush()
            self._status_shown = True
            return
        now = time.monotonic()
        if now - self._status_at >= STATUS_EVERY:
            self._status_at = now
            print(line, file=err)

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
            f"{_clock_text(engine.interview_seconds_left())} · {session.backend_text()[1]} · "
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


def grade_samples_for(args: argparse.Namespace, *, settings: bool = True) -> int:
    """Grading samples per answer: `--grade-samples` when given, else (with `settings`)
    the settings' `grade_samples`; 1 when neither says (a broken settings file has
    already been reported by backend_for)."""
    given = getattr(args, "grade_samples", None)
    if given is not None:
        return int(given)
    if not settings:
        return 1
    try:
        return load_settings(app_paths().settings_file).grade_samples
    except InterviewerError:
        return 1


def _settings() -> Settings:
    try:
        settings = load_settings(app_paths().settings_file)
    except InterviewerError as err:
        # The interview matters more than the settings file: say so and use defaults.
        print(f"warning: {err} Using the default settings for now.", file=sys.stderr)
        return Settings()
    for note in settings.notes:
        print(f"warning: {note}", file=sys.stderr)
    return settings


def grader_flags(args: argparse.Namespace) -> dict[str, str | None]:
    """The command line's grader overrides (`--grader-backend`, `--grader-model`,
    `--grader-base-url`), as `make_grader` takes them."""
    return {
        "backend": getattr(args, "grader_backend", None),
        "model": getattr(args, "grader_model", None),
        "base_url": getattr(args, "grader_base_url", None),
    }


def backends_for(args: argparse.Namespace) -> tuple[Backend, Backend | None, OfflineCoach]:
    """(interviewer, grader or None when the interviewer grades, offline stand-in) from
    the settings and the command line."""
    settings = _settings()
    backend = _interviewer(settings, args)
    flags = grader_flags(args)
    try:
        choice = make_grader(settings, backend, SecretStore(), **flags)
    except InterviewerError as err:
        if any(flags.values()):
            raise  # asked for on this command line: say so and stop
        # The settings' grader: the interview matters more, as for a broken settings file.
        print(f"warning: {err} The interviewer's model grades for now.", file=sys.stderr)
        choice = None
    if choice is not None and choice.notice:
        print(f"note: {choice.notice}", file=sys.stderr)
    return backend, (choice.backend if choice is not None else None), OfflineCoach()


def grader_for(args: argparse.Namespace) -> tuple[Backend, OfflineCoach]:
    """The backend that grades one answer (`interviewer grade`): the grader flags when
    given; else the interviewer's flags (`--backend offline` is the coach) as before;
    else the settings' grader, or the settings' model when it is the same."""
    flags = grader_flags(args)
    given = any(flags.values())
    if not given and any(getattr(args, n, None) for n in ("backend", "model", "base_url")):
        return backend_for(args)
    settings = _settings()
    if not given and settings.grader.kind == "same":
        return _interviewer(settings, args), OfflineCoach()
    # Only the grader is needed: the interviewer's settings give its defaults, and say
    # nothing (no "the offline coach runs this interview"), nor stop it when unusable.
    try:
        interviewer = _interviewer(settings, args, quiet=True)
    except InterviewerError:
        interviewer = OfflineCoach()
    choice = make_grader(settings, interviewer, SecretStore(), **flags)
    if choice is None:  # pragma: no cover - "same" was handled above
        return interviewer, OfflineCoach()
    if choice.notice:
        print(f"note: {choice.notice}", file=sys.stderr)
    return choice.backend, OfflineCoach()


def backend_for(args: argparse.Namespace) -> tuple[Backend, OfflineCoach]:
    return _interviewer(_settings(), args), OfflineCoach()


def _interviewer(settings: Settings, args: argparse.Namespace, *, quiet: bool = False) -> Backend:
    choice = make_backend(
        settings,
        SecretStore(),
        backend=getattr(args, "backend", None),
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
    )
    if choice.notice and not quiet:
        print(f"note: {choice.notice}", file=sys.stderr)
    return choice.backend


def _join(prefix: str, text: str) -> str:
    if prefix and text:
        return f"{prefix}\n{text}"
    return prefix or text
