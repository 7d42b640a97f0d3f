"""The OpenAI-compatible transcription endpoint, through the real openai client: word
times, servers that give text only, faults (slow, 500, cut), and the local stand-in."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import httpx2
import pytest

from interviewer.core.errors import ConfigError
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.voice.base import VoiceError, VoiceServiceError
from interviewer.voice.engines import FallbackTranscriber, make_transcriber
from interviewer.voice.local import LocalWhisper
from interviewer.voice.remote import OpenAITranscriber
from interviewer.voice.scripted import ScriptedTranscriber
from tests.fake_openai_server import FakeOpenAIServer, Reply, closed_port, drop, error, raw, slow
from tests.speech import silence

PATH = "/v1/audio/transcriptions"
ROUTE = ("POST", PATH)
AUDIO = silence(0.2) + b"\x10\x20" * 16000  # 1.2 s of "audio"
VERBOSE = {
    "text": " Um, it depends.",
    "language": "english",
    "duration": 1.2,
    "words": [
        {"word": "Um,", "start": 0.1, "end": 0.3},
        {"word": "it", "start": 0.5, "end": 0.6},
        {"word": "depends.", "start": 0.6, "end": 1.0},
    ],
    "segments": [],
}


def mock_backend(handler: Callable[[httpx2.Request], httpx2.Response], **kw: Any) -> OpenAIBackend:
    client = httpx2.Client(transport=httpx2.MockTransport(handler))
    return OpenAIBackend("sk-test-key-123", "whisper-1", http_client=client, **kw)


def test_word_times_come_back_shifted_by_the_offset() -> None:
    seen: list[httpx2.Request] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(200, json=VERBOSE)

    engine = OpenAITranscriber(mock_backend(handler))
    result = engine.transcribe(AUDIO, offset=10.0, prompt="Earlier words.")
    assert result.text == "Um, it depends."
    assert [(w.word, w.start) for w in result.words] == [
        ("Um,", 10.1),
        ("it", 10.5),
        ("depends.", 10.6),
    ]
    assert result.engine == "openai" and result.model == "whisper-1" and not result.notes
    body = seen[0].read()
    assert seen[0].url.path == PATH
    for field in (
        b'name="response_format"',
        b"verbose_json",
        b"timestamp_granularities[]",
        b"word",
    ):
        assert field in body
    assert b"Earlier words." in body and b"RIFF" in body and b"WAVE" in body


def test_a_server_without_word_times_gets_text_and_estimated_times() -> None:
    formats: list[bytes] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        formats.append(b"verbose_json" if b"verbose_json" in body else b"json")
        if b"verbose_json" in body:
            return httpx2.Response(
                400,
                json={
                    "error": {
                        "message": "response_format 'verbose_json' is not "
                        "compatible with this model",
                        "type": "invalid_request_error",
                    }
                },
            )
        return httpx2.Response(200, json={"text": "it depends on the data"})

    engine = OpenAITranscriber(mock_backend(handler))
    first = engine.transcribe(AUDIO)
    second = engine.transcribe(AUDIO)
    assert first.text == "it depends on the data"
    assert len(first.words) == 5
    starts = [w.start for w in first.words]
    assert starts == sorted(starts) and first.words[-1].end <= 1.2 + 1e-6
    assert any("estimated" in n for n in first.notes)
    assert formats == [b"verbose_json", b"json", b"json"]  # refused once, remembered
    assert second.text == first.text


def test_a_rejected_key_is_said_plainly_and_not_retried() -> None:
    calls = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        calls.append(request)
        return httpx2.Response(401, json={"error": {"message": "bad key sk-test-key-123"}})

    engine = OpenAITranscriber(mock_backend(handler, max_retries=3))
    with pytest.raises(VoiceServiceError, match="API key was rejected") as info:
        engine.transcribe(AUDIO)
    assert "sk-test-key-123" not in str(info.value)
    assert len(calls) == 1


# ---------------------------------------------------------------- the loopback server


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as fake:
        yield fake


def remote(server: FakeOpenAIServer, **kw: Any) -> OpenAITranscriber:
    options = {"timeout": 5.0, "max_retries": 1, **kw}
    return OpenAITranscriber(OpenAIBackend(None, "whisper-1", base_url=server.base_url, **options))


def answers(*replies: Reply) -> Callable[[Any], Reply]:
    queue = list(replies)
    return lambda body: queue.pop(0) if len(queue) > 1 else queue[0]


def test_a_500_is_retried_once_then_succeeds(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = answers(
        error(500, "boom", type_="server_error"), raw(json.dumps(VERBOSE).encode())
    )
    result = remote(server).transcribe(AUDIO)
    assert result.text == "Um, it depends."
    assert [r.path for r in server.requests] == [PATH, PATH]


def test_a_server_that_keeps_failing_says_so(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = error(500, "boom", type_="server_error")
    with pytest.raises(VoiceServiceError, match=r"internal error \(HTTP 500\)") as info:
        remote(server).transcribe(AUDIO)
    assert info.value.retryable
    assert len(server.requests) == 2


def test_the_time_out_grows_with_the_audio(server: FakeOpenAIServer) -> None:
    """0.5 s time-out, 1.2 s of audio: a reply after 1 s is waited for."""
    server.routes[ROUTE] = slow(raw(json.dumps(VERBOSE).encode()), delay=1.0)
    assert remote(server, timeout=0.5, max_retries=0).transcribe(AUDIO).text == "Um, it depends."


def test_a_slow_server_times_out_without_a_retry(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = slow(raw(json.dumps(VERBOSE).encode()), delay=5.0)
    with pytest.raises(VoiceServiceError, match="did not answer within"):
        remote(server, timeout=0.5).transcribe(AUDIO)
    assert len(server.requests) == 1


def test_a_cut_connection_is_a_service_error(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = drop()
    with pytest.raises(VoiceServiceError, match="closed the connection"):
        remote(server, max_retries=0).transcribe(AUDIO)


def test_no_server_at_all() -> None:
    backend = OpenAIBackend(None, "whisper-1", base_url=f"http://127.0.0.1:{closed_port()}/v1")
    with pytest.raises(VoiceServiceError, match="No server answered"):
        OpenAITranscriber(backend).transcribe(AUDIO)


# ---------------------------------------------------------------- stand-in and choice


def test_the_local_engine_stands_in_when_the_server_fails(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = error(503, "loading", type_="server_error")
    local = ScriptedTranscriber("it depends", "on the data", model="tiny.en")
    notices: list[str] = []
    engine = FallbackTranscriber(remote(server, max_retries=0), local, on_notice=notices.append)
    first = engine.transcribe(AUDIO)
    second = engine.transcribe(AUDIO, offset=5.0)
    assert (first.text, first.engine) == ("it depends", "local")
    assert second.text == "on the data" and second.words[0].start >= 5.0
    assert len(server.requests) == 1  # the cool-down: one failure, not one per phrase
    assert len(notices) == 1 and "tiny.en" in notices[0] and "503" in notices[0]
    assert any("instead" in n for n in first.notes)


def test_the_server_is_asked_again_after_the_cool_down(server: FakeOpenAIServer) -> None:
    server.routes[ROUTE] = answers(
        error(500, "x", type_="server_error"), raw(json.dumps(VERBOSE).encode())
    )
    now = [0.0]
    engine = FallbackTranscriber(
        remote(server, max_retries=0), ScriptedTranscriber("local"), clock=lambda: now[0]
    )
    assert engine.transcribe(AUDIO).engine == "local"
    now[0] = 61.0
    assert engine.transcribe(AUDIO).engine == "openai"


def settings(**kw: Any) -> SimpleNamespace:
    base = {
        "provider": None,
        "model": "gpt-4o-mini",
        "base_url": "",
        "temperature": 0.7,
        "request_timeout": 5.0,
        "connect_timeout": 2.0,
        "max_retries": 0,
        "context_window": None,
        "gap_timeout": None,
        "voice_transcription": "local",
        "voice_model": "tiny.en",
        "voice_transcription_model": "whisper-1",
    }
    base.update(kw)
    ns = SimpleNamespace(**base)
    ns.effective_base_url = lambda: ns.base_url or None
    return ns


def test_the_choice_follows_the_settings(server: FakeOpenAIServer) -> None:
    assert isinstance(make_transcriber(settings()), LocalWhisper)
    on_server = make_transcriber(settings(voice_transcription="provider", base_url=server.base_url))
    assert isinstance(on_server, FallbackTranscriber)
    assert isinstance(on_server.remote, OpenAITranscriber)
    assert on_server.remote.where == server.base_url.rstrip("/")
    plain = make_transcriber(settings(base_url=server.base_url), engine="openai", stand_in=False)
    assert isinstance(plain, OpenAITranscriber) and plain.model_name == "whisper-1"
    # Picking local on the command line overrides a server in Settings: audio stays here.
    assert isinstance(
        make_transcriber(
            settings(voice_transcription="provider", base_url=server.base_url), engine="local"
        ),
        LocalWhisper,
    )
    with pytest.raises(ConfigError, match="Unknown transcription engine"):
        make_transcriber(settings(), engine="cloud")


def test_a_server_choice_without_a_server_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(VoiceError, match="not set up"):
        make_transcriber(settings(voice_transcription="provider"), stand_in=False)


def test_the_apps_own_settings_choose_the_engine(server: FakeOpenAIServer) -> None:
    from interviewer.storage.secrets import SecretStore
    from interviewer.storage.settings import Settings

    chosen = Settings(
        provider="custom",
        base_url=server.base_url,
        voice_transcription="provider",
        voice_transcription_model="Systran/faster-whisper-small.en",
    )
    engine = make_transcriber(chosen, SecretStore())
    assert isinstance(engine, FallbackTranscriber)
    assert isinstance(engine.remote, OpenAITranscriber)
    assert engine.remote.model_name == "Systran/faster-whisper-small.en"
    server.routes[ROUTE] = raw(json.dumps(VERBOSE).encode())
    assert engine.transcribe(AUDIO).text == "Um, it depends."
    assert isinstance(make_transcriber(Settings()), LocalWhisper)
