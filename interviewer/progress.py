"""Progress and history as plain data, for the window and the terminal alike.

The window's Progress and History screens and the commands `interviewer progress` and
`interviewer sessions` show the same numbers because they get them here: scores over
time per category and per rubric criterion, the weakest topics and criteria, the
"practise my weak topics" selection, the history list's rows and summary, and the
conversion of what the store holds back into what the feedback screen shows. No Qt:
the widgets in `interviewer.gui.progress` and `interviewer.gui.history` only lay these
out, and `interviewer.commands_progress` prints them.

The numbers come from the finished sessions' stored reports, so they read the same after
the content files change. Weak topics are ranked by the average score of the questions
that carried the topic (a skipped question counts as 0, as in the session score), over
the most recent sessions only, so a topic that was weak months ago and has improved
drops off.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from interviewer.core.content import ContentLibrary
from interviewer.core.engine import QuestionRecord, QuestionStatus
from interviewer.core.models import Criterion, KeyPoint, Question, Rubric, Track, Turn
from interviewer.core.report import QuestionReport, Report
from interviewer.core.summary import SessionSummary, summarize
from interviewer.export.view import CATEGORY_NAMES
from interviewer.storage import session_files
from interviewer.storage.store import SessionRow, SessionStore, StoredSession, StoreError

__all__ = [
    "CATEGORY_NAMES",
    "LATEST_SESSIONS",
    "LISTED",
    "NOT_FINISHED",
    "PRACTICE_QUESTIONS",
    "RECENT_SESSIONS",
    "STATUS_TEXT",
    "WEAK_BELOW",
    "CriterionAverage",
    "Feedback",
    "Line",
    "Overview",
    "ProgressData",
    "SessionPoint",
    "TopicScore",
    "category_lines",
    "charted_rubrics",
    "criterion_lines",
    "feedback_from_report",
    "feedback_from_stored",
    "finished_reports",
    "format_duration",
    "history_summary",
    "local_time",
    "overview",
    "practice_topics",
    "practice_track",
    "progress_data",
    "progress_json",
    "score_text",
    "session_json",
    "session_labels",
    "status_text",
]

#: Weak topics and criteria are judged on this many of the most recent finished sessions.
RECENT_SESSIONS = 10
#: The headline's average is over this many of the most recent finished sessions.
LATEST_SESSIONS = 5
#: A topic averaging below this (the "hire" band) is worth practising.
WEAK_BELOW = 75.0
#: How many questions a weak-topics practice asks.
PRACTICE_QUESTIONS = 4
#: How many weakest topics and criteria the screen (and the terminal's text) lists.
LISTED = 5

# --------------------------------------------------------------------------- time and labels


def local_time(iso: str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC timestamp in the user's time zone; the raw text if it cannot be read."""
    try:
        when = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone().strftime(fmt)


def format_duration(seconds: float | None) -> str:
    """ "m:ss" or "h:mm:ss", rounded up like a kitchen timer; "–:––" when unknown."""
    if seconds is None:
        return "–:––"
    whole = max(0, int(seconds + 0.999))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def session_labels(started_at: Sequence[str]) -> list[str]:
    """One x-axis label per session, never two alike.

    The day ("05 Mar") when that is enough; the year too when the sessions span more
    than one; the time for sessions on a day that has several; a number for sessions in
    the same minute (or whose time cannot be read).
    """
    years = {local_time(t, "%Y") for t in started_at}
    day_fmt = "%d %b %Y" if len(years) > 1 else "%d %b"
    labels = [local_time(t, day_fmt) for t in started_at]
    counts: dict[str, int] = defaultdict(int)
    for label in labels:
        counts[label] += 1
    labels = [
        local_time(t, f"{day_fmt} %H:%M") if counts[label] > 1 else label
        for t, label in zip(started_at, labels, strict=True)
    ]
    seen: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    for label in labels:
        totals[label] += 1
    out = []
    for label in labels:
        if totals[label] > 1:
            seen[label] += 1
            label = f"{label} ({seen[label]})"
        out.append(label)
    return out


# --------------------------------------------------------------------------- scores over time


@dataclass(frozen=True)
class SessionPoint:
    """One finished session on the charts."""

    session_id: str
    started_at: str
    overall: float | None
    per_category: dict[str, float]
    #: rubric id -> criterion id -> average 1-5 score in this session
    per_criterion: dict[str, dict[str, float]]


@dataclass(frozen=True)
class TopicScore:
    topic: str
    average: float  # 0-100
    answers: int
    question_ids: tuple[str, ...]


