"""A small Python editor for the coding round: monospace, highlighted, numbered lines.

`CodeEditor` is a QPlainTextEdit with the few things writing a function needs and
nothing an IDE would add: Python syntax highlighting (`PythonHighlighter`), a gutter of
line numbers, Enter keeping the line's indent (four more after a line ending in ':'),
Tab and Shift+Tab indenting and dedenting by four spaces (the selected lines, or the
cursor's), Backspace in leading spaces going back to the previous multiple of four.
Ctrl+Tab leaves the editor, since Tab itself indents.

Colours come from the palette's lightness (`style.is_dark`), one set for light windows
and one for dark, and are recomputed when the system switches.
"""

from __future__ import annotations

import builtins
import keyword
import re

from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QWheelEvent,
)
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from interviewer.gui.style import is_dark

INDENT = 4

#: Token colours (light window, dark window); picked to read on a white and a near-black
#: editor background, in the spirit of the usual IDE themes.
COLOURS: dict[str, tuple[str, str]] = {
    "keyword": ("#0033b3", "#cc7832"),
    "builtin": ("#8a3aa6", "#b294e0"),
    "string": ("#067d17", "#8fbf6a"),
    "comment": ("#7a7a7a", "#8c8c8c"),
    "number": ("#1750eb", "#6fa8dc"),
    "decorator": ("#8a7300", "#d6c35a"),
    "definition": ("#00627a", "#ffc66d"),
    "self": ("#94558d", "#c38fc0"),
}

#: Builtin functions, types and exceptions (True, False, None are keywords).
_BUILTINS = sorted(n for n in dir(builtins) if not n.startswith("_") and not keyword.iskeyword(n))

_WORD_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("keyword", re.compile(r"\b(?:" + "|".join(keyword.kwlist) + r")\b")),
    ("builtin", re.compile(r"\b(?:" + "|".join(_BUILTINS) + r")\b")),
    ("self", re.compile(r"\b(?:self|cls)\b")),
    (
        "number",
        re.compile(
            r"\b(?:0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+"
            r"|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?j?)\b"
        ),
    ),
    ("decorator", re.compile(r"^\s*@[\w.]+")),
]
_DEFINITION = re.compile(r"\b(?:def|class)\s+(\w+)")
#: A string's opening quote (with an optional prefix such as r, b, f, rb).
_QUOTE = re.compile(r"""(?i:[rbuf]{0,2})('''|\"\"\"|'|")""")

#: Block states: inside a triple-quoted string that began on an earlier line.
_IN_SINGLE_TRIPLE, _IN_DOUBLE_TRIPLE = 1, 2
_STATE_OF = {"'''": _IN_SINGLE_TRIPLE, '"""': _IN_DOUBLE_TRIPLE}
_QUOTE_OF = {v: k for k, v in _STATE_OF.items()}


