"""The admin saves editors' time, and refuses bad input with a clear message."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Provider
from roadmap.models import Step

NO_LINKS = {
    "step_links-TOTAL_FORMS": "0",
    "step_links-INITIAL_FORMS": "0",
    "step_links-MIN_NUM_FORMS": "0",
    "step_links-MAX_NUM_FORMS": "1000",
}


def course_form(provider: Provider, **changes) -> dict:
    return {
        "title": "Testing with pytest",
        "slug": "testing-with-pytest",
        "url": "https://docs.pytest.org/",
        "provider": provider.pk,
        "description": "Fixtures and *asserts*.",
        "format": "documentation",
        "level": "beginner",
        "pricing": "free",
        "duration_hours": "3",
        "is_published": "on",
        **NO_LINKS,
        **changes,
    }


def errors_of(response) -> str:
    assert response.status_code == 200, "the form was accepted"
    return str(response.context["adminform"].form.errors)


# ---------------------------------------------------------------- lists and forms


def test_a_stage_shows_its_steps_inline_in_order(charlie_client, roadmap):
    stage = roadmap.stages[0]
    Step.objects.filter(pk=roadmap.steps_of(stage)[0].pk).update(position=99)

    response = charlie_client.get(reverse("admin:roadmap_stage_change", args=[stage.pk]))

    inline = response.context["inline_admin_formsets"][0].formset
    positions = [form.instance.position for form in inline.forms if form.instance.pk]
    assert positions == sorted(positions)
    assert positions[-1] == 99


@pytest.mark.parametrize(
    ("name", "obj"),
    [("roadmap_stage", "stages"), ("roadmap_step", "steps"), ("courses_course", "courses")],
)
def test_change_forms_offer_view_on_site(charlie_client, roadmap, name, obj):
    target = getattr(roadmap, obj)[1]

    page = charlie_client.get(reverse(f"admin:{name}_change", args=[target.pk])).content.decode()

    assert "View on site" in page


@pytest.mark.parametrize(
    ("name", "obj"),
    [("roadmap_stage", "stages"), ("roadmap_step", "steps"), ("courses_course", "courses")],
)
def test_change_forms_carry_the_markdown_preview(charlie_client, roadmap, name, obj):
    target = getattr(roadmap, obj)[1]

    page = charlie_client.get(reverse(f"admin:{name}_change", args=[target.pk])).content.decode()

    assert "admin-extra/markdown-preview.js" in page
    assert f'data-markdown-preview="{reverse("courses:markdown_preview")}"' in page


@pytest.mark.parametrize(
    ("term", "field"),
    [("Shared course", "title"), ("Provider 1", "provider"), ("good", "description")],
)
def test_courses_are_searchable(charlie_client, roadmap, term, field):
    response = charlie_client.get(reverse("admin:courses_course_changelist"), {"q": term})

    assert response.context["cl"].result_count > 0, field


def test_courses_filter_on_link_health(charlie_client, roadmap):
    ok, moved, gone, failed = roadmap.courses[:4]
    now = timezone.now()
    Course.objects.filter(pk=ok.pk).update(
        link_status=200, link_final_url=ok.url, link_checked_at=now
    )
    Course.objects.filter(pk=moved.pk).update(
        link_status=200, link_final_url="https://example.com/new", link_checked_at=now
    )
    Course.objects.filter(pk=gone.pk).update(
        link_status=404, link_final_url=gone.url, link_checked_at=now
    )
    Course.objects.filter(pk=failed.pk).update(link_error="timed out", link_checked_at=now)

    def shown(value: str) -> set[int]:
        response = charlie_client.get(reverse("admin:courses_course_changelist"), {"link": value})
        return {course.pk for course in response.context["cl"].result_list}

    assert shown("broken") == {gone.pk, failed.pk}
    assert shown("redirected") == {moved.pk}
    assert shown("ok") == {ok.pk, moved.pk}
    assert shown("unchecked") == {c.pk for c in roadmap.courses[4:]}


def test_courses_are_filterable_by_everything_editors_asked_for(charlie_client, roadmap):
    Provider.objects.create(name="Another", slug="another")  # one provider needs no filter

    response = charlie_client.get(reverse("admin:courses_course_changelist"))

    titles = {str(spec.title) for spec in response.context["cl"].filter_specs}
    assert titles == {"published", "pricing", "format", "level", "link health", "stage", "provider"}


def test_courses_filter_on_free_only(charlie_client, roadmap):
    response = charlie_client.get(
        reverse("admin:courses_course_changelist"), {"pricing__exact": "paid"}
    )

    assert [c.pk for c in response.context["cl"].result_list] == [roadmap.courses[0].pk]


# ---------------------------------------------------------------- bulk publish


@pytest.mark.parametrize(
    ("changelist", "objects", "action"),
    [
        ("admin:roadmap_step_changelist", "steps", "unpublish_steps"),
        ("admin:courses_course_changelist", "courses", "unpublish_courses"),
    ],
)
def test_bulk_unpublish_saves_each_object_and_records_history(
    charlie_client, charlie, roadmap, changelist, objects, action
):
    chosen = getattr(roadmap, objects)[:3]
    model = type(chosen[0])
    saved = []

    def remember(sender, instance, update_fields, **kwargs):
        saved.append((instance.pk, set(update_fields or ())))

    post_save.connect(remember, sender=model)
    try:
        response = charlie_client.post(
            reverse(changelist), {"action": action, "_selected_action": [o.pk for o in chosen]}
        )
    finally:
        post_save.disconnect(remember, sender=model)

    assert response.status_code == 302
    assert sorted(saved) == sorted((o.pk, {"is_published"}) for o in chosen)
    assert not model.objects.filter(pk__in=[o.pk for o in chosen], is_published=True).exists()
    history = LogEntry.objects.filter(user=charlie, action_flag=CHANGE)
    assert sorted(int(e.object_id) for e in history) == sorted(o.pk for o in chosen)


def test_bulk_publish_leaves_published_objects_alone(charlie_client, roadmap):
    draft, live = roadmap.steps[:2]
    Step.objects.filter(pk=draft.pk).update(is_published=False)

    charlie_client.post(
        reverse("admin:roadmap_step_changelist"),
        {"action": "publish_steps", "_selected_action": [draft.pk, live.pk]},
    )

    assert Step.objects.get(pk=draft.pk).is_published
    assert [int(e.object_id) for e in LogEntry.objects.all()] == [draft.pk]


def test_an_edit_in_a_form_is_recorded_in_history(charlie_client, charlie, roadmap):
    course = roadmap.courses[1]
    data = course_form(course.provider, title="Renamed", slug=course.slug, url=course.url)

    response = charlie_client.post(reverse("admin:courses_course_change", args=[course.pk]), data)

    assert response.status_code == 302
    assert LogEntry.objects.filter(user=charlie, object_id=str(course.pk)).exists()


# ---------------------------------------------------------------- deleting a linked course


def test_deleting_a_linked_course_shows_its_steps(charlie_client, roadmap):
    shared = roadmap.courses[0]  # linked from every step

    page = charlie_client.get(
        reverse("admin:courses_course_delete", args=[shared.pk])
    ).content.decode()

    assert f"linked from {len(roadmap.steps)} steps" in page
    for step in roadmap.steps:
        assert reverse("admin:roadmap_step_change", args=[step.pk]) in page
    assert Course.objects.filter(pk=shared.pk).exists()


def test_deleting_an_unlinked_course_needs_no_warning(charlie_client, roadmap):
    lonely = Course.objects.create(
        title="Lonely",
        slug="lonely",
        url="https://example.com/",
        provider=roadmap.courses[0].provider,
    )

    page = charlie_client.get(
        reverse("admin:courses_course_delete", args=[lonely.pk])
    ).content.decode()

    assert "linked from" not in page
    assert "Are you sure" in page


def test_a_confirmed_delete_removes_the_course_and_its_links(charlie_client, roadmap):
    shared = roadmap.courses[0]

    response = charlie_client.post(
        reverse("admin:courses_course_delete", args=[shared.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Course.objects.filter(pk=shared.pk).exists()
    assert Step.objects.count() == len(roadmap.steps)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example.org/course", "not a url"]
)
def test_a_course_url_must_be_http(charlie_client, roadmap, url):
    response = charlie_client.post(
        reverse("admin:courses_course_add"), course_form(roadmap.courses[0].provider, url=url)
    )

    assert "http://" in errors_of(response) or "valid URL" in errors_of(response)
    assert not Course.objects.filter(slug="testing-with-pytest").exists()


def test_a_provider_website_must_be_http(charlie_client, db):
    response = charlie_client.post(
        reverse("admin:courses_provider_add"),
        {"name": "Bad", "slug": "bad", "website": "ftp://bad.example/"},
    )

    assert "starts with http:// or https://" in errors_of(response)


def test_a_negative_duration_gets_a_clear_error(charlie_client, roadmap):
    response = charlie_client.post(
        reverse("admin:courses_course_add"),
        course_form(roadmap.courses[0].provider, duration_hours="-3"),
    )

    assert "Hours cannot be negative" in errors_of(response)


def test_a_duplicate_course_slug_gets_a_clear_error(charlie_client, roadmap):
    taken = roadmap.courses[1].slug
    response = charlie_client.post(
        reverse("admin:courses_course_add"), course_form(roadmap.courses[0].provider, slug=taken)
    )

    assert "Course with this Slug already exists" in errors_of(response)


def step_form(stage, **changes) -> dict:
    return {
        "stage": stage.pk if stage else "",
        "title": "New step",
        "slug": "new-step",
        "position": "9",
        "estimated_hours": "2",
        "is_published": "on",
        "course_links-TOTAL_FORMS": "0",
        "course_links-INITIAL_FORMS": "0",
        "course_links-MIN_NUM_FORMS": "0",
        "course_links-MAX_NUM_FORMS": "1000",
        "checkpoints-TOTAL_FORMS": "0",
        "checkpoints-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_duplicate_step_slug_in_a_stage_gets_a_clear_error(charlie_client, roadmap):
    stage = roadmap.stages[0]
    taken = roadmap.steps_of(stage)[0].slug

    response = charlie_client.post(reverse("admin:roadmap_step_add"), step_form(stage, slug=taken))

    assert "already exists" in errors_of(response)


def test_a_step_without_a_stage_gets_a_clear_error(charlie_client, roadmap):
    response = charlie_client.post(reverse("admin:roadmap_step_add"), step_form(None))

    assert "stage" in errors_of(response) and "required" in errors_of(response)


def test_a_negative_step_estimate_gets_a_clear_error(charlie_client, roadmap):
    response = charlie_client.post(
        reverse("admin:roadmap_step_add"), step_form(roadmap.stages[0], estimated_hours="-1")
    )

    assert "Hours cannot be negative" in errors_of(response)
