"""Roll the per-question grades of one interview up into a session summary.

Scoring policy: the overall score is the mean over every question the interview was
planned with. A skipped question counts as 0, and so does a question never reached
because the candidate ended early or the interview clock ran out: ending an interview
must never score better than finishing it. What the answered questions alone would
score is kept beside it (`answered_only_score`), so the report can say both plainly.
An answer whose grading failed is left out of both (that is not the candidate's doing).
"""

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
    score: float | None = None  # 0-100; None when the grading failed or it was not reached
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
    #: Questions not reached that were counted as 0 in overall_score. Reports saved
    #: before this policy (schema 1) load with 0: their score left those questions out.
    not_reached: int = 0
    #: The mean over the answered (graded) questions only: no skips, nothing unreached.
    answered_only_score: float | None = None


#: (lowest overall score, signal, what answers at that level were like), best first.
_BANDS = (
    (75.0, "hire", "strong, well-evidenced answers"),
    (60.0, "lean hire", "mostly solid, with gaps to close"),
    (40.0, "lean no hire", "key points were often missing"),
    (0.0, "no hire", "most answers lacked the expected substance"),
)


def _band(score: float) -> tuple[str, str]:
    return next((signal, words) for low, signal, words in _BANDS if score >= low)


def _signal(score: float | None) -> tuple[str, str]:
    if score is None:
        return "no signal", "No answer was graded."
    signal, words = _band(score)
    return signal, f"Overall {score:.0f}/100: {words}."


def not_reached_sentence(not_reached: int, total: int) -> str:
    """'2 of 4 questions were not reached and count as 0.' ('' when none)."""
    if not not_reached:
        return ""
    noun = "question" if total == 1 else "questions"
    verb = "was" if not_reached == 1 else "were"
    count = "counts" if not_reached == 1 else "count"
    return f"{not_reached} of {total} {noun} {verb} not reached and {count} as 0."


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def summarize(records: Sequence[QuestionRecord]) -> SessionSummary:
    """Skipped and unreached questions count as 0: an honest score rewards neither."""
    results: list[QuestionResult] = []
    cat_scores: dict[str, list[float]] = defaultdict(list)
    crit_scores: dict[str, list[int]] = defaultdict(list)
    counted: list[float] = []
    answered_scores: list[float] = []
    not_reached = 0
    for rec in records:
        q = rec.question
        if rec.status == "unasked" or rec.status == "asking":
            not_reached += 1
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
            answered_scores.append(score)
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
    # Nothing asked was scored (every grading failed, or it ended before any answer):
    # there is nothing to hold the unreached zeros against, so there is no score at all.
    overall = _mean(counted + [0.0] * not_reached) if counted else None
    signal, reason = _signal(overall)
    sentence = not_reached_sentence(not_reached, len(records))
    if overall is not None and sentence:
        # The low score comes from quitting, not from the answers: say which is which.
        reached = _mean(counted)
        assert reached is not None  # counted is non-empty whenever overall is set
        reason = (
            f"Overall {overall:.0f}/100: {sentence} "
            f"The questions reached scored {reached:.0f}/100: {_band(reached)[1]}."
        )
    return SessionSummary(
        overall_score=overall,
        answered=sum(1 for r in records if r.status == "answered"),
        skipped=sum(1 for r in records if r.status == "skipped"),
        unasked=not_reached,
        per_category={k: round(sum(v) / len(v), 1) for k, v in cat_scores.items()},
        per_criterion={k: round(sum(v) / len(v), 2) for k, v in crit_scores.items()},
        questions=results,
        signal=signal,
        signal_reason=reason,
        not_reached=not_reached if overall is not None else 0,
        answered_only_score=_mean(answered_scores),
    )
