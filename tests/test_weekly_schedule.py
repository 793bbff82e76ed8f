"""`manage.py send_weekly_emails`: who is due when, once a week each, in batches of a
constant number of queries (plans/weekly.py, plans/tasks.py)."""

import datetime as dt
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plans import weekly
from plans.models import Plan, SentWeeklyEmail, Weekday
from plans.tasks import send_weekly_emails
from progress.models import LearnerProfile
from roadmap_site.tasks import send_email
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db

# A Wednesday at noon UTC: the ISO week began on Monday 2026-12-07.
NOW = dt.datetime(2026, 12, 9, 12, tzinfo=dt.UTC)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def learner(name: str, *, zone="UTC", weekday=Weekday.WEDNESDAY, hour=12, on=True, **address):
    user = User.objects.create_user(username=name, email=f"{name}@example.com")
    values = {"verified": True, "primary": True, **address}
    EmailAddress.objects.create(user=user, email=user.email, **values)
    LearnerProfile.objects.create(user=user, time_zone=zone)
    Plan.objects.create(user=user, weekly_email=on, email_weekday=weekday, email_hour=hour)
    return user


def run(now=NOW, *args: str) -> str:
    """The command as cron runs it, at `now`."""
    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: now)
        call_command("send_weekly_emails", *args, stdout=out)
    return out.getvalue()


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_it_sends_at_the_chosen_weekday_and_hour_not_before(db):
    learner("early", hour=11)
    learner("on_the_hour", hour=12)
    learner("later_today", hour=13)
    learner("tomorrow", weekday=Weekday.THURSDAY, hour=0)

    output = run()

    assert recipients() == ["early@example.com", "on_the_hour@example.com"]
    assert "Enqueued the weekly emails of 2 learner(s) in 1 task(s)." in output


def test_the_hour_is_the_learners_own(db):
    """Noon UTC on Wednesday is 21:00 in Tokyo and 04:00 in Los Angeles."""
    learner("tokyo", zone="Asia/Tokyo", hour=21)
    learner("tokyo_later", zone="Asia/Tokyo", hour=22)
    learner("los_angeles", zone="America/Los_Angeles", hour=4)
    learner("los_angeles_later", zone="America/Los_Angeles", hour=5)
    learner("unknown_zone_is_utc", zone="Mars/Olympus_Mons", hour=12)

    run()

    assert recipients() == [
        "los_angeles@example.com",
        "tokyo@example.com",
        "unknown_zone_is_utc@example.com",
    ]


def test_the_weekday_is_the_learners_own(db):
    """Tuesday 20:00 UTC is Wednesday 05:00 in Tokyo."""
    learner("tokyo", zone="Asia/Tokyo", weekday=Weekday.WEDNESDAY, hour=5)
    learner("london", zone="Europe/London", weekday=Weekday.WEDNESDAY, hour=5)

    run(dt.datetime(2026, 12, 8, 20, tzinfo=dt.UTC))

    assert recipients() == ["tokyo@example.com"]


def test_a_missed_run_catches_up_later_in_the_week_but_not_the_next(db):
    learner("monday", weekday=Weekday.MONDAY, hour=8)

    run(NOW)  # Monday's 08:00 run was missed; Wednesday's sends it
    run(NOW + dt.timedelta(days=2))  # Friday: sent already
    assert recipients() == ["monday@example.com"]

    run(dt.datetime(2026, 12, 14, 7, tzinfo=dt.UTC))  # next Monday, before 08:00
    assert len(mail.outbox) == 1
    run(dt.datetime(2026, 12, 14, 8, tzinfo=dt.UTC))
    assert len(mail.outbox) == 2


def test_now_takes_every_opted_in_learners_hour_as_come(db):
    learner("later_today", hour=23)
    learner("sunday", weekday=Weekday.SUNDAY)
    learner("opted_out", on=False)

    run(NOW, "--now")

    assert recipients() == ["later_today@example.com", "sunday@example.com"]


