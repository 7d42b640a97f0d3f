"""Job targets with a model: read the posting, write tailored questions; offline otherwise.

Two structured calls (llm/base.py `StructuredRequest`), both optional: `analyse` asks the
model for the posting's skills, seniority and domain (validated as core.jobs
`ModelExtraction`) and `generate` for a few questions about the CV's projects or the
posting's domain (`GeneratedSet`, each turned into a `Question` and validated like a
content file). Either falls back to the offline result on any BackendError or a reply
that does not validate, and says so in `notes`, so planning never fails because of a
model. The offline coach (and any backend without a `structured` method) is never asked.

The OpenAI-compatible backend answers through its own structured-output machinery
(`_structured`: the mode probe, one repair round, its error table); the scripted test
backend through its queue. Nothing here logs to the session call log: a plan is made
before any session exists.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from interviewer.core.errors import BackendError
from interviewer.core.jobs import (
    GeneratedSet,
    JobProfile,
    ModelExtraction,
    SkillVocabulary,
    extraction_chunks,
    generation_chunks,
    profile_from_model,
    question_from_draft,
)
from interviewer.core.models import Question, Rubric
from interviewer.llm.base import Backend, ModelResponse, StructuredBackend, StructuredRequest

#: Tailored questions asked of a model for one plan.
GENERATED_QUESTIONS = 2


def can_structure(backend: Backend | None) -> bool:
    """Whether `backend` is a model that answers structured requests (never the coach)."""
    if backend is None or getattr(backend, "name", "") == "offline":
        return False
    if isinstance(backend, StructuredBackend):
        return True
    return callable(getattr(backend, "_structured", None))


def call_structured(backend: Backend, request: StructuredRequest) -> ModelResponse[Any]:
    """Run one structured request on `backend` (raises BackendError when it fails)."""
    if isinstance(backend, StructuredBackend):
        return backend.structured(request)
    run = getattr(backend, "_structured", None)
    if run is None:
        raise BackendError(f"{backend.label} cannot answer {request.what}.")
    # The OpenAI-compatible backend: its mode probe, repair round and error table. The
    # reply budget is a grade's (a list of questions with key points is about as long).
    response: ModelResponse[Any] = run(
        request.chunks, request.model, temperature=0.0, what=request.what, kind="grade"
    )
    return response


@dataclass
class Analysis:
    """A posting read (with a model or not) and what happened on the way."""

    profile: JobProfile
    notes: list[str] = field(default_factory=list)
    used_model: bool = False


def analyse(
    backend: Backend | None,
    posting: str,
    cv: str,
    vocab: SkillVocabulary,
    offline_profile: JobProfile,
) -> Analysis:
    """The posting's profile from the model, or `offline_profile` when it fails."""
    if not can_structure(backend):
        return Analysis(offline_profile)
    assert backend is not None
    request = StructuredRequest(
        kind="job_profile",
        chunks=extraction_chunks(posting, cv),
        model=ModelExtraction,
        what="a job profile",
    )
    try:
        found = call_structured(backend, request).result
    except BackendError as err:
        return Analysis(
            offline_profile,
            [f"The model could not read the posting ({err}); skills were matched offline."],
        )
    if not isinstance(found, ModelExtraction):
        return Analysis(offline_profile, ["The model's reading was unusable; matched offline."])
    return Analysis(profile_from_model(found, vocab, offline_profile), used_model=True)


@dataclass
class Generation:
    questions: list[tuple[Question, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def generate(
    backend: Backend | None,
    posting: str,
    cv: str,
    profile: JobProfile,
    not_covered: Sequence[str],
    rubrics: Mapping[str, Rubric],
    n: int = GENERATED_QUESTIONS,
    *,
    salt: str = "",
) -> Generation:
    """Up to `n` tailored questions as (question, skill, about); none offline or on failure.

    Each draft becomes a `Question` validated by the content model; one that does not
    validate is dropped and named in `notes`, the others are kept.
    """
    if n <= 0 or not can_structure(backend):
        return Generation()
    assert backend is not None
    request = StructuredRequest(
        kind="job_questions",
        chunks=generation_chunks(posting, cv, profile, not_covered, n),
        model=GeneratedSet,
        what="tailored questions",
    )
    try:
        found = call_structured(backend, request).result
    except BackendError as err:
        return Generation(notes=[f"No tailored questions: the model failed ({err})."])
    if not isinstance(found, GeneratedSet):
        return Generation(notes=["No tailored questions: the model's reply was unusable."])
    out = Generation()
    seen: set[str] = set()
    for i, draft in enumerate(found.questions[:n]):
        try:
            q = question_from_draft(draft, rubrics, salt=salt)
        except ValueError as err:
            out.notes.append(f"Tailored question {i + 1} was dropped: {err}")
            continue
        if q.id in seen:
            continue
        seen.add(q.id)
        out.questions.append((q, draft.skill, draft.about or draft.skill))
    return out
