"""Editors curate a step's self-checks inline in the admin; deleting one says how many
learners ticked it (never who), and takes their ticks with it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from progress import services
from progress.models import CheckpointTick
from roadmap.models import Checkpoint, Step


@pytest.fixture
def step(make_roadmap) -> Step:
    return make_roadmap(stages=1, steps=2, checkpoints_per_step=2).steps[0]


def change_url(step: Step) -> str:
    return reverse("admin:roadmap_step_change", args=[step.pk])


def step_form(step: Step, rows: list[dict], *, initial: int) -> dict:
    """The step's change form as the admin posts it, with these checkpoint rows."""
    data = {
        "stage": step.stage_id, "title": step.title, "slug": step.slug,
        "position": step.position, "summary": step.summary, "body": step.body,
        "estimated_hours": step.estimated_hours, "is_published": "on",
        "course_links-TOTAL_FORMS": "0", "course_links-INITIAL_FORMS": "0",
        "checkpoints-TOTAL_FORMS": str(len(rows)), "checkpoints-INITIAL_FORMS": str(initial),
    }  # fmt: skip
    for number, row in enumerate(rows):
        data.update({f"checkpoints-{number}-{name}": value for name, value in row.items()})
    return data


def existing_rows(step: Step, **changes_by_position: dict) -> list[dict]:
    return [
        {"id": c.pk, "step": step.pk, "position": c.position, "text": c.text,
         **changes_by_position.get(f"at{c.position}", {})}
        for c in step.checkpoints.all()
    ]  # fmt: skip


def tick(users, checkpoint: Checkpoint) -> None:
    for user in users:
        services.checkpoint_tick(user=user, checkpoint=checkpoint, ticked=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_the_step_form_shows_each_checkpoint_and_how_many_learners_ticked_it(
    charlie_client, alice, bob, step
):
    first, second = step.checkpoints.all()
    tick([alice, bob], first)

    page = charlie_client.get(change_url(step)).content.decode()

    assert "You can move on when you can…" in page
    assert first.text in page and second.text in page
    assert "2 learners" in page
    assert "0 learners" in page
    assert "alice" not in page and "bob" not in page


def test_an_editor_adds_a_checkpoint_inline_and_it_gets_a_slug(charlie_client, step):
    rows = [*existing_rows(step), {"step": step.pk, "position": 3, "text": "Sort a `list`."}]

    response = charlie_client.post(change_url(step), step_form(step, rows, initial=2))

    assert response.status_code == 302, response.content.decode()[:2000]
    added = step.checkpoints.get(position=3)
    assert added.text == "Sort a `list`."
    assert added.slug == "sort-a-list"


def test_an_editor_rewords_and_moves_a_checkpoint_and_its_ticks_stay(charlie_client, alice, step):
    first = step.checkpoints.get(position=1)
    tick([alice], first)
    rows = existing_rows(step, at1={"text": "Reworded.", "position": 5})

    response = charlie_client.post(change_url(step), step_form(step, rows, initial=2))

    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.text, first.position, first.slug) == ("Reworded.", 5, "thing-1")
    assert list(CheckpointTick.objects.values_list("checkpoint_id", flat=True)) == [first.pk]


def test_deleting_a_ticked_checkpoint_inline_says_how_many_learners_had_ticked_it(
    charlie_client, alice, bob, step
):
    first, second = step.checkpoints.all()
    tick([alice, bob], first)
    tick([alice], second)
    rows = existing_rows(step, at1={"DELETE": "on"})

    response = charlie_client.post(change_url(step), step_form(step, rows, initial=2))

    assert response.status_code == 302
    assert not Checkpoint.objects.filter(pk=first.pk).exists()
    assert list(CheckpointTick.objects.values_list("checkpoint_id", flat=True)) == [second.pk]
    assert (
        f"Deleted the self-check “{first.text}”: 2 learners had ticked it, and their ticks "
        "are deleted too." in messages_of(response)
    )


def test_deleting_an_unticked_checkpoint_inline_needs_no_warning(charlie_client, step):
    rows = existing_rows(step, at2={"DELETE": "on"})

    response = charlie_client.post(change_url(step), step_form(step, rows, initial=2))

    assert response.status_code == 302
    assert step.checkpoints.count() == 1
    assert not any("had ticked" in message for message in messages_of(response))


def test_the_delete_confirmation_says_how_many_learners_ticked_never_who(
    charlie_client, alice, bob, step
):
    first = step.checkpoints.first()
    tick([alice, bob], first)
    url = reverse("admin:roadmap_checkpoint_delete", args=[first.pk])

    page = charlie_client.get(url)

    html = page.content.decode()
    assert page.status_code == 200
    assert "2 learners ticked it: deleting it deletes their ticks." in html
    assert "Learners&#x27; ticks: 2" in html or "Learners' ticks: 2" in html
    assert "alice" not in html and "bob" not in html
    assert "permission" not in html  # editors may delete it: no tick permission is needed

    response = charlie_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not CheckpointTick.objects.exists()


def test_the_delete_action_warns_the_same_way(charlie_client, alice, step):
    first, second = step.checkpoints.all()
    tick([alice], first)

    page = charlie_client.post(
        reverse("admin:roadmap_checkpoint_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk]},
    )

    html = page.content.decode()
    assert "1 learner ticked it: deleting it deletes their ticks." in html
    assert "alice" not in html


def test_a_step_with_ticks_cannot_be_deleted_only_unpublished(charlie_client, alice, step):
    tick([alice], step.checkpoints.first())

    page = charlie_client.get(reverse("admin:roadmap_step_delete", args=[step.pk]))

    assert "Unpublish the step instead" in page.content.decode()
    charlie_client.post(reverse("admin:roadmap_step_delete", args=[step.pk]), {"post": "yes"})
    assert Step.objects.filter(pk=step.pk).exists()
    assert CheckpointTick.objects.exists()


def test_the_checkpoint_list_is_searchable(charlie_client, step):
    page = charlie_client.get(reverse("admin:roadmap_checkpoint_changelist"), {"q": "thing 2"})

    assert page.status_code == 200
    assert "Do *thing* 2." in page.content.decode()


def test_a_checkpoint_is_reworded_in_the_list_but_never_moved_to_another_step(
    charlie_client, alice, step
):
    checkpoint = step.checkpoints.first()
    other = Step.objects.exclude(pk=step.pk).first()
    url = reverse("admin:roadmap_checkpoint_change", args=[checkpoint.pk])

    response = charlie_client.post(
        url, {"step": other.pk, "position": checkpoint.position, "text": "New words."}
    )

    assert response.status_code == 302
    checkpoint.refresh_from_db()
    assert (checkpoint.step_id, checkpoint.text) == (step.pk, "New words.")
    add = charlie_client.get(reverse("admin:roadmap_checkpoint_add"))
    assert add.status_code == 403
