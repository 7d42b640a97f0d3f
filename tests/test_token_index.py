"""`TokenIndex` (issue 18: scoring key points without comparing every term with every
word) gives exactly the answers of the plain scans it replaces, `_seq_match` and
`_token_match`, on any tokens: the grades it feeds cannot change."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interviewer.core.grading.text import (
    TokenIndex,
    _seq_match,
    _term_tokens,
    _token_match,
    split_sentences,
)
from interviewer.core.grading.topics import _in_field_words, key_point_coverage
from tests.factories import question

# Few letters and short words: prefixes, equal words and joined pairs come up often.
_tok = st.text(alphabet="abcn", min_size=1, max_size=7)
_toks = st.lists(_tok, max_size=14)
_term = st.lists(_tok, max_size=3).map(tuple)


@settings(max_examples=600, deadline=None)
@given(toks=_toks, term=_term)
def test_seq_match_is_the_plain_scan(toks: list[str], term: tuple[str, ...]) -> None:
    assert TokenIndex(toks).seq_match(term) == _seq_match(term, toks)


@settings(max_examples=600, deadline=None)
@given(toks=_toks, term=_tok)
def test_positions_are_every_matching_token_in_order(toks: list[str], term: str) -> None:
    index = TokenIndex(toks)
    assert index.positions(term) == [i for i, t in enumerate(toks) if _token_match(term, t)]
    assert index.matches(term) == any(_token_match(term, t) for t in toks)


def test_the_cases_the_scan_was_written_for() -> None:
    index = TokenIndex(("we", "use", "k", "mean", "on", "the", "knn", "featur"))
    assert index.seq_match(("k", "nn"))  # "k-nn" written as "knn"
    assert index.seq_match(("kmean",))  # "kmeans" written as "k means"
    assert index.seq_match(("use", "mean"))  # one filler word between
    assert not index.seq_match(("use", "on"))  # two words between
    assert index.seq_match(("features",))  # a longer form of a stem
    assert not index.seq_match(("fe",))  # a short term matches only its equal
    assert not index.seq_match(())


def test_key_point_coverage_of_a_real_answer_is_unchanged() -> None:
    """The scores, terms and sentences of each key point, against the plain scans
    (the module's own loop as it was before the index, written out here)."""
    q = question()
    answer = (
        "Bias is the error from a model that is too simple, so it underfits. "
        "Variance is the error from sensitivity to the training data, which means it "
        "overfits. Regularisation and more data trade one against the other."
    )
    sentences = split_sentences(answer)
    hits = key_point_coverage(sentences, q)
    assert len(hits) == len(q.key_points)
    for hit in hits:
        terms = [(t, _term_tokens(t)) for t in hit.key_point.terms]
        where = [
            i
            for i, s in enumerate(sentences)
            if any(
                tt
                and (_seq_match(tt, s.stems) or _seq_match(tt, _in_field_words(s.tokens, s.stems)))
                for _t, tt in terms
            )
        ]
        assert list(hit.sentences) == where
    assert any(h.strength > 0 for h in hits)
