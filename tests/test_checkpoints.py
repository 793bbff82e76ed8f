"""Self-checks: a step's checkpoints, ticked by learners and guests
(POST /stages/<stage>/<step>/checkpoints/<id>/, progress:tick_checkpoint)."""

import datetime as dt
import json

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from progress import services
from progress.guest import GUEST_TICKS_KEY
from progress.models import CheckpointTick, StepProgress
from roadmap.models import Checkpoint, Step
from tests.support import PASSWORD

JSON = {"accept": "application/json"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def step(make_roadmap) -> Step:
    return make_roadmap(stages=1, steps=3, checkpoints_per_step=4).steps[0]


@pytest.fixture
def other_step(step) -> Step:
    return step.stage.steps.exclude(pk=step.pk).first()


def tick_url(checkpoint: Checkpoint, step: Step | None = None) -> str:
    step = step or checkpoint.step
    return reverse("progress:tick_checkpoint", args=[step.stage.slug, step.slug, checkpoint.pk])


def ticks_of(user) -> list[int]:
    return sorted(CheckpointTick.objects.filter(user=user).values_list("checkpoint_id", flat=True))


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def checklist_of(page: str) -> str:
    """The step page's self-check section."""
    return page[page.index('id="checkpoints"') : page.index("Curated resources")]


def tick_all(client: Client, step: Step) -> None:
    for checkpoint in step.checkpoints.all():
        client.post(tick_url(checkpoint), {"ticked": "1"}, headers=JSON)


@pytest.fixture
def guest(client) -> Client:
    client.post("/guest/", {"next": "/"})
    return client


# ---------------------------------------------------------------- ticking


def test_it_ticks_a_checkpoint_with_javascript(alice_client, alice, step):
    checkpoint = step.checkpoints.first()

    response = alice_client.post(tick_url(checkpoint), {"ticked": "1"}, headers=JSON)

    assert response.status_code == 200
    assert response.json() == {
        "checkpoint": checkpoint.pk, "ticked": True, "step": step.pk,
        "count": 1, "total": 4, "offers_done": False,
    }  # fmt: skip
    assert ticks_of(alice) == [checkpoint.pk]


def test_it_ticks_a_checkpoint_without_javascript(alice_client, alice, step):
    checkpoint = step.checkpoints.first()

    response = alice_client.post(tick_url(checkpoint), {"ticked": "1"}, follow=True)

    assert response.redirect_chain == [(f"{step.get_absolute_url()}#checkpoints", 302)]
    assert ticks_of(alice) == [checkpoint.pk]
    assert "Ticked: 1 of 4 self-checks." in messages_of(response)
    section = checklist_of(response.content.decode())
    assert section.count('aria-pressed="true"') == 1
    assert "<strong>1 of 4</strong> ticked" in section


def test_it_unticks(alice_client, alice, step):
    checkpoint = step.checkpoints.first()
    alice_client.post(tick_url(checkpoint), {"ticked": "1"})

    response = alice_client.post(tick_url(checkpoint), {"ticked": "0"}, headers=JSON)

    assert response.json()["ticked"] is False
    assert response.json()["count"] == 0
    assert ticks_of(alice) == []


def test_a_double_tick_is_a_no_op(alice_client, alice, step):
    checkpoint = step.checkpoints.first()
    alice_client.post(tick_url(checkpoint), {"ticked": "1"})
    first = CheckpointTick.objects.get(user=alice)

    response = alice_client.post(tick_url(checkpoint), {"ticked": "1"}, headers=JSON)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert list(CheckpointTick.objects.filter(user=alice)) == [first]
    untick_twice = alice_client.post(tick_url(checkpoint), {"ticked": "0"}, headers=JSON)
    alice_client.post(tick_url(checkpoint), {"ticked": "0"}, headers=JSON)
    assert untick_twice.status_code == 200
    assert ticks_of(alice) == []


def test_the_database_keeps_one_tick_per_learner_and_checkpoint(alice, step):
    from django.db import IntegrityError, transaction

    checkpoint = step.checkpoints.first()
    CheckpointTick.objects.create(user=alice, checkpoint=checkpoint)

    with pytest.raises(IntegrityError), transaction.atomic():
        CheckpointTick.objects.create(user=alice, checkpoint=checkpoint)


def test_ticking_every_checkpoint_offers_mark_done_and_never_marks_it(alice_client, alice, step):
    tick_all(alice_client, step)

    assert ticks_of(alice) == sorted(step.checkpoints.values_list("pk", flat=True))
    assert not StepProgress.objects.filter(user=alice).exists()
    page = alice_client.get(step.get_absolute_url())
    assert page.context["self_check"].offers_done
    html = page.content.decode()
    assert "<strong>4 of 4</strong> ticked" in html
    assert '<p class="done-offer" data-done-offer>' in html  # shown: no hidden attribute


def test_the_last_tick_says_to_offer_mark_done(alice_client, step):
    *first, last = step.checkpoints.all()
    for checkpoint in first:
        alice_client.post(tick_url(checkpoint), {"ticked": "1"})

    response = alice_client.post(tick_url(last), {"ticked": "1"}, headers=JSON)

    assert response.json()["offers_done"] is True
    assert response.json()["count"] == response.json()["total"] == 4


def test_mark_done_is_not_offered_on_a_done_step(alice_client, alice, step):
    services.progress_set(user=alice, step=step, status=StepProgress.Status.DONE)
    *first, last = step.checkpoints.all()
    for checkpoint in first:
        alice_client.post(tick_url(checkpoint), {"ticked": "1"})

    response = alice_client.post(tick_url(last), {"ticked": "1"}, headers=JSON)

    assert response.json()["offers_done"] is False
    page = alice_client.get(step.get_absolute_url())
    assert not page.context["self_check"].offers_done
    assert "data-done-offer hidden" in page.content.decode()


def test_mark_done_posts_to_the_status_address_from_the_checklist_form(alice_client, alice, step):
    tick_all(alice_client, step)
    page = alice_client.get(step.get_absolute_url()).content.decode()
    form = page[page.index("<form", page.index('id="checkpoints"')) :]
    assert f'action="{step.get_absolute_url()}status/"' in form.split(">")[0]

    response = alice_client.post(
        f"{step.get_absolute_url()}status/",
        {"status": "done", "next": f"{step.get_absolute_url()}#checkpoints"},
    )

    assert response["Location"] == f"{step.get_absolute_url()}#checkpoints"
    assert StepProgress.objects.get(user=alice, step=step).status == "done"


# ---------------------------------------------------------------- refusals


def test_it_refuses_get(alice_client, step):
    response = alice_client.get(tick_url(step.checkpoints.first()))

    assert response.status_code == 405


def test_it_sends_a_visitor_to_sign_in_and_saves_nothing(client, step):
    response = client.post(tick_url(step.checkpoints.first()), {"ticked": "1"})

    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={step.get_absolute_url()}"
    assert not CheckpointTick.objects.exists()


def test_an_unknown_checkpoint_is_a_404(alice_client, step):
    missing = Checkpoint.objects.order_by("-pk").first().pk + 1
    url = reverse("progress:tick_checkpoint", args=[step.stage.slug, step.slug, missing])

    assert alice_client.post(url, {"ticked": "1"}).status_code == 404


def test_another_steps_checkpoint_is_a_404(alice_client, step, other_step):
    theirs = other_step.checkpoints.first()

    response = alice_client.post(tick_url(theirs, step=step), {"ticked": "1"})

    assert response.status_code == 404
    assert not CheckpointTick.objects.exists()


def test_a_checkpoint_of_an_unpublished_step_is_a_404(alice_client, step):
    Step.objects.filter(pk=step.pk).update(is_published=False)

    response = alice_client.post(tick_url(step.checkpoints.first()), {"ticked": "1"})

    assert response.status_code == 404
    assert not CheckpointTick.objects.exists()


def test_an_unknown_step_or_stage_is_a_404(alice_client, step):
    checkpoint = step.checkpoints.first()
    for args in [(step.stage.slug, "nope", checkpoint.pk), ("nope", step.slug, checkpoint.pk)]:
        url = reverse("progress:tick_checkpoint", args=args)
        assert alice_client.post(url, {"ticked": "1"}).status_code == 404


@pytest.mark.parametrize("data", [{}, {"ticked": "yes"}, {"ticked": "2"}])
def test_a_bad_tick_gets_a_clear_answer_and_changes_nothing(alice_client, step, data):
    checkpoint = step.checkpoints.first()

    as_json = alice_client.post(tick_url(checkpoint), data, headers=JSON)
    plain = alice_client.post(tick_url(checkpoint), data)

    assert as_json.status_code == 400
    assert "self-check" in as_json.json()["error"]
    assert plain.status_code == 302
    assert plain["Location"] == f"{step.get_absolute_url()}#checkpoints"
    assert any("self-check" in message for message in messages_of(plain))
    assert not CheckpointTick.objects.exists()


# ---------------------------------------------------------------- the step page


def test_the_step_page_lists_the_checkpoints_in_order_after_the_body(alice_client, step):
    Checkpoint.objects.filter(step=step, position=1).update(position=9)

    page = alice_client.get(step.get_absolute_url()).content.decode()

    texts = [page.index(f"Do <em>thing</em> {n}.") for n in (2, 3, 4, 1)]
    assert texts == sorted(texts)
    assert page.index("You can move on when you can…") > page.index("Read <strong>this</strong>")
    assert page.index("You can move on when you can…") < page.index("Curated resources")


def test_a_learner_gets_one_form_whose_boxes_name_their_checkpoints(alice_client, step):
    page = alice_client.get(step.get_absolute_url()).content.decode()

    section = checklist_of(page)
    assert section.count("<form") == 1
    assert section.count("csrfmiddlewaretoken") == 1
    for checkpoint in step.checkpoints.all():
        assert f'formaction="{tick_url(checkpoint)}"' in section
    assert section.count('aria-pressed="false"') == 4
    assert section.count('name="ticked" value="1"') == 4


def test_a_visitor_sees_the_checklist_with_a_link_and_no_form(client, step):
    page = client.get(step.get_absolute_url()).content.decode()

    section = checklist_of(page)
    assert "Do <em>thing</em> 1." in section
    assert "<form" not in section
    assert "csrfmiddlewaretoken" not in page
    assert f'href="/accounts/login/?next={step.get_absolute_url()}"' in section


def test_an_editor_previewing_a_draft_sees_the_checklist_without_boxes(charlie_client, step):
    Step.objects.filter(pk=step.pk).update(is_published=False)

    page = charlie_client.get(step.get_absolute_url()).content.decode()

    section = checklist_of(page)
    assert "Do <em>thing</em> 1." in section
    assert "<form" not in section
    assert "once the step is published" in section


def test_a_step_without_checkpoints_has_no_checklist(alice_client, make_roadmap):
    step = make_roadmap(stages=1, steps=1).steps[0]

    page = alice_client.get(step.get_absolute_url()).content.decode()

    assert 'id="checkpoints"' not in page
    assert "checkpoints.js" not in page


def test_checkpoint_markdown_is_inline_and_sanitised(alice_client, step):
    Checkpoint.objects.filter(step=step, position=1).update(
        text="Use `sorted()` <script>alert(1)</script> [safely](javascript:alert(2))"
    )

    page = alice_client.get(step.get_absolute_url()).content.decode()

    assert "Use <code>sorted()</code>" in page
    assert "<script>alert" not in page
    assert "javascript:" not in page


def test_the_stage_page_shows_each_steps_ticks_to_its_learner(alice_client, step, other_step):
    tick_all(alice_client, step)
    alice_client.post(tick_url(other_step.checkpoints.first()), {"ticked": "1"})

    page = alice_client.get(step.stage.get_absolute_url())

    counts = {s.pk: (s.self_check.ticked, s.self_check.total) for s in page.context["steps"]}
    assert counts[step.pk] == (4, 4) and counts[other_step.pk] == (1, 4)
    html = page.content.decode()
    assert f'href="{step.get_absolute_url()}#checkpoints"><strong>4 of 4</strong>' in html


def test_the_stage_page_shows_a_guests_ticks_and_a_visitor_none(guest, client, step):
    guest.post(tick_url(step.checkpoints.first()), {"ticked": "1"})

    mine = guest.get(step.stage.get_absolute_url())
    visitor = Client().get(step.stage.get_absolute_url()).content.decode()

    assert "<strong>1 of 4</strong> self-checks" in mine.content.decode()
    assert "self-checks" not in visitor


def test_a_printed_stage_keeps_each_steps_self_checks(client, step):
    page = client.get(step.stage.get_absolute_url()).content.decode()

    printed = page[page.index(f'id="step-{step.pk}"') :]
    assert '<div class="prose print-only step-body"><p><strong>You can move on' in printed
    assert "<li>Do <em>thing</em> 1.</li>" in printed


# ---------------------------------------------------------------- privacy


def test_ticks_are_never_shown_to_another_learner(alice_client, bob, step):
    tick_all(alice_client, step)
    bob_client = Client()
    bob_client.force_login(bob)

    page = bob_client.get(step.get_absolute_url())

    assert page.context["self_check"].ticked == 0
    assert 'aria-pressed="true"' not in checklist_of(page.content.decode())


def test_the_public_progress_page_shows_no_ticks(alice_client, alice, step, client):
    tick_all(alice_client, step)
    alice_client.post(
        "/accounts/settings/", {"username": "alice", "is_public": "on", "time_zone": "UTC"}
    )

    page = client.get("/u/alice/").content.decode()

    assert "self-check" not in page
    assert "4 of 4" not in page


def test_a_groups_mentors_see_no_ticks(step, group, bob, mia):
    """Bob, a member of the Django club, ticks a whole step; Mia, its mentor, sees his
    status on it but nothing of his ticks: not on the group page, his page or the CSV."""
    bob_client = Client()
    bob_client.force_login(bob)
    tick_all(bob_client, step)
    services.progress_set(user=bob, step=step, status=StepProgress.Status.IN_PROGRESS)
    mentor = Client()
    mentor.force_login(mia)

    pages = [
        mentor.get(f"/groups/{group.slug}/"),
        mentor.get(f"/groups/{group.slug}/members/{bob.pk}/"),
        mentor.get(f"/groups/{group.slug}/progress.csv"),
    ]

    assert [page.status_code for page in pages] == [200, 200, 200]
    assert "In progress" in pages[1].content.decode()  # what mentors may see is there
    for page in pages:
        text = page.content.decode().lower()
        assert "self-check" not in text
        assert "4 of 4" not in text
        assert all(c.text.lower() not in text for c in step.checkpoints.all())


# ---------------------------------------------------------------- guests


def test_a_guest_ticks_in_the_session_without_a_row(guest, step):
    checkpoint = step.checkpoints.first()

    response = guest.post(tick_url(checkpoint), {"ticked": "1"}, headers=JSON)

    assert response.json()["count"] == 1
    assert list(guest.session[GUEST_TICKS_KEY]) == [str(checkpoint.pk)]
    assert not CheckpointTick.objects.exists()
    page = guest.get(step.get_absolute_url())
    assert page.context["self_check"].ticked == 1
    assert "(kept in this browser)" in page.content.decode()


def test_a_guest_unticks_and_gets_mark_done_offered(guest, step):
    tick_all(guest, step)
    assert guest.get(step.get_absolute_url()).context["self_check"].offers_done
    checkpoint = step.checkpoints.first()

    response = guest.post(tick_url(checkpoint), {"ticked": "0"}, headers=JSON)

    assert response.json() == {
        "checkpoint": checkpoint.pk, "ticked": False, "step": step.pk,
        "count": 3, "total": 4, "offers_done": False,
    }  # fmt: skip


def test_a_guests_ticks_merge_on_sign_in(guest, alice, step):
    first, second, third, _ = step.checkpoints.all()
    services.checkpoint_tick(user=alice, checkpoint=first, ticked=True)
    before = CheckpointTick.objects.get(user=alice).created_at
    for checkpoint in (first, second, third):
        guest.post(tick_url(checkpoint), {"ticked": "1"})
    third.delete()  # an editor deletes a checkpoint the guest had ticked

    response = guest.post("/accounts/login/", {"login": "alice@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert ticks_of(alice) == sorted([first.pk, second.pk])
    assert CheckpointTick.objects.get(user=alice, checkpoint=first).created_at == before
    assert GUEST_TICKS_KEY not in guest.session


def test_the_merge_keeps_when_the_guest_ticked(alice, step):
    checkpoint = step.checkpoints.first()
    when = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)

    added = services.ticks_merge(user=alice, guest={checkpoint.pk: when, 999_999: when})

    assert added == 1
    assert CheckpointTick.objects.get(user=alice).created_at == when


def test_bad_guest_ticks_in_the_session_are_skipped(guest, step):
    checkpoint = step.checkpoints.first()
    session = guest.session
    session[GUEST_TICKS_KEY] = {
        str(checkpoint.pk): "2026-11-02T08:00:00+00:00", "x": "2026-11-02T08:00:00+00:00",
        "5": "yesterday", "6": None, "7": "2026-11-02T08:00:00",
    }  # fmt: skip
    session.save()

    page = guest.get(step.get_absolute_url())

    assert page.status_code == 200
    assert page.context["self_check"].ticked == 1


# ---------------------------------------------------------------- dashboard, export, reset


def test_the_dashboard_shows_ticks_per_stage(alice_client, make_roadmap):
    roadmap = make_roadmap(stages=2, steps=2, checkpoints_per_step=3)
    first_stage_steps = roadmap.steps_of(roadmap.stages[0])
    tick_all(alice_client, first_stage_steps[0])
    alice_client.post(tick_url(first_stage_steps[1].checkpoints.first()), {"ticked": "1"})

    page = alice_client.get("/progress/").content.decode()

    assert "<strong>4 of 6</strong> self-checks ticked" in page
    assert "<strong>0 of 6</strong> self-checks ticked" in page


def test_the_data_export_includes_ticks(alice_client, step):
    checkpoint = step.checkpoints.first()
    alice_client.post(tick_url(checkpoint), {"ticked": "1"})

    data = json.loads(alice_client.get("/accounts/settings/data.json").content)

    assert [{k: v for k, v in row.items() if k != "ticked_at"} for row in data["self_checks"]] == [
        {"stage": step.stage.slug, "step": step.slug, "checkpoint": checkpoint.text}
    ]
    assert dt.datetime.fromisoformat(data["self_checks"][0]["ticked_at"])


def test_resetting_a_stage_clears_its_ticks_behind_the_confirmation(alice_client, alice, step):
    tick_all(alice_client, step)
    url = f"/progress/reset/?stage={step.stage.slug}"

    confirm = alice_client.get(url).content.decode()
    assert ticks_of(alice)  # asking changes nothing
    assert "4 self-check ticks" in confirm
    response = alice_client.post("/progress/reset/", {"stage": step.stage.slug}, follow=True)

    assert ticks_of(alice) == []
    assert f"Reset 0 steps and 4 self-checks in “{step.stage.title}”." in messages_of(response)


def test_resetting_a_step_clears_its_status_and_ticks_only(alice_client, alice, step, other_step):
    tick_all(alice_client, step)
    tick_all(alice_client, other_step)
    services.progress_set(user=alice, step=step, status="in_progress")
    link = f"/progress/reset/?stage={step.stage.slug}&amp;step={step.slug}"
    assert link in alice_client.get(step.get_absolute_url()).content.decode()

    confirm = alice_client.get(f"/progress/reset/?stage={step.stage.slug}&step={step.slug}")
    assert "your status on this step and 4 self-check ticks" in confirm.content.decode()
    alice_client.post("/progress/reset/", {"stage": step.stage.slug, "step": step.slug})

    assert ticks_of(alice) == sorted(other_step.checkpoints.values_list("pk", flat=True))
    assert not StepProgress.objects.filter(user=alice).exists()


def test_resetting_an_unknown_step_or_a_step_without_its_stage_is_a_404(alice_client, step):
    for query in (f"stage={step.stage.slug}&step=nope", f"step={step.slug}"):
        assert alice_client.get(f"/progress/reset/?{query}").status_code == 404
        assert alice_client.post(f"/progress/reset/?{query}").status_code == 404


def test_deleting_the_account_deletes_its_ticks(alice_client, alice, step):
    tick_all(alice_client, step)

    alice_client.post("/accounts/settings/delete/", {"confirm": "on"})

    assert not CheckpointTick.objects.exists()


# ---------------------------------------------------------------- content edits


def test_rewording_or_moving_a_checkpoint_keeps_its_ticks(alice_client, alice, step):
    checkpoint = step.checkpoints.first()
    alice_client.post(tick_url(checkpoint), {"ticked": "1"})

    checkpoint.text, checkpoint.position = "Do a reworded thing.", 99
    checkpoint.save()

    assert ticks_of(alice) == [checkpoint.pk]
    page = alice_client.get(step.get_absolute_url()).content.decode()
    assert page.index("Do <em>thing</em> 4.") < page.index("Do a reworded thing.")


def test_deleting_a_checkpoint_deletes_its_ticks(alice_client, alice, step):
    first, second, *_ = step.checkpoints.all()
    tick_all(alice_client, step)

    first.delete()

    assert first.pk not in ticks_of(alice)
    assert second.pk in ticks_of(alice)


def test_a_new_checkpoint_gets_a_slug_from_its_text_unique_in_its_step(step, other_step):
    first = Checkpoint.objects.create(step=step, text="Sort a `list` of *dicts*.")
    second = Checkpoint.objects.create(step=step, text="Sort a list of dicts!")
    elsewhere = Checkpoint.objects.create(step=other_step, text="Sort a list of dicts")
    long = Checkpoint.objects.create(step=step, text="Explain " + "everything " * 20)

    assert (first.slug, second.slug, elsewhere.slug) == (
        "sort-a-list-of-dicts",
        "sort-a-list-of-dicts-2",
        "sort-a-list-of-dicts",
    )
    assert len(long.slug) <= Checkpoint.SLUG_LENGTH and not long.slug.endswith("-")
    first.text = "Reworded."
    first.save()
    assert first.slug == "sort-a-list-of-dicts"  # made once: the natural key never moves


def test_seed_force_after_an_editor_reworded_and_moved_a_checkpoint_keeps_its_ticks(seeded, alice):
    from django.core.management import call_command

    step = Step.objects.get(slug="data-structures")
    checkpoint = step.checkpoints.get(position=1)
    services.checkpoint_tick(user=alice, checkpoint=checkpoint, ticked=True)
    seeded_text = checkpoint.text
    checkpoint.text, checkpoint.position = "An editor's new words.", 7
    checkpoint.save()
    count = Checkpoint.objects.count()

    call_command("seed", force=True, verbosity=0)

    checkpoint.refresh_from_db()
    assert (checkpoint.text, checkpoint.position) == (seeded_text, 1)
    assert Checkpoint.objects.count() == count
    assert ticks_of(alice) == [checkpoint.pk]