def _utf16(text: str, index: int) -> int:
    """Qt positions count UTF-16 units; Python's count code points."""
    return len(text[:index].encode("utf-16-le")) // 2


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, numbers, decorators, definitions, strings and comments.

    Words are coloured first and strings and comments painted over them, so a keyword
    inside a string or a comment reads as string or comment. A triple-quoted string that
    stays open at the end of a line carries on through the next ones (block state).
    """

    def __init__(self, document: QTextDocument, dark: bool = False) -> None:
        super().__init__(document)
        self.formats: dict[str, QTextCharFormat] = {}
        self.set_dark(dark)

    def set_dark(self, dark: bool) -> None:
        """Pick the colour set for a dark (or light) editor and repaint."""
        self.dark = dark
        for kind, (light, dark_hex) in COLOURS.items():
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(dark_hex if dark else light))
            if kind in ("keyword", "definition"):
                fmt.setFontWeight(QFont.Weight.Bold)
            self.formats[kind] = fmt
        self.rehighlight()

    def _paint(self, text: str, start: int, end: int, kind: str) -> None:
        first = _utf16(text, start)
        self.setFormat(first, _utf16(text, end) - first, self.formats[kind])

    def highlightBlock(self, text: str) -> None:
        self.setCurrentBlockState(0)
        for kind, pattern in _WORD_RULES:
            for m in pattern.finditer(text):
                self._paint(text, m.start(), m.end(), kind)
        for d in _DEFINITION.finditer(text):
            self._paint(text, d.start(1), d.end(1), "definition")

        i = 0
        state = self.previousBlockState()
        if state in _QUOTE_OF:  # inside a triple-quoted string from an earlier line
            i = self._string_body(text, 0, _QUOTE_OF[state], raw=False)
            if i < 0:
                return
        while i < len(text):
            ch = text[i]
            if ch == "#":
                self._paint(text, i, len(text), "comment")
                return
            q = _QUOTE.match(text, i) if ch.isalpha() or ch in "'\"" else None
            if q is not None and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
                raw = "r" in q.group(0)[: q.start(1) - q.start()].lower()
                end = self._string_body(text, q.end(), q.group(1), raw=raw, begin=i)
                if end < 0:
                    return
                i = end
                continue
            if ch.isalnum() or ch == "_":  # skip the rest of a word: 'rb' in 'herb"'
                while i < len(text) and (text[i].isalnum() or text[i] == "_"):
                    i += 1
                continue
            i += 1

    def _string_body(
        self, text: str, start: int, quote: str, *, raw: bool, begin: int | None = None
    ) -> int:
        """Paint a string from `begin` (default `start`) to its closing `quote`; the index
        after it, or -1 when the line ends inside the string."""
        begin = start if begin is None else begin
        i = start
        while i < len(text):
            if text[i] == "\\" and not raw:
                i += 2
                continue
            if text.startswith(quote, i):
                end = i + len(quote)
                self._paint(text, begin, end, "string")
                return end
            i += 1
        self._paint(text, begin, len(text), "string")
        if len(quote) == 3:
            self.setCurrentBlockState(_STATE_OF[quote])
        return -1


class LineNumberArea(QWidget):
    """The gutter: paints the editor's visible line numbers (see CodeEditor)."""

    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self.editor = editor
        self.setAccessibleName("Line numbers")

    def sizeHint(self) -> QSize:
        return QSize(self.editor.line_number_width(), 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        self.editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    """The coding round's editor (see the module docstring). Ctrl+Enter submits."""

    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setFixedPitch(True)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabChangesFocus(False)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * INDENT)
        self.setAccessibleName("Your code")
        self.setAccessibleDescription(
            "Python editor: Tab indents, Shift+Tab dedents, Ctrl+Tab leaves the editor, "
            "Ctrl+Enter submits."
        )
        self.highlighter = PythonHighlighter(self.document(), is_dark(self.palette()))
        self.gutter = LineNumberArea(self)
        self.blockCountChanged.connect(self._on_block_count_changed)
        self.updateRequest.connect(self._on_update_request)
        self.cursorPositionChanged.connect(self._highlight_current_line)
        self._on_block_count_changed(0)
        self._highlight_current_line()

    # -------------------------------------------------------------- gutter

    def line_number_width(self) -> int:
        """Wide enough for the largest line number (two digits at least) plus padding."""
        digits = max(2, len(str(max(1, self.blockCount()))))
        return 14 + self.fontMetrics().horizontalAdvance("9") * digits

    def _on_block_count_changed(self, _count: int) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())
        if rect.contains(self.viewport().rect()):
            self._on_block_count_changed(0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self.gutter.setGeometry(QRect(cr.left(), cr.top(), self.line_number_width(), cr.height()))

    def paint_line_numbers(self, event: QPaintEvent) -> None:
        pal = self.palette()
        painter = QPainter(self.gutter)
        painter.fillRect(event.rect(), pal.color(QPalette.ColorRole.Window))
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        right = self.gutter.width() - 1
        painter.drawLine(right, event.rect().top(), right, event.rect().bottom())
        current = self.textCursor().blockNumber()
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        bottom = top + round(self.blockBoundingRect(block).height())
        height = self.fontMetrics().height()
        muted = pal.color(QPalette.ColorRole.PlaceholderText)
        text_colour = pal.color(QPalette.ColorRole.Text)
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible() and bottom >= event.rect().top():
                painter.setPen(text_colour if number == current else muted)
                painter.drawText(
                    0,
                    top,
                    self.gutter.width() - 7,
                    height,
                    Qt.AlignmentFlag.AlignRight,
                    str(number + 1),
                )
            block = block.next()
            top = bottom
            bottom = top + round(self.blockBoundingRect(block).height())
            number += 1
        painter.end()

    def _highlight_current_line(self) -> None:
        selections = []
        if not self.isReadOnly():
            sel = QTextEdit.ExtraSelection()
            pal = self.palette()
            base, mark = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.Highlight)
            tint = QColor(
                round(base.red() * 0.92 + mark.red() * 0.08),
                round(base.green() * 0.92 + mark.green() * 0.08),
                round(base.blue() * 0.92 + mark.blue() * 0.08),
            )
            sel.format.setBackground(tint)
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            cursor = self.textCursor()
            cursor.clearSelection()
            sel.cursor = cursor
            selections.append(sel)
        self.setExtraSelections(selections)
        self.gutter.update()

    def setReadOnly(self, read_only: bool) -> None:
        super().setReadOnly(read_only)
        self._highlight_current_line()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            dark = is_dark(self.palette())
            if dark != self.highlighter.dark:
                self.highlighter.set_dark(dark)
            self._highlight_current_line()
        elif event.type() == QEvent.Type.FontChange:
            self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * INDENT)
            self._on_block_count_changed(0)

    # -------------------------------------------------------------- keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if self.isReadOnly():
            super().keyPressEvent(event)
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if ctrl:
                # Normally the window's Ctrl+Enter shortcut gets here first (see AnswerEdit).
                self.submit_requested.emit()
            else:
                self.newline_with_indent()
            event.accept()
            return
        if key == Qt.Key.Key_Tab and ctrl:
            self.focusNextChild()
            event.accept()
            return
        if key == Qt.Key.Key_Backtab and ctrl:
            self.focusPreviousChild()
            event.accept()
            return
        if key == Qt.Key.Key_Backtab or (
            key == Qt.Key.Key_Tab and mods & Qt.KeyboardModifier.ShiftModifier
        ):
            self.dedent()
            event.accept()
            return
        if key == Qt.Key.Key_Tab:
            self.indent()
            event.accept()
            return
        if key == Qt.Key.Key_Backspace and not mods and self._backspace_indent():
            event.accept()
            return
        super().keyPressEvent(event)

    def newline_with_indent(self) -> None:
        """Enter: a new line with this line's indent, four more after a ':'."""
        cursor = self.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        indent = before[: len(before) - len(before.lstrip(" \t"))]
        if before.split("#", 1)[0].rstrip().endswith(":"):
            indent += " " * INDENT
        cursor.insertText("\n" + indent)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    def _selected_blocks(self) -> tuple[int, int]:
        cursor = self.textCursor()
        doc = self.document()
        first = doc.findBlock(cursor.selectionStart()).blockNumber()
        last_block = doc.findBlock(cursor.selectionEnd())
        last = last_block.blockNumber()
        # A selection ending at the start of a line does not take that line along.
        if last > first and cursor.selectionEnd() == last_block.position():
            last -= 1
        return first, last

    def indent(self) -> None:
        """Tab: spaces to the next multiple of four, or indent every selected line."""
        cursor = self.textCursor()
        if not cursor.hasSelection() or cursor.selectedText().find("\u2029") < 0:
            column = cursor.positionInBlock()
            cursor.insertText(" " * (INDENT - column % INDENT))
            self.setTextCursor(cursor)
            return
        first, last = self._selected_blocks()
        edit = QTextCursor(self.document())
        edit.beginEditBlock()
        for n in range(first, last + 1):
            block = self.document().findBlockByNumber(n)
            if block.text().strip():
                edit.setPosition(block.position())
                edit.insertText(" " * INDENT)
        edit.endEditBlock()

    def dedent(self) -> None:
        """Shift+Tab: take up to four leading spaces (or a tab) off the line(s)."""
        first, last = self._selected_blocks()
        edit = QTextCursor(self.document())
        edit.beginEditBlock()
        for n in range(first, last + 1):
            block = self.document().findBlockByNumber(n)
            text = block.text()
            if text.startswith("\t"):
                remove = 1
            else:
                remove = len(text[:INDENT]) - len(text[:INDENT].lstrip(" "))
            if remove:
                edit.setPosition(block.position())
                edit.setPosition(block.position() + remove, QTextCursor.MoveMode.KeepAnchor)
                edit.removeSelectedText()
        edit.endEditBlock()

    def _backspace_indent(self) -> bool:
        """Backspace in a line's leading spaces goes back to the previous multiple of
        four; True when it did."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            return False
        column = cursor.positionInBlock()
        before = cursor.block().text()[:column]
        if column == 0 or before.strip(" "):
            return False
        remove = column % INDENT or INDENT
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, remove)
        cursor.removeSelectedText()
        return True


class CodeView(CodeEditor):
    """Code to read, not edit (the feedback page's submitted code and reference
    solution): highlighted and numbered, as tall as its lines, scrolling only sideways."""

    def __init__(self, code: str, parent: QWidget | None = None, *, name: str = "Code") -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAccessibleName(name)
        self.setAccessibleDescription("")
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setPlainText(code.strip("\n"))
        self._fit_height()

    def _fit_height(self) -> None:
        lines = max(1, self.blockCount())
        metrics = self.fontMetrics()
        widest = max(
            (metrics.horizontalAdvance(line) for line in self.toPlainText().split("\n")), default=0
        )
        room = self.viewport().width() - 2 * self.document().documentMargin()
        # The sideways scroll bar takes room only when a line is wider than the view.
        bar = self.horizontalScrollBar().sizeHint().height() if widest > room else 0
        margins = self.contentsMargins()
        doc_margin = round(self.document().documentMargin() * 2)
        height = lines * metrics.lineSpacing() + doc_margin
        self.setFixedHeight(height + margins.top() + margins.bottom() + bar + 2)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit_height()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Vertical wheel scrolls the page around it; only sideways scrolling stays here.
        if event.angleDelta().x() == 0:
            event.ignore()
            return
        super().wheelEvent(event)
