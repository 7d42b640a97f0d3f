"""Render every main screen to a PNG, offscreen, from a real run of the app.

`interviewer screenshots DIR` calls `render_all`. Nothing is mocked up: the real main
window runs a real interview through the controller and the worker threads, with the
scripted backend standing in for a model (it is labelled as such on screen) and the
offline coach's heuristics doing the grading. A frozen clock keeps the countdowns in the
pictures the same on every run, and the candidate's answers are written from each
question's own key points so they read like answers to that question.

The run never touches the user's files: the window, the clock and the key store are set
up in `shots_common` (a temporary folder for settings and window geometry, a memory-only
key store), shared with the job and voice renderers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QWidget

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.core.models import FollowUpDecision, Question
from interviewer.core.requests import FollowUpRequest, TurnRequest
from interviewer.gui.controller import StartOptions
from interviewer.gui.main_window import MainWindow
from interviewer.gui.shots_common import (
    SIZE,
    open_stage,
    settle,
    start_app,
    temporary_home,
    wait_until,
)
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.content_files import load_library
from interviewer.storage.settings import Settings

TRACK = "ml-full-loop"
QUESTIONS = 3


def answer_for(question: Question, short: bool = False) -> str:
    """A plausible answer built from the question's own key points."""
    points = [kp.text.rstrip(".") for kp in question.key_points]
    if question.category == "behavioral":
        story = (
            "In my last role our fraud model's precision dropped sharply after a holiday "
            "release, and I was the engineer on call for it. My task was to find the cause "
            "and restore the model before the weekend peak. I compared the training and "
            "serving feature distributions, found a timezone bug in one feature, fixed the "
            "pipeline and retrained with a backfill. As a result precision recovered from "
            "0.71 to 0.88 within two days, and we added drift alerts so it would not go "
            "unnoticed again. I learned to check the data before touching the model."
        )
        return story if not short else story.split(". ")[0] + "."
    lead = "Let me start with the core idea. "
    body = ". ".join(points[: 2 if short else len(points)]) + "."
    example = (
        " For example, on a churn model I would check this on a held-out month before "
        "trusting it, and weigh the cost of a false positive against a false negative."
    )
    return lead + body + ("" if short else example)


def follow_up_answer(question: Question, probe: str, partial: bool = False) -> str:
    """An answer to a follow-up, built from the key points the probe is aimed at."""
    targets: list[str] = []
    for p in question.follow_ups:
        if p.text == probe:
            targets = p.targets
    points = [kp.text.rstrip(".") for kp in question.key_points if kp.id in targets]
    points = points or [question.key_points[-1].text.rstrip(".")]
    first = points[0][0].lower() + points[0][1:]
    if partial:
        return f"Good question. The first thing I would check is this: {first}, because"
    sentences = [
        f"Good question. The first thing I would check is this: {first}.",
        *(f"{p}." for p in points[1:]),
        "I would confirm it on a small sample before changing anything.",
    ]
    return " ".join(sentences)


def _turn(request: TurnRequest) -> str:
    if request.purpose == "wrap_up":
        return (
            "That's everything from me, thank you. You kept your answers concrete, which "
            "helps a lot. Your feedback is being prepared now."
        )
    assert request.question is not None
    q = request.question
    if request.index == 0:
        return (
            "Thanks for joining today. We have three questions; I may ask a follow-up "
            f"when something is worth digging into.\n\n**First question:** {q.text}"
        )
    return f"Thank you. **Next question:** {q.text}"


def _follow_up(request: FollowUpRequest) -> FollowUpDecision:
    if request.follow_ups_asked == 0 and request.question.follow_ups:
        probe = request.question.follow_ups[0].text
        return FollowUpDecision(follow_up=True, question=probe, reason="probe a key point")
    return FollowUpDecision(follow_up=False, reason="covered")


def demo_backend() -> ScriptedBackend:
    from interviewer.llm.offline import OfflineCoach

    coach = OfflineCoach()
    return ScriptedBackend(
        name="scripted",
        label="Scripted demo (screenshots, no model)",
        default_turn=_turn,
        default_follow_up=_follow_up,
        default_grade=coach.grade_draft,
    )


def _type(window: MainWindow, text: str) -> None:
    window.interview.answer.setPlainText(text)


def render_all(out_dir: Path, library: ContentLibrary | None = None) -> list[Path]:
    """Write home.png, interview.png, feedback.png and settings.png into out_dir."""
    start_app()
    previous = qInstallMessageHandler(_quiet)
    try:
        return _render(out_dir, library)
    finally:
        qInstallMessageHandler(previous)


