"""Transcribing an answer while it is spoken, so the transcript is ready when the candidate
stops.

The microphone hands `StreamingTranscriber.feed` 16 kHz mono int16 PCM as it arrives
(any chunk size). An energy-based voice-activity detector looks at 30 ms frames and cuts
the audio into phrases at pauses: a phrase ends after PAUSE_SECONDS of quiet, or, once
it is SOFT_PHRASE_SECONDS long, after the short gap of a comma or a breath
(SHORT_PAUSE_SECONDS); one that runs past MAX_PHRASE_SECONDS is cut anyway, at its
quietest frame near the end (a gap between words, as a rule). The limits keep the
phrase still open when the candidate stops short, because `finish()` waits for it: on
two cores tiny.en needs about a quarter of a phrase's length to transcribe it, so a
20 s cap would leave up to 5 s of waiting; 10 s keeps it near the 2 s target. The text
before each phrase goes with it as the prompt, so a cut mid-sentence reads on.
Finished phrases go to a background thread that transcribes them one at a time, in
order, each with its offset from the start of the answer (so every word time is relative
to the answer) and the text before it as the prompt (context across the cut). Phrases
with no speech in them are never sent to the engine.

`finish()` then only has the last phrase left to do (plus any backlog), which is why the
complete transcript is there moments after the candidate stops: the benchmark measures
it (benchmarks/voice_bench.py).

The detector's threshold follows the room: the floor is the 10th percentile of the last
3 s of frame energies (speech has gaps between syllables, a fan does not), and speech
is what is several times louder than that floor and above an absolute minimum, so
digital silence never counts. The window starts out as a quiet room, so an answer that
begins the moment recording starts is heard from its first frame; steady noise stops
counting as speech about 1.4 s into the recording.

No Qt: `on_update(text)` is called on the worker thread; the window turns it into a
signal. All audio fed is kept (`audio()`), so a caller can store it or transcribe it
again with another engine if this one fails.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from interviewer.core.errors import Cancelled
from interviewer.llm.base import CancelToken
from interviewer.voice.base import (
    SAMPLE_RATE,
    SAMPLE_WIDTH,
    Transcriber,
    Transcript,
    VoiceError,
    Word,
)

FRAME_SECONDS = 0.03
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME_SECONDS)  # 480
FRAME_BYTES = FRAME_SAMPLES * SAMPLE_WIDTH
#: Quiet this long ends a phrase.
PAUSE_SECONDS = 0.6
#: Once a phrase is this long, a shorter pause (a breath between sentences) ends it too,
#: so the phrase still open when the candidate stops stays short (finish() waits on it).
SOFT_PHRASE_SECONDS = 4.0
SHORT_PAUSE_SECONDS = 0.18
#: A phrase longer than this is cut at its quietest frame near the end.
MAX_PHRASE_SECONDS = 10.0
#: Queued phrases are merged into one call up to this length (Whisper's window is 30 s).
MERGE_SECONDS = 28.0
#: Where a long phrase may be cut: within this many seconds of its end.
CUT_WINDOW_SECONDS = 3.0
#: A phrase with less speech than this is not sent to the engine (a cough, a click).
MIN_SPEECH_SECONDS = 0.15
#: Quiet kept before the first speech of a phrase (the rest is dropped, not transcribed).
LEAD_SECONDS = 0.3
#: Speech is this many times louder (RMS) than the room's floor ...
SPEECH_RATIO = 3.0
#: ... and louder than this absolute RMS (about -46 dBFS), so silence never counts.
MIN_SPEECH_RMS = 0.005
#: The room's floor is the quiet end of this many seconds of recent frames ...
FLOOR_SECONDS = 3.0
#: ... which start as this many frames of a quiet room (outvoted after about 1.4 s).
SEED_FRAMES = 5
UpdateCallback = Callable[[str], None]


@dataclass(frozen=True)
class Phrase:
    """A piece of the answer for the engine: bytes [start, end) of the answer's audio."""

    start: int
    end: int
    #: How many phrases the detector cut this one from (several, after a merge).
    count: int = 1

    @property
    def offset(self) -> float:
        return self.start / (SAMPLE_RATE * SAMPLE_WIDTH)


def _frame_rms(frames: bytes) -> list[float]:
    """RMS of each whole 30 ms frame in `frames` (floats in [0, 1])."""
    import numpy as np

    n = len(frames) // FRAME_BYTES
    if n == 0:
        return []
    x = np.frombuffer(frames[: n * FRAME_BYTES], dtype="<i2").astype(np.float32) / 32768.0
    rms = np.sqrt(np.mean(x.reshape(n, FRAME_SAMPLES) ** 2, axis=1))
    return [float(v) for v in rms]


