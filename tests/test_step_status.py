"""POST /stages/<stage>/<step>/status/ (roadmap:set_status)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from progress.models import StepProgress
from roadmap.models import Step
from tests.support import PASSWORD

Status = StepProgress.Status


@pytest.fixture
def step(roadmap) -> Step:
    return roadmap.steps[0]


def status_url(step: Step) -> str:
    return reverse("progress:set_status", args=[step.stage.slug, step.slug])


def statuses(user) -> list[tuple[int, str]]:
    return list(StepProgress.objects.filter(user=user).values_list("step_id", "status"))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_marks_done(alice_client, alice, step):
    response = alice_client.post(status_url(step), {"status": "done"}, follow=True)

    assert statuses(alice) == [(step.pk, Status.DONE)]
    assert response.redirect_chain == [(step.get_absolute_url(), 302)]
    assert response.status_code == 200
    assert f"“{step.title}” is now done." in messages_of(response)
    assert "is now done." in response.content.decode()


def test_it_marks_in_progress(alice_client, alice, step):
    response = alice_client.post(status_url(step), {"status": "in_progress"})

    assert response.status_code == 302
    assert response["Location"] == step.get_absolute_url()
    assert statuses(alice) == [(step.pk, Status.IN_PROGRESS)]
    assert f"“{step.title}” is now in progress." in messages_of(response)


def test_it_marks_skipped(alice_client, alice, step):
    response = alice_client.post(status_url(step), {"status": "skipped"})

    assert response.status_code == 302
    assert statuses(alice) == [(step.pk, Status.SKIPPED)]
    assert f"“{step.title}” is now skipped." in messages_of(response)


def test_it_resets(alice_client, alice, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.DONE)

    response = alice_client.post(status_url(step), {"status": "reset"})

    assert response.status_code == 302
    assert statuses(alice) == []
    assert f"“{step.title}” is now not started." in messages_of(response)


def test_it_changes_a_status(alice_client, alice, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.IN_PROGRESS)

    alice_client.post(status_url(step), {"status": "done"})

    assert statuses(alice) == [(step.pk, Status.DONE)]


def test_it_leaves_other_learners_alone(alice_client, alice, bob, step):
    StepProgress.objects.create(user=bob, step=step, status=Status.SKIPPED)

    alice_client.post(status_url(step), {"status": "done"})
    alice_client.post(status_url(step), {"status": "reset"})

    assert statuses(alice) == []
    assert statuses(bob) == [(step.pk, Status.SKIPPED)]


def test_it_shows_the_new_status_on_the_step_page(alice_client, step):
    response = alice_client.post(status_url(step), {"status": "skipped"}, follow=True)

    page = response.content.decode()
    assert 'value="skipped" class="button button-status" aria-pressed="true"' in page
    assert 'value="done" class="button button-status" aria-pressed="false"' in page


def test_it_needs_sign_in(client, step):
    response = client.post(status_url(step), {"status": "done"})

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query) == {"next": [step.get_absolute_url()]}
    assert not StepProgress.objects.exists()


def test_it_sends_a_visitor_back_to_the_step_after_sign_in(client, alice, step):
    response = client.post(status_url(step), {"status": "done"})
    login = client.get(response["Location"])
    assert login.status_code == 200

    signed_in = client.post(
        response["Location"],
        {"login": alice.email, "password": PASSWORD},
    )

    assert signed_in.status_code == 302
    assert signed_in["Location"] == step.get_absolute_url()


@pytest.mark.parametrize("status", ["finished", "DONE", "", "<script>alert(1)</script>"])
def test_it_rejects_unknown_status(alice_client, alice, step, status):
    response = alice_client.post(status_url(step), {"status": status}, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(step.get_absolute_url(), 302)]
    assert statuses(alice) == []
    [message] = messages_of(response)
    assert "not a status" in message or "required" in message
    assert escape(message) in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_it_explains_an_unknown_status(alice_client, alice, step):
    response = alice_client.post(status_url(step), {"status": "finished"})

    assert messages_of(response) == ["“finished” is not a status. Choose one of the buttons."]


def test_it_rejects_a_missing_status(alice_client, alice, step):
    response = alice_client.post(status_url(step), {})

    assert response.status_code == 302
    assert statuses(alice) == []
    assert len(messages_of(response)) == 1


def test_it_keeps_the_old_status_after_an_unknown_one(alice_client, alice, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.DONE)

    alice_client.post(status_url(step), {"status": "finished"})

    assert statuses(alice) == [(step.pk, Status.DONE)]


def test_it_requires_csrf(alice, step):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)

    response = client.post(status_url(step), {"status": "done"})

    assert response.status_code == 403
    assert "403_csrf.html" in [template.name for template in response.templates]
    assert statuses(alice) == []


def test_it_accepts_a_valid_csrf_token(alice, step):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    client.get(step.get_absolute_url())
    token = client.cookies["csrftoken"].value

    response = client.post(status_url(step), {"status": "done", "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert statuses(alice) == [(step.pk, Status.DONE)]


def test_repeated_post_keeps_one_row(alice_client, alice, step):
    for _ in range(3):
        alice_client.post(status_url(step), {"status": "done"})

    assert statuses(alice) == [(step.pk, Status.DONE)]


# ---------------------------------------------------------------- JSON, for the page script


def test_it_answers_json_when_asked(alice_client, alice, roadmap):
    step = roadmap.steps[0]  # 2 stages x 3 steps, the third of each optional

    response = alice_client.post(
        status_url(step), {"status": "done"}, headers={"accept": "application/json"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "step": step.pk,
        "status": "done",
        "icon": "✓",
        "label": "Done",
        "overall": {"percent": 25, "settled": 1, "total": 4},
        "stage": {"slug": step.stage.slug, "percent": 50, "settled": 1, "total": 2},
    }
    assert statuses(alice) == [(step.pk, Status.DONE)]


def test_it_answers_json_after_a_reset(alice_client, alice, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.SKIPPED)

    response = alice_client.post(
        status_url(step), {"status": "reset"}, headers={"accept": "application/json"}
    )

    data = response.json()
    assert set(data) == {"step", "status", "icon", "label", "overall", "stage"}
    assert (data["status"], data["icon"], data["label"]) == ("", "○", "Not started")
    assert data["overall"]["settled"] == 0
    assert data["stage"]["settled"] == 0


def test_it_counts_skipped_steps_in_the_json(alice_client, alice, roadmap):
    first, second = roadmap.steps_of(roadmap.stages[0])[:2]
    StepProgress.objects.create(user=alice, step=first, status=Status.DONE)

    response = alice_client.post(
        status_url(second), {"status": "skipped"}, headers={"accept": "application/json"}
    )

    assert response.json()["stage"] == {
        "slug": second.stage.slug,
        "percent": 100,
        "settled": 2,
        "total": 2,
    }


def test_it_answers_json_errors_with_400(alice_client, alice, step):
    response = alice_client.post(
        status_url(step), {"status": "finished"}, headers={"accept": "application/json"}
    )

    assert response.status_code == 400
    assert "not a status" in response.json()["error"]
    assert statuses(alice) == []


# ---------------------------------------------------------------- where it sends you next


@pytest.mark.parametrize("next_url", ["/", "/progress/", "/courses/?stage=x"])
def test_it_honours_a_same_site_next_at_the_step(alice_client, step, next_url):
    response = alice_client.post(status_url(step), {"status": "done", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == f"{next_url}#step-{step.pk}"


def test_it_keeps_the_place_a_next_names(alice_client, step):
    response = alice_client.post(status_url(step), {"status": "done", "next": "/stages/a/#top"})

    assert response["Location"] == "/stages/a/#top"


def test_it_returns_to_the_step_page_itself_as_it_was(alice_client, step):
    next_url = step.get_absolute_url()
    response = alice_client.post(status_url(step), {"status": "done", "next": next_url})

    assert response["Location"] == next_url


@pytest.mark.parametrize(
    "next_url",
    [
        "https://evil.example/",
        "http://evil.example/stages/",
        "//evil.example/",
        "///evil.example/",
        "/\\evil.example/",
        "\\\\evil.example/",
        "https:evil.example",
        "javascript:alert(1)",
        " https://evil.example/",
    ],
)
def test_it_ignores_an_external_next(alice_client, alice, step, next_url):
    response = alice_client.post(status_url(step), {"status": "done", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == step.get_absolute_url()
    assert statuses(alice) == [(step.pk, Status.DONE)]


def test_it_ignores_an_external_next_after_an_error(alice_client, step):
    response = alice_client.post(
        status_url(step), {"status": "finished", "next": "https://evil.example/"}
    )

    assert response["Location"] == step.get_absolute_url()


# ---------------------------------------------------------------- what is not there


def test_it_404s_for_an_unpublished_step(alice_client, alice, step):
    Step.objects.filter(pk=step.pk).update(is_published=False)

    response = alice_client.post(status_url(step), {"status": "done"})

    assert response.status_code == 404
    assert statuses(alice) == []


def test_it_404s_for_an_unpublished_step_before_asking_a_visitor_to_sign_in(client, step):
    Step.objects.filter(pk=step.pk).update(is_published=False)

    assert client.post(status_url(step), {"status": "done"}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/stages/no-such-stage/step-1/status/",
        "/stages/{stage}/no-such-step/status/",
        "/stages/{other}/{step}-x/status/",
    ],
)
def test_it_404s_for_unknown_slugs(alice_client, alice, roadmap, path):
    first, other = roadmap.stages
    url = path.format(stage=first.slug, other=other.slug, step=roadmap.steps[0].slug)

    response = alice_client.post(url, {"status": "done"})

    assert response.status_code == 404
    assert statuses(alice) == []


def test_it_404s_for_a_step_in_another_stage(alice_client, alice, make_roadmap):
    roadmap = make_roadmap(stages=2, steps=1)
    first, second = roadmap.stages
    only_in_first = Step.objects.create(stage=first, title="Only here", slug="only-here")

    response = alice_client.post(
        reverse("progress:set_status", args=[second.slug, only_in_first.slug]), {"status": "done"}
    )

    assert response.status_code == 404
    assert statuses(alice) == []
