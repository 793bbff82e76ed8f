"""The public pages, the dashboard and the account pages, on the seeded content."""

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from courses.models import Course, StepCourse
from courses.views import PAGE_SIZE
from progress.models import StepProgress
from roadmap.models import Stage, Step
from tests.support import PASSWORD

Status = StepProgress.Status

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEED = json.loads((FIXTURES / "roadmap.json").read_text())
STAGE_SLUGS = [obj["fields"]["slug"] for obj in SEED if obj["model"] == "roadmap.stage"]
SEEDED_STEPS = {
    f"/stages/{obj['fields']['stage'][0]}/{obj['fields']['slug']}/": obj["fields"]
    for obj in SEED
    if obj["model"] == "roadmap.step"
}
STEP_PATHS = list(SEEDED_STEPS)


def first_step(*, optional: bool = False, project: bool = False) -> str:
    """The first seeded step of its kind (required or optional, project or not)."""
    return next(
        path
        for path, fields in SEEDED_STEPS.items()
        if fields.get("is_optional", False) == optional
        and fields.get("is_project", False) == project
    )


# Each kind of step page once per role; every step is walked once below.
REPRESENTATIVE_STEPS = {
    "the first step": STEP_PATHS[0],
    "an optional alternative": first_step(optional=True),
    "a project": first_step(project=True),
    "an optional project": first_step(optional=True, project=True),
    "the last step": STEP_PATHS[-1],
}


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def notices_of(response) -> list[str]:
    """The catalogue's notices, as shown on the page (not flash messages: the page is cached)."""
    found = re.findall(r'<p class="message message-warning">(.*?)</p>', response.content.decode())
    return [html.unescape(notice) for notice in found]


def templates_of(response) -> list[str]:
    return [template.name for template in response.templates]


# ---------------------------------------------------------------- every public page answers


def test_it_shows_the_roadmap(anyone, seeded):
    response = anyone.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    for stage in Stage.objects.all():
        assert stage.title in page


@pytest.mark.parametrize("slug", STAGE_SLUGS)
def test_it_shows_every_stage(anyone, seeded, slug):
    response = anyone.get(f"/stages/{slug}/")

    assert response.status_code == 200
    page = response.content.decode()
    for step in Step.objects.published().filter(stage__slug=slug):
        assert step.get_absolute_url() in page


def assert_step_page_with_its_courses(response, path: str) -> None:
    assert response.status_code == 200, path
    step = response.context["step"]
    assert step.get_absolute_url() == path
    page = response.content.decode()
    for link in StepCourse.objects.filter(step=step).select_related("course"):
        assert link.course.url in page, (path, link.course.url)


@pytest.mark.parametrize("path", REPRESENTATIVE_STEPS.values(), ids=list(REPRESENTATIVE_STEPS))
def test_it_shows_each_kind_of_step(anyone, seeded, path):
    assert_step_page_with_its_courses(anyone.get(path), path)


def test_it_shows_every_published_step_with_its_courses(client, seeded):
    paths = [step.get_absolute_url() for step in Step.objects.published().select_related("stage")]
    assert sorted(paths) == sorted(STEP_PATHS)

    for path in paths:
        assert_step_page_with_its_courses(client.get(path), path)


def test_it_shows_the_catalogue(anyone, seeded):
    response = anyone.get("/courses/")

    assert response.status_code == 200
    published = Course.objects.published().count()
    assert response.context["total"] == published
    assert len(response.context["page"].object_list) == min(PAGE_SIZE, published)


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
)
def test_it_shows_the_account_pages_to_a_visitor(client, db, path):
    response = client.get(path)

    assert response.status_code == 200
    assert b"<form" in response.content


@pytest.mark.parametrize(
    "path",
    ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"],
)
def test_it_answers_the_account_pages_for_anyone(anyone, path):
    # Signed-in people are sent on from the login and sign-up pages (allauth).
    response = anyone.get(path, follow=True)

    assert response.status_code == 200


