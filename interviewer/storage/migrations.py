"""The session database's schema as an ordered list of migrations.

`PRAGMA user_version` holds how many migrations a database has had. Opening a database
applies the missing ones in order, each in its own transaction together with the version
bump, so a crash mid-migration leaves the previous version intact rather than half a new
one. Migrations are append-only: once released, an entry is never edited, because
databases in the wild were built by exactly that text.

Nothing here holds an API key or any other credential (issue 5, item 6); a test scans the
schema for it.
"""

from __future__ import annotations

import sqlite3

# v1: the first released schema.
_V1 = """
CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    track_id      TEXT NOT NULL,
    track_name    TEXT NOT NULL,
    backend       TEXT NOT NULL,
    backend_label TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    ended_at      TEXT,
    status        TEXT NOT NULL DEFAULT 'in_progress'
                  CHECK (status IN ('in_progress', 'finished', 'abandoned')),
    overall_score REAL,
    plan          TEXT NOT NULL,
    report        TEXT
);

CREATE TABLE turns (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    role        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    question_id TEXT,
    text        TEXT NOT NULL,
    at          REAL NOT NULL DEFAULT 0,
    seconds     REAL,
    timed_out   INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, seq)
) WITHOUT ROWID;

CREATE TABLE drafts (
    session_id             TEXT PRIMARY KEY REFERENCES sessions(id) ON DELETE CASCADE,
    question_id            TEXT NOT NULL,
    text                   TEXT NOT NULL,
    question_seconds_left  REAL NOT NULL,
    interview_seconds_left REAL NOT NULL,
    updated_at             TEXT NOT NULL
);

CREATE TABLE grades (
    session_id  TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    grade       TEXT NOT NULL,
    PRIMARY KEY (session_id, question_id)
) WITHOUT ROWID;
"""

# v2: history lists sessions newest first filtered by status, and shows each session's
# length. v1 had to parse every report's JSON (or sum turns) per row to get the length;
# v2 keeps it in a column, backfilled here from what v1 already stored.
_V2 = """
ALTER TABLE sessions ADD COLUMN duration_seconds REAL;

UPDATE sessions
   SET duration_seconds = json_extract(report, '$.duration_seconds')
 WHERE report IS NOT NULL AND json_valid(report);

UPDATE sessions
   SET duration_seconds = (SELECT SUM(t.seconds) FROM turns AS t
                            WHERE t.session_id = sessions.id AND t.role = 'candidate')
 WHERE duration_seconds IS NULL AND status = 'abandoned';

CREATE INDEX sessions_by_status_started ON sessions (status, started_at DESC);
"""

# v3: the call log (issue 12): one row per backend call an interview made, so a grade
# can be audited (prompt messages, raw reply, usage, timing, error) and replayed (a
# grade's row holds its request as JSON). Older databases simply have no calls logged.
# Never a credential: the API key lives in the client only. Usage is one JSON object
# (requests and the three token counts) so no column name looks like a secret.
_V3 = """
CREATE TABLE model_calls (
    id                INTEGER PRIMARY KEY,
    session_id        TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL,
    backend           TEXT NOT NULL,
    model             TEXT NOT NULL DEFAULT '',
    mode              TEXT NOT NULL DEFAULT 'none',
    question_id       TEXT,
    attempt           INTEGER NOT NULL DEFAULT 1,
    stand_in          INTEGER NOT NULL DEFAULT 0,
    started_at        TEXT NOT NULL,
    latency_seconds   REAL NOT NULL DEFAULT 0,
    usage             TEXT NOT NULL DEFAULT '{}',
    repair_rounds     INTEGER NOT NULL DEFAULT 0,
    messages          TEXT NOT NULL DEFAULT '[]',
    raw_reply         TEXT NOT NULL DEFAULT '',
    error             TEXT NOT NULL DEFAULT '',
    request           TEXT,
    overall_score     REAL
);

CREATE INDEX model_calls_by_session ON model_calls (session_id, id);
"""

# v4: job targets (issue 17): a posting, the CV beside it, the skills as the candidate
# corrected them, the profile (seniority, domain, ...) and any questions a model wrote for
# it, all as text or JSON. A session practised for a target names it in its plan's
# options (`target_id`), so sessions need no new column; the index finds them.
_V4 = """
CREATE TABLE targets (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    posting    TEXT NOT NULL,
    cv         TEXT NOT NULL DEFAULT '',
    skills     TEXT NOT NULL DEFAULT '[]',
    profile    TEXT NOT NULL DEFAULT '{}',
    generated  TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);

CREATE INDEX sessions_by_target ON sessions (json_extract(plan, '$.options.target_id'));
"""

# v5: spoken answers (issue 16): a turn may have a recording in the session's folder
# (`audio`, a path relative to it) and its delivery measured from the voice (`voice`, the
# VoiceDelivery model as JSON). Older turns were typed: both stay NULL.
_V5 = """
ALTER TABLE turns ADD COLUMN audio TEXT;
ALTER TABLE turns ADD COLUMN voice TEXT;
"""

#: Index i holds the SQL that takes a database from version i to version i + 1.
MIGRATIONS: tuple[str, ...] = (_V1, _V2, _V3, _V4, _V5)
SCHEMA_VERSION = len(MIGRATIONS)


def user_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("PRAGMA user_version").fetchone()
    return int(row[0])


def migrate(
    conn: sqlite3.Connection,
    target: int = SCHEMA_VERSION,
    migrations: tuple[str, ...] = MIGRATIONS,
) -> int:
    """Bring `conn` up to `target` (tests stop early to build old databases).

    The connection must be in autocommit mode (isolation_level=None): each step runs
    between its own BEGIN IMMEDIATE and COMMIT, and a failure rolls that step back.
    Returns the version the database ends at.
    """
    version = user_version(conn)
    while version < target:
        script = migrations[version]
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version + 1};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        version += 1
    return version
