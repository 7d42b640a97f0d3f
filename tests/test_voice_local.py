"""The local engine: a real tiny.en model transcribing generated speech, model lookup,
and a verified download from a loopback stand-in for the Hugging Face hub."""

from __future__ import annotations

import hashlib
import json
import re
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from interviewer.core.errors import Cancelled
from interviewer.llm.base import CancelToken
from interviewer.voice import local
from interviewer.voice.base import VoiceError, VoiceUnavailable
from interviewer.voice.wav import float_to_pcm, read_wav
from tests.fake_openai_server import closed_port
from tests.speech import ANSWER_GRADIENT, ANSWER_PRECISION, silence, speak

try:
    import faster_whisper  # noqa: F401

    HAVE_WHISPER = True
except ImportError:  # pragma: no cover - the voice extra is part of the test install
    HAVE_WHISPER = False

needs_whisper = pytest.mark.skipif(
    not HAVE_WHISPER, reason="faster-whisper is not installed (pip install 'interviewer[voice]')"
)


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z']+", text.lower()))


@pytest.fixture(scope="module")
def speech_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("speech")


@pytest.fixture(scope="module")
def engine() -> local.LocalWhisper:
    if not HAVE_WHISPER:
        pytest.skip("faster-whisper is not installed (pip install 'interviewer[voice]')")
    return local.LocalWhisper("tiny.en", cpu_threads=2)


# ---------------------------------------------------------------- the real model


@needs_whisper
def test_tiny_en_transcribes_generated_speech(engine: local.LocalWhisper, speech_dir: Path) -> None:
    path = speak(ANSWER_GRADIENT, speech_dir)
    result = engine.transcribe(path)
    heard = words_of(result.text)
    assert {"gradient", "descent", "learning", "rate", "step"} <= heard, result.text
    assert result.engine == "local" and result.model == "tiny.en"
    assert result.words and all(w.end >= w.start for w in result.words)
    assert result.duration_seconds == pytest.approx(len(read_wav(path)) / 32000)
    assert engine.location is not None and engine.location.source == "bundled"


@needs_whisper
def test_pcm_with_an_offset_shifts_every_word(engine: local.LocalWhisper, speech_dir: Path) -> None:
    pcm = read_wav(speak(ANSWER_PRECISION, speech_dir))
    result = engine.transcribe(pcm, offset=100.0)
    assert {"precision", "recall", "positives"} <= words_of(result.text), result.text
    assert min(w.start for w in result.words) >= 100.0


@needs_whisper
def test_fillers_are_kept(engine: local.LocalWhisper, speech_dir: Path) -> None:
    path = speak(
        "Um, I think, uh, it depends on the data. Like, you know, the size of it.", speech_dir
    )
    heard = words_of(engine.transcribe(path).text)
    assert heard & {"um", "uh"}, heard
    assert {"depends", "data"} <= heard


@needs_whisper
def test_silence_gives_an_empty_transcript(engine: local.LocalWhisper) -> None:
    result = engine.transcribe(silence(2.0))
    assert result.text == "" and result.words == ()
    assert result.duration_seconds == pytest.approx(2.0)


@needs_whisper
def test_the_model_is_loaded_once_per_process(engine: local.LocalWhisper) -> None:
    other = local.LocalWhisper("tiny.en", cpu_threads=2)
    other.load()
    engine.load()
    assert other._model is engine._model


@needs_whisper
def test_a_cancelled_transcription_stops(engine: local.LocalWhisper, speech_dir: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        engine.transcribe(speak(ANSWER_GRADIENT, speech_dir), cancel=token)


def test_without_the_voice_extra_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "faster_whisper", None)
    with pytest.raises(VoiceUnavailable, match=re.escape("pip install 'interviewer[voice]'")):
        local.LocalWhisper("tiny.en")


# ---------------------------------------------------------------- finding a model


def test_a_folder_without_a_model_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text("{}")
    with pytest.raises(VoiceUnavailable, match=r"model\.bin missing"):
        local.find_model(str(tmp_path))
    with pytest.raises(VoiceUnavailable, match="not found"):
        local.find_model(str(tmp_path / "nope"))


def test_a_users_folder_wins(tmp_path: Path) -> None:
    for name in local.REQUIRED_FILES:
        (tmp_path / name).write_text("x")
    found = local.find_model(str(tmp_path))
    assert found is not None and found.source == "folder" and found.path == tmp_path


