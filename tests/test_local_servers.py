"""Ollama, LM Studio and llama.cpp in their own words (issue 15, item 5).

Each fake below is the loopback FakeOpenAIServer with the server's native endpoints
added as routes (`fake.routes`), so the real `openai` client and the real HTTP code in
llm/local_servers.py run against it: model lists, "not pulled / not loaded" messages
with the command that fixes them, the context window read from the server and used by
the prompt budget, and servers that lack the native endpoints or answer them badly.
No network; every time-out is small.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest

from interviewer.core.budget import DEFAULT_CONTEXT_WINDOW, MIN_REPLY_TOKENS, REPLY_TOKENS
from interviewer.core.errors import ModelNotFound
from interviewer.core.models import Turn
from interviewer.core.requests import GradeRequest, TurnRequest
from interviewer.llm import local_servers
from interviewer.llm.factory import make_backend
from interviewer.llm.local_servers import (
    LMSTUDIO_DEFAULT_CONTEXT,
    OLLAMA_DEFAULT_CONTEXT,
    ContextWindow,
    LocalServerError,
    context_window,
    list_models,
    missing_model_message,
)
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests import factories
from tests.fake_openai_server import (
    FakeOpenAIServer,
    Reply,
    error,
    hang,
    json_content,
    raw,
    text,
)

#: For servers that answer (and a closed port, refused at once): generous, so a loaded
#: machine does not fail a test that expects an answer. 0.5 s failed once in a full CI
#: run ("did not answer within 0.5 seconds" from the loopback fake). The hang tests set
#: their own short timeout.
TIMEOUT = 5.0


def ok(obj: Any) -> Reply:
    return raw(json.dumps(obj).encode())


def turn_request() -> TurnRequest:
    return TurnRequest("question", factories.track(), factories.question(), 0, 2)


def grade_request() -> GradeRequest:
    exchange = (
        Turn(role="interviewer", kind="question", text="Explain bias and variance."),
        Turn(role="candidate", kind="answer", text="Bias underfits, variance overfits."),
    )
    return GradeRequest(1, factories.question(), factories.rubric(), exchange)


# --------------------------------------------------------------------------- fakes

OLLAMA_TAGS = {
    "models": [
        {
            "name": "qwen2.5:0.5b",
            "model": "qwen2.5:0.5b",
            "size": 397_821_319,
            "details": {"parameter_size": "494.03M", "quantization_level": "Q4_K_M"},
        },
        {
            "name": "llama3.1:8b",
            "model": "llama3.1:8b",
            "size": 4_920_753_328,
            "details": {"parameter_size": "8.0B", "quantization_level": "Q4_K_M"},
        },
    ]
}


def show(arch: str, maximum: int, parameters: str = "") -> dict[str, Any]:
    return {
        "parameters": parameters,
        "details": {"family": arch},
        "model_info": {"general.architecture": arch, f"{arch}.context_length": maximum},
    }


def as_ollama(
    fake: FakeOpenAIServer,
    *,
    shows: dict[str, dict[str, Any]] | None = None,
    loaded: dict[str, int] | None = None,
) -> FakeOpenAIServer:
    """Ollama's native API at the root: /api/tags, /api/ps, /api/show."""
    fake.routes[("GET", "/api/tags")] = ok(OLLAMA_TAGS)
    running = [
        {"name": name, "model": name, "context_length": ctx} for name, ctx in (loaded or {}).items()
    ]
    fake.routes[("GET", "/api/ps")] = ok({"models": running})
    known = shows or {}

    def on_show(body: Any) -> Reply:
        name = body.get("model") if isinstance(body, dict) else None
        if name not in known:
            return error(404, f"model '{name}' not found", type_="api_error")
        return ok(known[name])

    fake.routes[("POST", "/api/show")] = on_show
    return fake


LMSTUDIO_MODELS = {
    "object": "list",
    "data": [
        {
            "id": "qwen2.5-7b-instruct",
            "object": "model",
            "type": "llm",
            "quantization": "Q4_K_M",
            "state": "loaded",
            "max_context_length": 32_768,
        },
        {
            "id": "meta-llama-3.1-8b-instruct",
            "object": "model",
            "type": "llm",
            "quantization": "Q4_K_M",
            "state": "not-loaded",
            "max_context_length": 131_072,
        },
        {
            "id": "text-embedding-nomic-embed-text-v1.5",
            "object": "model",
            "type": "embeddings",
            "state": "not-loaded",
            "max_context_length": 2_048,
        },
    ],
}


