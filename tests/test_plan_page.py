"""The study plan's page (/plan/): what it shows, the form that sets it, and what it refuses.

The roadmap fixture has 2 stages x 3 steps of 2 estimated hours each, every third step
optional: 4 required steps, 8 required hours. No learner here has a time zone: their
today is UTC's.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from plans.models import Plan, Review
from progress.models import ProgressEvent, StepProgress
from tests.support import client_for

Status = StepProgress.Status
URL = "/plan/"
GOOD = {
    "hours_per_week": "4",
    "target_date": "",
    "email_weekday": "1",
    "email_hour": "8",
}


def today() -> dt.date:
    return timezone.now().date()


def required(roadmap):
    return [step for step in roadmap.steps if not step.is_optional]


def page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def outlook_of(html: str) -> str:
    """The outlook section alone, so that the form's own words never match."""
    return html.partition('id="plan-outlook"')[2].partition("</section>\n</div>")[0]


def set_status(user, step, status, *, days_ago: float = 0, hours=None):
    StepProgress.objects.update_or_create(
        user=user, step=step, defaults={"status": status, "hours_spent": hours}
    )
    when = timezone.now() - dt.timedelta(days=days_ago)
    StepProgress.objects.filter(user=user, step=step).update(updated_at=when)


# ---------------------------------------------------------------- who sees what


def test_a_visitor_sees_what_a_plan_does_and_a_sign_up_link_not_a_sign_in_redirect(roadmap):
    html = page(Client())
    assert "What a plan gives you" in html
    assert 'href="/accounts/signup/"' in html
    assert "hours_per_week" not in html


def test_a_guest_is_told_that_their_progress_moves_over_to_an_account(client, roadmap):
    client.post("/guest/")
    client.post(f"{roadmap.steps[0].get_absolute_url()}status/", {"status": "done"})
    html = page(client)
    assert "You are tracking as a guest (1 step so far)" in html
    assert "everything you marked here moves over" in html
    assert 'href="/accounts/signup/"' in html


def test_an_empty_plan_explains_itself_in_one_sentence_and_a_form(alice_client, roadmap):
    html = page(alice_client)
    assert re.search(r'<p class="plan-empty">[^<.]*\.</p>', outlook_of(html))
    assert "8 hours left" in html
    assert 'name="hours_per_week"' in html
    assert "This week" not in outlook_of(html)
    assert "<time" not in outlook_of(html)


# ---------------------------------------------------------------- the figures


def test_it_shows_the_remaining_hours_and_the_finish_date_in_a_time_element(
    alice, alice_client, roadmap
):
    Plan.objects.create(user=alice, hours_per_week=4)
    set_status(alice, required(roadmap)[0], Status.IN_PROGRESS, hours=1)
    html = outlook_of(page(alice_client))
    assert "<dt>Hours left</dt><dd><strong>7</strong> h</dd>" in html
    finish = today() + dt.timedelta(days=13)  # 7 h at 4 h a week: 12.25 days, rounded up
    assert f'<time datetime="{finish:%Y-%m-%d}">' in html
    assert "at 4 h a week" in html


def test_it_shows_the_measured_pace_and_the_finish_at_it_after_two_weeks(
    alice, alice_client, roadmap
):
    Plan.objects.create(user=alice, hours_per_week=4)
    first = required(roadmap)[0]
    set_status(alice, first, Status.DONE, days_ago=3, hours=8)
    assert "Your pace" not in page(alice_client)  # no history yet

    ProgressEvent.objects.create(
        user=alice,
        step=first,
        status=Status.DONE,
        created_at=timezone.now() - dt.timedelta(days=15),
    )
    html = outlook_of(page(alice_client))
    assert "<dt>Your pace</dt><dd><strong>2</strong> h a week" in html  # 8 h in 4 weeks
    pace_finish = today() + dt.timedelta(days=21)  # 6 h left at 2 h a week
    assert f'you finish <time datetime="{pace_finish:%Y-%m-%d}">' in html


