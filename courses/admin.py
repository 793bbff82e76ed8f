from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from courses.models import Course, CourseFeedback, LinkReport, Provider, StepCourse
from roadmap_site.admin_tools import (
    NEGATIVE_HOURS,
    CountingAdmin,
    MarkdownTextarea,
    annotated_column,
    publish_actions,
)
from roadmap_site.validators import http_url


class CourseAdminForm(forms.ModelForm):
    """The admin supplies the model and fields; this adds clearer messages."""

    class Meta:
        error_messages = {"duration_hours": NEGATIVE_HOURS, "url": {"invalid": http_url.message}}


class ProviderAdminForm(forms.ModelForm):
    """Say what a good website address looks like."""

    class Meta:
        error_messages = {"website": {"invalid": http_url.message}}


@admin.register(Provider)
class ProviderAdmin(CountingAdmin):
    form = ProviderAdminForm
    list_display = ["name", "slug", "website", "course_count"]
    search_fields = ["name", "website"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    counts = {"course_total": Count("courses")}

    course_count = annotated_column("course_total", "courses")


class StepCourseInline(admin.TabularInline):
    """Links between steps and courses, in the editors' order: edited from either side."""

    model = StepCourse
    ordering = ["position", "id"]


class StepsOfCourseInline(StepCourseInline):
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


class LinkHealthFilter(admin.SimpleListFilter):
    """What the last `manage.py check_links` found."""

    title = "link health"
    parameter_name = "link"
    BROKEN = Q(link_status__gte=400) | ~Q(link_error="")
    CHOICES = {
        "ok": ("Working", Q(link_status__lt=300) & Q(link_error="")),
        "redirected": (
            "Redirected",
            ~Q(link_final_url="") & ~Q(link_final_url=F("url")) & Q(link_status__lt=400),
        ),
        "broken": ("Broken", BROKEN),
        "unchecked": ("Not checked yet", Q(link_checked_at__isnull=True)),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _) in self.CHOICES.items()]

    def queryset(self, request, queryset):
        if (value := self.value()) in self.CHOICES:
            return queryset.filter(self.CHOICES[value][1])
        return queryset


@admin.register(Course)
class CourseAdmin(CountingAdmin):
    form = CourseAdminForm
    list_display = [
        "title", "provider", "format", "pricing", "is_published", "step_count",
        "helpful_votes", "unhelpful_votes", "open_reports", "link_health",
    ]  # fmt: skip
    list_filter = [
        "is_published", "pricing", "format", "level", LinkHealthFilter, StageListFilter,
        "provider",
    ]  # fmt: skip
    list_select_related = ["provider"]
    search_fields = ["title", "provider__name", "description", "url"]
    ordering = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["provider"]
    actions = publish_actions("course")
    inlines = [StepsOfCourseInline]
    readonly_fields = ["link_status", "link_final_url", "link_error", "link_checked_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "url", "provider", "description"]}),
        ("Resource", {"fields": ["format", "level", "pricing", "duration_hours", "is_published"]}),
        ("Link health (from manage.py check_links)", {"fields": [*readonly_fields]}),
    ]
    formfield_overrides = {models.TextField: {"widget": MarkdownTextarea(top_heading=4)}}

    # distinct=True: counting over several joined relations would multiply the counts.
    counts = {
        "step_total": Count("step_links", distinct=True),
        "helpful_total": Count("feedback", filter=Q(feedback__is_helpful=True), distinct=True),
        "unhelpful_total": Count("feedback", filter=Q(feedback__is_helpful=False), distinct=True),
        "open_report_total": Count(
            "link_reports", filter=Q(link_reports__is_resolved=False), distinct=True
        ),
    }

    step_count = annotated_column("step_total", "steps")

    helpful_votes = annotated_column("helpful_total", "helpful")

    unhelpful_votes = annotated_column("unhelpful_total", "not helpful")

    open_reports = annotated_column("open_report_total", "open reports")

    @admin.display(description="link", ordering="link_status")
    def link_health(self, course: Course) -> str:
        return format_html(
            '<a href="{}" rel="noopener nofollow" title="Open the course">{}</a>',
            course.url,
            self._health_label(course),
        )

    @staticmethod
    def _health_label(course: Course) -> str:
        if course.link_checked_at is None:
            return "not checked ↗"
        if course.link_is_broken:
            return f"✗ broken ({course.link_status or course.link_error[:40]}) ↗"
        if course.link_final_url and course.link_final_url != course.url:
            return f"↪ redirected ({course.link_status}) ↗"
        return f"✓ {course.link_status} ↗"

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        """Name the steps that link to the course, so nobody deletes it by surprise."""
        linked = (
            StepCourse.objects.filter(course_id=object_id)
            .select_related("step__stage")
            .order_by("step__stage__position", "step__position")
            if str(object_id).isdigit()
            else StepCourse.objects.none()
        )
        context = {**(extra_context or {}), "linked_steps": [link.step for link in linked]}
        return super().delete_view(request, object_id, context)


@admin.action(description="Mark the selected reports resolved")
def resolve_reports(modeladmin, request: HttpRequest, queryset: QuerySet[LinkReport]) -> None:
    count = 0
    for report in queryset.filter(is_resolved=False):
        report.is_resolved = True
        report.resolved_at = timezone.now()
        report.save(update_fields=["is_resolved", "resolved_at"])
        modeladmin.log_change(request, report, [{"changed": {"fields": ["resolved"]}}])
        count += 1
    modeladmin.message_user(
        request, f"Resolved {count} report{'' if count == 1 else 's'}.", messages.SUCCESS
    )


@admin.register(LinkReport)
class LinkReportAdmin(admin.ModelAdmin):
    """Learners' reports of broken or outdated links; editors fix the course, then resolve."""

    list_display = ["course", "reason", "created_at", "is_resolved", "course_link"]
    list_filter = ["is_resolved", "reason"]
    list_select_related = ["course"]
    search_fields = ["course__title"]
    ordering = ["is_resolved", "-created_at"]
    fields = ["course", "reason", "created_at", "is_resolved", "resolved_at"]
    readonly_fields = ["course", "reason", "created_at", "resolved_at"]
    actions = [resolve_reports]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from learners only

    @admin.display(description="URL")
    def course_link(self, report: LinkReport) -> str:
        return format_html('<a href="{}" rel="noopener nofollow">open ↗</a>', report.course.url)

    def save_model(self, request, obj: LinkReport, form, change: bool) -> None:
        if "is_resolved" in form.changed_data:
            obj.resolved_at = timezone.now() if obj.is_resolved else None
        super().save_model(request, obj, form, change)


@admin.register(CourseFeedback)
class CourseFeedbackAdmin(admin.ModelAdmin):
    """Read-only: the tally per course is on the course list; votes belong to learners."""

    list_display = ["course", "is_helpful", "updated_at"]
    list_filter = ["is_helpful"]
    list_select_related = ["course"]
    search_fields = ["course__title"]
    ordering = ["-updated_at"]
    readonly_fields = fields = ("course", "is_helpful", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
