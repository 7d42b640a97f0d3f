"""Adaptive difficulty on a narrow plan (issue 17 item 3): when the plan's topics have no
question at the wanted level the pool widens (related topics, then the category's whole
bank) one step at a time, and whenever the level is not the wanted one the difficulty
path says why, in every report format."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedTurn
from interviewer.core.models import Question
from interviewer.core.report import Report, build_report
from interviewer.export.json_export import from_json, to_json
from interviewer.export.markdown import to_markdown
from interviewer.export.view import build_view
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
from interviewer.storage.content_files import load_library
from interviewer.storage.store import SessionStore
from tests.factories import question, rubric, track

LEVEL = {"easy": 0, "medium": 1, "hard": 2}


def q(qid: str, difficulty: str, topic: str = "vision", category: str = "technical") -> Question:
    return question(qid).model_copy(
        update={"difficulty": difficulty, "topics": [topic], "category": category}
    )


def run(engine: InterviewEngine, answers: list[str]) -> list[str]:
    engine.start()
    for text in answers:
        need = engine.need()
        assert isinstance(need, NeedTurn) and need.request.purpose == "question"
        engine.on_interviewer_text("")
        assert isinstance(engine.need(), NeedAnswer)
        engine.submit_answer(text)
    return engine.difficulty_path


def narrow(
    nearby: list[Question] = (),  # type: ignore[assignment]
    bank: list[Question] = (),  # type: ignore[assignment]
    scores: dict[str, float] | None = None,
) -> InterviewEngine:
    """Three medium questions on the posting's one topic, nothing easier on it."""
    mediums = [q(f"m{i}", "medium") for i in range(3)]
    marks = scores or {}
    return InterviewEngine(
        track(count=3),
        mediums,
        {"technical": rubric()},
        follow_ups=False,
        clock=lambda: 0.0,
        adaptive=True,
        pool=mediums,
        quick_score=lambda req: marks.get(req.answer_text, 0.0),
        nearby=nearby,
        bank=bank,
    )


def test_weak_answers_step_down_through_the_wider_bank() -> None:
    easies = [q("e-bank1", "easy", "basics"), q("e-bank2", "easy", "basics")]
    engine = narrow(bank=[q("e-beh", "easy", "basics", "behavioral"), *easies])
    assert run(engine, ["no idea", "no idea", "no idea"]) == ["medium", "easy", "easy"]
    asked = [r.question.id for r in engine.records]
    assert asked == ["m0", "e-bank1", "e-bank2"]  # the planned category only
    reasons = engine.difficulty_reasons
    assert reasons[0] == ""
    assert "wider bank" in reasons[1] and reasons[1].startswith("easy technical question")
    assert reasons[2] == (
        "weak answer, but easy is already the easiest level; "
        "easy technical question from the wider bank (none left on these topics)"
    )


def test_related_topics_come_before_the_wider_bank() -> None:
    engine = narrow(nearby=[q("e-near", "easy", "images")], bank=[q("e-far", "easy", "sql")])
    run(engine, ["no idea", "no idea"])
    assert engine.records[1].question.id == "e-near"
    assert "related topic" in engine.difficulty_reasons[1]
    assert engine.records[2].question.id == "e-far"


def test_no_easy_question_anywhere_stays_and_says_why() -> None:
    engine = narrow(bank=[q("h-bank", "hard", "sql")])
    assert run(engine, ["no idea"] * 3) == ["medium"] * 3
    assert (
        engine.difficulty_reasons[1:]
        == [
            "wanted easy: no easy technical question left on these topics or in the bank, "
            "stayed medium"
        ]
        * 2
    )


def test_a_level_reached_as_wanted_needs_no_reason() -> None:
    engine = narrow(bank=[q("e1", "easy", "x"), q("h1", "hard", "x")], scores={"ok": 60.0})
    assert run(engine, ["ok", "ok", "ok"]) == ["medium"] * 3
    assert engine.difficulty_reasons == ["", "", ""]


@pytest.mark.parametrize("seed", range(6))
def test_widening_never_jumps_two(seed: int) -> None:
    rng = random.Random(seed)
    levels = ("easy", "medium", "hard")
    bank = [q(f"b{d}{i}", d, rng.choice(["x", "y"])) for d in levels for i in range(2)]
    nearby = [q(f"n{d}", d, "z") for d in levels if rng.random() < 0.5]
    answers = [rng.choice(["great", "poor", "ok"]) for _ in range(3)]
    engine = narrow(nearby, bank, {"great": 95.0, "poor": 5.0, "ok": 55.0})
    path = run(engine, answers)
    for a, b in itertools.pairwise(path):
        assert abs(LEVEL[a] - LEVEL[b]) <= 1, path
    assert len(engine.difficulty_reasons) == len(path)