@dataclass(frozen=True)
class CriterionAverage:
    rubric_id: str
    rubric_name: str
    criterion_id: str
    name: str
    average: float  # 1-5
    count: int


@dataclass
class ProgressData:
    points: list[SessionPoint] = field(default_factory=list)  # oldest first
    weak_topics: list[TopicScore] = field(default_factory=list)  # weakest first
    weak_criteria: list[CriterionAverage] = field(default_factory=list)  # weakest first
    #: rubric id -> (rubric name, [(criterion id, criterion name)]) in rubric order
    rubrics: dict[str, tuple[str, list[tuple[str, str]]]] = field(default_factory=dict)
    #: question id -> the latest score it got (for choosing practice questions)
    last_scores: dict[str, float] = field(default_factory=dict)


def _question_score(status: str, grade_score: float | None) -> float | None:
    if status == "skipped":
        return 0.0
    if status == "answered":
        return grade_score
    return None


def progress_data(reports: Sequence[Report], recent: int = RECENT_SESSIONS) -> ProgressData:
    """Charts, weak topics and weak criteria from finished sessions' reports (any order)."""
    data = ProgressData()
    ordered = sorted(reports, key=lambda r: r.started_at)
    for report in ordered:
        crit: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for q in report.questions:
            if q.rubric_id not in data.rubrics and q.criteria:
                data.rubrics[q.rubric_id] = (
                    q.rubric_name or q.rubric_id,
                    [(c.id, c.name) for c in q.criteria],
                )
            if q.grade is not None:
                for c in q.grade.criteria:
                    crit[q.rubric_id][c.criterion_id].append(c.score)
            score = _question_score(q.status, q.grade.overall_score if q.grade else None)
            if score is not None:
                data.last_scores[q.question_id] = score
        data.points.append(
            SessionPoint(
                session_id=report.session_id,
                started_at=report.started_at,
                overall=report.summary.overall_score,
                per_category=dict(report.summary.per_category),
                per_criterion={
                    rid: {cid: sum(v) / len(v) for cid, v in cs.items()} for rid, cs in crit.items()
                },
            )
        )

    topics: dict[str, list[float]] = defaultdict(list)
    topic_names: dict[str, str] = {}
    topic_questions: dict[str, list[str]] = defaultdict(list)
    crit_scores: dict[tuple[str, str], list[int]] = defaultdict(list)
    for report in ordered[-recent:] if recent > 0 else []:
        for q in report.questions:
            score = _question_score(q.status, q.grade.overall_score if q.grade else None)
            if score is None:
                continue
            for topic in q.topics:
                key = topic.lower()
                topic_names.setdefault(key, topic)
                topics[key].append(score)
                if q.question_id not in topic_questions[key]:
                    topic_questions[key].append(q.question_id)
            if q.grade is not None:
                for c in q.grade.criteria:
                    crit_scores[(q.rubric_id, c.criterion_id)].append(c.score)
    data.weak_topics = sorted(
        (
            TopicScore(topic_names[k], sum(v) / len(v), len(v), tuple(topic_questions[k]))
            for k, v in topics.items()
        ),
        key=lambda t: (t.average, -t.answers, t.topic.lower()),
    )
    names = {
        (rid, cid): (rname, cname)
        for rid, (rname, crits) in data.rubrics.items()
        for cid, cname in crits
    }
    data.weak_criteria = sorted(
        (
            CriterionAverage(
                rid,
                names.get((rid, cid), (rid, cid))[0],
                cid,
                names.get((rid, cid), (rid, cid.replace("_", " ").capitalize()))[1],
                sum(v) / len(v),
                len(v),
            )
            for (rid, cid), v in crit_scores.items()
        ),
        key=lambda c: (c.average, -c.count, c.name.lower()),
    )
    return data


def practice_topics(data: ProgressData, limit: int = 3) -> list[str]:
    """The topics a practice should cover: the weakest below the hire band, else the weakest."""
    weak = [t.topic for t in data.weak_topics if t.average < WEAK_BELOW]
    return (weak or [t.topic for t in data.weak_topics])[:limit]


