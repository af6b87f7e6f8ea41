"""The 同步 tab offers 重新编号 for a case the hub refused for a duplicate number: only for
such a case, only after a confirmation that says the old number may already be printed, and
the new number is the case's (audited)."""

from __future__ import annotations

from sqlalchemy import select

from desktop.services.cases.applications import get_application
from desktop.store.models import Application, AuditEvent, OutboxEntry
from sync.protocol import REJECT_REASONS
from ui.sync_panel import SyncController, SyncPanel


def _refuse_upload(store, office_id: str, reason: str) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A case filed at this office, never accepted by the hub, whose upload the hub refused
    with ``reason``."""
    with store.sessions.write() as s:
        app = s.scalars(
            select(Application)
            .where(
                Application.filed_at_office_id == office_id,
                Application.hukou_office_id == office_id,
            )
            .order_by(Application.number)
        ).first()
        assert app is not None
        app.rev = 0
        s.add(
            OutboxEntry(
                entity="application", entity_id=app.id, op="upsert", payload={"id": app.id},
                state="rejected", attempts=1, last_error=reason,
            )
        )  # fmt: skip
        return app.id, app.number


def _row_of(panel: SyncPanel, app_id: str) -> int:
    return panel._outbox_ids.index(app_id)


def test_a_refused_duplicate_number_is_renumbered_from_the_sync_tab(
    qtbot, desk, sync_ops, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    app_id, old = _refuse_upload(
        store, actor.office_id, f"拒绝：{REJECT_REASONS['duplicate_number']}"
    )
    panel = SyncPanel(store, actor, SyncController(store))
    qtbot.addWidget(panel)
    assert panel.renumber_button.isVisibleTo(panel) and not panel.renumber_button.isEnabled()
    panel.outbox.selectRow(_row_of(panel, app_id))
    assert panel.renumber_button.isEnabled()

    asked: list[str] = []
    monkeypatch.setattr(panel, "confirm_renumber", lambda n: asked.append(n) or False)
    panel.renumber_button.click()
    assert asked == [old] and get_application(store, app_id).number == old, "否 keeps it"

    monkeypatch.setattr(panel, "confirm_renumber", lambda n: asked.append(n) or True)
    panel.renumber_button.click()
    new = get_application(store, app_id).number
    assert new != old and new in panel.renumber_note.text() and old in panel.renumber_note.text()
    with store.sessions.read() as s:
        summary = s.scalars(
            select(AuditEvent.summary).where(AuditEvent.action == "renumber_case")
        ).one()
    assert old in summary and new in summary


def test_the_confirmation_says_the_old_number_may_be_printed(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    from ui.sync_panel import CONFIRM_RENUMBER

    text = CONFIRM_RENUMBER.format(number="120103001-2026-00001")
    assert "120103001-2026-00001" in text and "可能已打印" in text


def test_other_refusals_and_other_roles_get_no_renumbering(qtbot, desk, sync_ops) -> None:  # type: ignore[no-untyped-def]
    store, actor = desk.as_user("supervisor")
    app_id, _ = _refuse_upload(store, actor.office_id, "拒绝：记录不完整")
    panel = SyncPanel(store, actor, SyncController(store))
    qtbot.addWidget(panel)
    panel.outbox.selectRow(_row_of(panel, app_id))
    assert not panel.renumber_button.isEnabled()
    _s, clerk = desk.as_user("clerk")
    clerk_panel = SyncPanel(store, clerk, SyncController(store))
    qtbot.addWidget(clerk_panel)
    assert not clerk_panel.renumber_button.isVisibleTo(clerk_panel)
