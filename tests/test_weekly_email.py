"""The weekly email (plans/weekly.py): what it says, to whom, its one-click unsubscribe, and
its settings on /accounts/settings/.

The roadmap fixture has 2 stages x 3 steps of 2 estimated hours each, every third step
optional.
"""

import datetime as dt
import re
import time

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.test import Client

from plans import weekly
from plans.models import Plan, Review, SentWeeklyEmail
from progress.models import LearnerProfile, ProgressEvent, StepProgress

pytestmark = pytest.mark.django_db

Status = StepProgress.Status
# A Wednesday at noon UTC: the ISO week began on Monday 2026-12-07.
NOW = dt.datetime(2026, 12, 9, 12, tzinfo=dt.UTC)


def opt_in(user, **values) -> Plan:
    values = {"weekly_email": True, "hours_per_week": 4, **values}
    return Plan.objects.update_or_create(user=user, defaults=values)[0]


def settle(user, step, *, when, status=Status.DONE, hours=None) -> None:
    StepProgress.objects.update_or_create(
        user=user, step=step, defaults={"status": status, "hours_spent": hours}
    )
    StepProgress.objects.filter(user=user, step=step).update(updated_at=when)
    ProgressEvent.objects.create(user=user, step=step, status=status, created_at=when)


def send(user, now=NOW) -> bool:
    return weekly.send_weekly_email(user_id=user.pk, now=now)


