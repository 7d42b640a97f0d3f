"""The Voice page of Settings (issue 16): questions read aloud, and spoken answers.

One form: read questions aloud (on/off), the speech engine (this computer's voices or
the model server's `/v1/audio/speech`), the system engine and voice, rate and volume, a
"Test voice" button; then the microphone, the transcription engine (faster-whisper on
this computer, or the model server's `/v1/audio/transcriptions`), the local model size
or folder, and one line in plain words saying where recorded answers go
(`storage.settings.audio_destination`). The page edits values only; the dialog saves
them with the rest (`values()` gives the voice_* fields, `problem()` what stops them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from interviewer.gui import style
from interviewer.gui.speech import (
    Speaker,
    SystemVoice,
    build_speaker,
    no_engine_text,
    system_engines,
)
from interviewer.storage.settings import (
    SPEECH_ENGINE_CHOICES,
    TRANSCRIPTION_CHOICES,
    VOICE_MODEL_SIZES,
    Settings,
    audio_destination,
    voice_problem,
)

#: What "Test voice" says.
TEST_SENTENCE = (
    "Hello, I am your interviewer. This is how my questions will sound. "
    "Tell me about a model you took to production."
)
#: The slider positions of the rate (-1..1 in tenths) and volume (0..100 %).
RATE_STEPS = 10


def microphones() -> list[tuple[str, str]]:
    """(id as text, description) of every audio input Qt finds (none on a CI machine)."""
    from PySide6.QtMultimedia import QMediaDevices

    out = []
    for device in QMediaDevices.audioInputs():
        raw = bytes(device.id().data())
        out.append((raw.decode("utf-8", "replace"), device.description()))
    return out


def _rate_text(value: int) -> str:
    if value == 0:
        return "Normal"
    return f"{'Faster' if value > 0 else 'Slower'} ({value / RATE_STEPS:+.1f})"


class VoicePage(QWidget):
    """Edits the voice_* settings. `server()` returns the dialog's provider and base URL
    as they stand (for the where-audio-goes line); `synthesizer()` a plain function that
    reads a sentence with the server's voice (for "Test voice"), or None."""

    def __init__(
        self,
        settings: Settings,
        *,
        server: Callable[[], tuple[str, str]] = lambda: ("offline", ""),
        synthesizer: Callable[[], Callable[[str], bytes] | None] = lambda: None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setAccessibleName("Voice settings")
        self._settings = settings
        self._server = server
        self._synthesizer = synthesizer
        self.test_speaker: Speaker | None = None
        self._listed = False  # voices and microphones, listed on first show

        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 16, 18, 14)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        self.form = form

        # ------------------------------------------------------------ questions aloud
        form.addRow(style.section_title("Questions read aloud"))
        self.read_aloud_check = QCheckBox("Read the interviewer's &questions aloud")
        self.read_aloud_check.setAccessibleName("Read questions aloud")
        self.read_aloud_check.setToolTip(
            "Each question is spoken as it appears; your answer clock starts when it has "
            "been read. Mute it on the interview screen with Ctrl+M."
        )
        form.addRow("", self.read_aloud_check)

        self.engine_combo = QComboBox()
        for key, label in SPEECH_ENGINE_CHOICES.items():
            self.engine_combo.addItem(label, key)
        self.engine_combo.setAccessibleName("Speech engine")
        form.addRow("Speech &engine:", self.engine_combo)

        self.system_engine_combo = QComboBox()
        self.system_engine_combo.addItem("Automatic", "")
        for name in system_engines():
            if name != "mock":  # Qt's test engine: silent
                self.system_engine_combo.addItem(name, name)
        self.system_engine_combo.setAccessibleName("System speech engine")
        self.system_engine_combo.setToolTip(
            "Qt's text-to-speech engine: speech-dispatcher (speechd) or flite on Linux, "
            "the system voices on Windows and macOS"
        )
        form.addRow("S&ystem engine:", self.system_engine_combo)

        self.voice_combo = QComboBox()
        self.voice_combo.setAccessibleName("Voice")
        form.addRow("&Voice:", self.voice_combo)

        self.provider_voice_edit = QLineEdit()
        self.provider_voice_edit.setAccessibleName("Server voice")
        self.provider_voice_edit.setToolTip("The server's voice name (OpenAI: alloy, nova, ...)")
        form.addRow("Server v&oice:", self.provider_voice_edit)
        self.provider_model_edit = QLineEdit()
        self.provider_model_edit.setAccessibleName("Server speech model")
        self.provider_model_edit.setToolTip("The server's speech model (OpenAI: tts-1)")
        form.addRow("Speech mo&del:", self.provider_model_edit)

        self.rate_slider = QSlider(Qt.Orientation.Horizontal)
        self.rate_slider.setRange(-RATE_STEPS, RATE_STEPS)
        self.rate_slider.setAccessibleName("Speaking rate")
        self.rate_label = QLabel()
        self.rate_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("Faster (+1.0)") + 4)
        rate_row = QHBoxLayout()
        rate_row.addWidget(self.rate_slider, 1)
        rate_row.addWidget(self.rate_label)
        rate_label = QLabel("&Rate:")
        rate_label.setBuddy(self.rate_slider)
        form.addRow(rate_label, rate_row)

        self.volume_slider = QSlider(Qt.Orientation.Horizontal)
        self.volume_slider.setRange(0, 100)
        self.volume_slider.setAccessibleName("Speech volume")
        self.volume_label = QLabel()
        self.volume_label.setMinimumWidth(self.rate_label.minimumWidth())
        volume_row = QHBoxLayout()
        volume_row.addWidget(self.volume_slider, 1)
        volume_row.addWidget(self.volume_label)
        volume_label = QLabel("Vol&ume:")
        volume_label.setBuddy(self.volume_slider)
        form.addRow(volume_label, volume_row)

        self.test_button = QPushButton("&Test voice")
        self.test_button.setAccessibleName("Test voice")
        self.test_button.setToolTip("Read a sample question with these settings")
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        form.addRow("", test_row)
        self.test_status = style.plain_label("", selectable=True)
        self.test_status.setAccessibleName("Voice test")
        self.test_status.setVisible(False)
        form.addRow("", self.test_status)

        # ------------------------------------------------------------ spoken answers
        form.addItem(QSpacerItem(0, 6))
        form.addRow(style.section_title("Spoken answers"))
        self.microphone_combo = QComboBox()
        self.microphone_combo.setAccessibleName("Microphone")
        self.microphone_combo.addItem("System default", "")
        form.addRow("&Microphone:", self.microphone_combo)
        self.microphone_hint = style.plain_label("", muted=True)
        form.addRow("", self.microphone_hint)
        form.setRowVisible(self.microphone_hint, False)

        self.transcription_combo = QComboBox()
        for key, label in TRANSCRIPTION_CHOICES.items():
            self.transcription_combo.addItem(label, key)
        self.transcription_combo.setAccessibleName("Transcription engine")
        form.addRow("Tra&nscription:", self.transcription_combo)

        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_combo.addItems(list(VOICE_MODEL_SIZES))
        self.model_combo.setAccessibleName("Local speech model")
        self.model_combo.setToolTip(
            "tiny.en is fastest; base.en and small.en are more accurate and slower. "
            "Or choose a folder that holds a faster-whisper model you already have."
        )
        self.folder_button = QPushButton("&Folder…")
        self.folder_button.setAccessibleName("Choose a model folder")
        self.model_row = QHBoxLayout()
        self.model_row.addWidget(self.model_combo, 1)
        self.model_row.addWidget(self.folder_button)
        model_label = QLabel("Local mode&l:")
        model_label.setBuddy(self.model_combo)
        form.addRow(model_label, self.model_row)
        self.model_hint = style.plain_label(
            "tiny.en ships with the app. base.en and small.en are downloaded once, on "
            "first use, into the app's cache folder; with no network, choose the folder "
            "of a copy you already have.",
            muted=True,
        )
        form.addRow("", self.model_hint)

        self.transcription_model_edit = QLineEdit()
        self.transcription_model_edit.setAccessibleName("Server transcription model")
        self.transcription_model_edit.setToolTip("The server's model (OpenAI: whisper-1)")
        form.addRow("Server model:", self.transcription_model_edit)

        self.keep_check: QCheckBox | None = None
        if "keep_recordings" in Settings.model_fields:
            self.keep_check = QCheckBox("&Keep recordings of my answers with the session")
            self.keep_check.setAccessibleName("Keep recordings")
            self.keep_check.setToolTip("Off: only the transcripts are kept")
            form.addRow("", self.keep_check)

        self.destination_label = style.plain_label("", selectable=True)
        self.destination_label.setAccessibleName("Where audio goes")
        form.addRow("Audio goes:", self.destination_label)

        outer.addLayout(form)
        outer.addStretch(1)

        self.load(settings)
        self.read_aloud_check.toggled.connect(self._update_rows)
        self.engine_combo.currentIndexChanged.connect(self._update_rows)
        self.system_engine_combo.currentIndexChanged.connect(self._on_system_engine_changed)
        self.transcription_combo.currentIndexChanged.connect(self._update_rows)
        self.model_combo.editTextChanged.connect(self._update_rows)
        self.rate_slider.valueChanged.connect(self._on_rate_changed)
        self.volume_slider.valueChanged.connect(self._on_volume_changed)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.folder_button.clicked.connect(self._on_folder_clicked)

    # ------------------------------------------------------------------ values

    def load(self, settings: Settings) -> None:
        self.read_aloud_check.setChecked(settings.voice_read_aloud)
        self.engine_combo.setCurrentIndex(
            max(0, self.engine_combo.findData(settings.voice_speech_engine))
        )
        index = self.system_engine_combo.findData(settings.voice_system_engine)
        if index < 0:  # an engine not installed here: kept, and shown as it is
            name = settings.voice_system_engine
            self.system_engine_combo.addItem(f"{name} (not installed)", name)
            index = self.system_engine_combo.count() - 1
        self.system_engine_combo.setCurrentIndex(index)
        self.voice_combo.clear()
        self.voice_combo.addItem(settings.voice_name or "Default voice", settings.voice_name)
        self.provider_voice_edit.setText(settings.voice_provider_voice)
        self.provider_model_edit.setText(settings.voice_provider_model)
        self.rate_slider.setValue(round(settings.voice_rate * RATE_STEPS))
        self.volume_slider.setValue(round(settings.voice_volume * 100))
        self._on_rate_changed(self.rate_slider.value())
        self._on_volume_changed(self.volume_slider.value())
        self._choose_microphone(settings.voice_microphone)
        self.transcription_combo.setCurrentIndex(
            max(0, self.transcription_combo.findData(settings.voice_transcription))
        )
        self.model_combo.setEditText(settings.voice_model)
        self.transcription_model_edit.setText(settings.voice_transcription_model)
        if self.keep_check is not None:
            self.keep_check.setChecked(bool(getattr(settings, "keep_recordings", True)))
        self._update_rows()

    def values(self) -> dict[str, Any]:
        """The voice_* fields as the page shows them (validated by `Settings`)."""
        out: dict[str, Any] = {
            "voice_read_aloud": self.read_aloud_check.isChecked(),
            "voice_speech_engine": str(self.engine_combo.currentData()),
            "voice_system_engine": str(self.system_engine_combo.currentData() or ""),
            "voice_name": str(self.voice_combo.currentData() or ""),
            "voice_rate": self.rate_slider.value() / RATE_STEPS,
            "voice_volume": self.volume_slider.value() / 100,
            "voice_provider_voice": self.provider_voice_edit.text().strip() or "alloy",
            "voice_provider_model": self.provider_model_edit.text().strip() or "tts-1",
            "voice_microphone": str(self.microphone_combo.currentData() or ""),
            "voice_transcription": str(self.transcription_combo.currentData()),
            "voice_model": self.model_combo.currentText().strip(),
            "voice_transcription_model": (
                self.transcription_model_edit.text().strip() or "whisper-1"
            ),
        }
        if self.keep_check is not None:
            out["keep_recordings"] = self.keep_check.isChecked()
        return out

    def settings(self) -> Settings | None:
        """The dialog's settings with this page's values and the dialog's server, or
        None when a value is not valid."""
        provider, base_url = self._server()
        data = self._settings.model_dump()
        data.update(self.values(), provider=provider or None, base_url=base_url)
        try:
            return Settings.model_validate(data)
        except ValueError:
            return None

    def problem(self) -> str:
        """What stops these values from working ("" when nothing)."""
        model = self.model_combo.currentText().strip()
        settings = self.settings()
        if settings is None:
            if model not in VOICE_MODEL_SIZES:
                return (
                    f"Local model: enter {', '.join(VOICE_MODEL_SIZES)} or the full path "
                    "of a folder that holds a faster-whisper model."
                )
            return "Check the voice settings."
        return voice_problem(settings)

    def refresh(self) -> None:
        """The dialog's server changed: say again where audio goes."""
        self._update_rows()

    def destination_text(self) -> str:
        return self.destination_label.text()

    # ------------------------------------------------------------------ devices

    def showEvent(self, event: QShowEvent) -> None:
        """The system's voices and microphones are listed when the page is first shown:
        asking Qt starts its speech and audio back ends, which a dialog opened for the
        model settings should not pay for (or log about, with no sound card)."""
        super().showEvent(event)
        if not self._listed:
            self._listed = True
            self.list_devices()

    def list_devices(self) -> None:
        chosen_mic = str(self.microphone_combo.currentData() or "")
        self.microphone_combo.clear()
        self.microphone_combo.addItem("System default", "")
        for device_id, description in microphones():
            self.microphone_combo.addItem(description, device_id)
        self._choose_microphone(chosen_mic)
        found = self.microphone_combo.count() > 1 or bool(chosen_mic)
        self.microphone_hint.setText("" if found else "No microphone was found.")
        self.form.setRowVisible(self.microphone_hint, not found)
        self._fill_voices(str(self.voice_combo.currentData() or ""))

    def _choose_microphone(self, device_id: str) -> None:
        index = self.microphone_combo.findData(device_id)
        if index < 0:
            self.microphone_combo.addItem(f"{device_id} (not connected)", device_id)
            index = self.microphone_combo.count() - 1
        self.microphone_combo.setCurrentIndex(index)

    # ------------------------------------------------------------------ rows

    def _fill_voices(self, chosen: str) -> None:
        self.voice_combo.clear()
        self.voice_combo.addItem("Default voice", "")
        engine = str(self.system_engine_combo.currentData() or "")
        probe = SystemVoice(engine, parent=self)
        names = [] if probe.problem else probe.voice_names()
        probe.deleteLater()
        for name in names:
            self.voice_combo.addItem(name, name)
        if chosen and chosen not in names:
            self.voice_combo.addItem(f"{chosen} (not available)", chosen)
        self.voice_combo.setCurrentIndex(max(0, self.voice_combo.findData(chosen)))

    def _update_rows(self) -> None:
        provider = self.engine_combo.currentData() == "provider"
        for edit in (self.provider_voice_edit, self.provider_model_edit):
            self.form.setRowVisible(edit, provider)
        for combo in (self.system_engine_combo, self.voice_combo):
            self.form.setRowVisible(combo, not provider)
        local = self.transcription_combo.currentData() == "local"
        self.form.setRowVisible(self.model_hint, local)
        self.form.setRowVisible(self.model_row, local)
        self.form.setRowVisible(self.transcription_model_edit, not local)
        settings = self.settings()
        text = (
            audio_destination(settings)
            if settings is not None
            else "Choose a local model size or folder to see where audio goes."
        )
        if (
            settings is not None
            and settings.voice_read_aloud
            and settings.voice_speech_engine == "provider"
            and settings.provider != "offline"
        ):
            text += " The questions' text is sent to the same server to be read aloud."
        self.destination_label.setText(text)
        self.destination_label.setAccessibleDescription(text)

    def _on_system_engine_changed(self, _index: int) -> None:
        if self._listed:
            self._fill_voices(str(self.voice_combo.currentData() or ""))

    def _on_rate_changed(self, value: int) -> None:
        self.rate_label.setText(_rate_text(value))

    def _on_volume_changed(self, value: int) -> None:
        self.volume_label.setText(f"{value} %")

    def _on_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Folder of a faster-whisper model")
        if folder:
            self.model_combo.setEditText(folder)

    # ------------------------------------------------------------------ test

    def _set_test_status(self, text: str, kind: str = "") -> None:
        self.test_status.setText(text)
        self.test_status.setAccessibleDescription(text)
        self.test_status.setVisible(bool(text))
        if kind:
            style.set_message_colour(self.test_status, kind)
        else:
            style.set_muted(self.test_status)

    def _on_test_clicked(self) -> None:
        settings = self.settings()
        if settings is None:
            self._set_test_status(self.problem(), "danger")
            return
        old, self.test_speaker = self.test_speaker, None
        if old is not None:
            old.stop()
            old.deleteLater()
        synth = self._synthesizer() if settings.voice_speech_engine == "provider" else None
        speaker, notice = build_speaker(settings.model_copy(), synth, parent=self)
        self.test_speaker = speaker
        speaker.started.connect(lambda: self._set_test_status("Speaking…"))
        speaker.finished.connect(self._on_test_finished)
        speaker.notice.connect(lambda text: self._set_test_status(text, "warning"))
        if not speaker.available:
            self._set_test_status(notice or no_engine_text(), "warning")
            return
        if notice:
            self._set_test_status(notice, "warning")
        speaker.say(TEST_SENTENCE)

    def show_problem(self, text: str) -> None:
        """A value that stops saving, shown under the test button."""
        self._set_test_status(text, "danger")

    def _on_test_finished(self) -> None:
        if self.test_status.text() == "Speaking…":
            self._set_test_status("")


def server_synthesizer(params: Any, values: dict[str, Any]) -> Callable[[str], bytes]:
    """A plain function that reads one sentence with the server the dialog shows
    (`params`: its ConnectionParams) and the page's voice (`values`), for "Test voice".
    It builds its own client on the worker and closes it after the call."""
    api_key, base_url, model = params.api_key, params.base_url, params.model
    timeout, connect, label = params.timeout, params.connect_timeout, params.label
    voice = str(values.get("voice_provider_voice") or "alloy")
    speech_model = str(values.get("voice_provider_model") or "tts-1")
    speed = 2.0 ** float(values.get("voice_rate") or 0.0)

    def synthesize(text: str) -> bytes:
        from interviewer.llm.openai_backend import OpenAIBackend

        backend = OpenAIBackend(
            api_key=api_key,
            model=model or "unused",
            base_url=base_url,
            timeout=timeout,
            connect_timeout=connect,
            max_retries=0,
            provider_label=label,
        )
        try:
            return backend.synthesize_speech(text, voice=voice, model=speech_model, speed=speed)
        finally:
            backend.close()

    return synthesize
