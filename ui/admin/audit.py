"""操作日志 page: this desk's audit trail, newest first, and the check of its hash chain that
names the first broken link (the same check as ``python -m desktop verify-audit``)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.services.accounts.audit_trail import AuditLine, recent_audit_lines, verify_audit_trail
from desktop.services.base import ROLE_LABELS, Actor, Role
from desktop.services.changes import Change
from desktop.store.store import Store
from ui import ops, theme
from ui.dashboard_parts import fill_table, read_only_table
from ui.errors import error_message

HEADERS = ("序号", "时间", "操作人", "角色", "操作", "摘要")


class AuditPage(QWidget):
    """The log lines and a 检查日志完整性 button with its verdict."""

    def __init__(self, store: Store, actor: Actor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.lines: list[AuditLine] = []
        self.check_button = QPushButton("检查日志完整性")
        self.check_button.clicked.connect(self.check)
        self.verdict = QLabel("尚未检查")
        self.verdict.setObjectName("auditVerdict")
        self.verdict.setWordWrap(True)
        self.table = read_only_table(HEADERS, stretch=5)
        top = QHBoxLayout()
        top.addWidget(self.check_button)
        top.addWidget(self.verdict, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        ops.change_bus().watch(self, {Change.USERS, Change.CASES}, lambda _k: self.reload())
        self.reload()

    def reload(self) -> None:
        ops.run_op(self, recent_audit_lines, self.store, self.actor, on_done=self._loaded)

    def _loaded(self, lines: Any, error: BaseException | None) -> None:
        if error is not None:
            self.verdict.setText(error_message(error))
            return
        self.lines = list(lines)
        rows = [
            (
                "" if line.seq is None else str(line.seq),
                line.at.strftime("%Y-%m-%d %H:%M:%S"),
                line.actor_name,
                ROLE_LABELS.get(Role(line.role), line.role) if line.role in Role else line.role,
                line.action_label,
                line.summary,
            )
            for line in self.lines
        ]
        fill_table(self.table, rows)

    def check(self) -> None:
        ops.run_op(self, verify_audit_trail, self.store, self.actor, on_done=self._checked)

    def _checked(self, report: Any, error: BaseException | None) -> None:
        if error is not None:
            self.verdict.setText(error_message(error))
            return
        lines = [
            (report.chain.message(), report.chain.ok),
            (report.policy.message(), report.policy.ok),
        ]
        self.verdict.setText(
            "<br>".join(
                html.escape(text)
                if ok
                else f"<b style='color: {theme.ERROR};'>{html.escape(text)}</b>"
                for text, ok in lines
            )
        )
