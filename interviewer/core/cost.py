"""What an interview cost: token usage from the API and a user-editable price table.

Usage comes from the API's own `usage` data (the server's count, including cached prompt
tokens), never from our estimate: that is what the bill is made of. Prices are
estimates in US dollars per million tokens, shipped for common OpenAI models; prices
change, so the user can correct or add models in `prices.json` in the config folder:

    {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.60}}

Keys starting with "_" are comments. A broken file is reported by name and the built-in
prices are used meanwhile. Local servers (loopback or private addresses) cost nothing.

This module does no I/O: `storage/prices.py` reads and writes prices.json and
hands its text to `parse_prices` here.
"""

from __future__ import annotations

import json
import threading
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from interviewer.core.errors import ConfigError
from interviewer.core.hosts import is_local_host

PRICES_FILE = "prices.json"
PRICES_NOTE = (
    "Estimates in US dollars per 1M tokens (input, cached_input, output); edit them to "
    "match your provider's current prices. Keys starting with '_' are comments."
)


_USAGE_LOCK = threading.Lock()


class Price(BaseModel):
    # Not inf or nan (JSON's Infinity, NaN, 1e999): they would print as "$inf".
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    input: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    output: float = Field(ge=0)


#: Estimates (USD per 1M tokens, OpenAI list prices as of 2025); edit prices.json to
#: correct or extend them. A dated model name uses its family's price.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
    "gpt-5": Price(input=1.25, cached_input=0.125, output=10.00),
    "gpt-5-mini": Price(input=0.25, cached_input=0.025, output=2.00),
    "gpt-5-nano": Price(input=0.05, cached_input=0.005, output=0.40),
    "o3": Price(input=2.00, cached_input=0.50, output=8.00),
    "o3-mini": Price(input=1.10, cached_input=0.55, output=4.40),
    "o4-mini": Price(input=1.10, cached_input=0.275, output=4.40),
    "gpt-4-turbo": Price(input=10.00, output=30.00),
    "gpt-3.5-turbo": Price(input=0.50, output=1.50),
}


class Usage(BaseModel):
    """Token counts summed over the calls of a session (from the API's usage data).

    Backends call `record` from worker threads while the GUI reads `snapshot()`, so both
    take a lock; a snapshot is a plain copy that can be handed to another thread. The
    lock is one for the module, not one per instance: updates are a few additions, and
    a lock inside the model would make equal counts compare unequal and break copies.
    """

    model_config = ConfigDict(extra="forbid")

    requests: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    cached_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def record(
        self, prompt_tokens: int = 0, completion_tokens: int = 0, cached_tokens: int = 0
    ) -> None:
        """Add one API call's usage."""
        self.add(
            Usage(
                requests=1,
                prompt_tokens=max(0, prompt_tokens),
                completion_tokens=max(0, completion_tokens),
                cached_tokens=max(0, cached_tokens),
            )
        )

    def add(self, other: Usage) -> None:
        """Add another usage in place (e.g. a second backend used in the same session)."""
        theirs = other.snapshot()  # first: the lock is not re-entrant, and other may be self
        with _USAGE_LOCK:
            self.requests += theirs.requests
            self.prompt_tokens += theirs.prompt_tokens
            self.cached_tokens += theirs.cached_tokens
            self.completion_tokens += theirs.completion_tokens

    def snapshot(self) -> Usage:
        with _USAGE_LOCK:
            return Usage(
                requests=self.requests,
                prompt_tokens=self.prompt_tokens,
                cached_tokens=self.cached_tokens,
                completion_tokens=self.completion_tokens,
            )

    def __add__(self, other: Usage) -> Usage:
        total = self.snapshot()
        total.add(other)
        return total

    def totals(self) -> dict[str, int]:
        """The counts as a plain dict (the shape `OpenAIBackend.usage_totals` has)."""
        return self.snapshot().model_dump()


def usage_from_api(data: Any) -> Usage | None:
    """Read an API `usage` object or dict (OpenAI's shape) into a one-request Usage."""
    if data is None:
        return None

    def get(obj: Any, key: str) -> Any:
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    def number(value: Any) -> int:
        return value if isinstance(value, int) and value > 0 else 0

    details = get(data, "prompt_tokens_details")
    cached = get(details, "cached_tokens") if details is not None else None
    return Usage(
        requests=1,
        prompt_tokens=number(get(data, "prompt_tokens")),
        completion_tokens=number(get(data, "completion_tokens")),
        cached_tokens=number(cached),
    )


# --------------------------------------------------------------------------- prices


