"""Roll the per-question grades of one interview up into a session summary."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from pydantic import BaseModel, Field

from interviewer.core.engine import QuestionRecord


class QuestionResult(BaseModel):
    question_id: str
    category: str
    text: str
    status: str
    score: float | None = None  # 0-100; None when the grading failed
    flags: list[str] = Field(default_factory=list)


class SessionSummary(BaseModel):
    overall_score: float | None
    answered: int
    skipped: int
    unasked: int
    per_category: dict[str, float]
    per_criterion: dict[str, float]  # mean 1-5 score per criterion id
    questions: list[QuestionResult]
    signal: str
    signal_reason: str


def _signal(score: float | None) -> tuple[str, str]:
    if score is None:
        return "no signal", "No answer was graded."
    if score >= 75:
        return "hire", f"Overall {score:.0f}/100: strong, well-evidenced answers."
    if score >= 60:
        return "lean hire", f"Overall {score:.0f}/100: mostly solid, with gaps to close."
    if score >= 40:
        return "lean no hire", f"Overall {score:.0f}/100: key points were often missing."
    return "no hire", f"Overall {score:.0f}/100: most answers lacked the expected substance."


def summarize(records: Sequence[QuestionRecord]) -> SessionSummary:
    """Skipped questions count as 0: an honest score does not reward skipping."""
    results: list[QuestionResult] = []
    cat_scores: dict[str, list[float]] = defaultdict(list)
    crit_scores: dict[str, list[int]] = defaultdict(list)
    counted: list[float] = []
    for rec in records:
        q = rec.question
        if rec.status == "unasked" or rec.status == "asking":
            results.append(
                QuestionResult(question_id=q.id, category=q.category, text=q.text, status="unasked")
            )
            continue
        score: float | None
        flags: list[str] = []
        if rec.status == "skipped":
            score = 0.0
            flags = ["skipped"]
        elif rec.grade is not None:
            score = rec.grade.overall_score
            flags = list(rec.grade.flags)
            for c in rec.grade.criteria:
                crit_scores[c.criterion_id].append(c.score)
        else:
            score = None
        if score is not None:
            counted.append(score)
            cat_scores[q.category].append(score)
        results.append(
            QuestionResult(
                question_id=q.id,
                category=q.category,
                text=q.text,
                status=rec.status,
                score=score,
                flags=flags,
            )
        )
    overall = round(sum(counted) / len(counted), 1) if counted else None
    signal, reason = _signal(overall)
    return SessionSummary(
        overall_score=overall,
        answered=sum(1 for r in records if r.status == "answered"),
        skipped=sum(1 for r in records if r.status == "skipped"),
        unasked=sum(1 for r in records if r.status in ("unasked", "asking")),
        per_category={k: round(sum(v) / len(v), 1) for k, v in cat_scores.items()},
        per_criterion={k: round(sum(v) / len(v), 2) for k, v in crit_scores.items()},
        questions=results,
        signal=signal,
        signal_reason=reason,
    )
