"""The city's policy table on the hub: loaded whole from the bureau's file (a bad file changes
nothing), shown on the residents' pages, brought to every desk by the sync, where the
administrator sees what differs and adopts it through the program (audited, digest kept, the
hub's check agrees), through the real 政策参数 page too."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import requests
from openpyxl import Workbook

from desktop.errors import PermissionDenied
from desktop.services.policy.policy_admin import (
    adopt_city_policy,
    compare_with_city,
    list_policy_rows,
    load_policy,
)
from desktop.services.policy.policy_integrity import verify_policy_table
from sync.hub import city_policy
from sync.hub.__main__ import main as hub_main
from sync.hub.server import HubThread
from tests.support import Desk
from tests.sync.conftest import OFFICE_A
from tests.sync_client.conftest import Linked
from tests.ui_fixtures import _ops_clean, sync_ops  # noqa: F401

NEXT_YEAR = date(date.today().year + 1, 1, 1)


def _city_file(folder: Path, standard: str = "1100", *, fmt: str = "csv") -> Path:
    """The defaults as the bureau would export them, with next year's 低保标准 added."""
    rows = []
    for r in city_policy.DEFAULT_POLICY_ROWS:
        end = r.effective_to
        if r.key == "dibao.standard" and r.district is None and end is None:
            end = date(NEXT_YEAR.year - 1, 12, 31)
        rows.append([r.key, r.value, r.effective_from.isoformat(),
                     end.isoformat() if end else "", r.district or "", r.source])  # fmt: skip
    rows.append(["dibao.standard", standard, NEXT_YEAR.isoformat(), "", "", "津民发〔2026〕9号"])
    if fmt == "xlsx":
        path = folder / "city-policy.xlsx"
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(list(city_policy.COLUMNS))
        for row in rows:
            sheet.append(row)
        book.save(path)
        return path
    path = folder / "city-policy.csv"
    lines = [",".join(city_policy.COLUMNS)] + [",".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="gb18030")
    return path


def _standard_rows(rows) -> set[tuple[str, date]]:  # type: ignore[no-untyped-def]
    return {(r.value, r.effective_from) for r in rows if r.key == "dibao.standard"}


def test_a_bad_file_changes_nothing_and_names_the_problem(hub: HubThread, tmp_path: Path) -> None:
    database = hub.app.state.database
    good = _city_file(tmp_path)
    assert hub_main(["load-policy", "--db", hub.settings.db_url, str(good)]) == 0
    before = city_policy.stored_rows(database)
    missing = tmp_path / "missing.csv"
    missing.write_text("key,value\ndibao.standard,1200\n", encoding="utf-8")
    with pytest.raises(city_policy.PolicyFileError, match="缺少列：effective_from"):
        city_policy.read_file(missing)
    bad_date = tmp_path / "bad-date.csv"
    bad_date.write_text(
        ",".join(city_policy.COLUMNS) + "\ndibao.standard,1200,2027-13-01,,,\n", encoding="utf-8"
    )
    with pytest.raises(city_policy.PolicyFileError, match="第 2 行 effective_from"):
        city_policy.read_file(bad_date)
    overlap = tmp_path / "overlap.csv"
    text = good.read_text(encoding="gb18030") + f"dibao.standard,1200,{NEXT_YEAR},,,\n"
    overlap.write_text(text, encoding="utf-8")
    assert hub_main(["load-policy", "--db", hub.settings.db_url, str(overlap)]) == 2
    assert city_policy.stored_rows(database) == before


