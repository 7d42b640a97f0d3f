"""Colours, fonts and small display widgets shared by the GUI screens.

Score colours are mid-tone hues picked to read on both a light and a dark window, so no
screen needs a second palette; everything else (card backgrounds, borders, muted text)
is taken from the current QPalette so the app follows the system light/dark scheme.
Label helpers default to plain text: anything a candidate or a model wrote is shown
literally and can never be interpreted as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QEnterEvent,
    QFont,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QWidget,
)

# Five steps from poor to strong, for 1-5 criterion scores.
LEVEL_COLOURS: dict[int, str] = {
    1: "#d64545",
    2: "#e07b2e",
    3: "#d9a21b",
    4: "#72b043",
    5: "#2f9e5b",
}
STATUS_COLOURS: dict[str, str] = {
    "present": LEVEL_COLOURS[5],
    "weak": LEVEL_COLOURS[3],
    "missing": LEVEL_COLOURS[1],
}
SIGNAL_COLOURS: dict[str, str] = {
    "hire": LEVEL_COLOURS[5],
    "lean hire": LEVEL_COLOURS[4],
    "lean no hire": LEVEL_COLOURS[2],
    "no hire": LEVEL_COLOURS[1],
}
NEUTRAL = "#7d8590"
DANGER = LEVEL_COLOURS[1]
WARNING = LEVEL_COLOURS[3]
SUCCESS = LEVEL_COLOURS[5]
INFO = "#3d7fd9"

#: A run of this many non-space characters gets invisible break points, so one pasted
#: URL or hash cannot stretch a word-wrapped label wider than the window.
_LONG_WORD = 40
_ZWSP = "\u200b"
#: Markup in a rich-text label's text, and where its words may break (`WrapLabel`).
_TAG = re.compile(r"<[^>]*>")
_WORD_BREAK = re.compile(rf"[\s{_ZWSP}]+")


def level_colour(score: int) -> str:
    return LEVEL_COLOURS.get(max(1, min(5, score)), NEUTRAL)


def percent_colour(score: float | None) -> str:
    """Bands match the hire-signal thresholds, so a bar and its signal never disagree."""
    if score is None:
        return NEUTRAL
    if score >= 75:
        return LEVEL_COLOURS[5]
    if score >= 60:
        return LEVEL_COLOURS[4]
    if score >= 40:
        return LEVEL_COLOURS[3]
    if score >= 20:
        return LEVEL_COLOURS[2]
    return LEVEL_COLOURS[1]


def text_on(background: str) -> str:
    """Black or white text, whichever reads better on the given background."""
    c = QColor(background)

    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    lum = 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())
    return "#111111" if lum > 0.28 else "#ffffff"


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


#: Text colours for messages: the chip hues are too light for text on a white window.
_TEXT_COLOURS = {
    "danger": ("#b3261e", "#ff8a80"),
    "warning": ("#8a5a00", "#f2c14e"),
    "success": ("#1e7a44", "#7ddc9c"),
}


def message_colour(kind: str, palette: QPalette) -> str:
    """`kind` is danger, warning or success; picks the shade that reads on this window."""
    light, dark = _TEXT_COLOURS[kind]
    return dark if is_dark(palette) else light


def muted_colour(palette: QPalette) -> str:
    """Secondary text: halfway between the text and the window colour."""
    fg = palette.color(QPalette.ColorRole.WindowText)
    bg = palette.color(QPalette.ColorRole.Window)
    mixed = QColor(
        (fg.red() * 3 + bg.red() * 2) // 5,
        (fg.green() * 3 + bg.green() * 2) // 5,
        (fg.blue() * 3 + bg.blue() * 2) // 5,
    )
    return mixed.name()


def soft_wrap(text: str) -> str:
    """Insert zero-width spaces into very long unbroken runs so they can wrap."""

    def breakable(m: re.Match[str]) -> str:
        word = m.group(0)
        return _ZWSP.join(word[i : i + 20] for i in range(0, len(word), 20))

    return re.sub(rf"\S{{{_LONG_WORD},}}", breakable, text)


def esc(text: str) -> str:
    """Escape for Qt rich text, keeping line breaks and letting long words wrap."""
    return html.escape(soft_wrap(text)).replace("\n", "<br>")


def scaled_font(base: QFont, factor: float = 1.0, *, bold: bool = False) -> QFont:
    """Sizes relative to the application font, so the user's font settings still apply."""
    font = QFont(base)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(round(font.pixelSize() * factor))
    font.setBold(bold)
    return font


