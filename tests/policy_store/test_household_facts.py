"""Store-to-facts mapping: a family entered through the household and finance services becomes
the engine's Household, and the amounts match a hand computation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from desktop.domain.policy import assess
from desktop.errors import PermissionDenied, ValidationError
from desktop.services.cases.assessment import assess_application
from desktop.services.family.finances import IncomeInput, add_income
from desktop.services.family.household_facts import household_facts
from desktop.services.family.households import (
    HouseholdInput,
    PersonInput,
    create_household,
    update_person,
)
from desktop.services.family.policy_facts import (
    HouseholdPolicyFacts,
    PersonPolicyFacts,
    record_household_facts,
    record_person_facts,
)
from desktop.services.policy.policy_admin import load_policy
from desktop.store.models import OutboxEntry, Person
from tests.policy_store.conftest import enter_family, make_id

OCT_2025 = date(2025, 10, 1)


def test_family_facts_and_hand_computed_amount(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    family = enter_family(store, actor)
    h = household_facts(store, family.household_id, OCT_2025)
    by_name = {m.id: m for m in h.members}
    assert set(by_name) == {"张建国", "李秀兰", "张小明"}
    father, mother, son = by_name["张建国"], by_name["李秀兰"], by_name["张小明"]
    assert (father.sex, father.age_in(OCT_2025), father.employment) == ("male", 35, "employed")
    assert (mother.sex, mother.disability_type, mother.disability_level) == (
        "female",
        "physical",
        2,
    )
    assert mother.work_capacity == "none" and son.student == "school" and son.age_in(OCT_2025) == 10
    assert sorted(
        (i.member_id, i.kind, i.amount) for i in h.incomes if i.month == date(2025, 9, 1)
    ) == [
        ("张建国", "wage", Decimal("1500.00")),
        ("李秀兰", "assistance", Decimal("300.00")),
    ]
    assert h.liquid_assets == (("deposit", Decimal("10000.00")),)
    assert [d.floor_area for d in h.dwellings] == [Decimal("60.00")]
    assert h.district == "120103" and h.setting == "urban"
    # By hand, benefit month 2025-10 (standard 1,045; minimum wage 2,320), incomes of Jul–Sep:
    #   张建国: wage 1,500 − 20% employment cost 300 = 1,200, below the minimum wage, so he
    #           is counted at 90% × 2,320 = 2,088 (capable worker aged 35).
    #   李秀兰: 300 of money not counted as income; physical disability level 2 → −1,000.
    #   张小明: a child, no income.
    #   family income = 2,088 − 1,000 = 1,088 < 3 × 1,045 = 3,135  →  低保 3,135 − 1,088 = 2,047.
    #   Deposit 10,000 ≤ 24 × 1,045 × 3 = 75,240; one flat.
    a = assess(h, OCT_2025, load_policy(store))
    assert a.income_total == Decimal("1088.00")
    assert a.programmes["dibao"].eligible and a.programmes["dibao"].amount == Decimal("2047.00")


def test_assessment_saves_amount_and_reasons_and_syncs(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    family = enter_family(store, actor)
    result = assess_application(store, actor, family.application_id, OCT_2025)
    assert (result.programme, result.eligible, result.amount) == ("dibao", True, Decimal("2047.00"))
    assert any("2088.00" in r.text for r in result.reasons), "the imputed income is explained"
    assert set(result.assessment.programmes) == {
        "dibao", "dibao_single", "bianyuan", "tekun", "gangxing", "linshi"
    }  # fmt: skip
    with store.sessions.read() as s:
        entry = s.scalars(
            select(OutboxEntry).where(OutboxEntry.entity_id == family.application_id)
        ).one()
    payload = entry.payload
    assert payload["benefit_amount"] == "2047.00" and payload["benefit_programme"] == "dibao"
    summary = payload["assessment"]
    assert summary["month"] == "2025-10" and summary["income_total"] == "1088.00"
    assert summary["others"]["bianyuan"]["eligible"] is False
    assert any("低保金" in r["text"] for r in summary["reasons"])


@pytest.mark.parametrize("username", ["surveyor", "coordinator"])
def test_assessment_roles(desk, username) -> None:  # type: ignore[no-untyped-def]
    clerk_store, clerk = desk.as_user("clerk")
    family = enter_family(clerk_store, clerk)
    store, actor = desk.as_user(username)
    with pytest.raises(PermissionDenied):
        assess_application(store, actor, family.application_id, OCT_2025)


def test_tekun_from_recorded_self_care_and_supporter(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    view = create_household(
        store,
        actor,
        HouseholdInput(
            actor.office_id,
            actor.office_id,
            "河西区友谊路街道平山道5号1-101",
            members=(
                PersonInput(
                    "周桂芳", make_id(date(1950, 2, 2), 42), "applicant", work_capacity="none"
                ),
            ),
        ),
    )
    person = view.members[0].id
    for month in (date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)):
        add_income(store, actor, view.id, IncomeInput("transfer", month, "800", person))
    facts = PersonPolicyFacts(("eat", "dress", "bed", "toilet"), supporter="none")
    record_person_facts(store, actor, person, facts)
    from desktop.services.cases.applications import ApplicationInput, create_application

    app = create_application(store, actor, ApplicationInput(view.id, "tekun", date(2025, 10, 9)))
    result = assess_application(store, actor, app.id, OCT_2025)
    # 75 years old, pension 800 < 1,045, no able supporter; 4 of 6 activities failed = full
    # loss of self-care: urban standard 1,870 + care allowance 800 = 2,670.
    assert result.eligible and result.amount == Decimal("2670.00")


def test_bad_policy_facts_name_the_field_and_store_nothing(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    family = enter_family(store, actor)
    person = family.person_ids["张小明"]
    cases = [
        (PersonPolicyFacts(("eat", "swim")), "生活自理评估"),
        (PersonPolicyFacts(supporter="rich"), "法定义务人情况"),
        (PersonPolicyFacts(found_work_on=date(2099, 1, 1)), "就业日期"),
    ]
    for facts, field in cases:
        with pytest.raises(ValidationError) as err:
            record_person_facts(store, actor, person, facts)
        assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        record_person_facts(
            store,
            actor,
            family.person_ids["李秀兰"],
            PersonPolicyFacts(found_work_on=date(2025, 9, 1)),
        )
    assert err.value.field == "就业日期"  # no work capacity: contradictory
    household_cases = [
        (HouseholdPolicyFacts(setting="moon"), "供养方式"),
        (HouseholdPolicyFacts(rigid_spending=(("medical", "-5"),)), "刚性支出金额"),
        (HouseholdPolicyFacts(rigid_spending=(("travel", "5"),)), "刚性支出类别"),
        (HouseholdPolicyFacts(single_parent=True), "单亲家庭"),
    ]
    for hfacts, field in household_cases:
        with pytest.raises(ValidationError) as err:
            record_household_facts(store, actor, family.household_id, hfacts)
        assert err.value.field == field
    with store.sessions.read() as s:
        p = s.get(Person, person)
        assert p is not None and p.self_care_failed == [] and p.supporter == "able"
    h = household_facts(store, family.household_id, OCT_2025)
    assert h.rigid_spending == () and not h.single_parent


def test_household_facts_reach_the_engine(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    family = enter_family(store, actor, assistance_type="gangxing")
    for month in (date(2025, 7, 1), date(2025, 8, 1), date(2025, 9, 1)):
        add_income(
            store, actor, family.household_id,
            IncomeInput("property", month, "2500", family.person_ids["张建国"]),
        )  # fmt: skip
    record_household_facts(
        store,
        actor,
        family.household_id,
        HouseholdPolicyFacts("urban", rigid_spending=(("medical", "2000"), ("education", "200"))),
    )
    h = household_facts(store, family.household_id, OCT_2025)
    assert h.rigid_spending == (("medical", Decimal("2000.00")), ("education", Decimal("200.00")))
    result = assess_application(store, actor, family.application_id, OCT_2025)
    # Income 2,088 + 2,500 − 1,000 = 3,588 > 3,135: not 低保. Rigid spending 2,200 > 50% of
    # 3,588 = 1,794, income below 3 × 53,581 / 12: a 刚性支出困难家庭 (identified, no cash).
    assert (result.programme, result.eligible, result.amount) == ("gangxing", True, Decimal("0.00"))
    assert any(r.rule == "gangxing.spending" and "2200.00" in r.text for r in result.reasons)


def test_unknown_stored_code_names_the_member_and_field(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    family = enter_family(store, actor)
    with pytest.raises(ValidationError, match="就业情况"):  # the window refuses it …
        father_id = family.person_ids["张建国"]
        with store.sessions.read() as s:
            number = s.get(Person, father_id).id_number  # type: ignore[union-attr]
        update_person(
            store, actor, father_id, PersonInput("张建国", number, "applicant", employment="打零工")
        )
    with store.sessions.write() as s:  # … but a record synced from an older desk may carry it
        s.get(Person, father_id).employment = "打零工"  # type: ignore[union-attr]
    with pytest.raises(ValidationError) as err:
        household_facts(store, family.household_id, OCT_2025)
    assert err.value.field == "家庭成员 张建国 的就业情况" and "打零工" in err.value.detail
