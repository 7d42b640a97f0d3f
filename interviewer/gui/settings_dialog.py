"""The Settings dialog: which model answers, how to reach it, and the API key.

The dialog edits a copy: nothing is saved until OK, and then it only emits
`settings_saved` with the new Settings (the caller persists them) and hands the key to
SecretStore, which puts it in the system keyring, never in the settings file. Where no
keyring exists the store keeps the key in memory for this session and the dialog says so.

"Test connection" and "Refresh" talk to the server through a `QueryOp` (design rule 2):
the worker gets a frozen `ConnectionParams` and returns a plain `ProbeOutcome`, so the
dialog stays responsive and no widget is touched off the GUI thread. The ops run on the
global pool rather than one owned by the dialog, so closing the dialog never waits for a
slow server, and an answer that arrives after the dialog closed is dropped.

A connection test to a local server that succeeds goes on with the speed and fitness
check (`gui/model_check.py`, issue 15 item 2; a hosted model would bill its tokens, so
there `interviewer check-model` runs it on request): its progress and then its words
fill the "Model check" line, and the report is remembered for that server and model,
which the line shows when the dialog opens. Closing the dialog stops the check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import ValidationError
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpacerItem,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from interviewer.core.cost import is_local_url
from interviewer.core.errors import InterviewerError
from interviewer.gui import style
from interviewer.gui.model_check import CheckParams, ModelCheck, remembered_text
from interviewer.gui.voice_settings import VoicePage, server_synthesizer
from interviewer.gui.workers import HTTP_STACK, QueryOp
from interviewer.llm.discovery import FoundServer
from interviewer.storage.secrets import ENV_KEY, SecretStore, store_for
from interviewer.storage.settings import (
    DEFAULT_OPENAI_MODEL,
    GRADER_CHOICES,
    MAX_GRADE_SAMPLES,
    PROVIDER_NAMES,
    PROVIDER_URLS,
    GraderSettings,
    Settings,
)

log = logging.getLogger(__name__)

#: Provider presets in the order shown, with the label the dialog uses for each.
PRESETS: tuple[tuple[str, str], ...] = (
    ("offline", PROVIDER_NAMES["offline"]),
    ("openai", PROVIDER_NAMES["openai"]),
    ("ollama", PROVIDER_NAMES["ollama"]),
    ("lmstudio", PROVIDER_NAMES["lmstudio"]),
    ("llamacpp", PROVIDER_NAMES["llamacpp"]),
    ("vllm", PROVIDER_NAMES["vllm"]),
    ("custom", "Custom base URL"),
)
HINTS: dict[str, str] = {
    "offline": "Runs on this computer with no network and no model: questions from the "
    "bank and transparent heuristic grading.",
    "openai": "Uses the OpenAI API. Needs an API key.",
    "ollama": "Start Ollama and pull a model first (for example: ollama pull llama3.1).",
    "lmstudio": "Start LM Studio's local server and load a model.",
    "llamacpp": "Start llama-server with a model; it serves the model it loaded.",
    "vllm": "Start vLLM's OpenAI-compatible server (vllm serve MODEL).",
    "custom": "Any server that speaks the OpenAI chat completions API.",
}
OPENAI_URL_HINT = "https://api.openai.com/v1 (default)"
GRADER_HINTS: dict[str, str] = {
    "same": "The interviewer's model grades the answers.",
    "offline": "The offline coach grades: transparent heuristics, no network.",
    "model": "A model of its own grades, e.g. a stronger one.",
}
#: Short headings for the problems a connection test can find, by error class name.
PROBLEMS: dict[str, str] = {
    "BackendUnavailable": "No server answered",
    "AuthenticationFailed": "The API key was not accepted",
    "ModelNotFound": "Unknown model",
    "BackendTimeout": "The server did not answer in time",
    "RateLimited": "Rate limited",
    "ServerError": "The server reported an error",
    "BadResponse": "The server's reply was not understood",
    "ConfigError": "Settings problem",
}
SOURCE_TEXT: dict[str, str] = {
    "environment": f"Using the key from the {ENV_KEY} environment variable; it takes "
    "precedence over a key saved here.",
    "keyring": "A key is saved in the system keyring.",
    "memory": "A key is kept in memory for this session only.",
    "none": "No API key is saved.",
}


@dataclass(frozen=True)
class ConnectionParams:
    """Everything a worker needs to reach the server: plain values, never widgets."""

    provider: str
    base_url: str | None
    model: str
    api_key: str | None
    timeout: float
    connect_timeout: float
    label: str


@dataclass(frozen=True)
class ProbeOutcome:
    ok: bool
    value: Any = None  # str for a test, list[str] for a model listing
    problem: str = ""  # error class name when not ok
    message: str = ""
    #: For a model listing from a local server's own API: (model, one line about it:
    #: loaded or not, size, quantisation, context), shown as each item's tooltip.
    details: tuple[tuple[str, str], ...] = ()


def run_probe(params: ConnectionParams, action: Literal["test", "models"]) -> ProbeOutcome:
    """Runs on a worker thread. Never raises: every failure becomes a ProbeOutcome."""
    try:
        # Imported on the GUI thread before the worker starts (QueryOp's needs).
        from interviewer.llm.openai_backend import OpenAIBackend

        backend = OpenAIBackend(
            api_key=params.api_key,
            model=params.model,
            base_url=params.base_url,
            timeout=params.timeout,
            connect_timeout=params.connect_timeout,
            max_retries=0,  # a test should report the problem now, not after back-off
            provider_label=params.label,
        )
        details: tuple[tuple[str, str], ...] = ()
        try:
            value: Any = backend.test_connection() if action == "test" else backend.list_models()
            listing = backend.server_models if action == "models" else None
            if listing is not None:  # llm/local_servers.py
                details = tuple((m.name, m.describe()) for m in listing.models)
        finally:
            backend.close()
        return ProbeOutcome(True, value, details=details)
    except InterviewerError as err:
        return ProbeOutcome(False, problem=type(err).__name__, message=str(err))
    except Exception as exc:  # a bug must not take the dialog down; the log has details
        log.exception("connection %s failed", action)
        return ProbeOutcome(
            False,
            problem=type(exc).__name__,
            message=f"Something went wrong inside the app ({type(exc).__name__}).",
        )


class SettingsDialog(QDialog):
    """Edit provider, model and key. Emits `settings_saved(Settings)` on OK."""

    settings_saved = Signal(object)
    #: Outcome of a finished "Test connection": success and the message shown.
    connection_tested = Signal(bool, str)
    #: Outcome of a finished "Test grader": success and the message shown.
    grader_tested = Signal(bool, str)
    #: Model ids listed by "Refresh" (empty when the listing failed).
    models_refreshed = Signal(object)
    #: The model check after a successful connection test finished: its FitnessReport.
    model_checked = Signal(object)

    def __init__(
        self,
        settings: Settings,
        secrets: SecretStore,
        parent: QWidget | None = None,
        *,
        found: Sequence[FoundServer] = (),
    ) -> None:
        super().__init__(parent)
        #: Local servers found running at startup: their model lists fill the model box.
        self.found = {f.provider: f for f in found}
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self.setMinimumWidth(560)
        self._settings = settings
        self._secrets = secrets
        self._forget_key = False
        self._has_key = False
        self._initial_provider = ""
        #: The probes in flight: what each asked, so a stale answer is recognised.
        self._probes: dict[QueryOp[ProbeOutcome], tuple[ConnectionParams, str]] = {}
        self._last_model = settings.model  # kept while the offline coach is selected
        self.result_settings: Settings | None = None
        self._fitted = False  # sized to its rows once, when first shown

        dialog_layout = QVBoxLayout(self)
        dialog_layout.setContentsMargins(10, 10, 10, 12)
        #: The model, key and grader rows (the "Model" tab); the "Voice" tab is `voice_page`.
        self.model_page = QWidget()
        outer = QVBoxLayout(self.model_page)
        outer.setContentsMargins(18, 16, 18, 14)
        outer.setSpacing(10)

        # ------------------------------------------------------------ model
        # One form for both sections, so the label column lines up.
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.addRow(style.section_title("Model"))

        self.provider_combo = QComboBox()
        for key, label in PRESETS:
            server = self.found.get(key)
            if server is not None:
                count = len(server.models)
                label = f"{label}  ·  running, {count} model{'s' if count != 1 else ''}"
            self.provider_combo.addItem(label, key)
        self.provider_combo.setAccessibleName("Provider")
        form.addRow("&Provider:", self.provider_combo)
        self.provider_hint = style.plain_label("", muted=True)
        form.addRow("", self.provider_hint)

        self.base_url_edit = QLineEdit()
        self.base_url_edit.setAccessibleName("Base URL")
        self.base_url_edit.setToolTip("The server's OpenAI-compatible address, ending in /v1")
        form.addRow("Base &URL:", self.base_url_edit)

        self.model_combo = QComboBox()
        self.model_combo.setEditable(True)
        self.model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.model_combo.setAccessibleName("Model")
        self.model_combo.setToolTip("Type a model name or press Refresh to list the server's")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Refresh model list")
        self.refresh_button.setToolTip("Ask the server which models it offers")
        model_row = QHBoxLayout()
        model_row.setSpacing(6)
        model_row.addWidget(self.model_combo, 1)
        model_row.addWidget(self.refresh_button)
        model_label = QLabel("&Model:")
        model_label.setBuddy(self.model_combo)
        form.addRow(model_label, model_row)

        self.temperature_spin = QDoubleSpinBox()
        self.temperature_spin.setRange(0.0, 2.0)
        self.temperature_spin.setSingleStep(0.1)
        self.temperature_spin.setDecimals(1)
        self.temperature_spin.setAccessibleName("Temperature")
        self.temperature_spin.setToolTip(
            "How varied the interviewer's wording is. Grading always runs at 0."
        )
        form.addRow("&Temperature:", self.temperature_spin)

        self.timeout_spin = QSpinBox()
        self.timeout_spin.setRange(5, 900)
        self.timeout_spin.setSuffix(" s")
        self.timeout_spin.setAccessibleName("Request timeout in seconds")
        self.timeout_spin.setToolTip("How long to wait for one reply; local models may need more")
        form.addRow("Request time&out:", self.timeout_spin)

        self.gap_spin = QSpinBox()
        self.gap_spin.setRange(0, 900)
        self.gap_spin.setSuffix(" s")
        self.gap_spin.setSpecialValueText("Same as request timeout")
        self.gap_spin.setAccessibleName("Longest pause between words of a reply, in seconds")
        self.gap_spin.setToolTip(
            "Once the model has started to reply, how long it may go quiet before the app "
            "gives up on it. A slow model that keeps writing is never cut off, however "
            "long it takes; this only catches a server that got stuck half way."
        )
        form.addRow("Gap bet&ween tokens:", self.gap_spin)

        self.context_spin = QSpinBox()
        self.context_spin.setRange(0, 2_000_000)
        self.context_spin.setSingleStep(1024)
        self.context_spin.setSpecialValueText("Automatic")
        self.context_spin.setSuffix(" tokens")
        self.context_spin.setGroupSeparatorShown(True)
        self.context_spin.setAccessibleName("Context window in tokens")
        self.context_spin.setToolTip(
            "How many tokens the model can read at once. Automatic knows OpenAI's models "
            "and assumes 8,192 for others; set it to what your local server was started "
            "with (Ollama num_ctx, llama.cpp --ctx-size)."
        )
        form.addRow("&Context window:", self.context_spin)

        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(1, MAX_GRADE_SAMPLES)
        self.samples_spin.setAccessibleName("Grading samples")
        self.samples_spin.setToolTip(
            "Asks the model N times to grade each answer and takes the median score per "
            "criterion; a criterion where the answers disagree by more than one level is "
            "marked uncertain. Each sample is a full model call (N times the grading cost "
            "and time). Only for a model grader: the offline coach grades once."
        )
        samples_label = QLabel("&Grading samples:")
        samples_label.setBuddy(self.samples_spin)
        self.samples_label = samples_label

        # ------------------------------------------------------------ key
        form.addItem(QSpacerItem(0, 6))
        form.addRow(style.section_title("API key"))
        key_form = form
        self.key_edit = QLineEdit()
        self.key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_edit.setAccessibleName("API key")
        self.key_edit.setToolTip("Stored in the system keyring, never in the settings file")
        self.show_key_check = QCheckBox("S&how")
        self.show_key_check.setAccessibleName("Show API key")
        self.forget_key_button = QPushButton("&Forget saved key")
        self.forget_key_button.setAccessibleName("Forget saved API key")
        key_row = QHBoxLayout()
        key_row.setSpacing(6)
        key_row.addWidget(self.key_edit, 1)
        key_row.addWidget(self.show_key_check)
        key_row.addWidget(self.forget_key_button)
        key_label = QLabel("API &key:")
        key_label.setBuddy(self.key_edit)
        key_form.addRow(key_label, key_row)
        self.key_source_label = style.plain_label("", muted=True)
        self.key_source_label.setAccessibleName("Where the API key comes from")
        key_form.addRow("", self.key_source_label)
        self.keyring_notice = style.plain_label("", selectable=True)
        self.keyring_notice.setAccessibleName("Keyring notice")
        style.set_message_colour(self.keyring_notice, "warning")
        key_form.addRow("", self.keyring_notice)

        # ------------------------------------------------------------ grader
        form.addItem(QSpacerItem(0, 6))
        form.addRow(style.section_title("Grader"))
        self._build_grader_rows(form)
        form.addRow(samples_label, self.samples_spin)
        self._form = form
        outer.addLayout(form)

        # ------------------------------------------------------------ test
        outer.addSpacing(4)
        outer.addWidget(style.section_title("Connection"))
        test_row = QHBoxLayout()
        self.test_button = QPushButton("Test co&nnection")
        self.test_button.setAccessibleName("Test connection")
        self.test_button.setToolTip("Check the server, the key and the model with these values")
        test_row.addWidget(self.test_button)
        test_row.addStretch(1)
        outer.addLayout(test_row)
        self.status_label = style.rich_label("")
        self.status_label.setAccessibleName("Connection status")
        self.status_label.setMinimumHeight(self.fontMetrics().height() * 2)
        outer.addWidget(self.status_label)
        self.check_label = style.plain_label("", selectable=True)
        self.check_label.setAccessibleName("Model check")
        self.check_label.setVisible(False)
        outer.addWidget(self.check_label)
        self.model_check = ModelCheck(self)
        self.model_check.progress.connect(self._set_check)
        self.model_check.finished.connect(self._on_model_checked)
        self.model_check.failed.connect(self._set_check)
        outer.addStretch(1)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.voice_page = VoicePage(
            settings, server=self._voice_server, synthesizer=self._voice_synthesizer
        )
        self.tabs = QTabWidget()
        self.tabs.addTab(self.model_page, "Model")
        self.tabs.addTab(self.voice_page, "Voice")
        dialog_layout.addWidget(self.tabs, 1)
        dialog_layout.addWidget(self.buttons)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setAccessibleName("Save settings")

        for a, b in (
            (self.provider_combo, self.base_url_edit),
            (self.base_url_edit, self.model_combo),
            (self.model_combo, self.refresh_button),
            (self.refresh_button, self.temperature_spin),
            (self.temperature_spin, self.timeout_spin),
            (self.timeout_spin, self.gap_spin),
            (self.gap_spin, self.context_spin),
            (self.context_spin, self.key_edit),
            (self.key_edit, self.show_key_check),
            (self.show_key_check, self.forget_key_button),
            (self.forget_key_button, self.grader_combo),
            (self.grader_combo, self.grader_provider_combo),
            (self.grader_provider_combo, self.grader_url_edit),
            (self.grader_url_edit, self.grader_model_combo),
            (self.grader_model_combo, self.grader_key_edit),
            (self.grader_key_edit, self.samples_spin),
            (self.samples_spin, self.test_button),
            (self.test_button, self.buttons),
        ):
            QWidget.setTabOrder(a, b)

        self._load(settings)
        if self.provider != "offline":
            params = self.connection_params()
            self._set_check(remembered_text(params.base_url, params.model))

        self.provider_combo.currentIndexChanged.connect(self._on_provider_changed)
        # The Voice tab says where audio goes: to the server chosen here, as it changes.
        self.provider_combo.currentIndexChanged.connect(self.voice_page.refresh)
        self.base_url_edit.textChanged.connect(self.voice_page.refresh)
        self.voice_page.refresh()
        self.grader_combo.currentIndexChanged.connect(self._on_grader_changed)
        self.grader_provider_combo.currentIndexChanged.connect(self._on_grader_provider_changed)
        self.grader_url_edit.editingFinished.connect(self._apply_grader)
        self.grader_test_button.clicked.connect(self._on_grader_test_clicked)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.show_key_check.toggled.connect(self._on_show_key_toggled)
        self.forget_key_button.clicked.connect(self._on_forget_key_clicked)
        self.key_edit.textEdited.connect(self._on_key_edited)
        self.buttons.accepted.connect(self._on_accepted)
        self.buttons.rejected.connect(self.reject)

    def _build_grader_rows(self, form: QFormLayout) -> None:
        """Who grades: the interviewer's model, the offline coach, or another model with
        its own provider, address, model name and key (its rows show only then)."""
        self.grader_combo = QComboBox()
        for key, label in GRADER_CHOICES.items():
            self.grader_combo.addItem(label, key)
        self.grader_combo.setAccessibleName("Grader")
        self.grader_combo.setToolTip("Which model grades the answers")
        grader_label = QLabel("Gra&der:")
        grader_label.setBuddy(self.grader_combo)
        form.addRow(grader_label, self.grader_combo)
        self.grader_hint = style.plain_label("", muted=True)
        self.grader_hint.setAccessibleName("About the grader")
        form.addRow("", self.grader_hint)

        self.grader_provider_combo = QComboBox()
        for key, label in PRESETS:
            if key != "offline":
                self.grader_provider_combo.addItem(label, key)
        self.grader_provider_combo.setAccessibleName("Grader provider")
        provider_label = QLabel("Grader pro&vider:")
        provider_label.setBuddy(self.grader_provider_combo)
        form.addRow(provider_label, self.grader_provider_combo)

        self.grader_url_edit = QLineEdit()
        self.grader_url_edit.setAccessibleName("Grader base URL")
        self.grader_url_edit.setToolTip("The grader's OpenAI-compatible address, ending in /v1")
        url_label = QLabel("Grader base UR&L:")
        url_label.setBuddy(self.grader_url_edit)
        form.addRow(url_label, self.grader_url_edit)

        self.grader_model_combo = QComboBox()
        self.grader_model_combo.setEditable(True)
        self.grader_model_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.grader_model_combo.setAccessibleName("Grader model")
        self.grader_model_combo.setToolTip("The name of the model that grades")
        model_label = QLabel("Grad&er model:")
        model_label.setBuddy(self.grader_model_combo)
        self.grader_test_button = QPushButton("Test grader")
        self.grader_test_button.setAccessibleName("Test the grader's connection")
        self.grader_test_button.setToolTip("Check the grader's server, key and model")
        grader_model_row = QHBoxLayout()
        grader_model_row.setSpacing(6)
        grader_model_row.addWidget(self.grader_model_combo, 1)
        grader_model_row.addWidget(self.grader_test_button)
        form.addRow(model_label, grader_model_row)

        self.grader_key_edit = QLineEdit()
        self.grader_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.grader_key_edit.setAccessibleName("Grader API key")
        self.grader_key_edit.setToolTip(
            "Only for a grader on another server that needs a key; kept in the system "
            "keyring under that server, never in the settings file. OpenAI and the "
            "interviewer's own server use the API key above."
        )
        key_label = QLabel("Grader ke&y:")
        key_label.setBuddy(self.grader_key_edit)
        form.addRow(key_label, self.grader_key_edit)
        self._grader_rows: tuple[QWidget | QHBoxLayout, ...] = (
            self.grader_provider_combo,
            self.grader_url_edit,
            grader_model_row,
            self.grader_key_edit,
        )
        self._grader_probe: QueryOp[ProbeOutcome] | None = None

    # ------------------------------------------------------------------ state

    def _load(self, settings: Settings) -> None:
        provider = settings.provider
        existing = self._secrets.get()  # also fills secrets.notice when there is no keyring
        if provider is None:  # "decide from the environment": show what would be used
            if settings.base_url:
                provider = "custom"
            elif existing:
                provider = "openai"
            else:
                provider = "offline"
        self._initial_provider = provider
        self.provider_combo.setCurrentIndex(max(0, self.provider_combo.findData(provider)))
        self.base_url_edit.setText(settings.base_url or PROVIDER_URLS.get(provider, ""))
        self.model_combo.setEditText(settings.model)
        self.temperature_spin.setValue(settings.temperature)
        self.timeout_spin.setValue(round(settings.request_timeout))
        self.gap_spin.setValue(round(settings.gap_timeout or 0))
        self.context_spin.setValue(settings.context_window or 0)
        self.samples_spin.setValue(settings.grade_samples)
        self._has_key = existing is not None
        self._update_key_state()
        self._apply_provider(provider, initial=True)
        grader = settings.grader
        grader_provider = grader.provider or ("custom" if grader.base_url else "openai")
        self.grader_provider_combo.setCurrentIndex(
            max(0, self.grader_provider_combo.findData(grader_provider))
        )
        self.grader_url_edit.setText(grader.base_url or PROVIDER_URLS.get(grader_provider, ""))
        self.grader_model_combo.setEditText(grader.model)
        self.grader_combo.setCurrentIndex(max(0, self.grader_combo.findData(grader.kind)))
        self._apply_grader()

    @property
    def provider(self) -> str:
        return str(self.provider_combo.currentData())

    def _apply_provider(self, provider: str, *, initial: bool = False) -> None:
        offline = provider == "offline"
        for w in (
            self.base_url_edit,
            self.model_combo,
            self.refresh_button,
            self.temperature_spin,
            self.timeout_spin,
            self.gap_spin,
            self.context_spin,
        ):
            w.setEnabled(not offline)
        self._apply_grader()
        hint = HINTS.get(provider, "")
        running = self.found.get(provider)
        if running is not None:
            count = len(running.models)
            hint = (
                f"Running on this computer with {count} model{'s' if count != 1 else ''}: "
                "pick one below."
                if count
                else "Running on this computer, but no model is loaded yet: load one first."
            )
        self.provider_hint.setText(hint)
        self.base_url_edit.setPlaceholderText(
            OPENAI_URL_HINT if provider == "openai" else "http://127.0.0.1:8080/v1"
        )
        if initial:
            server = self.found.get(provider)
            if server is not None and server.models and not self.model_combo.count():
                current = self.model_combo.currentText()
                self.model_combo.addItems(server.models)
                self.model_combo.setEditText(current)
            return
        if provider in PROVIDER_URLS:
            self.base_url_edit.setText(PROVIDER_URLS[provider])
        elif provider == "openai":
            self.base_url_edit.clear()
        elif provider == "custom":
            if self.base_url_edit.text().strip() in PROVIDER_URLS.values():
                self.base_url_edit.clear()
            self.base_url_edit.setFocus()
        current = self._model_text()
        self._last_model = current
        self.model_combo.clear()  # another server's model list means nothing here
        server = self.found.get(provider)
        if server is not None and server.models:
            # Found running at startup: offer its models without a Refresh.
            self.model_combo.addItems(server.models)
            if current not in server.models:
                current = server.models[0]
        self.model_combo.setEditText(current)
        self._set_status("", "")

    @property
    def grader_kind(self) -> str:
        return str(self.grader_combo.currentData())

    def _apply_grader(self) -> None:
        """Show the grader's own rows only for another model; grading samples only
        where a model grades."""
        kind = self.grader_kind
        for row in self._grader_rows:
            self._form.setRowVisible(row, kind == "model")
        hint = GRADER_HINTS.get(kind, "")
        grader_model = self.grader_model_combo.currentText().strip()
        if kind == "model" and grader_model:
            # What the grader's own model can do, from its last check (issue 15).
            checked = remembered_text(self._grader_url(), grader_model)
            hint = f"{hint}\n{checked}".strip() if checked else hint
        self.grader_hint.setText(hint)
        model_grades = kind == "model" or (kind == "same" and self.provider != "offline")
        self.samples_spin.setEnabled(model_grades)
        provider = str(self.grader_provider_combo.currentData())
        self.grader_url_edit.setPlaceholderText(
            OPENAI_URL_HINT if provider == "openai" else "http://127.0.0.1:8080/v1"
        )
        self.grader_key_edit.setPlaceholderText(self._grader_key_hint())
        if self.isVisible():
            self._fit_height()  # the grader's rows came or went: fit them, keep the width

    def _fit_height(self) -> None:
        """As tall as every row needs at the current width, wrapped hints included (Qt's
        first size stops at a share of the screen and squeezes the rows until the
        hints are cut off)."""
        layout = self.layout()
        if layout is None:
            return
        if layout.hasHeightForWidth():
            need = layout.totalHeightForWidth(self.width())
        else:
            need = layout.totalSizeHint().height()
        self.resize(self.width(), need)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self._fit_height()

    def _grader_url(self) -> str | None:
        return self.grader_url_edit.text().strip() or None

    def _grader_secrets(self) -> SecretStore:
        """The store of the grader's key (secrets.store_for: per server)."""
        home = self.base_url_edit.text().strip() or None
        return store_for(self._secrets, self._grader_url(), home)

    def _grader_key_hint(self) -> str:
        store = self._grader_secrets()
        if store is self._secrets:
            return "Uses the API key above"
        if store.get():
            return "A key is saved for this server – type a new one to replace it"
        return "Only if this server needs a key"

    def _on_grader_changed(self, _index: int) -> None:
        self._apply_grader()

    def _on_grader_provider_changed(self, _index: int) -> None:
        provider = str(self.grader_provider_combo.currentData())
        if provider in PROVIDER_URLS:
            self.grader_url_edit.setText(PROVIDER_URLS[provider])
        elif provider == "openai" or self.grader_url_edit.text().strip() in PROVIDER_URLS.values():
            self.grader_url_edit.clear()
        server = self.found.get(provider)
        current = self.grader_model_combo.currentText()
        self.grader_model_combo.clear()
        if server is not None and server.models:
            self.grader_model_combo.addItems(server.models)
        self.grader_model_combo.setEditText(current)
        self._apply_grader()

    def grader_params(self) -> ConnectionParams:
        """The grader's connection as it stands in the dialog (not yet saved)."""
        provider = str(self.grader_provider_combo.currentData())
        store = self._grader_secrets()
        if store is self._secrets:  # OpenAI or the interviewer's server: the key above
            typed = self.key_edit.text().strip()
            key = typed or (None if self._forget_key else store.get())
        else:
            key = self.grader_key_edit.text().strip() or store.get()
        label = PROVIDER_NAMES["custom"] if provider == "custom" else dict(PRESETS)[provider]
        return ConnectionParams(
            provider=provider,
            base_url=self._grader_url(),
            model=self.grader_model_combo.currentText().strip(),
            api_key=key,
            timeout=float(self.timeout_spin.value()),
            connect_timeout=self._settings.connect_timeout,
            label=label,
        )

    def _on_grader_test_clicked(self) -> None:
        problem = self._grader_problem()
        params = self.grader_params()
        if not problem and params.provider == "openai" and not params.api_key:
            problem = f"Paste your OpenAI API key above, or set {ENV_KEY} in your environment."
        if problem:
            self._set_status("danger", "Cannot test the grader yet", problem)
            self.grader_tested.emit(False, self.status_text())
            return
        where = params.base_url or "api.openai.com"
        self._set_status("busy", f"Testing the grader's connection to {where}…")
        self.grader_test_button.setEnabled(False)
        # As for the interviewer's test: frozen values on the pool, the outcome back here.
        op: QueryOp[ProbeOutcome] = QueryOp(
            parent=self,
            op=lambda: run_probe(params, "test"),
            success=lambda outcome: self._on_grader_test_done(op, params, outcome),
            needs=HTTP_STACK,
        )
        self._grader_probe = op
        op.run_in_background()

    def _on_grader_test_done(
        self, op: QueryOp[ProbeOutcome], params: ConnectionParams, outcome: ProbeOutcome
    ) -> None:
        if op is not self._grader_probe:
            return
        self._grader_probe = None
        self.grader_test_button.setEnabled(True)
        if params != self.grader_params() or self.grader_kind != "model":
            self._set_status("", "")  # the fields changed meanwhile: the answer is stale
            return
        if outcome.ok:
            self._set_status("success", "Grader connected", str(outcome.value))
        else:
            heading = PROBLEMS.get(outcome.problem, "The connection test failed")
            self._set_status("danger", f"Grader: {heading}", outcome.message)
        self.grader_tested.emit(outcome.ok, self.status_text())

    def _grader_problem(self) -> str:
        """A problem with the grader's fields, or ''."""
        if self.grader_kind != "model":
            return ""
        url = self.grader_url_edit.text().strip()
        if str(self.grader_provider_combo.currentData()) == "custom" and not url:
            self.grader_url_edit.setFocus()
            return "Enter the grader's base URL, for example http://127.0.0.1:8080/v1."
        if url and not url.startswith(("http://", "https://")):
            self.grader_url_edit.setFocus()
            return "The grader's base URL must start with http:// or https://."
        if not self.grader_model_combo.currentText().strip():
            self.grader_model_combo.setFocus()
            return "Enter the name of the model that grades."
        return ""

    def _grader_settings(self) -> GraderSettings:
        kind = self.grader_kind
        if kind != "model":
            return self._settings.grader.model_copy(update={"kind": kind})
        provider = str(self.grader_provider_combo.currentData())
        url = self.grader_url_edit.text().strip()
        if url == PROVIDER_URLS.get(provider, ""):
            url = ""  # the preset's own address, as for the interviewer
        return GraderSettings(
            kind="model",
            provider=provider,  # type: ignore[arg-type]
            base_url=url,
            model=self.grader_model_combo.currentText().strip(),
        )

    def _context_window(self) -> int | None:
        """The spin box's value; "Automatic" (0) and anything below 1,024 mean none."""
        value = self.context_spin.value()
        return max(1024, value) if value else None

    def _model_text(self) -> str:
        return self.model_combo.currentText().strip() or self._last_model

    def _update_key_state(self) -> None:
        source = self._secrets.source() if self._has_key else "none"
        if self._forget_key:
            text = "The saved key will be removed when you press OK."
        else:
            text = SOURCE_TEXT.get(source, "")
        self.key_source_label.setText(text)
        self.key_edit.setPlaceholderText(
            "A key is set – type a new one to replace it"
            if self._has_key and not self._forget_key
            else "Paste your API key"
        )
        can_forget = self._has_key and source in ("keyring", "memory") and not self._forget_key
        self.forget_key_button.setEnabled(can_forget)
        notice = self._secrets.notice
        self.keyring_notice.setText(notice)
        self.keyring_notice.setVisible(bool(notice))

    def connection_params(self) -> ConnectionParams:
        """The values as they stand in the dialog (not yet saved)."""
        provider = self.provider
        typed = self.key_edit.text().strip()
        key = typed or (None if self._forget_key else self._secrets.get())
        url = self.base_url_edit.text().strip() or None
        label = dict(PRESETS).get(provider, "Custom server")
        if provider == "custom":
            label = PROVIDER_NAMES["custom"]
        return ConnectionParams(
            provider=provider,
            base_url=url,
            model=self.model_combo.currentText().strip(),
            api_key=key,
            timeout=float(self.timeout_spin.value()),
            connect_timeout=self._settings.connect_timeout,
            label=label,
        )

    def _set_status(self, kind: str, heading: str, detail: str = "") -> None:
        """kind: success, danger, warning, busy, or "" to clear."""
        if not kind:
            self.status_label.clear()
            return
        mark = {"success": "✓ ", "danger": "✗ ", "warning": "! ", "busy": ""}[kind]
        colour = (
            style.message_colour(kind, self.palette())
            if kind != "busy"
            else style.muted_colour(self.palette())
        )
        text = f"<span style='color:{colour}'><b>{style.esc(mark + heading)}</b></span>"
        if detail:
            text += f"<br>{style.esc(detail)}"
        self.status_label.setText(text)
        self.status_label.setAccessibleDescription(f"{heading}. {detail}".strip())

    def status_text(self) -> str:
        """The status line as plain text (what a screen reader gets)."""
        return self.status_label.accessibleDescription()

    def _validate(self) -> str:
        """A problem with the fields that makes a connection impossible, or ''."""
        provider = self.provider
        url = self.base_url_edit.text().strip()
        if provider == "offline":
            return ""
        if provider == "custom" and not url:
            self.base_url_edit.setFocus()
            return "Enter the server's base URL, for example http://127.0.0.1:8080/v1."
        if url and not url.startswith(("http://", "https://")):
            self.base_url_edit.setFocus()
            return "The base URL must start with http:// or https://."
        if not self.model_combo.currentText().strip():
            self.model_combo.setFocus()
            return "Enter a model name, or press Refresh to list the server's models."
        return ""

    # ------------------------------------------------------------------ workers

    def _start(self, action: Literal["test", "models"]) -> None:
        params = self.connection_params()
        # The op gets the frozen params only; the outcome comes back to this dialog on
        # the GUI thread, and not at all once the dialog is closed or deleted.
        op: QueryOp[ProbeOutcome] = QueryOp(
            parent=self,
            op=lambda: run_probe(params, action),
            success=lambda outcome: self._on_probe_done(op, outcome),
            needs=HTTP_STACK,
        )
        self._probes[op] = (params, action)
        op.run_in_background()

    def busy(self) -> bool:
        return bool(self._probes) or self._grader_probe is not None

    def check_text(self) -> str:
        return self.check_label.text()

    def _set_check(self, text: str) -> None:
        self.check_label.setText(text)
        self.check_label.setAccessibleDescription(text)
        self.check_label.setVisible(bool(text))

    def _on_model_checked(self, report: object, text: str) -> None:
        self._set_check(text)
        self.model_checked.emit(report)

    def done(self, result: int) -> None:
        """Closing the dialog stops the model check."""
        self.model_check.cancel()
        super().done(result)

    # ------------------------------------------------------------------ slots

    def _on_provider_changed(self, _index: int) -> None:
        self._apply_provider(self.provider)

    def _on_show_key_toggled(self, shown: bool) -> None:
        self.key_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        )

    def _on_forget_key_clicked(self) -> None:
        self._forget_key = True
        self.key_edit.clear()
        self._update_key_state()

    def _on_key_edited(self, _text: str) -> None:
        if self._forget_key and self.key_edit.text():
            self._forget_key = False
            self._update_key_state()

    def _on_test_clicked(self) -> None:
        if self.provider == "offline":
            msg = "The offline coach runs on this computer and needs no connection."
            self._set_status("success", "Ready", msg)
            self.connection_tested.emit(True, self.status_text())
            return
        problem = self._validate()
        if problem:
            self._set_status("danger", "Cannot test yet", problem)
            self.connection_tested.emit(False, self.status_text())
            return
        params = self.connection_params()
        if self.provider == "openai" and not params.api_key:
            self._set_status(
                "danger",
                "No API key",
                f"Paste your OpenAI API key above, or set {ENV_KEY} in your environment.",
            )
            self.connection_tested.emit(False, self.status_text())
            return
        where = params.base_url or "api.openai.com"
        self._set_status("busy", f"Testing the connection to {where}…")
        self.test_button.setEnabled(False)
        self._start("test")

    def _on_probe_done(self, op: QueryOp[ProbeOutcome], outcome: ProbeOutcome) -> None:
        asked = self._probes.pop(op, None)
        if asked is None:
            return
        params, action = asked
        if params != self.connection_params():
            # The fields changed while the server was asked: the answer is stale.
            self.test_button.setEnabled(True)
            self.refresh_button.setEnabled(self.provider != "offline")
            self._set_status("", "")
            return
        if action == "test":
            self._on_test_done(outcome)
        else:
            self._on_models_done(outcome)

    def _on_test_done(self, outcome: ProbeOutcome) -> None:
        self.test_button.setEnabled(True)
        if outcome.ok:
            self._set_status("success", "Connected", str(outcome.value))
            p = self.connection_params()
            if is_local_url(p.base_url):  # a hosted model bills the check's tokens
                self.model_check.start(
                    CheckParams(
                        p.base_url, p.model, p.api_key, p.timeout, p.connect_timeout, p.label
                    )
                )
        else:
            heading = PROBLEMS.get(outcome.problem, "The connection test failed")
            self._set_status("danger", heading, outcome.message)
        self.connection_tested.emit(outcome.ok, self.status_text())

    def _on_refresh_clicked(self) -> None:
        problem = self._validate()
        if problem and not problem.startswith("Enter a model"):
            self._set_status("danger", "Cannot list models yet", problem)
            self.models_refreshed.emit([])
            return
        self._set_status("busy", "Asking the server for its models…")
        self.refresh_button.setEnabled(False)
        self._start("models")

    def _on_models_done(self, outcome: ProbeOutcome) -> None:
        self.refresh_button.setEnabled(self.provider != "offline")
        if not outcome.ok:
            heading = PROBLEMS.get(outcome.problem, "Could not list the models")
            self._set_status("danger", heading, outcome.message)
            self.models_refreshed.emit([])
            return
        models = [str(m) for m in outcome.value]
        current = self.model_combo.currentText().strip()
        self.model_combo.clear()
        self.model_combo.addItems(models)
        about = dict(outcome.details)
        for i, name in enumerate(models):
            if name in about:
                self.model_combo.setItemData(i, about[name], Qt.ItemDataRole.ToolTipRole)
        if current:
            self.model_combo.setEditText(current)
        elif models:
            self.model_combo.setCurrentIndex(0)
        if not models:
            self._set_status("warning", "The server lists no models", "Load a model first.")
        elif current and current not in models:
            self._set_status(
                "warning",
                f"The server does not list '{current}'",
                f"Pick one of its {len(models)} models from the list.",
            )
        else:
            n = len(models)
            chosen = about.get(self.model_combo.currentText().strip(), "")
            self._set_status("success", f"{n} model{'s' if n != 1 else ''} available", chosen)
        self.models_refreshed.emit(models)

    def _voice_server(self) -> tuple[str, str]:
        """The provider and base URL as they stand, for the Voice page's wording."""
        return self.provider, self.base_url_edit.text().strip()

    def _voice_synthesizer(self) -> Callable[[str], bytes] | None:
        """The server's /v1/audio/speech as the dialog stands, for "Test voice"."""
        params = self.connection_params()
        if params.provider == "offline":
            return None
        return server_synthesizer(params, self.voice_page.values())

    def _on_accepted(self) -> None:
        problem = self._validate() or self._grader_problem()
        if problem:
            self.tabs.setCurrentWidget(self.model_page)
            self._set_status("danger", "Check the settings", problem)
            return
        voice_problem = self.voice_page.problem()
        if voice_problem:
            self.tabs.setCurrentWidget(self.voice_page)
            self.voice_page.show_problem(voice_problem)
            return
        provider = self.provider
        url = self.base_url_edit.text().strip()
        if url == PROVIDER_URLS.get(provider, "") or provider == "offline":
            url = ""  # the preset's own address: store nothing, follow future defaults
        model = self._model_text()
        data = self._settings.model_dump()
        data.update(
            provider=provider,
            base_url=url,
            model=model or DEFAULT_OPENAI_MODEL,
            temperature=round(self.temperature_spin.value(), 2),
            request_timeout=float(self.timeout_spin.value()),
            gap_timeout=float(self.gap_spin.value()) or None,
            context_window=self._context_window(),
            grade_samples=self.samples_spin.value(),
            grader=self._grader_settings().model_dump(),
        )
        data.update(self.voice_page.values())
        if self._settings.provider is None and provider == self._initial_provider:
            # Left on what "automatic" chose: stay automatic, so setting OPENAI_API_KEY
            # later still switches to OpenAI without a visit to Settings.
            data["provider"] = None
        try:
            new = Settings.model_validate(data)
        except ValidationError as exc:
            self._set_status("danger", "Check the settings", str(exc).splitlines()[0])
            return
        typed = self.key_edit.text().strip()
        if typed:
            self._secrets.set(typed)
        elif self._forget_key:
            self._secrets.set("")
        self.key_edit.clear()
        grader_key = self.grader_key_edit.text().strip()
        if grader_key and new.grader.kind == "model":
            self._grader_secrets().set(grader_key)  # the main store: the key above
        self.grader_key_edit.clear()
        self.result_settings = new
        self.settings_saved.emit(new)
        self.accept()


__all__ = ["PRESETS", "ConnectionParams", "ProbeOutcome", "SettingsDialog", "run_probe"]
