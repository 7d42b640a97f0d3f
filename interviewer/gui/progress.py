"""The progress screen: scores over time, the weakest topics, and a practice built from them.

Widgets only: every number, the weak topics and the practice they lead to come from
`interviewer.progress`, which `interviewer progress` prints too, so the window and the
terminal cannot disagree. `LineChart` draws with QPainter because QtCharts is an add-on
that PySide6-Essentials does not ship.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.report import Report
from interviewer.gui import style
from interviewer.gui.jobs import ReadinessPanel
from interviewer.gui.style import ScoreBar, plain_label
from interviewer.gui.widgets import PRIMARY_BUTTON_CSS
from interviewer.progress import (
    CATEGORY_NAMES,
    LISTED,
    PRACTICE_QUESTIONS,
    RECENT_SESSIONS,
    WEAK_BELOW,
    CriterionAverage,
    ProgressData,
    SessionPoint,
    TopicScore,
    category_lines,
    charted_rubrics,
    criterion_lines,
    overview,
    practice_topics,
    practice_track,
    progress_data,
    session_labels,
)

# The domain names stay importable from here for code written before they moved.
__all__ = [
    "CATEGORY_NAMES",
    "PRACTICE_QUESTIONS",
    "RECENT_SESSIONS",
    "WEAK_BELOW",
    "CriterionAverage",
    "LineChart",
    "ProgressData",
    "ProgressView",
    "Series",
    "SessionPoint",
    "TopicScore",
    "practice_topics",
    "practice_track",
    "progress_data",
    "session_labels",
]

#: Line colours, mid-tones that read on light and dark windows, in the order used.
SERIES_COLOURS = ("#3d7fd9", "#e07b2e", "#2f9e5b", "#a855c7", "#d64545", "#14a3a3", "#b58900")
#: Point markers, in the order series get them: with the colour and the dash they tell
#: lines apart where colours alone do not (colour blindness, greyscale print, overlap).
MARKERS = ("circle", "square", "triangle", "diamond", "triangle_down", "hexagon")
#: Dash patterns (in pen widths), in the order series get them; () is a solid line.
DASHES: tuple[tuple[float, ...], ...] = ((), (4.0, 2.0), (1.2, 1.6), (5.0, 2.0, 1.2, 2.0))
#: Points of different series closer than this (pixels) are drawn side by side, so a
#: line with the same values as another runs beside it instead of hidden under it.
OVERLAP_PX = 4.0
#: ... and this far apart sideways, so their markers do not cover each other either.
DODGE_PX = 7.0


# --------------------------------------------------------------------------- the chart


@dataclass(frozen=True)
class Series:
    name: str
    colour: str
    values: list[float | None]  # one per x position; None where the series has no value
    bold: bool = False


def marker_path(shape: str, centre: QPointF, r: float) -> QPainterPath:
    """A point marker of `shape` (see MARKERS), about 2r across, centred on `centre`."""
    path = QPainterPath()
    x, y = centre.x(), centre.y()
    if shape == "square":
        side = r * 1.7
        path.addRect(QRectF(x - side / 2, y - side / 2, side, side))
        return path
    if shape == "circle":
        path.addEllipse(centre, r, r)
        return path
    corners: list[tuple[float, float]]
    k = r * 1.25
    if shape == "triangle":
        corners = [(0, -k), (k, k * 0.75), (-k, k * 0.75)]
    elif shape == "triangle_down":
        corners = [(0, k), (k, -k * 0.75), (-k, -k * 0.75)]
    elif shape == "diamond":
        corners = [(0, -k), (k, 0), (0, k), (-k, 0)]
    else:  # hexagon
        corners = [(k * math.cos(a), k * math.sin(a)) for a in (i * math.pi / 3 for i in range(6))]
    path.moveTo(x + corners[0][0], y + corners[0][1])
    for dx, dy in corners[1:]:
        path.lineTo(x + dx, y + dy)
    path.closeSubpath()
    return path


def overlapping(ys: Sequence[float | None], gap: float = OVERLAP_PX) -> list[list[int]]:
    """Indexes of the points (of different series, at one x) that lie within `gap` of
    each other, chained, in series order; a lone point is a group of one."""
    order = sorted((y, i) for i, y in enumerate(ys) if y is not None)
    groups: list[list[int]] = []
    last: float | None = None
    for y, i in order:
        if last is not None and y - last < gap:
            groups[-1].append(i)
        else:
            groups.append([i])
        last = y
    return [sorted(g) for g in groups]


def spread(
    ys: Sequence[float | None], gap: float = OVERLAP_PX, step: float | None = None
) -> list[float]:
    """Offsets that set apart points (of different series, at one x) closer than `gap`.

    Each group of `overlapping` points is spread `step` (default `gap`) apart around the
    group's middle, in series order, so two lines with the same values run side by side
    (always in the same order, never crossing) and the middle stays on the value. Used
    for y offsets, and with a larger `step` for sideways ones that keep markers apart.
    """
    step = gap if step is None else step
    offsets = [0.0] * len(ys)
    for group in overlapping(ys, gap):
        for k, i in enumerate(group):
            offsets[i] = (k - (len(group) - 1) / 2) * step
    return offsets


class LineChart(QWidget):
    """Lines over evenly spaced sessions, with a legend, axis labels and point tooltips.

    Sessions are spaced evenly rather than by date: practice comes in bursts, and a
    date axis would squash a week of sessions into one spot.

    Every series keeps its own colour, dash and marker shape, and points of different
    series that would cover each other are drawn a few pixels apart (`spread`): the
    overall score often equals a category's (a track of one category), and a line drawn
    exactly over another hides it. Tooltips and the accessible description give the
    exact values.
    """

    PAD = 8
    RADIUS = 3.5

    def __init__(
        self,
        title: str,
        y_min: float,
        y_max: float,
        y_step: float,
        *,
        value_format: str = "{:.0f}",
        empty_text: str = "No finished interviews yet.",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.title = title
        self.y_min, self.y_max, self.y_step = y_min, y_max, y_step
        self.value_format = value_format
        self.empty_text = empty_text
        self.x_labels: list[str] = []
        self.series: list[Series] = []
        self._points: list[tuple[QPointF, str]] = []  # for tooltips
        #: Where each series' points were drawn (by series name), for tests and tooltips.
        self.drawn: dict[str, list[QPointF]] = {}
        self.plot_rect = QRectF()
        self.setMouseTracking(True)
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(title)
        self._describe()

    def sizeHint(self) -> QSize:
        return QSize(520, 250)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 170)

    def set_data(self, x_labels: Sequence[str], series: Sequence[Series]) -> None:
        self.x_labels = list(x_labels)
        self.series = [s for s in series if any(v is not None for v in s.values)]
        self._describe()
        self.update()

    def marker(self, series: Series) -> str:
        return MARKERS[self._index(series) % len(MARKERS)]

    def dash(self, series: Series) -> tuple[float, ...]:
        return DASHES[self._index(series) % len(DASHES)]

    def _index(self, series: Series) -> int:
        return next((i for i, s in enumerate(self.series) if s is series), 0)

    def _pen(self, series: Series, width: float) -> QPen:
        pen = QPen(QColor(series.colour), width)
        pattern = self.dash(series)
        if pattern:
            pen.setDashPattern(list(pattern))
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        return pen

    @property
    def empty(self) -> bool:
        return not self.series or not self.x_labels

    def _describe(self) -> None:
        """Say in words what the lines show, for screen readers (and tooltips)."""
        if self.empty:
            self.setAccessibleDescription(self.empty_text)
            return
        parts = []
        for s in self.series:
            vals = [v for v in s.values if v is not None]
            first, last = vals[0], vals[-1]
            fmt = self.value_format
            parts.append(
                f"{s.name}: latest {fmt.format(last)}, first {fmt.format(first)}, "
                f"{len(vals)} session{'s' if len(vals) != 1 else ''}"
            )
        self.setAccessibleDescription("; ".join(parts))

    # ------------------------------------------------------------------ painting

    def _legend_rows(self, fm: QFontMetrics, width: float) -> list[list[tuple[Series, float]]]:
        rows: list[list[tuple[Series, float]]] = [[]]
        x = 0.0
        for s in self.series:
            w = 22 + 6 + fm.horizontalAdvance(s.name) + 16
            if rows[-1] and x + w > width:
                rows.append([])
                x = 0.0
            rows[-1].append((s, w))
            x += w
        return rows

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.WindowText)
        muted = QColor(style.muted_colour(pal))
        grid = pal.color(QPalette.ColorRole.Mid)
        grid.setAlpha(110)
        fm = QFontMetrics(self.font())
        line_h = fm.height()
        area = QRectF(self.rect()).adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        self._points = []

        if self.empty:
            p.setPen(muted)
            p.drawText(
                area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text
            )
            p.end()
            return

        # Legend, wrapped over as many rows as it needs.
        rows = self._legend_rows(fm, area.width())
        y = area.top()
        for row in rows:
            x = area.left()
            for s, w in row:
                p.setPen(self._pen(s, 2.6 if s.bold else 1.8))
                mid = y + line_h / 2
                p.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
                p.setPen(QPen(pal.color(QPalette.ColorRole.Base), 1.0))
                p.setBrush(QColor(s.colour))
                p.drawPath(marker_path(self.marker(s), QPointF(x + 11, mid), self.RADIUS))
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.setPen(text)
                p.drawText(QPointF(x + 28, y + fm.ascent()), s.name)
                x += w
            y += line_h + 2
        top = y + 6

        # Plot area: y labels on the left, x labels below.
        y_labels = []
        v = self.y_min
        while v <= self.y_max + 1e-9:
            y_labels.append(v)
            v += self.y_step
        label_w = max(fm.horizontalAdvance(self.value_format.format(v)) for v in y_labels)
        plot = QRectF(
            area.left() + label_w + 8,
            top + line_h / 2,
            area.width() - label_w - 8 - line_h / 2,
            area.bottom() - top - line_h / 2 - line_h - 6,
        )
        if plot.height() < 20 or plot.width() < 20:
            p.end()
            return
        self.plot_rect = plot

        def to_y(value: float) -> float:
            share = (value - self.y_min) / (self.y_max - self.y_min)
            return plot.bottom() - share * plot.height()

        n = len(self.x_labels)
        inset = min(18.0, plot.width() / 8)

        def to_x(i: int) -> float:
            if n == 1:
                return plot.center().x()
            return plot.left() + inset + i * (plot.width() - 2 * inset) / (n - 1)

        for value in y_labels:
            yy = to_y(value)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(plot.left(), yy), QPointF(plot.right(), yy))
            p.setPen(muted)
            label = self.value_format.format(value)
            p.drawText(
                QRectF(area.left(), yy - line_h / 2, label_w, line_h),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                label,
            )

        # X labels: as many as fit without overlapping, always the first and the last.
        widest = max(fm.horizontalAdvance(t) for t in self.x_labels) + 12
        step = max(1, math.ceil(widest / max(1.0, (plot.width() - 2 * inset) / max(1, n - 1))))
        p.setPen(muted)
        shown = set(range(0, n, step)) | {n - 1}
        if n - 1 - (n - 1) // step * step < step and n > 1 and (n - 1) % step:
            shown.discard((n - 1) // step * step)  # too close to the last label
        for i in sorted(shown):
            cx = to_x(i)
            w = fm.horizontalAdvance(self.x_labels[i]) + 4
            left = min(max(area.left(), cx - w / 2), area.right() - w)
            p.drawText(
                QRectF(left, plot.bottom() + 4, w, line_h),
                int(Qt.AlignmentFlag.AlignCenter),
                self.x_labels[i],
            )

        # Where each point goes: series that meet at a session are set side by side.
        where: list[list[QPointF | None]] = [[None] * n for _ in self.series]
        tips: list[list[str]] = [[""] * n for _ in self.series]
        for i in range(n):
            ys = [
                to_y(val) if i < len(s.values) and (val := s.values[i]) is not None else None
                for s in self.series
            ]
            sideways = spread(ys, OVERLAP_PX, DODGE_PX)
            for k, off in enumerate(spread(ys)):
                y_k = ys[k]
                if y_k is not None:
                    where[k][i] = QPointF(to_x(i) + sideways[k], y_k + off)
            for group in overlapping(ys):
                for k in group:  # a point's own value first, then those beside it
                    tips[k][i] = "\n".join(
                        self._tip(self.series[j], i, first=j == k)
                        for j in [k, *(j for j in group if j != k)]
                    )
        self.drawn = {
            s.name: [pt for pt in where[k] if pt is not None] for k, s in enumerate(self.series)
        }

        # Lines, then points on top; a bold series (the overall score) over the others.
        layers = sorted(range(len(self.series)), key=lambda k: self.series[k].bold)
        for k in layers:
            s = self.series[k]
            path = QPainterPath()
            started = False
            for pt in where[k]:
                if pt is None:
                    continue
                if started:
                    path.lineTo(pt)
                else:
                    path.moveTo(pt)
                    started = True
            p.setPen(self._pen(s, 2.6 if s.bold else 1.8))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
        for k in layers:
            s = self.series[k]
            p.setPen(QPen(pal.color(QPalette.ColorRole.Base), 1.2))
            p.setBrush(QColor(s.colour))
            r = self.RADIUS + (0.8 if s.bold else 0)
            for i, pt in enumerate(where[k]):
                if pt is None:
                    continue
                p.drawPath(marker_path(self.marker(s), pt, r))
                self._points.append((pt, tips[k][i]))
        p.end()

    def _tip(self, series: Series, i: int, *, first: bool) -> str:
        value = series.values[i]
        shown = self.value_format.format(value) if value is not None else "–"
        return f"{series.name}: {shown}" + (f" · {self.x_labels[i]}" if first else "")

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        best: tuple[float, str] | None = None
        for pt, tip in self._points:
            d = math.hypot(pt.x() - pos.x(), pt.y() - pos.y())
            if d <= 10 and (best is None or d < best[0]):
                best = (d, tip)
        if best is not None:
            QToolTip.showText(event.globalPosition().toPoint(), best[1], self)
        else:
            QToolTip.hideText()
        super().mouseMoveEvent(event)


# --------------------------------------------------------------------------- the screen


class _Content(QWidget):
    """The scrolled page; height-for-width decides its height (see feedback._Content)."""

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), 0)


class ProgressView(QWidget):
    """Charts and weak topics. Call `set_reports`; `practise_requested` carries the topics."""

    practise_requested = Signal(list)  # list[str] of topics
    history_requested = Signal()
    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Progress")
        self.data = ProgressData()
        self.labels: list[str] = []
        self.topics: list[str] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)

        self.history_button = QPushButton("&History")
        self.history_button.setAccessibleName("Show history")
        self.back_button = QPushButton("&Back to home")
        self.back_button.setAccessibleName("Back to home")
        bar = style.page_bar("Progress", [self.history_button, self.back_button])
        self.history_button.clicked.connect(self.history_requested)
        self.back_button.clicked.connect(self.back_requested)
        outer.addWidget(bar)
        outer.addWidget(style.separator())

        content = _Content()
        lay = QVBoxLayout(content)
        lay.setContentsMargins(18, 14, 18, 20)
        lay.setSpacing(14)

        # -- weak topics first: it is what the candidate can act on
        weak = style.card(name="weakCard")
        wl = QVBoxLayout(weak)
        wl.setContentsMargins(18, 14, 18, 16)
        wl.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(10)
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        self.headline = plain_label("")
        self.headline.setFont(style.scaled_font(self.headline.font(), 1.1, bold=True))
        self.subline = plain_label("", muted=True)
        head_text.addWidget(self.headline)
        head_text.addWidget(self.subline)
        head.addLayout(head_text, 1)
        self.practise_button = QPushButton("Practise my &weak topics")
        self.practise_button.setObjectName("primaryButton")
        self.practise_button.setStyleSheet(PRIMARY_BUTTON_CSS)
        self.practise_button.setAccessibleName("Practise my weak topics")
        self.practise_button.setMinimumHeight(36)
        self.practise_button.setAutoDefault(False)
        self.practise_button.clicked.connect(self._on_practise_clicked)
        head.addWidget(self.practise_button, 0, Qt.AlignmentFlag.AlignVCenter)
        wl.addLayout(head)
        columns = QHBoxLayout()
        columns.setSpacing(28)
        self.topics_box = QVBoxLayout()
        self.topics_box.setSpacing(4)
        self.criteria_box = QVBoxLayout()
        self.criteria_box.setSpacing(4)
        for box in (self.topics_box, self.criteria_box):
            holder = QWidget()
            holder.setLayout(box)
            holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            columns.addWidget(holder, 1, Qt.AlignmentFlag.AlignTop)
        wl.addLayout(columns)
        lay.addWidget(weak)

        # -- readiness per job target (issue 17); hidden while there is no target
        self.readiness = ReadinessPanel()
        lay.addWidget(self.readiness)

        # -- scores over time
        self.cat_card = cat_card = style.card(name="categoryChartCard")
        cl = QVBoxLayout(cat_card)
        cl.setContentsMargins(16, 12, 16, 12)
        cl.addWidget(style.section_title("Score by category (out of 100)"))
        self.category_chart = LineChart("Score by category over time", 0, 100, 25)
        cl.addWidget(self.category_chart, 1)
        lay.addWidget(cat_card)

        self.crit_card = crit_card = style.card(name="criterionChartCard")
        crl = QVBoxLayout(crit_card)
        crl.setContentsMargins(16, 12, 16, 12)
        crit_head = QHBoxLayout()
        crit_head.addWidget(style.section_title("Score by criterion (out of 5)"))
        crit_head.addStretch(1)
        self.rubric_combo = QComboBox()
        self.rubric_combo.setAccessibleName("Rubric shown in the criterion chart")
        self.rubric_combo.currentIndexChanged.connect(self._on_rubric_changed)
        crit_head.addWidget(self.rubric_combo)
        crl.addLayout(crit_head)
        self.criterion_chart = LineChart(
            "Score by criterion over time", 1, 5, 1, value_format="{:.1f}"
        )
        crl.addWidget(self.criterion_chart, 1)
        lay.addWidget(crit_card)
        lay.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll_area.setWidget(content)
        outer.addWidget(self.scroll_area, 1)
        self.set_reports([])

    # ------------------------------------------------------------------ data in

    def set_reports(self, reports: Sequence[Report]) -> None:
        self.set_data(progress_data(reports))

    def set_data(self, data: ProgressData) -> None:
        self.data = data
        self.labels = session_labels([p.started_at for p in data.points])
        series = [
            Series(
                line.name,
                style.muted_colour(self.palette())
                if line.key == "overall"
                else SERIES_COLOURS[(i - 1) % len(SERIES_COLOURS)],
                line.values,
                line.key == "overall",
            )
            for i, line in enumerate(category_lines(data))
        ]
        self.category_chart.set_data(self.labels, series)

        self.rubric_combo.blockSignals(True)
        current = self.rubric_combo.currentData()
        self.rubric_combo.clear()
        used = charted_rubrics(data)
        for rid in used:
            self.rubric_combo.addItem(data.rubrics[rid][0], rid)
        index = self.rubric_combo.findData(current)
        self.rubric_combo.setCurrentIndex(max(0, index) if used else -1)
        self.rubric_combo.setVisible(len(used) > 1)
        self.rubric_combo.blockSignals(False)
        self._on_rubric_changed()

        ov = overview(data)
        # Empty charts would only repeat the headline: show them from the first session.
        self.cat_card.setVisible(ov.finished > 0)
        self.crit_card.setVisible(ov.finished > 0)
        self.topics = list(ov.practice_topics)
        self.headline.setText(ov.headline)
        self.subline.setText(ov.subline)
        self.practise_button.setEnabled(bool(self.topics))
        self.practise_button.setToolTip(
            f"Start an interview on: {', '.join(self.topics)}"
            if self.topics
            else "Finish an interview first"
        )
        self._fill_lists()

    def _fill_lists(self) -> None:
        for box in (self.topics_box, self.criteria_box):
            while box.count():
                item = box.takeAt(0)
                w = item.widget() if item is not None else None
                if w is not None:
                    w.hide()  # at once: the delete waits for the event loop
                    w.deleteLater()
        self.topic_rows: list[QLabel] = []
        self.criterion_rows: list[QLabel] = []
        self.topics_box.addWidget(style.section_title("Weakest topics"))
        self.criteria_box.addWidget(style.section_title("Weakest criteria"))
        if not self.data.weak_topics:
            self.topics_box.addWidget(plain_label("Nothing graded yet.", muted=True))
        for t in self.data.weak_topics[:LISTED]:
            label = self._bar_row(
                self.topics_box,
                t.topic,
                t.average,
                100,
                f"{t.average:.0f}",
                f"{t.answers} answer{'s' if t.answers != 1 else ''}",
                style.percent_colour(t.average),
            )
            self.topic_rows.append(label)
        if not self.data.weak_criteria:
            self.criteria_box.addWidget(plain_label("Nothing graded yet.", muted=True))
        several = len({c.rubric_id for c in self.data.weak_criteria}) > 1
        for c in self.data.weak_criteria[:LISTED]:
            name = f"{c.name} · {c.rubric_name}" if several else c.name
            label = self._bar_row(
                self.criteria_box,
                name,
                c.average,
                5,
                f"{c.average:.1f}",
                f"{c.count} grade{'s' if c.count != 1 else ''}",
                style.level_colour(round(c.average)),
            )
            self.criterion_rows.append(label)

    @staticmethod
    def _bar_row(
        box: QVBoxLayout,
        name: str,
        value: float,
        maximum: float,
        shown: str,
        detail: str,
        colour: str,
    ) -> QLabel:
        row = QWidget()
        grid = QGridLayout(row)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        label = plain_label(name, wrap=False)
        label.setToolTip(f"{name}: {shown} of {maximum:g} over {detail}")
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        label.setMinimumWidth(60)
        grid.addWidget(label, 0, 0)
        bar = ScoreBar(value, maximum, colour, accessible_name=f"{name}: {shown} of {maximum:g}")
        bar.setFixedWidth(90)
        grid.addWidget(bar, 0, 1)
        number = plain_label(shown, wrap=False)
        number.setMinimumWidth(number.fontMetrics().horizontalAdvance("100") + 2)
        number.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        grid.addWidget(number, 0, 2)
        grid.setColumnStretch(0, 1)
        box.addWidget(row)
        return label

    # ------------------------------------------------------------------ slots

    def _on_rubric_changed(self, *_args: object) -> None:
        rid = self.rubric_combo.currentData()
        series: list[Series] = []
        if isinstance(rid, str) and rid in self.data.rubrics:
            series = [
                Series(line.name, SERIES_COLOURS[i % len(SERIES_COLOURS)], line.values)
                for i, line in enumerate(criterion_lines(self.data, rid))
            ]
            self.criterion_chart.title = (
                f"Score by criterion over time: {self.data.rubrics[rid][0]}"
            )
        self.criterion_chart.set_data(self.labels, series)

    def _on_practise_clicked(self) -> None:
        if self.topics:
            self.practise_requested.emit(list(self.topics))
