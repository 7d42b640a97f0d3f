"""A finished (or interrupted) interview as one self-contained, serialisable object.

The report carries the rubric wording it was graded with, so an export or a session
reopened from history reads the same even after the content files change.
"""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, Field

from interviewer.core.cost import SessionUsage
from interviewer.core.engine import InterviewEngine, QuestionRecord
from interviewer.core.models import Grade, Question, Rubric, Turn
from interviewer.core.summary import SessionSummary, summarize

#: Ids of questions a model wrote for a job target start with this (core/jobs.py).
GENERATED_PREFIX = "gen-"
#: 2: unreached questions count as 0 (summary.not_reached, summary.answered_only_score);
#: questions carry strong_answer. Version 1 reports still load (the new fields default).
REPORT_SCHEMA_VERSION = 2


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
    #: The question's own outline of a strong answer (empty in schema 1 reports).
    strong_answer: list[str] = Field(default_factory=list)
    status: str  # answered / skipped / unasked
    turns: list[Turn] = Field(default_factory=list)
    grade: Grade | None = None
    grade_error: str = ""
    #: Written by a model for this candidate's job target (issue 17), not from the bank.
    generated: bool = False


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
    #: Adaptive difficulty was on: each question's level followed the last answer's grade.
    adaptive: bool = False
    #: The level of each question asked, in order (easy / medium / hard).
    difficulty_path: list[str] = Field(default_factory=list)
    #: Beside `difficulty_path`, one per question asked: why its level is not the one the
    #: last grade asked for, in plain words ("" when it is); empty in older reports.
    difficulty_reasons: list[str] = Field(default_factory=list)


def criterion_infos(rubric: Rubric) -> list[CriterionInfo]:
    return [
        CriterionInfo(
            id=c.id, name=c.name, weight=c.weight, description=c.description, levels=dict(c.levels)
        )
        for c in rubric.criteria
    ]


def _named_key_points(grade: Grade | None, question: Question) -> Grade | None:
    """Graders may name a missed key point by its id: store the key point's words instead."""
    if grade is None:
        return None
    by_id = {k.id: k.text for k in question.key_points}
    named = [by_id.get(m, m) for m in grade.missing_key_points]
    if named == grade.missing_key_points:
        return grade
    return grade.model_copy(update={"missing_key_points": named})


def question_report(rec: QuestionRecord, rubric: Rubric | None) -> QuestionReport:
    """One question as reports (and the feedback screen, through the view) show it.

    `rubric` is None only when a stored session names a rubric no longer installed.
    """
    q = rec.question
    return QuestionReport(
        question_id=q.id,
        category=q.category,
        text=q.text,
        topics=list(q.topics),
        difficulty=q.difficulty,
        suggested_seconds=q.answer_seconds,
        rubric_id=rubric.id if rubric is not None else q.rubric,
        rubric_name=rubric.name if rubric is not None else "",
        criteria=criterion_infos(rubric) if rubric is not None else [],
        key_points=[k.text for k in q.key_points],
        strong_answer=list(q.strong_answer),
        status="unasked" if rec.status in ("unasked", "asking") else rec.status,
        turns=list(rec.turns),
        grade=_named_key_points(rec.grade, q),
        grade_error=rec.grade_error,
        generated=q.id.startswith(GENERATED_PREFIX),
    )


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
    questions = [
        question_report(rec, engine.rubrics[rec.question.rubric]) for rec in engine.records
    ]
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
        adaptive=engine.adaptive,
        difficulty_path=engine.difficulty_path,
        difficulty_reasons=engine.difficulty_reasons,
    )
