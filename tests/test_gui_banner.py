"""Banners never move the page under the pointer (issue 11).

A "Report saved" banner that disappeared pulled the page up by its height, and a click
meant for one control landed on another. Each test here notes where a widget of the page
is on the screen, and which widget sits under a fixed point of the window, then shows,
replaces and dismisses messages (and the resume offer) and checks neither changed.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QPoint
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from interviewer.gui.main_window import MainWindow
from interviewer.gui.widgets import MessageBanner
from tests.gui_helpers import make_app
from tests.gui_helpers import settle as settle_ops
from tests.test_gui_store import _interrupt_in_question_two, kill, launch

LONG = (
    "The server at http://127.0.0.1:11434/v1 did not answer within 30 seconds, so the "
    "offline coach stands in for this question and the next ones until the model "
    "answers again; check that Ollama is running and that the model is loaded, then "
    "choose Test connection in Settings to try it without starting an interview. "
) * 3


def settle() -> None:
    """Let every pending layout request run (they are posted events, not timers)."""
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        QApplication.processEvents()


class Probe:
    """Where a page widget is on the screen, and what is under a fixed window point."""

    def __init__(self, window: MainWindow, widget: QWidget) -> None:
        self.window, self.widget = window, widget
        settle()
        centre = widget.rect().center()
        self.point = widget.mapTo(window, centre)  # a fixed point in the window
        self.where = self.now()

    def now(self) -> tuple[QPoint, QWidget | None]:
        settle()
        return self.widget.mapToGlobal(QPoint(0, 0)), self.window.childAt(self.point)

    def unmoved(self) -> bool:
        return self.now() == self.where


def test_messages_coming_and_going_move_nothing_on_the_page(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    window = app.window
    window.resize(1120, 780)
    banner = window.banner
    probe = Probe(window, window.home.start_button)
    assert probe.where[1] is window.home.start_button
    top = Probe(window, window.home.history_button)  # the page bar, nearest the banner

    banner.show_message("info", "Report saved to /tmp/interview-test-track-2025-03-05.md.")
    assert banner.isVisible()
    assert probe.unmoved() and top.unmoved()
    banner.show_message("warning", LONG, action="Open Settings")
    assert probe.unmoved() and top.unmoved()
    assert banner.text.elided and banner.more.isVisible()  # the rest is one click away
    banner.show_message("error", "Short.")
    assert probe.unmoved() and top.unmoved()
    assert not banner.text.elided and not banner.more.isVisible()
    banner.dismiss()
    assert not banner.isVisible()
    assert probe.unmoved() and top.unmoved()


def test_an_info_message_that_fades_moves_nothing(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    window = app.window
    banner = window.banner
    banner.INFO_MS = 30  # the instance's fade time; waited for with waitUntil, not a sleep
    probe = Probe(window, window.home.start_button)
    banner.show_message("info", "Report saved to /tmp/r.md.")
    assert probe.unmoved()
    qtbot.waitUntil(lambda: not banner.isVisible())
    assert probe.unmoved()


def test_every_page_keeps_its_place(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    window = app.window
    for show, widget in (
        (window.show_history, window.history.back_button),
        (window.show_progress, window.progress.back_button),
    ):
        show()
        settle_ops(qtbot)  # the page's data is read off the GUI thread
        probe = Probe(window, widget)
        window.banner.show_message("warning", "2 saved reports could not be read.")
        assert probe.unmoved()
        window.banner.dismiss()
        assert probe.unmoved()


def test_a_long_message_keeps_the_height_and_offers_the_rest(qtbot: QtBot) -> None:
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.resize(700, banner.reserved_height())
    banner.show()
    banner.show_message("info", "Short.")
    settle()
    assert not banner.more.isVisible() and not banner.text.elided
    banner.show_message("warning", LONG)
    settle()
    assert banner.more.isVisible() and banner.text.elided
    shown, cut = banner.text.lines()
    assert cut and len(shown) == banner.LINES and shown[-1].endswith("…")
    assert banner.text.text() == LONG  # the whole message is kept, and said in full
    assert banner.accessibleDescription() == LONG
    banner.more.click()
    assert banner.full_text is not None and banner.full_text.isVisible()
    assert banner.full_text.label.text() == LONG
    assert not banner._timer.isActive()  # reading the rest: it does not fade meanwhile
    banner.show_message("info", "Short again.")
    settle()
    assert not banner.more.isVisible() and not banner.full_text.isVisible()
    # With a button to act on, the text has less room: still offered in full.
    banner.show_message("info", LONG, action="Open Settings")
    settle()
    assert banner.action.isVisible() and banner.more.isVisible() and banner.text.elided
    banner.show_message("info", "Short, with a button.", action="Open Settings")
    settle()
    assert not banner.more.isVisible() and not banner.text.elided


def test_the_banner_height_is_the_same_for_every_message(qtbot: QtBot) -> None:
    app = make_app(qtbot)
    slot = app.window.banner_slot
    settle()
    empty = slot.height()
    assert empty == app.window.banner.reserved_height() > 0
    for level, text, action in (
        ("info", "One line.", ""),
        ("warning", LONG, ""),
        ("info", LONG, "Open Settings"),
    ):
        app.window.banner.show_message(level, text, action)
        settle()
        assert slot.height() == empty
        assert app.window.banner.height() == empty


def test_declining_the_resume_offer_moves_nothing_until_the_page_changes(
    qtbot: QtBot,
) -> None:
    first, _sid = _interrupt_in_question_two(qtbot)
    kill(first)
    second = launch(qtbot)
    window = second.window
    window.show()
    offer = window.resume_offer
    assert offer.isVisibleTo(window)
    probe = Probe(window, window.home.start_button)
    offer.keep_button.click()
    assert not offer.isVisibleTo(window)
    settle_ops(qtbot)  # the session is marked unfinished off the GUI thread
    assert window.banner.isVisible() and "History" in window.banner.text.text()
    assert probe.unmoved()
    window.banner.dismiss()
    assert probe.unmoved()
    # Going to another page gives the offer's room back (the whole page changes anyway).
    window.show_history()
    settle_ops(qtbot)
    window.show_home()
    settle()
    assert window.banner_slot.height() == window.banner.reserved_height()
