"""`interviewer check-model`: the speed and fitness check from the terminal.

Runs `interviewer.llm.fitness.check_fitness` against the configured server and model (or
`--base-url` / `--model`), prints what it found in words (or `--json`), and remembers
the report for that server and model (`storage/fitness_store.py`), as "Test connection"
in Settings does. Progress goes to stderr, so `--json` output stays clean on stdout.

`--json` prints one object, `FitnessReport.to_dict()`:

- `server` (str, "" for OpenAI itself), `model`, `label`, `checked_at` (ISO 8601, UTC);
- `prompt_speed`, `generation_speed` (tokens a second, or null), `first_token_seconds`;
- `turn_prompt_tokens`, `turn_reply_tokens`, `turn_seconds`;
- `interviewer`, `grader`: "good", "not reliable" or "unknown"; with
  `interviewer_problems`, `grader_problems` (lists of sentences);
- `grade_mode` (json_schema, json_object or prompt), `grade_seconds`,
  `grade_prompt_tokens`, `grade_reply_tokens`, `grade_repairs`;
- `strong_score`, `weak_score` (the model's own 1-5 scores, with `--grade`);
- `steps` (list of {`name`, `status`: ok, failed, error, timed_out or skipped, `seconds`,
  `detail`});
- `advice` ({`turn_max_tokens`, `grade_max_tokens`, `prompt_budget_tokens`,
  `seconds_per_turn`, `seconds_per_grade`, `longest_grade_seconds`,
  `grade_first_token_seconds`});
- `summary` (the line in words) and `details` (list of sentences).

The exit status is 0 when the check ran, whatever it found; 1 when there is no model to
check or the settings cannot give one.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from interviewer.core.errors import InterviewerError
from interviewer.llm.factory import make_backend
from interviewer.llm.fitness import Budgets, check_and_remember
from interviewer.storage.paths import app_paths
from interviewer.storage.secrets import SecretStore
from interviewer.storage.settings import Settings, load_settings

#: Seconds between the "still writing" lines while the model streams its turn.
WRITING_EVERY = 15.0


def register(sub: Any) -> None:
    """Add `check-model` to the command line's subparsers."""
    p = sub.add_parser(
        "check-model",
        help="measure a model's speed and check it can interview and grade",
        description="Ask the model one interview question and one grade, as an interview "
        "would: measure how fast it reads prompts and writes replies, check that it asks "
        "the question without repeating the app's instructions and returns a valid grade, "
        "and say what to expect. The result is remembered for this server and model.",
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help="OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1 (default: from settings)",
    )
    p.add_argument("--model", metavar="M", help="model name (default: from settings)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument(
        "--grade",
        action="store_true",
        help="also grade a weak answer and check the strong one scores higher "
        "(doubles the grading time)",
    )
    p.set_defaults(func=cmd_check_model)


def cmd_check_model(args: argparse.Namespace) -> int:
    paths = app_paths()
    try:
        settings = load_settings(paths.settings_file)
    except InterviewerError as err:
        print(f"warning: {err} Using the default settings for now.", file=sys.stderr)
        settings = Settings()
    budgets = Budgets()
    # The check's own budgets decide when a step is given up; the client's read
    # time-out must not end a slow model's grade first. No retries: report it now.
    longest = min(900.0, max(settings.request_timeout, budgets.turn, budgets.grade))
    settings = settings.model_copy(update={"request_timeout": longest, "max_retries": 0})
    choice = make_backend(settings, SecretStore(), model=args.model, base_url=args.base_url)
    backend = choice.backend
    if backend.name == "offline":
        raise InterviewerError(
            "No model to check: the offline coach is configured. Pass --base-url URL (and "
            "--model M) for a local server, or set OPENAI_API_KEY for OpenAI."
        )
    from interviewer.llm.openai_backend import OpenAIBackend

    window = backend.context_window if isinstance(backend, OpenAIBackend) else None
    print(f"Checking {backend.label} …", file=sys.stderr)
    last = [0.0]

    def progress(text: str) -> None:
        # Each step on its own line; the stream's running count at most every
        # WRITING_EVERY seconds (the terminal sanitiser shows a CR, so no line rewrite).
        now = time.monotonic()
        if text.startswith(("Step ", "Done")) or now - last[0] >= WRITING_EVERY:
            last[0] = now
            print(text, file=sys.stderr)

    report, problem = check_and_remember(
        backend, rank=args.grade, budgets=budgets, progress=progress, context_window=window
    )
    if problem:
        print(f"warning: {problem}", file=sys.stderr)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print(report.text())
    return 0


# ---------------------------------------------------------------------- first use


def first_use_note(
    *backends: Any,
    check: bool,
    err: Any = None,
    budgets: Budgets | None = None,
) -> None:
    """Before `interviewer practice`: one line on stderr per local model in use (the
    interviewer's, the grader's) saying what it can do, from its remembered check. A
    model never checked is checked now when `check` (someone is at the keyboard and did
    not pass --no-model-check), with its steps on stderr, and remembered; otherwise the
    line says how to check it. Stdout is left alone. The offline coach, hosted models
    and test doubles are never checked (`llm/first_use.targets`)."""
    from interviewer.llm.first_use import adopt, remembered_line, targets

    out = err if err is not None else sys.stderr
    for target in targets(*backends):
        line = remembered_line(target)
        if line:
            print(f"note: {line}", file=out)
            continue
        if not check:
            print(
                f"note: {target.model} on {target.base_url} has not been checked yet: "
                f"`interviewer check-model --base-url {target.base_url} --model "
                f"{target.model}` says how fast it is and whether it can interview and grade.",
                file=out,
            )
            continue
        print(
            f"Checking what {target.model} can do before the first interview with it "
            "(once; Ctrl+C skips the check)…",
            file=out,
        )
        try:
            report = _check_target(target, budgets or Budgets(), out)
        except KeyboardInterrupt:
            print("note: the check was skipped; the interview starts now.", file=out)
            continue
        adopt(report, *backends)  # this interview's calls are sized to it already
        line = remembered_line(target)
        if line:
            print(f"note: {line}", file=out)


def _check_target(target: Any, budgets: Budgets, out: Any) -> Any:
    from interviewer.llm.openai_backend import OpenAIBackend
    from interviewer.storage.secrets import store_for

    backend = OpenAIBackend(
        api_key=store_for(SecretStore(), target.base_url, None).get(),
        model=target.model,
        base_url=target.base_url,
        timeout=max(target.timeout, budgets.turn, budgets.grade),
        connect_timeout=target.connect_timeout,
        max_retries=0,
        provider_label=target.label,
    )
    last = [0.0]

    def progress(text: str) -> None:
        now = time.monotonic()
        if text.startswith(("Step ", "Done")) or now - last[0] >= WRITING_EVERY:
            last[0] = now
            print(text, file=out)

    try:
        report, problem = check_and_remember(
            backend, budgets=budgets, progress=progress, context_window=backend.context_window
        )
    finally:
        backend.close()
    if problem:
        print(f"warning: {problem}", file=out)
    return report
