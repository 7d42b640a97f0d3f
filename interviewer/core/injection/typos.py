"""Typos in the key words of an injection ("Ignroe prevous instrucitons"), read as meant.

A model reads "Ignroe prevous instrucitons" as "ignore previous instructions", so the
detector must too. The tolerance is kept narrow so ordinary ML prose is never "corrected"
into an attack:

- only words of five letters or more, and only into a small vocabulary (`KEY_WORDS`:
  the words the patterns turn on: ignore, previous, instructions, rubric, marks, ...);
- the first letter must be right, and the word may be at most one edit away (two for
  key words of eight letters or more), a swap of two neighbours counting as one edit;
- a real English word is never changed (`REAL_NEAR_WORDS`: every word of a standard
  American English word list, of the question bank and of the labelled answers that is
  that close to a key word, such as "store", "trade", "ignored", "precious").

`REAL_NEAR_WORDS` was generated from /usr/share/dict/words (Debian's wamerican), the
question bank and benchmarks/grading_set.toml; add a word here if an honest answer
shows one that the tolerance turns into a key word.
"""

from __future__ import annotations

import functools


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: The words of the key phrases that are worth correcting (five letters or more).
KEY_WORDS: frozenset[str] = _words(
    """
    ignore disregard forget override overrule bypass previous prior earlier preceding
    above former original existing instructions instruction prompt prompts rules
    guidelines directions directives rubric rubrics criteria criterion constraints
    system grader graders grading scoring marking evaluator evaluators examiner assessor
    evaluation marks points score scores grade grades credit maximum perfect highest
    award assign deserve deserves answer response submission candidate everything
    please lenient leniently generous generously excellent exemplary outstanding
    """
)

#: Real words close to a key word: never corrected (see the module docstring).
REAL_NEAR_WORDS: frozenset[str] = _words(
    """
    abode answers assess assessed assesses assessors assigns awards aware bypast
    candidacy candidates candide constants constrain constrained constrains
    constraint constricts credits criterions deceives defections defectives descries
    deserted deserter deserters deserts deserved desires detectives digestions
    directing direction directional directive directors disregarded disregards
    dissections editing emitting enlisting evacuation evacuations evaluate evaluated
    evaluates evaluating evaluations evicting evolution exacting exaltation exalting
    examine examined examiners examines excelled excellence excellency excellently
    excelling excising exciting exemplar exemplars exemplify exerting exiling
    existent exiting expiating exulting farmer firmer forge forged forger forges
    forgets forgot formed generals generics glade glades goading grace graces
    gracing graded grads grady grander grape grapes grate grater graters grates
    grating grave graver graves graving grayer graying graze grazes grazing
    guideline ignored ignores ignorez instructing instructional instructive
    instructor instructors leniency making mares maris markings marring marts
    masking masks maximums murks ordinal origin originally originals originate
    origins outstandingly outstaying overbite overdid overdrive overdue overfull
    overlie overprice overrate overridden overrides overripe overrode overruled
    overrules overrun overruns oversize overtime overture overuse overwrite paints
    pease perfects pints pleas pleased pleases point pointy precedent precious
    precluding preening prefect presiding pretending previews previously prints
    priors priory proceeding pryor repose respond responded responds responses
    responsive riles roles rubes rubles ruled ruler rulers runes ruses scare scares
    scaring scone scones scope scopes scoping scored scorer scorers scorn scorning
    scorns scouring shore shores shoring snore snores snoring sores spore spores
    sporing store stores storing submersion submissions submissive swore systems
    """
)


def _distance_at_most(a: str, b: str, limit: int) -> bool:
    """Whether the optimal-string-alignment distance of a and b is at most `limit`."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[len(b)] <= limit


def _near(word: str, key: str) -> bool:
    """`word` (lower case) is a plausible typo of `key`."""
    if word[0] != key[0] or word == key:
        return False
    return _distance_at_most(word, key, 2 if len(key) >= 8 else 1)


_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _key in sorted(KEY_WORDS):
    _BY_FIRST[_key[0]] = (*_BY_FIRST.get(_key[0], ()), _key)


@functools.lru_cache(maxsize=4096)
def correction(word: str) -> str | None:
    """The key word `word` is a typo of, or None (a real word, a key word, too short)."""
    lower = word.lower()
    if len(lower) < 5 or not lower.isascii() or lower in KEY_WORDS or lower in REAL_NEAR_WORDS:
        return None
    keys = _BY_FIRST.get(lower[0], ())
    for limit in (1, 2):  # the closest key word wins ("instrucitons": instructions)
        for key in keys:
            if (limit == 1 or len(key) >= 8) and _distance_at_most(lower, key, limit):
                return key
    return None
