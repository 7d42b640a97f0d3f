"""Speech to text through an OpenAI-compatible `/v1/audio/transcriptions` endpoint.

OpenAI's own models (whisper-1 gives word times; the gpt-4o transcribe models give text
only) and local servers that speak the same API (Speaches, LocalAI, faster-whisper-server).
The request goes through an `OpenAIBackend`'s client, so it has exactly the chat calls'
time-outs, error table (`errors_map`, via the backend's `_map`) and key redaction; this
module does not import `openai` itself (openai_backend.py stays the only one that does).
Retries are the service's (`service._retrying`): retryable errors are tried again within
the stall budget, time-outs are not. A request may take the chat time-out plus the
audio's length (a server transcribes the whole upload before it answers).

Word times are asked for (`response_format="verbose_json"`,
`timestamp_granularities=["word", "segment"]`). A server or model that refuses them (400
or 422) is asked again for plain JSON, and remembered; text without word times then gets
estimated times (spread over its segments, or over the whole audio), and the result says
so in `notes`, so delivery metrics can tell measured from estimated.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import httpx2

from interviewer.core.errors import BackendError, Cancelled
from interviewer.llm.base import CancelToken
from interviewer.llm.openai_backend import OpenAIBackend, client_errors
from interviewer.llm.service import _attempts, _retrying

#: Statuses with which a server turns down verbose_json / timestamp_granularities.
REFUSED = frozenset({400, 422})
ESTIMATED_NOTE = "word times estimated: the transcription server gave none"


@dataclass(frozen=True)
class AudioWord:
    word: str
    start: float
    end: float


@dataclass(frozen=True)
class AudioTranscription:
    """What the endpoint said, as plain data (the voice layer makes a Transcript of it)."""

    text: str
    duration: float | None
    words: list[AudioWord] = field(default_factory=list)
    model: str = ""
    #: "verbose_json" or "json"
    mode: str = "verbose_json"
    notes: list[str] = field(default_factory=list)


class AudioTranscriber:
    """One endpoint and model; remembers whether word times are available there."""

    def __init__(self, backend: OpenAIBackend) -> None:
        self.backend = backend
        self.verbose = True

    @property
    def model(self) -> str:
        return self.backend.model

    def transcribe(
        self,
        wav: bytes,
        *,
        seconds: float,
        prompt: str = "",
        language: str = "en",
        cancel: CancelToken | None = None,
        filename: str = "answer.wav",
    ) -> AudioTranscription:
        """Send one WAV file; blocks (run it on a worker). Raises core BackendError kinds."""

        def attempt() -> AudioTranscription:
            if cancel is not None and cancel.cancelled:
                raise Cancelled("Transcription was cancelled.")
            return self._once(wav, seconds, prompt, language, filename)

        result = _retrying(attempt, _attempts(self.backend))
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Transcription was cancelled.")
        return result

    def _once(
        self, wav: bytes, seconds: float, prompt: str, language: str, filename: str
    ) -> AudioTranscription:
        client = self.backend._client
        kwargs: dict[str, Any] = {
            "model": self.backend.model,
            "file": (filename, io.BytesIO(wav), "audio/wav"),
            "language": language,
            # The server reads the whole upload before it answers: the time-out grows
            # with the audio (a local server on a CPU is about real time, or slower).
            "timeout": httpx2.Timeout(
                self.backend.timeout + seconds, connect=self.backend.connect_timeout
            ),
        }
        if prompt:
            kwargs["prompt"] = prompt
        if self.verbose:
            try:
                reply = client.audio.transcriptions.create(
                    response_format="verbose_json",
                    timestamp_granularities=["word", "segment"],
                    **kwargs,
                )
                return self._read(reply, seconds, "verbose_json")
            except client_errors() as exc:
                status = getattr(exc, "status_code", None)
                if status not in REFUSED:
                    raise self.backend._map(exc) from exc
                self.verbose = False  # this server or model gives text only
        try:
            reply = client.audio.transcriptions.create(response_format="json", **kwargs)
        except client_errors() as exc:
            raise self.backend._map(exc) from exc
        return self._read(reply, seconds, "json")

    def _read(self, reply: Any, seconds: float, mode: str) -> AudioTranscription:
        text = reply if isinstance(reply, str) else getattr(reply, "text", None)
        if not isinstance(text, str):
            raise BackendError(
                f"{self.backend.provider_label} sent a transcription without text. Try again."
            )
        text = " ".join(text.split())
        duration = getattr(reply, "duration", None)
        duration = float(duration) if isinstance(duration, int | float) else None
        words = [
            AudioWord(str(w.word).strip(), float(w.start), float(w.end))
            for w in (getattr(reply, "words", None) or [])
            if str(getattr(w, "word", "")).strip()
        ]
        notes: list[str] = []
        if not words and text:
            words = _estimate(text, getattr(reply, "segments", None) or [], duration or seconds)
            notes.append(ESTIMATED_NOTE)
        return AudioTranscription(text, duration, words, self.backend.model, mode, notes)


def _estimate(text: str, segments: list[Any], seconds: float) -> list[AudioWord]:
    """Word times spread evenly over each segment (or the whole audio without segments)."""
    spans: list[tuple[str, float, float]] = [
        (str(s.text), float(s.start), float(s.end))
        for s in segments
        if str(getattr(s, "text", "")).strip()
    ] or [(text, 0.0, seconds)]
    words: list[AudioWord] = []
    for piece, start, end in spans:
        tokens = piece.split()
        step = max(0.0, end - start) / max(1, len(tokens))
        words += [
            AudioWord(t, round(start + i * step, 3), round(start + (i + 1) * step, 3))
            for i, t in enumerate(tokens)
        ]
    return words
