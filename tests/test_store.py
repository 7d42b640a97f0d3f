"""The session store: schema and migrations, durability under SIGKILL, bad files, history.

Every test uses its own tmp_path database; the kill test drives tests/store_worker.py in
a child process and checks that what the child reported as committed is really stored.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from interviewer.core.engine import InterviewEngine, NeedGrades
from interviewer.core.models import CriterionScore, Grade, Turn
from interviewer.core.report import Report, build_report
from interviewer.storage.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, user_version
from interviewer.storage.paths import app_paths
from interviewer.storage.store import (
    DatabaseCorrupt,
    DatabaseTooNew,
    SessionNotFound,
    SessionPlan,
    SessionStore,
    StorageUnavailable,
    StoreError,
)
from tests.factories import follow, question, rubric, track

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "store_worker.py"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def plan(n: int = 2, duration: float = 1800.0) -> SessionPlan:
    return SessionPlan(
        question_ids=[f"q{i}" for i in range(n)],
        duration_seconds=duration,
        answer_seconds={f"q{i}": 120 for i in range(n)},
    )


def new_session(store: SessionStore, started_at: str = "2025-01-02T10:00:00+00:00") -> str:
    return store.create_session(
        track_id="t",
        track_name="Test track",
        backend="offline",
        backend_label="Offline coach",
        plan=plan(),
        started_at=started_at,
    )


def a_grade(qid: str, score: float) -> Grade:
    return Grade(
        question_id=qid,
        rubric_id="technical",
        criteria=[
            CriterionScore(criterion_id="correctness", evidence=["bias"], reasoning="r", score=4),
            CriterionScore(criterion_id="depth", evidence=[], reasoning="r", score=3),
        ],
        overall_score=score,
        strengths=["named both sources of error"],
        backend="test",
    )


def run_interview(store: SessionStore) -> tuple[str, Report]:
    """Drive a real engine through two questions, saving as a driver would."""
    clock = FakeClock()
    eng = InterviewEngine(
        track(limit=1, count=2),
        [question("q0"), question("q1")],
        {"technical": rubric()},
        clock=clock,
    )
    sid = new_session(store)
    eng.start()
    saved = 0

    def save_new_turns() -> None:
        nonlocal saved
        for turn in eng.transcript[saved:]:
            store.add_turn(sid, turn)
        saved = len(eng.transcript)

    eng.on_interviewer_text("Explain the bias-variance trade-off.")
    clock.now += 40
    eng.submit_answer("High bias underfits, high variance overfits.")
    eng.on_follow_up(follow("How would you detect high variance?"))
    clock.now += 20
    eng.submit_answer("Learning curves with a large train/validation gap.")
    eng.on_interviewer_text("Second question?")
    clock.now += 5
    eng.skip()
    save_new_turns()
    eng.on_interviewer_text("Thanks, that's all.")
    save_new_turns()
    assert isinstance(eng.need(), NeedGrades)
    for req in eng.take_grading_requests():
        grade = a_grade(req.question.id, 72.0)
        store.save_grade(sid, req.question.id, grade)
        eng.on_grade(req.request_id, grade)
    report = build_report(
        eng,
        backend="offline",
        backend_label="Offline coach",
        started_at="2025-01-02T10:00:00+00:00",
        session_id=sid,
    )
    return sid, report


# --------------------------------------------------------------------------- schema


def test_fresh_database_has_current_schema_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "data" / "sessions.sqlite3"
    with SessionStore(db) as store:
        assert store.notice == "" and not store.in_memory
        new_session(store)
    conn = sqlite3.connect(db)
    assert user_version(conn) == SCHEMA_VERSION == len(MIGRATIONS) >= 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"sessions", "turns", "drafts", "grades", "meta"} <= tables
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "sessions_by_status_started" in indexes
    conn.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        with pytest.raises(SessionNotFound, match="nope"):
            store.add_turn("nope", Turn(role="candidate", kind="answer", text="x"))
        with pytest.raises(SessionNotFound):
            store.save_draft("nope", "q0", "x", 1, 2)
        with pytest.raises(SessionNotFound):
            store.mark_abandoned("nope")


def test_default_path_follows_interviewer_home(interviewer_home: Path) -> None:
    db = app_paths().database
    assert db.is_relative_to(interviewer_home)
    with SessionStore.open(db) as store:
        new_session(store)
    assert db.exists()


def test_schema_holds_no_secret_and_plans_refuse_them(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    SessionStore(db).close()
    conn = sqlite3.connect(db)
    schema = " ".join(r[0] for r in conn.execute("SELECT sql FROM sqlite_master") if r[0])
    conn.close()
    for word in ("api_key", "apikey", "secret", "token", "password"):
        assert word not in schema.lower()
    with pytest.raises(ValueError, match="secrets are never stored"):
        SessionPlan(question_ids=["q"], duration_seconds=60, options={"openai_api_key": "sk-x"})


def test_migration_from_v1_keeps_data_and_backfills(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite3"
    with SessionStore.memory() as scratch:
        sid, report = run_interview(scratch)
    conn = sqlite3.connect(db, isolation_level=None)
    assert migrate(conn, target=1) == 1
    cols = {r[1] for r in conn.execute("PRAGMA table_info(sessions)")}
    assert "duration_seconds" not in cols  # really the first schema
    conn.execute(
        "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, started_at,"
        " ended_at, status, overall_score, plan, report) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (
            sid,
            "t",
            "Test track",
            "offline",
            "Offline coach",
            "2025-01-02T10:00:00+00:00",
            report.ended_at,
            "finished",
            report.summary.overall_score,
            plan().model_dump_json(),
            report.model_dump_json(),
        ),
    )
    conn.execute(
        "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, started_at,"
        " status, plan) VALUES ('old2', 't', 'Test track', 'openai', 'OpenAI gpt-4o-mini',"
        " '2025-01-03T09:00:00+00:00', 'abandoned', ?)",
        (plan().model_dump_json(),),
    )
    conn.executemany(
        "INSERT INTO turns (session_id, seq, role, kind, question_id, text, at, seconds)"
        " VALUES ('old2', ?, ?, ?, 'q0', ?, 0, ?)",
        [
            (1, "interviewer", "question", "Q?", None),
            (2, "candidate", "answer", "first answer", 30.0),
            (3, "interviewer", "follow_up", "More?", None),
            (4, "candidate", "answer", "second answer", 12.5),
        ],
    )
    conn.execute(
        "INSERT INTO drafts VALUES ('old2', 'q1', 'half-typed', 50, 700, '2025-01-03T09:10:00')"
    )
    conn.close()

    with SessionStore(db) as store:
        assert store.notice == ""
        rows = {r.id: r for r in store.list_sessions()}
        assert [r.id for r in store.list_sessions()] == ["old2", sid]  # newest first
        assert rows[sid].status == "finished"
        assert rows[sid].duration_seconds == report.duration_seconds  # backfilled from JSON
        assert rows[sid].answers == 1 and rows[sid].overall_score == 36.0  # 72 and a skip
        assert rows["old2"].duration_seconds == 42.5  # backfilled from the turns
        assert rows["old2"].answers == 1
        assert store.get_report(sid) == report
        old = store.load_session("old2")
        assert [t.text for t in old.turns] == ["Q?", "first answer", "More?", "second answer"]
        assert old.draft is not None and old.draft.text == "half-typed"
    conn = sqlite3.connect(db)
    assert user_version(conn) == SCHEMA_VERSION
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    broken = (MIGRATIONS[0], "CREATE TABLE half_done (x); SELECT * FROM no_such_table;")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        migrate(conn, target=2, migrations=broken)
    assert user_version(conn) == 1
    assert conn.execute("SELECT name FROM sqlite_master WHERE name='half_done'").fetchone() is None
    conn.close()


# --------------------------------------------------------------------------- durability


def test_turns_survive_sigkill_at_random_points(tmp_path: Path) -> None:
    db = tmp_path / "data" / "sessions.sqlite3"
    with SessionStore(db) as store:
        sid = new_session(store)
    rng = random.Random(20250105)
    reported: list[int] = []
    kills = 12
    for _ in range(kills):
        proc = subprocess.Popen(
            [sys.executable, str(WORKER), str(db), sid],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert proc.stdout is not None
        try:
            assert proc.stdout.readline() == "ready\n", proc.stderr.read() if proc.stderr else ""
            for _ in range(rng.randint(0, 30)):
                line = proc.stdout.readline()
                assert line.endswith("\n"), proc.stderr.read() if proc.stderr else ""
                reported.append(int(line))
        finally:
            proc.send_signal(signal.SIGKILL)
            rest, err = proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL, err
        # Numbers printed before the kill but not read yet were committed too.
        reported += [int(x) for x in rest.split("\n")[:-1]]
    assert len(reported) >= kills
    assert reported == sorted(set(reported))  # each run carried on after the last one

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    stored = {r[0] for r in conn.execute("SELECT seq FROM turns WHERE session_id = ?", (sid,))}
    conn.close()
    assert set(reported) <= stored
    with SessionStore(db) as store:
        loaded = store.load_session(sid)
    assert len(loaded.turns) == len(stored)


def test_draft_is_kept_until_the_answer_is_submitted(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        sid = new_session(store)
        store.add_turn(sid, Turn(role="interviewer", kind="question", text="Q?", question_id="q0"))
        store.save_draft(sid, "q0", "first words", 100.0, 1700.0)
        store.save_draft(sid, "q0", "first words and more", 90.5, 1690.5)
        loaded = store.load_session(sid)
        assert loaded.draft is not None
        assert loaded.draft.text == "first words and more"
        assert (loaded.question_seconds_left, loaded.interview_seconds_left) == (90.5, 1690.5)
        store.add_turn(
            sid, Turn(role="candidate", kind="answer", text="final", question_id="q0", seconds=30)
        )
        loaded = store.load_session(sid)
        assert loaded.draft is None  # the submitted answer consumed it
        assert loaded.question_seconds_left is None
        assert loaded.interview_seconds_left == 1800.0 - 30


# --------------------------------------------------------------------------- bad state


def _real_database(path: Path) -> None:
    with SessionStore(path) as store:
        for i in range(30):
            sid = new_session(store, f"2025-01-{i % 28 + 1:02d}T10:00:00+00:00")
            store.add_turn(sid, Turn(role="candidate", kind="answer", text="words " * 400))


@pytest.mark.parametrize("damage", ["garbage", "text", "truncated", "overwritten"])
def test_corrupt_file_is_moved_aside_and_a_fresh_one_started(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "sessions.sqlite3"
    if damage == "garbage":
        db.write_bytes(random.Random(1).randbytes(9000))
    elif damage == "text":
        db.write_text('{"these are": "my notes, not a database"}\n' * 50)
    else:
        _real_database(db)
        data = db.read_bytes()
        if damage == "truncated":
            data = data[: len(data) // 2]
        else:
            data = data[:8192] + random.Random(2).randbytes(4096) + data[12288:]
        db.write_bytes(data)
    original = db.read_bytes()
    wal = db.with_name(db.name + "-wal")
    wal.write_bytes(b"stale wal")

    with pytest.raises(DatabaseCorrupt):
        SessionStore(db)
    assert db.read_bytes() == original  # the strict constructor touches nothing

    store = SessionStore.open(db)
    try:
        aside = [p for p in tmp_path.iterdir() if ".corrupt-" in p.name]
        main = [p for p in aside if p.suffix == ".sqlite3"]
        assert len(main) == 1 and main[0].read_bytes() == original  # moved, not deleted
        if damage in ("garbage", "text"):
            # Not even SQLite's header: SQLite never opened it, so its WAL moved along.
            # (A file with a real header is opened; SQLite may fold a WAL into it first.)
            assert main[0].with_name(main[0].name + "-wal").read_bytes() == b"stale wal"
        assert not wal.exists() or wal.read_bytes() != b"stale wal"  # never left beside the new one
        assert str(db) in store.notice and str(main[0]) in store.notice
        assert "moved aside" in store.notice and "damaged" in store.notice
        assert not store.in_memory and store.list_sessions() == []
        new_session(store)
        assert len(store.list_sessions()) == 1
    finally:
        store.close()
    conn = sqlite3.connect(db)
    assert user_version(conn) == SCHEMA_VERSION
    conn.close()


def test_newer_database_is_moved_aside(tmp_path: Path) -> None:
    db = tmp_path / "sessions.sqlite3"
    _real_database(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseTooNew, match=f"schema version {SCHEMA_VERSION + 5}"):
        SessionStore(db)
    with SessionStore.open(db) as store:
        assert "newer version" in store.notice and str(db) in store.notice
        assert "Rename it back" in store.notice
        assert store.list_sessions() == []
    (aside,) = [p for p in tmp_path.iterdir() if p.name.endswith(".sqlite3") and "newer-" in p.name]
    conn = sqlite3.connect(aside)
    assert user_version(conn) == SCHEMA_VERSION + 5
    assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 30  # intact
    conn.close()


def _carries_on_in_memory(store: SessionStore) -> None:
    assert store.in_memory
    sid = new_session(store)
    store.add_turn(sid, Turn(role="candidate", kind="answer", text="still here", question_id="q0"))
    assert [t.text for t in store.load_session(sid).turns] == ["still here"]


def test_read_only_directory_falls_back_to_memory(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    _real_database(folder / "sessions.sqlite3")
    folder.chmod(0o500)
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except PermissionError:
            pass
        else:
            probe.unlink()
            pytest.skip("chmod does not stop this user (root); see the blocked-folder test")
        with pytest.raises(StorageUnavailable):
            SessionStore(folder / "sessions.sqlite3")
        store = SessionStore.open(folder / "sessions.sqlite3")
        assert str(folder) in store.notice and "memory only" in store.notice
        _carries_on_in_memory(store)
        store.close()
    finally:
        folder.chmod(0o700)


def test_unusable_folder_falls_back_to_memory(tmp_path: Path) -> None:
    """Works as root too: a regular file stands where the data folder should be."""
    blocker = tmp_path / "data"
    blocker.write_text("not a folder")
    db = blocker / "sessions.sqlite3"
    with pytest.raises(StorageUnavailable):
        SessionStore(db)
    store = SessionStore.open(db)
    assert "Cannot save sessions" in store.notice and str(blocker) in store.notice
    assert "export its report" in store.notice
    _carries_on_in_memory(store)
    store.close()
    assert blocker.read_text() == "not a folder"


@pytest.mark.parametrize("failure", ["disk_full", "read_only"])
def test_failed_write_mid_interview_moves_to_memory_keeping_everything(
    tmp_path: Path, failure: str
) -> None:
    store = SessionStore(tmp_path / "s.sqlite3")
    notices: list[str] = []
    store.on_notice = notices.append
    sid = new_session(store)
    store.add_turn(sid, Turn(role="candidate", kind="answer", text="before", question_id="q0"))
    # The two ways SQLite reports a disk that stopped taking writes, made on purpose.
    conn = store._conn
    if failure == "disk_full":
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    else:
        conn.execute("PRAGMA query_only = ON")
    big = "a long answer " * 2000
    seq = store.add_turn(sid, Turn(role="candidate", kind="answer", text=big, question_id="q1"))
    assert seq == 2
    assert store.in_memory and len(notices) == 1 and notices[0] == store.notice
    expected = "disk is full" if failure == "disk_full" else "readonly"
    assert expected in store.notice and "memory only" in store.notice
    store.save_draft(sid, "q2", "typing on", 10, 20)
    loaded = store.load_session(sid)
    assert [t.text for t in loaded.turns] == ["before", big]
    assert loaded.draft is not None and loaded.draft.text == "typing on"
    store.close()


# --------------------------------------------------------------------------- history


def test_report_round_trip_and_history_row(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        sid, report = run_interview(store)
        assert store.get_report(sid) is None  # not finished yet
        assert [r.id for r in store.interrupted_sessions()] == [sid]
        store.finish_session(sid, report)
        assert store.get_report(sid) == report
        assert store.interrupted_sessions() == []
        (row,) = store.list_sessions()
        assert row.status == "finished" and row.ended_at == report.ended_at
        assert row.overall_score == report.summary.overall_score == 36.0  # 72 and a skip (0)
        assert row.answers == 1  # q0 answered (with a follow-up), q1 skipped
        assert row.duration_seconds == report.duration_seconds == 65.0
        assert (row.track_id, row.backend, row.backend_label) == ("t", "offline", "Offline coach")
        loaded = store.load_session(sid)
        assert loaded.report == report
        assert [t.kind for t in loaded.turns] == [
            "question",
            "answer",
            "follow_up",
            "answer",
            "question",
            "answer",
            "wrap_up",
        ]
        assert loaded.turns[5].skipped and loaded.turns[1].seconds == 40
        assert loaded.grades["q0"] == a_grade("q0", 72.0)
        assert loaded.plan == plan()


def test_report_with_another_id_is_stored_under_the_session_id(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        sid, report = run_interview(store)
        store.finish_session(sid, report.model_copy(update={"session_id": "other"}))
        got = store.get_report(sid)
        assert got is not None and got.session_id == sid
        with pytest.raises(SessionNotFound):
            store.finish_session("missing", report)


def test_interrupted_newest_first_and_abandoning(tmp_path: Path) -> None:
    with SessionStore(tmp_path / "s.sqlite3") as store:
        a = new_session(store, "2025-01-01T08:00:00+00:00")
        b = new_session(store, "2025-01-03T08:00:00+00:00")
        c = new_session(store, "2025-01-02T08:00:00+00:00")
        store.add_turn(b, Turn(role="candidate", kind="answer", text="x", seconds=50))
        store.save_draft(b, "q1", "half", 30, 1500)
        assert [r.id for r in store.interrupted_sessions()] == [b, c, a]
        assert store.get_session(b) is not None
        assert store.get_session(b).duration_seconds == 300  # type: ignore[union-attr]
        store.mark_abandoned(b)
        assert [r.id for r in store.interrupted_sessions()] == [c, a]
        row = store.get_session(b)
        assert row is not None and row.status == "abandoned" and row.ended_at
        assert row.duration_seconds == 300  # from the clock at the last save
        loaded = store.load_session(b)
        assert loaded.draft is not None and loaded.draft.text == "half"  # nothing dropped
        store.mark_abandoned(b)  # twice is harmless


def test_delete_one_and_delete_all(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    secret_answer = "my-very-distinctive-answer-7f3a"
    with SessionStore(db) as store:
        keep = new_session(store)
        gone = new_session(store)
        store.add_turn(gone, Turn(role="candidate", kind="answer", text="bye"))
        store.save_grade(gone, "q0", a_grade("q0", 10))
        assert store.delete_session(gone) is True
        assert store.delete_session(gone) is False
        assert [r.id for r in store.list_sessions()] == [keep]
        with pytest.raises(SessionNotFound):
            store.load_session(gone)
        conn = sqlite3.connect(db)
        left = [
            conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in ("turns", "grades")
        ]
        conn.close()
        assert left == [0, 0]  # cascaded

        store.add_turn(keep, Turn(role="candidate", kind="answer", text=secret_answer))
        store.save_draft(keep, "q1", secret_answer + " draft", 1, 2)
        assert store.delete_all() == 1
        assert store.list_sessions() == []
        store.close()
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.name.startswith("s."))
    assert secret_answer.encode() not in on_disk  # deleted means gone from the disk


def test_memory_store_and_errors_are_interviewer_errors() -> None:
    from interviewer.core.errors import InterviewerError

    store = SessionStore.memory()
    assert store.path is None and store.in_memory and store.notice == ""
    sid = new_session(store)
    with pytest.raises(StoreError, match="already exists"):
        store.create_session(
            track_id="t",
            track_name="T",
            backend="b",
            backend_label="B",
            plan=plan(),
            session_id=sid,
        )
    assert issubclass(StoreError, InterviewerError)
    for cls in (DatabaseCorrupt, DatabaseTooNew, StorageUnavailable, SessionNotFound):
        assert issubclass(cls, StoreError)
    assert store.get_report("nope") is None and store.get_session("nope") is None
    store.close()


# ----------------------------------------------------------------- written back (issue 13)


def _hold_lock(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('other', 'writing')")
    return other


def test_kept_changes_are_replayed_and_one_that_no_longer_fits_is_dropped_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interviewer.storage import store as store_module

    monkeypatch.setattr(store_module, "RETRY_SECONDS", 0.0)
    monkeypatch.setattr(store_module, "RECOVER_SECONDS", 3600.0)  # only flush() writes back
    path = tmp_path / "s.sqlite3"
    store = SessionStore(path)
    store._conn.execute("PRAGMA busy_timeout = 10")
    keep, gone = new_session(store), new_session(store)
    other = _hold_lock(path)
    for sid in (keep, gone):
        store.add_turn(sid, Turn(role="candidate", kind="answer", text=sid, question_id="q0"))
    assert store.in_memory and store.unsaved == 2 and store.unsaved_sessions == {keep, gone}
    assert "memory only" in store.notice and "database is locked" in store.notice
    assert not store.flush()  # still locked
    # Meanwhile another window deleted one of the sessions, then let go.
    other.execute("DELETE FROM sessions WHERE id = ?", (gone,))
    other.execute("COMMIT")
    other.close()
    assert store.flush()
    assert not store.in_memory and store.unsaved == 0
    assert "2 changes kept in memory were written to it" in store.notice
    assert "1 of them no longer fitted the file and were dropped" in store.notice
    with SessionStore(path) as reader:
        assert [t.text for t in reader.load_session(keep).turns] == [keep]
        assert reader.get_session(gone) is None
    store.close()


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database or disk is full", "unavailable"),
        ("database is locked", "unavailable"),
        ("attempt to write a readonly database", "unavailable"),
        ("malformed JSON", None),
        ("no such table: drafts", None),
    ],
)
def test_errors_without_a_result_code_are_sorted_by_message(message: str, kind: str | None) -> None:
    from interviewer.storage.store import _kind

    assert _kind(sqlite3.OperationalError(message)) == kind
