"""`interviewer progress` (and the listing behind `interviewer sessions`) for the terminal.

Both print what the window shows, from the same functions (`interviewer.progress`): the
Progress screen's headline, its two charts as tables (one row per finished session,
oldest first) and its weakest topics and criteria; the History screen's rows and
summary line. Registered on the command line's subparsers by `register(sub)`.

`interviewer progress --json` prints one object:

- `finished_sessions` (int): finished interviews charted.
- `unreadable_reports` (int): finished sessions whose saved report could not be read,
  left out of everything below (a warning on stderr says so too).
- `latest_average` (float or null), `latest_average_sessions` (int): the mean overall
  score of the last (up to 5) finished sessions that have one, as in the headline.
- `weak_window_sessions` (int): weak topics and criteria come from this many of the
  most recent finished sessions (at most 10).
- `practice_topics` (list of str): the topics "Practise my weak topics" would cover.
- `categories` (list of {`id`, `name`}): the categories charted.
- `rubrics` (list of {`id`, `name`, `criteria`: list of {`id`, `name`}}): the rubrics
  charted, criteria in rubric order.
- `sessions` (list, oldest first) of {`session_id`, `started_at` (ISO 8601, UTC),
  `label` (the chart's x label, local time), `overall_score` (0-100 or null),
  `per_category` ({category id: 0-100}), `per_criterion` ({rubric id: {criterion id:
  mean 1-5 score in that session}})}.
- `weak_topics` (list, weakest first) of {`topic`, `average` (0-100; a skipped question
  counts 0), `answers`, `question_ids`}.
- `weak_criteria` (list, weakest first) of {`rubric_id`, `rubric_name`,
  `criterion_id`, `name`, `average` (1-5), `count`}.

Scores are not rounded in JSON; the text rounds them as the window does (scores out of
100 to whole numbers, criterion scores to one decimal).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import textwrap
from collections.abc import Sequence
from typing import IO, Any

from interviewer.progress import (
    LISTED,
    Line,
    ProgressData,
    category_lines,
    charted_rubrics,
    criterion_lines,
    finished_reports,
    history_summary,
    overview,
    progress_data,
    progress_json,
    session_json,
    session_labels,
)
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionRow, SessionStore
from interviewer.textsafety import terminal_writer

NO_VALUE = "-"

EPILOG = """\
--json prints one object (scores unrounded):
  finished_sessions, unreadable_reports     finished interviews charted; reports left out
  latest_average, latest_average_sessions   mean overall score of the last (up to 5)
  weak_window_sessions                      weak lists come from this many recent sessions
  practice_topics                           what 'Practise my weak topics' would cover
  categories                                [{id, name}] charted
  rubrics                                   [{id, name, criteria: [{id, name}]}] charted
  sessions       oldest first: session_id, started_at (UTC), label, overall_score (0-100),
                 per_category {category: 0-100}, per_criterion {rubric: {criterion: 1-5}}
  weak_topics    weakest first: topic, average (0-100), answers, question_ids
  weak_criteria  weakest first: rubric_id, rubric_name, criterion_id, name, average (1-5),
                 count
"""


def register(sub: Any) -> None:
    """Add `progress` to the command line's subparsers (`parser.add_subparsers()`)."""
    p = sub.add_parser(
        "progress",
        help="scores over time and your weakest topics (as in the app's Progress screen)",
        description="Scores over time per category and per rubric criterion, and the "
        "weakest topics and criteria of your recent finished interviews: the numbers "
        "the app's Progress screen shows.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--json", action="store_true", help="print JSON (fields below)")
    p.set_defaults(func=cmd_progress)


def open_store(err: IO[str]) -> SessionStore:
    """The user's session database; a notice (e.g. kept in memory only) goes to `err`."""
    store = SessionStore.open(app_paths().database, read_only=True)
    if store.notice:
        print(f"warning: {store.notice}", file=err)
    return store


def cmd_progress(
    args: argparse.Namespace,
    out: IO[str] | None = None,
    err: IO[str] | None = None,
    store: SessionStore | None = None,
) -> int:
    out = terminal_writer(out if out is not None else sys.stdout)
    err = terminal_writer(err if err is not None else sys.stderr)
    store = store if store is not None else open_store(err)
    reports, unreadable = finished_reports(store)
    if unreadable:
        many = unreadable != 1
        print(
            f"warning: {unreadable} saved report{'s' if many else ''} could not be read "
            f"and {'are' if many else 'is'} left out.",
            file=err,
        )
    data = progress_data(reports)
    if getattr(args, "json", False):
        print(json.dumps(progress_json(data, unreadable), indent=2), file=out)
    else:
        out.write(progress_text(data))
    return 0


