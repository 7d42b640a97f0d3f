"""WAV files in and out: 16 kHz mono int16 inside the app, anything common on the way in.

Reading parses the RIFF chunks itself instead of using the stdlib `wave` reader, for two
reasons: `wave` (Python 3.11) refuses IEEE-float and WAVE_FORMAT_EXTENSIBLE files, which
many recorders write, and it trusts the data chunk's length, so a recording cut off by a
crash before its header was updated would lose audio or fail. Here a data length that is
0, 0xFFFFFFFF or longer than the file means "up to the end of the file", and bytes after
a short declared length that are not another chunk are read as audio too (the last chunk
a crashed `WavWriter` appended before it could update the header).

Writing uses the stdlib `wave` for whole files; `WavWriter` appends chunk by chunk and
rewrites the two length fields after every chunk, so the file on disk is a valid WAV at
every moment (what the recorder relies on to keep an answer through a crash).

Other rates, stereo and 8/24/32-bit or float files are converted with NumPy (imported
lazily: the `voice` extra brings it): channels averaged, then resampled through the
FFT (an ideal low-pass, no aliasing when going down to 16 kHz).
"""

from __future__ import annotations

import os
import struct
import threading
import wave
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from interviewer.voice.base import SAMPLE_RATE, SAMPLE_WIDTH, VoiceError, VoiceUnavailable

if TYPE_CHECKING:
    import numpy as np

_PCM = 1
_FLOAT = 3
_EXTENSIBLE = 0xFFFE
_HEADER = 44  # RIFF header + fmt chunk (16 bytes) + data chunk header, as written here


def bytes_per_second() -> int:
    return SAMPLE_RATE * SAMPLE_WIDTH


def pcm_seconds(pcm: bytes | bytearray | memoryview) -> float:
    """Duration of 16 kHz mono int16 PCM."""
    return len(pcm) / bytes_per_second()


def _numpy() -> Any:
    try:
        import numpy
    except ImportError:
        raise VoiceUnavailable(
            "Converting audio needs NumPy, part of the voice extra: "
            "pip install 'interviewer[voice]'"
        ) from None
    return numpy


# ---------------------------------------------------------------------------- reading


def _looks_like_chunk(raw: bytes, pos: int) -> bool:
    """Whether another RIFF chunk (a printable id and a length that fits) starts at pos."""
    if pos + 8 > len(raw) or not all(32 <= b < 127 for b in raw[pos : pos + 4]):
        return False
    (size,) = struct.unpack_from("<I", raw, pos + 4)
    return bool(pos + 8 + size <= len(raw))


#: What a file that is not a WAV is, by its first bytes (offset, magic, kind).
_OTHER_KINDS = (
    (0, b"ID3", "an MP3 file"),
    (0, b"\xff\xfb", "an MP3 file"),
    (0, b"\xff\xf3", "an MP3 file"),
    (0, b"\xff\xf2", "an MP3 file"),
    (0, b"fLaC", "a FLAC file"),
    (0, b"OggS", "an Ogg file"),
    (4, b"ftyp", "an MP4/M4A file"),
    (0, b"\x1a\x45\xdf\xa3", "a WebM/Matroska file"),
    (0, b"FORM", "an AIFF file"),
)


def _convert_hint(path: Path) -> str:
    return (
        f"Convert it to WAV first, e.g. `ffmpeg -i {path.name} -ar 16000 -ac 1 "
        f"{path.stem}-16k.wav`, or record the answer again."
    )


def not_wav_message(path: Path, raw: bytes) -> str:
    """Why `raw` is not a WAV file, naming what it looks like and what to do."""
    kind = next((k for at, magic, k in _OTHER_KINDS if raw[at : at + len(magic)] == magic), "")
    if not kind:
        head = raw[:512]
        printable = sum(32 <= b < 127 or b in (9, 10, 13) for b in head)
        if head and printable == len(head):
            kind = "a text file"
    what = f"it looks like {kind}" if kind else "no RIFF/WAVE header"
    if kind == "a text file":
        return (
            f"{path.name} is not a WAV file ({what}). Give the recording of a spoken answer; "
            f"a typed answer is graded with `interviewer grade --answer-file {path.name}`."
        )
    return f"{path.name} is not a WAV file ({what}). {_convert_hint(path)}"


