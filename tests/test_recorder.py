"""Spoken answers in the window: a WAV fed through the microphone's code path.

There is no sound card on CI, so a `WavFileSource` stands in for the microphone: the
recorder polls it exactly as it polls Qt's QAudioSource, and everything after the read
(conversion to 16 kHz mono, the WAV written as it arrives, the level meter, the
streaming transcriber on its worker, the answer box) is the code the microphone uses.
Speech is made by espeak-ng at test time; most tests use `ScriptedStream`, a streaming
transcriber that says one word of a script per 0.25 s of audio it is fed; one test runs
the real tiny.en engine.
"""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import threading
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.core.models import Turn
from interviewer.gui.interview import InterviewView
from interviewer.gui.recorder import (
    AudioFormat,
    PcmConverter,
    Recorder,
    WavFileSource,
    levels,
    meter_value,
)
from interviewer.gui.voice_answer import merge_spoken
from interviewer.llm.scripted import ScriptedBackend
from interviewer.voice.base import SAMPLE_RATE, Transcript, Word
from interviewer.voice.wav import WavWriter, read_wav
from tests.gui_helpers import App, make_app, quoting_grade, start

SPOKEN = "I would split the data before fitting the scaler, then check the held out set."
MAIN_THREAD = threading.main_thread().name
#: Seconds of audio per word the scripted stream hears.
WORD_SECONDS = 0.25


