"""What an interview cost: token usage from the API and a user-editable price table.

Prices are estimates in US dollars per million tokens. They change; the user can override
or add models in `prices.json` in the config folder, e.g.

    {"gpt-4o-mini": {"input": 0.15, "cached_input": 0.075, "output": 0.60}}

Local servers (any base URL that is not OpenAI's) cost nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from interviewer.core.errors import ConfigError


class Price(BaseModel):
    input: float = Field(ge=0)
    cached_input: float | None = Field(default=None, ge=0)
    output: float = Field(ge=0)


#: Estimates (USD per 1M tokens); edit prices.json to correct or extend them.
DEFAULT_PRICES: dict[str, Price] = {
    "gpt-4o-mini": Price(input=0.15, cached_input=0.075, output=0.60),
    "gpt-4o": Price(input=2.50, cached_input=1.25, output=10.00),
    "gpt-4.1-mini": Price(input=0.40, cached_input=0.10, output=1.60),
    "gpt-4.1": Price(input=2.00, cached_input=0.50, output=8.00),
    "gpt-4.1-nano": Price(input=0.10, cached_input=0.025, output=0.40),
}


class Usage(BaseModel):
    requests: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    completion_tokens: int = 0


def load_prices(path: Path) -> dict[str, Price]:
    """Defaults, overridden by the user's file; a broken file names itself and the problem."""
    prices = dict(DEFAULT_PRICES)
    if not path.exists():
        return prices
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("expected an object mapping model names to prices")
        for model, value in raw.items():
            prices[str(model)] = Price.model_validate(value)
    except (ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise ConfigError(f"Price table {path} is not valid ({first}).") from None
    return prices


def price_for(model: str, prices: dict[str, Price]) -> Price | None:
    """Exact name first, then the longest known prefix (gpt-4o-mini-2024-07-18 → gpt-4o-mini)."""
    if model in prices:
        return prices[model]
    matches = [name for name in prices if model.startswith(name)]
    return prices[max(matches, key=len)] if matches else None


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
        return f"Tokens: {tokens} · cost: unknown for {model} (add it to prices.json)"
    return f"Tokens: {tokens} · estimated cost ${cost:.4f}"
