"""A whole terminal interview through the real openai client against a loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.fake_openai_server import FakeOpenAIServer, Reply, error, json_content, text

QID = "tech-bias-variance"
ANSWER = (
    "High bias means the model underfits: its assumptions are too simple. "
    "High variance means it overfits to noise in the training sample."
)


def _kind(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name", "")
    blob = json.dumps(body.get("messages", []))
    if (
        name == "GradeDraft"
        or "GradeDraft" in blob
        or ("candidate_answer" in blob and "criteria" in blob)
    ):
        return "grade"
    if name == "FollowUpDecision" or ("follow_up" in blob and "FollowUpDecision" in blob):
        return "follow_up"
    return "turn"


def grade_reply(quote: str, score: int = 4) -> Reply:
    criteria = ["correctness", "coverage", "depth", "application", "communication"]
    return json_content(
        {
            "criteria": [
                {"criterion_id": c, "evidence": [quote], "reasoning": "covered", "score": score}
                for c in criteria
            ],
            "star": [],
            "missing_key_points": [],
            "strengths": ["Defines both terms."],
            "improvements": ["Mention how to diagnose it."],
            "strong_answer": ["Define bias", "Define variance"],
            "injection_attempt": False,
            "summary": "Solid.",
        },
        usage={
            "prompt_tokens": 1000,
            "completion_tokens": 200,
            "total_tokens": 1200,
            "prompt_tokens_details": {"cached_tokens": 100},
        },
    )


def run_cli(server: FakeOpenAIServer, *args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "interviewer",
            *args,
            "--backend",
            "openai",
            "--base-url",
            server.base_url,
            "--model",
            "fake-model",
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
    )


def _bias_variance_track(home: Path) -> str:
    """A user track that always asks the bias-variance question (the bank's pick is random)."""
    tracks = home / "data" / "content" / "tracks"
    tracks.mkdir(parents=True, exist_ok=True)
    (tracks / "bv.toml").write_text(
        'id = "bv-only"\nname = "Bias-variance"\ndescription = "One question."\n'
        'duration_minutes = 5\nquestion_count = 1\ncategories = ["technical"]\n'
        f'follow_up_limit = 1\nselection = "ordered"\nquestions = ["{QID}"]\n',
        encoding="utf-8",
    )
    return "bv-only"


def test_practice_against_a_local_server_streams_follows_up_and_grades(
    interviewer_home: Path,
) -> None:
    track = _bias_variance_track(interviewer_home)
    report = interviewer_home / "report.json"
    with FakeOpenAIServer() as server:

        def route(body: dict[str, Any]) -> Reply:
            kind = _kind(body)
            if kind == "grade":
                return grade_reply("High bias means the model underfits")
            if kind == "follow_up":
                asked = sum(
                    1 for m in body["messages"] if "How would you spot" in m.get("content", "")
                )
                if asked:
                    return json_content({"reason": "enough", "follow_up": False, "question": ""})
                return json_content(
                    {
                        "reason": "probe diagnosis",
                        "follow_up": True,
                        "question": "How would you spot high variance?",
                    }
                )
            if any("wrap" in m.get("content", "").lower() for m in body["messages"][-1:]):
                return text("Thanks, that is the end of our interview.")
            return text("Let's begin. Explain the bias-variance trade-off.")

        server.router = route
        r = run_cli(
            server,
            "practice",
            "--track",
            track,
            "--report",
            str(report),
            stdin=f"{ANSWER}\n.\nLearning curves: a big train/validation gap.\n.\n",
        )
    assert r.returncode == 0, r.stderr
    assert "Let's begin." in r.stdout
    assert "How would you spot high variance?" in r.stdout
    assert "score 75/100" in r.stdout  # 4/5 on every criterion
    assert '"High bias means the model underfits"' in r.stdout
    assert "offline" not in r.stdout.lower()
    assert all(b.get("model") == "fake-model" for b in server.chat_bodies)
    assert "Tokens: 1,000 prompt (100 cached) + 200 completion tokens in 1 request" in r.stdout
    assert "cost free (local server)" in r.stdout
    # The report keeps the same usage, in every format.
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["usage"]["prompt_tokens"] == 1000
    assert data["usage"]["cached_tokens"] == 100
    assert data["usage"]["completion_tokens"] == 200
    assert data["usage"]["local"] is True and data["usage"]["estimated_cost_usd"] == 0.0


def test_server_that_fails_grading_falls_back_to_offline_coach_marked() -> None:
    with FakeOpenAIServer() as server:

        def route(body: dict[str, Any]) -> Reply:
            if _kind(body) == "grade":
                return error(401, "bad key", type_="invalid_request_error")
            return text("Explain the bias-variance trade-off.")

        server.router = route
        r = run_cli(server, "grade", "--question", QID, "--answer", ANSWER, "--json", stdin="")
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert "offline_fallback" in data["flags"]
    assert data["backend"] == "offline"
    assert "model failed" in data["summary"]


@pytest.mark.parametrize("status", [401, 404])
def test_dead_model_during_interview_lets_offline_coach_stand_in(status: int) -> None:
    with FakeOpenAIServer() as server:
        server.router = lambda body: error(
            status, "nope", code="model_not_found" if status == 404 else None
        )
        r = run_cli(
            server,
            "practice",
            "--track",
            "ml-technical",
            "--questions",
            "1",
            stdin=f"{ANSWER}\n.\n",
        )
    assert r.returncode == 0, r.stderr
    assert "offline coach stands in" in r.stderr
    assert "Graded summary" in r.stdout
    assert "offline_fallback" in r.stdout