def test_a_target_date_says_on_track(alice, alice_client, roadmap):
    Plan.objects.create(user=alice, hours_per_week=4, target_date=today() + dt.timedelta(days=30))
    assert '<strong class="plan-on-track">on track</strong>' in page(alice_client)


def test_a_target_date_out_of_reach_says_the_hours_a_week_needed(alice, alice_client, roadmap):
    Plan.objects.create(user=alice, hours_per_week=1, target_date=today() + dt.timedelta(days=7))
    html = page(alice_client)
    assert "<strong>8 h a week</strong> needed to make it" in html
    assert "on track" not in html


def test_reviews_due_are_counted_and_linked(alice, alice_client, roadmap):
    step = required(roadmap)[0]
    set_status(alice, step, Status.DONE, days_ago=10)
    Review.objects.create(user=alice, step=step, due_at=timezone.now() - dt.timedelta(days=3))
    html = page(alice_client)
    assert '<a href="/plan/review/">Reviews due: <strong>1</strong></a>' in html


# ---------------------------------------------------------------- this week


def test_this_week_lists_steps_in_progress_first_with_hours_and_their_status_toggles(
    alice, alice_client, roadmap
):
    first, second, third, _ = required(roadmap)
    Plan.objects.create(user=alice, hours_per_week=5)
    set_status(alice, third, Status.IN_PROGRESS)
    html = outlook_of(page(alice_client))
    week = html.partition('<ol class="plan-week"')[2].partition("</ol>")[0]
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', week)
    assert titles == [third.title, first.title, second.title]
    assert "2 h</span>" in week
    assert "part of it: 1 of 2 h" in week  # 5 h: 2 + 2, then 1 of the third step's 2
    assert week.count('form="status-list"') == 3
    assert f'formaction="{first.get_absolute_url()}status/" name="status" value="done"' in week
    assert f'data-status-for="{third.pk}"' in week
    assert "status-in_progress" in week
    assert 'id="status-list"' in page(alice_client)


def test_what_was_settled_this_week_is_listed_below_and_spends_the_weeks_hours(
    alice, alice_client, roadmap
):
    first, second, *_ = required(roadmap)
    Plan.objects.create(user=alice, hours_per_week=3)
    set_status(alice, first, Status.DONE)
    html = outlook_of(page(alice_client))
    assert "1 of your 3 hours left this week, after 2 h settled since Monday" in html
    settled = html.partition("Settled this week")[2]
    assert first.title in settled
    assert "Undo" in settled
    week = html.partition('<ol class="plan-week"')[2].partition("</ol>")[0]
    assert second.title in week and first.title not in week


def test_a_finished_roadmap_looks_finished(alice, alice_client, roadmap):
    Plan.objects.create(user=alice, hours_per_week=5)
    for step in required(roadmap):
        set_status(alice, step, Status.DONE, days_ago=30)
    html = outlook_of(page(alice_client))
    assert "there is nothing left to plan" in html
    assert "This week" not in html


def test_a_roadmap_with_no_steps_looks_finished_too(alice, alice_client, db):
    Plan.objects.create(user=alice, hours_per_week=5)
    assert "there is nothing left to plan" in page(alice_client)


# ---------------------------------------------------------------- saving


def test_saving_creates_the_plan_and_comes_back_with_a_message(alice, alice_client, roadmap):
    target = today() + dt.timedelta(days=100)
    data = GOOD | {"target_date": f"{target:%Y-%m-%d}", "weekly_email": "on", "email_hour": "19"}
    response = alice_client.post(URL, data, follow=True)
    assert response.redirect_chain == [(URL, 302)]
    assert "Your plan is saved." in response.content.decode()
    plan = Plan.objects.get(user=alice)
    assert (plan.hours_per_week, plan.target_date, plan.weekly_email, plan.email_hour) == (
        4,
        target,
        True,
        19,
    )


