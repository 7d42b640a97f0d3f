"""Questions read aloud (issue 16, item 1): sentences spoken while the turn streams, the
answer clock held until the question was said, mute, broken and missing engines.

Speech runs through Qt's own `mock` text-to-speech engine (silent, but it goes Speaking
-> Ready like a real one); the clock is a fake one, moved by hand, so nothing here
depends on how fast the machine is.
"""

from __future__ import annotations

import io
import random
import wave
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.engine import InterviewEngine, Phase
from interviewer.core.errors import InterviewerError
from interviewer.core.speech_text import (
    SentenceSplitter,
    speakable,
    speaking_cap_seconds,
    split_sentences,
)
from interviewer.gui.controller import Controller
from interviewer.gui.interview import InterviewView
from interviewer.gui.speech import (
    ProviderVoice,
    Speaker,
    SpokenInterview,
    SystemVoice,
    Voice,
    build_speaker,
    no_engine_text,
)
from interviewer.llm.openai_backend import OpenAIBackend
from interviewer.llm.scripted import ScriptedBackend
from interviewer.session import AnswerNeeded, Event, Notice, StartOptions, TurnAdded
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings
from tests.factories import follow, question, rubric, track
from tests.fake_openai_server import FakeOpenAIServer, error, raw
from tests.gui_helpers import FakeClock, quoting_grade, small_library

#: What QtMultimedia says on a machine with no sound card and no video acceleration (CI):
#: not the app's fault, and the app carries on (speech plays to nothing).
MULTIMEDIA_NOISE = [
    r"^Couldn't (load|resolve) va",
    r"^PulseAudioService: ",
    r"^No audio device",
    r"symbolsresolver|pipewire",
]
pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)

QUESTION = (
    "Welcome to the interview. Let us begin with a classic question. "
    "How would you explain overfitting to a product manager?"
)
MOCK = Settings(voice_read_aloud=True, voice_system_engine="mock")


# --------------------------------------------------------------------------- sentences


def test_sentences_come_out_as_soon_as_each_is_complete() -> None:
    splitter = SentenceSplitter()
    assert splitter.feed("Hello there") == []
    assert splitter.feed(". How would you deploy") == ["Hello there."]
    assert splitter.feed(" a model, e.g. on a GPU") == []  # "e.g." ends nothing
    assert splitter.feed(" with 3.5 GB? Take your") == [
        "How would you deploy a model, e.g. on a GPU with 3.5 GB?"
    ]
    assert splitter.finish() == ["Take your"]


def test_markdown_is_read_as_plain_words_and_list_numbers_stay_with_their_item() -> None:
    text = "Two things:\n\n1. **Bias** and `variance`.\n2. See [the docs](http://x.example)."
    assert split_sentences(text) == [
        "Two things:",
        "1. Bias and variance.",
        "2. See the docs.",
    ]
    assert speakable("Visit https://example.com now") == "Visit the link on screen now"


def test_the_wait_for_speech_grows_with_the_text_and_a_slower_voice() -> None:
    short, long = speaking_cap_seconds("One two."), speaking_cap_seconds("word " * 100)
    assert short < long
    assert speaking_cap_seconds("word " * 100, rate=-1.0) > long
    assert long >= 100 * 60 / 160  # never shorter than a normal speaking rate needs


# --------------------------------------------------------------------------- engine clock


def held_engine(clock: FakeClock) -> InterviewEngine:
    lib_track = track(limit=0, count=1)
    eng = InterviewEngine(lib_track, [question("q1", 120)], {"technical": rubric()}, clock=clock)
    eng.hold_answers = True
    eng.start()
    eng.on_interviewer_text("What is overfitting?")
    return eng


def test_the_engine_holds_the_answer_clock_until_released() -> None:
    clock = FakeClock()
    eng = held_engine(clock)
    assert eng.phase is Phase.ANSWERING and eng.held
    clock.advance(30)
    assert eng.question_seconds_left() == 120
    assert eng.tick() == []
    eng.release_answer_clock()
    clock.advance(30)
    assert eng.question_seconds_left() == 90