# --------------------------------------------------------------------------- reports


def _report(engine: InterviewEngine) -> Report:
    engine.end_early()
    return build_report(engine, backend="offline", backend_label="x", started_at="2026")


def test_reports_show_why_the_level_stayed() -> None:
    engine = narrow()
    run(engine, ["no idea", "no idea"])
    report = _report(engine)
    why = "wanted easy: no easy technical question left on these topics or in the bank"
    assert report.difficulty_reasons[0] == "" and why in report.difficulty_reasons[1]
    md = to_markdown(report)
    assert "medium → medium (adaptive" in md and f"Question 2: {why}, stayed medium." in md
    data = json.loads(to_json(report))
    assert data["difficulty_reasons"] == report.difficulty_reasons
    assert from_json(to_json(report)) == report
    fact = next(f for f in build_view(report).facts if f.label == "Difficulty path")
    assert why in fact.value
    from interviewer.export.html import to_html

    assert f"Question 2: {why}, stayed medium." in to_html(report)


def test_a_report_from_before_the_reasons_still_loads() -> None:
    engine = narrow()
    run(engine, ["no idea"])
    data = json.loads(to_json(_report(engine)))
    del data["difficulty_reasons"]
    old = from_json(json.dumps(data))
    assert old.difficulty_reasons == [] and old.difficulty_path == ["medium"]
    assert "Question 1:" not in to_markdown(old)


# --------------------------------------------------------------------------- shipped bank

VISION = ["tech-cnn", "tech-transfer-learning", "tech-gradient-descent"]


def test_a_vision_plan_steps_down_on_the_shipped_bank() -> None:
    """The new-user report: weak answers to a vision plan stayed "medium → medium →
    medium", since none of its topics has an easy question. Now the widened pool (the
    technical bank) brings an easy one, one step down, and the path says where from."""
    lib = load_library()
    plan = [lib.questions[i] for i in VISION]
    topics = list(dict.fromkeys(t for x in plan for t in x.topics))
    t = lib.tracks["ml-technical"].model_copy(
        update={"questions": VISION, "selection": "ordered", "topics": topics}
    )
    wanted = {x.lower() for x in topics}
    assert not any(
        x.difficulty == "easy" and x.kind == "open" and wanted & {y.lower() for y in x.topics}
        for x in lib.questions.values()
    ), "the plan's topics gained an easy question: this test no longer shows the gap"
    backend = ScriptedBackend(default_turn=lambda r: r.question.text if r.question else "Bye.")
    executor = ThreadExecutor()
    store = SessionStore.memory()
    session = InterviewSession(lib, store, executor, backend=backend, offline=OfflineCoach())
    options = StartOptions(
        "ml-technical", question_count=3, follow_ups=False, repeat=True, track=t, adaptive=True
    )
    session.start(options)
    try:
        for _ in range(2):
            assert executor.run_until(lambda: session.answering)
            session.submit_answer("I don't know.")
        assert executor.run_until(lambda: session.answering)
        eng = session.engine
        assert eng is not None
        assert eng.difficulty_path == ["medium", "easy", "easy"]
        easy = [r.question for r in eng.records[1:]]
        assert all(x.category == "technical" and x.kind == "open" for x in easy)
        reasons = eng.difficulty_reasons
        assert reasons[0] == "" and "wider bank" in reasons[1]
        assert reasons[2].startswith("weak answer, but easy is already the easiest level")
    finally:
        session.leave()
        executor.shutdown()


def test_the_feedback_screen_says_why(qtbot) -> None:  # type: ignore[no-untyped-def]
    from interviewer.gui.feedback import FeedbackView
    from interviewer.gui.main_window import adaptive_path

    engine = narrow()
    run(engine, ["no idea", "no idea"])
    report = _report(engine)
    view = FeedbackView()
    qtbot.addWidget(view)
    view.difficulty_path = adaptive_path(report)
    view.show_results([], report.summary, {})
    label = view.difficulty_label
    assert label is not None
    assert label.text().startswith("Difficulty path: medium → medium (adaptive")
    assert "Question 2: wanted easy: no easy technical question left" in label.text()
    assert label.text().endswith("stayed medium.")


def test_with_nothing_easy_left_the_nearest_level_is_asked_and_named() -> None:
    engine = narrow(bank=[q("e1", "easy", "x")])
    assert run(engine, ["no idea"] * 3) == ["medium", "easy", "medium"]
    assert engine.difficulty_reasons[2].endswith(
        "wanted easy: no easy technical question left on these topics or in the bank, "
        "went up to medium"
    )
