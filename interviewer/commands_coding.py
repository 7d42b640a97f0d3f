"""The ML coding round's commands (issue 19) and its pieces for the terminal.

* `interviewer run-examples --question ID --answer-file solution.py [--hidden] [--json]`
  runs a coding question's visible example tests (or, with --hidden, its hidden tests)
  on a file, in the guarded child process, and prints the results test by test;
* `interviewer grade --question ID --answer-file solution.py` (in cli.py) calls
  `with_tests` here so the grade's correctness is the hidden tests' result and its JSON
  gains `tests`: {"passed", "total", "results": [{"name", "ok", "message"}]};
* the terminal interview prints a coding question's signature and starter code
  (`coding_prompt`) and, in the feedback, the test table and the reference solution
  (`print_tests`).
"""

from __future__ import annotations

import argparse
import json
from typing import IO, Any

from interviewer.core.errors import InterviewerError
from interviewer.core.models import Grade, Question, Track
from interviewer.core.requests import GradeRequest

#: Lines of the reference solution printed in the terminal feedback (the report has all).
REFERENCE_LINES = 60


def with_tests(request: GradeRequest) -> GradeRequest:
    """A coding question's grade request with its hidden tests run (others unchanged)."""
    if request.question.kind != "coding":
        return request
    from interviewer.coding import with_hidden_tests

    return with_hidden_tests(request)


def no_coding_option(track: Track) -> str:
    """Why --with-coding does not apply to `track`, and what does."""
    if "coding" in track.kinds:
        return f"--with-coding is not needed: every question of {track.id} is a coding question."
    return (
        f"--with-coding: the track {track.id} offers no coding question; ml-full-loop "
        "does, and --track ml-coding is all coding."
    )


def coding_prompt(question: Question) -> str:
    """What the terminal shows under a coding question: the signature and starter code."""
    spec = question.coding
    if spec is None:
        return ""
    return (
        f"Write: {spec.signature}\n"
        "Starter code (type or paste your whole solution; blank lines and indentation are "
        "kept; a line holding only '.' submits it):\n\n"
        f"{spec.starter.rstrip()}\n"
    )


def print_tests(grade: Grade, out: IO[str], reference_lines: int = REFERENCE_LINES) -> None:
    """The hidden tests' table and the reference solution, after a coding answer's grade."""
    tests = grade.tests
    if tests is None:
        return
    print(f"  hidden tests: {tests.passed} of {tests.total} passed", file=out)
    for r in tests.results:
        mark = "PASS" if r.ok else "FAIL"
        detail = "" if r.ok else f": {r.message}"
        print(f"    {mark} {r.name}{detail}", file=out)
    if grade.reference_solution:
        lines = grade.reference_solution.rstrip().splitlines()
        print("  reference solution:", file=out)
        for line in lines[:reference_lines]:
            print(f"    {line}", file=out)
        if len(lines) > reference_lines:
            print(f"    (+{len(lines) - reference_lines} more lines in the report)", file=out)


def cmd_run_examples(args: argparse.Namespace) -> int:
    from interviewer.cli import _library
    from interviewer.coding import run_tests

    lib = _library()
    question = lib.question(args.question)
    spec = question.coding
    if spec is None:
        raise InterviewerError(
            f"{question.id} is not a coding question; see "
            "`interviewer questions --track ml-coding` for the ones that are."
        )
    try:
        with open(args.answer_file, encoding="utf-8", errors="replace") as fh:
            code = fh.read()
    except OSError as exc:
        raise InterviewerError(f"Cannot read {args.answer_file}: {exc.strerror or exc}") from None
    tests = spec.hidden if args.hidden else spec.examples
    result = run_tests(code, spec, tests)
    if args.json:
        data: dict[str, Any] = {
            "status": result.status,
            "message": result.message,
            "passed": result.passed,
            "total": result.total,
            "results": [r.model_dump() for r in result.results],
            "stdout": result.stdout,
            "stderr": result.stderr,
        }
        print(json.dumps(data, indent=2))
    else:
        which = "hidden tests" if args.hidden else "example tests"
        print(f"{question.id}: {which}: {result.message}")
        for r, t in zip(result.results, tests, strict=True):
            print(f"  {'PASS' if r.ok else 'FAIL'} {r.name}" + ("" if r.ok else f": {r.message}"))
            if not r.ok and not args.hidden:
                print(f"       test: {t.call}")
        if result.stdout.strip():
            print("printed:\n" + result.stdout.rstrip())
    return 0 if result.passed == result.total else 1


def register(sub: Any) -> None:
    """Add this module's commands to the command line's subparsers."""
    p = sub.add_parser(
        "run-examples",
        help="run a coding question's example tests on a file",
        description="Run a coding question's visible example tests (or, with --hidden, "
        "its hidden tests) on a solution file, in a separate guarded Python process, "
        "and print the results test by test. Exit status 0 when every test passes.",
    )
    p.add_argument("--question", required=True, metavar="ID", help="coding question id (code-...)")
    p.add_argument("--answer-file", required=True, metavar="FILE", help="your solution (.py)")
    p.add_argument(
        "--hidden", action="store_true", help="run the hidden tests instead of the examples"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_run_examples)
