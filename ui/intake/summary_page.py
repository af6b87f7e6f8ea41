"""Intake page 5: everything typed at a glance and the 一次性告知 list, then the filing result."""

from __future__ import annotations

import html
from decimal import Decimal
from typing import Any

from PySide6.QtWidgets import QLabel, QTextBrowser, QVBoxLayout, QWidget

from desktop.domain.bank import mask_account
from desktop.domain.household import RELATIONS
from desktop.money import fmt_yuan
from desktop.services.cases.applications import ASSISTANCE_TYPES, CHANNELS
from desktop.services.family.finances import ASSET_KINDS, INCOME_KINDS
from ui.intake.model import IntakeResult, checklist_preview


def _members_html(members: list[dict[str, Any]]) -> str:
    rows = "".join(
        f"<li>{html.escape(m['name'])}（{RELATIONS.get(m['relation'], '')}）"
        f"　{html.escape(m['id_number'])}</li>"
        for m in members
    )
    return f"<h3>家庭成员（{len(members)} 人）</h3><ul>{rows}</ul>"


def summary_html(data: dict[str, Any], offices: dict[str, str]) -> str:
    """The summary as simple HTML (escaped)."""
    h, a = data["household"], data["application"]
    parts = [
        "<h3>家庭</h3>",
        f"<p>居住地：{html.escape(offices.get(h['residence_office_id'], ''))}"
        f"　户籍地：{html.escape(offices.get(h['hukou_office_id'], ''))}<br>"
        f"地址：{html.escape(h['address'])}　社区：{html.escape(h['community'] or '—')}"
        f"　电话：{html.escape(h['phone'] or '—')}</p>",
        _members_html(data["members"]),
    ]
    total = sum((Decimal(i["amount"]) for i in data["incomes"]), Decimal("0"))
    parts.append(
        f"<h3>收入和财产</h3><p>收入 {len(data['incomes'])} 条（合计 {fmt_yuan(total)} 元）："
        + "、".join(sorted({INCOME_KINDS[i["kind"]] for i in data["incomes"]}) or ["无"])
        + f"<br>财产 {len(data['assets'])} 项："
        + "、".join(ASSET_KINDS[x["kind"]] for x in data["assets"])
        + "</p>"
    )
    b = data.get("bank") or {}
    account = (
        f"{html.escape(b.get('bank_name', ''))}　户名：{html.escape(b.get('holder', ''))}"
        f"　账号：{html.escape(mask_account(b.get('number', '')))}"
        if b.get("number")
        else "未登记（可稍后在案件页补录）"
    )
    parts.append(f"<h3>收款账户</h3><p>{account}</p>")
    proxy = f"　代办人：{html.escape(a['proxy_name'])}" if a.get("proxy_name") else ""
    relative = "　<b>近亲属备案</b>" if a.get("staff_relative") else ""
    parts.append(
        f"<h3>申请事项</h3><p>{ASSISTANCE_TYPES.get(a.get('assistance_type', ''), '')}"
        f"　{CHANNELS.get(a.get('channel', ''), '')}　申请日期 {a.get('applied_on', '')}"
        f"{proxy}{relative}</p>"
    )
    docs = "".join(
        f"<li>{html.escape(k.title)}{('（' + html.escape(k.note) + '）') if k.note else ''}</li>"
        for k in checklist_preview(data)
    )
    parts.append(f"<h3>一次性告知：需申请人提交的材料</h3><ol>{docs}</ol>")
    parts.append("<p>身份证、户口簿、残疾人证、婚姻登记信息经共享数据核验，不再收取。</p>")
    return "".join(parts)


class SummaryPage(QWidget):
    """Read-only summary; the dialog's 提交受理 button files it."""

    title = "核对并提交"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QTextBrowser()
        self.view.setObjectName("intakeSummary")
        self.status = QLabel()
        self.status.setObjectName("intakeStatus")
        self.status.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

    def first_focus(self) -> QWidget:
        return self.view

    def show_data(self, data: dict[str, Any], offices: dict[str, str]) -> None:
        self.view.setHtml(summary_html(data, offices))
        self.set_status("请核对以上信息，按 Alt+S 提交受理。", error=False)

    def set_status(self, text: str, *, error: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b3261e; font-weight: bold;" if error else "")

    def show_result(self, result: IntakeResult) -> None:
        app = result.application
        docs = "".join(f"<li>{html.escape(d.title)}</li>" for d in result.missing)
        self.view.setHtml(
            f"<h2>已受理：{html.escape(app.applicant_name)} 的{app.type_label}申请</h2>"
            f"<p>申请编号：<b>{html.escape(app.number)}</b>　申请日期：{app.applied_on}</p>"
            f"<h3>一次性告知：还需提交 {len(result.missing)} 项材料</h3><ol>{docs}</ol>"
        )
        self.set_status("已保存。可打印《一次性告知书》交申请人签收（Alt+P）。", error=False)
