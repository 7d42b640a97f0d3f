"""Scoring policy: questions not reached count as 0, so ending early never pays.

Issue 11: ending a four-question interview after one half-typed answer scored 50/100,
more than a finished interview with one strong and one junk answer (40). A question the
candidate never reached (they ended early, or the interview clock ran out) now counts
as 0 in the overall score and the hire signal, the report says so plainly, and it says
what the answered questions alone would have scored.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedFollowUp, NeedTurn
from interviewer.core.models import CriterionScore, Grade, Track
from interviewer.core.report import Report, build_report
from interviewer.core.summary import summarize
from interviewer.export import to_html, to_json, to_markdown
from interviewer.export.json_export import from_json
from interviewer.export.view import build_view
from tests.factories import follow, question, rubric


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def grade(qid: str, score: float) -> Grade:
    level = max(1, min(5, round(1 + score / 25)))
    return Grade(
        question_id=qid,
        rubric_id="technical",
        criteria=[
            CriterionScore(criterion_id="correctness", score=level),
            CriterionScore(criterion_id="depth", score=level),
        ],
        overall_score=score,
        backend="test",
    )


def track(n: int) -> Track:
    return Track(
        id="t",
        name="Test track",
        description="d",
        duration_minutes=30,
        question_count=n,
        categories=["technical"],
        follow_up_limit=0,
    )


def interview(
    scores: list[float], answered: int, *, minutes: float = 30, time_out: bool = False
) -> Report:
    """Run an interview of len(scores) questions; answer `answered` of them, then stop.

    Stopping is ending early (the last answer is a half-typed draft kept by end_early),
    or, with `time_out`, letting the interview clock run out on the next answer.
    """
    clock = FakeClock()
    questions = [question(f"q{i}") for i in range(len(scores))]
    engine = InterviewEngine(
        track(len(scores)),
        questions,
        {"technical": rubric()},
        duration_seconds=minutes * 60,
        clock=clock,
    )
    engine.start()
    for i in range(len(scores)):
        assert isinstance(engine.need(), NeedTurn)
        engine.on_interviewer_text(f"Question {i}")
        assert isinstance(engine.need(), NeedAnswer)
        if i == answered - 1 and answered < len(scores) and not time_out:
            clock.now += 30
            engine.update_draft("Bias is error from wrong assumptions, and var")
            engine.end_early()
            break
        if time_out and i == answered - 1:
            clock.now += minutes * 60 + 1  # the clock runs out during this answer
            engine.tick()
            break
        clock.now += 60
        engine.submit_answer(f"Answer {i}: bias is underfitting and variance is overfitting.")
        if isinstance(engine.need(), NeedFollowUp):
            engine.on_follow_up(follow(""))
    while isinstance(engine.need(), NeedTurn):
        engine.on_interviewer_text("Thanks.")
    for req in engine.take_grading_requests():
        n = int(req.question.id[1:])
        engine.on_grade(req.request_id, grade(req.question.id, scores[n]))
    return build_report(
        engine,
        backend="scripted",
        backend_label="Scripted",
        started_at="2024-05-01T14:03:00+00:00",
        ended_at="2024-05-01T14:20:00+00:00",
        session_id="policy",
    )


# --------------------------------------------------------------------------- the issue


def test_ending_after_one_half_typed_answer_scores_below_a_finished_interview() -> None:
    quit_early = interview([50, 90, 90, 90], answered=1)
    assert [q.status for q in quit_early.questions] == ["answered", *["unasked"] * 3]
    finished = interview([80, 0], answered=2)  # one strong and one junk answer: 40
    assert finished.summary.overall_score == 40
    s = quit_early.summary
    assert s.overall_score == 12.5  # 50 and three zeros, not 50
    assert s.overall_score < finished.summary.overall_score
    assert s.answered_only_score == 50
    assert (s.unasked, s.not_reached) == (3, 3)
    assert s.signal == "no hire"
    assert "3 of 4 questions were not reached and count as 0." in s.signal_reason


def test_a_strong_answer_then_quitting_is_not_called_weak() -> None:
    """The verdict blames the unreached questions, not the one strong answer."""
    s = interview([90, 90, 90], answered=1).summary
    assert s.signal == "no hire"
    assert "lacked the expected substance" not in s.signal_reason
    assert "2 of 3 questions were not reached" in s.signal_reason
    assert "The questions reached scored 90/100: strong, well-evidenced answers." in (
        s.signal_reason
    )


def test_a_timed_out_interview_counts_the_rest_as_zero() -> None:
    report = interview([70, 70, 70], answered=2, minutes=1.5, time_out=True)
    assert report.timed_out
    s = report.summary
    assert [q.status for q in report.questions] == ["answered", "answered", "unasked"]
    assert s.overall_score == pytest.approx(46.7)
    assert s.answered_only_score == 70
    assert "1 of 3 questions was not reached and counts as 0." in s.signal_reason


def test_the_report_says_it_plainly_in_every_format() -> None:
    report = interview([50, 90, 90, 90], answered=1)
    view = build_view(report)
    assert view.counts == "1 answered, 3 not reached (counted as 0)."
    assert view.score_note == "On the 1 answered question alone the score would be 50/100."
    plain = "3 of 4 questions were not reached and count as 0."
    for text in (to_markdown(report), to_html(report)):
        flat = " ".join(text.replace("\\", "").split())
        assert plain in flat
        assert "On the 1 answered question alone the score would be 50/100." in flat
        assert "Overall 12/100" in flat  # 12.5, the same rounding everywhere
    data = json.loads(to_json(report))
    assert data["summary"]["not_reached"] == 3
    assert data["summary"]["answered_only_score"] == 50
    assert data["summary"]["overall_score"] == 12.5


def test_ending_before_any_answer_gives_no_score_and_no_signal() -> None:
    s = summarize(_records([None, None, None], ["unasked"] * 3))
    assert s.overall_score is None and s.signal == "no signal"
    assert s.not_reached == 0 and s.unasked == 3  # nothing was counted as 0
    assert "count as 0" not in s.signal_reason


# --------------------------------------------------------------------------- the property


def _records(scores: list[float | None], statuses: list[str]) -> list:
    from interviewer.core.engine import QuestionRecord

    out = []
    for i, (score, status) in enumerate(zip(scores, statuses, strict=True)):
        rec = QuestionRecord(question(f"q{i}"), status=status)  # type: ignore[arg-type]
        if status == "answered" and score is not None:
            rec.grade = grade(f"q{i}", score)
        out.append(rec)
    return out


score_st = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))


@given(
    st.lists(st.tuples(score_st, st.booleans()), min_size=1, max_size=10),
    st.lists(score_st, min_size=1, max_size=10),
    st.data(),
)
def test_ending_early_never_scores_above_finishing(
    done: list[tuple[float | None, bool]], rest: list[float | None], data: st.DataObject
) -> None:
    """Same answers so far; then either quit (the rest unreached) or finish them.

    A score of None is a grading failure; the boolean marks a skip. Whatever the
    finishing answers score (junk 0 included), quitting is never better.
    """
    scores = [s for s, _ in done] + rest
    statuses = ["skipped" if skip else "answered" for _, skip in done]
    finish_statuses = statuses + [data.draw(st.sampled_from(["answered", "skipped"])) for _ in rest]
    quit_ = summarize(_records(scores, statuses + ["unasked"] * len(rest)))
    finish = summarize(_records(scores, finish_statuses))
    if quit_.overall_score is None:
        return  # nothing scored before quitting: no score, and so no signal to game
    assert finish.overall_score is not None
    assert quit_.overall_score <= finish.overall_score + 1e-9
    rank = ["no hire", "lean no hire", "lean hire", "hire"]
    assert rank.index(quit_.signal) <= rank.index(finish.signal)
    assert quit_.not_reached == len(rest)


# --------------------------------------------------------------------------- old reports


def test_a_version_1_report_still_loads_and_renders() -> None:
    """Reports saved before the policy (in files and the history DB) keep their score."""
    raw = json.loads(to_json(interview([50, 90, 90], answered=1)))
    raw["schema_version"] = 1
    for key in ("not_reached", "answered_only_score"):
        del raw["summary"][key]
    for q in raw["questions"]:
        del q["strong_answer"]
    raw["summary"]["overall_score"] = 50.0  # how version 1 scored it
    raw["summary"]["signal"] = "lean no hire"
    raw["summary"]["signal_reason"] = "Overall 50/100: key points were often missing."
    old = from_json(json.dumps(raw))
    assert old.schema_version == 1
    assert old.summary.not_reached == 0 and old.summary.answered_only_score is None
    view = build_view(old)
    assert view.overall_text == "50/100"
    assert view.counts == "1 answered, 2 not reached."  # not claimed to count as 0
    assert view.score_note == ""
    md = to_markdown(old)
    assert "2 not reached." in md and "count as 0" not in md.replace("counted as 0", "")
