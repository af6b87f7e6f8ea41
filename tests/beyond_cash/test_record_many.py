"""Roster writes in bulk: ``UnitOfWork.record_many`` (one flush, one read of the families and
of the unsent entries) leaves exactly the rows, outbox entries and chained audit events of
``record`` called row by row, for a roster generated, generated again (the draft dropped)
and reviewed; the chain still verifies."""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

import desktop.services.base as base
from desktop.domain.audit_chain import verify_chain
from desktop.services.base import UnitOfWork
from desktop.services.support.programmes import (
    ProgrammeInput,
    generate_roster,
    review_roster,
    save_programme,
)
from desktop.store.models import AuditEvent
from tests.support import Desk, table_rows

TODAY = date.today()
RELIEF = ProgrammeInput(
    "relief", "春节慰问（测试）", "", "区慈善协会", "区慈善协会慈善资金",
    date(TODAY.year, 1, 1), date(TODAY.year, 12, 31), {"adult": "500", "child": "800", "tekun": "1000"},
)  # fmt: skip


class _Clock(datetime):
    """One fixed moment for both runs (the audit chain hashes the time of each event)."""

    @classmethod
    def now(cls, tz: Any = None) -> _Clock:  # type: ignore[override]
        return cls(TODAY.year, TODAY.month, TODAY.day, 10, 0, 0)


_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{64}")


def _canonical(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    """Random ids (and the chain hashes, which hash them) named by their first appearance,
    tables in name order and rows in the order written: the same writes in the same order
    name them alike, whatever random values they drew."""
    names: dict[str, str] = {}

    def name(m: re.Match[str]) -> str:
        return names.setdefault(m.group(0), f"<{len(names)}>")

    return {
        table: [
            tuple(_TOKEN.sub(name, v) if isinstance(v, str) else v for v in r) for r in rows[table]
        ]
        for table in sorted(rows)
    }


def _run(folder: Path, monkeypatch: pytest.MonkeyPatch, *, plain: bool) -> dict[str, Any]:
    """Generate a roster, generate it again (the draft dropped), review it; every table after."""
    with monkeypatch.context() as m:
        m.setattr(base, "datetime", _Clock)  # one moment for both runs (the events' time)
        if plain:
            m.setattr(UnitOfWork, "record_many", UnitOfWork.record_each)
        desk = Desk(folder)
        try:
            store, actor = desk.as_user("supervisor")
            programme = save_programme(store, actor, RELIEF)
            generate_roster(store, actor, programme.id, TODAY)
            roster = generate_roster(store, actor, programme.id, TODAY)
            review_roster(store, actor, roster.id, TODAY)
            rows = _canonical(table_rows(store))
            with store.sessions.read() as s:
                chain = [
                    {c.key: getattr(e, c.key) for c in AuditEvent.__table__.columns}
                    for e in s.scalars(select(AuditEvent).where(AuditEvent.chain_seq.is_not(None)))
                ]
        finally:
            desk.close()
    return {"rows": rows, "chain": chain, "lines": len(roster.persons)}


def test_record_many_writes_what_record_writes_row_by_row(
    template_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for how in ("plain", "bulk"):
        shutil.copytree(template_dir, tmp_path / how)
    plain = _run(tmp_path / "plain", monkeypatch, plain=True)
    bulk = _run(tmp_path / "bulk", monkeypatch, plain=False)
    assert plain["lines"] > 10
    assert plain["rows"].keys() == bulk["rows"].keys()
    for name in sorted(plain["rows"]):
        a, b = plain["rows"][name], bulk["rows"][name]
        assert len(a) == len(b), name
        for i, (ra, rb) in enumerate(zip(a, b, strict=True)):
            assert ra == rb, f"{name} row {i}"
    outbox = [r for r in bulk["rows"]["outbox"] if "roster_line" in r]
    assert len(outbox) > 10  # the lines are queued (and the dropped draft's folded)
    report = verify_chain(bulk["chain"])
    assert report.ok and report.checked >= 2 * plain["lines"], report