class WrapLabel(QLabel):
    """A word-wrapped label whose size hint is its height at the width it really has.

    QLabel's own hint is measured at a narrow "balanced" width, so a one-line sentence
    reports the height of three lines and form layouts pad it with empty space.

    Both measurements wrap the whole text, so they are remembered until the text, the
    font or the width changes: a page of cards asks for them many times over.
    """

    _measured: tuple[int, QSize] | None = None
    _natural: QSize | None = None
    _heights: dict[int, int] | None = None
    _select_later = False
    _in_column = False
    #: A column label's text widths (its longest word, 80 average characters), kept
    #: until its text or font changes; its margins are added when asked.
    _widths: tuple[int, int] | None = None

    def in_column(self) -> None:
        """Only ever laid out in a column that gives it its width (nothing beside it, in
        a box of boxes up to a page that scrolls vertically): its natural width never
        decides anything, only its height at the width it gets.

        QLabel works out a wrapped label's natural size and minimum together, about six
        layouts of the whole text (a "balanced" width, then the widths of one line and
        of the longest word); for a rich-text label that is four times the one layout
        its real height takes, the largest part of measuring a feedback card (issue 18).
        Such a label's hints take no layout: the width of 80 average characters, its
        height at the width it has (or was last measured at), and the width of its
        longest word as its minimum."""
        self._in_column = True
        self._forget()

    def select_on_pointer(self) -> None:
        """Selectable with the mouse, from the moment the pointer is first over it.

        A selectable label carries a whole text document (about 30 KB, and measured
        through it): half the memory of a feedback card and a third of the time to build
        and measure it, for labels hardly anyone selects from (issue 18). The mouse is
        over the label before it can select anything, so nobody can tell; its height at
        any width is the same either way."""
        self._select_later = True
        self.setCursor(Qt.CursorShape.IBeamCursor)

    def _select_now(self) -> None:
        if self._select_later:
            self._select_later = False
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def enterEvent(self, event: QEnterEvent) -> None:
        self._select_now()
        super().enterEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # No Enter comes when the page scrolls the label under a still pointer.
        self._select_now()
        super().mousePressEvent(event)

    def _forget(self) -> None:
        self._measured = self._natural = self._heights = None
        self._widths = None

    def setText(self, text: str) -> None:
        self._forget()
        super().setText(text)

    def heightForWidth(self, width: int) -> int:
        heights = self._heights
        if heights is None:
            heights = self._heights = {}
        found = heights.get(width)
        if found is None:
            if len(heights) > 8:
                heights.clear()
            found = heights[width] = super().heightForWidth(width)
        return found

    def sizeHint(self) -> QSize:
        if self._in_column and self.wordWrap():
            return self._column_hint()
        if self._natural is None:
            self._natural = super().sizeHint()
        hint = self._natural
        if not (self.wordWrap() and self.testAttribute(Qt.WidgetAttribute.WA_Resized)):
            return QSize(hint)  # not laid out yet: its width means nothing
        width = self.width()
        if self._measured is None or self._measured[0] != width:
            self._measured = (width, QSize(hint.width(), self.heightForWidth(width)))
        return QSize(self._measured[1])

    def minimumSizeHint(self) -> QSize:
        if not (self._in_column and self.wordWrap()):
            return super().minimumSizeHint()
        return QSize(self._text_widths()[0] + self._extra().width(), self._one_line())

    def _extra(self) -> QSize:
        """The label's margins around its text, both ways."""
        m = self.contentsMargins()
        return QSize(
            m.left() + m.right() + 2 * self.margin(), m.top() + m.bottom() + 2 * self.margin()
        )

    def _one_line(self) -> int:
        return self.fontMetrics().lineSpacing() + self._extra().height()

    def _column_hint(self) -> QSize:
        width = self._text_widths()[1] + self._extra().width()
        if self.testAttribute(Qt.WidgetAttribute.WA_Resized):
            return QSize(width, self.heightForWidth(self.width()))
        if self._heights:  # measured before it was laid out: the last width asked for
            return QSize(width, next(reversed(self._heights.values())))
        return QSize(width, self._one_line())

    def _text_widths(self) -> tuple[int, int]:
        if self._widths is None:
            self._widths = (self._longest_word(), self.fontMetrics().averageCharWidth() * 80)
        return self._widths

    def _longest_word(self) -> int:
        """The width of the text's widest word in this font (bold, to be safe for
        rich text's bold words); long unbroken runs count up to where they may wrap."""
        text = self.text()
        if self.textFormat() != Qt.TextFormat.PlainText:
            text = html.unescape(_TAG.sub(" ", text))
        words = sorted(set(_WORD_BREAK.split(text)), key=len)[-3:]
        font = QFont(self.font())
        font.setBold(True)
        metrics = QFontMetrics(font)
        return max((metrics.horizontalAdvance(word) for word in words), default=0)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget()
        super().changeEvent(event)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        width = event.size().width()
        # Only when nothing measured this width yet: a layout that gave the label this
        # width asked for its height at it first (and it is remembered), so telling it
        # again only queued a layout of the whole page per label shown (about a hundred
        # per feedback card; issue 18).
        unmeasured = self._heights is None or width not in self._heights
        if self.wordWrap() and event.oldSize().width() != width and unmeasured:
            self.updateGeometry()


