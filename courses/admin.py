from django.contrib import admin, messages
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from courses.models import Course, Provider, StepCourse


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website", "course_count"]
    search_fields = ["name", "website"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request: HttpRequest) -> QuerySet[Provider]:
        return super().get_queryset(request).annotate(course_total=Count("courses"))

    @admin.display(description="courses", ordering="course_total")
    def course_count(self, provider: Provider) -> int:
        return provider.course_total


class StepCourseInline(admin.TabularInline):
    model = StepCourse
    fields = ["step", "position", "is_recommended"]
    autocomplete_fields = ["step"]
    extra = 0
    verbose_name = "step this course is linked from"
    verbose_name_plural = "steps this course is linked from"


class StageListFilter(admin.SimpleListFilter):
    title = "stage"
    parameter_name = "stage"

    def lookups(self, request, model_admin):
        from roadmap.models import Stage

        return [(s.slug, s.title) for s in Stage.objects.only("slug", "title")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(step_links__step__stage__slug=self.value()).distinct()
        return queryset


@admin.action(description="Publish the selected courses")
def publish_courses(modeladmin, request: HttpRequest, queryset: QuerySet[Course]) -> None:
    count = queryset.update(is_published=True)
    modeladmin.message_user(request, f"Published {count} course(s).", messages.SUCCESS)


@admin.action(description="Unpublish the selected courses")
def unpublish_courses(modeladmin, request: HttpRequest, queryset: QuerySet[Course]) -> None:
    count = queryset.update(is_published=False)
    modeladmin.message_user(request, f"Unpublished {count} course(s).", messages.SUCCESS)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = [
        "title", "provider", "format", "level", "pricing", "is_published", "step_count",
        "link",
    ]  # fmt: skip
    list_filter = ["is_published", "pricing", "format", "level", StageListFilter, "provider"]
    list_select_related = ["provider"]
    search_fields = ["title", "provider__name", "description", "url"]
    ordering = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provider"]
    actions = [publish_courses, unpublish_courses]
    inlines = [StepCourseInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Course]:
        return super().get_queryset(request).annotate(step_total=Count("step_links"))

    @admin.display(description="steps", ordering="step_total")
    def step_count(self, course: Course) -> int:
        return course.step_total

    @admin.display(description="URL")
    def link(self, course: Course) -> str:
        return format_html('<a href="{}" rel="noopener nofollow">open ↗</a>', course.url)
