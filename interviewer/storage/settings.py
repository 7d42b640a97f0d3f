"""User settings: provider, model, timeouts. Never the API key (that is in secrets.py).

A settings file that cannot be used (a folder in its place, unreadable, not JSON, too
big or nested too deep, not an object, a value out of range) raises one ConfigError
that names the file and, for a bad value, the field, the problem and the value found.
Every caller (the window, the terminal commands) then says so and runs on the defaults:
a broken settings file never stops an interview.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from interviewer.core.errors import ConfigError
from interviewer.core.hosts import is_local_host, is_loopback_host

Provider = Literal["offline", "openai", "ollama", "lmstudio", "llamacpp", "vllm", "custom"]

#: Default OpenAI-compatible addresses of the usual local servers.
PROVIDER_URLS: dict[str, str] = {
    "ollama": "http://127.0.0.1:11434/v1",
    "lmstudio": "http://127.0.0.1:1234/v1",
    "llamacpp": "http://127.0.0.1:8080/v1",
    "vllm": "http://127.0.0.1:8000/v1",
}
PROVIDER_NAMES: dict[str, str] = {
    "offline": "Offline coach",
    "openai": "OpenAI",
    "ollama": "Ollama",
    "lmstudio": "LM Studio",
    "llamacpp": "llama.cpp server",
    "vllm": "vLLM",
    "custom": "Custom server",
}
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"
#: At most this many grading samples per answer (each one is a full model call).
MAX_GRADE_SAMPLES = 5


#: Who grades the answers: the interviewer's own model, the offline coach, or another
#: model of its own (`GraderSettings`).
GraderKind = Literal["same", "offline", "model"]
GRADER_CHOICES: dict[str, str] = {
    "same": "Same as interviewer",
    "offline": "Offline coach",
    "model": "Another model",
}


#: Voice (issue 16): how questions are read aloud and answers transcribed.
SpeechEngine = Literal["system", "provider"]
TranscriptionEngine = Literal["local", "provider"]
SPEECH_ENGINE_CHOICES: dict[str, str] = {
    "system": "This computer's voices",
    "provider": "The model server's voice (/v1/audio/speech)",
}
TRANSCRIPTION_CHOICES: dict[str, str] = {
    "local": "On this computer (faster-whisper)",
    "provider": "The model server (/v1/audio/transcriptions)",
}
#: Local model sizes offered by name (smallest and fastest first).
VOICE_MODEL_SIZES = ("tiny.en", "base.en", "small.en")
DEFAULT_VOICE_MODEL = "tiny.en"


class GraderSettings(BaseModel):
    """The grader: by default the interviewer's own model grades.

    "model" names a model of its own, on the same kind of server as the interviewer's
    (provider and base URL as in `Settings`); timeouts and retries are the interviewer's.
    Its API key is in secrets.py, under the grader's host (`secrets.account_for`)."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    kind: GraderKind = "same"
    provider: Provider | None = None
    base_url: str = ""
    model: str = ""

    def effective_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        if self.provider in PROVIDER_URLS:
            return PROVIDER_URLS[self.provider]
        return None


