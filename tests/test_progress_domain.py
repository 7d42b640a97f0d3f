"""Progress and history numbers outside the window: `interviewer.progress` has no Qt,
`interviewer progress` prints what the Progress screen shows, `interviewer sessions`'
listing ends with the History screen's summary line.

Sessions are written as the app writes them (engine, turns, grades, `build_report`),
over two categories with two different rubrics, so the charts have several lines and
the weak lists mix rubrics.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from pytestqt.qtbot import QtBot

from interviewer.commands_progress import cmd_progress, progress_text, register, write_sessions
from interviewer.core.content import ContentLibrary
from interviewer.core.engine import InterviewEngine
from interviewer.core.models import CriterionScore, Grade, Rubric, Track
from interviewer.core.report import build_report
from interviewer.gui.controller import Controller
from interviewer.gui.main_window import MainWindow
from interviewer.llm.scripted import ScriptedBackend
from interviewer.progress import (
    STATUS_TEXT,
    feedback_from_report,
    finished_reports,
    format_duration,
    history_summary,
    overview,
    practice_track,
    progress_data,
    session_json,
)
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from interviewer.storage.store import SessionPlan, SessionStore
from tests.factories import LEVELS, question, rubric
from tests.gui_helpers import Confirmations, FakeClock, quoting_grade, settle

ROOT = Path(__file__).resolve().parents[1]

TOPICS = {
    "t1": ["bias-variance"],
    "t2": ["regularization", "overfitting"],
    "t3": ["clustering"],
    "b1": ["conflict"],
    "b2": ["ownership", "conflict"],
}


def star_rubric() -> Rubric:
    return Rubric.model_validate(
        {
            "id": "star",
            "name": "Behavioral (STAR)",
            "description": "d",
            "criteria": [
                {"id": "situation", "name": "Situation", "weight": 1, "description": "d",
                 "levels": LEVELS},
                {"id": "result", "name": "Result", "weight": 2, "description": "d",
                 "levels": LEVELS},
                {"id": "reflection", "name": "Reflection", "weight": 1, "description": "d",
                 "levels": LEVELS},
            ],
        }
    )  # fmt: skip


def library() -> ContentLibrary:
    lib = ContentLibrary()
    lib.tracks["loop"] = Track(
        id="loop",
        name="Full loop",
        description="d",
        duration_minutes=40,
        question_count=4,
        categories=["technical", "behavioral"],
        follow_up_limit=0,
    )
    lib.rubrics["technical"] = rubric()
    lib.rubrics["star"] = star_rubric()
    for qid, topics in TOPICS.items():
        behavioral = qid.startswith("b")
        q = question(qid, rubric_id="star" if behavioral else "technical")
        lib.questions[qid] = q.model_copy(
            update={"topics": topics, "category": "behavioral" if behavioral else "technical"}
        )
    return lib


def a_grade(lib: ContentLibrary, qid: str, score: float) -> Grade:
    """A grade whose criterion levels differ per criterion, so the charts' lines differ."""
    rub = lib.rubrics[lib.questions[qid].rubric]
    base = max(1, min(5, round(score / 20)))
    return Grade(
        question_id=qid,
        rubric_id=rub.id,
        criteria=[
            CriterionScore(criterion_id=c.id, evidence=[], score=max(1, base - i))
            for i, c in enumerate(rub.criteria)
        ],
        overall_score=score,
        backend="test",
    )


def record(
    store: SessionStore,
    lib: ContentLibrary,
    scores: list[tuple[str, float | None]],
    started_at: str,
    *,
    finish: bool = True,
) -> str:
    """One session: each (question, score) answered and graded, or skipped when None."""
    t = lib.track("loop")
    qs = [lib.questions[qid] for qid, _ in scores]
    clock = FakeClock()
    eng = InterviewEngine(t, qs, lib.rubrics, follow_ups=False, clock=clock)
    sid = store.create_session(
        track_id=t.id,
        track_name=t.name,
        backend="scripted",
        backend_label="Scripted test backend",
        plan=SessionPlan(question_ids=[q.id for q in qs], duration_seconds=eng.duration),
        started_at=started_at,
    )
    eng.start()
    for qid, score in scores:
        eng.on_interviewer_text("")
        clock.advance(45)
        if score is None:
            eng.skip()
        else:
            eng.submit_answer(f"My answer on {qid}: what I did and what came of it.")
    for turn in eng.transcript:
        store.add_turn(sid, turn)
    if not finish:
        store.mark_abandoned(sid)
        return sid
    eng.on_interviewer_text("")  # the wrap-up
    by_id = dict(scores)
    for req in eng.take_grading_requests():
        score = by_id[req.question.id]
        assert score is not None
        g = a_grade(lib, req.question.id, score)
        store.save_grade(sid, req.question.id, g)
        eng.on_grade(req.request_id, g)
    report = build_report(
        eng,
        backend="scripted",
        backend_label="Scripted test backend",
        started_at=started_at,
        session_id=sid,
    )
    store.finish_session(sid, report)
    return sid


