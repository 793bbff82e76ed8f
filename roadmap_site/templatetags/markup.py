from django import template
from django.utils.safestring import SafeString

from roadmap_site.markup import render_inline_markdown, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str, top_heading: int = 2) -> SafeString:
    """Render editor Markdown through the site's one sanitiser."""
    return render_markdown(text, top_heading=int(top_heading))


@register.filter(name="inline_markdown")
def inline_markdown_filter(text: str) -> SafeString:
    """Render one line of editor Markdown (a checkpoint) through the same sanitiser."""
    return render_inline_markdown(text)
