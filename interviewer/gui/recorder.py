"""Spoken answers in the window: audio from the microphone to a WAV file and a transcript.

One code path for every chunk, whatever its source: the `Recorder` polls its
`AudioSource` every `CHUNK_MS`; each chunk is converted to the app's format (16 kHz mono
int16, `interviewer.voice.base`), appended to the answer's WAV file at once (a crash
keeps everything spoken so far), measured for the level meter, and handed to the
streaming transcriber on the recorder's own worker thread. The microphone
(`MicrophoneSource`, Qt Multimedia's `QAudioSource`) and a WAV file (`WavFileSource`,
for tests and for CI, which has no sound card) differ only in where `read()` gets its
bytes; everything after it is shared.

Transcription never runs on the GUI thread (design rule 2): `feed` and `finish` run in
order on a one-thread pool, and their results (the partial text, the final
`Transcript`) come back through a queued signal. A recording that was stopped or
replaced ignores whatever its worker still returns (results carry a generation).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import math
import struct
import time
import wave
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import (
    QObject,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
    qInstallMessageHandler,
)

from interviewer.core.errors import InterviewerError
from interviewer.gui.workers import QueryOp, warm_up
from interviewer.voice.base import SAMPLE_RATE, SAMPLE_WIDTH, Transcript, VoiceError

log = logging.getLogger(__name__)

#: How much audio each poll reads (ms): short enough for a lively meter and quick
#: transcripts, long enough that a chunk is worth a file write.
CHUNK_MS = 100

#: What to install when a spoken answer cannot be recorded or transcribed here.
INSTALL_VOICE = "pip install 'interviewer[voice]' (./run.sh installs it)"


# ---------------------------------------------------------------------------- formats


@dataclass(frozen=True)
class AudioFormat:
    """What a source delivers: samples a second, channels, and the sample kind."""

    rate: int = SAMPLE_RATE
    channels: int = 1
    #: "int16", "uint8", "int32" or "float32" (little-endian, interleaved channels)
    sample: str = "int16"

    @property
    def is_native(self) -> bool:
        return self.rate == SAMPLE_RATE and self.channels == 1 and self.sample == "int16"

    @property
    def bytes_per_frame(self) -> int:
        return self.channels * {"uint8": 1, "int16": 2, "int32": 4, "float32": 4}[self.sample]


class PcmConverter:
    """Turns a source's chunks into 16 kHz mono int16, carrying state across chunks.

    Resampling is linear interpolation: plenty for speech recognition (Whisper resamples
    the same way), and it keeps the chunk boundaries seamless because the last input
    sample and the fractional read position carry over to the next chunk.
    """

    def __init__(self, fmt: AudioFormat) -> None:
        self.fmt = fmt
        self._rest = b""  # an incomplete frame at the end of the last chunk
        self._prev: float | None = None  # the last sample of the last chunk
        self._pos = 0.0  # where the next output sample falls, in input samples

    def convert(self, data: bytes) -> bytes:
        if self.fmt.is_native and not self._rest:
            whole = len(data) - len(data) % SAMPLE_WIDTH
            self._rest = data[whole:]
            return data[:whole]
        import numpy as np

        data = self._rest + data
        frame = self.fmt.bytes_per_frame
        whole = len(data) - len(data) % frame
        self._rest = data[whole:]
        if not whole:
            return b""
        raw = data[:whole]
        kind = self.fmt.sample
        if kind == "int16":
            samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
        elif kind == "uint8":
            samples = (np.frombuffer(raw, dtype=np.uint8).astype(np.float32) - 128.0) / 128.0
        elif kind == "int32":
            samples = np.frombuffer(raw, dtype="<i4").astype(np.float32) / 2147483648.0
        else:
            samples = np.frombuffer(raw, dtype="<f4").astype(np.float32)
        if self.fmt.channels > 1:
            samples = samples.reshape(-1, self.fmt.channels).mean(axis=1)
        if self.fmt.rate != SAMPLE_RATE:
            samples = self._resample(samples)
        clipped = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
        return bytes(clipped.tobytes())

    def _resample(self, samples: Any) -> Any:
        import numpy as np

        # Input positions 0..n-1 are this chunk; position -1 is the last chunk's last sample.
        if self._prev is None:
            src = samples
            first = 0.0
        else:
            src = np.concatenate(([self._prev], samples))
            first = -1.0
        step = self.fmt.rate / SAMPLE_RATE
        last = len(samples) - 1.0
        if len(samples) == 0:
            return samples
        positions = np.arange(self._pos, last + 1e-9, step)
        out = np.interp(positions, np.arange(len(src)) + first, src)
        if len(positions):
            self._pos = float(positions[-1]) + step - len(samples)
        else:
            self._pos -= len(samples)
        self._prev = float(samples[-1])
        return out.astype(np.float32)


def levels(pcm: bytes) -> tuple[float, float]:
    """(RMS, peak) of 16-bit PCM, each 0..1 of full scale; (0, 0) for no samples."""
    count = len(pcm) // SAMPLE_WIDTH
    if not count:
        return 0.0, 0.0
    samples = struct.unpack(f"<{count}h", pcm[: count * SAMPLE_WIDTH])
    peak = max(abs(s) for s in samples) / 32768.0
    rms = math.sqrt(sum(s * s for s in samples) / count) / 32768.0
    return rms, min(1.0, peak)


def meter_value(rms: float) -> float:
    """Where a level sits on the meter (0..1): decibels from -60 dBFS to 0, as meters show it."""
    if rms <= 0:
        return 0.0
    db = 20 * math.log10(rms)
    return max(0.0, min(1.0, (db + 60.0) / 60.0))


# ---------------------------------------------------------------------------- sources


class AudioSource(Protocol):
    """Where the recorder's chunks come from. `open` says the format (raising VoiceError
    when the device cannot be opened), `read` returns what arrived since the last call,
    `exhausted` is True when no more audio will ever come (the end of a file)."""

    def open(self) -> AudioFormat: ...

    def read(self) -> bytes: ...

    def close(self) -> None: ...

    @property
    def exhausted(self) -> bool: ...


def _qt_sample(fmt: Any) -> str:
    from PySide6.QtMultimedia import QAudioFormat

    kinds = {
        QAudioFormat.SampleFormat.UInt8: "uint8",
        QAudioFormat.SampleFormat.Int16: "int16",
        QAudioFormat.SampleFormat.Int32: "int32",
        QAudioFormat.SampleFormat.Float: "float32",
    }
    kind = kinds.get(fmt.sampleFormat())
    if kind is None:
        raise VoiceError("The microphone offers no sample format the app can read.")
    return kind


@contextmanager
def quiet_multimedia() -> Iterator[None]:
    """Qt Multimedia's first use loads its back end, which reports every optional library
    it did not find (VA-API, PipeWire, a PulseAudio server) as a warning on stderr. Those
    say nothing the user can act on here (a missing microphone is reported in plain
    words instead), so while the devices are probed they go to the debug log."""

    def to_log(_mode: Any, context: Any, message: str) -> None:
        log.debug("Qt Multimedia (%s): %s", context.category, message)

    previous = qInstallMessageHandler(to_log)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)


def audio_inputs() -> list[tuple[str, str]]:
    """The microphones Qt sees, as (id, description); [] when Qt Multimedia is missing."""
    with quiet_multimedia():
        try:
            from PySide6.QtMultimedia import QMediaDevices
        except ImportError:
            return []
        return [(device_id(dev), dev.description()) for dev in QMediaDevices.audioInputs()]


def device_id(device: Any) -> str:
    """A QAudioDevice's id as text (what Settings stores for the chosen microphone)."""
    return bytes(device.id().data()).decode("utf-8", "replace")


def _check_permission() -> None:
    """macOS (and sandboxed apps) ask the user before an app may hear the microphone;
    without it a recording is silence. Linux and Windows grant it at once."""
    from PySide6.QtCore import QCoreApplication, QMicrophonePermission

    app = QCoreApplication.instance()
    if app is None:
        return
    permission = QMicrophonePermission()
    status = app.checkPermission(permission)
    if status == Qt.PermissionStatus.Denied:
        raise VoiceError(
            "The app may not use the microphone: allow it in the system's privacy "
            "settings, then press Record again."
        )
    if status == Qt.PermissionStatus.Undetermined:
        app.requestPermission(permission, app, lambda _permission: None)
        raise VoiceError("Allow the app to use the microphone, then press Record again.")


class MicrophoneSource:
    """The microphone, through Qt Multimedia's QAudioSource in pull mode.

    16 kHz mono int16 is asked for; a device that cannot give it is opened in its
    preferred format and the recorder converts. `device_id` "" means the system default.
    """

    def __init__(self, device_id: str = "") -> None:
        self.device_id = device_id
        self._source: Any = None
        self._io: Any = None

    def _device(self) -> Any:
        from PySide6.QtMultimedia import QMediaDevices

        devices = QMediaDevices.audioInputs()
        for dev in devices:
            if (
                self.device_id
                and bytes(dev.id().data()).decode("utf-8", "replace") == self.device_id
            ):
                return dev
        default = QMediaDevices.defaultAudioInput()
        if default.isNull() and devices:
            default = devices[0]
        if default.isNull():
            raise VoiceError(
                "No microphone was found. Plug one in (or allow the app to use it in the "
                "system's privacy settings), then choose it in Settings → Voice."
            )
        return default

    def open(self) -> AudioFormat:
        with quiet_multimedia():
            return self._open()

    def _open(self) -> AudioFormat:
        try:
            from PySide6.QtMultimedia import QAudio, QAudioFormat, QAudioSource
        except ImportError as err:
            raise VoiceError(
                f"Qt Multimedia is not available ({err}); reinstall PySide6 with its Addons."
            ) from err
        _check_permission()
        device = self._device()
        wanted = QAudioFormat()
        wanted.setSampleRate(SAMPLE_RATE)
        wanted.setChannelCount(1)
        wanted.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        fmt = wanted if device.isFormatSupported(wanted) else device.preferredFormat()
        self._source = QAudioSource(device, fmt)
        # A second of room between two polls (100 ms apart): a busy GUI thread loses nothing.
        self._source.setBufferSize(fmt.bytesForDuration(1_000_000))
        self._io = self._source.start()
        if self._io is None or self._source.error() != QAudio.Error.NoError:
            self.close()
            raise VoiceError(f"The microphone '{device.description()}' could not be opened.")
        return AudioFormat(fmt.sampleRate(), fmt.channelCount(), _qt_sample(fmt))

    def read(self) -> bytes:
        if self._io is None:
            return b""
        return bytes(self._io.readAll().data())

    def close(self) -> None:
        if self._source is not None:
            self._source.stop()
        self._source = None
        self._io = None

    @property
    def exhausted(self) -> bool:
        return False