def wav_length(path: Path) -> float:
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def espeak(path: Path, text: str) -> Path:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    subprocess.run(["espeak-ng", "-w", str(path), text], check=True, capture_output=True)
    return path


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 5 s of speech at 22,050 Hz (espeak-ng's rate): the recorder must convert."""
    return espeak(tmp_path_factory.mktemp("speech") / "answer.wav", SPOKEN)


class ScriptedStream:
    """A streaming transcriber with a script: one word per WORD_SECONDS of audio fed."""

    def __init__(self, on_partial: Callable[[str], None], script: list[str]) -> None:
        self.on_partial = on_partial
        self.script = script
        self.seconds = 0.0
        self.said = 0
        self.threads: set[str] = set()
        self.finished = False
        self.cancelled = False

    def feed(self, pcm: bytes) -> None:
        self.threads.add(threading.current_thread().name)
        self.seconds += len(pcm) / (2 * SAMPLE_RATE)
        n = min(len(self.script), int(self.seconds / WORD_SECONDS))
        if n != self.said:
            self.said = n
            self.on_partial(" ".join(self.script[:n]))

    def cancel(self) -> None:
        self.cancelled = True

    def finish(self, timeout: float | None = None) -> Transcript:
        self.threads.add(threading.current_thread().name)
        self.finished = True
        n = min(len(self.script), int(self.seconds / WORD_SECONDS) + 1)  # the last phrase
        words = tuple(
            Word(w, i * WORD_SECONDS, (i + 1) * WORD_SECONDS) for i, w in enumerate(self.script[:n])
        )
        return Transcript(" ".join(self.script[:n]), self.seconds, words, engine="scripted")


class Streams:
    """Makes a ScriptedStream per recording and keeps them for the test to look at."""

    def __init__(self, script: str = SPOKEN) -> None:
        self.script = script.split()
        self.made: list[ScriptedStream] = []

    def __call__(self) -> Callable[[Callable[[str], None]], ScriptedStream]:
        def make(on_partial: Callable[[str], None]) -> ScriptedStream:
            stream = ScriptedStream(on_partial, self.script)
            self.made.append(stream)
            return stream

        return make


# ---------------------------------------------------------------------------- pieces


def test_converter_turns_22khz_into_16khz_mono_without_seams(speech: Path) -> None:
    with wave.open(str(speech)) as w:
        rate, frames = w.getframerate(), w.readframes(w.getnframes())
    conv = PcmConverter(AudioFormat(rate, 1, "int16"))
    # In odd-sized chunks (half a frame at times), as a device delivers them.
    out = b"".join(conv.convert(frames[i : i + 3333]) for i in range(0, len(frames), 3333))
    whole = PcmConverter(AudioFormat(rate, 1, "int16")).convert(frames)
    expected = len(frames) // 2 * SAMPLE_RATE / rate
    assert abs(len(out) // 2 - expected) <= 2
    assert abs(len(out) - len(whole)) <= 4
    assert levels(out)[0] == pytest.approx(levels(whole)[0], rel=0.01)


def test_converter_mixes_stereo_float_down() -> None:
    import numpy as np

    t = np.arange(SAMPLE_RATE) / SAMPLE_RATE
    left = 0.5 * np.sin(2 * np.pi * 440 * t)
    stereo = np.stack([left, left], axis=1).astype("<f4").tobytes()
    out = PcmConverter(AudioFormat(SAMPLE_RATE, 2, "float32")).convert(stereo)
    assert len(out) == SAMPLE_RATE * 2
    rms, peak = levels(out)
    assert peak == pytest.approx(0.5, abs=0.01)
    assert rms == pytest.approx(0.5 / 2**0.5, abs=0.01)


def test_meter_is_in_decibels() -> None:
    assert meter_value(0.0) == 0.0
    assert meter_value(1.0) == 1.0
    assert meter_value(0.001) == pytest.approx(0.0, abs=1e-9)  # -60 dBFS
    assert meter_value(0.0316) == pytest.approx(0.5, abs=0.01)  # -30 dBFS


def test_merge_spoken_replaces_the_autosaved_beginning() -> None:
    draft = "My plan. I would split the data before"
    assert merge_spoken(draft, SPOKEN) == f"My plan. {SPOKEN}"
    assert merge_spoken("", SPOKEN) == SPOKEN
    assert merge_spoken("Typed first.", "Then spoken.") == "Typed first. Then spoken."


# ---------------------------------------------------------------------------- the recorder


def test_recorder_writes_the_file_as_it_goes_and_transcribes_off_the_gui_thread(
    qtbot: QtBot, speech: Path, tmp_path: Path
) -> None:
    recorder = Recorder(interval_ms=1)
    streams = Streams()
    target = tmp_path / "audio" / "q1-0.wav"
    partials: list[str] = []
    rms_seen: list[float] = []
    recorder.partial.connect(partials.append)
    recorder.level.connect(lambda rms, _peak: rms_seen.append(rms))
    recorder.start(WavFileSource(speech), WavWriter(target), streams())
    assert recorder.recording

    # Half way through, the file on disk is a valid WAV holding what was said so far.
    qtbot.waitUntil(lambda: recorder.seconds >= 2.0)
    so_far = read_wav(target)
    assert 1.0 <= len(so_far) / (2 * SAMPLE_RATE) < wav_length(speech) - 0.5
    assert recorder.recording

    with qtbot.waitSignal(recorder.finished, timeout=10_000) as done:
        pass  # the file source runs out: the recorder stops by itself
    transcript = done.args[0]
    assert not recorder.recording and not recorder.finishing
    seconds = len(read_wav(target)) / (2 * SAMPLE_RATE)
    assert seconds == pytest.approx(wav_length(speech), abs=0.01)
    assert transcript.duration_seconds == pytest.approx(seconds, abs=0.01)
    # The transcript grew while the audio came in, one phrase at a time.
    assert partials[0] == "I" and len(partials) > 5
    assert all(b.startswith(a) for a, b in itertools.pairwise(partials))
    # The meter moved: speech is louder than -40 dBFS somewhere, silence is not.
    assert max(rms_seen) > 0.01
    stream = streams.made[0]
    assert stream.finished and MAIN_THREAD not in stream.threads


def test_a_stopped_recording_delivers_nothing_late_after_discard(
    qtbot: QtBot, speech: Path, tmp_path: Path
) -> None:
    recorder = Recorder(interval_ms=1)
    got: list[object] = []
    recorder.finished.connect(got.append)
    recorder.partial.connect(got.append)
    streams = Streams()
    recorder.start(WavFileSource(speech), WavWriter(tmp_path / "a.wav"), streams())
    qtbot.waitUntil(lambda: recorder.seconds >= 1.0)
    recorder.discard()
    recorder.wait(5000)
    count = len(got)
    qtbot.wait(50)
    assert len(got) == count
    assert not recorder.recording
    assert streams.made[0].cancelled


# ---------------------------------------------------------------------------- the window


def answered(app: App) -> bool:
    """The first question's answer is in (the next question may already be open)."""
    engine = app.controller.engine
    return engine is not None and any(t.role == "candidate" for t in engine.records[0].turns)


def first_answer(app: App) -> Turn:
    engine = app.controller.engine
    assert engine is not None
    return next(t for t in engine.records[0].turns if t.role == "candidate")


def first_question(app: App) -> str:
    engine = app.controller.engine
    assert engine is not None
    return engine.records[0].question.id


def voice_app(
    qtbot: QtBot, speech: Path, *, script: str = SPOKEN, seconds: int = 120
) -> tuple[App, InterviewView, Streams]:
    from tests.gui_helpers import small_library

    backend = ScriptedBackend(default_grade=quoting_grade)
    backend.enqueue_turn("First: how do you scale features?", "Second question.", "Bye.")
    app = make_app(qtbot, backend, library=small_library(limit=0, seconds=seconds))
    view = app.window.interview
    streams = Streams(script)
    voice = view.voice
    voice.set_problem("")  # no microphone here: the file source stands in for it
    voice.source_factory = lambda: WavFileSource(speech, chunk_ms=100)
    voice.stream_factory = streams
    voice.recorder._timer.setInterval(5)
    start(qtbot, app)
    qtbot.waitUntil(lambda: app.controller.answering)
    return app, view, streams


def test_spoken_answer_appears_in_the_box_after_what_was_typed_and_can_be_edited(
    qtbot: QtBot, speech: Path
) -> None:
    app, view, _streams = voice_app(qtbot, speech)
    qtbot.keyClicks(view.answer, "Typed first.")
    assert view.voice_bar.record_button.isEnabled()
    qtbot.mouseClick(view.voice_bar.record_button, Qt.MouseButton.LeftButton)
    assert view.voice.recorder.recording
    assert view.voice_bar.record_button.text().endswith("Stop")
    # The transcript grows in the box while the candidate speaks, after the typed text.
    qtbot.waitUntil(lambda: "I would split" in view.answer.toPlainText())
    assert view.answer.toPlainText().startswith("Typed first. I would split")
    assert view.voice_bar.meter.value > 0 or view.voice_bar.meter.peak > 0
    assert view.voice_bar.time_label.text() != "0:00"
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    assert view.answer.toPlainText() == f"Typed first. {SPOKEN}"
    # The candidate corrects a word, then submits.
    text = view.answer.toPlainText().replace("held out", "held-out")
    view.answer.setPlainText(text)
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: answered(app))
    turn = first_answer(app)
    assert turn.text == text
    qid = first_question(app)
    assert turn.audio == f"{qid}-0.wav"
    assert turn.voice is not None and turn.voice.words == len(SPOKEN.split())
    assert turn.voice.speaking_rate_wpm is not None
    sid = app.controller.session_id
    assert sid is not None
    folder = view.voice.audio_folder(sid)
    assert folder is not None
    wav = folder / f"{qid}-0.wav"
    assert len(read_wav(wav)) / (2 * SAMPLE_RATE) == pytest.approx(wav_length(speech), abs=0.01)
    assert not Path(str(wav) + ".json").exists()  # the transcript is in the turn now


def test_stop_and_submit_sends_the_last_phrase(qtbot: QtBot, speech: Path) -> None:
    app, view, streams = voice_app(qtbot, speech)
    view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 1.0)
    view.voice.stop_and_submit()
    qtbot.waitUntil(lambda: answered(app), timeout=10_000)
    turn = first_answer(app)
    said = streams.made[0].seconds
    # Everything heard, including the phrase still being transcribed when Stop was pressed.
    assert turn.text.split() == SPOKEN.split()[: int(said / WORD_SECONDS) + 1]
    assert turn.voice is not None


