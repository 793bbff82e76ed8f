"""Pieces the content admins share: count columns, publish actions, the Markdown preview
(its widget and the endpoint it calls)."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from roadmap_site.markup import render_markdown

PREVIEW_SCRIPT = "admin-extra/markdown-preview.js"
MAX_PREVIEW_CHARS = 100_000
NEGATIVE_HOURS = {
    "min_value": "Hours cannot be negative: enter 0 or more.",
    "max_value": "That is too many hours: enter at most %(limit_value)s.",
}


class CountingAdmin(admin.ModelAdmin):
    """An admin whose list counts related rows in its own query: `counts` names each
    annotation (shown with `annotated_column`)."""

    counts: dict[str, Count] = {}

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(**self.counts)


def annotated_column(name: str, description: str) -> Callable:
    """A list column showing the queryset's annotation `name`, sortable by it."""

    @admin.display(description=description, ordering=name)
    def column(modeladmin: admin.ModelAdmin, obj) -> int:
        return getattr(obj, name)

    return column


def set_published(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, published: bool
) -> int:
    """Publish or unpublish each object with save(), so signals fire and history records it.

    Returns how many objects changed; those already in the wanted state are left alone.
    """
    changed = 0
    for obj in queryset.filter(is_published=not published):
        obj.is_published = published
        obj.save(update_fields=["is_published"])
        modeladmin.log_change(request, obj, [{"changed": {"fields": ["published"]}}])
        changed += 1
    return changed


def publish_actions(noun: str) -> list[Callable]:
    """The two bulk actions, "Publish the selected <noun>s" and "Unpublish ..."."""

    def _action(published: bool) -> Callable:
        verb = "Publish" if published else "Unpublish"

        @admin.action(description=f"{verb} the selected {noun}s")
        def action(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
            count = set_published(modeladmin, request, queryset, published)
            modeladmin.message_user(
                request, f"{verb}ed {count} {noun}{'' if count == 1 else 's'}.", messages.SUCCESS
            )

        action.__name__ = f"{verb.lower()}_{noun}s"
        return action

    return [_action(True), _action(False)]


class MarkdownTextarea(forms.Textarea):
    """A textarea whose rendered, sanitised preview updates as the editor types."""

    def __init__(self, attrs: dict | None = None, top_heading: int = 2) -> None:
        super().__init__(
            {
                "data-markdown-preview": reverse_lazy("courses:markdown_preview"),
                "data-top-heading": str(top_heading),
                **(attrs or {}),
            }
        )

    class Media:
        js = [PREVIEW_SCRIPT]
        css = {"all": ["admin-extra/markdown-preview.css"]}


@require_POST
def markdown_preview(request: HttpRequest) -> JsonResponse:
    """Render Markdown through the site's one sanitiser, for MarkdownTextarea's live preview:
    staff only, POST with CSRF. Served at /courses/markdown-preview/ (courses:markdown_preview)."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return JsonResponse({"error": "Only editors can preview."}, status=403)
    text = request.POST.get("text", "")
    if len(text) > MAX_PREVIEW_CHARS:
        return JsonResponse({"error": "That text is too long to preview."}, status=400)
    try:
        top_heading = min(6, max(1, int(request.POST.get("top_heading", "2"))))
    except ValueError:
        top_heading = 2
    return JsonResponse({"html": str(render_markdown(text, top_heading=top_heading))})