def test_pause_and_resume_still_work_while_the_clock_is_held() -> None:
    clock = FakeClock()
    eng = held_engine(clock)
    eng.pause()
    eng.resume()
    clock.advance(10)
    assert eng.question_seconds_left() == 120  # resuming does not start a held clock
    eng.pause()
    eng.release_answer_clock()  # said while paused: starts on resume
    clock.advance(10)
    assert eng.question_seconds_left() == 120
    eng.resume()
    clock.advance(10)
    assert eng.question_seconds_left() == 110


# --------------------------------------------------------------------------- the speaker


def mock_speaker(qtbot: QtBot) -> Speaker:
    voice = SystemVoice("mock")
    assert not voice.problem
    speaker = Speaker(voice)
    voice.setParent(speaker)
    return speaker


def test_speech_starts_on_the_first_sentence_and_finished_fires_at_the_end(
    qtbot: QtBot,
) -> None:
    speaker = mock_speaker(qtbot)
    started: list[str] = []
    speaker.sentence_started.connect(started.append)
    speaker.begin_turn()
    speaker.feed("Welcome to the")
    assert not speaker.busy
    with qtbot.waitSignal(speaker.started, timeout=5000):
        speaker.feed(" interview. Let us begin")
    assert started == ["Welcome to the interview."]  # spoken before the turn is complete
    speaker.feed(" now. How would")
    assert speaker.queued == ["Let us begin now."]
    with qtbot.waitSignal(speaker.finished, timeout=10_000):
        speaker.end_turn()
    assert speaker.spoken == [
        "Welcome to the interview.",
        "Let us begin now.",
        "How would",
    ]
    assert not speaker.busy


def test_mute_stops_speech_at_once_and_drops_the_queue(qtbot: QtBot) -> None:
    speaker = mock_speaker(qtbot)
    speaker.say(QUESTION)
    assert speaker.busy
    with qtbot.waitSignal(speaker.finished, timeout=1000):
        speaker.set_muted(True)
    assert not speaker.busy and speaker.queued == []
    assert len(speaker.spoken) == 1  # only the first sentence had begun
    speaker.say("Anything else?")
    assert not speaker.busy  # muted: nothing is queued


