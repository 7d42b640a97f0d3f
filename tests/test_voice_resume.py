"""A spoken answer survives a crash: its recording is on disk, and resuming offers to
transcribe what has no transcript yet (on a worker), into the answer box.

Two launches of the window over one INTERVIEWER_HOME stand in for the crash and the next
start (as in test_gui_store.py); the microphone is a WAV fed through the recorder's
source path, the transcription engine `voice.scripted.ScriptedTranscriber` behind the
real `StreamingTranscriber`.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.gui.recorder import WavFileSource
from interviewer.gui.voice_answer import sidecar, wav_seconds_on_disk
from interviewer.llm.base import CancelToken
from interviewer.storage.session_files import session_dir
from interviewer.voice.base import Transcript
from interviewer.voice.scripted import ScriptedTranscriber
from interviewer.voice.streaming import StreamingTranscriber
from tests.test_gui_store import StoredApp, begin, kill, launch, reader
from tests.test_recorder import espeak, wav_length

SAID = "I would split the data before fitting the scaler then check the held out set"


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return espeak(tmp_path_factory.mktemp("speech") / "answer.wav", SAID)


class Engines:
    """Hands the window ScriptedTranscribers and remembers them (and their threads)."""

    def __init__(self, *texts: str, default: str = "") -> None:
        self.texts = texts
        self.default = default
        self.made: list[ThreadNoting] = []
        self.threads: set[str] = set()

    def __call__(self) -> ThreadNoting:
        engine = ThreadNoting(*self.texts, default=self.default)
        engine.threads = self.threads
        self.made.append(engine)
        return engine


class ThreadNoting(ScriptedTranscriber):
    """A ScriptedTranscriber that also notes which thread each call ran on."""

    threads: set[str]

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript:
        self.threads.add(threading.current_thread().name)
        return super().transcribe(audio, cancel=cancel, offset=offset, prompt=prompt)


def with_voice(app: StoredApp, speech: Path, engines: Engines) -> None:
    voice = app.window.interview.voice
    voice.set_problem("")  # no sound card here: the WAV stands in for the microphone
    voice.source_factory = lambda: WavFileSource(speech)
    voice.recorder._timer.setInterval(5)

    def streams() -> object:
        def make(on_update: object) -> StreamingTranscriber:
            return StreamingTranscriber(engines(), on_update=on_update)  # type: ignore[arg-type]

        return make

    voice.stream_factory = streams  # type: ignore[assignment]
    voice.transcriber_factory = engines


def crash_while_speaking(qtbot: QtBot, speech: Path, seconds: float) -> tuple[str, Path]:
    """Start an interview, speak for `seconds`, save the draft, and die."""
    first = launch(qtbot)
    # Phrase by phrase, as the real engine would hear them.
    with_voice(first, speech, Engines("I would split the data", "before fitting the scaler"))
    begin(qtbot, first)
    sid = first.controller.session_id
    assert sid is not None
    view = first.window.interview
    assert view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= seconds)
    assert view.voice.audio is not None
    path = view.voice.audio.path
    first.controller.autosave_timer.timeout.emit()
    first.controller.flush_writes()
    kill(first)  # nothing more is written: the recording stops where it was
    return sid, path


def test_resume_offers_to_transcribe_a_recording_cut_off_by_a_crash(
    qtbot: QtBot, speech: Path
) -> None:
    sid, path = crash_while_speaking(qtbot, speech, 2.0)
    assert path.parent == session_dir(sid)
    assert 1.9 <= wav_seconds_on_disk(path) < wav_length(speech)
    assert not sidecar(path).exists()

    second = launch(qtbot)
    engines = Engines(SAID)
    with_voice(second, speech, engines)
    offer = second.window.resume_offer
    assert offer.session_id == sid
    qtbot.mouseClick(offer.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.controller.answering)
    view = second.window.interview
    bar = view.voice_bar
    assert bar.transcribe_button.isVisibleTo(second.window)
    assert "not transcribed" in bar.status.text()

    qtbot.mouseClick(bar.transcribe_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: SAID in view.answer.toPlainText(), timeout=10_000)
    assert not bar.transcribe_button.isVisibleTo(second.window)
    # Said once, even though the phrases transcribed before the crash were autosaved.
    assert view.answer.toPlainText().count("I would split") == 1
    assert threading.main_thread().name not in engines.threads
    # The whole file was transcribed, from its start; the transcript is kept beside it.
    call = engines.made[0].calls[0]
    assert call.offset == 0.0 and call.seconds == pytest.approx(wav_seconds_on_disk(path))
    assert sidecar(path).exists()

    # Submitted, the turn has the text, the recording and its voice delivery.
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: any(t.role == "candidate" for t in reader().load_session(sid).turns))
    turn = next(t for t in reader().load_session(sid).turns if t.role == "candidate")
    assert SAID in turn.text
    assert turn.audio == path.name and turn.voice is not None
    assert turn.voice.words == len(SAID.split())
    assert path.exists() and not sidecar(path).exists()


def test_only_the_part_without_a_transcript_is_transcribed_again(
    qtbot: QtBot, speech: Path
) -> None:
    first = launch(qtbot)
    with_voice(first, speech, Engines())
    begin(qtbot, first)
    view = first.window.interview
    # A first recording finishes (its transcript is saved beside the file) ...
    assert view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    assert view.voice.audio is not None
    path = view.voice.audio.path
    covered = view.voice.audio.covered
    assert sidecar(path).exists() and covered == pytest.approx(wav_length(speech), abs=0.01)
    # ... then a second one is cut off by a crash.
    assert view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 1.0)
    first.controller.autosave_timer.timeout.emit()
    first.controller.flush_writes()
    sid = first.controller.session_id
    kill(first)

    second = launch(qtbot)
    engines = Engines("and then tune it")
    with_voice(second, speech, engines)
    qtbot.mouseClick(second.window.resume_offer.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.controller.answering)
    assert second.controller.session_id == sid
    second.window.interview.voice.transcribe_leftover()
    box = second.window.interview.answer
    qtbot.waitUntil(lambda: "and then tune it" in box.toPlainText(), timeout=10_000)
    call = engines.made[0].calls[0]
    assert call.offset == pytest.approx(covered, abs=0.01)
    assert call.seconds == pytest.approx(wav_seconds_on_disk(path) - covered, abs=0.01)
    audio = second.window.interview.voice.audio
    assert audio is not None and audio.covered == pytest.approx(wav_seconds_on_disk(path))


def test_a_finished_recording_is_not_offered_again(qtbot: QtBot, speech: Path) -> None:
    first = launch(qtbot)
    with_voice(first, speech, Engines())
    begin(qtbot, first)
    view = first.window.interview
    assert view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    first.controller.autosave_timer.timeout.emit()
    first.controller.flush_writes()
    kill(first)

    second = launch(qtbot)
    with_voice(second, speech, Engines())
    qtbot.mouseClick(second.window.resume_offer.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: second.controller.answering)
    assert not second.window.interview.voice_bar.transcribe_button.isVisibleTo(second.window)


def test_recording_over_the_interviewer_silences_it_and_starts_the_clock(
    qtbot: QtBot, speech: Path
) -> None:
    from tests.test_speech import QUESTION, make_view
    from tests.test_speech import start as start_interview

    view, controller, _clock = make_view(qtbot)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    voice = view.voice
    voice.set_problem("")
    voice.source_factory = lambda: WavFileSource(speech)
    voice.stream_factory = lambda: (
        lambda on_update: StreamingTranscriber(
            ScriptedTranscriber(default="hello"), on_update=on_update
        )
    )
    start_interview(controller)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    speaker = view.spoken.speaker
    assert speaker is not None and speaker.busy and controller.session.answer_clock_held
    assert voice.start()
    assert not speaker.busy
    assert not controller.session.answer_clock_held and controller.clock_state().running
    voice.recorder.discard()
