import pytest
from django.core import serializers
from django.db import IntegrityError, transaction

from courses.models import Course, Provider, StepCourse
from progress.models import StepProgress
from roadmap.models import Stage, Step

Status = StepProgress.Status


@pytest.fixture
def step(roadmap) -> Step:
    return roadmap.steps[0]


def test_it_keeps_one_progress_row_per_learner_and_step(alice, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.DONE)

    with pytest.raises(IntegrityError), transaction.atomic():
        StepProgress.objects.create(user=alice, step=step, status=Status.SKIPPED)

    assert StepProgress.objects.filter(user=alice, step=step).count() == 1


def test_it_lets_two_learners_track_the_same_step(alice, bob, step):
    StepProgress.objects.create(user=alice, step=step, status=Status.DONE)
    StepProgress.objects.create(user=bob, step=step, status=Status.IN_PROGRESS)

    assert StepProgress.objects.filter(step=step).count() == 2


def test_it_rejects_an_unknown_status_in_the_database(alice, step):
    with pytest.raises(IntegrityError), transaction.atomic():
        StepProgress.objects.create(user=alice, step=step, status="finished")

    assert not StepProgress.objects.exists()


@pytest.mark.parametrize("status", Status.values)
def test_it_accepts_every_known_status(alice, step, status):
    StepProgress.objects.create(user=alice, step=step, status=status)

    assert StepProgress.objects.get(user=alice, step=step).status == status


def test_it_says_done_and_skipped_are_settled(alice, roadmap):
    done, skipped, started = (
        StepProgress(user=alice, step=roadmap.steps[0], status=Status.DONE),
        StepProgress(user=alice, step=roadmap.steps[1], status=Status.SKIPPED),
        StepProgress(user=alice, step=roadmap.steps[2], status=Status.IN_PROGRESS),
    )

    assert done.is_settled and skipped.is_settled
    assert not started.is_settled


def test_it_keeps_step_slugs_unique_within_a_stage(roadmap):
    stage = roadmap.stages[0]
    taken = roadmap.steps_of(stage)[0].slug

    with pytest.raises(IntegrityError), transaction.atomic():
        Step.objects.create(stage=stage, title="Again", slug=taken)

    assert Step.objects.filter(stage=stage, slug=taken).count() == 1


def test_it_reuses_a_step_slug_in_another_stage(roadmap):
    first, second = roadmap.stages
    slug = roadmap.steps_of(first)[0].slug
    Step.objects.filter(stage=second, slug=slug).delete()

    Step.objects.create(stage=second, title="Same slug, other stage", slug=slug)

    assert Step.objects.filter(slug=slug).count() == 2


def test_it_keeps_stage_slugs_unique(roadmap):
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(title="Again", slug=roadmap.stages[0].slug)


def test_it_finds_everything_by_its_natural_key(roadmap):
    step = roadmap.steps[0]
    link = StepCourse.objects.filter(step=step).select_related("course__provider").first()
    course, provider = link.course, link.course.provider

    assert Stage.objects.get_by_natural_key(*step.stage.natural_key()) == step.stage
    assert Step.objects.get_by_natural_key(*step.natural_key()) == step
    assert step.natural_key() == (step.stage.slug, step.slug)
    assert Provider.objects.get_by_natural_key(*provider.natural_key()) == provider
    assert Course.objects.get_by_natural_key(*course.natural_key()) == course
    assert StepCourse.objects.get_by_natural_key(*link.natural_key()) == link


def test_it_round_trips_through_natural_key_serialisation(roadmap):
    step = roadmap.steps[0]
    links = list(StepCourse.objects.filter(step=step))
    natural = {"use_natural_foreign_keys": True, "use_natural_primary_keys": True}
    data = serializers.serialize("json", [step.stage, step, *links], **natural)

    assert '"pk"' not in data
    objects = [obj.object for obj in serializers.deserialize("json", data)]

    assert [type(obj) for obj in objects] == [Stage, Step] + [StepCourse] * len(links)
    assert [obj.pk for obj in objects] == [step.stage.pk, step.pk] + [link.pk for link in links]


def test_it_lists_published_steps_only(roadmap):
    hidden = roadmap.steps[0]
    hidden.is_published = False
    hidden.save()

    published = set(Step.objects.published())

    assert hidden not in published
    assert published == set(roadmap.steps) - {hidden}


def test_it_lists_required_steps_only(roadmap):
    required = set(Step.objects.required())

    assert required == {step for step in roadmap.steps if not step.is_optional}
    assert required != set(roadmap.steps)


@pytest.fixture
def catalogue(db) -> dict[str, Course]:
    provider = Provider.objects.create(name="Somewhere", slug="somewhere")

    def course(slug: str, **fields) -> Course:
        url = f"https://example.com/{slug}"
        return Course.objects.create(title=slug, slug=slug, url=url, provider=provider, **fields)

    return {
        "free": course("free", pricing=Course.Pricing.FREE),
        "certificate": course("certificate", pricing=Course.Pricing.FREE_CERTIFICATE),
        "paid": course("paid", pricing=Course.Pricing.PAID),
        "hidden": course("hidden", pricing=Course.Pricing.FREE, is_published=False),
        "hidden-paid": course("hidden-paid", pricing=Course.Pricing.PAID, is_published=False),
    }


def test_it_lists_published_courses_only(catalogue):
    assert {c.slug for c in Course.objects.published()} == {"free", "certificate", "paid"}


def test_it_counts_a_free_course_with_a_paid_certificate_as_free(catalogue):
    assert {c.slug for c in Course.objects.free()} == {"free", "certificate", "hidden"}


def test_it_lists_paid_courses(catalogue):
    assert {c.slug for c in Course.objects.paid()} == {"paid", "hidden-paid"}
    assert catalogue["paid"].is_paid
    assert not catalogue["certificate"].is_paid


def test_it_chains_course_filters(catalogue):
    assert [c.slug for c in Course.objects.published().free().order_by("slug")] == [
        "certificate",
        "free",
    ]
    assert [c.slug for c in Course.objects.published().paid()] == ["paid"]


def test_it_links_a_course_to_a_step_only_once(roadmap):
    link = StepCourse.objects.filter(step=roadmap.steps[0]).first()

    with pytest.raises(IntegrityError), transaction.atomic():
        StepCourse.objects.create(step=link.step, course=link.course, position=9)


def test_it_orders_free_course_links_before_paid_ones(roadmap):
    step = roadmap.steps[0]
    StepCourse.objects.filter(step=step, course__pricing=Course.Pricing.PAID).update(position=0)

    links = list(StepCourse.objects.filter(step=step).free_first())

    assert [link.course.is_paid for link in links] == [False, False, True]
    assert [link.position for link in links] == [1, 2, 0]


def test_it_builds_urls_from_slugs(roadmap):
    step = roadmap.steps[0]

    assert step.stage.get_absolute_url() == f"/stages/{step.stage.slug}/"
    assert step.get_absolute_url() == f"/stages/{step.stage.slug}/{step.slug}/"