def as_lmstudio(fake: FakeOpenAIServer) -> FakeOpenAIServer:
    fake.routes[("GET", "/api/v0/models")] = ok(LMSTUDIO_MODELS)
    return fake


@pytest.fixture
def fake() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(models=["only-the-loaded-one"]) as server:
        yield server


def backend(fake: FakeOpenAIServer, model: str, label: str, **kw: Any) -> OpenAIBackend:
    return OpenAIBackend(
        None, model, base_url=fake.base_url, max_retries=0, provider_label=label, **kw
    )


def paths(fake: FakeOpenAIServer) -> list[str]:
    with fake.lock:
        return [f"{r.method} {r.path}" for r in fake.requests]


# --------------------------------------------------------------------------- model lists


def test_ollama_lists_pulled_models_with_details(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, loaded={"qwen2.5:0.5b": 4096})
    listing = list_models(fake.base_url, timeout=TIMEOUT)  # kind found out
    assert (listing.kind, listing.source) == ("ollama", "/api/tags")
    assert listing.names == ["llama3.1:8b", "qwen2.5:0.5b"]  # not /v1/models' list
    small = listing.get("qwen2.5:0.5b")
    assert small is not None
    assert (small.loaded, small.loaded_context) == (True, 4096)
    assert (small.parameter_size, small.quantization) == ("494.03M", "Q4_K_M")
    assert small.describe() == "qwen2.5:0.5b (loaded, 494.03M, Q4_K_M, 0.4 GB, 4,096 tokens)"
    big = listing.get("llama3.1:8b")
    assert big is not None and big.loaded is False and big.size_bytes == 4_920_753_328
    assert "GET /api/tags" in paths(fake) and "GET /v1/models" not in paths(fake)