def test_tiny_en_comes_with_the_app_and_other_sizes_need_a_download() -> None:
    tiny = local.find_model("tiny.en")
    assert tiny is not None and tiny.source == "bundled"
    assert local.find_model("base.en") is None
    assert "downloaded from Hugging Face" in local.model_status("base.en")
    assert "shipped with the app" in local.model_status("tiny.en")


# ---------------------------------------------------------------- downloading


class FakeHub:
    """A loopback stand-in for huggingface.co: model metadata and file downloads."""

    def __init__(self, files: dict[str, bytes], *, lie_about: str | None = None) -> None:
        self.files = files
        self.lie_about = lie_about
        self.requests: list[str] = []
        hub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                hub.requests.append(self.path)
                if self.path.startswith("/api/models/"):
                    body = json.dumps(hub.metadata()).encode()
                elif "/resolve/" in self.path:
                    body = hub.files[self.path.rsplit("/", 1)[1]]
                else:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def metadata(self) -> dict[str, Any]:
        siblings: list[dict[str, Any]] = [{"rfilename": ".gitattributes", "size": 1}]
        for name, data in self.files.items():
            sha = hashlib.sha256(data).hexdigest()
            if name == self.lie_about:
                sha = "0" * 64
            siblings.append(
                {
                    "rfilename": name,
                    "size": len(data),
                    "blobId": "b" * 40,
                    "lfs": {"size": len(data), "sha256": sha, "pointerSize": 130},
                }
            )
        return {"id": "Systran/faster-whisper-base.en", "sha": "c" * 40, "siblings": siblings}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    fake = FakeHub({"model.bin": b"\x01" * 300_000, "config.json": b"{}", "vocabulary.txt": b"a"})
    fake.thread.start()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


def test_a_download_is_verified_cached_and_found_next_time(hub: FakeHub) -> None:
    seen: list[tuple[float, float]] = []
    path = local.download_model(
        "base.en", lambda done, total, what: seen.append((done, total)), endpoint=hub.url
    )
    assert path == local.models_dir() / "faster-whisper-base.en"
    assert (path / "model.bin").read_bytes() == hub.files["model.bin"]
    assert seen and seen[-1] == (300_003.0, 300_003.0)
    assert not any(p.name.startswith(".") and p.is_dir() for p in local.models_dir().iterdir())
    assert ".gitattributes" not in {p.name for p in path.iterdir()}
    found = local.find_model("base.en")
    assert found is not None and found.source == "cache"
    assert any("/resolve/" + "c" * 40 + "/model.bin" in r for r in hub.requests)


def test_a_file_that_fails_its_checksum_is_not_kept(hub: FakeHub) -> None:
    hub.lie_about = "model.bin"
    with pytest.raises(VoiceError, match="SHA-256"):
        local.download_model("base.en", endpoint=hub.url)
    assert local.find_model("base.en") is None
    assert list(local.models_dir().iterdir()) == []


def test_a_cancelled_download_leaves_nothing(hub: FakeHub) -> None:
    token = CancelToken()

    def progress(done: float, total: float, what: str) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        local.download_model("base.en", progress, token, endpoint=hub.url)
    assert list(local.models_dir().iterdir()) == []


def test_no_network_says_how_to_use_a_local_copy() -> None:
    with pytest.raises(VoiceUnavailable) as info:
        local.download_model("small.en", endpoint=f"http://127.0.0.1:{closed_port()}")
    message = str(info.value)
    assert "Systran/faster-whisper-small.en" in message
    assert "Settings" in message and "folder" in message


def test_resolve_downloads_only_when_nothing_local_exists(tmp_path: Path) -> None:
    calls: list[str] = []

    def fake_download(size: str, root: Path, progress: Any, cancel: Any) -> Path:
        calls.append(size)
        return tmp_path

    assert local.resolve_model("tiny.en", download=fake_download).source == "bundled"
    assert local.resolve_model("base.en", download=fake_download).path == tmp_path
    assert calls == ["base.en"]


def test_speech_that_no_word_covers_is_found_again() -> None:
    """The second pass's input: loud audio the first pass left without words."""
    import numpy as np

    from interviewer.voice.base import Word

    rng = np.random.default_rng(0)
    x = np.zeros(16000 * 6, dtype=np.float32)
    x[0 : 16000 * 2] = rng.standard_normal(32000) * 0.2  # missed by the first pass
    x[16000 * 3 : 16000 * 5] = rng.standard_normal(32000) * 0.2  # heard
    heard = [Word("it", 3.0, 3.9), Word("depends", 4.0, 5.0)]
    spans = local.uncovered_speech(x, heard)
    assert len(spans) == 1
    start, end = spans[0]
    assert start == 0.0 and 1.9 <= end <= 2.5
    assert local.uncovered_speech(x, [*heard, Word("so", 0.0, 2.0)]) == []


