"""The interview screen: transcript, answer box, two countdowns, and the interview actions.

The view holds no interview rules. It shows what the controller's signals say and turns
clicks and shortcuts into controller calls; every keystroke in the answer box is passed
on (`controller.update_draft`) so the engine's copy of the draft is always current and a
clock running out submits exactly what is on screen.

The one decision the view makes itself is to ask before destructive actions (ending the
interview, skipping past a typed answer): that is a GUI concern, and the question goes
through `self.confirm` so tests can answer it.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontDatabase,
    QFontMetrics,
    QKeyEvent,
    QKeySequence,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.engine import NeedAnswer
from interviewer.core.jobs import is_generated
from interviewer.core.models import Turn
from interviewer.export.view import GENERATED_MARK, duration_text, plural, word_count
from interviewer.gui.coding_panel import CodingPanel
from interviewer.gui.controller import ClockState, Controller
from interviewer.gui.speech import SpokenInterview
from interviewer.gui.style import paint_rounded
from interviewer.gui.voice_answer import VoiceAnswer, VoiceBar
from interviewer.gui.widgets import (
    PRIMARY_BUTTON_CSS,
    ClockDisplay,
    ask_yes_no,
    scaled_font,
)

Confirm = Callable[[QWidget, str, str], bool]
RESIZED = Qt.WidgetAttribute.WA_Resized
#: Widest the interview column gets (px); wider windows get margins instead.
MAX_COLUMN = 1180


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() * (1 - amount) + b.red() * amount),
        round(a.green() * (1 - amount) + b.green() * amount),
        round(a.blue() * (1 - amount) + b.blue() * amount),
    )


class AnswerEdit(QPlainTextEdit):
    """The answer box. Ctrl+Enter submits; Tab moves focus on (answers rarely need tabs)."""

    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and (
            event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            # Normally the window's Ctrl+Enter shortcut gets here first; this covers a
            # window that is not active (the shortcut map then stays silent).
            self.submit_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)


#: Markdown that takes no room of its own on screen: emphasis, code and heading marks,
#: and a link's target (its text is shown).
_MARKUP = re.compile(r"\]\([^)\s]*\)|[*_`#>\[\]]")
#: Where a line may break: spaces, and after a slash or a hyphen (as Qt breaks them).
_BREAKS = re.compile(r"\s+|(?<=[/-])")


class _BodyText(QLabel):
    """A bubble's text: a word-wrapped label whose size hints are cheap (issue 18).

    Asked for its size hints, QLabel lays a word-wrapped text out three times (at a
    natural width it finds by trial, on one line, and a word per line): 3-12 ms for a long
    answer on the GUI thread, again after every streamed piece. The transcript needs
    neither the natural width nor the one-line height: a bubble is as tall as QLabel's
    own (exact) height for the bubble's width says, and only as narrow as its widest word
    allows, which is measured here from the text's few longest words (markup left out).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._narrowest: tuple[str, str, int] | None = None  # text, font, width

    def narrowest(self) -> int:
        """The widest word's width (px): the narrowest the text can be laid out."""
        text, font = self.text(), self.font().key()
        known = self._narrowest
        if known is not None and known[0] == text and known[1] == font:
            return known[2]
        plain = self.textFormat() == Qt.TextFormat.PlainText
        words = _BREAKS.split(text if plain else _MARKUP.sub("", text))
        longest = heapq.nlargest(3, words, key=len)
        fonts = [self.font()]
        if not plain:  # a word may be bold or code: the wider of the two
            bold = QFont(fonts[0])
            bold.setBold(True)
            fonts = [bold, QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)]
        width = max(
            (QFontMetrics(f).horizontalAdvance(word) for f in fonts for word in longest),
            default=0,
        )
        # Rendered Markdown differs a little (its own code font, marks kept or not).
        width = 1 + (width if plain else width * 115 // 100)
        margins = self.contentsMargins()
        width += margins.left() + margins.right() + 2 * self.margin()
        self._narrowest = (text, font, width)
        return width

    def minimumSizeHint(self) -> QSize:
        return QSize(self.narrowest(), self.fontMetrics().height())

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()


class Bubble(QFrame):
    """One turn of the transcript: who spoke, and what they said.

    The candidate's bubbles are tinted with the palette's highlight colour. Painted like
    style.Panel (a rounded rectangle from the palette).

    Measured for issue 18 (stalls): a layout pass over the transcript asks each of its
    widgets its size, and with gradings running on worker threads each question from Qt
    into Python can wait for the interpreter, for every turn on every pass. So a bubble
    does not tell Qt that its height depends on its width (Qt would ask every bubble for
    it on every pass); it says how tall it is at the width it has (`sizeHint`, and the
    same `minimumSizeHint`, which Qt keeps until the bubble says they changed), and says
    so again only when its text or its width changes its height. Streaming into the
    newest turn then lays out only that turn, and only when a piece makes it taller; a
    page that must grow grows before laying out (no turn is squeezed for a pass).

    The bubble changes its own contents (`set_text`, `set_caption`, `set_meta`,
    `set_body_font`) and measures them again right then, on the Python side: its contents
    widget overrides nothing (an override of `event` ran Python, and could wait for the
    interpreter, for every event of every bubble: each paint, move and resize).
    """

    RADIUS = 8.0

    def __init__(self, role: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("candidateBubble" if role == "candidate" else "interviewerBubble")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.role = role
        self._heights: dict[int, int] = {}
        #: The width the bubble will get before a layout gave it one (0: unknown).
        self.expected_width = 0
        # The width the page was last told the height for.
        self._told_at: int | None = None
        self._narrow: int | None = None  # the narrowest it can be (None: not measured)
        #: The contents' widget and its layout (kept at the bubble's own size).
        self.inside = QWidget(self)
        lay = QVBoxLayout(self.inside)
        lay.setContentsMargins(12, 8, 12, 10)
        lay.setSpacing(4)
        self.caption = QLabel(caption)
        self.caption.setFont(scaled_font(self, 0.9, bold=True))
        self.body = _BodyText()
        self.body.setWordWrap(True)
        self.body.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByMouse
        )
        self.body.setOpenExternalLinks(True)
        self.body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.body.setTextFormat(
            Qt.TextFormat.PlainText if role == "candidate" else Qt.TextFormat.MarkdownText
        )
        self.meta = QLabel()
        self.meta.setFont(scaled_font(self, 0.85))
        self.meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.meta.setVisible(False)
        lay.addWidget(self.caption)
        lay.addWidget(self.body)
        lay.addWidget(self.meta)
        self.text = ""

    def fill_colour(self) -> QColor:
        pal = self.palette()
        base = pal.color(QPalette.ColorRole.Base)
        if self.role != "candidate":
            return base
        return _mix(base, pal.color(QPalette.ColorRole.Highlight), 0.12)

    def border_colour(self) -> QColor | None:
        pal = self.palette()
        mid = pal.color(QPalette.ColorRole.Mid)
        if self.role != "candidate":
            return mid
        return _mix(mid, pal.color(QPalette.ColorRole.Highlight), 0.3)

    def set_text(self, text: str) -> None:
        self.text = text
        self.body.setText(text)
        self.body.setAccessibleName(f"{self.caption.text()}: {text}")
        self.contents_changed()

    def set_caption(self, text: str) -> None:
        if text != self.caption.text():
            self.caption.setText(text)
            self.body.setAccessibleName(f"{text}: {self.text}")
            self.contents_changed()

    def set_meta(self, text: str) -> None:
        self.meta.setText(text)
        self.meta.setVisible(bool(text))
        self.contents_changed()

    def set_body_font(self, font: QFont) -> None:
        self.body.setFont(font)
        self.contents_changed()

    # -------------------------------------------------------------- measuring

    def _layout(self) -> QLayout:
        lay = self.inside.layout()
        assert lay is not None
        return lay

    def _width(self) -> int:
        """The width to be measured at: the bubble's own once a layout gave it one."""
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized) or not self.expected_width:
            return self.width()
        return self.expected_width

    def forget_heights(self) -> None:
        self._heights.clear()
        self._narrow = None

    def contents_changed(self) -> None:
        """The contents changed: tell the page only if the bubble's height at its width or
        how narrow it can be changed (most streamed pieces change neither)."""
        lay = self._layout()
        # A label not shown yet does not tell the layout that it changed.
        lay.invalidate()
        width = self._width()
        if self._narrow is not None and self._told_at == width:
            now = (lay.totalHeightForWidth(width), lay.totalMinimumSize().width())
            if now == (self._heights.get(width), self._narrow):
                return
        self._changed()

    def _changed(self) -> None:
        self.forget_heights()
        self._told_at = None
        self.updateGeometry()

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 8:
                self._heights.clear()
            height = self._heights[width] = self._layout().totalHeightForWidth(width)
        return height

    def _height(self) -> int:
        width = self._told_at = self._width()
        return self.heightForWidth(width) if width > 0 else 0

    def _narrowest(self) -> int:
        narrow = self._narrow
        if narrow is None:
            narrow = self._narrow = self._layout().totalMinimumSize().width()
        return narrow

    def sizeHint(self) -> QSize:
        """As `minimumSizeHint`: a row gives its bubble all its width anyway, and a natural
        width would cost a layout of the text at yet another width."""
        return QSize(self._narrowest(), self._height())

    def minimumSizeHint(self) -> QSize:
        """As narrow as the contents allow, as tall as the bubble is at its width: the
        transcript grows to fit before it lays the turns out."""
        return QSize(self._narrowest(), self._height())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._changed()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.inside.setGeometry(self.rect())
        told = self._told_at
        if told is not None and told != self.width():
            # A new width (the window or a scroll bar): the height follows next pass.
            if self.heightForWidth(self.width()) != self.heightForWidth(told):
                self._told_at = None
                self.updateGeometry()
            else:
                self._told_at = self.width()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter, _rect = paint_rounded(self, self.fill_colour(), self.border_colour(), self.RADIUS)
        painter.end()


