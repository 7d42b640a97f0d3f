"""The interview state machine, driven directly with a fake clock: no I/O anywhere."""

from __future__ import annotations

import pytest

from interviewer.core.engine import (
    EngineError,
    Finished,
    InterviewEngine,
    NeedAnswer,
    NeedFollowUp,
    NeedGrades,
    NeedTurn,
    Phase,
)
from interviewer.core.models import Grade
from tests.factories import follow, question, rubric, track


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make(
    limit: int = 1, n: int = 2, minutes: int = 30, follow_ups: bool = True
) -> tuple[InterviewEngine, FakeClock]:
    clock = FakeClock()
    qs = [question(f"q{i}") for i in range(n)]
    eng = InterviewEngine(
        track(limit, minutes, n), qs, {"technical": rubric()}, follow_ups=follow_ups, clock=clock
    )
    return eng, clock


def a_grade(qid: str, score: float = 50.0) -> Grade:
    return Grade(
        question_id=qid, rubric_id="technical", criteria=[], overall_score=score, backend="test"
    )


def ask(eng: InterviewEngine, text: str = "Question?") -> None:
    need = eng.need()
    assert isinstance(need, NeedTurn)
    eng.on_interviewer_text(text)


def test_full_flow_with_follow_up_and_grading() -> None:
    eng, clock = make(limit=1, n=2)
    eng.start()
    need = eng.need()
    assert isinstance(need, NeedTurn) and need.request.purpose == "question"
    assert need.request.question is not None and need.request.question.id == "q0"
    eng.on_interviewer_text("First question?")
    assert isinstance(eng.need(), NeedAnswer)
    clock.advance(30)
    eng.submit_answer("bias and variance")
    need = eng.need()
    assert isinstance(need, NeedFollowUp)
    assert need.request.follow_ups_asked == 0 and need.request.follow_up_limit == 1
    eng.on_follow_up(follow("How would you detect high variance?"))
    need = eng.need()
    assert isinstance(need, NeedAnswer) and need.is_follow_up
    assert need.question_seconds_left == 60  # half of 120 s, at least 60 s
    eng.submit_answer("learning curves")
    # limit reached: no second decision, straight to the next question
    assert isinstance(eng.need(), NeedTurn)
    reqs = eng.take_grading_requests()
    assert [r.question.id for r in reqs] == ["q0"]
    assert [t.text for t in reqs[0].answers] == ["bias and variance", "learning curves"]
    assert reqs[0].answer_seconds == 30
    assert eng.take_grading_requests() == []  # handed out once
    eng.on_grade(reqs[0].request_id, a_grade("q0", 80))
    ask(eng)
    eng.submit_answer("second")
    eng.on_follow_up(follow(""))
    need = eng.need()
    assert isinstance(need, NeedTurn) and need.request.purpose == "wrap_up"
    eng.on_interviewer_text("Thanks, that's all.")
    assert isinstance(eng.need(), NeedGrades)
    (req,) = eng.take_grading_requests()
    eng.on_grade(req.request_id, a_grade("q1", 40))
    assert isinstance(eng.need(), Finished)
    assert [r.status for r in eng.records] == ["answered", "answered"]
    kinds = [t.kind for t in eng.transcript]
    assert kinds == ["question", "answer", "follow_up", "answer", "question", "answer", "wrap_up"]


def test_follow_ups_off_never_asks_for_a_decision() -> None:
    eng, _ = make(limit=3, follow_ups=False)
    eng.start()
    ask(eng)
    eng.submit_answer("x")
    assert isinstance(eng.need(), NeedTurn)


def test_question_timeout_keeps_draft_exactly() -> None:
    eng, clock = make(limit=0)
    eng.start()
    ask(eng)
    draft = "  half an answer\nwith   spacing  "
    eng.update_draft(draft)
    clock.advance(119)
    assert eng.tick() == []
    clock.advance(2)
    assert eng.tick() == ["question_timeout"]
    (req,) = eng.take_grading_requests()
    (answer,) = req.answers
    assert answer.text == draft and answer.timed_out


