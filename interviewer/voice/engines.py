"""Choosing the transcription engine from the settings, and the offline stand-in.

`make_transcriber(settings)`: "local" (the default) is faster-whisper on this computer;
"provider" (or "openai", the command line's name for it) is the chosen model server's
`/v1/audio/transcriptions`. Audio leaves the computer only in the second case: the local
choice never falls back to a server.

The offline stand-in, as for chat calls: when the server fails (no answer, time-out,
5xx, a broken reply) and a local model is already on this computer, the local engine
transcribes that audio instead, with a notice, and keeps standing in for a cool-down
(a down server then costs one time-out, not one per phrase of a spoken answer). It
never downloads a model to stand in.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from interviewer.core.errors import ConfigError
from interviewer.llm.base import CancelToken
from interviewer.voice.base import Transcriber, Transcript, VoiceError, VoiceServiceError

if TYPE_CHECKING:
    from interviewer.storage.secrets import SecretStore

NoticeCallback = Callable[[str], None]
#: After the server failed, the local engine stands in for this long before it is asked again.
COOL_DOWN_SECONDS = 60.0
ENGINE_NAMES = {"local": "local", "provider": "provider", "openai": "provider"}


class FallbackTranscriber:
    """The server's engine, with a local engine standing in when the server fails."""

    def __init__(
        self,
        remote: Transcriber,
        local: Transcriber,
        *,
        on_notice: NoticeCallback | None = None,
        cool_down: float = COOL_DOWN_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.remote = remote
        self.local = local
        self.name = remote.name
        self.on_notice = on_notice
        self.cool_down = cool_down
        self._clock = clock
        self._down_until = 0.0
        self._lock = threading.Lock()
        #: Notices given so far (also handed to on_notice).
        self.notices: list[str] = []

    @property
    def model_name(self) -> str:
        return str(getattr(self.remote, "model_name", ""))

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript:
        with self._lock:
            resting = self._clock() < self._down_until
        reason = "the transcription server failed a moment ago"
        if not resting:
            try:
                return self.remote.transcribe(audio, cancel=cancel, offset=offset, prompt=prompt)
            except VoiceServiceError as err:
                with self._lock:
                    self._down_until = self._clock() + self.cool_down
                reason = str(err)
        local_model = getattr(self.local, "model_name", "the local model")
        notice = f"Transcribed on this computer with {local_model} instead: {reason}"
        result = self.local.transcribe(audio, cancel=cancel, offset=offset, prompt=prompt)
        if not resting:
            self.notices.append(notice)
            if self.on_notice is not None:
                self.on_notice(notice)
        return replace(result, notes=(*result.notes, notice))


def _get(settings: Any, name: str, default: Any) -> Any:
    value = getattr(settings, name, default)
    return default if value is None else value


def make_transcriber(
    settings: Any,
    secrets: SecretStore | None = None,
    *,
    engine: str | None = None,
    on_notice: NoticeCallback | None = None,
    stand_in: bool = True,
) -> Transcriber:
    """The engine the settings (or `engine`: "local", "openai"/"provider") choose.

    `settings` is `storage.settings.Settings` or anything with its voice_* fields.
    Raises VoiceUnavailable when the chosen engine cannot run here, ConfigError for an
    unknown engine name.
    """
    choice = ENGINE_NAMES.get(engine or _get(settings, "voice_transcription", "local"))
    if choice is None:
        raise ConfigError(f"Unknown transcription engine {engine!r}: use 'local' or 'openai'.")
    model = str(_get(settings, "voice_model", "tiny.en"))
    if choice == "local":
        from interviewer.voice.local import LocalWhisper

        return LocalWhisper(model)
    remote = make_remote(settings, secrets)
    if not stand_in:
        return remote
    local = local_stand_in(model)
    if local is None:
        return remote
    return FallbackTranscriber(remote, local, on_notice=on_notice)


def make_remote(settings: Any, secrets: SecretStore | None = None) -> Transcriber:
    """The model server's transcription endpoint, with the chat settings' connection."""
    from interviewer.llm.factory import make_backend
    from interviewer.llm.openai_backend import OpenAIBackend
    from interviewer.storage.secrets import SecretStore
    from interviewer.voice.remote import DEFAULT_REMOTE_MODEL, OpenAITranscriber

    model = str(_get(settings, "voice_transcription_model", "") or DEFAULT_REMOTE_MODEL)
    try:
        choice = make_backend(settings, secrets or SecretStore(), backend="openai", model=model)
    except ConfigError as exc:
        raise VoiceError(f"Transcription on the model server is not set up: {exc}") from None
    if not isinstance(choice.backend, OpenAIBackend):
        raise VoiceError(
            "Transcription on the model server needs an OpenAI-compatible server: pick one "
            "in Settings, or transcribe on this computer."
        )
    return OpenAITranscriber(choice.backend)


def local_stand_in(model: str) -> Transcriber | None:
    """A local engine whose model is already here (never a download), else None."""
    from interviewer.voice.base import VoiceUnavailable
    from interviewer.voice.local import DEFAULT_MODEL, LocalWhisper, find_model

    for candidate in dict.fromkeys((model, DEFAULT_MODEL)):
        try:
            if find_model(candidate) is None:
                continue
            return LocalWhisper(candidate)
        except VoiceUnavailable:
            continue
    return None