def practice_track(
    library: ContentLibrary,
    topics: Sequence[str],
    data: ProgressData | None = None,
    count: int = PRACTICE_QUESTIONS,
) -> Track | None:
    """A track of questions on `topics`, built from the library track that fits them best.

    Each topic gets a question before any topic gets two; within a topic, questions not
    asked yet come first, then those that scored lowest. The track keeps the base track's
    id (so a resumed practice finds its persona and pace) and lists the questions
    explicitly, in order. None when no question in the bank carries those topics.
    """
    if not topics or not library.tracks:
        return None
    last = data.last_scores if data is not None else {}
    wanted = [t.lower() for t in topics]

    def rank(q: Question) -> tuple[int, float, str]:
        seen = q.id in last
        return (1 if seen else 0, last.get(q.id, 0.0), q.id)

    per_topic: list[list[Question]] = []
    for topic in wanted:
        pool = [q for q in library.questions.values() if topic in {t.lower() for t in q.topics}]
        per_topic.append(sorted(pool, key=rank))
    chosen: list[Question] = []
    while len(chosen) < count and any(per_topic):
        for pool in per_topic:
            while pool and pool[0] in chosen:
                pool.pop(0)
            if pool and len(chosen) < count:
                chosen.append(pool.pop(0))
    if not chosen:
        return None
    categories = list(dict.fromkeys(q.category for q in chosen))
    fitting = [t for t in library.tracks.values() if set(categories) <= set(t.categories)]
    base = min(
        fitting or list(library.tracks.values()),
        key=lambda t: (len(t.categories), t.id),
    )
    pace = base.duration_minutes / base.question_count
    shown = ", ".join(topics[:3])
    return base.model_copy(
        update={
            "name": f"Weak topics: {shown}",
            "description": (
                f"A practice interview on the topics you scored lowest on: {shown}. "
                f"{base.description}"
            ),
            "questions": [q.id for q in chosen],
            "question_count": len(chosen),
            "categories": categories,
            "topics": [],
            "selection": "ordered",
            "difficulty": "mixed",
            "duration_minutes": max(1, math.ceil(pace * len(chosen))),
        }
    )


# --------------------------------------------------------------------------- what is shown


@dataclass(frozen=True)
class Overview:
    """The Progress screen's headline numbers."""

    finished: int
    #: Mean overall score of the last `LATEST_SESSIONS` finished sessions that have one.
    latest_average: float | None
    latest_sessions: int
    #: How many of the most recent sessions the weak topics and criteria come from.
    weak_window: int
    practice_topics: list[str]

    @property
    def headline(self) -> str:
        if not self.finished:
            return "Your progress shows here after your first interview"
        if self.practice_topics:
            return f"Weakest topics: {', '.join(self.practice_topics)}"
        return "No topic graded yet"

    @property
    def subline(self) -> str:
        n = self.finished
        if not n:
            return (
                "Finish an interview to see your scores over time, per category and per "
                "rubric criterion, and the topics worth practising most."
            )
        avg = (
            f"; average of the last {self.latest_sessions}: {self.latest_average:.0f}"
            if self.latest_average is not None
            else ""
        )
        return (
            f"{n} finished interview{'s' if n != 1 else ''}{avg}. Weak topics come from "
            f"the last {self.weak_window}."
        )


def overview(data: ProgressData) -> Overview:
    n = len(data.points)
    scores = [p.overall for p in data.points[-LATEST_SESSIONS:] if p.overall is not None]
    return Overview(
        finished=n,
        latest_average=sum(scores) / len(scores) if scores else None,
        latest_sessions=len(scores),
        weak_window=min(n, RECENT_SESSIONS),
        practice_topics=practice_topics(data),
    )


@dataclass(frozen=True)
class Line:
    """One line of a chart: one value per session (oldest first), None where it has none."""

    key: str  # "overall", a category id, or a criterion id
    name: str
    values: list[float | None]


def category_lines(data: ProgressData) -> list[Line]:
    """The overall score, then each category's, per session (out of 100)."""
    lines = [Line("overall", "Overall", [p.overall for p in data.points])]
    for cat in sorted({c for p in data.points for c in p.per_category}):
        lines.append(
            Line(cat, CATEGORY_NAMES.get(cat, cat), [p.per_category.get(cat) for p in data.points])
        )
    return lines


def charted_rubrics(data: ProgressData) -> list[str]:
    """Rubrics with at least one graded criterion, in the order they were first met."""
    return [rid for rid in data.rubrics if any(rid in p.per_criterion for p in data.points)]


def criterion_lines(data: ProgressData, rubric_id: str) -> list[Line]:
    """Each of the rubric's criteria, per session (out of 5), in rubric order."""
    if rubric_id not in data.rubrics:
        return []
    return [
        Line(cid, name, [p.per_criterion.get(rubric_id, {}).get(cid) for p in data.points])
        for cid, name in data.rubrics[rubric_id][1]
    ]


