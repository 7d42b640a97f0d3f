"""The feedback screen: the overall verdict first, then every question with its evidence.

A candidate trusts a score they can check, so each criterion shows the rubric's own
wording for the level given and the quotes from the answer that support it. Nothing is
hidden: skipped and ungraded questions, prompt-injection attempts and answers graded by
the offline coach after a model failure are all shown as such.

Every number and every piece of fixed wording (word counts, durations, pace, score
texts, section titles, the "Work on these first" list, how unreached questions count)
comes from `interviewer.export.view`, the same view-model the Markdown, HTML and PDF
reports lay out, so the screen and the reports can never disagree.

The view only displays; it never starts work. Export, Practise again and Back to home are
signals the main window connects. Every string a candidate or a model wrote goes through
plain-text labels or `style.esc`, so an answer containing markup is shown literally.
"""

from __future__ import annotations

import time
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetrics,
    QHelpEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.engine import QuestionRecord
from interviewer.core.jobs import is_generated
from interviewer.core.models import Criterion, Grade, Rubric, Turn
from interviewer.core.report import QuestionReport, question_report
from interviewer.core.summary import SessionSummary
from interviewer.export import view as V
from interviewer.export.view import (
    CATEGORY_NAMES,
    FLAG_TEXT,
    Fact,
    QuestionView,
    answer_label,
    answer_meta,
    plural,
    question_view,
    word_count,
)
from interviewer.gui import style
from interviewer.gui.code_editor import CodeView
from interviewer.gui.replay import ReplayButton
from interviewer.gui.style import Chip, ScoreBar, esc, plain_label, rich_label

#: Flags important enough to repeat in the question index, with a short name.
_GLANCE_FLAGS = {"injection": "Injection", "offline_fallback": "Offline coach"}
_SEVERE_FLAGS = {"injection", "empty", "gibberish", "off_topic"}
LINK_STYLE = (
    "QPushButton { color: palette(link); border: none; background: transparent;"
    " padding: 2px 4px; }"
    " QPushButton:hover, QPushButton:focus { text-decoration: underline; }"
)
#: What a card says while its answer's grade is still being written.
GRADING_NOTE = "Being graded: the feedback on this answer appears here as soon as it lands."
#: Answers longer than this are shown shortened, with a button to show all of them.
LONG_ANSWER_CHARS = 1600
#: The space between the lines of a criterion's rubric wording, quotes and reason, and
#: between the rows of the delivery table (the spacing their separate labels had).
ROW_GAP_PX = 3
DELIVERY_GAP_PX = 2
#: Pause between adding two question cards. Zero-delay callbacks queue behind one another
#: ahead of timers, paints and input, so ten cards added "one per event-loop turn" still
#: froze the window for their sum; a real gap lets the window breathe between cards.
CARD_GAP_MS = 15
#: Pieces of cards are built back to back for this long per turn of the event loop, then
#: the window paints and takes input (a timer of `PIECE_GAP_MS`) before the next batch:
#: one piece per 15 ms tick made a 10-question page take 3 to 4 s to complete, nearly all
#: of it waiting (issue 18).
BUILD_BUDGET_MS = 8.0
#: Cards built ahead and measured go on the page together for up to this long per turn:
#: each turn of their own cost the page one layout and paint more (issue 18).
INSERT_BUDGET_MS = 20.0
PIECE_GAP_MS = 1
#: While the interview runs, question cards of graded answers are built ahead, hidden, a
#: piece per turn of the event loop this far apart (issue 18): the page after the last
#: answer then only adds them. Wider apart than at the end: the candidate is typing.
PREPARE_GAP_MS = 12
#: Rows of the question index added per turn of the event loop.
GLANCE_ROWS_PER_TURN = 12
PREPARE_BUDGET_MS = 4.0
#: Two pieces of work that end and start closer together than this ran in one pass of
#: the event loop (both timers were due at once), with no paint between them.
SAME_PASS_S = 0.002
#: Longest the page's filling and the preparation beside it wait for the page's first
#: frame once it is on its way to the front (`hold_for_first_frame`). Bringing a page
#: of results to the front and painting it took 25-36 ms; a batch of cards or a
#: prepared piece due in that same pass made it a freeze of 40-50 ms (issue 18).
FIRST_FRAME_WAIT_S = 0.15
#: The feedback page's left and right margins together (px).
CONTENT_MARGINS = 36


def flag_text(flag: str) -> tuple[str, str]:
    return FLAG_TEXT.get(flag, (flag.replace("_", " ").capitalize(), ""))


def _flag_chip(flag: str) -> Chip:
    title, detail = flag_text(flag)
    colour = style.DANGER if flag in _SEVERE_FLAGS else style.WARNING
    if flag == "skipped":
        colour = style.NEUTRAL
    chip = Chip(title, colour, tooltip=detail or title)
    chip.setAccessibleName(f"Flag: {title}. {detail}".strip())
    return chip


def _heading(text: str, factor: float = 1.15, parent: QWidget | None = None) -> QLabel:
    label = plain_label(text, parent=parent)
    label.setFont(style.scaled_font(label.font(), factor, bold=True))
    return label


def _shorten(text: str, limit: int) -> str:
    """Cut at the last space before `limit`, so no word is split in half."""
    cut = text[:limit]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + " …"


