"""From a posting (and a CV) to an interview the session can run: one place for every
front end (the terminal's `plan`/`practice --job`, the window's "Practise for a job").

`prepare` reads the posting's profile (with a model when one is configured, else offline),
builds the plan from the bank, and asks the model for a few tailored questions; it is
blocking, so the window runs it on a worker and gets plain data back. `plan_track` and
`start_options` turn a plan into what `InterviewSession.start` takes; `add_generated`
makes generated questions resolvable by the library (the engine, the report and the
grader see them like bank questions).

For the window, in order: `jobfiles.read_document` (or `check_text` for pasted text) on
a worker; `what_is_sent` to show before any model call; `prepare` on a worker; the
candidate corrects `Prepared.profile.skills` and `replan` rebuilds the plan at once;
`remember_target` saves it (`storage.targets.update_skills` for later corrections);
`add_generated` + `start_options(..., adaptive=...)` start the interview. Readiness:
`target_readiness` (per skill: asked, latest grade; never asked), and "practise the
gaps" is `prepare_saved(..., gaps=True)`. All of it is plain data.

Privacy: the CV goes to a model only when one is in use. Before the first call to a
model that is not on this machine `on_send` is told what is sent (`privacy_notice`); a
local server gets the same data without leaving the machine, the offline coach nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from interviewer.core.content import ContentLibrary, QuestionHistoryMap
from interviewer.core.jobs import (
    DEFAULT_QUESTIONS,
    InterviewPlan,
    JobProfile,
    NoMLContent,
    Readiness,
    SkillVocabulary,
    build_plan,
    extract_profile,
    privacy_notice,
    readiness,
)
from interviewer.core.models import Question, Track
from interviewer.llm import jobs as llm_jobs
from interviewer.llm.base import Backend
from interviewer.session import StartOptions
from interviewer.storage.store import SessionStore
from interviewer.storage.targets import (
    Target,
    list_targets,
    save_target,
    target_answers,
    target_sessions,
    update_skills,
)
from interviewer.storage.targets import add_generated as add_generated_to_target

#: The library track a job interview is filed under when its own track is not saved.
BASE_TRACK = "ml-full-loop"


@dataclass
class Prepared:
    """Everything a front end shows and runs for one posting."""

    profile: JobProfile
    plan: InterviewPlan
    generated: list[Question] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: What the terminal or window said was sent to a remote model ("" if nothing).
    sent: str = ""


def vocabulary(library: ContentLibrary) -> SkillVocabulary:
    return SkillVocabulary(library.questions.values())


def general_tracks(library: ContentLibrary) -> list[str]:
    return sorted(library.tracks)


def prepare(
    posting: str,
    library: ContentLibrary,
    *,
    cv: str = "",
    backend: Backend | None = None,
    count: int = DEFAULT_QUESTIONS,
    skills: Sequence[str] | None = None,
    history: QuestionHistoryMap | None = None,
    source: str = "posting",
    on_send: Callable[[str], None] | None = None,
    generate: int = llm_jobs.GENERATED_QUESTIONS,
) -> Prepared:
    """Read `posting` and plan its interview. Raises NoMLContent (naming `source` and
    offering the general tracks) for a posting with no ML content, unless the candidate
    named the `skills` to plan for."""
    vocab = vocabulary(library)
    offline_profile = extract_profile(posting, vocab, cv, source_name=source)
    use_model = llm_jobs.can_structure(backend)
    sent = ""
    if use_model and backend is not None:
        sent = privacy_notice(
            backend.label,
            is_local=backend.is_local,
            posting_chars=len(posting),
            cv_chars=len(cv),
        )
        if sent and on_send is not None:
            on_send(sent)
    analysis = llm_jobs.analyse(backend if use_model else None, posting, cv, vocab, offline_profile)
    profile = analysis.profile
    notes = list(analysis.notes)
    if skills:
        chosen = list(dict.fromkeys(vocab.canonical(s) for s in skills if s.strip()))
        profile = profile.model_copy(update={"skills": chosen, "ml_content": True})
    if not profile.ml_content or not profile.skills:
        raise NoMLContent(source, general_tracks(library))
    plan = build_plan(profile, library.questions.values(), vocab, count=count, history=history)
    generated: list[Question] = []
    # A model that just failed to read the posting is not asked again (a second wait for
    # a server that is down); its failure is in the notes.
    if use_model and analysis.used_model and generate > 0:
        made = llm_jobs.generate(
            backend,
            posting,
            cv,
            profile,
            plan.not_covered,
            library.rubrics,
            n=min(generate, count),
            salt=source,
        )
        notes += made.notes
        if made.questions:
            generated = [q for q, _s, _a in made.questions]
            plan = build_plan(
                profile,
                library.questions.values(),
                vocab,
                count=count,
                generated=made.questions,
                history=history,
                offline=False,
            )
    if use_model and not generated:
        plan.notes.insert(0, "No tailored questions this time: bank questions only.")
        plan.offline = True
    plan.notes = [*notes, *plan.notes]
    return Prepared(profile, plan, generated, notes, sent)


def with_coding(
    plan: InterviewPlan, library: ContentLibrary, history: QuestionHistoryMap | None = None
) -> InterviewPlan:
    """The plan with its last question replaced by one coding question (the coding
    round), the one closest to the posting's skills, least practised first; the plan as
    it was when the library has no coding question. The interview keeps its length."""
    from interviewer.core.content import rotation_rank
    from interviewer.core.jobs import PlanItem

    coding = [q for q in library.questions.values() if q.kind == "coding"]
    if not coding or not plan.questions:
        return plan
    vocab = vocabulary(library)
    wanted = set(plan.skills)

    def covered(q: Question) -> list[str]:
        names = set(vocab.by_question.get(q.id, [])) | {vocab.canonical(t) for t in q.topics}
        return [s for s in plan.skills if s in names and s in wanted]

    pick = min(coding, key=lambda q: (-len(covered(q)), rotation_rank(q, history or {}), q.id))
    skills = covered(pick)
    reason = (
        f"The coding round: it practises {', '.join(skills[:2])}."
        if skills
        else "The coding round (asked with --with-coding): no coding problem is on the "
        "posting's skills, so one on core ML."
    )
    item = PlanItem(
        id=pick.id,
        text=pick.text,
        skill=skills[0] if skills else (pick.topics[0] if pick.topics else "coding"),
        reason=reason,
        category=pick.category,
        difficulty=pick.difficulty,
    )
    kept = plan.questions[:-1] if len(plan.questions) > 1 else []
    questions = [*kept, item]
    # What the questions cover now: the coding round may cover a skill the question it
    # replaced did not, and the other way round.
    covered_now = {s for q in questions for s in (q.skill, *vocab.by_question.get(q.id, []))}
    not_covered = [s for s in plan.skills if s not in covered_now]
    room = [s for s in not_covered if s not in plan.not_covered or _has_bank(vocab, s)]
    notes = [n for n in plan.notes if not n.startswith("No room in ")]
    if room:
        notes.append(
            f"No room in {len(questions)} questions for: {', '.join(room)} (ask for more)."
        )
    return plan.model_copy(
        update={"questions": questions, "not_covered": not_covered, "notes": notes}
    )


def _has_bank(vocab: SkillVocabulary, skill: str) -> bool:
    found = vocab.skill(skill)
    return found is not None and bool(found.questions)


def add_generated(library: ContentLibrary, questions: Sequence[Question]) -> None:
    """Make generated questions known to the library (engine, report and resume find
    them by id); bank questions are never replaced."""
    for q in questions:
        library.questions.setdefault(q.id, q)


def _track_id(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "target"
    return f"job-{slug}"


def plan_track(
    plan: InterviewPlan, library: ContentLibrary, title: str = "", minutes: float | None = None
) -> Track:
    """A track that asks exactly the plan's questions in its order."""
    ids = [q.id for q in plan.questions if q.id in library.questions]
    questions = [library.questions[i] for i in ids]
    categories = list(dict.fromkeys(q.category for q in questions)) or ["technical"]
    seconds = sum(q.answer_seconds for q in questions) * 1.5
    return Track.model_validate(
        {
            "id": _track_id(title or "target"),
            "name": f"Job: {title}"[:200] if title else "Job target",
            "description": f"Planned from the posting for {title or 'this job'}."[:2000],
            "duration_minutes": max(1, min(480, round((minutes or seconds / 60) or 1))),
            "question_count": max(1, min(50, len(ids))),
            "categories": categories,
            "difficulty": "mixed",
            "follow_up_limit": 1,
            "selection": "ordered",
            "questions": ids[:50],
            # A coding round (`with_coding`) is asked like any planned question.
            "kinds": ["open", "coding"] if any(q.kind == "coding" for q in questions) else ["open"],
            # What an adaptive interview may swap in: questions on the plan's topics.
            "topics": list(dict.fromkeys(t for q in questions for t in q.topics))[:50],
        }
    )