class HangingVoice(Voice):
    """An engine that accepts a sentence and never says it is done."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []
        self.stopped = 0

    def speak(self, text: str) -> None:
        self.said.append(text)

    def stop(self) -> None:
        self.stopped += 1


class FailingVoice(Voice):
    def speak(self, text: str) -> None:
        self.failed.emit("the engine crashed")


def test_a_failing_voice_hands_over_to_the_fallback_with_one_notice(qtbot: QtBot) -> None:
    fallback = SystemVoice("mock")
    speaker = Speaker(FailingVoice(), fallback=fallback)
    notices: list[str] = []
    speaker.notice.connect(notices.append)
    with qtbot.waitSignal(speaker.finished, timeout=10_000):
        speaker.say("First sentence. Second one.")
    assert speaker.voice is fallback
    assert len(notices) == 1 and "the engine crashed" in notices[0]
    assert "system voice" in notices[0]


def test_a_failing_voice_with_no_fallback_leaves_the_interview_in_text(qtbot: QtBot) -> None:
    speaker = Speaker(FailingVoice())
    notices: list[str] = []
    speaker.notice.connect(notices.append)
    with qtbot.waitSignal(speaker.finished, timeout=1000):
        speaker.say("First sentence.")
    assert not speaker.available
    assert "carries on in text" in notices[0]


# --------------------------------------------------------------------------- the interview


def make_view(
    qtbot: QtBot, settings: Settings = MOCK, *, follow_ups: int = 0
) -> tuple[InterviewView, Controller, FakeClock]:
    backend = ScriptedBackend(default_grade=quoting_grade, chunk_size=6)
    clock = FakeClock()
    controller = Controller(
        small_library(count=1, limit=follow_ups),
        settings,
        SecretStore(),
        backend=backend,
        clock=clock,
        rng=random.Random(0),
    )
    view = InterviewView(controller)
    qtbot.addWidget(view)
    view.show()
    return view, controller, clock


def start(controller: Controller) -> list[Event]:
    events: list[Event] = []
    controller.session.subscribe(events.append)
    assert controller.start_interview(StartOptions("t", repeat=True))
    return events


def test_speech_starts_before_the_turn_ends_and_the_clock_waits_for_it(qtbot: QtBot) -> None:
    view, controller, clock = make_view(qtbot)
    view.controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    speaker = view.spoken.speaker
    assert speaker is not None and speaker.active
    order: list[str] = []
    speaker.started.connect(lambda: order.append("speech started"))
    events = start(controller)
    controller.session.subscribe(
        lambda e: order.append("turn complete") if isinstance(e, TurnAdded) else None
    )
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert order[:2] == ["speech started", "turn complete"]
    assert any(isinstance(e, AnswerNeeded) for e in events)
    # The question is still being read: the answer clock has not started.
    assert controller.session.answer_clock_held
    assert not controller.clock_state().running
    clock.advance(40)
    controller.tick()
    assert controller.clock_state().question_left == 120
    assert "read aloud" in view.answer.placeholderText()
    with qtbot.waitSignal(speaker.finished, timeout=15_000):
        pass
    assert not controller.session.answer_clock_held
    assert controller.clock_state().running
    clock.advance(30)
    controller.tick()
    assert controller.clock_state().question_left == 90
    assert speaker.spoken == split_sentences(QUESTION)


def test_mute_releases_the_clock_and_later_questions_start_it_at_once(qtbot: QtBot) -> None:
    view, controller, clock = make_view(qtbot)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    start(controller)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert controller.session.answer_clock_held
    assert view.mute_button.isVisible() and view.mute_action.isEnabled()
    view.mute_action.trigger()  # Ctrl+M
    assert view.spoken.muted and view.mute_button.text() == "Unmute voice"
    assert view.spoken.speaker is not None and not view.spoken.speaker.busy
    assert not controller.session.answer_clock_held
    assert controller.session.hold_for_delivery is False
    clock.advance(5)
    controller.tick()
    assert controller.clock_state().question_left == 115


def test_an_engine_that_hangs_does_not_hold_the_clock_forever(qtbot: QtBot) -> None:
    voice = HangingVoice()

    def make(_settings: Settings, _synth: object) -> tuple[Speaker, str]:
        return Speaker(voice), ""

    view, controller, clock = make_view(qtbot)
    view.spoken._make_speaker = make
    view.spoken.apply_settings(MOCK, controller.backend)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    events = start(controller)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert voice.said and controller.session.answer_clock_held
    cap = speaking_cap_seconds(QUESTION)
    clock.advance(cap - 1)
    controller.tick()
    assert controller.session.answer_clock_held
    clock.advance(2)
    controller.tick()
    assert not controller.session.answer_clock_held
    assert any(isinstance(e, Notice) and "took longer" in e.text for e in events)
    clock.advance(10)
    controller.tick()
    assert controller.clock_state().question_left == 110


#: What Qt logs when the speech engine asked for is not there (the case under test).
NO_ENGINE_LOG = r"^Text-to-speech plug-in .* is not supported|^Error loading text-to-speech"


@pytest.mark.qt_log_ignore(NO_ENGINE_LOG)
def test_no_speech_engine_gives_one_notice_and_the_interview_runs_in_text(qtbot: QtBot) -> None:
    settings = Settings(voice_read_aloud=True, voice_system_engine="no-such-engine")
    view, controller, clock = make_view(qtbot, settings)
    messages: list[tuple[str, str]] = []
    controller.message.connect(lambda level, text: messages.append((level, text)))
    assert not view.spoken.available and not view.mute_button.isVisibleTo(view)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    start(controller)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    told = [text for _level, text in messages if "read aloud" in text]
    assert told == [no_engine_text("linux")] or told == [no_engine_text("win32")]
    assert "speech-dispatcher" in no_engine_text("linux")
    assert "sudo apt-get install speech-dispatcher" in no_engine_text("linux")
    assert "dnf" in no_engine_text("linux") and "pacman" in no_engine_text("linux")
    assert "system voices" in no_engine_text("darwin")
    assert not controller.session.answer_clock_held  # exactly the text interview
    clock.advance(10)
    controller.tick()
    assert controller.clock_state().question_left == 110
    view.spoken.apply_settings(settings, controller.backend)  # the same settings again
    assert [t for _l, t in messages if "read aloud" in t] == told  # told once


def test_read_aloud_off_is_exactly_the_text_interview(qtbot: QtBot) -> None:
    view, controller, clock = make_view(qtbot, Settings())
    assert view.spoken.speaker is None and not view.mute_button.isVisibleTo(view)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    start(controller)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert controller.clock_state().running
    clock.advance(10)
    controller.tick()
    assert controller.clock_state().question_left == 110


def test_a_follow_up_is_read_whole_and_holds_its_own_clock(qtbot: QtBot) -> None:
    view, controller, _clock = make_view(qtbot, follow_ups=1)
    controller.backend.enqueue_turn("What is overfitting?")  # type: ignore[attr-defined]
    controller.backend.enqueue_follow_up(follow("Can you give an example?"))  # type: ignore[attr-defined]
    start(controller)
    speaker = view.spoken.speaker
    assert speaker is not None
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    qtbot.waitUntil(lambda: not controller.session.answer_clock_held, timeout=15_000)
    assert controller.submit_answer("Fitting the noise in the training data.")
    qtbot.waitUntil(lambda: "Can you give an example?" in speaker.spoken, timeout=10_000)
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    # The follow-up came whole (not streamed): read, and its clock waited for it.
    assert speaker.busy and controller.session.answer_clock_held
    qtbot.waitUntil(lambda: not controller.session.answer_clock_held, timeout=15_000)
    assert controller.clock_state().running


# --------------------------------------------------------------------------- provider voice


def wav_bytes(seconds: float = 0.2) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16_000)
        w.writeframes(b"\0\0" * int(16_000 * seconds))
    return out.getvalue()


@pytest.fixture
def server() -> Any:
    with FakeOpenAIServer() as fake:
        yield fake


def test_the_provider_speech_endpoint_is_called_through_the_client(server: Any) -> None:
    server.routes[("POST", "/v1/audio/speech")] = raw(wav_bytes(), content_type="audio/wav")
    backend = OpenAIBackend(None, "m", base_url=server.base_url, provider_label="Speaches")
    try:
        data = backend.synthesize_speech("Hello there.", voice="nova", model="tts-1", speed=1.5)
    finally:
        backend.close()
    assert data[:4] == b"RIFF"
    sent = server.requests[-1]
    assert sent.path == "/v1/audio/speech"
    assert sent.body["input"] == "Hello there." and sent.body["voice"] == "nova"
    assert sent.body["speed"] == 1.5 and sent.body["response_format"] == "wav"


def test_a_speech_endpoint_error_is_one_of_our_errors(server: Any) -> None:
    server.routes[("POST", "/v1/audio/speech")] = error(404, "no such route")
    backend = OpenAIBackend(None, "m", base_url=server.base_url)
    try:
        with pytest.raises(InterviewerError):
            backend.synthesize_speech("Hello there.")
    finally:
        backend.close()


def test_provider_audio_is_played_sentence_by_sentence(qtbot: QtBot, server: Any) -> None:
    server.routes[("POST", "/v1/audio/speech")] = raw(wav_bytes(), content_type="audio/wav")
    backend = OpenAIBackend(None, "m", base_url=server.base_url)
    settings = Settings(
        voice_read_aloud=True, voice_speech_engine="provider", voice_system_engine="mock"
    )
    from interviewer.gui.speech import provider_synthesizer

    synth = provider_synthesizer(backend, settings)
    assert synth is not None
    speaker, notice = build_speaker(settings, synth)
    assert notice == "" and isinstance(speaker.voice, ProviderVoice)
    notices: list[str] = []
    speaker.notice.connect(notices.append)
    with qtbot.waitSignal(speaker.finished, timeout=20_000):
        speaker.say("First sentence. Second sentence.")
    assert speaker.spoken == ["First sentence.", "Second sentence."]
    assert notices == [] and isinstance(speaker.voice, ProviderVoice)
    backend.close()


def provider_speaker(server: Any) -> tuple[Speaker, OpenAIBackend, list[str]]:
    """A speaker with the fake server's voice, the system's mock voice to fall back on,
    and the notices it gives."""
    from interviewer.gui.speech import provider_synthesizer

    backend = OpenAIBackend(None, "m", base_url=server.base_url)
    settings = Settings(
        voice_read_aloud=True, voice_speech_engine="provider", voice_system_engine="mock"
    )
    speaker, _ = build_speaker(settings, provider_synthesizer(backend, settings))
    notices: list[str] = []
    speaker.notice.connect(notices.append)
    return speaker, backend, notices


def test_a_provider_voice_that_fails_falls_back_to_the_system_voice(
    qtbot: QtBot, server: Any
) -> None:
    server.routes[("POST", "/v1/audio/speech")] = error(500, "speech is down")
    speaker, backend, notices = provider_speaker(server)
    with qtbot.waitSignal(speaker.finished, timeout=20_000):
        speaker.say("Only sentence.")
    assert isinstance(speaker.voice, SystemVoice)
    assert len(notices) == 1 and "system voice" in notices[0]
    assert speaker.spoken == ["Only sentence.", "Only sentence."]  # said again, by the system
    backend.close()


def test_a_provider_voice_that_cannot_play_here_falls_back_at_once(
    qtbot: QtBot, server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Qt's media plugin (a system library missing: libXrandr on a fresh Debian)
    every player is "Not available" and plays nothing, without an error: the system
    voice reads at once, the notice says why, and no sentence is fetched for nothing."""
    server.routes[("POST", "/v1/audio/speech")] = raw(wav_bytes(), content_type="audio/wav")
    monkeypatch.setattr(ProviderVoice, "playable", property(lambda self: False))
    speaker, backend, notices = provider_speaker(server)
    with qtbot.waitSignal(speaker.finished, timeout=20_000):
        speaker.say("First sentence. Second sentence.")
    assert isinstance(speaker.voice, SystemVoice)
    assert len(notices) == 1
    assert "media plugin" in notices[0] and "interviewer.syslibs" in notices[0]
    assert speaker.spoken == ["First sentence.", "First sentence.", "Second sentence."]
    assert [r for r in server.requests if r.path == "/v1/audio/speech"] == []
    backend.close()


