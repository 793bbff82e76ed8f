"""The dashboard's activity calendar: a cell a day, its shade and its title."""

import datetime as dt
import re

from progress.activity import Activity
from progress.templatetags.progress_tags import activity_heatmap

TODAY = dt.date(2024, 2, 29)  # a Thursday in a leap year


def cells(activity: Activity) -> list[tuple[str, str]]:
    return re.findall(
        r'<span class="cell ([\w-]+)" title="([^"]*)" aria-hidden="true">',
        activity_heatmap(activity),
    )


def test_each_day_is_named_as_strftime_names_it_with_its_changes():
    days = {TODAY - dt.timedelta(days=n): n % 9 for n in range(182)}

    shown = cells(Activity(days=days, today=TODAY))

    assert len(shown) == 26 * 7
    past = [title for _, title in shown if title]
    assert len(past) == 26 * 7 - 3  # Friday to Sunday of this week are still to come
    for title in past:
        when, changes = title.split(": ")
        day = dt.datetime.strptime(when, "%a %d %b %Y").date()
        assert when == f"{day:%a} {day.day} {day:%b %Y}"
        count = days.get(day, 0)
        assert changes == f"{count} change{'' if count == 1 else 's'}"


def test_cells_are_shaded_by_changes_and_future_days_are_blank():
    days = {TODAY: 1, TODAY - dt.timedelta(days=1): 3, TODAY - dt.timedelta(days=2): 7}

    shown = cells(Activity(days=days, today=TODAY))

    by_title = dict((title, shade) for shade, title in shown)
    assert by_title["Thu 29 Feb 2024: 1 change"] == "lvl-1"
    assert by_title["Wed 28 Feb 2024: 3 changes"] == "lvl-2"
    assert by_title["Tue 27 Feb 2024: 7 changes"] == "lvl-4"
    assert by_title["Mon 26 Feb 2024: 0 changes"] == "lvl-0"
    assert [shade for shade, _ in shown[-3:]] == ["cell-future"] * 3
