"""Replaying a spoken answer's recording from the feedback screen (issue 16).

The player (QMediaPlayer + QAudioOutput from Qt Multimedia) is made on the first click,
not when the button is: a feedback page with ten spoken answers opens no audio device
until the candidate asks to listen, and a machine with no sound card shows the page the
same (the button then says why it cannot play).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtWidgets import QPushButton, QWidget

PLAY = "▶ Play recording"
STOP = "■ Stop"
#: Why nothing can be played on this machine: Qt's media plugin did not load, and every
#: player is "Not available" without an error (libXrandr missing on a fresh Debian).
NO_MEDIA_BACKEND = (
    "this machine cannot play audio: Qt's media plugin did not load, a system library is "
    "missing (`python -m interviewer.syslibs --need gui` names it)"
)


def has_audio_output() -> bool:
    """Whether Qt sees any audio output device (speakers, headphones)."""
    from interviewer.gui.recorder import quiet_multimedia

    with quiet_multimedia():
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError:
            return False
        return bool(QMediaDevices.audioOutputs())


class ReplayButton(QPushButton):
    """Plays (and stops) one recording; `path` is the file it plays."""

    #: Something stopped playback that the candidate should know about.
    problem = Signal(str)

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(PLAY, parent)
        self.path = Path(path)
        self.setAccessibleName("Play the recording of this answer")
        self.setToolTip(f"Listen to this answer as you spoke it ({self.path.name})")
        self.setAutoDefault(False)
        self._player: Any = None
        self._output: Any = None
        self.clicked.connect(self._on_clicked)

    @property
    def playing(self) -> bool:
        return self.text() == STOP

    def _ensure_player(self) -> Any:
        if self._player is None:
            from PySide6.QtMultimedia import QAudioOutput, QMediaPlayer

            self._output = QAudioOutput(self)
            self._player = QMediaPlayer(self)
            self._player.setAudioOutput(self._output)
            self._player.playbackStateChanged.connect(self._on_state_changed)
            self._player.errorOccurred.connect(self._on_error)
            self._player.setSource(QUrl.fromLocalFile(str(self.path)))
        return self._player

    def _on_clicked(self) -> None:
        if not self.path.is_file():
            self._say(f"The recording {self.path.name} is no longer there.")
            return
        if not self.playing and not has_audio_output():
            # Qt would "play" it into nothing and the button would just wait it out.
            self._say(
                "No speakers or headphones were found: connect some (or choose them in "
                f"the system's sound settings) and press Play again. The recording is {self.path}."
            )
            return
        player = self._ensure_player()
        if self.playing:
            player.stop()
            return
        if not player.isAvailable():
            self._say(f"The recording cannot be played: {NO_MEDIA_BACKEND}. It is {self.path}.")
            return
        player.play()
        self.setText(STOP)

    def _on_state_changed(self, state: Any) -> None:
        from PySide6.QtMultimedia import QMediaPlayer

        if state != QMediaPlayer.PlaybackState.PlayingState:
            self.setText(PLAY)

    def _on_error(self, _error: Any, message: str = "") -> None:
        self._say(f"The recording could not be played: {message or 'no audio output'}.")

    def _say(self, text: str) -> None:
        self.setText(PLAY)
        self.setToolTip(text)
        self.problem.emit(text)

    def stop(self) -> None:
        if self._player is not None:
            self._player.stop()
