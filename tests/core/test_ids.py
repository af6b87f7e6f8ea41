"""Resident ID numbers: the check character, dates, sexes, regions, 15-digit numbers, masking."""

from datetime import date

import pytest

from desktop.domain.ids import check_char, convert_15_to_18, id_error, mask_id, mask_phone, parse_id
from desktop.errors import ValidationError


@pytest.mark.parametrize(
    ("number", "born", "sex", "region"),
    [
        ("11010519491231002X", date(1949, 12, 31), "F", "北京市"),
        ("120101199001011239", date(1990, 1, 1), "M", "和平区"),
        ("11010519491231002x", date(1949, 12, 31), "F", "北京市"),  # lower-case x is accepted
    ],
)
def test_valid_numbers_give_birth_date_sex_and_region(
    number: str, born: date, sex: str, region: str
) -> None:
    info = parse_id(number)
    assert info.number == number.upper()
    assert (info.birth_date, info.sex, info.region_name) == (born, sex, region)


def test_check_character_matches_the_standard_examples() -> None:
    assert check_char("11010519491231002") == "X"
    assert check_char("12010119900101123") == "9"


def test_fifteen_digit_legacy_number_converts_to_eighteen() -> None:
    assert convert_15_to_18("110105491231002") == "11010519491231002X"
    info = parse_id("110105491231002")
    assert info.number == "11010519491231002X"
    assert info.birth_date == date(1949, 12, 31)


def test_historical_tianjin_codes_are_named() -> None:
    first17 = "12022519800101001"
    assert "蓟县" in parse_id(first17 + check_char(first17)).region_name


@pytest.mark.parametrize(
    ("number", "code", "fragment"),
    [
        ("120101199001011238", "check_char", "校验位"),
        ("120101199002301234", "birth_date", "不存在"),
        ("1201011990010112", "length", "18位"),
        ("12010119900101123A", "chars", "数字"),
        ("", "required", "不能为空"),
        ("990101199001011234", "region", "地区代码"),
    ],
)
def test_invalid_numbers_are_refused_with_a_chinese_reason(
    number: str, code: str, fragment: str
) -> None:
    with pytest.raises(ValidationError) as err:
        parse_id(number)
    assert err.value.code == code
    assert err.value.field == "身份证号"
    assert fragment in err.value.message
    assert id_error(number) is not None


def test_future_birth_date_is_refused() -> None:
    first17 = "12010120990101123"
    with pytest.raises(ValidationError, match="不合理"):
        parse_id(first17 + check_char(first17), today=date(2026, 11, 29))


def test_age_counts_completed_years() -> None:
    info = parse_id("120101199001011239")
    assert info.age_on(date(2025, 12, 31)) == 35
    assert info.age_on(date(2026, 1, 1)) == 36


def test_masking_shows_first_six_and_last_four_only() -> None:
    assert mask_id("120101199001011239") == "120101********1239"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id("") == ""
