"""Turn engine requests into chat messages, from Jinja2 templates in `prompts/`.

Two things shape this module:

* Prompt caching. Providers reuse work for a repeated *prefix* of the messages, so every
  call is assembled in one fixed order (design rule 7, anchor Aider `chat_chunks.py`):
  the stable system prefix (identical for a whole session, byte for byte), then the
  session/question context, then recent history, then the current request. `ChatChunks`
  holds those four parts and is the only place that orders them.
* Prompt injection. Candidates type free text that a model then reads. Their words are
  always passed as delimited data (`<candidate_answer>` ... `</candidate_answer>`), with
  any copy of the delimiter inside the text defused first, and the system prompts say that
  the block is data, never instructions.

This module does no I/O: the template texts are read by the loader outside core
(`storage/prompt_files.py`) and handed to `PromptLibrary`.

Templates use `StrictUndefined`, so a template that names a variable the code does not
pass fails loudly (as a ContentError naming the file) instead of sending a hole to the
model. Each template file holds named blocks (`system`, `context`, `request`) so one file
keeps the text of one job together while the code still places each part where it goes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import jinja2
from pydantic import BaseModel, ValidationError

from interviewer.core.errors import ContentError
from interviewer.core.grading.coding import results_table
from interviewer.core.models import Turn
from interviewer.core.requests import FollowUpRequest, GradeRequest, TurnRequest

Message = dict[str, str]

ANSWER_OPEN = "<candidate_answer>"
ANSWER_CLOSE = "</candidate_answer>"
#: Marks text from the interview software (as opposed to the candidate) in user messages.
APP_TAG = "[interview app]"

#: Which blocks each template must define; checked when the library loads.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "persona.md.j2": ("system", "context"),
    "ask.md.j2": ("request",),
    "follow_up.md.j2": ("request",),
    "wrap_up.md.j2": ("request",),
    "grade.md.j2": ("system", "context", "request"),
}

# Any spelling of the delimiter a model might take for the real one: case, spaces, slash.
_DELIMITER_RE = re.compile(r"<(\s*/?\s*candidate_answer)", re.IGNORECASE)


def neutralise_answer(text: str) -> str:
    """Defuse delimiter look-alikes so an answer cannot close its own data block.

    Only the `<` is changed (to a look-alike angle quote), so the rest of the text stays
    as typed and short quotes around it still match the answer.
    """
    return _DELIMITER_RE.sub(lambda m: "‹" + m.group(1), text)


def wrap_answer(text: str) -> str:
    return f"{ANSWER_OPEN}\n{neutralise_answer(text)}\n{ANSWER_CLOSE}"


@dataclass
class ChatChunks:
    """The parts of one model call, always emitted in the same order.

    `messages()` merges neighbouring messages of the same role (never the system prefix):
    some local chat templates insist on strict user/assistant alternation, and merging
    does not move any text, so the cached prefix is unaffected.
    """

    system: list[Message] = field(default_factory=list)
    context: list[Message] = field(default_factory=list)
    history: list[Message] = field(default_factory=list)
    request: list[Message] = field(default_factory=list)

    def messages(self) -> list[Message]:
        out: list[Message] = [dict(m) for m in self.system]
        fixed = len(out)
        for msg in [*self.context, *self.history, *self.request]:
            if len(out) > fixed and out[-1]["role"] == msg["role"]:
                out[-1]["content"] += "\n\n" + msg["content"]
            else:
                out.append(dict(msg))
        return out


def _history_messages(turns: Iterable[Turn]) -> list[Message]:
    """Interviewer turns become assistant messages; candidate turns become delimited data."""
    out: list[Message] = []
    for turn in turns:
        if turn.role == "interviewer":
            if turn.text.strip():
                out.append({"role": "assistant", "content": turn.text.strip()})
        elif turn.role == "candidate":
            content = wrap_answer(turn.text.strip())
            note = _answer_note(turn)
            if note:
                content += f"\n{APP_TAG} {note}"
            out.append({"role": "user", "content": content})
        # "system" turns are notices for the user (time warnings, fallbacks): not for the model.
    return out


def _answer_note(turn: Turn) -> str:
    if turn.skipped:
        return "The candidate skipped this question."
    if turn.timed_out:
        return "The answer time ran out; this is what the candidate had written."
    if not turn.text.strip():
        return "The candidate gave no answer."
    return ""


class PromptLibrary:
    """The five prompt templates of one prompts folder, compiled and checked up front.

    `templates` maps file names to their text (a name that is absent is a missing file);
    `prompts_dir` only names the folder in errors. Reading the folder is the loader's job:
    `load_prompts` in storage/prompt_files.py.
    """

    def __init__(
        self, templates: Mapping[str, str], prompts_dir: PurePath | str = "prompts"
    ) -> None:
        self.prompts_dir = PurePath(prompts_dir)
        self._env = jinja2.Environment(
            loader=jinja2.DictLoader(dict(templates)),
            undefined=jinja2.StrictUndefined,
            autoescape=False,  # prompts, not HTML; candidate text is delimited instead
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        self._templates: dict[str, jinja2.Template] = {}
        for name, blocks in TEMPLATES.items():
            self._templates[name] = self._load(name, blocks)

    def _path(self, name: str) -> str:
        return str(self.prompts_dir / name)

    def _load(self, name: str, blocks: tuple[str, ...]) -> jinja2.Template:
        try:
            template = self._env.get_template(name)
        except jinja2.TemplateNotFound:
            raise ContentError(self._path(name), "", "prompt template file is missing") from None
        except jinja2.TemplateSyntaxError as exc:
            raise ContentError(
                self._path(name), f"line {exc.lineno}", f"template syntax error: {exc.message}"
            ) from None
        missing = [b for b in blocks if b not in template.blocks]
        if missing:
            raise ContentError(
                self._path(name),
                ", ".join(f"{{% block {b} %}}" for b in missing),
                "required block is missing",
            )
        return template

    def render(self, name: str, block: str, **variables: Any) -> str:
        """Render one block of one template; a missing variable is a ContentError."""
        template = self._templates[name]
        try:
            text = "".join(template.blocks[block](template.new_context(variables)))
        except jinja2.UndefinedError as exc:
            raise ContentError(
                self._path(name), f"{{% block {block} %}}", f"undefined variable: {exc.message}"
            ) from None
        except jinja2.TemplateError as exc:
            raise ContentError(
                self._path(name), f"{{% block {block} %}}", f"template error: {exc}"
            ) from None
        return text.strip()

    # ------------------------------------------------------------------ interviewer

    def _interviewer_chunks(
        self,
        track: Any,
        total: int | None,
        earlier_summary: str,
        history: Iterable[Turn],
        request_template: str,
        request_vars: Mapping[str, Any],
    ) -> ChatChunks:
        context = self.render(
            "persona.md.j2",
            "context",
            track=track,
            total=total,
            minutes=track.duration_minutes,
            earlier_summary=earlier_summary,
        )
        return ChatChunks(
            system=[{"role": "system", "content": self.render("persona.md.j2", "system")}],
            context=[{"role": "user", "content": context}],
            history=_history_messages(history),
            request=[
                {
                    "role": "user",
                    "content": self.render(request_template, "request", **request_vars),
                }
            ],
        )

    def turn_chunks(self, request: TurnRequest) -> ChatChunks:
        if request.purpose == "question":
            if request.question is None:
                raise ValueError("a 'question' turn needs a question")
            template = "ask.md.j2"
            variables: dict[str, Any] = {
                "track": request.track,
                "question": request.question,
                "number": request.index + 1,
                "total": request.total,
                # The engine's requests carry the track as the session runs it: this is
                # the session's own length, not the track file's default.
                "minutes": request.track.duration_minutes,
            }
        else:
            template = "wrap_up.md.j2"
            variables = {"track": request.track, "asked": request.index, "total": request.total}
        return self._interviewer_chunks(
            request.track,
            request.total,
            request.earlier_summary,
            request.history,
            template,
            variables,
        )

    def follow_up_chunks(self, request: FollowUpRequest) -> ChatChunks:
        return self._interviewer_chunks(
            request.track,
            None,
            "",
            request.exchange,
            "follow_up.md.j2",
            {
                "question": request.question,
                "follow_ups_asked": request.follow_ups_asked,
                "follow_up_limit": request.follow_up_limit,
                "seconds_left": request.seconds_left,
            },
        )

    # ------------------------------------------------------------------ grading

    def grading_chunks(self, request: GradeRequest) -> ChatChunks:
        rubric = request.rubric
        star_components = [c.star for c in rubric.criteria if c.star is not None]
        exchange = []
        for turn in request.exchange:
            if turn.role == "interviewer" and turn.text.strip():
                exchange.append({"role": "interviewer", "text": turn.text.strip(), "note": ""})
            elif turn.role == "candidate":
                exchange.append(
                    {
                        "role": "candidate",
                        "text": neutralise_answer(turn.text.strip()),
                        "note": _answer_note(turn),
                    }
                )
        context = self.render(
            "grade.md.j2",
            "context",
            question=request.question,
            rubric=rubric,
            star_components=list(dict.fromkeys(star_components)),
        )
        req = self.render(
            "grade.md.j2",
            "request",
            exchange=exchange,
            criterion_ids=[c.id for c in rubric.criteria],
            answer_seconds=request.answer_seconds,
            tests=results_table(request.tests) if request.tests is not None else "",
            function=request.question.coding.function if request.question.coding else "",
        )
        return ChatChunks(
            system=[{"role": "system", "content": self.render("grade.md.j2", "system")}],
            context=[{"role": "user", "content": context}],
            request=[{"role": "user", "content": req}],
        )

    # ------------------------------------------------------------------ message lists

    def build_turn_messages(self, request: TurnRequest) -> list[Message]:
        return self.turn_chunks(request).messages()

    def build_follow_up_messages(self, request: FollowUpRequest) -> list[Message]:
        return self.follow_up_chunks(request).messages()

    def build_grading_messages(self, request: GradeRequest) -> list[Message]:
        return self.grading_chunks(request).messages()


# --------------------------------------------------------------------------- JSON replies
# Used by backends whose server cannot enforce a JSON schema: the schema goes into the
# prompt instead, and a reply that does not fit gets one chance at a correction.


# Keys whose values map *names* to schemas: a property called "title" is not a keyword.
_NAME_MAPS = ("properties", "$defs")


def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the form OpenAI's strict structured output accepts.

    Strict mode wants every property listed as required, no defaults and no extra keys.
    """

    def fix(node: Any) -> Any:
        if isinstance(node, dict):
            node = {
                k: ({name: fix(sub) for name, sub in v.items()} if k in _NAME_MAPS else fix(v))
                for k, v in node.items()
                if k not in ("default", "title")
            }
            if node.get("type") == "object" and isinstance(node.get("properties"), dict):
                node["required"] = list(node["properties"])
                node["additionalProperties"] = False
            return node
        if isinstance(node, list):
            return [fix(v) for v in node]
        return node

    schema: dict[str, Any] = fix(model.model_json_schema())
    return schema


