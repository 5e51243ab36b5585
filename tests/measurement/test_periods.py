"""Period codes and their dates (SPEC §4.1), against hand-worked calendars (habit 8)."""

from datetime import date, timedelta
from itertools import pairwise
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commonground.measurement.periods import (
    Frequency,
    Period,
    PeriodError,
    parse_period,
    parse_period_for,
    school_year_code,
)

# Years whose periods (including a school or fiscal year that runs into the next year) exist.
years = st.integers(min_value=1, max_value=9998)
months = st.integers(min_value=1, max_value=12)


def span(code, **kwargs):
    period = parse_period(code, **kwargs)
    return period.start, period.end


# --- every code form --------------------------------------------------------------------------


def test_calendar_year():
    period = parse_period("2024")
    assert period == Period(date(2024, 1, 1), date(2024, 12, 31), "2024", Frequency.ANNUAL.value)
    assert period.frequency == "annual"
    assert period.label == "2024"


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2024Q2", date(2024, 4, 1), date(2024, 6, 30)),
        ("2024Q3", date(2024, 7, 1), date(2024, 9, 30)),
        ("2024Q4", date(2024, 10, 1), date(2024, 12, 31)),
    ],
)
def test_quarters(code, start, end):
    period = parse_period(code)
    assert (period.start, period.end, period.code, period.frequency) == (
        start,
        end,
        code,
        "quarterly",
    )


@pytest.mark.parametrize(
    ("month", "last_day"),
    [
        (1, 31),
        (2, 29),  # 2024 is a leap year
        (3, 31),
        (4, 30),
        (5, 31),
        (6, 30),
        (7, 31),
        (8, 31),
        (9, 30),
        (10, 31),
        (11, 30),
        (12, 31),
    ],
)
def test_every_month_of_2024(month, last_day):
    code = f"2024-{month:02d}"
    period = parse_period(code)
    assert period.start == date(2024, month, 1)
    assert period.end == date(2024, month, last_day)
    assert (period.code, period.frequency) == (code, "monthly")


@pytest.mark.parametrize(
    ("code", "last_day"),
    [
        ("2024-02", 29),  # divisible by 4
        ("2023-02", 28),
        ("2000-02", 29),  # divisible by 400
        ("1900-02", 28),  # divisible by 100, not by 400
        ("2100-02", 28),
    ],
)
def test_february_follows_the_leap_year_rules(code, last_day):
    year = int(code[:4])
    assert span(code) == (date(year, 2, 1), date(year, 2, last_day))


def test_q1_of_a_leap_year_ends_on_march_31_and_has_91_days():
    start, end = span("2024Q1")
    assert (end - start).days + 1 == 31 + 29 + 31
    start, end = span("2023Q1")
    assert (end - start).days + 1 == 31 + 28 + 31


def test_school_year_default_starts_in_july():
    period = parse_period("SY2024-25")
    assert (period.start, period.end) == (date(2024, 7, 1), date(2025, 6, 30))
    assert (period.code, period.frequency) == ("SY2024-25", "school_year")


@pytest.mark.parametrize(
    ("start_month", "start", "end"),
    [
        (1, date(2024, 1, 1), date(2024, 12, 31)),
        (8, date(2024, 8, 1), date(2025, 7, 31)),
        (9, date(2024, 9, 1), date(2025, 8, 31)),
        (12, date(2024, 12, 1), date(2025, 11, 30)),
    ],
)
def test_school_year_follows_the_initiatives_start_month(start_month, start, end):
    assert span("SY2024-25", school_year_start_month=start_month) == (start, end)


def test_school_year_across_a_century():
    assert school_year_code(1999) == "SY1999-00"
    assert span("SY1999-00") == (date(1999, 7, 1), date(2000, 6, 30))
    assert school_year_code(2009) == "SY2009-10"
    assert span("SY2009-10") == (date(2009, 7, 1), date(2010, 6, 30))


def test_school_and_fiscal_start_months_are_independent():
    assert span("SY2024-25", school_year_start_month=9, fiscal_year_start_month=1) == (
        date(2024, 9, 1),
        date(2025, 8, 31),
    )
    assert span("FY2024", school_year_start_month=9, fiscal_year_start_month=1) == (
        date(2024, 1, 1),
        date(2024, 12, 31),
    )


@pytest.mark.parametrize(
    ("start_month", "start", "end"),
    [
        (7, date(2024, 7, 1), date(2025, 6, 30)),  # the default
        (10, date(2024, 10, 1), date(2025, 9, 30)),  # US federal fiscal year
        (1, date(2024, 1, 1), date(2024, 12, 31)),  # the calendar year
        (4, date(2024, 4, 1), date(2025, 3, 31)),
        (3, date(2023, 3, 1), date(2024, 2, 29)),  # named by its starting year: FY2023
    ],
)
def test_fiscal_year_follows_the_initiatives_start_month(start_month, start, end):
    code = f"FY{start.year}"
    period = parse_period(code, fiscal_year_start_month=start_month)
    assert (period.start, period.end, period.code, period.frequency) == (
        start,
        end,
        code,
        "fiscal_year",
    )


