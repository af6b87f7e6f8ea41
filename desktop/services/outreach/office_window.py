"""The office's social-assistance window as residents see it on the hub's public pages
(码上知): its phone and address, sent to the hub as the office's own record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from desktop.errors import NotFound
from desktop.services.base import Actor, Role, Scope, UnitOfWork, service, unit_of_work
from desktop.settings import get_setting
from desktop.store.models import Office
from desktop.store.store import Store


def window_contact(
    store: Store, phone: str, address: str, session: Session | None = None
) -> tuple[str, str]:
    """The window's public phone and address: the 社会救助热线 and 受理窗口地址 settings, when set,
    replace the office's registered ones (read at each use). Printed sheets and the hub's
    public pages both take them from here."""
    hotline = str(get_setting(store, "office_hotline", session))
    window = str(get_setting(store, "window_address", session))
    return hotline or phone, window or address


@dataclass(frozen=True)
class WindowView:
    code: str
    name: str
    phone: str
    address: str


@service(
    scope=Scope.NONE("this office's own window record"),
    roles={Role.SUPERVISOR, Role.ADMIN},
    changes={"offices"},
)
def publish_window(store: Store, actor: Actor, *, within: UnitOfWork | None = None) -> WindowView:
    """Queue this office's record for the hub's public pages with the phone and address the
    printed 明白纸 carries (the 热线 / 窗口地址 settings when set), so both say the same.
    Changing either setting publishes it (``within`` the settings change)."""
    with unit_of_work(store, actor, within=within) as uow:
        office = uow.session.get(Office, actor.office_id)
        if office is None:
            raise NotFound("本街道不存在")
        # The settings go into fields of their own: the registered phone and address stay,
        # so clearing a setting publishes them again.
        office.window_phone = str(get_setting(store, "office_hotline", uow.session))
        office.window_address = str(get_setting(store, "window_address", uow.session))
        phone, address = window_contact(store, office.phone, office.address, uow.session)
        uow.record(office, action="publish_window", summary=f"发布受理窗口信息（{office.name}）")
        return WindowView(office.code, office.name, phone, address)
