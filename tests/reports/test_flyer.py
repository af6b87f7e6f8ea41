"""明白纸: one page, standards of the month, contacts, and a QR code that decodes to the address."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop.errors import ValidationError
from reports.flyer import render_policy_flyer
from reports.samples import sample_flyer


def test_flyer_content_on_one_page(pdf_pages) -> None:
    flyer = sample_flyer()
    pages = pdf_pages(render_policy_flyer(flyer))
    assert len(pages) == 1
    text = "".join(pages[0].split())
    assert "2025年9月保障标准" in text and "城乡低保标准1,045.00元/人·月" in text
    assert "低保边缘家庭生活补贴314.00元/户·月" in text
    for contact in flyer.hotlines:
        assert contact.phone in text
    assert "平江道30号" in text and "申请时请带上" in text


def test_flyer_with_too_much_text_still_fits_one_page(pdf_pages) -> None:
    flyer = dataclasses.replace(sample_flyer(), who_qualifies=sample_flyer().who_qualifies * 8)
    assert len(pdf_pages(render_policy_flyer(flyer))) == 1


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler/zbar missing"
)
def test_qr_code_decodes_to_configured_address(tmp_path: Path) -> None:
    url = "https://example.tj.gov.cn/jiuzhu?office=youyilu"
    pdf = tmp_path / "flyer.pdf"
    pdf.write_bytes(render_policy_flyer(dataclasses.replace(sample_flyer(), qr_url=url)))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "p")], check=True)
    png = next(tmp_path.glob("p*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == url


def test_empty_qr_address_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        render_policy_flyer(dataclasses.replace(sample_flyer(), qr_url=" "))
    assert err.value.field == "二维码地址"


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="poppler/zbar missing"
)
def test_flyer_printed_at_the_desk_carries_the_configured_public_address(
    admin, tmp_path: Path
) -> None:
    """The address in the 明白纸 QR code is the one setting flyer_qr_url (the hub's /m/ pages),
    and the flyer's standards are the plain-words text the 码上知 page shows."""
    from datetime import date

    from desktop.domain.policy.assess import default_policy
    from desktop.domain.policy.plain import plain_policy
    from desktop.settings import update_settings
    from printing.records import policy_flyer_for

    store, actor = admin
    url = "https://jiuzhu.tj.gov.cn/m/"
    update_settings(store, actor, {"flyer_qr_url": url})
    flyer = policy_flyer_for(store, actor, date(2026, 12, 1))
    assert (
        flyer.who_qualifies
        == plain_policy(default_policy().for_month(date(2026, 12, 1))).who_qualifies
    )
    pdf = tmp_path / "desk-flyer.pdf"
    pdf.write_bytes(render_policy_flyer(flyer))
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(pdf), str(tmp_path / "d")], check=True)
    png = next(tmp_path.glob("d*.png"))
    out = subprocess.run(
        ["zbarimg", "-q", "--raw", str(png)], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == url
