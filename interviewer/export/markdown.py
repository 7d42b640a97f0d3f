"""The report as Markdown: readable as plain text, and inert when a viewer renders it.

Everything that came from the candidate or a model is backslash-escaped (CommonMark lets
any ASCII punctuation be escaped), so `<script>` in an answer renders as the text
"<script>" instead of raw HTML, and a stray `*` or `[` cannot restyle the report. The
raw file stays legible because only the characters that mean something are escaped.
Control and bidirectional-override characters (NUL, ESC, BEL, U+202E...) are dropped
before escaping (`interviewer.textsafety.report_text`), so they can neither reach a
terminal that shows the file nor turn an escaped line into a list item.
"""

from __future__ import annotations

import re

from interviewer.core.report import Report
from interviewer.export import view as V
from interviewer.export.view import Bar, QuestionView, ReportView, build_view
from interviewer.textsafety import report_text

_SPECIAL = re.compile(r"([\\`*_\[\]<>&|#~])")
_BLOCK_START = re.compile(r"^(\s*)([-+=]|\d+[.)])(?=\s|$)")


def md_escape(text: str) -> str:
    """Inline text: one line, every Markdown-significant character escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(report_text(text).split()))


def _escape_line(line: str) -> str:
    line = _SPECIAL.sub(r"\\\1", line.rstrip())
    # A line that would start a list or a heading underline stays a plain line.
    return _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)


def quote_block(text: str) -> str:
    """Multi-line text (an answer) as a blockquote that keeps the candidate's line breaks."""
    lines = report_text(text).strip("\n").splitlines() or [""]
    out = []
    for i, line in enumerate(lines):
        escaped = _escape_line(line)
        last = i == len(lines) - 1 or not lines[i + 1].strip()
        # Two trailing spaces make a hard line break, so lines are not run together.
        out.append(f"> {escaped}" + ("" if last or not escaped else "  "))
    return "\n".join(out).replace("> \n", ">\n")


def _bar_text(bar: Bar, width: int = 10) -> str:
    filled = round(bar.fraction * width)
    return "█" * filled + "░" * (width - filled)


def _bullets(items: list[str]) -> list[str]:
    return [f"- {md_escape(i)}" for i in items if i.strip()]


def _section(lines: list[str], title: str, body: list[str]) -> None:
    if body:
        lines += [f"#### {title}", "", *body, ""]


def _tests(q: QuestionView) -> list[str]:
    """A coding question's hidden tests as a table, and its reference solution."""
    lines: list[str] = []
    if q.tests_text:
        lines += [f"#### {V.HIDDEN_TESTS}: {md_escape(q.tests_text)}", ""]
        lines += ["| Test | Result | What happened |", "|---|---|---|"]
        for t in q.tests:
            mark = "✓" if t.ok else "✗"
            lines += [f"| {md_escape(t.name)} | {mark} {t.result} | {md_escape(t.message)} |"]
        lines += [""]
    if q.reference:
        longest = max((len(run) for run in re.findall(r"`+", q.reference)), default=0)
        fence = "`" * max(3, longest + 1)
        lines += [f"#### {V.REFERENCE_SOLUTION}", "", f"{fence}python", q.reference, fence, ""]
    return lines


