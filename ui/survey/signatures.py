"""Signature boxes of the home survey: one pad per surveyor and per family member present."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from ui import theme
from ui.widgets.signature_pad import SignaturePad

COLUMNS = 3


class SignerBox(QGroupBox):
    """One signer: the pad, and whether a signature is stored already."""

    def __init__(self, name: str, role_cn: str, parent: QWidget | None = None) -> None:
        super().__init__(f"{role_cn}：{name}", parent)
        self.name = name
        self.role_cn = role_cn
        self.pad = SignaturePad(caption="请签名")
        self.pad.canvas.setMinimumSize(240, 110)
        self.state = QLabel()
        self.state.setObjectName("signatureState")
        layout = QVBoxLayout(self)
        layout.addWidget(self.pad)
        layout.addWidget(self.state)
        self.dirty = False
        self.pad.changed.connect(self._drawn)
        self.set_stored(False)

    def _drawn(self) -> None:
        self.dirty = not self.pad.is_empty()
        if self.dirty:
            self.state.setText("已签名，待保存…")
            theme.set_status(self.state, theme.STATUS_DUE_SOON)

    def set_stored(self, stored: bool) -> None:
        """Show whether a signature document exists for this signer."""
        self.state.setText("✓ 签字已保存" if stored else "未签字")
        theme.set_status(self.state, theme.STATUS_NORMAL if stored else theme.STATUS_DUE_SOON)

    def set_locked(self, locked: bool) -> None:
        """No more drawing once the survey is finalised."""
        self.pad.setEnabled(not locked)


class SignatureArea(QWidget):
    """The grid of signer boxes; rebuilt when the surveyors or the members present change."""

    drawn = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, SignerBox] = {}
        self.empty = QLabel("填写调查人员和在场家庭成员后，在此逐一签名")
        self.empty.setProperty("muted", True)
        self.grid.addWidget(self.empty, 0, 0)

    def set_signers(self, signers: list[tuple[str, str]], stored: dict[str, str]) -> None:
        """``signers`` as ``(name, role_cn)``; boxes of unchanged signers keep their drawing."""
        wanted = [name for name, _r in signers]
        for name in list(self.boxes):
            if name not in wanted:
                box = self.boxes.pop(name)
                self.grid.removeWidget(box)
                box.deleteLater()
        for name, role in signers:
            if name not in self.boxes:
                box = SignerBox(name, role)
                box.pad.changed.connect(self.drawn)
                self.boxes[name] = box
            if not self.boxes[name].dirty:
                self.boxes[name].set_stored(name in stored)
        for index, name in enumerate(wanted):
            self.grid.addWidget(self.boxes[name], index // COLUMNS, index % COLUMNS)
        self.empty.setVisible(not wanted)

    def dirty_boxes(self) -> list[SignerBox]:
        """Boxes drawn since their last save."""
        return [b for b in self.boxes.values() if b.dirty and not b.pad.is_empty()]

    def set_locked(self, locked: bool) -> None:
        """Lock every pad."""
        for box in self.boxes.values():
            box.set_locked(locked)
