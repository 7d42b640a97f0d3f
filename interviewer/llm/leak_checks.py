"""The prompt-leak check for a model's interviewer turn, built from what the app sent.

`core/leaks.py` holds the pure check; these build its inputs for one turn or follow-up:
the instructions rendered from the same templates the backend uses (never the
candidate's answers), the text the turn may repeat (the question, the prepared probes,
the track's name), and the key points it must not go on to state. Used by the session
(every streamed turn) and by the speed and fitness check (llm/fitness.py).
"""

from __future__ import annotations

import logging

from interviewer.core.errors import InterviewerError
from interviewer.core.leaks import LeakCheck, app_text
from interviewer.core.models import Question
from interviewer.core.prompts import PromptLibrary
from interviewer.core.requests import FollowUpRequest, TurnRequest
from interviewer.storage.prompt_files import default_library

log = logging.getLogger(__name__)


def _key_points(question: Question | None) -> list[str]:
    if question is None:
        return []
    return [k.text for k in question.key_points] + list(question.strong_answer)


def turn_leak_check(prompts: PromptLibrary | None, request: TurnRequest) -> LeakCheck:
    """The check for one interviewer turn, against the instructions sent for it (the
    persona, the session context and the request, rendered from the same templates the
    backend uses; never the candidate's answers). Runs on a worker: the first call may
    read the prompt files."""
    instructions: list[str] = []
    try:
        library = prompts if prompts is not None else default_library()
        chunks = library.turn_chunks(request)
        instructions = app_text([*chunks.system, *chunks.context, *chunks.request])
    except (InterviewerError, OSError) as err:  # the tags and own-answer checks still run
        log.warning("prompt leak check without the instructions: %s", err)
    q = request.question
    return LeakCheck(
        instructions=instructions,
        question_text=q.text if q is not None else "",
        allowed=[request.track.name, request.track.description],
        key_points=_key_points(q),
    )


def follow_up_leak_check(prompts: PromptLibrary | None, request: FollowUpRequest) -> LeakCheck:
    """The check for a follow-up question: the prepared probes may be repeated as written."""
    instructions: list[str] = []
    try:
        library = prompts if prompts is not None else default_library()
        chunks = library.follow_up_chunks(request)
        instructions = app_text([*chunks.system, *chunks.context, *chunks.request])
    except (InterviewerError, OSError) as err:
        log.warning("prompt leak check without the instructions: %s", err)
    q = request.question
    return LeakCheck(
        instructions=instructions,
        question_text=q.text,
        allowed=[request.track.name, request.track.description, *(p.text for p in q.follow_ups)],
        key_points=_key_points(q),
    )
