"""Tokens and estimated cost: live in the status bar, then on the feedback screen and in
the report, counted per interview."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pytestqt.qtbot import QtBot

from interviewer.core.cost import Usage, is_local_url
from interviewer.llm.base import ModelResponse
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.paths import app_paths
from tests.factories import follow
from tests.gui_helpers import make_app, quoting_grade, small_library, start


@dataclass
class CountingBackend(ScriptedBackend):
    """A scripted model that reports usage as an API would: 1,000 in, 100 out per call,
    on each call's response (what the session counts) and in its running total."""

    model: str = "gpt-4o-mini"
    base_url: str | None = None
    usage: Usage = field(default_factory=Usage)

    @property
    def is_local(self) -> bool:
        return is_local_url(self.base_url)

    def _response(self, result: Any, raw: str) -> ModelResponse[Any]:
        one = Usage(requests=1, prompt_tokens=1000, completion_tokens=100, cached_tokens=400)
        self.usage.add(one)
        return ModelResponse(result, model=self.model, mode="none", raw_reply=raw, usage=one)


def run_one_interview(qtbot: QtBot, backend: CountingBackend) -> Any:
    app = make_app(qtbot, backend, library=small_library(count=1))
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.refresh_usage()
    assert app.window.usage_status.isVisible()
    assert app.window.usage_status.text().startswith("1,100 tokens · ")  # the first question
    app.window.interview.answer.setPlainText("Bias is error from wrong assumptions.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(
        lambda: (
            app.window.stack.currentWidget() is app.window.feedback
            and app.controller.results is not None
        )
    )
    return app


def test_usage_is_live_then_on_the_feedback_screen_and_in_the_report(qtbot: QtBot) -> None:
    backend = CountingBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.default_follow_up = lambda r: follow("")
    app = run_one_interview(qtbot, backend)
    calls = len(backend.calls)
    assert calls >= 3  # question, follow-up decision, grade (and the wrap-up)
    report = app.controller.results.report
    assert report is not None and report.usage is not None
    usage = report.usage
    assert usage.requests == calls
    assert usage.prompt_tokens == 1000 * calls and usage.completion_tokens == 100 * calls
    assert usage.cached_tokens == 400 * calls
    # gpt-4o-mini: 0.15 $/M input, 0.075 $/M cached, 0.60 $/M output
    expected = (600 * 0.15 + 400 * 0.075 + 100 * 0.60) * calls / 1e6
    assert usage.estimated_cost_usd is not None
    assert abs(usage.estimated_cost_usd - expected) < 1e-9
    assert usage.model == "gpt-4o-mini" and not usage.local
    assert app.window.usage_status.text() == usage.short()
    label = app.window.feedback.usage_label
    assert label is not None and f"{1000 * calls:,} prompt" in label.text()


def test_a_second_interview_counts_only_its_own_tokens(qtbot: QtBot) -> None:
    backend = CountingBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.default_follow_up = lambda r: follow("")
    app = run_one_interview(qtbot, backend)
    first = len(backend.calls)
    app.window.feedback.practise_again.emit()
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.interview.answer.setPlainText("Variance is sensitivity to the sample.")
    app.window.interview.submit_action.trigger()
    qtbot.waitUntil(lambda: app.controller.results is not None)
    usage = app.controller.results.report.usage
    assert usage is not None and usage.requests == len(backend.calls) - first


def test_a_local_server_is_free_and_the_offline_coach_shows_nothing(qtbot: QtBot) -> None:
    local = CountingBackend(
        default_turn=lambda r: "Q?",
        default_grade=quoting_grade,
        base_url="http://127.0.0.1:11434/v1",
    )
    local.default_follow_up = lambda r: follow("")
    app = run_one_interview(qtbot, local)
    usage = app.controller.results.report.usage
    assert usage is not None and usage.local and usage.estimated_cost_usd == 0.0
    assert "free (local server)" in app.window.usage_status.text()

    plain = ScriptedBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    plain.default_follow_up = lambda r: follow("")
    app2 = make_app(qtbot, plain, library=small_library(count=1))
    start(qtbot, app2)
    qtbot.waitUntil(lambda: app2.controller.answering)
    app2.window.refresh_usage()
    assert not app2.window.usage_status.isVisible()


def test_a_broken_price_table_is_named_and_defaults_stand_in(qtbot: QtBot) -> None:
    prices = app_paths().config_dir / "prices.json"
    prices.parent.mkdir(parents=True, exist_ok=True)
    prices.write_text("{not json", encoding="utf-8")
    backend = CountingBackend(default_turn=lambda r: "Q?", default_grade=quoting_grade)
    backend.default_follow_up = lambda r: follow("")
    app = make_app(qtbot, backend, library=small_library(count=1))
    messages: list[tuple[str, str]] = []
    app.controller.message.connect(lambda level, text: messages.append((level, text)))
    start(qtbot, app)
    assert any("prices.json" in text for _, text in messages)
    qtbot.waitUntil(lambda: app.controller.answering)
    app.window.refresh_usage()
    assert "$" in app.window.usage_status.text()
