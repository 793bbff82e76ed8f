"""The status POST's answer: the stage and roadmap summaries, counted by the database.

`status_counts` sums grouped rows (one aggregate query); the pages count the same steps
one by one with `summarise`. Both must agree, for a learner and a guest, on every status,
optional steps, hours left and steps that are not published.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from django.urls import reverse

from progress import selectors
from progress.models import StepProgress
from progress.selectors import ProgressSummary
from roadmap.models import Step

pytestmark = pytest.mark.django_db
Status = StepProgress.Status
JSON = {"accept": "application/json"}


@pytest.fixture
def steps(make_roadmap):
    """Two stages of six steps (every third optional), hours 1 to 12, the last one a draft."""
    roadmap = make_roadmap(stages=2, steps=6)
    for hours, step in enumerate(roadmap.steps, start=1):
        step.estimated_hours = hours
    roadmap.steps[-1].is_published = False
    Step.objects.bulk_update(roadmap.steps, ["estimated_hours", "is_published"])
    return roadmap.steps


def statuses_on(steps) -> dict[int, str]:
    """Done, skipped, in progress and untouched in turn, the draft done too."""
    cycle = [Status.DONE, Status.SKIPPED, Status.IN_PROGRESS, ""]
    statuses = {step.pk: cycle[n % 4] for n, step in enumerate(steps) if cycle[n % 4]}
    return statuses | {steps[-1].pk: Status.DONE}


def by_hand(steps, statuses) -> dict[str, ProgressSummary]:
    published = [s for s in steps if s.is_published]
    return {
        "overall": selectors.summarise(published, statuses=statuses),
        "stage": selectors.summarise(
            [s for s in published if s.stage_id == steps[0].stage_id], statuses=statuses
        ),
    }


def test_the_learners_counts_match_the_steps_counted_one_by_one(alice, steps):
    statuses = statuses_on(steps)
    StepProgress.objects.bulk_create(
        StepProgress(user=alice, step_id=pk, status=status) for pk, status in statuses.items()
    )
    request = RequestFactory().post("/")
    request.user = alice

    counts = selectors.status_counts(request, step=steps[0])

    assert counts == by_hand(steps, statuses)
    # Stage one, steps 1-6 (3 and 6 optional): 1 and 5 done, 2 and 6 skipped, 3 in
    # progress, 4 (4 hours) left.
    assert counts["stage"] == ProgressSummary(
        required_total=4, done=2, skipped=1, in_progress=1,
        optional_total=2, optional_done=0, hours_left=4,
    )  # fmt: skip
    # Stage two, steps 7-11 (9 optional) and the draft 12, done but not counted: 7 and 11 in
    # progress, 8 untouched, 9 done, 10 skipped.
    assert counts["overall"] == ProgressSummary(
        required_total=8, done=2, skipped=2, in_progress=3,
        optional_total=3, optional_done=1, hours_left=4 + 7 + 8 + 11,
    )  # fmt: skip


def test_the_guests_counts_match_the_steps_counted_one_by_one(client, steps):
    client.post(reverse("progress:guest_start"))
    statuses = statuses_on(steps)
    for step in steps:
        if step.is_published and step.pk in statuses:
            client.post(f"{step.get_absolute_url()}status/", {"status": statuses[step.pk]})
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    request.session = client.session

    counts = selectors.status_counts(request, step=steps[0])

    draft = steps[-1].pk
    assert counts == by_hand(steps, {pk: s for pk, s in statuses.items() if pk != draft})
    assert counts["overall"].skipped == 2
    assert counts["overall"].hours_left == 4 + 7 + 8 + 11


def test_a_guest_with_no_statuses_has_everything_left(client, steps):
    client.post(reverse("progress:guest_start"))

    response = client.post(
        f"{steps[1].get_absolute_url()}status/", {"status": "reset"}, headers=JSON
    )

    assert response.json()["overall"] == {"percent": 0, "settled": 0, "total": 8}
    assert response.json()["stage"]["total"] == 4


def test_the_json_answer_counts_done_and_skipped_in_stage_and_roadmap(alice, steps):
    client = Client()
    client.force_login(alice)
    StepProgress.objects.create(user=alice, step=steps[6], status=Status.DONE)  # stage two
    StepProgress.objects.create(user=alice, step=steps[0], status=Status.IN_PROGRESS)

    client.post(f"{steps[0].get_absolute_url()}status/", {"status": "done"}, headers=JSON)
    response = client.post(
        f"{steps[1].get_absolute_url()}status/", {"status": "skipped"}, headers=JSON
    )

    data = response.json()
    assert data["stage"] == {"slug": steps[1].stage.slug, "percent": 50, "settled": 2, "total": 4}
    assert data["overall"] == {"percent": 38, "settled": 3, "total": 8}
