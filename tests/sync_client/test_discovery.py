"""Proactive discovery end to end on the real hub over 127.0.0.1: a registry built from the
synced cases, feeds imported from UTF-8 / GB18030 CSV and xlsx files, a comparison run, the
warnings synced to the right desk, disposal outcomes, idempotent re-runs and the statistics."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from desktop.domain.payment_status import paying_filter
from desktop.errors import ValidationError
from desktop.services.base import unit_of_work
from desktop.services.cases.applications import ApplicationInput
from desktop.services.cases.case_steps import get_case, perform
from desktop.services.dashboard.statistics import dashboard_data
from desktop.services.family.households import HouseholdInput, PersonInput
from desktop.services.family.intake import IntakeInput, submit_intake
from desktop.services.outreach.warnings import (
    assign_warning,
    dispose_warning,
    intake_for_warning,
    list_warnings,
)
from desktop.store.models import Application, Household, Office, Person
from desktop.store.sync_models import LowIncomePerson
from printing.letters import render_case_letter
from sync.hub import compare, discovery, registry
from sync.hub.feeds.importer import FeedRefused, import_feed
from sync.hub.feeds.reader import detect_encoding
from tests.sync_client.conftest import OFFICE_A, OFFICE_B
from tests.sync_client.helpers import office_id

LEAD_ID = "120103198001011237"  # a listed low-income person, not assisted


def _paying_member(store) -> tuple[str, str, str]:  # type: ignore[no-untyped-def]
    """(application id, id number, name) of a member of a paying dibao case of office A."""
    with store.sessions.read() as s:
        row = s.execute(
            select(Application.id, Person.id_number, Person.name)
            .join(Person, Person.household_id == Application.household_id)
            .join(Office, Office.id == Application.hukou_office_id)
            .where(
                paying_filter(Application.state),
                Application.assistance_type == "dibao",
                Office.code == OFFICE_A,
                Person.is_member.is_(True),
            )
            .order_by(Application.number)
        ).first()
    assert row is not None
    return row[0], row[1], row[2]


def _share_case(store, actor, case_id: str) -> None:  # type: ignore[no-untyped-def]
    """Queue a demo case (made without an outbox) as its desk would have sent it."""
    with unit_of_work(store, actor) as uow:
        s = uow.session
        app = s.get(Application, case_id)
        assert app is not None
        household = s.get(Household, app.household_id)
        assert household is not None
        members = s.scalars(select(Person).where(Person.household_id == app.household_id))
        for obj in (household, *members, app):
            uow.record(obj, action="share", summary="共享案件")


def _csv(path: Path, header: list[str], rows: list[list[str]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def _xlsx(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for r in rows:
        sheet.append(r)
    book.save(path)
    return path


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_whole_loop(desk, desk_b, linker, hub, tmp_path: Path) -> None:
    database = hub.app.state.database
    a = linker(desk, OFFICE_A)
    assert a.sync().ok
    case_id, id_number, name = _paying_member(a.store)
    _share_case(a.store, a.admin, case_id)
    assert a.sync().ok
    # the registry holds every member of the cases in payment the desks synced
    assert registry.refresh_from_cases(database) and registry.case_persons(database) > 0
    assert not registry.refresh_from_cases(database), "no case changed: nothing to rebuild"
    listed = _csv(tmp_path / "list.csv", ["公民身份号码", "姓名", "户籍地街道代码", "社区"],
                  [[LEAD_ID, "刘大病", OFFICE_A, "紫金山社区"]], "utf-8")  # fmt: skip
    assert (
        registry.import_list(database, listed, "other", "乡村振兴", date(2026, 1, 1)).imported == 1
    )

    # a GB18030 death list (detected, never read as mojibake) with one bad row
    deaths = _csv(
        tmp_path / "death.csv",
        ["公民身份号码", "姓名", "死亡日期", "信息来源"],
        [[id_number, name, "2026-11-02", "殡葬"], ["120101199001011238", "错号", "2026-11-02", "殡葬"],
         [id_number, name, "2026-02-30", "公安"]],
        "gb18030",
    )  # fmt: skip
    assert detect_encoding(deaths) == "gb18030"
    report = import_feed(database, "death", deaths)
    assert (report.encoding, report.rows_read, report.imported) == ("GB18030", 3, 1)
    assert [(e.line, e.column) for e in report.errors] == [(3, "公民身份号码"), (4, "死亡日期")]
    assert "校验位" in report.errors[0].reason and "不存在" in report.errors[1].reason
    # the same file again changes nothing
    assert import_feed(database, "death", deaths).already_imported
    # large medical expenses from an xlsx, one of a person not assisted (a lead)
    medical = _xlsx(tmp_path / "medical.xlsx", ["公民身份号码", "姓名", "结算日期", "个人自付金额"],
                    [[LEAD_ID, "刘大病", date(2026, 10, 20), 56000], [LEAD_ID, "刘大病", "2026-09-01", 300]])  # fmt: skip
    assert import_feed(database, "medical", medical).imported == 2
    # a file with a missing column is refused whole, naming it
    with pytest.raises(FeedRefused) as refused:
        import_feed(database, "vehicle", _csv(tmp_path / "v.csv", ["身份证号", "姓名"],
                                               [[id_number, name]], "utf-8"))  # fmt: skip
    assert "登记日期" in str(refused.value) and "车辆类型" in str(refused.value)

    run = compare.run(database, today=date(2026, 11, 16))
    assert run.new_by_kind == {"死亡和火化": 1, "大额医疗费用": 1}
    assert run.refused_rows == 2
    again = compare.run(database, today=date(2026, 11, 16))
    assert again.new_warnings == 0 and sum(again.matched.values()) == 2

    assert a.sync().ok
    office = office_id(a.store, OFFICE_A)
    found = {w.kind: w for w in list_warnings(a.store, office)}
    death, lead = found["death"], found["medical"]
    assert death.direction == "check" and death.evidence["row"]["姓名"] == name
    assert death.evidence["file"] == "death.csv" and death.evidence["line"] == 2
    assert death.deadline == date(2026, 11, 23)  # 5 working days
    assert lead.direction == "lead" and lead.community == "紫金山社区"
    assert [w.kind for w in list_warnings(a.store, office, kind="medical")] == ["medical"]
    # the office's share of the registry arrived; another office's desk gets none of it
    with a.store.sessions.read() as s:
        share = {p.id_number: p for p in s.scalars(select(LowIncomePerson))}
    assert share[LEAD_ID].category == "other" and not share[LEAD_ID].assisted
    assert share[id_number].assisted and share[id_number].source == "case"
    b = linker(desk_b, OFFICE_B)
    b.sync()
    assert list_warnings(b.store, office_id(b.store, OFFICE_B)) == []
    with b.store.sessions.read() as s:
        assert s.scalars(select(LowIncomePerson.id_number)).all() == []

    # assignment with a required home visit, then 调整待遇 → 停发 through the workflow
    _s, supervisor = desk.as_user("supervisor")
    assign_warning(a.store, supervisor, death.id, "王调查", visit_required=True)
    with pytest.raises(ValidationError) as visit:
        dispose_warning(a.store, a.clerk, death.id, "王调查", "电话核实属实", "adjust_benefit")
    assert "入户" in str(visit.value)
    done = dispose_warning(a.store, a.clerk, death.id, "王调查", "入户核实：本人已于11月2日去世",
                           "adjust_benefit")  # fmt: skip
    assert done.status == "disposed" and done.review_case_id == case_id
    _s, surveyor = desk.as_user("surveyor")
    view = get_case(a.store, case_id)
    perform(a.store, surveyor, case_id, "record_review",
            {"outcome": "stop", "reasons": ["家庭成员死亡（殡葬火化预警）"]}, date.today(),
            view.version)  # fmt: skip
    letter = _text(render_case_letter(a.store, supervisor, case_id, "change"))
    assert "停发" in letter

    # 纳入救助 → an application prefilled from the registry and the evidence
    pre = intake_for_warning(a.store, a.clerk, lead.id)
    assert (pre.name, pre.id_number, pre.assistance_type) == ("刘大病", LEAD_ID, "gangxing")
    assert "医保" in pre.reason
    filed = submit_intake(a.store, a.clerk, IntakeInput(
        HouseholdInput(office, office, "河西区紫金山路1号", community=pre.community,
                       members=(PersonInput(pre.name, pre.id_number, "applicant"),)),
        ApplicationInput("", pre.assistance_type, date.today(), reason=pre.reason),
    ))  # fmt: skip
    included = dispose_warning(a.store, a.clerk, lead.id, "李协理", "电话核实：住院自付5.6万元",
                               "add_to_coverage", new_case_id=filed.application.id)  # fmt: skip
    assert included.new_case_id == filed.application.id
    assert a.sync().ok

    # statistics in the article's terms, as xlsx and the printed sheet
    rows = discovery.statistics(database, today=date(2026, 11, 16))
    [row] = [r for r in rows if r.office_code == OFFICE_A]
    assert (row.month, row.pushed, row.checked, row.handled) == ("2026-11", 2, 2, 2)
    assert (row.adjusted_families, row.new_households, row.new_people) == (1, 1, 1)
    book = load_workbook(io.BytesIO(discovery.statistics_xlsx(rows)), read_only=True)
    values = list(book["按街道"].iter_rows(values_only=True))
    assert values[0][4] == "推送预警" and values[1][2] == OFFICE_A and values[1][4] == 2
    sheet = _text(discovery.statistics_pdf(rows, "2026-11"))
    assert "预警处置情况月报" in sheet and "友谊路" in sheet


def test_overdue_warnings_escalate_once(desk, linker, hub, tmp_path: Path) -> None:
    database = hub.app.state.database
    a = linker(desk, OFFICE_A)
    assert a.sync().ok
    case_id, id_number, name = _paying_member(a.store)
    _share_case(a.store, a.admin, case_id)
    assert a.sync().ok
    import_feed(database, "vehicle", _csv(tmp_path / "veh.csv", ["身份证号", "姓名", "登记日期", "车辆类型"],
                                          [[id_number, name, "2026/10/8", "小型汽车"]], "utf-8-sig"))  # fmt: skip
    compare.run(database, scope="district", district="河西区", today=date(2026, 10, 12))
    assert discovery.escalate(database, today=date(2026, 11, 30)) == {"河西区": 1}
    assert discovery.escalate(database, today=date(2026, 12, 1)) == {}
    assert a.sync().ok
    [w] = list_warnings(a.store, office_id(a.store, OFFICE_A), today=date(2026, 11, 30))
    assert w.overdue and w.escalated_on == date(2026, 11, 30)
    # the dashboard counts it as open and overdue, also once a worker is assigned
    office = office_id(a.store, OFFICE_A)
    _s, supervisor = desk.as_user("supervisor")
    assign_warning(a.store, supervisor, w.id, "王调查")
    board = dashboard_data(a.store, office, date(2026, 11, 30))
    assert (board.open_warnings, board.overdue_warnings) == (1, 1)
    assert dashboard_data(a.store, office, date(2026, 10, 13)).overdue_warnings == 0
