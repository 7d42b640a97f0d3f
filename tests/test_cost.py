from __future__ import annotations

from pathlib import Path

import pytest

from interviewer.core.cost import (
    DEFAULT_PRICES,
    Price,
    Usage,
    describe,
    estimate,
    format_cost,
    is_local_url,
    price_for,
    session_cost,
    usage_from_api,
)
from interviewer.core.errors import ConfigError
from interviewer.storage.prices import (
    load_prices,
    load_prices_or_defaults,
    prices_path,
    write_prices_template,
)


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


# --------------------------------------------------------------------------- usage


def test_usage_adds_and_snapshots_across_threads() -> None:
    import threading

    usage = Usage()

    def work() -> None:
        for _ in range(500):
            usage.record(prompt_tokens=10, completion_tokens=2, cached_tokens=4)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    snap = usage.snapshot()
    assert snap == Usage(
        requests=2000, prompt_tokens=20_000, cached_tokens=8_000, completion_tokens=4_000
    )
    usage.record(prompt_tokens=1)
    assert snap.prompt_tokens == 20_000  # a snapshot does not move
    assert snap.total_tokens == 24_000
    both = snap + Usage(requests=1, prompt_tokens=5)
    assert both.requests == 2001 and snap.requests == 2000
    snap.add(snap)
    assert snap.requests == 4000


def test_usage_from_api_objects_and_dicts() -> None:
    class Details:
        cached_tokens = 64

    class Api:
        prompt_tokens = 100
        completion_tokens = 20
        prompt_tokens_details = Details()

    assert usage_from_api(Api()) == Usage(
        requests=1, prompt_tokens=100, cached_tokens=64, completion_tokens=20
    )
    assert usage_from_api({"prompt_tokens": 7, "completion_tokens": None}) == Usage(
        requests=1, prompt_tokens=7
    )
    assert usage_from_api(None) is None


# --------------------------------------------------------------------------- display


def test_format_cost() -> None:
    usage = Usage(requests=4, prompt_tokens=40_000, cached_tokens=12_000, completion_tokens=5_000)
    # (28k x 0.15 + 12k x 0.075 + 5k x 0.60) / 1M = 0.0081
    assert format_cost(usage, "gpt-4o-mini") == "$0.0081 (estimate)"
    assert format_cost(usage, "gpt-4o-mini", local=True) == "free (local server)"
    assert format_cost(usage, "llama3.1:8b") == (
        "unknown (no price for llama3.1:8b; add it to prices.json)"
    )
    big = Usage(requests=1, prompt_tokens=2_000_000, completion_tokens=100_000)
    assert format_cost(big, "gpt-4o") == "$6.00 (estimate)"
    assert format_cost(Usage(), "gpt-4o") == "$0.00 (estimate)"
    assert session_cost(usage, "anything", local=True) == 0.0


@pytest.mark.parametrize(
    ("url", "local"),
    [
        (None, False),
        ("https://api.openai.com/v1", False),
        ("https://openrouter.ai/api/v1", False),
        ("http://127.0.0.1:11434/v1", True),
        ("http://localhost:1234/v1", True),
        ("http://192.168.1.20:8000/v1", True),
        ("http://[::1]:8080/v1", True),
        ("http://gpu-box.local:8000/v1", True),
    ],
)
def test_local_servers_are_recognised(url: str | None, local: bool) -> None:
    assert is_local_url(url) is local


# --------------------------------------------------------------------------- prices.json


