"""Visitors' pages from the cache: who gets them, what makes an entry, what retires it.

The roadmap, stage, step and catalogue pages are the same for every visitor, so
they are kept in the cache (roadmap_site/page_cache.py). Learners, guests, editors
and anyone with a message waiting get their own page, rendered. Content saves
and deletes retire every kept page when their transaction commits.
"""

from unittest import mock

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from courses.models import Course, StepCourse
from roadmap.models import Checkpoint, Stage, Step
from roadmap_site.page_cache import HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(roadmap) -> list[str]:
    stage, step = roadmap.stages[0], roadmap.steps[0]
    return ["/", stage.get_absolute_url(), step.get_absolute_url(), "/courses/"]


def visit(url: str, **extra) -> str:
    """A new visitor's GET: what the X-Page-Cache header says ("hit", "miss" or "")."""
    response = Client().get(url, **extra)
    assert response.status_code == 200, url
    return response.get(HEADER, "")


def test_a_visitors_second_visit_comes_from_the_cache(pages):
    for url in pages:
        assert visit(url) == "miss"
        assert visit(url) == "hit"


def test_a_kept_page_is_the_page_itself(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    first = Client().get(url)
    second = Client().get(url)

    assert second.content == first.content
    assert roadmap.steps[0].title in second.content.decode()
    assert second["Content-Type"] == "text/html; charset=utf-8"


def test_visitors_pages_carry_no_token_and_set_no_cookie(pages):
    for url in pages:
        for _ in range(2):  # rendered, then kept
            response = Client().get(url)
            assert "csrfmiddlewaretoken" not in response.content.decode(), url
            assert not response.cookies, url


@pytest.mark.parametrize(
    "extra",
    [
        {"QUERY_STRING": "utm_source=junk"},
        {"HTTP_HOST": "localhost:1234"},
        {"HTTP_COOKIE": "junk=1; another=2"},
        {"HTTP_COOKIE": "theme=neon"},
    ],
    ids=["unused query string", "host and port", "unknown cookies", "unknown theme"],
)
def test_what_a_page_does_not_read_makes_no_new_entry(roadmap, extra):
    url = roadmap.steps[0].get_absolute_url()
    assert visit(url) == "miss"

    assert visit(url, **extra) == "hit"


def test_each_theme_has_its_own_page(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    assert visit(url, HTTP_COOKIE="theme=dark") == "miss"
    assert visit(url, HTTP_COOKIE="theme=dark") == "hit"
    assert 'data-theme="dark"' in Client(HTTP_COOKIE="theme=dark").get(url).content.decode()
    assert 'data-theme="dark"' not in Client().get(url).content.decode()


def test_the_catalogue_keeps_a_page_per_filter_it_knows(roadmap):
    assert visit("/courses/?format=book") == "miss"
    assert visit("/courses/?format=book&junk=1") == "hit"
    assert visit("/courses/?format=video") == "miss"


@pytest.mark.parametrize("query", ["format=podcast", "page=999", "stage=<b>x</b>"])
def test_the_catalogue_never_keeps_a_page_for_parameters_it_does_not_know(roadmap, query):
    assert visit(f"/courses/?{query}") == ""
    assert visit(f"/courses/?{query}") == ""


def test_the_pager_links_carry_only_the_filters(make_roadmap):
    make_roadmap(stages=2, steps=30)  # more than one page of courses
    page = Client().get("/courses/?format=course&utm_source=junk").content.decode()

    assert "format=course" in page and "utm_source" not in page


def test_a_learner_gets_their_own_page_rendered(alice_client, roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    response = alice_client.get(url)
    assert HEADER not in response
    assert "Sign out" in response.content.decode()
    assert "Sign out" not in Client().get(url).content.decode()


def test_a_guest_gets_their_own_page_rendered(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)
    guest = Client()
    guest.post("/guest/", {"next": url})

    response = guest.get(url)
    assert HEADER not in response
    assert "kept in this browser" in response.content.decode()


def test_a_waiting_message_is_shown_not_a_kept_page(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    visit(url)
    visitor = Client()
    visitor.post("/theme/", {"theme": "dark", "next": url})  # no message: still kept
    assert visitor.get(url).get(HEADER) == "miss"  # its own theme's page
    visitor.cookies["messages"] = "anything"

    assert HEADER not in visitor.get(url)


def test_an_editor_gets_drafts_never_a_kept_page(charlie_client, roadmap):
    draft = roadmap.steps[1]
    draft.is_published = False
    draft.save()
    url = draft.stage.get_absolute_url()
    visit(url)

    response = charlie_client.get(draft.get_absolute_url())
    assert response.status_code == 200 and HEADER not in response
    assert draft.title not in Client().get(url).content.decode()


@pytest.mark.parametrize(
    "change",
    [
        lambda roadmap: Step.objects.filter(pk=roadmap.steps[0].pk).first().save(),
        lambda roadmap: roadmap.stages[0].save(),
        lambda roadmap: Course.objects.first().save(),
        lambda roadmap: StepCourse.objects.first().delete(),
        lambda roadmap: roadmap.courses[0].provider.save(),
        lambda roadmap: Checkpoint.objects.create(step=roadmap.steps[0], text="Do it."),
        lambda roadmap: Checkpoint.objects.filter(pk=checkpoint_of(roadmap).pk).first().delete(),
    ],
    ids=[
        "step saved",
        "stage saved",
        "course saved",
        "link deleted",
        "provider saved",
        "checkpoint added",
        "checkpoint deleted",
    ],
)
def test_any_content_change_retires_every_kept_page(
    pages, roadmap, change, django_capture_on_commit_callbacks
):
    for url in pages:
        visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        change(roadmap)

    assert [visit(url) for url in pages] == ["miss"] * len(pages)


def checkpoint_of(roadmap) -> Checkpoint:
    """A checkpoint made without a signal (the pages are kept after it)."""
    return Checkpoint.objects.bulk_create(
        [Checkpoint(step=roadmap.steps[0], slug="kept", text="Kept.")]
    )[0]


def test_a_reworded_checkpoint_is_shown_to_visitors(roadmap, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint = Checkpoint.objects.create(step=roadmap.steps[0], text="Old words.")
    url = roadmap.steps[0].get_absolute_url()
    visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        checkpoint.text = "New words."
        checkpoint.save()

    page = Client().get(url).content.decode()
    assert "New words." in page and "Old words." not in page


def test_a_change_is_shown_once_it_commits(roadmap, django_capture_on_commit_callbacks):
    step = roadmap.steps[0]
    visit(step.get_absolute_url())

    with django_capture_on_commit_callbacks(execute=True):
        Step.objects.filter(pk=step.pk).update(title="Not announced")  # sends no signal
        step.title = "A brand new title"
        step.save()

    assert "A brand new title" in Client().get(step.get_absolute_url()).content.decode()


def test_deleting_a_stage_takes_it_off_the_roadmap(roadmap, django_capture_on_commit_callbacks):
    visit("/")
    stage = roadmap.stages[-1]

    with django_capture_on_commit_callbacks(execute=True):
        Step.objects.filter(stage=stage).delete()
        Stage.objects.filter(pk=stage.pk).delete()

    assert stage.title not in Client().get("/").content.decode()


def test_learners_own_changes_keep_the_visitors_pages(
    alice_client, roadmap, django_capture_on_commit_callbacks
):
    url = roadmap.steps[0].get_absolute_url()
    checkpoint = checkpoint_of(roadmap)
    visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(f"{url}status/", {"status": "done"})
        alice_client.post(f"{url}checkpoints/{checkpoint.pk}/", {"ticked": "1"})

    assert visit(url) == "hit"


def test_with_the_cache_down_pages_are_rendered(roadmap):
    url = roadmap.steps[0].get_absolute_url()
    # What django-redis does with IGNORE_EXCEPTIONS while Redis is down.
    with (
        mock.patch.object(cache, "get_many", return_value={}),
        mock.patch.object(cache, "get", return_value=None),
        mock.patch.object(cache, "add", return_value=None),
        mock.patch.object(cache, "set", return_value=None) as stored,
    ):
        for _ in range(2):
            response = Client().get(url)
            assert response.status_code == 200 and HEADER not in response
            assert roadmap.steps[0].title in response.content.decode()
    stored.assert_not_called()  # names the calls made, if any: no page kept without a version


def test_it_can_be_switched_off(roadmap, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = roadmap.steps[0].get_absolute_url()

    assert visit(url) == "" and visit(url) == ""


def test_a_release_retires_every_kept_page(pages, django_capture_on_commit_callbacks):
    """`migrate` runs on every release: data migrations send no signal of the live
    models, and new templates change pages, so nothing kept before it is served after."""
    for url in pages:
        visit(url)

    with django_capture_on_commit_callbacks(execute=True):
        call_command("migrate", verbosity=0)

    assert [visit(url) for url in pages] == ["miss"] * len(pages)
