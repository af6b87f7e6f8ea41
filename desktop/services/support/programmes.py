"""Group programmes: insurance bought for the families in the programme (plan, insurer, premium
per category, period) and holiday or hardship relief (amount per category, funding source);
the roster generated from the families paid on a date, reviewed, exported as xlsx for the
insurer or payer, and the coverage (全覆盖: who in the programme is not covered and why)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.domain.ids import mask_id
from desktop.domain.support.programmes import (
    CATEGORIES,
    PROGRAMME_KINDS,
    category_of,
    check_rates,
)
from desktop.domain.workflow.model import AssistanceType
from desktop.errors import NotFound, ValidationError
from desktop.services.base import (
    ALL_ROLES,
    PAYER_ROLES,
    Actor,
    Change,
    Role,
    Scope,
    UnitOfWork,
    choice,
    require_text,
    service,
    unit_of_work,
)
from desktop.services.support.common import PAYING_CODES, check_period, require_date
from desktop.store.models import Application, Household, Person
from desktop.store.store import Store
from desktop.store.support_models import ProgrammeRoster, RosterLine, SupportProgramme

EDITORS = {Role.ADMIN, Role.SUPERVISOR}
ROSTER_STATUS = {"draft": "待审核", "reviewed": "已审核"}


@dataclass(frozen=True)
class ProgrammeInput:
    kind: str
    name: str
    plan: str
    payer: str
    funding_source: str
    period_from: object
    period_to: object
    rates: Mapping[str, object]


@dataclass(frozen=True)
class ProgrammeView:
    id: str
    kind: str
    name: str
    plan: str
    payer: str
    funding_source: str
    period_from: date
    period_to: date
    rates: dict[str, Decimal]

    @property
    def kind_cn(self) -> str:
        return PROGRAMME_KINDS[self.kind]


@dataclass(frozen=True)
class RosterPerson:
    household_id: str
    person_id: str
    name: str
    id_number: str
    category: str
    amount: Decimal
    community: str

    @property
    def category_cn(self) -> str:
        return CATEGORIES[self.category]


@dataclass(frozen=True)
class Excluded:
    """A member of a family in the programme who is not covered, and why."""

    household_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class RosterView:
    id: str
    programme: ProgrammeView
    as_of: date
    status: str
    persons: tuple[RosterPerson, ...]
    excluded: tuple[Excluded, ...]
    total: Decimal
    reviewed_by: str

    @property
    def status_cn(self) -> str:
        return ROSTER_STATUS[self.status]

    def by_category(self) -> dict[str, tuple[int, Decimal]]:
        out: dict[str, tuple[int, Decimal]] = {}
        for p in self.persons:
            n, total = out.get(p.category, (0, Decimal("0.00")))
            out[p.category] = (n + 1, total + p.amount)
        return out


def _programme(p: SupportProgramme) -> ProgrammeView:
    rates = {k: Decimal(str(v)) for k, v in p.rates.items()}
    return ProgrammeView(
        p.id, p.kind, p.name, p.plan, p.payer, p.funding_source, p.period_from, p.period_to, rates
    )


@service(
    roles=EDITORS, scope=Scope.NONE("the office's programmes, no family"), changes={Change.SUPPORT}
)
def save_programme(
    store: Store, actor: Actor, data: ProgrammeInput, programme_id: str | None = None
) -> ProgrammeView:
    """Add or change a programme; every amount is checked (not negative, not absurd)."""
    choice(data.kind, "项目类型", PROGRAMME_KINDS)
    insurance = data.kind == "insurance"
    name = require_text(data.name, "项目名称", max_len=80)
    plan = require_text(data.plan, "保险方案", max_len=80, required=insurance)
    payer = require_text(data.payer, "承保机构" if insurance else "发放单位", max_len=80)
    source = require_text(data.funding_source, "资金来源", max_len=80, required=not insurance)
    start, end = check_period(data.period_from, data.period_to, "保障期起", "保障期止")
    rates = check_rates(data.kind, data.rates)
    if not any(rates.values()):
        raise ValidationError("保费标准" if insurance else "慰问金标准", "至少一个类别应大于0")
    with unit_of_work(store, actor) as uow:
        row = uow.session.get(SupportProgramme, programme_id) if programme_id else None
        if programme_id and (row is None or row.deleted or row.office_code != actor.office_code):
            raise NotFound("该项目不存在或已删除")
        new = row is None
        row = row or SupportProgramme(office_code=actor.office_code)
        row.kind, row.name, row.plan, row.payer, row.funding_source = (
            data.kind,
            name,
            plan,
            payer,
            source,
        )
        row.period_from, row.period_to = start, end
        row.rates = {k: str(v) for k, v in rates.items()}
        uow.record(
            row,
            action="save_support_programme",
            summary=f"{'新增' if new else '修改'}{PROGRAMME_KINDS[data.kind]}项目：{name}（{start}至{end}）",
            data={"rates": row.rates},
        )
        return _programme(row)


@service(roles=ALL_ROLES, scope=Scope.NONE("the office's programmes, no family"))
def list_programmes(store: Store, actor: Actor) -> list[ProgrammeView]:
    with store.sessions.read() as s:
        rows = s.scalars(
            select(SupportProgramme)
            .where(
                SupportProgramme.deleted.is_(False),
                SupportProgramme.office_code == actor.office_code,
            )
            .order_by(SupportProgramme.period_from.desc(), SupportProgramme.name)
        )
        return [_programme(r) for r in rows]


def _own_programme(session: Session, actor: Actor, programme_id: str) -> SupportProgramme:
    row = session.get(SupportProgramme, programme_id)
    if row is None or row.deleted or row.office_code != actor.office_code:
        raise ValidationError("项目", "该项目不存在，请先登记项目（保险方案或慰问标准）")
    return row


def _families(session: Session, actor: Actor) -> dict[str, set[str]]:
    """Households the office pays now (its registration families in payment) → their types."""
    rows = session.execute(
        select(Application.household_id, Application.assistance_type).where(
            Application.deleted.is_(False),
            Application.state.in_(PAYING_CODES),
            Application.hukou_office_id == actor.office_id,
        )
    )
    out: dict[str, set[str]] = {}
    for hid, kind in rows:
        out.setdefault(hid, set()).add(kind)
    return out


def _members(
    session: Session, programme: SupportProgramme, as_of: date, families: dict[str, set[str]]
) -> tuple[list[RosterPerson], list[Excluded]]:
    rates = {k: Decimal(str(v)) for k, v in programme.rates.items()}
    people, excluded = [], []
    communities = dict(
        session.execute(
            select(Household.id, Household.community).where(Household.id.in_(sorted(families)))
        ).all()
    )
    persons = session.scalars(
        select(Person)
        .where(Person.household_id.in_(sorted(families)), Person.deleted.is_(False))
        .order_by(Person.household_id, Person.relation != "applicant", Person.birth_date)
    )
    for p in persons:
        if (
            p.non_member_reason
            or not p.lives_with_family
            and p.relation not in ("applicant", "spouse")
        ):
            excluded.append(Excluded(p.household_id, p.name, "不是共同生活的家庭成员"))
            continue
        if p.birth_date > as_of:
            continue
        category = category_of(
            p.birth_date, as_of, AssistanceType.TEKUN in families[p.household_id]
        )
        amount = rates.get(category, Decimal("0"))
        if not p.id_number:
            excluded.append(Excluded(p.household_id, p.name, "缺少公民身份号码，无法投保或发放"))
        elif amount <= 0:
            excluded.append(
                Excluded(p.household_id, p.name, f"{CATEGORIES[category]}不在本项目范围（标准为0）")
            )
        else:
            people.append(
                RosterPerson(
                    p.household_id,
                    p.id,
                    p.name,
                    p.id_number,
                    category,
                    amount,
                    communities.get(p.household_id, ""),
                )
            )
    return people, excluded


def _roster_view(session: Session, roster: ProgrammeRoster) -> RosterView:
    programme = session.get(SupportProgramme, roster.programme_id)
    assert programme is not None
    lines = session.scalars(
        select(RosterLine).where(RosterLine.roster_id == roster.id, RosterLine.deleted.is_(False))
    )
    persons = tuple(
        RosterPerson(
            line.household_id,
            m["person_id"],
            m["name"],
            m["id_number"],
            m["category"],
            Decimal(m["amount"]),
            m.get("community", ""),
        )  # fmt: skip
        for line in lines
        for m in line.members
    )
    excluded = tuple(Excluded(e["household_id"], e["name"], e["reason"]) for e in roster.excluded)
    return RosterView(
        roster.id, _programme(programme), roster.as_of, roster.status, persons, excluded,
        roster.total, roster.reviewed_by,
    )  # fmt: skip


def _drop_draft(uow: UnitOfWork, roster: ProgrammeRoster) -> None:
    lines = uow.session.scalars(
        select(RosterLine).where(RosterLine.roster_id == roster.id, RosterLine.deleted.is_(False))
    ).all()
    uow.record_many(
        [(line, "重新生成名单，撤销原名单行") for line in lines],
        action="drop_roster_line",
        op="delete",
    )
    uow.record(roster, action="drop_roster", summary="重新生成名单，撤销原待审核名单", op="delete")


@service(
    roles=EDITORS,
    scope=Scope.NONE("every family the office pays, by its own query"),
    changes={Change.SUPPORT},
)
def generate_roster(store: Store, actor: Actor, programme_id: str, as_of: object) -> RosterView:
    """The roster of the families in payment on ``as_of`` (all or nothing); a draft of the
    same date is replaced, a reviewed one is kept and the call refused."""
    day = require_date(as_of, "名单日期")
    with unit_of_work(store, actor) as uow:
        programme = _own_programme(uow.session, actor, programme_id)
        if not programme.period_from <= day <= programme.period_to:
            raise ValidationError(
                "名单日期",
                f"{day}不在“{programme.name}”的保障期（{programme.period_from}至{programme.period_to}）内，该期间没有计划",
            )
        check_rates(programme.kind, programme.rates)  # a synced row is checked like a typed one
        for old in uow.session.scalars(
            select(ProgrammeRoster).where(
                ProgrammeRoster.programme_id == programme.id,
                ProgrammeRoster.as_of == day,
                ProgrammeRoster.deleted.is_(False),
            )
        ):
            if old.status == "reviewed":
                raise ValidationError("名单日期", f"{day}的名单已审核，不能重新生成")
            _drop_draft(uow, old)
        families = _families(uow.session, actor)
        if not families:
            raise ValidationError("名单日期", "本街道没有在保家庭，无法生成名单")
        people, excluded = _members(uow.session, programme, day, families)
        roster = ProgrammeRoster(
            office_code=actor.office_code, programme_id=programme.id, as_of=day, status="draft",
            persons=len(people), total=sum((p.amount for p in people), Decimal("0.00")),
            excluded=[{"household_id": e.household_id, "name": e.name, "reason": e.reason} for e in excluded],
            generated_by=actor.display_name,
        )  # fmt: skip
        uow.record(
            roster,
            action="generate_roster",
            summary=f"生成{programme.name}名单（{day}）：{len(people)}人，合计{roster.total}元",
        )
        by_household: dict[str, list[RosterPerson]] = {}
        for p in people:
            by_household.setdefault(p.household_id, []).append(p)
        lines = []
        for hid, members in by_household.items():
            line = RosterLine(
                roster_id=roster.id, household_id=hid, programme_name=programme.name,
                programme_kind=programme.kind, period_from=programme.period_from, status="draft",
                members=[{"person_id": m.person_id, "name": m.name, "id_number": m.id_number,
                          "category": m.category, "amount": str(m.amount), "community": m.community} for m in members],
                amount=sum((m.amount for m in members), Decimal("0.00")),
            )  # fmt: skip
            lines.append((line, f"纳入{programme.name}名单：{members[0].name}家 {len(members)}人"))
        uow.record_many(lines, action="add_roster_line")
        return _roster_view(uow.session, roster)


def _own_roster(session: Session, actor: Actor, roster_id: str) -> ProgrammeRoster:
    roster = session.get(ProgrammeRoster, roster_id)
    if roster is None or roster.deleted or roster.office_code != actor.office_code:
        raise NotFound("该名单不存在或已撤销")
    return roster


@service(
    roles={Role.SUPERVISOR, Role.ADMIN},
    scope=Scope.NONE("a roster of the office's families"),
    changes={Change.SUPPORT},
)
def review_roster(store: Store, actor: Actor, roster_id: str, on: date) -> RosterView:
    """Mark a draft roster reviewed (审核); only a reviewed roster is exported or printed."""
    with unit_of_work(store, actor) as uow:
        roster = _own_roster(uow.session, actor, roster_id)
        if roster.status == "reviewed":
            raise ValidationError("名单状态", "该名单已审核")
        roster.status, roster.reviewed_by, roster.reviewed_on = (
            "reviewed",
            actor.display_name,
            require_date(on, "审核日期"),
        )
        uow.record(
            roster,
            action="review_roster",
            summary=f"审核名单：{roster.persons}人，合计{roster.total}元",
        )
        lines = uow.session.scalars(
            select(RosterLine).where(
                RosterLine.roster_id == roster.id, RosterLine.deleted.is_(False)
            )
        ).all()
        for line in lines:
            line.status = "reviewed"
        uow.record_many([(line, "名单已审核") for line in lines], action="review_roster_line")
        return _roster_view(uow.session, roster)


@service(roles=ALL_ROLES, scope=Scope.NONE("a roster of the office's families"))
def get_roster(store: Store, actor: Actor, roster_id: str) -> RosterView:
    """A roster with ID numbers masked unless the actor sees personal data in full."""
    with store.sessions.read() as s:
        view = _roster_view(s, _own_roster(s, actor, roster_id))
    if actor.sees_full_personal_data():
        return view
    masked = tuple(
        RosterPerson(**{**p.__dict__, "id_number": mask_id(p.id_number)}) for p in view.persons
    )
    return RosterView(**{**view.__dict__, "persons": masked})


@service(roles=ALL_ROLES, scope=Scope.NONE("the office's rosters"))
def list_rosters(
    store: Store, actor: Actor, programme_id: str
) -> list[tuple[str, date, str, int, Decimal]]:
    """(id, date, status, persons, total) of a programme's rosters, newest first."""
    with store.sessions.read() as s:
        rows = s.scalars(
            select(ProgrammeRoster)
            .where(
                ProgrammeRoster.programme_id == programme_id,
                ProgrammeRoster.deleted.is_(False),
                ProgrammeRoster.office_code == actor.office_code,
            )
            .order_by(ProgrammeRoster.as_of.desc())
        )
        return [(r.id, r.as_of, r.status, r.persons, r.total) for r in rows]


