"""A transcription engine for tests and demos: a queue of texts and a record of every call.

Like llm/scripted.py (design rule 8): a real implementation of the Transcriber protocol,
not a patch. Each call takes the next queued text (or `default`), spreads its words
evenly over the audio it was given (shifted by `offset`, as a real engine's times are),
and records what it was asked. An exception queued instead of a text is raised, so a
test can make the engine fail once.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path

from interviewer.core.errors import Cancelled
from interviewer.llm.base import CancelToken
from interviewer.voice.base import Transcript, Word
from interviewer.voice.wav import pcm_seconds, read_wav


@dataclass(frozen=True)
class TranscribeCall:
    seconds: float
    offset: float
    prompt: str


class ScriptedTranscriber:
    def __init__(
        self,
        *texts: str | BaseException,
        default: str = "",
        name: str = "local",
        model: str = "scripted",
        delay: float = 0.0,
        gate: threading.Event | None = None,
    ) -> None:
        self.name = name
        self.model_name = model
        self.default = default
        self.delay = delay
        #: When given, every call waits for it (up to 30 s) before answering.
        self.gate = gate
        self._queue: deque[str | BaseException] = deque(texts)
        self._lock = threading.Lock()
        self.calls: list[TranscribeCall] = []

    def enqueue(self, *texts: str | BaseException) -> None:
        with self._lock:
            self._queue.extend(texts)

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript:
        pcm = read_wav(audio) if isinstance(audio, str | os.PathLike) else bytes(audio)
        duration = pcm_seconds(pcm)
        with self._lock:
            self.calls.append(TranscribeCall(duration, offset, prompt))
            item = self._queue.popleft() if self._queue else self.default
        if self.delay:
            time.sleep(self.delay)
        if self.gate is not None:
            self.gate.wait(30)
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Transcription was cancelled.")
        if isinstance(item, BaseException):
            raise item
        tokens = item.split()
        step = duration / max(1, len(tokens))
        words = tuple(
            Word(t, round(offset + i * step, 3), round(offset + (i + 0.8) * step, 3), 1.0)
            for i, t in enumerate(tokens)
        )
        return Transcript(
            text=item,
            duration_seconds=duration,
            words=words,
            engine=self.name,
            model=self.model_name,
        )