def plain_label(
    text: str = "",
    *,
    wrap: bool = True,
    selectable: bool = False,
    muted: bool = False,
    column: bool = False,
    parent: QWidget | None = None,
) -> QLabel:
    """A label that never interprets its text as markup (`column`: see
    `WrapLabel.in_column`)."""
    label = WrapLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(soft_wrap(text) if wrap else text)
    label.setWordWrap(wrap)
    if column:
        label.in_column()
    if selectable:
        label.select_on_pointer()
    if muted:
        set_muted(label)
    return label


def rich_label(
    html_text: str,
    *,
    selectable: bool = False,
    column: bool = False,
    parent: QWidget | None = None,
) -> QLabel:
    """A rich-text label; callers build `html_text` only from `esc()`-escaped pieces
    (`column`: see `WrapLabel.in_column`)."""
    label = WrapLabel(parent)
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(html_text)
    label.setWordWrap(True)
    if column:
        label.in_column()
    label.setOpenExternalLinks(False)
    if selectable:
        label.select_on_pointer()
    return label


def set_muted(widget: QWidget) -> None:
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.WindowText, QColor(muted_colour(pal)))
    widget.setPalette(pal)


def set_message_colour(widget: QWidget, kind: str) -> None:
    pal = widget.palette()
    pal.setColor(QPalette.ColorRole.WindowText, QColor(message_colour(kind, pal)))
    widget.setPalette(pal)


def section_title(text: str, parent: QWidget | None = None) -> QLabel:
    """A small upper-case heading that separates blocks without shouting."""
    label = plain_label(text, wrap=False, muted=True, parent=parent)
    font = scaled_font(label.font(), 0.9, bold=True)
    font.setCapitalization(QFont.Capitalization.AllUppercase)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    return label


def page_bar(title: str, buttons: Sequence[QPushButton]) -> QWidget:
    """The header every full-page screen shares: a title on the left, buttons on the right."""
    bar = QWidget()
    lay = QHBoxLayout(bar)
    lay.setContentsMargins(18, 10, 18, 10)
    lay.setSpacing(8)
    label = plain_label(title, wrap=False)
    label.setFont(scaled_font(label.font(), 1.35, bold=True))
    lay.addWidget(label)
    lay.addStretch(1)
    for button in buttons:
        button.setAutoDefault(False)
        lay.addWidget(button)
    return bar


