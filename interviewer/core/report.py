"""A finished (or interrupted) interview as one self-contained, serialisable object.

The report carries the rubric wording it was graded with, so an export or a session
reopened from history reads the same even after the content files change.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from interviewer.core.cost import SessionUsage
from interviewer.core.engine import InterviewEngine
from interviewer.core.models import Grade, Rubric, Turn
from interviewer.core.summary import SessionSummary, summarize

REPORT_SCHEMA_VERSION = 1


class CriterionInfo(BaseModel):
    id: str
    name: str
    weight: float
    description: str
    levels: dict[int, str]


class QuestionReport(BaseModel):
    question_id: str
    category: str
    text: str
    topics: list[str]
    difficulty: str
    suggested_seconds: int
    rubric_id: str
    rubric_name: str
    criteria: list[CriterionInfo]
    key_points: list[str]
    status: str  # answered / skipped / unasked
    turns: list[Turn] = Field(default_factory=list)
    grade: Grade | None = None
    grade_error: str = ""


class Report(BaseModel):
    schema_version: int = REPORT_SCHEMA_VERSION
    session_id: str
    track_id: str
    track_name: str
    backend: str
    backend_label: str
    started_at: str  # ISO 8601, UTC
    ended_at: str
    duration_seconds: float
    ended_early: bool
    timed_out: bool
    questions: list[QuestionReport]
    summary: SessionSummary
    #: Tokens used and the estimated cost; absent when no model was called (offline coach).
    usage: SessionUsage | None = None


def _criteria(rubric: Rubric) -> list[CriterionInfo]:
    return [
        CriterionInfo(
            id=c.id, name=c.name, weight=c.weight, description=c.description, levels=dict(c.levels)
        )
        for c in rubric.criteria
    ]


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def build_report(
    engine: InterviewEngine,
    *,
    backend: str,
    backend_label: str,
    started_at: str,
    ended_at: str | None = None,
    session_id: str | None = None,
    usage: SessionUsage | None = None,
) -> Report:
    questions = []
    for rec in engine.records:
        q = rec.question
        rubric = engine.rubrics[q.rubric]
        questions.append(
            QuestionReport(
                question_id=q.id,
                category=q.category,
                text=q.text,
                topics=list(q.topics),
                difficulty=q.difficulty,
                suggested_seconds=q.answer_seconds,
                rubric_id=rubric.id,
                rubric_name=rubric.name,
                criteria=_criteria(rubric),
                key_points=[k.text for k in q.key_points],
                status="unasked" if rec.status in ("unasked", "asking") else rec.status,
                turns=list(rec.turns),
                grade=rec.grade,
                grade_error=rec.grade_error,
            )
        )
    return Report(
        session_id=session_id or uuid.uuid4().hex[:12],
        track_id=engine.track.id,
        track_name=engine.track.name,
        backend=backend,
        backend_label=backend_label,
        started_at=started_at,
        ended_at=ended_at or now_iso(),
        duration_seconds=round(engine.duration - engine.interview_seconds_left(), 1),
        ended_early=engine.ended_early,
        timed_out=engine.interview_timed_out,
        questions=questions,
        summary=summarize(engine.records),
        usage=usage,
    )