def reviewed_roster(session: Session, actor: Actor, roster_id: str) -> RosterView:
    """A reviewed roster in full, for the export and the printed sheet (which masks it)."""
    view = _roster_view(session, _own_roster(session, actor, roster_id))
    if view.status != "reviewed":
        raise ValidationError("名单状态", "名单审核后才能导出或打印")
    return view


@service(roles=PAYER_ROLES, scope=Scope.NONE("a roster of the office's families"))
def export_roster_xlsx(store: Store, actor: Actor, roster_id: str, path: Path | str) -> Path:
    """The reviewed roster for the insurer or payer: full ID numbers (an internal document)."""
    with store.sessions.read() as s:
        view = reviewed_roster(s, actor, roster_id)
    p = view.programme
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    title = f"{p.name}{'投保' if p.kind == 'insurance' else '发放'}名单（{view.as_of}）"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            f"{'承保机构' if p.kind == 'insurance' else '发放单位'}：{p.payer}",
            f"方案：{p.plan or p.funding_source}",
            f"保障期：{p.period_from}至{p.period_to}",
        ]
    )
    sheet.append(["序号", "姓名", "公民身份号码", "类别", "金额（元）", "社区"])
    for i, person in enumerate(view.persons, 1):
        sheet.append(
            [i, person.name, person.id_number, person.category_cn, person.amount, person.community]
        )
        sheet.cell(row=sheet.max_row, column=5).number_format = "0.00"
    sheet.append(["合计", f"{len(view.persons)}人", "", "", view.total, ""])
    sheet.cell(row=sheet.max_row, column=5).number_format = "0.00"
    for col, width in zip("ABCDEF", (6, 12, 22, 10, 12, 16), strict=True):
        sheet.column_dimensions[col].width = width
    out = Path(path)
    book.save(out)
    with unit_of_work(store, actor) as uow:
        uow.audit(
            "export_roster",
            "programme_roster",
            roster_id,
            f"导出名单 xlsx：{title}，{len(view.persons)}人",
        )
    return out