class _Section(QWidget):
    """A titled block inside a question card (criteria, STAR, lists)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)
        self.body.addWidget(style.section_title(title))


class AnswerBox(style.Panel):
    """One candidate answer, selectable, shortened when very long."""

    def __init__(
        self,
        turn: Turn,
        parent: QWidget | None = None,
        *,
        first: bool = True,
        audio_file: Path | None = None,
    ) -> None:
        super().__init__(
            parent,
            name="answer",
            fill=QPalette.ColorRole.AlternateBase,
            border=False,
            radius=4,
            accent=style.INFO,
            accent_width=3,
        )
        self.full_text = turn.text
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 10, 8)
        lay.setSpacing(4)
        text = turn.text.strip()
        if turn.skipped and not text:
            shown = "(skipped, nothing written)"
        elif not text:
            shown = "(no answer)"
        else:
            shown = turn.text.rstrip()
        self.long = len(shown) > LONG_ANSWER_CHARS
        self.expanded = False
        self._short = _shorten(shown, LONG_ANSWER_CHARS) if self.long else shown
        self._full = shown
        self.text_label = plain_label(self._short, selectable=True, column=True)
        self.text_label.setAccessibleName("Your answer")
        lay.addWidget(self.text_label)
        label = answer_label(turn, first)
        meta = answer_meta(turn)
        if label != answer_label(turn, True) or turn.skipped:
            meta = f"{label} · {meta}"  # a follow-up answer, or what was typed before a skip
        self.meta_text = meta
        foot = QHBoxLayout()
        foot.setSpacing(8)
        foot.addWidget(plain_label(meta, wrap=False, muted=True))
        foot.addStretch(1)
        #: Replays a spoken answer's recording (when its file is still there).
        self.replay: ReplayButton | None = None
        if audio_file is not None:
            self.replay = ReplayButton(audio_file)
            self.replay.setStyleSheet(LINK_STYLE)
            foot.addWidget(self.replay)
        self.toggle: QPushButton | None = None
        if self.long:
            self.toggle = QPushButton(self._show_all_text())
            self.toggle.setStyleSheet(LINK_STYLE)
            self.toggle.setCursor(Qt.CursorShape.PointingHandCursor)
            self.toggle.setAccessibleName("Show the whole answer")
            self.toggle.clicked.connect(self._on_toggle_clicked)
            foot.addWidget(self.toggle)
        lay.addLayout(foot)

    def _show_all_text(self) -> str:
        return f"Show the whole answer ({plural(word_count(self.full_text), 'word')})"

    def _on_toggle_clicked(self) -> None:
        assert self.toggle is not None
        self.expanded = not self.expanded
        self.text_label.setText(style.soft_wrap(self._full if self.expanded else self._short))
        label = "Show less" if self.expanded else self._show_all_text()
        self.toggle.setText(label)
        self.toggle.setAccessibleName(label)


class RedFlagsBlock(style.Panel):
    """The red flags the answer stated: each one's text, the candidate's words, the fix.

    Marked like a severe flag (a red bar down the left edge, the danger colour on the
    title), so it reads as something an interviewer would hold against the answer; the
    texts themselves keep the card's own colours and size, so they stay readable in
    light and dark themes and wrap when the window is narrow.
    """

    def __init__(self, flags: Sequence[V.RedFlagView], parent: QWidget | None = None) -> None:
        super().__init__(
            parent,
            name="redFlags",
            fill=QPalette.ColorRole.AlternateBase,
            border=False,
            radius=4,
            accent=style.DANGER,
            accent_width=3,
        )
        self.setAccessibleName(V.RED_FLAGS)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 8, 10, 10)
        lay.setSpacing(4)
        title = style.section_title(f"⚑ {V.RED_FLAGS}")
        style.set_message_colour(title, "danger")
        self.title = title
        lay.addWidget(title)
        lay.addWidget(plain_label(V.RED_FLAGS_NOTE, muted=True, column=True))
        #: (red flag, quote, correction) as shown, for tests and screen readers.
        self.items: list[tuple[str, str, str]] = []
        for flag in flags:
            lay.addSpacing(4)
            head = plain_label(flag.text, selectable=True, column=True)
            head.setFont(style.scaled_font(head.font(), bold=True))
            head.setAccessibleName(f"Red flag: {flag.text}")
            lay.addWidget(head)
            if flag.quote:
                said = rich_label(
                    f"<b>{V.RED_FLAG_QUOTE}:</b> <i>“{esc(flag.quote)}”</i>", column=True
                )
                said.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                said.setContentsMargins(14, 0, 0, 0)
                said.setAccessibleName(f"{V.RED_FLAG_QUOTE}: {flag.quote}")
                lay.addWidget(said)
            if flag.correction:
                fix = rich_label(
                    f"<b>{V.RED_FLAG_CORRECTION}:</b> {esc(flag.correction)}", column=True
                )
                fix.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                fix.setContentsMargins(14, 0, 0, 0)
                fix.setAccessibleName(f"{V.RED_FLAG_CORRECTION}: {flag.correction}")
                lay.addWidget(fix)
            self.items.append((flag.text, flag.quote, flag.correction))


class CriterionHeader(QWidget):
    """A criterion's name, its "uncertain" tag, score bar and score chip, painted as one
    widget: as a label, two chips and a bar they were four of a feedback card's 60-odd
    widgets per criterion, each shown, moved and measured on its own (issue 18). Looks
    as they did; each part keeps its tooltip, and the whole its accessible name."""

    SPACING = 10
    BAR_WIDTH = 140
    BAR_MIN = 60
    CHIP_PAD = (9, 2)  # a chip's text from its edges, across and down

    def __init__(
        self, name: str, score: int, *, uncertain_note: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.name = name
        self.score = score
        #: What the score chip says, as "4/5".
        self.score_text = f"{score}/5"
        #: The "uncertain" tag's tooltip, or "" when several model samples agreed.
        self.uncertain_note = uncertain_note
        self.score_tip = f"{name}: {score} out of 5"
        self.colour = style.level_colour(score)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        accessible = self.score_tip
        if uncertain_note:
            accessible += f". Uncertain score. {uncertain_note}"
        self.setAccessibleName(accessible)

    def _title_font(self) -> QFont:
        return style.scaled_font(self.font(), bold=True)

    def _chip_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def _chip_size(self, text: str) -> QSize:
        metrics = QFontMetrics(self._chip_font())
        across, down = self.CHIP_PAD
        return QSize(metrics.horizontalAdvance(text) + 2 * across, metrics.height() + 2 * down)

    def _fixed_width(self) -> int:
        """Everything but the name and the bar: the chips and the gaps between parts."""
        width = self._chip_size(self.score_text).width() + 2 * self.SPACING
        if self.uncertain_note:
            width += self._chip_size(V.UNCERTAIN).width() + self.SPACING
        return width

    def sizeHint(self) -> QSize:
        title = QFontMetrics(self._title_font())
        height = max(
            title.height(),
            self._chip_size(self.score_text).height(),
            style.bar_height(self.fontMetrics()),
        )
        width = title.horizontalAdvance(self.name) + self._fixed_width() + self.BAR_WIDTH
        return QSize(width, height)

    def minimumSizeHint(self) -> QSize:
        title = QFontMetrics(self._title_font())
        # The name is elided before the bar shrinks below its minimum.
        name = min(title.horizontalAdvance(self.name), title.horizontalAdvance("M") * 6)
        return QSize(name + self._fixed_width() + self.BAR_MIN, self.sizeHint().height())

    def _parts(self) -> dict[str, QRect]:
        """Where each part is drawn: "title", "uncertain" (if any), "bar" and "chip"."""
        h = self.height()
        chip = self._chip_size(self.score_text)
        right = self.width()
        chip_rect = QRect(
            right - chip.width(), (h - chip.height()) // 2, chip.width(), chip.height()
        )
        title_w = QFontMetrics(self._title_font()).horizontalAdvance(self.name)
        unc = self._chip_size(V.UNCERTAIN) if self.uncertain_note else QSize(0, 0)
        before_bar = title_w + (unc.width() + self.SPACING if self.uncertain_note else 0)
        room = chip_rect.left() - self.SPACING - before_bar - self.SPACING
        bar_w = max(self.BAR_MIN, min(self.BAR_WIDTH, room))
        bar_h = style.bar_height(self.fontMetrics())
        bar_rect = QRect(chip_rect.left() - self.SPACING - bar_w, (h - bar_h) // 2, bar_w, bar_h)
        unc_left = bar_rect.left() - self.SPACING - unc.width()
        title_w = min(
            title_w, (unc_left if self.uncertain_note else bar_rect.left()) - self.SPACING
        )
        parts = {"title": QRect(0, 0, max(0, title_w), h), "bar": bar_rect, "chip": chip_rect}
        if self.uncertain_note:
            left = min(title_w + self.SPACING, unc_left)
            parts["uncertain"] = QRect(left, (h - unc.height()) // 2, unc.width(), unc.height())
        return parts

    def paintEvent(self, event: QPaintEvent) -> None:
        parts = self._parts()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        title = parts["title"]
        painter.setFont(self._title_font())
        painter.setPen(text)
        shown = painter.fontMetrics().elidedText(
            self.name, Qt.TextElideMode.ElideRight, title.width()
        )
        painter.drawText(
            title, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), shown
        )
        painter.setFont(self._chip_font())
        if "uncertain" in parts:
            style.paint_pill(painter, QRectF(parts["uncertain"]), style.INFO, V.UNCERTAIN)
        style.paint_bar(painter, QRectF(parts["bar"]), self.score / 5, self.colour, self.palette())
        style.paint_pill(painter, QRectF(parts["chip"]), self.colour, self.score_text)
        painter.end()

    def tooltip_at(self, pos: QPoint) -> str:
        """What the part under `pos` says when pointed at ("" for none): the tag why
        the score is uncertain, the bar and chip the score, a shortened name in full."""
        parts = self._parts()
        if "uncertain" in parts and parts["uncertain"].contains(pos):
            return self.uncertain_note
        if parts["bar"].contains(pos) or parts["chip"].contains(pos):
            return self.score_tip
        title = parts["title"]
        full = QFontMetrics(self._title_font()).horizontalAdvance(self.name)
        return self.name if title.contains(pos) and title.width() < full else ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tip = self.tooltip_at(event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


class CriterionRow(QWidget):
    """A criterion's score, the rubric's wording for that level, the quotes and the reason."""

    def __init__(
        self,
        criterion_id: str,
        score: int,
        evidence: Sequence[str],
        reasoning: str,
        criterion: Criterion | None,
        parent: QWidget | None = None,
        *,
        uncertain: bool = False,
    ) -> None:
        super().__init__(parent)
        name = criterion.name if criterion else criterion_id.replace("_", " ").capitalize()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 6)
        lay.setSpacing(3)
        #: The name, the "uncertain" tag (when several model samples disagreed on this
        #: score; blue, not a level colour: it must not read as a second score), the
        #: score bar and chip.
        self.header = CriterionHeader(
            name, score, uncertain_note=V.uncertain_note(name) if uncertain else ""
        )
        lay.addWidget(self.header)
        self.level_text = ""
        if criterion is not None and score in criterion.levels:
            self.level_text = criterion.levels[score]
        #: The quotes as shown, for tests and screen readers.
        self.quotes: list[str] = [quote.strip() for quote in evidence]
        self.reasoning = reasoning.strip()
        #: The rubric's wording, the quotes and the reason, one label (issue 18: a label
        #: each made a card's 50-odd plain labels, and every one is shown, moved and
        #: measured on its own); laid out as the separate labels were.
        self.body = rich_label(self._body_html(score, uncertain), selectable=True, column=True)
        self.body.setAccessibleName(self._body_text(score, uncertain))
        lay.addWidget(self.body)

    def _body_html(self, score: int, uncertain: bool) -> str:
        muted = style.muted_colour(self.palette())
        blocks: list[tuple[str, str]] = []  # (the block's style, its HTML)
        if self.level_text:
            blocks.append(("", f"<b>{V.level_label(score)}:</b> {esc(self.level_text)}"))
        if uncertain:
            note = f"{V.UNCERTAIN.capitalize()}: {V.UNCERTAIN_NOTE}."
            blocks.append((f"color:{muted}", esc(note)))
        blocks += [("margin-left:14px", f"<i>“{esc(q)}”</i>") for q in self.quotes]
        if not self.quotes:
            blocks.append((f"color:{muted}", esc(V.NO_EVIDENCE)))
        if self.reasoning:
            blocks.append((f"color:{muted}", esc(f"Why: {self.reasoning}")))
        return "".join(
            f"<div style='margin-top:{ROW_GAP_PX if i else 0}px;{css}'>{html}</div>"
            for i, (css, html) in enumerate(blocks)
        )

    def _body_text(self, score: int, uncertain: bool) -> str:
        parts: list[str] = []
        if self.level_text:
            parts.append(f"{V.level_label(score)}: {self.level_text}")
        if uncertain:
            parts.append(f"{V.UNCERTAIN.capitalize()}: {V.UNCERTAIN_NOTE}.")
        parts += [f"Quoted evidence: “{q}”" for q in self.quotes] or [V.NO_EVIDENCE]
        if self.reasoning:
            parts.append(f"Why: {self.reasoning}")
        return " ".join(parts)


class QuestionCard(style.Panel):
    """Everything about one question: the exchange, the grade and how to improve."""

    def __init__(
        self,
        number: int,
        record: QuestionRecord,
        rubric: Rubric | None,
        parent: QWidget | None = None,
        *,
        progressive: bool = False,
        total: int = 0,
        grading: bool = False,
        audio_dir: Path | None = None,
    ) -> None:
        """With `progressive`, only the header and the answers are built now; the rest
        is built by `build_step`, a piece at a time (see FeedbackView). With `grading`,
        the answer's grade is still being written: the card says so instead of "not
        graded", and is replaced when the grade lands (`FeedbackView.update_results`)."""
        super().__init__(parent, name="questionCard", remember_heights=True)
        self.record = record
        self.number = number
        self.rubric = rubric
        #: The grade shown, kept alive: a card's state compares grades by identity, and a
        #: freed grade's address could be taken by a new one.
        self.shown_grade = record.grade
        #: The width the complete card was measured at out of sight (`measure_step`).
        self.measured_at: int | None = None
        self._measuring: tuple[int, Iterator[None]] | None = None
        #: The session's folder: spoken answers' recordings (Turn.audio) are found there.
        self.audio_dir = audio_dir
        self.grading = grading and record.grade is None
        #: What the card shows of a record that changes as grades land.
        self.state = _card_state(record, self.grading)
        #: What the reports show for this question; the card lays out the same view.
        self.view: QuestionView = question_view(question_report(record, rubric), number, total)
        q = record.question
        grade = record.grade
        lay = QVBoxLayout(self.inside)
        lay.setContentsMargins(18, 14, 18, 16)
        lay.setSpacing(10)

        # -- header: number, category, score, flags
        head = QHBoxLayout()
        head.setSpacing(8)
        mark = f" · {V.GENERATED_MARK}" if is_generated(q.id) else ""  # issue 17
        meta = plain_label(
            f"Question {number} · {CATEGORY_NAMES.get(q.category, q.category)} · {q.difficulty}"
            + mark,
            wrap=False,
            muted=True,
        )
        head.addWidget(meta)
        head.addStretch(1)
        self.score_chip = self._score_chip(record, grading=self.grading)
        head.addWidget(self.score_chip)
        lay.addLayout(head)
        title = _heading(q.text, 1.12)
        title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        title.setAccessibleName(f"Question {number}: {q.text}")
        lay.addWidget(title)

        flags = list(grade.flags) if grade else []
        if record.status == "skipped" and "skipped" not in flags:
            flags.insert(0, "skipped")
        self.flag_chips: list[Chip] = []
        self.flag_notes: list[QLabel] = []
        if flags:
            row = QHBoxLayout()
            row.setSpacing(6)
            for flag in flags:
                chip = _flag_chip(flag)
                self.flag_chips.append(chip)
                row.addWidget(chip)
            row.addStretch(1)
            lay.addLayout(row)
            for flag in flags:
                detail = flag_text(flag)[1]
                if flag in ("injection", "offline_fallback") and detail:
                    note = plain_label(detail, column=True)
                    style.set_message_colour(note, "danger" if flag == "injection" else "warning")
                    self.flag_notes.append(note)
                    lay.addWidget(note)

        # -- the exchange
        self.answers: list[AnswerBox] = []
        self.criteria: list[CriterionRow] = []
        self.star_rows: list[tuple[str, str, str]] = []
        self.delivery_facts: list[Fact] = []
        self.red_flags: RedFlagsBlock | None = None
        #: A coding question's code, hidden tests (test, result, what happened) and
        #: reference solution (issue 19).
        self.code_view: CodeView | None = None
        self.test_rows: list[tuple[str, str, str]] = []
        self.tests_section: QWidget | None = None
        self.reference_view: CodeView | None = None

        # -- the verdict, built now or a piece at a time
        self._rest: Iterator[None] | None = self._verdict(lay, record, rubric)
        if not progressive:
            self.finish()

    @property
    def complete(self) -> bool:
        return self._rest is None

    def build_step(self) -> bool:
        """Build the next piece of the card; False when it was already complete."""
        if self._rest is None:
            return False
        try:
            next(self._rest)
        except StopIteration:
            self._rest = None  # the last piece was built by this call
        return True

    def finish(self) -> None:
        while self.build_step():
            pass

    def measure_step(self, width: int) -> bool:
        """Measure the complete card at `width` a piece at a time (out of sight, so
        that putting it on the page measures nothing new); False once it is measured.
        Measured in one go, a long card froze the window for 40-90 ms (issue 18)."""
        if self.measured_at == width:
            return False
        if self._measuring is None or self._measuring[0] != width:
            self._measuring = (width, _measure_steps(self, width))
        try:
            next(self._measuring[1])
        except StopIteration:
            self._measuring = None
            self.measured_at = width
            return False
        return True

    def _verdict(
        self, lay: QVBoxLayout, record: QuestionRecord, rubric: Rubric | None
    ) -> Iterator[None]:
        grade = record.grade
        yield from self._add_exchange(lay, record)
        if record.status == "unasked":
            lay.addWidget(plain_label(V.NOT_REACHED_NOTE, muted=True, column=True))
        elif record.status == "skipped":
            lay.addWidget(plain_label(V.SKIPPED_NOTE, muted=True, column=True))
            self._add_lists(lay, self.view.lists)
        elif grade is None and self.grading:
            note = plain_label(GRADING_NOTE, muted=True, column=True)
            note.setAccessibleName("Being graded")
            lay.addWidget(note)
        elif grade is None:
            msg = plain_label(f"Not graded: {self.view.grade_error}", selectable=True, column=True)
            style.set_message_colour(msg, "danger")
            lay.addWidget(msg)
            self._add_lists(lay, self.view.lists)
            self._add_delivery(lay)
        else:
            yield from self._add_grade(lay, grade, rubric)

    @staticmethod
    def _score_chip(record: QuestionRecord, *, grading: bool = False) -> Chip:
        grade = record.grade
        if grading and grade is None and record.status == "answered":
            return Chip("grading…", style.NEUTRAL, tooltip=GRADING_NOTE)
        status = "unasked" if record.status in ("unasked", "asking") else record.status
        score = grade.overall_score if grade is not None else None
        text = V.score_text(status, score)
        if status == "skipped":
            return Chip(text, style.NEUTRAL, tooltip=V.SKIPPED_NOTE)
        if status == "unasked" or score is None:
            return Chip(text, style.NEUTRAL)
        return Chip(text, style.percent_colour(score), tooltip=f"Score {score:.0f} of 100")

    def _audio_file(self, turn: Turn) -> Path | None:
        """The answer's recording, when it was spoken and its file is still there."""
        if not turn.audio or self.audio_dir is None:
            return None
        path = Path(turn.audio) if Path(turn.audio).is_absolute() else self.audio_dir / turn.audio
        return path if path.is_file() else None

    def _add_exchange(self, lay: QVBoxLayout, record: QuestionRecord) -> Iterator[None]:
        """Add the answers (and follow-up questions), pausing after each answer."""
        candidate = [t for t in record.turns if t.role == "candidate"]
        if not candidate:
            return
        lay.addWidget(style.section_title("Your answer" if len(candidate) == 1 else "Your answers"))
        first = True
        for turn in record.turns:
            if turn.role == "interviewer" and turn.kind == "follow_up":
                follow = rich_label(f"<b>Follow-up:</b> {esc(turn.text)}", column=True)
                follow.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                lay.addWidget(follow)
            elif turn.role == "candidate":
                box = AnswerBox(turn, first=first, audio_file=self._audio_file(turn))
                if first and record.question.kind == "coding" and turn.text.strip():
                    self._show_code(box, turn.text)
                first = False
                self.answers.append(box)
                lay.addWidget(box)
                yield
            elif turn.role == "system" and turn.text.strip():
                lay.addWidget(plain_label(turn.text, muted=True, column=True))

    def _add_grade(self, lay: QVBoxLayout, grade: Grade, rubric: Rubric | None) -> Iterator[None]:
        """Add the grade's sections, pausing (yield) after each criterion and section."""
        if grade.summary.strip():
            summary = plain_label(grade.summary.strip(), selectable=True, column=True)
            summary.setAccessibleName("Grader's summary")
            lay.addWidget(summary)

        if self.view.red_flags:
            self.red_flags = RedFlagsBlock(self.view.red_flags)
            lay.addWidget(self.red_flags)
            yield

        if grade.tests is not None:
            self._add_tests(lay, grade)
            yield

        crit_section = _Section(V.RUBRIC_SCORES)
        lay.addWidget(crit_section)
        for cs in grade.criteria:
            yield
            criterion: Criterion | None = None
            if rubric is not None:
                try:
                    criterion = rubric.criterion(cs.criterion_id)
                except KeyError:
                    criterion = None
            row = CriterionRow(
                cs.criterion_id,
                cs.score,
                cs.evidence,
                cs.reasoning,
                criterion,
                uncertain=cs.uncertain,
            )
            self.criteria.append(row)
            crit_section.body.addWidget(row)
        if self.view.dropped_note:
            crit_section.body.addWidget(
                plain_label(self.view.dropped_note, muted=True, column=True)
            )

        if self.view.star:
            yield
            star = _Section(V.STAR_BREAKDOWN)
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(6)
            grid.setColumnStretch(2, 1)
            for i, item in enumerate(self.view.star):
                name = item.part
                name_label = plain_label(name, wrap=False)
                grid.addWidget(name_label, i, 0, Qt.AlignmentFlag.AlignTop)
                chip = Chip(
                    item.status,
                    style.STATUS_COLOURS.get(item.status, style.NEUTRAL),
                    tooltip=f"{name}: {item.status}",
                )
                grid.addWidget(chip, i, 1, Qt.AlignmentFlag.AlignTop)
                # Centre the name on the chip's line, whatever the quote's length.
                name_label.setFixedHeight(chip.sizeHint().height())
                quote = f"“{item.quote.strip()}”" if item.quote.strip() else V.NO_STAR_QUOTE
                ql = plain_label(quote, selectable=True, muted=not item.quote.strip())
                if item.quote.strip():
                    f = ql.font()
                    f.setItalic(True)
                    ql.setFont(f)
                grid.addWidget(ql, i, 2)
                self.star_rows.append((name, item.status, item.quote))
            star.body.addLayout(grid)
            lay.addWidget(star)

        lists = self.view.lists
        yield
        self._add_lists(lay, lists[:2])
        yield
        self._add_lists(lay, lists[2:])
        self._add_delivery(lay)
        if self.view.reference:
            section = _Section(V.REFERENCE_SOLUTION)
            self.reference_view = CodeView(self.view.reference, name=V.REFERENCE_SOLUTION)
            section.body.addWidget(self.reference_view)
            lay.addWidget(section)
        if self.view.graded_by:
            lay.addWidget(plain_label(f"Graded by: {self.view.graded_by}", muted=True, wrap=False))

    def _show_code(self, box: AnswerBox, code: str) -> None:
        """A coding answer is shown as code: monospace, highlighted, every line."""
        self.code_view = CodeView(code, name="Your code")
        box.text_label.setVisible(False)
        if box.toggle is not None:
            box.toggle.setVisible(False)
        inner = box.layout()
        if isinstance(inner, QVBoxLayout):
            inner.insertWidget(0, self.code_view)

    def _add_tests(self, lay: QVBoxLayout, grade: Grade) -> None:
        """The hidden tests, one row each, with what each one ran (revealed now that the
        answer is in): name and call, passed or failed, what happened."""
        assert grade.tests is not None
        spec = self.record.question.coding
        code_of = {t.name: t for t in spec.hidden} if spec is not None else {}
        section = _Section(f"{V.HIDDEN_TESTS}: {self.view.tests_text}")
        section.setAccessibleName(V.HIDDEN_TESTS)
        self.tests_section = section
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        for i, row in enumerate(self.view.tests):
            chip = Chip(
                row.result,
                style.percent_colour(100 if row.ok else 0),
                tooltip=f"{row.name}: {row.result}",
            )
            grid.addWidget(chip, i, 0, Qt.AlignmentFlag.AlignTop)
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(plain_label(row.name, selectable=True))
            test = code_of.get(row.name)
            if test is not None:
                expect = f"# expected: {test.expect.strip()}" if test.expect.strip() else ""
                shown = "\n".join(
                    part.strip()
                    for part in (test.setup, test.call, expect, test.check)
                    if part.strip()
                )
                code = plain_label(shown, selectable=True, muted=True)
                code.setFont(mono)
                code.setAccessibleName(f"Test {row.name}: code")
                cell.addWidget(code)
            if not row.ok and row.message.strip():
                what = plain_label(row.message, selectable=True)
                style.set_message_colour(what, "danger")
                cell.addWidget(what)
            grid.addLayout(cell, i, 1)
            self.test_rows.append((row.name, row.result, row.message))
        section.body.addLayout(grid)
        lay.addWidget(section)

    def _add_delivery(self, lay: QVBoxLayout) -> None:
        """Pace, filler, hedges and time: measured from the text, not judged by a model."""
        self.delivery_facts = list(self.view.delivery)
        if not self.delivery_facts:
            return
        section = _Section(V.DELIVERY)
        # One label for the whole table (issue 18: two labels a row made it 9 widgets).
        muted = style.muted_colour(section.palette())
        rows = "".join(
            f"<tr><td style='color:{muted};padding-right:12px;white-space:nowrap;"
            f"padding-top:{DELIVERY_GAP_PX if i else 0}px'>{esc(fact.label)}</td>"
            f"<td style='padding-top:{DELIVERY_GAP_PX if i else 0}px'>{esc(fact.value)}</td></tr>"
            for i, fact in enumerate(self.delivery_facts)
        )
        table = rich_label(
            f"<table cellspacing='0' cellpadding='0'>{rows}</table>", selectable=True, column=True
        )
        table.setAccessibleName(
            "; ".join(f"{fact.label}: {fact.value}" for fact in self.delivery_facts)
        )
        section.body.addWidget(table)
        for note in self.view.delivery_notes:
            section.body.addWidget(plain_label(note, muted=True, selectable=True, column=True))
        section.setAccessibleName("Delivery metrics")
        lay.addWidget(section)

    @staticmethod
    def _add_lists(lay: QVBoxLayout, lists: Sequence[tuple[str, list[str], bool]]) -> None:
        filled = [(t, items, ordered) for t, items, ordered in lists if items]
        if not filled:
            return
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        for i, (title, items, ordered) in enumerate(filled):
            box = _Section(title)
            tag = "ol" if ordered else "ul"
            body = "".join(f"<li>{esc(item)}</li>" for item in items)
            lst = rich_label(f"<{tag} style='margin-left:-18px'>{body}</{tag}>")
            lst.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            lst.setAccessibleName(title)
            box.body.addWidget(lst)
            box.body.addStretch(1)
            if len(filled) == 1:
                grid.addWidget(box, 0, 0, 1, 2, Qt.AlignmentFlag.AlignTop)
            else:
                grid.addWidget(box, i // 2, i % 2, Qt.AlignmentFlag.AlignTop)
        lay.addLayout(grid)


class _Content(QWidget):
    """The scrolled page. Its minimum height is left to height-for-width.

    QScrollArea sizes its widget to at least minimumSizeHint(), which a layout full of
    word-wrapped labels computes at its narrowest width: far taller than needed at the
    real width, leaving a large empty space at the end of the page.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The page paints nothing of its own (its cards do): growing it as cards are
        # added paints only what newly shows, not the whole visible page again after
        # every batch of cards (10-12 ms each, eight times for a 40-question page;
        # issue 18).
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)

    def sizeHint(self) -> QSize:
        """The natural width, and the height at the width the page has. Qt's own hint
        wraps every card at the natural width (every label on one line), a width the
        page never has: all of it measured once more for nothing (issue 18)."""
        lay = self.layout()
        if lay is None or self.width() <= 0:
            return super().sizeHint()
        return QSize(lay.sizeHint().width(), lay.totalHeightForWidth(self.width()))


class FeedbackView(QWidget):
    """The results of one interview. Call `show_results`; connect the three signals."""

    practise_again = Signal()
    back_home = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Feedback")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.export_button = QPushButton("&Export report…")
        self.export_button.setAccessibleName("Export report")
        self.export_button.setToolTip("Save this feedback as Markdown, HTML, PDF or JSON")
        self.export_button.setShortcut(QKeySequence("Ctrl+E"))
        self.practise_button = QPushButton("&Practise again")
        self.practise_button.setAccessibleName("Practise again")
        self.practise_button.setToolTip("Start a new interview on the same track (Ctrl+R)")
        self.practise_button.setShortcut(QKeySequence("Ctrl+R"))
        self.home_button = QPushButton("&Back to home")
        self.home_button.setAccessibleName("Back to home")
        bar = style.page_bar(
            "Feedback", [self.export_button, self.practise_button, self.home_button]
        )
        self.export_button.clicked.connect(self._on_export_clicked)
        self.practise_button.clicked.connect(self._on_practise_clicked)
        self.home_button.clicked.connect(self._on_home_clicked)
        outer.addWidget(bar)
        outer.addWidget(style.separator())
        # While grades are still arriving: how many are in and when the rest should be.
        self.eta_label = plain_label("")
        self.eta_label.setFont(style.scaled_font(self.eta_label.font(), 1.0, bold=True))
        self.eta_label.setObjectName("gradingEta")
        self.eta_label.setContentsMargins(18, 8, 18, 0)
        self.eta_label.setAccessibleName("Grades still arriving")
        self.eta_label.hide()
        outer.addWidget(self.eta_label)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.scroll_area.setAccessibleName("Feedback details")
        outer.addWidget(self.scroll_area, 1)
        self.setTabOrder(self.export_button, self.practise_button)
        self.setTabOrder(self.practise_button, self.home_button)
        self.setTabOrder(self.home_button, self.scroll_area)

        self._shown: tuple[list[QuestionRecord], SessionSummary, dict[str, Rubric]] | None = None
        #: The shown session's folder (its recordings); set before `show_results`.
        self.audio_dir: Path | None = None
        #: An adaptive interview's difficulty path in words (issue 17), or ""; set before
        #: `show_results`, shown in the overview like the report's fact.
        self.difficulty_path = ""
        self.difficulty_label: QLabel | None = None
        self.overall_label: QLabel | None = None
        self.usage_label: QLabel | None = None
        self._usage_text = ""
        self.signal_chip: Chip | None = None
        self.overview_view: V.Overview | None = None
        self.cards: list[QuestionCard] = []
        self._content: QWidget | None = None
        self._generation = 0
        self._pending: list[tuple[int, QuestionRecord, Rubric | None]] = []
        self._layout: QVBoxLayout | None = None
        self._total = 0
        self._cards_at = 0
        #: Question ids whose grade is still being written (see `update_results`).
        self._grading: set[str] = set()
        self._overview_box: QWidget | None = None
        self._glance_box: QWidget | None = None
        #: Cards built ahead while the interview runs (`prepare`), kept in `_stash` until
        #: a page shows their record in the same state. The stash is a window that is
        #: never on screen (WA_DontShowOnScreen, 1 px): a finished card is shown in it,
        #: so showing it (polish, show events, layouts) is done during the interview and
        #: putting it on the page costs a quarter as much (issue 18). It never takes
        #: focus and does not keep the app running once the main window is closed.
        self._stash = QWidget(self, Qt.WindowType.Window)
        self._stash.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen)
        self._stash.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._stash.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._stash.resize(1, 1)
        self._stash.hide()
        self._prepared: dict[int, tuple[tuple[object, ...], QuestionCard]] = {}
        self._to_prepare: list[tuple[tuple[object, ...], int, QuestionRecord, Rubric | None]] = []
        self._prepare_timer = QTimer(self)
        self._prepare_timer.setSingleShot(True)
        self._prepare_timer.setInterval(PREPARE_GAP_MS)
        self._prepare_budget = PREPARE_BUDGET_MS
        self._prepare_timer.timeout.connect(self._prepare_step)
        #: When the last piece of the page's or the preparation's work ended, which of
        #: the two did it ("page" or "prepare"), and how many milliseconds of their
        #: work its pass of the event loop had run by then.
        self._pass_end = 0.0
        self._pass_by = ""
        self._pass_ms = 0.0
        #: Until when the page's pieces wait for its first frame (0: they do not).
        self._hold_until = 0.0
        #: Prepared cards a page took instead of building them (for tests and benchmarks).
        self.reused_cards = 0
        #: The question index is still to be added (a progressive page adds it after
        #: the overview's first frame).
        self._glance_wanted = False
        #: Rows of the question index still to add (a long index is added a few rows a
        #: turn: 40 rows in one go took 30-40 ms; issue 18).
        self._glance_rows: list[tuple[int, QuestionRecord]] = []
        #: The index being built, off the page until it is whole.
        self._glance_building: QFrame | None = None
        #: The card being built out of sight, a piece per turn, before it goes on the page.
        self._building: QuestionCard | None = None
        #: Cards on the page whose grade changed (`update_results`), each with the card
        #: replacing it, built out of sight a piece per turn like `_building`: built in
        #: one go, the last answer's card froze the window for 40-50 ms just as its
        #: grade landed (issue 18).
        self._replacing: list[tuple[QuestionCard, QuestionCard]] = []
        #: Each row of the question index, by question number, with the state of the
        #: record it shows: a landing grade rebuilds its row, not the whole index.
        self._glance_shown: dict[int, tuple[QWidget, tuple[object, ...]]] = {}
        #: A chain of `_add_next_card` turns is under way.
        self._filling = False
        #: The question index built ahead while the interview runs (`prepare`), shown in
        #: the stash like the cards, with its rows by question number (the row, the state
        #: of the record it shows, the record), for a page of `_glance_ahead_total`
        #: questions: the page after the last answer takes it and adds the last rows
        #: (the index built then took 3-4 turns and 40-70 ms; issue 18).
        self._glance_ahead: QFrame | None = None
        self._glance_ahead_rows: dict[int, tuple[QWidget, tuple[object, ...], QuestionRecord]] = {}
        self._glance_ahead_total = 0
        self._show_empty()

    # ------------------------------------------------------------------ public

    def show_results(
        self,
        records: list[QuestionRecord],
        summary: SessionSummary,
        rubrics: dict[str, Rubric],
        *,
        progressive: bool = False,
        usage: str = "",
        grading: Collection[str] = (),
    ) -> None:
        """Show one interview's results (`usage`: its tokens and cost in words, if any;
        `grading`: question ids whose grade is still being written).

        With `progressive`, the overview appears at once and the question cards are added
        one per event-loop turn: building every card in one go (hundreds of wrapped
        labels) froze the window for over a second at the end of an interview.
        """
        self._shown = (records, summary, rubrics)
        self._usage_text = usage
        self._grading = set(grading)
        self._generation += 1
        content = _Content()
        content.setObjectName("feedbackContent")
        lay = QVBoxLayout(content)
        lay.setContentsMargins(CONTENT_MARGINS // 2, 16, CONTENT_MARGINS // 2, 24)
        lay.setSpacing(14)
        reports = [question_report(r, _rubric_for(r, rubrics)) for r in records]
        self._overview_box = self._overview(summary, reports)
        lay.addWidget(self._overview_box)
        self.cards = []
        if self._building is not None:  # a card of the results this page replaces
            self._building.deleteLater()
            self._building = None
        self._drop_replacements()
        self._glance_shown = {}
        shown = [r for r in records if r.status != "unasked"]
        unasked = [r for r in records if r.status == "unasked"]
        self._glance_box = None
        self._glance_rows = []
        if self._glance_building is not None:  # the index of the results replaced
            self._glance_building.deleteLater()
            self._glance_building = None
        self._glance_wanted = bool(shown) and progressive
        if shown and not progressive:
            self._glance_box = self._glance(self._numbered(records))
            lay.addWidget(self._glance_box)
        ahead = self._take_glance(records) if self._glance_wanted else None
        if ahead is not None:
            ahead.setParent(content)
            lay.addWidget(ahead)
            ahead.show()
            self._glance_box = ahead
            self._glance_wanted = False
        pending: list[tuple[int, QuestionRecord, Rubric | None]] = []
        for number, rec in enumerate(records, start=1):
            if rec.status == "unasked":
                continue
            pending.append((number, rec, _rubric_for(rec, rubrics)))
        self._cards_at = lay.count()
        if unasked:
            box = style.card(name="unaskedCard")
            bl = QVBoxLayout(box)
            bl.setContentsMargins(18, 12, 18, 12)
            bl.addWidget(style.section_title(V.NOT_REACHED))
            bl.addWidget(plain_label(V.NOT_REACHED_NOTE, muted=True))
            for number, rec in enumerate(records, start=1):
                if rec.status == "unasked":
                    bl.addWidget(plain_label(f"{number}. {rec.question.text}", muted=True))
            lay.addWidget(box)
        lay.addStretch(1)
        self._pending = pending
        self._total = len(records)
        self._layout = lay
        if not progressive:
            self.finish_pending()
        # A page filling in is laid out at the width it will have once it is longer than
        # the window, the width its cards were built ahead at: appearing halfway, the
        # scroll bar narrowed the page and every card on it was measured again (95 ms
        # in one turn for a 40-question page; issue 18). Back to "as needed" once whole.
        self._scroll_bar_while_filling(progressive and len(pending) > 1)
        self._set_content(content)
        self.scroll_area.verticalScrollBar().setValue(0)
        self._filling = progressive and bool(self._pending or self._glance_wanted)
        if self._filling:
            generation = self._generation
            QTimer.singleShot(CARD_GAP_MS, self, lambda: self._add_next_card(generation))

    @property
    def building(self) -> bool:
        """True while question cards are still being added or built."""
        return (
            self._glance_wanted
            or self._building is not None
            or bool(self._pending)
            or bool(self._replacing)
            or any(not c.complete for c in self.cards)
        )

    @staticmethod
    def _numbered(records: Sequence[QuestionRecord]) -> list[tuple[int, QuestionRecord]]:
        return [(i, r) for i, r in enumerate(records, start=1) if r.status != "unasked"]

    def finish_pending(self) -> None:
        """Add every card not added yet, and finish every card, now."""
        while self._glance_wanted and self._layout is not None and self._shown is not None:
            self._add_glance_rows(len(self._shown[0]))
        for card in self.cards:
            card.finish()
        building, self._building = self._building, None
        if building is not None:
            building.finish()
            self._insert(building)
        while self._pending:
            self._add_card()
        while self._replacing:
            old, fresh = self._replacing.pop(0)
            fresh.finish()
            self._put_in_place(old, fresh)
        self._scroll_bar_while_filling(False)

    def update_results(
        self,
        records: list[QuestionRecord],
        summary: SessionSummary,
        rubrics: dict[str, Rubric],
        *,
        grading: Collection[str] = (),
        usage: str | None = None,
    ) -> None:
        """Grades landed: rebuild the overview, the rows of the index and the cards whose
        grade changed, in place (the page keeps its scroll position and the cards the
        candidate is reading). A changed card is built again out of sight, a piece per
        turn, and takes its old card's place once whole (`building` until then).
        Results of another interview are shown afresh."""
        same = self._shows(records)
        if usage is not None:
            self._usage_text = usage
        if not same:
            self.show_results(
                records,
                summary,
                rubrics,
                progressive=True,
                grading=grading,
                usage=self._usage_text,
            )
            return
        assert self._layout is not None
        self._shown = (records, summary, rubrics)
        self._grading = set(grading)
        reports = [question_report(r, _rubric_for(r, rubrics)) for r in records]
        self._overview_box = self._swap(self._overview_box, self._overview(summary, reports))
        # The rows of the index whose record changed are built again (the rows still to
        # be added are built from these records anyway).
        for number, rec in self._numbered(records):
            held = self._glance_shown.get(number)
            if held is not None and held[1] != self._glance_state(rec):
                row = held[0]
                box = row.parentWidget()
                lay = box.layout() if box is not None else None
                if isinstance(lay, QVBoxLayout):
                    fresh_row = self._glance_row(None, number, rec)
                    lay.replaceWidget(row, fresh_row)
                    row.hide()
                    row.deleteLater()
        # The cards whose record changed are built again out of sight, a piece per turn,
        # and take their old card's place once whole (`_add_next_card`).
        replacing = {id(old): fresh for old, fresh in self._replacing}
        for card in self.cards:
            grading_now = card.record.question.id in self._grading
            wanted = _card_state(card.record, grading_now and not card.record.grade)
            underway = replacing.get(id(card))
            if card.state == wanted:
                if underway is not None:  # built for a state the record went back from
                    self._replacing = [(o, f) for o, f in self._replacing if o is not card]
                    underway.deleteLater()
                continue
            if underway is not None and underway.state == wanted:
                continue
            if underway is not None:  # for a state the record has left already
                self._replacing = [(o, f) for o, f in self._replacing if o is not card]
                underway.deleteLater()
            fresh = QuestionCard(
                records.index(card.record) + 1,
                card.record,
                _rubric_for(card.record, rubrics),
                self._stash,
                progressive=True,
                total=self._total,
                grading=grading_now,
                audio_dir=self.audio_dir,
            )
            self._replacing.append((card, fresh))
        if self._replacing and not self._filling:
            self._filling = True
            generation = self._generation
            QTimer.singleShot(PIECE_GAP_MS, self, lambda: self._add_next_card(generation))

    def _shows(self, records: Sequence[QuestionRecord]) -> bool:
        """The page shows these very records (the interview's own, not equal copies)."""
        shown = self._shown
        return (
            shown is not None
            and self._layout is not None
            and len(shown[0]) == len(records)
            and all(a is b for a, b in zip(shown[0], records, strict=True))
        )

    def _drop_replacements(self) -> None:
        for _old, fresh in self._replacing:
            fresh.deleteLater()
        self._replacing = []

    def _put_in_place(self, old: QuestionCard, fresh: QuestionCard) -> None:
        """`fresh`, complete, takes the place of `old` on the page."""
        if old not in self.cards or self._layout is None:
            fresh.deleteLater()  # the page was built again meanwhile
            return
        self.cards[self.cards.index(old)] = fresh
        if self._content is not None:
            fresh.setParent(self._content)
            fresh.show()
        self._swap(old, fresh)

    def _swap(self, old: QWidget | None, new: QWidget) -> QWidget:
        """Put `new` where `old` is in the page's layout."""
        assert self._layout is not None and old is not None
        self._layout.replaceWidget(old, new)
        old.hide()
        old.deleteLater()
        return new

    def set_grading_note(self, text: str) -> None:
        """ "3 of 5 grades in; the rest in about 1 min 20 s" above the page; "" hides it.
        The scores above count only the grades that are in, which the line makes clear."""
        if text:
            text += ". The scores count the grades that are in so far."
        self.eta_label.setText(text)
        self.eta_label.setAccessibleDescription(text)
        self.eta_label.setVisible(bool(text))

    @property
    def grading_note(self) -> str:
        return self.eta_label.text() if self.eta_label.isVisibleTo(self) else ""

    def _next_card(self, *, progressive: bool = False) -> QuestionCard:
        """The next pending card: one prepared ahead (complete, or half built when its
        grade landed just before the page), or a new one (with `progressive`, only its
        header and answers built yet)."""
        number, rec, rubric = self._pending.pop(0)
        grading = rec.question.id in self._grading
        card = self._take_prepared(self._prepare_key(number, self._total, rec, grading), rec)
        if card is not None:
            return card
        return QuestionCard(
            number,
            rec,
            rubric,
            self._stash if progressive else None,
            progressive=progressive,
            total=self._total,
            grading=grading,
            audio_dir=self.audio_dir,
        )

    def _insert(self, card: QuestionCard, *, measure: bool = True) -> None:
        """Put a complete card on the page (afresh if its record changed meanwhile).
        Without `measure`, the caller makes the page tall enough (`_fit_page`) once it
        has put a batch of cards on it."""
        grading = card.record.question.id in self._grading
        if card.state != _card_state(card.record, grading and not card.record.grade):
            fresh = QuestionCard(
                card.number,
                card.record,
                card.rubric,
                total=self._total,
                grading=grading,
                audio_dir=self.audio_dir,
            )
            card.deleteLater()
            card = fresh
        self.cards.append(card)
        assert self._layout is not None
        content = self._content
        if content is not None:
            # Shown before it joins the layout: showing a widget lays its parent out at
            # once, and a widget given a new parent is hidden (left out of the page's
            # measure) until then. Joining the layout afterwards only asks for a layout
            # on a later turn, by which time the page is tall enough (below).
            card.setParent(content)
            # Shown below the page's end until the layout puts it in place: shown where
            # it stood in the stash, over the page's top left, it had the whole visible
            # page painted again once per batch of cards (10-12 ms each, eight times
            # for a 40-question page; issue 18).
            card.move(card.x(), content.height())
            card.show()
        self._layout.insertWidget(self._cards_at, card)
        self._cards_at += 1
        if measure:
            self._fit_page()

    def _fit_page(self) -> None:
        """Make the page tall enough now: laid out in the page's old height, every card
        already there was squeezed and then grown back (all its labels re-wrapped twice),
        once per card added: 700 such resizes for a 40-question page (issue 18)."""
        content = self._content
        if self._layout is not None and content is not None and content.width() > 0:
            needed = self._layout.totalHeightForWidth(content.width())
            if needed > content.height():
                content.resize(content.width(), needed)

    def _add_card(self) -> None:
        """Add the next pending card, complete."""
        card = self._next_card()
        card.finish()
        self._insert(card)

    # ------------------------------------------------------------------ built ahead

    def prepare(
        self,
        records: Sequence[QuestionRecord],
        rubrics: dict[str, Rubric],
        *,
        audio_dir: Path | None = None,
        over: bool = False,
    ) -> None:
        """While the interview runs: build the cards of the answers graded so far, hidden,
        a small piece per turn of the event loop, so the page after the last answer only
        has to add them (and build the last card). A card is taken only by a page showing
        the same record in the same state (number, turns, grade); anything else is built
        afresh as before, so a card prepared too early is never shown. Nothing is
        prepared for records a page already shows (a page of results so far, not in
        front): that page is updated in place (`update_results`).

        With `over`, the interview is over (the last grades are landing, nobody types):
        the pieces are built at the pace of a page filling in, not spread out for typing
        (issue 18)."""
        if self._shows(records):
            return
        self._prepare_budget = BUILD_BUDGET_MS if over else PREPARE_BUDGET_MS
        self._prepare_timer.setInterval(PIECE_GAP_MS if over else PREPARE_GAP_MS)
        total = len(records)
        wanted: list[tuple[tuple[object, ...], int, QuestionRecord, Rubric | None]] = []
        for number, rec in enumerate(records, start=1):
            if rec.status == "unasked" or rec.grade is None:
                continue
            key = self._prepare_key(number, total, rec, False, audio_dir)
            held = self._prepared.get(id(rec))
            if held is not None and held[0] == key and held[1].record is rec:
                continue
            wanted.append((key, number, rec, _rubric_for(rec, rubrics)))
        self._prepare_glance(records)
        if not wanted:
            return
        queued = {id(rec) for _k, _n, rec, _r in self._to_prepare}
        self._to_prepare.extend(w for w in wanted if id(w[2]) not in queued)
        if not self._prepare_timer.isActive():
            self._prepare_timer.start()

    def _prepare_glance(self, records: Sequence[QuestionRecord]) -> None:
        """The question index's rows of the graded answers, built ahead in the stash."""
        box = self._glance_ahead
        if box is None or self._glance_ahead_total != len(records):
            if box is not None:
                box.deleteLater()
            box = self._glance_ahead = self._glance(())
            box.setParent(self._stash)
            self._glance_ahead_rows = {}
            self._glance_ahead_total = len(records)
        rows = self._glance_ahead_rows
        lay = box.layout()
        assert isinstance(lay, QVBoxLayout)
        for number, rec in enumerate(records, start=1):
            if rec.status == "unasked" or rec.grade is None:
                continue
            state = _card_state(rec, False)
            held = rows.get(number)
            if held is not None and held[2] is rec and held[1] == state:
                continue
            row = self._make_glance_row(number, rec, grading=False)
            if held is not None:
                lay.replaceWidget(held[0], row)
                held[0].deleteLater()
            else:
                lay.insertWidget(1 + sum(1 for n in rows if n < number), row)
            rows[number] = (row, state, rec)
        if rows:
            # Shown in the stash, like a prepared card: polished and laid out now.
            if not self._stash.isVisible():
                self._stash.show()
            box.show()

    def _take_glance(self, records: Sequence[QuestionRecord]) -> QFrame | None:
        """The index built ahead, for `records`: stale rows dropped, missing ones built
        (a few: more are left to the turns of a page filling in, and the index built
        ahead is dropped); None when it does not serve."""
        box, rows = self._glance_ahead, self._glance_ahead_rows
        if box is None:
            return None
        self._glance_ahead, self._glance_ahead_rows = None, {}
        numbered = dict(self._numbered(records))
        stale = [
            n
            for n, (_row, state, rec) in rows.items()
            if numbered.get(n) is not rec or state != self._glance_state(rec)
        ]
        missing = len(numbered) - (len(rows) - len(stale))
        useless = len(stale) == len(rows) or missing > GLANCE_ROWS_PER_TURN
        if self._glance_ahead_total != len(records) or useless:
            box.deleteLater()
            return None
        lay = box.layout()
        assert isinstance(lay, QVBoxLayout)
        for number in stale:
            row = rows.pop(number)[0]
            lay.removeWidget(row)
            row.hide()
            row.deleteLater()
        for number, rec in numbered.items():
            if number not in rows:
                row = self._make_glance_row(number, rec)
                lay.insertWidget(1 + sum(1 for n in rows if n < number), row)
                rows[number] = (row, self._glance_state(rec), rec)
        self._glance_shown = {n: (row, state) for n, (row, state, _rec) in rows.items()}
        box.hide()  # hidden before it moves: no Hide event to each row's widgets then
        return box

    def forget_prepared(self) -> None:
        """Drop every card built ahead (a new interview starts)."""
        if self._glance_ahead is not None:
            self._glance_ahead.deleteLater()
            self._glance_ahead, self._glance_ahead_rows = None, {}
        self._to_prepare.clear()
        self._prepare_timer.stop()
        for _key, card in self._prepared.values():
            card.deleteLater()
        self._prepared.clear()

    @property
    def preparing(self) -> bool:
        return bool(self._to_prepare)

    def _prepare_key(
        self,
        number: int,
        total: int,
        rec: QuestionRecord,
        grading: bool,
        audio_dir: Path | None = None,
    ) -> tuple[object, ...]:
        folder = audio_dir if audio_dir is not None else self.audio_dir
        return (number, total, len(rec.turns), folder, *_card_state(rec, grading))

    def _take_prepared(self, key: tuple[object, ...], rec: QuestionRecord) -> QuestionCard | None:
        # The page builds this record's card now, from what is prepared or afresh: no
        # more preparing for it.
        self._to_prepare = [t for t in self._to_prepare if t[2] is not rec]
        held = self._prepared.pop(id(rec), None)
        if held is None:
            return None
        if held[0] != key or held[1].record is not rec:
            held[1].deleteLater()  # prepared for an earlier state of the record
            return None
        # Taken even half built (its grade landed just before the page): the page goes
        # on building it where the preparation left off.
        self.reused_cards += 1
        return held[1]

    def _prepare_step(self) -> None:
        """Build one piece of the next card to prepare; measure it at the page's width
        once complete (in a turn of its own), so adding it later lays out nothing new."""
        if not self._to_prepare:
            return
        if self._waiting_for_frame():
            self._prepare_timer.start()
            return
        key, number, rec, rubric = self._to_prepare[0]
        held = self._prepared.get(id(rec))
        if held is None or held[0] != key or held[1].record is not rec:
            if held is not None:
                held[1].deleteLater()
            folder = key[3]
            card = QuestionCard(
                number,
                rec,
                rubric,
                self._stash,
                progressive=True,
                total=key[1] if isinstance(key[1], int) else 0,
                audio_dir=folder if isinstance(folder, Path) else None,
            )
            self._prepared[id(rec)] = (key, card)
        else:
            card = held[1]
            width = self._card_width()
            began = time.perf_counter()
            # What the page did in this same pass counts against this step's budget.
            budget = self._prepare_budget - self._spent_this_pass(began, "prepare")
            while True:
                if not card.complete:
                    card.build_step()
                elif not card.measure_step(width):
                    self._show_in_stash(card)
                    self._to_prepare.pop(0)  # built, measured, shown: ready for the page
                    break
                if (time.perf_counter() - began) * 1000 >= budget:
                    break
            self._note_pass(began, "prepare")
        if self._to_prepare:
            self._prepare_timer.start()

    def hold_for_first_frame(self) -> None:
        """The page is about to be brought to the front: its filling and preparation
        wait until its first frame is painted (at most `FIRST_FRAME_WAIT_S`), so the
        show, the layout and the paint of that frame are a pass of their own."""
        self._hold_until = time.perf_counter() + FIRST_FRAME_WAIT_S

    def _waiting_for_frame(self) -> bool:
        if self._hold_until and time.perf_counter() >= self._hold_until:
            self._hold_until = 0.0
        return bool(self._hold_until)

    def _frame_painted(self) -> None:
        self._hold_until = 0.0

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._hold_until:
            # Released once this frame is over (the page paints before its children):
            # the next piece comes a pass later.
            QTimer.singleShot(0, self, self._frame_painted)

    def _spent_this_pass(self, now: float, me: str) -> float:
        """Milliseconds the other of the two (the page filling in, the preparation
        beside it) already ran in this pass of the event loop: 0 when its last piece
        ended before a paint could come. A batch of cards going on the page (up to
        25 ms) and a prepared piece (8 ms) were due in the same pass: with the paint
        after them, freezes of 38-49 ms on a 20-question page (issue 18); each now takes
        only what the other left. One's own pieces 1 ms apart are not counted: each of
        those runs in a pass of its own."""
        if self._pass_by == me or now - self._pass_end >= SAME_PASS_S:
            return 0.0
        return self._pass_ms

    def _note_pass(self, began: float, me: str) -> None:
        now = time.perf_counter()
        self._pass_ms = self._spent_this_pass(began, me) + (now - began) * 1000
        self._pass_end, self._pass_by = now, me

    def _show_in_stash(self, card: QuestionCard) -> None:
        if card.parentWidget() is not self._stash:
            return
        # The stash takes the application's font and palette (as the page does) and
        # follows their changes: none is set on it.
        if not self._stash.isVisible():
            self._stash.show()
        card.show()
        # Then hidden again, polished and laid out: moving a shown widget to the page
        # hides it first, a Hide event to each of its 80-100 widgets (setParent took
        # 1.3 ms a card, 52 ms for a 40-question page; hidden here, 0.35 ms; issue 18).
        card.hide()

    def _card_width(self) -> int:
        """The width a question card will get on the page: the page's width less its
        margins and the scroll bar (a page of results is longer than the window), from
        the screen stack the page lives in while it is not shown."""
        if self.isVisible() and self.scroll_area.width() > 0:
            width = self.scroll_area.width()
        else:
            outer = self.parentWidget()
            width = outer.width() if outer is not None else self.width()
        bar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)
        return max(200, width - bar - CONTENT_MARGINS)

    def _add_next_card(self, generation: int) -> None:
        """One small piece per timer tick: the next part of the newest card, or a new
        card with its header and answers. Each piece stays well under a frame's worth of
        work, so the window keeps painting and answering input while the page fills."""
        if generation != self._generation:
            return  # newer results replaced these
        if self._waiting_for_frame():
            QTimer.singleShot(PIECE_GAP_MS, self, lambda: self._add_next_card(generation))
            return
        if self._glance_wanted:
            # The question index, in turns of its own after the overview's first frame.
            self._add_glance_rows(GLANCE_ROWS_PER_TURN)
            QTimer.singleShot(PIECE_GAP_MS, self, lambda: self._add_next_card(generation))
            return
        began = time.perf_counter()
        already = self._spent_this_pass(began, "page")  # a prepared piece, same pass
        width = self._card_width()
        batch = 0  # cards put on the page this turn, measured together at the end
        replaced = 0  # cards that took the place of one whose grade changed
        while True:  # at least one piece, then more while the budget lasts
            card = self._building
            if card is None and self._replacing:
                replaced += self._replace_step(width)
            elif card is None:
                if not self._pending:
                    break
                self._building = self._next_card(progressive=True)
            elif not card.complete:
                card.build_step()
            elif not card.measure_step(width):
                # Built and measured out of sight, then put on the page whole: the page
                # is laid out and painted once per batch of cards, not once per piece
                # (issue 18). Cards built ahead need nothing more: as many go on the
                # page in one turn as the budget allows, and the page is measured once.
                self._building = None
                if not batch and self._layout is not None:
                    # Showing a card lays its parent out at once, every card on the page:
                    # not once per card of a batch (a 40-question page; issue 18).
                    self._layout.setEnabled(False)
                self._insert(card, measure=False)
                batch += 1
                spent = already + (time.perf_counter() - began) * 1000
                if self._next_is_ready(width) and spent < INSERT_BUDGET_MS:
                    self._building = self._next_card(progressive=True)
                    continue
            if already + (time.perf_counter() - began) * 1000 >= BUILD_BUDGET_MS:
                break
        if batch and self._layout is not None:
            self._layout.setEnabled(True)
        if batch or replaced:
            self._fit_page()
        self._note_pass(began, "page")
        if self._pending or self._building is not None or self._replacing:
            QTimer.singleShot(PIECE_GAP_MS, self, lambda: self._add_next_card(generation))
        else:
            self._filling = False
            self._scroll_bar_while_filling(False)

    def _replace_step(self, width: int) -> bool:
        """A piece of the first replacement card; True when it took its place."""
        old, fresh = self._replacing[0]
        if not fresh.complete:
            fresh.build_step()
            return False
        if fresh.measure_step(width):
            return False
        self._replacing.pop(0)
        self._put_in_place(old, fresh)
        return True

    def _scroll_bar_while_filling(self, on: bool) -> None:
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAlwaysOn if on else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        self.scroll_area.setVerticalScrollBarPolicy(policy)

    def _next_is_ready(self, width: int) -> bool:
        """The next pending card was built ahead and measured at `width`: putting it on
        the page only adds it."""
        if not self._pending:
            return False
        _number, rec, _rubric = self._pending[0]
        held = self._prepared.get(id(rec))
        return (
            held is not None
            and held[1].record is rec
            and held[1].complete
            and held[1].measured_at == width
        )

    # ------------------------------------------------------------------ building

    def _show_empty(self) -> None:
        content = QWidget()
        lay = QVBoxLayout(content)
        lay.addStretch(1)
        msg = plain_label("No results yet. Finish an interview to see its feedback here.")
        msg.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(msg)
        lay.addStretch(1)
        self._set_content(content)

    def _set_content(self, content: QWidget) -> None:
        old = self.scroll_area.takeWidget()
        if old is not None:
            old.deleteLater()
        # At the viewport's width from the start: QScrollArea gives a widget it has never
        # seen resized its size hint first, the page's natural width (every label on one
        # line), and every card was wrapped and measured at that width once for nothing
        # (a 330 ms freeze with the cards built ahead; issue 18).
        content.resize(max(1, self.scroll_area.viewport().width()), max(1, content.height()))
        self.scroll_area.setWidget(content)
        self._content = content

    def _overview(self, summary: SessionSummary, reports: Sequence[QuestionReport]) -> QFrame:
        top = V.overview(summary, reports)
        self.overview_view = top
        box = style.card(name="overviewCard")
        grid = QGridLayout(box)
        grid.setContentsMargins(20, 16, 20, 18)
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        left = QVBoxLayout()
        left.setSpacing(6)
        score_row = QHBoxLayout()
        score_row.setSpacing(10)
        score = summary.overall_score
        # One rich-text label (numbers only, nothing user-written) so "/ 100" shares the
        # big number's baseline.
        big = style.scaled_font(self.font(), 3.0).pointSizeF()
        small = style.scaled_font(self.font(), 1.3).pointSizeF()
        number = f"{score:.0f}" if score is not None else "—"
        self.overall_label = rich_label(
            f"<span style='font-size:{big:.1f}pt; font-weight:700;"
            f" color:{style.percent_colour(score)}'>{number}</span>"
            f"<span style='font-size:{small:.1f}pt; color:{style.muted_colour(self.palette())}'>"
            "&nbsp;/ 100</span>"
        )
        self.overall_label.setWordWrap(False)
        self.overall_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.overall_label.setAccessibleName(
            f"Overall score {score:.0f} out of 100" if score is not None else "No overall score"
        )
        score_row.addWidget(self.overall_label, 0, Qt.AlignmentFlag.AlignVCenter)
        score_row.addSpacing(8)
        self.signal_chip = Chip(
            summary.signal.upper(),
            style.SIGNAL_COLOURS.get(summary.signal, style.NEUTRAL),
            tooltip=f"Hire signal: {summary.signal}",
        )
        self.signal_chip.setFont(style.scaled_font(self.signal_chip.font(), 1.1, bold=True))
        score_row.addWidget(self.signal_chip, 0, Qt.AlignmentFlag.AlignVCenter)
        score_row.addStretch(1)
        left.addLayout(score_row)
        left.addWidget(plain_label(top.signal_reason))
        left.addWidget(plain_label(top.counts, muted=True))
        if top.score_note:
            left.addWidget(plain_label(top.score_note))
        if self._usage_text:
            self.usage_label = plain_label(self._usage_text, muted=True)
            self.usage_label.setAccessibleName("Tokens used and estimated cost")
            left.addWidget(self.usage_label)
        self.difficulty_label = None
        if self.difficulty_path:
            self.difficulty_label = plain_label(
                f"Difficulty path: {self.difficulty_path}", muted=True
            )
            self.difficulty_label.setAccessibleName("Difficulty path")
            left.addWidget(self.difficulty_label)
        if top.categories:
            left.addSpacing(6)
            left.addWidget(style.section_title(V.BY_CATEGORY))
            left.addLayout(self._bars(top.categories))
        left.addStretch(1)
        grid.addLayout(left, 0, 0)

        right = QVBoxLayout()
        right.setSpacing(6)
        if top.criteria:
            right.addWidget(style.section_title(V.BY_CRITERION))
            right.addLayout(self._bars(top.criteria))
            right.addSpacing(6)
        right.addWidget(style.section_title(V.WORK_ON_FIRST))
        if top.focus:
            items = "".join(f"<li><b>{esc(f.title)}.</b> {esc(f.detail)}</li>" for f in top.focus)
            focus = rich_label(f"<ol style='margin-left:-18px'>{items}</ol>")
        else:
            focus = plain_label(top.focus_note, muted=True)
        focus.setAccessibleName(V.WORK_ON_FIRST)
        right.addWidget(focus)
        right.addStretch(1)
        grid.addLayout(right, 0, 1)
        return box

    @staticmethod
    def _bars(bars: Sequence[V.Bar]) -> QGridLayout:
        """Name, bar and value per row, coloured by the level the value rounds to."""
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setColumnStretch(1, 1)
        for i, bar in enumerate(bars):
            grid.addWidget(plain_label(bar.label, wrap=False), i, 0)
            out_of = f"{bar.maximum:.0f}"
            grid.addWidget(
                ScoreBar(
                    bar.value,
                    bar.maximum,
                    style.level_colour(bar.level),
                    accessible_name=f"{bar.label}: {bar.text.split('/')[0]} out of {out_of}",
                ),
                i,
                1,
            )
            grid.addWidget(plain_label(bar.text, wrap=False), i, 2)
        return grid

    def _add_glance_rows(self, count: int) -> None:
        """Build `count` more rows of the question index, out of sight; once it is whole,
        put it on the page (the page on screen is laid out and painted once for it, not
        once per few rows: each took longer than the rows themselves)."""
        assert self._layout is not None and self._shown is not None
        box = self._glance_building
        if box is None:
            box = self._glance_building = self._glance(())
            self._glance_rows = self._numbered(self._shown[0])
        lay = box.layout()
        assert isinstance(lay, QVBoxLayout)
        rows, self._glance_rows = self._glance_rows[:count], self._glance_rows[count:]
        for number, rec in rows:
            self._glance_row(lay, number, rec)
        if not self._glance_rows:
            self._glance_building = None
            self._glance_box = box
            self._layout.insertWidget(1, box)
            self._cards_at += 1
        self._glance_wanted = bool(self._glance_rows)

    def _glance(self, numbered: Sequence[tuple[int, QuestionRecord]]) -> QFrame:
        """A clickable index of the questions, so ten of them stay easy to navigate."""
        box = style.card(name="glanceCard")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(20, 12, 20, 12)
        lay.setSpacing(2)
        lay.addWidget(style.section_title("Questions"))
        for number, rec in numbered:
            self._glance_row(lay, number, rec)
        return box

    def _glance_state(self, rec: QuestionRecord) -> tuple[object, ...]:
        return _card_state(rec, rec.question.id in self._grading)

    def _glance_row(self, lay: QVBoxLayout | None, number: int, rec: QuestionRecord) -> QWidget:
        """One row of the index of the page shown (added to `lay`)."""
        box = self._make_glance_row(number, rec)
        self._glance_shown[number] = (box, self._glance_state(rec))
        if lay is not None:
            lay.addWidget(box)
        return box

    def _make_glance_row(
        self, number: int, rec: QuestionRecord, *, grading: bool | None = None
    ) -> QWidget:
        """One row of the index: the question, its flags and its score."""
        if grading is None:
            grading = rec.question.id in self._grading
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        link = _ElidedButton(f"{number}. {' '.join(rec.question.text.split())}")
        link.setAccessibleName(f"Go to question {number}")
        link.setToolTip(rec.question.text)
        link.clicked.connect(lambda _=False, r=rec: self._on_glance_clicked(r))
        row.addWidget(link, 1)
        for flag in rec.grade.flags if rec.grade else []:
            if flag in _GLANCE_FLAGS:
                chip = _flag_chip(flag)
                chip.setText(_GLANCE_FLAGS[flag])
                row.addWidget(chip)
        found = len(V.red_flags(rec.grade)) if rec.grade else 0
        if found:
            text = plural(found, "red flag")
            row.addWidget(Chip(text, style.DANGER, tooltip=f"{text} in this answer"))
        row.addWidget(QuestionCard._score_chip(rec, grading=grading))
        return box

    def _on_glance_clicked(self, record: QuestionRecord) -> None:
        for card in self.cards:
            if card.record is record and self._content is not None:
                y = card.mapTo(self._content, QPoint(0, 0)).y()
                self.scroll_area.verticalScrollBar().setValue(max(0, y - 8))
                return

    def changeEvent(self, event: QEvent) -> None:
        """Rebuild when the system switches between light and dark, keeping the place."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            # Cards built ahead carry the colours they were built in: built again.
            self.forget_prepared()
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            bar = self.scroll_area.verticalScrollBar()
            share = bar.value() / bar.maximum() if bar.maximum() else 0.0
            self.show_results(
                *self._shown, usage=self._usage_text, grading=self._grading
            )  # restored after
            QTimer.singleShot(0, bar, lambda: bar.setValue(round(share * bar.maximum())))

    # ------------------------------------------------------------------ slots

    def _on_export_clicked(self) -> None:
        self.export_requested.emit()

    def _on_practise_clicked(self) -> None:
        self.practise_again.emit()

    def _on_home_clicked(self) -> None:
        self.back_home.emit()


def _measure_steps(card: QuestionCard, width: int) -> Iterator[None]:
    """Measure `card` at `width`, one top-level piece per step, and give it that size.

    Out of sight, Qt never lays a card out, so the layouts' remembered measurements still
    describe the card as it was before its last pieces were added (a complete card
    measured 269 px, then 1560 px on the page): every layout in it is told to measure
    again first. Each piece's measurement is remembered (labels and panels per width,
    layouts per width), so the last step's whole-card measure only adds them up."""
    for lay in card.inside.findChildren(QLayout):
        lay.invalidate()
    top = card.inside.layout()
    card.forget_heights()
    if top is not None:
        top.invalidate()
        yield
        margins = top.contentsMargins()
        inner = width - margins.left() - margins.right()
        for i in range(top.count()):
            item = top.itemAt(i)
            if item is None or item.isEmpty():
                continue
            yield from _measure_item(item, inner)
    card.resize(width, card.heightForWidth(width))
    if top is not None and card.inside is not card:
        yield
        # Lay the card's contents out at that size now, out of sight: a hidden widget's
        # resize waits for its show, which then laid all of it out while the card went
        # on the page (3-9 ms a card; issue 18).
        card.inside.setGeometry(card.rect())
        top.activate()


