"""新建申请 as one core call: everything or nothing, the 一城通办 office rule, relationships,
signed amounts, the payee account, and the review-cycle family type (real SQLCipher store)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from desktop.domain.bank import luhn_ok, mask_account, normalise_account
from desktop.domain.household import Kin, WorkFacts, check_relations, family_stability
from desktop.domain.ids import check_char
from desktop.errors import PermissionDenied, ValidationError
from desktop.money import to_money
from desktop.services.cases.applications import ApplicationInput
from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.family.households import (
    BankInput,
    HouseholdInput,
    PersonInput,
    add_person,
    get_household,
    set_bank_account,
)
from desktop.services.family.intake import IntakeIncome, IntakeInput, submit_intake
from desktop.services.outreach.coordinators import assign_communities
from desktop.store.models import (
    Application,
    Asset,
    AuditEvent,
    Household,
    IncomeItem,
    Office,
    OutboxEntry,
    Person,
)
from tests.support import Desk

APPLICANT = "120101199001011239"  # male, born 1990-01-01
WIFE = "11010519491231002X"  # female, born 1949-12-31
CARD = "6217000099998888"  # 16 digits, Luhn ok
PASSBOOK = "12030100123456"  # 14 digits: a passbook number, not Luhn-checked


def make_id(born: str, seq: int, region: str = "120103") -> str:
    """A valid ID number; an odd ``seq`` is a man, an even one a woman."""
    first17 = f"{region}{born}{seq:03d}"
    return first17 + check_char(first17)


def _intake(office_id: str, *members: PersonInput, **kw) -> IntakeInput:  # type: ignore[no-untyped-def]
    return IntakeInput(
        household=HouseholdInput(
            office_id,
            office_id,
            "河西区友谊路街道平江道8号1-101",
            community="谊景村社区",
            members=members or (PersonInput("仇红梅", APPLICANT, "applicant"),),
        ),
        application=ApplicationInput("", "dibao", date.today()),
        **kw,
    )


def _counts(store) -> dict[str, int]:  # type: ignore[no-untyped-def]
    tables = (Household, Person, IncomeItem, Asset, Application, OutboxEntry, AuditEvent)
    with store.sessions.read() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) or 0 for t in tables}


def test_intake_writes_everything_and_accepts_at_the_window(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    month = date.today().replace(day=1)
    data = _intake(
        actor.office_id,
        PersonInput("仇红梅", APPLICANT, "applicant"),
        PersonInput("李桂英", WIFE, "spouse"),
        incomes=(IntakeIncome("wage", month, "1000", APPLICANT),),
        bank=BankInput("中国工商银行", "仇红梅", "6217 0000 9999 8888"),
    )
    result = submit_intake(store, actor, data)
    assert result.application.state == "supplementing"  # 受理 with the one-time missing list
    assert result.missing and sorted(result.application.workflow["missing_documents"]) == sorted(
        d.title for d in result.missing
    )
    with store.sessions.read() as s:
        household = s.get(Household, result.application.household_id)
        assert household is not None and household.bank_account == CARD
        income = s.scalars(select(IncomeItem).where(IncomeItem.household_id == household.id)).one()
        earner = s.get(Person, income.person_id)
        assert earner is not None and earner.name == "仇红梅" and income.amount == Decimal("1000")
        queued = {
            e.entity for e in s.scalars(select(OutboxEntry).where(OutboxEntry.state == "pending"))
        }
    assert {"household", "person", "income_item", "application", "document"} <= queued


def test_a_bad_member_on_the_last_row_stores_nothing(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    before = _counts(store)
    data = _intake(
        actor.office_id,
        PersonInput("仇红梅", APPLICANT, "applicant"),
        PersonInput("李桂英", WIFE, "spouse"),
        PersonInput("仇小明", "120103201501010010", "child"),  # wrong check character
    )
    with pytest.raises(ValidationError) as err:
        submit_intake(store, actor, data)
    assert err.value.field == "第3位成员身份证号"
    assert _counts(store) == before


def test_a_refusal_after_the_rows_were_written_rolls_everything_back(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    before = _counts(store)
    month = date.today().replace(day=1)
    data = _intake(
        actor.office_id,
        incomes=(IntakeIncome("wage", month, "800", APPLICANT),),
        bank=BankInput("中国银行", "仇红梅", PASSBOOK),
    )
    # the application is checked last, inside the same transaction as the household
    bad = replace(data, application=ApplicationInput("", "dibao", date(2099, 1, 1)))
    with pytest.raises(ValidationError, match="申请日期：不能晚于今天"):
        submit_intake(store, actor, bad)
    assert _counts(store) == before
    submit_intake(store, actor, data)
    assert _counts(store)["households"] == before["households"] + 1


def test_office_rule_is_checked_in_the_core(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    with store.sessions.read() as s:
        other = s.scalars(select(Office.id).where(Office.id != actor.office_id)).first()
    assert other is not None
    before = _counts(store)
    data = _intake(actor.office_id)
    data = replace(
        data, household=replace(data.household, residence_office_id=other, hukou_office_id=other)
    )
    with pytest.raises(ValidationError, match="一城通办") as err:
        submit_intake(store, actor, data)
    assert err.value.field == "居住地街道"
    assert _counts(store) == before


def test_only_window_roles_file_an_intake(desk: Desk) -> None:
    store, surveyor = desk.as_user("surveyor")
    with pytest.raises(PermissionDenied):
        submit_intake(store, surveyor, _intake(surveyor.office_id))


# ---------------------------------------------------------------- signed amounts
@pytest.mark.parametrize("typed", ["-500", "－500", "−500", "+500", "-0.01"])
def test_signed_amounts_are_refused_never_altered(typed: str) -> None:
    with pytest.raises(ValidationError) as err:
        to_money(typed, "收入金额")
    assert err.value.field == "收入金额" and typed in err.value.detail
    assert to_money("-12.5", "调整额", allow_negative=True) == Decimal("-12.50")


def test_negative_income_is_refused_by_intake_and_by_the_household_page(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    month = date.today().replace(day=1)
    before = _counts(store)
    data = _intake(actor.office_id, incomes=(IntakeIncome("wage", month, "-500", APPLICANT),))
    with pytest.raises(ValidationError) as err:
        submit_intake(store, actor, data)
    assert err.value.field == "收入金额（第1条收入）" and "负数" in err.value.detail
    assert _counts(store) == before
    household_id = submit_intake(store, actor, _intake(actor.office_id)).application.household_id
    with pytest.raises(ValidationError, match="收入金额：不能为负数"):
        add_income(store, actor, household_id, IncomeInput("wage", month, "-500"))


# ---------------------------------------------------------------- relationships
def test_second_spouse_and_under_age_spouse_are_refused(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    before = _counts(store)
    second = _intake(
        actor.office_id,
        PersonInput("仇红梅", APPLICANT, "applicant"),
        PersonInput("李桂英", WIFE, "spouse"),
        PersonInput("王秀兰", make_id("19920305", 22), "spouse"),
    )
    with pytest.raises(ValidationError) as err:
        submit_intake(store, actor, second)
    assert err.value.field == "第3位成员与申请人关系" and "配偶" in err.value.detail
    eleven = date.today().year - 11
    child_bride = _intake(
        actor.office_id,
        PersonInput("仇红梅", APPLICANT, "applicant"),
        PersonInput("王小兰", make_id(f"{eleven}0101", 22), "spouse"),
    )
    with pytest.raises(ValidationError, match="未到法定婚龄") as err:
        submit_intake(store, actor, child_bride)
    assert err.value.field == "第2位成员与申请人关系"
    assert _counts(store) == before


def test_household_page_path_uses_the_same_relationship_rules(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    data = _intake(
        actor.office_id,
        PersonInput("仇红梅", APPLICANT, "applicant"),
        PersonInput("李桂英", WIFE, "spouse"),
    )
    household_id = submit_intake(store, actor, data).application.household_id
    with pytest.raises(ValidationError, match="本户已有1位配偶"):
        add_person(
            store, actor, household_id, PersonInput("王秀兰", make_id("19920305", 22), "spouse")
        )
    with pytest.raises(ValidationError, match="子女应比申请人至少小12岁"):
        add_person(
            store, actor, household_id, PersonInput("仇大明", make_id("19850101", 11), "child")
        )
    add_person(store, actor, household_id, PersonInput("仇小明", make_id("20150101", 11), "child"))


def test_relationship_rules_in_the_domain() -> None:
    today = date(2026, 12, 1)
    me = Kin("applicant", "M", date(1990, 1, 1))
    check_relations([me, Kin("spouse", "F", date(2006, 11, 30), "配偶")], today)  # 20: allowed
    with pytest.raises(ValidationError, match="女性20周岁"):
        check_relations([me, Kin("spouse", "F", date(2006, 12, 2))], today)
    with pytest.raises(ValidationError, match="申请人19岁"):
        check_relations(
            [Kin("applicant", "M", date(2007, 1, 1)), Kin("spouse", "F", date(2000, 1, 1))], today
        )
    with pytest.raises(ValidationError, match="父母应比申请人至少大12岁"):
        check_relations([me, Kin("parent", "F", date(1985, 1, 1))], today)
    with pytest.raises(ValidationError, match="孙子女应比申请人至少小24岁"):
        check_relations([me, Kin("grandchild", "F", date(2005, 1, 1))], today)
    check_relations([Kin("spouse", "F", date(2000, 1, 1))], today, complete=False)
    with pytest.raises(ValidationError, match="申请人本人"):
        check_relations([Kin("spouse", "F", date(2000, 1, 1))], today)


# ---------------------------------------------------------------- review cycle (§2.7)
def test_family_type_follows_domain_rules() -> None:
    on = date(2026, 12, 1)
    able = WorkFacts("M", date(1980, 5, 1))
    old = WorkFacts("F", date(1950, 5, 1))
    disabled = WorkFacts("M", date(1980, 5, 1), work_capacity="none")
    student = WorkFacts("F", date(2006, 5, 1), student_level="bachelor")
    assert family_stability([old, able], on) == "variable"
    assert family_stability([old, disabled, student], on) == "stable"
    assert family_stability([WorkFacts("F", date(1960, 5, 1), employment="self_employed")], on) == (
        "variable"
    )


def test_case_page_offers_the_derived_family_type(clerk) -> None:  # type: ignore[no-untyped-def]
    from desktop.services.cases.case_overview import case_overview

    store, actor = clerk
    able = submit_intake(store, actor, _intake(actor.office_id)).application
    assert case_overview(store, actor, able.id).family_stability == "variable"
    elderly = _intake(
        actor.office_id, PersonInput("李桂英", WIFE, "applicant", work_capacity="partial")
    )
    elderly = replace(elderly, household=replace(elderly.household, address="平江道9号"))
    app = submit_intake(store, actor, elderly).application
    assert case_overview(store, actor, app.id).family_stability == "stable"


# ---------------------------------------------------------------- payee account
def test_account_numbers_are_checked_only_where_certainly_wrong() -> None:
    assert luhn_ok(CARD) and normalise_account("6217 0000-9999 8888") == CARD
    assert normalise_account(PASSBOOK) == PASSBOOK  # 14 digits: no Luhn check
    with pytest.raises(ValidationError, match="校验位不符") as err:
        normalise_account("6217000099998889")
    assert err.value.field == "银行账号" and "存折" in err.value.detail
    for bad, why in (("6217abc", "只能填写数字"), ("1234567", "位数字")):
        with pytest.raises(ValidationError, match=why):
            normalise_account(bad)
    assert mask_account(CARD) == "6217 **** **** 8888"


def test_account_is_masked_for_roles_that_do_not_pay_and_synced(desk: Desk) -> None:
    store, clerk_actor = desk.as_user("clerk")
    data = _intake(clerk_actor.office_id, bank=BankInput("中国工商银行", "仇红梅", CARD))
    household_id = submit_intake(store, clerk_actor, data).application.household_id
    seen = get_household(store, clerk_actor, household_id).bank
    assert seen is not None and seen.number == "6217 **** **** 8888" and not seen.full
    _store, admin = desk.as_user("admin")
    _store, coordinator = desk.as_user("coordinator")
    assign_communities(store, admin, coordinator.user_id, [data.household.community])
    for role in ("coordinator", "surveyor"):
        _store, who = desk.as_user(role)
        assert get_household(store, who, household_id).bank.number == "6217 **** **** 8888"  # type: ignore[union-attr]
    _store, boss = desk.as_user("supervisor")
    assert get_household(store, boss, household_id).bank.number == CARD  # type: ignore[union-attr]
    with pytest.raises(ValidationError, match="账户户名：不能为空"):
        set_bank_account(store, boss, household_id, BankInput("中国银行", "", PASSBOOK))
    set_bank_account(store, boss, household_id, BankInput("中国银行", "仇红梅", PASSBOOK))
    with store.sessions.read() as s:
        entry = s.scalars(
            select(OutboxEntry).where(
                OutboxEntry.entity == "household", OutboxEntry.entity_id == household_id
            )
        ).one()
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "set_bank_account")).one()
    # the columns travel with the household record (to the hub and the other office)
    assert entry.payload["bank_account"] == PASSBOOK and entry.payload["bank_name"] == "中国银行"
    assert PASSBOOK not in audit.summary  # the log shows the account masked