class Settings(BaseModel):
    """Stored as JSON in the config dir; unknown keys from newer versions are ignored."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    provider: Provider | None = None  # None: decide from the environment (key or not)
    model: str = DEFAULT_OPENAI_MODEL
    base_url: str = ""
    temperature: float = Field(default=0.7, ge=0, le=2)
    # A hung server costs one request_timeout before the offline coach takes over (time-outs
    # are not retried); max_retries applies to other retryable errors. A slow local model
    # on a laptop can be given a longer time-out.
    request_timeout: float = Field(default=30.0, gt=0, le=900)
    connect_timeout: float = Field(default=5.0, gt=0, le=120)
    # The longest silence between two tokens of a reply that has begun (a server that
    # stalls mid-reply is given up after it, however long the reply runs); None: the
    # request time-out. A slow but steady model is never given up for taking long.
    gap_timeout: float | None = Field(default=None, ge=1, le=900)
    max_retries: int = Field(default=1, ge=0, le=10)
    # The model's context window in tokens, when the built-in table does not know it (a
    # local server started with its own context size); None: from the table, else 8,192.
    context_window: int | None = Field(default=None, ge=1024, le=10_000_000)
    # How many times a model grader is asked to grade each answer; with more than one,
    # each criterion gets the median of the samples and is marked uncertain when they
    # disagree by more than one level (llm/service.py). The offline coach grades once.
    grade_samples: int = Field(default=1, ge=1, le=MAX_GRADE_SAMPLES)
    #: Who grades (absent from older files: the interviewer's model, as before).
    grader: GraderSettings = Field(default_factory=GraderSettings)
    # Voice (issue 16): see `VOICE_FIELDS` and `voice_problem` below.
    voice_read_aloud: bool = False
    voice_speech_engine: SpeechEngine = "system"
    voice_system_engine: str = Field(default="", max_length=100)
    voice_name: str = Field(default="", max_length=200)
    voice_rate: float = Field(default=0.0, ge=-1, le=1)
    voice_volume: float = Field(default=1.0, ge=0, le=1)
    voice_provider_voice: str = Field(default="alloy", max_length=100)
    voice_provider_model: str = Field(default="tts-1", max_length=200)
    voice_microphone: str = Field(default="", max_length=500)
    voice_transcription: TranscriptionEngine = "local"
    voice_model: str = Field(default=DEFAULT_VOICE_MODEL, min_length=1, max_length=4096)
    voice_transcription_model: str = Field(default="whisper-1", max_length=200)
    # Spoken answers' recordings stay in the session's folder (replayable from the
    # feedback screen, deleted with the session); off: only their transcripts are kept.
    keep_recordings: bool = True
    #: Problems found while loading that were not worth refusing the file for (a grader
    #: entry that could not be used, so it was ignored): callers say them once.
    _notes: list[str] = PrivateAttr(default_factory=list)

    @property
    def notes(self) -> list[str]:
        return self._notes

    @field_validator("voice_model")
    @classmethod
    def _known_model_or_folder(cls, value: str) -> str:
        value = value.strip()
        if value in VOICE_MODEL_SIZES or _looks_like_folder(value):
            return value
        raise ValueError(
            f"use one of {', '.join(VOICE_MODEL_SIZES)} or the full path of a model folder"
        )

    def effective_base_url(self) -> str | None:
        if self.base_url:
            return self.base_url
        if self.provider in PROVIDER_URLS:
            return PROVIDER_URLS[self.provider]
        return None


# --------------------------------------------------------------------------- voice

#: Where the voice settings live (all flat on `Settings`, all named voice_*):
VOICE_FIELDS: dict[str, str] = {
    "voice_read_aloud": "read the interviewer's turns aloud (off by default: no sound "
    "unless asked for)",
    "voice_speech_engine": "'system' (the computer's own voices, through Qt) or 'provider' "
    "(the chosen model server's /v1/audio/speech, falling back to the system voice)",
    "voice_system_engine": "Qt text-to-speech engine, e.g. 'speechd', 'flite', 'sapi', "
    "'darwin' ('' = Qt's default for the system)",
    "voice_name": "system voice by name ('' = the engine's default voice)",
    "voice_rate": "speaking rate, -1 (slow) to 1 (fast), 0 normal",
    "voice_volume": "speech volume, 0 to 1",
    "voice_provider_voice": "the provider's voice name (OpenAI: alloy, echo, nova, ...)",
    "voice_provider_model": "the provider's speech model (OpenAI: tts-1, gpt-4o-mini-tts)",
    "voice_microphone": "the microphone's device id as text (QAudioDevice.id decoded as "
    "UTF-8; '' = the system's default input)",
    "voice_transcription": "'local' (faster-whisper on this computer: audio never leaves "
    "it) or 'provider' (the chosen model server's /v1/audio/transcriptions)",
    "voice_model": "local model: tiny.en (default), base.en, small.en, or the full path of "
    "a folder holding a faster-whisper (CTranslate2) model",
    "voice_transcription_model": "the provider's transcription model (OpenAI: whisper-1)",
}


def _looks_like_folder(value: str) -> bool:
    """A path the user typed for a model folder (checked for existence where it is used)."""
    return Path(value).expanduser().is_absolute()


def audio_destination(settings: Settings) -> str:
    """Where recorded answers go, in plain words, for the Settings page and the screen:
    "Audio stays on this computer ..." or "Your recorded answers are sent to HOST for
    transcription ..."."""
    if settings.voice_transcription == "local":
        return (
            "Audio stays on this computer: your spoken answers are transcribed here "
            f"by the local model ({settings.voice_model})."
        )
    if settings.provider == "offline":
        return (
            "No model server is chosen, so there is nowhere to send audio: choose one "
            "on the Model tab, or transcribe on this computer."
        )
    url = settings.effective_base_url() or "https://api.openai.com/v1"
    parsed = urlsplit(url)
    host = parsed.hostname or url
    shown = f"{host}:{parsed.port}" if parsed.port else host
    if is_loopback_host(host):
        where = f"{shown} (a server on this computer)"
    elif is_local_host(host):
        where = f"{shown} (a computer on your own network)"
    else:
        where = shown
    return f"Your recorded answers are sent to {where} for transcription."


def voice_problem(settings: Settings) -> str:
    """What stops the voice settings from working as chosen ("" when nothing): a
    model folder that is not there, a server choice with no server."""
    if settings.voice_transcription == "local" and settings.voice_model not in VOICE_MODEL_SIZES:
        folder = Path(settings.voice_model).expanduser()
        if not folder.is_dir():
            return f"The local model folder {folder} does not exist."
    if settings.provider == "offline" and (
        settings.voice_transcription == "provider"
        or (settings.voice_read_aloud and settings.voice_speech_engine == "provider")
    ):
        return "The offline coach has no server for speech: choose a model server first."
    return ""