def test_fiscal_year_starting_in_january_is_the_calendar_year_but_stays_a_fiscal_period():
    fiscal = parse_period("FY2024", fiscal_year_start_month=1)
    calendar = parse_period("2024")
    assert (fiscal.start, fiscal.end) == (calendar.start, calendar.end)
    assert fiscal.frequency == "fiscal_year" != calendar.frequency


def test_surrounding_whitespace_is_ignored_and_dropped_from_the_code():
    assert parse_period(" 2024 ") == parse_period("2024")
    assert parse_period(" 2024 ").code == "2024"
    assert parse_period("\t2024Q3\n").code == "2024Q3"
    assert parse_period("  SY2024-25").code == "SY2024-25"


# --- invalid codes ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [
        "",
        "   ",
        None,
        "2024Q5",
        "2024Q0",
        "2024Q",
        "2024-13",
        "2024-00",
        "2024-1",
        "2024-001",
        "SY2024-26",
        "SY2024-24",
        "SY2024-2025",
        "SY2024",
        "FY24",
        "FY 2024",
        "FY2024-25",
        "24",
        "20245",
        "2024 Q1",
        "2024/03",
        "Q1 2024",
        "2024q1",  # codes are case-sensitive, as written in the spec
        "fy2024",
        "sy2024-25",
        "2024-03-01",
        "+2024",
        "-2024",
    ],
)
def test_invalid_codes_are_refused_with_a_period_error(code):
    with pytest.raises(PeriodError):
        parse_period(code)


def test_period_error_is_a_value_error():
    assert issubclass(PeriodError, ValueError)


def test_error_messages_name_the_problem():
    with pytest.raises(PeriodError, match="has no month 13"):
        parse_period("2024-13")
    with pytest.raises(PeriodError, match="has no month 0"):
        parse_period("2024-00")
    with pytest.raises(PeriodError, match="write SY2024-25"):
        parse_period("SY2024-26")
    with pytest.raises(PeriodError, match="is not a period code"):
        parse_period("2024Q5")


@pytest.mark.parametrize("code", ["٢٠٢٤", "２０２４Q1", "２０２４-03", "FY２０２４"])
def test_non_ascii_digits_are_not_a_second_spelling_of_a_period(code):
    """Otherwise two codes would name one period, and one partner could report it twice."""
    with pytest.raises(PeriodError):
        parse_period(code)


@pytest.mark.parametrize(
    "code",
    [
        "0000",  # there is no year 0
        "0000Q1",
        "0000-01",
        "FY0000",
        "SY0000-01",
        "FY9999",  # July 9999 to June 10000
        "SY9999-00",
    ],
)
def test_periods_outside_the_calendar_are_refused_with_a_period_error(code):
    with pytest.raises(PeriodError, match="out of range"):
        parse_period(code)


@pytest.mark.parametrize(
    ("code", "kwargs", "start"),
    [
        ("9999", {}, date(9999, 1, 1)),
        ("9999Q4", {}, date(9999, 10, 1)),
        ("9999-12", {}, date(9999, 12, 1)),
        ("FY9999", {"fiscal_year_start_month": 1}, date(9999, 1, 1)),
        ("SY9999-00", {"school_year_start_month": 1}, date(9999, 1, 1)),
    ],
)
def test_the_last_periods_of_the_calendar(code, kwargs, start):
    assert span(code, **kwargs) == (start, date(9999, 12, 31))


def test_the_first_periods_of_the_calendar():
    assert span("0001") == (date(1, 1, 1), date(1, 12, 31))
    assert span("0001-01") == (date(1, 1, 1), date(1, 1, 31))


# --- the initiative's year starts and the indicator's frequency --------------------------------


def initiative(school=7, fiscal=7):
    return SimpleNamespace(school_year_start_month=school, fiscal_year_start_month=fiscal)


def test_parse_period_for_uses_the_initiatives_months():
    org = initiative(school=8, fiscal=10)
    assert parse_period_for(org, "SY2024-25").start == date(2024, 8, 1)
    assert parse_period_for(org, "FY2024").start == date(2024, 10, 1)
    assert parse_period_for(org, "FY2024").end == date(2025, 9, 30)


@pytest.mark.parametrize(
    ("code", "frequency"),
    [
        ("2024", Frequency.ANNUAL),
        ("2024Q2", Frequency.QUARTERLY),
        ("2024-02", Frequency.MONTHLY),
        ("SY2024-25", Frequency.SCHOOL_YEAR),
        ("FY2024", Frequency.FISCAL_YEAR),
    ],
)
def test_each_code_matches_exactly_one_frequency(code, frequency):
    assert parse_period_for(initiative(), code, frequency).frequency == frequency.value
    assert parse_period_for(initiative(), code, frequency.value).code == code
    for other in Frequency:
        if other != frequency:
            with pytest.raises(PeriodError):
                parse_period_for(initiative(), code, other)


