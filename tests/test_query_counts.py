"""The busiest pages run a fixed, small number of queries, whatever the roadmap's size.

Each test builds a small roadmap, counts the queries a page runs, then makes
the roadmap ten times bigger and counts again: the two counts must be equal,
exactly the number pinned in QUERIES, and under CEILING. Run with `-s` to see
the counts.

A change that adds or saves a query fails here on purpose: if it is meant, put
the new number in QUERIES and say why in the commit (see CONTRIBUTING.md).
"""

import datetime as dt
import functools
import itertools

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan
from progress.models import CheckpointTick, StepProgress
from roadmap.models import Checkpoint
from roadmap_site.page_cache import PAGES as PAGE_CACHE

CEILING = 10

# The exact number of queries each page runs, whatever the roadmap's size.
QUERIES = {
    # page: (visitor, learner); a visitor's page rendered afresh also reads the content
    # version from the database (roadmap_site/page_cache.py), which it is kept under
    "roadmap": (2, 3),
    "stage": (6, 7),
    "step": (5, 7),  # a learner's note and project are plain queries of their own
    "catalogue": (8, 9),
    # a visitor is sent to sign in before any query; the learner's plan card takes two
    "dashboard": (0, 10),
    # session, user; the learner's row with plan, profile, first change and reviews due;
    # the steps with the learner's statuses (plans/selectors.py). A visitor's page explains.
    "plan": (0, 4),
}
# step, session, user; the upsert and its event; a done step's review (plans); the new summary
STATUS_JSON_QUERIES = 13
# step, session; the new summary (one aggregate, the statuses from the session); the session saved
GUEST_STATUS_JSON_QUERIES = 6
TICK_JSON_QUERIES = 5
SMALL = {"stages": 2, "steps": 3}  # 6 steps, 12 courses of their own
TEN_TIMES = {"stages": 2, "steps": 30}  # 60 more steps; its first stage is 10x a small one

PAGES = ["roadmap", "stage", "step", "catalogue", "dashboard", "plan"]


