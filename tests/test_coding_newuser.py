"""What a new user's code did to the coding round, kept as regression tests (helper 13).

Each test is a case found by running `interviewer grade --question code-kmeans` with
code its authors did not try.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.coding.runner import Limits, run_tests
from interviewer.core.models import CodeTest, CodingSpec
from tests.gui_helpers import settle

SPEC = CodingSpec(
    function="f",
    signature="f(x) -> int",
    starter="def f(x):\n    pass\n",
    reference="def f(x):\n    return x\n",
    examples=[CodeTest(name="one", call="f(1)", expect="1")],
    hidden=[CodeTest(name="one", call="f(1)", expect="1")],
)
ANY_IMPORT = Limits(
    wall_seconds=15, cpu_seconds=15, memory_mb=200, output_chars=1000, allowed_modules=None
)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for a reaper (PID 1 in a container may not reap)."""
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in text


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_child_that_left_the_process_group_is_killed_too(tmp_path: Path) -> None:
    """A forked child calling setsid() escaped the group kill and slept on forever (and
    held the output pipes open, so the run waited for the readers' grace too)."""
    pid_file = tmp_path / "child.pid"
    child = (
        f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(600)"
    )
    code = (
        "import os, subprocess, sys, time\n"
        f"CHILD = {child!r}\n"
        "def f(x):\n"
        "    subprocess.Popen([sys.executable, '-c', CHILD], start_new_session=True)\n"
        f"    while not os.path.exists({str(pid_file)!r}):\n"
        "        time.sleep(0.01)\n"
        "    return x\n"
    )
    result = run_tests(code, SPEC, SPEC.hidden, ANY_IMPORT)
    assert [r.message for r in result.results] == ["passed"]
    pid = int(pid_file.read_text())
    assert not _alive(pid)


PR_CODE = """import numpy as np


def precision_recall_f1(y_true, y_pred):
    t = np.asarray(y_true)
    p = np.asarray(y_pred)
    tp = int(((t == 1) & (p == 1)).sum())
    fp = int(((t == 0) & (p == 1)).sum())
    fn = int(((t == 1) & (p == 0)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0
"""


def test_code_for_another_problem_is_not_praised_for_its_style() -> None:
    """`practice --track ml-coding` drew fill_missing_by_group; a precision/recall
    solution got 0 of 6 tests but 5/5 for vectorisation and 4/5 for readability."""
    from interviewer.coding import with_hidden_tests
    from interviewer.core.models import Turn
    from interviewer.core.requests import GradeRequest
    from interviewer.llm import service
    from interviewer.llm.offline import OfflineCoach
    from interviewer.storage.content_files import load_library

    lib = load_library()
    q = lib.question("code-fill-group-mean")
    turns = (
        Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
        Turn(role="candidate", kind="answer", text=PR_CODE, question_id=q.id),
    )
    request = with_hidden_tests(
        GradeRequest(request_id=1, question=q, rubric=lib.rubric_for(q), exchange=turns)
    )
    grade = service.grade(OfflineCoach(), request, None)
    assert grade.tests is not None and grade.tests.passed == 0
    by_id = {c.criterion_id: c for c in grade.criteria}
    assert {c: s.score for c, s in by_id.items()} == dict.fromkeys(by_id, 1)
    assert "no function named fill_missing_by_group()" in by_id["efficiency"].reasoning


def test_the_editor_run_row_and_results_do_not_overlap_at_the_smallest_size(
    qtbot: QtBot,
) -> None:
    """At 720x520 the splitter gave the coding panel its computed minimum, which counted
    the wrapped signature as one line: "Run examples" was drawn over the editor."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from tests.test_gui_code_editor import begin, coding_library, launch

    lib, q = coding_library()
    assert q.coding is not None
    window = launch(qtbot, lib)
    window.resize(window.minimumSize())
    begin(qtbot, window)
    panel = window.interview.coding
    panel.set_code(q.coding.reference.replace("import numpy as np", "import numpy as np\nprint(1)"))
    qtbot.mouseClick(panel.run_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.running, timeout=20_000)
    settle(qtbot)
    assert panel.output.isVisibleTo(window) and panel.table.isVisibleTo(window)
    assert panel.signature.height() > panel.fontMetrics().height() * 1.5  # it wraps here

    def span(w: QWidget) -> tuple[int, int]:
        top = w.mapTo(panel, w.rect().topLeft()).y()
        return top, top + w.height()

    order = [panel.signature, panel.editor, panel.run_button, panel.table, panel.output]

    def overlaps() -> list[tuple[tuple[int, int], tuple[int, int]]]:
        spans = [span(w) for w in order] + [(panel.height(), panel.height())]
        return [(a, b) for a, b in itertools.pairwise(spans) if a[1] > b[0]]

    # The layout settles over a few posted events (the table and output appear).
    qtbot.waitUntil(lambda: not overlaps(), timeout=5_000)
    assert overlaps() == []


NAN_KMEANS = """import numpy as np


def kmeans(X, k, n_iter=100, seed=0):
    X = np.asarray(X, dtype=float)
    rng = np.random.default_rng(seed)
    C = X[rng.choice(len(X), size=k, replace=False)].copy()
    labels = np.zeros(len(X), dtype=int)
    for _ in range(n_iter):
        labels = ((X[:, None, :] - C[None]) ** 2).sum(2).argmin(1)
        C = np.array([X[labels == c].mean(axis=0) for c in range(k)])
    return C, labels
"""


def test_a_nan_centroid_is_named_as_such() -> None:
    """An empty cluster's centroid became nan; the failing test said "some point is not
    labelled with its nearest centroid" because the finiteness check came second."""
    from interviewer.coding.runner import run_hidden
    from interviewer.storage.content_files import load_library

    spec = load_library().question("code-kmeans").coding
    assert spec is not None
    result = run_hidden(NAN_KMEANS, spec)
    failed = {r.name: r.message for r in result.results if not r.ok}
    assert list(failed) == ["duplicate points do not crash"]
    assert failed["duplicate points do not crash"].startswith("centroids must be finite")


def test_a_binary_file_is_not_a_syntax_error_on_line_none() -> None:
    """`grade --answer-file` of a binary file said "SyntaxError on line None: ..."."""
    from interviewer.core.grading.coding import syntax_problem

    problem = syntax_problem("import numpy\x00\x01\x02 as np\n")
    assert "None" not in problem
    assert problem.startswith("SyntaxError") and "not Python source" in problem
    assert syntax_problem("def f(:\n    pass\n").startswith("SyntaxError on line 1: ")
