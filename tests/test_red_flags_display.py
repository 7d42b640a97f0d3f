"""Red flags and uncertain scores reach the candidate: feedback screen and every report.

A grade's `red_flags_found` (the misconceptions the answer stated) is shown with the
candidate's words and the correction on the question card and in the Markdown, HTML,
PDF and JSON reports; a criterion the model's samples disagreed on is marked uncertain
everywhere. A grade without red flags shows no empty block.
"""

from __future__ import annotations

import itertools
import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame
from pytestqt.qtbot import QtBot

from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedTurn
from interviewer.core.models import CriterionScore, Grade, RedFlagFound, Track
from interviewer.core.report import Report, build_report, question_report
from interviewer.export import to_html, to_json, to_markdown, write_report
from interviewer.export import view as V
from interviewer.export.json_export import from_json
from interviewer.export.view import build_view
from interviewer.gui import style
from interviewer.gui.style import Chip
from tests.factories import question, rubric
from tests.test_gui_feedback import all_text, answered, records, shown_view

ANSWER = (
    "We split the data after fitting the scaler on the whole dataset, "
    "then trained and reported accuracy on the training set."
)
FLAG_1 = RedFlagFound(
    id="scaler_leak",
    red_flag="Fits the scaler on the whole dataset before splitting",
    quote="fitting the scaler on the whole dataset",
    correction="Fit preprocessing on the training split only, then apply it to the test split.",
)
FLAG_2 = RedFlagFound(
    id="train_eval",
    red_flag="Reports accuracy on the data the model was trained on",
    quote="reported accuracy on the training set",
    correction="Report accuracy on held-out data the model never saw.",
)
UNCERTAIN_REASON = "Samples said 2, 3 and 5."

needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed"
)


def flagged_grade(qid: str = "q1") -> Grade:
    return Grade(
        question_id=qid,
        rubric_id="technical",
        criteria=[
            CriterionScore(
                criterion_id="correctness",
                evidence=["fitting the scaler on the whole dataset"],
                reasoning="capped at 2: the answer states a red flag.",
                score=2,
            ),
            CriterionScore(
                criterion_id="depth",
                evidence=[],
                reasoning=UNCERTAIN_REASON,
                score=3,
                uncertain=True,
            ),
        ],
        overall_score=31.3,
        summary="Fluent, but two leaks.",
        red_flags_found=[FLAG_1, FLAG_2],
        backend="openai:test-model",
    )


def clean_grade(qid: str = "q2") -> Grade:
    return Grade(
        question_id=qid,
        rubric_id="technical",
        criteria=[
            CriterionScore(criterion_id="correctness", evidence=[], reasoning="ok", score=4),
            CriterionScore(criterion_id="depth", evidence=[], reasoning="ok", score=4),
        ],
        overall_score=75.0,
        summary="Correct.",
        backend="offline",
    )


class _Clock:
    now = 100.0

    def __call__(self) -> float:
        return self.now


def make_report() -> Report:
    clock = _Clock()
    questions = [question("q1"), question("q2")]
    track = Track(
        id="t",
        name="Red flag loop",
        description="d",
        duration_minutes=30,
        question_count=2,
        categories=["technical"],
        follow_up_limit=0,
    )
    engine = InterviewEngine(track, questions, {"technical": rubric()}, clock=clock)
    engine.start()
    for text in (ANSWER, "Bias is underfitting; variance is overfitting."):
        assert isinstance(engine.need(), NeedTurn)
        engine.on_interviewer_text("Next question.")
        assert isinstance(engine.need(), NeedAnswer)
        clock.now += 40
        engine.submit_answer(text)
    grades = {"q1": flagged_grade("q1"), "q2": clean_grade("q2")}
    for req in engine.take_grading_requests():
        engine.on_grade(req.request_id, grades[req.question.id])
    return build_report(
        engine,
        backend="openai",
        backend_label="Test model",
        started_at="2024-05-01T14:03:00+00:00",
        ended_at="2024-05-01T14:20:00+00:00",
        session_id="rf1",
    )


@pytest.fixture(scope="module")
def report() -> Report:
    return make_report()


