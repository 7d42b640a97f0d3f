"""A limit on some criteria's scores, with the reason the candidate reads.

The checks that can cap a grade beyond the junk flags (a stated red flag, terms named
without being explained, a story told only as "I would" or "we") each return `Cap`s;
`policy.finalize` applies every one the same way and shows its note in the criterion's
reasoning and its advice among the improvements.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cap:
    """No criterion in `criteria` scores above `limit`; `note` says why, `advice` what to do."""

    criteria: frozenset[str]
    limit: int
    note: str
    advice: str = ""
    #: Sentence added to the grade's summary (once), "" for none.
    summary: str = ""
