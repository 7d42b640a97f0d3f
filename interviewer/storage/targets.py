"""Saved job targets (schema v4) and each target's history, in the session database.

A target is a posting, the CV beside it (kept on this machine only), the skills as the
candidate corrected them, the profile read from the posting and the questions a model
wrote for it. Sessions practised for a target carry its id in their plan's options
(`SessionPlan.options["target_id"]`), so a target's history is a query, not a copy.

These functions work on a `SessionStore` through its one-transaction `_write` and its
locked `_read`, so they share its retries, its fall-back to memory and its error
wrapping; they live here to keep targets out of the interview store's own file.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from interviewer.core.jobs import JobProfile
from interviewer.core.models import Question
from interviewer.storage.store import _ROW_SQL, SessionRow, SessionStore, StoreError, _row, now_iso

#: The plan option naming the target a session practised for.
TARGET_OPTION = "target_id"


class TargetNotFound(StoreError):
    def __init__(self, target_id: str) -> None:
        self.target_id = target_id
        super().__init__(
            f"No saved target {target_id!r}; `interviewer targets` lists the saved ones."
        )


@dataclass(frozen=True)
class Target:
    id: str
    title: str
    posting: str
    cv: str
    skills: list[str]
    profile: JobProfile
    generated: list[Question] = field(default_factory=list)
    created_at: str = ""


def _loads(raw: str, default: Any) -> Any:
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return default


def _target(r: tuple[Any, ...]) -> Target:
    tid, title, posting, cv, skills, profile, generated, created = r
    skill_list = [str(s) for s in _loads(skills, []) if isinstance(s, str)]
    try:
        prof = JobProfile.model_validate(_loads(profile, {}))
    except ValidationError:
        prof = JobProfile(skills=skill_list)
    questions: list[Question] = []
    for q in _loads(generated, []):
        try:
            questions.append(Question.model_validate(q))
        except ValidationError:
            continue  # a question that no longer validates is left out, the target kept
    return Target(tid, title, posting, cv, skill_list, prof, questions, created)


_COLUMNS = "id, title, posting, cv, skills, profile, generated, created_at"


def save_target(
    store: SessionStore,
    *,
    title: str,
    posting: str,
    cv: str = "",
    skills: list[str],
    profile: JobProfile,
    generated: list[Question] | None = None,
    target_id: str | None = None,
    created_at: str | None = None,
) -> str:
    """Save a new target (or replace the one with `target_id`); returns its id."""
    tid = target_id or uuid.uuid4().hex[:10]
    params = (
        tid,
        title.strip()[:200] or "Job target",
        posting,
        cv,
        json.dumps(list(skills)),
        profile.model_dump_json(),
        json.dumps([q.model_dump(mode="json") for q in generated or []]),
        created_at or now_iso(),
    )

    def op(conn: sqlite3.Connection) -> None:
        conn.execute(
            f"INSERT OR REPLACE INTO targets ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            params,
        )

    store._write(op)
    return tid


def update_skills(store: SessionStore, target_id: str, skills: list[str]) -> None:
    """Keep the skills as the candidate corrected them."""

    def op(conn: sqlite3.Connection) -> None:
        done = conn.execute(
            "UPDATE targets SET skills = ? WHERE id = ?", (json.dumps(list(skills)), target_id)
        )
        if done.rowcount == 0:
            raise TargetNotFound(target_id)

    store._write(op)


def add_generated(store: SessionStore, target_id: str, questions: list[Question]) -> None:
    """Remember questions written for the target (so its sessions resume and report)."""
    target = get_target(store, target_id)
    known = {q.id for q in target.generated}
    merged = target.generated + [q for q in questions if q.id not in known]
    data = json.dumps([q.model_dump(mode="json") for q in merged])

    def op(conn: sqlite3.Connection) -> None:
        conn.execute("UPDATE targets SET generated = ? WHERE id = ?", (data, target_id))

    store._write(op)


def delete_target(store: SessionStore, target_id: str) -> bool:
    """Forget a target (its sessions stay in history)."""

    def op(conn: sqlite3.Connection) -> int:
        return conn.execute("DELETE FROM targets WHERE id = ?", (target_id,)).rowcount

    return bool(store._write(op))


def list_targets(store: SessionStore) -> list[Target]:
    """Every saved target, newest first."""
    rows = store._read(
        lambda c: c.execute(
            f"SELECT {_COLUMNS} FROM targets ORDER BY created_at DESC, rowid DESC"
        ).fetchall()
    )
    return [_target(tuple(r)) for r in rows]


def get_target(store: SessionStore, target_id: str) -> Target:
    r = store._read(
        lambda c: c.execute(f"SELECT {_COLUMNS} FROM targets WHERE id = ?", (target_id,)).fetchone()
    )
    if r is None:
        raise TargetNotFound(target_id)
    return _target(tuple(r))


def find_target(store: SessionStore, prefix: str) -> Target:
    """The target whose id is or starts with `prefix` (TargetNotFound if none or several)."""
    exact = [t for t in list_targets(store) if t.id == prefix]
    found = exact or [t for t in list_targets(store) if t.id.startswith(prefix)]
    if len(found) != 1:
        raise TargetNotFound(prefix)
    return found[0]


def target_sessions(store: SessionStore, target_id: str) -> list[SessionRow]:
    """The target's sessions, newest first."""

    rows = store._read(
        lambda c: c.execute(
            _ROW_SQL
            + " WHERE json_valid(s.plan) AND json_extract(s.plan, '$.options.target_id') = ?"
            " ORDER BY s.started_at DESC, s.rowid DESC",
            (target_id,),
        ).fetchall()
    )
    return [_row(r) for r in rows]


def target_answers(store: SessionStore, target_id: str) -> list[tuple[str, str, float | None]]:
    """(question id, session start, score or None) of every question the target's
    sessions asked, oldest first: a graded answer's score, None for one asked but never
    graded (skipped, or the interview stopped there), which readiness counts as 0."""

    def op(conn: sqlite3.Connection) -> list[tuple[str, str, float | None]]:
        rows = conn.execute(
            "SELECT t.question_id, s.started_at, "
            "(SELECT json_extract(g.grade, '$.overall_score') FROM grades AS g "
            " WHERE g.session_id = s.id AND g.question_id = t.question_id "
            " AND json_valid(g.grade)) "
            "FROM turns AS t JOIN sessions AS s ON s.id = t.session_id "
            "WHERE t.role = 'interviewer' AND t.kind = 'question' "
            "AND t.question_id IS NOT NULL AND json_valid(s.plan) "
            "AND json_extract(s.plan, '$.options.target_id') = ? "
            "GROUP BY s.id, t.question_id ORDER BY s.started_at, s.rowid",
            (target_id,),
        ).fetchall()
        return [(str(q), str(at), None if sc is None else float(sc)) for q, at, sc in rows]

    return store._read(op)
