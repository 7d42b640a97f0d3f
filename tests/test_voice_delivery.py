"""Delivery measured from the voice (core.voice_delivery) on hand-built word lists, and
its way into a grade: a spoken answer's grade carries `delivery.voice` and plain notes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from interviewer.core.models import DeliveryMetrics, Turn, VoiceDelivery
from interviewer.core.requests import GradeRequest
from interviewer.core.voice_delivery import (
    VOICE_PAUSE_SECONDS,
    combine_voice,
    voice_delivery,
    with_voice,
)


@dataclass(frozen=True)
class W:
    word: str
    start: float
    end: float


def steady(text: str, start: float = 0.0, each: float = 0.4) -> list[W]:
    """Words one after another, `each` seconds per word and no gap."""
    return [W(w, start + i * each, start + (i + 1) * each) for i, w in enumerate(text.split())]


def test_rate_is_counted_over_the_time_spent_speaking() -> None:
    # 20 words at 0.4 s each = 8 s of speech: 150 words a minute.
    v = voice_delivery(steady("word " * 20, start=2.0), recording_seconds=12.0)
    assert v.words == 20
    assert v.speech_seconds == pytest.approx(8.0)
    assert v.talk_seconds == pytest.approx(8.0)
    assert v.speaking_rate_wpm == pytest.approx(150.0)
    assert v.long_pauses == []
    assert v.recording_seconds == 12.0


def test_a_long_pause_is_found_with_the_word_before_it_and_left_out_of_the_pace() -> None:
    words = [*steady("I would split the data first.", start=1.0), *steady("Then train.", 10.0)]
    v = voice_delivery(words)
    assert len(v.long_pauses) == 1
    pause = v.long_pauses[0]
    assert pause.after_word == "first"  # punctuation taken off
    assert pause.start == pytest.approx(3.4)  # 1.0 + 6 words * 0.4
    assert pause.seconds == pytest.approx(6.6)
    assert v.longest_pause_seconds == pytest.approx(6.6)
    assert v.talk_seconds == pytest.approx(9.8)
    assert v.speech_seconds == pytest.approx(3.2)  # 8 words * 0.4
    assert v.speaking_rate_wpm == pytest.approx(150.0)
    assert any("long pause" in n and "“first”" in n for n in v.notes)


def test_a_pause_at_the_threshold_is_not_long() -> None:
    words = [W("one", 0, 0.5), W("two", 0.5 + VOICE_PAUSE_SECONDS, 4.0)]
    assert voice_delivery(words).long_pauses == []
    words = [W("one", 0, 0.5), W("two", 0.6 + VOICE_PAUSE_SECONDS, 4.5)]
    assert len(voice_delivery(words).long_pauses) == 1


def test_time_to_first_word_counts_from_the_end_of_the_question() -> None:
    words = steady("hello there", start=4.5)
    assert voice_delivery(words).time_to_first_word_seconds == pytest.approx(4.5)
    # The question ended 1.5 s into the recording.
    assert voice_delivery(words, question_end=1.5).time_to_first_word_seconds == 3.0
    # The recording started 2 s after the question ended.
    assert voice_delivery(words, question_end=-2.0).time_to_first_word_seconds == 6.5
    slow = voice_delivery(steady("well then", start=8.0))
    assert any("to start speaking" in n for n in slow.notes)


def test_fillers_are_counted_each_by_name() -> None:
    text = "Um, so I uh think, like, you know the model um overfits. I mean it is like a tree."
    v = voice_delivery(steady(text))
    assert v.filler_counts["um"] == 2
    assert v.filler_counts["uh"] == 1
    assert v.filler_counts["you know"] == 1
    assert v.filler_counts["i mean"] == 1
    assert v.filler_counts["like"] == 1  # "like," is a filler; "like a tree" is not
    assert v.fillers == sum(v.filler_counts.values()) == 6
    assert any("6 filler words" in n and "“um” ×2" in n for n in v.notes)


def test_no_fillers_no_filler_note() -> None:
    v = voice_delivery(steady("Regularisation adds a penalty on the weights to the loss."))
    assert v.fillers == 0 and v.filler_counts == {}
    assert not any("filler" in n for n in v.notes)


def test_fast_and_slow_speech_get_a_note_and_steady_speech_none() -> None:
    fast = voice_delivery(steady("word " * 30, each=0.25))  # 240 wpm
    slow = voice_delivery(steady("word " * 30, each=0.8))  # 75 wpm
    fine = voice_delivery(steady("word " * 30, each=0.4))  # 150 wpm
    assert fast.speaking_rate_wpm == 240.0 and any("slow down" in n for n in fast.notes)
    assert slow.speaking_rate_wpm == 75.0 and any("slower than" in n for n in slow.notes)
    assert not any("words a minute" in n for n in fine.notes)


def test_too_little_speech_has_no_rate() -> None:
    assert voice_delivery(steady("yes")).speaking_rate_wpm is None
    assert voice_delivery(steady("a b c d e f", each=0.1)).speaking_rate_wpm is None


def test_talk_time_against_the_suggested_time() -> None:
    long = voice_delivery(steady("word " * 300, each=0.5), suggested_seconds=120)
    assert long.talk_seconds == 150.0 and long.talk_share == 1.25
    assert any("125% of the suggested 2 min" in n for n in long.notes)
    short = voice_delivery(steady("word " * 20), suggested_seconds=120)
    assert short.talk_share == pytest.approx(0.07)
    assert any("room for an example" in n for n in short.notes)
    assert voice_delivery(steady("word " * 20)).talk_share is None


def test_silence_and_bad_times() -> None:
    empty = voice_delivery([], recording_seconds=5.0, suggested_seconds=60)
    assert empty.words == 0 and empty.speaking_rate_wpm is None
    assert empty.time_to_first_word_seconds is None
    assert empty.notes == ["No words were heard in the recording."]
    # Out of order, blank and non-finite times are put right, never crash.
    odd = voice_delivery([W("b", 2.0, 1.0), W(" ", 0, 0), W("a", float("nan"), 0.5)])
    assert odd.words == 2
    assert odd.time_to_first_word_seconds == 0.0
    assert odd.talk_seconds == pytest.approx(2.0)


def test_combine_adds_up_a_question_and_its_follow_up() -> None:
    main = voice_delivery(
        [*steady("um first part", start=2.0), *steady("after", start=8.0)], suggested_seconds=60
    )
    follow = voice_delivery(steady("uh the follow up answer here", start=1.0))
    both = combine_voice([main, follow], suggested_seconds=60)
    assert both.words == 10
    assert both.time_to_first_word_seconds == 2.0
    assert both.long_pauses == main.long_pauses
    assert both.filler_counts == {"um": 1, "uh": 1} and both.fillers == 2
    assert both.speech_seconds == pytest.approx(main.speech_seconds + follow.speech_seconds)
    assert both.talk_share == pytest.approx(round(both.talk_seconds / 60, 2))


def test_with_voice_keeps_typed_metrics_and_adds_the_voice() -> None:
    typed = DeliveryMetrics(
        words=10, seconds=30, filler_words=4, notes=["4 filler words: pause instead of filling."]
    )
    assert with_voice(typed, []) is typed
    spoken = voice_delivery(steady("um uh um er right so the answer is this"))
    out = with_voice(typed, [spoken])
    assert out.voice is not None and out.voice.fillers == 4
    assert out.words == 10  # the typed metrics stay
    filler_notes = [n for n in out.notes if "filler" in n]
    assert len(filler_notes) == 1 and "“um” ×2" in filler_notes[0]


def test_old_delivery_and_turns_load_without_voice() -> None:
    d = DeliveryMetrics.model_validate({"words": 3, "seconds": 4.0})
    assert d.voice is None
    t = Turn.model_validate({"role": "candidate", "kind": "answer", "text": "hi"})
    assert t.audio is None and t.voice is None
    # and the voice shape round-trips through JSON
    v = voice_delivery([*steady("so", 0), *steady("then", 5.0)])
    assert VoiceDelivery.model_validate_json(v.model_dump_json()) == v


def test_a_spoken_answer_is_graded_with_its_voice() -> None:
    from interviewer.llm import service
    from interviewer.llm.offline import OfflineCoach
    from interviewer.storage.content_files import load_library

    lib = load_library()
    q = lib.question("tech-bias-variance")
    text = (
        "Um, bias is error from wrong assumptions, uh, so the model underfits. Variance is "
        "error from sensitivity to the training data, so it overfits. You know, more "
        "complex models lower bias and raise variance, and regularisation trades them."
    )
    words = [*steady(text.split(".")[0], start=6.0), *steady(text, start=20.0)]
    voice = voice_delivery(words, suggested_seconds=q.answer_seconds)
    request = GradeRequest(
        request_id=1,
        question=q,
        rubric=lib.rubric_for(q),
        exchange=(
            Turn(role="interviewer", kind="question", text=q.text, question_id=q.id),
            Turn(
                role="candidate",
                kind="answer",
                text=text,
                question_id=q.id,
                seconds=40,
                audio="audio/answer-1.wav",
                voice=voice,
            ),
        ),
        answer_seconds=40,
    )
    grade = service.grade(OfflineCoach(), request, None)
    assert grade.delivery is not None and grade.delivery.voice is not None
    v = grade.delivery.voice
    assert v.time_to_first_word_seconds == 6.0
    assert len(v.long_pauses) == 1
    assert v.fillers >= 3
    notes = " ".join(grade.delivery.notes)
    assert "long pause" in notes and "to start speaking" in notes
    # A typed answer's grade has no voice.
    typed = GradeRequest(
        request_id=2,
        question=q,
        rubric=lib.rubric_for(q),
        exchange=(request.exchange[0], request.exchange[1].model_copy(update={"voice": None})),
        answer_seconds=40,
    )
    typed_grade = service.grade(OfflineCoach(), typed, None)
    assert typed_grade.delivery is not None and typed_grade.delivery.voice is None
