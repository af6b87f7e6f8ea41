"""Charts drawn with QPainter: the bar and part colours really appear in the rendered image."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage

from ui import theme
from ui.widgets.charts import BarChart, DonutChart, StackedBarChart


def _count(image: QImage, colour: str) -> int:
    target = QColor(colour).rgb()
    return sum(
        1
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
        if image.pixel(x, y) == target
    )


def test_bar_chart_draws_each_bar_in_its_colour_proportional_to_value(qtbot) -> None:
    chart = BarChart(title="各类救助户数")
    qtbot.addWidget(chart)
    chart.set_data(["低保", "特困", "临时救助"], [120, 30, 60], ["#1a5fb4", "#e66100", "#26a269"])
    image = chart.render_image(QSize(480, 300))
    blue, orange, green = (_count(image, c) for c in ("#1a5fb4", "#e66100", "#26a269"))
    assert blue > 0 and orange > 0 and green > 0
    assert blue == pytest.approx(4 * orange, rel=0.15)
    assert green == pytest.approx(2 * orange, rel=0.15)


def test_bar_chart_accepts_decimal_money(qtbot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(["一月", "二月"], [Decimal("1045.00"), Decimal("980.50")])
    assert chart.formatter(Decimal("980.50")) == "980.50"
    image = chart.render_image(QSize(300, 200))
    assert _count(image, theme.SERIES[0]) > 100


def test_bar_chart_rejects_mismatched_data(qtbot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    with pytest.raises(ValueError):
        chart.set_data(["低保"], [1, 2])


def test_empty_chart_draws_no_bars(qtbot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    image = chart.render_image(QSize(300, 200))
    assert _count(image, theme.SERIES[0]) == 0


def test_stacked_bar_splits_by_status_with_legend(qtbot) -> None:
    chart = StackedBarChart(title="办理时限")
    qtbot.addWidget(chart)
    fills = theme.STATUS_FILL
    chart.set_data(
        [
            ("逾期", 10, fills[theme.STATUS_OVERDUE]),
            ("临近", 30, fills[theme.STATUS_DUE_SOON]),
            ("正常", 60, fills[theme.STATUS_NORMAL]),
        ]
    )
    assert chart.legend_texts() == ["逾期 10（10%）", "临近 30（30%）", "正常 60（60%）"]
    image = chart.render_image(QSize(600, 140))
    red, amber, green = (_count(image, fills[k]) for k in ("overdue", "due_soon", "normal"))
    assert 0 < red < amber < green
    assert green == pytest.approx(6 * red, rel=0.35)  # legend swatches add a little to each


def test_donut_draws_each_part(qtbot) -> None:
    chart = DonutChart(title="家庭类型")
    qtbot.addWidget(chart)
    chart.set_data([("城市", 3, "#1a5fb4"), ("农村", 1, "#e66100")])
    image = chart.render_image(QSize(320, 320))
    blue, orange = _count(image, "#1a5fb4"), _count(image, "#e66100")
    assert orange > 0
    assert blue > 2 * orange


def test_chart_paints_on_screen(qtbot) -> None:
    chart = BarChart()
    qtbot.addWidget(chart)
    chart.set_data(["低保"], [5])
    chart.resize(300, 200)
    chart.show()
    qtbot.waitExposed(chart)
    assert _count(chart.grab().toImage(), theme.SERIES[0]) > 100