def fill(store: SessionStore, lib: ContentLibrary) -> list[str]:
    """Five finished sessions (two on one day, one technical only) and one unfinished."""
    return [
        record(store, lib, [("t1", 85.0), ("b1", 55.0)], "2025-02-27T09:00:00+00:00"),
        record(store, lib, [("t2", 40.0), ("b2", None)], "2025-03-01T09:00:00+00:00"),
        record(store, lib, [("t3", 62.0), ("b1", 71.0)], "2025-03-01T15:30:00+00:00"),
        record(store, lib, [("t1", 90.0), ("t2", 35.0)], "2025-03-04T09:00:00+00:00"),
        record(store, lib, [("b2", 48.0), ("t3", None)], "2025-03-09T09:00:00+00:00"),
        record(store, lib, [("t1", 10.0)], "2025-03-10T09:00:00+00:00", finish=False),
    ]


def user_store() -> SessionStore:
    """The database `interviewer progress` opens (INTERVIEWER_HOME is a temp dir)."""
    return SessionStore.open(app_paths().database)


def run_progress(*, as_json: bool, store: SessionStore | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cmd_progress(argparse.Namespace(json=as_json), out=out, err=err, store=store)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- layers


def test_domain_modules_load_without_qt() -> None:
    code = (
        "import sys, interviewer.progress, interviewer.commands_progress; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr


def test_history_and_progress_widgets_do_not_import_sqlite3() -> None:
    for name in ("history.py", "progress.py"):
        tree = ast.parse((ROOT / "interviewer" / "gui" / name).read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])
        assert "sqlite3" not in imported, name
        assert "PySide6" in imported  # the check would see an import if there were one


# --------------------------------------------------------------------------- window = terminal


def open_window(qtbot: QtBot, lib: ContentLibrary, store: SessionStore) -> MainWindow:
    controller = Controller(
        lib,
        Settings(),
        SecretStore(),
        backend=ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade),
        clock=FakeClock(),
        rng=random.Random(0),
        store=store,
    )
    window = MainWindow(controller, confirm=Confirmations(), save_file=lambda *a: ("", ""))
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    return window


