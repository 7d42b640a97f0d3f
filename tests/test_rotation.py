"""Question rotation (issue 11): questions not practised yet first, then the worst scored,
across sessions, unless the candidate asks to repeat; the same rule in the window and in
the terminal, and the home screen says how much of a track has been practised."""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.cli import main
from interviewer.core.content import (
    ContentLibrary,
    QuestionHistory,
    practised_count,
    rotation_rank,
)
from interviewer.core.models import Grade, Turn
from interviewer.core.requests import GradeRequest
from interviewer.gui.home import practised_text
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.content_files import load_library
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionPlan, SessionStore
from tests.factories import draft, follow, question, rubric, track
from tests.gui_helpers import App, make_app, settle

BEHAVIORAL = "ml-behavioral"


@pytest.fixture(scope="module")
def lib() -> ContentLibrary:
    return load_library()


def _record(
    store: SessionStore,
    qids: list[str],
    scores: dict[str, float | None],
    started_at: str,
    track_id: str = BEHAVIORAL,
) -> str:
    """A finished-looking session: each question asked, then graded (None: skipped)."""
    sid = store.create_session(
        track_id=track_id,
        track_name=track_id,
        backend="offline",
        backend_label="Offline coach",
        plan=SessionPlan(question_ids=qids, duration_seconds=600),
        started_at=started_at,
    )
    for qid in qids:
        store.add_turn(sid, Turn(role="interviewer", kind="question", text="?", question_id=qid))
        score = scores.get(qid)
        if score is None:
            store.add_turn(
                sid, Turn(role="candidate", kind="answer", text="", question_id=qid, skipped=True)
            )
            continue
        store.add_turn(sid, Turn(role="candidate", kind="answer", text="a", question_id=qid))
        store.save_grade(
            sid,
            qid,
            Grade(question_id=qid, rubric_id="behavioral-star", criteria=[], overall_score=score),
        )
    return sid


# ---------------------------------------------------------------------- the rule itself


def test_three_sessions_never_repeat_while_unseen_questions_remain(
    lib: ContentLibrary, tmp_path: Path
) -> None:
    track = lib.track(BEHAVIORAL)
    bank = {q.id for q in lib.questions_for(track)}
    assert len(bank) == 10 and track.question_count == 4
    for seed in range(20):  # whatever the dice say
        rng = random.Random(seed)
        with SessionStore(tmp_path / f"s{seed}.sqlite3") as store:
            asked: list[set[str]] = []
            for n in range(3):
                chosen = lib.select_questions(track, rng=rng, history=store.question_history())
                ids = [q.id for q in chosen]
                assert len(ids) == 4 == len(set(ids))
                seen = set().union(*asked) if asked else set()
                unseen_before = bank - seen
                fresh = [i for i in ids if i not in seen]
                # Every unseen question is used before any seen one comes back.
                assert len(fresh) == min(4, len(unseen_before)), (seed, n, ids)
                asked.append(set(ids))
                _record(store, ids, {i: 50.0 for i in ids}, f"2024-05-0{n + 1}T10:00:00")
            assert asked[0].isdisjoint(asked[1])
            assert (asked[0] | asked[1]).isdisjoint(asked[2] - (asked[0] | asked[1]))
            assert asked[0] | asked[1] | asked[2] == bank  # 4 + 4 + the last 2 unseen


def test_once_all_are_seen_the_worst_scored_come_first(lib: ContentLibrary, tmp_path: Path) -> None:
    track = lib.track(BEHAVIORAL)
    ids = [q.id for q in lib.questions_for(track)]
    with SessionStore(tmp_path / "s.sqlite3") as store:
        # Older sessions scored everything high; the newest scores are what count.
        _record(store, ids, {i: 90.0 for i in ids}, "2024-05-01T10:00:00")
        newest: dict[str, float | None] = {i: 100.0 - 10 * k for k, i in enumerate(ids)}
        newest[ids[0]] = None  # skipped last time: as bad as a 0
        _record(store, ids, newest, "2024-05-02T10:00:00")
        history = store.question_history()
    assert history[ids[0]].last_score == 0.0 and history[ids[0]].best_score == 90.0
    assert history[ids[3]].last_score == 70.0 and history[ids[3]].times_seen == 2
    worst_first = [ids[0], *reversed(ids[1:])]
    for seed in range(10):
        chosen = lib.select_questions(track, rng=random.Random(seed), history=history)
        assert [q.id for q in chosen] == worst_first[:4]


