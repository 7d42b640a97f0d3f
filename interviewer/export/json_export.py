"""The report as JSON, for other tools, plus its JSON Schema (draft 2020-12).

The JSON is the `Report` model itself, so it holds everything the other formats show
and reads back into a `Report` with `from_json`. The schema is generated from the same
model and committed as `report.schema.json`; a test fails when the two drift apart, so
the file never describes a format we no longer write. Regenerate it with
`python -c "from interviewer.export.json_export import write_schema; write_schema()"`.
Field meanings: docs/report-schema.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from interviewer.core.errors import InterviewerError
from interviewer.core.report import REPORT_SCHEMA_VERSION, Report
from interviewer.textsafety import json_text

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def to_json(report: Report) -> str:
    """The report's JSON. Control and bidi characters stay in the data but never raw in
    the file: JSON escapes C0 itself, and `json_text` escapes DEL, C1 and bidi as well."""
    return json_text(report.model_dump_json(indent=2)) + "\n"


def from_json(text: str) -> Report:
    """Read a report back; a newer schema than this version knows is refused by name."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise InterviewerError(f"Not a JSON report: {err}") from err
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if isinstance(version, int) and version > REPORT_SCHEMA_VERSION:
        raise InterviewerError(
            f"This report uses schema version {version}; this version of Interviewer "
            f"reads up to {REPORT_SCHEMA_VERSION}. Update Interviewer to open it."
        )
    try:
        return Report.model_validate(raw)
    except ValidationError as err:
        raise InterviewerError(f"Not a valid Interviewer report: {err}") from err


def report_schema() -> dict[str, Any]:
    """The JSON Schema of the report, exactly as the committed file should hold it."""
    schema = Report.model_json_schema()
    return {
        "$schema": DRAFT,
        **schema,
        "title": "Interviewer report",
        "description": (
            f"One mock interview and its feedback, schema version {REPORT_SCHEMA_VERSION}. "
            "Field meanings: docs/report-schema.md."
        ),
    }


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema() -> Path:
    """Rewrite the committed schema file from the model (after changing the model)."""
    SCHEMA_PATH.write_text(schema_text(), encoding="utf-8")
    return SCHEMA_PATH