def url_of(page: str, roadmap) -> str:
    stage = roadmap.stages[0]
    steps = roadmap.steps_of(stage)
    return {
        "roadmap": "/",
        "stage": stage.get_absolute_url(),
        "step": steps[len(steps) // 2].get_absolute_url(),
        "catalogue": "/courses/",
        "dashboard": "/progress/",
        "plan": "/plan/",
    }[page]


def track(user, roadmap) -> None:
    """Give the learner progress on three steps in four, in every state."""
    Status = StepProgress.Status
    statuses = itertools.cycle([Status.DONE, Status.IN_PROGRESS, Status.SKIPPED, None])
    StepProgress.objects.bulk_create(
        StepProgress(user=user, step=step, status=status)
        for step, status in zip(roadmap.steps, statuses, strict=False)
        if status
    )


def count_queries(client: Client, url: str) -> tuple[int, int, list[str]]:
    client.get(url)  # warm up once-per-process lookups (the current Site, say)
    caches[PAGE_CACHE].clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code in (200, 302), url
    return response.status_code, len(queries), [query["sql"] for query in queries]


def pinned(page: str, role: str) -> int:
    return QUERIES[page][role == "learner"]


@pytest.fixture(params=["visitor", "learner"])
def who(request, db):
    client = Client()
    user = None
    if request.param == "learner":
        user = request.getfixturevalue("alice")
        client.force_login(user)
    return request.param, client, user


@pytest.mark.parametrize("page", PAGES)
def test_the_query_count_does_not_grow_with_the_roadmap(who, make_roadmap, page):
    role, client, user = who
    small = make_roadmap(**SMALL)
    if user:
        track(user, small)
    status, before, _ = count_queries(client, url_of(page, small))

    big = make_roadmap(**TEN_TIMES)
    if user:
        track(user, big)
    assert len(big.steps) == 10 * len(small.steps)
    assert len(big.steps_of(big.stages[0])) == 10 * len(small.steps_of(small.stages[0]))
    status_after, after, sql = count_queries(client, url_of(page, big))

    print(f"\nqueries {page:<9} {role:<7}: {before} small, {after} ten times bigger")
    assert status_after == status == (302 if page == "dashboard" and role == "visitor" else 200)
    assert after == before, f"{page} as {role}: {before} queries, then {after}:\n" + "\n".join(sql)
    assert after == pinned(page, role), f"{page} as {role}: {after} queries:\n" + "\n".join(sql)
    assert after <= CEILING


@pytest.mark.parametrize("page", ["roadmap", "stage", "step", "catalogue"])
def test_the_seeded_pages_stay_under_the_ceiling(who, seeded, page):
    """The real content, not just the factory's, keeps to the ceiling."""
    from roadmap.models import Stage

    role, client, _ = who
    stage = Stage.objects.first()
    step = stage.steps.first()
    url = {
        "roadmap": "/",
        "stage": stage.get_absolute_url(),
        "step": step.get_absolute_url(),
        "catalogue": "/courses/",
    }[page]

    _, count, sql = count_queries(client, url)

    print(f"\nqueries {page:<9} {role:<7}: {count} on the seeded roadmap")
    assert count == pinned(page, role), f"{page} as {role}: {count} queries:\n" + "\n".join(sql)


def status_json_queries(client: Client, step, **more: str) -> int:
    """The queries of one status POST answered in JSON, as the page's script sends it
    (with `more` fields: the hours spent, say)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            f"{step.get_absolute_url()}status/",
            {"status": "done", **more},
            headers={"accept": "application/json"},
        )
    assert response.status_code == 200
    return len(queries)


def test_the_status_json_answer_does_not_grow_with_the_roadmap(alice, make_roadmap):
    client = Client()
    client.force_login(alice)

    post = functools.partial(status_json_queries, client)

    # Each is measured after one warm-up POST, so that nothing a process does once
    # (the current Site, say) is counted, as count_queries() does for pages.
    small = make_roadmap(**SMALL)
    post(small.steps[1])
    before = post(small.steps[0])
    big = make_roadmap(**TEN_TIMES)
    post(big.steps[1])
    after = post(big.steps[0])

    print(f"\nqueries set_status json   : {before} small, {after} ten times bigger")
    assert after == before == STATUS_JSON_QUERIES


def test_a_guests_status_json_answer_does_not_grow_with_the_roadmap(client, make_roadmap):
    client.post(reverse("progress:guest_start"))

    post = functools.partial(status_json_queries, client)

    small = make_roadmap(**SMALL)
    post(small.steps[1])
    before = post(small.steps[0])
    big = make_roadmap(**TEN_TIMES)
    for step in big.steps[2:40]:  # statuses on many steps: still one summary query
        post(step)
    after = post(big.steps[0])

    print(f"\nqueries set_status json, guest: {before} small, {after} ten times bigger")
    assert after == before == GUEST_STATUS_JSON_QUERIES


# ---------------------------------------------------------------- self-checks


@pytest.mark.parametrize("page", ["step", "stage"])
def test_the_step_and_stage_pages_do_not_grow_with_checkpoints(who, make_roadmap, page):
    """One query reads the checkpoints with the viewer's ticks, however many there are."""
    role, client, user = who
    few = make_roadmap(stages=1, steps=3, checkpoints_per_step=3).steps[1]
    many = make_roadmap(stages=1, steps=3, checkpoints_per_step=30).steps[1]
    if user:
        for step in (few, many):
            CheckpointTick.objects.bulk_create(
                CheckpointTick(user=user, checkpoint=c) for c in step.checkpoints.all()[::2]
            )

    def url(step) -> str:
        return step.get_absolute_url() if page == "step" else step.stage.get_absolute_url()

    _, before, _ = count_queries(client, url(few))
    _, after, sql = count_queries(client, url(many))

    print(f"\nqueries {page}, 3 then 30 checkpoints a step, {role:<7}: {before}, {after}")
    assert after == before, f"{before} queries, then {after}:\n" + "\n".join(sql)
    assert after == pinned(page, role)


@pytest.mark.parametrize("ticked", ["1", "0"])
def test_a_tick_is_one_post_of_constant_query_count(alice, make_roadmap, ticked):
    client = Client()
    client.force_login(alice)

    def post(step, number: int) -> int:
        checkpoint = step.checkpoints.get(position=number)
        if ticked == "0":
            CheckpointTick.objects.create(user=alice, checkpoint=checkpoint)
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                f"{step.get_absolute_url()}checkpoints/{checkpoint.pk}/",
                {"ticked": ticked},
                headers={"accept": "application/json"},
            )
        assert response.status_code == 200
        assert response.json()["ticked"] is (ticked == "1")
        return len(queries)

    small = make_roadmap(stages=1, steps=3, checkpoints_per_step=3)
    post(small.steps[0], 1)  # warm up, as for the status POST
    before = post(small.steps[1], 1)
    big = make_roadmap(**TEN_TIMES, checkpoints_per_step=30)
    CheckpointTick.objects.bulk_create(  # the learner has ticked half of the big roadmap
        CheckpointTick(user=alice, checkpoint=c)
        for c in Checkpoint.objects.filter(step__in=big.steps[2:], position__lte=15)
    )
    after = post(big.steps[1], 2)

    print(f"\nqueries tick json ticked={ticked}: {before} small, {after} ten times bigger")
    assert after == before == TICK_JSON_QUERIES


