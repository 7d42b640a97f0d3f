"""Issue 13, item 5: a reply the model did not finish is never used as if it were whole.

A stream that ends without a finish reason (a server or proxy closed it half way: "Can
you explain how "), or a reply whose finish_reason is "length" or "content_filter", is a
failed call: tried again, then replaced by the offline coach, with a notice; the cut
text is never returned, stored, graded or put in a report. Driven through the real
openai client against the loopback fake server, the service, the terminal and the store.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from interviewer.cli import TerminalFrontEnd, _conclude
from interviewer.core.errors import BadResponse
from interviewer.llm import service
from interviewer.llm.base import partial_of
from interviewer.llm.errors_map import NO_FINISH, cut_off, cut_off_reason
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.service import BackendHealth
from interviewer.session import Event, Notice, StartOptions, StreamReset, TurnAdded
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionStore
from tests import factories
from tests.fake_openai_server import FakeOpenAIServer, Reply, json_content, text, unfinished
from tests.gui_helpers import small_library

CUT = "Can you explain how "
CUT_PIECES = ["Can", " you", " explain", " how "]
MODEL = "fake-model"


def _backend(server: FakeOpenAIServer, retries: int = 0) -> OpenAIBackend:
    return OpenAIBackend(
        None,
        MODEL,
        base_url=server.base_url,
        timeout=5,
        connect_timeout=5,
        max_retries=retries,
        provider_label="Ollama",
    )


def _kind(body: dict[str, Any]) -> str:
    fmt = body.get("response_format") or {}
    name = (fmt.get("json_schema") or {}).get("name", "")
    blob = json.dumps(body.get("messages", []))
    if name == "GradeDraft" or "GradeDraft" in blob:
        return "grade"
    if name == "FollowUpDecision" or "FollowUpDecision" in blob:
        return "follow_up"
    if "wrap" in json.dumps(body.get("messages", [])[-1:]).lower():
        return "wrap_up"
    return "turn"


def _everything_stored(path: Path) -> str:
    """Every turn, draft, grade and report the store holds, as one text."""
    store = SessionStore(path)
    try:
        parts: list[str] = []
        for row in store.list_sessions():
            saved = store.load_session(row.id)
            parts += [t.text for t in saved.turns]
            parts.append(saved.draft.text if saved.draft is not None else "")
            parts += [g.model_dump_json() for g in saved.grades.values()]
            report = store.get_report(row.id)
            if report is not None:
                parts.append(report.model_dump_json())
        return "\n".join(parts)
    finally:
        store.close()


def _failed_calls_with(path: Path, needle: str) -> list[str]:
    """The errors of the logged model calls whose raw reply holds `needle`."""
    store = SessionStore(path)
    try:
        found: list[str] = []
        for row in store.list_sessions():
            for call in store.model_calls(row.id):
                if needle.strip() in call.raw_reply:
                    found.append(call.error)
        return found
    finally:
        store.close()


# --------------------------------------------------------------------------- the table


def test_only_a_normal_stop_is_a_finished_reply() -> None:
    assert cut_off("stop") is None
    assert cut_off("eos_token") is None
    for reason in (None, NO_FINISH, "length", "content_filter", "abort", 7, ""):
        info = cut_off(reason)
        assert info is not None and info.retryable
    assert cut_off_reason("length") == "length"
    # A server's odd value is never printed raw (escape sequences, long junk).
    assert cut_off_reason("\x1b]52;c;aGk=\x07") == "unknown"
    assert cut_off_reason("x" * 500) == "unknown"
    assert cut_off_reason(None) == "unknown"


# --------------------------------------------------------------------------- the backend


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (unfinished(CUT_PIECES), "broke off before it was finished"),
        (unfinished(CUT_PIECES, done=True), "broke off before it was finished"),
        (text(CUT, finish="length"), 'output limit (finish_reason "length")'),
        (text(CUT, finish="content_filter"), "content filter"),
    ],
    ids=["no finish reason", "[DONE] without finish reason", "length", "content_filter"],
)
def test_a_streamed_turn_that_was_not_finished_fails(reply: Reply, words: str) -> None:
    shown: list[str] = []
    with FakeOpenAIServer(models=[MODEL]) as server:
        server.enqueue(reply)
        backend = _backend(server)
        with pytest.raises(BadResponse, match=re.escape(words)) as caught:
            backend.interviewer_turn(factories_turn_request(), on_delta=shown.append)
        backend.close()
    assert caught.value.retryable
    partial = partial_of(caught.value)
    assert partial is not None and partial.raw_reply == CUT  # for the call log, marked failed


@pytest.mark.parametrize("finish", ["length", "content_filter"])
def test_a_cut_grade_is_retried_then_graded_by_the_coach(finish: str) -> None:
    good = json.dumps(factories.draft(score=4, quote="Bias underfits").model_dump())
    health = BackendHealth(sleep=lambda _s: None)
    with FakeOpenAIServer(models=[MODEL]) as server:
        # Even JSON that happens to parse is not used when the model did not end it.
        server.enqueue(text(good, finish=finish), text(good, finish=finish))
        backend = _backend(server, retries=1)
        result = service.grade(backend, grade_request(), OfflineCoach(), health=health)
        requests = len(server.chat_bodies)
        backend.close()
    assert requests == 2
    assert "offline_fallback" in result.flags
    assert "so it was not used" in result.summary


def test_a_cut_follow_up_decision_is_made_by_the_coach() -> None:
    notices: list[str] = []
    health = BackendHealth(sleep=lambda _s: None)
    decision = {"reason": "vague", "follow_up": True, "question": "How would you detect it?"}
    with FakeOpenAIServer(models=[MODEL]) as server:
        server.enqueue(json_content(decision), json_content(decision))
        server.replies[0].finish = "length"
        server.replies[1].finish = "length"
        backend = _backend(server, retries=1)
        service.follow_up(
            backend,
            follow_request(),
            OfflineCoach(),
            notice=notices.append,
            health=health,
        )
        backend.close()
    assert notices and "output limit" in notices[0] and "offline coach" in notices[0]


def test_a_whole_non_streamed_reply_without_a_finish_reason_is_used() -> None:
    """A body that arrived whole and validates is not refused for a missing field."""
    good = factories.draft(score=4, quote="Bias underfits").model_dump()
    with FakeOpenAIServer(models=[MODEL]) as server:
        server.enqueue(json_content(good))
        server.replies[0].finish = None
        backend = _backend(server)
        response = backend.grade(grade_request())
        backend.close()
    assert response.result.criteria


# --------------------------------------------------------------------------- the service + store


def test_the_terminal_and_the_store_get_the_coachs_question_never_the_cut_one(
    tmp_path: Path,
) -> None:
    """In process: the session voids what streamed (StreamReset), tells why, and the
    coach's question is the one turn stored; the cut text is only in the failed call's
    log row, marked with its error."""
    lib = small_library(count=1)
    path = tmp_path / "s.sqlite3"
    out = io.StringIO()
    events: list[Event] = []
    with FakeOpenAIServer(models=[MODEL]) as server:

        def route(body: dict[str, Any]) -> Reply:
            kind = _kind(body)
            if kind == "grade":
                return json_content(factories.draft(score=3, quote="Bias").model_dump())
            if kind == "follow_up":
                return json_content({"reason": "ok", "follow_up": False, "question": ""})
            if kind == "wrap_up":
                return text("Thanks, that is all.")
            return unfinished(CUT_PIECES)

        server.router = route
        backend = _backend(server)
        store = SessionStore(path)
        front = TerminalFrontEnd(
            lib,
            store,
            argparse.Namespace(),
            io.StringIO("Bias is error from wrong assumptions.\n.\n"),
            out,
            backends=(backend, OfflineCoach()),
        )
        front.session.subscribe(events.append)
        results = front.run(lambda s: s.start(StartOptions("t", follow_ups=False)))
        _conclude(front, results, argparse.Namespace(report=None))
        store.close()
        backend.close()

    shown = out.getvalue()
    assert CUT.strip() not in shown  # a half sentence is held back until it ends...
    assert "[discarded: not part of the interview]" not in shown  # ...so nothing is taken back
    assert any(isinstance(e, StreamReset) for e in events)
    notes = [e.text for e in events if isinstance(e, Notice) and e.source == "model"]
    assert any("broke off before it was finished" in n for n in notes)
    assert any("offline coach asks this question instead" in n for n in notes)
    asked = [
        e.turn.text
        for e in events
        if isinstance(e, TurnAdded) and e.turn.role == "interviewer" and e.turn.kind == "question"
    ]
    assert asked and all(CUT.strip() not in t for t in asked)
    assert lib.questions["q1"].text in asked[0]

    assert CUT.strip() not in _everything_stored(path)
    errors = _failed_calls_with(path, CUT)
    assert errors and all("broke off" in e for e in errors)


def _bias_variance_track(home: Path) -> str:
    tracks = home / "data" / "content" / "tracks"
    tracks.mkdir(parents=True, exist_ok=True)
    (tracks / "bv.toml").write_text(
        'id = "bv-only"\nname = "Bias-variance"\ndescription = "One question."\n'
        'duration_minutes = 5\nquestion_count = 1\ncategories = ["technical"]\n'
        'follow_up_limit = 1\nselection = "ordered"\nquestions = ["tech-bias-variance"]\n',
        encoding="utf-8",
    )
    return "bv-only"


@pytest.mark.parametrize(
    "cut_reply",
    [lambda: unfinished(CUT_PIECES), lambda: text(CUT, finish="length")],
    ids=["stream ends without a finish reason", "finish_reason length"],
)
def test_interviewer_practice_never_asks_or_stores_a_cut_question(
    interviewer_home: Path, cut_reply: Any
) -> None:
    """The real command line against the fake server: every try of the first question
    is cut; the coach asks it, the user is told, and the store and report never hold it."""
    track = _bias_variance_track(interviewer_home)
    paths = app_paths()
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"max_retries": 0}), encoding="utf-8")
    report = interviewer_home / "report.json"
    with FakeOpenAIServer(models=[MODEL]) as server:

        def route(body: dict[str, Any]) -> Reply:
            kind = _kind(body)
            if kind == "grade":
                return json_content(factories.draft(score=3, quote="High bias").model_dump())
            if kind == "follow_up":
                return json_content({"reason": "ok", "follow_up": False, "question": ""})
            if kind == "wrap_up":
                return text("Thanks, that is all.")
            reply: Reply = cut_reply()
            return reply

        server.router = route
        r = subprocess.run(
            [
                sys.executable,
                "-m",
                "interviewer",
                "practice",
                "--track",
                track,
                "--no-follow-ups",
                "--report",
                str(report),
                "--backend",
                "openai",
                "--base-url",
                server.base_url,
                "--model",
                MODEL,
            ],
            input="High bias means the model underfits.\n.\n",
            capture_output=True,
            text=True,
            timeout=120,
            env=dict(os.environ),
        )
    assert r.returncode == 0, r.stderr
    assert "offline coach asks this question instead" in r.stderr
    assert "bias" in r.stdout.lower()
    assert "[discarded: not part of the interview]" not in r.stdout
    assert CUT.strip() not in r.stdout
    assert CUT.strip() not in report.read_text(encoding="utf-8")
    assert CUT.strip() not in _everything_stored(paths.database)


# --------------------------------------------------------------------------- requests


def factories_turn_request() -> Any:
    from interviewer.core.requests import TurnRequest

    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def grade_request() -> Any:
    from interviewer.core.models import Turn
    from interviewer.core.requests import GradeRequest

    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )
    return GradeRequest(1, factories.question(), factories.rubric(), exchange)


def follow_request() -> Any:
    from interviewer.core.requests import FollowUpRequest

    return FollowUpRequest(
        factories.track(limit=1), factories.question(), grade_request().exchange, 0, 1
    )


# --------------------------------------------------------------------------- the window


def test_the_window_takes_the_cut_text_back_and_shows_the_coachs_question(qtbot: Any) -> None:
    from tests.gui_helpers import make_app, start

    lib = small_library(count=1)
    with FakeOpenAIServer(models=[MODEL]) as server:
        server.router = lambda body: (
            json_content(factories.draft(score=3, quote="Bias").model_dump())
            if _kind(body) == "grade"
            else unfinished(CUT_PIECES)
        )
        backend = _backend(server)
        app = make_app(qtbot, backend, library=lib, offline=OfflineCoach())  # type: ignore[arg-type]
        start(qtbot, app)
        qtbot.waitUntil(lambda: app.controller.answering, timeout=20_000)
        bubbles = app.window.interview.transcript.bubbles
        texts = [b.text for b in bubbles]
        app.window.close()
        backend.close()
    assert len(texts) == 1, texts  # the cut bubble was removed, not left beside the new one
    assert CUT.strip() not in texts[0]
    assert lib.questions["q1"].text in texts[0]
