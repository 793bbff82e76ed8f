"""Streaks and the activity calendar, as plain date arithmetic."""

import datetime as dt

from progress.activity import Activity

TODAY = dt.date(2026, 11, 27)


def days(*offsets: int) -> dict[dt.date, int]:
    return {TODAY - dt.timedelta(days=o): 1 for o in offsets}


def test_a_streak_counts_days_in_a_row_ending_today():
    assert Activity(days(0, 1, 2, 4), TODAY).current_streak == 3


def test_a_streak_stays_alive_until_today_is_over():
    assert Activity(days(1, 2), TODAY).current_streak == 2


def test_a_missed_day_ends_the_streak():
    assert Activity(days(2, 3), TODAY).current_streak == 0


def test_the_longest_streak_looks_at_all_history():
    assert Activity(days(0, 10, 11, 12, 13, 20), TODAY).longest_streak == 4


def test_no_activity_means_no_streaks():
    activity = Activity({}, TODAY)

    assert (activity.current_streak, activity.longest_streak) == (0, 0)


def test_the_calendar_has_26_weeks_ending_today():
    calendar = Activity(days(0, 3), TODAY).calendar()

    cells = [cell for week in calendar for cell in week if cell]
    assert len(calendar) == 26
    assert all(len(week) == 7 for week in calendar)
    assert cells[-1] == (TODAY, 1)
    assert cells[0][0].weekday() == 0  # weeks start on Monday
    assert sum(count for _, count in cells) == 2