def test_progress_json_agrees_with_the_progress_screen(qtbot: QtBot) -> None:
    lib = library()
    store = user_store()
    ids = fill(store, lib)
    window = open_window(qtbot, lib, store)
    window.show_progress()
    settle(qtbot)
    p = window.progress
    assert window.stack.currentWidget() is p

    code, out, err = run_progress(as_json=True)  # opens the database itself, as the CLI does
    assert code == 0 and err == ""
    data = json.loads(out)

    # Which sessions, in which order, under which labels.
    assert data["finished_sessions"] == 5 == len(p.data.points)
    assert [s["session_id"] for s in data["sessions"]] == ids[:5]  # oldest first, no unfinished
    assert [s["label"] for s in data["sessions"]] == p.category_chart.x_labels
    assert len(set(p.category_chart.x_labels)) == 5  # two on 1 March get their times

    # The category chart, line by line and point by point.
    names = {c["name"]: c["id"] for c in data["categories"]}
    assert set(names) == {"Technical", "Behavioral"}
    shown = {s.name: s.values for s in p.category_chart.series}
    assert set(shown) == {"Overall", *names}
    assert shown["Overall"] == [s["overall_score"] for s in data["sessions"]]
    for name, cat in names.items():
        assert shown[name] == [s["per_category"].get(cat) for s in data["sessions"]]
    assert shown["Behavioral"][3] is None  # the technical-only session has no point there

    # The criterion chart, for each rubric the combo offers.
    rubrics = {r["id"]: r for r in data["rubrics"]}
    assert set(rubrics) == {"technical", "star"}
    combo = p.rubric_combo
    assert combo.count() == 2 and not combo.isHidden()
    for i in range(combo.count()):
        combo.setCurrentIndex(i)
        rid = combo.currentData()
        assert combo.currentText() == rubrics[rid]["name"]
        chart = {s.name: s.values for s in p.criterion_chart.series}
        assert list(chart) == [c["name"] for c in rubrics[rid]["criteria"]]
        for c in rubrics[rid]["criteria"]:
            assert chart[c["name"]] == [
                s["per_criterion"].get(rid, {}).get(c["id"]) for s in data["sessions"]
            ]

    # The headline, the weakest lists and the practice the button would start.
    overall = [s["overall_score"] for s in data["sessions"]][-5:]
    assert data["latest_average"] == sum(overall) / len(overall)
    assert p.topics == data["practice_topics"] and data["practice_topics"]
    assert p.headline.text() == "Weakest topics: " + ", ".join(data["practice_topics"])
    assert (
        f"{data['finished_sessions']} finished interviews; average of the last "
        f"{data['latest_average_sessions']}: {data['latest_average']:.0f}."
    ) in p.subline.text()
    assert f"from the last {data['weak_window_sessions']}." in p.subline.text()
    topics = data["weak_topics"][:5]
    assert [lbl.text() for lbl in p.topic_rows] == [t["topic"] for t in topics]
    assert [lbl.toolTip() for lbl in p.topic_rows] == [
        f"{t['topic']}: {t['average']:.0f} of 100 over {t['answers']} "
        f"answer{'s' if t['answers'] != 1 else ''}"
        for t in topics
    ]
    crits = data["weak_criteria"][:5]
    assert [lbl.text() for lbl in p.criterion_rows] == [
        f"{c['name']} · {c['rubric_name']}" for c in crits
    ]
    assert [lbl.toolTip().split(": ", 1)[1].split(" of ")[0] for lbl in p.criterion_rows] == [
        f"{c['average']:.1f}" for c in crits
    ]
    track = practice_track(lib, data["practice_topics"], p.data)
    assert track is not None and track.name.startswith("Weak topics: ")


def test_sessions_listing_ends_with_the_history_screens_summary(qtbot: QtBot) -> None:
    lib = library()
    store = user_store()
    fill(store, lib)
    window = open_window(qtbot, lib, store)
    window.show_history()
    settle(qtbot)
    h = window.history
    assert window.stack.currentWidget() is h
    out = io.StringIO()
    rows = store.list_sessions()
    write_sessions(rows, False, out)
    lines = out.getvalue().splitlines()
    assert lines[-1] == h.summary.text() == history_summary(rows)
    assert lines[-1].startswith("6 interviews · 5 finished · average score ")
    # Every session's score and answer count are the ones the window's table shows.
    proxy = h.proxy
    cells = {
        (str(proxy.index(r, 3).data()), str(proxy.index(r, 4).data()))
        for r in range(proxy.rowCount())
    }
    printed = {(line.split()[-2], line.split()[-1]) for line in lines[1:-1]}
    assert {(s.replace("—", "-"), a) for s, a in cells} == printed

    out = io.StringIO()
    write_sessions(rows, True, out)
    listed = json.loads(out.getvalue())
    assert [r["id"] for r in listed] == [r.id for r in h.model.rows]
    assert set(listed[0]) == {
        "id",
        "track",
        "track_name",
        "started_at",
        "ended_at",
        "status",
        "overall_score",
        "answers",
        "backend",
        "duration_seconds",
        "damaged",  # null unless part of the row cannot be read (issue 13)
        "audio_files",  # recordings of spoken answers in the session's folder (issue 16)
    }


# --------------------------------------------------------------------------- the command


def test_register_adds_progress_with_json() -> None:
    parser = argparse.ArgumentParser(prog="interviewer")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["progress", "--json"])
    assert args.command == "progress" and args.json is True and args.func is cmd_progress
    assert parser.parse_args(["progress"]).json is False
    code, out, _err = run_progress(as_json=args.json)
    assert code == 0 and json.loads(out)["finished_sessions"] == 0


