"""The office's social-assistance window as residents see it on the hub's public pages
(码上知): its phone and address, sent to the hub as the office's own record."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import NotFound
from desktop.services.base import Actor, Role, service, unit_of_work
from desktop.services.printing import own_office, report_office
from desktop.store.models import Office
from desktop.store.store import Store


@dataclass(frozen=True)
class WindowView:
    code: str
    name: str
    phone: str
    address: str


@service(roles={Role.SUPERVISOR, Role.ADMIN}, changes={"offices"})
def publish_window(store: Store, actor: Actor) -> WindowView:
    """Queue this office's record for the hub's public pages with the phone and address the
    printed 明白纸 carries (the 热线 / 窗口地址 settings when set), so both say the same."""
    printed = own_office(store, report_office(store, actor.office_id))
    with unit_of_work(store, actor) as uow:
        office = uow.session.get(Office, actor.office_id)
        if office is None:
            raise NotFound("本街道不存在")
        office.phone, office.address = printed.phone, printed.address
        uow.record(office, action="publish_window", summary=f"发布受理窗口信息（{office.name}）")
        return WindowView(office.code, office.name, office.phone, office.address)
