"""What mentors see: the members x stages table, "may be stuck", a member's page and the
CSV; what members see of it; and the query counts with 500 members and a big roadmap."""

import csv
import datetime as dt
import io
import itertools

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from groups.models import Membership, StudyGroup
from groups.selectors import group_progress, people_in
from groups.services import group_join
from groups.views import spreadsheet_safe
from progress import selectors, services
from progress.models import ProjectLink, StepNote, StepProgress
from roadmap.models import Step
from tests.support import client_for

pytestmark = pytest.mark.django_db
Status = StepProgress.Status


def age(user, step, *, days: int) -> None:
    """Make the learner's status on `step` look `days` old."""
    StepProgress.objects.filter(user=user, step=step).update(
        updated_at=timezone.now() - dt.timedelta(days=days)
    )


# ---------------------------------------------------------------- the table


def test_the_table_counts_as_the_dashboard_does(group, bob, roadmap):
    for step, status in zip(roadmap.steps, [Status.DONE, Status.SKIPPED, Status.IN_PROGRESS,
                                            Status.DONE], strict=False):  # fmt: skip
        services.progress_set(user=bob, step=step, status=status)
    dashboard = selectors.roadmap_progress(bob)

    table = group_progress(group, people=people_in(group))

    (row,) = table.rows
    assert row.membership.user == bob
    assert row.overall == dashboard.overall
    assert row.stages == [stage.summary_counts for stage in dashboard.stages]
    assert row.last_active is not None
    assert row.overall.percent == 75  # 3 of the 4 required steps settled


def test_the_table_counts_every_status_as_the_dashboard_does(group, bob, stranger, make_roadmap):
    """Required and optional steps, every status, hours that differ and an unpublished
    step: the database's counts give each member the dashboard's own summaries."""
    group_join(group=group, user=stranger)
    roadmap = make_roadmap(stages=3, steps=5)
    for hours, step in enumerate(roadmap.steps, start=1):
        Step.objects.filter(pk=step.pk).update(estimated_hours=hours)
    cycle = itertools.cycle([Status.DONE, Status.SKIPPED, Status.IN_PROGRESS, None])
    for learner, offset in ((bob, 0), (stranger, 1)):
        for step, status in zip(roadmap.steps[offset:], cycle, strict=False):
            if status:
                services.progress_set(user=learner, step=step, status=status)
    Step.objects.filter(pk=roadmap.steps[0].pk).update(is_published=False)  # bob's first done

    table = group_progress(group, people=people_in(group))

    for row in table.rows:
        dashboard = selectors.roadmap_progress(row.membership.user)
        assert row.overall == dashboard.overall
        assert row.stages == [stage.summary_counts for stage in dashboard.stages]
    assert {row.membership.user for row in table.rows} == {bob, stranger}


def test_the_table_lists_members_not_mentors(group, alice, mia, bob, stranger):
    group_join(group=group, user=stranger)

    table = group_progress(group, people=people_in(group))

    assert sorted(row.membership.user.username for row in table.rows) == ["bob", "dora"]


def test_the_mentor_page_shows_percent_done_and_last_activity(group, mia, bob, roadmap):
    services.progress_set(user=bob, step=roadmap.steps[0], status=Status.DONE)

    page = client_for(mia).get(group.get_absolute_url()).content.decode()

    today = timezone.now()
    assert f'datetime="{today:%Y-%m-%d}' in page
    assert "<strong>25%</strong>" in page
    assert roadmap.stages[0].title in page


def test_last_activity_is_the_latest_status_or_reset(group, bob, roadmap):
    first, second = roadmap.steps[:2]
    StepProgress.objects.create(user=bob, step=first, status=Status.DONE)  # no event
    age(bob, first, days=3)
    row = group_progress(group, people=people_in(group)).rows[0]
    assert row.last_active == StepProgress.objects.get(user=bob).updated_at

    services.progress_set(user=bob, step=second, status=Status.DONE)
    services.progress_set(user=bob, step=second, status=services.RESET)  # only an event stays

    row = group_progress(group, people=people_in(group)).rows[0]
    assert row.last_active > timezone.now() - dt.timedelta(minutes=1)


def test_a_step_in_progress_for_over_two_weeks_may_be_stuck(group, mia, bob, roadmap):
    first, second = roadmap.steps[:2]
    services.progress_set(user=bob, step=first, status=Status.IN_PROGRESS)
    services.progress_set(user=bob, step=second, status=Status.IN_PROGRESS)
    age(bob, first, days=15)
    age(bob, second, days=13)

    table = group_progress(group, people=people_in(group))
    page = client_for(mia).get(group.get_absolute_url()).content.decode()

    assert [(s.membership.user, s.step) for s in table.stuck] == [(bob, first)]
    assert f'<a href="{first.get_absolute_url()}">{first.title}</a>' in page
    assert f'<a href="{second.get_absolute_url()}">{second.title}</a>' not in page
    assert "may be stuck" in page


def test_done_steps_are_never_stuck(group, bob, roadmap):
    services.progress_set(user=bob, step=roadmap.steps[0], status=Status.DONE)
    age(bob, roadmap.steps[0], days=100)

    assert group_progress(group, people=people_in(group)).stuck == []


