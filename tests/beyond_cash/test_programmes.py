"""Group programmes: the 河北-style insurance roster of the demo store, reviewed, exported and
read back with openpyxl; bad programmes and rosters refused naming the field with nothing
made; the public sheet masked; coverage says who is not covered and why."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from desktop.domain.support.programmes import category_of
from desktop.domain.workflow.model import AssistanceType
from desktop.errors import PermissionDenied, ValidationError
from desktop.services.support.programmes import (
    ProgrammeInput,
    export_roster_xlsx,
    generate_roster,
    get_roster,
    list_programmes,
    programme_coverage,
    review_roster,
    save_programme,
)
from desktop.store.models import Application, Person
from desktop.store.support_models import ProgrammeRoster, RosterLine, SupportProgramme
from printing.support_sheets import render_public_roster
from tests.beyond_cash.helpers import paid_families
from tests.support import Desk

TODAY = date.today()
HEBEI = ProgrammeInput(
    "insurance", "困难群众商业医疗保险（测试）", "住院医疗补充保险", "中国人寿天津分公司", "区财政",
    date(TODAY.year, 1, 1), date(TODAY.year, 12, 31), {"adult": "30", "child": "150", "tekun": "150"},
)  # fmt: skip


def _expected_people(store, actor) -> dict[str, tuple[str, Decimal]]:  # type: ignore[no-untyped-def]
    """ID number → (category, premium), worked out from the store by hand."""
    rate = {"adult": Decimal("30.00"), "child": Decimal("150.00"), "tekun": Decimal("150.00")}
    families = paid_families(store, actor)
    with store.sessions.read() as s:
        tekun = set(s.scalars(select(Application.household_id).where(
            Application.household_id.in_(families), Application.assistance_type == AssistanceType.TEKUN,
            Application.state.in_(("paying", "gradual_exit")),
        )))  # fmt: skip
        people = s.scalars(
            select(Person).where(Person.household_id.in_(families), Person.deleted.is_(False))
        ).all()
        out = {}
        for p in people:
            if p.non_member_reason or (
                not p.lives_with_family and p.relation not in ("applicant", "spouse")
            ):
                continue
            category = category_of(p.birth_date, TODAY, p.household_id in tekun)
            out[p.id_number] = (category, rate[category])
    return out


def test_a_hebei_style_insurance_roster_is_exported_and_read_back(
    desk: Desk, tmp_path: Path
) -> None:
    store, supervisor = desk.as_user("supervisor")
    programme = save_programme(store, supervisor, HEBEI)
    roster = generate_roster(store, supervisor, programme.id, TODAY)
    assert roster.status == "draft"
    with pytest.raises(ValidationError, match="审核后"):
        export_roster_xlsx(store, supervisor, roster.id, tmp_path / "draft.xlsx")
    reviewed = review_roster(store, supervisor, roster.id, TODAY)
    path = export_roster_xlsx(store, supervisor, reviewed.id, tmp_path / "roster.xlsx")
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "困难群众商业医疗保险（测试）" in rows[0][0] and "中国人寿天津分公司" in rows[1][0]
    assert rows[2] == ("序号", "姓名", "公民身份号码", "类别", "金额（元）", "社区")
    body, total = rows[3:-1], rows[-1]
    labels = {"adult": "成年人", "child": "未成年人", "tekun": "特困人员"}
    expected = _expected_people(store, supervisor)
    got = {r[2]: (r[3], Decimal(str(r[4])).quantize(Decimal("0.01"))) for r in body}
    assert got == {k: (labels[c], a) for k, (c, a) in expected.items()}
    assert {c for c, _ in expected.values()} == {"adult", "child", "tekun"}, (
        "the demo has every category"
    )
    assert Decimal(str(total[4])).quantize(Decimal("0.01")) == sum(a for _c, a in expected.values())
    assert total[1] == f"{len(expected)}人"
    # the public sheet: the same people, every ID number masked
    pdf = render_public_roster(store, supervisor, reviewed.id)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    some = next(iter(expected))
    assert some not in text and f"{some[:6]}********{some[-4:]}" in text
    assert "公示" in text or "名单" in text


def _counts(store) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m).where(m.deleted.is_(False))) or 0
            for m in (SupportProgramme, ProgrammeRoster, RosterLine)
        )  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("rates", "field", "words"),
    [
        ({"adult": "-30", "child": "150", "tekun": "150"}, "成年人保费（元/人）", "负数"),
        ({"adult": "30", "child": "150000", "tekun": "150"}, "未成年人保费（元/人）", "不合理"),
        ({"adult": "30", "child": "150", "tekun": ""}, "特困人员保费（元/人）", "不能为空"),
        ({"adult": "30", "child": "abc", "tekun": "150"}, "未成年人保费（元/人）", "有效金额"),
    ],
)
def test_a_negative_or_absurd_premium_is_refused_naming_the_field(
    desk: Desk, rates, field, words
) -> None:  # type: ignore[no-untyped-def]
    store, supervisor = desk.as_user("supervisor")
    before = _counts(store)
    with pytest.raises(ValidationError) as caught:
        save_programme(store, supervisor, ProgrammeInput(**{**HEBEI.__dict__, "rates": rates}))
    assert caught.value.field == field and words in str(caught.value)
    assert _counts(store) == before


def test_a_roster_for_a_period_without_a_plan_is_refused_and_nothing_is_made(desk: Desk) -> None:
    store, supervisor = desk.as_user("supervisor")
    programme = save_programme(store, supervisor, HEBEI)
    before = _counts(store)
    with pytest.raises(ValidationError) as caught:
        generate_roster(store, supervisor, programme.id, date(TODAY.year + 1, 3, 1))
    assert caught.value.field == "名单日期" and "没有计划" in str(caught.value)
    with pytest.raises(ValidationError) as caught:
        generate_roster(store, supervisor, "no-such-programme", TODAY)
    assert caught.value.field == "项目"
    assert _counts(store) == before
    _, clerk = desk.as_user("clerk")
    with pytest.raises(PermissionDenied):
        generate_roster(store, clerk, programme.id, TODAY)
    # a draft of the same date is replaced whole, a reviewed one is kept
    first = generate_roster(store, supervisor, programme.id, TODAY)
    second = generate_roster(store, supervisor, programme.id, TODAY)
    assert first.id != second.id and _counts(store)[1] == before[1] + 1
    review_roster(store, supervisor, second.id, TODAY)
    with pytest.raises(ValidationError, match="已审核"):
        generate_roster(store, supervisor, programme.id, TODAY)


def test_coverage_names_who_is_not_covered_and_why(desk: Desk) -> None:
    store, supervisor = desk.as_user("supervisor")
    programme = save_programme(
        store, supervisor, ProgrammeInput(**{**HEBEI.__dict__, "name": "覆盖测试"})
    )
    none_yet = programme_coverage(store, supervisor, programme.id, TODAY)
    assert none_yet.covered == 0 and none_yet.in_programme > 0
    assert {e.reason for e in none_yet.not_covered} == {"尚无已审核名单"}
    roster = generate_roster(store, supervisor, programme.id, TODAY)
    review_roster(store, supervisor, roster.id, TODAY)
    full = programme_coverage(store, supervisor, programme.id, TODAY)
    assert (
        full.covered == full.in_programme and full.rate == Decimal("100.0") and not full.not_covered
    )
    # a member who leaves the family's common life is named with the reason
    families = paid_families(store, supervisor)
    with store.sessions.write() as s:
        person = s.scalars(
            select(Person).where(
                Person.household_id.in_(families),
                Person.relation != "applicant",
                Person.non_member_reason == "",
                Person.lives_with_family.is_(True),
            )
        ).first()
        assert person is not None, "the demo pays families of more than one person"
        person.non_member_reason = "prisoner"
        name = person.name
    later = programme_coverage(store, supervisor, programme.id, TODAY)
    assert [(e.name, e.reason) for e in later.not_covered] == [(name, "不是共同生活的家庭成员")]
    assert programme.id in {p.id for p in list_programmes(store, supervisor)}
    masked = get_roster(store, desk.as_user("coordinator")[1], roster.id)
    assert all("*" in p.id_number for p in masked.persons)
