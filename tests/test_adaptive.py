"""Adaptive difficulty (core/adaptive.py, the engine's `adaptive` option, the session's
quick grade): up one step after a strong answer, down one after a weak one or a skip,
never a jump of two; off, the interview is exactly as before; the report keeps the path."""

from __future__ import annotations

import itertools
import random

import pytest

from interviewer.core.adaptive import STRONG_SCORE, WEAK_SCORE, choose, next_difficulty, step
from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedTurn, Phase
from interviewer.core.models import Grade, Question
from interviewer.core.report import build_report
from interviewer.core.requests import GradeRequest
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
from interviewer.storage.content_files import load_library
from interviewer.storage.store import SessionStore
from tests.factories import question, rubric, track

LEVEL = {"easy": 0, "medium": 1, "hard": 2}


def q(qid: str, difficulty: str) -> Question:
    return question(qid).model_copy(update={"difficulty": difficulty})


def bank() -> list[Question]:
    """Three questions at each level."""
    return [q(f"{d}{i}", d) for d in ("easy", "medium", "hard") for i in range(3)]


def run(
    engine: InterviewEngine,
    answers: list[str],
) -> list[str]:
    """Ask and answer (or skip: "SKIP") every question; the levels asked, in order."""
    engine.start()
    for text in answers:
        need = engine.need()
        assert isinstance(need, NeedTurn) and need.request.purpose == "question"
        engine.on_interviewer_text("")
        assert isinstance(engine.need(), NeedAnswer)
        if text == "SKIP":
            engine.skip()
        else:
            engine.submit_answer(text)
    return engine.difficulty_path


def adaptive_engine(
    scores: dict[str, float] | None, first: str = "medium", n: int = 6, **kw: object
) -> InterviewEngine:
    pool = bank()
    start = next(x for x in pool if x.difficulty == first)
    planned = [start, *[x for x in pool if x is not start and x.difficulty == first][:1]]
    planned += [x for x in pool if x not in planned][: n - len(planned)]
    return InterviewEngine(
        track(count=n),
        planned,
        {"technical": rubric()},
        follow_ups=False,
        clock=lambda: 0.0,
        adaptive=True,
        pool=pool,
        quick_score=(lambda req: scores[req.answer_text]) if scores is not None else None,
        **kw,  # type: ignore[arg-type]
    )


# --------------------------------------------------------------------------- the rule


def test_the_rule_moves_one_step_and_clamps() -> None:
    assert next_difficulty("medium", STRONG_SCORE) == "hard"
    assert next_difficulty("medium", STRONG_SCORE - 0.1) == "medium"
    assert next_difficulty("medium", WEAK_SCORE) == "medium"
    assert next_difficulty("medium", WEAK_SCORE - 0.1) == "easy"
    assert next_difficulty("hard", 100) == "hard"
    assert next_difficulty("easy", 0) == "easy"
    assert next_difficulty("easy", 100) == "medium"  # never easy -> hard
    assert next_difficulty("hard", 0) == "medium"  # never hard -> easy
    assert next_difficulty("hard", 90, skipped=True) == "medium"
    assert next_difficulty("medium", None) == "medium"
    assert step("medium", 5) == "hard" and step("medium", -5) == "easy"


def test_choose_never_jumps_two() -> None:
    hard_only = [q("h", "hard")]
    assert choose(hard_only, "easy", "easy") is None  # nothing within one step
    assert choose(hard_only, "medium", "easy") is None
    mixed = [q("h", "hard"), q("m", "medium")]
    picked = choose(mixed, "hard", "easy")  # a wanted level two away is never taken
    assert picked is not None and picked.id == "m"
    # The wanted level first, then the same level, then the other single step.
    assert choose([q("e", "easy"), q("m2", "medium")], "hard", "medium").id == "m2"  # type: ignore[union-attr]
    assert choose([q("e", "easy")], "hard", "medium").id == "e"  # type: ignore[union-attr]


def test_choose_keeps_the_planned_category_first() -> None:
    beh = q("b", "hard").model_copy(update={"category": "behavioral"})
    tech = q("t", "hard")
    assert choose([beh, tech], "hard", "medium", category="technical") is tech
    assert choose([beh], "hard", "medium", category="technical") is beh


# --------------------------------------------------------------------------- the engine