def flat(text: str) -> str:
    return " ".join(text.split())


def pieces(flag: RedFlagFound) -> list[str]:
    return [flag.red_flag, flag.quote, flag.correction]


# --------------------------------------------------------------------------- the view


def test_view_lists_red_flags_and_uncertain_criteria(report: Report) -> None:
    view = build_view(report)
    q1, q2 = view.questions
    assert [(r.text, r.quote, r.correction) for r in q1.red_flags] == [
        tuple(pieces(FLAG_1)),
        tuple(pieces(FLAG_2)),
    ]
    assert [c.uncertain for c in q1.criteria] == [False, True]
    assert q2.red_flags == [] and not any(c.uncertain for c in q2.criteria)


def test_view_drops_blank_and_repeated_red_flags() -> None:
    grade = flagged_grade().model_copy(
        update={"red_flags_found": [FLAG_1, FLAG_1, RedFlagFound(red_flag=" ", quote="x")]}
    )
    shown = V.red_flags(grade)
    assert [r.text for r in shown] == [FLAG_1.red_flag]


# --------------------------------------------------------------------------- reports


def test_markdown_shows_each_red_flag_quote_and_correction(report: Report) -> None:
    md = to_markdown(report)
    block = md.split("Question 1 of 2", 1)[1].split("Question 2 of 2", 1)[0]
    assert f"#### ⚑ {V.RED_FLAGS}" in block
    for flag in (FLAG_1, FLAG_2):
        assert f"- **{flag.red_flag}**" in block
        assert f"  - {V.RED_FLAG_QUOTE}: “{flag.quote}”" in block
        assert f"  - {V.RED_FLAG_CORRECTION}: {flag.correction}" in block
    assert "- **Depth: 3/5** *(uncertain)*" in block
    assert "- **Correctness: 2/5**\n" in block  # the certain one is not marked
    assert V.UNCERTAIN_NOTE in block
    # The second question has no red flags: no heading, no empty block.
    rest = md.split("Question 2 of 2", 1)[1]
    assert V.RED_FLAGS not in rest and V.UNCERTAIN_NOTE not in rest


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html.split("</style>", 1)[-1])
    return flat(" ".join(parser.parts))


def test_html_shows_each_red_flag_quote_and_correction(report: Report) -> None:
    html = to_html(report)
    q1 = html.split('id="q1"', 1)[1].split('id="q2"', 1)[0]
    q2 = html.split('id="q2"', 1)[1]
    assert q1.count('<div class="red-flags"') == 1 and '<div class="red-flags"' not in q2
    text = html_text(q1)
    for flag in (FLAG_1, FLAG_2):
        assert flag.red_flag in text
        assert f"{V.RED_FLAG_QUOTE}: “{flag.quote}”" in text
        assert f"{V.RED_FLAG_CORRECTION}: {flag.correction}" in text
    assert f'<span class="uncertain" title="{V.UNCERTAIN_NOTE.replace(chr(39), "&#39;")}">' in q1
    assert q2.count('class="uncertain"') == 0


def test_html_escapes_what_a_red_flag_quotes() -> None:
    grade = flagged_grade().model_copy(
        update={"red_flags_found": [RedFlagFound(red_flag="R", quote="<script>x</script>")]}
    )
    rec = answered("q1", "<script>x</script>", grade)
    view = V.question_view(question_report(rec, None), 1, 1)
    assert view.red_flags[0].quote == "<script>x</script>"
    report = make_report()
    report.questions[0].grade = grade
    assert "<script>x</script>" not in to_html(report)


def test_json_carries_red_flags_and_uncertain_and_reads_back(report: Report) -> None:
    data = json.loads(to_json(report))
    grade = data["questions"][0]["grade"]
    assert grade["red_flags_found"] == [f.model_dump() for f in (FLAG_1, FLAG_2)]
    assert [c["uncertain"] for c in grade["criteria"]] == [False, True]
    assert data["questions"][1]["grade"]["red_flags_found"] == []
    back = from_json(to_json(report))
    assert back.questions[0].grade is not None
    assert back.questions[0].grade.red_flags_found == [FLAG_1, FLAG_2]


