"""`interviewer transcribe` and spoken answers to `interviewer grade` (issue 16).

`interviewer transcribe FILE.wav [--engine local|openai] [--model NAME] [--json]` prints
what was said and its delivery measured from the voice; the JSON holds exactly `text`,
`duration_seconds`, `words` (each `word`, `start`, `end`) and `delivery` (the
`VoiceDelivery` object), plus which `engine` and `model` heard it.

`interviewer grade --question ID --answer-audio FILE.wav [--json]` transcribes the file
with the engine chosen in Settings, then grades the transcript exactly as a typed answer
is graded; the grade's `delivery.voice` holds the voice's measures and the JSON gains
`transcript`.

The audio is read (and checked) before any engine loads, so a missing, empty or damaged
file is named at once; a missing voice extra is named with its install command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from interviewer.core.models import Turn, VoiceDelivery
from interviewer.core.voice_delivery import voice_delivery
from interviewer.voice.base import Transcriber, Transcript, VoiceError, VoiceUnavailable

ENGINES = ("local", "openai")
INSTALL_HINT = "pip install 'interviewer[voice]' (./run.sh installs it)"
#: How voice.engines.make_remote's error begins when the model server is not set up.
SERVER_NOT_SET_UP = "Transcription on the model server is not set up"


def register(sub: Any) -> None:
    """Add `transcribe` to the command line's subparsers (`grade --answer-audio` is an
    option of `grade`, routed here by cli.cmd_grade)."""
    p = sub.add_parser(
        "transcribe",
        help="transcribe a spoken answer (WAV) and measure its delivery",
        description="Transcribe a WAV file (any rate, mono or stereo) and measure its "
        "delivery from the word timings: speaking rate, pauses over 3 s, time to the "
        "first word, filler words. Local transcription keeps the audio on this computer.",
    )
    p.add_argument("file", metavar="FILE.wav", help="the recording to transcribe")
    p.add_argument(
        "--engine",
        choices=ENGINES,
        help="local: faster-whisper on this computer; openai: the model server's "
        "/v1/audio/transcriptions (default: from settings)",
    )
    p.add_argument(
        "--model",
        metavar="NAME",
        help="local: tiny.en, base.en, small.en or a model folder; openai: e.g. whisper-1 "
        "(default: from settings)",
    )
    p.add_argument(
        "--seconds",
        type=int,
        default=0,
        metavar="S",
        help="the suggested answer time, to compare the talk time with",
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_transcribe)


# --------------------------------------------------------------------------- engines


def transcriber_for(engine: str | None, model: str | None) -> Transcriber:
    """The engine to use: `engine`/`model` when given, else the settings' choice
    (voice.engines.make_transcriber, with the offline stand-in for a failing server).

    Tests replace this function to run the commands with a fake engine."""
    from interviewer.terminal import _settings

    settings = _settings()
    if model:
        kind = engine or ("openai" if settings.voice_transcription == "provider" else "local")
        field = "voice_model" if kind == "local" else "voice_transcription_model"
        settings = settings.model_copy(update={field: model})
    try:
        from interviewer.voice.engines import make_transcriber
    except ImportError as exc:  # a part of the voice extra is missing
        raise VoiceUnavailable(
            f"Voice needs the voice extra ({exc.name} is missing): {INSTALL_HINT}"
        ) from None
    try:
        return make_transcriber(
            settings, engine=engine, on_notice=lambda text: print(f"note: {text}", file=sys.stderr)
        )
    except VoiceError as err:
        if not str(err).startswith(SERVER_NOT_SET_UP):
            raise
        # The chat settings' wording names `grade`'s --base-url and --backend; this
        # command's choices are the key, the server in Settings, or the local engine.
        raise VoiceError(
            f"{SERVER_NOT_SET_UP}: set OPENAI_API_KEY (or save a key in Settings), or choose "
            "an OpenAI-compatible server in Settings (a local one such as Speaches or "
            "LocalAI needs no key); or use --engine local to transcribe on this computer, "
            "where the audio stays."
        ) from None


def _read_audio(name: str) -> bytes:
    """The file's audio as 16 kHz mono PCM; a clear error naming the file otherwise."""
    path = Path(name)
    if not path.exists():
        raise VoiceError(f"Cannot read {name}: no such file.")
    if path.is_dir():
        raise VoiceError(f"Cannot read {name}: it is a folder, not a WAV file.")
    try:
        from interviewer.voice.wav import read_wav
    except ImportError as exc:  # numpy is part of the voice extra
        raise VoiceUnavailable(
            f"Reading audio needs the voice extra ({exc.name} is missing): {INSTALL_HINT}"
        ) from None
    try:
        return read_wav(path)
    except VoiceError as err:
        msg = str(err)
        raise VoiceError(msg if name in msg or path.name in msg else f"{name}: {msg}") from None
    except OSError as exc:
        raise VoiceError(f"Cannot read {name}: {exc.strerror or exc}") from None


