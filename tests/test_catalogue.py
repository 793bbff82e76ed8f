"""The catalogue: combined filters, provider, sorting, counts per value, shareable pages."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.catalogue import facet_counts
from courses.models import Course, Provider

pytestmark = pytest.mark.django_db


def listed(response) -> list[Course]:
    return list(response.context["page"].object_list)


def option_label(response, field: str, value: str) -> str:
    return dict(response.context["form"].fields[field].choices)[value]


def test_it_filters_by_provider(client, seeded):
    provider = Provider.objects.filter(courses__is_published=True).first()

    response = client.get("/courses/", {"provider": provider.slug})

    expected = Course.objects.published().filter(provider=provider).count()
    assert response.context["total"] == expected > 0
    assert {course.provider_id for course in listed(response)} == {provider.pk}


def test_it_combines_every_filter(client, seeded):
    course = Course.objects.published().filter(step_links__isnull=False).first()
    stage = course.step_links.first().step.stage
    query = {
        "stage": stage.slug,
        "format": course.format,
        "level": course.level,
        "price": "paid" if course.is_paid else "free",
        "provider": course.provider.slug,
    }

    response = client.get("/courses/", query)

    assert course in listed(response)
    assert response.context["filters"] == query


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("title", lambda c: c.title),
        ("provider", lambda c: c.provider.name.lower()),
        ("level", lambda c: Course.Level.values.index(c.level)),
        ("free", lambda c: c.is_paid),
        ("short", lambda c: (c.duration_hours is None, c.duration_hours or 0)),
    ],
)
def test_it_sorts(client, seeded, sort, key):
    response = client.get("/courses/", {"sort": sort})

    courses = listed(response)
    assert len(courses) > 1
    assert [key(c) for c in courses] == sorted(key(c) for c in courses)


def test_it_counts_what_each_filter_value_would_show(client, seeded):
    response = client.get("/courses/", {"price": "paid"})

    paid = Course.objects.published().paid()
    fmt = Course.Format(paid.values_list("format", flat=True).first())
    count = paid.filter(format=fmt).count()
    assert option_label(response, "format", fmt) == f"{fmt.label} ({count})"
    # The price counts ignore the price filter itself, so the other choice stays visible.
    free = Course.objects.published().free().count()
    assert option_label(response, "price", "free") == f"Free to learn ({free})"


def test_the_stage_counts_match_the_stage_filter(seeded):
    counts = facet_counts({})
    for stage in ["python-fundamentals", "databases"]:
        expected = (
            Course.objects.published()
            .filter(step_links__step__stage__slug=stage, step_links__step__is_published=True)
            .distinct()
            .count()
        )
        assert counts["stage"][stage] == expected


def test_page_links_keep_the_filters(client, seeded):
    response = client.get("/courses/", {"price": "free", "sort": "provider"})

    assert response.context["page"].has_next()
    html = response.content.decode()
    link = re.search(r'href="\?([^"]*page=2)"', html)[1].replace("&amp;", "&")
    assert "price=free" in link and "sort=provider" in link
    second = client.get(f"/courses/?{link}")
    assert second.context["filters"] == {"price": "free"}
    assert second.context["page"].number == 2


@pytest.mark.parametrize("query", [{"provider": "nobody"}, {"sort": "random"}])
def test_an_unknown_provider_or_order_gives_a_message(client, seeded, query):
    response = client.get("/courses/", query)

    assert response.status_code == 200
    assert response.context["total"] == Course.objects.published().count()
    [message] = response.context["notices"]
    assert "not one we know" in message


def test_an_out_of_range_page_gives_the_last_page_and_says_so(client, seeded):
    response = client.get("/courses/", {"format": "book", "page": "40"})

    assert response.status_code == 200
    [message] = response.context["notices"]
    assert "There is no page “40”" in message


def test_the_catalogue_runs_a_fixed_number_of_queries(client, make_roadmap):
    make_roadmap(stages=2, steps=3)
    query = {"price": "free", "sort": "level", "stage": "stage-1-1"}
    client.get("/courses/", query)
    cache.clear()  # visitors' pages may be served from the page cache
    with CaptureQueriesContext(connection) as small:
        client.get("/courses/", query)
    make_roadmap(stages=2, steps=30)
    cache.clear()
    with CaptureQueriesContext(connection) as big:
        client.get("/courses/", query)

    assert 0 < len(small) == len(big) <= 8


def test_a_value_that_would_show_nothing_is_not_offered(client, seeded):
    Course.objects.filter(format=Course.Format.VIDEO).update(is_published=False)

    response = client.get("/courses/")

    assert Course.Format.VIDEO not in dict(response.context["form"].fields["format"].choices)
    assert "Video (0)" not in response.content.decode()


def test_a_chosen_value_stays_offered_even_with_nothing_to_show(client, seeded):
    Course.objects.filter(format=Course.Format.VIDEO).update(is_published=False)

    response = client.get("/courses/", {"format": "video"})

    assert option_label(response, "format", "video") == "Video (0)"
    assert "No resources match these filters." in response.content.decode()


def test_providers_are_offered_in_alphabetical_order_whatever_their_case(client, seeded):
    courses = Course.objects.published()
    for course, name in ((courses.first(), "aardvark academy"), (courses.last(), "zebra courses")):
        course.provider = Provider.objects.create(name=name, slug=name.split()[0])
        course.save()

    names = [
        label.rpartition(" (")[0]
        for value, label in client.get("/courses/").context["form"].fields["provider"].choices
        if value
    ]

    assert names == sorted(names, key=str.casefold)
    assert names[0] == "aardvark academy"
