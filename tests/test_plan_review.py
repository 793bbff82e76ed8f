"""/plan/review/: a learner's due reviews, one at a time, and the answers to them.

The roadmap fixture has 2 stages x 3 steps; `due_review` marks a step done (through the
progress service, which schedules its review) and moves the review's date into the past.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from plans import reviews
from plans.models import Review
from progress import services
from progress.models import StepProgress
from roadmap.models import Checkpoint
from tests.support import client_for

URL = reverse("plans:review")
Status = StepProgress.Status
Answer = reviews.Answer


def due_review(user, step, *, days_overdue: int = 1, round: int = 0) -> Review:
    """`user` has done `step`, and its review (in `round`) has been due for some days."""
    services.progress_set(user=user, step=step, status=Status.DONE)
    Review.objects.filter(user=user, step=step).update(
        due_at=timezone.now() - dt.timedelta(days=days_overdue), round=round
    )
    return Review.objects.get(user=user, step=step)


def answer(client: Client, step, outcome: str, **headers):
    return client.post(URL, {"step": step.pk, "outcome": outcome}, headers=headers)


def state(review: Review) -> tuple:
    review.refresh_from_db()
    return review.round, review.due_at, review.retired_at, review.last_outcome


def days_from_now(when: dt.datetime) -> float:
    return round((when - timezone.now()) / dt.timedelta(days=1))


# ---------------------------------------------------------------- the page


def test_it_sends_a_visitor_to_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_it_shows_the_longest_overdue_review_first_with_its_self_checks(
    alice, alice_client, roadmap
):
    first, second = roadmap.steps[:2]
    Checkpoint.objects.create(step=second, text="Sort a list of *dicts*", position=1)
    due_review(alice, first, days_overdue=1)
    due_review(alice, second, days_overdue=5)

    page = alice_client.get(URL).content.decode()

    assert "2 reviews due" in page
    assert "Can you still…" in page
    assert "Sort a list of <em>dicts</em>" in page
    assert f'href="{second.get_absolute_url()}"' in page
    assert f'name="step" value="{second.pk}"' in page
    assert 'name="outcome" value="solid"' in page
    assert 'name="outcome" value="refresher"' in page


def test_a_step_without_self_checks_asks_about_the_step_itself(alice, alice_client, roadmap):
    due_review(alice, roadmap.steps[0])
    page = alice_client.get(URL).content.decode()
    assert f"explain “{roadmap.steps[0].title}” in your own words" in page


def test_with_none_due_it_says_when_the_next_one_is(alice, alice_client, roadmap):
    services.progress_set(user=alice, step=roadmap.steps[0], status=Status.DONE)
    next_due = Review.objects.get(user=alice).due_at

    page = alice_client.get(URL).content.decode()

    assert "All caught up" in page
    assert f'<time datetime="{next_due:%Y-%m-%d}">' in page
    assert 'name="outcome"' not in page


def test_dates_are_the_learners_own_in_their_time_zone(alice, alice_client, roadmap):
    """A review due at 20:00 UTC on 1 June is due on 2 June in Auckland (UTC+12)."""
    from progress.models import LearnerProfile

    LearnerProfile.objects.create(user=alice, time_zone="Pacific/Auckland")
    services.progress_set(user=alice, step=roadmap.steps[0], status=Status.DONE)
    Review.objects.filter(user=alice).update(due_at=dt.datetime(2099, 6, 1, 20, tzinfo=dt.UTC))

    page = alice_client.get(URL).content.decode()

    assert '<time datetime="2099-06-02">2 June 2099</time>' in page


def test_with_nothing_done_it_explains_how_reviews_come(alice_client, roadmap):
    page = alice_client.get(URL).content.decode()
    assert "No review is scheduled. Mark a step done" in page


def test_another_learners_reviews_are_not_shown(alice, bob, roadmap):
    due_review(alice, roadmap.steps[0])
    page = client_for(bob).get(URL).content.decode()
    assert "All caught up" in page
    assert roadmap.steps[0].title not in page


# ---------------------------------------------------------------- the rounds


def test_solid_answers_move_the_review_to_21_60_then_180_days_then_retire_it(
    alice, alice_client, roadmap
):
    step = roadmap.steps[0]
    review = due_review(alice, step)
    for expected_round, expected_days in [(1, 21), (2, 60), (3, 180)]:
        response = answer(alice_client, step, "solid")
        assert response.status_code == 302
        round_, due_at, retired_at, outcome = state(review)
        assert (round_, days_from_now(due_at), retired_at, outcome) == (
            expected_round, expected_days, None, "solid"
        )  # fmt: skip
        Review.objects.filter(pk=review.pk).update(due_at=timezone.now())  # time passes

    answer(alice_client, step, "solid")

    review.refresh_from_db()
    assert review.retired_at is not None
    assert reviews.due_count(alice, now=timezone.now() + dt.timedelta(days=9999)) == 0
    assert "All caught up" in alice_client.get(URL).content.decode()


def test_a_solid_answer_says_when_the_next_review_is(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    due_review(alice, step)
    page = alice_client.get(answer(alice_client, step, "solid")["Location"]).content.decode()
    assert f"“{step.title}”: solid. Its next review is on" in page


def test_a_refresher_starts_over_at_seven_days_and_offers_to_set_the_step_back(
    alice, alice_client, roadmap
):
    step = roadmap.steps[0]
    review = due_review(alice, step, round=2)

    response = answer(alice_client, step, "refresher")

    round_, due_at, retired_at, outcome = state(review)
    assert (round_, days_from_now(due_at), retired_at, outcome) == (0, 7, None, "refresher")
    assert response["Location"] == f"{URL}?offer={step.pk}"
    page = alice_client.get(response["Location"]).content.decode()
    assert f"“{step.title}” needs a refresher." in page
    assert f'action="{step.get_absolute_url()}status/"' in page
    assert 'name="status" value="in_progress"' in page
    assert f'name="next" value="{URL}#review"' in page
    # Only offered: the step is still done until the learner takes the offer.
    assert StepProgress.objects.get(user=alice, step=step).status == Status.DONE


def test_taking_the_offer_is_the_usual_status_post_and_comes_back_here(
    alice, alice_client, roadmap
):
    step = roadmap.steps[0]
    due_review(alice, step)
    answer(alice_client, step, "refresher")

    response = alice_client.post(
        f"{step.get_absolute_url()}status/", {"status": "in_progress", "next": f"{URL}#review"}
    )

    assert response["Location"] == f"{URL}#review"
    assert StepProgress.objects.get(user=alice, step=step).status == Status.IN_PROGRESS


@pytest.mark.parametrize("offer", ["abc", "-1", "99999999999999999999", "0"])
def test_an_offer_for_no_step_of_the_learners_offers_nothing(alice_client, roadmap, offer):
    response = alice_client.get(URL, {"offer": offer})
    assert response.status_code == 200
    assert 'value="in_progress"' not in response.content.decode()


def test_no_offer_for_a_step_the_learner_has_not_done(alice_client, roadmap):
    response = alice_client.get(URL, {"offer": roadmap.steps[0].pk})
    assert 'value="in_progress"' not in response.content.decode()


# ---------------------------------------------------------------- it follows the step


def test_a_review_waits_while_its_step_is_set_back_and_is_due_again_when_done(
    alice, alice_client, roadmap
):
    step = roadmap.steps[0]
    review = due_review(alice, step)
    services.progress_set(user=alice, step=step, status=Status.IN_PROGRESS)

    assert "All caught up" in alice_client.get(URL).content.decode()
    response = answer(alice_client, step, "solid")
    assert state(review)[0] == 0  # nothing changed
    page = alice_client.get(response["Location"]).content.decode()
    assert "is not done, so its review waits until you mark it done again" in page

    services.progress_set(user=alice, step=step, status=Status.DONE)
    assert "1 review due" in alice_client.get(URL).content.decode()


# ---------------------------------------------------------------- twice, and bad input


def test_a_second_identical_answer_counts_once_and_says_so(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    review = due_review(alice, step)
    answer(alice_client, step, "solid")
    after_first = state(review)

    response = answer(alice_client, step, "solid")

    assert response.status_code == 302
    assert state(review) == after_first
    page = alice_client.get(response["Location"]).content.decode()
    assert f"Your answer on “{step.title}” is already recorded." in page


def test_a_review_not_yet_due_is_refused_with_a_message(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    services.progress_set(user=alice, step=step, status=Status.DONE)
    review = Review.objects.get(user=alice)
    before = state(review)

    response = answer(alice_client, step, "solid")

    assert state(review) == before
    page = alice_client.get(response["Location"]).content.decode()
    assert "is not due for review yet" in page


@pytest.mark.parametrize("outcome", ["", "SOLID", "maybe", "solid ", "a\x00b", "x" * 5000])
def test_an_outcome_other_than_the_two_is_refused_with_a_message(
    alice, alice_client, roadmap, outcome
):
    review = due_review(alice, roadmap.steps[0])
    before = state(review)

    response = answer(alice_client, roadmap.steps[0], outcome)

    assert response.status_code == 302
    assert state(review) == before
    page = alice_client.get(URL).content.decode()
    assert "Choose “Solid” or “I need a refresher”" in page


def test_a_refused_outcome_is_a_400_in_json(alice, alice_client, roadmap):
    due_review(alice, roadmap.steps[0])
    response = answer(alice_client, roadmap.steps[0], "maybe", accept="application/json")
    assert response.status_code == 400
    assert "is not an answer" in response.json()["error"]


@pytest.mark.parametrize("step_id", ["", "abc", "-1", "0", "1.5", "99999999999999999999"])
def test_a_garbage_or_unknown_step_is_a_404(alice, alice_client, roadmap, step_id):
    review = due_review(alice, roadmap.steps[0])
    before = state(review)
    response = alice_client.post(URL, {"step": step_id, "outcome": "solid"})
    assert response.status_code == 404
    assert state(review) == before


def test_an_unknown_step_id_is_a_404(alice_client, roadmap):
    response = alice_client.post(URL, {"step": 999999, "outcome": "solid"})
    assert response.status_code == 404


def test_another_learners_review_is_a_404(alice, bob, roadmap):
    review = due_review(alice, roadmap.steps[0])
    before = state(review)
    response = answer(client_for(bob), roadmap.steps[0], "solid")
    assert response.status_code == 404
    assert state(review) == before


def test_a_step_without_a_review_is_a_404(alice, alice_client, roadmap):
    services.progress_set(user=alice, step=roadmap.steps[0], status=Status.IN_PROGRESS)
    assert answer(alice_client, roadmap.steps[0], "solid").status_code == 404
    assert not Review.objects.exists()


def test_a_review_of_a_draft_is_a_404(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    review = due_review(alice, step)
    before = state(review)
    step.is_published = False
    step.save()

    assert answer(alice_client, step, "solid").status_code == 404
    assert state(review) == before
    assert "All caught up" in alice_client.get(URL).content.decode()


def test_a_visitors_answer_is_sent_to_sign_in_and_changes_nothing(alice, roadmap):
    review = due_review(alice, roadmap.steps[0])
    before = state(review)
    response = answer(Client(), roadmap.steps[0], "solid")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert state(review) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_refused(alice_client, roadmap, method):
    response = getattr(alice_client, method)(URL)
    assert response.status_code == 405
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_an_answer_needs_a_csrf_token(alice, roadmap):
    review = due_review(alice, roadmap.steps[0])
    before = state(review)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = answer(client, roadmap.steps[0], "solid")

    assert response.status_code == 403
    assert state(review) == before


# ---------------------------------------------------------------- with JavaScript


def test_a_json_answer_brings_the_next_review_to_put_in_place(alice, alice_client, roadmap):
    first, second = roadmap.steps[:2]
    due_review(alice, first, days_overdue=5)
    due_review(alice, second, days_overdue=1)

    data = answer(alice_client, first, "solid", accept="application/json").json()

    assert data["answer"] == "recorded"
    assert data["due"] == 1
    assert data["message"].startswith(f"“{first.title}”: solid.")
    assert f'name="step" value="{second.pk}"' in data["html"]
    assert "1 review due" in data["html"]
    assert 'id="review-heading" tabindex="-1"' in data["html"]


def test_a_json_refresher_brings_the_offer_and_the_finished_state(alice, alice_client, roadmap):
    step = roadmap.steps[0]
    due_review(alice, step)

    data = answer(alice_client, step, "refresher", accept="application/json").json()

    assert data["due"] == 0
    assert "data-review-offer" in data["html"]
    assert "All caught up" in data["html"]


def test_a_json_answer_given_twice_says_already_recorded(alice, alice_client, roadmap):
    due_review(alice, roadmap.steps[0])
    answer(alice_client, roadmap.steps[0], "solid", accept="application/json")
    data = answer(alice_client, roadmap.steps[0], "solid", accept="application/json").json()
    assert data["answer"] == "already_recorded"
    assert "already recorded" in data["message"]


# ---------------------------------------------------------------- the service


def test_the_service_refuses_an_unknown_outcome(alice, roadmap):
    review = due_review(alice, roadmap.steps[0])
    found = reviews.review_of(alice, step_id=review.step_id)
    with pytest.raises(ValueError, match="Unknown outcome"):
        reviews.review_answer(review=found, outcome="maybe", now=timezone.now())


def test_an_answer_read_before_another_one_counted_changes_nothing(alice, roadmap):
    """The conditional UPDATE: two requests read the same due review; the first answer
    counts, the second finds it no longer in the round it read."""
    review = due_review(alice, roadmap.steps[0])
    now = timezone.now()
    first = reviews.review_of(alice, step_id=review.step_id)
    second = reviews.review_of(alice, step_id=review.step_id)

    assert reviews.review_answer(review=first, outcome="solid", now=now) == Answer.RECORDED
    assert reviews.review_answer(review=second, outcome="refresher", now=now) == (
        Answer.ALREADY_RECORDED
    )
    assert (second.round, second.last_outcome) == (1, "solid")  # as the first left it
