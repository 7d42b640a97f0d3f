"""The shapes every transcription engine and every caller share (plain data).

Audio is 16 kHz mono signed 16-bit PCM everywhere inside the app (what Whisper models
take): the recorder writes it, the WAV reader returns it, engines receive it. A
`Transcript` carries word timings so delivery can be measured from the voice
(`interviewer.core.voice_delivery`), not guessed from the text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from interviewer.core.errors import InterviewerError
from interviewer.llm.base import CancelToken

#: Samples a second in every buffer and file the app writes or passes to an engine.
SAMPLE_RATE = 16_000
#: Bytes per sample (signed 16-bit little-endian PCM, mono).
SAMPLE_WIDTH = 2

#: Told how far a long job has got: (done, total, what) — e.g. bytes of a model download
#: or seconds of audio transcribed. total is 0 when unknown.
ProgressCallback = Callable[[float, float, str], None]


class VoiceError(InterviewerError):
    """Speech could not be recorded, read or transcribed; the message says what to do."""


class VoiceUnavailable(VoiceError):
    """The engine or its model is not installed here; the message names what to install."""


class VoiceServiceError(VoiceError):
    """A transcription server failed (no answer, time-out, HTTP error, broken reply).

    The message is the chat calls' message for the same failure (llm/errors_map.py);
    `retryable` is theirs too. A local engine may stand in (voice/engines.py)."""

    retryable: bool = False


@dataclass(frozen=True)
class Word:
    """One recognised word with its time in the audio, in seconds from the start."""

    word: str
    start: float
    end: float
    probability: float | None = None


@dataclass(frozen=True)
class Transcript:
    """What was said, when, and by which engine."""

    text: str
    duration_seconds: float
    words: tuple[Word, ...] = ()
    language: str = "en"
    engine: str = ""  # "local" or "openai"
    model: str = ""  # e.g. "tiny.en", "whisper-1"
    #: seconds spent transcribing (for the real-time factor in the benchmark)
    seconds_taken: float = 0.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `interviewer transcribe --json` (without `delivery`)."""
        return {
            "text": self.text,
            "duration_seconds": round(self.duration_seconds, 3),
            "words": [
                {"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3)}
                for w in self.words
            ],
            "engine": self.engine,
            "model": self.model,
        }


class Transcriber(Protocol):
    """One transcription engine (local faster-whisper, or an OpenAI-compatible endpoint).

    `transcribe` takes PCM (16 kHz mono int16 bytes) or a WAV file path and blocks: callers
    run it on a worker. It raises `VoiceUnavailable` when the engine cannot run here and
    `VoiceError` for anything else the user can act on; it checks `cancel` between
    segments. `offset` shifts every word time (used when a long answer is transcribed in
    chunks while the candidate speaks).
    """

    name: str

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript: ...
