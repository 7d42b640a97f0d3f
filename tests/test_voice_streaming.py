"""Transcribing while the candidate speaks: phrases cut at pauses, partial text as they
land, the whole answer with answer-relative word times at the end."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import numpy as np
import pytest

from interviewer.core.errors import Cancelled, ServerError
from interviewer.voice.base import SAMPLE_RATE, VoiceError
from interviewer.voice.scripted import ScriptedTranscriber
from interviewer.voice.streaming import StreamingTranscriber
from interviewer.voice.wav import float_to_pcm
from tests.speech import ANSWER_GRADIENT, ANSWER_PRECISION, pcm_of, silence

CHUNK = 3200  # 100 ms of 16 kHz int16, what a microphone buffer typically holds


def feed_in_chunks(stream: StreamingTranscriber, pcm: bytes, size: int = CHUNK) -> None:
    for i in range(0, len(pcm), size):
        stream.feed(pcm[i : i + size])


def noise(seconds: float, level: float = 0.2, seed: int = 1) -> bytes:
    """Loud broadband audio: speech as far as an energy detector can tell."""
    rng = np.random.default_rng(seed)
    return float_to_pcm((rng.standard_normal(int(seconds * SAMPLE_RATE)) * level).clip(-1, 1))


def test_phrases_are_cut_at_pauses_and_times_are_relative_to_the_answer() -> None:
    engine = ScriptedTranscriber("one two", "three four", "five six")
    updates: list[str] = []
    stream = StreamingTranscriber(engine, on_update=updates.append, merge_seconds=0)
    audio = (
        silence(0.5)
        + noise(1.5)
        + silence(1.0)
        + noise(2.0, seed=2)
        + silence(1.2)
        + noise(1.0, seed=3)
    )
    feed_in_chunks(stream, audio, size=1234)  # odd sizes: frames straddle chunks
    result = stream.finish(timeout=30)
    assert [round(c.offset, 1) for c in engine.calls] == pytest.approx(
        [0.5 - 0.3, 3.0 - 0.3, 6.2 - 0.3], abs=0.05
    )
    assert result.text == "one two three four five six"
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and starts[2] >= 2.65 and starts[4] >= 5.85
    assert result.duration_seconds == pytest.approx(len(audio) / 32000)
    assert updates[:2] == ["one two", "one two three four"]
    # The text before each phrase is its prompt (context across the cut).
    assert engine.calls[1].prompt == "one two"
    assert stream.audio() == audio


def babble(seconds: float) -> bytes:
    """Syllable-like audio: 250 ms loud, 80 ms softer, never a pause."""
    x = np.frombuffer(noise(seconds), dtype="<i2").astype(np.float32) / 32768
    t = np.arange(len(x)) / SAMPLE_RATE
    envelope = np.where((t % 0.33) < 0.25, 1.0, 0.1)
    return float_to_pcm(x * envelope)


def test_a_long_phrase_is_cut_anyway() -> None:
    engine = ScriptedTranscriber(default="word")
    stream = StreamingTranscriber(engine, max_phrase_seconds=5.0, merge_seconds=0)
    feed_in_chunks(stream, babble(12.0))
    stream.finish(timeout=30)
    # Cut at a soft moment within the last seconds before the limit, never past it.
    assert len(engine.calls) >= 3
    assert all(1.0 <= c.seconds <= 5.0 + 0.05 for c in engine.calls[:-1])
    assert sum(c.seconds for c in engine.calls) == pytest.approx(12.0, abs=0.05)


def test_silence_and_clicks_are_never_sent_to_the_engine() -> None:
    engine = ScriptedTranscriber(default="ghost")
    stream = StreamingTranscriber(engine)
    feed_in_chunks(stream, silence(3.0) + noise(0.06) + silence(2.0))
    result = stream.finish(timeout=10)
    assert engine.calls == []
    assert result.text == "" and result.words == ()
    assert result.duration_seconds == pytest.approx(5.06)


def test_the_floor_follows_a_noisy_room() -> None:
    """Steady fan noise stops counting as speech once the detector has heard the room
    (the first second and a half is taken for speech: a quiet room is assumed, so an
    answer begun at once is heard from its first word); speech over it still counts."""
    engine = ScriptedTranscriber(default="hello")
    stream = StreamingTranscriber(engine, merge_seconds=0)
    room = noise(4.0, level=0.01, seed=5)
    feed_in_chunks(stream, room + babble(1.0) + room)
    stream.finish(timeout=10)
    *start, speech = engine.calls
    assert len(start) <= 1 and all(c.offset == 0 and c.seconds < 2.3 for c in start)
    assert 3.6 <= speech.offset <= 4.0 and speech.seconds < 2.5


def test_a_failing_engine_fails_finish_and_keeps_the_audio() -> None:
    engine = ScriptedTranscriber(ServerError("the server had an internal error"))
    stream = StreamingTranscriber(engine)
    audio = noise(1.0) + silence(1.0) + noise(1.0)
    feed_in_chunks(stream, audio)
    with pytest.raises(ServerError):
        stream.finish(timeout=10)
    assert stream.audio() == audio


def test_cancel_stops_and_finish_says_so() -> None:
    engine = ScriptedTranscriber(default="x", delay=0.05)
    stream = StreamingTranscriber(engine)
    feed_in_chunks(stream, noise(1.0) + silence(1.0))
    stream.cancel()
    with pytest.raises(Cancelled):
        stream.finish(timeout=10)
    with pytest.raises(VoiceError, match="already finished"):
        stream.feed(silence(0.1))


def test_feeding_from_another_thread_while_reading_partials() -> None:
    engine = ScriptedTranscriber(default="a b")
    stream = StreamingTranscriber(engine, merge_seconds=0)
    audio = (noise(0.5) + silence(0.8)) * 6
    feeder = threading.Thread(target=feed_in_chunks, args=(stream, audio))
    feeder.start()
    while feeder.is_alive():
        stream.partial_text()
    feeder.join()
    result = stream.finish(timeout=30)
    assert result.text == " ".join(["a b"] * 6)


def test_a_backlog_is_merged_into_one_call() -> None:
    """A slow machine: phrases that queue up behind a busy engine go as one call (each
    call costs a whole window of the model), times still relative to the answer."""
    gate = threading.Event()
    engine = ScriptedTranscriber("first", "second third fourth", gate=gate)
    stream = StreamingTranscriber(engine)
    feed_in_chunks(stream, noise(1.0) + silence(1.0))
    while not engine.calls:  # the first phrase is with the engine, which waits
        threading.Event().wait(0.01)
    feed_in_chunks(stream, (noise(1.0) + silence(1.0)) * 3)
    assert stream.pending == 4
    gate.set()
    result = stream.finish(timeout=30)
    assert len(engine.calls) == 2
    assert engine.calls[1].offset == pytest.approx(2.0 - 0.3, abs=0.05)
    assert engine.calls[1].seconds == pytest.approx(7.6 - 1.7, abs=0.1)
    assert result.text == "first second third fourth"
    assert stream.pending == 0


# ---------------------------------------------------------------- the real model


def test_real_model_partials_appear_while_speaking(tmp_path: Path) -> None:
    pytest.importorskip("faster_whisper", reason="faster-whisper is not installed")
    from interviewer.voice.local import LocalWhisper

    engine = LocalWhisper("tiny.en", cpu_threads=2)
    first_phrase = threading.Event()
    updates: list[str] = []

    def on_update(text: str) -> None:
        updates.append(text)
        first_phrase.set()

    stream = StreamingTranscriber(engine, on_update=on_update)
    feed_in_chunks(stream, pcm_of(ANSWER_GRADIENT, tmp_path) + silence(1.0))
    # The first phrase is transcribed while the candidate would still be talking.
    assert first_phrase.wait(timeout=60)
    assert "gradient" in updates[0].lower()
    feed_in_chunks(stream, pcm_of(ANSWER_PRECISION, tmp_path) + silence(0.3))
    result = stream.finish(timeout=60)
    heard = set(re.findall(r"[a-z]+", result.text.lower()))
    assert {"gradient", "learning", "precision", "recall"} <= heard, result.text
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    # Words of the second answer come after the first answer's audio.
    first_len = len(pcm_of(ANSWER_GRADIENT, tmp_path)) / 32000
    recall = [w for w in result.words if w.word.lower().startswith("recall")]
    assert recall and recall[0].start > first_len


# ---------------------------------------------------------------- the benchmark's yardstick


def test_word_error_rate_counts_edits_over_reference_words() -> None:
    from benchmarks.voice_bench import word_error_rate

    assert word_error_rate("The cat sat.", "the cat sat") == 0.0
    assert word_error_rate("the cat sat", "the bat sat down") == pytest.approx(2 / 3)
    assert word_error_rate("um the cat", "the cat, uh") == 0.0  # fillers are not scored
    assert word_error_rate("a b c d", "") == 1.0


def test_the_table_says_when_voice_could_not_be_measured(monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks import voice_bench

    def fail(*args: object) -> None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")

    monkeypatch.setattr(voice_bench, "run_json_child", fail)
    raw: dict[str, object] = {}
    rows = voice_bench.voice_rows(raw, quick=True)
    assert [r.metric for r in rows] == ["voice: not measured"]
    assert "espeak-ng" in rows[0].note and rows[0].passed is None
