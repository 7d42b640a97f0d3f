"""The ML coding round's I/O side: running a candidate's code against a question's tests.

`runner` runs code in a guarded child process (`harness` is what runs inside it). The
grading rules are pure and live in `interviewer.core.grading.coding`; what joins the two
is `with_hidden_tests`: the session and the command line call it on a coding question's
GradeRequest before grading, so the grade's correctness is the hidden tests' result.

For a front end (the window's editor, `interviewer run-examples`):

* `run_examples(code, spec)`: the visible example tests, while the candidate writes;
* `run_hidden(code, spec)`: the hidden tests, on submission;
* `with_hidden_tests(request)`: the grade request carrying the hidden tests' results,
  ready for `llm.service.grade`.
"""

from __future__ import annotations

from dataclasses import replace

from interviewer.coding.runner import Limits, RunResult, run_examples, run_hidden, run_tests
from interviewer.core.grading.coding import is_coding, submitted_code
from interviewer.core.requests import GradeRequest

__all__ = [
    "Limits",
    "RunResult",
    "run_examples",
    "run_hidden",
    "run_tests",
    "with_hidden_tests",
]


def with_hidden_tests(request: GradeRequest, limits: Limits | None = None) -> GradeRequest:
    """The request with its hidden tests run, for a coding question not yet tested.

    Blocks for up to the question's time limit (run it where the grading runs: on a
    worker thread in the window). Any other request comes back unchanged.
    """
    spec = request.question.coding
    if not is_coding(request.question) or spec is None or request.tests is not None:
        return request
    result = run_hidden(submitted_code(request), spec, limits)
    return replace(request, tests=result.summary())
