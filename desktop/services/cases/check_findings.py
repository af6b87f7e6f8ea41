"""The economic check report (核对报告) in the assessment: the report's figures beside the
declared ones, the differences that block 符合 until a person resolves them (accept the
reported figure, or explain in writing), and the report number taken from the report itself."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.policy.household import Dwelling, Household, Vehicle
from desktop.errors import NotFound, ValidationError
from desktop.money import fmt_yuan
from desktop.services.base import Actor, Role, Scope, require_text, service, unit_of_work
from desktop.services.cases.case_policy import policy_value
from desktop.store.models import Application, Office
from desktop.store.store import Store
from desktop.store.sync_models import CheckReport

TOLERANCE_KEY = "check.tolerance"
RESOLUTIONS = {"accept": "采信核对结果", "explain": "书面说明后维持申报"}
ITEMS = {"deposits": "存款等货币财产", "vehicles": "机动车", "properties": "房产"}
_AREA = re.compile(r"建筑面积\s*([0-9]+(?:\.[0-9]+)?)")
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Figures:
    """What a check report says of the whole family (sums over its members)."""

    deposits: Decimal = ZERO
    vehicles: int = 0
    properties: int = 0
    floor_area: Decimal = ZERO
    wages: Decimal = ZERO


@dataclass(frozen=True)
class CheckSection:
    """The check part of one assessment: the facts to assess (accepted figures applied) and the
    JSON saved in the assessment summary (rows side by side, findings, report number)."""

    facts: Household
    summary: dict[str, Any]

    @property
    def open_findings(self) -> list[str]:
        """The texts of the differences nobody has resolved yet."""
        return [f["text"] for f in self.summary["findings"] if f["open"]]


def report_reference(report_id: str, generated_at: str) -> str:
    """The report's own number (核对报告编号): its date and the start of its id, so the
    window never types it."""
    day = (generated_at or "")[:10].replace("-", "")
    return f"HD{day}-{report_id.replace('-', '')[:8].upper()}"


def _amount(item: dict[str, Any]) -> Decimal:
    try:
        return Decimal(str(item.get("amount") or "0"))
    except InvalidOperation:
        return ZERO


def figures_of(members: list[dict[str, Any]]) -> Figures:
    """The family totals of a report's member list ({name, id_number, items[]})."""
    deposits, wages, area = ZERO, ZERO, ZERO
    vehicles = properties = 0
    for member in members:
        for item in member.get("items", []):
            source = item.get("source")
            if source == "银行存款":
                deposits += _amount(item)
            elif source == "车辆":
                vehicles += int(item.get("count") or 0)
            elif source == "不动产":
                properties += int(item.get("count") or 0)
                found = _AREA.search(str(item.get("summary", "")))
                area += Decimal(found.group(1)) if found else ZERO
            elif source == "人社就业/社保" and "有就业登记" in str(item.get("summary", "")):
                wages += _amount(item)
    return Figures(deposits, vehicles, properties, area, wages)


def latest_report(session: Session, household_id: str) -> CheckReport | None:
    """The newest check report received for the household."""
    return session.scalars(
        select(CheckReport)
        .where(CheckReport.household_id == household_id, CheckReport.deleted.is_(False))
        .order_by(CheckReport.generated_at.desc())
        .limit(1)
    ).first()


def _resolution(resolutions: list[dict[str, Any]], report_id: str, code: str, reported: str):  # type: ignore[no-untyped-def]
    for r in reversed(resolutions or []):
        if r.get("report_id") == report_id and r.get("code") == code:
            return r if r.get("reported") == reported else None
    return None


def _declared(facts: Household) -> tuple[Decimal, int, int]:
    liquid = sum((a for _k, a in facts.liquid_assets), ZERO)
    return liquid, len(facts.vehicles), len(facts.dwellings)


def _accept(facts: Household, code: str, fig: Figures) -> Household:
    """The facts with the reported figure of ``code`` taken instead of the declared one."""
    liquid, cars, homes = _declared(facts)
    if code == "deposits":
        extra = fig.deposits - liquid
        return replace(facts, liquid_assets=(*facts.liquid_assets, ("deposit", extra)))
    if code == "vehicles":
        more = tuple(Vehicle("other") for _ in range(fig.vehicles - cars))
        return replace(facts, vehicles=(*facts.vehicles, *more))
    each = (fig.floor_area / fig.properties).quantize(Decimal("0.01")) if fig.properties else ZERO
    more_homes = tuple(Dwelling(each, True) for _ in range(fig.properties - homes))
    return replace(facts, dwellings=(*facts.dwellings, *more_homes))