def start_options(
    plan: InterviewPlan,
    library: ContentLibrary,
    *,
    title: str = "",
    target_id: str | None = None,
    adaptive: bool = False,
    minutes: float | None = None,
    follow_ups: bool = True,
) -> StartOptions:
    """What `InterviewSession.start` takes to run the plan (saved under `target_id`)."""
    track = plan_track(plan, library, title, minutes)
    base = BASE_TRACK if BASE_TRACK in library.tracks else track.id
    return StartOptions(
        base,
        question_count=len(track.questions),
        minutes=minutes,
        follow_ups=follow_ups,
        repeat=True,
        track=track,
        adaptive=adaptive,
        target_id=target_id,
    )


def target_readiness(store: SessionStore, target: Target, library: ContentLibrary) -> Readiness:
    """Readiness of one saved target (core.jobs.readiness): each of its skills, how
    often the target's sessions asked about it, the latest grade on it."""
    questions = dict(library.questions)
    for q in target.generated:
        questions.setdefault(q.id, q)
    return readiness(
        target.id,
        target.skills,
        target_answers(store, target.id),
        vocabulary(library),
        questions,
        sessions=len(target_sessions(store, target.id)),
    )


def remember_target(store: SessionStore, posting: str, cv: str, prepared: Prepared) -> str:
    """Save the target (or reuse the saved one with the same posting and CV, keeping
    its history), with the plan's skills and any generated questions; returns its id."""
    for t in list_targets(store):
        if t.posting == posting and t.cv == cv:
            update_skills(store, t.id, prepared.profile.skills)
            if prepared.generated:
                add_generated_to_target(store, t.id, prepared.generated)
            return t.id
    return save_target(
        store,
        title=prepared.profile.title or "Job target",
        posting=posting,
        cv=cv,
        skills=prepared.profile.skills,
        profile=prepared.profile,
        generated=prepared.generated,
    )