def test_progress_text_shows_the_screens_numbers() -> None:
    lib = library()
    store = user_store()
    ids = fill(store, lib)
    code, out, err = run_progress(as_json=False, store=store)
    assert code == 0 and err == ""
    data = progress_data(finished_reports(store)[0])
    ov = overview(data)
    lines = out.splitlines()
    assert lines[:2] == [ov.headline, ov.subline]
    assert "Score by category (out of 100)" in lines
    assert "Score by criterion (out of 5): Technical" in lines
    assert "Score by criterion (out of 5): Behavioral (STAR)" in lines
    # One row per finished session under the category chart, with rounded scores.
    start = lines.index("Score by category (out of 100)") + 1
    assert lines[start].split()[:3] == ["session", "date", "Overall"]
    rows = lines[start + 1 : start + 6]
    assert [r.split()[0] for r in rows] == ids[:5]
    for row, point in zip(rows, data.points, strict=True):
        assert row.split()[-3] == f"{point.overall:.0f}"
    assert ids[5] not in out  # the unfinished session is not charted
    topics = lines.index(f"Weakest topics (out of 100, last {ov.weak_window} interviews)")
    first = lines[topics + 2].split()
    weakest = data.weak_topics[0]
    assert first == [weakest.topic, f"{weakest.average:.0f}", str(weakest.answers)]
    assert lines[start].split()[3:] == ["Behavioral", "Technical"]
    assert rows[3].split()[-2] == "-"  # the technical-only session has no behavioral score


def test_progress_text_numbers_columns_that_do_not_fit() -> None:
    lib = library()
    store = user_store()
    fill(store, lib)
    data = progress_data(finished_reports(store)[0])
    wide = progress_text(data, width=200).splitlines()
    star = wide.index("Score by criterion (out of 5): Behavioral (STAR)")
    assert wide[star + 1].split() == ["session", "date", "Situation", "Result", "Reflection"]
    narrow = progress_text(data, width=52).splitlines()
    star_n = narrow.index("Score by criterion (out of 5): Behavioral (STAR)")
    assert narrow[star_n + 1].strip() == "1 = Situation, 2 = Result, 3 = Reflection"
    assert narrow[star_n + 2].split() == ["session", "date", "1", "2", "3"]
    assert all(len(line) <= 52 for line in narrow if line.startswith("  "))
    assert [r.split() for r in narrow[star_n + 3 : star_n + 8]] == [
        r.split() for r in wide[star + 2 : star + 7]
    ]


def test_progress_with_no_sessions_says_how_to_start() -> None:
    code, out, err = run_progress(as_json=False)
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "Your progress shows here after your first interview"
    assert "Score by category" not in out


def test_unreadable_report_is_left_out_with_a_warning() -> None:
    lib = library()
    store = user_store()
    ids = fill(store, lib)
    path = app_paths().database
    with sqlite3.connect(path) as conn:
        # Valid JSON (the history listing reads the score out of it) but not a report.
        conn.execute("""UPDATE sessions SET report = '{"broken": 1}' WHERE id = ?""", (ids[0],))
    code, out, err = run_progress(as_json=True, store=user_store())
    assert code == 0
    data = json.loads(out)
    assert data["unreadable_reports"] == 1 and data["finished_sessions"] == 4
    assert ids[0] not in [s["session_id"] for s in data["sessions"]]
    assert "1 saved report could not be read and is left out" in err


# --------------------------------------------------------------------------- plain functions


def test_history_cells_and_summary() -> None:
    lib = library()
    store = user_store()
    fill(store, lib)
    rows = store.list_sessions()
    finished = [r.overall_score for r in rows if r.status == "finished"]
    assert None not in finished
    mean = sum(s for s in finished if s is not None) / len(finished)
    assert history_summary(rows) == f"6 interviews · 5 finished · average score {mean:.0f}"
    assert history_summary(rows[:1]) == "1 interview · 0 finished"  # the unfinished one
    assert history_summary([]) == ""
    assert STATUS_TEXT[rows[0].status] == "Unfinished"
    assert session_json(rows[0])["status"] == "abandoned"
    assert format_duration(59.2) == "1:00" and format_duration(3725) == "1:02:05"
    assert format_duration(None) == "–:––"


def test_feedback_from_a_stored_report_without_a_window() -> None:
    lib = library()
    store = user_store()
    ids = fill(store, lib)
    report = store.get_report(ids[1])
    assert report is not None
    records, summary, rubrics = feedback_from_report(report, lib)
    assert [r.status for r in records] == ["answered", "skipped"]
    assert set(rubrics) == {"technical", "star"}
    assert summary == report.summary
    assert records[0].question is lib.questions["t2"]  # the known question, unchanged
