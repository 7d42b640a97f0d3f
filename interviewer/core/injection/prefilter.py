"""Words a pattern cannot match without: a quick test that skips most patterns.

Every answer is scanned with about 150 patterns in five or more forms (as written, l33t
folded, ROT13, words spelt backwards, typos fixed, ...), about 100 ms of processor time
for a long answer, all of it before the grading request can go out (issue 18). Almost
every pattern needs one of a few words to match at all: "ignore|disregard|forget" for the
first one. `required_words` reads those words out of the compiled pattern's syntax tree,
and a pattern none of whose words is in the text is skipped. `fold` puts the text into
the same case-folded form the words are in.

The test only ever skips a pattern that could not match, so what is found does not
change (tests/test_injection_prefilter.py checks both against the plain scan). It folds
case the way `re.IGNORECASE` does, including the few letters that match across scripts
(the dotless "ı" matches "i", the long "ſ" matches "s"), so no look-alike slips past.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from collections.abc import Iterable
from typing import Any

# Private, but in the standard library since 3.11 (what `re` itself compiles with). If a
# later Python moves them, every pattern simply runs, as before the prefilter.
_parser: Any = None
try:
    _c: Any = importlib.import_module("re._constants")
    _tolower: Any = importlib.import_module("_sre").unicode_tolower
    _EXTRA_CASES: dict[int, tuple[int, ...]] = importlib.import_module("re._casefix")._EXTRA_CASES
    _parser = importlib.import_module("re._parser")
except (ImportError, AttributeError):  # pragma: no cover - a Python that reorganised `re`
    _parser = None

#: A set with a word shorter than this is not worth testing for (one or two Latin letters
#: are in every text); the pattern then always runs. A letter of another script counts
#: three: "满分" says as much in an English answer as "ignore".
MIN_WORD = 3
#: Cap on how many spellings a set may grow to ("d[ée]j[àa]" has four).
MAX_WORDS = 64


class _Folding(dict[int, str]):
    """Code point -> the one letter every letter `re.IGNORECASE` matches with it folds to."""

    def __missing__(self, cp: int) -> str:
        low = _tolower(cp)
        out = chr(min(low, *_EXTRA_CASES.get(low, (low,))))
        self[cp] = out
        return out


_FOLDING = _Folding()


def fold(text: str) -> str:
    """`text` case-folded as `re.IGNORECASE` compares letters (one letter for one)."""
    if _parser is None:  # pragma: no cover
        return text.lower()
    return text.translate(_FOLDING)


def any_in(words: Iterable[str], folded: str) -> bool:
    """Whether one of `words` is in `folded` (a loop: quicker than `any` over a generator)."""
    for word in words:  # noqa: SIM110 - a loop is quicker than any() over a generator
        if word in folded:
            return True
    return False


def words_for(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """`required_words(pattern)`, read from the table shipped with the app when it holds
    this pattern. Working them out takes about 1.3 ms a pattern (0.2 s for all, on the
    loading thread next to the window's); the table is kept in step by
    tests/test_injection_prefilter.py. A pattern edited since is worked out here."""
    from interviewer.core.injection import _required_words

    stored = _required_words.WORDS.get(pattern_key(pattern))
    if stored is None:
        return required_words(pattern)
    return frozenset(stored) or None


def pattern_key(pattern: re.Pattern[str]) -> str:
    """A short name for a pattern's text and flags (the table's key)."""
    text = f"{pattern.flags}:{pattern.pattern}".encode()
    return hashlib.blake2b(text, digest_size=8).hexdigest()


def table_source(patterns: Iterable[re.Pattern[str]]) -> str:
    """The table of required words for `patterns`, as the text of a Python module
    (`tests/write_injection_words.py` writes it to `_required_words.py`)."""
    lines = [
        "# ruff: noqa: E501",
        "# fmt: off",
        '"""Written by `python -m tests.write_injection_words`: the words each injection',
        "pattern cannot match without (prefilter.py), by the pattern's key. Do not edit.",
        '"""',
        "",
        "WORDS: dict[str, tuple[str, ...]] = {",
    ]
    for rx in patterns:
        words = required_words(rx)
        lines.append(f"    {pattern_key(rx)!r}: {tuple(sorted(words or ()))!r},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def required_words(pattern: re.Pattern[str]) -> frozenset[str] | None:
    """Folded words of which every match of `pattern` contains at least one, or None
    when no such set worth testing is known (the pattern must always run)."""
    if _parser is None:  # pragma: no cover
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # any surprise means "always run", never a miss
        return None
    best = _required(list(tree))
    if best is None or _telling(best) < MIN_WORD:
        return None
    return frozenset(best)


def _required(items: list[Any]) -> set[str] | None:
    """The best set of words one of which every match of the sequence `items` holds."""
    found: list[set[str]] = []
    run: set[str] = {""}

    def flush() -> None:
        nonlocal run
        if run != {""} and all(run):
            found.append(run)
        run = {""}

    for op, av in items:
        exact = _exact([(op, av)])
        if exact is not None:
            joined = {a + b for a in run for b in exact}
            if len(joined) > MAX_WORDS:
                flush()
                joined = exact
            run = joined
            continue
        if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
            continue  # consumes nothing: the letters on either side stay adjacent
        flush()
        inner = _inner(op, av)
        if inner is not None:
            found.append(inner)
    flush()
    return _best(found)


def _inner(op: Any, av: Any) -> set[str] | None:
    """What a group, a choice or a repeat taken at least once requires."""
    if op is _c.SUBPATTERN:
        return _required(list(av[-1]))
    if op is _c.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            words = _required(list(branch))
            if words is None:
                return None
            union |= words
        return union if len(union) <= MAX_WORDS else None
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT) and av[0] >= 1:
        return _required(list(av[2]))
    return None


def _exact(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    """Every text the sequence can match, folded, if it is a small set of fixed words."""
    out: set[str] = {""}
    for op, av in items:
        if op is _c.LITERAL:
            choices = {_FOLDING[av]}
        elif op is _c.IN and av and all(o is _c.LITERAL for o, _ in av):
            choices = {_FOLDING[ch] for _, ch in av}
        elif op is _c.SUBPATTERN:
            sub = _exact(av[-1])
            if sub is None:
                return None
            choices = sub
        elif op is _c.BRANCH:
            choices = set()
            for branch in av[1]:
                sub = _exact(branch)
                if sub is None:
                    return None
                choices |= sub
        else:
            return None
        out = {a + b for a in out for b in choices}
        if len(out) > MAX_WORDS:
            return None
    return out


def _telling(words: set[str]) -> int:
    """How rare the set's most common word is: its length, a non-Latin letter counting 3."""
    return min(len(w) if w.isascii() else 3 * len(w) for w in words)


def _best(found: list[set[str]]) -> set[str] | None:
    """The most telling set: its shortest word longest, then the fewest words."""
    usable = [s for s in found if s and all(s)]
    if not usable:
        return None
    return max(usable, key=lambda s: (_telling(s), -len(s)))
