"""Small widgets shared by the screens: the message banner (and the slot that keeps its
place) and the countdown display.

Colours come from the palette (roles such as Window, Base, AlternateBase, Mid), so the
app follows the system's light or dark scheme. The only fixed colours are the warning
and critical accents of a running-out clock and of the banner's edge, chosen to read on
both light and dark backgrounds.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QEnterEvent,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QHideEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

WARNING = QColor("#c27c0e")
CRITICAL = QColor("#d03b3b")
INFO = QColor("#3b7dd8")

#: The one emphasised button per screen (Start, Submit): drawn in the palette's highlight.
PRIMARY_BUTTON_CSS = (
    "QPushButton#primaryButton { background: palette(highlight); color: palette(highlighted-text);"
    " border: 1px solid palette(highlight); border-radius: 6px; padding: 6px 18px; }"
    " QPushButton#primaryButton:hover { border: 1px solid palette(highlighted-text); }"
    " QPushButton#primaryButton:focus { border: 2px solid palette(highlighted-text); }"
    " QPushButton#primaryButton:disabled { background: palette(button);"
    " color: palette(mid); border: 1px solid palette(mid); }"
)

LEVEL_COLOURS = {"info": INFO, "warning": WARNING, "error": CRITICAL}


def format_clock(seconds: float | None) -> str:
    if seconds is None:
        return "–:––"
    whole = max(0, int(seconds + 0.999))  # 0.2 s left still shows 0:01, like a kitchen timer
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return f"{minutes}:{secs:02d}"


def scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    size = font.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    font.setBold(bold)
    return font


def _from_utf16(text: str, pos: int) -> int:
    """The Python index of UTF-16 position `pos` (Qt's text positions count UTF-16 units)."""
    units = 0
    for i, ch in enumerate(text):
        if units >= pos:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


class ClampedText(QWidget):
    """Plain text wrapped over at most `max_lines` lines, the last one elided with "…".

    The banner's height never depends on its message (see `BannerSlot`), so the text
    must fit the lines it has; `elided` says when it did not, and the banner then offers
    the whole message. Painted by hand: QLabel cannot elide wrapped text.
    """

    def __init__(self, max_lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        self._text = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        copy = QAction("&Copy message", self)
        copy.triggered.connect(self._on_copy)
        self.addAction(copy)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        self._text = text
        self.setAccessibleName(text)
        self.update()

    def lines_height(self, lines: int | None = None) -> int:
        fm = self.fontMetrics()
        n = self.max_lines if lines is None else lines
        return fm.height() + (n - 1) * fm.lineSpacing()

    def lines(self, width: int | None = None) -> tuple[list[str], bool]:
        """The lines shown at `width` (default: the widget's), and whether text was cut."""
        w = max(1, self.width() if width is None else width)
        text = " ".join(self._text.split())  # one paragraph: the banner has no room for more
        if not text:
            return [], False
        layout = QTextLayout(text, self.font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        spans: list[tuple[int, int]] = []
        layout.beginLayout()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(w)
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        shown: list[str] = []
        for start, length in spans[: self.max_lines]:
            a = _from_utf16(text, start)
            b = _from_utf16(text, start + length)
            shown.append(text[a:b].rstrip())
        cut = len(spans) > self.max_lines
        if cut:
            rest = text[_from_utf16(text, spans[self.max_lines - 1][0]) :]
            shown[-1] = self.fontMetrics().elidedText(rest, Qt.TextElideMode.ElideRight, w)
        return shown, cut

    def fits(self, width: int) -> bool:
        return not self.lines(width)[1]

    @property
    def elided(self) -> bool:
        return self.lines()[1]

    def sizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 50, self.lines_height())

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().averageCharWidth() * 12, self.lines_height())

    def paintEvent(self, event: QPaintEvent) -> None:
        shown, _cut = self.lines()
        if not shown:
            return
        p = QPainter(self)
        p.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        fm = self.fontMetrics()
        used = fm.height() + (len(shown) - 1) * fm.lineSpacing()
        y = (self.height() - used) / 2 + fm.ascent()  # one line sits in the middle
        for line in shown:
            p.drawText(QPointF(0, y), line)
            y += fm.lineSpacing()
        p.end()

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self._text)


