"""The wheel carries the content folders and tokenizer data (a non-editable install works)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_content_and_tokenizer_data(tmp_path: Path) -> None:
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    (wheel,) = tmp_path.glob("interviewer-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "interviewer/content/prompts/grade.md.j2",
        "interviewer/content/rubrics/behavioral.toml",
        "interviewer/content/tracks/ml-full-loop.toml",
        "interviewer/content/tracks/questions/technical.toml",
        "interviewer/data/o200k_base.tiktoken.gz",
        "interviewer/export/report.schema.json",
    }
    assert expected <= names, sorted(expected - names)
    for folder in ("prompts", "rubrics", "tracks", "tracks/questions"):
        shipped = {p.name for p in (ROOT / folder).iterdir() if p.is_file()}
        packed = {
            Path(n).name
            for n in names
            if n.startswith(f"interviewer/content/{folder}/")
            and n.count("/") == folder.count("/") + 3
        }
        assert shipped <= packed, f"{folder}: {sorted(shipped - packed)} not in the wheel"
