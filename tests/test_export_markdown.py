"""The whole roadmap as one Markdown download."""

import pytest

from courses.models import Course
from roadmap.models import Stage, Step

pytestmark = pytest.mark.django_db


@pytest.fixture
def markdown(client, seeded) -> str:
    response = client.get("/roadmap.md")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/markdown")
    assert "attachment" in response["Content-Disposition"]
    return response.content.decode()


def test_it_has_every_stage_and_published_step_in_order(markdown):
    positions = [markdown.index(f"## {n}. {s.title}") for n, s in enumerate(Stage.objects.all(), 1)]
    assert positions == sorted(positions)
    for step in Step.objects.published():
        assert f"### {step.title}" in markdown


def test_it_has_the_step_texts(markdown):
    step = Step.objects.published().get(slug="docker")
    first_line = next(line for line in step.body.splitlines() if line.strip())
    assert first_line.lstrip("# ") in markdown


def test_it_has_each_steps_self_checks_in_order_as_a_task_list(markdown):
    step = Step.objects.published().get(slug="docker")
    section = markdown[markdown.index(f"### {step.title}") :]
    section = section[: section.index("**Resources**")]

    texts = [f"- [ ] {text}" for text in step.checkpoints.values_list("text", flat=True)]
    assert len(texts) >= 3
    assert "**You can move on when you can…**" in section
    assert [section.index(text) for text in texts] == sorted(section.index(t) for t in texts)


def test_it_lists_the_resources_with_their_links(markdown):
    course = Course.objects.published().filter(step_links__isnull=False).first()
    assert f"[{course.title}]({course.url})" in markdown


def test_it_marks_optional_steps(markdown):
    angular = Step.objects.get(slug="angular")
    assert angular.is_optional
    assert f"### {angular.title} (optional)" in markdown


def test_it_leaves_out_unpublished_content(client, seeded):
    Step.objects.filter(slug="angular").update(is_published=False)
    course = Course.objects.published().first()
    Course.objects.filter(pk=course.pk).update(is_published=False)

    text = client.get("/roadmap.md").content.decode()

    assert "Angular (optional" not in text
    assert f"[{course.title}]" not in text


def test_its_headings_stay_below_the_step_headings(markdown):
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings[0] == "# Python Backend Roadmap"
    assert not [h for h in headings[1:] if h.startswith("# ")]