class _FullMessage(QFrame):
    """The whole of a message too long for the banner's lines: a popup under the banner,
    closed by a click anywhere else or Escape, with text that can be selected."""

    closed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setAccessibleName("Whole message")
        self._lay = lay = QVBoxLayout(self)
        lay.setContentsMargins(14, 10, 14, 12)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        lay.addWidget(self.label)

    def show_under(self, anchor: QWidget, text: str) -> None:
        self.label.setText(text)
        width = anchor.width()
        margins = self._lay.contentsMargins()
        inner = width - margins.left() - margins.right() - 2 * self.frameWidth()
        height = (
            self.label.heightForWidth(inner)
            + margins.top()
            + margins.bottom()
            + 2 * self.frameWidth()
        )
        self.setFixedSize(width, height)
        self.move(anchor.mapToGlobal(QPoint(0, anchor.height())))
        self.show()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.closed.emit()


class MessageBanner(QFrame):
    """Tells the user something in the window, in plain words, without a modal dialog.

    The qutebrowser idea (utils/message.py): logic emits messages; one widget shows them.
    Info messages fade after a while (not while the pointer rests on them); warnings,
    errors and offers to act stay until dismissed or replaced.

    Its height is the same for every message (`reserved_height`): a message gets two
    lines, and a longer one ends in "…" with a "Show all" button for the rest. So the
    window can keep the banner's place whether or not a message shows (`BannerSlot`),
    and nothing under the pointer moves when one comes or goes.
    """

    action_triggered = Signal()

    INFO_MS = 8000
    LINES = 2
    ACCENT = 5

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setAccessibleName("Message")
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.level = ""
        self._colour = INFO
        self._fades = False  # an info message with nothing to answer fades after a while
        # The coloured accent on the left and the rule below are child widgets filled
        # from their palette, not drawn with a QPainter in paintEvent: painting the
        # banner by hand crashed inside QPainter::fillRect when the window repainted
        # after many windows had come and gone (seen in the GUI test run).
        self._accent = QWidget(self)
        self._accent.setAutoFillBackground(True)
        self._rule = QWidget(self)
        self._rule.setAutoFillBackground(True)
        self._rule.setBackgroundRole(QPalette.ColorRole.Mid)
        self._paint_accent()
        self._lay = lay = QHBoxLayout(self)
        lay.setContentsMargins(10 + self.ACCENT, 5, 6, 6)  # + accent left, + rule below
        lay.setSpacing(8)
        self.icon = QLabel()
        self.text = ClampedText(self.LINES)
        self.more = QToolButton()
        self.more.setAutoRaise(True)
        self.more.setText("Show all")
        self.more.setToolTip("Show the whole message")
        self.more.setAccessibleName("Show the whole message")
        self.more.setVisible(False)
        self.more.clicked.connect(self.show_full_text)
        self.action = QPushButton()
        self.action.setVisible(False)
        self.action.clicked.connect(self.action_triggered)
        self.close_button = QToolButton()
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.dismiss)
        lay.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.more, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.full_text: _FullMessage | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.setVisible(False)

    def reserved_height(self) -> int:
        """The one height every message gets (two lines of text, or a button's height)."""
        m = self._lay.contentsMargins()
        style = self.style()
        icon = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        inner = max(
            self.text.lines_height(),
            icon,
            self.action.sizeHint().height(),
            self.close_button.sizeHint().height(),
            self.more.sizeHint().height(),
        )
        return inner + m.top() + m.bottom()

    def show_message(self, level: str, text: str, action: str = "") -> None:
        self.level = level
        style = self.style()
        icon = {
            "info": QStyle.StandardPixmap.SP_MessageBoxInformation,
            "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
            "error": QStyle.StandardPixmap.SP_MessageBoxCritical,
        }.get(level, QStyle.StandardPixmap.SP_MessageBoxInformation)
        size = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self.icon.setPixmap(style.standardIcon(icon).pixmap(size, size))
        self.text.setText(text)
        self.setToolTip(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))
        self._colour = LEVEL_COLOURS.get(level, INFO)
        self._paint_accent()
        self.setAccessibleDescription(text)
        self._fades = level == "info" and not action  # an offer to act stays until answered
        if self.full_text is not None:
            self.full_text.hide()
        self.setVisible(True)
        self._update_more()
        self.update()
        self._arm_fade()

    def _arm_fade(self, ms: int | None = None) -> None:
        """Run the fade timer for a fading message nobody is reading right now."""
        reading = self.underMouse() or (self.full_text is not None and self.full_text.isVisible())
        if self._fades and self.isVisible() and not reading:
            self._timer.start(self.INFO_MS if ms is None else ms)
        else:
            self._timer.stop()

    def dismiss(self) -> None:
        self._fades = False
        self._timer.stop()
        if self.full_text is not None:
            self.full_text.hide()
        self.setVisible(False)
        self.level = ""

    def show_full_text(self) -> None:
        """The whole message in a popup under the banner (it stays while that is open)."""
        if self.full_text is None:
            self.full_text = _FullMessage(self)
            self.full_text.closed.connect(self._on_full_text_closed)
        self._timer.stop()
        self.full_text.show_under(self, self.text.text())

    def _on_full_text_closed(self) -> None:
        self._arm_fade(self.INFO_MS // 2)

    def _update_more(self) -> None:
        """Offer "Show all" when the message does not fit its lines at this width.

        The room is worked out from the banner's own width and its other parts' hints,
        not read from the text's current width, which lags behind until the layout runs.
        """
        m = self._lay.contentsMargins()
        parts = [w for w in (self.icon, self.action, self.close_button) if not w.isHidden()]
        room = (
            self.width()
            - m.left()
            - m.right()
            - sum(w.sizeHint().width() + self._lay.spacing() for w in parts)
        )
        self.more.setVisible(bool(self.text.text()) and not self.text.fits(room))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_decorations()
        self._update_more()

    def _paint_accent(self) -> None:
        pal = self._accent.palette()
        pal.setColor(QPalette.ColorRole.Window, self._colour)
        self._accent.setPalette(pal)

    def _place_decorations(self) -> None:
        self._accent.setGeometry(0, 0, self.ACCENT, self.height())
        self._rule.setGeometry(0, self.height() - 1, self.width(), 1)

    def enterEvent(self, event: QEnterEvent) -> None:
        """Reading a message (or reaching for its buttons) keeps it from fading."""
        self._timer.stop()
        super().enterEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        super().leaveEvent(event)
        self._arm_fade(self.INFO_MS // 2)


class BannerSlot(QWidget):
    """The place at the top of the window that the banner and the launch offers live in.

    A banner that pushes the page down when it appears and pulls it up when it goes
    makes a click land on the wrong control. So the message banner's height is kept
    whether or not a message shows, and an offer (such as resuming an interrupted
    interview) keeps the height it had until `settle` is called, which the window does
    when it changes pages: then the whole page changes anyway. Messages appear,
    change and go inside space that is already there; no widget below moves.
    """

    def __init__(
        self,
        banner: MessageBanner,
        offers: Sequence[QWidget] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.banner = banner
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        self._banner_box = self._holder(banner)
        lay.addWidget(self._banner_box)
        self._offers: list[tuple[QWidget, QWidget]] = []
        self._reserved: set[int] = set()
        for offer in offers:
            box = self._holder(offer)
            lay.addWidget(box)
            self._offers.append((offer, box))
            offer.installEventFilter(self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._apply_heights()

    @staticmethod
    def _holder(child: QWidget) -> QWidget:
        box = QWidget()
        box_lay = QVBoxLayout(box)
        box_lay.setContentsMargins(0, 0, 0, 0)
        box_lay.setSpacing(0)
        box_lay.addWidget(child)
        box_lay.addStretch(0)
        return box

    def settle(self) -> None:
        """Give back the space of offers no longer shown (call when the page changes)."""
        self._reserved = {i for i, (offer, _box) in enumerate(self._offers) if not offer.isHidden()}
        self._apply_heights()

    def _apply_heights(self) -> None:
        self._banner_box.setFixedHeight(self.banner.reserved_height())
        width = max(1, self.width())
        for i, (offer, box) in enumerate(self._offers):
            if i in self._reserved:
                need = offer.heightForWidth(width) if offer.hasHeightForWidth() else -1
                box.setFixedHeight(need if need > 0 else offer.sizeHint().height())
            else:
                box.setFixedHeight(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show:
            # An offer shown outside a page change (at launch, before the first paint):
            # it needs its room now.
            for i, (offer, _box) in enumerate(self._offers):
                if offer is watched and i not in self._reserved:
                    self._reserved.add(i)
                    self._apply_heights()
        return super().eventFilter(watched, event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            self._apply_heights()  # the user is resizing: everything moves anyway

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._apply_heights()


class ClockDisplay(QWidget):
    """One countdown: a caption, the time left in large digits, and a thin bar.

    The colour changes as time runs low: the palette's text colour, then amber, then red,
    with the state also spelled out in the accessible description (colour is not the only
    cue).
    """

    def __init__(
        self, caption: str, warn_fraction: float, warn_seconds: float, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.warn_fraction = warn_fraction
        self.warn_seconds = warn_seconds
        self.state = "idle"
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.caption.setFont(scaled_font(self, 0.85))
        self.time = QLabel(format_clock(None))
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        base = self.font().pointSizeF()
        if base > 0:
            mono.setPointSizeF(base * 1.6)
        mono.setBold(True)
        self.time.setFont(mono)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setRange(0, 1000)
        self.bar.setFixedHeight(5)
        self.bar.setAccessibleName(f"{caption} remaining")
        lay.addWidget(self.caption)
        lay.addWidget(self.time)
        lay.addWidget(self.bar)
        self.setAccessibleName(caption)
        self.setMinimumWidth(110)

    def set_time(self, left: float | None, total: float, running: bool) -> None:
        self.time.setText(format_clock(left))
        if left is None or total <= 0:
            state = "idle"
            self._set_bar(0)
        else:
            fraction = max(0.0, min(1.0, left / total))
            self._set_bar(int(fraction * 1000))
            if left <= max(10.0, total * self.warn_fraction / 2.5):
                state = "critical"
            elif left <= max(self.warn_seconds, total * self.warn_fraction):
                state = "warning"
            else:
                state = "normal"
        if not running and state != "idle":
            state = f"{state}-stopped"
        if state != self.state:
            self.state = state
            self._apply_colour()
        label = self.caption.text()
        words = {"warning": ", running low", "critical": ", almost out"}
        extra = words.get(self.state.split("-")[0], "")
        self.time.setAccessibleName(f"{label}: {format_clock(left)} left{extra}")

    def _set_bar(self, value: int) -> None:
        """Move the bar, painted with the next frame: QProgressBar.setValue repaints at
        once, which painted the whole window's pending changes (a streaming turn, the
        answer box) inside every clock tick instead of with the next frame (issue 18)."""
        if value == self.bar.value():
            return
        self.bar.setUpdatesEnabled(False)  # no repaint() now ...
        self.bar.setValue(value)
        self.bar.setUpdatesEnabled(True)  # ... an update() for the next frame instead

    def _apply_colour(self) -> None:
        base = self.state.split("-")[0]
        pal = self.palette()
        if base == "critical":
            colour = CRITICAL
        elif base == "warning":
            colour = WARNING
        else:
            colour = pal.color(QPalette.ColorRole.WindowText)
            if base == "idle" or self.state.endswith("stopped"):
                colour = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        time_pal = self.time.palette()
        time_pal.setColor(QPalette.ColorRole.WindowText, colour)
        self.time.setPalette(time_pal)
        bar_pal = self.bar.palette()
        if base in ("warning", "critical"):
            bar_pal.setColor(QPalette.ColorRole.Highlight, colour)
        else:
            bar_pal = self.palette()
        self.bar.setPalette(bar_pal)

    def changeEvent(self, event: QEvent) -> None:
        """The system switched light/dark: recompute the colours from the new palette."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_colour()

    def colour(self) -> QColor:
        return self.time.palette().color(QPalette.ColorRole.WindowText)


def ask_yes_no(parent: QWidget, title: str, text: str) -> bool:
    """The one place the app asks a yes/no question; injectable so tests never block on it."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes
