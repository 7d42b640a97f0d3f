"""Questions read aloud in the terminal (`interviewer practice --speak`, issue 16).

The terminal's loop blocks on the candidate's typing, so there is no Qt event loop to
drive QtTextToSpeech; a speech program does the talking instead, one sentence at a
time on a background thread: espeak-ng (or espeak) and speech-dispatcher's spd-say on
Linux, `say` on macOS, the System.Speech voices through PowerShell on Windows. The
interviewer's streamed text is cut into sentences as it arrives
(`core.speech_text.SentenceSplitter`), so speech starts before the turn is complete.
With no speech program, one line on stderr says what to install and the interview runs
in text. The answer clock in the terminal starts as the question is printed, as it
always has (the question is on screen; the window's clock waits for the voice).
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from interviewer.core.speech_text import SentenceSplitter, speaking_cap_seconds, split_sentences
from interviewer.session import Event, StreamReset, StreamStarted, TextDelta, TurnAdded

#: Said on stderr when no speech program is found.
NO_PROGRAM_TEXT = (
    "note: questions are not read aloud: no speech program was found. Install one and "
    "run again: on Debian or Ubuntu `sudo apt-get install espeak-ng` (or "
    "speech-dispatcher), on Fedora `sudo dnf install espeak-ng`, on Arch "
    "`sudo pacman -S espeak-ng`; macOS and Windows use their own voices."
)
#: Said once on stderr when the speech program runs but cannot play (no sound card, no
#: audio server); {reason} is what the program said, or how it exited.
PLAY_FAILED_TEXT = "note: reading aloud stopped: {reason}. The interview carries on in text."
#: A line a speech program prints when it could not play (espeak-ng exits 0 after ALSA's
#: "cannot find card" and "Unknown PCM default"; others exit non-zero).
_AUDIO_ERROR = re.compile(
    r"error|cannot|can't|unable|failed|unknown pcm|no such|not available|refused", re.IGNORECASE
)
#: Words a minute of the speech programs at rate 0.
NORMAL_WPM = 175


@dataclass(frozen=True)
class SpeechProgram:
    """A program that reads one sentence aloud and exits when it is done."""

    name: str
    path: str

    def command(self, text: str, rate: float = 0.0, volume: float = 1.0) -> tuple[list[str], str]:
        """(argv, what to write on its stdin) for one sentence."""
        wpm = str(round(NORMAL_WPM * 2.0 ** max(-1.0, min(1.0, rate))))
        if self.name in ("espeak-ng", "espeak"):
            # Text on stdin: a sentence starting with "-" is never taken for an option.
            return [self.path, "-s", wpm, "-a", str(round(volume * 100))], text
        if self.name == "spd-say":
            level = str(round(rate * 100))
            loud = str(round(volume * 200 - 100))
            return [self.path, "-w", "-r", level, "-i", loud, "--", text], ""
        if self.name == "say":
            return [self.path, "-r", wpm, "-f", "-"], text
        script = (
            "Add-Type -AssemblyName System.Speech; "
            "$s = New-Object System.Speech.Synthesis.SpeechSynthesizer; "
            f"$s.Rate = {round(rate * 10)}; $s.Volume = {round(volume * 100)}; "
            "$s.Speak([Console]::In.ReadToEnd())"
        )
        return [self.path, "-NoProfile", "-NonInteractive", "-Command", script], text


def find_program(which: Callable[[str], str | None] = shutil.which) -> SpeechProgram | None:
    """The first speech program installed here, or None."""
    names = ["espeak-ng", "espeak", "spd-say"]
    if sys.platform == "darwin":
        names.insert(0, "say")
    elif sys.platform == "win32":
        names.insert(0, "powershell")
    for name in names:
        path = which(name)
        if path:
            return SpeechProgram(name, path)
    return None


class TerminalSpeaker:
    """Reads the session's interviewer turns aloud with a speech program.

    Subscribe `on_event` to the session (it runs on the session's thread and never
    blocks); sentences go to a worker thread that runs the program once per sentence.
    `close` waits (at most as long as the rest takes at a slow rate) and stops.
    When the program cannot run or cannot play, one line on `err` (stderr by default)
    says so and why, and nothing more is read: the interview goes on in text.
    """

    def __init__(
        self,
        program: SpeechProgram,
        rate: float = 0.0,
        volume: float = 1.0,
        err: IO[str] | None = None,
    ) -> None:
        self.program = program
        self._err = err
        self.rate = rate
        self.volume = volume
        #: Every sentence handed to the program, in order (read by tests).
        self.spoken: list[str] = []
        #: Every sentence queued, in order, as soon as it was complete.
        self.queued: list[str] = []
        self._splitter = SentenceSplitter()
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._generation = 0
        self._streaming = False
        self._failed = False
        self.error = ""
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ input

    def on_event(self, event: Event) -> None:
        if isinstance(event, StreamStarted):
            self._streaming = True
            self._splitter.reset()
        elif isinstance(event, TextDelta):
            for sentence in self._splitter.feed(event.text):
                self._put(sentence)
        elif isinstance(event, StreamReset):
            self._streaming = False
            self.stop()
        elif isinstance(event, TurnAdded):
            turn = event.turn
            if event.restored or turn.role != "interviewer":
                return
            whole = not self._streaming  # a follow-up, or a turn shown whole
            sentences = split_sentences(turn.text) if whole else self._splitter.finish()
            self._streaming = False
            for sentence in sentences:
                self._put(sentence)

    def _put(self, sentence: str) -> None:
        if not self._failed:
            self.queued.append(sentence)
            self._queue.put(sentence)

    def stop(self) -> None:
        """Silence now: what is queued is dropped, the sentence being said is cut."""
        with self._lock:
            self._generation += 1
            process = self._process
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        self._splitter.reset()
        if process is not None and process.poll() is None:
            with contextlib.suppress(OSError):
                process.kill()

    def close(self, wait: bool = True) -> None:
        """Let what is queued be said (within its slow-rate time), then end the worker."""
        if wait and not self._failed:
            left = list(self._queue.queue)
            cap = sum(speaking_cap_seconds(s, self.rate) for s in left if s) + 5.0
            self._queue.put(None)
            self._thread.join(cap)
        if self._thread.is_alive():
            self.stop()
            self._queue.put(None)
            self._thread.join(2.0)

    # ------------------------------------------------------------------ the worker

    def _run(self) -> None:
        while True:
            sentence = self._queue.get()
            if sentence is None:
                return
            with self._lock:
                generation = self._generation
            argv, stdin = self.program.command(sentence, self.rate, self.volume)
            try:
                process = subprocess.Popen(
                    argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    env={**os.environ},
                )
            except OSError as exc:
                self._fail(f"{self.program.name} could not be started ({exc})")
                return
            with self._lock:
                if generation != self._generation:
                    process.kill()
                self._process = process
            self.spoken.append(sentence)
            said = b""
            timed_out = False
            try:
                _, said = process.communicate(
                    stdin.encode("utf-8"), timeout=speaking_cap_seconds(sentence)
                )
            except subprocess.TimeoutExpired:
                timed_out = True
                process.kill()  # a program that hangs must not stall the rest
                process.wait()
            except OSError:
                pass
            with self._lock:
                self._process = None
                cut = generation != self._generation  # stopped by us: not a failure
            if not (cut or timed_out):
                reason = play_failure(self.program.name, process.returncode, said or b"")
                if reason:
                    self._fail(reason)
                    return

    def _fail(self, reason: str) -> None:
        """Stop reading for good and say why, once."""
        if self._failed:
            return
        self._failed = True
        self.error = reason
        with contextlib.suppress(queue.Empty):
            while True:
                self._queue.get_nowait()
        with contextlib.suppress(OSError, ValueError):
            print(PLAY_FAILED_TEXT.format(reason=reason), file=self._err or sys.stderr, flush=True)


def play_failure(name: str, returncode: int | None, stderr: bytes) -> str:
    """Why `name` did not play a sentence, from its exit code and what it printed on
    stderr; "" when it played."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    errors = [line for line in lines if line and _AUDIO_ERROR.search(line)]
    if not errors and not returncode:
        return ""
    # The last distinct error lines say the most (ALSA: "Unknown PCM default").
    told: list[str] = []
    for line in reversed(errors or [line for line in lines if line]):
        if line not in told:
            told.insert(0, line)
        if len(told) == 2:
            break
    detail = "; ".join(told)
    if len(detail) > 200:
        detail = detail[:199] + "…"
    how = f"{name} could not play"
    if returncode:
        how += f" (exit code {returncode})"
    return f"{how}: {detail}" if detail else how


def attach_terminal_speech(
    session: object,
    err: IO[str] | None = None,
    *,
    rate: float = 0.0,
    volume: float = 1.0,
    which: Callable[[str], str | None] = shutil.which,
) -> TerminalSpeaker | None:
    """Read `session`'s questions aloud from now on; None (and one line on `err`) when
    no speech program is installed."""
    program = find_program(which)
    if program is None:
        print(NO_PROGRAM_TEXT, file=err or sys.stderr)
        return None
    speaker = TerminalSpeaker(program, rate, volume, err)
    session.subscribe(speaker.on_event)  # type: ignore[attr-defined]
    return speaker


def speak_for_practice(session: object, err: IO[str] | None = None) -> TerminalSpeaker | None:
    """`practice --speak`: the settings' rate and volume (a broken settings file only
    means the defaults), then `attach_terminal_speech`."""
    from interviewer.core.errors import InterviewerError
    from interviewer.storage.paths import app_paths
    from interviewer.storage.settings import Settings, load_settings

    try:
        settings = load_settings(app_paths().settings_file)
    except InterviewerError:
        settings = Settings()  # the practice command itself says what is wrong with it
    return attach_terminal_speech(
        session, err, rate=settings.voice_rate, volume=settings.voice_volume
    )
