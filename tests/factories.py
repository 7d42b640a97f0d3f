"""Small content objects for tests that must not depend on the shipped bank."""

from __future__ import annotations

from interviewer.core.models import (
    CriterionDraft,
    FollowUpDecision,
    GradeDraft,
    Question,
    Rubric,
    ScoreValue,
    Track,
)

LEVELS = {i: f"level {i} description" for i in range(1, 6)}


def rubric(rid: str = "technical") -> Rubric:
    return Rubric.model_validate(
        {
            "id": rid,
            "name": "Technical",
            "description": "d",
            "criteria": [
                {
                    "id": "correctness",
                    "name": "Correctness",
                    "weight": 3,
                    "description": "d",
                    "levels": LEVELS,
                },
                {
                    "id": "depth",
                    "name": "Depth",
                    "weight": 1,
                    "description": "d",
                    "levels": LEVELS,
                    "heuristic": "depth",
                },
            ],
        }
    )


def question(qid: str = "q1", seconds: int = 120, rubric_id: str = "technical") -> Question:
    return Question.model_validate(
        {
            "id": qid,
            "category": "technical",
            "text": f"Explain the bias-variance trade-off ({qid}).",
            "topics": ["bias-variance"],
            "difficulty": "medium",
            "answer_seconds": seconds,
            "key_points": [
                {
                    "id": "bias",
                    "text": "Bias is error from wrong assumptions.",
                    "terms": ["bias", "underfit"],
                },
                {
                    "id": "variance",
                    "text": "Variance is sensitivity to the sample.",
                    "terms": ["variance", "overfit"],
                },
            ],
            "follow_ups": [
                {"text": "How would you detect high variance?", "targets": ["variance"]},
                {"text": "What reduces bias?", "targets": ["bias"]},
            ],
            "rubric": rubric_id,
        }
    )


def track(limit: int = 1, minutes: int = 30, count: int = 2) -> Track:
    return Track(
        id="t",
        name="Test track",
        description="d",
        duration_minutes=minutes,
        question_count=count,
        categories=["technical"],
        follow_up_limit=limit,
    )


def draft(score: ScoreValue = 3, quote: str = "") -> GradeDraft:
    return GradeDraft(
        criteria=[
            CriterionDraft(
                criterion_id="correctness",
                evidence=[quote] if quote else [],
                reasoning="r",
                score=score,
            ),
            CriterionDraft(
                criterion_id="depth", evidence=[quote] if quote else [], reasoning="r", score=score
            ),
        ],
        star=[],
        missing_key_points=[],
        strengths=[],
        improvements=[],
        strong_answer=[],
        injection_attempt=False,
        summary="ok",
    )


def follow(text: str = "") -> FollowUpDecision:
    return FollowUpDecision(follow_up=bool(text), question=text, reason="r")


def coach_grade(qid: str, text: str, seconds: float = 60.0) -> tuple[float, list[str]]:
    """The offline coach's overall score and flags for `text` answered to the shipped
    question `qid`, graded as the app grades it (`llm.service.grade`)."""
    from interviewer.core.models import Turn
    from interviewer.core.requests import GradeRequest
    from interviewer.llm import service
    from interviewer.llm.offline import OfflineCoach
    from interviewer.storage.content_files import load_library

    lib = load_library()
    q = lib.question(qid)
    request = GradeRequest(
        request_id=1,
        question=q,
        rubric=lib.rubric_for(q),
        exchange=(
            Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
            Turn(role="candidate", kind="answer", text=text, question_id=q.id, seconds=seconds),
        ),
        answer_seconds=seconds,
    )
    grade = service.grade(OfflineCoach(), request, None)
    return grade.overall_score, list(grade.flags)
