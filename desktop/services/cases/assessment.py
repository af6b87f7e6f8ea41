"""Assessing one application (资格审核与金额核算): the engine's result for the application's
programme and every other programme, with reasons; the amount and a reason summary are saved
on the application (synced)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from desktop.domain.payment_status import is_paying
from desktop.domain.policy.assess import assess
from desktop.domain.policy.codes import PROGRAMMES
from desktop.domain.policy.household import Hardship
from desktop.domain.policy.result import Assessment, Reason
from desktop.errors import NotFound, ValidationError
from desktop.services.base import Actor, Role, Scope, service, unit_of_work
from desktop.services.cases.check_findings import check_section
from desktop.services.family.household_facts import household_facts
from desktop.services.family.policy_facts import LINSHI_TYPES
from desktop.services.policy.policy_admin import load_policy, policy_version
from desktop.store.models import Application
from desktop.store.store import Store

# Application type → the engine programme it is decided under.
PROGRAMME_OF = {
    "dibao": "dibao",
    "bianyuan": "bianyuan",
    "tekun": "tekun",
    "gangxing": "gangxing",
    "linshi_jinan": "linshi",
    "linshi_zhichu": "linshi",
}


@dataclass(frozen=True)
class ApplicationAssessment:
    """The outcome for one application: the programme decided on, its amount and reasons, the
    saved summary, and the engine's full assessment of every programme."""

    application_id: str
    number: str
    assistance_type: str
    programme: str
    month: date
    eligible: bool
    amount: Decimal
    reasons: tuple[Reason, ...]
    summary: dict[str, Any]
    assessment: Assessment
    pending_check: tuple[str, ...] = ()
    """Differences between the check report and the declaration still to be resolved; while
    any is open the verdict is 待核实 and ``eligible`` is False."""

    @property
    def verdict_cn(self) -> str:
        """符合 / 不符合 / 待核实."""
        if self.pending_check:
            return "待核实"
        return "符合" if self.eligible else "不符合"

    @property
    def programme_name(self) -> str:
        return PROGRAMMES[self.programme]


def _reason(r: Reason) -> dict[str, Any]:
    return {"rule": r.rule, "text": r.text, "ok": r.ok}


def _choose(assistance_type: str, a: Assessment) -> str:
    """The programme the amount comes from: a 低保 application whose family does not qualify
    as a whole may qualify as 单人保 (one member covered alone)."""
    base = PROGRAMME_OF[assistance_type]
    single = a.programmes["dibao_single"].eligible
    if base == "dibao" and not a.programmes["dibao"].eligible and single:
        return "dibao_single"
    return base


def summary_of(a: Assessment, programme: str, version: str, actor: Actor) -> dict[str, Any]:
    """The JSON summary saved on the application: figures, reasons and the other programmes."""
    p = a.programmes[programme]
    return {
        "month": a.month.strftime("%Y-%m"),
        "programme": programme,
        "programme_name": PROGRAMMES[programme],
        "eligible": p.eligible,
        "amount": str(p.amount),
        "standard": str(a.standard),
        "members": a.size,
        "income_total": str(a.income_total),
        "income_per_capita": str(a.income_per_capita),
        "needs_review": a.needs_review,
        "flags": list(p.flags),
        "reasons": [_reason(r) for r in (*a.income_reasons, *p.reasons)],
        "others": {
            code: {"eligible": q.eligible, "amount": str(q.amount)}
            for code, q in a.programmes.items()
            if code != programme
        },
        "policy_version": version,
        "assessed_by": actor.display_name,
        "assessed_on": date.today().isoformat(),
    }


def _with_hardship(app: Application, facts: Any) -> Any:
    kind = LINSHI_TYPES.get(app.assistance_type)
    if kind is None:
        return facts
    if app.hardship_requested is None:
        raise ValidationError("临时救助申请金额", "请先登记申请金额", "required")
    return replace(facts, hardship=Hardship(kind, app.hardship_requested))


@service(
    scope=Scope.APPLICATION("application_id"),
    roles={Role.CLERK, Role.SUPERVISOR, Role.ADMIN},
    changes={"cases"},
)
def assess_application(
    store: Store, actor: Actor, application_id: str, month: date | None = None
) -> ApplicationAssessment:
    """Assess the application's household for the benefit ``month`` (default: this month).

    Income is averaged over the months before the application month for a case not yet paid,
    and before the benefit month for a case in payment. Raises ValidationError / PolicyError
    (naming the field) before anything is saved.
    """
    day = (month or date.today()).replace(day=1)
    policy = load_policy(store)
    version = policy_version(store)
    with unit_of_work(store, actor) as uow:
        app = uow.session.get(Application, application_id)
        if app is None or app.deleted:
            raise NotFound("该申请不存在或已删除")
        if app.assistance_type not in PROGRAMME_OF:
            raise ValidationError("救助类别", f"未知的救助类别“{app.assistance_type}”")
        income_month = day if is_paying(app.state) else app.applied_on.replace(day=1)
        facts = household_facts(uow.session, app.household_id, day, income_month=income_month)
        check = check_section(uow.session, app, facts, day)
        result = assess(_with_hardship(app, check.facts if check else facts), day, policy)
        programme = _choose(app.assistance_type, result)
        p = result.programmes[programme]
        summary = summary_of(result, programme, version, actor)
        pending = tuple(check.open_findings) if check else ()
        reasons: tuple[Reason, ...] = (*result.income_reasons, *p.reasons)
        if check is not None:
            summary["check"] = check.summary
        if pending:
            found = tuple(Reason("check.pending", f"待核实：{t}", False) for t in pending)
            reasons = (*found, *reasons)
            summary["eligible"] = False
            summary["verdict_cn"] = "待核实（核对报告与申报不一致）"
            summary["reasons"] = [_reason(r) for r in found] + summary["reasons"]
        eligible = p.eligible and not pending
        app.benefit_amount = p.amount
        app.benefit_programme = programme
        app.assessment = summary
        verdict = "待核实" if pending else (f"符合，{p.amount} 元/月" if p.eligible else "不符合")
        uow.record(
            app,
            action="assess_application",
            summary=f"核算 {app.number} {day:%Y年%m月} {PROGRAMMES[programme]}：{verdict}",
            data={"month": day, "programme": programme, "amount": p.amount},
        )
        return ApplicationAssessment(
            app.id,
            app.number,
            app.assistance_type,
            programme,
            day,
            eligible,
            p.amount,
            reasons,
            summary,
            result,
            pending,
        )
