"""A session's recordings: its own folder, kept with its turns, listed with it, deleted
with it; the `keep_recordings` setting; databases from before spoken answers still load."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.errors import InterviewerError
from interviewer.core.models import LongPause, Turn, VoiceDelivery
from interviewer.storage import session_files
from interviewer.storage.migrations import SCHEMA_VERSION, migrate
from interviewer.storage.paths import app_paths
from interviewer.storage.settings import Settings, load_settings, save_settings
from interviewer.storage.store import SessionPlan, SessionStore

VOICE = VoiceDelivery(
    speaking_rate_wpm=140.0,
    long_pauses=[LongPause(start=3.2, seconds=4.1, after_word="data")],
    time_to_first_word_seconds=1.5,
    fillers=2,
    filler_counts={"um": 2},
    words=40,
    speech_seconds=17.0,
    talk_seconds=21.1,
    suggested_seconds=120,
)


def new_session(store: SessionStore) -> str:
    return store.create_session(
        track_id="ml-technical",
        track_name="ML Technical",
        backend="offline",
        backend_label="Offline coach",
        plan=SessionPlan(question_ids=["tech-bias-variance"], duration_seconds=600),
    )


def record(store: SessionStore, sid: str, name: str = "tech-bias-variance-0.wav") -> Path:
    folder = store.session_dir(sid)
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"RIFF....WAVE")
    return path


def test_a_session_folder_is_in_the_data_folder_and_ids_cannot_escape_it() -> None:
    folder = session_files.session_dir("abc123")
    assert folder == app_paths().data_dir / "sessions" / "abc123"
    for bad in ("../x", "a/b", "", ".", "x" * 81, "a b"):
        with pytest.raises(InterviewerError, match="Not a session id"):
            session_files.session_dir(bad)
    assert session_files.audio_name("tech-bias-variance") == "tech-bias-variance-0.wav"
    assert session_files.audio_name("../evil/q", 2) == "evil_q-2.wav"


def test_a_spoken_turn_keeps_its_recording_and_voice_in_the_store() -> None:
    store = SessionStore.open(app_paths().database)
    sid = new_session(store)
    store.add_turn(sid, Turn(role="interviewer", kind="question", text="Q?", question_id="q"))
    store.add_turn(
        sid,
        Turn(
            role="candidate",
            kind="answer",
            text="um the answer",
            question_id="q",
            seconds=20,
            audio="q-0.wav",
            voice=VOICE,
        ),
    )
    store.add_turn(sid, Turn(role="candidate", kind="answer", text="typed", question_id="q"))
    turns = store.load_session(sid).turns
    assert turns[1].audio == "q-0.wav" and turns[1].voice == VOICE
    assert turns[2].audio is None and turns[2].voice is None
    store.close()


def test_audio_files_are_listed_and_resolved_only_inside_the_folder() -> None:
    store = SessionStore.open(app_paths().database)
    sid = new_session(store)
    assert session_files.audio_files(sid) == []
    path = record(store, sid)
    record(store, sid, "tech-bias-variance-1.wav")
    (path.parent / "tech-bias-variance-0.wav.json").write_text("{}")  # not a recording
    assert session_files.audio_files(sid) == [
        "tech-bias-variance-0.wav",
        "tech-bias-variance-1.wav",
    ]
    assert session_files.audio_path(sid, "tech-bias-variance-0.wav") == path.resolve()
    assert session_files.audio_path(sid, "missing.wav") is None
    assert session_files.audio_path(sid, "") is None
    outside = app_paths().data_dir / "outside.wav"
    outside.write_bytes(b"x")
    assert session_files.audio_path(sid, "../outside.wav") is None
    assert session_files.audio_path(sid, str(outside)) is None
    store.close()


def test_deleting_a_session_deletes_its_recordings_and_only_its_own() -> None:
    store = SessionStore.open(app_paths().database)
    gone, kept = new_session(store), new_session(store)
    record(store, gone)
    other = record(store, kept)
    assert store.delete_session(gone)
    assert not session_files.session_dir(gone).exists()
    assert other.exists()
    third = new_session(store)
    record(store, third)
    assert store.delete_all() == 2
    assert not other.exists() and not session_files.session_dir(third).exists()
    store.close()


def test_sessions_json_lists_the_recordings(capsys: pytest.CaptureFixture[str]) -> None:
    from interviewer.cli import main

    store = SessionStore.open(app_paths().database)
    spoken, typed = new_session(store), new_session(store)
    record(store, spoken)
    store.close()
    assert main(["sessions", "--json"]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed[spoken]["audio_files"] == ["tech-bias-variance-0.wav"]
    assert listed[typed]["audio_files"] == []


def test_a_database_from_before_spoken_answers_loads_and_takes_them(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, SCHEMA_VERSION - 1)
    conn.execute(
        "INSERT INTO sessions (id, track_id, track_name, backend, backend_label, started_at, "
        "plan) VALUES ('old1', 't', 'T', 'offline', 'Offline', '2026-01-01T00:00:00+00:00', ?)",
        (SessionPlan(question_ids=["q"], duration_seconds=60).model_dump_json(),),
    )
    conn.execute(
        "INSERT INTO turns (session_id, seq, role, kind, question_id, text) "
        "VALUES ('old1', 1, 'candidate', 'answer', 'q', 'typed long ago')"
    )
    conn.close()
    store = SessionStore.open(path)
    (turn,) = store.load_session("old1").turns
    assert turn.text == "typed long ago" and turn.audio is None and turn.voice is None
    store.add_turn("old1", Turn(role="candidate", kind="answer", text="now", audio="q-1.wav"))
    assert store.load_session("old1").turns[-1].audio == "q-1.wav"
    store.close()


def test_unreadable_voice_measures_drop_but_the_answer_stays() -> None:
    store = SessionStore.open(app_paths().database)
    sid = new_session(store)
    store.add_turn(sid, Turn(role="candidate", kind="answer", text="kept", voice=VOICE))
    store.close()
    conn = sqlite3.connect(app_paths().database)
    conn.execute("UPDATE turns SET voice = '{not json' WHERE session_id = ?", (sid,))
    conn.commit()
    conn.close()
    store = SessionStore.open(app_paths().database)
    (turn,) = store.load_session(sid).turns
    assert turn.text == "kept" and turn.voice is None
    store.close()


def test_keep_recordings_is_on_by_default_and_saved() -> None:
    assert Settings().keep_recordings is True
    path = app_paths().settings_file
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"model": "m"}))  # a file from before the setting
    assert load_settings(path).keep_recordings is True
    save_settings(Settings(keep_recordings=False), path)
    assert load_settings(path).keep_recordings is False


#: What QtMultimedia says on a machine with no sound card (CI): not the app's fault.
MULTIMEDIA_NOISE = (
    r"^Couldn't (load|resolve) va",
    r"^PulseAudioService: ",
    r"^No audio device",
    r"symbolsresolver|pipewire",
)


@pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)
def test_a_spoken_session_opened_from_history_replays_its_recording(qtbot: QtBot) -> None:
    from interviewer.core.engine import InterviewEngine
    from interviewer.core.report import build_report
    from interviewer.gui.replay import ReplayButton
    from tests.gui_helpers import FakeClock, settle
    from tests.test_gui_history import a_grade, open_window

    win = open_window(qtbot)
    lib = win.controller.library
    t, q = lib.track("t"), lib.questions["q1"]
    clock = FakeClock()
    eng = InterviewEngine(t, [q], lib.rubrics, follow_ups=False, clock=clock)
    sid = new_session(win.store)
    eng.start()
    eng.on_interviewer_text("Explain it.")
    clock.advance(30)
    eng.submit_answer("Bias is error from wrong assumptions.", audio="q1-0.wav", voice=VOICE)
    eng.on_interviewer_text("Thanks.")
    for turn in eng.transcript:
        win.store.add_turn(sid, turn)
    for req in eng.take_grading_requests():
        eng.on_grade(req.request_id, a_grade("q1", 60.0))
    report = build_report(
        eng, backend="s", backend_label="S", started_at="2026-01-01T10:00:00+00:00", session_id=sid
    )
    win.store.finish_session(sid, report)
    recording = record(win.store, sid, "q1-0.wav")

    win.window.show_history()
    settle(qtbot)
    win.window.history.select(sid)
    win.window.history.open_button.click()
    settle(qtbot)
    fb = win.window.feedback
    assert win.window.stack.currentWidget() is fb
    (box,) = fb.cards[0].answers
    assert isinstance(box.replay, ReplayButton) and box.replay.path == recording


def test_the_session_saves_a_spoken_answer_and_grades_its_voice() -> None:
    import random

    from interviewer.core.engine import Phase
    from interviewer.llm.scripted import ScriptedBackend
    from interviewer.session import InterviewSession, StartOptions, ThreadExecutor
    from tests.gui_helpers import quoting_grade, small_library

    store = SessionStore.memory()
    executor = ThreadExecutor()
    session = InterviewSession(
        small_library(count=1, limit=0),
        store,
        executor,
        backend=ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade),
        rng=random.Random(1),
    )
    session.start(StartOptions("t", question_count=1, follow_ups=False, repeat=True))
    assert executor.run_until(lambda: session.answering)
    sid = session.session_id
    assert sid is not None
    spoken = "Bias is error from wrong assumptions; a biased model underfits the data."
    assert session.submit_answer(spoken, audio="q1-0.wav", voice=VOICE)
    assert executor.run_until(lambda: session.results is not None)
    executor.shutdown()
    assert session.phase is Phase.DONE
    (answer,) = [t for t in store.load_session(sid).turns if t.role == "candidate"]
    assert answer.audio == "q1-0.wav" and answer.voice == VOICE
    (grade,) = store.load_session(sid).grades.values()
    assert grade.delivery is not None and grade.delivery.voice is not None
    assert grade.delivery.voice.long_pauses == VOICE.long_pauses
    assert any("long pause" in n for n in grade.delivery.notes)


def test_a_store_in_memory_keeps_recordings_in_its_own_folder_not_the_data_folder() -> None:
    store = SessionStore.memory("the disk is full")
    sid = new_session(store)
    folder = store.session_dir(sid)
    assert folder is not None and folder.name == sid
    assert app_paths().data_dir not in folder.parents  # it may be another store's
    assert store.session_dir(sid) == folder  # the same folder each time
    path = record(store, sid)
    assert store.delete_session(sid) and not path.exists()
    again = record(store, new_session(store))
    store.close()
    assert not again.exists() and not folder.parent.parent.exists()  # gone with the store


def test_a_store_elsewhere_keeps_recordings_beside_its_database(tmp_path: Path) -> None:
    store = SessionStore.open(tmp_path / "elsewhere" / "sessions.db")
    sid = new_session(store)
    assert store.session_dir(sid) == tmp_path / "elsewhere" / "sessions" / sid
    store.close()
