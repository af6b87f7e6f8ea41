"""The log file in the data folder: written, rotated, personal numbers masked, uncaught errors kept."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop import logs

ID18 = "120101199001011239"
ID15 = "120101900101123"
MOBILE = "13912345678"


@pytest.fixture
def log_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    level = logging.getLogger().level
    path = logs.setup_logging(tmp_path / "data")
    yield path
    logs.stop_logging()
    logging.getLogger().setLevel(level)


def _text(path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text("utf-8")


def test_log_goes_to_a_rotating_file_in_the_data_folder(log_file: Path, tmp_path: Path) -> None:
    assert log_file == tmp_path / "data" / "logs" / "desk.log"
    assert logs.current_log_path() == log_file
    logging.getLogger("desktop.test").info("store opened, %d cases", 12)
    assert "INFO" in _text(log_file) and "store opened, 12 cases" in _text(log_file)


def test_id_numbers_and_phones_are_masked_in_message_args_and_traceback(log_file: Path) -> None:
    log = logging.getLogger("desktop.test")
    log.warning("person %s phone %s old id %s", ID18, MOBILE, ID15)
    try:
        raise ValueError(f"bad member {ID18} / {MOBILE}")
    except ValueError:
        log.exception("save failed")
    text = _text(log_file)
    for number in (ID18, ID15, MOBILE):
        assert number not in text
    assert "120101********1239" in text and "139****5678" in text and "120101******123" in text
    assert "ValueError: bad member 120101********1239" in text


def test_masking_keeps_other_numbers() -> None:
    assert logs.mask_personal("seq 12345 amount 1300.00 change 2026120112") == (
        "seq 12345 amount 1300.00 change 2026120112"
    )
    assert logs.mask_personal(f"电话{MOBILE}，身份证{ID18[:-1]}X") == (
        "电话139****5678，身份证120101********123X"
    )


def test_uncaught_errors_of_threads_are_logged_and_reported(log_file: Path) -> None:
    seen: list[BaseException] = []
    logs.install_excepthooks(seen.append)

    def boom() -> None:
        raise RuntimeError("worker broke")

    worker = threading.Thread(target=boom, name="some-worker")
    worker.start()
    worker.join()
    try:
        raise KeyError("main broke")
    except KeyError:
        sys.excepthook(*sys.exc_info())  # what Python does for an uncaught error
    text = _text(log_file)
    assert "uncaught exception in some-worker" in text and "RuntimeError: worker broke" in text
    assert "uncaught exception in main thread" in text and "KeyError: 'main broke'" in text
    assert [type(e) for e in seen] == [RuntimeError, KeyError]
