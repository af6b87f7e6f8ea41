"""分配服务家庭: the administrator ticks the families a purchased-service provider's user may
see and serve (the core then limits that user to them)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.services.accounts.auth import list_users
from desktop.services.base import Actor, Role
from desktop.services.support.purchased import (
    assign_provider_households,
    assignable_families,
    list_services,
    provider_households,
)
from desktop.store.store import Store
from ui.errors import error_message
from ui.ops import run_op


def _dialog_data(store: Store, actor: Actor) -> tuple[list[Any], list[Any], list[Any]]:
    """Provider users, the office's services and its families, read in one job."""
    providers = [u for u in list_users(store) if u.role == Role.PROVIDER and u.active]
    return providers, list_services(store, actor), assignable_families(store, actor)


class ProviderFamiliesDialog(QDialog):
    """Pick a provider's user and tick its families; 确定 stores them (audited)."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.setWindowTitle("分配服务家庭")
        self.provider = QComboBox()
        self.provider.setObjectName("providerUser")
        self.service = QComboBox()
        self.service.setObjectName("providerService")
        self.families = QListWidget()
        self.families.setObjectName("providerFamilies")
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318;")
        self.message.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("购买服务机构用户", self.provider)
        form.addRow("服务项目", self.service)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("服务家庭（勾选）"))
        layout.addWidget(self.families, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.resize(520, 520)
        self.provider.activated.connect(lambda _i: self._load_assigned())
        run_op(self, _dialog_data, store, actor, on_done=self._loaded)

    def _loaded(self, data: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        providers, services, families = data
        for u in providers:
            self.provider.addItem(f"{u.display_name}（{u.username}）", u.id)
        self.service.addItem("（不指定）", "")
        for s in services:
            self.service.addItem(f"{s.item_cn} — {s.provider}", s.id)
        for f in families:
            item = QListWidgetItem(f"{f.applicant_name}　{f.number}　{f.state}　{f.community}")
            item.setData(Qt.ItemDataRole.UserRole, f.household_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.families.addItem(item)
        if not providers:
            self.message.setText(
                "没有购买服务机构用户：请先在“用户”页新增角色为“购买服务机构”的用户"
            )
        self._load_assigned()

    def _load_assigned(self) -> None:
        user = self.provider.currentData()
        if user:
            run_op(self, provider_households, self.store, self.actor, user, on_done=self._assigned)

    def _assigned(self, ids: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        chosen = set(ids)
        for i in range(self.families.count()):
            item = self.families.item(i)
            hid = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Checked if hid in chosen else Qt.CheckState.Unchecked)

    def checked(self) -> list[str]:
        return [
            self.families.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.families.count())
            if self.families.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        user = self.provider.currentData()
        if not user:
            self.message.setText("购买服务机构用户：请选择")
            return
        run_op(self, assign_provider_households, self.store, self.actor, user, self.checked(),
               self.service.currentData() or "", on_done=self._saved)  # fmt: skip

    def _saved(self, _ids: Any, error: BaseException | None) -> None:
        if error is not None:
            self.message.setText(error_message(error))
            return
        self.accept()