# ---------------------------------------------------------------- a member's page


def test_a_mentor_sees_a_members_statuses_and_projects_never_notes(group, mia, bob, roadmap):
    first, second = roadmap.steps[:2]
    services.progress_set(user=bob, step=first, status=Status.DONE)
    services.progress_set(user=bob, step=second, status=Status.IN_PROGRESS)
    age(bob, second, days=20)
    StepNote.objects.create(user=bob, step=first, body="a private worry")
    ProjectLink.objects.create(user=bob, step=first, repository_url="https://github.com/bob/blog")

    response = client_for(mia).get(f"/groups/{group.slug}/members/{bob.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "<h1>bob</h1>" in page
    assert "https://github.com/bob/blog" in page
    assert "a private worry" not in page
    assert page.count("status status-done") == 1
    assert page.count("status status-in_progress") == 1
    assert "may be stuck" in page


def test_a_mentor_has_no_page_of_their_own_in_the_group(group, alice, mia):
    assert client_for(alice).get(f"/groups/{group.slug}/members/{mia.pk}/").status_code == 404


def test_a_member_page_is_404_for_someone_outside_the_group(group, alice, stranger):
    response = client_for(alice).get(f"/groups/{group.slug}/members/{stranger.pk}/")

    assert response.status_code == 404


def test_a_member_sees_another_only_when_the_owner_shares_progress(group, bob, stranger):
    group_join(group=group, user=stranger)
    url = f"/groups/{group.slug}/members/{stranger.pk}/"

    assert client_for(bob).get(url).status_code == 404
    group.members_see_progress = True
    group.save()
    assert client_for(bob).get(url).status_code == 200


# ---------------------------------------------------------------- the CSV


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_the_csv_holds_the_table(group, mia, bob, roadmap):
    services.progress_set(user=bob, step=roadmap.steps[0], status=Status.DONE)

    response = client_for(mia).get(f"/groups/{group.slug}/progress.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    header, row = read_csv(response)
    assert header[:6] == ["member", "joined", "last activity", "percent", "steps done",
                          "steps skipped"]  # fmt: skip
    assert header[-2:] == [f"{stage.title} (%)" for stage in roadmap.stages]
    assert row[0] == "bob"
    assert row[3:5] == ["25", "1"]
    assert row[-2:] == ["50", "0"]


def test_the_csv_defuses_spreadsheet_formulas(group, mia, django_user_model):
    sly = django_user_model.objects.create_user(username="=HYPERLINK(1)", email="s@example.com")
    group_join(group=group, user=sly)

    rows = read_csv(client_for(mia).get(f"/groups/{group.slug}/progress.csv"))

    assert "'=HYPERLINK(1)" in [row[0] for row in rows]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_that_start_a_formula_become_text(start):
    assert spreadsheet_safe(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


def test_plain_cells_stay_as_they_are():
    assert spreadsheet_safe("bob") == "bob"
    assert spreadsheet_safe(42) == 42


def test_members_never_get_the_csv(group, bob):
    group.members_see_progress = True
    group.save()

    assert client_for(bob).get(f"/groups/{group.slug}/progress.csv").status_code == 404


# ---------------------------------------------------------------- speed


def add_members(group: StudyGroup, count: int, roadmap, *, batch: str) -> None:
    """`count` more members, each with progress on three steps in four."""
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"m{batch}-{n}", email=f"m{batch}-{n}@example.com") for n in range(count)
    )
    Membership.objects.bulk_create(Membership(group=group, user=user) for user in users)
    statuses = itertools.cycle([Status.DONE, Status.IN_PROGRESS, Status.SKIPPED, None])
    StepProgress.objects.bulk_create(
        StepProgress(user=user, step=step, status=status)
        for user in users
        for step, status in zip(roadmap.steps, statuses, strict=False)
        if status
    )


def count_queries(client, url: str) -> int:
    client.get(url)  # warm up once-per-process lookups
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_group_pages_do_not_grow_with_members_or_steps(group, mia, bob, make_roadmap):
    """One member on a small roadmap, then 500 people on a roadmap ten times bigger:
    the same number of queries, on the group's page, its CSV and a member's page.

    The three pages share one build: making the 500 members and their progress is most
    of the time, and a build per page would only repeat it."""
    urls = {
        "group": group.get_absolute_url(),
        "csv": f"/groups/{group.slug}/progress.csv",
        "member": f"/groups/{group.slug}/members/{bob.pk}/",
    }
    client = client_for(mia)
    small = make_roadmap(stages=2, steps=3)
    add_members(group, 0, small, batch="a")
    before = {page: count_queries(client, url) for page, url in urls.items()}

    big = make_roadmap(stages=2, steps=30)
    add_members(group, StudyGroup.MAX_MEMBERS - group.memberships.count(), big, batch="b")
    assert group.memberships.count() == 500
    after = {page: count_queries(client, url) for page, url in urls.items()}

    for page in urls:
        print(f"\nqueries group {page:<6}: {before[page]} with 1 member, {after[page]} with 500")
    assert after == before
    assert max(after.values()) <= 9
