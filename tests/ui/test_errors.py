"""Every exception becomes one Chinese message; the message box does not block."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from desktop import errors as de
from ui.errors import describe_error, error_message, last_error, show_error


def test_validation_error_names_the_field() -> None:
    report = describe_error(de.ValidationError("公民身份号码", "校验位不正确"))
    assert report.title == "输入有误"
    assert report.message == "公民身份号码：校验位不正确"
    assert not report.internal


def test_each_core_error_gets_its_own_title_and_its_message() -> None:
    cases = {
        de.DuplicateError("公民身份号码", "已登记", existing_id="x"): "记录重复",
        de.PermissionDenied("您的角色不能审核确认"): "没有权限",
        de.WorkflowError("公示期未满，不能审核确认"): "当前不能办理",
        de.WrongKeyError("密码不正确"): "密码错误",
        de.ReportError("缺少家庭成员"): "无法生成文件",
    }
    for exc, title in cases.items():
        report = describe_error(exc)
        assert report.title == title
        assert report.message.startswith(exc.message)


def test_concurrency_error_tells_what_to_do() -> None:
    assert error_message(de.ConcurrencyError("该申请已被他人修改")).endswith("请刷新后重新操作。")


def test_unknown_error_is_internal_and_logged_with_traceback(caplog) -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        caught = exc
    with caplog.at_level(logging.ERROR):
        report = describe_error(caught)
    assert report.internal
    assert report.message.startswith("程序内部错误：'missing'")
    assert any(
        rec.exc_info and "KeyError" in rec.exc_text for rec in caplog.records if rec.exc_text
    )


def test_file_errors_say_which_file() -> None:
    message = error_message(PermissionError(13, "Permission denied", "/tmp/公示.pdf"))
    assert message.startswith("文件读写失败：Permission denied")
    assert "/tmp/公示.pdf" in message


def test_show_error_opens_a_non_blocking_box_and_records_it(qtbot) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()
    box = show_error(parent, de.NotFound("该家庭已被删除"))
    assert isinstance(box, QMessageBox)
    assert box.isVisible()
    assert box.windowTitle() == "记录不存在"
    assert box.text() == "该家庭已被删除"
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
    assert last_error().message == "该家庭已被删除"
    box.button(QMessageBox.StandardButton.Ok).click()
    assert not box.isVisible()


def test_error_sink_captures_instead_of_showing(captured_errors) -> None:
    assert show_error(None, de.PolicyError("2026年5月没有低保标准")) is None
    assert [r.message for r in captured_errors] == ["2026年5月没有低保标准"]


def test_uncaught_error_of_a_thread_shows_a_dialog_naming_the_log(
    qtbot, tmp_path, monkeypatch, captured_errors
) -> None:
    import sys
    import threading

    from desktop import logs
    from ui.errors import install_error_hooks

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    path = logs.setup_logging(tmp_path)
    try:
        install_error_hooks()
        worker = threading.Thread(target=lambda: 1 / 0)
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: bool(captured_errors), timeout=2000)
    finally:
        logs.stop_logging()
    report = captured_errors[0]
    assert report.internal and report.title == "程序错误"
    assert f"日志文件：{path}" in report.message
    assert "ZeroDivisionError" in path.read_text("utf-8")
