"""Speech for tests, generated with Debian's `espeak-ng`, never downloaded.

`speak(text, folder)` writes what espeak-ng says (22,050 Hz mono 16-bit, so every read
also exercises the resampler) and caches it per text in the folder given. `pcm_of`
returns it as the app's 16 kHz PCM. Silence can be spliced in with `silence(seconds)`.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

#: Known answer texts (with fillers, which the local model is primed to keep).
ANSWER_BIAS = (
    "Regularisation adds a penalty on the size of the weights. It reduces variance, "
    "so the model overfits less, at the cost of some bias."
)
ANSWER_GRADIENT = (
    "Gradient descent moves the parameters a small step against the gradient of the "
    "loss. The learning rate sets the size of that step."
)
ANSWER_PRECISION = (
    "Precision is the share of predicted positives that are correct. Recall is the "
    "share of real positives that the model finds."
)
ESPEAK = shutil.which("espeak-ng")

needs_espeak = pytest.mark.skipif(ESPEAK is None, reason="espeak-ng is not installed")


def speak(text: str, folder: Path, *, speed: int = 150) -> Path:
    """A WAV of espeak-ng saying `text` (words per minute `speed`), cached in folder."""
    if ESPEAK is None:
        pytest.skip("espeak-ng is not installed (apt-get install espeak-ng)")
    key = hashlib.sha1(f"{speed}:{text}".encode()).hexdigest()[:12]
    path = folder / f"speech-{key}.wav"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [ESPEAK, "-v", "en-us", "-s", str(speed), "-w", str(path), text],
            check=True,
            capture_output=True,
            timeout=60,
        )
    return path


def pcm_of(text: str, folder: Path, *, speed: int = 150) -> bytes:
    from interviewer.voice.wav import read_wav

    return read_wav(speak(text, folder, speed=speed))


def silence(seconds: float) -> bytes:
    return bytes(int(seconds * 16_000) * 2)
