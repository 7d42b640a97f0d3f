"""`interviewer plan`, `interviewer targets` and `interviewer practice --job` from the
command line (offline: the tests have no model and no network)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import main
from tests.test_cli import run

DATA = Path(__file__).parent / "data" / "jobs"


def practise_offline(
    *args: str, questions: int = 1, answers: str
) -> subprocess.CompletedProcess[str]:
    """`interviewer practice ARGS` with the offline coach, no follow-ups and `questions`
    questions, answered from `answers` (one answer per question, each ending in '.')."""
    return run(
        "practice",
        *args,
        "--questions",
        str(questions),
        "--backend",
        "offline",
        "--no-follow-ups",
        stdin=answers,
    )


def saved_targets(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """`interviewer targets --json`, in this process (the database is the same)."""
    capsys.readouterr()
    assert main(["targets", "--json"]) == 0
    data: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return data


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


def test_practice_for_a_job_saves_the_target_and_readiness_grows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    job = str(DATA / "nlp-llm-engineer.txt")
    answer = (
        "I would use a transformer such as BERT fine-tuned on labelled reviews for "
        "sentiment and aspects, with a TF-IDF and logistic regression baseline first, and "
        "topic modeling to find themes.\n.\n"
    )
    r = practise_offline(
        "--job",
        job,
        "--cv",
        str(DATA / "cv-maria.md"),
        "--adaptive",
        questions=2,
        answers=answer * 2,
    )
    assert r.returncode == 0, r.stderr
    assert "LLM Applications Engineer (NLP) · mid · NLP / LLM applications" in r.stdout
    assert "Job: LLM Applications Engineer (NLP)" in r.stdout  # the interview's header
    assert "Graded summary" in r.stdout
    assert "Difficulty path: " in r.stdout
    (target,) = saved_targets(capsys)
    assert target["title"] == "LLM Applications Engineer (NLP)"
    assert target["sessions"] == 1
    practised = [s for s in target["readiness"] if s["asked"]]
    assert practised and all(s["latest_score"] is not None for s in practised)
    assert set(target["never_asked"]) == {s["skill"] for s in target["readiness"] if not s["asked"]}
    # The same posting and CV again: the same target, now with two sessions.
    r2 = practise_offline("--job", job, "--cv", str(DATA / "cv-maria.md"), answers=answer)
    assert r2.returncode == 0, r2.stderr
    (again,) = saved_targets(capsys)
    assert again["id"] == target["id"] and again["sessions"] == 2
    assert main(["targets"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"{target['id']}  ") and "(2 sessions, " in text
    assert "never asked: " in text


def test_plan_with_a_model_on_a_local_server(capsys: pytest.CaptureFixture[str]) -> None:
    """The real OpenAI client against a loopback server: the posting's profile and a
    tailored question come back as structured output; the CV went to the (local) model,
    which needs no privacy notice since nothing leaves the machine."""
    from tests.fake_openai_server import FakeOpenAIServer, json_content

    profile = {
        "title": "LLM Applications Engineer",
        "skills": ["LLMs", "RAG", "Kubernetes"],
        "seniority": "mid",
        "domain": "nlp_llm",
        "ml_content": True,
        "cv_projects": ["Recipe recommender"],
    }
    question = {
        "skill": "RAG",
        "about": "the CV's recipe recommender",
        "category": "technical",
        "difficulty": "medium",
        "text": "How would you add retrieval over recipe texts to your recipe recommender?",
        "topics": ["retrieval-augmented generation"],
        "key_points": [
            {"text": "Chunk recipes by section.", "terms": ["chunk", "section"]},
            {"text": "Embed and index the chunks.", "terms": ["embedding", "index"]},
        ],
        "follow_ups": ["How big are the chunks?", "How do you evaluate retrieval?"],
        "strong_answer": ["Chunk, embed, index, evaluate recall at k."],
    }
    with FakeOpenAIServer() as server:
        server.enqueue(json_content(profile), json_content({"questions": [question]}))
        code = main(
            [
                "plan",
                "--job",
                str(DATA / "nlp-llm-engineer.txt"),
                "--cv",
                str(DATA / "cv-maria.md"),
                "--json",
                "--questions",
                "3",
                "--backend",
                "openai",
                "--base-url",
                server.base_url,
                "--model",
                "fake-model",
            ]
        )
        bodies = server.chat_bodies
    captured = capsys.readouterr()
    assert code == 0, captured.err
    data = json.loads(captured.out)
    assert data["skills"] == [
        "large language models",
        "retrieval-augmented generation",
        "kubernetes",
    ]
    first = data["questions"][0]
    assert first["generated"] is True and first["id"].startswith("gen-")
    assert first["skill"] == "retrieval-augmented generation"
    assert data["not_covered"] == ["kubernetes"]
    assert len(bodies) == 2
    sent = json.dumps(bodies[0])
    assert "Recipe recommender: a two-tower retrieval model" in sent  # the CV, to the model
    assert "Sending to" not in captured.err  # a local server: nothing leaves the machine


def test_practise_the_gaps_of_a_saved_target(capsys: pytest.CaptureFixture[str]) -> None:
    answer = "I would fine-tune a transformer and evaluate it on a held-out set.\n.\n"
    first = practise_offline("--job", str(DATA / "mlops-platform.md"), answers=answer)
    assert first.returncode == 0, first.stderr
    (target,) = saved_targets(capsys)
    asked_before = {s["skill"] for s in target["readiness"] if s["asked"]}
    gaps = practise_offline("--target", target["id"][:6], "--gaps", answers=answer)
    assert gaps.returncode == 0, gaps.stderr
    plan_part = gaps.stdout.split("Graded summary")[0]
    assert "Skills: " in plan_part
    skills_line = next(x for x in plan_part.splitlines() if x.startswith("Skills: "))
    # The gaps: no skill asked before and graded 60 or more is planned again.
    planned = set(skills_line.removeprefix("Skills: ").split(", "))
    strong = {
        s["skill"] for s in target["readiness"] if s["asked"] and (s["latest_score"] or 0) >= 60
    }
    assert not planned & strong
    assert planned - asked_before  # a never-asked skill is planned
    (after,) = saved_targets(capsys)
    assert after["sessions"] == 2
    assert main(["practice", "--track", "ml-technical", "--gaps", "--backend", "offline"]) == 1
    assert "--gaps goes with --target ID" in capsys.readouterr().err
    assert main(["practice", "--target", "nope", "--backend", "offline"]) == 1
    assert "No saved target 'nope'" in capsys.readouterr().err


def test_plan_save_keeps_a_target(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "plan",
        "--job",
        str(DATA / "recsys-mle.md"),
        "--json",
        "--save",
        "--backend",
        "offline",
    ]
    assert main(args) == 0
    captured = capsys.readouterr()
    json.loads(captured.out)  # still one JSON document
    assert "Saved as target " in captured.err
    assert main(args) == 0  # the same posting again: the same target
    (target,) = saved_targets(capsys)
    assert target["title"] == "Senior Machine Learning Engineer, Recommendations"
    assert target["id"] in captured.err and target["sessions"] == 0
    assert main(["targets", "--delete", str(target["id"])[:5]]) == 0
    assert "its sessions stay in history" in capsys.readouterr().out
    assert saved_targets(capsys) == []
    assert main(["targets", "--delete", "nope"]) == 1
    assert "No saved target 'nope'" in capsys.readouterr().err