def test_broken_price_file_warns_and_defaults_stand_in(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text('{"gpt-4o": {"input": "cheap", "output": 1}}')
    prices, warning = load_prices_or_defaults(path)
    assert prices == DEFAULT_PRICES
    assert str(path) in warning and "gpt-4o.input" in warning
    assert load_prices_or_defaults(tmp_path / "absent.json") == (DEFAULT_PRICES, "")


def test_price_file_lives_in_the_config_dir(interviewer_home: Path) -> None:
    from interviewer.storage.paths import app_paths

    assert prices_path() == app_paths().config_dir / "prices.json"
    assert load_prices_or_defaults() == (DEFAULT_PRICES, "")


def test_template_round_trips_and_comments_are_ignored(tmp_path: Path) -> None:
    path = write_prices_template(tmp_path / "cfg" / "prices.json")
    text = path.read_text()
    assert '"_note"' in text and "Estimates" in text
    assert load_prices(path) == DEFAULT_PRICES
    path.write_text('{"_note": "mine", "gpt-4o": {"input": 1, "output": 2}}')
    write_prices_template(path)  # an existing file is never overwritten
    assert load_prices(path)["gpt-4o"] == Price(input=1, output=2)


def test_the_backend_collects_usage_from_the_api() -> None:
    from interviewer.core.requests import TurnRequest
    from interviewer.llm.openai_backend import OpenAIBackend
    from tests import factories
    from tests.fake_openai_server import FakeOpenAIServer, text

    usage = {
        "prompt_tokens": 100,
        "completion_tokens": 20,
        "total_tokens": 120,
        "prompt_tokens_details": {"cached_tokens": 64},
    }
    with FakeOpenAIServer() as server:
        server.enqueue(text("Hi.", usage=usage), text("Again.", usage=usage))
        backend = OpenAIBackend(None, "fake-model", base_url=server.base_url, max_retries=0)
        try:
            request = TurnRequest("question", factories.track(), factories.question(), 0, 2)
            backend.interviewer_turn(request)
            backend.interviewer_turn(request)
        finally:
            backend.close()
    snap = backend.usage.snapshot()
    assert snap == Usage(requests=2, prompt_tokens=200, cached_tokens=128, completion_tokens=40)
    assert backend.usage_totals == snap.model_dump()
    assert format_cost(snap, backend.model, local=is_local_url(backend.base_url)) == (
        "free (local server)"
    )


def test_meter_sums_each_calls_own_usage_across_models() -> None:
    from interviewer.core.cost import UsageMeter

    meter = UsageMeter()
    assert meter.session() is None
    epoch = meter.reset()
    assert meter.record(
        "gpt-4o-mini", Usage(requests=1, prompt_tokens=1000, completion_tokens=100), local=False
    )
    # swapped in Settings mid-interview: a model with no price
    meter.record(
        "my-own-model",
        Usage(requests=1, prompt_tokens=200, completion_tokens=20),
        local=False,
        epoch=epoch,
    )
    s = meter.session()
    assert s is not None
    assert (s.requests, s.prompt_tokens, s.completion_tokens) == (2, 1200, 120)
    assert s.estimated_cost_usd is None and "my-own-model" in s.cost_text  # no price for it
    assert s.model == "gpt-4o-mini, my-own-model" and not s.local
    # A late call of the interview before (an older epoch) is not this one's.
    meter.reset()
    assert not meter.record(
        "gpt-4o-mini", Usage(requests=1, prompt_tokens=5), local=False, epoch=epoch
    )
    assert meter.session() is None


def test_meter_prices_each_server_on_its_own() -> None:
    from interviewer.core.cost import UsageMeter

    meter = UsageMeter()
    one = Usage(requests=1, prompt_tokens=1_000_000, completion_tokens=0)
    meter.record("gpt-4o-mini", one, local=False)
    meter.record("llama3.1", one, local=True)  # a local server: free
    s = meter.session()
    assert s is not None and not s.local
    assert s.estimated_cost_usd == pytest.approx(0.15)  # gpt-4o-mini's input price only
    only_local = UsageMeter()
    only_local.record("llama3.1", one, local=True)
    t = only_local.session()
    assert t is not None and t.local and t.estimated_cost_usd == 0.0


def test_meter_ignores_calls_without_usage() -> None:
    from interviewer.core.cost import UsageMeter

    meter = UsageMeter()
    assert not meter.record("offline", Usage(), local=True)  # the offline coach
    assert meter.session() is None


def test_cost_module_reads_no_backend_attributes() -> None:
    """The meter takes plain numbers; nothing in core probes a backend with getattr."""
    import inspect

    from interviewer.core import cost

    source = inspect.getsource(cost)
    assert "usage_of" not in source
    assert "getattr(backend" not in source
