"""The interview as a state machine that does no I/O (the h11 idea: protocol without sockets).

The engine never waits on the network or a clock. `need()` says what it wants next (an
interviewer turn, a follow-up decision, the candidate's answer, gradings) and the driver
feeds results back (`on_interviewer_text`, `on_follow_up`, `submit_answer`, `on_grade`).
Time comes from an injectable clock and is only read, never waited on: the driver calls
`tick()` now and then and the engine turns expired clocks into submitted answers.

Clocks run only while the candidate can answer (not while a model writes, not while
paused), so a slow model never eats the candidate's time.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from interviewer.core.adaptive import choose_widened, next_difficulty, wanted_move
from interviewer.core.errors import InterviewerError
from interviewer.core.models import (
    FollowUpDecision,
    Grade,
    Question,
    Rubric,
    Track,
    Turn,
    VoiceDelivery,
)
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest

Clock = Callable[[], float]
QuestionStatus = Literal["unasked", "asking", "answering", "answered", "skipped"]

#: Turns sent verbatim to the interviewer model; older ones are summarised in one line each,
#: so the prompt for a turn does not grow with the number of questions already asked.
HISTORY_WINDOW = 6
#: A follow-up gets its own countdown: half the question's time, at least this much.
MIN_FOLLOW_UP_SECONDS = 60


class EngineError(InterviewerError):
    """The driver asked for something the interview cannot do in its current phase."""


class Phase(Enum):
    READY = "ready"
    ASKING = "asking"  # waiting for the interviewer's question text
    ANSWERING = "answering"  # waiting for the candidate
    DECIDING = "deciding"  # waiting for the follow-up decision
    WRAP_UP = "wrap_up"  # waiting for the closing turn
    GRADING = "grading"  # waiting for outstanding grades
    DONE = "done"


@dataclass(frozen=True)
class NeedTurn:
    request: TurnRequest


@dataclass(frozen=True)
class NeedFollowUp:
    request: FollowUpRequest


@dataclass(frozen=True)
class NeedAnswer:
    question: Question
    prompt: str
    is_follow_up: bool
    question_seconds_left: float
    interview_seconds_left: float


@dataclass(frozen=True)
class NeedGrades:
    pending: int


@dataclass(frozen=True)
class Finished:
    pass


Need = NeedTurn | NeedFollowUp | NeedAnswer | NeedGrades | Finished


@dataclass
class QuestionRecord:
    question: Question
    status: QuestionStatus = "unasked"
    turns: list[Turn] = field(default_factory=list)
    follow_ups_asked: int = 0
    grade: Grade | None = None
    grade_error: str = ""
    request_id: int | None = None
    #: Adaptive difficulty: why this question's level is not the plain wanted one ("" if it is).
    level_note: str = ""

    @property
    def answered(self) -> bool:
        """Submitted at least one answer (even an empty or timed-out one: it is graded)."""
        return any(t.role == "candidate" and not t.skipped for t in self.turns)


class InterviewEngine:
    def __init__(
        self,
        track: Track,
        questions: Sequence[Question],
        rubrics: dict[str, Rubric],
        *,
        follow_ups: bool = True,
        follow_up_limit: int | None = None,
        duration_seconds: float | None = None,
        clock: Clock = time.monotonic,
        adaptive: bool = False,
        pool: Sequence[Question] = (),
        quick_score: Callable[[GradeRequest], float | None] | None = None,
        nearby: Sequence[Question] = (),
        bank: Sequence[Question] = (),
    ) -> None:
        if not questions:
            raise EngineError(f"Track {track.id!r} has no questions to ask.")
        missing = sorted({q.rubric for q in questions} - set(rubrics))
        if missing:
            raise EngineError(f"No rubric loaded for: {', '.join(missing)}")
        self.track = track
        self.rubrics = rubrics
        self.records = [QuestionRecord(q) for q in questions]
        self.follow_up_limit = (
            0
            if not follow_ups
            else (track.follow_up_limit if follow_up_limit is None else follow_up_limit)
        )
        self.duration = float(duration_seconds or track.duration_minutes * 60)
        #: The track as this session runs it: its length is the session's own clock (a
        #: 2-question practice of a 30-minute track runs 10 minutes), its question count
        #: the questions picked. Model requests carry this copy, so the opening turn
        #: announces the real length and count on every path (model, offline coach).
        self.session_track = track.model_copy(
            update={
                "duration_minutes": session_minutes(self.duration),
                "question_count": len(self.records),
            }
        )
        self.clock = clock
        self.transcript: list[Turn] = []
        self.phase = Phase.READY
        self.index = 0
        self.paused = False
        #: Set by the driver when each question is read aloud: a new answer's clocks then
        #: wait (`held`) until `release_answer_clock` says the question was delivered.
        self.hold_answers = False
        self.held = False
        self.ended_early = False
        self.interview_timed_out = False
        self.draft = ""
        self._started_at = 0.0
        self._interview_used = 0.0  # seconds of answering time used, all questions
        self._answer_used = 0.0  # seconds used on the current answer
        self._answer_limit = 0.0
        self._running_since: float | None = None  # clock() when the clocks last started
        self._next_request_id = 1
        self._undispatched: list[GradeRequest] = []
        self._outstanding: dict[int, QuestionRecord] = {}
        #: Adaptive difficulty (core/adaptive.py): each next question's level follows the
        #: last answer's grade. `pool` holds the questions that may be swapped in (beyond
        #: the planned ones); `quick_score` grades a finished answer at once (the offline
        #: coach) for when its real grade has not arrived by the time the next is chosen.
        self.adaptive = adaptive
        planned = {q.id for q in questions}
        self.pool = [q for q in pool if q.id not in planned]
        self.quick_score = quick_score
        self.quick_scores: dict[str, float] = {}
        #: The widened pool (core/adaptive.choose_widened) for when `pool` has no question
        #: at the wanted level: questions on related topics, then the category's whole bank.
        self.nearby = [q for q in nearby if q.id not in planned]
        self.bank = [q for q in bank if q.id not in planned]

    @classmethod
    def restore(
        cls,
        track: Track,
        questions: Sequence[Question],
        rubrics: dict[str, Rubric],
        turns: Sequence[Turn],
        *,
        grades: dict[str, Grade] | None = None,
        draft: str = "",
        interview_seconds_left: float | None = None,
        question_seconds_left: float | None = None,
        follow_ups: bool = True,
        follow_up_limit: int | None = None,
        duration_seconds: float | None = None,
        clock: Clock = time.monotonic,
    ) -> InterviewEngine:
        """Rebuild an interrupted interview from its saved turns, exactly where it stopped.

        The turns are replayed through the normal transitions with a frozen clock, so a
        resumed engine is in the same state a live one would be; then the saved clocks,
        draft and grades are put back. Gradings not saved are handed out again.
        """
        frozen = [0.0]
        eng = cls(
            track,
            questions,
            rubrics,
            follow_ups=follow_ups,
            follow_up_limit=follow_up_limit,
            duration_seconds=duration_seconds,
            clock=lambda: frozen[0],
        )
        eng.start()
        for turn in turns:
            eng._replay(turn)
        # Put the original turns (with their times) back in place of the replayed copies.
        eng.transcript = list(turns)
        by_q: dict[str, list[Turn]] = {}
        for t in turns:
            if t.question_id:
                by_q.setdefault(t.question_id, []).append(t)
        for rec in eng.records:
            rec.turns = by_q.get(rec.question.id, [])
        answered = sum(t.seconds or 0.0 for t in turns if t.role == "candidate")
        left = eng.duration - answered if interview_seconds_left is None else interview_seconds_left
        eng._interview_used = max(0.0, eng.duration - left)
        if eng.phase is Phase.ANSWERING and question_seconds_left is not None:
            eng._answer_used = max(0.0, eng._answer_limit - question_seconds_left)
        eng._undispatched = [
            GradeRequest(
                request_id=r.request_id,
                question=r.question,
                rubric=r.rubric,
                exchange=tuple(by_q.get(r.question.id, r.exchange)),
                answer_seconds=sum(
                    t.seconds or 0.0 for t in by_q.get(r.question.id, []) if t.role == "candidate"
                ),
            )
            for r in eng._undispatched
        ]
        for req in list(eng._undispatched):
            grade = (grades or {}).get(req.question.id)
            if grade is not None:
                eng._undispatched.remove(req)
                eng.on_grade(req.request_id, grade)
        eng.clock = clock
        eng._started_at = clock() - (turns[-1].at if turns else 0.0)
        if eng.phase is Phase.ANSWERING:
            eng.draft = draft
            eng._running_since = clock()
        eng._maybe_done()
        return eng

    def _replay(self, turn: Turn) -> None:
        if turn.role == "interviewer" and turn.kind in ("question", "wrap_up"):
            if self.phase is Phase.DECIDING:
                self.on_follow_up(FollowUpDecision(follow_up=False))
            if self.phase in (Phase.ASKING, Phase.WRAP_UP):
                self.on_interviewer_text(turn.text)
        elif turn.role == "interviewer" and turn.kind == "follow_up":
            if self.phase is Phase.DECIDING:
                self.on_follow_up(FollowUpDecision(follow_up=True, question=turn.text))
        elif turn.role == "candidate" and self.phase is Phase.ANSWERING:
            if turn.skipped:
                self.draft = turn.text
                self.skip()
            else:
                self.submit_answer(turn.text, timed_out=turn.timed_out)

    # ------------------------------------------------------------------ queries

    @property
    def current(self) -> QuestionRecord | None:
        return self.records[self.index] if self.index < len(self.records) else None

    def need(self) -> Need:
        rec = self.current
        if self.phase is Phase.ASKING and rec is not None:
            return NeedTurn(self._turn_request("question", rec.question))
        if self.phase is Phase.ANSWERING and rec is not None:
            last = rec.turns[-1]
            return NeedAnswer(
                rec.question,
                last.text,
                last.kind == "follow_up",
                self.question_seconds_left(),
                self.interview_seconds_left(),
            )
        if self.phase is Phase.DECIDING and rec is not None:
            return NeedFollowUp(
                FollowUpRequest(
                    track=self.session_track,
                    question=rec.question,
                    exchange=tuple(rec.turns),
                    follow_ups_asked=rec.follow_ups_asked,
                    follow_up_limit=self.follow_up_limit,
                    seconds_left=self.interview_seconds_left(),
                )
            )
        if self.phase is Phase.WRAP_UP:
            return NeedTurn(self._turn_request("wrap_up", None))
        if self.phase is Phase.GRADING:
            return NeedGrades(len(self._outstanding) + len(self._undispatched))
        if self.phase is Phase.DONE:
            return Finished()
        raise EngineError("The interview has not started yet.")

    def _elapsed_running(self) -> float:
        if self._running_since is None:
            return 0.0
        return max(0.0, self.clock() - self._running_since)

    def interview_seconds_left(self) -> float:
        return max(0.0, self.duration - self._interview_used - self._elapsed_running())

    def question_seconds_left(self) -> float:
        if self.phase is not Phase.ANSWERING:
            return 0.0
        return max(0.0, self._answer_limit - self._answer_used - self._elapsed_running())

    @property
    def asked_count(self) -> int:
        return sum(1 for r in self.records if r.status != "unasked")

    # ------------------------------------------------------------------ driving

    def start(self) -> None:
        if self.phase is not Phase.READY:
            raise EngineError("The interview has already started.")
        self._started_at = self.clock()
        self._begin_question()

    def on_interviewer_text(self, text: str) -> None:
        text = text.strip()
        if self.phase is Phase.ASKING:
            rec = self._require_current()
            if not text:
                text = rec.question.text
            self._add(
                Turn(role="interviewer", kind="question", text=text, question_id=rec.question.id)
            )
            rec.status = "answering"
            self._start_answer(rec.question.answer_seconds)
        elif self.phase is Phase.WRAP_UP:
            if text:
                self._add(Turn(role="interviewer", kind="wrap_up", text=text))
            self._after_wrap_up()
        else:
            raise EngineError(f"No interviewer turn was expected (phase: {self.phase.value}).")

    def add_notice(self, text: str) -> None:
        """A note for the candidate in the transcript ("the model's reply repeated the
        app's instructions, so ..."). Never sent to a model, never graded; it sits under
        the question being asked or probed, before the turn it explains."""
        rec = self.current
        qid = (
            rec.question.id
            if rec is not None and self.phase in (Phase.ASKING, Phase.DECIDING)
            else None
        )
        self._add(Turn(role="system", kind="notice", text=text, question_id=qid))

    def update_draft(self, text: str) -> None:
        """The driver keeps the engine's copy of the draft current, so a time-out keeps it."""
        self.draft = text

    def submit_answer(
        self,
        text: str | None = None,
        *,
        timed_out: bool = False,
        audio: str | None = None,
        voice: VoiceDelivery | None = None,
    ) -> None:
        """Take the answer (`text`, or the draft); a spoken one brings its recording's
        path in the session folder (`audio`) and its measured delivery (`voice`)."""
        self._expect(Phase.ANSWERING, "submit an answer")
        if self.paused:
            raise EngineError("The interview is paused; resume it before answering.")
        rec = self._require_current()
        answer = self.draft if text is None else text
        seconds = self._stop_clocks()
        self._add(
            Turn(
                role="candidate",
                kind="answer",
                text=answer,
                question_id=rec.question.id,
                seconds=round(seconds, 2),
                timed_out=timed_out,
                audio=audio,
                voice=voice,
            )
        )
        self.draft = ""
        if self.interview_seconds_left() <= 0:
            self.interview_timed_out = True
            self._finish_question(rec)
            self._go_wrap_up()
        elif rec.follow_ups_asked < self.follow_up_limit and answer.strip():
            self.phase = Phase.DECIDING
        else:
            self._finish_question(rec)
            self._advance()

    def on_follow_up(self, decision: FollowUpDecision) -> None:
        self._expect(Phase.DECIDING, "take a follow-up decision")
        rec = self._require_current()
        asked = {t.text.strip().lower() for t in rec.turns if t.kind == "follow_up"}
        text = decision.question.strip()
        if (
            decision.follow_up
            and rec.follow_ups_asked < self.follow_up_limit
            and text
            and text.lower() not in asked
            and self.interview_seconds_left() > 0
        ):
            rec.follow_ups_asked += 1
            self._add(
                Turn(role="interviewer", kind="follow_up", text=text, question_id=rec.question.id)
            )
            limit = max(MIN_FOLLOW_UP_SECONDS, rec.question.answer_seconds // 2)
            self._start_answer(limit)
        else:
            self._finish_question(rec)
            self._advance()

    def skip(self) -> None:
        """Skip the current question; whatever was typed is kept in the transcript."""
        if self.phase is Phase.DECIDING:
            rec = self._require_current()
            self._finish_question(rec)
            self._advance()
            return
        self._expect(Phase.ANSWERING, "skip")
        rec = self._require_current()
        seconds = self._stop_clocks()
        self._add(
            Turn(
                role="candidate",
                kind="answer",
                text=self.draft,
                question_id=rec.question.id,
                seconds=round(seconds, 2),
                skipped=True,
            )
        )
        self.draft = ""
        self._finish_question(rec)
        self._advance()

    def pause(self) -> None:
        if self.phase in (Phase.READY, Phase.DONE) or self.paused:
            return
        if self._running_since is not None:
            self._bank_running()
        self.paused = True

    def resume(self) -> None:
        if not self.paused:
            return
        self.paused = False
        if self.phase is Phase.ANSWERING and not self.held:
            self._running_since = self.clock()

    def release_answer_clock(self) -> None:
        """The question was delivered (read aloud): the held answer clocks start now
        (or on `resume`, if paused). Does nothing when they are not held."""
        if not self.held:
            return
        self.held = False
        if self.phase is Phase.ANSWERING and not self.paused:
            self._running_since = self.clock()

    def end_early(self) -> None:
        """Stop asking. A draft in progress is kept as the answer; nothing typed is lost."""
        if self.phase in (Phase.WRAP_UP, Phase.GRADING, Phase.DONE):
            return
        self.ended_early = True
        self.paused = False
        rec = self.current
        if self.phase is Phase.ANSWERING and rec is not None:
            seconds = self._stop_clocks()
            if self.draft.strip():
                self._add(
                    Turn(
                        role="candidate",
                        kind="answer",
                        text=self.draft,
                        question_id=rec.question.id,
                        seconds=round(seconds, 2),
                    )
                )
            self.draft = ""
            if any(t.role == "candidate" for t in rec.turns):
                self._finish_question(rec)
            else:
                rec.status = "unasked"  # shown but never answered: not reached, not a 0
        elif self.phase is Phase.DECIDING and rec is not None:
            self._finish_question(rec)
        elif self.phase is Phase.ASKING and rec is not None:
            rec.status = "unasked"
        if self.phase is Phase.READY:
            self.phase = Phase.DONE
            return
        self._go_wrap_up()

    def tick(self) -> list[str]:
        """Turn expired clocks into submitted answers. Returns the events that happened."""
        if self.phase is not Phase.ANSWERING or self.paused:
            return []
        if self.interview_seconds_left() <= 0:
            self.submit_answer(timed_out=True)
            return ["interview_timeout"]
        if self.question_seconds_left() <= 0:
            self.submit_answer(timed_out=True)
            return ["question_timeout"]
        return []

    # ------------------------------------------------------------------ grading

    def take_grading_requests(self) -> list[GradeRequest]:
        """Requests not yet handed out; each is returned once. Grade them in any order."""
        out, self._undispatched = self._undispatched, []
        return out

    def on_grade(self, request_id: int, grade: Grade) -> None:
        rec = self._outstanding.pop(request_id, None)
        if rec is None:
            return  # a late or duplicate result (e.g. after a cancel): ignore
        rec.grade = grade
        self._maybe_done()

    def on_grade_failed(self, request_id: int, message: str) -> None:
        rec = self._outstanding.pop(request_id, None)
        if rec is None:
            return
        rec.grade_error = message
        self._maybe_done()

    # ------------------------------------------------------------------ internals

    def _require_current(self) -> QuestionRecord:
        rec = self.current
        if rec is None:
            raise EngineError("There is no current question.")
        return rec

    def _expect(self, phase: Phase, action: str) -> None:
        if self.phase is not phase:
            raise EngineError(f"Cannot {action} now (phase: {self.phase.value}).")

    def _add(self, turn: Turn) -> None:
        self.transcript.append(turn.model_copy(update={"at": self.clock() - self._started_at}))
        rec = self.current
        if rec is not None and turn.question_id == rec.question.id:
            rec.turns.append(self.transcript[-1])

    def _begin_question(self) -> None:
        rec = self.current
        if rec is None:
            self._go_wrap_up()
            return
        if self.adaptive and self.index > 0:
            self._adapt(rec)
        rec.status = "asking"
        self.phase = Phase.ASKING

    def _start_answer(self, limit: float) -> None:
        self.phase = Phase.ANSWERING
        self._answer_limit = float(limit)
        self._answer_used = 0.0
        self.draft = ""
        self.held = self.hold_answers
        self._running_since = None if self.paused or self.held else self.clock()

    def _bank_running(self) -> None:
        elapsed = self._elapsed_running()
        self._interview_used += elapsed
        self._answer_used += elapsed
        self._running_since = None

    def _stop_clocks(self) -> float:
        self.held = False
        if self._running_since is not None:
            self._bank_running()
        return self._answer_used

    def _finish_question(self, rec: QuestionRecord) -> None:
        if rec.answered:
            rec.status = "answered"
            request_id = self._next_request_id
            self._next_request_id += 1
            rec.request_id = request_id
            req = self._grade_request(rec, request_id)
            self._undispatched.append(req)
            self._outstanding[request_id] = rec
            if self.adaptive and self.quick_score is not None:
                score = self.quick_score(req)
                if score is not None:
                    self.quick_scores[rec.question.id] = score
        else:
            rec.status = "skipped"

    def _grade_request(self, rec: QuestionRecord, request_id: int) -> GradeRequest:
        seconds = sum(t.seconds or 0.0 for t in rec.turns if t.role == "candidate")
        return GradeRequest(
            request_id=request_id,
            question=rec.question,
            rubric=self.rubrics[rec.question.rubric],
            exchange=tuple(rec.turns),
            answer_seconds=seconds,
        )

    def grade_request_now(self) -> GradeRequest | None:
        """While a follow-up is being decided: the request the current question would be
        graded with if the decision is "no follow-up" (request id 0, never handed out).
        A driver may start grading it early; the request handed out later has the same
        `exchange` exactly when nothing was added to the question meanwhile."""
        if self.phase is not Phase.DECIDING:
            return None
        rec = self.current
        if rec is None or not rec.answered:
            return None
        return self._grade_request(rec, 0)

    @property
    def on_last_question(self) -> bool:
        """The question being asked or answered is the interview's last one."""
        return self.current is not None and self.index == len(self.records) - 1

    def _advance(self) -> None:
        self.index += 1
        self._begin_question()

    # ------------------------------------------------------------------ adaptive

    @property
    def difficulty_path(self) -> list[str]:
        """The level of each question put to the candidate, in order."""
        return [r.question.difficulty for r in self.records if r.status != "unasked"]

    @property
    def difficulty_reasons(self) -> list[str]:
        """Beside `difficulty_path`: why each level is not the plain wanted one ("" if it is)."""
        return [r.level_note for r in self.records if r.status != "unasked"]

    def _deciding_score(self, last: QuestionRecord) -> float | None:
        """The score the next level follows (see core/adaptive.py): the last answer's
        grade if in, else its quick grade, else the newest earlier grade."""
        if last.grade is not None:
            return last.grade.overall_score
        if last.question.id in self.quick_scores:
            return self.quick_scores[last.question.id]
        for rec in reversed(self.records[: self.index]):
            if rec.grade is not None:
                return rec.grade.overall_score
        return None

    def _adapt(self, rec: QuestionRecord) -> None:
        """Put a question of the level the last answer earned in `rec`'s place."""
        last = self.records[self.index - 1]
        if last.status not in ("answered", "skipped"):
            return
        previous = last.question.difficulty
        score = self._deciding_score(last)
        skipped = last.status == "skipped"
        target = next_difficulty(previous, score, skipped=skipped)
        move = wanted_move(previous, score, skipped=skipped)
        if move and target == previous:
            rec.level_note = (
                f"{'weak answer' if move < 0 else 'strong answer'}, but {previous} is "
                f"already the {'easiest' if move < 0 else 'hardest'} level"
            )
        if rec.question.difficulty == target:
            return
        later = [r.question for r in self.records[self.index + 1 :]]
        asked = {r.question.id for r in self.records}
        pick, why = choose_widened(
            [rec.question, *later, *self.pool],
            target,
            previous,
            category=rec.question.category,
            nearby=[q for q in self.nearby if q.id not in asked and q.rubric in self.rubrics],
            bank=[q for q in self.bank if q.id not in asked and q.rubric in self.rubrics],
        )
        rec.level_note = "; ".join(n for n in (rec.level_note, why) if n)
        if pick is None or pick.id == rec.question.id:
            return
        if pick.rubric not in self.rubrics:
            rec.level_note = f"wanted {target}: its question has no rubric loaded, kept as planned"
            return
        for other in self.records[self.index + 1 :]:
            if other.question.id == pick.id:
                other.question, rec.question = rec.question, pick
                return
        self.pool = [q for q in self.pool if q.id != pick.id] + [rec.question]
        self.nearby = [q for q in self.nearby if q.id != pick.id]
        self.bank = [q for q in self.bank if q.id != pick.id]
        rec.question = pick

    def _go_wrap_up(self) -> None:
        self.phase = Phase.WRAP_UP

    def _after_wrap_up(self) -> None:
        self.phase = Phase.GRADING
        self._maybe_done()

    def _maybe_done(self) -> None:
        if self.phase is Phase.GRADING and not self._outstanding and not self._undispatched:
            self.phase = Phase.DONE

    def _turn_request(
        self, purpose: Literal["question", "wrap_up"], question: Question | None
    ) -> TurnRequest:
        recent = self.transcript[-HISTORY_WINDOW:]
        older = self.transcript[: max(0, len(self.transcript) - HISTORY_WINDOW)]
        return TurnRequest(
            purpose=purpose,
            track=self.session_track,
            question=question,
            index=self.index if purpose == "question" else self.asked_count,
            total=len(self.records),
            history=tuple(recent),
            earlier_summary=_summarise(older, self.records),
        )


def session_minutes(seconds: float) -> int:
    """A session's length in whole minutes, as it is announced ("about 10 minutes")."""
    return max(1, int(seconds / 60 + 0.5))


def _summarise(older: list[Turn], records: list[QuestionRecord]) -> str:
    """One short line per earlier question, so the model knows what was covered."""
    if not older:
        return ""
    seen: list[str] = []
    for t in older:
        if t.question_id and t.question_id not in seen:
            seen.append(t.question_id)
    by_id = {r.question.id: r for r in records}
    lines = []
    for qid in seen:
        rec = by_id.get(qid)
        if rec is None:
            continue
        state = "skipped" if rec.status == "skipped" else "answered"
        topic = ", ".join(rec.question.topics[:2])
        lines.append(f"- {rec.question.category} question on {topic}: {state}")
    return "\n".join(lines)