def test_strong_answers_go_up_weak_ones_down() -> None:
    scores = {"great": 90.0, "poor": 10.0, "ok": 60.0}
    engine = adaptive_engine(scores)
    path = run(engine, ["great", "great", "poor", "poor", "ok", "ok"])
    assert path == ["medium", "hard", "hard", "medium", "easy", "easy"]
    assert len({r.question.id for r in engine.records}) == 6  # no question twice


def test_a_skip_moves_down() -> None:
    engine = adaptive_engine({"great": 90.0}, first="hard", n=3)
    assert run(engine, ["SKIP", "SKIP", "great"]) == ["hard", "medium", "easy"]


@pytest.mark.parametrize("seed", range(5))
def test_never_a_jump_of_two_whatever_the_scores(seed: int) -> None:
    rng = random.Random(seed)
    answers = [rng.choice(["a", "b", "c", "SKIP"]) for _ in range(8)]
    scores = {"a": 95.0, "b": 5.0, "c": 50.0}
    pool = bank() + [q(f"x{d}{i}", d) for d in LEVEL for i in range(3)]
    engine = InterviewEngine(
        track(count=8),
        pool[:8],
        {"technical": rubric()},
        follow_ups=False,
        clock=lambda: 0.0,
        adaptive=True,
        pool=pool,
        quick_score=lambda req: scores[req.answer_text],
    )
    path = run(engine, answers)
    assert len(path) == 8
    for a, b in itertools.pairwise(path):
        assert abs(LEVEL[a] - LEVEL[b]) <= 1, path


def test_the_real_grade_decides_when_it_is_in() -> None:
    """Without a quick grade the newest grade that has arrived decides."""
    engine = adaptive_engine(None, n=4)
    engine.start()
    engine.on_interviewer_text("")
    engine.submit_answer("first")  # q1 done; no grade yet: the level stays
    second = engine.current
    assert second is not None and second.question.difficulty == "medium"
    (req,) = engine.take_grading_requests()
    engine.on_interviewer_text("")
    engine.on_grade(req.request_id, _grade(req, 92.0))  # arrives while q2 is answered
    engine.submit_answer("second")  # q2's grade is not in: q1's (92) decides
    third = engine.current
    assert third is not None and third.question.difficulty == "hard"
    assert engine.difficulty_path == ["medium", "medium", "hard"]


def test_off_the_interview_is_exactly_as_planned() -> None:
    planned = bank()[:5]
    scores = {"great": 99.0}
    engine = InterviewEngine(
        track(count=5),
        planned,
        {"technical": rubric()},
        follow_ups=False,
        clock=lambda: 0.0,
        pool=bank(),
        quick_score=lambda req: scores[req.answer_text],
    )
    run(engine, ["great"] * 5)
    assert [r.question for r in engine.records] == planned
    assert engine.difficulty_path == ["easy"] * 3 + ["medium"] * 2


def test_no_question_at_the_wanted_level_keeps_the_level() -> None:
    mediums = [q(f"m{i}", "medium") for i in range(3)]
    engine = InterviewEngine(
        track(count=3),
        mediums,
        {"technical": rubric()},
        follow_ups=False,
        clock=lambda: 0.0,
        adaptive=True,
        pool=mediums,
        quick_score=lambda req: 99.0,
    )
    assert run(engine, ["x", "y", "z"]) == ["medium"] * 3


def _grade(req: GradeRequest, score: float) -> Grade:
    return Grade(
        question_id=req.question.id, rubric_id="technical", criteria=[], overall_score=score
    )


def test_report_has_the_difficulty_path() -> None:
    engine = adaptive_engine({"great": 90.0, "poor": 5.0}, n=3)
    run(engine, ["great", "poor", "poor"])
    engine.end_early()
    report = build_report(engine, backend="offline", backend_label="x", started_at="2026")
    assert report.adaptive and report.difficulty_path == ["medium", "hard", "medium"]
    data = report.model_dump(mode="json")
    assert data["difficulty_path"] == ["medium", "hard", "medium"]


# --------------------------------------------------------------------------- the session


