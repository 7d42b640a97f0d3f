"""The interviewer's turns read aloud as they stream in (issue 16, item 1).

Three pieces, each small:

* a *voice* says one sentence and tells when it is done: `SystemVoice` through Qt's own
  text-to-speech (speech-dispatcher or flite on Linux, the system voices on Windows and
  macOS; the `mock` engine in tests), `ProviderVoice` through the provider's OpenAI-
  compatible `/v1/audio/speech` (fetched on a worker, played with QtMultimedia);
* `Speaker` keeps the queue: streamed text goes in as it arrives, each sentence is
  queued the moment it is complete (so speech starts long before the model has
  finished writing) and `finished` fires when everything queued has been said. A
  sentence that hangs is given up after `speaking_cap_seconds`; a provider voice that
  fails hands over to the system voice, with one notice;
* `SpokenInterview` ties a speaker to the interview: it listens to the session's plain
  events (the same ones the transcript renders), tells the session to hold each answer
  clock until the question has been said (`InterviewSession.hold_for_delivery`), and
  says `question_delivered` when the speaker is done. Muted, or with no speech engine,
  nothing is held: the interview is exactly the text interview.

No speech engine on the system (Qt's speech-dispatcher plugin cannot start): one notice
says what to install (`NO_ENGINE_TEXT`), and the interview carries on in text.
"""

from __future__ import annotations

import logging
import sys
from collections import deque
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QTimer, QUrl, Signal
from PySide6.QtTextToSpeech import QTextToSpeech

from interviewer.core.speech_text import SentenceSplitter, speaking_cap_seconds, split_sentences
from interviewer.gui.replay import NO_MEDIA_BACKEND
from interviewer.gui.workers import HTTP_STACK, QueryOp
from interviewer.session import (
    AnswerClosed,
    AnswerNeeded,
    Event,
    InterviewSession,
    PausedChanged,
    Started,
    StreamReset,
    StreamStarted,
    TextDelta,
    TurnAdded,
)
from interviewer.storage.settings import Settings

log = logging.getLogger(__name__)

#: What to do when no speech engine can start, per system (shown once).
NO_ENGINE_TEXT = (
    "Questions cannot be read aloud: no speech engine is working on this computer, so "
    "the interview carries on in text. {install}"
)
INSTALL_LINUX = (
    "To hear the questions, install speech-dispatcher and restart Interviewer: on Debian "
    "or Ubuntu `sudo apt-get install speech-dispatcher`, on Fedora `sudo dnf install "
    "speech-dispatcher`, on Arch `sudo pacman -S speech-dispatcher`."
)
INSTALL_OTHER = (
    "Windows and macOS read aloud with their own system voices: check that one is "
    "installed in the system's speech settings."
)


def no_engine_text(platform: str = sys.platform) -> str:
    """The one notice shown when no speech engine works here, with what to install."""
    install = INSTALL_LINUX if platform.startswith("linux") else INSTALL_OTHER
    return NO_ENGINE_TEXT.format(install=install)


def system_engines() -> list[str]:
    """Qt's text-to-speech engines installed with PySide6 ("speechd", "flite", "mock"...)."""
    return [str(e) for e in QTextToSpeech.availableEngines()]


# --------------------------------------------------------------------------- voices


class Voice(QObject):
    """Says one sentence at a time; `done` when it was said, `failed` when it cannot be."""

    done = Signal()
    failed = Signal(str)

    #: Why this voice cannot speak at all ("" when it can).
    problem = ""

    def speak(self, text: str) -> None:
        raise NotImplementedError

    def prepare(self, text: str) -> None:
        """A sentence that will be spoken soon (a voice that fetches audio starts now)."""

    def stop(self) -> None:
        """Stop at once; neither `done` nor `failed` follows for the sentence stopped."""


