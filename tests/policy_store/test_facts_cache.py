"""The monthly run's facts cache: ``households.facts_rev`` goes up on every change the engine
reads (persons, incomes, assets, household policy facts, office region), and a run that
reuses cached amounts decides every case exactly as a run that recomputes everything."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from desktop.services.payment.benefits import (
    _compute,
    _from_cache,
    _load_cases,
    run_monthly_benefits,
)
from desktop.services.policy.policy_admin import load_policy
from desktop.store.store import Store

MONTH = date.today().replace(day=1)


def _rev(store: Store, hid: str) -> int:
    with store.sessions.read() as s:
        return int(s.scalar(text("SELECT facts_rev FROM households WHERE id = :h"), {"h": hid}))


def _sql(store: Store, sql: str, **params: Any) -> None:
    with store.sessions.write() as s:
        s.execute(text(sql), params)


DEMO_OFFICE = "120103001"  # 河西区友谊路街道, the demo desk's office


def _paying_households(store: Store) -> list[str]:
    """Families in payment that the demo office pays (it is their registration office)."""
    with store.sessions.read() as s:
        return list(
            s.scalars(
                text(
                    "SELECT DISTINCT a.household_id FROM applications a JOIN offices o ON "
                    "o.id = a.hukou_office_id WHERE a.state = 'paying' AND o.code = :code "
                    "AND a.assistance_type IN ('dibao', 'bianyuan', 'tekun') "
                    "ORDER BY coalesce(a.benefit_amount, 0) = 0, a.number"  # paid families first
                ),
                {"code": DEMO_OFFICE},
            )
        )


def test_facts_rev_follows_every_fact_the_engine_reads(desk) -> None:  # type: ignore[no-untyped-def]
    store, _ = desk.as_user("supervisor")
    hid, other = _paying_households(store)[:2]
    with store.sessions.read() as s:
        pid = s.scalar(text("SELECT id FROM persons WHERE household_id = :h LIMIT 1"), {"h": hid})
        office = s.scalar(text("SELECT hukou_office_id FROM households WHERE id = :h"), {"h": hid})
    steps = [
        "UPDATE persons SET employment = 'employed' WHERE id = :p",
        "INSERT INTO income_items (id, rev, dirty, deleted, household_id, person_id, kind, month, "
        "amount, note) VALUES ('inc-x', 0, 1, 0, :h, :p, 'wage', '2025-01-01', 100, '')",
        "UPDATE income_items SET amount = 200 WHERE id = 'inc-x'",
        "DELETE FROM income_items WHERE id = 'inc-x'",
        "INSERT INTO assets (id, rev, dirty, deleted, household_id, kind, amount, "
        "vehicle_purpose, note) VALUES ('as-x', 0, 1, 0, :h, 'deposit', 100, '', '')",
        "UPDATE assets SET deleted = 1 WHERE id = 'as-x'",
        "UPDATE households SET setting = 'rural_dispersed' WHERE id = :h",
        "UPDATE households SET rigid_spending = '[]' WHERE id = :h",
        "UPDATE offices SET region_code = region_code WHERE id = :o",
    ]
    for sql in steps:
        before = _rev(store, hid)
        _sql(store, sql, h=hid, p=pid, o=office)
        assert _rev(store, hid) > before, sql
    # A person moved to another family changes both families.
    before, before_other = _rev(store, hid), _rev(store, other)
    _sql(store, "UPDATE persons SET household_id = :o WHERE id = :p", o=other, p=pid)
    assert _rev(store, hid) > before and _rev(store, other) > before_other
    # What the engine does not read leaves the revision alone.
    before = _rev(store, hid)
    _sql(store, "UPDATE households SET phone = '022-12345678', note = 'x' WHERE id = :h", h=hid)
    _sql(store, "UPDATE applications SET reason = 'x' WHERE household_id = :h", h=hid)
    assert _rev(store, hid) == before


def _decisions(store: Store, month: date, *, cold: bool) -> tuple[set[tuple], list, int]:  # type: ignore[type-arg]
    policy = load_policy(store)
    with store.sessions.write() as s:
        if cold:
            s.execute(text("DELETE FROM benefit_facts_cache"))
        comp = _compute(s, month, policy, None, None)
        rows = {(r.case_id, r.kind, r.old, r.new, r.gradual_exit_since) for r in comp.results}
        s.rollback()
    return rows, sorted(comp.skipped), len(comp.fresh)


def _misses(store: Store, month: date) -> int:
    from desktop.services.payment.benefits import _Computed, _lookback

    policy = load_policy(store)
    with store.sessions.read() as s:
        out = _Computed(_load_cases(s))
        out.key = _lookback(s, policy, month)[2]
        return len(_from_cache(s, month, policy, out))


def test_cached_run_decides_exactly_as_a_full_recompute(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    run_monthly_benefits(store, actor, MONTH)  # fills the cache
    assert _misses(store, MONTH) == 0, "nothing changed: every case comes from the cache"
    hids = _paying_households(store)
    assert len(hids) >= 5
    with store.sessions.read() as s:
        pid = s.scalar(text("SELECT id FROM persons WHERE household_id = :h"), {"h": hids[0]})
        with_income = s.scalar(
            text("SELECT household_id FROM income_items WHERE deleted = 0 AND household_id IN "
                 "(SELECT a.household_id FROM applications a JOIN offices o ON "
                 "o.id = a.hukou_office_id WHERE a.state = 'paying' AND o.code = :code) "
                 "AND household_id != :h LIMIT 1"),
            {"h": hids[0], "code": DEMO_OFFICE},
        )  # fmt: skip
    hids.remove(with_income)
    hids.insert(1, with_income)  # its incomes are deleted below: its facts change
    _sql(store, "UPDATE persons SET employment = 'employed', found_work_on = :d WHERE id = :p",
         d=MONTH, p=pid)  # fmt: skip
    _sql(store, "DELETE FROM income_items WHERE household_id = :h", h=hids[1])
    _sql(
        store,
        "INSERT INTO assets (id, rev, dirty, deleted, household_id, kind, amount, vehicle_purpose,"
        " note) VALUES ('as-big', 0, 1, 0, :h, 'deposit', 900000000, '', '')",
        h=hids[2],
    )
    _sql(store, "UPDATE households SET setting = 'rural_dispersed' WHERE id = :h", h=hids[2])
    _sql(store, "UPDATE persons SET sex = 'X' WHERE household_id = :h", h=hids[3])  # bad data
    _sql(store, "UPDATE applications SET benefit_amount = 1 WHERE household_id = :h", h=hids[4])
    # hids[4] changed only its stored amount: still a cache hit (4 families, 1+ case each).
    assert 4 <= _misses(store, MONTH) < len(_load_cases_count(store))
    warm, warm_skipped, recomputed = _decisions(store, MONTH, cold=False)
    cold, cold_skipped, _ = _decisions(store, MONTH, cold=True)
    assert warm == cold and warm_skipped == cold_skipped and warm_skipped
    assert recomputed < len(cold)
    # Another month (ages, income window, policy) recomputes everything, with the same result.
    later = date(MONTH.year + 1, MONTH.month, 1)
    assert _misses(store, later) == len(_load_cases_count(store))
    assert _decisions(store, later, cold=False)[0] == _decisions(store, later, cold=True)[0]


def _load_cases_count(store: Store) -> dict[str, Any]:
    with store.sessions.read() as s:
        return _load_cases(s)


def test_rerun_after_a_fact_change_writes_only_that_family(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    run_monthly_benefits(store, actor, MONTH)
    hid = _paying_households(store)[0]
    _sql(store, "DELETE FROM income_items WHERE household_id = :h", h=hid)
    _sql(
        store,
        "INSERT INTO assets (id, rev, dirty, deleted, household_id, kind, amount, vehicle_purpose,"
        " note) VALUES ('as-big2', 0, 1, 0, :h, 'deposit', 900000000, '', '')",
        h=hid,
    )
    report = run_monthly_benefits(store, actor, MONTH)
    assert report.changed == 1 and report.changes[0].new == Decimal("0.00")
    assert report.changes[0].kind == "stop"


def test_a_household_written_anew_forgets_its_cached_amounts(desk) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    run_monthly_benefits(store, actor, MONTH)
    hid = _paying_households(store)[0]
    with store.sessions.write() as s:
        cached = s.scalar(
            text("SELECT count(*) FROM benefit_facts_cache WHERE household_id = :h"), {"h": hid}
        )
        assert cached
        s.execute(text("PRAGMA foreign_keys = OFF"))
        s.execute(
            text("CREATE TEMP TABLE h_copy AS SELECT * FROM households WHERE id = :h"), {"h": hid}
        )
        s.execute(text("DELETE FROM households WHERE id = :h"), {"h": hid})
        s.execute(text("INSERT INTO households SELECT * FROM temp.h_copy"))
        left = s.scalar(
            text("SELECT count(*) FROM benefit_facts_cache WHERE household_id = :h"), {"h": hid}
        )
    assert left == 0


def test_cached_amounts_keep_their_exact_cents(desk) -> None:  # type: ignore[no-untyped-def]
    from desktop.domain.policy.monthly import Basis
    from desktop.services.payment.benefit_cache import cache_row, load_cached, save_cached

    store, _ = desk.as_user("supervisor")
    hid = _paying_households(store)[0]
    with store.sessions.write() as s:
        conn = s.connection()
        save_cached(conn, [cache_row(hid, "dibao", 7, "k", None, Basis(Decimal("991.33")))])
        got = load_cached(conn, "k")[(hid, "dibao")]
    assert got[0] == 7 and str(got[2].new) == "991.33"