#: A practised skill whose latest grade is below this counts as a gap too.
GAP_SCORE = 60.0


def gap_skills(r: Readiness) -> list[str]:
    """The skills "practise the gaps" covers: never asked first (in the posting's order),
    then those whose latest grade is below GAP_SCORE, weakest first."""
    weak = sorted(
        (s for s in r.skills if s.asked and (s.latest_score or 0.0) < GAP_SCORE),
        key=lambda s: s.latest_score or 0.0,
    )
    return r.never_asked + [s.skill for s in weak]


def prepare_saved(
    store: SessionStore,
    target: Target,
    library: ContentLibrary,
    *,
    count: int = DEFAULT_QUESTIONS,
    gaps: bool = False,
    history: QuestionHistoryMap | None = None,
) -> Prepared:
    """The plan of a saved target, with no model call (its questions written earlier
    are reused): on all its skills, or with `gaps` on the ones never asked or weak (all
    of them when there is no gap left)."""
    vocab = vocabulary(library)
    skills = list(target.skills)
    notes: list[str] = []
    if gaps:
        found = gap_skills(target_readiness(store, target, library))
        if found:
            skills = found
        else:
            notes.append("No gaps left: every skill was asked and graded 60 or more.")
    profile = target.profile.model_copy(update={"skills": skills})
    plan, kept = _plan_keeping(
        profile,
        target.generated,
        "written earlier for this target",
        library,
        vocab,
        count=count,
        history=history,
    )
    plan.notes = [*notes, *plan.notes]
    return Prepared(profile, plan, kept, notes)


def what_is_sent(backend: Backend | None, posting: str, cv: str) -> str:
    """What `prepare` would send to a model that is not on this machine ("" when nothing
    leaves it: no model, the offline coach, or a local server). The window shows it (and
    may ask) before it starts `prepare` on a worker."""
    if backend is None or not llm_jobs.can_structure(backend):
        return ""
    return privacy_notice(
        backend.label, is_local=backend.is_local, posting_chars=len(posting), cv_chars=len(cv)
    )


def replan(
    prepared: Prepared,
    skills: Sequence[str],
    library: ContentLibrary,
    *,
    count: int | None = None,
    history: QuestionHistoryMap | None = None,
) -> Prepared:
    """The plan again after the candidate corrected the skills (no model call): the
    tailored questions written for a skill still wanted are kept."""
    vocab = vocabulary(library)
    chosen = list(dict.fromkeys(vocab.canonical(s) for s in skills if s.strip()))
    profile = prepared.profile.model_copy(update={"skills": chosen})
    plan, kept = _plan_keeping(
        profile,
        prepared.generated,
        "written for this target",
        library,
        vocab,
        count=count or len(prepared.plan.questions) or DEFAULT_QUESTIONS,
        history=history,
    )
    return Prepared(profile, plan, kept, list(prepared.notes), prepared.sent)


def _plan_keeping(
    profile: JobProfile,
    written: Sequence[Question],
    reason: str,
    library: ContentLibrary,
    vocab: SkillVocabulary,
    *,
    count: int,
    history: QuestionHistoryMap | None,
) -> tuple[InterviewPlan, list[Question]]:
    """The plan for `profile`'s skills with no model call, keeping the tailored questions
    `written` before whose skill is still wanted (each planned with `reason`); a plan
    with none of them is an offline one. Returns the plan and the questions kept."""
    kept = [
        (q, s, reason) for q in written if (s := vocab.canonical(q.topics[0])) in profile.skills
    ]
    plan = build_plan(
        profile,
        library.questions.values(),
        vocab,
        count=count,
        generated=kept,
        history=history,
        offline=not kept,
    )
    return plan, [q for q, _s, _a in kept]
