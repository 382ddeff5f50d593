import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kube_registry.masking import mask_id_number
from kube_registry.nik import (
    IdNumberError,
    format_id_number,
    normalize_id_number,
    parse_kk,
    parse_nik,
)

TODAY = dt.date(2026, 11, 23)


def test_parse_nik_man():
    info = parse_nik("6474011705800001", today=TODAY)
    assert (info.sex, info.birth_on, info.region_code, info.serial) == ("L", dt.date(1980, 5, 17), "647401", "0001")
    assert info.warnings == []


def test_parse_nik_woman_day_plus_40():
    info = parse_nik("6474015705800002", today=TODAY)
    assert (info.sex, info.birth_on) == ("P", dt.date(1980, 5, 17))


@pytest.mark.parametrize("day", [41, 55, 71])
def test_parse_nik_woman_days_41_to_71_valid(day):
    info = parse_nik(f"647401{day:02d}0180" + "0003", today=TODAY)
    assert info.sex == "P"
    assert info.birth_on.day == day - 40


def test_parse_nik_ignores_spaces_dots_and_dashes():
    assert parse_nik(" 6474.0117-0580 0001 ", today=TODAY).nik == "6474011705800001"


def test_parse_nik_reads_spreadsheet_number():
    assert parse_nik(6474011705800001.0, today=TODAY).nik == "6474011705800001"


@pytest.mark.parametrize("raw", ["647401170580001", "64740117058000011", "12345"])
def test_parse_nik_wrong_length(raw):
    with pytest.raises(IdNumberError, match="16 digit"):
        parse_nik(raw, today=TODAY)


def test_parse_nik_letters():
    with pytest.raises(IdNumberError, match="hanya boleh berisi angka"):
        parse_nik("64740117058000A1", today=TODAY)


@pytest.mark.parametrize(
    "digits",
    [
        "310280",  # 31 February
        "001380",  # month 13
        "000580",  # day 0
        "350580",  # day 35: neither a man's (1-31) nor a woman's (41-71)
        "720580",  # day 72
        "714080",  # woman, day 31 in April... month 40
        "710480",  # woman, 31 April
    ],
)
def test_parse_nik_impossible_date(digits):
    with pytest.raises(IdNumberError, match="tidak mungkin"):
        parse_nik(f"647401{digits}0001", today=TODAY)


def test_parse_nik_future_birth_date():
    with pytest.raises(IdNumberError, match="masa depan"):
        parse_nik("6474012512260001", today=TODAY)  # 25 Dec 2026


def test_parse_nik_serial_zero():
    with pytest.raises(IdNumberError, match="0000"):
        parse_nik("6474011705800000", today=TODAY)


def test_parse_nik_sex_disagrees():
    with pytest.raises(IdNumberError, match="perempuan"):
        parse_nik("6474015705800002", sex="L", today=TODAY)
    with pytest.raises(IdNumberError, match="laki-laki"):
        parse_nik("6474011705800001", sex="P", today=TODAY)


def test_parse_nik_birth_date_disagrees():
    with pytest.raises(IdNumberError, match="17-05-1980"):
        parse_nik("6474011705800001", birth_on=dt.date(1980, 5, 18), today=TODAY)


def test_parse_nik_birth_date_a_century_away_is_taken_as_recorded():
    info = parse_nik("6474011705200001", birth_on=dt.date(1920, 5, 17), today=TODAY)
    assert info.birth_on == dt.date(1920, 5, 17)


def test_parse_nik_unknown_region_is_a_warning_only():
    info = parse_nik("9900011705800001", today=TODAY)
    assert info.birth_on == dt.date(1980, 5, 17)
    assert "99.00.01" in info.warnings[0]


def test_parse_nik_other_city_region_is_fine():
    # A Bontang resident may carry the Makassar NIK of first registration.
    assert parse_nik("7371011705800001", today=TODAY).warnings == []


def test_parse_kk_valid_and_bad_date_warns():
    assert parse_kk("6474 0101 0215 0007") == ("6474010102150007", [])
    kk, warnings = parse_kk("6474013202150007")
    assert kk == "6474013202150007"
    assert "tidak mungkin" in warnings[0]


def test_parse_kk_wrong_length():
    with pytest.raises(IdNumberError, match="Nomor KK harus 16 digit"):
        parse_kk("647401021500")


def test_mask_and_format():
    assert mask_id_number("6474011705800001") == "6474 •••• •••• ••••"
    assert format_id_number("6474011705800001") == "6474 0117 0580 0001"
    assert mask_id_number("") == ""
    assert normalize_id_number(None) == ""


@given(
    birth=st.dates(min_value=dt.date(1927, 1, 1), max_value=TODAY),
    sex=st.sampled_from(["L", "P"]),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_parse_nik_reads_back_any_valid_nik(birth, sex, serial):
    day = birth.day + (40 if sex == "P" else 0)
    nik = f"647401{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"
    info = parse_nik(nik, sex=sex, birth_on=birth, today=TODAY)
    assert (info.sex, info.birth_on, int(info.serial)) == (sex, birth, serial)