def _quiet(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """Drop the offscreen platform's chatter; pass on anything else."""
    if "propagateSizeHints" in message:
        return
    sys.stderr.write(message + "\n")


def _render(out_dir: Path, library: ContentLibrary | None) -> list[Path]:
    from interviewer.gui.settings_dialog import SettingsDialog

    library = library or load_library()
    if TRACK not in library.tracks:
        raise InterviewerError(f"The screenshots need the built-in track {TRACK!r}.")
    with temporary_home() as home, open_stage(out_dir, library, demo_backend(), home) as stage:
        window, controller, clock = stage.window, stage.controller, stage.clock

        # 1. Home, with the full-loop track picked.
        window.home.select_track(TRACK)
        stage.shot("home")

        # 2. Interview: first answer given, a follow-up asked, the reply half written.
        controller.start_interview(StartOptions(TRACK, question_count=QUESTIONS, minutes=30))
        wait_until(lambda: controller.answering)
        engine = controller.engine
        assert engine is not None
        first = engine.records[0].question
        clock.advance(104)
        _type(window, answer_for(first))
        window.interview.submit_action.trigger()
        wait_until(lambda: controller.answering)
        clock.advance(21)
        probe = engine.transcript[-1].text
        _type(window, follow_up_answer(first, probe, partial=True))
        controller.tick()
        stage.shot("interview")

        # 3. Feedback, after answering everything.
        _type(window, follow_up_answer(first, probe))
        window.interview.submit_action.trigger()
        while controller.in_interview:
            wait_until(lambda: controller.answering or not controller.in_interview)
            if not controller.in_interview:
                break
            rec = engine.current
            assert rec is not None
            clock.advance(80)
            last = rec.turns[-1]
            if last.kind == "follow_up":
                _type(window, follow_up_answer(rec.question, last.text))
            else:
                _type(window, answer_for(rec.question, short=engine.index == 2))
            window.interview.submit_action.trigger()
        wait_until(lambda: controller.results is not None)
        stage.shot("feedback")

        # 4. Settings, as opened from the window.
        dialog = SettingsDialog(
            Settings(provider="ollama", model="llama3.1:8b"), controller.secrets, window
        )
        dialog.show()
        stage.app.processEvents()
        stage.shot("settings", dialog)
        dialog.close()
        dialog.deleteLater()
    written = stage.written
    written += render_coding(out_dir, library)
    from interviewer.gui.job_screenshots import render_jobs  # it imports this module

    written += render_jobs(out_dir, library)
    from interviewer.gui.voice_screenshots import render_voice_feedback  # imports this module

    written += render_voice_feedback(out_dir, library)
    return written


# --------------------------------------------------------------------------- coding round

CODING_TRACK = "ml-coding"
CODING_QUESTION = "code-precision-recall"
#: The demo candidate's code: vectorised and passing both examples, but with no guard
#: for a zero denominator, so the hidden edge-case tests fail (the story the feedback
#: screenshot tells).
CODING_ANSWER = '''import numpy as np


def precision_recall_f1(y_true, y_pred):
    """Precision, recall and F1 of the positive class for 0/1 labels."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))

    precision = tp / (tp + fp)  # TODO: no predicted positives?
    recall = tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    return float(precision), float(recall), float(f1)
'''


def _coding_turn(request: TurnRequest) -> str:
    if request.purpose == "wrap_up":
        return "Thanks, that's the coding round. Your feedback is being prepared now."
    assert request.question is not None
    return (
        "Let's write some code. Work in the editor below; Run examples checks your "
        f"function on the visible tests.\n\n**Task:** {request.question.text}"
    )


def render_coding(
    out_dir: Path, library: ContentLibrary | None = None, size: tuple[int, int] = SIZE
) -> list[Path]:
    """Write coding-interview.png (the editor after Run examples) and coding-feedback.png
    (the hidden tests, the code and the reference solution) into out_dir."""
    library = library or load_library()
    if CODING_TRACK not in library.tracks or CODING_QUESTION not in library.questions:
        raise InterviewerError(f"The screenshots need the built-in track {CODING_TRACK!r}.")
    backend = demo_backend()
    backend.default_turn = _coding_turn
    with temporary_home() as home, open_stage(out_dir, library, backend, home, size=size) as stage:
        window, controller, clock = stage.window, stage.controller, stage.clock
        one = library.tracks[CODING_TRACK].model_copy(
            update={"questions": [CODING_QUESTION], "question_count": 1, "selection": "ordered"}
        )
        controller.start_interview(StartOptions(CODING_TRACK, question_count=1, track=one))
        wait_until(lambda: controller.answering)
        panel = window.interview.coding
        clock.advance(312)
        panel.set_code(CODING_ANSWER)
        cursor = panel.editor.textCursor()
        cursor.setPosition(CODING_ANSWER.index("precision = tp"))
        panel.editor.setTextCursor(cursor)
        panel.run_examples()
        wait_until(lambda: not panel.running, timeout=30.0)
        controller.tick()
        settle(window)
        panel.editor.ensureCursorVisible()
        stage.shot("coding-interview")

        window.interview.submit_action.trigger()
        engine = controller.engine
        assert engine is not None
        while controller.in_interview:
            wait_until(lambda: controller.answering or not controller.in_interview, 30.0)
            if not controller.in_interview:
                break
            clock.advance(60)
            window.interview.answer.setPlainText(
                "Linear time, O(n): three boolean masks and three sums over the arrays. "
                "For a stream too big for memory I would keep running counts of TP, FP "
                "and FN per batch and divide at the end."
            )
            window.interview.submit_action.trigger()
        wait_until(lambda: controller.results is not None, 30.0)
        feedback = window.feedback
        wait_until(
            lambda: (
                window.stack.currentWidget() is feedback
                and not feedback.building
                and bool(feedback.cards)
                and feedback.cards[0].tests_section is not None
            ),
            30.0,
        )
        area = feedback.scroll_area
        for _ in range(3):  # the page's height settles as its labels wrap
            settle(window)
            card = feedback.cards[0]
            target: QWidget = card.tests_section or card
            page = area.widget()
            assert page is not None
            top = target.mapTo(page, target.rect().topLeft()).y()
            area.verticalScrollBar().setValue(top - 40)
        stage.shot("coding-feedback")
    return stage.written


__all__ = ["render_all", "render_coding"]


if __name__ == "__main__":  # pragma: no cover - a convenience for designers
    for p in render_all(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")):
        print(p)
    QApplication.quit()