def test_clock_running_out_while_speaking_submits_what_was_said(qtbot: QtBot, speech: Path) -> None:
    app, view, streams = voice_app(qtbot, speech, seconds=60)
    qtbot.keyClicks(view.answer, "Typed.")
    view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 2.0)
    app.clock.advance(61)
    app.controller.tick()
    qtbot.waitUntil(lambda: answered(app), timeout=10_000)
    turn = first_answer(app)
    assert turn.timed_out
    said = streams.made[0].seconds
    expected = " ".join(SPOKEN.split()[: int(said / WORD_SECONDS) + 1])
    assert turn.text == f"Typed. {expected}"
    qid = first_question(app)
    assert turn.voice is not None and turn.audio == f"{qid}-0.wav"


def test_pause_stops_recording(qtbot: QtBot, speech: Path) -> None:
    app, view, _streams = voice_app(qtbot, speech)
    view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 0.5)
    view.pause_action.trigger()
    assert app.controller.paused
    assert not view.voice.recorder.recording
    assert not view.voice_bar.record_button.isEnabled()
    qtbot.waitUntil(lambda: not view.voice.busy)
    view.pause_action.trigger()
    assert view.voice_bar.record_button.isEnabled()
    assert view.answer.toPlainText().startswith("I would")


def test_no_microphone_disables_the_button_and_says_why(qtbot: QtBot, speech: Path) -> None:
    _app, view, _ = voice_app(qtbot, speech)
    view.voice.set_problem(None)  # ask the machine: this one has no sound card
    button = view.voice_bar.record_button
    assert not button.isEnabled()
    assert "microphone" in button.toolTip().lower() or "install" in button.toolTip()
    assert view.voice_bar.status.text()  # said on screen too, not only in the tooltip
    view.voice.record_action.trigger()
    assert not view.voice.recorder.recording
    view.voice.set_problem("")  # a microphone was plugged in and Settings applied
    assert button.isEnabled() and not view.voice_bar.status.text()