def test_randomness_stays_among_equals_and_repeat_is_plain_random(
    lib: ContentLibrary, tmp_path: Path
) -> None:
    track = lib.track(BEHAVIORAL)
    ids = [q.id for q in lib.questions_for(track)]
    with SessionStore(tmp_path / "s.sqlite3") as store:
        low, high = ids[:5], ids[5:]
        _record(store, ids, {i: (20.0 if i in low else 90.0) for i in ids}, "2024-05-01")
        history = store.question_history()
    picks = set()
    for seed in range(30):
        rng = random.Random(seed)
        chosen = [q.id for q in lib.select_questions(track, rng=rng, history=history)]
        assert set(chosen) <= set(low)  # the low scorers, in some order
        picks.add(tuple(chosen))
    assert len(picks) > 5  # but not always the same four in the same order
    # "Repeat" is exactly the plain random pick: history ignored, as before rotation.
    plain = set()
    for seed in range(30):
        picked = lib.select_questions(track, rng=random.Random(seed), history=None)
        assert picked == lib.select_questions(track, rng=random.Random(seed), history={})
        plain |= {q.id for q in picked}
    assert plain & set(high)


def test_balanced_tracks_rotate_within_each_category(lib: ContentLibrary, tmp_path: Path) -> None:
    track = lib.track("ml-full-loop")
    seen_before: set[str] = set()
    with SessionStore(tmp_path / "s.sqlite3") as store:
        for n in range(2):
            chosen = lib.select_questions(
                track, rng=random.Random(n), history=store.question_history()
            )
            ids = [q.id for q in chosen]
            assert {q.category for q in chosen} == {"technical", "behavioral", "case_study"}
            assert not seen_before & set(ids), n
            seen_before |= set(ids)
            _record(store, ids, {}, f"2024-05-0{n + 1}", track_id=track.id)


def test_ordered_tracks_rotate_but_keep_their_order() -> None:
    lib = ContentLibrary()
    lib.rubrics["technical"] = rubric()
    for i in range(4):
        lib.questions[f"q{i}"] = question(f"q{i}")
    t = track(count=2).model_copy(update={"selection": "ordered"})
    history = {"q0": QuestionHistory(1, "x", 80, 80), "q2": QuestionHistory(1, "x", 10, 10)}
    assert [q.id for q in lib.select_questions(t, history=history)] == ["q1", "q3"]
    history["q1"] = history["q3"] = QuestionHistory(1, "x", 50, 50)
    assert [q.id for q in lib.select_questions(t, history=history)] == ["q1", "q2"]
    assert [q.id for q in lib.select_questions(t)] == ["q0", "q1"]


def test_rank_and_practised_wording() -> None:
    q = question("q1")
    assert rotation_rank(q, {}) < rotation_rank(q, {"q1": QuestionHistory(1, "", 90, 90)})
    never_graded = rotation_rank(q, {"q1": QuestionHistory(1, "", None, None)})
    assert never_graded <= rotation_rank(q, {"q1": QuestionHistory(1, "", 5, 5)})
    assert practised_count([q, question("q2")], {"q1": QuestionHistory(2)}) == 1
    assert practised_count([q], {"q1": QuestionHistory(0)}) == 0
    assert practised_text(10, 4) == "You have practised 4 of 10 questions in this track."
    assert practised_text(10, 0) == (
        "10 questions in this track; you have not practised any of them yet."
    )
    assert practised_text(1, 1).startswith("You have practised all 1 question in this track")
    assert practised_text(10, 10).startswith("You have practised all 10 questions")