def test_it_signs_in_a_learner_with_a_verified_email(client, alice):
    response = client.post(
        "/accounts/login/",
        {"login": "alice@example.com", "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("progress:dashboard")
    assert client.get("/progress/").context["user"] == alice


def test_it_refuses_a_wrong_password(client, alice):
    response = client.post("/accounts/login/", {"login": alice.email, "password": "wrong"})

    assert response.status_code == 200
    assert not response.context["user"].is_authenticated


# ---------------------------------------------------------------- catalogue filters


def total(response) -> int:
    assert response.status_code == 200
    count = int(re.search(r"(\d+) resources?", response.content.decode())[1])
    assert count == response.context["total"]
    return count


def listed_slugs(response) -> set[str]:
    return {course.slug for course in response.context["page"].object_list}


@pytest.mark.parametrize(
    "query",
    [{"stage": "databases"}, {"format": "book"}, {"level": "intermediate"}, {"price": "paid"}],
)
def test_it_answers_a_filtered_catalogue_for_anyone(anyone, seeded, query):
    response = anyone.get("/courses/", query)

    assert response.status_code == 200
    assert 0 < response.context["total"] < Course.objects.published().count()
    assert response.context["filters"] == query


@pytest.mark.parametrize("slug", STAGE_SLUGS)
def test_it_filters_the_catalogue_by_stage(client, seeded, slug):
    response = client.get("/courses/", {"stage": slug})

    expected = Course.objects.published().filter(
        step_links__step__stage__slug=slug, step_links__step__is_published=True
    )
    assert total(response) == expected.distinct().count() > 0
    assert listed_slugs(response) <= set(expected.values_list("slug", flat=True))
    assert not notices_of(response)


@pytest.mark.parametrize("fmt", Course.Format.values)
def test_it_filters_the_catalogue_by_format(client, seeded, fmt):
    response = client.get("/courses/", {"format": fmt})

    assert total(response) == Course.objects.published().filter(format=fmt).count()
    assert all(course.format == fmt for course in response.context["page"].object_list)


@pytest.mark.parametrize("level", Course.Level.values)
def test_it_filters_the_catalogue_by_level(client, seeded, level):
    response = client.get("/courses/", {"level": level})

    assert total(response) == Course.objects.published().filter(level=level).count()
    assert all(course.level == level for course in response.context["page"].object_list)


@pytest.mark.parametrize(
    ("price", "matches"),
    [("free", Course.objects.free), ("paid", Course.objects.paid)],
)
def test_it_filters_the_catalogue_by_price(client, seeded, price, matches):
    response = client.get("/courses/", {"price": price})

    assert total(response) == matches().published().count() > 0
    paid = {course.is_paid for course in response.context["page"].object_list}
    assert paid == {price == "paid"}


def test_it_combines_catalogue_filters(client, seeded):
    response = client.get(
        "/courses/", {"stage": "python-fundamentals", "level": "beginner", "price": "free"}
    )

    expected = (
        Course.objects.published()
        .free()
        .filter(level="beginner", step_links__step__stage__slug="python-fundamentals")
        .distinct()
    )
    assert total(response) == expected.count()
    assert listed_slugs(response) == set(expected.values_list("slug", flat=True)[:PAGE_SIZE])


@pytest.mark.parametrize(
    ("query", "label"),
    [
        ({"stage": "no-such-stage"}, "stage"),
        ({"format": "podcast"}, "format"),
        ({"level": "expert"}, "level"),
        ({"price": "cheap"}, "price"),
        ({"stage": "<script>alert(1)</script>"}, "stage"),
    ],
)
def test_it_ignores_an_unknown_filter_with_a_message(client, seeded, query, label):
    response = client.get("/courses/", query)

    assert total(response) == Course.objects.published().count()
    [message] = notices_of(response)
    assert label in message.lower()
    assert "not one we know" in message
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_it_answers_an_unknown_filter_and_a_bad_page_for_anyone(anyone, seeded):
    response = anyone.get("/courses/", {"level": "expert", "page": "junk"})

    assert response.status_code == 200
    assert len(notices_of(response)) == 2


def test_it_keeps_the_good_filters_when_one_is_unknown(client, seeded):
    response = client.get("/courses/", {"format": "podcast", "price": "paid"})

    assert total(response) == Course.objects.published().paid().count()
    assert len(notices_of(response)) == 1


def catalogue_pages() -> list[str]:
    pages = -(-Course.objects.published().count() // PAGE_SIZE)
    return [f"/courses/?page={number}" for number in range(1, pages + 1)]


def test_it_pages_through_the_catalogue(client, seeded):
    pages = catalogue_pages()
    assert len(pages) >= 2

    for number, url in enumerate(pages, start=1):
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["page"].number == number
        assert not notices_of(response)


def test_it_shows_every_course_once_across_the_pages(client, seeded):
    seen = []
    for url in catalogue_pages():
        seen += listed_slugs(client.get(url))

    assert sorted(seen) == sorted(Course.objects.published().values_list("slug", flat=True))


# (A NUL character is a 404 at every URL: tests/test_fuzz.py.)
@pytest.mark.parametrize("page", ["999", "0", "-1", "abc", "1.5", "", "1e3", "9" * 40, "٣"])
def test_it_answers_a_bad_page_number(client, seeded, page):
    response = client.get("/courses/", {"page": page})

    assert response.status_code == 200
    assert response.context["page"].object_list


def test_it_shows_the_last_page_for_a_page_past_the_end(client, seeded):
    response = client.get("/courses/", {"page": "999"})

    last = len(catalogue_pages())
    assert response.context["page"].number == last
    assert notices_of(response) == [f"There is no page “999”; here is page {last}."]


def test_it_shows_the_first_page_for_a_junk_page(client, seeded):
    response = client.get("/courses/", {"page": "junk"})

    assert response.context["page"].number == 1
    assert notices_of(response) == ["There is no page “junk”; here is page 1."]


# ---------------------------------------------------------------- the dashboard


def test_it_sends_a_visitor_from_the_dashboard_to_sign_in(client, seeded):
    response = client.get("/progress/")

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query) == {"next": ["/progress/"]}


def first_required_steps(count: int) -> list[Step]:
    return list(Step.objects.published().required().in_roadmap_order()[:count])


def test_it_shows_a_learner_the_next_step(alice_client, seeded):
    first = first_required_steps(1)[0]

    response = alice_client.get("/progress/")

    assert response.status_code == 200
    assert response.context["next_step"] == first
    assert first.get_absolute_url() in response.content.decode()


def test_it_moves_the_next_step_on(alice_client, alice, seeded):
    first, second = first_required_steps(2)
    StepProgress.objects.create(user=alice, step=first, status=Status.DONE)

    response = alice_client.get("/progress/")

    assert response.context["next_step"] == second
    assert response.context["overall"].done == 1
    assert f'<a href="{second.get_absolute_url()}">{escape(second.title)}</a>' in (
        response.content.decode()
    )


def test_it_shows_the_dashboard_to_an_editor(charlie_client, seeded):
    assert charlie_client.get("/progress/").status_code == 200


def test_it_shows_recent_changes_on_the_dashboard(alice_client, alice, bob, seeded):
    mine, theirs = first_required_steps(2)
    StepProgress.objects.create(user=alice, step=mine, status=Status.SKIPPED)
    StepProgress.objects.create(user=bob, step=theirs, status=Status.DONE)

    response = alice_client.get("/progress/")

    assert [progress.step for progress in response.context["recent"]] == [mine]
    assert response.context["overall"].skipped == 1
    assert response.context["overall"].done == 0


def test_it_congratulates_a_learner_who_settled_every_core_step(alice_client, alice, seeded):
    required = list(Step.objects.published().required())
    StepProgress.objects.bulk_create(
        StepProgress(user=alice, step=step, status=Status.SKIPPED if n % 5 else Status.DONE)
        for n, step in enumerate(required)
    )

    dashboard = alice_client.get("/progress/")
    roadmap = alice_client.get("/")

    assert dashboard.context["next_step"] is None
    assert dashboard.context["overall"].percent == 100
    assert dashboard.context["overall"].hours_left == 0
    assert "Every core step is done or skipped" in dashboard.content.decode()
    assert roadmap.context["overall"].is_complete
    assert "You have finished every core step" in roadmap.content.decode()


def test_it_signs_a_learner_out(alice_client, seeded):
    response = alice_client.post(reverse("account_logout"))

    assert response.status_code == 302
    assert alice_client.get("/progress/").status_code == 302
    assert not alice_client.get("/").context["user"].is_authenticated


# ---------------------------------------------------------------- not found


@pytest.mark.parametrize(
    "path",
    [
        "/stages/no-such-stage/",
        "/stages/python-fundamentals/no-such-step/",
        "/stages/no-such-stage/setup-python/",
        "/stages/databases/setup-python/",
        "/no-such-page/",
    ],
)
def test_it_answers_404_with_the_styled_page(anyone, seeded, path):
    response = anyone.get(path)

    assert response.status_code == 404
    assert "404.html" in templates_of(response)
    assert "We could not find that page" in response.content.decode()


# ---------------------------------------------------------------- learners see their status


def badge(step: Step, status: str) -> str:
    return f'class="status status-{status}" data-status-for="{step.pk}"'


def test_it_shows_a_learner_their_status_on_the_roadmap(alice_client, alice, seeded):
    done, started = first_required_steps(2)
    StepProgress.objects.create(user=alice, step=done, status=Status.DONE)
    StepProgress.objects.create(user=alice, step=started, status=Status.IN_PROGRESS)

    response = alice_client.get("/")

    page = response.content.decode()
    assert badge(done, "done") in page
    assert badge(started, "in_progress") in page
    assert response.context["overall"].settled == 1
    assert response.context["next_step"] == started


def test_it_shows_a_learner_their_status_on_the_stage_page(alice_client, alice, seeded):
    done, skipped = first_required_steps(2)
    StepProgress.objects.create(user=alice, step=done, status=Status.DONE)
    StepProgress.objects.create(user=alice, step=skipped, status=Status.SKIPPED)

    response = alice_client.get(done.stage.get_absolute_url())

    page = response.content.decode()
    assert badge(done, "done") in page
    assert badge(skipped, "skipped") in page
    summary = response.context["summary"]
    assert (summary.done, summary.skipped, summary.settled) == (1, 1, 2)
    required = Step.objects.published().required().filter(stage=done.stage).count()
    assert f"2 of {required} required steps (1 skipped)" in page


def test_it_shows_a_learner_their_status_on_the_step_page(alice_client, alice, seeded):
    step = first_required_steps(1)[0]
    StepProgress.objects.create(user=alice, step=step, status=Status.IN_PROGRESS)

    response = alice_client.get(step.get_absolute_url())

    assert response.context["status"] == Status.IN_PROGRESS
    assert badge(step, "in_progress") in response.content.decode()


def test_it_does_not_show_one_learner_the_status_of_another(alice_client, bob, seeded):
    step = first_required_steps(1)[0]
    StepProgress.objects.create(user=bob, step=step, status=Status.DONE)

    response = alice_client.get("/")

    assert badge(step, "done") not in response.content.decode()
    assert response.context["overall"].settled == 0


def test_it_shows_a_visitor_no_status(client, seeded):
    response = client.get("/")

    assert "data-status-for" not in response.content.decode()
    assert "Your progress" not in response.content.decode()


# ---------------------------------------------------------------- unpublished content is hidden


HIDDEN_STEP = "Zyxwvut hidden step"
HIDDEN_COURSE = "Qwertyuiop hidden course"


@pytest.fixture
def hidden_step(seeded) -> Step:
    """A required step, unpublished by an editor, with its own course."""
    step = first_required_steps(1)[0]
    step.title = HIDDEN_STEP
    step.is_published = False
    step.save()
    return step


def test_it_hides_an_unpublished_step_everywhere(anyone, hidden_step):
    stage_url = hidden_step.stage.get_absolute_url()
    for url in ["/", stage_url, *catalogue_pages()]:
        response = anyone.get(url)
        assert response.status_code == 200, url
        assert HIDDEN_STEP not in response.content.decode(), url
        assert hidden_step.get_absolute_url() not in response.content.decode(), url

    response = anyone.get(hidden_step.get_absolute_url())
    # Editors preview drafts (tests/test_drafts.py); nobody else may open them.
    previewing = response.wsgi_request.user.has_perm("roadmap.change_step")
    assert response.status_code == (200 if previewing else 404)


def test_it_does_not_count_an_unpublished_step(client, hidden_step):
    required = Step.objects.published().required()

    roadmap = client.get("/")
    stage = client.get(hidden_step.stage.get_absolute_url())

    assert roadmap.context["overall"].required_total == required.count()
    assert f"<strong>{required.count()}</strong> core steps" in roadmap.content.decode()
    assert stage.context["summary"].required_total == (
        required.filter(stage=hidden_step.stage).count()
    )
    assert (
        len(stage.context["steps"])
        == Step.objects.published().filter(stage=hidden_step.stage).count()
    )


def test_it_does_not_count_progress_on_an_unpublished_step(alice_client, alice, hidden_step):
    StepProgress.objects.create(user=alice, step=hidden_step, status=Status.DONE)

    dashboard = alice_client.get("/progress/")
    roadmap = alice_client.get("/")

    assert dashboard.status_code == 200
    assert dashboard.context["overall"].done == 0
    assert list(dashboard.context["recent"]) == []
    assert HIDDEN_STEP not in dashboard.content.decode()
    assert roadmap.context["overall"].settled == 0


def test_it_hides_a_stage_whose_steps_are_all_unpublished(client, seeded):
    stage = Stage.objects.get(slug="build-projects")
    stage.steps.update(is_published=False)

    response = client.get("/")

    assert stage.get_absolute_url() not in response.content.decode()
    assert len(response.context["stages"]) == Stage.objects.count() - 1


def test_it_does_not_list_courses_for_a_stage_whose_steps_are_unpublished(client, seeded):
    stage = Stage.objects.get(slug="build-projects")
    stage.steps.update(is_published=False)

    response = client.get("/courses/", {"stage": stage.slug})

    assert total(response) == 0


@pytest.fixture
def hidden_course(seeded) -> Course:
    link = StepCourse.objects.select_related("step", "course").first()
    course = link.course
    course.title = HIDDEN_COURSE
    course.is_published = False
    course.save()
    return course


def test_it_hides_an_unpublished_course_everywhere(client, hidden_course):
    step = hidden_course.step_links.first().step
    urls = ["/", step.stage.get_absolute_url(), step.get_absolute_url()]
    urls += catalogue_pages()
    urls += [f"/courses/?stage={step.stage.slug}", f"/courses/?format={hidden_course.format}"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert HIDDEN_COURSE not in response.content.decode(), url
        assert hidden_course.url not in response.content.decode(), url


def test_it_does_not_count_an_unpublished_course(client, hidden_course):
    step = hidden_course.step_links.first().step

    catalogue = client.get("/courses/")
    stage = client.get(step.stage.get_absolute_url())

    assert total(catalogue) == Course.objects.count() - 1
    shown = next(s for s in stage.context["steps"] if s.pk == step.pk)
    assert len(shown.published_links) == step.course_links.count() - 1