class WavFileSource:
    """A WAV file played into the recorder as if it were being spoken: each `read` gives
    the next `chunk_ms` of audio in the file's own format (the recorder converts it)."""

    def __init__(self, path: Path, chunk_ms: int = CHUNK_MS) -> None:
        self.path = Path(path)
        self.chunk_ms = chunk_ms
        self._wav: wave.Wave_read | None = None
        self._done = False

    def open(self) -> AudioFormat:
        try:
            self._wav = wave.open(str(self.path), "rb")  # noqa: SIM115 - closed in close()
        except (OSError, wave.Error, EOFError) as err:
            raise VoiceError(f"{self.path} is not a WAV file the app can read: {err}") from err
        width = self._wav.getsampwidth()
        kinds = {1: "uint8", 2: "int16", 4: "int32"}
        if width not in kinds:
            raise VoiceError(f"{self.path}: {width * 8}-bit samples are not supported.")
        return AudioFormat(self._wav.getframerate(), self._wav.getnchannels(), kinds[width])

    def read(self) -> bytes:
        if self._wav is None or self._done:
            return b""
        frames = max(1, self._wav.getframerate() * self.chunk_ms // 1000)
        data = self._wav.readframes(frames)
        if not data or self._wav.tell() >= self._wav.getnframes():
            self._done = True
        return data

    def close(self) -> None:
        if self._wav is not None:
            self._wav.close()
        self._wav = None

    @property
    def exhausted(self) -> bool:
        return self._done


# ---------------------------------------------------------------------------- the sink


class AudioSink(Protocol):
    """Where chunks are kept as they arrive: the answer's WAV file
    (`interviewer.voice.wav.WavWriter`, valid on disk after every chunk)."""

    def write(self, pcm: bytes) -> None: ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------- streaming


class Stream(Protocol):
    """The streaming transcriber as the recorder uses it (`interviewer.voice.streaming`):
    `feed` takes the next PCM chunk (it may transcribe a finished phrase, so it runs on the
    worker), `finish` transcribes what is left and returns the whole answer, `cancel`
    stops a recording that is thrown away."""

    def feed(self, pcm: bytes) -> None: ...

    def finish(self, timeout: float | None = None) -> Transcript: ...

    def cancel(self) -> None: ...


#: Builds a stream for one recording; its argument is called with the text so far
#: (from the worker thread: the recorder carries it to the GUI thread).
StreamFactory = Callable[[Callable[[str], None]], Stream]


class Recorder(QObject):
    """Records one spoken answer at a time (see the module docstring)."""

    #: RMS and peak of the last chunk, 0..1 of full scale (see `meter_value`).
    level = Signal(float, float)
    #: Seconds of audio recorded so far in this recording.
    elapsed = Signal(float)
    #: The transcript of this recording so far (its whole text, not a piece).
    partial = Signal(str)
    #: The complete Transcript of this recording, moments after `stop`.
    finished = Signal(object)
    #: A sentence the user can act on (device lost, disk full, transcription failed).
    failed = Signal(str)
    #: Recording started (True) or stopped (False); finishing may still be under way.
    recording_changed = Signal(bool)

    _post = Signal(object)

    def __init__(self, parent: QObject | None = None, *, interval_ms: int = CHUNK_MS) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)  # feed, feed, ..., finish: in order
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._on_poll)
        self._post.connect(self._on_post, Qt.ConnectionType.QueuedConnection)
        self._source: AudioSource | None = None
        self._sink: AudioSink | None = None
        self._stream: Stream | None = None
        self._converter: PcmConverter | None = None
        self._generation = 0
        self._bytes = 0
        self._finishing = False
        self._dropped: list[Stream] = []

    # ------------------------------------------------------------------ state

    @property
    def recording(self) -> bool:
        return self._source is not None

    @property
    def finishing(self) -> bool:
        """Stopped, and the last phrase is still being transcribed."""
        return self._finishing

    @property
    def seconds(self) -> float:
        """Audio recorded by this recording so far."""
        return self._bytes / (SAMPLE_RATE * SAMPLE_WIDTH)

    # ------------------------------------------------------------------ commands

    def start(
        self,
        source: AudioSource,
        sink: AudioSink | None,
        make_stream: StreamFactory | None,
        *,
        needs: tuple[str, ...] = (),
    ) -> None:
        """Open `source` and record: each chunk to `sink` (kept open until the recording
        stops, then closed), the level signal and `make_stream`'s transcriber. `needs`
        names modules the transcriber imports (warmed up on this thread first). Raises
        VoiceError, with nothing started, when the source cannot be opened."""
        if self.recording:
            self.stop()
        fmt = source.open()
        self._generation += 1
        generation = self._generation
        if needs:
            warm_up(needs)

        def on_partial(text: str) -> None:  # called on the worker
            self._post.emit(lambda: self._deliver_partial(generation, text))

        try:
            self._stream = make_stream(on_partial) if make_stream is not None else None
        except BaseException:
            source.close()
            raise
        self._source, self._sink = source, sink
        self._converter = PcmConverter(fmt)
        self._bytes = 0
        self._finishing = False
        self._timer.start()
        self.recording_changed.emit(True)
        self.elapsed.emit(0.0)

    def stop(self) -> None:
        """Stop recording; the complete transcript follows in `finished` (or `failed`)."""
        if self._source is None:
            return
        self._read_chunk()  # what arrived since the last poll is part of the answer
        self._close_capture()
        stream, self._stream = self._stream, None
        self.recording_changed.emit(False)
        if stream is None:
            return
        generation = self._generation
        self._finishing = True
        QueryOp(
            parent=self,
            op=stream.finish,
            success=lambda result: self._deliver_final(generation, result),
            pool=self.pool,
        ).failure(lambda err: self._deliver_final(generation, err)).run_in_background()

    def discard(self) -> None:
        """Stop and forget this recording: nothing it still returns is delivered. What
        was written to the sink stays there."""
        if self._source is not None:
            self._close_capture()
            self.recording_changed.emit(False)
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.cancel()
            # Its thread may still be inside a phrase: forgotten once it has returned,
            # joined at shutdown if the app quits first.
            self._dropped.append(stream)
            QueryOp(
                parent=self, op=lambda: _join(stream), success=lambda _r: self._forget(stream)
            ).run_in_background()
        self._generation += 1
        self._finishing = False

    def _forget(self, stream: Stream) -> None:
        if stream in self._dropped:
            self._dropped.remove(stream)

    def wait(self, msecs: int = -1) -> bool:
        """Block until the worker is idle (closing, and tests)."""
        return bool(self.pool.waitForDone(msecs))

    def shutdown(self, msecs: int = 3000) -> None:
        """The app is quitting: stop, and give a transcription under way `msecs` to
        return (a speech engine's native thread still running when Python exits takes
        the process down with an abort instead of a clean exit)."""
        self.discard()
        deadline = time.monotonic() + msecs / 1000
        for stream in list(self._dropped):
            _join(stream, max(0.0, deadline - time.monotonic()))
        self._dropped.clear()
        self.wait(max(0, int((deadline - time.monotonic()) * 1000)))

    # ------------------------------------------------------------------ the chunk path

    def _close_capture(self) -> None:
        self._timer.stop()
        source, self._source = self._source, None
        sink, self._sink = self._sink, None
        if source is not None:
            source.close()
        if sink is not None:
            try:
                sink.close()
            except (OSError, VoiceError) as err:
                self.failed.emit(f"The recording could not be saved: {err}")

    def _on_poll(self) -> None:
        if self._read_chunk():
            self.stop()

    def _read_chunk(self) -> bool:
        """Take what the source has; True when it has run out (the end of a file)."""
        source, converter = self._source, self._converter
        if source is None or converter is None:
            return False
        raw = source.read()
        if raw:
            self.take(converter.convert(raw))
        return source.exhausted

    def take(self, pcm: bytes) -> None:
        """One converted chunk: kept on disk, measured, and handed to the transcriber."""
        if not pcm:
            return
        if self._sink is not None:
            try:
                self._sink.write(pcm)
            except (OSError, VoiceError) as err:
                self._sink = None  # keep transcribing; the file keeps what it has
                self.failed.emit(f"The recording could not be written to disk: {err}")
        self._bytes += len(pcm)
        rms, peak = levels(pcm)
        self.level.emit(rms, peak)
        self.elapsed.emit(self.seconds)
        stream, generation = self._stream, self._generation
        if stream is not None:
            QueryOp(
                parent=self,
                op=lambda: stream.feed(pcm),
                success=lambda _result: None,
                pool=self.pool,
            ).failure(lambda err: self._deliver_failure(generation, err)).run_in_background()

    # ------------------------------------------------------------------ back on the GUI thread

    @Slot(object)
    def _on_post(self, callback: Callable[[], None]) -> None:
        callback()

    def _deliver_partial(self, generation: int, text: str) -> None:
        if generation == self._generation:
            self.partial.emit(text)

    def _deliver_failure(self, generation: int, err: BaseException) -> None:
        if generation == self._generation:
            self.failed.emit(_problem(err))

    def _deliver_final(self, generation: int, result: Transcript | BaseException) -> None:
        if generation != self._generation:
            return
        self._finishing = False
        if isinstance(result, BaseException):
            self.failed.emit(_problem(result))
        else:
            self.finished.emit(result)


def _join(stream: Stream, timeout: float | None = None) -> None:
    """Wait for a cancelled stream's thread (finish() after cancel() only joins it)."""
    with contextlib.suppress(Exception):  # Cancelled, by design
        stream.finish(timeout=timeout)


def _problem(err: BaseException) -> str:
    if isinstance(err, InterviewerError) and str(err):
        return str(err)
    log.error("transcription failed", exc_info=err)
    return f"Transcription failed ({type(err).__name__}); the log has the details."


def capture_problem() -> str:
    """Why answers cannot be recorded on this machine ("" when they can), with what to do."""
    try:
        with quiet_multimedia():
            import PySide6.QtMultimedia  # noqa: F401
    except ImportError as err:
        return f"Qt Multimedia is not available ({err}); reinstall PySide6 with its Addons."
    if importlib.util.find_spec("numpy") is None:
        return f"Spoken answers need the voice extra: {INSTALL_VOICE}."
    if not audio_inputs():
        return (
            "No microphone was found. Plug one in (or allow the app to use it in the "
            "system's privacy settings), then choose it in Settings → Voice."
        )
    return ""