def test_keep_recordings_off_deletes_the_file_once_the_turn_has_the_transcript(
    qtbot: QtBot, speech: Path
) -> None:
    app, view, _ = voice_app(qtbot, speech)
    app.controller.settings = app.controller.settings.model_copy(update={"keep_recordings": False})
    view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    assert view.voice.audio is not None
    wav = view.voice.audio.path
    assert wav.exists()
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: answered(app))
    turn = first_answer(app)
    assert turn.text == SPOKEN and turn.audio is None and turn.voice is not None
    assert not wav.exists()


def test_the_real_streaming_transcriber_cuts_phrases_off_the_gui_thread(
    qtbot: QtBot, speech: Path
) -> None:
    from interviewer.voice.scripted import ScriptedTranscriber
    from interviewer.voice.streaming import StreamingTranscriber

    engine = ScriptedTranscriber(default="phrase")
    _app, view, _ = voice_app(qtbot, speech)
    view.voice.stream_factory = lambda: (
        lambda on_update: StreamingTranscriber(engine, on_update=on_update)
    )
    assert view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    phrases = len(engine.calls)
    assert phrases >= 1
    assert view.answer.toPlainText() == " ".join(["phrase"] * phrases)
    # Every phrase's offset is where it starts in the answer; together they span it.
    assert [c.offset for c in engine.calls] == sorted(c.offset for c in engine.calls)
    assert engine.calls[-1].offset < wav_length(speech)


def test_real_tiny_en_model_transcribes_a_spoken_answer_in_the_window(
    qtbot: QtBot, speech: Path
) -> None:
    pytest.importorskip(
        "faster_whisper",
        reason="faster-whisper is not installed (pip install 'interviewer[voice]')",
    )
    from interviewer.voice.local import LocalWhisper
    from interviewer.voice.streaming import StreamingTranscriber

    engine = LocalWhisper("tiny.en", cpu_threads=2)
    app, view, _ = voice_app(qtbot, speech)
    view.voice.stream_factory = lambda: (
        lambda on_update: StreamingTranscriber(engine, on_update=on_update)
    )
    assert view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=120_000)
    heard = set(re.findall(r"[a-z]+", view.answer.toPlainText().lower()))
    assert {"split", "before", "fitting", "check"} <= heard, view.answer.toPlainText()
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: answered(app))
    turn = first_answer(app)
    assert turn.voice is not None and turn.voice.words >= 10
    assert turn.voice.speaking_rate_wpm is not None


def test_push_to_talk_records_while_the_key_is_held(qtbot: QtBot, speech: Path) -> None:
    _app, view, _ = voice_app(qtbot, speech)
    window = view.window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    view.answer.setFocus()
    qtbot.keyPress(view.answer, Qt.Key.Key_F9)
    assert view.voice.recorder.recording
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 1.0)
    qtbot.keyRelease(view.answer, Qt.Key.Key_F9)
    assert not view.voice.recorder.recording
    qtbot.waitUntil(lambda: not view.voice.busy)
    assert view.answer.toPlainText().startswith("I would")


def test_clock_running_out_after_speaking_keeps_the_voice(qtbot: QtBot, speech: Path) -> None:
    app, view, _ = voice_app(qtbot, speech, seconds=60)
    view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    app.clock.advance(61)
    app.controller.tick()
    qtbot.waitUntil(lambda: answered(app))
    turn = first_answer(app)
    assert turn.timed_out and turn.text == SPOKEN and turn.voice is not None


