"""The census days: the first Thursday of October, the third of January and of May."""

import datetime as dt

from sendesk.census.days import census_days, last_census, next_census


def test_the_three_days_of_a_year():
    assert [(c.day, c.name) for c in census_days(2027)] == [
        (dt.date(2027, 1, 21), "Spring census 2027"),
        (dt.date(2027, 5, 20), "Summer census 2027"),
        (dt.date(2027, 10, 7), "Autumn census 2027"),
    ]
    # October 2026 starts on a Thursday: its first Thursday is the 1st.
    assert census_days(2026)[2].day == dt.date(2026, 10, 1)
    assert all(c.day.weekday() == 3 for y in range(2020, 2040) for c in census_days(y))


def test_next_and_last_around_the_year_end_and_on_the_day():
    today = dt.date(2026, 11, 18)
    assert next_census(today).day == dt.date(2027, 1, 21)
    assert last_census(today).day == dt.date(2026, 10, 1)
    # On census day it is still the one to check; the last is the one before it.
    assert next_census(dt.date(2027, 1, 21)).day == dt.date(2027, 1, 21)
    assert last_census(dt.date(2027, 1, 21)).day == dt.date(2026, 10, 1)
    assert last_census(dt.date(2027, 1, 22)).day == dt.date(2027, 1, 21)
    assert next_census(dt.date(2026, 1, 1)).day == dt.date(2026, 1, 15)
    assert last_census(dt.date(2026, 1, 1)).day == dt.date(2025, 10, 2)
