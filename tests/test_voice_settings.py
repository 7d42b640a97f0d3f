"""The voice settings (issue 16): fields that persist and are checked, the page in the
Settings dialog, and the plain words that say where recorded answers go."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from interviewer.core.errors import ConfigError
from interviewer.gui.settings_dialog import SettingsDialog
from interviewer.gui.speech import no_engine_text
from interviewer.gui.voice_settings import TEST_SENTENCE
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import (
    VOICE_FIELDS,
    Settings,
    audio_destination,
    load_settings,
    save_settings,
    voice_problem,
)

#: QtMultimedia on a machine with no sound card or video acceleration (listing the
#: microphones starts it): not the app's fault.
MULTIMEDIA_NOISE = [
    r"^Couldn't (load|resolve) va",
    r"^PulseAudioService: ",
    r"^No audio device",
    r"symbolsresolver|pipewire",
    # The default speech engine (speech-dispatcher) is not installed on CI.
    r"^Text-to-speech plug-in .* is not supported|^Error loading text-to-speech|^No engine set",
]
pytestmark = pytest.mark.qt_log_ignore(*MULTIMEDIA_NOISE)


# --------------------------------------------------------------------------- the fields


def test_every_voice_field_is_documented_and_defaults_to_no_sound() -> None:
    fields = {name for name in Settings.model_fields if name.startswith("voice_")}
    assert fields == set(VOICE_FIELDS)
    s = Settings()
    assert s.voice_read_aloud is False  # nothing is spoken unless asked for
    assert s.voice_transcription == "local" and s.voice_model == "tiny.en"
    assert s.voice_speech_engine == "system" and s.voice_microphone == ""


def test_voice_fields_survive_a_save_and_a_load(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    chosen = Settings(
        voice_read_aloud=True,
        voice_speech_engine="provider",
        voice_system_engine="flite",
        voice_name="kal16",
        voice_rate=-0.3,
        voice_volume=0.6,
        voice_provider_voice="nova",
        voice_provider_model="gpt-4o-mini-tts",
        voice_microphone="alsa_input.usb-mic",
        voice_transcription="provider",
        voice_model=str(tmp_path / "whisper-small"),
        voice_transcription_model="whisper-1",
    )
    save_settings(chosen, path)
    loaded = load_settings(path)
    assert {k: getattr(loaded, k) for k in VOICE_FIELDS} == {
        k: getattr(chosen, k) for k in VOICE_FIELDS
    }


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("voice_rate", 2, "voice_rate"),
        ("voice_volume", -0.1, "voice_volume"),
        ("voice_speech_engine", "cloud", "voice_speech_engine"),
        ("voice_transcription", "magic", "voice_transcription"),
        ("voice_model", "huge.en", "tiny.en, base.en, small.en"),
        ("voice_model", "models/relative", "full path of a model folder"),
    ],
)
def test_a_bad_voice_value_is_named_in_the_error(
    tmp_path: Path, field: str, value: object, said: str
) -> None:
    path = tmp_path / "settings.json"
    path.write_text(f'{{"{field}": {value!r}}}'.replace("'", '"'), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert field in str(info.value) and said in str(info.value)


def test_a_model_folder_that_is_not_there_is_a_problem(tmp_path: Path) -> None:
    missing = Settings(voice_model=str(tmp_path / "nope"))
    assert "does not exist" in voice_problem(missing)
    (tmp_path / "there").mkdir()
    assert voice_problem(Settings(voice_model=str(tmp_path / "there"))) == ""
    assert voice_problem(Settings()) == ""
    offline = Settings(provider="offline", voice_transcription="provider")
    assert "offline coach has no server" in voice_problem(offline)


# --------------------------------------------------------------------------- where audio goes


@pytest.mark.parametrize(
    ("settings", "words"),
    [
        (Settings(), "Audio stays on this computer"),
        (
            Settings(voice_transcription="provider", provider="openai"),
            "Your recorded answers are sent to api.openai.com for transcription.",
        ),
        (
            Settings(voice_transcription="provider", provider="ollama"),
            "sent to 127.0.0.1:11434 (a server on this computer) for transcription",
        ),
        (
            Settings(
                voice_transcription="provider",
                provider="custom",
                base_url="http://192.168.1.20:8000/v1",
            ),
            "sent to 192.168.1.20:8000 (a computer on your own network)",
        ),
        (
            Settings(
                voice_transcription="provider",
                provider="custom",
                base_url="https://speech.example.com/v1",
            ),
            "sent to speech.example.com for transcription",
        ),
        (
            Settings(voice_transcription="provider", provider="offline"),
            "nowhere to send audio",
        ),
    ],
)
def test_where_audio_goes_in_plain_words(settings: Settings, words: str) -> None:
    assert words in audio_destination(settings)


def test_local_transcription_names_the_model() -> None:
    text = audio_destination(Settings(voice_model="base.en"))
    assert text.startswith("Audio stays on this computer") and "base.en" in text


# --------------------------------------------------------------------------- the page


def dialog(qtbot: QtBot, settings: Settings) -> SettingsDialog:
    d = SettingsDialog(settings, SecretStore())
    qtbot.addWidget(d)
    d.show()
    d.tabs.setCurrentWidget(d.voice_page)
    return d


def test_the_voice_page_saves_its_values(qtbot: QtBot) -> None:
    d = dialog(qtbot, Settings(provider="offline"))
    page = d.voice_page
    assert d.tabs.tabText(d.tabs.indexOf(page)) == "Voice"
    page.read_aloud_check.setChecked(True)
    page.rate_slider.setValue(-5)
    page.volume_slider.setValue(40)
    page.model_combo.setEditText("base.en")
    assert page.rate_label.text() == "Slower (-0.5)" and page.volume_label.text() == "40 %"
    with qtbot.waitSignal(d.settings_saved) as saved:
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    new: Settings = saved.args[0]
    assert new.voice_read_aloud is True
    assert new.voice_rate == -0.5 and new.voice_volume == 0.4
    assert new.voice_model == "base.en"
    assert new.voice_microphone == ""  # the system default (no microphone on CI)


def test_the_page_says_where_audio_goes_as_choices_change(qtbot: QtBot) -> None:
    d = dialog(qtbot, Settings(provider="openai"))
    page = d.voice_page
    assert page.destination_text().startswith("Audio stays on this computer")
    page.transcription_combo.setCurrentIndex(page.transcription_combo.findData("provider"))
    assert "sent to api.openai.com" in page.destination_text()
    assert not page.model_combo.isVisibleTo(page)
    d.provider_combo.setCurrentIndex(d.provider_combo.findData("ollama"))
    page.transcription_combo.setCurrentIndex(page.transcription_combo.findData("local"))
    page.transcription_combo.setCurrentIndex(page.transcription_combo.findData("provider"))
    assert "127.0.0.1:11434 (a server on this computer)" in page.destination_text()


def test_a_bad_model_choice_keeps_the_dialog_open_and_says_why(qtbot: QtBot) -> None:
    d = dialog(qtbot, Settings(provider="offline"))
    page = d.voice_page
    page.model_combo.setEditText("enormous")
    with qtbot.assertNotEmitted(d.settings_saved):
        qtbot.mouseClick(d.ok_button, Qt.MouseButton.LeftButton)
    assert d.isVisible() and d.tabs.currentWidget() is page
    assert "tiny.en, base.en, small.en" in page.test_status.text()


def test_test_voice_speaks_with_the_chosen_engine(qtbot: QtBot) -> None:
    d = dialog(qtbot, Settings(provider="offline", voice_system_engine="mock"))
    page = d.voice_page
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    speaker = page.test_speaker
    assert speaker is not None and speaker.available
    assert page.test_status.text() == "Speaking…"
    with qtbot.waitSignal(speaker.finished, timeout=30_000):
        pass
    assert speaker.spoken and " ".join(speaker.spoken) == TEST_SENTENCE
    assert page.test_status.text() == ""


def test_test_voice_with_no_engine_says_what_to_install(qtbot: QtBot) -> None:
    d = dialog(qtbot, Settings(provider="offline", voice_system_engine="no-such-engine"))
    page = d.voice_page
    qtbot.mouseClick(page.test_button, Qt.MouseButton.LeftButton)
    assert page.test_status.text() == no_engine_text()
