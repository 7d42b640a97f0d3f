"""The report as a PDF, laid out by Qt's rich-text engine (the only export that needs Qt).

QTextDocument turns a small HTML page into real, selectable text with the fonts embedded
(QPdfWriter subsets them into the file), so the PDF reads well, searches, and copies.
QTextDocument understands only a subset of HTML and CSS, so this page is its own simple
template (tables for layout, `page-break-before` to start each question on a new page),
not the browser page from html.py. The criterion chart is drawn with QPainter into an
image at print resolution and added to the document as a resource.

Qt needs a GUI application object for fonts and painting; `to_pdf` creates one when the
caller (the CLI) has none, on the offscreen platform when there is no display, so it works
on a headless machine.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import jinja2
from PySide6.QtCore import QCoreApplication, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPalette,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtWidgets import QApplication

from interviewer.core.errors import InterviewerError
from interviewer.core.report import Report
from interviewer.export import view as V
from interviewer.export.html import SIGNAL_COLOURS, STATUS_COLOURS, level_colour
from interviewer.export.view import Bar, ReportView, build_view

CHART_URL = "interviewer-chart:criteria"
#: The chart is drawn this many times larger than it is shown, so it prints sharply.
CHART_SCALE = 4
CHART_WIDTH = 600  # document pixels
GREY = "#57606a"
#: Anchor name marking a short closing line that must not sit alone on a page.
TAIL_ANCHOR = "keep-with-previous"
#: 2 cm page margins, in the 96-dpi units Qt's text layout scales from (as print_ uses).
MARGIN_CM = 2.0

PAGE = """\
<html><head><style>
body { font-size: 10pt; color: #1f2328; }
h1 { font-size: 18pt; margin-bottom: 6px; }
h2 { font-size: 14pt; margin-top: 0; margin-bottom: 2px; }
h3 { font-size: 11.5pt; margin-top: 14px; margin-bottom: 4px; }
h4 { font-size: 9pt; margin-top: 12px; margin-bottom: 3px; color: #57606a; }
p { margin-top: 3px; margin-bottom: 3px; }
h2.page { page-break-before: always; }
.muted { color: #57606a; }
.answer { white-space: pre-wrap; }
.quote { font-style: italic; }
.chip { color: #ffffff; font-weight: bold; }
.big { font-size: 26pt; font-weight: bold; }
.asked { font-size: 11pt; font-weight: bold; margin-top: 8px; margin-bottom: 8px; }
.turn { margin-top: 8px; }
h4.answer-label { font-size: 10pt; color: #1f2328; margin-top: 8px; }
li { margin-bottom: 2px; }
</style></head><body>
<h1>{{ v.title }}</h1>
<table cellspacing="0" cellpadding="2">
{% for f in v.facts %}
<tr><td class="muted"><b>{{ f.label }}</b></td><td width="12"></td><td>{{ f.value }}</td></tr>
{% endfor %}
</table>

<h3>Overall</h3>
<table cellspacing="0" cellpadding="0"><tr>
<td valign="middle"><span class="big" style="color: {{ colour(v.overall_level) }}">
{{- v.overall_text.split('/')[0] -}}</span>
{% if v.overall is not none %}<span class="muted" style="font-size: 12pt"> / 100</span>{% endif %}
</td><td width="18"></td>
<td valign="middle"><table cellspacing="0" cellpadding="5"><tr><td bgcolor="{{ signal_colour }}">
<span class="chip" style="font-size: 11pt">{{ v.signal|upper }}</span></td></tr></table></td>
</tr></table>
<p>{{ v.signal_reason }}</p>
<p class="muted">{{ v.counts }}</p>
{% if v.score_note %}<p>{{ v.score_note }}</p>{% endif %}

<h3>{{ t.WORK_ON_FIRST }}</h3>
{% if v.focus %}
<ol>
{% for f in v.focus %}<li><b>{{ f.title }}.</b> {{ f.detail }}</li>
{% endfor %}
</ol>
{% else %}
<p>{{ v.focus_note }}</p>
{% endif %}

{% if v.categories %}
<h3>{{ t.BY_CATEGORY }}</h3>
<table cellspacing="0" cellpadding="3">
{% for b in v.categories %}
<tr><td width="110">{{ b.label }}</td>
<td width="240"><table cellspacing="0" cellpadding="0" width="240"><tr>
{% if b.fraction > 0 %}
<td width="{{ (b.fraction * 240)|round|int }}" bgcolor="{{ colour(b.level) }}">&nbsp;</td>
{% endif %}
{% if b.fraction < 1 %}<td bgcolor="#eaeef2">&nbsp;</td>{% endif %}
</tr></table></td>
<td>&nbsp;{{ b.text }}</td></tr>
{% endfor %}
</table>
{% endif %}

{% if v.criteria %}
<h3>{{ t.BY_CRITERION }}</h3>
<p><img src="{{ chart_url }}" width="{{ chart_w }}" height="{{ chart_h }}"></p>
{% endif %}


{% for q in v.questions %}
<h2 class="page">{{ q.heading }}&nbsp;&nbsp;<span class="chip"
 style="background-color: {{ colour(q.level) }}; font-size: 11pt">
&nbsp;{{ q.score_text }}&nbsp;</span></h2>
<p class="muted">{{ q.subheading }}</p>
<p class="asked">{{ q.text }}</p>
{% for f in q.flags %}
<table width="100%" cellspacing="0" cellpadding="6">
<tr><td bgcolor="{{ '#fdecea' if f.severe else '#fff8e6' }}">
<b>{{ f.title }}.</b> {{ f.detail }}</td></tr></table>
{% endfor %}
{% if q.grade_error %}
<table width="100%" cellspacing="0" cellpadding="6">
<tr><td bgcolor="#fdecea"><b>Not graded.</b> {{ q.grade_error }}</td></tr></table>
{% endif %}
{% for item in q.exchange %}
{% if item.kind == 'follow_up' %}
<p class="turn"><b>Follow-up:</b> {{ item.text }}</p>
{% elif item.kind == 'notice' %}
<p class="muted">{{ item.text }}</p>
{% else %}
<h4 class="answer-label">{{ item.label }}
{% if item.meta %}<span class="muted" style="font-weight: normal">({{ item.meta }})</span>
{%- endif %}</h4>
<table width="100%" cellspacing="0" cellpadding="7"><tr><td bgcolor="#f3f4f6">
{% if item.empty %}
<span class="muted"><i>{{ t.NOTHING_WRITTEN }}</i></span>
{% else %}
<p class="answer">{{ item.text }}</p>
{% endif %}
</td></tr></table>
{% endif %}
{% endfor %}
{% if q.summary %}<p class="turn"><b>Grader's summary:</b> {{ q.summary }}</p>{% endif %}
{% if q.red_flags %}
<h4 style="color: #b42318">{{ t.RED_FLAGS }}</h4>
<table width="100%" cellspacing="0" cellpadding="6">
<tr><td bgcolor="#fdecea">
<span class="muted">{{ t.RED_FLAGS_NOTE }}</span>
{% for r in q.red_flags %}
<br><br><b>{{ r.text }}</b>
{% if r.quote %}<br>{{ t.RED_FLAG_QUOTE }}: <span class="quote">“{{ r.quote }}”</span>{% endif %}
{% if r.correction %}<br>{{ t.RED_FLAG_CORRECTION }}: {{ r.correction }}{% endif %}
{% endfor %}
</td></tr></table>
{% endif %}
{% if q.tests_text %}
<h4>{{ t.HIDDEN_TESTS }}: {{ q.tests_text }}</h4>
<table width="100%" cellspacing="0" cellpadding="3">
{% for r in q.tests %}
<tr><td width="40%">{{ r.name }}</td><td width="12%">{{ r.result }}</td>
<td>{{ r.message }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if q.reference %}
<h4>{{ t.REFERENCE_SOLUTION }}</h4>
<pre>{{ q.reference }}</pre>
{% endif %}
{% if q.criteria %}
<h4>{{ t.RUBRIC_SCORES }} · {{ q.rubric_name }}</h4>
{% for c in q.criteria %}
<table width="100%" cellspacing="0" cellpadding="4">
<tr><td width="46" valign="top">
<span class="chip" style="background-color: {{ colour(c.score) }}">
&nbsp;{{ c.score }}/5&nbsp;</span>
</td>
<td valign="top"><b>{{ c.name }}</b>
{% if c.uncertain %}&nbsp;<span style="color: #2760a8"><b>({{ t.UNCERTAIN }})</b></span>{% endif %}
{% if c.level_text %}
<br><span class="muted">{{ level_label(c.score) }}: {{ c.level_text }}</span>
{% endif %}
{% if c.uncertain %}
<br><span class="muted">{{ t.UNCERTAIN|capitalize }}: {{ t.UNCERTAIN_NOTE }}.</span>
{% endif %}
{% for e in c.evidence %}
<br><span class="quote">“{{ e }}”</span>
{% else %}
<br><span class="muted">{{ t.NO_EVIDENCE }}</span>
{% endfor %}
{% if c.reasoning %}<br>Why: {{ c.reasoning }}{% endif %}
</td></tr>
</table>
{% endfor %}
{% if q.dropped_note %}<p class="muted">{{ q.dropped_note }}</p>{% endif %}
{% endif %}
{% if q.star %}
<h4>{{ t.STAR_BREAKDOWN }}</h4>
<table width="100%" cellspacing="0" cellpadding="4">
{% for s in q.star %}
<tr><td width="80" valign="top">{{ s.part }}</td>
<td width="86" valign="top">
<span class="chip" style="background-color: {{ status_colour(s.status) }}">
&nbsp;{{ s.status }}&nbsp;</span>
</td>
<td valign="top">
{% if s.quote %}<span class="quote">“{{ s.quote }}”</span>
{% else %}<span class="muted">{{ t.NO_STAR_QUOTE }}</span>{% endif %}
</td></tr>
{% endfor %}
</table>
{% endif %}
{% for title, items, ordered in q.lists %}
{% if items %}
<h4>{{ title }}</h4>
<{{ 'ol' if ordered else 'ul' }}>
{% for i in items %}<li>{{ i }}</li>
{% endfor %}
</{{ 'ol' if ordered else 'ul' }}>
{% endif %}
{% endfor %}
{% if q.delivery %}
<h4>{{ t.DELIVERY }}</h4>
{% endif %}
{% if q.delivery or q.graded_by %}
{# One table, so the delivery figures, their notes and who graded stay on one page. #}
<table cellspacing="0" cellpadding="2">
{% for f in q.delivery %}
<tr><td class="muted"><b>{{ f.label }}</b></td><td width="12"></td><td>{{ f.value }}</td></tr>
{% endfor %}
{% for n in q.delivery_notes %}
<tr><td colspan="3">• {{ n }}</td></tr>
{% endfor %}
{% if q.graded_by %}
<tr><td colspan="3" class="muted" style="padding-top: 6px">Graded by: {{ q.graded_by }}</td></tr>
{% endif %}
</table>
{% endif %}
{% endfor %}

{% if v.unasked %}
<h2 style="margin-top: 24px">{{ t.NOT_REACHED }}</h2>
<p>{{ t.NOT_REACHED_NOTE }}</p>
{% for q in v.unasked %}
<p>{{ q.number }}. {{ q.text }}</p>
{% endfor %}
{% endif %}
<p class="muted turn"><a name="{{ tail }}"></a>
Report schema {{ v.schema_version }} · session {{ v.session_id }}</p>
</body></html>
"""

_ENV = jinja2.Environment(
    autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True
)
_PAGE = _ENV.from_string(PAGE)
_APP: QCoreApplication | None = None


def ensure_app() -> None:
    """Make sure a Qt GUI application exists (fonts and painting need one).

    A QApplication, not a QGuiApplication: if the process later shows widgets (or a
    test suite creates its own), they must find a widgets-capable application.
    """
    global _APP
    app = QCoreApplication.instance()
    if app is None:
        headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if headless and sys.platform.startswith("linux"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _APP = QApplication([sys.argv[0] if sys.argv else "interviewer"])
    elif not isinstance(app, QGuiApplication):
        raise InterviewerError("PDF export needs a Qt GUI application; this one has none.")


def chart_image(bars: list[Bar], font: QFont) -> QImage:
    """A horizontal bar chart of 1-5 averages, drawn at CHART_SCALE times its size."""
    s = CHART_SCALE
    row = 26 if len(bars) <= 8 else 20  # a long list stays on the first page
    top, label_w, axis_pad = 6, 210, 8
    plot_w = CHART_WIDTH - label_w - 60
    height = top + row * len(bars) + 20
    image = QImage(CHART_WIDTH * s, height * s, QImage.Format.Format_ARGB32)
    image.fill(QColor("#ffffff"))
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    p.scale(s, s)
    label_font = QFont(font)
    label_font.setPixelSize(12)
    tick_font = QFont(font)
    tick_font.setPixelSize(10)
    metrics = QFontMetricsF(label_font)
    x0 = label_w
    step = plot_w / 5
    bottom = top + row * len(bars)
    p.setFont(tick_font)
    for t in range(6):
        x = x0 + t * step
        p.setPen(QPen(QColor("#d8dee4"), 0.8))
        p.drawLine(int(x), top - 2, int(x), bottom)
        p.setPen(QColor(GREY))
        p.drawText(QRectF(x - 20, bottom + 2, 40, 16), Qt.AlignmentFlag.AlignCenter, str(t))
    for i, bar in enumerate(bars):
        y = top + i * row
        p.setFont(label_font)
        p.setPen(QColor("#1f2328"))
        label = metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, label_w - axis_pad - 4)
        p.drawText(
            QRectF(0, y, label_w - axis_pad, row),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            label,
        )
        w = bar.fraction * plot_w
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(level_colour(bar.level)))
        p.drawRoundedRect(QRectF(x0, y + 5, max(w, 1.5), row - 10), 3, 3)
        p.setPen(QColor("#1f2328"))
        p.drawText(
            QRectF(x0 + w + 6, y, 60, row),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            bar.text,
        )
    p.end()
    return image


def document(view: ReportView) -> QTextDocument:
    doc = QTextDocument()
    font = QFont(QGuiApplication.font())
    font.setPointSizeF(10)
    # No ligatures: with them "fi" is one glyph, and text copied out of the PDF reads "ﬁ".
    for tag in ("liga", "clig"):
        font.setFeature(QFont.Tag(tag), 0)
    doc.setDefaultFont(font)
    chart_h = 0
    if view.criteria:
        image = chart_image(view.criteria, font)
        chart_h = image.height() // CHART_SCALE
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(CHART_URL), image)
    html = _PAGE.render(
        v=view,
        tail=TAIL_ANCHOR,
        t=V,
        level_label=V.level_label,
        chart_url=CHART_URL,
        chart_w=CHART_WIDTH,
        chart_h=chart_h,
        colour=level_colour,
        status_colour=lambda s: STATUS_COLOURS.get(s, "#6e7781"),
        signal_colour=SIGNAL_COLOURS.get(view.signal, "#6e7781"),
    )
    doc.setHtml(html)
    return doc


# --------------------------------------------------------------------------- pages


@dataclass
class _Piece:
    """One top-level element of the page: a paragraph or a table, with where it lies."""

    block: QTextBlock | None
    table: QTextTable | None
    top: float
    bottom: float

    @property
    def heading(self) -> bool:
        return self.block is not None and self.block.blockFormat().headingLevel() > 0

    @property
    def tail(self) -> bool:
        if self.block is None:
            return False
        it = self.block.begin()
        while not it.atEnd():
            if TAIL_ANCHOR in it.fragment().charFormat().anchorNames():
                return True
            it += 1
        return False

    @property
    def empty(self) -> bool:
        return self.block is not None and not self.block.text().strip()

    def break_before(self) -> None:
        always = QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore
        if self.table is not None:
            table_format = self.table.format()
            table_format.setPageBreakPolicy(always)
            self.table.setFormat(table_format)
        elif self.block is not None:
            block_format = self.block.blockFormat()
            block_format.setPageBreakPolicy(always)
            QTextCursor(self.block).setBlockFormat(block_format)


def pieces(doc: QTextDocument) -> list[_Piece]:
    layout = doc.documentLayout()
    out: list[_Piece] = []
    it = doc.rootFrame().begin()
    while not it.atEnd():
        frame = it.currentFrame()
        block = it.currentBlock()
        if isinstance(frame, QTextTable):
            rect = layout.frameBoundingRect(frame)
            out.append(_Piece(None, frame, rect.top(), rect.bottom()))
        elif frame is None and block.isValid():
            rect = layout.blockBoundingRect(block)
            out.append(_Piece(block, None, rect.top(), rect.bottom()))
        it += 1
    return out


def units(pieces: list[_Piece]) -> list[list[_Piece]]:
    """Pieces that must share a page: a heading with what follows it, a closing line
    with what precedes it, and each table whole."""
    units: list[list[_Piece]] = []
    glue_next = False
    for piece in pieces:
        if piece.empty:
            continue
        if units and (glue_next or piece.tail):
            units[-1].append(piece)
        else:
            units.append([piece])
        glue_next = piece.heading
    return units


def paginate(doc: QTextDocument, page_height: float, margin: float) -> int:
    """Move page breaks so no table or heading-with-its-content is cut by a page end.

    QTextDocument can only break before a block or a table (no CSS "avoid"), so this
    lays the document out, finds the first unit crossing a page end that would fit on
    one page, breaks before it and lays out again. A unit taller than a page (a very
    long answer) is left to flow. Returns the number of pages holding content.
    """
    usable = page_height - 2 * margin
    for _ in range(500):  # each pass fixes one unit; a report has far fewer
        moved = False
        for unit in units(pieces(doc)):
            top, bottom = unit[0].top, max(p.bottom for p in unit)
            if bottom - top > usable:
                continue
            first_page = int(top // page_height)
            if bottom > (first_page + 1) * page_height - margin + 0.5:
                if top - first_page * page_height <= margin + 1:
                    continue  # already at the top of a page
                unit[0].break_before()
                moved = True
                break
        if not moved:
            break
    content = [p for p in pieces(doc) if not p.empty]
    last = max((p.bottom for p in content), default=0.0)
    return max(1, int((last - 0.5) // page_height) + 1)


def lay_out(doc: QTextDocument, writer: QPdfWriter) -> tuple[int, float]:
    """Lay `doc` out on the writer's pages, paginated; return (pages, margin in pixels)."""
    doc.documentLayout().setPaintDevice(writer)
    margin96 = MARGIN_CM / 2.54 * 96  # frame margins are scaled to the device by Qt
    fmt = doc.rootFrame().frameFormat()
    fmt.setLeftMargin(margin96)
    fmt.setRightMargin(margin96)
    fmt.setTopMargin(margin96)
    fmt.setBottomMargin(margin96)
    doc.rootFrame().setFrameFormat(fmt)
    doc.setPageSize(QSizeF(writer.width(), writer.height()))
    margin = MARGIN_CM / 2.54 * writer.logicalDpiY()
    return paginate(doc, writer.height(), margin), margin


def _print(doc: QTextDocument, writer: QPdfWriter) -> None:
    """Lay the document out on the writer's pages and paint it, with page numbers.

    The same steps as QTextDocument.print_ (2 cm margins, the page number below the
    body), done here so the layout that is checked by `paginate` is the one printed.
    """
    pages, margin = lay_out(doc, writer)
    layout = doc.documentLayout()
    body = QRectF(0, 0, writer.width(), writer.height())
    painter = QPainter(writer)
    font = QFont(doc.defaultFont())
    try:
        for index in range(pages):
            if index:
                writer.newPage()
            painter.save()
            painter.translate(0, -index * body.height())
            view = QRectF(0, index * body.height(), body.width(), body.height())
            painter.setClipRect(view)
            ctx = QAbstractTextDocumentLayout.PaintContext()
            ctx.clip = view
            ctx.palette.setColor(QPalette.ColorRole.Text, QColor("#000000"))
            layout.draw(painter, ctx)
            painter.restore()
            painter.setFont(font)
            painter.setPen(QColor(GREY))
            number = f"{index + 1} / {pages}"
            right = body.width() - margin
            y = body.height() - margin + painter.fontMetrics().ascent() + writer.logicalDpiY() / 14
            painter.drawText(
                round(right - painter.fontMetrics().horizontalAdvance(number)), round(y), number
            )
    finally:
        painter.end()


def to_pdf(report: Report, path: os.PathLike[str] | str) -> None:
    """Write the report as a PDF at `path` (write_report adds the atomic replace)."""
    ensure_app()
    doc = document(build_view(report))
    doc.setMetaInformation(QTextDocument.MetaInformation.DocumentTitle, report.track_name)
    writer = QPdfWriter(os.fspath(path))
    writer.setTitle(f"Interview report: {report.track_name}")
    writer.setCreator("Interviewer")
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    _print(doc, writer)
    del writer  # QPdfWriter finishes the file when it is destroyed
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise InterviewerError(f"Qt could not write the PDF to {os.fspath(path)}.")
