"""The speed and fitness check once on first use (issue 15, item 2), for both front ends.

A server and model the candidate has never checked is checked once, in the background
(the window) or before the interview (the terminal, when someone is at the keyboard),
so they learn what their model can do before they start, and the calls are sized to it
from then on (`llm/factory.make_backend` reads the remembered advice).

Only a model on an OpenAI-compatible server on this machine or network is checked
automatically: a hosted model would bill the check's tokens, and the offline coach and
the scripted test backends are no model at all (`wants_check` is False for them, by
type, whatever their names say). Nothing here starts a thread; the callers decide where
the check runs (a QueryOp in the window, the main thread in the terminal).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from interviewer.core.cost import is_local_url
from interviewer.llm.base import Backend

if TYPE_CHECKING:
    from interviewer.llm.openai_backend import OpenAIBackend


@dataclass(frozen=True)
class Target:
    """A server and model to check, as plain values (safe to hand to a worker)."""

    base_url: str
    model: str
    label: str
    timeout: float
    connect_timeout: float


def _openai_backend(backend: Backend | None) -> OpenAIBackend | None:
    """The backend when it is a real OpenAI-compatible client (never a test double)."""
    module = sys.modules.get("interviewer.llm.openai_backend")
    if backend is None or module is None:  # not imported: no OpenAIBackend was built
        return None
    cls = module.OpenAIBackend
    return backend if isinstance(backend, cls) else None


def remembered_report(base_url: str | None, model: str) -> object | None:
    """The remembered FitnessReport of this server and model, or None."""
    from interviewer.llm.fitness import remembered
    from interviewer.storage.fitness_store import fitness_file
    from interviewer.storage.paths import app_paths

    report, _problem = remembered(fitness_file(app_paths().settings_file), base_url, model)
    return report


def targets(*backends: Backend | None) -> list[Target]:
    """The local servers and models among `backends` (the interviewer's, the grader's),
    each once."""
    found: list[Target] = []
    seen: set[tuple[str, str]] = set()
    for backend in backends:
        client = _openai_backend(backend)
        if client is None or not client.base_url or not is_local_url(client.base_url):
            continue
        key = (client.base_url, client.model)
        if key in seen or not client.model:
            continue
        seen.add(key)
        found.append(
            Target(
                client.base_url,
                client.model,
                client.provider_label,
                client.timeout,
                client.connect_timeout,
            )
        )
    return found


def unchecked(*backends: Backend | None) -> list[Target]:
    """The targets never checked (nothing remembered for them): the first-use checks."""
    return [t for t in targets(*backends) if remembered_report(t.base_url, t.model) is None]


def remembered_line(target: Target) -> str:
    """One line on what the model can do, from its remembered check ("" if none)."""
    report = remembered_report(target.base_url, target.model)
    summary = getattr(report, "summary", None)
    if report is None or summary is None:
        return ""
    when = str(getattr(report, "checked_at", ""))[:10]
    checked = f" (checked {when})" if when else ""
    return f"{target.model} on {target.base_url}: {summary()}{checked}."


def adopt(report: object, *backends: Backend | None) -> int:
    """Size the backends in use for the checked server and model to a fresh check's
    advice (reply limits, prompt budget, speeds), as `make_backend` does for a check
    remembered before they were built. Returns how many were sized."""
    from interviewer.llm.factory import advice_reply_tokens

    data = report.to_dict() if hasattr(report, "to_dict") else report
    if not isinstance(data, dict):
        return 0
    advice = data.get("advice") if isinstance(data.get("advice"), dict) else {}
    assert isinstance(advice, dict)
    budget = advice.get("prompt_budget_tokens")
    server = str(data.get("server") or "").rstrip("/")
    sized = 0
    for backend in backends:
        client = _openai_backend(backend)
        if client is None or (client.base_url or "") != server or client.model != data.get("model"):
            continue
        client.use_advice(
            advice_reply_tokens(advice),
            budget if isinstance(budget, int) and not isinstance(budget, bool) else None,
            prompt_speed=_speed(data.get("prompt_speed")),
            generation_speed=_speed(data.get("generation_speed")),
        )
        sized += 1
    return sized


def _speed(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    return float(value)
