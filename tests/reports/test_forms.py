"""Forms: home survey blank and filled, check authorisation, self-assessment."""

from __future__ import annotations

import dataclasses

import pytest

from desktop.errors import ValidationError
from reports.data import Signature
from reports.forms import (
    render_blank_home_survey,
    render_check_authorization,
    render_home_survey,
    render_self_assessment,
)
from reports.privacy import mask_id, mask_phone
from reports.samples import YOUYI, sample_authorization, sample_self_assessment, sample_survey

SECTIONS = (
    "一、家庭成员",
    "二、家庭收入",
    "三、家庭财产",
    "四、住房及生活状况",
    "五、邻里走访",
    "六、调查人员与在场家庭成员",
)


def test_blank_survey_has_every_section_and_no_case_data(pdf_text) -> None:
    text = pdf_text(render_blank_home_survey(YOUYI))
    for heading in SECTIONS:
        assert heading in text
    assert "调查人员（至少2人）签字" in text and "调查单位：天津市河西区友谊路街道办事处" in text
    assert "HX-2025" not in text


def test_filled_survey_shows_members_income_assets_and_signatures(pdf_text, pdf_reader) -> None:
    survey = sample_survey(2)
    pdf = render_home_survey(survey)
    text = pdf_text(pdf)
    for heading in SECTIONS + ("七、签字",):
        assert heading in text
    for member in survey.case.members:
        assert member.name in text and mask_id(member.id_number) in text
        assert member.id_number not in text
    assert survey.case.phone not in text and mask_phone(survey.case.phone) in text
    assert "灵活就业收入" in text and "800.00" in text and "3,200.00" in text
    assert "调查人员：孙雅琴、周振华" in text and "钱淑珍" in text
    assert "调查日期：2025年9月5日" in text
    images = sum(len(page.images) for page in pdf_reader(pdf).pages)
    assert images == len(survey.signatures) == 3


def test_survey_needs_two_surveyors() -> None:
    survey = dataclasses.replace(sample_survey(0), surveyors=("孙雅琴",))
    with pytest.raises(ValidationError) as err:
        render_home_survey(survey)
    assert err.value.field == "调查人员"


def test_broken_signature_image_names_the_signer() -> None:
    survey = dataclasses.replace(
        sample_survey(0), signatures=(Signature("周振华", "调查人", b"not a png"),)
    )
    with pytest.raises(ValidationError) as err:
        render_home_survey(survey)
    assert "周振华" in err.value.field


def test_authorization_lists_every_member_masked(pdf_text) -> None:
    auth = sample_authorization(2)
    text = pdf_text(render_check_authorization(auth))
    assert "家庭经济状况核对授权书" in text and "本人签字（按手印）" in text
    for member in auth.case.members:
        assert f"{member.name}{member.relation}{mask_id(member.id_number)}" in text
    for item in auth.scope:
        assert "".join(item.split()) in text


def test_self_assessment_figures_and_disclaimer(pdf_text) -> None:
    text = pdf_text(render_self_assessment(sample_self_assessment()))
    assert "人均月收入800.00元" in text and "人均货币财产5,000.00元" in text
    assert "现行低保标准1,045.00元/人·月" in text
    assert "最低生活保障可能符合" in text and "临时救助暂不符合" in text
    assert "仅供参考" in text


def test_self_assessment_zero_family_size_names_the_field() -> None:
    with pytest.raises(ValidationError) as err:
        render_self_assessment(dataclasses.replace(sample_self_assessment(), family_size=0))
    assert err.value.field == "家庭人口"