# --------------------------------------------------------------------------- text


def _table(head: list[str], rows: list[list[str]], left: int) -> list[str]:
    """Columns padded to their widest cell; the first `left` columns left-aligned."""
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]

    def line(cells: list[str]) -> str:
        return (
            "  "
            + "  ".join(
                c.ljust(w) if i < left else c.rjust(w)
                for i, (c, w) in enumerate(zip(cells, widths, strict=True))
            ).rstrip()
        )

    return [line(head), *(line(r) for r in rows)]


def _chart(data: ProgressData, lines: Sequence[Line], fmt: str, width: int) -> list[str]:
    """A chart as a table: one row per session, one column per line that has a value.

    When the lines' names make the table wider than `width`, the columns are numbered
    and a legend above says which is which (rubric criteria have long names).
    """
    shown = [ln for ln in lines if any(v is not None for v in ln.values)]
    labels = session_labels([p.started_at for p in data.points])
    rows = [
        [p.session_id, labels[i]]
        + [NO_VALUE if (v := ln.values[i]) is None else fmt.format(v) for ln in shown]
        for i, p in enumerate(data.points)
    ]
    table = _table(["session", "date", *(ln.name for ln in shown)], rows, left=2)
    if max(len(line) for line in table) <= width:
        return table
    numbers = [str(i) for i in range(1, len(shown) + 1)]
    legend = ", ".join(f"{n} = {ln.name}" for n, ln in zip(numbers, shown, strict=True))
    wrapped = textwrap.wrap(legend, width - 2, initial_indent="  ", subsequent_indent="  ")
    return wrapped + _table(["session", "date", *numbers], rows, left=2)


def progress_text(data: ProgressData, width: int | None = None) -> str:
    """The Progress screen as plain text: headline, both charts as tables, weakest lists.

    `width` defaults to the terminal's (100 columns when output is not a terminal).
    """
    width = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    ov = overview(data)
    out = [ov.headline, ov.subline]
    if not ov.finished:
        return "\n".join(out) + "\n"
    out += ["", "Score by category (out of 100)"]
    out += _chart(data, category_lines(data), "{:.0f}", width)
    for rid in charted_rubrics(data):
        out += ["", f"Score by criterion (out of 5): {data.rubrics[rid][0]}"]
        out += _chart(data, criterion_lines(data, rid), "{:.1f}", width)

    recent = f"last {ov.weak_window} interview{'s' if ov.weak_window != 1 else ''}"
    out += ["", f"Weakest topics (out of 100, {recent})"]
    if data.weak_topics:
        out += _table(
            ["topic", "score", "answers"],
            [[t.topic, f"{t.average:.0f}", str(t.answers)] for t in data.weak_topics[:LISTED]],
            left=1,
        )
    else:
        out.append("  Nothing graded yet.")
    out += ["", f"Weakest criteria (out of 5, {recent})"]
    if data.weak_criteria:
        several = len({c.rubric_id for c in data.weak_criteria}) > 1
        out += _table(
            ["criterion", "score", "grades"],
            [
                [
                    f"{c.name} · {c.rubric_name}" if several else c.name,
                    f"{c.average:.1f}",
                    str(c.count),
                ]
                for c in data.weak_criteria[:LISTED]
            ],
            left=1,
        )
    else:
        out.append("  Nothing graded yet.")
    if ov.practice_topics:
        out += [
            "",
            "Practise them in the app: Progress > Practise my weak topics.",
        ]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- sessions


def write_sessions(rows: Sequence[SessionRow], as_json: bool, out: IO[str]) -> None:
    """`interviewer sessions`: the history list, with the History screen's summary line."""
    out = terminal_writer(out)  # track ids come from the user's own content files
    if as_json:
        print(json.dumps([session_json(r) for r in rows], indent=2), file=out)
        return
    if not rows:
        print(
            "No sessions yet. Start one with `interviewer practice --track ml-technical`.",
            file=out,
        )
        return
    print(
        f"{'id':<13} {'started (UTC)':<20} {'track':<16} {'status':<12} {'score':>5}  answers",
        file=out,
    )
    for r in rows:
        score = "-" if r.overall_score is None else f"{r.overall_score:.0f}"
        started = r.started_at.replace("T", " ")[:19]
        print(
            f"{r.id:<13} {started:<20} {r.track_id:<16} {r.status:<12} {score:>5}  {r.answers}",
            file=out,
        )
    print(history_summary(rows), file=out)