def separator(parent: QWidget | None = None) -> QFrame:
    """A 1px rule in the palette's mid colour (a sunken HLine glares in dark themes)."""
    line = QFrame(parent)
    line.setFixedHeight(1)
    line.setObjectName("separator")
    line.setStyleSheet("QFrame#separator { background-color: palette(mid); border: none; }")
    return line


class Chip(QLabel):
    """A small pill-shaped badge: a score, a status or a flag.

    Painted by hand rather than with a style sheet: Qt drops a style sheet's
    border-radius when it exceeds half the height, which depends on the font.
    """

    def __init__(
        self, text: str, colour: str, *, tooltip: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(text)
        self.colour = colour
        pal = self.palette()
        pal.setColor(QPalette.ColorRole.WindowText, QColor(text_on(colour)))
        self.setPalette(pal)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setContentsMargins(9, 2, 9, 2)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if tooltip:
            self.setToolTip(tooltip)
        self.setAccessibleName(tooltip or text)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_pill(painter, QRectF(self.rect()), self.colour)
        painter.end()
        super().paintEvent(event)


def paint_pill(painter: QPainter, rect: QRectF, colour: str, text: str = "") -> None:
    """A chip's pill in `colour`, with `text` centred in black or white (whichever
    reads better on it) when given."""
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    if text:
        painter.setPen(QColor(text_on(colour)))
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)


