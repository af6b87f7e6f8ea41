"""The policy table's sources (依据来源) are Chinese: a new store seeds them so, and a store
the previous release made gets them at its upgrade, keeping every amount, the administrator's
own sources and a whole audit chain."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from alembic import command

from desktop.domain.policy import DEFAULT_POLICY_ROWS
from desktop.services.accounts.audit_trail import verify_audit_trail
from desktop.services.policy.policy_admin import (
    PolicyRowInput,
    add_policy_row,
    invalidate_policy,
    list_policy_rows,
    load_policy,
)
from desktop.services.policy.policy_integrity import (
    record_baseline_if_needed,
    verify_policy_table,
)
from desktop.store.db import alembic_config, current_revision, head_revision
from tests.support import Desk
from tests.ui_fixtures import sync_ops  # noqa: F401

LATIN = re.compile(r"[A-Za-z]")
OWN_SOURCE = "[U] city average floor area per person, m² (typed by the administrator)"


def test_every_seeded_source_reads_in_chinese() -> None:
    english = sorted({r.source for r in DEFAULT_POLICY_ROWS if LATIN.search(r.source or "")})
    assert english == []
    assert all((r.source or "").startswith("〔") for r in DEFAULT_POLICY_ROWS)


def _sources(store, admin) -> dict[tuple[str, date, str | None], str]:  # type: ignore[no-untyped-def]
    return {(r.key, r.effective_from, r.district): r.source for r in list_policy_rows(store, admin)}


def test_a_store_of_the_previous_release_gets_chinese_sources_at_its_upgrade(
    desk: Desk,
) -> None:
    store, admin = desk.as_user("admin")
    start = date(date.today().year + 1, 1, 1)
    add_policy_row(
        store, admin, PolicyRowInput("asset.city_avg_floor_area", "40", start, source=OWN_SOURCE)
    )
    seeded = _sources(store, admin)
    months = [date(2021, 3, 1), date(2025, 9, 1), start]
    before = [load_policy(store).for_month(m) for m in months]

    # What the previous release left: the table as migration 0022 had it (English notes),
    # revision 0022, and the baseline that release recorded at its first login.
    cfg = alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0022")
    invalidate_policy(store)
    assert current_revision(store.engine) == "0022"
    assert record_baseline_if_needed(store, admin)
    old = _sources(store, admin)
    assert old[("asset.city_avg_floor_area", date(2025, 9, 1), None)] == (
        "[U] city average floor area per person, m²"
    )
    assert verify_policy_table(store, admin).ok
    desk.close()

    # The new release opens it: the upgrade runs, the login records the new baseline.
    store, admin = desk.as_user("admin")
    assert current_revision(store.engine) == head_revision()
    assert verify_policy_table(store, admin).ok
    assert verify_audit_trail(store, admin).ok
    upgraded = _sources(store, admin)
    assert upgraded == seeded
    assert upgraded[("asset.city_avg_floor_area", start, None)] == OWN_SOURCE
    assert upgraded[("asset.city_avg_floor_area", date(2025, 9, 1), None)] == (
        "〔待核实〕本市人均住房建筑面积（平方米）"
    )
    assert not [s for s in upgraded.values() if s != OWN_SOURCE and LATIN.search(s)]
    after = [load_policy(store).for_month(m) for m in months]
    for a, b in zip(before, after, strict=True):
        assert (a.standard, a.imputation, a.num("asset.city_avg_floor_area")) == (
            b.standard,
            b.imputation,
            b.num("asset.city_avg_floor_area"),
        )


def test_the_policy_page_shows_the_sources_in_chinese(qtbot, desk: Desk, sync_ops) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from ui.admin.policy_rows import PolicyRowsPage

    store, admin = desk.as_user("admin")
    page = PolicyRowsPage(store, admin)
    qtbot.addWidget(page)
    table = page.table
    header = table.horizontalHeaderItem(5)
    assert header is not None and header.text() == "依据来源"
    shown = [table.item(row, 5).text() for row in range(table.rowCount())]  # type: ignore[union-attr]
    assert len(shown) == len(DEFAULT_POLICY_ROWS)
    assert not [s for s in shown if LATIN.search(s)]
    assert "〔待核实〕本市人均住房建筑面积（平方米）" in shown
    values = {
        table.item(row, 0).text(): table.item(row, 1).text()  # type: ignore[union-attr]
        for row in range(table.rowCount())
    }
    assert values["救助金取整单位"] == "分" and values["边缘补助取整单位"] == "元"
    assert values["救助金起发规则"] == "自确认决定之日起"
    assert not [v for v in values.values() if LATIN.search(v)]
    page.new_key.setCurrentIndex(page.new_key.findData("rounding.unit"))
    assert page.new_value.placeholderText() == "可填：分 / 元"


def test_a_choice_is_typed_by_its_chinese_name_and_stored_as_its_code(desk: Desk) -> None:
    from desktop.errors import ValidationError

    store, admin = desk.as_user("admin")
    start = date(date.today().year + 1, 1, 1)
    view = add_policy_row(
        store, admin, PolicyRowInput("rounding.unit", "元", start, source="区民政局通知")
    )
    assert (view.value, view.value_text) == ("yuan", "元")
    assert load_policy(store).for_month(start).rounding_unit == Decimal("1")
    with pytest.raises(ValidationError) as refused:
        add_policy_row(
            store,
            admin,
            PolicyRowInput("rounding.unit", "角", start.replace(month=2), source="区民政局通知"),
        )
    assert refused.value.field == "参数值" and "应为 分/元" in refused.value.message
    assert [r.value for r in list_policy_rows(store, admin, key="rounding.unit")][-1] == "yuan"