def test_provider_chosen_without_a_speech_endpoint_says_so() -> None:
    settings = Settings(
        voice_read_aloud=True, voice_speech_engine="provider", voice_system_engine="mock"
    )
    speaker, notice = build_speaker(settings, None)
    assert isinstance(speaker.voice, SystemVoice)
    assert "no speech endpoint" in notice


def test_spoken_interview_needs_no_window(qtbot: QtBot) -> None:
    """The adapter runs on a session alone (no view), as a front end would use it."""
    _view, controller, _clock = make_view(qtbot, Settings())
    spoken = SpokenInterview(controller.session, MOCK)
    assert spoken.reading and controller.session.hold_for_delivery
    spoken.set_muted(True)
    assert not controller.session.hold_for_delivery


def test_answering_before_the_question_is_read_stops_the_voice(qtbot: QtBot) -> None:
    view, controller, _clock = make_view(qtbot)
    controller.backend.enqueue_turn(QUESTION)  # type: ignore[attr-defined]
    start(controller)
    speaker = view.spoken.speaker
    assert speaker is not None
    qtbot.waitUntil(lambda: controller.answering, timeout=10_000)
    assert speaker.busy and controller.session.answer_clock_held
    spoken_so_far = list(speaker.spoken)
    assert controller.submit_answer("Fitting noise instead of signal.")
    assert not speaker.busy and speaker.queued == []
    assert speaker.spoken == spoken_so_far  # nothing more of that question is said
    assert len(spoken_so_far) < len(split_sentences(QUESTION))


