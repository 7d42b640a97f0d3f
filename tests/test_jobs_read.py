"""Reading postings and CVs (interviewer/jobfiles.py): text, Markdown, PDF through QtPdf,
DOCX through the standard library, and a named error for every bad file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from interviewer.core.jobs import MAX_TEXT_CHARS, JobError
from interviewer.jobfiles import JobFileError, check_text, read_document

DATA = Path(__file__).parent / "data" / "jobs"
POSTING = DATA / "recsys-mle.md"

_DOCX_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    """A minimal Word document: what Word writes, trimmed to the parts we read."""
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(p)}</w:t></w:r></w:p>' for p in paragraphs
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{_DOCX_NS}"><w:body>{body}</w:body></w:document>'
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", xml)
    return path


def make_pdf(path: Path, pages: list[str], *, image_only: bool = False) -> Path:
    """A PDF written by Qt: text pages, or one page holding only a picture (a scan)."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPdfWriter

    writer = QPdfWriter(str(path))
    painter = QPainter(writer)
    try:
        for i, text in enumerate(pages):
            if i:
                writer.newPage()
            if image_only:
                img = QImage(400, 200, QImage.Format.Format_RGB32)
                img.fill(QColor("white"))
                p2 = QPainter(img)
                p2.drawText(10, 100, text)  # text drawn into pixels: no text layer
                p2.end()
                painter.drawImage(QRect(0, 0, 4000, 2000), img)
            else:
                page = QRect(0, 0, writer.width(), writer.height())
                painter.drawText(page, int(Qt.TextFlag.TextWordWrap), text)
    finally:
        painter.end()
    return path


def test_plain_text_and_markdown_are_read_tidily(tmp_path: Path) -> None:
    text = read_document(POSTING)
    assert text.startswith("# Senior Machine Learning Engineer, Recommendations")
    assert "two-tower retrieval" in text
    crlf = tmp_path / "posting.txt"
    crlf.write_bytes(b"\xef\xbb\xbfML Engineer\r\n\r\n\r\n\r\nPyTorch  \r\n")
    assert read_document(crlf) == "ML Engineer\n\nPyTorch"


def test_docx_text_comes_from_the_document_xml(tmp_path: Path) -> None:
    lines = POSTING.read_text(encoding="utf-8").splitlines()
    doc = make_docx(tmp_path / "posting.docx", lines)
    text = read_document(doc)
    assert "Senior Machine Learning Engineer, Recommendations" in text
    assert "collaborative filtering and matrix" in text
    assert text.count("\n") >= 20  # one line per paragraph


def test_pdf_text_comes_from_qtpdf(qapp: object, tmp_path: Path) -> None:
    pdf = make_pdf(
        tmp_path / "posting.pdf",
        ["Senior Machine Learning Engineer, Recommendations", "PyTorch and learning to rank"],
    )
    text = read_document(pdf)
    assert "Senior Machine Learning Engineer" in text
    assert "learning to rank" in text


def test_scanned_pdf_without_text_layer_is_named(qapp: object, tmp_path: Path) -> None:
    pdf = make_pdf(tmp_path / "scan.pdf", ["Senior ML Engineer"], image_only=True)
    with pytest.raises(JobFileError, match=r"scan\.pdf: has no text layer"):
        read_document(pdf)


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.md", b"  \n\n\t\n", "is empty"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "is damaged or not a PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip at all", "is damaged or not a DOCX"),
        ("binary.txt", b"\x00\x01\x02\x03binary", "not a text file"),
        ("posting.rtf", b"{\\rtf1 hello}", "Rich Text (.rtf) files are not supported"),
        ("posting.key", b"keynote", "unknown file type '.key'"),
    ],
)
def test_bad_files_give_errors_that_name_them(
    tmp_path: Path, name: str, data: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(JobFileError) as info:
        read_document(path, "job posting")
    assert str(info.value).startswith(f"{path}: ")
    assert problem in str(info.value)
    assert isinstance(info.value, JobError)


def test_docx_without_document_part_is_named(tmp_path: Path) -> None:
    path = tmp_path / "other.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(JobFileError, match=r"other\.docx: is not a Word document"):
        read_document(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(JobFileError, match=r"nope\.md: no such CV"):
        read_document(tmp_path / "nope.md", "CV")
    with pytest.raises(JobFileError, match="is a folder"):
        read_document(tmp_path, "CV")


def test_over_one_megabyte_of_text_is_refused(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    huge.write_text("machine learning " * (MAX_TEXT_CHARS // 17 + 10), encoding="utf-8")
    with pytest.raises(JobFileError, match=r"huge\.txt: holds [\d,]+ characters of text, over"):
        read_document(huge)
    # Exactly at the limit is fine.
    assert check_text("a" * MAX_TEXT_CHARS, "pasted") == "a" * MAX_TEXT_CHARS
    with pytest.raises(JobFileError, match=r"^pasted: holds"):
        check_text("a" * (MAX_TEXT_CHARS + 1), "pasted")


def test_huge_docx_text_is_refused_too(tmp_path: Path) -> None:
    doc = make_docx(tmp_path / "huge.docx", ["ranking models " * 1000] * 70)
    with pytest.raises(JobFileError, match=r"huge\.docx: holds"):
        read_document(doc)


def test_the_same_posting_as_pdf_docx_and_markdown_gives_the_same_skills(
    qapp: object, tmp_path: Path
) -> None:
    from interviewer.core.jobs import SkillVocabulary, extract_profile
    from interviewer.storage.content_files import load_library

    vocab = SkillVocabulary(load_library().questions.values())
    md = read_document(POSTING)
    lines = [ln for ln in POSTING.read_text(encoding="utf-8").splitlines() if ln.strip()]
    pages = ["\n".join(lines[i : i + 8]) for i in range(0, len(lines), 8)]
    pdf = read_document(make_pdf(tmp_path / "posting.pdf", pages))
    assert "Nice to have: contextual bandits" in pdf  # the last line: nothing cut off
    docx = read_document(make_docx(tmp_path / "posting.docx", lines))
    want = extract_profile(md, vocab)
    for text in (pdf, docx):
        got = extract_profile(text, vocab)
        assert (got.seniority, got.domain) == (want.seniority, want.domain)
        assert set(got.skills) == set(want.skills)