def test_session_adapts_with_the_offline_coachs_quick_grade() -> None:
    """A real interview on the shipped bank: a strong answer to an easy question brings a
    harder one, though the (scripted, background) grader has not answered yet."""
    lib = load_library()
    first = lib.questions["tech-overfitting"]  # easy
    assert first.difficulty == "easy"
    t = lib.tracks["ml-technical"].model_copy(
        update={
            "questions": [first.id, "tech-knn", "tech-supervised-unsupervised"],
            "selection": "ordered",
        }
    )
    backend = ScriptedBackend(default_turn=lambda r: r.question.text if r.question else "Bye.")
    executor = ThreadExecutor()
    session = InterviewSession(
        lib,
        SessionStore.memory(),
        executor,
        backend=backend,
        offline=OfflineCoach(),
        rng=random.Random(1),
    )
    options = StartOptions(
        "ml-technical", question_count=3, follow_ups=False, repeat=True, track=t, adaptive=True
    )
    session.start(options)
    assert executor.run_until(lambda: session.answering)
    strong = (
        "Overfitting is when a model fits the noise in the training data and fails to "
        "generalise to new data: training loss keeps falling while validation loss rises, "
        "and the learning curve shows a large gap between training and validation error. "
        "Underfitting is the opposite: the model is too simple, high bias, and both errors "
        "stay high. To fix overfitting use more data, regularization such as L2 or dropout, "
        "early stopping, cross validation to choose complexity, or a simpler model; for "
        "underfitting add features or capacity. For example, a depth-20 tree on 500 rows "
        "scored 0.99 on training and 0.70 on the test set; limiting depth to 5 gave 0.86 and 0.84."
    )
    assert session.submit_answer(strong)
    eng = session.engine
    assert eng is not None
    score = eng.quick_scores[first.id]
    assert score >= STRONG_SCORE, score
    nxt = eng.current
    assert nxt is not None and nxt.question.difficulty == "medium"
    assert eng.difficulty_path[:1] == ["easy"]
    assert session.store.list_sessions()[0].id == session.session_id
    stored = session.store.load_session(session.session_id or "")
    assert stored.plan.options == {"adaptive": True}
    session.leave()
    executor.shutdown()


def test_adaptive_interview_resumes_in_the_order_it_was_asked() -> None:
    from interviewer.session import adaptive_order, restore_engine

    lib = load_library()
    t = lib.tracks["ml-technical"].model_copy(
        update={
            "questions": ["tech-overfitting", "tech-knn", "tech-supervised-unsupervised"],
            "selection": "ordered",
        }
    )
    backend = ScriptedBackend(default_turn=lambda r: r.question.text if r.question else "Bye.")
    executor = ThreadExecutor()
    store = SessionStore.memory()
    session = InterviewSession(lib, store, executor, backend=backend, offline=OfflineCoach())
    session.start(
        StartOptions(
            "ml-technical", question_count=3, follow_ups=False, repeat=True, track=t, adaptive=True
        )
    )
    assert executor.run_until(lambda: session.answering)
    session.submit_answer("I don't know.")  # weak: stays easy (already the lowest)
    assert executor.run_until(lambda: session.answering)
    eng = session.engine
    assert eng is not None
    asked = [r.question.id for r in eng.records if r.status != "unasked"]
    sid = session.session_id or ""
    session.suspend()
    executor.shutdown()
    stored = store.load_session(sid)
    assert adaptive_order(stored)[: len(asked)] == asked
    again = restore_engine(lib, stored)
    assert [r.question.id for r in again.records][: len(asked)] == asked
    assert again.phase is Phase.ANSWERING


def test_every_export_shows_the_path_and_generated_questions() -> None:
    from interviewer.export.html import to_html
    from interviewer.export.markdown import to_markdown

    engine = adaptive_engine({"great": 90.0, "poor": 5.0}, n=3)
    run(engine, ["great", "poor", "poor"])
    engine.end_early()
    report = build_report(engine, backend="offline", backend_label="x", started_at="2026")
    first = report.questions[0].model_copy(update={"generated": True})
    report = report.model_copy(update={"questions": [first, *report.questions[1:]]})
    md = to_markdown(report)
    assert "| Difficulty path | medium → hard → medium (adaptive" in md
    assert md.count("written for this job") == 1
    html = to_html(report)
    assert "Difficulty path" in html and "written for this job" in html
    plain = build_report(
        _plain_engine(),
        backend="offline",
        backend_label="x",
        started_at="2026",
    )
    assert "Difficulty path" not in to_markdown(plain)


def _plain_engine() -> InterviewEngine:
    engine = InterviewEngine(
        track(count=2), bank()[:2], {"technical": rubric()}, follow_ups=False, clock=lambda: 0.0
    )
    run(engine, ["a", "b"])
    return engine
