"""The report as one self-contained HTML file: inline CSS and SVG, no scripts, no links out.

The page is rendered by Jinja2 with autoescaping on, so everything the candidate typed
(and everything a model wrote about it) reaches the page as text: `<script>` in an
answer shows as "<script>". A Content-Security-Policy that forbids scripts and every
outside resource backs that up in browsers. The template is a Python string so the
wheel needs no template files.
"""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from interviewer.core.report import Report
from interviewer.export import view as V
from interviewer.export.view import Bar, ReportView, build_view
from interviewer.textsafety import report_text

#: Colours for rubric levels 1-5 (red to green), dark enough to read on white and print.
LEVEL_COLOURS = {1: "#b42318", 2: "#c4540c", 3: "#a16207", 4: "#4d7c0f", 5: "#15803d"}
STATUS_COLOURS = {"present": "#15803d", "weak": "#a16207", "missing": "#b42318"}

CHART_LABEL_CHARS = 30

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f6f7f9; color: #1f2328; overflow-wrap: break-word;
  font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    sans-serif; }
main { max-width: 880px; margin: 0 auto; padding: 32px 24px 48px; }
h1 { font-size: 1.7em; margin: 0 0 12px; line-height: 1.25; }
h2 { font-size: 1.3em; margin: 0 0 4px; line-height: 1.3; }
h3 { font-size: 1.05em; margin: 22px 0 8px; }
h4 { font-size: 0.95em; margin: 18px 0 6px; text-transform: uppercase; letter-spacing: .04em;
  color: #57606a; }
section, header.card { background: #fff; border: 1px solid #d8dee4; border-radius: 10px;
  padding: 20px 24px; margin: 0 0 20px; }
table { border-collapse: collapse; }
.facts td, .facts th { padding: 2px 16px 2px 0; text-align: left; vertical-align: top; }
.facts th { color: #57606a; font-weight: 600; white-space: nowrap; }
.overall { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 16px; }
.big { font-size: 2.6em; font-weight: 700; line-height: 1; }
.out-of { color: #57606a; font-size: 1.1em; }
.chip { display: inline-block; border-radius: 999px; padding: 2px 10px; font-size: .85em;
  font-weight: 600; color: #fff; vertical-align: middle; }
.signal { font-size: 1em; padding: 4px 14px; text-transform: uppercase; letter-spacing: .03em; }
.muted { color: #57606a; }
.cats td { padding: 3px 12px 3px 0; }
.meter { width: 240px; height: 10px; background: #eaeef2; border-radius: 5px; overflow: hidden; }
.meter span { display: block; height: 100%; }
svg text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  fill: #1f2328; }
svg .tick { fill: #57606a; font-size: 11px; }
ol.focus li { margin: 0 0 8px; }
.question-text { font-size: 1.08em; font-weight: 600; margin: 10px 0 14px; }
.flag { border-left: 4px solid #a16207; background: #fff8e6; padding: 8px 12px; margin: 8px 0;
  border-radius: 4px; }
.flag.severe { border-color: #b42318; background: #fdecea; }
.answer { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f8fa;
  border-left: 4px solid #8c959f; padding: 10px 14px; margin: 4px 0 14px; border-radius: 4px; }
.answer.empty { color: #57606a; font-style: italic; }
.follow-up { margin: 14px 0 4px; }
.label { font-weight: 600; }
.crit { border-top: 1px solid #eaeef2; padding: 10px 0; }
.crit:first-of-type { border-top: none; }
.crit-head { display: flex; justify-content: space-between; gap: 12px; font-weight: 600; }
.level { color: #57606a; margin: 2px 0; }
.red-flags { border-left: 4px solid #b42318; background: #fdecea; padding: 4px 14px 10px;
  margin: 12px 0; border-radius: 4px; }
.red-flags h4 { color: #b42318; }
.red-flags p { margin: 0 0 6px; }
.red-flag { padding: 6px 0; border-top: 1px solid #f4c7c3; }
.red-flag .said { font-style: italic; overflow-wrap: anywhere; }
.uncertain { display: inline-block; margin-left: 8px; padding: 0 8px; border-radius: 999px;
  border: 1px solid #2760a8; color: #2760a8; font-size: .8em; font-weight: 600;
  vertical-align: middle; }
blockquote { margin: 4px 0; padding: 0 0 0 12px; border-left: 3px solid #d0d7de;
  font-style: italic; overflow-wrap: anywhere; }
.star td, .star th { border-bottom: 1px solid #eaeef2; padding: 6px 12px 6px 0; text-align: left;
  vertical-align: top; }
.star td.quote { font-style: italic; overflow-wrap: anywhere; }
ul, ol { padding-left: 22px; margin: 4px 0; }
.delivery th { text-align: left; padding: 2px 16px 2px 0; color: #57606a; font-weight: 600; }
.delivery td { padding: 2px 0; }
footer { color: #57606a; font-size: .85em; text-align: center; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  section, header.card { border: none; padding: 0; margin: 0 0 16px; }
  section.question { break-before: page; page-break-before: always; }
  .chip, .meter span, .flag, .answer, .red-flags { -webkit-print-color-adjust: exact;
    print-color-adjust: exact; }
}
"""

TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Interviewer">
<title>{{ v.title }}</title>
<style>{{ css }}</style>
</head>
<body>
<main>
<header class="card">
<h1>{{ v.title }}</h1>
<table class="facts">
{% for f in v.facts %}
<tr><th scope="row">{{ f.label }}</th><td>{{ f.value }}</td></tr>
{% endfor %}
</table>
</header>

<section aria-labelledby="overall-h">
<h2 id="overall-h">Overall</h2>
<div class="overall">
<span class="big" style="color: {{ colour(v.overall_level) }}">
{{- v.overall_text.split('/')[0] -}}
</span>{% if v.overall is not none %}<span class="out-of">/ 100</span>{% endif %}
<span class="chip signal" style="background: {{ signal_colour }}">{{ v.signal }}</span>
</div>
<p>{{ v.signal_reason }}</p>
<p class="muted">{{ v.counts }}</p>
{% if v.score_note %}<p>{{ v.score_note }}</p>{% endif %}
<h3>{{ t.WORK_ON_FIRST }}</h3>
{% if v.focus %}
<ol class="focus">
{% for f in v.focus %}
<li><span class="label">{{ f.title }}.</span> {{ f.detail }}</li>
{% endfor %}
</ol>
{% else %}
<p>{{ v.focus_note }}</p>
{% endif %}
{% if v.categories %}
<h3>{{ t.BY_CATEGORY }}</h3>
<table class="cats">
{% for b in v.categories %}
<tr><td>{{ b.label }}</td>
<td><div class="meter" role="img" aria-label="{{ b.label }}: {{ b.text }}">
<span style="width: {{ '%.1f' % (b.fraction * 100) }}%; background: {{ colour(b.level) }}"></span>
</div></td>
<td>{{ b.text }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if v.criteria %}
<h3>{{ t.BY_CRITERION }}</h3>
{{ chart }}
{% endif %}
</section>

{% for q in v.questions %}
<section class="question" id="{{ q.question_id }}" aria-labelledby="q{{ q.number }}-h">
<h2 id="q{{ q.number }}-h">{{ q.heading }}
<span class="chip" style="background: {{ colour(q.level) }}">{{ q.score_text }}</span></h2>
<div class="muted">{{ q.subheading }}</div>
<p class="question-text">{{ q.text }}</p>
{% for f in q.flags %}
<div class="flag{{ ' severe' if f.severe else '' }}">
<span class="label">{{ f.title }}.</span> {{ f.detail }}</div>
{% endfor %}
{% if q.grade_error %}
<div class="flag severe"><span class="label">Not graded.</span> {{ q.grade_error }}</div>
{% endif %}
{% for item in q.exchange %}
{% if item.kind == 'follow_up' %}
<p class="follow-up"><span class="label">Follow-up:</span> {{ item.text }}</p>
{% elif item.kind == 'notice' %}
<p class="muted">{{ item.text }}</p>
{% else %}
<div><span class="label">{{ item.label }}</span>
{% if item.meta %}<span class="muted">({{ item.meta }})</span>{% endif %}</div>
{% if item.empty %}
<div class="answer empty">{{ t.NOTHING_WRITTEN }}</div>
{% else %}
<div class="answer">{{ item.text }}</div>
{% endif %}
{% endif %}
{% endfor %}
{% if q.summary %}
<p><span class="label">Grader's summary:</span> {{ q.summary }}</p>
{% endif %}
{% if q.red_flags %}
<div class="red-flags" role="group" aria-label="{{ t.RED_FLAGS }}">
<h4>⚑ {{ t.RED_FLAGS }}</h4>
<p class="muted">{{ t.RED_FLAGS_NOTE }}</p>
{% for r in q.red_flags %}
<div class="red-flag">
<div class="label">{{ r.text }}</div>
{% if r.quote %}<div><span class="label">{{ t.RED_FLAG_QUOTE }}:</span>
<span class="said">“{{ r.quote }}”</span></div>{% endif %}
{% if r.correction %}<div><span class="label">{{ t.RED_FLAG_CORRECTION }}:</span>
{{ r.correction }}</div>{% endif %}
</div>
{% endfor %}
</div>
{% endif %}
{% if q.tests_text %}
<h4>{{ t.HIDDEN_TESTS }}: {{ q.tests_text }}</h4>
<table class="tests">
<tr><th>Test</th><th>Result</th><th>What happened</th></tr>
{% for r in q.tests %}
<tr><td>{{ r.name }}</td><td>{{ "✓" if r.ok else "✗" }} {{ r.result }}</td>
<td>{{ r.message }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if q.reference %}
<h4>{{ t.REFERENCE_SOLUTION }}</h4>
<pre class="answer"><code>{{ q.reference }}</code></pre>
{% endif %}
{% if q.criteria %}
<h4>{{ t.RUBRIC_SCORES }} · {{ q.rubric_name }}</h4>
{% for c in q.criteria %}
<div class="crit">
<div class="crit-head"><span>{{ c.name }}
{%- if c.uncertain %} <span class="uncertain" title="{{ t.UNCERTAIN_NOTE }}">
{{- t.UNCERTAIN }}</span>
{%- endif %}</span>
<span class="chip" style="background: {{ colour(c.score) }}">{{ c.score }}/5</span></div>
{% if c.level_text %}
<div class="level">{{ level_label(c.score) }}: {{ c.level_text }}</div>
{% endif %}
{% if c.uncertain %}
<div class="muted">{{ t.UNCERTAIN|capitalize }}: {{ t.UNCERTAIN_NOTE }}.</div>
{% endif %}
{% for e in c.evidence %}
<blockquote>“{{ e }}”</blockquote>
{% else %}
<div class="muted">{{ t.NO_EVIDENCE }}</div>
{% endfor %}
{% if c.reasoning %}<div><span class="label">Why:</span> {{ c.reasoning }}</div>{% endif %}
</div>
{% endfor %}
{% if q.dropped_note %}<p class="muted">{{ q.dropped_note }}</p>{% endif %}
{% endif %}
{% if q.star %}
<h4>{{ t.STAR_BREAKDOWN }}</h4>
<table class="star">
<tr><th scope="col">Part</th><th scope="col">Status</th><th scope="col">Quote</th></tr>
{% for s in q.star %}
<tr><td>{{ s.part }}</td>
<td><span class="chip" style="background: {{ status_colour(s.status) }}">{{ s.status }}</span></td>
<td class="quote">{{ '“' ~ s.quote ~ '”' if s.quote else t.NO_STAR_QUOTE }}</td></tr>
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
<table class="delivery">
{% for f in q.delivery %}<tr><th scope="row">{{ f.label }}</th><td>{{ f.value }}</td></tr>
{% endfor %}
</table>
{% if q.delivery_notes %}
<ul>{% for n in q.delivery_notes %}<li>{{ n }}</li>{% endfor %}</ul>
{% endif %}
{% endif %}
{% if q.graded_by %}<p class="muted">Graded by: {{ q.graded_by }}</p>{% endif %}
</section>
{% endfor %}

{% if v.unasked %}
<section aria-labelledby="unasked-h">
<h2 id="unasked-h">{{ t.NOT_REACHED }}</h2>
<p>{{ t.NOT_REACHED_NOTE }}</p>
<ol>
{% for q in v.unasked %}<li value="{{ q.number }}">{{ q.text }}</li>
{% endfor %}
</ol>
</section>
{% endif %}
<footer>Report schema {{ v.schema_version }} · session {{ v.session_id }}</footer>
</main>
</body>
</html>
"""

CHART = """\
<svg role="img" aria-labelledby="chart-t" width="{{ width }}" height="{{ height }}" \
style="max-width: 100%; height: auto" \
viewBox="0 0 {{ width }} {{ height }}">
<title id="chart-t">Average score per criterion:
{%- for b in bars %} {{ b.label }} {{ b.text }}{{ ';' if not loop.last else '' }}
{%- endfor %}</title>
{% for t in range(6) %}
<line x1="{{ x0 + t * step }}" y1="{{ top - 4 }}" x2="{{ x0 + t * step }}" y2="{{ bottom }}" \
stroke="#d8dee4" stroke-width="1"/>
<text class="tick" x="{{ x0 + t * step }}" y="{{ bottom + 14 }}" text-anchor="middle">{{ t }}</text>
{% endfor %}
{% for b in bars %}
{% set y = top + loop.index0 * row %}
<text x="{{ x0 - 10 }}" y="{{ y + 15 }}" text-anchor="end">{{ short(b.label) }}</text>
<rect x="{{ x0 }}" y="{{ y + 4 }}" width="{{ '%.1f' % (b.fraction * 5 * step) }}" height="16" \
rx="3" fill="{{ colour(b.level) }}"/>
<text x="{{ '%.1f' % (x0 + b.fraction * 5 * step + 6) }}" y="{{ y + 16 }}">{{ b.text }}</text>
{% endfor %}
</svg>"""

_ENV = jinja2.Environment(
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_PAGE = _ENV.from_string(TEMPLATE)
_CHART = _ENV.from_string(CHART)


def level_colour(level: int | None) -> str:
    """The colour of a rubric level; grey for no level (skipped, not graded)."""
    return LEVEL_COLOURS.get(level, "#6e7781") if level is not None else "#6e7781"


def _short(label: str) -> str:
    return label if len(label) <= CHART_LABEL_CHARS else label[: CHART_LABEL_CHARS - 1] + "…"


def svg_chart(bars: list[Bar]) -> str:
    """A horizontal bar chart of 1-5 averages, drawn in SVG (no script, no outside font)."""
    row, top, x0, step = 28, 8, 230, 70
    bottom = top + row * len(bars)
    return _CHART.render(
        bars=bars,
        width=x0 + 5 * step + 60,
        height=bottom + 22,
        row=row,
        top=top,
        bottom=bottom,
        x0=x0,
        step=step,
        colour=level_colour,
        short=_short,
    )


SIGNAL_COLOURS = {
    "Hire": LEVEL_COLOURS[5],
    "Lean hire": LEVEL_COLOURS[4],
    "Lean no hire": LEVEL_COLOURS[2],
    "No hire": LEVEL_COLOURS[1],
}


def render(view: ReportView) -> str:
    """The page; control and bidi-override characters from any field are dropped (the
    template's own text has none), since autoescaping leaves NUL, ESC and U+202E as is."""
    page = _PAGE.render(
        v=view,
        t=V,
        level_label=V.level_label,
        css=Markup(CSS),  # trusted constant: entities would break CSS strings
        chart=Markup(svg_chart(view.criteria)),  # built by the autoescaping chart template
        colour=level_colour,
        status_colour=lambda s: STATUS_COLOURS.get(s, "#6e7781"),
        signal_colour=SIGNAL_COLOURS.get(view.signal, "#6e7781"),
    )
    return report_text(page)


def to_html(report: Report) -> str:
    return render(build_view(report))