def test_json_without_the_new_fields_still_loads(report: Report) -> None:
    """A report written before red flags and samples existed reads with the defaults."""
    data = json.loads(to_json(report))
    for q in data["questions"]:
        if q["grade"]:
            del q["grade"]["red_flags_found"]
            for c in q["grade"]["criteria"]:
                del c["uncertain"]
    back = from_json(json.dumps(data))
    grade = back.questions[0].grade
    assert grade is not None and grade.red_flags_found == []
    assert not any(c.uncertain for c in grade.criteria)
    assert V.RED_FLAGS not in to_markdown(back)


def test_schema_describes_the_new_fields() -> None:
    schema = json.loads(
        (
            Path(__file__).resolve().parent.parent / "interviewer/export/report.schema.json"
        ).read_text(encoding="utf-8")
    )
    assert "red_flags_found" in schema["$defs"]["Grade"]["properties"]
    assert "red_flags_found" not in schema["$defs"]["Grade"].get("required", [])
    assert "uncertain" in schema["$defs"]["CriterionScore"]["properties"]
    assert set(schema["$defs"]["RedFlagFound"]["required"]) == {"red_flag", "quote"}


@needs_poppler
def test_pdf_shows_each_red_flag_quote_and_correction(report: Report, tmp_path: Path) -> None:
    pdf = write_report(report, tmp_path / "report.pdf")
    text = flat(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    first, second = text.split("Question 2 of 2", 1)
    assert V.RED_FLAGS in first and V.RED_FLAGS not in second
    for flag in (FLAG_1, FLAG_2):
        assert flag.red_flag in first
        assert f"{V.RED_FLAG_QUOTE}: “{flag.quote}”" in first
        assert f"{V.RED_FLAG_CORRECTION}: {flag.correction}" in first
    assert f"Depth ({V.UNCERTAIN})" in first and V.UNCERTAIN_NOTE in first
    assert V.UNCERTAIN_NOTE not in second


# --------------------------------------------------------------------------- the screen


def test_card_shows_red_flags_block(qtbot: QtBot) -> None:
    recs = [answered("q1", ANSWER, flagged_grade("q1")), *records()[:1]]
    view = shown_view(qtbot, recs)
    card = view.cards[0]
    block = card.red_flags
    assert block is not None and block.isVisible()
    assert block.items == [tuple(pieces(FLAG_1)), tuple(pieces(FLAG_2))]
    text = all_text(block)
    assert V.RED_FLAGS.upper() in text.upper()
    for flag in (FLAG_1, FLAG_2):
        assert flag.red_flag in text
        assert f"{V.RED_FLAG_QUOTE}: “{flag.quote}”" in text
        assert f"{V.RED_FLAG_CORRECTION}: {flag.correction}" in text
    # Above the rubric scores, inside the card, as wide as the card's content.
    assert block.parentWidget() is card.inside
    assert (
        block.mapTo(card, block.rect().topLeft()).y()
        < card.criteria[0].mapTo(card, card.criteria[0].rect().topLeft()).y()
    )
    # The question index says so too, for the flagged answer only.
    index = view.findChild(QFrame, "glanceCard")
    assert index is not None
    chips = [c.text() for c in index.findChildren(Chip)]
    assert chips.count("2 red flags") == 1 and not any(
        "red flag" in c for c in chips if c != "2 red flags"
    )
    # A grade without red flags has no block at all.
    assert view.cards[1].red_flags is None
    assert V.RED_FLAGS_NOTE not in all_text(view.cards[1])


def test_red_flags_stay_readable_when_narrow(qtbot: QtBot) -> None:
    view = shown_view(qtbot, [answered("q1", ANSWER, flagged_grade("q1"))])
    block = view.cards[0].red_flags
    assert block is not None
    view.resize(520, 760)
    qtbot.waitUntil(lambda: view.cards[0].width() < 520)
    qtbot.waitUntil(lambda: block.width() <= view.cards[0].width())
    labels = [lab for lab in block.findChildren(type(block.title)) if lab.isVisible()]
    for lab in labels:
        # Nothing is cut off: every label fits the block, wrapping instead of overflowing.
        assert lab.geometry().right() <= block.rect().right(), lab.text()
        assert lab.height() >= lab.heightForWidth(lab.width()) - 1 or not lab.wordWrap()
    # Default size: the red flag's own text is no smaller than the card's body text.
    head = next(lab for lab in labels if lab.text().startswith(FLAG_1.red_flag[:20]))
    assert head.font().pointSizeF() >= view.font().pointSizeF()


def test_uncertain_criterion_is_marked_on_screen(qtbot: QtBot) -> None:
    view = shown_view(qtbot, [answered("q1", ANSWER, flagged_grade("q1"))])
    rows = view.cards[0].criteria
    certain, uncertain = rows
    assert certain.header.uncertain_note == ""
    assert "uncertain" not in certain.header._parts()
    header = uncertain.header
    assert header.isVisible()
    # The tag is drawn between the name and the bar, and its tooltip says why.
    tag = header._parts()["uncertain"]
    assert header._parts()["title"].right() < tag.left() < header._parts()["bar"].left()
    assert V.UNCERTAIN_NOTE in header.uncertain_note
    assert V.UNCERTAIN_NOTE in header.accessibleName()
    assert V.UNCERTAIN_NOTE in all_text(uncertain)
    assert V.UNCERTAIN_NOTE not in all_text(certain)


def test_a_criterion_header_paints_its_parts_with_their_tooltips(qtbot: QtBot) -> None:
    """Name, "uncertain" tag, score bar and chip are one painted widget (issue 18): each
    part is drawn where its tooltip is, in the level's colour, and a name too long for a
    narrow card is shortened with the whole name in its tooltip."""
    view = shown_view(qtbot, [answered("q1", ANSWER, flagged_grade("q1"))])
    certain, uncertain = view.cards[0].criteria
    header = uncertain.header
    parts = header._parts()
    assert header.tooltip_at(parts["uncertain"].center()) == header.uncertain_note
    assert header.tooltip_at(parts["bar"].center()) == f"Depth: {header.score} out of 5"
    assert header.tooltip_at(parts["chip"].center()) == header.score_tip
    assert header.tooltip_at(parts["title"].center()) == ""  # the name is shown whole
    assert certain.header.tooltip_at(certain.header._parts()["chip"].center())
    # Drawn: the chip and the bar's filled start in the level's colour, the tag in blue.
    image = header.grab().toImage()
    scale = image.width() / header.width()

    def colour_at(x: int, y: int) -> str:
        return image.pixelColor(round(x * scale), round(y * scale)).name()

    level = style.level_colour(header.score)
    chip, bar, tag = parts["chip"], parts["bar"], parts["uncertain"]
    assert colour_at(chip.left() + 3, chip.center().y()) == level.lower()
    assert colour_at(bar.left() + bar.height(), bar.center().y()) == level.lower()
    assert colour_at(tag.left() + 3, tag.center().y()) == style.INFO.lower()
    # Every part inside the header, none over another, at the default size and narrow.
    wide = header.width()
    for width in (view.width(), 330):
        view.resize(width, 760)
        limit = width if width > 330 else wide

        def narrower(limit: int = limit) -> bool:
            return header.width() < limit

        qtbot.waitUntil(narrower)
        parts = header._parts()
        inside = header.rect()
        order = [parts["title"], parts["uncertain"], parts["bar"], parts["chip"]]
        assert all(inside.contains(r) or r.width() == 0 for r in order)
        assert all(a.right() < b.left() for a, b in itertools.pairwise(order))
    long = certain.header
    long.name = "A criterion name far too long to fit beside its score on a narrow card"
    parts = long._parts()
    title = parts["title"]
    full = QFontMetrics(long._title_font()).horizontalAdvance(long.name)
    # The bar gave up what it could first, then the name was shortened to what is left.
    assert parts["bar"].width() == long.BAR_MIN
    assert 0 < title.width() < full and title.right() < parts["bar"].left()
    assert long.tooltip_at(title.center()) == long.name
