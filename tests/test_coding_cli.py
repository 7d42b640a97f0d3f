"""The coding round from the command line: grade a file, run examples, practise from stdin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.cli import main
from interviewer.core.models import Turn
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionStore

LIB = load_library(Path("/nonexistent-user-dir"))
REFERENCE = LIB.question("code-precision-recall").coding.reference  # type: ignore[union-attr]
SWAPPED = REFERENCE.replace("precision = tp / (tp + fp)", "precision = tp / (tp + fn)").replace(
    "recall = tp / (tp + fn)", "recall = tp / (tp + fp)"
)


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=180,
        env=dict(os.environ),
    )


def test_grade_a_file_as_json_gains_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = tmp_path / "solution.py"
    solution.write_text(SWAPPED, encoding="utf-8")
    code = main(
        [
            "grade",
            "--question",
            "code-precision-recall",
            "--answer-file",
            str(solution),
            "--backend",
            "offline",
            "--json",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    tests = data["tests"]
    assert set(tests) == {"passed", "total", "results"}
    assert tests["total"] == 7 and 0 < tests["passed"] < 7
    assert all(set(r) == {"name", "ok", "message"} for r in tests["results"])
    failed = {r["name"]: r["message"] for r in tests["results"] if not r["ok"]}
    assert failed["precision and recall differ"].startswith("expected (0.5, 0.3333")
    assert data["reference_solution"] == REFERENCE
    scores = {c["id"]: c["score"] for c in data["criteria"]}
    assert scores["correctness"] < 5


def test_grade_a_file_as_text_shows_the_table_and_the_reference(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solution = tmp_path / "solution.py"
    solution.write_text(REFERENCE, encoding="utf-8")
    argv = ["grade", "--question", "code-precision-recall", "--answer-file", str(solution)]
    assert main([*argv, "--backend", "offline"]) == 0
    out = capsys.readouterr().out
    assert "hidden tests: 7 of 7 passed" in out
    assert "PASS no actual positives" in out
    assert "reference solution:" in out
    assert "    def precision_recall_f1(y_true, y_pred):" in out


def test_run_examples_reports_each_test_and_exits_nonzero_on_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    starter = LIB.question("code-kmeans").coding.starter  # type: ignore[union-attr]
    solution = tmp_path / "km.py"
    solution.write_text(starter, encoding="utf-8")
    assert main(["run-examples", "--question", "code-kmeans", "--answer-file", str(solution)]) == 1
    out = capsys.readouterr().out
    assert "FAIL two obvious groups: raised NotImplementedError (line 7)" in out
    assert "test: kmeans(X, 2)" in out
    solution.write_text(REFERENCE, encoding="utf-8")
    argv = ["run-examples", "--question", "code-precision-recall", "--answer-file", str(solution)]
    assert main([*argv, "--hidden", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["passed"], data["total"], data["status"]) == (7, 7, "ok")


def test_run_examples_on_a_prose_question_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.py"
    f.write_text("x = 1\n")
    argv = ["run-examples", "--question", "tech-bias-variance", "--answer-file", str(f)]
    assert main(argv) == 1
    assert "tech-bias-variance is not a coding question" in capsys.readouterr().err


def test_practice_takes_code_on_stdin_with_its_blank_lines_and_indentation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tracks = app_paths().content_dir / "tracks"
    tracks.mkdir(parents=True)
    (tracks / "one-coding.toml").write_text(
        'id = "one-coding"\nname = "One coding"\ndescription = "The precision question."\n'
        'duration_minutes = 20\nquestion_count = 1\ncategories = ["technical"]\n'
        'kinds = ["coding"]\nquestions = ["code-precision-recall"]\n',
        encoding="utf-8",
    )
    assert "\n\n" in REFERENCE and "\n    " in REFERENCE
    report = tmp_path / "report.md"
    r = run(
        "practice",
        "--track",
        "one-coding",
        "--backend",
        "offline",
        "--no-follow-ups",
        "--report",
        str(report),
        stdin=REFERENCE + "\n.\n",
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Write: precision_recall_f1(y_true, y_pred) -> tuple[float, float, float]" in out
    assert "a line holding only '.' submits it" in out
    assert "hidden tests: 7 of 7 passed" in out, out[-3000:]
    assert "Answered 1, skipped 0, not reached 0." in out
    # The reports show the test table and the reference after the attempt.
    md = report.read_text(encoding="utf-8")
    assert "#### Hidden tests: 7 of 7 passed" in md
    assert "| no predicted positives | ✓ passed | passed |" in md
    assert "#### Reference solution" in md and "```python\n" in md
    assert "    tp = int(np.sum(actual & predicted))" in md
    with SessionStore(app_paths().database) as store:
        (row,) = store.list_sessions()
        stored = store.get_report(row.id)
    assert stored is not None
    (q,) = stored.questions
    answer = next(t for t in q.turns if t.role == "candidate")
    assert answer.text.rstrip("\n") == REFERENCE.rstrip("\n")  # indentation, blank lines
    for suffix in ("html", "json"):
        out = tmp_path / f"r.{suffix}"
        assert main(["report", row.id, "-o", str(out)]) == 0
        text = out.read_text(encoding="utf-8")
        if suffix == "json":
            grade = json.loads(text)["questions"][0]["grade"]
            assert grade["tests"]["passed"] == grade["tests"]["total"] == 7
            assert grade["reference_solution"] == REFERENCE
        else:
            assert "Hidden tests: 7 of 7 passed" in text
            assert "<td>no actual positives</td><td>✓ passed</td>" in text
            assert "tp = int(np.sum(actual &amp; predicted))" in text
    # A regrade reuses the logged test results (the call log holds them).
    capsys.readouterr()
    assert main(["regrade", row.id, "--backend", "offline", "--json"]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["source"] == "call_log"
    assert entry["new_overall_score"] == entry["old_overall_score"]


def test_with_coding_is_refused_by_a_track_without_the_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["practice", "--track", "ml-technical", "--backend", "offline", "--with-coding"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert "the track ml-technical offers no coding question; ml-full-loop does" in err


def test_the_full_loop_with_coding_ends_on_a_coding_question() -> None:
    r = run(
        "practice",
        "--track",
        "ml-full-loop",
        "--backend",
        "offline",
        "--questions",
        "1",
        "--no-follow-ups",
        "--with-coding",
        stdin="def nothing():\n    return None\n.\n",
    )
    assert r.returncode == 0, r.stderr
    assert "Write: " in r.stdout and "Starter code" in r.stdout
    assert "hidden tests: 0 of " in r.stdout
    assert "no function named " in r.stdout


def test_the_offline_coach_follows_code_up_with_a_question_about_it() -> None:
    from interviewer.core.requests import FollowUpRequest
    from interviewer.llm.offline import OfflineCoach

    q = LIB.question("code-precision-recall")
    request = FollowUpRequest(
        track=LIB.track("ml-coding"),
        question=q,
        exchange=(Turn(role="candidate", kind="answer", text=REFERENCE, question_id=q.id),),
        follow_ups_asked=0,
        follow_up_limit=1,
    )
    decision = OfflineCoach().decide_follow_up(request)
    assert decision.follow_up and decision.question in {p.text for p in q.follow_ups}


def test_questions_json_names_the_kind_and_signature(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--track", "ml-coding", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) >= 10 and {q["kind"] for q in data} == {"coding"}
    kmeans = next(q for q in data if q["id"] == "code-kmeans")
    assert (
        kmeans["signature"] == "kmeans(X, k, n_iter=100, seed=0) -> tuple[np.ndarray, np.ndarray]"
    )
    assert main(["questions", "--track", "ml-technical", "--json"]) == 0
    assert {q["kind"] for q in json.loads(capsys.readouterr().out)} == {"open"}
