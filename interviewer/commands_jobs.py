"""`interviewer plan` and `interviewer targets`: interviews planned from a job posting,
and `interviewer practice --job FILE` (its options live on `practice`; it runs here).

`interviewer plan --job FILE [--cv FILE] [--questions N] [--json]` prints the plan. Its
JSON is one object, exactly:

- `skills` (list of str): the posting's skills, most asked-for first (after `--skills`).
- `questions` (list, in interview order) of {`id`, `text`, `skill` (the posting's skill
  it covers), `reason` (why it was chosen), `generated` (true: written by a model for
  this posting or CV, not from the bank)}.
- `not_covered` (list of str): skills no question in the plan asks about.

`--save` keeps the posting (and the CV, on this machine) as a target; its id is printed
on stderr.

`interviewer practice --target ID [--gaps]` practises a saved target again (no model
call: questions written for it earlier are reused); `--gaps` plans only its skills never
asked yet or last graded below 60 ("practise the gaps").

`interviewer targets [--json]` lists saved targets (saved by `practice --job`): id,
title, created date, skills, sessions practised and readiness per skill. JSON: a list
of {`id`, `title`, `created_at`, `skills`, `sessions`, `readiness`: list of {`skill`,
`asked`, `latest_score` (0-100 or null)}, `never_asked`}. `targets --delete ID` forgets one (its
posting and CV; its sessions stay in history).

Privacy: the CV is read on this machine; it goes to a model only when a model is in use
(`--backend openai` or the settings), and before the first call to one that is not on
this machine the terminal says what is sent (on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from typing import IO, Any

from interviewer.core.errors import InterviewerError
from interviewer.core.jobs import DEFAULT_QUESTIONS, DOMAIN_NAMES, InterviewPlan
from interviewer.jobfiles import read_document


def _skills_arg(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _questions(args: argparse.Namespace) -> int:
    n = args.questions if args.questions is not None else DEFAULT_QUESTIONS
    if n < 1 or n > 50:
        raise InterviewerError("--questions must be between 1 and 50.")
    return int(n)


def _read_inputs(args: argparse.Namespace) -> tuple[str, str]:
    posting = read_document(args.job, "job posting")
    cv = read_document(args.cv, "CV") if getattr(args, "cv", None) else ""
    return posting, cv


def _say_sent(text: str) -> None:
    print(f"note: {text}", file=sys.stderr)
    sys.stderr.flush()


def print_plan(plan: InterviewPlan, title: str, out: IO[str]) -> None:
    """The plan as text: the role, each question with its reason, what is left out."""
    print(
        f"{title or 'Job target'} · {plan.seniority} · "
        f"{DOMAIN_NAMES.get(plan.domain, plan.domain)}",
        file=out,
    )
    print(f"Skills: {', '.join(plan.skills)}", file=out)
    print("", file=out)
    for i, q in enumerate(plan.questions, 1):
        mark = " [generated]" if q.generated else ""
        covers = f"covers {q.skill}" if q.skill in plan.skills else f"on {q.skill}"
        print(f"{i}. {q.id}{mark} ({q.category}, {q.difficulty}) — {covers}", file=out)
        for line in textwrap.wrap(q.text, 88):
            print(f"   {line}", file=out)
        print(f"   Why: {q.reason}", file=out)
    print("", file=out)
    if plan.not_covered:
        print(f"Not covered: {', '.join(plan.not_covered)}", file=out)
    for note in plan.notes:
        print(f"note: {note}", file=out)


def _backend(args: argparse.Namespace) -> Any:
    from interviewer.terminal import backend_for

    backend, _offline = backend_for(args)
    return backend


def cmd_plan(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    from interviewer.job_plans import prepare
    from interviewer.storage.content_files import load_library
    from interviewer.storage.paths import app_paths

    out = out or sys.stdout
    count = _questions(args)
    posting, cv = _read_inputs(args)
    lib = load_library(app_paths().content_dir)
    prepared = prepare(
        posting,
        lib,
        cv=cv,
        backend=_backend(args),
        count=count,
        skills=_skills_arg(args.skills) if args.skills else None,
        source=str(args.job),
        on_send=_say_sent,
    )
    if args.json:
        print(json.dumps(prepared.plan.public(), indent=2, ensure_ascii=False), file=out)
    else:
        print_plan(prepared.plan, prepared.profile.title, out)
    if args.save:
        from interviewer.job_plans import remember_target
        from interviewer.storage.store import SessionStore

        with SessionStore.open(app_paths().database) as store:
            target_id = remember_target(store, posting, cv, prepared)
        # On stderr, so --json output stays one JSON document.
        print(
            f"Saved as target {target_id}: `interviewer practice --target {target_id}`.",
            file=sys.stderr,
        )
    return 0


def cmd_targets(args: argparse.Namespace, out: IO[str] | None = None) -> int:
    from interviewer.job_plans import target_readiness
    from interviewer.storage.content_files import load_library
    from interviewer.storage.paths import app_paths
    from interviewer.storage.store import SessionStore
    from interviewer.storage.targets import list_targets

    out = out or sys.stdout
    if args.delete:
        from interviewer.storage.targets import delete_target, find_target

        with SessionStore.open(app_paths().database) as writable:
            target = find_target(writable, args.delete)
            delete_target(writable, target.id)
        print(
            f"Deleted target {target.id} ({target.title}); its sessions stay in history.", file=out
        )
        return 0
    store = SessionStore.open(app_paths().database, read_only=True)
    lib = load_library(app_paths().content_dir)
    rows: list[dict[str, Any]] = []
    with_cv: dict[str, bool] = {}
    for t in list_targets(store):
        with_cv[t.id] = bool(t.cv.strip())
        r = target_readiness(store, t, lib)
        rows.append(
            {
                "id": t.id,
                "title": t.title,
                "created_at": t.created_at,
                "skills": list(t.skills),
                "sessions": r.sessions,
                "readiness": [
                    {"skill": s.skill, "asked": s.asked, "latest_score": s.latest_score}
                    for s in r.skills
                ],
                "never_asked": r.never_asked,
            }
        )
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False), file=out)
        return 0
    if not rows:
        print("No saved targets yet: `interviewer practice --job FILE` saves one.", file=out)
        return 0
    for row in rows:
        practised = len(row["skills"]) - len(row["never_asked"])
        # The same posting saved with and without a CV is two targets: say which is which.
        cv_note = " · with CV" if with_cv.get(row["id"]) else ""
        print(
            f"{row['id']}  {row['created_at'][:10]}  {row['title']}{cv_note}  "
            f"({row['sessions']} session{'s' if row['sessions'] != 1 else ''}, "
            f"{practised}/{len(row['skills'])} skills practised)",
            file=out,
        )
        for s in row["readiness"]:
            if s["asked"]:
                score = "-" if s["latest_score"] is None else f"{s['latest_score']:.0f}/100"
                print(f"    {s['skill']}: latest {score} (asked {s['asked']}x)", file=out)
        if row["never_asked"]:
            print(f"    never asked: {', '.join(row['never_asked'])}", file=out)
    return 0


def practice_job(
    args: argparse.Namespace, stdin: IO[str] | None = None, out: IO[str] | None = None
) -> int:
    """`interviewer practice --job FILE` (plan, save the target, run the interview) or
    `--target ID [--gaps]` (a saved target again, or only its gaps)."""
    from interviewer import cli
    from interviewer.job_plans import (
        add_generated,
        prepare,
        prepare_saved,
        remember_target,
        start_options,
        with_coding,
    )
    from interviewer.storage.targets import find_target
    from interviewer.terminal import TerminalFrontEnd

    count = _questions(args)
    if args.job and getattr(args, "target", None):
        raise InterviewerError("Give either --job FILE or --target ID, not both.")
    if getattr(args, "gaps", False) and not getattr(args, "target", None):
        raise InterviewerError("--gaps goes with --target ID (see `interviewer targets`).")
    posting, cv = _read_inputs(args) if args.job else ("", "")
    lib = cli._library()
    cli._check_report(args.report)
    store = cli._open_store()
    front = TerminalFrontEnd(lib, store, args, stdin, out)
    try:
        history = store.question_history()
    except InterviewerError:
        history = {}
    if getattr(args, "target", None):
        target = find_target(store, args.target)
        prepared = prepare_saved(
            store, target, lib, count=count, gaps=bool(args.gaps), history=history
        )
        target_id = target.id
        if getattr(args, "with_coding", False):  # the last question: a coding round
            prepared.plan = with_coding(prepared.plan, lib, history)
        print_plan(prepared.plan, target.title, front.out)
        print("", file=front.out)
    else:
        prepared = prepare(
            posting,
            lib,
            cv=cv,
            backend=front.session.backend,
            count=count,
            skills=_skills_arg(args.skills) if getattr(args, "skills", None) else None,
            history=history,
            source=str(args.job),
            on_send=_say_sent,
        )
        if getattr(args, "with_coding", False):  # the last question: a coding round
            prepared.plan = with_coding(prepared.plan, lib, history)
        print_plan(prepared.plan, prepared.profile.title, front.out)
        print("", file=front.out)
        target_id = remember_target(store, posting, cv, prepared)
    add_generated(lib, prepared.generated)
    options = start_options(
        prepared.plan,
        lib,
        title=prepared.profile.title,
        target_id=target_id,
        adaptive=bool(getattr(args, "adaptive", False)),
        minutes=args.minutes,
        follow_ups=not args.no_follow_ups,
    )
    return cli._run_to_end(front, lambda session: session.start(options), args)


def register(sub: Any) -> None:
    """Add `plan` and `targets` to the command line's subparsers."""
    p = sub.add_parser(
        "plan",
        help="plan an interview from a job posting (and your CV)",
        description="Read a job posting (text, Markdown, PDF or DOCX) and print an interview "
        "plan: bank questions covering the posting's skills, each with the reason it was "
        "chosen, and the skills no question covers. With a model configured it also "
        "writes a few tailored questions; the CV is sent only to a model in use.",
    )
    p.add_argument("--job", required=True, metavar="FILE", help="the job posting")
    p.add_argument("--cv", metavar="FILE", help="your CV (optional)")
    p.add_argument(
        "--questions",
        type=int,
        metavar="N",
        help=f"number of questions (default {DEFAULT_QUESTIONS})",
    )
    p.add_argument(
        "--skills",
        metavar="LIST",
        help="comma-separated skills to plan for instead of the extracted ones",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--save",
        action="store_true",
        help="save the posting (and CV) as a target, to practise later with --target",
    )
    p.add_argument(
        "--backend",
        choices=["offline", "openai"],
        help="offline: no model (bank questions only); openai: OpenAI or any "
        "OpenAI-compatible server (default: from settings)",
    )
    p.add_argument("--model", metavar="M", help="model name (default: from settings)")
    p.add_argument("--base-url", metavar="URL", help="OpenAI-compatible server")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("targets", help="list saved job targets and your readiness for each")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument(
        "--delete",
        metavar="ID",
        help="forget a saved target, its posting and CV (its sessions stay in history)",
    )
    p.set_defaults(func=cmd_targets)