def test_interview_timeout_submits_and_wraps_up() -> None:
    eng, clock = make(limit=1, n=3, minutes=1)
    eng.start()
    ask(eng)
    eng.update_draft("partial")
    clock.advance(61)
    assert eng.tick() == ["interview_timeout"]
    need = eng.need()
    assert isinstance(need, NeedTurn) and need.request.purpose == "wrap_up"
    assert eng.interview_timed_out
    assert [r.status for r in eng.records] == ["answered", "unasked", "unasked"]


def test_pause_stops_both_clocks() -> None:
    eng, clock = make(limit=0)
    eng.start()
    ask(eng)
    clock.advance(10)
    eng.pause()
    q_left, i_left = eng.question_seconds_left(), eng.interview_seconds_left()
    clock.advance(500)
    assert eng.tick() == []
    assert eng.question_seconds_left() == q_left == 110
    assert eng.interview_seconds_left() == i_left == 1790
    with pytest.raises(EngineError):
        eng.submit_answer("while paused")
    eng.resume()
    clock.advance(5)
    assert eng.question_seconds_left() == 105


def test_clocks_do_not_run_while_the_model_writes() -> None:
    eng, clock = make(limit=0)
    eng.start()
    clock.advance(100)  # slow model writing the question
    ask(eng)
    assert eng.interview_seconds_left() == 1800
    assert eng.question_seconds_left() == 120


def test_skip_keeps_text_but_does_not_grade() -> None:
    eng, _ = make(limit=1)
    eng.start()
    ask(eng)
    eng.update_draft("not sure")
    eng.skip()
    assert eng.records[0].status == "skipped"
    assert eng.transcript[-1].skipped and eng.transcript[-1].text == "not sure"
    assert eng.take_grading_requests() == []
    assert isinstance(eng.need(), NeedTurn)


def test_skipping_a_follow_up_still_grades_the_main_answer() -> None:
    eng, _ = make(limit=1)
    eng.start()
    ask(eng)
    eng.submit_answer("main answer")
    eng.on_follow_up(follow("probe?"))
    eng.skip()
    (req,) = eng.take_grading_requests()
    assert req.answer_text == "main answer"
    assert eng.records[0].status == "answered"


def test_end_early_keeps_draft_and_skips_the_rest() -> None:
    eng, _ = make(limit=1, n=3)
    eng.start()
    ask(eng)
    eng.update_draft("what I had so far")
    eng.end_early()
    assert eng.ended_early
    (req,) = eng.take_grading_requests()
    assert req.answer_text == "what I had so far"
    need = eng.need()
    assert isinstance(need, NeedTurn) and need.request.purpose == "wrap_up"
    eng.on_interviewer_text("")
    assert isinstance(eng.need(), NeedGrades)
    eng.on_grade(req.request_id, a_grade("q0"))
    assert eng.phase is Phase.DONE
    assert [r.status for r in eng.records] == ["answered", "unasked", "unasked"]


def test_end_early_on_an_unanswered_question_counts_it_as_not_reached() -> None:
    eng, _ = make(n=2)
    eng.start()
    ask(eng)
    eng.end_early()
    assert eng.records[0].status == "unasked"
    assert eng.take_grading_requests() == []
    assert eng.transcript[0].kind == "question"  # the transcript still shows it was asked


def test_end_early_while_question_is_being_written() -> None:
    eng, _ = make(n=2)
    eng.start()
    eng.end_early()
    assert eng.records[0].status == "unasked"
    eng.on_interviewer_text("bye")
    assert isinstance(eng.need(), Finished)


def test_follow_up_limit_and_repeats_are_enforced_by_the_engine() -> None:
    eng, _ = make(limit=2)
    eng.start()
    ask(eng)
    eng.submit_answer("a")
    eng.on_follow_up(follow("Same probe?"))
    eng.submit_answer("b")
    assert isinstance(eng.need(), NeedFollowUp)
    eng.on_follow_up(follow("same probe?"))  # a repeat is not asked again
    assert isinstance(eng.need(), NeedTurn)
    assert eng.records[0].follow_ups_asked == 1


def test_empty_answer_is_graded_not_followed_up() -> None:
    eng, _ = make(limit=2)
    eng.start()
    ask(eng)
    eng.submit_answer("")
    assert isinstance(eng.need(), NeedTurn)
    (req,) = eng.take_grading_requests()
    assert req.answer_text == ""


