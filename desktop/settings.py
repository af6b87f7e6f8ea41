"""Program settings declared once (key, type, default, Chinese label, help), stored in the encrypted store."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from desktop.errors import ValidationError
from desktop.services.base import Actor, Role, service, unit_of_work
from desktop.store.models import Setting
from desktop.store.store import Store

PREFIX = "setting/"


@dataclass(frozen=True)
class SettingDef:
    key: str
    kind: type
    default: Any
    label: str
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None


SETTINGS: tuple[SettingDef, ...] = (
    SettingDef(
        "hub_url",
        str,
        "",
        "金民同步地址",
        "市级系统（或参考枢纽）的地址，如 https://jinmin.example.gov.cn",
    ),
    SettingDef(
        "sync_interval_min",
        int,
        15,
        "自动同步间隔（分钟）",
        "联网时每隔多少分钟自动同步一次",
        1,
        1440,
    ),
    SettingDef("camera_folder", str, "", "相机照片文件夹", "入户调查时从此文件夹导入新照片"),
    SettingDef("printer_name", str, "", "默认打印机", "留空则每次打印时选择"),
    SettingDef("print_copies", int, 1, "默认打印份数", "", 1, 20),
    SettingDef("office_hotline", str, "", "社会救助热线", "印在明白纸和公示上的咨询/异议电话"),
    SettingDef("window_address", str, "", "受理窗口地址", "印在明白纸和告知书上"),
    SettingDef(
        "flyer_qr_url", str, "https://mzj.tj.gov.cn", "明白纸二维码地址", "扫码后打开的政策页面"
    ),
    SettingDef(
        "autosave_seconds", int, 5, "草稿自动保存间隔（秒）", "录入和入户调查的草稿保存频率", 2, 60
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


def get_setting(store: Store, key: str) -> Any:
    """The typed value of a declared setting (its default when never set)."""
    definition = BY_KEY[key]
    with store.sessions.read() as s:
        row = s.get(Setting, PREFIX + key)
    return definition.default if row is None else _coerce(definition, row.value)


def all_settings(store: Store) -> dict[str, Any]:
    return {d.key: get_setting(store, d.key) for d in SETTINGS}


@service(roles={Role.ADMIN, Role.SUPERVISOR}, changes={"settings"})
def update_settings(store: Store, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Validate every value first, then store them all (audited); nothing is stored on an error."""
    cleaned = {}
    for key, value in values.items():
        if key not in BY_KEY:
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
    return cleaned
