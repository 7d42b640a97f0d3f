"""The shipped prompt templates are compiled on the desktop app's loading thread (issue
18): compiled by the first streamed question's leak check instead, on the model's thread
as the interview screen first showed, they made the window wait for the interpreter
(43-83 ms at the first Start of a fresh install)."""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from interviewer.gui import boot
from interviewer.storage import prompt_files


def test_the_loader_compiles_the_shipped_prompts_on_its_thread(qtbot: QtBot) -> None:
    prompt_files._library.cache_clear()
    threads: list[str] = []
    real = prompt_files.load_prompts

    def load(folder: Path) -> object:
        threads.append(threading.current_thread().name)
        return real(folder)

    mp = pytest.MonkeyPatch()
    mp.setattr(prompt_files, "load_prompts", load)
    try:
        _app, shell, loader = boot.show_shell(None)
        qtbot.addWidget(shell)
        with qtbot.waitSignal(loader.ready, timeout=60_000):
            pass
    finally:
        mp.undo()
        gc.unfreeze()  # the loader freezes the heap at the end of start-up
        if loader.window is not None:
            loader.window.controller.shutdown(3000)
        loader.close_down()
    assert prompt_files._library.cache_info().currsize == 1  # the next use finds them
    assert threads and threading.main_thread().name not in threads  # not the window's


def test_a_broken_prompts_folder_does_not_stop_the_loading(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Reported where the prompts are used, as before; the loading goes on.
    prompt_files._library.cache_clear()
    monkeypatch.setattr(prompt_files, "default_prompts_dir", lambda: tmp_path)  # empty
    boot._compile_prompts()  # no error
    assert prompt_files._library.cache_info().currsize == 0
