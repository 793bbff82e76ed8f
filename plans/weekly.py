"""The weekly email: who is due for it, what it says, and its unsubscribe token.

`manage.py send_weekly_emails` runs hourly (cron or a systemd timer). It walks the opted-in
learners by primary key in batches of a fixed size (`due_batches`: two queries a batch,
whatever their number) and enqueues one `plans.tasks.send_weekly_emails` task per batch
with the ids of those due. The task sends each one with `send_weekly_email`, which in ONE
transaction records the week as sent (SentWeeklyEmail: unique per learner and week) and
enqueues the email's own `send_email` task. A second run, a second machine, or a worker
killed mid-batch and its batch run again, all meet the unique row and skip: one email each.

A learner is due when they opted in, have a verified primary address, and in their time
zone the chosen weekday and hour of the current ISO week have come (a run missed on the
hour catches up later in the same week), and nothing was sent for that week yet.
"""

import dataclasses
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from plans.models import Plan, SentWeeklyEmail
from plans.selectors import Outlook, outlook, week_of
from progress.activity import activity_for, time_zone_of
from progress.models import LearnerProfile, StepProgress
from roadmap.models import Step
from roadmap_site import mail

#: Learners looked at per batch: what one task carries, and what bounds memory.
BATCH_SIZE = 500
#: Task priorities (the database queue runs higher ones first): the site's other email
#: (a sign-up's confirmation, 0) before the weekly emails, and those before the batches
#: that make more of them, so they go out while the rest are being made.
EMAIL_PRIORITY = -10
BATCH_PRIORITY = -20

#: How long an unsubscribe link works. Every weekly email carries a fresh one, so a
#: learner who gets them always holds a link days old; 60 days leaves a couple of months
#: for an email kept in an inbox (and for mail providers that act on the header later),
#: while a link forwarded or leaked does not work for ever.
TOKEN_MAX_AGE = dt.timedelta(days=60)
_UNSUBSCRIBE_SALT = "plans.weekly.unsubscribe"


class BadToken(Exception):
    """An unsubscribe token that was tampered with, or is not one of ours."""


class ExpiredToken(BadToken):
    """A genuine unsubscribe token, older than TOKEN_MAX_AGE."""


def unsubscribe_token(user_id: int) -> str:
    """A signed, timestamped token carrying the learner's id (django.core.signing)."""
    return signing.dumps(user_id, salt=_UNSUBSCRIBE_SALT)