def test_the_city_table_reaches_the_pages_and_the_desk_which_adopts_it(
    hub: HubThread, linker, desk: Desk, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    linked: Linked = linker(desk, OFFICE_A)
    first = linked.sync()
    assert not first.errors and not first.notices  # nothing loaded on the hub yet
    store, admin = desk.as_user("admin")
    assert not compare_with_city(store, admin).available

    rows = city_policy.read_file(_city_file(tmp_path, fmt="xlsx"))
    city_policy.load(hub.app.state.database, rows)
    summary = linked.sync()
    assert not summary.errors, summary.errors
    assert any("市级平台发布了新的政策参数" in n for n in summary.notices), summary.notices
    assert "市级平台发布了新的政策参数" in summary.text()
    again = linked.sync()
    assert not again.notices  # said once, not at every sync
    digest = linked.client.api.city_policy()["digest"]
    assert linked.client.api.city_policy(digest) == {
        "digest": digest,
        "rows": [],
        "unchanged": True,
    }

    found = compare_with_city(store, admin)
    assert found.available and not found.same
    assert any(line.startswith("低保标准") and "1100" in line for line in found.differences)
    with pytest.raises(PermissionDenied, match="无权"):
        adopt_city_policy(*desk.as_user("clerk"))
    assert adopt_city_policy(store, admin) == len(rows)
    assert compare_with_city(store, admin).same
    assert verify_policy_table(store, admin).ok  # the adoption recorded the new digest
    assert ("1100", NEXT_YEAR) in _standard_rows(list_policy_rows(store, admin))
    assert load_policy(store).value("dibao.standard", NEXT_YEAR) == 1100
    after = linked.sync()
    assert not after.errors, after.errors  # the hub's policy check agrees with the adoption

    page = requests.get(hub.base_url + "/m/zhi", timeout=30).text
    assert "城乡低保标准" in page and "1,045.00" in page


def test_the_residents_pages_follow_the_city_table(hub: HubThread, tmp_path: Path) -> None:
    rows = [
        city_policy.PolicyRow(r.key, "1080", r.effective_from, r.effective_to, r.district, r.source)
        if r.key == "dibao.standard" and r.district is None and r.effective_to is None
        else r
        for r in city_policy.DEFAULT_POLICY_ROWS
    ]
    before = requests.get(hub.base_url + "/m/zhi", timeout=30).text
    assert "1,045.00" in before and "1,080.00" not in before  # the defaults until one is loaded
    city_policy.load(hub.app.state.database, rows)
    after = requests.get(hub.base_url + "/m/zhi", timeout=30).text
    assert "1,080.00" in after and "1,045.00" not in after


def test_the_policy_page_shows_the_differences_and_adopts(
    qtbot,
    hub: HubThread,
    linker,
    desk: Desk,
    tmp_path: Path,
    sync_ops,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    from ui.admin.policy_rows import PolicyRowsPage

    linked: Linked = linker(desk, OFFICE_A)
    city_policy.load(hub.app.state.database, city_policy.read_file(_city_file(tmp_path, "1111")))
    assert not linked.sync().errors
    store, admin = desk.as_user("admin")
    page = PolicyRowsPage(store, admin)
    qtbot.addWidget(page)
    assert "项不同" in page.city_status.text()
    assert "1111" in page.city_differences.toPlainText()
    assert page.adopt_button.isEnabled()
    asked: list[int] = []
    page.confirm_adopt = lambda n: asked.append(n) or False  # type: ignore[method-assign]
    page.adopt_button.click()
    assert asked and not compare_with_city(store, admin).same  # 否 keeps the table
    page.confirm_adopt = lambda n: True  # type: ignore[method-assign]
    page.adopt_button.click()
    assert page.city_status.text().startswith("与市级平台政策参数一致")
    assert not page.adopt_button.isEnabled() and "已采用市级政策参数" in page.message.text()
    clerk_page = PolicyRowsPage(*desk.as_user("supervisor"))
    qtbot.addWidget(clerk_page)
    assert not clerk_page.adopt_button.isVisible() and clerk_page.city_status.text()


def test_a_city_table_that_differs_only_in_its_sources_brings_no_notice(
    hub: HubThread, linker, desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    """The city's copy of the defaults, its 依据来源 worded by the bureau: the amounts and dates
    are this desk's, so there is nothing to adopt and nothing to announce."""
    linked: Linked = linker(desk, OFFICE_A)
    rows = [
        city_policy.PolicyRow(
            r.key,
            r.value,
            r.effective_from,
            r.effective_to,
            r.district,
            "市民政局汇编：" + r.source,
        )
        for r in city_policy.DEFAULT_POLICY_ROWS
    ]
    city_policy.load(hub.app.state.database, rows)
    summary = linked.sync()
    assert not summary.errors, summary.errors
    assert not summary.notices, summary.notices
    store, admin = desk.as_user("admin")
    found = compare_with_city(store, admin)
    assert found.available and found.same and not found.differences


def test_the_bureau_may_write_a_choice_by_its_chinese_name(
    hub: HubThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = hub.app.state.database
    by_code = _city_file(tmp_path)
    text = by_code.read_text(encoding="gb18030")
    assert "rounding.unit,fen," in text and "payment.start,decision_date," in text
    named = tmp_path / "named.csv"
    named.write_text(
        text.replace("rounding.unit,fen,", "rounding.unit,分,")
        .replace("payment.start,decision_date,", "payment.start,自确认决定之日起,")
        .replace("rounding.rule,half_up,", "rounding.rule,四舍五入,"),
        encoding="utf-8",
    )
    assert hub_main(["load-policy", "--db", hub.settings.db_url, str(named)]) == 0
    assert city_policy.policy_digest(city_policy.stored_rows(database)) == (
        city_policy.policy_digest(city_policy.read_file(by_code))
    )
    before = city_policy.stored_rows(database)
    wrong = tmp_path / "wrong.csv"
    wrong.write_text(text.replace("rounding.unit,fen,", "rounding.unit,角,"), encoding="utf-8")
    assert hub_main(["load-policy", "--db", hub.settings.db_url, str(wrong)]) == 2
    said = capsys.readouterr()
    assert "应为 分/元" in said.err + said.out
    assert city_policy.stored_rows(database) == before
