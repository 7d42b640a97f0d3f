"""One computation, one wording: the feedback screen and every report say the same thing.

Issue 11 found word counts differing between the screen (135, 50) and the reports
(139, 51), "1 words/min", times shown as "0:20 min", and "Work on first" on screen but
"Work on these first" in the PDF. Here one interview, graded by the offline coach the
way the app grades it, is shown on the feedback screen and exported to Markdown, HTML,
PDF and JSON, and the word counts, durations and section titles are compared.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedTurn
from interviewer.core.grading import grade_answer
from interviewer.core.models import Track
from interviewer.core.report import Report, build_report
from interviewer.export import to_html, to_json, to_markdown, write_report
from interviewer.export import view as V
from interviewer.export.view import answer_meta, build_view, duration_text, pace_text, word_count
from interviewer.gui.feedback import FeedbackView
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.content_files import load_library
from tests.test_gui_feedback import all_text

#: Hyphens, decimals and "percent": whitespace splitting and the word count disagree here.
TECH = (
    "Bias-variance is the trade-off between under- and over-fitting. A model with AUC "
    "0.84 on validation but 0.99 on train overfits; I'd add L2 regularisation, early "
    "stopping and more data, then check the learning curves."
)
STAR = (
    "Situation: our churn model's live AUC fell from 0.86 to 0.71 after a pricing change.\n"
    "Task: I was on call and had to stop the false alarms.\n"
    "Action: I retrained on the last 30 days, added a drift monitor and a shadow deploy.\n"
    "Result: live AUC recovered to 0.84 and false positives fell 60 percent within a day."
)
ONE_WORD = "Regularisation."
ANSWERS = [(TECH, 75.0), (STAR, 95.0), (ONE_WORD, 20.0)]
TITLES = [
    V.WORK_ON_FIRST,
    V.BY_CATEGORY,
    V.BY_CRITERION,
    V.RUBRIC_SCORES,
    V.STAR_BREAKDOWN,
    V.DELIVERY,
    V.STRENGTHS,
    V.IMPROVEMENTS,
    V.OUTLINE,
    V.NOT_REACHED,
]

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run() -> tuple[InterviewEngine, Report]:
    lib = load_library()
    ids = ["tech-bias-variance", "beh-model-failure", "tech-regularization", "tech-cnn"]
    questions = [lib.questions[i] for i in ids]
    track = Track(
        id="wording",
        name="Wording check",
        description="d",
        duration_minutes=30,
        question_count=4,
        categories=["technical", "behavioral"],
        follow_up_limit=0,
    )
    clock = FakeClock()
    engine = InterviewEngine(track, questions, lib.rubrics, follow_ups=False, clock=clock)
    engine.start()
    for text, seconds in ANSWERS:
        assert isinstance(engine.need(), NeedTurn)
        engine.on_interviewer_text("Next question.")
        assert isinstance(engine.need(), NeedAnswer)
        clock.now += seconds
        engine.submit_answer(text)
    assert isinstance(engine.need(), NeedTurn)
    engine.end_early()  # the fourth question is never reached
    while isinstance(engine.need(), NeedTurn):
        engine.on_interviewer_text("Thanks.")
    coach = OfflineCoach()
    for req in engine.take_grading_requests():
        engine.on_grade(req.request_id, grade_answer(coach, req))
    report = build_report(
        engine,
        backend="offline",
        backend_label="Offline coach",
        started_at="2024-05-01T14:03:00+00:00",
        ended_at="2024-05-01T14:20:00+00:00",
        session_id="wording",
    )
    return engine, report


@pytest.fixture(scope="module")
def interview() -> tuple[InterviewEngine, Report]:
    return run()


def flat(text: str) -> str:
    return " ".join(text.split())


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("style", "title")
        if tag in ("p", "div", "li", "tr", "h1", "h2", "h3", "h4", "br", "td", "th"):
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    p = _Text()
    p.feed(html)
    return flat("".join(p.parts))


def md_text(md: str) -> str:
    return flat(re.sub(r"\\(.)", r"\1", md).replace("**", ""))


def pdf_text(report: Report, tmp: Path) -> str:
    path = write_report(report, tmp / "report.pdf")
    out = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return flat(out.stdout)


def screen_text(qtbot: QtBot, engine: InterviewEngine, report: Report) -> tuple[FeedbackView, str]:
    view = FeedbackView()
    qtbot.addWidget(view)
    view.resize(1100, 760)
    view.show_results(engine.records, report.summary, engine.rubrics)
    return view, flat(all_text(view))


def formats(report: Report, tmp: Path) -> dict[str, str]:
    out = {"Markdown": md_text(to_markdown(report)), "HTML": html_text(to_html(report))}
    if shutil.which("pdftotext"):
        out["PDF"] = pdf_text(report, tmp)
    return out


# --------------------------------------------------------------------------- word counts


def test_the_answers_are_ones_where_counting_methods_differ() -> None:
    """Otherwise the test below could not catch the screen counting another way."""
    assert word_count(TECH) != len(TECH.split())
    assert word_count(ONE_WORD) == 1


@needs_poppler
def test_word_counts_and_durations_are_equal_on_screen_and_in_every_format(
    qtbot: QtBot, interview: tuple[InterviewEngine, Report], tmp_path: Path
) -> None:
    engine, report = interview
    view, screen = screen_text(qtbot, engine, report)
    texts = formats(report, tmp_path)
    assert set(texts) == {"Markdown", "HTML", "PDF"}
    data = json.loads(to_json(report))
    for number, (answer, seconds) in enumerate(ANSWERS):
        n = word_count(answer)
        turn = next(t for t in engine.records[number].turns if t.role == "candidate")
        meta = answer_meta(turn)
        assert meta == f"{duration_text(seconds)} · {n} word{'s' if n != 1 else ''}"
        card = view.cards[number]
        assert card.answers[0].meta_text == meta
        delivery = {f.label: f.value for f in card.delivery_facts}
        assert delivery["Words"] == str(n)
        # The JSON's own count (from the grader's delivery metrics) is the same number.
        assert data["questions"][number]["grade"]["delivery"]["words"] == n
        for name, text in texts.items():
            assert meta in text, (name, meta)
            assert re.search(rf"Words:? {n}\b", text), (name, n)
        assert meta in screen
        pace = pace_text(n, seconds)
        for name, text in {**texts, "screen": screen}.items():
            if pace:
                assert pace in text, (name, pace)
    for name, text in {**texts, "screen": screen}.items():
        assert "words/min" not in text, name
        assert re.search(r"(?<![\d.])1 words\b", text) is None, name
        assert re.search(r"\b\d+:\d\d min", text) is None, name
    # A one-word answer in 20 s has no pace at all.
    assert pace_text(1, 20.0) == ""


# --------------------------------------------------------------------------- wording


@needs_poppler
def test_section_titles_and_verdict_read_the_same_everywhere(
    qtbot: QtBot, interview: tuple[InterviewEngine, Report], tmp_path: Path
) -> None:
    engine, report = interview
    view, screen = screen_text(qtbot, engine, report)
    texts = {**formats(report, tmp_path), "screen": screen}
    model = build_view(report)
    assert model.focus, "the interview should leave something to work on"
    for name, text in texts.items():
        for title in TITLES:
            assert title in text, (name, title)
        assert "Work on first" not in text, name
        for item in model.focus:
            assert flat(f"{item.title}. {item.detail}") in text, (name, item.title)
        assert model.signal_reason in text, name
        assert model.counts in text, name
        assert model.score_note and model.score_note in text, name
        for q in model.questions:
            assert q.score_text in text, (name, q.score_text)
    # The screen lays out the very same question views the reports use.
    assert [c.view for c in view.cards] == model.questions


def test_duration_wording() -> None:
    assert duration_text(20) == "20 s"
    assert duration_text(65) == "1 min 05 s"
    assert duration_text(120) == "2 min"
    assert duration_text(3725) == "1 h 02 min"
    assert pace_text(60, 30) == "120 words per minute"
    assert pace_text(6, 360) == "1 word per minute"
    assert pace_text(4, 60) == "" and pace_text(40, 9) == ""


def test_every_label_on_screen_is_plain_text_the_reports_share(
    qtbot: QtBot, interview: tuple[InterviewEngine, Report]
) -> None:
    """No section title on screen that the reports do not also use."""
    engine, report = interview
    view, _ = screen_text(qtbot, engine, report)
    titles = {
        lab.text()
        for lab in view.findChildren(QLabel)
        if lab.font().capitalization() == QFont.Capitalization.AllUppercase  # section_title
    }
    assert V.WORK_ON_FIRST in titles and V.RUBRIC_SCORES in titles
    allowed = set(TITLES) | {V.MISSED, V.QUESTIONS, "Your answer", "Your answers"}
    assert titles <= allowed, titles - allowed


def test_star_quotes_saved_with_their_label_are_not_shown_doubled(
    qtbot: QtBot, interview: tuple[InterviewEngine, Report]
) -> None:
    """Grades saved before quotes lost their "Situation:" prefix read 'Situation: "..."'
    once, not 'Situation: "Situation: ..."', on screen and in the reports."""
    engine, report = interview
    idx = next(i for i, q in enumerate(report.questions) if q.grade and q.grade.star)
    grade = report.questions[idx].grade
    assert grade is not None
    star = list(grade.star)
    star[0] = star[0].model_copy(
        update={"quote": "Situation: our churn model's live AUC fell from 0.86 to 0.71."}
    )
    old_grade = grade.model_copy(update={"star": star})
    old = report.model_copy(deep=True)
    old.questions[idx].grade = old_grade
    rows = build_view(old).questions[idx].star
    assert rows[0].quote == "our churn model's live AUC fell from 0.86 to 0.71."
    md = to_markdown(old)
    assert "“Situation: our churn" not in md and "“our churn model's live AUC fell" in md
    records = list(engine.records)
    records[idx] = dataclasses.replace(records[idx], grade=old_grade)
    view = FeedbackView()
    qtbot.addWidget(view)
    view.show_results(records, old.summary, engine.rubrics)
    qtbot.waitUntil(lambda: "“our churn model's live AUC fell" in all_text(view))
    assert "“Situation: our churn" not in all_text(view)


def test_interview_screen_counts_and_words_like_the_reports(qtbot: QtBot) -> None:
    """The counter under the answer box and the line under a sent answer use the same
    count and wording as the feedback and the reports (not whitespace splitting, not
    '1:05')."""
    from PySide6.QtCore import Qt

    from interviewer.llm.scripted import ScriptedBackend
    from tests.gui_helpers import make_app, quoting_grade, start

    assert word_count(TECH) != len(TECH.split())
    backend = ScriptedBackend(default_grade=quoting_grade)
    backend.enqueue_turn("First question: explain bias.", "Next.", "Bye.")
    app = make_app(qtbot, backend)
    view = app.window.interview
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    view.answer.setPlainText(TECH)
    assert view.words.text() == f"{word_count(TECH)} words"
    app.clock.advance(65)
    qtbot.keyClick(view.answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(b.text == TECH for b in view.transcript.bubbles))
    bubble = next(b for b in view.transcript.bubbles if b.text == TECH)
    assert f"{word_count(TECH)} words" in bubble.meta.text()
    assert ":" not in bubble.meta.text().split("·")[0]
