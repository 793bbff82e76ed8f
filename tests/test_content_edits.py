"""Learners' progress survives editors' content changes."""

import pytest
from django.db.models import ProtectedError

from progress import selectors, services
from progress.models import StepProgress
from roadmap.models import Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(alice, roadmap):
    step = roadmap.steps[0]
    services.progress_set(user=alice, step=step, status="done")
    return step


def test_renaming_and_reslugging_keep_progress(alice_client, done):
    done.title, done.slug = "A new name", "a-new-slug"
    done.save()

    page = alice_client.get(done.get_absolute_url())

    assert page.context["status"] == "done"


def test_moving_and_reordering_keep_progress(alice, done, roadmap):
    done.stage, done.slug, done.position = roadmap.stages[1], "moved-here", 99
    done.save()

    assert selectors.statuses_for(alice) == {done.pk: "done"}


def test_a_step_with_progress_cannot_be_deleted(done):
    with pytest.raises(ProtectedError):
        done.delete()
    assert StepProgress.objects.filter(step=done).exists()


def test_unpublishing_hides_the_step_and_keeps_progress(alice_client, alice, done):
    done.is_published = False
    done.save()

    assert alice_client.get(done.get_absolute_url()).status_code == 404
    overall = alice_client.get("/progress/").context["overall"]
    assert overall.done == 0
    assert StepProgress.objects.filter(user=alice, step=done).exists()

    done.is_published = True
    done.save()
    assert alice_client.get("/progress/").context["overall"].done == 1


def test_the_admin_refuses_to_delete_a_step_with_progress(charlie_client, done):
    url = f"/admin/roadmap/step/{done.pk}/delete/"

    page = charlie_client.get(url)
    charlie_client.post(url, {"post": "yes"})

    assert page.status_code == 200
    assert "unpublish" in page.content.decode().lower()
    assert "alice" not in page.content.decode()
    assert StepProgress.objects.filter(step=done).exists()


def test_deleting_a_stage_with_steps_is_refused(roadmap):
    with pytest.raises(ProtectedError):
        Stage.objects.get(pk=roadmap.stages[0].pk).delete()