def schema_instruction(schema: Mapping[str, Any]) -> str:
    """The format rules for servers that cannot be told the schema any other way."""
    return (
        f"{APP_TAG} Format of your reply: a single JSON object, and nothing before or after "
        "it (no code fences, no comments). It must match this JSON Schema exactly, with "
        "every property present:\n" + json.dumps(schema, indent=1)
    )


def repair_instruction(problem: str) -> str:
    return (
        f"{APP_TAG} Your last reply could not be used: {problem}\n"
        "Send the whole reply again as one corrected JSON object that matches the required "
        "format. Keep the content; fix only the format. Reply with the JSON object alone."
    )


_FENCE_RE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.DOTALL)
_THINK_RE = re.compile(r"<think>.*?</think>", re.DOTALL | re.IGNORECASE)


def extract_json(text: str) -> Any:
    """Parse a JSON object from a reply that may wrap it in fences, prose or <think> notes.

    Raises ValueError (json.JSONDecodeError is one) when no object can be found.
    """
    cleaned = _THINK_RE.sub("", text).strip()
    fenced = _FENCE_RE.search(cleaned)
    if fenced:
        cleaned = fenced.group(1).strip()
    try:
        return json.loads(cleaned)
    except ValueError:
        start, end = cleaned.find("{"), cleaned.rfind("}")
        if start == -1 or end <= start:
            raise
        return json.loads(cleaned[start : end + 1])


def describe_validation_error(exc: ValidationError, limit: int = 5) -> str:
    """A short list of what is wrong, phrased for the model to fix it."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"... and {more} more")
    return "; ".join(parts)
