"""Site search: one box over published steps and courses, on SQLite and PostgreSQL."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Course, Provider
from roadmap.models import Step
from roadmap_site.search import MAX_QUERY_LENGTH, clean_query, search

pytestmark = pytest.mark.django_db


def slugs(items) -> set[str]:
    return {item.slug for item in items}


def test_it_finds_a_step_by_its_title(client, seeded):
    response = client.get("/search/", {"q": "Angular"})

    assert response.status_code == 200
    assert "angular" in slugs(response.context["results"].steps)
    assert "Steps" in response.content.decode()


def test_it_finds_steps_by_words_in_their_body(seeded):
    step = Step.objects.published().get(slug="docker")
    word = "Dockerfile"
    assert word.lower() in step.body.lower()

    assert step in search(word).steps


def test_it_finds_steps_by_words_in_their_self_checks(seeded):
    step = Step.objects.published().get(slug="docker")
    step.checkpoints.create(text="Name a `zyzzogeton` container.", slug="zyzzogeton", position=9)

    assert search("zyzzogeton").steps == [step]
    assert search("Zyzzogeton container").steps == [step]


def test_it_finds_courses_by_provider(seeded):
    provider = Provider.objects.filter(courses__is_published=True).first()

    found = search(provider.name).courses

    assert found
    assert any(course.provider_id == provider.pk for course in found)


def test_it_groups_results_by_kind(client, seeded):
    response = client.get("/search/", {"q": "Django"})
    html = response.content.decode()

    results = response.context["results"]
    assert results.steps and results.courses
    assert html.index('id="step-results"') < html.index('id="course-results"')


def test_it_leaves_out_unpublished_steps_and_courses(seeded):
    step = Step.objects.get(slug="angular")
    step.is_published = False
    step.save()
    course = Course.objects.filter(title__icontains="django").first()
    course.is_published = False
    course.save()

    assert step not in search("Angular").steps
    assert course not in search(course.title).courses


def test_it_needs_every_word_or_the_ranking_to_match(seeded):
    assert not search("xylophone quaternion").total


def test_an_empty_query_gives_a_clear_message(client, seeded):
    response = client.get("/search/", {"q": "   "})

    assert response.status_code == 200
    assert "Type a word or two" in response.content.decode()
    assert not response.context["results"].total


def test_the_page_without_a_query_invites_a_search(client, seeded):
    response = client.get("/search/")

    assert response.status_code == 200
    assert "Try “Django”" in response.content.decode()


def test_a_long_query_is_cut_and_the_page_says_so(client, seeded):
    response = client.get("/search/", {"q": "django " * 100})

    results = response.context["results"]
    assert response.status_code == 200
    assert results.truncated
    assert len(results.query) <= MAX_QUERY_LENGTH
    assert f"longer than {MAX_QUERY_LENGTH} characters" in response.content.decode()


# (A NUL character is a 404 at every URL, the search's included: tests/test_fuzz.py.)
@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE roadmap_step; --",
        '"unbalanced',
        "a & b | !c :* <->",
        "-",
        "OR",
        "%_%",
        "<script>alert(1)</script>",
        "١٢٣ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀",  # noqa: RUF001 - lookalike letters on purpose
        "\\",
    ],
)
def test_a_hostile_query_gives_a_normal_page(client, seeded, query):
    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Step.objects.exists(), "nothing was dropped"


def test_clean_query_removes_control_characters_and_extra_spaces():
    assert clean_query("  django\x00\t orm \n") == ("django orm", False)
    assert clean_query("x" * 300) == ("x" * MAX_QUERY_LENGTH, True)


def test_search_runs_two_queries(seeded):
    with CaptureQueriesContext(connection) as queries:
        search("django testing")

    assert len(queries) == 2


def test_the_search_page_runs_a_fixed_number_of_queries(client, seeded, make_roadmap):
    client.get("/search/", {"q": "step"})
    cache.clear()  # visitors' pages may be served from the page cache
    with CaptureQueriesContext(connection) as small:
        client.get("/search/", {"q": "step"})
    make_roadmap(stages=3, steps=20)
    cache.clear()
    with CaptureQueriesContext(connection) as big:
        client.get("/search/", {"q": "step"})

    assert 0 < len(small) == len(big) <= 4


def test_a_word_matches_the_start_of_words_never_their_inside(seeded):
    titles = [step.title for step in search("orm").steps]

    assert "ORMs: the Django ORM and SQLAlchemy" in titles
    assert "Django templates and forms" not in titles
    for step in search("orm").steps:
        text = " ".join(
            [step.title, step.summary, step.body, *step.checkpoints.values_list("text", flat=True)]
        )
        assert re.search(r"(?<!\w)orm", text, re.IGNORECASE), step.title


def test_title_matches_rank_first(seeded):
    steps = search("django orm").steps

    assert steps[0].title == "ORMs: the Django ORM and SQLAlchemy"
    assert "Applying for Python backend jobs" not in [step.title for step in steps[:3]]