def test_test_voice_uses_the_server_shown_in_the_dialog(qtbot: QtBot, server: Any) -> None:
    from interviewer.gui.settings_dialog import SettingsDialog

    server.routes[("POST", "/v1/audio/speech")] = raw(wav_bytes(), content_type="audio/wav")
    settings = Settings(
        provider="custom",
        base_url=server.base_url,
        model="m",
        voice_read_aloud=True,
        voice_speech_engine="provider",
        voice_provider_voice="nova",
        voice_system_engine="mock",
    )
    dialog = SettingsDialog(settings, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.tabs.setCurrentWidget(dialog.voice_page)
    dialog.voice_page.test_button.click()
    speaker = dialog.voice_page.test_speaker
    assert speaker is not None and isinstance(speaker.voice, ProviderVoice)
    with qtbot.waitSignal(speaker.finished, timeout=30_000):
        pass
    spoken = [r.body for r in server.requests if r.path == "/v1/audio/speech"]
    # Each sentence is fetched while the one before plays, so the server may see the
    # requests in either order; every sentence said was fetched from it, once.
    assert sorted(b["input"] for b in spoken) == sorted(speaker.spoken)
    assert all(b["voice"] == "nova" for b in spoken)
    assert isinstance(speaker.voice, ProviderVoice)  # no fallback was needed