def invalid_prices(source: str, problem: str) -> ConfigError:
    """The error for a price table that cannot be used, naming it and the problem."""
    first = problem.splitlines()[0] if problem else "unknown problem"
    return ConfigError(
        f"Price table {source} is not valid ({first}). Fix it or delete it; the "
        "built-in prices are used meanwhile."
    )


def parse_prices(text: str, source: str = PRICES_FILE) -> dict[str, Price]:
    """Defaults, overridden by the prices in `text` (a prices.json document).

    Raises ConfigError naming `source` and the first problem.
    """
    prices = dict(DEFAULT_PRICES)
    try:
        raw = json.loads(text)
        if not isinstance(raw, dict):
            raise ValueError("expected an object mapping model names to prices")
        for model, value in raw.items():
            if str(model).startswith("_"):
                continue
            try:
                prices[str(model)] = Price.model_validate(value)
            except ValidationError as exc:
                problem = exc.errors()[0]
                where = ".".join(str(p) for p in problem["loc"])
                raise ValueError(
                    f"{model}{'.' + where if where else ''}: {problem['msg']}"
                ) from None
    except ValueError as exc:
        raise invalid_prices(source, str(exc) or type(exc).__name__) from None
    return prices


def prices_template() -> str:
    """The built-in prices as a prices.json document for the user to edit."""
    data: dict[str, Any] = {"_note": PRICES_NOTE}
    data.update({name: price.model_dump() for name, price in DEFAULT_PRICES.items()})
    return json.dumps(data, indent=2) + "\n"


def price_for(model: str, prices: dict[str, Price]) -> Price | None:
    """Exact name first, then the longest known prefix (gpt-4o-mini-2024-07-18 → gpt-4o-mini)."""
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name)]
    return prices[max(matches, key=len)] if matches else None


def is_local_url(base_url: str | None) -> bool:
    """A server on this machine or the local network: it bills nobody.

    None means OpenAI itself. A hosted OpenAI-compatible service (any public host) is
    not local: its model is looked up in the price table like OpenAI's.
    """
    if not base_url:
        return False
    try:
        host = urlsplit(base_url if "//" in base_url else f"//{base_url}").hostname or ""
    except ValueError:  # e.g. an unclosed "[" : not an address we can tell anything about
        return False
    # Every spelling of loopback (127.1, 0x7f.1, [::1], localhost.): core/hosts.py.
    return host == "" or is_local_host(host)


def estimate(usage: Usage, price: Price | None) -> float | None:
    if price is None:
        return None
    cached = min(usage.cached_tokens, usage.prompt_tokens)
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    dollars = (
        (usage.prompt_tokens - cached) * price.input
        + cached * cached_rate
        + usage.completion_tokens * price.output
    ) / 1_000_000
    return round(dollars, 6)


def session_cost(
    usage: Usage, model: str, prices: dict[str, Price] | None = None, *, local: bool = False
) -> float | None:
    """Estimated US dollars; 0 for a local server, None when the model has no price."""
    if local:
        return 0.0
    return estimate(usage, price_for(model, prices if prices is not None else DEFAULT_PRICES))


def _dollars(amount: float) -> str:
    if amount == 0:
        return "$0.00"
    if amount < 0.0001:
        return "< $0.0001"
    return f"${amount:.4f}" if amount < 1 else f"${amount:.2f}"


def format_cost(
    usage: Usage, model: str, *, local: bool = False, prices: dict[str, Price] | None = None
) -> str:
    """The cost for a status bar or a report: "$0.0123 (estimate)", "free (local server)"."""
    return _cost_words(None if local else session_cost(usage, model, prices), model, local=local)


def _cost_words(cost: float | None, model: str, *, local: bool) -> str:
    if local:
        return "free (local server)"
    if cost is None:
        return f"unknown (no price for {model}; add it to {PRICES_FILE})"
    return f"{_dollars(cost)} (estimate)"


def format_usage(usage: Usage) -> str:
    """Token counts in words: "1,200 prompt (200 cached) + 300 completion tokens"."""
    return (
        f"{usage.prompt_tokens:,} prompt ({usage.cached_tokens:,} cached) + "
        f"{usage.completion_tokens:,} completion tokens in {usage.requests} "
        f"request{'s' if usage.requests != 1 else ''}"
    )


