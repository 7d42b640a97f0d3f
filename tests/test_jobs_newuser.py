"""Postings a new user brought to job targets, kept as regression tests (helper 13):
a job page saved from the browser as HTML, a word processor's own format, and a
data-science posting whose only skill the bank covers is a soft one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from interviewer.core.content import ContentLibrary
from interviewer.job_plans import prepare
from interviewer.jobfiles import JobFileError, html_text, read_document
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.content_files import load_library
from tests.gui_helpers import make_app, settle

PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<title>Data Scientist (m/w/d) &ndash; Sales</title>
<style>body{font-family:Arial} .deep-learning{color:red}</style>
<script>var pytorch = "computer vision";</script></head>
<body><nav><a href="/">Start</a></nav>
<h1>Data Scientist &amp; Analyst</h1>
<p>You will build <b>churn</b> models and<br>forecast demand (time series).</p>
<ul><li>SQL and Python</li><li>A/B testing of campaigns</li></ul>
<noscript>Enable JavaScript</noscript>
</body></html>"""


@pytest.fixture(scope="module")
def lib() -> ContentLibrary:
    return load_library()


def test_a_saved_web_page_is_read_as_its_visible_text(tmp_path: Path) -> None:
    path = tmp_path / "posting.html"
    path.write_text(PAGE, encoding="utf-8")
    text = read_document(path, "job posting")
    lines = text.splitlines()
    assert lines[0] == "Data Scientist (m/w/d) – Sales"  # the title first, entities decoded
    assert "Data Scientist & Analyst" in lines
    assert "You will build churn models and" in lines and "forecast demand (time series)." in lines
    for hidden in ("font-family", "pytorch", "var ", "Enable JavaScript", "<"):
        assert hidden not in text


def test_an_html_page_with_no_visible_text_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.htm"
    path.write_text("<html><head><script>x=1</script></head><body> </body></html>")
    with pytest.raises(JobFileError, match=r"blank\.htm: is empty"):
        read_document(path, "job posting")
    assert html_text("<p>a&nbsp;&nbsp;b</p>") == "a b"


@pytest.mark.parametrize(
    ("name", "kind"),
    [("cv.doc", "Word 97-2003 (.doc)"), ("cv.odt", "OpenDocument (.odt)")],
)
def test_a_word_processor_file_says_how_to_save_it(tmp_path: Path, name: str, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64)
    with pytest.raises(JobFileError) as info:
        read_document(path, "CV")
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert kind in message and "save it as PDF or DOCX" in message


def test_a_posting_with_uncovered_technical_skills_keeps_the_levels_balance(
    lib: ContentLibrary,
) -> None:
    """Only "stakeholders" had a bank question, so every other category's share went to
    behavioral: six behavioral questions for a data scientist."""
    posting = (
        "Data Scientist, sales analytics\n"
        "Write SQL and Python, run A/B testing of campaigns and present the results to "
        "stakeholders in management."
    )
    prepared = prepare(posting, lib, count=6, source="ds.txt")
    assert "stakeholders" in prepared.plan.skills
    categories = Counter(q.category for q in prepared.plan.questions)
    assert categories["behavioral"] < 6
    assert categories["technical"] >= 2


