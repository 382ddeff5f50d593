import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kube_registry.values import (
    escape_csv_cell,
    format_rupiah,
    parse_bool,
    parse_date,
    parse_money,
    parse_period,
    unescape_csv_cell,
)

INDONESIAN_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]
SHORT_MONTHS = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1416000, 1416000),
        (1416000.0, 1416000),
        ("1416000", 1416000),
        ("1.416.000", 1416000),
        ("Rp 1.416.000,00", 1416000),
        ("Rp1.416.000", 1416000),
        ("rp. 25.000", 25000),
        ("Rp 50.000,-", 50000),
        ("1,416,000.00", 1416000),
        ("IDR 1,000,000", 1000000),
        ("Rp1,5 juta", 1500000),
        ("1,5 jt", 1500000),
        ("2 jt", 2000000),
        ("2jt", 2000000),
        ("Rp 10 ribu", 10000),
        ("Rp 1 miliar", 1000000000),
        ("1.500 juta", 1500000000),
        ("  0 ", 0),
        (Decimal("12500"), 12500),
        ("1.416", 1416),
    ],
)
def test_parse_money_reads_indonesian_amounts(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (1416000.5, 1416001),
        ("Rp 1.416.000,49", 1416000),
        (1557600.0000000002, 1557600),
        ("1,2345678 juta", 1234568),
    ],
)
def test_parse_money_rounds_fractions_of_a_rupiah_half_up(raw, expected):
    assert parse_money(raw) == expected


@pytest.mark.parametrize("raw", ["9" * 40, "1" + "0" * 30 + ",5", "Rp " + "9" * 29 + " juta", Decimal("1e40")])
def test_parse_money_refuses_absurdly_large_numbers_with_a_message(raw):
    """Found by tests/test_property_forms.py: 40 digits made quantize() raise InvalidOperation."""
    with pytest.raises(ValueError, match="tidak terbaca"):
        parse_money(raw)


@pytest.mark.parametrize("raw", [-1, -0.5, "-5.000", "Rp -1.000", "(1.000)"])
def test_parse_money_refuses_negative_amounts(raw):
    with pytest.raises(ValueError, match="tidak boleh negatif"):
        parse_money(raw)


@pytest.mark.parametrize("raw", ["abc", "Rp", "1.000.5", "1,5,00", "satu juta", True, float("nan"), "1e5"])
def test_parse_money_refuses_unreadable_amounts(raw):
    with pytest.raises(ValueError, match="tidak terbaca"):
        parse_money(raw)


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_parse_money_reads_blank_as_none(raw):
    assert parse_money(raw) is None


def test_format_rupiah_uses_thousands_dots():
    assert format_rupiah(1416000) == "Rp 1.416.000"
    assert format_rupiah(0) == "Rp 0"
    assert format_rupiah(999) == "Rp 999"
    assert format_rupiah(None) == ""


@settings(deadline=None)  # a loaded CI machine must not turn slowness into failure
@given(st.integers(min_value=0, max_value=10**14))
def test_formatted_rupiah_reads_back_to_itself(amount):
    assert parse_money(format_rupiah(amount)) == amount
    assert parse_money(f"{amount:,}".replace(",", ".")) == amount
    assert parse_money(f"Rp {amount:,}.00".replace(",", "X").replace(".", ",").replace("X", ".")) == amount
    assert parse_money(amount) == amount


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=999_999), st.integers(min_value=1, max_value=9))
def test_juta_with_decimal_comma_reads_back(whole, tenth):
    assert parse_money(f"Rp{whole},{tenth} juta") == whole * 1_000_000 + tenth * 100_000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (dt.date(2014, 4, 12), dt.date(2014, 4, 12)),
        (dt.datetime(2014, 4, 12, 15, 30), dt.date(2014, 4, 12)),
        ("2014-04-12", dt.date(2014, 4, 12)),
        ("2014-04-12 00:00:00", dt.date(2014, 4, 12)),
        ("12/04/2014", dt.date(2014, 4, 12)),
        ("05/08/2025", dt.date(2025, 8, 5)),  # day first, always
        ("12-04-2014", dt.date(2014, 4, 12)),
        ("12.04.2014", dt.date(2014, 4, 12)),
        ("1/2/2014", dt.date(2014, 2, 1)),
        ("12 April 2014", dt.date(2014, 4, 12)),
        ("12 Apr 2014", dt.date(2014, 4, 12)),
        ("12 agustus 2014", dt.date(2014, 8, 12)),
        ("12 Agt 2014", dt.date(2014, 8, 12)),
        ("12 Agu 2014", dt.date(2014, 8, 12)),
        ("1 Mei 2015", dt.date(2015, 5, 1)),
        ("3 Okt 2016", dt.date(2016, 10, 3)),
        ("25 Des 2017", dt.date(2017, 12, 25)),
        ("12-Apr-2014", dt.date(2014, 4, 12)),
        ("Sabtu, 12 April 2014", dt.date(2014, 4, 12)),
        ("  12 April 2014 ", dt.date(2014, 4, 12)),
        (41741, dt.date(2014, 4, 12)),  # a spreadsheet serial day from an unformatted cell
        (41741.75, dt.date(2014, 4, 12)),
    ],
)
def test_parse_date_reads_the_forms_people_write(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2014", "tidak ada di kalender"),
        ("12/13/2014", "tidak ada di kalender"),
        ("12/04/14", "tidak terbaca"),
        ("besok", "tidak terbaca"),
        ("12 Foo 2014", "tidak terbaca"),
        ("0214-01-01", "tidak masuk akal"),
        (2014, "tidak terbaca"),
        (True, "tidak terbaca"),
    ],
)
def test_parse_date_refuses_unreadable_dates(raw, message):
    with pytest.raises(ValueError, match=message):
        parse_date(raw)