def progress_json(data: ProgressData, unreadable: int = 0) -> dict[str, Any]:
    """Everything the Progress screen shows, as JSON-ready data (`interviewer progress --json`).

    Scores are unrounded: overall and category scores are out of 100, criterion scores
    out of 5. Sessions are oldest first; weak topics and criteria weakest first (the
    screen lists the first `LISTED`). See `interviewer.commands_progress` for each field.
    """
    ov = overview(data)
    labels = session_labels([p.started_at for p in data.points])
    return {
        "finished_sessions": ov.finished,
        "unreadable_reports": unreadable,
        "latest_average": ov.latest_average,
        "latest_average_sessions": ov.latest_sessions,
        "weak_window_sessions": ov.weak_window,
        "practice_topics": list(ov.practice_topics),
        "categories": [{"id": line.key, "name": line.name} for line in category_lines(data)[1:]],
        "rubrics": [
            {
                "id": rid,
                "name": data.rubrics[rid][0],
                "criteria": [{"id": cid, "name": name} for cid, name in data.rubrics[rid][1]],
            }
            for rid in charted_rubrics(data)
        ],
        "sessions": [
            {
                "session_id": p.session_id,
                "started_at": p.started_at,
                "label": label,
                "overall_score": p.overall,
                "per_category": dict(p.per_category),
                "per_criterion": {rid: dict(cs) for rid, cs in p.per_criterion.items()},
            }
            for p, label in zip(data.points, labels, strict=True)
        ],
        "weak_topics": [
            {
                "topic": t.topic,
                "average": t.average,
                "answers": t.answers,
                "question_ids": list(t.question_ids),
            }
            for t in data.weak_topics
        ],
        "weak_criteria": [
            {
                "rubric_id": c.rubric_id,
                "rubric_name": c.rubric_name,
                "criterion_id": c.criterion_id,
                "name": c.name,
                "average": c.average,
                "count": c.count,
            }
            for c in data.weak_criteria
        ],
    }


# --------------------------------------------------------------------------- the store


def finished_reports(store: SessionStore) -> tuple[list[Report], int]:
    """The finished sessions' reports, and how many could not be read.

    Slow (one read per session): the window runs it off the GUI thread. One unreadable
    report (a damaged row, a report an older version wrote) leaves the others in the
    charts and is counted; the store failing as a whole raises.
    """
    reports: list[Report] = []
    problems = 0
    for row in store.list_sessions("finished"):
        try:
            report = store.get_report(row.id)
        except StoreError:
            problems += 1
            continue
        if report is not None:
            reports.append(report)
    return reports, problems


# --------------------------------------------------------------------------- history rows

STATUS_TEXT = {"finished": "Finished", "abandoned": "Unfinished", "in_progress": "Interrupted"}


def status_text(row: SessionRow) -> str:
    """ "Finished", "Unfinished", "Interrupted"; "… (damaged)" when part of it cannot be read."""
    text = STATUS_TEXT.get(row.status, row.status)
    return f"{text} (damaged)" if row.damaged else text


def score_text(row: SessionRow) -> str:
    return f"{row.overall_score:.0f}" if row.overall_score is not None else "—"


def history_summary(rows: Sequence[SessionRow]) -> str:
    """ "3 interviews · 2 finished · average score 38" ("" for no sessions)."""
    if not rows:
        return ""
    finished = [r for r in rows if r.status == "finished"]
    scores = [r.overall_score for r in finished if r.overall_score is not None]
    n = len(rows)
    parts = [f"{n} interview{'s' if n != 1 else ''}", f"{len(finished)} finished"]
    if scores:
        parts.append(f"average score {sum(scores) / len(scores):.0f}")
    return " · ".join(parts)


def session_json(row: SessionRow) -> dict[str, Any]:
    """One session as `interviewer sessions --json` lists it."""
    return {
        "id": row.id,
        "track": row.track_id,
        "track_name": row.track_name,
        "started_at": row.started_at,
        "ended_at": row.ended_at,
        "status": row.status,
        "overall_score": row.overall_score,
        "answers": row.answers,
        "backend": row.backend,
        "duration_seconds": row.duration_seconds,
        #: null when the row is whole; else what cannot be read and what is kept.
        "damaged": row.damaged or None,
        #: recordings of spoken answers in the session's folder (names relative to it)
        "audio_files": session_files.audio_files(row.id),
    }


# --------------------------------------------------------------------------- stored -> feedback

#: What the feedback screen needs: the question records, the summary, the rubrics.
Feedback = tuple[list[QuestionRecord], SessionSummary, dict[str, Rubric]]

NOT_FINISHED = "the interview was not finished, so this answer was not graded."


