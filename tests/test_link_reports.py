"""Learners report broken or outdated links from the step page; editors resolve them."""

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from courses.models import Course, LinkReport


@pytest.fixture
def course(roadmap) -> Course:
    return roadmap.steps[0].course_links.first().course


def report(client: Client, course: Course, reason: str = "broken", **extra):
    step_url = course.step_links.first().step.get_absolute_url()
    return client.post(
        reverse("courses:report_link", args=[course.slug]),
        {"reason": reason, "next": step_url, **extra},
    )


def test_the_step_page_offers_a_signed_in_learner_the_report_form(alice_client, roadmap, course):
    page = alice_client.get(roadmap.steps[0].get_absolute_url()).content.decode()

    assert reverse("courses:report_link", args=[course.slug]) in page
    assert "csrfmiddlewaretoken" in page


def test_the_step_page_offers_a_visitor_no_report_form(client, roadmap, course):
    page = client.get(roadmap.steps[0].get_absolute_url()).content.decode()

    assert reverse("courses:report_link", args=[course.slug]) not in page


def test_it_records_a_report(alice_client, alice, course):
    response = report(alice_client, course, "outdated")

    assert response.status_code == 302
    assert response["Location"] == course.step_links.first().step.get_absolute_url()
    saved = LinkReport.objects.get()
    assert (saved.user, saved.course, saved.reason) == (alice, course, "outdated")
    assert not saved.is_resolved


def test_it_takes_one_report_per_learner_and_course(alice_client, course):
    report(alice_client, course)
    response = report(alice_client, course, "outdated")

    assert LinkReport.objects.count() == 1
    assert "already reported" in str(list(response.wsgi_request._messages))


def test_two_learners_may_report_the_same_course(alice_client, bob, course):
    bob_client = Client()
    bob_client.force_login(bob)

    report(alice_client, course)
    report(bob_client, course)

    assert LinkReport.objects.count() == 2


def test_it_shows_the_learner_they_have_reported(alice_client, roadmap, course):
    report(alice_client, course)

    page = alice_client.get(roadmap.steps[0].get_absolute_url()).content.decode()

    assert "You reported this link" in page


def test_it_needs_sign_in(client, course):
    response = report(client, course)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not LinkReport.objects.exists()


def test_it_needs_the_csrf_token(alice, course):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = report(client, course)

    assert response.status_code == 403
    assert not LinkReport.objects.exists()


def test_it_rejects_an_unknown_reason_clearly(alice_client, course):
    response = report(alice_client, course, "boring")

    assert response.status_code == 302
    assert not LinkReport.objects.exists()
    assert "Choose whether" in str(list(response.wsgi_request._messages))


def test_it_404s_for_an_unknown_or_draft_course(alice_client, course):
    course.is_published = False
    course.save()

    assert report(alice_client, course).status_code == 404
    missing = alice_client.post(reverse("courses:report_link", args=["nope"]), {"reason": "broken"})
    assert missing.status_code == 404


def test_it_never_redirects_off_site(alice_client, course):
    response = report(alice_client, course, next="https://evil.example/")

    assert response["Location"] == course.get_absolute_url()


# ---------------------------------------------------------------- editors resolve


def test_an_editor_sees_the_reports(charlie_client, alice_client, course):
    report(alice_client, course)

    page = charlie_client.get(reverse("admin:courses_linkreport_changelist")).content.decode()

    assert course.title in page
    assert "alice" not in page  # who reported is the learner's business


def test_an_editor_resolves_reports_in_bulk_and_history_records_it(
    charlie_client, alice_client, course, charlie
):
    report(alice_client, course)
    saved = LinkReport.objects.get()

    response = charlie_client.post(
        reverse("admin:courses_linkreport_changelist"),
        {"action": "resolve_reports", "_selected_action": [saved.pk]},
    )

    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.is_resolved and saved.resolved_at
    assert LogEntry.objects.filter(user=charlie, object_id=str(saved.pk)).exists()


def test_an_editor_cannot_write_a_report(charlie_client, db):
    response = charlie_client.get(reverse("admin:courses_linkreport_add"))

    assert response.status_code == 403


def test_the_course_list_counts_open_reports(charlie_client, alice_client, course):
    report(alice_client, course)

    response = charlie_client.get(reverse("admin:courses_course_changelist"), {"q": course.title})

    row = next(c for c in response.context["cl"].result_list if c.pk == course.pk)
    assert row.open_report_total == 1
