from django.conf import settings
from django.db import models
from django.urls import reverse

from roadmap.models import SlugKeyed, SlugKeyQuerySet, Step
from roadmap_site.validators import http_url


class Provider(SlugKeyed, models.Model):
    """Who publishes a course: a documentation project, a school, a platform."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True)
    website = models.URLField(blank=True, validators=[http_url])

    objects = SlugKeyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CourseQuerySet(SlugKeyQuerySet["Course"]):
    def published(self) -> "CourseQuerySet":
        return self.filter(is_published=True)

    def free(self) -> "CourseQuerySet":
        """Free to learn from; a paid certificate may be on offer."""
        return self.exclude(pricing=Course.Pricing.PAID)

    def paid(self) -> "CourseQuerySet":
        return self.filter(pricing=Course.Pricing.PAID)


class Course(SlugKeyed, models.Model):
    """A curated resource: a course, book, documentation page or video."""

    class Format(models.TextChoices):
        COURSE = "course", "Course"
        BOOK = "book", "Book"
        DOCUMENTATION = "documentation", "Documentation"
        VIDEO = "video", "Video"
        TUTORIAL = "tutorial", "Tutorial"
        INTERACTIVE = "interactive", "Interactive"
        ARTICLE = "article", "Article"

    class Level(models.TextChoices):
        BEGINNER = "beginner", "Beginner"
        INTERMEDIATE = "intermediate", "Intermediate"
        ADVANCED = "advanced", "Advanced"

    class Pricing(models.TextChoices):
        FREE = "free", "Free"
        FREE_CERTIFICATE = "free_certificate", "Free, paid certificate"
        PAID = "paid", "Paid"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    url = models.URLField("URL", max_length=500, validators=[http_url])
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="courses")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.COURSE)
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER)
    pricing = models.CharField(max_length=20, choices=Pricing.choices, default=Pricing.FREE)
    duration_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Rough time to complete, in hours."
    )
    description = models.TextField(blank=True, help_text="Markdown.")
    is_published = models.BooleanField("published", default=True)
    steps = models.ManyToManyField(Step, through="StepCourse", related_name="courses", blank=True)

    # Link health, written by `manage.py check_links`; not content, so not exported.
    link_status = models.PositiveSmallIntegerField(
        "last HTTP status", null=True, blank=True, editable=False
    )
    link_final_url = models.URLField("final URL", max_length=500, blank=True, editable=False)
    link_error = models.CharField("link error", max_length=300, blank=True, editable=False)
    link_checked_at = models.DateTimeField("link checked at", null=True, blank=True, editable=False)

    objects = CourseQuerySet.as_manager()

    # Set by hand on the instances a selector returns, never stored; declared for the
    # type checker. (What annotate() or Prefetch(to_attr=) adds, django-stubs sees.)
    my_vote: bool | None  # the learner's (courses.selectors.with_learner_marks)
    my_report: bool

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{reverse('courses:catalogue')}#course-{self.slug}"

    def natural_key(self) -> tuple[str]:
        return super().natural_key()

    natural_key.dependencies = ["courses.provider"]  # type: ignore[attr-defined]

    @property
    def is_paid(self) -> bool:
        return self.pricing == self.Pricing.PAID

    @property
    def link_is_broken(self) -> bool:
        """The last check failed: an error, or an HTTP status of 400 or more."""
        return bool(self.link_error) or (self.link_status or 0) >= 400


class StepCourseQuerySet(models.QuerySet["StepCourse"]):
    def published(self) -> "StepCourseQuerySet":
        return self.filter(course__is_published=True)

    def free_first(self) -> "StepCourseQuerySet":
        """Free resources before paid ones, then in the editors' order."""
        paid_last = models.Case(
            models.When(course__pricing=Course.Pricing.PAID, then=models.Value(1)),
            default=models.Value(0),
            output_field=models.IntegerField(),
        )
        return self.order_by(paid_last, "position", "id")

    def get_by_natural_key(self, stage_slug: str, step_slug: str, course_slug: str) -> "StepCourse":
        return self.get(
            step__stage__slug=stage_slug, step__slug=step_slug, course__slug=course_slug
        )


class StepCourse(models.Model):
    """A course curated for a step, in the order editors chose."""

    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="course_links")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="step_links")
    position = models.PositiveIntegerField(default=0)
    is_recommended = models.BooleanField("recommended", default=False)

    objects = StepCourseQuerySet.as_manager()

    class Meta:
        ordering = ["position", "id"]
        verbose_name = "course link"
        constraints = [
            models.UniqueConstraint(fields=["step", "course"], name="course_linked_once_per_step"),
        ]

    def __str__(self) -> str:
        return f"{self.course} → {self.step}"

    def natural_key(self) -> tuple[str, str, str]:
        return (*self.step.natural_key(), self.course.slug)

    natural_key.dependencies = ["roadmap.step", "courses.course"]  # type: ignore[attr-defined]


class LinkReport(models.Model):
    """A learner's report that a course link is broken or out of date."""

    class Reason(models.TextChoices):
        BROKEN = "broken", "The link is broken"
        OUTDATED = "outdated", "The content is out of date"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="link_reports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="link_reports"
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    is_resolved = models.BooleanField("resolved", default=False)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["is_resolved", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_link_report_per_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {self.get_reason_display().lower()}"


class CourseFeedback(models.Model):
    """A learner's vote on whether a course helped; one per learner and course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="feedback")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_feedback"
    )
    is_helpful = models.BooleanField("helpful")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "course feedback"
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="one_vote_per_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.course}: {'helpful' if self.is_helpful else 'not helpful'}"
