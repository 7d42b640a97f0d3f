"""Practise for a job in the window (issue 17): from a posting to the first question, the
candidate's corrections kept, bad files named inline, the privacy notice only for a remote
model, and readiness per target with "Practise the gaps"."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from interviewer.core.jobs import GeneratedSet
from interviewer.job_plans import vocabulary
from interviewer.llm.offline import OfflineCoach
from interviewer.llm.scripted import ScriptedBackend
from interviewer.storage.content_files import load_library
from interviewer.storage.targets import get_target, list_targets
from tests.gui_helpers import App, make_app, settle
from tests.test_jobs_plan import draft, extraction
from tests.test_jobs_read import make_pdf
from tests.test_targets_store import session_for

DATA = Path(__file__).parent / "data" / "jobs"
CLICK = Qt.MouseButton.LeftButton


@dataclass
class RemoteScripted(ScriptedBackend):
    """A scripted model that says it is not on this machine (like OpenAI itself)."""

    @property
    def is_local(self) -> bool:
        return False


def offline_app(qtbot: QtBot) -> App:
    return make_app(qtbot, backend=OfflineCoach(), library=load_library())  # type: ignore[arg-type]


def open_jobs(qtbot: QtBot, app: App) -> None:
    qtbot.mouseClick(app.window.home.job_button, CLICK)
    settle(qtbot)
    assert app.window.stack.currentWidget() is app.window.jobs


def open_posting(qtbot: QtBot, app: App, path: Path, which: str = "posting") -> None:
    jobs = app.window.jobs
    jobs.open_file = lambda _parent, _caption: str(path)
    button = jobs.open_posting_button if which == "posting" else jobs.open_cv_button
    qtbot.mouseClick(button, CLICK)
    settle(qtbot)


def plan(qtbot: QtBot, app: App) -> None:
    qtbot.mouseClick(app.window.jobs.plan_button, CLICK)
    settle(qtbot)


def test_from_opening_a_posting_to_the_first_question(qtbot: QtBot) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    assert jobs.no_targets.isVisible()
    open_posting(qtbot, app, DATA / "recsys-mle.md")
    open_posting(qtbot, app, DATA / "cv-maria.md", "cv")
    assert jobs.posting_edit.toPlainText().startswith("# Senior Machine Learning Engineer")
    assert "recsys-mle.md" in jobs.posting_file.text()
    assert "cv-maria.md" in jobs.cv_file.text()
    plan(qtbot, app)

    # The plan view: each question with the skill it covers and why; offline says so.
    assert jobs.pages.currentIndex() == 1
    assert not jobs.privacy_box.isVisible()  # the offline coach sends nothing
    assert jobs.current is not None
    planned = jobs.current.prepared.plan
    assert len(jobs.plan_rows) == len(planned.questions) == 6
    first = jobs.plan_rows[0]
    assert first.skill == planned.questions[0].skill
    assert first.reason_label.text().startswith("Why: The posting asks for")
    assert not any(r.generated for r in jobs.plan_rows)
    assert "bank questions only" in jobs.notes_label.text()
    for skill in planned.not_covered:
        assert skill in jobs.not_covered_label.text()
    assert jobs.seniority.currentData() == "senior"
    assert "recommendation systems" in jobs.domain_label.text()
    # Saved as a target, listed on the left, with the CV kept on this machine.
    (target,) = list_targets(app.controller.store)
    assert target.cv.startswith("# Maria")
    assert jobs.target_list.count() == 1 and not jobs.no_targets.isVisible()

    jobs.adaptive.setChecked(True)
    assert app.window.home.adaptive.isChecked()  # one choice for tracks and job plans
    qtbot.mouseClick(jobs.start_button, CLICK)
    qtbot.waitUntil(lambda: app.controller.answering, timeout=10_000)
    assert app.window.stack.currentWidget() is app.window.interview
    engine = app.controller.engine
    assert engine is not None and engine.adaptive
    assert engine.records[0].question.id == planned.questions[0].id
    bubbles = app.window.interview.transcript.bubbles
    assert any(planned.questions[0].text in b.text for b in bubbles)
    row = app.controller.store.list_sessions()[0]
    stored = app.controller.store.load_session(row.id)
    assert stored.plan.options["target_id"] == target.id


def test_corrections_to_skills_level_and_name_are_saved(qtbot: QtBot) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "mlops-platform.md")
    plan(qtbot, app)
    assert jobs.current is not None
    tid = jobs.current.target.id
    before = jobs.skills()
    removed = before[1]
    assert "large language models" not in before
    assert not jobs.replan_button.isEnabled()

    jobs.skill_list.item(1).setSelected(True)
    qtbot.mouseClick(jobs.remove_skill_button, CLICK)
    qtbot.keyClicks(jobs.skill_edit, "LLMs")
    qtbot.mouseClick(jobs.add_skill_button, CLICK)
    jobs.seniority.setCurrentIndex(jobs.seniority.findData("lead"))
    jobs.seniority.activated.emit(jobs.seniority.currentIndex())
    jobs.title_edit.clear()
    qtbot.keyClicks(jobs.title_edit, "Platform lead at Acme")
    assert jobs.replan_button.isEnabled()
    qtbot.mouseClick(jobs.replan_button, CLICK)
    settle(qtbot)

    saved = get_target(app.controller.store, tid)
    assert removed not in saved.skills
    assert "large language models" in saved.skills  # the vocabulary's name for "LLMs"
    assert saved.title == "Platform lead at Acme"
    assert saved.profile.seniority == "lead"
    # The plan was made again from the corrected skills and level.
    assert jobs.current.prepared.plan.seniority == "lead"
    assert removed not in jobs.current.prepared.plan.skills
    assert jobs.target_list.item(0).text().startswith("Platform lead at Acme")
    # Picking the target again shows the corrections (from the store, no model call).
    jobs.show_input()
    jobs.target_list.setCurrentRow(0)
    settle(qtbot)
    assert jobs.pages.currentIndex() == 1
    assert removed not in jobs.skills() and jobs.seniority.currentData() == "lead"


def test_bad_files_are_named_inline_and_nothing_typed_is_lost(qtbot: QtBot, tmp_path: Path) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    # Empty
    plan(qtbot, app)
    assert jobs.error_label.isVisible()
    assert "The pasted posting" in jobs.error_label.text() and "empty" in jobs.error_label.text()
    assert jobs.pages.currentIndex() == 0

    typed = "Senior ML engineer: ranking, PyTorch, A/B testing."
    qtbot.keyClicks(jobs.posting_edit, typed)
    scan = make_pdf(tmp_path / "scan.pdf", ["Senior ML Engineer"], image_only=True)
    open_posting(qtbot, app, scan)
    assert "scan.pdf" in jobs.error_label.text() and "no text layer" in jobs.error_label.text()
    assert jobs.posting_edit.toPlainText() == typed

    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a zip")
    open_posting(qtbot, app, broken)
    assert "broken.docx" in jobs.error_label.text()
    assert "damaged" in jobs.error_label.text()
    assert jobs.posting_edit.toPlainText() == typed

    huge = tmp_path / "huge.txt"
    huge.write_text("machine learning " * 70_000)
    open_posting(qtbot, app, huge)
    assert "huge.txt" in jobs.error_label.text() and "limit" in jobs.error_label.text()
    assert jobs.posting_edit.toPlainText() == typed

    # No ML content: said, with the general tracks offered.
    barista = tmp_path / "barista.txt"
    barista.write_text(
        "Barista, Harbour Street Café\n\nWe need a friendly barista for weekend shifts. "
        "You make espresso drinks and keep the counter clean."
    )
    open_posting(qtbot, app, barista)
    assert not jobs.error_label.isVisible()
    plan(qtbot, app)
    assert "barista.txt" in jobs.error_label.text()
    assert "no machine-learning content" in jobs.error_label.text()
    assert jobs.tracks_button.isVisible()
    assert jobs.posting_edit.toPlainText().startswith("Barista")
    assert list_targets(app.controller.store) == []
    qtbot.mouseClick(jobs.tracks_button, CLICK)
    assert app.window.stack.currentWidget() is app.window.home


def test_privacy_notice_only_for_a_remote_model(qtbot: QtBot) -> None:
    remote = RemoteScripted(label="OpenAI · gpt-test")
    app = make_app(qtbot, backend=remote, library=load_library())
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "nlp-llm-engineer.txt")
    open_posting(qtbot, app, DATA / "cv-sam.txt", "cv")
    plan(qtbot, app)
    # Said before anything is sent: the posting and the CV, to whom.
    assert jobs.privacy_box.isVisible()
    text = jobs.privacy_label.text()
    assert text.startswith("Sending to OpenAI · gpt-test: the job posting (")
    assert "and your CV (" in text
    assert remote.calls_of("structured") == [] and remote.calls == []
    qtbot.mouseClick(jobs.cancel_send_button, CLICK)
    assert not jobs.privacy_box.isVisible() and jobs.pages.currentIndex() == 0
    assert remote.calls == [] and list_targets(app.controller.store) == []

    # Offline instead: nothing sent, bank questions only.
    plan(qtbot, app)
    qtbot.mouseClick(jobs.offline_button, CLICK)
    settle(qtbot)
    assert remote.calls == []
    assert jobs.pages.currentIndex() == 1
    assert "bank questions only" in jobs.notes_label.text()

    # Sent: the model reads the posting and writes a question, marked as generated.
    remote.enqueue_structured(extraction(), GeneratedSet(questions=[draft()]))
    jobs.show_input()
    plan(qtbot, app)
    assert jobs.privacy_box.isVisible()
    qtbot.mouseClick(jobs.send_button, CLICK)
    settle(qtbot)
    kinds = [c.kind for c in remote.calls]
    assert kinds[:1] == ["job_profile"] and "job_questions" in kinds
    assert "Sam" in remote.calls[0].request.chunks.request[0]["content"]  # the CV went
    generated = [r for r in jobs.plan_rows if r.generated]
    assert len(generated) == 1
    assert generated[0].reason.startswith("Written for this target")
    assert "read by the model" in jobs.domain_label.text()

    # A model on this machine gets the same data without a notice.
    local = ScriptedBackend()
    local.enqueue_structured(extraction(), GeneratedSet(questions=[]))
    app.controller.backend = local
    jobs.show_input()
    plan(qtbot, app)
    assert not jobs.privacy_box.isVisible()
    assert [c.kind for c in local.calls][:1] == ["job_profile"]


def test_readiness_and_practise_the_gaps(qtbot: QtBot) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    store = app.controller.store
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "recsys-mle.md")
    plan(qtbot, app)
    assert jobs.current is not None
    tid = jobs.current.target.id
    planned = jobs.current.prepared.plan
    strong, weak = planned.questions[0], planned.questions[1]
    session_for(store, tid, {strong.id: 90.0, weak.id: 30.0}, "2026-01-01T10:00:00+00:00")
    session_for(store, None, {"tech-overfitting": 20.0}, "2026-01-02T10:00:00+00:00")

    app.window.show_progress()
    settle(qtbot)
    panel = app.window.progress.readiness
    assert panel.isVisible()
    row = panel.shown()
    assert row is not None and row.target_id == tid
    vocab = vocabulary(app.controller.library)
    covered = set(vocab.by_question.get(strong.id, [])) | set(vocab.by_question.get(weak.id, []))
    practised = [s for s in row.readiness.skills if s.asked]
    assert {s.skill for s in practised} == covered & set(jobs.current.target.skills)
    assert strong.skill in panel.skill_labels and weak.skill in panel.skill_labels
    assert "1 interview" in panel.headline.text()
    assert f"of {len(jobs.current.target.skills)} skills practised" in panel.headline.text()
    never = row.readiness.never_asked
    assert never and panel.never_label.text() == "Never asked yet: " + ", ".join(never)
    # Gaps: never asked, then weak; the skill graded 90 is not one.
    assert strong.skill not in row.gaps and weak.skill in row.gaps
    assert panel.gaps_button.isEnabled()

    qtbot.mouseClick(panel.gaps_button, CLICK)
    qtbot.waitUntil(lambda: app.controller.answering, timeout=10_000)
    assert app.window.stack.currentWidget() is app.window.interview
    gap_plan = jobs.current.prepared.plan
    assert set(gap_plan.skills) == set(row.gaps)
    assert strong.id not in [q.id for q in gap_plan.questions]
    assert gap_plan.questions[0].skill in row.gaps
    engine = app.controller.engine
    assert engine is not None
    assert [r.question.id for r in engine.records] == [q.id for q in gap_plan.questions]
    newest = store.list_sessions()[0]
    assert store.load_session(newest.id).plan.options["target_id"] == tid


def test_feedback_shows_the_difficulty_path_of_an_adaptive_job_interview(qtbot: QtBot) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "nlp-llm-engineer.txt")
    jobs.count.setValue(2)
    plan(qtbot, app)
    assert jobs.current is not None and len(jobs.current.prepared.plan.questions) == 2
    assert jobs.plan_count.value() == 2
    app.window.home.adaptive.setChecked(True)
    assert jobs.adaptive.isChecked()  # the home screen's choice applies to job plans
    assert app.window.home.choices().adaptive  # and is remembered with the home choices
    options = app.window.home.options()
    assert options is not None and options.adaptive
    qtbot.mouseClick(jobs.start_button, CLICK)
    view = app.window.interview
    while True:
        qtbot.waitUntil(
            lambda: app.controller.answering or not app.controller.in_interview, timeout=10_000
        )
        if not app.controller.in_interview:
            break
        view.answer.setPlainText(
            "I would start from a labelled evaluation set, measure precision and recall, "
            "compare against a simple baseline, and monitor the model in production."
        )
        view.submit_action.trigger()
    qtbot.waitUntil(lambda: app.controller.results is not None, timeout=10_000)
    report = app.controller.results.report  # type: ignore[union-attr]
    assert report is not None and report.adaptive and len(report.difficulty_path) == 2
    # The finished page (after any "grades still arriving" page) says the path.
    qtbot.waitUntil(lambda: app.window.feedback.difficulty_label is not None, timeout=10_000)
    label = app.window.feedback.difficulty_label
    assert label is not None
    assert label.text().startswith("Difficulty path: " + " → ".join(report.difficulty_path))
    # Not shown for an interview that did not adapt.
    app.window.feedback.difficulty_path = ""
    app.window.feedback.show_results([], report.summary, {})
    assert app.window.feedback.difficulty_label is None


def test_several_targets_coexist_and_one_can_be_deleted(qtbot: QtBot) -> None:
    app = offline_app(qtbot)
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "recsys-mle.md")
    plan(qtbot, app)
    qtbot.mouseClick(jobs.new_button, CLICK)
    assert jobs.pages.currentIndex() == 0 and jobs.current is None
    open_posting(qtbot, app, DATA / "mlops-platform.md")
    plan(qtbot, app)
    assert jobs.target_list.count() == 2
    titles = [t.title for t in list_targets(app.controller.store)]
    assert len(set(titles)) == 2
    # Picking the other target shows its own plan.
    assert jobs.current is not None
    other = next(i for i in range(2) if jobs.targets[i].id != jobs.current.target.id)
    jobs.target_list.setCurrentRow(other)
    settle(qtbot)
    assert jobs.current.target.id == jobs.targets[other].id
    assert jobs.title_edit.text() == jobs.targets[other].title
    # Delete asks first; No keeps it, Yes forgets it.
    app.confirm.answers = [False, True]
    qtbot.mouseClick(jobs.delete_button, CLICK)
    settle(qtbot)
    assert len(list_targets(app.controller.store)) == 2
    gone = jobs.targets[other].id
    qtbot.mouseClick(jobs.delete_button, CLICK)
    settle(qtbot)
    assert app.confirm.asked == ["Delete target", "Delete target"]
    assert gone not in [t.id for t in list_targets(app.controller.store)]
    assert len(list_targets(app.controller.store)) == 1
    assert jobs.target_list.count() == 1 and jobs.pages.currentIndex() == 0


def test_a_generated_question_is_marked_in_the_interview_and_the_feedback(qtbot: QtBot) -> None:
    from interviewer.gui.screenshots import demo_backend

    backend = demo_backend()
    backend.enqueue_structured(extraction(), GeneratedSet(questions=[draft()]))
    app = make_app(qtbot, backend=backend, library=load_library())
    jobs = app.window.jobs
    open_jobs(qtbot, app)
    open_posting(qtbot, app, DATA / "nlp-llm-engineer.txt")
    jobs.count.setValue(2)
    plan(qtbot, app)
    assert jobs.current is not None
    first = jobs.current.prepared.plan.questions[0]
    assert first.generated
    qtbot.mouseClick(jobs.start_button, CLICK)
    qtbot.waitUntil(lambda: app.controller.answering, timeout=10_000)
    view = app.window.interview
    asked = [b for b in view.transcript.bubbles if first.text in b.text]
    assert asked and asked[0].caption.text() == "Interviewer · written for this job"
    while app.controller.in_interview:
        qtbot.waitUntil(
            lambda: app.controller.answering or not app.controller.in_interview, timeout=10_000
        )
        if not app.controller.in_interview:
            break
        view.answer.setPlainText("I split contracts on clauses and measured recall at k.")
        view.submit_action.trigger()
    qtbot.waitUntil(lambda: app.window.stack.currentWidget() is app.window.feedback)
    feedback = app.window.feedback
    feedback.finish_pending()
    marked = [
        any("written for this job" in label.text() for label in c.findChildren(QLabel))
        for c in feedback.cards
    ]
    assert marked[0] and not any(marked[1:])
