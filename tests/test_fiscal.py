from datetime import UTC, date, datetime

import pytest

from council import fiscal


@pytest.mark.parametrize(
    ("year", "label"),
    [
        (2005, "平成17年度"),
        (2007, "平成19年度"),
        (2018, "平成30年度"),
        (2019, "令和元年度"),
        (2020, "令和2年度"),
    ],
)
def test_fiscal_year_labels(year, label):
    assert fiscal.fiscal_year_label(year) == label


def test_boundary_is_judged_in_japan_time():
    # 2008-03-31 23:30 JST is 14:30 UTC the same day: still FY2007.
    assert fiscal.fiscal_year_of(datetime(2008, 3, 31, 14, 30, tzinfo=UTC)) == 2007
    assert fiscal.fiscal_year_of(datetime(2008, 3, 31, 23, 30, tzinfo=fiscal.JST)) == 2007
    # 2008-04-01 00:00 JST is 2008-03-31 15:00 UTC: already FY2008.
    assert fiscal.fiscal_year_of(datetime(2008, 3, 31, 15, 0, tzinfo=UTC)) == 2008
    assert fiscal.fiscal_year_of(datetime(2008, 4, 1, 0, 0, tzinfo=fiscal.JST)) == 2008


def test_boundary_does_not_depend_on_server_time_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    try:
        assert fiscal.fiscal_year_of(datetime(2008, 3, 31, 14, 30, tzinfo=UTC)) == 2007
        assert fiscal.fiscal_year_of(datetime(2008, 3, 31, 15, 0, tzinfo=UTC)) == 2008
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        fiscal.fiscal_year_of(datetime(2008, 3, 31, 23, 30))


def test_first_and_last_instant():
    assert fiscal.fiscal_year_start(2007) == datetime(2007, 4, 1, tzinfo=fiscal.JST)
    last = fiscal.fiscal_year_last_instant(2007)
    assert fiscal.fiscal_year_of(last) == 2007
    assert last.date() == date(2008, 3, 31)
    start, end = fiscal.fiscal_year_bounds_utc(2007)
    assert start == datetime(2007, 3, 31, 15, 0, tzinfo=UTC)
    assert end == datetime(2008, 3, 31, 15, 0, tzinfo=UTC)


def test_dates_are_written_the_japanese_way():
    assert fiscal.format_date(date(2007, 11, 28)) == "2007年11月28日(水)"
    # 2007-11-27 20:00 UTC is already the 28th in Japan.
    assert fiscal.format_date(datetime(2007, 11, 27, 20, 0, tzinfo=UTC)) == "2007年11月28日(水)"
    assert (
        fiscal.format_datetime(datetime(2007, 11, 28, 5, 0, tzinfo=UTC))
        == "2007年11月28日(水) 14:00"
    )
    assert fiscal.format_date(None) == ""


def test_era_year_labels():
    assert fiscal.era_year_label(date(2019, 4, 30)) == "平成31年"
    assert fiscal.era_year_label(date(2019, 5, 1)) == "令和元年"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007/11/28", date(2007, 11, 28)),
        ("2007-11-28", date(2007, 11, 28)),
        ("2007/1/8", date(2007, 1, 8)),
        ("2007年11月28日", date(2007, 11, 28)),
        ("2007年11月28日(水)", date(2007, 11, 28)),
        ("２００７／１１／２８", date(2007, 11, 28)),
        ("平成19年11月28日", date(2007, 11, 28)),
        ("H19.11.28", date(2007, 11, 28)),
        ("h19.11.28", date(2007, 11, 28)),
        ("Ｈ１９．１１．２８", date(2007, 11, 28)),
        ("令和8年5月7日", date(2026, 5, 7)),
        ("R8.5.7", date(2026, 5, 7)),
        # the era boundaries, exactly
        ("平成31年4月30日", date(2019, 4, 30)),
        ("H31.4.30", date(2019, 4, 30)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("R1.5.1", date(2019, 5, 1)),
        ("令和1年5月1日", date(2019, 5, 1)),
        ("平成元年1月8日", date(1989, 1, 8)),
        ("H1.1.8", date(1989, 1, 8)),
        ("昭和64年1月7日", date(1989, 1, 7)),
    ],
)
def test_parse_date_accepts_western_and_era_forms(text, expected):
    assert fiscal.parse_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "平成31年5月1日",  # 平成 ended on 2019-04-30
        "H31.5.1",
        "令和元年4月30日",  # 令和 began on 2019-05-01
        "R1.4.30",
        "平成元年1月7日",  # still 昭和64年
        "平成0年4月1日",
        "2007/2/30",
        "2007-13-01",
        "19.11.28",
        "X19.11.28",
        "2007/11/28 14:00",
        "明日",
    ],
)
def test_parse_date_refuses_what_is_not_a_date(text):
    assert fiscal.parse_date(text) is None


def test_era_labels_at_the_boundaries():
    assert fiscal.era_year_label(date(2019, 4, 30)) == "平成31年"
    assert fiscal.era_year_label(date(2019, 5, 1)) == "令和元年"
    assert fiscal.era_year_label(date(1989, 1, 8)) == "平成元年"
    assert fiscal.era_year_label(date(1989, 1, 7)) == "昭和64年"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2007", 2007),
        (2007, 2007),
        ("FY2007", 2007),
        ("2007年度", 2007),
        ("平成19年度", 2007),
        ("平成19年度 (2007)", 2007),
        ("平成19年度(2007)", 2007),
        ("H19", 2007),
        ("平成元年度", 1989),
        ("平成30年度", 2018),
        ("平成31年度", 2019),
        ("令和元年度", 2019),
        ("R1", 2019),
        ("令和8年度", 2026),
        ("令和８年度", 2026),
    ],
)
def test_parse_fiscal_year_accepts_both_forms(text, expected):
    assert fiscal.parse_fiscal_year(text) == expected


@pytest.mark.parametrize("text", ["", "平成32年度", "昭和64年度", "令和0年度", "19", "来年度"])
def test_parse_fiscal_year_refuses_others(text):
    assert fiscal.parse_fiscal_year(text) is None


def test_fiscal_year_choice_reads_label_then_western_year():
    assert fiscal.fiscal_year_choice(2007) == "平成19年度 (2007)"
    assert fiscal.fiscal_year_choice(2019) == "令和元年度 (2019)"
