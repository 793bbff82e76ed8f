"""Who may do what in the admin: editors curate content and nothing else."""

import warnings

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.core.paginator import UnorderedObjectListWarning
from django.urls import reverse

from courses.models import Course, Provider
from roadmap.models import Stage, Step
from roadmap_site.editors import EDITORS_GROUP

CONTENT = {
    "roadmap.stage",
    "roadmap.step",
    "roadmap.checkpoint",
    "courses.provider",
    "courses.course",
    "courses.stepcourse",
}


def test_it_gives_editors_exactly_the_content_permissions(db):
    group = Group.objects.get(name=EDITORS_GROUP)

    granted = {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
    }

    expected = {
        f"{model.split('.')[0]}.{action}_{model.split('.')[1]}"
        for model in CONTENT
        for action in ("add", "change", "delete", "view")
    }
    # Learners' link reports and votes: editors read and resolve, never write them.
    expected |= {
        "courses.view_linkreport",
        "courses.change_linkreport",
        "courses.view_coursefeedback",
    }
    assert granted == expected
    assert len(granted) == 27


def test_it_gives_an_editor_the_content_permissions(charlie):
    assert charlie.has_perm("roadmap.change_step")
    assert charlie.has_perm("courses.delete_course")
    assert not charlie.has_perm("roadmap.view_stepprogress")
    assert not charlie.has_perm("auth.view_user")
    assert not charlie.has_perm("auth.change_group")
    assert not charlie.is_superuser


ADMIN_PAGES = [
    "admin:index",
    "admin:roadmap_stage_changelist",
    "admin:roadmap_stage_add",
    "admin:roadmap_step_changelist",
    "admin:roadmap_step_add",
    "admin:courses_provider_changelist",
    "admin:courses_provider_add",
    "admin:courses_course_changelist",
    "admin:courses_course_add",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_it_lets_an_editor_curate(charlie_client, roadmap, name):
    response = charlie_client.get(reverse(name))

    assert response.status_code == 200


def test_it_lets_an_editor_open_a_step_with_its_course_links(charlie_client, roadmap):
    step = roadmap.steps[0]

    response = charlie_client.get(reverse("admin:roadmap_step_change", args=[step.pk]))

    assert response.status_code == 200
    assert step.title in response.content.decode()


def test_it_lets_an_editor_open_a_course(charlie_client, roadmap):
    course = roadmap.courses[0]

    response = charlie_client.get(reverse("admin:courses_course_change", args=[course.pk]))

    assert response.status_code == 200


def test_it_lets_an_editor_filter_courses_by_stage(charlie_client, roadmap):
    stage = roadmap.stages[0]

    response = charlie_client.get(reverse("admin:courses_course_changelist"), {"stage": stage.slug})

    assert response.status_code == 200
    assert response.context["cl"].result_count == 1 + 2 * len(roadmap.steps_of(stage))


def test_it_lets_an_editor_add_a_stage(charlie_client, db):
    response = charlie_client.post(
        reverse("admin:roadmap_stage_add"),
        {
            "title": "Testing",
            "slug": "testing",
            "position": "8",
            "summary": "Write tests.",
            "body": "Use *pytest*.",
            "steps-TOTAL_FORMS": "1",
            "steps-INITIAL_FORMS": "0",
            "steps-MIN_NUM_FORMS": "0",
            "steps-MAX_NUM_FORMS": "1000",
            "steps-0-position": "1",
            "steps-0-title": "pytest basics",
            "steps-0-slug": "pytest-basics",
            "steps-0-estimated_hours": "4",
            "steps-0-is_published": "on",
        },
    )

    assert response.status_code == 302, response.context and response.context.get("errors")
    stage = Stage.objects.get(slug="testing")
    assert list(stage.steps.values_list("slug", "estimated_hours")) == [("pytest-basics", 4)]


@pytest.mark.parametrize(
    ("model", "field"),
    [("roadmap.step", "stage"), ("courses.stepcourse", "course"), ("courses.course", "provider")],
)
def test_it_lets_an_editor_use_the_autocomplete_fields(charlie_client, roadmap, model, field):
    app_label, model_name = model.split(".")

    response = charlie_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field, "term": ""},
    )

    assert response.status_code == 200
    assert response.json()["results"]


@pytest.mark.parametrize(
    ("model", "field", "target"),
    [
        ("roadmap.step", "stage", Stage),
        ("courses.stepcourse", "step", Step),
        ("courses.stepcourse", "course", Course),
        ("courses.course", "provider", Provider),
    ],
)
def test_it_pages_autocomplete_results_in_a_stable_order(
    charlie_client, seeded, model, field, target
):
    """Editors page through every seeded course 20 at a time: each must show up exactly once."""
    app_label, model_name = model.split(".")
    seen = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for page in range(1, 10):
            query = {"app_label": app_label, "model_name": model_name, "field_name": field}
            response = charlie_client.get(reverse("admin:autocomplete"), {**query, "page": page})
            assert response.status_code == 200
            seen += [int(result["id"]) for result in response.json()["results"]]
            if not response.json()["pagination"]["more"]:
                break

    unordered = [w for w in caught if issubclass(w.category, UnorderedObjectListWarning)]
    assert [str(w.message) for w in unordered] == []
    assert sorted(seen) == sorted(target.objects.values_list("pk", flat=True))


