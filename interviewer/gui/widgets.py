"""Small widgets shared by the screens: the message banner and the countdown display.

Colours come from the palette (roles such as Window, Base, AlternateBase, Mid), so the
app follows the system's light or dark scheme. The only fixed colours are the warning
and critical accents of a running-out clock and of the banner's edge, chosen to read on
both light and dark backgrounds.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
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


class MessageBanner(QFrame):
    """Tells the user something in the window, in plain words, without a modal dialog.

    The qutebrowser idea (utils/message.py): logic emits messages; one widget shows them.
    Info messages fade after a while; warnings and errors stay until dismissed or replaced.
    """

    action_triggered = Signal()

    INFO_MS = 8000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Message")
        self.level = ""
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.action = QPushButton()
        self.action.setVisible(False)
        self.action.clicked.connect(self.action_triggered)
        self.close_button = QToolButton()
        self.close_button.setAutoRaise(True)
        self.close_button.setText("✕")
        self.close_button.setToolTip("Dismiss this message")
        self.close_button.setAccessibleName("Dismiss message")
        self.close_button.clicked.connect(self.dismiss)
        lay.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        lay.addWidget(self.text, 1)
        lay.addWidget(self.action, 0, Qt.AlignmentFlag.AlignVCenter)
        lay.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.dismiss)
        self.setVisible(False)

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
        self.action.setText(action)
        self.action.setVisible(bool(action))
        colour = LEVEL_COLOURS.get(level, INFO).name()
        self.setStyleSheet(
            "#messageBanner { background: palette(base); border: none;"
            f" border-bottom: 1px solid palette(mid); border-left: 5px solid {colour}; }}"
        )
        self.setAccessibleDescription(text)
        self.setVisible(True)
        if level == "info" and not action:  # an offer to act stays until answered
            self._timer.start(self.INFO_MS)
        else:
            self._timer.stop()

    def dismiss(self) -> None:
        self._timer.stop()
        self.setVisible(False)
        self.level = ""


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
            self.bar.setValue(0)
        else:
            fraction = max(0.0, min(1.0, left / total))
            self.bar.setValue(int(fraction * 1000))
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
