from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.cost import (
    DEFAULT_PRICES,
    Price,
    Usage,
    describe,
    estimate,
    load_prices,
    price_for,
)
from interviewer.core.errors import ConfigError


def test_estimate_counts_cached_tokens_at_their_own_rate() -> None:
    usage = Usage(
        requests=3, prompt_tokens=1_000_000, cached_tokens=400_000, completion_tokens=100_000
    )
    price = Price(input=1.0, cached_input=0.5, output=4.0)
    assert estimate(usage, price) == pytest.approx(0.6 + 0.2 + 0.4)
    assert estimate(usage, None) is None


def test_dated_model_names_match_their_family() -> None:
    assert price_for("gpt-4o-mini-2024-07-18", DEFAULT_PRICES) is DEFAULT_PRICES["gpt-4o-mini"]
    assert price_for("llama3.1:8b", DEFAULT_PRICES) is None


def test_user_prices_override_and_extend(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(
        '{"gpt-4o-mini": {"input": 1, "output": 2}, "my-model": {"input": 3, "output": 4}}'
    )
    prices = load_prices(path)
    assert prices["gpt-4o-mini"].input == 1 and prices["my-model"].output == 4
    assert "gpt-4o" in prices


@pytest.mark.parametrize("text", ["{broken", "[1, 2]", '{"m": {"input": -1, "output": 1}}'])
def test_broken_price_file_names_itself(tmp_path: Path, text: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(text)
    with pytest.raises(ConfigError, match=r"prices\.json"):
        load_prices(path)


def test_describe_lines() -> None:
    usage = Usage(requests=2, prompt_tokens=1200, cached_tokens=200, completion_tokens=300)
    assert describe(Usage(), "gpt-4o", DEFAULT_PRICES, local=False) == ""
    assert "cost: none (local server)" in describe(usage, "llama3", DEFAULT_PRICES, local=True)
    assert "estimated cost $0." in describe(usage, "gpt-4o-mini", DEFAULT_PRICES, local=False)
    assert "unknown for mystery" in describe(usage, "mystery", DEFAULT_PRICES, local=False)