def test_lmstudio_lists_every_downloaded_model_and_its_state(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    listing = list_models(fake.base_url, kind="lmstudio", timeout=TIMEOUT)
    assert (listing.kind, listing.source) == ("lmstudio", "/api/v0/models")
    # The embedding model cannot run an interview; the unloaded chat model is listed.
    assert listing.names == ["meta-llama-3.1-8b-instruct", "qwen2.5-7b-instruct"]
    llama = listing.get("meta-llama-3.1-8b-instruct")
    assert llama is not None and llama.loaded is False and llama.max_context == 131_072
    assert listing.get("qwen2.5-7b-instruct") == local_servers.LocalModel(
        "qwen2.5-7b-instruct", True, 32_768, None, None, None, "Q4_K_M", "llm"
    )


def test_backend_list_models_uses_the_native_list(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    b = backend(fake, "qwen2.5-7b-instruct", "LM Studio")
    try:
        assert b.list_models() == ["meta-llama-3.1-8b-instruct", "qwen2.5-7b-instruct"]
    finally:
        b.close()


def test_other_servers_fall_back_to_the_openai_list(fake: FakeOpenAIServer) -> None:
    """No native endpoint (404 everywhere): /v1/models, cleanly, whatever kind was guessed."""
    for kind in (None, "ollama", "lmstudio", "llamacpp", "openai"):
        listing = list_models(fake.base_url, kind=kind, timeout=TIMEOUT)
        assert listing.source == "/v1/models"
        assert listing.names == ["only-the-loaded-one"]
    assert listing.kind == "openai"


def test_vllm_and_llamacpp_model_lists_carry_the_window() -> None:
    body = {
        "object": "list",
        "data": [
            {"id": "Qwen/Qwen2.5-7B", "object": "model", "max_model_len": 32_768},
            {"id": "gemma.gguf", "object": "model", "meta": {"n_ctx_train": 32_768, "size": 9}},
        ],
    }
    # A JSON body for /v1/models (the fake sends a Reply's body as JSON).
    with FakeOpenAIServer(models=Reply("error", status=200, body=body)) as server:
        listing = list_models(server.base_url, kind="openai", timeout=TIMEOUT)
        assert [m.max_context for m in listing.models] == [32_768, 32_768]
        found = context_window(server.base_url, "Qwen/Qwen2.5-7B", kind="openai", timeout=TIMEOUT)
    assert found == ContextWindow(32_768, 32_768, "the server's model list")


def test_malformed_native_json_falls_back(fake: FakeOpenAIServer) -> None:
    fake.routes[("GET", "/api/tags")] = raw(b'{"models": [ not json')
    fake.routes[("GET", "/api/v0/models")] = raw(
        b"<html>LM Studio?</html>", content_type="text/html"
    )
    listing = list_models(fake.base_url, timeout=TIMEOUT)
    assert (listing.source, listing.names) == ("/v1/models", ["only-the-loaded-one"])
    # JSON of the wrong shape is no better than no JSON.
    fake.routes[("GET", "/api/tags")] = ok({"models": "qwen"})
    assert list_models(fake.base_url, kind="ollama", timeout=TIMEOUT).source == "/v1/models"


def test_nothing_readable_is_a_clear_error() -> None:
    with FakeOpenAIServer() as server:
        server.routes[("GET", "/v1/models")] = raw(b"not json at all")
        server.routes[("GET", "/api/tags")] = raw(b"{broken")
        with pytest.raises(LocalServerError) as info:
            list_models(server.base_url, kind="ollama", timeout=TIMEOUT)
    message = str(info.value)
    assert server.base_url in message and "no model list we can read" in message
    assert "/api/tags: not JSON" in message and "/models: not JSON" in message


def test_a_silent_native_endpoint_is_given_up_quickly(fake: FakeOpenAIServer) -> None:
    fake.routes[("GET", "/api/tags")] = hang()
    fake.routes[("POST", "/api/show")] = hang()
    start = time.monotonic()
    with pytest.raises(LocalServerError, match=r"did not answer within 0\.3 seconds"):
        list_models(fake.base_url, kind="ollama", timeout=0.3)
    assert context_window(fake.base_url, "m", kind="ollama", timeout=0.3) is None
    assert time.monotonic() - start < 2.5


def test_a_closed_port_is_unreachable() -> None:
    from tests.fake_openai_server import closed_port

    url = f"http://127.0.0.1:{closed_port()}/v1"
    with pytest.raises(LocalServerError, match="No server answered"):
        list_models(url, timeout=TIMEOUT)
    assert context_window(url, "m", timeout=TIMEOUT) is None


# --------------------------------------------------------------------------- context windows


def test_ollama_window_from_num_ctx_and_the_model_maximum(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"llama3.1:8b": show("llama", 131_072, "num_ctx 8192\nstop x")})
    found = context_window(fake.base_url, "llama3.1:8b", kind="ollama", timeout=TIMEOUT)
    assert found == ContextWindow(8_192, 131_072, "num_ctx in the model's Modelfile")
    assert found.describe() == (
        "runs with a 8,192-token context window (num_ctx in the model's Modelfile); "
        "the model supports 131,072"
    )


def test_ollama_default_window_is_smaller_than_the_maximum(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    found = context_window(fake.base_url, "qwen2.5:0.5b", timeout=TIMEOUT)  # kind found out
    assert found is not None
    assert (found.effective, found.maximum) == (OLLAMA_DEFAULT_CONTEXT, 32_768)
    assert "Ollama's default" in found.source


def test_ollama_loaded_model_reports_its_real_window(fake: FakeOpenAIServer) -> None:
    as_ollama(
        fake,
        shows={"qwen2.5:0.5b": show("qwen2", 32_768, "num_ctx 2048")},
        loaded={"qwen2.5:0.5b": 16_384},
    )
    found = context_window(fake.base_url, "qwen2.5:0.5b", kind="ollama", timeout=TIMEOUT)
    assert found is not None and (found.effective, found.maximum) == (16_384, 32_768)


def test_ollama_window_never_exceeds_the_model(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"tiny": show("gemma3", 2_048, "num_ctx 8192")})
    found = context_window(fake.base_url, "tiny", kind="ollama", timeout=TIMEOUT)
    assert found is not None and found.effective == 2_048


def test_lmstudio_window_from_max_context_length(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    found = context_window(fake.base_url, "meta-llama-3.1-8b-instruct", kind="lmstudio")
    # Not loaded: LM Studio will load it with its default context, not the maximum.
    assert found == ContextWindow(
        LMSTUDIO_DEFAULT_CONTEXT, 131_072, "LM Studio's default load context; not loaded"
    )
    assert context_window(fake.base_url, "absent", kind="lmstudio", timeout=TIMEOUT) is None


LMSTUDIO_V1 = {
    "models": [
        {
            "type": "llm",
            "key": "gemma-3-270m-it-qat",
            "quantization": {"name": "Q4_0", "bits_per_weight": 4},
            "size_bytes": 241_410_208,
            "params_string": "270M",
            "loaded_instances": [
                {"id": "gemma-3-270m-it-qat", "config": {"context_length": 8_192}}
            ],
            "max_context_length": 32_768,
        },
        {
            "type": "embedding",
            "key": "text-embedding-nomic-embed-text-v1.5-embedding",
            "loaded_instances": [],
            "max_context_length": 2_048,
        },
    ]
}


def test_lmstudio_04_reports_the_loaded_window(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)  # the v0 API is there too; v1 is asked first
    fake.routes[("GET", "/api/v1/models")] = ok(LMSTUDIO_V1)
    listing = list_models(fake.base_url, kind="lmstudio", timeout=TIMEOUT)
    assert (listing.source, listing.names) == ("/api/v1/models", ["gemma-3-270m-it-qat"])
    gemma = listing.get("gemma-3-270m-it-qat")
    assert gemma is not None
    assert gemma.describe() == "gemma-3-270m-it-qat (loaded, 270M, Q4_0, 0.2 GB, 8,192 tokens)"
    found = context_window(fake.base_url, "gemma-3-270m-it-qat", kind="lmstudio")
    assert found == ContextWindow(8_192, 32_768, "as loaded now")


def test_llamacpp_window_from_props(fake: FakeOpenAIServer) -> None:
    fake.routes[("GET", "/props")] = ok({"default_generation_settings": {"n_ctx": 2_048}})
    found = context_window(fake.base_url, "anything", kind="llamacpp", timeout=TIMEOUT)
    assert found is not None and found.effective == 2_048
    # Auto-detection reaches /props after Ollama's /api/show answers 404.
    assert context_window(fake.base_url, "anything", timeout=TIMEOUT) == found


def test_a_server_that_says_nothing_gives_no_window(fake: FakeOpenAIServer) -> None:
    assert context_window(fake.base_url, "only-the-loaded-one", timeout=TIMEOUT) is None
    fake.routes[("GET", "/props")] = ok({"default_generation_settings": {"n_ctx": "big"}})
    assert context_window(fake.base_url, "x", kind="llamacpp", timeout=TIMEOUT) is None


def test_the_budget_plans_with_the_window_the_server_reports(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    fake.enqueue(json_content(factories.draft(4, "x").model_dump()))
    b = backend(fake, "qwen2.5:0.5b", "Ollama", server_context=True)
    try:
        assert b.context_window == DEFAULT_CONTEXT_WINDOW  # nothing read before a call
        b.grade(grade_request())
        assert b.context_window == OLLAMA_DEFAULT_CONTEXT
        assert b.server_window is not None and b.server_window.maximum == 32_768
    finally:
        b.close()
    (body,) = fake.chat_bodies
    # The reply limit is what the server's window leaves, not the 8,192 default's.
    assert body["max_tokens"] == min(
        REPLY_TOKENS["grade"], OLLAMA_DEFAULT_CONTEXT - b.last_prompt_tokens
    )
    assert body["max_tokens"] < REPLY_TOKENS["grade"]
    assert body["max_tokens"] >= MIN_REPLY_TOKENS
    assert paths(fake).count("POST /api/show") == 1


def test_the_window_is_read_once(fake: FakeOpenAIServer) -> None:
    fake.routes[("GET", "/props")] = ok({"default_generation_settings": {"n_ctx": 6_000}})
    fake.enqueue(text("First question?"), text("Second question?"))
    b = backend(fake, "gemma", "llama.cpp server", server_context=True)
    try:
        b.interviewer_turn(turn_request())
        b.interviewer_turn(turn_request())
        assert b.context_window == 6_000
    finally:
        b.close()
    assert paths(fake).count("GET /props") == 1


def test_the_users_window_wins_and_nothing_is_asked(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    fake.enqueue(text("A question?"))
    b = backend(fake, "qwen2.5:0.5b", "Ollama", server_context=True, context_window=12_000)
    try:
        b.interviewer_turn(turn_request())
        assert b.context_window == 12_000
    finally:
        b.close()
    assert not any("/api/" in p for p in paths(fake))


def test_without_server_context_nothing_is_asked(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    fake.enqueue(text("A question?"))
    b = backend(fake, "qwen2.5:0.5b", "Ollama")
    try:
        b.interviewer_turn(turn_request())
        assert b.context_window == DEFAULT_CONTEXT_WINDOW
    finally:
        b.close()
    assert paths(fake) == ["POST /v1/chat/completions"]


def test_make_backend_reads_the_window_when_settings_leave_it_automatic(
    fake: FakeOpenAIServer,
) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768, "num_ctx 6144")})
    fake.enqueue(text("A question?"), text("Another?"))
    auto = make_backend(
        Settings(provider="custom", base_url=fake.base_url, model="qwen2.5:0.5b"), SecretStore()
    ).backend
    fixed = make_backend(
        Settings(
            provider="custom", base_url=fake.base_url, model="qwen2.5:0.5b", context_window=20_000
        ),
        SecretStore(),
    ).backend
    assert isinstance(auto, OpenAIBackend) and isinstance(fixed, OpenAIBackend)
    try:
        auto.interviewer_turn(turn_request())
        fixed.interviewer_turn(turn_request())
        assert (auto.context_window, fixed.context_window) == (6_144, 20_000)
    finally:
        auto.close()
        fixed.close()


# --------------------------------------------------------------------------- missing models


OLLAMA_MISSING = 'model "llama3" not found, try pulling it first'


def test_ollama_model_not_pulled_gives_the_command(fake: FakeOpenAIServer) -> None:
    as_ollama(fake)
    fake.enqueue(error(404, OLLAMA_MISSING, type_="api_error"))
    b = backend(fake, "llama3", "Ollama")
    try:
        with pytest.raises(ModelNotFound) as info:
            b.interviewer_turn(turn_request())
    finally:
        b.close()
    assert str(info.value) == (
        "Model 'llama3' is not pulled in Ollama. Run: ollama pull llama3, or pick a pulled "
        "model in Settings. Pulled models: llama3.1:8b, qwen2.5:0.5b."
    )
    assert info.value.retryable is False


def test_ollama_words_are_enough_behind_a_custom_label(fake: FakeOpenAIServer) -> None:
    """A custom URL to Ollama: its error text names the fix even if /api/tags is gone."""
    fake.enqueue(error(404, OLLAMA_MISSING, type_="api_error"))
    b = backend(fake, "llama3", "Custom server")
    try:
        with pytest.raises(ModelNotFound, match="Run: ollama pull llama3") as info:
            b.grade(grade_request())
    finally:
        b.close()
    assert "Pulled models: only-the-loaded-one." in str(info.value)


def test_test_connection_names_the_pull_command_once(fake: FakeOpenAIServer) -> None:
    as_ollama(fake)
    fake.enqueue(error(404, OLLAMA_MISSING, type_="api_error"))
    b = backend(fake, "llama3", "Ollama")
    try:
        with pytest.raises(ModelNotFound) as info:
            b.test_connection()
    finally:
        b.close()
    message = str(info.value)
    assert "Run: ollama pull llama3" in message
    assert message.count("qwen2.5:0.5b") == 1  # the list is not repeated ("It offers")


def test_lmstudio_model_not_loaded_gives_the_command(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    fake.enqueue(error(404, 'Model "meta-llama-3.1-8b-instruct" not found.'))
    b = backend(fake, "meta-llama-3.1-8b-instruct", "LM Studio")
    try:
        with pytest.raises(ModelNotFound) as info:
            b.interviewer_turn(turn_request())
    finally:
        b.close()
    assert str(info.value).startswith(
        "Model 'meta-llama-3.1-8b-instruct' is not loaded in LM Studio. Load it in LM Studio "
        "or run: lms load meta-llama-3.1-8b-instruct."
    )


def test_lmstudio_model_not_downloaded_says_so(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    message = missing_model_message(
        fake.base_url, "phi-4", "model not found", kind="lmstudio", timeout=TIMEOUT
    )
    assert message is not None
    assert message.startswith("LM Studio has no model 'phi-4'. Download it in LM Studio")
    assert "Its models: meta-llama-3.1-8b-instruct, qwen2.5-7b-instruct." in message


def test_lmstudio_words_without_the_native_api(fake: FakeOpenAIServer) -> None:
    message = missing_model_message(
        fake.base_url,
        "x",
        "No models loaded. Please load a model in the developer page or use the `lms load` "
        "command.",
        kind=None,
        timeout=TIMEOUT,
    )
    assert message is not None and "run: lms load x." in message


def test_a_server_that_is_not_ollama_keeps_the_usual_message(fake: FakeOpenAIServer) -> None:
    """An "Ollama" preset pointing at something else: no `ollama pull` advice."""
    fake.enqueue(error(404, "model 'other' not found", code="model_not_found"))
    b = backend(fake, "other", "Ollama")
    try:
        with pytest.raises(ModelNotFound) as info:
            b.interviewer_turn(turn_request())
    finally:
        b.close()
    assert "is not available on this server" in str(info.value)
    assert "ollama pull" not in str(info.value)


def test_a_pulled_model_is_not_told_to_be_pulled(fake: FakeOpenAIServer) -> None:
    as_ollama(fake)
    assert (
        missing_model_message(
            fake.base_url, "qwen2.5:0.5b", "model not found", kind="ollama", timeout=TIMEOUT
        )
        is None
    )


# --------------------------------------------------------------------------- test connection


def test_test_connection_tells_the_window_and_the_load_state(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    b = backend(fake, "meta-llama-3.1-8b-instruct", "LM Studio")
    try:
        line = b.test_connection()
    finally:
        b.close()
    assert "Model 'meta-llama-3.1-8b-instruct' is available (2 models in all)." in line
    assert "run: lms load meta-llama-3.1-8b-instruct." in line
    assert (
        "The server runs with a 4,096-token context window (LM Studio's default load context; "
        "not loaded); the model supports 131,072." in line
    )


def test_test_connection_for_ollama_reports_both_windows(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    b = backend(fake, "qwen2.5:0.5b", "Ollama")
    try:
        line = b.test_connection()
    finally:
        b.close()
    assert "runs with a 4,096-token context window (Ollama's default" in line
    assert "the model supports 32,768" in line
    assert "Prompts are planned" not in line  # Automatic: the server's window is used


def test_test_connection_says_when_settings_override_the_window(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    b = backend(fake, "qwen2.5:0.5b", "Ollama", context_window=16_000)
    try:
        line = b.test_connection()
    finally:
        b.close()
    assert "Prompts are planned for 16,000 tokens, as set in Settings" in line


# --------------------------------------------------------------------------- discovery


def test_discovery_lists_lmstudio_models_that_are_not_loaded(fake: FakeOpenAIServer) -> None:
    from interviewer.llm.discovery import discover

    as_lmstudio(fake)
    (found,) = discover(2.0, ports={"lmstudio": fake.port})
    assert found.models == ["meta-llama-3.1-8b-instruct", "qwen2.5-7b-instruct"]
    # Without the native list (another server on LM Studio's port): /v1/models.
    del fake.routes[("GET", "/api/v0/models")]
    (found,) = discover(2.0, ports={"lmstudio": fake.port})
    assert found.models == ["only-the-loaded-one"]


def test_llamacpp_imitating_ollama_show_is_taken_as_it_is(fake: FakeOpenAIServer) -> None:
    """llama.cpp's server answers /api/show with the window it runs (no architecture):
    no Ollama default is applied to it."""
    fake.routes[("POST", "/api/show")] = ok(
        {"modelfile": "", "parameters": "", "model_info": {"llama.context_length": 16_384}}
    )
    found = context_window(fake.base_url, "m", timeout=TIMEOUT)
    assert found == ContextWindow(16_384, None, "the server's /api/show")


def test_an_unrelated_400_is_not_called_a_missing_model(fake: FakeOpenAIServer) -> None:
    as_ollama(fake)
    fake.enqueue(error(400, "invalid value for temperature_x"))
    b = backend(fake, "llama3", "Ollama")
    try:
        with pytest.raises(Exception) as info:
            b.interviewer_turn(turn_request())
    finally:
        b.close()
    assert not isinstance(info.value, ModelNotFound)
    assert "ollama pull" not in str(info.value)
    assert "GET /api/tags" not in paths(fake)  # the server was not even asked


def test_lmstudio_no_models_loaded_400_gives_the_command(fake: FakeOpenAIServer) -> None:
    as_lmstudio(fake)
    fake.enqueue(
        error(400, "No models loaded. Please load a model in the developer page or use the "
              "`lms load` command.")
    )  # fmt: skip
    b = backend(fake, "qwen2.5-7b-instruct-1m", "Custom server")
    try:
        with pytest.raises(ModelNotFound, match=r"LM Studio has no model 'qwen2\.5-7b-"):
            b.interviewer_turn(turn_request())
    finally:
        b.close()


# --------------------------------------------------------------------------- the terminal


def test_practice_with_a_model_ollama_has_not_pulled_says_the_command(
    fake: FakeOpenAIServer,
) -> None:
    """`interviewer practice --model llama3` against Ollama without llama3: the notice the
    candidate reads names `ollama pull llama3` and the models that are there."""
    import os
    import subprocess
    import sys

    as_ollama(fake, shows={})
    fake.router = lambda body: error(404, OLLAMA_MISSING, type_="api_error")
    r = subprocess.run(
        [sys.executable, "-m", "interviewer", "practice", "--track", "ml-technical",
         "--questions", "1", "--backend", "openai", "--base-url", fake.base_url,
         "--model", "llama3"],
        input="Bias is error from wrong assumptions; variance from sensitivity.\n.\n",
        capture_output=True, text=True, timeout=120, env=dict(os.environ),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "Run: ollama pull llama3" in r.stderr
    assert "Pulled models: llama3.1:8b, qwen2.5:0.5b." in r.stderr


def test_a_trickling_native_endpoint_is_bounded_as_a_whole() -> None:
    """A server that sends a byte now and then never resets the clock."""
    import socket
    import threading

    stop = threading.Event()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4)
    sock.settimeout(0.05)
    port = int(sock.getsockname()[1])

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            with conn:
                try:
                    conn.recv(65536)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
                    while not stop.wait(0.05):
                        conn.sendall(b" ")
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        start = time.monotonic()
        with pytest.raises(LocalServerError, match="did not answer within"):
            list_models(f"http://127.0.0.1:{port}/v1", kind="ollama", timeout=0.4)
        assert time.monotonic() - start < 1.5
    finally:
        stop.set()
        thread.join(timeout=2)
        sock.close()


def test_the_window_can_be_read_before_any_call(fake: FakeOpenAIServer) -> None:
    """For code that sizes things by `context_window` before the first call."""
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768, "num_ctx 12288")})
    b = backend(fake, "qwen2.5:0.5b", "Ollama", server_context=True)
    try:
        b.read_server_window()
        assert b.context_window == 12_288
        b.read_server_window()  # once only
    finally:
        b.close()
    assert paths(fake).count("POST /api/show") == 1
    assert fake.chat_bodies == []


def test_test_connection_to_a_custom_url_finds_ollama(fake: FakeOpenAIServer) -> None:
    as_ollama(fake, shows={"qwen2.5:0.5b": show("qwen2", 32_768)})
    b = backend(fake, "qwen2.5:0.5b", "Custom server")
    try:
        line = b.test_connection()
    finally:
        b.close()
    assert "runs with a 4,096-token context window (Ollama's default" in line
    # The list said Ollama, so the window is asked of Ollama's API alone.
    assert "GET /props" not in paths(fake) and paths(fake).count("GET /api/tags") == 1


# --------------------------------------------------------------------------- Settings


def test_settings_lists_lmstudio_models_with_what_the_server_says(
    qtbot: Any, fake: FakeOpenAIServer
) -> None:
    """Refresh in Settings: every downloaded LM Studio model (not only the loaded one),
    each with a tooltip saying whether it is loaded, its quantisation and window."""
    from PySide6.QtCore import Qt, QThreadPool

    from interviewer.gui.settings_dialog import SettingsDialog

    as_lmstudio(fake)
    dialog = SettingsDialog(Settings(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.provider_combo.setCurrentIndex(dialog.provider_combo.findData("custom"))
    dialog.base_url_edit.setText(fake.base_url)
    dialog.model_combo.setEditText("")
    with qtbot.waitSignal(dialog.models_refreshed, timeout=15_000) as blocker:
        qtbot.mouseClick(dialog.refresh_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0] == ["meta-llama-3.1-8b-instruct", "qwen2.5-7b-instruct"]
    tips = [
        dialog.model_combo.itemData(i, Qt.ItemDataRole.ToolTipRole)
        for i in range(dialog.model_combo.count())
    ]
    assert tips == [
        "meta-llama-3.1-8b-instruct (not loaded, Q4_K_M, 131,072 tokens)",
        "qwen2.5-7b-instruct (loaded, Q4_K_M, 32,768 tokens)",
    ]
    assert "meta-llama-3.1-8b-instruct (not loaded" in dialog.status_text()
    assert QThreadPool.globalInstance().waitForDone(15_000)
