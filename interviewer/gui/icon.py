"""The app icon, drawn in code so it is crisp at every size and needs no image file."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap

SIZES = (16, 24, 32, 48, 64, 128, 256)


def _draw(size: int) -> QPixmap:
    pix = QPixmap(size, size)
    pix.fill(Qt.GlobalColor.transparent)
    p = QPainter(pix)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64.0
    # A speech bubble...
    bubble = QPainterPath()
    bubble.addRoundedRect(QRectF(4 * s, 6 * s, 56 * s, 40 * s), 10 * s, 10 * s)
    tail = QPainterPath()
    tail.moveTo(QPointF(16 * s, 44 * s))
    tail.lineTo(QPointF(12 * s, 58 * s))
    tail.lineTo(QPointF(30 * s, 44 * s))
    tail.closeSubpath()
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#3b6fd8"))
    p.drawPath(bubble.united(tail))
    # ...holding a tick: an answer, checked.
    pen = QPen(QColor("#ffffff"), max(1.5, 6 * s))
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    path = QPainterPath()
    path.moveTo(QPointF(19 * s, 26 * s))
    path.lineTo(QPointF(28 * s, 35 * s))
    path.lineTo(QPointF(45 * s, 17 * s))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPath(path)
    p.end()
    return pix


def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(_draw(size))
    return icon