@needs_whisper
def test_a_long_prompt_is_fine(engine: local.LocalWhisper, speech_dir: Path) -> None:
    """The longest prompt streaming sends, and the token limit a long answer gets:
    together within Whisper's 448 tokens (a 45 s answer once failed on it)."""
    earlier = " ".join([ANSWER_PRECISION] * 8)  # what streaming passes: the text so far
    result = engine.transcribe(speak(ANSWER_GRADIENT, speech_dir), prompt=earlier)
    assert words_of(result.text) >= {"gradient", "descent"}
    assert local.MAX_NEW_TOKENS + 224 <= 448


class ScriptedPasses:
    """Stands in for `LocalWhisper._pass`: what tiny.en gave on the machine where the
    prompted first pass skipped "Um, I think, uh," (an AMD EPYC running CTranslate2's
    AVX2 code)."""

    def __init__(self, full_seconds: float, *, primed_piece: list[tuple[str, float, float]]):
        self.full = int(full_seconds * 16000)
        self.primed_piece = primed_piece
        self.calls: list[tuple[float, str]] = []

    def __call__(self, samples: Any, prompt: str, cancel: Any) -> list[Any]:
        from interviewer.voice.base import Word

        self.calls.append((round(len(samples) / 16000, 2), prompt))
        if len(samples) == self.full:  # the whole answer: its start skipped
            return [Word("It", 1.44, 1.6, 0.02), Word("depends", 1.6, 2.5), Word("on", 2.5, 3.9)]
        if prompt:  # the skipped piece, primed for fillers
            return [Word(w, a, b) for w, a, b in self.primed_piece]
        return [Word("I", 0.3, 0.45), Word("think,", 0.45, 0.7)]  # plain: no fillers


def scripted_engine(monkeypatch: pytest.MonkeyPatch, passes: ScriptedPasses) -> local.LocalWhisper:
    monkeypatch.setattr(local, "_whisper_class", lambda: object)
    engine = local.LocalWhisper("tiny.en")
    engine._model, engine._key = object(), ("scripted", 1)
    engine.location = local.ModelLocation(Path("scripted"), "folder", "tiny.en")
    monkeypatch.setitem(local._RUN_LOCKS, ("scripted", 1), threading.Lock())
    monkeypatch.setattr(engine, "_pass", passes)
    return engine


def answer_audio() -> bytes:
    """0.8 s of loud audio (the missed "Um, I think, uh,"), a pause, then what was heard."""
    import numpy as np

    rng = np.random.default_rng(1)
    x = np.zeros(16000 * 4, dtype=np.float32)
    x[: int(16000 * 0.8)] = rng.standard_normal(int(16000 * 0.8)) * 0.2
    x[int(16000 * 1.44) : 16000 * 4] = rng.standard_normal(16000 * 4 - int(16000 * 1.44)) * 0.2
    return float_to_pcm(x * 0.5)


def test_a_skipped_start_is_decoded_again_with_its_fillers(monkeypatch: pytest.MonkeyPatch) -> None:
    passes = ScriptedPasses(
        4.0,
        primed_piece=[
            ("Um,", 0.0, 0.25),
            ("I", 0.3, 0.4),
            ("think,", 0.4, 0.65),
            ("uh,", 0.7, 0.8),
        ],
    )
    result = scripted_engine(monkeypatch, passes).transcribe(answer_audio())
    assert result.text == "Um, I think, uh, It depends on", passes.calls
    assert [prompt for _, prompt in passes.calls[1:]] == [local.FILLER_PROMPT]
    assert passes.calls[1][0] < 1.5  # only the skipped piece is decoded again


def test_a_recovery_that_loops_or_skips_again_falls_back_to_no_prompt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looped = [("the", 0.1 * i, 0.1 * i + 0.1) for i in range(8)]
    passes = ScriptedPasses(4.0, primed_piece=looped)
    result = scripted_engine(monkeypatch, passes).transcribe(answer_audio())
    assert result.text == "I think, It depends on", passes.calls
    assert [prompt for _, prompt in passes.calls[1:]] == [local.FILLER_PROMPT, ""]

    skipped_again = [("uh,", 1.0, 1.1)]  # leaves 0-0.75 s of speech uncovered
    passes = ScriptedPasses(4.0, primed_piece=skipped_again)
    result = scripted_engine(monkeypatch, passes).transcribe(answer_audio())
    assert result.text == "I think, It depends on", passes.calls
