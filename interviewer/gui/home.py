"""The home screen: pick a track, set the options, see which model runs, start.

The screen only collects choices; it emits `start_requested` with a `StartOptions` and
the controller decides whether an interview can start. Broken content files are listed
unobtrusively at the bottom (the good files still load), never in a dialog.

The candidate's own choices (per track, plus "repeat") are kept in a `HomeChoices` and
announced with `choices_changed`; the window writes them, so a restart restores them.
How much of a track has been practised comes in through `set_history`, read from the
session store by the window.

The screen can also be filled before the app has loaded (issue 18, gui/boot.py):
`set_index` takes the small cached track index (`storage.track_index`) and the choices
read by `read_choices`, both plain data, so this module imports no pydantic model, no
content code and no controller (their names are imported for type checking only, and
at first use once the app has loaded). Until `set_library` brings the real content,
every control works; Start announces `start_waiting` instead of `start_requested` (the
shell remembers it and starts once it can), and changed choices are kept in `unsaved`
rather than announced (nobody writes them yet; the shell does, before the window takes
the screen over).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QPainter, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from interviewer.gui.widgets import PRIMARY_BUTTON_CSS, scaled_font

if TYPE_CHECKING:
    from interviewer.core.content import ContentLibrary, QuestionHistory
    from interviewer.core.models import Track
    from interviewer.gui.controller import StartOptions
    from interviewer.storage.settings import HomeChoices

CATEGORY_NAMES = {"technical": "Technical", "behavioral": "Behavioral", "case_study": "Case study"}
DIFFICULTIES = [
    ("", "Track default"),
    ("easy", "Easy"),
    ("medium", "Medium"),
    ("hard", "Hard"),
    ("mixed", "Mixed"),
]


#: Widest the home screen gets (px); a wider window centres it.
MAX_WIDTH = 1240
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
META_ROLE = Qt.ItemDataRole.UserRole + 2


class HomeTrack(Protocol):
    """What the screen reads of a track: a `core.models.Track`, or an `IndexTrack`."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def duration_minutes(self) -> int: ...
    @property
    def question_count(self) -> int: ...
    @property
    def follow_up_limit(self) -> int: ...
    @property
    def coding_option(self) -> bool: ...


@dataclass(frozen=True)
class IndexTrack:
    """A track as the cached index has it (`index_entry`): what the screen shows, and
    the ids of the questions it can ask."""

    id: str
    name: str
    meta: str
    description: str
    duration_minutes: int
    question_count: int
    follow_up_limit: int
    coding_option: bool
    bank: tuple[str, ...]

    @classmethod
    def from_entry(cls, entry: Mapping[str, Any]) -> IndexTrack | None:
        """None for an entry without every field of the screen's (an older index)."""
        try:
            made = cls(
                id=entry["id"],
                name=entry["name"],
                meta=entry["meta"],
                description=entry["description"],
                duration_minutes=entry["duration_minutes"],
                question_count=entry["question_count"],
                follow_up_limit=entry["follow_up_limit"],
                coding_option=entry["coding_option"],
                bank=tuple(entry["bank"]),
            )
        except (KeyError, TypeError):
            return None
        texts = (made.id, made.name, made.meta, made.description, *made.bank)
        numbers = (made.duration_minutes, made.question_count, made.follow_up_limit)
        if not all(isinstance(t, str) for t in texts) or not isinstance(made.coding_option, bool):
            return None
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            return None
        return made if made.duration_minutes > 0 and made.question_count > 0 else None


def index_entry(track: Track, bank: Sequence[str]) -> dict[str, Any]:
    """The cached index's entry for a track (`IndexTrack`; gui/boot.py's skeleton reads
    the first four fields)."""
    return {
        "id": track.id,
        "name": track.name,
        "meta": track_meta(track),
        "description": track.description,
        "duration_minutes": track.duration_minutes,
        "question_count": track.question_count,
        "follow_up_limit": track.follow_up_limit,
        "coding_option": track.coding_option,
        "bank": list(bank),
    }