def _rubric_from(q: QuestionReport) -> Rubric:
    """The rubric as the report recorded it (its wording may have changed since).

    Built without validation: it was valid when graded, and a report must always open.
    """
    criteria = [
        Criterion.model_construct(
            id=c.id,
            name=c.name,
            weight=c.weight,
            description=c.description,
            levels=dict(c.levels),
            star=None,
            heuristic="coverage",
        )
        for c in q.criteria
    ]
    return Rubric.model_construct(
        id=q.rubric_id,
        name=q.rubric_name or q.rubric_id,
        description=q.rubric_name or q.rubric_id,
        category=None,
        criteria=criteria,
    )


def _question_stub(
    qid: str,
    text: str,
    *,
    category: str = "other",
    topics: list[str] | None = None,
    difficulty: str = "",
    seconds: int = 0,
    key_points: list[str] | None = None,
    rubric_id: str = "",
    known: Question | None = None,
) -> Question:
    """A Question carrying what was recorded, for display only (not validated)."""
    ids = {k.text: k.id for k in known.key_points} if known is not None else {}
    points = [
        KeyPoint.model_construct(id=ids.get(t, f"kp{i}"), text=t, terms=[t])
        for i, t in enumerate(key_points or [], start=1)
    ]
    return Question.model_construct(
        id=qid,
        category=category,
        text=text,
        topics=list(topics or []),
        difficulty=difficulty,
        answer_seconds=seconds,
        key_points=points,
        follow_ups=[],
        rubric=rubric_id,
        strong_answer=list(known.strong_answer) if known is not None else [],
    )


def _status(value: str, turns: list[Turn]) -> QuestionStatus:
    if value in ("answered", "skipped", "unasked"):
        return cast(QuestionStatus, value)
    return "answered" if any(t.role == "candidate" for t in turns) else "unasked"


def feedback_from_report(report: Report, library: ContentLibrary | None = None) -> Feedback:
    """What FeedbackView needs, from a stored report, worded as it was when graded."""
    rubrics: dict[str, Rubric] = {}
    records: list[QuestionRecord] = []
    for q in report.questions:
        if q.rubric_id not in rubrics and q.criteria:
            rubrics[q.rubric_id] = _rubric_from(q)
        known = library.questions.get(q.question_id) if library is not None else None
        if known is None or known.text != q.text:
            question = _question_stub(
                q.question_id,
                q.text,
                category=q.category,
                topics=q.topics,
                difficulty=q.difficulty,
                seconds=q.suggested_seconds,
                key_points=q.key_points,
                rubric_id=q.rubric_id,
                known=known,
            )
        else:
            question = known
        records.append(
            QuestionRecord(
                question=question,
                status=_status(q.status, q.turns),
                turns=list(q.turns),
                grade=q.grade,
                grade_error=q.grade_error,
            )
        )
    return records, report.summary, rubrics


def feedback_from_stored(stored: StoredSession, library: ContentLibrary) -> Feedback:
    """An unfinished session as far as it went: answers, grades that arrived, the draft.

    The draft that was being typed is shown as an answer (it is the candidate's words),
    ungraded, so an interview that was never finished still loses nothing.
    """
    by_q: dict[str, list[Turn]] = {}
    for t in stored.turns:
        if t.question_id:
            by_q.setdefault(t.question_id, []).append(t)
    draft = stored.draft
    records: list[QuestionRecord] = []
    rubrics: dict[str, Rubric] = {}
    for qid in stored.plan.question_ids:
        turns = list(by_q.get(qid, []))
        if draft is not None and draft.question_id == qid and draft.text.strip():
            turns.append(Turn(role="candidate", kind="answer", text=draft.text, question_id=qid))
        question = library.questions.get(qid)
        if question is None:
            asked = next((t.text for t in turns if t.kind == "question"), qid)
            question = _question_stub(qid, asked)
        elif question.rubric in library.rubrics:
            rubrics[question.rubric] = library.rubrics[question.rubric]
        answers = [t for t in turns if t.role == "candidate"]
        status: QuestionStatus
        if any(not t.skipped for t in answers):
            status = "answered"
        elif answers:
            status = "skipped"
        else:
            status = "unasked"
        grade = stored.grades.get(qid)
        records.append(
            QuestionRecord(
                question=question,
                status=status,
                turns=turns,
                grade=grade,
                grade_error="" if grade is not None else NOT_FINISHED,
            )
        )
    summary = summarize(records)
    if stored.row.status != "finished":
        # Skips count as 0 but ungraded answers count as nothing, so a partial score
        # would mislead: show the grades that arrived, and no verdict.
        summary = summary.model_copy(
            update={
                "overall_score": None,
                "per_category": {},
                "signal": "no signal",
                "signal_reason": (
                    "Not finished, so there is no overall score. Grades that arrived "
                    "before it stopped are shown with their questions."
                ),
            }
        )
    return records, summary, rubrics