def test_the_input_page_does_not_overlap_at_the_windows_smallest_size(qtbot: QtBot) -> None:
    """At 720x520 the boxes' minimum heights did not fit: the CV's heading was drawn over
    the posting box. Now the texts scroll and the plan button's row stays in view."""
    app = make_app(qtbot, backend=OfflineCoach(), library=load_library())  # type: ignore[arg-type]
    window, jobs = app.window, app.window.jobs
    window.resize(window.minimumSize())
    qtbot.mouseClick(window.home.job_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    jobs.posting_edit.setPlainText("line\n" * 200)
    settle(qtbot)
    page = jobs.input_scroll.widget()
    assert page is not None

    def bottom(w: QWidget) -> int:
        return w.mapTo(page, w.rect().bottomLeft()).y()

    def top(w: QWidget) -> int:
        return w.mapTo(page, w.rect().topLeft()).y()

    assert bottom(jobs.posting_edit) < top(jobs.open_cv_button)
    assert bottom(jobs.open_cv_button) < top(jobs.cv_edit)
    assert jobs.plan_button.isVisible()
    assert jobs.plan_button.visibleRegion().boundingRect().size() == jobs.plan_button.size()


def test_the_start_button_keeps_its_label_at_the_windows_smallest_size(qtbot: QtBot) -> None:
    """Beside the adaptive check box and the count, the start button was squeezed to
    "tart this intervie" at 720 px."""
    app = make_app(qtbot, backend=OfflineCoach(), library=load_library())  # type: ignore[arg-type]
    window, jobs = app.window, app.window.jobs
    window.resize(window.minimumSize())
    qtbot.mouseClick(window.home.job_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    jobs.posting_edit.setPlainText(
        "Senior ML engineer: recommendation systems, ranking, PyTorch, A/B testing."
    )
    qtbot.mouseClick(jobs.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: jobs.current is not None, timeout=30_000)
    settle(qtbot)
    assert jobs.pages.currentIndex() == 1
    assert jobs.start_button.width() >= jobs.start_button.sizeHint().width()
    assert jobs.adaptive.isVisible()


def test_a_problem_is_scrolled_into_view_in_a_short_window(qtbot: QtBot) -> None:
    """In the scrolled input page a posting with no ML content said so below the fold,
    with its "general track" button out of sight."""
    app = make_app(qtbot, backend=OfflineCoach(), library=load_library())  # type: ignore[arg-type]
    window, jobs = app.window, app.window.jobs
    window.resize(window.minimumSize())
    qtbot.mouseClick(window.home.job_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    jobs.posting_edit.setPlainText(
        "Business Intelligence Analyst\n\nWrite SQL, keep the Tableau dashboards, reconcile "
        "finance numbers with the ERP and present results every Monday."
    )
    qtbot.mouseClick(jobs.plan_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    qtbot.waitUntil(lambda: jobs.tracks_button.isVisible())
    viewport = jobs.input_scroll.viewport()

    def in_view(w: QWidget) -> bool:
        top = w.mapTo(viewport, w.rect().topLeft()).y()
        return top >= 0 and top + w.height() <= viewport.height()

    qtbot.waitUntil(lambda: in_view(jobs.tracks_button), timeout=5_000)
    assert "no machine-learning content" in jobs.error_label.text()


def test_a_german_posting_finds_its_skills(lib: ContentLibrary) -> None:
    """A German data-science posting found only SQL, Python, A/B testing and stakeholders:
    its forecasting (Absatzprognosen, Zeitreihen) and data cleaning were not seen."""
    posting = (
        "Data Scientist (m/w/d) – Vertriebsanalyse\n"
        "Ihre Aufgaben: SQL-Abfragen auf unserem Data Warehouse, Datenbereinigung; "
        "Absatzprognosen (Zeitreihen) für unsere Filialen; Kommunikation der Ergebnisse."
    )
    prepared = prepare(posting, lib, count=6, source="stelle.txt")
    skills = prepared.plan.skills
    for skill in ("forecasting", "time series", "data quality", "communication"):
        assert skill in skills
    assert prepared.profile.domain == "forecasting"
    assert any(q.skill in ("forecasting", "time series") for q in prepared.plan.questions)


def test_targets_say_which_one_has_the_cv(capsys: pytest.CaptureFixture[str]) -> None:
    """The same posting planned with and without a CV is two targets with one title:
    `interviewer targets` listed two identical lines."""
    from interviewer.cli import main

    data = Path(__file__).parent / "data" / "jobs"
    job = ["plan", "--job", str(data / "recsys-mle.md"), "--save", "--backend", "offline"]
    assert main(job) == 0
    assert main([*job, "--cv", str(data / "cv-maria.md")]) == 0
    capsys.readouterr()
    assert main(["targets"]) == 0
    heads = [ln for ln in capsys.readouterr().out.splitlines() if not ln.startswith(" ")]
    assert len(heads) == 2
    assert sum("· with CV" in ln for ln in heads) == 1


def test_with_coding_makes_the_last_planned_question_a_coding_round(lib: ContentLibrary) -> None:
    """`practice --job F --with-coding` was silently planned without a coding question."""
    from interviewer.job_plans import plan_track, with_coding

    posting = (
        "ML Engineer, fraud. Build classifiers for rare events with class imbalance, choose "
        "evaluation metrics (precision, recall, F1) and explain them to stakeholders."
    )
    prepared = prepare(posting, lib, count=3, source="fraud.txt")
    plan = with_coding(prepared.plan, lib)
    assert [q.id for q in plan.questions[:2]] == [q.id for q in prepared.plan.questions[:2]]
    last = plan.questions[-1]
    assert lib.questions[last.id].kind == "coding"
    assert last.skill in plan.skills and last.reason.startswith("The coding round")
    covered = {q.skill for q in plan.questions}
    assert not covered & set(plan.not_covered)
    track = plan_track(plan, lib, "Fraud")
    assert track.questions[-1] == last.id and "coding" in track.kinds
    assert lib.questions_for(track)  # the track still validates and finds its questions


def test_practice_for_a_job_with_coding_asks_for_code() -> None:
    import os
    import subprocess
    import sys

    data = Path(__file__).parent / "data" / "jobs"
    code = "import numpy as np\n\n\ndef f(x):\n    return x\n.\n"
    r = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--job", str(data / "recsys-mle.md"),
         "--with-coding", "--questions", "1", "--backend", "offline", "--no-follow-ups"],
        input=code, capture_output=True, text=True, timeout=180, env=dict(os.environ),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Starter code" in r.stdout and "hidden tests:" in r.stdout


def test_a_long_target_title_does_not_widen_the_progress_page(qtbot: QtBot) -> None:
    """The target combo box was as wide as the posting's title and pushed the progress
    page past a small window: its buttons were cut off at the right."""
    from interviewer.core.jobs import Readiness, SkillReadiness
    from interviewer.gui.jobs import TargetReadiness

    app = make_app(qtbot, backend=OfflineCoach(), library=load_library())  # type: ignore[arg-type]
    window = app.window
    window.resize(window.minimumSize())
    window.show_progress()
    settle(qtbot)
    title = "Senior Computer Vision Engineer — Autonomous Driving Perception (Munich, Remote)"
    readiness = Readiness(
        target_id="t1", sessions=1, skills=[SkillReadiness(skill="computer vision", asked=1)]
    )
    panel = window.progress.readiness
    panel.set_targets([TargetReadiness("t1", title, readiness, [])])
    panel.show()
    qtbot.waitUntil(lambda: panel.isVisible())
    area = window.progress.scroll_area
    viewport = area.viewport()
    for _ in range(10):  # let the posted layout requests (combo, card, page) run
        QApplication.processEvents()

    def right(w: QWidget) -> int:
        return w.mapTo(viewport, w.rect().topRight()).x()

    assert right(panel.target_combo) < right(panel.gaps_button) < viewport.width()
    # The combo box asks for about 24 characters, not the whole title (it asked for
    # 548 px here, and in a window with the weak-topics card the page overflowed).
    combo = panel.target_combo
    assert combo.sizeHint().width() < 400 and combo.minimumSizeHint().width() < 400
    assert panel.target_combo.toolTip() == title  # last: the width checks come first
