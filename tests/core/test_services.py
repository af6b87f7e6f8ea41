"""Household, person, finance, application and document services: valid input stores rows,
an audit event and an outbox entry together; bad input names the field and stores nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from desktop.domain.documents import shared_data_items
from desktop.errors import DuplicateError, PermissionDenied, ValidationError
from desktop.services.cases.applications import ApplicationInput, create_application
from desktop.services.family.documents import (
    attach_document,
    list_documents,
    missing_list,
    read_attachment,
)
from desktop.services.family.finances import AssetInput, IncomeInput, add_asset, add_income
from desktop.services.family.households import (
    HouseholdInput,
    PersonInput,
    add_person,
    create_household,
    remove_person,
)
from desktop.store.models import AuditEvent, Household, OutboxEntry, Person

GOOD_ID = "120101199001011239"
SPOUSE_ID = "11010519491231002X"


def _counts(store) -> tuple[int, int, int, int]:  # type: ignore[no-untyped-def]
    with store.sessions.read() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Household, Person, OutboxEntry, AuditEvent)
        )  # type: ignore[return-value]


def _household(actor, **over) -> HouseholdInput:  # type: ignore[no-untyped-def]
    base = HouseholdInput(
        actor.office_id,
        actor.office_id,
        "河西区友谊路街道紫金山路12号3-201",
        community="幸福里社区",
        members=(
            PersonInput("张三丰", GOOD_ID, "applicant", phone="13812345678"),
            PersonInput("李秀英", SPOUSE_ID, "spouse"),
        ),
    )
    return replace(base, **over)


def test_create_household_writes_rows_audit_and_outbox_together(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    before = _counts(store)
    view = create_household(store, actor, _household(actor))
    after = _counts(store)
    assert view.member_count == 2
    assert [m.sex for m in view.members] == ["M", "F"]
    assert view.members[0].birth_date == date(1990, 1, 1)
    assert after[0] - before[0] == 1 and after[1] - before[1] == 2
    assert after[2] - before[2] == 3 + 3  # 3 rows + 3 audit events queued for sync
    with store.sessions.read() as s:
        entry = s.scalars(
            select(OutboxEntry).where(
                OutboxEntry.entity == "household", OutboxEntry.entity_id == view.id
            )
        ).one()
        assert entry.payload["address"].startswith("河西区") and entry.offices == [
            actor.office_code
        ]
        assert entry.base_rev is None and entry.state == "pending"


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
        ({"address": ""}, "居住地址", "不能为空"),
        ({"address": "长" * 201}, "居住地址", "不能超过200"),
        (
            {"members": (PersonInput("张三丰", "120101199001011238", "applicant"),)},
            "身份证号",
            "校验位",
        ),
        (
            {"members": (PersonInput("张三丰", "120101199002301234", "applicant"),)},
            "身份证号",
            "不存在",
        ),
        ({"members": (PersonInput("", GOOD_ID, "applicant"),)}, "姓名", "不能为空"),
        ({"members": (PersonInput("张三丰", GOOD_ID, "spouse"),)}, "与申请人关系", "申请人本人"),
        ({"members": ()}, "家庭成员", "至少"),
        (
            {"members": (PersonInput("张三丰", GOOD_ID, "applicant", phone="12ab"),)},
            "联系电话",
            "数字",
        ),
        (
            {"members": (PersonInput("张三丰", GOOD_ID, "applicant", disability_type="physical"),)},
            "残疾等级",
            "1–4级",
        ),
        (
            {
                "members": (
                    PersonInput("张三丰", GOOD_ID, "applicant"),
                    PersonInput("张小丰", GOOD_ID, "child"),
                )
            },
            "身份证号",
            "重复",
        ),
        ({"residence_office_id": "nope"}, "居住地街道", "有效"),
    ],
)
def test_bad_household_input_names_the_field_and_writes_nothing(
    clerk, change, field, fragment
) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    before = _counts(store)
    with pytest.raises(ValidationError) as err:
        create_household(store, actor, _household(actor, **change))
    assert field in err.value.field and fragment in err.value.message
    assert _counts(store) == before


def test_duplicate_id_anywhere_in_the_store_is_refused(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    create_household(store, actor, _household(actor))
    other = _household(
        actor,
        address="南开区长虹街道白堤路1号",
        members=(PersonInput("张三", GOOD_ID, "applicant"),),
    )
    with pytest.raises(DuplicateError, match="已登记"):
        create_household(store, actor, other)


def test_same_address_and_member_name_is_flagged_as_likely_duplicate(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    first = create_household(store, actor, _household(actor))
    second = create_household(
        store,
        actor,
        replace(
            _household(actor),
            address="天津市河西区友谊路街道 紫金山路 12号3单元201室",
            members=(PersonInput("张三丰", "120101198503074518", "applicant"),),
        ),
    )
    assert second.likely_duplicates == (first.id,)


def test_person_add_and_remove_are_tombstoned_and_synced(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    h = create_household(store, actor, _household(actor))
    child = add_person(store, actor, h.id, PersonInput("张小明", "120103201501018018", "child"))
    assert child.is_member and "未成年" in child.membership_reason
    with pytest.raises(ValidationError, match="删除原因"):
        remove_person(store, actor, child.id, "")
    remove_person(store, actor, child.id, "户口迁出")
    with store.sessions.read() as s:
        row = s.get(Person, child.id)
        assert row is not None and row.deleted
        ops = s.scalars(select(OutboxEntry.op).where(OutboxEntry.entity_id == child.id)).all()
        assert ops == ["delete"], "an unsent insert and its delete fold into one outbox entry"


def test_money_input_is_decimal_and_bad_amounts_are_refused(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    h = create_household(store, actor, _household(actor))
    item = add_income(
        store, actor, h.id, IncomeInput("wage", date(2026, 9, 1), "1,820.5", h.members[0].id)
    )
    assert str(item.amount) == "1820.50"
    for bad, fragment in (("-5", "负数"), ("abc", "不是有效"), ("", "不能为空")):
        with pytest.raises(ValidationError) as err:
            add_income(store, actor, h.id, IncomeInput("wage", date(2026, 9, 1), bad))
        assert err.value.field == "收入金额" and fragment in err.value.message
    with pytest.raises(ValidationError, match="车辆用途"):
        add_asset(store, actor, h.id, AssetInput("vehicle", "30000"))
    car = add_asset(store, actor, h.id, AssetInput("vehicle", "30000", vehicle_purpose="treatment"))
    assert car.amount == car.amount.quantize(car.amount) and str(car.amount) == "30000.00"


def test_application_lists_missing_documents_once_and_accepts_files(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    h = create_household(store, actor, _household(actor))
    app = create_application(
        store, actor, ApplicationInput(h.id, "dibao", date.today(), proxy_name="王五")
    )
    assert app.state == "new" and app.number.startswith(actor.office_code + "-")
    missing = [d.title for d in missing_list(store, app.id)]
    assert any("申请书" in t for t in missing) and any("委托" in t for t in missing)
    shared = {k.code for k in shared_data_items()}
    assert not shared & {d.kind for d in list_documents(store, app.id)}, "never ask for shared data"
    slot = next(d for d in list_documents(store, app.id) if d.kind == "application_form")
    attach_document(
        store,
        actor,
        household_id=h.id,
        application_id=app.id,
        kind="application_form",
        data=b"%PDF-1.4 form",
        file_name="申请书.pdf",
        document_id=slot.id,
    )
    assert len(missing_list(store, app.id)) == len(missing) - 1
    assert read_attachment(store, actor, slot.id) == b"%PDF-1.4 form"
    with pytest.raises(ValidationError, match="办理中的同类申请"):
        create_application(store, actor, ApplicationInput(h.id, "dibao", date.today()))


def test_a_photo_or_signature_must_be_a_real_picture(clerk) -> None:  # type: ignore[no-untyped-def]
    """A text file named .png, a GIF, a blank signature: refused naming the field, nothing
    stored; a real PNG is taken."""
    import io

    from PIL import Image

    from desktop.store.models import Document
    from tests.support import png_bytes

    store, actor = clerk
    h = create_household(store, actor, _household(actor))

    def attach(kind: str, data: bytes, name: str = "签字.png"):  # type: ignore[no-untyped-def]
        return attach_document(
            store, actor, household_id=h.id, kind=kind, data=data, file_name=name
        )

    def picture(fmt: str, colour: tuple[int, int, int, int]) -> bytes:
        out = io.BytesIO()
        Image.new("RGBA", (60, 30), colour).convert("RGB" if fmt == "GIF" else "RGBA").save(
            out, format=fmt
        )
        return out.getvalue()

    with store.sessions.read() as s:
        before = s.query(Document).filter(Document.household_id == h.id).count()
    with pytest.raises(ValidationError, match="签字.*不是可识别的图片"):
        attach("signature", "签名 张三".encode())
    with pytest.raises(ValidationError, match="照片.*GIF 不受支持"):
        attach("photo", picture("GIF", (200, 10, 10, 255)), "现场.gif")
    with pytest.raises(ValidationError, match="签字为空白"):
        attach("signature", picture("PNG", (0, 0, 0, 0)))  # a transparent, untouched pad
    with store.sessions.read() as s:
        assert s.query(Document).filter(Document.household_id == h.id).count() == before
    assert attach("signature", png_bytes(3)).status == "received"
    assert attach("photo", png_bytes(4, (320, 240)), "现场.png").mime == "image/png"


def test_roles_are_checked_in_the_service(desk) -> None:  # type: ignore[no-untyped-def]
    store, clerk_actor = desk.as_user("clerk")
    h = create_household(store, clerk_actor, _household(clerk_actor))
    _, surveyor = desk.as_user("surveyor")
    with pytest.raises(PermissionDenied, match="入户调查员无权"):
        create_application(store, surveyor, ApplicationInput(h.id, "dibao", date.today()))
    _, coordinator = desk.as_user("coordinator")
    with pytest.raises(PermissionDenied):
        create_household(
            store,
            coordinator,
            _household(
                coordinator, members=(PersonInput("赵六", "120101198503074518", "applicant"),)
            ),
        )


def test_bad_application_input(clerk) -> None:  # type: ignore[no-untyped-def]
    store, actor = clerk
    h = create_household(store, actor, _household(actor))
    with pytest.raises(ValidationError, match="救助类别"):
        create_application(store, actor, ApplicationInput(h.id, "bogus", date.today()))
    with pytest.raises(ValidationError, match="不能晚于今天"):
        create_application(store, actor, ApplicationInput(h.id, "dibao", date(2099, 1, 1)))
