"""`interviewer transcribe` as a new user tries it: the wrong kind of file, a 44.1 kHz
stereo recording, the server engine with nothing set up. Every error names the file (or
the setting) and says what to do; no engine is loaded for a file that is not audio."""

from __future__ import annotations

import json
import wave
from pathlib import Path

import pytest

from interviewer import commands_voice
from interviewer.cli import main
from interviewer.voice.scripted import ScriptedTranscriber


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> ScriptedTranscriber:
    fake = ScriptedTranscriber(default="I would split the data first.")
    monkeypatch.setattr(commands_voice, "transcriber_for", lambda _engine, _model: fake)
    return fake


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("answer.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00\xff\xfb\x90d" + bytes(64), "an MP3"),
        ("answer.wav", b"\xff\xfb\x90d" + bytes(64), "an MP3"),
        ("answer.wav", b"fLaC" + bytes(64), "a FLAC"),
        ("answer.wav", b"\x00\x00\x00\x20ftypM4A " + bytes(64), "MP4/M4A"),
        ("answer.wav", b"RIFF\x04\x00\x00\x00WAVE", "damaged"),
    ],
)
def test_audio_that_is_not_a_wav_is_named_with_how_to_convert_it(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    engine: ScriptedTranscriber,
    name: str,
    content: bytes,
    says: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["transcribe", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {name} is") and says in err
    assert f"ffmpeg -i {name} -ar 16000 -ac 1" in err
    assert engine.calls == []


def test_a_text_file_named_wav_points_at_grading_a_typed_answer(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: ScriptedTranscriber
) -> None:
    path = tmp_path / "answer.wav"
    path.write_text("I would split the data before fitting the scaler.\n", encoding="utf-8")
    assert main(["transcribe", str(path)]) == 1
    err = capsys.readouterr().err
    assert "answer.wav is not a WAV file (it looks like a text file)" in err
    assert "interviewer grade --answer-file answer.wav" in err


def test_an_empty_file_says_to_record_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: ScriptedTranscriber
) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    assert main(["transcribe", str(path)]) == 1
    err = capsys.readouterr().err
    assert "empty.wav is empty" in err and "Record the answer again" in err


def test_a_44khz_stereo_recording_is_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], engine: ScriptedTranscriber
) -> None:
    import numpy as np

    t = np.arange(44_100 * 3) / 44_100
    tone = (0.3 * np.sin(2 * np.pi * 220 * t) * 32767).astype("<i2")
    path = tmp_path / "stereo.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(44_100)
        out.writeframes(np.stack([tone, tone], axis=1).tobytes())
    assert main(["transcribe", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["duration_seconds"] == pytest.approx(3.0, abs=0.01)
    assert data["text"] == "I would split the data first."
    (call,) = engine.calls
    assert call.seconds == pytest.approx(3.0, abs=0.01)  # 16 kHz mono, same length


def test_the_server_engine_with_nothing_set_up_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "a.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(bytes(32_000))
    assert main(["transcribe", str(path), "--engine", "openai"]) == 1
    err = capsys.readouterr().err
    assert "Transcription on the model server is not set up" in err
    assert "OPENAI_API_KEY" in err and "--engine local" in err
    assert "--backend" not in err and "--base-url" not in err  # not options of transcribe
