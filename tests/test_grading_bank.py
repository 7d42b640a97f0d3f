"""The question bank handed to grading explicitly (QuestionBank) instead of registered.

Grading compares an answer with every question of a bank; a caller that has its own
bank passes it to `analyse` / `finalize`, and the registered one is then never read.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pytest

from interviewer.core import grading
from interviewer.core.grading import QuestionBank, analyse, finalize
from interviewer.core.models import Question, Turn
from interviewer.core.requests import GradeRequest
from interviewer.storage.content_files import load_library
from tests import factories


@pytest.fixture
def no_registered_bank() -> Iterator[None]:
    """A registered bank that fails if read: only the bank handed in may be used."""
    saved = grading._BANK_SOURCE

    def refuse() -> Iterable[Question]:
        raise AssertionError("the registered bank was read")

    grading.set_question_bank(refuse)
    yield
    grading.set_question_bank(saved)


def _bank_and_other() -> tuple[QuestionBank, Question, Question]:
    """The shipped bank, and a question whose answer (another question's key points) the
    bank judges differently from the question alone."""
    questions = list(load_library().questions.values())
    bank, alone = QuestionBank.of(questions), QuestionBank.of([])
    for own in questions:
        for other in questions:
            if own.category == other.category:
                continue
            answer = " ".join(k.text for k in other.key_points)
            if analyse(answer, own, bank).flags != analyse(answer, own, alone).flags:
                return bank, own, other
    raise AssertionError("no shipped question pair where the bank changes the flags")


def test_analyse_measures_relevance_against_the_bank_handed_in(
    no_registered_bank: None,
) -> None:
    bank, own, other = _bank_and_other()
    answer = " ".join(k.text for k in other.key_points)
    with_bank = analyse(answer, own, bank)
    assert with_bank.bank is bank
    assert with_bank.relevance.best_other > 0
    # An empty bank: relevance against the question alone, nothing else to compare with.
    alone = analyse(answer, own, QuestionBank.of([]))
    assert alone.relevance.best_other == 0.0
    assert alone.flags != with_bank.flags


def test_finalize_with_a_bank_grades_like_the_registered_same_bank() -> None:
    bank, own, other = _bank_and_other()
    answer = " ".join(k.text for k in other.key_points)
    request = GradeRequest(
        1, own, factories.rubric(), (Turn(role="candidate", kind="answer", text=answer),), 60.0
    )
    draft = factories.draft(4, answer.split(".")[0])
    saved = grading._BANK_SOURCE
    try:
        grading.set_question_bank(None)
        handed = finalize(draft, request, "scripted", bank)
        without = finalize(draft, request, "scripted")
        grading.set_question_bank(lambda: list(load_library().questions.values()))
        registered = finalize(draft, request, "scripted")
    finally:
        grading.set_question_bank(saved)
    assert handed == registered
    assert handed.flags != without.flags  # the bank made the difference
