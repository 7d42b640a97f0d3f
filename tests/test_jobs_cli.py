"""`interviewer plan`, `interviewer targets` and `interviewer practice --job` from the
command line (offline: the tests have no model and no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.cli import main

DATA = Path(__file__).parent / "data" / "jobs"


def run(*args: str, stdin: str = "", timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interviewer", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=dict(os.environ),
    )


def test_plan_json_is_exactly_the_documented_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--job",
            str(DATA / "recsys-mle.md"),
            "--questions",
            "4",
            "--json",
            "--backend",
            "offline",
        ]
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert list(data) == ["skills", "questions", "not_covered"]
    assert len(data["questions"]) == 4
    for q in data["questions"]:
        assert list(q) == ["id", "text", "skill", "reason", "generated"]
        assert q["generated"] is False and q["reason"]
    assert "recommendation systems" in data["skills"]
    assert set(data["not_covered"]) <= set(data["skills"])


def test_plan_text_with_a_cv(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "plan",
            "--job",
            str(DATA / "mlops-platform.md"),
            "--cv",
            str(DATA / "cv-sam.txt"),
            "--backend",
            "offline",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Staff MLOps / ML Platform Engineer · staff · MLOps / ML platform")
    assert "Why: The posting asks for" in out
    assert "Not covered: " in out and "kubernetes" in out
    assert "Planned offline: bank questions only" in out


def test_plan_skills_can_be_corrected(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "plan",
                "--job",
                str(DATA / "nlp-llm-engineer.txt"),
                "--json",
                "--backend",
                "offline",
                "--skills",
                "NLP, kubernetes",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["skills"] == ["nlp", "kubernetes"]
    assert data["not_covered"] == ["kubernetes"]


def test_bad_files_and_postings_are_clear_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("")
    assert main(["plan", "--job", str(empty), "--backend", "offline"]) == 1
    assert f"error: {empty}: is empty" in capsys.readouterr().err
    assert main(["plan", "--job", str(tmp_path / "gone.pdf"), "--backend", "offline"]) == 1
    assert "gone.pdf: no such job posting" in capsys.readouterr().err
    chef = tmp_path / "chef.txt"
    chef.write_text("Head Chef\nRun our kitchen, plan menus and train cooks. 5 years experience.")
    assert main(["plan", "--job", str(chef), "--backend", "offline"]) == 1
    err = capsys.readouterr().err
    assert "chef.txt: this posting has no machine-learning content" in err
    assert "ml-behavioral" in err
    assert main(["plan", "--job", str(DATA / "cv-sam.txt"), "--questions", "0"]) == 1
    assert "--questions must be between 1 and 50" in capsys.readouterr().err


def test_practice_requires_a_track_or_a_job(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["practice", "--backend", "offline"]) == 1
    assert "--track ID or --job FILE" in capsys.readouterr().err
    assert main(["practice", "--track", "ml-technical", "--cv", "x.md"]) == 1
    assert "--cv goes with --job" in capsys.readouterr().err


def test_targets_are_empty_at_first(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets"]) == 0
    assert "No saved targets yet" in capsys.readouterr().out
    assert main(["targets", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_practice_for_a_job_saves_the_target_and_readiness_grows() -> None:
    job = str(DATA / "nlp-llm-engineer.txt")
    answer = (
        "I would use a transformer such as BERT fine-tuned on labelled reviews for "
        "sentiment and aspects, with a TF-IDF and logistic regression baseline first, and "
        "topic modeling to find themes.\n.\n"
    )
    r = run(
        "practice",
        "--job",
        job,
        "--cv",
        str(DATA / "cv-maria.md"),
        "--questions",
        "2",
        "--backend",
        "offline",
        "--no-follow-ups",
        "--adaptive",
        stdin=answer * 2,
    )
    assert r.returncode == 0, r.stderr
    assert "LLM Applications Engineer (NLP) · mid · NLP / LLM applications" in r.stdout
    assert "Job: LLM Applications Engineer (NLP)" in r.stdout  # the interview's header
    assert "Graded summary" in r.stdout
    assert "Difficulty path: " in r.stdout
    t = run("targets", "--json")
    assert t.returncode == 0, t.stderr
    (target,) = json.loads(t.stdout)
    assert target["title"] == "LLM Applications Engineer (NLP)"
    assert target["sessions"] == 1
    practised = [s for s in target["readiness"] if s["asked"]]
    assert practised and all(s["latest_score"] is not None for s in practised)
    assert set(target["never_asked"]) == {s["skill"] for s in target["readiness"] if not s["asked"]}
    # The same posting and CV again: the same target, now with two sessions.
    r2 = run(
        "practice",
        "--job",
        job,
        "--cv",
        str(DATA / "cv-maria.md"),
        "--questions",
        "1",
        "--backend",
        "offline",
        "--no-follow-ups",
        stdin=answer,
    )
    assert r2.returncode == 0, r2.stderr
    (again,) = json.loads(run("targets", "--json").stdout)
    assert again["id"] == target["id"] and again["sessions"] == 2
    text = run("targets").stdout
    assert text.startswith(f"{target['id']}  ") and "(2 sessions, " in text
    assert "never asked: " in text