def user_id_from_token(token: str) -> int:
    """The learner's id in `token`; raises ExpiredToken or BadToken."""
    try:
        user_id = signing.loads(token, salt=_UNSUBSCRIBE_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ExpiredToken from error
    except signing.BadSignature as error:
        raise BadToken from error
    if not isinstance(user_id, int):
        raise BadToken
    return user_id


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# ---------------------------------------------------------------- who is due


@cache
def _zone(name: str | None) -> ZoneInfo:
    return time_zone_of(LearnerProfile(time_zone=name or "UTC"))


def send_time(now: dt.datetime, zone: ZoneInfo, *, weekday: int, hour: int) -> dt.datetime:
    """When this ISO week's email is due: the chosen ISO weekday and hour, in `zone`."""
    day = week_of(now, zone) + dt.timedelta(days=weekday - 1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def _opted_in(**filters: object) -> QuerySet[User]:
    """Learners who want the weekly email and have a verified primary address for it."""
    return User.objects.filter(
        plan__weekly_email=True, emailaddress__primary=True, emailaddress__verified=True, **filters
    )


def due_batches(
    *, now: dt.datetime, force: bool = False, size: int = BATCH_SIZE
) -> Iterator[list[int]]:
    """The ids of the learners due at `now`, a batch at a time (possibly empty), walking
    the opted-in learners with a verified primary address by primary key, `size` at a
    time: two queries a batch, and one batch in memory. `force` takes every learner's
    chosen hour as come (`send_weekly_emails --now`)."""
    last = 0
    while True:
        rows = list(
            _opted_in(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "plan__email_weekday", "plan__email_hour", "learner_profile__time_zone"
            )[:size]
        )
        if not rows:
            return
        last = rows[-1][0]
        weeks = {}
        for user_id, weekday, hour, zone_name in rows:
            zone = _zone(zone_name)
            if force or now >= send_time(now, zone, weekday=weekday, hour=hour):
                weeks[user_id] = week_of(now, zone)
        sent = set(
            SentWeeklyEmail.objects.filter(
                user_id__in=weeks, week__in=set(weeks.values())
            ).values_list("user_id", "week")
        )
        yield [user_id for user_id, week in weeks.items() if (user_id, week) not in sent]


def send_weekly_email(*, user_id: int, now: dt.datetime) -> bool:
    """Enqueue the learner's weekly email for the ISO week of `now` (in their time zone),
    unless it went already, or they opted out or lost their verified primary address since
    the batch was chosen. Returns whether it was enqueued.

    The "sent" row and the email's task commit together or not at all: a worker killed
    here leaves neither, and the batch run again sends it; a learner already sent to
    (this run twice, or another machine's) meets the unique row and is skipped."""
    learner = (
        _opted_in(pk=user_id)
        .select_related("learner_profile")
        .annotate(address=F("emailaddress__email"))
        .first()
    )
    if learner is None:
        return False
    zone = time_zone_of(getattr(learner, "learner_profile", None))
    try:
        with transaction.atomic():
            SentWeeklyEmail.objects.create(user=learner, week=week_of(now, zone))
            message = weekly_message(learner, to=learner.address, now=now, zone=zone)
            mail.enqueue_in_transaction(message, priority=EMAIL_PRIORITY)
    except IntegrityError:  # this week's is sent (or the account was deleted meanwhile)
        return False
    return True


# ---------------------------------------------------------------- what it says


@dataclass(frozen=True)
class SettledStep:
    step: Step
    hours: Decimal


@dataclass(frozen=True)
class WeeklyDigest:
    """What the weekly email shows a learner."""

    name: str
    #: The steps done or skipped in the last seven days, and the hours they took.
    settled: list[SettledStep]
    settled_hours: Decimal
    streak: int
    outlook: Outlook
    reviews_due: int
    plan_url: str
    unsubscribe_url: str


def digest(user: User, *, now: dt.datetime, zone: ZoneInfo) -> WeeklyDigest:
    """The learner's last seven days, this week's plan and their due reviews."""
    recent = (
        StepProgress.objects.filter(
            user=user,
            status__in=StepProgress.SETTLED,
            updated_at__gte=now - dt.timedelta(days=7),
            updated_at__lte=now,
            step__is_published=True,
        )
        .select_related("step__stage")
        .order_by("updated_at", "pk")
    )
    settled = [
        SettledStep(
            step=row.step,
            hours=row.hours_spent
            if row.hours_spent is not None
            else Decimal(row.step.estimated_hours),
        )
        for row in recent
    ]
    activity = dataclasses.replace(
        activity_for(user, zone=zone), today=timezone.localtime(now, zone).date()
    )
    token = unsubscribe_token(user.pk)
    plan = outlook(user, now=now)
    return WeeklyDigest(
        name=user.first_name or user.username,
        settled=settled,
        settled_hours=sum((s.hours for s in settled), Decimal(0)),
        streak=activity.current_streak,
        outlook=plan,
        reviews_due=plan.reviews_due,  # counted in the outlook's query
        plan_url=absolute(reverse("plans:plan")),
        unsubscribe_url=absolute(reverse("plans:unsubscribe", args=[token])),
    )


def weekly_message(
    user: User, *, to: str, now: dt.datetime, zone: ZoneInfo
) -> EmailMultiAlternatives:
    """The weekly email to `to`: a plain-text part and an HTML one (no remote image, no
    tracking pixel), with RFC 8058's one-click unsubscribe headers."""
    context = {"digest": digest(user, now=now, zone=zone)}
    subject = render_to_string("plans/email/weekly_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject,
        render_to_string("plans/email/weekly.txt", context),
        to=[to],
        headers={
            "List-Unsubscribe": f"<{context['digest'].unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("plans/email/weekly.html", context), "text/html")
    return message


def switch_off(*, user_id: int) -> None:
    """Stop the learner's weekly email (the unsubscribe link; one UPDATE, none if off)."""
    Plan.objects.filter(user_id=user_id, weekly_email=True).update(weekly_email=False)
