"""Answering aloud on the interview screen: the record row and what it does to the answer.

`VoiceBar` is the row under the answer box (record button, input level meter, speaking
time, status, "Stop and submit"); `VoiceAnswer` connects it, the `Recorder` and the
answer box to the controller. The rules it keeps:

* Spoken text goes where the cursor was when recording started (with a space on either
  side as needed) and grows there as phrases are transcribed; whatever the candidate
  typed stays. If they edit inside the spoken text while it is still growing, what they
  edited is theirs and the rest of the transcript is added after it.
* One recording file per answer (`<question id>-<n>.wav` in the session's folder, see
  `storage.session_files`): recording again appends to it. Beside it, `<file>.json`
  holds the transcript of the part transcribed so far; audio beyond that part (a crash
  while speaking) is offered for transcription when the interview is resumed.
* The answer's turn records the file (unless recordings are not kept: then the file is
  deleted once the transcript is in the turn) and its delivery measured from the words'
  timings (`core.voice_delivery`).
* A clock that runs out while the candidate speaks waits for the last phrase's
  transcript (at most `FINISH_WAIT_MS`), then submits what was said, as a typed answer
  is submitted. Pausing stops the recording.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QPainter, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from interviewer.core.engine import NeedAnswer
from interviewer.core.errors import InterviewerError
from interviewer.core.models import VoiceDelivery
from interviewer.core.voice_delivery import voice_delivery
from interviewer.gui.controller import Controller
from interviewer.gui.recorder import (
    INSTALL_VOICE,
    AudioSource,
    MicrophoneSource,
    Recorder,
    StreamFactory,
    capture_problem,
    meter_value,
)
from interviewer.gui.widgets import format_clock
from interviewer.gui.workers import QueryOp
from interviewer.storage.session_files import audio_name
from interviewer.storage.settings import Settings, audio_destination, voice_problem
from interviewer.voice.base import SAMPLE_RATE, SAMPLE_WIDTH, Transcriber, Transcript, Word

log = logging.getLogger(__name__)

#: The longest a clock that ran out waits for the last phrase's transcript (ms).
FINISH_WAIT_MS = 20_000
#: Audio beyond the transcribed part shorter than this (s) is not worth an offer.
LEFTOVER_MIN_SECONDS = 0.5
_WAV_HEADER = 44
#: Push to talk: hold it to speak, let go to stop.
PUSH_TO_TALK = "F9"
RECORD_KEYS = "Ctrl+Shift+R"
STOP_SUBMIT_KEYS = "Ctrl+Shift+Return"


# ---------------------------------------------------------------------------- plain helpers


def wav_seconds_on_disk(path: Path) -> float:
    """Length of a recording this app wrote, from its size alone (cheap on the GUI thread;
    right even when a crash left the header behind)."""
    try:
        size = path.stat().st_size
    except OSError:
        return 0.0
    return max(0, size - _WAV_HEADER) / (SAMPLE_RATE * SAMPLE_WIDTH)


def shifted(transcript: Transcript, offset: float) -> tuple[Word, ...]:
    """The transcript's words moved `offset` seconds later (a later part of the file)."""
    return tuple(
        Word(w.word, w.start + offset, w.end + offset, w.probability) for w in transcript.words
    )


def _norm(token: str) -> str:
    return re.sub(r"[^\w']", "", token.lower())


def merge_spoken(draft: str, spoken: str) -> str:
    """Put a late transcript into a draft that may already hold its beginning.

    While the candidate spoke, the phrases transcribed so far were in the answer box and
    were autosaved; after a crash, transcribing the whole recording again would repeat
    them. The longest run of the draft's words that matches the transcript's first
    words (at least three, or the whole transcript when it is shorter) is replaced by
    the transcript; with no such run, the transcript is added at the end.
    """
    spoken = spoken.strip()
    if not spoken:
        return draft
    said = [_norm(t) for t in spoken.split()]
    tokens = [(m.start(), m.end(), _norm(m.group())) for m in re.finditer(r"\S+", draft)]
    best_at, best_len = -1, 0
    for i in range(len(tokens)):
        n = 0
        while i + n < len(tokens) and n < len(said) and tokens[i + n][2] == said[n]:
            n += 1
        if n > best_len:
            best_at, best_len = i, n
    if best_len >= min(3, len(said)):
        start, end = tokens[best_at][0], tokens[best_at + best_len - 1][1]
        return draft[:start] + spoken + draft[end:]
    if not draft.strip():
        return spoken
    return draft.rstrip() + ("\n\n" if "\n" in draft else " ") + spoken