def track_bank(library: ContentLibrary, track: Track) -> list[str]:
    """The ids of the questions a track can ask: its explicit list and its share of the bank."""
    known = library.questions
    explicit = [q for q in track.questions if q in known]
    return explicit + [q.id for q in library.questions_for(track) if q.id not in explicit]


@dataclass
class TrackPicks:
    """`storage.settings.TrackChoices` as plain data (that module is a pydantic one)."""

    questions: int | None = None
    minutes: int | None = None
    difficulty: str = ""
    follow_ups: bool | None = None


@dataclass
class Picks:
    """`storage.settings.HomeChoices` as plain data: what the screen keeps."""

    track_id: str = ""
    repeat: bool = False
    adaptive: bool = False
    tracks: dict[str, TrackPicks] = field(default_factory=dict)

    @classmethod
    def of(cls, choices: HomeChoices) -> Picks:
        return cls(
            track_id=choices.track_id,
            repeat=choices.repeat,
            adaptive=choices.adaptive,
            tracks={
                tid: TrackPicks(t.questions, t.minutes, t.difficulty, t.follow_ups)
                for tid, t in choices.tracks.items()
            },
        )

    def choices(self) -> HomeChoices:
        from interviewer.storage.settings import HomeChoices, TrackChoices

        return HomeChoices(
            track_id=self.track_id,
            repeat=self.repeat,
            adaptive=self.adaptive,
            tracks={
                tid: TrackChoices(
                    questions=t.questions,
                    minutes=t.minutes,
                    difficulty=t.difficulty,  # type: ignore[arg-type]  # one of DIFFICULTIES
                    follow_ups=t.follow_ups,
                )
                for tid, t in self.tracks.items()
            },
        )


class _Refused(ValueError):
    """A value `TrackChoices` would not accept."""


_TRUE = {"1", "on", "t", "true", "y", "yes"}
_FALSE = {"0", "off", "f", "false", "n", "no"}


def _whole(value: Any, low: int, high: int) -> int | None:
    """pydantic's lax int (a bool, a whole float, a number written as text), in range."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str):
        try:
            value = float(value.strip()) if "." in value else int(value.strip())
        except ValueError:
            raise _Refused(value) from None
    if isinstance(value, float):
        if not value.is_integer():
            raise _Refused(value)
        value = int(value)
    if not isinstance(value, int) or not low <= value <= high:
        raise _Refused(value)
    return int(value)


def _yes_no(value: Any) -> bool | None:
    """pydantic's lax bool: also 0 and 1, and yes/no words."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise _Refused(value)


