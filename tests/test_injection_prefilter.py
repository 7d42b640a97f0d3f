"""The injection prefilter skips a pattern only when it could not have matched.

`interviewer/core/injection/prefilter.py` reads out of each pattern the words it cannot
match without, and the scan skips a pattern whose words are all missing from the text
(issue 18: the scan of a long answer went from about 100 ms to about 30 ms). A word
read wrongly, or case folded differently from `re.IGNORECASE`, would let an attack
through, so these tests hold the prefilter to the plain regular expressions.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interviewer.core import injection
from interviewer.core.injection import prefilter
from interviewer.core.injection.patterns import PATTERNS

# Every example the patterns carry, attacks and honest answers alike.
EXAMPLES = sorted({t for p in PATTERNS for t in (*p.must_match, *p.must_not_match)})
LOOK_ALIKES = {"i": "\u0131\u0130", "s": "\u017f", "k": "\u212a", "a": "\u0410"}


def words_of(regex: str) -> frozenset[str] | None:
    return prefilter.required_words(re.compile(regex, re.IGNORECASE))


def test_the_words_of_a_choice_are_each_spelling() -> None:
    assert words_of(r"\b(?:ignore|disregard)\s+the\s+rules") == frozenset({"ignore", "disregard"})


def test_the_longest_required_word_is_chosen() -> None:
    assert words_of(r"\bso\s+(?:that\s+)?you\s+(?:award|assign)\b") == frozenset(
        {"award", "assign"}
    )


def test_a_word_after_an_optional_part_is_still_required() -> None:
    assert words_of(r"(?:dear\s+)?evaluator") == frozenset({"evaluator"})


def test_letters_in_a_bracket_give_every_spelling() -> None:
    assert words_of(r"d[ée]j[àa]\s+vu") == frozenset({"déjà", "deja", "déja", "dejà"})


def test_case_in_the_pattern_does_not_matter() -> None:
    assert words_of(r"IGNORE\s+PREVIOUS") == frozenset({"previous"})


@pytest.mark.parametrize(
    "regex",
    [
        r"\b(?:hi|to)\s+(?:ai|me)\b",  # only two-letter words: in every text
        r"(?:please)?\s*\w+",  # nothing required at all
        r"(?:grade|\w+)\s+me",  # one spelling is any word
        r"x.*y",  # single letters
    ],
)
def test_a_pattern_without_telling_words_always_runs(regex: str) -> None:
    assert words_of(regex) is None


def test_a_word_in_another_script_counts_even_when_short() -> None:
    assert words_of(r"(?:满分|滿分)") == frozenset({"满分", "滿分"})


def test_fold_matches_letters_as_ignorecase_does() -> None:
    text = "\u0130GNORE \u0131gnore \u017fcore \u212aind ÉVALUATEUR"
    assert prefilter.fold(text) == "ignore ignore score kind évaluateur"


def test_every_letter_a_pattern_needs_folds_like_ignorecase_across_the_bmp() -> None:
    """For each letter in a required word: the characters `re.IGNORECASE` matches with
    it are exactly those that fold to it, over every character of the BMP."""
    letters = {
        ch for _, _, words in injection._injection_patterns() for w in words or () for ch in w
    }
    assert {"i", "s", "k", "é"} <= letters
    bmp = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c < 0xE000)
    folded = prefilter.fold(bmp)
    for letter in sorted(letters):
        matching = set(re.findall(re.escape(letter), bmp, re.IGNORECASE))
        folding = {bmp[i] for i, f in enumerate(folded) if f == letter}
        assert matching <= folding, (letter, matching - folding)


@pytest.mark.parametrize("pattern", PATTERNS, ids=[str(i) for i in range(len(PATTERNS))])
def test_every_example_a_pattern_matches_passes_its_prefilter(pattern: object) -> None:
    running = {rx.pattern: words for _, rx, words in injection._injection_patterns()}
    rx = pattern.compile()  # type: ignore[attr-defined]
    words = running[rx.pattern]
    hits = [t for t in EXAMPLES if rx.search(t)]
    assert hits, "the pattern matches none of the examples"
    if words is not None:
        missed = [t for t in hits if not prefilter.any_in(words, prefilter.fold(t))]
        assert missed == []


def _disguised(text: str, data: st.DataObject) -> str:
    """`text` with letters in random case and some swapped for letters that
    `re.IGNORECASE` treats as the same (dotless i, long s, Kelvin sign)."""
    out = []
    for ch in text:
        roll = data.draw(st.integers(0, 5))
        if roll == 0 and ch.lower() in LOOK_ALIKES:
            out.append(data.draw(st.sampled_from(LOOK_ALIKES[ch.lower()])))
        elif roll in (1, 2):
            out.append(ch.upper() if roll == 1 else ch.lower())
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_no_pattern_that_matches_a_disguised_example_is_skipped(data: st.DataObject) -> None:
    text = _disguised(data.draw(st.sampled_from(EXAMPLES)), data)
    folded = prefilter.fold(text)
    for _, rx, words in injection._injection_patterns():
        if words is not None and rx.search(text):
            assert prefilter.any_in(words, folded), (rx.pattern[:80], text)


def test_the_scan_finds_the_same_with_and_without_the_prefilter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [*EXAMPLES, " ".join(EXAMPLES[:40]), "\n".join(EXAMPLES[40:80])]
    with_prefilter = [injection._injection_spans.__wrapped__(t) for t in texts]
    monkeypatch.setattr(prefilter, "any_in", lambda words, folded: True)
    without = [injection._injection_spans.__wrapped__(t) for t in texts]
    assert with_prefilter == without
    assert sum(map(bool, with_prefilter)) > 100  # the attacks among them were found


def test_the_shipped_table_holds_the_words_of_every_pattern_and_nothing_else() -> None:
    from interviewer.core.injection import _required_words

    compiled = [p.compile() for p in PATTERNS]
    expected = {
        prefilter.pattern_key(rx): tuple(sorted(prefilter.required_words(rx) or ()))
        for rx in compiled
    }
    assert expected == _required_words.WORDS, (
        "the table is out of date: run `python -m tests.write_injection_words`"
    )


def test_the_scan_uses_the_table_and_works_out_a_pattern_it_lacks() -> None:
    assert prefilter.words_for(PATTERNS[0].compile()) == frozenset(
        {"aside", "bypass", "disregard", "forget", "ignore", "override", "overrule"}
    )
    edited = re.compile(r"\bplease\s+overlook\s+this", re.IGNORECASE | re.MULTILINE)
    assert prefilter.pattern_key(edited) not in _table()
    assert prefilter.words_for(edited) == frozenset({"overlook"})


def test_the_table_source_is_a_module_that_reads_back() -> None:
    rx = re.compile(r"ignore\s+the\s+rubric", re.IGNORECASE)
    source = prefilter.table_source([rx, re.compile(r"\w+")])
    namespace: dict[str, object] = {}
    exec(source, namespace)
    assert namespace["WORDS"] == {
        prefilter.pattern_key(rx): ("ignore",),
        prefilter.pattern_key(re.compile(r"\w+")): (),
    }


def test_the_shipped_table_is_what_the_writer_writes() -> None:
    from interviewer.core.injection.patterns import PATTERNS as ALL

    shipped = Path(prefilter.__file__).with_name("_required_words.py")
    expected = prefilter.table_source(p.compile() for p in ALL)
    assert shipped.read_text(encoding="utf-8") == expected, (
        "the table is out of date: run `python -m tests.write_injection_words`"
    )


def _table() -> dict[str, tuple[str, ...]]:
    from interviewer.core.injection import _required_words

    return _required_words.WORDS
