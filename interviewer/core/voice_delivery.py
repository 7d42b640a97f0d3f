"""Delivery measured from the voice: pace, long pauses, time to the first word, fillers.

A typed answer only has its text and the time the answer clock ran, so its pace is a
guess. A spoken answer's transcript carries each word's start and end in the recording,
so here pace is counted over the time actually spent speaking, every silence longer than
`VOICE_PAUSE_SECONDS` is found with the word it followed, and the wait before the first
word is measured from the moment the question finished being spoken.

Pure functions over plain data (no audio, no files, no clock): the words are anything
with `word`, `start` and `end` (interviewer.voice's `Word`, or a test's own list), so
the core never imports the voice engines. The filler list is the one typed answers are
counted with (`grading.delivery`), so a spoken and a typed answer are held to one rule.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise
from typing import Protocol

from interviewer.core.grading.delivery import _FILLERS
from interviewer.core.models import DeliveryMetrics, LongPause, VoiceDelivery

#: A silence longer than this (seconds) inside an answer is a long pause.
VOICE_PAUSE_SECONDS = 3.0
#: Below either of these a pace says nothing (a couple of words has no rate).
RATE_MIN_WORDS = 5
RATE_MIN_SECONDS = 3.0
#: Conversational interview pace, words a minute: outside it the notes say so.
RATE_SLOW = 110
RATE_FAST = 170
#: A wait before the first word longer than this (seconds) gets a note.
SLOW_START_SECONDS = 5.0
#: Fillers per word above which the notes mention them (or at least this many fillers).
FILLER_SHARE = 0.03
FILLER_NOTE_MIN = 3


class TimedWord(Protocol):
    """One recognised word with its place in the recording, in seconds."""

    @property
    def word(self) -> str: ...

    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def _num(value: float) -> float:
    return float(value) if math.isfinite(value) else 0.0


def _clean(word: str) -> str:
    """The word as it reads in a note: no surrounding spaces or punctuation."""
    return word.strip().strip(".,;:!?\"'“”‘’()[]…-").strip()


def _spoken(words: Iterable[TimedWord]) -> list[tuple[str, float, float]]:
    """The words in time order with usable times (non-finite or reversed ones fixed)."""
    out: list[tuple[str, float, float]] = []
    for w in words:
        text = str(w.word).strip()
        if not text:
            continue
        start = max(0.0, _num(w.start))
        end = max(start, _num(w.end))
        out.append((text, start, end))
    out.sort(key=lambda t: (t[1], t[2]))
    return out


def count_fillers(text: str) -> Counter[str]:
    """Filler words in `text` (um, uh, er, ah, "like," as a filler, you know, I mean...)."""
    return Counter(re.sub(r"\s+", " ", m.lower()) for m in _FILLERS.findall(text))


def voice_delivery(
    words: Sequence[TimedWord],
    *,
    suggested_seconds: int = 0,
    question_end: float = 0.0,
    recording_seconds: float = 0.0,
    pause_seconds: float = VOICE_PAUSE_SECONDS,
) -> VoiceDelivery:
    """Measure one spoken answer from its words' timings.

    `question_end` is where in the recording the question finished being spoken: 0 when
    the recording started as the question ended (the usual case), negative when the
    recording started that many seconds after it. `recording_seconds` is the length of
    the recording (the transcript's duration).
    """
    spoken = _spoken(words)
    recording = max(0.0, _num(recording_seconds))
    suggested = max(0, int(suggested_seconds))
    if not spoken:
        return VoiceDelivery(
            suggested_seconds=suggested,
            recording_seconds=round(recording, 2),
            notes=["No words were heard in the recording."] if recording else [],
        )
    pauses: list[LongPause] = []
    for (prev, _, prev_end), (_, start, _) in pairwise(spoken):
        gap = start - prev_end
        if gap > pause_seconds:
            pauses.append(
                LongPause(start=round(prev_end, 2), seconds=round(gap, 2), after_word=_clean(prev))
            )
    first_start = spoken[0][1]
    last_end = max(end for _, _, end in spoken)
    talk = last_end - first_start
    speech = max(0.0, talk - sum(p.seconds for p in pauses))
    n = len(spoken)
    rate = (
        round(n / (speech / 60), 1) if n >= RATE_MIN_WORDS and speech >= RATE_MIN_SECONDS else None
    )
    fillers = count_fillers(" ".join(w for w, _, _ in spoken))
    share = round(talk / suggested, 2) if suggested > 0 and talk > 0 else None
    result = VoiceDelivery(
        speaking_rate_wpm=rate,
        long_pauses=pauses,
        time_to_first_word_seconds=round(max(0.0, first_start - _num(question_end)), 2),
        fillers=sum(fillers.values()),
        filler_counts=dict(fillers),
        words=n,
        speech_seconds=round(speech, 2),
        talk_seconds=round(talk, 2),
        suggested_seconds=suggested,
        talk_share=share,
        recording_seconds=round(max(recording, last_end), 2),
        longest_pause_seconds=max((p.seconds for p in pauses), default=0.0),
    )
    return result.model_copy(update={"notes": voice_notes(result)})


def _secs(seconds: float) -> str:
    """'4 s', '1 min', '2 min 05 s' (the reports' way of writing a length of time)."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    return f"{m} min {s:02d} s" if s else f"{m} min"


def voice_notes(v: VoiceDelivery) -> list[str]:
    """What the numbers mean for the next answer, in plain words."""
    notes: list[str] = []
    if v.speaking_rate_wpm is not None:
        if v.speaking_rate_wpm > RATE_FAST:
            notes.append(
                f"You spoke at {v.speaking_rate_wpm:.0f} words a minute: slow down a little "
                f"so each point lands (about {RATE_SLOW}-{RATE_FAST} is easy to follow)."
            )
        elif v.speaking_rate_wpm < RATE_SLOW:
            notes.append(
                f"You spoke at {v.speaking_rate_wpm:.0f} words a minute, slower than most "
                f"interviewers expect ({RATE_SLOW}-{RATE_FAST}): keep the answer moving."
            )
    if v.long_pauses:
        longest = max(v.long_pauses, key=lambda p: p.seconds)
        where = f", after “{longest.after_word}”" if longest.after_word else ""
        count = len(v.long_pauses)
        what = (
            f"1 long pause ({_secs(longest.seconds)}{where})"
            if count == 1
            else f"{count} long pauses (the longest {_secs(longest.seconds)}{where})"
        )
        notes.append(
            f"{what}: a short pause is fine, "
            "but say what you are thinking about rather than going silent."
        )
    if (
        v.time_to_first_word_seconds is not None
        and v.time_to_first_word_seconds > SLOW_START_SECONDS
    ):
        notes.append(
            f"You took {_secs(v.time_to_first_word_seconds)} to start speaking: open with "
            "how you will approach the question while you think."
        )
    if v.fillers and (v.fillers >= FILLER_NOTE_MIN or v.fillers / max(1, v.words) > FILLER_SHARE):
        ranked = sorted(v.filler_counts.items(), key=lambda kv: (-kv[1], kv[0]))
        which = ", ".join(f"“{k}” ×{c}" for k, c in ranked[:3])
        notes.append(f"{v.fillers} filler words ({which}): pause silently instead of filling.")
    if v.talk_share is not None and v.talk_share > 1.1:
        notes.append(
            f"You talked for {_secs(v.talk_seconds)}, {v.talk_share:.0%} of the suggested "
            f"{_secs(v.suggested_seconds)}: lead with the core answer."
        )
    elif v.talk_share is not None and v.talk_share < 0.35 and v.words < 80:
        notes.append(
            f"You talked for {_secs(v.talk_seconds)} of the suggested "
            f"{_secs(v.suggested_seconds)}: there is room for an example."
        )
    return notes


def combine_voice(parts: Sequence[VoiceDelivery], suggested_seconds: int = 0) -> VoiceDelivery:
    """One question's spoken answers (the answer and its follow-up answers) as one.

    Times add up, pauses are listed in the order spoken, the wait before the first word is
    the main answer's, and the pace is recomputed over the total speaking time.
    """
    if not parts:
        return VoiceDelivery(suggested_seconds=max(0, suggested_seconds))
    suggested = suggested_seconds or parts[0].suggested_seconds
    n = sum(p.words for p in parts)
    speech = sum(p.speech_seconds for p in parts)
    talk = sum(p.talk_seconds for p in parts)
    counts: Counter[str] = Counter()
    for p in parts:
        counts.update(p.filler_counts)
    pauses = [lp for p in parts for lp in p.long_pauses]
    combined = VoiceDelivery(
        speaking_rate_wpm=(
            round(n / (speech / 60), 1)
            if n >= RATE_MIN_WORDS and speech >= RATE_MIN_SECONDS
            else None
        ),
        long_pauses=pauses,
        time_to_first_word_seconds=parts[0].time_to_first_word_seconds,
        fillers=sum(p.fillers for p in parts),
        filler_counts=dict(counts),
        words=n,
        speech_seconds=round(speech, 2),
        talk_seconds=round(talk, 2),
        suggested_seconds=suggested,
        talk_share=round(talk / suggested, 2) if suggested > 0 and talk > 0 else None,
        recording_seconds=round(sum(p.recording_seconds for p in parts), 2),
        longest_pause_seconds=max((lp.seconds for lp in pauses), default=0.0),
    )
    return combined.model_copy(update={"notes": voice_notes(combined)})


def with_voice(delivery: DeliveryMetrics, parts: Sequence[VoiceDelivery]) -> DeliveryMetrics:
    """The typed-text delivery metrics with the voice's added (unchanged when typed).

    The voice's notes replace the text's own filler note (the voice counts the same
    fillers, and says which), so a spoken answer is not told about its fillers twice.
    """
    if not parts:
        return delivery
    voice = combine_voice(parts, delivery.suggested_seconds)
    notes = list(delivery.notes)
    if any("filler" in n for n in voice.notes):
        notes = [n for n in notes if "filler words" not in n]
    if voice.notes and any("suggested" in n for n in voice.notes):
        notes = [n for n in notes if "suggested time" not in n]
    notes += [n for n in voice.notes if n not in notes]
    return delivery.model_copy(update={"voice": voice, "notes": notes})