def test_frequency_mismatch_message_names_both_frequencies():
    with pytest.raises(PeriodError) as caught:
        parse_period_for(initiative(), "2024", Frequency.SCHOOL_YEAR)
    assert str(caught.value) == (
        "'2024' is a calendar year period; this indicator is reported by school year."
    )


def test_without_a_frequency_any_valid_code_is_accepted():
    for code in ["2024", "2024Q1", "2024-01", "SY2024-25", "FY2024"]:
        assert parse_period_for(initiative(), code).code == code


def test_a_malformed_code_is_refused_before_the_frequency_is_looked_at():
    with pytest.raises(PeriodError, match="is not a period code"):
        parse_period_for(initiative(), "2024Q5", Frequency.QUARTERLY)


# --- ordering ---------------------------------------------------------------------------------


def test_periods_sort_by_their_dates():
    codes = ["2024-12", "2023-01", "2024-02", "2024-10", "2023-12", "2024-01"]
    ordered = sorted(parse_period(c) for c in codes)
    assert [p.code for p in ordered] == [
        "2023-01",
        "2023-12",
        "2024-01",
        "2024-02",
        "2024-10",
        "2024-12",
    ]


def test_quarters_and_school_years_sort_chronologically():
    quarters = [parse_period(c) for c in ["2025Q1", "2024Q4", "2024Q2", "2024Q3", "2024Q1"]]
    assert [p.code for p in sorted(quarters)] == ["2024Q1", "2024Q2", "2024Q3", "2024Q4", "2025Q1"]
    school = [parse_period(c) for c in ["SY2019-20", "SY1999-00", "SY2009-10"]]
    assert [p.code for p in sorted(school)] == ["SY1999-00", "SY2009-10", "SY2019-20"]


def test_a_shorter_period_starting_the_same_day_sorts_first():
    assert parse_period("2024-01") < parse_period("2024Q1") < parse_period("2024")


def test_periods_are_hashable_values():
    assert {parse_period("2024"), parse_period(" 2024 ")} == {parse_period("2024")}


# --- properties -------------------------------------------------------------------------------


def month_code(year, month):
    return f"{year:04d}-{month:02d}"


@given(years, months)
def test_each_month_ends_the_day_before_the_next_begins(year, month):
    this = parse_period(month_code(year, month))
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    following = parse_period(month_code(next_year, next_month))
    assert this.end + timedelta(days=1) == following.start
    assert this.start.day == 1
    assert this.start < this.end
    assert 28 <= (this.end - this.start).days + 1 <= 31


@given(years)
def test_quarters_tile_the_year_exactly(year):
    whole = parse_period(f"{year:04d}")
    quarters = [parse_period(f"{year:04d}Q{q}") for q in range(1, 5)]
    assert quarters[0].start == whole.start == date(year, 1, 1)
    assert quarters[-1].end == whole.end == date(year, 12, 31)
    for earlier, later in pairwise(quarters):
        assert earlier.end + timedelta(days=1) == later.start
    days = sum((q.end - q.start).days + 1 for q in quarters)
    assert days == (whole.end - whole.start).days + 1


@given(years, st.integers(min_value=1, max_value=4))
def test_months_tile_each_quarter(year, quarter):
    q = parse_period(f"{year:04d}Q{quarter}")
    first, last = 3 * quarter - 2, 3 * quarter
    assert q.start == parse_period(month_code(year, first)).start
    assert q.end == parse_period(month_code(year, last)).end


@given(st.integers(min_value=1, max_value=9997), months)
def test_consecutive_school_and_fiscal_years_tile_time(year, start_month):
    for make in (
        lambda y: parse_period(school_year_code(y), school_year_start_month=start_month),
        lambda y: parse_period(f"FY{y:04d}", fiscal_year_start_month=start_month),
    ):
        this, following = make(year), make(year + 1)
        assert this.start == date(year, start_month, 1)
        assert this.end + timedelta(days=1) == following.start
        assert (this.end - this.start).days + 1 in (365, 366)


@given(years)
def test_school_year_code_round_trips(year):
    period = parse_period(school_year_code(year))
    assert period.code == school_year_code(year)
    assert period.start == date(year, 7, 1)


@given(st.text(max_size=12))
def test_any_text_either_parses_to_a_known_frequency_or_raises_period_error(text):
    try:
        period = parse_period(text)
    except PeriodError:
        return
    assert period.frequency in Frequency.values
    assert period.code == text.strip()
    assert period.code.isascii()
    assert period.start <= period.end
