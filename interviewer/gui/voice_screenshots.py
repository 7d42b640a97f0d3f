"""The feedback screen of a spoken answer, rendered for the README (voice-feedback.png).

Called by `screenshots.render_all`. As in the other screenshots, the real window runs a
real interview: the answer is recorded through the recorder's microphone code path (a
WAV file stands in for the microphone: there is no sound card where screenshots are
made), written to the session's folder as it arrives, measured by
`core.voice_delivery`, graded by the offline coach's heuristics, and shown on the
feedback page with its Play button. Two things stand in: the audio is synthesised
(a hum for each word of the script, with the script's pauses) and a scripted
transcriber says the script's words at their times, so the picture is the same on every
machine and needs neither espeak-ng nor a speech model. Everything goes to a temporary
folder (the session database and its recordings included).
"""

from __future__ import annotations

import math
import struct
import wave
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.core.models import FollowUpDecision
from interviewer.core.requests import FollowUpRequest, TurnRequest
from interviewer.gui.controller import StartOptions
from interviewer.gui.recorder import WavFileSource
from interviewer.gui.screenshots import demo_backend
from interviewer.gui.shots_common import SIZE, open_stage, settle, temporary_home, wait_until
from interviewer.storage.content_files import load_library
from interviewer.storage.store import SessionStore
from interviewer.voice.base import SAMPLE_RATE, Transcript, Word

VOICE_TRACK = "ml-full-loop"
VOICE_QUESTION = "tech-overfitting"
#: What the candidate says: one "um", one long pause while thinking of an example, a
#: pace a little quick; what the voice metrics then report.
BEFORE_PAUSE = (
    "Overfitting is when a model learns the noise in the training data, so it does "
    "well on the training set and badly on new data. I detect it by comparing "
    "training and validation error: um, a large gap that grows as training goes on "
    "is the sign."
)
AFTER_PAUSE = (
    "For example, on a churn model I would hold out the last month. To fix it I would "
    "add data, regularise, or pick a simpler model, and stop training early."
)
PAUSE_SECONDS = 3.6
#: Seconds of each word, and the thinking time before the first one.
WORD_SECONDS = 0.36
FIRST_WORD_AT = 2.4


def timed_words() -> list[Word]:
    """The script's words at the times they are said in the synthesised recording."""
    script = [(w, 0.0) for w in BEFORE_PAUSE.split()]
    script += [(w, PAUSE_SECONDS if i == 0 else 0.0) for i, w in enumerate(AFTER_PAUSE.split())]
    words: list[Word] = []
    t = FIRST_WORD_AT
    for token, gap in script:
        t += gap
        words.append(Word(token, round(t, 3), round(t + WORD_SECONDS * 0.8, 3), 1.0))
        t += WORD_SECONDS
    return words


def write_speech(path: Path, words: list[Word]) -> Path:
    """A 16 kHz mono WAV: a short voiced hum for each word, silence between them."""
    total = (words[-1].end if words else 0.0) + 1.0
    samples = [0] * int(total * SAMPLE_RATE)
    for i, w in enumerate(words):
        pitch = 140.0 + 25.0 * math.sin(i * 0.7)
        first, last = int(w.start * SAMPLE_RATE), int(w.end * SAMPLE_RATE)
        for n in range(first, min(last, len(samples))):
            x = (n - first) / max(1, last - first)
            envelope = math.sin(math.pi * x)
            t = n / SAMPLE_RATE
            tone = math.sin(2 * math.pi * pitch * t) + 0.4 * math.sin(4 * math.pi * pitch * t)
            samples[n] = int(7000 * envelope * tone)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


class ScriptedSpeech:
    """A streaming transcriber that says the script's words as their audio arrives."""

    def __init__(self, on_partial: Callable[[str], None], words: list[Word]) -> None:
        self.on_partial = on_partial
        self.words = words
        self.seconds = 0.0
        self.said = 0

    def feed(self, pcm: bytes) -> None:
        self.seconds += len(pcm) / (2 * SAMPLE_RATE)
        n = sum(1 for w in self.words if w.end <= self.seconds)
        if n != self.said:
            self.said = n
            self.on_partial(" ".join(w.word for w in self.words[:n]))

    def finish(self, timeout: float | None = None) -> Transcript:
        return Transcript(
            " ".join(w.word for w in self.words),
            self.seconds,
            tuple(self.words),
            engine="local",
            model="scripted",
        )

    def cancel(self) -> None:
        pass


def _turn(request: TurnRequest) -> str:
    if request.purpose == "wrap_up":
        return "Thank you, that's everything. Your feedback is being prepared now."
    assert request.question is not None
    return f"Let's start. {request.question.text}"


def _no_follow_up(_request: FollowUpRequest) -> FollowUpDecision:
    return FollowUpDecision(follow_up=False, reason="covered")


def render_voice_feedback(
    out_dir: Path, library: ContentLibrary | None = None, size: tuple[int, int] = SIZE
) -> list[Path]:
    """Write voice-feedback.png: the feedback card of an answer given aloud, with its
    transcript, Play button, and the delivery measured from the voice."""
    library = library or load_library()
    if VOICE_TRACK not in library.tracks or VOICE_QUESTION not in library.questions:
        raise InterviewerError(f"The screenshots need the built-in question {VOICE_QUESTION!r}.")
    backend = demo_backend()
    backend.default_turn = _turn
    backend.default_follow_up = _no_follow_up
    with (
        temporary_home() as home,
        closing(SessionStore.open(home / "sessions.db")) as store,
        open_stage(out_dir, library, backend, home, size=size, store=store) as stage,
    ):
        window, controller, clock = stage.window, stage.controller, stage.clock
        words = timed_words()
        speech = write_speech(home / "speech.wav", words)
        voice = window.interview.voice
        voice.set_problem("")  # the WAV below is the microphone
        voice.source_factory = lambda: WavFileSource(speech, chunk_ms=1000)
        voice.stream_factory = lambda: lambda on_partial: ScriptedSpeech(on_partial, words)

        def folder(session_id: str) -> Path:
            found = store.session_dir(session_id)
            assert found is not None
            return found

        voice.audio_folder = folder

        one = library.tracks[VOICE_TRACK].model_copy(
            update={"questions": [VOICE_QUESTION], "question_count": 1, "selection": "ordered"}
        )
        controller.start_interview(
            StartOptions(VOICE_TRACK, question_count=1, track=one, follow_ups=False)
        )
        wait_until(lambda: controller.answering)
        if not voice.start():
            raise InterviewerError("The spoken answer could not be recorded.")
        wait_until(lambda: not voice.busy, timeout=30.0)
        clock.advance(round(words[-1].end + 2))
        voice.stop_and_submit()
        wait_until(lambda: controller.results is not None and not controller.in_interview)
        feedback = window.feedback
        wait_until(lambda: bool(feedback.cards) and bool(feedback.cards[0].delivery_facts))
        card = feedback.cards[0]
        (box,) = card.answers
        if box.replay is None:
            raise InterviewerError("The spoken answer's recording was not found.")
        settle(window)
        stage.save("voice-feedback", card)
    return stage.written
