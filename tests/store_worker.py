"""Child process for the kill test in test_store.py: writes turns until it is killed.

Usage: python tests/store_worker.py DATABASE SESSION_ID

Prints "ready" once the store is open, then, in a loop, saves a draft and adds a turn,
and prints each turn's sequence number only after `add_turn` has returned (committed).
The test SIGKILLs it at random points and checks that every printed number is stored.
It exits by itself when its stdout goes away, so a dead test never leaves it running.
"""

from __future__ import annotations

import sys
from pathlib import Path

from interviewer.core.models import Turn
from interviewer.storage.store import SessionStore

MAX_TURNS = 100_000


def main(argv: list[str]) -> int:
    db, session_id = Path(argv[1]), argv[2]
    store = SessionStore(db)
    try:
        print("ready", flush=True)
        for i in range(MAX_TURNS):
            # Drafts of changing size make page splits and overflow pages mid-transaction.
            store.save_draft(session_id, "q1", "typing " * (i % 700), 120.0 - i % 100, 900.0)
            seq = store.add_turn(
                session_id,
                Turn(
                    role="candidate",
                    kind="answer",
                    text=f"answer {i}: " + "words " * (i * 37 % 1500),
                    question_id="q1",
                    seconds=1.5,
                ),
            )
            print(seq, flush=True)
    except BrokenPipeError:
        return 0
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
