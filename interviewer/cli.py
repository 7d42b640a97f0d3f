"""The command line: the same engine and backends as the app, driven from a terminal.

`interviewer` with no arguments opens the desktop app; the subcommands list content,
run a whole timed interview in the terminal (answers from stdin, so it can be scripted
through a pipe) and grade single answers.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from interviewer import __version__
from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade, Question, Turn
from interviewer.core.requests import GradeRequest
from interviewer.export import check_report_path, write_report
from interviewer.llm import service
from interviewer.session import (
    GRADING_WORKERS,
    InterviewSession,
    Results,
    StartOptions,
)
from interviewer.storage import store as store_module
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import MAX_GRADE_SAMPLES
from interviewer.storage.store import SessionStore, StoreError
from interviewer.terminal import (  # noqa: F401  (re-exported for callers of interviewer.cli)
    DRAFT_SAVE_SECONDS,
    READ_CHUNK,
    AnswerReader,
    TerminalFrontEnd,
    _clock_text,
    _join,
    _print_grade,
    _print_summary,
    grade_samples_for,
    grader_for,
)
from interviewer.textsafety import terminal_streams

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
                "red_flags": [f.text for f in q.red_flags],
                "kind": q.kind,
                "signature": q.coding.signature if q.coding else None,
            }
            for q in questions
        ]
        print(json.dumps(data, indent=2))
        return 0
    for q in questions:
        print(f"{q.id:<28} [{q.category}, {q.difficulty}] {q.text}")
    return 0


def _open_store(read_only: bool = False) -> SessionStore:
    """The user's database; `read_only` commands read the file even when it refuses
    writes (a full disk, a lock) and never write to it."""
    store = SessionStore.open(app_paths().database, read_only=read_only)
    if store.notice:
        print(f"warning: {store.notice}", file=sys.stderr)
    return store


def _practice_options(args: argparse.Namespace, track_id: str) -> StartOptions:
    return StartOptions(
        track_id,
        question_count=args.questions,
        minutes=args.minutes,
        difficulty=args.difficulty,
        follow_ups=not args.no_follow_ups,
        repeat=args.repeat,
        adaptive=bool(getattr(args, "adaptive", False)),
        include_coding=bool(getattr(args, "with_coding", False)),
    )


def cmd_practice(
    args: argparse.Namespace, stdin: IO[str] | None = None, out: IO[str] | None = None
) -> int:
    if getattr(args, "job", None) or getattr(args, "target", None):
        from interviewer import commands_jobs

        return commands_jobs.practice_job(args, stdin, out)
    if getattr(args, "cv", None):
        raise InterviewerError("--cv goes with --job FILE (the posting to practise for).")
    if getattr(args, "gaps", False):
        raise InterviewerError("--gaps goes with --target ID (see `interviewer targets`).")
    if not args.track:
        raise InterviewerError("Say what to practise: --track ID or --job FILE.")
    lib = _library()
    track = lib.track(args.track)
    if args.questions is not None and args.questions < 1:
        raise InterviewerError("--questions must be at least 1.")
    if getattr(args, "with_coding", False) and not track.coding_option:
        from interviewer import commands_coding

        raise InterviewerError(commands_coding.no_coding_option(track))
    _check_report(args.report)
    store = _open_store()
    front = TerminalFrontEnd(lib, store, args, stdin, out)
    options = _practice_options(args, track.id)
    _model_note(front, args, stdin)
    speaker = None
    if getattr(args, "speak", False):  # questions read aloud (voice/say.py)
        from interviewer.voice.say import speak_for_practice

        speaker = speak_for_practice(front.session)
    try:
        return _run_to_end(front, lambda session: session.start(options), args)
    finally:
        if speaker is not None:
            speaker.close()


def _model_note(front: TerminalFrontEnd, args: argparse.Namespace, stdin: IO[str] | None) -> None:
    """What the local model in use can do, on stderr; checked first when never checked
    and someone is at the keyboard (issue 15: the first use runs the check)."""
    from interviewer.commands_fitness import first_use_note

    reader = stdin or sys.stdin
    at_keyboard = bool(getattr(reader, "isatty", lambda: False)())
    session = front.session
    check = at_keyboard and not getattr(args, "no_model_check", False)
    first_use_note(session.backend, session.grader, check=check)


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
    if report.adaptive and report.difficulty_path:
        print(f"Difficulty path: {' -> '.join(report.difficulty_path)}", file=out)
        for n, why in enumerate(report.difficulty_reasons, 1):
            if why:
                print(f"  Question {n}: {why}", file=out)
    if args.report:
        path = write_report(report, Path(args.report))
        print(f"\nReport written to {path}", file=out)
    return 0


def _check_report(path: str | None) -> None:
    """Fail before the interview, not after forty minutes of answers."""
    if path:
        check_report_path(Path(path))


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
    if getattr(args, "answer_audio", None):
        from interviewer import commands_voice

        return commands_voice.cmd_grade_audio(args)
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
    backend, offline = grader_for(args)
    request = _grade_request(
        lib,
        question,
        Turn(
            role="candidate",
            kind="answer",
            text=answer,
            question_id=question.id,
            seconds=args.seconds,
        ),
        args.seconds or 0.0,
    )
    if question.kind == "coding":  # its hidden tests run first: they are its correctness
        from interviewer import commands_coding

        request = commands_coding.with_tests(request)
    grade = service.grade(backend, request, offline, samples=grade_samples_for(args))
    if args.json:
        print(json.dumps(_grade_json(grade), indent=2))
    else:
        print(question.text)
        _print_grade(grade, lib, sys.stdout)
    return 0


def _grade_request(
    lib: ContentLibrary, question: Question, answer: Turn, answer_seconds: float
) -> GradeRequest:
    """The request that grades one answer on its own (`grade`, typed or spoken): the
    question as asked, then the answer."""
    return GradeRequest(
        request_id=1,
        question=question,
        rubric=lib.rubric_for(question),
        exchange=(
            Turn(role="interviewer", kind="question", text=question.text, question_id=question.id),
            answer,
        ),
        answer_seconds=answer_seconds,
    )


def _grade_json(grade: Grade) -> dict[str, Any]:
    data = grade.model_dump(mode="json")
    data["criteria"] = [
        {
            "id": c.criterion_id,
            "score": c.score,
            "evidence": c.evidence,
            "reasoning": c.reasoning,
            "uncertain": c.uncertain,
        }
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


def _grade_samples(text: str) -> int:
    """`--grade-samples N`: a whole number from 1 to MAX_GRADE_SAMPLES."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= MAX_GRADE_SAMPLES:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 1 to {MAX_GRADE_SAMPLES}, not {text!r}"
        )
    return value