#: How far a bubble is indented on the other speaker's side (px).
ROW_INDENT = 56
#: Speakers whose next bubble is built ahead, and how long after one was used (ms).
SPARE_ROLES = ("candidate", "interviewer")
SPARE_DELAY_MS = 150
#: How often streamed text is repainted (ms): smooth to the eye, cheap for the layout.
STREAM_PAINT_MS = 40
#: The conversation pane's minimum height (px), and its smaller one while code is typed.
TRANSCRIPT_MIN = 120
CODING_TRANSCRIPT_MIN = 72


class Transcript(QScrollArea):
    """The conversation so far; follows the newest turn unless the user scrolled up."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Transcript")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._inner = QWidget()
        self._inner.setObjectName("transcriptInner")
        # The turns stand from the top: a page that grows by a turn repaints only what is
        # new, not every turn on screen (each bubble's paint runs Python, and can wait for
        # the interpreter while gradings run), issue 18.
        self._inner.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(16, 16, 16, 16)
        self._layout.setSpacing(12)
        self._layout.addStretch(1)
        # Grow before laying out the turns (see Bubble.minimumSizeHint).
        self._layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        self.setWidget(self._inner)
        self.bubbles: list[Bubble] = []
        self._live: Bubble | None = None
        # A bubble of each speaker is built ahead, out of sight, a while after one was
        # used: a new turn then only fills one in. Building one (a dozen Qt objects) took
        # 3-15 ms of the GUI thread, the most while gradings hold the interpreter, in the
        # same turn as a submitted answer or the next question (issue 18).
        self._spares: dict[str, tuple[QWidget, Bubble]] = {}
        self._spare_timer = QTimer(self)
        self._spare_timer.setSingleShot(True)
        self._spare_timer.setInterval(SPARE_DELAY_MS)
        self._spare_timer.timeout.connect(self._on_build_spare)
        self._spare_timer.start()
        self._stick = True
        # Streamed text is shown at most every STREAM_PAINT_MS: each update re-lays out
        # the transcript, and a model can send a hundred pieces a second.
        self._paint_timer = QTimer(self)
        self._paint_timer.setSingleShot(True)
        self._paint_timer.setInterval(STREAM_PAINT_MS)
        self._paint_timer.timeout.connect(self._on_paint_stream)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        self._apply_colours()

    # -------------------------------------------------------------- content

    def clear(self) -> None:
        for bubble in list(self.bubbles):
            self._remove(bubble)
        self._live = None
        self._stick = True

    def _build_row(self, role: str, spare: bool = False) -> tuple[QWidget, Bubble]:
        """A bubble in its row; a spare is hidden until `_add` shows it."""
        # Each bubble sits in a row indented on the other speaker's side, like a chat.
        row = QWidget(self._inner)
        if spare:
            row.hide()  # stays hidden when the page shows, until it joins the page
        row_lay = QHBoxLayout(row)
        if role == "candidate":
            row_lay.setContentsMargins(ROW_INDENT, 0, 0, 0)
        else:
            row_lay.setContentsMargins(0, 0, ROW_INDENT, 0)
        bubble = Bubble(role, "", row)
        row_lay.addWidget(bubble)
        row.ensurePolished()  # the style's work too, not when it joins the page
        return row, bubble

    def _on_build_spare(self) -> None:
        """Build one missing spare bubble; the next one on a later turn."""
        for role in SPARE_ROLES:
            if role not in self._spares:
                self._spares[role] = self._build_row(role, spare=True)
                break
        if any(role not in self._spares for role in SPARE_ROLES):
            self._spare_timer.start()

    def _add(self, role: str, caption: str) -> Bubble:
        # A spare only on a page on screen: the row is shown at once, at the page's width.
        shown = self._inner.isVisible() and self._inner.testAttribute(RESIZED)
        spare = self._spares.pop(role, None) if shown else None
        row, bubble = spare if spare is not None else self._build_row(role)
        bubble.set_caption(caption)
        # Measured at the width it will get, so the first layout pass is the last.
        margins = self._layout.contentsMargins()
        width = self._inner.width() - margins.left() - margins.right()
        bubble.expected_width = width - ROW_INDENT if self._inner.testAttribute(RESIZED) else 0
        self._layout.insertWidget(self._layout.count() - 1, row)
        if spare is not None:
            # Shown now (a new row is shown a turn later), at its width: one layout pass.
            row.resize(width, row.height())
            row.show()
            self._spare_timer.start()  # another one, later
        self.bubbles.append(bubble)
        return bubble

    def _remove(self, bubble: Bubble) -> None:
        self.bubbles.remove(bubble)
        row = bubble.parentWidget()
        (row if row is not None else bubble).deleteLater()

    def add_turn(self, turn: Turn) -> None:
        if turn.role == "interviewer":
            caption = {"follow_up": "Interviewer · follow-up", "wrap_up": "Interviewer · closing"}
            text = caption.get(turn.kind, "Interviewer")
            if turn.kind == "question" and is_generated(turn.question_id or ""):
                text += f" · {GENERATED_MARK}"  # a question a model wrote for the job target
            bubble = self._live if self._live is not None else self._add("interviewer", text)
            self._live = None
            bubble.set_caption(text)
            bubble.set_text(turn.text)
            return
        if turn.role == "candidate":
            bubble = self._add("candidate", "You · skipped" if turn.skipped else "You")
            bubble.set_text(turn.text if turn.text.strip() else "(no answer)")
            notes = []
            if turn.seconds is not None:  # worded as in the feedback and the reports
                count = plural(word_count(turn.text), "word")
                notes.append(f"{duration_text(turn.seconds)} · {count}")
            if turn.timed_out:
                notes.append("time ran out: submitted as written")
            if turn.skipped and turn.text.strip():
                notes.append("kept in the transcript, not graded")
            bubble.set_meta(" · ".join(notes))
            return
        bubble = self._add("system", "Note")
        bubble.set_text(turn.text)

    def start_stream(self, purpose: str) -> None:
        if self._live is None:
            caption = "Interviewer · closing" if purpose == "wrap_up" else "Interviewer"
            self._live = self._add("interviewer", caption)
        self._live.set_text("…")
        self._live.text = ""

    def append_stream(self, piece: str) -> None:
        if self._live is None:
            self.start_stream("question")
        assert self._live is not None
        self._live.text += piece
        if not self._paint_timer.isActive():
            self._paint_timer.start()

    def _on_paint_stream(self) -> None:
        if self._live is not None:
            self._live.set_text(self._live.text)

    def reset_stream(self) -> None:
        live, self._live = self._live, None
        if live is not None:
            self._remove(live)

    @property
    def streaming(self) -> bool:
        return self._live is not None

    # -------------------------------------------------------------- look

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(high)

    def _on_scrolled(self, value: int) -> None:
        self._stick = value >= self.verticalScrollBar().maximum() - 8

    def _apply_colours(self) -> None:
        # The page behind the bubbles is the window colour; the bubbles paint themselves
        # from the palette (see Bubble), so nothing here needs a style sheet.
        self._inner.setBackgroundRole(QPalette.ColorRole.Window)
        self._inner.setAutoFillBackground(True)
        for bubble in self.bubbles:
            bubble.update()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colours()


class InterviewView(QWidget):
    def __init__(self, controller: Controller, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.confirm: Confirm = ask_yes_no
        self.setAccessibleName("Interview")
        self._build_actions()
        self._build_ui()
        self.voice = VoiceAnswer(controller, self.answer, self.voice_bar, self, self._on_submit)
        # Answering aloud is in the window's Interview menu too, beside Submit.
        self.actions_list[1:1] = [self.voice.record_action, self.voice.stop_submit_action]
        c = controller
        c.interview_started.connect(self._on_interview_started)
        c.turn_added.connect(self.transcript.add_turn)
        c.stream_started.connect(self.transcript.start_stream)
        c.stream_delta.connect(self.transcript.append_stream)
        c.stream_reset.connect(self.transcript.reset_stream)
        c.answer_needed.connect(self._on_answer_needed)
        c.answer_closed.connect(self._on_answer_closed)
        c.busy_changed.connect(self._on_busy_changed)
        c.call_failed.connect(self._on_call_failed)
        c.clocks_changed.connect(self._on_clocks_changed)
        c.paused_changed.connect(self._on_paused_changed)
        c.state_changed.connect(self._update_actions)
        c.draft_restored.connect(self._on_code_draft_restored)
        c.turn_added.connect(self._on_code_turn_added)  # after the transcript added it
        # Questions read aloud (gui/speech.py): each answer clock waits until its
        # question has been said; the mute button (Ctrl+M) silences it at once.
        self.spoken = SpokenInterview(c.session, c.settings, backend=c.backend, parent=self)
        self.spoken.reading_changed.connect(self._on_reading_changed)
        self.spoken.holding_changed.connect(self._on_holding_changed)
        self.spoken.notice.connect(lambda text: c.message.emit("warning", text))
        c.backend_changed.connect(self._on_voice_settings)
        self._on_reading_changed(self.spoken.reading)
        # Answering aloud over the interviewer silences it: the microphone would hear it.
        self.voice.recorder.recording_changed.connect(self._on_recording_changed)
        self._update_actions()

    # -------------------------------------------------------------- construction

    def _action(self, text: str, keys: list[QKeySequence], slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts(keys)
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        ctrl_enter = [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")]
        self.submit_action = self._action("&Submit answer", ctrl_enter, self._on_submit)
        self.skip_action = self._action(
            "S&kip question", [QKeySequence("Ctrl+Shift+S")], self._on_skip
        )
        self.pause_action = self._action("&Pause", [QKeySequence("Ctrl+P")], self._on_pause)
        self.end_action = self._action(
            "&End interview…", [QKeySequence("Ctrl+Shift+E")], self._on_end
        )
        self.cancel_action = self._action(
            "&Cancel model reply", [QKeySequence(Qt.Key.Key_Escape)], self.controller.cancel
        )
        self.mute_action = self._action(
            "&Mute the interviewer's voice", [QKeySequence("Ctrl+M")], self._on_mute
        )
        self.mute_action.setCheckable(True)
        self.actions_list = [
            self.mute_action,
            self.submit_action,
            self.skip_action,
            self.pause_action,
            self.end_action,
            self.cancel_action,
        ]

    def _button(self, action: QAction, text: str, name: str) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        button.setToolTip(f"{name} ({keys})" if keys else name)
        button.clicked.connect(action.trigger)
        return button

    def _build_ui(self) -> None:
        # One centred column, so lines stay readable on a wide window.
        centre = QHBoxLayout(self)
        centre.setContentsMargins(0, 0, 0, 0)
        column = QWidget()
        column.setMaximumWidth(MAX_COLUMN)
        centre.addWidget(column)
        outer = QVBoxLayout(column)
        outer.setContentsMargins(12, 10, 12, 12)
        outer.setSpacing(8)

        # Header: where we are, the clocks, pause.
        header = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = QLabel()
        self.title.setFont(scaled_font(self, 1.3, bold=True))
        self.progress = QLabel()
        self.progress.setAccessibleName("Progress")
        titles.addWidget(self.title)
        titles.addWidget(self.progress)
        header.addLayout(titles, 1)
        self.pause_button = self._button(self.pause_action, "Pause", "Pause the interview")
        self.question_clock = ClockDisplay("This answer", 0.25, 30)
        self.interview_clock = ClockDisplay("Interview", 0.15, 120)
        self.mute_button = self._button(self.mute_action, "Mute voice", "Mute the interviewer")
        self.mute_button.setCheckable(True)
        self.mute_action.toggled.connect(self.mute_button.setChecked)
        header.addWidget(self.mute_button, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addWidget(self.pause_button, 0, Qt.AlignmentFlag.AlignVCenter)
        header.addSpacing(12)
        header.addWidget(self.question_clock)
        header.addSpacing(12)
        header.addWidget(self.interview_clock)
        outer.addLayout(header)

        # Content: the conversation and the answer box, or the paused notice.
        self.content = QStackedWidget()
        outer.addWidget(self.content, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setChildrenCollapsible(False)
        self.transcript = Transcript()
        self.transcript.setMinimumHeight(TRANSCRIPT_MIN)
        self.splitter.addWidget(self.transcript)

        panel = QWidget()
        panel_lay = QVBoxLayout(panel)
        panel_lay.setContentsMargins(0, 6, 0, 0)
        panel_lay.setSpacing(6)

        self.busy_row = QWidget()
        busy_lay = QHBoxLayout(self.busy_row)
        busy_lay.setContentsMargins(0, 0, 0, 0)
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedSize(90, 8)
        self.busy_bar.setAccessibleName("Working")
        self.busy_label = QLabel()
        self.cancel_button = self._button(self.cancel_action, "Cancel", "Cancel the model reply")
        busy_lay.addWidget(self.busy_bar)
        busy_lay.addWidget(self.busy_label, 1)
        busy_lay.addWidget(self.cancel_button)
        self.busy_row.setVisible(False)
        panel_lay.addWidget(self.busy_row)

        self.failure_row = QFrame()
        self.failure_row.setObjectName("failureRow")
        self.failure_row.setStyleSheet(
            "#failureRow { border: 1px solid palette(mid); border-left: 4px solid #d03b3b;"
            " border-radius: 4px; }"
        )
        fail_lay = QHBoxLayout(self.failure_row)
        fail_lay.setContentsMargins(10, 6, 6, 6)
        self.failure_label = QLabel()
        self.failure_label.setWordWrap(True)
        self.failure_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Try again")
        self.retry_button.setAccessibleName("Try the model call again")
        self.retry_button.clicked.connect(self._on_retry)
        self.continue_button = QPushButton("Continue without the model")
        self.continue_button.setAccessibleName("Continue without the model")
        self.continue_button.setToolTip(
            "Ask the question as written in the question bank, or move on without a follow-up"
        )
        self.continue_button.clicked.connect(self._on_continue)
        fail_lay.addWidget(self.failure_label, 1)
        fail_lay.addWidget(self.retry_button)
        fail_lay.addWidget(self.continue_button)
        self.failure_row.setVisible(False)
        panel_lay.addWidget(self.failure_row)

        self.answer = AnswerEdit()
        self.answer.setAccessibleName("Your answer")
        self.answer.setAccessibleDescription("Type your answer; Ctrl+Enter submits it.")
        self.answer.setMinimumHeight(90)
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText("Wait for the question…")
        self.answer.textChanged.connect(self._on_text_changed)
        self.answer.submit_requested.connect(self._on_submit)
        panel_lay.addWidget(self.answer, 1)

        # A coding question's main answer: the editor and its example runs take the
        # answer box's place (gui/coding_panel.py); the code is the draft.
        self.coding = CodingPanel()
        self.coding.setVisible(False)
        self.coding.code_changed.connect(self._on_code_changed)
        self.coding.submit_requested.connect(self._on_submit)
        panel_lay.addWidget(self.coding, 1)
        self._sizes_before_code: list[int] = []
        self._voice_bar_shown = True

        # Answering aloud: record, level, speaking time (gui/voice_answer.py).
        self.voice_bar = VoiceBar()
        panel_lay.addWidget(self.voice_bar)

        footer = QHBoxLayout()
        self.words = QLabel("0 words")
        self.words.setAccessibleName("Word count")
        hint = QLabel("Ctrl+Enter submits")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        footer.addWidget(self.words)
        footer.addSpacing(12)
        footer.addWidget(hint)
        footer.addStretch(1)
        self.end_button = self._button(self.end_action, "End interview…", "End the interview")
        self.skip_button = self._button(self.skip_action, "Skip", "Skip this question")
        self.submit_button = self._button(self.submit_action, "Submit answer", "Submit answer")
        self.submit_button.setObjectName("primaryButton")
        self.submit_button.setStyleSheet(PRIMARY_BUTTON_CSS)
        footer.addWidget(self.end_button)
        footer.addWidget(self.skip_button)
        footer.addWidget(self.submit_button)
        panel_lay.addLayout(footer)

        self.splitter.addWidget(panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._sized = False
        self.content.addWidget(self.splitter)

        self.paused_page = QWidget()
        paused_lay = QVBoxLayout(self.paused_page)
        paused_lay.addStretch(1)
        big = QLabel("Paused")
        big.setFont(scaled_font(self, 2.0, bold=True))
        big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        note = QLabel(
            "Both clocks are stopped and the question is hidden.\n"
            "Your answer so far is kept. Resume when you are ready."
        )
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.resume_button = QPushButton("Resume (Ctrl+P)")
        self.resume_button.setAccessibleName("Resume the interview")
        self.resume_button.clicked.connect(self.controller.resume)
        paused_lay.addWidget(big)
        paused_lay.addWidget(note)
        paused_lay.addSpacing(12)
        paused_lay.addWidget(self.resume_button, 0, Qt.AlignmentFlag.AlignCenter)
        paused_lay.addStretch(2)
        self.content.addWidget(self.paused_page)

        QWidget.setTabOrder(self.answer, self.submit_button)
        QWidget.setTabOrder(self.submit_button, self.skip_button)
        QWidget.setTabOrder(self.skip_button, self.end_button)
        QWidget.setTabOrder(self.end_button, self.cancel_button)
        QWidget.setTabOrder(self.cancel_button, self.pause_button)

    def showEvent(self, event: QShowEvent) -> None:
        """Give the conversation most of the height the first time the screen appears."""
        super().showEvent(event)
        if not self._sized:
            self._sized = True
            total = max(400, self.splitter.height())
            answer = max(190, min(300, total * 2 // 5))
            self.splitter.setSizes([total - answer, answer])

    # -------------------------------------------------------------- controller events

    def _on_interview_started(self) -> None:
        self.transcript.clear()
        self.answer.blockSignals(True)
        self.answer.clear()
        self.answer.blockSignals(False)
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText("Wait for the question…")
        self.failure_row.setVisible(False)
        self.content.setCurrentWidget(self.splitter)
        self._leave_coding()
        engine = self.controller.engine
        self.title.setText(engine.track.name if engine is not None else "")
        self._update_words()
        self._update_actions()

    def _on_answer_needed(self, need: NeedAnswer) -> None:
        self.answer.setReadOnly(False)
        self.answer.setPlaceholderText(
            "Type your answer to the follow-up…" if need.is_follow_up else "Type your answer…"
        )
        self.controller.update_draft(self.answer.toPlainText())
        if not self.controller.paused:
            self.answer.setFocus(Qt.FocusReason.OtherFocusReason)
        if need.question.kind == "coding" and not need.is_follow_up:
            self._enter_coding(need)
        else:
            self._leave_coding()
        self._update_actions()

    def _on_answer_closed(self) -> None:
        # The engine holds the answer now (it is in the transcript): the box can go blank.
        self.answer.setReadOnly(True)
        self.answer.setPlaceholderText("Wait for the interviewer…")
        self.answer.clear()
        self._leave_coding()

    def _on_busy_changed(self, text: str) -> None:
        self.busy_label.setText(text)
        self.busy_row.setVisible(bool(text))
        if text:
            self.failure_row.setVisible(False)

    def _on_call_failed(self, text: str) -> None:
        self.failure_label.setText(
            f"The model did not reply: {text}\n"
            "Try again, or continue without it (the question is asked as written)."
        )
        self.failure_row.setVisible(True)
        self.retry_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_clocks_changed(self, state: ClockState) -> None:
        self.question_clock.set_time(state.question_left, state.question_limit, state.running)
        self.interview_clock.set_time(state.interview_left, state.interview_total, state.running)

    def _on_paused_changed(self, paused: bool) -> None:
        self.content.setCurrentWidget(self.paused_page if paused else self.splitter)
        if self.coding_active:
            self.coding.set_read_only(paused)  # no typing and no runs while paused
            if not paused:
                self.coding.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        if paused:
            self.resume_button.setFocus(Qt.FocusReason.OtherFocusReason)
        elif not self.answer.isReadOnly():
            self.answer.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_actions()

    def _update_actions(self) -> None:
        c = self.controller
        self.submit_action.setEnabled(c.can_submit)
        self.skip_action.setEnabled(c.can_skip)
        self.pause_action.setEnabled(c.can_pause or c.paused)
        self.pause_action.setText("&Resume" if c.paused else "&Pause")
        self.end_action.setEnabled(c.can_end)
        self.cancel_action.setEnabled(c.can_cancel)
        self.submit_button.setEnabled(c.can_submit)
        self.skip_button.setEnabled(c.can_skip)
        self.pause_button.setEnabled(c.can_pause or c.paused)
        self.pause_button.setText("Resume" if c.paused else "Pause")
        self.end_button.setEnabled(c.can_end)
        self.cancel_button.setEnabled(c.can_cancel)
        self.progress.setText(c.progress_text())
        if self.coding_active:  # code is typed: no recording into the hidden answer box
            for voice_action in (self.voice.record_action, self.voice.push_action):
                voice_action.setEnabled(False)

    # -------------------------------------------------------------- user actions

    def _on_text_changed(self) -> None:
        if not self.answer.isReadOnly():
            self.controller.update_draft(self.answer.toPlainText())
        self._update_words()

    def _update_words(self) -> None:
        if self.coding_active:
            self.words.setText(plural(len(self.coding.code().splitlines()), "line"))
            return
        self.words.setText(plural(word_count(self.answer.toPlainText()), "word"))

    def _on_submit(self) -> None:
        if not self.controller.can_submit:
            return
        if self.voice.busy:  # still speaking: the last phrase goes in first
            self.voice.stop_and_submit()
            return
        text = self.answer_text()
        if not text.strip() and not self.confirm(
            self,
            "Submit an empty answer?",
            "The answer box is empty. An empty answer is graded as such.\n"
            "To move on without answering, use Skip instead.",
        ):
            return
        self.controller.submit_answer(text, **self.voice.turn_fields())

    def _on_skip(self) -> None:
        if not self.controller.can_skip:
            return
        if self.answer_text().strip() and not self.confirm(
            self,
            "Skip this question?",
            "What you typed stays in the transcript, but a skipped question is not graded "
            "and counts as zero.",
        ):
            return
        self.controller.skip()

    def _on_pause(self) -> None:
        self.controller.toggle_pause()

    def _on_end(self) -> None:
        if not self.controller.can_end:
            return
        if self.confirm(
            self,
            "End the interview?",
            "No more questions will be asked. What you are typing now is kept as your "
            "answer, and every answer so far is graded.",
        ):
            # A spoken answer's last phrase goes into the answer box first.
            self.voice.stop_then(self.controller.end_interview)

    def _on_recording_changed(self, recording: bool) -> None:
        speaker = self.spoken.speaker
        if recording and speaker is not None:
            speaker.stop()  # the rest of the question is skipped; its clock starts now

    def _on_mute(self) -> None:
        self.spoken.set_muted(self.mute_action.isChecked())

    def _on_reading_changed(self, _reading: bool) -> None:
        muted = self.spoken.muted
        self.mute_button.setVisible(self.spoken.available)
        self.mute_action.setEnabled(self.spoken.available)
        self.mute_action.setChecked(muted)
        self.mute_button.setText("Unmute voice" if muted else "Mute voice")
        self.mute_button.setAccessibleName(
            "Read the questions aloud again" if muted else "Mute the interviewer"
        )

    def _on_holding_changed(self, holding: bool) -> None:
        if holding:
            self.answer.setPlaceholderText(
                "The question is being read aloud: your clock starts when it ends. "
                "You can start typing now."
            )
        elif not self.answer.isReadOnly():
            self.answer.setPlaceholderText("Type your answer…")

    def _on_voice_settings(self, _label: str = "") -> None:
        """Settings changed: read aloud with the new voice (or not) from now on."""
        self.spoken.apply_settings(self.controller.settings, self.controller.backend)

    def _on_retry(self) -> None:
        self.failure_row.setVisible(False)
        self.controller.retry()

    def _on_continue(self) -> None:
        self.failure_row.setVisible(False)
        self.controller.continue_without_model()

    # -------------------------------------------------------------- coding questions

    @property
    def coding_active(self) -> bool:
        """The open answer is a coding question's code (the editor replaces the box)."""
        return self.coding.spec is not None

    def answer_text(self) -> str:
        """What Submit sends: the code in the editor, or the answer box's text."""
        return self.coding.code() if self.coding_active else self.answer.toPlainText()

    def _enter_coding(self, need: NeedAnswer) -> None:
        """A coding question's answer opened: the editor with the starter code (a resumed
        draft replaces it when it arrives, see `_on_code_draft_restored`)."""
        question = need.question
        # The answer box stays read-only and hidden, so nothing it holds becomes the draft.
        self.answer.setReadOnly(True)
        self.answer.setVisible(False)
        if not self._sizes_before_code:
            self._voice_bar_shown = not self.voice_bar.isHidden()
        self.voice_bar.setVisible(False)
        if self.coding.question_id != question.id:  # the same answer again keeps the code
            assert question.coding is not None
            self.coding.set_question(question, question.coding.starter.lstrip("\n"))
        self.coding.setVisible(True)
        self.coding.set_read_only(self.controller.paused)
        self._update_actions()
        self.controller.update_draft(self.coding.code())
        if not self.controller.paused:
            self.coding.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        # The question stays readable in a shorter pane (it scrolls), so the editor, its
        # run row and results fit at the window's smallest size.
        self.transcript.setMinimumHeight(CODING_TRANSCRIPT_MIN)
        if not self._sizes_before_code:  # the code gets most of the height
            self._sizes_before_code = self.splitter.sizes()
            total = sum(self._sizes_before_code) or max(400, self.splitter.height())
            self.splitter.setSizes([total // 4, total - total // 4])
        self._update_words()

    def _leave_coding(self) -> None:
        if self.coding.isHidden() and not self.coding_active:
            return
        self.coding.clear()
        self.coding.setVisible(False)
        self.transcript.setMinimumHeight(TRANSCRIPT_MIN)
        self.answer.setVisible(True)
        self.voice_bar.setVisible(self._voice_bar_shown)
        if self._sizes_before_code:
            self.splitter.setSizes(self._sizes_before_code)
            self._sizes_before_code = []
        self.voice.update_actions()
        self._update_words()

    def _on_code_changed(self, code: str) -> None:
        self.controller.update_draft(code)
        self._update_words()

    def _on_code_draft_restored(self, text: str) -> None:
        """A resumed interview's saved code goes back into the editor, exactly as saved."""
        if self.coding_active:
            self.coding.set_code(text)

    def _on_code_turn_added(self, turn: Turn) -> None:
        """A coding answer in the transcript is shown in monospace, like the editor."""
        engine = self.controller.engine
        bubbles = self.transcript.bubbles
        if turn.role != "candidate" or engine is None or not bubbles:
            return
        for rec in engine.records:
            answers = [t for t in rec.turns if t.role == "candidate"]
            if answers and answers[0] is turn and rec.question.kind == "coding":
                bubbles[-1].set_body_font(
                    QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
                )
                return
