"""Numbers, money and dates as people type them."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from sheetsync.backends.a1 import a1_sheet, column_letter, column_number
from sheetsync.read.cells import AmbiguousAmount, name_list, parse_datetime, parse_money, parse_number, parse_shares
from sheetsync.read.rows import Names


@pytest.mark.parametrize(
    "text,lang,expected",
    [
        ("12.5", "fr", "12.5"),
        ("12,5", "fr", "12.5"),
        ("12,5", "en", "12.5"),
        ("1 234,50 €", "fr", "1234.50"),
        ("1\u202f234,50\u00a0€", "fr", "1234.50"),
        ("1\u00a0234,50", "fr", "1234.50"),
        ("€1,234.50", "en", "1234.50"),
        ("1.234,50", "fr", "1234.50"),
        ("1,234.50", "fr", "1234.50"),
        ("1.234", "fr", "1234"),
        ("1,234", "fr", "1.234"),
        ("1.234", "en", "1.234"),
        ("1,234", "en", "1234"),
        ("0,320", "fr", "0.320"),
        ("0,32", "fr", "0.32"),
        ("-12", "en", "-12"),
        ("1.234.567", "fr", "1234567"),
        ("45 €", "fr", "45"),
        ("EUR 45", "en", "45"),
        (12, "en", "12"),
        (0.1, "en", "0.1"),
        (D("3.5"), "en", "3.5"),
    ],
)
def test_numbers(text, lang, expected):
    assert parse_number(text, lang) == D(expected)


@pytest.mark.parametrize("text", ["abc", "12 5", "1,2,3", "1.2.3,4,5", "", "12-5", True])
def test_not_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text, "fr")


def test_money_is_rounded_half_up_to_the_cent():
    assert parse_money("12,3456", "fr") == D("12.35")  # French: a decimal comma
    assert parse_money("12.345", "fr") == D("12345.00")  # French: a dot groups thousands
    assert parse_money("12.3456", "en") == D("12.35")
    assert parse_money(0.125, "en") == D("0.13")  # a number cell (a formula's result) has its digits


@pytest.mark.parametrize(
    "text,lang",
    [("1,234", "fr"), ("12,345", "fr"), ("2,999", "fr"), ("2,000 €", "fr"), ("-1,234", "fr"), ("1.234", "en")],
)
def test_three_digits_after_the_decimal_sign_of_an_amount_typed_as_text_are_ambiguous(text, lang):
    """ "1,234" was 1,23 € in French and "1.234" 1 234 €: the same keys, a thousand times apart,
    without a word. Money has cents: three digits after the decimal sign are a thousand written
    the other way, or a slip, and the amount is refused rather than guessed."""
    with pytest.raises(AmbiguousAmount):
        parse_money(text, lang)
    assert parse_number(text, lang)  # a number of km or litres may have three decimals


@pytest.mark.parametrize(
    "text,lang,expected", [("1.234", "fr", "1234"), ("1,234", "en", "1234"), ("0,125", "fr", "0.13")]
)
def test_a_thousands_separator_or_a_leading_zero_is_no_ambiguity(text, lang, expected):
    assert parse_money(text, lang) == D(expected)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("2025-03-12", datetime(2025, 3, 12)),
        ("12/03/2025", datetime(2025, 3, 12)),
        ("12/03/25", datetime(2025, 3, 12)),
        ("12.03.2025", datetime(2025, 3, 12)),
        ("12/03/2025 20:30", datetime(2025, 3, 12, 20, 30)),
        ("12/03/2025 20h30", datetime(2025, 3, 12, 20, 30)),
        ("12/03/2025 20h", datetime(2025, 3, 12, 20)),
        ("2025-03-12T08:15:00", datetime(2025, 3, 12, 8, 15)),
        ("12 mars 2025", datetime(2025, 3, 12)),
        ("1er janvier 2025", datetime(2025, 1, 1)),
        (45728, datetime(2025, 3, 12)),
        (45728.5, datetime(2025, 3, 12, 12)),
        (date(2025, 3, 12), datetime(2025, 3, 12)),
    ],
)
def test_dates(value, expected):
    assert parse_datetime(value) == expected


def test_month_first_dates():
    assert parse_datetime("03/12/2025", month_first=True) == datetime(2025, 3, 12)


@pytest.mark.parametrize("text", ["31/02/2025", "next tuesday", "12/03/2025 25h", "2025-13-01", "0"])
def test_not_dates(text):
    with pytest.raises(ValueError):
        parse_datetime(text)


def test_owner_shares():
    assert parse_shares("Anne 50%, Bruno 50%") == [("Anne", D("0.5")), ("Bruno", D("0.5"))]
    assert parse_shares("Marie") == [("Marie", None)]
    assert parse_shares("Anne 60 % et Bruno 40 %") == [("Anne", D("0.6")), ("Bruno", D("0.4"))]


HOUSEHOLDS = Names(["Marie & Paul", "Anne", "Léa et Tom", "Jo/Al"])


def test_a_member_whose_name_holds_a_separator_is_one_name_in_a_list():
    """A household known as "Marie & Paul" is one member: a list keeps the longest run of its
    parts that names a member whole; parts that name nobody are split as ever."""
    known = HOUSEHOLDS.get
    assert name_list("Marie & Paul, Anne", known) == ["Marie & Paul", "Anne"]
    assert name_list("anne et marie & paul", known) == ["anne", "marie & paul"]
    assert name_list("Léa et Tom / Jo/Al", known) == ["Léa et Tom", "Jo/Al"]
    assert name_list("Marie & Paul, Anne") == ["Marie", "Paul", "Anne"]  # nobody known: every separator splits
    assert name_list("Marie & Pierre", known) == ["Marie", "Pierre"]
    assert parse_shares("Marie & Paul 50%, Anne 50%", "en", known) == [("Marie & Paul", D("0.5")), ("Anne", D("0.5"))]
    assert parse_shares("Anne 1/3; Léa et Tom 2/3", "fr", known) == [
        ("Anne", D(1) / D(3)),
        ("Léa et Tom", D(2) / D(3)),
    ]


def test_a_list_of_a_hundred_thousand_parts_is_split_in_bounded_time():
    """A hostile cell: the runs tried are a few parts long, never the whole cell."""
    calls = []

    def known(text):
        calls.append(text)
        return None

    assert len(name_list("x, " * 100_000, known)) == 100_000 and len(calls) < 500_000


def test_a_name_added_after_a_lookup_is_found_by_the_next_one():
    names = Names(["Anne"])
    assert names.lookup("bruno") is None
    names.add("Bruno")
    names.alias("Bruno Martin", "Bruno")
    assert (names.lookup("bruno"), names.lookup("BRUNO MARTIN"), names.lookup("anne")) == ("Bruno", "Bruno", "Anne")


def test_a1_columns_and_sheet_names_as_spreadsheet_programs_write_them():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]
    assert [column_number(column_letter(i).encode()) - 1 for i in range(0, 20000, 7)] == list(range(0, 20000, 7))
    assert a1_sheet("Bob's car") == "'Bob''s car'"


def test_a_serial_at_the_end_of_the_1904_range_is_no_date_not_a_crash():
    assert parse_datetime(0, date1904=True) == datetime(1904, 1, 1)
    with pytest.raises(ValueError):
        parse_datetime(2_958_000, date1904=True)
