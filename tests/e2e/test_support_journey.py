"""Support beyond the cash benefit over the real hub on 127.0.0.1: a family living at office A
and registered at office B is referred to a partner at A; after a sync the registration office
sees the referral, records the partner's answer, and A sees the outcome and the whole support."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from desktop.services.family.households import HouseholdInput, PersonInput, create_household
from desktop.services.support.overview import family_support
from desktop.services.support.purchased import ServiceInput, add_service_record, save_service
from desktop.services.support.referrals import (
    PartnerInput,
    list_referrals,
    make_referral,
    record_referral_outcome,
    save_partner,
)
from sync.admin import list_outbox
from tests.e2e.helpers import A, B, new_id_number, office_id
from tests.sync_client.conftest import link


def test_a_referral_made_at_one_office_is_seen_and_answered_at_the_other(
    desk, desk_hp, hub
) -> None:  # type: ignore[no-untyped-def]
    a = link(desk, hub, A, "居住地窗口电脑")
    b = link(desk_hp, hub, B, "户籍地窗口电脑")
    assert a.sync().ok and b.sync().ok
    family = create_household(
        a.store, a.clerk,
        HouseholdInput(
            office_id(a.store, A), office_id(a.store, B), "天津市河西区友谊路街道永安道8号2-101",
            community="永安社区", phone="13912345678",
            members=(PersonInput("周慧敏", new_id_number(), "applicant"),),
        ),
    ).id  # fmt: skip
    partner = save_partner(
        a.store, a.admin, PartnerInput("medical", "区医保局医疗救助科", "刘科长", "022-23000002")
    )
    referral = make_referral(
        a.store, a.clerk, family, partner.id, "住院自付费用高，申请医疗救助", date(2026, 9, 30)
    )
    care = save_service(
        a.store,
        a.admin,
        ServiceInput("care", "友谊社工服务中心", date(2026, 1, 1), date(2026, 12, 31), "80000"),
    )
    add_service_record(
        a.store,
        a.clerk,
        family,
        care.id,
        min(date.today(), date(2026, 12, 1)),
        hours="2",
        value="60",
        note="上门生活照料",
    )
    first = a.sync()
    assert first.ok and first.rejected == 0, first.text()
    assert not list_outbox(a.store, ("pending", "rejected"))
    # the registration office sees the referral after its sync, due on A's working days
    pulled = b.sync()
    assert pulled.ok, pulled.text()
    [seen] = list_referrals(b.store, b.clerk, family)
    assert (seen.id, seen.partner_name, seen.due_on, seen.status) == (
        referral.id,
        "区医保局医疗救助科",
        date(2026, 10, 20),
        "open",
    )
    at_b = family_support(b.store, b.clerk, family)
    assert any(x.kind == "购买服务" and x.amount == Decimal("60.00") for x in at_b.lines)
    # B records the partner's answer; A sees it after both sync
    record_referral_outcome(
        b.store, b.clerk, family, referral.id, "given", date(2026, 10, 16),
        amount="3200", service_given="住院医疗救助金",
    )  # fmt: skip
    back = b.sync()
    assert back.ok and back.rejected == 0, back.text()
    assert a.sync().ok
    [answered] = list_referrals(a.store, a.clerk, family)
    assert answered.status == "given" and answered.amount == Decimal("3200.00")
    support = family_support(a.store, a.clerk, family)
    assert support.totals[2026]["转介帮扶"] == Decimal("3200.00")
    assert support.totals[2026]["购买服务"] == Decimal("60.00")
