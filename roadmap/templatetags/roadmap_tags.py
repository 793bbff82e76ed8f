from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from roadmap.markup import render_markdown
from roadmap.models import StepProgress

register = template.Library()

STATUS_ICONS = {
    StepProgress.Status.DONE: "✓",
    StepProgress.Status.IN_PROGRESS: "◐",
    StepProgress.Status.SKIPPED: "↷",
    "": "○",
}


@register.filter(name="markdown")
def markdown_filter(text: str, top_heading: int = 2) -> SafeString:
    """Render editor Markdown through the site's one sanitiser."""
    return render_markdown(text, top_heading=int(top_heading))


@register.filter
def status_label(status: str) -> str:
    if not status:
        return "Not started"
    return StepProgress.Status(status).label


@register.filter
def status_icon(status: str) -> str:
    return STATUS_ICONS.get(status or "", "○")


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "") if mapping else ""


# The two per-step controls are built in Python, not with {% include %}: a
# roadmap page has one of each per step, and template includes made a
# learner's roadmap several times slower to render.


@register.simple_tag
def status_badge(step, status: str) -> SafeString:
    """A step's status as icon and text (progress.js updates it in place)."""
    status = status or ""
    return format_html(
        '<span class="status status-{}" data-status-for="{}">'
        '<span class="status-icon" aria-hidden="true">{}</span> '
        '<span class="status-label">{}</span></span>',
        status or "none",
        step.pk,
        status_icon(status),
        status_label(status),
    )


@register.simple_tag(takes_context=True)
def step_toggle(context, step, status: str) -> SafeString:
    """The one-click "Mark done" / "Undo" form of a step in a list."""
    url = step.get_absolute_url()
    request = context["request"]
    if status == StepProgress.Status.DONE:
        button = format_html(
            '<button type="submit" name="status" value="reset" '
            'class="button button-small button-quiet" data-toggle-done>Undo'
            '<span class="visually-hidden"> “{}” done</span></button>',
            step.title,
        )
    else:
        button = format_html(
            '<button type="submit" name="status" value="done" class="button button-small" '
            'data-toggle-done>Mark done<span class="visually-hidden">: {}</span></button>',
            step.title,
        )
    return format_html(
        '<form method="post" action="{}status/" class="inline-form" data-status-form '
        'data-step="{}" data-title="{}">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="next" value="{}#step-{}">{}</form>',
        url,
        step.pk,
        step.title,
        context.get("csrf_token", ""),
        request.get_full_path(),
        step.pk,
        button,
    )


@register.simple_tag
def activity_heatmap(activity) -> SafeString:
    """The 26-week calendar's cells: one per day, shaded by how many changes it had."""

    def level(changes: int) -> int:
        return (
            0
            if changes == 0
            else 1
            if changes == 1
            else 2
            if changes <= 3
            else 3
            if changes <= 6
            else 4
        )

    def cells():
        for week in activity.calendar():
            for cell in week:
                if cell is None:
                    yield ("cell cell-future", "")
                else:
                    day, changes = cell
                    plural = "" if changes == 1 else "s"
                    title = f"{day:%a} {day.day} {day:%b %Y}: {changes} change{plural}"
                    yield (f"cell lvl-{level(changes)}", title)

    return format_html_join("", '<span class="{}" title="{}" aria-hidden="true"></span>', cells())