def test_saving_again_changes_the_same_plan_and_a_double_submit_is_harmless(
    alice, alice_client, roadmap
):
    Plan.objects.create(user=alice, hours_per_week=2, weekly_email=True)
    for _ in range(2):
        assert alice_client.post(URL, GOOD | {"hours_per_week": "9"}).status_code == 302
    plan = Plan.objects.get(user=alice)
    assert plan.hours_per_week == 9
    assert plan.weekly_email is False  # an unticked box is "off"


def test_the_email_hour_is_a_list_of_the_days_24_hours(alice_client, roadmap):
    html = page(alice_client)
    hours = re.findall(r'<option value="(\d+)"[^>]*>(\d\d:00)</option>', html)
    assert hours[0] == ("0", "00:00") and hours[-1] == ("23", "23:00") and len(hours) == 24


def test_a_save_from_the_script_answers_with_the_new_outlook_and_form(alice, alice_client, roadmap):
    response = alice_client.post(URL, GOOD, headers={"accept": "application/json"})
    assert response.status_code == 200
    data = response.json()
    assert data["message"] == "Your plan is saved."
    assert 'id="plan-outlook"' in data["outlook"]
    finish = today() + dt.timedelta(days=14)
    assert f'<time datetime="{finish:%Y-%m-%d}">' in data["outlook"]
    assert 'value="4"' in data["form"]
    assert Plan.objects.get(user=alice).hours_per_week == 4


def test_a_refusal_to_the_script_is_a_400_with_the_form_and_its_errors(
    alice, alice_client, roadmap
):
    response = alice_client.post(
        URL, GOOD | {"hours_per_week": "0"}, headers={"accept": "application/json"}
    )
    assert response.status_code == 400
    data = response.json()
    assert data["message"] == "Nothing was saved: check the form."
    assert "data-error-summary" in data["form"]
    assert 'aria-invalid="true"' in data["form"]
    assert not Plan.objects.exists()


# ---------------------------------------------------------------- bad input


HOURS_ERROR = "Enter a whole number of hours from 1 to 60."


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("0", HOURS_ERROR),
        ("-1", HOURS_ERROR),
        ("61", HOURS_ERROR),
        ("1e9", HOURS_ERROR),
        ("abc", HOURS_ERROR),
        ("NaN", HOURS_ERROR),
        ("", "Say how many hours a week you can study."),
    ],
)
def test_bad_hours_get_a_form_error_and_change_nothing(alice, alice_client, roadmap, value, error):
    Plan.objects.create(user=alice, hours_per_week=5)
    response = alice_client.post(URL, GOOD | {"hours_per_week": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert "Nothing was saved: 1 thing to fix" in html
    assert Plan.objects.get(user=alice).hours_per_week == 5
    assert "<dt>Hours left</dt><dd><strong>8</strong>" in html  # the saved plan, not the input


def _in_years(years: int) -> dt.date:
    return today().replace(year=today().year + years, day=min(today().day, 28))


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("yesterday", "Choose a date after today"),
        ("today", "Choose a date after today"),
        ("five years and a day", "Choose a date at most 5 years ahead"),
        ("2027-02-30", "Enter a real date, such as 2027-06-30."),
        ("abc", "Enter a real date, such as 2027-06-30."),
    ],
)
def test_bad_target_dates_get_a_form_error_and_change_nothing(
    alice, alice_client, roadmap, value, error
):
    saved = today() + dt.timedelta(days=50)
    Plan.objects.create(user=alice, hours_per_week=5, target_date=saved)
    value = {
        "yesterday": f"{today() - dt.timedelta(days=1):%Y-%m-%d}",
        "today": f"{today():%Y-%m-%d}",
        "five years and a day": f"{_in_years(5) + dt.timedelta(days=4):%Y-%m-%d}",
    }.get(value, value)
    response = alice_client.post(URL, GOOD | {"target_date": value})
    assert response.status_code == 400
    assert error in response.content.decode()
    plan = Plan.objects.get(user=alice)
    assert (plan.hours_per_week, plan.target_date) == (5, saved)


