"""河北区自助评估 screen: a hand-computed family, the reasons shown, and the printed result."""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt

from ui.selfcheck import SelfCheckPanel


def _family(qtbot, store, actor) -> SelfCheckPanel:  # type: ignore[no-untyped-def]
    panel = SelfCheckPanel(store, actor)
    qtbot.addWidget(panel)
    panel.show()
    panel.month.setDate(QDate(2025, 9, 1))
    panel.family_size.setValue(2)
    panel.set_member(0, 性别="male", 年龄=66, 劳动能力="none", 就业="retired")
    panel.set_member(1, 关系="spouse", 性别="female", 年龄=63, 劳动能力="none", 就业="retired")
    panel.other_income.setText("1000")
    panel.area.setText("48")
    panel.deposits.setText("5000")
    return panel


def test_two_person_family_with_1000_a_month(qtbot, clerk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _family(qtbot, store, actor)
    panel.deposits.setFocus()
    qtbot.keyClick(panel.deposits.line_edit, Qt.Key.Key_Return)  # Enter on the last field
    result = panel.result
    assert result is not None and result["benefit_month"] == "2025-09"
    dibao = next(p for p in result["programmes"] if p["programme"] == "dibao")
    # 2 × 1045 − 1000 = 1090.00
    assert dibao["may_qualify"] is True and dibao["estimate"] == "1090.00"
    assert result["may_qualify"][0] == "dibao"
    shown = panel.result_view.toPlainText()
    assert "最低生活保障（低保）：可能符合，估算 1,090.00 元/月" in shown
    assert "最低生活保障申请书" in shown
    assert "仅供参考" in panel.status.text()


def test_income_above_the_band_does_not_qualify(qtbot, clerk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _family(qtbot, store, actor)
    panel.other_income.setText("4000")  # 2000 per head > 1.5 × 1045
    panel.run()
    assert panel.result is not None and panel.result["may_qualify"] == []
    assert "暂不符合" in panel.result_view.toPlainText()


def test_missing_floor_area_is_named(qtbot, clerk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _family(qtbot, store, actor)
    panel.area.setText("")
    panel.run()
    assert panel.result is None
    assert panel.status.text() == "住房总面积：有住房时请填写面积"


def test_printed_result_names_the_programme(qtbot, clerk, sync_ops, pdf_text) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    panel = _family(qtbot, store, actor)
    panel.run()
    panel.print_result()
    assert panel.preview is not None and panel.preview.page_count() >= 1
    text = pdf_text(panel.preview.pdf_bytes)
    assert "社会救助自助评估结果" in text and "可能符合" in text
    assert "1,045.00" in text  # the standard of 2025-09
    assert "1,090.00" in text
    panel.preview.close()


def test_imputed_income_is_explained_on_the_screen(qtbot, clerk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    """An entered wage of 800 counts as 2088 (90% of the minimum wage): the screen says why."""
    store, actor = clerk
    panel = SelfCheckPanel(store, actor)
    qtbot.addWidget(panel)
    panel.month.setDate(QDate(2025, 9, 1))
    panel.family_size.setValue(1)
    panel.set_member(0, 性别="male", 年龄=40, 劳动能力="full", 就业="employed")
    panel.wage.setText("800")
    panel.area.setText("40")
    panel.run()
    shown = panel.result_view.toPlainText()
    assert "收入怎么算" in shown, panel.status.text()
    assert "按其 90% 推定，计 2088.00 元/月" in shown and "人均 2088.00 元" in shown
