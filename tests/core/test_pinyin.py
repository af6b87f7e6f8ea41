"""Pinyin search keys, including surnames read differently from the everyday reading."""

import pytest

from desktop.pinyin import name_keys


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张三丰", "zhangsanfeng", "zsf"),
        ("单雄信", "shanxiongxin", "sxx"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解晓东", "xiexiaodong", "xxd"),
        ("区志强", "ouzhiqiang", "ozq"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("仇红梅", "qiuhongmei", "qhm"),
    ],
)
def test_name_keys(name: str, full: str, initials: str) -> None:
    assert name_keys(name) == (full, initials)
