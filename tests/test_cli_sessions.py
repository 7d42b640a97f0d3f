"""Sessions from the command line: stored, listed, resumed, reported; the key never written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.fake_openai_server import FakeOpenAIServer, json_content, text
from tests.test_cli import run
from tests.test_cli_openai import _kind, grade_reply

ANSWER = "Bias is error from simple assumptions (underfitting); variance is overfitting to noise."


def _sessions() -> list[dict[str, object]]:
    r = run("sessions", "--json")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert isinstance(data, list)
    return data


def test_practice_is_stored_listed_and_reported(tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    report.parent.mkdir()
    r = run(
        "practice",
        "--track",
        "ml-technical",
        "--questions",
        "1",
        "--backend",
        "offline",
        "--no-follow-ups",
        "--report",
        str(report),
        stdin=f"{ANSWER}\n.\n",
    )
    assert r.returncode == 0, r.stderr
    assert report.exists()
    (row,) = _sessions()
    assert {"id", "track", "started_at", "status", "overall_score", "answers"} <= set(row)
    assert row["track"] == "ml-technical" and row["status"] == "finished" and row["answers"] == 1
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["session_id"] == row["id"]
    md = tmp_path / "again.md"
    r = run("report", str(row["id"]), "-o", str(md))
    assert r.returncode == 0, r.stderr
    assert ANSWER.split(";")[0] in md.read_text(encoding="utf-8")


def test_a_terminal_interview_logs_its_model_calls_for_calls_and_regrade() -> None:
    r = run(
        "practice",
        "--track",
        "ml-technical",
        "--questions",
        "1",
        "--backend",
        "offline",
        "--no-follow-ups",
        stdin=f"{ANSWER}\n.\n",
    )
    assert r.returncode == 0, r.stderr
    (row,) = _sessions()
    sid = str(row["id"])
    r = run("calls", sid, "--json")
    assert r.returncode == 0, r.stderr
    calls = json.loads(r.stdout)
    # The question comes first; the grade and the wrap-up turn then run at the same time,
    # so either may start first (the log is in start order).
    kinds = [c["kind"] for c in calls]
    assert kinds[0] == "turn" and sorted(kinds[1:]) == ["grade", "turn"], kinds
    for c in calls:
        assert {"kind", "model", "mode", "usage", "latency_seconds", "raw_reply", "error"} <= set(c)
    r = run("regrade", sid, "--backend", "offline", "--json")
    assert r.returncode == 0, r.stderr
    (graded,) = json.loads(r.stdout)
    assert graded["old"]["overall_score"] == row["overall_score"]
    assert graded["new"]["overall_score"] is not None


def test_bad_report_extension_fails_before_the_interview() -> None:
    r = run("practice", "--track", "ml-technical", "--report", "x.docx", stdin=f"{ANSWER}\n.\n")
    assert r.returncode == 1
    assert ".md" in r.stderr and "x.docx" in r.stderr
    assert _sessions() == []


def test_unknown_session_is_a_clear_error() -> None:
    r = run("report", "nope", "-o", "x.md")
    assert r.returncode == 1 and "No session 'nope'" in r.stderr
    r = run("resume", "nope")
    assert r.returncode == 1 and "nope" in r.stderr and "Traceback" not in r.stderr


def test_interrupted_interview_resumes_with_its_draft() -> None:
    """The interruption is built through the store, as a killed process leaves it."""
    from interviewer.core.models import Turn
    from interviewer.storage.content_files import load_library
    from interviewer.storage.paths import app_paths
    from interviewer.storage.store import SessionPlan, SessionStore

    lib = load_library(None)
    q1, q2 = "tech-bias-variance", "tech-overfitting"
    store = SessionStore.open(app_paths().database)
    sid = store.create_session(
        track_id="ml-technical",
        track_name="ML Technical",
        backend="offline",
        backend_label="Offline coach",
        plan=SessionPlan(question_ids=[q1, q2], duration_seconds=600, follow_ups=False),
    )
    store.add_turn(
        sid, Turn(role="interviewer", kind="question", text=lib.question(q1).text, question_id=q1)
    )
    store.add_turn(
        sid, Turn(role="candidate", kind="answer", text=ANSWER, question_id=q1, seconds=50)
    )
    store.add_turn(
        sid, Turn(role="interviewer", kind="question", text=lib.question(q2).text, question_id=q2)
    )
    store.save_draft(sid, q2, "Overfitting is when the training error", 100.0, 500.0)
    store.close()
    r = run(
        "resume",
        sid,
        "--backend",
        "offline",
        stdin="keeps falling but validation error rises.\n.\n",
    )
    assert r.returncode == 0, r.stderr
    assert "Overfitting is when the training error" in r.stdout
    assert "[1:40 for this answer · 8:20 left in the interview]" in r.stdout
    (row,) = _sessions()
    assert row["status"] == "finished" and row["answers"] == 2
    assert r.stdout.count("score ") == 2  # the summary grades both questions
    again = run("resume", sid)
    assert again.returncode == 1 and "already finished" in again.stderr


@pytest.mark.parametrize("backend", ["offline", "openai"])
def test_api_key_is_never_written_anywhere(
    interviewer_home: Path, tmp_path: Path, backend: str
) -> None:
    key = "sk-test-FAKE-KEY-0123456789abcdefXYZ"
    report = tmp_path / "r.json"
    with FakeOpenAIServer() as server:
        server.router = lambda body: (
            grade_reply("Bias is error")
            if _kind(body) == "grade"
            else json_content({"reason": "r", "follow_up": False, "question": ""})
            if _kind(body) == "follow_up"
            else text("Next question, please answer it.")
        )
        extra = (
            ["--base-url", server.base_url, "--model", "fake-model"] if backend == "openai" else []
        )
        r = run(
            "practice",
            "--track",
            "ml-full-loop",
            "--questions",
            "2",
            "--backend",
            backend,
            *extra,
            "--report",
            str(report),
            stdin=f"{ANSWER}\n.\nmore\n.\nand more\n.\n",
            env={"OPENAI_API_KEY": key},
        )
        if backend == "openai":
            assert server.chat_bodies, "the model was never called"
            assert all(
                {k.lower(): v for k, v in req.headers.items()}.get("authorization")
                == f"Bearer {key}"
                for req in server.requests
            )
    assert r.returncode == 0, r.stderr
    files = [p for p in interviewer_home.rglob("*") if p.is_file()]
    assert any(p.suffix == ".sqlite3" for p in files)
    for p in [*files, report]:
        assert key.encode() not in p.read_bytes(), f"API key found in {p}"
    assert key not in r.stdout and key not in r.stderr
