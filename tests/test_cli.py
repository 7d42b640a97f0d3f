"""The command line end to end: real subprocesses, piped stdin, the offline coach."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from interviewer.cli import AnswerReader, main


def run(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=full_env,
    )


def test_version_and_help() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.startswith("interviewer ")
    r = run("--help")
    assert r.returncode == 0
    for word in ("practice", "grade", "tracks", "questions", "INTERVIEWER_HOME"):
        assert word in r.stdout


def test_tracks_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tracks", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = {t["id"] for t in data}
    assert ids >= {"ml-technical", "ml-behavioral", "ml-case-study", "ml-full-loop"}
    for t in data:
        assert {"id", "name", "categories", "duration_minutes", "question_count"} <= set(t)


def test_questions_json_filtered_by_track(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--track", "ml-behavioral", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data and all(q["category"] == "behavioral" for q in data)
    assert {"id", "category", "text", "rubric"} <= set(data[0])


def test_unknown_track_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--track", "nope"]) == 1
    err = capsys.readouterr().err
    assert "no such track" in err and "ml-technical" in err


def test_practice_from_a_pipe_ends_with_a_graded_summary() -> None:
    r = run(
        "practice",
        "--track",
        "ml-full-loop",
        "--backend",
        "offline",
        "--questions",
        "2",
        stdin="my answer\n.\n",
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "Graded summary" in out
    assert "Overall score:" in out
    assert "Answered 1, skipped 0, not reached 1." in out
    assert "offline" in out.lower()
    # The answered-only score, in the words every report uses (export/view.py score_note).
    from interviewer.export.view import score_note
    from interviewer.storage.paths import app_paths
    from interviewer.storage.store import SessionStore

    with SessionStore(app_paths().database) as store:
        (row,) = store.list_sessions()
        report = store.get_report(row.id)
    assert report is not None
    note = score_note(report.summary)
    assert note.startswith("On the 1 answered question alone the score would be ")
    assert f"\n{note}\n" in out


def test_practice_full_interview_with_follow_ups_offline() -> None:
    answers = "".join(
        f"For question {i}: I would define the terms, give an example, discuss the "
        "trade-offs and how I measured the result.\n.\n"
        for i in range(12)
    )
    r = run(
        "practice",
        "--track",
        "ml-technical",
        "--backend",
        "offline",
        "--questions",
        "2",
        stdin=answers,
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("Interviewer:") >= 3  # two questions plus wrap-up (and follow-ups)
    assert "Answered 2, skipped 0, not reached 0." in r.stdout


def test_practice_without_key_falls_back_to_offline_with_notice() -> None:
    r = run("practice", "--track", "ml-technical", "--questions", "1", stdin="")
    assert r.returncode == 0, r.stderr
    assert "offline coach" in r.stderr
    assert "OPENAI_API_KEY" in r.stderr


def test_openai_backend_without_key_or_server_is_a_clear_error() -> None:
    r = run("practice", "--track", "ml-technical", "--backend", "openai", stdin="")
    assert r.returncode == 1
    assert "OPENAI_API_KEY" in r.stderr and "Traceback" not in r.stderr


def test_grade_json(tmp_path: Path) -> None:
    answer = tmp_path / "a.txt"
    answer.write_text(
        "Bias is error from overly simple assumptions, which causes underfitting; variance is "
        "sensitivity to the training sample, which causes overfitting. Regularization or more "
        "data lowers variance; a richer model lowers bias.",
        encoding="utf-8",
    )
    qid = json.loads(run("questions", "--track", "ml-technical", "--json").stdout)[0]["id"]
    r = run(
        "grade", "--question", qid, "--answer-file", str(answer), "--backend", "offline", "--json"
    )
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert 0 <= data["overall_score"] <= 100
    assert data["backend"] == "offline"
    assert isinstance(data["flags"], list)
    assert data["delivery"]["words"] == len(answer.read_text(encoding="utf-8").split())
    assert data["criteria"] and all(
        1 <= c["score"] <= 5 and "id" in c and "evidence" in c for c in data["criteria"]
    )


def test_grade_flags_empty_answer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["questions", "--json"]) == 0
    qid = json.loads(capsys.readouterr().out)[0]["id"]
    assert main(["grade", "--question", qid, "--answer", "", "--backend", "offline", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "empty" in data["flags"]
    assert data["overall_score"] == 0


def test_grade_missing_answer_file_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert (
        main(
            [
                "grade",
                "--question",
                "x",
                "--answer-file",
                str(tmp_path / "none.txt"),
                "--backend",
                "offline",
            ]
        )
        == 1
    )
    assert "error:" in capsys.readouterr().err


def test_cli_writes_only_under_interviewer_home(tmp_path: Path, interviewer_home: Path) -> None:
    fake_home = tmp_path / "fakehome"
    fake_home.mkdir()
    r = run(
        "practice",
        "--track",
        "ml-technical",
        "--questions",
        "1",
        stdin="answer\n.\n",
        env={"HOME": str(fake_home)},
    )
    assert r.returncode == 0, r.stderr
    assert list(fake_home.iterdir()) == []


def test_no_display_gives_a_clear_message_instead_of_a_qt_abort() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    r = subprocess.run(
        [sys.executable, "-m", "interviewer"], capture_output=True, text=True, timeout=60, env=env
    )
    assert r.returncode == 2
    assert "No graphical display" in r.stderr and "interviewer practice" in r.stderr


def test_display_problem_rules() -> None:
    from interviewer.cli import display_problem

    asked: list[str] = []

    def none_missing(plugin: str) -> list[str]:
        asked.append(plugin)
        return []

    assert display_problem({}, "darwin", none_missing) == ""
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", none_missing) == ""
    assert "No graphical display" in display_problem({}, "linux", none_missing)
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", none_missing) == ""
    assert display_problem({"DISPLAY": ":0"}, "linux", none_missing) == ""
    assert asked == ["offscreen", "wayland", "xcb"]


@contextlib.contextmanager
def pipe_reader(data: bytes, close: bool = True) -> Iterator[AnswerReader]:
    """An AnswerReader on a real pipe holding `data` (its writer closed unless told not)."""
    r, w = os.pipe()
    os.write(w, data)
    if close:
        os.close(w)
    with os.fdopen(r, "r", encoding="utf-8") as stream:
        try:
            yield AnswerReader(stream)
        finally:
            if not close:
                os.close(w)


def test_reader_handles_several_lines_arriving_at_once() -> None:
    with pipe_reader(b"first line\nsecond\n.\nnext answer\n.\n") as reader:
        assert reader.read(lambda: 10.0) == ("first line\nsecond", False)
        assert reader.read(lambda: 10.0) == ("next answer", False)
        assert reader.read(lambda: 10.0) == ("", False)
        assert reader.eof


def test_reader_deadline_keeps_half_typed_line_and_utf8() -> None:
    seen: list[str] = []
    with pipe_reader("déjà vu\nhalf a li".encode(), close=False) as reader:
        text, timed_out = reader.read(lambda: 0.2 if not seen else 0.0, on_line=seen.append)
    assert timed_out and text == "déjà vu\nhalf a li"
    assert seen == ["déjà vu"]


def test_reader_last_line_without_newline_at_end_of_input() -> None:
    with pipe_reader(b"no newline at the end") as reader:
        assert reader.read(lambda: 10.0) == ("no newline at the end", False)
        assert reader.eof


def test_broken_settings_file_warns_and_uses_defaults(interviewer_home: Path) -> None:
    (interviewer_home / "config").mkdir(parents=True)
    (interviewer_home / "config" / "settings.json").write_text("{not json", encoding="utf-8")
    r = run("practice", "--track", "ml-technical", "--questions", "1", stdin="an answer\n.\n")
    assert r.returncode == 0, r.stderr
    assert "settings.json is not valid" in r.stderr and "default settings" in r.stderr
    assert "Graded summary" in r.stdout