def bar_height(metrics: QFontMetrics) -> int:
    """A score bar's thickness for text of these metrics."""
    return max(10, metrics.height() // 2 + 2)


class ScoreBar(QWidget):
    """A horizontal bar showing value out of maximum, coloured by band."""

    def __init__(
        self,
        value: float | None,
        maximum: float,
        colour: str,
        *,
        accessible_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.value = value
        self.maximum = maximum
        self.colour = colour
        self.setMinimumWidth(60)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if accessible_name:
            self.setAccessibleName(accessible_name)
            self.setToolTip(accessible_name)

    def sizeHint(self) -> QSize:
        return QSize(160, bar_height(self.fontMetrics()))

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        h = float(self.sizeHint().height())
        rect = QRectF(0, (self.height() - h) / 2, self.width(), h)
        share = None
        if self.value is not None and self.maximum > 0:
            share = self.value / self.maximum
        paint_bar(painter, rect, share, self.colour, self.palette())
        painter.end()


def paint_bar(
    painter: QPainter, rect: QRectF, share: float | None, colour: str, palette: QPalette
) -> None:
    """A score bar in `rect`: a faint rounded track, filled from the left by `share`
    (0 to 1; None for none) in `colour`."""
    h = rect.height()
    painter.setPen(Qt.PenStyle.NoPen)
    track = palette.color(QPalette.ColorRole.Mid)
    track.setAlpha(90)
    painter.setBrush(track)
    painter.drawRoundedRect(rect, h / 2, h / 2)
    if share is not None and share > 0:
        filled = QRectF(rect.x(), rect.y(), max(h, rect.width() * min(1.0, share)), h)
        painter.setBrush(QColor(colour))
        painter.drawRoundedRect(filled, h / 2, h / 2)


def paint_rounded(
    widget: QWidget, fill: QColor, edge: QColor | None, radius: float
) -> tuple[QPainter, QRectF]:
    """Paint `widget`'s rounded background (a thin `edge` line unless None); the painter
    is left open, with the rectangle drawn, for what goes on top. End it."""
    painter = QPainter(widget)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    rect = QRectF(widget.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
    painter.setPen(edge if edge is not None else Qt.PenStyle.NoPen)
    painter.setBrush(fill)
    painter.drawRoundedRect(rect, radius, radius)
    return painter, rect


class Panel(QFrame):
    """A rounded panel painted from the palette, so it follows light and dark themes.

    Painted by hand rather than with a style sheet: a style sheet on a frame makes Qt
    style every widget inside it through the (slow) style-sheet engine.

    With `remember_heights`, the panel keeps its height for each width it was asked
    about: working it out means wrapping every label inside, and a page layout asks again
    each time anything else on the page changes. Qt asks a widget's layout directly,
    never the widget, when the widget has one; so such a panel has no layout itself. Its
    contents go in `inside` (put the layout there), which the panel keeps at its own
    size. The memory is dropped whenever the contents, fonts or style change.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "card",
        fill: QPalette.ColorRole = QPalette.ColorRole.Base,
        border: bool = True,
        radius: float = 10.0,
        accent: str = "",
        accent_width: int = 0,
        remember_heights: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.fill, self.border, self.radius = fill, border, radius
        self.accent, self.accent_width = accent, accent_width
        self._heights: dict[int, int] | None = {} if remember_heights else None
        self._hint: QSize | None = None
        #: Where the panel's layout goes: an inner widget when heights are remembered.
        self.inside: QWidget = QWidget(self) if remember_heights else self

    def fill_colour(self) -> QColor:
        return self.palette().color(self.fill)

    def border_colour(self) -> QColor | None:
        return self.palette().color(QPalette.ColorRole.Mid) if self.border else None

    def paintEvent(self, event: QPaintEvent) -> None:
        painter, rect = paint_rounded(self, self.fill_colour(), self.border_colour(), self.radius)
        if self.accent and self.accent_width:
            # A bar down the left edge, inset by the corner radius (no clipping needed).
            inset = min(self.radius / 2, rect.height() / 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(self.accent))
            bar = QRectF(rect.left(), rect.top() + inset, self.accent_width, rect.height())
            painter.drawRect(bar.adjusted(0, 0, 0, -2 * inset))
        painter.end()

    def forget_heights(self) -> None:
        if self._heights is not None:
            self._heights.clear()
        self._hint = None

    def _inner_layout(self) -> QLayout | None:
        return self.inside.layout() if self.inside is not self else None

    def hasHeightForWidth(self) -> bool:
        return self._inner_layout() is not None or super().hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        lay = self._inner_layout()
        if self._heights is None or lay is None:
            return super().heightForWidth(width)
        height = self._heights.get(width)
        if height is None:
            if len(self._heights) > 8:
                self._heights.clear()
            height = self._heights[width] = lay.totalHeightForWidth(width)
        return height

    def sizeHint(self) -> QSize:
        lay = self._inner_layout()
        if lay is None:
            return super().sizeHint()
        cached = self._hint
        if cached is None:
            if self.width() > 0:
                # Only the hint's width is used (its height is the height at the real
                # width, below): `totalSizeHint` would also wrap every label at the
                # natural width, a width the panel never has (issue 18).
                inner = self.inside.contentsMargins()
                cached = lay.sizeHint().grownBy(inner)
            else:
                cached = lay.totalSizeHint()  # every label wraps: costly
            self._hint = cached
        hint = QSize(cached)
        if self.width() > 0:
            hint.setHeight(self.heightForWidth(self.width()))
        return hint

    def minimumSizeHint(self) -> QSize:
        lay = self._inner_layout()
        if lay is None:
            return super().minimumSizeHint()
        return QSize(lay.totalMinimumSize().width(), 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.inside is not self:
            self.inside.setGeometry(self.rect())

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in _RELAYOUT_EVENTS:
            self.forget_heights()
            if kind == QEvent.Type.LayoutRequest and self.inside is not self:
                # The contents changed size: tell the page (a layout-less widget is not
                # re-asked otherwise).
                self.updateGeometry()
        return super().event(event)


_RELAYOUT_EVENTS = (
    QEvent.Type.LayoutRequest,
    QEvent.Type.FontChange,
    QEvent.Type.StyleChange,
    QEvent.Type.ContentsRectChange,
)


def card(parent: QWidget | None = None, name: str = "card") -> QFrame:
    """A rounded panel on the base colour with a thin border, following the theme."""
    return Panel(parent, name=name)