class StreamingTranscriber:
    """Cuts fed audio into phrases at pauses and transcribes them on a worker thread.

    Thread-safe: `feed` may run on the audio thread while the window reads
    `partial_text()`; `finish` and `cancel` from anywhere, once.
    """

    def __init__(
        self,
        engine: Transcriber,
        *,
        on_update: UpdateCallback | None = None,
        pause_seconds: float = PAUSE_SECONDS,
        max_phrase_seconds: float = MAX_PHRASE_SECONDS,
        soft_phrase_seconds: float = SOFT_PHRASE_SECONDS,
        merge_seconds: float = MERGE_SECONDS,
    ) -> None:
        self.engine = engine
        self.on_update = on_update
        self._pause_frames = max(1, round(pause_seconds / FRAME_SECONDS))
        self._short_pause = min(self._pause_frames, round(SHORT_PAUSE_SECONDS / FRAME_SECONDS))
        self._soft_frames = round(soft_phrase_seconds / FRAME_SECONDS)
        self._max_frames = max(self._pause_frames + 1, round(max_phrase_seconds / FRAME_SECONDS))
        self._lead_frames = round(LEAD_SECONDS / FRAME_SECONDS)
        self._min_speech = max(1, round(MIN_SPEECH_SECONDS / FRAME_SECONDS))
        self._cut_window = round(CUT_WINDOW_SECONDS / FRAME_SECONDS)
        self._lock = threading.Lock()
        self._cancel = CancelToken()
        self._audio = bytearray()  # everything fed
        self._analysed = 0  # bytes of _audio split into frames so far
        self._phrase_start = 0  # frame index where the current phrase starts
        self._rms: list[float] = []  # per frame, over the whole answer
        self._speech: list[bool] = []
        self._quiet_run = 0
        self._phrase_speech = 0
        # The room's floor: the 10th percentile of the last FLOOR_SECONDS of frames,
        # seeded with a quiet room so speech from the very first frame is heard.
        self._window: deque[float] = deque(
            [MIN_SPEECH_RMS / SPEECH_RATIO] * SEED_FRAMES,
            maxlen=round(FLOOR_SECONDS / FRAME_SECONDS),
        )
        self._jobs: queue.Queue[Phrase | None] = queue.Queue()
        self._results: list[Transcript] = []
        self._error: BaseException | None = None
        self._finished = False
        self.phrases_sent = 0
        self._done = 0  # phrases transcribed (or given up) so far
        self._merge_bytes = int(merge_seconds * SAMPLE_RATE) * SAMPLE_WIDTH
        self._worker = threading.Thread(target=self._run, name="streaming-transcriber", daemon=True)
        self._worker.start()

    # ------------------------------------------------------------------ audio in

    def feed(self, pcm: bytes | bytearray | memoryview) -> None:
        """Add audio as the microphone delivers it; cheap (no transcription here)."""
        data = bytes(pcm)
        with self._lock:
            if self._finished:
                raise VoiceError("This answer's transcription is already finished.")
            self._audio += data
            whole = (len(self._audio) - self._analysed) // FRAME_BYTES * FRAME_BYTES
            if whole == 0:
                return
            rms = _frame_rms(bytes(self._audio[self._analysed : self._analysed + whole]))
            self._analysed += whole
            for value in rms:
                self._frame(value)

    def _frame(self, rms: float) -> None:
        """One 30 ms frame through the detector (lock held)."""
        window = self._window
        window.append(rms)
        floor = sorted(window)[len(window) // 10]
        speech = rms >= MIN_SPEECH_RMS and rms >= SPEECH_RATIO * floor
        self._rms.append(rms)
        self._speech.append(speech)
        index = len(self._rms)  # frames so far; the phrase runs [_phrase_start, index)
        if speech:
            self._quiet_run = 0
            self._phrase_speech += 1
        else:
            self._quiet_run += 1
            if self._phrase_speech == 0:
                # No speech yet: keep only a short lead-in of quiet in front of the phrase.
                if index - self._phrase_start > self._lead_frames:
                    self._phrase_start = index - self._lead_frames
                return
            long_enough = index - self._phrase_start >= self._soft_frames
            if self._quiet_run >= (self._short_pause if long_enough else self._pause_frames):
                self._cut(index)
                return
        if index - self._phrase_start >= self._max_frames:
            lo = max(self._phrase_start + 1, index - self._cut_window)
            quietest = min(range(lo, index), key=lambda i: self._rms[i])
            self._cut(quietest + 1)

    def _cut(self, end: int) -> None:
        """Send frames [phrase start, end) to the worker if they hold speech (lock held)."""
        start = self._phrase_start
        speech = sum(self._speech[start:end])
        if speech >= self._min_speech:
            self._jobs.put(Phrase(start * FRAME_BYTES, end * FRAME_BYTES))
            self.phrases_sent += 1
        self._phrase_start = end
        self._phrase_speech = sum(self._speech[end:])
        self._quiet_run = 0

    # ------------------------------------------------------------------ worker

    def _run(self) -> None:
        carry: Phrase | None = None
        stopping = False
        while True:
            job = carry if carry is not None else (None if stopping else self._jobs.get())
            carry = None
            if job is None:
                return
            # A backlog (a slow machine) is merged into one call: every call costs a
            # whole 30 s window of the model's encoder, however short its audio.
            while not stopping:
                try:
                    queued = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if queued is None:
                    stopping = True
                elif queued.end - job.start <= self._merge_bytes:
                    job = Phrase(job.start, queued.end, job.count + queued.count)
                else:
                    carry = queued
                    break
            if self._cancel.cancelled or self._error is not None:
                self._done += job.count
                continue  # drain: the answer's audio is still in audio()
            with self._lock:
                pcm = bytes(self._audio[job.start : job.end])
            try:
                result = self.engine.transcribe(
                    pcm, cancel=self._cancel, offset=job.offset, prompt=self.partial_text()
                )
            except BaseException as exc:  # handed to finish(); the thread must not die silently
                with self._lock:
                    self._error = exc
                    self._done += job.count
                continue
            with self._lock:
                self._results.append(result)
                self._done += job.count
            if self.on_update is not None and result.text:
                # A front end's callback must not stop the transcription.
                with contextlib.suppress(Exception):
                    self.on_update(self.partial_text())

    # ------------------------------------------------------------------ results

    def partial_text(self) -> str:
        """The transcript of every phrase finished so far."""
        with self._lock:
            return " ".join(r.text for r in self._results if r.text)

    @property
    def seconds(self) -> float:
        """Audio fed so far, in seconds."""
        with self._lock:
            return len(self._audio) / (SAMPLE_RATE * SAMPLE_WIDTH)

    @property
    def pending(self) -> int:
        """Phrases sent to the engine and not transcribed yet (a backlog when > 1)."""
        with self._lock:
            return self.phrases_sent - self._done

    def phrase_log(self) -> list[tuple[float, float, float]]:
        """(offset, seconds of audio, seconds taken) of each phrase transcribed so far."""
        with self._lock:
            return [
                (r.words[0].start if r.words else 0.0, r.duration_seconds, r.seconds_taken)
                for r in self._results
            ]

    @property
    def speaking(self) -> bool:
        """Whether the latest frame was speech (for a level meter's 'hearing you')."""
        with self._lock:
            return bool(self._speech and self._speech[-1])

    def audio(self) -> bytes:
        """Everything fed so far (16 kHz mono int16 PCM)."""
        with self._lock:
            return bytes(self._audio)

    def cancel(self) -> None:
        """Stop transcribing (the audio stays available); finish() then raises Cancelled."""
        self._cancel.cancel()
        with self._lock:
            self._finished = True
        self._jobs.put(None)

    def finish(self, timeout: float | None = None) -> Transcript:
        """Transcribe what is left and return the whole answer's transcript.

        Word times are seconds from the first byte fed. Raises Cancelled after `cancel`,
        the engine's VoiceError if a phrase failed, VoiceError if `timeout` runs out.
        """
        with self._lock:
            if not self._finished:
                self._finished = True
                end = len(self._rms)
                if self._phrase_speech >= self._min_speech and end > self._phrase_start:
                    start = self._phrase_start * FRAME_BYTES
                    self._jobs.put(Phrase(start, len(self._audio)))
                    self.phrases_sent += 1
                self._jobs.put(None)
        self._worker.join(timeout)
        if self._worker.is_alive():
            raise VoiceError(
                f"Transcription did not finish within {timeout:g} s; the recording is kept."
            )
        if self._cancel.cancelled:
            raise Cancelled("Transcription was cancelled.")
        with self._lock:
            if self._error is not None:
                raise self._error
            results = list(self._results)
            duration = len(self._audio) / (SAMPLE_RATE * SAMPLE_WIDTH)
        words: list[Word] = sorted((w for r in results for w in r.words), key=lambda w: w.start)
        notes = tuple(n for r in results for n in r.notes)
        first = results[0] if results else None
        return Transcript(
            text=" ".join(r.text for r in results if r.text),
            duration_seconds=duration,
            words=tuple(words),
            engine=first.engine if first else getattr(self.engine, "name", ""),
            model=first.model if first else str(getattr(self.engine, "model_name", "")),
            seconds_taken=sum(r.seconds_taken for r in results),
            notes=tuple(dict.fromkeys(notes)),
        )
