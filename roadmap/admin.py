from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.http import HttpRequest

from courses.admin import StepCourseInline
from progress.selectors import learners_per_step
from roadmap.models import Stage, Step
from roadmap_site.admin_tools import (
    NEGATIVE_HOURS,
    CountingAdmin,
    MarkdownTextarea,
    annotated_column,
    publish_actions,
)

MARKDOWN_FIELDS = {models.TextField: {"widget": MarkdownTextarea}}


class StepAdminForm(forms.ModelForm):
    """The admin supplies the model and fields; this adds clearer messages."""

    class Meta:
        error_messages = {"estimated_hours": NEGATIVE_HOURS}


class StepInline(admin.TabularInline):
    model = Step
    fields = ["position", "title", "slug", "estimated_hours", "is_optional", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["position", "id"]
    extra = 0
    show_change_link = True


@admin.register(Stage)
class StageAdmin(CountingAdmin):
    list_display = ["title", "position", "step_count", "slug"]
    list_editable = ["position"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    ordering = ["position", "id"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]
    formfield_overrides = MARKDOWN_FIELDS

    counts = {"step_total": Count("steps")}

    step_count = annotated_column("step_total", "steps")


class CoursesOfStepInline(StepCourseInline):
    fields = ["position", "course", "is_recommended"]
    autocomplete_fields = ["course"]
    extra = 1


@admin.register(Step)
class StepAdmin(CountingAdmin):
    form = StepAdminForm
    list_display = [
        "title", "stage", "position", "estimated_hours", "is_optional", "is_published",
        "course_count",
    ]  # fmt: skip
    list_filter = ["stage", "is_optional", "is_published"]
    list_select_related = ["stage"]
    search_fields = ["title", "summary", "body", "stage__title"]
    ordering = ["stage__position", "position", "id"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["stage"]
    actions = publish_actions("step")
    inlines = [CoursesOfStepInline]
    formfield_overrides = MARKDOWN_FIELDS
    fieldsets = [
        (None, {"fields": ["stage", "title", "slug", "position", "summary", "body"]}),
        ("Learning", {"fields": ["estimated_hours", "is_optional", "is_published"]}),
    ]

    counts = {"course_total": Count("course_links")}

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Never delete, nor list to editors, learners' data: say to unpublish instead."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        learners = learners_per_step([obj.pk for obj in objs])
        if learners:
            protected = [
                f"“{step.title}”: {len(learners[step.pk])} learner(s) have progress, notes or a "
                "project on it. Unpublish the step instead: it disappears from the site and "
                "their data is kept."
                for step in objs
                if step.pk in learners
            ]
        return deleted, counts, perms_needed, protected

    course_count = annotated_column("course_total", "courses")