def _measure_item(item: QLayoutItem, width: int) -> Iterator[None]:
    """Measure one piece of a card at `width`, a step each. A widget whose contents are
    stacked one above the other (a section of criteria, a criterion) has its parts
    measured first, each in a step of its own, at the width each will get: measured in
    one go, the criteria of a card took 46-96 ms, a stall while the candidate typed."""
    widget = item.widget()
    lay = widget.layout() if widget is not None else None
    if widget is not None and isinstance(lay, QVBoxLayout) and lay.count() > 1:
        outer, margins = widget.contentsMargins(), lay.contentsMargins()
        inner = width - outer.left() - outer.right() - margins.left() - margins.right()
        for i in range(lay.count()):
            sub = lay.itemAt(i)
            if sub is not None and not sub.isEmpty():
                yield from _measure_item(sub, inner)
    if item.hasHeightForWidth():
        item.heightForWidth(width)
    else:
        item.sizeHint()
    yield


def _card_state(record: QuestionRecord, grading: bool) -> tuple[object, ...]:
    """What of a record a card shows that a landing grade changes."""
    return (record.status, id(record.grade), record.grade_error, grading)


def _rubric_for(rec: QuestionRecord, rubrics: dict[str, Rubric]) -> Rubric | None:
    rubric = rubrics.get(rec.grade.rubric_id if rec.grade else rec.question.rubric)
    return rubric if rubric is not None else rubrics.get(rec.question.rubric)


class _ElidedButton(QPushButton):
    """A flat, left-aligned link whose text is cut with "…" to the width it is given."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.full_text = text
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(
            "QPushButton { text-align: left; padding: 3px 4px; border: none;"
            " background: transparent; }"
            " QPushButton:hover, QPushButton:focus { text-decoration: underline; }"
        )
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = max(0, self.width() - 16)
        self.setText(
            self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, width)
        )


__all__ = ["FLAG_TEXT", "FeedbackView", "QuestionCard", "flag_text"]