def test_ending_the_interview_while_speaking_keeps_the_last_phrase(
    qtbot: QtBot, speech: Path
) -> None:
    app, view, streams = voice_app(qtbot, speech)
    view.voice.start()
    qtbot.waitUntil(lambda: view.voice.recorder.seconds >= 1.0)
    view.end_action.trigger()  # the test's confirmation says yes
    qtbot.waitUntil(lambda: answered(app), timeout=10_000)
    turn = first_answer(app)
    said = streams.made[0].seconds
    assert turn.text.split() == SPOKEN.split()[: int(said / WORD_SECONDS) + 1]


def test_the_microphone_source_says_when_there_is_no_microphone(qtbot: QtBot) -> None:
    from interviewer.gui.recorder import MicrophoneSource, audio_inputs
    from interviewer.voice.base import VoiceError

    if audio_inputs():
        pytest.skip("this machine has a microphone")
    with pytest.raises(VoiceError, match="No microphone was found"):
        MicrophoneSource().open()


def test_a_missing_model_folder_disables_record_with_the_reason(
    qtbot: QtBot, speech: Path, tmp_path: Path
) -> None:
    from interviewer.gui.voice_answer import engine_problem
    from interviewer.storage.settings import Settings

    missing = tmp_path / "no-such-model"
    problem = engine_problem(Settings(voice_model=str(missing)))
    assert str(missing) in problem
    _app, view, _ = voice_app(qtbot, speech)
    view.voice.set_problem(problem)
    assert not view.voice_bar.record_button.isEnabled()
    assert str(missing) in view.voice_bar.record_button.toolTip()


def test_editing_the_spoken_text_while_speaking_keeps_the_edit(qtbot: QtBot, speech: Path) -> None:
    _app, view, _ = voice_app(qtbot, speech)
    voice = view.voice
    voice.recorder._timer.setInterval(40)  # slower, so there is time to edit mid-answer
    assert voice.start()
    qtbot.waitUntil(lambda: len(view.answer.toPlainText().split()) >= 3)
    assert voice.recorder.recording
    # The candidate fixes the second word while still talking.
    text = view.answer.toPlainText()
    cursor = view.answer.textCursor()
    start = text.index("would")
    cursor.setPosition(start)
    cursor.setPosition(start + len("would"), cursor.MoveMode.KeepAnchor)
    cursor.insertText("WOULD")
    qtbot.waitUntil(lambda: not voice.busy, timeout=10_000)
    # The edit stands, the rest of the answer follows it, nothing is said twice.
    assert view.answer.toPlainText() == SPOKEN.replace("would", "WOULD", 1)


def test_a_spoken_answer_reaches_the_grade_with_its_voice_delivery(
    qtbot: QtBot, speech: Path
) -> None:
    app, view, _ = voice_app(qtbot, speech)
    assert view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    view.voice.stop_and_submit()
    qtbot.waitUntil(lambda: answered(app))
    qtbot.waitUntil(lambda: app.controller.answering)  # the second question
    view.answer.setPlainText("Typed: standardise with the training mean and deviation.")
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: app.controller.results is not None, timeout=20_000)
    results = app.controller.results
    assert results is not None
    spoken, typed = results.records
    assert spoken.grade is not None and spoken.grade.delivery is not None
    voice = spoken.grade.delivery.voice
    assert voice is not None and voice.words == len(SPOKEN.split())
    assert typed.grade is not None and typed.grade.delivery is not None
    assert typed.grade.delivery.voice is None


def test_recordings_go_where_the_store_in_use_keeps_the_session(qtbot: QtBot, speech: Path) -> None:
    from interviewer.storage.paths import app_paths

    app, view, _ = voice_app(qtbot, speech)  # the store is in memory, as after a fallback
    view.voice.start()
    qtbot.waitUntil(lambda: not view.voice.busy, timeout=10_000)
    assert view.voice.audio is not None
    wav = view.voice.audio.path
    view.submit_action.trigger()
    qtbot.waitUntil(lambda: answered(app))
    sid = app.controller.session_id
    assert sid is not None
    folder = app.controller.store.session_dir(sid)
    assert folder is not None and wav == folder / first_answer(app).audio  # type: ignore[operator]
    assert wav.exists() and app_paths().data_dir not in wav.parents
    # The feedback screen looks the recording up through the same store.
    assert app.window._audio_dir(sid) == folder