def transcribe_file(name: str, engine: str | None, model: str | None) -> Transcript:
    """Read `name` and transcribe it (blocks; the command line has no other work)."""
    pcm = _read_audio(name)
    transcriber = transcriber_for(engine, model)
    try:
        return transcriber.transcribe(pcm)
    except ImportError as exc:
        raise VoiceUnavailable(
            f"Transcribing needs the voice extra ({exc.name} is missing): {INSTALL_HINT}"
        ) from None


def measure(transcript: Transcript, suggested_seconds: int = 0) -> VoiceDelivery:
    return voice_delivery(
        transcript.words,
        suggested_seconds=suggested_seconds,
        recording_seconds=transcript.duration_seconds,
    )


def transcript_json(transcript: Transcript) -> dict[str, Any]:
    """`text`, `duration_seconds`, `words` (word/start/end), and which engine and model."""
    return transcript.to_dict()


# --------------------------------------------------------------------------- commands


def _voice_lines(v: VoiceDelivery) -> list[str]:
    """The voice's measures for a terminal, one per line."""
    from interviewer.export.view import voice_facts

    lines = [f"  {f.label}: {f.value}" for f in voice_facts(v)]
    lines += [f"  - {n}" for n in v.notes]
    return lines


def cmd_transcribe(args: argparse.Namespace) -> int:
    transcript = transcribe_file(args.file, args.engine, args.model)
    voice = measure(transcript, max(0, args.seconds))
    if args.json:
        print(json.dumps({**transcript_json(transcript), "delivery": voice.model_dump()}, indent=2))
        return 0
    print(transcript.text or "(no speech heard)")
    print()
    heard_by = " ".join(x for x in (transcript.engine, transcript.model) if x)
    print(f"Voice ({heard_by}):" if heard_by else "Voice:")
    for line in _voice_lines(voice):
        print(line)
    return 0


def cmd_grade_audio(args: argparse.Namespace) -> int:
    """`interviewer grade --answer-audio FILE.wav`: transcribe, then grade the words."""
    from interviewer.cli import _grade_json, _grade_request, _library
    from interviewer.llm import service
    from interviewer.terminal import _print_grade, grade_samples_for, grader_for

    lib = _library()
    question = lib.question(args.question)  # an unknown id fails before any transcribing
    transcript = transcribe_file(args.answer_audio, None, None)
    voice = measure(transcript, question.answer_seconds)
    seconds = float(args.seconds or 0.0) or round(transcript.duration_seconds, 2)
    answer = Turn(
        role="candidate",
        kind="answer",
        text=transcript.text,
        question_id=question.id,
        seconds=seconds,
        voice=voice,
    )
    backend, offline = grader_for(args)
    request = _grade_request(lib, question, answer, seconds)
    grade = service.grade(backend, request, offline, samples=grade_samples_for(args))
    if args.json:
        data = _grade_json(grade)
        data["transcript"] = transcript_json(transcript)
        print(json.dumps(data, indent=2))
        return 0
    print(question.text)
    print()
    print("Transcript:")
    print(transcript.text or "(no speech heard)")
    print()
    _print_grade(grade, lib, sys.stdout)
    if grade.delivery is not None and grade.delivery.voice is not None:
        print("Voice:")
        for line in _voice_lines(grade.delivery.voice):
            print(line)
    return 0


__all__ = [
    "ENGINES",
    "cmd_grade_audio",
    "cmd_transcribe",
    "register",
    "transcribe_file",
    "transcriber_for",
]
