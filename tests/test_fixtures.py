"""The seeded roadmap and course catalogue (fixtures/roadmap.json, fixtures/courses.json)."""

import json
import re
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from courses.models import Course, Provider, StepCourse
from roadmap.models import Checkpoint, Stage, Step
from tests.support import SEEDED_MODELS, load_seed


def snapshot() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in SEEDED_MODELS}


def test_loading_the_fixtures_twice_changes_nothing(seeded):
    before = snapshot()

    load_seed()

    after = snapshot()
    assert {name: len(rows) for name, rows in after.items()} == {
        name: len(rows) for name, rows in before.items()
    }
    assert after == before


def test_loading_the_fixtures_again_restores_seeded_text_and_keeps_additions(seeded):
    step = Step.objects.get(stage__slug="python-fundamentals", slug="setup-python")
    original = step.title
    Step.objects.filter(pk=step.pk).update(title="Changed by mistake")
    extra = Stage.objects.create(title="Extra", slug="extra", position=99)

    load_seed()

    step.refresh_from_db()
    assert step.title == original
    assert Stage.objects.filter(pk=extra.pk).exists()


def test_it_seeds_enough_content(seeded):
    assert Stage.objects.count() >= 6
    assert Step.objects.published().count() >= 35
    assert Course.objects.published().count() >= 60
    assert Provider.objects.count() >= 15


def test_it_seeds_the_stages_from_the_article(seeded):
    slugs = list(Stage.objects.values_list("slug", flat=True))

    assert slugs[0] == "python-fundamentals"
    assert slugs[-1] == "skills-and-jobs"
    assert {"frontend-basics", "backend-frameworks", "databases"} <= set(slugs)


def test_every_stage_has_steps_in_distinct_positions(seeded):
    for stage in Stage.objects.all():
        positions = list(stage.steps.values_list("position", flat=True))
        assert positions, stage.slug
        assert len(positions) == len(set(positions)), stage.slug


def test_every_stage_has_a_distinct_position(seeded):
    positions = list(Stage.objects.values_list("position", flat=True))

    assert len(positions) == len(set(positions))


def test_every_step_has_a_body_an_estimate_and_a_course(seeded):
    for step in Step.objects.prefetch_related("course_links__course"):
        assert step.body.strip(), step
        assert step.summary.strip(), step
        assert step.estimated_hours > 0, step
        published = [link for link in step.course_links.all() if link.course.is_published]
        assert published, step


def test_every_step_has_a_recommended_course(seeded):
    without = Step.objects.exclude(course_links__is_recommended=True)

    assert list(without) == []


def test_every_published_step_has_two_resources_and_one_recommended(seeded):
    for step in Step.objects.published().prefetch_related("course_links__course"):
        links = [link for link in step.course_links.all() if link.course.is_published]
        assert len(links) >= 2, step.slug
        assert sum(link.is_recommended for link in links) == 1, step.slug


def fixture(name: str) -> list[dict]:
    return json.loads((Path(settings.BASE_DIR) / "fixtures" / name).read_text())


def test_every_published_step_in_the_fixtures_ends_with_checks_and_resources():
    """Read from the files: 3 to 6 self-checks, two resources or more, exactly one recommended."""
    roadmap, courses = fixture("roadmap.json"), fixture("courses.json")
    published_courses = {
        obj["fields"]["slug"]
        for obj in courses
        if obj["model"] == "courses.course" and obj["fields"]["is_published"]
    }
    checks, links = Counter(), defaultdict(list)
    for obj in roadmap:
        if obj["model"] == "roadmap.checkpoint":
            checks[tuple(obj["fields"]["step"])] += 1
    for obj in courses:
        fields = obj["fields"]
        if obj["model"] == "courses.stepcourse" and fields["course"][0] in published_courses:
            links[tuple(fields["step"])].append(fields["is_recommended"])
    steps = [
        (obj["fields"]["stage"][0], obj["fields"]["slug"])
        for obj in roadmap
        if obj["model"] == "roadmap.step" and obj["fields"]["is_published"]
    ]

    assert len(steps) > 60
    for step in steps:
        assert 3 <= checks[step] <= 6, step
        assert len(links[step]) >= 2, step
        assert links[step].count(True) == 1, step


CHECKLIST = "You can move on when you can"


def test_every_step_says_why_and_has_three_to_six_checkpoints(seeded):
    for step in Step.objects.prefetch_related("checkpoints"):
        assert "### Why a backend developer needs it" in step.body, step.slug
        texts = [checkpoint.text for checkpoint in step.checkpoints.all()]
        assert 3 <= len(texts) <= 6, step.slug
        assert all(text.strip() and "\n" not in text for text in texts), step.slug
        assert [c.position for c in step.checkpoints.all()] == list(range(1, len(texts) + 1))


def test_no_step_body_keeps_the_checklist_its_checkpoints_replaced(seeded):
    assert list(Step.objects.filter(body__icontains=CHECKLIST)) == []


def test_checkpoint_slugs_are_unique_within_their_step(seeded):
    pairs = list(Checkpoint.objects.values_list("step_id", "slug"))

    assert len(pairs) == len(set(pairs)) > 0


def test_each_of_the_first_four_stages_has_a_required_project(seeded):
    for stage in Stage.objects.order_by("position")[:4]:
        projects = stage.steps.published().required().filter(is_project=True)
        assert projects.exists(), stage.slug


def test_optional_steps_are_marked(seeded):
    optional = Step.objects.filter(is_optional=True)

    assert optional.exists()
    assert optional.count() < Step.objects.required().count()


def test_every_course_url_is_http(seeded):
    for course in Course.objects.all():
        url = urlsplit(course.url)
        assert url.scheme in {"http", "https"}, course.url
        assert url.netloc, course.url


def test_every_provider_website_is_http(seeded):
    for provider in Provider.objects.exclude(website=""):
        assert urlsplit(provider.website).scheme in {"http", "https"}, provider.website


def test_every_course_is_linked_to_a_step(seeded):
    assert list(Course.objects.filter(step_links__isnull=True)) == []


def test_paid_courses_exist(seeded):
    assert Course.objects.paid().published().exists()


CARD = re.compile(r'<article class="course[^"]*" id="course-([^"]+)">(.*?)</article>', re.S)
PAID_TAG = re.compile(r'class="[^"]*\btag-paid\b[^"]*">\s*Paid\s*<')


def course_cards(page: str) -> dict[str, str]:
    """Each course card on a page, by course slug."""
    return dict(CARD.findall(page))


def test_paid_courses_are_marked_in_the_catalogue(client, seeded):
    paid = set(Course.objects.paid().published().values_list("slug", flat=True))

    page = client.get("/courses/", {"price": "paid"}).content.decode()

    cards = course_cards(page)
    assert set(cards) == paid
    for slug, card in cards.items():
        assert PAID_TAG.search(card), slug


def test_paid_courses_are_marked_on_their_step_pages(client, seeded):
    link = (
        StepCourse.objects.filter(course__pricing=Course.Pricing.PAID)
        .select_related("course", "step__stage")
        .first()
    )

    page = client.get(link.step.get_absolute_url()).content.decode()

    assert PAID_TAG.search(course_cards(page)[link.course.slug])


def test_free_courses_are_not_marked_paid(client, seeded):
    page = client.get("/courses/", {"price": "free"}).content.decode()

    cards = course_cards(page)
    assert cards
    assert not any(PAID_TAG.search(card) for card in cards.values())
