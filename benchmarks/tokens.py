"""Prompt tokens of a 10-question interview, against resending the whole transcript.

The engine is driven directly (no GUI, no network, a fake clock) through the same
scripted interview as the GUI benchmark, and every prompt it would send is built the
way `OpenAIBackend` builds it (`interviewer.core.prompts`, then fitted by
`PromptBudget` for gpt-4o-mini, which trims the earlier-questions summary and old
history) and counted with `interviewer.core.tokens.count_messages`
(o200k, shipped with the app): each interviewer turn (the questions and the wrap-up),
each follow-up decision and each grading.

The reference is the naive design for exactly the same calls: every call carries the
whole transcript so far as chat history, instead of the engine's bounded window plus a
one-line-per-question summary (turns), the current question's exchange only (follow-up
decisions) and no history at all (gradings). Same system prompts, same request texts:
only the history differs, so the ratio isolates what the history design saves.
"""

from __future__ import annotations

import dataclasses
import random
from collections import defaultdict
from typing import Any

from benchmarks import script
from interviewer.core.budget import PromptBudget
from interviewer.core.engine import (
    Finished,
    InterviewEngine,
    NeedAnswer,
    NeedFollowUp,
    NeedGrades,
    NeedTurn,
)
from interviewer.core.models import Turn
from interviewer.core.prompts import Message, wrap_answer
from interviewer.core.tokens import count_messages
from interviewer.llm import service
from interviewer.llm.offline import OfflineCoach
from interviewer.storage.content_files import load_library
from interviewer.storage.prompt_files import default_library


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _history(turns: list[Turn]) -> list[Message]:
    """The transcript as chat history, in the format the engine's own prompts use."""
    out: list[Message] = []
    for t in turns:
        if t.role == "interviewer" and t.text.strip():
            out.append({"role": "assistant", "content": t.text.strip()})
        elif t.role == "candidate":
            out.append({"role": "user", "content": wrap_answer(t.text.strip())})
    return out


def measure(questions: int = script.QUESTIONS, seed: int = script.SEED) -> dict[str, Any]:
    content = load_library()
    track = content.track(script.TRACK)
    chosen = content.select_questions(track, questions, rng=random.Random(seed))
    clock = _Clock()
    engine = InterviewEngine(
        track,
        chosen,
        content.rubrics,
        follow_ups=True,
        duration_seconds=questions * 20 * 60,  # time never runs out in this benchmark
        clock=clock,
    )
    prompts = default_library()
    budget = PromptBudget("gpt-4o-mini")  # what OpenAIBackend fits every prompt with
    coach = OfflineCoach()
    calls: list[dict[str, Any]] = []

    position = {q.id: n for n, q in enumerate(chosen, start=1)}

    def record(kind: str, real: list[Message], naive: list[Message], number: int = 0) -> None:
        calls.append(
            {
                "kind": kind,
                "question": number or engine.index + 1,
                "tokens": count_messages(real),
                "naive": count_messages(naive),
            }
        )

    def grade_all() -> None:
        for req in engine.take_grading_requests():
            chunks = prompts.grading_chunks(req)
            real = budget.fit(chunks, "grade").messages
            earlier = [t for t in engine.transcript if t.question_id != req.question.id]
            chunks.history = _history(earlier)
            record("grading", real, chunks.messages(), position[req.question.id])
            engine.on_grade(req.request_id, service.grade(coach, req, None))

    engine.start()
    for _ in range(50 * questions):  # a bound, so a change in the engine cannot loop forever
        need = engine.need()
        if isinstance(need, NeedTurn):
            req = need.request
            naive = dataclasses.replace(req, history=tuple(engine.transcript), earlier_summary="")
            kind = "wrap-up" if req.purpose == "wrap_up" else "question"
            sent = budget.fit(prompts.turn_chunks(budget.turn_request(req)), "turn").messages
            record(kind, sent, prompts.build_turn_messages(naive))
            engine.on_interviewer_text(script.turn_text(req))
        elif isinstance(need, NeedFollowUp):
            freq = need.request
            naive_f = dataclasses.replace(freq, exchange=tuple(engine.transcript))
            record(
                "follow-up decision",
                budget.fit(prompts.follow_up_chunks(freq), "follow_up").messages,
                prompts.build_follow_up_messages(naive_f),
            )
            engine.on_follow_up(script.decide(freq))
        elif isinstance(need, NeedAnswer):
            clock.now += 60
            text = (
                script.follow_up_answer(need.question)
                if need.is_follow_up
                else script.answer_for(need.question)
            )
            engine.submit_answer(text)
        elif isinstance(need, (NeedGrades, Finished)):
            grade_all()
            if isinstance(engine.need(), Finished):
                break
        grade_all()
    else:
        raise RuntimeError("the scripted interview did not finish")

    by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {"calls": 0, "tokens": 0, "naive": 0})
    for c in calls:
        k = by_kind[c["kind"]]
        k["calls"] += 1
        k["tokens"] += c["tokens"]
        k["naive"] += c["naive"]
    asks = [c for c in calls if c["kind"] == "question"]
    return {
        "questions": questions,
        "asked": sum(1 for r in engine.records if r.status == "answered"),
        "tokens": sum(c["tokens"] for c in calls),
        "naive": sum(c["naive"] for c in calls),
        "by_kind": dict(by_kind),
        "first_question_turn": asks[0]["tokens"] if asks else 0,
        "last_question_turn": asks[-1]["tokens"] if asks else 0,
        "last_question_turn_naive": asks[-1]["naive"] if asks else 0,
        "calls": calls,
    }


if __name__ == "__main__":
    import json
    import sys

    result = measure(int(sys.argv[1]) if len(sys.argv) > 1 else script.QUESTIONS)
    result.pop("calls")
    print(json.dumps(result, indent=1))
