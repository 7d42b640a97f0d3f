"""Saved job targets (schema v4, storage/targets.py): several at once, each with its own
history (sessions tagged with its id) and its readiness per skill."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from interviewer.core.jobs import JobProfile, SkillVocabulary, readiness
from interviewer.core.models import Grade, Turn
from interviewer.core.report import now_iso
from interviewer.job_plans import target_readiness
from interviewer.storage.content_files import load_library
from interviewer.storage.migrations import SCHEMA_VERSION, migrate, user_version
from interviewer.storage.store import SessionPlan, SessionStore
from interviewer.storage.targets import (
    TargetNotFound,
    add_generated,
    delete_target,
    find_target,
    get_target,
    list_targets,
    save_target,
    target_answers,
    target_sessions,
    update_skills,
)
from tests.factories import question

SKILLS = ["overfitting", "recommendation systems", "kubernetes"]


def profile() -> JobProfile:
    return JobProfile(title="Senior MLE", skills=SKILLS, seniority="senior", domain="recsys")


def new_target(store: SessionStore, title: str = "Senior MLE", **kw: object) -> str:
    return save_target(
        store,
        title=title,
        posting=f"posting for {title}",
        cv="my CV",
        skills=list(SKILLS),
        profile=profile(),
        **kw,  # type: ignore[arg-type]
    )


def session_for(
    store: SessionStore,
    target_id: str | None,
    answers: dict[str, float | None],
    started_at: str,
) -> str:
    """A session that asked `answers`' questions; a score is a stored grade, None a skip."""
    options: dict[str, str | int | float | bool | None] = (
        {"target_id": target_id} if target_id else {}
    )
    sid = store.create_session(
        track_id="ml-full-loop",
        track_name="Job: Senior MLE",
        backend="offline",
        backend_label="Offline coach",
        plan=SessionPlan(question_ids=list(answers), duration_seconds=600, options=options),
        started_at=started_at,
    )
    for qid, score in answers.items():
        store.add_turn(sid, Turn(role="interviewer", kind="question", text="Q?", question_id=qid))
        store.add_turn(
            sid,
            Turn(role="candidate", kind="answer", text="A", question_id=qid, skipped=score is None),
        )
        if score is not None:
            store.save_grade(
                sid,
                qid,
                Grade(question_id=qid, rubric_id="technical", criteria=[], overall_score=score),
            )
    return sid


def test_several_targets_are_saved_listed_and_corrected(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.db") as store:
        a = new_target(store, "Recsys MLE", created_at="2026-01-01T00:00:00+00:00")
        b = new_target(store, "MLOps", created_at="2026-02-01T00:00:00+00:00")
        assert [t.id for t in list_targets(store)] == [b, a]  # newest first
        got = get_target(store, a)
        assert (got.title, got.posting, got.cv, got.skills) == (
            "Recsys MLE",
            "posting for Recsys MLE",
            "my CV",
            SKILLS,
        )
        assert got.profile.seniority == "senior" and got.created_at.startswith("2026-01-01")
        update_skills(store, a, ["overfitting", "a/b testing"])
        assert get_target(store, a).skills == ["overfitting", "a/b testing"]
        assert get_target(store, b).skills == SKILLS  # the other is untouched
        assert find_target(store, a[:4]).id == a
        assert delete_target(store, b) and not delete_target(store, b)
        with pytest.raises(TargetNotFound, match="interviewer targets"):
            get_target(store, b)
        with pytest.raises(TargetNotFound):
            update_skills(store, b, [])
    # Kept across a reopen.
    with SessionStore(tmp_path / "s.db") as store:
        assert [t.title for t in list_targets(store)] == ["Recsys MLE"]


def test_generated_questions_are_kept_with_the_target() -> None:
    store = SessionStore.memory()
    gen = question("gen-rag-1234abcd")
    tid = new_target(store, generated=[gen])
    other = question("gen-k8s-99")
    add_generated(store, tid, [gen, other])
    assert [q.id for q in get_target(store, tid).generated] == [gen.id, other.id]
    assert get_target(store, tid).generated[0] == gen


def test_each_target_keeps_its_own_history_and_readiness() -> None:
    store = SessionStore.memory()
    lib = load_library()
    a = new_target(store, "A")
    b = new_target(store, "B")
    session_for(store, a, {"tech-overfitting": 40.0}, "2026-03-01T10:00:00+00:00")
    session_for(store, a, {"tech-overfitting": 80.0, "tech-knn": None}, "2026-03-02T10:00:00+00:00")
    session_for(store, b, {"case-ecommerce-recsys": 70.0}, "2026-03-03T10:00:00+00:00")
    session_for(store, None, {"tech-overfitting": 10.0}, "2026-03-04T10:00:00+00:00")
    assert len(target_sessions(store, a)) == 2 and len(target_sessions(store, b)) == 1
    answers = target_answers(store, a)
    assert ("tech-overfitting", "2026-03-02T10:00:00+00:00", 80.0) in answers
    assert ("tech-knn", "2026-03-02T10:00:00+00:00", None) in answers
    ra = target_readiness(store, get_target(store, a), lib)
    by = {s.skill: s for s in ra.skills}
    assert ra.sessions == 2
    assert by["overfitting"].asked == 2 and by["overfitting"].latest_score == 80.0  # latest
    assert by["recommendation systems"].asked == 0
    assert ra.never_asked == ["recommendation systems", "kubernetes"]
    rb = target_readiness(store, get_target(store, b), lib)
    assert rb.practised == ["recommendation systems"]
    assert {s.skill: s.latest_score for s in rb.skills}["recommendation systems"] == 70.0


def test_readiness_of_a_generated_question_follows_its_topics() -> None:
    lib = load_library()
    vocab = SkillVocabulary(lib.questions.values())
    gen = question("gen-k8s-1").model_copy(update={"topics": ["Kubernetes"]})
    r = readiness("t", ["kubernetes", "docker"], [(gen.id, now_iso(), 55.0)], vocab, {gen.id: gen})
    assert r.practised == ["kubernetes"] and r.skills[0].latest_score == 55.0


def test_a_v3_database_gains_targets_and_keeps_its_sessions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=3)
    conn.execute(
        "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, started_at, "
        "plan) VALUES ('s1', 't', 'T', 'offline', 'Offline', '2025-01-01', "
        '\'{"question_ids": ["q1"], "duration_seconds": 60}\')'
    )
    conn.close()
    with SessionStore(path) as store:
        assert [r.id for r in store.list_sessions()] == ["s1"]
        assert list_targets(store) == []
        tid = new_target(store)
        assert target_sessions(store, tid) == []
    conn = sqlite3.connect(path)
    assert user_version(conn) == SCHEMA_VERSION >= 4
    conn.close()


