"""Program settings declared once (key, type, default, Chinese label, help, consumer), stored in the encrypted store.

Every setting names the module that reads it (``consumer``); a test checks that the module
does. Consumers read the value when they use it, so a change applies without a restart. The
hub address is not a setting: it is bound to the device token and set by registering (同步).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from desktop.errors import ValidationError
from desktop.services.base import Actor, Role, Scope, service, unit_of_work
from desktop.store.models import Setting
from desktop.store.store import Store

PREFIX = "setting/"


@dataclass(frozen=True)
class SettingDef:
    """One declared setting; ``consumer`` is the module that reads it."""

    key: str
    kind: type
    default: Any
    label: str
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    consumer: str = ""


SETTINGS: tuple[SettingDef, ...] = (
    SettingDef(
        "sync_interval_min",
        int,
        15,
        "自动同步间隔（分钟）",
        "已注册时每隔多少分钟自动同步一次",
        1,
        1440,
        consumer="ui.sync_panel",
    ),
    SettingDef(
        "camera_folder",
        str,
        "",
        "相机照片文件夹",
        "入户调查时从此文件夹导入新照片",
        consumer="ui.survey.form",
    ),
    SettingDef(
        "printer_name",
        str,
        "",
        "默认打印机",
        "打印时预先选中的打印机；留空则用系统默认打印机",
        consumer="ui.print_defaults",
    ),
    SettingDef("print_copies", int, 1, "默认打印份数", "", 1, 20, consumer="ui.print_defaults"),
    SettingDef(
        "office_hotline",
        str,
        "",
        "社会救助热线",
        "印在明白纸、公示和公告上的咨询/异议电话；留空则用街道登记的电话",
        consumer="desktop.services.outreach.office_window",
    ),
    SettingDef(
        "window_address",
        str,
        "",
        "受理窗口地址",
        "印在明白纸、公示和一次性告知书上；留空则用街道登记的地址",
        consumer="desktop.services.outreach.office_window",
    ),
    SettingDef(
        "flyer_qr_url",
        str,
        "https://zwfw.tj.gov.cn/",
        "明白纸二维码地址",
        "扫码后打开的市级平台公开页面（码上知 · 码上办 · 码上查，地址以 /m/ 结尾）",
        consumer="printing.records",
    ),
    SettingDef(
        "autosave_seconds",
        int,
        5,
        "草稿自动保存间隔（秒）",
        "入户调查草稿的保存频率",
        2,
        60,
        consumer="ui.survey.form",
    ),
    SettingDef(
        "idle_lock_minutes",
        int,
        10,
        "无操作自动锁屏（分钟）",
        "多长时间无人操作后锁定窗口，须重新输入密码；0 表示不锁定。未保存的内容会保留",
        0,
        240,
        consumer="ui.idle_lock",
    ),
)

BY_KEY = {d.key: d for d in SETTINGS}


def _coerce(definition: SettingDef, value: Any) -> Any:
    if definition.kind is int:
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValidationError(definition.label, "须为整数") from None
        if definition.minimum is not None and number < definition.minimum:
            raise ValidationError(definition.label, f"不能小于{definition.minimum}")
        if definition.maximum is not None and number > definition.maximum:
            raise ValidationError(definition.label, f"不能大于{definition.maximum}")
        return number
    text = str(value or "").strip()
    if len(text) > 300:
        raise ValidationError(definition.label, "不能超过300个字")
    if definition.key.endswith("_url") and text and not text.startswith(("http://", "https://")):
        raise ValidationError(definition.label, "须以 http:// 或 https:// 开头")
    return text


def get_setting(store: Store, key: str, session: Session | None = None) -> Any:
    """The typed value of a declared setting (its default when never set); read in
    ``session`` when given (a transaction that may just have changed it)."""
    definition = BY_KEY[key]
    if session is not None:
        row = session.get(Setting, PREFIX + key)
    else:
        with store.sessions.read() as s:
            row = s.get(Setting, PREFIX + key)
    return definition.default if row is None else _coerce(definition, row.value)


def all_settings(store: Store) -> dict[str, Any]:
    """Every declared setting with its typed value."""
    return {d.key: get_setting(store, d.key) for d in SETTINGS}


WINDOW_KEYS = frozenset({"office_hotline", "window_address"})
"""Settings the office's public window record carries (published to the hub on change)."""


@service(
    scope=Scope.NONE("desk settings, no family"),
    roles={Role.ADMIN, Role.SUPERVISOR},
    changes={"settings", "offices"},
)
def update_settings(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first, then store them all (audited); nothing is stored on an error."""
    cleaned = {}
    for key, value in values.items():
        if key not in BY_KEY:  # also a setting removed since (e.g. the old hub_url)
            raise ValidationError("设置项", f"未知的设置“{key}”")
        cleaned[key] = _coerce(BY_KEY[key], value)
    with unit_of_work(store, actor) as uow:
        for key, value in cleaned.items():
            row = uow.session.get(Setting, PREFIX + key)
            if row is None:
                uow.session.add(Setting(key=PREFIX + key, value=str(value)))
            else:
                row.value = str(value)
        uow.audit(
            "update_settings",
            "settings",
            actor.office_id,
            "修改设置：" + "、".join(BY_KEY[k].label for k in cleaned),
            cleaned,
        )
        if WINDOW_KEYS & cleaned.keys():
            # the hub's public pages show what the printed sheets show, from the same change
            from desktop.services.outreach.office_window import publish_window

            publish_window(store, actor, within=uow)
    return cleaned
