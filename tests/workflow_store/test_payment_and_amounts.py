"""One case all the way to the monthly payment: an archived paying family stays in the run,
the Excel ledger and the roster until 停发; the check report's figures enter the assessment;
the confirmed amount equals the calculation unless a reason and a second approver are given."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from desktop.errors import ValidationError, WorkflowError
from desktop.services.accounts.auth import create_user
from desktop.services.cases.assessment import assess_application
from desktop.services.cases.check_findings import report_reference, resolve_check_finding
from desktop.services.cases.workflow import (
    accept_application,
    finalize_survey,
    get_case,
    perform,
    record_check_report,
    record_survey_from_record,
    start_payment,
)
from desktop.services.family.households import BankInput, set_bank_account
from desktop.services.payment.benefit_ledger import export_run_xlsx, run_lines
from desktop.services.payment.benefits import run_monthly_benefits
from desktop.store.models import Application, AuditEvent, Document, OutboxEntry
from desktop.store.sync_models import CheckReport
from printing.letters import approval_letter_for
from printing.records import payment_roster_for
from reports.letters import render_approval_letter
from tests.support import TEST_KDF
from tests.workflow_store.conftest import PASSWORD, Offices, new_application
from tests.workflow_store.survey_helpers import fill_survey

D = date
THIS_MONTH = date.today().replace(day=1)


def _item(source: str, summary: str, amount: str | None, count: int | None = None) -> dict:  # type: ignore[type-arg]
    return {"source": source, "summary": summary, "amount": amount, "count": count}


def _report(o: Offices, app_id: str, deposit: str, *, vehicles: int = 0) -> str:
    """A check report as the hub delivers it (the row the sync client writes on pull)."""
    with o.store.sessions.write() as s:
        app = s.get(Application, app_id)
        assert app is not None
        items = [
            _item("人社就业/社保", "无就业登记，无社保缴费记录", "0.00"),
            _item("不动产", "登记房产0处", None, 0),
            _item("车辆", "登记机动车1辆（估值）" if vehicles else "无机动车登记",
                  "35000.00" if vehicles else "0.00", vehicles),
            _item("银行存款", "各银行存款余额合计", deposit),
        ]  # fmt: skip
        row = CheckReport(
            request_id="00000000-0000-4000-8000-000000000001",
            household_id=app.household_id,
            generated_at="2026-09-07T10:00:00+08:00",
            members=[{"name": "周建国", "id_number": "120103194901010011", "items": items}],
            rev=1,
            dirty=False,
        )
        s.add(row)
        s.flush()
        return row.id


def _to_confirming(o: Offices, app_id: str, *, before_report=None) -> int:  # type: ignore[no-untyped-def]
    """Accept, check, survey, hand over, 初审, 7-day notice; returns the version."""
    v = get_case(o.store, app_id).version
    with o.store.sessions.write() as s:
        for doc in s.scalars(select(Document).where(Document.application_id == app_id)):
            doc.status = "received"
    v = accept_application(o.store, o.clerk, app_id, D(2026, 9, 1), v).version
    v = perform(o.store, o.clerk, app_id, "request_check", {}, D(2026, 9, 1), v).version
    if before_report is not None:
        before_report()
    fill_survey(o, app_id, D(2026, 9, 3))
    finalize_survey(o.store, o.surveyor, app_id, D(2026, 9, 4))
    v = record_survey_from_record(o.store, o.surveyor, app_id, v).version
    v = record_check_report(o.store, o.clerk, app_id, "手工填写-1", D(2026, 9, 8), v).version
    v = perform(o.store, o.clerk, app_id, "hand_over", {}, D(2026, 9, 8), v).version
    v = perform(
        o.store, o.h_supervisor, app_id, "record_preliminary", {"opinion": "属实"},
        D(2026, 9, 10), v,
    ).version  # fmt: skip
    posted = {"posted_hukou": True, "posted_residence": True}
    v = perform(o.store, o.h_clerk, app_id, "open_notice", posted, D(2026, 9, 11), v).version
    return perform(o.store, o.h_clerk, app_id, "close_notice", {}, D(2026, 9, 18), v).version


def _confirm(o: Offices, app_id: str, v: int, amount: str, **extra: str) -> int:
    params = {"amount": amount, "family_stability": "stable", **extra}
    return perform(o.store, o.h_supervisor, app_id, "confirm", params, D(2026, 9, 22), v).version


def _ledger_numbers(path: Path) -> set[str]:
    ws = load_workbook(path, read_only=True).active
    return {str(row[0]) for row in ws.iter_rows(values_only=True) if row and row[0]}


def test_archived_paying_family_stays_in_run_ledger_and_roster(
    offices: Offices, tmp_path: Path
) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = _to_confirming(o, app_id)
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    v = _confirm(o, app_id, v, str(calculated))
    v = start_payment(o.store, o.h_clerk, app_id, D(2026, 9, 23), v).version
    view = perform(o.store, o.h_clerk, app_id, "archive", {}, D(2026, 9, 24), v)
    assert view.state == "paying" and view.snapshot.archived_on == D(2026, 9, 24)
    assert view.state_cn == "在保（已归档）"
    number = view.number

    run = run_monthly_benefits(o.store, o.h_supervisor, THIS_MONTH)
    assert run.run_id is not None
    assert number in {line.number for line in run_lines(o.store, run.run_id)}
    ledger = export_run_xlsx(o.store, run.run_id, tmp_path / "ledger.xlsx")
    assert number in _ledger_numbers(ledger), "the archived paying family is in the 发放台账"

    with o.store.sessions.read() as s:
        household_id = s.get(Application, app_id).household_id  # type: ignore[union-attr]
    account = BankInput("中国工商银行天津分行", "周建国", "6222020302050001239")
    set_bank_account(o.store, o.h_clerk, household_id, account)
    roster = payment_roster_for(o.store, o.h_supervisor, THIS_MONTH)
    assert "周建国" in {r.name for r in roster.rows}

    # 停发 still works on the archived file, and only then does the family leave the run.
    view = perform(
        o.store, o.h_surveyor, app_id, "record_review",
        {"outcome": "stop", "reasons": ["家庭收入超过标准"]}, D(2026, 11, 2), view.version,
    )  # fmt: skip
    assert view.state == "stopped"
    later = date(THIS_MONTH.year + (THIS_MONTH.month == 12), THIS_MONTH.month % 12 + 1, 1)
    after = run_monthly_benefits(o.store, o.h_supervisor, later)
    assert after.run_id is not None
    assert number not in {line.number for line in run_lines(o.store, after.run_id)}


def test_check_report_deposit_blocks_eligibility_until_resolved(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    report_ids: list[str] = []
    v = _to_confirming(
        o, app_id, before_report=lambda: report_ids.append(_report(o, app_id, "70344.44"))
    )
    # The report number comes from the report, not from what was typed.
    check = get_case(o.store, app_id).snapshot.check_report
    assert check is not None and check.report_id == report_ids[0]
    assert check.reference == report_reference(report_ids[0], "2026-09-07T10:00:00+08:00")
    assert check.reference.startswith("HD20260907-") and "手工" not in check.reference

    result = assess_application(o.store, o.h_supervisor, app_id)
    assert not result.eligible and result.verdict_cn == "待核实"
    texts = [r.text for r in result.reasons if r.ok is False]
    assert any("70,344.44" in t and "0.00" in t for t in texts), texts
    rows = {r["code"]: r for r in result.summary["check"]["rows"]}
    assert rows["deposits"]["declared"] == "0.00" and rows["deposits"]["reported"] == "70344.44"
    with pytest.raises(WorkflowError, match="待核实"):
        _confirm(o, app_id, v, str(result.amount))

    with pytest.raises(ValidationError, match="情况说明"):
        resolve_check_finding(o.store, o.h_supervisor, app_id, "deposits", "explain", "")
    resolve_check_finding(
        o.store, o.h_supervisor, app_id, "deposits", "explain",
        "该存款为亲属代管的大病医疗捐款，有银行流水和捐款证明",
    )  # fmt: skip
    explained = assess_application(o.store, o.h_supervisor, app_id)
    assert explained.eligible and explained.verdict_cn == "符合"
    assert explained.summary["check"]["findings"][0]["resolution"] == "explain"

    # Accepting the reported figure instead makes it count: over the asset limit.
    resolve_check_finding(o.store, o.h_supervisor, app_id, "deposits", "accept")
    with pytest.raises(ValidationError, match="没有核对差异"):
        resolve_check_finding(o.store, o.h_supervisor, app_id, "vehicles", "accept")
    accepted = assess_application(o.store, o.h_supervisor, app_id)
    assert not accepted.eligible and accepted.verdict_cn == "不符合"
    with o.store.sessions.read() as s:
        audited = s.scalars(
            select(AuditEvent.summary).where(AuditEvent.action == "resolve_check_finding")
        ).all()
    assert len(audited) == 2 and "书面说明" in audited[0]


def test_confirmed_amount_differs_only_with_reason_and_second_approver(
    offices: Offices, desk
) -> None:  # type: ignore[no-untyped-def]
    o = offices
    create_user(
        o.store, o.admin, username="hsuper2", display_name="户籍复核人", role="supervisor",
        password=PASSWORD, office_id=o.hukou_office_id, kdf=TEST_KDF,
    )  # fmt: skip
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = _to_confirming(o, app_id)
    with pytest.raises(WorkflowError, match="尚未核算"):
        _confirm(o, app_id, v, "9999.00")
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    assert calculated != Decimal("9999.00")

    refused = [
        ({}, "须写明理由"),
        ({"amount_basis": "家庭成员突发重病"}, "用户名和密码"),
        ({"amount_basis": "x", "approver_username": "hsuper", "approver_password": PASSWORD},
         "不能由确认人本人"),
        ({"amount_basis": "x", "approver_username": "hclerk", "approver_password": PASSWORD},
         "不是在职的审核负责人"),
        ({"amount_basis": "x", "approver_username": "hsuper2", "approver_password": "wrong"},
         "用户名或密码错误"),
        ({"amount_basis": "x", "approver_username": "supervisor", "approver_password": "Review2026!"},
         "本街道"),
        ({"amount_basis": "x", "amount_approved_by": "某人"}, "用户名和密码"),
    ]  # fmt: skip
    for extra, reason in refused:
        with pytest.raises(WorkflowError, match=reason):
            _confirm(o, app_id, v, "9999.00", **extra)
    assert get_case(o.store, app_id).state == "confirming"

    basis = "家庭成员突发重病，经街道集体研究按特殊困难给予"
    v = _confirm(
        o, app_id, v, "9999.00", amount_basis=basis,
        approver_username="hsuper2", approver_password=PASSWORD,
    )  # fmt: skip
    snap = get_case(o.store, app_id).snapshot
    assert snap.approved_amount == Decimal("9999.00") and snap.calculated_amount == calculated
    assert snap.amount_basis == basis and snap.amount_approved_by == "户籍复核人（hsuper2）"
    with o.store.sessions.read() as s:
        audit = s.scalars(
            select(AuditEvent.summary).where(AuditEvent.action == "approve_amount_deviation")
        ).one()
        payload = s.scalars(
            select(OutboxEntry.payload)
            .where(OutboxEntry.entity == "application", OutboxEntry.entity_id == app_id)
            .order_by(OutboxEntry.seq.desc())
        ).first()
    assert "户籍复核人" in audit and "9,999.00" in audit
    assert payload is not None and payload["workflow"]["amount_basis"] == basis
    assert "approver_password" not in str(payload) and PASSWORD not in str(payload)

    pdf = render_approval_letter(approval_letter_for(o.store, o.h_supervisor, app_id))
    text = "".join(
        "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert "9,999.00元" in text and "核算金额" in text and f"{calculated:,.2f}元" in text
    assert basis in text and "户籍复核人" in text


def test_confirmed_amount_equal_to_calculation_needs_nothing_more(offices: Offices) -> None:
    o = offices
    app_id = new_application(o, "dibao", D(2026, 9, 1))
    v = _to_confirming(o, app_id)
    calculated = assess_application(o.store, o.h_supervisor, app_id).amount
    _confirm(o, app_id, v, str(calculated), amount_basis="无需")
    snap = get_case(o.store, app_id).snapshot
    assert snap.approved_amount == calculated and not snap.amount_basis
    pdf = render_approval_letter(approval_letter_for(o.store, o.h_supervisor, app_id))
    text = "".join(
        "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split()
    )
    assert f"{calculated:,.2f}元" in text and "核算金额" not in text


def test_store_with_archived_cases_migrates_to_paying_and_archived(tmp_path: Path) -> None:
    from sqlalchemy import text as sql

    from desktop.store.db import make_engine, migrate
    from desktop.store.keys import new_database_key

    path = tmp_path / "old.db"
    engine = make_engine(path, new_database_key())
    migrate(engine, path, target="0007")
    workflow = '{"case_id": "a1", "state": "archived", "archived_on": "2026-03-02"}'
    with engine.begin() as c:
        c.execute(sql("PRAGMA foreign_keys = OFF"))  # the case alone, without its household
        c.execute(
            sql(
                "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, "
                "phone, address) VALUES ('o1', 0, 1, 0, '120103001', '友谊路街道', '河西区', "
                "'120103', '', '')"
            )
        )
        c.execute(
            sql(
                "INSERT INTO applications (id, rev, dirty, deleted, number, household_id, "
                "applicant_id, assistance_type, state, channel, filed_at_office_id, "
                "residence_office_id, hukou_office_id, applied_on, proxy_name, proxy_authorised, "
                "staff_relative, reason, deadline_step, workflow) VALUES ('a1', 1, 0, 0, 'N-1', "
                "'h1', 'p1', 'dibao', 'archived', 'window', 'o1', 'o1', 'o1', '2026-01-05', '', 0, "
                "0, '', '', :w)"
            ),
            {"w": workflow},
        )
        c.execute(sql(
            "INSERT INTO case_events (id, application_id, seq, at, \"on\", action, label, "
            "from_state, to_state, actor_name, role, office_code, side, data) VALUES ('e1', "
            "'a1', 1, '2026-03-02 09:00:00', '2026-03-02', 'archive', '归档', 'paying', "
            "'archived', '', 'clerk', '120103001', 'hukou', '{}')"))  # fmt: skip
    migrate(engine, path)
    with engine.connect() as c:
        state, archived, wf_state = c.execute(sql(
            "SELECT state, archived_on, json_extract(workflow, '$.state') FROM applications"
        )).one()  # fmt: skip
        to_state = c.execute(sql("SELECT to_state FROM case_events")).scalar()
    engine.dispose()
    assert (state, str(archived)[:10], wf_state, to_state) == (
        "paying",
        "2026-03-02",
        "paying",
        "paying",
    )


def test_pulled_record_of_an_older_desk_reads_as_paying_and_archived() -> None:
    from desktop.domain.payment_status import is_paying, upgrade_application_payload
    from desktop.domain.workflow import State

    old = {"state": "archived", "workflow": {"state": "archived", "archived_on": "2026-03-02"}}
    new = upgrade_application_payload(old)
    assert is_paying(new["state"]) and new["archived_on"] == "2026-03-02"
    assert new["workflow"]["state"] == "paying" and State("archived") is State.PAYING
    assert upgrade_application_payload({"state": "stopped"}) == {"state": "stopped"}
