"""A photo picker for home-survey pictures: add files or import a camera folder, see thumbnails."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImageReader, QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
THUMB = QSize(128, 128)
FileDialog = Callable[[QWidget], list[str]]


@dataclass(frozen=True)
class Photo:
    """One picked picture: where it is and its content hash (attachments are content-addressed)."""

    path: Path
    sha256: str


@dataclass
class AddResult:
    """What an add or import did."""

    added: list[Photo] = field(default_factory=list)
    duplicates: list[Path] = field(default_factory=list)
    unreadable: list[Path] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def thumbnail(path: Path, size: QSize = THUMB) -> QPixmap | None:
    """A thumbnail decoded at reduced size (EXIF rotation applied); None if not an image."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and original.width() > 0:
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


def _pick_files(parent: QWidget) -> list[str]:
    names, _filter = QFileDialog.getOpenFileNames(
        parent,
        "选择照片",
        "",
        "图片 (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff);;所有文件 (*)",
    )
    return list(names)


class PhotoPicker(QWidget):
    """Thumbnails of picked photos with 添加照片 / 从相机导入 / 删除 buttons.

    ``file_dialog(parent) -> list[str]`` replaces the open-file dialog (tests inject one).
    ``known_sha256`` holds hashes already stored for the case, so a camera import skips them.
    """

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        camera_folder: Path | None = None,
        file_dialog: FileDialog | None = None,
        known_sha256: Iterable[str] = (),
    ) -> None:
        super().__init__(parent)
        self.camera_folder = camera_folder
        self.known_sha256 = set(known_sha256)
        self._file_dialog = file_dialog or _pick_files
        self._photos: list[Photo] = []
        self.list = QListWidget(self)
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 36))
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setWordWrap(True)
        self.list.installEventFilter(self)
        self.add_button = QPushButton("添加照片…")
        self.camera_button = QPushButton("从相机文件夹导入")
        self.remove_button = QPushButton("删除所选")
        self.add_button.clicked.connect(self.add_from_dialog)
        self.camera_button.clicked.connect(self._import_clicked)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        bar = QHBoxLayout()
        for button in (self.add_button, self.camera_button, self.remove_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(bar)
        self._update_buttons()

    def photos(self) -> list[Photo]:
        """The picked photos in display order."""
        return list(self._photos)

    def paths_and_hashes(self) -> list[tuple[str, str]]:
        """``(file path, sha256)`` pairs in display order."""
        return [(str(p.path), p.sha256) for p in self._photos]

    def add_files(self, paths: Iterable[str | Path]) -> AddResult:
        """Add images; the same content twice (or already stored) is skipped, non-images refused."""
        result = AddResult()
        seen = self.known_sha256 | {p.sha256 for p in self._photos}
        for raw in paths:
            path = Path(raw)
            pixmap = thumbnail(path) if path.is_file() else None
            if pixmap is None:
                result.unreadable.append(path)
                continue
            digest = sha256_of(path)
            if digest in seen:
                result.duplicates.append(path)
                continue
            seen.add(digest)
            photo = Photo(path, digest)
            self._photos.append(photo)
            self._add_item(photo, pixmap)
            result.added.append(photo)
        if result.added:
            self.changed.emit()
        self._update_buttons()
        return result

    def add_from_dialog(self) -> AddResult:
        """Ask for files with the (injectable) dialog and add them."""
        result = self.add_files(self._file_dialog(self))
        self._tell_refused(result)
        return result

    def import_camera_folder(self) -> AddResult:
        """Add every image in the camera folder not yet picked or stored, oldest first."""
        folder = self.camera_folder
        if folder is None or not folder.is_dir():
            return AddResult()
        images = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES]
        images.sort(key=lambda p: (p.stat().st_mtime, p.name))
        result = self.add_files(images)
        # Already-stored or already-picked pictures are the normal case here, not a problem.
        result.duplicates.clear()
        return result

    def remove_selected(self) -> list[Photo]:
        """Remove the selected thumbnails; returns what was removed."""
        rows = sorted((self.list.row(item) for item in self.list.selectedItems()), reverse=True)
        removed = []
        for row in rows:
            self.list.takeItem(row)
            removed.append(self._photos.pop(row))
        if removed:
            self.changed.emit()
        self._update_buttons()
        return removed

    def eventFilter(self, obj: object, event: object) -> bool:
        is_key = isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress
        if obj is self.list and is_key and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):  # type: ignore[attr-defined]
            self.remove_selected()
            return True
        return False

    def _add_item(self, photo: Photo, pixmap: QPixmap) -> None:
        item = QListWidgetItem(QIcon(pixmap), photo.path.name)
        item.setToolTip(f"{photo.path}\nSHA-256：{photo.sha256[:16]}…")
        item.setData(Qt.ItemDataRole.UserRole, photo.sha256)
        self.list.addItem(item)

    def set_camera_folder(self, folder: Path | None) -> None:
        """The folder 从相机导入 reads (None: not set; the button is then disabled)."""
        self.camera_folder = folder
        self._update_buttons()

    def _import_clicked(self) -> None:
        if self.camera_folder is None or not self.camera_folder.is_dir():
            QMessageBox.information(self, "从相机导入", "未设置相机文件夹，或该文件夹不存在。")
            return
        result = self.import_camera_folder()
        self._tell_refused(result)

    def _tell_refused(self, result: AddResult) -> None:
        if result.unreadable:
            names = "、".join(p.name for p in result.unreadable[:5])
            more = f" 等{len(result.unreadable)}个文件" if len(result.unreadable) > 5 else ""
            box = QMessageBox(
                QMessageBox.Icon.Warning, "无法添加", f"不是可识别的图片：{names}{more}"
            )
            box.setParent(self, box.windowFlags())
            box.open()

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self.list.selectedItems()))
        self.camera_button.setEnabled(self.camera_folder is not None)