def test_no_credential_columns_in_targets() -> None:
    store = SessionStore.memory()
    cols = [r[1] for r in store._read(lambda c: c.execute("PRAGMA table_info(targets)").fetchall())]
    assert cols == ["id", "title", "posting", "cv", "skills", "profile", "generated", "created_at"]


def test_a_session_with_a_generated_question_resumes_and_reports_it() -> None:
    """The question a model wrote is not in the bank: the session finds it through the
    target it was practised for, after the app (and its library) started afresh."""
    from interviewer.core.jobs import build_plan
    from interviewer.job_plans import add_generated, start_options
    from interviewer.llm.offline import OfflineCoach
    from interviewer.llm.scripted import ScriptedBackend
    from interviewer.session import InterviewSession, ThreadExecutor

    lib = load_library()
    vocab = SkillVocabulary(lib.questions.values())
    gen = question("gen-kubernetes-0a1b2c3d").model_copy(update={"topics": ["kubernetes"]})
    prof = profile()
    plan = build_plan(
        prof, lib.questions.values(), vocab, count=2, generated=[(gen, "kubernetes", "the posting")]
    )
    assert plan.questions[0].id == gen.id and plan.questions[0].generated
    store = SessionStore.memory()
    tid = new_target(store, generated=[gen])
    add_generated(lib, [gen])
    backend = ScriptedBackend(default_turn=lambda r: r.question.text if r.question else "Bye.")
    executor = ThreadExecutor()
    session = InterviewSession(lib, store, executor, backend=backend, offline=OfflineCoach())
    session.start(start_options(plan, lib, title="Senior MLE", target_id=tid, follow_ups=False))
    assert executor.run_until(lambda: session.answering)
    sid = session.session_id or ""
    session.suspend()
    executor.shutdown()
    assert [r.id for r in target_sessions(store, tid)] == [sid]

    fresh = load_library()
    assert gen.id not in fresh.questions
    executor = ThreadExecutor()
    again = InterviewSession(fresh, store, executor, backend=backend, offline=OfflineCoach())
    assert again.resume_problem(store.load_session(sid)) == ""
    again.resume(sid)
    assert again.options is not None and again.options.target_id == tid
    assert executor.run_until(lambda: again.answering)
    again.submit_answer("Pods, deployments and a bias-variance trade-off answer: underfit.")
    assert executor.run_until(lambda: again.answering)
    again.end_early()
    assert executor.run_until(lambda: again.results is not None, timeout=60)
    report = again.results.report if again.results is not None else None
    assert report is not None
    first = report.questions[0]
    assert first.question_id == gen.id and first.generated and first.grade is not None
    assert not report.questions[1].generated
    executor.shutdown()
