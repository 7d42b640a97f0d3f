"""Voice delivery in every report format and on the feedback screen: the measures of a
spoken answer are shown beside the typed-answer figures, the JSON fields are in the
committed schema and documented, and reports from before spoken answers still load."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.core.engine import InterviewEngine, NeedAnswer, NeedTurn
from interviewer.core.grading import grade_answer
from interviewer.core.report import Report, build_report
from interviewer.core.voice_delivery import voice_delivery
from interviewer.export import write_report
from interviewer.export.json_export import SCHEMA_PATH, from_json
from interviewer.export.view import build_view
from interviewer.llm.offline import OfflineCoach
from interviewer.voice.base import Word
from tests.factories import question, rubric, track

ANSWER = (
    "Um, bias is error from wrong assumptions, so a model underfits. Variance is "
    "sensitivity to the sample, so it overfits. Uh, you know, regularisation trades them."
)
# What the voice facts say for this answer (see `spoken_report`).
SHOWN = (
    "Speaking rate",
    "Long pauses",
    "1 (4 s at 0:06, after “underfits”)",
    "Time to first word",
    "2.5 s",
    "Spoken fillers",
    "“um” ×1",
    "Talk time",
)


def words() -> list[Word]:
    out, t = [], 2.5
    for w in ANSWER.split():
        out.append(Word(w, round(t, 2), round(t + 0.3, 2)))
        t += 0.3 + (4.0 if w == "underfits." else 0.0)
    return out


def spoken_report(audio: str | None = "q1-0.wav") -> Report:
    return build_report(
        spoken_engine(audio),
        backend="offline",
        backend_label="Offline coach",
        started_at="2026-01-01T10:00:00+00:00",
        ended_at="2026-01-01T10:05:00+00:00",
        session_id="voice1",
    )


def spoken_engine(audio: str | None = "q1-0.wav") -> InterviewEngine:
    """One question answered aloud (recording `audio`) and graded by the offline coach."""
    clock = [1000.0]
    eng = InterviewEngine(
        track(limit=0, count=1), [question("q1")], {"technical": rubric()}, clock=lambda: clock[0]
    )
    eng.start()
    assert isinstance(eng.need(), NeedTurn)
    eng.on_interviewer_text("Explain the bias-variance trade-off.")
    assert isinstance(eng.need(), NeedAnswer)
    clock[0] += 40
    voice = voice_delivery(words(), suggested_seconds=120, recording_seconds=20)
    eng.submit_answer(ANSWER, audio=audio, voice=voice)
    eng.on_interviewer_text("Thanks.")
    for req in eng.take_grading_requests():
        eng.on_grade(req.request_id, grade_answer(OfflineCoach(), req))
    return eng


@pytest.fixture(scope="module")
def report() -> Report:
    return spoken_report()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_grade_and_the_turn_carry_the_voice(report: Report) -> None:
    (q,) = report.questions
    assert q.grade is not None and q.grade.delivery is not None
    v = q.grade.delivery.voice
    assert v is not None and v.fillers == 3 and len(v.long_pauses) == 1
    answer = next(t for t in q.turns if t.role == "candidate")
    assert answer.audio == "q1-0.wav" and answer.voice is not None


def test_the_view_lists_voice_facts_after_the_typed_ones(report: Report) -> None:
    (qv,) = build_view(report).questions
    labels = [f.label for f in qv.delivery]
    assert labels[:2] == ["Words", "Time"]
    assert labels.index("Speaking rate") > labels.index("Hedges")
    # The voice's rate and fillers stand in for the ones guessed from the answer clock.
    assert "Pace" not in labels and "Filler words" not in labels
    text = " ".join(f"{f.label} {f.value}" for f in qv.delivery)
    for phrase in SHOWN:
        assert phrase in text, phrase
    assert any("long pause" in n for n in qv.delivery_notes)


@pytest.mark.parametrize("ext", [".md", ".html"])
def test_markdown_and_html_show_the_voice(report: Report, tmp_path: Path, ext: str) -> None:
    text = write_report(report, tmp_path / f"r{ext}").read_text(encoding="utf-8")
    if ext == ".html":
        text = text.replace("&#8220;", "“").replace("&#8221;", "”")
    for phrase in SHOWN:
        assert phrase in text, (ext, phrase)
    assert "1 long pause (4 s, after “underfits”)" in text
    assert "40 s · 26 words · spoken" in text  # the line under the answer


def test_json_holds_the_voice_and_reads_back(report: Report, tmp_path: Path) -> None:
    path = write_report(report, tmp_path / "r.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    voice = data["questions"][0]["grade"]["delivery"]["voice"]
    assert voice["long_pauses"] == [{"start": 5.8, "seconds": 4.0, "after_word": "underfits"}]
    assert voice["time_to_first_word_seconds"] == 2.5
    assert voice["filler_counts"]["um"] == 1
    answer = data["questions"][0]["turns"][1]
    assert answer["audio"] == "q1-0.wav" and answer["voice"]["fillers"] == voice["fillers"]
    assert from_json(path.read_text(encoding="utf-8")) == report


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_pdf_shows_the_voice(report: Report, tmp_path: Path) -> None:
    pdf = write_report(report, tmp_path / "r.pdf")
    text = flat(
        subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    for phrase in ("Speaking rate", "Long pauses", "Time to first word", "Spoken fillers"):
        assert phrase in text, phrase
    assert "after “underfits”" in text


def test_schema_and_doc_describe_the_voice_fields() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    voice = schema["$defs"]["VoiceDelivery"]["properties"]
    for field in (
        "speaking_rate_wpm",
        "long_pauses",
        "time_to_first_word_seconds",
        "fillers",
        "filler_counts",
        "speech_seconds",
        "talk_seconds",
        "suggested_seconds",
    ):
        assert field in voice, field
    assert set(schema["$defs"]["LongPause"]["properties"]) == {"start", "seconds", "after_word"}
    assert "voice" in schema["$defs"]["DeliveryMetrics"]["properties"]
    assert {"audio", "voice"} <= set(schema["$defs"]["Turn"]["properties"])
    doc = (Path(__file__).parents[1] / "docs" / "report-schema.md").read_text(encoding="utf-8")
    for field in ("speaking_rate_wpm", "long_pauses", "time_to_first_word_seconds", "audio"):
        assert f"`{field}`" in doc, field


def test_a_report_from_before_spoken_answers_loads_and_shows_no_voice(
    report: Report, tmp_path: Path
) -> None:
    data = json.loads(report.model_dump_json())
    for q in data["questions"]:
        q["grade"]["delivery"].pop("voice")
        for t in q["turns"]:
            t.pop("audio")
            t.pop("voice")
    old = from_json(json.dumps(data))
    assert old.questions[0].grade is not None
    assert old.questions[0].grade.delivery is not None
    assert old.questions[0].grade.delivery.voice is None
    md = write_report(old, tmp_path / "old.md").read_text(encoding="utf-8")
    assert "Filler words" in md and "Pace" in md
    assert "Speaking rate" not in md and "Long pauses" not in md


def test_a_spoken_answer_left_ungraded_still_shows_its_voice(report: Report) -> None:
    q = report.questions[0].model_copy(update={"grade": None, "grade_error": "model failed"})
    (qv,) = build_view(report.model_copy(update={"questions": [q]})).questions
    assert "Speaking rate" in [f.label for f in qv.delivery]


# --------------------------------------------------------------------------- the window


def test_feedback_screen_shows_the_voice_and_a_replay_button(qtbot: QtBot, tmp_path: Path) -> None:
    from interviewer.core.summary import summarize
    from interviewer.gui.feedback import FeedbackView
    from interviewer.gui.replay import PLAY, ReplayButton

    eng = spoken_engine()
    recording = tmp_path / "q1-0.wav"
    recording.write_bytes(b"RIFF")  # never played here: there is no sound card on CI
    view = FeedbackView()
    qtbot.addWidget(view)
    view.audio_dir = tmp_path
    view.show_results(eng.records, summarize(eng.records), eng.rubrics)
    (card,) = view.cards
    facts = {f.label: f.value for f in card.delivery_facts}
    assert facts["Long pauses"] == "1 (4 s at 0:06, after “underfits”)"
    assert facts["Time to first word"] == "2.5 s"
    assert "Words" in facts and "Hedges" in facts  # beside the typed-answer figures
    (box,) = card.answers
    assert isinstance(box.replay, ReplayButton)
    assert box.replay.path == recording and box.replay.text() == PLAY
    assert box.replay.accessibleName() == "Play the recording of this answer"
    assert card.findChildren(ReplayButton) == [box.replay]


def test_no_replay_button_without_the_file(qtbot: QtBot, tmp_path: Path) -> None:
    from interviewer.core.summary import summarize
    from interviewer.gui.feedback import FeedbackView

    for audio, folder in (("q1-0.wav", tmp_path), (None, tmp_path), ("q1-0.wav", None)):
        eng = spoken_engine(audio)
        view = FeedbackView()
        qtbot.addWidget(view)
        view.audio_dir = folder
        view.show_results(eng.records, summarize(eng.records), eng.rubrics)
        (box,) = view.cards[0].answers
        assert box.replay is None  # recording deleted, typed answer, or no session folder


def test_replay_where_audio_cannot_play_says_why(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Speakers there, but Qt's media plugin did not load (a system library missing):
    the player is "Not available" and would play nothing, without an error."""
    from interviewer.gui import replay

    recording = tmp_path / "answer.wav"
    recording.write_bytes(b"RIFF")

    class Unplayable:
        played = False

        def isAvailable(self) -> bool:
            return False

        def play(self) -> None:
            self.played = True

    stub = Unplayable()
    monkeypatch.setattr(replay, "has_audio_output", lambda: True)
    monkeypatch.setattr(replay.ReplayButton, "_ensure_player", lambda self: stub)
    button = replay.ReplayButton(recording)
    qtbot.addWidget(button)
    with qtbot.waitSignal(button.problem) as said:
        button.click()
    assert "media plugin did not load" in said.args[0] and "interviewer.syslibs" in said.args[0]
    assert str(recording) in said.args[0] and str(recording) in button.toolTip()
    assert button.text() == replay.PLAY and not stub.played


def test_replay_of_a_deleted_recording_says_so(qtbot: QtBot, tmp_path: Path) -> None:
    from interviewer.gui.replay import PLAY, ReplayButton

    button = ReplayButton(tmp_path / "gone.wav")
    qtbot.addWidget(button)
    with qtbot.waitSignal(button.problem) as said:
        button.click()
    assert "gone.wav is no longer there" in said.args[0]
    assert button.text() == PLAY and button._player is None  # no audio device opened
