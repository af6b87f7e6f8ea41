"""帮扶资源 (system administration): the policy menu with its xlsx import, the partner
directory, the group programmes (with their rosters) and the purchased services."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.domain.support.programmes import CATEGORIES, PROGRAMME_KINDS
from desktop.money import fmt_yuan
from desktop.services.base import Actor, Role
from desktop.services.changes import Change
from desktop.services.support.policy_menu import (
    PolicyInput,
    PolicyView,
    import_policies,
    list_policies,
    remove_policy,
    save_policy,
)
from desktop.services.support.programmes import ProgrammeInput, list_programmes, save_programme
from desktop.services.support.purchased import (
    SERVICE_ITEMS,
    ServiceInput,
    list_services,
    save_service,
)
from desktop.services.support.referrals import (
    PARTNER_KINDS,
    PartnerInput,
    list_partners,
    save_partner,
)
from desktop.store.store import Store
from ui.dashboard_parts import fill_table, read_only_table, row_key
from ui.errors import error_message, show_error
from ui.intake.common import code_combo
from ui.ops import change_bus, run_op
from ui.support.forms import FormDialog, date_edit
from ui.support.provider_dialog import ProviderFamiliesDialog
from ui.support.roster_dialog import RosterDialog

ChooseFile = Callable[[QWidget], str]


def _choose_xlsx(parent: QWidget) -> str:
    path, _ = QFileDialog.getOpenFileName(parent, "导入惠民政策", "", "Excel 工作簿 (*.xlsx)")
    return path


def criteria_rows(text: str) -> tuple[tuple[str, str, str], ...]:
    """One criterion a line, "家庭信息 比较 取值" (the core checks each)."""
    rows = []
    for line in text.splitlines():
        parts = line.split()
        if parts:
            rows.append(tuple((parts + ["", "", ""])[:3]))
    return tuple(rows)  # type: ignore[arg-type]


class _ListPage(QWidget):
    """A table and a row of buttons; reloads when the support data changes."""

    HEADERS: tuple[str, ...] = ()
    # Each page says how it reads its rows (on the writer) and shows them.
    load: Callable[[], Any]
    show_rows: Callable[[Any], None]

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor
        self.table: QTableWidget = read_only_table(self.HEADERS)
        self.buttons = QHBoxLayout()
        self.status = QLabel("")
        self.status.setProperty("muted", True)
        self.note = QLabel("")
        self.note.setObjectName("pageNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self.buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.note)
        self.dialog: QWidget | None = None
        change_bus().watch(self, {Change.SUPPORT}, lambda _k: self.reload())

    def button(self, text: str, slot: Callable[[], Any], name: str) -> QPushButton:
        b = QPushButton(text)
        b.setObjectName(name)
        b.clicked.connect(slot)
        self.buttons.addWidget(b)
        return b

    def finish_buttons(self) -> None:
        self.buttons.addStretch(1)

    def reload(self) -> None:
        run_op(self, self.load, on_done=self._loaded)

    def _loaded(self, rows: Any, error: BaseException | None) -> None:
        if error is not None:
            self.status.setText(error_message(error))
            return
        self.items = rows
        self.show_rows(rows)

    def open_form(self, dialog: FormDialog) -> FormDialog:
        self.dialog = dialog
        dialog.accepted.connect(self.reload)
        dialog.open()
        return dialog


class PolicyMenuPage(_ListPage):
    HEADERS = ("部门", "政策名称", "享受条件", "享受内容", "有效期")

    def __init__(
        self,
        store: Store,
        actor: Actor,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile = _choose_xlsx,
    ) -> None:
        super().__init__(store, actor, parent)
        self.choose_file = choose_file
        editable = actor.role == Role.ADMIN
        for text, slot, name in (("新增政策…", self.add, "addPolicy"), ("修改…", self.edit, "editPolicy"),
                                 ("删除", self.remove, "removePolicy"), ("导入xlsx…", self.import_file, "importPolicies")):  # fmt: skip
            self.button(text, slot, name).setEnabled(editable)
        self.finish_buttons()
        self.items: list[PolicyView] = []
        self.reload()

    def load(self) -> list[PolicyView]:
        return list_policies(self.store, self.actor)

    def show_rows(self, rows: list[PolicyView]) -> None:
        fill_table(self.table, [
            (p.department, p.name, p.criteria_text, p.benefit,
             f"{p.valid_from}起" + (f"至{p.valid_to}" if p.valid_to else ""))
            for p in rows
        ], [p.id for p in rows])  # fmt: skip
        self.status.setText(f"共 {len(rows)} 项政策")

    def _form(self, title: str, policy: PolicyView | None) -> FormDialog:
        crit = QPlainTextEdit(
            "\n".join(f"{c.fact} {c.op} {c.value}" for c in policy.criteria) if policy else ""
        )
        crit.setPlaceholderText(
            "每行一个条件：家庭信息 比较 取值，例如\n有残疾成员 = 是\n救助类别 包含 低保"
        )
        fields = [
            ("department", "部门", QLineEdit(policy.department if policy else "")),
            ("name", "政策名称", QLineEdit(policy.name if policy else "")),
            ("benefit", "享受内容", QLineEdit(policy.benefit if policy else "")),
            ("materials", "所需材料", QLineEdit(policy.materials if policy else "")),
            ("contact", "联系方式", QLineEdit(policy.contact if policy else "")),
            ("valid_from", "生效日期", date_edit(policy.valid_from if policy else None)),
            (
                "valid_to",
                "失效日期（可空）",
                QLineEdit(str(policy.valid_to or "") if policy else ""),
            ),
            ("criteria", "享受条件", crit),
        ]
        pid = policy.id if policy else None

        def call(v: dict[str, Any]) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            data = PolicyInput(v["department"], v["name"], v["benefit"], v["materials"], v["contact"],
                               v["valid_from"], v["valid_to"] or None, criteria_rows(v["criteria"]))  # fmt: skip
            return save_policy, (self.store, self.actor, data, pid)

        return self.open_form(FormDialog(title, fields, call, self))

    def add(self) -> FormDialog:
        return self._form("新增惠民政策", None)

    def edit(self) -> FormDialog | None:
        key = row_key(self.table)
        policy = next((p for p in self.items if p.id == key), None)
        return self._form("修改惠民政策", policy) if policy else None

    def remove(self) -> None:
        key = row_key(self.table)
        if key:
            run_op(self, remove_policy, self.store, self.actor, key, on_done=self._done)

    def import_file(self) -> None:
        path = self.choose_file(self)
        if path:
            run_op(self, import_policies, self.store, self.actor, path, on_done=self._imported)

    def _imported(self, rows: Any, error: BaseException | None) -> None:
        if error is not None:
            self.note.setText(f"导入未完成：{error_message(error)}")
            show_error(self, error)
            return
        self.note.setText(f"已导入 {len(rows)} 项政策")

    def _done(self, _r: Any, error: BaseException | None) -> None:
        if error is not None:
            show_error(self, error)


class PartnersPage(_ListPage):
    HEADERS = ("类别", "名称", "联系人", "电话", "可提供的帮扶")

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(store, actor, parent)
        self.button("新增合作单位…", self.add, "addPartner")
        self.finish_buttons()
        self.reload()

    def load(self) -> Any:
        return list_partners(self.store, self.actor)

    def show_rows(self, rows: Any) -> None:
        fill_table(
            self.table,
            [(p.kind_cn, p.name, p.contact, p.phone, p.services) for p in rows],
            [p.id for p in rows],
        )
        self.status.setText(f"共 {len(rows)} 家合作单位")

    def add(self) -> FormDialog:
        fields = [("kind", "类别", code_combo(PARTNER_KINDS)), ("name", "名称", QLineEdit()), ("contact", "联系人", QLineEdit()),
                  ("phone", "电话", QLineEdit()), ("services", "可提供的帮扶", QLineEdit())]  # fmt: skip
        return self.open_form(
            FormDialog(
                "新增合作单位",
                fields,
                lambda v: (save_partner, (self.store, self.actor, PartnerInput(**v))),
                self,
            )
        )


class ProgrammesPage(_ListPage):
    HEADERS = (
        "类型",
        "项目名称",
        "方案/资金来源",
        "承保机构/发放单位",
        "保障期",
        *CATEGORIES.values(),
    )

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(store, actor, parent)
        self.button("新增项目…", self.add, "addProgramme")
        self.button("名单和覆盖情况…", self.open_roster, "openRoster")
        self.finish_buttons()
        self.reload()

    def load(self) -> Any:
        return list_programmes(self.store, self.actor)

    def show_rows(self, rows: Any) -> None:
        fill_table(self.table, [
            (p.kind_cn, p.name, p.plan or p.funding_source, p.payer, f"{p.period_from}至{p.period_to}",
             *(fmt_yuan(p.rates.get(c, Decimal(0))) for c in CATEGORIES))
            for p in rows
        ], [p.id for p in rows])  # fmt: skip
        self.status.setText(f"共 {len(rows)} 个项目")

    def add(self) -> FormDialog:
        fields = [("kind", "类型", code_combo(PROGRAMME_KINDS)), ("name", "项目名称", QLineEdit()),
                  ("plan", "保险方案", QLineEdit()), ("payer", "承保机构/发放单位", QLineEdit()),
                  ("funding_source", "资金来源", QLineEdit()), ("period_from", "保障期起", date_edit()),
                  ("period_to", "保障期止", date_edit()),
                  *((f"rate_{c}", f"{label}（元/人）", QLineEdit()) for c, label in CATEGORIES.items())]  # fmt: skip

        def call(v: dict[str, Any]) -> tuple[Callable[..., Any], tuple[Any, ...]]:
            rates = {c: v.pop(f"rate_{c}") for c in CATEGORIES}
            return save_programme, (self.store, self.actor, ProgrammeInput(**v, rates=rates))

        return self.open_form(
            FormDialog(
                "新增帮扶项目",
                fields,
                call,
                self,
                "保险：每人保费；慰问救助：每人慰问金。不适用的类别填0。",
            )
        )

    def open_roster(self) -> RosterDialog | None:
        key = row_key(self.table)
        programme = next((p for p in self.items if p.id == key), None)
        if programme is None:
            self.note.setText("请先选中一个项目")
            return None
        dialog = RosterDialog(self.store, self.actor, programme, self)
        self.dialog = dialog
        dialog.open()
        return dialog


class ServicesPage(_ListPage):
    HEADERS = ("服务项目", "服务机构", "服务期", "预算（元）", "已服务（元）")

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(store, actor, parent)
        self.button("新增购买服务…", self.add, "addService")
        self.button("分配服务家庭…", self.assign, "assignFamilies").setEnabled(
            actor.role == Role.ADMIN
        )
        self.finish_buttons()
        self.reload()

    def load(self) -> Any:
        return list_services(self.store, self.actor)

    def show_rows(self, rows: Any) -> None:
        fill_table(
            self.table,
            [
                (
                    s.item_cn,
                    s.provider,
                    f"{s.period_from}至{s.period_to}",
                    fmt_yuan(s.budget),
                    fmt_yuan(s.spent),
                )
                for s in rows
            ],
            [s.id for s in rows],
        )
        self.status.setText(f"共 {len(rows)} 项购买服务")

    def add(self) -> FormDialog:
        fields = [("item", "服务项目", code_combo(SERVICE_ITEMS)), ("provider", "服务机构", QLineEdit()),
                  ("period_from", "服务期起", date_edit()), ("period_to", "服务期止", date_edit()), ("budget", "预算金额（元）", QLineEdit())]  # fmt: skip
        return self.open_form(
            FormDialog(
                "新增购买服务",
                fields,
                lambda v: (save_service, (self.store, self.actor, ServiceInput(**v))),
                self,
            )
        )

    def assign(self) -> ProviderFamiliesDialog:
        dialog = ProviderFamiliesDialog(self.store, self.actor, self)
        self.dialog = dialog
        dialog.open()
        return dialog


class SupportAdminPage(QTabWidget):
    """The four catalogues of the support beyond the cash benefit."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("supportAdmin")
        self.policies = PolicyMenuPage(store, actor)
        self.partners = PartnersPage(store, actor)
        self.programmes = ProgrammesPage(store, actor)
        self.services = ServicesPage(store, actor)
        for page, title in ((self.policies, "惠民政策菜单"), (self.partners, "合作单位"),
                            (self.programmes, "保险和慰问项目"), (self.services, "购买服务")):  # fmt: skip
            self.addTab(page, title)