#: A settings file is a few hundred bytes; anything past this is not one.
MAX_SETTINGS_BYTES = 1 << 20


def _invalid(path: Path, problem: str) -> ConfigError:
    return ConfigError(
        f"Settings file {path} is not valid: {problem}. "
        "Fix it or delete it to start from the defaults."
    )


def _value_problem(exc: ValidationError) -> str:
    """The first bad value as 'field: problem (found VALUE)'."""
    first = exc.errors()[0]
    field = ".".join(str(p) for p in first.get("loc", ())) or "(the whole file)"
    found = repr(first.get("input"))
    if len(found) > 60:
        found = found[:60] + "…"
    return f"{field}: {first.get('msg', 'not allowed')} (found {found})"


def load_settings(path: Path) -> Settings:
    """The settings in `path`, the defaults when there is no file; ConfigError (naming
    the file and the field) when there is one that cannot be used."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return Settings()
    except IsADirectoryError:
        raise _invalid(path, "it is a folder, not a file") from None
    except OSError as exc:
        raise _invalid(path, f"it could not be read ({exc.strerror or exc})") from None
    if len(raw) > MAX_SETTINGS_BYTES:
        raise _invalid(path, f"it is larger than {MAX_SETTINGS_BYTES // 1024} KB")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _invalid(path, "it is not UTF-8 text") from None
    except ValueError as exc:
        raise _invalid(path, f"it is not JSON ({exc})") from None
    except RecursionError:
        raise _invalid(path, "it is nested too deeply to be settings") from None
    if not isinstance(data, dict):
        raise _invalid(path, 'it must hold a JSON object such as {"provider": "ollama"}')
    # The grader entry is newer than the rest and optional: one that cannot be used is
    # said and ignored (the interviewer's model grades), not a reason to drop the file.
    note = ""
    if "grader" in data:
        try:
            Settings.model_validate({"grader": data["grader"]})
        except ValidationError as exc:
            note = (
                f"The grader in settings file {path} is not valid "
                f"({_value_problem(exc)}): it is ignored and the interviewer's "
                "model grades. Choose the grader again in Settings."
            )
            data = {k: v for k, v in data.items() if k != "grader"}
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise _invalid(path, _value_problem(exc)) from None
    if note:
        settings.notes.append(note)
    return settings


def save_settings(settings: Settings, path: Path) -> None:
    """Write atomically so a crash never leaves half a settings file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".settings-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(settings.model_dump_json(indent=2))
        os.replace(tmp, path)  # IsADirectoryError when a folder is in the way
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- home screen

Difficulty = Literal["", "easy", "medium", "hard", "mixed"]


class TrackChoices(BaseModel):
    """What the candidate last set on the home screen for one track ("" / None: the
    track's own default)."""

    model_config = ConfigDict(extra="ignore")

    questions: int | None = Field(default=None, ge=1, le=500)
    minutes: int | None = Field(default=None, ge=1, le=1440)
    difficulty: Difficulty = ""
    follow_ups: bool | None = None


class HomeChoices(BaseModel):
    """The home screen's last choices, restored on the next launch.

    Kept in their own file beside settings.json (see `home_choices_file`), not in
    `Settings`: the home screen writes them as the candidate clicks, and the Settings
    dialog writes a whole `Settings` it copied when it opened, so sharing one file would
    let either undo the other.
    """

    model_config = ConfigDict(extra="ignore")

    track_id: str = ""
    repeat: bool = False
    tracks: dict[str, TrackChoices] = Field(default_factory=dict)
    #: Adaptive difficulty (issue 17): one choice for every track and job plan.
    adaptive: bool = False


def home_choices_file(settings_file: Path) -> Path:
    return settings_file.with_name("home.json")


def load_home_choices(path: Path) -> HomeChoices:
    """Never fails: a missing or broken file gives the defaults, a broken track entry is
    dropped (these are conveniences, not worth an error at start-up)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return HomeChoices()
    if not isinstance(data, dict):
        return HomeChoices()
    tracks: dict[str, TrackChoices] = {}
    raw_tracks = data.get("tracks")
    for tid, raw in raw_tracks.items() if isinstance(raw_tracks, dict) else ():
        try:
            tracks[str(tid)] = TrackChoices.model_validate(raw)
        except ValidationError:
            continue
    track_id = data.get("track_id")
    return HomeChoices(
        track_id=track_id if isinstance(track_id, str) else "",
        repeat=data.get("repeat") is True,
        tracks=tracks,
    )


def save_home_choices(choices: HomeChoices, path: Path) -> None:
    """Atomic and best effort: a read-only config dir only means they are not remembered."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".home-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(choices.model_dump_json(indent=2))
        os.replace(tmp, path)
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