def html_part(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


# ---------------------------------------------------------------- what it says


def test_it_shows_the_last_seven_days_this_weeks_plan_the_reviews_and_one_link(alice, roadmap):
    opt_in(alice, hours_per_week=10)
    first, second, third = roadmap.steps[:3]
    settle(alice, first, when=NOW - dt.timedelta(days=2), hours=3)
    settle(alice, second, when=NOW - dt.timedelta(days=1), status=Status.SKIPPED)
    settle(alice, third, when=NOW - dt.timedelta(days=9))  # longer ago than a week
    Review.objects.create(user=alice, step=third, due_at=NOW - dt.timedelta(hours=1))

    assert send(alice)

    [message] = mail.outbox
    text = message.body
    assert message.to == ["alice@example.com"]
    assert message.subject == "Your study week: 2 steps planned, 1 review due"
    assert f"- {first.title} ({first.stage.title}), 3 h" in text
    assert f"- {second.title} ({second.stage.title}), 2 h" in text
    assert "2 steps settled, 5 hours" in text
    assert third.title not in text.split("THIS WEEK")[0]
    assert "Streak: 2 days in a row." in text
    this_week = text.split("THIS WEEK")[1].split("REVIEWS")[0]
    assert roadmap.steps[3].title in this_week
    assert "1 review of what you learned is due." in text
    assert "Your plan: http://testserver.example/plan/" in text
    html = html_part(message)
    assert html.count('<a href="http://testserver.example/plan/">') == 1
    assert f"<li>{first.title} ({first.stage.title}), 3 h</li>" in html


def test_it_has_no_image_no_pixel_and_no_remote_resource(alice, roadmap):
    opt_in(alice)
    send(alice)

    html = html_part(mail.outbox[0])
    assert "<img" not in html
    assert "src=" not in html
    assert "<link" not in html
    assert "url(" not in html


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "http://testserver.example"


def test_it_carries_one_click_unsubscribe_headers_with_a_signed_token(alice, roadmap):
    opt_in(alice)
    send(alice)

    headers = mail.outbox[0].extra_headers
    link = re.fullmatch(r"<http://testserver\.example(/plan/unsubscribe/([^/]+)/)>",
                        headers["List-Unsubscribe"])  # fmt: skip
    assert link
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert weekly.user_id_from_token(link[2]) == alice.pk
    assert link[1] in mail.outbox[0].body


def test_with_a_target_date_it_says_whether_the_learner_is_on_track(alice, bob, roadmap):
    opt_in(alice, target_date=dt.date(2027, 6, 1))
    opt_in(bob, hours_per_week=1, target_date=dt.date(2026, 12, 23))
    send(alice)
    send(bob)

    assert "You are on track for your target date, 1 June 2027." in mail.outbox[0].body
    assert (
        "To finish by your target date, 23 December 2026, plan 4 hours a week."
        in mail.outbox[1].body
    )


def test_an_empty_plan_says_so_in_one_sentence(alice, roadmap):
    opt_in(alice, hours_per_week=None)
    send(alice)

    text = mail.outbox[0].body
    assert "Your plan has no hours a week yet" in text
    assert "No steps settled this time." in text
    assert "Streak: none running." in text
    assert "No reviews due." in text
    assert mail.outbox[0].subject == "Your study week: your plan"


def test_a_title_with_markup_is_plain_in_the_text_and_escaped_in_the_html(alice, roadmap):
    step = roadmap.steps[0]
    step.title = "Tests & <fixtures>"
    step.save()
    opt_in(alice)
    settle(alice, step, when=NOW - dt.timedelta(days=1))
    send(alice)

    assert "Tests & <fixtures>" in mail.outbox[0].body
    assert "Tests &amp; &lt;fixtures&gt;" in html_part(mail.outbox[0])


# ---------------------------------------------------------------- to whom


def test_it_goes_to_the_verified_primary_address_only(alice, roadmap):
    EmailAddress.objects.filter(user=alice).update(primary=False)
    EmailAddress.objects.create(user=alice, email="ada@example.org", verified=True, primary=True)
    opt_in(alice)

    send(alice)

    assert [m.to for m in mail.outbox] == [["ada@example.org"]]


@pytest.mark.parametrize("address", [{"verified": False}, {"primary": False}, None])
def test_a_learner_without_a_verified_primary_address_gets_nothing(alice, roadmap, address):
    if address is None:
        EmailAddress.objects.filter(user=alice).delete()
    else:
        EmailAddress.objects.filter(user=alice).update(**address)
    opt_in(alice)

    assert not send(alice)

    assert mail.outbox == []
    assert not SentWeeklyEmail.objects.exists()


def test_a_learner_who_opted_out_gets_nothing(alice, roadmap):
    opt_in(alice, weekly_email=False)

    assert not send(alice)
    assert mail.outbox == []


def test_it_goes_once_a_week_however_often_it_is_asked(alice, roadmap):
    opt_in(alice)

    assert [send(alice), send(alice), send(alice, NOW + dt.timedelta(days=4))] == [True] + [
        False
    ] * 2
    assert send(alice, NOW + dt.timedelta(days=5))  # Monday: a new ISO week

    assert len(mail.outbox) == 2
    weeks = SentWeeklyEmail.objects.filter(user=alice).values_list("week", flat=True)
    assert sorted(weeks) == [dt.date(2026, 12, 7), dt.date(2026, 12, 14)]


def test_the_week_is_the_learners_own(alice, roadmap):
    """Sunday 23:30 UTC is already Monday in Tokyo: that learner's new week."""
    LearnerProfile.objects.create(user=alice, time_zone="Asia/Tokyo")
    opt_in(alice)

    send(alice, dt.datetime(2026, 12, 13, 23, 30, tzinfo=dt.UTC))

    assert SentWeeklyEmail.objects.get(user=alice).week == dt.date(2026, 12, 14)


def test_the_sent_row_and_the_email_commit_together_or_not_at_all(alice, roadmap, monkeypatch):
    opt_in(alice)

    def broken(message, **options):
        raise RuntimeError("the queue's table is gone")

    monkeypatch.setattr(weekly.mail, "enqueue_in_transaction", broken)
    with pytest.raises(RuntimeError):
        send(alice)

    assert not SentWeeklyEmail.objects.exists()
    monkeypatch.undo()
    assert send(alice)  # the next run sends it
    assert len(mail.outbox) == 1


# ---------------------------------------------------------------- the token


def test_a_token_carries_the_user_and_refuses_tampering(alice):
    token = weekly.unsubscribe_token(alice.pk)
    assert weekly.user_id_from_token(token) == alice.pk
    for bad in ["abc", token[:-1] + ("A" if token[-1] != "A" else "B"), token + "x", ""]:
        with pytest.raises(weekly.BadToken):
            weekly.user_id_from_token(bad)


def test_a_token_signed_for_something_else_is_refused(alice):
    with pytest.raises(weekly.BadToken):
        weekly.user_id_from_token(signing.dumps(alice.pk, salt="something.else"))
    with pytest.raises(weekly.BadToken):
        weekly.user_id_from_token(signing.dumps("admin", salt="plans.weekly.unsubscribe"))


def old_token(user, monkeypatch, age: dt.timedelta) -> str:
    now = time.time()
    monkeypatch.setattr(signing.time, "time", lambda: now - age.total_seconds())
    token = weekly.unsubscribe_token(user.pk)
    monkeypatch.undo()
    return token


def test_a_token_works_for_sixty_days_and_then_expires(alice, monkeypatch):
    fresh_enough = old_token(alice, monkeypatch, dt.timedelta(days=59))
    expired = old_token(alice, monkeypatch, dt.timedelta(days=61))

    assert weekly.user_id_from_token(fresh_enough) == alice.pk
    with pytest.raises(weekly.ExpiredToken):
        weekly.user_id_from_token(expired)


# ---------------------------------------------------------------- unsubscribing


def unsubscribe_path(user) -> str:
    return f"/plan/unsubscribe/{weekly.unsubscribe_token(user.pk)}/"


def mail_client() -> Client:
    """A mail client's one-click POST: no session, no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def test_the_one_click_post_turns_the_email_off_without_signing_in(alice):
    opt_in(alice)

    response = mail_client().post(
        unsubscribe_path(alice),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    plan = Plan.objects.get(user=alice)
    assert not plan.weekly_email
    assert plan.hours_per_week == 4  # the rest of the plan stays


def test_a_get_only_shows_a_button_so_link_scanners_unsubscribe_nobody(alice):
    opt_in(alice)

    response = Client().get(unsubscribe_path(alice))

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<form method="post"[^>]*>\s*<div[^>]*><button type="submit"', page)
    assert Plan.objects.get(user=alice).weekly_email


def test_the_pages_button_unsubscribes(alice):
    opt_in(alice)

    response = mail_client().post(unsubscribe_path(alice))

    assert "You are unsubscribed" in response.content.decode()
    assert not Plan.objects.get(user=alice).weekly_email


def test_unsubscribing_twice_or_without_a_plan_is_fine(alice, bob):
    opt_in(alice)
    assert mail_client().post(unsubscribe_path(alice)).status_code == 200
    assert mail_client().post(unsubscribe_path(alice)).status_code == 200
    assert mail_client().post(unsubscribe_path(bob)).status_code == 200
    assert not Plan.objects.filter(user=bob).exists()


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("token", ["abc", "MQ:1vABCd:tampered", "MQ::", "x" * 500])
def test_a_tampered_token_gets_a_clear_page_and_changes_nothing(alice, method, token):
    opt_in(alice)

    response = getattr(mail_client(), method)(f"/plan/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This unsubscribe link is not valid" in response.content.decode()
    assert Plan.objects.get(user=alice).weekly_email


def test_someone_elses_token_with_a_changed_id_is_refused(alice, bob):
    opt_in(alice)
    _, rest = weekly.unsubscribe_token(bob.pk).split(":", 1)
    forged = signing.b64_encode(str(alice.pk).encode()).decode() + ":" + rest

    response = mail_client().post(f"/plan/unsubscribe/{forged}/")

    assert response.status_code == 400
    assert Plan.objects.get(user=alice).weekly_email


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_expired_token_gets_a_clear_page_and_changes_nothing(alice, monkeypatch, method):
    opt_in(alice)
    token = old_token(alice, monkeypatch, dt.timedelta(days=61))

    response = getattr(mail_client(), method)(f"/plan/unsubscribe/{token}/")

    assert response.status_code == 400
    assert "This unsubscribe link has expired" in response.content.decode()
    assert Plan.objects.get(user=alice).weekly_email


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_deleted_accounts_token_gets_a_clear_page(alice, method):
    path = unsubscribe_path(alice)
    alice.delete()

    response = getattr(mail_client(), method)(path)

    assert response.status_code == 404
    assert "This account no longer exists" in response.content.decode()


# ---------------------------------------------------------------- the settings


def test_the_settings_page_shows_the_weekly_email_as_saved(alice_client, alice):
    opt_in(alice, email_weekday=5, email_hour=18)

    html = alice_client.get("/accounts/settings/").content.decode()

    assert 'action="/plan/email/"' in html
    assert '<input type="checkbox" name="weekly_email" id="id_weekly_email" checked>' in html
    assert '<option selected value="5">Friday</option>' in html
    assert '<option selected value="18">18:00</option>' in html
    assert html.count("<option selected") == 2


def test_switching_it_on_makes_the_plan_row_without_hours(alice_client, alice):
    data = {"weekly_email": "on", "email_weekday": "3", "email_hour": "7"}

    response = alice_client.post("/plan/email/", data)

    assert response.status_code == 302
    assert response["Location"] == "/accounts/settings/"
    plan = Plan.objects.get(user=alice)
    assert (plan.weekly_email, plan.email_weekday, plan.email_hour) == (True, 3, 7)
    assert plan.hours_per_week is None
    assert "Your weekly email is on." in alice_client.get("/accounts/settings/").content.decode()


def test_switching_it_off_keeps_the_rest_of_the_plan(alice_client, alice):
    opt_in(alice, target_date=dt.date(2027, 6, 1))

    alice_client.post("/plan/email/", {"email_weekday": "1", "email_hour": "8"})

    plan = Plan.objects.get(user=alice)
    assert not plan.weekly_email
    assert (plan.hours_per_week, plan.target_date) == (4, dt.date(2027, 6, 1))


@pytest.mark.parametrize(
    "bad",
    [
        {"email_weekday": "0"},
        {"email_weekday": "8"},
        {"email_weekday": "abc"},
        {"email_weekday": ""},
        {"email_hour": "-1"},
        {"email_hour": "24"},
        {"email_hour": "abc"},
        {"email_hour": ""},
        {"email_hour": "1e9"},
        {"email_hour": "NaN"},
    ],
)
def test_bad_input_is_a_form_error_and_saves_nothing(alice_client, alice, bad):
    data = {"weekly_email": "on", "email_weekday": "3", "email_hour": "7", **bad}

    response = alice_client.post("/plan/email/", data)

    assert response.status_code == 400
    [name] = bad
    assert f'id="id_{name}_error"' in response.content.decode()
    assert not Plan.objects.filter(user=alice).exists()


def test_the_settings_need_a_signed_in_learner_and_a_csrf_token(alice):
    data = {"weekly_email": "on", "email_weekday": "3", "email_hour": "7"}
    assert Client().post("/plan/email/", data).status_code == 302
    csrf_checked = Client(enforce_csrf_checks=True)
    csrf_checked.force_login(alice)
    assert csrf_checked.post("/plan/email/", data).status_code == 403
    assert not Plan.objects.filter(user=alice).exists()