def test_parse_date_reads_blank_as_none():
    assert parse_date("") is None
    assert parse_date(None) is None


@settings(deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_every_accepted_date_form_reads_back(day):
    forms = [
        day.isoformat(),
        day.strftime("%d/%m/%Y"),
        day.strftime("%d-%m-%Y"),
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {SHORT_MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {day.strftime('%B')} {day.year}",
        f"{day.day:02d} {day.strftime('%b').upper()} {day.year}",
        dt.datetime.combine(day, dt.time(8, 30)),
        day,
    ]
    for form in forms:
        assert parse_date(form) == day, form


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ya", True),
        ("YA", True),
        ("y", True),
        ("1", True),
        (1, True),
        (1.0, True),
        ("true", True),
        ("True", True),
        (True, True),
        ("tidak", False),
        ("Tidak", False),
        ("n", False),
        ("N", False),
        ("0", False),
        (0, False),
        ("false", False),
        (False, False),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(raw, expected):
    assert parse_bool(raw) is expected


@pytest.mark.parametrize("raw", ["mungkin", 2, "yes please"])
def test_parse_bool_refuses_other_values(raw):
    with pytest.raises(ValueError, match="ya atau tidak"):
        parse_bool(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03", dt.date(2024, 3, 1)),
        ("2024-3", dt.date(2024, 3, 1)),
        ("03/2024", dt.date(2024, 3, 1)),
        ("Maret 2024", dt.date(2024, 3, 1)),
        (dt.date(2024, 3, 1), dt.date(2024, 3, 1)),  # a spreadsheet turned 2024-03 into a date
        (dt.datetime(2024, 3, 15, 0, 0), dt.date(2024, 3, 1)),
        ("", None),
    ],
)
def test_parse_period_gives_first_day_of_month(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize("raw", ["2024-13", "maret", "2024"])
def test_parse_period_refuses_other_values(raw):
    with pytest.raises(ValueError, match="Periode tidak terbaca"):
        parse_period(raw)


@settings(deadline=None)
@given(st.integers(min_value=1900, max_value=2100), st.integers(min_value=1, max_value=12))
def test_period_reads_back(year, month):
    assert parse_period(f"{year}-{month:02d}") == dt.date(year, month, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+62 812 1234", "'+62 812 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Mekar Sari", "Mekar Sari"),
        ("-5000", "-5000"),  # a plain negative number runs nothing
        ("-1,5", "-1,5"),
        # a spreadsheet splitting on `;` or `,` would start a cell after the separator
        ('abc;=HYPERLINK("http://x")', 'abc;\'=HYPERLINK("http://x")'),
        ("x,-1+1", "x,'-1+1"),
        ('a; "=1+1', "a; \"'=1+1"),  # after spaces and quotes too
        ("rugi\n@SUM(A1)", "rugi\n'@SUM(A1)"),
        ("-1,5+2", "'-1,5+2"),  # plain under `,` but a formula under `;`
        ("saldo;-5", "saldo;-5"),
        ("Jl. Merdeka, RT 3", "Jl. Merdeka, RT 3"),
        # a `'` already before a formula sign gets one more, so the text reads back
        ("'=x", "''=x"),
        ("a,'-5", "a,''-5"),
        (-5000, -5000),
        (-1.5, -1.5),
        (None, None),
        ("", ""),
    ],
)
def test_escape_csv_cell(raw, expected):
    assert escape_csv_cell(raw) == expected


@settings(deadline=None)
@given(st.text())
def test_escaped_cell_never_starts_a_formula_and_unescapes_back(text):
    escaped = escape_csv_cell(text)
    assert not escaped.startswith(("=", "+", "@", "\t", "\r"))
    assert not (escaped.startswith("-") and not escaped[1:].replace(".", "").replace(",", "").isdigit())
    assert unescape_csv_cell(escaped) == text


def starts_a_formula(part: str) -> bool:
    """What a spreadsheet would run: a formula sign after spaces and quotes, unless the
    part is a plain negative number."""
    part = part.lstrip(' "\u00a0')
    if part.startswith("-"):
        return re.fullmatch(r"-\d+(?:[.,]\d+)?", part.rstrip(' "\u00a0')) is None
    return part.startswith(("=", "+", "@", "\t", "\r"))


@settings(deadline=None, max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab1-=+@'\";, \t\r\n")), max_size=20))
def test_no_part_of_an_escaped_cell_starts_a_formula_whatever_the_split(text):
    escaped = escape_csv_cell(text)
    for separator in (",", ";", "\n"):
        parts = escaped.split(separator)
        assert not any(starts_a_formula(part) for part in parts), (text, escaped, separator)
    assert unescape_csv_cell(escaped) == text
