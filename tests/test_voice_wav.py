"""WAV files: any common format in, 16 kHz mono int16 out; a recording survives a crash."""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import pytest

from interviewer.voice.base import SAMPLE_RATE, VoiceError
from interviewer.voice.wav import (
    WavWriter,
    float_to_pcm,
    pcm_seconds,
    pcm_to_float,
    read_wav,
    repair_wav,
    write_wav,
)
from tests.speech import needs_espeak, speak


def tone(seconds: float, rate: int, freq: float = 440.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def write_raw_wav(
    path: Path, data: bytes, *, tag: int, channels: int, rate: int, bits: int
) -> Path:
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data"
    body += struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def dominant_freq(pcm: bytes) -> float:
    x = pcm_to_float(pcm)
    spectrum = np.abs(np.fft.rfft(x))
    return float(np.argmax(spectrum) * SAMPLE_RATE / len(x))


def test_16k_mono_round_trip_is_exact(tmp_path: Path) -> None:
    pcm = float_to_pcm(tone(1.0, SAMPLE_RATE))
    path = write_wav(tmp_path / "a.wav", pcm)
    assert read_wav(path) == pcm
    with wave.open(str(path)) as w:  # the stdlib reads what we write
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)


@pytest.mark.parametrize(
    ("rate", "channels", "bits", "tag"),
    [
        (44_100, 2, 16, 1),
        (48_000, 1, 32, 1),
        (8_000, 1, 8, 1),
        (22_050, 2, 32, 3),  # IEEE float, which the stdlib reader refuses
        (32_000, 1, 24, 1),
    ],
)
def test_other_formats_are_downmixed_and_resampled(
    tmp_path: Path, rate: int, channels: int, bits: int, tag: int
) -> None:
    x = tone(1.0, rate)
    frames = np.repeat(x[:, None], channels, axis=1)
    if tag == 3:
        data = frames.astype("<f4").tobytes()
    elif bits == 8:
        data = (frames * 127 + 128).astype(np.uint8).tobytes()
    elif bits == 16:
        data = (frames * 32767).astype("<i2").tobytes()
    elif bits == 24:
        ints = (frames * (2**23 - 1)).astype("<i4").reshape(-1)
        data = b"".join(int(v).to_bytes(3, "little", signed=True) for v in ints)
    else:
        data = (frames * (2**31 - 1)).astype("<i4").tobytes()
    path = write_raw_wav(tmp_path / "x.wav", data, tag=tag, channels=channels, rate=rate, bits=bits)
    pcm = read_wav(path)
    assert abs(pcm_seconds(pcm) - 1.0) < 0.01
    assert abs(dominant_freq(pcm) - 440.0) < 5
    assert 0.3 < float(np.abs(pcm_to_float(pcm)).max()) < 0.6


@needs_espeak
def test_espeak_output_is_read_at_16k(tmp_path: Path) -> None:
    path = speak("Hello there.", tmp_path)
    with wave.open(str(path)) as w:
        assert w.getframerate() != SAMPLE_RATE  # the resampler is really used
        seconds = w.getnframes() / w.getframerate()
    assert abs(pcm_seconds(read_wav(path)) - seconds) < 0.01


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "not found"),
        (b"", "empty"),
        (b"ID3\x03\x00 this is an mp3 really", "not a WAV"),
        (b"RIFF\x10\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01", "damaged"),
        (b"RIFF\x04\x00\x00\x00WAVE", "no format chunk"),
    ],
)
def test_bad_files_say_what_is_wrong(tmp_path: Path, content: bytes | None, words: str) -> None:
    path = tmp_path / "answer.wav"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(VoiceError, match=words) as info:
        read_wav(path)
    assert "answer.wav" in str(info.value)


def test_an_unknown_encoding_is_named(tmp_path: Path) -> None:
    path = write_raw_wav(tmp_path / "a.wav", b"\0" * 100, tag=0x55, channels=1, rate=8000, bits=16)
    with pytest.raises(VoiceError, match="cannot read"):
        read_wav(path)


def test_writer_keeps_a_valid_file_after_every_chunk(tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    chunk = float_to_pcm(tone(0.1, SAMPLE_RATE))
    writer = WavWriter(path)
    for n in range(1, 4):
        writer.write(chunk)
        # Not closed: what a crash right now would leave on disk.
        with wave.open(str(path)) as w:
            assert w.getnframes() == n * len(chunk) // 2
        assert read_wav(path) == chunk * n
    writer.close()
    assert writer.seconds == pytest.approx(0.3)


def test_reader_recovers_audio_past_a_stale_header(tmp_path: Path) -> None:
    """A crash between appending audio and updating the lengths: nothing is lost."""
    path = tmp_path / "rec.wav"
    chunk = float_to_pcm(tone(0.2, SAMPLE_RATE))
    with WavWriter(path) as writer:
        writer.write(chunk)
    with open(path, "ab") as f:
        f.write(chunk)  # appended, header not updated
    assert read_wav(path) == chunk * 2
    assert repair_wav(path) == pytest.approx(0.4)
    with wave.open(str(path)) as w:
        assert w.getnframes() == len(chunk)  # 2 chunks of 2-byte samples


def test_reader_reads_a_header_that_was_never_filled_in(tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    chunk = float_to_pcm(tone(0.2, SAMPLE_RATE))
    with WavWriter(path) as writer:
        writer.write(chunk)
    raw = bytearray(path.read_bytes())
    raw[40:44] = b"\0\0\0\0"
    raw[4:8] = b"\0\0\0\0"
    path.write_bytes(bytes(raw) + b"\x01")  # and half a sample at the end
    assert read_wav(path) == chunk


def test_writer_appends_to_an_existing_recording(tmp_path: Path) -> None:
    path = tmp_path / "rec.wav"
    chunk = float_to_pcm(tone(0.1, SAMPLE_RATE))
    with WavWriter(path) as writer:
        writer.write(chunk)
    with WavWriter(path, append=True, sync=True) as writer:
        writer.write(chunk)
    assert read_wav(path) == chunk * 2


def test_a_chunk_after_another_riff_chunk_is_not_audio(tmp_path: Path) -> None:
    pcm = float_to_pcm(tone(0.1, SAMPLE_RATE))
    path = write_wav(tmp_path / "a.wav", pcm)
    raw = path.read_bytes() + b"LIST" + struct.pack("<I", 4) + b"INFO"
    path.write_bytes(raw)
    assert read_wav(path) == pcm
