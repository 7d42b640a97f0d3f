"""The remote engine: an OpenAI-compatible `/v1/audio/transcriptions` endpoint.

A thin adapter from the Transcriber protocol to llm/openai_audio.py, which makes the call
through the chat backend's client (same time-outs, retries and error messages). Audio
goes out only when the user picked this engine (voice/engines.py); the upload is the
answer as a 16 kHz mono WAV file.

Errors: a failed call becomes `VoiceServiceError` with the chat calls' message for the
same failure and its retry flag, so a local engine can stand in; a cancel stays
`Cancelled`.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from interviewer.core.errors import BackendError, Cancelled
from interviewer.llm.base import CancelToken
from interviewer.llm.openai_audio import AudioTranscriber
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.voice.base import Transcript, VoiceServiceError, Word
from interviewer.voice.wav import pcm_seconds, read_wav, wav_bytes

#: The model asked for unless Settings names another (word times: whisper-1 gives them).
DEFAULT_REMOTE_MODEL = "whisper-1"


class OpenAITranscriber:
    """A Transcriber (voice/base.py) that sends the audio to a transcription server."""

    name = "openai"

    def __init__(self, backend: OpenAIBackend) -> None:
        self.backend = backend
        self._audio = AudioTranscriber(backend)

    @property
    def model_name(self) -> str:
        return self.backend.model

    @property
    def where(self) -> str:
        """The server the audio goes to (Settings says it in plain words)."""
        return self.backend.display_url

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript:
        began = time.perf_counter()
        pcm = read_wav(audio) if isinstance(audio, str | os.PathLike) else bytes(audio)
        seconds = pcm_seconds(pcm)
        if seconds < 0.1:
            return Transcript("", seconds, engine=self.name, model=self.model_name)
        try:
            reply = self._audio.transcribe(
                wav_bytes(pcm), seconds=seconds, prompt=prompt[-800:], cancel=cancel
            )
        except Cancelled:
            raise
        except BackendError as err:
            failed = VoiceServiceError(str(err))
            failed.retryable = bool(err.retryable)
            raise failed from err
        words = tuple(
            Word(w.word, round(w.start + offset, 3), round(w.end + offset, 3)) for w in reply.words
        )
        return Transcript(
            text=reply.text,
            duration_seconds=seconds,
            words=words,
            engine=self.name,
            model=reply.model or self.model_name,
            seconds_taken=time.perf_counter() - began,
            notes=tuple(reply.notes),
        )