#: --grader-model of the commands that run an interview.
GRADER_HELP = (
    "the model that grades the answers, while --model runs the conversation: on the "
    "interviewer's server unless --grader-base-url names another; 'offline': the offline "
    "coach grades (default: from settings, where the interviewer's model grades)"
)


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

    def grader_options(p: argparse.ArgumentParser, *, job: str) -> None:
        p.add_argument("--grader-model", metavar="NAME", help=job)
        p.add_argument(
            "--grader-base-url",
            metavar="URL",
            help="the OpenAI-compatible server of the grader model (default: the "
            "interviewer's server)",
        )
        p.add_argument(
            "--grader-backend",
            choices=["offline", "openai"],
            help="offline: the offline coach grades; openai: a model grades",
        )

    def samples_option(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--grade-samples",
            type=_grade_samples,
            metavar="N",
            help=f"ask the model to grade each answer N times (1-{MAX_GRADE_SAMPLES}) and take "
            "the median score per criterion; a criterion the samples disagree on by more "
            "than one level is marked uncertain (default: from settings, 1; the offline "
            "coach grades once)",
        )

    p = sub.add_parser(
        "practice",
        help="run a timed interview in the terminal",
        description="Run a complete timed interview in the terminal. Answers come from stdin; "
        "end each with a line holding only '.'. End of input ends the interview early "
        "and still prints the graded summary.",
    )
    p.add_argument("--track", metavar="ID", help="track id (see `interviewer tracks`); or --job")
    p.add_argument(
        "--job",
        metavar="FILE",
        help="practise for this job posting (text, Markdown, PDF or DOCX): a plan of "
        "questions covering its skills; the target is saved (see `interviewer targets`)",
    )
    p.add_argument("--cv", metavar="FILE", help="your CV, with --job (sent only to a model in use)")
    p.add_argument(
        "--target",
        metavar="ID",
        help="practise for a saved job target again (see `interviewer targets`)",
    )
    p.add_argument(
        "--gaps",
        action="store_true",
        help="with --target: only its skills never asked yet or graded below 60",
    )
    p.add_argument(
        "--adaptive",
        action="store_true",
        help="each next question is harder after a strong answer, easier after a weak one",
    )
    p.add_argument(
        "--with-coding",
        action="store_true",
        help="make the last question a coding question (code on stdin, graded by hidden "
        "tests); for tracks that offer it, such as ml-full-loop, and with --job (the "
        "coding problem closest to the posting's skills)",
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
        "--speak",
        action="store_true",
        help="read the interviewer's questions aloud with the system's speech program "
        "(espeak-ng, spd-say, say, or Windows' voices); without one, a note says what "
        "to install and the interview runs in text",
    )
    p.add_argument(
        "--no-model-check",
        action="store_true",
        help="do not check a local model never checked before (by default, when answers "
        "come from a keyboard, it is checked once first: `interviewer check-model`)",
    )
    p.add_argument(
        "--report",
        metavar="FILE",
        help="write the report at the end; format from the extension (.md, .html, .pdf, .json)",
    )
    backend_options(p)
    grader_options(p, job=GRADER_HELP)
    samples_option(p)
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
    grader_options(p, job=GRADER_HELP)
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
    grader_options(
        p,
        job="the model that grades again, in place of --model; 'offline': the offline coach",
    )
    p.set_defaults(func=lambda a: commands_calls.cmd_regrade(a))

    p = sub.add_parser("grade", help="grade one answer to one question")
    p.add_argument(
        "--question", required=True, metavar="ID", help="question id (see `interviewer questions`)"
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--answer-file", metavar="FILE", help="read the answer from FILE")
    src.add_argument("--answer", metavar="TEXT", help="the answer text")
    src.add_argument(
        "--answer-audio",
        metavar="FILE.wav",
        help="a spoken answer: transcribed (engine from settings), then graded; the "
        "delivery adds the voice's pace, pauses, time to first word and fillers",
    )
    p.add_argument(
        "--seconds", type=float, default=0.0, help="seconds the answer took (for delivery metrics)"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    backend_options(p)
    grader_options(
        p,
        job="the model that grades, in place of --model: on the server of --base-url "
        "(or of the settings) unless --grader-base-url names another; 'offline': the "
        "offline coach grades",
    )
    samples_option(p)
    p.set_defaults(func=cmd_grade)

    from interviewer import commands_fitness

    commands_fitness.register(sub)

    from interviewer import commands_coding, commands_jobs, commands_voice

    commands_voice.register(sub)
    commands_jobs.register(sub)
    commands_coding.register(sub)

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
