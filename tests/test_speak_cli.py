"""`interviewer practice --speak`: questions read aloud by a speech program, or one note
on stderr saying what to install. The speech program is a stand-in script on PATH that
writes what it was asked to say to a file, so the test hears exactly what a person would.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import sys
from pathlib import Path

from interviewer.core.models import Turn
from interviewer.core.speech_text import split_sentences
from interviewer.session import StreamReset, StreamStarted, TextDelta, TurnAdded
from interviewer.voice.say import (
    NO_PROGRAM_TEXT,
    PLAY_FAILED_TEXT,
    SpeechProgram,
    TerminalSpeaker,
    attach_terminal_speech,
    find_program,
    play_failure,
)

ANSWERS = "".join(
    f"For question {i}: I would define the terms, give an example and discuss trade-offs.\n.\n"
    for i in range(6)
)


def fake_espeak(folder: Path, log: Path) -> Path:
    """An `espeak-ng` that appends the sentence it reads on stdin to `log`, one a line."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "espeak-ng"
    script.write_text(
        f'#!/bin/sh\n/bin/cat >> "{log}"\nprintf "\\n" >> "{log}"\n', encoding="utf-8"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


PRACTICE = [sys.executable, "-m", "interviewer", "practice", "--track", "ml-technical"]
PRACTICE += ["--backend", "offline", "--questions", "1", "--no-follow-ups"]


def practice(path: str, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": path}
    return subprocess.run(
        [*PRACTICE, *extra],
        input=ANSWERS,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_practice_speak_reads_the_questions_aloud(tmp_path: Path) -> None:
    log = tmp_path / "spoken.txt"
    fake_espeak(tmp_path / "bin", log)
    r = practice(str(tmp_path / "bin"), "--speak")
    assert r.returncode == 0, r.stderr
    assert "not read aloud" not in r.stderr
    spoken = [line for line in log.read_text(encoding="utf-8").splitlines() if line]
    # Every sentence the interviewer wrote was said, in order: the question...
    question_text = r.stdout.split("Interviewer: ", 1)[1].split("\n\n", 1)[0]
    assert spoken[: len(split_sentences(question_text))] == split_sentences(question_text)
    # ... and the closing turn after the answer.
    closing = r.stdout.split("Interviewer: ")[-1].split("\n\n", 1)[0]
    assert split_sentences(closing)[-1] in spoken


def test_practice_speak_without_a_speech_program_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    r = practice(str(tmp_path / "empty"), "--speak")
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "not read aloud" in line]
    assert notes == [NO_PROGRAM_TEXT]
    assert "sudo apt-get install espeak-ng" in NO_PROGRAM_TEXT
    assert "Graded summary" in r.stdout  # the interview ran in text


def test_practice_without_speak_says_nothing_and_reads_nothing(tmp_path: Path) -> None:
    log = tmp_path / "spoken.txt"
    fake_espeak(tmp_path / "bin", log)
    r = practice(str(tmp_path / "bin"))
    assert r.returncode == 0, r.stderr
    assert not log.exists() and "read aloud" not in r.stderr


def test_the_speech_programs_get_text_safely() -> None:
    espeak = SpeechProgram("espeak-ng", "/usr/bin/espeak-ng")
    argv, stdin = espeak.command("-rf / is not an option", rate=1.0, volume=0.5)
    assert stdin == "-rf / is not an option" and "-rf / is not an option" not in argv
    assert argv[argv.index("-s") + 1] == "350" and argv[argv.index("-a") + 1] == "50"
    argv, stdin = SpeechProgram("spd-say", "/usr/bin/spd-say").command("-x hello")
    assert argv[-2:] == ["--", "-x hello"] and stdin == ""


def test_find_program_prefers_espeak_ng_and_finds_none_on_an_empty_path() -> None:
    found = {"spd-say": "/usr/bin/spd-say", "espeak-ng": "/usr/bin/espeak-ng"}
    program = find_program(found.get)
    if sys.platform.startswith("linux"):
        assert program == SpeechProgram("espeak-ng", "/usr/bin/espeak-ng")
    assert find_program(lambda _name: None) is None


class Session:
    """What attach_terminal_speech needs of a session: subscribe."""

    def __init__(self) -> None:
        self.listeners: list[object] = []

    def subscribe(self, listener: object) -> None:
        self.listeners.append(listener)


def test_a_streamed_turn_is_spoken_sentence_by_sentence(tmp_path: Path) -> None:
    log = tmp_path / "spoken.txt"
    script = fake_espeak(tmp_path / "bin", log)
    session = Session()
    speaker = attach_terminal_speech(session, which=lambda name: str(script) if name else None)
    assert isinstance(speaker, TerminalSpeaker) and session.listeners == [speaker.on_event]
    speaker.on_event(StreamStarted("question"))
    speaker.on_event(TextDelta("Welcome. How would you"))
    assert speaker.queued == ["Welcome."]  # out before the turn is complete
    speaker.on_event(TextDelta(" test a model?"))
    speaker.on_event(
        TurnAdded(
            Turn(role="interviewer", kind="question", text="Welcome. How would you test a model?")
        )
    )
    speaker.on_event(TurnAdded(Turn(role="interviewer", kind="follow_up", text="Why? Say more.")))
    speaker.on_event(TurnAdded(Turn(role="candidate", kind="answer", text="Not me.")))
    speaker.close()
    assert speaker.spoken == ["Welcome.", "How would you test a model?", "Why?", "Say more."]
    assert log.read_text(encoding="utf-8").split() == " ".join(speaker.spoken).split()


def test_a_void_stream_is_not_read(tmp_path: Path) -> None:
    log = tmp_path / "spoken.txt"
    script = fake_espeak(tmp_path / "bin", log)
    speaker = TerminalSpeaker(SpeechProgram("espeak-ng", str(script)))
    speaker.stop()  # nothing to stop: harmless
    speaker.on_event(StreamStarted("question"))
    speaker.on_event(TextDelta("Half a sentence that broke"))
    speaker.on_event(StreamReset())
    speaker.on_event(
        TurnAdded(Turn(role="interviewer", kind="question", text="The bank's own question?"))
    )
    speaker.close()
    assert speaker.spoken == ["The bank's own question?"]


def broken_espeak(folder: Path, log: Path, *, code: int, said: str) -> Path:
    """An `espeak-ng` with no sound card: it counts its runs in `log`, prints `said` on
    stderr and exits with `code` (the real one prints ALSA's errors and exits 0)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "espeak-ng"
    script.write_text(
        f'#!/bin/sh\n/bin/cat > /dev/null\nprintf "run\\n" >> "{log}"\n'
        f"printf '%s\\n' '{said}' >&2\nexit {code}\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return script


ALSA = "ALSA lib pcm.c:2666:(snd_pcm_open_noupdate) Unknown PCM default"


def test_practice_speak_with_no_sound_card_says_so_once_and_goes_on_in_text(
    tmp_path: Path,
) -> None:
    log = tmp_path / "runs.txt"
    broken_espeak(tmp_path / "bin", log, code=0, said=ALSA)
    r = practice(str(tmp_path / "bin"), "--speak")
    assert r.returncode == 0, r.stderr
    notes = [line for line in r.stderr.splitlines() if "reading aloud" in line]
    assert notes == [PLAY_FAILED_TEXT.format(reason=f"espeak-ng could not play: {ALSA}")]
    assert "Graded summary" in r.stdout  # the interview ran in text
    assert log.read_text(encoding="utf-8").split() == ["run"]  # not tried per sentence


def test_a_speech_program_that_exits_non_zero_stops_the_reading(tmp_path: Path) -> None:
    log = tmp_path / "runs.txt"
    script = broken_espeak(tmp_path / "bin", log, code=3, said="")
    err = io.StringIO()
    speaker = TerminalSpeaker(SpeechProgram("espeak-ng", str(script)), err=err)
    speaker.on_event(TurnAdded(Turn(role="interviewer", kind="question", text="One. Two. Three.")))
    speaker.close()
    speaker.on_event(TurnAdded(Turn(role="interviewer", kind="question", text="Four.")))
    assert err.getvalue().splitlines() == [
        PLAY_FAILED_TEXT.format(reason="espeak-ng could not play (exit code 3)")
    ]
    assert speaker.spoken == ["One."] and "Four." not in speaker.queued
    assert speaker.error == "espeak-ng could not play (exit code 3)"


def test_play_failure_reads_the_programs_own_words() -> None:
    assert play_failure("espeak-ng", 0, b"") == ""
    assert play_failure("espeak-ng", 0, b"some chatter\n") == ""
    said = f"{ALSA}\nerror: No such file or directory\n{ALSA}\n".encode()
    assert play_failure("espeak-ng", 0, said) == (
        f"espeak-ng could not play: error: No such file or directory; {ALSA}"
    )
    assert play_failure("spd-say", 1, b"Failed to connect to Speech Dispatcher\n") == (
        "spd-say could not play (exit code 1): Failed to connect to Speech Dispatcher"
    )