def save_sidecar(path: Path, words: list[Word], covered: float, text: str) -> None:
    """What was transcribed of a recording, beside it (`<file>.json`)."""
    data = {
        "covered_seconds": round(covered, 3),
        "text": text,
        "words": [[w.word, round(w.start, 3), round(w.end, 3)] for w in words],
    }
    tmp = path.with_name(path.name + ".json.part")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    tmp.replace(sidecar(path))


def sidecar(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def load_sidecar(path: Path) -> tuple[list[Word], float, str]:
    """(words, seconds covered, text) of a recording's transcript; nothing if unreadable."""
    try:
        data = json.loads(sidecar(path).read_text(encoding="utf-8"))
        words = [Word(str(w), float(s), float(e)) for w, s, e in data.get("words", [])]
        return words, float(data.get("covered_seconds", 0.0)), str(data.get("text", ""))
    except (OSError, ValueError, TypeError):
        return [], 0.0, ""


@dataclass
class AnswerAudio:
    """The recording of the answer now open, and what has been transcribed of it."""

    key: tuple[str, str, int]  # session id, question id, answer index
    path: Path
    relative: str  # the path the turn records (relative to the session's folder)
    words: list[Word] = field(default_factory=list)
    covered: float = 0.0  # seconds of the file transcribed
    #: Where the question ended relative to the recording's start (negative: the
    #: candidate started recording that long after the answer clock began).
    question_end: float | None = None
    suggested_seconds: int = 0
    text: str = ""  # the transcribed text so far (all parts)


def engine_problem(settings: Settings) -> str:
    """Why the chosen transcription engine cannot run here ("" when it can), cheaply
    (nothing is imported or loaded: that happens when recording starts)."""
    if (
        settings.voice_transcription == "local"
        and importlib.util.find_spec("faster_whisper") is None
    ):
        return f"Transcribing on this computer needs the voice extra: {INSTALL_VOICE}."
    return voice_problem(settings)


# ---------------------------------------------------------------------------- widgets


class LevelMeter(QWidget):
    """The input level: a bar in decibels (-60..0 dBFS) with a peak tick that falls back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Input level")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(60)
        self.value = 0.0
        self.peak = 0.0
        self._decay = QTimer(self)
        self._decay.setInterval(80)
        self._decay.timeout.connect(self._on_decay)

    def sizeHint(self) -> QSize:
        return QSize(140, 10)

    def set_level(self, rms: float, peak: float) -> None:
        self.value = meter_value(rms)
        self.peak = max(self.peak * 0.9, meter_value(peak))
        self.setAccessibleDescription(f"{round(self.value * 100)} percent")
        if not self._decay.isActive():
            self._decay.start()
        self.update()

    def reset(self) -> None:
        self.value = self.peak = 0.0
        self._decay.stop()
        self.update()

    def _on_decay(self) -> None:
        self.value *= 0.8
        self.peak *= 0.95
        if self.value < 0.01 and self.peak < 0.01:
            self.reset()
        self.update()

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.setBrush(pal.color(QPalette.ColorRole.Base))
        p.drawRoundedRect(r, 3, 3)
        inner = r.adjusted(1.5, 1.5, -1.5, -1.5)
        if self.value > 0:
            colour = QColor("#2e9d57") if self.value < 0.85 else QColor("#d08a1e")
            bar = QRectF(inner.left(), inner.top(), inner.width() * self.value, inner.height())
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawRoundedRect(bar, 2, 2)
        if self.peak > 0:
            x = inner.left() + inner.width() * self.peak
            p.setPen(pal.color(QPalette.ColorRole.Text))
            p.drawLine(int(x), int(inner.top()), int(x), int(inner.bottom()))
        p.end()


#: The record button and the clock while recording.
RECORDING_CSS = "color: #c62828; font-weight: bold;"


class VoiceBar(QWidget):
    """Record, the level meter, speaking time, status and "Stop and submit"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Spoken answer")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        self.record_button = QPushButton("● Record")
        self.record_button.setAccessibleName("Record a spoken answer")
        self.meter = LevelMeter()
        self.meter.setMaximumWidth(220)
        self.time_label = QLabel("0:00")
        self.time_label.setAccessibleName("Speaking time")
        self.time_label.setMinimumWidth(self.time_label.fontMetrics().horizontalAdvance("00:00"))
        self.status = QLabel()
        self.status.setAccessibleName("Recording status")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.transcribe_button = QPushButton("Transcribe it")
        self.transcribe_button.setAccessibleName("Transcribe the saved recording")
        self.transcribe_button.setVisible(False)
        self.stop_submit_button = QPushButton("Stop and submit")
        self.stop_submit_button.setAccessibleName("Stop recording and submit the answer")
        lay.addWidget(self.record_button)
        lay.addWidget(self.meter, 1)
        lay.addWidget(self.time_label)
        lay.addWidget(self.status, 2)
        lay.addWidget(self.transcribe_button)
        lay.addWidget(self.stop_submit_button)

    def set_recording(self, recording: bool) -> None:
        self.record_button.setText("■ Stop" if recording else "● Record")
        # Red while the microphone is on, so nobody wonders whether it is listening.
        self.record_button.setStyleSheet(RECORDING_CSS if recording else "")
        self.time_label.setStyleSheet(RECORDING_CSS if recording else "")
        self.record_button.setAccessibleName(
            "Stop recording" if recording else "Record a spoken answer"
        )
        if not recording:
            self.meter.reset()


# ---------------------------------------------------------------------------- the glue


class _Span:
    """Where this recording's text sits in the answer box, kept right as the box changes."""

    def __init__(self, start: int, lead: str, trail: str) -> None:
        self.start = start
        self.length = 0
        self.lead = lead
        self.trail = trail
        self.taken = ""  # transcript text the candidate has edited (theirs now)
        self.seen = ""  # the transcript as last shown


class VoiceAnswer(QObject):
    """Spoken answers for one interview screen (see the module docstring)."""

    #: A sentence for the status row ("" clears it).
    status_changed = Signal(str)
    #: An engine's notice (the local model standing in for a failed server), from a worker.
    _notice = Signal(str)

    def __init__(
        self,
        controller: Controller,
        answer: QPlainTextEdit,
        bar: VoiceBar,
        view: QWidget,
        submit: Callable[[], None],
    ) -> None:
        super().__init__(view)
        self.controller = controller
        self.answer = answer
        self.bar = bar
        self.view = view
        self._submit = submit
        self.recorder = Recorder(self)
        #: Where chunks come from; tests give a WavFileSource (there is no sound card).
        self.source_factory: Callable[[], AudioSource] = self._default_source
        #: Builds the streaming transcriber for one recording (None: settings decide).
        self.stream_factory: Callable[[], StreamFactory] | None = None
        #: The engine that transcribes a saved recording after a resume.
        self.transcriber_factory: Callable[[], Transcriber] | None = None
        #: The folder of a session's files (its recordings), by session id: where the
        #: store in use keeps them (so the feedback screen finds them); None: nowhere.
        self.audio_folder: Callable[[str], Path | None] = self._session_folder
        self.audio: AnswerAudio | None = None
        self._span: _Span | None = None
        self._ours = False  # the box is being changed by this class, not the candidate
        self._then: Callable[[], None] | None = None
        self._timeout_when_done = False
        self._leftover_op: QueryOp[Transcript] | None = None
        self._problem: str | None = None
        self._offset = 0.0  # seconds already in the file when this recording started
        self._why = ""  # why recording is off, as the status row shows it
        self._finish_timer = QTimer(self)
        self._finish_timer.setSingleShot(True)
        self._finish_timer.setInterval(FINISH_WAIT_MS)
        self._finish_timer.timeout.connect(self._on_finish_overdue)

        self.record_action = self._action("&Record answer", RECORD_KEYS, self.toggle)
        self.stop_submit_action = self._action(
            "Stop and s&ubmit", STOP_SUBMIT_KEYS, self.stop_and_submit
        )
        self.push_action = self._action("Push to talk (hold)", PUSH_TO_TALK, self._on_push)
        self.push_action.setAutoRepeat(False)
        self._pushing = False
        bar.record_button.clicked.connect(self.toggle)
        bar.stop_submit_button.clicked.connect(self.stop_and_submit)
        bar.transcribe_button.clicked.connect(self.transcribe_leftover)

        rec = self.recorder
        rec.level.connect(bar.meter.set_level)
        rec.elapsed.connect(self._on_elapsed)
        rec.partial.connect(self._on_partial)
        rec.finished.connect(self._on_finished)
        rec.failed.connect(self._on_failed)
        rec.recording_changed.connect(self._on_recording_changed)
        self.status_changed.connect(bar.status.setText)
        answer.document().contentsChange.connect(self._on_contents_change)
        self._notice.connect(self._on_notice, Qt.ConnectionType.QueuedConnection)

        c = controller
        c.answer_needed.connect(self._on_answer_needed)
        c.answer_closed.connect(self._on_answer_closed)
        c.paused_changed.connect(self._on_paused_changed)
        c.interview_started.connect(self._on_interview_started)
        c.state_changed.connect(self._on_state_changed)
        # A lambda, so the controller keeps this object's Python side alive (a bound
        # method would let the collector delete its Qt objects on a worker thread: a
        # segmentation fault in the tests); it outlives the window, hence the check.
        c.backend_changed.connect(lambda label: self._on_backend_changed(label))
        app = QApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.recorder.shutdown)
        c.timeout_hook = self._on_time_up  # forgotten once this object is deleted
        self.update_actions()

    def _action(self, text: str, keys: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.view)
        action.setShortcut(QKeySequence(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.view.addAction(action)
        return action

    # ------------------------------------------------------------------ availability

    def problem(self) -> str:
        """Why answers cannot be spoken here ("" when they can), with what to do; asked
        again when the settings change."""
        if self._problem is None:
            self._problem = capture_problem() or engine_problem(self.controller.settings)
        return self._problem

    def _on_backend_changed(self, _label: str) -> None:
        if shiboken6.isValid(self):  # not after the window was deleted
            self.set_problem(None)

    def set_problem(self, text: str | None) -> None:
        """Override the check (tests, and after Settings changed the voice): None re-asks."""
        self._problem = text
        self.update_actions()

    def _on_notice(self, text: str) -> None:
        self.controller.message.emit("warning", text)

    def _default_source(self) -> AudioSource:
        settings = self.controller.settings
        return MicrophoneSource(settings.voice_microphone)

    def _make_stream(self) -> tuple[StreamFactory, tuple[str, ...]]:
        if self.stream_factory is not None:
            return self.stream_factory(), ()
        from interviewer.voice.streaming import StreamingTranscriber

        engine = self._transcriber()

        def factory(on_partial: Callable[[str], None]) -> Any:
            return StreamingTranscriber(engine, on_update=on_partial)

        return factory, ("numpy", "faster_whisper")

    def _transcriber(self) -> Transcriber:
        if self.transcriber_factory is not None:
            return self.transcriber_factory()
        from interviewer.voice.engines import make_transcriber

        c = self.controller
        return make_transcriber(c.settings, c.secrets, on_notice=self._notice.emit)

    @property
    def busy(self) -> bool:
        return self.recorder.recording or self.recorder.finishing

    def update_actions(self) -> None:
        problem = self.problem()
        c = self.controller
        can_answer = c.answering and not c.paused
        # A hidden record row (a coding answer's editor replaces the answer box) records
        # nothing: the transcript would go into a box nobody sees.
        shown = not self.bar.isHidden()
        can_record = not problem and shown and (can_answer or self.recorder.recording)
        self.record_action.setEnabled(can_record)
        self.push_action.setEnabled(can_record)
        self.bar.record_button.setEnabled(can_record)
        if problem:
            tip = f"Spoken answers are not available: {problem}"
        else:
            tip = (
                "Record your answer; the transcript appears in the answer box "
                f"({RECORD_KEYS}, or hold {PUSH_TO_TALK} to talk). " + audio_destination(c.settings)
            )
        self.bar.record_button.setToolTip(tip)
        speaking = self.busy or (self.audio is not None and self.audio.covered > 0)
        can_stop_submit = c.can_submit and (self.recorder.recording or speaking)
        self.stop_submit_action.setEnabled(can_stop_submit)
        self.bar.stop_submit_button.setEnabled(can_stop_submit)
        self.bar.stop_submit_button.setToolTip(
            f"Stop recording, wait for the last phrase, and submit ({STOP_SUBMIT_KEYS})"
        )
        self.bar.meter.setEnabled(not problem)
        self.bar.time_label.setEnabled(not problem)
        # The first sentence says why on screen; the tooltip says what to do.
        why = problem.split(". ")[0].rstrip(".") + "." if problem else ""
        status = self.bar.status.text()
        if why and not status:
            self.bar.status.setText(why)
        elif not why and status and status == self._why:
            self.bar.status.setText("")
        self._why = why

    # ------------------------------------------------------------------ commands

    def toggle(self) -> None:
        if self.recorder.recording:
            self.stop()
        else:
            self.start()

    def start(self) -> bool:
        """Start recording into this answer; False (and the status says why) if it cannot."""
        c = self.controller
        if self.recorder.recording or self.problem() or not c.answering or c.paused:
            return False
        audio = self._answer_audio()
        if audio is None:
            return False
        if self._leftover() > LEFTOVER_MIN_SECONDS:
            self.transcribe_leftover()  # runs first: its text goes in before the new one
        try:
            from interviewer.voice.wav import WavWriter

            make_stream, needs = self._make_stream()
            sink = WavWriter(audio.path, append=True)
        except InterviewerError as err:
            self.status_changed.emit(str(err))
            return False
        offset = wav_seconds_on_disk(audio.path)
        if audio.question_end is None:
            state = c.clock_state()
            used = 0.0
            if state.question_left is not None:
                used = max(0.0, state.question_limit - state.question_left)
            audio.question_end = offset - used
        try:
            self.recorder.start(self.source_factory(), sink, make_stream, needs=needs)
        except InterviewerError as err:
            sink.close()
            self.status_changed.emit(str(err))
            return False
        self._offset = offset
        self._open_span()
        self.status_changed.emit("Listening… the transcript appears as you speak.")
        self.update_actions()
        return True

    def stop(self) -> None:
        """Stop recording; the last phrase is transcribed and added moments later."""
        if self.recorder.recording:
            self.recorder.stop()
            if self.recorder.finishing:
                self.status_changed.emit("Transcribing the last phrase…")
        self.update_actions()

    def stop_and_submit(self) -> None:
        """Stop, wait for the last phrase, then submit (the answer box as it then reads)."""
        if self.controller.can_submit:
            self.stop_then(self._submit)

    def stop_then(self, action: Callable[[], None]) -> None:
        """Stop recording and run `action` once the last phrase is in the answer box (at
        once when nothing is being transcribed; at most FINISH_WAIT_MS later)."""
        self.stop()
        if self.recorder.finishing:
            self._then = action
            self._finish_timer.start()
            return
        action()

    def turn_fields(self) -> dict[str, Any]:
        """What the answer's turn records about its voice: `audio` (None when recordings
        are not kept) and `voice`; {} for an answer that was not spoken."""
        audio = self.audio
        if audio is None or (audio.covered <= 0 and not audio.words):
            return {}
        measured: VoiceDelivery = voice_delivery(
            audio.words,
            suggested_seconds=audio.suggested_seconds,
            question_end=audio.question_end or 0.0,
            recording_seconds=max(audio.covered, wav_seconds_on_disk(audio.path)),
        )
        return {"audio": audio.relative if self._keep() else None, "voice": measured}

    def _keep(self) -> bool:
        return self.controller.settings.keep_recordings

    # ------------------------------------------------------------------ answer lifecycle

    def _answer_key(self) -> tuple[str, str, int] | None:
        eng = self.controller.engine
        sid = self.controller.session_id
        rec = eng.current if eng is not None else None
        if sid is None or rec is None:
            return None
        index = sum(1 for t in rec.turns if t.role == "candidate")
        return sid, rec.question.id, index

    def _answer_audio(self) -> AnswerAudio | None:
        key = self._answer_key()
        if key is None:
            return None
        if self.audio is not None and self.audio.key == key:
            return self.audio
        sid, qid, index = key
        folder = self.audio_folder(sid)
        if folder is None:
            self.status_changed.emit(
                "The answer cannot be recorded: there is no folder to keep the recording in."
            )
            return None
        name = audio_name(qid, index)
        path = folder / name
        words, covered, text = load_sidecar(path) if path.exists() else ([], 0.0, "")
        eng = self.controller.engine
        rec = eng.current if eng is not None else None
        self.audio = AnswerAudio(
            key=key,
            path=path,
            relative=name,
            words=words,
            covered=covered,
            text=text,
            suggested_seconds=rec.question.answer_seconds if rec is not None else 0,
        )
        return self.audio

    def _session_folder(self, session_id: str) -> Path | None:
        """The session's folder beside the database of the store in use (a store in
        memory gives a temporary one), not the default data folder."""
        try:
            return self.controller.store.session_dir(session_id)
        except InterviewerError:
            return None

    def _leftover(self) -> float:
        """Seconds of this answer's recording not transcribed yet (not while recording)."""
        audio = self.audio
        if audio is None or self.busy or not audio.path.exists():
            return 0.0
        return wav_seconds_on_disk(audio.path) - audio.covered

    def _on_interview_started(self) -> None:
        self._reset()

    def _on_answer_needed(self, _need: NeedAnswer) -> None:
        self._reset()
        audio = self._answer_audio()
        left = self._leftover()
        if audio is not None and left > LEFTOVER_MIN_SECONDS:
            self.status_changed.emit(
                f"A recording of this answer ({format_clock(left)}) was saved but not transcribed."
            )
            self.bar.transcribe_button.setVisible(True)
        self.update_actions()

    def _on_answer_closed(self) -> None:
        audio = self.audio
        self._reset()
        if audio is not None and self._taken(audio):
            # The turn holds the transcript now; the recording stays only if kept.
            sidecar(audio.path).unlink(missing_ok=True)
            if not self._keep():
                audio.path.unlink(missing_ok=True)
        self.update_actions()

    def _taken(self, audio: AnswerAudio) -> bool:
        """The engine holds this answer (submitted, timed out or skipped)."""
        eng = self.controller.engine
        _sid, qid, index = audio.key
        for rec in eng.records if eng is not None else []:
            if rec.question.id == qid:
                return sum(1 for t in rec.turns if t.role == "candidate") > index
        return False

    def _on_state_changed(self) -> None:
        if self.controller.engine is None and (self.busy or self.audio is not None):
            self._reset()  # the interview was left: what was recorded stays on disk
        self.update_actions()

    def _reset(self) -> None:
        self.recorder.discard()
        if self._leftover_op is not None:
            self._leftover_op.cancel()
            self._leftover_op = None
        self._finish_timer.stop()
        self.audio = None
        self._span = None
        self._then = None
        self._timeout_when_done = False
        self.bar.transcribe_button.setVisible(False)
        self.bar.set_recording(False)
        self.bar.time_label.setText("0:00")
        self.status_changed.emit("")

    def _on_paused_changed(self, paused: bool) -> None:
        if paused and self.recorder.recording:
            self.stop()
        self.update_actions()

    def _on_time_up(self) -> bool:
        """The controller's clock ran out: True while this class submits the answer itself
        (the last phrase is still being transcribed); False lets the clock submit the draft."""
        if not shiboken6.isValid(self):  # the window was deleted; the controller lives on
            if self.controller.timeout_hook == self._on_time_up:
                self.controller.timeout_hook = None
            return False
        if self._timeout_when_done:
            return True
        if self.controller.paused or not (self.busy or self.turn_fields()):
            return False
        self.stop()
        if self.recorder.finishing:
            self._timeout_when_done = True
            self._finish_timer.start()
            return True
        self._submit_timed_out()
        return True

    def _submit_timed_out(self) -> None:
        self._timeout_when_done = False
        c = self.controller
        ran_out = c.clock_state().interview_left <= 0
        fields = self.turn_fields()
        text = self.answer.toPlainText()
        if c.submit_answer(text, timed_out=True, **fields):
            c.message.emit(
                "info",
                "The interview time is up. Your answer was submitted as written."
                if ran_out
                else "Time is up for this answer. It was submitted as written.",
            )

    def _on_finish_overdue(self) -> None:
        """The last phrase took too long: submit what the box holds."""
        timed_out, then = self._timeout_when_done, self._then
        self._then = None
        self.recorder.discard()
        self.status_changed.emit("The last phrase could not be transcribed in time.")
        if timed_out:
            self._submit_timed_out()
        elif then is not None:
            then()

    # ------------------------------------------------------------------ recorder events

    def _on_recording_changed(self, recording: bool) -> None:
        self.bar.set_recording(recording)
        self.update_actions()

    def _on_elapsed(self, seconds: float) -> None:
        self.bar.time_label.setText(format_clock(self._offset + seconds))

    def _on_partial(self, text: str) -> None:
        self._show(text)

    def _on_finished(self, transcript: Transcript) -> None:
        self._show(transcript.text)
        self._span = None
        audio = self.audio
        if audio is not None:
            offset = self._offset
            audio.words.extend(shifted(transcript, offset))
            audio.covered = max(audio.covered, offset + transcript.duration_seconds)
            audio.text = f"{audio.text} {transcript.text.strip()}".strip()
            try:
                save_sidecar(audio.path, audio.words, audio.covered, audio.text)
            except OSError as err:
                log.warning("could not save the transcript beside %s: %s", audio.path, err)
        self._finish_timer.stop()
        self.status_changed.emit("" if transcript.text.strip() else "No speech was heard.")
        self.update_actions()
        then, self._then = self._then, None
        if self._timeout_when_done:
            self._submit_timed_out()
        elif then is not None:
            then()

    def _on_failed(self, text: str) -> None:
        self.status_changed.emit(text)
        if not self.recorder.finishing and (self._timeout_when_done or self._then is not None):
            self._finish_timer.stop()
            self._on_finish_overdue()
        self.update_actions()

    # ------------------------------------------------------------------ push to talk

    def _on_push(self) -> None:
        """The push-to-talk key went down: record until it comes up."""
        if self.recorder.recording or not self.start():
            return
        self._pushing = True
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self._pushing
            and event.type() == QEvent.Type.KeyRelease
            and isinstance(event, QKeyEvent)
            and not event.isAutoRepeat()
            and QKeySequence(event.key()) == QKeySequence(PUSH_TO_TALK)
        ):
            self._pushing = False
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self.stop()
        return False

    # ------------------------------------------------------------------ the answer box

    def _open_span(self) -> None:
        cursor = self.answer.textCursor()
        pos = cursor.position()
        text = self.answer.toPlainText()
        lead = " " if pos > 0 and not text[pos - 1].isspace() else ""
        trail = " " if pos < len(text) and not text[pos].isspace() else ""
        self._span = _Span(pos, lead, trail)

    def _show(self, text: str) -> None:
        """Put this recording's transcript so far into its place in the box."""
        span = self._span
        if span is None or self.answer.isReadOnly():
            return
        new = text.strip()
        if span.taken:
            new = new[len(span.taken) :].strip() if new.startswith(span.taken) else ""
        shown = f"{span.lead}{new}{span.trail}" if new else ""
        doc = self.answer.document()
        end_of_doc = max(0, doc.characterCount() - 1)
        start = min(span.start, end_of_doc)
        cursor = QTextCursor(doc)
        cursor.setPosition(start)
        cursor.setPosition(min(start + span.length, end_of_doc), QTextCursor.MoveMode.KeepAnchor)
        self._ours = True
        try:
            cursor.insertText(shown)
        finally:
            self._ours = False
        span.start, span.length = start, len(shown)
        span.seen = text.strip()

    def _on_contents_change(self, position: int, removed: int, added: int) -> None:
        span = self._span
        if self._ours or span is None:
            return
        end = span.start + span.length
        if position + removed <= span.start:
            span.start += added - removed  # before the spoken text (or typed right at it)
        elif position >= end:
            return  # after it
        else:
            # The candidate edited the spoken text: it is theirs; more goes after it.
            span.taken = span.seen
            text = self.answer.toPlainText()
            pos = max(0, min(end + added - removed, len(text)))
            span.start, span.length = pos, 0
            span.lead = " " if pos > 0 and not text[pos - 1].isspace() else ""
            span.trail = " " if pos < len(text) and not text[pos].isspace() else ""

    # ------------------------------------------------------------------ after a crash

    def transcribe_leftover(self) -> None:
        """Transcribe the part of this answer's recording that has no transcript (a crash
        while speaking), on a worker, and put its text in the answer box."""
        audio = self.audio
        if audio is None or self._leftover_op is not None:
            return
        try:
            engine = self._transcriber()
        except InterviewerError as err:
            self.status_changed.emit(str(err))
            return
        path, covered = audio.path, audio.covered

        def work() -> Transcript:
            from interviewer.voice.wav import read_wav, repair_wav

            repair_wav(path)  # every player reads the whole file from now on
            pcm = read_wav(path)
            start = int(covered * SAMPLE_RATE) * SAMPLE_WIDTH
            return engine.transcribe(pcm[start:], offset=covered)

        self.bar.transcribe_button.setEnabled(False)
        self.status_changed.emit("Transcribing the saved recording…")
        self._leftover_op = (
            QueryOp(parent=self, op=work, success=self._on_leftover_done)
            .failure(self._on_leftover_failed)
            .run_in_background()
        )

    def _on_leftover_done(self, transcript: Transcript) -> None:
        self._leftover_op = None
        self.bar.transcribe_button.setVisible(False)
        self.bar.transcribe_button.setEnabled(True)
        audio = self.audio
        if audio is None:
            return
        audio.words.extend(transcript.words)  # already at their place (offset)
        audio.covered = max(audio.covered, wav_seconds_on_disk(audio.path))
        audio.text = f"{audio.text} {transcript.text.strip()}".strip()
        try:
            save_sidecar(audio.path, audio.words, audio.covered, audio.text)
        except OSError as err:
            log.warning("could not save the transcript beside %s: %s", audio.path, err)
        if not self.answer.isReadOnly():
            merged = merge_spoken(self.answer.toPlainText(), transcript.text)
            cursor = QTextCursor(self.answer.document())
            cursor.select(QTextCursor.SelectionType.Document)
            cursor.insertText(merged)
        self.status_changed.emit(
            "The saved recording is transcribed; check it before submitting."
            if transcript.text.strip()
            else "No speech was heard in the saved recording."
        )
        self.update_actions()

    def _on_leftover_failed(self, err: Exception) -> None:
        self._leftover_op = None
        self.bar.transcribe_button.setEnabled(True)
        self.status_changed.emit(
            str(err) if isinstance(err, InterviewerError) else "Transcription failed."
        )
