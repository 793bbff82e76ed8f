from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from courses.models import StepCourse
from roadmap.models import Stage, Step


class StepInline(admin.TabularInline):
    model = Step
    fields = ["position", "title", "slug", "estimated_hours", "is_optional", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
    ordering = ["position", "id"]
    extra = 0
    show_change_link = True


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["title", "position", "step_count", "slug"]
    list_editable = ["position"]
    list_display_links = ["title"]
    search_fields = ["title", "summary", "body"]
    ordering = ["position", "id"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Stage]:
        return super().get_queryset(request).annotate(step_total=Count("steps"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, stage: Stage) -> int:
        return stage.step_total


class StepCourseInline(admin.TabularInline):
    model = StepCourse
    fields = ["position", "course", "is_recommended"]
    autocomplete_fields = ["course"]
    ordering = ["position", "id"]
    extra = 1


@admin.action(description="Publish the selected steps")
def publish_steps(modeladmin, request: HttpRequest, queryset: QuerySet[Step]) -> None:
    count = queryset.update(is_published=True)
    modeladmin.message_user(request, f"Published {count} step(s).", messages.SUCCESS)


@admin.action(description="Unpublish the selected steps")
def unpublish_steps(modeladmin, request: HttpRequest, queryset: QuerySet[Step]) -> None:
    count = queryset.update(is_published=False)
    modeladmin.message_user(request, f"Unpublished {count} step(s).", messages.SUCCESS)


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
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
    actions = [publish_steps, unpublish_steps]
    inlines = [StepCourseInline]
    fieldsets = [
        (None, {"fields": ["stage", "title", "slug", "position", "summary", "body"]}),
        ("Learning", {"fields": ["estimated_hours", "is_optional", "is_published"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Step]:
        return super().get_queryset(request).annotate(course_total=Count("course_links"))

    @admin.display(description="courses", ordering="course_total")
    def course_count(self, step: Step) -> int:
        return step.course_total