def read_choices(path: Path) -> Picks:
    """`storage.settings.load_home_choices` without pydantic, for the screen filled before
    the app has loaded; the window applies that function's reading when it takes over. A
    track entry that is not what `TrackChoices` accepts is dropped, as there."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Picks()
    if not isinstance(data, dict):
        return Picks()
    tracks: dict[str, TrackPicks] = {}
    raw_tracks = data.get("tracks")
    levels = {value for value, _text in DIFFICULTIES}
    for tid, raw in raw_tracks.items() if isinstance(raw_tracks, dict) else ():
        if not isinstance(raw, dict):
            continue
        difficulty = raw.get("difficulty", "")
        if not isinstance(difficulty, str) or difficulty not in levels:
            continue
        try:
            tracks[str(tid)] = TrackPicks(
                questions=_whole(raw.get("questions"), 1, 500),
                minutes=_whole(raw.get("minutes"), 1, 1440),
                difficulty=difficulty,
                follow_ups=_yes_no(raw.get("follow_ups")),
            )
        except _Refused:
            continue
    track_id = data.get("track_id")
    return Picks(
        track_id=track_id if isinstance(track_id, str) else "",
        repeat=data.get("repeat") is True,
        tracks=tracks,
    )


def track_meta(track: Track) -> str:
    cats = ", ".join(CATEGORY_NAMES.get(c, c) for c in track.categories)
    n = track.question_count
    return f"{track.duration_minutes} min · {n} question{'s' if n != 1 else ''} · {cats}"


def practised_text(total: int, practised: int) -> str:
    """The track card's line about how much of the track's bank has been practised."""
    noun = f"{total} question{'s' if total != 1 else ''}"
    if practised <= 0:
        return f"{noun} in this track; you have not practised any of them yet."
    if practised >= total:
        first = "it comes" if total == 1 else "the ones you scored lowest on come"
        return f"You have practised all {noun} in this track: {first} back first."
    return f"You have practised {practised} of {noun} in this track."


def _card(name: str) -> QFrame:
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(
        f"QFrame#{name} {{ background: palette(base); border: 1px solid palette(mid);"
        " border-radius: 8px; }"
    )
    return frame


class TrackDelegate(QStyledItemDelegate):
    """Two lines per track: the name in bold, the duration and contents below, muted."""

    PAD = 8

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont]:
        bold = QFont(option.font)
        bold.setBold(True)
        small = QFont(option.font)
        if small.pointSizeF() > 0:
            small.setPointSizeF(small.pointSizeF() * 0.9)
        return bold, small

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        bold, small = self._fonts(option)
        height = QFontMetrics(bold).height() + QFontMetrics(small).height() + 2 * self.PAD + 2
        return QSize(200, height)

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        option.text = ""  # the base class paints background and selection; we paint text

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        super().paint(painter, option, index)
        name = str(index.data(NAME_ROLE) or "")
        meta = str(index.data(META_ROLE) or "")
        bold, small = self._fonts(option)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        main = pal.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = main if selected else pal.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(self.PAD + 2, self.PAD, -self.PAD, -self.PAD)
        painter.save()
        painter.setFont(bold)
        painter.setPen(main)
        fm = QFontMetrics(bold)
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            fm.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.setFont(small)
        painter.setPen(muted)
        rect.setTop(rect.top() + fm.height() + 2)
        painter.drawText(
            rect,
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop),
            QFontMetrics(small).elidedText(meta, Qt.TextElideMode.ElideRight, rect.width()),
        )
        painter.restore()


class FitScrollArea(QScrollArea):
    """A scroll area that asks for its content's full height, and scrolls only when short
    of room (a plain QScrollArea asks for a fixed, smaller size and scrolls too early)."""

    def sizeHint(self) -> QSize:
        inner = self.widget()
        if inner is None:
            return super().sizeHint()
        width = self.viewport().width() or inner.sizeHint().width()
        lay = inner.layout()
        height = (
            lay.totalHeightForWidth(width)
            if lay is not None and lay.hasHeightForWidth()
            else inner.sizeHint().height()
        )
        frame = 2 * self.frameWidth()
        return QSize(inner.sizeHint().width() + frame, max(height, 0) + frame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.updateGeometry()  # wrapped text changes height with the width


class HomeView(QWidget):
    start_requested = Signal(object)  # StartOptions
    settings_requested = Signal()
    history_requested = Signal()
    progress_requested = Signal()
    #: "Practise for a job": open the job screen (issue 17).
    job_requested = Signal()
    #: The candidate changed a choice worth remembering (a HomeChoices to persist).
    choices_changed = Signal(object)
    #: Start, while the screen is filled from the cached index (`set_index`): the app
    #: has not loaded yet, so there is nothing to start with.
    start_waiting = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Home")
        #: The content; None until `set_library` (nothing, or the cached index, shown).
        self.library: ContentLibrary | None = None
        self._tracks: list[HomeTrack] = []
        #: Filled from the cached index (`set_index`), not from the content yet.
        self.from_index = False
        #: While `from_index`: the candidate changed a choice (`choices()` has it).
        self.unsaved = False
        self._history: Mapping[str, QuestionHistory] | None = None
        self._choices = Picks()
        #: The question ids of each track's bank, found on first use (`_bank`).
        self._banks: dict[str, list[str]] = {}
        # True while the screen sets its own widgets (a track's defaults or saved
        # choices), so only the candidate's own changes are remembered.
        self._applying = False
        self._build_ui()

    # -------------------------------------------------------------- construction

    def _build_ui(self) -> None:
        centre = QHBoxLayout(self)
        centre.setContentsMargins(0, 0, 0, 0)
        page = QWidget()
        page.setMaximumWidth(MAX_WIDTH)
        centre.addWidget(page)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(20, 16, 20, 14)
        outer.setSpacing(12)

        heading = QLabel("Practise a machine learning engineer interview")
        heading.setFont(scaled_font(self, 1.5, bold=True))
        heading.setWordWrap(True)
        sub = QLabel(
            "Pick a track, answer against the clock, and get every answer graded against "
            "a rubric with quoted evidence."
        )
        sub.setWordWrap(True)
        sub.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        head_row = QHBoxLayout()
        head_row.setSpacing(8)
        head_text = QVBoxLayout()
        head_text.setSpacing(4)
        head_text.addWidget(heading)
        head_text.addWidget(sub)
        head_row.addLayout(head_text, 1)
        self.history_button = QPushButton("&History")
        self.history_button.setAccessibleName("Show history")
        self.history_button.setToolTip("Past interviews: open, export or delete them (Ctrl+H)")
        self.history_button.clicked.connect(self.history_requested)
        self.progress_button = QPushButton("&Progress")
        self.progress_button.setAccessibleName("Show progress")
        self.progress_button.setToolTip(
            "Scores over time, your weakest topics, and a practice built from them (Ctrl+Shift+P)"
        )
        self.progress_button.clicked.connect(self.progress_requested)
        self.job_button = QPushButton("Practise for a &job…")
        self.job_button.setAccessibleName("Practise for a job")
        self.job_button.setToolTip(
            "Open or paste a job posting (and your CV) and practise an interview planned for it"
        )
        self.job_button.clicked.connect(self.job_requested)
        head_row.addWidget(self.job_button, 0, Qt.AlignmentFlag.AlignTop)
        for b in (self.history_button, self.progress_button):
            b.setAutoDefault(False)
            head_row.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        outer.addLayout(head_row)

        body = QHBoxLayout()
        body.setSpacing(16)
        outer.addLayout(body, 1)

        left = QVBoxLayout()
        tracks_label = QLabel("&Tracks")
        tracks_label.setFont(scaled_font(self, 1.0, bold=True))
        self.track_list = QListWidget()
        self.track_list.setAccessibleName("Tracks")
        self.track_list.setAccessibleDescription("Choose the kind of interview to practise")
        self.track_list.setMinimumWidth(240)
        self.track_list.setItemDelegate(TrackDelegate(self.track_list))
        self.track_list.setUniformItemSizes(True)
        self.track_list.currentRowChanged.connect(self._on_track_changed)
        self.track_list.itemActivated.connect(lambda _item: self._on_start())
        tracks_label.setBuddy(self.track_list)
        left.addWidget(tracks_label)
        left.addWidget(self.track_list, 1)
        body.addLayout(left, 2)

        # The right column scrolls rather than squeezing its wrapped text on small windows.
        right_widget = QWidget()
        right_widget.setObjectName("homeRight")
        right_widget.setStyleSheet("QWidget#homeRight { background: transparent; }")
        right = QVBoxLayout(right_widget)
        right.setContentsMargins(0, 0, 4, 0)
        right.setSpacing(12)
        details = _card("trackCard")
        dl = QVBoxLayout(details)
        dl.setContentsMargins(16, 14, 16, 14)
        self.track_name = QLabel()
        self.track_name.setFont(scaled_font(self, 1.25, bold=True))
        self.track_name.setWordWrap(True)
        self.track_meta = QLabel()
        self.track_meta.setWordWrap(True)
        self.track_meta.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.track_description = QLabel()
        self.track_description.setWordWrap(True)
        self.track_description.setTextFormat(Qt.TextFormat.PlainText)
        self.track_bank = QLabel()
        self.track_bank.setAccessibleName("Questions practised")
        self.track_bank.setWordWrap(True)
        self.track_bank.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        dl.addWidget(self.track_name)
        dl.addWidget(self.track_meta)
        dl.addSpacing(4)
        dl.addWidget(self.track_description)
        dl.addWidget(self.track_bank)
        right.addWidget(details)

        options = _card("optionsCard")
        form = QFormLayout(options)
        form.setContentsMargins(16, 14, 16, 14)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.difficulty = QComboBox()
        for value, text in DIFFICULTIES:
            self.difficulty.addItem(text, value)
        self.difficulty.setAccessibleName("Difficulty")
        self.count = QSpinBox()
        self.count.setRange(1, 50)
        self.count.setAccessibleName("Number of questions")
        self.count.valueChanged.connect(self._on_count_changed)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 480)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Interview length in minutes")
        self.follow_ups = QCheckBox("Ask follow-up questions")
        self.follow_ups.setAccessibleName("Ask follow-up questions")
        self.follow_ups.setChecked(True)
        self.repeat = QCheckBox("&Repeat questions I've already practised")
        self.repeat.setAccessibleName("Repeat questions I've already practised")
        self.repeat.setToolTip(
            "Off: questions you have not practised come first, then the ones you scored "
            "lowest on. On: any question of the track, at random."
        )
        self.difficulty.currentIndexChanged.connect(self._on_choice_changed)
        self.minutes.valueChanged.connect(self._on_choice_changed)
        self.follow_ups.toggled.connect(self._on_choice_changed)
        self.repeat.toggled.connect(self._on_repeat_toggled)
        self.adaptive = QCheckBox("&Adaptive difficulty")
        self.adaptive.setAccessibleName("Adaptive difficulty")
        self.adaptive.setToolTip(
            "The next question is harder after a strong answer and easier after a weak "
            "one (every track and job plans)"
        )
        self.adaptive.toggled.connect(self._on_adaptive_toggled)
        form.addRow("&Difficulty:", self.difficulty)
        form.addRow("&Questions:", self.count)
        form.addRow("&Length:", self.minutes)
        form.addRow("", self.follow_ups)
        form.addRow("", self.repeat)
        form.addRow("", self.adaptive)
        # Shown only for a track that offers it (Track.coding_option: the full loop).
        self.include_coding = QCheckBox("Include a &coding question")
        self.include_coding.setAccessibleName("Include a coding question")
        self.include_coding.setToolTip(
            "Adds one ML coding problem as the last question: write a Python/NumPy "
            "function in an editor, checked by hidden tests"
        )
        self.include_coding.setVisible(False)
        form.addRow("", self.include_coding)
        right.addWidget(options)

        model = _card("modelCard")
        ml = QVBoxLayout(model)
        ml.setContentsMargins(16, 12, 16, 12)
        backend_row = QHBoxLayout()
        self.backend_label = QLabel()
        self.backend_label.setAccessibleName("Interviewer model")
        self.backend_label.setWordWrap(True)
        self.backend_label.setTextFormat(Qt.TextFormat.PlainText)
        self.settings_button = QPushButton("Se&ttings…")
        self.settings_button.setAccessibleName("Open settings")
        self.settings_button.setToolTip(
            "Choose OpenAI, a local server or the offline coach (Ctrl+,)"
        )
        self.settings_button.clicked.connect(self.settings_requested)
        backend_row.addWidget(self.backend_label, 1)
        backend_row.addWidget(self.settings_button)
        ml.addLayout(backend_row)
        self.backend_notice = QLabel()
        self.backend_notice.setWordWrap(True)
        self.backend_notice.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.backend_notice.setVisible(False)
        ml.addWidget(self.backend_notice)
        right.addWidget(model)

        scroll = FitScrollArea()
        scroll.setWidget(right_widget)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.viewport().setAutoFillBackground(False)
        right_widget.setAutoFillBackground(False)
        column = QVBoxLayout()
        column.setSpacing(12)
        scroll.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        column.addWidget(scroll)
        start_row = QHBoxLayout()
        self.start_button = QPushButton("&Start interview")
        self.start_button.setAccessibleName("Start interview")
        self.start_button.setToolTip("Start the interview (Enter)")
        self.start_button.setDefault(True)
        self.start_button.setObjectName("primaryButton")
        self.start_button.setFont(scaled_font(self, 1.1, bold=True))
        self.start_button.setMinimumHeight(40)
        self.start_button.setStyleSheet(PRIMARY_BUTTON_CSS)
        self.start_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start_button.clicked.connect(self._on_start)
        start_row.addWidget(self.start_button)
        column.addLayout(start_row)
        column.addStretch(1)
        body.addLayout(column, 3)

        # Content that failed to load: one quiet line, details on request.
        errors_row = QHBoxLayout()
        self.errors_label = QLabel()
        self.errors_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.errors_toggle = QToolButton()
        self.errors_toggle.setText("Show details")
        self.errors_toggle.setAutoRaise(True)
        self.errors_toggle.setCheckable(True)
        self.errors_toggle.setAccessibleName("Show content errors")
        self.errors_toggle.toggled.connect(self._on_errors_toggled)
        errors_row.addWidget(self.errors_label)
        errors_row.addWidget(self.errors_toggle)
        errors_row.addStretch(1)
        self.errors_box = QPlainTextEdit()
        self.errors_box.setReadOnly(True)
        self.errors_box.setAccessibleName("Content errors")
        self.errors_box.setMaximumHeight(110)
        self.errors_box.setVisible(False)
        self.errors_widget = QWidget()
        ew = QVBoxLayout(self.errors_widget)
        ew.setContentsMargins(0, 0, 0, 0)
        ew.addLayout(errors_row)
        ew.addWidget(self.errors_box)
        self.errors_widget.setVisible(False)
        outer.addWidget(self.errors_widget)

        QWidget.setTabOrder(self.track_list, self.difficulty)
        QWidget.setTabOrder(self.difficulty, self.count)
        QWidget.setTabOrder(self.count, self.minutes)
        QWidget.setTabOrder(self.minutes, self.follow_ups)
        QWidget.setTabOrder(self.follow_ups, self.repeat)
        QWidget.setTabOrder(self.repeat, self.adaptive)
        QWidget.setTabOrder(self.adaptive, self.settings_button)
        QWidget.setTabOrder(self.adaptive, self.include_coding)
        QWidget.setTabOrder(self.settings_button, self.start_button)
        QWidget.setTabOrder(self.start_button, self.history_button)
        QWidget.setTabOrder(self.history_button, self.progress_button)

    # -------------------------------------------------------------- data in

    def set_library(self, library: ContentLibrary) -> None:
        self.library = library
        self.from_index = False
        self._banks = {}
        tracks = sorted(library.tracks.values(), key=lambda t: (t.name.lower(), t.id))
        self._fill([(t, track_meta(t)) for t in tracks], [str(e) for e in library.errors])

    def set_index(
        self, entries: Sequence[Mapping[str, Any]], errors: Sequence[str], choices: Picks
    ) -> bool:
        """Fill the screen from the cached track index before the app has loaded (see the
        module's doc); False, and nothing changed, when an entry lacks a field."""
        tracks = [IndexTrack.from_entry(e) for e in entries]
        known = [t for t in tracks if t is not None]
        if len(known) != len(tracks):
            return False
        self.from_index = True
        self._banks = {t.id: list(t.bank) for t in known}
        self._fill([(t, t.meta) for t in known], list(errors))
        self._set_picks(choices)
        return True

    def _fill(self, tracks: Sequence[tuple[HomeTrack, str]], errors: Sequence[str]) -> None:
        self._tracks = [track for track, _meta in tracks]
        # Quietly: emptying a list moves its current row through the others, which would
        # pick one of the new tracks as the candidate's choice.
        self.track_list.blockSignals(True)
        self.track_list.clear()
        self.track_list.blockSignals(False)
        for track, meta in tracks:
            item = QListWidgetItem(track.name)
            item.setData(Qt.ItemDataRole.UserRole, track.id)
            item.setData(NAME_ROLE, track.name)
            item.setData(META_ROLE, meta)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{track.name}, {meta}")
            item.setToolTip(track.description)
            self.track_list.addItem(item)
        if self._tracks:
            self._applying = True
            try:
                self.track_list.setCurrentRow(self._row_of(self._choices.track_id, 0))
            finally:
                self._applying = False
        else:
            self._on_track_changed(-1)
        self._show_errors(errors)

    def set_choices(self, choices: HomeChoices) -> None:
        """Restore the choices of an earlier launch: the track, and each track's options."""
        self._set_picks(Picks.of(choices))

    def _set_picks(self, picks: Picks) -> None:
        choices = self._choices = picks
        self._applying = True
        try:
            self.repeat.setChecked(choices.repeat)
            self.adaptive.setChecked(choices.adaptive)
            row = self._row_of(choices.track_id, self.track_list.currentRow())
            if row != self.track_list.currentRow():
                self.track_list.setCurrentRow(row)
            else:
                self._on_track_changed(row)
        finally:
            self._applying = False

    def choices(self) -> HomeChoices:
        return self._choices.choices()

    def _announce(self) -> None:
        """A choice changed: announced, or kept while filled from the index."""
        if self.from_index:
            self.unsaved = True
        else:
            self.choices_changed.emit(self.choices())

    def set_history(self, history: Mapping[str, QuestionHistory]) -> None:
        """What the candidate has practised (from the session store), for the count shown."""
        self._history = history
        self._show_practised(self.current_track())

    def _row_of(self, track_id: str, default: int) -> int:
        for row, track in enumerate(self._tracks):
            if track.id == track_id:
                return row
        return default

    def set_backend(self, label: str, name: str, notice: str = "") -> None:
        self.backend_label.setText(f"Interviewer model: {label}")
        if name == "offline" and not notice:
            notice = (
                "The offline coach asks the questions as written and grades with transparent "
                "heuristics, with no network. Open Settings to use OpenAI or a local model."
            )
        self.backend_notice.setText(notice)
        self.backend_notice.setVisible(bool(notice))

    def select_track(self, track_id: str) -> None:
        for row, track in enumerate(self._tracks):
            if track.id == track_id:
                self.track_list.setCurrentRow(row)
                return

    def _show_errors(self, errors: Sequence[str]) -> None:
        self.errors_widget.setVisible(bool(errors))
        n = len(errors)
        self.errors_label.setText(
            f"{n} content file problem{'s' if n != 1 else ''}: the rest loaded normally."
        )
        self.errors_box.setPlainText("\n".join(errors))

    # -------------------------------------------------------------- data out

    def current_track(self) -> HomeTrack | None:
        row = self.track_list.currentRow()
        return self._tracks[row] if 0 <= row < len(self._tracks) else None

    def options(self) -> StartOptions | None:
        track = self.current_track()
        if track is None:
            return None
        from interviewer.gui.controller import StartOptions  # loaded with the app

        difficulty = self.difficulty.currentData()
        return StartOptions(
            track_id=track.id,
            question_count=self.count.value(),
            minutes=float(self.minutes.value()),
            difficulty=difficulty or None,
            follow_ups=self.follow_ups.isChecked(),
            repeat=self.repeat.isChecked(),
            adaptive=self.adaptive.isChecked(),
            include_coding=track.coding_option and self.include_coding.isChecked(),
        )

    # -------------------------------------------------------------- events

    def _on_track_changed(self, row: int) -> None:
        track = self._tracks[row] if 0 <= row < len(self._tracks) else None
        self.start_button.setEnabled(track is not None)
        for w in (self.difficulty, self.count, self.minutes, self.follow_ups, self.repeat):
            w.setEnabled(track is not None)
        self.include_coding.setVisible(track is not None and track.coding_option)
        if track is None:
            self.track_name.setText("No tracks available")
            self.track_meta.setText("")
            self.track_description.setText(
                "No interview track could be loaded. See the problems listed below."
            )
            self.track_bank.setText("")
            return
        self.track_name.setText(track.name)
        self.track_meta.setText(str(self.track_list.item(row).data(META_ROLE) or ""))
        self.track_description.setText(track.description)
        self._show_practised(track)
        available = len(self._bank(track))
        saved = self._choices.tracks.get(track.id, TrackPicks())
        applying, self._applying = self._applying, True
        try:
            index = self.difficulty.findData(saved.difficulty)
            self.difficulty.setCurrentIndex(max(0, index))
            self.count.blockSignals(True)
            self.count.setRange(1, max(1, available))
            self.count.setValue(saved.questions or track.question_count)
            self.count.blockSignals(False)
            if saved.minutes is not None:
                self.minutes.setValue(saved.minutes)
            elif saved.questions is not None:
                self._on_count_changed(self.count.value())
            else:
                self.minutes.setValue(track.duration_minutes)
            can_follow = track.follow_up_limit > 0
            wanted = saved.follow_ups if saved.follow_ups is not None else True
            self.follow_ups.setChecked(can_follow and wanted)
            self.follow_ups.setEnabled(can_follow)
        finally:
            self._applying = applying
        if not self._applying and self._choices.track_id != track.id:
            self._choices.track_id = track.id
            self._announce()

    def _bank(self, track: HomeTrack) -> list[str]:
        """The ids of the questions this track can ask (`track_bank`, kept per track)."""
        bank = self._banks.get(track.id)
        if bank is None:
            library = self.library
            assert library is not None  # only index tracks come without it, banks known
            bank = self._banks[track.id] = track_bank(library, library.tracks[track.id])
        return bank

    def _show_practised(self, track: HomeTrack | None) -> None:
        if track is None:
            return
        bank = self._bank(track)
        if self._history is None:
            n = len(bank)
            self.track_bank.setText(f"{n} question{'s' if n != 1 else ''} in the bank")
        else:
            # core.content.practised_count, by id (that module loads the content models).
            history = self._history
            done = sum(1 for q in bank if (h := history.get(q)) is not None and h.times_seen)
            self.track_bank.setText(practised_text(len(bank), done))

    def _on_count_changed(self, value: int) -> None:
        """Scale the suggested length with the number of questions (the track's pace)."""
        track = self.current_track()
        if track is None:
            return
        per_question = track.duration_minutes / track.question_count
        self.minutes.setValue(max(1, round(per_question * value)))
        self._on_choice_changed()

    def _on_choice_changed(self) -> None:
        """Remember the candidate's own change, per track (repeat is one for all tracks)."""
        track = self.current_track()
        if self._applying or track is None:
            return
        self._choices.track_id = track.id
        self._choices.tracks[track.id] = TrackPicks(
            questions=self.count.value(),
            minutes=self.minutes.value(),
            difficulty=self.difficulty.currentData() or "",
            follow_ups=self.follow_ups.isChecked() if self.follow_ups.isEnabled() else None,
        )
        self._announce()

    def _on_repeat_toggled(self, checked: bool) -> None:
        """One choice for every track; it leaves the tracks' own options as they are."""
        if self._applying:
            return
        self._choices.repeat = checked
        self._announce()

    def _on_adaptive_toggled(self, checked: bool) -> None:
        """One choice for every track and job plan, like repeat."""
        if self._applying:
            return
        self._choices.adaptive = checked
        self._announce()

    def _on_errors_toggled(self, shown: bool) -> None:
        self.errors_box.setVisible(shown)
        self.errors_toggle.setText("Hide details" if shown else "Show details")

    def _on_start(self) -> None:
        if self.from_index:
            self.start_waiting.emit()
            return
        options = self.options()
        if options is not None:
            self.start_requested.emit(options)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter starts the interview from anywhere on this screen (buttons aside)."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._on_start()
            event.accept()
            return
        super().keyPressEvent(event)
