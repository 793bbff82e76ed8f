"""The status and its one button on each step of the roadmap and of a stage page
(progress_tags.status_toggle): Mark done, or Undo once done, with the title escaped."""

import pytest

from progress.models import StepProgress

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("page", ["roadmap", "stage"])
def test_each_step_offers_mark_done_or_undo(alice_client, alice, roadmap, page):
    done, todo = roadmap.steps_of(roadmap.stages[0])[:2]
    todo.title = 'Tags <b> & "quotes"'
    todo.save()
    StepProgress.objects.create(user=alice, step=done, status=StepProgress.Status.DONE)

    html = alice_client.get("/" if page == "roadmap" else done.stage.get_absolute_url()).text

    assert (
        f'<span class="status status-done" data-status-for="{done.pk}"><span class="status-icon" '
        'aria-hidden="true">✓</span> <span class="status-label">Done</span></span>\n'
        f'<button type="submit" form="status-list" formaction="{done.get_absolute_url()}status/" '
        'name="status" value="reset" class="button button-small button-quiet" data-toggle-done '
        f'data-step="{done.pk}" data-title="{done.title}">Undo<span class="visually-hidden"> '
        f"“{done.title}” done</span></button>"
    ) in html
    assert (
        f'<span class="status status-none" data-status-for="{todo.pk}">'
        '<span class="status-icon" aria-hidden="true">○</span> '
        '<span class="status-label">Not started</span></span>\n'
        f'<button type="submit" form="status-list" formaction="{todo.get_absolute_url()}status/" '
        'name="status" value="done" class="button button-small" data-toggle-done '
        f'data-step="{todo.pk}" data-title="Tags &lt;b&gt; &amp; &quot;quotes&quot;">Mark done'
        '<span class="visually-hidden">: Tags &lt;b&gt; &amp; &quot;quotes&quot;</span></button>'
    ) in html
    assert "<b>" not in html


def test_a_visitor_sees_no_status_buttons(client, roadmap):
    assert "data-toggle-done" not in client.get("/").text