def _rows(facts: Household, fig: Figures, tolerance: Decimal) -> list[dict[str, Any]]:
    liquid, cars, homes = _declared(facts)
    return [
        {"code": "deposits", "item": ITEMS["deposits"], "declared": str(liquid),
         "reported": str(fig.deposits), "differs": fig.deposits - liquid > tolerance,
         "text": f"核对报告银行存款{fmt_yuan(fig.deposits)}元，申报货币财产{fmt_yuan(liquid)}元"},
        {"code": "vehicles", "item": ITEMS["vehicles"], "declared": str(cars),
         "reported": str(fig.vehicles), "differs": fig.vehicles > cars,
         "text": f"核对报告登记机动车{fig.vehicles}辆，申报{cars}辆"},
        {"code": "properties", "item": ITEMS["properties"], "declared": str(homes),
         "reported": str(fig.properties), "differs": fig.properties > homes,
         "text": f"核对报告登记房产{fig.properties}处，申报{homes}处"},
    ]  # fmt: skip


def check_section(
    session: Session, app: Application, facts: Household, day: date
) -> CheckSection | None:
    """Compare the newest check report of the family with the declared facts (None when no
    report has arrived). Accepted figures replace the declared ones in the returned facts."""
    report = latest_report(session, app.household_id)
    if report is None:
        return None
    office = session.get(Office, app.hukou_office_id)
    district = office.region_code if office else None
    tolerance = Decimal(str(policy_value(session, TOLERANCE_KEY, day, district)))
    fig = figures_of(list(report.members or []))
    rows = _rows(facts, fig, tolerance)
    findings, used = [], facts
    for row in rows:
        if not row["differs"]:
            continue
        done = _resolution(
            list(app.check_resolutions or []), report.id, row["code"], row["reported"]
        )
        if done is not None and done["resolution"] == "accept":
            used = _accept(used, row["code"], fig)
        findings.append(
            {
                "code": row["code"],
                "text": row["text"],
                "open": done is None,
                "resolution": done["resolution"] if done else "",
                "explanation": done.get("explanation", "") if done else "",
                "resolved_by": done.get("by", "") if done else "",
            }
        )
    summary = {
        "report_id": report.id,
        "reference": report_reference(report.id, report.generated_at),
        "generated_at": report.generated_at,
        "tolerance": str(tolerance),
        "reported_wages": str(fig.wages),
        "rows": rows,
        "findings": findings,
    }
    return CheckSection(used, summary)


@service(
    scope=Scope.APPLICATION("application_id"),
    roles={Role.CLERK, Role.SUPERVISOR, Role.ADMIN},
    changes={"cases"},
)
def resolve_check_finding(
    store: Store,
    actor: Actor,
    application_id: str,
    code: str,
    resolution: str,
    explanation: str = "",
) -> dict[str, Any]:
    """Resolve one difference between the check report and the declaration: ``accept`` the
    reported figure (it then counts in the assessment) or ``explain`` in writing why the
    declared figure stands. Audited and synced; re-assess the application afterwards."""
    if resolution not in RESOLUTIONS:
        raise ValidationError("处理方式", "应为：" + "、".join(RESOLUTIONS.values()))
    text = require_text(
        explanation, "情况说明", max_len=500, multiline=True, required=resolution == "explain"
    )
    with unit_of_work(store, actor) as uow:
        app = uow.session.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该申请不存在或已删除")
        check = (app.assessment or {}).get("check") or {}
        finding = next((f for f in check.get("findings", []) if f["code"] == code), None)
        if finding is None:  # a resolved one may be resolved again: the latest counts
            raise ValidationError("核对差异", "该项没有核对差异，请先重新测算")
        row = next(r for r in check["rows"] if r["code"] == code)
        entry = {
            "report_id": check["report_id"],
            "code": code,
            "reported": row["reported"],
            "declared": row["declared"],
            "resolution": resolution,
            "explanation": text,
            "by": actor.display_name,
            "on": date.today().isoformat(),
        }
        app.check_resolutions = [*(app.check_resolutions or []), entry]
        uow.record(
            app,
            action="resolve_check_finding",
            summary=f"{app.number} 核对差异（{finding['text']}）：{RESOLUTIONS[resolution]}"
            + (f"，说明：{text}" if text else ""),
            data=entry,
        )
        return entry