@service(roles=ALL_ROLES, scope=Scope.NONE("a roster of the office's families, masked"))
def public_roster(store: Store, actor: Actor, roster_id: str) -> RosterView:
    """The reviewed roster for a public sheet: ID numbers always masked."""
    with store.sessions.read() as s:
        view = reviewed_roster(s, actor, roster_id)
    masked = tuple(
        RosterPerson(**{**p.__dict__, "id_number": mask_id(p.id_number)}) for p in view.persons
    )
    return RosterView(**{**view.__dict__, "persons": masked})


@dataclass(frozen=True)
class Coverage:
    """全覆盖: of the persons in the families paid now, who the latest reviewed roster covers."""

    programme: ProgrammeView
    roster_date: date | None
    in_programme: int
    covered: int
    not_covered: tuple[Excluded, ...]

    @property
    def rate(self) -> Decimal:
        if not self.in_programme:
            return Decimal("0.0")
        return (Decimal(self.covered * 100) / self.in_programme).quantize(Decimal("0.1"))


@service(roles=ALL_ROLES, scope=Scope.NONE("every family the office pays, counted"))
def programme_coverage(store: Store, actor: Actor, programme_id: str, on: date) -> Coverage:
    """Who in the programme (families paid on ``on``) is not covered, and why."""
    with store.sessions.read() as s:
        programme = _own_programme(s, actor, programme_id)
        roster = s.scalars(
            select(ProgrammeRoster)
            .where(
                ProgrammeRoster.programme_id == programme.id,
                ProgrammeRoster.deleted.is_(False),
                ProgrammeRoster.status == "reviewed",
            )
            .order_by(ProgrammeRoster.as_of.desc())
        ).first()
        families = _families(s, actor)
        people, excluded = _members(s, programme, on, families)
        covered_ids: set[str] = set()
        missing: list[Excluded] = list(excluded)
        if roster is not None:
            for line in s.scalars(
                select(RosterLine).where(
                    RosterLine.roster_id == roster.id, RosterLine.deleted.is_(False)
                )
            ):
                covered_ids.update(m["person_id"] for m in line.members)
        for p in people:
            if p.person_id in covered_ids:
                continue
            why = (
                "尚无已审核名单"
                if roster is None
                else f"{roster.as_of}名单生成后纳入保障，待补充名单"
            )
            missing.append(Excluded(p.household_id, p.name, why))
        covered = sum(1 for p in people if p.person_id in covered_ids)
        return Coverage(
            _programme(programme),
            roster.as_of if roster else None,
            len(people) + len(excluded),
            covered,
            tuple(missing),
        )


def roster_rows(view: RosterView) -> list[dict[str, Any]]:
    """Plain rows of a roster for screens and sheets."""
    return [
        {
            "name": p.name,
            "id_number": p.id_number,
            "category": p.category_cn,
            "amount": p.amount,
            "community": p.community,
        }
        for p in view.persons
    ]
