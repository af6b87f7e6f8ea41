"""转介: a partner directory and referrals tracked to an outcome, the answer due on the office's
working-day calendar; the family's page adds up what it received from every source."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from desktop.errors import PermissionDenied, ValidationError
from desktop.services.support.overview import family_support
from desktop.services.support.referrals import (
    PartnerInput,
    list_partners,
    list_referrals,
    make_referral,
    record_referral_outcome,
    save_partner,
)
from tests.beyond_cash.helpers import paid_families
from tests.support import Desk


def test_a_referral_is_due_in_working_days_and_tracked_to_its_outcome(desk: Desk) -> None:
    store, clerk = desk.as_user("clerk")
    _, admin = desk.as_user("admin")
    with pytest.raises(PermissionDenied):
        save_partner(store, clerk, PartnerInput("charity", "某慈善基金会"))
    with pytest.raises(ValidationError) as caught:
        save_partner(store, admin, PartnerInput("bank", "某银行"))
    assert caught.value.field == "合作单位类别"
    partner = save_partner(
        store, admin, PartnerInput("medical", "区医疗救助中心", "刘", "022-1", "住院救助")
    )
    assert partner.id in {p.id for p in list_partners(store, clerk)}
    family = paid_families(store, clerk)[-1]
    # 30 September 2026 + 10 working days: the National Day week off, Saturday 10 October worked
    referral = make_referral(store, clerk, family, partner.id, "住院自付费用高", date(2026, 9, 30))
    assert referral.due_on == date(2026, 10, 20) and referral.status == "open"
    assert referral.overdue(date(2026, 10, 21)) and not referral.overdue(date(2026, 10, 20))
    with pytest.raises(ValidationError) as caught:
        record_referral_outcome(store, clerk, family, referral.id, "refused", date(2026, 10, 9))
    assert caught.value.field == "未予帮扶原因"
    with pytest.raises(ValidationError) as caught:
        record_referral_outcome(store, clerk, family, referral.id, "given", date(2026, 10, 9))
    assert caught.value.field == "帮扶金额"
    # the family may hold a demo referral too: look this one up by its id
    (again,) = [r for r in list_referrals(store, clerk, family) if r.id == referral.id]
    assert again.status == "open", "a refused call changes nothing"
    accepted = record_referral_outcome(
        store, clerk, family, referral.id, "accepted", date(2026, 10, 8)
    )
    assert accepted.status_cn == "已受理"
    given = record_referral_outcome(
        store,
        clerk,
        family,
        referral.id,
        "given",
        date(2026, 10, 16),
        amount="2500.50",
        service_given="住院医疗救助",
    )
    assert given.amount == Decimal("2500.50") and given.closed_on == date(2026, 10, 16)
    with pytest.raises(ValidationError, match="已办结"):
        record_referral_outcome(
            store, clerk, family, referral.id, "refused", date(2026, 10, 17), reason="重复"
        )
    support = family_support(store, clerk, family)
    assert support.totals[2026]["转介帮扶"] >= Decimal("2500.50")
    line = next(x for x in support.lines if x.source.startswith("区医疗救助中心"))
    assert line.amount == Decimal("2500.50") and "住院医疗救助" in line.what


def test_the_family_support_adds_every_source_per_year(desk: Desk) -> None:
    """The demo family with a referral has insurance, relief, a referral and a service."""
    store, supervisor = desk.as_user("supervisor")
    year = date.today().year
    for family in paid_families(store, supervisor):
        support = family_support(store, supervisor, family)
        kinds = {x.kind for x in support.lines}
        helped = any(x.kind == "转介帮扶" and x.amount for x in support.lines)
        if {"保险", "慰问金", "购买服务"} <= kinds and helped:
            break
    else:
        pytest.fail("no demo family has every kind of support")
    totals = support.totals[year]
    assert totals["转介帮扶"] == Decimal("3200.00") and totals["购买服务"] == Decimal("60.00")
    insured = next(x for x in support.lines if x.kind == "保险")
    assert totals["保险"] == insured.amount and insured.amount in (
        Decimal("30.00") * n + Decimal("150.00") * m for n in range(8) for m in range(8)
    )
    assert support.year_total(year) == sum(totals.values(), Decimal("0.00"))
