import pytest

from medauto.engines.extraction.normalize import (
    find_amounts,
    find_dates,
    find_emails,
    find_phones,
    parse_boolean,
    parse_integer,
    prefers_day_first,
)


@pytest.mark.parametrize(
    ("text", "day_first", "raw", "iso"),
    [
        ("DATE: 11/01/2019", True, "11/01/2019", "2019-01-11"),
        ("DATE: 11/01/2019", False, "11/01/2019", "2019-11-01"),
        ("25/12/2018 10:00", False, "25/12/2018", "2018-12-25"),  # a first part above 12 is the day
        ("01-03-18 5:23:26 PM", True, "01-03-18", "2018-03-01"),
        ("14 MAR 2018 18:40", False, "14 MAR 2018", "2018-03-14"),
        ("02/JAN/2017 10:49", False, "02/JAN/2017", "2017-01-02"),
        ("2018-03-23", False, "2018-03-23", "2018-03-23"),
        ("Due Date: April 4, 2024", False, "April 4, 2024", "2024-04-04"),
        ("11.02.18", True, "11.02.18", "2018-02-11"),
    ],
)
def test_dates_keep_raw_text_and_normalise_to_iso(text, day_first, raw, iso):
    match = find_dates(text, day_first)[0]
    assert (match.raw, match.value) == (raw, iso)
    assert text[match.start : match.end] == raw


def test_codes_and_impossible_dates_are_not_dates():
    assert find_dates("RC11-23-42 - 12/144") == []
    assert find_dates("31/02/2020") == []


def test_day_first_convention_from_other_dates():
    assert prefers_day_first(["13/01/2020", "02/03/2020"])
    assert not prefers_day_first(["01/13/2020"])


@pytest.mark.parametrize(
    ("text", "raw", "value"),
    [
        ("TOTAL AMOUNT: $8.20", "$8.20", 8.2),
        ("RM 22.90", "22.90", 22.9),  # a currency code is a unit, not part of the printed amount
        ("1,234.50 SR", "1,234.50", 1234.5),
        ("ROUNDING (RM) : -0.01", "-0.01", -0.01),
    ],
)
def test_amounts(text, raw, value):
    match = find_amounts(text)[0]
    assert (match.raw, match.value) == (raw, value)


def test_non_amounts():
    assert find_amounts("TOTAL QTY: 28") == []
    assert find_amounts("GST @ 6.00%") == []


def test_phone_email_integer_boolean():
    assert [m.raw for m in find_phones("TEL : 07-5547360 / 016-7993391")] == ["07-5547360", "016-7993391"]
    assert find_emails("write to billing@acme.example.com today")[0].raw == "billing@acme.example.com"
    assert parse_integer("Refills: 3") == 3 and parse_integer("1,200 units") == 1200
    assert parse_boolean("Yes") is True and parse_boolean("no.") is False and parse_boolean("maybe") is None