def test_grade_failure_is_recorded_and_finishes() -> None:
    eng, _ = make(limit=0, n=1)
    eng.start()
    ask(eng)
    eng.submit_answer("x")
    (req,) = eng.take_grading_requests()
    eng.on_interviewer_text("bye")
    eng.on_grade_failed(req.request_id, "model down")
    assert eng.phase is Phase.DONE
    assert eng.records[0].grade_error == "model down"
    eng.on_grade(req.request_id, a_grade("q0"))  # late result after failure: ignored
    assert eng.records[0].grade is None


def test_wrong_phase_calls_raise_clear_errors() -> None:
    eng, _ = make()
    with pytest.raises(EngineError, match="not started"):
        eng.need()
    eng.start()
    with pytest.raises(EngineError, match="Cannot submit"):
        eng.submit_answer("too early")
    with pytest.raises(EngineError, match="already started"):
        eng.start()


def test_missing_rubric_is_rejected() -> None:
    with pytest.raises(EngineError, match="No rubric"):
        InterviewEngine(track(), [question(rubric_id="nope")], {"technical": rubric()})


def test_turn_prompt_history_is_bounded() -> None:
    eng, _ = make(limit=0, n=8)
    eng.start()
    sizes = []
    for _ in range(8):
        need = eng.need()
        assert isinstance(need, NeedTurn)
        sizes.append(len(need.request.history))
        eng.on_interviewer_text("Q?")
        eng.submit_answer("answer " * 50)
    assert max(sizes) <= 6
    last = eng.need()
    assert isinstance(last, NeedTurn)
    assert last.request.earlier_summary.count("\n") >= 1


def _interrupted() -> tuple[InterviewEngine, FakeClock]:
    """Q0 answered with a follow-up, Q1 asked and half typed, then the process dies."""
    eng, clock = make(limit=1, n=3)
    eng.start()
    ask(eng, "First?")
    clock.advance(40)
    eng.submit_answer("answer zero")
    eng.on_follow_up(follow("Probe zero?"))
    clock.advance(20)
    eng.submit_answer("probe answer")
    ask(eng, "Second?")
    clock.advance(30)
    eng.update_draft("half of answer one")
    return eng, clock


def test_restore_resumes_exactly_where_it_stopped() -> None:
    live, _ = _interrupted()
    q_left, i_left = live.question_seconds_left(), live.interview_seconds_left()
    (_req,) = live.take_grading_requests()
    grade = a_grade("q0", 70)
    clock = FakeClock()
    eng = InterviewEngine.restore(
        live.track,
        [r.question for r in live.records],
        live.rubrics,
        live.transcript,
        grades={"q0": grade},
        draft=live.draft,
        interview_seconds_left=i_left,
        question_seconds_left=q_left,
        clock=clock,
    )
    need = eng.need()
    assert isinstance(need, NeedAnswer) and need.question.id == "q1" and need.prompt == "Second?"
    assert eng.draft == "half of answer one"
    assert eng.question_seconds_left() == q_left == 90
    assert eng.interview_seconds_left() == i_left
    assert eng.records[0].grade == grade and eng.take_grading_requests() == []
    assert [t.text for t in eng.transcript] == [t.text for t in live.transcript]
    clock.advance(90)
    assert eng.tick() == ["question_timeout"]
    assert eng.records[1].turns[-1].text == "half of answer one"


def test_restore_hands_out_unsaved_gradings_again() -> None:
    live, _ = _interrupted()
    eng = InterviewEngine.restore(
        live.track, [r.question for r in live.records], live.rubrics, live.transcript
    )
    (req,) = eng.take_grading_requests()
    assert req.question.id == "q0"
    assert req.answer_text == "answer zero\n\nprobe answer"
    assert req.answer_seconds == 60


def test_restore_after_an_answer_continues_with_the_follow_up_decision() -> None:
    eng, _ = make(limit=1, n=2)
    eng.start()
    ask(eng, "First?")
    eng.submit_answer("a")
    restored = InterviewEngine.restore(
        eng.track, [r.question for r in eng.records], eng.rubrics, eng.transcript
    )
    assert isinstance(restored.need(), NeedFollowUp)