def test_it_lets_an_editor_unpublish_steps_in_bulk(charlie_client, roadmap):
    from roadmap.models import Step

    chosen = [step.pk for step in roadmap.steps[:2]]

    response = charlie_client.post(
        reverse("admin:roadmap_step_changelist"),
        {"action": "unpublish_steps", "_selected_action": chosen},
    )

    assert response.status_code == 302
    assert set(Step.objects.filter(is_published=False).values_list("pk", flat=True)) == set(chosen)


@pytest.mark.parametrize(
    "path",
    [
        "/admin/auth/user/",
        "/admin/auth/user/add/",
        "/admin/auth/group/",
        "/admin/auth/group/add/",
        "/admin/account/emailaddress/",
        "/admin/sites/site/",
    ],
)
def test_it_keeps_an_editor_out_of_accounts(charlie_client, alice, path):
    response = charlie_client.get(path)

    assert response.status_code in (403, 404)
    assert alice.email not in response.content.decode()


def test_it_refuses_an_editor_the_user_list_with_the_styled_page(charlie_client, alice):
    response = charlie_client.get("/admin/auth/user/")

    assert response.status_code == 403
    assert "403.html" in [template.name for template in response.templates]
    assert alice.email not in response.content.decode()


def test_it_does_not_let_an_editor_make_themselves_a_superuser(charlie_client, charlie):
    response = charlie_client.post(
        reverse("admin:auth_user_change", args=[charlie.pk]),
        {"username": "charlie", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )

    charlie.refresh_from_db()
    assert response.status_code in (403, 404)
    assert not charlie.is_superuser


def test_it_keeps_an_editor_out_of_a_learners_account(charlie_client, alice):
    response = charlie_client.get(reverse("admin:auth_user_change", args=[alice.pk]))

    assert response.status_code in (403, 404)
    assert alice.email not in response.content.decode()


def test_it_keeps_an_editor_out_of_learners_progress(charlie_client, alice, roadmap):
    from progress.models import StepProgress

    StepProgress.objects.create(user=alice, step=roadmap.steps[0], status="done")

    response = charlie_client.get("/admin/roadmap/stepprogress/")

    assert response.status_code in (403, 404)
    assert alice.email not in response.content.decode()


def test_it_does_not_show_accounts_on_the_editors_admin_index(charlie_client, db):
    response = charlie_client.get(reverse("admin:index"))

    page = response.content.decode()
    assert reverse("admin:auth_user_changelist") not in page
    assert reverse("admin:auth_group_changelist") not in page
    assert reverse("admin:roadmap_step_changelist") in page


def test_it_lets_a_superuser_see_accounts(superuser, client):
    client.force_login(superuser)

    assert client.get("/admin/auth/user/").status_code == 200


def test_it_sends_a_learner_away_from_the_admin(alice_client):
    response = alice_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("name", ["admin:roadmap_step_changelist", "admin:auth_user_changelist"])
def test_it_sends_a_learner_away_from_admin_pages(alice_client, name):
    response = alice_client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_it_sends_a_visitor_away_from_the_admin(client, db):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# ---------------------------------------------------------------- make_editor


def test_it_makes_a_learner_an_editor(bob, capsys):
    call_command("make_editor", "bob@example.com")

    bob.refresh_from_db()
    assert bob.is_staff
    assert not bob.is_superuser
    assert bob.groups.filter(name=EDITORS_GROUP).exists()
    assert bob.has_perm("roadmap.change_step")
    assert "bob@example.com is now an editor" in capsys.readouterr().out


def test_it_finds_the_editor_whatever_the_case_of_the_email(bob):
    call_command("make_editor", "Bob@Example.COM")

    bob.refresh_from_db()
    assert bob.is_staff


def test_it_lets_a_new_editor_into_the_admin(bob, client):
    call_command("make_editor", bob.email)
    client.force_login(bob)

    assert client.get(reverse("admin:roadmap_step_changelist")).status_code == 200


def test_it_makes_an_editor_twice_without_harm(bob):
    call_command("make_editor", bob.email)
    call_command("make_editor", bob.email)

    assert bob.groups.filter(name=EDITORS_GROUP).count() == 1


def test_it_takes_editor_rights_away(charlie):
    call_command("make_editor", charlie.email, "--remove")

    charlie.refresh_from_db()
    assert not charlie.is_staff
    assert not charlie.groups.filter(name=EDITORS_GROUP).exists()


def test_it_errors_clearly_for_an_unknown_email(alice):
    with pytest.raises(CommandError, match=r"No user has the email 'nobody@example\.com'"):
        call_command("make_editor", "nobody@example.com")

    alice.refresh_from_db()
    assert not alice.is_staff
