"""`interviewer calls` and `interviewer regrade`: read a session's call log, re-run its grades.

Every backend call an interview makes is logged in the session database (`model_calls`,
see llm/service.py and storage/store.py). `calls` lists them, so a grade can be audited:
the prompt sent, the raw reply, the structured-output mode that worked, usage, timing
and any error. `regrade` runs each graded question again, with the backend the command
line names, from the request that was logged for it; a session saved before the log
existed (or a question whose grading was never logged) is rebuilt from the transcript,
with the question and rubric from the content library. It prints the old and the new
overall score per question, to compare graders on the candidate's own past answers.

Regrades are not written back: the session keeps its grades and its log stays the record
of the interview as it happened. A model that fails is reported per question, never
replaced by the offline coach, which would make the comparison meaningless.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

from interviewer.core.errors import BackendError, InterviewerError
from interviewer.core.models import Grade, Turn
from interviewer.core.requests import GradeRequest
from interviewer.llm import service
from interviewer.llm.base import Backend, CallList, grade_request_from_json
from interviewer.storage.paths import app_paths
from interviewer.storage.store import SessionStore, StoredModelCall, StoredSession
from interviewer.textsafety import json_text, terminal_writer

if TYPE_CHECKING:
    from interviewer.core.content import ContentLibrary

#: Characters of a raw reply shown per call in the text listing (JSON has it all).
REPLY_PREVIEW = 160


def _open_store() -> SessionStore:
    store = SessionStore.open(app_paths().database, read_only=True)
    if store.notice:
        print(f"warning: {store.notice}", file=sys.stderr)
    return store


def _need_session(store: SessionStore, session_id: str) -> None:
    if store.get_session(session_id) is None:
        raise InterviewerError(
            f"No session {session_id!r}. See `interviewer sessions` for the ids."
        )


# --------------------------------------------------------------------------- calls


def cmd_calls(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """List the backend calls a session made, oldest first.

    Raw replies are a model server's text: printed through `terminal_writer`, and as JSON
    with every control character escaped, so none reaches the terminal raw.
    """
    out = terminal_writer(out or sys.stdout)
    store = _open_store()
    try:
        _need_session(store, args.session_id)
        calls = store.model_calls(args.session_id)
    finally:
        store.close()
    if args.json:
        dumped = json.dumps([c.as_json() for c in calls], indent=2, ensure_ascii=False)
        print(json_text(dumped), file=out)
        return 0
    if not calls:
        print(
            f"No model calls are logged for session {args.session_id} (sessions saved before "
            "the call log existed have none).",
            file=out,
        )
        return 0
    for c in calls:
        print(_call_line(c), file=out)
    return 0


def _call_line(c: StoredModelCall) -> str:
    usage = c.usage
    tokens = (
        f"{usage.get('prompt_tokens', 0):,} in / {usage.get('completion_tokens', 0):,} out"
        if usage.get("requests")
        else "no tokens"
    )
    head = (
        f"#{c.id} {c.started_at.replace('T', ' ')[:19]}  {c.kind:<9} "
        f"{c.question_id or '-':<24} {c.backend} ({c.model or '-'}) mode={c.mode} "
        f"{c.latency_seconds:.2f}s {tokens}"
    )
    notes = []
    if c.attempt > 1:
        notes.append(f"retry {c.attempt - 1}")
    if c.stand_in:
        notes.append("offline stand-in")
    if c.repair_rounds:
        notes.append(f"{c.repair_rounds} repair round{'s' if c.repair_rounds != 1 else ''}")
    if c.overall_score is not None:
        notes.append(f"score {c.overall_score:.0f}")
    if notes:
        head += f"  [{', '.join(notes)}]"
    reply = " ".join(c.raw_reply.split())
    if len(reply) > REPLY_PREVIEW:
        reply = reply[:REPLY_PREVIEW] + "…"
    lines = [head]
    if c.error:
        lines.append(f"    error: {c.error}")
    if reply:
        lines.append(f"    reply: {reply}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- regrade


@dataclass
class _Job:
    question_id: str
    request: GradeRequest | None
    source: str  # "call_log" or "transcript"
    problem: str = ""


def cmd_regrade(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    """Grade each question of a session again and print old and new overall scores."""
    out = terminal_writer(out or sys.stdout)
    backend = _regrade_backend(args)
    store = _open_store()
    try:
        _need_session(store, args.session_id)
        stored = store.load_session(args.session_id)
        calls = store.model_calls(args.session_id, "grade")
    finally:
        store.close()
    results = regrade(stored, calls, backend)
    if args.json:
        print(json_text(json.dumps(results, indent=2, ensure_ascii=False)), file=out)
        return 0
    if not results:
        print(f"Session {args.session_id} has no answered questions to grade.", file=out)
        return 0
    print(f"Regraded with {backend.label}:", file=out)
    for r in results:
        old = r["old_overall_score"]
        new = r["new_overall_score"]
        old_text = "-" if old is None else f"{old:.0f}"
        new_text = "-" if new is None else f"{new:.0f}"
        line = f"  {r['question_id']:<28} old {old_text:>3}  new {new_text:>3}"
        if old is not None and new is not None:
            line += f"  ({new - old:+.0f})"
        if r["error"]:
            line += f"  error: {r['error']}"
        print(line, file=out)
    return 0


def _regrade_backend(args: argparse.Namespace) -> Backend:
    """The grader the settings and the flags pick, exactly as `grade` picks it: the
    grader flags, else the interviewer's flags, else the settings' grader."""
    from interviewer.terminal import grader_for

    return grader_for(args)[0]


def regrade(
    stored: StoredSession, calls: list[StoredModelCall], backend: Backend
) -> list[dict[str, Any]]:
    """Per answered question: the old and the new grade's overall score, as JSON data.

    The request comes from the latest logged grade call for the question; without one,
    from the transcript. Questions are in the order the interview asked them.
    """
    results = []
    for job in _jobs(stored, calls):
        old = _old_grade(stored, job.question_id)
        entry: dict[str, Any] = {
            "question_id": job.question_id,
            "source": job.source,
            "old_overall_score": None if old is None else old.overall_score,
            "new_overall_score": None,
            "old": _grade_json(old),
            "new": _grade_json(None),
            "error": job.problem or None,
        }
        if job.request is not None:
            log = CallList()
            # A coding answer logged before its tests were: run them (once) for the regrade.
            from interviewer.commands_coding import with_tests

            request = with_tests(job.request)
            try:
                new = service.grade(
                    backend, request, None, health=service.BackendHealth(), recorder=log
                )
            except BackendError as err:
                entry["error"] = str(err)
            else:
                entry["new_overall_score"] = new.overall_score
                entry["new"] = _grade_json(new)
            if log.calls:
                last = log.calls[-1]
                entry["call"] = {
                    "model": last.model,
                    "mode": last.mode,
                    "usage": last.usage.totals(),
                    "latency_seconds": sum(c.latency_seconds for c in log.calls),
                    "attempts": len(log.calls),
                }
        results.append(entry)
    return results


def _grade_json(grade: Grade | None) -> dict[str, Any]:
    """A grade's headline; {"overall_score": None} when there is none, so `old` and `new`
    always hold an `overall_score` key."""
    if grade is None:
        return {"overall_score": None}
    return {
        "overall_score": grade.overall_score,
        "backend": grade.backend,
        "flags": list(grade.flags),
        "criteria": {c.criterion_id: c.score for c in grade.criteria},
        "summary": grade.summary,
    }


def _old_grade(stored: StoredSession, question_id: str) -> Grade | None:
    grade = stored.grades.get(question_id)
    if grade is None and stored.report is not None:
        for q in stored.report.questions:
            if q.question_id == question_id and q.grade is not None:
                return q.grade
    return grade


def _jobs(stored: StoredSession, calls: list[StoredModelCall]) -> list[_Job]:
    logged: dict[str, dict[str, Any]] = {}
    for c in calls:  # oldest first: the latest logged request for a question wins
        if c.question_id and c.request is not None:
            logged[c.question_id] = c.request
    transcript = _transcript(stored)
    order = list(transcript)
    order += [qid for qid in stored.grades if qid not in order]
    order += [qid for qid in logged if qid not in order]
    jobs = []
    library: ContentLibrary | None = None
    for qid in order:
        if qid in logged:
            try:
                jobs.append(_Job(qid, grade_request_from_json(logged[qid]), "call_log"))
                continue
            except ValueError as err:
                problem = f"The logged request cannot be read ({err})."
                jobs.append(_Job(qid, None, "call_log", problem))
                continue
        turns = transcript.get(qid, [])
        answers = [t for t in turns if t.role == "candidate" and not t.skipped and t.text.strip()]
        if not answers:
            if qid in stored.grades:
                jobs.append(_Job(qid, None, "transcript", "The transcript holds no answer."))
            continue  # asked but not answered: nothing was graded, nothing to compare
        if library is None:
            library = _library()
        if qid not in library.questions:
            problem = f"Question {qid!r} is not in the question bank any more."
            jobs.append(_Job(qid, None, "transcript", problem))
            continue
        question = library.question(qid)
        try:
            rubric = library.rubric_for(question)
        except InterviewerError as err:
            jobs.append(_Job(qid, None, "transcript", f"No rubric for {qid!r} ({err})."))
            continue
        request = GradeRequest(
            request_id=len(jobs) + 1,
            question=question,
            rubric=rubric,
            exchange=tuple(turns),
            answer_seconds=sum(t.seconds or 0.0 for t in answers),
        )
        jobs.append(_Job(qid, request, "transcript"))
    return jobs


def _transcript(stored: StoredSession) -> dict[str, list[Turn]]:
    """Each question's turns, in the order asked: from the report, else the saved turns."""
    by_q: dict[str, list[Turn]] = {}
    if stored.report is not None:
        for q in stored.report.questions:
            if q.turns:
                by_q[q.question_id] = list(q.turns)
        if by_q:
            return by_q
    for t in stored.turns:
        if t.question_id:
            by_q.setdefault(t.question_id, []).append(t)
    return by_q


def _library() -> ContentLibrary:
    from interviewer.storage.content_files import load_library

    return load_library(app_paths().content_dir)