def _parse(path: Path, raw: bytes) -> tuple[dict[str, int], bytes]:
    """The format fields and the audio bytes of a RIFF/WAVE file (see module docstring)."""
    name = path.name
    if len(raw) < 12 or raw[:4] not in (b"RIFF", b"RF64") or raw[8:12] != b"WAVE":
        raise VoiceError(not_wav_message(path, raw))
    fmt: dict[str, int] | None = None
    data: bytes | None = None
    pos = 12
    while pos + 8 <= len(raw):
        chunk_id = raw[pos : pos + 4]
        (size,) = struct.unpack_from("<I", raw, pos + 4)
        body_start = pos + 8
        left = len(raw) - body_start
        if chunk_id == b"fmt ":
            if size < 16 or size > left:
                raise VoiceError(
                    f"{name} is a damaged WAV file (its format chunk is cut short). "
                    + _convert_hint(path)
                )
            tag, channels, rate, _, align, bits = struct.unpack_from("<HHIIHH", raw, body_start)
            if tag == _EXTENSIBLE and size >= 40:
                (tag,) = struct.unpack_from("<H", raw, body_start + 24)
            fmt = {"tag": tag, "channels": channels, "rate": rate, "align": align, "bits": bits}
        elif chunk_id == b"data":
            end = body_start + size
            if size in (0, 0xFFFFFFFF) or size > left:
                end = len(raw)  # header never updated (crash) or streamed: to the end
            elif end + (size & 1) < len(raw) and not _looks_like_chunk(raw, end + (size & 1)):
                end = len(raw)  # audio appended after the last header update
            data = raw[body_start:end]
            pos = end + (size & 1)
            continue
        pos = body_start + size + (size & 1)
    if fmt is None:
        raise VoiceError(f"{name} is a damaged WAV file (no format chunk). {_convert_hint(path)}")
    if data is None:
        raise VoiceError(
            f"{name} is a damaged WAV file (no audio data chunk). {_convert_hint(path)}"
        )
    return fmt, data


def _to_float(fmt: dict[str, int], data: bytes, name: str) -> np.ndarray:
    """Samples as float32 in [-1, 1], shape (frames, channels)."""
    nx = _numpy()
    tag, channels, bits = fmt["tag"], fmt["channels"], fmt["bits"]
    if channels < 1 or fmt["rate"] < 1000:
        raise VoiceError(
            f"{name} has an impossible format ({channels} channels, {fmt['rate']} Hz)."
        )
    width = (bits + 7) // 8
    frame = width * channels
    usable = len(data) - len(data) % frame
    data = data[:usable]
    if tag == _FLOAT and bits == 32:
        x = nx.frombuffer(data, dtype="<f4").astype(nx.float32)
    elif tag == _FLOAT and bits == 64:
        x = nx.frombuffer(data, dtype="<f8").astype(nx.float32)
    elif tag == _PCM and width == 1:
        x = (nx.frombuffer(data, dtype=nx.uint8).astype(nx.float32) - 128.0) / 128.0
    elif tag == _PCM and width == 2:
        x = nx.frombuffer(data, dtype="<i2").astype(nx.float32) / 32768.0
    elif tag == _PCM and width == 3:
        b = nx.frombuffer(data, dtype=nx.uint8).reshape(-1, 3).astype(nx.int32)
        v = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
        v = nx.where(v >= 1 << 23, v - (1 << 24), v)
        x = v.astype(nx.float32) / float(1 << 23)
    elif tag == _PCM and width == 4:
        x = nx.frombuffer(data, dtype="<i4").astype(nx.float32) / float(1 << 31)
    else:
        raise VoiceError(
            f"{name} uses an audio encoding this app cannot read (format {tag}, {bits}-bit). "
            "Save it as PCM or float WAV."
        )
    result: np.ndarray = nx.nan_to_num(x).reshape(-1, channels)
    return result


def resample(samples: np.ndarray, rate: int, target: int = SAMPLE_RATE) -> np.ndarray:
    """Mono float samples at `rate` as `target` Hz (FFT resampling: band-limited)."""
    nx = _numpy()
    if rate == target or len(samples) == 0:
        return samples.astype(nx.float32)
    n_out = max(1, round(len(samples) * target / rate))
    spectrum = nx.fft.rfft(samples.astype(nx.float64))
    keep = n_out // 2 + 1
    if keep <= len(spectrum):
        spectrum = spectrum[:keep]
    else:
        spectrum = nx.concatenate([spectrum, nx.zeros(keep - len(spectrum), dtype=complex)])
    out = nx.fft.irfft(spectrum, n_out) * (n_out / len(samples))
    result: np.ndarray = out.astype(nx.float32)
    return result


def float_to_pcm(samples: np.ndarray) -> bytes:
    nx = _numpy()
    clipped = nx.clip(samples, -1.0, 32767 / 32768)
    return bytes((clipped * 32768.0).round().astype("<i2").tobytes())


def pcm_to_float(pcm: bytes | bytearray | memoryview) -> np.ndarray:
    """16-bit PCM as float32 in [-1, 1] (what faster-whisper takes)."""
    nx = _numpy()
    usable = len(pcm) - len(pcm) % SAMPLE_WIDTH
    result: np.ndarray = nx.frombuffer(bytes(pcm[:usable]), dtype="<i2").astype(nx.float32)
    return result / 32768.0