def describe(usage: Usage, model: str, prices: dict[str, Price], *, local: bool) -> str:
    """One line for the terminal summary and the app."""
    if usage.requests == 0:
        return ""
    tokens = (
        f"{usage.prompt_tokens:,} prompt ({usage.cached_tokens:,} cached) + "
        f"{usage.completion_tokens:,} completion tokens in {usage.requests} requests"
    )
    if local:
        return f"Tokens: {tokens} · cost: none (local server)"
    cost = estimate(usage, price_for(model, prices))
    if cost is None:
        return f"Tokens: {tokens} · cost: unknown for {model} (add it to {PRICES_FILE})"
    return f"Tokens: {tokens} · estimated cost ${cost:.4f}"


# --------------------------------------------------------------------------- per session


class SessionUsage(BaseModel):
    """What one interview used and cost, as the report and the status bar show it."""

    model_config = ConfigDict(extra="forbid")

    requests: int = Field(default=0, ge=0)
    prompt_tokens: int = Field(default=0, ge=0)
    cached_tokens: int = Field(default=0, ge=0)
    completion_tokens: int = Field(default=0, ge=0)
    model: str = ""
    #: True when every call went to a server on this machine or network (no bill).
    local: bool = False
    #: Estimated US dollars from the price table; None when a model has no price.
    estimated_cost_usd: float | None = None
    #: The estimate in words: "$0.0123 (estimate)", "free (local server)", "unknown (...)".
    cost_text: str = ""

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def short(self) -> str:
        """For a status bar: "12,345 tokens · $0.0042 (estimate)"."""
        return f"{self.total_tokens:,} tokens · {self.cost_text}"

    def line(self) -> str:
        """For the feedback screen and the terminal: "Tokens: ... · cost ..."."""
        return f"Tokens: {self.long()}"

    def long(self) -> str:
        """For a report: token counts in words, then the cost."""
        usage = Usage(
            requests=self.requests,
            prompt_tokens=self.prompt_tokens,
            cached_tokens=self.cached_tokens,
            completion_tokens=self.completion_tokens,
        )
        return f"{format_usage(usage)} · cost {self.cost_text}"


class UsageMeter:
    """Token usage of one interview, counted call by call from each call's own usage.

    Every model call reports what it used (`ModelResponse.usage`, logged as a
    `ModelCall`); the session hands those plain numbers here with the model that
    answered and whether its server bills anybody. Summing calls, never diffing a
    backend's running counter, keeps two gradings that overlap on one backend, a backend
    swapped in Settings mid-interview, and a backend reused by the next interview apart.

    `reset` starts a new interview and returns its epoch; a call that started under an
    older epoch (a late reply of a left interview) is not counted. Safe to record from
    worker threads while the GUI thread reads `session`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._epoch = 0
        #: (model, local) -> usage, in the order the models were first used.
        self._parts: dict[tuple[str, bool], Usage] = {}

    @property
    def epoch(self) -> int:
        with self._lock:
            return self._epoch

    def reset(self) -> int:
        """Forget every count (a new interview); returns the new epoch."""
        with self._lock:
            self._epoch += 1
            self._parts = {}
            return self._epoch

    def record(self, model: str, usage: Usage, *, local: bool, epoch: int | None = None) -> bool:
        """Add one call's own usage; False (nothing added) for an older epoch's call or a
        call that used no tokens (the offline coach, a reply without usage data)."""
        one = usage.snapshot()
        if not (one.requests or one.prompt_tokens or one.completion_tokens):
            return False
        with self._lock:
            if epoch is not None and epoch != self._epoch:
                return False
            part = self._parts.setdefault((model, local), Usage())
            part.requests += one.requests
            part.prompt_tokens += one.prompt_tokens
            part.cached_tokens += one.cached_tokens
            part.completion_tokens += one.completion_tokens
        return True

    def session(self, prices: dict[str, Price] | None = None) -> SessionUsage | None:
        """The usage so far; None when no call used tokens."""
        with self._lock:
            parts = [
                (model, local, usage.model_copy()) for (model, local), usage in self._parts.items()
            ]
        if not parts:
            return None
        total = Usage()
        cost: float | None = 0.0
        models: list[str] = []
        local = True
        for model, here, usage in parts:
            total.add(usage)
            local = local and here
            if model and model not in models:
                models.append(model)
            one = session_cost(usage, model, prices, local=here)
            cost = None if cost is None or one is None else cost + one
        model_text = ", ".join(models)
        return SessionUsage(
            requests=total.requests,
            prompt_tokens=total.prompt_tokens,
            cached_tokens=total.cached_tokens,
            completion_tokens=total.completion_tokens,
            model=model_text,
            local=local,
            estimated_cost_usd=0.0 if local else (None if cost is None else round(cost, 6)),
            cost_text=_cost_words(cost, model_text, local=local),
        )
