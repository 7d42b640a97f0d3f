"""Large input (issue 13, item 7): a 5 MB paste is submitted whole, for its own question.

Each piped line used to re-save the whole draft with a full sync (and the reader re-cut
its buffer per line): a 5 MB answer outlived its own answer clock, was cut, and the rest
spilled into the next question. Now drafts are saved at most every DRAFT_SAVE_SECONDS
(and when input pauses, and on submit) without a full sync, and input is read in
bounded pieces in time linear in its size.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from interviewer import cli
from interviewer.core.models import Turn
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionPlan, SessionStore

LINE = "Line {i}: regularisation trades a little bias for lower variance, so it generalises."
SECOND = "Second answer only."


def big_answer(size: int = 5_000_000) -> str:
    lines: list[str] = []
    total, i = 0, 0
    while total < size:
        lines.append(LINE.format(i=i))
        total += len(lines[-1]) + 1
        i += 1
    return "\n".join(lines)


class CountingStore(SessionStore):
    """The real store, counting the draft writes that reach it."""

    draft_writes = 0

    def save_draft(self, *args: Any, **kwargs: Any) -> None:
        type(self).draft_writes += 1
        super().save_draft(*args, **kwargs)


def _feed(text: str) -> tuple[io.TextIOWrapper, threading.Thread]:
    r, w = os.pipe()

    def write() -> None:
        # A reader that stops early (the old code did) closes the pipe: not this test's error.
        with contextlib.suppress(BrokenPipeError), os.fdopen(w, "wb") as out:
            out.write(text.encode("utf-8"))

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return os.fdopen(r, "r", encoding="utf-8"), thread


def test_a_five_megabyte_paste_is_one_answer_for_its_own_question(
    interviewer_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answer = big_answer()
    assert len(answer.encode()) >= 5_000_000
    stdin, writer = _feed(f"{answer}\n.\n{SECOND}\n.\n")
    monkeypatch.setattr("sys.stdin", stdin)
    CountingStore.draft_writes = 0
    monkeypatch.setattr(
        cli, "_open_store", lambda read_only=False: CountingStore.open(app_paths().database)
    )
    # A short interview clock (30 s for both questions) bounds each answer's clock too.
    code = cli.main(
        [
            "practice",
            "--track",
            "ml-technical",
            "--questions",
            "2",
            "--minutes",
            "0.5",
            "--backend",
            "offline",
            "--no-follow-ups",
        ]
    )
    writer.join(timeout=60)
    stdin.close()
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "time is up" not in out.out
    store = SessionStore.open(app_paths().database, read_only=True)
    try:
        (row,) = store.list_sessions()
        stored = store.load_session(row.id)
    finally:
        store.close()
    answers = [t for t in stored.turns if t.role == "candidate"]
    questions = [t for t in stored.turns if t.kind == "question"]
    assert len(answers) == 2 and len(questions) == 2
    assert answers[0].question_id == questions[0].question_id
    assert answers[0].text == answer  # whole, every line, for its own question
    assert not answers[0].timed_out
    assert answers[1].text == SECOND  # the next question gets only its own text
    assert answers[1].question_id == questions[1].question_id
    # ~62,000 lines: once a line this was ~62,000 full-sync writes of a growing draft.
    assert 1 <= CountingStore.draft_writes <= 20, CountingStore.draft_writes


# ---------------------------------------------------------------------- the reader


class StepClock:
    """A clock that moves `step` seconds each time it is read."""

    def __init__(self, step: float) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        self.now += self.step
        return self.now


def _read(text: str, **kw: Any) -> tuple[tuple[str, bool], list[str], cli.AnswerReader]:
    stdin, writer = _feed(text)
    saved: list[str] = []
    reader = cli.AnswerReader(stdin)
    got = reader.read(lambda: 60.0, on_line=saved.append, **kw)
    writer.join(timeout=30)
    stdin.close()
    return got, saved, reader


def test_drafts_are_saved_at_most_every_few_seconds_not_per_line() -> None:
    lines = [f"line {i}" for i in range(1000)]
    # The clock moves 0.01 s per reading: 1000 lines span ~10 s, so ~5 saves of 2 s.
    (text, timed_out), saved, _reader = _read("\n".join(lines) + "\n.\n", clock=StepClock(0.01))
    assert text == "\n".join(lines) and not timed_out
    assert 1 <= len(saved) <= 10, len(saved)
    assert saved[0] == "line 0"  # the first line is saved at once
    assert all("\n".join(lines).startswith(s) for s in saved)


def test_a_clock_that_stands_still_saves_once() -> None:
    (text, _), saved, _reader = _read("a\nb\nc\n.\n", clock=lambda: 5.0)
    assert text == "a\nb\nc" and saved == ["a"]


def test_lines_split_across_pieces_crlf_and_multibyte_letters() -> None:
    long_line = "é" * 100_000 + "✓"  # 200 kB: several reads, a letter cut between two
    text = f"{long_line}\r\nshort\r\n\n.\nnext answer\n.\n"
    stdin, writer = _feed(text)
    reader = cli.AnswerReader(stdin)
    first, timed_out = reader.read(lambda: 60.0)
    second, _ = reader.read(lambda: 60.0)
    writer.join(timeout=30)
    stdin.close()
    assert first == f"{long_line}\nshort\n" and not timed_out
    assert second == "next answer"


def test_end_of_input_without_a_final_newline_keeps_the_last_line() -> None:
    (text, timed_out), _saved, reader = _read("one\ntwo without newline")
    assert text == "one\ntwo without newline" and not timed_out and reader.eof


def test_a_deadline_keeps_the_half_typed_line_and_nothing_of_the_next() -> None:
    r, w = os.pipe()
    os.write(w, b"typed line\nhalf a li")
    stdin = os.fdopen(r, "r", encoding="utf-8")
    left = iter([1.0, 0.0])
    reader = cli.AnswerReader(stdin)
    text, timed_out = reader.read(lambda: next(left, 0.0))
    assert timed_out and text == "typed line\nhalf a li"
    os.write(w, b"ne\nnext\n.\n")
    os.close(w)
    assert reader.read(lambda: 60.0) == ("ne\nnext", False)
    stdin.close()


def test_a_draft_skips_the_full_sync_and_an_answer_keeps_it(tmp_path: Path) -> None:
    store = SessionStore(tmp_path / "s.db")
    seen: list[str] = []
    try:
        sid = store.create_session(
            track_id="t",
            track_name="T",
            backend="offline",
            backend_label="Offline",
            plan=SessionPlan(question_ids=["q"], duration_seconds=60),
        )
        store._conn.set_trace_callback(seen.append)
        store.save_draft(sid, "q", "typing…", 50.0, 55.0)
        draft_statements = list(seen)
        seen.clear()
        store.add_turn(sid, Turn(role="candidate", kind="answer", text="done", question_id="q"))
        assert store._conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL again
    finally:
        store.close()
    pragmas = [s for s in draft_statements if "synchronous" in s]
    assert pragmas == ["PRAGMA synchronous = NORMAL", "PRAGMA synchronous = FULL"]
    assert not [s for s in seen if "synchronous =" in s]  # the answer: FULL, as always
    assert SessionStore(tmp_path / "s.db").load_session(sid).draft is None  # submitted
