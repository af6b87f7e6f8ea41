"""The monthly benefit run as a service: first run records every case, a re-run changes
nothing and says so, changes are reported, written and queued for sync, cancel leaves nothing."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select, text

from desktop.errors import PermissionDenied
from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.family.policy_facts import PersonPolicyFacts, record_person_facts
from desktop.services.payment.benefit_ledger import HEADERS, export_run_xlsx, list_runs, run_lines
from desktop.services.payment.benefits import run_monthly_benefits
from desktop.store.models import Application, Office, OutboxEntry, Person
from desktop.store.outbox import payload_of
from tests.policy_store.conftest import counts, enter_family, set_state

THIS_MONTH = date.today().replace(day=1)


def _amounts(store) -> dict[str, Decimal | None]:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return dict(s.execute(select(Application.id, Application.benefit_amount)).all())


def _paid_dibao_case(store, office_id: str = "") -> Application:  # type: ignore[no-untyped-def]
    """The first paid 低保 case (of a family ``office_id`` pays — its registration office —
    when given)."""
    with store.sessions.read() as s:
        mine = (
            Application.hukou_office_id == office_id if office_id else Application.id.is_not(None)
        )
        return s.scalars(
            select(Application)
            .where(
                Application.state == "paying",
                Application.assistance_type == "dibao",
                Application.benefit_amount > 0,
                mine,
            )
            .order_by(Application.number)
        ).first()


def test_demo_cases_in_payment_have_amounts(supervisor) -> None:  # type: ignore[no-untyped-def]
    store, _ = supervisor
    with store.sessions.read() as s:
        rows = s.execute(
            select(Application.benefit_amount, Application.benefit_programme).where(
                Application.state == "paying",
                Application.assistance_type.in_(("dibao", "bianyuan", "tekun")),
            )
        ).all()
        queued = s.scalar(text("SELECT count(*) FROM outbox WHERE entity = 'application'"))
    assert rows and all(amount is not None and programme for amount, programme in rows)
    assert any(amount > 0 for amount, _ in rows)
    assert queued == 0, "demo amounts are written as already-synced data"


def test_first_run_records_every_case_and_rerun_changes_nothing(supervisor) -> None:  # type: ignore[no-untyped-def]
    store, actor = supervisor
    seen: list[tuple[int, int, str]] = []
    first = run_monthly_benefits(store, actor, THIS_MONTH, progress=lambda *a: seen.append(a))
    assert first.run_id is not None and first.cases > 0 and not first.already_done
    assert first.changed == 0, "demo seeding already settled this month's amounts"
    assert sum(first.counts.values()) == first.cases
    assert len(run_lines(store, first.run_id)) == first.cases
    assert seen and seen[-1][0] == seen[-1][1]
    before, amounts = counts(store), _amounts(store)
    again = run_monthly_benefits(store, actor, THIS_MONTH)
    assert again.already_done and again.changed == 0 and again.run_id is None
    assert "已核算过" in again.message and "未写入" in again.message
    assert counts(store) == before and _amounts(store) == amounts


def test_changed_income_is_reported_written_and_queued(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    clerk_store, clerk = desk.as_user("clerk")
    run_monthly_benefits(store, actor, THIS_MONTH)
    case = _paid_dibao_case(store, clerk.office_id)
    for back in (1, 2, 3):
        idx = THIS_MONTH.year * 12 + THIS_MONTH.month - 1 - back
        month = date(idx // 12, idx % 12 + 1, 1)
        add_income(
            clerk_store, clerk, case.household_id,
            IncomeInput("wage", month, "9000", case.applicant_id),
        )  # fmt: skip
    report = run_monthly_benefits(store, actor, THIS_MONTH)
    assert report.changed == 1 and not report.already_done
    (line,) = report.changes
    assert (line.application_id, line.kind, line.old) == (case.id, "stop", case.benefit_amount)
    assert line.new == Decimal("0.00") and "补充核算" in report.message
    assert len(run_lines(store, report.run_id)) == 1, "a supplementary run lists what changed"
    with store.sessions.read() as s:
        app = s.get(Application, case.id)
        entry = s.scalars(
            select(OutboxEntry).where(
                OutboxEntry.entity_id == case.id, OutboxEntry.state == "pending"
            )
        ).one()
        assert app is not None and app.benefit_amount == Decimal("0.00") and app.dirty
        assert entry.payload == payload_of(app), "the bulk payload is the ordinary payload"
        codes = {
            s.get(Office, app.residence_office_id).code,  # type: ignore[union-attr]
            s.get(Office, app.hukou_office_id).code,  # type: ignore[union-attr]
        }
        assert entry.entity == "application" and set(entry.offices) == codes
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", entry.change_id
        )
    assert run_monthly_benefits(store, actor, THIS_MONTH).already_done


@pytest.mark.parametrize("when", ["at_once", "while_writing"])
def test_cancel_leaves_nothing_written(supervisor, when) -> None:  # type: ignore[no-untyped-def]
    store, actor = supervisor
    month = date(2025, 11, 1)  # incomes fall out of the window: many amounts would change
    before, amounts = counts(store), _amounts(store)
    writing = {"on": when == "at_once"}

    def progress(done: int, total: int, text_: str) -> None:
        writing["on"] = writing["on"] or text_ == "写入发放记录"

    report = run_monthly_benefits(store, actor, month, progress, lambda: writing["on"])
    assert report.cancelled and report.run_id is None and "取消" in report.message
    assert counts(store) == before and _amounts(store) == amounts
    done = run_monthly_benefits(store, actor, month)
    assert done.changed > 0 and not done.cancelled


def test_only_supervisor_or_admin_runs(desk) -> None:  # type: ignore[no-untyped-def]
    for username in ("clerk", "surveyor", "coordinator"):
        store, actor = desk.as_user(username)
        with pytest.raises(PermissionDenied):
            run_monthly_benefits(store, actor, THIS_MONTH)
    store, actor = desk.as_user("admin")
    assert run_monthly_benefits(store, actor, THIS_MONTH).run_id is not None


def test_gradual_exit_keeps_paying_and_remembers_its_start(desk) -> None:  # type: ignore[no-untyped-def]
    clerk_store, clerk = desk.as_user("clerk")
    store, actor = desk.as_user("supervisor")
    family = enter_family(clerk_store, clerk)
    set_state(store, family.application_id, "paying")
    first = run_monthly_benefits(store, actor, date(2025, 10, 1))
    mine = [c for c in first.changes if c.application_id == family.application_id]
    assert mine and mine[0].new == Decimal("2047.00")
    father = family.person_ids["张建国"]
    record_person_facts(
        clerk_store, clerk, father, PersonPolicyFacts(found_work_on=date(2025, 10, 20))
    )
    for month in (date(2025, 8, 1), date(2025, 9, 1), date(2025, 10, 1), date(2025, 11, 1)):
        add_income(
            clerk_store, clerk, family.household_id, IncomeInput("wage", month, "6000", father)
        )
    nov = run_monthly_benefits(store, actor, date(2025, 11, 1))
    (line,) = [c for c in nov.changes if c.application_id == family.application_id]
    assert (line.kind, line.old, line.new) == (
        "gradual_exit",
        Decimal("2047.00"),
        Decimal("2047.00"),
    )
    assert line.gradual_exit_since == date(2025, 11, 1)
    dec = run_monthly_benefits(store, actor, date(2025, 12, 1))
    assert family.application_id not in {c.application_id for c in dec.changes}
    with store.sessions.read() as s:
        app = s.get(Application, family.application_id)
        assert app is not None
        assert (app.gradual_exit_since, app.benefit_amount) == (
            date(2025, 11, 1),
            Decimal("2047.00"),
        )


def test_case_with_bad_data_is_skipped_and_named(desk) -> None:  # type: ignore[no-untyped-def]
    clerk_store, clerk = desk.as_user("clerk")
    store, actor = desk.as_user("supervisor")
    case = _paid_dibao_case(store, actor.office_id)
    with store.sessions.write() as s:  # a value the window refuses, as synced from an older desk
        person = s.get(Person, case.applicant_id)
        assert person is not None
        person.employment = "打零工"
    report = run_monthly_benefits(store, actor, THIS_MONTH)
    assert report.run_id is not None and report.cases > 0
    ((number, message),) = report.skipped
    assert number == case.number and "就业情况" in message and person.name in message
    assert "1 户数据有误" in report.message
    assert _amounts(store)[case.id] == case.benefit_amount


def test_ledger_reads_back_with_masked_ids(desk, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    clerk_store, clerk = desk.as_user("clerk")
    store, actor = desk.as_user("supervisor")
    family = enter_family(clerk_store, clerk)
    set_state(store, family.application_id, "paying")
    report = run_monthly_benefits(store, actor, date(2025, 10, 1))
    assert [r.id for r in list_runs(store, date(2025, 10, 1))] == [report.run_id]
    path = export_run_xlsx(store, report.run_id, tmp_path / "台账.xlsx")
    sheet = openpyxl.load_workbook(path)["发放台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "2025年10月" in rows[0][0] and rows[2] == HEADERS
    body, total = rows[3:-1], rows[-1]
    assert len(body) == report.cases and total[0] == "合计"
    ours = next(r for r in body if r[1] == "张建国")
    assert ours[3] == "最低生活保障（低保）" and ours[4] is None
    assert (ours[5], ours[6]) == (2047, 2047) and "首次" in ours[7]
    assert all(re.fullmatch(r"\d{6}\*{8}[\dX]{4}", r[2]) for r in body)
    assert round(sum(r[5] for r in body), 2) == round(float(total[5]), 2)
    assert round(float(total[5]), 2) == float(report.total_new)
