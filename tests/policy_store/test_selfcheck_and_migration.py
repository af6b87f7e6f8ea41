"""Self-assessment with the store's policy (or the defaults), and the 0004 migration upgrading
a store built at 0002 with data in it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from desktop.domain.policy import DEFAULT_POLICY_ROWS
from desktop.errors import ValidationError
from desktop.services.policy.policy_admin import PolicyRowInput, add_policy_row
from desktop.services.policy.selfcheck import self_assessment
from desktop.store.db import current_revision, head_revision, make_engine, migrate
from desktop.store.keys import new_database_key

ELDERLY_ALONE = {
    "members": [{"id": "本人", "age": 70, "sex": "female", "work_capacity": "none"}],
    "incomes": [{"member": "本人", "kind": "transfer", "amount": "600"}],
    "assets": {"liquid": [{"kind": "deposit", "amount": "5000"}]},
}


def test_self_assessment_without_a_store_uses_the_defaults() -> None:
    out = self_assessment(ELDERLY_ALONE, today=date(2025, 10, 20))
    assert out["benefit_month"] == "2025-10"
    assert "dibao" in out["may_qualify"]
    dibao = next(p for p in out["programmes"] if p["programme"] == "dibao")
    assert dibao["estimate"] == "445.00"  # 1,045 − 600
    assert "最低生活保障申请书" in out["bring"] and len(out["bring"]) == len(set(out["bring"]))
    assert "仅供参考" in out["note"]


def test_self_assessment_follows_the_store_policy(admin) -> None:  # type: ignore[no-untyped-def]
    store, actor = admin
    add_policy_row(
        store, actor, PolicyRowInput("dibao.standard", "1100", date(2026, 9, 1), source="测试")
    )
    out = self_assessment(ELDERLY_ALONE, store, today=date(2026, 11, 29))
    dibao = next(p for p in out["programmes"] if p["programme"] == "dibao")
    assert out["benefit_month"] == "2026-11" and dibao["estimate"] == "500.00"
    earlier = self_assessment({**ELDERLY_ALONE, "benefit_month": "2026-08"}, store)
    assert (
        next(p for p in earlier["programmes"] if p["programme"] == "dibao")["estimate"] == "445.00"
    )


def test_self_assessment_with_nothing_to_qualify_for_says_so() -> None:
    rich = {**ELDERLY_ALONE, "incomes": [{"member": "本人", "kind": "transfer", "amount": "9000"}]}
    out = self_assessment(rich, today=date(2025, 10, 1))
    assert out["may_qualify"] == [] and out["bring"] == [] and "窗口咨询" in out["bring_note"]


@pytest.mark.parametrize(
    ("doc", "field_part"),
    [
        (
            {**ELDERLY_ALONE, "incomes": [{"member": "本人", "kind": "transfer", "amount": "-5"}]},
            "金额",
        ),
        (
            {**ELDERLY_ALONE, "members": [{"id": "本人", "age": 70, "work_capacity": "lazy"}]},
            "劳动能力",
        ),
        ({"households": [ELDERLY_ALONE]}, "自助评估输入"),
        ({**ELDERLY_ALONE, "benefit_month": "2019-01"}, None),
    ],
)
def test_self_assessment_bad_input(doc, field_part) -> None:  # type: ignore[no-untyped-def]
    from desktop.errors import PolicyError

    if field_part is None:
        with pytest.raises(PolicyError):
            self_assessment(doc)
        return
    with pytest.raises(ValidationError) as err:
        self_assessment(doc)
    assert field_part in err.value.field


def test_store_at_0002_upgrades_through_0004_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    engine = make_engine(path, new_database_key())
    migrate(engine, path, target="0002")
    with engine.begin() as c:
        c.execute(text(
            "INSERT INTO offices (id, rev, dirty, deleted, code, name, district, region_code, phone, address) "
            "VALUES ('o1', 1, 0, 0, '120103001', '友谊路街道', '河西区', '120103', '', '')"
        ))  # fmt: skip
        c.execute(text(
            "INSERT INTO households (id, rev, dirty, deleted, residence_office_id, hukou_office_id, community, "
            "address, hukou_address, phone, address_key, note) "
            "VALUES ('h1', 1, 0, 0, 'o1', 'o1', '', '紫金山路1号', '', '', '', '')"
        ))  # fmt: skip
        c.execute(
            text(
                "INSERT INTO persons (id, rev, dirty, deleted, household_id, name, name_pinyin, "
                "name_initials, id_number, sex, birth_date, relation, is_member, non_member_reason, "
                "phone, disability_type, illness_class, work_capacity, student_level, employment, "
                "lives_with_family) VALUES ('p1', 1, 0, 0, 'h1', '张三丰', 'zhangsanfeng', 'zsf', "
                "'120101199001011239', 'M', :b, 'applicant', 1, '', '', '', '', 'full', '', '', 1)"
            ),
            {"b": date(1990, 1, 1)},
        )
        c.execute(text(
            "INSERT INTO applications (id, rev, dirty, deleted, number, household_id, applicant_id, "
            "assistance_type, state, channel, filed_at_office_id, residence_office_id, hukou_office_id, "
            "applied_on, proxy_name, proxy_authorised, staff_relative, reason, benefit_amount, "
            "deadline_step, workflow) VALUES ('a1', 1, 0, 0, 'N-1', 'h1', 'p1', 'dibao', 'paying', "
            "'window', 'o1', 'o1', 'o1', '2025-09-01', '', 0, 0, '', 104500, '', '{}')"
        ))  # fmt: skip
    backup = migrate(engine, path)
    assert backup is not None and current_revision(engine) == head_revision()
    with engine.connect() as c:
        person = c.execute(
            text("SELECT name, supporter, self_care_failed, found_work_on FROM persons")
        ).one()
        assert tuple(person) == ("张三丰", "able", "[]", None)
        home = c.execute(
            text("SELECT setting, single_parent, rigid_spending FROM households")
        ).one()
        assert tuple(home) == ("urban", 0, "[]")
        app = c.execute(
            text(
                "SELECT benefit_amount, benefit_programme, assessment, gradual_exit_since FROM applications"
            )
        ).one()
        assert tuple(app) == (104500, "", "{}", None)
        n = c.execute(text("SELECT count(*) FROM policy_rows")).scalar()
        assert n == len(DEFAULT_POLICY_ROWS)
        hits = c.execute(
            text("SELECT rowid FROM person_digits WHERE person_digits MATCH '\"1239\"'")
        ).all()
        assert len(hits) == 1, "adding columns keeps the search index triggers"
        assert (
            c.execute(text("SELECT value FROM settings WHERE key = 'policy_rows.version'")).scalar()
            == "1"
        )
    engine.dispose()