def test_it_skips_the_opted_out_and_the_unverified(db):
    learner("ok")
    learner("opted_out", on=False)
    learner("unverified", verified=False)
    learner("not_primary", primary=False)
    User.objects.create_user(username="no_plan", email="no_plan@example.com")

    run(NOW, "--now")

    assert recipients() == ["ok@example.com"]


def test_running_it_twice_sends_one_each(db):
    for n in range(5):
        learner(f"l{n}")

    run()
    second = run()
    run(NOW, "--now")

    assert recipients() == [f"l{n}@example.com" for n in range(5)]
    assert "of 0 learner(s) in 0 task(s)" in second
    assert SentWeeklyEmail.objects.count() == 5


def test_a_batch_run_twice_sends_nothing_twice(db):
    users = [learner(f"l{n}") for n in range(3)]
    ids = [user.pk for user in users]

    first = send_weekly_emails.call(user_ids=ids, now=NOW.isoformat())
    again = send_weekly_emails.call(user_ids=ids, now=NOW.isoformat())

    assert (first, again) == ("3 sent, 0 skipped", "0 sent, 3 skipped")
    assert len(mail.outbox) == 3


def test_a_learner_who_opts_out_after_the_batch_was_chosen_gets_nothing(db):
    user = learner("quitter")
    [ids] = [batch for batch in weekly.due_batches(now=NOW) if batch]
    Plan.objects.filter(user=user).update(weekly_email=False)

    assert send_weekly_emails.call(user_ids=ids, now=NOW.isoformat()) == "0 sent, 1 skipped"
    assert mail.outbox == []


def test_it_walks_the_learners_in_batches_of_the_size_asked(db):
    for n in range(7):
        learner(f"l{n}")

    batches = list(weekly.due_batches(now=NOW, size=3))

    assert [len(batch) for batch in batches] == [3, 3, 1]
    assert sorted(id for batch in batches for id in batch) == sorted(
        User.objects.values_list("pk", flat=True)
    )


@pytest.mark.parametrize("count", [4, 40])
def test_a_batch_takes_the_same_queries_whatever_its_size(
    db, settings, django_assert_num_queries, count
):
    """Per batch: the learners, those already sent, the task's row; then one empty look."""
    settings.TASKS = DATABASE_TASKS
    for n in range(count):
        learner(f"l{n}")
    SentWeeklyEmail.objects.create(user=User.objects.first(), week=dt.date(2026, 12, 7))

    with django_assert_num_queries(3 * 2 + 1):
        run(NOW, "--batch-size", str(count // 2))

    tasks = DBTaskResult.objects.filter(task_path=send_weekly_emails.module_path)
    assert sorted(len(t.args_kwargs["kwargs"]["user_ids"]) for t in tasks) == [
        count // 2 - 1,
        count // 2,
    ]


def test_with_the_database_queue_the_sent_row_and_the_emails_task_are_one_commit(db, settings):
    settings.TASKS = DATABASE_TASKS
    user = learner("queued")

    run(NOW, "--now")
    [batch] = DBTaskResult.objects.filter(task_path=send_weekly_emails.module_path)
    assert not SentWeeklyEmail.objects.exists()  # nothing until a worker runs the batch

    send_weekly_emails.call(**batch.args_kwargs["kwargs"])

    assert SentWeeklyEmail.objects.get().user == user
    [queued] = DBTaskResult.objects.filter(task_path=send_email.module_path)
    # The site's other email (a sign-up's confirmation: 0) first, then the weekly emails,
    # then the batches that make more of them.
    assert (queued.priority, batch.priority) == (-10, -20)
    message = queued.args_kwargs["kwargs"]["message"]
    assert message["to"] == ["queued@example.com"]
    assert message["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert [mimetype for _, mimetype in message["alternatives"]] == ["text/html"]


@pytest.mark.django_db(transaction=True)
def test_the_same_learner_sent_from_four_workers_at_once_gets_one_email():
    user = learner("raced")

    results = at_once(lambda _: weekly.send_weekly_email(user_id=user.pk, now=NOW), range(4))

    assert sorted(results) == [False, False, False, True]
    assert recipients() == ["raced@example.com"]
    assert SentWeeklyEmail.objects.count() == 1