def test_a_target_date_five_years_ahead_is_fine(alice, alice_client, roadmap):
    target = _in_years(5)
    assert alice_client.post(URL, GOOD | {"target_date": f"{target:%Y-%m-%d}"}).status_code == 302
    assert Plan.objects.get(user=alice).target_date == target


@pytest.mark.parametrize(
    ("field", "value"), [("email_weekday", "8"), ("email_hour", "24"), ("email_hour", "abc")]
)
def test_an_unknown_day_or_hour_gets_a_form_error(alice_client, roadmap, field, value):
    response = alice_client.post(URL, GOOD | {field: value})
    assert response.status_code == 400
    html = response.content.decode()
    assert "from the list" in html
    select = re.search(rf'<select[^>]*name="{field}"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in select
    described_by = re.search(r'aria-describedby="([^"]+)"', select).group(1).split()
    assert f"id_{field}_error" in described_by
    assert not Plan.objects.exists()


# ---------------------------------------------------------------- refusals


def test_a_post_without_the_csrf_token_is_refused(alice, roadmap):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(URL, GOOD).status_code == 403
    assert not Plan.objects.exists()


def test_a_visitors_post_is_sent_to_sign_in_and_changes_nothing(roadmap):
    response = Client().post(URL, GOOD)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/plan/")
    assert not Plan.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(alice_client, roadmap, method):
    assert getattr(alice_client, method)(URL).status_code == 405
    assert not Plan.objects.exists()


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_head_and_get_answer_and_change_nothing(alice, roadmap, who):
    client = client_for(alice if who == "learner" else None)
    assert client.get(URL).status_code == 200
    head = client.head(URL)
    assert head.status_code == 200
    assert head.content == b""
    assert not Plan.objects.exists()


# ---------------------------------------------------------------- links to the plan


@pytest.mark.parametrize("who", ["visitor", "learner"])
def test_the_header_links_to_the_plan_for_everyone(alice, roadmap, who):
    html = client_for(alice if who == "learner" else None).get("/").content.decode()
    assert html.count('<a href="/plan/">Plan</a>') == 2  # the wide header and the phone's menu


def test_the_header_marks_the_plan_as_the_current_page_there(alice_client, roadmap):
    assert '<a href="/plan/" aria-current="page">Plan</a>' in page(alice_client)


def test_the_dashboard_card_shows_this_weeks_hours_the_finish_and_the_reviews_due(
    alice, alice_client, roadmap
):
    step = required(roadmap)[0]
    Plan.objects.create(user=alice, hours_per_week=4)
    set_status(alice, step, Status.DONE, days_ago=10)
    Review.objects.create(user=alice, step=step, due_at=timezone.now() - dt.timedelta(days=3))
    html = alice_client.get("/progress/").content.decode()
    card = html.partition('<section class="card plan-card"')[2].partition("</section>")[0]
    assert "h left this week" in card
    finish = today() + dt.timedelta(days=11)  # 6 h at 4 h a week: 10.5 days, rounded up
    assert f'<time datetime="{finish:%Y-%m-%d}">' in card
    assert '<a href="/plan/review/">Reviews due: <strong>1</strong></a>' in card
    assert '<a href="/plan/">Your plan</a>' in card


def test_the_dashboard_card_invites_a_learner_without_a_plan_to_make_one(alice_client, roadmap):
    html = alice_client.get("/progress/").content.decode()
    assert '<a href="/plan/">Make a plan</a>' in html
    assert "Reviews due" not in html


def test_a_guests_dashboard_has_no_plan_card(client, roadmap):
    client.post("/guest/")
    assert "plan-card" not in client.get("/progress/").content.decode()
