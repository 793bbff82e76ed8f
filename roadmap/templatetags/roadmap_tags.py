from django import template
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
