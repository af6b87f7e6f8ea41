"""Photo picker: add through the (injected) file dialog, import a camera folder, remove."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from ui.widgets.photos import PhotoPicker


def _photo(path: Path, colour: str, size: tuple[int, int] = (640, 480)) -> Path:
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_add_from_dialog_shows_thumbnails_and_returns_paths_with_hashes(qtbot, tmp_path) -> None:
    kitchen = _photo(tmp_path / "厨房.jpg", "#aa3311")
    bedroom = _photo(tmp_path / "卧室.png", "#1133aa", (300, 900))
    asked: list[object] = []

    def dialog(parent) -> list[str]:
        asked.append(parent)
        return [str(kitchen), str(bedroom)]

    picker = PhotoPicker(file_dialog=dialog)
    qtbot.addWidget(picker)
    qtbot.mouseClick(picker.add_button, Qt.MouseButton.LeftButton)
    assert asked == [picker]
    assert picker.paths_and_hashes() == [
        (str(kitchen), _sha(kitchen)),
        (str(bedroom), _sha(bedroom)),
    ]
    assert picker.list.count() == 2
    assert picker.list.item(0).text() == "厨房.jpg"
    icon_size = picker.list.item(1).icon().availableSizes()[0]
    assert icon_size.height() <= 128 and icon_size.width() < 128  # tall picture, kept aspect


def test_same_picture_twice_is_added_once_and_non_images_are_refused(qtbot, tmp_path) -> None:
    first = _photo(tmp_path / "a.png", "#00ff00")
    copy = tmp_path / "copy.png"
    copy.write_bytes(first.read_bytes())
    text = tmp_path / "说明.txt"
    text.write_text("不是图片", encoding="utf-8")
    picker = PhotoPicker()
    qtbot.addWidget(picker)
    result = picker.add_files([first, copy, text, tmp_path / "missing.jpg"])
    assert [p.path for p in result.added] == [first]
    assert result.duplicates == [copy]
    assert result.unreadable == [text, tmp_path / "missing.jpg"]


def test_camera_folder_import_takes_only_new_images_oldest_first(qtbot, tmp_path) -> None:
    camera = tmp_path / "DCIM"
    camera.mkdir()
    stored = _photo(camera / "IMG_0001.jpg", "#101010")
    newer = _photo(camera / "IMG_0003.jpg", "#303030")
    older = _photo(camera / "IMG_0002.jpg", "#202020")
    (camera / "notes.txt").write_text("x")
    os.utime(older, (1_700_000_000, 1_700_000_000))
    os.utime(newer, (1_700_000_100, 1_700_000_100))
    picker = PhotoPicker(camera_folder=camera, known_sha256={_sha(stored)})
    qtbot.addWidget(picker)
    qtbot.mouseClick(picker.camera_button, Qt.MouseButton.LeftButton)
    assert [p.path for p in picker.photos()] == [older, newer]
    again = picker.import_camera_folder()
    assert again.added == [] and again.duplicates == []
    _photo(camera / "IMG_0004.png", "#404040")
    assert [p.path.name for p in picker.import_camera_folder().added] == ["IMG_0004.png"]


def test_remove_selected_by_button_and_delete_key(qtbot, tmp_path) -> None:
    paths = [
        _photo(tmp_path / f"p{i}.png", colour) for i, colour in enumerate(["#f00", "#0f0", "#00f"])
    ]
    picker = PhotoPicker()
    qtbot.addWidget(picker)
    picker.add_files(paths)
    changes: list[bool] = []
    picker.changed.connect(lambda: changes.append(True))
    assert not picker.remove_button.isEnabled()
    picker.list.item(1).setSelected(True)
    qtbot.mouseClick(picker.remove_button, Qt.MouseButton.LeftButton)
    assert [p.path for p in picker.photos()] == [paths[0], paths[2]]
    picker.list.item(0).setSelected(True)
    qtbot.keyClick(picker.list, Qt.Key.Key_Delete)
    assert [p.path for p in picker.photos()] == [paths[2]]
    assert picker.list.count() == 1
    assert len(changes) == 2


def test_camera_button_disabled_without_folder(qtbot) -> None:
    picker = PhotoPicker()
    qtbot.addWidget(picker)
    assert not picker.camera_button.isEnabled()
    assert picker.import_camera_folder().added == []
