"""Screenshots of practising for a job (issue 17), rendered like the others
(gui/screenshots.py): a real window, the scripted demo backend standing in for a model
(labelled as such), the offline coach grading, a frozen clock.

`render_jobs` writes job.png (a posting and a CV opened), job-plan.png (the skills to
correct and the plan, with one question the stand-in model wrote for the CV) and
job-readiness.png (the progress screen's readiness for that job after one interview).
The posting and the CV are short demo texts written to a temporary folder and opened
the way a candidate opens them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from interviewer.core.content import ContentLibrary
from interviewer.core.errors import InterviewerError
from interviewer.core.jobs import (
    GeneratedDraft,
    GeneratedKeyPoint,
    GeneratedSet,
    ModelExtraction,
)
from interviewer.gui.screenshots import answer_for, demo_backend, follow_up_answer
from interviewer.gui.shots_common import SIZE, open_stage, settle, temporary_home, wait_until
from interviewer.gui.workers import running_ops
from interviewer.storage.content_files import load_library

#: Questions in the demo plan (a short interview keeps the run quick).
QUESTIONS = 4

DEMO_POSTING = """# Senior Machine Learning Engineer, Recommendations

**Team:** Discovery · **Location:** Remote (EU)

We are looking for a senior machine learning engineer to lead our recommender system,
from candidate generation to the final ranking model.

## What you will do
- Ship recommendation models end to end: two-tower retrieval, a learning to rank model
  for the feed, and re-ranking for diversity.
- Turn implicit feedback into training data and fight the cold start problem.
- Own offline evaluation (NDCG, recall at k) and run A/B testing with product.
- Keep models healthy in production with monitoring of drift and data quality.
- Take part in ML system design reviews and mentor two engineers.

## What we look for
- 5+ years building machine learning systems; collaborative filtering and matrix
  factorization as well as deep models; Python and PyTorch; SQL and Spark.
- You explain trade-offs clearly to product managers and other stakeholders.
"""

DEMO_CV = """# Maria Lindqvist
Machine learning engineer · Stockholm

## Experience
**ML Engineer, ShopNorth (2021-now)**
- Built the product recommendation pipeline: implicit-feedback matrix factorization for
  candidates and a gradient boosting ranker behind a REST API.
- Ran A/B tests with the product team; the new ranker raised add-to-cart rate by 4%.

## Projects
- Recipe recommender: a two-tower retrieval model trained on a public recipe dataset.
"""


def _extraction() -> ModelExtraction:
    return ModelExtraction(
        title="Senior Machine Learning Engineer, Recommendations",
        skills=[
            "recommendation systems",
            "ranking",
            "candidate retrieval",
            "collaborative filtering",
            "a/b testing",
            "evaluation metrics",
            "monitoring",
            "system design",
            "stakeholders",
        ],
        seniority="senior",
        domain="recsys",
        ml_content=True,
        cv_projects=["Recipe recommender: a two-tower retrieval model"],
    )


def _generated() -> GeneratedSet:
    return GeneratedSet(
        questions=[
            GeneratedDraft(
                skill="candidate retrieval",
                about="the CV project 'Recipe recommender'",
                category="technical",
                difficulty="medium",
                text="Your CV mentions a two-tower recipe recommender. How did you choose "
                "the negatives to train it on, and how did you check that retrieval, not "
                "the ranker, was the bottleneck?",
                topics=["candidate retrieval", "recommendation systems"],
                key_points=[
                    GeneratedKeyPoint(
                        text="In-batch negatives plus some hard negatives; random ones "
                        "alone make the task too easy.",
                        terms=["in-batch", "hard negative", "random negative"],
                    ),
                    GeneratedKeyPoint(
                        text="Recall at k of the retrieval stage, measured on held-out "
                        "interactions, shows what the ranker never sees.",
                        terms=["recall at k", "held-out", "retrieval stage"],
                    ),
                ],
                follow_ups=[
                    "What would you change for a brand-new recipe nobody has cooked yet?",
                    "How would you know retrieval got worse after a change?",
                ],
                strong_answer=["Mix in-batch and hard negatives", "Measure recall at k"],
            )
        ]
    )


def _idle() -> None:
    """Wait for the background jobs (reading files, planning, saving) to finish."""
    wait_until(lambda: running_ops() == 0, 30.0)


def render_jobs(
    out_dir: Path, library: ContentLibrary | None = None, size: tuple[int, int] = SIZE
) -> list[Path]:
    """Write job.png, job-plan.png and job-readiness.png into out_dir."""
    library = library or load_library()
    backend = demo_backend()
    backend.enqueue_structured(_extraction(), _generated())
    with temporary_home() as home, open_stage(out_dir, library, backend, home, size=size) as stage:
        window, controller, clock = stage.window, stage.controller, stage.clock
        posting_file = home / "senior-mle-recommendations.md"
        posting_file.write_text(DEMO_POSTING, encoding="utf-8")
        cv_file = home / "maria-cv.md"
        cv_file.write_text(DEMO_CV, encoding="utf-8")

        _idle()
        jobs = window.jobs
        window.show_jobs()
        _idle()
        jobs.load_file("posting", str(posting_file))
        _idle()
        jobs.load_file("cv", str(cv_file))
        _idle()
        jobs.count.setValue(QUESTIONS)
        stage.shot("job")

        jobs.plan_button.click()
        _idle()
        if jobs.current is None:
            raise InterviewerError(f"The demo posting was not planned: {jobs.error_label.text()}")
        stage.shot("job-plan")

        jobs.start_button.click()
        while controller.in_interview:
            wait_until(lambda: controller.answering or not controller.in_interview, 30.0)
            if not controller.in_interview:
                break
            engine = controller.engine
            assert engine is not None
            rec = engine.current
            assert rec is not None
            clock.advance(75)
            last = rec.turns[-1]
            text = (
                follow_up_answer(rec.question, last.text)
                if last.kind == "follow_up"
                else answer_for(rec.question, short=engine.index == 1)
            )
            window.interview.answer.setPlainText(text)
            window.interview.submit_action.trigger()
        wait_until(lambda: controller.results is not None, 30.0)

        window.show_progress()
        _idle()
        panel = window.progress.readiness
        area = window.progress.scroll_area
        page = area.widget()
        if page is not None:
            settle(window)
            top = panel.mapTo(page, panel.rect().topLeft()).y()
            area.verticalScrollBar().setValue(max(0, top - 12))
        stage.shot("job-readiness")
    return stage.written


__all__ = ["render_jobs"]


if __name__ == "__main__":  # pragma: no cover - a convenience for designers
    import sys

    for p in render_jobs(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")):
        print(p)
    QApplication.quit()