class SystemVoice(Voice):
    """Qt's text-to-speech: the system's own voices (`engine` "" is Qt's default)."""

    def __init__(
        self,
        engine: str = "",
        voice: str = "",
        rate: float = 0.0,
        volume: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.tts = QTextToSpeech(engine, self) if engine else QTextToSpeech(self)
        self._active = False
        if self.tts.state() is QTextToSpeech.State.Error:
            reason = self.tts.errorString() or "the speech engine did not start"
            self.problem = f"{self.tts.engine() or engine or 'default'} engine: {reason}"
            return
        self.tts.setRate(max(-1.0, min(1.0, rate)))
        self.tts.setVolume(max(0.0, min(1.0, volume)))
        if voice:
            for v in self.tts.availableVoices():
                if v.name() == voice:
                    self.tts.setVoice(v)
                    break
        self.tts.stateChanged.connect(self._on_state_changed)

    def voice_names(self) -> list[str]:
        return [v.name() for v in self.tts.availableVoices()]

    def speak(self, text: str) -> None:
        self._active = True
        self.tts.say(text)

    def stop(self) -> None:
        self._active = False
        self.tts.stop(QTextToSpeech.BoundaryHint.Immediate)

    def _on_state_changed(self, state: QTextToSpeech.State) -> None:
        if not self._active:
            return
        if state is QTextToSpeech.State.Ready:
            self._active = False
            self.done.emit()
        elif state is QTextToSpeech.State.Error:
            self._active = False
            self.failed.emit(self.tts.errorString() or "the speech engine stopped")


#: (sentence) -> audio file bytes; runs on a worker thread (plain data only).
Synthesize = Callable[[str], bytes]


class ProviderVoice(Voice):
    """The provider's `/v1/audio/speech`: each sentence fetched on a worker as soon as it
    is queued (so the next is ready while one plays), played with QtMultimedia."""

    def __init__(
        self, synthesize: Synthesize, volume: float = 1.0, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

        self._synthesize = synthesize
        self.player = QMediaPlayer(self)
        self.output = QAudioOutput(self)
        self.output.setVolume(max(0.0, min(1.0, volume)))
        self.player.setAudioOutput(self.output)
        self.player.mediaStatusChanged.connect(self._on_media_status)
        self.player.errorOccurred.connect(self._on_player_error)
        #: sentence -> its audio, or the error text, once fetched (None: on its way).
        self._audio: dict[str, bytes | str | None] = {}
        self._ops: dict[str, QueryOp[bytes]] = {}
        self._current: str | None = None
        self._buffer: QBuffer | None = None
        #: bumped by `stop` and by each sentence played: a deferred signal of an older
        #: turn is dropped
        self._turn = 0

    @property
    def playable(self) -> bool:
        """Qt's media backend loaded: without it (a system library missing) every
        player is "Not available" and plays nothing, without an error."""
        return bool(self.player.isAvailable())

    def prepare(self, text: str) -> None:
        if text in self._audio or not self.playable:
            return  # nothing is fetched (or paid for) that could not be played
        self._audio[text] = None
        synthesize = self._synthesize

        def fetch() -> bytes:
            return synthesize(text)

        op: QueryOp[bytes] = QueryOp(
            parent=self,
            op=fetch,
            success=lambda data: self._on_fetched(text, data),
            needs=HTTP_STACK,
        ).failure(lambda err: self._on_fetched(text, str(err) or type(err).__name__))
        self._ops[text] = op
        op.run_in_background()

    def speak(self, text: str) -> None:
        if not self.playable:
            # Told at once (the queue falls back to the system voice), not after each
            # sentence's time runs out in silence.
            self._turn += 1
            self._fail_later(NO_MEDIA_BACKEND)
            return
        self._current = text
        self.prepare(text)
        found = self._audio.get(text)
        if found is not None:
            self._play(text, found)

    def stop(self) -> None:
        self._turn += 1
        self._current = None
        for op in self._ops.values():
            op.cancel()
        self._ops.clear()
        self._audio.clear()
        self.player.stop()

    def _on_fetched(self, text: str, data: bytes | str) -> None:
        self._ops.pop(text, None)
        if text not in self._audio:
            return  # stopped meanwhile
        self._audio[text] = data
        if self._current == text:
            self._play(text, data)

    def _play(self, text: str, data: bytes | str) -> None:
        self._turn += 1
        self._audio.pop(text, None)
        if isinstance(data, str):
            self._current = None
            self.failed.emit(data)
            return
        buffer = QBuffer(self)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        old, self._buffer = self._buffer, buffer
        self.player.setSourceDevice(buffer, QUrl("speech.wav"))
        if old is not None:
            old.deleteLater()
        self.player.play()

    # `done`/`failed` are emitted on the next turn of the event loop, never from inside
    # the player's own signal: the queue answers them by giving the player its next
    # sentence, and QMediaPlayer.setSourceDevice called from within mediaStatusChanged
    # can block the GUI thread for good (it did once in CI, with Qt's FFmpeg backend).

    def _on_media_status(self, status: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if self._current is None:
            return
        if status is QMediaPlayer.MediaStatus.EndOfMedia:
            self._current = None
            self._later(self.done.emit)
        elif status is QMediaPlayer.MediaStatus.InvalidMedia:
            self._current = None
            self._fail_later("the audio it sent could not be played")

    def _on_player_error(self, _error: Any, text: str) -> None:
        if self._current is not None:
            self._current = None
            self._fail_later(text or "the audio could not be played")

    def _fail_later(self, text: str) -> None:
        self._later(lambda: self.failed.emit(text))

    def _later(self, emit: Callable[[], None]) -> None:
        """Emit on the next turn unless `stop` or a new sentence came first (a stopped
        sentence gets neither `done` nor `failed`)."""
        turn = self._turn

        def fire() -> None:
            if turn == self._turn:
                emit()

        QTimer.singleShot(0, self, fire)


# --------------------------------------------------------------------------- the queue


class Speaker(QObject):
    """Reads streamed text aloud, sentence by sentence, as soon as each is complete.

    `feed` the pieces of a turn as they arrive and `end_turn` when it is complete (or
    `say` a whole text); `stop` silences it at once. `started` fires when speech begins
    after silence, `finished` when everything queued has been said (or stopped), and
    `notice` carries what the user should be told (a voice that failed).
    """

    started = Signal()
    finished = Signal()
    sentence_started = Signal(str)
    notice = Signal(str)

    def __init__(
        self,
        voice: Voice | None,
        *,
        fallback: Voice | None = None,
        rate: float = 0.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.voice: Voice | None = None
        self.fallback = fallback
        self.rate = rate
        self.muted = False
        self.spoken: list[str] = []  # every sentence handed to a voice, in order
        self._splitter = SentenceSplitter()
        self._queue: deque[str] = deque()
        self._current: str | None = None
        # A sentence that takes longer than it could at a slow rate is given up: an
        # engine that hangs must not keep the queue (and the answer clock) waiting.
        self._watchdog = QTimer(self)
        self._watchdog.setSingleShot(True)
        self._watchdog.timeout.connect(self._on_watchdog)
        self._use(voice)

    # ------------------------------------------------------------------ state

    @property
    def available(self) -> bool:
        """A voice can speak (it may be muted)."""
        return self.voice is not None

    @property
    def active(self) -> bool:
        """Turns fed now will be heard."""
        return self.voice is not None and not self.muted

    @property
    def busy(self) -> bool:
        """A sentence is being said, or waits to be."""
        return self._current is not None or bool(self._queue)

    @property
    def queued(self) -> list[str]:
        return list(self._queue)

    # ------------------------------------------------------------------ input

    def begin_turn(self) -> None:
        """A new turn starts: text held back from an unfinished one is dropped."""
        self._splitter.reset()

    def feed(self, piece: str) -> None:
        if not self.active:
            return
        for sentence in self._splitter.feed(piece):
            self._enqueue(sentence)

    def end_turn(self) -> None:
        if not self.active:
            self._splitter.reset()
            return
        for sentence in self._splitter.finish():
            self._enqueue(sentence)

    def say(self, text: str) -> None:
        """A whole text (a follow-up question, the voice test)."""
        if not self.active:
            return
        self._splitter.reset()
        for sentence in split_sentences(text):
            self._enqueue(sentence)

    def stop(self) -> None:
        """Silence at once: what is queued is dropped; `finished` follows if it spoke."""
        was_busy = self.busy
        self._queue.clear()
        self._splitter.reset()
        self._current = None
        self._watchdog.stop()
        if self.voice is not None:
            self.voice.stop()
        if was_busy:
            self.finished.emit()

    def set_muted(self, muted: bool) -> None:
        self.muted = muted
        if muted:
            self.stop()

    # ------------------------------------------------------------------ the queue

    def _use(self, voice: Voice | None) -> None:
        old, self.voice = self.voice, voice
        if old is not None:
            old.done.disconnect(self._on_done)
            old.failed.disconnect(self._on_failed)
        if voice is not None:
            voice.done.connect(self._on_done)
            voice.failed.connect(self._on_failed)

    def _enqueue(self, sentence: str) -> None:
        self._queue.append(sentence)
        if self.voice is not None:
            self.voice.prepare(sentence)
        if self._current is None:
            self._next()

    def _next(self) -> None:
        if not self._queue or self.voice is None:
            self._current = None
            self._watchdog.stop()
            self.finished.emit()
            return
        first = self._current is None
        self._current = self._queue.popleft()
        self._watchdog.start(round(speaking_cap_seconds(self._current, self.rate) * 1000))
        if first:
            self.started.emit()
        self.spoken.append(self._current)
        self.sentence_started.emit(self._current)
        self.voice.speak(self._current)

    def _on_done(self) -> None:
        if self._current is not None:
            self._next()

    def _on_failed(self, text: str) -> None:
        if self._current is None:
            return
        current = self._current
        if self.fallback is not None and self.voice is not self.fallback:
            self.notice.emit(
                f"The provider's voice failed ({text}); the system voice reads the "
                "questions from now on."
            )
            self._use(self.fallback)
            self._queue.appendleft(current)
            self._current = None
            self._next()
            return
        self.notice.emit(
            f"Questions can no longer be read aloud ({text}); the interview carries on in text."
        )
        self._use(None)
        self._queue.clear()
        self._current = None
        self._watchdog.stop()
        self.finished.emit()

    def _on_watchdog(self) -> None:
        if self._current is None or self.voice is None:
            return
        log.warning("speech: a sentence took too long and was given up: %r", self._current)
        self.voice.stop()
        self._next()


# --------------------------------------------------------------------------- the interview


def build_speaker(
    settings: Settings,
    synthesize: Synthesize | None = None,
    parent: QObject | None = None,
) -> tuple[Speaker, str]:
    """The speaker the settings ask for, and what to tell the user once ("" if nothing).

    "provider" with a backend that speaks (`synthesize`) reads with the provider's voice
    and falls back to the system's; a system engine that cannot start leaves the speaker
    without a voice (`available` False) and the notice says what to install."""
    system = SystemVoice(
        settings.voice_system_engine,
        settings.voice_name,
        settings.voice_rate,
        settings.voice_volume,
        parent,
    )
    system_ok = not system.problem
    notice = ""
    if settings.voice_speech_engine == "provider" and synthesize is not None:
        voice: Voice = ProviderVoice(synthesize, settings.voice_volume, parent)
        fallback = system if system_ok else None
    elif system_ok:
        voice, fallback = system, None
    else:
        log.info("speech: %s", system.problem)
        return Speaker(None, rate=settings.voice_rate, parent=parent), no_engine_text()
    if settings.voice_speech_engine == "provider" and synthesize is None:
        notice = (
            "The chosen model server has no speech endpoint, so the system voice reads "
            "the questions."
        )
    return Speaker(voice, fallback=fallback, rate=settings.voice_rate, parent=parent), notice


def provider_synthesizer(backend: object, settings: Settings) -> Synthesize | None:
    """The backend's `/v1/audio/speech` as a plain function, or None when it has none."""
    method = getattr(backend, "synthesize_speech", None)
    if method is None:
        return None
    voice = settings.voice_provider_voice
    model = settings.voice_provider_model
    speed = 2.0**settings.voice_rate

    def synthesize(text: str) -> bytes:
        return bytes(method(text, voice=voice, model=model, speed=speed))

    return synthesize


class SpokenInterview(QObject):
    """Reads one session's interviewer turns aloud and holds each answer clock until its
    question has been said (see the module docstring)."""

    #: Whether questions are being read aloud now (on, not muted, a voice works).
    reading_changed = Signal(bool)
    #: Something to tell the user once (no engine, a voice that failed).
    notice = Signal(str)
    #: The open answer's clock waits for the question to be read (True), or no longer.
    holding_changed = Signal(bool)

    def __init__(
        self,
        session: InterviewSession,
        settings: Settings,
        *,
        backend: object = None,
        make_speaker: Callable[[Settings, Synthesize | None], tuple[Speaker, str]] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.backend = backend
        self._make_speaker = make_speaker or (lambda s, synth: build_speaker(s, synth, parent=self))
        self.speaker: Speaker | None = None
        self.muted = False
        self._told: set[str] = set()
        # Told when the first interview starts, not at launch (nobody is listening yet).
        self._held_notices: list[str] | None = []
        self._streaming = False
        self._waiting_for_speech = False
        # The session (the controller's) outlives the window: `_on_event` does nothing
        # once this object is deleted. Not unsubscribed then: a `destroyed` slot, or the
        # remover kept here (a reference cycle, collected on whichever thread the
        # collector runs: Qt objects deleted off the GUI thread), crashed the tests.
        session.subscribe(self._on_event)
        self.apply_settings(settings, backend)

    @property
    def reading(self) -> bool:
        """Questions are read aloud now (on, a voice works, not muted)."""
        return self.speaker is not None and self.speaker.active

    @property
    def available(self) -> bool:
        """Reading aloud is on and a voice works (muted or not): a mute button makes sense."""
        return self.speaker is not None and self.speaker.available

    def apply_settings(self, settings: Settings, backend: object = None) -> None:
        """Use these settings from the next sentence on (the one being said stops)."""
        self.settings = settings
        self.backend = backend
        old, self.speaker = self.speaker, None
        if old is not None:
            old.stop()
            old.deleteLater()
        if settings.voice_read_aloud:
            speaker, text = self._make_speaker(
                settings,
                provider_synthesizer(backend, settings)
                if settings.voice_speech_engine == "provider"
                else None,
            )
            speaker.set_muted(self.muted)
            speaker.finished.connect(self._on_speech_finished)
            speaker.notice.connect(self._tell)
            self.speaker = speaker
            if text:
                self._tell(text)
        self.session.set_speaking_rate(settings.voice_rate)
        self._sync_hold()

    def set_muted(self, muted: bool) -> None:
        """Mute (speech stops at once, clocks run as in a text interview) or unmute."""
        self.muted = muted
        if self.speaker is not None:
            self.speaker.set_muted(muted)
        self._sync_hold()

    def test_voice(self, text: str) -> None:
        if self.speaker is not None and self.speaker.active:
            self.speaker.say(text)

    def _sync_hold(self) -> None:
        reading = self.reading
        self.session.hold_for_delivery = reading
        if not reading and self._waiting_for_speech:
            self._waiting_for_speech = False
            self.holding_changed.emit(False)
        self.reading_changed.emit(reading)

    def _tell(self, text: str) -> None:
        if text not in self._told:
            self._told.add(text)
            if self._held_notices is not None:
                self._held_notices.append(text)
            else:
                self.notice.emit(text)
        if self.speaker is not None and not self.speaker.available:
            self._sync_hold()

    # ------------------------------------------------------------------ session events

    def _on_event(self, event: Event) -> None:
        if not shiboken6.isValid(self):  # the window was deleted; the session lives on
            return
        if isinstance(event, Started) and self._held_notices is not None:
            held, self._held_notices = self._held_notices, None
            for text in held:
                self.notice.emit(text)
        speaker = self.speaker
        if speaker is None:
            return
        if isinstance(event, StreamStarted):
            self._streaming = True
            speaker.begin_turn()
        elif isinstance(event, TextDelta):
            speaker.feed(event.text)
        elif isinstance(event, StreamReset):
            # What was said is void; a stand-in's text, if any, streams anew.
            self._streaming = False
            speaker.stop()
        elif isinstance(event, TurnAdded):
            turn = event.turn
            if event.restored or turn.role != "interviewer":
                return
            if self._streaming:
                speaker.end_turn()
            else:
                speaker.say(turn.text)  # a follow-up, or a turn shown whole
            self._streaming = False
        elif isinstance(event, AnswerNeeded):
            if self.session.answer_clock_held:
                if speaker.busy:
                    self._waiting_for_speech = True
                    self.holding_changed.emit(True)
                else:
                    self.session.question_delivered()
        elif isinstance(event, PausedChanged) and event.paused:
            speaker.stop()  # the question is hidden while paused: so is its voice
        elif isinstance(event, AnswerClosed):
            # Answered (or timed out, skipped) while the question was still being read:
            # the rest of it is not worth hearing.
            if self._waiting_for_speech:
                self._waiting_for_speech = False
                self.holding_changed.emit(False)
            speaker.stop()

    def _on_speech_finished(self) -> None:
        if self._waiting_for_speech:
            self._waiting_for_speech = False
            self.holding_changed.emit(False)
            self.session.question_delivered()
