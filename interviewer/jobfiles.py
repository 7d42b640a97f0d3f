"""Read a job posting or a CV from a file: plain text, Markdown, HTML, PDF or DOCX.

The I/O half of job targets (core/jobs.py is the pure half). PDF text comes from Qt's own
QtPdf (`QPdfDocument`, which needs no window and no application object); DOCX is a zip
holding `word/document.xml`, read with the standard library (paragraphs are `w:p`, text
runs `w:t`, tabs and breaks `w:tab`/`w:br`), so no new dependency. Every problem is a
`JobFileError` naming the file: empty, over `MAX_TEXT_CHARS` of text, a scanned PDF with
no text layer, a file that cannot be read or is damaged, or a type we do not read.

This module sits outside storage because QtPdf is Qt, which storage and llm never import.
"""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree as ET

from interviewer.core.jobs import MAX_TEXT_CHARS, JobError

#: Suffixes read as text.
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text", "")
#: Suffixes of a web page saved from the browser: its visible text is read.
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
#: Documents we do not read, with a name the message can use.
WORD_PROCESSOR_SUFFIXES = {
    ".doc": "Word 97-2003 (.doc)",
    ".odt": "OpenDocument (.odt)",
    ".rtf": "Rich Text (.rtf)",
    ".pages": "Apple Pages",
    ".wpd": "WordPerfect",
}
#: Largest file read at all (bytes): a PDF or DOCX is bigger than its text, but not this.
MAX_FILE_BYTES = 50_000_000
#: A zip member larger than this unpacked is not a CV (a zip bomb or a mistake).
MAX_XML_BYTES = 20_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class JobFileError(JobError):
    """A posting or CV file that cannot be used; the message names it and says why."""

    def __init__(self, path: Path | str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{path}: {problem}")


def read_document(path: Path | str, what: str = "file") -> str:
    """The text of the posting or CV at `path` (whitespace tidied), or JobFileError."""
    p = Path(path)
    suffix = p.suffix.lower()
    try:
        size = p.stat().st_size
    except FileNotFoundError:
        raise JobFileError(p, f"no such {what}") from None
    except OSError as exc:
        raise JobFileError(p, f"cannot be read ({exc.strerror or exc})") from None
    if p.is_dir():
        raise JobFileError(p, f"is a folder, not a {what}")
    if size > MAX_FILE_BYTES:
        raise JobFileError(p, f"is {size:,} bytes; a {what} over 50 MB is not read")
    if suffix == ".pdf":
        text = _read_pdf(p)
    elif suffix == ".docx":
        text = _read_docx(p)
    elif suffix in HTML_SUFFIXES:
        text = html_text(_read_text(p))
    elif suffix in TEXT_SUFFIXES:
        text = _read_text(p)
    elif suffix in WORD_PROCESSOR_SUFFIXES:
        raise JobFileError(
            p,
            f"cannot be read: {WORD_PROCESSOR_SUFFIXES[suffix]} files are not supported; "
            "save it as PDF or DOCX from the program that made it (File > Save as), or "
            "paste its text",
        )
    else:
        raise JobFileError(
            p,
            f"unknown file type {suffix!r}: open a plain text, Markdown (.md), HTML, PDF or "
            "DOCX file",
        )
    return check_text(text, p, what)


def check_text(text: str, source: Path | str, what: str = "file") -> str:
    """Tidy pasted or read text and refuse an empty or huge one, naming `source`."""
    if len(text) > MAX_TEXT_CHARS:
        raise JobFileError(
            source,
            f"holds {len(text):,} characters of text, over the limit of "
            f"{MAX_TEXT_CHARS:,} (1 MB); paste only the {what} itself",
        )
    tidy = tidy_text(text)
    if not tidy:
        raise JobFileError(source, f"is empty: there is no text in this {what}")
    return tidy


def tidy_text(text: str) -> str:
    """Strip control characters, trailing spaces and runs of blank lines."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = re.sub(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f]", " ", text)
    lines = [ln.rstrip() for ln in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _VisibleText(HTMLParser):
    """The text a browser shows (and the page's title), one block element a line."""

    HIDDEN = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header",
         "footer", "nav", "h1", "h2", "h3", "h4", "h5", "h6", "title", "dd", "dt", "pre",
         "blockquote", "hr"}
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in self.HIDDEN:
            self._hidden.append(tag)
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in self.HIDDEN and tag in self._hidden:
            while self._hidden and self._hidden.pop() != tag:
                pass
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self._in_title or not self._hidden:
            self.parts.append(data)


def html_text(markup: str) -> str:
    """The visible text of an HTML page (scripts, styles and the head left out, except
    its title, which comes first)."""
    parser = _VisibleText()
    parser.feed(markup)
    parser.close()
    lines = (re.sub(r"[ \t\xa0]+", " ", ln).strip() for ln in "".join(parser.parts).split("\n"))
    return "\n".join(ln for ln in lines if ln)


def _read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as exc:
        raise JobFileError(p, f"cannot be read ({exc.strerror or exc})") from None


def _read_text(p: Path) -> str:
    data = _read_bytes(p)
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise JobFileError(p, "is not a text file (it holds binary data)")
    for encoding in (
        ("utf-8-sig", "utf-16") if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig",)
    ):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("cp1252", errors="replace")


def _read_docx(p: Path) -> str:
    try:
        with zipfile.ZipFile(p) as zf:
            try:
                info = zf.getinfo("word/document.xml")
            except KeyError:
                raise JobFileError(p, "is not a Word document (no word/document.xml)") from None
            if info.file_size > MAX_XML_BYTES:
                raise JobFileError(p, "is too large to read (its text part is over 20 MB)")
            xml = zf.read(info)
    except zipfile.BadZipFile:
        raise JobFileError(p, "is damaged or not a DOCX file (not a valid zip archive)") from None
    except OSError as exc:
        raise JobFileError(p, f"cannot be read ({exc.strerror or exc})") from None
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise JobFileError(p, f"is damaged (its document XML cannot be parsed: {exc})") from None
    paragraphs: list[str] = []
    for para in root.iter(f"{_W}p"):
        parts: list[str] = []
        for node in para.iter():
            if node.tag == f"{_W}t" and node.text:
                parts.append(node.text)
            elif node.tag == f"{_W}tab":
                parts.append("\t")
            elif node.tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
        paragraphs.append("".join(parts))
    return "\n".join(paragraphs)


def _read_pdf(p: Path) -> str:
    from PySide6.QtPdf import QPdfDocument

    doc = QPdfDocument()
    try:
        err = doc.load(str(p))
        if err != QPdfDocument.Error.None_:
            name = getattr(err, "name", str(err))
            why = {
                "FileNotFound": "no such file",
                "InvalidFileFormat": "is damaged or not a PDF",
                "IncorrectPassword": "is password-protected",
                "UnsupportedSecurityScheme": "is encrypted in a way that cannot be read",
                "DataNotYetAvailable": "could not be read completely",
            }.get(name, f"cannot be read ({name})")
            raise JobFileError(p, why)
        pages = [doc.getAllText(i).text() for i in range(doc.pageCount())]
    finally:
        doc.close()
    text = "\n".join(pages)
    if not text.strip():
        raise JobFileError(
            p,
            "has no text layer (a scanned PDF?): there is no text to read. Paste the text, "
            "or save the posting from its web page as text or PDF with text",
        )
    return text