def test_history_forgets_deleted_sessions(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        sid = _record(store, ["a", "b"], {"a": 40.0, "b": 70.0}, "2024-05-01")
        _record(store, ["b"], {"b": 30.0}, "2024-05-02")
        h = store.question_history()
        assert h["a"] == QuestionHistory(1, "2024-05-01", 40.0, 40.0)
        assert h["b"] == QuestionHistory(2, "2024-05-02", 70.0, 30.0)
        store.delete_session(sid)
        assert set(store.question_history()) == {"b"}
        assert store.question_history()["b"].times_seen == 1


# ---------------------------------------------------------------------- the terminal


def _practice(monkeypatch: pytest.MonkeyPatch, *extra: str, answers: int = 4) -> None:
    text = "".join(f"I led answer {n} and cut costs 20 percent.\n.\n" for n in range(answers))
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    argv = ["practice", "--track", BEHAVIORAL, "--backend", "offline", "--no-follow-ups"]
    assert main([*argv, *extra]) == 0


def _asked_in_sessions() -> list[list[str]]:
    with SessionStore(app_paths().database) as store:
        rows = list(reversed(store.list_sessions()))  # oldest first (ties: by insertion)
        return [store.load_session(r.id).plan.question_ids for r in rows]


def test_terminal_practice_rotates_across_three_sessions(
    lib: ContentLibrary, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bank = {q.id for q in lib.questions_for(lib.track(BEHAVIORAL))}
    for _ in range(3):
        _practice(monkeypatch)
    capsys.readouterr()
    first, second, third = _asked_in_sessions()
    assert len(set(first) | set(second)) == 8
    assert set(first) | set(second) | set(third) == bank


def test_terminal_repeat_flag_skips_the_history(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[object] = []
    original = ContentLibrary.select_questions

    def spy(self: ContentLibrary, *args: object, **kwargs: object) -> object:
        seen.append(kwargs.get("history"))
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ContentLibrary, "select_questions", spy)
    _practice(monkeypatch)
    _practice(monkeypatch, "--repeat")
    _practice(monkeypatch)
    capsys.readouterr()
    assert seen[0] == {} and seen[1] is None
    first, second, _third = _asked_in_sessions()
    assert isinstance(seen[2], dict) and set(seen[2]) == set(first) | set(second)


# ---------------------------------------------------------------------- the window


def _gui_library() -> ContentLibrary:
    lib = ContentLibrary()
    lib.tracks["t"] = track(count=2, limit=0)
    lib.rubrics["technical"] = rubric()
    for i in range(1, 5):
        lib.questions[f"q{i}"] = question(f"q{i}")
    return lib


#: The scripted grader's score (1-5) per question: q1 and q2 low, q3 and q4 high.
GRADE_SCORE = {"q1": 1, "q2": 1, "q3": 5, "q4": 5}


def _graded_by_question(request: GradeRequest) -> object:
    words = request.answer_text.split()
    return draft(GRADE_SCORE[request.question.id], quote=" ".join(words[:4]))  # type: ignore[arg-type]


def _interview(qtbot: QtBot, app: App, repeat: bool = False) -> list[str]:
    """Start from the home screen as a person would, answer everything, go back home."""
    home = app.window.home
    home.repeat.setChecked(repeat)
    home.start_button.click()
    engine = app.controller.engine
    assert engine is not None and app.window.stack.currentWidget() is app.window.interview
    asked = [r.question.id for r in engine.records]
    for _ in asked:
        qtbot.waitUntil(lambda: app.controller.answering)
        app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
        app.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    app.window.feedback.back_home.emit()
    assert app.window.stack.currentWidget() is home
    settle(qtbot)  # the practised count is read off the GUI thread
    return asked


def _plain_pick(lib: ContentLibrary, state: object) -> set[str]:
    rng = random.Random()
    rng.setstate(state)  # type: ignore[arg-type]
    return {q.id for q in lib.select_questions(lib.tracks["t"], 2, rng=rng)}


def test_window_rotates_says_how_much_is_practised_and_repeat_restores_random(
    qtbot: QtBot,
) -> None:
    lib = _gui_library()
    backend = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=_graded_by_question)  # type: ignore[arg-type]
    backend.default_follow_up = lambda r: follow("")
    app = make_app(qtbot, backend, library=lib)
    home = app.window.home
    assert home.track_bank.text() == (
        "4 questions in this track; you have not practised any of them yet."
    )
    first = _interview(qtbot, app)
    assert home.track_bank.text() == "You have practised 2 of 4 questions in this track."
    second = _interview(qtbot, app)
    assert not set(first) & set(second)
    assert home.track_bank.text().startswith("You have practised all 4 questions")

    # All seen: the two scored lowest (q1, q2) come back, whatever the dice.
    third = _interview(qtbot, app)
    assert set(third) == {"q1", "q2"}

    # "Repeat" ignores the history: the same pick as plain random from the same dice.
    seed = next(
        s for s in range(100) if _plain_pick(lib, random.Random(s).getstate()) != set(third)
    )
    app.controller.rng = random.Random(seed)
    expected = _plain_pick(lib, app.controller.rng.getstate())
    fourth = _interview(qtbot, app, repeat=True)
    assert set(fourth) == expected != {"q1", "q2"}
    assert home.repeat.isChecked()
    assert app.controller.options is not None and app.controller.options.repeat


def test_unreadable_history_means_plain_random(qtbot: QtBot) -> None:
    app = make_app(qtbot, ScriptedBackend(default_turn=lambda r: "Q?"), library=_gui_library())

    def broken() -> dict[str, QuestionHistory]:
        raise OSError("disk gone")

    app.controller.store.question_history = broken  # type: ignore[method-assign]
    assert app.controller.question_history() == {}
    app.window.home.start_button.click()
    assert app.controller.engine is not None
