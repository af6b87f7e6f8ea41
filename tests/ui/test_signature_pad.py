"""Signature pad: drawing with the mouse gives a cropped PNG with ink; 清除 empties it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from desktop.errors import ValidationError
from ui.widgets.signature_pad import SignaturePad


def _drag(canvas, points: list[tuple[int, int]]) -> None:
    """Press at the first point, move through the rest with the button held, release."""
    first = QPoint(*points[0])
    QApplication.sendEvent(
        canvas,
        QMouseEvent(
            QMouseEvent.Type.MouseButtonPress,
            QPointF(first),
            QPointF(canvas.mapToGlobal(first)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    for x, y in points[1:]:
        point = QPointF(x, y)
        QApplication.sendEvent(
            canvas,
            QMouseEvent(
                QMouseEvent.Type.MouseMove,
                point,
                QPointF(canvas.mapToGlobal(point)),
                Qt.MouseButton.NoButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
            ),
        )
    last = QPointF(*points[-1])
    QApplication.sendEvent(
        canvas,
        QMouseEvent(
            QMouseEvent.Type.MouseButtonRelease,
            last,
            QPointF(canvas.mapToGlobal(last)),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )


def _dark_pixels(image: QImage) -> int:
    count = 0
    for y in range(image.height()):
        for x in range(image.width()):
            colour = image.pixelColor(x, y)
            if colour.alpha() > 200 and colour.lightness() < 80:
                count += 1
    return count


@pytest.fixture
def pad(qtbot) -> SignaturePad:
    widget = SignaturePad()
    qtbot.addWidget(widget)
    widget.resize(500, 240)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_new_pad_is_empty_and_cannot_export(pad) -> None:
    assert pad.is_empty()
    assert not pad.clear_button.isEnabled()
    with pytest.raises(ValidationError) as info:
        pad.to_png()
    assert info.value.message == "签名：还没有签名"


def test_drawing_gives_a_cropped_png_with_dark_ink(qtbot, pad) -> None:
    changes: list[bool] = []
    pad.changed.connect(lambda: changes.append(True))
    _drag(pad.canvas, [(100, 80), (140, 100), (180, 70), (220, 110)])
    _drag(pad.canvas, [(120, 130), (200, 130)])
    assert not pad.is_empty()
    assert len(changes) == 2
    png = pad.to_png(margin=10)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = QImage.fromData(png, "PNG")
    # Strokes span x 100..220, y 70..130, plus pen width and a 10 px margin on each side.
    assert 140 <= image.width() <= 150
    assert 80 <= image.height() <= 90
    assert _dark_pixels(image) > 150
    assert image.pixelColor(1, 1).alpha() == 0  # transparent corner outside the ink


def test_white_background_export(pad) -> None:
    _drag(pad.canvas, [(50, 50), (90, 90)])
    image = QImage.fromData(pad.to_png(white_background=True), "PNG")
    corner = image.pixelColor(0, 0)
    assert (corner.red(), corner.green(), corner.blue(), corner.alpha()) == (255, 255, 255, 255)
    assert _dark_pixels(image) > 20


def test_a_tap_leaves_a_dot(pad) -> None:
    _drag(pad.canvas, [(60, 60)])
    assert _dark_pixels(pad.to_image()) > 0


def test_clear_button_erases_the_signature(qtbot, pad) -> None:
    _drag(pad.canvas, [(30, 30), (120, 60)])
    assert pad.clear_button.isEnabled()
    qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    assert pad.is_empty()
    assert not pad.clear_button.isEnabled()


def test_right_button_does_not_draw(pad) -> None:
    point = QPointF(40, 40)
    QApplication.sendEvent(
        pad.canvas,
        QMouseEvent(
            QMouseEvent.Type.MouseButtonPress,
            point,
            point,
            Qt.MouseButton.RightButton,
            Qt.MouseButton.RightButton,
            Qt.KeyboardModifier.NoModifier,
        ),
    )
    assert pad.is_empty()


def test_pad_paints_its_hint_and_strokes_on_screen(pad) -> None:
    _drag(pad.canvas, [(100, 100), (300, 100)])
    shot = pad.canvas.grab().toImage()
    assert shot.pixelColor(200, 100).lightness() < 80


def test_qtest_mouse_press_move_release_draws(qtbot, pad) -> None:
    canvas = pad.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(60, 60))
    for x in range(70, 200, 10):
        qtbot.mouseMove(canvas, QPoint(x, 60 + (x % 30)))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(200, 80))
    image = pad.to_image(margin=4)
    assert image.width() >= 140
    assert _dark_pixels(image) > 150