def _question(q: QuestionView) -> list[str]:
    lines = [f"## {q.heading}: {q.score_text}", "", f"*{md_escape(q.subheading)}*", ""]
    lines += [f"> **Question.** {md_escape(q.text)}", ""]
    for f in q.flags:
        lines += [f"**⚑ {md_escape(f.title)}.** {md_escape(f.detail)}".rstrip(), ""]
    if q.grade_error:
        lines += [f"**Not graded:** {md_escape(q.grade_error)}", ""]
    for item in q.exchange:
        if item.kind == "follow_up":
            lines += [f"**Follow-up:** {md_escape(item.text)}", ""]
        elif item.kind == "notice":
            lines += [f"*Note: {md_escape(item.text)}*", ""]
        else:
            meta = f" ({md_escape(item.meta)})" if item.meta else ""
            lines += [f"**{md_escape(item.label)}**{meta}", ""]
            empty = f"> *{V.NOTHING_WRITTEN}*"
            lines += [quote_block(item.text) if not item.empty else empty, ""]
    if q.summary:
        lines += [f"**Grader's summary:** {md_escape(q.summary)}", ""]
    if q.red_flags:
        lines += [f"#### ⚑ {V.RED_FLAGS}", "", f"*{V.RED_FLAGS_NOTE}*", ""]
        for r in q.red_flags:
            lines += [f"- **{md_escape(r.text)}**"]
            if r.quote:
                lines += [f"  - {V.RED_FLAG_QUOTE}: “{md_escape(r.quote)}”"]
            if r.correction:
                lines += [f"  - {V.RED_FLAG_CORRECTION}: {md_escape(r.correction)}"]
        lines += [""]
    lines += _tests(q)
    if q.criteria:
        lines += [f"#### {V.RUBRIC_SCORES} · {md_escape(q.rubric_name)}", ""]
        for c in q.criteria:
            tag = f" *({V.UNCERTAIN})*" if c.uncertain else ""
            lines += [f"- **{md_escape(c.name)}: {c.score}/5**{tag}"]
            if c.level_text:
                lines += [f"  - {V.level_label(c.score)}: {md_escape(c.level_text)}"]
            if c.uncertain:
                lines += [f"  - {V.UNCERTAIN.capitalize()}: {V.UNCERTAIN_NOTE}."]
            for e in c.evidence:
                lines += [f"  - Evidence: “{md_escape(e)}”"]
            if not c.evidence:
                lines += [f"  - {V.NO_EVIDENCE}"]
            if c.reasoning:
                lines += [f"  - Why: {md_escape(c.reasoning)}"]
        lines += [""]
        if q.dropped_note:
            lines += [f"*{md_escape(q.dropped_note)}*", ""]
    if q.star:
        rows = [
            f"| {md_escape(s.part)} | {md_escape(s.status)} | "
            f"{'“' + md_escape(s.quote) + '”' if s.quote else V.NO_STAR_QUOTE} |"
            for s in q.star
        ]
        _section(lines, V.STAR_BREAKDOWN, ["| Part | Status | Quote |", "|---|---|---|", *rows])
    for title, items, ordered in q.lists:
        if ordered:
            body = [f"{i}. {md_escape(t)}" for i, t in enumerate(items, 1) if t.strip()]
        else:
            body = _bullets(items)
        _section(lines, title, body)
    delivery = [f"- {f.label}: {md_escape(f.value)}" for f in q.delivery]
    delivery += [f"- {md_escape(n)}" for n in q.delivery_notes]
    _section(lines, V.DELIVERY, delivery)
    if q.graded_by:
        lines += [f"*Graded by: {md_escape(q.graded_by)}*", ""]
    return lines


def render(view: ReportView) -> str:
    lines = [f"# {md_escape(view.title)}", "", "| | |", "|---|---|"]
    lines += [f"| {f.label} | {md_escape(f.value)} |" for f in view.facts]
    lines += ["", f"## Overall: {view.overall_text}, {md_escape(view.signal).lower()}", ""]
    lines += [md_escape(view.signal_reason), "", md_escape(view.counts), ""]
    if view.score_note:
        lines += [md_escape(view.score_note), ""]
    lines += [f"### {V.WORK_ON_FIRST}", ""]
    if view.focus:
        lines += [
            f"{i}. **{md_escape(f.title)}**. {md_escape(f.detail)}"
            for i, f in enumerate(view.focus, 1)
        ]
    else:
        lines += [md_escape(view.focus_note)]
    lines += [""]
    if view.categories:
        lines += [f"### {V.BY_CATEGORY}", "", "| Category | Average | |", "|---|---:|---|"]
        lines += [f"| {md_escape(b.label)} | {b.text} | {_bar_text(b)} |" for b in view.categories]
        lines += [""]
    if view.criteria:
        lines += [f"### {V.BY_CRITERION}", "", "| Criterion | Average | |", "|---|---:|---|"]
        lines += [f"| {md_escape(b.label)} | {b.text} | {_bar_text(b)} |" for b in view.criteria]
        lines += [""]
    for q in view.questions:
        lines += ["---", "", *_question(q)]
    if view.unasked:
        lines += ["---", "", f"## {V.NOT_REACHED}", ""]
        lines += [V.NOT_REACHED_NOTE, ""]
        lines += [f"{q.number}. {md_escape(q.text)}" for q in view.unasked]
        lines += [""]
    lines += ["---", "", f"*Report schema {view.schema_version}, session {view.session_id}.*"]
    # Every outside text was cleaned as it was escaped; this pass covers the rest.
    return report_text("\n".join(lines).rstrip() + "\n")


def to_markdown(report: Report) -> str:
    return render(build_view(report))
