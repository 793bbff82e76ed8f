from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

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


def _level(changes: int) -> int:
    """How dark a day's cell is: 0 for none, then 1, 2-3, 4-6 and 7 or more changes."""
    if changes <= 1:
        return changes
    if changes <= 3:
        return 2
    return 3 if changes <= 6 else 4


@register.simple_tag
def activity_heatmap(activity) -> SafeString:
    """The 26-week calendar's cells: one per day, shaded by how many changes it had.

    182 cells a dashboard: joined as plain strings, since nothing in them comes
    from a person (classes are fixed, titles are made of dates and counts).
    """
    cells = []
    for week in activity.calendar():
        for cell in week:
            if cell is None:
                cells.append('<span class="cell cell-future" title="" aria-hidden="true"></span>')
                continue
            day, changes = cell
            title = f"{day:%a} {day.day} {day:%b %Y}: {changes} change{'' if changes == 1 else 's'}"
            cells.append(
                f'<span class="cell lvl-{_level(changes)}" title="{escape(title)}" '
                'aria-hidden="true"></span>'
            )
    return mark_safe("".join(cells))  # noqa: S308 - fixed markup, escaped titles