def read_wav(path: str | os.PathLike[str]) -> bytes:
    """A WAV file as 16 kHz mono int16 PCM bytes, converted if it is anything else.

    Raises VoiceError naming the file for a missing, empty, non-WAV or damaged file.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise VoiceError(f"Audio file not found: {path}") from None
    except IsADirectoryError:
        raise VoiceError(f"{path} is a folder, not an audio file.") from None
    except OSError as exc:
        raise VoiceError(f"Could not read {path}: {exc.strerror or exc}") from None
    if not raw:
        raise VoiceError(
            f"{path.name} is empty (0 bytes): nothing was recorded. Record the answer "
            "again, or give a WAV file that holds speech."
        )
    fmt, data = _parse(path, raw)
    if (fmt["tag"], fmt["bits"], fmt["channels"], fmt["rate"]) == (_PCM, 16, 1, SAMPLE_RATE):
        return data[: len(data) - len(data) % SAMPLE_WIDTH]
    samples = _to_float(fmt, data, path.name)
    mono = samples.mean(axis=1) if samples.shape[1] > 1 else samples[:, 0]
    return float_to_pcm(resample(mono, fmt["rate"]))


def wav_seconds(path: str | os.PathLike[str]) -> float:
    """Duration of a WAV file in seconds (of its audio as this app reads it)."""
    return pcm_seconds(read_wav(path))


# ---------------------------------------------------------------------------- writing


def write_wav(path: str | os.PathLike[str], pcm: bytes | bytearray | memoryview) -> Path:
    """Write 16 kHz mono int16 PCM as a WAV file (replacing it: written aside, then moved)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    try:
        with wave.open(str(tmp), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(SAMPLE_WIDTH)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(bytes(pcm))
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise VoiceError(f"Could not write {path}: {exc.strerror or exc}") from None
    return path


def _header(data_bytes: int) -> bytes:
    return (
        b"RIFF"
        + struct.pack("<I", 36 + data_bytes)
        + b"WAVEfmt "
        + struct.pack("<IHHIIHH", 16, _PCM, 1, SAMPLE_RATE, bytes_per_second(), SAMPLE_WIDTH, 16)
        + b"data"
        + struct.pack("<I", data_bytes)
    )


class WavWriter:
    """Appends 16 kHz mono int16 PCM to a WAV file that stays readable after a crash.

    Each `write` appends the audio, then rewrites the RIFF and data lengths, and flushes
    to the operating system (so a crash of the app keeps everything written). `sync=True`
    also fsyncs every `sync_every` seconds of audio, for a power cut. Thread-safe.
    `append=True` continues an existing file written by this class (resume).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        append: bool = False,
        sync: bool = False,
        sync_every: float = 5.0,
    ) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._sync = sync
        self._sync_bytes = int(sync_every * bytes_per_second())
        self._unsynced = 0
        try:
            if append and self.path.exists() and self.path.stat().st_size > 0:
                existing = read_wav(self.path)  # repairs a header a crash left behind
                self._file = open(self.path, "r+b")  # noqa: SIM115 - closed in close()
                self._file.truncate(0)
                self._file.write(_header(len(existing)) + existing)
                self._bytes = len(existing)
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = open(self.path, "w+b")  # noqa: SIM115 - closed in close()
                self._file.write(_header(0))
                self._bytes = 0
            self._file.flush()
        except OSError as exc:
            raise VoiceError(f"Could not write {self.path}: {exc.strerror or exc}") from None

    @property
    def seconds(self) -> float:
        return self._bytes / bytes_per_second()

    @property
    def closed(self) -> bool:
        return self._file.closed

    def write(self, pcm: bytes | bytearray | memoryview) -> None:
        data = bytes(pcm)
        if not data:
            return
        with self._lock:
            if self._file.closed:
                raise VoiceError(f"{self.path.name} is already closed.")
            try:
                self._file.seek(0, os.SEEK_END)
                self._file.write(data)
                self._bytes += len(data)
                self._file.seek(4)
                self._file.write(struct.pack("<I", 36 + self._bytes))
                self._file.seek(40)
                self._file.write(struct.pack("<I", self._bytes))
                self._file.flush()
                self._unsynced += len(data)
                if self._sync and self._unsynced >= self._sync_bytes:
                    os.fsync(self._file.fileno())
                    self._unsynced = 0
            except OSError as exc:
                raise VoiceError(
                    f"Could not write the recording {self.path}: {exc.strerror or exc}"
                ) from None

    def close(self) -> None:
        with self._lock:
            if self._file.closed:
                return
            try:
                self._file.flush()
                if self._sync:
                    os.fsync(self._file.fileno())
            finally:
                self._file.close()

    def __enter__(self) -> WavWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def repair_wav(path: str | os.PathLike[str]) -> float:
    """Rewrite a recording's header so every player reads all of it (after a crash);
    returns its length in seconds. A file that is already right is left alone."""
    path = Path(path)
    pcm = read_wav(path)
    raw_size = path.stat().st_size
    try:
        with open(path, "rb") as f:
            head = f.read(_HEADER)
    except OSError as exc:
        raise VoiceError(f"Could not read {path}: {exc.strerror or exc}") from None
    if head == _header(len(pcm)) and raw_size == _HEADER + len(pcm):
        return pcm_seconds(pcm)
    write_wav(path, pcm)
    return pcm_seconds(pcm)


def wav_bytes(pcm: bytes | bytearray | memoryview) -> bytes:
    """16 kHz mono int16 PCM as the bytes of a WAV file (for an upload)."""
    return _header(len(pcm)) + bytes(pcm)