# ---------------------------------------------------------------- the study plan


def test_a_set_plan_with_a_full_week_does_not_grow_with_the_roadmap(alice, make_roadmap):
    """With hours set, /plan/ lists this week's steps with their toggles and what was
    settled: the same queries as the empty plan, on a roadmap ten times bigger."""
    client = Client()
    client.force_login(alice)
    Plan.objects.create(user=alice, hours_per_week=60)
    small = make_roadmap(**SMALL)
    track(alice, small)
    _, before, _ = count_queries(client, "/plan/")
    big = make_roadmap(**TEN_TIMES)
    track(alice, big)
    _, after, sql = count_queries(client, "/plan/")

    print(f"\nqueries plan, 60 h a week: {before} small, {after} ten times bigger")
    assert after == before == pinned("plan", "learner"), "\n".join(sql)


# ---------------------------------------------------------------- the study plan's reviews

# session, user; the learner's time zone; the longest overdue review with its step, how many
# are due, its self-checks
REVIEW_QUERIES = 6
# session, user; the learner's time zone; no review due, and when the next one is
REVIEW_NONE_DUE_QUERIES = 5


def due_reviews(user, roadmap) -> None:
    """The learner has done every other step, and the reviews of all of them are due."""
    from plans.models import Review

    done = roadmap.steps[::2]
    StepProgress.objects.bulk_create(
        StepProgress(user=user, step=step, status=StepProgress.Status.DONE) for step in done
    )
    Review.objects.bulk_create(
        Review(user=user, step=step, due_at=timezone.now() - dt.timedelta(days=n + 1))
        for n, step in enumerate(done)
    )


def test_the_review_page_does_not_grow_with_the_roadmap(alice, make_roadmap):
    client = Client()
    client.force_login(alice)
    small = make_roadmap(**SMALL, checkpoints_per_step=3)
    due_reviews(alice, small)
    _, before, _ = count_queries(client, "/plan/review/")
    big = make_roadmap(**TEN_TIMES, checkpoints_per_step=30)
    due_reviews(alice, big)
    _, after, sql = count_queries(client, "/plan/review/")

    print(f"\nqueries plan/review      : {before} small, {after} ten times bigger")
    assert after == before == REVIEW_QUERIES, "\n".join(sql)
    assert after <= CEILING


def test_the_review_page_with_none_due_is_as_small(alice, make_roadmap):
    client = Client()
    client.force_login(alice)
    big = make_roadmap(**TEN_TIMES)
    due_reviews(alice, big)
    from plans.models import Review

    Review.objects.update(due_at=timezone.now() + dt.timedelta(days=3))

    _, count, sql = count_queries(client, "/plan/review/")

    assert count == REVIEW_NONE_DUE_QUERIES, "\n".join(sql)


def test_hours_with_the_status_post_cost_one_update_and_blank_ones_none(alice, make_roadmap):
    client = Client()
    client.force_login(alice)
    roadmap = make_roadmap(**SMALL)
    status_json_queries(client, roadmap.steps[0])  # warm up

    blank = status_json_queries(client, roadmap.steps[1], hours_spent="")
    given = status_json_queries(client, roadmap.steps[2], hours_spent="2.5")

    assert blank == STATUS_JSON_QUERIES
    assert given == STATUS_JSON_QUERIES + 1
    assert StepProgress.objects.get(user=alice, step=roadmap.steps[2]).hours_spent == 2.5
