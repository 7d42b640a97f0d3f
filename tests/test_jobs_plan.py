"""Planning from a posting (core/jobs.py, llm/jobs.py, job_plans.py): skills, seniority,
domain, a plan that covers the skills or says what it does not, and tailored questions
from a (scripted) model that validate, are marked generated and are graded offline."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import BackendUnavailable
from interviewer.core.jobs import (
    GeneratedDraft,
    GeneratedKeyPoint,
    GeneratedSet,
    JobProfile,
    ModelExtraction,
    NoMLContent,
    SkillVocabulary,
    build_plan,
    category_quota,
    extract_profile,
    is_generated,
    question_from_draft,
    seniority_of,
)
from interviewer.core.models import Question, Turn
from interviewer.core.requests import GradeRequest
from interviewer.job_plans import add_generated, plan_track, prepare
from interviewer.jobfiles import read_document
from interviewer.llm import service
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.content_files import load_library

DATA = Path(__file__).parent / "data" / "jobs"
POSTINGS = {
    "recsys": DATA / "recsys-mle.md",
    "nlp": DATA / "nlp-llm-engineer.txt",
    "mlops": DATA / "mlops-platform.md",
}


@pytest.fixture(scope="module")
def lib() -> ContentLibrary:
    return load_library()


@pytest.fixture(scope="module")
def vocab(lib: ContentLibrary) -> SkillVocabulary:
    return SkillVocabulary(lib.questions.values())


def posting(name: str) -> str:
    return read_document(POSTINGS[name])


# --------------------------------------------------------------------------- extraction


def test_each_posting_gets_its_own_skills_level_and_domain(vocab: SkillVocabulary) -> None:
    recsys = extract_profile(posting("recsys"), vocab)
    nlp = extract_profile(posting("nlp"), vocab)
    mlops = extract_profile(posting("mlops"), vocab)
    assert (recsys.seniority, recsys.domain) == ("senior", "recsys")
    assert (nlp.seniority, nlp.domain) == ("mid", "nlp_llm")
    assert (mlops.seniority, mlops.domain) == ("staff", "mlops_platform")
    assert {"recommendation systems", "ranking", "a/b testing"} <= set(recsys.skills)
    assert {"large language models", "retrieval-augmented generation"} <= set(nlp.skills)
    assert {"kubernetes", "model serving", "feature store"} <= set(mlops.skills)
    # Synonyms and spelling variants land on one skill ("LLM", "large language models").
    assert nlp.skills.count("large language models") == 1
    assert all(p.ml_content for p in (recsys, nlp, mlops))


def test_key_point_terms_count_only_in_pairs(vocab: SkillVocabulary) -> None:
    """One noisy key-point phrase ("real time") is no skill; two of one question are."""
    alone = extract_profile("Backend engineer. We answer in real time.", vocab)
    assert "fraud detection" not in alone.skills
    pair = extract_profile(
        "ML engineer. Experience with matrix factorization and implicit feedback.", vocab
    )
    assert "collaborative filtering" in pair.skills


def test_seniority_rules() -> None:
    assert seniority_of("Lead Machine Learning Engineer\nYou will lead a team") == "lead"
    assert seniority_of("Junior Data Scientist") == "junior"
    assert seniority_of("Machine Learning Engineer\nWe ask for 6+ years of experience") == "senior"
    assert seniority_of("Machine Learning Engineer\n1 year of Python") == "junior"
    assert seniority_of("Machine Learning Engineer\nBuild models") == "mid"
    # "lead" as a verb in the body does not make a lead role.
    assert seniority_of("ML Engineer\n\nYou will lead the design of our ranking") == "mid"


def test_cv_projects_and_skills_are_read(vocab: SkillVocabulary) -> None:
    cv = read_document(DATA / "cv-maria.md")
    profile = extract_profile(posting("recsys"), vocab, cv)
    assert any(
        p.startswith("Recipe recommender: a two-tower retrieval model") for p in profile.cv_projects
    )
    # A wrapped bullet is one project, not two.
    assert not any(p.startswith("dataset, with") for p in profile.cv_projects)
    assert "collaborative filtering" in profile.cv_skills


def test_posting_without_ml_content_offers_the_general_tracks(lib: ContentLibrary) -> None:
    barista = (
        "Barista, Harbour Street Café\n\nWe need a friendly barista for weekend shifts. "
        "You make espresso drinks, keep the counter clean and handle the till. Two years of "
        "café experience. Python is not required."
    )
    with pytest.raises(NoMLContent) as info:
        prepare(barista, lib, source="barista.txt")
    msg = str(info.value)
    assert msg.startswith("barista.txt: this posting has no machine-learning content")
    assert "ml-technical" in msg and "general tracks" in msg
    # Naming the skills yourself plans anyway.
    done = prepare(barista, lib, skills=["communication", "prioritisation"], source="b")
    assert done.plan.skills == ["communication", "prioritisation"]
    assert done.plan.questions and not done.plan.not_covered


def test_plain_web_backend_posting_is_not_ml(vocab: SkillVocabulary) -> None:
    text = "Backend Engineer\nPython, SQL, Docker and Kubernetes; REST APIs; on call."
    assert not extract_profile(text, vocab).ml_content
    sre = (
        "Site Reliability Engineer\nWe run production systems on Kubernetes with Docker, "
        "monitoring and alerting with Prometheus, big data pipelines in Go. Attention to "
        "detail and good data quality habits matter; you will be on call."
    )
    found = extract_profile(sre, vocab)
    assert not found.ml_content, found.skills
    assert "transformers" not in found.skills  # "attention to detail" is no model


# --------------------------------------------------------------------------- plans


@pytest.mark.parametrize("name", sorted(POSTINGS))
def test_each_plan_covers_every_skill_or_says_it_does_not(
    name: str, lib: ContentLibrary, vocab: SkillVocabulary
) -> None:
    done = prepare(posting(name), lib, source=name)
    plan = done.plan
    assert len(plan.questions) == 6
    assert len({q.id for q in plan.questions}) == 6
    covered: set[str] = set()
    for item in plan.questions:
        q = lib.questions[item.id]
        assert item.text == q.text and not item.generated
        assert item.reason  # says why
        covered |= set(vocab.by_question.get(q.id, [])) | {item.skill}
        if item.skill in plan.skills:
            assert item.skill in item.reason or "Written for" in item.reason
    for skill in plan.skills:
        assert (skill in covered) != (skill in plan.not_covered), skill
    assert plan.offline
    assert "Planned offline: bank questions only" in " ".join(plan.notes)


def test_more_questions_cover_more(lib: ContentLibrary) -> None:
    few = prepare(posting("recsys"), lib, count=3).plan
    many = prepare(posting("recsys"), lib, count=12).plan
    assert len(many.not_covered) < len(few.not_covered)
    assert "a/b testing" in many.not_covered  # nothing in the bank asks about it
    assert any("nothing on: a/b testing" in n for n in many.notes)


def test_plans_differ_between_postings(lib: ContentLibrary) -> None:
    ids = {name: [q.id for q in prepare(posting(name), lib).plan.questions] for name in POSTINGS}
    assert ids["recsys"] != ids["nlp"] != ids["mlops"] != ids["recsys"]
    assert "case-ecommerce-recsys" in ids["recsys"]
    assert "case-review-nlp" in ids["nlp"]
    mlops = prepare(posting("mlops"), lib).plan
    assert {"kubernetes", "docker", "feature store"} <= set(mlops.not_covered)


def test_categories_follow_the_level(lib: ContentLibrary, vocab: SkillVocabulary) -> None:
    assert category_quota("senior", 10)["case_study"] > category_quota("junior", 10)["case_study"]
    assert category_quota("lead", 10)["behavioral"] > category_quota("mid", 10)["behavioral"]
    assert sum(category_quota("staff", 7).values()) == 7
    base = extract_profile(posting("recsys"), vocab)

    def cats(level: str) -> dict[str, int]:
        plan = build_plan(
            base.model_copy(update={"seniority": level}), lib.questions.values(), vocab, count=8
        )
        out: dict[str, int] = {}
        for q in plan.questions:
            out[q.category] = out.get(q.category, 0) + 1
        return out

    assert cats("senior").get("case_study", 0) > cats("junior").get("case_study", 0)
    assert cats("lead").get("behavioral", 0) > cats("junior").get("behavioral", 0)


def test_plan_track_runs_the_plan_in_order(lib: ContentLibrary) -> None:
    plan = prepare(posting("nlp"), lib).plan
    track = plan_track(plan, lib, "LLM Applications Engineer (NLP)")
    assert track.questions == [q.id for q in plan.questions]
    assert track.selection == "ordered" and track.id == "job-llm-applications-engineer-nlp"
    assert lib.select_questions(track) == [lib.questions[q.id] for q in plan.questions]


# --------------------------------------------------------------------------- with a model


def draft(skill: str = "retrieval-augmented generation", **over: object) -> GeneratedDraft:
    data: dict[str, object] = {
        "skill": skill,
        "about": "the CV project 'contract search'",
        "category": "technical",
        "difficulty": "medium",
        "text": "Your CV mentions a contract search tool. How did you chunk the contracts "
        "for retrieval, and how did you check that the retrieved passages were the right ones?",
        "topics": ["retrieval-augmented generation", "evaluation"],
        "key_points": [
            GeneratedKeyPoint(
                text="Chunks follow the contract's structure (clauses, sections) with overlap.",
                terms=["clause", "section", "overlap", "chunk size"],
            ),
            GeneratedKeyPoint(
                text="Retrieval is measured with a labelled set: recall at k or MRR.",
                terms=["recall at k", "mrr", "labelled queries", "hit rate"],
            ),
            GeneratedKeyPoint(
                text="Embeddings and a re-ranker trade latency for precision.",
                terms=["embedding", "re-ranker", "cross-encoder", "latency"],
            ),
        ],
        "follow_ups": [
            "What chunk size did you pick, and why?",
            "How would you know retrieval got worse after a change?",
        ],
        "strong_answer": ["Split on clauses", "Measure recall at k on labelled queries"],
    }
    data.update(over)
    return GeneratedDraft.model_validate(data)


def extraction() -> ModelExtraction:
    return ModelExtraction(
        title="LLM Applications Engineer",
        skills=["LLMs", "RAG", "prompt engineering", "Text Classification", "contract law"],
        seniority="mid",
        domain="nlp_llm",
        ml_content=True,
        cv_projects=["contract search"],
    )


def test_model_extraction_and_generated_questions(lib: ContentLibrary) -> None:
    backend = ScriptedBackend()
    backend.enqueue_structured(extraction(), GeneratedSet(questions=[draft(), draft("x", text="")]))
    done = prepare(posting("nlp"), lib, cv="CV: contract search project", backend=backend)
    kinds = [c.kind for c in backend.calls]
    assert kinds == ["job_profile", "job_questions"]
    # Skills in the vocabulary's words; unknown ones kept as written.
    assert done.profile.source == "model"
    assert done.profile.skills[:3] == [
        "large language models",
        "retrieval-augmented generation",
        "prompt engineering",
    ]
    assert "contract law" in done.profile.skills
    # The CV travelled with the request (to a model in use).
    first = backend.calls[0].request
    assert "contract search project" in first.chunks.request[0]["content"]
    # One generated question validated; the empty one was dropped, and the plan says so.
    assert len(done.generated) == 1
    gen = done.generated[0]
    assert is_generated(gen.id) and gen.rubric == "technical"
    assert Question.model_validate(gen.model_dump()) == gen
    assert any("Tailored question 2 was dropped" in n for n in done.plan.notes)
    first_item = done.plan.questions[0]
    assert first_item.generated and first_item.id == gen.id
    assert first_item.skill == "retrieval-augmented generation"
    assert first_item.reason.startswith("Written for this target: the CV project")
    assert "retrieval-augmented generation" not in done.plan.not_covered
    assert not done.plan.offline


def test_generated_question_is_graded_by_the_offline_coach(lib: ContentLibrary) -> None:
    gen = question_from_draft(draft(), lib.rubrics)
    add_generated(lib_copy := load_library(), [gen])
    assert lib_copy.questions[gen.id] is gen

    def grade(answer: str) -> float:
        request = GradeRequest(
            request_id=1,
            question=gen,
            rubric=lib.rubric_for(gen),
            exchange=(
                Turn(role="interviewer", kind="question", text=gen.text, question_id=gen.id),
                Turn(role="candidate", kind="answer", text=answer, question_id=gen.id, seconds=90),
            ),
            answer_seconds=90,
        )
        result = service.grade(OfflineCoach(), request, None)
        assert result.question_id == gen.id and result.rubric_id == "technical"
        return result.overall_score

    strong = grade(
        "I split each contract on its clause and section boundaries, with a small overlap so "
        "a clause that runs across a chunk boundary is not lost; the chunk size was about 300 "
        "tokens. To check retrieval I built a labelled set of 200 queries from the lawyers and "
        "measured recall at k and MRR before and after each change; hit rate at 5 went from "
        "0.71 to 0.86. Embeddings gave candidates and a cross-encoder re-ranker improved "
        "precision at the cost of about 80 ms of latency, which was acceptable."
    )
    weak = grade("I used a library and it worked fine.")
    assert strong > weak + 20


def test_model_failure_falls_back_to_offline(lib: ContentLibrary) -> None:
    backend = ScriptedBackend()
    backend.enqueue_structured(BackendUnavailable("no server"))
    done = prepare(posting("recsys"), lib, backend=backend)
    assert done.profile.source == "offline"
    assert done.plan.offline and not done.generated
    assert any("could not read the posting" in n for n in done.plan.notes)
    assert any("No tailored questions" in n for n in done.plan.notes)
    assert len(backend.calls) == 1  # a server that is down is not asked twice
    # Reading worked but writing questions failed: bank questions only, said so.
    backend = ScriptedBackend()
    backend.enqueue_structured(extraction(), BackendUnavailable("gone"))
    done = prepare(posting("nlp"), lib, backend=backend)
    assert done.profile.source == "model" and not done.generated
    assert any("No tailored questions: the model failed" in n for n in done.plan.notes)


def test_malformed_model_output_falls_back(lib: ContentLibrary) -> None:
    backend = ScriptedBackend()
    backend.enqueue_structured({"skills": "not a list"}, {"questions": [{"text": 3}]})
    done = prepare(posting("mlops"), lib, backend=backend)
    assert done.profile.source == "offline" and not done.generated
    assert done.plan.questions


def test_offline_coach_is_never_asked(lib: ContentLibrary) -> None:
    done = prepare(posting("nlp"), lib, cv="my CV", backend=OfflineCoach())
    assert done.profile.source == "offline" and done.sent == ""


@dataclass
class RemoteScripted(ScriptedBackend):
    """A scripted model that says it is not on this machine (like OpenAI itself)."""

    @property
    def is_local(self) -> bool:
        return False


def test_privacy_notice_before_the_first_remote_call(lib: ContentLibrary) -> None:
    backend = RemoteScripted(label="OpenAI · gpt-test")
    backend.enqueue_structured(extraction(), GeneratedSet(questions=[]))
    told: list[tuple[str, int]] = []
    done = prepare(
        posting("nlp"),
        lib,
        cv="Maria's CV text",
        backend=backend,
        on_send=lambda text: told.append((text, len(backend.calls))),
    )
    ((text, calls_before),) = told
    assert calls_before == 0  # said before anything was sent
    assert text.startswith("Sending to OpenAI · gpt-test: the job posting (")
    assert "and your CV (15 characters)" in text
    assert done.sent == text
    # A local model gets the same data without a notice: nothing leaves the machine.
    local = ScriptedBackend()
    local.enqueue_structured(extraction(), GeneratedSet(questions=[]))
    told.clear()
    prepare(posting("nlp"), lib, cv="CV", backend=local, on_send=lambda t: told.append((t, 0)))
    assert told == []


def test_profile_round_trips_as_data(vocab: SkillVocabulary) -> None:
    p = extract_profile(posting("mlops"), vocab)
    assert JobProfile.model_validate_json(p.model_dump_json()) == p


def test_corrected_skills_replan_without_a_model(lib: ContentLibrary) -> None:
    from interviewer.job_plans import replan, what_is_sent

    backend = RemoteScripted(label="OpenAI · gpt-test")
    assert what_is_sent(backend, "posting", "cv!").startswith("Sending to OpenAI · gpt-test")
    assert what_is_sent(ScriptedBackend(), "posting", "cv") == ""  # local: nothing leaves
    assert what_is_sent(OfflineCoach(), "posting", "cv") == ""
    backend.enqueue_structured(extraction(), GeneratedSet(questions=[draft()]))
    done = prepare(posting("nlp"), lib, cv="CV", backend=backend)
    assert done.generated
    calls = len(backend.calls)
    again = replan(done, ["RAG", "Overfitting"], lib)
    assert len(backend.calls) == calls  # no model call
    assert again.profile.skills == ["retrieval-augmented generation", "overfitting"]
    assert again.plan.questions[0].generated and again.generated == done.generated
    assert not again.plan.not_covered
    dropped = replan(done, ["overfitting"], lib)
    assert not dropped.generated and not any(q.generated for q in dropped.plan.questions)
