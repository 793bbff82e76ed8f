"""The study plan's arithmetic (plans/selectors.py): hours left, finish dates, pace, this week.

The roadmap fixture has 2 stages x 3 steps of 2 estimated hours each, every third step
optional: 4 required steps, 8 required hours.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from plans.models import Plan, Review
from plans.reviews import due, due_count
from plans.selectors import outlook
from progress import services
from progress.models import LearnerProfile, ProgressEvent, StepProgress

Status = StepProgress.Status
# A Wednesday at noon UTC: the week began on Monday 2026-12-07.
NOW = dt.datetime(2026, 12, 9, 12, tzinfo=dt.UTC)


def required(roadmap):
    return [step for step in roadmap.steps if not step.is_optional]


def set_status(user, step, status, *, when=NOW, hours=None):
    StepProgress.objects.update_or_create(
        user=user, step=step, defaults={"status": status, "hours_spent": hours}
    )
    StepProgress.objects.filter(user=user, step=step).update(updated_at=when)


def test_an_empty_plan_counts_the_hours_but_plans_no_week(alice, roadmap):
    seen = outlook(alice, now=NOW)
    assert seen.plan is None
    assert not seen.is_set
    assert seen.remaining_hours == 8
    assert seen.finish is None
    assert seen.this_week == []


def test_remaining_hours_leave_out_settled_and_optional_steps_and_take_recorded_hours(
    alice, roadmap
):
    first, second, third, _ = required(roadmap)
    set_status(alice, first, Status.DONE)
    set_status(alice, second, Status.SKIPPED)
    set_status(alice, third, Status.IN_PROGRESS, hours=Decimal("1.5"))
    assert outlook(alice, now=NOW).remaining_hours == Decimal("2.5")
    set_status(alice, third, Status.IN_PROGRESS, hours=Decimal(9))
    assert outlook(alice, now=NOW).remaining_hours == 2  # never below zero on a step


def test_the_finish_date_is_today_plus_the_weeks_at_the_planned_pace(alice, roadmap):
    Plan.objects.create(user=alice, hours_per_week=4)
    seen = outlook(alice, now=NOW)
    assert seen.today == dt.date(2026, 12, 9)
    assert seen.finish == dt.date(2026, 12, 23)  # 8 h at 4 h a week: two weeks


def test_a_target_date_says_on_track_or_the_hours_needed(alice, roadmap):
    plan = Plan.objects.create(user=alice, hours_per_week=4, target_date=dt.date(2026, 12, 30))
    assert outlook(alice, now=NOW).on_track is True
    plan.target_date = dt.date(2026, 12, 16)  # one week: 8 h needs 8 h a week
    plan.save()
    seen = outlook(alice, now=NOW)
    assert seen.on_track is False
    assert seen.needed_per_week == 8


def test_this_week_puts_steps_in_progress_first_and_fills_up_to_the_hours(alice, roadmap):
    first, second, *_ = required(roadmap)
    optional = next(step for step in roadmap.steps if step.is_optional)
    Plan.objects.create(user=alice, hours_per_week=5)
    set_status(alice, optional, Status.IN_PROGRESS)
    week = outlook(alice, now=NOW).this_week
    assert [(item.step, item.hours, item.is_part) for item in week] == [
        (optional, 2, False),
        (first, 2, False),
        (second, 1, True),
    ]


def test_this_week_counts_what_was_settled_since_monday(alice, roadmap):
    first, *_ = required(roadmap)
    Plan.objects.create(user=alice, hours_per_week=3)
    set_status(alice, first, Status.DONE, when=NOW - dt.timedelta(days=1))
    seen = outlook(alice, now=NOW)
    assert seen.settled_this_week == [first]
    assert seen.week_hours_left == 1
    set_status(alice, first, Status.DONE, when=NOW - dt.timedelta(days=5))  # last week
    assert outlook(alice, now=NOW).settled_this_week == []


def test_the_pace_needs_two_weeks_of_history(alice, roadmap):
    first, second, *_ = required(roadmap)
    set_status(alice, first, Status.DONE, when=NOW - dt.timedelta(days=3), hours=Decimal(6))
    set_status(alice, second, Status.DONE, when=NOW - dt.timedelta(days=40))
    ProgressEvent.objects.create(
        user=alice, step=first, status=Status.DONE, created_at=NOW - dt.timedelta(days=10)
    )
    assert outlook(alice, now=NOW).pace is None
    ProgressEvent.objects.create(
        user=alice, step=second, status=Status.DONE, created_at=NOW - dt.timedelta(days=40)
    )
    seen = outlook(alice, now=NOW)
    assert seen.pace == Decimal("1.5")  # 6 recorded hours in 28 days, ÷ 4
    assert seen.pace_finish == dt.date(2026, 12, 9) + dt.timedelta(days=19)  # 4 h at 1.5 h/w


@pytest.mark.django_db
def test_a_step_marked_done_gets_a_review_a_week_later_that_follows_the_step(alice, roadmap):
    step = required(roadmap)[0]
    services.progress_set(user=alice, step=step, status=Status.DONE)
    review = Review.objects.get(user=alice, step=step)
    assert review.due_at - timezone.now() > dt.timedelta(days=6, hours=23)
    later = timezone.now() + dt.timedelta(days=8)
    assert list(due(alice, now=later)) == [review]
    services.progress_set(user=alice, step=step, status=Status.IN_PROGRESS)
    assert due_count(alice, now=later) == 0
    services.progress_set(user=alice, step=step, status=Status.DONE)
    assert due_count(alice, now=later) == 1
    assert Review.objects.filter(user=alice).count() == 1


def test_the_outlook_counts_the_reviews_due(alice, roadmap):
    step = required(roadmap)[0]
    services.progress_set(user=alice, step=step, status=Status.DONE)
    assert outlook(alice).reviews_due == 0
    later = timezone.now() + dt.timedelta(days=8)
    assert outlook(alice, now=later).reviews_due == due_count(alice, now=later) == 1


def test_the_outlook_takes_two_queries_whatever_the_learner_has(
    alice, roadmap, django_assert_num_queries
):
    with django_assert_num_queries(2):
        outlook(alice, now=NOW)
    Plan.objects.create(user=alice, hours_per_week=4)
    services.progress_set(user=alice, step=required(roadmap)[0], status=Status.DONE)
    with django_assert_num_queries(2):
        assert outlook(alice, now=NOW).is_set


def test_today_is_the_learners_own_day_in_their_time_zone(alice, roadmap):
    LearnerProfile.objects.create(user=alice, time_zone="Pacific/Kiritimati")  # UTC+14
    assert outlook(alice, now=NOW).today == dt.date(2026, 12, 10)
