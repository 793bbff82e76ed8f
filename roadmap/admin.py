from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.template.defaultfilters import pluralize

from courses.admin import StepCourseInline
from progress.models import CheckpointTick
from progress.selectors import learners_per_checkpoint, learners_per_step
from roadmap.models import Checkpoint, Stage, Step
from roadmap_site.admin_tools import (
    NEGATIVE_HOURS,
    CountingAdmin,
    MarkdownTextarea,
    annotated_column,
    publish_actions,
)

MARKDOWN_FIELDS: dict[type[models.Field], dict[str, Any]] = {
    models.TextField: {"widget": MarkdownTextarea}
}


class StepAdminForm(forms.ModelForm):
    """The admin supplies the model and fields; this adds clearer messages."""

    class Meta:
        error_messages = {"estimated_hours": NEGATIVE_HOURS}


class NewStepsAreDrafts(admin.options.BaseModelAdmin):
    """A step added in the admin starts unpublished: editors preview it, then publish."""

    def formfield_for_dbfield(self, db_field, request: HttpRequest, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name == "is_published":
            field.initial = False
        return field


class StepInline(NewStepsAreDrafts, admin.TabularInline):
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


def ticked_by_text(learners: int) -> str:
    return f"{learners} learner{pluralize(learners)} ticked it: deleting it deletes their ticks."


class TickCounts(admin.options.BaseModelAdmin):
    """Checkpoints read with how many learners ticked each (in the same query), shown in a
    "ticked by" column: an editor sees it before deleting one."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(learner_total=Count("ticks"))

    @admin.display(description="ticked by", ordering="learner_total")
    def ticked_by(self, checkpoint: Checkpoint) -> str:
        if not checkpoint.pk:
            return "–"
        learners = getattr(checkpoint, "learner_total", 0)
        return f"{learners} learner{pluralize(learners)}"


class CheckpointInline(TickCounts, admin.TabularInline):
    """A step's self-checks; each shows how many learners ticked it, before any delete."""

    model = Checkpoint
    fields = ["position", "text", "ticked_by"]
    readonly_fields = ["ticked_by"]
    ordering = ["position", "id"]
    extra = 1
    verbose_name = "self-check (“You can move on when you can…”)"
    verbose_name_plural = "self-checks (“You can move on when you can…”)"
    # Room for a whole sentence: the default input shows its first few words.
    formfield_overrides = {models.CharField: {"widget": forms.TextInput(attrs={"size": 60})}}


class CoursesOfStepInline(StepCourseInline):
    fields = ["position", "course", "is_recommended"]
    autocomplete_fields = ["course"]
    extra = 1


@admin.register(Step)
class StepAdmin(NewStepsAreDrafts, CountingAdmin):
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
    inlines = [CheckpointInline, CoursesOfStepInline]
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

    def save_formset(self, request: HttpRequest, form, formset: BaseInlineFormSet, change: bool):
        """Say how many learners had ticked the checkpoints an editor deleted."""
        if formset.model is not Checkpoint:
            return super().save_formset(request, form, formset, change)
        doomed = {f.instance.pk: f.instance.text for f in formset.deleted_forms if f.instance.pk}
        ticked = learners_per_checkpoint(doomed)
        super().save_formset(request, form, formset, change)
        for pk, text in doomed.items():
            if learners := ticked.get(pk):
                self.message_user(
                    request,
                    f"Deleted the self-check “{text}”: {learners} "
                    f"learner{pluralize(learners)} had ticked it, and their ticks are deleted too.",
                    messages.WARNING,
                )


@admin.register(Checkpoint)
class CheckpointAdmin(TickCounts, admin.ModelAdmin):
    """Every self-check, to find one and to reword it; they are added on their step.
    Deleting one says how many learners ticked it, never who."""

    list_display = ["text", "step", "position", "ticked_by"]
    list_filter = ["step__stage"]
    list_select_related = ["step"]
    search_fields = ["text", "step__title"]
    ordering = ["step__stage__position", "step__position", "position", "id"]
    fields = ["step", "position", "text", "ticked_by"]
    # Its ticks were given on this step: a checkpoint never moves to another one.
    readonly_fields = ["step", "ticked_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # added on its step, in the self-checks table

    def get_deleted_objects(self, objs, request: HttpRequest):
        """Django lists every tick that would go, by learner; say only how many learners."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # A checkpoint's only dependants are its ticks, one per learner: the list after
        # a checkpoint holds them.
        deleted = [[ticked_by_text(len(item))] if isinstance(item, list) else item
                   for item in deleted]  # fmt: skip
        ticks = counts.pop(str(CheckpointTick._meta.verbose_name_plural), 0)
        if ticks:
            counts["learners' ticks"] = ticks
        return deleted, counts, perms_needed, protected
