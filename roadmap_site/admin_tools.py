"""Pieces the content admins share: count columns, publish actions, the Markdown preview."""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse_lazy

PREVIEW_SCRIPT = "admin-extra/markdown-preview.js"
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
